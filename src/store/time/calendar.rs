//! The working-day calendar in the database, and the due dates of cases counted on it.
//!
//! The counting rules are domain::time::calendar; this module loads the table into a `Calendar`,
//! imports a year's notice (audited), and keeps the cases' due dates in step with the table.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};

use crate::domain::accounts::permission::Permission;
use crate::domain::time::calendar::{Calendar, Due, Special};
use crate::domain::time::calendar_file::YearNotice;
use crate::store::StoreError;
use crate::store::accounts::permission::require;
use crate::store::audit::{self, NewAudit};

/// The whole calendar: a few dozen rows a year, cheap to read in the transaction that uses it.
pub async fn load(conn: &mut PgConnection) -> Result<Calendar, StoreError> {
    let years: Vec<i32> = sqlx::query_scalar("select year from calendar_years")
        .fetch_all(&mut *conn)
        .await?;
    let days: Vec<(NaiveDate, String)> =
        sqlx::query_as("select day, kind::text from calendar_days")
            .fetch_all(&mut *conn)
            .await?;
    let special = days
        .into_iter()
        .filter_map(|(d, k)| Special::parse(&k).map(|k| (d, k)));
    Ok(Calendar::new(years, special))
}

/// The calendar and the database's today in one round trip: for the queue, which needs both on
/// every page (each round trip is a large share of a page's cost; docs/performance.md).
pub async fn load_with_today(conn: &mut PgConnection) -> Result<(Calendar, NaiveDate), StoreError> {
    let (years, days, kinds, today): (Vec<i32>, Vec<NaiveDate>, Vec<String>, NaiveDate) =
        sqlx::query_as(
            "select coalesce((select array_agg(year) from calendar_years), '{}'),
                    coalesce((select array_agg(day order by day) from calendar_days), '{}'),
                    coalesce((select array_agg(kind::text order by day) from calendar_days), '{}'),
                    current_date",
        )
        .fetch_one(&mut *conn)
        .await?;
    let special = days
        .into_iter()
        .zip(kinds)
        .filter_map(|(d, k)| Special::parse(&k).map(|k| (d, k)));
    Ok((Calendar::new(years, special), today))
}

/// The database's today, in the center's time zone (the session's).
pub async fn today(conn: &mut PgConnection) -> Result<NaiveDate, StoreError> {
    Ok(sqlx::query_scalar("select current_date")
        .fetch_one(&mut *conn)
        .await?)
}

/// `n` working days after `from`, on the calendar as loaded now.
pub async fn due(pool: &PgPool, from: NaiveDate, n: u32) -> Result<Due, StoreError> {
    let mut conn = pool.acquire().await?;
    Ok(load(&mut conn).await?.add_working_days(from, n))
}

/// One loaded year, for `calendar show`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedYear {
    pub year: i32,
    pub notice: String,
    pub loaded_at: DateTime<Utc>,
    /// Operator code; `None` when shipped with onewindow.
    pub loaded_by: Option<String>,
    pub days: Vec<(NaiveDate, Special, String)>,
}

pub async fn show(pool: &PgPool, year: i32) -> Result<Option<LoadedYear>, StoreError> {
    let head: Option<(String, DateTime<Utc>, Option<String>)> = sqlx::query_as(
        "select y.notice, y.loaded_at, o.code from calendar_years y
         left join operators o on o.operator_id = y.loaded_by where y.year = $1",
    )
    .bind(year)
    .fetch_optional(pool)
    .await?;
    let Some((notice, loaded_at, loaded_by)) = head else {
        return Ok(None);
    };
    let rows: Vec<(NaiveDate, String, String)> = sqlx::query_as(
        "select day, kind::text, name from calendar_days where year = $1 order by day",
    )
    .bind(year)
    .fetch_all(pool)
    .await?;
    Ok(Some(LoadedYear {
        year,
        notice,
        loaded_at,
        loaded_by,
        days: rows
            .into_iter()
            .filter_map(|(d, k, n)| Special::parse(&k).map(|k| (d, k, n)))
            .collect(),
    }))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// The year was loaded before and its days were replaced.
    pub replaced: bool,
    /// Open cases whose due date was recomputed.
    pub recomputed: u64,
}

/// Loads (or replaces) a year's notice and recomputes the due dates it affects, in one
/// transaction with its audit row: the administrators' job.
///
/// A notice lacking a statutory festival (`YearNotice::missing_festivals`) is refused unless
/// `incomplete_reason` gives the reason to load it anyway; the override, the festivals missing
/// and the reason are in the audit row.
pub async fn import(
    pool: &PgPool,
    operator_id: i64,
    n: &YearNotice,
    incomplete_reason: Option<&str>,
) -> Result<ImportReport, StoreError> {
    let missing = n.missing_festivals();
    let reason = incomplete_reason.map(str::trim).filter(|r| !r.is_empty());
    if !missing.is_empty() && reason.is_none() {
        return Err(StoreError::Invalid {
            field: "festival",
            reason: format!(
                "{} lacks the statutory festival(s) {}: a year is loaded with all seven, or with a reason (--incomplete --reason TEXT, audited)",
                n.year,
                missing.join(", ")
            ),
        });
    }
    let mut tx = pool.begin().await?;
    require(&mut *tx, operator_id, Permission::ManageCalendar).await?;
    // One import at a time: two imports interleaving their recomputations would leave due
    // dates counted on a calendar that no longer exists.
    sqlx::query("lock table calendar_years in share row exclusive mode")
        .execute(&mut *tx)
        .await?;
    let replaced = sqlx::query("delete from calendar_years where year = $1")
        .bind(n.year)
        .execute(&mut *tx)
        .await?
        .rows_affected()
        > 0;
    sqlx::query("insert into calendar_years (year, notice, loaded_by) values ($1, $2, $3)")
        .bind(n.year)
        .bind(&n.notice)
        .bind(operator_id)
        .execute(&mut *tx)
        .await?;
    let days: Vec<NaiveDate> = n.days.iter().map(|d| d.0).collect();
    let kinds: Vec<&str> = n.days.iter().map(|d| d.1.as_str()).collect();
    let names: Vec<&str> = n.days.iter().map(|d| d.2.as_str()).collect();
    sqlx::query(
        "insert into calendar_days (day, year, kind, name)
         select d, $1, k::calendar_day_kind, nm
         from unnest($2::date[], $3::text[], $4::text[]) as t(d, k, nm)",
    )
    .bind(n.year)
    .bind(&days)
    .bind(&kinds)
    .bind(&names)
    .execute(&mut *tx)
    .await?;
    let recomputed = refresh_due_dates(&mut tx, Some(n.year)).await?;
    let holidays = n.days.iter().filter(|d| d.1 == Special::Holiday).count();
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "calendar.import",
            entity: "calendar",
            entity_id: Some(n.year.to_string()),
            detail: json!({
                "notice": n.notice,
                "holidays": holidays,
                "workdays": n.days.len() - holidays,
                "replaced": replaced,
                "recomputed": recomputed,
                "incomplete": !missing.is_empty(),
                "missing_festivals": missing,
                "incomplete_reason": if missing.is_empty() { None } else { reason },
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(ImportReport {
        replaced,
        recomputed,
    })
}

/// Recomputes the due dates of open cases that need it: those without one (accepted before time
/// limits existed), provisional ones, and — when `year` changed — those counted through it.
/// Set-based: one due date per distinct (start day, limit), one UPDATE.
pub async fn refresh_due_dates(
    conn: &mut PgConnection,
    year: Option<i32>,
) -> Result<u64, StoreError> {
    let cal = load(&mut *conn).await?;
    // The clock runs for the limit, plus an extension, plus the working days it stood still.
    let pairs: Vec<(NaiveDate, i32)> = sqlx::query_as(
        "select distinct c.accepted_at::date,
                coalesce(c.limit_days, i.promised_days) + c.extension_days + c.suspended_days
         from cases c join items i using (item_id)
         where c.status = 'accepted'
           and (c.due_date is null or c.due_provisional
                or ($1::integer is not null
                    and extract(year from c.accepted_at)::integer <= $1
                    and extract(year from c.due_date)::integer >= $1))",
    )
    .bind(year)
    .fetch_all(&mut *conn)
    .await?;
    if pairs.is_empty() {
        return Ok(0);
    }
    let mut starts = Vec::with_capacity(pairs.len());
    let mut limits = Vec::with_capacity(pairs.len());
    let mut dues = Vec::with_capacity(pairs.len());
    let mut provisional = Vec::with_capacity(pairs.len());
    for (start, limit) in pairs {
        let due = cal.add_working_days(start, limit.max(0) as u32);
        starts.push(start);
        limits.push(limit);
        provisional.push(due.provisional());
        dues.push(due.date);
    }
    let updated = sqlx::query(
        "update cases c
         set limit_days = coalesce(c.limit_days, i.promised_days), due_date = v.due,
             due_provisional = v.prov
         from unnest($1::date[], $2::integer[], $3::date[], $4::boolean[]) as v(start, lim, due, prov),
              items i
         where i.item_id = c.item_id and c.status = 'accepted'
           and c.accepted_at::date = v.start
           and coalesce(c.limit_days, i.promised_days) + c.extension_days + c.suspended_days
               = v.lim
           and (c.due_date, c.due_provisional) is distinct from (v.due, v.prov)",
    )
    .bind(&starts)
    .bind(&limits)
    .bind(&dues)
    .bind(&provisional)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(updated)
}

/// Due dates for many (start, limit) pairs at once, memoised: seeding a million cases counts
/// only the few thousand distinct pairs.
pub fn due_dates(cal: &Calendar) -> impl FnMut(NaiveDate, u32) -> Due + '_ {
    let mut memo: HashMap<(NaiveDate, u32), Due> = HashMap::new();
    move |start, n| {
        memo.entry((start, n))
            .or_insert_with(|| cal.add_working_days(start, n))
            .clone()
    }
}
