//! Frame cost: how long one full redraw of a screen takes on a test backend, as the event loop does
//! it after a change. Run: `cargo bench --bench render`. Figures go to docs/performance.md.

use std::time::{Duration, Instant};

use chrono::TimeZone;
use onewindow::domain::role::Role;
use onewindow::i18n::Lang;
use onewindow::store::departments::DepartmentRow;
use onewindow::store::operators::{LoginOutcome, Operator, Purpose};
use onewindow::store::seed::DEPARTMENTS;
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
    let now = chrono::Local
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
    }
}
