//! One module per screen: its state (when it has its own) and its drawing.

pub mod accounts;
pub mod audit;
pub mod cases;
pub mod catalogue;
pub mod fees;
pub mod help;
pub mod home;
pub mod routing;
pub mod time;
pub mod trading;

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};

use crate::i18n::{tr, trf};
use crate::ui::action::TaskError;
use crate::ui::app::App;

/// A table of a list screen: translated header, the selection marked by style and by `▶` (so
/// it shows without colour), the selected row kept in view.
pub(crate) fn selectable_table<'a>(
    app: &App,
    header_keys: &[&str],
    rows: impl IntoIterator<Item = Row<'a>>,
    widths: &[Constraint],
    block: Block<'a>,
    selected: usize,
) -> (Table<'a>, TableState) {
    let t = &app.theme;
    let header = Row::new(header_keys.iter().map(|k| Cell::from(tr(app.lang, k)))).style(t.accent);
    let table = Table::new(rows, widths.to_vec())
        .header(header)
        .block(block)
        .row_highlight_style(t.selection)
        .highlight_symbol("▶ ");
    (table, TableState::default().with_selected(Some(selected)))
}

/// What a list screen shows around its rows: the box title, the column headers (i18n keys) and
/// the column widths.
pub(crate) struct ListLayout<'a> {
    pub title: String,
    pub headers: &'a [&'a str],
    pub widths: &'a [Constraint],
}

/// A list screen whole: the titled box; "loading" or the error before rows arrive; the table
/// with the selection; an error over rows kept from before. `row` builds one row (with its
/// index, for a totals row).
pub(crate) fn draw_list<T>(
    f: &mut Frame,
    app: &App,
    area: Rect,
    view: &crate::ui::list_view::ListView<T>,
    layout: ListLayout,
    row: impl Fn(usize, &T) -> Row<'static>,
) {
    let ListLayout {
        title,
        headers,
        widths,
    } = layout;
    let t = &app.theme;
    let block = Block::default()
        .borders(ratatui::widgets::Borders::ALL)
        .border_style(t.border)
        .title(Span::styled(title, t.title));
    let Some(rows) = &view.rows else {
        list_status(f, app, &view.error, view.loading, block, area);
        return;
    };
    let body = rows.iter().enumerate().map(|(i, r)| row(i, r));
    let (table, mut state) = selectable_table(app, headers, body, widths, block, view.selected);
    f.render_stateful_widget(table, area, &mut state);
    if let Some(e) = &view.error {
        error_footer(f, app, e, area);
    }
}

/// What a table screen shows before it has rows: loading, or the error.
pub(crate) fn list_status(
    f: &mut Frame,
    app: &App,
    error: &Option<TaskError>,
    loading: bool,
    block: Block,
    area: Rect,
) {
    let t = &app.theme;
    let line = match error {
        Some(e) => Line::from(Span::styled(error_text(app, e), t.danger)),
        None if loading => Line::from(Span::styled(tr(app.lang, "list.loading"), t.muted)),
        None => Line::from(Span::styled(tr(app.lang, "list.empty"), t.muted)),
    };
    f.render_widget(Paragraph::new(line).block(block), area);
}

/// An error over rows already shown (kept from before): one line at the bottom of the frame.
pub(crate) fn error_footer(f: &mut Frame, app: &App, e: &TaskError, area: Rect) {
    if area.height < 3 {
        return;
    }
    let row = Rect {
        x: area.x + 1,
        y: area.y + area.height - 1,
        width: area.width.saturating_sub(2),
        height: 1,
    };
    f.render_widget(
        Paragraph::new(Span::styled(error_text(app, e), app.theme.danger)),
        row,
    );
}

/// An unreachable server gets a plain sentence (it will reload by itself); any other error is
/// shown as it is, since it is what support needs to see.
fn error_text(app: &App, e: &TaskError) -> String {
    if e.connection {
        format!("! {}", tr(app.lang, "list.db_unavailable"))
    } else if e.forbidden {
        format!("! {}", tr(app.lang, "list.forbidden"))
    } else {
        format!(
            "! {}",
            trf(app.lang, "list.error", &[("error", &e.message)])
        )
    }
}
