//! "Change my password" in the TUI: opened from home and the command line, refusals beside the
//! field in both languages, and the forced change after a sign-in that needs it, which nothing
//! else gets past (TestBackend + insta, 80x24).

mod common;

use common::*;
use onewindow::domain::accounts::password_policy::Problem;
use onewindow::i18n::Lang;
use onewindow::store::accounts::manage::ChangeRefused;
use onewindow::store::accounts::operators::{LoginOutcome, Purpose};
use onewindow::ui::action::{Action, Task};
use onewindow::ui::app::{App, Screen};
use ratatui::crossterm::event::KeyCode;

fn both(name: &str, make: impl Fn(Lang) -> App) {
    for lang in Lang::ALL {
        let mut app = make(lang);
        insta::assert_snapshot!(format!("{name}_{}", lang.code()), render(&mut app, 80, 24));
    }
}

/// Signed in as clerk, with the sign-in answering "must change".
fn forced(lang: Lang) -> App {
    let mut a = app(lang);
    a.update(Action::LoginDone {
        purpose: Purpose::Login,
        result: Ok(LoginOutcome::MustChange(clerk())),
    });
    a
}

/// Fills the three fields and submits; returns the tasks.
fn fill(a: &mut App, old: &str, new: &str, repeat: &str) -> Vec<Task> {
    type_text(a, old);
    a.update(key(KeyCode::Tab));
    type_text(a, new);
    a.update(key(KeyCode::Tab));
    type_text(a, repeat);
    a.update(key(KeyCode::Enter))
}

#[test]
fn the_change_screen_opens_from_home_and_closes_with_esc() {
    both("password_open", |lang| {
        let mut a = signed_in(lang, clerk());
        a.update(ch('c'));
        assert!(a.password.is_some());
        a
    });
    let mut a = signed_in(Lang::En, clerk());
    for c in ":password".chars() {
        a.update(ch(c));
    }
    a.update(key(KeyCode::Enter));
    assert!(a.password.is_some(), "the command line opens it");
    a.update(key(KeyCode::Esc));
    assert!(a.password.is_none());
}

#[test]
fn a_refusal_is_shown_beside_its_field_in_both_languages() {
    both("password_refused", |lang| {
        let mut a = signed_in(lang, clerk());
        a.update(ch('c'));
        let tasks = fill(&mut a, "demo1234", "short", "short");
        assert!(
            matches!(tasks.as_slice(), [Task::ChangePassword { old, new, .. }] if old == "demo1234" && new == "short"),
            "{tasks:?}"
        );
        a.update(Action::PasswordChanged(Ok(Err(ChangeRefused::Policy(
            Problem::TooShort {
                min_length: 10,
                words: 4,
            },
        )))));
        a
    });
    both("password_mismatch", |lang| {
        let mut a = signed_in(lang, clerk());
        a.update(ch('c'));
        let tasks = fill(&mut a, "demo1234", "Quokka-ferry-2941", "Quokka-ferry-2942");
        assert!(tasks.is_empty(), "nothing is sent when the two differ");
        a
    });
    both("password_wrong_current", |lang| {
        let mut a = signed_in(lang, clerk());
        a.update(ch('c'));
        fill(
            &mut a,
            "demo12345",
            "Quokka-ferry-2941",
            "Quokka-ferry-2941",
        );
        a.update(Action::PasswordChanged(Ok(Err(
            ChangeRefused::WrongCurrent,
        ))));
        a
    });
}

#[test]
fn the_forced_change_cannot_be_left_until_it_succeeds() {
    both("password_forced", forced);
    let mut a = forced(Lang::En);
    assert!(a.password.as_ref().is_some_and(|p| p.forced));
    // Esc, screen keys and the command line lead nowhere: they type or do nothing.
    a.update(key(KeyCode::Esc));
    assert!(a.password.is_some());
    let tasks = a.update(ch('w'));
    assert!(tasks.is_empty());
    assert_eq!(a.screen, Screen::Home);
    a.update(ch(':'));
    assert!(a.command_line.is_none());
    // A refusal keeps it open.
    a = forced(Lang::En);
    fill(&mut a, "x", "Quokka-ferry-2941", "Quokka-ferry-2941");
    a.update(Action::PasswordChanged(Ok(Err(ChangeRefused::Same))));
    assert!(a.password.is_some());
    // Success closes it and loads what a sign-in loads.
    a = forced(Lang::En);
    let tasks = fill(
        &mut a,
        "Init-pass-2026",
        "Quokka-ferry-2941",
        "Quokka-ferry-2941",
    );
    assert_eq!(tasks.len(), 1);
    let after = a.update(Action::PasswordChanged(Ok(Ok(()))));
    assert!(a.password.is_none());
    assert!(
        matches!(after.as_slice(), [Task::LoadUnread { .. }]),
        "{after:?}"
    );
    both("password_changed", |lang| {
        let mut a = forced(lang);
        fill(
            &mut a,
            "Init-pass-2026",
            "Quokka-ferry-2941",
            "Quokka-ferry-2941",
        );
        a.update(Action::PasswordChanged(Ok(Ok(()))));
        a
    });
}

#[test]
fn a_forced_change_survives_the_idle_lock() {
    let mut a = forced(Lang::En);
    a.update(ctrl('l'));
    assert!(a.locked);
    a.update(Action::LoginDone {
        purpose: Purpose::Unlock,
        result: Ok(LoginOutcome::MustChange(clerk())),
    });
    assert!(!a.locked);
    assert!(a.password.as_ref().is_some_and(|p| p.forced));
}
