//! Notices and publicity (公告/公示): published with their period checked against the rule set,
//! a too-short one only under a supervisor's override; a late change moves the bid deadline.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};

use crate::domain::accounts::permission::Permission;
use crate::domain::time::zone::{CENTER, at_center};
use crate::domain::trading::kinds::{Line, NoticeKind};
use crate::domain::trading::period::{self, Unit};
use crate::domain::trading::rules::RuleSet;
use crate::store::StoreError;
use crate::store::accounts::permission::require;
use crate::store::audit::{self, NewAudit};

/// The section a notice is for, as the checks need it.
struct SectionRow {
    section_id: i64,
    project_code: String,
    line: Line,
    rule_version: String,
    deadline_at: Option<DateTime<Utc>>,
}

async fn section(conn: &mut PgConnection, udc: &str) -> Result<SectionRow, StoreError> {
    let (section_id, project_code, line, rule_version, deadline_at): (
        i64,
        String,
        String,
        String,
        Option<DateTime<Utc>>,
    ) = sqlx::query_as(
        "select s.section_id, p.project_code, p.line, p.rule_version, s.deadline_at
         from trade_sections s join trade_projects p using (project_id)
         where s.unified_deal_code = $1 for update of s",
    )
    .bind(udc.trim())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound("section"))?;
    Ok(SectionRow {
        section_id,
        project_code,
        line: Line::parse(&line).ok_or(StoreError::Conflict(format!("unknown line {line}")))?,
        rule_version,
        deadline_at,
    })
}

fn reason_text(reason: &str) -> Result<String, StoreError> {
    let r = reason.trim();
    let n = r.chars().count();
    if !(4..=500).contains(&n) || r.chars().any(char::is_control) {
        return Err(StoreError::Invalid {
            field: "reason",
            reason: "4 to 500 characters: why the shorter period is lawful or necessary".into(),
        });
    }
    Ok(r.to_string())
}

/// A supervisor allows the next notice of this kind for this section to be shorter than the law
/// (audited; recorded as a finding `short_notice`). One override serves one notice.
pub async fn allow_short(
    pool: &PgPool,
    operator_id: i64,
    udc: &str,
    kind: NoticeKind,
    reason: &str,
) -> Result<i64, StoreError> {
    let reason = reason_text(reason)?;
    let mut tx = pool.begin().await?;
    require(&mut *tx, operator_id, Permission::OverrideNoticePeriod).await?;
    let s = section(&mut tx, udc).await?;
    let id: Option<i64> = sqlx::query_scalar(
        "insert into trade_notice_overrides (section_id, kind, reason, given_by)
         values ($1, $2, $3, $4)
         on conflict (section_id, kind) where used_by is null do nothing
         returning override_id",
    )
    .bind(s.section_id)
    .bind(kind.as_str())
    .bind(&reason)
    .bind(operator_id)
    .fetch_optional(&mut *tx)
    .await?;
    let id = id.ok_or(StoreError::Invalid {
        field: "kind",
        reason: format!(
            "an override for the next {} notice of {udc} is already given",
            kind.as_str()
        ),
    })?;
    sqlx::query(
        "insert into trade_findings (rule_code, subject, evidence) values ('short_notice', $1, $2)
         on conflict (rule_code, subject) do update set evidence = excluded.evidence, status = 'open'",
    )
    .bind(format!("{} {}", udc.trim(), kind.as_str()))
    .bind(serde_json::json!({ "override": id, "reason": reason, "project": s.project_code }))
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "trade.notice.override",
            entity: "trade_section",
            entity_id: Some(udc.trim().to_string()),
            detail: serde_json::json!({ "kind": kind.as_str(), "reason": reason }),
        },
    )
    .await?;
    crate::store::notify(&mut tx, "trade_notice", "override", Some(udc.trim())).await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotice {
    pub kind: NoticeKind,
    pub title: String,
    pub media: String,
    /// The last day of the period the notice states (the bid deadline's day, the publicity's
    /// last day); required where the rule set gives the kind a period.
    pub ends_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub notice_id: i64,
    pub lawful_end: Option<NaiveDate>,
    pub provisional: bool,
    pub overridden: bool,
    /// A change too late for the deadline moved it (条例 21): the new deadline.
    pub moved_deadline_to: Option<DateTime<Utc>>,
}

/// Publishes a notice for a section (trading clerks, the director). Its period is counted from
/// today at the center by the project's rule set; a notice ending earlier is refused, naming the
/// first lawful day and the article, unless a supervisor's override is waiting for it. A change
/// notice published less than the line's lead before the bid deadline moves the deadline (and an
/// opening set to it) to the first lawful day, at the same time of day.
pub async fn publish(
    pool: &PgPool,
    operator_id: i64,
    udc: &str,
    n: &NewNotice,
) -> Result<Published, StoreError> {
    let title = n.title.trim();
    if title.is_empty() || title.chars().count() > 200 || title.chars().any(char::is_control) {
        return Err(StoreError::Invalid {
            field: "title",
            reason: "1 to 200 characters".into(),
        });
    }
    let media = n.media.trim();
    if media.is_empty() || media.chars().count() > 100 {
        return Err(StoreError::Invalid {
            field: "media",
            reason: "1 to 100 characters".into(),
        });
    }
    let mut tx = pool.begin().await?;
    require(&mut *tx, operator_id, Permission::PublishNotice).await?;
    let s = section(&mut tx, udc).await?;
    let rules = super::rules::by_version(&mut tx, &s.rule_version).await?;
    let (cal, today) = crate::store::time::calendar::load_with_today(&mut tx).await?;
    let rule = rules.period(s.line, n.kind);
    let mut lawful = None;
    let mut provisional = false;
    let mut override_id: Option<i64> = None;
    if let Some(rule) = rule {
        let end = period::period_end(&cal, today, rule.days, rule.unit);
        provisional = end.provisional();
        lawful = Some(end.date);
        let Some(ends_on) = n.ends_on else {
            return Err(StoreError::Invalid {
                field: "ends",
                reason: format!(
                    "a {} has a period: give its last day (at the earliest {}: {} {}, {})",
                    n.kind.as_str(),
                    end.date,
                    rule.days,
                    rule.unit.zh(),
                    rule.article
                ),
            });
        };
        if ends_on < end.date {
            override_id = sqlx::query_scalar(
                "select override_id from trade_notice_overrides
                 where section_id = $1 and kind = $2 and used_by is null for update",
            )
            .bind(s.section_id)
            .bind(n.kind.as_str())
            .fetch_optional(&mut *tx)
            .await?;
            if override_id.is_none() {
                return Err(StoreError::Invalid {
                    field: "ends",
                    reason: format!(
                        "{ends_on} is too early: the period ends on {} at the earliest ({} {} from \
                         {today}, {}){}; a supervisor may allow a shorter one with a reason (`trade \
                         notice override`)",
                        end.date,
                        rule.days,
                        rule.unit.zh(),
                        rule.article,
                        if provisional { ", provisional" } else { "" }
                    ),
                });
            }
        }
    }
    let moved = if n.kind == NoticeKind::Change {
        moved_deadline(&rules, &cal, today, s.line, s.deadline_at)
    } else {
        None
    };
    let notice_id: i64 = sqlx::query_scalar(
        "insert into trade_notices (section_id, kind, title, media, published_by, ends_on,
             lawful_end, period_days, period_unit, article, provisional, override_id,
             moved_deadline_to)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning notice_id",
    )
    .bind(s.section_id)
    .bind(n.kind.as_str())
    .bind(title)
    .bind(media)
    .bind(operator_id)
    .bind(n.ends_on)
    .bind(lawful)
    .bind(rule.map(|r| r.days as i32))
    .bind(rule.map(|r| r.unit.as_str()))
    .bind(rule.map(|r| r.article.as_str()))
    .bind(provisional)
    .bind(override_id)
    .bind(moved)
    .fetch_one(&mut *tx)
    .await?;
    if let Some(id) = override_id {
        sqlx::query("update trade_notice_overrides set used_by = $1 where override_id = $2")
            .bind(notice_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    if let (Some(to), Some(old)) = (moved, s.deadline_at) {
        sqlx::query(
            "update trade_sections set deadline_at = $1,
                 opening_at = case when opening_at = $2 then $1 else greatest(opening_at, $1) end,
                 version = version + 1
             where section_id = $3",
        )
        .bind(to)
        .bind(old)
        .bind(s.section_id)
        .execute(&mut *tx)
        .await?;
    }
    if matches!(
        n.kind,
        NoticeKind::Tender | NoticeKind::Prequalification | NoticeKind::Listing
    ) {
        sqlx::query(
            "update trade_projects set stage = 'noticed', version = version + 1
             where project_code = $1 and stage = 'registered'",
        )
        .bind(&s.project_code)
        .execute(&mut *tx)
        .await?;
    }
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "trade.notice.publish",
            entity: "trade_notice",
            entity_id: Some(notice_id.to_string()),
            detail: serde_json::json!({
                "section": udc.trim(), "kind": n.kind.as_str(), "ends_on": n.ends_on,
                "lawful_end": lawful, "override": override_id, "moved_deadline_to": moved,
            }),
        },
    )
    .await?;
    crate::store::notify(
        &mut tx,
        "trade_notice",
        "publish",
        Some(&notice_id.to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(Published {
        notice_id,
        lawful_end: lawful,
        provisional,
        overridden: override_id.is_some(),
        moved_deadline_to: moved,
    })
}

/// Where a change published today moves the deadline, if it is later than the line's lead
/// before it allows: to the first day the lead allows, at the deadline's time of day.
fn moved_deadline(
    rules: &RuleSet,
    cal: &crate::domain::time::calendar::Calendar,
    today: NaiveDate,
    line: Line,
    deadline: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    use chrono::TimeZone;
    let deadline = deadline?;
    let lead = rules.change_lead(line)?;
    let earliest = period::period_end(cal, today, lead.days, lead.unit).date;
    let local = at_center(&deadline);
    if local.date_naive() >= earliest {
        return None;
    }
    CENTER
        .from_local_datetime(&earliest.and_time(local.time()))
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// One published notice, for the public list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NoticeRow {
    pub notice_id: i64,
    pub published_at: DateTime<Utc>,
    pub line: String,
    pub unified_deal_code: String,
    pub kind: String,
    pub title: String,
    pub ends_on: Option<NaiveDate>,
    pub period_days: Option<i32>,
    pub period_unit: Option<String>,
    pub overridden: bool,
}

impl NoticeRow {
    pub fn unit(&self) -> Option<Unit> {
        self.period_unit.as_deref().and_then(Unit::parse)
    }
}

/// Every published notice of every line, newest first: the list the public sees (the kiosk
/// issue shows it there); nothing in it is sealed.
pub async fn list(pool: &PgPool, limit: i64) -> Result<Vec<NoticeRow>, StoreError> {
    Ok(sqlx::query_as(
        "select n.notice_id, n.published_at, p.line, s.unified_deal_code, n.kind, n.title,
                n.ends_on, n.period_days, n.period_unit, n.override_id is not null as overridden
         from trade_notices n join trade_sections s using (section_id)
         join trade_projects p using (project_id)
         order by n.published_at desc, n.notice_id desc limit $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?)
}
