//! Operator roles. The database holds them as text (see migrations/0003_operators.sql); this is the
//! one place that lists them.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    WindowClerk,
    ChiefRep,
    Reviewer,
    Cashier,
    Supervisor,
    Admin,
    /// 交易登记员: registers projects and sections, publishes notices, books venues.
    TradingClerk,
    /// 保证金会计: the deposit ledger; one prepares a refund, another approves it.
    DepositAccountant,
    /// 交易中心主任: everything of the trading center, and its overrides.
    TradingDirector,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::WindowClerk,
        Role::ChiefRep,
        Role::Reviewer,
        Role::Cashier,
        Role::Supervisor,
        Role::Admin,
        Role::TradingClerk,
        Role::DepositAccountant,
        Role::TradingDirector,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::WindowClerk => "window_clerk",
            Role::ChiefRep => "chief_rep",
            Role::Reviewer => "reviewer",
            Role::Cashier => "cashier",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
            Role::TradingClerk => "trading_clerk",
            Role::DepositAccountant => "deposit_accountant",
            Role::TradingDirector => "trading_director",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

/// Parses the roles column; unknown names are an error rather than silently dropped, because a
/// dropped role would quietly change what an operator may do.
pub fn parse_roles(names: &[String]) -> Result<Vec<Role>, UnknownRole> {
    let mut roles = names
        .iter()
        .map(|n| n.parse())
        .collect::<Result<Vec<Role>, _>>()?;
    roles.sort();
    roles.dedup();
    Ok(roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
    }

    #[test]
    fn unknown_role_is_an_error() {
        let err = parse_roles(&["cashier".into(), "janitor".into()]).unwrap_err();
        assert_eq!(err, UnknownRole("janitor".into()));
    }

    #[test]
    fn roles_are_sorted_and_deduplicated() {
        let roles = parse_roles(&[
            "supervisor".into(),
            "window_clerk".into(),
            "supervisor".into(),
        ]);
        assert_eq!(roles.unwrap(), vec![Role::WindowClerk, Role::Supervisor]);
    }
}
