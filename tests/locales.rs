//! Every string exists in both languages.

use onewindow::domain::accounts::role::Role;
use onewindow::i18n::{Lang, tr};
use onewindow::ui::app::Screen;
use onewindow::ui::keymap::{Command, Context};

#[test]
fn every_key_in_the_file_has_both_languages() {
    let text = include_str!("../locales/app.yml");
    let mut key: Option<&str> = None;
    let mut langs: Vec<&str> = vec![];
    let check = |key: Option<&str>, langs: &mut Vec<&str>| {
        if let Some(k) = key {
            langs.sort();
            assert_eq!(*langs, ["en", "zh-CN"], "key {k}");
        }
        langs.clear();
    };
    for line in text.lines() {
        if line.is_empty() || line.starts_with('#') || line.starts_with("_version") {
            continue;
        }
        if !line.starts_with(' ') {
            check(key, &mut langs);
            key = Some(line.trim_end_matches(':'));
        } else if let Some((lang, _)) = line.trim().split_once(':') {
            langs.push(lang);
        }
    }
    check(key, &mut langs);
}

fn assert_translated(key: &str) {
    for lang in Lang::ALL {
        let s = tr(lang, key);
        assert!(!s.is_empty() && !s.contains(key), "{key} missing in {lang}");
    }
}

#[test]
fn names_the_code_builds_are_translated() {
    for c in Command::ALL {
        assert_translated(&c.desc_key());
    }
    for r in Role::ALL {
        assert_translated(&format!("role.{}", r.as_str()));
    }
    for k in ["center_department", "supervised_hall", "township_center"] {
        assert_translated(&format!("kind.{k}"));
    }
    for c in Context::ALL {
        assert_translated(&format!("help.context.{}", c.name()));
    }
    for s in Screen::ALL {
        assert_translated(s.title_key());
    }
}

#[test]
fn every_key_used_in_the_source_exists() {
    // Literal keys passed to tr/trf/Msg::new in src/ui (the only code that shows text).
    let mut missing = vec![];
    let text = include_str!("../locales/app.yml");
    let defined: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with(' ') && l.ends_with(':'))
        .map(|l| l.trim_end_matches(':'))
        .collect();
    let mut stack = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/ui"
    ))];
    while let Some(p) = stack.pop() {
        for e in std::fs::read_dir(&p).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let src = std::fs::read_to_string(&path).unwrap();
            for (i, _) in src.match_indices('"') {
                let rest = &src[i + 1..];
                let Some(end) = rest.find('"') else { continue };
                let lit = &rest[..end];
                let prefixes = [
                    "login.", "lock.", "status.", "banner.", "small.", "help.", "hint.", "screen.",
                    "home.", "dept.", "audit.", "list.", "cmdline.", "confirm.", "flash.", "app.",
                ];
                if prefixes.iter().any(|p| lit.starts_with(p))
                    && lit
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_')
                    && !lit.ends_with('.')
                    && !defined.contains(&lit)
                {
                    missing.push(format!("{}: {lit}", path.display()));
                }
            }
        }
    }
    missing.sort();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "keys used but not defined:\n{}",
        missing.join("\n")
    );
}
