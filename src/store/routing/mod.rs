//! **routing** — the database side. Parallel approval (并联审批): stages of department branches, the
//! join and the lead department's decision.
//!
//! Rules kept: Branches decided at the same instant join exactly once; the state machine in
//! domain::routing decides what follows.
//! Docs: docs/routing.md.
//!
//! Parallel approval (并联审批) in the database: fan-out on acceptance, branch claims and
//! decisions, the join, the lead department's decision, supplements, withdrawal and delivery.
//! Every step is one transaction: permission, the case's route row locked (so branches decided
//! at the same instant join exactly once), the rule from `domain::routing`, the change, the
//! audit row and its NOTIFY (docs/routing.md).

pub mod view;

use chrono::NaiveDate;
use serde_json::json;
use sqlx::{PgConnection, PgPool};

use crate::domain::accounts::permission::{Permission, allows};
use crate::domain::routing::{
    self, BranchState, LeadVerdict, Next, RouteError, RouteState, Verdict,
};
use crate::store::StoreError;
use crate::store::accounts::permission::{Actor, actor};
use crate::store::audit::{self, NewAudit};
use crate::store::{time::calendar, time::limits as time_limits};

impl From<RouteError> for StoreError {
    fn from(e: RouteError) -> Self {
        match e {
            RouteError::Missing(field) => StoreError::Invalid {
                field,
                reason: format!("{field} is required"),
            },
            other => StoreError::Conflict(other.to_string()),
        }
    }
}

async fn audit_route(
    conn: &mut PgConnection,
    operator_id: impl Into<Option<i64>>,
    case_id: i64,
    action: &str,
    detail: serde_json::Value,
) -> Result<(), StoreError> {
    audit::append(
        conn,
        NewAudit {
            operator_id: operator_id.into(),
            action,
            entity: "case",
            entity_id: Some(case_id.to_string()),
            detail,
        },
    )
    .await?;
    Ok(())
}

/// Opens the branches of one stage, each with its reply limit on the center's calendar.
async fn open_stage(
    conn: &mut PgConnection,
    case_id: i64,
    template_id: i64,
    stage: i32,
) -> Result<(), StoreError> {
    let cal = calendar::load(&mut *conn).await?;
    let today = calendar::today(&mut *conn).await?;
    let branches: Vec<(i64, i32)> = sqlx::query_as(
        "select department_id, reply_days from routing_template_branches
         where template_id = $1 and stage = $2 order by department_id",
    )
    .bind(template_id)
    .bind(stage)
    .fetch_all(&mut *conn)
    .await?;
    for (department_id, days) in branches {
        let due = cal.add_working_days(today, days.max(1) as u32).date;
        sqlx::query(
            "insert into case_branches (case_id, stage, department_id, reply_due)
             values ($1, $2, $3, $4)
             on conflict (case_id, stage, department_id)
             do update set state = 'open', opened_at = now(), reply_due = excluded.reply_due,
                           claimed_by = null, claimed_at = null, opinion = null, missing = null,
                           decided_by = null, decided_at = null,
                           version = case_branches.version + 1",
        )
        .bind(case_id)
        .bind(stage)
        .bind(department_id)
        .bind(due)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// On acceptance, inside the intake's transaction: a case of an item with a routing template
/// takes the newest version and fans out to the departments of its first stage. Returns whether
/// it was routed.
pub(super) async fn fan_out(
    conn: &mut PgConnection,
    case_id: i64,
    item_id: i64,
) -> Result<bool, StoreError> {
    let template: Option<i64> = sqlx::query_scalar(
        "select template_id from routing_templates where item_id = $1
         order by version desc limit 1",
    )
    .bind(item_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(template_id) = template else {
        return Ok(false);
    };
    let (state, stage) = RouteState::Review { stage: 1 }.to_db();
    sqlx::query(
        "insert into case_routes (case_id, template_id, state, stage) values ($1, $2, $3, $4)",
    )
    .bind(case_id)
    .bind(template_id)
    .bind(state)
    .bind(stage)
    .execute(&mut *conn)
    .await?;
    open_stage(conn, case_id, template_id, 1).await?;
    Ok(true)
}

/// The route row, locked: the one lock every step of a case takes first.
struct Locked {
    template_id: i64,
    state: RouteState,
    lead_department_id: i64,
    last_stage: i32,
}

async fn lock_route(conn: &mut PgConnection, case_id: i64) -> Result<Locked, StoreError> {
    let row: Option<(i64, String, i32, i64, i32)> = sqlx::query_as(
        "select r.template_id, r.state, r.stage, t.lead_department_id,
                (select max(stage) from routing_template_branches b
                  where b.template_id = r.template_id)
         from case_routes r join routing_templates t using (template_id)
         where r.case_id = $1 for update of r",
    )
    .bind(case_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (template_id, state, stage, lead_department_id, last_stage) =
        row.ok_or(StoreError::NotFound("routed case"))?;
    Ok(Locked {
        template_id,
        state: RouteState::from_db(&state, stage)
            .ok_or_else(|| StoreError::Conflict(format!("unknown route state {state}")))?,
        lead_department_id,
        last_stage,
    })
}

async fn set_state(
    conn: &mut PgConnection,
    case_id: i64,
    state: RouteState,
) -> Result<(), StoreError> {
    let (s, stage) = state.to_db();
    sqlx::query(
        "update case_routes set state = $2, stage = $3, updated_at = now(),
             closed_at = case when $2 in ('delivered', 'withdrawn') then now() end,
             version = version + 1
         where case_id = $1",
    )
    .bind(case_id)
    .bind(s)
    .bind(stage)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Claims a branch for its department's reviewer. `Ok(false)`: someone else has it.
pub async fn claim_branch(
    pool: &PgPool,
    operator_id: i64,
    branch_id: i64,
) -> Result<bool, StoreError> {
    let mut tx = pool.begin().await?;
    let me = actor(&mut *tx, operator_id).await?;
    me.require(Permission::DecideBranch)?;
    let case_id: Option<i64> = sqlx::query_scalar(
        "update case_branches set claimed_by = $2, claimed_at = now(), version = version + 1
         where branch_id = $1 and department_id = $3 and state = 'open' and claimed_by is null
         returning case_id",
    )
    .bind(branch_id)
    .bind(operator_id)
    .bind(me.department_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(case_id) = case_id else {
        let dept: Option<i64> =
            sqlx::query_scalar("select department_id from case_branches where branch_id = $1")
                .bind(branch_id)
                .fetch_optional(&mut *tx)
                .await?;
        return match dept {
            None => Err(StoreError::NotFound("branch")),
            Some(d) if d != me.department_id => {
                Err(StoreError::Forbidden(Permission::DecideBranch))
            }
            Some(_) => Ok(false),
        };
    };
    audit_route(
        &mut tx,
        operator_id,
        case_id,
        "branch.claim",
        json!({ "branch": branch_id }),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// What a branch decision led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decided {
    pub branch: BranchState,
    /// The join's answer (Wait when other branches are still open).
    pub next: Next,
    pub case: RouteState,
}

/// A reviewer of the branch's department decides it, with an opinion. The case's route row is
/// locked first, so of branches decided at the same instant exactly one sees the stage complete
/// and joins.
pub async fn decide_branch(
    pool: &PgPool,
    operator_id: i64,
    branch_id: i64,
    verdict: Verdict,
    opinion: &str,
) -> Result<Decided, StoreError> {
    let mut tx = pool.begin().await?;
    let me = actor(&mut *tx, operator_id).await?;
    me.require(Permission::DecideBranch)?;
    let case_id: i64 = sqlx::query_scalar("select case_id from case_branches where branch_id = $1")
        .bind(branch_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound("branch"))?;
    let route = lock_route(&mut tx, case_id).await?;
    let (stage, department_id, state, claimed_by): (i32, i64, String, Option<i64>) =
        sqlx::query_as(
            "select stage, department_id, state, claimed_by from case_branches
             where branch_id = $1",
        )
        .bind(branch_id)
        .fetch_one(&mut *tx)
        .await?;
    if department_id != me.department_id {
        return Err(StoreError::Forbidden(Permission::DecideBranch));
    }
    // The holder decides; a chief representative of the department may decide any.
    let chief = allows(&me.roles, Permission::ReassignCase);
    if claimed_by.is_some_and(|c| c != operator_id) && !chief {
        return Err(StoreError::Conflict(
            "another reviewer holds this branch".into(),
        ));
    }
    let before = BranchState::parse(&state).unwrap_or(BranchState::Closed);
    let after = routing::decide(route.state, before, stage, &verdict)?;
    let (reason, missing) = match &verdict {
        Verdict::Agree => (None, None),
        Verdict::Disagree { reason } => (Some(reason.trim().to_string()), None),
        Verdict::Correction { missing } => (None, Some(missing.trim().to_string())),
    };
    let opinion = match (&reason, opinion.trim()) {
        (Some(r), "") => r.clone(),
        (_, o) => o.to_string(),
    };
    sqlx::query(
        "update case_branches set state = $2, opinion = nullif($3, ''), missing = $4,
             decided_by = $5, decided_at = now(), claimed_by = coalesce(claimed_by, $5),
             version = version + 1
         where branch_id = $1",
    )
    .bind(branch_id)
    .bind(after.as_str())
    .bind(&opinion)
    .bind(&missing)
    .bind(operator_id)
    .execute(&mut *tx)
    .await?;
    audit_route(
        &mut tx,
        operator_id,
        case_id,
        "branch.decide",
        json!({ "branch": branch_id, "stage": stage, "decision": after.as_str(),
                "opinion": opinion, "missing": missing }),
    )
    .await?;
    let (next, case) = join(&mut tx, Some(operator_id), case_id, &route, stage).await?;
    tx.commit().await?;
    Ok(Decided {
        branch: after,
        next,
        case,
    })
}

/// The join of `stage`, under the route lock: reads the stage's branches as they now stand and
/// applies what the domain says follows.
async fn join(
    conn: &mut PgConnection,
    operator_id: Option<i64>,
    case_id: i64,
    route: &Locked,
    stage: i32,
) -> Result<(Next, RouteState), StoreError> {
    let states: Vec<String> =
        sqlx::query_scalar("select state from case_branches where case_id = $1 and stage = $2")
            .bind(case_id)
            .bind(stage)
            .fetch_all(&mut *conn)
            .await?;
    let expected: i64 = sqlx::query_scalar(
        "select count(*) from routing_template_branches where template_id = $1 and stage = $2",
    )
    .bind(route.template_id)
    .bind(stage)
    .fetch_one(&mut *conn)
    .await?;
    let branches: Vec<BranchState> = states
        .iter()
        .map(|s| BranchState::parse(s).unwrap_or(BranchState::Closed))
        .collect();
    let next = routing::join(stage, route.last_stage, expected as usize, &branches)?;
    let case = routing::after(route.state, next);
    match next {
        Next::Wait => return Ok((next, case)),
        Next::Stage(n) => open_stage(conn, case_id, route.template_id, n).await?,
        Next::Suspend => {
            let missing: Vec<String> = sqlx::query_scalar(
                "select missing from case_branches
                 where case_id = $1 and stage = $2 and state = 'correction'",
            )
            .bind(case_id)
            .bind(stage)
            .fetch_all(&mut *conn)
            .await?;
            // The time limit stops while the applicant gathers what is missing. Only a
            // reviewer asks for a correction; the supervision run never does.
            let Some(by) = operator_id else {
                return Err(StoreError::Conflict("a correction needs a reviewer".into()));
            };
            time_limits::stop_clock(conn, by, case_id, "correction", &missing.join("；")).await?;
        }
        Next::Lead { .. } => {}
    }
    set_state(conn, case_id, case).await?;
    audit_route(
        conn,
        operator_id,
        case_id,
        "route.join",
        json!({ "stage": stage, "next": format!("{next:?}"), "state": case.to_db().0 }),
    )
    .await?;
    Ok((next, case))
}

fn lead_of(me: &Actor, route: &Locked) -> Result<(), StoreError> {
    me.require(Permission::DecideInstant)?;
    if me.department_id != route.lead_department_id {
        return Err(StoreError::Forbidden(Permission::DecideInstant));
    }
    Ok(())
}

/// The lead department's final decision (a chief representative of it): the case's status
/// follows, and an item that charges on approval is assessed.
pub async fn lead_decide(
    pool: &PgPool,
    operator_id: i64,
    case_id: i64,
    verdict: LeadVerdict,
) -> Result<RouteState, StoreError> {
    let mut tx = pool.begin().await?;
    let me = actor(&mut *tx, operator_id).await?;
    let route = lock_route(&mut tx, case_id).await?;
    lead_of(&me, &route)?;
    let after = routing::lead_decide(route.state, &verdict)?;
    let (doc, reason, responsibility) = match &verdict {
        LeadVerdict::Approve { document_no } => (Some(document_no.trim()), None, None),
        LeadVerdict::Disapprove { reason } => (None, Some(reason.trim()), None),
        LeadVerdict::ApproveAnyway {
            document_no,
            responsibility,
        } => (Some(document_no.trim()), None, Some(responsibility.trim())),
    };
    let approved = matches!(after, RouteState::Decided { approved: true });
    set_state(&mut tx, case_id, after).await?;
    sqlx::query(
        "update case_routes set result_document_no = $2, decision_reason = $3,
             responsibility = $4, decided_by = $5, decided_at = now()
         where case_id = $1",
    )
    .bind(case_id)
    .bind(doc)
    .bind(reason)
    .bind(responsibility)
    .bind(operator_id)
    .execute(&mut *tx)
    .await?;
    let item_id: i64 = sqlx::query_scalar(
        "update cases set status = $2::case_status, decided_at = now(), decided_by = $3,
             decision_reason = $4, version = version + 1
         where case_id = $1 returning item_id",
    )
    .bind(case_id)
    .bind(if approved { "approved" } else { "disapproved" })
    .bind(operator_id)
    .bind(reason.or(responsibility))
    .fetch_one(&mut *tx)
    .await?;
    audit_route(
        &mut tx,
        operator_id,
        case_id,
        if approved {
            "case.approve"
        } else {
            "case.disapprove"
        },
        json!({ "document_no": doc, "reason": reason, "responsibility": responsibility,
                "over_disagreement": responsibility.is_some() }),
    )
    .await?;
    if approved {
        crate::store::fees::assess(
            &mut tx,
            operator_id,
            case_id,
            item_id,
            crate::store::fees::FeeMoment::Approval,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(after)
}

/// The opening of a step taken at the window (supplements, withdrawal, delivery): window
/// staff only, the case's route locked.
async fn window_step(
    pool: &PgPool,
    operator_id: i64,
    case_id: i64,
) -> Result<(sqlx::Transaction<'static, sqlx::Postgres>, Locked), StoreError> {
    let mut tx = pool.begin().await?;
    actor(&mut *tx, operator_id)
        .await?
        .require(Permission::ReceiveCase)?;
    let route = lock_route(&mut tx, case_id).await?;
    Ok((tx, route))
}

/// The window records the applicant's supplements: the clock restarts, the case resumes its
/// stage and the branches that asked reopen.
pub async fn supplement(
    pool: &PgPool,
    operator_id: i64,
    case_id: i64,
) -> Result<NaiveDate, StoreError> {
    let (mut tx, route) = window_step(pool, operator_id, case_id).await?;
    let after = routing::supplement(route.state)?;
    let RouteState::Review { stage } = after else {
        return Err(StoreError::Conflict(
            "the case is not waiting for supplements".into(),
        ));
    };
    sqlx::query(
        "update case_branches set state = 'open', decided_by = null, decided_at = null,
             version = version + 1
         where case_id = $1 and stage = $2 and state = 'correction'",
    )
    .bind(case_id)
    .bind(stage)
    .execute(&mut *tx)
    .await?;
    let (days, due) = time_limits::restart_clock_of(&mut tx, operator_id, case_id).await?;
    set_state(&mut tx, case_id, after).await?;
    audit_route(
        &mut tx,
        operator_id,
        case_id,
        "route.supplement",
        json!({ "stage": stage, "suspended_working_days": days, "due": due }),
    )
    .await?;
    tx.commit().await?;
    Ok(due)
}

/// The applicant withdraws (撤回): recorded with the reason; open branches close.
pub async fn withdraw(
    pool: &PgPool,
    operator_id: i64,
    case_id: i64,
    reason: &str,
) -> Result<(), StoreError> {
    if reason.trim().is_empty() {
        return Err(StoreError::Invalid {
            field: "reason",
            reason: "a withdrawal is recorded with what the applicant said".into(),
        });
    }
    let (mut tx, route) = window_step(pool, operator_id, case_id).await?;
    let after = routing::withdraw(route.state)?;
    let closed = sqlx::query(
        "update case_branches set state = 'closed', version = version + 1
         where case_id = $1 and state in ('open', 'correction')",
    )
    .bind(case_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    set_state(&mut tx, case_id, after).await?;
    sqlx::query("update case_routes set withdrawn_reason = $2 where case_id = $1")
        .bind(case_id)
        .bind(reason.trim())
        .execute(&mut *tx)
        .await?;
    // A suspension still open ends with the case (its days no longer matter).
    sqlx::query(
        "update case_suspensions set ended_at = now(), ended_by = $2, working_days = 0
         where case_id = $1 and ended_at is null",
    )
    .bind(case_id)
    .bind(operator_id)
    .execute(&mut *tx)
    .await?;
    // The case is no longer open: out of the queues, no clock, no cards. Who and when are in
    // the route row and the audit trail (decided_at belongs to decisions).
    sqlx::query(
        "update cases set status = 'withdrawn', decision_reason = $2, suspended = false,
             version = version + 1
         where case_id = $1",
    )
    .bind(case_id)
    .bind(reason.trim())
    .execute(&mut *tx)
    .await?;
    audit_route(
        &mut tx,
        operator_id,
        case_id,
        "route.withdraw",
        json!({ "reason": reason.trim(), "branches_closed": closed }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The result is delivered (送达) at the window or by post: the case closes.
pub async fn deliver(
    pool: &PgPool,
    operator_id: i64,
    case_id: i64,
    by_post: bool,
) -> Result<(), StoreError> {
    let (mut tx, route) = window_step(pool, operator_id, case_id).await?;
    let after = routing::deliver(route.state)?;
    set_state(&mut tx, case_id, after).await?;
    let how = if by_post { "post" } else { "window" };
    sqlx::query("update case_routes set delivery = $2, delivered_at = now() where case_id = $1")
        .bind(case_id)
        .bind(how)
        .execute(&mut *tx)
        .await?;
    audit_route(
        &mut tx,
        operator_id,
        case_id,
        "route.deliver",
        json!({ "by": how }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Branches past their reply limit and still open: where the item says silence consents
/// (超时默许) they count as agreed, recorded as such, and their stage joins. Run by the
/// supervision run, as the system (no operator). Returns how many lapsed.
pub async fn lapse_overdue(pool: &PgPool) -> Result<u64, StoreError> {
    let due: Vec<(i64, i64, i32)> = sqlx::query_as(
        "select b.branch_id, b.case_id, b.stage from case_branches b
         join case_routes r using (case_id) join routing_templates t using (template_id)
         where b.state = 'open' and b.reply_due < current_date and t.deemed_consent
           and r.state = 'review' and r.stage = b.stage
         order by b.case_id",
    )
    .fetch_all(pool)
    .await?;
    let mut n = 0;
    for (branch_id, case_id, stage) in due {
        let mut tx = pool.begin().await?;
        let route = lock_route(&mut tx, case_id).await?;
        let state: String =
            sqlx::query_scalar("select state from case_branches where branch_id = $1")
                .bind(branch_id)
                .fetch_one(&mut *tx)
                .await?;
        let Some(after) = BranchState::parse(&state).and_then(|b| routing::lapse(b, true)) else {
            continue;
        };
        if route.state != (RouteState::Review { stage }) {
            continue;
        }
        sqlx::query(
            "update case_branches set state = $2, decided_at = now(), version = version + 1
             where branch_id = $1",
        )
        .bind(branch_id)
        .bind(after.as_str())
        .execute(&mut *tx)
        .await?;
        audit_route(
            &mut tx,
            None,
            case_id,
            "branch.deemed_consent",
            json!({ "branch": branch_id, "stage": stage }),
        )
        .await?;
        join(&mut tx, None, case_id, &route, stage).await?;
        tx.commit().await?;
        n += 1;
    }
    Ok(n)
}
