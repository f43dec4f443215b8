//! `onewindow calendar import | show | due`: the working-day calendar (docs/supervision.md).

use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};
use clap::Subcommand;

use crate::cli::{EXIT_PROVISIONAL, EXIT_USAGE, Failure};
use crate::config::Settings;
use crate::domain::time::calendar::{MAX_DUE_DAYS, Special};
use crate::domain::time::calendar_file;
use crate::store::{self, Target};

#[derive(Debug, Subcommand)]
pub enum CalendarCmd {
    /// Load (or replace) a year's holiday notice from a TOML file; administrators only.
    /// Recomputes the due dates it affects.
    Import {
        file: PathBuf,
        /// Check the file and print what it holds, without loading it.
        #[arg(long)]
        check: bool,
        /// Load a notice that lacks statutory festivals anyway (with --reason; audited).
        #[arg(long, requires = "reason")]
        incomplete: bool,
        /// Why an incomplete notice is loaded; kept in the audit row.
        #[arg(long, requires = "incomplete", value_name = "TEXT")]
        reason: Option<String>,
    },
    /// List a loaded year's holidays and make-up working days.
    Show {
        /// 2000 to 2100, the years a notice may hold.
        #[arg(long, value_parser = clap::value_parser!(i32).range(2000..=2100))]
        year: i32,
    },
    /// Print the date N working days after a day (the day itself does not count). Exit 4 when
    /// the count runs into a year not loaded: the date printed is then provisional.
    Due {
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: NaiveDate,
        /// 0 to 3650 (ten years; no statutory limit is longer).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=MAX_DUE_DAYS as i64))]
        days: u32,
    },
}

pub async fn run(settings: &Settings, cmd: CalendarCmd) -> Result<(), Failure> {
    match cmd {
        CalendarCmd::Import {
            file,
            check,
            incomplete,
            reason,
        } => {
            let text = crate::cli::read_text(&file, settings)?;
            let notice = calendar_file::parse(&text).map_err(|errors| {
                crate::cli::file_problems(&file, &errors, "nothing was loaded")
            })?;
            let holidays = notice
                .days
                .iter()
                .filter(|d| d.1 == Special::Holiday)
                .count();
            let workdays = notice.days.len() - holidays;
            // Without its festivals a year would count through them as working days, and due
            // dates there would stop being marked provisional.
            let missing = notice.missing_festivals();
            if !missing.is_empty() && !incomplete {
                return Err(Failure {
                    code: EXIT_USAGE,
                    message: format!(
                        "{}: {} lacks the statutory festival(s) {}; nothing was loaded. A year is loaded with all seven ({}), or, knowingly, with --incomplete --reason TEXT (audited)",
                        file.display(),
                        notice.year,
                        missing.join(", "),
                        calendar_file::STATUTORY_FESTIVALS
                            .iter()
                            .map(|f| f.1)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
            }
            let reason = reason.as_deref().map(str::trim).unwrap_or_default();
            if incomplete && reason.is_empty() {
                return Err(Failure {
                    code: EXIT_USAGE,
                    message: "--reason: say why the notice is loaded incomplete".into(),
                });
            }
            if check {
                outln!(
                    "{}: {} ({}): {holidays} holidays, {workdays} make-up working days; not loaded (--check)",
                    file.display(),
                    notice.year,
                    notice.notice
                );
                return Ok(());
            }
            let target = Target::from_settings(settings)?;
            let pool = crate::cli::open_database(&target, 2).await?;
            let me = crate::cli::accounts::auth::sign_in(&pool).await?;
            let report = match store::time::calendar::import(
                &pool,
                me.operator_id,
                &notice,
                incomplete.then_some(reason),
            )
            .await
            {
                Ok(r) => r,
                Err(store::StoreError::Invalid { field, reason }) => {
                    return Err(Failure {
                        code: EXIT_USAGE,
                        message: format!("{}: {field}: {reason}", file.display()),
                    });
                }
                Err(e) => return Err(e.into()),
            };
            if !missing.is_empty() {
                errln!(
                    "warning: {} loaded without {} ({reason}); recorded in the audit trail",
                    notice.year,
                    missing.join(", ")
                );
            }
            outln!(
                "{} {} ({}): {holidays} holidays, {workdays} make-up working days; {} open case due dates recomputed",
                if report.replaced {
                    "replaced"
                } else {
                    "loaded"
                },
                notice.year,
                notice.notice,
                report.recomputed
            );
            Ok(())
        }
        CalendarCmd::Show { year } => {
            let target = Target::from_settings(settings)?;
            let pool = crate::cli::open_database(&target, 2).await?;
            let Some(y) = store::time::calendar::show(&pool, year).await? else {
                return Err(Failure {
                    code: crate::cli::EXIT_ERROR,
                    message: format!(
                        "{year} is not loaded: load its notice with `onewindow calendar import FILE`"
                    ),
                });
            };
            outln!(
                "# {year}: {} — loaded {} by {}",
                y.notice,
                y.loaded_at
                    .with_timezone(&crate::domain::time::zone::CENTER)
                    .format("%Y-%m-%d %H:%M"),
                y.loaded_by.as_deref().unwrap_or("onewindow (shipped)")
            );
            for (d, kind, name) in &y.days {
                outln!(
                    "{d}  {}  {:<7}  {name}",
                    weekday_zh(*d),
                    match kind {
                        Special::Holiday => "holiday",
                        Special::Workday => "workday",
                    }
                );
            }
            Ok(())
        }
        CalendarCmd::Due { from, days } => {
            let target = Target::from_settings(settings)?;
            let pool = crate::cli::open_database(&target, 2).await?;
            let due = store::time::calendar::due(&pool, from, days).await?;
            outln!("{}", due.date.format("%Y-%m-%d"));
            if due.provisional() {
                let years: Vec<String> = due.missing_years.iter().map(|y| y.to_string()).collect();
                return Err(Failure {
                    code: EXIT_PROVISIONAL,
                    message: format!(
                        "provisional: the holidays of {} are not loaded, so only weekends were skipped there",
                        years.join(", ")
                    ),
                });
            }
            Ok(())
        }
    }
}

fn weekday_zh(d: NaiveDate) -> &'static str {
    ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
        [d.weekday().num_days_from_monday() as usize]
}
