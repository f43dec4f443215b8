//! The center's time zone. Every time shown on a screen or printed by a command is a time at the
//! center, whatever zone the terminal's host (or an operator's laptop over SSH) is set to; every
//! database session uses the same zone, so a date computed in SQL and a date shown agree.
//!
//! A constant, not a setting: a county center is in China, and China has kept one offset with no
//! summer time since 1991. The IANA name (not a fixed +08:00) keeps history right for old dates.

use chrono::{DateTime, TimeZone};

pub use chrono_tz::Tz;

/// The zone of the center (行政服务中心所在地).
pub const CENTER: Tz = chrono_tz::Asia::Shanghai;

/// A time as it reads at the center.
pub type CenterTime = DateTime<Tz>;

/// The IANA name, as given to PostgreSQL's `timezone` session setting.
pub fn name() -> &'static str {
    CENTER.name()
}

/// Any instant, as it reads at the center.
pub fn at_center<Z: TimeZone>(t: &DateTime<Z>) -> CenterTime {
    t.with_timezone(&CENTER)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn utc_morning_is_center_noon() {
        // The case: 03:56 UTC is 11:56 at the center.
        let t = Utc.with_ymd_and_hms(2026, 12, 1, 3, 56, 0).unwrap();
        assert_eq!(at_center(&t).format("%H:%M").to_string(), "11:56");
    }

    #[test]
    fn the_date_changes_at_center_midnight_not_utc_midnight() {
        let t = Utc.with_ymd_and_hms(2026, 12, 1, 16, 30, 0).unwrap();
        assert_eq!(at_center(&t).date_naive().to_string(), "2026-12-02");
    }

    #[test]
    fn the_session_setting_names_the_same_zone() {
        assert_eq!(name(), "Asia/Shanghai");
    }
}
