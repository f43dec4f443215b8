//! **audit** — the commands. The audit log: one hash-chained row per business change, written in
//! that change's transaction.
//!
//! Rules kept: Rows are only ever appended; the chain is computed by the database and re-checked by
//! the verifier.
//! Docs: docs/audit.md.
//!
//! `onewindow audit verify [--anchor FILE…]`: recompute the audit log's hash chain and check it
//! still extends recorded heads; `onewindow audit anchor`: record the head outside the database.

use std::collections::BTreeSet;
use std::path::PathBuf;

use clap::Subcommand;

use crate::cli::{EXIT_AUDIT_BROKEN, EXIT_USAGE, Failure};
use crate::config::Settings;
use crate::domain::audit::anchor::{self, Anchor};
use crate::domain::audit::chain::Break;
use crate::domain::time::zone;
use crate::store::{self, Target};

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Check that no audit row was edited, deleted or inserted. Exit 0 intact, 3 broken.
    Verify {
        /// Anchor files (`audit anchor`): the log must still extend every head recorded in them,
        /// or it was rewritten or truncated (exit 3).
        #[arg(long = "anchor", value_name = "FILE")]
        anchors: Vec<PathBuf>,
    },
    /// Record the chain's head (row id, row count, hash, time) outside the database: printed, and
    /// appended to a file and/or given to a command on its standard input (e.g. `logger -t
    /// onewindow-audit` for syslog). Refused (exit 3) when the chain is already broken.
    Anchor {
        /// Append the anchor line to this file (kept out of the database owner's reach).
        #[arg(long)]
        file: Option<PathBuf>,
        /// Run this shell command with the anchor line on its standard input.
        #[arg(long)]
        command: Option<String>,
    },
}

pub async fn run(settings: &Settings, cmd: AuditCmd) -> Result<(), Failure> {
    let target = Target::from_settings(settings)?;
    let pool = crate::cli::open_database(&target, 2).await?;
    match cmd {
        AuditCmd::Verify { anchors } => verify(settings, &pool, &anchors).await,
        AuditCmd::Anchor { file, command } => {
            let line = anchor_to(&pool, file.as_deref(), command.as_deref()).await?;
            out!("{line}");
            Ok(())
        }
    }
}

/// Verifies the chain and records its head: appended to `file`, given to `command`; returns the
/// anchor line. Shared by `audit anchor` and the supervision run (settings `audit.anchor_file`,
/// `audit.anchor_command`).
pub async fn anchor_to(
    pool: &sqlx::PgPool,
    file: Option<&std::path::Path>,
    command: Option<&str>,
) -> Result<String, Failure> {
    let report = store::audit::verify(pool).await?;
    if let Some(b) = &report.first_break {
        return Err(broken(b, report.rows));
    }
    let Some(audit_id) = report.head_id else {
        return Err("the audit log is empty: nothing to anchor yet".into());
    };
    let now: chrono::DateTime<chrono::Utc> = sqlx::query_scalar("select now()")
        .fetch_one(pool)
        .await
        .map_err(store::StoreError::from)?;
    let a = Anchor {
        audit_id,
        rows: report.rows,
        hash: report.head.clone(),
        at: zone::at_center(&now).to_rfc3339(),
    };
    let line = format!("{a}\n");
    if let Some(path) = file {
        use std::io::Write;
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .and_then(|mut f| f.write_all(line.as_bytes()))
            .map_err(|e| format!("cannot append to {}: {e}", path.display()))?;
    }
    if let Some(cmd) = command {
        give_to_command(cmd, &line)?;
    }
    Ok(line)
}

/// `sh -c CMD` with the anchor on its standard input; its failure is ours (exit 1).
fn give_to_command(cmd: &str, line: &str) -> Result<(), Failure> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run the anchor command: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(line.as_bytes())
            .map_err(|e| format!("cannot give the anchor to the command: {e}"))?;
    }
    let status = child
        .wait()
        .map_err(|e| format!("the anchor command: {e}"))?;
    if !status.success() {
        return Err(format!(
            "the anchor command failed ({status}): the anchor was not recorded there"
        )
        .into());
    }
    Ok(())
}

fn broken(b: &crate::domain::audit::chain::ChainBreak, rows: u64) -> Failure {
    let why = match b.kind {
        Break::ContentChanged => "its content does not match its hash (the row was edited)",
        Break::LinkBroken => {
            "it does not link to the row before it (a row was deleted or inserted before it)"
        }
    };
    Failure {
        code: EXIT_AUDIT_BROKEN,
        message: format!(
            "audit log BROKEN at row {}: {why}. {rows} rows before it verified.",
            b.audit_id
        ),
    }
}

async fn verify(
    settings: &Settings,
    pool: &sqlx::PgPool,
    files: &[PathBuf],
) -> Result<(), Failure> {
    // Every anchor line of every file, with where it came from; a bad line is a usage error.
    let mut anchors: Vec<(String, Anchor)> = vec![];
    for path in files {
        let text = crate::cli::read_text(path, settings)?;
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let a = anchor::parse(line).map_err(|e| Failure {
                code: EXIT_USAGE,
                message: format!("{}:{}: {e}", path.display(), i + 1),
            })?;
            anchors.push((format!("{}:{}", path.display(), i + 1), a));
        }
    }
    let ids: BTreeSet<i64> = anchors.iter().map(|(_, a)| a.audit_id).collect();
    let (report, at) = store::audit::verify_at(pool, &ids).await?;
    if let Some(b) = &report.first_break {
        return Err(broken(b, report.rows));
    }
    for (place, a) in &anchors {
        if let Err(m) = anchor::check(a, &at.get(&a.audit_id).cloned()) {
            return Err(Failure {
                code: EXIT_AUDIT_BROKEN,
                message: format!(
                    "audit log does NOT extend the anchor at {place} (row {}, {} rows, taken {}): {m}",
                    a.audit_id, a.rows, a.at
                ),
            });
        }
    }
    if anchors.is_empty() {
        outln!(
            "audit log intact: {} rows; head hash {}",
            report.rows,
            report.head
        );
    } else {
        outln!(
            "audit log intact: {} rows; head hash {}; extends all {} anchor(s)",
            report.rows,
            report.head,
            anchors.len()
        );
    }
    Ok(())
}
