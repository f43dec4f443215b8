//! **audit** — the commands. The audit log: one hash-chained row per business change, written in
//! that change's transaction.
//!
//! Rules kept: Rows are only ever appended; the chain is computed by the database and re-checked by
//! the verifier.
//! Docs: docs/audit.md.
//!
//! `onewindow audit verify`: recompute the audit log's hash chain.

use clap::Subcommand;

use crate::cli::{EXIT_AUDIT_BROKEN, Failure};
use crate::config::Settings;
use crate::domain::audit::chain::Break;
use crate::store::{self, Target};

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Check that no audit row was edited, deleted or inserted. Exit 0 intact, 3 broken.
    Verify,
}

pub async fn run(settings: &Settings, cmd: AuditCmd) -> Result<(), Failure> {
    match cmd {
        AuditCmd::Verify => {
            let target = Target::from_settings(settings)?;
            let pool = crate::cli::open_database(&target, 2).await?;
            let report = store::audit::verify(&pool).await?;
            match report.first_break {
                None => {
                    outln!(
                        "audit log intact: {} rows; head hash {}",
                        report.rows,
                        report.head
                    );
                    Ok(())
                }
                Some(b) => {
                    let why = match b.kind {
                        Break::ContentChanged => {
                            "its content does not match its hash (the row was edited)"
                        }
                        Break::LinkBroken => {
                            "it does not link to the row before it (a row was deleted or inserted before it)"
                        }
                    };
                    Err(Failure {
                        code: EXIT_AUDIT_BROKEN,
                        message: format!(
                            "audit log BROKEN at row {}: {why}. {} rows before it verified.",
                            b.audit_id, report.rows
                        ),
                    })
                }
            }
        }
    }
}
