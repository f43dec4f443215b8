//! `onewindow reconcile`: the night shift's run (docs/reconciliation.md). Imports the fiscal
//! export (checked whole first), matches the day set-based, prints counts and sums per class,
//! optionally closes the day and writes the report. Running it again is safe: receipts already
//! imported are skipped.
//!
//! Exit: 0 everything matched; 5 exceptions remain; 2 a bad file or usage; 1 any other error.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use crate::cli::csv_out::CsvOut;
use crate::cli::{EXIT_EXCEPTIONS, EXIT_USAGE, Failure};
use crate::config::Settings;
use crate::domain::fees::receipt_file::{self, FISCAL_MAPPING};
use crate::store::Target;
use crate::store::fees::{self, yuan};

#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// The business day (YYYY-MM-DD).
    #[arg(long)]
    pub date: NaiveDate,
    /// The export to import first (CSV, UTF-8 or GBK).
    #[arg(long, value_name = "FILE")]
    pub import: Option<PathBuf>,
    /// The column mapping (default: the fiscal export's, mappings/fiscal.toml).
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// Close the day after matching (日结).
    #[arg(long)]
    pub close: bool,
    /// Write every assessment and receipt of the day with its class to this CSV.
    #[arg(long, value_name = "OUT.csv")]
    pub report: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum DayCmd {
    /// Reopen a closed business day (supervisors, with a reason).
    Reopen {
        date: NaiveDate,
        #[arg(long)]
        reason: String,
    },
}

/// The report's columns (`--report`): one row per receipt and assessment of the day.
const REPORT_HEADER: [&str; 10] = [
    "kind",
    "reference",
    "payment_code",
    "amount",
    "expected",
    "class",
    "age_days",
    "reverses",
    "linked_to",
    "note",
];

fn usage(message: String) -> Failure {
    Failure {
        code: EXIT_USAGE,
        message,
    }
}

pub async fn run(settings: &Settings, a: ReconcileArgs) -> Result<(), Failure> {
    let mapping_text = match &a.mapping {
        Some(p) => crate::cli::read_text(p, settings).map_err(|f| usage(f.message))?,
        None => FISCAL_MAPPING.to_string(),
    };
    let mapping =
        receipt_file::parse_mapping(&mapping_text).map_err(|e| usage(format!("mapping: {e}")))?;
    // The whole file is checked before the database is touched.
    let lines = match &a.import {
        Some(p) => {
            // At most import.max_file_mb; UTF-8 or GBK, a bad byte named by line and column.
            let bytes = crate::cli::read_bytes(p, settings).map_err(|f| usage(f.message))?;
            let text = crate::domain::file_text::utf8_or_gbk(&bytes)
                .map_err(|e| usage(format!("{}: {e}; nothing was imported", p.display())))?;
            Some(
                receipt_file::parse_with(text.as_bytes(), &mapping, &settings.receipt_rules())
                    .map_err(|errors| {
                        crate::cli::file_problems(p, &errors, "nothing was imported")
                    })?,
            )
        }
        None => None,
    };
    let target = Target::from_settings(settings)?;
    let pool = crate::cli::open_database(&target, 2).await?;
    let me = crate::cli::accounts::auth::sign_in(&pool).await?;
    if let (Some(lines), Some(p)) = (&lines, &a.import) {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let rules = settings.receipt_rules();
        let r = fees::import_with(&pool, me.operator_id, &mapping.source, &name, lines, &rules)
            .await
            // What only the database can tell about the file: exit 2, nothing imported.
            .map_err(|e| crate::cli::import_refused(&name, e))?;
        outln!(
            "imported {}: {} lines, {} new, {} already imported",
            name,
            r.lines,
            r.added,
            r.lines as u64 - r.added
        );
    }
    let rows = fees::classify(&pool, me.operator_id, a.date).await?;
    outln!("reconciliation {}:", a.date);
    let summary = fees::summarise(&rows)?;
    // The sum column is as wide as its widest figure.
    let w = summary
        .iter()
        .map(|(_, _, s)| yuan(*s).len())
        .max()
        .unwrap_or(0)
        .max(14);
    outln!("{:<16} {:>6} {:>w$}", "class", "count", "sum (yuan)");
    for (class, n, sum) in &summary {
        outln!("{class:<16} {n:>6} {:>w$}", yuan(*sum));
    }
    // The day's expected and received: the same figures as the screen's summary line and its
    // by-department view (store::fees::exceptions::totals).
    let day = crate::store::fees::exceptions::totals(&pool, me.operator_id, a.date).await?;
    outln!(
        "expected {} · received {}",
        yuan(day.expected_fen),
        yuan(day.received_fen)
    );
    if let Some(out) = &a.report {
        let mut csv = CsvOut::new(Vec::new(), &REPORT_HEADER)?;
        for r in &rows {
            csv.row([
                r.kind.clone(),
                r.reference.clone(),
                r.payment_code.clone(),
                yuan(r.amount_fen),
                r.expected_fen.map(yuan).unwrap_or_default(),
                r.class.clone(),
                r.age_days.to_string(),
                r.reverses.clone().unwrap_or_default(),
                r.linked_to.clone().unwrap_or_default(),
                r.note.clone().unwrap_or_default(),
            ])?;
        }
        // The day's figures, last: kind "day", amount received, expected expected.
        csv.row([
            "day".to_string(),
            a.date.to_string(),
            String::new(),
            yuan(day.received_fen),
            yuan(day.expected_fen),
            "total".to_string(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ])?;
        let csv = csv.finish()?;
        std::fs::write(out, csv).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        outln!("report: {} ({} rows)", out.display(), rows.len() + 1);
    }
    if a.close {
        if fees::is_closed(&pool, a.date).await? {
            outln!("{} was already closed", a.date);
        } else {
            fees::close_day(&pool, me.operator_id, a.date).await?;
            outln!("{} closed (日结)", a.date);
        }
    }
    let exceptions: i64 = summary
        .iter()
        .filter(|(c, _, _)| !fees::is_settled(c))
        .map(|(_, n, _)| n)
        .sum();
    if exceptions > 0 {
        return Err(Failure {
            code: EXIT_EXCEPTIONS,
            message: format!("{exceptions} exception(s) remain for {}", a.date),
        });
    }
    Ok(())
}

pub async fn day(settings: &Settings, cmd: DayCmd) -> Result<(), Failure> {
    let DayCmd::Reopen { date, reason } = cmd;
    let target = Target::from_settings(settings)?;
    let pool = crate::cli::open_database(&target, 2).await?;
    let me = crate::cli::accounts::auth::sign_in(&pool).await?;
    fees::reopen_day(&pool, me.operator_id, date, &reason).await?;
    outln!("{date} reopened");
    Ok(())
}

#[derive(Debug, Subcommand)]
pub enum FeeCmd {
    /// Cancel an assessment (cashiers, with a reason): nothing is owed any more.
    Cancel {
        payment_code: String,
        #[arg(long)]
        reason: String,
    },
    /// Change the amount owed (cashiers, with a reason), in yuan: 15.00.
    Adjust {
        payment_code: String,
        #[arg(long)]
        amount: String,
        #[arg(long)]
        reason: String,
    },
    /// Link an unidentified receipt to the assessment it pays (cashiers, with a reason).
    Link {
        receipt_no: String,
        payment_code: String,
        #[arg(long)]
        reason: String,
        /// The receipt's source, when two sources share its number (fiscal, bank).
        #[arg(long)]
        source: Option<String>,
    },
    /// Mark a receipt for refund (退费) (cashiers, with a reason).
    Refund {
        receipt_no: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        source: Option<String>,
    },
    /// Annotate a receipt (--receipt NO) or an assessment (--code CODE) as of a business day.
    Note {
        #[arg(long)]
        date: NaiveDate,
        #[arg(long, conflicts_with = "code", required_unless_present = "code")]
        receipt: Option<String>,
        #[arg(long)]
        code: Option<String>,
        #[arg(long)]
        source: Option<String>,
        text: String,
    },
}

pub async fn fee(settings: &Settings, cmd: FeeCmd) -> Result<(), Failure> {
    use crate::store::fees::exceptions::{self as fx, Noted};
    // An amount is checked before the database is opened.
    if let FeeCmd::Adjust { amount, .. } = &cmd
        && receipt_file::parse_amount(amount).is_none()
    {
        return Err(usage(format!(
            "--amount {amount}: an amount in yuan, like 15.00"
        )));
    }
    let target = Target::from_settings(settings)?;
    let pool = crate::cli::open_database(&target, 2).await?;
    let me = crate::cli::accounts::auth::sign_in(&pool).await?;
    match cmd {
        FeeCmd::Cancel {
            payment_code,
            reason,
        } => {
            let code = payment_code.trim();
            fees::correct(
                &pool,
                me.operator_id,
                code,
                fees::Correction::Cancel,
                &reason,
            )
            .await?;
            outln!("cancelled {code}");
        }
        FeeCmd::Adjust {
            payment_code,
            amount,
            reason,
        } => {
            let fen = receipt_file::parse_amount(&amount).unwrap_or_default();
            let code = payment_code.trim();
            let what = fees::Correction::Adjust(fen);
            fees::correct(&pool, me.operator_id, code, what, &reason).await?;
            outln!("adjusted {code} to {}", yuan(fen));
        }
        FeeCmd::Link {
            receipt_no,
            payment_code,
            reason,
            source,
        } => {
            let id = fx::find_receipt(&pool, &receipt_no, source.as_deref()).await?;
            fx::link(&pool, me.operator_id, id, &payment_code, &reason).await?;
            outln!("linked receipt {receipt_no} to {}", payment_code.trim());
        }
        FeeCmd::Refund {
            receipt_no,
            reason,
            source,
        } => {
            let id = fx::find_receipt(&pool, &receipt_no, source.as_deref()).await?;
            fx::mark_refund(&pool, me.operator_id, id, &reason).await?;
            outln!("receipt {receipt_no} marked for refund");
        }
        FeeCmd::Note {
            date,
            receipt,
            code,
            source,
            text,
        } => {
            let on = match (receipt, code) {
                (Some(no), _) => {
                    Noted::Receipt(fx::find_receipt(&pool, &no, source.as_deref()).await?)
                }
                (None, Some(code)) => Noted::Assessment(fx::find_assessment(&pool, &code).await?),
                (None, None) => return Err(usage("name --receipt NO or --code CODE".into())),
            };
            fx::annotate(&pool, me.operator_id, date, on, &text).await?;
            outln!("noted");
        }
    }
    Ok(())
}
