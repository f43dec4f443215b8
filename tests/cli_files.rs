//! The real binary reading the files an administrator hands it (catalogue and calendar files,
//! keymaps, the fiscal export): bad bytes named by line and column, sizes bounded, problem
//! lists capped.

mod common;

use std::time::{Duration, Instant};

use common::{app_url, bin, run};
use sqlx::PgPool;

#[test]
fn a_binary_keymap_is_named_at_its_first_bad_byte() {
    let home = tempfile::tempdir().unwrap();
    let png = home.path().join("keys.png");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").unwrap();
    let (code, _, err) = run(bin(home.path()).arg("--keymap").arg(&png));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("keys.png, line 1, column 1"), "{err}");
    assert!(err.contains("89"), "the byte is shown: {err}");
    let elf = home.path().join("keys.toml");
    std::fs::write(&elf, b"# my keys\n\x7fELF\x02\x01\x01\x00\x00").unwrap();
    let (code, _, err) = run(bin(home.path()).arg("--keymap").arg(&elf));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("keys.toml, line 2, column 8") && err.contains("NUL byte"),
        "{err}"
    );
    let (code, _, err) = run(bin(home.path())
        .arg("--keymap")
        .arg(home.path().join("absent.toml")));
    assert_eq!(code, 1, "{err}");
    assert!(
        !err.contains("line 0") && err.contains("absent.toml"),
        "{err}"
    );
}

fn item_file(materials: usize, name: impl Fn(usize) -> String) -> String {
    let mut t = String::from(
        "code = \"TEST-0001\"\ndepartment = \"SCJG\"\ncategory = \"administrative_licensing\"\n\
         name_zh = \"测试许可\"\nname_en = \"Test\"\nstatutory_days = 20\npromised_days = 5\n\
         handling_body = \"局\"\nlegal_basis = \"法\"\nconditions = \"条件\"\nprocedure = \"程序\"\n\
         result_document = \"证\"\nsupervision_channel = \"12345\"\n",
    );
    for i in 0..materials {
        t.push_str(&format!(
            "\n[[material]]\nname_zh = \"{}\"\nname_en = \"m\"\n",
            name(i)
        ));
    }
    t
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn catalogue_files_fit_their_columns_save_set_based_and_print_safely(pool: PgPool) {
    onewindow::store::seed::seed(&pool, 1, 0).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let url = app_url(&pool).await;
    let admin = |c: &mut std::process::Command| {
        c.env("DATABASE_URL", &url)
            .env("ONEWINDOW_OPERATOR", "admin")
            .env("ONEWINDOW_PASSWORD", "demo1234");
    };
    // version = 2^32 + 1 is not version 1: refused with its line, nothing saved.
    let (_, shown, _) = run(bin(home.path())
        .args(["catalog", "show", "SCJG-001"])
        .env("DATABASE_URL", &url));
    let edited = shown
        .replace("version = 1", "version = 4294967297")
        .replace("promised_days = 0", "promised_days = 2");
    let line = edited
        .lines()
        .position(|l| l.starts_with("version"))
        .unwrap()
        + 1;
    let file = home.path().join("item.toml");
    std::fs::write(&file, &edited).unwrap();
    let mut c = bin(home.path());
    admin(c.args(["catalog", "put"]).arg(&file));
    let (code, out, err) = run(&mut c);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains(&format!("line {line}")) && err.contains("version 4294967297"),
        "{err}"
    );
    let (_, again, _) = run(bin(home.path())
        .args(["catalog", "show", "SCJG-001"])
        .env("DATABASE_URL", &url));
    assert_eq!(again, shown, "nothing was saved");

    // More materials than catalogue.max_materials (200 by default): refused at the first one over.
    std::fs::write(&file, item_file(201, |i| format!("材料{i}"))).unwrap();
    let mut c = bin(home.path());
    admin(c.args(["catalog", "put", "--check"]).arg(&file));
    let (code, _, err) = run(&mut c);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("catalogue.max_materials (200)"), "{err}");

    // 5,000 materials, the maximum raised: saved in a few statements, then reordered.
    std::fs::write(&file, item_file(5000, |i| format!("材料{i}"))).unwrap();
    let mut c = bin(home.path());
    admin(
        c.args(["catalog", "put"])
            .arg(&file)
            .env("ONEWINDOW_CATALOGUE_MAX_MATERIALS", "5000"),
    );
    let t = Instant::now();
    let (code, out, err) = run(&mut c);
    let added = t.elapsed();
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("added TEST-0001"), "{out}");
    let mut reversed = item_file(5000, |i| format!("材料{}", 4999 - i));
    reversed = reversed.replace("code = \"TEST-0001\"", "code = \"TEST-0001\"\nversion = 1");
    std::fs::write(&file, reversed).unwrap();
    let mut c = bin(home.path());
    admin(
        c.args(["catalog", "put"])
            .arg(&file)
            .env("ONEWINDOW_CATALOGUE_MAX_MATERIALS", "5000"),
    );
    let t = Instant::now();
    let (code, out, err) = run(&mut c);
    let changed = t.elapsed();
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("material"), "{out}");
    let (n, first): (i64, String) = sqlx::query_as(
        "select count(*), min(m.name_zh) filter (where m.position = 1) from item_materials m
         join items i using (item_id) where i.code = 'TEST-0001' and m.retired_at is null",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((n, first.as_str()), (5000, "材料4999"));
    eprintln!("5,000 materials: added in {added:?}, reordered in {changed:?} (whole command)");
    assert!(added < Duration::from_secs(10) && changed < Duration::from_secs(10));

    // An item name holding terminal escapes is printed without them.
    sqlx::query("update items set name_zh = E'营业\\u001b]0;pwned\\u0007执照\\u001b[2J' where code = 'SCJG-001'")
        .execute(&pool)
        .await
        .unwrap();
    let (code, list, err) = run(bin(home.path())
        .args(["catalog", "list", "--search", "SCJG-001"])
        .env("DATABASE_URL", &url));
    assert_eq!(code, 0, "{err}");
    assert!(list.contains("营业]0;pwned执照[2J"), "{list:?}");
    assert!(
        !list.contains('\u{1b}') && !list.contains('\u{7}'),
        "{list:?}"
    );
}

/// 40,000 repeated entries are checked in linear time (before: minutes).
#[test]
fn forty_thousand_duplicates_are_checked_quickly() {
    let home = tempfile::tempdir().unwrap();
    let items = home.path().join("items.toml");
    std::fs::write(&items, item_file(40_001, |_| "申请书".to_string())).unwrap();
    let t = Instant::now();
    let (code, _, err) = run(bin(home.path())
        .args(["catalog", "put", "--check"])
        .arg(&items)
        .env("ONEWINDOW_CATALOGUE_MAX_MATERIALS", "10000"));
    let catalogue = t.elapsed();
    assert_eq!(code, 2, "{}", &err[..err.len().min(500)]);
    assert!(err.contains("listed twice"));
    let mut cal = String::from("year = 2027\nnotice = \"x\"\n");
    for _ in 0..40_001 {
        cal.push_str("\n[[festival]]\nname = \"元旦\"\nfrom = \"2027-01-01\"\n");
    }
    let calendar = home.path().join("2027.toml");
    std::fs::write(&calendar, cal).unwrap();
    let t = Instant::now();
    let (code, _, err) = run(bin(home.path())
        .args(["calendar", "import", "--check"])
        .arg(&calendar));
    let calendar = t.elapsed();
    assert_eq!(code, 2, "{}", &err[..err.len().min(500)]);
    assert!(err.contains("already listed"));
    // 40,001 problems: a hundred listed, the rest counted.
    assert!(
        err.len() < 20_000 && err.contains("more problem(s), not listed"),
        "{} bytes",
        err.len()
    );
    eprintln!("40,000 duplicates: catalogue {catalogue:?}, calendar {calendar:?}");
    assert!(catalogue < Duration::from_secs(20) && calendar < Duration::from_secs(20));
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_calendar_without_its_statutory_festivals_is_refused_unless_overridden(pool: PgPool) {
    onewindow::store::seed::seed(&pool, 1, 0).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let url = app_url(&pool).await;
    let admin = |c: &mut std::process::Command| {
        c.env("DATABASE_URL", &url)
            .env("ONEWINDOW_OPERATOR", "admin")
            .env("ONEWINDOW_PASSWORD", "demo1234");
    };
    let file = home.path().join("2027.toml");
    std::fs::write(
        &file,
        "year = 2027\nnotice = \"x\"\n[[festival]]\nname = \"元旦\"\nfrom = \"2027-01-01\"\n",
    )
    .unwrap();
    for check in [true, false] {
        let mut c = bin(home.path());
        admin(c.args(["calendar", "import"]).arg(&file));
        if check {
            c.arg("--check");
        }
        let (code, _, err) = run(&mut c);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节")
                && err.contains("nothing was loaded")
                && err.contains("--incomplete"),
            "{err}"
        );
    }
    let (code, _, _) = run(bin(home.path())
        .args(["calendar", "show", "--year", "2027"])
        .env("DATABASE_URL", &url));
    assert_eq!(code, 1, "2027 stays unloaded");
    // The override needs its reason.
    let mut c = bin(home.path());
    admin(c.args(["calendar", "import", "--incomplete"]).arg(&file));
    let (code, _, err) = run(&mut c);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--reason"), "{err}");
    let mut c = bin(home.path());
    admin(c.args(["calendar", "import"]).arg(&file).args([
        "--incomplete",
        "--reason",
        "国务院通知尚未发布",
    ]));
    let (code, out, err) = run(&mut c);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("loaded 2027"), "{out}");
    assert!(err.contains("warning") && err.contains("国庆节"), "{err}");
    let (detail,): (serde_json::Value,) = sqlx::query_as(
        "select detail from audit_log where action = 'calendar.import' and entity_id = '2027'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(detail["incomplete"], true, "{detail}");
    assert_eq!(
        detail["incomplete_reason"], "国务院通知尚未发布",
        "{detail}"
    );
    assert_eq!(detail["missing_festivals"].as_array().unwrap().len(), 6);
    // A complete notice needs no override.
    let shipped = home.path().join("2026.toml");
    std::fs::write(&shipped, include_str!("../calendars/2026.toml")).unwrap();
    let mut c = bin(home.path());
    admin(c.args(["calendar", "import"]).arg(&shipped));
    let (code, out, err) = run(&mut c);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("replaced 2026"), "{out}");
}

/// An importer: its command (the file comes last) and a file's first four lines, then the
/// start of line 5 before the byte under test.
struct Importer {
    what: &'static str,
    args: Vec<&'static str>,
    head: Vec<u8>,
    start: Vec<u8>,
}

fn importers() -> Vec<Importer> {
    vec![
        Importer {
            what: "catalogue",
            args: vec!["catalog", "put", "--check"],
            head: b"code = \"TEST-0001\"\ndepartment = \"SCJG\"\ncategory = \"public_service\"\nname_zh = \"\xe6\xb5\x8b\xe8\xaf\x95\"\n".to_vec(),
            start: b"name_en = \"".to_vec(),
        },
        Importer {
            what: "calendar",
            args: vec!["calendar", "import", "--check"],
            head: "year = 2027\nnotice = \"x\"\n[[festival]]\nname = \"元旦\"\n".as_bytes().to_vec(),
            start: b"from = \"".to_vec(),
        },
        Importer {
            what: "keymap",
            args: vec!["--keymap"],
            head: b"[[global]]\non = \"f3\"\nrun = \"quit\"\n\n".to_vec(),
            start: b"# ".to_vec(),
        },
        Importer {
            what: "fiscal export",
            args: vec!["reconcile", "--date", "2026-11-25", "--import"],
            head: "票据号码,缴款码,金额,缴款时间\nP1,C1,1.00,2026-11-25 09:30:00\nP2,C2,1.00,2026-11-25 09:30:00\nP3,C3,1.00,2026-11-25 09:30:00\n".as_bytes().to_vec(),
            start: b"P4,".to_vec(),
        },
    ]
}

#[test]
fn every_importer_names_a_bad_byte_by_line_and_column_and_a_nul_as_nul() {
    let home = tempfile::tempdir().unwrap();
    for Importer {
        what,
        args,
        head,
        start,
    } in importers()
    {
        let column = String::from_utf8_lossy(&start).chars().count() + 1;
        // Bytes no encoding reads, and bytes GBK would read (你) in a UTF-8 file.
        for bad in [&b"\xff\xfe\xfd"[..], &b"\xc4\xe3"[..], &b"\x00"[..]] {
            let mut bytes = head.clone();
            bytes.extend_from_slice(&start);
            bytes.extend_from_slice(bad);
            bytes.extend_from_slice(b"\"\n");
            let file = home.path().join(format!("file-{}", bad.len()));
            std::fs::write(&file, &bytes).unwrap();
            let (code, _, err) = run(bin(home.path())
                .args(&args)
                .arg(&file)
                .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none"));
            let want = if what == "keymap" { 1 } else { 2 };
            assert_eq!(code, want, "{what} {bad:x?}: {err}");
            assert!(
                err.contains(&format!("line 5, column {column}")),
                "{what} {bad:x?}: {err}"
            );
            if bad == b"\x00" {
                assert!(
                    err.contains("NUL byte") && !err.contains("UTF-16"),
                    "{what}: {err}"
                );
            } else {
                assert!(err.contains(&format!("{:02x}", bad[0])), "{what}: {err}");
            }
        }
    }
}

#[test]
fn files_over_the_maximum_are_refused_before_they_are_read() {
    let home = tempfile::tempdir().unwrap();
    let sparse = home.path().join("big.toml");
    std::fs::File::create(&sparse)
        .unwrap()
        .set_len(100 * 1024 * 1024)
        .unwrap();
    for Importer { what, args, .. } in importers() {
        for (file, env) in [
            (std::path::PathBuf::from("/dev/zero"), None),
            (sparse.clone(), None),
            (sparse.clone(), Some("200")),
        ] {
            let t = Instant::now();
            let mut c = bin(home.path());
            c.args(&args)
                .arg(&file)
                .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none");
            if let Some(mb) = env {
                c.env("ONEWINDOW_IMPORT_MAX_FILE_MB", mb);
            }
            let (code, _, err) = run(&mut c);
            let took = t.elapsed();
            if env.is_some() {
                // Raised above the file's size: read, then refused as NUL bytes, not as too large.
                assert!(
                    !err.contains("max_file_mb") && err.contains("NUL"),
                    "{what}: {err}"
                );
                continue;
            }
            assert_eq!(code, if what == "keymap" { 1 } else { 2 }, "{what}: {err}");
            assert!(err.contains("import.max_file_mb"), "{what} {file:?}: {err}");
            assert!(took < Duration::from_secs(10), "{what} {file:?}: {took:?}");
            if file == sparse {
                assert!(err.contains("100.0 MB"), "{what}: {err}");
            }
        }
    }
}

#[test]
fn a_million_bad_lines_list_a_hundred_and_count_the_rest() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("export.csv");
    let mut text = String::from("票据号码,缴款码,金额,缴款时间\n");
    for _ in 0..1_000_001 {
        text.push_str("P1,C1,1.00,2026-11-25 09:30:00\n");
    }
    std::fs::write(&file, text).unwrap();
    let (code, _, err) = run(bin(home.path())
        .args(["reconcile", "--date", "2026-11-25", "--import"])
        .arg(&file)
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none"));
    assert_eq!(code, 2, "{}", &err[..err.len().min(2000)]);
    assert!(err.len() < 20_000, "stderr is {} bytes", err.len());
    assert!(err.contains("1000000 problem(s)"), "{err}");
    assert!(err.contains("and 999900 more problem(s)"), "{err}");
    assert_eq!(err.matches("appears twice").count(), 100);
    // The log keeps the summary line only.
    let logs = home.path().join("data/onewindow/logs");
    let logged: u64 = std::fs::read_dir(&logs)
        .map(|d| {
            d.filter_map(|e| e.ok()?.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0);
    assert!(logged < 20_000, "the log holds {logged} bytes");
}

#[test]
fn a_binary_config_file_is_named_at_its_first_bad_byte() {
    let home = tempfile::tempdir().unwrap();
    let f = home.path().join("config.toml");
    std::fs::write(&f, b"[ui]\nlang = \"en\"\ntheme = \"\x00light\"\n").unwrap();
    let (code, _, err) = run(bin(home.path())
        .arg("--config")
        .arg(&f)
        .args(["config", "show"]));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("line 3: column 10") && err.contains("NUL byte"),
        "{err}"
    );
    let (code, _, err) = run(bin(home.path()).args(["--config", "/dev/zero", "config", "show"]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("import.max_file_mb"), "{err}");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_nul_escape_in_a_toml_file_is_named_with_its_line_not_passed_to_the_database(
    pool: PgPool,
) {
    // Issue 14.2: `\u0000` in a TOML string gave exit 1 with PostgreSQL's own error.
    onewindow::store::seed::seed(&pool, 1, 0).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let url = app_url(&pool).await;
    let (_, shown, _) = run(bin(home.path())
        .args(["catalog", "show", "SCJG-001"])
        .env("DATABASE_URL", &url));
    let line = shown
        .lines()
        .position(|l| l.starts_with("name_zh"))
        .unwrap()
        + 1;
    let edited = shown.replacen("name_zh = \"", "name_zh = \"\\u0000", 1);
    let file = home.path().join("item.toml");
    std::fs::write(&file, &edited).unwrap();
    let (code, out, err) = run(bin(home.path())
        .args(["catalog", "put"])
        .arg(&file)
        .env("DATABASE_URL", &url)
        .env("ONEWINDOW_OPERATOR", "admin")
        .env("ONEWINDOW_PASSWORD", "demo1234"));
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains(&format!("line {line}")) && err.contains("NUL"),
        "{err}"
    );
    // The calendar's notice file likewise.
    let notice = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("calendars/2026.toml"),
    )
    .unwrap();
    let edited = notice.replacen("name = \"", "name = \"\\U00000000", 1);
    let cal = home.path().join("2026.toml");
    std::fs::write(&cal, &edited).unwrap();
    let (code, _, err) = run(bin(home.path())
        .args(["calendar", "import", "--check"])
        .arg(&cal)
        .env("DATABASE_URL", &url));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("NUL"), "{err}");
}
