//! Issue 17.7 (refunds): an event makes a section's held deposits due by the rule's deadline;
//! interest at the demand rate, exact to the fen; four eyes (the store and the table); two
//! approving at once: exactly one approval; the payment file once; the bank's confirmation.

mod common;

use chrono::{Duration, Utc};
use common::op;
use common::trading::{center, credit, section_with_deposit};
use onewindow::domain::fees::receipt_file::{self, DEPOSIT_MAPPING, Rules};
use onewindow::domain::time::zone::CENTER;
use onewindow::domain::trading::kinds::{Line, RefundEvent};
use onewindow::store::StoreError;
use onewindow::store::trading::deposits;
use onewindow::store::trading::refunds::{self, Confirmation, Covers};
use onewindow::store::trading::registrations::{self, NewRegistration, Registered};
use sqlx::PgPool;

/// Registers a bidder and pays its deposit in full from its basic account.
async fn paid(pool: &PgPool, udc: &str, tail: &str, name: &str, n: usize) -> Registered {
    let r = registrations::register(
        pool,
        op(pool, "tclerk").await,
        udc,
        &NewRegistration {
            credit_code: credit(tail),
            name: name.into(),
            basic_bank: "县农商银行城关支行".into(),
            basic_account: format!("62284800123456{n:02}"),
            contact_name: "王经理".into(),
            contact_phone: "13800001111".into(),
            contact_email: None,
            agent_name: None,
            project_manager: None,
        },
    )
    .await
    .unwrap();
    let at = (Utc::now() - Duration::hours(1))
        .with_timezone(&CENTER)
        .format("%Y-%m-%d %H:%M:%S");
    let text = format!(
        "流水号,子账号,交易金额,交易时间,对方户名,对方账号,交易方式\nP{n},{},20000.00,{at},{name},62284800123456{n:02},转账\n",
        r.sub_account.as_deref().unwrap()
    );
    let lines = receipt_file::parse(
        text.as_bytes(),
        &receipt_file::parse_mapping(DEPOSIT_MAPPING).unwrap(),
    )
    .unwrap();
    let rep = deposits::import(
        pool,
        op(pool, "taccount").await,
        "deposit_bank",
        &format!("{n:064}"),
        &lines,
        &Rules::default(),
    )
    .await
    .unwrap();
    assert_eq!(rep.exceptions(), 0);
    r
}

async fn version(pool: &PgPool, refund_id: i64) -> i32 {
    sqlx::query_scalar("select version from trade_refunds where refund_id = $1")
        .bind(refund_id)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn from_the_contract_to_the_banks_confirmation(pool: PgPool) {
    center(&pool).await;
    sqlx::query(
        "insert into operators (code, name, department_id, roles, password_hash)
         select 'taccount2', '保证金会计二', department_id, array['deposit_accountant'], password_hash
         from operators where code = 'admin'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let gc = section_with_deposit(&pool, Line::Construction).await;
    paid(&pool, &gc, "3A5B7C", "甲建设公司", 1).await;
    paid(&pool, &gc, "4D6E8F", "乙建设公司", 2).await;
    let accountant = op(&pool, "taccount").await;
    let second = op(&pool, "taccount2").await;
    let director = op(&pool, "tdirector").await;
    let today: chrono::NaiveDate = sqlx::query_scalar("select current_date")
        .fetch_one(&pool)
        .await
        .unwrap();
    // A clerk records no refund event; a future day is refused, naming the flag.
    assert!(matches!(
        refunds::record_event(
            &pool,
            op(&pool, "tclerk").await,
            &gc,
            RefundEvent::ContractSigned,
            today,
            Covers::All,
            None
        )
        .await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        refunds::record_event(
            &pool,
            accountant,
            &gc,
            RefundEvent::ContractSigned,
            today + Duration::days(1),
            Covers::All,
            None
        )
        .await,
        Err(StoreError::Invalid { field: "on", .. })
    ));
    let ev = refunds::record_event(
        &pool,
        accountant,
        &gc,
        RefundEvent::ContractSigned,
        today,
        Covers::All,
        Some("合同已签订"),
    )
    .await
    .unwrap();
    assert_eq!(ev.refunds, 2);
    assert!(ev.article.contains("第57条"), "{}", ev.article);
    assert!(
        ev.due_on >= today + Duration::days(5),
        "5 日 (民法典 201–203)"
    );
    // Nothing more to refund: a second event is refused, nothing recorded.
    assert!(matches!(
        refunds::record_event(
            &pool,
            accountant,
            &gc,
            RefundEvent::ContractSigned,
            today,
            Covers::All,
            None
        )
        .await,
        Err(StoreError::Conflict(_))
    ));
    let rows = refunds::list(&pool, accountant, true, 100).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter()
            .all(|r| r.state == "due" && r.principal_fen == 2_000_000)
    );
    let (r1, r2) = (rows[0].refund_id, rows[1].refund_id);
    // The money arrived 36 days ago (as if): 20,000.00 at 0.35 % for 36 days is 7.00 yuan.
    sqlx::query("update trade_statement_lines set business_date = current_date - 36")
        .execute(&pool)
        .await
        .unwrap();
    let p = refunds::prepare(&pool, accountant, r1, version(&pool, r1).await)
        .await
        .unwrap();
    assert_eq!((p.interest_fen, p.late), (700, false));
    // Four eyes: the preparer does not approve, in the store and in the table.
    let err = refunds::approve(&pool, accountant, r1, version(&pool, r1).await)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("four eyes"), "{err}");
    let db = sqlx::query(
        "update trade_refunds set state = 'approved', approved_by = prepared_by,
             approved_at = now() where refund_id = $1",
    )
    .bind(r1)
    .execute(&pool)
    .await
    .unwrap_err();
    assert!(db.to_string().contains("trade_refunds_four_eyes"), "{db}");
    // Two others at once: exactly one approval.
    let v = version(&pool, r1).await;
    let (a, b) = tokio::join!(
        refunds::approve(&pool, second, r1, v),
        refunds::approve(&pool, director, r1, v)
    );
    assert_eq!(
        [a.is_ok(), b.is_ok()].iter().filter(|x| **x).count(),
        1,
        "{a:?} {b:?}"
    );
    assert!(matches!(a.err().or(b.err()), Some(StoreError::Stale(_))));
    // Late: prepared after its due date still pays interest, and says so.
    sqlx::query("update trade_refunds set due_on = current_date - 1 where refund_id = $1")
        .bind(r2)
        .execute(&pool)
        .await
        .unwrap();
    let p2 = refunds::prepare(&pool, second, r2, version(&pool, r2).await)
        .await
        .unwrap();
    assert_eq!((p2.interest_fen, p2.late), (700, true));
    refunds::approve(&pool, accountant, r2, version(&pool, r2).await)
        .await
        .unwrap();
    // One payment file for both, never twice.
    let file = refunds::payfile(&pool, accountant).await.unwrap().unwrap();
    assert_eq!((file.refunds, file.total_fen), (2, 4_001_400));
    let mut lines = file.text.lines();
    assert_eq!(lines.next(), Some(refunds::PAYFILE_HEADER));
    let first = lines.next().unwrap();
    assert!(
        first.starts_with(&format!(
            "{},甲建设公司,6228480012345601,县农商银行城关支行,20007.00,保证金退还 {gc}",
            refunds::pay_ref(r1)
        )),
        "{first}"
    );
    assert!(refunds::payfile(&pool, accountant).await.unwrap().is_none());
    // The bank paid one and failed the other: that one goes back for the next file.
    let now = Utc::now();
    let c = refunds::confirm(
        &pool,
        accountant,
        &[
            Confirmation {
                line: 2,
                pay_ref: refunds::pay_ref(r1),
                paid: true,
                bank_ref: "BK001".into(),
                at: now,
            },
            Confirmation {
                line: 3,
                pay_ref: refunds::pay_ref(r2),
                paid: false,
                bank_ref: String::new(),
                at: now,
            },
        ],
    )
    .await
    .unwrap();
    assert_eq!((c.refunded, c.failed, c.already), (1, 1, 0));
    let states: Vec<(String, String)> = sqlx::query_as(
        "select f.state, d.state from trade_refunds f join trade_deposits d using (deposit_id)
         order by f.refund_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        states,
        [
            ("refunded".to_string(), "refunded".to_string()),
            ("approved".to_string(), "refund_due".to_string())
        ]
    );
    // The same confirmation line again closes nothing twice; an unknown reference refuses all.
    let again = refunds::confirm(
        &pool,
        accountant,
        &[Confirmation {
            line: 2,
            pay_ref: refunds::pay_ref(r1),
            paid: true,
            bank_ref: "BK001".into(),
            at: now,
        }],
    )
    .await
    .unwrap();
    assert_eq!(again.already, 1);
    assert!(matches!(
        refunds::confirm(
            &pool,
            accountant,
            &[Confirmation {
                line: 2,
                pay_ref: "R9".into(),
                paid: true,
                bank_ref: "X".into(),
                at: now
            }]
        )
        .await,
        Err(StoreError::Invalid { field: "file", .. })
    ));
    let n: i64 =
        sqlx::query_scalar("select count(*) from audit_log where action like 'trade.refund.%'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        n, 8,
        "event, 2 prepares, 2 approvals, payfile, 2 confirmations"
    );
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn procurement_losers_at_the_award_notice_without_interest(pool: PgPool) {
    center(&pool).await;
    let cg = section_with_deposit(&pool, Line::Procurement).await;
    let winner = paid(&pool, &cg, "3A5B7C", "甲科技公司", 1).await;
    paid(&pool, &cg, "4D6E8F", "乙科技公司", 2).await;
    paid(&pool, &cg, "5G7H9J", "丙科技公司", 3).await;
    let accountant = op(&pool, "taccount").await;
    let today: chrono::NaiveDate = sqlx::query_scalar("select current_date")
        .fetch_one(&pool)
        .await
        .unwrap();
    let ev = refunds::record_event(
        &pool,
        accountant,
        &cg,
        RefundEvent::AwardNotice,
        today,
        Covers::Except(winner.registration_id),
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        ev.refunds, 2,
        "the losers; the winner's waits for the contract"
    );
    assert!(
        ev.article.contains("政府采购法实施条例 第33条"),
        "{}",
        ev.article
    );
    let rows = refunds::list(&pool, accountant, true, 100).await.unwrap();
    assert!(rows.iter().all(|r| r.payee != "甲科技公司"));
    sqlx::query("update trade_statement_lines set business_date = current_date - 36")
        .execute(&pool)
        .await
        .unwrap();
    let p = refunds::prepare(&pool, accountant, rows[0].refund_id, rows[0].version)
        .await
        .unwrap();
    assert_eq!(
        (p.interest_fen, p.late),
        (0, false),
        "采购: no interest when on time"
    );
    // A rule the set does not have is named: land has no withdrawal rule.
    let td = section_with_deposit(&pool, Line::Land).await;
    let err = refunds::record_event(
        &pool,
        accountant,
        &td,
        RefundEvent::Withdrawal,
        today,
        Covers::All,
        None,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid { field: "event", .. }),
        "{err}"
    );
}
