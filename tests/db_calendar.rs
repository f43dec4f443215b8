//! The working-day calendar in the database: the shipped years against the official tables,
//! importing a year, and the due dates of cases.

mod common;

use common::op;

use chrono::{Datelike, Days, NaiveDate};
use onewindow::domain::time::calendar::Special;
use onewindow::domain::time::calendar_file;
use onewindow::store::StoreError;
use onewindow::store::cases::{self, ApplicantKind, Intake, IntakeOutcome, Queue, QueueFilter};
use onewindow::store::time::calendar;
use onewindow::store::{catalogue, seed};
use sqlx::PgPool;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn the_shipped_years_are_the_official_tables(pool: PgPool) {
    let mut conn = pool.acquire().await.unwrap();
    let cal = calendar::load(&mut conn).await.unwrap();
    assert!(cal.is_loaded(2025) && cal.is_loaded(2026) && !cal.is_loaded(2027));
    // Every day against an independent source (the chinese_holiday crate's tables; it stops at
    // 2026-12-25).
    let mut day = d(2025, 1, 1);
    let mut checked = 0;
    while day <= d(2026, 12, 25) {
        let oracle = chinese_holiday::chinese_holiday((
            day.year() as u16,
            day.month() as u8,
            day.day() as u8,
        ))
        .is_workday();
        assert_eq!(cal.is_working_day(day), oracle, "{day}");
        day = day + Days::new(1);
        checked += 1;
    }
    assert_eq!(checked, 724);
    // The migration's rows are exactly the shipped notice files.
    for (year, text) in [
        (2025, include_str!("../calendars/2025.toml")),
        (2026, include_str!("../calendars/2026.toml")),
    ] {
        let file = calendar_file::parse(text).unwrap();
        let db = calendar::show(&pool, year).await.unwrap().unwrap();
        assert_eq!(db.days, file.days, "{year}");
        assert_eq!(db.notice, file.notice);
        assert_eq!(db.loaded_by, None);
    }
}

const NOTICE_2027: &str = "year = 2027\nnotice = \"国办发明电（测试）\"\n\n[[festival]]\nname = \"元旦\"\nfrom = \"2027-01-01\"\nto = \"2027-01-03\"\n\n[[festival]]\nname = \"春节\"\nfrom = \"2027-02-06\"\nto = \"2027-02-12\"\nwork = [\"2027-02-14\"]\n";

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn intake_counts_the_due_date_and_an_import_recomputes_it(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let clerk = op(&pool, "clerk").await;
    let admin = op(&pool, "admin").await;
    // The longest promised limit of the clerk's department: the count may run into 2027.
    let (item_id, promised): (i64, i32) = sqlx::query_as(
        "select i.item_id, i.promised_days from items i
         join operators o on o.department_id = i.department_id
         where o.code = 'clerk' order by i.promised_days desc, i.item_id limit 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let provided = catalogue::materials(&pool, item_id)
        .await
        .unwrap()
        .iter()
        .map(|m| m.material_id)
        .collect();
    let intake = Intake {
        item_id,
        kind: ApplicantKind::Person,
        name: "张小三".into(),
        id_no: "11010519491231002X".into(),
        phone: "13800138000".into(),
        address: String::new(),
        first_inquiry: None,
        provided,
    };
    let out = cases::intake(&pool, clerk, &intake).await.unwrap();
    let IntakeOutcome::Accepted {
        case_id,
        due,
        due_provisional,
        ..
    } = out
    else {
        panic!("{out:?}")
    };
    let mut conn = pool.acquire().await.unwrap();
    let today = calendar::today(&mut conn).await.unwrap();
    let cal = calendar::load(&mut conn).await.unwrap();
    let expected = cal.add_working_days(today, promised as u32);
    assert_eq!(
        (due, due_provisional),
        (expected.date, expected.provisional())
    );
    let detail = cases::detail(&pool, clerk, case_id).await.unwrap();
    assert_eq!(detail.row.due_date, Some(due));
    assert_eq!(detail.row.limit_days, Some(promised));
    let left = detail.row.remaining.unwrap();
    assert_eq!(left.days, promised as i64);
    assert!(!left.overdue);

    // A provisional case (run into an unloaded year) by construction: accepted in late
    // December of this year, counted into the next.
    let next = today.year() + 1;
    // Times are the database's (no back-filling): the test, as superuser, lifts the trigger to
    // construct a case accepted in late December.
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("alter table cases disable trigger cases_refuse_backdating")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query(
        "update cases set accepted_at = make_date($1, 12, 30)::timestamptz, due_date = null
         where case_id = $2",
    )
    .bind(today.year())
    .bind(case_id)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query("alter table cases enable trigger cases_refuse_backdating")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(calendar::refresh_due_dates(&mut conn, None).await.unwrap() >= 1);
    let (due_before, provisional): (NaiveDate, bool) =
        sqlx::query_as("select due_date, due_provisional from cases where case_id = $1")
            .bind(case_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(provisional, !cal.is_loaded(next));

    // Only an administrator imports a notice; a refused import leaves nothing behind.
    let notice = calendar_file::parse(&NOTICE_2027.replace("2027", &next.to_string())).unwrap();
    let e = calendar::import(&pool, clerk, &notice, Some("test notice"))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    let report = calendar::import(&pool, admin, &notice, Some("test notice"))
        .await
        .unwrap();
    assert!(!report.replaced);
    assert!(report.recomputed >= 1);
    let (due_after, provisional): (NaiveDate, bool) =
        sqlx::query_as("select due_date, due_provisional from cases where case_id = $1")
            .bind(case_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(!provisional);
    // New Year's days off push the date back.
    assert!(due_after > due_before, "{due_after} {due_before}");
    let cal = calendar::load(&mut conn).await.unwrap();
    assert_eq!(
        due_after,
        cal.add_working_days(d(today.year(), 12, 30), promised as u32)
            .date
    );
    assert!(!cal.is_working_day(d(next, 1, 1)));
    assert!(cal.is_working_day(d(next, 2, 14)));

    // Importing again replaces the year; both imports are in the audit trail.
    let again = calendar::import(&pool, admin, &notice, Some("test notice"))
        .await
        .unwrap();
    assert!(again.replaced);
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where action = 'calendar.import' and entity_id = $1",
    )
    .bind(next.to_string())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 2);
    let shown = calendar::show(&pool, next).await.unwrap().unwrap();
    assert_eq!(shown.loaded_by.as_deref(), Some("admin"));
    assert_eq!(
        shown
            .days
            .iter()
            .filter(|x| x.1 == Special::Workday)
            .count(),
        1
    );
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn queues_sort_by_due_date_with_days_left(pool: PgPool) {
    seed::seed(&pool, 7, 3000).await.unwrap();
    let clerk = op(&pool, "clerk").await;
    let supervisor = op(&pool, "supervisor").await;
    let rows = cases::queue(
        &pool,
        supervisor,
        Queue::AllOpen,
        &QueueFilter::default(),
        None,
        500,
    )
    .await
    .unwrap();
    let dues: Vec<NaiveDate> = rows
        .iter()
        .map(|r| r.due_date.unwrap_or(cases::NO_DUE_DATE))
        .collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]));
    // The most urgent first: the seed leaves a few percent overdue.
    let overdue = rows
        .iter()
        .filter(|r| r.remaining.is_some_and(|x| x.overdue))
        .count();
    assert!(overdue > 0, "no overdue case among the first 500");
    assert!(rows[0].remaining.unwrap().overdue);
    // Every open accepted case has its due date and days left; correction cases have neither.
    for r in &rows {
        assert_eq!(
            r.due_date.is_some(),
            r.status == "accepted",
            "{}",
            r.case_no
        );
        assert_eq!(r.remaining.is_some(), r.status == "accepted");
    }
    let open: i64 = sqlx::query_scalar(
        "select count(*) from cases where status = 'accepted' and due_date is null",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(open, 0);
    let share: f64 = sqlx::query_scalar(
        "select avg((due_date < current_date)::int)::float8 from cases where status = 'accepted'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!((0.01..0.10).contains(&share), "{share}");
    // The department queue pages in due order too.
    let page = cases::queue(
        &pool,
        clerk,
        Queue::Department,
        &QueueFilter::default(),
        None,
        20,
    )
    .await
    .unwrap();
    let next = cases::queue(
        &pool,
        clerk,
        Queue::Department,
        &QueueFilter::default(),
        Some(page.last().unwrap().next_page_after(Queue::Department)),
        20,
    )
    .await
    .unwrap();
    let key = |r: &cases::QueueRow| (r.due_date.unwrap_or(cases::NO_DUE_DATE), r.case_id);
    assert!(key(page.last().unwrap()) < key(&next[0]));
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn the_one_round_trip_calendar_is_the_same_calendar(pool: PgPool) {
    let mut conn = pool.acquire().await.unwrap();
    let (cal, today) = calendar::load_with_today(&mut conn).await.unwrap();
    assert_eq!(cal, calendar::load(&mut conn).await.unwrap());
    assert_eq!(today, calendar::today(&mut conn).await.unwrap());
    // A day of the 2026 notice counts the same through both.
    let d = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
    assert_eq!(
        cal.add_working_days(d, 3),
        calendar::load(&mut conn)
            .await
            .unwrap()
            .add_working_days(d, 3)
    );
}
