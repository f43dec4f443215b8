//! Who may do what. The store enforces these against the roles read from the database inside the
//! transaction; the UI uses the same rules only to hide what would be refused anyway.

use super::role::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Read the audit trail: supervisors (electronic supervision) and administrators.
    ReadAudit,
    /// Add, change and retire catalogue items: administrators.
    ManageCatalog,
    /// Receive an application at a window (accept, or give a correction notice).
    ReceiveCase,
    /// Claim, release and work a case of one's own department.
    WorkCase,
    /// Decide an instant item at the window: the chief representative.
    DecideInstant,
    /// Give a claimed case to another operator of the department.
    ReassignCase,
    /// See every department's open cases: supervisors.
    SeeAllCases,
    /// Load a year's holiday notice into the working-day calendar: administrators.
    ManageCalendar,
    /// Add operators, reset their passwords, disable or enable them, change their roles, list
    /// them (`onewindow operator …`): administrators.
    ManageOperators,
    /// Read and change the server's sign-in and lookup rules (`onewindow policy …`):
    /// administrators.
    ManagePolicy,
    /// Extend a case's time limit once (延期): the chief representative.
    ExtendLimit,
    /// Import receipts, reconcile a day and close it: cashiers (and supervisors).
    Reconcile,
    /// See an applicant's name, ID number and phone unmasked, with a reason that goes into the
    /// access log: chief representatives and supervisors.
    RevealPersonal,
    /// Read a routed case's route (the diagram, `route show`): supervisors read every route; window
    /// staff, chief representatives and reviewers read the routes their department is on (the
    /// department that received it, the lead, or a department with a branch). Whether the
    /// department is on the route is the store's check; this is the role half.
    ReadRoute,
    /// Claim and decide a review branch of one's own department (并联审批的部门意见): reviewers and
    /// chief representatives. Window clerks do the window steps (supplements, delivery), not
    /// the departments' review.
    DecideBranch,
    /// Read the trading center's projects, sections, venues and findings: its staff and the
    /// supervisors (监察, read-only over everything).
    ReadTrading,
    /// Register projects and sections (进场登记) and book venues: trading clerks and the director.
    RegisterTrade,
    /// Import the trading rule set and add venues: administrators.
    ManageTradingRules,
    /// Publish a notice (公告/公示): trading clerks and the director.
    PublishNotice,
    /// Allow one notice shorter than the law, with a reason (audited, a finding): supervisors.
    OverrideNoticePeriod,
    /// Read a section's sealed registrations before the opening, with a reason that goes into
    /// the access log (招标投标法 22): supervisors.
    RevealSealed,
    /// Import the deposit account's statements and work the deposit ledger (代收代退): deposit
    /// accountants and the director.
    KeepDeposits,
    /// Read the deposit ledger: its keepers and the supervisors.
    ReadDeposits,
    /// Add and revoke operators' SSH keys for `onewindow serve`: administrators.
    ManageOperatorKeys,
}

/// Administrators manage the system but do not decide or work cases; supervisors watch but do
/// not act on cases.
pub fn allows(roles: &[Role], p: Permission) -> bool {
    roles.iter().any(|r| match p {
        Permission::ReadAudit => matches!(r, Role::Supervisor | Role::Admin),
        Permission::ManageCatalog
        | Permission::ManageCalendar
        | Permission::ManageOperators
        | Permission::ManagePolicy
        | Permission::ManageOperatorKeys => matches!(r, Role::Admin),
        Permission::ReceiveCase => matches!(r, Role::WindowClerk | Role::ChiefRep),
        Permission::WorkCase => matches!(r, Role::WindowClerk | Role::ChiefRep | Role::Reviewer),
        Permission::DecideInstant | Permission::ReassignCase | Permission::ExtendLimit => {
            matches!(r, Role::ChiefRep)
        }
        Permission::SeeAllCases => matches!(r, Role::Supervisor),
        Permission::RevealPersonal => matches!(r, Role::ChiefRep | Role::Supervisor),
        Permission::Reconcile => matches!(r, Role::Cashier | Role::Supervisor),
        Permission::ReadRoute => matches!(
            r,
            Role::WindowClerk | Role::ChiefRep | Role::Reviewer | Role::Supervisor
        ),
        Permission::DecideBranch => matches!(r, Role::ChiefRep | Role::Reviewer),
        Permission::ReadTrading => matches!(
            r,
            Role::TradingClerk
                | Role::DepositAccountant
                | Role::TradingDirector
                | Role::Supervisor
                | Role::Admin
        ),
        Permission::RegisterTrade => matches!(r, Role::TradingClerk | Role::TradingDirector),
        Permission::ManageTradingRules => matches!(r, Role::Admin),
        Permission::PublishNotice => matches!(r, Role::TradingClerk | Role::TradingDirector),
        Permission::OverrideNoticePeriod | Permission::RevealSealed => {
            matches!(r, Role::Supervisor)
        }
        Permission::KeepDeposits => matches!(r, Role::DepositAccountant | Role::TradingDirector),
        Permission::ReadDeposits => matches!(
            r,
            Role::DepositAccountant | Role::TradingDirector | Role::Supervisor
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_supervisors_and_admins_read_the_audit_trail() {
        for r in Role::ALL {
            let expected = matches!(r, Role::Supervisor | Role::Admin);
            assert_eq!(allows(&[r], Permission::ReadAudit), expected, "{r}");
        }
        assert!(allows(
            &[Role::WindowClerk, Role::Admin],
            Permission::ReadAudit
        ));
        assert!(!allows(&[], Permission::ReadAudit));
    }

    #[test]
    fn deposit_accountants_and_the_director_keep_deposits_supervisors_read_them() {
        for r in Role::ALL {
            let keeps = matches!(r, Role::DepositAccountant | Role::TradingDirector);
            assert_eq!(allows(&[r], Permission::KeepDeposits), keeps, "{r}");
            assert_eq!(
                allows(&[r], Permission::ReadDeposits),
                keeps || r == Role::Supervisor,
                "{r}"
            );
        }
    }

    #[test]
    fn only_administrators_manage_operators_and_the_policy() {
        for r in Role::ALL {
            for p in [Permission::ManageOperators, Permission::ManagePolicy] {
                assert_eq!(allows(&[r], p), r == Role::Admin, "{r} {p:?}");
            }
        }
    }

    #[test]
    fn the_case_permission_matrix() {
        use Permission::*;
        use Role::*;
        let table: [(Role, [bool; 6]); 6] = [
            //             catalog receive work  decide reassign all
            (WindowClerk, [false, true, true, false, false, false]),
            (ChiefRep, [false, true, true, true, true, false]),
            (Reviewer, [false, false, true, false, false, false]),
            (Cashier, [false, false, false, false, false, false]),
            (Supervisor, [false, false, false, false, false, true]),
            (Admin, [true, false, false, false, false, false]),
        ];
        let perms = [
            ManageCatalog,
            ReceiveCase,
            WorkCase,
            DecideInstant,
            ReassignCase,
            SeeAllCases,
        ];
        for (role, expected) in table {
            for (p, e) in perms.iter().zip(expected) {
                assert_eq!(allows(&[role], *p), e, "{role} {p:?}");
            }
        }
    }

    #[test]
    fn the_routing_permission_matrix() {
        use Permission::*;
        use Role::*;
        // Issue 14.9 and 14.10, role by role.
        let table: [(Role, [bool; 2]); 6] = [
            //             read  decide-branch
            (WindowClerk, [true, false]),
            (ChiefRep, [true, true]),
            (Reviewer, [true, true]),
            (Cashier, [false, false]),
            (Supervisor, [true, false]),
            (Admin, [false, false]),
        ];
        for (role, expected) in table {
            for (p, e) in [ReadRoute, DecideBranch].iter().zip(expected) {
                assert_eq!(allows(&[role], *p), e, "{role} {p:?}");
            }
        }
    }
}
