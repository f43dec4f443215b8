//! Who may do what. The store enforces these against the roles read from the database inside the
//! transaction; the UI uses the same rules only to hide what would be refused anyway.

use super::role::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Read the audit trail: supervisors (electronic supervision) and administrators.
    ReadAudit,
}

pub fn allows(roles: &[Role], p: Permission) -> bool {
    match p {
        Permission::ReadAudit => roles
            .iter()
            .any(|r| matches!(r, Role::Supervisor | Role::Admin)),
    }
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
}
