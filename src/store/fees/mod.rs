//! **fees** — the database side. Fees: assessments with payment codes, receipts imported from the
//! fiscal export, reconciliation and day close.
//!
//! Rules kept: Money is integer fen with checked arithmetic; a closed day takes no new receipts;
//! matching is set-based.
//! Docs: docs/reconciliation.md.
//!
//! Fees: assessments with payment codes, receipts imported from the fiscal system's export,
//! set-based matching into classes, and day close (docs/reconciliation.md). Amounts are fen.

pub mod exceptions;

use chrono::NaiveDate;
use serde_json::json;
use sqlx::{PgConnection, PgPool};

use crate::domain::accounts::permission::Permission;
use crate::domain::fees::payment_code;
use crate::domain::fees::receipt_file::{ReceiptLine, Rules};
use crate::store::StoreError;
use crate::store::accounts::permission::actor;
use crate::store::audit::{self, NewAudit};
use crate::store::bulk::CopyRows;

/// When an item's fee falls due (`items.fee_on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeeMoment {
    Acceptance,
    Approval,
}

/// Creates the assessment a case owes at this moment, when its item charges then: on acceptance
/// inside the intake's transaction, on approval inside the decision's. The business day is the
/// database's today. Returns (payment code, amount in fen).
pub(super) async fn assess(
    conn: &mut PgConnection,
    operator_id: i64,
    case_id: i64,
    item_id: i64,
    moment: FeeMoment,
) -> Result<Option<(String, i64)>, StoreError> {
    let fee: Option<(i64, i64, NaiveDate)> = sqlx::query_as(
        "select i.fee_amount_fen, i.department_id, current_date from items i
         where i.item_id = $1 and i.fee_kind <> 'free' and i.fee_on = $2::fee_moment",
    )
    .bind(item_id)
    .bind(match moment {
        FeeMoment::Acceptance => "acceptance",
        FeeMoment::Approval => "approval",
    })
    .fetch_optional(&mut *conn)
    .await?;
    let Some((amount, department_id, today)) = fee else {
        return Ok(None);
    };
    let id: i64 = sqlx::query_scalar(
        "select nextval(pg_get_serial_sequence('fee_assessments', 'assessment_id'))",
    )
    .fetch_one(&mut *conn)
    .await?;
    let code = payment_code::make(today, department_id, id);
    sqlx::query(
        "insert into fee_assessments (assessment_id, case_id, payment_code, quantity, amount_fen,
             business_date, created_by)
         values ($1, $2, $3, 1, $4, current_date, $5)",
    )
    .bind(id)
    .bind(case_id)
    .bind(&code)
    .bind(amount)
    .bind(operator_id)
    .execute(&mut *conn)
    .await?;
    Ok(Some((code, amount)))
}

/// A closed day's trigger error as a clear conflict.
pub(crate) fn closed_day(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.message().contains("is closed") => {
            StoreError::Conflict(d.message().to_string())
        }
        _ => StoreError::Db(e),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub lines: usize,
    /// Receipts new to the database; the rest were imported before.
    pub added: u64,
}

/// Imports checked receipts with the default rules (see `import_with`).
pub async fn import(
    pool: &PgPool,
    operator_id: i64,
    source: &str,
    file_name: &str,
    lines: &[ReceiptLine],
) -> Result<ImportReport, StoreError> {
    import_with(
        pool,
        operator_id,
        source,
        file_name,
        lines,
        &Rules::default(),
    )
    .await
}

/// Problems the import itself finds, after the file's own checks: at most this many are
/// listed, with a count of the rest.
const LISTED_PROBLEMS: i64 = 100;

/// Imports checked receipts: idempotent by (source, receipt number), one transaction, audited.
/// Cashiers (and supervisors). Before anything is added, what only the database can tell is
/// checked, each problem with its line, and any problem refuses the whole file
/// (`StoreError::Invalid`, field "file"): a receipt paid more than `rules.max_days_ahead` days
/// after the database's today, and a negative line whose receipt is neither in the file nor
/// imported before from the same source.
pub async fn import_with(
    pool: &PgPool,
    operator_id: i64,
    source: &str,
    file_name: &str,
    lines: &[ReceiptLine],
    rules: &Rules,
) -> Result<ImportReport, StoreError> {
    let mut tx = pool.begin().await?;
    actor(&mut *tx, operator_id)
        .await?
        .require(Permission::Reconcile)?;
    let import_id: i64 = sqlx::query_scalar(
        "insert into receipt_imports (source, file_name, lines, added, imported_by)
         values ($1, $2, $3, 0, $4) returning import_id",
    )
    .bind(source)
    .bind(file_name)
    .bind(lines.len() as i32)
    .bind(operator_id)
    .fetch_one(&mut *tx)
    .await?;
    // The lines go in by COPY to a scratch table, then into receipts in one statement: binding
    // a million-element array per column costs more than the insert itself.
    sqlx::query(
        "create temp table receipt_lines (line integer, receipt_no text, payment_code text,
             amount_fen bigint, paid_at timestamp, payer text, reverses text) on commit drop",
    )
    .execute(&mut *tx)
    .await?;
    let mut copy = tx.copy_in_raw("copy receipt_lines from stdin").await?;
    let mut rows = CopyRows::new();
    for l in lines {
        rows.opt(Some(l.line));
        rows.text(&l.receipt_no);
        rows.text(&l.payment_code);
        rows.opt(Some(l.amount_fen));
        rows.opt(Some(l.paid_at.format("%Y-%m-%d %H:%M:%S%.f")));
        rows.text(&l.payer);
        rows.opt(l.reverses.as_deref());
        rows.end_row();
        if rows.full() {
            copy.send(rows.take()).await?;
        }
    }
    copy.send(rows.take()).await?;
    copy.finish().await?;
    // The checks below join the scratch table with itself: with its statistics the planner
    // hashes a large file instead of looping over it.
    if lines.len() >= 10_000 {
        sqlx::query("analyze receipt_lines")
            .execute(&mut *tx)
            .await?;
    }
    let problems: Vec<(i32, String, i64)> = sqlx::query_as(
        "with p as (
             select l.line, format('%s is more than %s day(s) after today (%s): a receipt \
                    records a payment already made (setting fees.max_days_ahead)',
                    l.paid_at, $3::int, current_date) as message
             from receipt_lines l where l.paid_at::date > current_date + $3::int
             union all
             select l.line, format('a negative line (a reversal) reverses %s, which is neither \
                    in this file nor imported before from %s', l.reverses, $1)
             from receipt_lines l
             where l.amount_fen < 0 and l.reverses is not null
               and not exists (select 1 from receipt_lines o where o.receipt_no = l.reverses)
               and not exists (select 1 from receipts r
                               where r.source = $1 and r.receipt_no = l.reverses))
         select line, message, count(*) over () from p order by line limit $2",
    )
    .bind(source)
    .bind(LISTED_PROBLEMS)
    .bind(rules.max_days_ahead as i32)
    .fetch_all(&mut *tx)
    .await?;
    if let Some((_, _, total)) = problems.first() {
        let mut reason: Vec<String> = problems
            .iter()
            .map(|(line, message, _)| format!("line {line}: {message}"))
            .collect();
        if *total > LISTED_PROBLEMS {
            reason.push(format!("… and {} more", total - LISTED_PROBLEMS));
        }
        return Err(StoreError::Invalid {
            field: "file",
            reason: reason.join("\n"),
        });
    }
    let added = sqlx::query(
        "insert into receipts (source, receipt_no, payment_code, amount_fen, paid_at,
             business_date, payer, reverses, import_id)
         select $1, receipt_no, payment_code, amount_fen, paid_at, paid_at::date, payer,
                reverses, $2
         from receipt_lines
         on conflict (source, receipt_no) do nothing",
    )
    .bind(source)
    .bind(import_id)
    .execute(&mut *tx)
    .await
    .map_err(closed_day)?
    .rows_affected();
    // A large import changes what the planner should expect of receipts; the match that
    // follows at once would otherwise be planned for an empty day (nested loops over a million
    // rows: minutes instead of seconds). ANALYZE samples a fixed number of rows.
    if added >= 10_000 {
        sqlx::query("analyze receipts").execute(&mut *tx).await?;
    }
    sqlx::query("update receipt_imports set added = $2 where import_id = $1")
        .bind(import_id)
        .bind(added as i32)
        .execute(&mut *tx)
        .await?;
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "receipts.import",
            entity: "receipt_import",
            entity_id: Some(import_id.to_string()),
            detail: json!({ "source": source, "file": file_name, "lines": lines.len(),
                            "added": added }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(ImportReport {
        lines: lines.len(),
        added,
    })
}

/// The classes, in the order a summary lists them. `refund` is a receipt a cashier marked for
/// refund (退费): handled, so not an open exception.
pub const CLASSES: [&str; 7] = [
    "matched",
    "amount_mismatch",
    "duplicate",
    "unidentified",
    "reversal",
    "outstanding",
    "refund",
];

/// Classes that need no more action from the night shift.
pub fn is_settled(class: &str) -> bool {
    matches!(class, "matched" | "refund")
}

/// Every receipt of the day and every assessment still unpaid on it, with its class: one
/// statement, set-based. A receipt a cashier linked to an assessment counts under that
/// assessment's code; a receipt marked for refund neither pays nor duplicates anything.
///
/// Only the day's receipts are read in full. Whether a code was paid more than once is asked
/// of the day's codes only, as a grouped semi-join the planner can run through the
/// payment-code index for a small day or by hashing for a large one (docs/performance.md).
/// The rows are put in order by `classify`, not by the database: on a million rows its sort
/// cost more than three seconds.
const CLASSIFY: &str = "
with day as not materialized (
             select r.receipt_id, r.receipt_no, r.amount_fen, r.reverses,
                    r.payment_code as own_code,
                    coalesce(la.payment_code, r.payment_code) as payment_code,
                    la.payment_code as linked_to,
                    m.receipt_id is not null as refund
             from receipts r
             left join receipt_links l on l.receipt_id = r.receipt_id
             left join fee_assessments la on la.assessment_id = l.assessment_id
             left join refund_marks m on m.receipt_id = r.receipt_id
             where r.business_date = $1),
     -- Every paying receipt (positive, not refunded, any day): under its own code unless a
     -- cashier linked it, then under the code it was linked to.
     paying as not materialized (
             select r.receipt_id, r.payment_code, r.business_date from receipts r
             where r.amount_fen > 0
               and not exists (select 1 from receipt_links l where l.receipt_id = r.receipt_id)
               and not exists (select 1 from refund_marks m where m.receipt_id = r.receipt_id)
             union all
             select r.receipt_id, la.payment_code, r.business_date
             from receipt_links l
             join receipts r on r.receipt_id = l.receipt_id
             join fee_assessments la on la.assessment_id = l.assessment_id
             where r.amount_fen > 0
               and not exists (select 1 from refund_marks m where m.receipt_id = r.receipt_id)),
     -- The day's codes that more than one receipt paid (on any day).
     dup as (select payment_code from paying
             where payment_code in (select payment_code from day)
             group by payment_code having count(*) > 1),
     notes as (select distinct on (kind, ref_id) kind, ref_id, note from exception_notes
               order by kind, ref_id, note_id desc)
select 'receipt' as kind, r.receipt_id as id, r.receipt_no as reference,
       r.own_code as payment_code, r.amount_fen, a.amount_fen as expected_fen,
       case when r.refund then 'refund'
            when r.amount_fen < 0 then 'reversal'
            when a.assessment_id is null then 'unidentified'
            when dup.payment_code is not null then 'duplicate'
            when r.amount_fen = a.amount_fen then 'matched'
            else 'amount_mismatch' end as class,
       0 as age_days, r.reverses, r.linked_to, n.note
from day r
left join fee_assessments a on a.payment_code = r.payment_code and a.cancelled_at is null
left join dup on dup.payment_code = r.payment_code
left join notes n on n.kind = 'receipt' and n.ref_id = r.receipt_id
union all
select 'assessment', a.assessment_id, a.assessment_id::text, a.payment_code, 0, a.amount_fen,
       'outstanding', $1 - a.business_date, null, null, n.note
from fee_assessments a
left join notes n on n.kind = 'assessment' and n.ref_id = a.assessment_id
where a.cancelled_at is null and a.business_date <= $1
  -- Not paid on or before the day.
  and not exists (select 1 from paying p
                  where p.payment_code = a.payment_code and p.business_date <= $1)
";

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Classified {
    /// receipt or assessment
    pub kind: String,
    /// receipt_id or assessment_id: what a manual action names.
    pub id: i64,
    /// Receipt number, or assessment id.
    pub reference: String,
    /// The code on the receipt (or the assessment's).
    pub payment_code: String,
    /// What was received (0 for an outstanding assessment).
    pub amount_fen: i64,
    /// What was assessed (none for an unidentified receipt).
    pub expected_fen: Option<i64>,
    pub class: String,
    /// Days an outstanding assessment has waited.
    pub age_days: i32,
    /// The receipt a reversal reverses.
    pub reverses: Option<String>,
    /// The assessment's code a cashier linked this receipt to.
    pub linked_to: Option<String>,
    /// The latest note a cashier wrote on it.
    pub note: Option<String>,
}

pub async fn classify(
    pool: &PgPool,
    viewer: i64,
    date: NaiveDate,
) -> Result<Vec<Classified>, StoreError> {
    actor(pool, viewer).await?.require(Permission::Reconcile)?;
    let mut tx = pool.begin().await?;
    // A night's match joins and hashes a whole day of receipts; PostgreSQL's default 4 MB per
    // hash or sort sends a million rows to disk (docs/performance.md).
    sqlx::query("set local work_mem = '256MB'")
        .execute(&mut *tx)
        .await?;
    let mut rows: Vec<Classified> = sqlx::query_as(CLASSIFY)
        .bind(date)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    // By class name, then receipts by number (byte order: they are ASCII) and outstanding
    // assessments by id as a number (as text, 13 came after 129).
    rows.sort_unstable_by(|a, b| {
        a.class.cmp(&b.class).then_with(|| {
            if a.kind == "assessment" && b.kind == "assessment" {
                a.id.cmp(&b.id)
            } else {
                a.reference.cmp(&b.reference)
            }
        })
    });
    Ok(rows)
}

/// Counts and sums per class, in `CLASSES` order (zeros included). The sums are checked: one
/// past what an i64 holds is `sum_too_large`, never a wrapped negative.
pub fn summarise(rows: &[Classified]) -> Result<Vec<(&'static str, i64, i64)>, StoreError> {
    let mut out: Vec<(&'static str, i64, i64)> = CLASSES.iter().map(|c| (*c, 0, 0)).collect();
    for r in rows {
        let Some(slot) = out.iter_mut().find(|(c, _, _)| *c == r.class) else {
            continue;
        };
        let fen = if r.kind == "assessment" {
            r.expected_fen.unwrap_or(0)
        } else {
            r.amount_fen
        };
        slot.1 += 1;
        slot.2 = slot.2.checked_add(fen).ok_or_else(sum_too_large)?;
    }
    Ok(out)
}

pub async fn is_closed(pool: &PgPool, date: NaiveDate) -> Result<bool, StoreError> {
    Ok(
        sqlx::query_scalar("select exists (select 1 from day_closes where business_date = $1)")
            .bind(date)
            .fetch_one(pool)
            .await?,
    )
}

/// Closes a business day (日结): its assessments and receipts change no more. Cashiers.
pub async fn close_day(pool: &PgPool, operator_id: i64, date: NaiveDate) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    actor(&mut *tx, operator_id)
        .await?
        .require(Permission::Reconcile)?;
    let done = sqlx::query(
        "insert into day_closes (business_date, closed_by) values ($1, $2)
         on conflict do nothing",
    )
    .bind(date)
    .bind(operator_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        return Err(StoreError::Conflict(format!("{date} is already closed")));
    }
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "day.close",
            entity: "day",
            entity_id: Some(date.to_string()),
            detail: json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Reopens a closed day: a supervisor, with a reason. Audited.
pub async fn reopen_day(
    pool: &PgPool,
    operator_id: i64,
    date: NaiveDate,
    reason: &str,
) -> Result<(), StoreError> {
    if reason.trim().is_empty() {
        return Err(StoreError::Invalid {
            field: "reason",
            reason: "reopening a closed day needs a reason".into(),
        });
    }
    let mut tx = pool.begin().await?;
    actor(&mut *tx, operator_id)
        .await?
        .require(Permission::SeeAllCases)?;
    let done = sqlx::query("delete from day_closes where business_date = $1")
        .bind(date)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if done == 0 {
        return Err(StoreError::Conflict(format!("{date} is not closed")));
    }
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "day.reopen",
            entity: "day",
            entity_id: Some(date.to_string()),
            detail: json!({ "reason": reason.trim() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub use crate::domain::fees::receipt_file::yuan;

/// A sum of money past what 64 bits of fen hold (about 92 million million yuan): said so,
/// never wrapped into a negative.
pub fn sum_too_large() -> StoreError {
    StoreError::Invalid {
        field: "amount",
        reason: "the sum is too large to hold (more than 92,233,720,368,547,758.07 yuan); \
                 lower the per-line maximum (fees.max_line_yuan) and check the file"
            .into(),
    }
}

/// A database sum cast to bigint that did not fit (SQLSTATE 22003) as `sum_too_large`.
pub(crate) fn sum_overflow(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.code().as_deref() == Some("22003") => sum_too_large(),
        _ => StoreError::Db(e),
    }
}

/// What a cashier may do to an assessment, with a reason, audited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Correction {
    /// Cancelled: nothing is owed any more (it leaves the outstanding list).
    Cancel,
    /// The amount owed is changed to this many fen.
    Adjust(i64),
}

/// Cancels or adjusts an assessment by its payment code: cashiers, with a reason, not on a closed
/// day, audited with the amounts before and after.
pub async fn correct(
    pool: &PgPool,
    operator_id: i64,
    payment_code: &str,
    what: Correction,
    reason: &str,
) -> Result<(), StoreError> {
    if reason.trim().is_empty() {
        return Err(StoreError::Invalid {
            field: "reason",
            reason: "a cancellation or adjustment needs a reason".into(),
        });
    }
    if let Correction::Adjust(fen) = what
        && fen <= 0
    {
        return Err(StoreError::Invalid {
            field: "amount",
            reason: "an adjusted amount is more than zero (cancel it instead)".into(),
        });
    }
    let mut tx = pool.begin().await?;
    actor(&mut *tx, operator_id)
        .await?
        .require(Permission::Reconcile)?;
    let row: Option<(i64, i64, bool)> = sqlx::query_as(
        "select assessment_id, amount_fen, cancelled_at is not null from fee_assessments
         where payment_code = $1 for update",
    )
    .bind(payment_code)
    .fetch_optional(&mut *tx)
    .await?;
    let (id, before, cancelled) = row.ok_or(StoreError::NotFound("assessment"))?;
    if cancelled {
        return Err(StoreError::Conflict(
            "this assessment is already cancelled".into(),
        ));
    }
    let (sql, action, after) = match what {
        Correction::Cancel => (
            "update fee_assessments set cancelled_at = now(), cancel_reason = $2
             where assessment_id = $1",
            "fee.cancel",
            None,
        ),
        Correction::Adjust(fen) => (
            "update fee_assessments set amount_fen = $3 where assessment_id = $1",
            "fee.adjust",
            Some(fen),
        ),
    };
    sqlx::query(sql)
        .bind(id)
        .bind(reason.trim())
        .bind(after.unwrap_or(before))
        .execute(&mut *tx)
        .await
        .map_err(closed_day)?;
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action,
            entity: "fee",
            entity_id: Some(id.to_string()),
            detail: json!({ "payment_code": payment_code, "before_fen": before,
                            "after_fen": after, "reason": reason.trim() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
