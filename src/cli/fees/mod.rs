//! **fees** — the commands. Fees: assessments with payment codes, receipts imported from the fiscal
//! export, reconciliation and day close.
//!
//! Rules kept: Money is integer fen with checked arithmetic; a closed day takes no new receipts;
//! matching is set-based.
//! Docs: docs/reconciliation.md.

pub mod reconcile;
