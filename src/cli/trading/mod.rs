//! `onewindow trade …`: the trading center from the command line (docs/trading.md). Exit codes:
//! 0 done, 1 an error (database, permission), 2 bad input (the message names the flag or line),
//! 5 a deposit statement imported with exceptions to look at.

mod deposits;
mod notices;
mod projects;
mod refunds;
mod registrations;
mod rules;
mod venues;

use clap::Subcommand;

use crate::cli::{EXIT_USAGE, Failure};
use crate::config::Settings;
use crate::store::StoreError;

#[derive(Debug, Subcommand)]
pub enum TradeCmd {
    /// The rule set: check or import a rules file (administrators), show the one in force.
    #[command(subcommand)]
    Rules(rules::RulesCmd),
    /// The earliest lawful end of a period: `trade period --line GC --notice tender --from DATE`.
    Period(rules::PeriodArgs),
    /// Entry registration: add a project, add a section to it, list projects.
    #[command(subcommand)]
    Project(projects::ProjectCmd),
    /// Notices and publicity: publish (the period checked), a supervisor's override, the list.
    #[command(subcommand)]
    Notice(notices::NoticeCmd),
    /// Bidders' registrations (报名), sealed until the opening.
    #[command(subcommand)]
    Registration(registrations::RegistrationCmd),
    /// The deposit ledger (代收代退): import the deposit account's statement, list its lines.
    #[command(subcommand)]
    Deposit(deposits::DepositCmd),
    /// Refunds of deposits: record the event, prepare, approve (four eyes), the payment file and
    /// the bank's confirmation.
    #[command(subcommand)]
    Refund(refunds::RefundCmd),
    /// Opening and evaluation rooms: add one (administrators), book one, list bookings.
    #[command(subcommand)]
    Venue(venues::VenueCmd),
}

pub async fn run(settings: &Settings, cmd: TradeCmd) -> Result<(), Failure> {
    match cmd {
        TradeCmd::Rules(c) => rules::run(settings, c).await,
        TradeCmd::Period(a) => rules::period(settings, a).await,
        TradeCmd::Project(c) => projects::run(settings, c).await,
        TradeCmd::Notice(c) => notices::run(settings, c).await,
        TradeCmd::Registration(c) => registrations::run(settings, c).await,
        TradeCmd::Venue(c) => venues::run(settings, c).await,
        TradeCmd::Deposit(c) => deposits::run(settings, c).await,
        TradeCmd::Refund(c) => refunds::run(settings, c).await,
    }
}

/// The database and the signed-in operator, for the commands that need nothing else.
async fn signed_in(settings: &Settings) -> Result<(sqlx::PgPool, i64), Failure> {
    let target = crate::store::Target::from_settings(settings)?;
    let pool = crate::cli::open_database(&target, 2).await?;
    let me = crate::cli::accounts::auth::sign_in(&pool).await?;
    Ok((pool, me.operator_id))
}

/// A refusal of the input (a field the store names) exits 2 with the flag's name; anything
/// else keeps its own code.
fn usage(e: StoreError) -> Failure {
    match e {
        StoreError::Invalid { field, reason } => Failure {
            code: EXIT_USAGE,
            message: format!("--{}: {reason}", field.replace('_', "-")),
        },
        e => e.into(),
    }
}

/// An amount in yuan as typed (`12345.67`) in fen, or the flag's message.
fn yuan(flag: &str, s: &str) -> Result<i64, Failure> {
    crate::domain::fees::receipt_file::parse_amount(s.trim()).ok_or_else(|| Failure {
        code: EXIT_USAGE,
        message: format!("--{flag}: \"{s}\" is not an amount in yuan (e.g. 12345.67)"),
    })
}

/// A time at the center, `YYYY-MM-DD HH:MM`.
fn at(flag: &str, s: &str) -> Result<chrono::DateTime<chrono::Utc>, Failure> {
    use chrono::TimeZone;
    let bad = || Failure {
        code: EXIT_USAGE,
        message: format!("--{flag}: \"{s}\" is not a time at the center (YYYY-MM-DD HH:MM)"),
    };
    let naive =
        chrono::NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M").map_err(|_| bad())?;
    crate::domain::time::zone::CENTER
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&chrono::Utc))
        .ok_or_else(bad)
}

fn date(flag: &str, s: &str) -> Result<chrono::NaiveDate, Failure> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| Failure {
        code: EXIT_USAGE,
        message: format!("--{flag}: \"{s}\" is not a date (YYYY-MM-DD)"),
    })
}
