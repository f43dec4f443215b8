//! Reading cases: the queues (keyset-paged, filtered on the server) and the case view.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};

use crate::domain::accounts::permission::{Permission, allows};
use crate::domain::time::calendar::Remaining;
use crate::store::accounts::permission::{Actor, actor};
use crate::store::{StoreError, time::calendar};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// Claimed by me, open.
    Mine,
    /// Open and unclaimed, in my department.
    Department,
    /// Every open case (supervisors).
    AllOpen,
    /// Decided in the last 7 days, in my department (all, for supervisors).
    DoneRecently,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    /// Item name or code, applicant name, or case number, anywhere.
    pub text: Option<String>,
    pub status: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// One department (the overdue board opens a department's open cases).
    pub department_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueueRow {
    pub case_id: i64,
    pub case_no: String,
    pub item_zh: String,
    pub item_en: String,
    pub department_code: String,
    pub applicant_kind: String,
    pub applicant_name: String,
    pub applicant_id_no: String,
    pub status: String,
    pub claimed_by_name: Option<String>,
    pub received_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub is_instant: bool,
    pub version: i32,
    /// The promised limit in working days, fixed at acceptance.
    pub limit_days: Option<i32>,
    pub due_date: Option<NaiveDate>,
    pub due_provisional: bool,
    /// In a special procedure (特别程序): the clock stands still.
    pub suspended: bool,
    pub extension_days: i32,
    /// Working days left, from the database's today; open accepted cases only.
    #[sqlx(skip)]
    pub remaining: Option<Remaining>,
}

impl QueueRow {
    /// Where the next page starts after this row, in the order of `queue`.
    pub fn next_page_after(&self, which: Queue) -> After {
        After {
            key: match which {
                Queue::DoneRecently => {
                    SortKey::Decided(self.decided_at.unwrap_or(self.received_at))
                }
                _ => SortKey::Due(self.due_date.unwrap_or(NO_DUE_DATE)),
            },
            case_id: self.case_id,
        }
    }
}

/// The columns of a `QueueRow`, shared by the queues and the case view.
const QUEUE_ROW_SELECT: &str =
    "select c.case_id, c.case_no, i.name_zh as item_zh, i.name_en as item_en,
                d.code as department_code, c.applicant_kind::text as applicant_kind,
                c.applicant_name, c.applicant_id_no, c.status::text as status,
                o.name as claimed_by_name, c.received_at, c.accepted_at, c.decided_at,
                i.is_instant, c.version, c.limit_days, c.due_date, c.due_provisional,
                c.suspended, c.extension_days
         from cases c
         join items i using (item_id)
         join departments d on d.department_id = c.department_id
         left join operators o on o.operator_id = c.claimed_by";

/// The values of the `case_status` type (migrations 0007, 0017).
const CASE_STATUSES: [&str; 5] = [
    "correction",
    "accepted",
    "approved",
    "disapproved",
    "withdrawn",
];

/// Where the next page starts: the sort key of the last row shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct After {
    pub key: SortKey,
    pub case_id: i64,
}

/// Open queues sort by due date (soonest first), decided cases by decision (newest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Due(NaiveDate),
    Decided(DateTime<Utc>),
}

/// Where cases without a due date (awaiting correction: the clock has not started) sort: last.
/// The same constant is in the queue indexes (migrations/0008).
pub const NO_DUE_DATE: NaiveDate = NaiveDate::from_ymd_opt(9999, 12, 31).expect("a real date");

/// One page of a queue, oldest first (keyset pagination: the cost of a page does not grow with
/// how far down it is).
pub async fn queue(
    pool: &PgPool,
    viewer: i64,
    which: Queue,
    f: &QueueFilter,
    after: Option<After>,
    limit: i64,
) -> Result<Vec<QueueRow>, StoreError> {
    let mut conn = pool.acquire().await?;
    let me = actor(&mut *conn, viewer).await?;
    let mut q = queue_sql("", &me, viewer, which, f, after, limit)?;
    let mut rows = q.build_query_as::<QueueRow>().fetch_all(&mut *conn).await?;
    with_remaining(&mut conn, &mut rows).await?;
    Ok(rows)
}

/// PostgreSQL's own time for a queue page's statement (EXPLAIN ANALYZE): the benchmark's
/// bare-database baseline for `queue`.
pub async fn queue_explained(
    pool: &PgPool,
    viewer: i64,
    which: Queue,
    f: &QueueFilter,
    after: Option<After>,
    limit: i64,
) -> Result<crate::store::Explained, StoreError> {
    let me = actor(pool, viewer).await?;
    let mut q = queue_sql(
        "explain (analyze, format json) ",
        &me,
        viewer,
        which,
        f,
        after,
        limit,
    )?;
    // Unnamed, so PostgreSQL plans it for these values each time, as it does the page itself;
    // a named statement goes over to a generic plan after five runs, which for a keyset page
    // is a different (and far slower) plan from the one being measured.
    let plan: serde_json::Value = q
        .build_query_scalar()
        .persistent(false)
        .fetch_one(pool)
        .await?;
    Ok(crate::store::Explained::from_plan(&plan))
}

/// The statement of one queue page, with the permission checks that shape it.
fn queue_sql(
    prefix: &'static str,
    me: &Actor,
    viewer: i64,
    which: Queue,
    f: &QueueFilter,
    after: Option<After>,
    limit: i64,
) -> Result<QueryBuilder<Postgres>, StoreError> {
    let sees_all = allows(&me.roles, Permission::SeeAllCases);
    if !(sees_all || allows(&me.roles, Permission::WorkCase)) {
        return Err(StoreError::Forbidden(Permission::WorkCase));
    }
    // Decided cases: newest decision first. Open ones: soonest due first (the most urgent at
    // the top). Both are keyset-paged on (key, case_id) in that direction.
    let done = which == Queue::DoneRecently;
    let (sort, dir, cmp) = if done {
        ("c.decided_at", "desc", "<")
    } else {
        ("coalesce(c.due_date, date '9999-12-31')", "asc", ">")
    };
    // The date range is on reception for open cases, on the decision for decided ones.
    let date_col = if done {
        "c.decided_at"
    } else {
        "c.received_at"
    };
    let mut q: QueryBuilder<Postgres> = QueryBuilder::new(prefix);
    q.push(QUEUE_ROW_SELECT);
    q.push(" where true");
    match which {
        Queue::Mine => {
            q.push(" and c.claimed_by = ").push_bind(viewer);
            q.push(" and c.status in ('accepted', 'correction')");
        }
        Queue::Department => {
            q.push(" and c.department_id = ")
                .push_bind(me.department_id);
            q.push(" and c.status in ('accepted', 'correction') and c.claimed_by is null");
        }
        Queue::AllOpen => {
            if !sees_all {
                return Err(StoreError::Forbidden(Permission::SeeAllCases));
            }
            q.push(" and c.status in ('accepted', 'correction')");
        }
        Queue::DoneRecently => {
            if !sees_all {
                q.push(" and c.department_id = ")
                    .push_bind(me.department_id);
            }
            q.push(" and c.decided_at > now() - interval '7 days'");
        }
    }
    if let Some(t) = f.text.as_ref().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        let p = format!("%{}%", crate::store::catalogue::escape_like(t));
        q.push(" and (i.name_zh ilike ")
            .push_bind(p.clone())
            .push(" or i.code ilike ")
            .push_bind(p.clone())
            .push(" or c.applicant_name ilike ")
            .push_bind(p.clone())
            .push(" or c.case_no ilike ")
            .push_bind(p)
            .push(")");
    }
    if let Some(d) = f.department_id {
        q.push(" and c.department_id = ").push_bind(d);
    }
    if let Some(s) = &f.status {
        // Compared as the enum, not as text: `status::text = $1` hides the column's statistics
        // from the planner, which then guesses a handful of rows and sorts a bitmap scan
        // (300 ms on a million cases) instead of reading the due-date index in order (1 ms).
        if CASE_STATUSES.contains(&s.as_str()) {
            q.push(" and c.status = cast(")
                .push_bind(s.clone())
                .push(" as case_status)");
        } else {
            q.push(" and false");
        }
    }
    if let Some(d) = f.from {
        q.push(format_args!(" and {date_col} >= ")).push_bind(d);
    }
    if let Some(d) = f.to {
        q.push(format_args!(" and {date_col} < "))
            .push_bind(d + chrono::Days::new(1));
    }
    if let Some(a) = after {
        q.push(format_args!(" and ({sort}, c.case_id) {cmp} ("));
        match a.key {
            SortKey::Due(d) => q.push_bind(d),
            SortKey::Decided(t) => q.push_bind(t),
        };
        q.push(", ").push_bind(a.case_id).push(")");
    }
    q.push(format_args!(
        " order by {sort} {dir}, c.case_id {dir} limit "
    ))
    .push_bind(limit);
    Ok(q)
}

/// Fills in the working days left of open accepted rows, on the calendar and the database's
/// today.
async fn with_remaining(conn: &mut PgConnection, rows: &mut [QueueRow]) -> Result<(), StoreError> {
    if !rows
        .iter()
        .any(|r| r.status == "accepted" && r.due_date.is_some())
    {
        return Ok(());
    }
    let (cal, today) = calendar::load_with_today(&mut *conn).await?;
    for r in rows
        .iter_mut()
        .filter(|r| r.status == "accepted" && !r.suspended)
    {
        r.remaining = r.due_date.map(|due| cal.remaining(today, due));
    }
    Ok(())
}

/// One case as the case view shows it: the applicant in full (the viewer may see them), the
/// materials checklist and the timeline from the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseDetail {
    pub row: QueueRow,
    pub applicant_phone: String,
    pub applicant_address: String,
    pub department_id: i64,
    pub correction_note: Option<String>,
    pub decision_reason: Option<String>,
    /// Who received the application at the window, and who the applicant asked first (首问).
    pub received_by_name: String,
    pub first_inquiry_name: String,
    /// The open special procedure: (kind, reason).
    pub suspension: Option<(String, String)>,
    /// The extension: (working days, reason).
    pub extension: Option<(i32, String)>,
    /// (name, provided)
    pub materials: Vec<(String, bool)>,
    pub timeline: Vec<TimelineEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub operator_name: Option<String>,
    pub action: String,
}

/// A case of the viewer's department (any case, for supervisors).
pub async fn detail(pool: &PgPool, viewer: i64, case_id: i64) -> Result<CaseDetail, StoreError> {
    let mut conn = pool.acquire().await?;
    let me = actor(&mut *conn, viewer).await?;
    #[derive(sqlx::FromRow)]
    struct Extra {
        applicant_phone: String,
        applicant_address: String,
        department_id: i64,
        correction_note: Option<String>,
        decision_reason: Option<String>,
        received_by_name: String,
        first_inquiry_name: String,
        extension_days: i32,
        extension_reason: Option<String>,
    }
    let extra: Extra = sqlx::query_as(
        "select c.applicant_phone, c.applicant_address, c.department_id, c.correction_note,
                c.decision_reason, r.name as received_by_name, q.name as first_inquiry_name,
                c.extension_days, c.extension_reason
         from cases c
         join operators r on r.operator_id = c.received_by
         join operators q on q.operator_id = c.first_inquiry_by
         where c.case_id = $1",
    )
    .bind(case_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound("case"))?;
    if extra.department_id != me.department_id && !allows(&me.roles, Permission::SeeAllCases) {
        return Err(StoreError::Forbidden(Permission::WorkCase));
    }
    let mut q: QueryBuilder<Postgres> = QueryBuilder::new(QUEUE_ROW_SELECT);
    q.push(" where c.case_id = ").push_bind(case_id);
    let mut row: QueueRow = q.build_query_as().fetch_one(&mut *conn).await?;
    with_remaining(&mut conn, std::slice::from_mut(&mut row)).await?;
    let materials: Vec<(String, bool)> = sqlx::query_as(
        "select m.name_zh, cm.provided from case_materials cm
         join item_materials m using (material_id)
         where cm.case_id = $1 order by m.position",
    )
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?;
    let suspension: Option<(String, String)> = sqlx::query_as(
        "select kind::text, reason from case_suspensions where case_id = $1 and ended_at is null",
    )
    .bind(case_id)
    .fetch_optional(&mut *conn)
    .await?;
    let timeline: Vec<TimelineEntry> = sqlx::query_as(
        "select a.at, o.name as operator_name, a.action
         from audit_log a left join operators o using (operator_id)
         where a.entity = 'case' and a.entity_id = $1 order by a.audit_id",
    )
    .bind(case_id.to_string())
    .fetch_all(&mut *conn)
    .await?;
    Ok(CaseDetail {
        row,
        applicant_phone: extra.applicant_phone,
        applicant_address: extra.applicant_address,
        department_id: extra.department_id,
        correction_note: extra.correction_note,
        decision_reason: extra.decision_reason,
        received_by_name: extra.received_by_name,
        first_inquiry_name: extra.first_inquiry_name,
        suspension,
        extension: (extra.extension_days > 0).then(|| {
            (
                extra.extension_days,
                extra.extension_reason.unwrap_or_default(),
            )
        }),
        materials,
        timeline,
    })
}
