//! The deposit ledger's benchmark (issue 17, docs/performance.md): `bash scripts/bench-deposits`.
//! A fresh database with N registrations (BENCH_DEPOSITS, default 100,000), each owing a
//! deposit; a statement of N lines (every tenth an exception) checked and imported through the
//! store as `onewindow trade deposit import` does, beside a bare COPY of the same file into a
//! scratch table in the same run; then the deposit board's head and first page of refunds.

use std::time::{Duration, Instant};

use onewindow::domain::fees::receipt_file::{self, DEPOSIT_MAPPING, Rules};
use onewindow::domain::trading::deposits::sub_account;
use onewindow::store::trading::{deposits, refunds};
use onewindow::store::{self, seed};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
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
    let n: i64 = std::env::var("BENCH_DEPOSITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let name = "onewindow_bench_deposits";
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
    let root = PgPool::connect(&admin).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "drop database if exists {name}"
    )))
    .execute(&root)
    .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
        .execute(&root)
        .await?;
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .after_connect(|conn, _| {
            Box::pin(async move {
                sqlx::query("set time zone 'Asia/Shanghai'")
                    .execute(conn)
                    .await
                    .map(|_| ())
            })
        })
        .connect(&format!("{base}/{name}"))
        .await?;
    store::migrate(&pool).await?;
    seed::seed(&pool, 42, 0).await?;
    let r = onewindow::domain::trading::rules::parse(onewindow::domain::trading::rules::SHIPPED)
        .map_err(|e| format!("{e:?}"))?;
    onewindow::store::trading::rules::import(
        &pool,
        op(&pool, "admin").await,
        &r,
        onewindow::domain::trading::rules::SHIPPED,
    )
    .await?;
    println!("# onewindow deposit ledger benchmark — {n} deposits");

    // The data: one construction project per 50 registrations, by SQL (the store's
    // registration is one transaction a bidder; a hundred thousand of them is not the figure).
    let t = Instant::now();
    let clerk = op(&pool, "tclerk").await;
    sqlx::query(
        "insert into trade_projects (project_code, line, title, tenderer_code, tenderer_name,
             level, fund_source, amount_fen, fiscal_year, must_enter, threshold_article,
             rule_version, registered_by)
         select 'GC2026-' || lpad(g::text, 5, '0'), 'GC', '基准项目' || g,
                '91341100MA2N4KL80X', '县教育局', 'urban', '财政资金', 100000000, 2026, true,
                '县方案', (select version from trade_rule_sets limit 1), $2
         from generate_series(1, ($1 + 49) / 50) g",
    )
    .bind(n)
    .bind(clerk)
    .execute(&pool)
    .await?;
    sqlx::query(
        "insert into trade_sections (project_id, section_no, unified_deal_code, name, basis_fen,
             deposit_fen, bid_validity_days, deadline_at, opening_at)
         select project_id, 1, '341100GC2026' || lpad(project_id::text, 5, '0') || '001', '施工',
                100000000, 2000000, 90, now() + interval '30 days', now() + interval '30 days'
         from trade_projects",
    )
    .execute(&pool)
    .await?;
    sqlx::query(
        "insert into trade_parties (credit_code, name, basic_bank, basic_account)
         select '91341100MA' || lpad(g::text, 7, '0') || 'X', '投标人' || g, '县农商银行',
                '62284800' || lpad(g::text, 8, '0')
         from generate_series(1, $1) g",
    )
    .bind(n)
    .execute(&pool)
    .await?;
    sqlx::query(
        "insert into trade_registrations (section_id, party_id, contact_name, contact_phone,
             registered_by)
         select s.section_id, p.party_id, '王经理', '13800001111', $1
         from trade_parties p
         join trade_sections s
           on s.section_id = (p.party_id - 1) / 50 + (select min(section_id) from trade_sections)",
    )
    .bind(clerk)
    .execute(&pool)
    .await?;
    let regs: Vec<(i64, String, String)> = sqlx::query_as(
        "select r.registration_id, p.name, p.basic_account from trade_registrations r
         join trade_parties p using (party_id) order by r.registration_id",
    )
    .fetch_all(&pool)
    .await?;
    let ids: Vec<i64> = regs.iter().map(|r| r.0).collect();
    let subs: Vec<String> = ids.iter().map(|i| sub_account(*i)).collect();
    sqlx::query(
        "insert into trade_deposits (registration_id, sub_account, expected_fen)
         select * from unnest($1::bigint[], $2::text[]) as t, (values (2000000::bigint)) v",
    )
    .bind(&ids)
    .bind(&subs)
    .execute(&pool)
    .await?;
    sqlx::query("analyze").execute(&pool).await?;
    println!(
        "data: {} projects, {} deposits in {:.1} s",
        (n + 49) / 50,
        ids.len(),
        t.elapsed().as_secs_f64()
    );

    // The statement: every tenth line short, every hundredth from someone else.
    let paid = (chrono::Utc::now() - chrono::Duration::hours(1))
        .with_timezone(&onewindow::domain::time::zone::CENTER)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    let mut text = String::from("流水号,子账号,交易金额,交易时间,对方户名,对方账号,交易方式\n");
    for (i, ((_, name, account), sub)) in regs.iter().zip(&subs).enumerate() {
        let amount = if i % 10 == 9 { "10000.00" } else { "20000.00" };
        let payer = if i % 100 == 42 {
            "某某公司"
        } else {
            name.as_str()
        };
        text.push_str(&format!(
            "B{i:08},{sub},{amount},{paid},{payer},{account},转账\n"
        ));
    }
    let bytes = text.into_bytes();
    println!(
        "statement: {} lines, {:.1} MB",
        regs.len(),
        bytes.len() as f64 / 1e6
    );

    // A bare COPY of the same file into a scratch table: the floor an import is measured by.
    let t = Instant::now();
    let mut conn = pool.acquire().await?;
    sqlx::query(
        "create temp table copy_floor (r text, s text, a text, t text, p text, c text, m text)",
    )
    .execute(&mut *conn)
    .await?;
    let mut copy = conn
        .copy_in_raw("copy copy_floor from stdin with (format csv, header true)")
        .await?;
    copy.send(bytes.clone()).await?;
    copy.finish().await?;
    let copy_time = t.elapsed();
    drop(conn);

    let accountant = op(&pool, "taccount").await;
    let t = Instant::now();
    let mapping = receipt_file::parse_mapping(DEPOSIT_MAPPING)?;
    let lines = receipt_file::parse_with(&bytes, &mapping, &Rules::default())
        .map_err(|e| format!("{:?}", &e[..e.len().min(3)]))?;
    let parsed = t.elapsed();
    let report = deposits::import(
        &pool,
        accountant,
        &mapping.source,
        &"0".repeat(64),
        &lines,
        &Rules::default(),
    )
    .await?;
    let import_time = t.elapsed();
    println!(
        "import: {:.0} ms (parse {:.0} ms), {} new lines, {} to look at",
        ms(import_time),
        ms(parsed),
        report.new_lines,
        report.exceptions()
    );
    println!(
        "bare COPY of the same file: {:.0} ms; import / COPY = {:.1}",
        ms(copy_time),
        import_time.as_secs_f64() / copy_time.as_secs_f64()
    );
    let t = Instant::now();
    let again = deposits::import(
        &pool,
        accountant,
        &mapping.source,
        &"0".repeat(64),
        &lines,
        &Rules::default(),
    )
    .await?;
    println!(
        "the same statement again: {:.0} ms, {} new",
        ms(t.elapsed()),
        again.new_lines
    );

    // The deposit board's first page: its head (by class, awaited) and the open refunds.
    let supervisor = op(&pool, "supervisor").await;
    let mut times = vec![];
    for _ in 0..21 {
        let t = Instant::now();
        let _ = deposits::board(&pool, supervisor).await?;
        let _ = refunds::list(&pool, supervisor, true, 50).await?;
        times.push(ms(t.elapsed()));
    }
    println!(
        "deposit board, first page: median {:.1} ms (21 runs)",
        median(times)
    );
    pool.close().await;
    sqlx::query(sqlx::AssertSqlSafe(format!("drop database {name}")))
        .execute(&root)
        .await?;
    Ok(())
}
