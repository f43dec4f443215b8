//! `trade rules check|import|show` and `trade period`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::cli::{EXIT_USAGE, Failure};
use crate::config::Settings;
use crate::domain::trading::kinds::{Line, NoticeKind};
use crate::domain::trading::{period, rules};
use crate::store::{self, Target};

#[derive(Debug, Subcommand)]
pub enum RulesCmd {
    /// Check a rules file without loading it; every problem with its line (exit 2).
    Check { file: PathBuf },
    /// Check and import a rules file (administrators; audited). A version is imported once.
    Import { file: PathBuf },
    /// The rule set in force: its version, reading and every number with its article.
    Show,
}

#[derive(Debug, Args)]
pub struct PeriodArgs {
    /// The line: GC, CG, TD, CQ or QT.
    #[arg(long)]
    pub line: String,
    /// The notice kind: tender, prequalification, listing, change, candidate_publicity, result…
    #[arg(long)]
    pub notice: String,
    /// The day the period starts (YYYY-MM-DD; it does not count).
    #[arg(long)]
    pub from: String,
}

fn parse_file(
    settings: &Settings,
    file: &std::path::Path,
) -> Result<(rules::RuleSet, String), Failure> {
    let text = crate::cli::read_text(file, settings)?;
    match rules::parse(&text) {
        Ok(r) => Ok((r, text)),
        Err(problems) => Err(crate::cli::file_problems(
            file,
            &problems,
            "nothing was imported",
        )),
    }
}

pub async fn run(settings: &Settings, cmd: RulesCmd) -> Result<(), Failure> {
    match cmd {
        RulesCmd::Check { file } => {
            let (r, _) = parse_file(settings, &file)?;
            outln!(
                "{}: rule set {} (from {}, reading {}): {} periods, {} refund rules, {} thresholds; not imported (check)",
                file.display(),
                r.version,
                r.effective_from,
                r.reading.as_str(),
                r.periods.len(),
                r.refunds.len(),
                r.thresholds.len()
            );
            Ok(())
        }
        RulesCmd::Import { file } => {
            let (r, text) = parse_file(settings, &file)?;
            let target = Target::from_settings(settings)?;
            let pool = crate::cli::open_database(&target, 2).await?;
            let me = crate::cli::accounts::auth::sign_in(&pool).await?;
            let done = store::trading::rules::import(&pool, me.operator_id, &r, &text)
                .await
                .map_err(|e| match e {
                    store::StoreError::Invalid { field, reason } => Failure {
                        code: EXIT_USAGE,
                        message: format!("{}: {field}: {reason}", file.display()),
                    },
                    e => e.into(),
                })?;
            outln!(
                "rule set {} {} (in force from {}, reading {})",
                r.version,
                match done {
                    store::trading::rules::Imported::New => "imported",
                    store::trading::rules::Imported::Unchanged => "was already imported; unchanged",
                },
                r.effective_from,
                r.reading.as_str()
            );
            Ok(())
        }
        RulesCmd::Show => {
            let target = Target::from_settings(settings)?;
            let pool = crate::cli::open_database(&target, 2).await?;
            let mut conn = pool.acquire().await.map_err(store::StoreError::from)?;
            let r = store::trading::rules::require_current(&mut conn)
                .await
                .map_err(super::usage)?;
            print_rules(&r);
            Ok(())
        }
    }
}

fn print_rules(r: &rules::RuleSet) {
    outln!(
        "rule set {} in force from {}; threshold reading {}; region {}; demand rate {} bp",
        r.version,
        r.effective_from,
        r.reading.as_str(),
        r.region_code,
        r.demand_rate_bp
    );
    outln!("kind\tline\twhat\tnumber\tunit\tarticle\tsure");
    for l in &r.lines {
        outln!(
            "deposit\t{}\tcap\t{}\tbp\t{}\t{}",
            l.line.as_str(),
            l.deposit_cap_bp
                .map_or("notice".to_string(), |b| b.to_string()),
            l.article,
            l.sure.as_str()
        );
    }
    for t in r.thresholds.iter().filter(|t| t.reading == r.reading) {
        outln!(
            "threshold\t{}\t{}\t{}\tfen {}\t{}\t{}",
            t.line.map_or("*", |l| l.as_str()),
            t.level.as_str(),
            t.min_fen,
            if t.inclusive { ">=" } else { ">" },
            t.article,
            t.sure.as_str()
        );
    }
    for p in &r.periods {
        outln!(
            "period\t{}\t{}{}\t{}\t{}\t{}\t{}",
            p.line.as_str(),
            p.notice.as_str(),
            if p.before_deadline {
                " (before deadline)"
            } else {
                ""
            },
            p.days,
            p.unit.as_str(),
            p.article,
            p.sure.as_str()
        );
    }
    for x in &r.refunds {
        outln!(
            "refund\t{}\t{} ({})\t{}\t{}\t{}\t{}",
            x.line.as_str(),
            x.event.as_str(),
            x.interest.as_str(),
            x.days,
            x.unit.as_str(),
            x.article,
            x.sure.as_str()
        );
    }
}

/// The earliest lawful last day of a period, on the center's calendar and the rule set in force.
pub async fn period(settings: &Settings, a: PeriodArgs) -> Result<(), Failure> {
    let line = Line::parse(a.line.trim()).ok_or_else(|| Failure {
        code: EXIT_USAGE,
        message: format!("--line: \"{}\" is not one of {}", a.line, Line::names()),
    })?;
    let notice = NoticeKind::parse(a.notice.trim()).ok_or_else(|| Failure {
        code: EXIT_USAGE,
        message: format!(
            "--notice: \"{}\" is not one of {}",
            a.notice,
            NoticeKind::names()
        ),
    })?;
    let from = super::date("from", &a.from)?;
    let target = Target::from_settings(settings)?;
    let pool = crate::cli::open_database(&target, 2).await?;
    let mut conn = pool.acquire().await.map_err(store::StoreError::from)?;
    let r = store::trading::rules::require_current(&mut conn)
        .await
        .map_err(super::usage)?;
    // A change's rule counts back from the deadline (`trade rules show`), not forward.
    let rule = r.period(line, notice).ok_or_else(|| Failure {
        code: EXIT_USAGE,
        message: format!(
            "rule set {} has no period for {} {}",
            r.version,
            line.as_str(),
            notice.as_str()
        ),
    })?;
    let cal = store::time::calendar::load(&mut conn).await?;
    let end = period::period_end(&cal, from, rule.days, rule.unit);
    outln!(
        "{}{}\t{} {} from {from}\t{}",
        end.date,
        if end.provisional() {
            " (provisional)"
        } else {
            ""
        },
        rule.days,
        rule.unit.zh(),
        rule.article
    );
    if end.provisional() {
        return Err(Failure {
            code: 4,
            message: format!(
                "the count ran into {} whose holidays are not loaded: the date is provisional",
                end.missing_years
                    .iter()
                    .map(|y| y.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    Ok(())
}
