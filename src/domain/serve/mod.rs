//! serve: the rules of `onewindow serve`, the SSH server that gives each connection the TUI and
//! nothing else (docs/operations.md, "onewindow serve"). Pure: what an exec line asks for, which
//! client environment variables are taken, how many authentication attempts a source address
//! may make and how long it waits after each failure.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// The commands an SSH exec request may run: read-only, as the signed-in operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exec {
    /// `lookup TEXT…`: the headless lookup (masked hits, exit 0).
    Lookup(String),
}

/// Why an exec line is refused; the message goes to the client's standard error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecRefused {
    Empty,
    Unknown(String),
    MissingText,
}

impl std::fmt::Display for ExecRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExecRefused::Empty => write!(f, "no command given"),
            ExecRefused::Unknown(c) => write!(
                f,
                "`{c}` is not a command onewindow runs over SSH (allowed: lookup TEXT)"
            ),
            ExecRefused::MissingText => write!(f, "lookup: the text to look up is missing"),
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
        other => Err(ExecRefused::Unknown(
            crate::domain::file_text::printable(&other.chars().take(40).collect::<String>())
                .into_owned(),
        )),
    }
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
