//! Parallel approval against a real database: fan-out, the join (exactly once under
//! concurrency), the lead decision, disagreement, correction with the clock stopped,
//! withdrawal, delivery, two stages, deemed consent and template versions.

mod common;

use common::op;

use onewindow::domain::routing::{LeadVerdict, Next, RouteState, Verdict};
use onewindow::store::cases::IntakeOutcome;
use onewindow::store::routing::view::{self, TemplateDef};
use onewindow::store::{StoreError, routing, seed};
use sqlx::PgPool;

/// A reviewer (or chief representative) of a department, by its code: who decides its branches.
async fn worker(pool: &PgPool, dept: &str) -> i64 {
    sqlx::query_scalar(
        "select o.operator_id from operators o join departments d using (department_id)
         where d.code = $1 and o.active
           and o.roles && array['reviewer', 'chief_rep']
         order by o.operator_id limit 1",
    )
    .bind(dept)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn accept(pool: &PgPool, item: &str) -> i64 {
    let clerk = op(pool, "clerk").await;
    match common::accept_item(pool, clerk, item).await {
        IntakeOutcome::Accepted { case_id, .. } => case_id,
        other => panic!("{other:?}"),
    }
}

async fn branches(pool: &PgPool, case_id: i64) -> Vec<(i64, i32, String, String)> {
    sqlx::query_as(
        "select b.branch_id, b.stage, d.code, b.state from case_branches b
         join departments d using (department_id) where b.case_id = $1 order by b.stage, d.code",
    )
    .bind(case_id)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn branch_of(pool: &PgPool, case_id: i64, dept: &str) -> i64 {
    branches(pool, case_id)
        .await
        .into_iter()
        .rev()
        .find(|b| b.2 == dept)
        .unwrap()
        .0
}

async fn joins(pool: &PgPool, case_id: i64) -> i64 {
    sqlx::query_scalar(
        "select count(*) from audit_log where action = 'route.join' and entity_id = $1",
    )
    .bind(case_id.to_string())
    .fetch_one(pool)
    .await
    .unwrap()
}

fn disagree(reason: &str) -> Verdict {
    Verdict::Disagree {
        reason: reason.into(),
    }
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn three_departments_review_in_parallel_join_once_and_the_lead_decides(pool: PgPool) {
    seed::seed(&pool, 1, 0).await.unwrap();
    let case_id = accept(&pool, "SCJG-005").await;
    let b = branches(&pool, case_id).await;
    let depts: Vec<&str> = b.iter().map(|b| b.2.as_str()).collect();
    assert_eq!(depts, ["HBJ", "SCJG", "WJW"], "fan-out to the first stage");
    assert!(b.iter().all(|b| b.3 == "open"));
    // Each department sees its own branch in its review queue.
    let hbj = worker(&pool, "HBJ").await;
    let q = view::queue(&pool, hbj).await.unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].case_id, case_id);

    // Another department's reviewer cannot decide HBJ's branch.
    let wjw = worker(&pool, "WJW").await;
    let e = routing::decide_branch(
        &pool,
        wjw,
        branch_of(&pool, case_id, "HBJ").await,
        Verdict::Agree,
        "",
    )
    .await
    .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    assert!(
        routing::claim_branch(&pool, hbj, branch_of(&pool, case_id, "HBJ").await)
            .await
            .unwrap()
    );

    let chief = op(&pool, "chief").await;
    let d = routing::decide_branch(
        &pool,
        chief,
        branch_of(&pool, case_id, "SCJG").await,
        Verdict::Agree,
        "符合条件",
    )
    .await
    .unwrap();
    assert_eq!(d.next, Next::Wait);
    // The last two decide at the same moment: one of them joins.
    let (a, b2) = tokio::join!(
        routing::decide_branch(
            &pool,
            hbj,
            branch_of(&pool, case_id, "HBJ").await,
            Verdict::Agree,
            "环评已备案"
        ),
        routing::decide_branch(
            &pool,
            wjw,
            branch_of(&pool, case_id, "WJW").await,
            Verdict::Agree,
            ""
        )
    );
    let nexts = [a.unwrap().next, b2.unwrap().next];
    assert_eq!(
        nexts
            .iter()
            .filter(|n| **n == Next::Lead { disagreed: false })
            .count(),
        1,
        "{nexts:?}"
    );
    assert_eq!(joins(&pool, case_id).await, 1);
    // The lead decision waits in the queue of those who may take it, not of a plain reviewer.
    let lead_rows = |q: Vec<view::BranchRow>| {
        q.iter()
            .filter(|r| r.case_id == case_id && r.state == "lead")
            .count()
    };
    assert_eq!(lead_rows(view::queue(&pool, chief).await.unwrap()), 1);
    let plain: i64 = sqlx::query_scalar(
        "select o.operator_id from operators o join departments d using (department_id)
         where d.code = 'SCJG' and o.roles = '{reviewer}' limit 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(lead_rows(view::queue(&pool, plain).await.unwrap()), 0);
    // Deciding twice is refused.
    let e = routing::decide_branch(
        &pool,
        wjw,
        branch_of(&pool, case_id, "WJW").await,
        Verdict::Agree,
        "",
    )
    .await
    .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");

    // The lead department decides: a chief representative of SCJG, with a document number.
    let e = routing::lead_decide(
        &pool,
        hbj,
        case_id,
        LeadVerdict::Approve {
            document_no: "x".into(),
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    let e = routing::lead_decide(
        &pool,
        chief,
        case_id,
        LeadVerdict::Approve {
            document_no: " ".into(),
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(e, StoreError::Invalid { .. }), "{e}");
    routing::lead_decide(
        &pool,
        chief,
        case_id,
        LeadVerdict::Approve {
            document_no: "食经许〔2026〕0031号".into(),
        },
    )
    .await
    .unwrap();
    let status: String = sqlx::query_scalar("select status::text from cases where case_id = $1")
        .bind(case_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "approved");
    let clerk = op(&pool, "clerk").await;
    routing::deliver(&pool, clerk, case_id, false)
        .await
        .unwrap();
    let view = view::route(&pool, chief, case_id).await.unwrap();
    assert_eq!(view.state, "delivered");
    assert_eq!(view.branches.len(), 3);
    assert_eq!(
        view.result_document_no.as_deref(),
        Some("食经许〔2026〕0031号")
    );
    let e = routing::withdraw(&pool, clerk, case_id, "不办了")
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Conflict(_)),
        "a closed case is not withdrawn: {e}"
    );
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_disagreement_goes_to_the_lead_who_may_approve_anyway_with_responsibility(pool: PgPool) {
    seed::seed(&pool, 1, 0).await.unwrap();
    let case_id = accept(&pool, "SCJG-005").await;
    let chief = op(&pool, "chief").await;
    let hbj = worker(&pool, "HBJ").await;
    let wjw = worker(&pool, "WJW").await;
    let e = routing::decide_branch(
        &pool,
        hbj,
        branch_of(&pool, case_id, "HBJ").await,
        disagree(" "),
        "",
    )
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
    routing::decide_branch(
        &pool,
        hbj,
        branch_of(&pool, case_id, "HBJ").await,
        disagree("油烟排放不达标"),
        "",
    )
    .await
    .unwrap();
    routing::decide_branch(
        &pool,
        wjw,
        branch_of(&pool, case_id, "WJW").await,
        Verdict::Agree,
        "",
    )
    .await
    .unwrap();
    let d = routing::decide_branch(
        &pool,
        chief,
        branch_of(&pool, case_id, "SCJG").await,
        Verdict::Agree,
        "",
    )
    .await
    .unwrap();
    assert_eq!(d.case, RouteState::Lead { disagreed: true });
    let e = routing::lead_decide(
        &pool,
        chief,
        case_id,
        LeadVerdict::Approve {
            document_no: "1".into(),
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::Invalid {
                field: "responsibility",
                ..
            }
        ),
        "{e}"
    );
    routing::lead_decide(
        &pool,
        chief,
        case_id,
        LeadVerdict::ApproveAnyway {
            document_no: "食经许〔2026〕0032号".into(),
            responsibility: "已整改油烟净化设施，牵头部门承担审批责任".into(),
        },
    )
    .await
    .unwrap();
    let view = view::route(&pool, chief, case_id).await.unwrap();
    assert_eq!(view.state, "approved");
    assert!(view.responsibility.unwrap().contains("承担"));
    let over: bool = sqlx::query_scalar(
        "select (detail->>'over_disagreement')::boolean from audit_log
         where action = 'case.approve' and entity_id = $1",
    )
    .bind(case_id.to_string())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(over, "the responsibility is in the timeline");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_correction_stops_the_clock_until_the_supplements_reopen_the_branch(pool: PgPool) {
    seed::seed(&pool, 1, 0).await.unwrap();
    let case_id = accept(&pool, "SCJG-005").await;
    let wjw = worker(&pool, "WJW").await;
    let clerk = op(&pool, "clerk").await;
    let branch = branch_of(&pool, case_id, "WJW").await;
    let d = routing::decide_branch(
        &pool,
        wjw,
        branch,
        Verdict::Correction {
            missing: "从业人员健康证明".into(),
        },
        "",
    )
    .await
    .unwrap();
    assert_eq!(d.case, RouteState::Suspended { stage: 1 });
    let suspended: bool = sqlx::query_scalar("select suspended from cases where case_id = $1")
        .bind(case_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(suspended, "the time-limit clock stopped");
    // Nothing is decided while the case waits for the applicant.
    let hbj = worker(&pool, "HBJ").await;
    let e = routing::decide_branch(
        &pool,
        hbj,
        branch_of(&pool, case_id, "HBJ").await,
        Verdict::Agree,
        "",
    )
    .await
    .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    routing::supplement(&pool, clerk, case_id).await.unwrap();
    let b = branches(&pool, case_id).await;
    assert!(b.iter().all(|b| b.3 == "open"), "{b:?}");
    let suspended: bool = sqlx::query_scalar("select suspended from cases where case_id = $1")
        .bind(case_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(!suspended);
    let e = routing::supplement(&pool, clerk, case_id)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    // The applicant withdraws: the open branches close and nothing more is decided.
    routing::withdraw(&pool, clerk, case_id, "申请人主动撤回")
        .await
        .unwrap();
    let b = branches(&pool, case_id).await;
    assert!(b.iter().all(|b| b.3 == "closed"), "{b:?}");
    let status: String = sqlx::query_scalar("select status::text from cases where case_id = $1")
        .bind(case_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "withdrawn", "out of the queues, no clock, no cards");
    let e = routing::decide_branch(&pool, wjw, branch, Verdict::Agree, "")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn two_stages_and_a_new_template_version_leave_old_cases_alone(pool: PgPool) {
    seed::seed(&pool, 1, 0).await.unwrap();
    let old = accept(&pool, "ZRZY-003").await;
    for dept in ["ZRZY", "ZJJ", "YJJ"] {
        let w = worker(&pool, dept).await;
        routing::decide_branch(
            &pool,
            w,
            branch_of(&pool, old, dept).await,
            Verdict::Agree,
            "",
        )
        .await
        .unwrap();
    }
    let b = branches(&pool, old).await;
    assert_eq!(b.len(), 4);
    assert_eq!(
        (b[3].1, b[3].2.as_str(), b[3].3.as_str()),
        (2, "HBJ", "open")
    );
    // An administrator adds version 2: one stage of two departments.
    let admin = op(&pool, "admin").await;
    let def = TemplateDef {
        item_code: "ZRZY-003".into(),
        lead: None,
        deemed_consent: false,
        stages: vec![vec![("ZRZY".into(), 5), ("SWJ".into(), 3)]],
    };
    let e = view::put_template(&pool, op(&pool, "clerk").await, &def)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    assert_eq!(view::put_template(&pool, admin, &def).await.unwrap(), 2);
    let new = accept(&pool, "ZRZY-003").await;
    let depts: Vec<String> = branches(&pool, new)
        .await
        .into_iter()
        .map(|b| b.2)
        .collect();
    assert_eq!(depts, ["SWJ", "ZRZY"]);
    // Read by a supervisor: 市场监督管理局's chief is not on this route (issue 14.9).
    let chief = op(&pool, "supervisor").await;
    assert_eq!(
        view::route(&pool, chief, old)
            .await
            .unwrap()
            .template_version,
        1
    );
    assert_eq!(
        view::route(&pool, chief, new)
            .await
            .unwrap()
            .template_version,
        2
    );
    // The old case finishes its own stage 2.
    let hbj = worker(&pool, "HBJ").await;
    let d = routing::decide_branch(
        &pool,
        hbj,
        branch_of(&pool, old, "HBJ").await,
        Verdict::Agree,
        "",
    )
    .await
    .unwrap();
    assert_eq!(d.case, RouteState::Lead { disagreed: false });
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_silent_branch_past_its_limit_counts_as_consent_where_the_item_says_so(pool: PgPool) {
    seed::seed(&pool, 1, 0).await.unwrap();
    let case_id = accept(&pool, "ZRZY-003").await; // deemed consent
    let other = accept(&pool, "SCJG-005").await; // no deemed consent
    for dept in ["ZRZY", "ZJJ"] {
        let w = worker(&pool, dept).await;
        routing::decide_branch(
            &pool,
            w,
            branch_of(&pool, case_id, dept).await,
            Verdict::Agree,
            "",
        )
        .await
        .unwrap();
    }
    sqlx::query("update case_branches set reply_due = current_date - 1 where state = 'open'")
        .execute(&pool)
        .await
        .unwrap();
    // The supervision run lapses them, as the system.
    let r = onewindow::store::time::supervision::run(&pool, Default::default())
        .await
        .unwrap();
    assert_eq!(r.deemed_consents, 1);
    let b = branches(&pool, case_id).await;
    let state = |stage: i32, dept: &str| {
        b.iter()
            .find(|x| x.1 == stage && x.2 == dept)
            .map(|x| x.3.clone())
            .unwrap()
    };
    assert_eq!(state(1, "YJJ"), "deemed_agreed", "{b:?}");
    assert_eq!(state(2, "HBJ"), "open", "stage 2 opened: {b:?}");
    assert!(branches(&pool, other).await.iter().all(|b| b.3 == "open"));
}

/// Many cases, every branch decided at once, repeatedly: each case joins exactly once and no
/// decision is lost.
#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn concurrent_decisions_join_each_case_exactly_once(pool: PgPool) {
    seed::seed(&pool, 1, 0).await.unwrap();
    let workers = [
        ("SCJG", op(&pool, "chief").await),
        ("WJW", worker(&pool, "WJW").await),
        ("HBJ", worker(&pool, "HBJ").await),
    ];
    for round in 0..3 {
        let mut cases = vec![];
        for _ in 0..12 {
            cases.push(accept(&pool, "SCJG-005").await);
        }
        let mut tasks = vec![];
        for &case_id in &cases {
            for (dept, who) in workers {
                let branch = branch_of(&pool, case_id, dept).await;
                let pool = pool.clone();
                tasks.push(tokio::spawn(async move {
                    routing::decide_branch(&pool, who, branch, Verdict::Agree, "").await
                }));
            }
        }
        let mut leads = 0;
        for t in tasks {
            if t.await.unwrap().unwrap().next == (Next::Lead { disagreed: false }) {
                leads += 1;
            }
        }
        assert_eq!(leads, cases.len(), "round {round}: one join per case");
        for &case_id in &cases {
            assert_eq!(joins(&pool, case_id).await, 1, "round {round}");
            let b = branches(&pool, case_id).await;
            assert!(b.iter().all(|b| b.3 == "agreed"), "no decision lost: {b:?}");
        }
    }
}
