//! PostgreSQL through sqlx: one module per aggregate. Store functions never draw and never decide
//! how something looks; they return data or a typed error.

pub mod accounts;
pub mod audit;
mod bulk;
pub mod cases;
pub mod catalogue;
pub mod constraints;
pub mod fees;
pub mod local_pg;
pub mod roles;
pub mod routing;
pub mod seed;
pub mod serve;
pub mod time;
pub mod trading;

use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, PgPool};

use crate::config::Settings;
// Dates that matter to the center (case numbers, day close) are dates at the center: every session
// uses its zone whatever the server's default, the same zone every screen shows.
use crate::domain::time::zone;

/// The migrations, embedded in the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// PostgreSQL's own time for a statement (EXPLAIN ANALYZE), in milliseconds: the benchmarks'
/// bare-database baseline. psql's timing of the statement includes both parts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Explained {
    pub planning_ms: f64,
    pub execution_ms: f64,
}

impl Explained {
    pub(crate) fn from_plan(plan: &serde_json::Value) -> Self {
        let ms = |k: &str| plan[0][k].as_f64().unwrap_or(f64::NAN);
        Explained {
            planning_ms: ms("Planning Time"),
            execution_ms: ms("Execution Time"),
        }
    }

    pub fn total_ms(&self) -> f64 {
        self.planning_ms + self.execution_ms
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}", db_message(.0))]
    Db(#[from] sqlx::Error),
    #[error(
        "this database has schema version {db} but this onewindow knows versions up to {binary}: \
         it was migrated by a newer onewindow. Use that version, or upgrade this one."
    )]
    NewerSchema { db: i64, binary: i64 },
    /// A normal start never migrates a shared database: its runtime role may not (issue 15).
    #[error(
        "this database has schema version {db} but this onewindow needs version {binary}: run \
         `onewindow db migrate` as the database owner first (docs/operations.md)"
    )]
    OlderSchema { db: i64, binary: i64 },
    #[error(
        "the role {0} may not create objects in this database, so it cannot migrate it: run \
         `onewindow db migrate` as the database owner (onewindow_owner; docs/operations.md)"
    )]
    NotOwner(String),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    LocalPg(#[from] local_pg::LocalPgError),
    #[error("invalid database URL: {0}")]
    BadUrl(String),
    #[error("{0}")]
    Conflict(String),
    #[error("not permitted: {0:?}")]
    Forbidden(crate::domain::accounts::permission::Permission),
    /// Someone changed the row since it was read (optimistic locking).
    #[error("the {0} was changed by someone else; reload it")]
    Stale(String),
    /// Input the store refuses, naming the field.
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("{0} not found")]
    NotFound(&'static str),
}

impl StoreError {
    /// True when the error means the server is unreachable (as opposed to a refused statement):
    /// the UI then shows the reconnecting banner instead of an error message.
    pub fn is_connection(&self) -> bool {
        match self {
            StoreError::Db(e) => is_connection_error(e),
            _ => false,
        }
    }
}

/// What a database error says to the person who waited for it. A lock not granted within
/// lock_timeout, or a statement cancelled by statement_timeout, is a busy database, not a failure
/// of the input: said as such, with the advice to try again (nothing was saved: the transaction
/// rolled back). Everything else keeps PostgreSQL's own text.
fn db_message(e: &sqlx::Error) -> String {
    if let sqlx::Error::Database(d) = e {
        match d.code().as_deref() {
            Some("55P03") => {
                return "the database is busy: another action holds what this one needs and it \
                        was not released in time (lock_timeout); nothing was saved, try again"
                    .into();
            }
            Some("57014") => {
                return "the database took too long to answer (statement_timeout); nothing was \
                        saved, try again"
                    .into();
            }
            _ => {}
        }
    }
    format!("database: {e}")
}

/// A lock or statement timeout: the action may simply be tried again.
pub fn is_busy_error(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if matches!(d.code().as_deref(), Some("55P03" | "57014")))
}

pub fn is_connection_error(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(d) => {
            // admin_shutdown, crash_shutdown, cannot_connect_now: the server is going away.
            matches!(d.code().as_deref(), Some("57P01" | "57P02" | "57P03"))
        }
        _ => false,
    }
}

/// Where the database is: a shared server by URL, or the embedded default.
#[derive(Debug, Clone)]
pub enum Place {
    /// A shared server; the second field replaces the URL's database name (the demo database).
    Url(String, Option<String>),
    Embedded {
        server: local_pg::LocalPg,
        database: String,
    },
}

/// PostgreSQL's lock_timeout and statement_timeout for every connection onewindow opens, in
/// milliseconds (settings `database.lock_timeout_ms`, `database.statement_timeout_ms`): a lock
/// held elsewhere (a stuck session, a hand-taken lock) ends in a clear "busy" message instead of
/// freezing every sign-in and every audited action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub lock_ms: u32,
    pub statement_ms: u32,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            lock_ms: crate::config::DEFAULT_LOCK_TIMEOUT_MS,
            statement_ms: crate::config::DEFAULT_STATEMENT_TIMEOUT_MS,
        }
    }
}

/// The database to connect to, and how every session on it is set up.
#[derive(Debug, Clone)]
pub struct Target {
    pub place: Place,
    pub timeouts: Timeouts,
}

impl Target {
    pub fn from_settings(s: &Settings) -> Result<Target, StoreError> {
        let place = match &s.database_url.value {
            Some(url) => Place::Url(url.clone(), None),
            None => Place::Embedded {
                server: local_pg::LocalPg::new(&s.data_dir.value)?,
                database: s.database_name.value.clone(),
            },
        };
        Ok(Target {
            place,
            timeouts: Timeouts {
                lock_ms: s.lock_timeout_ms.value,
                statement_ms: s.statement_timeout_ms.value,
            },
        })
    }

    /// Same server, another database (the demo database lives beside the main one).
    pub fn with_database(&self, name: &str) -> Result<Target, StoreError> {
        let place = match &self.place {
            Place::Url(url, _) => Place::Url(url.clone(), Some(name.to_string())),
            Place::Embedded { server, .. } => Place::Embedded {
                server: server.clone(),
                database: name.to_string(),
            },
        };
        Ok(Target {
            place,
            timeouts: self.timeouts,
        })
    }

    /// A runtime session (the TUI, the headless commands, the SSH server): the center's time
    /// zone, the timeouts and the fixed search_path, set at connection start (the startup
    /// packet's options), so no statement runs before they hold. On the embedded server it is the
    /// runtime role `onewindow_app`; on a shared server, the URL's user (which should be that role).
    pub fn connect_options(&self) -> Result<PgConnectOptions, StoreError> {
        let opts = self.session_options(true)?;
        Ok(match &self.place {
            Place::Embedded { .. } => opts.username(roles::APP),
            Place::Url(..) => opts,
        })
    }

    /// An administrator's session (migrations, grants, seeding): the embedded server's superuser,
    /// or the URL's user; no fixed search_path, so the migrations create their objects in public.
    pub fn admin_connect_options(&self) -> Result<PgConnectOptions, StoreError> {
        self.session_options(false)
    }

    fn session_options(&self, runtime: bool) -> Result<PgConnectOptions, StoreError> {
        let lock = self.timeouts.lock_ms.to_string();
        let statement = self.timeouts.statement_ms.to_string();
        let mut session = vec![
            ("timezone", zone::name()),
            ("lock_timeout", lock.as_str()),
            ("statement_timeout", statement.as_str()),
        ];
        if runtime {
            session.push(("search_path", roles::RUNTIME_SEARCH_PATH));
        }
        match &self.place {
            Place::Url(url, database) => {
                let opts = url
                    .parse::<PgConnectOptions>()
                    .map_err(|e| StoreError::BadUrl(e.to_string()))?
                    .application_name("onewindow")
                    .options(session);
                Ok(match database {
                    Some(d) => opts.database(d),
                    None => opts,
                })
            }
            Place::Embedded { server, database } => {
                Ok(server.connect_options(database).options(session))
            }
        }
    }

    /// Starts the embedded server when that is the target, creates its database if missing, and
    /// sets it up as the administrator a shared server has: the roles, the migrations, the grants.
    /// A shared server is expected to have its database migrated already (see
    /// docs/operations.md); only the demo database is created there, beside the configured one.
    /// Returns the migrations it applied (the embedded server's).
    pub async fn prepare(&self) -> Result<Vec<i64>, StoreError> {
        let mut applied = vec![];
        if let Place::Url(_, Some(database)) = &self.place {
            let admin = self.admin_connect_options()?.database("postgres");
            create_database_if_missing(admin, database).await?;
        }
        if let Place::Embedded { server, database } = &self.place {
            let server2 = server.clone();
            tokio::task::spawn_blocking(move || server2.ensure_running())
                .await
                .map_err(|e| StoreError::Conflict(e.to_string()))??;
            create_database_if_missing(server.connect_options("postgres"), database).await?;
            let pool = self.admin_pool(1).await?;
            let mut conn = pool.acquire().await?;
            let created = roles::ensure_roles(&mut conn).await?;
            drop(conn);
            applied = migrate(&pool).await?;
            if !created.is_empty() || !applied.is_empty() {
                let mut conn = pool.acquire().await?;
                roles::apply_grants(&mut conn).await?;
            }
            pool.close().await;
        }
        Ok(applied)
    }

    /// The runtime pool (see `connect_options`).
    pub async fn pool(&self, max_connections: u32) -> Result<PgPool, StoreError> {
        pool_with(self.connect_options()?, max_connections).await
    }

    /// The administrator's pool (see `admin_connect_options`).
    pub async fn admin_pool(&self, max_connections: u32) -> Result<PgPool, StoreError> {
        pool_with(self.admin_connect_options()?, max_connections).await
    }
}

async fn pool_with(opts: PgConnectOptions, max_connections: u32) -> Result<PgPool, StoreError> {
    Ok(PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        // sqlx sends `TimeZone=UTC` in the startup packet, and the server applies it after the
        // `-c timezone=…` of the options string: every session ran in UTC, so `current_date`
        // was yesterday at the center from 00:00 to 08:00 (a refund event of today was "after
        // today"). Set again once connected, before the connection is used.
        .after_connect(|conn, _| {
            Box::pin(async move {
                sqlx::query("select set_config('timezone', $1, false)")
                    .bind(zone::name())
                    .execute(conn)
                    .await?;
                Ok(())
            })
        })
        .connect_with(opts)
        .await?)
}

pub async fn create_database_if_missing(
    admin: PgConnectOptions,
    name: &str,
) -> Result<bool, StoreError> {
    let mut conn = admin.connect().await?;
    let exists: bool =
        sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
            .bind(name)
            .fetch_one(&mut conn)
            .await?;
    if !exists {
        // Identifiers cannot be bound as parameters; the name is checked to be [a-z0-9_] by config,
        // and quoted here as well.
        let sql = format!("create database \"{}\"", name.replace('"', "\"\""));
        match sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut conn)
            .await
        {
            Ok(_) => {}
            // Another onewindow starting at the same moment created it first: fine.
            Err(sqlx::Error::Database(d)) if d.code().as_deref() == Some("42P04") => {
                return Ok(false);
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(!exists)
}

pub async fn drop_database(admin: PgConnectOptions, name: &str) -> Result<(), StoreError> {
    let mut conn = admin.connect().await?;
    let sql = format!(
        "drop database if exists \"{}\" with (force)",
        name.replace('"', "\"\"")
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(&mut conn)
        .await?;
    Ok(())
}

/// Newest migration version this binary knows.
pub fn binary_schema_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Refuses a database migrated by a newer binary, then applies pending migrations.
pub async fn migrate(pool: &PgPool) -> Result<Vec<i64>, StoreError> {
    // Said plainly, instead of PostgreSQL's "permission denied for schema pg_catalog" from the
    // middle of the migrator, when the runtime role (or any other) is asked to migrate.
    let (user, may_create): (String, bool) = sqlx::query_as(
        "select current_user::text, has_schema_privilege(current_user, 'public', 'create')",
    )
    .fetch_one(pool)
    .await?;
    if !may_create {
        return Err(StoreError::NotOwner(user));
    }
    let before = applied_versions(pool).await?;
    if let Some(&newest) = before.iter().max() {
        let binary = binary_schema_version();
        if newest > binary {
            return Err(StoreError::NewerSchema { db: newest, binary });
        }
    }
    MIGRATOR.run(pool).await?;
    let after = applied_versions(pool).await?;
    let new: Vec<i64> = after.into_iter().filter(|v| !before.contains(v)).collect();
    // Time limits arrived with migration 8: cases accepted before it get their due dates now,
    // counted on the calendar it shipped.
    if new.contains(&8) && !before.is_empty() {
        let mut conn = pool.acquire().await?;
        time::calendar::refresh_due_dates(&mut conn, None).await?;
    }
    Ok(new)
}

/// A normal start's check, read-only (the runtime role may not migrate): the database's schema
/// is the one this binary was built for, neither older nor newer.
pub async fn check_schema(pool: &PgPool) -> Result<(), StoreError> {
    let applied = applied_versions(pool).await?;
    let binary = binary_schema_version();
    let newest = applied.iter().copied().max().unwrap_or(0);
    if newest > binary {
        return Err(StoreError::NewerSchema { db: newest, binary });
    }
    if MIGRATOR.iter().any(|m| !applied.contains(&m.version)) {
        return Err(StoreError::OlderSchema { db: newest, binary });
    }
    Ok(())
}

/// Versions recorded in sqlx's bookkeeping table; empty when the database is new.
pub async fn applied_versions(pool: &PgPool) -> Result<Vec<i64>, StoreError> {
    let table_exists: bool =
        sqlx::query_scalar("select to_regclass('_sqlx_migrations') is not null")
            .fetch_one(pool)
            .await?;
    if !table_exists {
        return Ok(vec![]);
    }
    let versions =
        sqlx::query_scalar("select version from _sqlx_migrations where success order by version")
            .fetch_all(pool)
            .await?;
    Ok(versions)
}

/// One line per known migration for `onewindow db status`.
#[derive(Debug, Clone)]
pub struct MigrationStatus {
    pub version: i64,
    pub description: String,
    pub applied: bool,
}

pub async fn migration_status(
    pool: &PgPool,
) -> Result<(Vec<MigrationStatus>, Vec<i64>), StoreError> {
    let applied = applied_versions(pool).await?;
    let known: Vec<MigrationStatus> = MIGRATOR
        .iter()
        .map(|m| MigrationStatus {
            version: m.version,
            description: m.description.to_string(),
            applied: applied.contains(&m.version),
        })
        .collect();
    let unknown = applied
        .into_iter()
        .filter(|v| !known.iter().any(|k| k.version == *v))
        .collect();
    Ok((known, unknown))
}

/// Announces a committed change on the `onewindow` channel: `{"entity":…,"action":…,"id":…}`.
/// pg_notify is transactional: listeners hear it only if the transaction commits.
pub async fn notify(
    conn: &mut sqlx::PgConnection,
    entity: &str,
    action: &str,
    id: Option<&str>,
) -> Result<(), StoreError> {
    let payload = serde_json::json!({ "entity": entity, "action": action, "id": id }).to_string();
    sqlx::query!("select pg_notify('onewindow', $1)", payload)
        .execute(conn)
        .await?;
    Ok(())
}
