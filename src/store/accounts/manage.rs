//! Operator management (issue 15.5): administrators add operators, reset passwords, disable and
//! enable accounts, change roles and list them; every operator changes their own password. Each
//! change is one transaction: permission check (read now, in it), the row locked and its version
//! checked, the change, an audit row (`operator.add`, `operator.passwd`, `operator.disable`,
//! `operator.enable`, `operator.roles`) and NOTIFY (through the audit row). Passwords are
//! checked against the server's policy (sign_in_policy, migration 0027) and hashed on a blocking
//! thread; no password or hash is ever written to the audit trail.

use serde_json::json;
use sqlx::{PgConnection, PgPool};

use crate::domain::accounts::lockout::AfterFailure;
use crate::domain::accounts::password;
use crate::domain::accounts::password_policy;
use crate::domain::accounts::permission::Permission;
use crate::domain::accounts::role::{Role, parse_roles};
use crate::store::StoreError;
use crate::store::accounts::operators::{
    audit_login, check_password, is_valid_code, sign_in_policy,
};
use crate::store::accounts::permission::require;
use crate::store::audit::{self, NewAudit};

/// A new operator, as `onewindow operator add` reads it.
#[derive(Debug, Clone)]
pub struct NewOperator {
    pub code: String,
    pub name: String,
    pub department: String,
    pub window: Option<String>,
    pub roles: Vec<Role>,
    pub password: String,
}

/// One operator as `operator list` shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OperatorRow {
    pub code: String,
    pub name: String,
    pub department: String,
    pub window: Option<String>,
    pub roles: Vec<String>,
    pub active: bool,
    pub must_change_password: bool,
    pub locked: bool,
    pub version: i32,
}

/// The row an administrator's change locks: what the change and its audit row need.
#[derive(sqlx::FromRow)]
struct Target {
    operator_id: i64,
    roles: Vec<String>,
    active: bool,
    version: i32,
}

fn invalid(field: &'static str, reason: impl Into<String>) -> StoreError {
    StoreError::Invalid {
        field,
        reason: reason.into(),
    }
}

/// The policy's verdict on a new password for `code`, read from the server in this transaction.
async fn check_policy(
    conn: &mut PgConnection,
    code: &str,
    new_password: &str,
) -> Result<(), StoreError> {
    let rules = sign_in_policy(conn).await?.password;
    password_policy::check(&rules, code, new_password)
        .map_err(|p| invalid("password", p.to_string()))
}

async fn hash(new_password: &str) -> Result<String, StoreError> {
    let pw = new_password.to_string();
    tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .ok()
        .filter(|h| h.starts_with("$argon2id$"))
        .ok_or_else(|| StoreError::Conflict("the password could not be hashed".into()))
}

/// Locks the operator `code` for an administrator's change; `expected_version`, when given, must
/// be the row's version (what `operator list` showed).
async fn lock_target(
    conn: &mut PgConnection,
    code: &str,
    expected_version: Option<i32>,
) -> Result<Target, StoreError> {
    let code = code.trim().to_lowercase();
    let t: Target = sqlx::query_as(
        "select operator_id, roles, active, version from operators where code = $1
         for no key update",
    )
    .bind(&code)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound("operator"))?;
    if expected_version.is_some_and(|v| v != t.version) {
        return Err(StoreError::Stale(format!("operator {code}")));
    }
    Ok(t)
}

/// Updates the locked row only if its version is still the one read; bumps it.
async fn versioned(
    conn: &mut PgConnection,
    q: sqlx::query::Query<'_, sqlx::Postgres, sqlx::postgres::PgArguments>,
    what: &str,
) -> Result<(), StoreError> {
    if q.execute(&mut *conn).await?.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::Stale(format!("operator {what}")))
    }
}

async fn audit_op(
    conn: &mut PgConnection,
    actor: i64,
    action: &str,
    target: i64,
    detail: serde_json::Value,
) -> Result<(), StoreError> {
    audit::append(
        conn,
        NewAudit {
            operator_id: Some(actor),
            action,
            entity: "operator",
            entity_id: Some(target.to_string()),
            detail,
        },
    )
    .await?;
    Ok(())
}

/// Active administrators other than `except`: the last one is never disabled nor loses the role.
async fn other_admins(conn: &mut PgConnection, except: i64) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "select count(*) from operators
         where active and 'admin' = any (roles) and operator_id <> $1",
    )
    .bind(except)
    .fetch_one(&mut *conn)
    .await?)
}

/// Adds an operator who must change the initial password at the first sign-in. Returns its id.
pub async fn add(pool: &PgPool, actor: i64, n: &NewOperator) -> Result<i64, StoreError> {
    let code = n.code.trim().to_lowercase();
    if !is_valid_code(&code) {
        return Err(invalid(
            "code",
            "2 to 32 characters: lower-case letters, digits, _ . -",
        ));
    }
    let name = n.name.trim();
    if name.is_empty() || name.chars().count() > 40 || name.chars().any(char::is_control) {
        return Err(invalid("name", "1 to 40 printable characters"));
    }
    if n.roles.is_empty() {
        return Err(invalid("roles", "at least one role"));
    }
    let mut tx = pool.begin().await?;
    require(&mut *tx, actor, Permission::ManageOperators).await?;
    check_policy(&mut tx, &code, &n.password).await?;
    let department: Option<i64> =
        sqlx::query_scalar("select department_id from departments where code = $1 and active")
            .bind(n.department.trim())
            .fetch_optional(&mut *tx)
            .await?;
    let department = department.ok_or_else(|| {
        invalid(
            "department",
            format!("no active department `{}`", n.department.trim()),
        )
    })?;
    let window = match n.window.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(w) => Some(
            sqlx::query_scalar::<_, i64>(
                "select window_id from windows where code = $1 and department_id = $2 and active",
            )
            .bind(w)
            .bind(department)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| {
                invalid(
                    "window",
                    format!(
                        "no active window `{w}` of department {}",
                        n.department.trim()
                    ),
                )
            })?,
        ),
    };
    let exists: bool =
        sqlx::query_scalar("select exists (select 1 from operators where code = $1)")
            .bind(&code)
            .fetch_one(&mut *tx)
            .await?;
    if exists {
        return Err(invalid("code", format!("`{code}` is taken")));
    }
    let mut sorted = n.roles.clone();
    sorted.sort();
    sorted.dedup();
    let roles: Vec<&str> = sorted.iter().map(|r| r.as_str()).collect();
    let hash = hash(&n.password).await?;
    let id: i64 = sqlx::query_scalar(
        "insert into operators (code, name, department_id, window_id, roles, password_hash,
                                must_change_password)
         values ($1, $2, $3, $4, $5, $6, true)
         returning operator_id",
    )
    .bind(&code)
    .bind(name)
    .bind(department)
    .bind(window)
    .bind(&roles)
    .bind(&hash)
    .fetch_one(&mut *tx)
    .await?;
    audit_op(
        &mut tx,
        actor,
        "operator.add",
        id,
        json!({
            "code": code, "name": name, "department": n.department.trim(),
            "window": n.window.as_deref().map(str::trim).filter(|w| !w.is_empty()),
            "roles": roles,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// An administrator sets a new password for `code`: checked against the policy, the lockout
/// cleared, and the operator must change it at the next sign-in.
pub async fn reset_password(
    pool: &PgPool,
    actor: i64,
    code: &str,
    new_password: &str,
    expected_version: Option<i32>,
) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    require(&mut *tx, actor, Permission::ManageOperators).await?;
    let t = lock_target(&mut tx, code, expected_version).await?;
    check_policy(&mut tx, &code.trim().to_lowercase(), new_password).await?;
    let hash = hash(new_password).await?;
    versioned(
        &mut tx,
        sqlx::query(
            "update operators set password_hash = $3, must_change_password = true,
                    failed_logins = 0, locked_until = null, version = version + 1
             where operator_id = $1 and version = $2",
        )
        .bind(t.operator_id)
        .bind(t.version)
        .bind(hash),
        code,
    )
    .await?;
    audit_op(
        &mut tx,
        actor,
        "operator.passwd",
        t.operator_id,
        json!({ "by": "admin", "must_change_password": true }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Why an operator's own change was refused: the screen names the field and the rule in either
/// language (`key`), the command line prints the English sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeRefused {
    /// The current password given is not the current password (counted towards the lockout).
    WrongCurrent,
    /// Locked after too many wrong passwords.
    Locked,
    /// The new password is the current one.
    Same,
    /// The new password breaks the policy.
    Policy(password_policy::Problem),
}

impl ChangeRefused {
    /// The field the message belongs beside: `old` or `new`.
    pub fn field(&self) -> &'static str {
        match self {
            ChangeRefused::WrongCurrent | ChangeRefused::Locked => "old",
            ChangeRefused::Same | ChangeRefused::Policy(_) => "new",
        }
    }
    pub fn key(&self) -> &'static str {
        match self {
            ChangeRefused::WrongCurrent => "password.wrong_current",
            ChangeRefused::Locked => "password.locked",
            ChangeRefused::Same => "password.same",
            ChangeRefused::Policy(p) => p.key(),
        }
    }
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            ChangeRefused::Policy(p) => p.args(),
            _ => vec![],
        }
    }
}

impl std::fmt::Display for ChangeRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChangeRefused::WrongCurrent => f.write_str("current password: wrong"),
            ChangeRefused::Locked => {
                f.write_str("current password: the account is locked after too many wrong ones")
            }
            ChangeRefused::Same => f.write_str("new password: the same as the current one"),
            ChangeRefused::Policy(p) => write!(f, "new password: {p}"),
        }
    }
}

/// An operator changes their own password: the current one, then the new one against the
/// server's policy. A wrong current password counts towards the lockout like a wrong sign-in
/// (and is audited as `operator.passwd_failed`). Clears `must_change_password`.
pub async fn change_own_password(
    pool: &PgPool,
    operator_id: i64,
    old_password: &str,
    new_password: &str,
) -> Result<Result<(), ChangeRefused>, StoreError> {
    let mut tx = pool.begin().await?;
    let policy = sign_in_policy(&mut tx).await?;
    let row: Option<(String, String, i32, i32, bool)> = sqlx::query_as(
        "select code, password_hash, failed_logins, version, coalesce(locked_until > now(), false)
         from operators where operator_id = $1 and active for no key update",
    )
    .bind(operator_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((code, stored, failed, version, locked)) = row else {
        return Err(StoreError::NotFound("operator"));
    };
    if locked {
        return Ok(Err(ChangeRefused::Locked));
    }
    if !check_password(Some(stored), old_password.to_string()).await {
        let previous = u32::try_from(failed).unwrap_or(0);
        let (failures, lock) = match policy.lockout.after_failure(previous) {
            AfterFailure::Count { failures, .. } => (failures, None),
            AfterFailure::Lock { minutes } => (0, Some(minutes)),
        };
        sqlx::query(
            "update operators set failed_logins = $3,
                    locked_until = case when $4::int is null then locked_until
                                        else now() + make_interval(mins => $4) end,
                    version = version + 1
             where operator_id = $1 and version = $2",
        )
        .bind(operator_id)
        .bind(version)
        .bind(failures as i32)
        .bind(lock.map(|m| m as i32))
        .execute(&mut *tx)
        .await?;
        audit_login(
            &mut tx,
            Some(operator_id),
            "operator.passwd_failed",
            json!({ "reason": "wrong_password", "failures": previous + 1 }),
        )
        .await?;
        if let Some(minutes) = lock {
            audit_login(
                &mut tx,
                Some(operator_id),
                "login.locked",
                json!({ "minutes": minutes }),
            )
            .await?;
        }
        tx.commit().await?;
        return Ok(Err(ChangeRefused::WrongCurrent));
    }
    if old_password == new_password {
        return Ok(Err(ChangeRefused::Same));
    }
    if let Err(p) = password_policy::check(&policy.password, &code, new_password) {
        return Ok(Err(ChangeRefused::Policy(p)));
    }
    let hash = hash(new_password).await?;
    versioned(
        &mut tx,
        sqlx::query(
            "update operators set password_hash = $3, must_change_password = false,
                    failed_logins = 0, version = version + 1
             where operator_id = $1 and version = $2",
        )
        .bind(operator_id)
        .bind(version)
        .bind(hash),
        &code,
    )
    .await?;
    audit_op(
        &mut tx,
        operator_id,
        "operator.passwd",
        operator_id,
        json!({ "by": "self" }),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Disables (or enables again) an account: a disabled operator cannot sign in. An administrator
/// cannot disable themselves, nor the last active administrator.
pub async fn set_active(
    pool: &PgPool,
    actor: i64,
    code: &str,
    active: bool,
    expected_version: Option<i32>,
) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    require(&mut *tx, actor, Permission::ManageOperators).await?;
    let t = lock_target(&mut tx, code, expected_version).await?;
    if !active {
        if t.operator_id == actor {
            return Err(invalid("code", "you cannot disable your own account"));
        }
        if t.roles.iter().any(|r| r == "admin") && other_admins(&mut tx, t.operator_id).await? == 0
        {
            return Err(invalid("code", "the last active administrator"));
        }
    }
    if t.active == active {
        return Err(invalid(
            "code",
            if active {
                "already enabled"
            } else {
                "already disabled"
            },
        ));
    }
    versioned(
        &mut tx,
        sqlx::query(
            "update operators set active = $3, failed_logins = 0, locked_until = null,
                    version = version + 1
             where operator_id = $1 and version = $2",
        )
        .bind(t.operator_id)
        .bind(t.version)
        .bind(active),
        code,
    )
    .await?;
    let action = if active {
        "operator.enable"
    } else {
        "operator.disable"
    };
    audit_op(&mut tx, actor, action, t.operator_id, json!({})).await?;
    tx.commit().await?;
    Ok(())
}

/// Replaces an operator's roles. The last active administrator keeps the admin role.
pub async fn set_roles(
    pool: &PgPool,
    actor: i64,
    code: &str,
    roles: &[Role],
    expected_version: Option<i32>,
) -> Result<(), StoreError> {
    let mut new: Vec<Role> = roles.to_vec();
    new.sort();
    new.dedup();
    if new.is_empty() {
        return Err(invalid("roles", "at least one role"));
    }
    let mut tx = pool.begin().await?;
    require(&mut *tx, actor, Permission::ManageOperators).await?;
    let t = lock_target(&mut tx, code, expected_version).await?;
    let old = parse_roles(&t.roles).map_err(|e| StoreError::Conflict(e.to_string()))?;
    if old.contains(&Role::Admin)
        && !new.contains(&Role::Admin)
        && t.active
        && other_admins(&mut tx, t.operator_id).await? == 0
    {
        return Err(invalid(
            "roles",
            "the last active administrator keeps the admin role",
        ));
    }
    let names: Vec<&str> = new.iter().map(|r| r.as_str()).collect();
    versioned(
        &mut tx,
        sqlx::query(
            "update operators set roles = $3, version = version + 1
             where operator_id = $1 and version = $2",
        )
        .bind(t.operator_id)
        .bind(t.version)
        .bind(&names),
        code,
    )
    .await?;
    let old: Vec<&str> = old.iter().map(|r| r.as_str()).collect();
    audit_op(
        &mut tx,
        actor,
        "operator.roles",
        t.operator_id,
        json!({ "old": old, "new": names }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Every operator, by department and code (administrators).
pub async fn list(pool: &PgPool, actor: i64) -> Result<Vec<OperatorRow>, StoreError> {
    let mut tx = pool.begin().await?;
    require(&mut *tx, actor, Permission::ManageOperators).await?;
    let rows = sqlx::query_as(
        "select o.code, o.name, d.code as department, w.code as window, o.roles, o.active,
                o.must_change_password, coalesce(o.locked_until > now(), false) as locked,
                o.version
         from operators o
         join departments d using (department_id)
         left join windows w using (window_id)
         order by d.code, o.code",
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows)
}
