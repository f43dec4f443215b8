//! The deposit ledger (代收代退, issue 17.7; docs/trading.md "Deposits"): the deposit account's
//! statement imported and each new line classed against its sub-account's expectation, in one
//! transaction with its audit row and NOTIFY; the lines read back by class.
//!
//! What a line shows is the bank's own record (sub-account, payer, amount): never the section,
//! so the ledger says nothing of who registered where before the opening (招标投标法 22).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, TimeZone, Utc};
use sqlx::PgPool;

use crate::domain::accounts::permission::Permission;
use crate::domain::fees::receipt_file::{LineError, ReceiptLine, Rules};
use crate::domain::time::zone::CENTER;
use crate::domain::trading::deposits::{self, Class, Expected, Paid};
use crate::domain::trading::kinds::Line;
use crate::domain::trading::rules::RuleSet;
use crate::store::StoreError;
use crate::store::accounts::permission::require;
use crate::store::audit::{self, NewAudit};

/// What an import did: every line of the file, the lines new to the ledger, and the new
/// lines by class (count and sum in fen, classes in their fixed order, empty ones left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub lines: usize,
    pub new_lines: usize,
    pub by_class: Vec<(Class, i64, i64)>,
}

impl ImportReport {
    /// New lines that need an accountant's look.
    pub fn exceptions(&self) -> i64 {
        self.by_class
            .iter()
            .filter(|(c, _, _)| c.is_exception())
            .map(|(_, n, _)| n)
            .sum()
    }
}

/// The expectation of a sub-account, as the classification needs it.
#[derive(Debug, sqlx::FromRow)]
struct Open {
    deposit_id: i64,
    sub_account: String,
    expected_fen: i64,
    received_fen: i64,
    deadline_at: Option<DateTime<Utc>>,
    bidder_name: String,
    basic_account: String,
    line: String,
    rule_version: String,
    state: String,
}

/// A sub-account as the import goes through its lines: what it has received so far, whether
/// any of its lines (this import's or an earlier one's) is an exception, and whether this import
/// touched it.
struct Running<'a> {
    open: &'a Open,
    received: i64,
    bad: bool,
    touched: bool,
}

fn file_error(errors: Vec<LineError>) -> StoreError {
    StoreError::Invalid {
        field: "file",
        reason: errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// Imports checked statement lines (deposit accountants, the director). Lines already in the
/// ledger (the same source and bank reference) are skipped; each new one is classed in the
/// order it was paid, against what its sub-account had received before it. Refused whole, each
/// problem with its line: a line that is not a payment in (zero or negative: refunds leave by
/// the payment file, not the statement), or one paid more than `rules.max_days_ahead` days
/// after the database's today.
pub async fn import(
    pool: &PgPool,
    operator_id: i64,
    source: &str,
    file_sha256: &str,
    lines: &[ReceiptLine],
    rules: &Rules,
) -> Result<ImportReport, StoreError> {
    let mut problems = vec![];
    for l in lines {
        if l.amount_fen <= 0 {
            problems.push(LineError {
                line: l.line,
                message: format!(
                    "the amount {} is not a payment into the account: a deposit line is \
                     positive (refunds leave by the bank payment file)",
                    crate::domain::fees::receipt_file::yuan(l.amount_fen)
                ),
            });
        }
    }
    if !problems.is_empty() {
        return Err(file_error(problems));
    }
    let mut tx = pool.begin().await?;
    require(&mut *tx, operator_id, Permission::KeepDeposits).await?;
    let today: chrono::NaiveDate = sqlx::query_scalar("select current_date")
        .fetch_one(&mut *tx)
        .await?;
    let latest = today + chrono::Duration::days(i64::from(rules.max_days_ahead));
    for l in lines {
        if l.paid_at.date() > latest {
            problems.push(LineError {
                line: l.line,
                message: format!(
                    "{} is more than {} day(s) after today ({today}): a statement records \
                     payments already made",
                    l.paid_at, rules.max_days_ahead
                ),
            });
        }
    }
    if !problems.is_empty() {
        return Err(file_error(problems));
    }
    let refs: Vec<&str> = lines.iter().map(|l| l.receipt_no.as_str()).collect();
    let known: HashSet<String> = sqlx::query_scalar(
        "select bank_ref from trade_statement_lines where source = $1 and bank_ref = any($2)",
    )
    .bind(source)
    .bind(&refs)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .collect();
    let mut fresh: Vec<&ReceiptLine> = lines
        .iter()
        .filter(|l| !known.contains(&l.receipt_no))
        .collect();
    // In the order the money arrived: a short first payment, then the rest, is short then
    // matched, whatever order the bank listed them in.
    fresh.sort_by_key(|a| (a.paid_at, a.line));
    let subs: Vec<&str> = fresh.iter().map(|l| l.payment_code.as_str()).collect();
    let open: Vec<Open> = sqlx::query_as(
        "select d.deposit_id, d.sub_account, d.expected_fen, d.received_fen, s.deadline_at,
                p.name as bidder_name, p.basic_account, pr.line, pr.rule_version, d.state
         from trade_deposits d
         join trade_registrations r using (registration_id)
         join trade_parties p on p.party_id = r.party_id
         join trade_sections s on s.section_id = r.section_id
         join trade_projects pr on pr.project_id = s.project_id
         where d.sub_account = any($1)
         order by d.deposit_id
         for update of d",
    )
    .bind(&subs)
    .fetch_all(&mut *tx)
    .await?;
    let mut rule_sets: HashMap<String, RuleSet> = HashMap::new();
    for o in &open {
        if !rule_sets.contains_key(&o.rule_version) {
            let r = super::rules::by_version(&mut tx, &o.rule_version).await?;
            rule_sets.insert(o.rule_version.clone(), r);
        }
    }
    let mut by_sub: HashMap<&str, Running> = open
        .iter()
        .map(|o| {
            (
                o.sub_account.as_str(),
                Running {
                    open: o,
                    received: o.received_fen,
                    // An earlier exception stays: the state says whether there was one.
                    bad: o.state == "mismatch",
                    touched: false,
                },
            )
        })
        .collect();
    let mut classes: Vec<Class> = Vec::with_capacity(fresh.len());
    let mut deposit_ids: Vec<Option<i64>> = Vec::with_capacity(fresh.len());
    let mut paid_ats: Vec<DateTime<Utc>> = Vec::with_capacity(fresh.len());
    for l in &fresh {
        let paid_at = CENTER
            .from_local_datetime(&l.paid_at)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| l.paid_at.and_utc());
        paid_ats.push(paid_at);
        let sub = l.payment_code.trim();
        let entry = by_sub.get_mut(sub);
        let (class, id) = match entry {
            Some(run) => {
                let o = run.open;
                let rule = Line::parse(&o.line)
                    .and_then(|line| rule_sets.get(&o.rule_version)?.line(line))
                    .ok_or_else(|| {
                        StoreError::Conflict(format!(
                            "the rule set {} has no line {}",
                            o.rule_version, o.line
                        ))
                    })?;
                let class = deposits::classify(
                    Some(&Expected {
                        amount_fen: o.expected_fen,
                        received_fen: run.received,
                        deadline: o.deadline_at,
                        bidder_name: &o.bidder_name,
                        basic_account: &o.basic_account,
                        rule,
                    }),
                    &Paid {
                        amount_fen: l.amount_fen,
                        paid_at,
                        payer_name: &l.payer,
                        payer_account: &l.payer_account,
                        method: &l.method,
                    },
                );
                run.received = run.received.saturating_add(l.amount_fen);
                run.bad |= !matches!(class, Class::Matched | Class::Short);
                run.touched = true;
                (class, Some(o.deposit_id))
            }
            None => (Class::UnknownSubAccount, None),
        };
        classes.push(class);
        deposit_ids.push(id);
    }
    let import_id: i64 = sqlx::query_scalar(
        "insert into trade_statement_imports (source, file_sha256, lines, new_lines, imported_by)
         values ($1, $2, $3, $4, $5) returning import_id",
    )
    .bind(source)
    .bind(file_sha256)
    .bind(lines.len() as i32)
    .bind(fresh.len() as i32)
    .bind(operator_id)
    .fetch_one(&mut *tx)
    .await?;
    if !fresh.is_empty() {
        let col = |f: &dyn Fn(&ReceiptLine) -> String| -> Vec<String> {
            fresh.iter().map(|l| f(l)).collect()
        };
        sqlx::query(
            "insert into trade_statement_lines (import_id, line_no, source, bank_ref, sub_account,
                 amount_fen, paid_at, business_date, payer_name, payer_account, method, class,
                 deposit_id)
             select $1, t.line_no, $2, t.bank_ref, t.sub_account, t.amount_fen, t.paid_at,
                    (t.paid_at at time zone $13)::date, t.payer_name, t.payer_account, t.method,
                    t.class, t.deposit_id
             from unnest($3::int[], $4::text[], $5::text[], $6::bigint[], $7::timestamptz[],
                         $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[])
                  as t (line_no, bank_ref, sub_account, amount_fen, paid_at, payer_name,
                        payer_account, method, class, deposit_id)",
        )
        .bind(import_id)
        .bind(source)
        .bind(fresh.iter().map(|l| l.line as i32).collect::<Vec<_>>())
        .bind(col(&|l| l.receipt_no.clone()))
        .bind(col(&|l| l.payment_code.trim().to_string()))
        .bind(fresh.iter().map(|l| l.amount_fen).collect::<Vec<_>>())
        .bind(&paid_ats)
        .bind(col(&|l| l.payer.clone()))
        .bind(col(&|l| l.payer_account.clone()))
        .bind(col(&|l| l.method.clone()))
        .bind(classes.iter().map(|c| c.as_str()).collect::<Vec<_>>())
        .bind(&deposit_ids)
        .bind(crate::domain::time::zone::name())
        .execute(&mut *tx)
        .await
        .map_err(crate::store::fees::closed_day)?;
        // A deposit's state follows all its lines: any exception makes it a mismatch to look
        // at; the full amount without one, matched; less, received. Refund states stay. Worked
        // out above, line by line: one update by arrays, not a sum over the lines again.
        let mut ids = vec![];
        let mut totals = vec![];
        let mut states = vec![];
        for run in by_sub.values().filter(|r| {
            r.touched
                && matches!(
                    r.open.state.as_str(),
                    "expected" | "received" | "matched" | "mismatch"
                )
        }) {
            ids.push(run.open.deposit_id);
            totals.push(run.received);
            states.push(if run.bad {
                "mismatch"
            } else if run.received == run.open.expected_fen {
                "matched"
            } else {
                "received"
            });
        }
        sqlx::query(
            "update trade_deposits d
             set received_fen = t.total, state = t.state, version = d.version + 1
             from unnest($1::bigint[], $2::bigint[], $3::text[]) as t (id, total, state)
             where d.deposit_id = t.id",
        )
        .bind(&ids)
        .bind(&totals)
        .bind(&states)
        .execute(&mut *tx)
        .await?;
    }
    let mut by_class = vec![];
    for c in Class::ALL {
        let (n, sum) = classes
            .iter()
            .zip(&fresh)
            .filter(|(k, _)| **k == c)
            .try_fold((0i64, 0i64), |(n, s), (_, l)| {
                Some((n + 1, s.checked_add(l.amount_fen)?))
            })
            .ok_or_else(crate::store::fees::sum_too_large)?;
        if n > 0 {
            by_class.push((c, n, sum));
        }
    }
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "trade.deposit.import",
            entity: "trade_statement_import",
            entity_id: Some(import_id.to_string()),
            detail: serde_json::json!({
                "source": source, "sha256": file_sha256, "lines": lines.len(),
                "new_lines": fresh.len(),
                "classes": by_class.iter().map(|(c, n, s)| serde_json::json!({
                    "class": c.as_str(), "lines": n, "sum_fen": s })).collect::<Vec<_>>(),
            }),
        },
    )
    .await?;
    crate::store::notify(
        &mut tx,
        "trade_deposit",
        "import",
        Some(&import_id.to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(ImportReport {
        lines: lines.len(),
        new_lines: fresh.len(),
        by_class,
    })
}

/// One statement line as the ledger shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LedgerLine {
    pub bank_ref: String,
    pub sub_account: String,
    pub amount_fen: i64,
    pub paid_at: DateTime<Utc>,
    pub payer_name: String,
    pub payer_account: String,
    pub method: String,
    pub class: String,
}

/// Statement lines, newest first: of one class, or every exception (`None`). Deposit staff and
/// supervisors (`ReadDeposits`).
pub async fn lines(
    pool: &PgPool,
    operator_id: i64,
    class: Option<Class>,
    limit: i64,
) -> Result<Vec<LedgerLine>, StoreError> {
    let mut conn = pool.acquire().await?;
    require(&mut *conn, operator_id, Permission::ReadDeposits).await?;
    Ok(sqlx::query_as(
        "select bank_ref, sub_account, amount_fen, paid_at, payer_name, payer_account, method,
                class
         from trade_statement_lines
         where case when $1::text is null then class <> 'matched' else class = $1 end
         order by paid_at desc, line_id desc
         limit $2",
    )
    .bind(class.map(Class::as_str))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?)
}

/// The deposit board's head: the statement lines by class (count and sum to the fen, every
/// class, the empty ones too) and the deposits still awaited (expected, nothing received).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Board {
    pub by_class: Vec<(Class, i64, i64)>,
    pub awaited: i64,
    pub awaited_fen: i64,
    /// The database's today, that days left are counted from.
    pub today: chrono::NaiveDate,
}

/// The board's head (deposit staff and supervisors). Totals over all sections: no section's
/// count of bidders is in it.
pub async fn board(pool: &PgPool, operator_id: i64) -> Result<Board, StoreError> {
    let mut conn = pool.acquire().await?;
    require(&mut *conn, operator_id, Permission::ReadDeposits).await?;
    // Kept by the database as lines arrive (migration 0034): one small read, however many
    // lines there are. A total past bigint fails the insert that would make it, never wraps.
    let rows: Vec<(String, i64, i64)> =
        sqlx::query_as("select class, lines, sum_fen from trade_statement_totals")
            .fetch_all(&mut *conn)
            .await?;
    let mut by_class: Vec<(Class, i64, i64)> = Class::ALL.iter().map(|c| (*c, 0, 0)).collect();
    for (class, n, sum) in rows {
        if let Some(c) = Class::parse(&class)
            && let Some(slot) = by_class.iter_mut().find(|(k, _, _)| *k == c)
        {
            *slot = (c, n, sum);
        }
    }
    let (awaited, awaited_fen, today): (i64, i64, chrono::NaiveDate) = sqlx::query_as(
        "select count(*), coalesce(sum(expected_fen), 0)::bigint, current_date
         from trade_deposits where state = 'expected'",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(Board {
        by_class,
        awaited,
        awaited_fen,
        today,
    })
}
