//! `onewindow db …`: roles, migrate, status, seed, stop.

use clap::{Args, Subcommand};

use crate::cli::Failure;
use crate::config::{Settings, redact_url};
use crate::store::{self, Place, Target, local_pg::LocalPg};

#[derive(Debug, Subcommand)]
pub enum DbCmd {
    /// Once per server, as a superuser: create the owner, runtime and read-only roles, give the
    /// database to the owner, and grant (docs/operations.md). Idempotent.
    Roles,
    /// As the database owner: apply pending migrations, then the grants. (The embedded default
    /// server does this itself at every start; a shared one only here.)
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
        DbCmd::Roles => roles(settings).await,
        DbCmd::Migrate => {
            let target = Target::from_settings(settings)?;
            // The embedded server migrates as it starts; a shared one here.
            let mut applied = target.prepare().await?;
            let pool = target.admin_pool(2).await?;
            // Not open_admin_database(): this command reports what it applied.
            applied.extend(store::migrate(&pool).await?);
            crate::cli::grant_if_roles(&pool).await?;
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
            // As the administrator: a large seed rebuilds indexes, which only the owner may.
            let pool = crate::cli::open_admin_database(&target, 2).await?;
            let started = std::time::Instant::now();
            let s = store::seed::seed(&pool, a.seed, a.cases).await?;
            outln!(
                "seeded (seed {}): {} departments, {} windows, {} operators, {} items, {} cases, {} trading projects in {:.2}s",
                a.seed,
                s.departments,
                s.windows,
                s.operators,
                s.items,
                s.cases,
                s.projects,
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
    let pool = target.admin_pool(1).await?;
    // The session's zone and the database's today: the date every deadline is counted from.
    let (zone, today, now): (String, chrono::NaiveDate, String) = sqlx::query_as(
        "select current_setting('timezone'), current_date, to_char(now(), 'YYYY-MM-DD HH24:MI')",
    )
    .fetch_one(&pool)
    .await
    .map_err(store::StoreError::from)?;
    outln!("clock: {now} {zone}, today {today}");
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

/// `db roles`: the roles on the cluster, the database given to the owner, the grants when the
/// schema is there. Run as a superuser against the center's database.
async fn roles(settings: &Settings) -> Result<(), Failure> {
    use crate::store::roles;
    let target = Target::from_settings(settings)?;
    target.prepare().await?;
    // Two connections: the one held below, and one for reading the migrations.
    let pool = target.admin_pool(2).await?;
    let mut conn = pool.acquire().await.map_err(store::StoreError::from)?;
    let created = roles::ensure_roles(&mut conn).await?;
    for r in [roles::OWNER, roles::APP, roles::READ] {
        outln!(
            "role {r}: {}",
            if created.contains(&r) {
                "created"
            } else {
                "exists"
            }
        );
    }
    let database = roles::give_database_to_owner(&mut conn).await?;
    outln!("database {database}: owned by {}", roles::OWNER);
    if store::applied_versions(&pool).await?.is_empty() {
        outln!(
            "schema: not migrated yet; run `onewindow db migrate` as {} next",
            roles::OWNER
        );
    } else {
        roles::apply_grants(&mut conn).await?;
        outln!("grants: applied");
    }
    Ok(())
}
