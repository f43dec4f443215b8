//! Signing in for a headless command: `ONEWINDOW_OPERATOR` and `ONEWINDOW_PASSWORD`, or a prompt
//! on the terminal when they are not set (the password without echo). The same login as the TUI:
//! audited, with lockout.

use std::io::{BufRead, IsTerminal, Write};

use sqlx::PgPool;

use crate::cli::{EXIT_USAGE, Failure};
use crate::store::accounts::operators::{self, LoginOutcome, Operator, Purpose};

pub async fn sign_in(pool: &PgPool) -> Result<Operator, Failure> {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let interactive = std::io::stdin().is_terminal();
    let usage = |what: &str| Failure {
        code: EXIT_USAGE,
        message: format!(
            "{what} not given: set ONEWINDOW_OPERATOR and ONEWINDOW_PASSWORD, or run on a terminal \
             to be asked"
        ),
    };
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
        LoginOutcome::Ok(op) => Ok(op),
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
        LoginOutcome::Inactive => Err("sign-in failed: the account is deactivated".into()),
    }
}
