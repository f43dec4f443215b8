//! The trading center (`:trading`): the clerks' queue of projects (issue 17.3, 17.11) — mine,
//! unclaimed, all — each with its code, stage, the next legal date (a bid deadline, an opening, a
//! notice's end) and who holds it, the nearest date first; a date within three days is marked.
//! `c` claims the selected project, `u` gives it back, Tab and Shift-Tab change the tab.
//! Registration itself is headless for now (docs/trading.md).

use chrono::Utc;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

use crate::domain::accounts::permission::{Permission, allows};
use crate::domain::fees::receipt_file::yuan;
use crate::i18n::{Lang, tr, trf};
use crate::store::trading::queue::{QueueRow, Scope};
use crate::ui::action::{Task, TaskError};
use crate::ui::app::{App, Level, ListView, Msg};

pub mod bulletins;
pub mod deposits;
mod project;

/// A next date this close is shown in the warning colour: three days is the least a clerk needs
/// to warn a tenderer, book a room or call the experts before the date passes.
const SOON_HOURS: i64 = 72;
/// Below this width the amount, line, must-enter and section columns are left out.
const WIDE: u16 = 110;

#[derive(Debug, Default)]
pub struct TradingState {
    /// The tab on screen; chosen on the first open by what the operator may do.
    pub scope: Option<Scope>,
    pub view: ListView<QueueRow>,
    /// The project opened with Enter (Esc goes back to the list).
    pub project: Option<Box<crate::store::trading::view::ProjectView>>,
    /// The project asked for and not yet answered.
    pub opening: Option<String>,
}

/// The tabs an operator sees: clerks have their own projects, readers only the lists.
pub fn visible_scopes(app: &App) -> Vec<Scope> {
    let Some(op) = &app.session else {
        return vec![];
    };
    if allows(&op.roles, Permission::RegisterTrade) {
        Scope::ALL.to_vec()
    } else {
        vec![Scope::Unclaimed, Scope::All]
    }
}

fn may_claim(app: &App) -> bool {
    app.session
        .as_ref()
        .is_some_and(|op| allows(&op.roles, Permission::RegisterTrade))
}

impl App {
    /// The current tab's rows (the first open picks the tab: the pool for clerks, all for
    /// readers), keeping the selection where it is.
    pub(crate) fn reload_trading(&mut self) -> Vec<Task> {
        let Some(op) = &self.session else {
            return vec![];
        };
        let viewer = op.operator_id;
        let scope = match self.trading.scope {
            Some(s) => s,
            None => {
                let s = if may_claim(self) {
                    Scope::Unclaimed
                } else {
                    Scope::All
                };
                self.trading.scope = Some(s);
                s
            }
        };
        self.trading.view.loading = true;
        vec![Task::LoadTrading { viewer, scope }]
    }

    /// Rows of a tab: an answer for a tab left meanwhile is dropped.
    pub(crate) fn trading_loaded(
        &mut self,
        scope: Scope,
        result: Result<Vec<QueueRow>, TaskError>,
    ) {
        if self.trading.scope == Some(scope) {
            self.trading.view.loaded(result);
        }
    }

    pub(crate) fn switch_trade_scope(&mut self, step: isize) -> Vec<Task> {
        let scopes = visible_scopes(self);
        if scopes.is_empty() {
            return vec![];
        }
        let pos = self
            .trading
            .scope
            .and_then(|s| scopes.iter().position(|x| *x == s))
            .unwrap_or(0);
        let n = scopes.len() as isize;
        self.trading.scope = Some(scopes[((pos as isize + step).rem_euclid(n)) as usize]);
        self.trading.view = ListView::default();
        self.reload_trading()
    }

    pub(crate) fn open_project(&mut self) -> Vec<Task> {
        let (Some(op), Some(row)) = (&self.session, self.trading.view.selected_row()) else {
            return vec![];
        };
        let code = row.project_code.clone();
        self.trading.opening = Some(code.clone());
        vec![Task::LoadProject {
            viewer: op.operator_id,
            code,
        }]
    }

    /// The project on screen again (a change elsewhere).
    pub(crate) fn reload_project(&mut self) -> Vec<Task> {
        let (Some(op), Some(p)) = (&self.session, &self.trading.project) else {
            return vec![];
        };
        vec![Task::LoadProject {
            viewer: op.operator_id,
            code: p.head.project_code.clone(),
        }]
    }

    /// A project's answer: shown if it is the one asked for or the one on screen.
    pub(crate) fn project_loaded(
        &mut self,
        code: String,
        result: Result<Box<crate::store::trading::view::ProjectView>, TaskError>,
    ) {
        let wanted = self.trading.opening.as_deref() == Some(code.as_str())
            || self
                .trading
                .project
                .as_ref()
                .is_some_and(|p| p.head.project_code == code);
        if !wanted {
            return;
        }
        self.trading.opening = None;
        match result {
            Ok(p) => self.trading.project = Some(p),
            Err(e) => {
                self.flash = Some(Msg::new(Level::Error, "list.error").arg("error", e.message));
            }
        }
    }

    pub(crate) fn claim_trade(&mut self) -> Vec<Task> {
        let (Some(op), Some(row)) = (&self.session, self.trading.view.selected_row()) else {
            return vec![];
        };
        if !may_claim(self) {
            self.flash = Some(Msg::new(Level::Warn, "trading.claim_forbidden"));
            return vec![];
        }
        vec![Task::ClaimTrade {
            viewer: op.operator_id,
            project: row.project_code.clone(),
        }]
    }

    pub(crate) fn give_back_trade(&mut self) -> Vec<Task> {
        let (Some(op), Some(row)) = (&self.session, self.trading.view.selected_row()) else {
            return vec![];
        };
        // The store refuses it too; saying so here spares a round trip and names the reason.
        if row.holder.as_deref() != Some(op.code.as_str()) {
            self.flash = Some(Msg::new(Level::Warn, "trading.not_yours"));
            return vec![];
        }
        vec![Task::GiveBackTrade {
            viewer: op.operator_id,
            project: row.project_code.clone(),
            version: row.version,
        }]
    }

    pub(crate) fn trade_claim_done(
        &mut self,
        claim: bool,
        result: Result<bool, TaskError>,
    ) -> Vec<Task> {
        self.flash = Some(match &result {
            Ok(true) if claim => Msg::new(Level::Info, "trading.claim_ok"),
            Ok(true) => Msg::new(Level::Info, "trading.release_ok"),
            Ok(false) => Msg::new(Level::Warn, "trading.claim_taken"),
            Err(e) if e.forbidden => Msg::new(Level::Error, "trading.claim_forbidden"),
            Err(e) if e.message.contains("changed by someone else") => {
                Msg::new(Level::Warn, "trading.stale")
            }
            Err(e) if e.message.contains("not held by you") => {
                Msg::new(Level::Warn, "trading.not_yours")
            }
            Err(e) => Msg::new(Level::Error, "list.error").arg("error", e.message.clone()),
        });
        // Whatever happened, show the list as it now is.
        self.reload_trading()
    }
}

fn scope_key(s: Scope) -> &'static str {
    match s {
        Scope::Mine => "trading.scope.mine",
        Scope::Unclaimed => "trading.scope.unclaimed",
        Scope::All => "trading.scope.all",
    }
}

/// "12-10 09:00 投标截止": the date at the center and what it is.
fn next_text(lang: Lang, r: &QueueRow) -> String {
    match (&r.next_at, &r.next_what) {
        (Some(at), Some(what)) => format!(
            "{} {}",
            crate::domain::time::zone::at_center(at).format("%m-%d %H:%M"),
            tr(lang, &format!("trading.next.{what}"))
        ),
        _ => "—".into(),
    }
}

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    if let Some(p) = &app.trading.project {
        project::draw(f, app, p, area);
        return;
    }
    let lang = app.lang;
    let t = &app.theme;
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let mut spans = vec![];
    for s in visible_scopes(app) {
        let style = if Some(s) == app.trading.scope {
            t.selection
        } else {
            t.muted
        };
        spans.push(Span::styled(format!(" {} ", tr(lang, scope_key(s))), style));
        spans.push(Span::raw(" "));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), tabs);

    let view = &app.trading.view;
    let title = match &view.rows {
        Some(rows) => format!(
            " {} · {} ",
            tr(lang, "screen.trading"),
            trf(lang, "trading.count", &[("count", &rows.len().to_string())])
        ),
        None => format!(" {} ", tr(lang, "screen.trading")),
    };
    let wide = area.width >= WIDE;
    let mut widths = vec![Constraint::Length(12)];
    let mut headers = vec!["trading.code"];
    if wide {
        widths.push(Constraint::Length(4));
        headers.push("trading.line");
    }
    widths.push(Constraint::Length(8));
    headers.push("trading.stage");
    if wide {
        widths.extend([
            Constraint::Length(15),
            Constraint::Length(4),
            Constraint::Length(4),
        ]);
        headers.extend(["trading.amount", "trading.must", "trading.sections"]);
    }
    widths.extend([
        Constraint::Length(23),
        Constraint::Length(10),
        Constraint::Min(10),
    ]);
    headers.extend(["trading.next", "trading.holder", "trading.title"]);
    let soon = app.now.with_timezone(&Utc) + chrono::Duration::hours(SOON_HOURS);
    crate::ui::screens::draw_list(
        f,
        app,
        body,
        view,
        crate::ui::screens::ListLayout {
            title,
            headers: &headers,
            widths: &widths,
        },
        |_, p| {
            let mut cells = vec![Cell::from(p.project_code.clone())];
            if wide {
                cells.push(Cell::from(p.line.clone()));
            }
            cells.push(Cell::from(tr(lang, &format!("trading.stage.{}", p.stage))));
            if wide {
                cells.extend([
                    Cell::from(format!("{:>15}", yuan(p.amount_fen))),
                    Cell::from(if p.must_enter {
                        tr(lang, "trading.must.yes")
                    } else {
                        tr(lang, "trading.must.no")
                    }),
                    Cell::from(format!("{:>3}", p.sections)),
                ]);
            }
            cells.extend([
                Cell::from(next_text(lang, p)),
                Cell::from(p.holder.clone().unwrap_or_default()),
                Cell::from(format!("{} · {}", p.title, p.tenderer_name)),
            ]);
            let style = if p.next_at.is_some_and(|at| at < soon) {
                t.warn
            } else {
                t.text
            };
            Row::new(cells).style(style)
        },
    );
}
