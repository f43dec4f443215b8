//! Issue 17.11 (first screen): `:trading`, the registration list, in both languages at 80x24;
//! only trading staff, supervisors and administrators reach it.

mod common;

use common::*;
use onewindow::domain::accounts::role::Role;
use onewindow::i18n::Lang;
use onewindow::store::trading::projects::ProjectRow;
use onewindow::ui::action::{Action, Task};
use onewindow::ui::screen::Screen;

fn trading_clerk() -> onewindow::store::accounts::operators::Operator {
    let mut op = supervisor();
    op.operator_id = 21;
    op.code = "tclerk".into();
    op.name = "孙丽".into();
    op.roles = vec![Role::TradingClerk];
    op
}

fn rows() -> Vec<ProjectRow> {
    let row =
        |i: i64, line: &str, title: &str, tenderer: &str, amount: i64, must: bool, stage: &str| {
            ProjectRow {
                project_code: format!("{line}2026-{i:05}"),
                line: line.into(),
                title: title.into(),
                tenderer_name: tenderer.into(),
                level: if must { "urban" } else { "township" }.into(),
                amount_fen: amount,
                must_enter: must,
                stage: stage.into(),
                sections: i % 3 + 1,
                claimed_by: None,
            }
        };
    vec![
        row(
            3,
            "GC",
            "城东小学教学楼改造工程",
            "县教育局",
            1_234_567_800,
            true,
            "registered",
        ),
        row(
            2,
            "CG",
            "县医院医疗设备采购",
            "县人民医院",
            356_000_000,
            true,
            "noticed",
        ),
        row(
            1,
            "TD",
            "城关镇东片区国有建设用地使用权挂牌出让",
            "县自然资源局",
            45_000_000,
            false,
            "noticed",
        ),
    ]
}

fn on_trading(lang: Lang) -> onewindow::ui::app::App {
    let mut a = signed_in(lang, trading_clerk());
    let tasks = a.update(ch('j'));
    assert_eq!(a.screen, Screen::Trading);
    assert!(
        matches!(tasks.as_slice(), [Task::LoadTrading { viewer: 21 }]),
        "{tasks:?}"
    );
    a.update(Action::TradingLoaded(Ok(rows())));
    a
}

#[test]
fn the_registration_list_in_both_languages() {
    for lang in Lang::ALL {
        let mut a = on_trading(lang);
        insta::assert_snapshot!(format!("trading_{}", lang.code()), render(&mut a, 80, 24));
    }
}

#[test]
fn a_change_elsewhere_reloads_the_list() {
    let mut a = on_trading(Lang::En);
    let tasks = a.update(Action::Changed {
        entity: "trade_project".into(),
    });
    assert!(
        tasks.iter().any(|t| matches!(t, Task::LoadTrading { .. })),
        "{tasks:?}"
    );
}

#[test]
fn a_window_clerk_does_not_reach_the_trading_center() {
    let mut a = signed_in(Lang::En, clerk());
    assert!(a.update(ch('j')).is_empty());
    assert_eq!(a.screen, Screen::Home);
    let screen = render(&mut a, 80, 24);
    assert!(screen.contains("for its staff"), "{screen}");
    assert!(
        !screen.contains("Trading center"),
        "not in the header either: {screen}"
    );
}
