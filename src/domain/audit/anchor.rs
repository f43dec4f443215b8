//! Anchors of the audit chain (issue 15.3). The chain proves that no row was edited, deleted or
//! inserted *in the middle*; it cannot prove that the database owner did not rewrite the whole
//! log (re-chained from the first row) or cut its tail. An anchor is the chain's head at one
//! moment — last row id, its hash, the row count, the time — written where the database owner
//! cannot reach it (a file on another machine, syslog, a command that mails or prints it). A log
//! that still extends every recorded head has not been rewritten before it.
//!
//! The text form is one line per anchor, so anchors append to one file and survive `grep`:
//! `onewindow-audit-anchor v1 id=<audit_id> rows=<count> hash=<64 hex> at=<RFC 3339>`.

use std::collections::BTreeMap;
use std::fmt;

const TAG: &str = "onewindow-audit-anchor";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The last row's audit_id when the anchor was taken.
    pub audit_id: i64,
    /// How many rows the chain had then.
    pub rows: u64,
    /// That row's hash, lower-case hex.
    pub hash: String,
    /// When (database time, RFC 3339), for people reading the file.
    pub at: String,
}

impl fmt::Display for Anchor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{TAG} v1 id={} rows={} hash={} at={}",
            self.audit_id, self.rows, self.hash, self.at
        )
    }
}

/// Reads one anchor line; the error says what is wrong with it.
pub fn parse(line: &str) -> Result<Anchor, String> {
    let mut words = line.split_whitespace();
    if words.next() != Some(TAG) {
        return Err(format!("not an anchor (it must begin with `{TAG}`)"));
    }
    if words.next() != Some("v1") {
        return Err("unknown anchor version (expected v1)".into());
    }
    let mut fields: BTreeMap<&str, &str> = BTreeMap::new();
    for w in words {
        let (k, v) = w
            .split_once('=')
            .ok_or_else(|| format!("`{w}` is not key=value"))?;
        if fields.insert(k, v).is_some() {
            return Err(format!("`{k}` given twice"));
        }
    }
    let get = |k: &str| fields.get(k).copied().ok_or(format!("`{k}` is missing"));
    let audit_id = get("id")?
        .parse::<i64>()
        .map_err(|_| "id is not a row id".to_string())?;
    let rows = get("rows")?
        .parse::<u64>()
        .map_err(|_| "rows is not a count".to_string())?;
    let hash = get("hash")?.to_ascii_lowercase();
    if hash.len() != 64 || !hash.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err("hash is not 64 hexadecimal digits".into());
    }
    let at = get("at")?.to_string();
    Ok(Anchor {
        audit_id,
        rows,
        hash,
        at,
    })
}

/// What the log says at an anchor's row: that row's hash and the row count up to it; `None`
/// when the row is not in the log any more.
pub type Seen = Option<(String, u64)>;

/// Why a log does not extend an anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    /// The anchored row is gone: the log was truncated (or rewritten with other ids).
    Missing,
    /// The row is there with another hash: the log was rewritten and re-chained.
    HashDiffers { found: String },
    /// The row is there with its hash, but a different number of rows led to it.
    CountDiffers { found: u64 },
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::Missing => write!(f, "the anchored row is no longer in the log (truncated)"),
            Mismatch::HashDiffers { found } => write!(
                f,
                "the anchored row now has hash {found} (the log was rewritten and re-chained)"
            ),
            Mismatch::CountDiffers { found } => {
                write!(
                    f,
                    "{found} rows lead to the anchored row now (rows were removed or added)"
                )
            }
        }
    }
}

/// Checks one anchor against what the log holds at its row.
pub fn check(anchor: &Anchor, seen: &Seen) -> Result<(), Mismatch> {
    match seen {
        None => Err(Mismatch::Missing),
        Some((hash, _)) if *hash != anchor.hash => Err(Mismatch::HashDiffers {
            found: hash.clone(),
        }),
        Some((_, rows)) if *rows != anchor.rows => Err(Mismatch::CountDiffers { found: *rows }),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a() -> Anchor {
        Anchor {
            audit_id: 42,
            rows: 40,
            hash: "ab".repeat(32),
            at: "2026-12-03T15:00:00+08:00".into(),
        }
    }

    #[test]
    fn an_anchor_reads_back_what_it_wrote() {
        assert_eq!(parse(&a().to_string()), Ok(a()));
    }

    #[test]
    fn a_bad_line_says_what_is_wrong() {
        assert!(parse("hello").unwrap_err().contains("not an anchor"));
        let no_hash = "onewindow-audit-anchor v1 id=1 rows=1 at=x";
        assert!(parse(no_hash).unwrap_err().contains("hash"));
        let short = "onewindow-audit-anchor v1 id=1 rows=1 hash=abc at=x";
        assert!(parse(short).unwrap_err().contains("64"));
        let twice = format!("{} id=2", a());
        assert!(parse(&twice).unwrap_err().contains("twice"));
    }

    #[test]
    fn truncation_rechaining_and_removal_are_told_apart() {
        let x = a();
        assert_eq!(check(&x, &Some((x.hash.clone(), 40))), Ok(()));
        assert_eq!(check(&x, &None), Err(Mismatch::Missing));
        assert!(matches!(
            check(&x, &Some(("cd".repeat(32), 40))),
            Err(Mismatch::HashDiffers { .. })
        ));
        assert_eq!(
            check(&x, &Some((x.hash.clone(), 39))),
            Err(Mismatch::CountDiffers { found: 39 })
        );
    }
}
