//! `onewindow accountability list | open | close`: accountability records (问责) from red cards,
//! signed in as a supervisor (docs/supervision.md).

use chrono::NaiveDate;
use clap::Subcommand;

use crate::cli::Failure;
use crate::config::Settings;
use crate::store::{Target, time::accountability};

#[derive(Debug, Subcommand)]
pub enum AccountabilityCmd {
    /// Open records (and closed ones with --all), the nearest deadline first.
    List {
        #[arg(long)]
        all: bool,
    },
    /// Open a record for a red card.
    Open {
        #[arg(long, value_parser = clap::value_parser!(i64).range(1..))]
        card: i64,
        /// admonishment (诫勉) or rectification (整改, needs --deadline).
        #[arg(long)]
        kind: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        deadline: Option<NaiveDate>,
        #[arg(long)]
        note: String,
    },
    /// Close a record with how it was settled.
    Close {
        record: i64,
        #[arg(long)]
        note: String,
    },
}

pub async fn run(settings: &Settings, cmd: AccountabilityCmd) -> Result<(), Failure> {
    let target = Target::from_settings(settings)?;
    let pool = crate::cli::open_database(&target, 2).await?;
    let me = crate::cli::accounts::auth::sign_in(&pool).await?;
    match cmd {
        AccountabilityCmd::List { all } => {
            let rows = accountability::list(&pool, me.operator_id, all).await?;
            outln!("record\tcard\tcase\tdepartment\tkind\tdeadline\tstate\tnote");
            for r in rows {
                let state = match (r.closed_at, r.overdue) {
                    (Some(_), _) => "closed",
                    (None, true) => "OVERDUE",
                    (None, false) => "open",
                };
                outln!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{state}\t{}",
                    r.record_id,
                    r.card_id,
                    r.case_no,
                    r.department_code,
                    r.kind,
                    r.deadline.map(|d| d.to_string()).unwrap_or_default(),
                    r.note
                );
            }
        }
        AccountabilityCmd::Open {
            card,
            kind,
            deadline,
            note,
        } => {
            let id =
                accountability::open(&pool, me.operator_id, card, &kind, deadline, &note).await?;
            outln!("opened record {id} for card {card}");
        }
        AccountabilityCmd::Close { record, note } => {
            accountability::close(&pool, me.operator_id, record, &note).await?;
            outln!("closed record {record}");
        }
    }
    Ok(())
}
