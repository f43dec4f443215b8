//! A case's clock from the queue and the case view: `p` suspends it for a special procedure
//! (特别程序: the kind cycles with Tab on the reason line) or resumes it; `e` extends the limit
//! once (chief representative: "days reason" on the line).

use crate::domain::accounts::permission::{Permission, allows};
use crate::store::time::limits::SUSPENSION_KINDS;
use crate::ui::action::{Task, TaskError};
use crate::ui::app::{App, Level, Msg};
use crate::ui::widgets::filter_line::{FilterLine, LinePurpose};

impl App {
    /// The case the keys act on: the open case view's, else the selected row's —
    /// (case id, version, suspended).
    fn clock_case(&self) -> Option<(i64, i32, bool)> {
        if let Some(c) = &self.queue.case {
            return match &c.detail {
                Some(Ok(d)) if d.row.status == "accepted" => {
                    Some((d.row.case_id, d.row.version, d.row.suspended))
                }
                _ => None,
            };
        }
        let row = self.queue.view.selected_row()?;
        (row.status == "accepted").then_some((row.case_id, row.version, row.suspended))
    }

    /// `p`: a running clock asks for the special procedure and its reason; a stopped one resumes.
    pub(crate) fn suspend_or_resume(&mut self) -> Vec<Task> {
        let Some(op) = &self.session else {
            return vec![];
        };
        let viewer = op.operator_id;
        match self.clock_case() {
            None => {
                self.flash = Some(Msg::new(Level::Warn, "clock.not_open"));
                vec![]
            }
            Some((case_id, version, true)) => vec![Task::Resume {
                viewer,
                case_id,
                version,
            }],
            Some((case_id, version, false)) => {
                self.filter_line = Some(FilterLine::for_purpose(LinePurpose::Suspend {
                    case_id,
                    version,
                    kind: 0,
                }));
                vec![]
            }
        }
    }

    /// `e`: the chief representative extends the limit; the line asks for "days reason".
    pub(crate) fn extend_selected(&mut self) -> Vec<Task> {
        let may = self
            .session
            .as_ref()
            .is_some_and(|o| allows(&o.roles, Permission::ExtendLimit));
        if !may {
            self.flash = Some(Msg::new(Level::Warn, "clock.extend_forbidden"));
            return vec![];
        }
        match self.clock_case() {
            Some((case_id, version, _)) => {
                self.filter_line = Some(FilterLine::for_purpose(LinePurpose::Extend {
                    case_id,
                    version,
                }));
            }
            None => self.flash = Some(Msg::new(Level::Warn, "clock.not_open")),
        }
        vec![]
    }

    /// Tab on the suspension line: the next kind of special procedure.
    pub(crate) fn next_suspension_kind(&mut self) -> bool {
        if let Some(fl) = &mut self.filter_line
            && let LinePurpose::Suspend { kind, .. } = &mut fl.purpose
        {
            *kind = (*kind + 1) % SUSPENSION_KINDS.len();
            return true;
        }
        false
    }

    /// Enter on the extension line: "5 需专家论证" — the days first, then the reason. A line
    /// that does not start with a number stays open with a message, nothing lost.
    pub(crate) fn submit_extension(
        &mut self,
        fl: FilterLine,
        case_id: i64,
        version: i32,
    ) -> Vec<Task> {
        let Some(op) = &self.session else {
            return vec![];
        };
        let viewer = op.operator_id;
        let text = fl.text();
        let mut parts = text.trim().splitn(2, char::is_whitespace);
        let days = parts.next().and_then(|d| d.parse::<i32>().ok());
        let reason = parts.next().unwrap_or("").trim().to_string();
        match days {
            Some(days) => vec![Task::Extend {
                viewer,
                case_id,
                version,
                days,
                reason,
            }],
            None => {
                self.flash = Some(Msg::new(Level::Error, "clock.extend_format"));
                self.filter_line = Some(fl);
                vec![]
            }
        }
    }

    pub(crate) fn clock_changed(&mut self, result: Result<&'static str, TaskError>) -> Vec<Task> {
        self.flash = Some(match &result {
            Ok(key) => Msg::new(Level::Info, key),
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
}
