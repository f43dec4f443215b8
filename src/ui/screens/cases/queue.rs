//! The case queues: mine, my department's unclaimed cases, all open cases (supervisors), done
//! recently. Claim and release from the list; other operators' changes arrive by NOTIFY.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row};

use super::queue_columns::{Col, row_level, status_label};
pub use super::queue_columns::{due_summary, left_text};
use crate::domain::accounts::permission::{Permission, allows};
use crate::domain::cases::mask;
use crate::i18n::{Lang, tr, trf};
use crate::store::cases::lookup::Revealed;
use crate::store::cases::{CaseDetail, Queue, QueueFilter, QueueRow};
use crate::ui::action::{Task, TaskError};
use crate::ui::app::{App, Level, ListView, Msg};
use crate::ui::screens::list_status;
use crate::ui::widgets::filter_line::{FilterLine, LinePurpose};
use crate::ui::widgets::label_value;

pub const QUEUES: [Queue; 4] = [
    Queue::Mine,
    Queue::Department,
    Queue::AllOpen,
    Queue::DoneRecently,
];

pub fn queue_key(q: Queue) -> &'static str {
    match q {
        Queue::Mine => "queue.mine",
        Queue::Department => "queue.department",
        Queue::AllOpen => "queue.all_open",
        Queue::DoneRecently => "queue.done",
    }
}

#[derive(Debug, Clone)]
pub struct QueueState {
    pub which: Queue,
    pub view: ListView<QueueRow>,
    pub filter: QueueFilter,
    /// The last page was full: there may be more below.
    pub more: bool,
    /// The case opened with Enter, shown over the list.
    pub case: Option<CaseView>,
    /// The department the list is narrowed to (from the overdue board), shown by the tabs.
    pub scope: Option<String>,
    /// The applicant of the open case, revealed with a reason (`v`): (case id, data).
    pub revealed: Option<(i64, Revealed)>,
}

#[derive(Debug, Clone)]
pub struct CaseView {
    pub case_id: i64,
    pub detail: Option<Result<CaseDetail, TaskError>>,
}

impl Default for QueueState {
    fn default() -> Self {
        QueueState {
            which: Queue::Department,
            view: ListView::default(),
            filter: QueueFilter::default(),
            more: false,
            case: None,
            scope: None,
            revealed: None,
        }
    }
}

/// The queues this operator may look at.
pub fn visible_queues(app: &App) -> Vec<Queue> {
    let Some(op) = &app.session else {
        return vec![];
    };
    let all = allows(&op.roles, Permission::SeeAllCases);
    let works = allows(&op.roles, Permission::WorkCase);
    QUEUES
        .into_iter()
        .filter(|q| match q {
            Queue::Mine | Queue::Department => works,
            Queue::AllOpen => all,
            Queue::DoneRecently => works || all,
        })
        .collect()
}

impl App {
    /// First page of the current queue, keeping the selected case selected if it is still there.
    pub(crate) fn reload_queue(&mut self) -> Vec<Task> {
        let Some(op) = &self.session else {
            return vec![];
        };
        let queues = visible_queues(self);
        if queues.is_empty() {
            self.flash = Some(Msg::new(Level::Warn, "queue.none"));
            return vec![];
        }
        if !queues.contains(&self.queue.which) {
            self.queue.which = queues[0];
        }
        self.queue.view.loading = true;
        vec![Task::LoadQueue {
            viewer: op.operator_id,
            which: self.queue.which,
            filter: self.queue.filter.clone(),
            after: None,
        }]
    }

    pub(crate) fn queue_loaded(
        &mut self,
        which: Queue,
        append: bool,
        result: Result<Vec<QueueRow>, TaskError>,
    ) {
        if which != self.queue.which {
            return; // an answer for a queue no longer shown
        }
        let q = &mut self.queue;
        match result {
            Ok(rows) => {
                q.more = rows.len() as i64 == crate::ui::tasks::QUEUE_PAGE;
                let selected_case = q
                    .view
                    .rows
                    .as_ref()
                    .and_then(|r| r.get(q.view.selected))
                    .map(|r| r.case_id);
                let rows = if append {
                    let mut all = q.view.rows.take().unwrap_or_default();
                    all.extend(rows);
                    all
                } else {
                    rows
                };
                if let Some(id) = selected_case
                    && let Some(i) = rows.iter().position(|r| r.case_id == id)
                {
                    q.view.selected = i;
                }
                q.view.loaded(Ok(rows));
            }
            Err(e) => q.view.loaded(Err(e)),
        }
    }

    /// Near the end of what is loaded: fetch the next page after the last row.
    pub(crate) fn queue_more(&mut self) -> Vec<Task> {
        let Some(op) = &self.session else {
            return vec![];
        };
        let q = &self.queue;
        if !q.more || q.view.loading || q.view.selected + 1 < q.view.len() {
            return vec![];
        }
        let Some(last) = q.view.rows.as_ref().and_then(|r| r.last()) else {
            return vec![];
        };
        let task = Task::LoadQueue {
            viewer: op.operator_id,
            which: q.which,
            filter: q.filter.clone(),
            after: Some(last.next_page_after(q.which)),
        };
        self.queue.view.loading = true;
        vec![task]
    }

    pub(crate) fn switch_queue(&mut self, step: isize) -> Vec<Task> {
        let queues = visible_queues(self);
        let Some(pos) = queues.iter().position(|q| *q == self.queue.which) else {
            return self.reload_queue();
        };
        let n = queues.len() as isize;
        self.queue.which = queues[((pos as isize + step).rem_euclid(n)) as usize];
        self.queue.view = ListView::default();
        // A department chosen on the overdue board applies to the queue it opened only.
        self.queue.filter.department_id = None;
        self.queue.scope = None;
        self.reload_queue()
    }

    fn selected_case(&self) -> Option<&QueueRow> {
        self.queue
            .view
            .rows
            .as_ref()
            .and_then(|r| r.get(self.queue.view.selected))
    }

    pub(crate) fn open_case(&mut self) -> Vec<Task> {
        let (Some(op), Some(row)) = (&self.session, self.selected_case()) else {
            return vec![];
        };
        let task = Task::LoadCase {
            viewer: op.operator_id,
            case_id: row.case_id,
        };
        self.queue.case = Some(CaseView {
            case_id: row.case_id,
            detail: None,
        });
        self.queue.revealed = None;
        vec![task]
    }

    pub(crate) fn reload_case(&mut self) -> Vec<Task> {
        match (&self.session, &self.queue.case) {
            (Some(op), Some(c)) => vec![Task::LoadCase {
                viewer: op.operator_id,
                case_id: c.case_id,
            }],
            _ => vec![],
        }
    }

    pub(crate) fn case_loaded(&mut self, case_id: i64, result: Result<CaseDetail, TaskError>) {
        if let Some(c) = &mut self.queue.case
            && c.case_id == case_id
        {
            c.detail = Some(result);
        }
    }

    /// The case view's case, when it is an open instant item this operator may decide.
    fn decidable(&self) -> Option<(i64, i32)> {
        let op = self.session.as_ref()?;
        let Some(Ok(d)) = self.queue.case.as_ref()?.detail.as_ref() else {
            return None;
        };
        (allows(&op.roles, Permission::DecideInstant)
            && d.row.is_instant
            && d.row.status == "accepted"
            && d.department_id == op.department_id)
            .then_some((d.row.case_id, d.row.version))
    }

    pub(crate) fn approve(&mut self) -> Vec<Task> {
        let Some(op) = &self.session else {
            return vec![];
        };
        let viewer = op.operator_id;
        match self.decidable() {
            Some((case_id, version)) => vec![Task::Decide {
                viewer,
                case_id,
                version,
                approve: true,
                reason: String::new(),
            }],
            None => {
                self.flash = Some(Msg::new(Level::Warn, "case.not_decidable"));
                vec![]
            }
        }
    }

    /// Disapproval needs a reason: the reason line opens; Enter there sends the decision.
    pub(crate) fn disapprove(&mut self) -> Vec<Task> {
        match self.decidable() {
            Some((case_id, version)) => {
                self.filter_line = Some(FilterLine::with_purpose(
                    None,
                    LinePurpose::Reason { case_id, version },
                ));
            }
            None => self.flash = Some(Msg::new(Level::Warn, "case.not_decidable")),
        }
        vec![]
    }

    pub(crate) fn decided(&mut self, result: Result<bool, TaskError>) -> Vec<Task> {
        self.flash = Some(match &result {
            Ok(true) => Msg::new(Level::Info, "case.approved"),
            Ok(false) => Msg::new(Level::Info, "case.disapproved"),
            Err(e) if e.forbidden => Msg::new(Level::Error, "list.forbidden"),
            Err(e) if e.message.contains("changed by someone else") => {
                Msg::new(Level::Warn, "queue.stale")
            }
            Err(e) => Msg::new(Level::Error, "list.error").arg("error", e.message.clone()),
        });
        let mut tasks = self.reload_case();
        tasks.extend(self.reload_queue());
        tasks
    }

    /// The chief representative gives the selected case to someone: the line asks for a code.
    pub(crate) fn reassign_selected(&mut self) -> Vec<Task> {
        let may = self
            .session
            .as_ref()
            .is_some_and(|o| allows(&o.roles, Permission::ReassignCase));
        let Some(row) = self.selected_case() else {
            return vec![];
        };
        let purpose = LinePurpose::Reassign {
            case_id: row.case_id,
            version: row.version,
        };
        if may {
            self.filter_line = Some(FilterLine::with_purpose(None, purpose));
        } else {
            self.flash = Some(Msg::new(Level::Warn, "list.forbidden"));
        }
        vec![]
    }

    pub(crate) fn claim_selected(&mut self) -> Vec<Task> {
        let (Some(op), Some(row)) = (&self.session, self.selected_case()) else {
            return vec![];
        };
        vec![Task::Claim {
            viewer: op.operator_id,
            case_id: row.case_id,
        }]
    }

    pub(crate) fn release_selected(&mut self) -> Vec<Task> {
        let (Some(op), Some(row)) = (&self.session, self.selected_case()) else {
            return vec![];
        };
        vec![Task::Release {
            viewer: op.operator_id,
            case_id: row.case_id,
            version: row.version,
        }]
    }

    pub(crate) fn claim_done(&mut self, claim: bool, result: Result<bool, TaskError>) -> Vec<Task> {
        self.flash = Some(match &result {
            Ok(true) if claim => Msg::new(Level::Info, "queue.claim_ok"),
            Ok(true) => Msg::new(Level::Info, "queue.release_ok"),
            Ok(false) => Msg::new(Level::Warn, "queue.claim_taken"),
            Err(e) if e.forbidden => Msg::new(Level::Error, "list.forbidden"),
            Err(e) if e.message.contains("changed by someone else") => {
                Msg::new(Level::Warn, "queue.stale")
            }
            Err(e) => Msg::new(Level::Error, "list.error").arg("error", e.message.clone()),
        });
        // Whatever happened, show the queue as it now is.
        self.reload_queue()
    }
}

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    if let Some(c) = &app.queue.case {
        draw_case(f, app, c, area);
        return;
    }
    let lang = app.lang;
    let t = &app.theme;
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let mut spans = vec![];
    for q in visible_queues(app) {
        let style = if q == app.queue.which {
            t.selection
        } else {
            t.muted
        };
        spans.push(Span::styled(format!(" {} ", tr(lang, queue_key(q))), style));
        spans.push(Span::raw(" "));
    }
    if let Some(scope) = &app.queue.scope {
        spans.push(Span::styled(format!("  ▸ {scope}"), t.accent));
    }
    if let Some(text) = &app.queue.filter.text {
        spans.push(Span::styled(format!("  / {text}"), t.accent));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), tabs);

    let view = &app.queue.view;
    let title = match &view.rows {
        Some(rows) => format!(
            " {} · {}{} ",
            tr(lang, queue_key(app.queue.which)),
            rows.len(),
            if app.queue.more { "+" } else { "" }
        ),
        None => format!(" {} ", tr(lang, queue_key(app.queue.which))),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(Span::styled(title, t.title));
    let Some(rows) = &view.rows else {
        list_status(f, app, &view.error, view.loading, block, body);
        return;
    };
    // Wide terminals get every column; at 80 columns the ID number, department and acceptance
    // day give way, so the item name keeps room.
    let wide = body.width >= 110;
    let cols: Vec<Col> = if wide {
        vec![
            Col::CaseNo,
            Col::Item,
            Col::Applicant,
            Col::IdNo,
            Col::Dept,
            Col::Status,
            Col::Accepted,
            Col::Due,
            Col::Left,
            Col::Holder,
        ]
    } else {
        vec![
            Col::CaseNo,
            Col::Item,
            Col::Applicant,
            Col::Status,
            Col::Due,
            Col::Left,
            Col::Holder,
        ]
    };
    let body_rows = rows.iter().map(|r| {
        let level = row_level(app, r);
        let cells = cols.iter().map(|c| c.cell(app, r, level));
        Row::new(cells.collect::<Vec<_>>()).style(if r.status == "correction" {
            t.warn
        } else {
            t.text
        })
    });
    let widths: Vec<Constraint> = cols.iter().map(|c| c.width()).collect();
    let headers: Vec<&str> = cols.iter().map(|c| c.header()).collect();
    let (table, mut state) = crate::ui::screens::selectable_table(
        app,
        &headers,
        body_rows,
        &widths,
        block,
        view.selected,
    );
    f.render_stateful_widget(table, body, &mut state);
    if let Some(e) = &view.error {
        crate::ui::screens::error_footer(f, app, e, body);
    }
}

fn draw_case(f: &mut Frame, app: &App, c: &CaseView, area: Rect) {
    let lang = app.lang;
    let t = &app.theme;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(Span::styled(
            format!(" {} ", tr(lang, "case.title")),
            t.title,
        ));
    let mut lines: Vec<Line> = vec![];
    match &c.detail {
        None => lines.push(Line::from(Span::styled(tr(lang, "list.loading"), t.muted))),
        Some(Err(e)) => lines.push(Line::from(Span::styled(
            format!("! {}", e.message),
            t.danger,
        ))),
        Some(Ok(d)) => {
            let field = |key: &str, value: String| label_value(lang, t, key, value);
            let item = match lang {
                Lang::ZhCn => &d.row.item_zh,
                Lang::En => &d.row.item_en,
            };
            lines.push(field("queue.case_no", d.row.case_no.clone()));
            lines.push(field(
                "queue.item",
                format!("{}{item}", if d.row.is_instant { "⚡" } else { "" }),
            ));
            lines.push(field("queue.status", status_label(lang, &d.row.status)));
            if let Some(due) = d.row.due_date {
                lines.push(field(
                    "case.due",
                    due_summary(
                        lang,
                        due,
                        d.row.due_provisional,
                        d.row.limit_days,
                        d.row.remaining,
                    ),
                ));
            }
            if let Some((kind, reason)) = &d.suspension {
                lines.push(field(
                    "case.suspended",
                    format!("⏸ {} · {reason}", tr(lang, &format!("suspension.{kind}"))),
                ));
            }
            if let Some((days, reason)) = &d.extension {
                lines.push(field(
                    "case.extended",
                    format!(
                        "{} · {reason}",
                        trf(lang, "due.limit", &[("days", &format!("+{days}"))])
                    ),
                ));
            }
            // Masked until revealed with a reason (`v`), which the access log records.
            let shown = app
                .queue
                .revealed
                .as_ref()
                .filter(|(id, _)| *id == d.row.case_id)
                .map(|(_, r)| r);
            match shown {
                Some(r) => {
                    lines.push(field("queue.applicant", r.applicant_name.clone()));
                    lines.push(field("queue.id_no", r.applicant_id_no.clone()));
                    lines.push(field("intake.phone", r.applicant_phone.clone()));
                    lines.push(field("intake.address", r.applicant_address.clone()));
                }
                None => {
                    let name = if d.row.applicant_kind == "person" {
                        mask::person_name(&d.row.applicant_name)
                    } else {
                        d.row.applicant_name.clone()
                    };
                    lines.push(field("queue.applicant", name));
                    lines.push(field(
                        "queue.id_no",
                        mask::id_number(&d.row.applicant_id_no),
                    ));
                    lines.push(field("intake.phone", mask::phone(&d.applicant_phone)));
                    lines.push(field("intake.address", mask::address(&d.applicant_address)));
                }
            }
            lines.push(field(
                "case.received_by",
                if d.first_inquiry_name == d.received_by_name {
                    d.received_by_name.clone()
                } else {
                    format!(
                        "{} · {}{}{}",
                        d.received_by_name,
                        tr(lang, "case.first_inquiry"),
                        crate::ui::widgets::colon(lang),
                        d.first_inquiry_name
                    )
                },
            ));
            if let Some(h) = &d.row.claimed_by_name {
                lines.push(field("queue.holder", h.clone()));
            }
            if let Some(n) = &d.correction_note {
                lines.push(field("case.correction_note", n.clone()));
            }
            if let Some(r) = &d.decision_reason {
                lines.push(field("case.reason", r.clone()));
            }
            lines.push(Line::from(Span::styled(
                tr(lang, "case.materials"),
                t.accent,
            )));
            for (name, provided) in &d.materials {
                lines.push(Line::from(format!(
                    "  [{}] {name}",
                    if *provided { "x" } else { " " }
                )));
            }
            lines.push(Line::from(Span::styled(
                tr(lang, "case.timeline"),
                t.accent,
            )));
            for e in &d.timeline {
                let at =
                    e.at.with_timezone(&crate::domain::time::zone::CENTER)
                        .format("%m-%d %H:%M");
                lines.push(Line::from(format!(
                    "  {at}  {}  {}",
                    tr(lang, &format!("action.{}", e.action)),
                    e.operator_name.clone().unwrap_or_default()
                )));
            }
        }
    }
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(ratatui::widgets::Wrap { trim: false }),
        area,
    );
}
