//! **accounts** — the database side. Accounts: operators, departments and their windows, sign-in,
//! roles, permissions, lockout and passwords.
//!
//! Rules kept: A permission is checked inside the transaction that uses it, against roles read from
//! the database; every sign-in outcome is audited; passwords are argon2id and follow the server's
//! password policy; operator management (`manage`) and the rules (`policy`) are administrators'.
//! Docs: docs/operations.md (accounts and roles).

pub mod departments;
pub mod manage;
pub mod operators;
pub mod permission;
pub mod policy;
