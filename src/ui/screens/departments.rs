//! Departments and windows of the center: a table that keeps Chinese names aligned.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Cell, Row};

use crate::i18n::{Lang, tr, trf};
use crate::ui::app::App;
use crate::ui::screens::list_status;

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
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(Span::styled(title, t.title));
    let Some(rows) = &view.rows else {
        list_status(f, app, &view.error, view.loading, block, area);
        return;
    };
    let body = rows.iter().map(|d| {
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
    });
    let widths = [
        Constraint::Length(6),
        Constraint::Min(20),
        Constraint::Length(18),
        Constraint::Length(7),
        Constraint::Length(7),
    ];
    let (table, mut state) = super::selectable_table(
        app,
        &[
            "dept.code",
            "dept.name",
            "dept.kind",
            "dept.windows",
            "dept.operators",
        ],
        body,
        &widths,
        block,
        view.selected,
    );
    f.render_stateful_widget(table, area, &mut state);
    if let Some(e) = &view.error {
        super::error_footer(f, app, e, area);
    }
}
