//! **audit** — the pure rules. The audit log: one hash-chained row per business change, written in
//! that change's transaction.
//!
//! Rules kept: Rows are only ever appended; the chain is computed by the database and re-checked by
//! the verifier.
//! Docs: docs/audit.md.

pub mod anchor;
pub mod chain;
