//! Issue 17.11: the deposit board — statement lines by class with counts and sums to the fen,
//! the awaited deposits, refunds by due date; prepare and approve from the keyboard, four eyes
//! said in words; in both languages at 80x24.

mod common;

use chrono::NaiveDate;
use common::*;
use onewindow::domain::accounts::role::Role;
use onewindow::domain::trading::deposits::Class;
use onewindow::i18n::Lang;
use onewindow::store::trading::deposits::Board;
use onewindow::store::trading::refunds::RefundRow;
use onewindow::ui::action::{Action, DepositBoard, Task, TaskError};
use onewindow::ui::screen::Screen;

fn accountant() -> onewindow::store::accounts::operators::Operator {
    let mut op = supervisor();
    op.operator_id = 22;
    op.code = "taccount".into();
    op.name = "周敏".into();
    op.roles = vec![Role::DepositAccountant];
    op
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

fn board() -> DepositBoard {
    let refund = |id: i64, due: u32, state: &str, interest: Option<i64>, payee: &str| RefundRow {
        refund_id: id,
        unified_deal_code: "34110020260GC0000101".into(),
        due_on: day(due),
        state: state.into(),
        principal_fen: 2_000_000,
        interest_fen: interest,
        late: false,
        payee: payee.into(),
        bank: "县农商银行城关支行".into(),
        account: "6228480012345678".into(),
        sub_account: "00000000421".into(),
        article: "招标投标法实施条例 第57条".into(),
        prepared_by: (state != "due").then(|| "taccount".into()),
        approved_by: None,
        version: 2,
    };
    DepositBoard {
        head: Board {
            by_class: Class::ALL
                .iter()
                .enumerate()
                .map(|(i, c)| (*c, (i as i64 * 3) % 7, (i as i64 * 1_234_567) % 9_000_000))
                .collect(),
            awaited: 4,
            awaited_fen: 8_000_000,
            today: day(26),
        },
        refunds: vec![
            refund(7, 25, "due", None, "甲建设公司"),
            refund(8, 27, "prepared", Some(700), "乙建设公司"),
            refund(9, 30, "due", None, "丙科技有限公司"),
        ],
    }
}

fn on_board(
    lang: Lang,
    op: onewindow::store::accounts::operators::Operator,
) -> onewindow::ui::app::App {
    let mut a = signed_in(lang, op);
    let tasks = a.update(ch('k'));
    assert_eq!(a.screen, Screen::Deposits);
    assert!(
        matches!(tasks.as_slice(), [Task::LoadDepositBoard { .. }]),
        "{tasks:?}"
    );
    a.update(Action::DepositBoardLoaded(Ok(board())));
    a
}

#[test]
fn the_board_in_both_languages() {
    for lang in Lang::ALL {
        let mut a = on_board(lang, accountant());
        insta::assert_snapshot!(format!("deposits_{}", lang.code()), render(&mut a, 80, 24));
    }
}

#[test]
fn prepare_and_approve_from_the_keyboard() {
    let mut a = on_board(Lang::En, accountant());
    // The first refund is due: `y` says it is not prepared yet, `p` prepares it.
    assert!(a.update(ch('y')).is_empty());
    let flash = a.flash.as_ref().unwrap().text(Lang::En);
    assert!(flash.contains("Only a prepared refund"), "{flash}");
    let tasks = a.update(ch('p'));
    assert!(
        matches!(
            tasks.as_slice(),
            [Task::PrepareRefund {
                viewer: 22,
                refund_id: 7,
                version: 2
            }]
        ),
        "{tasks:?}"
    );
    // The second is prepared: `y` asks to approve; the preparer is told why not, in words.
    a.update(ch('j'));
    let tasks = a.update(ch('y'));
    assert!(
        matches!(tasks.as_slice(), [Task::ApproveRefund { refund_id: 8, .. }]),
        "{tasks:?}"
    );
    let tasks = a.update(Action::RefundChanged(Err(TaskError {
        message: "four eyes: you prepared this refund; another deposit accountant or the director approves it".into(),
        connection: false,
        forbidden: false,
        field: None,
    })));
    assert!(
        matches!(tasks.as_slice(), [Task::LoadDepositBoard { .. }]),
        "{tasks:?}"
    );
    let screen = render(&mut a, 80, 24);
    assert!(screen.contains("another person approves it"), "{screen}");
    // A refund changed elsewhere: the board follows.
    let tasks = a.update(Action::Changed {
        entity: "trade_refund".into(),
    });
    assert!(
        tasks
            .iter()
            .any(|t| matches!(t, Task::LoadDepositBoard { .. })),
        "{tasks:?}"
    );
}

#[test]
fn supervisors_read_the_board_window_clerks_do_not() {
    let mut a = on_board(Lang::ZhCn, supervisor());
    let screen = render(&mut a, 80, 24);
    assert!(
        screen.contains("保证金专户") && screen.contains("待审批"),
        "{screen}"
    );
    // A reader is not offered what only the keepers do.
    assert!(!screen.contains("p 经办"), "{screen}");
    let mut a = signed_in(Lang::En, clerk());
    assert!(a.update(ch('k')).is_empty());
    assert_eq!(a.screen, Screen::Home);
    let screen = render(&mut a, 80, 24);
    assert!(screen.contains("deposit accountants"), "{screen}");
}
