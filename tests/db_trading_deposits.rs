//! Issue 17.7 (first part): each registration expects its deposit in a sub-account of its own;
//! the deposit account's statement is imported once (a second import adds nothing) and each
//! line is classed — every class on one constructed statement, sums exact to the fen; a bad
//! line refuses the whole file; a closed day refuses new lines.

mod common;

use chrono::{Duration, Utc};
use common::op;
use common::trading::{center, credit, section_with_deposit};
use onewindow::domain::fees::receipt_file::{self, DEPOSIT_MAPPING, ReceiptLine, Rules};
use onewindow::domain::time::zone::CENTER;
use onewindow::domain::trading::deposits::{Class, sub_account_valid};
use onewindow::domain::trading::kinds::Line;
use onewindow::store::StoreError;
use onewindow::store::trading::deposits;
use onewindow::store::trading::registrations::{self, NewRegistration};
use sqlx::PgPool;

/// Registers a bidder whose basic account is 6228 4800 1234 {tail4}; its sub-account.
async fn bidder(pool: &PgPool, udc: &str, tail: &str, name: &str) -> String {
    let r = registrations::register(
        pool,
        op(pool, "tclerk").await,
        udc,
        &NewRegistration {
            credit_code: credit(tail),
            name: name.into(),
            basic_bank: "县农商银行城关支行".into(),
            basic_account: format!(
                "6228 4800 1234 {}",
                &tail[..4].replace(char::is_alphabetic, "7")
            ),
            contact_name: "王经理".into(),
            contact_phone: "13800001111".into(),
            contact_email: None,
            agent_name: None,
            project_manager: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(r.deposit_fen, 2_000_000);
    let sub = r.sub_account.unwrap();
    assert!(sub_account_valid(&sub), "{sub}");
    sub
}

fn account(tail: &str) -> String {
    format!(
        "622848001234{}",
        &tail[..4].replace(char::is_alphabetic, "7")
    )
}

/// A statement in the default mapping's columns: (ref, sub-account, amount, payer, account,
/// method), paid an hour ago at the center.
fn statement(rows: &[(&str, &str, &str, &str, &str, &str)]) -> Vec<ReceiptLine> {
    let at = (Utc::now() - Duration::hours(1))
        .with_timezone(&CENTER)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    let mut text = String::from("流水号,子账号,交易金额,交易时间,对方户名,对方账号,交易方式\n");
    for (r, sub, amount, payer, acct, method) in rows {
        text.push_str(&format!(
            "{r},{sub},{amount},{at},{payer},{acct},{method}\n"
        ));
    }
    let m = receipt_file::parse_mapping(DEPOSIT_MAPPING).unwrap();
    receipt_file::parse(text.as_bytes(), &m).unwrap()
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn every_class_on_one_statement_and_a_second_import_adds_nothing(pool: PgPool) {
    center(&pool).await;
    let gc = section_with_deposit(&pool, Line::Construction).await;
    let cg = section_with_deposit(&pool, Line::Procurement).await;
    let late = section_with_deposit(&pool, Line::Construction).await;
    let a = bidder(&pool, &gc, "3A5B7C", "甲建设公司").await;
    let b = bidder(&pool, &gc, "4D6E8F", "乙建设公司").await;
    let c = bidder(&pool, &gc, "5G7H9J", "丙建设公司").await;
    let d = bidder(&pool, &gc, "6K8L0M", "丁建设公司").await;
    let e = bidder(&pool, &cg, "7N9P1Q", "戊科技公司").await;
    let f = bidder(&pool, &late, "8R0T2U", "己建设公司").await;
    // Time passes: the last section's deadline is behind us.
    sqlx::query("update trade_sections set deadline_at = now() - interval '2 hours', opening_at = now() - interval '2 hours' where unified_deal_code = $1")
        .bind(&late)
        .execute(&pool)
        .await
        .unwrap();
    let lines = statement(&[
        (
            "B1",
            &a,
            "20000.00",
            "甲建设公司",
            &account("3A5B7C"),
            "转账",
        ),
        (
            "B2",
            &b,
            "10000.00",
            "乙建设公司",
            &account("4D6E8F"),
            "转账",
        ),
        (
            "B3",
            &b,
            "10000.00",
            "乙建设公司",
            &account("4D6E8F"),
            "转账",
        ),
        (
            "B4",
            &c,
            "20000.00",
            "某某贸易公司",
            "6228480099990000",
            "转账",
        ),
        ("B5", &a, "0.01", "甲建设公司", &account("3A5B7C"), "转账"),
        (
            "B6",
            &d,
            "20000.00",
            "丁建设公司",
            "6228480011112222",
            "转账",
        ),
        ("B7", &e, "20000.00", "戊科技公司", "", "现金"),
        ("B8", "00000000000", "500.00", "无名公司", "", "转账"),
        (
            "B9",
            &f,
            "20000.00",
            "己建设公司",
            &account("8R0T2U"),
            "转账",
        ),
    ]);
    let accountant = op(&pool, "taccount").await;
    let sha = "a".repeat(64);
    let r = deposits::import(
        &pool,
        accountant,
        "deposit_bank",
        &sha,
        &lines,
        &Rules::default(),
    )
    .await
    .unwrap();
    assert_eq!((r.lines, r.new_lines), (9, 9));
    assert_eq!(
        r.by_class,
        [
            (Class::Matched, 2, 3_000_000),
            (Class::Short, 1, 1_000_000),
            (Class::Over, 1, 1),
            (Class::Late, 1, 2_000_000),
            (Class::PayerMismatch, 1, 2_000_000),
            (Class::NotBasicAccount, 1, 2_000_000),
            (Class::CashRefused, 1, 2_000_000),
            (Class::UnknownSubAccount, 1, 50_000),
        ]
    );
    assert_eq!(
        r.exceptions(),
        7,
        "the short line too: its deposit waits for the rest"
    );
    let states: Vec<(String, String, i64)> = sqlx::query_as(
        "select sub_account, state, received_fen from trade_deposits order by deposit_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let state = |s: &str| {
        states
            .iter()
            .find(|(x, _, _)| x == s)
            .map(|(_, st, fen)| (st.as_str(), *fen))
            .unwrap()
    };
    assert_eq!(state(&a), ("mismatch", 2_000_001), "over by one fen");
    assert_eq!(state(&b), ("matched", 2_000_000), "two halves");
    assert_eq!(state(&c), ("mismatch", 2_000_000));
    assert_eq!(state(&f), ("mismatch", 2_000_000));
    // The same file again, and a statement overlapping it: nothing new.
    let again = deposits::import(
        &pool,
        accountant,
        "deposit_bank",
        &sha,
        &lines,
        &Rules::default(),
    )
    .await
    .unwrap();
    assert_eq!((again.lines, again.new_lines), (9, 0));
    assert!(again.by_class.is_empty());
    let n: i64 = sqlx::query_scalar("select count(*) from trade_statement_lines")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 9);
    // The board's head, kept by the database, agrees with the lines to the fen.
    let head = deposits::board(&pool, op(&pool, "supervisor").await)
        .await
        .unwrap();
    let nonzero: Vec<(Class, i64, i64)> = head
        .by_class
        .iter()
        .copied()
        .filter(|(_, n, _)| *n > 0)
        .collect();
    assert_eq!(nonzero, r.by_class);
    let (all_lines, all_fen): (i64, i64) =
        sqlx::query_as("select count(*), sum(amount_fen)::bigint from trade_statement_lines")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (
            head.by_class.iter().map(|c| c.1).sum::<i64>(),
            head.by_class.iter().map(|c| c.2).sum::<i64>()
        ),
        (all_lines, all_fen)
    );
    // The exceptions, newest first, to a supervisor too; a clerk does not import.
    let supervisor = op(&pool, "supervisor").await;
    let ex = deposits::lines(&pool, supervisor, None, 100).await.unwrap();
    assert_eq!(ex.len(), 7, "every line but the two matched");
    let unknown = deposits::lines(&pool, supervisor, Some(Class::UnknownSubAccount), 100)
        .await
        .unwrap();
    assert_eq!(unknown[0].bank_ref, "B8");
    assert!(matches!(
        deposits::import(
            &pool,
            op(&pool, "tclerk").await,
            "deposit_bank",
            &sha,
            &lines,
            &Rules::default()
        )
        .await,
        Err(StoreError::Forbidden(_))
    ));
    let audited: i64 =
        sqlx::query_scalar("select count(*) from audit_log where action = 'trade.deposit.import'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(audited, 2);
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_bad_line_or_a_closed_day_refuses_the_whole_file(pool: PgPool) {
    center(&pool).await;
    let gc = section_with_deposit(&pool, Line::Construction).await;
    let a = bidder(&pool, &gc, "3A5B7C", "甲建设公司").await;
    let accountant = op(&pool, "taccount").await;
    let sha = "b".repeat(64);
    // A refund is not a statement line here: a negative amount refuses the file, named.
    let mut lines = statement(&[
        (
            "C1",
            &a,
            "20000.00",
            "甲建设公司",
            &account("3A5B7C"),
            "转账",
        ),
        ("C2", &a, "5.00", "甲建设公司", &account("3A5B7C"), "转账"),
    ]);
    lines[1].amount_fen = -500;
    let err = deposits::import(
        &pool,
        accountant,
        "deposit_bank",
        &sha,
        &lines,
        &Rules::default(),
    )
    .await
    .unwrap_err();
    let StoreError::Invalid { field, reason } = err else {
        panic!("{err}")
    };
    assert_eq!(field, "file");
    assert!(
        reason.contains("line 3") && reason.contains("-5.00"),
        "{reason}"
    );
    let n: i64 = sqlx::query_scalar("select count(*) from trade_statement_lines")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 0, "nothing half-saved");
    // Today closed (日结): the deposit ledger refuses it too.
    let today = (Utc::now() - Duration::hours(1))
        .with_timezone(&CENTER)
        .date_naive();
    onewindow::store::fees::close_day(&pool, op(&pool, "supervisor").await, today)
        .await
        .unwrap();
    let lines = statement(&[(
        "C1",
        &a,
        "20000.00",
        "甲建设公司",
        &account("3A5B7C"),
        "转账",
    )]);
    let err = deposits::import(
        &pool,
        accountant,
        "deposit_bank",
        &sha,
        &lines,
        &Rules::default(),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("is closed"), "{err}");
    let state: String = sqlx::query_scalar("select state from trade_deposits")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(state, "expected");
}
