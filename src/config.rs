//! Layered settings: built-in defaults < config file < environment < command-line flags.
//!
//! Each effective value remembers where it came from, for `onewindow config show`. A bad config
//! file is reported with its path, line and key; nothing falls back silently.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::i18n::Lang;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Default,
    File(PathBuf),
    Env(&'static str),
    Flag(&'static str),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::File(p) => write!(f, "file {}", p.display()),
            Source::Env(v) => write!(f, "env {v}"),
            Source::Flag(n) => write!(f, "flag {n}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Setting<T> {
    fn default(value: T) -> Self {
        Setting {
            value,
            source: Source::Default,
        }
    }
    fn set(&mut self, value: T, source: Source) {
        self.value = value;
        self.source = source;
    }
}

/// The effective settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// A shared PostgreSQL server; `None` means the embedded default server.
    pub database_url: Setting<Option<String>>,
    /// Where the embedded server, logs and state live.
    pub data_dir: Setting<PathBuf>,
    /// Database name on the embedded server.
    pub database_name: Setting<String>,
    /// How long a statement waits for a lock before it gives up (PostgreSQL's lock_timeout), in
    /// milliseconds: a lock held elsewhere gives "the database is busy", never a silent hang.
    pub lock_timeout_ms: Setting<u32>,
    /// The longest a statement may run (statement_timeout), in milliseconds; 0 = no limit. Long
    /// enough for the night shift's largest import.
    pub statement_timeout_ms: Setting<u32>,
    pub lang: Setting<Lang>,
    pub theme: Setting<String>,
    /// A user keymap merged over the embedded defaults.
    pub keymap: Setting<Option<PathBuf>>,
    pub idle_lock_minutes: Setting<u32>,
    pub log_level: Setting<String>,
    /// Where each supervision run appends an anchor of the audit chain (`audit.anchor_file`);
    /// none by default: a center chooses a place the database owner cannot write.
    pub anchor_file: Setting<Option<PathBuf>>,
    /// A shell command each supervision run gives the anchor to on stdin (`audit.anchor_command`,
    /// e.g. `logger -t onewindow-audit`); none by default.
    pub anchor_command: Setting<Option<String>>,
    /// Warning thresholds (预警): yellow when at most this many working days remain…
    pub yellow_days_left: Setting<u32>,
    /// …or when at least this share (percent) of the limit is used.
    pub yellow_percent_used: Setting<u32>,
    /// Fees: the largest amount one line of a receipt file may carry, in whole yuan (either
    /// sign). Default 10,000,000 (一千万元): a million lines of it still sum far inside 64 bits.
    pub max_line_yuan: Setting<i64>,
    /// Fees: a receipt paid more than this many days after today is refused at import. Default
    /// 1 (a clock or time zone a little off); receipts record payments already made.
    pub max_days_ahead: Setting<u32>,
    /// The most materials one item file may list (`catalogue.max_materials`, default 200).
    pub max_materials: Setting<u32>,
    /// The largest file an importer reads, in MB (`import.max_file_mb`, default 64).
    pub max_file_mb: Setting<u32>,
    /// `onewindow serve`: the address and port the SSH server listens on (`serve.listen`).
    pub serve_listen: Setting<String>,
    /// `onewindow serve`: the most sessions at once (`serve.max_sessions`, default 50).
    pub serve_max_sessions: Setting<u32>,
    /// `onewindow serve`: authentication attempts one source address may make a minute.
    pub serve_auth_per_minute: Setting<u32>,
    /// `onewindow serve`: the database connections all sessions share (`serve.pool_size`).
    pub serve_pool_size: Setting<u32>,
    /// `onewindow serve`: minutes a locked session may stay idle before the server ends it
    /// (`serve.idle_close_minutes`, default 30): an abandoned terminal does not hold a session.
    pub serve_idle_close_minutes: Setting<u32>,
    /// Set when NO_COLOR is present and not empty (https://no-color.org).
    pub no_color: bool,
    /// The config file that was read, if any.
    pub file: Option<PathBuf>,
}

/// Values given on the command line.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub config: Option<PathBuf>,
    pub database_url: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub lang: Option<String>,
    pub theme: Option<String>,
    pub keymap: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {path}, line {line}: {message}")]
    File {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("config file {path}: {message}")]
    Unreadable { path: PathBuf, message: String },
    #[error("environment variable {var}: {message}")]
    Env { var: &'static str, message: String },
    #[error("{flag}: {message}")]
    Flag { flag: &'static str, message: String },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    #[serde(default)]
    database: FileDatabase,
    #[serde(default)]
    ui: FileUi,
    #[serde(default)]
    security: FileSecurity,
    #[serde(default)]
    log: FileLog,
    #[serde(default)]
    audit: FileAudit,
    #[serde(default)]
    time_limits: FileTimeLimits,
    #[serde(default)]
    fees: FileFees,
    #[serde(default)]
    catalogue: FileCatalogue,
    #[serde(default)]
    import: FileImport,
    #[serde(default)]
    serve: FileServe,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileServe {
    listen: Option<Spanned<String>>,
    max_sessions: Option<Spanned<i64>>,
    auth_per_minute: Option<Spanned<i64>>,
    pool_size: Option<Spanned<i64>>,
    idle_close_minutes: Option<Spanned<i64>>,
}

/// `serve.listen`: HOST:PORT, checked when read so a typo fails with its line.
pub fn check_listen(v: &str) -> Result<String, String> {
    match v.trim().parse::<std::net::SocketAddr>() {
        Ok(a) => Ok(a.to_string()),
        Err(_) => Err(format!(
            "`{v}` is not an address and port such as 127.0.0.1:2222 or [::1]:2222"
        )),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileImport {
    max_file_mb: Option<Spanned<i64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFees {
    max_line_yuan: Option<Spanned<i64>>,
    max_days_ahead: Option<Spanned<i64>>,
}

/// The largest per-line maximum: the importer reads at most 12 digits of yuan.
const MAX_LINE_YUAN_LIMIT: i64 = 1_000_000_000_000;

fn check_max_line_yuan(n: i64) -> Result<i64, String> {
    if (1..=MAX_LINE_YUAN_LIMIT).contains(&n) {
        Ok(n)
    } else {
        Err(format!(
            "must be between 1 and {MAX_LINE_YUAN_LIMIT} (whole yuan), got {n}"
        ))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCatalogue {
    max_materials: Option<Spanned<i64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileTimeLimits {
    yellow_days_left: Option<Spanned<i64>>,
    yellow_percent_used: Option<Spanned<i64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDatabase {
    url: Option<Spanned<String>>,
    data_dir: Option<Spanned<String>>,
    name: Option<Spanned<String>>,
    lock_timeout_ms: Option<Spanned<i64>>,
    statement_timeout_ms: Option<Spanned<i64>>,
}

/// Defaults of the database timeouts: a lock held longer than 10 s is a stuck session, not
/// contention; 5 minutes covers a million-line receipt import (17 s measured) many times over.
pub const DEFAULT_LOCK_TIMEOUT_MS: u32 = 10_000;
pub const DEFAULT_STATEMENT_TIMEOUT_MS: u32 = 300_000;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileUi {
    lang: Option<Spanned<String>>,
    theme: Option<Spanned<String>>,
    keymap: Option<Spanned<String>>,
}

/// Why a client may not set the lockout (issue 15.5).
const SERVER_RULE: &str = "the lockout is a server rule now (table sign_in_policy, docs/operations.md); \
                           no client file or environment can change it — remove it here";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSecurity {
    max_failed_logins: Option<Spanned<i64>>,
    lockout_minutes: Option<Spanned<i64>>,
    idle_lock_minutes: Option<Spanned<i64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileAudit {
    anchor_file: Option<Spanned<String>>,
    anchor_command: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLog {
    level: Option<Spanned<String>>,
}

/// Theme names shipped in themes/; checked here so a typo fails at start with its line.
pub const THEMES: [&str; 4] = ["default", "light", "high-contrast", "mono"];

/// 1-based line number of a byte offset, for messages about configuration files.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Where configuration lives: $XDG_CONFIG_HOME/onewindow, else ~/.config/onewindow.
pub fn config_dir(env: &impl Fn(&str) -> Option<String>) -> PathBuf {
    match env("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        Some(d) => PathBuf::from(d).join("onewindow"),
        None => home(env).join(".config").join("onewindow"),
    }
}

/// Where data lives: $XDG_DATA_HOME/onewindow, else ~/.local/share/onewindow. As root with no
/// XDG_DATA_HOME it is /var/lib/onewindow instead: the embedded server then runs as the `postgres`
/// user, who cannot enter root's home directory (mode 700).
pub fn default_data_dir(env: &impl Fn(&str) -> Option<String>, is_root: bool) -> PathBuf {
    match env("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        Some(d) => PathBuf::from(d).join("onewindow"),
        None if is_root => PathBuf::from("/var/lib/onewindow"),
        None => home(env).join(".local").join("share").join("onewindow"),
    }
}

fn home(env: &impl Fn(&str) -> Option<String>) -> PathBuf {
    env("HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn check_minutes(n: i64, what: &str) -> Result<u32, String> {
    if (1..=24 * 60).contains(&n) {
        Ok(n as u32)
    } else {
        Err(format!("{what} must be between 1 and 1440, got {n}"))
    }
}

fn check_range(n: i64, lo: i64, hi: i64) -> Result<u32, String> {
    if (lo..=hi).contains(&n) {
        Ok(n as u32)
    } else {
        Err(format!("must be between {lo} and {hi}, got {n}"))
    }
}

/// 0 (no limit) or 1 s to 24 h.
fn check_statement_timeout(n: i64) -> Result<u32, String> {
    if n == 0 {
        Ok(0)
    } else {
        check_range(n, 1_000, 86_400_000)
    }
}

fn check_theme(name: &str) -> Result<String, String> {
    if THEMES.contains(&name) {
        Ok(name.to_string())
    } else {
        Err(format!(
            "unknown theme `{name}` (expected one of: {})",
            THEMES.join(", ")
        ))
    }
}

fn check_level(level: &str) -> Result<String, String> {
    match level {
        "error" | "warn" | "info" | "debug" | "trace" => Ok(level.to_string()),
        _ => Err(format!(
            "unknown log level `{level}` (expected error, warn, info, debug or trace)"
        )),
    }
}

impl Settings {
    /// Loads the settings from the real process environment.
    pub fn load(flags: &Flags) -> Result<Settings, ConfigError> {
        let is_root = unsafe { libc::geteuid() } == 0;
        Settings::load_with(flags, &|k| std::env::var(k).ok(), is_root)
    }

    /// Loads the settings with an injected environment (tests pass their own).
    pub fn load_with(
        flags: &Flags,
        env: &impl Fn(&str) -> Option<String>,
        is_root: bool,
    ) -> Result<Settings, ConfigError> {
        let mut s = Settings {
            database_url: Setting::default(None),
            data_dir: Setting::default(default_data_dir(env, is_root)),
            database_name: Setting::default("onewindow".to_string()),
            lock_timeout_ms: Setting::default(DEFAULT_LOCK_TIMEOUT_MS),
            statement_timeout_ms: Setting::default(DEFAULT_STATEMENT_TIMEOUT_MS),
            lang: Setting::default(Lang::from_locale_env(env)),
            theme: Setting::default("default".to_string()),
            keymap: Setting::default(None),
            idle_lock_minutes: Setting::default(10),
            log_level: Setting::default("info".to_string()),
            anchor_file: Setting::default(None),
            anchor_command: Setting::default(None),
            yellow_days_left: Setting::default(2),
            yellow_percent_used: Setting::default(75),
            max_line_yuan: Setting::default(
                crate::domain::fees::receipt_file::DEFAULT_MAX_LINE_FEN / 100,
            ),
            max_days_ahead: Setting::default(
                crate::domain::fees::receipt_file::DEFAULT_MAX_DAYS_AHEAD,
            ),
            max_materials: Setting::default(
                crate::domain::catalogue::item_file::DEFAULT_MAX_MATERIALS as u32,
            ),
            max_file_mb: Setting::default(crate::files::DEFAULT_MAX_FILE_MB),
            serve_listen: Setting::default("127.0.0.1:2222".to_string()),
            serve_max_sessions: Setting::default(50),
            serve_auth_per_minute: Setting::default(10),
            serve_pool_size: Setting::default(10),
            serve_idle_close_minutes: Setting::default(30),
            no_color: env("NO_COLOR").is_some_and(|v| !v.is_empty()),
            file: None,
        };
        let cfg_dir = config_dir(env);
        let default_keymap = cfg_dir.join("keymap.toml");
        if default_keymap.is_file() {
            s.keymap.value = Some(default_keymap);
        }

        // The file named by --config must exist; the default one may be absent.
        let (path, required) = match &flags.config {
            Some(p) => (p.clone(), true),
            None => match env("ONEWINDOW_CONFIG").filter(|v| !v.is_empty()) {
                Some(p) => (PathBuf::from(p), true),
                None => (cfg_dir.join("config.toml"), false),
            },
        };
        // Through the shared reader (the default maximum: the file that would raise it is this
        // one) and decoder, so a binary config names its first bad byte.
        match crate::files::read(&path, crate::files::DEFAULT_MAX_FILE_MB) {
            Ok(bytes) => {
                let text =
                    crate::domain::file_text::utf8(&bytes).map_err(|e| ConfigError::File {
                        path: path.clone(),
                        line: e.line,
                        message: format!("column {}: {}", e.column, e.message),
                    })?;
                s.apply_file(&path, text)?;
                s.file = Some(path);
            }
            Err(crate::files::ReadError::Io { source, .. })
                if !required && source.kind() == std::io::ErrorKind::NotFound => {}
            Err(crate::files::ReadError::Io { source, .. }) => {
                return Err(ConfigError::Unreadable {
                    path,
                    message: source.to_string(),
                });
            }
            Err(e) => {
                return Err(ConfigError::Unreadable {
                    path,
                    message: e.to_string(),
                });
            }
        }
        s.apply_env(env)?;
        s.apply_flags(flags)?;
        Ok(s)
    }

    fn apply_file(&mut self, path: &Path, text: &str) -> Result<(), ConfigError> {
        let file_err = |offset: usize, message: String| ConfigError::File {
            path: path.to_path_buf(),
            line: line_of(text, offset),
            message,
        };
        let cfg: FileConfig = toml::from_str(text).map_err(|e| {
            let offset = e.span().map(|r| r.start).unwrap_or(0);
            file_err(offset, e.message().trim().to_string())
        })?;
        let src = || Source::File(path.to_path_buf());
        // Validates a spanned value and names its key on failure.
        fn take<T, U>(
            v: &Option<Spanned<T>>,
            key: &str,
            check: impl Fn(&T) -> Result<U, String>,
            err: &impl Fn(usize, String) -> ConfigError,
        ) -> Result<Option<U>, ConfigError> {
            match v {
                None => Ok(None),
                Some(sp) => check(sp.get_ref())
                    .map(Some)
                    .map_err(|m| err(sp.span().start, format!("key `{key}`: {m}"))),
            }
        }
        if let Some(v) = take(
            &cfg.database.url,
            "database.url",
            |u| Ok(u.clone()),
            &file_err,
        )? {
            self.database_url.set(Some(v), src());
        }
        if let Some(v) = take(
            &cfg.database.data_dir,
            "database.data_dir",
            |d| Ok(PathBuf::from(d)),
            &file_err,
        )? {
            self.data_dir.set(v, src());
        }
        if let Some(v) = take(
            &cfg.database.name,
            "database.name",
            |n| check_db_name(n),
            &file_err,
        )? {
            self.database_name.set(v, src());
        }
        // Lock waits of 100 ms to 10 minutes; 0 (wait forever) is the hang this setting prevents.
        if let Some(v) = take(
            &cfg.database.lock_timeout_ms,
            "database.lock_timeout_ms",
            |n| check_range(*n, 100, 600_000),
            &file_err,
        )? {
            self.lock_timeout_ms.set(v, src());
        }
        if let Some(v) = take(
            &cfg.database.statement_timeout_ms,
            "database.statement_timeout_ms",
            |n| check_statement_timeout(*n),
            &file_err,
        )? {
            self.statement_timeout_ms.set(v, src());
        }
        if let Some(v) = take(&cfg.ui.lang, "ui.lang", |l| l.parse::<Lang>(), &file_err)? {
            self.lang.set(v, src());
        }
        if let Some(v) = take(&cfg.ui.theme, "ui.theme", |t| check_theme(t), &file_err)? {
            self.theme.set(v, src());
        }
        if let Some(v) = take(
            &cfg.ui.keymap,
            "ui.keymap",
            |k| Ok(PathBuf::from(k)),
            &file_err,
        )? {
            self.keymap.set(Some(v), src());
        }
        // Sign-in rules are the server's (issue 15.5): a client file naming one is refused, so
        // nobody believes a local value had any effect.
        for (value, key) in [
            (
                &cfg.security.max_failed_logins,
                "security.max_failed_logins",
            ),
            (&cfg.security.lockout_minutes, "security.lockout_minutes"),
        ] {
            take(
                value,
                key,
                |_| Err::<(), _>(SERVER_RULE.to_string()),
                &file_err,
            )?;
        }
        if let Some(v) = take(
            &cfg.security.idle_lock_minutes,
            "security.idle_lock_minutes",
            |n| check_minutes(*n, "idle_lock_minutes"),
            &file_err,
        )? {
            self.idle_lock_minutes.set(v, src());
        }
        if let Some(v) = take(&cfg.log.level, "log.level", |l| check_level(l), &file_err)? {
            self.log_level.set(v, src());
        }
        if let Some(v) = take(
            &cfg.audit.anchor_file,
            "audit.anchor_file",
            |p| Ok(PathBuf::from(p)),
            &file_err,
        )? {
            self.anchor_file.set(Some(v), src());
        }
        if let Some(v) = take(
            &cfg.audit.anchor_command,
            "audit.anchor_command",
            |c| Ok(c.clone()),
            &file_err,
        )? {
            self.anchor_command.set(Some(v), src());
        }
        if let Some(v) = take(
            &cfg.time_limits.yellow_days_left,
            "time_limits.yellow_days_left",
            |n| check_range(*n, 0, 60),
            &file_err,
        )? {
            self.yellow_days_left.set(v, src());
        }
        if let Some(v) = take(
            &cfg.time_limits.yellow_percent_used,
            "time_limits.yellow_percent_used",
            |n| check_range(*n, 1, 100),
            &file_err,
        )? {
            self.yellow_percent_used.set(v, src());
        }
        if let Some(v) = take(
            &cfg.fees.max_line_yuan,
            "fees.max_line_yuan",
            |n| check_max_line_yuan(*n),
            &file_err,
        )? {
            self.max_line_yuan.set(v, src());
        }
        if let Some(v) = take(
            &cfg.fees.max_days_ahead,
            "fees.max_days_ahead",
            |n| check_range(*n, 0, 366),
            &file_err,
        )? {
            self.max_days_ahead.set(v, src());
        }
        if let Some(v) = take(
            &cfg.catalogue.max_materials,
            "catalogue.max_materials",
            |n| check_range(*n, 1, 10_000),
            &file_err,
        )? {
            self.max_materials.set(v, src());
        }
        if let Some(v) = take(
            &cfg.import.max_file_mb,
            "import.max_file_mb",
            |n| check_range(*n, 1, 4096),
            &file_err,
        )? {
            self.max_file_mb.set(v, src());
        }
        if let Some(v) = take(
            &cfg.serve.listen,
            "serve.listen",
            |l| check_listen(l),
            &file_err,
        )? {
            self.serve_listen.set(v, src());
        }
        if let Some(v) = take(
            &cfg.serve.max_sessions,
            "serve.max_sessions",
            |n| check_range(*n, 1, 10_000),
            &file_err,
        )? {
            self.serve_max_sessions.set(v, src());
        }
        if let Some(v) = take(
            &cfg.serve.auth_per_minute,
            "serve.auth_per_minute",
            |n| check_range(*n, 1, 1000),
            &file_err,
        )? {
            self.serve_auth_per_minute.set(v, src());
        }
        if let Some(v) = take(
            &cfg.serve.pool_size,
            "serve.pool_size",
            |n| check_range(*n, 2, 500),
            &file_err,
        )? {
            self.serve_pool_size.set(v, src());
        }
        if let Some(v) = take(
            &cfg.serve.idle_close_minutes,
            "serve.idle_close_minutes",
            |n| check_minutes(*n, "serve.idle_close_minutes"),
            &file_err,
        )? {
            self.serve_idle_close_minutes.set(v, src());
        }
        Ok(())
    }

    fn apply_env(&mut self, env: &impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        let get = |var: &'static str| env(var).filter(|v| !v.is_empty()).map(|v| (var, v));
        let bad = |var: &'static str| move |message: String| ConfigError::Env { var, message };
        let num = |var: &'static str, v: &str| {
            v.trim()
                .parse::<i64>()
                .map_err(|_| bad(var)(format!("`{v}` is not a whole number")))
        };
        // ONEWINDOW_DATABASE_URL is more specific than the conventional DATABASE_URL.
        for var in ["DATABASE_URL", "ONEWINDOW_DATABASE_URL"] {
            if let Some((var, v)) = get(var) {
                self.database_url.set(Some(v), Source::Env(var));
            }
        }
        if let Some((var, v)) = get("ONEWINDOW_DATA_DIR") {
            self.data_dir.set(PathBuf::from(v), Source::Env(var));
        }
        if let Some((var, v)) = get("ONEWINDOW_DATABASE_NAME") {
            self.database_name
                .set(check_db_name(&v).map_err(bad(var))?, Source::Env(var));
        }
        if let Some((var, v)) = get("ONEWINDOW_LANG") {
            self.lang
                .set(v.parse().map_err(bad(var))?, Source::Env(var));
        }
        if let Some((var, v)) = get("ONEWINDOW_THEME") {
            self.theme
                .set(check_theme(&v).map_err(bad(var))?, Source::Env(var));
        }
        if let Some((var, v)) = get("ONEWINDOW_KEYMAP") {
            self.keymap.set(Some(PathBuf::from(v)), Source::Env(var));
        }
        // The environment cannot change sign-in rules: refused, not silently ignored.
        for var in ["ONEWINDOW_MAX_FAILED_LOGINS", "ONEWINDOW_LOCKOUT_MINUTES"] {
            if get(var).is_some() {
                return Err(bad(var)(SERVER_RULE.to_string()));
            }
        }
        if let Some((var, v)) = get("ONEWINDOW_IDLE_LOCK_MINUTES") {
            let n = check_minutes(num(var, &v)?, "idle lock minutes").map_err(bad(var))?;
            self.idle_lock_minutes.set(n, Source::Env(var));
        }
        if let Some((var, v)) = get("ONEWINDOW_YELLOW_DAYS_LEFT") {
            let n = check_range(num(var, &v)?, 0, 60).map_err(bad(var))?;
            self.yellow_days_left.set(n, Source::Env(var));
        }
        if let Some((var, v)) = get("ONEWINDOW_YELLOW_PERCENT_USED") {
            let n = check_range(num(var, &v)?, 1, 100).map_err(bad(var))?;
            self.yellow_percent_used.set(n, Source::Env(var));
        }
        if let Some((var, v)) = get("ONEWINDOW_FEES_MAX_LINE_YUAN") {
            let n = check_max_line_yuan(num(var, &v)?).map_err(bad(var))?;
            self.max_line_yuan.set(n, Source::Env(var));
        }
        if let Some((var, v)) = get("ONEWINDOW_FEES_MAX_DAYS_AHEAD") {
            let n = check_range(num(var, &v)?, 0, 366).map_err(bad(var))?;
            self.max_days_ahead.set(n, Source::Env(var));
        }
        if let Some((var, v)) = get("ONEWINDOW_CATALOGUE_MAX_MATERIALS") {
            let n = check_range(num(var, &v)?, 1, 10_000).map_err(bad(var))?;
            self.max_materials.set(n, Source::Env(var));
        }
        if let Some((var, v)) = get("ONEWINDOW_IMPORT_MAX_FILE_MB") {
            let n = check_range(num(var, &v)?, 1, 4096).map_err(bad(var))?;
            self.max_file_mb.set(n, Source::Env(var));
        }
        if let Some((var, v)) = get("ONEWINDOW_SERVE_LISTEN") {
            self.serve_listen
                .set(check_listen(&v).map_err(bad(var))?, Source::Env(var));
        }
        if let Some((var, v)) = get("ONEWINDOW_SERVE_MAX_SESSIONS") {
            let n = check_range(num(var, &v)?, 1, 10_000).map_err(bad(var))?;
            self.serve_max_sessions.set(n, Source::Env(var));
        }
        if let Some((var, v)) = get("ONEWINDOW_SERVE_IDLE_CLOSE_MINUTES") {
            let n = check_minutes(num(var, &v)?, "serve idle close minutes").map_err(bad(var))?;
            self.serve_idle_close_minutes.set(n, Source::Env(var));
        }
        if let Some((var, v)) = get("ONEWINDOW_LOCK_TIMEOUT_MS") {
            let n = check_range(num(var, &v)?, 100, 600_000).map_err(bad(var))?;
            self.lock_timeout_ms.set(n, Source::Env(var));
        }
        if let Some((var, v)) = get("ONEWINDOW_STATEMENT_TIMEOUT_MS") {
            let n = check_statement_timeout(num(var, &v)?).map_err(bad(var))?;
            self.statement_timeout_ms.set(n, Source::Env(var));
        }
        if let Some((var, v)) = get("ONEWINDOW_AUDIT_ANCHOR_FILE") {
            self.anchor_file
                .set(Some(PathBuf::from(v)), Source::Env(var));
        }
        if let Some((var, v)) = get("ONEWINDOW_AUDIT_ANCHOR_COMMAND") {
            self.anchor_command.set(Some(v), Source::Env(var));
        }
        if let Some((var, v)) = get("ONEWINDOW_LOG") {
            self.log_level
                .set(check_level(&v).map_err(bad(var))?, Source::Env(var));
        }
        Ok(())
    }

    fn apply_flags(&mut self, flags: &Flags) -> Result<(), ConfigError> {
        if let Some(u) = &flags.database_url {
            // A password on the command line shows in `ps` to every user of the machine.
            if url_has_password(u) {
                return Err(ConfigError::Flag {
                    flag: "--database-url",
                    message: "a password on the command line is visible to every user in `ps`; \
                              give the URL without it and put the password in a password file \
                              (~/.pgpass, or the file PGPASSFILE names), or set DATABASE_URL in \
                              the environment or database.url in the config file"
                        .into(),
                });
            }
            self.database_url
                .set(Some(u.clone()), Source::Flag("--database-url"));
        }
        if let Some(d) = &flags.data_dir {
            self.data_dir.set(d.clone(), Source::Flag("--data-dir"));
        }
        if let Some(l) = &flags.lang {
            let lang = l.parse().map_err(|message| ConfigError::Flag {
                flag: "--lang",
                message,
            })?;
            self.lang.set(lang, Source::Flag("--lang"));
        }
        if let Some(t) = &flags.theme {
            let theme = check_theme(t).map_err(|message| ConfigError::Flag {
                flag: "--theme",
                message,
            })?;
            self.theme.set(theme, Source::Flag("--theme"));
        }
        if let Some(k) = &flags.keymap {
            self.keymap.set(Some(k.clone()), Source::Flag("--keymap"));
        }
        Ok(())
    }

    /// The effective settings as `key = value  # source` lines; passwords in URLs are hidden.
    pub fn show(&self) -> String {
        let mut rows: Vec<(&str, String, &Source)> = vec![
            (
                "database.url",
                match &self.database_url.value {
                    Some(u) => redact_url(u),
                    None => "(embedded default server)".to_string(),
                },
                &self.database_url.source,
            ),
            (
                "database.data_dir",
                self.data_dir.value.display().to_string(),
                &self.data_dir.source,
            ),
            (
                "database.name",
                self.database_name.value.clone(),
                &self.database_name.source,
            ),
            (
                "database.lock_timeout_ms",
                self.lock_timeout_ms.value.to_string(),
                &self.lock_timeout_ms.source,
            ),
            (
                "database.statement_timeout_ms",
                self.statement_timeout_ms.value.to_string(),
                &self.statement_timeout_ms.source,
            ),
            ("ui.lang", self.lang.value.to_string(), &self.lang.source),
            ("ui.theme", self.theme.value.clone(), &self.theme.source),
            (
                "ui.keymap",
                self.keymap
                    .value
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "(embedded defaults)".into()),
                &self.keymap.source,
            ),
            (
                "security.idle_lock_minutes",
                self.idle_lock_minutes.value.to_string(),
                &self.idle_lock_minutes.source,
            ),
            (
                "log.level",
                self.log_level.value.clone(),
                &self.log_level.source,
            ),
            (
                "audit.anchor_file",
                self.anchor_file
                    .value
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "(none)".into()),
                &self.anchor_file.source,
            ),
            (
                "audit.anchor_command",
                self.anchor_command
                    .value
                    .clone()
                    .unwrap_or_else(|| "(none)".into()),
                &self.anchor_command.source,
            ),
            (
                "time_limits.yellow_days_left",
                self.yellow_days_left.value.to_string(),
                &self.yellow_days_left.source,
            ),
            (
                "time_limits.yellow_percent_used",
                self.yellow_percent_used.value.to_string(),
                &self.yellow_percent_used.source,
            ),
            (
                "fees.max_line_yuan",
                self.max_line_yuan.value.to_string(),
                &self.max_line_yuan.source,
            ),
            (
                "fees.max_days_ahead",
                self.max_days_ahead.value.to_string(),
                &self.max_days_ahead.source,
            ),
            (
                "catalogue.max_materials",
                self.max_materials.value.to_string(),
                &self.max_materials.source,
            ),
            (
                "import.max_file_mb",
                self.max_file_mb.value.to_string(),
                &self.max_file_mb.source,
            ),
            (
                "serve.listen",
                self.serve_listen.value.clone(),
                &self.serve_listen.source,
            ),
            (
                "serve.max_sessions",
                self.serve_max_sessions.value.to_string(),
                &self.serve_max_sessions.source,
            ),
            (
                "serve.auth_per_minute",
                self.serve_auth_per_minute.value.to_string(),
                &self.serve_auth_per_minute.source,
            ),
            (
                "serve.pool_size",
                self.serve_pool_size.value.to_string(),
                &self.serve_pool_size.source,
            ),
            (
                "serve.idle_close_minutes",
                self.serve_idle_close_minutes.value.to_string(),
                &self.serve_idle_close_minutes.source,
            ),
        ];
        let effective_theme = if self.no_color {
            "mono (NO_COLOR is set)".to_string()
        } else {
            self.theme.value.clone()
        };
        let no_color_source = Source::Env("NO_COLOR");
        if self.no_color {
            rows.push(("ui.effective_theme", effective_theme, &no_color_source));
        }
        let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
        let mut out = String::new();
        match &self.file {
            Some(f) => out.push_str(&format!("# config file: {}\n", f.display())),
            None => out.push_str("# config file: none\n"),
        }
        for (k, v, src) in rows {
            out.push_str(&format!("{k:<width$} = {v}    # {src}\n"));
        }
        out
    }

    pub fn thresholds(&self) -> crate::domain::time::calendar::Thresholds {
        crate::domain::time::calendar::Thresholds {
            yellow_days_left: self.yellow_days_left.value,
            yellow_percent_used: self.yellow_percent_used.value,
        }
    }

    /// The import rules the fee settings make (docs/reconciliation.md).
    pub fn receipt_rules(&self) -> crate::domain::fees::receipt_file::Rules {
        crate::domain::fees::receipt_file::Rules {
            // At most 10^12 yuan (checked when read): 10^14 fen, no overflow.
            max_line_fen: self.max_line_yuan.value.saturating_mul(100),
            max_days_ahead: self.max_days_ahead.value,
        }
    }

    pub fn log_dir(&self) -> PathBuf {
        self.data_dir.value.join("logs")
    }

    /// The theme actually used: NO_COLOR overrides any choice.
    pub fn effective_theme(&self) -> &str {
        if self.no_color {
            "mono"
        } else {
            &self.theme.value
        }
    }
}

fn check_db_name(n: &str) -> Result<String, String> {
    if !n.is_empty()
        && n.len() <= 63
        && n.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        Ok(n.to_string())
    } else {
        Err(format!(
            "`{n}` is not a valid database name (lower-case letters, digits, _; at most 63)"
        ))
    }
}

/// A database URL or connection string as it may be shown (`config show`, `db status`, logs):
/// every credential form hidden — the password of `user:password@` (even one containing `@`,
/// `:` or `/`, unencoded), `password=` in the query or in a `key=value` connection string, and
/// `sslpassword=`.
pub fn redact_url(url: &str) -> String {
    // key=value parameters: in the query (`?a=b&password=x`) or a libpq string (`password=x`).
    let mask_params = |text: &str, sep: char| -> String {
        text.split(sep)
            .map(|p| match p.split_once('=') {
                Some((k, _)) if is_secret_key(k.trim()) => format!("{k}=****"),
                _ => p.to_string(),
            })
            .collect::<Vec<_>>()
            .join(&sep.to_string())
    };
    let Some(scheme_end) = url.find("://") else {
        return mask_params(url, ' ');
    };
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let rest = &base[scheme_end + 3..];
    // The userinfo ends at the LAST '@' before the query: a password may hold '@' unencoded.
    let redacted_base = match rest.rfind('@') {
        Some(at) => {
            let userinfo = &rest[..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}://{}:****{}",
                    &base[..scheme_end],
                    &userinfo[..colon],
                    &rest[at..]
                ),
                None => base.to_string(),
            }
        }
        None => base.to_string(),
    };
    match query {
        Some(q) => format!("{redacted_base}?{}", mask_params(q, '&')),
        None => redacted_base,
    }
}

fn is_secret_key(k: &str) -> bool {
    ["password", "sslpassword", "pass", "pwd"]
        .iter()
        .any(|s| k.eq_ignore_ascii_case(s))
}

/// True when a database URL carries a password itself (in its userinfo or its query): such a URL
/// on a command line is readable by every user of the machine in `ps`.
pub fn url_has_password(url: &str) -> bool {
    redact_url(url) != url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            redact_url("postgres://ow:s3cret@db.example:5432/onewindow"),
            "postgres://ow:****@db.example:5432/onewindow"
        );
        assert_eq!(
            redact_url("postgres://ow@db/onewindow"),
            "postgres://ow@db/onewindow"
        );
        assert_eq!(
            redact_url("postgres://db/onewindow?user=ow&password=s3cret&sslmode=require"),
            "postgres://db/onewindow?user=ow&password=****&sslmode=require"
        );
        // Issue 15.6: a password with '@' (and ':' and '/') leaked its tail.
        assert_eq!(
            redact_url("postgres://ow:p@ss:w/rd@db/onewindow"),
            "postgres://ow:****@db/onewindow"
        );
        assert_eq!(
            redact_url("host=db user=ow password=s3cret dbname=onewindow"),
            "host=db user=ow password=**** dbname=onewindow"
        );
        assert_eq!(
            redact_url("postgresql://ow@db/x?sslpassword=k&PASSWORD=s"),
            "postgresql://ow@db/x?sslpassword=****&PASSWORD=****"
        );
        assert!(url_has_password("postgres://ow:x@db/o"));
        assert!(!url_has_password("postgres://ow@db/o?sslmode=require"));
    }

    #[test]
    fn line_numbers_count_from_one() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 4), 3);
    }

    #[test]
    fn root_without_xdg_uses_var_lib() {
        let env = |k: &str| (k == "HOME").then(|| "/root".to_string());
        assert_eq!(
            default_data_dir(&env, true),
            PathBuf::from("/var/lib/onewindow")
        );
        assert_eq!(
            default_data_dir(&env, false),
            PathBuf::from("/root/.local/share/onewindow")
        );
    }
}
