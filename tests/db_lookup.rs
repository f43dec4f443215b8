//! Quick lookup against a real database: every query kind, partial Chinese and Latin names, a
//! query that matches nothing, who may find what, revealing into the access log, and a
//! superseded query cancelled.

mod common;

use common::op;

use onewindow::store::StoreError;
use onewindow::store::cases::lookup::{self, Hit};
use onewindow::store::cases::{self, ApplicantKind, Intake, IntakeOutcome};
use onewindow::store::{catalogue, seed};
use onewindow::ui::action::{Action, Task};
use onewindow::ui::tasks::TaskRunner;
use sqlx::PgPool;

async fn accept(
    pool: &PgPool,
    clerk: i64,
    kind: ApplicantKind,
    name: &str,
    id: &str,
    phone: &str,
) -> (i64, String) {
    let item_id: i64 = sqlx::query_scalar("select item_id from items where code = 'SCJG-002'")
        .fetch_one(pool)
        .await
        .unwrap();
    let provided = catalogue::materials(pool, item_id)
        .await
        .unwrap()
        .iter()
        .map(|m| m.material_id)
        .collect();
    let out = cases::intake(
        pool,
        clerk,
        &Intake {
            item_id,
            kind,
            name: name.into(),
            id_no: id.into(),
            phone: phone.into(),
            address: "城关镇人民路1号".into(),
            first_inquiry: None,
            provided,
        },
    )
    .await
    .unwrap();
    let IntakeOutcome::Accepted {
        case_id, case_no, ..
    } = out
    else {
        panic!("{out:?}")
    };
    (case_id, case_no)
}

fn found(hits: &[Hit], case_id: i64) -> Option<&Hit> {
    hits.iter().find(|h| h.case_id == case_id)
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn every_kind_finds_the_case(pool: PgPool) {
    seed::seed(&pool, 3, 3000).await.unwrap();
    let clerk = op(&pool, "clerk").await;
    let (person, case_no) = accept(
        &pool,
        clerk,
        ApplicantKind::Person,
        "欧阳小明",
        "11010519491231002X",
        "13912345678",
    )
    .await;
    let (org, _) = accept(
        &pool,
        clerk,
        ApplicantKind::Organisation,
        "Acme Trading 有限公司",
        "914403001922038216",
        "0591-87654321",
    )
    .await;
    let chief = op(&pool, "chief").await;
    let q = |s: &'static str| {
        let pool = pool.clone();
        async move { lookup::lookup(&pool, chief, s, 50).await.unwrap() }
    };
    // The case number, whole and by its tail.
    let hits = lookup::lookup(&pool, chief, &case_no, 50).await.unwrap();
    let h = found(&hits, person).expect("whole case number");
    assert!(h.kind == "case_no" && h.exact);
    assert_eq!(hits[0].case_id, person, "the exact match first");
    let tail = &case_no[case_no.len() - 7..];
    let hits = lookup::lookup(&pool, chief, tail, 50).await.unwrap();
    assert_eq!(found(&hits, person).unwrap().kind, "case_no");
    // Two characters of a Chinese name; a Latin fragment in any case.
    let hits = q("阳小").await;
    assert_eq!(found(&hits, person).unwrap().kind, "name");
    let hits = q("acme").await;
    assert_eq!(found(&hits, org).unwrap().kind, "name");
    // ID number: the last six characters or more (lower-case x) and the whole.
    let hits = q("31002x").await;
    assert_eq!(found(&hits, person).unwrap().kind, "id_no");
    let hits = q("11010519491231002X").await;
    let h = found(&hits, person).unwrap();
    assert!(h.kind == "id_no" && h.exact);
    assert_eq!(h.masked_applicant(), "1101**********002X 欧**明");
    // Phone tail.
    let hits = q("5678").await;
    assert_eq!(found(&hits, person).unwrap().kind, "phone");
    // Nothing, and too little to look up.
    assert!(q("查无此人名").await.is_empty());
    assert!(q("欧").await.is_empty());
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn operators_find_only_what_they_may_see_and_reveals_are_logged(pool: PgPool) {
    seed::seed(&pool, 3, 0).await.unwrap();
    let clerk = op(&pool, "clerk").await;
    let chief = op(&pool, "chief").await;
    let supervisor = op(&pool, "supervisor").await;
    let (case_id, _) = accept(
        &pool,
        clerk,
        ApplicantKind::Person,
        "欧阳小明",
        "11010519491231002X",
        "13912345678",
    )
    .await;
    // Someone who works cases in another department does not find it; a supervisor does.
    let outsider: i64 = sqlx::query_scalar(
        "select o.operator_id from operators o, operators c
         where c.code = 'clerk' and o.department_id <> c.department_id
           and 'window_clerk' = any (o.roles) order by o.operator_id limit 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(
        lookup::lookup(&pool, outsider, "欧阳", 50)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        !lookup::lookup(&pool, supervisor, "欧阳", 50)
            .await
            .unwrap()
            .is_empty()
    );
    let cashier = op(&pool, "cashier").await;
    let e = lookup::lookup(&pool, cashier, "欧阳", 50)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");

    // Revealing: a chief representative or supervisor, with a reason, into the access log.
    let e = lookup::reveal(&pool, clerk, case_id, "核对")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    let e = lookup::reveal(&pool, chief, case_id, " ")
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
    let r = lookup::reveal(&pool, chief, case_id, "申请人来电核对进度")
        .await
        .unwrap();
    assert_eq!(r.applicant_id_no, "11010519491231002X");
    let log = lookup::access_log(&pool, supervisor, 50).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].operator_code, "chief");
    assert_eq!(log[0].reason, "申请人来电核对进度");
    let e = lookup::access_log(&pool, chief, 50).await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    // The reading is in the hash-chained audit trail like every other change.
    let report = onewindow::store::audit::verify(&pool).await.unwrap();
    assert!(report.first_break.is_none());
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_superseded_lookup_is_cancelled(pool: PgPool) {
    seed::seed(&pool, 3, 500).await.unwrap();
    let chief = op(&pool, "chief").await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut runner = TaskRunner::new(pool.clone(), tx);
    for query in ["欧", "欧阳", "欧阳小"] {
        runner.spawn(Task::Lookup {
            viewer: chief,
            query: query.into(),
        });
    }
    let mut answered = vec![];
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_millis(1500);
    while let Ok(Some(a)) = tokio::time::timeout_at(deadline, rx.recv()).await {
        if let Action::LookupDone { query, result } = a {
            assert!(result.is_ok());
            answered.push(query);
        }
    }
    assert_eq!(answered, ["欧阳小"], "only the last query is answered");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn lookups_are_logged_limited_and_an_enumeration_is_reported(pool: PgPool) {
    // Issue 15.7: a full ID number came back in 45 lookups of growing tails, with no log row.
    seed::seed(&pool, 3, 0).await.unwrap();
    let clerk = op(&pool, "clerk").await;
    let chief = op(&pool, "chief").await;
    let supervisor = op(&pool, "supervisor").await;
    let (person, _) = accept(
        &pool,
        clerk,
        ApplicantKind::Person,
        "欧阳小明",
        "11010519491231002X",
        "13912345678",
    )
    .await;
    // Four characters of an ID number are not an ID tail any more.
    let hits = lookup::lookup(&pool, chief, "002X", 50).await.unwrap();
    assert!(
        found(&hits, person).is_none_or(|h| h.kind != "id_no"),
        "{hits:?}"
    );
    // Every lookup is logged: who, which kinds, how long, how many hits; never the text.
    let (n, kinds, length): (i64, Vec<String>, i32) = sqlx::query_as(
        "select count(*) over (), kinds, length from lookup_log where operator_id = $1
         order by lookup_id desc limit 1",
    )
    .bind(chief)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((n, kinds, length), (1, vec!["case_no".into()], 4));
    let columns: Vec<String> = sqlx::query_scalar(
        "select column_name::text from information_schema.columns where table_name = 'lookup_log'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(
        !columns
            .iter()
            .any(|c| c.contains("query") || c.contains("text")),
        "{columns:?}"
    );
    // The log is append-only.
    assert!(
        sqlx::query("delete from lookup_log")
            .execute(&pool)
            .await
            .is_err()
    );

    // The rate limit: at most per_minute answered, the next refused (and logged as refused).
    sqlx::query("update lookup_policy set per_minute = 6, notice_after = 5")
        .execute(&pool)
        .await
        .unwrap();
    for tail in ["1002X", "31002X", "231002X", "1231002X"] {
        lookup::lookup(&pool, chief, tail, 50).await.unwrap();
    }
    // The fifth number lookup within ten minutes (002X … 1231002X) was reported.
    let reports: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where action = 'lookup.pattern' and operator_id = $1",
    )
    .bind(chief)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(reports, 1);
    lookup::lookup(&pool, chief, "91231002X", 50).await.unwrap();
    let e = lookup::lookup(&pool, chief, "491231002X", 50)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, StoreError::Invalid { field: "query", reason } if reason.contains("at most 6")),
        "{e}"
    );
    let refused: i64 =
        sqlx::query_scalar("select count(*) from lookup_log where operator_id = $1 and refused")
            .bind(chief)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(refused, 1);
    // Reported once, not at every lookup after the threshold; the supervisors see it.
    let reports: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where action = 'lookup.pattern' and operator_id = $1",
    )
    .bind(chief)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(reports, 1);
    let log = lookup::access_log(&pool, supervisor, 50).await.unwrap();
    assert!(
        log.iter()
            .any(|a| a.operator_code == "chief" && a.reason.starts_with("! ")),
        "{log:?}"
    );
    // Another operator is not limited by the chief's lookups.
    assert!(lookup::lookup(&pool, supervisor, "欧阳", 50).await.is_ok());
}
