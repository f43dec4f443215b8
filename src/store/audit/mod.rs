//! **audit** — the database side. The audit log: one hash-chained row per business change, written
//! in that change's transaction.
//!
//! Rules kept: Rows are only ever appended; the chain is computed by the database and re-checked by
//! the verifier.
//! Docs: docs/audit.md.
//!
//! The audit log: append inside the business transaction, verify the hash chain, read recent rows.
//! The chain itself is computed by the database trigger (migrations/0004_audit_log.sql); the
//! verifier recomputes it with domain::audit::chain.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};

use crate::domain::accounts::permission::Permission;
use crate::domain::audit::chain::{ChainBreak, StoredRow, Verifier};
use crate::store::StoreError;

/// One audit row to write.
#[derive(Debug, Clone)]
pub struct NewAudit<'a> {
    pub operator_id: Option<i64>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<String>,
    pub detail: Value,
}

/// Appends a row and announces it (NOTIFY onewindow) in the caller's transaction, so the row and
/// the change it records commit or vanish together.
pub async fn append(conn: &mut PgConnection, a: NewAudit<'_>) -> Result<i64, StoreError> {
    let id = sqlx::query_scalar!(
        r#"insert into audit_log (operator_id, action, entity, entity_id, detail)
           values ($1, $2, $3, $4, $5)
           returning audit_id"#,
        a.operator_id,
        a.action,
        a.entity,
        a.entity_id,
        a.detail,
    )
    .fetch_one(&mut *conn)
    .await?;
    crate::store::notify(conn, a.entity, a.action, a.entity_id.as_deref()).await?;
    Ok(id)
}

/// Result of `onewindow audit verify`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    pub rows: u64,
    /// Hash of the last good row, hex; record it elsewhere to detect a truncated tail later.
    pub head: String,
    /// The last good row's id (none for an empty log).
    pub head_id: Option<i64>,
    pub first_break: Option<ChainBreak>,
}

/// What the log holds at each anchored row id: that row's hash (hex) and the row count up to it
/// (domain::audit::anchor). Filled only for rows the walk verified.
pub type AtRows = std::collections::BTreeMap<i64, (String, u64)>;

/// Walks the whole log in id order, in batches, and stops at the first row that breaks the chain.
pub async fn verify(pool: &PgPool) -> Result<VerifyReport, StoreError> {
    Ok(verify_at(pool, &std::collections::BTreeSet::new()).await?.0)
}

/// As [`verify`], also noting the hash and the row count at each of `ids` (anchors' rows).
pub async fn verify_at(
    pool: &PgPool,
    ids: &std::collections::BTreeSet<i64>,
) -> Result<(VerifyReport, AtRows), StoreError> {
    let mut at = AtRows::new();
    let mut head_id = None;
    const BATCH: i64 = 10_000;
    let mut v = Verifier::default();
    let mut after = i64::MIN;
    loop {
        let rows = sqlx::query!(
            r#"select audit_id, (extract(epoch from at) * 1000000)::bigint as "epoch_us!",
                      operator_id, action, entity, entity_id, detail::text as "detail!",
                      prev_hash, row_hash
               from audit_log where audit_id > $1 order by audit_id limit $2"#,
            after,
            BATCH
        )
        .fetch_all(pool)
        .await?;
        let n = rows.len();
        for r in rows {
            after = r.audit_id;
            let row = StoredRow {
                audit_id: r.audit_id,
                epoch_us: r.epoch_us,
                operator_id: r.operator_id,
                action: r.action,
                entity: r.entity,
                entity_id: r.entity_id,
                detail: r.detail,
                prev_hash: r.prev_hash,
                row_hash: r.row_hash,
            };
            if let Err(b) = v.check(&row) {
                return Ok((
                    VerifyReport {
                        rows: v.rows,
                        head: hex::encode(v.head()),
                        head_id,
                        first_break: Some(b),
                    },
                    at,
                ));
            }
            head_id = Some(row.audit_id);
            if ids.contains(&row.audit_id) {
                at.insert(row.audit_id, (hex::encode(v.head()), v.rows));
            }
        }
        if (n as i64) < BATCH {
            return Ok((
                VerifyReport {
                    rows: v.rows,
                    head: hex::encode(v.head()),
                    head_id,
                    first_break: None,
                },
                at,
            ));
        }
    }
}

/// A row for the audit screen.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub audit_id: i64,
    pub at: DateTime<Utc>,
    pub operator_code: Option<String>,
    pub operator_name: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub detail: String,
}

/// The newest rows first, for an operator allowed to read them (checked against the database,
/// so a role removed a minute ago is already refused).
pub async fn recent(pool: &PgPool, viewer: i64, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
    crate::store::accounts::permission::require(pool, viewer, Permission::ReadAudit).await?;
    let rows = sqlx::query_as!(
        AuditEntry,
        r#"select a.audit_id, a.at, o.code as "operator_code?", o.name as "operator_name?",
                  a.action, a.entity, a.entity_id, a.detail::text as "detail!"
           from audit_log a left join operators o using (operator_id)
           order by a.audit_id desc limit $1"#,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}
