//! onewindow: the back-office terminal of a county Administrative Service Center (行政服务中心).
//!
//! Layers, arrows pointing one way: `ui` and `cli` use `store`, `store` uses `domain`.
//! `domain` holds the rules and does no I/O.

rust_i18n::i18n!("locales", fallback = "en");

pub mod cli;
pub mod config;
pub mod domain;
pub mod files;
pub mod i18n;
pub mod logging;
pub mod serve;
pub mod store;
pub mod ui;
