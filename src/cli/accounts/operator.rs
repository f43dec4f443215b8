//! `onewindow operator add | passwd | disable | enable | roles | list`: operator management for
//! administrators, and changing one's own password. Signed in like every acting command
//! (`ONEWINDOW_OPERATOR` / `ONEWINDOW_PASSWORD` or the terminal); new passwords from
//! `ONEWINDOW_NEW_PASSWORD`, the terminal (asked twice) or standard input's first line.
//! Exit 0 done; 1 refused (permission, changed meanwhile, database); 2 bad input (a field, the
//! password policy, an unknown operator or role).

use clap::Subcommand;

use crate::cli::accounts::{auth, failure};
use crate::cli::{EXIT_USAGE, Failure};
use crate::config::Settings;
use crate::domain::accounts::role::Role;
use crate::store::Target;
use crate::store::accounts::manage::{self, NewOperator};

#[derive(Debug, Subcommand)]
pub enum OperatorCmd {
    /// Operators' SSH public keys for `onewindow serve`: add, list, revoke (administrators).
    #[command(subcommand)]
    Key(crate::cli::serve::keys::KeyCmd),
    /// Add an operator (administrators). The initial password is asked for (or read from
    /// ONEWINDOW_NEW_PASSWORD / standard input); the operator must change it at the first sign-in.
    Add {
        code: String,
        #[arg(long)]
        name: String,
        /// The department's code (e.g. scjgj).
        #[arg(long)]
        department: String,
        /// Roles, comma-separated: window_clerk, chief_rep, reviewer, cashier, supervisor, admin.
        #[arg(long, value_name = "R1,R2")]
        roles: String,
        /// The window's code, for window staff.
        #[arg(long)]
        window: Option<String>,
    },
    /// Set a password. For your own code: the current password is the one you signed in with,
    /// the new one follows the policy. For another operator (administrators): a reset, which they
    /// must change at their next sign-in; it also lifts a lockout.
    Passwd {
        code: String,
        /// Refuse unless the operator's row still has this version (`operator list`).
        #[arg(long, value_name = "N")]
        if_version: Option<i32>,
    },
    /// Disable an account: it can no longer sign in (administrators).
    Disable {
        code: String,
        #[arg(long, value_name = "N")]
        if_version: Option<i32>,
    },
    /// Enable a disabled account again (administrators).
    Enable {
        code: String,
        #[arg(long, value_name = "N")]
        if_version: Option<i32>,
    },
    /// Replace an operator's roles (administrators).
    Roles {
        code: String,
        /// Comma-separated roles.
        #[arg(value_name = "R1,R2")]
        roles: String,
        #[arg(long, value_name = "N")]
        if_version: Option<i32>,
    },
    /// Every operator: code, name, department, window, roles, state, version (administrators).
    List,
}

fn roles(arg: &str) -> Result<Vec<Role>, Failure> {
    let names: Vec<&str> = arg
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if names.is_empty() {
        return Err(Failure {
            code: EXIT_USAGE,
            message: "roles: at least one role".into(),
        });
    }
    names
        .iter()
        .map(|n| n.parse::<Role>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure {
            code: EXIT_USAGE,
            message: format!(
                "roles: {e}; roles are {}",
                Role::ALL.map(|r| r.as_str()).join(", ")
            ),
        })
}

pub async fn run(settings: &Settings, cmd: OperatorCmd) -> Result<(), Failure> {
    let cmd = match cmd {
        OperatorCmd::Key(k) => return crate::cli::serve::keys::run(settings, k).await,
        other => other,
    };
    // Bad input is refused before the database is opened or anyone signs in.
    let parsed_roles = match &cmd {
        OperatorCmd::Add { roles: r, .. } | OperatorCmd::Roles { roles: r, .. } => roles(r)?,
        _ => vec![],
    };
    let target = Target::from_settings(settings)?;
    let pool = crate::cli::open_database(&target, 2).await?;
    if let OperatorCmd::Passwd { code, if_version } = &cmd {
        return passwd(&pool, code, *if_version).await;
    }
    let me = auth::sign_in(&pool).await?;
    match cmd {
        OperatorCmd::Add {
            code,
            name,
            department,
            window,
            ..
        } => {
            let password = auth::new_password(&code)?;
            let n = NewOperator {
                code: code.clone(),
                name,
                department,
                window,
                roles: parsed_roles,
                password,
            };
            let id = manage::add(&pool, me.operator_id, &n)
                .await
                .map_err(failure)?;
            outln!(
                "added operator {} (id {id}); the password must be changed at the first sign-in",
                code.trim().to_lowercase()
            );
        }
        OperatorCmd::Disable { code, if_version } => {
            manage::set_active(&pool, me.operator_id, &code, false, if_version)
                .await
                .map_err(failure)?;
            outln!("{code}: disabled; it can no longer sign in");
        }
        OperatorCmd::Enable { code, if_version } => {
            manage::set_active(&pool, me.operator_id, &code, true, if_version)
                .await
                .map_err(failure)?;
            outln!("{code}: enabled");
        }
        OperatorCmd::Roles {
            code, if_version, ..
        } => {
            manage::set_roles(&pool, me.operator_id, &code, &parsed_roles, if_version)
                .await
                .map_err(failure)?;
            outln!(
                "{code}: roles {}",
                parsed_roles
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            );
        }
        // Dispatched to cli::serve::keys before anything is opened.
        OperatorCmd::Key(_) => {}
        OperatorCmd::List => {
            let rows = manage::list(&pool, me.operator_id).await.map_err(failure)?;
            outln!(
                "{:<16} {:<10} {:<10} {:<9} {:<28} {:<22} version",
                "code",
                "name",
                "department",
                "window",
                "roles",
                "state"
            );
            for r in rows {
                let mut state = vec![if r.active { "active" } else { "disabled" }];
                if r.must_change_password {
                    state.push("must-change");
                }
                if r.locked {
                    state.push("locked");
                }
                outln!(
                    "{:<16} {} {:<10} {:<9} {:<28} {:<22} {}",
                    r.code,
                    pad(&r.name, 10),
                    r.department,
                    r.window.as_deref().unwrap_or("-"),
                    r.roles.join(","),
                    state.join(","),
                    r.version
                );
            }
        }
        OperatorCmd::Passwd { .. } => {}
    }
    Ok(())
}

/// `s` padded to `w` terminal columns (a CJK character takes two).
fn pad(s: &str, w: usize) -> String {
    let used = unicode_width::UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(w.saturating_sub(used)))
}

/// Your own password (the current one is the one you signed in with), or an administrator's
/// reset of another's.
async fn passwd(pool: &sqlx::PgPool, code: &str, if_version: Option<i32>) -> Result<(), Failure> {
    let (me, current, must_change) = auth::sign_in_for_passwd(pool).await?;
    let code = code.trim().to_lowercase();
    if code == me.code {
        let new = auth::new_password(&code)?;
        if let Err(refused) = manage::change_own_password(pool, me.operator_id, &current, &new)
            .await
            .map_err(failure)?
        {
            return Err(Failure {
                code: EXIT_USAGE,
                message: format!("{refused}; nothing was changed"),
            });
        }
        outln!("{code}: password changed");
        return Ok(());
    }
    if must_change {
        return Err(format!(
            "sign-in refused: change your own password first: onewindow operator passwd {}",
            me.code
        )
        .into());
    }
    let new = auth::new_password(&code)?;
    manage::reset_password(pool, me.operator_id, &code, &new, if_version)
        .await
        .map_err(failure)?;
    outln!("{code}: password reset; it must be changed at the next sign-in");
    Ok(())
}
