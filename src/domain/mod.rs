//! The rules of the center, pure: no I/O, no async, no SQL.

pub mod audit_chain;
pub mod calendar;
pub mod calendar_file;
pub mod item_file;
pub mod lockout;
pub mod mask;
pub mod password;
pub mod payment_code;
pub mod permission;
pub mod receipt_file;
pub mod role;
pub mod routing;
pub mod validate;
