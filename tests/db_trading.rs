//! Issue 17 (part 1): the trading rule set, entry registration, sections and venues, through the
//! store against the real database; the double booking refused by the database itself.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::op;
use common::trading::{center, credit, project};
use onewindow::domain::trading::kinds::Level;
use onewindow::domain::trading::rules::{self, SHIPPED};
use onewindow::store::StoreError;
use onewindow::store::trading::projects::{self, NewSection};
use onewindow::store::trading::rules as store_rules;
use onewindow::store::trading::venues::{self, VenueKind};
use sqlx::PgPool;

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    onewindow::domain::time::zone::CENTER
        .with_ymd_and_hms(y, m, d, h, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn invalid(e: StoreError) -> (&'static str, String) {
    match e {
        StoreError::Invalid { field, reason } => (field, reason),
        e => panic!("not an input refusal: {e}"),
    }
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_rule_version_is_imported_once_and_audited(pool: PgPool) {
    center(&pool).await;
    let admin = op(&pool, "admin").await;
    let mut r = rules::parse(SHIPPED).unwrap();
    assert_eq!(
        store_rules::import(&pool, admin, &r, SHIPPED)
            .await
            .unwrap(),
        store_rules::Imported::Unchanged
    );
    r.demand_rate_bp = 40;
    let (field, reason) = invalid(
        store_rules::import(&pool, admin, &r, SHIPPED)
            .await
            .unwrap_err(),
    );
    assert_eq!(field, "version");
    assert!(reason.contains("new version"), "{reason}");
    // Not an administrator: refused.
    let clerk = op(&pool, "tclerk").await;
    r.version = "2026-2".into();
    assert!(matches!(
        store_rules::import(&pool, clerk, &r, SHIPPED).await,
        Err(StoreError::Forbidden(_))
    ));
    let n: i64 =
        sqlx::query_scalar("select count(*) from audit_log where action = 'trade.rules.import'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(n, 1);
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn entry_applies_the_threshold_and_flags_a_split(pool: PgPool) {
    center(&pool).await;
    let clerk = op(&pool, "tclerk").await;
    // Reading A: an urban project of any size must enter.
    let urban = projects::register(&pool, clerk, &project(100_000, Level::Urban))
        .await
        .unwrap();
    assert!(urban.must_enter);
    assert!(
        urban.project_code.starts_with("GC20"),
        "{}",
        urban.project_code
    );
    // Township: under 50万 may enter; two that add past 50万 are a finding, not a refusal.
    let a = projects::register(&pool, clerk, &project(30_000_000, Level::Township))
        .await
        .unwrap();
    assert!(!a.must_enter);
    assert_eq!(a.split_sum_fen, None);
    let b = projects::register(&pool, clerk, &project(25_000_000, Level::Township))
        .await
        .unwrap();
    assert_eq!(
        b.split_sum_fen,
        Some(55_000_000 + 100_000),
        "the urban one counts too"
    );
    let findings: i64 =
        sqlx::query_scalar("select count(*) from trade_findings where rule_code = 'split'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(findings, 1);
    let exact = projects::register(&pool, clerk, &project(50_000_000, Level::Township))
        .await
        .unwrap();
    assert!(exact.must_enter, "含50万");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn bad_registrations_name_the_field_and_save_nothing(pool: PgPool) {
    center(&pool).await;
    let clerk = op(&pool, "tclerk").await;
    let mut p = project(100, Level::Urban);
    let good = credit("2N4KL8");
    let wrong = if good.ends_with('0') { '1' } else { '0' };
    p.tenderer_code = format!("{}{wrong}", &good[..17]);
    let (field, reason) = invalid(projects::register(&pool, clerk, &p).await.unwrap_err());
    assert_eq!(field, "tenderer_code");
    assert!(reason.contains("check character"), "{reason}");
    let mut p = project(100, Level::Township);
    p.township = None;
    assert_eq!(
        invalid(projects::register(&pool, clerk, &p).await.unwrap_err()).0,
        "township"
    );
    let mut p = project(100, Level::Urban);
    p.title = " ".into();
    assert_eq!(
        invalid(projects::register(&pool, clerk, &p).await.unwrap_err()).0,
        "title"
    );
    // A window clerk is not trading staff.
    let window = op(&pool, "clerk").await;
    assert!(matches!(
        projects::register(&pool, window, &project(100, Level::Urban)).await,
        Err(StoreError::Forbidden(_))
    ));
    let n: i64 = sqlx::query_scalar("select count(*) from trade_projects")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

fn section(
    deposit_fen: i64,
    issue: Option<DateTime<Utc>>,
    deadline: Option<DateTime<Utc>>,
) -> NewSection {
    NewSection {
        name: "施工".into(),
        basis_fen: 100_000_000,
        deposit_fen,
        bid_validity_days: 90,
        doc_issue_at: issue,
        deadline_at: deadline,
        opening_at: deadline,
    }
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_section_deposit_over_2_percent_and_a_short_bid_period_are_refused_by_article(
    pool: PgPool,
) {
    center(&pool).await;
    let clerk = op(&pool, "tclerk").await;
    let p = projects::register(&pool, clerk, &project(100_000_000, Level::Urban))
        .await
        .unwrap();
    let (field, reason) = invalid(
        projects::add_section(
            &pool,
            clerk,
            &p.project_code,
            &section(2_000_001, None, None),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(field, "deposit");
    assert!(
        reason.contains("招标投标法实施条例 第26条") && reason.contains("20000.00 yuan"),
        "{reason}"
    );
    // 20 日 from 2026-09-12 ends on 10-02, in the National Day holiday: the first lawful deadline
    // day is 10-08 (民法典 203). The calendar must be loaded for that.
    let cal = onewindow::domain::time::calendar_file::parse(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/calendars/2026.toml"))
            .unwrap(),
    )
    .unwrap();
    onewindow::store::time::calendar::import(&pool, op(&pool, "admin").await, &cal, None)
        .await
        .unwrap();
    let (field, reason) = invalid(
        projects::add_section(
            &pool,
            clerk,
            &p.project_code,
            &section(
                2_000_000,
                Some(at(2026, 9, 12, 9)),
                Some(at(2026, 10, 2, 9)),
            ),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(field, "deadline");
    assert!(
        reason.contains("2026-10-08") && reason.contains("招标投标法 第24条"),
        "{reason}"
    );
    let ok = projects::add_section(
        &pool,
        clerk,
        &p.project_code,
        &section(
            2_000_000,
            Some(at(2026, 9, 12, 9)),
            Some(at(2026, 10, 8, 9)),
        ),
    )
    .await
    .unwrap();
    assert_eq!(ok.section_no, 1);
    assert_eq!(ok.unified_deal_code.len(), 20);
    assert!(
        ok.unified_deal_code.starts_with("000000GC"),
        "{}",
        ok.unified_deal_code
    );
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_room_is_never_booked_twice_even_by_hand(pool: PgPool) {
    center(&pool).await;
    let admin = op(&pool, "admin").await;
    let clerk = op(&pool, "tclerk").await;
    venues::add(
        &pool,
        admin,
        "K1",
        VenueKind::Opening,
        "第一开标室",
        "Opening room 1",
    )
    .await
    .unwrap();
    venues::add(
        &pool,
        admin,
        "P1",
        VenueKind::Evaluation,
        "第一评标室",
        "Evaluation room 1",
    )
    .await
    .unwrap();
    venues::book(
        &pool,
        clerk,
        "k1",
        at(2026, 12, 10, 9),
        at(2026, 12, 10, 11),
        "开标 GC2026-00001",
        None,
    )
    .await
    .unwrap();
    // Back to back is fine ([from, to)); another room at the same time too.
    venues::book(
        &pool,
        clerk,
        "K1",
        at(2026, 12, 10, 11),
        at(2026, 12, 10, 12),
        "开标 B",
        None,
    )
    .await
    .unwrap();
    venues::book(
        &pool,
        clerk,
        "P1",
        at(2026, 12, 10, 9),
        at(2026, 12, 10, 11),
        "评标",
        None,
    )
    .await
    .unwrap();
    let (field, reason) = invalid(
        venues::book(
            &pool,
            clerk,
            "K1",
            at(2026, 12, 10, 10),
            at(2026, 12, 10, 13),
            "冲突",
            None,
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(field, "from");
    assert!(
        reason.contains("K1 is already booked 2026-12-10 09:00") && reason.contains("GC2026-00001"),
        "{reason}"
    );
    // The database refuses it too, to the runtime role writing by hand.
    let url = common::app_url(&pool).await;
    let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    let err = sqlx::query(
        "insert into venue_bookings (venue_id, during, purpose, booked_by)
         select venue_id, tstzrange('2026-12-10 10:30+08', '2026-12-10 10:45+08'), 'by hand', $1
         from venues where code = 'K1'",
    )
    .bind(clerk)
    .execute(&mut c)
    .await
    .unwrap_err();
    assert_eq!(
        err.as_database_error().unwrap().code().as_deref(),
        Some("23P01")
    );
    let n = venues::bookings(&pool, clerk, at(2026, 12, 10, 0), at(2026, 12, 11, 0))
        .await
        .unwrap();
    assert_eq!(n.len(), 3);
}
