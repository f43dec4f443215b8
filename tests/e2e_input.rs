//! Input end to end (issue 14): the real binary in a pseudo-terminal against a seeded database —
//! bracketed paste into every kind of text field, fields re-checked when left, Tab choosing the
//! highlighted item, and half escape sequences that must not freeze the keyboard.

mod common;

use std::time::Duration;

use common::app_url;
use common::pty::Session;
use onewindow::store::seed;
use sqlx::PgPool;

fn start(url: &str, lang: &str) -> (tempfile::TempDir, Session) {
    let home = tempfile::tempdir().unwrap();
    let h = home.path().to_str().unwrap().to_string();
    // ONEWINDOW_E2E_BIN runs another build (an older one, to see these tests fail before the fix).
    let bin = std::env::var("ONEWINDOW_E2E_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_onewindow").to_string());
    let s = Session::start_program(
        &bin,
        &["--lang", lang],
        &[
            ("DATABASE_URL", url),
            ("HOME", &h),
            ("XDG_CONFIG_HOME", &format!("{h}/config")),
            ("XDG_DATA_HOME", &format!("{h}/data")),
        ],
        100,
        30,
    );
    (home, s)
}

/// What a terminal sends for a bracketed paste.
fn paste(text: &str) -> String {
    format!("\u{1b}[200~{text}\u{1b}[201~")
}

fn sign_in(s: &mut Session, code: &str) {
    let deadline = std::time::Instant::now() + common::pty::timeout();
    while !["DB connected", "DB 已连接"]
        .iter()
        .any(|t| s.contents().contains(t))
    {
        assert!(std::time::Instant::now() < deadline, "{}", s.contents());
        std::thread::sleep(Duration::from_millis(50));
    }
    s.send(&format!("{code}\t"));
    s.send("demo1234\r");
}

/// Pasted text reaches the focused field whichever screen it is: the sign-in fields, the intake
/// form's item search and applicant fields, the lookup palette and the command line. A
/// multi-line paste goes into a one-line field with its newlines as spaces, and submits nothing.
#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn paste_reaches_every_text_field(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let url = app_url(&pool).await;
    tokio::task::spawn_blocking(move || {
        let (_h, mut s) = start(&url, "zh-CN");
        s.wait_for("DB 已连接");
        s.send(&paste("clerk"));
        s.send("\t");
        s.send(&paste("demo1234"));
        s.send("\r");
        s.wait_for("张伟，您好");
        s.send("n");
        s.wait_for("申请材料");
        s.send(&paste("SCJG-001"));
        s.wait_for("SCJG-001");
        s.send("\r");
        s.wait_for("✔ SCJG-001");
        s.send("\t"); // kind -> name
        s.send(&paste("粘贴中文\n姓名"));
        s.wait_for("粘贴中文 姓名");
        assert!(
            !s.contents().contains("受理通知书"),
            "a pasted newline must not submit the form"
        );
        s.send("\t");
        s.send(&paste("1101051949\r\n12310021"));
        s.wait_for("1101051949 12310021");
        // The lookup palette over the form.
        s.send("\u{b}"); // Ctrl-K
        s.send(&paste("查询粘贴"));
        s.wait_for("查询粘贴");
        s.send("\u{1b}");
        s.wait_gone("查询粘贴", Duration::from_secs(5));
        assert!(
            s.contents().contains("粘贴中文 姓名"),
            "the form kept its text"
        );
        // The command line.
        s.send("\u{1b}"); // leave the form (it asks nothing: Esc keeps the form's text)
        s.send(":");
        s.send(&paste("depart\nments"));
        s.wait_for(":depart ments");
    })
    .await
    .unwrap();
}

/// A field is checked again when it is left: a wrong check character is named as soon as the
/// ID field is left, and the reason goes away once the ID is corrected, without submitting.
#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_field_is_rechecked_when_left_and_its_reason_clears_when_valid(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let url = app_url(&pool).await;
    tokio::task::spawn_blocking(move || {
        let (_h, mut s) = start(&url, "zh-CN");
        sign_in(&mut s, "clerk");
        s.wait_for("张伟，您好");
        s.send("n");
        s.wait_for("申请材料");
        s.send("SCJG-001\r");
        s.wait_for("✔ SCJG-001");
        s.send("\t");
        s.send("王五\t");
        s.send("110105194912310021\t");
        s.wait_for("校验位不正确");
        s.send("\u{1b}[Z"); // Shift-Tab: back to the ID
        s.send("\u{1b}[F"); // End
        s.send("\u{7f}"); // Backspace
        s.send("X");
        s.wait_gone("校验位不正确", Duration::from_secs(5));
        s.send("\t");
        std::thread::sleep(Duration::from_millis(300));
        assert!(!s.contents().contains("校验位不正确"), "{}", s.contents());
        assert!(
            !s.contents().contains("受理通知书"),
            "nothing was submitted"
        );
    })
    .await
    .unwrap();
}

/// Tab on a highlighted match chooses it, as Enter does.
#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn tab_chooses_the_highlighted_item(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let url = app_url(&pool).await;
    tokio::task::spawn_blocking(move || {
        let (_h, mut s) = start(&url, "en");
        sign_in(&mut s, "clerk");
        s.wait_for("Welcome");
        s.send("n");
        s.wait_for("Materials (Space ticks)");
        s.send("SCJG-001");
        s.wait_for("▶ SCJG-001");
        s.send("\t");
        s.wait_for("✔ SCJG-001");
        // The materials of the chosen item arrive; the form went on to the next field.
        s.wait_for("[ ]");
    })
    .await
    .unwrap();
}

/// `ESC [ ?` starts a DEC private sequence that crossterm 0.29 waits on until a `c` or `u`
/// arrives: every key after it was swallowed, Ctrl-C included. A finished sequence nobody knows
/// (`ESC[?2026;2$y`, a terminal's DECRPM reply) is dropped whole; a half one (Alt-[ then `?`)
/// is dropped after a short silence; a control key inside one still counts.
#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn half_escape_sequences_do_not_freeze_the_keyboard(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let url = app_url(&pool).await;
    tokio::task::spawn_blocking(move || {
        let (_h, mut s) = start(&url, "en");
        sign_in(&mut s, "clerk");
        s.wait_for("Welcome");
        // A terminal's reply to a mode query.
        s.send("\u{1b}[?2026;2$y");
        s.send("?");
        s.wait_for("┌ Keys");
        s.send("?");
        s.wait_gone("┌ Keys", Duration::from_secs(5));
        // Alt-[ then `?`, then nothing: dropped after the silence.
        s.send("\u{1b}[");
        s.send("?");
        std::thread::sleep(Duration::from_millis(1500));
        s.send("?");
        s.wait_for("┌ Keys");
        s.send("?");
        s.wait_gone("┌ Keys", Duration::from_secs(5));
        // The same, and Ctrl-C at once: it quits (nothing typed, so without asking).
        s.send("\u{1b}[?");
        s.send("\u{3}");
        assert_eq!(s.wait_exit(), 0, "{}", s.contents());
        s.assert_restored();
    })
    .await
    .unwrap();
}
