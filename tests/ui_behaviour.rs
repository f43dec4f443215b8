//! How the UI reacts to keys, ticks and database results (no database: tasks are inspected, and
//! their results fed back as Actions, exactly as the event loop does).

mod common;

use common::*;
use onewindow::i18n::Lang;
use onewindow::store::accounts::operators::{LoginOutcome, Purpose};
use onewindow::ui::action::{Action, DbState, Task, TaskError};
use onewindow::ui::app::Screen;
use ratatui::crossterm::event::KeyCode;

fn down() -> TaskError {
    TaskError {
        message: "connection refused".into(),
        connection: true,
        forbidden: false,
        field: None,
    }
}

#[test]
fn login_sends_one_task_with_what_was_typed() {
    let mut a = app(Lang::En);
    type_text(&mut a, "clerk");
    a.update(key(KeyCode::Tab));
    type_text(&mut a, "pa ss?q");
    let tasks = a.update(key(KeyCode::Enter));
    assert_eq!(
        tasks,
        vec![Task::Login {
            code: "clerk".into(),
            password: "pa ss?q".into(),
            purpose: Purpose::Login
        }]
    );
    // A second Enter while the check runs sends nothing more.
    assert!(a.update(key(KeyCode::Enter)).is_empty());
}

#[test]
fn letters_type_into_the_form_instead_of_running_commands() {
    let mut a = app(Lang::En);
    type_text(&mut a, "q?:");
    assert!(!a.should_quit);
    assert!(a.help.is_none());
    assert_eq!(a.login.code_text(), "q?:");
}

#[test]
fn a_missing_field_is_named_and_nothing_is_sent() {
    let mut a = app(Lang::En);
    assert!(a.update(key(KeyCode::Enter)).is_empty());
    assert_eq!(
        a.login.message.as_ref().unwrap().text(Lang::En),
        "Operator code: please enter it"
    );
}

#[test]
fn wrong_password_keeps_the_code_and_clears_the_password() {
    let mut a = app(Lang::ZhCn);
    type_text(&mut a, "clerk");
    a.update(key(KeyCode::Tab));
    type_text(&mut a, "wrong");
    a.update(key(KeyCode::Enter));
    a.update(Action::LoginDone {
        purpose: Purpose::Login,
        result: Ok(LoginOutcome::BadCredentials),
    });
    assert_eq!(a.login.code_text(), "clerk");
    assert!(a.session.is_none());
    assert_eq!(
        a.login.message.as_ref().unwrap().text(Lang::ZhCn),
        "工号或密码错误"
    );
}

#[test]
fn outage_during_login_keeps_input_and_retries_when_the_database_returns() {
    let mut a = app(Lang::En);
    type_text(&mut a, "clerk");
    a.update(key(KeyCode::Tab));
    type_text(&mut a, "demo1234");
    a.update(key(KeyCode::Enter));
    a.update(Action::LoginDone {
        purpose: Purpose::Login,
        result: Err(down()),
    });
    assert_eq!(a.db, DbState::Reconnecting);
    assert_eq!(a.login.code_text(), "clerk");
    // Typing goes on while the database is away.
    a.update(Action::Db(DbState::Reconnecting));
    let tasks = a.update(Action::Db(DbState::Connected));
    assert_eq!(
        tasks,
        vec![Task::Login {
            code: "clerk".into(),
            password: "demo1234".into(),
            purpose: Purpose::Login
        }]
    );
}

#[test]
fn a_list_that_failed_in_an_outage_reloads_by_itself() {
    let mut a = signed_in(Lang::En, clerk());
    assert_eq!(a.update(ch('d')), vec![Task::LoadDepartments]);
    a.update(Action::DepartmentsLoaded(Err(down())));
    assert_eq!(a.db, DbState::Reconnecting);
    assert_eq!(
        a.update(Action::Db(DbState::Connected)),
        vec![Task::LoadDepartments]
    );
}

#[test]
fn quit_without_input_is_immediate_and_with_input_asks() {
    let mut a = signed_in(Lang::En, clerk());
    a.update(ch('q'));
    assert!(a.should_quit);

    let mut b = app(Lang::En);
    type_text(&mut b, "cl");
    b.update(ctrl('c'));
    assert!(!b.should_quit);
    assert_eq!(b.confirm_quit, Some(true));
    b.update(ch('n'));
    assert!(b.confirm_quit.is_none());
    assert_eq!(b.login.code_text(), "cl", "staying keeps what was typed");
    b.update(ctrl('c'));
    b.update(ch('y'));
    assert!(b.should_quit);
}

#[test]
fn idle_lock_keeps_the_screen_and_unlocks_with_the_password() {
    let mut a = signed_in(Lang::En, supervisor());
    a.update(ch('d'));
    assert_eq!(a.screen, Screen::Departments);
    a.update(tick(9, 39, 59));
    assert!(!a.locked, "not yet ten minutes");
    let tasks = a.update(tick(9, 40, 0));
    assert!(a.locked);
    assert_eq!(
        tasks,
        vec![Task::RecordSession {
            operator_id: 9,
            action: "session.idle_lock"
        }]
    );
    // While locked, screen keys do nothing and letters type into the password.
    type_text(&mut a, "demo1234");
    let tasks = a.update(key(KeyCode::Enter));
    assert_eq!(
        tasks,
        vec![Task::Login {
            code: "supervisor".into(),
            password: "demo1234".into(),
            purpose: Purpose::Unlock
        }]
    );
    a.update(Action::LoginDone {
        purpose: Purpose::Unlock,
        result: Ok(LoginOutcome::Ok(supervisor())),
    });
    assert!(!a.locked);
    assert_eq!(a.screen, Screen::Departments, "the screen's state is kept");
}

#[test]
fn input_resets_the_idle_clock() {
    let mut a = signed_in(Lang::En, clerk());
    a.update(tick(9, 38, 0));
    a.update(key(KeyCode::Down));
    a.update(tick(9, 47, 0));
    assert!(!a.locked);
    a.update(tick(9, 48, 0));
    assert!(a.locked);
}

#[test]
fn audit_screen_is_refused_to_a_clerk_and_open_to_a_supervisor() {
    let mut a = signed_in(Lang::En, clerk());
    assert!(a.update(ch('a')).is_empty());
    assert_eq!(a.screen, Screen::Home);
    assert!(a.flash.is_some());
    let mut s = signed_in(Lang::En, supervisor());
    assert_eq!(s.update(ch('a')), vec![Task::LoadAudit { viewer: 9 }]);
    assert_eq!(s.screen, Screen::Audit);
}

#[test]
fn command_line_opens_screens_and_keeps_unknown_input() {
    let mut a = signed_in(Lang::En, clerk());
    a.update(ch(':'));
    type_text(&mut a, "depa");
    assert_eq!(a.update(key(KeyCode::Enter)), vec![Task::LoadDepartments]);
    assert_eq!(a.screen, Screen::Departments);
    assert!(a.command_line.is_none());

    a.update(ch(':'));
    type_text(&mut a, "nonsense");
    a.update(key(KeyCode::Enter));
    let c = a.command_line.as_ref().expect("still open");
    assert_eq!(c.text(), "nonsense");
    assert!(c.error.is_some());
    a.update(key(KeyCode::Esc));
    assert!(a.command_line.is_none());
    a.update(key(KeyCode::Esc));
    assert_eq!(a.screen, Screen::Home, "Esc goes back");
}

#[test]
fn language_switches_at_once() {
    let mut a = signed_in(Lang::ZhCn, clerk());
    a.update(key(KeyCode::F(2)));
    assert_eq!(a.lang, Lang::En);
    a.update(ch(':'));
    type_text(&mut a, "lang zh-CN");
    a.update(key(KeyCode::Enter));
    assert_eq!(a.lang, Lang::ZhCn);
}

#[test]
fn paste_goes_into_the_focused_field_without_submitting() {
    let mut a = app(Lang::En);
    let tasks = a.update(Action::Paste("clerk\nsecond line".into()));
    assert!(tasks.is_empty());
    // One line: the pasted newline is a space (issue 14.1) and submits nothing.
    assert_eq!(a.login.code_text(), "clerk second line");
}

#[test]
fn draw_happens_only_after_a_change() {
    let mut a = signed_in(Lang::En, clerk());
    assert!(a.take_dirty());
    assert!(!a.take_dirty());
    // The clock shows minutes: a tick within the same minute changes nothing visible.
    a.update(tick(9, 30, 30));
    assert!(!a.take_dirty());
    a.update(tick(9, 31, 0));
    assert!(a.take_dirty());
    a.update(Action::Db(DbState::Connected));
    assert!(!a.take_dirty(), "same database state again");
}

#[test]
fn signal_quits_even_with_unsaved_input() {
    let mut a = app(Lang::En);
    type_text(&mut a, "clerk");
    a.update(Action::Terminate);
    assert!(a.should_quit);
}

#[test]
fn a_clock_step_neither_locks_early_nor_postpones_the_lock() {
    use onewindow::ui::action::Action;
    use std::time::Duration;
    let mut a = signed_in(Lang::En, clerk());
    // The wall clock jumps an hour ahead (NTP, a time-zone fix); only 5 s really passed.
    a.update(Action::Tick {
        wall: at(10, 30, 0),
        mono: Duration::from_secs(5),
    });
    assert!(!a.locked);
    // The wall clock jumps back; ten real minutes have passed.
    a.update(Action::Tick {
        wall: at(8, 0, 0),
        mono: Duration::from_secs(600),
    });
    assert!(a.locked);
}

#[test]
fn esc_on_the_lock_screen_keeps_the_screen_behind() {
    let mut a = signed_in(Lang::En, clerk());
    a.update(ch('d'));
    a.update(ctrl('l'));
    assert!(a.locked);
    a.update(key(KeyCode::Esc));
    assert_eq!(a.screen, Screen::Departments);
    // Only the password counts as unsaved input while locked.
    a.update(ctrl('c'));
    assert!(a.should_quit, "nothing typed: quits without asking");
}

#[test]
fn alt_enter_does_not_break_a_field_into_two_lines() {
    use ratatui::crossterm::event::{KeyEvent, KeyModifiers};
    let mut a = app(Lang::En);
    type_text(&mut a, "cl");
    a.update(Action::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::ALT,
    )));
    a.update(ctrl('m'));
    type_text(&mut a, "erk");
    assert_eq!(a.login.code_text(), "clerk");
}

#[test]
fn a_successful_result_clears_a_stale_reconnecting_state() {
    let mut a = signed_in(Lang::En, clerk());
    a.update(ch('d'));
    a.update(Action::DepartmentsLoaded(Err(down())));
    assert_eq!(a.db, DbState::Reconnecting);
    // The monitor never saw the blip; the next successful load is proof enough.
    a.update(Action::DepartmentsLoaded(Ok(vec![])));
    assert_eq!(a.db, DbState::Connected);
}

#[test]
fn unlock_by_another_operator_is_ignored() {
    let mut a = signed_in(Lang::En, clerk());
    a.update(ctrl('l'));
    a.update(Action::LoginDone {
        purpose: Purpose::Unlock,
        result: Ok(LoginOutcome::Ok(supervisor())),
    });
    assert!(a.locked);
    assert_eq!(a.session.as_ref().unwrap().code, "clerk");
}

#[test]
fn a_task_waiting_a_second_or_more_is_said_in_the_status_bar_then_cleared() {
    // Issue 15.4: a blocked action shows "waiting for …", never a silent hang.
    for (lang, text) in [
        (Lang::En, "waiting for the database… 3 s"),
        (Lang::ZhCn, "等待数据库…… 3 秒"),
    ] {
        let mut a = signed_in(lang, clerk());
        a.update(Action::Db(DbState::Connected));
        a.update(Action::Busy(Some(3)));
        let screen = render(&mut a, 80, 24);
        assert!(screen.contains(text), "{screen}");
        a.update(Action::Busy(None));
        let screen = render(&mut a, 80, 24);
        assert!(!screen.contains(text), "{screen}");
    }
}

#[test]
fn the_servers_idle_lock_caps_a_longer_local_setting() {
    // Issue 15.5: the client may lock sooner than the server's idle_lock_minutes, never later.
    let mut op = clerk();
    op.idle_lock_minutes = 3;
    let mut a = signed_in(Lang::En, op);
    a.update(tick(9, 33, 30));
    assert!(
        a.locked,
        "locked after the server's 3 minutes, not the local 10"
    );
}
