//! Electronic supervision on screen: the overdue board (supervisors) and my notifications (warning
//! cards sent to me), where a card is acknowledged with a comment.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row};

use crate::domain::accounts::permission::{Permission, allows};
use crate::i18n::{Lang, tr};
use crate::store::cases::Queue;
use crate::ui::action::Task;
use crate::ui::app::{App, Level, Msg, Screen};
use crate::ui::screens::cases::queue::CaseView;
use crate::ui::widgets::filter_line::{FilterLine, LinePurpose};

impl App {
    pub(crate) fn may_see_board(&self) -> bool {
        self.session
            .as_ref()
            .is_some_and(|o| allows(&o.roles, Permission::SeeAllCases))
    }

    pub(crate) fn reload_board(&mut self) -> Vec<Task> {
        let Some(op) = &self.session else {
            return vec![];
        };
        self.board.loading = true;
        vec![Task::LoadBoard {
            viewer: op.operator_id,
            thresholds: self.thresholds,
        }]
    }

    pub(crate) fn reload_notices(&mut self) -> Vec<Task> {
        let Some(op) = &self.session else {
            return vec![];
        };
        self.notices.loading = true;
        vec![Task::LoadNotices {
            viewer: op.operator_id,
        }]
    }

    /// Enter on the board: that department's open cases, most overdue first.
    pub(crate) fn open_board_department(&mut self) -> Vec<Task> {
        let Some(row) = self.board.selected_row().cloned() else {
            return vec![];
        };
        self.queue.which = Queue::AllOpen;
        self.queue.filter = Default::default();
        self.queue.filter.department_id = Some(row.department_id);
        self.queue.scope = Some(match self.lang {
            Lang::ZhCn => row.name_zh.clone(),
            Lang::En => row.name_en.clone(),
        });
        self.queue.filter.text = None;
        self.queue.view.selected = 0;
        self.queue.case = None;
        self.open(Screen::Queue)
    }

    /// Enter on a notification: the case view of its case.
    pub(crate) fn open_notice_case(&mut self) -> Vec<Task> {
        let (Some(op), Some(n)) = (&self.session, self.notices.selected_row()) else {
            return vec![];
        };
        let (viewer, case_id) = (op.operator_id, n.case_id);
        let mut tasks = self.open(Screen::Queue);
        self.queue.case = Some(CaseView {
            case_id,
            detail: None,
        });
        tasks.push(Task::LoadCase { viewer, case_id });
        tasks
    }

    /// `a` on a notification: ask for the acknowledgment's comment.
    pub(crate) fn acknowledge_selected(&mut self) -> Vec<Task> {
        let Some(n) = self.notices.selected_row() else {
            return vec![];
        };
        if n.acknowledged_by.is_some() {
            self.flash = Some(Msg::new(Level::Info, "notices.already"));
            return vec![];
        }
        self.filter_line = Some(FilterLine::for_purpose(LinePurpose::Acknowledge {
            card_id: n.card_id,
        }));
        vec![]
    }
}

/// `!!4` right-aligned; a zero without its mark.
fn count_with_mark(mark: &str, n: i64, width: usize) -> String {
    let s = if n > 0 {
        format!("{mark}{n}")
    } else {
        "0".to_string()
    };
    format!("{s:>width$}")
}

fn level_mark(level: &str) -> &'static str {
    // Text marks, so the level shows without colour.
    if level == "red" { "!!" } else { "!" }
}

pub fn draw_board(f: &mut Frame, app: &App, area: Rect) {
    let lang = app.lang;
    let t = &app.theme;
    let view = &app.board;
    let title = match &view.rows {
        Some(rows) => format!(
            " {} · {}/{} ",
            tr(lang, "screen.overdue"),
            rows.iter().map(|r| r.red).sum::<i64>(),
            rows.iter().map(|r| r.yellow).sum::<i64>()
        ),
        None => format!(" {} ", tr(lang, "screen.overdue")),
    };
    let widths = [
        Constraint::Length(6),
        Constraint::Min(12),
        Constraint::Length(7),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(6),
    ];
    let headers = [
        "board.code",
        "board.department",
        "board.red",
        "board.yellow",
        "board.open",
        "board.worst",
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
        |_, r| {
            let name = match lang {
                Lang::ZhCn => &r.name_zh,
                Lang::En => &r.name_en,
            };
            Row::new(vec![
                Cell::from(r.code.clone()),
                Cell::from(name.clone()),
                Cell::from(Span::styled(
                    count_with_mark("!!", r.red, 7),
                    if r.red > 0 { t.danger } else { t.muted },
                )),
                Cell::from(Span::styled(
                    count_with_mark("!", r.yellow, 6),
                    if r.yellow > 0 { t.warn } else { t.muted },
                )),
                Cell::from(format!("{:>6}", r.open)),
                Cell::from(if r.worst_days_late > 0 {
                    format!("{:>5}", r.worst_days_late)
                } else {
                    String::new()
                }),
            ])
        },
    );
}

pub fn draw_notices(f: &mut Frame, app: &App, area: Rect) {
    let lang = app.lang;
    let t = &app.theme;
    let view = &app.notices;
    let title = match &view.rows {
        Some(rows) => format!(" {} · {} ", tr(lang, "screen.notices"), rows.len()),
        None => format!(" {} ", tr(lang, "screen.notices")),
    };
    let widths = [
        Constraint::Length(8),
        Constraint::Length(11),
        Constraint::Length(19),
        Constraint::Min(10),
        Constraint::Length(5),
        Constraint::Length(16),
    ];
    let headers = [
        "notices.level",
        "notices.issued",
        "queue.case_no",
        "queue.item",
        "queue.due",
        "notices.state",
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
        |_, n| {
            let item = match lang {
                Lang::ZhCn => &n.item_zh,
                Lang::En => &n.item_en,
            };
            let style = if n.level == "red" { t.danger } else { t.warn };
            let state = match &n.acknowledged_by {
                Some(who) => format!("✔ {who}: {}", n.ack_comment.clone().unwrap_or_default()),
                None => tr(lang, "notices.open"),
            };
            Row::new(vec![
                Cell::from(Span::styled(
                    format!(
                        "{}{}",
                        level_mark(&n.level),
                        tr(lang, &format!("card.{}", n.level))
                    ),
                    style,
                )),
                Cell::from(
                    n.issued_at
                        .with_timezone(&crate::domain::time::zone::CENTER)
                        .format("%m-%d %H:%M")
                        .to_string(),
                ),
                Cell::from(n.case_no.clone()),
                Cell::from(item.clone()),
                Cell::from(n.due_date.format("%m-%d").to_string()),
                Cell::from(state),
            ])
            .style(if n.read { t.text } else { t.accent })
        },
    );
}
