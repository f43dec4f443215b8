//! Permission checks in the database: the acting operator's department and roles read inside the
//! transaction that acts. Every store module that changes or reads guarded data calls these; the
//! audit log and the operators' sign-in do not depend on each other through it.

use crate::domain::accounts::permission::{Permission, allows};
use crate::domain::accounts::role::parse_roles;
use crate::store::StoreError;

/// The acting operator as the database knows them right now: read inside the transaction that
/// acts, so a role taken away a moment ago is already gone.
pub struct Actor {
    pub department_id: i64,
    pub roles: Vec<crate::domain::accounts::role::Role>,
}

impl Actor {
    pub fn require(&self, p: Permission) -> Result<(), StoreError> {
        if allows(&self.roles, p) {
            Ok(())
        } else {
            Err(StoreError::Forbidden(p))
        }
    }
}

/// An active operator's department and roles; `NotFound` for an unknown or deactivated one, and
/// for one who must change their password first (an administrator created or reset the account:
/// until they choose their own, the account may do nothing else).
pub async fn actor<'c>(
    conn: impl sqlx::PgExecutor<'c>,
    operator_id: i64,
) -> Result<Actor, StoreError> {
    let (department_id, roles): (i64, Vec<String>) = sqlx::query_as(
        "select department_id, roles from operators
         where operator_id = $1 and active and not must_change_password",
    )
    .bind(operator_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound("operator"))?;
    let roles = parse_roles(&roles).map_err(|e| StoreError::Conflict(e.to_string()))?;
    Ok(Actor {
        department_id,
        roles,
    })
}

/// Refuses unless the operator, as the database knows them now, holds the permission.
pub async fn require<'c>(
    conn: impl sqlx::PgExecutor<'c>,
    operator_id: i64,
    p: Permission,
) -> Result<(), StoreError> {
    match actor(conn, operator_id).await {
        Ok(a) => a.require(p),
        // An unknown or deactivated operator holds no permission.
        Err(StoreError::NotFound(_)) => Err(StoreError::Forbidden(p)),
        Err(e) => Err(e),
    }
}
