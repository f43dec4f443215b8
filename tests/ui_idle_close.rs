//! Issue 16.3: under `onewindow serve`, a session locked by the idle lock and left idle for
//! `serve.idle_close_minutes` more ends; the local TUI never ends by itself.

mod common;

use common::*;
use onewindow::i18n::Lang;

#[test]
fn a_locked_idle_session_ends_after_the_close_minutes() {
    let mut a = signed_in(Lang::En, clerk());
    a.idle_close_minutes = Some(30);
    // Started 09:30; the idle lock is 10 minutes.
    a.update(tick(9, 40, 0));
    assert!(a.locked, "locked after 10 idle minutes");
    a.update(tick(10, 9, 59));
    assert!(!a.should_quit, "not before 10 + 30 idle minutes");
    a.update(tick(10, 10, 0));
    assert!(a.should_quit, "ended at 40 idle minutes");
}

#[test]
fn typing_on_the_lock_screen_keeps_the_session() {
    let mut a = signed_in(Lang::En, clerk());
    a.idle_close_minutes = Some(30);
    a.update(tick(9, 40, 0));
    assert!(a.locked);
    // A key at 10:05 (the unlock form) restarts the idle count.
    a.update(tick(10, 5, 0));
    a.update(ch('d'));
    a.update(tick(10, 30, 0));
    assert!(!a.should_quit, "25 idle minutes");
    a.update(tick(10, 45, 0));
    assert!(a.should_quit, "40 idle minutes since the key");
}

#[test]
fn the_local_tui_stays_locked_however_long() {
    let mut a = signed_in(Lang::En, clerk());
    a.update(tick(9, 40, 0));
    a.update(tick(17, 0, 0));
    assert!(a.locked && !a.should_quit);
}
