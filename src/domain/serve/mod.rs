//! serve: the rules of `onewindow serve`, the SSH server that gives each connection the TUI and
//! nothing else (docs/operations.md, "onewindow serve"). Pure: what an exec line asks for, which
//! client environment variables are taken, how many authentication attempts a source address
//! may make and how long it waits after each failure.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

/// The commands an SSH exec request may run: read-only, as the signed-in operator, each as its
/// headless command prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exec {
    /// `lookup TEXT…`: the headless lookup (masked hits, exit 0).
    Lookup(String),
    /// `route show CASE_NO`: a case's parallel-approval route.
    RouteShow(String),
    /// `calendar due --from DATE --days N`: the due date N working days on (exit 4 provisional).
    CalendarDue { from: NaiveDate, days: u32 },
    /// `report efficiency --from DATE --to DATE`: the efficiency table (supervisors,
    /// administrators: the store checks).
    Efficiency { from: NaiveDate, to: NaiveDate },
}

/// What `ssh … help` would list: the allowed command lines.
pub const ALLOWED_EXEC: &str = "lookup TEXT; route show CASE_NO; calendar due --from YYYY-MM-DD \
     --days N; report efficiency --from YYYY-MM-DD --to YYYY-MM-DD";

use crate::domain::time::calendar::MAX_DUE_DAYS;

/// Why an exec line is refused; the message goes to the client's standard error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecRefused {
    Empty,
    Unknown(String),
    MissingText,
    /// An allowed command with a bad or missing argument: what is wrong, naming it.
    Usage(String),
}

impl std::fmt::Display for ExecRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExecRefused::Empty => write!(f, "no command given"),
            ExecRefused::Unknown(c) => write!(
                f,
                "`{c}` is not a command onewindow runs over SSH (allowed: {ALLOWED_EXEC})"
            ),
            ExecRefused::MissingText => write!(f, "lookup: the text to look up is missing"),
            ExecRefused::Usage(m) => write!(f, "{m}"),
        }
    }
}

/// The longest exec line taken; anything longer is refused before it is read as a command.
pub const MAX_EXEC_LEN: usize = 1024;

/// Reads an exec request's command line (as the client's shell would have split it: words
/// separated by blanks; the lookup text is the rest of the line, inner blanks kept once).
pub fn parse_exec(line: &str) -> Result<Exec, ExecRefused> {
    let line = line.trim();
    if line.is_empty() {
        return Err(ExecRefused::Empty);
    }
    let (cmd, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    match cmd {
        "lookup" => {
            let text = rest.split_whitespace().collect::<Vec<_>>().join(" ");
            if text.is_empty() {
                Err(ExecRefused::MissingText)
            } else {
                Ok(Exec::Lookup(text))
            }
        }
        "route" => match rest.split_whitespace().collect::<Vec<_>>().as_slice() {
            ["show", case_no] => Ok(Exec::RouteShow((*case_no).to_string())),
            _ => Err(ExecRefused::Usage("usage: route show CASE_NO".into())),
        },
        "calendar" => {
            let words: Vec<&str> = rest.split_whitespace().collect();
            if words.first() != Some(&"due") {
                return Err(ExecRefused::Usage(
                    "usage: calendar due --from YYYY-MM-DD --days N".into(),
                ));
            }
            let flags = flags(&words[1..], &["--from", "--days"])?;
            let from = date("--from", flags[0])?;
            let days = flags[1]
                .parse::<u32>()
                .ok()
                .filter(|d| *d <= MAX_DUE_DAYS)
                .ok_or_else(|| {
                    ExecRefused::Usage(format!(
                        "--days: \"{}\" is not a number of days from 0 to {MAX_DUE_DAYS}",
                        printable(flags[1])
                    ))
                })?;
            Ok(Exec::CalendarDue { from, days })
        }
        "report" => {
            let words: Vec<&str> = rest.split_whitespace().collect();
            if words.first() != Some(&"efficiency") {
                return Err(ExecRefused::Usage(
                    "usage: report efficiency --from YYYY-MM-DD --to YYYY-MM-DD".into(),
                ));
            }
            let flags = flags(&words[1..], &["--from", "--to"])?;
            let (from, to) = (date("--from", flags[0])?, date("--to", flags[1])?);
            if to < from {
                return Err(ExecRefused::Usage(format!(
                    "--to {to} is before --from {from}"
                )));
            }
            Ok(Exec::Efficiency { from, to })
        }
        other => Err(ExecRefused::Unknown(printable(other))),
    }
}

fn printable(s: &str) -> String {
    crate::domain::file_text::printable(&s.chars().take(40).collect::<String>()).into_owned()
}

/// The values of the named flags, each given once as `--flag VALUE`, in the order named.
fn flags<'a>(words: &[&'a str], names: &[&str]) -> Result<Vec<&'a str>, ExecRefused> {
    let mut values: Vec<Option<&str>> = vec![None; names.len()];
    let mut i = 0;
    while i < words.len() {
        let Some(k) = names.iter().position(|n| *n == words[i]) else {
            return Err(ExecRefused::Usage(format!(
                "`{}` is not a flag here (flags: {})",
                printable(words[i]),
                names.join(", ")
            )));
        };
        let Some(v) = words.get(i + 1) else {
            return Err(ExecRefused::Usage(format!(
                "{}: the value is missing",
                names[k]
            )));
        };
        if values[k].replace(v).is_some() {
            return Err(ExecRefused::Usage(format!("{} is given twice", names[k])));
        }
        i += 2;
    }
    names
        .iter()
        .zip(values)
        .map(|(n, v)| v.ok_or_else(|| ExecRefused::Usage(format!("{n} is missing"))))
        .collect()
}

fn date(flag: &str, s: &str) -> Result<NaiveDate, ExecRefused> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        ExecRefused::Usage(format!(
            "{flag}: \"{}\" is not a date (YYYY-MM-DD)",
            printable(s)
        ))
    })
}

/// The only variables a client's environment may set for its session.
pub const ALLOWED_ENV: [&str; 3] = ["NO_COLOR", "LANG", "COLORTERM"];

pub fn env_allowed(name: &str) -> bool {
    ALLOWED_ENV.contains(&name)
}

/// What the counter says about one more authentication attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Go on; wait this long first when it fails (a delay growing with the failures).
    Allowed { delay_on_failure: Duration },
    /// Too many attempts from this address this minute: refused without checking.
    Refused,
}

/// Authentication attempts per source address in a sliding minute.
#[derive(Debug)]
pub struct AttemptCounter {
    per_minute: u32,
    seen: HashMap<IpAddr, VecDeque<Instant>>,
}

/// The delay after a failure grows by this much per earlier attempt in the minute…
const DELAY_STEP: Duration = Duration::from_millis(250);
/// …up to this.
const DELAY_MAX: Duration = Duration::from_secs(4);
const WINDOW: Duration = Duration::from_secs(60);

impl AttemptCounter {
    pub fn new(per_minute: u32) -> AttemptCounter {
        AttemptCounter {
            per_minute: per_minute.max(1),
            seen: HashMap::new(),
        }
    }

    /// Counts one attempt from `addr` at `now`.
    pub fn attempt(&mut self, addr: IpAddr, now: Instant) -> Attempt {
        // Forget addresses whose minute has passed, so the map cannot grow without bound.
        if self.seen.len() > 4096 {
            self.seen.retain(|_, q| {
                q.back()
                    .is_some_and(|t| now.saturating_duration_since(*t) < WINDOW)
            });
        }
        let q = self.seen.entry(addr).or_default();
        while q
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= WINDOW)
        {
            q.pop_front();
        }
        if q.len() >= self.per_minute as usize {
            return Attempt::Refused;
        }
        let earlier = q.len() as u32;
        q.push_back(now);
        Attempt::Allowed {
            delay_on_failure: (DELAY_STEP * earlier).min(DELAY_MAX),
        }
    }
}

impl AttemptCounter {
    /// An attempt that succeeded is not held against the address: a center's many operators
    /// behind one address each sign in, and only failures and refusals count.
    pub fn forgive(&mut self, addr: IpAddr) {
        if let Some(q) = self.seen.get_mut(&addr) {
            q.pop_back();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_calendar_and_report_take_their_flags_and_name_what_is_wrong() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            parse_exec("route show 20261126-SCJG-00001"),
            Ok(Exec::RouteShow("20261126-SCJG-00001".into()))
        );
        assert!(matches!(
            parse_exec("route show"),
            Err(ExecRefused::Usage(_))
        ));
        assert_eq!(
            parse_exec("calendar due --days 20 --from 2026-09-30"),
            Ok(Exec::CalendarDue {
                from: d("2026-09-30"),
                days: 20
            })
        );
        let e = parse_exec("calendar due --from 2026-02-30 --days 2").unwrap_err();
        assert!(e.to_string().contains("--from"), "{e}");
        let e = parse_exec("calendar due --from 2026-09-30 --days 9999").unwrap_err();
        assert!(e.to_string().contains("--days"), "{e}");
        let e = parse_exec("calendar due --from 2026-09-30").unwrap_err();
        assert!(e.to_string().contains("--days is missing"), "{e}");
        let e =
            parse_exec("calendar due --from 2026-09-30 --from 2026-10-01 --days 1").unwrap_err();
        assert!(e.to_string().contains("twice"), "{e}");
        assert_eq!(
            parse_exec("report efficiency --from 2026-11-01 --to 2026-11-30"),
            Ok(Exec::Efficiency {
                from: d("2026-11-01"),
                to: d("2026-11-30")
            })
        );
        let e = parse_exec("report efficiency --from 2026-11-30 --to 2026-11-01").unwrap_err();
        assert!(e.to_string().contains("before"), "{e}");
        let e = parse_exec("report efficiency --from 2026-11-01 --to 2026-11-30 --output /etc/x")
            .unwrap_err();
        assert!(e.to_string().contains("`--output` is not a flag"), "{e}");
        assert!(matches!(
            parse_exec("report suspicious"),
            Err(ExecRefused::Usage(_))
        ));
    }

    #[test]
    fn only_lookup_with_text_is_run() {
        assert_eq!(parse_exec("lookup 阳小"), Ok(Exec::Lookup("阳小".into())));
        assert_eq!(
            parse_exec("  lookup   张  三 "),
            Ok(Exec::Lookup("张 三".into()))
        );
        assert_eq!(parse_exec("lookup"), Err(ExecRefused::MissingText));
        assert_eq!(parse_exec("lookup   "), Err(ExecRefused::MissingText));
        assert_eq!(parse_exec(""), Err(ExecRefused::Empty));
        assert_eq!(
            parse_exec("bash -c id"),
            Err(ExecRefused::Unknown("bash".into()))
        );
        assert_eq!(
            parse_exec("rm\u{1b}[2J -rf"),
            Err(ExecRefused::Unknown("rm[2J".into())),
            "control characters never reach the client's terminal"
        );
        assert!(parse_exec("lookupx 1").is_err());
    }

    #[test]
    fn only_three_variables_are_taken_from_the_client() {
        for v in ["NO_COLOR", "LANG", "COLORTERM"] {
            assert!(env_allowed(v));
        }
        for v in [
            "LC_ALL",
            "DATABASE_URL",
            "ONEWINDOW_DATABASE_URL",
            "PATH",
            "LD_PRELOAD",
        ] {
            assert!(!env_allowed(v), "{v}");
        }
    }

    #[test]
    fn attempts_are_limited_per_address_per_minute_with_a_growing_delay() {
        let mut c = AttemptCounter::new(3);
        let a: IpAddr = "127.0.0.1".parse().unwrap();
        let b: IpAddr = "127.0.0.2".parse().unwrap();
        let t0 = Instant::now();
        let delays: Vec<Attempt> = (0..3)
            .map(|i| c.attempt(a, t0 + Duration::from_secs(i)))
            .collect();
        assert_eq!(
            delays,
            vec![
                Attempt::Allowed {
                    delay_on_failure: Duration::ZERO
                },
                Attempt::Allowed {
                    delay_on_failure: DELAY_STEP
                },
                Attempt::Allowed {
                    delay_on_failure: DELAY_STEP * 2
                },
            ]
        );
        assert_eq!(c.attempt(a, t0 + Duration::from_secs(5)), Attempt::Refused);
        assert!(
            matches!(
                c.attempt(b, t0 + Duration::from_secs(5)),
                Attempt::Allowed { .. }
            ),
            "another address has its own count"
        );
        // A minute after the first attempt, one slot is free again.
        assert!(matches!(
            c.attempt(a, t0 + Duration::from_secs(60)),
            Attempt::Allowed { .. }
        ));
        assert_eq!(c.attempt(a, t0 + Duration::from_secs(60)), Attempt::Refused);
    }

    #[test]
    fn successful_attempts_do_not_count() {
        let mut c = AttemptCounter::new(2);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..10 {
            assert!(matches!(c.attempt(a, t0), Attempt::Allowed { .. }));
            c.forgive(a);
        }
        assert!(matches!(c.attempt(a, t0), Attempt::Allowed { .. }));
        assert!(matches!(c.attempt(a, t0), Attempt::Allowed { .. }));
        assert_eq!(c.attempt(a, t0), Attempt::Refused);
    }

    #[test]
    fn the_delay_is_capped() {
        let mut c = AttemptCounter::new(1000);
        let a: IpAddr = "::1".parse().unwrap();
        let t0 = Instant::now();
        let mut last = Attempt::Refused;
        for _ in 0..100 {
            last = c.attempt(a, t0);
        }
        assert_eq!(
            last,
            Attempt::Allowed {
                delay_on_failure: DELAY_MAX
            }
        );
    }
}
