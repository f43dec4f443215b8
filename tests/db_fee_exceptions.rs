//! Manual actions on reconciliation exceptions against a real database: link an unidentified
//! receipt, mark a duplicate for refund, annotate; each audited, each refused on a closed day;
//! and the day's totals by department and item.

mod common;

use common::{assessed, export, op};

use onewindow::domain::fees::receipt_file::{self, FISCAL_MAPPING};
use onewindow::store::StoreError;
use onewindow::store::fees::exceptions::{self as fx, Noted};
use onewindow::store::{fees, seed, time::calendar};
use sqlx::PgPool;

fn class_of<'a>(rows: &'a [fees::Classified], reference: &str) -> &'a str {
    &rows
        .iter()
        .find(|r| r.reference == reference)
        .unwrap()
        .class
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn link_refund_and_note_settle_exceptions_and_a_closed_day_refuses_them(pool: PgPool) {
    seed::seed(&pool, 1, 0).await.unwrap();
    let clerk = op(&pool, "clerk").await;
    let cashier = op(&pool, "cashier").await;
    let supervisor = op(&pool, "supervisor").await;
    let codes = [
        assessed(&pool, clerk).await,
        assessed(&pool, clerk).await,
        assessed(&pool, clerk).await,
    ];
    let mut conn = pool.acquire().await.unwrap();
    let today = calendar::today(&mut conn).await.unwrap();
    let mapping = receipt_file::parse_mapping(FISCAL_MAPPING).unwrap();
    let lines = receipt_file::parse(
        &export(
            today,
            &[
                ("P001", &codes[0], "20.00", ""),
                ("P002", &codes[0], "20.00", ""), // duplicate of P001
                ("P003", "11111111111111111111", "20.00", ""), // the payer miscopied codes[1]
                ("P004", &codes[2], "-5.00", "P001"), // a reversal (of P001)
            ],
        ),
        &mapping,
    )
    .unwrap();
    fees::import(&pool, cashier, "fiscal", "x.csv", &lines)
        .await
        .unwrap();
    let rows = fees::classify(&pool, cashier, today).await.unwrap();
    assert_eq!(class_of(&rows, "P001"), "duplicate");
    assert_eq!(class_of(&rows, "P003"), "unidentified");
    let p001 = fx::find_receipt(&pool, "P001", None).await.unwrap();
    let p002 = fx::find_receipt(&pool, "P002", None).await.unwrap();
    let p003 = fx::find_receipt(&pool, "P003", Some("fiscal"))
        .await
        .unwrap();
    let p004 = fx::find_receipt(&pool, "P004", None).await.unwrap();
    assert!(matches!(
        fx::find_receipt(&pool, "P003", Some("bank")).await,
        Err(StoreError::NotFound(_))
    ));

    // Link: cashiers only, with a reason, an unidentified receipt, to a live assessment.
    let e = fx::link(&pool, clerk, p003, &codes[1], "抄错")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    let e = fx::link(&pool, cashier, p003, &codes[1], " ")
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::Invalid {
                field: "reason",
                ..
            }
        ),
        "{e}"
    );
    let e = fx::link(&pool, cashier, p001, &codes[1], "抄错")
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::Invalid {
                field: "receipt",
                ..
            }
        ),
        "{e}"
    );
    let e = fx::link(&pool, cashier, p003, "20260101000100000000", "抄错")
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::Invalid {
                field: "payment code",
                ..
            }
        ),
        "{e}"
    );
    fx::link(
        &pool,
        cashier,
        p003,
        &codes[1],
        "缴款人抄错缴款码，经电话核实",
    )
    .await
    .unwrap();
    let e = fx::link(&pool, cashier, p003, &codes[1], "again")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");

    // Refund: one of the duplicates; the other then matches.
    let e = fx::mark_refund(&pool, cashier, p004, "冲正")
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::Invalid {
                field: "receipt",
                ..
            }
        ),
        "{e}"
    );
    fx::mark_refund(&pool, cashier, p002, "重复缴费，退回缴款人")
        .await
        .unwrap();
    let e = fx::mark_refund(&pool, cashier, p002, "again")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");

    // A note on the reversal; the latest note is the one shown.
    fx::annotate(&pool, cashier, today, Noted::Receipt(p004), "待财政确认")
        .await
        .unwrap();
    fx::annotate(
        &pool,
        cashier,
        today,
        Noted::Receipt(p004),
        "财政已确认冲正",
    )
    .await
    .unwrap();
    let e = fx::annotate(&pool, cashier, today, Noted::Assessment(-1), "x")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e}");

    let rows = fees::classify(&pool, cashier, today).await.unwrap();
    assert_eq!(class_of(&rows, "P001"), "matched");
    assert_eq!(class_of(&rows, "P002"), "refund");
    assert_eq!(
        class_of(&rows, "P003"),
        "matched",
        "linked: it pays codes[1]"
    );
    let p003_row = rows.iter().find(|r| r.reference == "P003").unwrap();
    assert_eq!(p003_row.linked_to.as_deref(), Some(codes[1].as_str()));
    assert_eq!(p003_row.payment_code, "11111111111111111111");
    let p004_row = rows.iter().find(|r| r.reference == "P004").unwrap();
    assert_eq!(p004_row.note.as_deref(), Some("财政已确认冲正"));
    assert_eq!(
        fees::summarise(&rows).unwrap(),
        vec![
            ("matched", 2, 4000),
            ("amount_mismatch", 0, 0),
            ("duplicate", 0, 0),
            ("unidentified", 0, 0),
            ("reversal", 1, -500),
            ("outstanding", 1, 2000),
            ("refund", 1, 2000),
        ]
    );
    // Each action is in the audit trail, with who and why.
    let actions: Vec<String> = sqlx::query_scalar(
        "select action from audit_log where action in ('receipt.link', 'receipt.refund', 'fee.note')
         order by audit_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        ["receipt.link", "receipt.refund", "fee.note", "fee.note"]
    );

    // Totals: three assessments of 20.00 in one department and item; received 20 + 20 − 5
    // (the refund does not count, the link does).
    let totals = fx::totals(&pool, cashier, today).await.unwrap().rows;
    assert_eq!(totals.len(), 2, "{totals:?}");
    assert!(!totals[0].is_item);
    assert!(totals[1].is_item);
    for t in &totals {
        assert_eq!((t.expected_fen, t.received_fen), (6000, 3500), "{t:?}");
    }

    // A closed day takes no link, refund or note.
    fees::close_day(&pool, cashier, today).await.unwrap();
    let e = fx::annotate(&pool, cashier, today, Noted::Receipt(p001), "late")
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Conflict(ref m) if m.contains("closed")),
        "{e}"
    );
    let e = fx::mark_refund(&pool, cashier, p001, "late")
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Conflict(ref m) if m.contains("closed")),
        "{e}"
    );
    let e = sqlx::query("delete from receipt_links")
        .execute(&pool)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("closed"), "{e}");
    fees::reopen_day(&pool, supervisor, today, "补录备注")
        .await
        .unwrap();
    fx::annotate(&pool, cashier, today, Noted::Receipt(p001), "补录")
        .await
        .unwrap();
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn an_unidentified_receipt_shows_in_the_totals_without_a_department(pool: PgPool) {
    seed::seed(&pool, 1, 0).await.unwrap();
    let clerk = op(&pool, "clerk").await;
    let cashier = op(&pool, "cashier").await;
    let code = assessed(&pool, clerk).await;
    let mut conn = pool.acquire().await.unwrap();
    let today = calendar::today(&mut conn).await.unwrap();
    let mapping = receipt_file::parse_mapping(FISCAL_MAPPING).unwrap();
    let lines = receipt_file::parse(
        &export(
            today,
            &[
                ("Q1", &code, "20.00", ""),
                ("Q2", "22222222222222222222", "8.80", ""),
            ],
        ),
        &mapping,
    )
    .unwrap();
    fees::import(&pool, cashier, "fiscal", "y.csv", &lines)
        .await
        .unwrap();
    let totals = fx::totals(&pool, cashier, today).await.unwrap().rows;
    let unknown: Vec<_> = totals
        .iter()
        .filter(|t| t.department_code.is_none())
        .collect();
    assert_eq!(unknown.len(), 1, "{totals:?}");
    assert_eq!((unknown[0].expected_fen, unknown[0].received_fen), (0, 880));
    assert!(!unknown[0].is_item);
    let e = fx::totals(&pool, clerk, today).await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn an_item_that_charges_on_approval_is_assessed_when_approved(pool: PgPool) {
    use onewindow::store::cases::{self, IntakeOutcome};
    seed::seed(&pool, 1, 0).await.unwrap();
    let clerk = op(&pool, "clerk").await;
    let chief = op(&pool, "chief").await;
    sqlx::query(
        "update items set fee_kind = 'fixed', fee_amount_fen = 500, fee_on = 'approval'
         where code = 'SCJG-001'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let mut ids = vec![];
    for _ in 0..2 {
        let out = common::accept_item(&pool, clerk, "SCJG-001").await;
        let IntakeOutcome::Accepted { case_id, fee, .. } = out else {
            panic!("{out:?}")
        };
        assert_eq!(fee, None, "nothing is owed on acceptance");
        ids.push(case_id);
    }
    let version = |id: i64| {
        sqlx::query_scalar::<_, i32>("select version from cases where case_id = $1")
            .bind(id)
            .fetch_one(&pool)
    };
    let v = version(ids[0]).await.unwrap();
    cases::decide_instant(&pool, chief, ids[0], v, true, "")
        .await
        .unwrap();
    let v = version(ids[1]).await.unwrap();
    cases::decide_instant(&pool, chief, ids[1], v, false, "材料不实")
        .await
        .unwrap();
    let owed: Vec<(i64, i64, String)> = sqlx::query_as(
        "select case_id, amount_fen, payment_code from fee_assessments order by case_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(owed.len(), 1, "only the approved case owes: {owed:?}");
    assert_eq!((owed[0].0, owed[0].1), (ids[0], 500));
    assert!(onewindow::domain::fees::payment_code::is_valid(&owed[0].2));
}
