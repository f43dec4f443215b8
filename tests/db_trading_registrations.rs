//! Issue 17.6: registrations are sealed — names and number — until the opening, for everyone;
//! a supervisor may read them early with a reason, written to the access log.

mod common;

use chrono::{Duration, Utc};
use common::op;
use common::trading::{center, credit, project};
use onewindow::domain::trading::kinds::Level;
use onewindow::store::StoreError;
use onewindow::store::trading::projects::{self, NewSection};
use onewindow::store::trading::registrations::{self, NewRegistration, Registrations};
use sqlx::PgPool;

async fn section(pool: &PgPool) -> String {
    center(pool).await;
    let clerk = op(pool, "tclerk").await;
    let p = projects::register(pool, clerk, &project(100_000_000, Level::Urban))
        .await
        .unwrap();
    let deadline = Utc::now() + Duration::days(30);
    projects::add_section(
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
    .unwrap()
    .unified_deal_code
}

fn bidder(tail: &str, name: &str) -> NewRegistration {
    NewRegistration {
        credit_code: credit(tail),
        name: name.into(),
        basic_bank: "县农商银行城关支行".into(),
        basic_account: "6228 4800 1234 5678".into(),
        contact_name: "王经理".into(),
        contact_phone: "0551-6288 1234".into(),
        contact_email: Some("bid@example.cn".into()),
        agent_name: None,
        project_manager: Some("刘建国".into()),
    }
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn registrations_are_sealed_until_the_opening_even_their_number(pool: PgPool) {
    let udc = section(&pool).await;
    let clerk = op(&pool, "tclerk").await;
    let supervisor = op(&pool, "supervisor").await;
    for (tail, name) in [
        ("3A5B7C", "甲建设公司"),
        ("4D6E8F", "乙建设公司"),
        ("5G7H9J", "丙建设公司"),
    ] {
        registrations::register(&pool, clerk, &udc, &bidder(tail, name))
            .await
            .unwrap();
    }
    // The same bidder twice, a bad account: refused, naming the field.
    assert!(matches!(
        registrations::register(&pool, clerk, &udc, &bidder("3A5B7C", "甲建设公司")).await,
        Err(StoreError::Invalid {
            field: "credit_code",
            ..
        })
    ));
    let mut bad = bidder("6K8L0M", "丁公司");
    bad.basic_account = "12ab".into();
    assert!(matches!(
        registrations::register(&pool, clerk, &udc, &bad).await,
        Err(StoreError::Invalid {
            field: "basic_account",
            ..
        })
    ));
    for who in [clerk, supervisor, op(&pool, "tdirector").await] {
        assert!(
            matches!(
                registrations::list(&pool, who, &udc, None).await.unwrap(),
                Registrations::Sealed { .. }
            ),
            "sealed for {who}"
        );
    }
    // Only a supervisor reveals early, with a reason, and the access log says so.
    assert!(matches!(
        registrations::list(&pool, clerk, &udc, Some("核查围标线索")).await,
        Err(StoreError::Forbidden(_))
    ));
    let Registrations::Open(rows) =
        registrations::list(&pool, supervisor, &udc, Some("核查围标线索"))
            .await
            .unwrap()
    else {
        panic!("a supervisor's reveal opens the list")
    };
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].basic_account, "6228480012345678");
    let log = onewindow::store::cases::lookup::access_log(&pool, supervisor, 10)
        .await
        .unwrap();
    assert!(
        log.iter()
            .any(|a| a.case_no == udc && a.reason == "核查围标线索"),
        "{log:?}"
    );
    // The audit rows of the registrations name the section only, not the bidders.
    let details: Vec<String> = sqlx::query_scalar(
        "select detail::text from audit_log where action = 'trade.registration.add'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(
        details.iter().all(|d| !d.contains("建设公司")),
        "{details:?}"
    );
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn at_the_opening_the_list_opens_and_registration_closes(pool: PgPool) {
    let udc = section(&pool).await;
    let clerk = op(&pool, "tclerk").await;
    registrations::register(&pool, clerk, &udc, &bidder("3A5B7C", "甲建设公司"))
        .await
        .unwrap();
    registrations::register(&pool, clerk, &udc, &bidder("4D6E8F", "乙建设公司"))
        .await
        .unwrap();
    sqlx::query(
        "update trade_sections set deadline_at = now() - interval '1 hour', opening_at = now() - interval '1 hour'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let Registrations::Open(rows) = registrations::list(&pool, clerk, &udc, None).await.unwrap()
    else {
        panic!("opened")
    };
    assert_eq!(
        rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["甲建设公司", "乙建设公司"],
        "in the order they registered"
    );
    let err = registrations::register(&pool, clerk, &udc, &bidder("5G7H9J", "丙建设公司"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("registration is closed"), "{err}");
    // A window clerk reads nothing of the trading center.
    assert!(matches!(
        registrations::list(&pool, op(&pool, "clerk").await, &udc, None).await,
        Err(StoreError::Forbidden(_))
    ));
}
