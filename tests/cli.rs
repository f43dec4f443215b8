//! The real binary's headless commands: exit codes and messages.

mod common;

use common::{bin, pool_url};
use sqlx::PgPool;

fn run(cmd: &mut std::process::Command) -> (i32, String, String) {
    let out = cmd.output().expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn config_show_names_each_source() {
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("config/onewindow");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("config.toml"),
        "[ui]\ntheme = \"light\"\n[security]\nlockout_minutes = 20\n",
    )
    .unwrap();
    let (code, out, err) = run(bin(home.path())
        .env("ONEWINDOW_LOCKOUT_MINUTES", "25")
        .env("DATABASE_URL", "postgres://ow:hunter2@db/onewindow")
        .args(["--lang", "zh-CN", "config", "show"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("ui.theme                   = light    # file "),
        "{out}"
    );
    assert!(
        out.contains("security.lockout_minutes   = 25    # env ONEWINDOW_LOCKOUT_MINUTES"),
        "{out}"
    );
    assert!(
        out.contains("ui.lang                    = zh-CN    # flag --lang"),
        "{out}"
    );
    assert!(
        out.contains("postgres://ow:****@db/onewindow    # env DATABASE_URL"),
        "{out}"
    );
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
    let url = pool_url(&pool);
    let (code, out, err) = run(bin(home.path())
        .args(["db", "seed", "--seed", "3", "--cases", "10"])
        .env("DATABASE_URL", &url));
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
    let url = pool_url(&pool);
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
    let (code, _, err) = run(bin(home.path())
        .args(["db", "migrate"])
        .env("DATABASE_URL", &url));
    assert_eq!(code, 1);
    assert!(err.contains("schema version 99999"), "{err}");
}
