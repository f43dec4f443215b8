//! The trading center's store (issue 17; docs/trading.md): the rule sets, projects and their
//! sections, the clerks' queue, venues. Every change is one transaction with its permission check, audit row and
//! NOTIFY.

pub mod deposits;
mod fields;
pub mod notices;
pub mod projects;
pub mod queue;
pub mod refunds;
pub mod registrations;
pub mod rules;
pub mod venues;
pub mod view;
