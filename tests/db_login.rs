//! Login, lockout and their audit rows, against a fresh migrated database per test.

mod common;

use onewindow::store::accounts::operators::{LoginOutcome, Purpose, login};
use onewindow::store::seed::{self, DEMO_PASSWORD};
use sqlx::PgPool;

async fn actions(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar("select action from audit_log order by audit_id")
        .fetch_all(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn demo_account_logs_in_and_is_audited(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let out = login(&pool, "  Clerk ", DEMO_PASSWORD, Purpose::Login)
        .await
        .unwrap();
    let LoginOutcome::Ok(op) = out else {
        panic!("expected success, got {out:?}")
    };
    assert_eq!(op.code, "clerk");
    assert_eq!(op.department_code, "SCJG");
    assert!(op.window_code.is_some());
    assert_eq!(actions(&pool).await, vec!["system.seed", "login.ok"]);
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn five_failures_lock_the_account_for_fifteen_minutes(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    for i in 1..=4 {
        let out = login(&pool, "chief", "wrong", Purpose::Login)
            .await
            .unwrap();
        assert_eq!(out, LoginOutcome::BadCredentials, "attempt {i}");
    }
    let out = login(&pool, "chief", "wrong", Purpose::Login)
        .await
        .unwrap();
    let LoginOutcome::Locked { until } = out else {
        panic!("fifth failure must lock, got {out:?}")
    };
    let minutes: f64 =
        sqlx::query_scalar("select (extract(epoch from ($1::timestamptz - now())) / 60)::float8")
            .bind(until)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(
        (14.9..=15.0).contains(&minutes),
        "locked for {minutes} minutes"
    );

    // Even the right password is refused while locked.
    let out = login(&pool, "chief", DEMO_PASSWORD, Purpose::Login)
        .await
        .unwrap();
    assert!(matches!(out, LoginOutcome::Locked { .. }), "{out:?}");

    let a = actions(&pool).await;
    assert_eq!(a.iter().filter(|x| *x == "login.failed").count(), 5);
    assert_eq!(a.iter().filter(|x| *x == "login.locked").count(), 1);
    assert_eq!(a.last().unwrap(), "login.refused");

    // When the lock has passed, the right password works and the counter is clear.
    sqlx::query(
        "update operators set locked_until = now() - interval '1 second' where code = 'chief'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let out = login(&pool, "chief", DEMO_PASSWORD, Purpose::Login)
        .await
        .unwrap();
    assert!(matches!(out, LoginOutcome::Ok(_)), "{out:?}");
    let failed: i32 =
        sqlx::query_scalar("select failed_logins from operators where code = 'chief'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(failed, 0);
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_success_resets_the_failure_count(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    for _ in 0..4 {
        login(&pool, "cashier", "nope", Purpose::Login)
            .await
            .unwrap();
    }
    assert!(matches!(
        login(&pool, "cashier", DEMO_PASSWORD, Purpose::Login)
            .await
            .unwrap(),
        LoginOutcome::Ok(_)
    ));
    for _ in 0..4 {
        let out = login(&pool, "cashier", "nope", Purpose::Login)
            .await
            .unwrap();
        assert_eq!(out, LoginOutcome::BadCredentials);
    }
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn unknown_code_gets_the_same_answer_and_is_audited(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let out = login(&pool, "nobody", "x", Purpose::Login).await.unwrap();
    assert_eq!(out, LoginOutcome::BadCredentials);
    let detail: serde_json::Value =
        sqlx::query_scalar("select detail from audit_log where action = 'login.failed'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(detail["reason"], "unknown_code");
    assert_eq!(detail["code"], "nobody");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn inactive_account_is_refused(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    sqlx::query("update operators set active = false where code = 'reviewer'")
        .execute(&pool)
        .await
        .unwrap();
    let out = login(&pool, "reviewer", DEMO_PASSWORD, Purpose::Login)
        .await
        .unwrap();
    assert_eq!(out, LoginOutcome::Inactive);
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn unlock_is_audited_as_unlock(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    login(&pool, "admin", DEMO_PASSWORD, Purpose::Unlock)
        .await
        .unwrap();
    assert_eq!(actions(&pool).await.last().unwrap(), "session.unlock");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_disabled_account_is_only_revealed_to_its_password(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    sqlx::query("update operators set active = false where code = 'reviewer'")
        .execute(&pool)
        .await
        .unwrap();
    let out = login(&pool, "reviewer", "guess", Purpose::Login)
        .await
        .unwrap();
    assert_eq!(out, LoginOutcome::BadCredentials);
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_password_typed_as_the_code_is_not_kept(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    login(&pool, "My Secret Pass!", "x", Purpose::Login)
        .await
        .unwrap();
    let detail: serde_json::Value =
        sqlx::query_scalar("select detail from audit_log where action = 'login.failed'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(detail["code"], "(malformed)");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn login_and_session_audit_at_once_do_not_deadlock(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let id: i64 = sqlx::query_scalar("select operator_id from operators where code = 'clerk'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut handles = vec![];
    for i in 0..12 {
        let p = pool.clone();
        handles.push(tokio::spawn(async move {
            if i % 2 == 0 {
                login(&p, "clerk", DEMO_PASSWORD, Purpose::Login)
                    .await
                    .map(|_| ())
            } else {
                onewindow::store::accounts::operators::record_session(&p, id, "session.lock").await
            }
        }));
    }
    for h in handles {
        h.await.unwrap().unwrap();
    }
    let r = onewindow::store::audit::verify(&pool).await.unwrap();
    assert_eq!((r.rows, r.first_break), (13, None));
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn the_servers_policy_decides_the_lockout_and_caps_the_idle_lock(pool: PgPool) {
    // Issue 15.5: the rules are a row on the server, read by every sign-in.
    seed::seed(&pool, 42, 0).await.unwrap();
    sqlx::query(
        "update sign_in_policy set max_failed_logins = 3, lockout_minutes = 40,
                                   idle_lock_minutes = 4",
    )
    .execute(&pool)
    .await
    .unwrap();
    for _ in 1..=2 {
        let out = login(&pool, "chief", "wrong", Purpose::Login)
            .await
            .unwrap();
        assert_eq!(out, LoginOutcome::BadCredentials);
    }
    let out = login(&pool, "chief", "wrong", Purpose::Login)
        .await
        .unwrap();
    let LoginOutcome::Locked { until } = out else {
        panic!("the third failure locks under this policy, got {out:?}")
    };
    let minutes: f64 =
        sqlx::query_scalar("select (extract(epoch from ($1::timestamptz - now())) / 60)::float8")
            .bind(until)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!((39.9..=40.0).contains(&minutes), "{minutes}");
    let out = login(&pool, "clerk", DEMO_PASSWORD, Purpose::Login)
        .await
        .unwrap();
    let LoginOutcome::Ok(op) = out else {
        panic!("{out:?}")
    };
    assert_eq!(op.idle_lock_minutes, 4);
    // The table keeps sane bounds: no policy of 1000 guesses.
    let e = sqlx::query("update sign_in_policy set max_failed_logins = 1000")
        .execute(&pool)
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("sign_in_policy_max_failed_logins_check"),
        "{e}"
    );
}
