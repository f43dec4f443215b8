//! Trading-center fixtures shared by the trading tests.

use onewindow::domain::cases::validate::credit_code_check;
use onewindow::domain::trading::kinds::{Level, Line};
use onewindow::domain::trading::rules::{self, SHIPPED};
use onewindow::store::seed;
use onewindow::store::trading::projects::NewProject;
use onewindow::store::trading::rules as store_rules;
use sqlx::PgPool;

use super::op;

/// A valid unified social credit code ending in `tail` (6 characters of the alphabet).
pub fn credit(tail: &str) -> String {
    let first17 = format!("91341100MA{tail}0");
    format!("{first17}{}", credit_code_check(&first17).unwrap())
}

/// A seeded center with the shipped rules; the demo accounts include one operator of each
/// trading role (tclerk, taccount, tdirector).
pub async fn center(pool: &PgPool) {
    seed::seed(pool, 5, 0).await.unwrap();
    let r = rules::parse(SHIPPED).unwrap();
    store_rules::import(pool, op(pool, "admin").await, &r, SHIPPED)
        .await
        .unwrap();
}

pub fn project(amount_fen: i64, level: Level) -> NewProject {
    NewProject {
        line: Line::Construction,
        title: "城东小学教学楼改造".into(),
        tenderer_code: credit("2N4KL8"),
        tenderer_name: "县教育局".into(),
        agent_name: Some("某某招标代理有限公司".into()),
        level,
        township: (level == Level::Township).then(|| "城关镇".into()),
        fund_source: "财政资金".into(),
        approval_no: Some("县发改〔2026〕12号".into()),
        amount_fen,
    }
}

/// A section of a new project of the line, with a deposit of 20,000.00 yuan (the basis
/// 1,000,000.00) and its bid deadline and opening 30 days from now; its unified deal code.
pub async fn section_with_deposit(pool: &PgPool, line: Line) -> String {
    use onewindow::store::trading::projects::{self, NewSection};
    let clerk = op(pool, "tclerk").await;
    let mut p = project(100_000_000, Level::Urban);
    p.line = line;
    let p = projects::register(pool, clerk, &p).await.unwrap();
    let deadline = chrono::Utc::now() + chrono::Duration::days(30);
    projects::add_section(
        pool,
        clerk,
        &p.project_code,
        &NewSection {
            name: "施工".into(),
            basis_fen: 100_000_000,
            deposit_fen: 2_000_000,
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
