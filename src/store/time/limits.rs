//! Changing a case's clock: special procedures (特别程序) suspend it, and a chief representative
//! may extend the limit once. Each change is one transaction: permission, version, change, due
//! date recomputed on the calendar, audit row, NOTIFY.

use chrono::NaiveDate;
use serde_json::json;
use sqlx::{PgConnection, PgPool};

use super::calendar;
use crate::domain::accounts::permission::{Permission, allows};
use crate::store::StoreError;
use crate::store::accounts::permission::{Actor, actor};
use crate::store::audit::{self, NewAudit};

/// The special procedures of Administrative Licensing Law art. 45 whose time does not count.
pub const SUSPENSION_KINDS: [&str; 10] = [
    "hearing",
    "tendering",
    "auction",
    "testing",
    "inspection",
    "quarantine",
    "appraisal",
    "expert_review",
    "public_notice",
    "correction",
];

/// The most working days one extension may add.
pub const MAX_EXTENSION_DAYS: i32 = 30;

fn invalid(field: &'static str, reason: impl Into<String>) -> StoreError {
    StoreError::Invalid {
        field,
        reason: reason.into(),
    }
}

#[derive(sqlx::FromRow)]
struct OpenCase {
    department_id: i64,
    claimed_by: Option<i64>,
    accepted_on: NaiveDate,
    limit_days: i32,
    extension_days: i32,
    suspended_days: i32,
    suspended: bool,
    version: i32,
    status: String,
}

/// Locks an open accepted case at the version the operator saw.
async fn lock_case(
    conn: &mut PgConnection,
    case_id: i64,
    version: i32,
) -> Result<OpenCase, StoreError> {
    let c: OpenCase = sqlx::query_as(
        "select department_id, claimed_by, coalesce(accepted_at, received_at)::date as accepted_on,
                coalesce(limit_days, 0) as limit_days, extension_days, suspended_days, suspended,
                version, status::text as status
         from cases where case_id = $1 for update",
    )
    .bind(case_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound("case"))?;
    if c.version != version {
        return Err(StoreError::Stale("case".into()));
    }
    if c.status != "accepted" {
        return Err(StoreError::Conflict(format!(
            "the case is {}: only an open case has a clock",
            c.status
        )));
    }
    Ok(c)
}

/// The holder of the case, or a chief representative of its department.
fn may_change_clock(me: &Actor, operator_id: i64, c: &OpenCase) -> Result<(), StoreError> {
    me.require(Permission::WorkCase)?;
    let chief = allows(&me.roles, Permission::ReassignCase) && me.department_id == c.department_id;
    if c.claimed_by == Some(operator_id) || chief {
        Ok(())
    } else {
        Err(StoreError::Forbidden(Permission::WorkCase))
    }
}

/// Recomputes the due date from acceptance and the case's limit, extension and suspended days.
async fn set_due(
    conn: &mut PgConnection,
    case_id: i64,
    c: &OpenCase,
) -> Result<NaiveDate, StoreError> {
    let cal = calendar::load(&mut *conn).await?;
    let total = (c.limit_days + c.extension_days + c.suspended_days).max(0) as u32;
    let due = cal.add_working_days(c.accepted_on, total);
    sqlx::query("update cases set due_date = $2, due_provisional = $3 where case_id = $1")
        .bind(case_id)
        .bind(due.date)
        .bind(due.provisional())
        .execute(&mut *conn)
        .await?;
    Ok(due.date)
}

/// Starts a special procedure: the clock stops until `resume`.
pub async fn suspend(
    pool: &PgPool,
    operator_id: i64,
    case_id: i64,
    version: i32,
    kind: &str,
    reason: &str,
) -> Result<(), StoreError> {
    if !SUSPENSION_KINDS.contains(&kind) {
        return Err(invalid("kind", format!("unknown special procedure {kind}")));
    }
    if reason.trim().is_empty() {
        return Err(invalid("reason", "a suspension needs a reason"));
    }
    let mut tx = pool.begin().await?;
    let me = actor(&mut *tx, operator_id).await?;
    let c = lock_case(&mut tx, case_id, version).await?;
    may_change_clock(&me, operator_id, &c)?;
    if c.suspended {
        return Err(StoreError::Conflict("the case is already suspended".into()));
    }
    stop_clock(&mut tx, operator_id, case_id, kind, reason).await?;
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "case.suspend",
            entity: "case",
            entity_id: Some(case_id.to_string()),
            detail: json!({ "kind": kind, "reason": reason.trim() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Ends the open special procedure: the working days it lasted move the due date. Returns the
/// new due date.
pub async fn resume(
    pool: &PgPool,
    operator_id: i64,
    case_id: i64,
    version: i32,
) -> Result<NaiveDate, StoreError> {
    let mut tx = pool.begin().await?;
    let me = actor(&mut *tx, operator_id).await?;
    let c = lock_case(&mut tx, case_id, version).await?;
    may_change_clock(&me, operator_id, &c)?;
    let (days, due) = restart_clock(&mut tx, operator_id, case_id, c).await?;
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "case.resume",
            entity: "case",
            entity_id: Some(case_id.to_string()),
            detail: json!({ "working_days": days, "due": due }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(due)
}

/// Stops a case's clock (a special procedure or a correction request), inside the caller's
/// transaction, after its checks.
pub(crate) async fn stop_clock(
    conn: &mut PgConnection,
    operator_id: i64,
    case_id: i64,
    kind: &str,
    reason: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "insert into case_suspensions (case_id, kind, reason, started_by)
         values ($1, $2::suspension_kind, $3, $4)",
    )
    .bind(case_id)
    .bind(kind)
    .bind(reason.trim())
    .bind(operator_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("update cases set suspended = true, version = version + 1 where case_id = $1")
        .bind(case_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Restarts the clock of a suspended case (its row locked here), inside the caller's transaction:
/// the working days of the suspension move the due date. Returns (days, new due date).
pub(crate) async fn restart_clock_of(
    conn: &mut PgConnection,
    operator_id: i64,
    case_id: i64,
) -> Result<(i32, NaiveDate), StoreError> {
    let c: OpenCase = sqlx::query_as(
        "select department_id, claimed_by, coalesce(accepted_at, received_at)::date as accepted_on,
                coalesce(limit_days, 0) as limit_days, extension_days, suspended_days, suspended,
                version, status::text as status
         from cases where case_id = $1 for update",
    )
    .bind(case_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound("case"))?;
    restart_clock(conn, operator_id, case_id, c).await
}

async fn restart_clock(
    tx: &mut PgConnection,
    operator_id: i64,
    case_id: i64,
    mut c: OpenCase,
) -> Result<(i32, NaiveDate), StoreError> {
    let started: Option<(i64, NaiveDate)> = sqlx::query_as(
        "select suspension_id, started_at::date from case_suspensions
         where case_id = $1 and ended_at is null",
    )
    .bind(case_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((suspension_id, started_on)) = started else {
        return Err(StoreError::Conflict("the case is not suspended".into()));
    };
    let cal = calendar::load(&mut *tx).await?;
    let today = calendar::today(&mut *tx).await?;
    // The days after the suspension began, up to today: the clock did not run on them.
    let days = cal.working_days_between(started_on, today) as i32;
    sqlx::query(
        "update case_suspensions set ended_at = now(), ended_by = $2, working_days = $3
         where suspension_id = $1",
    )
    .bind(suspension_id)
    .bind(operator_id)
    .bind(days)
    .execute(&mut *tx)
    .await?;
    c.suspended_days += days;
    sqlx::query(
        "update cases set suspended = false, suspended_days = $2, version = version + 1
         where case_id = $1",
    )
    .bind(case_id)
    .bind(c.suspended_days)
    .execute(&mut *tx)
    .await?;
    let due = set_due(&mut *tx, case_id, &c).await?;
    Ok((days, due))
}

/// Extends the limit by `days` working days: once per case, a chief representative of the
/// case's department, with a reason. The applicant's notice is recorded with it. Returns the
/// new due date.
pub async fn extend(
    pool: &PgPool,
    operator_id: i64,
    case_id: i64,
    version: i32,
    days: i32,
    reason: &str,
) -> Result<NaiveDate, StoreError> {
    if !(1..=MAX_EXTENSION_DAYS).contains(&days) {
        return Err(invalid(
            "days",
            format!("between 1 and {MAX_EXTENSION_DAYS} working days"),
        ));
    }
    if reason.trim().is_empty() {
        return Err(invalid("reason", "an extension needs a reason"));
    }
    let mut tx = pool.begin().await?;
    let me = actor(&mut *tx, operator_id).await?;
    me.require(Permission::ExtendLimit)?;
    let mut c = lock_case(&mut tx, case_id, version).await?;
    if c.department_id != me.department_id {
        return Err(StoreError::Forbidden(Permission::ExtendLimit));
    }
    if c.extension_days > 0 {
        return Err(StoreError::Conflict(
            "the limit of this case was already extended once".into(),
        ));
    }
    c.extension_days = days;
    sqlx::query(
        "update cases set extension_days = $2, extension_reason = $3, extended_by = $4,
             extended_at = now(), version = version + 1
         where case_id = $1",
    )
    .bind(case_id)
    .bind(days)
    .bind(reason.trim())
    .bind(operator_id)
    .execute(&mut *tx)
    .await?;
    let due = set_due(&mut tx, case_id, &c).await?;
    let (case_no, phone): (String, String) =
        sqlx::query_as("select case_no, applicant_phone from cases where case_id = $1")
            .bind(case_id)
            .fetch_one(&mut *tx)
            .await?;
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "case.extend",
            entity: "case",
            entity_id: Some(case_id.to_string()),
            detail: json!({
                "days": days,
                "reason": reason.trim(),
                "due": due,
                // 延期告知: what the applicant is told, and where.
                "applicant_notice": format!(
                    "办件 {case_no} 办理期限延长 {days} 个工作日，承诺办结日期改为 {due}。理由：{}",
                    reason.trim()
                ),
                "notified_phone": crate::domain::cases::mask::phone(&phone),
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(due)
}
