//! Working days (工作日) under the Administrative Licensing Law: Monday to Friday, minus public
//! holidays, plus the make-up working days (调休) the State Council announces each year.
//!
//! A year is *loaded* when its notice is in the calendar table. Counting through a year that is
//! not loaded falls back to weekends only and says so: the result is provisional.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// A day that differs from the plain Monday–Friday rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Special {
    /// A public holiday (放假), also when it falls on a weekend.
    Holiday,
    /// A make-up working day (调休上班) on a weekend.
    Workday,
}

impl Special {
    pub fn as_str(self) -> &'static str {
        match self {
            Special::Holiday => "holiday",
            Special::Workday => "workday",
        }
    }

    pub fn parse(s: &str) -> Option<Special> {
        match s {
            "holiday" => Some(Special::Holiday),
            "workday" => Some(Special::Workday),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    loaded: BTreeSet<i32>,
    special: HashMap<NaiveDate, Special>,
}

/// A due date, and the years it was counted through without their notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub date: NaiveDate,
    /// Years not loaded that the count ran through: non-empty means provisional.
    pub missing_years: BTreeSet<i32>,
}

impl Due {
    pub fn provisional(&self) -> bool {
        !self.missing_years.is_empty()
    }
}

/// Working days left until a due date, counted from today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Remaining {
    /// Working days after today up to and including the due date; when overdue, minus the working
    /// days since the due date (0 when only a weekend has passed).
    pub days: i64,
    pub overdue: bool,
}

/// The longest count the commands accept (`calendar due --days`): ten years of working days,
/// longer than any statutory limit.
pub const MAX_DUE_DAYS: u32 = 3650;

impl Calendar {
    /// `loaded`: the years whose notice is in the table; `special`: their holidays and make-up days.
    pub fn new(
        loaded: impl IntoIterator<Item = i32>,
        special: impl IntoIterator<Item = (NaiveDate, Special)>,
    ) -> Calendar {
        Calendar {
            loaded: loaded.into_iter().collect(),
            special: special.into_iter().collect(),
        }
    }

    pub fn is_loaded(&self, year: i32) -> bool {
        self.loaded.contains(&year)
    }

    pub fn loaded_years(&self) -> impl Iterator<Item = i32> + '_ {
        self.loaded.iter().copied()
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.special.get(&d) {
            Some(Special::Holiday) => false,
            Some(Special::Workday) => true,
            None => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The `n`th working day after `start` (the start day itself does not count; `n = 0` is the
    /// start day).
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Due {
        let mut missing = BTreeSet::new();
        let mut d = start;
        let mut left = n;
        while left > 0 {
            // At the end of the representable dates the count stops there instead of
            // panicking; the commands refuse counts beyond MAX_DUE_DAYS long before.
            let Some(next) = d.succ_opt() else { break };
            d = next;
            if !self.is_loaded(d.year()) {
                missing.insert(d.year());
            }
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        Due {
            date: d,
            missing_years: missing,
        }
    }

    /// Working days in `(from, to]`; 0 when `to <= from`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            d = d + Days::new(1);
            if self.is_working_day(d) {
                n += 1;
            }
        }
        n
    }

    pub fn remaining(&self, today: NaiveDate, due: NaiveDate) -> Remaining {
        if today <= due {
            Remaining {
                days: self.working_days_between(today, due),
                overdue: false,
            }
        } else {
            Remaining {
                days: -self.working_days_between(due, today),
                overdue: true,
            }
        }
    }
}

/// Warning levels (预警): shown as colour and as a text mark, so NO_COLOR still shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Normal,
    Yellow,
    Red,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Normal => "normal",
            Level::Yellow => "yellow",
            Level::Red => "red",
        }
    }
}

/// When a case turns yellow (configurable; red is always "past due").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// Yellow when at most this many working days remain.
    pub yellow_days_left: u32,
    /// Yellow when at least this share of the limit (in percent) is used.
    pub yellow_percent_used: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            yellow_days_left: 2,
            yellow_percent_used: 75,
        }
    }
}

/// The level of a case with a limit of `limit_days` working days and `r` remaining.
pub fn level(limit_days: u32, r: Remaining, t: Thresholds) -> Level {
    if r.overdue {
        return Level::Red;
    }
    let used = i64::from(limit_days) - r.days;
    if r.days <= i64::from(t.yellow_days_left)
        || used * 100 >= i64::from(t.yellow_percent_used) * i64::from(limit_days)
    {
        Level::Yellow
    } else {
        Level::Normal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// The 2026 National Day week: 10-01..10-07 off, 09-20 (Sun) and 10-10 (Sat) worked.
    fn autumn_2026() -> Calendar {
        let mut special: Vec<(NaiveDate, Special)> = (1..=7)
            .map(|day| (d(2026, 10, day), Special::Holiday))
            .collect();
        special.push((d(2026, 9, 20), Special::Workday));
        special.push((d(2026, 10, 10), Special::Workday));
        Calendar::new([2026], special)
    }

    #[test]
    fn the_start_day_does_not_count() {
        let c = Calendar::new([2026], []);
        // Monday 2026-11-23 + 1 = Tuesday.
        assert_eq!(c.add_working_days(d(2026, 11, 23), 1).date, d(2026, 11, 24));
        // Friday + 1 = Monday.
        assert_eq!(c.add_working_days(d(2026, 11, 27), 1).date, d(2026, 11, 30));
        // Saturday + 1 = Monday; + 0 = the start day.
        assert_eq!(c.add_working_days(d(2026, 11, 28), 1).date, d(2026, 11, 30));
        assert_eq!(c.add_working_days(d(2026, 11, 28), 0).date, d(2026, 11, 28));
    }

    #[test]
    fn holidays_are_skipped_and_make_up_days_count() {
        let c = autumn_2026();
        // Wednesday 09-30 + 1: the holiday week, then Thursday 10-08.
        assert_eq!(c.add_working_days(d(2026, 9, 30), 1).date, d(2026, 10, 8));
        // Friday 10-09 + 1 = Saturday 10-10, a make-up working day.
        assert_eq!(c.add_working_days(d(2026, 10, 9), 1).date, d(2026, 10, 10));
        // Saturday 09-19 + 1 = Sunday 09-20.
        assert_eq!(c.add_working_days(d(2026, 9, 19), 1).date, d(2026, 9, 20));
        assert!(!c.add_working_days(d(2026, 9, 30), 20).provisional());
    }

    #[test]
    fn counting_into_an_unloaded_year_is_provisional() {
        let c = autumn_2026();
        let due = c.add_working_days(d(2026, 12, 30), 3);
        // Thu 12-31, then Fri 2027-01-01 and Mon 01-04 by weekends only.
        assert_eq!(due.date, d(2027, 1, 4));
        assert_eq!(due.missing_years, BTreeSet::from([2027]));
    }

    #[test]
    fn remaining_days_and_overdue() {
        let c = autumn_2026();
        let due = d(2026, 10, 9);
        assert_eq!(
            c.remaining(d(2026, 9, 30), due),
            Remaining {
                days: 2,
                overdue: false
            }
        );
        assert_eq!(c.remaining(due, due).days, 0);
        // Saturday 10-10 is worked: one working day late.
        assert_eq!(
            c.remaining(d(2026, 10, 10), due),
            Remaining {
                days: -1,
                overdue: true
            }
        );
        // Past due by a weekend only: overdue with 0 working days.
        let friday = d(2026, 11, 27);
        assert_eq!(
            c.remaining(d(2026, 11, 29), friday),
            Remaining {
                days: 0,
                overdue: true
            }
        );
    }

    #[test]
    fn warning_levels_follow_the_thresholds() {
        let t = Thresholds::default();
        let left = |days| Remaining {
            days,
            overdue: false,
        };
        assert_eq!(level(20, left(10), t), Level::Normal);
        assert_eq!(level(20, left(5), t), Level::Yellow); // 75% used
        assert_eq!(level(20, left(6), t), Level::Normal); // 70% used
        assert_eq!(level(3, left(2), t), Level::Yellow); // two days left
        assert_eq!(level(3, left(3), t), Level::Normal);
        assert_eq!(
            level(
                20,
                Remaining {
                    days: 0,
                    overdue: true
                },
                t
            ),
            Level::Red
        );
        let strict = Thresholds {
            yellow_days_left: 0,
            yellow_percent_used: 100,
        };
        assert_eq!(level(20, left(1), strict), Level::Normal);
        assert_eq!(level(20, left(0), strict), Level::Yellow);
    }
}
