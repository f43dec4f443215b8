//! Importing a trading rule set, and reading the one in force.

use sqlx::{PgConnection, PgPool};

use crate::domain::accounts::permission::Permission;
use crate::domain::trading::rules::RuleSet;
use crate::store::StoreError;
use crate::store::accounts::permission::require;
use crate::store::audit::{self, NewAudit};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imported {
    New,
    /// The same version with the same rules was already there: nothing changed.
    Unchanged,
}

/// Stores a checked rule set (administrators; audited). A version is imported once: the same
/// version with other rules is refused, since projects registered under it keep its rules.
pub async fn import(
    pool: &PgPool,
    operator_id: i64,
    rules: &RuleSet,
    source: &str,
) -> Result<Imported, StoreError> {
    let json = serde_json::to_value(rules).map_err(|e| StoreError::Conflict(e.to_string()))?;
    let mut tx = pool.begin().await?;
    require(&mut *tx, operator_id, Permission::ManageTradingRules).await?;
    let existing: Option<serde_json::Value> =
        sqlx::query_scalar("select rules from trade_rule_sets where version = $1 for update")
            .bind(&rules.version)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(old) = existing {
        if old == json {
            return Ok(Imported::Unchanged);
        }
        return Err(StoreError::Invalid {
            field: "version",
            reason: format!(
                "version {} is already imported with other rules; projects registered under it \
                 keep those. Give the changed file a new version",
                rules.version
            ),
        });
    }
    sqlx::query(
        "insert into trade_rule_sets (version, effective_from, rules, source, imported_by)
         values ($1, $2, $3, $4, $5)",
    )
    .bind(&rules.version)
    .bind(rules.effective_from)
    .bind(&json)
    .bind(source)
    .bind(operator_id)
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "trade.rules.import",
            entity: "trade_rule_set",
            entity_id: Some(rules.version.clone()),
            detail: serde_json::json!({
                "effective_from": rules.effective_from,
                "reading": rules.reading.as_str(),
                "periods": rules.periods.len(),
                "refunds": rules.refunds.len(),
            }),
        },
    )
    .await?;
    crate::store::notify(&mut tx, "trade_rule_set", "import", Some(&rules.version)).await?;
    tx.commit().await?;
    Ok(Imported::New)
}

/// The rule set in force today at the center: the newest one already effective.
pub async fn current(conn: &mut PgConnection) -> Result<Option<RuleSet>, StoreError> {
    let row: Option<serde_json::Value> = sqlx::query_scalar(
        "select rules from trade_rule_sets where effective_from <= current_date
         order by effective_from desc, imported_at desc limit 1",
    )
    .fetch_optional(&mut *conn)
    .await?;
    row.map(decode).transpose()
}

/// A rule set by its version (a project's own).
pub async fn by_version(conn: &mut PgConnection, version: &str) -> Result<RuleSet, StoreError> {
    let row: serde_json::Value =
        sqlx::query_scalar("select rules from trade_rule_sets where version = $1")
            .bind(version)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound("trading rule set"))?;
    decode(row)
}

fn decode(v: serde_json::Value) -> Result<RuleSet, StoreError> {
    serde_json::from_value(v).map_err(|e| {
        StoreError::Conflict(format!(
            "a stored trading rule set cannot be read by this onewindow: {e}"
        ))
    })
}

/// The rule set in force, or the message that says how to get one.
pub async fn require_current(conn: &mut PgConnection) -> Result<RuleSet, StoreError> {
    current(conn).await?.ok_or(StoreError::Invalid {
        field: "rules",
        reason: "no trading rule set is in force: an administrator imports one first \
                 (`onewindow trade rules import trading/rules.toml`)"
            .into(),
    })
}
