//! The reconciliation screen (对账): for a business day, the count and sum of every class, what
//! was expected against what was received, and the exceptions to clear. `[` / `]` move a day;
//! `c` closes the day (日结); `o` reopens it with a reason (supervisors). On the selected
//! exception: `l` links a receipt to an assessment, `b` marks it for refund, `n` annotates; `t`
//! shows expected against received by department and item instead of the exceptions.

use chrono::{Days, NaiveDate};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

use crate::i18n::{tr, trf};
use crate::store::fees::exceptions::{Noted, Total};
use crate::store::fees::{self, Classified, yuan};
use crate::ui::action::{FeeAction, ReconDay, Task, TaskError};
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

    /// The selected exception, when a manual action applies to it.
    fn selected_exception(&mut self, receipt_only: bool) -> Option<&Classified> {
        let row = self
            .recon
            .selected_row()
            .filter(|_| !self.recon_totals_shown);
        match row {
            Some(r) if !receipt_only || r.kind == "receipt" => self.recon.selected_row(),
            Some(_) => {
                self.flash = Some(Msg::new(Level::Info, "recon.receipt_only"));
                None
            }
            None => None,
        }
    }

    /// `l`: link the selected unidentified receipt; the line takes "CODE reason".
    pub(crate) fn start_link(&mut self) -> Vec<Task> {
        if let Some(r) = self.selected_exception(true) {
            let receipt_id = r.id;
            self.filter_line = Some(FilterLine::for_purpose(LinePurpose::LinkReceipt {
                receipt_id,
            }));
        }
        vec![]
    }

    /// `b`: mark the selected receipt for refund, with a reason.
    pub(crate) fn start_refund(&mut self) -> Vec<Task> {
        if let Some(r) = self.selected_exception(true) {
            let receipt_id = r.id;
            self.filter_line = Some(FilterLine::for_purpose(LinePurpose::Refund { receipt_id }));
        }
        vec![]
    }

    /// `n`: a note on the selected receipt or assessment.
    pub(crate) fn start_annotate(&mut self) -> Vec<Task> {
        let date = self.recon_date;
        if let (Some(r), Some(date)) = (self.selected_exception(false), date) {
            let on = if r.kind == "receipt" {
                Noted::Receipt(r.id)
            } else {
                Noted::Assessment(r.id)
            };
            self.filter_line = Some(FilterLine::for_purpose(LinePurpose::Annotate { date, on }));
        }
        vec![]
    }

    pub(crate) fn fee_action(&mut self, action: FeeAction) -> Vec<Task> {
        match self.recon_viewer() {
            Some(viewer) => vec![Task::FeeAction { viewer, action }],
            None => vec![],
        }
    }

    pub(crate) fn reconciliation_loaded(
        &mut self,
        date: NaiveDate,
        result: Result<ReconDay, TaskError>,
    ) {
        if self.recon_date != Some(date) {
            return;
        }
        // The summary counts every row; the list is the exceptions to clear.
        let result = result.map(|day| {
            self.recon_closed = day.closed;
            self.recon_totals = day.totals;
            let exceptions = day
                .rows
                .iter()
                .filter(|r| !fees::is_settled(&r.class))
                .cloned()
                .collect();
            self.recon_all = day.rows;
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
    let [summary_area, totals_area, list_area, detail_area] = Layout::vertical([
        Constraint::Length(fees::CLASSES.len() as u16 + 2),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    let rows: &[Classified] = &app.recon_all;
    // Checked sums: a day past what 64 bits hold says so instead of showing a wrapped figure.
    let (summary, too_large) = match fees::summarise(rows) {
        Ok(s) => (s, false),
        Err(_) => (vec![], true),
    };
    // The sum column is as wide as its widest figure.
    let sum_w = money_width(
        14,
        &tr(lang, "recon.sum"),
        summary.iter().map(|(_, _, s)| *s),
    );
    let lines: Vec<Line> = std::iter::once(Line::from(vec![Span::styled(
        format!(" {} · {date} · {state}", tr(lang, "screen.reconcile")),
        t.title,
    )]))
    .chain(std::iter::once(Line::from(Span::styled(
        format!(
            "  {}{}{}",
            pad_right(&tr(lang, "recon.class"), 18),
            pad_left(&tr(lang, "recon.count"), 7),
            pad_left(&tr(lang, "recon.sum"), sum_w)
        ),
        t.accent,
    ))))
    .chain(summary.iter().map(|(class, n, sum)| {
        let style = if fees::is_settled(class) || *n == 0 {
            t.text
        } else {
            t.warn
        };
        Line::from(Span::styled(
            format!(
                "  {}{n:>7}{}",
                pad_right(&tr(lang, &format!("recon.class.{class}")), 18),
                pad_left(&yuan(*sum), sum_w)
            ),
            style,
        ))
    }))
    .chain(too_large.then(|| {
        Line::from(Span::styled(
            format!("  {}", tr(lang, "recon.too_large")),
            t.danger,
        ))
    }))
    .collect();
    f.render_widget(Paragraph::new(lines), summary_area);
    // The day's expected and received: the store's figures (`fee_day_flows`), the same the
    // by-department view sums, never recomputed from the rows here.
    let (expected, received) = (app.recon_totals.expected_fen, app.recon_totals.received_fen);
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
    if app.recon_totals_shown {
        draw_totals(f, app, list_area);
        return;
    }
    // A receipt number and a payment code are read whole; the note may be cut here, the line
    // under the list carries it in full for the selected row.
    // The money columns are as wide as their widest figure (999,999,999,999.99 whole).
    let listed = app.recon.rows.as_deref().unwrap_or_default();
    let received_w = money_width(
        8,
        &tr(lang, "recon.received"),
        listed
            .iter()
            .filter(|r| r.kind == "receipt")
            .map(|r| r.amount_fen),
    );
    let expected_w = money_width(
        8,
        &tr(lang, "recon.expected"),
        listed.iter().filter_map(|r| r.expected_fen),
    );
    let widths = [
        Constraint::Length(15),
        Constraint::Length(16),
        Constraint::Length(20),
        Constraint::Length(received_w as u16 + 1),
        Constraint::Length(expected_w as u16 + 1),
        Constraint::Min(0),
    ];
    let headers = [
        "recon.class",
        "recon.reference",
        "recon.code",
        "recon.received",
        "recon.expected",
        "recon.note",
    ];
    crate::ui::screens::draw_list(
        f,
        app,
        list_area,
        &app.recon,
        crate::ui::screens::ListLayout {
            title: format!(" {} ", tr(lang, "recon.exceptions")),
            headers: &headers,
            widths: &widths,
        },
        |_, r| {
            let note = note_of(lang, r);
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
    if let Some(r) = app.recon.selected_row() {
        let note = note_of(lang, r);
        let line = if note.is_empty() {
            format!(" {} ", r.reference)
        } else {
            format!(" {} · {note}", r.reference)
        };
        f.render_widget(Paragraph::new(Span::styled(line, t.muted)), detail_area);
    }
}

/// What the note column says: a cashier's note first, then the link, age or reversed receipt.
fn note_of(lang: crate::i18n::Lang, r: &Classified) -> String {
    let mut note = match (r.class.as_str(), &r.reverses) {
        ("outstanding", _) => trf(lang, "recon.age", &[("days", &r.age_days.to_string())]),
        ("reversal", Some(of)) => trf(lang, "recon.reverses", &[("receipt", of)]),
        _ => String::new(),
    };
    if let Some(code) = &r.linked_to {
        note = trf(lang, "recon.linked_to", &[("code", code)]);
    }
    match &r.note {
        Some(text) if note.is_empty() => text.clone(),
        Some(text) => format!("{text} · {note}"),
        None => note,
    }
}

/// Expected against received: each department, then its items indented; the difference where
/// they differ.
fn draw_totals(f: &mut Frame, app: &App, area: Rect) {
    let lang = app.lang;
    let t = &app.theme;
    let zh = lang == crate::i18n::Lang::ZhCn;
    // As wide as the widest figure, and a difference is computed checked.
    let diff_of = |r: &Total| r.received_fen.checked_sub(r.expected_fen);
    let money = money_width(
        12,
        "",
        app.recon_totals.rows.iter().flat_map(|r| {
            [
                r.expected_fen,
                r.received_fen,
                diff_of(r).unwrap_or(i64::MIN),
            ]
        }),
    ) + 2;
    let name_w = (area.width as usize).saturating_sub(2 + 3 * money);
    let mut lines = vec![
        Line::from(Span::styled(
            format!(" {} ", tr(lang, "recon.by_department")),
            t.title,
        )),
        Line::from(Span::styled(
            format!(
                "  {}{}{}{}",
                pad_right(&tr(lang, "recon.department_item"), name_w),
                pad_left(&tr(lang, "recon.expected"), money),
                pad_left(&tr(lang, "recon.received"), money),
                pad_left(&tr(lang, "recon.difference"), money),
            ),
            t.accent,
        )),
    ];
    lines.extend(app.recon_totals.rows.iter().map(|r: &Total| {
        let name = match (r.is_item, &r.department_code) {
            (_, None) => tr(lang, "recon.class.unidentified"),
            (false, Some(_)) => {
                let n = if zh {
                    &r.department_zh
                } else {
                    &r.department_en
                };
                n.clone().unwrap_or_default()
            }
            (true, Some(_)) => {
                let n = if zh { &r.item_zh } else { &r.item_en };
                format!("  {}", n.clone().unwrap_or_default())
            }
        };
        let diff = diff_of(r);
        let style = if diff != Some(0) { t.warn } else { t.text };
        Line::from(Span::styled(
            format!(
                "  {}{}{}{}",
                pad_right(
                    &crate::ui::widgets::columns::ellipsize(&name, name_w.saturating_sub(1)),
                    name_w,
                ),
                pad_left(&yuan(r.expected_fen), money),
                pad_left(&yuan(r.received_fen), money),
                pad_left(
                    &match diff {
                        Some(0) => String::new(),
                        Some(d) => yuan(d),
                        None => tr(lang, "recon.too_large_short"),
                    },
                    money
                ),
            ),
            style,
        ))
    }));
    if app.recon_totals.rows.is_empty() {
        lines.push(Line::from(Span::styled(
            format!("  {}", tr(lang, "recon.no_fees")),
            t.muted,
        )));
    }
    f.render_widget(Paragraph::new(lines), area);
}

/// The width of a money column: its widest figure or its heading, at least `min`.
fn money_width(min: usize, heading: &str, figures: impl Iterator<Item = i64>) -> usize {
    figures
        .map(|f| yuan(f).len())
        .chain([unicode_width::UnicodeWidthStr::width(heading), min])
        .max()
        .unwrap_or(min)
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
