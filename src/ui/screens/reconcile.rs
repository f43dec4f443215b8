//! The reconciliation screen (对账): for a business day, the count and sum of every class, what
//! was expected against what was received, and the exceptions to clear. `[` / `]` move a day;
//! `c` closes the day (日结); `o` reopens it with a reason (supervisors).

use chrono::{Days, NaiveDate};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

use crate::i18n::{tr, trf};
use crate::store::fees::{self, Classified, yuan};
use crate::ui::action::{Task, TaskError};
use crate::ui::app::{App, Level, Msg};
use crate::ui::widgets::filter_line::{FilterLine, LinePurpose};

impl App {
    fn recon_viewer(&self) -> Option<i64> {
        self.session.as_ref().map(|o| o.operator_id)
    }

    pub(crate) fn reload_reconciliation(&mut self) -> Vec<Task> {
        let Some(viewer) = self.recon_viewer() else {
            return vec![];
        };
        let date = *self.recon_date.get_or_insert(self.now.date_naive());
        self.recon.loading = true;
        vec![Task::LoadReconciliation { viewer, date }]
    }

    /// `[` / `]`: the day before or after.
    pub(crate) fn move_recon_day(&mut self, forward: bool) -> Vec<Task> {
        let d = self.recon_date.unwrap_or(self.now.date_naive());
        self.recon_date = Some(if forward {
            d + Days::new(1)
        } else {
            d - Days::new(1)
        });
        self.recon = Default::default();
        self.reload_reconciliation()
    }

    /// `c`: close the day shown.
    pub(crate) fn close_recon_day(&mut self) -> Vec<Task> {
        match (self.recon_viewer(), self.recon_date) {
            (Some(viewer), Some(date)) if !self.recon_closed => {
                vec![Task::CloseDay { viewer, date }]
            }
            _ => {
                self.flash = Some(Msg::new(Level::Info, "recon.already_closed"));
                vec![]
            }
        }
    }

    /// `o`: reopening needs a reason, on the line.
    pub(crate) fn reopen_recon_day(&mut self) -> Vec<Task> {
        match self.recon_date {
            Some(date) if self.recon_closed => {
                self.filter_line = Some(FilterLine::for_purpose(LinePurpose::Reopen { date }));
            }
            _ => self.flash = Some(Msg::new(Level::Info, "recon.not_closed")),
        }
        vec![]
    }

    pub(crate) fn reconciliation_loaded(
        &mut self,
        date: NaiveDate,
        result: Result<(Vec<Classified>, bool), TaskError>,
    ) {
        if self.recon_date != Some(date) {
            return;
        }
        // The summary counts every row; the list is the exceptions to clear.
        let result = result.map(|(rows, closed)| {
            self.recon_closed = closed;
            let exceptions = rows
                .iter()
                .filter(|r| r.class != "matched")
                .cloned()
                .collect();
            self.recon_all = rows;
            exceptions
        });
        self.recon.loaded(result);
    }

    pub(crate) fn day_changed(&mut self, result: Result<&'static str, TaskError>) -> Vec<Task> {
        self.flash = Some(match &result {
            Ok(key) => Msg::new(Level::Info, key),
            Err(e) if e.forbidden => Msg::new(Level::Error, "list.forbidden"),
            Err(e) => Msg::new(Level::Error, "list.error").arg("error", e.message.clone()),
        });
        self.reload_reconciliation()
    }
}

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let lang = app.lang;
    let t = &app.theme;
    let date = app.recon_date.map(|d| d.to_string()).unwrap_or_default();
    let state = if app.recon_closed {
        tr(lang, "recon.closed")
    } else {
        tr(lang, "recon.open")
    };
    let [summary_area, totals_area, list_area] = Layout::vertical([
        Constraint::Length(8),
        Constraint::Length(1),
        Constraint::Min(3),
    ])
    .areas(area);
    let rows: &[Classified] = &app.recon_all;
    let summary = fees::summarise(rows);
    let lines: Vec<Line> = std::iter::once(Line::from(vec![Span::styled(
        format!(" {} · {date} · {state}", tr(lang, "screen.reconcile")),
        t.title,
    )]))
    .chain(std::iter::once(Line::from(Span::styled(
        format!(
            "  {}{}{}",
            pad_right(&tr(lang, "recon.class"), 18),
            pad_left(&tr(lang, "recon.count"), 7),
            pad_left(&tr(lang, "recon.sum"), 14)
        ),
        t.accent,
    ))))
    .chain(summary.iter().map(|(class, n, sum)| {
        let style = if *class == "matched" || *n == 0 {
            t.text
        } else {
            t.warn
        };
        Line::from(Span::styled(
            format!(
                "  {}{n:>7}{:>14}",
                pad_right(&tr(lang, &format!("recon.class.{class}")), 18),
                yuan(*sum)
            ),
            style,
        ))
    }))
    .collect();
    f.render_widget(Paragraph::new(lines), summary_area);
    // What was received against what was expected for it; the outstanding are still owed.
    let received: i64 = rows
        .iter()
        .filter(|r| r.kind == "receipt")
        .map(|r| r.amount_fen)
        .sum();
    // Expected: each assessment once, however many receipts name its code.
    let mut codes = std::collections::HashSet::new();
    let expected: i64 = rows
        .iter()
        .filter(|r| codes.insert(r.payment_code.as_str()))
        .filter_map(|r| r.expected_fen)
        .sum();
    f.render_widget(
        Paragraph::new(Span::styled(
            trf(
                lang,
                "recon.totals",
                &[("expected", &yuan(expected)), ("received", &yuan(received))],
            ),
            t.muted,
        )),
        totals_area,
    );
    let widths = [
        Constraint::Length(12),
        Constraint::Length(13),
        Constraint::Length(20),
        Constraint::Length(9),
        Constraint::Length(9),
        Constraint::Min(6),
    ];
    let headers = [
        "recon.class",
        "recon.reference",
        "recon.code",
        "recon.received",
        "recon.expected",
        "recon.note",
    ];
    super::draw_list(
        f,
        app,
        list_area,
        &app.recon,
        super::ListLayout {
            title: format!(" {} ", tr(lang, "recon.exceptions")),
            headers: &headers,
            widths: &widths,
        },
        |_, r| {
            let note = match (r.class.as_str(), &r.reverses) {
                ("outstanding", _) => trf(lang, "recon.age", &[("days", &r.age_days.to_string())]),
                ("reversal", Some(of)) => trf(lang, "recon.reverses", &[("receipt", of)]),
                _ => String::new(),
            };
            Row::new(vec![
                Cell::from(tr(lang, &format!("recon.class.{}", r.class))),
                Cell::from(r.reference.clone()),
                Cell::from(r.payment_code.clone()),
                Cell::from(if r.kind == "receipt" {
                    yuan(r.amount_fen)
                } else {
                    String::new()
                }),
                Cell::from(r.expected_fen.map(yuan).unwrap_or_default()),
                Cell::from(note),
            ])
            .style(t.warn)
        },
    );
}

/// Pads by display width: a Chinese character takes two columns, so `{:<18}` would not align.
fn pad_right(s: &str, w: usize) -> String {
    let n = unicode_width::UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(w.saturating_sub(n)))
}

fn pad_left(s: &str, w: usize) -> String {
    let n = unicode_width::UnicodeWidthStr::width(s);
    format!("{}{s}", " ".repeat(w.saturating_sub(n)))
}
