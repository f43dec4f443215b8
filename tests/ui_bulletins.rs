//! Issue 17.11: `:bulletins`, the published notices of every line, newest first, with the days
//! left in each period; public, so a window clerk reads it too; in both languages at 80x24.

mod common;

use chrono::{NaiveDate, TimeZone};
use common::*;
use onewindow::domain::time::zone::CENTER;
use onewindow::i18n::Lang;
use onewindow::store::trading::notices::NoticeRow;
use onewindow::ui::action::{Action, Task};
use onewindow::ui::screen::Screen;

fn rows() -> Vec<NoticeRow> {
    let row = |id: i64, line: &str, kind: &str, ends: Option<(u32, u32)>, title: &str| NoticeRow {
        notice_id: id,
        published_at: CENTER
            .with_ymd_and_hms(2026, 11, 20 - id as u32, 10, 0, 0)
            .unwrap()
            .with_timezone(&chrono::Utc),
        line: line.into(),
        unified_deal_code: format!("341100{line}2026000{id:02}001"),
        kind: kind.into(),
        title: title.into(),
        ends_on: ends.map(|(m, d)| NaiveDate::from_ymd_opt(2026, m, d).unwrap()),
        period_days: Some(20),
        period_unit: Some("day".into()),
        overridden: false,
    };
    vec![
        row(
            1,
            "GC",
            "tender",
            Some((12, 10)),
            "城东小学教学楼改造工程施工招标公告",
        ),
        row(
            2,
            "CG",
            "result",
            Some((11, 27)),
            "县医院医疗设备采购结果公告",
        ),
        row(
            3,
            "TD",
            "listing",
            Some((11, 20)),
            "城关镇东片区国有建设用地使用权挂牌出让公告",
        ),
        row(4, "GC", "termination", None, "滨河公园景观提升工程终止公告"),
    ]
}

#[test]
fn the_notices_in_both_languages_for_a_window_clerk_too() {
    for lang in Lang::ALL {
        let mut a = signed_in(lang, clerk());
        let tasks = a.update(ch('b'));
        assert_eq!(a.screen, Screen::Bulletins);
        assert!(
            matches!(tasks.as_slice(), [Task::LoadBulletins]),
            "{tasks:?}"
        );
        a.update(Action::BulletinsLoaded(Ok(rows())));
        insta::assert_snapshot!(format!("bulletins_{}", lang.code()), render(&mut a, 80, 24));
        // A notice published elsewhere: the list follows.
        let tasks = a.update(Action::Changed {
            entity: "trade_notice".into(),
        });
        assert!(
            tasks.iter().any(|t| matches!(t, Task::LoadBulletins)),
            "{tasks:?}"
        );
    }
}
