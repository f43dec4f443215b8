//! **catalogue** — the commands. The service catalogue (事项目录) and its service guides (办事指南), the
//! public disclosure of every item.
//!
//! Rules kept: Items are versioned (a stale change is refused); materials, fees and limits are data
//! an administrator edits as files.
//! Docs: docs/catalogue.md.
//!
//! `onewindow catalog list | show | put | retire`: the service catalogue from the command line.
//! Changes are the administrators' (signed in like `calendar import`), audited.

use std::path::PathBuf;

use clap::Subcommand;

use crate::cli::{EXIT_USAGE, Failure};
use crate::config::Settings;
use crate::domain::catalogue::item_file;
use crate::store::catalogue::{self, ItemFilter, PutOutcome};
use crate::store::{StoreError, Target};

#[derive(Debug, Subcommand)]
pub enum CatalogCmd {
    /// List the items: code, department, category, limits, instant or not.
    List {
        /// Code or name contains this.
        #[arg(long)]
        search: Option<String>,
        /// Include retired items.
        #[arg(long)]
        retired: bool,
    },
    /// Print one item as an item file, ready to edit and `put` back.
    Show { code: String },
    /// Add an item, or change one (the file keeps the `version` that `show` printed).
    Put {
        file: PathBuf,
        /// Check the file only; nothing is saved.
        #[arg(long)]
        check: bool,
    },
    /// Retire an item: it keeps its cases but takes no new ones.
    Retire {
        code: String,
        #[arg(long)]
        reason: String,
    },
}

pub async fn run(settings: &Settings, cmd: CatalogCmd) -> Result<(), Failure> {
    if let CatalogCmd::Put { file, check: true } = &cmd {
        let def = read(file, settings)?;
        outln!(
            "{}: {} {} — valid, not saved (--check)",
            file.display(),
            def.code,
            def.name_zh
        );
        return Ok(());
    }
    let target = Target::from_settings(settings)?;
    let pool = crate::cli::open_database(&target, 2).await?;
    match cmd {
        CatalogCmd::List { search, retired } => {
            let items = catalogue::list(
                &pool,
                &ItemFilter {
                    text: search,
                    include_retired: retired,
                    ..ItemFilter::default()
                },
            )
            .await?;
            outln!("code\tdepartment\tcategory\tstatutory\tpromised\tinstant\tretired\tname");
            for i in &items {
                outln!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    i.code,
                    i.department_code,
                    i.category,
                    i.statutory_days,
                    i.promised_days,
                    if i.is_instant { "yes" } else { "no" },
                    if i.retired { "yes" } else { "no" },
                    i.name_zh
                );
            }
            Ok(())
        }
        CatalogCmd::Show { code } => {
            let mut conn = pool.acquire().await.map_err(StoreError::from)?;
            let Some((_, def, retired)) = catalogue::item_def(&mut conn, &code).await? else {
                return Err(format!("no item {code}").into());
            };
            if retired {
                outln!("# RETIRED: this item takes no new cases.");
            }
            out!("{}", def.to_toml());
            Ok(())
        }
        CatalogCmd::Put { file, .. } => {
            let def = read(&file, settings)?;
            let me = crate::cli::accounts::auth::sign_in(&pool).await?;
            match catalogue::put(&pool, me.operator_id, &def).await {
                Ok(PutOutcome::Added { .. }) => outln!("added {} {}", def.code, def.name_zh),
                Ok(PutOutcome::Changed { fields, .. }) => {
                    outln!("changed {}: {}", def.code, fields.join(", "))
                }
                Ok(PutOutcome::Unchanged) => outln!("{}: nothing changed", def.code),
                Err(StoreError::Invalid { field, reason }) => {
                    return Err(Failure {
                        code: EXIT_USAGE,
                        message: format!("{}: {field}: {reason}; nothing saved", file.display()),
                    });
                }
                Err(e) => return Err(e.into()),
            }
            Ok(())
        }
        CatalogCmd::Retire { code, reason } => {
            let me = crate::cli::accounts::auth::sign_in(&pool).await?;
            catalogue::retire_by_code(&pool, me.operator_id, &code, &reason).await?;
            outln!("retired {code}");
            Ok(())
        }
    }
}

fn read(file: &std::path::Path, settings: &Settings) -> Result<item_file::ItemDef, Failure> {
    let text = crate::cli::read_text(file, settings)?;
    item_file::parse_limited(&text, settings.max_materials.value as usize)
        .map_err(|errors| crate::cli::file_problems(file, &errors, "nothing was saved"))
}
