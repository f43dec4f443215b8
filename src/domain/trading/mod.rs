//! The Public Resource Trading Center (公共资源交易中心, county plan 二(四)): its rules as data,
//! the two period units, entry thresholds and deposit caps (docs/trading.md). Pure: no I/O.

pub mod codes;
pub mod deposits;
pub mod kinds;
pub mod period;
pub mod refunds;
pub mod rules;
