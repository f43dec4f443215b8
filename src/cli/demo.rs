//! `onewindow demo`: the embedded default server, a separate demo database seeded on first use,
//! and the TUI.

use clap::Args;

use crate::cli::Failure;
use crate::config::Settings;
use crate::i18n::tr;
use crate::store::{self, Target, seed};

/// The demo database, beside (never instead of) the configured one.
pub const DEMO_DATABASE: &str = "onewindow_demo";

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Cases to generate when the demo database is first seeded.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(0..=10_000_000))]
    pub cases: u64,
    /// Random seed for the demo data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Drop the demo database and seed it again.
    #[arg(long)]
    pub reset: bool,
}

pub async fn run(settings: &Settings, a: DemoArgs) -> Result<(), Failure> {
    let target = Target::from_settings(settings)?.with_database(DEMO_DATABASE)?;
    errln!("onewindow: preparing the demo database…");
    target.prepare().await?;
    if a.reset {
        let admin = target.admin_connect_options()?.database("postgres");
        store::drop_database(admin.clone(), DEMO_DATABASE).await?;
        store::create_database_if_missing(admin, DEMO_DATABASE).await?;
    }
    // Seeding as the administrator; the TUI below runs as the runtime role.
    let pool = crate::cli::open_admin_database(&target, 2).await?;
    if !seed::is_seeded(&pool).await? {
        let s = seed::seed(&pool, a.seed, a.cases).await?;
        errln!(
            "onewindow: demo data seeded: {} departments, {} windows, {} operators, {} items, {} cases, {} trading projects",
            s.departments,
            s.windows,
            s.operators,
            s.items,
            s.cases,
            s.projects
        );
    }
    pool.close().await;
    let lang = settings.lang.value;
    outln!("onewindow demo — {}", tr(lang, "app.center"));
    outln!(
        "Demo accounts / 演示账号 (password / 密码: {}):",
        seed::DEMO_PASSWORD
    );
    for (code, name, _, role) in seed::DEMO_ACCOUNTS {
        outln!(
            "  {code:<12} {name}  {}",
            tr(lang, &format!("role.{}", role.as_str()))
        );
    }
    crate::cli::tui::run(settings, Some(target)).await
}
