//! `trade project add|section|list|claim|give-back`.

use clap::{Args, Subcommand};

use crate::cli::{EXIT_ERROR, EXIT_USAGE, Failure};
use crate::config::Settings;
use crate::domain::fees::receipt_file::yuan as show_yuan;
use crate::domain::trading::kinds::{Level, Line};
use crate::store::trading::projects::{self, NewProject, NewSection};
use crate::store::trading::queue::{self, ClaimOutcome, Scope};

#[derive(Debug, Subcommand)]
pub enum ProjectCmd {
    /// Register a project entering the center (trading clerks; audited). Prints its code, the
    /// threshold rule applied, and a split finding if one was made.
    Add(AddArgs),
    /// Add a section (标段/包) to a project: the deposit within the cap, the deadline within the law.
    Section(SectionArgs),
    /// The clerks' queue: the nearest next legal date (deadline, opening, a notice's end) first.
    List {
        /// mine (projects you hold), unclaimed (open, nobody holds them) or all.
        #[arg(long, default_value = "all", value_parser = ["mine", "unclaimed", "all"])]
        scope: String,
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(i64).range(1..=10_000))]
        limit: i64,
    },
    /// Take an open project nobody holds (trading clerks; audited). Exit 1 if someone else
    /// holds it or it is closed.
    Claim {
        /// The project's code (GC2026-00012).
        project: String,
    },
    /// Give a project you hold back to the pool, at the version `list` shows (audited).
    GiveBack {
        project: String,
        #[arg(long)]
        version: i32,
    },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// GC 工程, CG 采购, TD 土地, CQ 产权, QT 其他.
    #[arg(long)]
    pub line: String,
    #[arg(long)]
    pub title: String,
    /// The tenderer's unified social credit code (18 characters).
    #[arg(long)]
    pub tenderer_code: String,
    #[arg(long)]
    pub tenderer_name: String,
    #[arg(long)]
    pub agent: Option<String>,
    /// urban or township.
    #[arg(long)]
    pub level: String,
    /// The township, for a township project.
    #[arg(long)]
    pub township: Option<String>,
    #[arg(long)]
    pub fund_source: String,
    /// The approval document number (立项批文).
    #[arg(long)]
    pub approval_no: Option<String>,
    /// The estimate, budget or appraisal in yuan (12345.67).
    #[arg(long)]
    pub amount: String,
}

#[derive(Debug, Args)]
pub struct SectionArgs {
    /// The project's code (GC2026-00012).
    pub project: String,
    #[arg(long)]
    pub name: String,
    /// The section's estimate or budget in yuan: the deposit cap's basis.
    #[arg(long)]
    pub basis: String,
    /// The deposit in yuan.
    #[arg(long)]
    pub deposit: String,
    #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub validity_days: u32,
    /// The documents' first issue, at the center (YYYY-MM-DD HH:MM).
    #[arg(long)]
    pub doc_issue: Option<String>,
    /// The bid deadline (YYYY-MM-DD HH:MM).
    #[arg(long)]
    pub deadline: Option<String>,
    /// The opening (YYYY-MM-DD HH:MM); at the deadline by default.
    #[arg(long)]
    pub opening: Option<String>,
}

pub async fn run(settings: &Settings, cmd: ProjectCmd) -> Result<(), Failure> {
    match cmd {
        ProjectCmd::Add(a) => {
            let p = NewProject {
                line: Line::parse(a.line.trim()).ok_or_else(|| Failure {
                    code: EXIT_USAGE,
                    message: format!("--line: \"{}\" is not one of {}", a.line, Line::names()),
                })?,
                level: Level::parse(a.level.trim()).ok_or_else(|| Failure {
                    code: EXIT_USAGE,
                    message: format!("--level: \"{}\" is not one of {}", a.level, Level::names()),
                })?,
                amount_fen: super::yuan("amount", &a.amount)?,
                title: a.title,
                tenderer_code: a.tenderer_code,
                tenderer_name: a.tenderer_name,
                agent_name: a.agent,
                township: a.township,
                fund_source: a.fund_source,
                approval_no: a.approval_no,
            };
            let (pool, me) = super::signed_in(settings).await?;
            let r = projects::register(&pool, me, &p)
                .await
                .map_err(super::usage)?;
            outln!(
                "{}\t{}\t{}",
                r.project_code,
                if r.must_enter {
                    "must trade in the center"
                } else {
                    "under the threshold: may trade in the center"
                },
                r.threshold_article
            );
            if let Some(sum) = r.split_sum_fen {
                errln!(
                    "finding: this tenderer's {} projects of {} this year are each under the threshold but add up to {} yuan (possible split; a supervisor reviews it)",
                    p.line.as_str(),
                    p.line.zh(),
                    show_yuan(sum)
                );
            }
            Ok(())
        }
        ProjectCmd::Section(a) => {
            let opt = |flag: &str, v: &Option<String>| {
                v.as_deref().map(|s| super::at(flag, s)).transpose()
            };
            let deadline = opt("deadline", &a.deadline)?;
            let s = NewSection {
                name: a.name,
                basis_fen: super::yuan("basis", &a.basis)?,
                deposit_fen: super::yuan("deposit", &a.deposit)?,
                bid_validity_days: a.validity_days,
                doc_issue_at: opt("doc-issue", &a.doc_issue)?,
                deadline_at: deadline,
                opening_at: opt("opening", &a.opening)?.or(deadline),
            };
            let (pool, me) = super::signed_in(settings).await?;
            let done = projects::add_section(&pool, me, a.project.trim(), &s)
                .await
                .map_err(super::usage)?;
            outln!("{}\tsection {}", done.unified_deal_code, done.section_no);
            Ok(())
        }
        ProjectCmd::List { scope, limit } => {
            let scope = Scope::parse(&scope).unwrap_or(Scope::All);
            let (pool, me) = super::signed_in(settings).await?;
            let rows = queue::list(&pool, me, scope, limit).await?;
            outln!(
                "code\tline\tlevel\tamount\tmust_enter\tstage\tsections\tholder\tversion\tnext\tnext_at\ttenderer\ttitle"
            );
            for r in rows {
                let next_at = r
                    .next_at
                    .map(|t| {
                        crate::domain::time::zone::at_center(&t)
                            .format("%Y-%m-%d %H:%M")
                            .to_string()
                    })
                    .unwrap_or_default();
                outln!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    r.project_code,
                    r.line,
                    r.level,
                    show_yuan(r.amount_fen),
                    if r.must_enter { "yes" } else { "no" },
                    r.stage,
                    r.sections,
                    r.holder.unwrap_or_default(),
                    r.version,
                    r.next_what.unwrap_or_default(),
                    next_at,
                    crate::domain::file_text::printable(&r.tenderer_name),
                    crate::domain::file_text::printable(&r.title)
                );
            }
            Ok(())
        }
        ProjectCmd::Claim { project } => {
            let (pool, me) = super::signed_in(settings).await?;
            match queue::claim(&pool, me, project.trim()).await? {
                ClaimOutcome::Claimed => {
                    outln!("{}\tclaimed", project.trim());
                    Ok(())
                }
                ClaimOutcome::Taken => Err(Failure {
                    code: EXIT_ERROR,
                    message: format!("{}: someone else holds it, or it is closed", project.trim()),
                }),
            }
        }
        ProjectCmd::GiveBack { project, version } => {
            let (pool, me) = super::signed_in(settings).await?;
            queue::give_back(&pool, me, project.trim(), version).await?;
            outln!("{}\tgiven back", project.trim());
            Ok(())
        }
    }
}
