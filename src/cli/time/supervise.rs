//! `onewindow supervise`: one supervision run, for cron (docs/supervision.md). Running TUIs do the
//! same in the background; the advisory lock lets exactly one issuer act at a time. With
//! `audit.anchor_file` or `audit.anchor_command` set, each run also anchors the audit chain.

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
    // Each run anchors the audit chain where the center configured (docs/audit.md, "Anchors").
    let file = settings.anchor_file.value.as_deref();
    let command = settings.anchor_command.value.as_deref();
    if file.is_some() || command.is_some() {
        let line = crate::cli::audit::anchor_to(&pool, file, command).await?;
        out!("audit anchored: {line}");
    }
    Ok(())
}
