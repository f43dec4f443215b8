//! `trade refund event|list|prepare|approve|payfile|confirm` (docs/trading.md "Refunds").

use std::path::PathBuf;

use clap::Subcommand;

use crate::cli::{EXIT_USAGE, Failure};
use crate::config::Settings;
use crate::domain::fees::receipt_file::yuan;
use crate::domain::trading::kinds::RefundEvent;
use crate::store::trading::refunds::{self, Confirmation, Covers};

#[derive(Debug, Subcommand)]
pub enum RefundCmd {
    /// Record what makes a section's deposits due for refund: contract_signed, award_notice,
    /// withdrawal, termination, activity_end (deposit accountants, the director; audited).
    Event {
        /// The section's unified deal code.
        section: String,
        #[arg(long)]
        event: String,
        /// The day it happened (YYYY-MM-DD), not after today.
        #[arg(long)]
        on: String,
        /// Only this registration's deposit (a withdrawal).
        #[arg(long, conflicts_with = "except")]
        only: Option<i64>,
        /// Every deposit but this registration's (the losers at an award notice).
        #[arg(long)]
        except: Option<i64>,
        #[arg(long)]
        note: Option<String>,
    },
    /// Refunds by due date, the nearest first (open ones; `--all` for every one).
    List {
        #[arg(long)]
        all: bool,
        #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(i64).range(1..=100_000))]
        limit: i64,
    },
    /// Prepare a due refund: principal and interest (audited).
    Prepare {
        refund: i64,
        #[arg(long)]
        version: i32,
    },
    /// Approve a prepared refund: not by the one who prepared it (audited).
    Approve {
        refund: i64,
        #[arg(long)]
        version: i32,
    },
    /// Write every approved refund into a bank payment file (CSV, UTF-8; audited).
    Payfile {
        #[arg(long)]
        out: PathBuf,
    },
    /// Close exported refunds by the bank's confirmation: 付款编号,状态,银行流水号,时间 (状态
    /// 成功 or 失败; 时间 YYYY-MM-DD HH:MM:SS at the center).
    Confirm { file: PathBuf },
}

fn usage(message: String) -> Failure {
    Failure {
        code: EXIT_USAGE,
        message,
    }
}

pub async fn run(settings: &Settings, cmd: RefundCmd) -> Result<(), Failure> {
    match cmd {
        RefundCmd::Event {
            section,
            event,
            on,
            only,
            except,
            note,
        } => {
            let ev = RefundEvent::parse(event.trim()).ok_or_else(|| {
                usage(format!(
                    "--event: \"{event}\" is not one of {}",
                    RefundEvent::names()
                ))
            })?;
            let on = super::date("on", &on)?;
            let covers = match (only, except) {
                (Some(r), _) => Covers::Only(r),
                (_, Some(r)) => Covers::Except(r),
                _ => Covers::All,
            };
            let (pool, me) = super::signed_in(settings).await?;
            let r = refunds::record_event(&pool, me, &section, ev, on, covers, note.as_deref())
                .await
                .map_err(super::usage)?;
            outln!(
                "{} refund(s) due by {}{} ({})",
                r.refunds,
                r.due_on,
                if r.provisional {
                    " (provisional: a year's holidays are not loaded)"
                } else {
                    ""
                },
                r.article
            );
            Ok(())
        }
        RefundCmd::List { all, limit } => {
            let (pool, me) = super::signed_in(settings).await?;
            let rows = refunds::list(&pool, me, !all, limit).await?;
            outln!(
                "refund\tdue_on\tstate\tprincipal\tinterest\tlate\tsection\tpayee\taccount\tprepared_by\tapproved_by\tversion"
            );
            for r in rows {
                outln!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    r.refund_id,
                    r.due_on,
                    r.state,
                    yuan(r.principal_fen),
                    r.interest_fen.map(yuan).unwrap_or_default(),
                    if r.late { "late" } else { "" },
                    r.unified_deal_code,
                    crate::domain::file_text::printable(&r.payee),
                    crate::domain::file_text::printable(&r.account),
                    r.prepared_by.unwrap_or_default(),
                    r.approved_by.unwrap_or_default(),
                    r.version
                );
            }
            Ok(())
        }
        RefundCmd::Prepare { refund, version } => {
            let (pool, me) = super::signed_in(settings).await?;
            let p = refunds::prepare(&pool, me, refund, version).await?;
            outln!(
                "refund {refund} prepared: {} principal + {} interest{}; another person approves it",
                yuan(p.principal_fen),
                yuan(p.interest_fen),
                if p.late { " (late)" } else { "" }
            );
            Ok(())
        }
        RefundCmd::Approve { refund, version } => {
            let (pool, me) = super::signed_in(settings).await?;
            refunds::approve(&pool, me, refund, version).await?;
            outln!("refund {refund} approved");
            Ok(())
        }
        RefundCmd::Payfile { out } => {
            let (pool, me) = super::signed_in(settings).await?;
            // The file is written before the batch is known only to the database: if it cannot
            // be created, nothing is marked exported.
            let file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&out)
                .map_err(|e| usage(format!("--out {}: {e}", out.display())))?;
            match refunds::payfile(&pool, me).await {
                Ok(Some(p)) => {
                    use std::io::Write;
                    let mut file = file;
                    file.write_all(p.text.as_bytes())
                        .and_then(|()| file.sync_all())
                        .map_err(|e| Failure {
                            code: crate::cli::EXIT_ERROR,
                            message: format!(
                                "{}: {e}; batch {} was recorded: write it again from `trade refund list --all`",
                                out.display(),
                                p.batch_id
                            ),
                        })?;
                    outln!(
                        "payment file {} (batch {}): {} refund(s), {} yuan",
                        out.display(),
                        p.batch_id,
                        p.refunds,
                        yuan(p.total_fen)
                    );
                    Ok(())
                }
                Ok(None) => {
                    drop(file);
                    let _ = std::fs::remove_file(&out);
                    outln!("no approved refunds: no payment file written");
                    Ok(())
                }
                Err(e) => {
                    drop(file);
                    let _ = std::fs::remove_file(&out);
                    Err(e.into())
                }
            }
        }
        RefundCmd::Confirm { file } => {
            let bytes = crate::cli::read_bytes(&file, settings).map_err(|f| usage(f.message))?;
            let text = crate::domain::file_text::utf8_or_gbk(&bytes)
                .map_err(|e| usage(format!("{}: {e}; nothing was confirmed", file.display())))?;
            let lines = parse_confirmation(&text).map_err(|errors| {
                usage(format!(
                    "{} has problem(s), nothing was confirmed:\n{}",
                    file.display(),
                    errors.join("\n")
                ))
            })?;
            let (pool, me) = super::signed_in(settings).await?;
            let c = refunds::confirm(&pool, me, &lines)
                .await
                .map_err(super::usage)?;
            outln!(
                "{} refunded, {} failed (back to approved for the next payment file), {} already closed",
                c.refunded,
                c.failed,
                c.already
            );
            Ok(())
        }
    }
}

/// The bank's confirmation: `付款编号,状态,银行流水号,时间`, every problem named by its line.
fn parse_confirmation(text: &str) -> Result<Vec<Confirmation>, Vec<String>> {
    use chrono::TimeZone;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| vec![format!("line 1: unreadable header: {e}")])?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (Some(r), Some(s), Some(b), Some(t)) =
        (col("付款编号"), col("状态"), col("银行流水号"), col("时间"))
    else {
        return Err(vec![
            "line 1: the header is 付款编号,状态,银行流水号,时间".into(),
        ]);
    };
    let mut out = vec![];
    let mut errors = vec![];
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("unreadable line: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let f = |i: usize| record.get(i).unwrap_or("").trim().to_string();
        let paid = match f(s).as_str() {
            "成功" | "success" => Some(true),
            "失败" | "failed" => Some(false),
            other => {
                errors.push(format!("line {line}: 状态 \"{other}\" is not 成功 or 失败"));
                None
            }
        };
        let at = chrono::NaiveDateTime::parse_from_str(&f(t), "%Y-%m-%d %H:%M:%S")
            .ok()
            .and_then(|n| {
                crate::domain::time::zone::CENTER
                    .from_local_datetime(&n)
                    .earliest()
            })
            .map(|t| t.with_timezone(&chrono::Utc));
        if at.is_none() {
            errors.push(format!(
                "line {line}: 时间 \"{}\" is not a time like 2026-12-04 10:30:00",
                f(t)
            ));
        }
        let bank_ref = f(b);
        if paid == Some(true) && (bank_ref.is_empty() || bank_ref.chars().count() > 64) {
            errors.push(format!(
                "line {line}: 银行流水号 is empty or longer than 64"
            ));
        }
        if let (Some(paid), Some(at)) = (paid, at) {
            out.push(Confirmation {
                line,
                pay_ref: f(r),
                paid,
                bank_ref,
                at,
            });
        }
    }
    if errors.is_empty() && out.is_empty() {
        errors.push("line 2: the file has a header but no lines".into());
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}
