//! Everything that can happen to the UI, as one enum, and the database work it can ask for.

use crate::domain::time::calendar::Thresholds;
use std::fmt;
use std::time::Duration;

use crate::domain::time::zone::CenterTime;
use ratatui::crossterm::event::KeyEvent;

use crate::store::accounts::departments::DepartmentRow;
use crate::store::accounts::manage::ChangeRefused;
use crate::store::accounts::operators::{LoginOutcome, Purpose};
use crate::store::audit::AuditEntry;
use crate::store::cases::lookup::{Access, Hit, Revealed};
use crate::store::cases::{After, CaseDetail, Intake, IntakeOutcome, Queue, QueueFilter, QueueRow};
use crate::store::catalogue::{Guide, ItemFilter, ItemRow, Material};
use crate::store::fees::Classified;
use crate::store::fees::exceptions::{DayTotals, Noted};
use crate::store::routing::view::{BranchRow, RouteView};
use crate::store::time::report::EfficiencyRow;
use crate::store::time::supervision::{BoardRow, NotificationRow};

#[derive(Debug, Clone)]
pub enum Action {
    Key(KeyEvent),
    Paste(String),
    Resize,
    /// Once a second: the wall clock for the status bar, and monotonic time since start for the
    /// idle lock.
    Tick {
        wall: CenterTime,
        mono: Duration,
    },
    /// How long the oldest database task has been running, in whole seconds, when that is at
    /// least one second; `None` when nothing has waited that long. Sent when it changes.
    Busy(Option<u64>),
    /// SIGTERM or SIGHUP (an SSH disconnect): leave at once, restoring the terminal.
    Terminate,
    Db(DbState),
    LoginDone {
        purpose: Purpose,
        result: Result<LoginOutcome, TaskError>,
    },
    DepartmentsLoaded(Result<Vec<DepartmentRow>, TaskError>),
    AuditLoaded(Result<Vec<AuditEntry>, TaskError>),
    /// A scope of the trading center's queue (shown only if it is still the scope on screen).
    TradingLoaded {
        scope: crate::store::trading::queue::Scope,
        result: Result<Vec<crate::store::trading::queue::QueueRow>, TaskError>,
    },
    /// A project of the trading center whole (boxed: much larger than the other actions).
    ProjectLoaded {
        code: String,
        result: Result<Box<crate::store::trading::view::ProjectView>, TaskError>,
    },
    /// The published notices, newest first.
    BulletinsLoaded(Result<Vec<crate::store::trading::notices::NoticeRow>, TaskError>),
    /// The deposit board: its head and the open refunds.
    DepositBoardLoaded(Result<DepositBoard, TaskError>),
    /// A refund prepared or approved: the message key.
    RefundChanged(Result<&'static str, TaskError>),
    /// The answer to a project's claim or give-back: `Ok(true)` done, `Ok(false)` someone else
    /// holds it or it is closed.
    TradeClaimDone {
        claim: bool,
        result: Result<bool, TaskError>,
    },
    /// The answer to "change my password": done, refused (which field, which rule), or failed.
    PasswordChanged(Result<Result<(), ChangeRefused>, TaskError>),
    QueueLoaded {
        which: Queue,
        /// A next page, to append; otherwise the rows replace what is shown.
        append: bool,
        result: Result<Vec<QueueRow>, TaskError>,
    },
    CatalogueLoaded(Result<Vec<ItemRow>, TaskError>),
    IntakeDone(Result<IntakeOutcome, TaskError>),
    CaseLoaded {
        case_id: i64,
        /// Boxed: a case is much larger than every other action.
        result: Result<Box<CaseDetail>, TaskError>,
    },
    Decided(Result<bool, TaskError>),
    GuideLoaded {
        item_id: i64,
        result: Result<(Guide, Vec<Material>), TaskError>,
    },
    /// The answer to a claim (`claim`) or release: `Ok(true)` done, `Ok(false)` someone else
    /// has it.
    ClaimDone {
        claim: bool,
        result: Result<bool, TaskError>,
    },
    BoardLoaded(Result<Vec<BoardRow>, TaskError>),
    /// My notifications (now marked read).
    NoticesLoaded(Result<Vec<NotificationRow>, TaskError>),
    UnreadLoaded(Result<i64, TaskError>),
    Acknowledged(Result<(), TaskError>),
    /// The answer of the lookup for `query` (shown only if it is still what is typed).
    LookupDone {
        query: String,
        result: Result<Vec<Hit>, TaskError>,
    },
    Revealed {
        case_id: i64,
        result: Result<Revealed, TaskError>,
    },
    AccessLoaded(Result<Vec<Access>, TaskError>),
    ReportLoaded(Result<Vec<EfficiencyRow>, TaskError>),
    /// A day's classified rows, and whether it is closed.
    ReconciliationLoaded {
        date: chrono::NaiveDate,
        result: Result<ReconDay, TaskError>,
    },
    /// My department's branches and lead decisions.
    RoutingLoaded(Result<Vec<BranchRow>, TaskError>),
    RouteLoaded {
        case_id: i64,
        result: Result<RouteView, TaskError>,
    },
    /// A routing step was taken: the message key.
    RouteChanged(Result<&'static str, TaskError>),
    /// A day closed or reopened: the message key.
    DayChanged(Result<&'static str, TaskError>),
    /// A suspension, resumption or extension: the message key of what was done.
    ClockChanged(Result<&'static str, TaskError>),
    /// Another onewindow changed something (a NOTIFY arrived), or the listener reconnected and
    /// anything may have changed.
    Changed {
        entity: String,
    },
}

/// The deposit board as one answer: the head and the open refunds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepositBoard {
    pub head: crate::store::trading::deposits::Board,
    pub refunds: Vec<crate::store::trading::refunds::RefundRow>,
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
    /// Refused by a permission check in the store: shown as a sentence, not as the error text.
    pub forbidden: bool,
    /// The input field the store refused (`StoreError::Invalid`), so a form can mark it.
    pub field: Option<&'static str>,
}

impl From<crate::store::StoreError> for TaskError {
    fn from(e: crate::store::StoreError) -> Self {
        TaskError {
            connection: e.is_connection(),
            forbidden: matches!(e, crate::store::StoreError::Forbidden(_)),
            field: match &e {
                crate::store::StoreError::Invalid { field, .. } => Some(*field),
                _ => None,
            },
            message: e.to_string(),
        }
    }
}

/// Database work the UI asks for. A new task of the same kind replaces one still running.
#[derive(Clone, PartialEq, Eq)]
pub enum Task {
    Login {
        code: String,
        password: String,
        purpose: Purpose,
    },
    /// The signed-in operator changes their own password.
    ChangePassword {
        operator_id: i64,
        old: String,
        new: String,
    },
    LoadDepartments,
    /// The audit trail as `viewer` may see it (the store checks the permission again).
    LoadTrading {
        viewer: i64,
        scope: crate::store::trading::queue::Scope,
    },
    ClaimTrade {
        viewer: i64,
        project: String,
    },
    LoadDepositBoard {
        viewer: i64,
    },
    LoadProject {
        viewer: i64,
        code: String,
    },
    /// The published notices: public, no viewer needed.
    LoadBulletins,
    PrepareRefund {
        viewer: i64,
        refund_id: i64,
        version: i32,
    },
    ApproveRefund {
        viewer: i64,
        refund_id: i64,
        version: i32,
    },
    GiveBackTrade {
        viewer: i64,
        project: String,
        version: i32,
    },
    LoadAudit {
        viewer: i64,
    },
    LoadQueue {
        viewer: i64,
        which: Queue,
        filter: QueueFilter,
        after: Option<After>,
    },
    LoadCatalogue {
        filter: ItemFilter,
    },
    Intake {
        viewer: i64,
        intake: Intake,
    },
    LoadCase {
        viewer: i64,
        case_id: i64,
    },
    /// The chief representative gives a case to another operator (by login code).
    Reassign {
        viewer: i64,
        case_id: i64,
        version: i32,
        to_code: String,
    },
    /// An instant decision at the window.
    Decide {
        viewer: i64,
        case_id: i64,
        version: i32,
        approve: bool,
        reason: String,
    },
    LoadGuide {
        item_id: i64,
    },
    Claim {
        viewer: i64,
        case_id: i64,
    },
    Release {
        viewer: i64,
        case_id: i64,
        version: i32,
    },
    /// Audit a session event (sign-out, idle lock); nothing comes back.
    RecordSession {
        operator_id: i64,
        action: &'static str,
    },
    /// Waits a moment, then looks the query up: a newer Lookup replaces it meanwhile.
    Lookup {
        viewer: i64,
        query: String,
    },
    Reveal {
        viewer: i64,
        case_id: i64,
        reason: String,
    },
    LoadAccess {
        viewer: i64,
    },
    LoadReport {
        viewer: i64,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    },
    LoadReconciliation {
        viewer: i64,
        date: chrono::NaiveDate,
    },
    CloseDay {
        viewer: i64,
        date: chrono::NaiveDate,
    },
    ReopenDay {
        viewer: i64,
        date: chrono::NaiveDate,
        reason: String,
    },
    LoadRouting {
        viewer: i64,
    },
    LoadRoute {
        viewer: i64,
        case_id: i64,
    },
    RouteStep {
        viewer: i64,
        step: RouteStep,
    },
    /// A cashier's manual action on a reconciliation exception.
    FeeAction {
        viewer: i64,
        action: FeeAction,
    },
    Suspend {
        viewer: i64,
        case_id: i64,
        version: i32,
        kind: &'static str,
        reason: String,
    },
    Resume {
        viewer: i64,
        case_id: i64,
        version: i32,
    },
    Extend {
        viewer: i64,
        case_id: i64,
        version: i32,
        days: i32,
        reason: String,
    },
    /// The overdue board, with the warning thresholds in force.
    LoadBoard {
        viewer: i64,
        thresholds: Thresholds,
    },
    /// My notifications; loading them marks them read.
    LoadNotices {
        viewer: i64,
    },
    LoadUnread {
        viewer: i64,
    },
    Acknowledge {
        viewer: i64,
        card_id: i64,
        comment: String,
    },
}

/// Never prints a password (tasks end up in logs and test failures).
impl fmt::Debug for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Task::Login { code, purpose, .. } => f
                .debug_struct("Login")
                .field("code", code)
                .field("password", &"****")
                .field("purpose", purpose)
                .finish(),
            Task::ChangePassword { operator_id, .. } => f
                .debug_struct("ChangePassword")
                .field("operator_id", operator_id)
                .finish(),
            Task::LoadDepartments => f.write_str("LoadDepartments"),
            // What was looked up is personal data: kept out of logs.
            Task::Lookup { viewer, query } => f
                .debug_struct("Lookup")
                .field("viewer", viewer)
                .field("query_chars", &query.chars().count())
                .finish(),
            Task::Reveal {
                viewer, case_id, ..
            } => f
                .debug_struct("Reveal")
                .field("viewer", viewer)
                .field("case_id", case_id)
                .finish(),
            Task::LoadAccess { viewer } => f
                .debug_struct("LoadAccess")
                .field("viewer", viewer)
                .finish(),
            Task::LoadReconciliation { viewer, date } | Task::CloseDay { viewer, date } => f
                .debug_struct("Reconciliation")
                .field("viewer", viewer)
                .field("date", date)
                .finish(),
            Task::LoadRouting { viewer } => f
                .debug_struct("LoadRouting")
                .field("viewer", viewer)
                .finish(),
            Task::LoadRoute { viewer, case_id } => f
                .debug_struct("LoadRoute")
                .field("viewer", viewer)
                .field("case_id", case_id)
                .finish(),
            Task::RouteStep { viewer, step } => f
                .debug_struct("RouteStep")
                .field("viewer", viewer)
                .field("step", step)
                .finish(),
            Task::FeeAction { viewer, action } => f
                .debug_struct("FeeAction")
                .field("viewer", viewer)
                .field("action", action)
                .finish(),
            Task::ReopenDay { viewer, date, .. } => f
                .debug_struct("ReopenDay")
                .field("viewer", viewer)
                .field("date", date)
                .finish(),
            Task::LoadReport { viewer, from, to } => f
                .debug_struct("LoadReport")
                .field("viewer", viewer)
                .field("from", from)
                .field("to", to)
                .finish(),
            Task::Suspend {
                viewer,
                case_id,
                kind,
                ..
            } => f
                .debug_struct("Suspend")
                .field("viewer", viewer)
                .field("case_id", case_id)
                .field("kind", kind)
                .finish(),
            Task::Resume {
                viewer, case_id, ..
            } => f
                .debug_struct("Resume")
                .field("viewer", viewer)
                .field("case_id", case_id)
                .finish(),
            Task::Extend {
                viewer,
                case_id,
                days,
                ..
            } => f
                .debug_struct("Extend")
                .field("viewer", viewer)
                .field("case_id", case_id)
                .field("days", days)
                .finish(),
            Task::LoadBoard { viewer, .. } => {
                f.debug_struct("LoadBoard").field("viewer", viewer).finish()
            }
            Task::LoadNotices { viewer } => f
                .debug_struct("LoadNotices")
                .field("viewer", viewer)
                .finish(),
            Task::LoadUnread { viewer } => f
                .debug_struct("LoadUnread")
                .field("viewer", viewer)
                .finish(),
            Task::Acknowledge {
                viewer, card_id, ..
            } => f
                .debug_struct("Acknowledge")
                .field("viewer", viewer)
                .field("card_id", card_id)
                .finish(),
            Task::LoadTrading { viewer, scope } => f
                .debug_struct("LoadTrading")
                .field("viewer", viewer)
                .field("scope", scope)
                .finish(),
            Task::LoadBulletins => f.write_str("LoadBulletins"),
            Task::LoadProject { viewer, code } => f
                .debug_struct("LoadProject")
                .field("viewer", viewer)
                .field("code", code)
                .finish(),
            Task::LoadDepositBoard { viewer } => f
                .debug_struct("LoadDepositBoard")
                .field("viewer", viewer)
                .finish(),
            Task::PrepareRefund {
                viewer, refund_id, ..
            } => f
                .debug_struct("PrepareRefund")
                .field("viewer", viewer)
                .field("refund_id", refund_id)
                .finish(),
            Task::ApproveRefund {
                viewer, refund_id, ..
            } => f
                .debug_struct("ApproveRefund")
                .field("viewer", viewer)
                .field("refund_id", refund_id)
                .finish(),
            Task::ClaimTrade { viewer, project } => f
                .debug_struct("ClaimTrade")
                .field("viewer", viewer)
                .field("project", project)
                .finish(),
            Task::GiveBackTrade {
                viewer,
                project,
                version,
            } => f
                .debug_struct("GiveBackTrade")
                .field("viewer", viewer)
                .field("project", project)
                .field("version", version)
                .finish(),
            Task::LoadAudit { viewer } => {
                f.debug_struct("LoadAudit").field("viewer", viewer).finish()
            }
            Task::LoadQueue { which, after, .. } => f
                .debug_struct("LoadQueue")
                .field("which", which)
                .field("after", after)
                .finish(),
            Task::LoadCatalogue { filter } => f
                .debug_struct("LoadCatalogue")
                .field("filter", filter)
                .finish(),
            Task::Reassign {
                case_id, to_code, ..
            } => f
                .debug_struct("Reassign")
                .field("case_id", case_id)
                .field("to_code", to_code)
                .finish(),
            Task::LoadCase { case_id, .. } => f
                .debug_struct("LoadCase")
                .field("case_id", case_id)
                .finish(),
            Task::Decide {
                case_id, approve, ..
            } => f
                .debug_struct("Decide")
                .field("case_id", case_id)
                .field("approve", approve)
                .finish(),
            Task::Intake { intake, .. } => f
                .debug_struct("Intake")
                .field("item_id", &intake.item_id)
                .finish(),
            Task::LoadGuide { item_id } => f
                .debug_struct("LoadGuide")
                .field("item_id", item_id)
                .finish(),
            Task::Claim { case_id, .. } => {
                f.debug_struct("Claim").field("case_id", case_id).finish()
            }
            Task::Release { case_id, .. } => {
                f.debug_struct("Release").field("case_id", case_id).finish()
            }
            Task::RecordSession {
                operator_id,
                action,
            } => f
                .debug_struct("RecordSession")
                .field("operator_id", operator_id)
                .field("action", action)
                .finish(),
        }
    }
}

impl Task {
    /// Tasks of one kind replace each other; different kinds run side by side.
    /// A read replaces the same kind still running (a repeated refresh does not pile up); a write
    /// never cancels another (issue 15.4: repeated key presses do not cancel each other), since
    /// a cancelled write may still commit and its answer would be lost.
    pub fn replaces_previous(&self) -> bool {
        matches!(
            self,
            Task::LoadDepartments
                | Task::LoadAudit { .. }
                | Task::LoadTrading { .. }
                | Task::LoadDepositBoard { .. }
                | Task::LoadProject { .. }
                | Task::LoadBulletins
                | Task::LoadQueue { .. }
                | Task::LoadCatalogue { .. }
                | Task::LoadGuide { .. }
                | Task::LoadCase { .. }
                | Task::LoadBoard { .. }
                | Task::Lookup { .. }
                | Task::LoadAccess { .. }
                | Task::LoadReport { .. }
                | Task::LoadReconciliation { .. }
                | Task::LoadRouting { .. }
                | Task::LoadRoute { .. }
                | Task::LoadNotices { .. }
                | Task::LoadUnread { .. }
        )
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Task::Login { .. } => "login",
            Task::ChangePassword { .. } => "password",
            Task::LoadDepartments => "departments",
            Task::LoadAudit { .. } => "audit",
            Task::LoadTrading { .. } => "trading",
            Task::ClaimTrade { .. } | Task::GiveBackTrade { .. } => "trade_claim",
            Task::LoadDepositBoard { .. } => "deposit_board",
            Task::LoadProject { .. } => "project",
            Task::LoadBulletins => "bulletins",
            Task::PrepareRefund { .. } | Task::ApproveRefund { .. } => "refund",
            Task::LoadQueue { .. } => "queue",
            Task::LoadCatalogue { .. } => "catalogue",
            Task::LoadGuide { .. } => "guide",
            Task::Intake { .. } => "intake",
            Task::LoadCase { .. } => "case",
            Task::Decide { .. } => "decide",
            Task::Claim { .. } | Task::Release { .. } | Task::Reassign { .. } => "claim",
            Task::RecordSession { .. } => "session",
            Task::LoadBoard { .. } => "board",
            Task::Lookup { .. } => "lookup",
            Task::Reveal { .. } => "reveal",
            Task::LoadAccess { .. } => "access",
            Task::LoadReport { .. } => "report",
            Task::LoadReconciliation { .. } => "reconciliation",
            Task::LoadRouting { .. } => "routing",
            Task::LoadRoute { .. } => "route",
            Task::RouteStep { .. } => "route_step",
            Task::CloseDay { .. } | Task::ReopenDay { .. } | Task::FeeAction { .. } => "day",
            Task::Suspend { .. } | Task::Resume { .. } | Task::Extend { .. } => "clock",
            Task::LoadNotices { .. } => "notices",
            Task::LoadUnread { .. } => "unread",
            Task::Acknowledge { .. } => "acknowledge",
        }
    }
}

/// One business day on the reconciliation screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconDay {
    /// Every classified row (the summary counts them all).
    pub rows: Vec<Classified>,
    pub closed: bool,
    /// Expected against received: the day's, and by department and item.
    pub totals: DayTotals,
}

/// A manual action on an exception (docs/reconciliation.md). The text a cashier typed is
/// reason or note; a link's line is "CODE reason".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeeAction {
    Link {
        receipt_id: i64,
        line: String,
    },
    Refund {
        receipt_id: i64,
        reason: String,
    },
    Note {
        date: chrono::NaiveDate,
        on: Noted,
        text: String,
    },
}

/// A step of parallel approval taken on the routing screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteStep {
    Claim {
        branch_id: i64,
    },
    Decide {
        branch_id: i64,
        verdict: crate::domain::routing::Verdict,
    },
    Lead {
        case_id: i64,
        verdict: crate::domain::routing::LeadVerdict,
    },
    /// The window records the applicant's supplements.
    Supplement {
        case_id: i64,
    },
    Withdraw {
        case_id: i64,
        reason: String,
    },
    Deliver {
        case_id: i64,
        by_post: bool,
    },
}
