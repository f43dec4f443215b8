//! The audit log is append-only and its hash chain catches edits, deletions and insertions made
//! behind the trigger's back (as superuser, with triggers disabled).

mod common;

use onewindow::domain::audit::chain::Break;
use onewindow::store::audit::{self, NewAudit, verify};
use sqlx::PgPool;

async fn write(pool: &PgPool, n: usize) {
    for i in 0..n {
        let mut tx = pool.begin().await.unwrap();
        audit::append(
            &mut tx,
            NewAudit {
                operator_id: None,
                action: "system.test",
                entity: "test",
                entity_id: Some(i.to_string()),
                detail: serde_json::json!({ "i": i, "名称": "测试" }),
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
}

/// Runs statements with triggers off, as a superuser could.
async fn behind_the_trigger(pool: &PgPool, sql: &'static str) {
    let mut conn = pool.acquire().await.unwrap();
    sqlx::query("set session_replication_role = replica")
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query(sql).execute(&mut *conn).await.unwrap();
    sqlx::query("set session_replication_role = origin")
        .execute(&mut *conn)
        .await
        .unwrap();
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn intact_log_verifies(pool: PgPool) {
    write(&pool, 20).await;
    let r = verify(&pool).await.unwrap();
    assert_eq!(r.rows, 20);
    assert_eq!(r.first_break, None);
    assert_eq!(r.head.len(), 64);
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn empty_log_verifies(pool: PgPool) {
    let r = verify(&pool).await.unwrap();
    assert_eq!((r.rows, r.first_break), (0, None));
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn update_delete_and_truncate_are_refused(pool: PgPool) {
    write(&pool, 3).await;
    for sql in [
        "update audit_log set action = 'x.y' where audit_id = 2",
        "delete from audit_log where audit_id = 2",
        "truncate audit_log",
    ] {
        let e = sqlx::query(sql).execute(&pool).await.unwrap_err();
        assert!(e.to_string().contains("append-only"), "{sql}: {e}");
    }
    assert_eq!(verify(&pool).await.unwrap().rows, 3);
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn an_edited_row_is_named(pool: PgPool) {
    write(&pool, 10).await;
    behind_the_trigger(
        &pool,
        "update audit_log set detail = '{\"i\": 99}' where audit_id = 4",
    )
    .await;
    let b = verify(&pool).await.unwrap().first_break.unwrap();
    assert_eq!((b.audit_id, b.kind), (4, Break::ContentChanged));
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_deleted_row_is_found_at_the_next_row(pool: PgPool) {
    write(&pool, 10).await;
    behind_the_trigger(&pool, "delete from audit_log where audit_id = 6").await;
    let r = verify(&pool).await.unwrap();
    let b = r.first_break.unwrap();
    assert_eq!((b.audit_id, b.kind), (7, Break::LinkBroken));
    assert_eq!(r.rows, 5);
}

/// Five rows, a rolled-back append (its id, 6, stays unused: a normal gap), five more rows.
async fn write_with_gap(pool: &PgPool) {
    write(pool, 5).await;
    let mut tx = pool.begin().await.unwrap();
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: None,
            action: "system.test",
            entity: "test",
            entity_id: None,
            detail: serde_json::json!({}),
        },
    )
    .await
    .unwrap();
    tx.rollback().await.unwrap();
    write(pool, 5).await;
}

/// A forged row at id 6 that links to row 5 and carries its own correct hash: only the next
/// row's link can give it away.
const FORGE_6: &str = "insert into audit_log
        (audit_id, at, action, entity, entity_id, detail, prev_hash, row_hash)
    select 6, t, 'login.ok', 'operator', null, '{}', h,
           sha256(h || convert_to(concat_ws(chr(31), '6',
               ((extract(epoch from t) * 1000000)::bigint)::text,
               '', 'login.ok', 'operator', '', '{}'), 'UTF8'))
    from (select row_hash as h, now() as t from audit_log where audit_id = 5) prev";

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_gap_from_a_rollback_is_not_a_break(pool: PgPool) {
    write_with_gap(&pool).await;
    let r = verify(&pool).await.unwrap();
    assert_eq!((r.rows, r.first_break), (10, None));
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn an_inserted_row_is_found(pool: PgPool) {
    write_with_gap(&pool).await;
    behind_the_trigger(&pool, FORGE_6).await;
    let r = verify(&pool).await.unwrap();
    let b = r.first_break.unwrap();
    assert_eq!((b.audit_id, b.kind), (7, Break::LinkBroken));
    assert_eq!(r.rows, 6, "rows 1-5 and the well-forged row 6 check out");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn an_inserted_row_with_a_made_up_hash_is_named(pool: PgPool) {
    write_with_gap(&pool).await;
    behind_the_trigger(
        &pool,
        "insert into audit_log (audit_id, at, action, entity, detail, prev_hash, row_hash)
         select 6, now(), 'login.ok', 'operator', '{}', row_hash, sha256('forged')
         from audit_log where audit_id = 5",
    )
    .await;
    let b = verify(&pool).await.unwrap().first_break.unwrap();
    assert_eq!((b.audit_id, b.kind), (6, Break::ContentChanged));
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn concurrent_writers_keep_one_chain(pool: PgPool) {
    let mut handles = vec![];
    for _ in 0..8 {
        let p = pool.clone();
        handles.push(tokio::spawn(async move { write(&p, 10).await }));
    }
    for h in handles {
        h.await.unwrap();
    }
    let r = verify(&pool).await.unwrap();
    assert_eq!((r.rows, r.first_break), (80, None));
}

async fn operator_id(pool: &PgPool, code: &str) -> i64 {
    sqlx::query_scalar("select operator_id from operators where code = $1")
        .bind(code)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn only_supervisors_and_admins_read_the_trail(pool: PgPool) {
    onewindow::store::seed::seed(&pool, 42, 0).await.unwrap();
    write(&pool, 3).await;
    let supervisor = operator_id(&pool, "supervisor").await;
    let rows = audit::recent(&pool, supervisor, 10).await.unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0].action, "system.test", "newest first");

    let clerk = operator_id(&pool, "clerk").await;
    let e = audit::recent(&pool, clerk, 10).await.unwrap_err();
    assert!(e.to_string().contains("not permitted"), "{e}");

    // A supervisor deactivated a moment ago is refused at once.
    sqlx::query("update operators set active = false where code = 'supervisor'")
        .execute(&pool)
        .await
        .unwrap();
    assert!(audit::recent(&pool, supervisor, 10).await.is_err());
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn audit_rows_outside_read_committed_are_refused(pool: PgPool) {
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("set transaction isolation level repeatable read")
        .execute(&mut *tx)
        .await
        .unwrap();
    let e = audit::append(
        &mut tx,
        NewAudit {
            operator_id: None,
            action: "system.test",
            entity: "test",
            entity_id: None,
            detail: serde_json::json!({}),
        },
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("READ COMMITTED"), "{e}");
}
