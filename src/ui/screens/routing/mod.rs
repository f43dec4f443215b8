//! **routing** — the screens. Parallel approval (并联审批): stages of department branches, the join and
//! the lead department's decision.
//!
//! Rules kept: Branches decided at the same instant join exactly once; the state machine in
//! domain::routing decides what follows.
//! Docs: docs/routing.md.
//!
//! The routing screen (并联审批): my department's open branches and the cases waiting for its
//! decision as lead department, and, for the selected one, the case's route drawn as a diagram —
//! a column per stage, a box per department with its state, assignee and days left, then the
//! join and the lead decision. `c` claims a branch; `y` agrees (or, on a lead row, approves with
//! the result document number); `x` disagrees or disapproves with a reason; `e` asks for the
//! applicant's missing materials. At the window: `s` records the supplements, `w` records a
//! withdrawal with its reason, `d` / `D` deliver the result at the window / by post.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row};

use crate::domain::routing::{LeadVerdict, Verdict};
use crate::i18n::{Lang, tr, trf};
use crate::store::routing::view::{BranchBox, BranchRow, RouteView};
use crate::ui::action::{RouteStep, Task, TaskError};
use crate::ui::app::{App, Level, Msg};
use crate::ui::list_view::ListView;
use crate::ui::widgets::columns::{Col, ellipsize, widest, widths};
use crate::ui::widgets::filter_line::{FilterLine, LinePurpose};

#[derive(Default)]
pub struct RoutingState {
    pub list: ListView<BranchRow>,
    /// The route of the selected row's case, once loaded.
    pub route: Option<RouteView>,
    pub route_error: Option<TaskError>,
    /// The line last sent, so a refused step gives back what was typed.
    pub sent: Option<(RouteLine, String)>,
}

/// What the line under the screen is typed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteLine {
    Disagree {
        branch_id: i64,
    },
    Correction {
        branch_id: i64,
    },
    /// "DOCUMENT-NO" or, over a disagreement, "DOCUMENT-NO responsibility…".
    Approve {
        case_id: i64,
        disagreed: bool,
    },
    Disapprove {
        case_id: i64,
    },
    Withdraw {
        case_id: i64,
    },
}

impl RouteLine {
    pub fn prompt_key(self) -> &'static str {
        match self {
            RouteLine::Disagree { .. } => "route.disagree_prompt",
            RouteLine::Correction { .. } => "route.correction_prompt",
            RouteLine::Approve {
                disagreed: false, ..
            } => "route.approve_prompt",
            RouteLine::Approve {
                disagreed: true, ..
            } => "route.approve_anyway_prompt",
            RouteLine::Disapprove { .. } => "route.disapprove_prompt",
            RouteLine::Withdraw { .. } => "route.withdraw_prompt",
        }
    }
}

impl App {
    fn routing_viewer(&self) -> Option<i64> {
        self.session.as_ref().map(|o| o.operator_id)
    }

    pub(crate) fn reload_routing(&mut self) -> Vec<Task> {
        let Some(viewer) = self.routing_viewer() else {
            return vec![];
        };
        self.routing.list.loading = true;
        vec![Task::LoadRouting { viewer }]
    }

    /// The route of the selected row's case, unless it is the one shown.
    pub(crate) fn load_route(&mut self) -> Vec<Task> {
        let (Some(viewer), Some(row)) = (self.routing_viewer(), self.routing.list.selected_row())
        else {
            self.routing.route = None;
            return vec![];
        };
        let case_id = row.case_id;
        vec![Task::LoadRoute { viewer, case_id }]
    }

    pub(crate) fn route_loaded(&mut self, case_id: i64, result: Result<RouteView, TaskError>) {
        // An answer for a row no longer selected is dropped.
        if self.routing.list.selected_row().map(|r| r.case_id) != Some(case_id) {
            return;
        }
        match result {
            Ok(v) => {
                self.routing.route = Some(v);
                self.routing.route_error = None;
            }
            Err(e) => self.routing.route_error = Some(e),
        }
    }

    pub(crate) fn route_changed(&mut self, result: Result<&'static str, TaskError>) -> Vec<Task> {
        let sent = self.routing.sent.take();
        self.flash = Some(match &result {
            Ok(key) => Msg::new(Level::Info, key),
            Err(e) if e.forbidden => Msg::new(Level::Error, "list.forbidden"),
            Err(e) => Msg::new(Level::Error, "action.refused").arg("error", e.message.clone()),
        });
        // Refused: the line comes back with everything typed, to correct and send again.
        if let (Err(_), Some((line, text))) = (&result, sent) {
            self.filter_line = Some(FilterLine::with_purpose(
                Some(&text),
                LinePurpose::Route(line),
            ));
        }
        let mut tasks = self.reload_routing();
        tasks.extend(self.load_route());
        tasks
    }

    fn step(&self, step: RouteStep) -> Vec<Task> {
        match self.routing_viewer() {
            Some(viewer) => vec![Task::RouteStep { viewer, step }],
            None => vec![],
        }
    }

    fn selected_route_row(&self) -> Option<BranchRow> {
        self.routing.list.selected_row().cloned()
    }

    /// `c`: claim the selected branch.
    pub(crate) fn route_claim(&mut self) -> Vec<Task> {
        match self.selected_route_row().and_then(|r| r.branch_id) {
            Some(branch_id) => self.step(RouteStep::Claim { branch_id }),
            None => vec![],
        }
    }

    /// `y`: agree on a branch; approve on a lead row (the document number is asked).
    pub(crate) fn route_yes(&mut self) -> Vec<Task> {
        let Some(row) = self.selected_route_row() else {
            return vec![];
        };
        match row.branch_id {
            Some(branch_id) => self.step(RouteStep::Decide {
                branch_id,
                verdict: Verdict::Agree,
            }),
            None if !is_lead(&row) => self.not_here(),
            None => {
                self.filter_line = Some(FilterLine::for_purpose(LinePurpose::Route(
                    RouteLine::Approve {
                        case_id: row.case_id,
                        disagreed: row.state == "lead_disagreed",
                    },
                )));
                vec![]
            }
        }
    }

    /// `x`: disagree with a reason; disapprove on a lead row.
    pub(crate) fn route_no(&mut self) -> Vec<Task> {
        let Some(row) = self.selected_route_row() else {
            return vec![];
        };
        let line = match row.branch_id {
            Some(branch_id) => RouteLine::Disagree { branch_id },
            None if !is_lead(&row) => return self.not_here(),
            None => RouteLine::Disapprove {
                case_id: row.case_id,
            },
        };
        self.filter_line = Some(FilterLine::for_purpose(LinePurpose::Route(line)));
        vec![]
    }

    /// `e`: ask for the applicant's missing materials.
    pub(crate) fn route_correction(&mut self) -> Vec<Task> {
        if let Some(branch_id) = self.selected_route_row().and_then(|r| r.branch_id) {
            self.filter_line = Some(FilterLine::for_purpose(LinePurpose::Route(
                RouteLine::Correction { branch_id },
            )));
        }
        vec![]
    }

    fn not_here(&mut self) -> Vec<Task> {
        self.flash = Some(Msg::new(Level::Info, "route.not_here"));
        vec![]
    }

    /// `s`: the applicant's supplements arrived (a case waiting for them).
    pub(crate) fn route_supplement(&mut self) -> Vec<Task> {
        match self.selected_route_row() {
            Some(r) if r.branch_id.is_none() && r.state == "suspended" => {
                self.step(RouteStep::Supplement { case_id: r.case_id })
            }
            _ => self.not_here(),
        }
    }

    /// `w`: the applicant withdraws; the reason is asked.
    pub(crate) fn route_withdraw(&mut self) -> Vec<Task> {
        if let Some(r) = self.selected_route_row() {
            self.filter_line = Some(FilterLine::for_purpose(LinePurpose::Route(
                RouteLine::Withdraw { case_id: r.case_id },
            )));
        }
        vec![]
    }

    /// `d` / `D`: the result delivered at the window / by post.
    pub(crate) fn route_deliver(&mut self, by_post: bool) -> Vec<Task> {
        match self.selected_route_row() {
            Some(r) if matches!(r.state.as_str(), "approved" | "disapproved") => {
                self.step(RouteStep::Deliver {
                    case_id: r.case_id,
                    by_post,
                })
            }
            _ => self.not_here(),
        }
    }

    /// Enter on the line: the step with what was typed (an empty text is refused by the store,
    /// with a message naming the field).
    pub(crate) fn route_line(&mut self, line: RouteLine, text: String) -> Vec<Task> {
        self.routing.sent = Some((line, text.clone()));
        let step = match line {
            RouteLine::Disagree { branch_id } => RouteStep::Decide {
                branch_id,
                verdict: Verdict::Disagree { reason: text },
            },
            RouteLine::Correction { branch_id } => RouteStep::Decide {
                branch_id,
                verdict: Verdict::Correction { missing: text },
            },
            RouteLine::Approve {
                case_id,
                disagreed: false,
            } => RouteStep::Lead {
                case_id,
                verdict: LeadVerdict::Approve { document_no: text },
            },
            RouteLine::Approve {
                case_id,
                disagreed: true,
            } => {
                let t = text.trim();
                let (doc, why) = t.split_once(char::is_whitespace).unwrap_or((t, ""));
                RouteStep::Lead {
                    case_id,
                    verdict: LeadVerdict::ApproveAnyway {
                        document_no: doc.into(),
                        responsibility: why.trim().into(),
                    },
                }
            }
            RouteLine::Disapprove { case_id } => RouteStep::Lead {
                case_id,
                verdict: LeadVerdict::Disapprove { reason: text },
            },
            RouteLine::Withdraw { case_id } => RouteStep::Withdraw {
                case_id,
                reason: text,
            },
        };
        self.step(step)
    }
}

fn is_lead(r: &BranchRow) -> bool {
    matches!(r.state.as_str(), "lead" | "lead_disagreed")
}

fn name(lang: Lang, zh: &str, en: &str) -> String {
    if lang == Lang::ZhCn { zh } else { en }.to_string()
}

/// Days from today to a reply limit, said briefly: "3d left", "2d over".
fn days_left(lang: Lang, today: NaiveDate, due: NaiveDate) -> String {
    let d = (due - today).num_days();
    if d >= 0 {
        trf(lang, "route.left", &[("days", &d.to_string())])
    } else {
        trf(lang, "route.over", &[("days", &(-d).to_string())])
    }
}

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let lang = app.lang;
    let t = &app.theme;
    let list_h = (area.height / 3).max(5);
    let [list_area, route_area] =
        Layout::vertical([Constraint::Length(list_h), Constraint::Min(6)]).areas(area);
    // The cells as text first: the columns are sized from them (issue 14.6), then cut with "…".
    let texts: Vec<[String; 4]> = app
        .routing
        .list
        .rows
        .iter()
        .flatten()
        .map(|r| {
            let what = match r.branch_id {
                Some(_) => trf(
                    lang,
                    "route.branch_of_stage",
                    &[("stage", &r.stage.to_string())],
                ),
                None => tr(lang, &format!("route.state.{}", r.state)),
            };
            [
                r.case_no.clone(),
                name(lang, &r.item_zh, &r.item_en),
                what,
                r.reply_due
                    .map(|d| d.format("%m-%d").to_string())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    let headers = ["route.case", "route.item", "route.what", "route.due"];
    let cols = [
        Col::Fit { min: 8, max: 24 },
        Col::Fill { min: 8 },
        Col::Fit { min: 8, max: 40 },
        Col::Fit { min: 5, max: 8 },
    ];
    let content: Vec<u16> = (0..cols.len())
        .map(|c| {
            let header = tr(lang, headers[c]);
            widest(
                texts
                    .iter()
                    .map(|row| row[c].as_str())
                    .chain([header.as_str()]),
            )
        })
        .collect();
    // Borders (2), the highlight symbol "▶ " (2) and one cell between columns.
    let room = list_area.width.saturating_sub(4 + cols.len() as u16 - 1);
    let w = widths(&cols, &content, room);
    let constraints: Vec<Constraint> = w.iter().map(|&n| Constraint::Length(n)).collect();
    crate::ui::screens::draw_list(
        f,
        app,
        list_area,
        &app.routing.list,
        crate::ui::screens::ListLayout {
            title: format!(" {} ", tr(lang, "route.my_queue")),
            headers: &headers,
            widths: &constraints,
        },
        |i, r| {
            let cells = texts[i]
                .iter()
                .zip(&w)
                .map(|(text, &n)| Cell::from(ellipsize(text, usize::from(n))));
            Row::new(cells.collect::<Vec<_>>()).style(if r.branch_id.is_none() {
                t.warn
            } else {
                t.text
            })
        },
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border);
    let Some(v) = &app.routing.route else {
        let msg = match &app.routing.route_error {
            Some(e) => e.message.clone(),
            None => tr(lang, "route.none_selected"),
        };
        f.render_widget(
            Paragraph::new(Span::styled(format!(" {msg}"), t.muted)).block(block),
            route_area,
        );
        return;
    };
    let title = format!(
        " {} · {} · v{} · {} ",
        v.case_no,
        name(lang, &v.item_zh, &v.item_en),
        v.template_version,
        tr(lang, &format!("route.state.{}", v.state))
    );
    let block = block.title(Span::styled(title, t.title));
    let inner = block.inner(route_area);
    f.render_widget(block, route_area);
    draw_diagram(f, app, v, inner);
}

/// A column per stage and one for the lead decision, each department a three-line box.
fn draw_diagram(f: &mut Frame, app: &App, v: &RouteView, area: Rect) {
    let lang = app.lang;
    let t = &app.theme;
    let columns = v.last_stage.max(1) as usize + 1;
    let cols =
        Layout::horizontal((0..columns).map(|_| Constraint::Ratio(1, columns as u32))).split(area);
    for stage in 1..=v.last_stage.max(1) {
        let col = cols[stage as usize - 1];
        let w = col.width.saturating_sub(3) as usize;
        let mut lines = vec![Line::from(Span::styled(
            ellipsize(
                &trf(lang, "route.stage", &[("stage", &stage.to_string())]),
                w,
            ),
            t.accent,
        ))];
        let boxes: Vec<&BranchBox> = v.branches.iter().filter(|b| b.stage == stage).collect();
        for b in &boxes {
            let style = match b.state.as_str() {
                "agreed" | "deemed_agreed" => t.ok,
                "disagreed" | "correction" => t.warn,
                _ if b.reply_due < v.today => t.danger,
                _ => t.text,
            };
            lines.push(Line::from(Span::styled(
                format!(
                    "┌{}",
                    ellipsize(&name(lang, &b.department_zh, &b.department_en), w)
                ),
                style,
            )));
            let who = b.assignee.clone().unwrap_or_else(|| "—".into());
            lines.push(Line::from(Span::styled(
                format!(
                    "│{}",
                    ellipsize(
                        &format!("{} · {who}", tr(lang, &format!("route.branch.{}", b.state))),
                        w
                    )
                ),
                style,
            )));
            let last = match b.state.as_str() {
                "open" => days_left(lang, v.today, b.reply_due),
                _ => b
                    .opinion
                    .clone()
                    .or_else(|| b.missing.clone())
                    .unwrap_or_default(),
            };
            lines.push(Line::from(Span::styled(
                format!("└{}", ellipsize(&last, w)),
                style,
            )));
        }
        for p in v.planned.iter().filter(|p| p.stage == stage) {
            lines.push(Line::from(Span::styled(
                format!(
                    "┌{}",
                    ellipsize(&name(lang, &p.department_zh, &p.department_en), w)
                ),
                t.muted,
            )));
            lines.push(Line::from(Span::styled(
                format!(
                    "└{}",
                    ellipsize(
                        &trf(
                            lang,
                            "route.waiting",
                            &[("days", &p.reply_days.to_string())]
                        ),
                        w
                    )
                ),
                t.muted,
            )));
        }
        f.render_widget(Paragraph::new(lines), col);
    }
    // The join and the lead department's decision.
    let col = cols[columns - 1];
    let w = col.width.saturating_sub(3) as usize;
    let mut lines = vec![
        Line::from(Span::styled(
            ellipsize(&tr(lang, "route.lead"), w),
            t.accent,
        )),
        Line::from(Span::styled(
            format!("┌{}", ellipsize(&name(lang, &v.lead_zh, &v.lead_en), w)),
            t.text,
        )),
        Line::from(Span::styled(
            format!(
                "└{}",
                ellipsize(&tr(lang, &format!("route.state.{}", v.state)), w)
            ),
            t.text,
        )),
    ];
    for text in [&v.result_document_no, &v.decision_reason, &v.responsibility]
        .into_iter()
        .flatten()
    {
        lines.push(Line::from(Span::styled(
            format!(" {}", ellipsize(text, w)),
            t.muted,
        )));
    }
    if v.deemed_consent {
        lines.push(Line::from(Span::styled(
            ellipsize(&tr(lang, "route.deemed_consent"), w + 1),
            t.muted,
        )));
    }
    f.render_widget(Paragraph::new(lines), col);
}
