//! **time** — the pure rules. Time: the working-day calendar, time limits with suspensions and
//! extensions, supervision (warning cards, notices), efficiency reports and accountability.
//!
//! Rules kept: Due dates count working days from the loaded holiday notices (provisional where a
//! year is missing); times come from the database clock.
//! Docs: docs/time-limits.md, docs/supervision.md.

pub mod calendar;
pub mod calendar_file;
pub mod zone;
