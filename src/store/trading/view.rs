//! One project whole, for its view in the TUI (issue 17.11): the project, its sections with
//! their dates and — only once open — how many registered, its notices with the days left in
//! each legal period, and its timeline from the audit log. Before a section's opening nothing
//! here counts its bidders: not the section line, and not the timeline, which then leaves the
//! registrations out (招标投标法 22).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;

use crate::domain::accounts::permission::Permission;
use crate::store::StoreError;
use crate::store::accounts::permission::require;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Head {
    pub project_code: String,
    pub line: String,
    pub title: String,
    pub tenderer_name: String,
    pub agent_name: Option<String>,
    pub level: String,
    pub township: Option<String>,
    pub fund_source: String,
    pub amount_fen: i64,
    pub must_enter: bool,
    pub threshold_article: String,
    pub stage: String,
    pub holder: Option<String>,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SectionLine {
    pub unified_deal_code: String,
    pub name: String,
    pub deposit_fen: i64,
    pub deadline_at: Option<DateTime<Utc>>,
    pub opening_at: Option<DateTime<Utc>>,
    /// How many registered: `None` until the opening (sealed).
    pub registrations: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NoticeLine {
    pub unified_deal_code: String,
    pub kind: String,
    pub title: String,
    pub published_at: DateTime<Utc>,
    pub ends_on: Option<NaiveDate>,
    /// Days from the database's today to the last day (0: ends today; negative: ended).
    pub days_left: Option<i32>,
    pub overridden: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TimelineLine {
    pub at: DateTime<Utc>,
    pub action: String,
    pub operator: Option<String>,
    pub subject: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectView {
    pub head: Head,
    pub sections: Vec<SectionLine>,
    pub notices: Vec<NoticeLine>,
    pub timeline: Vec<TimelineLine>,
}

/// The project by its code (anyone who reads the trading center).
pub async fn project(
    pool: &PgPool,
    operator_id: i64,
    code: &str,
) -> Result<ProjectView, StoreError> {
    let mut conn = pool.acquire().await?;
    require(&mut *conn, operator_id, Permission::ReadTrading).await?;
    let head: Head = sqlx::query_as(
        "select p.project_code, p.line, p.title, p.tenderer_name, p.agent_name, p.level,
                p.township, p.fund_source, p.amount_fen, p.must_enter, p.threshold_article,
                p.stage, o.code as holder, p.version
         from trade_projects p left join operators o on o.operator_id = p.claimed_by
         where p.project_code = $1",
    )
    .bind(code.trim())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound("project"))?;
    let sections: Vec<SectionLine> = sqlx::query_as(
        "select s.unified_deal_code, s.name, s.deposit_fen, s.deadline_at, s.opening_at,
                case when s.opening_at is not null and s.opening_at <= now()
                     then (select count(*) from trade_registrations r
                           where r.section_id = s.section_id) end as registrations
         from trade_sections s join trade_projects p using (project_id)
         where p.project_code = $1 order by s.section_no",
    )
    .bind(code.trim())
    .fetch_all(&mut *conn)
    .await?;
    let notices: Vec<NoticeLine> = sqlx::query_as(
        "select s.unified_deal_code, n.kind, n.title, n.published_at, n.ends_on,
                (n.ends_on - current_date)::int as days_left,
                n.override_id is not null as overridden
         from trade_notices n join trade_sections s using (section_id)
         join trade_projects p using (project_id)
         where p.project_code = $1 order by n.published_at, n.notice_id",
    )
    .bind(code.trim())
    .fetch_all(&mut *conn)
    .await?;
    // The project's rows and its sections' — a section's registrations only once it is open.
    let timeline: Vec<TimelineLine> = sqlx::query_as(
        "select a.at, a.action, o.code as operator, a.entity_id as subject
         from audit_log a left join operators o using (operator_id)
         where (a.entity = 'trade_project' and a.entity_id = $1)
            or (a.entity = 'trade_section' and a.entity_id in (
                    select s.unified_deal_code from trade_sections s
                    join trade_projects p using (project_id)
                    where p.project_code = $1
                      and (a.action <> 'trade.registration.add'
                           or (s.opening_at is not null and s.opening_at <= now()))))
         order by a.audit_id desc limit 200",
    )
    .bind(code.trim())
    .fetch_all(&mut *conn)
    .await?;
    Ok(ProjectView {
        head,
        sections,
        notices,
        timeline,
    })
}
