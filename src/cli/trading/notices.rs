//! `trade notice publish|override|list`.

use clap::Subcommand;

use crate::cli::{EXIT_USAGE, Failure};
use crate::config::Settings;
use crate::domain::time::zone::at_center;
use crate::domain::trading::kinds::NoticeKind;
use crate::store::Target;
use crate::store::trading::notices::{self, NewNotice};

#[derive(Debug, Subcommand)]
pub enum NoticeCmd {
    /// Publish a notice for a section (trading clerks; audited). A period shorter than the law is
    /// refused (exit 2) unless a supervisor gave an override; a late change moves the deadline.
    Publish {
        /// The section's unified deal code.
        section: String,
        /// tender, prequalification, listing, change, termination, candidate_publicity, result, contract.
        #[arg(long)]
        kind: String,
        #[arg(long)]
        title: String,
        /// Where it is published.
        #[arg(long, default_value = "县公共资源交易中心网站")]
        media: String,
        /// The last day of its period (YYYY-MM-DD): the bid deadline's day, the publicity's end.
        #[arg(long)]
        ends: Option<String>,
    },
    /// Allow the next notice of a kind for a section to be shorter than the law (supervisors;
    /// audited, recorded as a finding).
    Override {
        section: String,
        #[arg(long)]
        kind: String,
        #[arg(long)]
        reason: String,
    },
    /// Every published notice of every line, newest first.
    List {
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(i64).range(1..=10_000))]
        limit: i64,
    },
}

fn kind(s: &str) -> Result<NoticeKind, Failure> {
    NoticeKind::parse(s.trim()).ok_or_else(|| Failure {
        code: EXIT_USAGE,
        message: format!("--kind: \"{s}\" is not one of {}", NoticeKind::names()),
    })
}

pub async fn run(settings: &Settings, cmd: NoticeCmd) -> Result<(), Failure> {
    let target = Target::from_settings(settings)?;
    match cmd {
        NoticeCmd::Publish {
            section,
            kind: k,
            title,
            media,
            ends,
        } => {
            let n = NewNotice {
                kind: kind(&k)?,
                title,
                media,
                ends_on: ends
                    .as_deref()
                    .map(|d| super::date("ends", d))
                    .transpose()?,
            };
            let pool = crate::cli::open_database(&target, 2).await?;
            let me = crate::cli::accounts::auth::sign_in(&pool).await?;
            let p = notices::publish(&pool, me.operator_id, &section, &n)
                .await
                .map_err(super::usage)?;
            outln!(
                "notice {} published{}{}",
                p.notice_id,
                p.lawful_end
                    .map(|d| format!("; the law's earliest end {d}"))
                    .unwrap_or_default(),
                if p.overridden {
                    " (shorter, under a supervisor's override)"
                } else {
                    ""
                }
            );
            if let Some(to) = p.moved_deadline_to {
                errln!(
                    "the change came less than the law's lead before the bid deadline: the deadline moved to {} (招标投标法实施条例 第21条)",
                    at_center(&to).format("%Y-%m-%d %H:%M")
                );
            }
            if p.provisional {
                errln!(
                    "warning: the period runs into a year whose holidays are not loaded; its end is provisional"
                );
            }
            Ok(())
        }
        NoticeCmd::Override {
            section,
            kind: k,
            reason,
        } => {
            let k = kind(&k)?;
            let pool = crate::cli::open_database(&target, 2).await?;
            let me = crate::cli::accounts::auth::sign_in(&pool).await?;
            let id = notices::allow_short(&pool, me.operator_id, &section, k, &reason)
                .await
                .map_err(super::usage)?;
            outln!(
                "override {id}: the next {} notice of {} may be shorter than the law",
                k.as_str(),
                section.trim()
            );
            Ok(())
        }
        NoticeCmd::List { limit } => {
            let pool = crate::cli::open_database(&target, 2).await?;
            let _me = crate::cli::accounts::auth::sign_in(&pool).await?;
            let rows = notices::list(&pool, limit).await?;
            outln!("published\tline\tsection\tkind\tends\tperiod\ttitle");
            for r in rows {
                outln!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    at_center(&r.published_at).format("%Y-%m-%d %H:%M"),
                    r.line,
                    r.unified_deal_code,
                    r.kind,
                    r.ends_on.map(|d| d.to_string()).unwrap_or_default(),
                    match (r.period_days, r.unit()) {
                        (Some(d), Some(u)) => format!(
                            "{d} {}{}",
                            u.zh(),
                            if r.overridden { " (override)" } else { "" }
                        ),
                        _ => String::new(),
                    },
                    crate::domain::file_text::printable(&r.title)
                );
            }
            Ok(())
        }
    }
}
