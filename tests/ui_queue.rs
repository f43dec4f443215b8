//! The queue and catalogue screens: keys, tasks, live updates, and whole-screen snapshots.

mod common;

use common::*;
use onewindow::i18n::Lang;
use onewindow::store::cases::Queue;
use onewindow::ui::action::{Action, Task};
use onewindow::ui::app::{App, Screen};
use ratatui::crossterm::event::KeyCode;

fn with_rows(lang: Lang) -> App {
    let mut a = signed_in(lang, clerk());
    a.update(ch('w'));
    a.update(Action::QueueLoaded {
        which: Queue::Department,
        append: false,
        result: Ok(vec![
            queue_row(1, "企业设立登记", "张小三", "accepted"),
            queue_row(2, "食品经营许可", "欧阳小明", "correction"),
            queue_row(3, "个体工商户登记", "李四", "accepted"),
            queue_row(4, "建设工程消防设计审查", "王五", "accepted"),
            queue_row(5, "食品经营许可", "赵六", "accepted"),
        ]),
    });
    a
}

#[test]
fn opening_the_queue_loads_the_department_queue() {
    let mut a = signed_in(Lang::En, clerk());
    let tasks = a.update(ch('w'));
    assert_eq!(a.screen, Screen::Queue);
    assert!(matches!(
        tasks.as_slice(),
        [Task::LoadQueue {
            viewer: 7,
            which: Queue::Department,
            after: None,
            ..
        }]
    ));
}

#[test]
fn c_claims_the_selected_case_and_the_answer_reloads() {
    let mut a = with_rows(Lang::En);
    a.update(key(KeyCode::Down));
    assert_eq!(
        a.update(ch('c')),
        vec![Task::Claim {
            viewer: 7,
            case_id: 2
        }]
    );
    let tasks = a.update(Action::ClaimDone {
        claim: true,
        result: Ok(false),
    });
    assert!(matches!(tasks.as_slice(), [Task::LoadQueue { .. }]));
    assert_eq!(
        a.flash.as_ref().unwrap().text(Lang::En),
        "Someone else claimed it first"
    );
}

#[test]
fn another_operators_change_reloads_the_queue_without_a_key() {
    let mut a = with_rows(Lang::En);
    a.update(key(KeyCode::Down));
    let tasks = a.update(Action::Changed {
        entity: "case".into(),
    });
    assert!(matches!(tasks.as_slice(), [Task::LoadQueue { .. }]));
    // The selected case stays selected when the new rows arrive, wherever it moved.
    a.update(Action::QueueLoaded {
        which: Queue::Department,
        append: false,
        result: Ok(vec![
            queue_row(2, "食品经营许可", "欧阳小明", "correction"),
            queue_row(3, "个体工商户登记", "李四", "accepted"),
        ]),
    });
    assert_eq!(a.queue.view.selected, 0);
    // Changes to other things, or on other screens, do not reload.
    assert!(
        a.update(Action::Changed {
            entity: "operator".into()
        })
        .is_empty()
    );
}

#[test]
fn slash_filters_on_the_server_and_keeps_the_text() {
    let mut a = with_rows(Lang::En);
    a.update(ch('/'));
    type_text(&mut a, "食品");
    let tasks = a.update(key(KeyCode::Enter));
    match tasks.as_slice() {
        [Task::LoadQueue { filter, .. }] => assert_eq!(filter.text.as_deref(), Some("食品")),
        other => panic!("{other:?}"),
    }
    // Opening the filter again starts from the text in force.
    a.update(ch('/'));
    a.update(key(KeyCode::Backspace));
    let tasks = a.update(key(KeyCode::Enter));
    match tasks.as_slice() {
        [Task::LoadQueue { filter, .. }] => assert_eq!(filter.text.as_deref(), Some("食")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn tab_moves_between_the_queues_a_clerk_may_see() {
    let mut a = with_rows(Lang::En);
    a.update(key(KeyCode::Tab));
    assert_eq!(a.queue.which, Queue::DoneRecently);
    a.update(key(KeyCode::Tab));
    assert_eq!(a.queue.which, Queue::Mine, "a clerk has no all-open queue");
    let mut s = signed_in(Lang::En, supervisor());
    s.update(ch('w'));
    assert_eq!(
        s.queue.which,
        Queue::AllOpen,
        "supervisors start on all open cases"
    );
}

#[test]
fn queue_snapshots_mask_applicants() {
    for lang in Lang::ALL {
        let mut a = with_rows(lang);
        insta::assert_snapshot!(format!("queue_{}", lang.code()), render(&mut a, 80, 24));
    }
}

/// Wide terminals show every column of the issue: department, acceptance day, ID number.
/// Warning levels show as text (`!!` overdue, `!` yellow) as well as colour.
#[test]
fn wide_queue_shows_every_column_and_the_warning_marks() {
    for lang in Lang::ALL {
        let mut a = with_rows(lang);
        let screen = render(&mut a, 120, 24);
        assert!(screen.contains("!!-1"), "{screen}");
        assert!(
            screen.contains("!0") && screen.contains("11-30~"),
            "{screen}"
        );
        insta::assert_snapshot!(format!("queue_wide_{}", lang.code()), screen);
    }
}

#[test]
fn catalogue_enter_opens_the_guide_and_esc_closes_it() {
    use onewindow::store::catalogue::{Guide, ItemRow, Material};
    let item = ItemRow {
        item_id: 5,
        code: "SCJG-005".into(),
        name_zh: "食品经营许可".into(),
        name_en: "Food business licence".into(),
        department_id: 3,
        department_code: "SCJG".into(),
        department_zh: "市场监督管理局".into(),
        department_en: "Market Supervision Administration".into(),
        category: "administrative_licensing".into(),
        statutory_days: 20,
        promised_days: 10,
        is_instant: false,
        retired: false,
        version: 1,
    };
    for lang in Lang::ALL {
        let mut a = signed_in(lang, clerk());
        assert!(matches!(
            a.update(ch('s')).as_slice(),
            [Task::LoadCatalogue { .. }]
        ));
        a.update(Action::CatalogueLoaded(Ok(vec![item.clone()])));
        assert_eq!(
            a.update(key(KeyCode::Enter)),
            vec![Task::LoadGuide { item_id: 5 }]
        );
        a.update(Action::GuideLoaded {
            item_id: 5,
            result: Ok((
                Guide {
                    handling_body: "市场监督管理局".into(),
                    legal_basis: "《中华人民共和国食品安全法》".into(),
                    conditions: "有与经营食品相适应的场所".into(),
                    procedure: "申请 → 受理 → 现场核查 → 决定".into(),
                    result_document: "食品经营许可证".into(),
                    fee_basis: "".into(),
                    fee_standard: "不收费".into(),
                    supervision_channel: "12345".into(),
                    needs_site_survey: true,
                    needs_collective_discussion: false,
                    needs_expert_review: false,
                    needs_hearing: false,
                },
                vec![Material {
                    material_id: 1,
                    position: 1,
                    name_zh: "申请书".into(),
                    name_en: "Application form".into(),
                    form: "original".into(),
                    copies: 1,
                    required: true,
                }],
            )),
        });
        insta::assert_snapshot!(format!("guide_{}", lang.code()), render(&mut a, 80, 24));
        a.update(key(KeyCode::Esc));
        assert!(a.catalogue.guide.is_none());
        assert_eq!(a.screen, Screen::Catalogue);
    }
}

#[test]
fn enter_opens_the_case_and_the_chief_decides_an_instant_item() {
    use onewindow::store::cases::CaseDetail;
    let mut chief = clerk();
    chief.code = "chief".into();
    chief.operator_id = 8;
    chief.roles = vec![onewindow::domain::accounts::role::Role::ChiefRep];
    let mut a = signed_in(Lang::En, chief);
    a.update(ch('w'));
    a.update(Action::QueueLoaded {
        which: Queue::Department,
        append: false,
        result: Ok(vec![queue_row(2, "企业设立登记", "张小三", "accepted")]),
    });
    assert_eq!(
        a.update(key(KeyCode::Enter)),
        vec![Task::LoadCase {
            viewer: 8,
            case_id: 2
        }]
    );
    let detail = CaseDetail {
        row: queue_row(2, "企业设立登记", "张小三", "accepted"),
        applicant_phone: "13800138000".into(),
        applicant_address: "人民路1号".into(),
        department_id: 3,
        correction_note: None,
        decision_reason: None,
        received_by_name: "张伟".into(),
        first_inquiry_name: "李娜".into(),
        suspension: None,
        extension: None,
        materials: vec![("申请书".into(), true)],
        timeline: vec![],
    };
    a.update(Action::CaseLoaded {
        case_id: 2,
        result: Ok(Box::new(detail)),
    });
    insta::assert_snapshot!("case_view_en", render(&mut a, 80, 24));
    // Issue 14.7: the read-only view has its own materials heading, not the form's "Space ticks".
    a.update(key(KeyCode::F(2)));
    let zh = render(&mut a, 80, 24);
    assert!(zh.contains("已提交") && !zh.contains("空格勾选"), "{zh}");
    insta::assert_snapshot!("case_view_zh-CN", zh);
    a.update(key(KeyCode::F(2)));
    // x asks for the reason; Enter sends the disapproval with it.
    assert!(a.update(ch('x')).is_empty());
    type_text(&mut a, "材料不实");
    let tasks = a.update(key(KeyCode::Enter));
    assert!(matches!(
        tasks.as_slice(),
        [Task::Decide { viewer: 8, case_id: 2, version: 1, approve: false, reason }] if reason == "材料不实"
    ));
    // y approves at once.
    assert!(matches!(
        a.update(ch('y')).as_slice(),
        [Task::Decide { approve: true, .. }]
    ));
    // Esc closes the case view, back to the list.
    a.update(key(KeyCode::Esc));
    assert!(a.queue.case.is_none());
    assert_eq!(a.screen, Screen::Queue);
}

#[test]
fn a_clerk_cannot_decide() {
    let mut a = with_rows(Lang::En);
    a.update(key(KeyCode::Enter));
    assert!(a.update(ch('y')).is_empty());
    assert!(a.flash.is_some());
}

#[test]
fn the_chief_gives_a_case_to_someone_by_code() {
    let mut chief = clerk();
    chief.operator_id = 8;
    chief.roles = vec![onewindow::domain::accounts::role::Role::ChiefRep];
    let mut a = signed_in(Lang::ZhCn, chief);
    a.update(ch('w'));
    a.update(Action::QueueLoaded {
        which: Queue::Department,
        append: false,
        result: Ok(vec![queue_row(4, "企业设立登记", "张小三", "accepted")]),
    });
    assert!(a.update(ch('g')).is_empty());
    type_text(&mut a, "scjg02");
    let tasks = a.update(key(KeyCode::Enter));
    assert!(matches!(
        tasks.as_slice(),
        [Task::Reassign { viewer: 8, case_id: 4, version: 1, to_code }] if to_code == "scjg02"
    ));
    // A clerk may not.
    let mut b = with_rows(Lang::En);
    assert!(b.update(ch('g')).is_empty());
    assert!(b.filter_line.is_none());
}

#[test]
fn p_suspends_with_a_kind_and_reason_and_resumes_a_suspended_case() {
    let mut a = with_rows(Lang::ZhCn);
    // Row 1 (accepted, running): p opens the line; Tab picks the next procedure.
    assert!(a.update(ch('p')).is_empty());
    assert!(render(&mut a, 80, 24).contains("特别程序：听证"));
    a.update(key(KeyCode::Tab));
    assert!(render(&mut a, 80, 24).contains("特别程序：招标"));
    type_text(&mut a, "委托招标代理");
    let tasks = a.update(key(KeyCode::Enter));
    assert_eq!(
        tasks,
        vec![Task::Suspend {
            viewer: 7,
            case_id: 1,
            version: 1,
            kind: "tendering",
            reason: "委托招标代理".into()
        }]
    );
    // Row 5 is suspended: ⏸ instead of days left, and p resumes it.
    assert!(render(&mut a, 80, 24).contains('⏸'));
    for _ in 0..4 {
        a.update(key(KeyCode::Down));
    }
    assert_eq!(
        a.update(ch('p')),
        vec![Task::Resume {
            viewer: 7,
            case_id: 5,
            version: 1
        }]
    );
    // A correction case has no clock.
    a.update(key(KeyCode::Home));
    a.update(key(KeyCode::Down));
    assert!(a.update(ch('p')).is_empty());
    assert!(a.filter_line.is_none());
}

#[test]
fn e_extends_only_for_the_chief_and_wants_days_first() {
    let mut a = with_rows(Lang::En);
    assert!(a.update(ch('e')).is_empty());
    assert!(a.filter_line.is_none(), "a clerk may not extend");
    let mut chief = clerk();
    chief.roles = vec![onewindow::domain::accounts::role::Role::ChiefRep];
    let mut a = signed_in(Lang::En, chief);
    a.update(ch('w'));
    a.update(Action::QueueLoaded {
        which: Queue::Department,
        append: false,
        result: Ok(vec![queue_row(1, "企业设立登记", "张小三", "accepted")]),
    });
    a.update(ch('e'));
    type_text(&mut a, "five days");
    assert!(a.update(key(KeyCode::Enter)).is_empty());
    assert!(
        a.filter_line.is_some(),
        "the line stays with what was typed"
    );
    let screen = render(&mut a, 80, 24);
    assert!(screen.contains("working days first"), "{screen}");
    for _ in 0.."five days".len() {
        a.update(key(KeyCode::Backspace));
    }
    type_text(&mut a, "5 expert review");
    assert_eq!(
        a.update(key(KeyCode::Enter)),
        vec![Task::Extend {
            viewer: 7,
            case_id: 1,
            version: 1,
            days: 5,
            reason: "expert review".into()
        }]
    );
}
