//! Application state and its update function. `update` is synchronous and pure with respect to
//! the outside world: it changes state and returns the database tasks to start.

use crate::domain::time::calendar::Thresholds;
use crate::domain::time::zone::CenterTime;
use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::domain::accounts::role::Role;
use crate::i18n::Lang;
use crate::store::accounts::departments::DepartmentRow;
use crate::store::accounts::operators::{LoginOutcome, Operator, Purpose};
use crate::store::audit::AuditEntry;
use crate::store::cases::lookup::Access;
use crate::store::fees::Classified;
use crate::store::time::report::EfficiencyRow;
use crate::store::time::supervision::{BoardRow, NotificationRow};
use crate::ui::action::{Action, DbState, Task, TaskError};
use crate::ui::keymap::{Command, Context, Key, Keymap};
use crate::ui::screens::accounts::login::LoginForm;
use crate::ui::screens::accounts::password::PasswordForm;
use crate::ui::screens::cases::intake::IntakeForm;
use crate::ui::screens::cases::lookup::LookupState;
use crate::ui::screens::cases::queue::QueueState;
use crate::ui::screens::catalogue::CatalogueState;
use crate::ui::theme::Theme;
use crate::ui::widgets::command_line::CommandLine;
use crate::ui::widgets::filter_line::FilterLine;

pub use crate::ui::screen::Screen;

pub use crate::ui::list_view::ListView;
pub use crate::ui::msg::{Level, Msg};

/// What the app needs at start, from configuration.
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub lang: Lang,
    pub theme: Theme,
    pub keymap: Keymap,
    pub idle_lock_minutes: u32,
    pub thresholds: Thresholds,
    /// Shown on the login screen in demo mode: (code, role).
    pub demo_accounts: Vec<(String, Role)>,
    pub demo_password: Option<String>,
}

pub struct App {
    pub lang: Lang,
    pub theme: Theme,
    pub keymap: Keymap,
    pub idle_lock_minutes: u32,
    /// `onewindow serve` only: minutes a locked session may stay idle, after its idle lock,
    /// before the app quits (the server then ends the session). None in the local TUI.
    pub idle_close_minutes: Option<u32>,
    /// When a case turns yellow in the queues.
    pub thresholds: Thresholds,
    pub demo_accounts: Vec<(String, Role)>,
    pub demo_password: Option<String>,

    pub session: Option<Operator>,
    pub screen: Screen,
    pub(crate) history: Vec<Screen>,
    pub login: LoginForm,
    /// Idle lock: the screen behind is kept, hidden, until the password is given again.
    pub locked: bool,
    /// Help overlay open, with its scroll offset.
    pub help: Option<u16>,
    pub command_line: Option<CommandLine>,
    /// Quit confirmation open; true when it warns about unsaved input.
    pub confirm_quit: Option<bool>,
    pub flash: Option<Msg>,

    pub db: DbState,
    /// Seconds the oldest database task has been waiting, from one second on (status bar).
    pub busy_secs: Option<u64>,
    /// Wall clock, for the status bar only.
    pub now: CenterTime,
    /// Monotonic time since start, and when the last input came: the idle lock uses these, so a
    /// clock step (NTP, a changed time zone) neither locks early nor postpones the lock.
    mono: Duration,
    last_input: Duration,

    pub departments: ListView<DepartmentRow>,
    pub audit: ListView<AuditEntry>,
    pub trading: crate::ui::screens::trading::TradingState,
    pub deposits: crate::ui::screens::trading::deposits::DepositsState,
    pub bulletins: ListView<crate::store::trading::notices::NoticeRow>,
    pub board: ListView<BoardRow>,
    pub notices: ListView<NotificationRow>,
    pub routing: crate::ui::screens::routing::RoutingState,
    /// My unread notifications, for the header.
    pub unread: i64,
    pub access: ListView<Access>,
    pub report: ListView<EfficiencyRow>,
    /// The month the report screen shows (its first day); this month until moved.
    pub report_month: Option<chrono::NaiveDate>,
    /// Reconciliation: the day shown, every classified row (for the summary), the exceptions
    /// (the list), and whether the day is closed.
    pub recon_date: Option<chrono::NaiveDate>,
    pub recon_all: Vec<Classified>,
    pub recon: ListView<Classified>,
    pub recon_closed: bool,
    /// Expected against received by department and item; shown instead of the exceptions
    /// while `recon_totals_shown` (`t`).
    pub recon_totals: crate::store::fees::exceptions::DayTotals,
    pub recon_totals_shown: bool,
    /// The lookup palette, open over any screen.
    pub lookup: Option<LookupState>,
    /// "Change my password", open over any screen; forced after a `MustChange` sign-in.
    pub password: Option<PasswordForm>,
    pub queue: QueueState,
    pub catalogue: CatalogueState,
    pub intake: IntakeForm,
    /// The `/` filter line of a list screen, while it is being edited.
    pub filter_line: Option<FilterLine>,

    pub should_quit: bool,
    pub(crate) dirty: bool,
}

impl App {
    pub fn new(cfg: AppConfig, now: CenterTime) -> App {
        App {
            lang: cfg.lang,
            theme: cfg.theme,
            keymap: cfg.keymap,
            idle_lock_minutes: cfg.idle_lock_minutes,
            idle_close_minutes: None,
            thresholds: cfg.thresholds,
            demo_accounts: cfg.demo_accounts,
            demo_password: cfg.demo_password,
            session: None,
            screen: Screen::Home,
            history: vec![],
            login: LoginForm::new(),
            locked: false,
            help: None,
            command_line: None,
            confirm_quit: None,
            flash: None,
            db: DbState::Connecting,
            busy_secs: None,
            now,
            mono: Duration::ZERO,
            last_input: Duration::ZERO,
            departments: ListView::default(),
            audit: ListView::default(),
            trading: Default::default(),
            deposits: Default::default(),
            bulletins: ListView::default(),
            board: ListView::default(),
            notices: ListView::default(),
            routing: Default::default(),
            unread: 0,
            access: ListView::default(),
            report: ListView::default(),
            report_month: None,
            recon_date: None,
            recon_all: vec![],
            recon: ListView::default(),
            recon_closed: false,
            recon_totals: Default::default(),
            recon_totals_shown: false,
            lookup: None,
            password: None,
            queue: QueueState::default(),
            catalogue: CatalogueState::default(),
            intake: IntakeForm::default(),
            filter_line: None,
            should_quit: false,
            dirty: true,
        }
    }

    /// True once since the last call when something visible changed.
    pub fn take_dirty(&mut self) -> bool {
        std::mem::replace(&mut self.dirty, false)
    }

    /// Text typed somewhere that would be lost by quitting.
    pub fn has_unsaved_input(&self) -> bool {
        self.login.has_input(self.locked)
            || self.command_line.as_ref().is_some_and(|c| !c.is_empty())
            || self.filter_line.as_ref().is_some_and(|c| !c.is_empty())
            || (self.intake.outcome.is_none() && self.intake.has_input())
            || self.password.as_ref().is_some_and(|p| p.has_input())
    }

    /// The key contexts in force, most specific first.
    pub fn contexts(&self) -> Vec<Context> {
        if self.command_line.is_some() || self.filter_line.is_some() {
            vec![Context::CommandLine, Context::Global]
        } else if self.session.is_none() || self.locked || self.password.is_some() {
            vec![Context::Login, Context::Global]
        } else {
            let mut c = self.screen.contexts();
            c.push(Context::Global);
            c
        }
    }

    /// A text field has the keyboard: plain characters type instead of running commands.
    pub fn text_focused(&self) -> bool {
        self.command_line.is_some()
            || self.filter_line.is_some()
            || self.session.is_none()
            || self.locked
            || self.password.is_some()
            || (self.screen == Screen::Intake && self.intake.text_focused())
    }

    pub fn update(&mut self, action: Action) -> Vec<Task> {
        match action {
            Action::Key(ev) => {
                if ev.kind == KeyEventKind::Release {
                    return vec![];
                }
                self.last_input = self.mono;
                self.dirty = true;
                self.on_key(ev)
            }
            Action::Paste(text) => {
                self.last_input = self.mono;
                self.dirty = true;
                self.paste(&text)
            }
            Action::Resize => {
                self.dirty = true;
                vec![]
            }
            Action::Tick { wall, mono } => self.on_tick(wall, mono),
            Action::Busy(secs) => {
                if self.busy_secs != secs {
                    self.busy_secs = secs;
                    self.dirty = true;
                }
                vec![]
            }
            Action::Terminate => {
                self.should_quit = true;
                vec![]
            }
            Action::Db(state) => self.on_db(state),
            Action::LoginDone { purpose, result } => {
                self.dirty = true;
                self.on_login_done(purpose, result)
            }
            Action::DepartmentsLoaded(r) => {
                self.dirty = true;
                self.note_connection(&r);
                let tasks = self.note_connection_ok(&r);
                self.departments.loaded(r);
                tasks
            }
            Action::QueueLoaded {
                which,
                append,
                result,
            } => {
                self.dirty = true;
                self.note_connection(&result);
                let tasks = self.note_connection_ok(&result);
                self.queue_loaded(which, append, result);
                tasks
            }
            Action::CatalogueLoaded(r) => {
                self.dirty = true;
                self.note_connection(&r);
                let tasks = self.note_connection_ok(&r);
                if self.screen == Screen::Intake {
                    if let Ok(items) = &r {
                        self.intake.items = items.clone();
                    }
                } else {
                    self.catalogue.view.loaded(r);
                }
                tasks
            }
            Action::GuideLoaded { item_id, result } => {
                self.dirty = true;
                if let Ok((_, materials)) = &result {
                    self.intake_materials(item_id, materials.clone());
                }
                self.guide_loaded(item_id, result);
                vec![]
            }
            Action::CaseLoaded { case_id, result } => {
                self.dirty = true;
                self.note_connection(&result);
                self.case_loaded(case_id, result.map(|d| *d));
                vec![]
            }
            Action::Decided(r) => {
                self.dirty = true;
                self.note_connection(&r);
                self.decided(r)
            }
            Action::IntakeDone(r) => {
                self.dirty = true;
                self.note_connection(&r);
                self.intake_done(r);
                vec![]
            }
            Action::ClaimDone { claim, result } => {
                self.dirty = true;
                self.note_connection(&result);
                self.claim_done(claim, result)
            }
            Action::Changed { entity } => {
                let Some(op) = &self.session else {
                    return vec![];
                };
                let viewer = op.operator_id;
                let any = entity == "*";
                let mut tasks = vec![];
                // Another operator changed cases: the queue on screen follows at once.
                if self.screen == Screen::Queue && (entity == "case" || any) {
                    tasks.extend(self.reload_queue());
                    tasks.extend(self.reload_case());
                }
                // A branch decided elsewhere: the routing screen shows the join at once.
                if self.screen == Screen::Routing && (entity == "case" || any) {
                    tasks.extend(self.reload_routing());
                }
                // A project registered, claimed or changed elsewhere: the list follows.
                if self.screen == Screen::Trading && (entity.starts_with("trade_") || any) {
                    tasks.extend(self.reload_trading());
                    tasks.extend(self.reload_project());
                }
                if self.screen == Screen::Deposits
                    && (entity == "trade_deposit" || entity == "trade_refund" || any)
                {
                    tasks.extend(self.reload_deposits());
                }
                if self.screen == Screen::Bulletins && (entity == "trade_notice" || any) {
                    self.bulletins.loading = true;
                    tasks.push(Task::LoadBulletins);
                }
                let cards = entity == "supervision" || entity == "card" || any;
                if self.screen == Screen::Overdue && (entity == "case" || cards) {
                    tasks.extend(self.reload_board());
                }
                if cards {
                    if self.screen == Screen::Notices {
                        tasks.extend(self.reload_notices());
                    } else {
                        tasks.push(Task::LoadUnread { viewer });
                    }
                }
                tasks
            }
            Action::RoutingLoaded(r) => {
                self.dirty = true;
                self.note_connection(&r);
                let tasks = self.note_connection_ok(&r);
                self.routing.list.loaded(r);
                tasks.into_iter().chain(self.load_route()).collect()
            }
            Action::RouteLoaded { case_id, result } => {
                self.dirty = true;
                self.route_loaded(case_id, result);
                vec![]
            }
            Action::RouteChanged(r) => {
                self.dirty = true;
                self.note_connection(&r);
                self.route_changed(r)
            }
            Action::BoardLoaded(r) => {
                self.dirty = true;
                self.note_connection(&r);
                let tasks = self.note_connection_ok(&r);
                self.board.loaded(r);
                tasks
            }
            Action::NoticesLoaded(r) => {
                self.dirty = true;
                self.note_connection(&r);
                let tasks = self.note_connection_ok(&r);
                if r.is_ok() {
                    self.unread = 0;
                }
                self.notices.loaded(r);
                tasks
            }
            Action::UnreadLoaded(r) => {
                if let Ok(n) = r
                    && n != self.unread
                {
                    self.unread = n;
                    self.dirty = true;
                }
                vec![]
            }
            Action::LookupDone { query, result } => {
                self.dirty = true;
                self.note_connection(&result);
                self.lookup_done(query, result);
                vec![]
            }
            Action::Revealed { case_id, result } => {
                self.dirty = true;
                self.note_connection(&result);
                self.revealed(case_id, result);
                vec![]
            }
            Action::ReconciliationLoaded { date, result } => {
                self.dirty = true;
                self.note_connection(&result);
                let tasks = self.note_connection_ok(&result);
                self.reconciliation_loaded(date, result);
                tasks
            }
            Action::DayChanged(r) => {
                self.dirty = true;
                self.note_connection(&r);
                self.day_changed(r)
            }
            Action::ReportLoaded(r) => {
                self.dirty = true;
                self.note_connection(&r);
                let tasks = self.note_connection_ok(&r);
                self.report.loaded(r);
                tasks
            }
            Action::AccessLoaded(r) => {
                self.dirty = true;
                self.note_connection(&r);
                let tasks = self.note_connection_ok(&r);
                self.access.loaded(r);
                tasks
            }
            Action::ClockChanged(r) => {
                self.dirty = true;
                self.note_connection(&r);
                self.clock_changed(r)
            }
            Action::Acknowledged(r) => {
                self.dirty = true;
                self.note_connection(&r);
                match r {
                    Ok(()) => {
                        self.flash = Some(Msg::new(Level::Info, "notices.acknowledged"));
                        self.reload_notices()
                    }
                    Err(e) => {
                        self.flash =
                            Some(Msg::new(Level::Error, "list.error").arg("error", e.message));
                        vec![]
                    }
                }
            }
            Action::PasswordChanged(r) => {
                self.dirty = true;
                self.password_changed(r)
            }
            Action::AuditLoaded(r) => {
                self.dirty = true;
                self.note_connection(&r);
                let tasks = self.note_connection_ok(&r);
                self.audit.loaded(r);
                tasks
            }
            Action::TradingLoaded { scope, result } => {
                self.dirty = true;
                self.note_connection(&result);
                let tasks = self.note_connection_ok(&result);
                self.trading_loaded(scope, result);
                tasks
            }
            Action::ProjectLoaded { code, result } => {
                self.dirty = true;
                self.note_connection(&result);
                let tasks = self.note_connection_ok(&result);
                self.project_loaded(code, result);
                tasks
            }
            Action::BulletinsLoaded(result) => {
                self.dirty = true;
                self.note_connection(&result);
                let tasks = self.note_connection_ok(&result);
                self.bulletins.loaded(result);
                tasks
            }
            Action::DepositBoardLoaded(result) => {
                self.dirty = true;
                self.note_connection(&result);
                let tasks = self.note_connection_ok(&result);
                self.deposits_loaded(result);
                tasks
            }
            Action::RefundChanged(result) => {
                self.dirty = true;
                self.note_connection(&result);
                self.refund_changed(result)
            }
            Action::TradeClaimDone { claim, result } => {
                self.dirty = true;
                self.note_connection(&result);
                self.trade_claim_done(claim, result)
            }
        }
    }

    fn note_connection<T>(&mut self, r: &Result<T, TaskError>) {
        if matches!(r, Err(e) if e.connection) {
            self.db = DbState::Reconnecting;
        }
    }

    /// A task that reached the database proves the connection is back, whatever the health
    /// monitor last said; what waited for it is redone.
    fn note_connection_ok<T>(&mut self, r: &Result<T, TaskError>) -> Vec<Task> {
        match r {
            Ok(_) => self.on_db(DbState::Connected),
            Err(_) => vec![],
        }
    }

    fn on_tick(&mut self, now: CenterTime, mono: Duration) -> Vec<Task> {
        let shown = |t: &CenterTime| t.format("%Y-%m-%d %H:%M").to_string();
        if shown(&now) != shown(&self.now) {
            self.dirty = true;
        }
        self.now = now;
        self.mono = mono;
        let idle = mono.saturating_sub(self.last_input);
        if let Some(close) = self.idle_close_minutes
            && self.locked
            && idle.as_secs()
                >= (u64::from(self.idle_lock_minutes) + u64::from(close)).saturating_mul(60)
        {
            self.should_quit = true;
            return vec![];
        }
        if let Some(op) = &self.session
            && !self.locked
            && idle.as_secs() >= u64::from(self.idle_lock_minutes) * 60
        {
            let id = op.operator_id;
            return self.lock(id, true);
        }
        vec![]
    }

    pub(crate) fn lock(&mut self, operator_id: i64, idle: bool) -> Vec<Task> {
        self.locked = true;
        self.help = None;
        self.command_line = None;
        self.confirm_quit = None;
        if let Some(op) = &self.session {
            self.login.prepare_unlock(&op.code);
        }
        self.flash = idle.then(|| {
            Msg::new(Level::Info, "lock.idle").arg("minutes", self.idle_lock_minutes.to_string())
        });
        self.dirty = true;
        vec![Task::RecordSession {
            operator_id,
            action: if idle {
                "session.idle_lock"
            } else {
                "session.lock"
            },
        }]
    }

    fn on_db(&mut self, state: DbState) -> Vec<Task> {
        if state == self.db {
            return vec![];
        }
        let was_down = self.db != DbState::Connected;
        self.db = state;
        self.dirty = true;
        if state != DbState::Connected || !was_down {
            return vec![];
        }
        // Back online: redo what failed because the server was away.
        let mut tasks = vec![];
        if self.login.retry_pending {
            self.login.retry_pending = false;
            if let Some(t) = self.login.submit(self.locked) {
                tasks.push(t);
            }
        }
        let error = match self.screen {
            Screen::Home | Screen::Intake => None,
            Screen::Departments => self.departments.error.as_ref(),
            Screen::Audit => self.audit.error.as_ref(),
            Screen::Trading => self.trading.view.error.as_ref(),
            Screen::Deposits => self.deposits.view.error.as_ref(),
            Screen::Bulletins => self.bulletins.error.as_ref(),
            Screen::Overdue => self.board.error.as_ref(),
            Screen::Notices => self.notices.error.as_ref(),
            Screen::Access => self.access.error.as_ref(),
            Screen::Report => self.report.error.as_ref(),
            Screen::Reconcile => self.recon.error.as_ref(),
            Screen::Routing => self.routing.list.error.as_ref(),
            Screen::Queue => self.queue.view.error.as_ref(),
            Screen::Catalogue => self.catalogue.view.error.as_ref(),
        };
        if self.session.is_some() && error.is_some_and(|e| e.connection) {
            tasks.extend(self.reload());
        }
        tasks
    }

    fn on_login_done(
        &mut self,
        purpose: Purpose,
        result: Result<LoginOutcome, TaskError>,
    ) -> Vec<Task> {
        self.login.busy = false;
        let (op, must_change) = match result {
            Ok(LoginOutcome::Ok(op)) => (op, false),
            Ok(LoginOutcome::MustChange(op)) => (op, true),
            other => return self.on_login_refused(other),
        };
        self.db = DbState::Connected;
        // The server's idle lock is the longest allowed; a shorter local setting stays.
        self.idle_lock_minutes = self.idle_lock_minutes.min(op.idle_lock_minutes.max(1));
        self.login.clear();
        self.flash = None;
        match purpose {
            Purpose::Unlock => {
                // Only the signed-in operator unlocks; their roles are refreshed.
                if self.session.as_ref().map(|s| s.operator_id) == Some(op.operator_id) {
                    self.session = Some(op);
                    self.locked = false;
                }
            }
            Purpose::Login => {
                self.session = Some(op);
                self.locked = false;
                self.screen = Screen::Home;
                self.history.clear();
            }
        }
        if must_change {
            // Nothing but the change until it succeeds: the store refuses everything
            // else from this account meanwhile.
            if !self.password.as_ref().is_some_and(|p| p.forced) {
                self.password = Some(PasswordForm::new(true));
            }
            return vec![];
        }
        // The header shows how many warning cards wait for me.
        self.session
            .as_ref()
            .map(|o| Task::LoadUnread {
                viewer: o.operator_id,
            })
            .into_iter()
            .collect()
    }

    fn on_login_refused(&mut self, result: Result<LoginOutcome, TaskError>) -> Vec<Task> {
        match result {
            Ok(LoginOutcome::Ok(_) | LoginOutcome::MustChange(_)) => {}
            Ok(LoginOutcome::BadCredentials) => {
                self.login
                    .fail(Msg::new(Level::Error, "login.bad_credentials"));
            }
            Ok(LoginOutcome::Inactive) => {
                self.login.fail(Msg::new(Level::Error, "login.inactive"));
            }
            Ok(LoginOutcome::Locked { until }) => {
                let t = until
                    .with_timezone(&crate::domain::time::zone::CENTER)
                    .format("%H:%M")
                    .to_string();
                self.login
                    .fail(Msg::new(Level::Error, "login.locked_until").arg("time", t));
            }
            Err(e) if e.connection => {
                self.db = DbState::Reconnecting;
                self.login.retry_pending = true;
                self.login.message = Some(Msg::new(Level::Warn, "login.db_unavailable"));
            }
            Err(e) => {
                self.login.message =
                    Some(Msg::new(Level::Error, "login.error").arg("error", e.message));
            }
        }
        vec![]
    }

    fn on_key(&mut self, ev: KeyEvent) -> Vec<Task> {
        let Some(key) = Key::from_event(&ev) else {
            return vec![];
        };
        if self.confirm_quit.is_some() {
            match key.code {
                crate::ui::keymap::KeyCodeOrd::Char('y' | 'Y') => self.should_quit = true,
                _ => self.confirm_quit = None,
            }
            return vec![];
        }
        if self.lookup.is_some() {
            return self.lookup_key(ev);
        }
        let contexts = self.contexts();
        if self.help.is_some() {
            return match self
                .keymap
                .lookup(&[Context::List], &key)
                .or_else(|| self.keymap.lookup(&contexts, &key))
            {
                Some(Command::Help | Command::Back) => {
                    self.help = None;
                    vec![]
                }
                Some(Command::Up) => {
                    self.help = self.help.map(|s| s.saturating_sub(1));
                    vec![]
                }
                Some(Command::Down) => {
                    self.help = self.help.map(|s| s.saturating_add(1));
                    vec![]
                }
                Some(Command::Quit) => self.run(Command::Quit),
                _ => vec![],
            };
        }
        if self.password.is_some() && self.session.is_some() && !self.locked {
            return self.password_key(ev);
        }
        if self.screen == Screen::Intake
            && self.session.is_some()
            && !self.locked
            && self.command_line.is_none()
            && let Some(tasks) = self.intake_key(ev)
        {
            return tasks;
        }
        let command = if self.text_focused() && key.is_text() {
            None
        } else {
            self.keymap.lookup(&contexts, &key)
        };
        match command {
            Some(c) => self.run(c),
            None => {
                // Every field is one line: keys that would break a line (Alt-Enter, Ctrl-M, Ctrl-J
                // in the text area's own shortcuts) never reach a field.
                let newline = matches!(ev.code, KeyCode::Enter)
                    || (ev.modifiers.contains(KeyModifiers::CONTROL)
                        && matches!(ev.code, KeyCode::Char('m' | 'j')));
                if newline {
                    return vec![];
                }
                if let Some(c) = &mut self.command_line {
                    c.input(ev);
                } else if let Some(fl) = &mut self.filter_line {
                    fl.input(ev);
                } else if self.session.is_none() || self.locked {
                    self.login.input(ev);
                }
                vec![]
            }
        }
    }
}
