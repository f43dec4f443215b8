//! The real binary's output: a reader that leaves early (`| head -1`) ends a command quietly
//! with 141, and numbers out of range are usage errors (exit 2) naming the flag and its range.

mod common;

use std::process::Stdio;

use common::{app_url, bin, run};
use sqlx::PgPool;

/// Starts the command with its stdout a pipe whose reading end is closed at once, as `head`
/// does after its line: the first line the command prints meets a broken pipe.
fn with_stdout_closed(cmd: &mut std::process::Command) -> (i32, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("binary ends");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_closed_stdout_ends_each_command_quietly(pool: PgPool) {
    onewindow::store::seed::seed(&pool, 1, 0).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let url = app_url(&pool).await;
    for args in [
        &["catalog", "list"][..],
        &["catalog", "show", "SCJG-001"],
        &["calendar", "show", "--year", "2026"],
        &["calendar", "due", "--from", "2026-09-30", "--days", "1"],
        &["config", "show"],
    ] {
        let (code, err) = with_stdout_closed(bin(home.path()).args(args).env("DATABASE_URL", &url));
        assert_eq!(code, 141, "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?} should end quietly: {err}");
    }
}

#[test]
fn numbers_out_of_range_are_usage_errors_naming_the_flag() {
    let home = tempfile::tempdir().unwrap();
    // No database is needed: the flags are checked first.
    let url = "postgres://nobody@127.0.0.1:1/none";
    for (args, flag, range) in [
        (
            &[
                "calendar",
                "due",
                "--from",
                "2026-01-05",
                "--days",
                "100000000",
            ][..],
            "--days",
            "0..=3650",
        ),
        (
            &["calendar", "due", "--from", "2026-01-05", "--days=-1"],
            "--days",
            "",
        ),
        (
            &["calendar", "show", "--year", "99999"],
            "--year",
            "2000..=2100",
        ),
        (
            &["calendar", "show", "--year", "0"],
            "--year",
            "2000..=2100",
        ),
        (&["lookup", "x", "--limit=-5"], "--limit", ""),
        (&["lookup", "x", "--limit", "100000"], "--limit", "1..=1000"),
        (
            &[
                "report",
                "suspicious",
                "--from",
                "2026-01-01",
                "--to",
                "2026-02-01",
                "--burst",
                "0",
            ],
            "--burst",
            "1..=100000",
        ),
        (
            &[
                "report",
                "suspicious",
                "--from",
                "2026-01-01",
                "--to",
                "2026-02-01",
                "--fast-minutes",
                "99999999999",
            ],
            "--fast-minutes",
            "",
        ),
        (
            &[
                "report",
                "suspicious",
                "--from",
                "2026-01-01",
                "--to",
                "2026-02-01",
                "--burst-minutes",
                "0",
            ],
            "--burst-minutes",
            "1..=10080",
        ),
        (
            &["db", "seed", "--cases", "100000000000"],
            "--cases",
            "0..=10000000",
        ),
        (
            &["demo", "--cases", "100000000000"],
            "--cases",
            "0..=10000000",
        ),
        (
            &[
                "accountability",
                "open",
                "--card",
                "0",
                "--kind",
                "x",
                "--note",
                "x",
            ],
            "--card",
            "1..",
        ),
    ] {
        let (code, _, err) = run(bin(home.path()).args(args).env("DATABASE_URL", url));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(err.contains(flag) && err.contains(range), "{args:?}: {err}");
    }
}
