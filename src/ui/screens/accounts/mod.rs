//! **accounts** — the screens. Accounts: operators, departments and their windows, sign-in, roles,
//! permissions, lockout and passwords.
//!
//! Rules kept: A permission is checked inside the transaction that uses it, against roles read from
//! the database; every sign-in outcome is audited; passwords are argon2id.
//! Docs: docs/operations.md (accounts and roles).

pub mod departments;
pub mod login;
pub mod password;
