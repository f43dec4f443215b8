//! Electronic supervision against a real database: cards once per case and level, one issuer at
//! a time, notifications and acknowledgment, the overdue board, the efficiency report on a
//! constructed dataset, and no back-filling.

mod common;

use common::op;

use chrono::NaiveDate;
use onewindow::domain::time::calendar::{Level, Thresholds, level};
use onewindow::store::StoreError;
use onewindow::store::{seed, time::calendar, time::report, time::supervision};
use sqlx::PgPool;

/// The level of every open case, counted one by one (the run counts by group).
async fn expected_levels(pool: &PgPool) -> (i64, i64) {
    let mut conn = pool.acquire().await.unwrap();
    let cal = calendar::load(&mut conn).await.unwrap();
    let today = calendar::today(&mut conn).await.unwrap();
    let open: Vec<(NaiveDate, i32)> = sqlx::query_as(
        "select due_date, limit_days from cases where status = 'accepted' and due_date is not null",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let mut yellow = 0;
    let mut red = 0;
    for (due, lim) in open {
        match level(lim as u32, cal.remaining(today, due), Thresholds::default()) {
            Level::Yellow => yellow += 1,
            Level::Red => red += 1,
            Level::Normal => {}
        }
    }
    (yellow, red)
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn cards_are_issued_once_and_one_issuer_acts_at_a_time(pool: PgPool) {
    seed::seed(&pool, 5, 2000).await.unwrap();
    let (yellow, red) = expected_levels(&pool).await;
    assert!(yellow > 0 && red > 0, "{yellow} {red}");

    // Another issuer holds the lock: this run does nothing.
    let mut holder = pool.acquire().await.unwrap();
    sqlx::query("select pg_advisory_lock($1)")
        .bind(supervision::SUPERVISE_LOCK)
        .execute(&mut *holder)
        .await
        .unwrap();
    let r = supervision::run(&pool, Thresholds::default())
        .await
        .unwrap();
    assert!(!r.ran);
    sqlx::query("select pg_advisory_unlock($1)")
        .bind(supervision::SUPERVISE_LOCK)
        .execute(&mut *holder)
        .await
        .unwrap();
    drop(holder);

    // Two at once: between them every card exactly once.
    let (a, b) = tokio::join!(
        supervision::run(&pool, Thresholds::default()),
        supervision::run(&pool, Thresholds::default())
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.yellow + b.yellow, yellow as u64);
    assert_eq!(a.red + b.red, red as u64);
    // Again: nothing new.
    let again = supervision::run(&pool, Thresholds::default())
        .await
        .unwrap();
    assert!(again.ran);
    assert_eq!((again.yellow, again.red, again.notifications), (0, 0, 0));
    let cards: i64 = sqlx::query_scalar("select count(*) from supervision_cards")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(cards, yellow + red);
    // One audit row per run that issued something.
    let runs: i64 =
        sqlx::query_scalar("select count(*) from audit_log where action = 'supervision.run'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        runs,
        [a.ran && a.yellow + a.red > 0, b.ran && b.yellow + b.red > 0]
            .iter()
            .filter(|x| **x)
            .count() as i64
    );

    // The overdue board counts the same red cases, the most red first.
    let supervisor = op(&pool, "supervisor").await;
    let board = supervision::board(&pool, supervisor, Thresholds::default())
        .await
        .unwrap();
    assert_eq!(board.iter().map(|r| r.red).sum::<i64>(), red);
    assert_eq!(board.iter().map(|r| r.yellow).sum::<i64>(), yellow);
    assert!(board.windows(2).all(|w| w[0].red >= w[1].red));
    let clerk = op(&pool, "clerk").await;
    let e = supervision::board(&pool, clerk, Thresholds::default())
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn recipients_are_notified_and_acknowledge_with_a_comment(pool: PgPool) {
    seed::seed(&pool, 5, 2000).await.unwrap();
    supervision::run(&pool, Thresholds::default())
        .await
        .unwrap();
    let supervisor = op(&pool, "supervisor").await;
    let chief = op(&pool, "chief").await;
    let clerk = op(&pool, "clerk").await;
    // Supervisors hear of every card; a chief representative of their department's.
    let all: i64 = sqlx::query_scalar("select count(*) from supervision_cards")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(supervision::unread(&pool, supervisor).await.unwrap(), all);
    let mine: i64 = sqlx::query_scalar(
        "select count(*) from supervision_cards k join operators o
         on o.department_id = k.department_id where o.code = 'chief'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(supervision::unread(&pool, chief).await.unwrap(), mine);
    // A holder hears of their case's card.
    let held: Vec<(i64, i64)> = sqlx::query_as(
        "select k.card_id, c.claimed_by from supervision_cards k join cases c using (case_id)
         where c.claimed_by is not null limit 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let (card, holder) = held[0];
    let theirs = supervision::notifications(&pool, holder, 500)
        .await
        .unwrap();
    assert!(theirs.iter().any(|n| n.card_id == card));

    // Acknowledging needs a comment and a recipient; once.
    let e = supervision::acknowledge(&pool, holder, card, "  ")
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::Invalid {
                field: "comment",
                ..
            }
        ),
        "{e}"
    );
    let stranger: i64 = sqlx::query_scalar(
        "select o.operator_id from operators o
         where 'window_clerk' = any (o.roles) and o.operator_id <> $1
           and not exists (select 1 from notifications n
                           where n.operator_id = o.operator_id and n.card_id = $2)
         limit 1",
    )
    .bind(holder)
    .bind(card)
    .fetch_one(&pool)
    .await
    .unwrap();
    let e = supervision::acknowledge(&pool, stranger, card, "看过了")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    supervision::acknowledge(&pool, holder, card, "申请人补充材料中，明日办结")
        .await
        .unwrap();
    let e = supervision::acknowledge(&pool, holder, card, "again")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    let n = supervision::notifications(&pool, supervisor, 5000)
        .await
        .unwrap();
    let row = n.iter().find(|n| n.card_id == card).unwrap();
    assert_eq!(
        row.ack_comment.as_deref(),
        Some("申请人补充材料中，明日办结")
    );
    assert!(row.acknowledged_by.is_some());
    let audited: i64 =
        sqlx::query_scalar("select count(*) from audit_log where action = 'card.acknowledge'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(audited, 1);
    assert!(supervision::mark_read(&pool, clerk).await.is_ok());
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn the_efficiency_report_adds_up_on_a_constructed_dataset(pool: PgPool) {
    seed::seed(&pool, 1, 0).await.unwrap();
    let supervisor = op(&pool, "supervisor").await;
    let clerk = op(&pool, "clerk").await;
    // SCJG, November 2026: A on time (Mon 11-02 → Thu 11-05, due 11-06: 3 working days), B late
    // (11-02 → Tue 11-10: 6 working days), C a correction notice, D still open and overdue.
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("set local onewindow.seeding = 'on'")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query(
        "insert into cases (case_no, item_id, department_id, applicant_kind, applicant_name,
             applicant_id_no, applicant_phone, status, received_at, received_by,
             first_inquiry_by, accepted_at, correction_note, decided_at, decided_by,
             limit_days, due_date)
         select v.no, i.item_id, i.department_id, 'person', '张三', '11010519491231002X',
                '13800138000', v.s::case_status, v.rec, $1, $1, v.acc, v.note, v.dec,
                case when v.dec is not null then $1 end, 4, v.due
         from items i,
              (values ('A', 'approved', timestamptz '2026-11-02 09:00+08',
                       timestamptz '2026-11-02 09:00+08', null, timestamptz '2026-11-05 10:00+08',
                       date '2026-11-06'),
                      ('B', 'disapproved', '2026-11-02 09:00+08', '2026-11-02 09:00+08', null,
                       '2026-11-10 10:00+08', '2026-11-06'),
                      ('C', 'correction', '2026-11-03 09:00+08', null, '缺申请书', null, null),
                      ('D', 'accepted', '2026-11-04 09:00+08', '2026-11-04 09:00+08', null,
                       null, '2026-11-10'))
                  as v(no, s, rec, acc, note, dec, due)
         where i.code = 'SCJG-002'",
    )
    .bind(clerk)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let d: i64 = sqlx::query_scalar("select case_id from cases where case_no = 'D'")
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::query(
        "insert into supervision_cards (case_id, level, department_id, due_date, days_left)
         select case_id, 'red', department_id, due_date, -3 from cases where case_id = $1",
    )
    .bind(d)
    .execute(&pool)
    .await
    .unwrap();

    let rows = report::efficiency(
        &pool,
        supervisor,
        NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
    )
    .await
    .unwrap();
    let scjg = rows.iter().find(|r| r.department_code == "SCJG").unwrap();
    assert_eq!(
        (scjg.accepted, scjg.completed, scjg.on_time, scjg.days_used),
        (3, 2, 1, 9)
    );
    assert_eq!(scjg.on_time_permille(), Some(500));
    assert_eq!(report::tenths(scjg.avg_days_tenths()), "4.5");
    assert_eq!((scjg.red_cards, scjg.yellow_cards), (1, 0));
    assert_eq!((scjg.open_overdue, scjg.corrections), (1, 1));
    // Every department is listed (零办件 as zeros), the totals last and equal to the sum.
    let departments: i64 = sqlx::query_scalar("select count(*) from departments")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rows.len() as i64, departments + 1);
    let total = rows.last().unwrap();
    assert_eq!(total.name_en, "Total");
    assert_eq!(
        total.accepted,
        rows[..rows.len() - 1]
            .iter()
            .map(|r| r.accepted)
            .sum::<i64>()
    );
    assert_eq!(total.accepted, 3);
    let e = report::efficiency(
        &pool,
        clerk,
        NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_back_dated_write_is_refused(pool: PgPool) {
    seed::seed(&pool, 5, 200).await.unwrap();
    let e = sqlx::query(
        "update cases set status = 'approved', decided_at = now() - interval '3 days',
             decided_by = received_by
         where case_id = (select min(case_id) from cases where status = 'accepted')",
    )
    .execute(&pool)
    .await
    .unwrap_err();
    assert!(e.to_string().contains("stamped by the database"), "{e}");
    let e = common::refused(
        &pool,
        "update cases set received_at = received_at - interval '1 day'
         where case_id = (select min(case_id) from cases)",
    )
    .await;
    assert!(e.contains("stamped by the database"), "{e}");
    // Registering a case "as of" yesterday, outside the seeder, is refused too.
    let e = sqlx::query(
        "insert into cases (case_no, item_id, department_id, applicant_kind, applicant_name,
             applicant_id_no, applicant_phone, status, received_at, received_by, first_inquiry_by,
             accepted_at)
         select 'X', items.item_id, items.department_id, 'person', '张三', '11010519491231002X',
                '13800138000', 'accepted', now() - interval '1 day', o.operator_id,
                o.operator_id, now() - interval '1 day'
         from items, operators o where items.code = 'SCJG-001' and o.code = 'clerk'",
    )
    .execute(&pool)
    .await
    .unwrap_err();
    assert!(e.to_string().contains("stamped by the database"), "{e}");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_red_card_becomes_an_accountability_record_tracked_until_closed(pool: PgPool) {
    use onewindow::store::time::accountability;
    seed::seed(&pool, 5, 2000).await.unwrap();
    supervision::run(&pool, Thresholds::default())
        .await
        .unwrap();
    let supervisor = op(&pool, "supervisor").await;
    let clerk = op(&pool, "clerk").await;
    let red: i64 =
        sqlx::query_scalar("select min(card_id) from supervision_cards where level = 'red'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let yellow: i64 =
        sqlx::query_scalar("select min(card_id) from supervision_cards where level = 'yellow'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let later = NaiveDate::from_ymd_opt(2099, 1, 31).unwrap();
    let e = accountability::open(&pool, supervisor, red, "rectification", None, "整改")
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::Invalid {
                field: "deadline",
                ..
            }
        ),
        "{e}"
    );
    let e = accountability::open(&pool, supervisor, yellow, "admonishment", None, "诫勉")
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid { field: "card", .. }),
        "{e}"
    );
    let e = accountability::open(&pool, clerk, red, "admonishment", None, "诫勉")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    let id = accountability::open(
        &pool,
        supervisor,
        red,
        "rectification",
        Some(later),
        "限期整改超期办件",
    )
    .await
    .unwrap();
    let e = accountability::open(&pool, supervisor, red, "admonishment", None, "again")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    let open = accountability::list(&pool, supervisor, false)
        .await
        .unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!((open[0].record_id, open[0].deadline), (id, Some(later)));
    assert!(!open[0].overdue);
    accountability::close(&pool, supervisor, id, "已整改，办件已办结")
        .await
        .unwrap();
    assert!(
        accountability::list(&pool, supervisor, false)
            .await
            .unwrap()
            .is_empty()
    );
    let all = accountability::list(&pool, supervisor, true).await.unwrap();
    assert!(all[0].closed_at.is_some());
    let e = accountability::close(&pool, supervisor, id, "again")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    let actions: Vec<String> = sqlx::query_scalar(
        "select action from audit_log where entity = 'accountability' order by audit_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(actions, ["accountability.open", "accountability.close"]);
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn the_supervision_report_finds_suspicious_sequences(pool: PgPool) {
    use onewindow::store::time::report::SuspicionRules;
    seed::seed(&pool, 1, 0).await.unwrap();
    let supervisor = op(&pool, "supervisor").await;
    let clerk = op(&pool, "clerk").await;
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("set local onewindow.seeding = 'on'")
        .execute(&mut *tx)
        .await
        .unwrap();
    // FAST: a non-instant item decided 3 minutes after acceptance. BACK: decided before it was
    // accepted. B01..B11: eleven decisions by one operator within four minutes.
    sqlx::query(
        "insert into cases (case_no, item_id, department_id, applicant_kind, applicant_name,
             applicant_id_no, applicant_phone, status, received_at, received_by,
             first_inquiry_by, accepted_at, decided_at, decided_by, limit_days, due_date)
         select v.no, i.item_id, i.department_id, 'person', '张三', '11010519491231002X',
                '13800138000', 'approved', v.rec, $1, $1, v.acc, v.dec, $1, 5, date '2026-11-20'
         from (values ('FAST', timestamptz '2026-11-10 09:00+08', timestamptz '2026-11-10 09:00+08',
                       timestamptz '2026-11-10 09:03+08', false),
                      ('BACK', '2026-11-10 10:00+08', '2026-11-10 10:00+08',
                       '2026-11-09 16:00+08', false)) as v(no, rec, acc, dec, instant)
         join lateral (select item_id, department_id from items
                       where is_instant = v.instant order by item_id limit 1) i on true",
    )
    .bind(clerk)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "insert into cases (case_no, item_id, department_id, applicant_kind, applicant_name,
             applicant_id_no, applicant_phone, status, received_at, received_by,
             first_inquiry_by, accepted_at, decided_at, decided_by, limit_days, due_date)
         select 'B' || lpad(n::text, 2, '0'), i.item_id, i.department_id, 'person', '张三',
                '11010519491231002X', '13800138000', 'approved',
                timestamptz '2026-11-12 08:00+08', $1, $1, timestamptz '2026-11-12 08:00+08',
                timestamptz '2026-11-12 15:00+08' + make_interval(secs => n * 20), $1, 0,
                date '2026-11-12'
         from generate_series(1, 11) n,
              (select item_id, department_id from items where is_instant order by item_id limit 1) i",
    )
    .bind(clerk)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let from = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let findings = report::suspicious(&pool, supervisor, from, to, SuspicionRules::default())
        .await
        .unwrap();
    let of = |kind: &str| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| f.subject.clone())
            .collect()
    };
    assert_eq!(of("fast_decision"), ["FAST"]);
    assert_eq!(of("time_order"), ["BACK"]);
    assert_eq!(of("burst"), ["clerk"]);
    let burst = findings.iter().find(|f| f.kind == "burst").unwrap();
    assert!(
        burst.detail.starts_with("11 decisions within 5 min"),
        "{}",
        burst.detail
    );
    // Every department without a case in November is listed; one with cases is not.
    let zero = of("zero_cases");
    let departments: i64 = sqlx::query_scalar("select count(*) from departments")
        .fetch_one(&pool)
        .await
        .unwrap();
    let with_cases: i64 = sqlx::query_scalar("select count(distinct department_id) from cases")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(zero.len() as i64, departments - with_cases);
    // A stricter rule finds no burst.
    let strict = SuspicionRules {
        burst_count: 12,
        ..SuspicionRules::default()
    };
    let findings = report::suspicious(&pool, supervisor, from, to, strict)
        .await
        .unwrap();
    assert!(findings.iter().all(|f| f.kind != "burst"));
    let clerk_try = report::suspicious(&pool, clerk, from, to, strict).await;
    assert!(matches!(clerk_try, Err(StoreError::Forbidden(_))));
}
