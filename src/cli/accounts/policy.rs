//! `onewindow policy show | set KEY=VALUE…`: the server's sign-in, password and lookup rules
//! (tables sign_in_policy and lookup_policy), for administrators. `set` is audited
//! (`policy.set`, old and new values); a value outside the bounds the table's CHECK states is
//! refused with them named, and nothing is changed (exit 2).

use clap::Subcommand;

use crate::cli::accounts::{auth, failure};
use crate::cli::{EXIT_USAGE, Failure};
use crate::config::Settings;
use crate::store::Target;
use crate::store::accounts::policy::{self, KEYS};

#[derive(Debug, Subcommand)]
pub enum PolicyCmd {
    /// Every rule, its value and its bounds.
    Show,
    /// Change rules: KEY=VALUE… (keys as `policy show` prints them, or TABLE.COLUMN).
    Set {
        #[arg(value_name = "KEY=VALUE", required = true)]
        changes: Vec<String>,
    },
}

fn parse(changes: &[String]) -> Result<Vec<(&'static str, i32)>, Failure> {
    let bad = |message: String| Failure {
        code: EXIT_USAGE,
        message,
    };
    changes
        .iter()
        .map(|c| {
            let (k, v) = c
                .split_once('=')
                .ok_or_else(|| bad(format!("`{c}`: give KEY=VALUE")))?;
            let key = policy::key_of(k).ok_or_else(|| {
                bad(format!(
                    "`{}`: unknown key; the keys are {}",
                    k.trim(),
                    KEYS.map(|k| k.0).join(", ")
                ))
            })?;
            let value = v
                .trim()
                .parse::<i32>()
                .map_err(|_| bad(format!("{key}: `{}` is not a whole number", v.trim())))?;
            Ok((key, value))
        })
        .collect()
}

pub async fn run(settings: &Settings, cmd: PolicyCmd) -> Result<(), Failure> {
    let changes = match &cmd {
        PolicyCmd::Set { changes } => parse(changes)?,
        PolicyCmd::Show => vec![],
    };
    let target = Target::from_settings(settings)?;
    let pool = crate::cli::open_database(&target, 2).await?;
    let me = auth::sign_in(&pool).await?;
    match cmd {
        PolicyCmd::Show => {
            let rows = policy::show(&pool, me.operator_id).await.map_err(failure)?;
            for s in rows {
                let table = KEYS
                    .iter()
                    .find(|k| k.0 == s.key)
                    .map(|k| format!("{}.{}", k.1, k.2))
                    .unwrap_or_default();
                let bounds = s
                    .bounds
                    .map(|(lo, hi)| format!("{lo} to {hi}"))
                    .unwrap_or_default();
                outln!("{:<22} {:>6}   {:<12} {table}", s.key, s.value, bounds);
            }
        }
        PolicyCmd::Set { .. } => {
            let changed = policy::set(&pool, me.operator_id, &changes)
                .await
                .map_err(failure)?;
            if changed.is_empty() {
                outln!("nothing changed (the values were already so)");
            }
            for (k, old, new) in changed {
                outln!("{k}: {old} -> {new}");
            }
        }
    }
    Ok(())
}
