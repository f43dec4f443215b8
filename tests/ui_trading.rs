//! Issue 17.3 and 17.11: `:trading`, the clerks' queue — tabs mine / unclaimed / all, the next
//! legal date of each project, claim and give back — in both languages at 80x24 and wide; only
//! trading staff, supervisors and administrators reach it.

mod common;

use chrono::TimeZone;
use common::*;
use onewindow::domain::accounts::role::Role;
use onewindow::domain::time::zone::CENTER;
use onewindow::i18n::Lang;
use onewindow::store::trading::queue::{QueueRow, Scope};
use onewindow::ui::action::{Action, Task, TaskError};
use onewindow::ui::screen::Screen;
use ratatui::crossterm::event::KeyCode;

fn trading_clerk() -> onewindow::store::accounts::operators::Operator {
    let mut op = supervisor();
    op.operator_id = 21;
    op.code = "tclerk".into();
    op.name = "孙丽".into();
    op.roles = vec![Role::TradingClerk];
    op
}

fn at(m: u32, d: u32, h: u32, min: u32) -> Option<chrono::DateTime<chrono::Utc>> {
    Some(
        CENTER
            .with_ymd_and_hms(2026, m, d, h, min, 0)
            .unwrap()
            .with_timezone(&chrono::Utc),
    )
}

fn rows() -> Vec<QueueRow> {
    let row =
        |i: i64,
         line: &str,
         title: &str,
         tenderer: &str,
         amount: i64,
         must: bool,
         stage: &str,
         holder: Option<&str>,
         next: (Option<chrono::DateTime<chrono::Utc>>, Option<&str>)| QueueRow {
            project_code: format!("{line}2026-{i:05}"),
            line: line.into(),
            title: title.into(),
            tenderer_name: tenderer.into(),
            level: if must { "urban" } else { "township" }.into(),
            amount_fen: amount,
            must_enter: must,
            stage: stage.into(),
            sections: i % 3 + 1,
            holder: holder.map(Into::into),
            version: 3,
            next_at: next.0,
            next_what: next.1.map(Into::into),
        };
    vec![
        row(
            2,
            "CG",
            "县医院医疗设备采购",
            "县人民医院",
            356_000_000,
            true,
            "noticed",
            Some("tclerk"),
            (at(11, 27, 9, 30), Some("opening")),
        ),
        row(
            1,
            "TD",
            "城关镇东片区国有建设用地使用权挂牌出让",
            "县自然资源局",
            45_000_000,
            false,
            "noticed",
            None,
            (at(12, 8, 0, 0), Some("notice_end")),
        ),
        row(
            3,
            "GC",
            "城东小学教学楼改造工程",
            "县教育局",
            1_234_567_800,
            true,
            "registered",
            Some("tclerk2"),
            (None, None),
        ),
    ]
}

fn on_trading(
    lang: Lang,
    op: onewindow::store::accounts::operators::Operator,
) -> onewindow::ui::app::App {
    let viewer = op.operator_id;
    let mut a = signed_in(lang, op);
    let tasks = a.update(ch('j'));
    assert_eq!(a.screen, Screen::Trading);
    let [Task::LoadTrading { viewer: v, scope }] = tasks.as_slice() else {
        panic!("{tasks:?}")
    };
    assert_eq!(*v, viewer);
    let scope = *scope;
    a.update(Action::TradingLoaded {
        scope,
        result: Ok(rows()),
    });
    a
}

#[test]
fn the_queue_in_both_languages_at_80x24() {
    for lang in Lang::ALL {
        let mut a = on_trading(lang, trading_clerk());
        insta::assert_snapshot!(format!("trading_{}", lang.code()), render(&mut a, 80, 24));
    }
}

#[test]
fn a_wide_terminal_shows_amounts_lines_and_sections() {
    for lang in Lang::ALL {
        let mut a = on_trading(lang, trading_clerk());
        let screen = render(&mut a, 130, 24);
        assert!(screen.contains("12345678.00"), "{screen}");
        insta::assert_snapshot!(format!("trading_wide_{}", lang.code()), screen);
    }
}

#[test]
fn a_clerk_starts_on_the_unclaimed_and_tabs_through_the_scopes() {
    let mut a = on_trading(Lang::En, trading_clerk());
    assert_eq!(a.trading.scope, Some(Scope::Unclaimed));
    let tasks = a.update(key(KeyCode::Tab));
    assert!(
        matches!(
            tasks.as_slice(),
            [Task::LoadTrading {
                scope: Scope::All,
                ..
            }]
        ),
        "{tasks:?}"
    );
    // A late answer for the tab just left is not shown in this one.
    a.update(Action::TradingLoaded {
        scope: Scope::Unclaimed,
        result: Ok(rows()),
    });
    assert!(a.trading.view.rows.is_none());
    let tasks = a.update(key(KeyCode::Tab));
    assert!(
        matches!(
            tasks.as_slice(),
            [Task::LoadTrading {
                scope: Scope::Mine,
                ..
            }]
        ),
        "{tasks:?}"
    );
    let tasks = a.update(key(KeyCode::BackTab));
    assert!(
        matches!(
            tasks.as_slice(),
            [Task::LoadTrading {
                scope: Scope::All,
                ..
            }]
        ),
        "{tasks:?}"
    );
    // A change elsewhere reloads the tab on screen.
    let tasks = a.update(Action::Changed {
        entity: "trade_project".into(),
    });
    assert!(
        tasks.iter().any(|t| matches!(
            t,
            Task::LoadTrading {
                scope: Scope::All,
                ..
            }
        )),
        "{tasks:?}"
    );
}

#[test]
fn claim_and_give_back_from_the_keyboard() {
    let mut a = on_trading(Lang::En, trading_clerk());
    // The first row is mine: `u` gives it back at the version shown.
    let tasks = a.update(ch('u'));
    assert!(
        matches!(
            tasks.as_slice(),
            [Task::GiveBackTrade { viewer: 21, project, version: 3 }] if project == "CG2026-00002"
        ),
        "{tasks:?}"
    );
    // The second nobody holds: `u` says so without asking the database; `c` claims it.
    a.update(ch('j'));
    assert!(a.update(ch('u')).is_empty());
    let flash = a.flash.as_ref().unwrap().text(Lang::En);
    assert!(flash.contains("do not hold"), "{flash}");
    let tasks = a.update(ch('c'));
    assert!(
        matches!(
            tasks.as_slice(),
            [Task::ClaimTrade { viewer: 21, project }] if project == "TD2026-00001"
        ),
        "{tasks:?}"
    );
    // Someone was faster: said, and the list reloads.
    let tasks = a.update(Action::TradeClaimDone {
        claim: true,
        result: Ok(false),
    });
    assert!(
        matches!(tasks.as_slice(), [Task::LoadTrading { .. }]),
        "{tasks:?}"
    );
    let screen = render(&mut a, 80, 24);
    assert!(screen.contains("Someone else holds it"), "{screen}");
    a.update(Action::TradeClaimDone {
        claim: false,
        result: Err(TaskError {
            message: "the project was changed by someone else; reload it".into(),
            connection: false,
            forbidden: false,
            field: None,
        }),
    });
    let flash = a.flash.as_ref().unwrap().text(Lang::En);
    assert!(flash.contains("changed meanwhile"), "{flash}");
}

#[test]
fn a_supervisor_reads_all_and_cannot_claim() {
    let mut a = on_trading(Lang::ZhCn, supervisor());
    assert_eq!(a.trading.scope, Some(Scope::All));
    let screen = render(&mut a, 80, 24);
    assert!(
        screen.contains("待认领") && !screen.contains("我承办的"),
        "{screen}"
    );
    assert!(a.update(ch('c')).is_empty());
    let flash = a.flash.as_ref().unwrap().text(Lang::ZhCn);
    assert!(flash.contains("仅交易登记员"), "{flash}");
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

fn project_view() -> onewindow::store::trading::view::ProjectView {
    use onewindow::store::trading::view::*;
    ProjectView {
        head: Head {
            project_code: "CG2026-00002".into(),
            line: "CG".into(),
            title: "县医院医疗设备采购".into(),
            tenderer_name: "县人民医院".into(),
            agent_name: Some("县诚正招标代理有限公司".into()),
            level: "urban".into(),
            township: None,
            fund_source: "财政资金".into(),
            amount_fen: 356_000_000,
            must_enter: true,
            threshold_article: "县方案 二(四)".into(),
            stage: "noticed".into(),
            holder: Some("tclerk".into()),
            version: 3,
        },
        sections: vec![SectionLine {
            unified_deal_code: "341100CG202600002001".into(),
            name: "全部".into(),
            deposit_fen: 5_340_000,
            deadline_at: at(11, 27, 9, 30),
            opening_at: at(11, 27, 9, 30),
            registrations: None,
        }],
        notices: vec![NoticeLine {
            unified_deal_code: "341100CG202600002001".into(),
            kind: "tender".into(),
            title: "县医院医疗设备采购招标公告".into(),
            published_at: at(11, 6, 10, 0).unwrap(),
            ends_on: Some(chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()),
            days_left: Some(1),
            overridden: false,
        }],
        timeline: vec![
            TimelineLine {
                at: at(11, 6, 10, 0).unwrap(),
                action: "trade.project.claim".into(),
                operator: Some("tclerk".into()),
                subject: Some("CG2026-00002".into()),
            },
            TimelineLine {
                at: at(11, 5, 16, 0).unwrap(),
                action: "trade.venue.book".into(),
                operator: Some("tclerk".into()),
                subject: Some("CG2026-00002".into()),
            },
            TimelineLine {
                at: at(11, 5, 15, 12).unwrap(),
                action: "trade.project.register".into(),
                operator: Some("tclerk".into()),
                subject: Some("CG2026-00002".into()),
            },
        ],
    }
}

#[test]
fn enter_opens_the_project_and_esc_goes_back() {
    for lang in Lang::ALL {
        let mut a = on_trading(lang, trading_clerk());
        let tasks = a.update(key(KeyCode::Enter));
        assert!(
            matches!(tasks.as_slice(), [Task::LoadProject { code, .. }] if code == "CG2026-00002"),
            "{tasks:?}"
        );
        // An answer for another project is not shown.
        let mut other = project_view();
        other.head.project_code = "GC2026-00003".into();
        a.update(Action::ProjectLoaded {
            code: "GC2026-00003".into(),
            result: Ok(Box::new(other)),
        });
        assert!(a.trading.project.is_none());
        a.update(Action::ProjectLoaded {
            code: "CG2026-00002".into(),
            result: Ok(Box::new(project_view())),
        });
        let screen = render(&mut a, 80, 24);
        // An action the locales have no words for still shows, by its code.
        assert!(screen.contains("trade.venue.book"), "{screen}");
        insta::assert_snapshot!(format!("trading_project_{}", lang.code()), screen);
        a.update(key(KeyCode::Esc));
        assert!(a.trading.project.is_none());
        assert_eq!(a.screen, Screen::Trading);
    }
}
