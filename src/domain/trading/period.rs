//! The two period units of the trading rules (docs/trading.md "Periods"):
//!
//! - **日** (calendar days), counted as the Civil Code counts a period (民法典 arts. 201–203): the
//!   day the period starts does not count (201); when the last day is a statutory day off
//!   (法定休假日: a public holiday or a weekly rest day), the period ends on the first day after it
//!   that is not (203) — so a make-up working day (调休上班) on a weekend ends a period; the last
//!   day ends at 24:00 (203).
//! - **工作日** (working days): the working-day calendar of the case time limits
//!   (`domain::time::calendar`), the start day not counted.
//!
//! A count that runs into a year whose holiday notice is not loaded is provisional, as a case's
//! due date is: weekends are known, holidays are not.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate};

use crate::domain::time::calendar::{Calendar, Due};

/// The unit of a legal period.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// 日: calendar days with the Civil Code's roll-forward.
    Day,
    /// 工作日: working days.
    WorkingDay,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Day => "day",
            Unit::WorkingDay => "working_day",
        }
    }

    pub fn parse(s: &str) -> Option<Unit> {
        match s {
            "day" => Some(Unit::Day),
            "working_day" => Some(Unit::WorkingDay),
            _ => None,
        }
    }

    /// The unit as the law writes it.
    pub fn zh(self) -> &'static str {
        match self {
            Unit::Day => "日",
            Unit::WorkingDay => "工作日",
        }
    }
}

/// The longest period the rules may state (a year of calendar days is far beyond any rule).
pub const MAX_PERIOD: u32 = 366;

/// The last day of a period of `n` units starting on `start` (the start day not counted).
/// `n = 0` is the start day itself (rolled forward when it is a day off, for the Day unit).
pub fn period_end(cal: &Calendar, start: NaiveDate, n: u32, unit: Unit) -> Due {
    match unit {
        Unit::WorkingDay => cal.add_working_days(start, n),
        Unit::Day => {
            let mut missing = BTreeSet::new();
            // At the end of the representable dates the count stops there (never a panic).
            let mut d = start
                .checked_add_days(Days::new(u64::from(n)))
                .unwrap_or(start);
            // Art. 203: a last day that is a day off moves to the next day that is not. Whether it
            // is a day off is only known for a loaded year.
            loop {
                if !cal.is_loaded(d.year()) {
                    missing.insert(d.year());
                }
                if cal.is_working_day(d) {
                    break;
                }
                match d.succ_opt() {
                    Some(next) => d = next,
                    None => break,
                }
            }
            Due {
                date: d,
                missing_years: missing,
            }
        }
    }
}

/// True when `end` leaves at least `n` units after `start`: the end is on or after the
/// earliest lawful last day.
pub fn is_long_enough(
    cal: &Calendar,
    start: NaiveDate,
    end: NaiveDate,
    n: u32,
    unit: Unit,
) -> bool {
    end >= period_end(cal, start, n, unit).date
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::calendar::Special;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// 2026 as the State Council's notice (国办发明电〔2025〕7号) has it, for the festivals the
    /// tests cross: Spring Festival 2-15..2-23 off, 2-14 and 2-28 worked; National Day and
    /// Mid-Autumn 10-1..10-7 off, 9-20 and 10-10 worked.
    fn cal_2026() -> Calendar {
        let mut special = vec![];
        let mut off = |from: &str, to: &str| {
            let mut x = d(from);
            while x <= d(to) {
                special.push((x, Special::Holiday));
                x = x.succ_opt().unwrap();
            }
        };
        off("2026-02-15", "2026-02-23");
        off("2026-10-01", "2026-10-07");
        for w in ["2026-02-14", "2026-02-28", "2026-09-20", "2026-10-10"] {
            special.push((d(w), Special::Workday));
        }
        Calendar::new([2026], special)
    }

    #[test]
    fn civil_code_201_the_start_day_does_not_count() {
        // 20 日 from Tuesday 2026-03-03: the last day is Monday 03-23.
        let due = period_end(&cal_2026(), d("2026-03-03"), 20, Unit::Day);
        assert_eq!(due.date, d("2026-03-23"));
        assert!(!due.provisional());
    }

    #[test]
    fn civil_code_203_a_last_day_on_a_weekend_moves_to_monday() {
        // 5 日 from Monday 03-02 ends on Saturday 03-07, so on Monday 03-09.
        assert_eq!(
            period_end(&cal_2026(), d("2026-03-02"), 5, Unit::Day).date,
            d("2026-03-09")
        );
    }

    #[test]
    fn civil_code_203_a_last_day_in_national_day_moves_past_the_holiday() {
        // 20 日 from 09-12 ends on 10-02, inside the holiday (10-01..10-07): it ends on 10-08.
        let due = period_end(&cal_2026(), d("2026-09-12"), 20, Unit::Day);
        assert_eq!(due.date, d("2026-10-08"));
    }

    #[test]
    fn civil_code_203_a_make_up_working_day_ends_a_period() {
        // 5 日 from Tuesday 09-15 ends on Sunday 09-20, a make-up working day: it stays there.
        assert_eq!(
            period_end(&cal_2026(), d("2026-09-15"), 5, Unit::Day).date,
            d("2026-09-20")
        );
    }

    #[test]
    fn calendar_days_run_through_a_holiday_that_does_not_end_them() {
        // 20 日 from 02-10 ends on 03-02 (Monday), the Spring Festival in between counts.
        assert_eq!(
            period_end(&cal_2026(), d("2026-02-10"), 20, Unit::Day).date,
            d("2026-03-02")
        );
    }

    #[test]
    fn working_days_skip_the_spring_festival_and_count_make_up_days() {
        // 5 工作日 from Thursday 02-12: 02-13 (Fri), 02-14 (Sat, worked), then 02-24, 02-25,
        // 02-26.
        let due = period_end(&cal_2026(), d("2026-02-12"), 5, Unit::WorkingDay);
        assert_eq!(due.date, d("2026-02-26"));
        // The same five as 日 end on 02-17, inside the holiday: rolled to 02-24.
        assert_eq!(
            period_end(&cal_2026(), d("2026-02-12"), 5, Unit::Day).date,
            d("2026-02-24")
        );
    }

    #[test]
    fn working_days_across_national_day() {
        // 5 工作日 from Wednesday 09-30: 10-08, 10-09, 10-10 (Sat, worked), 10-12, 10-13.
        let due = period_end(&cal_2026(), d("2026-09-30"), 5, Unit::WorkingDay);
        assert_eq!(due.date, d("2026-10-13"));
    }

    #[test]
    fn a_count_into_an_unloaded_year_is_provisional() {
        let due = period_end(&cal_2026(), d("2026-12-20"), 20, Unit::Day);
        assert_eq!(due.date, d("2027-01-11"), "2027-01-09 is a Saturday");
        assert!(due.provisional());
        assert_eq!(
            due.missing_years.into_iter().collect::<Vec<_>>(),
            vec![2027]
        );
        assert!(period_end(&cal_2026(), d("2026-12-20"), 20, Unit::WorkingDay).provisional());
    }

    #[test]
    fn long_enough_is_on_or_after_the_earliest_lawful_day() {
        let cal = cal_2026();
        assert!(is_long_enough(
            &cal,
            d("2026-03-03"),
            d("2026-03-23"),
            20,
            Unit::Day
        ));
        assert!(!is_long_enough(
            &cal,
            d("2026-03-03"),
            d("2026-03-22"),
            20,
            Unit::Day
        ));
    }

    #[test]
    fn the_end_of_the_calendar_is_not_a_panic() {
        let end = period_end(&Calendar::default(), NaiveDate::MAX, MAX_PERIOD, Unit::Day);
        assert_eq!(end.date, NaiveDate::MAX);
    }
}
