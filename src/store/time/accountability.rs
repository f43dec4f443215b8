//! Accountability records (问责) from red cards: opened and closed by supervisors, audited.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sqlx::PgPool;

use crate::domain::accounts::permission::Permission;
use crate::store::StoreError;
use crate::store::accounts::permission::actor;
use crate::store::audit::{self, NewAudit};

fn invalid(field: &'static str, reason: impl Into<String>) -> StoreError {
    StoreError::Invalid {
        field,
        reason: reason.into(),
    }
}

/// Opens a record for a red card: an admonishment, or a rectification with a deadline.
pub async fn open(
    pool: &PgPool,
    operator_id: i64,
    card_id: i64,
    kind: &str,
    deadline: Option<NaiveDate>,
    note: &str,
) -> Result<i64, StoreError> {
    match (kind, deadline) {
        ("admonishment", None) | ("rectification", Some(_)) => {}
        ("admonishment", Some(_)) => {
            return Err(invalid("deadline", "an admonishment has no deadline"));
        }
        ("rectification", None) => {
            return Err(invalid("deadline", "a rectification needs a deadline"));
        }
        _ => return Err(invalid("kind", "admonishment or rectification")),
    }
    if note.trim().is_empty() {
        return Err(invalid("note", "say what the record is for"));
    }
    let mut tx = pool.begin().await?;
    actor(&mut *tx, operator_id)
        .await?
        .require(Permission::SeeAllCases)?;
    let level: Option<String> =
        sqlx::query_scalar("select level::text from supervision_cards where card_id = $1")
            .bind(card_id)
            .fetch_optional(&mut *tx)
            .await?;
    match level.as_deref() {
        None => return Err(StoreError::NotFound("card")),
        Some("red") => {}
        Some(_) => return Err(invalid("card", "only a red card leads to accountability")),
    }
    if let Some(d) = deadline {
        let today: NaiveDate = sqlx::query_scalar("select current_date")
            .fetch_one(&mut *tx)
            .await?;
        if d <= today {
            return Err(invalid("deadline", "the deadline must be after today"));
        }
    }
    let record_id: i64 = sqlx::query_scalar(
        "insert into accountability_records (card_id, kind, note, deadline, opened_by)
         values ($1, $2::accountability_kind, $3, $4, $5)
         on conflict (card_id) do nothing
         returning record_id",
    )
    .bind(card_id)
    .bind(kind)
    .bind(note.trim())
    .bind(deadline)
    .bind(operator_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| StoreError::Conflict("this card already has a record".into()))?;
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "accountability.open",
            entity: "accountability",
            entity_id: Some(record_id.to_string()),
            detail: json!({ "card_id": card_id, "kind": kind, "deadline": deadline,
                            "note": note.trim() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(record_id)
}

/// Closes an open record with what was done.
pub async fn close(
    pool: &PgPool,
    operator_id: i64,
    record_id: i64,
    closing_note: &str,
) -> Result<(), StoreError> {
    if closing_note.trim().is_empty() {
        return Err(invalid("note", "say how it was settled"));
    }
    let mut tx = pool.begin().await?;
    actor(&mut *tx, operator_id)
        .await?
        .require(Permission::SeeAllCases)?;
    let done = sqlx::query(
        "update accountability_records set closed_at = now(), closed_by = $2, closing_note = $3
         where record_id = $1 and closed_at is null",
    )
    .bind(record_id)
    .bind(operator_id)
    .bind(closing_note.trim())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        return Err(StoreError::Conflict(
            "no open accountability record with that number".into(),
        ));
    }
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "accountability.close",
            entity: "accountability",
            entity_id: Some(record_id.to_string()),
            detail: json!({ "note": closing_note.trim() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RecordRow {
    pub record_id: i64,
    pub card_id: i64,
    pub case_no: String,
    pub department_code: String,
    pub kind: String,
    pub deadline: Option<NaiveDate>,
    pub note: String,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Open and past its deadline.
    pub overdue: bool,
}

/// Records, open ones first (the most pressing deadline first); supervisors only.
pub async fn list(
    pool: &PgPool,
    viewer: i64,
    include_closed: bool,
) -> Result<Vec<RecordRow>, StoreError> {
    actor(pool, viewer)
        .await?
        .require(Permission::SeeAllCases)?;
    Ok(sqlx::query_as(
        "select r.record_id, r.card_id, c.case_no, d.code as department_code, r.kind::text as kind,
                r.deadline, r.note, r.opened_at, r.closed_at,
                r.closed_at is null and r.deadline < current_date as overdue
         from accountability_records r
         join supervision_cards k using (card_id)
         join cases c on c.case_id = k.case_id
         join departments d on d.department_id = k.department_id
         where $1 or r.closed_at is null
         order by r.closed_at is not null, r.deadline nulls last, r.record_id",
    )
    .bind(include_closed)
    .fetch_all(pool)
    .await?)
}
