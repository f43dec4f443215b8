//! The trading center (`:trading`): the registration list (进场登记), newest first — each
//! project's code, line, stage, amount, whether the threshold rule required it to enter, its
//! sections and who holds it. Read-only for now (docs/trading.md); registration is headless.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Cell, Row};

use crate::domain::fees::receipt_file::yuan;
use crate::i18n::{tr, trf};
use crate::ui::app::App;

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let lang = app.lang;
    let t = &app.theme;
    let view = &app.trading;
    let title = match &view.rows {
        Some(rows) => format!(
            " {} · {} ",
            tr(lang, "screen.trading"),
            trf(lang, "trading.count", &[("count", &rows.len().to_string())])
        ),
        None => format!(" {} ", tr(lang, "screen.trading")),
    };
    let widths = [
        Constraint::Length(12),
        Constraint::Length(4),
        Constraint::Length(8),
        Constraint::Length(15),
        Constraint::Length(4),
        Constraint::Length(4),
        Constraint::Min(10),
    ];
    let headers = [
        "trading.code",
        "trading.line",
        "trading.stage",
        "trading.amount",
        "trading.must",
        "trading.sections",
        "trading.title",
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
        |_, p| {
            Row::new(vec![
                Cell::from(p.project_code.clone()),
                Cell::from(p.line.clone()),
                Cell::from(tr(lang, &format!("trading.stage.{}", p.stage))),
                Cell::from(format!("{:>15}", yuan(p.amount_fen))),
                Cell::from(if p.must_enter {
                    tr(lang, "trading.must.yes")
                } else {
                    tr(lang, "trading.must.no")
                }),
                Cell::from(format!("{:>3}", p.sections)),
                Cell::from(format!("{} · {}", p.title, p.tenderer_name)),
            ])
            .style(t.text)
        },
    );
}
