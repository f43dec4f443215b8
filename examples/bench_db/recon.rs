//! The night shift at scale: validate + import + match 1,000,000 receipts against 1,000,000
//! assessments through the store layer, beside PostgreSQL's own COPY of the same file and a bare
//! join of the same data, in the same run (docs/performance.md).

use std::time::Instant;

use chrono::NaiveDate;
use onewindow::domain::fees::payment_code;
use onewindow::domain::fees::receipt_file::{self, FISCAL_MAPPING};
use onewindow::store::fees;
use sqlx::PgPool;

/// A business day of its own, so the demo's fee day is left alone.
const DAY: NaiveDate = NaiveDate::from_ymd_opt(2026, 1, 6).expect("a real date");
const RUNS: usize = 3;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// One assessment per case (up to `n`), once: untimed set-up.
async fn assessments(pool: &PgPool, n: i64) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let have: i64 =
        sqlx::query_scalar("select count(*) from fee_assessments where business_date = $1")
            .bind(DAY)
            .fetch_one(pool)
            .await?;
    if have == 0 {
        let cases: Vec<(i64, i64, i64)> = sqlx::query_as(
            "select case_id, department_id, received_by from cases order by case_id limit $1",
        )
        .bind(n)
        .fetch_all(pool)
        .await?;
        for chunk in cases.chunks(100_000) {
            let ids: Vec<i64> = chunk.iter().map(|c| c.0).collect();
            let codes: Vec<String> = chunk
                .iter()
                .map(|c| payment_code::make(DAY, c.1, c.0))
                .collect();
            let fen: Vec<i64> = chunk.iter().map(|c| 1000 + (c.0 % 50) * 100).collect();
            let by: Vec<i64> = chunk.iter().map(|c| c.2).collect();
            sqlx::query(
                "insert into fee_assessments (case_id, payment_code, amount_fen, business_date,
                     created_by)
                 select c, p, a, $5, b
                 from unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[]) as t(c, p, a, b)",
            )
            .bind(&ids)
            .bind(&codes)
            .bind(&fen)
            .bind(&by)
            .bind(DAY)
            .execute(pool)
            .await?;
        }
        sqlx::query("analyze fee_assessments").execute(pool).await?;
    }
    sqlx::query_as(
        "select payment_code, amount_fen from fee_assessments where business_date = $1
         order by assessment_id",
    )
    .bind(DAY)
    .fetch_all(pool)
    .await
}

/// The fiscal export of the day: one receipt per assessment, with every class sprinkled in
/// (1 % paid the wrong amount, 1 % paid twice, 0.5 % unknown codes, 0.5 % reversed, 1 % not
/// paid at all). UTF-8 with a BOM, as the fiscal system writes it.
fn export(owed: &[(String, i64)]) -> Vec<u8> {
    let mut s = String::with_capacity(owed.len() * 90);
    s.push('\u{feff}');
    s.push_str("票据号码,缴款码,金额,缴款时间,缴款人,原票据号码\n");
    let mut no = 0usize;
    let mut line = |s: &mut String, code: &str, fen: i64, reverses: &str| {
        no += 1;
        let sign = if fen < 0 { "-" } else { "" };
        s.push_str(&format!(
            "B{no:09},{code},{sign}{}.{:02},2026-01-06 {:02}:{:02}:{:02},缴款人,{reverses}\n",
            fen.abs() / 100,
            fen.abs() % 100,
            8 + no % 9,
            no % 60,
            (no / 60) % 60
        ));
        no
    };
    for (i, (code, fen)) in owed.iter().enumerate() {
        match i % 200 {
            0 | 1 => {}                                    // outstanding
            2 | 3 => _ = line(&mut s, code, fen + 50, ""), // amount mismatch
            4 | 5 => {
                line(&mut s, code, *fen, ""); // duplicate
                line(&mut s, code, *fen, "");
            }
            6 => _ = line(&mut s, "10000000000000000000", *fen, ""), // unidentified
            7 => {
                let paid = line(&mut s, code, *fen, ""); // reversed
                line(&mut s, code, -fen, &format!("B{paid:09}"));
            }
            _ => _ = line(&mut s, code, *fen, ""),
        }
    }
    s.into_bytes()
}

pub async fn run(pool: &PgPool, cashier: i64, n: i64) -> Result<(), Box<dyn std::error::Error>> {
    let t = Instant::now();
    let owed = assessments(pool, n).await?;
    let file = export(&owed);
    let path = std::env::temp_dir().join("onewindow-bench-receipts.csv");
    std::fs::write(&path, &file)?;
    println!(
        "\nreconcile set-up: {} assessments on {DAY}, an export of {:.0} MB ({:.1} s, untimed)",
        owed.len(),
        file.len() as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let mapping = receipt_file::parse_mapping(FISCAL_MAPPING).map_err(|e| e.to_string())?;
    let (mut parse, mut import, mut classify, mut total) = (vec![], vec![], vec![], vec![]);
    let (mut copy, mut join) = (vec![], vec![]);
    let mut lines_seen = 0;
    let mut summary = vec![];
    for _ in 0..RUNS {
        // A clean day each run: the receipts of the previous run go (untimed).
        sqlx::query("delete from receipts where business_date = $1")
            .bind(DAY)
            .execute(pool)
            .await?;
        sqlx::query("vacuum analyze receipts").execute(pool).await?;
        let t0 = Instant::now();
        let bytes = std::fs::read(&path)?;
        let lines = receipt_file::parse(&bytes, &mapping).map_err(|e| format!("{:?}", &e[..1]))?;
        let t1 = Instant::now();
        let r = fees::import(pool, cashier, "bench", "bench.csv", &lines).await?;
        let t2 = Instant::now();
        let rows = fees::classify(pool, cashier, DAY).await?;
        let t3 = Instant::now();
        summary = fees::summarise(&rows)?;
        lines_seen = r.lines;
        parse.push((t1 - t0).as_secs_f64());
        import.push((t2 - t1).as_secs_f64());
        classify.push((t3 - t2).as_secs_f64());
        total.push((t3 - t0).as_secs_f64());

        // The floor: PostgreSQL COPYs the same file into a bare table and joins it.
        let mut conn = pool.acquire().await?;
        sqlx::query("drop table if exists bench_copy")
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "create unlogged table bench_copy (receipt_no text, payment_code text, amount text,
                 paid_at text, payer text, reverses text)",
        )
        .execute(&mut *conn)
        .await?;
        let c0 = Instant::now();
        let mut sink = conn
            .copy_in_raw("copy bench_copy from stdin with (format csv, header true)")
            .await?;
        // COPY takes the file as it is, less the BOM (it would be part of the header).
        sink.send(&bytes[3..]).await?;
        sink.finish().await?;
        let c1 = Instant::now();
        let _: (i64, Option<i64>) = sqlx::query_as(
            "select count(*), sum(a.amount_fen)::bigint from bench_copy r
             join fee_assessments a using (payment_code)",
        )
        .fetch_one(&mut *conn)
        .await?;
        let c2 = Instant::now();
        copy.push((c1 - c0).as_secs_f64());
        join.push((c2 - c1).as_secs_f64());
        sqlx::query("drop table bench_copy")
            .execute(&mut *conn)
            .await?;
    }
    let (p, i, c, tt) = (
        median(parse),
        median(import),
        median(classify),
        median(total),
    );
    let (cp, jn) = (median(copy), median(join));
    println!(
        "| reconcile: validate + import + match {lines_seen} receipts against {} assessments | {tt:.2} s (validate {p:.2}, import {i:.2}, match {c:.2}) | COPY {cp:.2} s + bare join {jn:.2} s = {:.2} s | {:.1}× | |",
        owed.len(),
        cp + jn,
        tt / (cp + jn)
    );
    let classes: Vec<String> = summary
        .iter()
        .map(|(class, n, _)| format!("{class} {n}"))
        .collect();
    println!("  classes: {}", classes.join(", "));
    // The bench's receipts go, so the next run (and the queue figures) start clean.
    sqlx::query("delete from receipts where business_date = $1")
        .bind(DAY)
        .execute(pool)
        .await?;
    Ok(())
}
