//! The reconciliation screen: the summary per class, the exceptions, day by day, close and
//! reopen — keys, tasks and snapshots in both languages.

mod common;

use chrono::NaiveDate;
use common::*;
use onewindow::domain::role::Role;
use onewindow::i18n::Lang;
use onewindow::store::fees::Classified;
use onewindow::ui::action::{Action, Task};
use onewindow::ui::app::{App, Screen};
use ratatui::crossterm::event::KeyCode;

fn row(
    code: &str,
    kind: &str,
    reference: &str,
    amount: i64,
    expected: Option<i64>,
    class: &str,
) -> Classified {
    Classified {
        kind: kind.into(),
        reference: reference.into(),
        payment_code: format!("202611260003000004{code}"),
        amount_fen: amount,
        expected_fen: expected,
        class: class.into(),
        age_days: if class == "outstanding" { 3 } else { 0 },
        reverses: (class == "reversal").then(|| "FS001".into()),
    }
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

fn cashier_on_screen(lang: Lang, closed: bool) -> App {
    let mut op = clerk();
    op.roles = vec![Role::Cashier];
    let mut a = signed_in(lang, op);
    let tasks = a.update(ch('f'));
    assert_eq!(a.screen, Screen::Reconcile);
    assert_eq!(
        tasks,
        vec![Task::LoadReconciliation {
            viewer: 7,
            date: day()
        }]
    );
    a.update(Action::ReconciliationLoaded {
        date: day(),
        result: Ok((
            vec![
                row("10", "receipt", "FS001", 2000, Some(2000), "matched"),
                row(
                    "21",
                    "receipt",
                    "FS002",
                    1500,
                    Some(2000),
                    "amount_mismatch",
                ),
                row("32", "receipt", "FS003", 2000, Some(2000), "duplicate"),
                row("32", "receipt", "FS004", 2000, Some(2000), "duplicate"),
                row("99", "receipt", "FS005", 3500, None, "unidentified"),
                row("10", "receipt", "FS006", -2000, Some(2000), "reversal"),
                row("43", "assessment", "17", 0, Some(12000), "outstanding"),
            ],
            closed,
        )),
    });
    a
}

#[test]
fn the_screen_sums_each_class_and_lists_the_exceptions() {
    for lang in Lang::ALL {
        let mut a = cashier_on_screen(lang, false);
        let screen = render(&mut a, 80, 24);
        assert!(
            screen.contains("40.00") && screen.contains("-20.00"),
            "{screen}"
        );
        insta::assert_snapshot!(format!("reconcile_{}", lang.code()), screen);
    }
}

#[test]
fn days_move_close_and_reopen() {
    let mut a = cashier_on_screen(Lang::En, false);
    assert_eq!(a.recon.len(), 6, "the matched receipt is not an exception");
    assert_eq!(
        a.update(ch('[')),
        vec![Task::LoadReconciliation {
            viewer: 7,
            date: day().pred_opt().unwrap()
        }]
    );
    // An answer for another day than the one shown is dropped.
    a.update(Action::ReconciliationLoaded {
        date: day(),
        result: Ok((vec![], true)),
    });
    assert!(!a.recon_closed);
    a.update(ch(']'));
    assert_eq!(
        a.update(ch('c')),
        vec![Task::CloseDay {
            viewer: 7,
            date: day()
        }]
    );
    let mut a = cashier_on_screen(Lang::En, true);
    assert!(a.update(ch('c')).is_empty(), "already closed");
    assert!(a.update(ch('o')).is_empty());
    type_text(&mut a, "财政补传票据");
    assert_eq!(
        a.update(key(KeyCode::Enter)),
        vec![Task::ReopenDay {
            viewer: 7,
            date: day(),
            reason: "财政补传票据".into()
        }]
    );
    // A window clerk has no reconciliation.
    let mut c = signed_in(Lang::En, clerk());
    assert!(c.update(ch('f')).is_empty());
    assert_eq!(c.screen, Screen::Home);
}
