//! End-to-end: the real binary in a pseudo-terminal against a real, seeded PostgreSQL database.

mod common;

use common::app_url;
use common::pty::Session;
use onewindow::store::seed;
use sqlx::PgPool;

fn start(url: &str, lang: &str) -> (tempfile::TempDir, Session) {
    let home = tempfile::tempdir().unwrap();
    let h = home.path().to_str().unwrap().to_string();
    let s = Session::start(
        &["--lang", lang],
        &[
            ("DATABASE_URL", url),
            ("HOME", &h),
            ("XDG_CONFIG_HOME", &format!("{h}/config")),
            ("XDG_DATA_HOME", &format!("{h}/data")),
        ],
        80,
        24,
    );
    (home, s)
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn log_in_open_help_quit(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let url = app_url(&pool).await;
    let (_home, s) = tokio::task::spawn_blocking(move || {
        let (home, mut s) = start(&url, "en");
        s.wait_for("Sign in");
        s.wait_for("DB connected");
        s.send("clerk");
        s.send("\t");
        s.send("demo1234");
        s.send("\r");
        s.wait_for("Welcome, 张伟");
        s.wait_for("Window clerk");
        s.send("?");
        s.wait_for("Show or hide this help");
        s.send("?");
        s.send("q");
        let code = s.wait_exit();
        assert_eq!(code, 0, "screen:\n{}", s.contents());
        s.assert_restored();
        (home, s)
    })
    .await
    .unwrap();
    drop(s);
    let actions: Vec<String> = sqlx::query_scalar("select action from audit_log order by audit_id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(actions, ["system.seed", "login.ok", "session.logout"]);
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn chinese_screens_and_sigterm_restore_the_terminal(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let url = app_url(&pool).await;
    tokio::task::spawn_blocking(move || {
        let (_home, mut s) = start(&url, "zh-CN");
        s.wait_for("登录");
        s.send("supervisor\t");
        s.send("demo1234\r");
        s.wait_for("陈静，您好");
        s.send("d");
        s.wait_for("人力资源和社会保障局");
        s.send("\u{1b}");
        s.send("a");
        s.wait_for("login.ok");
        // Typed-but-unsent text must not block a signal: SIGTERM leaves at once.
        s.send(":aud");
        let pid = s.child.process_id().unwrap() as i32;
        unsafe { libc::kill(pid, libc::SIGTERM) };
        s.wait_exit();
        s.assert_restored();
    })
    .await
    .unwrap();
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn below_80x24_says_so_and_recovers_on_resize(pool: PgPool) {
    let url = app_url(&pool).await;
    tokio::task::spawn_blocking(move || {
        let home = tempfile::tempdir().unwrap();
        let h = home.path().to_str().unwrap().to_string();
        let mut s = Session::start(
            &["--lang", "en"],
            &[("DATABASE_URL", &url), ("HOME", &h), ("XDG_DATA_HOME", &h)],
            70,
            20,
        );
        s.wait_for("Terminal too small");
        s.master
            .resize(portable_pty::PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        s.screen.lock().unwrap().screen_mut().set_size(24, 80);
        s.wait_for("Sign in");
        s.send("\u{3}"); // Ctrl-C with nothing typed quits at once
        assert_eq!(s.wait_exit(), 0);
        s.assert_restored();
    })
    .await
    .unwrap();
}

/// The SSH connection drops and no SIGHUP reaches onewindow (its parent shell ignores and does not
/// forward it): onewindow must notice the lost terminal, sign out in the audit trail and exit,
/// rather than spin on end-of-file.
#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_dropped_terminal_without_sighup_signs_out_and_exits(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let url = app_url(&pool).await;
    let exited = tokio::task::spawn_blocking(move || {
        let home = tempfile::tempdir().unwrap();
        let h = home.path().to_str().unwrap().to_string();
        let script = format!(
            "trap '' HUP; '{}' --lang en; echo done",
            env!("CARGO_BIN_EXE_onewindow")
        );
        let mut s = Session::start_program(
            "bash",
            &["-c", &script],
            &[("DATABASE_URL", &url), ("HOME", &h), ("XDG_DATA_HOME", &h)],
            80,
            24,
        );
        s.wait_for("Sign in");
        s.send("clerk\t");
        s.send("demo1234\r");
        s.wait_for("Welcome");
        let mut child = s.hang_up();
        // It checks for a lost terminal twice a second; ten seconds is plenty even on a slow box.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::time::Instant::now() < deadline {
            if child.try_wait().unwrap().is_some() {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let _ = child.kill();
        false
    })
    .await
    .unwrap();
    assert!(
        exited,
        "onewindow kept running after its terminal went away"
    );
    let last: String =
        sqlx::query_scalar("select action from audit_log order by audit_id desc limit 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(last, "session.logout");
}

/// Two operators side by side: one claims a case, the other's queue drops it without a key.
#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_claim_shows_in_the_other_window_within_a_second(pool: PgPool) {
    seed::seed(&pool, 42, 400).await.unwrap();
    let url = app_url(&pool).await;
    tokio::task::spawn_blocking(move || {
        let (_h1, mut a) = start(&url, "en");
        let (_h2, mut b) = start(&url, "en");
        for (s, code) in [(&mut a, "clerk"), (&mut b, "chief")] {
            s.wait_for("Sign in");
            s.send(&format!("{code}\t"));
            s.send("demo1234\r");
            s.wait_for("Welcome");
            s.send("w");
            s.wait_for("Department (unclaimed) ·");
        }
        // The first case number shown in both windows.
        let screen = a.contents();
        let first = screen
            .lines()
            .find_map(|l| {
                l.split_whitespace()
                    .find(|w| w.contains("-SCJG-"))
                    .map(str::to_string)
            })
            .expect("a case in the queue");
        assert!(b.contents().contains(&first));
        a.send("c");
        a.wait_for("Claimed");
        b.wait_gone(&first, std::time::Duration::from_secs(1));
        a.send("q");
        b.send("q");
        a.wait_exit();
        b.wait_exit();
    })
    .await
    .unwrap();
}

/// At the window: a bad resident ID first (named beside the field, nothing lost, nothing saved),
/// then the right one; the chief representative then decides the instant item from the queue.
#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn intake_with_a_bad_id_first_then_an_instant_decision(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let url = app_url(&pool).await;
    tokio::task::spawn_blocking(move || {
        let (_h, mut s) = start(&url, "en");
        s.wait_for("Sign in");
        s.send("clerk\t");
        s.send("demo1234\r");
        s.wait_for("Welcome");
        s.send("n");
        s.wait_for("Materials (Space ticks)");
        s.send("SCJG-001");
        s.send("\r");
        s.wait_for("✔ SCJG-001");
        s.send("\t");
        s.send("王五\t");
        s.send("110105194912310021\t");
        s.send("13800138000\t");
        s.send("人民路1号\t");
        // 首问负责: the applicant asked the chief representative first.
        s.send("chief\t");
        for _ in 0..4 {
            s.send(" ");
            s.send("\u{1b}[B"); // ↓
        }
        s.send("\r");
        s.wait_for("check character does not match");
        assert!(
            s.contents().contains("110105194912310021"),
            "what was typed stays"
        );
        // Correct the ID: the cursor is back in the ID field.
        s.send("\u{1b}[F"); // End
        s.send("\u{7f}"); // Backspace
        s.send("X\r");
        s.wait_for("Acceptance notice");
        // The promised completion date, counted in working days (SCJG-001 promises some).
        s.wait_for("Promised completion");
        s.wait_for("working days");
        s.send("\r");
        // A fresh form has the item field focused: q would type; Esc leaves the form first.
        s.send("\u{1b}");
        s.wait_for("Welcome");
        s.send("q");
        s.wait_exit();
        s.assert_restored();

        let (_h2, mut c) = start(&url, "en");
        c.wait_for("Sign in");
        c.send("chief\t");
        c.send("demo1234\r");
        c.wait_for("Welcome");
        c.send("w");
        c.wait_for("王*");
        c.send("\r");
        c.wait_for("Timeline:");
        c.wait_for("First asked");
        c.send("y");
        c.wait_for("Approved");
        c.send("q");
        c.wait_exit();
    })
    .await
    .unwrap();
    let status: String = sqlx::query_scalar("select status::text from cases")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "approved");
    let actions: Vec<String> =
        sqlx::query_scalar("select action from audit_log where entity = 'case' order by audit_id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(actions, ["case.accept", "case.approve"]);
}

/// Parallel approval in three onewindows: a food-business case fans out to 市场监管, 卫健 and
/// 生态环境; each reviewer agrees in their own terminal (two at the same moment); the case joins
/// once, appears by itself at the lead department, which approves it.
#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn three_departments_decide_in_three_terminals_and_the_case_joins_once(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let clerk: i64 = sqlx::query_scalar("select operator_id from operators where code = 'clerk'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let onewindow::store::cases::IntakeOutcome::Accepted {
        case_id, case_no, ..
    } = common::accept_item(&pool, clerk, "SCJG-005").await
    else {
        panic!("accepted")
    };
    let url = app_url(&pool).await;
    let shown = case_no.clone();
    tokio::task::spawn_blocking(move || {
        let (_h1, mut lead) = start(&url, "en");
        let (_h2, mut hbj) = start(&url, "en");
        let (_h3, mut wjw) = start(&url, "en");
        for (s, code) in [
            (&mut lead, "chief"),
            (&mut hbj, "hbj01"),
            (&mut wjw, "wjw01"),
        ] {
            s.wait_for("Sign in");
            s.send(&format!("{code}\t"));
            s.send("demo1234\r");
            s.wait_for("Welcome");
            s.send("p");
            s.wait_for(&shown);
            s.wait_for("stage 1 review");
        }
        lead.send("y");
        lead.wait_for("other departments are still reviewing");
        // The other two at the same moment.
        hbj.send("y");
        wjw.send("y");
        hbj.wait_for("Decided");
        wjw.wait_for("Decided");
        // The join reaches the lead department's screen by itself (NOTIFY).
        lead.wait_for("lead decision due");
        lead.send("y");
        lead.wait_for("Result document number");
        lead.send("食经许〔2026〕0101号\r");
        lead.wait_for("result awaits delivery");
        for s in [&mut lead, &mut hbj, &mut wjw] {
            s.send("q");
            s.wait_exit();
        }
    })
    .await
    .unwrap();
    let joins: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where action = 'route.join' and entity_id = $1",
    )
    .bind(case_id.to_string())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(joins, 1);
    let state: String = sqlx::query_scalar("select state from case_routes where case_id = $1")
        .bind(case_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(state, "approved");
}
