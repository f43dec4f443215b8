//! **routing** — the commands. Parallel approval (并联审批): stages of department branches, the join
//! and the lead department's decision.
//!
//! Rules kept: Branches decided at the same instant join exactly once; the state machine in
//! domain::routing decides what follows.
//! Docs: docs/routing.md.
//!
//! `onewindow route`: parallel approval from the command line (docs/routing.md). `template`
//! adds a version of an item's routing template (administrators); `show` prints a case's route,
//! stage by stage.

use clap::Subcommand;

use crate::cli::{EXIT_USAGE, Failure};
use crate::config::Settings;
use crate::store::Target;
use crate::store::routing::view::{self, TemplateDef};

#[derive(Debug, Subcommand)]
pub enum RouteCmd {
    /// Add a new version of an item's routing template (administrators). Cases already
    /// accepted keep the version they were accepted under.
    Template {
        /// The item's code, e.g. SCJG-005.
        item: String,
        /// One stage: department codes reviewing in parallel, each with its reply limit in
        /// working days (default 7): "SCJG:5,WJW,HBJ:10". Repeat for later stages.
        #[arg(long = "stage", required = true)]
        stages: Vec<String>,
        /// The lead department's code (default: the item's handling department).
        #[arg(long)]
        lead: Option<String>,
        /// A branch silent past its limit counts as consent (超时默许).
        #[arg(long)]
        deemed_consent: bool,
    },
    /// Print a case's route: every stage and branch, the lead decision.
    Show { case_no: String },
}

/// "SCJG:5,WJW" → [("SCJG", 5), ("WJW", 7)].
pub fn parse_stage(text: &str) -> Result<Vec<(String, i32)>, String> {
    text.split(',')
        .map(|part| {
            let part = part.trim();
            let (code, days) = match part.split_once(':') {
                Some((c, d)) => (
                    c.trim(),
                    d.trim()
                        .parse::<i32>()
                        .map_err(|_| format!("{part}: the reply limit is a number of days"))?,
                ),
                None => (part, 7),
            };
            if code.is_empty() {
                return Err(format!("{text}: a department code is missing"));
            }
            Ok((code.to_uppercase(), days))
        })
        .collect()
}

pub async fn run(settings: &Settings, cmd: RouteCmd) -> Result<(), Failure> {
    if let RouteCmd::Template { stages, .. } = &cmd {
        for s in stages {
            parse_stage(s).map_err(|message| Failure {
                code: EXIT_USAGE,
                message: format!("--stage {message}"),
            })?;
        }
    }
    let target = Target::from_settings(settings)?;
    let pool = crate::cli::open_database(&target, 2).await?;
    let me = crate::cli::accounts::auth::sign_in(&pool).await?;
    match cmd {
        RouteCmd::Template {
            item,
            stages,
            lead,
            deemed_consent,
        } => {
            let def = TemplateDef {
                item_code: item.trim().to_uppercase(),
                lead: lead.map(|l| l.trim().to_uppercase()),
                deemed_consent,
                stages: stages
                    .iter()
                    .map(|s| parse_stage(s).unwrap_or_default())
                    .collect(),
            };
            let v = view::put_template(&pool, me.operator_id, &def).await?;
            outln!("{} routing template version {v}", def.item_code);
        }
        RouteCmd::Show { case_no } => {
            let case_id = view::case_id(&pool, &case_no)
                .await?
                .ok_or_else(|| format!("no case {case_no}"))?;
            let v = view::route(&pool, me.operator_id, case_id).await?;
            for line in route_lines(&v) {
                outln!("{line}");
            }
        }
    }
    Ok(())
}

/// A route as `route show` prints it (and `ssh … route show` sends it).
pub fn route_lines(v: &view::RouteView) -> Vec<String> {
    let mut out = vec![format!(
        "{} {} · template v{} · {} (lead {})",
        v.case_no, v.item_zh, v.template_version, v.state, v.lead_zh
    )];
    for stage in 1..=v.last_stage {
        out.push(format!("stage {stage}:"));
        for b in v.branches.iter().filter(|b| b.stage == stage) {
            out.push(format!(
                "  {:<8} {:<14} due {} {}{}",
                b.state,
                b.department_zh,
                b.reply_due,
                b.assignee.as_deref().unwrap_or("—"),
                b.opinion
                    .as_deref()
                    .or(b.missing.as_deref())
                    .map(|o| format!(" · {o}"))
                    .unwrap_or_default()
            ));
        }
        for p in v.planned.iter().filter(|p| p.stage == stage) {
            out.push(format!(
                "  planned  {} ({} working days)",
                p.department_zh, p.reply_days
            ));
        }
    }
    if let Some(doc) = &v.result_document_no {
        out.push(format!("result document: {doc}"));
    }
    if let Some(r) = &v.responsibility {
        out.push(format!("approved over a disagreement; responsibility: {r}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::parse_stage;

    #[test]
    fn a_stage_is_codes_with_optional_reply_limits() {
        assert_eq!(
            parse_stage("scjg:5, WJW"),
            Ok(vec![("SCJG".to_string(), 5), ("WJW".to_string(), 7)])
        );
        assert!(parse_stage("SCJG:x").is_err());
        assert!(parse_stage("SCJG,,WJW").is_err());
    }
}
