//! `trade venue add|book|list`.

use clap::{Args, Subcommand};

use crate::cli::{EXIT_USAGE, Failure};
use crate::config::Settings;
use crate::domain::time::zone::at_center;
use crate::store::Target;
use crate::store::trading::venues::{self, VenueKind};

#[derive(Debug, Subcommand)]
pub enum VenueCmd {
    /// Add a room (administrators; audited).
    Add {
        code: String,
        /// opening (开标室) or evaluation (评标室).
        #[arg(long)]
        kind: String,
        #[arg(long)]
        name_zh: String,
        #[arg(long)]
        name_en: String,
    },
    /// Book a room from --from to --to (center time); an overlap is refused, naming the booking.
    Book(BookArgs),
    /// Bookings on a day (default today).
    List {
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct BookArgs {
    pub venue: String,
    #[arg(long)]
    pub from: String,
    #[arg(long)]
    pub to: String,
    #[arg(long)]
    pub purpose: String,
    /// The section's unified deal code, when the booking is for one.
    #[arg(long)]
    pub section: Option<String>,
}

pub async fn run(settings: &Settings, cmd: VenueCmd) -> Result<(), Failure> {
    match cmd {
        VenueCmd::Add {
            code,
            kind,
            name_zh,
            name_en,
        } => {
            let kind = VenueKind::parse(kind.trim()).ok_or_else(|| Failure {
                code: EXIT_USAGE,
                message: format!("--kind: \"{kind}\" is not opening or evaluation"),
            })?;
            let target = Target::from_settings(settings)?;
            let pool = crate::cli::open_database(&target, 2).await?;
            let me = crate::cli::accounts::auth::sign_in(&pool).await?;
            venues::add(&pool, me.operator_id, &code, kind, &name_zh, &name_en)
                .await
                .map_err(super::usage)?;
            outln!("venue {} added", code.trim().to_uppercase());
            Ok(())
        }
        VenueCmd::Book(a) => {
            let from = super::at("from", &a.from)?;
            let to = super::at("to", &a.to)?;
            let target = Target::from_settings(settings)?;
            let pool = crate::cli::open_database(&target, 2).await?;
            let me = crate::cli::accounts::auth::sign_in(&pool).await?;
            let id = venues::book(
                &pool,
                me.operator_id,
                &a.venue,
                from,
                to,
                &a.purpose,
                a.section.as_deref(),
            )
            .await
            .map_err(super::usage)?;
            outln!(
                "booking {id}: {} {} – {}",
                a.venue.trim().to_uppercase(),
                a.from.trim(),
                a.to.trim()
            );
            Ok(())
        }
        VenueCmd::List { date } => {
            use chrono::TimeZone;
            let target = Target::from_settings(settings)?;
            let pool = crate::cli::open_database(&target, 2).await?;
            let me = crate::cli::accounts::auth::sign_in(&pool).await?;
            let day = match date {
                Some(d) => super::date("date", &d)?,
                None => at_center(&chrono::Utc::now()).date_naive(),
            };
            let start = crate::domain::time::zone::CENTER
                .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
                .single()
                .map(|t| t.with_timezone(&chrono::Utc))
                .unwrap_or_default();
            let rows = venues::bookings(
                &pool,
                me.operator_id,
                start,
                start + chrono::Duration::days(1),
            )
            .await?;
            outln!("venue\tfrom\tto\tsection\tpurpose");
            for b in rows {
                outln!(
                    "{}\t{}\t{}\t{}\t{}",
                    b.venue_code,
                    at_center(&b.starts_at).format("%Y-%m-%d %H:%M"),
                    at_center(&b.ends_at).format("%Y-%m-%d %H:%M"),
                    b.section.unwrap_or_default(),
                    crate::domain::file_text::printable(&b.purpose)
                );
            }
            Ok(())
        }
    }
}
