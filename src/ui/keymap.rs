//! The keymap is data: embedded defaults (keymap-default.toml) with a user file merged on top.
//! Every binding has a description (from i18n, or the user's own `desc`), which the help overlay and
//! the hint bar show, so they always match the keys that really work.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;
use toml::Spanned;

const DEFAULT: &str = include_str!("keymap-default.toml");

/// What a key can do. Names are the `run` values of the keymap file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Command {
    Help,
    CommandLine,
    Back,
    Quit,
    ToggleLang,
    Lock,
    NextField,
    PrevField,
    Submit,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Refresh,
    Complete,
    OpenHome,
    OpenDepartments,
    OpenAudit,
    OpenTrading,
    Logout,
    OpenQueue,
    OpenCatalogue,
    Filter,
    Open,
    Claim,
    Release,
    NextQueue,
    PrevQueue,
    OpenIntake,
    Approve,
    Disapprove,
    Reassign,
    OpenOverdue,
    OpenNotices,
    Acknowledge,
    Suspend,
    Extend,
    Lookup,
    Reveal,
    OpenAccess,
    OpenReport,
    PrevPeriod,
    NextPeriod,
    OpenReconcile,
    OpenRouting,
    RequestCorrection,
    Supplement,
    Withdraw,
    DeliverAtWindow,
    DeliverByPost,
    CloseDay,
    ReopenDay,
    LinkReceipt,
    MarkRefund,
    Annotate,
    ToggleTotals,
    ChangePassword,
    OpenDeposits,
    PrepareRefund,
    OpenBulletins,
}

impl Command {
    pub const ALL: [Command; 62] = [
        Command::Help,
        Command::CommandLine,
        Command::Back,
        Command::Quit,
        Command::ToggleLang,
        Command::Lock,
        Command::NextField,
        Command::PrevField,
        Command::Submit,
        Command::Up,
        Command::Down,
        Command::PageUp,
        Command::PageDown,
        Command::Top,
        Command::Bottom,
        Command::Refresh,
        Command::Complete,
        Command::OpenHome,
        Command::OpenDepartments,
        Command::OpenAudit,
        Command::OpenTrading,
        Command::Logout,
        Command::OpenQueue,
        Command::OpenCatalogue,
        Command::Filter,
        Command::Open,
        Command::Claim,
        Command::Release,
        Command::NextQueue,
        Command::PrevQueue,
        Command::OpenIntake,
        Command::Approve,
        Command::Disapprove,
        Command::Reassign,
        Command::OpenOverdue,
        Command::OpenNotices,
        Command::Acknowledge,
        Command::Suspend,
        Command::Extend,
        Command::Lookup,
        Command::Reveal,
        Command::OpenAccess,
        Command::OpenReport,
        Command::PrevPeriod,
        Command::NextPeriod,
        Command::OpenReconcile,
        Command::OpenRouting,
        Command::RequestCorrection,
        Command::Supplement,
        Command::Withdraw,
        Command::DeliverAtWindow,
        Command::DeliverByPost,
        Command::CloseDay,
        Command::ReopenDay,
        Command::LinkReceipt,
        Command::MarkRefund,
        Command::Annotate,
        Command::ToggleTotals,
        Command::ChangePassword,
        Command::OpenDeposits,
        Command::PrepareRefund,
        Command::OpenBulletins,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Command::Help => "help",
            Command::CommandLine => "command_line",
            Command::Back => "back",
            Command::Quit => "quit",
            Command::ToggleLang => "toggle_lang",
            Command::Lock => "lock",
            Command::NextField => "next_field",
            Command::PrevField => "prev_field",
            Command::Submit => "submit",
            Command::Up => "up",
            Command::Down => "down",
            Command::PageUp => "page_up",
            Command::PageDown => "page_down",
            Command::Top => "top",
            Command::Bottom => "bottom",
            Command::Refresh => "refresh",
            Command::Complete => "complete",
            Command::OpenHome => "open_home",
            Command::OpenDepartments => "open_departments",
            Command::OpenAudit => "open_audit",
            Command::OpenTrading => "open_trading",
            Command::Logout => "logout",
            Command::OpenQueue => "open_queue",
            Command::OpenCatalogue => "open_catalogue",
            Command::Filter => "filter",
            Command::Open => "open",
            Command::Claim => "claim",
            Command::Release => "release",
            Command::NextQueue => "next_queue",
            Command::PrevQueue => "prev_queue",
            Command::OpenIntake => "open_intake",
            Command::Approve => "approve",
            Command::Disapprove => "disapprove",
            Command::Reassign => "reassign",
            Command::OpenOverdue => "open_overdue",
            Command::OpenNotices => "open_notices",
            Command::Acknowledge => "acknowledge",
            Command::Suspend => "suspend",
            Command::Extend => "extend",
            Command::Lookup => "lookup",
            Command::Reveal => "reveal",
            Command::OpenAccess => "open_access",
            Command::OpenReport => "open_report",
            Command::PrevPeriod => "prev_period",
            Command::NextPeriod => "next_period",
            Command::OpenReconcile => "open_reconcile",
            Command::OpenRouting => "open_routing",
            Command::RequestCorrection => "request_correction",
            Command::Supplement => "supplement",
            Command::Withdraw => "withdraw",
            Command::DeliverAtWindow => "deliver",
            Command::DeliverByPost => "deliver_by_post",
            Command::CloseDay => "close_day",
            Command::ReopenDay => "reopen_day",
            Command::LinkReceipt => "link_receipt",
            Command::MarkRefund => "mark_refund",
            Command::Annotate => "annotate",
            Command::ToggleTotals => "toggle_totals",
            Command::ChangePassword => "change_password",
            Command::OpenDeposits => "open_deposits",
            Command::PrepareRefund => "prepare_refund",
            Command::OpenBulletins => "open_bulletins",
        }
    }

    fn from_name(s: &str) -> Option<Command> {
        Command::ALL.into_iter().find(|c| c.name() == s)
    }

    /// i18n key of the description.
    pub fn desc_key(self) -> String {
        format!("cmd.{}", self.name())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    Login,
    List,
    Home,
    CommandLine,
    Queue,
    Notices,
    Report,
    Reconcile,
    Routing,
    Trading,
    Deposits,
}

impl Context {
    pub const ALL: [Context; 12] = [
        Context::Global,
        Context::Login,
        Context::List,
        Context::Home,
        Context::CommandLine,
        Context::Queue,
        Context::Notices,
        Context::Report,
        Context::Reconcile,
        Context::Routing,
        Context::Trading,
        Context::Deposits,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Login => "login",
            Context::List => "list",
            Context::Home => "home",
            Context::CommandLine => "command",
            Context::Queue => "queue",
            Context::Notices => "notices",
            Context::Report => "report",
            Context::Reconcile => "reconcile",
            Context::Routing => "routing",
            Context::Trading => "trading",
            Context::Deposits => "deposits",
        }
    }
}

/// A key with modifiers, normalised so that `G` and `shift-g` are the same binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyCodeOrd,
    pub ctrl: bool,
    pub alt: bool,
}

/// KeyCode is not Ord; this keeps the keymap sortable for the help overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCodeOrd {
    Char(char),
    F(u8),
    Named(&'static str),
}

const NAMED: [(&str, KeyCode); 14] = [
    ("esc", KeyCode::Esc),
    ("enter", KeyCode::Enter),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
];

impl Key {
    /// Parses `q`, `G`, `?`, `ctrl-c`, `alt-x`, `f5`, `esc`, `space`, `shift-tab`.
    pub fn parse(s: &str) -> Result<Key, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut shift = false;
        let mut rest = s;
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.len() > 1 && lower.starts_with("ctrl-") {
                ctrl = true;
                rest = &rest[5..];
            } else if rest.len() > 1 && lower.starts_with("alt-") {
                alt = true;
                rest = &rest[4..];
            } else if rest.len() > 1 && lower.starts_with("shift-") {
                shift = true;
                rest = &rest[6..];
            } else {
                break;
            }
        }
        let lower = rest.to_ascii_lowercase();
        let mut chars = rest.chars();
        let single = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() => Some(c),
            _ => None,
        };
        // Shift only means something with a letter (G) or Tab (Shift-Tab); elsewhere it would
        // silently bind the unshifted key.
        if shift && !(lower == "tab" || single.is_some_and(|c| c.is_ascii_alphabetic())) {
            return Err(format!("`{s}`: shift- goes only with a letter or tab"));
        }
        let code = match single {
            // Terminals send Ctrl with a letter the same whatever the case: ctrl-L is ctrl-l.
            Some(c) if ctrl => KeyCodeOrd::Char(c.to_ascii_lowercase()),
            Some(c) => KeyCodeOrd::Char(if shift { c.to_ascii_uppercase() } else { c }),
            _ if lower == "space" => KeyCodeOrd::Char(' '),
            _ if lower == "tab" && shift => KeyCodeOrd::Named("backtab"),
            _ if lower.starts_with('f')
                && lower[1..]
                    .parse::<u8>()
                    .is_ok_and(|n| (1..=12).contains(&n)) =>
            {
                KeyCodeOrd::F(lower[1..].parse().unwrap_or(1))
            }
            _ => match NAMED.iter().find(|(n, _)| *n == lower) {
                Some((n, _)) => KeyCodeOrd::Named(n),
                None => {
                    return Err(format!(
                        "`{s}` is not a key (examples: q, G, ?, ctrl-c, f5, esc, pagedown)"
                    ));
                }
            },
        };
        Ok(Key { code, ctrl, alt })
    }

    pub fn from_event(ev: &KeyEvent) -> Option<Key> {
        let code = match ev.code {
            KeyCode::Char(c) => KeyCodeOrd::Char(if ev.modifiers.contains(KeyModifiers::CONTROL) {
                c.to_ascii_lowercase()
            } else {
                c
            }),
            KeyCode::F(n) => KeyCodeOrd::F(n),
            other => KeyCodeOrd::Named(NAMED.iter().find(|(_, k)| *k == other)?.0),
        };
        Some(Key {
            code,
            ctrl: ev.modifiers.contains(KeyModifiers::CONTROL),
            alt: ev.modifiers.contains(KeyModifiers::ALT),
        })
    }

    /// A key that types a character into a focused text field.
    pub fn is_text(&self) -> bool {
        matches!(self.code, KeyCodeOrd::Char(_)) && !self.ctrl && !self.alt
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyCodeOrd::Char(' ') => f.write_str("Space"),
            // Ctrl-C, as keyboards and manuals write it; Ctrl does not distinguish case.
            KeyCodeOrd::Char(c) if self.ctrl => write!(f, "{}", c.to_ascii_uppercase()),
            KeyCodeOrd::Char(c) => write!(f, "{c}"),
            KeyCodeOrd::F(n) => write!(f, "F{n}"),
            KeyCodeOrd::Named(n) => {
                let label = match n {
                    "esc" => "Esc",
                    "enter" => "Enter",
                    "tab" => "Tab",
                    "backtab" => "Shift-Tab",
                    "up" => "↑",
                    "down" => "↓",
                    "left" => "←",
                    "right" => "→",
                    "pageup" => "PgUp",
                    "pagedown" => "PgDn",
                    "home" => "Home",
                    "end" => "End",
                    "backspace" => "Backspace",
                    "delete" => "Del",
                    other => other,
                };
                f.write_str(label)
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub key: Key,
    pub command: Command,
    /// The user's own description; otherwise the i18n text of the command.
    pub desc: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Keymap {
    /// Bindings per context in the order the files declare them: the first key of a command is
    /// the one hints show (Tab before ↓ for "next field").
    map: BTreeMap<Context, Vec<Binding>>,
}

/// A keymap that cannot be used: the file, where in it (when the problem has a place) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeymapError {
    pub source_name: String,
    /// 1-based; `None` when the file as a whole is the problem (it cannot be read).
    pub line: Option<usize>,
    /// 1-based, in characters; given for a byte that is not text.
    pub column: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for KeymapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "keymap {}", self.source_name)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(column) = self.column {
            write!(f, ", column {column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for KeymapError {}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileBinding {
    on: Spanned<String>,
    run: Spanned<String>,
    desc: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    global: Vec<FileBinding>,
    #[serde(default)]
    login: Vec<FileBinding>,
    #[serde(default)]
    list: Vec<FileBinding>,
    #[serde(default)]
    home: Vec<FileBinding>,
    #[serde(default)]
    command: Vec<FileBinding>,
    #[serde(default)]
    queue: Vec<FileBinding>,
    #[serde(default)]
    notices: Vec<FileBinding>,
    #[serde(default)]
    report: Vec<FileBinding>,
    #[serde(default)]
    reconcile: Vec<FileBinding>,
    #[serde(default)]
    routing: Vec<FileBinding>,
    #[serde(default)]
    trading: Vec<FileBinding>,
    #[serde(default)]
    deposits: Vec<FileBinding>,
}

impl Keymap {
    /// The embedded defaults alone.
    pub fn defaults() -> Keymap {
        let mut k = Keymap::default();
        // The embedded file is tested (keymap tests); failing here would be a build defect.
        k.merge("(embedded defaults)", DEFAULT)
            .expect("embedded keymap is valid");
        k
    }

    /// Defaults with the user's file merged on top (a file of at most the default
    /// `import.max_file_mb`).
    pub fn load(user: Option<&Path>) -> Result<Keymap, KeymapError> {
        Keymap::load_limited(user, crate::files::DEFAULT_MAX_FILE_MB)
    }

    /// Defaults with the user's file merged on top; a file over `max_mb` MB is refused unread.
    pub fn load_limited(user: Option<&Path>, max_mb: u32) -> Result<Keymap, KeymapError> {
        let mut k = Keymap::defaults();
        if let Some(path) = user {
            let name = path.display().to_string();
            let bytes = crate::files::read(path, max_mb).map_err(|e| KeymapError {
                source_name: name.clone(),
                line: None,
                column: None,
                message: match e {
                    crate::files::ReadError::Io { source, .. } => {
                        format!("cannot read it: {source}")
                    }
                    e => e.to_string(),
                },
            })?;
            // A binary file is named at its first byte that is not text.
            let text = crate::domain::file_text::utf8(&bytes).map_err(|e| KeymapError {
                source_name: name.clone(),
                line: Some(e.line),
                column: Some(e.column),
                message: e.message,
            })?;
            k.merge(&name, text)?;
        }
        Ok(k)
    }

    /// Merges a keymap file; each binding replaces the same key in the same context.
    pub fn merge(&mut self, source_name: &str, text: &str) -> Result<(), KeymapError> {
        let err = |offset: usize, message: String| KeymapError {
            source_name: source_name.to_string(),
            line: Some(crate::config::line_of(text, offset)),
            column: None,
            message,
        };
        let file: File = toml::from_str(text).map_err(|e| {
            err(
                e.span().map(|s| s.start).unwrap_or(0),
                e.message().trim().to_string(),
            )
        })?;
        let sections = [
            (Context::Global, file.global),
            (Context::Login, file.login),
            (Context::List, file.list),
            (Context::Home, file.home),
            (Context::CommandLine, file.command),
            (Context::Queue, file.queue),
            (Context::Notices, file.notices),
            (Context::Report, file.report),
            (Context::Reconcile, file.reconcile),
            (Context::Routing, file.routing),
            (Context::Trading, file.trading),
            (Context::Deposits, file.deposits),
        ];
        for (ctx, bindings) in sections {
            for b in bindings {
                let key = Key::parse(b.on.get_ref())
                    .map_err(|m| err(b.on.span().start, format!("[{}] {m}", ctx.name())))?;
                let run = b.run.get_ref().as_str();
                let entry = self.map.entry(ctx).or_default();
                if run == "noop" {
                    entry.retain(|b| b.key != key);
                    continue;
                }
                let command = Command::from_name(run).ok_or_else(|| {
                    err(
                        b.run.span().start,
                        format!(
                            "[{}] unknown command `{run}` for key `{}` (known: noop, {})",
                            ctx.name(),
                            b.on.get_ref(),
                            Command::ALL.map(|c| c.name()).join(", ")
                        ),
                    )
                })?;
                let binding = Binding {
                    key,
                    command,
                    desc: b.desc,
                };
                // A rebinding replaces the key where it stands; a new key goes at the end.
                match entry.iter_mut().find(|b| b.key == key) {
                    Some(existing) => *existing = binding,
                    None => entry.push(binding),
                }
            }
        }
        Ok(())
    }

    /// The command for a key in the given contexts, most specific first.
    pub fn lookup(&self, contexts: &[Context], key: &Key) -> Option<Command> {
        contexts
            .iter()
            .find_map(|c| {
                self.map
                    .get(c)
                    .and_then(|m| m.iter().find(|b| b.key == *key))
            })
            .map(|b| b.command)
    }

    pub fn bindings(&self, ctx: Context) -> impl Iterator<Item = &Binding> {
        self.map.get(&ctx).into_iter().flat_map(|m| m.iter())
    }

    /// The first key bound to a command in the contexts (for hints such as "? help"). While
    /// `typing`, keys that would type into a field are skipped.
    pub fn key_for(&self, contexts: &[Context], command: Command, typing: bool) -> Option<Key> {
        contexts.iter().find_map(|c| {
            self.bindings(*c)
                .find(|b| b.command == command && !(typing && b.key.is_text()))
                .map(|b| b.key)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn defaults_bind_help_quit_and_command_line() {
        let k = Keymap::defaults();
        let g = [Context::Global];
        assert_eq!(k.lookup(&g, &Key::parse("?").unwrap()), Some(Command::Help));
        assert_eq!(
            k.lookup(&g, &Key::parse("ctrl-c").unwrap()),
            Some(Command::Quit)
        );
        assert_eq!(
            k.lookup(&g, &Key::parse(":").unwrap()),
            Some(Command::CommandLine)
        );
    }

    #[test]
    fn no_default_uses_ctrl_a_or_ctrl_b() {
        let k = Keymap::defaults();
        for ctx in Context::ALL {
            for b in k.bindings(ctx) {
                assert!(
                    !(b.key.ctrl && matches!(b.key.code, KeyCodeOrd::Char('a' | 'b'))),
                    "{:?} binds {}",
                    ctx,
                    b.key
                );
            }
        }
    }

    #[test]
    fn shifted_letters_match_events() {
        let key = Key::from_event(&ev(KeyCode::Char('G'), KeyModifiers::SHIFT)).unwrap();
        assert_eq!(key, Key::parse("G").unwrap());
        assert_eq!(key, Key::parse("shift-g").unwrap());
        let ctrl_c = Key::from_event(&ev(KeyCode::Char('c'), KeyModifiers::CONTROL)).unwrap();
        assert_eq!(ctrl_c, Key::parse("ctrl-c").unwrap());
    }

    #[test]
    fn user_file_overrides_and_removes() {
        let mut k = Keymap::defaults();
        k.merge(
            "user",
            "[[global]]\non = \"f10\"\nrun = \"quit\"\ndesc = \"Leave\"\n[[global]]\non = \"q\"\nrun = \"noop\"\n",
        )
        .unwrap();
        let g = [Context::Global];
        assert_eq!(
            k.lookup(&g, &Key::parse("f10").unwrap()),
            Some(Command::Quit)
        );
        assert_eq!(k.lookup(&g, &Key::parse("q").unwrap()), None);
    }

    #[test]
    fn unknown_command_names_the_line() {
        let mut k = Keymap::defaults();
        let e = k
            .merge("mine.toml", "[[global]]\non = \"x\"\nrun = \"halp\"\n")
            .unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(
            e.message.contains("unknown command `halp`"),
            "{}",
            e.message
        );
        assert!(e.to_string().starts_with("keymap mine.toml, line 3:"));
    }

    #[test]
    fn bad_key_names_the_line() {
        let mut k = Keymap::defaults();
        let e = k
            .merge("mine.toml", "\n[[list]]\non = \"ctrl-\"\nrun = \"up\"\n")
            .unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("is not a key"), "{}", e.message);
    }

    #[test]
    fn ctrl_letters_ignore_case_and_shift_needs_a_letter() {
        assert_eq!(Key::parse("ctrl-L").unwrap(), Key::parse("ctrl-l").unwrap());
        assert_eq!(Key::parse("Ctrl-C").unwrap(), Key::parse("ctrl-c").unwrap());
        assert!(Key::parse("shift-enter").is_err());
        assert!(Key::parse("shift-1").is_err());
        assert_eq!(
            Key::parse("shift-tab").unwrap(),
            Key::parse("backtab").unwrap()
        );
    }

    #[test]
    fn unknown_section_is_an_error() {
        let mut k = Keymap::defaults();
        let e = k
            .merge("mine.toml", "[[globl]]\non = \"x\"\nrun = \"quit\"\n")
            .unwrap_err();
        assert_eq!(e.line, Some(1));
    }
}
