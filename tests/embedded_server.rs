//! The embedded default server: created on first use, reused by the next start, stopped by
//! `db stop`. Uses the system's PostgreSQL programs in a temporary data directory.

mod common;

use std::os::unix::fs::PermissionsExt;

fn run(home: &std::path::Path, data: &std::path::Path, args: &[&str]) -> (i32, String) {
    let out = common::bin(home)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

fn postmaster_pid(data: &std::path::Path) -> Option<String> {
    std::fs::read_to_string(data.join("pg/postmaster.pid"))
        .ok()
        .and_then(|s| s.lines().next().map(str::to_string))
}

#[test]
fn start_reuse_stop() {
    let home = tempfile::tempdir().unwrap();
    // As root the server runs as `onewindow`, which must be able to pass through /tmp/<dir>.
    std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let data = home.path().join("data");

    let (code, out) = run(home.path(), &data, &["db", "status"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("(stopped)"), "{out}");

    let (code, out) = run(home.path(), &data, &["db", "migrate"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("applied migrations"), "{out}");
    let pid = postmaster_pid(&data).expect("server running");
    let conf = std::fs::read_to_string(data.join("pg/postgresql.conf")).unwrap();
    assert!(conf.contains("listen_addresses = ''"), "socket only");

    // The next start reuses the running server and its data.
    let (code, out) = run(home.path(), &data, &["db", "migrate"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("schema is up to date"), "{out}");
    assert_eq!(postmaster_pid(&data), Some(pid));

    let (code, out) = run(home.path(), &data, &["db", "status"]);
    assert!(
        code == 0 && out.contains("(running)") && out.contains("applied  setup"),
        "{out}"
    );

    let (code, out) = run(home.path(), &data, &["db", "stop"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("embedded server stopped"), "{out}");
    assert_eq!(postmaster_pid(&data), None);
    let (_, out) = run(home.path(), &data, &["db", "stop"]);
    assert!(out.contains("was not running"), "{out}");

    // Started again, the data is still there.
    let (code, out) = run(home.path(), &data, &["db", "migrate"]);
    assert!(code == 0 && out.contains("schema is up to date"), "{out}");
    run(home.path(), &data, &["db", "stop"]);
}

#[test]
fn the_postmaster_holds_no_onewindow_secret_and_runs_as_its_own_user() {
    // Issue 15.6: the postmaster inherited ONEWINDOW_PASSWORD and ran as `postgres`.
    let home = tempfile::tempdir().unwrap();
    std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let data = home.path().join("data");
    let out = common::bin(home.path())
        .arg("--data-dir")
        .arg(&data)
        .args(["db", "migrate"])
        .env("ONEWINDOW_PASSWORD", "hunter2-secret")
        .env("ONEWINDOW_OPERATOR", "admin")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pid = postmaster_pid(&data).expect("server running");
    let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap();
    let environ = String::from_utf8_lossy(&environ);
    assert!(!environ.contains("ONEWINDOW_"), "{environ}");
    assert!(!environ.contains("hunter2"), "{environ}");
    if unsafe { libc::geteuid() } == 0 {
        use std::os::unix::fs::MetadataExt;
        let owner = std::fs::metadata(format!("/proc/{pid}")).unwrap().uid();
        let passwd = std::fs::read_to_string("/etc/passwd").unwrap();
        let user = passwd
            .lines()
            .find(|l| l.split(':').nth(2) == Some(&owner.to_string()))
            .and_then(|l| l.split(':').next())
            .unwrap_or_default()
            .to_string();
        assert_eq!(
            user, "onewindow",
            "the postmaster runs as the dedicated user"
        );
    }
    // The log directory is 0700 and its files 0600.
    let logs = data.join("logs");
    let mode = std::fs::metadata(&logs).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "log directory");
    let files: Vec<_> = std::fs::read_dir(&logs).unwrap().flatten().collect();
    assert!(!files.is_empty(), "today's log file");
    for e in files {
        let mode = e.metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", e.path().display());
    }
    run(home.path(), &data, &["db", "stop"]);
}
