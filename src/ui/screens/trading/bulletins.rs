//! The published notices (`:bulletins`, home `b`; issue 17.11): every notice of every line,
//! newest first — when, line, kind, the last day and the days left in its period, title. Public
//! information (the kiosk will show the same list), so every signed-in operator reads it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Cell, Row};

use crate::domain::time::zone::at_center;
use crate::i18n::{tr, trf};
use crate::ui::app::App;

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let lang = app.lang;
    let t = &app.theme;
    let view = &app.bulletins;
    let title = match &view.rows {
        Some(rows) => format!(
            " {} · {} ",
            tr(lang, "screen.bulletins"),
            trf(
                lang,
                "bulletins.count",
                &[("count", &rows.len().to_string())]
            )
        ),
        None => format!(" {} ", tr(lang, "screen.bulletins")),
    };
    let today = app.now.date_naive();
    let wide = area.width >= 110;
    let mut widths = vec![
        Constraint::Length(5),
        Constraint::Length(4),
        Constraint::Length(14),
        Constraint::Length(10),
        Constraint::Length(10),
    ];
    let mut headers = vec![
        "bulletins.published",
        "trading.line",
        "bulletins.kind",
        "bulletins.ends",
        "bulletins.left",
    ];
    if wide {
        widths.push(Constraint::Length(20));
        headers.push("deposits.section");
    }
    widths.push(Constraint::Min(10));
    headers.push("bulletins.title");
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
        |_, n| {
            let days = n.ends_on.map(|d| (d - today).num_days());
            let left = match days {
                Some(d) if d >= 0 => trf(lang, "bulletins.days", &[("days", &d.to_string())]),
                Some(_) => tr(lang, "project.ended"),
                None => "—".into(),
            };
            let mut cells = vec![
                Cell::from(at_center(&n.published_at).format("%m-%d").to_string()),
                Cell::from(n.line.clone()),
                Cell::from(tr(lang, &format!("project.kind.{}", n.kind))),
                Cell::from(
                    n.ends_on
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "—".into()),
                ),
                Cell::from(left),
            ];
            if wide {
                cells.push(Cell::from(n.unified_deal_code.clone()));
            }
            cells.push(Cell::from(n.title.clone()));
            let style = match days {
                Some(d) if (0..=3).contains(&d) => t.warn,
                Some(d) if d < 0 => t.muted,
                _ => t.text,
            };
            Row::new(cells).style(style)
        },
    );
}
