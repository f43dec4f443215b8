//! Issue 17.3: the trading clerks' queue — one claimer wins, only the holder gives back, and the
//! nearest legal date (a deadline, an opening, a notice's end) comes first.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::op;
use common::trading::{center, project};
use onewindow::domain::accounts::permission::Permission;
use onewindow::domain::trading::kinds::{Level, NoticeKind};
use onewindow::store::StoreError;
use onewindow::store::trading::notices::{self, NewNotice};
use onewindow::store::trading::projects::{self, NewSection};
use onewindow::store::trading::queue::{self, ClaimOutcome, Scope};
use sqlx::PgPool;

async fn registered(pool: &PgPool, title: &str) -> String {
    let clerk = op(pool, "tclerk").await;
    let mut p = project(100_000_000, Level::Urban);
    p.title = title.into();
    projects::register(pool, clerk, &p)
        .await
        .unwrap()
        .project_code
}

async fn section(
    pool: &PgPool,
    code: &str,
    deadline: DateTime<Utc>,
    opening: DateTime<Utc>,
) -> String {
    projects::add_section(
        pool,
        op(pool, "tclerk").await,
        code,
        &NewSection {
            name: "施工".into(),
            basis_fen: 100_000_000,
            deposit_fen: 1_000_000,
            bid_validity_days: 90,
            doc_issue_at: None,
            deadline_at: Some(deadline),
            opening_at: Some(opening),
        },
    )
    .await
    .unwrap()
    .unified_deal_code
}

fn codes(rows: &[queue::QueueRow]) -> Vec<&str> {
    rows.iter().map(|r| r.project_code.as_str()).collect()
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn one_claimer_wins_and_only_the_holder_gives_back(pool: PgPool) {
    center(&pool).await;
    let code = registered(&pool, "城东小学教学楼改造").await;
    let clerk = op(&pool, "tclerk").await;
    let director = op(&pool, "tdirector").await;
    // Both at once: exactly one wins.
    let (a, b) = tokio::join!(
        queue::claim(&pool, clerk, &code),
        queue::claim(&pool, director, &code)
    );
    let outcomes = [a.unwrap(), b.unwrap()];
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| **o == ClaimOutcome::Claimed)
            .count(),
        1,
        "{outcomes:?}"
    );
    let (winner, loser) = if outcomes[0] == ClaimOutcome::Claimed {
        (clerk, director)
    } else {
        (director, clerk)
    };
    let mine = queue::list(&pool, winner, Scope::Mine, 50).await.unwrap();
    assert_eq!(codes(&mine), [code.as_str()]);
    assert!(
        queue::list(&pool, loser, Scope::Mine, 50)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        queue::list(&pool, loser, Scope::Unclaimed, 50)
            .await
            .unwrap()
            .is_empty(),
        "a held project is not in the pool"
    );
    let version = mine[0].version;
    // Not the holder: refused; the holder at an old version: stale; at the current one: done.
    assert!(matches!(
        queue::give_back(&pool, loser, &code, version).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        queue::give_back(&pool, winner, &code, version - 1).await,
        Err(StoreError::Stale(_))
    ));
    queue::give_back(&pool, winner, &code, version)
        .await
        .unwrap();
    let pool_rows = queue::list(&pool, loser, Scope::Unclaimed, 50)
        .await
        .unwrap();
    assert_eq!(codes(&pool_rows), [code.as_str()]);
    assert_eq!(pool_rows[0].holder, None);
    assert_eq!(pool_rows[0].version, version + 1);
    let audited: Vec<String> = sqlx::query_scalar(
        "select action from audit_log where entity = 'trade_project' and entity_id = $1
         and action like 'trade.project.%' order by audit_id",
    )
    .bind(&code)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        audited,
        [
            "trade.project.register",
            "trade.project.claim",
            "trade.project.give_back"
        ]
    );
    // A missing project is named as missing, not as taken.
    assert!(matches!(
        queue::claim(&pool, clerk, "GC2026-99999").await,
        Err(StoreError::NotFound("project"))
    ));
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn the_nearest_legal_date_comes_first(pool: PgPool) {
    center(&pool).await;
    let now = Utc::now();
    let none = registered(&pool, "无标段项目").await;
    let far = registered(&pool, "远期项目").await;
    section(
        &pool,
        &far,
        now + Duration::days(40),
        now + Duration::days(40),
    )
    .await;
    // The deadline has passed; the opening, two days on, is what comes next.
    let opening = registered(&pool, "待开标项目").await;
    section(
        &pool,
        &opening,
        now - Duration::days(1),
        now + Duration::days(2),
    )
    .await;
    // A tender notice ending in about three weeks, before its deadline of sixty days.
    let noticed = registered(&pool, "公告中项目").await;
    let udc = section(
        &pool,
        &noticed,
        now + Duration::days(60),
        now + Duration::days(60),
    )
    .await;
    let mut conn = pool.acquire().await.unwrap();
    let (cal, today) = onewindow::store::time::calendar::load_with_today(&mut conn)
        .await
        .unwrap();
    drop(conn);
    let rules =
        onewindow::domain::trading::rules::parse(onewindow::domain::trading::rules::SHIPPED)
            .unwrap();
    let rule = rules
        .period(
            onewindow::domain::trading::kinds::Line::Construction,
            NoticeKind::Tender,
        )
        .unwrap();
    let ends =
        onewindow::domain::trading::period::period_end(&cal, today, rule.days, rule.unit).date;
    notices::publish(
        &pool,
        op(&pool, "tclerk").await,
        &udc,
        &NewNotice {
            kind: NoticeKind::Tender,
            title: "公告中项目招标公告".into(),
            media: "县公共资源交易中心网站".into(),
            ends_on: Some(ends),
        },
    )
    .await
    .unwrap();
    let supervisor = op(&pool, "supervisor").await;
    let rows = queue::list(&pool, supervisor, Scope::All, 50)
        .await
        .unwrap();
    assert_eq!(
        codes(&rows),
        [
            opening.as_str(),
            noticed.as_str(),
            far.as_str(),
            none.as_str()
        ]
    );
    let what: Vec<Option<&str>> = rows.iter().map(|r| r.next_what.as_deref()).collect();
    assert_eq!(
        what,
        [Some("opening"), Some("notice_end"), Some("deadline"), None]
    );
    // The notice ends at 24:00 of its last day, at the center.
    let end = rows[1]
        .next_at
        .unwrap()
        .with_timezone(&onewindow::domain::time::zone::CENTER);
    assert_eq!(end.date_naive(), ends + Duration::days(1));
    assert_eq!(end.format("%H:%M").to_string(), "00:00");
    assert_eq!(rows[2].sections, 1);
    assert_eq!(rows[3].sections, 0);
    // A closed project leaves the pool but stays in the list of all.
    sqlx::query("update trade_projects set stage = 'closed' where project_code = $1")
        .bind(&none)
        .execute(&pool)
        .await
        .unwrap();
    let open = queue::list(&pool, supervisor, Scope::Unclaimed, 50)
        .await
        .unwrap();
    assert!(!codes(&open).contains(&none.as_str()));
    assert_eq!(
        queue::claim(&pool, op(&pool, "tclerk").await, &none)
            .await
            .unwrap(),
        ClaimOutcome::Taken
    );
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn readers_read_clerks_claim_others_neither(pool: PgPool) {
    center(&pool).await;
    let code = registered(&pool, "城东小学教学楼改造").await;
    let supervisor = op(&pool, "supervisor").await;
    assert_eq!(
        queue::list(&pool, supervisor, Scope::Unclaimed, 50)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(matches!(
        queue::claim(&pool, supervisor, &code).await,
        Err(StoreError::Forbidden(Permission::RegisterTrade))
    ));
    let window = op(&pool, "clerk").await;
    assert!(matches!(
        queue::list(&pool, window, Scope::All, 50).await,
        Err(StoreError::Forbidden(Permission::ReadTrading))
    ));
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn the_project_view_keeps_registrations_sealed_until_the_opening(pool: PgPool) {
    center(&pool).await;
    let code = registered(&pool, "城东小学教学楼改造").await;
    let now = Utc::now();
    let udc = section(
        &pool,
        &code,
        now + Duration::days(30),
        now + Duration::days(30),
    )
    .await;
    let clerk = op(&pool, "tclerk").await;
    for (tail, name) in [("3A5B7C", "甲建设公司"), ("4D6E8F", "乙建设公司")] {
        onewindow::store::trading::registrations::register(
            &pool,
            clerk,
            &udc,
            &onewindow::store::trading::registrations::NewRegistration {
                credit_code: common::trading::credit(tail),
                name: name.into(),
                basic_bank: "县农商银行".into(),
                basic_account: "6228480012345678".into(),
                contact_name: "王经理".into(),
                contact_phone: "13800001111".into(),
                contact_email: None,
                agent_name: None,
                project_manager: None,
            },
        )
        .await
        .unwrap();
    }
    let supervisor = op(&pool, "supervisor").await;
    let v = onewindow::store::trading::view::project(&pool, supervisor, &code)
        .await
        .unwrap();
    assert_eq!(v.sections[0].registrations, None, "sealed");
    assert!(
        v.timeline
            .iter()
            .all(|e| e.action != "trade.registration.add"),
        "the timeline does not count them either: {:?}",
        v.timeline
    );
    assert!(
        v.timeline
            .iter()
            .any(|e| e.action == "trade.project.register")
    );
    // The opening passes: the count and the registrations' rows appear.
    sqlx::query(
        "update trade_sections set deadline_at = now() - interval '1 hour',
             opening_at = now() - interval '1 hour'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let v = onewindow::store::trading::view::project(&pool, supervisor, &code)
        .await
        .unwrap();
    assert_eq!(v.sections[0].registrations, Some(2));
    assert_eq!(
        v.timeline
            .iter()
            .filter(|e| e.action == "trade.registration.add")
            .count(),
        2
    );
    assert!(matches!(
        onewindow::store::trading::view::project(&pool, op(&pool, "clerk").await, &code).await,
        Err(StoreError::Forbidden(Permission::ReadTrading))
    ));
}
