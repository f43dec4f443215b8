//! The routing screen: my department's branches and lead decisions, the route diagram, and
//! the keys that claim, agree, disagree, ask for correction and decide as lead — tasks and
//! snapshots in both languages at 80x24.

mod common;

use chrono::NaiveDate;
use common::*;
use onewindow::domain::routing::{LeadVerdict, Verdict};
use onewindow::i18n::Lang;
use onewindow::store::routing::view::{BranchBox, BranchRow, Planned, RouteView};
use onewindow::ui::action::{Action, RouteStep, Task};
use onewindow::ui::app::{App, Screen};
use ratatui::crossterm::event::KeyCode;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

fn rows() -> Vec<BranchRow> {
    vec![
        BranchRow {
            branch_id: Some(41),
            case_id: 9,
            case_no: "20261120-SCJG-00009".into(),
            item_zh: "食品经营许可".into(),
            item_en: "Food business permit".into(),
            stage: 1,
            state: "open".into(),
            reply_due: Some(day(27)),
            claimed_by_name: None,
        },
        BranchRow {
            branch_id: None,
            case_id: 12,
            case_no: "20261118-SCJG-00012".into(),
            item_zh: "食品经营许可".into(),
            item_en: "Food business permit".into(),
            stage: 0,
            state: "lead_disagreed".into(),
            reply_due: None,
            claimed_by_name: None,
        },
    ]
}

fn boxed(id: i64, stage: i32, zh: &str, en: &str, state: &str, who: Option<&str>) -> BranchBox {
    BranchBox {
        branch_id: id,
        stage,
        department_id: id,
        department_zh: zh.into(),
        department_en: en.into(),
        state: state.into(),
        reply_due: day(27),
        opened_on: day(20),
        assignee: who.map(Into::into),
        opinion: (state == "disagreed").then(|| "油烟排放不达标".into()),
        missing: None,
    }
}

fn route() -> RouteView {
    RouteView {
        case_id: 9,
        case_no: "20261120-SCJG-00009".into(),
        item_zh: "食品经营许可".into(),
        item_en: "Food business permit".into(),
        template_version: 1,
        state: "review".into(),
        stage: 1,
        last_stage: 2,
        lead_department_id: 3,
        lead_zh: "市场监督管理局".into(),
        lead_en: "Market Supervision Bureau".into(),
        deemed_consent: false,
        result_document_no: None,
        decision_reason: None,
        responsibility: None,
        decided_at: None,
        delivery: None,
        branches: vec![
            boxed(
                40,
                1,
                "生态环境局",
                "Ecology and Environment Bureau",
                "disagreed",
                Some("周敏"),
            ),
            boxed(
                41,
                1,
                "市场监督管理局",
                "Market Supervision Bureau",
                "open",
                None,
            ),
            boxed(
                42,
                1,
                "卫生健康委员会",
                "Health Commission",
                "agreed",
                Some("孙丽"),
            ),
        ],
        planned: vec![Planned {
            stage: 2,
            department_zh: "自然资源和规划局（不动产登记中心）".into(),
            department_en: "Natural Resources and Planning Bureau".into(),
            reply_days: 7,
        }],
        today: day(26),
    }
}

fn on_screen(lang: Lang) -> App {
    let mut a = signed_in(lang, clerk());
    let tasks = a.update(ch('p'));
    assert_eq!(a.screen, Screen::Routing);
    assert_eq!(tasks, vec![Task::LoadRouting { viewer: 7 }]);
    let tasks = a.update(Action::RoutingLoaded(Ok(rows())));
    assert_eq!(
        tasks,
        vec![Task::LoadRoute {
            viewer: 7,
            case_id: 9
        }]
    );
    a.update(Action::RouteLoaded {
        case_id: 9,
        result: Ok(route()),
    });
    a
}

#[test]
fn the_route_is_drawn_as_stages_of_department_boxes_in_both_languages() {
    for lang in Lang::ALL {
        let mut a = on_screen(lang);
        let screen = render(&mut a, 80, 24);
        assert!(screen.contains("20261120-SCJG-00009"), "{screen}");
        insta::assert_snapshot!(format!("routing_{}", lang.code()), screen);
    }
}

#[test]
fn keys_claim_agree_disagree_correct_and_decide_as_lead() {
    let mut a = on_screen(Lang::En);
    assert_eq!(
        a.update(ch('c')),
        vec![Task::RouteStep {
            viewer: 7,
            step: RouteStep::Claim { branch_id: 41 }
        }]
    );
    assert_eq!(
        a.update(ch('y')),
        vec![Task::RouteStep {
            viewer: 7,
            step: RouteStep::Decide {
                branch_id: 41,
                verdict: Verdict::Agree
            }
        }]
    );
    a.update(ch('x'));
    type_text(&mut a, "不符合选址要求");
    assert_eq!(
        a.update(key(KeyCode::Enter)),
        vec![Task::RouteStep {
            viewer: 7,
            step: RouteStep::Decide {
                branch_id: 41,
                verdict: Verdict::Disagree {
                    reason: "不符合选址要求".into()
                }
            }
        }]
    );
    a.update(ch('e'));
    type_text(&mut a, "健康证明");
    assert!(matches!(
        &a.update(key(KeyCode::Enter))[..],
        [Task::RouteStep {
            step: RouteStep::Decide {
                verdict: Verdict::Correction { .. },
                ..
            },
            ..
        }]
    ));
    // The lead row: a disagreement was raised, so approving asks who answers for it.
    assert_eq!(
        a.update(ch('j')),
        vec![Task::LoadRoute {
            viewer: 7,
            case_id: 12
        }]
    );
    assert!(a.update(ch('y')).is_empty());
    assert!(render(&mut a, 80, 24).contains("who answers"));
    type_text(&mut a, "食经许〔2026〕0032号 已整改，牵头部门承担责任");
    assert_eq!(
        a.update(key(KeyCode::Enter)),
        vec![Task::RouteStep {
            viewer: 7,
            step: RouteStep::Lead {
                case_id: 12,
                verdict: LeadVerdict::ApproveAnyway {
                    document_no: "食经许〔2026〕0032号".into(),
                    responsibility: "已整改，牵头部门承担责任".into()
                }
            }
        }]
    );
    // A step done: a message, and the queue and the route reload.
    let tasks = a.update(Action::RouteChanged(Ok("route.to_lead")));
    assert_eq!(
        tasks,
        vec![
            Task::LoadRouting { viewer: 7 },
            Task::LoadRoute {
                viewer: 7,
                case_id: 12
            }
        ]
    );
    assert!(render(&mut a, 80, 24).contains("lead department"));
}

#[test]
fn a_refused_step_gives_back_everything_typed() {
    let mut a = on_screen(Lang::En);
    a.update(ch('x'));
    type_text(&mut a, "选址不符");
    assert_eq!(a.update(key(KeyCode::Enter)).len(), 1);
    assert!(a.filter_line.is_none());
    a.update(Action::RouteChanged(Err(
        onewindow::ui::action::TaskError {
            message: "this branch is decided or closed".into(),
            connection: false,
            forbidden: false,
            field: None,
        },
    )));
    let line = a.filter_line.as_ref().expect("the line is back");
    assert_eq!(line.text(), "选址不符");
    assert!(render(&mut a, 80, 24).contains("Not done: this branch is decided"));
}

#[test]
fn queue_columns_are_sized_from_their_content_at_80_and_120_columns() {
    // Issue 14.6: "lead decision (dis" was cut at 18 cells while the item column had room.
    for lang in Lang::ALL {
        let label = match lang {
            Lang::ZhCn => "待牵头决定（有异议）",
            _ => "lead decision (disagreed)",
        };
        for width in [80, 120] {
            let mut a = on_screen(lang);
            let screen = render(&mut a, width, 24);
            assert!(screen.contains(label), "{width} {lang:?}:\n{screen}");
        }
    }
}
