//! **audit** — the screens. The audit log: one hash-chained row per business change, written in
//! that change's transaction.
//!
//! Rules kept: Rows are only ever appended; the chain is computed by the database and re-checked by
//! the verifier.
//! Docs: docs/audit.md.
//!
//! The audit trail, newest first (supervisors and administrators).

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Cell, Row};

use crate::i18n::{tr, trf};
use crate::ui::app::App;

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
    let widths = [
        Constraint::Length(6),
        Constraint::Length(14),
        Constraint::Length(16),
        Constraint::Length(18),
        Constraint::Length(12),
        Constraint::Min(10),
    ];
    let headers = [
        "audit.id",
        "audit.at",
        "audit.operator",
        "audit.action",
        "audit.entity",
        "audit.detail",
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
        |_, a| {
            let who = match (&a.operator_name, &a.operator_code) {
                (Some(n), Some(c)) => format!("{n} ({c})"),
                _ => tr(lang, "audit.system"),
            };
            let at =
                a.at.with_timezone(&crate::domain::time::zone::CENTER)
                    .format("%m-%d %H:%M:%S");
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
        },
    );
}
