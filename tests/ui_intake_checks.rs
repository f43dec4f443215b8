//! The intake form agrees with the database (issue 14.2): every CHECK the database holds on what
//! the form writes has a field check with its own reason, and a refusal that still gets through is
//! shown beside the field it names, never as SQL text. Both languages.

mod common;

use common::*;
use onewindow::i18n::Lang;
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
fn fill(a: &mut App, name: &str) {
    a.update(key(KeyCode::Tab));
    type_text(a, name);
    a.update(key(KeyCode::Tab));
    type_text(a, "11010519491231002X");
    a.update(key(KeyCode::Tab));
    type_text(a, "13800138000");
    a.update(key(KeyCode::Tab));
    type_text(a, "城关镇人民路1号");
    a.update(key(KeyCode::Tab));
    a.update(key(KeyCode::Tab));
    a.update(ch(' '));
}

#[test]
fn a_name_over_100_characters_is_named_beside_its_field() {
    for (lang, reason) in [
        (Lang::ZhCn, "最多 100 个字"),
        (Lang::En, "at most 100 characters"),
    ] {
        let mut a = form(lang);
        fill(&mut a, &"张".repeat(101));
        assert!(a.update(key(KeyCode::Enter)).is_empty(), "nothing is sent");
        assert_eq!(a.intake.errors, vec![(Field::Name, "intake.err.name_long")]);
        assert_eq!(a.intake.focus, Field::Name);
        let screen = render(&mut a, 100, 24);
        let line = screen
            .lines()
            .find(|l| l.contains(reason))
            .unwrap_or_default();
        assert!(
            line.contains("张张张"),
            "the reason is beside Name:\n{screen}"
        );
        insta::assert_snapshot!(format!("intake_name_too_long_{}", lang.code()), screen);
        // 100 characters is what the database takes: sent.
        a.update(key(KeyCode::Backspace));
        assert!(
            a.intake.errors.is_empty(),
            "the reason goes once the name fits"
        );
        assert!(matches!(
            a.update(key(KeyCode::Enter)).as_slice(),
            [Task::Intake { intake, .. }] if intake.name.chars().count() == 100
        ));
    }
}

#[test]
fn a_database_refusal_is_shown_beside_the_field_never_as_sql() {
    for (lang, reason) in [
        (Lang::ZhCn, "数据库不接受此项"),
        (Lang::En, "not accepted by the database"),
    ] {
        let mut a = form(lang);
        fill(&mut a, "张小三");
        assert_eq!(a.update(key(KeyCode::Enter)).len(), 1);
        a.update(Action::IntakeDone(Err(TaskError {
            message: "name: refused by the database".into(),
            connection: false,
            forbidden: false,
            field: Some("name"),
        })));
        assert_eq!(a.intake.errors, vec![(Field::Name, "intake.err.refused")]);
        assert_eq!(a.intake.focus, Field::Name);
        assert!(a.intake.has_input() && a.intake.outcome.is_none());
        let screen = render(&mut a, 100, 24);
        let line = screen
            .lines()
            .find(|l| l.contains(reason))
            .unwrap_or_default();
        assert!(line.contains("张小三"), "{screen}");
        insta::assert_snapshot!(format!("intake_refused_name_{}", lang.code()), screen);

        // A refusal naming no field: a sentence, not the database's text.
        a.update(key(KeyCode::Enter));
        a.update(Action::IntakeDone(Err(TaskError {
            message: "database: error returned from database: new row for relation \"cases\" \
                      violates check constraint \"cases_x_check\""
                .into(),
            connection: false,
            forbidden: false,
            field: None,
        })));
        let screen = render(&mut a, 100, 24);
        assert!(
            !screen.contains("violates") && !screen.contains("database:"),
            "{screen}"
        );
        assert!(a.intake.has_input());
    }
}

#[test]
fn ctrl_u_clears_a_field_to_its_start_instead_of_undoing() {
    // Found in tmux: Ctrl-U (a shell's "clear line") undid edits and brought back an ID typed
    // into Name; the name was then saved with the ID in front of it.
    let mut a = form(Lang::En);
    a.update(key(KeyCode::Tab));
    type_text(&mut a, "110105194912310021");
    a.update(ctrl('u'));
    type_text(&mut a, "张小三");
    assert_eq!(a.intake.name.lines(), ["张小三"]);
}

#[test]
fn digits_in_a_persons_name_are_named_beside_the_field_in_both_languages() {
    for (lang, text) in [
        (Lang::En, "a person's name has no digits"),
        (Lang::ZhCn, "个人姓名不能含数字"),
    ] {
        let mut a = form(lang);
        fill(&mut a, "11010519491231002张小三");
        assert!(a.update(key(KeyCode::Enter)).is_empty(), "nothing is sent");
        let screen = render(&mut a, 100, 30);
        assert!(screen.contains(text), "{screen}");
    }
}
