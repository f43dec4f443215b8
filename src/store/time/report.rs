//! The efficiency evaluation (效能评估): per department, for a period of days.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::PgPool;

use super::calendar;
use crate::domain::accounts::permission::{Permission, allows};
use crate::store::StoreError;
use crate::store::accounts::permission::actor;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EfficiencyRow {
    /// Empty for the totals row.
    pub department_code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Accepted in the period.
    pub accepted: i64,
    /// Decided in the period.
    pub completed: i64,
    /// Of those, decided on or before their due date.
    pub on_time: i64,
    /// Working days from acceptance to decision, summed over the completed ones.
    pub days_used: i64,
    pub yellow_cards: i64,
    pub red_cards: i64,
    /// Open now and past due.
    pub open_overdue: i64,
    /// Correction notices (补正告知) given in the period.
    pub corrections: i64,
}

impl EfficiencyRow {
    /// On-time rate in tenths of a percent (975 = 97.5%); `None` when nothing was completed.
    pub fn on_time_permille(&self) -> Option<i64> {
        (self.completed > 0).then(|| (self.on_time * 1000 + self.completed / 2) / self.completed)
    }

    /// Average working days used, in tenths (23 = 2.3 days).
    pub fn avg_days_tenths(&self) -> Option<i64> {
        (self.completed > 0).then(|| (self.days_used * 10 + self.completed / 2) / self.completed)
    }

    fn add(&mut self, o: &EfficiencyRow) {
        self.accepted += o.accepted;
        self.completed += o.completed;
        self.on_time += o.on_time;
        self.days_used += o.days_used;
        self.yellow_cards += o.yellow_cards;
        self.red_cards += o.red_cards;
        self.open_overdue += o.open_overdue;
        self.corrections += o.corrections;
    }
}

/// Tenths as "97.5": integer arithmetic all the way, no floating point in figures.
pub fn tenths(v: Option<i64>) -> String {
    match v {
        Some(v) => format!("{}.{}", v / 10, v % 10),
        None => "-".into(),
    }
}

/// Every department (those with no cases too: 零办件 shows as zeros) and the totals, last.
/// Supervisors and administrators.
pub async fn efficiency(
    pool: &PgPool,
    viewer: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<EfficiencyRow>, StoreError> {
    let mut conn = pool.acquire().await?;
    let me = actor(&mut *conn, viewer).await?;
    if !(allows(&me.roles, Permission::SeeAllCases) || allows(&me.roles, Permission::ReadAudit)) {
        return Err(StoreError::Forbidden(Permission::SeeAllCases));
    }
    #[derive(sqlx::FromRow)]
    struct Counts {
        department_id: i64,
        code: String,
        name_zh: String,
        name_en: String,
        accepted: i64,
        completed: i64,
        on_time: i64,
        corrections: i64,
        open_overdue: i64,
    }
    let counts: Vec<Counts> = sqlx::query_as(
        "select d.department_id, d.code, d.name_zh, d.name_en,
                count(c.case_id) filter (where c.accepted_at::date between $1 and $2) as accepted,
                count(c.case_id) filter (where c.decided_at::date between $1 and $2) as completed,
                count(c.case_id) filter (where c.decided_at::date between $1 and $2
                                           and c.decided_at::date <= c.due_date) as on_time,
                count(c.case_id) filter (where c.status = 'correction'
                                           and c.received_at::date between $1 and $2)
                    as corrections,
                count(c.case_id) filter (where c.status = 'accepted'
                                           and c.due_date < current_date) as open_overdue
         from departments d left join cases c using (department_id)
         group by d.department_id order by d.code",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?;
    let cards: Vec<(i64, i64, i64)> = sqlx::query_as(
        "select department_id, count(*) filter (where level = 'yellow'),
                count(*) filter (where level = 'red')
         from supervision_cards where issued_at::date between $1 and $2 group by 1",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?;
    // Working days used: once per (acceptance day, decision day), however many cases share it.
    let spans: Vec<(i64, NaiveDate, NaiveDate, i64)> = sqlx::query_as(
        "select department_id, accepted_at::date, decided_at::date, count(*) from cases
         where decided_at::date between $1 and $2 and accepted_at is not null
         group by 1, 2, 3",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?;
    let cal = calendar::load(&mut conn).await?;
    let mut used: HashMap<i64, i64> = HashMap::new();
    for (dept, a, d, n) in spans {
        *used.entry(dept).or_default() += cal.working_days_between(a, d) * n;
    }
    let mut rows: Vec<EfficiencyRow> = counts
        .into_iter()
        .map(|c| {
            let (y, r) = cards
                .iter()
                .find(|k| k.0 == c.department_id)
                .map(|k| (k.1, k.2))
                .unwrap_or_default();
            EfficiencyRow {
                department_code: c.code,
                name_zh: c.name_zh,
                name_en: c.name_en,
                accepted: c.accepted,
                completed: c.completed,
                on_time: c.on_time,
                days_used: used.get(&c.department_id).copied().unwrap_or_default(),
                yellow_cards: y,
                red_cards: r,
                open_overdue: c.open_overdue,
                corrections: c.corrections,
            }
        })
        .collect();
    let mut total = EfficiencyRow {
        name_zh: "合计".into(),
        name_en: "Total".into(),
        ..EfficiencyRow::default()
    };
    for r in &rows {
        total.add(r);
    }
    rows.push(total);
    Ok(rows)
}

/// One finding of the supervision report: something a person should look at, not a verdict.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Finding {
    /// time_order, fast_decision, burst, zero_cases
    pub kind: String,
    /// Case number, or department code for zero_cases.
    pub subject: String,
    pub operator_code: Option<String>,
    pub at: Option<chrono::DateTime<chrono::Utc>>,
    pub detail: String,
}

/// Thresholds of the suspicious-sequence report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuspicionRules {
    /// A non-instant case decided sooner than this after acceptance.
    pub fast_minutes: i32,
    /// At least this many decisions by one operator…
    pub burst_count: i64,
    /// …within this many minutes.
    pub burst_minutes: i32,
}

impl Default for SuspicionRules {
    fn default() -> Self {
        SuspicionRules {
            fast_minutes: 10,
            burst_count: 10,
            burst_minutes: 5,
        }
    }
}

/// The supervision report (监察报告) for a period: steps timed before their case was
/// registered, non-instant cases decided within minutes of acceptance, bursts of decisions by
/// one operator, and departments with no cases at all (零办件). Supervisors and administrators.
pub async fn suspicious(
    pool: &PgPool,
    viewer: i64,
    from: NaiveDate,
    to: NaiveDate,
    rules: SuspicionRules,
) -> Result<Vec<Finding>, StoreError> {
    let me = actor(pool, viewer).await?;
    if !(allows(&me.roles, Permission::SeeAllCases) || allows(&me.roles, Permission::ReadAudit)) {
        return Err(StoreError::Forbidden(Permission::SeeAllCases));
    }
    Ok(sqlx::query_as(
        "select 'time_order' as kind, c.case_no as subject, null::text as operator_code,
                c.received_at as at,
                case when c.accepted_at < c.received_at then 'accepted before it was received'
                     when c.claimed_at < c.received_at then 'claimed before it was received'
                     else 'decided before it was accepted' end as detail
         from cases c
         where c.received_at::date between $1 and $2
           and (c.accepted_at < c.received_at or c.claimed_at < c.received_at
                or c.decided_at < c.accepted_at)
         union all
         select 'time_order', c.case_no, o.code, a.at,
                'audit row ' || a.action || ' is older than the case'
         from cases c
         join audit_log a on a.entity = 'case' and a.entity_id = c.case_id::text
         left join operators o on o.operator_id = a.operator_id
         where c.received_at::date between $1 and $2 and a.at < c.received_at
         union all
         select 'fast_decision', c.case_no, o.code, c.decided_at,
                'not an instant item, decided ' ||
                round(extract(epoch from c.decided_at - c.accepted_at) / 60)::text ||
                ' min after acceptance'
         from cases c
         join items i using (item_id)
         left join operators o on o.operator_id = c.decided_by
         where c.decided_at::date between $1 and $2 and not i.is_instant
           and c.decided_at >= c.accepted_at
           and c.decided_at - c.accepted_at < make_interval(mins => $3)
         union all
         select 'burst', o.code, o.code, b.first_at,
                b.peak::text || ' decisions within ' || $5::text || ' min'
         from (select decided_by, min(decided_at) as first_at, max(n) as peak
               from (select decided_by, decided_at,
                            count(*) over (partition by decided_by order by decided_at
                                           range between current row
                                                 and make_interval(mins => $5) following) as n
                     from cases where decided_at::date between $1 and $2) w
               where n >= $4
               group by decided_by) b
         join operators o on o.operator_id = b.decided_by
         union all
         select 'zero_cases', d.code, null, null, 'no case received in the period'
         from departments d
         where not exists (select 1 from cases c where c.department_id = d.department_id
                             and c.received_at::date between $1 and $2)
         order by 1, 4 nulls last, 2",
    )
    .bind(from)
    .bind(to)
    .bind(rules.fast_minutes)
    .bind(rules.burst_count)
    .bind(rules.burst_minutes)
    .fetch_all(pool)
    .await?)
}
