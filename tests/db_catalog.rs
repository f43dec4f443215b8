//! Administrators change the catalogue: add, change (with a version check), retire — audited;
//! materials dropped from an item stay for the cases that recorded them.

mod common;

use common::op;

use onewindow::domain::catalogue::item_file::{self, MaterialDef};
use onewindow::store::StoreError;
use onewindow::store::cases::{self, ApplicantKind, Intake, IntakeOutcome};
use onewindow::store::catalogue::{self, PutOutcome};
use onewindow::store::seed;
use sqlx::PgPool;

async fn def(pool: &PgPool, code: &str) -> item_file::ItemDef {
    let mut conn = pool.acquire().await.unwrap();
    catalogue::item_def(&mut conn, code)
        .await
        .unwrap()
        .unwrap()
        .1
}

fn applicant(item_id: i64, provided: Vec<i64>) -> Intake {
    Intake {
        item_id,
        kind: ApplicantKind::Person,
        name: "张小三".into(),
        id_no: "11010519491231002X".into(),
        phone: "13800138000".into(),
        address: String::new(),
        first_inquiry: None,
        provided,
    }
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn an_admin_changes_an_item_and_past_cases_keep_their_materials(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let admin = op(&pool, "admin").await;
    let clerk = op(&pool, "clerk").await;
    let item_id: i64 = sqlx::query_scalar("select item_id from items where code = 'SCJG-001'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let all: Vec<i64> = catalogue::materials(&pool, item_id)
        .await
        .unwrap()
        .iter()
        .map(|m| m.material_id)
        .collect();
    let IntakeOutcome::Accepted { case_id, .. } =
        cases::intake(&pool, clerk, &applicant(item_id, all.clone()))
            .await
            .unwrap()
    else {
        panic!()
    };

    let before = def(&pool, "SCJG-001").await;
    // The file as shown reads back unchanged: nothing written.
    let shown = item_file::parse(&before.to_toml()).unwrap();
    assert_eq!(
        catalogue::put(&pool, admin, &shown).await.unwrap(),
        PutOutcome::Unchanged
    );

    // Only administrators change the catalogue.
    let e = catalogue::put(&pool, clerk, &shown).await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");

    let mut changed = shown.clone();
    changed.promised_days = 3;
    changed.needs_site_survey = true;
    let dropped = changed.material.remove(1);
    changed.material.push(MaterialDef {
        name_zh: "营业执照副本".into(),
        name_en: "Business licence copy".into(),
        form: "copy".into(),
        copies: 2,
        required: false,
    });
    let out = catalogue::put(&pool, admin, &changed).await.unwrap();
    let PutOutcome::Changed { fields, .. } = out else {
        panic!("{out:?}")
    };
    assert_eq!(
        fields,
        ["material", "needs_site_survey", "promised_days"],
        "sorted by name"
    );
    let after = def(&pool, "SCJG-001").await;
    assert_eq!(after.version, before.version.map(|v| v + 1));
    assert_eq!(after.material, changed.material);
    assert!(!after.is_instant());
    // The case accepted before still lists the dropped material.
    let d = cases::detail(&pool, clerk, case_id).await.unwrap();
    assert!(d.materials.iter().any(|(n, _)| *n == dropped.name_zh));

    // A second admin working from the old version is refused, nothing overwritten.
    let mut stale = shown.clone();
    stale.name_en = "Overwritten".into();
    let e = catalogue::put(&pool, admin, &stale).await.unwrap_err();
    assert!(matches!(e, StoreError::Stale(_)), "{e}");
    assert_ne!(def(&pool, "SCJG-001").await.name_en, "Overwritten");

    // A changed item without a version, and a new one with, are refused.
    let mut no_version = after.clone();
    no_version.version = None;
    let e = catalogue::put(&pool, admin, &no_version).await.unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::Invalid {
                field: "version",
                ..
            }
        ),
        "{e}"
    );
    let mut new = after.clone();
    new.code = "SCJG-900".into();
    let e = catalogue::put(&pool, admin, &new).await.unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::Invalid {
                field: "version",
                ..
            }
        ),
        "{e}"
    );
    new.version = None;
    new.department = "NOPE".into();
    let e = catalogue::put(&pool, admin, &new).await.unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::Invalid {
                field: "department",
                ..
            }
        ),
        "{e}"
    );
    new.department = "SCJG".into();
    assert!(matches!(
        catalogue::put(&pool, admin, &new).await.unwrap(),
        PutOutcome::Added { .. }
    ));
    assert_eq!(def(&pool, "SCJG-900").await.material, new.material);

    // Retired: it takes no new cases; the reason is in the audit trail.
    let e = catalogue::retire_by_code(&pool, admin, "SCJG-900", " ")
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
    catalogue::retire_by_code(&pool, admin, "SCJG-900", "并入 SCJG-001")
        .await
        .unwrap();
    let new_id: i64 = sqlx::query_scalar("select item_id from items where code = 'SCJG-900'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let e = cases::intake(&pool, clerk, &applicant(new_id, vec![]))
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid { field: "item", .. }),
        "{e}"
    );
    let actions: Vec<String> =
        sqlx::query_scalar("select action from audit_log where entity = 'item' order by audit_id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(actions, ["item.change", "item.add", "item.retire"]);
}
