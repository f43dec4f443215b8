//! Departments and windows of the center: a table that keeps Chinese names aligned.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Cell, Row};

use crate::i18n::{Lang, tr, trf};
use crate::ui::app::App;

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let lang = app.lang;
    let t = &app.theme;
    let view = &app.departments;
    let title = match &view.rows {
        Some(rows) => format!(
            " {} · {} ",
            tr(lang, "screen.departments"),
            trf(lang, "dept.count", &[("count", &rows.len().to_string())])
        ),
        None => format!(" {} ", tr(lang, "screen.departments")),
    };
    let widths = [
        Constraint::Length(6),
        Constraint::Min(20),
        Constraint::Length(18),
        Constraint::Length(7),
        Constraint::Length(7),
    ];
    let headers = [
        "dept.code",
        "dept.name",
        "dept.kind",
        "dept.windows",
        "dept.operators",
    ];
    crate::ui::screens::draw_list(
        f,
        app,
        area,
        view,
        crate::ui::screens::ListLayout {
            title,
            headers: &headers,
            widths: &widths,
        },
        |_, d| {
            let name = match lang {
                Lang::ZhCn => d.name_zh.clone(),
                Lang::En => d.name_en.clone(),
            };
            Row::new(vec![
                Cell::from(d.code.clone()),
                Cell::from(name),
                Cell::from(tr(lang, &format!("kind.{}", d.kind))),
                Cell::from(format!("{:>4}", d.windows)),
                Cell::from(format!("{:>4}", d.operators)),
            ])
            .style(t.text)
        },
    );
}
