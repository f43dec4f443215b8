//! Fees and night-shift reconciliation against a real database: assessments with payment codes
//! on acceptance, idempotent import, every exception class with exact sums, day close.

mod common;

use common::{assessed, export, op};

use onewindow::domain::fees::receipt_file::{self, FISCAL_MAPPING};
use onewindow::store::StoreError;
use onewindow::store::{fees, seed, time::calendar};
use sqlx::PgPool;

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn every_exception_class_with_exact_sums_and_a_closed_day(pool: PgPool) {
    seed::seed(&pool, 1, 0).await.unwrap();
    let clerk = op(&pool, "clerk").await;
    let cashier = op(&pool, "cashier").await;
    let supervisor = op(&pool, "supervisor").await;
    let mut codes = vec![];
    for _ in 0..5 {
        codes.push(assessed(&pool, clerk).await);
    }
    // A payment code read out at the counter finds its case.
    let hits = onewindow::store::cases::lookup::lookup(&pool, supervisor, &codes[2], 10)
        .await
        .unwrap();
    assert_eq!(hits[0].kind, "payment_code");
    assert!(hits[0].exact);
    let mut conn = pool.acquire().await.unwrap();
    let today = calendar::today(&mut conn).await.unwrap();
    let mapping = receipt_file::parse_mapping(FISCAL_MAPPING).unwrap();
    let file = export(
        today,
        &[
            ("P001", &codes[0], "20.00", ""),             // matched
            ("P002", &codes[1], "15.00", ""),             // amount mismatch
            ("P003", &codes[2], "20.00", ""),             // duplicate …
            ("P004", &codes[2], "20.00", ""),             // … of the same code
            ("P005", "99999999999999999999", "8.80", ""), // unidentified
            ("P006", &codes[0], "-20.00", "P001"),        // reversal of P001
        ],
    );
    let lines = receipt_file::parse(&file, &mapping).unwrap();
    // Only cashiers (and supervisors) import.
    let e = fees::import(&pool, clerk, "fiscal", "x.csv", &lines)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    let r = fees::import(&pool, cashier, "fiscal", "x.csv", &lines)
        .await
        .unwrap();
    assert_eq!((r.lines, r.added), (6, 6));
    // The same file again adds nothing.
    let r = fees::import(&pool, cashier, "fiscal", "x.csv", &lines)
        .await
        .unwrap();
    assert_eq!(r.added, 0);

    let rows = fees::classify(&pool, cashier, today).await.unwrap();
    let summary = fees::summarise(&rows).unwrap();
    assert_eq!(
        summary,
        vec![
            ("matched", 1, 2000),
            ("amount_mismatch", 1, 1500),
            ("duplicate", 2, 4000),
            ("unidentified", 1, 880),
            ("reversal", 1, -2000),
            ("outstanding", 2, 4000),
            ("refund", 0, 0),
        ]
    );
    let reversal = rows.iter().find(|r| r.class == "reversal").unwrap();
    assert_eq!(reversal.reverses.as_deref(), Some("P001"));
    let outstanding: Vec<&str> = rows
        .iter()
        .filter(|r| r.class == "outstanding")
        .map(|r| r.payment_code.as_str())
        .collect();
    assert_eq!(outstanding, [codes[3].as_str(), codes[4].as_str()]);

    // Day close: nothing of that day changes any more; a supervisor reopens with a reason.
    fees::close_day(&pool, cashier, today).await.unwrap();
    let more = receipt_file::parse(
        &export(today, &[("P007", &codes[3], "20.00", "")]),
        &mapping,
    )
    .unwrap();
    let e = fees::import(&pool, cashier, "fiscal", "late.csv", &more)
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Conflict(ref m) if m.contains("closed")),
        "{e}"
    );
    let n: i64 = sqlx::query_scalar("select count(*) from receipts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 6, "nothing of the refused import stays");
    let e = sqlx::query("update fee_assessments set amount_fen = 1")
        .execute(&pool)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("closed"), "{e}");
    let e = fees::reopen_day(&pool, cashier, today, "补录")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    let e = fees::reopen_day(&pool, supervisor, today, "")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid { .. }), "{e}");
    fees::reopen_day(&pool, supervisor, today, "财政补传当日票据")
        .await
        .unwrap();
    let r = fees::import(&pool, cashier, "fiscal", "late.csv", &more)
        .await
        .unwrap();
    assert_eq!(r.added, 1);
    let actions: Vec<String> = sqlx::query_scalar(
        "select action from audit_log where action like 'day.%' or action like 'receipts.%'
         order by audit_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "receipts.import",
            "receipts.import",
            "day.close",
            "day.reopen",
            "receipts.import"
        ]
    );
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_cashier_cancels_or_adjusts_an_assessment_with_a_reason(pool: PgPool) {
    use onewindow::store::fees::Correction;
    seed::seed(&pool, 1, 0).await.unwrap();
    let clerk = op(&pool, "clerk").await;
    let cashier = op(&pool, "cashier").await;
    let a = assessed(&pool, clerk).await;
    let b = assessed(&pool, clerk).await;
    let e = fees::correct(&pool, clerk, &a, Correction::Cancel, "错收")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    let e = fees::correct(&pool, cashier, &a, Correction::Cancel, " ")
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
    let e = fees::correct(&pool, cashier, &a, Correction::Adjust(0), "减免")
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::Invalid {
                field: "amount",
                ..
            }
        ),
        "{e}"
    );
    fees::correct(&pool, cashier, &a, Correction::Adjust(1500), "按标准减免")
        .await
        .unwrap();
    fees::correct(&pool, cashier, &b, Correction::Cancel, "申请人撤回申请")
        .await
        .unwrap();
    let e = fees::correct(&pool, cashier, &b, Correction::Cancel, "again")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    // The cancelled one is owed no more; the adjusted one is owed at its new amount.
    let mut conn = pool.acquire().await.unwrap();
    let today = calendar::today(&mut conn).await.unwrap();
    let rows = fees::classify(&pool, cashier, today).await.unwrap();
    let outstanding: Vec<(String, Option<i64>)> = rows
        .iter()
        .filter(|r| r.class == "outstanding")
        .map(|r| (r.payment_code.clone(), r.expected_fen))
        .collect();
    assert_eq!(outstanding, [(a.clone(), Some(1500))]);
    let details: Vec<serde_json::Value> = sqlx::query_scalar(
        "select detail from audit_log where action in ('fee.adjust', 'fee.cancel') order by audit_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(details[0]["before_fen"], 2000);
    assert_eq!(details[0]["after_fen"], 1500);
    assert_eq!(details[1]["reason"], "申请人撤回申请");
    // A closed day's assessment changes no more.
    fees::close_day(&pool, cashier, today).await.unwrap();
    let e = fees::correct(&pool, cashier, &a, Correction::Cancel, "补")
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Conflict(ref m) if m.contains("closed")),
        "{e}"
    );
}

/// Outstanding assessments are listed by id as a number (as text, 10 came before 9).
#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn outstanding_assessments_are_in_numeric_order(pool: PgPool) {
    seed::seed(&pool, 1, 0).await.unwrap();
    let clerk = op(&pool, "clerk").await;
    let cashier = op(&pool, "cashier").await;
    for _ in 0..12 {
        assessed(&pool, clerk).await;
    }
    let mut conn = pool.acquire().await.unwrap();
    let today = calendar::today(&mut conn).await.unwrap();
    let ids: Vec<i64> = fees::classify(&pool, cashier, today)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.class == "outstanding")
        .map(|r| r.id)
        .collect();
    assert_eq!(ids.len(), 12);
    assert!(
        ids.iter().any(|id| *id >= 10) && ids.iter().any(|id| *id < 10),
        "{ids:?}"
    );
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
}

/// Issue 14.11: with an unpaid assessment of an earlier day and a receipt marked for refund, the
/// screen's summary line said 40.00 / 40.00 while the by-department view said 20.00 / 20.00.
/// The figures come from the store, through the screen, as the user sees them.
#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn the_day_summary_equals_the_department_totals(pool: PgPool) {
    use onewindow::i18n::Lang;
    use onewindow::store::fees::exceptions;
    use onewindow::ui::action::{Action, ReconDay};
    seed::seed(&pool, 1, 0).await.unwrap();
    let clerk = op(&pool, "clerk").await;
    let cashier = op(&pool, "cashier").await;
    let mut conn = pool.acquire().await.unwrap();
    let today = calendar::today(&mut conn).await.unwrap();
    // Assessed three days ago and never paid: outstanding today, expected on its own day.
    let earlier = assessed(&pool, clerk).await;
    sqlx::query("update fee_assessments set business_date = $2 where payment_code = $1")
        .bind(&earlier)
        .bind(today - chrono::Days::new(3))
        .execute(&pool)
        .await
        .unwrap();
    // Today's assessment, paid twice; the second payment is marked for refund.
    let code = assessed(&pool, clerk).await;
    let mapping = receipt_file::parse_mapping(FISCAL_MAPPING).unwrap();
    let lines = receipt_file::parse(
        &export(
            today,
            &[("P001", &code, "20.00", ""), ("P002", &code, "20.00", "")],
        ),
        &mapping,
    )
    .unwrap();
    fees::import(&pool, cashier, "fiscal", "x.csv", &lines)
        .await
        .unwrap();
    let p2 = exceptions::find_receipt(&pool, "P002", None).await.unwrap();
    exceptions::mark_refund(&pool, cashier, p2, "重复缴费")
        .await
        .unwrap();

    let day = ReconDay {
        rows: fees::classify(&pool, cashier, today).await.unwrap(),
        closed: fees::is_closed(&pool, today).await.unwrap(),
        totals: exceptions::totals(&pool, cashier, today).await.unwrap(),
    };
    let mut op = common::clerk();
    op.roles = vec![onewindow::domain::accounts::role::Role::Cashier];
    let mut app = common::signed_in(Lang::En, op);
    app.update(common::ch('f'));
    app.recon_date = Some(today);
    app.update(Action::ReconciliationLoaded {
        date: today,
        result: Ok(day),
    });
    let screen = common::render(&mut app, 100, 30);
    assert!(
        screen.contains("expected 20.00 · received 20.00"),
        "the day's summary: {screen}"
    );
    app.update(common::ch('t'));
    let by_department = common::render(&mut app, 100, 30);
    let department = by_department
        .lines()
        .find(|l| l.contains("Public Security"))
        .unwrap_or_else(|| panic!("{by_department}"));
    let figures: Vec<&str> = department
        .split_whitespace()
        .filter(|w| w.contains('.'))
        .collect();
    assert_eq!(figures, ["20.00", "20.00"], "{by_department}");
}

/// Polls until another session of this database waits on a lock, or the task ends first.
async fn waits_on_a_lock<T>(pool: &PgPool, task: &tokio::task::JoinHandle<T>) -> bool {
    for _ in 0..200 {
        let n: i64 = sqlx::query_scalar(
            "select count(*) from pg_stat_activity
             where datname = current_database() and wait_event_type = 'Lock'
               and pid <> pg_backend_pid()",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        if n > 0 {
            return true;
        }
        if task.is_finished() {
            return false;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    false
}

/// Issue 14.13, one way round: an import's transaction is under way when the day is closed. The
/// close waits for it, so the closed day holds only what was imported before its close; before,
/// the close went through at once and the import's receipts landed in the closed day.
#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_close_waits_for_an_import_under_way(pool: PgPool) {
    seed::seed(&pool, 1, 0).await.unwrap();
    let cashier = op(&pool, "cashier").await;
    let mut conn = pool.acquire().await.unwrap();
    let today = calendar::today(&mut conn).await.unwrap();
    drop(conn);
    // The import's writes, its transaction left open (as a 10,000-line import is for a while).
    let mut import = pool.begin().await.unwrap();
    let import_id: i64 = sqlx::query_scalar(
        "insert into receipt_imports (source, file_name, lines, added, imported_by)
         values ('fiscal', 'x.csv', 1, 1, $1) returning import_id",
    )
    .bind(cashier)
    .fetch_one(&mut *import)
    .await
    .unwrap();
    sqlx::query(
        "insert into receipts (source, receipt_no, payment_code, amount_fen, paid_at,
             business_date, import_id)
         values ('fiscal', 'R1', '99999999999999999999', 880, $1::date + time '10:00', $1, $2)",
    )
    .bind(today)
    .bind(import_id)
    .execute(&mut *import)
    .await
    .unwrap();
    let close = tokio::spawn({
        let pool = pool.clone();
        async move { fees::close_day(&pool, cashier, today).await }
    });
    assert!(
        waits_on_a_lock(&pool, &close).await,
        "the close waits for the import under way: {:?}",
        close.is_finished()
    );
    assert!(!fees::is_closed(&pool, today).await.unwrap());
    import.commit().await.unwrap();
    close.await.unwrap().unwrap();
    assert!(fees::is_closed(&pool, today).await.unwrap());
    // After the close, nothing more gets in.
    let mapping = receipt_file::parse_mapping(FISCAL_MAPPING).unwrap();
    let late = receipt_file::parse(
        &export(today, &[("R2", "99999999999999999999", "1.00", "")]),
        &mapping,
    )
    .unwrap();
    let e = fees::import(&pool, cashier, "fiscal", "late.csv", &late)
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Conflict(ref m) if m.contains("closed")),
        "{e}"
    );
}

/// Issue 14.13, the other way round: the close's transaction is under way when an import of that
/// day runs. The import waits, then sees the close and is refused whole.
#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn an_import_waits_for_a_close_under_way_and_is_refused(pool: PgPool) {
    seed::seed(&pool, 1, 0).await.unwrap();
    let cashier = op(&pool, "cashier").await;
    let mut conn = pool.acquire().await.unwrap();
    let today = calendar::today(&mut conn).await.unwrap();
    drop(conn);
    let mut close = pool.begin().await.unwrap();
    sqlx::query("insert into day_closes (business_date, closed_by) values ($1, $2)")
        .bind(today)
        .bind(cashier)
        .execute(&mut *close)
        .await
        .unwrap();
    let mapping = receipt_file::parse_mapping(FISCAL_MAPPING).unwrap();
    let lines = receipt_file::parse(
        &export(
            today,
            &[
                ("R1", "99999999999999999999", "8.80", ""),
                ("R2", "99999999999999999999", "1.00", ""),
            ],
        ),
        &mapping,
    )
    .unwrap();
    let import = tokio::spawn({
        let pool = pool.clone();
        async move { fees::import(&pool, cashier, "fiscal", "x.csv", &lines).await }
    });
    assert!(
        waits_on_a_lock(&pool, &import).await,
        "the import waits for the close under way"
    );
    close.commit().await.unwrap();
    let e = import.await.unwrap().unwrap_err();
    assert!(
        matches!(e, StoreError::Conflict(ref m) if m.contains("closed")),
        "{e}"
    );
    let n: i64 = sqlx::query_scalar("select count(*) from receipts where business_date = $1")
        .bind(today)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 0, "the closed day holds none of the import's receipts");
}

/// Issue 14.16: a day whose sums pass what 64 bits hold is an error that says so, in the SQL
/// sums (the by-department figures) and in the class sums, never a wrapped negative.
#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn sums_past_64_bits_are_an_error_not_a_wrapped_figure(pool: PgPool) {
    use onewindow::store::fees::exceptions;
    seed::seed(&pool, 1, 0).await.unwrap();
    let cashier = op(&pool, "cashier").await;
    let day = chrono::NaiveDate::from_ymd_opt(2020, 1, 6).unwrap();
    // Two receipts of 9 × 10^18 fen each, written past the importer's checks.
    sqlx::query(
        "with i as (insert into receipt_imports (source, file_name, lines, added, imported_by)
                    values ('fiscal', 'x.csv', 2, 2, $1) returning import_id)
         insert into receipts (source, receipt_no, payment_code, amount_fen, paid_at,
             business_date, import_id)
         select 'fiscal', n, '99999999999999999999', 9000000000000000000, $2::date + time '10:00',
                $2, i.import_id
         from i, unnest(array['H1', 'H2']) n",
    )
    .bind(cashier)
    .bind(day)
    .execute(&pool)
    .await
    .unwrap();
    let e = exceptions::totals(&pool, cashier, day).await.unwrap_err();
    assert!(e.to_string().contains("too large"), "{e}");
    let rows = fees::classify(&pool, cashier, day).await.unwrap();
    let e = fees::summarise(&rows).unwrap_err();
    assert!(e.to_string().contains("too large"), "{e}");
}
