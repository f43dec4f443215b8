//! Issue 17.5: notices with their legal periods — a too-short period refused by article, a
//! supervisor's one-time override (audited, a finding), a late change moving the deadline, the
//! public list.

mod common;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::op;
use common::trading::{center, project};
use onewindow::domain::time::calendar::Calendar;
use onewindow::domain::time::zone::CENTER;
use onewindow::domain::trading::kinds::{Level, NoticeKind};
use onewindow::domain::trading::period::{Unit, period_end};
use onewindow::store::StoreError;
use onewindow::store::trading::notices::{self, NewNotice};
use onewindow::store::trading::projects::{self, NewSection};
use sqlx::PgPool;

/// A construction project with one section whose deadline is `deadline_in` days from now; its
/// unified deal code, the calendar and today at the center.
async fn section(pool: &PgPool, deadline_in: i64) -> (String, Calendar, NaiveDate) {
    center(pool).await;
    let clerk = op(pool, "tclerk").await;
    let p = projects::register(pool, clerk, &project(100_000_000, Level::Urban))
        .await
        .unwrap();
    let deadline = Utc::now() + Duration::days(deadline_in);
    let s = projects::add_section(
        pool,
        clerk,
        &p.project_code,
        &NewSection {
            name: "施工".into(),
            basis_fen: 100_000_000,
            deposit_fen: 1_000_000,
            bid_validity_days: 90,
            doc_issue_at: None,
            deadline_at: Some(deadline),
            opening_at: Some(deadline),
        },
    )
    .await
    .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let (cal, today) = onewindow::store::time::calendar::load_with_today(&mut conn)
        .await
        .unwrap();
    (s.unified_deal_code, cal, today)
}

fn tender(ends_on: NaiveDate) -> NewNotice {
    NewNotice {
        kind: NoticeKind::Tender,
        title: "城东小学教学楼改造工程施工招标公告".into(),
        media: "县公共资源交易中心网站".into(),
        ends_on: Some(ends_on),
    }
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_tender_notice_shorter_than_20_days_is_refused_naming_the_article(pool: PgPool) {
    let (udc, cal, today) = section(&pool, 60).await;
    let clerk = op(&pool, "tclerk").await;
    let lawful = period_end(&cal, today, 20, Unit::Day).date;
    let err = notices::publish(&pool, clerk, &udc, &tender(lawful - Duration::days(1)))
        .await
        .unwrap_err();
    let StoreError::Invalid { field, reason } = err else {
        panic!("{err}")
    };
    assert_eq!(field, "ends");
    assert!(
        reason.contains(&lawful.to_string()) && reason.contains("招标投标法 第24条"),
        "{reason}"
    );
    let n: i64 = sqlx::query_scalar("select count(*) from trade_notices")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 0, "nothing half-saved");
    let p = notices::publish(&pool, clerk, &udc, &tender(lawful))
        .await
        .unwrap();
    assert_eq!(p.lawful_end, Some(lawful));
    assert!(!p.overridden);
    let stage: String = sqlx::query_scalar("select stage from trade_projects")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stage, "noticed");
    // A period-less kind needs no end; a kind with a period does.
    let mut n = tender(lawful);
    n.ends_on = None;
    assert!(matches!(
        notices::publish(&pool, clerk, &udc, &n).await,
        Err(StoreError::Invalid { field: "ends", .. })
    ));
    n.kind = NoticeKind::Termination;
    notices::publish(&pool, clerk, &udc, &n).await.unwrap();
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_supervisors_override_serves_one_short_notice_and_is_a_finding(pool: PgPool) {
    let (udc, _, today) = section(&pool, 60).await;
    let clerk = op(&pool, "tclerk").await;
    let supervisor = op(&pool, "supervisor").await;
    let short = tender(today + Duration::days(10));
    assert!(matches!(
        notices::allow_short(
            &pool,
            clerk,
            &udc,
            NoticeKind::Tender,
            "抢险救灾工程，时间紧急"
        )
        .await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        notices::allow_short(&pool, supervisor, &udc, NoticeKind::Tender, "急").await,
        Err(StoreError::Invalid {
            field: "reason",
            ..
        })
    ));
    notices::allow_short(
        &pool,
        supervisor,
        &udc,
        NoticeKind::Tender,
        "抢险救灾工程，时间紧急",
    )
    .await
    .unwrap();
    let p = notices::publish(&pool, clerk, &udc, &short).await.unwrap();
    assert!(p.overridden);
    // Used: the next short one is refused again.
    assert!(notices::publish(&pool, clerk, &udc, &short).await.is_err());
    let (findings, audits): (i64, i64) = sqlx::query_as(
        "select (select count(*) from trade_findings where rule_code = 'short_notice'),
                (select count(*) from audit_log where action = 'trade.notice.override')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((findings, audits), (1, 1));
}

fn local(t: DateTime<Utc>) -> chrono::DateTime<chrono_tz::Tz> {
    t.with_timezone(&CENTER)
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_change_later_than_15_days_before_the_deadline_moves_it(pool: PgPool) {
    let (udc, cal, today) = section(&pool, 5).await;
    let clerk = op(&pool, "tclerk").await;
    let before: DateTime<Utc> = sqlx::query_scalar("select deadline_at from trade_sections")
        .fetch_one(&pool)
        .await
        .unwrap();
    let change = NewNotice {
        kind: NoticeKind::Change,
        title: "变更公告：工程量清单更正".into(),
        media: "县公共资源交易中心网站".into(),
        ends_on: None,
    };
    let p = notices::publish(&pool, clerk, &udc, &change).await.unwrap();
    let to = p.moved_deadline_to.expect("the deadline moved");
    assert_eq!(
        local(to).date_naive(),
        period_end(&cal, today, 15, Unit::Day).date
    );
    assert_eq!(
        local(to).time(),
        local(before).time(),
        "the same time of day"
    );
    let (deadline, opening): (DateTime<Utc>, DateTime<Utc>) =
        sqlx::query_as("select deadline_at, opening_at from trade_sections")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((deadline, opening), (to, to));
    // Now far enough: another change leaves it.
    let p = notices::publish(&pool, clerk, &udc, &change).await.unwrap();
    assert_eq!(p.moved_deadline_to, None);
    let rows = notices::list(&pool, 10).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].kind, "change");
}
