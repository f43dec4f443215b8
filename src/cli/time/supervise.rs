//! `onewindow supervise`: one supervision run, for cron (docs/supervision.md). Running TUIs do the
//! same in the background; the advisory lock lets exactly one issuer act at a time.

use crate::cli::Failure;
use crate::config::Settings;
use crate::store::{Target, time::supervision};

pub async fn run(settings: &Settings) -> Result<(), Failure> {
    let target = Target::from_settings(settings)?;
    let pool = crate::cli::open_database(&target, 2).await?;
    let r = supervision::run(&pool, settings.thresholds()).await?;
    if r.ran {
        outln!(
            "issued {} yellow and {} red cards; {} notifications; {} silent branches deemed consent",
            r.yellow,
            r.red,
            r.notifications,
            r.deemed_consents
        );
    } else {
        outln!("another supervision run holds the lock; nothing done");
    }
    Ok(())
}
