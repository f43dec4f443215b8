//! The columns of the queue table and the due-date texts shared by the case view and the
//! receipt: which columns show at which width, and how a warning level reads without colour.

use ratatui::layout::Constraint;
use ratatui::text::Span;
use ratatui::widgets::Cell;

use crate::domain::cases::mask;
use crate::domain::time::calendar::{Level as DueLevel, Remaining, level as due_level};
use crate::i18n::{Lang, tr, trf};
use crate::store::cases::QueueRow;
use crate::ui::app::App;

/// The columns of a queue, in the order; which ones show depends on the width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Col {
    CaseNo,
    Item,
    Applicant,
    IdNo,
    Dept,
    Status,
    Accepted,
    Due,
    Left,
    Holder,
}

impl Col {
    pub(crate) fn header(self) -> &'static str {
        match self {
            Col::CaseNo => "queue.case_no",
            Col::Item => "queue.item",
            Col::Applicant => "queue.applicant",
            Col::IdNo => "queue.id_no",
            Col::Dept => "queue.dept_col",
            Col::Status => "queue.status",
            Col::Accepted => "queue.accepted",
            Col::Due => "queue.due",
            Col::Left => "queue.left",
            Col::Holder => "queue.holder",
        }
    }

    pub(crate) fn width(self) -> Constraint {
        match self {
            Col::CaseNo => Constraint::Length(19),
            Col::Item => Constraint::Min(10),
            Col::Applicant => Constraint::Length(8),
            Col::IdNo => Constraint::Length(18),
            Col::Dept => Constraint::Length(6),
            Col::Status => Constraint::Length(6),
            Col::Accepted | Col::Due => Constraint::Length(6),
            Col::Left => Constraint::Length(5),
            Col::Holder => Constraint::Length(6),
        }
    }

    pub(crate) fn cell<'a>(self, app: &App, r: &QueueRow, level: Option<DueLevel>) -> Cell<'a> {
        let t = &app.theme;
        match self {
            Col::CaseNo => Cell::from(r.case_no.clone()),
            Col::Item => {
                let item = match app.lang {
                    Lang::ZhCn => &r.item_zh,
                    Lang::En => &r.item_en,
                };
                let instant = if r.is_instant { "⚡" } else { "" };
                Cell::from(format!("{instant}{item}"))
            }
            Col::Applicant => Cell::from(if r.applicant_kind == "person" {
                mask::person_name(&r.applicant_name)
            } else {
                r.applicant_name.clone()
            }),
            Col::IdNo => Cell::from(mask::id_number(&r.applicant_id_no)),
            Col::Dept => Cell::from(r.department_code.clone()),
            Col::Status => Cell::from(status_label(app.lang, &r.status)),
            Col::Accepted => Cell::from(
                r.accepted_at
                    .map(|a| {
                        a.with_timezone(&crate::domain::time::zone::CENTER)
                            .format("%m-%d")
                            .to_string()
                    })
                    .unwrap_or_default(),
            ),
            // A provisional due date (a year's holidays not loaded yet) carries a `~`.
            Col::Due => Cell::from(
                r.due_date
                    .map(|d| {
                        format!(
                            "{}{}",
                            d.format("%m-%d"),
                            if r.due_provisional { "~" } else { "" }
                        )
                    })
                    .unwrap_or_default(),
            ),
            // A suspended clock stands still: `⏸` instead of a count.
            Col::Left if r.suspended => Cell::from(Span::styled("⏸", t.muted)),
            Col::Left => match (r.remaining, level) {
                (Some(rem), Some(l)) => {
                    let style = match l {
                        DueLevel::Red => t.danger,
                        DueLevel::Yellow => t.warn,
                        DueLevel::Normal => t.text,
                    };
                    Cell::from(Span::styled(left_text(rem, l), style))
                }
                _ => Cell::from(""),
            },
            Col::Holder => Cell::from(r.claimed_by_name.clone().unwrap_or_default()),
        }
    }
}

/// Working days left with the warning level as text, so NO_COLOR still shows it: `!!-2`
/// overdue (red), `!1` yellow, `5` normal.
pub fn left_text(r: Remaining, level: DueLevel) -> String {
    match level {
        DueLevel::Red => format!("!!{}", r.days),
        DueLevel::Yellow => format!("!{}", r.days),
        DueLevel::Normal => r.days.to_string(),
    }
}

/// "2026-12-04 · limit 5 working days · 3 working days left", with the provisional mark: the
/// case view and the receipt.
pub fn due_summary(
    lang: Lang,
    due: chrono::NaiveDate,
    provisional: bool,
    limit_days: Option<i32>,
    remaining: Option<Remaining>,
) -> String {
    let mut parts = vec![due.format("%Y-%m-%d").to_string()];
    if let Some(l) = limit_days {
        parts.push(trf(lang, "due.limit", &[("days", &l.to_string())]));
    }
    match remaining {
        Some(r) if r.overdue => parts.push(trf(
            lang,
            "due.overdue",
            &[("days", &r.days.abs().to_string())],
        )),
        Some(r) if r.days == 0 => parts.push(tr(lang, "due.today")),
        Some(r) => parts.push(trf(lang, "due.left", &[("days", &r.days.to_string())])),
        None => {}
    }
    if provisional {
        parts.push(tr(lang, "due.provisional"));
    }
    parts.join(" · ")
}

pub(crate) fn row_level(app: &App, r: &QueueRow) -> Option<DueLevel> {
    let rem = r.remaining?;
    Some(due_level(
        (r.limit_days.unwrap_or(0) + r.extension_days).max(0) as u32,
        rem,
        app.thresholds,
    ))
}

pub(crate) fn status_label(lang: Lang, status: &str) -> String {
    tr(lang, &format!("case_status.{status}"))
}
