//! Issue 15.1–2: what the runtime role `onewindow_app` and the read-only role may do. Every
//! attack of the issue that needs more than the application's own writes is tried here with the
//! runtime role's own connection, and each is refused by the database itself.

mod common;

use common::{app_url, as_role, pool_url};
use onewindow::store::{roles, seed};
use sqlx::{Connection, PgConnection, PgPool};

/// A seeded database and a connection to it as the runtime role, set up as a deployment is.
async fn runtime(pool: &PgPool) -> PgConnection {
    seed::seed(pool, 7, 40).await.unwrap();
    PgConnection::connect(&app_url(pool).await).await.unwrap()
}

/// Runs one statement and returns its SQLSTATE when PostgreSQL refuses it.
async fn refused(conn: &mut PgConnection, sql: &str) -> String {
    match sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(&mut *conn)
        .await
    {
        Ok(_) => panic!("the runtime role was allowed: {sql}"),
        Err(sqlx::Error::Database(d)) => d.code().unwrap_or_default().to_string(),
        Err(e) => panic!("{sql}: {e}"),
    }
}

const DENIED: &str = "42501"; // insufficient_privilege
const NOT_OWNER: &str = "42501";

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn the_runtime_role_cannot_create_anything(pool: PgPool) {
    let mut c = runtime(&pool).await;
    assert_eq!(
        refused(&mut c, "create table public.x (i int)").await,
        DENIED
    );
    assert_eq!(refused(&mut c, "create table x (i int)").await, DENIED);
    assert_eq!(refused(&mut c, "create schema evil").await, DENIED);
    // The now() shadowing of the issue: no place to put it.
    assert_eq!(
        refused(
            &mut c,
            "create function public.now() returns timestamptz language sql \
             as $$ select timestamptz '2020-01-01' $$"
        )
        .await,
        DENIED
    );
    assert_eq!(
        refused(
            &mut c,
            "create or replace function audit_log_chain() returns trigger language plpgsql \
             as $$ begin return new; end $$"
        )
        .await,
        NOT_OWNER
    );
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn the_migrations_table_is_read_only_to_the_runtime_role(pool: PgPool) {
    let mut c = runtime(&pool).await;
    let poison = "insert into _sqlx_migrations (version, description, success, checksum, \
                  execution_time) values (9999, 'x', true, '\\x00', 0)";
    assert_eq!(refused(&mut c, poison).await, DENIED);
    assert_eq!(
        refused(&mut c, "update _sqlx_migrations set success = false").await,
        DENIED
    );
    assert_eq!(
        refused(&mut c, "delete from _sqlx_migrations").await,
        DENIED
    );
    // What a normal start needs: the versions, read-only.
    let n: i64 = sqlx::query_scalar("select count(*) from _sqlx_migrations")
        .fetch_one(&mut c)
        .await
        .unwrap();
    assert!(n > 20);
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn append_only_tables_and_the_audit_trail_cannot_be_rewritten(pool: PgPool) {
    let mut c = runtime(&pool).await;
    for t in roles::APPEND_ONLY {
        assert_eq!(
            refused(
                &mut c,
                &format!("update {t} set {} = {0}", first_column(&pool, t).await)
            )
            .await,
            DENIED,
            "{t}"
        );
        assert_eq!(
            refused(&mut c, &format!("delete from {t}")).await,
            DENIED,
            "{t}"
        );
    }
    for t in [
        "audit_log",
        "cases",
        "operators",
        "receipts",
        "_sqlx_migrations",
    ] {
        assert_eq!(
            refused(&mut c, &format!("truncate {t}")).await,
            DENIED,
            "{t}"
        );
    }
    // Nothing else is deleted either: a case stays a case.
    assert_eq!(refused(&mut c, "delete from cases").await, DENIED);
    assert_eq!(refused(&mut c, "delete from operators").await, DENIED);
    // The triggers stay on: disabling them needs the owner, replica mode a superuser.
    assert_eq!(
        refused(&mut c, "alter table audit_log disable trigger all").await,
        NOT_OWNER
    );
    assert_eq!(
        refused(&mut c, "set session_replication_role = replica").await,
        DENIED
    );
    // The chain's lock cannot be taken by hand (the advisory-lock freeze, in its new form).
    assert_eq!(
        refused(&mut c, "select * from audit_chain_lock for update").await,
        DENIED
    );
    assert_eq!(
        refused(&mut c, "begin; lock table audit_chain_lock; commit").await,
        DENIED
    );
}

async fn first_column(pool: &PgPool, table: &str) -> String {
    sqlx::query_scalar(
        "select attname::text from pg_attribute
         where attrelid = to_regclass($1) and attnum > 0 and attidentity = ''
           and attgenerated = '' and not attisdropped order by attnum limit 1",
    )
    .bind(table)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn the_runtime_role_cannot_change_its_own_grants_or_become_another(pool: PgPool) {
    let mut c = runtime(&pool).await;
    // A GRANT by a role without the grant option is a warning, not an error: check the effect.
    let _ = sqlx::raw_sql("grant delete, truncate on cases to onewindow_app")
        .execute(&mut c)
        .await;
    let can: bool = sqlx::query_scalar(
        "select has_table_privilege('onewindow_app', 'cases', 'delete')
             or has_table_privilege('onewindow_app', 'cases', 'truncate')",
    )
    .fetch_one(&mut c)
    .await
    .unwrap();
    assert!(!can, "the runtime role granted itself delete on cases");
    assert_eq!(
        refused(&mut c, "alter role onewindow_app superuser").await,
        DENIED
    );
    assert_eq!(refused(&mut c, "set role onewindow_owner").await, DENIED);
    assert_eq!(refused(&mut c, "set role postgres").await, DENIED);
}

/// A complete case row dated 2020, inserted in a transaction with the seeder's setting on.
async fn backdated_insert(conn: &mut PgConnection, pool: &PgPool) -> Result<(), sqlx::Error> {
    let (item_id, dept, op): (i64, i64, i64) = sqlx::query_as(
        "select i.item_id, i.department_id, o.operator_id from items i, operators o limit 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let mut tx = conn.begin().await?;
    sqlx::query("set local onewindow.seeding = 'on'")
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "insert into cases (case_no, item_id, department_id, applicant_kind, applicant_name,
                            applicant_id_no, applicant_phone, status, received_at, received_by,
                            first_inquiry_by, correction_note)
         values ('20200101-X-00001', $1, $2, 'person', '王五', '11010519491231002X',
                 '13800000000', 'correction', timestamptz '2020-01-01 09:00+08', $3, $3, 'x')",
    )
    .bind(item_id)
    .bind(dept)
    .bind(op)
    .execute(&mut *tx)
    .await?;
    tx.rollback().await
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn the_seeders_licence_to_backdate_is_not_the_runtime_roles(pool: PgPool) {
    let mut c = runtime(&pool).await;
    // The row is valid: the administrator seeding a database may write it (then rolled back).
    let mut admin = pool.acquire().await.unwrap();
    backdated_insert(&mut admin, &pool).await.unwrap();
    // The runtime role, setting the same licence, may not.
    let err = backdated_insert(&mut c, &pool).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("business times are stamped by the database"),
        "{err}"
    );
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn every_function_resolves_names_with_a_fixed_search_path(pool: PgPool) {
    let loose: Vec<String> = sqlx::query_scalar(
        "select p.oid::regprocedure::text from pg_proc p
         where p.pronamespace = 'public'::regnamespace
           and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass
                           and d.objid = p.oid and d.deptype = 'e')
           and not coalesce(p.proconfig @> array['search_path=pg_catalog, public, pg_temp'], false)",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(
        loose.is_empty(),
        "functions without the fixed search_path: {loose:?}"
    );
    // And the runtime role's sessions start with it whatever the client asks.
    let mut c = runtime(&pool).await;
    let path: String = sqlx::query_scalar("show search_path")
        .fetch_one(&mut c)
        .await
        .unwrap();
    assert_eq!(path, roles::RUNTIME_SEARCH_PATH);
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn the_read_only_role_reads_everything_but_the_password_hashes(pool: PgPool) {
    let _ = runtime(&pool).await;
    let mut r = PgConnection::connect(&as_role(&pool_url(&pool), roles::READ))
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar("select count(*) from cases")
        .fetch_one(&mut r)
        .await
        .unwrap();
    assert_eq!(n, 40);
    let codes: Vec<String> = sqlx::query_scalar("select code from operators")
        .fetch_all(&mut r)
        .await
        .unwrap();
    assert!(!codes.is_empty());
    assert_eq!(
        refused(&mut r, "select password_hash from operators").await,
        DENIED
    );
    assert_eq!(
        refused(&mut r, "update cases set version = version").await,
        DENIED
    );
    assert_eq!(
        refused(&mut r, "select * from audit_chain_lock").await,
        DENIED
    );
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn grants_are_what_the_code_says_whatever_was_granted_by_hand(pool: PgPool) {
    let _ = runtime(&pool).await;
    sqlx::raw_sql("grant all on cases, audit_log to onewindow_app")
        .execute(&pool)
        .await
        .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    roles::apply_grants(&mut conn).await.unwrap();
    let can: bool = sqlx::query_scalar(
        "select has_table_privilege('onewindow_app', 'audit_log', 'update')
             or has_table_privilege('onewindow_app', 'cases', 'delete')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(!can);
}
