//! Configuration: precedence, fixtures of good and bad files, and the keymap files.

use std::path::{Path, PathBuf};

use onewindow::config::{ConfigError, Flags, Settings, Source};
use onewindow::i18n::Lang;
use onewindow::ui::keymap::{Command, Context, Key, Keymap};

fn fixture(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(p)
}

fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |k| {
        pairs
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.to_string())
    }
}

fn with_file(name: &str) -> Flags {
    Flags {
        config: Some(fixture(name)),
        ..Flags::default()
    }
}

#[test]
fn defaults_when_nothing_is_given() {
    let s = Settings::load_with(&Flags::default(), &env(&[("HOME", "/home/li")]), false).unwrap();
    assert_eq!(s.database_url.value, None);
    assert_eq!(
        s.data_dir.value,
        PathBuf::from("/home/li/.local/share/onewindow")
    );
    assert_eq!(s.idle_lock_minutes.value, 10);
    assert_eq!(s.theme.value, "default");
    assert_eq!(s.lang.value, Lang::En);
    assert_eq!(s.idle_lock_minutes.source, Source::Default);
}

#[test]
fn file_beats_defaults_env_beats_file_flags_beat_env() {
    let flags = with_file("config/valid/full.toml");
    let s = Settings::load_with(&flags, &env(&[]), false).unwrap();
    assert_eq!(s.theme.value, "light");
    assert!(matches!(s.theme.source, Source::File(_)));
    assert_eq!(s.idle_lock_minutes.value, 5);

    let e = env(&[
        ("ONEWINDOW_THEME", "mono"),
        ("DATABASE_URL", "postgres://env@h/db"),
        ("ONEWINDOW_IDLE_LOCK_MINUTES", "7"),
    ]);
    let s = Settings::load_with(&flags, &e, false).unwrap();
    assert_eq!(s.theme.value, "mono");
    assert_eq!(s.theme.source, Source::Env("ONEWINDOW_THEME"));
    assert_eq!(s.database_url.value.as_deref(), Some("postgres://env@h/db"));
    assert_eq!(s.idle_lock_minutes.value, 7);
    assert_eq!(s.lang.value, Lang::En, "still from the file");

    let flags = Flags {
        theme: Some("high-contrast".into()),
        database_url: Some("postgres://flag@h/db".into()),
        lang: Some("zh-CN".into()),
        ..with_file("config/valid/full.toml")
    };
    let s = Settings::load_with(&flags, &e, false).unwrap();
    assert_eq!(s.theme.value, "high-contrast");
    assert_eq!(s.theme.source, Source::Flag("--theme"));
    assert_eq!(
        s.database_url.value.as_deref(),
        Some("postgres://flag@h/db")
    );
    assert_eq!(s.lang.value, Lang::ZhCn);
}

#[test]
fn lang_follows_the_locale_unless_set() {
    let s =
        Settings::load_with(&Flags::default(), &env(&[("LANG", "zh_CN.UTF-8")]), false).unwrap();
    assert_eq!(s.lang.value, Lang::ZhCn);
}

#[test]
fn no_color_forces_mono() {
    let s = Settings::load_with(&Flags::default(), &env(&[("NO_COLOR", "1")]), false).unwrap();
    assert_eq!(s.effective_theme(), "mono");
    let s = Settings::load_with(&Flags::default(), &env(&[("NO_COLOR", "")]), false).unwrap();
    assert_eq!(
        s.effective_theme(),
        "default",
        "an empty NO_COLOR does not count"
    );
}

#[test]
fn show_hides_the_password_and_names_sources() {
    let s = Settings::load_with(&with_file("config/valid/full.toml"), &env(&[]), false).unwrap();
    let out = s.show();
    assert!(!out.contains("s3cret"), "{out}");
    assert!(
        out.contains("postgres://ow:****@db.example:5432/onewindow"),
        "{out}"
    );
    assert!(out.contains("full.toml"), "{out}");
    let value = |key: &str| {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(key))
            .and_then(|l| l.split_whitespace().nth(2))
            .map(str::to_string)
    };
    assert_eq!(value("security.idle_lock_minutes").as_deref(), Some("5"));
    assert_eq!(
        value("security.lockout_minutes"),
        None,
        "a server rule, not shown as local"
    );
    assert_eq!(value("time_limits.yellow_days_left").as_deref(), Some("3"));
    let t = s.thresholds();
    assert_eq!((t.yellow_days_left, t.yellow_percent_used), (3, 80));
}

#[test]
fn every_valid_fixture_loads() {
    for f in std::fs::read_dir(fixture("config/valid")).unwrap() {
        let path = f.unwrap().path();
        let flags = Flags {
            config: Some(path.clone()),
            ..Flags::default()
        };
        Settings::load_with(&flags, &env(&[]), false)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

fn file_error(name: &str) -> (usize, String) {
    match Settings::load_with(&with_file(name), &env(&[]), false).unwrap_err() {
        ConfigError::File { line, message, .. } => (line, message),
        other => panic!("{name}: {other}"),
    }
}

#[test]
fn bad_files_name_the_line_and_the_key() {
    let (line, msg) = file_error("config/invalid/unknown_key.toml");
    assert_eq!(line, 3);
    assert!(msg.contains("colour"), "{msg}");

    let (line, msg) = file_error("config/invalid/bad_lang.toml");
    assert_eq!(line, 5);
    assert!(msg.contains("ui.lang") && msg.contains("fr"), "{msg}");

    let (line, msg) = file_error("config/invalid/wrong_type.toml");
    assert_eq!(line, 2);
    assert!(msg.contains("invalid type"), "{msg}");

    let (line, msg) = file_error("config/invalid/out_of_range.toml");
    assert_eq!(line, 2);
    assert!(msg.contains("security.idle_lock_minutes"), "{msg}");

    // Issue 15.5: the lockout cannot be set (weakened) by a client's file.
    let (line, msg) = file_error("config/invalid/server_rule.toml");
    assert_eq!(line, 3);
    assert!(msg.contains("sign_in_policy"), "{msg}");

    let (line, _) = file_error("config/invalid/syntax.toml");
    assert_eq!(line, 1);

    let (line, msg) = file_error("config/invalid/yellow_percent_zero.toml");
    assert_eq!(line, 3);
    assert!(
        msg.contains("time_limits.yellow_percent_used") && msg.contains("between 1 and 100"),
        "{msg}"
    );
}

#[test]
fn a_missing_config_file_given_by_flag_is_an_error() {
    let e = Settings::load_with(&with_file("config/nope.toml"), &env(&[]), false).unwrap_err();
    assert!(matches!(e, ConfigError::Unreadable { .. }), "{e}");
}

#[test]
fn bad_environment_values_name_the_variable() {
    let e = Settings::load_with(
        &Flags::default(),
        &env(&[("ONEWINDOW_IDLE_LOCK_MINUTES", "soon")]),
        false,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "environment variable ONEWINDOW_IDLE_LOCK_MINUTES: `soon` is not a whole number"
    );
    // Issue 15.5: ONEWINDOW_MAX_FAILED_LOGINS=100 gave 100 guesses a minute; now it is refused.
    for (var, pairs) in [
        (
            "ONEWINDOW_MAX_FAILED_LOGINS",
            &[("ONEWINDOW_MAX_FAILED_LOGINS", "100")],
        ),
        (
            "ONEWINDOW_LOCKOUT_MINUTES",
            &[("ONEWINDOW_LOCKOUT_MINUTES", "100")],
        ),
    ] {
        let e = Settings::load_with(&Flags::default(), &env(pairs), false).unwrap_err();
        assert!(
            e.to_string().contains(var) && e.to_string().contains("sign_in_policy"),
            "{e}"
        );
    }
}

#[test]
fn user_keymap_merges_over_the_defaults() {
    let k = Keymap::load(Some(&fixture("keymap/valid.toml"))).unwrap();
    let g = [Context::List, Context::Global];
    assert_eq!(
        k.lookup(&g, &Key::parse("f10").unwrap()),
        Some(Command::Quit)
    );
    assert_eq!(k.lookup(&g, &Key::parse("q").unwrap()), None);
    assert_eq!(k.lookup(&g, &Key::parse("h").unwrap()), Some(Command::Help));
    assert_eq!(
        k.lookup(&g, &Key::parse("?").unwrap()),
        Some(Command::Help),
        "defaults stay"
    );
}

#[test]
fn bad_keymap_is_a_clear_error() {
    let e = Keymap::load(Some(&fixture("keymap/invalid.toml"))).unwrap_err();
    assert_eq!(e.line, Some(6));
    let text = e.to_string();
    assert!(
        text.contains("invalid.toml, line 6") && text.contains("[list]"),
        "{text}"
    );
}
