//! Issue 17.12: the demo seed enters trading projects of every line through the store, as the
//! demo trading accounts; a small seed enters none.

mod common;

use common::op;
use onewindow::store::seed;
use onewindow::store::trading::queue::{self, Scope};
use sqlx::PgPool;

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_demo_seed_has_a_live_trading_center(pool: PgPool) {
    let s = seed::seed(&pool, 42, 500).await.unwrap();
    assert_eq!(s.projects, 15);
    let lines: Vec<String> =
        sqlx::query_scalar("select distinct line from trade_projects order by line")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(lines, ["CG", "CQ", "GC", "QT", "TD"]);
    let stages: Vec<String> =
        sqlx::query_scalar("select distinct stage from trade_projects order by stage")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(stages, ["noticed", "registered"]);
    let (registrations, notices): (i64, i64) = sqlx::query_as(
        "select (select count(*) from trade_registrations), (select count(*) from trade_notices)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(
        registrations > 0 && notices > 0,
        "{registrations} {notices}"
    );
    // Deposits paid, some to look at, one to a sub-account nobody has; a withdrawal's refund
    // prepared by the accountant, waiting for a second person.
    let classes: Vec<String> =
        sqlx::query_scalar("select distinct class from trade_statement_lines order by 1")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(
        classes.contains(&"matched".to_string())
            && classes.contains(&"unknown_sub_account".to_string()),
        "{classes:?}"
    );
    let refunds: Vec<(String, String)> = sqlx::query_as(
        "select f.state, o.code from trade_refunds f join operators o on o.operator_id = f.prepared_by",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(refunds, [("prepared".to_string(), "taccount".to_string())]);
    // Every project was entered by the demo clerk, with its audit row.
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_log a join operators o using (operator_id)
         where a.action = 'trade.project.register' and o.code = 'tclerk'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 15);
    // The demo clerk has projects of their own and a pool to claim from; the next dates are
    // ahead of today.
    let clerk = op(&pool, "tclerk").await;
    let mine = queue::list(&pool, clerk, Scope::Mine, 100).await.unwrap();
    let pool_rows = queue::list(&pool, clerk, Scope::Unclaimed, 100)
        .await
        .unwrap();
    assert!(!mine.is_empty() && !pool_rows.is_empty());
    let all = queue::list(&pool, clerk, Scope::All, 100).await.unwrap();
    assert!(all.iter().any(|r| r.next_at.is_some()));
    assert!(
        all.iter()
            .filter_map(|r| r.next_at)
            .all(|t| t > chrono::Utc::now())
    );
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_small_seed_has_no_trading(pool: PgPool) {
    let s = seed::seed(&pool, 42, 499).await.unwrap();
    assert_eq!(s.projects, 0);
    let n: i64 = sqlx::query_scalar("select count(*) from trade_projects")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
    // The trading demo accounts are there all the same.
    for code in ["tclerk", "taccount", "tdirector"] {
        op(&pool, code).await;
    }
}
