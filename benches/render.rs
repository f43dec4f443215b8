//! Frame cost: how long one full redraw of a screen takes on a test backend, as the event loop does
//! it after a change. Run: `cargo bench --bench render`. Figures go to docs/performance.md.

use std::time::{Duration, Instant};

use chrono::TimeZone;
use onewindow::domain::accounts::role::Role;
use onewindow::i18n::Lang;
use onewindow::store::accounts::departments::DepartmentRow;
use onewindow::store::accounts::operators::{LoginOutcome, Operator, Purpose};
use onewindow::store::seed::tables::DEPARTMENTS;
use onewindow::ui::action::{Action, DbState};
use onewindow::ui::app::{App, AppConfig};
use onewindow::ui::keymap::Keymap;
use onewindow::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn app(lang: Lang) -> App {
    let cfg = AppConfig {
        lang,
        theme: Theme::builtin("default").unwrap(),
        keymap: Keymap::defaults(),
        idle_lock_minutes: 10,
        thresholds: Default::default(),
        demo_accounts: vec![],
        demo_password: None,
    };
    let now = onewindow::domain::time::zone::CENTER
        .with_ymd_and_hms(2026, 11, 26, 9, 30, 0)
        .unwrap();
    let mut a = App::new(cfg, now);
    a.update(Action::Db(DbState::Connected));
    a.update(Action::LoginDone {
        purpose: Purpose::Login,
        result: Ok(LoginOutcome::Ok(Operator {
            operator_id: 1,
            code: "clerk".into(),
            name: "张伟".into(),
            department_id: 3,
            department_code: "SCJG".into(),
            department_zh: "市场监督管理局".into(),
            department_en: "Market Supervision Administration".into(),
            window_code: Some("A03".into()),
            roles: vec![Role::WindowClerk],
            idle_lock_minutes: 10,
        })),
    });
    a
}

fn departments(a: &mut App) {
    a.update(Action::Key(KeyEvent::new(
        KeyCode::Char('d'),
        KeyModifiers::NONE,
    )));
    let rows = DEPARTMENTS
        .iter()
        .enumerate()
        .map(|(i, d)| DepartmentRow {
            department_id: i as i64,
            code: d.0.into(),
            name_zh: d.1.into(),
            name_en: d.2.into(),
            kind: d.3.into(),
            windows: 3,
            operators: 5,
        })
        .collect();
    a.update(Action::DepartmentsLoaded(Ok(rows)));
}

/// The department queue with a full page of 200 cases, every warning level among them.
fn queue(a: &mut App) {
    use onewindow::domain::time::calendar::Remaining;
    use onewindow::store::cases::{Queue, QueueRow};
    a.update(Action::Key(KeyEvent::new(
        KeyCode::Char('w'),
        KeyModifiers::NONE,
    )));
    let names = ["欧阳小明", "张三", "李秀英", "王伟", "陈静"];
    let rows = (0..200i64)
        .map(|i| QueueRow {
            case_id: i,
            case_no: format!("20261126-SCJG-{i:05}"),
            item_zh: "食品经营许可（含网络经营）".into(),
            item_en: "Food business licence (online sales included)".into(),
            department_code: "SCJG".into(),
            applicant_kind: "person".into(),
            applicant_name: names[i as usize % names.len()].into(),
            applicant_id_no: "11010519491231002X".into(),
            status: "accepted".into(),
            claimed_by_name: (i % 3 == 0).then(|| "李娜".into()),
            received_at: chrono::Utc.with_ymd_and_hms(2026, 11, 20, 1, 0, 0).unwrap(),
            accepted_at: Some(chrono::Utc.with_ymd_and_hms(2026, 11, 20, 1, 5, 0).unwrap()),
            decided_at: None,
            is_instant: i % 4 == 0,
            version: 1,
            limit_days: Some(10),
            due_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 20 + (i % 10) as u32),
            due_provisional: false,
            suspended: i % 17 == 0,
            extension_days: 0,
            remaining: Some(Remaining {
                days: (i % 10) - 4,
                overdue: i % 10 < 4,
            }),
        })
        .collect();
    a.update(Action::QueueLoaded {
        which: Queue::Department,
        append: false,
        result: Ok(rows),
    });
}

fn measure(name: &str, w: u16, h: u16, mut a: App) {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    for _ in 0..200 {
        t.draw(|f| onewindow::ui::draw::draw(f, &mut a)).unwrap();
    }
    let n = 2000;
    let mut samples: Vec<Duration> = Vec::with_capacity(n);
    for _ in 0..n {
        let s = Instant::now();
        t.draw(|f| onewindow::ui::draw::draw(f, &mut a)).unwrap();
        samples.push(s.elapsed());
    }
    samples.sort();
    let mean = samples.iter().sum::<Duration>() / n as u32;
    let p99 = samples[n * 99 / 100];
    println!(
        "{name:<34} {w:>3}x{h:<3} mean {:>7.1} µs   p99 {:>7.1} µs",
        mean.as_secs_f64() * 1e6,
        p99.as_secs_f64() * 1e6
    );
}

fn main() {
    for lang in Lang::ALL {
        let l = lang.code();
        measure(&format!("home [{l}]"), 80, 24, app(lang));
        let mut a = app(lang);
        departments(&mut a);
        measure(&format!("departments, 26 rows [{l}]"), 80, 24, a);
        let mut a = app(lang);
        departments(&mut a);
        measure(&format!("departments, 26 rows [{l}]"), 200, 60, a);
        let mut a = app(lang);
        a.update(Action::Key(KeyEvent::new(
            KeyCode::Char('?'),
            KeyModifiers::NONE,
        )));
        measure(&format!("help overlay [{l}]"), 80, 24, a);
        let mut a = app(lang);
        queue(&mut a);
        measure(&format!("queue, 200 rows [{l}]"), 200, 50, a);
        let mut a = app(lang);
        queue(&mut a);
        measure(&format!("queue, 200 rows [{l}]"), 80, 24, a);
    }
}
