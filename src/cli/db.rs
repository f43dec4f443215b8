//! `onewindow db …`: migrate, status, seed, stop.

use clap::{Args, Subcommand};

use crate::cli::Failure;
use crate::config::{Settings, redact_url};
use crate::store::{self, Place, Target, local_pg::LocalPg};

#[derive(Debug, Subcommand)]
pub enum DbCmd {
    /// Apply pending migrations (they are also applied at every start).
    Migrate,
    /// Show the database in use and its migrations.
    Status,
    /// Fill an empty database with deterministic demo data.
    Seed(SeedArgs),
    /// Stop the embedded default server.
    Stop,
}

#[derive(Debug, Args)]
pub struct SeedArgs {
    /// Number of cases to generate, in every state.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(0..=10_000_000))]
    pub cases: u64,
    /// Random seed: the same seed gives the same data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

pub async fn run(settings: &Settings, cmd: DbCmd) -> Result<(), Failure> {
    match cmd {
        DbCmd::Migrate => {
            let target = Target::from_settings(settings)?;
            target.prepare().await?;
            let pool = target.pool(2).await?;
            // Not open_database(): this command reports what it applied.
            let applied = store::migrate(&pool).await?;
            if applied.is_empty() {
                outln!(
                    "schema is up to date (version {})",
                    store::binary_schema_version()
                );
            } else {
                outln!("applied migrations: {applied:?}");
            }
            Ok(())
        }
        DbCmd::Status => status(settings).await,
        DbCmd::Seed(a) => {
            let target = Target::from_settings(settings)?;
            let pool = crate::cli::open_database(&target, 2).await?;
            let started = std::time::Instant::now();
            let s = store::seed::seed(&pool, a.seed, a.cases).await?;
            outln!(
                "seeded (seed {}): {} departments, {} windows, {} operators, {} items, {} cases in {:.2}s",
                a.seed,
                s.departments,
                s.windows,
                s.operators,
                s.items,
                s.cases,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        DbCmd::Stop => {
            let server = LocalPg::new(&settings.data_dir.value)?;
            let stopped = tokio::task::spawn_blocking(move || server.stop()).await??;
            outln!(
                "{}",
                if stopped {
                    "embedded server stopped"
                } else {
                    "embedded server was not running"
                }
            );
            Ok(())
        }
    }
}

async fn status(settings: &Settings) -> Result<(), Failure> {
    let target = Target::from_settings(settings)?;
    match &target.place {
        Place::Url(url, _) => outln!("database: {} (shared server)", redact_url(url)),
        Place::Embedded { server, database } => {
            let running = {
                let s = server.clone();
                tokio::task::spawn_blocking(move || s.is_running()).await?
            };
            outln!(
                "database: {database} on the embedded server in {} ({})",
                server.dir.display(),
                if running { "running" } else { "stopped" }
            );
            if !running {
                outln!("schema: unknown until the server runs (any onewindow command starts it)");
                return Ok(());
            }
        }
    }
    let pool = target.pool(1).await?;
    let (known, unknown) = store::migration_status(&pool).await?;
    for m in &known {
        outln!(
            "  {:>4}  {:<8} {}",
            m.version,
            if m.applied { "applied" } else { "pending" },
            m.description
        );
    }
    for v in unknown {
        outln!("  {v:>4}  applied  (unknown to this onewindow: the database is newer)");
    }
    Ok(())
}
