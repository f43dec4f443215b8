//! **cases** — the pure rules. Cases (办件): one-window intake, queues and claims, the case view,
//! quick lookup with masking.
//!
//! Rules kept: A case is accepted or refused with reasons; a claim is taken exactly once; personal
//! data is masked unless revealed with a reason.
//! Docs: docs/lookup.md and the user guide's intake and queue chapters.

pub mod mask;
pub mod validate;
