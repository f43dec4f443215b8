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
    // As root the server runs as `postgres`, which must be able to pass through /tmp/<dir>.
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
