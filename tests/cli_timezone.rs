//! Issue 14.5: times are printed at the center's time zone, whatever the host's zone is.

mod common;

use common::{app_url, bin};
use sqlx::PgPool;

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_printed_time_is_the_centers_whatever_the_hosts_zone(pool: PgPool) {
    // 03:56 UTC is 11:56 at the center (the case).
    sqlx::query("update calendar_years set loaded_at = '2026-12-01 03:56:00+00' where year = 2026")
        .execute(&pool)
        .await
        .unwrap();
    let url = app_url(&pool).await;
    let home = tempfile::tempdir().unwrap();
    for tz in ["UTC", "America/New_York", "Pacific/Kiritimati"] {
        let out = bin(home.path())
            .args(["calendar", "show", "--year", "2026"])
            .env("DATABASE_URL", &url)
            .env("TZ", tz)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let head = text.lines().next().unwrap_or_default();
        assert!(
            head.contains("loaded 2026-12-01 11:56"),
            "TZ={tz}: {head}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn every_session_runs_at_the_centers_zone(pool: PgPool) {
    // sqlx's startup packet says TimeZone=UTC; from 00:00 to 08:00 at the center the database's
    // today was yesterday. `db status` prints the session's zone and today.
    let url = common::pool_url(&pool);
    let home = tempfile::tempdir().unwrap();
    let out = bin(home.path())
        .args(["db", "status"])
        .env("DATABASE_URL", &url)
        .env("TZ", "UTC")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let today = chrono::Utc::now()
        .with_timezone(&onewindow::domain::time::zone::CENTER)
        .date_naive();
    let clock = text
        .lines()
        .find(|l| l.starts_with("clock:"))
        .unwrap_or_default();
    assert!(
        clock.contains("Asia/Shanghai") && clock.contains(&format!("today {today}")),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
