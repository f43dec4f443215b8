//! Electronic supervision (电子监察): warning cards issued by `supervise`, the notifications they
//! send, their acknowledgment, and the overdue board.
//!
//! Levels are computed by domain::time::calendar on the calendar and the database's today. Open
//! cases
//! are grouped by (due date, limit) first, so the arithmetic runs once per group, not per case,
//! and the cards are written set-based.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};

use super::calendar;
use crate::domain::accounts::permission::{Permission, allows};
use crate::domain::time::calendar::{Calendar, Level, Thresholds, level};
use crate::store::StoreError;
use crate::store::accounts::permission::actor;
use crate::store::audit::{self, NewAudit};

/// The advisory lock key of a supervision run: one issuer at a time across every onewindow.
pub const SUPERVISE_LOCK: i64 = 0x6f77_7375_7065_7276; // "owsuperv"

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunReport {
    /// False when another run held the lock: this one did nothing.
    pub ran: bool,
    pub yellow: u64,
    pub red: u64,
    pub notifications: u64,
    /// Routing branches past their reply limit counted as consent (超时默许).
    pub deemed_consents: u64,
}

/// (due date, limit) → level, for every group of open accepted cases that is not normal.
async fn warning_groups(
    conn: &mut PgConnection,
    cal: &Calendar,
    today: NaiveDate,
    t: Thresholds,
) -> Result<Vec<(NaiveDate, i32, Level, i64)>, StoreError> {
    // A suspended case's clock stands still: no card while it is. The limit that counts for
    // "share used" includes an extension.
    let groups: Vec<(NaiveDate, i32)> = sqlx::query_as(
        "select distinct due_date, limit_days + extension_days from cases
         where status = 'accepted' and not suspended and due_date is not null
           and limit_days is not null",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(groups
        .into_iter()
        .filter_map(|(due, lim)| {
            let r = cal.remaining(today, due);
            match level(lim.max(0) as u32, r, t) {
                Level::Normal => None,
                l => Some((due, lim, l, r.days)),
            }
        })
        .collect())
}

/// Issues the cards due now — once per case and level, however often it runs — and notifies
/// the holder, the department's chief representatives and the supervisors. Under an advisory
/// lock: a second run at the same moment returns at once with `ran: false`.
pub async fn run(pool: &PgPool, t: Thresholds) -> Result<RunReport, StoreError> {
    let mut tx = pool.begin().await?;
    let got: bool = sqlx::query_scalar("select pg_try_advisory_xact_lock($1)")
        .bind(SUPERVISE_LOCK)
        .fetch_one(&mut *tx)
        .await?;
    if !got {
        return Ok(RunReport::default());
    }
    let cal = calendar::load(&mut tx).await?;
    let today = calendar::today(&mut tx).await?;
    let groups = warning_groups(&mut tx, &cal, today, t).await?;
    let dues: Vec<NaiveDate> = groups.iter().map(|g| g.0).collect();
    let limits: Vec<i32> = groups.iter().map(|g| g.1).collect();
    let levels: Vec<&str> = groups.iter().map(|g| g.2.as_str()).collect();
    let lefts: Vec<i32> = groups.iter().map(|g| g.3 as i32).collect();
    let cards: Vec<(i64, String)> = sqlx::query_as(
        "insert into supervision_cards (case_id, level, department_id, due_date, days_left)
         select c.case_id, v.lvl::card_level, c.department_id, c.due_date, v.days_left
         from unnest($1::date[], $2::integer[], $3::text[], $4::integer[])
                  as v(due, lim, lvl, days_left)
         join cases c on c.due_date = v.due and c.limit_days + c.extension_days = v.lim
         where c.status = 'accepted' and not c.suspended
         on conflict (case_id, level) do nothing
         returning card_id, level::text",
    )
    .bind(&dues)
    .bind(&limits)
    .bind(&levels)
    .bind(&lefts)
    .fetch_all(&mut *tx)
    .await?;
    let ids: Vec<i64> = cards.iter().map(|c| c.0).collect();
    let notifications = sqlx::query(
        "insert into notifications (operator_id, card_id)
         select distinct r.operator_id, k.card_id
         from supervision_cards k
         join cases c using (case_id)
         cross join lateral (
             select c.claimed_by as operator_id where c.claimed_by is not null
             union
             select o.operator_id from operators o
             where o.active and o.department_id = k.department_id and 'chief_rep' = any (o.roles)
             union
             select o.operator_id from operators o where o.active and 'supervisor' = any (o.roles)
         ) r
         where k.card_id = any ($1)
         on conflict do nothing",
    )
    .bind(&ids)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let report = RunReport {
        deemed_consents: 0,
        ran: true,
        yellow: cards.iter().filter(|c| c.1 == "yellow").count() as u64,
        red: cards.iter().filter(|c| c.1 == "red").count() as u64,
        notifications,
    };
    // A run that issued nothing leaves no trace: the TUIs run it every few minutes.
    if !cards.is_empty() {
        audit::append(
            &mut tx,
            NewAudit {
                operator_id: None,
                action: "supervision.run",
                entity: "supervision",
                entity_id: None,
                detail: json!({
                    "today": today,
                    "yellow": report.yellow,
                    "red": report.red,
                    "notifications": report.notifications,
                    "first_card": ids.iter().min(),
                    "last_card": ids.iter().max(),
                }),
            },
        )
        .await?;
    }
    tx.commit().await?;
    // Silent branches of items whose silence consents, still under the run's single issuer.
    let mut report = report;
    report.deemed_consents = crate::store::routing::lapse_overdue(pool).await?;
    Ok(report)
}

/// One department on the overdue board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardRow {
    pub department_id: i64,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub open: i64,
    pub yellow: i64,
    pub red: i64,
    /// Working days late of its latest case (0 when none is late).
    pub worst_days_late: i64,
}

/// The overdue board (supervisors): every department with open cases, the most red first.
pub async fn board(pool: &PgPool, viewer: i64, t: Thresholds) -> Result<Vec<BoardRow>, StoreError> {
    let mut conn = pool.acquire().await?;
    let me = actor(&mut *conn, viewer).await?;
    me.require(Permission::SeeAllCases)?;
    let cal = calendar::load(&mut conn).await?;
    let today = calendar::today(&mut conn).await?;
    let groups: Vec<(i64, NaiveDate, i32, i64, bool)> = sqlx::query_as(
        "select department_id, due_date, limit_days + extension_days, count(*), suspended
         from cases
         where status = 'accepted' and due_date is not null and limit_days is not null
         group by 1, 2, 3, 5",
    )
    .fetch_all(&mut *conn)
    .await?;
    let depts: Vec<(i64, String, String, String)> = sqlx::query_as(
        "select department_id, code, name_zh, name_en from departments order by code",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut rows: Vec<BoardRow> = depts
        .into_iter()
        .map(|(department_id, code, name_zh, name_en)| BoardRow {
            department_id,
            code,
            name_zh,
            name_en,
            open: 0,
            yellow: 0,
            red: 0,
            worst_days_late: 0,
        })
        .collect();
    for (dept, due, lim, n, suspended) in groups {
        let Some(row) = rows.iter_mut().find(|r| r.department_id == dept) else {
            continue;
        };
        let r = cal.remaining(today, due);
        row.open += n;
        if suspended {
            // The clock stands still: neither yellow nor red while suspended.
            continue;
        }
        match level(lim.max(0) as u32, r, t) {
            Level::Red => {
                row.red += n;
                row.worst_days_late = row.worst_days_late.max(-r.days);
            }
            Level::Yellow => row.yellow += n,
            Level::Normal => {}
        }
    }
    rows.retain(|r| r.open > 0);
    rows.sort_by(|a, b| {
        (b.red, b.yellow, b.worst_days_late)
            .cmp(&(a.red, a.yellow, a.worst_days_late))
            .then_with(|| a.code.cmp(&b.code))
    });
    Ok(rows)
}

/// A notification as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NotificationRow {
    pub notification_id: i64,
    pub card_id: i64,
    pub level: String,
    pub case_id: i64,
    pub case_no: String,
    pub item_zh: String,
    pub item_en: String,
    pub department_code: String,
    pub due_date: NaiveDate,
    pub days_left: i32,
    pub issued_at: DateTime<Utc>,
    pub read: bool,
    pub acknowledged_by: Option<String>,
    pub ack_comment: Option<String>,
}

/// My notifications: unacknowledged red cards first, then yellow, each newest first.
pub async fn notifications(
    pool: &PgPool,
    viewer: i64,
    limit: i64,
) -> Result<Vec<NotificationRow>, StoreError> {
    Ok(sqlx::query_as(
        "select n.notification_id, k.card_id, k.level::text as level, c.case_id, c.case_no,
                i.name_zh as item_zh, i.name_en as item_en, d.code as department_code,
                k.due_date, k.days_left, k.issued_at, n.read_at is not null as read,
                o.name as acknowledged_by, k.ack_comment
         from notifications n
         join supervision_cards k using (card_id)
         join cases c on c.case_id = k.case_id
         join items i on i.item_id = c.item_id
         join departments d on d.department_id = k.department_id
         left join operators o on o.operator_id = k.acknowledged_by
         where n.operator_id = $1
         -- What needs acting on first: unacknowledged, red before yellow, newest.
         order by k.acknowledged_at is not null, k.level desc, n.notification_id desc
         limit $2",
    )
    .bind(viewer)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// How many of my notifications are unread (the status bar).
pub async fn unread(pool: &PgPool, viewer: i64) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "select count(*) from notifications where operator_id = $1 and read_at is null",
    )
    .bind(viewer)
    .fetch_one(pool)
    .await?)
}

/// Acknowledges a card with a comment (required): one of its recipients, once. Marks the
/// acknowledging operator's notification read. Audited.
pub async fn acknowledge(
    pool: &PgPool,
    operator_id: i64,
    card_id: i64,
    comment: &str,
) -> Result<(), StoreError> {
    let comment = comment.trim();
    if comment.is_empty() {
        return Err(StoreError::Invalid {
            field: "comment",
            reason: "an acknowledgment needs a comment".into(),
        });
    }
    let mut tx = pool.begin().await?;
    let me = actor(&mut *tx, operator_id).await?;
    let recipient: bool = sqlx::query_scalar(
        "select exists (select 1 from notifications where operator_id = $1 and card_id = $2)",
    )
    .bind(operator_id)
    .bind(card_id)
    .fetch_one(&mut *tx)
    .await?;
    if !recipient && !allows(&me.roles, Permission::SeeAllCases) {
        return Err(StoreError::Forbidden(Permission::WorkCase));
    }
    let done = sqlx::query(
        "update supervision_cards
         set acknowledged_at = now(), acknowledged_by = $2, ack_comment = $3
         where card_id = $1 and acknowledged_at is null",
    )
    .bind(card_id)
    .bind(operator_id)
    .bind(comment)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        return Err(StoreError::Conflict(
            "this card was already acknowledged".into(),
        ));
    }
    sqlx::query(
        "update notifications set read_at = now()
         where operator_id = $1 and card_id = $2 and read_at is null",
    )
    .bind(operator_id)
    .bind(card_id)
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "card.acknowledge",
            entity: "card",
            entity_id: Some(card_id.to_string()),
            detail: json!({ "comment": comment }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Marks all my notifications read (opening the list reads them).
pub async fn mark_read(pool: &PgPool, viewer: i64) -> Result<u64, StoreError> {
    Ok(sqlx::query(
        "update notifications set read_at = now() where operator_id = $1 and read_at is null",
    )
    .bind(viewer)
    .execute(pool)
    .await?
    .rows_affected())
}
