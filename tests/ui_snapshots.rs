//! Whole-screen snapshots at 80x24 in both languages (TestBackend + insta).

mod common;

use common::*;
use onewindow::i18n::Lang;
use onewindow::store::accounts::departments::DepartmentRow;
use onewindow::ui::action::{Action, DbState};
use ratatui::crossterm::event::KeyCode;

fn both(name: &str, make: impl Fn(Lang) -> onewindow::ui::app::App) {
    for lang in Lang::ALL {
        let mut app = make(lang);
        insta::assert_snapshot!(format!("{name}_{}", lang.code()), render(&mut app, 80, 24));
    }
}

#[test]
fn login_screen() {
    both("login", app);
}

#[test]
fn login_screen_with_demo_accounts() {
    both("login_demo", demo_app);
}

#[test]
fn login_names_the_missing_field() {
    both("login_missing_password", |lang| {
        let mut a = app(lang);
        type_text(&mut a, "clerk");
        a.update(key(KeyCode::Enter));
        a
    });
}

#[test]
fn home_with_status_bar() {
    both("home", |lang| signed_in(lang, clerk()));
}

#[test]
fn help_overlay() {
    both("help", |lang| {
        let mut a = signed_in(lang, clerk());
        a.update(ch('?'));
        a
    });
}

#[test]
fn help_on_the_login_form() {
    both("help_login", |lang| {
        let mut a = app(lang);
        a.update(key(KeyCode::F(1)));
        a
    });
}

#[test]
fn reconnecting_banner() {
    both("reconnecting", |lang| {
        let mut a = signed_in(lang, clerk());
        a.update(Action::Db(DbState::Reconnecting));
        a
    });
}

#[test]
fn departments_table_keeps_chinese_aligned() {
    both("departments", |lang| {
        let mut a = signed_in(lang, clerk());
        a.update(ch('d'));
        let rows = [
            (
                "FGJ",
                "发展和改革局",
                "Development and Reform Bureau",
                "center_department",
                1,
                4,
            ),
            (
                "RSJ",
                "人力资源和社会保障局",
                "Human Resources and Social Security Bureau",
                "center_department",
                3,
                6,
            ),
            (
                "SWDT",
                "税务办税服务厅",
                "Tax Service Hall",
                "supervised_hall",
                5,
                6,
            ),
            (
                "CGZ",
                "城关镇便民服务中心",
                "Chengguan Town Service Center",
                "township_center",
                2,
                2,
            ),
        ];
        a.update(Action::DepartmentsLoaded(Ok(rows
            .iter()
            .enumerate()
            .map(|(i, r)| DepartmentRow {
                department_id: i as i64 + 1,
                code: r.0.into(),
                name_zh: r.1.into(),
                name_en: r.2.into(),
                kind: r.3.into(),
                windows: r.4,
                operators: r.5,
            })
            .collect())));
        a.update(key(KeyCode::Down));
        a
    });
}

#[test]
fn command_line_lists_candidates() {
    both("command_line", |lang| {
        let mut a = signed_in(lang, clerk());
        a.update(ch(':'));
        a.update(ch('l'));
        a.update(key(KeyCode::Tab));
        a
    });
}

#[test]
fn quit_confirmation_when_input_is_unsaved() {
    both("quit_unsaved", |lang| {
        let mut a = app(lang);
        type_text(&mut a, "clerk");
        a.update(ctrl('c'));
        a
    });
}

#[test]
fn idle_lock_screen() {
    both("idle_lock", |lang| {
        let mut a = signed_in(lang, clerk());
        a.update(tick(9, 40, 0));
        a
    });
}

#[test]
fn terminal_too_small() {
    for lang in Lang::ALL {
        let mut a = signed_in(lang, clerk());
        insta::assert_snapshot!(format!("too_small_{}", lang.code()), render(&mut a, 60, 20));
    }
}
