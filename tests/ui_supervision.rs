//! The supervision screens: the overdue board and my notices — keys, tasks, snapshots in both
//! languages, and the unread count in the header.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::*;
use onewindow::i18n::Lang;
use onewindow::store::cases::Queue;
use onewindow::store::time::supervision::{BoardRow, NotificationRow};
use onewindow::ui::action::{Action, Task};
use onewindow::ui::app::{App, Screen};
use ratatui::crossterm::event::KeyCode;

fn board_rows() -> Vec<BoardRow> {
    vec![
        BoardRow {
            department_id: 3,
            code: "ZJJ".into(),
            name_zh: "住房和城乡建设局".into(),
            name_en: "Housing and Urban-Rural Development".into(),
            open: 120,
            yellow: 9,
            red: 4,
            worst_days_late: 12,
        },
        BoardRow {
            department_id: 1,
            code: "SCJG".into(),
            name_zh: "市场监督管理局".into(),
            name_en: "Market Supervision Administration".into(),
            open: 300,
            yellow: 14,
            red: 0,
            worst_days_late: 0,
        },
    ]
}

fn notice(i: i64, level: &str, acked: bool) -> NotificationRow {
    NotificationRow {
        notification_id: 100 + i,
        card_id: 10 + i,
        level: level.into(),
        case_id: i,
        case_no: format!("20261120-SCJG-{i:05}"),
        item_zh: "食品经营许可".into(),
        item_en: "Food business licence".into(),
        department_code: "SCJG".into(),
        due_date: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
        days_left: -2,
        issued_at: Utc.with_ymd_and_hms(2026, 11, 26, 1, 0, 0).unwrap(),
        read: i > 1,
        acknowledged_by: acked.then(|| "李娜".into()),
        ack_comment: acked.then(|| "已催办".into()),
    }
}

fn on_board(lang: Lang) -> App {
    let mut a = signed_in(lang, supervisor());
    let tasks = a.update(ch('o'));
    assert_eq!(a.screen, Screen::Overdue);
    assert!(
        matches!(tasks.as_slice(), [Task::LoadBoard { viewer: 9, .. }]),
        "{tasks:?}"
    );
    a.update(Action::BoardLoaded(Ok(board_rows())));
    a
}

#[test]
fn the_board_lists_departments_and_enter_opens_their_open_cases() {
    for lang in Lang::ALL {
        let mut a = on_board(lang);
        insta::assert_snapshot!(format!("board_{}", lang.code()), render(&mut a, 80, 24));
    }
    let mut a = on_board(Lang::En);
    let tasks = a.update(key(KeyCode::Enter));
    assert_eq!(a.screen, Screen::Queue);
    assert_eq!(a.queue.which, Queue::AllOpen);
    let [Task::LoadQueue { filter, .. }] = tasks.as_slice() else {
        panic!("{tasks:?}")
    };
    assert_eq!(filter.department_id, Some(3));
}

#[test]
fn a_clerk_has_no_board() {
    let mut a = signed_in(Lang::En, clerk());
    assert!(a.update(ch('o')).is_empty());
    assert_eq!(a.screen, Screen::Home);
    let screen = render(&mut a, 80, 24);
    assert!(screen.contains("for supervisors"), "{screen}");
    assert!(
        !screen.contains("Overdue"),
        "not in the header either: {screen}"
    );
}

#[test]
fn notices_show_unread_count_and_a_card_is_acknowledged_with_a_comment() {
    let mut a = signed_in(Lang::ZhCn, clerk());
    a.update(Action::UnreadLoaded(Ok(2)));
    let screen = render(&mut a, 80, 24);
    assert!(screen.contains("预警通知 2"), "{screen}");
    let tasks = a.update(ch('m'));
    assert!(
        matches!(tasks.as_slice(), [Task::LoadNotices { viewer: 7 }]),
        "{tasks:?}"
    );
    a.update(Action::NoticesLoaded(Ok(vec![
        notice(1, "red", false),
        notice(2, "yellow", true),
    ])));
    assert_eq!(a.unread, 0, "opening the list read them");
    insta::assert_snapshot!("notices_zh-CN", render(&mut a, 80, 24));
    // a: the comment line; Enter sends it.
    assert!(a.update(ch('a')).is_empty());
    type_text(&mut a, "已联系申请人");
    let tasks = a.update(key(KeyCode::Enter));
    assert_eq!(
        tasks,
        vec![Task::Acknowledge {
            viewer: 7,
            card_id: 11,
            comment: "已联系申请人".into()
        }]
    );
    let tasks = a.update(Action::Acknowledged(Ok(())));
    assert!(matches!(tasks.as_slice(), [Task::LoadNotices { .. }]));
    // An acknowledged card is not acknowledged twice.
    a.update(key(KeyCode::Down));
    assert!(a.update(ch('a')).is_empty());
    assert!(a.filter_line.is_none());
    // Enter opens the case of the card.
    a.update(key(KeyCode::Up));
    let tasks = a.update(key(KeyCode::Enter));
    assert_eq!(a.screen, Screen::Queue);
    assert!(tasks.contains(&Task::LoadCase {
        viewer: 7,
        case_id: 1
    }));
}

#[test]
fn a_new_card_elsewhere_updates_the_count() {
    let mut a = signed_in(Lang::En, clerk());
    let tasks = a.update(Action::Changed {
        entity: "supervision".into(),
    });
    assert_eq!(tasks, vec![Task::LoadUnread { viewer: 7 }]);
    a.update(Action::UnreadLoaded(Ok(3)));
    assert!(render(&mut a, 80, 24).contains("Notices 3"));
}

#[test]
fn notices_in_english() {
    let mut a = signed_in(Lang::En, clerk());
    a.update(ch('m'));
    a.update(Action::NoticesLoaded(Ok(vec![
        notice(1, "red", false),
        notice(2, "yellow", true),
    ])));
    insta::assert_snapshot!("notices_en", render(&mut a, 80, 24));
}

fn efficiency_rows() -> Vec<onewindow::store::time::report::EfficiencyRow> {
    use onewindow::store::time::report::EfficiencyRow;
    let scjg = EfficiencyRow {
        department_code: "SCJG".into(),
        name_zh: "市场监督管理局".into(),
        name_en: "Market Supervision Administration".into(),
        accepted: 120,
        completed: 100,
        on_time: 97,
        days_used: 230,
        yellow_cards: 6,
        red_cards: 3,
        open_overdue: 2,
        corrections: 9,
    };
    let zero = EfficiencyRow {
        department_code: "XZ05".into(),
        name_zh: "城南镇便民服务中心".into(),
        name_en: "Chengnan Town Service Center".into(),
        ..EfficiencyRow::default()
    };
    let total = EfficiencyRow {
        department_code: String::new(),
        name_zh: "合计".into(),
        name_en: "Total".into(),
        ..scjg.clone()
    };
    vec![scjg, zero, total]
}

#[test]
fn the_efficiency_screen_shows_a_month_and_moves_by_months() {
    for lang in Lang::ALL {
        let mut a = signed_in(lang, supervisor());
        let tasks = a.update(ch('t'));
        assert_eq!(a.screen, Screen::Report);
        let [Task::LoadReport { from, to, .. }] = tasks.as_slice() else {
            panic!("{tasks:?}")
        };
        assert_eq!(
            (from.to_string(), to.to_string()),
            ("2026-11-01".into(), "2026-11-30".into())
        );
        a.update(Action::ReportLoaded(Ok(efficiency_rows())));
        let screen = render(&mut a, 80, 24);
        assert!(
            screen.contains("97.0") && screen.contains("2.3"),
            "{screen}"
        );
        insta::assert_snapshot!(format!("efficiency_{}", lang.code()), screen);
        let tasks = a.update(ch('['));
        let [Task::LoadReport { from, .. }] = tasks.as_slice() else {
            panic!("{tasks:?}")
        };
        assert_eq!(from.to_string(), "2026-10-01");
    }
    // Window clerks have no report.
    let mut a = signed_in(Lang::En, clerk());
    assert!(a.update(ch('t')).is_empty());
    assert_eq!(a.screen, Screen::Home);
}
