//! The efficiency evaluation (效能评估): per department, for a period of days.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::PgPool;

use super::StoreError;
use super::calendar;
use super::operators::actor;
use crate::domain::permission::{Permission, allows};

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
