//! The trading clerks' work queue (issue 17.3): which projects are mine, which nobody holds yet,
//! and what each must do next — the earliest of its sections' bid deadlines, openings and the end
//! of a running notice — so the next legal date is on the screen before it passes. Claiming is
//! the cases' rule again: exactly one clerk wins, however many try at once.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::domain::accounts::permission::Permission;
use crate::store::StoreError;
use crate::store::accounts::permission::require;
use crate::store::audit::{self, NewAudit};
pub use crate::store::cases::ClaimOutcome;

/// Which projects the queue shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The projects the operator holds.
    Mine,
    /// Open projects nobody holds: the pool a clerk claims from.
    Unclaimed,
    /// Every project, closed ones included.
    All,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Mine, Scope::Unclaimed, Scope::All];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Mine => "mine",
            Scope::Unclaimed => "unclaimed",
            Scope::All => "all",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// One project of the queue.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueueRow {
    pub project_code: String,
    pub line: String,
    pub title: String,
    pub tenderer_name: String,
    pub level: String,
    pub amount_fen: i64,
    pub must_enter: bool,
    pub stage: String,
    pub sections: i64,
    /// The holder's operator code.
    pub holder: Option<String>,
    pub version: i32,
    /// The earliest legal date still ahead, and what it is: `deadline`, `opening` or
    /// `notice_end` (the day after a notice's last day, at 00:00 in the center's zone).
    pub next_at: Option<DateTime<Utc>>,
    pub next_what: Option<String>,
}

/// The queue of a scope, the nearest next date first (projects with none last, newest first).
pub async fn list(
    pool: &PgPool,
    operator_id: i64,
    scope: Scope,
    limit: i64,
) -> Result<Vec<QueueRow>, StoreError> {
    let mut conn = pool.acquire().await?;
    require(&mut *conn, operator_id, Permission::ReadTrading).await?;
    Ok(sqlx::query_as(
        "select p.project_code, p.line, p.title, p.tenderer_name, p.level, p.amount_fen,
                p.must_enter, p.stage,
                (select count(*) from trade_sections s where s.project_id = p.project_id) as sections,
                o.code as holder, p.version, nx.at as next_at, nx.what as next_what
         from trade_projects p
         left join operators o on o.operator_id = p.claimed_by
         left join lateral (
             select d.at, d.what from (
                 select s.deadline_at as at, 'deadline' as what
                   from trade_sections s where s.project_id = p.project_id
                 union all
                 select s.opening_at, 'opening'
                   from trade_sections s where s.project_id = p.project_id
                 union all
                 select (n.ends_on + 1)::timestamp at time zone $4, 'notice_end'
                   from trade_notices n join trade_sections s on s.section_id = n.section_id
                  where s.project_id = p.project_id and n.ends_on is not null
             ) d
             where d.at > now()
             order by d.at limit 1
         ) nx on true
         where case $2
             when 'mine' then p.claimed_by = $1
             when 'unclaimed' then p.claimed_by is null
                  and p.stage not in ('closed', 'terminated')
             else true
         end
         order by nx.at nulls last, p.project_id desc
         limit $3",
    )
    .bind(operator_id)
    .bind(scope.as_str())
    .bind(limit)
    .bind(crate::domain::time::zone::name())
    .fetch_all(&mut *conn)
    .await?)
}

/// Takes an unheld open project (trading clerks).
pub async fn claim(
    pool: &PgPool,
    operator_id: i64,
    project_code: &str,
) -> Result<ClaimOutcome, StoreError> {
    let mut tx = pool.begin().await?;
    require(&mut *tx, operator_id, Permission::RegisterTrade).await?;
    let claimed = sqlx::query(
        "update trade_projects set claimed_by = $1, claimed_at = now(), version = version + 1
         where project_code = $2 and claimed_by is null and stage not in ('closed', 'terminated')",
    )
    .bind(operator_id)
    .bind(project_code)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if !claimed {
        let exists: Option<i64> =
            sqlx::query_scalar("select project_id from trade_projects where project_code = $1")
                .bind(project_code)
                .fetch_optional(&mut *tx)
                .await?;
        return match exists {
            None => Err(StoreError::NotFound("project")),
            Some(_) => Ok(ClaimOutcome::Taken),
        };
    }
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "trade.project.claim",
            entity: "trade_project",
            entity_id: Some(project_code.to_string()),
            detail: serde_json::json!({}),
        },
    )
    .await?;
    crate::store::notify(&mut tx, "trade_project", "claim", Some(project_code)).await?;
    tx.commit().await?;
    Ok(ClaimOutcome::Claimed)
}

/// Gives a held project back to the pool; only its holder can, at the version they saw.
pub async fn give_back(
    pool: &PgPool,
    operator_id: i64,
    project_code: &str,
    version: i32,
) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    require(&mut *tx, operator_id, Permission::RegisterTrade).await?;
    let row: Option<(Option<i64>, i32)> = sqlx::query_as(
        "select claimed_by, version from trade_projects where project_code = $1 for update",
    )
    .bind(project_code)
    .fetch_optional(&mut *tx)
    .await?;
    match row {
        None => return Err(StoreError::NotFound("project")),
        Some((holder, _)) if holder != Some(operator_id) => {
            return Err(StoreError::Conflict(
                "the project is not held by you".into(),
            ));
        }
        Some((_, v)) if v != version => return Err(StoreError::Stale("project".into())),
        Some(_) => {}
    }
    sqlx::query(
        "update trade_projects set claimed_by = null, claimed_at = null, version = version + 1
         where project_code = $1",
    )
    .bind(project_code)
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "trade.project.give_back",
            entity: "trade_project",
            entity_id: Some(project_code.to_string()),
            detail: serde_json::json!({ "version": version }),
        },
    )
    .await?;
    crate::store::notify(&mut tx, "trade_project", "give_back", Some(project_code)).await?;
    tx.commit().await?;
    Ok(())
}
