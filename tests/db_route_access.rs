//! Issue 14.9 and 14.10 against a real database and through the real binary: who reads a route
//! (supervisors, and the departments on it) and who claims and decides a review branch
//! (reviewers and chief representatives of the branch's department), role by role; the database
//! refuses a window clerk as claimant or decider even when the store is bypassed.

mod common;

use common::{app_url, bin, op};
use onewindow::domain::accounts::permission::Permission;
use onewindow::domain::routing::Verdict;
use onewindow::store::cases::IntakeOutcome;
use onewindow::store::routing::view;
use onewindow::store::{StoreError, routing, seed};
use sqlx::PgPool;

/// A routed case (SCJG-005 fans out to HBJ, SCJG and WJW), received by `clerk` of SCJG.
async fn routed_case(pool: &PgPool) -> (i64, String) {
    seed::seed(pool, 1, 0).await.unwrap();
    let clerk = op(pool, "clerk").await;
    match common::accept_item(pool, clerk, "SCJG-005").await {
        IntakeOutcome::Accepted {
            case_id, case_no, ..
        } => (case_id, case_no),
        other => panic!("{other:?}"),
    }
}

async fn branch_of(pool: &PgPool, case_id: i64, dept: &str) -> i64 {
    sqlx::query_scalar(
        "select b.branch_id from case_branches b join departments d using (department_id)
         where b.case_id = $1 and d.code = $2",
    )
    .bind(case_id)
    .bind(dept)
    .fetch_one(pool)
    .await
    .unwrap()
}

fn forbidden(e: &StoreError, p: Permission) -> bool {
    matches!(e, StoreError::Forbidden(q) if *q == p)
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_route_is_read_by_supervisors_and_the_departments_on_it(pool: PgPool) {
    let (case_id, _) = routed_case(&pool).await;
    // On the route: the receiving department's clerk and chief; every supervisor.
    for code in ["clerk", "chief", "supervisor"] {
        let v = view::route(&pool, op(&pool, code).await, case_id).await;
        assert!(v.is_ok(), "{code}: {:?}", v.err());
    }
    // A reviewer of 自然资源局, not on this route; a cashier; an administrator.
    for code in ["reviewer", "cashier", "admin"] {
        let e = view::route(&pool, op(&pool, code).await, case_id)
            .await
            .unwrap_err();
        assert!(forbidden(&e, Permission::ReadRoute), "{code}: {e}");
    }
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_window_clerk_cannot_claim_or_decide_a_review_branch(pool: PgPool) {
    let (case_id, _) = routed_case(&pool).await;
    let branch = branch_of(&pool, case_id, "SCJG").await;
    let clerk = op(&pool, "clerk").await;
    let e = routing::claim_branch(&pool, clerk, branch)
        .await
        .unwrap_err();
    assert!(forbidden(&e, Permission::DecideBranch), "{e}");
    let e = routing::decide_branch(&pool, clerk, branch, Verdict::Agree, "")
        .await
        .unwrap_err();
    assert!(forbidden(&e, Permission::DecideBranch), "{e}");
    // The clerk's queue holds no review branches to claim.
    let q = view::queue(&pool, clerk).await.unwrap();
    assert!(q.iter().all(|r| r.branch_id.is_none()), "{q:?}");
    // The department's chief representative claims and decides it.
    let chief = op(&pool, "chief").await;
    assert!(routing::claim_branch(&pool, chief, branch).await.unwrap());
    routing::decide_branch(&pool, chief, branch, Verdict::Agree, "同意")
        .await
        .unwrap();
    let (state, decided_by): (String, Option<i64>) =
        sqlx::query_as("select state, decided_by from case_branches where branch_id = $1")
            .bind(branch)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((state.as_str(), decided_by), ("agreed", Some(chief)));
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn the_database_refuses_a_clerk_as_claimant_or_decider(pool: PgPool) {
    let (case_id, _) = routed_case(&pool).await;
    let branch = branch_of(&pool, case_id, "SCJG").await;
    let clerk = op(&pool, "clerk").await;
    for (column, sql) in [
        (
            "claimed_by",
            "update case_branches set claimed_by = $2 where branch_id = $1",
        ),
        (
            "decided_by",
            "update case_branches set decided_by = $2 where branch_id = $1",
        ),
    ] {
        let e = sqlx::query(sql)
            .bind(branch)
            .bind(clerk)
            .execute(&pool)
            .await
            .unwrap_err();
        let db = e.as_database_error().expect("a database refusal");
        assert_eq!(db.code().as_deref(), Some("42501"), "{column}: {db}");
        assert_eq!(db.constraint(), Some("case_branches_decider"));
    }
    // A reviewer of another department is refused too.
    let hbj_branch = branch_of(&pool, case_id, "HBJ").await;
    let e = sqlx::query("update case_branches set claimed_by = $2 where branch_id = $1")
        .bind(hbj_branch)
        .bind(op(&pool, "chief").await)
        .execute(&pool)
        .await
        .unwrap_err();
    assert!(e.as_database_error().is_some(), "{e}");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn route_show_works_for_a_supervisor_and_refuses_an_uninvolved_reviewer(pool: PgPool) {
    let (_, case_no) = routed_case(&pool).await;
    let url = app_url(&pool).await;
    let home = tempfile::tempdir().unwrap();
    let run = |who: &str| {
        bin(home.path())
            .args(["route", "show", &case_no])
            .env("DATABASE_URL", &url)
            .env("ONEWINDOW_OPERATOR", who)
            .env("ONEWINDOW_PASSWORD", "demo1234")
            .output()
            .unwrap()
    };
    let out = run("supervisor");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains(&case_no) && text.contains("stage 1"),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run("reviewer");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not permitted"), "{err}");
}
