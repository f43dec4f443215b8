//! Runs the UI's database tasks in the background and sends their results back as Actions.
//! A new read of a kind aborts the one still running (a repeated refresh does not pile up); writes
//! are never cancelled. How long the oldest task has run is kept for the status bar.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::PgPool;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use crate::domain::time::calendar::Thresholds;
use crate::store::{
    accounts, accounts::departments, accounts::operators, audit, cases, cases::lookup, catalogue,
    fees, fees::exceptions as fee_exceptions, routing, routing::view as routing_view,
    time::limits as time_limits, time::report, time::supervision,
    trading::deposits as trade_deposits, trading::queue as trade_queue,
    trading::refunds as trade_refunds,
};
use crate::ui::action::{
    Action, DbState, DepositBoard, FeeAction, ReconDay, RouteStep, Task, TaskError,
};

/// How many audit rows the audit screen shows.
const AUDIT_ROWS: i64 = 500;
/// The published notices shown: the newest.
const BULLETIN_ROWS: i64 = 500;
/// The deposit board's refunds: the nearest due dates.
const DEPOSIT_BOARD_ROWS: i64 = 500;
/// The trading queue's rows: the nearest next dates.
const TRADING_ROWS: i64 = 500;
/// The pause after a keystroke before the lookup queries.
const LOOKUP_PAUSE: Duration = Duration::from_millis(150);
/// Lookup results shown.
const LOOKUP_ROWS: i64 = 50;
/// How many notifications the list shows.
const NOTICE_ROWS: i64 = 500;
/// Rows per queue page; the next page loads when the selection reaches the end.
pub const QUEUE_PAGE: i64 = 200;

pub struct TaskRunner {
    pool: PgPool,
    tx: UnboundedSender<Action>,
    running: HashMap<&'static str, JoinHandle<()>>,
    in_flight: InFlight,
}

/// The start times of the tasks still running, so the status bar can say "waiting for the
/// database… 3 s" instead of looking frozen. Each task holds a ticket; finishing or being
/// aborted drops it, so an aborted task never counts forever.
#[derive(Clone, Default)]
pub struct InFlight {
    inner: Arc<Mutex<(u64, BTreeMap<u64, Instant>)>>,
}

/// One running task's place in [`InFlight`]; removed when dropped.
pub struct Ticket {
    id: u64,
    owner: InFlight,
}

impl InFlight {
    pub fn start(&self) -> Ticket {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        g.0 += 1;
        let id = g.0;
        g.1.insert(id, Instant::now());
        Ticket {
            id,
            owner: self.clone(),
        }
    }

    /// How long the oldest running task has waited.
    pub fn oldest(&self) -> Option<Duration> {
        let g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        g.1.values().min().map(|t| t.elapsed())
    }

    /// The status bar's figure: whole seconds, from one second on.
    pub fn busy_secs(&self) -> Option<u64> {
        self.oldest().map(|d| d.as_secs()).filter(|&s| s >= 1)
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut g = self.owner.inner.lock().unwrap_or_else(|e| e.into_inner());
        g.1.remove(&self.id);
    }
}

impl TaskRunner {
    pub fn new(pool: PgPool, tx: UnboundedSender<Action>) -> TaskRunner {
        TaskRunner {
            pool,
            tx,
            running: HashMap::new(),
            in_flight: InFlight::default(),
        }
    }

    /// Whole seconds the oldest running task has waited, from one second on.
    pub fn busy_secs(&self) -> Option<u64> {
        self.in_flight.busy_secs()
    }

    pub fn spawn(&mut self, task: Task) {
        let pool = self.pool.clone();
        let tx = self.tx.clone();
        let kind = task.kind();
        let replaces = task.replaces_previous();
        let ticket = self.in_flight.start();
        let handle = tokio::spawn(async move {
            let _ticket = ticket;
            let action = match task {
                Task::Login {
                    code,
                    password,
                    purpose,
                } => {
                    let result = operators::login(&pool, &code, &password, purpose)
                        .await
                        .map_err(TaskError::from);
                    Some(Action::LoginDone { purpose, result })
                }
                Task::ChangePassword {
                    operator_id,
                    old,
                    new,
                } => Some(Action::PasswordChanged(
                    accounts::manage::change_own_password(&pool, operator_id, &old, &new)
                        .await
                        .map_err(TaskError::from),
                )),
                Task::LoadDepartments => Some(Action::DepartmentsLoaded(
                    departments::list(&pool).await.map_err(TaskError::from),
                )),
                Task::LoadTrading { viewer, scope } => Some(Action::TradingLoaded {
                    scope,
                    result: trade_queue::list(&pool, viewer, scope, TRADING_ROWS)
                        .await
                        .map_err(TaskError::from),
                }),
                Task::LoadBulletins => Some(Action::BulletinsLoaded(
                    crate::store::trading::notices::list(&pool, BULLETIN_ROWS)
                        .await
                        .map_err(TaskError::from),
                )),
                Task::LoadProject { viewer, code } => Some(Action::ProjectLoaded {
                    result: crate::store::trading::view::project(&pool, viewer, &code)
                        .await
                        .map(Box::new)
                        .map_err(TaskError::from),
                    code,
                }),
                Task::LoadDepositBoard { viewer } => {
                    let result = async {
                        let head = trade_deposits::board(&pool, viewer).await?;
                        let refunds =
                            trade_refunds::list(&pool, viewer, true, DEPOSIT_BOARD_ROWS).await?;
                        Ok::<_, crate::store::StoreError>(DepositBoard { head, refunds })
                    }
                    .await
                    .map_err(TaskError::from);
                    Some(Action::DepositBoardLoaded(result))
                }
                Task::PrepareRefund {
                    viewer,
                    refund_id,
                    version,
                } => Some(Action::RefundChanged(
                    trade_refunds::prepare(&pool, viewer, refund_id, version)
                        .await
                        .map(|_| "deposits.prepared")
                        .map_err(TaskError::from),
                )),
                Task::ApproveRefund {
                    viewer,
                    refund_id,
                    version,
                } => Some(Action::RefundChanged(
                    trade_refunds::approve(&pool, viewer, refund_id, version)
                        .await
                        .map(|()| "deposits.approved")
                        .map_err(TaskError::from),
                )),
                Task::ClaimTrade { viewer, project } => Some(Action::TradeClaimDone {
                    claim: true,
                    result: trade_queue::claim(&pool, viewer, &project)
                        .await
                        .map(|o| o == trade_queue::ClaimOutcome::Claimed)
                        .map_err(TaskError::from),
                }),
                Task::GiveBackTrade {
                    viewer,
                    project,
                    version,
                } => Some(Action::TradeClaimDone {
                    claim: false,
                    result: trade_queue::give_back(&pool, viewer, &project, version)
                        .await
                        .map(|()| true)
                        .map_err(TaskError::from),
                }),
                Task::LoadAudit { viewer } => Some(Action::AuditLoaded(
                    audit::recent(&pool, viewer, AUDIT_ROWS)
                        .await
                        .map_err(TaskError::from),
                )),
                Task::LoadQueue {
                    viewer,
                    which,
                    filter,
                    after,
                } => Some(Action::QueueLoaded {
                    which,
                    append: after.is_some(),
                    result: cases::queue(&pool, viewer, which, &filter, after, QUEUE_PAGE)
                        .await
                        .map_err(TaskError::from),
                }),
                Task::Reassign {
                    viewer,
                    case_id,
                    version,
                    to_code,
                } => Some(Action::ClaimDone {
                    claim: false,
                    result: cases::reassign_to_code(&pool, viewer, case_id, version, &to_code)
                        .await
                        .map(|()| true)
                        .map_err(TaskError::from),
                }),
                Task::LoadCase { viewer, case_id } => Some(Action::CaseLoaded {
                    case_id,
                    result: cases::detail(&pool, viewer, case_id)
                        .await
                        .map(Box::new)
                        .map_err(TaskError::from),
                }),
                Task::Decide {
                    viewer,
                    case_id,
                    version,
                    approve,
                    reason,
                } => Some(Action::Decided(
                    cases::decide_instant(&pool, viewer, case_id, version, approve, &reason)
                        .await
                        .map(|()| approve)
                        .map_err(TaskError::from),
                )),
                Task::Intake { viewer, intake } => Some(Action::IntakeDone(
                    cases::intake(&pool, viewer, &intake)
                        .await
                        .map_err(TaskError::from),
                )),
                Task::LoadCatalogue { filter } => Some(Action::CatalogueLoaded(
                    catalogue::list(&pool, &filter)
                        .await
                        .map_err(TaskError::from),
                )),
                Task::LoadGuide { item_id } => {
                    let result = async {
                        let guide = catalogue::guide(&pool, item_id)
                            .await?
                            .ok_or(crate::store::StoreError::NotFound("item"))?;
                        Ok::<_, crate::store::StoreError>((
                            guide,
                            catalogue::materials(&pool, item_id).await?,
                        ))
                    }
                    .await
                    .map_err(TaskError::from);
                    Some(Action::GuideLoaded { item_id, result })
                }
                Task::Claim { viewer, case_id } => Some(Action::ClaimDone {
                    claim: true,
                    result: cases::claim(&pool, viewer, case_id)
                        .await
                        .map(|o| o == cases::ClaimOutcome::Claimed)
                        .map_err(TaskError::from),
                }),
                Task::Release {
                    viewer,
                    case_id,
                    version,
                } => Some(Action::ClaimDone {
                    claim: false,
                    result: cases::release(&pool, viewer, case_id, version)
                        .await
                        .map(|()| true)
                        .map_err(TaskError::from),
                }),
                Task::Lookup { viewer, query } => {
                    // Debounce: typing on replaces this task before the pause ends.
                    tokio::time::sleep(LOOKUP_PAUSE).await;
                    let result = lookup::lookup(&pool, viewer, &query, LOOKUP_ROWS)
                        .await
                        .map_err(TaskError::from);
                    Some(Action::LookupDone { query, result })
                }
                Task::Reveal {
                    viewer,
                    case_id,
                    reason,
                } => Some(Action::Revealed {
                    case_id,
                    result: lookup::reveal(&pool, viewer, case_id, &reason)
                        .await
                        .map_err(TaskError::from),
                }),
                Task::LoadReconciliation { viewer, date } => {
                    let result = async {
                        Ok::<_, crate::store::StoreError>(ReconDay {
                            rows: fees::classify(&pool, viewer, date).await?,
                            closed: fees::is_closed(&pool, date).await?,
                            totals: fee_exceptions::totals(&pool, viewer, date).await?,
                        })
                    }
                    .await;
                    Some(Action::ReconciliationLoaded {
                        date,
                        result: result.map_err(TaskError::from),
                    })
                }
                Task::CloseDay { viewer, date } => Some(Action::DayChanged(
                    fees::close_day(&pool, viewer, date)
                        .await
                        .map(|()| "recon.closed_now")
                        .map_err(TaskError::from),
                )),
                Task::LoadRouting { viewer } => Some(Action::RoutingLoaded(
                    routing_view::queue(&pool, viewer)
                        .await
                        .map_err(TaskError::from),
                )),
                Task::LoadRoute { viewer, case_id } => Some(Action::RouteLoaded {
                    case_id,
                    result: routing_view::route(&pool, viewer, case_id)
                        .await
                        .map_err(TaskError::from),
                }),
                Task::RouteStep { viewer, step } => Some(Action::RouteChanged(
                    route_step(&pool, viewer, step)
                        .await
                        .map_err(TaskError::from),
                )),
                Task::FeeAction { viewer, action } => Some(Action::DayChanged(
                    fee_action(&pool, viewer, action)
                        .await
                        .map_err(TaskError::from),
                )),
                Task::ReopenDay {
                    viewer,
                    date,
                    reason,
                } => Some(Action::DayChanged(
                    fees::reopen_day(&pool, viewer, date, &reason)
                        .await
                        .map(|()| "recon.reopened")
                        .map_err(TaskError::from),
                )),
                Task::LoadReport { viewer, from, to } => Some(Action::ReportLoaded(
                    report::efficiency(&pool, viewer, from, to)
                        .await
                        .map_err(TaskError::from),
                )),
                Task::LoadAccess { viewer } => Some(Action::AccessLoaded(
                    lookup::access_log(&pool, viewer, AUDIT_ROWS)
                        .await
                        .map_err(TaskError::from),
                )),
                Task::Suspend {
                    viewer,
                    case_id,
                    version,
                    kind,
                    reason,
                } => Some(Action::ClockChanged(
                    time_limits::suspend(&pool, viewer, case_id, version, kind, &reason)
                        .await
                        .map(|()| "clock.suspended")
                        .map_err(TaskError::from),
                )),
                Task::Resume {
                    viewer,
                    case_id,
                    version,
                } => Some(Action::ClockChanged(
                    time_limits::resume(&pool, viewer, case_id, version)
                        .await
                        .map(|_| "clock.resumed")
                        .map_err(TaskError::from),
                )),
                Task::Extend {
                    viewer,
                    case_id,
                    version,
                    days,
                    reason,
                } => Some(Action::ClockChanged(
                    time_limits::extend(&pool, viewer, case_id, version, days, &reason)
                        .await
                        .map(|_| "clock.extended")
                        .map_err(TaskError::from),
                )),
                Task::LoadBoard { viewer, thresholds } => Some(Action::BoardLoaded(
                    supervision::board(&pool, viewer, thresholds)
                        .await
                        .map_err(TaskError::from),
                )),
                Task::LoadNotices { viewer } => {
                    let rows = supervision::notifications(&pool, viewer, NOTICE_ROWS).await;
                    let rows = match rows {
                        Ok(r) => supervision::mark_read(&pool, viewer).await.map(|_| r),
                        Err(e) => Err(e),
                    };
                    Some(Action::NoticesLoaded(rows.map_err(TaskError::from)))
                }
                Task::LoadUnread { viewer } => Some(Action::UnreadLoaded(
                    supervision::unread(&pool, viewer)
                        .await
                        .map_err(TaskError::from),
                )),
                Task::Acknowledge {
                    viewer,
                    card_id,
                    comment,
                } => Some(Action::Acknowledged(
                    supervision::acknowledge(&pool, viewer, card_id, &comment)
                        .await
                        .map_err(TaskError::from),
                )),
                Task::RecordSession {
                    operator_id,
                    action,
                } => {
                    if let Err(e) = operators::record_session(&pool, operator_id, action).await {
                        tracing::warn!("could not audit {action} of operator {operator_id}: {e}");
                    }
                    None
                }
            };
            if let Some(a) = action {
                let _ = tx.send(a);
            }
        });
        // A read replaces its predecessor; writes (session records included) all run to the end.
        if replaces && let Some(old) = self.running.insert(kind, handle) {
            old.abort();
        }
    }
}

/// Watches the connection: a cheap query every few seconds (every second while it is down),
/// reporting the result of every probe (the app ignores repeats), so the UI never keeps a stale
/// state set by a failed task. The pool reconnects by itself; this only observes.
pub fn spawn_health_monitor(pool: PgPool, tx: UnboundedSender<Action>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut last: Option<DbState> = None;
        loop {
            let ok = matches!(
                tokio::time::timeout(
                    Duration::from_secs(3),
                    sqlx::query_scalar::<_, i32>("select 1").fetch_one(&pool)
                )
                .await,
                Ok(Ok(1))
            );
            let state = if ok {
                DbState::Connected
            } else {
                DbState::Reconnecting
            };
            if last != Some(state) {
                tracing::info!("database state: {state:?}");
                last = Some(state);
            }
            if tx.send(Action::Db(state)).is_err() {
                return;
            }
            let pause = if ok { 3 } else { 1 };
            tokio::time::sleep(Duration::from_secs(pause)).await;
        }
    })
}

/// Listens for NOTIFY on the `onewindow` channel and turns each into `Action::Changed`, so every
/// running onewindow sees other operators' changes within a moment. After the listener's
/// connection drops it reconnects by itself; a `Changed` for every entity is then sent, since
/// notifications sent meanwhile are lost and the screen must reload.
pub fn spawn_listener(pool: PgPool, tx: UnboundedSender<Action>) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let mut listener = match sqlx::postgres::PgListener::connect_with(&pool).await {
                Ok(l) => l,
                Err(_) => {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            if listener.listen("onewindow").await.is_err() {
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
            // Anything may have changed while we were not listening.
            if tx.send(Action::Changed { entity: "*".into() }).is_err() {
                return;
            }
            // Ok(None) or an error: the connection dropped; reconnect (and reload, above).
            while let Ok(Some(n)) = listener.try_recv().await {
                let entity = serde_json::from_str::<serde_json::Value>(n.payload())
                    .ok()
                    .and_then(|v| v["entity"].as_str().map(str::to_string))
                    .unwrap_or_else(|| "*".into());
                if tx.send(Action::Changed { entity }).is_err() {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    })
}

/// Every running TUI takes part in electronic supervision: a run shortly after start, then every
/// few minutes. The advisory lock in `supervision::run` lets one issuer act at a time; the
/// others return at once. Cards reach every screen through NOTIFY.
pub fn spawn_supervisor(pool: PgPool, thresholds: Thresholds) -> JoinHandle<()> {
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(10)).await;
        loop {
            match supervision::run(&pool, thresholds).await {
                Ok(r) if r.yellow + r.red > 0 => tracing::info!(
                    "supervision: {} yellow, {} red cards, {} notifications",
                    r.yellow,
                    r.red,
                    r.notifications
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!("supervision run failed: {e}"),
            }
            tokio::time::sleep(Duration::from_secs(300)).await;
        }
    })
}

/// Runs a cashier's action on an exception; the message key of what was done.
async fn fee_action(
    pool: &sqlx::PgPool,
    viewer: i64,
    action: FeeAction,
) -> Result<&'static str, crate::store::StoreError> {
    match action {
        FeeAction::Link { receipt_id, line } => {
            let line = line.trim();
            let (code, reason) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            fee_exceptions::link(pool, viewer, receipt_id, code, reason).await?;
            Ok("recon.linked")
        }
        FeeAction::Refund { receipt_id, reason } => {
            fee_exceptions::mark_refund(pool, viewer, receipt_id, &reason).await?;
            Ok("recon.refund_marked")
        }
        FeeAction::Note { date, on, text } => {
            fee_exceptions::annotate(pool, viewer, date, on, &text).await?;
            Ok("recon.noted")
        }
    }
}

/// Takes a routing step; the message key of what was done.
async fn route_step(
    pool: &sqlx::PgPool,
    viewer: i64,
    step: RouteStep,
) -> Result<&'static str, crate::store::StoreError> {
    use crate::domain::routing::Next;
    Ok(match step {
        RouteStep::Claim { branch_id } => {
            if routing::claim_branch(pool, viewer, branch_id).await? {
                "route.claimed"
            } else {
                "route.taken"
            }
        }
        RouteStep::Decide { branch_id, verdict } => {
            match routing::decide_branch(pool, viewer, branch_id, verdict, "")
                .await?
                .next
            {
                Next::Wait => "route.decided",
                Next::Stage(_) => "route.next_stage",
                Next::Lead { .. } => "route.to_lead",
                Next::Suspend => "route.suspended",
            }
        }
        RouteStep::Lead { case_id, verdict } => {
            routing::lead_decide(pool, viewer, case_id, verdict).await?;
            "route.lead_decided"
        }
        RouteStep::Supplement { case_id } => {
            routing::supplement(pool, viewer, case_id).await?;
            "route.supplemented"
        }
        RouteStep::Withdraw { case_id, reason } => {
            routing::withdraw(pool, viewer, case_id, &reason).await?;
            "route.withdrawn"
        }
        RouteStep::Deliver { case_id, by_post } => {
            routing::deliver(pool, viewer, case_id, by_post).await?;
            "route.delivered"
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finished_or_aborted_task_stops_counting() {
        let f = InFlight::default();
        assert_eq!(f.oldest(), None);
        let a = f.start();
        let b = f.start();
        assert!(f.oldest().is_some());
        drop(a);
        assert!(f.oldest().is_some(), "b still runs");
        drop(b);
        assert_eq!(f.oldest(), None);
        assert_eq!(f.busy_secs(), None);
    }

    #[test]
    fn busy_is_said_from_one_second_on() {
        let f = InFlight::default();
        let t = f.start();
        assert_eq!(f.busy_secs(), None, "a fresh task is not 'waiting'");
        // Back-date the ticket instead of sleeping in a test.
        f.inner
            .lock()
            .unwrap()
            .1
            .insert(t.id, Instant::now() - Duration::from_secs(3));
        assert_eq!(f.busy_secs(), Some(3));
    }
}
