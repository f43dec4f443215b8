//! **accounts** — the pure rules. Accounts: operators, departments and their windows, sign-in,
//! roles, permissions, lockout and passwords.
//!
//! Rules kept: A permission is checked inside the transaction that uses it, against roles read from
//! the database; every sign-in outcome is audited; passwords are argon2id (OWASP parameters) and
//! follow the password policy (`password_policy`: length or passphrase, not the code, not common).
//! Docs: docs/operations.md (accounts and roles).

pub mod lockout;
pub mod password;
pub mod password_policy;
pub mod permission;
pub mod role;
