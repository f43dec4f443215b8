//! `onewindow operator key add CODE FILE|-`, `key list [CODE]`, `key revoke ID`: operators'
//! SSH public keys for `onewindow serve` (administrators; signed in like every operator command;
//! audited). Fingerprints are SHA256 as OpenSSH prints them (`ssh-keygen -l`).
//! `KeyCmd` is the `key` subcommand of `onewindow operator` (cli::accounts::operator).

use std::io::Read;
use std::path::PathBuf;

use clap::Subcommand;

use crate::cli::Failure;
use crate::config::Settings;
use crate::store::{Target, serve as store};

#[derive(Debug, Subcommand)]
pub enum KeyCmd {
    /// Register a public key (an OpenSSH .pub line) for the operator CODE; `-` reads it from
    /// standard input.
    Add { code: String, file: PathBuf },
    /// Every key, or CODE's, with its id, fingerprint and state.
    List { code: Option<String> },
    /// Revoke the key ID: it signs no one in from the next connection on.
    Revoke { id: i64 },
}

/// A key file that holds no usable key is bad input: exit 2.
fn bad(message: String) -> Failure {
    Failure {
        code: crate::cli::EXIT_USAGE,
        message,
    }
}

pub async fn run(settings: &Settings, c: KeyCmd) -> Result<(), Failure> {
    // The file is read and checked before anyone is asked to sign in.
    let line = match &c {
        KeyCmd::Add { file, .. } => Some(if file.as_os_str() == "-" {
            let mut s = String::new();
            std::io::stdin()
                .take(64 * 1024)
                .read_to_string(&mut s)
                .map_err(|e| format!("standard input: {e}"))?;
            store::parse_key_line(&s).map_err(|e| bad(format!("standard input: {e}")))?
        } else {
            store::parse_key_line(&crate::cli::read_text(file, settings)?)
                .map_err(|e| bad(format!("{}: {e}", file.display())))?
        }),
        _ => None,
    };
    let target = Target::from_settings(settings)?;
    let pool = crate::cli::open_database(&target, 2).await?;
    let me = crate::cli::accounts::auth::sign_in(&pool).await?;
    match c {
        KeyCmd::Add { code, .. } => {
            let line = line.ok_or("no key")?;
            let k = store::add_key(&pool, me.operator_id, &code, &line).await?;
            outln!(
                "key {} added for {}: 256 {} {} ({})",
                k.key_id,
                k.code,
                k.fingerprint,
                k.comment,
                k.algorithm
            );
        }
        KeyCmd::List { code } => {
            let rows = store::list_keys(&pool, me.operator_id, code.as_deref()).await?;
            outln!("id  operator  fingerprint  algorithm  added  state  comment");
            for k in &rows {
                let state = match k.revoked_at {
                    Some(t) => format!("revoked {}", local(t)),
                    None => "live".into(),
                };
                outln!(
                    "{}  {}  {}  {}  {}  {}  {}",
                    k.key_id,
                    k.code,
                    k.fingerprint,
                    k.algorithm,
                    local(k.added_at),
                    state,
                    k.comment
                );
            }
            if rows.is_empty() {
                errln!("no keys");
            }
        }
        KeyCmd::Revoke { id } => {
            let k = store::revoke_key(&pool, me.operator_id, id).await?;
            outln!("key {} of {} revoked ({})", k.key_id, k.code, k.fingerprint);
        }
    }
    Ok(())
}

fn local(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&crate::domain::time::zone::CENTER)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}
