//! The rules of the center, pure: no I/O, no async, no SQL.

pub mod accounts;
pub mod audit;
pub mod cases;
pub mod catalogue;
pub mod fees;
pub mod file_text;
pub mod routing;
pub mod serve;
pub mod time;
pub mod trading;
