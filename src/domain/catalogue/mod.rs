//! **catalogue** — the pure rules. The service catalogue (事项目录) and its service guides (办事指南), the
//! public disclosure of every item.
//!
//! Rules kept: Items are versioned (a stale change is refused); materials, fees and limits are data
//! an administrator edits as files.
//! Docs: docs/catalogue.md.

pub mod item_file;
