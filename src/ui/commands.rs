//! Commands: what each keymap command does, and opening and reloading screens.

use crate::domain::accounts::permission::{Permission, allows};
use crate::i18n::Lang;
use crate::ui::action::{FeeAction, Task};
use crate::ui::app::{App, Level, ListView, Msg, Screen};
use crate::ui::keymap::Command;
use crate::ui::screens::accounts::login::LoginForm;
use crate::ui::screens::cases::intake::IntakeForm;
use crate::ui::screens::cases::queue::QueueState;
use crate::ui::screens::catalogue::CatalogueState;
use crate::ui::widgets::command_line::{CommandLine, Parsed};
use crate::ui::widgets::filter_line::{FilterLine, LinePurpose};

/// Rows moved by PgUp/PgDn.
const PAGE: isize = 10;

impl App {
    /// Carries out a command from the keymap or the command line.
    pub fn run(&mut self, command: Command) -> Vec<Task> {
        self.dirty = true;
        match command {
            Command::Help => {
                self.help = if self.help.is_some() { None } else { Some(0) };
                vec![]
            }
            Command::CommandLine => {
                if self.session.is_some() && !self.locked {
                    self.command_line = Some(CommandLine::new());
                } else {
                    self.flash = Some(Msg::new(Level::Warn, "cmdline.sign_in_first"));
                }
                vec![]
            }
            Command::Back => {
                if self.command_line.take().is_some() || self.filter_line.take().is_some() {
                    return vec![];
                }
                if self.screen == Screen::Catalogue && self.catalogue.guide.take().is_some() {
                    return vec![];
                }
                if self.screen == Screen::Queue && self.queue.case.take().is_some() {
                    return vec![];
                }
                if self.screen == Screen::Trading && self.trading.project.take().is_some() {
                    return vec![];
                }
                self.flash = None;
                if self.locked {
                    // The screen behind the lock stays exactly as it was.
                    return vec![];
                }
                if let Some(prev) = self.history.pop() {
                    self.screen = prev;
                }
                vec![]
            }
            Command::Quit => {
                if self.has_unsaved_input() {
                    self.confirm_quit = Some(true);
                } else {
                    self.should_quit = true;
                }
                vec![]
            }
            Command::ToggleLang => {
                self.lang = match self.lang {
                    Lang::ZhCn => Lang::En,
                    Lang::En => Lang::ZhCn,
                };
                self.flash = Some(Msg::new(Level::Info, "flash.lang"));
                vec![]
            }
            Command::Lock => match &self.session {
                Some(op) if !self.locked => {
                    let id = op.operator_id;
                    self.lock(id, false)
                }
                _ => vec![],
            },
            Command::Logout => {
                let Some(op) = self.session.take() else {
                    return vec![];
                };
                self.locked = false;
                self.command_line = None;
                self.login = LoginForm::new();
                self.departments = ListView::default();
                self.audit = ListView::default();
                self.board = ListView::default();
                self.notices = ListView::default();
                self.unread = 0;
                self.access = ListView::default();
                self.report = ListView::default();
                self.report_month = None;
                self.recon_date = None;
                self.recon_all = vec![];
                self.recon_totals = Default::default();
                self.routing = Default::default();
                self.trading = Default::default();
                self.deposits = Default::default();
                self.bulletins = ListView::default();
                self.recon = ListView::default();
                self.lookup = None;
                self.password = None;
                self.queue = QueueState::default();
                self.catalogue = CatalogueState::default();
                self.intake = IntakeForm::default();
                self.filter_line = None;
                self.flash = Some(Msg::new(Level::Info, "flash.signed_out"));
                vec![Task::RecordSession {
                    operator_id: op.operator_id,
                    action: "session.logout",
                }]
            }
            Command::NextField | Command::PrevField => {
                self.login.toggle_focus(self.locked);
                vec![]
            }
            Command::Submit => {
                if let Some(c) = &self.command_line {
                    return self.submit_command_line(c.parse());
                }
                if let Some(fl) = self.filter_line.take() {
                    return match fl.purpose {
                        LinePurpose::Filter => self.apply_filter(fl.text()),
                        LinePurpose::Reassign { case_id, version } => match &self.session {
                            Some(op) => vec![Task::Reassign {
                                viewer: op.operator_id,
                                case_id,
                                version,
                                to_code: fl.text(),
                            }],
                            None => vec![],
                        },
                        LinePurpose::Suspend {
                            case_id,
                            version,
                            kind,
                        } => match &self.session {
                            // An empty reason is refused by the store, with a message.
                            Some(op) => vec![Task::Suspend {
                                viewer: op.operator_id,
                                case_id,
                                version,
                                kind: crate::store::time::limits::SUSPENSION_KINDS[kind],
                                reason: fl.text(),
                            }],
                            None => vec![],
                        },
                        LinePurpose::Reopen { date } => match &self.session {
                            // An empty reason is refused by the store, with a message.
                            Some(op) => vec![Task::ReopenDay {
                                viewer: op.operator_id,
                                date,
                                reason: fl.text(),
                            }],
                            None => vec![],
                        },
                        LinePurpose::LinkReceipt { receipt_id } => {
                            self.fee_action(FeeAction::Link {
                                receipt_id,
                                line: fl.text(),
                            })
                        }
                        LinePurpose::Refund { receipt_id } => self.fee_action(FeeAction::Refund {
                            receipt_id,
                            reason: fl.text(),
                        }),
                        LinePurpose::Annotate { date, on } => self.fee_action(FeeAction::Note {
                            date,
                            on,
                            text: fl.text(),
                        }),
                        LinePurpose::Route(step) => self.route_line(step, fl.text()),
                        LinePurpose::Reveal { case_id } => match &self.session {
                            // An empty reason is refused by the store, with a message.
                            Some(op) => vec![Task::Reveal {
                                viewer: op.operator_id,
                                case_id,
                                reason: fl.text(),
                            }],
                            None => vec![],
                        },
                        LinePurpose::Extend { case_id, version } => {
                            self.submit_extension(fl, case_id, version)
                        }
                        LinePurpose::Acknowledge { card_id } => match &self.session {
                            // An empty comment is refused by the store, with a message.
                            Some(op) => vec![Task::Acknowledge {
                                viewer: op.operator_id,
                                card_id,
                                comment: fl.text(),
                            }],
                            None => vec![],
                        },
                        LinePurpose::Reason { case_id, version } => {
                            let reason = fl.text();
                            match &self.session {
                                // An empty reason is refused by the store, with a message.
                                Some(op) => vec![Task::Decide {
                                    viewer: op.operator_id,
                                    case_id,
                                    version,
                                    approve: false,
                                    reason,
                                }],
                                None => vec![],
                            }
                        }
                    };
                }
                if self.session.is_none() || self.locked {
                    return self.login.submit(self.locked).into_iter().collect();
                }
                vec![]
            }
            Command::Complete => {
                if let Some(c) = &mut self.command_line {
                    c.complete();
                } else {
                    self.next_suspension_kind();
                }
                vec![]
            }
            Command::Up => self.move_selection(-1),
            Command::Down => self.move_selection(1),
            Command::PageUp => self.move_selection(-PAGE),
            Command::PageDown => self.move_selection(PAGE),
            Command::Top => self.move_selection(isize::MIN / 2),
            Command::Bottom => self.move_selection(isize::MAX / 2),
            Command::Refresh => self.reload(),
            Command::OpenHome => self.open(Screen::Home),
            Command::OpenDepartments => self.open(Screen::Departments),
            Command::OpenAudit => self.open(Screen::Audit),
            Command::OpenTrading => self.open(Screen::Trading),
            Command::OpenDeposits => self.open(Screen::Deposits),
            Command::OpenBulletins => self.open(Screen::Bulletins),
            Command::PrepareRefund if self.screen == Screen::Deposits => self.prepare_refund(),
            Command::PrepareRefund => vec![],
            Command::OpenQueue => self.open(Screen::Queue),
            Command::OpenCatalogue => self.open(Screen::Catalogue),
            Command::OpenOverdue => self.open(Screen::Overdue),
            Command::OpenNotices => self.open(Screen::Notices),
            Command::Acknowledge if self.screen == Screen::Notices => self.acknowledge_selected(),
            Command::Suspend if self.screen == Screen::Queue => self.suspend_or_resume(),
            Command::Extend if self.screen == Screen::Queue => self.extend_selected(),
            Command::Suspend | Command::Extend => vec![],
            Command::Lookup => self.open_lookup(),
            Command::ChangePassword => self.open_password(),
            Command::OpenAccess => self.open(Screen::Access),
            Command::OpenReport => self.open(Screen::Report),
            Command::PrevPeriod if self.screen == Screen::Report => self.move_report_month(false),
            Command::NextPeriod if self.screen == Screen::Report => self.move_report_month(true),
            Command::PrevPeriod if self.screen == Screen::Reconcile => self.move_recon_day(false),
            Command::NextPeriod if self.screen == Screen::Reconcile => self.move_recon_day(true),
            Command::PrevPeriod | Command::NextPeriod => vec![],
            Command::OpenReconcile => self.open(Screen::Reconcile),
            Command::CloseDay if self.screen == Screen::Reconcile => self.close_recon_day(),
            Command::ReopenDay if self.screen == Screen::Reconcile => self.reopen_recon_day(),
            Command::LinkReceipt if self.screen == Screen::Reconcile => self.start_link(),
            Command::MarkRefund if self.screen == Screen::Reconcile => self.start_refund(),
            Command::Annotate if self.screen == Screen::Reconcile => self.start_annotate(),
            Command::ToggleTotals if self.screen == Screen::Reconcile => {
                self.recon_totals_shown = !self.recon_totals_shown;
                self.dirty = true;
                vec![]
            }
            Command::CloseDay
            | Command::ReopenDay
            | Command::LinkReceipt
            | Command::MarkRefund
            | Command::Annotate
            | Command::ToggleTotals => vec![],
            Command::Reveal if self.screen == Screen::Queue => self.reveal_current(),
            Command::Reveal => vec![],
            Command::Acknowledge => vec![],
            Command::OpenIntake => {
                let may = self
                    .session
                    .as_ref()
                    .is_some_and(|o| allows(&o.roles, Permission::ReceiveCase));
                if !may {
                    self.flash = Some(Msg::new(Level::Warn, "intake.forbidden"));
                    return vec![];
                }
                self.open(Screen::Intake)
            }
            Command::Filter => {
                let current = match self.screen {
                    Screen::Queue => self.queue.filter.text.clone(),
                    Screen::Catalogue => self.catalogue.filter.text.clone(),
                    _ => return vec![],
                };
                self.filter_line = Some(FilterLine::new(current.as_deref()));
                vec![]
            }
            Command::Open => match self.screen {
                Screen::Catalogue if self.catalogue.guide.is_none() => self.open_guide(),
                Screen::Queue if self.queue.case.is_none() => self.open_case(),
                Screen::Overdue => self.open_board_department(),
                Screen::Notices => self.open_notice_case(),
                Screen::Trading if self.trading.project.is_none() => self.open_project(),
                _ => vec![],
            },
            Command::Approve if self.screen == Screen::Routing => self.route_yes(),
            Command::Approve if self.screen == Screen::Deposits => self.approve_refund(),
            Command::Disapprove if self.screen == Screen::Routing => self.route_no(),
            Command::Claim if self.screen == Screen::Routing => self.route_claim(),
            Command::RequestCorrection if self.screen == Screen::Routing => self.route_correction(),
            Command::Supplement if self.screen == Screen::Routing => self.route_supplement(),
            Command::Withdraw if self.screen == Screen::Routing => self.route_withdraw(),
            Command::DeliverAtWindow if self.screen == Screen::Routing => self.route_deliver(false),
            Command::DeliverByPost if self.screen == Screen::Routing => self.route_deliver(true),
            Command::RequestCorrection
            | Command::Supplement
            | Command::Withdraw
            | Command::DeliverAtWindow
            | Command::DeliverByPost => vec![],
            Command::OpenRouting => self.open(Screen::Routing),
            Command::Approve if self.screen == Screen::Queue => self.approve(),
            Command::Reassign if self.screen == Screen::Queue => self.reassign_selected(),
            Command::Reassign => vec![],
            Command::Disapprove if self.screen == Screen::Queue => self.disapprove(),
            Command::Approve | Command::Disapprove => vec![],
            Command::Claim if self.screen == Screen::Queue => self.claim_selected(),
            Command::Release if self.screen == Screen::Queue => self.release_selected(),
            Command::NextQueue if self.screen == Screen::Queue => self.switch_queue(1),
            Command::PrevQueue if self.screen == Screen::Queue => self.switch_queue(-1),
            Command::Claim if self.screen == Screen::Trading => self.claim_trade(),
            Command::Release if self.screen == Screen::Trading => self.give_back_trade(),
            Command::NextQueue if self.screen == Screen::Trading => self.switch_trade_scope(1),
            Command::PrevQueue if self.screen == Screen::Trading => self.switch_trade_scope(-1),
            Command::Claim | Command::Release | Command::NextQueue | Command::PrevQueue => vec![],
        }
    }

    fn submit_command_line(&mut self, parsed: Parsed) -> Vec<Task> {
        match parsed {
            Parsed::Empty => {
                self.command_line = None;
                vec![]
            }
            Parsed::Run(command) => {
                self.command_line = None;
                self.run(command)
            }
            Parsed::Lang(lang) => {
                self.command_line = None;
                self.lang = lang;
                self.flash = Some(Msg::new(Level::Info, "flash.lang"));
                vec![]
            }
            Parsed::Unknown(name) => {
                // Keep the command line open with what was typed, so it can be corrected.
                if let Some(c) = &mut self.command_line {
                    c.error = Some(Msg::new(Level::Error, "cmdline.unknown").arg("name", name));
                }
                vec![]
            }
        }
    }

    fn move_selection(&mut self, delta: isize) -> Vec<Task> {
        match self.screen {
            Screen::Departments => self.departments.move_by(delta),
            Screen::Audit => self.audit.move_by(delta),
            Screen::Trading => self.trading.view.move_by(delta),
            Screen::Deposits => self.deposits.view.move_by(delta),
            Screen::Bulletins => self.bulletins.move_by(delta),
            Screen::Overdue => self.board.move_by(delta),
            Screen::Notices => self.notices.move_by(delta),
            Screen::Access => self.access.move_by(delta),
            Screen::Report => self.report.move_by(delta),
            Screen::Reconcile => self.recon.move_by(delta),
            Screen::Routing => {
                self.routing.list.move_by(delta);
                return self.load_route();
            }
            Screen::Queue => {
                self.queue.view.move_by(delta);
                return self.queue_more();
            }
            Screen::Catalogue => match &mut self.catalogue.guide {
                Some(g) => {
                    let s = g.scroll as isize + delta.clamp(-100, 100);
                    g.scroll = s.clamp(0, 500) as u16;
                }
                None => self.catalogue.view.move_by(delta),
            },
            Screen::Home | Screen::Intake => {}
        }
        vec![]
    }

    /// The `/` filter was submitted: filter the current list on the server.
    fn apply_filter(&mut self, text: String) -> Vec<Task> {
        let text = Some(text.trim().to_string()).filter(|t| !t.is_empty());
        match self.screen {
            Screen::Queue => {
                self.queue.filter.text = text;
                self.queue.view.selected = 0;
                self.reload_queue()
            }
            Screen::Catalogue => {
                self.catalogue.filter.text = text;
                self.catalogue.view.selected = 0;
                self.reload_catalogue()
            }
            _ => vec![],
        }
    }

    fn may_read_audit(&self) -> bool {
        self.session
            .as_ref()
            .is_some_and(|o| allows(&o.roles, Permission::ReadAudit))
    }

    /// Screens this operator may open (the header lists only these).
    pub fn may_open(&self, screen: Screen) -> bool {
        let Some(op) = &self.session else {
            return false;
        };
        match screen {
            Screen::Audit => self.may_read_audit(),
            Screen::Overdue | Screen::Access => self.may_see_board(),
            Screen::Report => self.may_see_board() || self.may_read_audit(),
            Screen::Reconcile => allows(&op.roles, Permission::Reconcile),
            Screen::Intake => allows(&op.roles, Permission::ReceiveCase),
            Screen::Routing => allows(&op.roles, Permission::WorkCase),
            Screen::Trading => allows(&op.roles, Permission::ReadTrading),
            Screen::Deposits => allows(&op.roles, Permission::ReadDeposits),
            _ => true,
        }
    }

    pub fn open(&mut self, screen: Screen) -> Vec<Task> {
        if self.session.is_none() || self.locked {
            return vec![];
        }
        if !self.may_open(screen) {
            self.flash = Some(Msg::new(
                Level::Warn,
                match screen {
                    Screen::Overdue => "board.forbidden",
                    Screen::Intake => "intake.forbidden",
                    Screen::Trading => "trading.forbidden",
                    Screen::Deposits => "deposits.forbidden",
                    _ => "audit.forbidden",
                },
            ));
            return vec![];
        }
        self.flash = None;
        if screen != self.screen {
            self.history.push(self.screen);
            self.screen = screen;
        }
        self.reload()
    }

    /// Starts loading the current screen's rows.
    pub(crate) fn reload(&mut self) -> Vec<Task> {
        match self.screen {
            Screen::Home => vec![],
            Screen::Intake => self.open_intake(),
            Screen::Queue => self.reload_queue(),
            Screen::Catalogue => self.reload_catalogue(),
            Screen::Departments => {
                self.departments.loading = true;
                vec![Task::LoadDepartments]
            }
            Screen::Overdue => self.reload_board(),
            Screen::Notices => self.reload_notices(),
            Screen::Report => self.reload_report(),
            Screen::Reconcile => self.reload_reconciliation(),
            Screen::Routing => self.reload_routing(),
            Screen::Access => match &self.session {
                Some(op) => {
                    self.access.loading = true;
                    vec![Task::LoadAccess {
                        viewer: op.operator_id,
                    }]
                }
                None => vec![],
            },
            Screen::Trading => self.reload_trading(),
            Screen::Deposits => self.reload_deposits(),
            Screen::Bulletins => {
                self.bulletins.loading = true;
                vec![Task::LoadBulletins]
            }
            Screen::Audit => match &self.session {
                Some(op) => {
                    self.audit.loading = true;
                    vec![Task::LoadAudit {
                        viewer: op.operator_id,
                    }]
                }
                None => vec![],
            },
        }
    }
}
