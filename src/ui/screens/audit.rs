//! The audit trail, newest first (supervisors and administrators).

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Cell, Row};

use crate::i18n::{tr, trf};
use crate::ui::app::App;
use crate::ui::screens::list_status;

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let lang = app.lang;
    let t = &app.theme;
    let view = &app.audit;
    let title = match &view.rows {
        Some(rows) => format!(
            " {} · {} ",
            tr(lang, "screen.audit"),
            trf(lang, "audit.count", &[("count", &rows.len().to_string())])
        ),
        None => format!(" {} ", tr(lang, "screen.audit")),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(Span::styled(title, t.title));
    let Some(rows) = &view.rows else {
        list_status(f, app, &view.error, view.loading, block, area);
        return;
    };
    let body = rows.iter().map(|a| {
        let who = match (&a.operator_name, &a.operator_code) {
            (Some(n), Some(c)) => format!("{n} ({c})"),
            _ => tr(lang, "audit.system"),
        };
        let at = a.at.with_timezone(&chrono::Local).format("%m-%d %H:%M:%S");
        let entity = match &a.entity_id {
            Some(id) => format!("{}#{id}", a.entity),
            None => a.entity.clone(),
        };
        let style = if a.action.ends_with(".failed") || a.action.ends_with(".locked") {
            t.warn
        } else {
            t.text
        };
        Row::new(vec![
            Cell::from(format!("{:>6}", a.audit_id)),
            Cell::from(at.to_string()),
            Cell::from(who),
            Cell::from(a.action.clone()),
            Cell::from(entity),
            Cell::from(a.detail.clone()),
        ])
        .style(style)
    });
    let widths = [
        Constraint::Length(6),
        Constraint::Length(14),
        Constraint::Length(16),
        Constraint::Length(18),
        Constraint::Length(12),
        Constraint::Min(10),
    ];
    let (table, mut state) = super::selectable_table(
        app,
        &[
            "audit.id",
            "audit.at",
            "audit.operator",
            "audit.action",
            "audit.entity",
            "audit.detail",
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
