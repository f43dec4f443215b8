//! Colour themes: themes/*.toml, tokens named by meaning. The default theme is the base; another
//! theme replaces only the tokens it names. NO_COLOR selects `mono` (see config).

use std::collections::BTreeMap;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

const DEFAULT: &str = include_str!("../../themes/default.toml");
const BUILTIN: [(&str, &str); 4] = [
    ("default", DEFAULT),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("mono", include_str!("../../themes/mono.toml")),
];

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenSpec {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    reverse: bool,
    #[serde(default)]
    underline: bool,
    #[serde(default)]
    italic: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    tokens: BTreeMap<String, TokenSpec>,
}

/// Styles by meaning. Screens use these names only, never raw colours.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    pub text: Style,
    pub muted: Style,
    pub accent: Style,
    pub title: Style,
    pub border: Style,
    pub selection: Style,
    pub ok: Style,
    pub warn: Style,
    pub danger: Style,
    pub status: Style,
    pub key: Style,
    pub input: Style,
    pub banner: Style,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("theme {theme}: {message}")]
pub struct ThemeError {
    pub theme: String,
    pub message: String,
}

fn style_of(spec: &TokenSpec) -> Result<Style, String> {
    let color = |c: &Option<String>| -> Result<Option<Color>, String> {
        c.as_deref()
            .map(|s| Color::from_str(s).map_err(|_| format!("`{s}` is not a colour")))
            .transpose()
    };
    let mut style = Style::default();
    if let Some(fg) = color(&spec.fg)? {
        style = style.fg(fg);
    }
    if let Some(bg) = color(&spec.bg)? {
        style = style.bg(bg);
    }
    for (on, m) in [
        (spec.bold, Modifier::BOLD),
        (spec.reverse, Modifier::REVERSED),
        (spec.underline, Modifier::UNDERLINED),
        (spec.italic, Modifier::ITALIC),
    ] {
        if on {
            style = style.add_modifier(m);
        }
    }
    Ok(style)
}

const TOKENS: [&str; 13] = [
    "text",
    "muted",
    "accent",
    "title",
    "border",
    "selection",
    "ok",
    "warn",
    "danger",
    "status",
    "key",
    "input",
    "banner",
];

impl Theme {
    /// A built-in theme by name: default.toml with the named theme's tokens on top.
    pub fn builtin(name: &str) -> Result<Theme, ThemeError> {
        let text = BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
            .ok_or_else(|| ThemeError {
                theme: name.to_string(),
                message: format!(
                    "no such theme (built in: {})",
                    BUILTIN.map(|b| b.0).join(", ")
                ),
            })?;
        Theme::from_layers(name, &[DEFAULT, text])
    }

    fn from_layers(name: &str, layers: &[&str]) -> Result<Theme, ThemeError> {
        let err = |message: String| ThemeError {
            theme: name.to_string(),
            message,
        };
        let mut tokens: BTreeMap<String, TokenSpec> = BTreeMap::new();
        for layer in layers {
            let file: ThemeFile = toml::from_str(layer).map_err(|e| err(e.to_string()))?;
            for (k, v) in file.tokens {
                if !TOKENS.contains(&k.as_str()) {
                    return Err(err(format!(
                        "unknown token `{k}` (tokens: {})",
                        TOKENS.join(", ")
                    )));
                }
                tokens.insert(k, v);
            }
        }
        let get = |k: &str| -> Result<Style, ThemeError> {
            let spec = tokens.get(k).cloned().unwrap_or_default();
            style_of(&spec).map_err(|m| err(format!("token `{k}`: {m}")))
        };
        Ok(Theme {
            name: name.to_string(),
            text: get("text")?,
            muted: get("muted")?,
            accent: get("accent")?,
            title: get("title")?,
            border: get("border")?,
            selection: get("selection")?,
            ok: get("ok")?,
            warn: get("warn")?,
            danger: get("danger")?,
            status: get("status")?,
            key: get("key")?,
            input: get("input")?,
            banner: get("banner")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_theme_loads() {
        for name in crate::config::THEMES {
            let t = Theme::builtin(name).unwrap();
            assert_eq!(t.name, name);
        }
    }

    #[test]
    fn mono_has_no_colour_but_visible_selection_and_warnings() {
        let t = Theme::builtin("mono").unwrap();
        for s in [t.text, t.selection, t.warn, t.danger, t.status, t.banner] {
            assert!(matches!(s.fg, None | Some(Color::Reset)), "{s:?}");
            assert!(matches!(s.bg, None | Some(Color::Reset)), "{s:?}");
        }
        assert!(t.selection.add_modifier.contains(Modifier::REVERSED));
        assert!(t.warn.add_modifier.contains(Modifier::BOLD));
        assert!(t.banner.add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn a_theme_overrides_only_its_tokens() {
        let light = Theme::builtin("light").unwrap();
        let dark = Theme::builtin("default").unwrap();
        assert_ne!(light.selection, dark.selection);
        assert_eq!(light.text, dark.text);
    }

    #[test]
    fn bad_colour_is_named() {
        let e = Theme::from_layers("x", &["[tokens]\nwarn = { fg = \"yelow\" }\n"]).unwrap_err();
        assert!(e.message.contains("token `warn`"), "{}", e.message);
    }
}
