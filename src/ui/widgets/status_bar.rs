//! The status bar: operator, department, role, window, database state, date and time.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::i18n::{Lang, tr, trf};
use crate::ui::action::DbState;
use crate::ui::app::App;

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let lang = app.lang;
    let t = &app.theme;
    let sep = " │ ";
    let left = match &app.session {
        Some(op) => {
            let dept = match lang {
                Lang::ZhCn => op.department_zh.as_str(),
                Lang::En => op.department_en.as_str(),
            };
            let roles: Vec<String> = op
                .roles
                .iter()
                .map(|r| tr(lang, &format!("role.{}", r.as_str())))
                .collect();
            // Most important first: a narrow terminal truncates the department name, not the role.
            let mut parts = vec![op.name.clone(), roles.join("/")];
            if let Some(w) = &op.window_code {
                parts.push(trf(lang, "status.window", &[("code", w)]));
            }
            parts.push(dept.to_string());
            parts.join(sep)
        }
        None => tr(lang, "status.not_signed_in"),
    };
    let (db_mark, db_key, db_style) = match app.db {
        DbState::Connected => ("●", "status.db_connected", t.status),
        DbState::Connecting => ("○", "status.db_connecting", t.status),
        DbState::Reconnecting => ("!", "status.db_reconnecting", t.status.patch(t.warn)),
    };
    let mut db = format!("{db_mark} {}", tr(lang, db_key));
    let mut db_style = db_style;
    // A task that has waited a second or more: say so, so a slow database never looks frozen.
    if let (DbState::Connected, Some(secs)) = (app.db, app.busy_secs) {
        db = format!(
            "◌ {}",
            trf(lang, "status.db_waiting", &[("secs", &secs.to_string())])
        );
        db_style = t.status.patch(t.warn);
    }
    let clock = app.now.format("%Y-%m-%d %H:%M").to_string();
    let right_w = (sep.width() + db.width() + sep.width() + clock.width() + 1) as u16;
    let [l, r] = Layout::horizontal([Constraint::Min(1), Constraint::Length(right_w)]).areas(area);
    f.render_widget(
        Paragraph::new(Line::from(Span::raw(format!(" {left}")))).style(t.status),
        l,
    );
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(sep, t.status),
            Span::styled(db, db_style),
            Span::styled(sep, t.status),
            Span::styled(format!("{clock} "), t.status),
        ]))
        .style(t.status),
        r,
    );
}
