//! Refunds of deposits (代收代退, issue 17.7; docs/trading.md "Refunds"): an event makes the
//! deposits it covers due by the rule set's deadline; one deposit accountant prepares a refund
//! (principal and interest), another approves it (four eyes: the store says so, the table's
//! check holds it); approved refunds leave in a bank payment file, closed by the bank's
//! confirmation. Each step is one transaction with its audit row and NOTIFY.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;

use crate::domain::accounts::permission::Permission;
use crate::domain::trading::kinds::{Interest, Line, RefundEvent};
use crate::domain::trading::period;
use crate::domain::trading::refunds::interest_fen;
use crate::store::StoreError;
use crate::store::accounts::permission::require;
use crate::store::audit::{self, NewAudit};

/// Which of a section's held deposits an event covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Covers {
    /// Every deposit of the section that holds money (a contract signed, a termination…).
    All,
    /// One registration's (a withdrawal).
    Only(i64),
    /// All but one registration's (the losers at an award notice: the winner's waits for the
    /// contract).
    Except(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecorded {
    pub event_id: i64,
    pub refunds: u64,
    pub due_on: NaiveDate,
    pub provisional: bool,
    pub article: String,
}

/// Records an event of a section; the deposits it covers become due for refund by the rule of
/// the project's rule set for its line and the event (deposit accountants, the director).
pub async fn record_event(
    pool: &PgPool,
    operator_id: i64,
    udc: &str,
    event: RefundEvent,
    occurred_on: NaiveDate,
    covers: Covers,
    note: Option<&str>,
) -> Result<EventRecorded, StoreError> {
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > 200 || n.chars().any(char::is_control)) {
        return Err(StoreError::Invalid {
            field: "note",
            reason: "at most 200 characters, one line".into(),
        });
    }
    let mut tx = pool.begin().await?;
    require(&mut *tx, operator_id, Permission::KeepDeposits).await?;
    let (section_id, line, version, today): (i64, String, String, NaiveDate) = sqlx::query_as(
        "select s.section_id, p.line, p.rule_version, current_date
         from trade_sections s join trade_projects p using (project_id)
         where s.unified_deal_code = $1 for update of s",
    )
    .bind(udc.trim())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound("section"))?;
    if occurred_on > today {
        return Err(StoreError::Invalid {
            field: "on",
            reason: format!(
                "{occurred_on} is after today ({today}): record an event once it has happened"
            ),
        });
    }
    let line = Line::parse(&line).ok_or(StoreError::Conflict(format!("unknown line {line}")))?;
    let rules = super::rules::by_version(&mut tx, &version).await?;
    let rule = rules
        .refund(line, event)
        .ok_or_else(|| StoreError::Invalid {
            field: "event",
            reason: format!(
                "the rule set {version} has no refund rule for {} {} ({})",
                line.as_str(),
                event.as_str(),
                event.zh()
            ),
        })?;
    let cal = crate::store::time::calendar::load(&mut tx).await?;
    let due = period::period_end(&cal, occurred_on, rule.days, rule.unit);
    let event_id: i64 = sqlx::query_scalar(
        "insert into trade_refund_events (section_id, event, occurred_on, note, recorded_by)
         values ($1, $2, $3, $4, $5) returning event_id",
    )
    .bind(section_id)
    .bind(event.as_str())
    .bind(occurred_on)
    .bind(note)
    .bind(operator_id)
    .fetch_one(&mut *tx)
    .await?;
    let (only, except) = match covers {
        Covers::All => (None, None),
        Covers::Only(r) => (Some(r), None),
        Covers::Except(r) => (None, Some(r)),
    };
    let deposits: Vec<i64> = sqlx::query_scalar(
        "insert into trade_refunds (deposit_id, event_id, article, due_on, provisional,
             interest_rule, principal_fen)
         select d.deposit_id, $2, $3, $4, $5, $6, d.received_fen
         from trade_deposits d join trade_registrations r using (registration_id)
         where r.section_id = $1 and d.received_fen > 0
           and d.state in ('received', 'matched', 'mismatch')
           and ($7::bigint is null or r.registration_id = $7)
           and ($8::bigint is null or r.registration_id <> $8)
         order by d.deposit_id
         returning deposit_id",
    )
    .bind(section_id)
    .bind(event_id)
    .bind(&rule.article)
    .bind(due.date)
    .bind(due.provisional())
    .bind(rule.interest.as_str())
    .bind(only)
    .bind(except)
    .fetch_all(&mut *tx)
    .await?;
    if deposits.is_empty() {
        return Err(StoreError::Conflict(format!(
            "no deposit of {} that it covers holds money still: nothing to refund, nothing recorded",
            udc.trim()
        )));
    }
    sqlx::query(
        "update trade_deposits set state = 'refund_due', version = version + 1
         where deposit_id = any($1)",
    )
    .bind(&deposits)
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "trade.refund.event",
            entity: "trade_section",
            entity_id: Some(udc.trim().to_string()),
            detail: serde_json::json!({
                "event": event.as_str(), "on": occurred_on, "refunds": deposits.len(),
                "due_on": due.date, "article": rule.article, "note": note,
            }),
        },
    )
    .await?;
    crate::store::notify(&mut tx, "trade_refund", "event", Some(udc.trim())).await?;
    tx.commit().await?;
    Ok(EventRecorded {
        event_id,
        refunds: deposits.len() as u64,
        due_on: due.date,
        provisional: due.provisional(),
        article: rule.article.clone(),
    })
}

/// One refund of the list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RefundRow {
    pub refund_id: i64,
    pub unified_deal_code: String,
    pub due_on: NaiveDate,
    pub state: String,
    pub principal_fen: i64,
    pub interest_fen: Option<i64>,
    pub late: bool,
    pub payee: String,
    pub bank: String,
    pub account: String,
    pub sub_account: String,
    pub article: String,
    pub prepared_by: Option<String>,
    pub approved_by: Option<String>,
    pub version: i32,
}

/// Refunds by due date, the nearest first: the open ones, or all (`open_only` false). Deposit
/// staff and supervisors. A refund names its payee: the opening has passed, or the bidder left.
pub async fn list(
    pool: &PgPool,
    operator_id: i64,
    open_only: bool,
    limit: i64,
) -> Result<Vec<RefundRow>, StoreError> {
    let mut conn = pool.acquire().await?;
    require(&mut *conn, operator_id, Permission::ReadDeposits).await?;
    Ok(sqlx::query_as(
        "select f.refund_id, s.unified_deal_code, f.due_on, f.state, f.principal_fen,
                f.interest_fen, f.late, p.name as payee, p.basic_bank as bank,
                p.basic_account as account, d.sub_account, f.article,
                po.code as prepared_by, ao.code as approved_by, f.version
         from trade_refunds f
         join trade_deposits d using (deposit_id)
         join trade_registrations r using (registration_id)
         join trade_parties p on p.party_id = r.party_id
         join trade_sections s on s.section_id = r.section_id
         left join operators po on po.operator_id = f.prepared_by
         left join operators ao on ao.operator_id = f.approved_by
         where not $1 or f.state <> 'refunded'
         order by f.due_on, f.refund_id
         limit $2",
    )
    .bind(open_only)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?)
}

/// A refund as `prepare` reads it.
#[derive(sqlx::FromRow)]
struct ToPrepare {
    state: String,
    version: i32,
    principal_fen: i64,
    interest_rule: String,
    due_on: NaiveDate,
    rule_version: String,
    /// The day the first of its money arrived.
    received_on: Option<NaiveDate>,
    today: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub principal_fen: i64,
    pub interest_fen: i64,
    pub late: bool,
}

/// Prepares a due refund at the version seen: its interest, from the day the money arrived to
/// today, at the rule set's demand rate where the rule gives interest — or wherever the refund
/// is late (prepared after its due date; 条例 66, 87号令 38: a late refund owes interest).
pub async fn prepare(
    pool: &PgPool,
    operator_id: i64,
    refund_id: i64,
    version: i32,
) -> Result<Prepared, StoreError> {
    let mut tx = pool.begin().await?;
    require(&mut *tx, operator_id, Permission::KeepDeposits).await?;
    let row: Option<ToPrepare> = sqlx::query_as(
        "select f.state, f.version, f.principal_fen, f.interest_rule, f.due_on, p.rule_version,
                (select min(l.business_date) from trade_statement_lines l
                 where l.deposit_id = f.deposit_id) as received_on,
                current_date as today
         from trade_refunds f
         join trade_deposits d using (deposit_id)
         join trade_registrations r using (registration_id)
         join trade_sections s on s.section_id = r.section_id
         join trade_projects p on p.project_id = s.project_id
         where f.refund_id = $1 for update of f",
    )
    .bind(refund_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(ToPrepare {
        state,
        version: v,
        principal_fen: principal,
        interest_rule: rule,
        due_on,
        rule_version,
        received_on,
        today,
    }) = row
    else {
        return Err(StoreError::NotFound("refund"));
    };
    if state != "due" || v != version {
        return Err(StoreError::Stale("refund".into()));
    }
    let rules = super::rules::by_version(&mut tx, &rule_version).await?;
    let late = today > due_on;
    let interest = if rule == Interest::Demand.as_str() || late {
        interest_fen(
            principal,
            rules.demand_rate_bp,
            received_on.unwrap_or(today),
            today,
        )
        .ok_or_else(crate::store::fees::sum_too_large)?
    } else {
        0
    };
    sqlx::query(
        "update trade_refunds set state = 'prepared', prepared_by = $2, prepared_at = now(),
             interest_fen = $3, late = $4, version = version + 1
         where refund_id = $1",
    )
    .bind(refund_id)
    .bind(operator_id)
    .bind(interest)
    .bind(late)
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "trade.refund.prepare",
            entity: "trade_refund",
            entity_id: Some(refund_id.to_string()),
            detail: serde_json::json!({
                "principal_fen": principal, "interest_fen": interest, "late": late,
                "rate_bp": rules.demand_rate_bp,
            }),
        },
    )
    .await?;
    crate::store::notify(
        &mut tx,
        "trade_refund",
        "prepare",
        Some(&refund_id.to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(Prepared {
        principal_fen: principal,
        interest_fen: interest,
        late,
    })
}

/// Approves a prepared refund at the version seen; never by the one who prepared it. Of two
/// approving at once exactly one succeeds (a guarded update); the other is told it changed.
pub async fn approve(
    pool: &PgPool,
    operator_id: i64,
    refund_id: i64,
    version: i32,
) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    require(&mut *tx, operator_id, Permission::KeepDeposits).await?;
    let done = sqlx::query(
        "update trade_refunds set state = 'approved', approved_by = $2, approved_at = now(),
             version = version + 1
         where refund_id = $1 and state = 'prepared' and version = $3 and prepared_by <> $2",
    )
    .bind(refund_id)
    .bind(operator_id)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        let row: Option<(Option<i64>,)> =
            sqlx::query_as("select prepared_by from trade_refunds where refund_id = $1")
                .bind(refund_id)
                .fetch_optional(&mut *tx)
                .await?;
        return Err(match row {
            None => StoreError::NotFound("refund"),
            Some((Some(p),)) if p == operator_id => StoreError::Conflict(
                "four eyes: you prepared this refund; another deposit accountant or the director approves it"
                    .into(),
            ),
            Some(_) => StoreError::Stale("refund".into()),
        });
    }
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "trade.refund.approve",
            entity: "trade_refund",
            entity_id: Some(refund_id.to_string()),
            detail: serde_json::json!({ "version": version }),
        },
    )
    .await?;
    crate::store::notify(
        &mut tx,
        "trade_refund",
        "approve",
        Some(&refund_id.to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The payment file's header (docs/trading.md "The bank payment file").
pub const PAYFILE_HEADER: &str = "付款编号,收款户名,收款账号,收款银行,金额,用途";

/// A payment file of every approved refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayFile {
    pub batch_id: i64,
    pub refunds: usize,
    pub total_fen: i64,
    /// The CSV, UTF-8, with its header.
    pub text: String,
}

/// The payment reference of a refund in the payment file and the bank's confirmation.
pub fn pay_ref(refund_id: i64) -> String {
    format!("R{refund_id:010}")
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Puts every approved refund into one payment file (deposit accountants, the director):
/// `None` when there is none. The refunds are marked exported with the batch, so a second file
/// does not pay them twice.
pub async fn payfile(pool: &PgPool, operator_id: i64) -> Result<Option<PayFile>, StoreError> {
    use sha2::Digest;
    let mut tx = pool.begin().await?;
    require(&mut *tx, operator_id, Permission::KeepDeposits).await?;
    let rows: Vec<(i64, String, String, String, i64, i64, String)> = sqlx::query_as(
        "select f.refund_id, p.name, p.basic_account, p.basic_bank, f.principal_fen,
                f.interest_fen, s.unified_deal_code
         from trade_refunds f
         join trade_deposits d using (deposit_id)
         join trade_registrations r using (registration_id)
         join trade_parties p on p.party_id = r.party_id
         join trade_sections s on s.section_id = r.section_id
         where f.state = 'approved'
         order by f.refund_id
         for update of f",
    )
    .fetch_all(&mut *tx)
    .await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let mut text = format!("{PAYFILE_HEADER}\n");
    let mut total: i64 = 0;
    for (id, name, account, bank, principal, interest, udc) in &rows {
        let amount = principal
            .checked_add(*interest)
            .ok_or_else(crate::store::fees::sum_too_large)?;
        total = total
            .checked_add(amount)
            .ok_or_else(crate::store::fees::sum_too_large)?;
        text.push_str(&format!(
            "{},{},{},{},{},{}\n",
            pay_ref(*id),
            csv_field(name),
            csv_field(account),
            csv_field(bank),
            crate::domain::fees::receipt_file::yuan(amount),
            csv_field(&format!("保证金退还 {udc}"))
        ));
    }
    let sha = hex::encode(sha2::Sha256::digest(text.as_bytes()));
    let batch_id: i64 = sqlx::query_scalar(
        "insert into trade_refund_batches (refunds, total_fen, file_sha256, made_by)
         values ($1, $2, $3, $4) returning batch_id",
    )
    .bind(rows.len() as i32)
    .bind(total)
    .bind(&sha)
    .bind(operator_id)
    .fetch_one(&mut *tx)
    .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    sqlx::query(
        "update trade_refunds set state = 'exported', batch_id = $2, version = version + 1
         where refund_id = any($1)",
    )
    .bind(&ids)
    .bind(batch_id)
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "trade.refund.payfile",
            entity: "trade_refund_batch",
            entity_id: Some(batch_id.to_string()),
            detail: serde_json::json!({ "refunds": ids, "total_fen": total, "sha256": sha }),
        },
    )
    .await?;
    crate::store::notify(
        &mut tx,
        "trade_refund",
        "payfile",
        Some(&batch_id.to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(PayFile {
        batch_id,
        refunds: rows.len(),
        total_fen: total,
        text,
    }))
}

/// One line of the bank's confirmation of a payment file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    pub line: usize,
    pub pay_ref: String,
    pub paid: bool,
    pub bank_ref: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Confirmed {
    pub refunded: u64,
    pub failed: u64,
    /// Lines about refunds already closed (the same confirmation again).
    pub already: u64,
}

/// Closes exported refunds by the bank's confirmation: a paid line refunds the deposit, a
/// failed one puts the refund back to approved for the next payment file. A line naming no
/// exported refund of this center refuses the whole file, named by its line.
pub async fn confirm(
    pool: &PgPool,
    operator_id: i64,
    lines: &[Confirmation],
) -> Result<Confirmed, StoreError> {
    let mut tx = pool.begin().await?;
    require(&mut *tx, operator_id, Permission::KeepDeposits).await?;
    let mut done = Confirmed::default();
    let mut problems = vec![];
    for l in lines {
        let id = l
            .pay_ref
            .strip_prefix('R')
            .and_then(|d| d.parse::<i64>().ok());
        let state: Option<String> = match id {
            Some(id) => {
                sqlx::query_scalar(
                    "select state from trade_refunds where refund_id = $1 for update",
                )
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
            }
            None => None,
        };
        match (id, state.as_deref()) {
            (Some(id), Some("exported")) if l.paid => {
                sqlx::query(
                    "update trade_refunds set state = 'refunded', bank_ref = $2,
                         refunded_at = $3, version = version + 1
                     where refund_id = $1",
                )
                .bind(id)
                .bind(&l.bank_ref)
                .bind(l.at)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "update trade_deposits set state = 'refunded', version = version + 1
                     where deposit_id = (select deposit_id from trade_refunds where refund_id = $1)",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?;
                done.refunded += 1;
            }
            (Some(id), Some("exported")) => {
                sqlx::query(
                    "update trade_refunds set state = 'approved', batch_id = null,
                         version = version + 1
                     where refund_id = $1",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?;
                done.failed += 1;
            }
            (Some(_), Some("refunded")) => done.already += 1,
            (_, Some(s)) => problems.push(format!(
                "line {}: {} is {s}, not in a payment file",
                l.line, l.pay_ref
            )),
            (_, None) => problems.push(format!(
                "line {}: {} is no refund of this center",
                l.line, l.pay_ref
            )),
        }
    }
    if !problems.is_empty() {
        return Err(StoreError::Invalid {
            field: "file",
            reason: problems.join("\n"),
        });
    }
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "trade.refund.confirm",
            entity: "trade_refund",
            entity_id: None,
            detail: serde_json::json!({
                "lines": lines.len(), "refunded": done.refunded, "failed": done.failed,
                "already": done.already,
            }),
        },
    )
    .await?;
    crate::store::notify(&mut tx, "trade_refund", "confirm", None).await?;
    tx.commit().await?;
    Ok(done)
}
