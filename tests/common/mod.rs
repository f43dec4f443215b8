//! Helpers shared by the integration tests.
#![allow(dead_code)]

use chrono::TimeZone;
use onewindow::domain::time::zone::{CENTER, CenterTime};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use onewindow::domain::accounts::role::Role;
use onewindow::i18n::Lang;
use onewindow::store::accounts::operators::{LoginOutcome, Operator, Purpose};
use onewindow::ui::action::{Action, DbState};
use onewindow::ui::app::{App, AppConfig};
use onewindow::ui::keymap::Keymap;
use onewindow::ui::theme::Theme;

/// A time at the center (the tests run on hosts in any zone).
pub fn at(h: u32, m: u32, s: u32) -> CenterTime {
    CENTER.with_ymd_and_hms(2026, 11, 26, h, m, s).unwrap()
}

/// A tick at 2026-11-26 h:m:s, the app having started at 09:30:00 (monotonic time agrees).
pub fn tick(h: u32, m: u32, s: u32) -> Action {
    let wall = at(h, m, s);
    let mono = (wall - at(9, 30, 0)).to_std().unwrap_or_default();
    Action::Tick { wall, mono }
}

pub fn config(lang: Lang) -> AppConfig {
    AppConfig {
        lang,
        theme: Theme::builtin("default").unwrap(),
        keymap: Keymap::defaults(),
        idle_lock_minutes: 10,
        thresholds: Default::default(),
        demo_accounts: vec![],
        demo_password: None,
    }
}

pub fn app(lang: Lang) -> App {
    let mut a = App::new(config(lang), at(9, 30, 0));
    a.update(Action::Db(DbState::Connected));
    a
}

pub fn demo_app(lang: Lang) -> App {
    let mut cfg = config(lang);
    cfg.demo_accounts = onewindow::store::seed::DEMO_ACCOUNTS
        .iter()
        .map(|(c, _, _, r)| (c.to_string(), *r))
        .collect();
    cfg.demo_password = Some("demo1234".into());
    let mut a = App::new(cfg, at(9, 30, 0));
    a.update(Action::Db(DbState::Connected));
    a
}

pub fn clerk() -> Operator {
    Operator {
        operator_id: 7,
        code: "clerk".into(),
        name: "张伟".into(),
        department_id: 3,
        department_code: "SCJG".into(),
        department_zh: "市场监督管理局".into(),
        department_en: "Market Supervision Administration".into(),
        window_code: Some("A03".into()),
        roles: vec![Role::WindowClerk],
        idle_lock_minutes: 10,
    }
}

pub fn supervisor() -> Operator {
    Operator {
        operator_id: 9,
        code: "supervisor".into(),
        name: "陈静".into(),
        department_id: 1,
        department_code: "ZXB".into(),
        department_zh: "行政服务中心管理办公室".into(),
        department_en: "Service Center Administration Office".into(),
        window_code: None,
        roles: vec![Role::Supervisor],
        idle_lock_minutes: 10,
    }
}

/// A signed-in app, as after a successful login task.
pub fn signed_in(lang: Lang, op: Operator) -> App {
    let mut a = app(lang);
    a.update(Action::LoginDone {
        purpose: Purpose::Login,
        result: Ok(LoginOutcome::Ok(op)),
    });
    a
}

pub fn key(code: KeyCode) -> Action {
    Action::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ch(c: char) -> Action {
    key(KeyCode::Char(c))
}

pub fn ctrl(c: char) -> Action {
    Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Types a string, one key per character.
pub fn type_text(app: &mut App, text: &str) -> Vec<onewindow::ui::action::Task> {
    let mut tasks = vec![];
    for c in text.chars() {
        tasks.extend(app.update(ch(c)));
    }
    tasks
}

/// Draws the app on a test terminal and returns the screen as text.
pub fn render(app: &mut App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| onewindow::ui::draw::draw(f, app)).unwrap();
    t.backend().to_string()
}

/// The server URL for database tests and for child processes: DATABASE_URL with another database.
pub fn url_for(db: &str) -> String {
    let base = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let (server, _) = base.rsplit_once('/').unwrap();
    format!("{server}/{db}")
}

/// The URL of the database a `#[sqlx::test]` pool points at.
pub fn pool_url(pool: &sqlx::PgPool) -> String {
    let name = pool
        .connect_options()
        .get_database()
        .expect("test pool has a database")
        .to_string();
    url_for(&name)
}

/// The URL of a `#[sqlx::test]` database for the runtime role `onewindow_app`, after making the
/// roles and applying the grants as a deployment does (`onewindow db roles`, `db migrate`): the
/// real binary then runs with exactly the privileges it has in production.
pub async fn app_url(pool: &sqlx::PgPool) -> String {
    let mut conn = pool.acquire().await.expect("test pool connects");
    onewindow::store::roles::ensure_roles(&mut conn)
        .await
        .expect("roles are made");
    onewindow::store::roles::apply_grants(&mut conn)
        .await
        .expect("grants are applied");
    as_role(&pool_url(pool), onewindow::store::roles::APP)
}

/// A server URL with another user name (trust authentication on the test server).
pub fn as_role(url: &str, role: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let host = rest.split_once('@').map_or(rest, |(_, h)| h);
    format!("{scheme}://{role}@{host}")
}

/// Runs a command to its end: (exit code, stdout, stderr), the streams as text.
pub fn run(cmd: &mut std::process::Command) -> (i32, String, String) {
    let out = cmd.output().expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The real binary, with an isolated configuration and data directory.
pub fn bin(home: &std::path::Path) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_onewindow"));
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("LANG", "C.UTF-8");
    c
}

pub mod pty;
pub mod trading;

/// A queue row for UI tests.
pub fn queue_row(
    i: i64,
    item: &str,
    applicant: &str,
    status: &str,
) -> onewindow::store::cases::QueueRow {
    use chrono::TimeZone;
    onewindow::store::cases::QueueRow {
        case_id: i,
        case_no: format!("20261126-SCJG-{i:05}"),
        item_zh: item.into(),
        item_en: format!("Item {i}"),
        department_code: "SCJG".into(),
        applicant_kind: "person".into(),
        applicant_name: applicant.into(),
        applicant_id_no: "11010519491231002X".into(),
        status: status.into(),
        claimed_by_name: None,
        received_at: chrono::Utc
            .with_ymd_and_hms(2026, 11, 26, 1, i as u32, 0)
            .unwrap(),
        accepted_at: (status == "accepted").then(|| {
            chrono::Utc
                .with_ymd_and_hms(2026, 11, 20, 1, i as u32, 0)
                .unwrap()
        }),
        decided_at: None,
        is_instant: i % 2 == 0,
        version: 1,
        // Cases awaiting correction have no clock; open ones cycle through overdue, due today,
        // two days left (yellow) and four (normal), the last of them provisional.
        limit_days: Some(5),
        due_date: (status == "accepted")
            .then(|| chrono::NaiveDate::from_ymd_opt(2026, 11, 24 + (i as u32 % 4) * 2).unwrap()),
        due_provisional: i % 4 == 3,
        // Case 5 waits for a special procedure: its clock stands still.
        suspended: i == 5,
        extension_days: 0,
        remaining: (status == "accepted").then(|| onewindow::domain::time::calendar::Remaining {
            days: [-1, 0, 2, 4][i as usize % 4],
            overdue: i % 4 == 0,
        }),
    }
}

/// A demo operator's id by code (the seeded accounts: clerk, chief, reviewer, cashier,
/// supervisor, admin).
pub async fn op(pool: &sqlx::PgPool, code: &str) -> i64 {
    sqlx::query_scalar("select operator_id from operators where code = $1")
        .bind(code)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Accepts an application for the item with this code, every material brought, from 张小三 (a
/// valid resident ID and mobile), received by `operator`.
pub async fn accept_item(
    pool: &sqlx::PgPool,
    operator: i64,
    item_code: &str,
) -> onewindow::store::cases::IntakeOutcome {
    use onewindow::store::cases::{self, ApplicantKind, Intake};
    let item_id: i64 = sqlx::query_scalar("select item_id from items where code = $1")
        .bind(item_code)
        .fetch_one(pool)
        .await
        .unwrap();
    let provided = onewindow::store::catalogue::materials(pool, item_id)
        .await
        .unwrap()
        .iter()
        .map(|m| m.material_id)
        .collect();
    cases::intake(
        pool,
        operator,
        &Intake {
            item_id,
            kind: ApplicantKind::Person,
            name: "张小三".into(),
            id_no: "11010519491231002X".into(),
            phone: "13800138000".into(),
            address: String::new(),
            first_inquiry: None,
            provided,
        },
    )
    .await
    .unwrap()
}

/// Accepts an ID-card renewal (20 yuan on acceptance) and returns its payment code.
pub async fn assessed(pool: &sqlx::PgPool, clerk: i64) -> String {
    let out = accept_item(pool, clerk, "GAJ-001").await;
    let onewindow::store::cases::IntakeOutcome::Accepted {
        fee: Some((code, fen)),
        ..
    } = out
    else {
        panic!("{out:?}")
    };
    assert_eq!(fen, 2000);
    assert!(
        onewindow::domain::fees::payment_code::is_valid(&code),
        "{code}"
    );
    code
}

pub fn export(day: chrono::NaiveDate, rows: &[(&str, &str, &str, &str)]) -> Vec<u8> {
    let mut s = String::from("票据号码,缴款码,金额,缴款时间,缴款人,原票据号码\n");
    for (no, code, amount, reverses) in rows {
        s.push_str(&format!(
            "{no},{code},{amount},{day} 10:00:00,张三,{reverses}\n"
        ));
    }
    // The fiscal system writes GBK.
    encoding_rs::GBK.encode(&s).0.into_owned()
}

/// Runs a statement the database must refuse, and returns the refusal's text.
pub async fn refused(pool: &sqlx::PgPool, sql: &'static str) -> String {
    sqlx::query(sql)
        .execute(pool)
        .await
        .expect_err(sql)
        .to_string()
}
