//! **cases** — the database side. Cases (办件): one-window intake, queues and claims, the case view,
//! quick lookup with masking.
//!
//! Rules kept: A case is accepted or refused with reasons; a claim is taken exactly once; personal
//! data is masked unless revealed with a reason.
//! Docs: docs/lookup.md and the user guide's intake and queue chapters.
//!
//! Cases: intake at the window, instant decisions, claiming. The queues and the case view
//! (reading) are in `case_queue`, re-exported here.
//!
//! Every change is one transaction: permission check (roles and department read from the
//! database), version or state check, the change, the audit row and its NOTIFY.

pub mod lookup;
pub mod queue;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};

use crate::domain::accounts::permission::{Permission, allows};
use crate::domain::cases::validate;
use crate::store::StoreError;
use crate::store::accounts::permission::actor;
use crate::store::audit::{self, NewAudit};
use crate::store::fees::FeeMoment;
pub use queue::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicantKind {
    Person,
    Organisation,
}

impl ApplicantKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicantKind::Person => "person",
            ApplicantKind::Organisation => "organisation",
        }
    }
}

/// What the intake form hands over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intake {
    pub item_id: i64,
    pub kind: ApplicantKind,
    pub name: String,
    pub id_no: String,
    pub phone: String,
    pub address: String,
    /// 首问负责: the code of the staff member the applicant asked first; the receiving
    /// operator when nobody else was asked (or the field was left empty).
    pub first_inquiry: Option<String>,
    /// Materials the applicant brought (material ids of the item).
    pub provided: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntakeOutcome {
    Accepted {
        case_id: i64,
        case_no: String,
        accepted_at: DateTime<Utc>,
        /// The promised completion date (承诺办结日期), counted in working days.
        due: NaiveDate,
        /// Counted through a year whose holiday notice is not loaded yet.
        due_provisional: bool,
        /// The fee assessed on acceptance: (payment code, fen), when the item charges then.
        fee: Option<(String, i64)>,
    },
    /// Required materials missing: a correction notice listing them, not an acceptance.
    Correction {
        case_id: i64,
        case_no: String,
        missing: Vec<String>,
    },
}

fn invalid(field: &'static str, reason: impl Into<String>) -> StoreError {
    StoreError::Invalid {
        field,
        reason: reason.into(),
    }
}

/// Checks the applicant fields again (the form checks them first, for its messages); the store
/// never trusts a client.
fn check_applicant(i: &Intake, today: NaiveDate) -> Result<(String, String), StoreError> {
    match i.kind {
        ApplicantKind::Person => validate::person_name(&i.name),
        ApplicantKind::Organisation => validate::applicant_name(&i.name),
    }
    .map_err(|e| invalid("name", format!("{e:?}")))?;
    validate::address(&i.address).map_err(|e| invalid("address", format!("{e:?}")))?;
    let id = match i.kind {
        ApplicantKind::Person => validate::resident_id(&i.id_no, today),
        ApplicantKind::Organisation => validate::credit_code(&i.id_no),
    }
    .map_err(|e| invalid("id_no", format!("{e:?}")))?;
    let phone = validate::phone(&i.phone).map_err(|e| invalid("phone", format!("{e:?}")))?;
    Ok((id, phone))
}

/// Receives an application at the window: accepted when every required material is there,
/// otherwise a correction notice naming what is missing. Either way the case gets its number.
pub async fn intake(
    pool: &PgPool,
    operator_id: i64,
    i: &Intake,
) -> Result<IntakeOutcome, StoreError> {
    let mut tx = pool.begin().await?;
    let me = actor(&mut *tx, operator_id).await?;
    me.require(Permission::ReceiveCase)?;
    let today: NaiveDate = sqlx::query_scalar("select current_date")
        .fetch_one(&mut *tx)
        .await?;
    let (id_no, phone) = check_applicant(i, today)?;

    // The item must take new cases; FOR SHARE keeps it from being retired meanwhile.
    let item: Option<(i64, bool, i32)> = sqlx::query_as(
        "select department_id, retired_at is not null, promised_days from items
         where item_id = $1 for share",
    )
    .bind(i.item_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (department_id, retired, promised_days) = item.ok_or(StoreError::NotFound("item"))?;
    if retired {
        return Err(invalid("item", "retired: it takes no new cases"));
    }
    let first_inquiry_by = match i.first_inquiry.as_deref().map(str::trim) {
        None | Some("") => operator_id,
        Some(code) => sqlx::query_scalar(
            "select operator_id from operators where code = lower($1) and active",
        )
        .bind(code)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| invalid("first_inquiry", format!("no active operator {code}")))?,
    };
    let materials: Vec<(i64, String, bool)> = sqlx::query_as(
        "select material_id, name_zh, required from item_materials
         where item_id = $1 and retired_at is null order by position",
    )
    .bind(i.item_id)
    .fetch_all(&mut *tx)
    .await?;
    if let Some(bad) = i
        .provided
        .iter()
        .find(|p| !materials.iter().any(|m| m.0 == **p))
    {
        return Err(invalid(
            "materials",
            format!("material {bad} is not of this item"),
        ));
    }
    let missing: Vec<String> = materials
        .iter()
        .filter(|m| m.2 && !i.provided.contains(&m.0))
        .map(|m| m.1.clone())
        .collect();

    let case_no = next_case_no(&mut tx, department_id).await?;
    let accepted = missing.is_empty();
    // The clock starts on the day of acceptance (day 1 is the next working day).
    let due = crate::store::time::calendar::load(&mut tx)
        .await?
        .add_working_days(today, promised_days.max(0) as u32);
    let (case_id, accepted_at): (i64, Option<DateTime<Utc>>) = sqlx::query_as(
        "insert into cases (case_no, item_id, department_id, applicant_kind, applicant_name,
             applicant_id_no, applicant_phone, applicant_address, status, received_by,
             first_inquiry_by, accepted_at, correction_note, limit_days, due_date,
             due_provisional)
         values ($1, $2, $3, $4::applicant_kind, $5, $6, $7, $8, $9::case_status, $10, $11,
                 case when $12 then now() end, $13,
                 case when $12 then $14 end, case when $12 then $15::date end, $12 and $16)
         returning case_id, accepted_at",
    )
    .bind(&case_no)
    .bind(i.item_id)
    .bind(department_id)
    .bind(i.kind.as_str())
    .bind(i.name.trim())
    .bind(&id_no)
    .bind(&phone)
    .bind(i.address.trim())
    .bind(if accepted { "accepted" } else { "correction" })
    .bind(operator_id)
    .bind(first_inquiry_by)
    .bind(accepted)
    .bind((!accepted).then(|| missing.join("；")))
    .bind(promised_days)
    .bind(due.date)
    .bind(due.provisional())
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| crate::store::constraints::refine(e.into()))?;
    sqlx::query(
        "insert into case_materials (case_id, material_id, provided)
         select $1, material_id, material_id = any($2) from item_materials
         where item_id = $3 and retired_at is null",
    )
    .bind(case_id)
    .bind(&i.provided)
    .bind(i.item_id)
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: if accepted {
                "case.accept"
            } else {
                "case.correction"
            },
            entity: "case",
            entity_id: Some(case_id.to_string()),
            detail: if accepted {
                json!({ "case_no": case_no, "item_id": i.item_id, "due": due.date,
                        "limit_days": promised_days })
            } else {
                json!({ "case_no": case_no, "item_id": i.item_id, "missing": missing })
            },
        },
    )
    .await?;
    // A routed item fans out to the departments of its first stage.
    if accepted {
        crate::store::routing::fan_out(&mut tx, case_id, i.item_id).await?;
    }
    let fee = if accepted {
        crate::store::fees::assess(
            &mut tx,
            operator_id,
            case_id,
            i.item_id,
            FeeMoment::Acceptance,
        )
        .await?
    } else {
        None
    };
    tx.commit().await?;
    Ok(match accepted_at {
        Some(accepted_at) => IntakeOutcome::Accepted {
            case_id,
            case_no,
            accepted_at,
            due: due.date,
            due_provisional: due.provisional(),
            fee,
        },
        None => IntakeOutcome::Correction {
            case_id,
            case_no,
            missing,
        },
    })
}

/// YYYYMMDD-DEPT-NNNNN: sortable by date, readable at the counter, unique under concurrent
/// intake (the counter row is locked by the upsert until commit).
async fn next_case_no(conn: &mut PgConnection, department_id: i64) -> Result<String, StoreError> {
    let (day, code, n): (NaiveDate, String, i32) = sqlx::query_as(
        "with c as (
             insert into case_counters (day, department_id, last) values (current_date, $1, 1)
             on conflict (day, department_id) do update set last = case_counters.last + 1
             returning day, last)
         select c.day, d.code, c.last from c, departments d where d.department_id = $1",
    )
    .bind(department_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(format_case_no(day, &code, n))
}

pub fn format_case_no(day: NaiveDate, department_code: &str, n: i32) -> String {
    format!("{}-{department_code}-{n:05}", day.format("%Y%m%d"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimOutcome {
    Claimed,
    /// Someone else holds it (or it is no longer open).
    Taken,
}

/// Claims a case for the operator: exactly one claimer wins, however many try at once (a
/// guarded update: the row lock makes the others re-check `claimed_by is null` and fail).
pub async fn claim(
    pool: &PgPool,
    operator_id: i64,
    case_id: i64,
) -> Result<ClaimOutcome, StoreError> {
    let mut tx = pool.begin().await?;
    let me = actor(&mut *tx, operator_id).await?;
    me.require(Permission::WorkCase)?;
    let claimed = sqlx::query(
        "update cases set claimed_by = $1, claimed_at = now(), version = version + 1
         where case_id = $2 and department_id = $3 and status = 'accepted'
           and claimed_by is null",
    )
    .bind(operator_id)
    .bind(case_id)
    .bind(me.department_id)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if !claimed {
        let dept: Option<i64> =
            sqlx::query_scalar("select department_id from cases where case_id = $1")
                .bind(case_id)
                .fetch_optional(&mut *tx)
                .await?;
        return match dept {
            None => Err(StoreError::NotFound("case")),
            Some(d) if d != me.department_id => Err(StoreError::Forbidden(Permission::WorkCase)),
            Some(_) => Ok(ClaimOutcome::Taken),
        };
    }
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "case.claim",
            entity: "case",
            entity_id: Some(case_id.to_string()),
            detail: json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(ClaimOutcome::Claimed)
}

/// Gives a claimed case back to the department queue; only its holder can.
pub async fn release(
    pool: &PgPool,
    operator_id: i64,
    case_id: i64,
    version: i32,
) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    let me = actor(&mut *tx, operator_id).await?;
    me.require(Permission::WorkCase)?;
    let done = sqlx::query(
        "update cases set claimed_by = null, claimed_at = null, version = version + 1
         where case_id = $1 and claimed_by = $2 and version = $3",
    )
    .bind(case_id)
    .bind(operator_id)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Stale("case".into()));
    }
    audit_case(&mut tx, operator_id, case_id, "case.release", json!({})).await?;
    tx.commit().await?;
    Ok(())
}

/// The chief representative gives a case of the department to another of its operators.
pub async fn reassign(
    pool: &PgPool,
    operator_id: i64,
    case_id: i64,
    version: i32,
    to: i64,
) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    let me = actor(&mut *tx, operator_id).await?;
    me.require(Permission::ReassignCase)?;
    let target = actor(&mut *tx, to).await?;
    if target.department_id != me.department_id || !allows(&target.roles, Permission::WorkCase) {
        return Err(invalid(
            "to",
            "not an operator of this department who works cases",
        ));
    }
    let done = sqlx::query(
        "update cases set claimed_by = $1, claimed_at = now(), version = version + 1
         where case_id = $2 and department_id = $3 and status = 'accepted' and version = $4",
    )
    .bind(to)
    .bind(case_id)
    .bind(me.department_id)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Stale("case".into()));
    }
    audit_case(
        &mut tx,
        operator_id,
        case_id,
        "case.reassign",
        json!({ "to": to }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `reassign`, naming the new holder by login code (as the chief representative types it).
pub async fn reassign_to_code(
    pool: &PgPool,
    operator_id: i64,
    case_id: i64,
    version: i32,
    to_code: &str,
) -> Result<(), StoreError> {
    let to: Option<i64> =
        sqlx::query_scalar("select operator_id from operators where code = $1 and active")
            .bind(to_code.trim().to_lowercase())
            .fetch_optional(pool)
            .await?;
    let to = to.ok_or_else(|| invalid("to", format!("no active operator `{}`", to_code.trim())))?;
    reassign(pool, operator_id, case_id, version, to).await
}

/// Decides an instant item at the window (即办件): approve, or disapprove with a reason.
pub async fn decide_instant(
    pool: &PgPool,
    operator_id: i64,
    case_id: i64,
    version: i32,
    approve: bool,
    reason: &str,
) -> Result<(), StoreError> {
    if !approve && reason.trim().is_empty() {
        return Err(invalid("reason", "a disapproval needs its reason"));
    }
    let mut tx = pool.begin().await?;
    let me = actor(&mut *tx, operator_id).await?;
    me.require(Permission::DecideInstant)?;
    let row: Option<(i64, bool, String, i32, i64)> = sqlx::query_as(
        "select c.department_id, i.is_instant, c.status::text, c.version, c.item_id
         from cases c join items i using (item_id) where c.case_id = $1 for update of c",
    )
    .bind(case_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (dept, instant, status, current, item_id) = row.ok_or(StoreError::NotFound("case"))?;
    if dept != me.department_id {
        return Err(StoreError::Forbidden(Permission::DecideInstant));
    }
    if !instant {
        return Err(invalid(
            "item",
            "not an instant item: it cannot be decided at the window",
        ));
    }
    if current != version {
        return Err(StoreError::Stale("case".into()));
    }
    if status != "accepted" {
        return Err(invalid(
            "status",
            format!("the case is {status}, not accepted"),
        ));
    }
    sqlx::query(
        "update cases set status = $2::case_status, decided_at = now(), decided_by = $3,
             decision_reason = nullif($4, ''), version = version + 1
         where case_id = $1",
    )
    .bind(case_id)
    .bind(if approve { "approved" } else { "disapproved" })
    .bind(operator_id)
    .bind(reason.trim())
    .execute(&mut *tx)
    .await?;
    audit_case(
        &mut tx,
        operator_id,
        case_id,
        if approve {
            "case.approve"
        } else {
            "case.disapprove"
        },
        json!({ "reason": reason.trim() }),
    )
    .await?;
    // An item that charges on approval owes its fee now, in the same transaction.
    if approve {
        crate::store::fees::assess(&mut tx, operator_id, case_id, item_id, FeeMoment::Approval)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn audit_case(
    conn: &mut PgConnection,
    operator_id: i64,
    case_id: i64,
    action: &str,
    detail: serde_json::Value,
) -> Result<i64, StoreError> {
    audit::append(
        conn,
        NewAudit {
            operator_id: Some(operator_id),
            action,
            entity: "case",
            entity_id: Some(case_id.to_string()),
            detail,
        },
    )
    .await
}
