//! The command line: one module per headless command, plus the TUI launcher.
//!
//! Exit codes (docs/operations.md): 0 success; 1 error (configuration, database, I/O);
//! 2 bad usage (including a bad input file); 3 `audit verify` found a broken chain; 4 `calendar
//! due` counted through a year whose holidays are not loaded (the date printed is provisional);
//! 5 `reconcile` finished with exceptions remaining; 141 standard output was closed early (a
//! pipeline reader such as `head` stopped): the command ended quietly (`print`).

#[macro_use]
pub mod print;

pub mod accounts;
pub mod audit;
pub mod cases;
pub mod catalogue;
pub mod config_cmd;
pub mod csv_out;
pub mod db;
pub mod demo;
pub mod fees;
pub mod routing;
pub mod serve;
pub mod time;
pub mod trading;
pub mod tui;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::{Flags, Settings};

pub const EXIT_ERROR: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_AUDIT_BROKEN: u8 = 3;
pub const EXIT_PROVISIONAL: u8 = 4;
pub const EXIT_EXCEPTIONS: u8 = 5;

#[derive(Debug, Parser)]
#[command(
    name = "onewindow",
    version,
    about = "onewindow — back office of the Administrative Service Center (行政服务中心)",
    long_about = "Without a command, starts the terminal UI. With no database URL configured, \
                  onewindow uses its embedded default PostgreSQL server under the data directory."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Config file (default: $XDG_CONFIG_HOME/onewindow/config.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A shared PostgreSQL server, e.g. postgres://onewindow@db.example/onewindow.
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Data directory for the embedded server, logs and state.
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Language: zh-CN or en (default: from LANG).
    #[arg(long, global = true, value_name = "LANG")]
    pub lang: Option<String>,
    /// Theme: default, light, high-contrast or mono.
    #[arg(long, global = true, value_name = "NAME")]
    pub theme: Option<String>,
    /// A keymap file merged over the defaults.
    #[arg(long, global = true, value_name = "FILE")]
    pub keymap: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Start the TUI on the embedded server with a seeded demo database.
    Demo(demo::DemoArgs),
    /// Database: migrate, status, seed, stop.
    #[command(subcommand)]
    Db(db::DbCmd),
    /// Configuration.
    #[command(subcommand)]
    Config(config_cmd::ConfigCmd),
    /// The audit trail.
    #[command(subcommand)]
    Audit(audit::AuditCmd),
    /// The working-day calendar: import a year's holidays, show a year, count a due date.
    #[command(subcommand)]
    Calendar(time::calendar::CalendarCmd),
    /// The service catalogue: list, show an item as a file, add or change (put), retire.
    #[command(subcommand)]
    Catalog(catalogue::CatalogCmd),
    /// One supervision run: issue yellow and red cards (once per case and level) and notify.
    Supervise,
    /// Reports: efficiency per department; suspicious sequences.
    #[command(subcommand)]
    Report(time::report::ReportCmd),
    /// Accountability records from red cards: list, open, close (supervisors).
    #[command(subcommand)]
    Accountability(time::accountability::AccountabilityCmd),
    /// Find a case by number, name, ID number or phone (or their tails); masked.
    Lookup(cases::lookup::LookupArgs),
    /// Night-shift reconciliation: import the fiscal export, match, summarise, close the day.
    /// Exit 0 all matched, 5 exceptions remain.
    Reconcile(fees::reconcile::ReconcileArgs),
    /// Business days: reopen a closed day (supervisors).
    #[command(subcommand)]
    Day(fees::reconcile::DayCmd),
    /// Fee assessments and exceptions: cancel, adjust, link, refund, note (cashiers, audited).
    #[command(subcommand)]
    Fee(fees::reconcile::FeeCmd),
    /// Parallel approval: routing templates (administrators), a case's route.
    #[command(subcommand)]
    Route(routing::RouteCmd),
    /// The Public Resource Trading Center: rules, periods, projects and sections, venues.
    #[command(subcommand)]
    Trade(trading::TradeCmd),
    /// Operators: add, passwd, disable, enable, roles, list (administrators; passwd also for
    /// one's own password).
    #[command(subcommand)]
    Operator(accounts::operator::OperatorCmd),
    /// The server's sign-in, password and lookup rules: show, set KEY=VALUE… (administrators).
    #[command(subcommand)]
    Policy(accounts::policy::PolicyCmd),
    /// The TUI over onewindow's own SSH server: operators connect with ssh, holding no database
    /// credential (docs/operations.md).
    Serve(serve::ServeArgs),
}

impl GlobalArgs {
    fn flags(&self) -> Flags {
        Flags {
            config: self.config.clone(),
            database_url: self.database_url.clone(),
            data_dir: self.data_dir.clone(),
            lang: self.lang.clone(),
            theme: self.theme.clone(),
            keymap: self.keymap.clone(),
        }
    }
}

/// An error for the user: printed as one message, then the exit code.
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure {
            code: EXIT_ERROR,
            message: e.to_string(),
        }
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { 0 });
        }
    };
    let settings = match Settings::load(&cli.global.flags()) {
        Ok(s) => s,
        Err(e) => {
            errln!("onewindow: {e}");
            // A bad flag is a usage error; a bad file or environment value a configuration one.
            let code = match e {
                crate::config::ConfigError::Flag { .. } => EXIT_USAGE,
                _ => EXIT_ERROR,
            };
            return ExitCode::from(code);
        }
    };
    let _log = crate::logging::init(&settings.log_dir(), &settings.log_level.value);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            errln!("onewindow: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            None => tui::run(&settings, None).await,
            Some(Cmd::Demo(a)) => demo::run(&settings, a).await,
            Some(Cmd::Db(c)) => db::run(&settings, c).await,
            Some(Cmd::Config(c)) => config_cmd::run(&settings, c),
            Some(Cmd::Audit(c)) => audit::run(&settings, c).await,
            Some(Cmd::Calendar(c)) => time::calendar::run(&settings, c).await,
            Some(Cmd::Catalog(c)) => catalogue::run(&settings, c).await,
            Some(Cmd::Supervise) => time::supervise::run(&settings).await,
            Some(Cmd::Report(c)) => time::report::run(&settings, c).await,
            Some(Cmd::Accountability(c)) => time::accountability::run(&settings, c).await,
            Some(Cmd::Lookup(a)) => cases::lookup::run(&settings, a).await,
            Some(Cmd::Reconcile(a)) => fees::reconcile::run(&settings, a).await,
            Some(Cmd::Day(c)) => fees::reconcile::day(&settings, c).await,
            Some(Cmd::Fee(c)) => fees::reconcile::fee(&settings, c).await,
            Some(Cmd::Route(c)) => routing::run(&settings, c).await,
            Some(Cmd::Trade(c)) => trading::run(&settings, c).await,
            Some(Cmd::Operator(c)) => accounts::operator::run(&settings, c).await,
            Some(Cmd::Policy(c)) => accounts::policy::run(&settings, c).await,
            Some(Cmd::Serve(a)) => serve::run(&settings, a).await,
        }
    });
    // Background tasks (health monitor, pool) must not keep the process alive.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    print::flush_out();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            // The log keeps a summary: the first line (a file's problem count), not the list.
            let mut lines = f.message.lines();
            let more = lines.clone().count().saturating_sub(1);
            match (lines.next(), more) {
                (Some(first), 0) => tracing::error!("{first}"),
                (first, more) => tracing::error!(
                    "{} (and {more} more line(s) on stderr)",
                    first.unwrap_or_default()
                ),
            }
            errln!("onewindow: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

/// Reads an input file through the shared reader (`crate::files`, at most `import.max_file_mb`)
/// and decodes it as UTF-8 (`domain::file_text`): a file too large or not text is bad input,
/// exit 2, the bad byte named by line and column; a file that cannot be read is exit 1.
pub fn read_text(path: &std::path::Path, settings: &Settings) -> Result<String, Failure> {
    let bytes = read_bytes(path, settings)?;
    crate::domain::file_text::utf8(&bytes)
        .map(str::to_string)
        .map_err(|e| Failure {
            code: EXIT_USAGE,
            message: format!("{}: {e}; nothing was read", path.display()),
        })
}

/// The bytes of an input file, at most `import.max_file_mb` (see `read_text`).
pub fn read_bytes(path: &std::path::Path, settings: &Settings) -> Result<Vec<u8>, Failure> {
    crate::files::read(path, settings.max_file_mb.value).map_err(|e| Failure {
        code: if e.is_too_large() {
            EXIT_USAGE
        } else {
            EXIT_ERROR
        },
        message: e.to_string(),
    })
}

/// A file's problems as one message: the count, what was not done, and the first
/// `domain::file_text::MAX_LISTED_PROBLEMS` of them ("… and N more").
pub fn file_problems<P: std::fmt::Display>(
    path: &std::path::Path,
    problems: &[P],
    not_done: &str,
) -> Failure {
    Failure {
        code: EXIT_USAGE,
        message: format!(
            "{} has {} problem(s), {not_done}:\n{}",
            path.display(),
            problems.len(),
            crate::domain::file_text::problem_list(&path.display().to_string(), problems)
        ),
    }
}

/// A store's refusal of an import for what only the database can tell about the file
/// (`StoreError::Invalid` on the field "file"): exit 2, every problem prefixed with the file's
/// name, like the file's own checks; anything else keeps its own code.
pub fn import_refused(name: &str, e: crate::store::StoreError) -> Failure {
    match e {
        crate::store::StoreError::Invalid {
            field: "file",
            reason,
        } => Failure {
            code: EXIT_USAGE,
            message: format!(
                "{name} has problem(s), nothing was imported:\n{}",
                reason
                    .lines()
                    .map(|l| format!("  {name}: {l}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
        },
        e => e.into(),
    }
}

/// Connects to the configured database as the runtime role (starting the embedded server, and
/// setting it up, if that is the target) and checks, read-only, that its schema is this binary's.
pub async fn open_database(
    target: &crate::store::Target,
    max_connections: u32,
) -> Result<sqlx::PgPool, Failure> {
    target.prepare().await?;
    let pool = target.pool(max_connections).await?;
    crate::store::check_schema(&pool).await?;
    Ok(pool)
}

/// Connects as the administrator (the embedded superuser, or the URL's user) and applies pending
/// migrations and the grants: `db migrate`, `db seed`, and the demo database.
pub async fn open_admin_database(
    target: &crate::store::Target,
    max_connections: u32,
) -> Result<sqlx::PgPool, Failure> {
    target.prepare().await?;
    let pool = target.admin_pool(max_connections).await?;
    crate::store::migrate(&pool).await?;
    grant_if_roles(&pool).await?;
    Ok(pool)
}

/// Applies the grants when the roles exist (`onewindow db roles` made them); says so on stderr
/// when they do not, since the runtime role then cannot work on this database.
pub async fn grant_if_roles(pool: &sqlx::PgPool) -> Result<bool, Failure> {
    use crate::store::roles;
    let mut conn = pool
        .acquire()
        .await
        .map_err(crate::store::StoreError::from)?;
    if roles::roles_exist(&mut conn).await? {
        roles::apply_grants(&mut conn).await?;
        Ok(true)
    } else {
        errln!(
            "onewindow: the roles {}, {} and {} do not exist on this server: run `onewindow db \
             roles` once as a superuser (docs/operations.md); no grants were made",
            roles::OWNER,
            roles::APP,
            roles::READ
        );
        Ok(false)
    }
}
