//! The server's rules as administrators read and change them (`onewindow policy show|set`): the
//! columns of `sign_in_policy` (migrations 0024, 0027) and `lookup_policy` (0023). The bounds are
//! the tables' own CHECK constraints, read from the catalogue to show and to name in a refusal,
//! so they are stated once, in the migrations. A change is one transaction: permission, the rows
//! locked, the update, an audit row `policy.set` with the old and new values, NOTIFY.

use serde_json::json;
use sqlx::{PgConnection, PgPool};

use crate::domain::accounts::permission::Permission;
use crate::store::StoreError;
use crate::store::accounts::permission::require;
use crate::store::audit::{self, NewAudit};

/// Every key `policy set` accepts: (key, table, column). Static: no SQL is built from input.
pub const KEYS: [(&str, &str, &str); 7] = [
    ("max_failed_logins", "sign_in_policy", "max_failed_logins"),
    ("lockout_minutes", "sign_in_policy", "lockout_minutes"),
    ("idle_lock_minutes", "sign_in_policy", "idle_lock_minutes"),
    (
        "password_min_length",
        "sign_in_policy",
        "password_min_length",
    ),
    (
        "passphrase_min_words",
        "sign_in_policy",
        "passphrase_min_words",
    ),
    ("lookup_per_minute", "lookup_policy", "per_minute"),
    ("lookup_notice_after", "lookup_policy", "notice_after"),
];

/// One setting as `policy show` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub key: &'static str,
    pub value: i32,
    /// The bounds of its CHECK, e.g. (3, 10).
    pub bounds: Option<(i64, i64)>,
}

/// The key a name means: the key itself, or `table.column`.
pub fn key_of(name: &str) -> Option<&'static str> {
    let name = name.trim();
    KEYS.iter()
        .find(|(k, t, c)| *k == name || format!("{t}.{c}") == name)
        .map(|(k, ..)| *k)
}

async fn values(conn: &mut PgConnection, lock: bool) -> Result<[i32; 7], StoreError> {
    let sql = if lock {
        "select s.max_failed_logins, s.lockout_minutes, s.idle_lock_minutes,
                s.password_min_length, s.passphrase_min_words, l.per_minute, l.notice_after
         from sign_in_policy s, lookup_policy l for no key update"
    } else {
        "select s.max_failed_logins, s.lockout_minutes, s.idle_lock_minutes,
                s.password_min_length, s.passphrase_min_words, l.per_minute, l.notice_after
         from sign_in_policy s, lookup_policy l"
    };
    let r: (i32, i32, i32, i32, i32, i32, i32) = sqlx::query_as(sql).fetch_one(&mut *conn).await?;
    Ok([r.0, r.1, r.2, r.3, r.4, r.5, r.6])
}

/// The bounds each CHECK of the two tables states, by column: (table, column) → (low, high).
async fn bounds(conn: &mut PgConnection) -> Result<Vec<(String, String, (i64, i64))>, StoreError> {
    let defs: Vec<(String, String, String)> = sqlx::query_as(
        "select c.conrelid::regclass::text, a.attname::text, pg_get_constraintdef(c.oid)
         from pg_constraint c
         join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
         where c.contype = 'c' and cardinality(c.conkey) = 1
           and c.conrelid in ('sign_in_policy'::regclass, 'lookup_policy'::regclass)",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(defs
        .into_iter()
        .filter_map(|(t, c, def)| {
            let t = t.rsplit('.').next().unwrap_or(&t).to_string();
            numbers_in(&def).map(|b| (t, c, b))
        })
        .collect())
}

/// The two integers of a `CHECK (((x >= 3) AND (x <= 10)))` definition.
fn numbers_in(def: &str) -> Option<(i64, i64)> {
    let nums: Vec<i64> = def
        .split(|c: char| !c.is_ascii_digit() && c != '-')
        .filter_map(|s| s.parse().ok())
        .collect();
    match nums.as_slice() {
        [lo, hi] => Some((*lo.min(hi), *lo.max(hi))),
        _ => None,
    }
}

fn bound_of(all: &[(String, String, (i64, i64))], key: &str) -> Option<(i64, i64)> {
    let (_, table, column) = KEYS.iter().find(|(k, ..)| *k == key)?;
    all.iter()
        .find(|(t, c, _)| t == table && c == column)
        .map(|(.., b)| *b)
}

/// The current rules (administrators).
pub async fn show(pool: &PgPool, actor: i64) -> Result<Vec<Setting>, StoreError> {
    let mut tx = pool.begin().await?;
    require(&mut *tx, actor, Permission::ManagePolicy).await?;
    let v = values(&mut tx, false).await?;
    let b = bounds(&mut tx).await?;
    tx.commit().await?;
    Ok(KEYS
        .iter()
        .zip(v)
        .map(|((key, ..), value)| Setting {
            key,
            value,
            bounds: bound_of(&b, key),
        })
        .collect())
}

/// Sets some rules at once (administrators). A value outside its CHECK's bounds is refused with
/// them named (`Invalid`), and nothing is changed. Returns (key, old, new) of what changed.
pub async fn set(
    pool: &PgPool,
    actor: i64,
    changes: &[(&'static str, i32)],
) -> Result<Vec<(&'static str, i32, i32)>, StoreError> {
    let mut tx = pool.begin().await?;
    require(&mut *tx, actor, Permission::ManagePolicy).await?;
    let old = values(&mut tx, true).await?;
    let mut new: [Option<i32>; 7] = [None; 7];
    for (key, value) in changes {
        let Some(i) = KEYS.iter().position(|(k, ..)| k == key) else {
            return Err(StoreError::Invalid {
                field: "key",
                reason: format!("unknown key `{key}`"),
            });
        };
        new[i] = Some(*value);
    }
    // The CHECKs decide; their bounds are read first so the message can name them.
    let b = bounds(&mut tx).await?;
    for (i, v) in new.iter().enumerate() {
        if let (Some(v), Some((lo, hi))) = (v, bound_of(&b, KEYS[i].0))
            && !(lo..=hi).contains(&i64::from(*v))
        {
            return Err(StoreError::Invalid {
                field: KEYS[i].0,
                reason: format!("{v} is outside {lo} to {hi} (the CHECK of {})", KEYS[i].1),
            });
        }
    }
    sqlx::query(
        "update sign_in_policy set
            max_failed_logins = coalesce($1, max_failed_logins),
            lockout_minutes = coalesce($2, lockout_minutes),
            idle_lock_minutes = coalesce($3, idle_lock_minutes),
            password_min_length = coalesce($4, password_min_length),
            passphrase_min_words = coalesce($5, passphrase_min_words),
            updated_at = now(), updated_by = $6
         where $1::int is not null or $2::int is not null or $3::int is not null
            or $4::int is not null or $5::int is not null",
    )
    .bind(new[0])
    .bind(new[1])
    .bind(new[2])
    .bind(new[3])
    .bind(new[4])
    .bind(actor)
    .execute(&mut *tx)
    .await
    .map_err(check_refusal)?;
    sqlx::query(
        "update lookup_policy set
            per_minute = coalesce($1, per_minute),
            notice_after = coalesce($2, notice_after),
            updated_at = now(), updated_by = $3
         where $1::int is not null or $2::int is not null",
    )
    .bind(new[5])
    .bind(new[6])
    .bind(actor)
    .execute(&mut *tx)
    .await
    .map_err(check_refusal)?;
    let changed: Vec<(&'static str, i32, i32)> = KEYS
        .iter()
        .enumerate()
        .filter_map(|(i, (k, ..))| new[i].filter(|n| *n != old[i]).map(|n| (*k, old[i], n)))
        .collect();
    if changed.is_empty() {
        // Nothing differs: no audit row for a no-op.
        tx.rollback().await?;
        return Ok(changed);
    }
    let detail: serde_json::Map<String, serde_json::Value> = changed
        .iter()
        .map(|(k, o, n)| (k.to_string(), json!({ "old": o, "new": n })))
        .collect();
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(actor),
            action: "policy.set",
            entity: "policy",
            entity_id: None,
            detail: serde_json::Value::Object(detail),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(changed)
}

/// A CHECK the application's own bound check missed (a constraint added later) still gets a
/// message naming the constraint.
fn check_refusal(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(d) = &e
        && d.code().as_deref() == Some("23514")
    {
        return StoreError::Invalid {
            field: "value",
            reason: format!(
                "refused by the CHECK {}",
                d.constraint().unwrap_or("of the policy table")
            ),
        };
    }
    StoreError::Db(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_read_from_a_check_definition() {
        assert_eq!(
            numbers_in("CHECK (((max_failed_logins >= 3) AND (max_failed_logins <= 10)))"),
            Some((3, 10))
        );
        assert_eq!(numbers_in("CHECK (only_row)"), None);
    }

    #[test]
    fn keys_by_name_or_table_and_column() {
        assert_eq!(key_of("lookup_per_minute"), Some("lookup_per_minute"));
        assert_eq!(
            key_of("lookup_policy.per_minute"),
            Some("lookup_per_minute")
        );
        assert_eq!(key_of("per_minute"), None);
    }
}
