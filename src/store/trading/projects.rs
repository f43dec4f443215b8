//! Entry registration (进场登记): projects and their sections.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

use crate::domain::accounts::permission::Permission;
use crate::domain::trading::codes;
use crate::domain::trading::kinds::{Level, Line, NoticeKind};
use crate::domain::trading::period;
use crate::store::StoreError;
use crate::store::accounts::permission::require;
use crate::store::audit::{self, NewAudit};

use super::fields::{credit_code_problem, optional, text};

/// A project as the registration form or `trade project add` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProject {
    pub line: Line,
    pub title: String,
    pub tenderer_code: String,
    pub tenderer_name: String,
    pub agent_name: Option<String>,
    pub level: Level,
    pub township: Option<String>,
    pub fund_source: String,
    pub approval_no: Option<String>,
    pub amount_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub project_id: i64,
    pub project_code: String,
    /// Whether the threshold rule required it to trade here (a project under it may still).
    pub must_enter: bool,
    pub threshold_article: String,
    /// Set when this tenderer's projects of the line and fiscal year, each under the threshold,
    /// now add up past it: the sum, recorded as a finding.
    pub split_sum_fen: Option<i64>,
}

/// Registers a project (trading clerks, the director): the threshold rule of the rule set in
/// force is applied and recorded; a possible split is flagged as a finding, never refused.
pub async fn register(
    pool: &PgPool,
    operator_id: i64,
    p: &NewProject,
) -> Result<Registered, StoreError> {
    let title = text("title", &p.title, 200)?;
    let tenderer_name = text("tenderer_name", &p.tenderer_name, 100)?;
    let fund_source = text("fund_source", &p.fund_source, 100)?;
    let agent = optional("agent", &p.agent_name, 100)?;
    let approval = optional("approval_no", &p.approval_no, 100)?;
    let township = optional("township", &p.township, 50)?;
    let tenderer_code =
        crate::domain::cases::validate::credit_code(&p.tenderer_code).map_err(|e| {
            StoreError::Invalid {
                field: "tenderer_code",
                reason: credit_code_problem(e).into(),
            }
        })?;
    match (p.level, &township) {
        (Level::Township, None) => {
            return Err(StoreError::Invalid {
                field: "township",
                reason: "a township project names its township".into(),
            });
        }
        (Level::Urban, Some(_)) => {
            return Err(StoreError::Invalid {
                field: "township",
                reason: "an urban project has no township".into(),
            });
        }
        _ => {}
    }
    if !(0..=100_000_000_000_000).contains(&p.amount_fen) {
        return Err(StoreError::Invalid {
            field: "amount",
            reason: "must be between 0 and 1,000,000,000,000.00 yuan".into(),
        });
    }
    let mut tx = pool.begin().await?;
    require(&mut *tx, operator_id, Permission::RegisterTrade).await?;
    let rules = super::rules::require_current(&mut tx).await?;
    let entry = rules
        .entry(p.line, p.level, p.amount_fen)
        .ok_or(StoreError::Conflict(
            "the rule set has no threshold for this project".into(),
        ))?;
    let (year, seq): (i32, i32) = sqlx::query_as(
        "insert into trade_counters (line, year, last)
         values ($1, extract(year from current_date)::int, 1)
         on conflict (line, year) do update set last = trade_counters.last + 1
         returning year, last",
    )
    .bind(p.line.as_str())
    .fetch_one(&mut *tx)
    .await?;
    let seq = u32::try_from(seq).unwrap_or(u32::MAX);
    if seq > codes::MAX_PROJECTS_A_YEAR {
        return Err(StoreError::Conflict(format!(
            "line {} has used all {} project numbers of {year}",
            p.line.as_str(),
            codes::MAX_PROJECTS_A_YEAR
        )));
    }
    let code = codes::project_code(p.line, year, seq);
    let project_id: i64 = sqlx::query_scalar(
        "insert into trade_projects (project_code, line, title, tenderer_code, tenderer_name,
             agent_name, level, township, fund_source, approval_no, amount_fen, fiscal_year,
             must_enter, threshold_article, rule_version, registered_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         returning project_id",
    )
    .bind(&code)
    .bind(p.line.as_str())
    .bind(&title)
    .bind(&tenderer_code)
    .bind(&tenderer_name)
    .bind(&agent)
    .bind(p.level.as_str())
    .bind(&township)
    .bind(&fund_source)
    .bind(&approval)
    .bind(p.amount_fen)
    .bind(year)
    .bind(entry.must)
    .bind(&entry.rule.article)
    .bind(&rules.version)
    .bind(operator_id)
    .fetch_one(&mut *tx)
    .await?;
    // Splitting (工程 条例 24, 采购 条例 28): this tenderer's projects of the line and year.
    let amounts: Vec<i64> = sqlx::query_scalar(
        "select amount_fen from trade_projects
         where tenderer_code = $1 and line = $2 and fiscal_year = $3 and stage <> 'terminated'",
    )
    .bind(&tenderer_code)
    .bind(p.line.as_str())
    .bind(year)
    .fetch_all(&mut *tx)
    .await?;
    let min = entry.rule.min_fen;
    let split = codes::split_sum(
        &amounts,
        |a| !rules.entry(p.line, p.level, a).is_some_and(|e| e.must),
        min,
    )
    .filter(|_| min > 0);
    if let Some(sum) = split {
        sqlx::query(
            "insert into trade_findings (rule_code, subject, evidence) values ('split', $1, $2)
             on conflict (rule_code, subject) do update set evidence = excluded.evidence, status = 'open'",
        )
        .bind(format!("{tenderer_code} {} {year}", p.line.as_str()))
        .bind(serde_json::json!({
            "projects": amounts.len(), "sum_fen": sum, "threshold_fen": min,
            "article": entry.rule.article, "latest": code,
        }))
        .execute(&mut *tx)
        .await?;
    }
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "trade.project.register",
            entity: "trade_project",
            entity_id: Some(code.clone()),
            detail: serde_json::json!({
                "line": p.line.as_str(), "level": p.level.as_str(), "amount_fen": p.amount_fen,
                "must_enter": entry.must, "rule": entry.rule.article, "split_sum_fen": split,
            }),
        },
    )
    .await?;
    crate::store::notify(&mut tx, "trade_project", "register", Some(&code)).await?;
    tx.commit().await?;
    Ok(Registered {
        project_id,
        project_code: code,
        must_enter: entry.must,
        threshold_article: entry.rule.article.clone(),
        split_sum_fen: split,
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSection {
    pub name: String,
    /// The estimate or budget of the section: the deposit cap's basis.
    pub basis_fen: i64,
    pub deposit_fen: i64,
    pub bid_validity_days: u32,
    pub doc_issue_at: Option<DateTime<Utc>>,
    pub deadline_at: Option<DateTime<Utc>>,
    pub opening_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionAdded {
    pub section_no: u32,
    pub unified_deal_code: String,
}

/// Adds a section to a project: its deposit within the line's cap, and its bid deadline no
/// earlier than the line's least bid period from the documents' first issue (both by the rules
/// the project was registered under, each refusal naming its article).
pub async fn add_section(
    pool: &PgPool,
    operator_id: i64,
    project_code: &str,
    s: &NewSection,
) -> Result<SectionAdded, StoreError> {
    let name = text("name", &s.name, 200)?;
    if s.deposit_fen < 0 || s.basis_fen < 0 {
        return Err(StoreError::Invalid {
            field: "deposit",
            reason: "amounts are not negative".into(),
        });
    }
    if !(1..=365).contains(&s.bid_validity_days) {
        return Err(StoreError::Invalid {
            field: "bid_validity_days",
            reason: "must be 1 to 365 days".into(),
        });
    }
    let mut tx = pool.begin().await?;
    require(&mut *tx, operator_id, Permission::RegisterTrade).await?;
    let (project_id, line, year, version): (i64, String, i32, String) = sqlx::query_as(
        "select project_id, line, fiscal_year, rule_version from trade_projects
         where project_code = $1 for update",
    )
    .bind(project_code)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound("project"))?;
    let line = Line::parse(&line).ok_or(StoreError::Conflict(format!("unknown line {line}")))?;
    let rules = super::rules::by_version(&mut tx, &version).await?;
    rules
        .check_deposit(line, s.basis_fen, s.deposit_fen)
        .map_err(|e| StoreError::Invalid {
            field: "deposit",
            reason: e.to_string(),
        })?;
    check_times(&mut tx, &rules, line, s).await?;
    let next: i32 = sqlx::query_scalar(
        "select coalesce(max(section_no), 0) + 1 from trade_sections where project_id = $1",
    )
    .bind(project_id)
    .fetch_one(&mut *tx)
    .await?;
    let next = u32::try_from(next).unwrap_or(u32::MAX);
    if next > codes::MAX_SECTIONS {
        return Err(StoreError::Invalid {
            field: "section",
            reason: format!("a project has at most {} sections", codes::MAX_SECTIONS),
        });
    }
    let seq: u32 = project_code
        .rsplit('-')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let udc = codes::unified_deal_code(&rules.region_code, line, year, seq, next);
    sqlx::query(
        "insert into trade_sections (project_id, section_no, unified_deal_code, name, basis_fen,
             deposit_fen, bid_validity_days, doc_issue_at, deadline_at, opening_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(project_id)
    .bind(next as i32)
    .bind(&udc)
    .bind(&name)
    .bind(s.basis_fen)
    .bind(s.deposit_fen)
    .bind(s.bid_validity_days as i32)
    .bind(s.doc_issue_at)
    .bind(s.deadline_at)
    .bind(s.opening_at)
    .execute(&mut *tx)
    .await?;
    sqlx::query("update trade_projects set version = version + 1 where project_id = $1")
        .bind(project_id)
        .execute(&mut *tx)
        .await?;
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "trade.section.add",
            entity: "trade_section",
            entity_id: Some(udc.clone()),
            detail: serde_json::json!({
                "project": project_code, "section_no": next, "basis_fen": s.basis_fen,
                "deposit_fen": s.deposit_fen,
            }),
        },
    )
    .await?;
    crate::store::notify(&mut tx, "trade_project", "section", Some(project_code)).await?;
    tx.commit().await?;
    Ok(SectionAdded {
        section_no: next,
        unified_deal_code: udc,
    })
}

/// The deadline after the documents' issue by at least the line's bid period (法 24; 采购法 35),
/// counted in the center's calendar; the opening at or after the deadline.
async fn check_times(
    conn: &mut PgConnection,
    rules: &crate::domain::trading::rules::RuleSet,
    line: Line,
    s: &NewSection,
) -> Result<(), StoreError> {
    if let (Some(deadline), Some(opening)) = (s.deadline_at, s.opening_at)
        && opening < deadline
    {
        return Err(StoreError::Invalid {
            field: "opening",
            reason: "the opening is at or after the bid deadline (条例 44: at the deadline)".into(),
        });
    }
    let (Some(issue), Some(deadline)) = (s.doc_issue_at, s.deadline_at) else {
        return Ok(());
    };
    let Some(rule) = rules.period(line, NoticeKind::Tender) else {
        return Ok(());
    };
    let cal = crate::store::time::calendar::load(conn).await?;
    let zone = crate::domain::time::zone::CENTER;
    let start = issue.with_timezone(&zone).date_naive();
    let end = period::period_end(&cal, start, rule.days, rule.unit);
    // The last day ends at 24:00 (民法典 203): a deadline on the last day itself is lawful.
    if deadline.with_timezone(&zone).date_naive() < end.date {
        return Err(StoreError::Invalid {
            field: "deadline",
            reason: format!(
                "the bid deadline is before {}: {} {} from the documents' first issue on {start} ({}){}",
                end.date,
                rule.days,
                rule.unit.zh(),
                rule.article,
                if end.provisional() {
                    "; provisional: a year's holidays are not loaded"
                } else {
                    ""
                }
            ),
        });
    }
    Ok(())
}
