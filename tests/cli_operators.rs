//! `onewindow operator …` and `onewindow policy …` through the real binary: passwords never on the
//! command line (environment or standard input), administrators only, documented exit codes.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{app_url, bin, run};
use sqlx::PgPool;

/// Runs with `input` on standard input.
fn run_with_stdin(cmd: &mut Command, input: &str) -> (i32, String, String) {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn as_op(home: &std::path::Path, url: &str, code: &str, password: &str) -> Command {
    let mut c = bin(home);
    c.env("DATABASE_URL", url)
        .env("ONEWINDOW_OPERATOR", code)
        .env("ONEWINDOW_PASSWORD", password);
    c
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn an_admin_adds_an_operator_who_changes_the_password_then_works(pool: PgPool) {
    onewindow::store::seed::seed(&pool, 1, 0).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let url = app_url(&pool).await;
    let add = |c: &mut Command| {
        c.args([
            "operator",
            "add",
            "zhouping",
            "--name",
            "周平",
            "--department",
            "SCJG",
            "--roles",
            "reviewer,window_clerk,reviewer",
        ]);
    };
    // A clerk may not (exit 1, nothing added).
    let mut c = as_op(h, &url, "clerk", "demo1234");
    add(&mut c);
    let (code, _, err) = run_with_stdin(&mut c, "Quokka-ferry-2941\n");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("not permitted"), "{err}");
    // No password given: exit 2.
    let mut c = as_op(h, &url, "admin", "demo1234");
    add(&mut c);
    let (code, _, err) = run(&mut c);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("new password not given"), "{err}");
    // A common one: exit 2, the rule named.
    let mut c = as_op(h, &url, "admin", "demo1234");
    add(&mut c);
    let (code, _, err) = run_with_stdin(&mut c, "password123\n");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("password: ") && err.contains("rule: not common"),
        "{err}"
    );
    // An unknown role: exit 2 before anything.
    let (code, _, err) = run(as_op(h, &url, "admin", "demo1234").args([
        "operator",
        "add",
        "x1",
        "--name",
        "X",
        "--department",
        "SCJG",
        "--roles",
        "janitor",
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("roles: unknown role `janitor`"), "{err}");

    let mut c = as_op(h, &url, "admin", "demo1234");
    add(&mut c);
    let (code, out, err) = run_with_stdin(&mut c, "Quokka-ferry-2941\n");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("added operator zhouping"), "{out}");

    // The new operator cannot act before changing the password.
    let (code, _, err) =
        run(as_op(h, &url, "zhouping", "Quokka-ferry-2941").args(["lookup", "20261126"]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("onewindow operator passwd zhouping"), "{err}");
    // Changing it: the new one from the environment.
    let (code, out, err) = run(as_op(h, &url, "zhouping", "Quokka-ferry-2941")
        .args(["operator", "passwd", "zhouping"])
        .env("ONEWINDOW_NEW_PASSWORD", "Lantern-moss-7730"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("password changed"), "{out}");
    let (code, _, err) =
        run(as_op(h, &url, "zhouping", "Quokka-ferry-2941").args(["lookup", "20261126"]));
    assert_eq!(code, 1, "the old password is gone: {err}");
    let (code, _, err) =
        run(as_op(h, &url, "zhouping", "Lantern-moss-7730").args(["lookup", "20261126"]));
    assert_eq!(code, 0, "{err}");

    let (code, out, err) = run(as_op(h, &url, "admin", "demo1234").args(["operator", "list"]));
    assert_eq!(code, 0, "{err}");
    let line = out.lines().find(|l| l.starts_with("zhouping")).unwrap();
    assert!(
        line.contains("window_clerk,reviewer") && line.contains("active"),
        "{line}"
    );
    assert!(!line.contains("must-change"), "{line}");
    let actions: Vec<String> = sqlx::query_scalar(
        "select action from audit_log where action like 'operator.%' order by audit_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(actions, ["operator.add", "operator.passwd"]);
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn disable_roles_and_reset_through_the_binary(pool: PgPool) {
    onewindow::store::seed::seed(&pool, 1, 0).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let url = app_url(&pool).await;
    let (code, out, err) =
        run(as_op(h, &url, "admin", "demo1234").args(["operator", "disable", "clerk"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("clerk: disabled"), "{out}");
    let (code, _, err) = run(as_op(h, &url, "clerk", "demo1234").args(["lookup", "x123456"]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("the account is disabled"), "{err}");
    let (code, _, err) =
        run(as_op(h, &url, "admin", "demo1234").args(["operator", "enable", "clerk"]));
    assert_eq!(code, 0, "{err}");

    let (code, _, err) = run(as_op(h, &url, "admin", "demo1234").args([
        "operator",
        "roles",
        "clerk",
        "window_clerk,chief_rep",
    ]));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(as_op(h, &url, "admin", "demo1234").args([
        "operator",
        "roles",
        "clerk",
        "window_clerk",
        "--if-version",
        "1",
    ]));
    assert_eq!(code, 1, "a stale version: {err}");
    assert!(err.contains("changed by someone else"), "{err}");
    let (code, _, err) =
        run(as_op(h, &url, "admin", "demo1234").args(["operator", "disable", "nobody"]));
    assert_eq!(code, 2, "{err}");

    // An administrator's reset: from standard input; the operator must change it.
    let (code, out, err) = run_with_stdin(
        as_op(h, &url, "admin", "demo1234").args(["operator", "passwd", "cashier"]),
        "Quokka-ferry-2941\n",
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("must be changed"), "{out}");
    let (code, _, err) =
        run(as_op(h, &url, "cashier", "Quokka-ferry-2941").args(["policy", "show"]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("must be changed first"), "{err}");
    // Its own change follows the policy: the code inside it is refused (exit 2).
    let (code, _, err) = run(as_op(h, &url, "cashier", "Quokka-ferry-2941")
        .args(["operator", "passwd", "cashier"])
        .env("ONEWINDOW_NEW_PASSWORD", "my-cashier-2026"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("rule: not the code"), "{err}");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn policy_show_and_set_name_the_bounds(pool: PgPool) {
    onewindow::store::seed::seed(&pool, 1, 0).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let url = app_url(&pool).await;
    let (code, out, err) = run(as_op(h, &url, "admin", "demo1234").args(["policy", "show"]));
    assert_eq!(code, 0, "{err}");
    let line = out
        .lines()
        .find(|l| l.starts_with("max_failed_logins"))
        .unwrap();
    assert!(line.contains(" 5 ") && line.contains("3 to 10"), "{line}");
    assert!(out.contains("lookup_per_minute"), "{out}");

    for (arg, says) in [
        ("max_failed_logins=100", "outside 3 to 10"),
        ("max_failed_logins=x", "not a whole number"),
        ("no_such_key=3", "unknown key"),
        ("max_failed_logins", "KEY=VALUE"),
    ] {
        let (code, _, err) = run(as_op(h, &url, "admin", "demo1234").args(["policy", "set", arg]));
        assert_eq!(code, 2, "{arg}: {err}");
        assert!(err.contains(says), "{arg}: {err}");
    }
    let (code, _, err) = run(as_op(h, &url, "supervisor", "demo1234").args([
        "policy",
        "set",
        "lookup_per_minute=1000",
    ]));
    assert_eq!(code, 1, "{err}");

    let (code, out, err) = run(as_op(h, &url, "admin", "demo1234").args([
        "policy",
        "set",
        "lockout_minutes=30",
        "lookup_policy.notice_after=60",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("lockout_minutes: 15 -> 30"), "{out}");
    assert!(out.contains("lookup_notice_after: 40 -> 60"), "{out}");
    let detail: serde_json::Value =
        sqlx::query_scalar("select detail from audit_log where action = 'policy.set'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        detail["lockout_minutes"],
        serde_json::json!({"old": 15, "new": 30})
    );
}
