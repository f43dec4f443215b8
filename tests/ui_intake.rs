//! The intake form: bad input named beside its field with everything kept, then a valid
//! submission, then the receipt or correction notice.

mod common;

use common::*;
use onewindow::i18n::Lang;
use onewindow::store::cases::{ApplicantKind, IntakeOutcome};
use onewindow::store::catalogue::{ItemRow, Material};
use onewindow::ui::action::{Action, Task, TaskError};
use onewindow::ui::app::{App, Screen};
use onewindow::ui::screens::cases::intake::Field;
use ratatui::crossterm::event::KeyCode;

fn item() -> ItemRow {
    ItemRow {
        item_id: 1,
        code: "SCJG-001".into(),
        name_zh: "企业设立登记".into(),
        name_en: "Registration of a new enterprise".into(),
        department_id: 3,
        department_code: "SCJG".into(),
        department_zh: "市场监督管理局".into(),
        department_en: "Market Supervision Administration".into(),
        category: "administrative_licensing".into(),
        statutory_days: 15,
        promised_days: 0,
        is_instant: true,
        retired: false,
        version: 1,
    }
}

fn material(id: i64, zh: &str) -> Material {
    Material {
        material_id: id,
        position: id as i32,
        name_zh: zh.into(),
        name_en: format!("Document {id}"),
        form: "original".into(),
        copies: 1,
        required: true,
    }
}

/// Signed in, intake open, item chosen, materials loaded.
fn form(lang: Lang) -> App {
    let mut a = signed_in(lang, clerk());
    assert!(matches!(
        a.update(ch('n')).as_slice(),
        [Task::LoadCatalogue { .. }]
    ));
    assert_eq!(a.screen, Screen::Intake);
    a.update(Action::CatalogueLoaded(Ok(vec![item()])));
    type_text(&mut a, "企业");
    assert_eq!(
        a.update(key(KeyCode::Enter)),
        vec![Task::LoadGuide { item_id: 1 }]
    );
    let guide = onewindow::store::catalogue::Guide {
        handling_body: String::new(),
        legal_basis: String::new(),
        conditions: String::new(),
        procedure: String::new(),
        result_document: String::new(),
        fee_basis: String::new(),
        fee_standard: String::new(),
        supervision_channel: String::new(),
        needs_site_survey: false,
        needs_collective_discussion: false,
        needs_expert_review: false,
        needs_hearing: false,
    };
    a.update(Action::GuideLoaded {
        item_id: 1,
        result: Ok((guide, vec![material(1, "申请书"), material(2, "公司章程")])),
    });
    a
}

fn fill(a: &mut App, id: &str) {
    assert_eq!(a.intake.focus, Field::Kind);
    a.update(key(KeyCode::Tab));
    type_text(a, "张小三");
    a.update(key(KeyCode::Tab));
    type_text(a, id);
    a.update(key(KeyCode::Tab));
    type_text(a, "13800138000");
    a.update(key(KeyCode::Tab));
    type_text(a, "城关镇人民路1号");
    a.update(key(KeyCode::Tab)); // 首问负责人: empty, myself
    a.update(key(KeyCode::Tab));
    a.update(ch(' ')); // tick 申请书
}

#[test]
fn a_bad_id_is_named_beside_its_field_and_nothing_is_sent() {
    let mut a = form(Lang::ZhCn);
    fill(&mut a, "110105194912310021");
    let tasks = a.update(key(KeyCode::Enter));
    assert!(tasks.is_empty(), "{tasks:?}");
    assert_eq!(a.intake.focus, Field::IdNo);
    assert_eq!(a.intake.errors, vec![(Field::IdNo, "intake.err.id_check")]);
    // Everything typed is still there.
    assert!(a.intake.has_input());
    insta::assert_snapshot!("intake_bad_id_zh-CN", render(&mut a, 80, 24));
    // Letters typed into the form are text, not commands.
    assert!(!a.should_quit);
}

#[test]
fn a_fixed_form_is_sent_and_the_correction_notice_shown() {
    let mut a = form(Lang::En);
    fill(&mut a, "110105194912310021");
    a.update(key(KeyCode::Enter));
    // Correct the last character: backspace and the right check character.
    a.update(key(KeyCode::End));
    a.update(key(KeyCode::Backspace));
    a.update(ch('x'));
    let tasks = a.update(key(KeyCode::Enter));
    match tasks.as_slice() {
        [Task::Intake { viewer: 7, intake }] => {
            assert_eq!(intake.kind, ApplicantKind::Person);
            assert_eq!(intake.id_no, "11010519491231002x");
            assert_eq!(intake.provided, vec![1]);
            assert_eq!(intake.name, "张小三");
        }
        other => panic!("{other:?}"),
    }
    a.update(Action::IntakeDone(Ok(IntakeOutcome::Correction {
        case_id: 9,
        case_no: "20261126-SCJG-00009".into(),
        missing: vec!["公司章程".into()],
    })));
    insta::assert_snapshot!("intake_correction_en", render(&mut a, 80, 24));
    // Enter starts the next applicant with an empty form.
    a.update(key(KeyCode::Enter));
    assert!(a.intake.outcome.is_none() && !a.intake.has_input());
}

#[test]
fn an_outage_keeps_the_form() {
    let mut a = form(Lang::En);
    fill(&mut a, "11010519491231002X");
    assert_eq!(a.update(key(KeyCode::Enter)).len(), 1);
    a.update(Action::IntakeDone(Err(TaskError {
        message: "connection refused".into(),
        connection: true,
        forbidden: false,
        field: None,
    })));
    assert!(a.intake.outcome.is_none());
    assert!(a.intake.has_input());
    // Ctrl-C now asks before throwing the typed form away.
    a.update(ctrl('c'));
    assert_eq!(a.confirm_quit, Some(true));
}

#[test]
fn a_cashier_cannot_open_intake() {
    let mut op = clerk();
    op.roles = vec![onewindow::domain::accounts::role::Role::Cashier];
    let mut a = signed_in(Lang::En, op);
    assert!(a.update(ch('n')).is_empty());
    assert_eq!(a.screen, Screen::Home);
}

#[test]
fn an_unknown_first_inquiry_code_is_marked_beside_its_field() {
    let mut a = form(Lang::En);
    fill(&mut a, "11010519491231002X");
    // Back to the first-inquiry field: a code with a space is refused by the form itself.
    a.update(key(KeyCode::BackTab));
    assert_eq!(a.intake.focus, Field::FirstInquiry);
    type_text(&mut a, "no body");
    assert!(a.update(key(KeyCode::Enter)).is_empty());
    assert_eq!(
        a.intake.errors,
        vec![(Field::FirstInquiry, "intake.err.first_inquiry")]
    );
    for _ in 0.."body".len() + 1 {
        a.update(key(KeyCode::Backspace));
    }
    type_text(&mut a, "x");
    let tasks = a.update(key(KeyCode::Enter));
    let [Task::Intake { intake, .. }] = tasks.as_slice() else {
        panic!("{tasks:?}")
    };
    assert_eq!(intake.first_inquiry.as_deref(), Some("nox"));
    // The store knows no such operator: the field is marked, everything typed stays.
    a.update(Action::IntakeDone(Err(TaskError {
        message: "first_inquiry: no active operator nox".into(),
        connection: false,
        forbidden: false,
        field: Some("first_inquiry"),
    })));
    assert_eq!(a.intake.focus, Field::FirstInquiry);
    assert_eq!(
        a.intake.errors,
        vec![(Field::FirstInquiry, "intake.err.first_inquiry_unknown")]
    );
    assert!(a.intake.outcome.is_none() && a.intake.has_input());
    let screen = render(&mut a, 80, 24);
    assert!(
        screen.contains("no active operator with this code"),
        "{screen}"
    );
}

#[test]
fn the_acceptance_notice_shows_the_time_at_the_center() {
    // Issue 14.5: accepted at 03:56 UTC is 11:56 at the center, whatever the host's zone.
    use chrono::TimeZone;
    let mut a = form(Lang::En);
    fill(&mut a, "11010519491231002x");
    a.update(key(KeyCode::Enter));
    a.update(Action::IntakeDone(Ok(IntakeOutcome::Accepted {
        case_id: 9,
        case_no: "20261201-SCJG-00009".into(),
        accepted_at: chrono::Utc.with_ymd_and_hms(2026, 12, 1, 3, 56, 7).unwrap(),
        due: chrono::NaiveDate::from_ymd_opt(2026, 12, 15).unwrap(),
        due_provisional: false,
        fee: None,
    })));
    let screen = render(&mut a, 80, 24);
    assert!(screen.contains("2026-12-01 11:56:07"), "{screen}");
}
