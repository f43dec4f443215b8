//! Operators: login with lockout, and the signed-in operator's profile.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};

use crate::domain::accounts::lockout::{AfterFailure, LockoutPolicy};
use crate::domain::accounts::password;
use crate::domain::accounts::password_policy::PasswordRules;
use crate::store::StoreError;
use crate::store::audit::{self, NewAudit};

use crate::domain::accounts::role::{Role, parse_roles};

/// The signed-in operator, as the status bar and permission checks need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    pub operator_id: i64,
    pub code: String,
    pub name: String,
    pub department_id: i64,
    pub department_code: String,
    pub department_zh: String,
    pub department_en: String,
    pub window_code: Option<String>,
    pub roles: Vec<Role>,
    /// The server's longest idle time before the screen locks (sign_in_policy): a client may
    /// lock sooner, never later.
    pub idle_lock_minutes: u32,
}

/// Why a login was made: the audit trail tells a fresh login from unlocking an idle screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Login,
    Unlock,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginOutcome {
    Ok(Operator),
    /// Unknown code or wrong password: deliberately the same answer for both.
    BadCredentials,
    Locked {
        until: DateTime<Utc>,
    },
    Inactive,
    /// The right password, but an administrator created or reset the account: the operator must
    /// choose a new password before anything else (`manage::change_own_password`); every
    /// permission check refuses the account until then.
    MustChange(Operator),
}

#[derive(sqlx::FromRow)]
struct LoginRow {
    operator_id: i64,
    password_hash: String,
    active: bool,
    failed_logins: i32,
    version: i32,
    locked_until: Option<DateTime<Utc>>,
    is_locked: bool,
    must_change_password: bool,
}

/// Checks a login attempt. One transaction: lock the operator row, check, count or reset the
/// failures, write the audit rows. Every outcome is audited, including unknown codes.
pub async fn login(
    pool: &PgPool,
    code: &str,
    secret: &str,
    purpose: Purpose,
) -> Result<LoginOutcome, StoreError> {
    let code = code.trim().to_lowercase();
    // Only a well-formed code is written to the (permanent) audit trail: a password typed into
    // the code field by mistake must not be kept forever.
    let shown_code = if is_valid_code(&code) {
        code.clone()
    } else {
        "(malformed)".to_string()
    };
    let mut tx = pool.begin().await?;
    // The rules are the server's, read in this transaction: no client setting can weaken them.
    let policy = sign_in_policy(&mut tx).await?;
    // NO KEY UPDATE, not UPDATE: audit rows reference the operator (FOR KEY SHARE), and a plain
    // FOR UPDATE here would deadlock with another transaction auditing this operator.
    let row: Option<LoginRow> = sqlx::query_as(
        "select operator_id, password_hash, active, failed_logins, version, locked_until,
                coalesce(locked_until > now(), false) as is_locked, must_change_password
         from operators where code = $1 for no key update",
    )
    .bind(&code)
    .fetch_optional(&mut *tx)
    .await?;

    let ok_action = match purpose {
        Purpose::Login => "login.ok",
        Purpose::Unlock => "session.unlock",
    };
    let Some(row) = row else {
        // Spend the same time as a real check so timing does not reveal which codes exist.
        check_password(None, secret.to_string()).await;
        audit_login(
            &mut tx,
            None,
            "login.failed",
            json!({ "code": shown_code, "reason": "unknown_code" }),
        )
        .await?;
        tx.commit().await?;
        return Ok(LoginOutcome::BadCredentials);
    };
    let id = Some(row.operator_id);
    // The password is checked on every path, so no answer comes back faster than another.
    let password_ok = check_password(Some(row.password_hash.clone()), secret.to_string()).await;
    if !row.active {
        audit_login(
            &mut tx,
            id,
            "login.refused",
            json!({ "reason": "inactive" }),
        )
        .await?;
        tx.commit().await?;
        // Only someone who knows the password learns that the account is disabled.
        return Ok(if password_ok {
            LoginOutcome::Inactive
        } else {
            LoginOutcome::BadCredentials
        });
    }
    if row.is_locked {
        audit_login(&mut tx, id, "login.refused", json!({ "reason": "locked" })).await?;
        tx.commit().await?;
        return Ok(LoginOutcome::Locked {
            until: row.locked_until.unwrap_or_else(Utc::now),
        });
    }
    if password_ok {
        // A hash made with other argon2 parameters (an older onewindow, another tool) is
        // replaced now, while the password is at hand.
        let rehash = if password::needs_rehash(&row.password_hash) {
            let secret = secret.to_string();
            tokio::task::spawn_blocking(move || password::hash(&secret))
                .await
                .ok()
                .filter(|h| h.starts_with("$argon2id$"))
        } else {
            None
        };
        sqlx::query(
            "update operators set failed_logins = 0, locked_until = null,
                    password_hash = coalesce($3, password_hash), version = version + 1
             where operator_id = $1 and version = $2",
        )
        .bind(row.operator_id)
        .bind(row.version)
        .bind(&rehash)
        .execute(&mut *tx)
        .await?;
        let mut detail = json!({});
        if rehash.is_some() {
            detail["rehashed"] = json!(true);
        }
        if row.must_change_password {
            detail["must_change_password"] = json!(true);
        }
        audit_login(&mut tx, id, ok_action, detail).await?;
        let op = load(&mut tx, row.operator_id, policy.idle_lock_minutes).await?;
        tx.commit().await?;
        return Ok(if row.must_change_password {
            LoginOutcome::MustChange(op)
        } else {
            LoginOutcome::Ok(op)
        });
    }
    let previous = u32::try_from(row.failed_logins).unwrap_or(0);
    let outcome = match policy.lockout.after_failure(previous) {
        AfterFailure::Count { failures, .. } => {
            sqlx::query!(
                "update operators set failed_logins = $3, version = version + 1
                 where operator_id = $1 and version = $2",
                row.operator_id,
                row.version,
                failures as i32
            )
            .execute(&mut *tx)
            .await?;
            audit_login(&mut tx, id, "login.failed", json!({ "failures": failures })).await?;
            LoginOutcome::BadCredentials
        }
        AfterFailure::Lock { minutes } => {
            let until = sqlx::query_scalar!(
                r#"update operators
                   set failed_logins = 0, locked_until = now() + make_interval(mins => $3),
                       version = version + 1
                   where operator_id = $1 and version = $2
                   returning locked_until as "until!""#,
                row.operator_id,
                row.version,
                minutes as i32
            )
            .fetch_one(&mut *tx)
            .await?;
            audit_login(
                &mut tx,
                id,
                "login.failed",
                json!({ "failures": previous + 1 }),
            )
            .await?;
            audit_login(&mut tx, id, "login.locked", json!({ "minutes": minutes })).await?;
            LoginOutcome::Locked { until }
        }
    };
    tx.commit().await?;
    Ok(outcome)
}

/// Verifies on a blocking thread (argon2 is slow on purpose). `None` checks against the dummy
/// hash, a constant with the same cost as a real one.
pub(crate) async fn check_password(hash: Option<String>, secret: String) -> bool {
    tokio::task::spawn_blocking(move || match hash {
        Some(h) => password::verify(&h, &secret),
        None => {
            password::verify(password::dummy_hash(), &secret);
            false
        }
    })
    .await
    .unwrap_or(false)
}

/// The shape the operators table allows (migrations/0003_operators.sql).
pub fn is_valid_code(code: &str) -> bool {
    (2..=32).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'))
}

pub(crate) async fn audit_login(
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
            entity: "operator",
            entity_id: operator_id.map(|i| i.to_string()),
            detail,
        },
    )
    .await
}

/// Records a session event (logout, idle lock) for the audit trail.
pub async fn record_session(
    pool: &PgPool,
    operator_id: i64,
    action: &str,
) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    audit_login(&mut tx, Some(operator_id), action, json!({})).await?;
    tx.commit().await?;
    Ok(())
}

/// The server's sign-in rules (migrations 0024 and 0027, sign_in_policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInPolicy {
    pub lockout: LockoutPolicy,
    pub idle_lock_minutes: u32,
    pub password: PasswordRules,
}

pub async fn sign_in_policy(conn: &mut PgConnection) -> Result<SignInPolicy, StoreError> {
    let (max, lock, idle, min_length, words): (i32, i32, i32, i32, i32) = sqlx::query_as(
        "select max_failed_logins, lockout_minutes, idle_lock_minutes, password_min_length,
                passphrase_min_words
         from sign_in_policy",
    )
    .fetch_one(&mut *conn)
    .await?;
    let n = |v: i32| u32::try_from(v).unwrap_or(1);
    Ok(SignInPolicy {
        lockout: LockoutPolicy {
            max_failures: n(max),
            lock_minutes: n(lock),
        },
        idle_lock_minutes: n(idle),
        password: PasswordRules {
            min_length: n(min_length),
            passphrase_words: n(words),
        },
    })
}

/// The signed-in operator; `idle_lock_minutes` is the server's, from the policy the sign-in read.
pub(crate) async fn load(
    conn: &mut PgConnection,
    operator_id: i64,
    idle_lock_minutes: u32,
) -> Result<Operator, StoreError> {
    let r = sqlx::query!(
        r#"select o.operator_id, o.code, o.name, o.department_id, o.roles,
                  d.code as department_code, d.name_zh, d.name_en, w.code as "window_code?"
           from operators o
           join departments d using (department_id)
           left join windows w using (window_id)
           where o.operator_id = $1"#,
        operator_id
    )
    .fetch_one(conn)
    .await?;
    let roles = parse_roles(&r.roles).map_err(|e| StoreError::Conflict(e.to_string()))?;
    Ok(Operator {
        operator_id: r.operator_id,
        code: r.code,
        name: r.name,
        department_id: r.department_id,
        department_code: r.department_code,
        department_zh: r.name_zh,
        department_en: r.name_en,
        window_code: r.window_code,
        roles,
        idle_lock_minutes,
    })
}
