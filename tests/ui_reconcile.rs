//! The reconciliation screen: the summary per class, the exceptions, day by day, close and
//! reopen — keys, tasks and snapshots in both languages.

mod common;

use chrono::NaiveDate;
use common::*;
use onewindow::domain::accounts::role::Role;
use onewindow::i18n::Lang;
use onewindow::store::fees::Classified;
use onewindow::store::fees::exceptions::{DayTotals, Noted, Total};
use onewindow::ui::action::{Action, FeeAction, ReconDay, Task};
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
        id: reference.trim_start_matches("FS").parse().unwrap(),
        reference: reference.into(),
        payment_code: format!("202611260003000004{code}"),
        amount_fen: amount,
        expected_fen: expected,
        class: class.into(),
        age_days: if class == "outstanding" { 3 } else { 0 },
        reverses: (class == "reversal").then(|| "FS001".into()),
        linked_to: None,
        note: (class == "duplicate").then(|| "缴款人重复缴费，待退".into()),
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
        result: Ok(ReconDay {
            rows: vec![
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
            totals: totals(),
        }),
    });
    a
}

fn total(dept: Option<(&str, &str)>, item: Option<(&str, &str)>, e: i64, r: i64) -> Total {
    Total {
        department_code: dept.map(|_| "GAJ".into()),
        department_zh: dept.map(|d| d.0.into()),
        department_en: dept.map(|d| d.1.into()),
        item_code: item.map(|_| "GAJ-001".into()),
        item_zh: item.map(|i| i.0.into()),
        item_en: item.map(|i| i.1.into()),
        is_item: item.is_some(),
        expected_fen: e,
        received_fen: r,
    }
}

/// The day's figures are the store's: the department's and the unidentified receipts'.
fn totals() -> DayTotals {
    DayTotals {
        expected_fen: 18000,
        received_fen: 13000,
        rows: rows_by_department(),
    }
}

fn rows_by_department() -> Vec<Total> {
    let gaj = Some(("县公安局", "County Public Security Bureau"));
    vec![
        total(gaj, None, 18000, 9500),
        total(
            gaj,
            Some((
                "居民身份证换领（有效期满换领及损坏换领）",
                "Resident ID card renewal (expiry or damage)",
            )),
            6000,
            5500,
        ),
        total(
            gaj,
            Some(("户口迁移", "Household registration transfer")),
            12000,
            4000,
        ),
        total(None, None, 0, 3500),
    ]
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
        result: Ok(ReconDay {
            rows: vec![],
            closed: true,
            totals: DayTotals::default(),
        }),
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

#[test]
fn totals_by_department_and_item_in_both_languages() {
    for lang in Lang::ALL {
        let mut a = cashier_on_screen(lang, false);
        a.update(ch('t'));
        let screen = render(&mut a, 80, 24);
        // The long Chinese item name is cut, and the money columns stay aligned.
        assert!(
            screen.contains("-85.00") && screen.contains("35.00"),
            "{screen}"
        );
        insta::assert_snapshot!(format!("reconcile_totals_{}", lang.code()), screen);
        a.update(ch('t'));
        assert!(!render(&mut a, 80, 24).contains("-85.00"));
    }
}

#[test]
fn link_refund_and_note_act_on_the_selected_exception() {
    let mut a = cashier_on_screen(Lang::En, false);
    // The exceptions: FS002 mismatch, FS003, FS004 duplicates, FS005 unidentified, FS006
    // reversal, then the outstanding assessment 17.
    a.update(ch('j'));
    a.update(ch('j'));
    a.update(ch('j'));
    assert_eq!(a.recon.selected_row().unwrap().reference, "FS005");
    assert!(a.update(ch('l')).is_empty());
    type_text(&mut a, "20261126000300000432 缴款码抄错");
    assert_eq!(
        a.update(key(KeyCode::Enter)),
        vec![Task::FeeAction {
            viewer: 7,
            action: FeeAction::Link {
                receipt_id: 5,
                line: "20261126000300000432 缴款码抄错".into()
            }
        }]
    );
    a.update(ch('k'));
    assert!(a.update(ch('b')).is_empty());
    type_text(&mut a, "重复缴费");
    assert_eq!(
        a.update(key(KeyCode::Enter)),
        vec![Task::FeeAction {
            viewer: 7,
            action: FeeAction::Refund {
                receipt_id: 4,
                reason: "重复缴费".into()
            }
        }]
    );
    a.update(ch('G'));
    // An assessment has no receipt to link or refund; it takes a note.
    assert!(a.update(ch('b')).is_empty());
    assert!(a.filter_line.is_none());
    assert!(render(&mut a, 80, 24).contains("acts on a receipt"));
    a.update(ch('n'));
    type_text(&mut a, "已电话催缴");
    assert_eq!(
        a.update(key(KeyCode::Enter)),
        vec![Task::FeeAction {
            viewer: 7,
            action: FeeAction::Note {
                date: day(),
                on: Noted::Assessment(17),
                text: "已电话催缴".into()
            }
        }]
    );
    // What was done comes back as a message and the day reloads.
    assert_eq!(
        a.update(Action::DayChanged(Ok("recon.noted"))),
        vec![Task::LoadReconciliation {
            viewer: 7,
            date: day()
        }]
    );
    assert!(render(&mut a, 80, 24).contains("Note saved"));
}

/// Issue 14.16: the largest figures a day can hold keep their columns: the money columns are
/// as wide as their widest figure.
#[test]
fn large_figures_keep_their_columns() {
    let huge = 99_999_999_999_999; // 999,999,999,999.99 yuan
    let mut a = cashier_on_screen(Lang::En, false);
    let mut rows = a.recon_all.clone();
    rows.push(row(
        "55",
        "receipt",
        "FS007",
        huge,
        Some(huge),
        "amount_mismatch",
    ));
    rows.push(row(
        "56",
        "receipt",
        "FS008",
        huge,
        Some(huge),
        "amount_mismatch",
    ));
    let mut totals = totals();
    totals.expected_fen = 2 * huge;
    totals.received_fen = 2 * huge;
    totals.rows[0].expected_fen = 2 * huge;
    totals.rows[0].received_fen = huge;
    a.update(Action::ReconciliationLoaded {
        date: day(),
        result: Ok(ReconDay {
            rows,
            closed: false,
            totals,
        }),
    });
    let screen = render(&mut a, 120, 30);
    // The class sum and the day's figures, whole.
    assert!(screen.contains("2000000000014.98"), "{screen}");
    assert!(screen.contains("received 1999999999999.98"), "{screen}");
    // A received and an expected figure in the list, each whole and apart.
    let line = screen
        .lines()
        .find(|l| l.contains("FS007"))
        .unwrap_or_else(|| panic!("{screen}"));
    let figures: Vec<&str> = line
        .split_whitespace()
        .filter(|w| w.contains('.'))
        .collect();
    assert_eq!(
        figures,
        ["999999999999.99", "999999999999.99"],
        "two figures, each whole: {line}"
    );
    a.update(ch('t'));
    let screen = render(&mut a, 120, 30);
    let line = screen
        .lines()
        .find(|l| l.contains("Public Security"))
        .unwrap_or_else(|| panic!("{screen}"));
    let figures: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || c == '"' || c == '│')
        .filter(|w| w.contains('.'))
        .collect();
    assert_eq!(
        figures,
        ["1999999999999.98", "999999999999.99", "-999999999999.99"],
        "{line}"
    );
}
