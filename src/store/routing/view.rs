//! Reading parallel approval: a department's review queue (its open branches and the cases
//! waiting for its lead decision), one case's route for the diagram, and template versions.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sqlx::PgPool;

use crate::domain::accounts::permission::{Permission, allows};
use crate::store::StoreError;
use crate::store::accounts::permission::actor;
use crate::store::audit::{self, NewAudit};

/// One line of a department's review queue: an open branch of its own, a case waiting for its
/// decision as lead department, or one of its cases waiting at the window for the applicant's
/// supplements or for delivery (`branch_id` none; `state` says which).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BranchRow {
    pub branch_id: Option<i64>,
    pub case_id: i64,
    pub case_no: String,
    pub item_zh: String,
    pub item_en: String,
    pub stage: i32,
    /// open (a branch), or lead / lead_disagreed (a decision waiting).
    pub state: String,
    pub reply_due: Option<NaiveDate>,
    pub claimed_by_name: Option<String>,
}

pub async fn queue(pool: &PgPool, viewer: i64) -> Result<Vec<BranchRow>, StoreError> {
    let me = actor(pool, viewer).await?;
    me.require(Permission::WorkCase)?;
    // Lead decisions for those who may take them; window steps for those at the window.
    let decides = allows(&me.roles, Permission::DecideInstant);
    let window = allows(&me.roles, Permission::ReceiveCase);
    // Open branches only for those who may decide them (reviewers, chief representatives).
    let reviews = allows(&me.roles, Permission::DecideBranch);
    Ok(sqlx::query_as(
        "select b.branch_id, c.case_id, c.case_no, i.name_zh as item_zh, i.name_en as item_en,
                b.stage, b.state, b.reply_due, o.name as claimed_by_name
         from case_branches b
         join cases c using (case_id) join items i on i.item_id = c.item_id
         join case_routes r on r.case_id = b.case_id
         left join operators o on o.operator_id = b.claimed_by
         where b.department_id = $1 and b.state = 'open' and r.state = 'review'
           and r.stage = b.stage and $4
         union all
         select null, c.case_id, c.case_no, i.name_zh, i.name_en, 0, r.state, null, null
         from case_routes r join routing_templates t using (template_id)
         join cases c using (case_id) join items i on i.item_id = c.item_id
         where t.lead_department_id = $1 and r.state in ('lead', 'lead_disagreed') and $2
         union all
         select null, c.case_id, c.case_no, i.name_zh, i.name_en, r.stage, r.state, null, null
         from case_routes r join cases c using (case_id) join items i on i.item_id = c.item_id
         where c.department_id = $1 and r.state in ('suspended', 'approved', 'disapproved')
           and $3
         order by reply_due nulls first, case_no
         limit 500",
    )
    .bind(me.department_id)
    .bind(decides)
    .bind(window)
    .bind(reviews)
    .fetch_all(pool)
    .await?)
}

/// One box of the diagram.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BranchBox {
    pub branch_id: i64,
    pub stage: i32,
    pub department_id: i64,
    pub department_zh: String,
    pub department_en: String,
    pub state: String,
    pub reply_due: NaiveDate,
    pub opened_on: NaiveDate,
    pub assignee: Option<String>,
    pub opinion: Option<String>,
    pub missing: Option<String>,
}

/// A planned stage's department that has no branch yet (a later stage).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Planned {
    pub stage: i32,
    pub department_zh: String,
    pub department_en: String,
    pub reply_days: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteView {
    pub case_id: i64,
    pub case_no: String,
    pub item_zh: String,
    pub item_en: String,
    pub template_version: i32,
    pub state: String,
    pub stage: i32,
    pub last_stage: i32,
    pub lead_department_id: i64,
    pub lead_zh: String,
    pub lead_en: String,
    pub deemed_consent: bool,
    pub result_document_no: Option<String>,
    pub decision_reason: Option<String>,
    pub responsibility: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub delivery: Option<String>,
    pub branches: Vec<BranchBox>,
    pub planned: Vec<Planned>,
    pub today: NaiveDate,
}

/// The route of a case: supervisors read every route; other staff read a route their department
/// is on (it handles the case, leads it, or has a branch on it, now or in a later stage), and the
/// operator who received it at the window; each of those sees the whole.
pub async fn route(pool: &PgPool, viewer: i64, case_id: i64) -> Result<RouteView, StoreError> {
    let me = actor(pool, viewer).await?;
    me.require(Permission::ReadRoute)?;
    if !allows(&me.roles, Permission::SeeAllCases) {
        let on_route: Option<bool> = sqlx::query_scalar(
            "select c.department_id = $2 or t.lead_department_id = $2 or c.received_by = $3
                    or exists (select 1 from case_branches b
                               where b.case_id = r.case_id and b.department_id = $2)
                    or exists (select 1 from routing_template_branches tb
                               where tb.template_id = r.template_id and tb.department_id = $2)
             from case_routes r join cases c using (case_id)
             join routing_templates t using (template_id)
             where r.case_id = $1",
        )
        .bind(case_id)
        .bind(me.department_id)
        .bind(viewer)
        .fetch_optional(pool)
        .await?;
        // An unknown case and a case of other departments answer alike: no probing for numbers.
        if on_route != Some(true) {
            return Err(StoreError::Forbidden(Permission::ReadRoute));
        }
    }
    #[allow(clippy::type_complexity)]
    let head: Option<(
        String,
        String,
        String,
        i32,
        String,
        i32,
        i64,
        String,
        String,
        bool,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<DateTime<Utc>>,
        Option<String>,
        NaiveDate,
    )> = sqlx::query_as(
        "select c.case_no, i.name_zh, i.name_en, t.version, r.state, r.stage,
                t.lead_department_id, d.name_zh, d.name_en, t.deemed_consent,
                r.result_document_no, r.decision_reason, r.responsibility, r.decided_at,
                r.delivery, current_date
         from case_routes r join routing_templates t using (template_id)
         join cases c using (case_id) join items i on i.item_id = c.item_id
         join departments d on d.department_id = t.lead_department_id
         where r.case_id = $1",
    )
    .bind(case_id)
    .fetch_optional(pool)
    .await?;
    let h = head.ok_or(StoreError::NotFound("routed case"))?;
    let branches: Vec<BranchBox> = sqlx::query_as(
        "select b.branch_id, b.stage, b.department_id, d.name_zh as department_zh,
                d.name_en as department_en, b.state, b.reply_due, b.opened_at::date as opened_on,
                o.name as assignee, b.opinion, b.missing
         from case_branches b join departments d using (department_id)
         left join operators o on o.operator_id = coalesce(b.decided_by, b.claimed_by)
         where b.case_id = $1 order by b.stage, d.code",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?;
    let planned: Vec<Planned> = sqlx::query_as(
        "select tb.stage, d.name_zh as department_zh, d.name_en as department_en, tb.reply_days
         from case_routes r join routing_template_branches tb using (template_id)
         join departments d on d.department_id = tb.department_id
         where r.case_id = $1 and not exists
               (select 1 from case_branches b where b.case_id = r.case_id
                  and b.stage = tb.stage and b.department_id = tb.department_id)
         order by tb.stage, d.code",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await?;
    let last_stage = branches
        .iter()
        .map(|b| b.stage)
        .chain(planned.iter().map(|p| p.stage))
        .max()
        .unwrap_or(1);
    Ok(RouteView {
        case_id,
        case_no: h.0,
        item_zh: h.1,
        item_en: h.2,
        template_version: h.3,
        state: h.4,
        stage: h.5,
        last_stage,
        lead_department_id: h.6,
        lead_zh: h.7,
        lead_en: h.8,
        deemed_consent: h.9,
        result_document_no: h.10,
        decision_reason: h.11,
        responsibility: h.12,
        decided_at: h.13,
        delivery: h.14,
        branches,
        planned,
        today: h.15,
    })
}

/// A routing template as an administrator writes it: stages of (department code, reply days).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateDef {
    pub item_code: String,
    /// The lead department's code; the item's handling department when none.
    pub lead: Option<String>,
    pub deemed_consent: bool,
    pub stages: Vec<Vec<(String, i32)>>,
}

/// Adds a new version of an item's routing template (administrators). Cases already accepted
/// keep the version they were accepted under. Returns the new version.
pub async fn put_template(
    pool: &PgPool,
    operator_id: i64,
    def: &TemplateDef,
) -> Result<i32, StoreError> {
    let invalid = |field: &'static str, reason: String| StoreError::Invalid { field, reason };
    if def.stages.is_empty() || def.stages.iter().any(|s| s.is_empty()) {
        return Err(invalid(
            "stages",
            "every stage names at least one department".into(),
        ));
    }
    let mut tx = pool.begin().await?;
    actor(&mut *tx, operator_id)
        .await?
        .require(Permission::ManageCatalog)?;
    let item: Option<(i64, i64)> =
        sqlx::query_as("select item_id, department_id from items where code = $1")
            .bind(&def.item_code)
            .fetch_optional(&mut *tx)
            .await?;
    let (item_id, handling) =
        item.ok_or_else(|| invalid("item", format!("no item {}", def.item_code)))?;
    let dept = |code: String| async move {
        sqlx::query_scalar::<_, i64>("select department_id from departments where code = $1")
            .bind(&code)
            .fetch_optional(pool)
            .await?
            .ok_or(StoreError::Invalid {
                field: "department",
                reason: format!("no department {code}"),
            })
    };
    let lead = match &def.lead {
        Some(code) => dept(code.clone()).await?,
        None => handling,
    };
    let version: i32 = sqlx::query_scalar(
        "insert into routing_templates (item_id, version, lead_department_id, deemed_consent,
             created_by)
         select $1, coalesce(max(version), 0) + 1, $2, $3, $4 from routing_templates
         where item_id = $1
         returning version",
    )
    .bind(item_id)
    .bind(lead)
    .bind(def.deemed_consent)
    .bind(operator_id)
    .fetch_one(&mut *tx)
    .await?;
    for (n, stage) in def.stages.iter().enumerate() {
        for (code, days) in stage {
            if !(1..=60).contains(days) {
                return Err(invalid(
                    "reply_days",
                    format!("{code}: 1 to 60 working days"),
                ));
            }
            let d = dept(code.clone()).await?;
            sqlx::query(
                "insert into routing_template_branches (template_id, stage, department_id,
                     reply_days)
                 select template_id, $3, $4, $5 from routing_templates
                 where item_id = $1 and version = $2",
            )
            .bind(item_id)
            .bind(version)
            .bind(n as i32 + 1)
            .bind(d)
            .bind(days)
            .execute(&mut *tx)
            .await?;
        }
    }
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "routing.put",
            entity: "item",
            entity_id: Some(item_id.to_string()),
            detail: json!({ "item": def.item_code, "version": version, "lead": def.lead,
                            "stages": def.stages, "deemed_consent": def.deemed_consent }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(version)
}

/// A case's id by its number, for the commands that take the number.
pub async fn case_id(pool: &PgPool, case_no: &str) -> Result<Option<i64>, StoreError> {
    Ok(
        sqlx::query_scalar("select case_id from cases where case_no = $1")
            .bind(case_no.trim())
            .fetch_optional(pool)
            .await?,
    )
}
