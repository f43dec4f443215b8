//! End-to-end: `onewindow serve` against the real OpenSSH client (/usr/bin/ssh, Debian package
//! openssh-client), the client in a pseudo-terminal where a terminal matters, keys made by
//! ssh-keygen in a temporary directory, the server on a free port with its own data directory.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::pty::Session;
use common::{app_url, bin, run};
use onewindow::store::seed;
use portable_pty::PtySize;
use sqlx::PgPool;

const SSH: &str = "/usr/bin/ssh";

/// A running `onewindow serve`; killed when dropped.
struct Server {
    child: Child,
    port: u16,
    home: tempfile::TempDir,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(url: &str) -> Server {
        Server::start_in(url, tempfile::tempdir().unwrap())
    }

    /// With a home directory prepared by the test (a config file under config/onewindow).
    fn start_in(url: &str, home: tempfile::TempDir) -> Server {
        let mut child = bin(home.path())
            .env("DATABASE_URL", url)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("onewindow serve starts");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut port = None;
        let mut line = String::new();
        while out.read_line(&mut line).unwrap_or(0) > 0 {
            if let Some(addr) = line.trim().strip_prefix("listening on ") {
                port = addr.rsplit(':').next().and_then(|p| p.parse().ok());
                break;
            }
            line.clear();
        }
        // Keep reading what it prints so the pipe never fills.
        std::thread::spawn(move || {
            let mut sink = Vec::new();
            let _ = out.read_to_end(&mut sink);
        });
        Server {
            child,
            port: port.expect("serve printed its address"),
            home,
            url: url.to_string(),
        }
    }

    /// A fresh ed25519 key pair registered for `code` through `operator key add` (as admin).
    fn key_for(&self, code: &str) -> PathBuf {
        let dir = self.home.path().join(format!("keys-{code}"));
        std::fs::create_dir_all(&dir).unwrap();
        let key = dir.join("id_ed25519");
        let st = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", code, "-f"])
            .arg(&key)
            .status()
            .unwrap();
        assert!(st.success());
        let (code_, out, err) = run(bin(self.home.path())
            .env("DATABASE_URL", &self.url)
            .env("ONEWINDOW_OPERATOR", "admin")
            .env("ONEWINDOW_PASSWORD", "demo1234")
            .args(["operator", "key", "add", code])
            .arg(key.with_extension("pub")));
        assert_eq!(code_, 0, "{out}{err}");
        assert!(out.contains("SHA256:"), "{out}");
        key
    }

    fn ssh_args(&self, key: Option<&Path>, user: &str) -> Vec<String> {
        let mut a: Vec<String> = [
            "-p",
            &self.port.to_string(),
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
            "-o",
            "ConnectTimeout=10",
            "-F",
            "/dev/null",
            "-o",
            "SendEnv=LANG NO_COLOR",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        match key {
            Some(k) => a.extend([
                "-o".into(),
                "BatchMode=yes".into(),
                "-o".into(),
                "IdentitiesOnly=yes".into(),
                "-i".into(),
                k.display().to_string(),
            ]),
            None => a.extend([
                "-o".into(),
                "PubkeyAuthentication=no".into(),
                "-o".into(),
                "PreferredAuthentications=password".into(),
                "-o".into(),
                "NumberOfPasswordPrompts=5".into(),
            ]),
        }
        a.push(format!("{user}@127.0.0.1"));
        a
    }

    /// ssh in a pseudo-terminal of this size, with a terminal requested (-t).
    fn tty(
        &self,
        key: Option<&Path>,
        user: &str,
        cols: u16,
        rows: u16,
        env: &[(&str, &str)],
    ) -> Session {
        let mut args = self.ssh_args(key, user);
        args.insert(0, "-t".into());
        let h = self.home.path().display().to_string();
        let mut e: Vec<(&str, &str)> = vec![("HOME", &h), ("LANG", "C.UTF-8")];
        e.extend_from_slice(env);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        Session::start_program(SSH, &args, &e, cols, rows)
    }

    /// ssh without a terminal, to its end: (exit code, stdout, stderr).
    fn exec(&self, key: &Path, user: &str, command: &[&str]) -> (i32, String, String) {
        self.exec_with(key, user, &[], command)
    }

    fn exec_with(
        &self,
        key: &Path,
        user: &str,
        opts: &[&str],
        command: &[&str],
    ) -> (i32, String, String) {
        let mut c = Command::new(SSH);
        c.env_clear()
            .env("HOME", self.home.path())
            .env("LANG", "C.UTF-8")
            .args(opts)
            .args(self.ssh_args(Some(key), user))
            .args(command)
            .stdin(Stdio::null());
        run(&mut c)
    }
}

async fn actions(pool: &PgPool, like: &str) -> Vec<(String, serde_json::Value)> {
    sqlx::query_as("select action, detail from audit_log where action like $1 order by audit_id")
        .bind(like)
        .fetch_all(pool)
        .await
        .unwrap()
}

/// Waits until an `ssh.*` row of this action shows up.
async fn wait_action(pool: &PgPool, action: &str) -> serde_json::Value {
    let deadline = Instant::now() + common::pty::timeout();
    while Instant::now() < deadline {
        if let Some((_, d)) = actions(pool, action).await.pop() {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no {action} row; rows: {:?}", actions(pool, "%").await);
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_registered_key_lands_in_the_tui_as_its_operator_and_a_resize_redraws(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let url = app_url(&pool).await;
    let (srv, key, s) = tokio::task::spawn_blocking(move || {
        let srv = Server::start(&url);
        let key = srv.key_for("clerk");
        let mut s = srv.tty(Some(&key), "clerk", 100, 30, &[]);
        s.wait_for("Welcome, 张伟");
        s.wait_for("Window clerk");
        let box_width = |s: &Session| {
            s.contents()
                .lines()
                .find(|l| l.starts_with("┌ Home"))
                .map(|l| l.trim_end().chars().count())
        };
        assert_eq!(box_width(&s), Some(100), "{}", s.contents());
        // The client's window shrinks: ssh sends a window change, the server redraws at 80x24.
        s.master
            .resize(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        s.screen.lock().unwrap().screen_mut().set_size(24, 80);
        let deadline = Instant::now() + common::pty::timeout();
        while box_width(&s) != Some(80) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert_eq!(box_width(&s), Some(80), "{}", s.contents());
        // Keys work as locally: the queue, back, quit.
        s.send("w");
        s.wait_for("Department (unclaimed)");
        s.send("\u{1b}");
        s.send("q");
        let code = s.wait_exit();
        assert_eq!(code, 0, "{}", s.contents());
        s.assert_restored();
        (srv, key, s)
    })
    .await
    .unwrap();
    drop(s);
    let fp = String::from_utf8(
        Command::new("ssh-keygen")
            .arg("-lf")
            .arg(key.with_extension("pub"))
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let login = wait_action(&pool, "ssh.login").await;
    assert_eq!(login["method"], "publickey");
    assert!(
        fp.contains(login["fingerprint"].as_str().unwrap()),
        "{fp} / {login}"
    );
    assert!(login["source"].as_str().unwrap().starts_with("127.0.0.1:"));
    let logout = wait_action(&pool, "ssh.logout").await;
    assert_eq!(logout["code"], "clerk");
    assert_eq!(logout["fingerprint"], login["fingerprint"]);
    // The key was added by the administrator, audited.
    assert_eq!(actions(&pool, "operator_key.add").await.len(), 1);
    drop(srv);
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn five_wrong_passwords_over_ssh_lock_the_account(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let url = app_url(&pool).await;
    let srv = tokio::task::spawn_blocking(move || {
        let srv = Server::start(&url);
        let mut s = srv.tty(None, "chief", 80, 24, &[]);
        for i in 0..5 {
            let deadline = Instant::now() + common::pty::timeout();
            // Each prompt is a new line on the screen; wait for the (i+1)-th.
            while s.contents().matches("password:").count() <= i && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
            assert!(
                s.contents().matches("password:").count() > i,
                "{}",
                s.contents()
            );
            s.send("wrong-password\r");
        }
        let code = s.wait_exit();
        assert_ne!(code, 0, "{}", s.contents());
        assert!(
            s.contents().contains("Permission denied"),
            "{}",
            s.contents()
        );
        srv
    })
    .await
    .unwrap();
    let locked: bool = sqlx::query_scalar(
        "select coalesce(locked_until > now(), false) from operators where code = 'chief'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(locked, "five wrong passwords lock the account");
    let rows = actions(&pool, "login.%").await;
    let failed = rows.iter().filter(|(a, _)| a == "login.failed").count();
    assert_eq!(failed, 5, "{rows:?}");
    assert!(rows.iter().any(|(a, _)| a == "login.locked"), "{rows:?}");
    assert!(actions(&pool, "ssh.login").await.is_empty());
    drop(srv);
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn forwarding_and_no_session_are_refused_and_audited(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let url = app_url(&pool).await;
    let srv = tokio::task::spawn_blocking(move || {
        let srv = Server::start(&url);
        let key = srv.key_for("clerk");
        let local = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let lport = local.local_addr().unwrap().port();
        drop(local);
        let mut args = vec![
            "-N".to_string(),
            "-L".into(),
            format!("127.0.0.1:{lport}:127.0.0.1:5432"),
        ];
        args.extend(srv.ssh_args(Some(&key), "clerk"));
        let started = Instant::now();
        let mut ssh = Command::new(SSH)
            .env_clear()
            .env("HOME", srv.home.path())
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The client listens locally; a connection through it is refused by the server.
        let mut got = None;
        while got.is_none() && started.elapsed() < Duration::from_secs(4) {
            if let Ok(mut c) = std::net::TcpStream::connect(("127.0.0.1", lport)) {
                c.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
                let mut buf = [0u8; 16];
                got = Some(c.read(&mut buf).unwrap_or(0));
            } else {
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        assert_eq!(
            got,
            Some(0),
            "the forwarded connection is closed at once, nothing passes"
        );
        // And the connection that never opened a session is closed by the server.
        let deadline = Instant::now() + common::pty::timeout();
        let status = loop {
            if let Some(st) = ssh.try_wait().unwrap() {
                break st;
            }
            assert!(Instant::now() < deadline, "ssh -N still connected");
            std::thread::sleep(Duration::from_millis(100));
        };
        assert!(!status.success());
        srv
    })
    .await
    .unwrap();
    let refused: Vec<String> = actions(&pool, "ssh.refused")
        .await
        .into_iter()
        .map(|(_, d)| d["reason"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(
        refused.contains(&"port_forwarding".to_string()),
        "{refused:?}"
    );
    assert!(refused.contains(&"no_session".to_string()), "{refused:?}");
    drop(srv);
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn exec_lookup_prints_masked_hits_and_anything_else_is_refused(pool: PgPool) {
    seed::seed(&pool, 42, 200).await.unwrap();
    // A person's name from the clerk's department.
    let name: String = sqlx::query_scalar(
        "select c.applicant_name from cases c join operators o on o.code = 'clerk'
         where c.department_id = o.department_id and c.applicant_kind = 'person'
         order by c.case_id limit 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let url = app_url(&pool).await;
    let srv = tokio::task::spawn_blocking(move || {
        let srv = Server::start(&url);
        let key = srv.key_for("clerk");
        let (code, out, err) = srv.exec(&key, "clerk", &["lookup", &name]);
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.starts_with("kind"), "{out}");
        assert!(!out.contains(&name), "the full name is masked: {out}");
        let first: String = name.chars().take(1).collect();
        assert!(out.contains(&format!("{first}*")), "{out}");

        let (code, out, err) = srv.exec(&key, "clerk", &["cat", "/etc/passwd"]);
        assert_eq!(code, 2, "{out}{err}");
        assert!(err.contains("`cat` is not a command"), "{err}");
        assert!(out.is_empty(), "{out}");

        // The other read-only commands, as their headless commands print them.
        let (code, out, err) = srv.exec(
            &key,
            "clerk",
            &["calendar", "due", "--from", "2026-09-30", "--days", "5"],
        );
        assert_eq!((code, out.trim()), (0, "2026-10-13"), "{err}");
        let (code, _, err) = srv.exec(
            &key,
            "clerk",
            &["calendar", "due", "--from", "2026-09-31", "--days", "5"],
        );
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("--from"), "{err}");
        let (code, _, err) = srv.exec(&key, "clerk", &["route", "show", "NO-SUCH-CASE"]);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("no case NO-SUCH-CASE"), "{err}");
        let report = [
            "report",
            "efficiency",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
        ];
        let (code, _, err) = srv.exec(&key, "clerk", &report);
        assert_eq!(code, 1, "a window clerk reads no report: {err}");
        let sup = srv.key_for("supervisor");
        let (code, out, err) = srv.exec(&sup, "supervisor", &report);
        assert_eq!(code, 0, "{err}");
        assert!(
            out.starts_with("# efficiency 2026-11-01 .. 2026-11-30") && out.contains("TOTAL"),
            "{out}"
        );

        // No command and no terminal: a shell is refused with one line.
        let (code, _, err) = srv.exec_with(&key, "clerk", &["-T"], &[]);
        assert_ne!(code, 0);
        assert!(err.contains("needs a terminal"), "{err}");
        // sftp is a subsystem: refused.
        let (code, _, _) = srv.exec_with(&key, "clerk", &["-s"], &["sftp"]);
        assert_ne!(code, 0);
        srv
    })
    .await
    .unwrap();
    let lookups: i64 = sqlx::query_scalar("select count(*) from lookup_log")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(lookups, 1, "the lookup was logged as the operator's");
    let reasons: Vec<String> = actions(&pool, "ssh.refused")
        .await
        .into_iter()
        .map(|(_, d)| d["reason"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(reasons, ["exec", "exec", "shell_without_pty", "subsystem"]);
    drop(srv);
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn killing_the_client_ends_the_session_and_writes_the_logout(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let url = app_url(&pool).await;
    let srv = tokio::task::spawn_blocking(move || {
        let srv = Server::start(&url);
        let key = srv.key_for("supervisor");
        let mut s = srv.tty(Some(&key), "supervisor", 80, 24, &[]);
        s.wait_for("Welcome, 陈静");
        s.child.kill().unwrap();
        s.wait_exit();
        srv
    })
    .await
    .unwrap();
    let logout = wait_action(&pool, "ssh.logout").await;
    assert_eq!(logout["code"], "supervisor");
    assert_eq!(logout["method"], "publickey");
    drop(srv);
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn no_color_at_80x24_and_chinese_from_the_clients_lang(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let url = app_url(&pool).await;
    tokio::task::spawn_blocking(move || {
        let srv = Server::start(&url);
        let key = srv.key_for("clerk");
        // With colours: the status bar has a background colour.
        let mut s = srv.tty(Some(&key), "clerk", 80, 24, &[]);
        s.wait_for("Welcome, 张伟");
        s.wait_for("DB connected");
        let status_bg = |s: &Session| {
            s.screen
                .lock()
                .unwrap()
                .screen()
                .cell(23, 10)
                .map(|c| c.bgcolor())
        };
        let row = |s: &Session| {
            let p = s.screen.lock().unwrap();
            (0..80)
                .map(|c| format!("{:?}", p.screen().cell(23, c).map(|c| c.bgcolor())))
                .collect::<Vec<_>>()
                .join(",")
        };
        assert_ne!(
            status_bg(&s),
            Some(vt100::Color::Default),
            "{}\n{}",
            s.contents(),
            row(&s)
        );
        s.send("q");
        s.wait_exit();
        // NO_COLOR and LANG sent by the client (SendEnv): mono theme, Chinese screens.
        let mut s = srv.tty(
            Some(&key),
            "clerk",
            80,
            24,
            &[("NO_COLOR", "1"), ("LANG", "zh_CN.UTF-8")],
        );
        s.wait_for("张伟，您好");
        s.wait_for("DB 已连接");
        assert_eq!(
            status_bg(&s),
            Some(vt100::Color::Default),
            "{}",
            s.contents()
        );
        s.send("q");
        assert_eq!(s.wait_exit(), 0);
        s.assert_restored();
    })
    .await
    .unwrap();
}

/// The count in a queue's title, `Department (unclaimed) · N`.
fn unclaimed(s: &Session) -> Option<usize> {
    let c = s.contents();
    let at = c.find("Department (unclaimed) · ")?;
    c[at + "Department (unclaimed) · ".len()..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .ok()
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn two_sessions_on_one_server_see_each_others_claim_live(pool: PgPool) {
    seed::seed(&pool, 42, 200).await.unwrap();
    let url = app_url(&pool).await;
    tokio::task::spawn_blocking(move || {
        let srv = Server::start(&url);
        let clerk_key = srv.key_for("clerk");
        let chief_key = srv.key_for("chief");
        let mut clerk = srv.tty(Some(&clerk_key), "clerk", 100, 30, &[]);
        let mut chief = srv.tty(Some(&chief_key), "chief", 100, 30, &[]);
        clerk.wait_for("Welcome, 张伟");
        chief.wait_for("Welcome, 李娜");
        clerk.send("w");
        chief.send("w");
        let deadline = Instant::now() + common::pty::timeout();
        while (unclaimed(&clerk).is_none() || unclaimed(&chief).is_none())
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(50));
        }
        let before = unclaimed(&chief).expect("chief's queue shows its count");
        assert!(before > 0, "{}", chief.contents());
        assert_eq!(unclaimed(&clerk), Some(before), "{}", clerk.contents());
        // The clerk claims; the chief's screen, another session of the same process, follows
        // through the server's one LISTEN connection.
        clerk.send("c");
        let deadline = Instant::now() + common::pty::timeout();
        while unclaimed(&chief) != Some(before - 1) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert_eq!(unclaimed(&chief), Some(before - 1), "{}", chief.contents());
        clerk.send("q");
        chief.send("q");
        clerk.wait_exit();
        chief.wait_exit();
    })
    .await
    .unwrap();
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn connections_beyond_max_sessions_are_closed_and_audited(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let url = app_url(&pool).await;
    tokio::task::spawn_blocking(move || {
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(home.path().join("config/onewindow")).unwrap();
        std::fs::write(
            home.path().join("config/onewindow/config.toml"),
            "[serve]\nmax_sessions = 1\n",
        )
        .unwrap();
        let srv = Server::start_in(&url, home);
        let key = srv.key_for("clerk");
        let mut first = srv.tty(Some(&key), "clerk", 80, 24, &[]);
        first.wait_for("Welcome, 张伟");
        let (code, out, err) = srv.exec(&key, "clerk", &["lookup", "张伟"]);
        assert_eq!(
            code, 255,
            "the second connection is closed before it is an SSH session: {out}{err}"
        );
        first.send("q");
        assert_eq!(first.wait_exit(), 0);
        // The slot is free again once the first connection is gone.
        let deadline = Instant::now() + common::pty::timeout();
        loop {
            let (code, _, _) = srv.exec(&key, "clerk", &["lookup", "张伟"]);
            if code == 0 {
                break;
            }
            assert!(Instant::now() < deadline, "the slot never came back");
            std::thread::sleep(Duration::from_millis(200));
        }
    })
    .await
    .unwrap();
    let reasons: Vec<String> = actions(&pool, "ssh.refused")
        .await
        .into_iter()
        .map(|(_, d)| d["reason"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(reasons.contains(&"max_sessions".to_string()), "{reasons:?}");
}
