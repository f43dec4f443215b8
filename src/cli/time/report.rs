//! `onewindow report efficiency`: the efficiency evaluation per department, as an aligned table
//! or CSV (docs/supervision.md). Signed in as a supervisor or administrator.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Subcommand, ValueEnum};
use unicode_width::UnicodeWidthStr;

use crate::cli::csv_out::CsvOut;
use crate::cli::{EXIT_USAGE, Failure};
use crate::config::Settings;
use crate::store::Target;
use crate::store::time::report::{self, EfficiencyRow, Finding, SuspicionRules, tenths};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Csv,
}

#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// Per department: accepted, completed, on-time rate, average working days used, cards,
    /// open overdue, corrections; with totals.
    Efficiency {
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: NaiveDate,
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: NaiveDate,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Write to this file instead of stdout.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Suspicious sequences: steps timed before their case was registered, non-instant cases
    /// decided within minutes, bursts of decisions by one operator, departments with no cases.
    Suspicious {
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: NaiveDate,
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: NaiveDate,
        /// A non-instant case decided sooner than this many minutes after acceptance.
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(i32).range(0..=10080))]
        fast_minutes: i32,
        /// This many decisions by one operator…
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(i64).range(1..=100000))]
        burst: i64,
        /// …within this many minutes.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(i32).range(1..=10080))]
        burst_minutes: i32,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

const HEADER: [&str; 11] = [
    "department",
    "name",
    "accepted",
    "completed",
    "on_time",
    "on_time_rate_pct",
    "avg_working_days",
    "yellow_cards",
    "red_cards",
    "open_overdue",
    "corrections",
];

fn fields(r: &EfficiencyRow) -> [String; 11] {
    [
        if r.department_code.is_empty() {
            "TOTAL".into()
        } else {
            r.department_code.clone()
        },
        r.name_zh.clone(),
        r.accepted.to_string(),
        r.completed.to_string(),
        r.on_time.to_string(),
        tenths(r.on_time_permille()),
        tenths(r.avg_days_tenths()),
        r.yellow_cards.to_string(),
        r.red_cards.to_string(),
        r.open_overdue.to_string(),
        r.corrections.to_string(),
    ]
}

/// The rows as CSV (UTF-8 with a BOM, so spreadsheet programs read the Chinese names right;
/// quoted and formula-neutralised by `cli::csv_out`).
pub fn csv(rows: &[EfficiencyRow]) -> std::io::Result<Vec<u8>> {
    let mut out = CsvOut::new(Vec::new(), &HEADER)?;
    for r in rows {
        out.row(fields(r))?;
    }
    out.finish()
}

/// The rows as a table aligned by display width (Chinese names take two columns a character).
pub fn table(rows: &[EfficiencyRow]) -> String {
    let all: Vec<[String; 11]> = std::iter::once(HEADER.map(String::from))
        .chain(rows.iter().map(fields))
        .collect();
    let widths: Vec<usize> = (0..11)
        .map(|i| all.iter().map(|r| r[i].width()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in &all {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let pad = " ".repeat(widths[i] - s.width());
                // Names left, figures right.
                if i < 2 {
                    format!("{s}{pad}")
                } else {
                    format!("{pad}{s}")
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

pub async fn run(settings: &Settings, cmd: ReportCmd) -> Result<(), Failure> {
    let (from, to, format, output) = match cmd {
        ReportCmd::Efficiency {
            from,
            to,
            format,
            output,
        } => (from, to, format, output),
        ReportCmd::Suspicious {
            from,
            to,
            fast_minutes,
            burst,
            burst_minutes,
            format,
        } => {
            let rules = SuspicionRules {
                fast_minutes,
                burst_count: burst,
                burst_minutes,
            };
            return suspicious(settings, from, to, rules, format).await;
        }
    };
    if to < from {
        return Err(Failure {
            code: EXIT_USAGE,
            message: format!("--to {to} is before --from {from}"),
        });
    }
    let target = Target::from_settings(settings)?;
    let pool = crate::cli::open_database(&target, 2).await?;
    let me = crate::cli::accounts::auth::sign_in(&pool).await?;
    let rows = report::efficiency(&pool, me.operator_id, from, to).await?;
    let text = match format {
        Format::Csv => csv(&rows)?,
        Format::Table => format!("# efficiency {from} .. {to}\n{}", table(&rows)).into_bytes(),
    };
    match output {
        Some(path) => std::fs::write(&path, text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => crate::cli::print::write_out_bytes(&text),
    }
    Ok(())
}

fn finding_fields(f: &Finding) -> [String; 5] {
    [
        f.kind.clone(),
        f.subject.clone(),
        f.operator_code.clone().unwrap_or_default(),
        f.at.map(|t| {
            t.with_timezone(&crate::domain::time::zone::CENTER)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_default(),
        f.detail.clone(),
    ]
}

async fn suspicious(
    settings: &Settings,
    from: NaiveDate,
    to: NaiveDate,
    rules: SuspicionRules,
    format: Format,
) -> Result<(), Failure> {
    if to < from {
        return Err(Failure {
            code: EXIT_USAGE,
            message: format!("--to {to} is before --from {from}"),
        });
    }
    let target = Target::from_settings(settings)?;
    let pool = crate::cli::open_database(&target, 2).await?;
    let me = crate::cli::accounts::auth::sign_in(&pool).await?;
    let findings = report::suspicious(&pool, me.operator_id, from, to, rules).await?;
    let mut out = String::new();
    match format {
        Format::Csv => {
            let mut w = CsvOut::new(Vec::new(), &["kind", "subject", "operator", "at", "detail"])?;
            for f in &findings {
                w.row(finding_fields(f))?;
            }
            crate::cli::print::write_out_bytes(&w.finish()?);
            return Ok(());
        }
        Format::Table => {
            out.push_str(&format!(
                "# supervision report {from} .. {to}: {} findings\n",
                findings.len()
            ));
            for f in &findings {
                out.push_str(finding_fields(f).join("  ").trim_end());
                out.push('\n');
            }
        }
    }
    out!("{out}");
    Ok(())
}
