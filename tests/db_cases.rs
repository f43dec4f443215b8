//! Intake, claims, instant decisions, queues and their permissions, against a real database.

mod common;

use common::op;

use onewindow::store::StoreError;
use onewindow::store::cases::{
    self, After, ApplicantKind, ClaimOutcome, Intake, IntakeOutcome, Queue, QueueFilter,
};
use onewindow::store::{catalogue, seed};
use sqlx::PgPool;

async fn item(pool: &PgPool, code: &str) -> (i64, Vec<i64>) {
    let id: i64 = sqlx::query_scalar("select item_id from items where code = $1")
        .bind(code)
        .fetch_one(pool)
        .await
        .unwrap();
    let m = catalogue::materials(pool, id).await.unwrap();
    (id, m.iter().map(|m| m.material_id).collect())
}

fn person(item_id: i64, provided: Vec<i64>) -> Intake {
    Intake {
        item_id,
        kind: ApplicantKind::Person,
        name: "张小三".into(),
        id_no: "11010519491231002x".into(),
        phone: "13800138000".into(),
        address: "城关镇人民路 1 号".into(),
        first_inquiry: None,
        provided,
    }
}

async fn seeded(pool: &PgPool) {
    seed::seed(pool, 42, 0).await.unwrap();
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn catalogue_has_sixty_items_a_third_instant(pool: PgPool) {
    seeded(&pool).await;
    let all = catalogue::list(&pool, &catalogue::ItemFilter::default())
        .await
        .unwrap();
    assert!(all.len() >= 60, "{}", all.len());
    let instant = all.iter().filter(|i| i.is_instant).count();
    assert!(
        instant * 3 >= all.len() && instant * 2 <= all.len(),
        "{instant} of {}",
        all.len()
    );
    let found = catalogue::list(
        &pool,
        &catalogue::ItemFilter {
            text: Some("食品".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].code, "SCJG-005");
    let pct = catalogue::list(
        &pool,
        &catalogue::ItemFilter {
            text: Some("%".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(pct.is_empty(), "a typed % is a literal character");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn complete_materials_accept_missing_ones_give_a_correction_notice(pool: PgPool) {
    seeded(&pool).await;
    let clerk = op(&pool, "clerk").await;
    let (id, materials) = item(&pool, "SCJG-001").await;
    let out = cases::intake(&pool, clerk, &person(id, materials.clone()))
        .await
        .unwrap();
    let IntakeOutcome::Accepted { case_no, .. } = out else {
        panic!("{out:?}")
    };
    assert!(case_no.ends_with("-SCJG-00001"), "{case_no}");
    assert_eq!(case_no.len(), "20261126-SCJG-00001".len());

    let out = cases::intake(&pool, clerk, &person(id, materials[..2].to_vec()))
        .await
        .unwrap();
    let IntakeOutcome::Correction {
        missing, case_no, ..
    } = out
    else {
        panic!("{out:?}")
    };
    assert_eq!(missing, ["公司章程", "住所使用证明"]);
    assert!(case_no.ends_with("-00002"), "{case_no}");
    let actions: Vec<String> =
        sqlx::query_scalar("select action from audit_log where entity = 'case' order by audit_id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(actions, ["case.accept", "case.correction"]);
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn bad_applicant_data_is_refused_and_nothing_is_saved(pool: PgPool) {
    seeded(&pool).await;
    let clerk = op(&pool, "clerk").await;
    let (id, materials) = item(&pool, "SCJG-001").await;
    let mut bad = person(id, materials.clone());
    bad.id_no = "110105194912310021".into();
    let e = cases::intake(&pool, clerk, &bad).await.unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid { field: "id_no", .. }),
        "{e}"
    );
    let mut bad = person(id, materials);
    bad.phone = "12345".into();
    let e = cases::intake(&pool, clerk, &bad).await.unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid { field: "phone", .. }),
        "{e}"
    );
    let n: i64 = sqlx::query_scalar("select count(*) from cases")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_retired_item_takes_no_new_cases(pool: PgPool) {
    seeded(&pool).await;
    let (id, materials) = item(&pool, "SCJG-001").await;
    let admin = op(&pool, "admin").await;
    let clerk = op(&pool, "clerk").await;
    let e = catalogue::retire(&pool, clerk, id, 1).await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    catalogue::retire(&pool, admin, id, 1).await.unwrap();
    let e = catalogue::retire(&pool, admin, id, 1).await.unwrap_err();
    assert!(matches!(e, StoreError::Stale(_)), "{e}");
    let e = cases::intake(&pool, clerk, &person(id, materials))
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid { field: "item", .. }),
        "{e}"
    );
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn concurrent_intake_never_repeats_a_case_number(pool: PgPool) {
    seeded(&pool).await;
    let clerk = op(&pool, "clerk").await;
    let (id, materials) = item(&pool, "SCJG-001").await;
    let mut handles = vec![];
    for _ in 0..24 {
        let (p, m) = (pool.clone(), materials.clone());
        handles.push(tokio::spawn(async move {
            cases::intake(&p, clerk, &person(id, m)).await.unwrap()
        }));
    }
    let mut numbers = vec![];
    for h in handles {
        if let IntakeOutcome::Accepted { case_no, .. } = h.await.unwrap() {
            numbers.push(case_no);
        }
    }
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 24);
    assert!(numbers.last().unwrap().ends_with("-00024"));
}

async fn accepted_case(pool: &PgPool, item_code: &str) -> i64 {
    let clerk = op(pool, "clerk").await;
    let (id, materials) = item(pool, item_code).await;
    match cases::intake(pool, clerk, &person(id, materials))
        .await
        .unwrap()
    {
        IntakeOutcome::Accepted { case_id, .. } => case_id,
        other => panic!("{other:?}"),
    }
}

async fn version(pool: &PgPool, case_id: i64) -> i32 {
    sqlx::query_scalar("select version from cases where case_id = $1")
        .bind(case_id)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn exactly_one_of_many_claimers_wins(pool: PgPool) {
    seeded(&pool).await;
    // Every SCJG operator who works cases tries at once, three times over.
    let claimers: Vec<i64> = sqlx::query_scalar(
        "select operator_id from operators o join departments d using (department_id)
         where d.code = 'SCJG' and roles && array['window_clerk','reviewer','chief_rep']",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(claimers.len() >= 3, "{claimers:?}");
    for _round in 0..3 {
        let case_id = accepted_case(&pool, "SCJG-001").await;
        let mut handles = vec![];
        for c in claimers.iter().cycle().take(32) {
            let (p, c) = (pool.clone(), *c);
            handles.push(tokio::spawn(async move {
                cases::claim(&p, c, case_id).await.unwrap()
            }));
        }
        let mut wins = 0;
        for h in handles {
            if h.await.unwrap() == ClaimOutcome::Claimed {
                wins += 1;
            }
        }
        assert_eq!(wins, 1);
        let claims: i64 = sqlx::query_scalar(
            "select count(*) from audit_log where action = 'case.claim' and entity_id = $1",
        )
        .bind(case_id.to_string())
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(claims, 1);
    }
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn claim_release_reassign_and_stale_versions(pool: PgPool) {
    seeded(&pool).await;
    let case_id = accepted_case(&pool, "SCJG-001").await;
    let clerk = op(&pool, "clerk").await;
    let chief = op(&pool, "chief").await;
    let reviewer_elsewhere = op(&pool, "reviewer").await; // 自然资源局
    let e = cases::claim(&pool, reviewer_elsewhere, case_id)
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Forbidden(_)),
        "another department: {e}"
    );

    assert_eq!(
        cases::claim(&pool, clerk, case_id).await.unwrap(),
        ClaimOutcome::Claimed
    );
    assert_eq!(
        cases::claim(&pool, chief, case_id).await.unwrap(),
        ClaimOutcome::Taken
    );
    let v = version(&pool, case_id).await;
    // A stale view: the version the operator saw before the claim.
    let e = cases::release(&pool, clerk, case_id, v - 1)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Stale(_)), "{e}");
    let e = cases::release(&pool, chief, case_id, v).await.unwrap_err();
    assert!(
        matches!(e, StoreError::Stale(_)),
        "only the holder releases: {e}"
    );
    cases::release(&pool, clerk, case_id, v).await.unwrap();

    let v = version(&pool, case_id).await;
    let e = cases::reassign(&pool, clerk, case_id, v, chief)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    cases::reassign(&pool, chief, case_id, v, clerk)
        .await
        .unwrap();
    let holder: Option<i64> = sqlx::query_scalar("select claimed_by from cases where case_id = $1")
        .bind(case_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(holder, Some(clerk));
    let e = cases::reassign(&pool, chief, case_id, v, reviewer_elsewhere)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid { field: "to", .. }), "{e}");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn chief_decides_instant_items_only(pool: PgPool) {
    seeded(&pool).await;
    let chief = op(&pool, "chief").await;
    let clerk = op(&pool, "clerk").await;
    let admin = op(&pool, "admin").await;
    let instant = accepted_case(&pool, "SCJG-001").await;
    let promised = accepted_case(&pool, "SCJG-005").await; // 食品经营许可: site survey
    let v = version(&pool, instant).await;
    for who in [clerk, admin] {
        let e = cases::decide_instant(&pool, who, instant, v, true, "")
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    }
    let e = cases::decide_instant(&pool, chief, instant, v, false, " ")
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
    let e = cases::decide_instant(&pool, chief, instant, v - 1, true, "")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Stale(_)), "{e}");
    cases::decide_instant(&pool, chief, instant, v, true, "")
        .await
        .unwrap();
    let status: String = sqlx::query_scalar("select status::text from cases where case_id = $1")
        .bind(instant)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "approved");
    let vp = version(&pool, promised).await;
    let e = cases::decide_instant(&pool, chief, promised, vp, true, "")
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid { field: "item", .. }),
        "{e}"
    );
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn queues_page_by_keyset_and_respect_roles(pool: PgPool) {
    seed::seed(&pool, 42, 3000).await.unwrap();
    let clerk = op(&pool, "clerk").await;
    let supervisor = op(&pool, "supervisor").await;
    let admin = op(&pool, "admin").await;
    let f = QueueFilter::default();

    // Page through the whole department queue: no row twice, none missing, in order.
    let mut seen = vec![];
    let mut after: Option<After> = None;
    loop {
        let page = cases::queue(&pool, clerk, Queue::Department, &f, after, 50)
            .await
            .unwrap();
        if page.is_empty() {
            break;
        }
        let last = page.last().unwrap();
        after = Some(last.next_page_after(Queue::Department));
        seen.extend(page.into_iter().map(|r| {
            (
                r.due_date.unwrap_or(cases::NO_DUE_DATE),
                r.case_id,
                r.department_code,
            )
        }));
    }
    let expected: i64 = sqlx::query_scalar(
        "select count(*) from cases c join departments d using (department_id)
         where d.code = 'SCJG' and status in ('accepted', 'correction') and claimed_by is null",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(expected > 50, "{expected}");
    assert_eq!(seen.len() as i64, expected);
    assert!(seen.windows(2).all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1)));
    assert!(seen.iter().all(|r| r.2 == "SCJG"));

    // Only supervisors see every department.
    let e = cases::queue(&pool, clerk, Queue::AllOpen, &f, None, 50)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    let all = cases::queue(&pool, supervisor, Queue::AllOpen, &f, None, 500)
        .await
        .unwrap();
    assert!(
        all.iter()
            .map(|r| &r.department_code)
            .collect::<std::collections::HashSet<_>>()
            .len()
            > 5
    );
    let e = cases::queue(&pool, admin, Queue::Department, &f, None, 50)
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Forbidden(_)),
        "admins manage, they do not work cases: {e}"
    );

    // The server-side filter.
    let by_text = QueueFilter {
        text: Some("食品".into()),
        ..Default::default()
    };
    let rows = cases::queue(&pool, clerk, Queue::Department, &by_text, None, 500)
        .await
        .unwrap();
    assert!(!rows.is_empty() && rows.iter().all(|r| r.item_zh.contains("食品")));
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn the_case_view_shows_materials_and_timeline_to_its_department(pool: PgPool) {
    seeded(&pool).await;
    let clerk = op(&pool, "clerk").await;
    let (id, materials) = item(&pool, "SCJG-001").await;
    let IntakeOutcome::Correction { case_id, .. } =
        cases::intake(&pool, clerk, &person(id, materials[..2].to_vec()))
            .await
            .unwrap()
    else {
        panic!("expected a correction notice")
    };
    let d = cases::detail(&pool, clerk, case_id).await.unwrap();
    assert_eq!(
        d.row.applicant_name, "张小三",
        "the case view is not masked"
    );
    assert_eq!(
        d.materials,
        [
            ("申请书".to_string(), true),
            ("申请人身份证明".to_string(), true),
            ("公司章程".to_string(), false),
            ("住所使用证明".to_string(), false)
        ]
    );
    assert_eq!(d.timeline.len(), 1);
    assert_eq!(d.timeline[0].action, "case.correction");
    assert_eq!(d.timeline[0].operator_name.as_deref(), Some("张伟"));
    assert_eq!(d.correction_note.as_deref(), Some("公司章程；住所使用证明"));
    // Another department may not look; a supervisor may.
    let e = cases::detail(&pool, op(&pool, "reviewer").await, case_id)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    assert!(
        cases::detail(&pool, op(&pool, "supervisor").await, case_id)
            .await
            .is_ok()
    );
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn done_recently_is_newest_first_and_pages(pool: PgPool) {
    seed::seed(&pool, 42, 3000).await.unwrap();
    let supervisor = op(&pool, "supervisor").await;
    let f = QueueFilter::default();
    let mut seen = vec![];
    let mut after = None;
    loop {
        let page = cases::queue(&pool, supervisor, Queue::DoneRecently, &f, after, 100)
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.next_page_after(Queue::DoneRecently));
        seen.extend(page.into_iter().map(|r| (r.decided_at.unwrap(), r.case_id)));
    }
    let expected: i64 = sqlx::query_scalar(
        "select count(*) from cases where decided_at > now() - interval '7 days'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(expected > 100, "{expected}");
    assert_eq!(seen.len() as i64, expected);
    assert!(
        seen.windows(2).all(|w| w[0] > w[1]),
        "newest first, no repeats"
    );
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn reassign_by_code_names_an_unknown_code(pool: PgPool) {
    seeded(&pool).await;
    let case_id = accepted_case(&pool, "SCJG-001").await;
    let chief = op(&pool, "chief").await;
    let v = version(&pool, case_id).await;
    let e = cases::reassign_to_code(&pool, chief, case_id, v, "nobody")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid { field: "to", .. }), "{e}");
    cases::reassign_to_code(&pool, chief, case_id, v, " CLERK ")
        .await
        .unwrap();
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn the_first_inquiry_operator_is_recorded_by_code(pool: PgPool) {
    seeded(&pool).await;
    let clerk = op(&pool, "clerk").await;
    let chief = op(&pool, "chief").await;
    let (id, materials) = item(&pool, "SCJG-001").await;
    let mut i = person(id, materials);
    i.first_inquiry = Some("nobody".into());
    let e = cases::intake(&pool, clerk, &i).await.unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::Invalid {
                field: "first_inquiry",
                ..
            }
        ),
        "{e}"
    );
    let none: i64 = sqlx::query_scalar("select count(*) from cases")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(none, 0, "nothing saved");
    i.first_inquiry = Some("CHIEF".into());
    let IntakeOutcome::Accepted { case_id, .. } = cases::intake(&pool, clerk, &i).await.unwrap()
    else {
        panic!()
    };
    let (received, first): (i64, i64) =
        sqlx::query_as("select received_by, first_inquiry_by from cases where case_id = $1")
            .bind(case_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((received, first), (clerk, chief));
    let d = cases::detail(&pool, clerk, case_id).await.unwrap();
    assert_ne!(d.first_inquiry_name, d.received_by_name);
    // Empty means the receiving operator.
    i.first_inquiry = None;
    let IntakeOutcome::Accepted { case_id, .. } = cases::intake(&pool, clerk, &i).await.unwrap()
    else {
        panic!()
    };
    let d = cases::detail(&pool, clerk, case_id).await.unwrap();
    assert_eq!(d.first_inquiry_name, d.received_by_name);
}
