//! The real binary's fee commands on files people really send: the report CSV read back by a
//! CSV reader, and the import's refusals of bad input, each naming its line (issue 14).

mod common;

use common::{app_url, bin, run};
use sqlx::PgPool;

/// The binary signed in as the demo cashier on the test's database.
fn cashier(url: &str, home: &std::path::Path) -> std::process::Command {
    let mut c = bin(home);
    c.env("DATABASE_URL", url)
        .env("ONEWINDOW_OPERATOR", "cashier")
        .env("ONEWINDOW_PASSWORD", "demo1234");
    c
}

/// Reads a report back with the csv crate's reader: the header and every row.
fn read_report(path: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("the report starts with a BOM");
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// Issue 14.15: a receipt number with a comma and a line break stays one cell; cells a
/// spreadsheet would run as a formula are written with a leading quote.
#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn the_report_csv_is_quoted_and_carries_no_formula(pool: PgPool) {
    onewindow::store::seed::seed(&pool, 1, 0).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let export = home.path().join("export.csv");
    std::fs::write(
        &export,
        "票据号码,缴款码,金额,缴款时间\n\
         \"P,1\nX\",99999999999999999999,8.80,2020-01-06 09:00:00\n\
         \"=HYPERLINK(\"\"http://evil\"\")\",@SUM(A1),1.00,2020-01-06 09:01:00\n\
         \"+cmd|' /C calc'!A0\",\"-2+3\",2.00,2020-01-06 09:02:00\n",
    )
    .unwrap();
    let report = home.path().join("report.csv");
    let (code, out, err) = run(cashier(&app_url(&pool).await, home.path())
        .args(["reconcile", "--date", "2020-01-06", "--import"])
        .arg(&export)
        .arg("--report")
        .arg(&report));
    assert_eq!(code, 5, "{out}{err}");
    let (header, rows) = read_report(&report);
    assert_eq!(header.len(), 10);
    assert_eq!(header[1], "reference");
    assert_eq!(
        rows.len(),
        4,
        "one row per receipt and the day's, none shifted: {rows:?}"
    );
    assert!(rows.iter().all(|r| r.len() == 10), "{rows:?}");
    // The day's figures, last (issue 14.11): the same as the summary printed.
    assert_eq!(
        rows[3][..6],
        ["day", "2020-01-06", "", "11.80", "0.00", "total"]
    );
    assert!(out.contains("expected 0.00 · received 11.80"), "{out}");
    let refs: Vec<(&str, &str)> = rows[..3]
        .iter()
        .map(|r| (r[1].as_str(), r[2].as_str()))
        .collect();
    assert_eq!(
        refs,
        [
            ("'+cmd|' /C calc'!A0", "'-2+3"),
            ("'=HYPERLINK(\"http://evil\")", "'@SUM(A1)"),
            ("P,1\nX", "99999999999999999999"),
        ]
    );
    assert!(rows[..3].iter().all(|r| r[5] == "unidentified"), "{rows:?}");
    assert_eq!(rows[2][3], "8.80");
}

/// Issue 14.16: a line of 999,999,999,999.99 is over the per-line maximum (a setting) and is
/// refused with its line; with the maximum raised, 100,000 such lines sum past what 64 bits hold
/// and the command says so instead of printing a wrapped negative.
#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn huge_amounts_are_refused_or_overflow_clearly(pool: PgPool) {
    onewindow::store::seed::seed(&pool, 1, 0).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let export = home.path().join("export.csv");
    std::fs::write(
        &export,
        "票据号码,缴款码,金额,缴款时间\n\
         P1,99999999999999999999,8.80,2020-01-06 09:00:00\n\
         P2,99999999999999999999,999999999999.99,2020-01-06 09:00:00\n",
    )
    .unwrap();
    let (code, out, err) = run(cashier(&app_url(&pool).await, home.path())
        .args(["reconcile", "--date", "2020-01-06", "--import"])
        .arg(&export));
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("line 3")
            && err.contains("999999999999.99")
            && err.contains("10000000.00")
            && err.contains("fees.max_line_yuan"),
        "{err}"
    );
    assert!(!err.contains("line 2"), "{err}");

    let mut big = String::from("票据号码,缴款码,金额,缴款时间\n");
    for i in 0..100_000 {
        big.push_str(&format!(
            "B{i:06},99999999999999999999,999999999999.99,2020-01-07 09:00:00\n"
        ));
    }
    std::fs::write(&export, big).unwrap();
    let (code, out, err) = run(cashier(&app_url(&pool).await, home.path())
        .env("ONEWINDOW_FEES_MAX_LINE_YUAN", "1000000000000")
        .args(["reconcile", "--date", "2020-01-07", "--import"])
        .arg(&export));
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("100000 new"), "{out}");
    assert!(
        err.contains("too large") && !err.contains("panicked"),
        "{err}"
    );
    assert!(!out.contains("-8446744"), "no wrapped sum: {out}");
}

/// Runs `reconcile --import` of this file (and mapping, if any) as the cashier; returns the exit
/// code and stderr, and checks that nothing at all was imported.
async fn refused_import(pool: &PgPool, file: &str, mapping: Option<&str>) -> (i32, String) {
    onewindow::store::seed::seed(pool, 1, 0).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let export = home.path().join("export.csv");
    std::fs::write(&export, file).unwrap();
    let mut c = cashier(&app_url(pool).await, home.path());
    c.args(["reconcile", "--date", "2020-01-06", "--import"])
        .arg(&export);
    if let Some(m) = mapping {
        let path = home.path().join("mapping.toml");
        std::fs::write(&path, m).unwrap();
        c.arg("--mapping").arg(&path);
    }
    let (code, out, err) = run(&mut c);
    let n: i64 = sqlx::query_scalar("select count(*) from receipts")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(n, 0, "nothing imported: {out}{err}");
    (code, err)
}

const HEADER: &str = "票据号码,缴款码,金额,缴款时间,缴款人,原票据号码\n";
const LINE: &str = "P1,99999999999999999999,8.80,2020-01-06 09:00:00,张三,\n";

/// Issue 14.17: a column named twice in the header (which one is the amount?).
#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_duplicated_header_column_is_refused(pool: PgPool) {
    let file = format!("票据号码,缴款码,金额,缴款时间,金额\n{LINE}");
    let (code, err) = refused_import(&pool, &file, None).await;
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("line 1") && err.contains("\"金额\" appears twice"),
        "{err}"
    );
}

/// Issue 14.17: a negative line must name a receipt that exists, in the file or already
/// imported from the same source.
#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_negative_line_naming_no_receipt_is_refused(pool: PgPool) {
    let file = format!(
        "{HEADER}{LINE}P2,99999999999999999999,-8.80,2020-01-06 10:00:00,张三,P1\n\
         P3,99999999999999999999,-1.00,2020-01-06 10:00:00,张三,\n\
         P4,99999999999999999999,-2.00,2020-01-06 10:00:00,张三,NOSUCH\n"
    );
    let (code, err) = refused_import(&pool, &file, None).await;
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("line 4") && err.contains("names no receipt"),
        "empty 原票据号码: {err}"
    );
    // With the empty one fixed, the unknown receipt is refused by the import, with its line.
    let file = format!(
        "{HEADER}{LINE}P2,99999999999999999999,-8.80,2020-01-06 10:00:00,张三,P1\n\
         P4,99999999999999999999,-2.00,2020-01-06 10:00:00,张三,NOSUCH\n"
    );
    let home = tempfile::tempdir().unwrap();
    let export = home.path().join("export.csv");
    std::fs::write(&export, file).unwrap();
    let (code, out, err) = run(cashier(&app_url(&pool).await, home.path())
        .args(["reconcile", "--date", "2020-01-06", "--import"])
        .arg(&export));
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("line 4") && err.contains("NOSUCH") && !err.contains("line 3"),
        "{err}"
    );
    let n: i64 = sqlx::query_scalar("select count(*) from receipts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 0, "nothing of the file stays");
}

/// Issue 14.17: a receipt dated 9999-12-31 is refused (more than fees.max_days_ahead days
/// after the database's today).
#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_receipt_dated_far_ahead_is_refused(pool: PgPool) {
    let file = format!("{HEADER}{LINE}P2,99999999999999999999,1.00,9999-12-31 09:00:00,张三,\n");
    let (code, err) = refused_import(&pool, &file, None).await;
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("line 3") && err.contains("9999-12-31") && err.contains("fees.max_days_ahead"),
        "{err}"
    );
}

/// Issue 14.17: a mapping whose source is empty (receipt numbers are unique per source).
#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_mapping_with_an_empty_source_is_refused(pool: PgPool) {
    let mapping = onewindow::domain::fees::receipt_file::FISCAL_MAPPING
        .replace("source = \"fiscal\"", "source = \"  \"");
    assert_ne!(
        mapping,
        onewindow::domain::fees::receipt_file::FISCAL_MAPPING
    );
    let (code, err) = refused_import(&pool, &format!("{HEADER}{LINE}"), Some(&mapping)).await;
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("source is empty") && err.contains("line "),
        "{err}"
    );
}

/// Issue 14.17: a full-width comma as the delimiter, in the mapping or in the file.
#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_full_width_comma_delimiter_is_refused(pool: PgPool) {
    let mapping = onewindow::domain::fees::receipt_file::FISCAL_MAPPING
        .replace("delimiter = \",\"", "delimiter = \"，\"");
    assert_ne!(
        mapping,
        onewindow::domain::fees::receipt_file::FISCAL_MAPPING
    );
    let file = format!("{HEADER}{LINE}").replace(',', "，");
    let (code, err) = refused_import(&pool, &file, Some(&mapping)).await;
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("delimiter") && err.contains("full-width comma"),
        "{err}"
    );
    // The same file with the default mapping: the header is one column of full-width commas.
    let home = tempfile::tempdir().unwrap();
    let export = home.path().join("export.csv");
    std::fs::write(&export, file).unwrap();
    let (code, out, err) = run(cashier(&app_url(&pool).await, home.path())
        .args(["reconcile", "--date", "2020-01-06", "--import"])
        .arg(&export));
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("line 1") && err.contains("full-width commas"),
        "{err}"
    );
}

/// Issue 14.17: 23:59:60 is no time a payment was made (chrono reads it as a leap second).
#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_leap_second_time_is_refused(pool: PgPool) {
    let file = format!("{HEADER}{LINE}P2,99999999999999999999,1.00,2020-01-06 23:59:60,张三,\n");
    let (code, err) = refused_import(&pool, &file, None).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("line 3") && err.contains("23:59:60"), "{err}");
}
