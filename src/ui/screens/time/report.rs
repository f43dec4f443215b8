//! The efficiency evaluation (效能评估) on screen: one month per department with totals; `[` and
//! `]` move a month. The same figures as `onewindow report efficiency`.

use chrono::{Datelike, Months, NaiveDate};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Cell, Row};

use crate::i18n::{Lang, tr};
use crate::store::time::report::tenths;
use crate::ui::action::Task;
use crate::ui::app::App;

/// The first day of the month of `d`.
pub fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

impl App {
    pub(crate) fn reload_report(&mut self) -> Vec<Task> {
        let Some(op) = &self.session else {
            return vec![];
        };
        let from = *self
            .report_month
            .get_or_insert_with(|| month_start(self.now.date_naive()));
        let to = from + Months::new(1) - chrono::Days::new(1);
        self.report.loading = true;
        vec![Task::LoadReport {
            viewer: op.operator_id,
            from,
            to,
        }]
    }

    /// `[` / `]`: the previous or next month.
    pub(crate) fn move_report_month(&mut self, forward: bool) -> Vec<Task> {
        let m = self
            .report_month
            .unwrap_or_else(|| month_start(self.now.date_naive()));
        self.report_month = Some(if forward {
            m + Months::new(1)
        } else {
            m - Months::new(1)
        });
        self.report.selected = 0;
        self.reload_report()
    }
}

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let lang = app.lang;
    let t = &app.theme;
    let view = &app.report;
    let month = app
        .report_month
        .map(|m| m.format("%Y-%m").to_string())
        .unwrap_or_default();
    let title = format!(" {} · {month} ", tr(lang, "screen.report"));
    let n = view.len();
    let widths = [
        Constraint::Length(5),
        Constraint::Min(8),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(6),
    ];
    let headers = [
        "report.code",
        "report.department",
        "report.accepted",
        "report.completed",
        "report.on_time",
        "report.avg_days",
        "report.yellow",
        "report.red",
        "report.overdue",
        "report.corrections",
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
        |i, r| {
            let name = match lang {
                Lang::ZhCn => &r.name_zh,
                Lang::En => &r.name_en,
            };
            let num = |v: i64| Cell::from(format!("{v:>6}"));
            Row::new(vec![
                Cell::from(r.department_code.clone()),
                Cell::from(name.clone()),
                num(r.accepted),
                num(r.completed),
                Cell::from(format!("{:>6}", tenths(r.on_time_permille()))),
                Cell::from(format!("{:>6}", tenths(r.avg_days_tenths()))),
                num(r.yellow_cards),
                num(r.red_cards),
                num(r.open_overdue),
                num(r.corrections),
            ])
            // The totals row stands out; a department with nothing accepted (零办件) is muted.
            .style(if i + 1 == n {
                t.accent
            } else if r.accepted == 0 && r.completed == 0 {
                t.muted
            } else {
                t.text
            })
        },
    );
}
