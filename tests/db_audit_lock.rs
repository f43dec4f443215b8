//! Issue 15.4: the audit chain's lock cannot be taken from outside, and a lock held elsewhere ends
//! in a clear "busy" message within lock_timeout instead of a silent hang.

mod common;

use std::time::{Duration, Instant};

use common::{app_url, bin, url_for};
use onewindow::store::audit::{self, NewAudit};
use onewindow::store::seed;
use sqlx::{Connection, PgConnection, PgPool};

async fn one_audit_row(pool: &PgPool) -> Result<i64, onewindow::store::StoreError> {
    let mut conn = pool.acquire().await.unwrap();
    audit::append(
        &mut conn,
        NewAudit {
            operator_id: None,
            action: "test.lock",
            entity: "test",
            entity_id: None,
            detail: serde_json::json!({}),
        },
    )
    .await
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn the_old_advisory_lock_no_longer_freezes_the_audit_chain(pool: PgPool) {
    // The attack of the issue: any role could take this lock and hold it forever.
    let name = pool.connect_options().get_database().unwrap().to_string();
    let mut attacker = PgConnection::connect(&url_for(&name)).await.unwrap();
    sqlx::query("select pg_advisory_lock(hashtext('onewindow.audit_log'))")
        .execute(&mut attacker)
        .await
        .unwrap();
    let done = tokio::time::timeout(Duration::from_secs(10), one_audit_row(&pool)).await;
    assert!(
        matches!(done, Ok(Ok(_))),
        "the audit append waited on the advisory lock: {done:?}"
    );
    // And the chain is still whole.
    assert!(audit::verify(&pool).await.unwrap().first_break.is_none());
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn the_chain_lock_table_is_closed_to_other_roles(pool: PgPool) {
    let grants: Vec<(String, String)> = sqlx::query_as(
        "select grantee, privilege_type from information_schema.role_table_grants
         where table_name = 'audit_chain_lock' and grantee <> current_user",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(grants.is_empty(), "{grants:?}");
    let definer: bool = sqlx::query_scalar(
        "select prosecdef and proconfig @> array['search_path=pg_catalog, public, pg_temp']
         from pg_proc where proname = 'audit_log_chain'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(
        definer,
        "the chain trigger runs as its owner with a fixed search_path"
    );
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_held_chain_lock_ends_in_a_busy_message_within_lock_timeout(pool: PgPool) {
    seed::seed(&pool, 1, 0).await.unwrap();
    let name = pool.connect_options().get_database().unwrap().to_string();
    // Another session holds the chain's row lock (as the owner could), in an open transaction.
    let mut holder = PgConnection::connect(&url_for(&name)).await.unwrap();
    sqlx::query("begin").execute(&mut holder).await.unwrap();
    sqlx::query("select 1 from audit_chain_lock for update")
        .execute(&mut holder)
        .await
        .unwrap();
    // A command that signs in (the sign-in is audited) with a short lock_timeout.
    let url = app_url(&pool).await;
    let home = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = tokio::task::spawn_blocking(move || {
        bin(home.path())
            .args(["route", "show", "20261126-SCJG-00001"])
            .env("DATABASE_URL", &url)
            .env("ONEWINDOW_OPERATOR", "supervisor")
            .env("ONEWINDOW_PASSWORD", "demo1234")
            .env("ONEWINDOW_LOCK_TIMEOUT_MS", "300")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let took = started.elapsed();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("the database is busy"), "{err}");
    assert!(
        !err.contains("canceling statement"),
        "no raw SQL text: {err}"
    );
    // Generous: the binary starts, migrates (a no-op) and signs in; the wait itself is 0.3 s.
    assert!(took < Duration::from_secs(20), "{took:?}");
    sqlx::query("rollback").execute(&mut holder).await.unwrap();
}

#[test]
fn config_show_names_the_timeouts_and_refuses_a_zero_lock_timeout() {
    let home = tempfile::tempdir().unwrap();
    let out = bin(home.path())
        .args(["config", "show"])
        .env("ONEWINDOW_LOCK_TIMEOUT_MS", "2500")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("database.lock_timeout_ms") && text.contains("2500"),
        "{text}"
    );
    assert!(text.contains("database.statement_timeout_ms"), "{text}");
    let out = bin(home.path())
        .args(["config", "show"])
        .env("ONEWINDOW_LOCK_TIMEOUT_MS", "0")
        .output()
        .unwrap();
    // A configuration error (exit 1, as for every bad setting), naming the variable.
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ONEWINDOW_LOCK_TIMEOUT_MS"), "{err}");
}
