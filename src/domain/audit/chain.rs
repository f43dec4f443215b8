//! The audit log's hash chain, computed independently of the database trigger
//! (migrations/0004_audit_log.sql) so that verification does not trust the code it verifies.

use sha2::{Digest, Sha256};

pub type Hash = [u8; 32];

/// The `prev_hash` of the first row.
pub const GENESIS: Hash = [0u8; 32];

/// The hashed content of one audit row, exactly as the trigger concatenates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditContent<'a> {
    pub audit_id: i64,
    /// Microseconds since the Unix epoch of `at`.
    pub epoch_us: i64,
    pub operator_id: Option<i64>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<&'a str>,
    /// `detail::text` as PostgreSQL prints jsonb (its canonical form).
    pub detail: &'a str,
}

const SEPARATOR: char = '\u{1f}';

pub fn row_hash(prev: &Hash, c: &AuditContent<'_>) -> Hash {
    let operator = c.operator_id.map(|id| id.to_string()).unwrap_or_default();
    let fields: [&str; 7] = [
        &c.audit_id.to_string(),
        &c.epoch_us.to_string(),
        &operator,
        c.action,
        c.entity,
        c.entity_id.unwrap_or(""),
        c.detail,
    ];
    let mut text = String::new();
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            text.push(SEPARATOR);
        }
        text.push_str(f);
    }
    let mut h = Sha256::new();
    h.update(prev);
    h.update(text.as_bytes());
    h.finalize().into()
}

/// One stored row as read back for verification.
#[derive(Debug, Clone)]
pub struct StoredRow {
    pub audit_id: i64,
    pub epoch_us: i64,
    pub operator_id: Option<i64>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub detail: String,
    pub prev_hash: Vec<u8>,
    pub row_hash: Vec<u8>,
}

impl StoredRow {
    fn content(&self) -> AuditContent<'_> {
        AuditContent {
            audit_id: self.audit_id,
            epoch_us: self.epoch_us,
            operator_id: self.operator_id,
            action: &self.action,
            entity: &self.entity,
            entity_id: self.entity_id.as_deref(),
            detail: &self.detail,
        }
    }
}

/// Why a row breaks the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Break {
    /// The row's content does not match its own hash: the row was edited.
    ContentChanged,
    /// The row does not point at the row before it: a row was deleted or inserted just before.
    LinkBroken,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub audit_id: i64,
    pub kind: Break,
}

/// Walks rows in id order, carrying the running hash so the caller can stream batches.
#[derive(Debug, Clone)]
pub struct Verifier {
    last: Hash,
    pub rows: u64,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier {
            last: GENESIS,
            rows: 0,
        }
    }
}

impl Verifier {
    /// Checks the next row; on success the chain moves on to it.
    pub fn check(&mut self, row: &StoredRow) -> Result<(), ChainBreak> {
        if row.prev_hash.as_slice() != self.last.as_slice() {
            return Err(ChainBreak {
                audit_id: row.audit_id,
                kind: Break::LinkBroken,
            });
        }
        let expected = row_hash(&self.last, &row.content());
        if row.row_hash.as_slice() != expected.as_slice() {
            return Err(ChainBreak {
                audit_id: row.audit_id,
                kind: Break::ContentChanged,
            });
        }
        self.last = expected;
        self.rows += 1;
        Ok(())
    }

    /// Hash of the last good row: record it elsewhere to detect a truncated tail later.
    pub fn head(&self) -> Hash {
        self.last
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, prev: Hash, action: &str) -> StoredRow {
        let mut r = StoredRow {
            audit_id: id,
            epoch_us: 1_700_000_000_000_000 + id,
            operator_id: Some(7),
            action: action.into(),
            entity: "operator".into(),
            entity_id: Some("7".into()),
            detail: "{}".into(),
            prev_hash: prev.to_vec(),
            row_hash: vec![],
        };
        r.row_hash = row_hash(&prev, &r.content()).to_vec();
        r
    }

    fn chain(n: i64) -> Vec<StoredRow> {
        let mut prev = GENESIS;
        (1..=n)
            .map(|i| {
                let r = row(i, prev, "login.ok");
                prev = r.row_hash.clone().try_into().unwrap();
                r
            })
            .collect()
    }

    fn verify(rows: &[StoredRow]) -> Result<u64, ChainBreak> {
        let mut v = Verifier::default();
        for r in rows {
            v.check(r)?;
        }
        Ok(v.rows)
    }

    #[test]
    fn intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(5));
    }

    #[test]
    fn edited_row_is_named() {
        let mut rows = chain(5);
        rows[2].action = "login.failed".into();
        assert_eq!(
            verify(&rows),
            Err(ChainBreak {
                audit_id: 3,
                kind: Break::ContentChanged
            })
        );
    }

    #[test]
    fn deleted_row_breaks_the_next_link() {
        let mut rows = chain(5);
        rows.remove(1);
        assert_eq!(
            verify(&rows),
            Err(ChainBreak {
                audit_id: 3,
                kind: Break::LinkBroken
            })
        );
    }

    #[test]
    fn null_operator_and_entity_hash_as_empty_fields() {
        let c = AuditContent {
            audit_id: 1,
            epoch_us: 0,
            operator_id: None,
            action: "a.b",
            entity: "x",
            entity_id: None,
            detail: "{}",
        };
        let mut h = Sha256::new();
        h.update(GENESIS);
        h.update("1\u{1f}0\u{1f}\u{1f}a.b\u{1f}x\u{1f}\u{1f}{}".as_bytes());
        let expected: Hash = h.finalize().into();
        assert_eq!(row_hash(&GENESIS, &c), expected);
    }
}
