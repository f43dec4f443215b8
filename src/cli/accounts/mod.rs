//! **accounts** — the commands. Accounts: operators, departments and their windows, sign-in, roles,
//! permissions, lockout and passwords.
//!
//! Rules kept: A permission is checked inside the transaction that uses it, against roles read from
//! the database; every sign-in outcome is audited; passwords are argon2id and never on the command
//! line.
//! Docs: docs/operations.md (accounts and roles, operator management, the policy command).

pub mod auth;
pub mod operator;
pub mod policy;

use crate::cli::{EXIT_USAGE, Failure};
use crate::store::StoreError;

/// A store error as the command's failure: bad input (a field, an unknown operator) is exit 2,
/// everything else exit 1.
pub(crate) fn failure(e: StoreError) -> Failure {
    match e {
        StoreError::Invalid { .. } | StoreError::NotFound(_) => Failure {
            code: EXIT_USAGE,
            message: e.to_string(),
        },
        e => e.into(),
    }
}
