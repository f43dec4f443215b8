//! Suspensions stop the clock and extensions add to it: the due date moves by exactly the
//! working days, role by role, audited, version-checked.

mod common;

use common::op;

use chrono::NaiveDate;
use onewindow::store::StoreError;
use onewindow::store::cases::{self, IntakeOutcome};
use onewindow::store::time::calendar;
use onewindow::store::{seed, time::limits as time_limits, time::supervision};
use sqlx::PgPool;

async fn version(pool: &PgPool, case_id: i64) -> i32 {
    sqlx::query_scalar("select version from cases where case_id = $1")
        .bind(case_id)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn due(pool: &PgPool, case_id: i64) -> NaiveDate {
    sqlx::query_scalar("select due_date from cases where case_id = $1")
        .bind(case_id)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// A case of the clerk's department, accepted now and claimed by the clerk.
async fn accepted_case(pool: &PgPool, clerk: i64) -> i64 {
    let out = common::accept_item(pool, clerk, "SCJG-002").await;
    let IntakeOutcome::Accepted { case_id, .. } = out else {
        panic!("{out:?}")
    };
    cases::claim(pool, clerk, case_id).await.unwrap();
    case_id
}

/// Moves the start of the open suspension back to `day` (as superuser: times are the
/// database's, so a test needs the trigger-free path to make a suspension that lasted days).
async fn started_on(pool: &PgPool, case_id: i64, day: NaiveDate) {
    let mut tx = pool.begin().await.unwrap();
    for sql in [
        "alter table case_suspensions disable trigger case_suspensions_refuse_backdating",
        "update case_suspensions set started_at = $2::date::timestamptz
         where case_id = $1 and ended_at is null",
        "alter table case_suspensions enable trigger case_suspensions_refuse_backdating",
    ] {
        let q = sqlx::query(sql);
        let q = if sql.contains("$1") {
            q.bind(case_id).bind(day)
        } else {
            q
        };
        q.execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    // Without lifting the trigger, the same change is refused.
    let e = sqlx::query("update case_suspensions set started_at = started_at - interval '1 day'")
        .execute(pool)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("stamped by the database"), "{e}");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_suspension_moves_the_due_date_by_the_working_days_it_lasted(pool: PgPool) {
    seed::seed(&pool, 1, 0).await.unwrap();
    let clerk = op(&pool, "clerk").await;
    let other = op(&pool, "reviewer").await;
    let case_id = accepted_case(&pool, clerk).await;
    let before = due(&pool, case_id).await;

    // A reason is required; only the holder or the department's chief representative.
    let v = version(&pool, case_id).await;
    let e = time_limits::suspend(&pool, clerk, case_id, v, "testing", " ")
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
    let e = time_limits::suspend(&pool, clerk, case_id, v, "lunch", "x")
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid { field: "kind", .. }),
        "{e}"
    );
    let e = time_limits::suspend(&pool, other, case_id, v, "testing", "送检")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    time_limits::suspend(&pool, clerk, case_id, v, "testing", "样品送省质检院检验")
        .await
        .unwrap();
    // A stale view is refused.
    let e = time_limits::resume(&pool, clerk, case_id, v)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Stale(_)), "{e}");

    // No card while the clock stands still.
    sqlx::query("update cases set due_date = date '2000-01-03' where case_id = $1")
        .bind(case_id)
        .execute(&pool)
        .await
        .unwrap();
    supervision::run(&pool, Default::default()).await.unwrap();
    let cards: i64 =
        sqlx::query_scalar("select count(*) from supervision_cards where case_id = $1")
            .bind(case_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(cards, 0);
    let d = cases::detail(&pool, clerk, case_id).await.unwrap();
    assert!(d.row.suspended && d.row.remaining.is_none());
    assert_eq!(d.suspension.as_ref().unwrap().0, "testing");

    // Suspended since 10 calendar days ago: the due date moves by the working days between.
    let mut conn = pool.acquire().await.unwrap();
    let today = calendar::today(&mut conn).await.unwrap();
    let cal = calendar::load(&mut conn).await.unwrap();
    let start = today - chrono::Days::new(10);
    started_on(&pool, case_id, start).await;
    let v = version(&pool, case_id).await;
    let after = time_limits::resume(&pool, clerk, case_id, v).await.unwrap();
    let stood_still = cal.working_days_between(start, today);
    assert!(stood_still >= 6, "{stood_still}");
    let limit: i32 = sqlx::query_scalar("select limit_days from cases where case_id = $1")
        .bind(case_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    let accepted = today; // accepted in this test, today
    assert_eq!(
        after,
        cal.add_working_days(accepted, (limit as i64 + stood_still) as u32)
            .date
    );
    assert!(after > before);
    let (suspended_days, suspended): (i32, bool) =
        sqlx::query_as("select suspended_days, suspended from cases where case_id = $1")
            .bind(case_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((suspended_days as i64, suspended), (stood_still, false));
    let v = version(&pool, case_id).await;
    let e = time_limits::resume(&pool, clerk, case_id, v)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    let actions: Vec<String> = sqlx::query_scalar(
        "select action from audit_log where entity = 'case' and entity_id = $1 order by audit_id",
    )
    .bind(case_id.to_string())
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        ["case.accept", "case.claim", "case.suspend", "case.resume"]
    );
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn one_extension_by_a_chief_representative_with_a_reason(pool: PgPool) {
    seed::seed(&pool, 1, 0).await.unwrap();
    let clerk = op(&pool, "clerk").await;
    let chief = op(&pool, "chief").await;
    let case_id = accepted_case(&pool, clerk).await;
    let before = due(&pool, case_id).await;
    let v = version(&pool, case_id).await;
    let e = time_limits::extend(&pool, clerk, case_id, v, 5, "复杂")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    let e = time_limits::extend(&pool, chief, case_id, v, 0, "复杂")
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid { field: "days", .. }),
        "{e}"
    );
    let e = time_limits::extend(&pool, chief, case_id, v, 5, "")
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
    let after = time_limits::extend(&pool, chief, case_id, v, 5, "需组织专家论证")
        .await
        .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let cal = calendar::load(&mut conn).await.unwrap();
    assert_eq!(after, cal.add_working_days(before, 5).date);
    assert_eq!(due(&pool, case_id).await, after);
    // Once only.
    let v = version(&pool, case_id).await;
    let e = time_limits::extend(&pool, chief, case_id, v, 2, "再延")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    // The applicant's notice is recorded with the extension.
    let notice: String = sqlx::query_scalar(
        "select detail->>'applicant_notice' from audit_log where action = 'case.extend'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(
        notice.contains("延长 5 个工作日") && notice.contains(&after.to_string()),
        "{notice}"
    );
    let d = cases::detail(&pool, clerk, case_id).await.unwrap();
    assert_eq!(d.extension, Some((5, "需组织专家论证".into())));
    assert_eq!(d.row.extension_days, 5);
}
