//! Languages and translation lookup. Strings live in locales/app.yml (zh-CN and en side by side).
//!
//! The language is passed explicitly rather than set globally, so that one process can later serve
//! several terminal sessions in different languages.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    ZhCn,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// From the POSIX locale variables, as a shell user expects: LC_ALL, then LC_MESSAGES, then LANG.
    /// Chinese locales of any region give zh-CN; everything else gives English.
    pub fn from_locale_env(get: impl Fn(&str) -> Option<String>) -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Some(v) = get(var).filter(|v| !v.is_empty()) {
                return if v.to_ascii_lowercase().starts_with("zh") {
                    Lang::ZhCn
                } else {
                    Lang::En
                };
            }
        }
        Lang::En
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "zh-cn" | "zh" | "zh-hans" => Ok(Lang::ZhCn),
            "en" | "en-us" | "en-gb" => Ok(Lang::En),
            _ => Err(format!("unknown language `{s}` (expected zh-CN or en)")),
        }
    }
}

/// Translates `key` into `lang`. A missing key shows as the key itself, which the locale test catches.
pub fn tr(lang: Lang, key: &str) -> String {
    rust_i18n::t!(key, locale = lang.code()).into_owned()
}

/// Translates and fills `{name}` placeholders.
pub fn trf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut s = tr(lang, key);
    for (name, value) in args {
        s = s.replace(&format!("%{{{name}}}"), value);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_env_picks_chinese_for_any_zh_locale() {
        let env = |v: &'static str| move |k: &str| (k == "LANG").then(|| v.to_string());
        assert_eq!(Lang::from_locale_env(env("zh_CN.UTF-8")), Lang::ZhCn);
        assert_eq!(Lang::from_locale_env(env("zh_TW.UTF-8")), Lang::ZhCn);
        assert_eq!(Lang::from_locale_env(env("C.UTF-8")), Lang::En);
        assert_eq!(Lang::from_locale_env(|_| None), Lang::En);
    }

    #[test]
    fn lc_all_wins_over_lang() {
        let get = |k: &str| match k {
            "LC_ALL" => Some("en_US.UTF-8".to_string()),
            "LANG" => Some("zh_CN.UTF-8".to_string()),
            _ => None,
        };
        assert_eq!(Lang::from_locale_env(get), Lang::En);
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            trf(Lang::En, "login.locked_until", &[("time", "10:15")]),
            "Account locked until 10:15"
        );
    }
}
