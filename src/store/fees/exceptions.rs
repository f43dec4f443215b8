//! Manual actions on reconciliation exceptions (docs/reconciliation.md): link a receipt whose
//! code is unknown to the assessment it pays, mark a receipt for refund, annotate a receipt or
//! an assessment. Cashiers; each is one transaction with its audit row, and a closed day's
//! trigger refuses it. Also the day's totals by department and by item.

use chrono::NaiveDate;
use serde_json::json;
use sqlx::PgPool;

use super::closed_day;
use crate::domain::accounts::permission::Permission;
use crate::store::StoreError;
use crate::store::accounts::permission::actor;
use crate::store::audit::{self, NewAudit};

fn need(field: &'static str, text: &str, what: &str) -> Result<(), StoreError> {
    if text.trim().is_empty() {
        return Err(StoreError::Invalid {
            field,
            reason: format!("{what} needs a {field}"),
        });
    }
    Ok(())
}

/// The receipt a cashier names: by number, within a source when two sources share a number.
pub async fn find_receipt(
    pool: &PgPool,
    receipt_no: &str,
    source: Option<&str>,
) -> Result<i64, StoreError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "select receipt_id from receipts where receipt_no = $1
           and ($2::text is null or source = $2) order by receipt_id",
    )
    .bind(receipt_no.trim())
    .bind(source)
    .fetch_all(pool)
    .await?;
    match ids.as_slice() {
        [] => Err(StoreError::NotFound("receipt")),
        [id] => Ok(*id),
        _ => Err(StoreError::Invalid {
            field: "source",
            reason: format!("receipt {receipt_no} is in more than one source: name the source"),
        }),
    }
}

/// The assessment with this payment code.
pub async fn find_assessment(pool: &PgPool, payment_code: &str) -> Result<i64, StoreError> {
    sqlx::query_scalar("select assessment_id from fee_assessments where payment_code = $1")
        .bind(payment_code.trim())
        .fetch_optional(pool)
        .await?
        .ok_or(StoreError::NotFound("assessment"))
}

/// Opens the transaction of a manual action on an exception, refusing anyone who may not
/// reconcile.
async fn cashier_tx(
    pool: &PgPool,
    operator_id: i64,
) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, StoreError> {
    let mut tx = pool.begin().await?;
    actor(&mut *tx, operator_id)
        .await?
        .require(Permission::Reconcile)?;
    Ok(tx)
}

/// Links an unidentified receipt (its code names no assessment) to the assessment with
/// `payment_code`: the receipt then pays that assessment.
pub async fn link(
    pool: &PgPool,
    operator_id: i64,
    receipt_id: i64,
    payment_code: &str,
    reason: &str,
) -> Result<(), StoreError> {
    need("reason", reason, "a link")?;
    let mut tx = cashier_tx(pool, operator_id).await?;
    let receipt: Option<(String, String, i64, NaiveDate, bool, bool)> = sqlx::query_as(
        "select r.receipt_no, r.payment_code, r.amount_fen, r.business_date,
                exists (select 1 from receipt_links l where l.receipt_id = r.receipt_id),
                exists (select 1 from fee_assessments a where a.payment_code = r.payment_code
                          and a.cancelled_at is null)
         from receipts r where r.receipt_id = $1 for update",
    )
    .bind(receipt_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (receipt_no, own_code, amount, date, linked, known) =
        receipt.ok_or(StoreError::NotFound("receipt"))?;
    if linked {
        return Err(StoreError::Conflict(format!(
            "receipt {receipt_no} is already linked"
        )));
    }
    if known {
        return Err(StoreError::Invalid {
            field: "receipt",
            reason: format!(
                "receipt {receipt_no} already names assessment {own_code}: only an unidentified receipt is linked"
            ),
        });
    }
    if amount <= 0 {
        return Err(StoreError::Invalid {
            field: "receipt",
            reason: format!("receipt {receipt_no} is a reversal: it is not linked"),
        });
    }
    let target: Option<(i64, bool)> = sqlx::query_as(
        "select assessment_id, cancelled_at is not null from fee_assessments
         where payment_code = $1",
    )
    .bind(payment_code.trim())
    .fetch_optional(&mut *tx)
    .await?;
    let (assessment_id, cancelled) = target.ok_or_else(|| StoreError::Invalid {
        field: "payment code",
        reason: format!("no assessment has the code {}", payment_code.trim()),
    })?;
    if cancelled {
        return Err(StoreError::Invalid {
            field: "payment code",
            reason: format!("assessment {} is cancelled", payment_code.trim()),
        });
    }
    sqlx::query(
        "insert into receipt_links (receipt_id, assessment_id, business_date, reason, linked_by)
         values ($1, $2, $3, $4, $5)",
    )
    .bind(receipt_id)
    .bind(assessment_id)
    .bind(date)
    .bind(reason.trim())
    .bind(operator_id)
    .execute(&mut *tx)
    .await
    .map_err(closed_day)?;
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "receipt.link",
            entity: "receipt",
            entity_id: Some(receipt_id.to_string()),
            detail: json!({ "receipt_no": receipt_no, "receipt_code": own_code,
                            "payment_code": payment_code.trim(), "amount_fen": amount,
                            "reason": reason.trim() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Marks a receipt for refund (退费): it no longer pays or duplicates anything.
pub async fn mark_refund(
    pool: &PgPool,
    operator_id: i64,
    receipt_id: i64,
    reason: &str,
) -> Result<(), StoreError> {
    need("reason", reason, "a refund")?;
    let mut tx = cashier_tx(pool, operator_id).await?;
    let receipt: Option<(String, i64, NaiveDate)> = sqlx::query_as(
        "select receipt_no, amount_fen, business_date from receipts where receipt_id = $1
         for update",
    )
    .bind(receipt_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (receipt_no, amount, date) = receipt.ok_or(StoreError::NotFound("receipt"))?;
    if amount <= 0 {
        return Err(StoreError::Invalid {
            field: "receipt",
            reason: format!("receipt {receipt_no} is a reversal: nothing to refund"),
        });
    }
    let done = sqlx::query(
        "insert into refund_marks (receipt_id, business_date, reason, marked_by)
         values ($1, $2, $3, $4) on conflict do nothing",
    )
    .bind(receipt_id)
    .bind(date)
    .bind(reason.trim())
    .bind(operator_id)
    .execute(&mut *tx)
    .await
    .map_err(closed_day)?
    .rows_affected();
    if done == 0 {
        return Err(StoreError::Conflict(format!(
            "receipt {receipt_no} is already marked for refund"
        )));
    }
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "receipt.refund",
            entity: "receipt",
            entity_id: Some(receipt_id.to_string()),
            detail: json!({ "receipt_no": receipt_no, "amount_fen": amount,
                            "reason": reason.trim() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What a note is written on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Noted {
    Receipt(i64),
    Assessment(i64),
}

/// Annotates a receipt or an assessment, as of the business day being reconciled.
pub async fn annotate(
    pool: &PgPool,
    operator_id: i64,
    date: NaiveDate,
    on: Noted,
    note: &str,
) -> Result<(), StoreError> {
    need("note", note, "an annotation")?;
    if note.trim().chars().count() > 500 {
        return Err(StoreError::Invalid {
            field: "note",
            reason: "a note is at most 500 characters".into(),
        });
    }
    let (kind, id) = match on {
        Noted::Receipt(id) => ("receipt", id),
        Noted::Assessment(id) => ("assessment", id),
    };
    let mut tx = cashier_tx(pool, operator_id).await?;
    let exists: bool = sqlx::query_scalar(if kind == "receipt" {
        "select exists (select 1 from receipts where receipt_id = $1)"
    } else {
        "select exists (select 1 from fee_assessments where assessment_id = $1)"
    })
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    if !exists {
        return Err(StoreError::NotFound(if kind == "receipt" {
            "receipt"
        } else {
            "assessment"
        }));
    }
    sqlx::query(
        "insert into exception_notes (kind, ref_id, business_date, note, noted_by)
         values ($1, $2, $3, $4, $5)",
    )
    .bind(kind)
    .bind(id)
    .bind(date)
    .bind(note.trim())
    .bind(operator_id)
    .execute(&mut *tx)
    .await
    .map_err(closed_day)?;
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "fee.note",
            entity: kind,
            entity_id: Some(id.to_string()),
            detail: json!({ "date": date, "note": note.trim() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Expected against received for one department, or one item within it (`item_code` set).
/// A department of `None` collects receipts that pay no known assessment.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Total {
    pub department_code: Option<String>,
    pub department_zh: Option<String>,
    pub department_en: Option<String>,
    pub item_code: Option<String>,
    pub item_zh: Option<String>,
    pub item_en: Option<String>,
    /// An item's row (false: the department's subtotal).
    pub is_item: bool,
    pub expected_fen: i64,
    pub received_fen: i64,
}

/// A business day's expected and received: the day's figures, then each department and its
/// items. Every figure is a sum of `fee_day_flows` (migration 0020), the one definition the
/// screen's summary line, its by-department view and the `reconcile` command share.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayTotals {
    /// Expected: the day's assessments, not cancelled.
    pub expected_fen: i64,
    /// Received: the day's receipts, not marked for refund, reversals netted.
    pub received_fen: i64,
    /// Each department, then its items; last, receipts that pay no assessment.
    pub rows: Vec<Total>,
}

#[derive(sqlx::FromRow)]
struct TotalRow {
    #[sqlx(flatten)]
    total: Total,
    is_day: bool,
}

/// The day's totals (see `DayTotals`), in one statement: the day's figures are the empty
/// grouping set of the same rows the departments are summed from.
pub async fn totals(pool: &PgPool, viewer: i64, date: NaiveDate) -> Result<DayTotals, StoreError> {
    actor(pool, viewer).await?.require(Permission::Reconcile)?;
    let rows: Vec<TotalRow> = sqlx::query_as(
        "select d.code as department_code, d.name_zh as department_zh,
                d.name_en as department_en, i.code as item_code, i.name_zh as item_zh,
                i.name_en as item_en, grouping(i.code) = 0 as is_item,
                grouping(d.code) = 1 as is_day,
                coalesce(sum(f.expected_fen), 0)::bigint as expected_fen,
                coalesce(sum(f.received_fen), 0)::bigint as received_fen
         from fee_day_flows($1) f
         left join cases c on c.case_id = f.case_id
         left join departments d on d.department_id = c.department_id
         left join items i on i.item_id = c.item_id
         group by grouping sets ((d.code, d.name_zh, d.name_en),
                                 (d.code, d.name_zh, d.name_en, i.code, i.name_zh, i.name_en),
                                 ())
         order by grouping(d.code), d.code nulls last, grouping(i.code) desc, i.code",
    )
    .bind(date)
    .fetch_all(pool)
    .await
    .map_err(super::sum_overflow)?;
    let mut day = DayTotals::default();
    for r in rows {
        if r.is_day {
            day.expected_fen = r.total.expected_fen;
            day.received_fen = r.total.received_fen;
        } else if r.total.department_code.is_some() || !r.total.is_item {
            // The unidentified have no item: their department row says it all.
            day.rows.push(r.total);
        }
    }
    Ok(day)
}
