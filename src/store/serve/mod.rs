//! serve: what `onewindow serve` keeps in the database — operators' SSH public keys
//! (`operator_keys`, migration 0028), added and revoked by administrators, audited; the sign-in of
//! a session that proved it holds one; the `ssh.*` audit rows of sessions (docs/operations.md,
//! "onewindow serve"). Password sign-in over SSH is `accounts::operators::login`, unchanged.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};

use crate::domain::accounts::permission::Permission;
use crate::domain::accounts::role::parse_roles;
use crate::store::StoreError;
use crate::store::accounts::operators::{Operator, sign_in_policy};
use crate::store::accounts::permission;
use crate::store::audit::{self, NewAudit};

/// A public key as an administrator gives it: one OpenSSH line (`ssh-ed25519 AAAA… comment`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyLine {
    pub algorithm: String,
    /// The key without its comment, as stored.
    pub public_key: String,
    /// SHA256 as `ssh-keygen -l` prints it.
    pub fingerprint: String,
    pub comment: String,
}

/// SHA256 fingerprint as OpenSSH prints it (`SHA256:` and unpadded base64).
pub fn fingerprint(key: &russh::keys::PublicKey) -> String {
    key.fingerprint(russh::keys::HashAlg::Sha256).to_string()
}

/// Reads one OpenSSH public key line; a bad line is refused naming the field `key`.
pub fn parse_key_line(text: &str) -> Result<KeyLine, StoreError> {
    let bad = |reason: String| StoreError::Invalid {
        field: "key",
        reason,
    };
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let line = match lines.as_slice() {
        [one] => *one,
        [] => {
            return Err(bad(
                "no public key found (one line: ssh-ed25519 AAAA… comment)".into(),
            ));
        }
        _ => {
            return Err(bad(format!(
                "{} keys given; add one at a time",
                lines.len()
            )));
        }
    };
    if line.contains("PRIVATE KEY") {
        return Err(bad(
            "this is a private key: give the .pub file, and keep the private key secret".into(),
        ));
    }
    let key = russh::keys::PublicKey::from_openssh(line)
        .map_err(|e| bad(format!("not an OpenSSH public key line ({e})")))?;
    let mut plain = key.clone();
    plain.set_comment("");
    let public_key = plain
        .to_openssh()
        .map_err(|e| bad(format!("cannot encode the key ({e})")))?
        .trim()
        .to_string();
    let comment = crate::domain::file_text::printable(key.comment().as_str_lossy())
        .chars()
        .take(200)
        .collect();
    Ok(KeyLine {
        algorithm: key.algorithm().as_str().to_string(),
        public_key,
        fingerprint: fingerprint(&key),
        comment,
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRow {
    pub key_id: i64,
    pub code: String,
    pub algorithm: String,
    pub fingerprint: String,
    pub comment: String,
    pub added_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

type KeyTuple = (
    i64,
    String,
    String,
    String,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);

fn key_row(t: KeyTuple) -> KeyRow {
    KeyRow {
        key_id: t.0,
        code: t.1,
        algorithm: t.2,
        fingerprint: t.3,
        comment: t.4,
        added_at: t.5,
        revoked_at: t.6,
    }
}

/// The columns of a `KeyRow`, from `operator_keys k join operators o`.
macro_rules! select_keys {
    () => {
        "select k.operator_key_id, o.code, k.algorithm, k.fingerprint, k.comment, k.created_at, \
         k.revoked_at from operator_keys k join operators o using (operator_id) "
    };
}

/// Registers a key for the operator `code` (administrators). One transaction: permission, the
/// operator, a live key with the same fingerprint refused, insert, audit (`operator_key.add`).
pub async fn add_key(
    pool: &PgPool,
    admin: i64,
    code: &str,
    key: &KeyLine,
) -> Result<KeyRow, StoreError> {
    let mut tx = pool.begin().await?;
    permission::require(&mut *tx, admin, Permission::ManageOperatorKeys).await?;
    let code = code.trim().to_lowercase();
    let operator_id: i64 = sqlx::query_scalar("select operator_id from operators where code = $1")
        .bind(&code)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound("operator"))?;
    let taken: Option<String> = sqlx::query_scalar(
        "select o.code from operator_keys k join operators o using (operator_id)
         where k.fingerprint = $1 and k.revoked_at is null",
    )
    .bind(&key.fingerprint)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(owner) = taken {
        return Err(StoreError::Invalid {
            field: "key",
            reason: format!("{} is already registered (to {owner})", key.fingerprint),
        });
    }
    let key_id: i64 = sqlx::query_scalar(
        "insert into operator_keys (operator_id, algorithm, public_key, fingerprint, comment, added_by)
         values ($1, $2, $3, $4, $5, $6) returning operator_key_id",
    )
    .bind(operator_id)
    .bind(&key.algorithm)
    .bind(&key.public_key)
    .bind(&key.fingerprint)
    .bind(&key.comment)
    .bind(admin)
    .fetch_one(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(admin),
            action: "operator_key.add",
            entity: "operator_key",
            entity_id: Some(key_id.to_string()),
            detail: json!({ "code": code, "fingerprint": key.fingerprint,
                            "algorithm": key.algorithm }),
        },
    )
    .await?;
    let row = one_key(&mut tx, key_id).await?;
    tx.commit().await?;
    Ok(row)
}

async fn one_key(conn: &mut PgConnection, key_id: i64) -> Result<KeyRow, StoreError> {
    let t: KeyTuple = sqlx::query_as(concat!(select_keys!(), "where k.operator_key_id = $1"))
        .bind(key_id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound("key"))?;
    Ok(key_row(t))
}

/// Every key, or one operator's, revoked ones included (administrators).
pub async fn list_keys(
    pool: &PgPool,
    viewer: i64,
    code: Option<&str>,
) -> Result<Vec<KeyRow>, StoreError> {
    let mut tx = pool.begin().await?;
    permission::require(&mut *tx, viewer, Permission::ManageOperatorKeys).await?;
    let rows: Vec<KeyTuple> = sqlx::query_as(concat!(
        select_keys!(),
        "where $1::text is null or o.code = $1 order by o.code, k.operator_key_id"
    ))
    .bind(code.map(|c| c.trim().to_lowercase()))
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows.into_iter().map(key_row).collect())
}

/// Revokes a key (administrators): it signs no one in from the next attempt on. Audited
/// (`operator_key.revoke`); a key already revoked is a conflict, not a second revocation.
pub async fn revoke_key(pool: &PgPool, admin: i64, key_id: i64) -> Result<KeyRow, StoreError> {
    let mut tx = pool.begin().await?;
    permission::require(&mut *tx, admin, Permission::ManageOperatorKeys).await?;
    let found: Option<(i32, Option<DateTime<Utc>>, String)> = sqlx::query_as(
        "select version, revoked_at, fingerprint from operator_keys
         where operator_key_id = $1 for update",
    )
    .bind(key_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (version, revoked, fp) = found.ok_or(StoreError::NotFound("key"))?;
    if revoked.is_some() {
        return Err(StoreError::Conflict(format!(
            "key {key_id} ({fp}) is already revoked"
        )));
    }
    let done = sqlx::query(
        "update operator_keys set revoked_at = now(), revoked_by = $2, version = version + 1
         where operator_key_id = $1 and version = $3",
    )
    .bind(key_id)
    .bind(admin)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Stale("key".into()));
    }
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(admin),
            action: "operator_key.revoke",
            entity: "operator_key",
            entity_id: Some(key_id.to_string()),
            detail: json!({ "fingerprint": fp }),
        },
    )
    .await?;
    let row = one_key(&mut tx, key_id).await?;
    tx.commit().await?;
    Ok(row)
}

/// Whether `code` has a live key with this fingerprint (the offer, before the signature is
/// checked; nothing is written).
pub async fn key_registered(
    pool: &PgPool,
    code: &str,
    fingerprint: &str,
) -> Result<bool, StoreError> {
    let n: i64 = sqlx::query_scalar(
        "select count(*) from operator_keys k join operators o using (operator_id)
         where o.code = $1 and k.fingerprint = $2 and k.revoked_at is null and o.active",
    )
    .bind(code.trim().to_lowercase())
    .bind(fingerprint)
    .fetch_one(pool)
    .await?;
    Ok(n > 0)
}

/// Why a verified key did not sign anyone in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySignIn {
    Ok(Operator),
    /// Not this operator's live key, or no such operator: the same answer.
    Unknown,
    Locked,
    Inactive,
}

/// Signs in the operator whose live key this is (the signature was verified by the SSH layer).
/// One transaction: the operator row locked, its state checked, `ssh.login` or `ssh.refused`
/// audited with the source address and the key's fingerprint.
pub async fn sign_in_by_key(
    pool: &PgPool,
    code: &str,
    fingerprint: &str,
    source: &str,
) -> Result<KeySignIn, StoreError> {
    let mut tx = pool.begin().await?;
    let policy = sign_in_policy(&mut tx).await?;
    let found: Option<(i64, bool, bool, i64)> = sqlx::query_as(
        "select o.operator_id, o.active, coalesce(o.locked_until > now(), false), k.operator_key_id
         from operator_keys k join operators o using (operator_id)
         where o.code = $1 and k.fingerprint = $2 and k.revoked_at is null
         for no key update of o",
    )
    .bind(code.trim().to_lowercase())
    .bind(fingerprint)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((id, active, locked, key_id)) = found else {
        audit_ssh(
            &mut tx,
            None,
            "ssh.refused",
            json!({ "reason": "unknown_key", "source": source, "fingerprint": fingerprint,
                    "code": shown_code(code) }),
        )
        .await?;
        tx.commit().await?;
        return Ok(KeySignIn::Unknown);
    };
    let refused = |reason: &str| json!({ "reason": reason, "source": source, "fingerprint": fingerprint, "key_id": key_id });
    let outcome = if !active {
        audit_ssh(&mut tx, Some(id), "ssh.refused", refused("inactive")).await?;
        KeySignIn::Inactive
    } else if locked {
        audit_ssh(&mut tx, Some(id), "ssh.refused", refused("locked")).await?;
        KeySignIn::Locked
    } else {
        audit_ssh(
            &mut tx,
            Some(id),
            "ssh.login",
            json!({ "method": "publickey", "source": source, "fingerprint": fingerprint,
                    "key_id": key_id }),
        )
        .await?;
        KeySignIn::Ok(load_operator(&mut tx, id, policy.idle_lock_minutes).await?)
    };
    tx.commit().await?;
    Ok(outcome)
}

/// A code as it may be written to the permanent audit trail (a password typed as the user name
/// must not be kept).
fn shown_code(code: &str) -> String {
    let code = code.trim().to_lowercase();
    if crate::store::accounts::operators::is_valid_code(&code) {
        code
    } else {
        "(malformed)".into()
    }
}

/// Writes one `ssh.*` audit row (login by password, logout, refused requests).
pub async fn record(
    pool: &PgPool,
    operator_id: Option<i64>,
    action: &str,
    detail: serde_json::Value,
) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    audit_ssh(&mut tx, operator_id, action, detail).await?;
    tx.commit().await?;
    Ok(())
}

async fn audit_ssh(
    conn: &mut PgConnection,
    operator_id: Option<i64>,
    action: &str,
    detail: serde_json::Value,
) -> Result<i64, StoreError> {
    audit::append(
        conn,
        NewAudit {
            operator_id,
            action,
            entity: "ssh",
            entity_id: operator_id.map(|i| i.to_string()),
            detail,
        },
    )
    .await
}

/// The signed-in operator, as `accounts::operators` loads it after a password sign-in.
async fn load_operator(
    conn: &mut PgConnection,
    operator_id: i64,
    idle_lock_minutes: u32,
) -> Result<Operator, StoreError> {
    #[allow(clippy::type_complexity)]
    let r: (
        i64,
        String,
        String,
        i64,
        Vec<String>,
        String,
        String,
        String,
        Option<String>,
    ) = sqlx::query_as(
        "select o.operator_id, o.code, o.name, o.department_id, o.roles,
                    d.code, d.name_zh, d.name_en, w.code
             from operators o
             join departments d using (department_id)
             left join windows w using (window_id)
             where o.operator_id = $1",
    )
    .bind(operator_id)
    .fetch_one(conn)
    .await?;
    let roles = parse_roles(&r.4).map_err(|e| StoreError::Conflict(e.to_string()))?;
    Ok(Operator {
        operator_id: r.0,
        code: r.1,
        name: r.2,
        department_id: r.3,
        department_code: r.5,
        department_zh: r.6,
        department_en: r.7,
        window_code: r.8,
        roles,
        idle_lock_minutes,
    })
}
