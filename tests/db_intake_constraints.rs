//! The intake form's checks and the database's constraints agree (issue 14.2): every CHECK on the
//! tables intake writes is either guarded by a field check (and mapped to its field in
//! `store::constraints`) or is about state no form writes; a refusal becomes "this field".

mod common;

use onewindow::store::StoreError;
use onewindow::store::cases::{self, ApplicantKind, Intake};
use onewindow::store::constraints;
use sqlx::PgPool;

/// CHECK constraints no form input can break: they tie a case's status to its own columns,
/// written by the store.
const STATE_CHECKS: &[&str] = &[
    "cases_check",
    "cases_check1",
    "cases_check2",
    "cases_check3",
    // 0011: an extension has its days, reason and who granted it together.
    "cases_check4",
    "cases_check5",
    "cases_limit_days_check",
    "cases_suspended_days_check",
    "cases_extension_days_check",
];

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn every_check_on_what_intake_writes_is_mapped_to_a_field(pool: PgPool) {
    let checks: Vec<String> = sqlx::query_scalar(
        "select conname::text from pg_constraint
         where contype = 'c' and conrelid in ('cases'::regclass, 'case_materials'::regclass)
         order by conname",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let unmapped: Vec<&String> = checks
        .iter()
        .filter(|c| constraints::field_of(c).is_none() && !STATE_CHECKS.contains(&c.as_str()))
        .collect();
    assert!(
        unmapped.is_empty(),
        "CHECKs on what intake writes with no field check (add them to store::constraints and \
         the form): {unmapped:?}"
    );
    for (c, _) in constraints::FIELDS {
        assert!(
            checks.iter().any(|x| x == c),
            "{c} is no constraint of the database"
        );
    }
}

fn intake(item_id: i64, name: &str) -> Intake {
    Intake {
        item_id,
        kind: ApplicantKind::Person,
        name: name.into(),
        id_no: "11010519491231002X".into(),
        phone: "13800138000".into(),
        address: String::new(),
        first_inquiry: None,
        provided: vec![],
    }
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_long_name_is_refused_naming_the_field_and_nothing_is_saved(pool: PgPool) {
    onewindow::store::seed::seed(&pool, 42, 0).await.unwrap();
    let clerk = common::op(&pool, "clerk").await;
    let item_id: i64 = sqlx::query_scalar("select item_id from items where code = 'SCJG-001'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let e = cases::intake(&pool, clerk, &intake(item_id, &"张".repeat(101)))
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid { field: "name", .. }),
        "{e}"
    );
    let n: i64 = sqlx::query_scalar("select count(*) from cases")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
    // 100 characters is what the column takes.
    cases::intake(&pool, clerk, &intake(item_id, &"张".repeat(100)))
        .await
        .unwrap();

    // The database's own refusal, mapped in the one place: the field, not SQL text.
    let db = sqlx::query("update cases set applicant_name = repeat('x', 101)")
        .execute(&pool)
        .await
        .unwrap_err();
    match constraints::refine(StoreError::Db(db)) {
        StoreError::Invalid { field, reason } => {
            assert_eq!(field, "name");
            assert!(!reason.contains("violates"), "{reason}");
        }
        other => panic!("{other}"),
    }
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn digits_in_a_persons_name_are_refused_by_the_store_and_the_database(pool: PgPool) {
    // Found trying intake in tmux: an ID number typed into Name was saved as the name.
    onewindow::store::seed::seed(&pool, 42, 0).await.unwrap();
    let clerk = common::op(&pool, "clerk").await;
    let item_id: i64 = sqlx::query_scalar("select item_id from items where code = 'SCJG-001'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let e = cases::intake(&pool, clerk, &intake(item_id, "11010519491231002张小三"))
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid { field: "name", .. }),
        "{e}"
    );
    cases::intake(&pool, clerk, &intake(item_id, "张小三"))
        .await
        .unwrap();
    let db =
        sqlx::query("update cases set applicant_name = '张小三3' where applicant_kind = 'person'")
            .execute(&pool)
            .await
            .unwrap_err();
    match constraints::refine(StoreError::Db(db)) {
        StoreError::Invalid { field, .. } => assert_eq!(field, "name"),
        other => panic!("{other}"),
    }
}
