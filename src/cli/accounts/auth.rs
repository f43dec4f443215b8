//! Signing in for a headless command: `ONEWINDOW_OPERATOR` and `ONEWINDOW_PASSWORD`, or a prompt
//! on the terminal when they are not set (the password without echo). The same login as the TUI:
//! audited, with lockout. New passwords (`operator add`, `operator passwd`) come from
//! `ONEWINDOW_NEW_PASSWORD`, a prompt asked twice on a terminal, or the first line of standard
//! input: never from the command line.

use std::io::{BufRead, IsTerminal, Write};

use sqlx::PgPool;

use crate::cli::{EXIT_USAGE, Failure};
use crate::store::accounts::operators::{self, LoginOutcome, Operator, Purpose};

fn env(k: &str) -> Option<String> {
    std::env::var(k).ok().filter(|v| !v.is_empty())
}

fn usage(what: &str) -> Failure {
    Failure {
        code: EXIT_USAGE,
        message: format!(
            "{what} not given: set ONEWINDOW_OPERATOR and ONEWINDOW_PASSWORD, or run on a terminal \
             to be asked"
        ),
    }
}

/// Signs in; an account that must change its password first is refused, with the command that
/// changes it.
pub async fn sign_in(pool: &PgPool) -> Result<Operator, Failure> {
    let (op, _, must_change) = sign_in_for_passwd(pool).await?;
    if must_change {
        return Err(format!(
            "sign-in refused: the password of {0} was set by an administrator and must be \
             changed first: onewindow operator passwd {0}",
            op.code
        )
        .into());
    }
    Ok(op)
}

/// Signs in and keeps the password given (the current one, for changing one's own) and whether
/// the account must change it: only `operator passwd` calls this.
pub async fn sign_in_for_passwd(pool: &PgPool) -> Result<(Operator, String, bool), Failure> {
    let interactive = std::io::stdin().is_terminal();
    let code = match env("ONEWINDOW_OPERATOR") {
        Some(c) => c,
        None if interactive => {
            crate::cli::print::write_err(format_args!("operator code: "));
            std::io::stderr().flush()?;
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim().to_string()
        }
        None => return Err(usage("operator")),
    };
    let password = match env("ONEWINDOW_PASSWORD") {
        Some(p) => p,
        None if interactive => rpassword::prompt_password("password: ")?,
        None => return Err(usage("password")),
    };
    match operators::login(pool, &code, &password, Purpose::Login).await? {
        LoginOutcome::Ok(op) => Ok((op, password, false)),
        LoginOutcome::MustChange(op) => Ok((op, password, true)),
        LoginOutcome::BadCredentials => {
            Err("sign-in failed: unknown operator or wrong password".into())
        }
        LoginOutcome::Locked { until } => Err(format!(
            "sign-in failed: the account is locked until {}",
            until
                .with_timezone(&crate::domain::time::zone::CENTER)
                .format("%Y-%m-%d %H:%M")
        )
        .into()),
        LoginOutcome::Inactive => {
            Err("sign-in failed: the account is disabled; ask an administrator".into())
        }
    }
}

/// A new password for `code`: `ONEWINDOW_NEW_PASSWORD`, or asked twice on a terminal, or the first
/// line of standard input (its line ending removed). Missing or mismatched is exit 2.
pub fn new_password(code: &str) -> Result<String, Failure> {
    let bad = |message: String| Failure {
        code: EXIT_USAGE,
        message,
    };
    if let Some(p) = env("ONEWINDOW_NEW_PASSWORD") {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("new password for {code}: "))?;
        let again = rpassword::prompt_password("repeat the new password: ")?;
        if first != again {
            return Err(bad(
                "new password: the two entries differ; nothing was changed".into(),
            ));
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let line = line.trim_end_matches(['\n', '\r']).to_string();
    if line.is_empty() {
        return Err(bad(
            "new password not given: set ONEWINDOW_NEW_PASSWORD, give it as the first line of \
             standard input, or run on a terminal to be asked"
                .into(),
        ));
    }
    Ok(line)
}
