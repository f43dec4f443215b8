//! Database benchmarks on a million-case database: run with `bash scripts/bench-db`
//! (docs/performance.md). Each figure is the median of repeated runs through the store layer,
//! beside PostgreSQL's own execution time of the same SQL (EXPLAIN ANALYZE) and their ratio.

mod recon;

use std::time::{Duration, Instant};

use onewindow::store::{self, cases, cases::lookup, routing, seed};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

const RUNS: usize = 21;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn op(pool: &PgPool, code: &str) -> i64 {
    sqlx::query_scalar("select operator_id from operators where code = $1")
        .bind(code)
        .fetch_one(pool)
        .await
        .expect("demo operator")
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let admin = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let cases_wanted: u64 = std::env::var("BENCH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let name = format!("onewindow_bench_{cases_wanted}");
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
    let url = format!("{base}/{name}");
    let root = PgPool::connect(&admin).await?;
    let exists: bool =
        sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
            .bind(&name)
            .fetch_one(&root)
            .await?;
    if !exists {
        sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
            .execute(&root)
            .await?;
    }
    let pool = PgPoolOptions::new()
        .max_connections(34)
        .test_before_acquire(std::env::var("BENCH_PING").as_deref() != Ok("off"))
        .after_connect(|conn, _| {
            Box::pin(async move {
                sqlx::query("set time zone 'Asia/Shanghai'")
                    .execute(conn)
                    .await
                    .map(|_| ())
            })
        })
        .connect(&url)
        .await?;
    store::migrate(&pool).await?;
    let have: i64 = sqlx::query_scalar("select count(*) from cases")
        .fetch_one(&pool)
        .await?;
    println!("# onewindow database benchmarks — {name}");
    if have == 0 {
        let t = Instant::now();
        seed::seed(&pool, 42, cases_wanted).await?;
        let seeded = t.elapsed();
        sqlx::query("analyze").execute(&pool).await?;
        println!(
            "seed {cases_wanted} cases: {:.1} s (then ANALYZE)",
            seeded.as_secs_f64()
        );
    } else {
        println!("reusing {have} cases (drop the database to seed again)");
    }

    // BENCH_ONLY=reconcile: the night-shift figure alone.
    if std::env::var("BENCH_ONLY").as_deref() == Ok("reconcile") {
        let cashier = op(&pool, "cashier").await;
        return recon::run(&pool, cashier, cases_wanted as i64).await;
    }
    let supervisor = op(&pool, "supervisor").await;
    let chief = op(&pool, "chief").await;
    // The benchmark times the lookup, not the per-operator limit (issue 15.7): 24 lookups of each
    // query by one operator would pass 30 a minute. The limit's own cost (a count on an index and
    // an insert) is part of every figure below.
    sqlx::query("update lookup_policy set per_minute = 1000, notice_after = 10000")
        .execute(&pool)
        .await?;
    let chief_dept: i64 =
        sqlx::query_scalar("select department_id from operators where code = 'chief'")
            .fetch_one(&pool)
            .await?;
    // Queries from the data itself: a two-character fragment of a name, an ID tail, a
    // case-number tail, all of cases the chief may see.
    let (name, id_no, case_no): (String, String, String) = sqlx::query_as(
        "select applicant_name, applicant_id_no, case_no from cases
         where department_id = $1 and applicant_kind = 'person'
           and char_length(applicant_name) = 3
         order by case_id desc limit 1",
    )
    .bind(chief_dept)
    .fetch_one(&pool)
    .await?;
    // The given name (two characters of a three-character name), and the surname with the
    // first character of the given name: the two ways a caller gives part of a name.
    let fragment: String = name.chars().skip(1).take(2).collect();
    let head: String = name.chars().take(2).collect();
    let id_tail = id_no[id_no.len() - 6..].to_string();
    let no_tail = case_no[case_no.len() - 10..].to_string();

    println!();
    println!(
        "| figure | store median | PostgreSQL median: planning + execution (execution alone) | ratio | hits |"
    );
    println!("|---|---|---|---|---|");
    for (label, viewer, all, query) in [
        (
            "lookup: name fragment (2 Chinese characters), chief",
            chief,
            false,
            fragment.clone(),
        ),
        (
            "lookup: name fragment (2 Chinese characters), supervisor (all cases)",
            supervisor,
            true,
            fragment.clone(),
        ),
        (
            "lookup: name head (surname + 1), supervisor (all cases)",
            supervisor,
            true,
            head.clone(),
        ),
        ("lookup: ID tail (6), chief", chief, false, id_tail.clone()),
        (
            "lookup: ID tail (6), supervisor",
            supervisor,
            true,
            id_tail.clone(),
        ),
        (
            "lookup: case-number tail (10), supervisor",
            supervisor,
            true,
            no_tail.clone(),
        ),
    ] {
        for _ in 0..3 {
            lookup::lookup(&pool, viewer, &query, 50).await?;
        }
        let mut times = vec![];
        let mut hits = 0;
        for _ in 0..RUNS {
            let t = Instant::now();
            hits = lookup::lookup(&pool, viewer, &query, 50).await?.len();
            times.push(ms(t.elapsed()));
        }
        let (mut bare, mut exec) = (vec![], vec![]);
        for _ in 0..RUNS {
            let e = lookup::lookup_explained(&pool, all, chief_dept, &query, 50).await?;
            bare.push(e.total_ms());
            exec.push(e.execution_ms);
        }
        let (s, b, x) = (median(times), median(bare), median(exec));
        println!(
            "| {label} `{query}` | {s:.2} ms | {b:.2} ms ({x:.2} ms) | {:.1}× ({:.1}×) | {hits} |",
            s / b,
            s / x
        );
    }

    // The department queue (a status filter, sorted by due), first and next page.
    let clerk = op(&pool, "clerk").await;
    let f = cases::QueueFilter {
        status: Some("accepted".into()),
        ..cases::QueueFilter::default()
    };
    let which = cases::Queue::Department;
    let page = cases::queue(&pool, clerk, which, &f, None, 50).await?;
    let after = page.last().map(|r| r.next_page_after(which));
    for (label, after) in [("first page", None), ("next page", after)] {
        let (mut store_ms, mut bare, mut exec) = (vec![], vec![], vec![]);
        for _ in 0..RUNS {
            let t = Instant::now();
            cases::queue(&pool, clerk, which, &f, after, 50).await?;
            store_ms.push(ms(t.elapsed()));
            let e = cases::queue_explained(&pool, clerk, which, &f, after, 50).await?;
            bare.push(e.total_ms());
            exec.push(e.execution_ms);
        }
        let (s, b, x) = (median(store_ms), median(bare), median(exec));
        println!(
            "| queue: department + status, {label} of 50 sorted by due | {s:.2} ms | {b:.2} ms ({x:.2} ms) | {:.1}× ({:.1}×) | 50 |",
            s / b,
            s / x
        );
    }

    // BENCH_ONLY=queries: the lookup and queue figures alone.
    if std::env::var("BENCH_ONLY").as_deref() == Ok("queries") {
        return Ok(());
    }
    claims(&pool).await?;
    // BENCH_ONLY=claims: the lookup, queue and claims figures, without the reconciliation.
    if std::env::var("BENCH_ONLY").as_deref() == Ok("claims") {
        return Ok(());
    }
    let cashier = op(&pool, "cashier").await;
    recon::run(&pool, cashier, cases_wanted as i64).await?;
    Ok(())
}

/// 32 claimers of one department race for the same 10,000 open routing branches (并联审批):
/// each branch must be claimed exactly once. Beside it, the same claiming UPDATE run bare (one
/// statement and a commit per attempt, no permission check, no audit row) by 32 connections
/// over the same branches.
async fn claims(pool: &PgPool) -> Result<(), Box<dyn std::error::Error>> {
    let (dept, open): (i64, i64) = sqlx::query_as(
        "select department_id, count(*) from case_branches
         where state = 'open' and claimed_by is null
         group by 1 order by 2 desc limit 1",
    )
    .fetch_one(pool)
    .await?;
    let ids: Vec<i64> = sqlx::query_scalar(
        "select branch_id from case_branches
         where department_id = $1 and state = 'open' and claimed_by is null
         order by branch_id limit 10000",
    )
    .bind(dept)
    .fetch_all(pool)
    .await?;
    let workers: Vec<i64> = sqlx::query_scalar(
        "select operator_id from operators where department_id = $1 and active
           and ('window_clerk' = any (roles) or 'reviewer' = any (roles)
                or 'chief_rep' = any (roles))",
    )
    .bind(dept)
    .fetch_all(pool)
    .await?;
    let claimers = 32;
    let mut figures = vec![];
    for bare in [false, true] {
        let t = Instant::now();
        let mut tasks = vec![];
        for k in 0..claimers {
            let pool = pool.clone();
            let ids = ids.clone();
            let who = workers[k % workers.len()];
            tasks.push(tokio::spawn(async move {
                let mut won = vec![];
                // Each claimer walks the list from its own offset, so they collide all along it.
                let n = ids.len();
                for j in 0..n {
                    let id = ids[(j + k * n / claimers) % n];
                    let claimed = if bare {
                        let mut tx = pool.begin().await?;
                        let hit = sqlx::query(
                            "update case_branches set claimed_by = $2, claimed_at = now(),
                                 version = version + 1
                             where branch_id = $1 and department_id = $3 and state = 'open'
                               and claimed_by is null",
                        )
                        .bind(id)
                        .bind(who)
                        .bind(dept)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected()
                            == 1;
                        tx.commit().await?;
                        hit
                    } else {
                        routing::claim_branch(&pool, who, id).await?
                    };
                    if claimed {
                        won.push(id);
                    }
                }
                Ok::<_, onewindow::store::StoreError>(won)
            }));
        }
        let mut all = vec![];
        for t in tasks {
            all.extend(t.await??);
        }
        let secs = t.elapsed().as_secs_f64();
        all.sort();
        let mut unique = all.clone();
        unique.dedup();
        let once = all.len() == ids.len() && unique.len() == ids.len();
        figures.push((
            once,
            all.len() as f64 / secs,
            (claimers * ids.len()) as f64 / secs,
        ));
        // The benchmark gives its claims back.
        sqlx::query(
            "update case_branches set claimed_by = null, claimed_at = null
             where branch_id = any($1)",
        )
        .bind(&ids)
        .execute(pool)
        .await?;
    }
    let (once, store_cps, store_aps) = figures[0];
    let (bare_once, bare_cps, bare_aps) = figures[1];
    println!(
        "| claims: {claimers} claimers over {} open branches of one department ({open} open there) | each claimed exactly once: {once} ({store_cps:.0} claims/s, {store_aps:.0} attempts/s) | bare UPDATE: once {bare_once}, {bare_cps:.0} claims/s, {bare_aps:.0} attempts/s | {:.1}× | |",
        ids.len(),
        bare_aps / store_aps
    );
    Ok(())
}
