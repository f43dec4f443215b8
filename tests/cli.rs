//! The real binary's headless commands: exit codes and messages.

mod common;

use common::{app_url, bin, pool_url, run};
use sqlx::PgPool;

#[test]
fn config_show_names_each_source() {
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("config/onewindow");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("config.toml"),
        "[ui]\ntheme = \"light\"\n[security]\nidle_lock_minutes = 20\n",
    )
    .unwrap();
    let (code, out, err) = run(bin(home.path())
        .env("ONEWINDOW_IDLE_LOCK_MINUTES", "25")
        .env("DATABASE_URL", "postgres://ow:hunter2@db/onewindow")
        .args(["--lang", "zh-CN", "config", "show"]));
    assert_eq!(code, 0, "{err}");
    // One line per setting: `key = value    # source`, the keys padded to one width.
    let line = |key: &str| -> String {
        let l = out
            .lines()
            .find(|l| l.split_whitespace().next() == Some(key))
            .unwrap_or_else(|| panic!("{key} missing: {out}"));
        l.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    assert!(
        line("ui.theme").starts_with("ui.theme = light # file "),
        "{out}"
    );
    assert_eq!(
        line("security.idle_lock_minutes"),
        "security.idle_lock_minutes = 25 # env ONEWINDOW_IDLE_LOCK_MINUTES"
    );
    assert_eq!(line("ui.lang"), "ui.lang = zh-CN # flag --lang");
    assert_eq!(
        line("database.url"),
        "database.url = postgres://ow:****@db/onewindow # env DATABASE_URL"
    );
    assert_eq!(
        line("time_limits.yellow_days_left"),
        "time_limits.yellow_days_left = 2 # default"
    );
    let columns: Vec<usize> = out
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.find(" = ").unwrap())
        .collect();
    assert!(columns.windows(2).all(|w| w[0] == w[1]), "{out}");
    assert!(!out.contains("hunter2"));
}

#[test]
fn a_bad_config_file_stops_with_its_line() {
    let home = tempfile::tempdir().unwrap();
    let f = home.path().join("bad.toml");
    std::fs::write(&f, "[ui]\nlang = \"en\"\ntheme = \"neon\"\n").unwrap();
    let (code, _, err) = run(bin(home.path())
        .arg("--config")
        .arg(&f)
        .args(["config", "show"]));
    assert_eq!(code, 1);
    assert!(
        err.contains("line 3") && err.contains("ui.theme") && err.contains("neon"),
        "{err}"
    );
}

#[test]
fn a_bad_keymap_stops_before_the_terminal_is_taken() {
    let home = tempfile::tempdir().unwrap();
    let f = home.path().join("keys.toml");
    std::fs::write(&f, "[[global]]\non = \"f3\"\nrun = \"explode\"\n").unwrap();
    let (code, out, err) = run(bin(home.path()).arg("--keymap").arg(&f));
    assert_eq!(code, 1);
    assert!(
        err.contains("keys.toml, line 3") && err.contains("unknown command `explode`"),
        "{err}"
    );
    assert!(
        !out.contains("\u{1b}[?1049h"),
        "the alternate screen was never entered"
    );
}

#[test]
fn bad_usage_exits_2() {
    let home = tempfile::tempdir().unwrap();
    let (code, _, _) = run(bin(home.path()).args(["db", "explode"]));
    assert_eq!(code, 2);
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn seed_then_verify_then_tamper(pool: PgPool) {
    let home = tempfile::tempdir().unwrap();
    let url = app_url(&pool).await;
    let (code, out, err) = run(bin(home.path())
        .args(["db", "seed", "--seed", "3", "--cases", "10"])
        // Seeding is the administrator's (the superuser here); the rest runs as the runtime role.
        .env("DATABASE_URL", pool_url(&pool)));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("26 departments"), "{out}");

    let (code, out, err) = run(bin(home.path())
        .args(["audit", "verify"])
        .env("DATABASE_URL", &url));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("audit log intact: 1 rows"), "{out}");

    let mut conn = pool.acquire().await.unwrap();
    sqlx::query("set session_replication_role = replica")
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query("update audit_log set detail = '{}'")
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    let (code, _, err) = run(bin(home.path())
        .args(["audit", "verify"])
        .env("DATABASE_URL", &url));
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("BROKEN at row 1") && err.contains("edited"),
        "{err}"
    );
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn status_lists_migrations_and_refuses_a_newer_database(pool: PgPool) {
    let home = tempfile::tempdir().unwrap();
    let url = app_url(&pool).await;
    let (code, out, err) = run(bin(home.path())
        .args(["db", "status"])
        .env("DATABASE_URL", &url));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("applied  audit log"), "{out}");
    sqlx::query(
        "insert into _sqlx_migrations (version, description, success, checksum, execution_time)
         values (99999, 'future', true, '\\x00', 0)",
    )
    .execute(&pool)
    .await
    .unwrap();
    // Refused by the owner's migration and by a normal start of the runtime role alike.
    let (code, _, err) = run(bin(home.path())
        .args(["db", "migrate"])
        .env("DATABASE_URL", pool_url(&pool)));
    assert_eq!(code, 1);
    assert!(err.contains("schema version 99999"), "{err}");
    let (code, _, err) = run(bin(home.path())
        .args(["audit", "verify"])
        .env("DATABASE_URL", &url));
    assert_eq!(code, 1);
    assert!(err.contains("schema version 99999"), "{err}");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn calendar_due_prints_the_date_and_flags_an_unloaded_year(pool: PgPool) {
    let home = tempfile::tempdir().unwrap();
    let url = app_url(&pool).await;
    // National Day 2026: Wednesday 09-30 + 1 working day is Thursday 10-08.
    let (code, out, err) = run(bin(home.path())
        .args(["calendar", "due", "--from", "2026-09-30", "--days", "1"])
        .env("DATABASE_URL", &url));
    assert_eq!((code, out.as_str()), (0, "2026-10-08\n"), "{err}");
    // Into 2027, not loaded: the provisional date, the missing year on stderr, exit 4.
    let (code, out, err) = run(bin(home.path())
        .args(["calendar", "due", "--from", "2026-12-30", "--days", "3"])
        .env("DATABASE_URL", &url));
    assert_eq!(code, 4, "{err}");
    assert_eq!(out.lines().next(), Some("2027-01-04"));
    assert!(err.contains("2027") && err.contains("provisional"), "{err}");
    let (code, _, err) = run(bin(home.path())
        .args(["calendar", "due", "--from", "2026-02-30", "--days", "3"])
        .env("DATABASE_URL", &url));
    assert_eq!(code, 2, "{err}");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn calendar_import_checks_the_file_and_the_operator(pool: PgPool) {
    onewindow::store::seed::seed(&pool, 1, 0).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let url = app_url(&pool).await;
    let bad = home.path().join("2027-bad.toml");
    std::fs::write(
        &bad,
        "year = 2027\nnotice = \"x\"\n[[festival]]\nname = \"元旦\"\nfrom = \"2027-01-01\"\nwork = [\"2027-01-05\"]\n",
    )
    .unwrap();
    let (code, _, err) = run(bin(home.path())
        .args(["calendar", "import"])
        .arg(&bad)
        .env("DATABASE_URL", &url)
        .env("ONEWINDOW_OPERATOR", "admin")
        .env("ONEWINDOW_PASSWORD", "demo1234"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("line 6") && err.contains("weekend"), "{err}");
    assert!(err.contains("nothing was loaded"), "{err}");

    let good = home.path().join("2027.toml");
    std::fs::write(
        &good,
        "year = 2027\nnotice = \"x\"\n[[festival]]\nname = \"元旦\"\nfrom = \"2027-01-01\"\n",
    )
    .unwrap();
    // Without credentials and without a terminal to ask on: usage error.
    let (code, _, err) = run(bin(home.path())
        .args(["calendar", "import"])
        .arg(&good)
        .args(["--incomplete", "--reason", "测试"])
        .env("DATABASE_URL", &url));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("ONEWINDOW_OPERATOR"), "{err}");
    // A window clerk may not.
    let (code, _, err) = run(bin(home.path())
        .args(["calendar", "import"])
        .arg(&good)
        .args(["--incomplete", "--reason", "测试"])
        .env("DATABASE_URL", &url)
        .env("ONEWINDOW_OPERATOR", "clerk")
        .env("ONEWINDOW_PASSWORD", "demo1234"));
    assert_eq!(code, 1, "{err}");
    let (code, out, err) = run(bin(home.path())
        .args(["calendar", "import"])
        .arg(&good)
        .args(["--incomplete", "--reason", "测试"])
        .env("DATABASE_URL", &url)
        .env("ONEWINDOW_OPERATOR", "admin")
        .env("ONEWINDOW_PASSWORD", "demo1234"));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("loaded 2027"), "{out}");
    let (code, out, err) = run(bin(home.path())
        .args(["calendar", "show", "--year", "2027"])
        .env("DATABASE_URL", &url));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("by admin") && out.contains("2027-01-01  周五  holiday  元旦"),
        "{out}"
    );
    let (code, out, _) = run(bin(home.path())
        .args(["calendar", "due", "--from", "2026-12-30", "--days", "3"])
        .env("DATABASE_URL", &url));
    assert_eq!((code, out.as_str()), (0, "2027-01-05\n"));
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn catalog_show_edit_put_round_trip(pool: PgPool) {
    onewindow::store::seed::seed(&pool, 1, 0).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let url = app_url(&pool).await;
    let (code, shown, err) = run(bin(home.path())
        .args(["catalog", "show", "SCJG-001"])
        .env("DATABASE_URL", &url));
    assert_eq!(code, 0, "{err}");
    assert!(shown.contains("version = 1"), "{shown}");
    let file = home.path().join("item.toml");
    let admin = |c: &mut std::process::Command| {
        c.env("DATABASE_URL", &url)
            .env("ONEWINDOW_OPERATOR", "admin")
            .env("ONEWINDOW_PASSWORD", "demo1234");
    };
    // A bad edit: every problem with its line, nothing saved.
    std::fs::write(
        &file,
        shown
            .replace("statutory_days = 15", "statutory_days = 400")
            .replace(
                "category = \"administrative_licensing\"",
                "category = \"x\"",
            ),
    )
    .unwrap();
    let mut c = bin(home.path());
    admin(c.args(["catalog", "put"]).arg(&file));
    let (code, _, err) = run(&mut c);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("line 6") && err.contains("category"), "{err}");
    assert!(
        err.contains("line 9") && err.contains("statutory_days 400"),
        "{err}"
    );
    // A good one.
    std::fs::write(
        &file,
        shown.replace("promised_days = 0", "promised_days = 2"),
    )
    .unwrap();
    let mut c = bin(home.path());
    admin(c.args(["catalog", "put"]).arg(&file));
    let (code, out, err) = run(&mut c);
    assert_eq!(
        (code, out.as_str()),
        (0, "changed SCJG-001: promised_days\n"),
        "{err}"
    );
    // The same file again is stale now (version 1 → 2).
    let mut c = bin(home.path());
    admin(c.args(["catalog", "put"]).arg(&file));
    let (code, _, err) = run(&mut c);
    assert_eq!(code, 1);
    assert!(err.contains("changed by someone else"), "{err}");
    let (_, list, _) = run(bin(home.path())
        .args(["catalog", "list", "--search", "SCJG-001"])
        .env("DATABASE_URL", &url));
    assert!(
        list.contains("SCJG-001\tSCJG\tadministrative_licensing\t15\t2\tyes\tno\t企业设立登记"),
        "{list}"
    );
    let mut c = bin(home.path());
    admin(c.args(["catalog", "retire", "SCJG-001", "--reason", "测试"]));
    let (code, out, err) = run(&mut c);
    assert_eq!((code, out.as_str()), (0, "retired SCJG-001\n"), "{err}");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn supervise_issues_cards_once_and_the_report_adds_up(pool: PgPool) {
    onewindow::store::seed::seed(&pool, 5, 1500).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let url = app_url(&pool).await;
    let (code, out, err) = run(bin(home.path())
        .args(["supervise"])
        .env("DATABASE_URL", &url));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("issued ") && !out.starts_with("issued 0 yellow and 0 red"),
        "{out}"
    );
    let (code, out, _) = run(bin(home.path())
        .args(["supervise"])
        .env("DATABASE_URL", &url));
    assert_eq!(
        (code, out.as_str()),
        (
            0,
            "issued 0 yellow and 0 red cards; 0 notifications; 0 silent branches deemed consent\n"
        )
    );

    // The center's today, as the command's own session has it (the test pool's session is UTC).
    let today: chrono::NaiveDate =
        sqlx::query_scalar("select (now() at time zone 'Asia/Shanghai')::date")
            .fetch_one(&pool)
            .await
            .unwrap();
    let from = (today - chrono::Days::new(90)).to_string();
    let to = today.to_string();
    let report = |who: &str, extra: &[&str]| {
        run(bin(home.path())
            .args(["report", "efficiency", "--from", &from, "--to", &to])
            .args(extra)
            .env("DATABASE_URL", &url)
            .env("ONEWINDOW_OPERATOR", who)
            .env("ONEWINDOW_PASSWORD", "demo1234"))
    };
    let (code, csv, err) = report("supervisor", &["--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        csv.starts_with("\u{feff}department,name,accepted,completed,on_time"),
        "{csv}"
    );
    // The total row is the sum of the department rows, column by column.
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let (total, depts) = rows.split_last().unwrap();
    assert_eq!(total[0], "TOTAL");
    for col in [2, 3, 4, 7, 8, 9, 10] {
        let sum: i64 = depts.iter().map(|r| r[col].parse::<i64>().unwrap()).sum();
        assert_eq!(total[col].parse::<i64>().unwrap(), sum, "column {col}");
    }
    let accepted: i64 = total[2].parse().unwrap();
    assert!(accepted > 0);
    let cards: i64 = sqlx::query_scalar("select count(*) from supervision_cards")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        total[7].parse::<i64>().unwrap() + total[8].parse::<i64>().unwrap(),
        cards
    );
    let (code, table, _) = report("supervisor", &[]);
    assert_eq!(code, 0);
    assert!(table.lines().any(|l| l.starts_with("TOTAL")), "{table}");
    let (code, _, err) = report("clerk", &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("not permitted"), "{err}");
    let (code, _, err) = run(bin(home.path())
        .args(["report", "efficiency", "--from", &to, "--to", &from])
        .env("DATABASE_URL", &url));
    assert_eq!(code, 2, "{err}");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn lookup_prints_masked_hits(pool: PgPool) {
    onewindow::store::seed::seed(&pool, 2, 300).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let url = app_url(&pool).await;
    let (id, case_no): (String, String) = sqlx::query_as(
        "select c.applicant_id_no, c.case_no from cases c join operators o
         on o.department_id = c.department_id
         where o.code = 'chief' and c.applicant_kind = 'person' order by c.case_id limit 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let tail = &id[id.len() - 6..];
    let (code, out, err) = run(bin(home.path())
        .args(["lookup", tail])
        .env("DATABASE_URL", &url)
        .env("ONEWINDOW_OPERATOR", "chief")
        .env("ONEWINDOW_PASSWORD", "demo1234"));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("kind"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("id_no") && l.contains(&case_no)),
        "{out}"
    );
    assert!(!out.contains(&id), "the ID is masked: {out}");
    let (code, out, err) = run(bin(home.path())
        .args(["lookup", "查无此人名"])
        .env("DATABASE_URL", &url)
        .env("ONEWINDOW_OPERATOR", "chief")
        .env("ONEWINDOW_PASSWORD", "demo1234"));
    assert_eq!((code, out.lines().count()), (0, 1), "{err}");
    assert!(err.contains("nothing found"), "{err}");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn reconcile_exit_codes_and_a_safe_rerun(pool: PgPool) {
    onewindow::store::seed::seed(&pool, 1, 0).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let url = app_url(&pool).await;
    let cashier = |c: &mut std::process::Command| {
        c.env("DATABASE_URL", &url)
            .env("ONEWINDOW_OPERATOR", "cashier")
            .env("ONEWINDOW_PASSWORD", "demo1234");
    };
    // A day with nothing to reconcile: everything matched, exit 0.
    let mut c = bin(home.path());
    cashier(c.args(["reconcile", "--date", "2020-01-06"]));
    let (code, out, err) = run(&mut c);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("matched"), "{out}");
    // A malformed file: every problem with its line, nothing imported, exit 2.
    let bad = home.path().join("bad.csv");
    std::fs::write(
        &bad,
        "票据号码,缴款码,金额,缴款时间\nP1,1,12.345,2026-11-25 09:00:00\nP2,2,1.00,yesterday\n",
    )
    .unwrap();
    let mut c = bin(home.path());
    cashier(
        c.args(["reconcile", "--date", "2026-11-25", "--import"])
            .arg(&bad),
    );
    let (code, _, err) = run(&mut c);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("line 2") && err.contains("line 3"), "{err}");
    // An unidentified receipt: exit 5 with the summary; the second run imports nothing new.
    let good = home.path().join("export.csv");
    std::fs::write(
        &good,
        "\u{feff}票据号码,缴款码,金额,缴款时间\nP9,99999999999999999999,8.80,2020-01-06 09:00:00\n",
    )
    .unwrap();
    let report = home.path().join("report.csv");
    for (run_no, new) in [(1, 1), (2, 0)] {
        let mut c = bin(home.path());
        cashier(
            c.args(["reconcile", "--date", "2020-01-06", "--import"])
                .arg(&good)
                .arg("--report")
                .arg(&report),
        );
        let (code, out, err) = run(&mut c);
        assert_eq!(code, 5, "run {run_no}: {err}");
        assert!(out.contains(&format!("1 lines, {new} new")), "{out}");
        assert!(
            out.lines()
                .any(|l| l.starts_with("unidentified") && l.ends_with("8.80")),
            "{out}"
        );
        assert!(err.contains("1 exception(s) remain"), "{err}");
    }
    let csv = std::fs::read_to_string(&report).unwrap();
    assert!(
        csv.contains("receipt,P9,99999999999999999999,8.80,,unidentified"),
        "{csv}"
    );
}

/// The example export in docs/examples reconciles against a fresh demo database (seed 42, 2,000
/// cases, as `onewindow demo` makes it) with every exception class: the documented counts.
#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn the_documented_example_reconciles_as_documented(pool: PgPool) {
    onewindow::store::seed::seed(&pool, 42, 2000).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/examples/fiscal-export-2026-11-20.csv"
    );
    let (code, out, err) = run(bin(home.path())
        .args(["reconcile", "--date", "2026-11-20", "--import", example])
        .env("DATABASE_URL", app_url(&pool).await)
        .env("ONEWINDOW_OPERATOR", "cashier")
        .env("ONEWINDOW_PASSWORD", "demo1234"));
    assert_eq!(code, 5, "{err}");
    let counts: Vec<(String, String, String)> = out
        .lines()
        .skip_while(|l| !l.starts_with("class"))
        .skip(1)
        .take_while(|l| !l.starts_with("expected "))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f[0].to_string(), f[1].to_string(), f[2].to_string())
        })
        .collect();
    let want = [
        ("matched", "1", "20.00"),
        ("amount_mismatch", "1", "15.00"),
        ("duplicate", "2", "40.00"),
        ("unidentified", "1", "35.00"),
        ("reversal", "1", "-20.00"),
        ("outstanding", "2", "40.00"),
        ("refund", "0", "0.00"),
    ];
    let got: Vec<(&str, &str, &str)> = counts
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    assert_eq!(got, want, "{out}");
    // The day's expected and received (issue 14.11): the documented figures.
    assert!(
        out.lines().any(|l| l == "expected 100.00 · received 90.00"),
        "{out}"
    );

    // The night shift clears exceptions by hand: link the unidentified receipt to an
    // outstanding assessment, refund one duplicate, annotate the other outstanding one.
    let outstanding: Vec<String> = sqlx::query_scalar(
        "select payment_code from fee_assessments a where not exists
           (select 1 from receipts r where r.payment_code = a.payment_code) order by 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let url = app_url(&pool).await;
    let cashier = |args: &[&str]| {
        run(bin(home.path())
            .args(args)
            .env("DATABASE_URL", &url)
            .env("ONEWINDOW_OPERATOR", "cashier")
            .env("ONEWINDOW_PASSWORD", "demo1234"))
    };
    let (code, _, err) = cashier(&["fee", "link", "FS2026112000005", &outstanding[0]]);
    assert_eq!(code, 2, "a link needs --reason: {err}");
    let (code, out, err) = cashier(&[
        "fee",
        "link",
        "FS2026112000005",
        &outstanding[0],
        "--reason",
        "缴款人抄错缴款码",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = cashier(&["fee", "refund", "FS2026112000004", "--reason", "重复缴费"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = cashier(&["fee", "refund", "FS2026112000004", "--reason", "again"]);
    assert_eq!(code, 1, "already marked: {err}");
    let (code, _, err) = cashier(&[
        "fee",
        "note",
        "--date",
        "2026-11-20",
        "--code",
        &outstanding[1],
        "已电话催缴",
    ]);
    assert_eq!(code, 0, "{err}");
    let report = home.path().join("report.csv");
    let (code, out, err) = cashier(&[
        "reconcile",
        "--date",
        "2026-11-20",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(code, 5, "the reversal and the rest remain: {err}");
    for line in [
        "matched 2 40.00",
        "amount_mismatch 2 50.00",
        "duplicate 0 0.00",
        "unidentified 0 0.00",
        "outstanding 1 20.00",
        "refund 1 20.00",
    ] {
        let found = out
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>().join(" ") == line);
        assert!(found, "{line} in {out}");
    }
    let csv = std::fs::read_to_string(&report).unwrap();
    assert!(csv.contains(&format!(",{}", outstanding[0])), "{csv}");
    assert!(csv.contains("已电话催缴"), "{csv}");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn routing_templates_are_versioned_from_the_command_line(pool: PgPool) {
    onewindow::store::seed::seed(&pool, 42, 0).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let url = app_url(&pool).await;
    let as_op = |who: &str, args: &[&str]| {
        run(bin(home.path())
            .args(args)
            .env("DATABASE_URL", &url)
            .env("ONEWINDOW_OPERATOR", who)
            .env("ONEWINDOW_PASSWORD", "demo1234"))
    };
    let (code, _, err) = as_op(
        "admin",
        &["route", "template", "SCJG-005", "--stage", "SCJG:x"],
    );
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = as_op(
        "clerk",
        &["route", "template", "SCJG-005", "--stage", "SCJG"],
    );
    assert_eq!(code, 1, "only administrators: {err}");
    let (code, out, err) = as_op(
        "admin",
        &[
            "route",
            "template",
            "SCJG-005",
            "--stage",
            "SCJG:5,WJW",
            "--stage",
            "HBJ:10",
            "--deemed-consent",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("SCJG-005 routing template version 2"), "{out}");
    // A case accepted now follows version 2 and shows its planned second stage.
    let clerk: i64 = sqlx::query_scalar("select operator_id from operators where code = 'clerk'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let onewindow::store::cases::IntakeOutcome::Accepted { case_no, .. } =
        common::accept_item(&pool, clerk, "SCJG-005").await
    else {
        panic!("accepted")
    };
    let (code, out, err) = as_op("chief", &["route", "show", &case_no]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("template v2"), "{out}");
    assert!(
        out.contains("planned  生态环境局 (10 working days)"),
        "{out}"
    );
    assert_eq!(out.matches("open").count(), 2, "{out}");
}

#[test]
fn a_password_on_the_command_line_is_refused_and_config_show_hides_every_form() {
    // Issue 15.6: `--database-url` with a password shows in `ps`; a password with '@' leaked.
    let home = tempfile::tempdir().unwrap();
    let (code, out, err) = run(bin(home.path()).args([
        "--database-url",
        "postgres://ow:hunter2@db/onewindow",
        "config",
        "show",
    ]));
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("--database-url") && err.contains("ps"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
    for url in [
        "postgres://ow:pa@ss:wo/rd@db/onewindow",
        "postgres://ow@db/onewindow?password=pa@ss",
        "postgres://ow@db/onewindow?sslpassword=pa@ss&sslmode=require",
    ] {
        let (code, out, err) = run(bin(home.path())
            .args(["config", "show"])
            .env("DATABASE_URL", url));
        assert_eq!(code, 0, "{err}");
        assert!(
            !out.contains("pa@ss") && !out.contains("ss:wo") && !out.contains("rd@"),
            "{out}"
        );
        assert!(out.contains("****"), "{out}");
    }
}
