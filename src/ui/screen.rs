//! The screens: their names on the command line, their titles, and the keymap contexts each
//! one searches.

use crate::ui::keymap::Context;

/// The screens reachable by name from the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Home,
    Intake,
    Queue,
    Catalogue,
    Departments,
    Audit,
    /// The overdue board (supervisors).
    Overdue,
    /// My notifications: warning cards sent to me.
    Notices,
    /// Who read which applicant's personal data, and why (supervisors).
    Access,
    /// The efficiency evaluation, a month at a time (supervisors and administrators).
    Report,
    /// Night-shift reconciliation of a business day (cashiers, supervisors).
    Reconcile,
    /// Parallel approval: my department's branches and lead decisions, and a case's route.
    Routing,
    /// The trading center's queue of projects (trading staff, supervisors, administrators).
    Trading,
    /// The deposit board: statement lines by class, refunds by due date (deposit staff,
    /// supervisors).
    Deposits,
    /// The trading center's published notices (公告公示), newest first: public, for everyone.
    Bulletins,
}

impl Screen {
    pub const ALL: [Screen; 15] = [
        Screen::Home,
        Screen::Intake,
        Screen::Queue,
        Screen::Routing,
        Screen::Notices,
        Screen::Overdue,
        Screen::Catalogue,
        Screen::Departments,
        Screen::Report,
        Screen::Reconcile,
        Screen::Trading,
        Screen::Deposits,
        Screen::Bulletins,
        Screen::Audit,
        Screen::Access,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Screen::Home => "home",
            Screen::Intake => "intake",
            Screen::Queue => "queue",
            Screen::Catalogue => "catalogue",
            Screen::Departments => "departments",
            Screen::Audit => "audit",
            Screen::Overdue => "overdue",
            Screen::Notices => "notices",
            Screen::Access => "access",
            Screen::Report => "report",
            Screen::Reconcile => "reconcile",
            Screen::Routing => "routing",
            Screen::Trading => "trading",
            Screen::Deposits => "deposits",
            Screen::Bulletins => "bulletins",
        }
    }
    pub fn title_key(self) -> &'static str {
        match self {
            Screen::Home => "screen.home",
            Screen::Intake => "screen.intake",
            Screen::Queue => "screen.queue",
            Screen::Catalogue => "screen.catalogue",
            Screen::Departments => "screen.departments",
            Screen::Audit => "screen.audit",
            Screen::Overdue => "screen.overdue",
            Screen::Notices => "screen.notices",
            Screen::Access => "screen.access",
            Screen::Report => "screen.report",
            Screen::Reconcile => "screen.reconcile",
            Screen::Routing => "screen.routing",
            Screen::Trading => "screen.trading",
            Screen::Deposits => "screen.deposits",
            Screen::Bulletins => "screen.bulletins",
        }
    }
    pub(crate) fn contexts(self) -> Vec<Context> {
        match self {
            Screen::Home => vec![Context::Home],
            Screen::Intake => vec![],
            Screen::Queue => vec![Context::Queue, Context::List],
            Screen::Catalogue
            | Screen::Departments
            | Screen::Audit
            | Screen::Overdue
            | Screen::Access => {
                vec![Context::List]
            }
            Screen::Trading => vec![Context::Trading, Context::List],
            Screen::Deposits => vec![Context::Deposits, Context::List],
            Screen::Bulletins => vec![Context::List],
            Screen::Notices => vec![Context::Notices, Context::List],
            Screen::Report => vec![Context::Report, Context::List],
            Screen::Reconcile => vec![Context::Reconcile, Context::Report, Context::List],
            Screen::Routing => vec![Context::Routing, Context::List],
        }
    }
}
