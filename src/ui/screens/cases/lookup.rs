//! The lookup palette (Ctrl-K or `:lookup`, from every screen): results of every kind as you
//! type — the task waits a moment before it queries, and a newer keystroke's task replaces it,
//! so a superseded query never reaches the screen. Enter opens the case. Applicants are masked.
//! Also: revealing a masked applicant in the case view (`v`, with a reason), and the access log.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row};
use ratatui_textarea::TextArea;

use super::queue::CaseView;
use crate::domain::accounts::permission::{Permission, allows};
use crate::i18n::{Lang, tr, trf};
use crate::store::cases::lookup::{Hit, Revealed};
use crate::ui::action::{Task, TaskError};
use crate::ui::app::{App, Level, Msg, Screen};
use crate::ui::widgets::filter_line::{FilterLine, LinePurpose};

pub struct LookupState {
    pub input: TextArea<'static>,
    /// The query the hits answer.
    pub answered: String,
    pub hits: Option<Result<Vec<Hit>, TaskError>>,
    pub selected: usize,
}

impl LookupState {
    fn new() -> LookupState {
        let mut input = TextArea::default();
        input.set_cursor_line_style(Style::default());
        LookupState {
            input,
            answered: String::new(),
            hits: None,
            selected: 0,
        }
    }

    pub fn query(&self) -> String {
        self.input.lines().concat()
    }
}

impl App {
    pub(crate) fn open_lookup(&mut self) -> Vec<Task> {
        if self.session.is_some() && !self.locked {
            self.lookup = Some(LookupState::new());
        }
        vec![]
    }

    /// Keys while the palette is open: it has them all.
    pub(crate) fn lookup_key(&mut self, ev: KeyEvent) -> Vec<Task> {
        let Some(viewer) = self.session.as_ref().map(|o| o.operator_id) else {
            self.lookup = None;
            return vec![];
        };
        let Some(l) = &mut self.lookup else {
            return vec![];
        };
        let n = match &l.hits {
            Some(Ok(h)) => h.len(),
            _ => 0,
        };
        match ev.code {
            KeyCode::Esc => self.lookup = None,
            KeyCode::Up => l.selected = l.selected.saturating_sub(1),
            KeyCode::Down => l.selected = (l.selected + 1).min(n.saturating_sub(1)),
            KeyCode::Enter => {
                let case_id = match &l.hits {
                    Some(Ok(h)) => h.get(l.selected).map(|h| h.case_id),
                    _ => None,
                };
                if let Some(case_id) = case_id {
                    self.lookup = None;
                    return self.open_case_by_id(viewer, case_id);
                }
            }
            KeyCode::Char('c') if ev.modifiers.contains(KeyModifiers::CONTROL) => {
                self.lookup = None
            }
            _ => {
                return self.lookup_edit(|t| {
                    crate::ui::widgets::text_keys::edit(t, ev);
                });
            }
        }
        vec![]
    }

    /// An edit of the palette's query (a key or a paste): a changed query is looked up.
    pub(crate) fn lookup_edit(&mut self, edit: impl FnOnce(&mut TextArea<'static>)) -> Vec<Task> {
        let Some(viewer) = self.session.as_ref().map(|o| o.operator_id) else {
            return vec![];
        };
        let Some(l) = &mut self.lookup else {
            return vec![];
        };
        let before = l.query();
        edit(&mut l.input);
        let query = l.query();
        if query == before {
            return vec![];
        }
        l.selected = 0;
        vec![Task::Lookup { viewer, query }]
    }

    pub(crate) fn lookup_done(&mut self, query: String, result: Result<Vec<Hit>, TaskError>) {
        if let Some(l) = &mut self.lookup
            // An answer to an older query than what is typed now is not shown.
            && l.query() == query
        {
            l.answered = query;
            l.hits = Some(result);
            l.selected = 0;
        }
    }

    /// Opens a case in the case view, from the lookup or a notice.
    pub(crate) fn open_case_by_id(&mut self, viewer: i64, case_id: i64) -> Vec<Task> {
        let mut tasks = self.open(Screen::Queue);
        self.queue.case = Some(CaseView {
            case_id,
            detail: None,
        });
        self.queue.revealed = None;
        tasks.push(Task::LoadCase { viewer, case_id });
        tasks
    }

    /// `v` in the case view: the reason line for revealing the applicant.
    pub(crate) fn reveal_current(&mut self) -> Vec<Task> {
        let may = self
            .session
            .as_ref()
            .is_some_and(|o| allows(&o.roles, Permission::RevealPersonal));
        let Some(c) = &self.queue.case else {
            return vec![];
        };
        if !may {
            self.flash = Some(Msg::new(Level::Warn, "reveal.forbidden"));
            return vec![];
        }
        self.filter_line = Some(FilterLine::for_purpose(LinePurpose::Reveal {
            case_id: c.case_id,
        }));
        vec![]
    }

    pub(crate) fn revealed(&mut self, case_id: i64, result: Result<Revealed, TaskError>) {
        match result {
            Ok(r) => {
                if self.queue.case.as_ref().map(|c| c.case_id) == Some(case_id) {
                    self.queue.revealed = Some((case_id, r));
                }
                self.flash = Some(Msg::new(Level::Info, "reveal.logged"));
            }
            Err(e) if e.forbidden => self.flash = Some(Msg::new(Level::Error, "reveal.forbidden")),
            Err(e) => {
                self.flash = Some(Msg::new(Level::Error, "list.error").arg("error", e.message))
            }
        }
    }
}

fn kind_label(lang: Lang, kind: &str) -> String {
    tr(lang, &format!("lookup.kind.{kind}"))
}

pub fn draw_palette(f: &mut Frame, app: &mut App, area: Rect) {
    let lang = app.lang;
    let t = app.theme.clone();
    let Some(l) = &mut app.lookup else {
        return;
    };
    let w = area.width.saturating_sub(4).min(110);
    let h = area.height.saturating_sub(2).min(22);
    let popup = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + 1,
        width: w,
        height: h,
    };
    f.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.accent)
        .title(Span::styled(
            format!(" {} ", tr(lang, "lookup.title")),
            t.title,
        ));
    let inner = block.inner(popup);
    f.render_widget(block, popup);
    let [input_row, hint_row, list] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    let [prompt, input] =
        Layout::horizontal([Constraint::Length(2), Constraint::Min(1)]).areas(input_row);
    f.render_widget(Paragraph::new(Span::styled("> ", t.accent)), prompt);
    l.input.set_style(t.input);
    l.input
        .set_cursor_style(t.input.add_modifier(Modifier::REVERSED));
    f.render_widget(&l.input, input);
    let query = l.query();
    let status = match &l.hits {
        _ if query.trim().chars().count() < 2 => tr(lang, "lookup.hint"),
        Some(Ok(h)) if l.answered == query => {
            trf(lang, "lookup.count", &[("count", &h.len().to_string())])
        }
        Some(Err(e)) => format!("! {}", e.message),
        _ => tr(lang, "list.loading"),
    };
    f.render_widget(
        Paragraph::new(Line::from(Span::styled(status, t.muted))),
        hint_row,
    );
    let Some(Ok(hits)) = &l.hits else {
        return;
    };
    let rows = hits.iter().map(|h| {
        let item = match lang {
            Lang::ZhCn => &h.item_zh,
            Lang::En => &h.item_en,
        };
        Row::new(vec![
            Cell::from(kind_label(lang, &h.kind)),
            Cell::from(h.case_no.clone()),
            Cell::from(h.masked_applicant()),
            Cell::from(item.clone()),
            Cell::from(tr(lang, &format!("case_status.{}", h.status))),
        ])
    });
    let widths = [
        Constraint::Length(6),
        Constraint::Length(20),
        Constraint::Length(28),
        Constraint::Min(8),
        Constraint::Length(6),
    ];
    let table = ratatui::widgets::Table::new(rows, widths)
        .row_highlight_style(t.selection)
        .highlight_symbol("▶ ");
    let mut state = ratatui::widgets::TableState::default().with_selected(Some(l.selected));
    f.render_stateful_widget(table, list, &mut state);
}

pub fn draw_access_log(f: &mut Frame, app: &App, area: Rect) {
    let title = format!(" {} ", tr(app.lang, "screen.access"));
    let widths = [
        Constraint::Length(14),
        Constraint::Length(18),
        Constraint::Length(20),
        Constraint::Min(10),
    ];
    let headers = [
        "audit.at",
        "audit.operator",
        "queue.case_no",
        "access.reason",
    ];
    crate::ui::screens::draw_list(
        f,
        app,
        area,
        &app.access,
        crate::ui::screens::ListLayout {
            title,
            headers: &headers,
            widths: &widths,
        },
        |_, a| {
            Row::new(vec![
                Cell::from(
                    a.at.with_timezone(&crate::domain::time::zone::CENTER)
                        .format("%m-%d %H:%M:%S")
                        .to_string(),
                ),
                Cell::from(format!("{} ({})", a.operator_name, a.operator_code)),
                Cell::from(a.case_no.clone()),
                Cell::from(a.reason.clone()),
            ])
        },
    );
}
