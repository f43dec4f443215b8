//! Everything that can happen to the UI, as one enum, and the database work it can ask for.

use chrono::{DateTime, Local};
use ratatui::crossterm::event::KeyEvent;

use crate::store::audit::AuditEntry;
use crate::store::departments::DepartmentRow;
use crate::store::operators::{LoginOutcome, Purpose};

#[derive(Debug, Clone)]
pub enum Action {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    /// The clock, once a second; drives the status bar time and the idle lock.
    Tick(DateTime<Local>),
    /// SIGTERM or SIGHUP (an SSH disconnect): leave at once, restoring the terminal.
    Terminate,
    Db(DbState),
    LoginDone {
        purpose: Purpose,
        result: Result<LoginOutcome, TaskError>,
    },
    DepartmentsLoaded(Result<Vec<DepartmentRow>, TaskError>),
    AuditLoaded(Result<Vec<AuditEntry>, TaskError>),
}

/// Database reachability, as the status bar shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbState {
    Connecting,
    Connected,
    Reconnecting,
}

/// A failed task: the message for the screen, and whether the server was unreachable (the UI
/// then retries by itself once the connection is back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskError {
    pub message: String,
    pub connection: bool,
}

impl From<crate::store::StoreError> for TaskError {
    fn from(e: crate::store::StoreError) -> Self {
        TaskError {
            connection: e.is_connection(),
            message: e.to_string(),
        }
    }
}

/// Database work the UI asks for. A new task of the same kind replaces one still running.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Task {
    Login {
        code: String,
        password: String,
        purpose: Purpose,
    },
    LoadDepartments,
    /// The audit trail as `viewer` may see it (the store checks the permission again).
    LoadAudit {
        viewer: i64,
    },
    /// Audit a session event (sign-out, idle lock); nothing comes back.
    RecordSession {
        operator_id: i64,
        action: &'static str,
    },
}

impl Task {
    /// Tasks of one kind replace each other; different kinds run side by side.
    pub fn kind(&self) -> &'static str {
        match self {
            Task::Login { .. } => "login",
            Task::LoadDepartments => "departments",
            Task::LoadAudit { .. } => "audit",
            Task::RecordSession { .. } => "session",
        }
    }
}
