//! The holiday notice file that `onewindow calendar import` loads (docs/supervision.md):
//!
//! ```toml
//! year = 2026
//! notice = "国办发明电〔2025〕7号"
//!
//! [[festival]]
//! name = "元旦"
//! from = "2026-01-01"      # first day off
//! to = "2026-01-03"        # last day off (may equal `from`)
//! work = ["2026-01-04"]    # make-up working days (调休上班), weekends only
//! ```
//!
//! The whole file is checked before anything is loaded; every problem names its line.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;
use toml::Spanned;

use super::calendar::Special;

/// A year's notice, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearNotice {
    pub year: i32,
    pub notice: String,
    /// Every special day of the year, in date order, with the festival it belongs to.
    pub days: Vec<(NaiveDate, Special, String)>,
}

/// The seven statutory festivals (《全国年节及纪念日放假办法》), by the word their name holds
/// (a notice may join two: "国庆节、中秋节"). A year's notice that lacks one is incomplete: due
/// dates through it would silently lose the days off.
pub const STATUTORY_FESTIVALS: [(&str, &str); 7] = [
    ("元旦", "元旦"),
    ("春节", "春节"),
    ("清明", "清明节"),
    ("劳动", "劳动节"),
    ("端午", "端午节"),
    ("中秋", "中秋节"),
    ("国庆", "国庆节"),
];

impl YearNotice {
    /// The statutory festivals with no holiday in this notice, in calendar order.
    pub fn missing_festivals(&self) -> Vec<&'static str> {
        STATUTORY_FESTIVALS
            .iter()
            .filter(|(word, _)| {
                !self
                    .days
                    .iter()
                    .any(|(_, kind, name)| *kind == Special::Holiday && name.contains(word))
            })
            .map(|(_, name)| *name)
            .collect()
    }
}

/// One problem in the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct FileError {
    pub line: usize,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    year: Spanned<i64>,
    notice: Spanned<String>,
    #[serde(default)]
    festival: Vec<RawFestival>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFestival {
    name: Spanned<String>,
    from: Spanned<String>,
    to: Option<Spanned<String>>,
    #[serde(default)]
    work: Vec<Spanned<String>>,
}

/// Parses and checks a notice file. Returns every problem found, not only the first.
/// Every check is linear in the file's size (a day listed twice is found in a map, lines by one
/// index), so 40,000 repeated days are answered in well under a second.
pub fn parse(text: &str) -> Result<YearNotice, Vec<FileError>> {
    let lines = crate::domain::file_text::Lines::new(text);
    if let Some((line, column)) = crate::domain::file_text::nul_escape(text) {
        return Err(vec![FileError {
            line,
            message: format!(
                "column {column}: `\\u0000` is a NUL character, which no text in the database can hold"
            ),
        }]);
    }
    let raw: Raw = toml::from_str(text).map_err(|e| {
        vec![FileError {
            line: e.span().map(|s| lines.line(s.start)).unwrap_or(1),
            message: e.message().to_string(),
        }]
    })?;
    let mut errors = Vec::new();
    let mut err = |at: &std::ops::Range<usize>, message: String| {
        errors.push(FileError {
            line: lines.line(at.start),
            message,
        })
    };
    let year = *raw.year.get_ref();
    let year_ok = (2000..=2100).contains(&year);
    if !year_ok {
        err(
            &raw.year.span(),
            format!("year {year} is not between 2000 and 2100"),
        );
    }
    if raw.notice.get_ref().trim().is_empty() {
        err(
            &raw.notice.span(),
            "notice is empty: name the State Council notice".into(),
        );
    }
    // date → (kind, festival, line) — a date may appear once in the whole file.
    let mut days: BTreeMap<NaiveDate, (Special, String)> = BTreeMap::new();
    let mut seen = |date: NaiveDate,
                    kind: Special,
                    name: &str,
                    at: &std::ops::Range<usize>,
                    err: &mut dyn FnMut(&std::ops::Range<usize>, String)| {
        if let Some((_, other)) = days.get(&date) {
            err(at, format!("{date} is already listed under {other}"));
        } else {
            days.insert(date, (kind, name.to_string()));
        }
    };
    for f in &raw.festival {
        let name = f.name.get_ref().trim().to_string();
        if name.is_empty() {
            err(&f.name.span(), "festival name is empty".into());
        }
        let date = |s: &Spanned<String>, err: &mut dyn FnMut(&std::ops::Range<usize>, String)| {
            match NaiveDate::parse_from_str(s.get_ref().trim(), "%Y-%m-%d") {
                Ok(d) if year_ok && i64::from(d.year()) != year => {
                    err(&s.span(), format!("{d} is not in {year}"));
                    None
                }
                Ok(d) => Some(d),
                Err(_) => {
                    err(
                        &s.span(),
                        format!("\"{}\" is not a date (YYYY-MM-DD)", s.get_ref()),
                    );
                    None
                }
            }
        };
        let from = date(&f.from, &mut err);
        let to = match &f.to {
            Some(t) => date(t, &mut err),
            None => from,
        };
        if let (Some(from), Some(to)) = (from, to) {
            if to < from {
                err(
                    &f.to.as_ref().unwrap_or(&f.from).span(),
                    format!("{name}: the last day off {to} is before the first {from}"),
                );
            } else if (to - from).num_days() > 15 {
                err(
                    &f.from.span(),
                    format!("{name}: {from}..{to} is longer than any holiday"),
                );
            } else {
                let mut d = from;
                while d <= to {
                    seen(d, Special::Holiday, &name, &f.from.span(), &mut err);
                    d = d + Days::new(1);
                }
            }
        }
        for w in &f.work {
            if let Some(d) = date(w, &mut err) {
                if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                    err(
                        &w.span(),
                        format!(
                            "{d} is a {}: a make-up working day is a weekend",
                            d.weekday()
                        ),
                    );
                } else {
                    seen(d, Special::Workday, &name, &w.span(), &mut err);
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(YearNotice {
        year: year as i32,
        notice: raw.notice.into_inner().trim().to_string(),
        days: days.into_iter().map(|(d, (k, n))| (d, k, n)).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_notices_parse() {
        for text in [
            include_str!("../../../calendars/2025.toml"),
            include_str!("../../../calendars/2026.toml"),
        ] {
            let n = parse(text).unwrap();
            assert!(n.days.len() > 25, "{}", n.year);
        }
    }

    #[test]
    fn every_problem_names_its_line() {
        let text = "year = 2026\nnotice = \"x\"\n\n[[festival]]\nname = \"国庆\"\nfrom = \"2026-10-07\"\nto = \"2026-10-01\"\nwork = [\"2026-10-09\", \"2025-10-11\"]\n\n[[festival]]\nname = \"中秋\"\nfrom = \"2026-13-01\"\n";
        let errors = parse(text).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![7, 8, 8, 12], "{errors:?}");
        assert!(errors[0].message.contains("before"));
        assert!(errors[1].message.contains("weekend"));
        assert!(errors[2].message.contains("not in 2026"));
        assert!(errors[3].message.contains("not a date"));
    }

    #[test]
    fn a_notice_without_the_statutory_festivals_is_incomplete() {
        for text in [
            include_str!("../../../calendars/2025.toml"),
            include_str!("../../../calendars/2026.toml"),
        ] {
            assert_eq!(parse(text).unwrap().missing_festivals(), Vec::<&str>::new());
        }
        let n = parse("year = 2027\nnotice = \"x\"\n").unwrap();
        assert_eq!(n.missing_festivals().len(), 7);
        let n = parse("year = 2027\nnotice = \"x\"\n[[festival]]\nname = \"国庆节、中秋节\"\nfrom = \"2027-10-01\"\nto = \"2027-10-07\"\n").unwrap();
        assert_eq!(
            n.missing_festivals(),
            ["元旦", "春节", "清明节", "劳动节", "端午节"]
        );
    }

    #[test]
    fn a_day_listed_twice_is_refused() {
        let text = "year = 2026\nnotice = \"x\"\n[[festival]]\nname = \"a\"\nfrom = \"2026-10-01\"\nto = \"2026-10-03\"\n[[festival]]\nname = \"b\"\nfrom = \"2026-10-03\"\n";
        let errors = parse(text).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 9);
        assert!(errors[0].message.contains("already listed under a"));
    }

    #[test]
    fn syntax_errors_and_unknown_keys_name_the_line() {
        let errors = parse("year = 2026\nnotice = \"x\"\nholiday = 3\n").unwrap_err();
        assert_eq!(errors[0].line, 3, "{errors:?}");
        let errors = parse("year = 2026\nnotice = \n").unwrap_err();
        assert_eq!(errors[0].line, 2, "{errors:?}");
        let errors = parse("year = 1999\nnotice = \"x\"\n").unwrap_err();
        assert_eq!(errors[0].line, 1);
    }
}
