//! Migrations, the newer-schema refusal, and the seeder.

mod common;

use onewindow::store::{self, seed};
use sqlx::PgPool;

#[sqlx::test(migrations = false)]
async fn migrations_apply_to_an_empty_database(pool: PgPool) {
    let applied = store::migrate(&pool).await.unwrap();
    assert_eq!(applied.len(), store::MIGRATOR.iter().count());
    assert_eq!(*applied.last().unwrap(), store::binary_schema_version());
    // Running again applies nothing.
    assert!(store::migrate(&pool).await.unwrap().is_empty());
    let tables: Vec<String> = sqlx::query_scalar(
        "select tablename::text from pg_tables where schemaname = 'public' order by 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for t in ["audit_log", "departments", "operators", "windows"] {
        assert!(tables.iter().any(|x| x == t), "missing {t} in {tables:?}");
    }
}

#[sqlx::test(migrations = false)]
async fn a_database_newer_than_the_binary_is_refused(pool: PgPool) {
    store::migrate(&pool).await.unwrap();
    sqlx::query(
        "insert into _sqlx_migrations (version, description, success, checksum, execution_time)
         values (99999, 'from the future', true, '\\x00', 0)",
    )
    .execute(&pool)
    .await
    .unwrap();
    let e = store::migrate(&pool).await.unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("99999") && msg.contains("newer onewindow"),
        "{msg}"
    );
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn seed_builds_a_realistic_center(pool: PgPool) {
    let s = seed::seed(&pool, 42, 0).await.unwrap();
    assert_eq!(s.departments, seed::tables::DEPARTMENTS.len());
    let kinds: Vec<(String, i64)> =
        sqlx::query_as("select kind::text, count(*) from departments group by kind order by kind")
            .fetch_all(&pool)
            .await
            .unwrap();
    let count = |k: &str| kinds.iter().find(|x| x.0 == k).map_or(0, |x| x.1);
    assert!(count("center_department") >= 15, "{kinds:?}");
    assert_eq!(count("supervised_hall"), 3);
    assert_eq!(count("township_center"), 5);
    for name in [
        "发展和改革局",
        "市场监督管理局",
        "自然资源局",
        "住房和城乡建设局",
        "公安局",
        "税务局",
        "卫生健康委员会",
        "交通运输局",
        "农业农村局",
        "人力资源和社会保障局",
        "生态环境局",
        "民政局",
    ] {
        let n: i64 = sqlx::query_scalar("select count(*) from departments where name_zh = $1")
            .bind(name)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(n, 1, "{name}");
    }
    let roles: Vec<String> =
        sqlx::query_scalar("select distinct unnest(roles) from operators order by 1")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        roles,
        [
            "admin",
            "cashier",
            "chief_rep",
            "deposit_accountant",
            "reviewer",
            "supervisor",
            "trading_clerk",
            "trading_director",
            "window_clerk",
        ]
    );
    // Every window clerk sits at a window of their own department.
    let misplaced: i64 = sqlx::query_scalar(
        "select count(*) from operators o join windows w using (window_id)
         where w.department_id <> o.department_id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(misplaced, 0);
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn seeding_twice_is_refused(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let e = seed::seed(&pool, 42, 0).await.unwrap_err();
    assert!(e.to_string().contains("already holds data"), "{e}");
}

async fn fingerprint(pool: &PgPool) -> Vec<(String, String, String)> {
    sqlx::query_as(
        "select o.code, o.name, coalesce(w.code, '') from operators o
         left join windows w using (window_id) order by o.code",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn the_same_seed_gives_the_same_data(pool: PgPool) {
    seed::seed(&pool, 7, 0).await.unwrap();
    let first = fingerprint(&pool).await;
    // A second database on the same server, seeded the same way.
    let opts = pool.connect_options().as_ref().clone();
    let other = format!("{}_again", opts.get_database().unwrap());
    let admin = opts.clone().database("postgres");
    store::drop_database(admin.clone(), &other).await.unwrap();
    store::create_database_if_missing(admin.clone(), &other)
        .await
        .unwrap();
    let pool2 = sqlx::PgPool::connect_with(opts.database(&other))
        .await
        .unwrap();
    store::migrate(&pool2).await.unwrap();
    seed::seed(&pool2, 7, 0).await.unwrap();
    let second = fingerprint(&pool2).await;
    pool2.close().await;
    store::drop_database(admin, &other).await.unwrap();
    assert_eq!(first, second);
    assert!(first.len() > 50, "{} operators", first.len());
}

async fn schema_of_cases(pool: &PgPool) -> Vec<(String, String)> {
    sqlx::query_as(
        "select 'index', pg_get_indexdef(indexrelid) from pg_index
          where indrelid = 'cases'::regclass
         union all
         select 'constraint', conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated::text
           from pg_constraint where conrelid = 'cases'::regclass
         union all
         select 'trigger', tgname || ' ' || tgenabled::text from pg_trigger
          where tgrelid = 'cases'::regclass and not tgisinternal
         order by 1, 2",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

/// The seeder loads cases by COPY with the table's indexes, foreign keys and triggers set aside
/// (src/store/bulk.rs): afterwards the table is as the migrations define it, and the data
/// obeys the constraints that were re-added.
#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn bulk_seeding_puts_back_every_index_key_and_trigger(pool: PgPool) {
    let before = schema_of_cases(&pool).await;
    assert!(before.iter().filter(|(k, _)| k == "index").count() >= 10);
    assert!(before.iter().any(|(k, _)| k == "trigger"));
    seed::seed(&pool, 42, 3000).await.unwrap();
    assert_eq!(schema_of_cases(&pool).await, before);
    // The trigger is live again: a back-dated case is refused outside the seeder.
    let e = common::refused(
        &pool,
        "update cases set received_at = received_at - interval '1 day'
         where case_id = (select min(case_id) from cases)",
    )
    .await;
    assert!(e.contains("stamped by the database"), "{e}");
    // Every seeded case names a real item, department and operators.
    let orphans: i64 = sqlx::query_scalar(
        "select count(*) from cases c
          where not exists (select 1 from items i where i.item_id = c.item_id)
             or not exists (select 1 from operators o where o.operator_id = c.received_by)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(orphans, 0);
}

/// Seeded fees: the cases of fee-charging items were assessed on the day of acceptance, with
/// valid payment codes, and paid through one seeded import; the demo's reconciliation day keeps
/// only its own five.
#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn seeded_cases_carry_their_fees_and_receipts(pool: PgPool) {
    seed::seed(&pool, 42, 3000).await.unwrap();
    let codes: Vec<String> = sqlx::query_scalar("select payment_code from fee_assessments")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(codes.len() > 50, "{} assessments", codes.len());
    assert!(
        codes
            .iter()
            .all(|c| onewindow::domain::fees::payment_code::is_valid(c))
    );
    let wrong_day: i64 = sqlx::query_scalar(
        "select count(*) from fee_assessments a join cases c using (case_id)
          where a.business_date <> c.accepted_at::date
            and a.business_date <> $1",
    )
    .bind(onewindow::store::seed::fees::DEMO_FEE_DAY)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(wrong_day, 0);
    let on_demo_day: i64 =
        sqlx::query_scalar("select count(*) from fee_assessments where business_date = $1")
            .bind(onewindow::store::seed::fees::DEMO_FEE_DAY)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(on_demo_day, 5);
    let (receipts, paid_codes, imports): (i64, i64, i64) = sqlx::query_as(
        "select count(*), count(distinct payment_code),
                (select count(*) from receipt_imports) from receipts",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(imports, 1);
    // Today's are half paid and a few later ones not at all; most are paid.
    assert!(
        receipts >= paid_codes && paid_codes * 10 > codes.len() as i64 * 6,
        "{receipts} receipts, {paid_codes} codes paid of {}",
        codes.len()
    );
}
