//! The lookup palette and revealing personal data, in the UI: keys, tasks, a stale answer
//! ignored, masking, snapshots in both languages.

mod common;

use chrono::{TimeZone, Utc};
use common::*;
use onewindow::i18n::Lang;
use onewindow::store::cases::lookup::{Hit, Revealed};
use onewindow::ui::action::{Action, Task};
use onewindow::ui::app::{App, Screen};
use ratatui::crossterm::event::KeyCode;

fn hit(i: i64, kind: &str) -> Hit {
    Hit {
        kind: kind.into(),
        exact: false,
        case_id: i,
        case_no: format!("20261126-SCJG-{i:05}"),
        item_zh: "食品经营许可".into(),
        item_en: "Food business licence".into(),
        department_code: "SCJG".into(),
        applicant_kind: "person".into(),
        applicant_name: "欧阳小明".into(),
        applicant_id_no: "11010519491231002X".into(),
        applicant_phone: "13912345678".into(),
        status: "accepted".into(),
        received_at: Utc.with_ymd_and_hms(2026, 11, 26, 1, 0, 0).unwrap(),
    }
}

fn chief() -> onewindow::store::accounts::operators::Operator {
    let mut c = clerk();
    c.roles = vec![onewindow::domain::accounts::role::Role::ChiefRep];
    c
}

fn with_hits(lang: Lang) -> App {
    let mut a = signed_in(lang, chief());
    assert!(a.update(ctrl('k')).is_empty());
    assert!(a.lookup.is_some());
    let tasks = type_text(&mut a, "阳小");
    // One task per keystroke; each replaces the last (the runner cancels it).
    assert_eq!(
        tasks.last(),
        Some(&Task::Lookup {
            viewer: 7,
            query: "阳小".into()
        })
    );
    a.update(Action::LookupDone {
        query: "阳小".into(),
        result: Ok(vec![hit(17, "name"), hit(18, "phone")]),
    });
    a
}

#[test]
fn the_palette_shows_masked_hits_and_enter_opens_the_case() {
    for lang in Lang::ALL {
        let mut a = with_hits(lang);
        let screen = render(&mut a, 80, 24);
        assert!(
            !screen.contains("欧阳小明") && screen.contains("欧**明"),
            "{screen}"
        );
        assert!(screen.contains("139****5678"), "{screen}");
        insta::assert_snapshot!(format!("lookup_{}", lang.code()), screen);
    }
    let mut a = with_hits(Lang::En);
    a.update(key(KeyCode::Down));
    let tasks = a.update(key(KeyCode::Enter));
    assert!(a.lookup.is_none());
    assert_eq!(a.screen, Screen::Queue);
    assert!(tasks.contains(&Task::LoadCase {
        viewer: 7,
        case_id: 18
    }));
}

#[test]
fn an_answer_to_an_older_query_is_not_shown() {
    let mut a = with_hits(Lang::En);
    type_text(&mut a, "明");
    a.update(Action::LookupDone {
        query: "阳小".into(),
        result: Ok(vec![hit(99, "name")]),
    });
    let hits = a
        .lookup
        .as_ref()
        .unwrap()
        .hits
        .as_ref()
        .unwrap()
        .as_ref()
        .unwrap();
    assert!(hits.iter().all(|h| h.case_id != 99));
    // Letters type into the palette: q does not quit, Esc closes.
    a.update(ch('q'));
    assert!(!a.should_quit);
    a.update(key(KeyCode::Esc));
    assert!(a.lookup.is_none());
}

#[test]
fn v_asks_a_reason_and_shows_the_applicant_in_full() {
    let mut a = with_hits(Lang::ZhCn);
    a.update(key(KeyCode::Enter));
    let mut detail = {
        let row = queue_row(17, "食品经营许可", "欧阳小明", "accepted");
        onewindow::store::cases::CaseDetail {
            row,
            applicant_phone: "13912345678".into(),
            applicant_address: "城关镇人民路1号".into(),
            department_id: 3,
            correction_note: None,
            decision_reason: None,
            received_by_name: "张伟".into(),
            first_inquiry_name: "张伟".into(),
            suspension: None,
            extension: None,
            materials: vec![],
            timeline: vec![],
        }
    };
    detail.row.case_id = 17;
    a.update(Action::CaseLoaded {
        case_id: 17,
        result: Ok(Box::new(detail)),
    });
    let screen = render(&mut a, 80, 24);
    assert!(
        screen.contains("欧**明") && !screen.contains("13912345678"),
        "{screen}"
    );
    assert!(a.update(ch('v')).is_empty());
    type_text(&mut a, "申请人来电");
    assert_eq!(
        a.update(key(KeyCode::Enter)),
        vec![Task::Reveal {
            viewer: 7,
            case_id: 17,
            reason: "申请人来电".into()
        }]
    );
    a.update(Action::Revealed {
        case_id: 17,
        result: Ok(Revealed {
            applicant_name: "欧阳小明".into(),
            applicant_id_no: "11010519491231002X".into(),
            applicant_phone: "13912345678".into(),
            applicant_address: "城关镇人民路1号".into(),
        }),
    });
    let screen = render(&mut a, 80, 24);
    assert!(
        screen.contains("欧阳小明") && screen.contains("13912345678"),
        "{screen}"
    );
    assert!(
        screen.contains("查阅记录"),
        "the message says it was logged: {screen}"
    );
    // A clerk may not.
    let mut c = signed_in(Lang::En, clerk());
    c.update(ctrl('k'));
    type_text(&mut c, "阳小");
    c.update(Action::LookupDone {
        query: "阳小".into(),
        result: Ok(vec![hit(17, "name")]),
    });
    c.update(key(KeyCode::Enter));
    assert!(c.update(ch('v')).is_empty());
    assert!(c.filter_line.is_none());
}
