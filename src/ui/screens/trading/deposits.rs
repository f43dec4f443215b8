//! The deposit board (`:deposits`, home `k`; issue 17.11): the deposit account's statement lines
//! by class with their count and sum to the fen, the deposits still awaited, and the open refunds
//! by due date — `p` prepares the selected refund, `y` approves it (never the one who prepared
//! it: the store refuses, and says so). Totals only over all sections: nothing here counts a
//! section's bidders before its opening.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row};

use crate::domain::fees::receipt_file::yuan;
use crate::domain::trading::deposits::Class;
use crate::i18n::{tr, trf};
use crate::store::trading::refunds::RefundRow;
use crate::ui::action::{DepositBoard, Task, TaskError};
use crate::ui::app::{App, Level, ListView, Msg};

/// A refund due this close is drawn in the warning colour; past it, in the danger colour.
const SOON_DAYS: i64 = 2;

#[derive(Debug, Default)]
pub struct DepositsState {
    pub head: Option<crate::store::trading::deposits::Board>,
    pub view: ListView<RefundRow>,
}

impl App {
    pub(crate) fn reload_deposits(&mut self) -> Vec<Task> {
        let Some(op) = &self.session else {
            return vec![];
        };
        let viewer = op.operator_id;
        self.deposits.view.loading = true;
        vec![Task::LoadDepositBoard { viewer }]
    }

    pub(crate) fn deposits_loaded(&mut self, result: Result<DepositBoard, TaskError>) {
        match result {
            Ok(b) => {
                self.deposits.head = Some(b.head);
                self.deposits.view.loaded(Ok(b.refunds));
            }
            Err(e) => self.deposits.view.loaded(Err(e)),
        }
    }

    fn selected_refund(&self) -> Option<(i64, &RefundRow)> {
        let op = self.session.as_ref()?;
        Some((op.operator_id, self.deposits.view.selected_row()?))
    }

    pub(crate) fn prepare_refund(&mut self) -> Vec<Task> {
        let Some((viewer, r)) = self.selected_refund() else {
            return vec![];
        };
        if r.state != "due" {
            self.flash = Some(Msg::new(Level::Warn, "deposits.not_due"));
            return vec![];
        }
        vec![Task::PrepareRefund {
            viewer,
            refund_id: r.refund_id,
            version: r.version,
        }]
    }

    pub(crate) fn approve_refund(&mut self) -> Vec<Task> {
        let Some((viewer, r)) = self.selected_refund() else {
            return vec![];
        };
        if r.state != "prepared" {
            self.flash = Some(Msg::new(Level::Warn, "deposits.not_prepared"));
            return vec![];
        }
        vec![Task::ApproveRefund {
            viewer,
            refund_id: r.refund_id,
            version: r.version,
        }]
    }

    pub(crate) fn refund_changed(&mut self, result: Result<&'static str, TaskError>) -> Vec<Task> {
        self.flash = Some(match &result {
            Ok(key) => Msg::new(Level::Info, key),
            Err(e) if e.forbidden => Msg::new(Level::Error, "deposits.forbidden_keep"),
            Err(e) if e.message.contains("four eyes") => {
                Msg::new(Level::Warn, "deposits.four_eyes")
            }
            Err(e) if e.message.contains("changed by someone else") => {
                Msg::new(Level::Warn, "deposits.stale")
            }
            Err(e) => Msg::new(Level::Error, "list.error").arg("error", e.message.clone()),
        });
        self.reload_deposits()
    }
}

fn class_key(c: Class) -> String {
    format!("deposits.class.{}", c.as_str())
}

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let lang = app.lang;
    let t = &app.theme;
    let state = &app.deposits;
    // The head: one line per class in two columns, and the awaited deposits.
    let [head, body] = Layout::vertical([Constraint::Length(7), Constraint::Min(3)]).areas(area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(Span::styled(
            format!(" {} ", tr(lang, "deposits.head")),
            t.title,
        ));
    let mut lines = vec![];
    if let Some(b) = &state.head {
        let cell = |(c, n, sum): &(Class, i64, i64)| {
            let label = tr(lang, &class_key(*c));
            let pad = 17usize.saturating_sub(unicode_width::UnicodeWidthStr::width(label.as_str()));
            let style = if *n > 0 && c.is_exception() {
                t.warn
            } else {
                t.text
            };
            vec![
                Span::styled(format!("{label}{}", " ".repeat(pad)), style),
                Span::styled(format!("{n:>5} {:>14}", yuan(*sum)), style),
            ]
        };
        for pair in b.by_class.chunks(2) {
            let mut spans = cell(&pair[0]);
            if let Some(second) = pair.get(1) {
                spans.push(Span::raw("  "));
                spans.extend(cell(second));
            }
            lines.push(Line::from(spans));
        }
        lines.push(Line::from(Span::styled(
            trf(
                lang,
                "deposits.awaited",
                &[
                    ("count", &b.awaited.to_string()),
                    ("amount", &yuan(b.awaited_fen)),
                ],
            ),
            t.muted,
        )));
    }
    f.render_widget(Paragraph::new(lines).block(block), head);

    let today = state.head.as_ref().map(|b| b.today);
    let title = match &state.view.rows {
        Some(rows) => format!(
            " {} · {} ",
            tr(lang, "deposits.refunds"),
            trf(
                lang,
                "deposits.refund_count",
                &[("count", &rows.len().to_string())]
            )
        ),
        None => format!(" {} ", tr(lang, "deposits.refunds")),
    };
    let wide = area.width >= 110;
    let mut widths = vec![
        Constraint::Length(6),
        Constraint::Length(10),
        Constraint::Length(8),
        Constraint::Length(13),
    ];
    let mut headers = vec![
        "deposits.refund",
        "deposits.due",
        "deposits.state",
        "deposits.amount",
    ];
    if wide {
        widths.extend([Constraint::Length(20), Constraint::Length(10)]);
        headers.extend(["deposits.section", "deposits.prepared_by"]);
    }
    widths.push(Constraint::Min(10));
    headers.push("deposits.payee");
    crate::ui::screens::draw_list(
        f,
        app,
        body,
        &state.view,
        crate::ui::screens::ListLayout {
            title,
            headers: &headers,
            widths: &widths,
        },
        |_, r| {
            let total = r
                .principal_fen
                .checked_add(r.interest_fen.unwrap_or(0))
                .map(yuan)
                .unwrap_or_else(|| "—".into());
            let mut cells = vec![
                Cell::from(format!("{:>5}", r.refund_id)),
                Cell::from(r.due_on.format("%Y-%m-%d").to_string()),
                Cell::from(tr(lang, &format!("deposits.refund_state.{}", r.state))),
                Cell::from(format!("{total:>13}")),
            ];
            if wide {
                cells.push(Cell::from(r.unified_deal_code.clone()));
                cells.push(Cell::from(r.prepared_by.clone().unwrap_or_default()));
            }
            cells.push(Cell::from(r.payee.clone()));
            let days = today.map(|d| (r.due_on - d).num_days());
            let style = match days {
                Some(d) if d < 0 => t.danger,
                Some(d) if d <= SOON_DAYS => t.warn,
                _ => t.text,
            };
            Row::new(cells).style(style)
        },
    );
}
