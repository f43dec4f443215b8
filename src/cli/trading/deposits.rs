//! `trade deposit import|list`: the deposit account's statement into the ledger, and its lines
//! by class (docs/trading.md "Deposits"). Exit codes: 0 imported, every new line matched;
//! 5 imported, with lines to look at (short, over, late…); 2 a bad file or
//! mapping (every problem named by its line, nothing imported); 1 anything else.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use sha2::Digest;

use crate::cli::{EXIT_EXCEPTIONS, EXIT_USAGE, Failure};
use crate::config::Settings;
use crate::domain::fees::receipt_file::{self, DEPOSIT_MAPPING, yuan};
use crate::domain::trading::deposits::Class;
use crate::store::trading::deposits;

#[derive(Debug, Subcommand)]
pub enum DepositCmd {
    /// Import the deposit account's statement (deposit accountants, the director; audited).
    /// Lines already imported are skipped; the new ones are classed and summed by class.
    Import {
        /// The statement: CSV in UTF-8 or GBK.
        file: PathBuf,
        /// The statement's columns, if not the default (mappings/deposit.toml).
        #[arg(long)]
        mapping: Option<PathBuf>,
    },
    /// Statement lines, newest first: every exception, or those of one class.
    List {
        /// matched, short, over, late, payer_mismatch, not_basic_account, cash_refused,
        /// unknown_sub_account.
        #[arg(long)]
        class: Option<String>,
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(i64).range(1..=100_000))]
        limit: i64,
    },
}

fn usage(message: String) -> Failure {
    Failure {
        code: EXIT_USAGE,
        message,
    }
}

pub async fn run(settings: &Settings, cmd: DepositCmd) -> Result<(), Failure> {
    match cmd {
        DepositCmd::Import { file, mapping } => import(settings, &file, mapping.as_ref()).await,
        DepositCmd::List { class, limit } => {
            let class = class
                .map(|c| {
                    Class::parse(c.trim()).ok_or_else(|| {
                        usage(format!(
                            "--class: \"{c}\" is not one of {}",
                            Class::ALL.map(Class::as_str).join(", ")
                        ))
                    })
                })
                .transpose()?;
            let (pool, me) = super::signed_in(settings).await?;
            let rows = deposits::lines(&pool, me, class, limit).await?;
            outln!("paid_at\tclass\tsub_account\tamount\tpayer\tpayer_account\tmethod\tbank_ref");
            for r in rows {
                outln!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    crate::domain::time::zone::at_center(&r.paid_at).format("%Y-%m-%d %H:%M:%S"),
                    r.class,
                    crate::domain::file_text::printable(&r.sub_account),
                    yuan(r.amount_fen),
                    crate::domain::file_text::printable(&r.payer_name),
                    crate::domain::file_text::printable(&r.payer_account),
                    crate::domain::file_text::printable(&r.method),
                    crate::domain::file_text::printable(&r.bank_ref)
                );
            }
            Ok(())
        }
    }
}

async fn import(
    settings: &Settings,
    file: &Path,
    mapping: Option<&PathBuf>,
) -> Result<(), Failure> {
    let mapping_text = match mapping {
        Some(p) => crate::cli::read_text(p, settings).map_err(|f| usage(f.message))?,
        None => DEPOSIT_MAPPING.to_string(),
    };
    let mapping =
        receipt_file::parse_mapping(&mapping_text).map_err(|e| usage(format!("mapping: {e}")))?;
    // The whole file is checked before the database is touched.
    let bytes = crate::cli::read_bytes(file, settings).map_err(|f| usage(f.message))?;
    let sha = hex::encode(sha2::Sha256::digest(&bytes));
    let text = crate::domain::file_text::utf8_or_gbk(&bytes)
        .map_err(|e| usage(format!("{}: {e}; nothing was imported", file.display())))?;
    let rules = settings.receipt_rules();
    let lines = receipt_file::parse_with(text.as_bytes(), &mapping, &rules)
        .map_err(|errors| crate::cli::file_problems(file, &errors, "nothing was imported"))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (pool, me) = super::signed_in(settings).await?;
    let r = deposits::import(&pool, me, &mapping.source, &sha, &lines, &rules)
        .await
        .map_err(|e| crate::cli::import_refused(&name, e))?;
    outln!(
        "imported {name}: {} lines, {} new, {} already imported",
        r.lines,
        r.new_lines,
        r.lines - r.new_lines
    );
    outln!("class\tlines\tamount");
    for (class, n, sum) in &r.by_class {
        outln!("{}\t{n}\t{}", class.as_str(), yuan(*sum));
    }
    let exceptions = r.exceptions();
    if exceptions > 0 {
        return Err(Failure {
            code: EXIT_EXCEPTIONS,
            message: format!(
                "{exceptions} new line(s) need a look: `onewindow trade deposit list` shows them"
            ),
        });
    }
    Ok(())
}
