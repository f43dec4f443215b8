//! Small drawing pieces shared by screens.

pub mod columns;
pub mod command_line;
pub mod filter_line;
pub mod hint_bar;
pub mod status_bar;
pub mod text_keys;

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::i18n::{Lang, tr};
use crate::ui::app::{Level, Msg};
use crate::ui::keymap::{Command, Context, Keymap};
use crate::ui::theme::Theme;

/// "Tab next field · Enter sign in", from the live keymap: a remapped key shows as remapped, an
/// unbound command is left out, and commands with the same label share it ("? Esc close").
/// While `typing`, keys that would type into the field are not offered.
pub fn key_hints(
    keymap: &Keymap,
    contexts: &[Context],
    hints: &[(Command, &str)],
    typing: bool,
    lang: Lang,
) -> String {
    let mut parts: Vec<(String, &str)> = vec![];
    for (cmd, label) in hints {
        let Some(key) = keymap.key_for(contexts, *cmd, typing) else {
            continue;
        };
        match parts.iter_mut().find(|(_, l)| l == label) {
            Some((keys, _)) => keys.push_str(&format!(" {key}")),
            None => parts.push((key.to_string(), label)),
        }
    }
    parts
        .into_iter()
        .map(|(keys, label)| format!("{keys} {}", tr(lang, label)))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// "Label：value" in Chinese, "Label: value" in English.
pub fn colon(lang: Lang) -> &'static str {
    match lang {
        Lang::ZhCn => "：",
        Lang::En => ": ",
    }
}

/// "Label：value" as one line, the label in the accent style (guides, the case view).
pub fn label_value(lang: Lang, t: &Theme, key: &str, value: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{}{}", tr(lang, key), colon(lang)), t.accent),
        Span::styled(value, t.text),
    ])
}

/// A `width`×`height` rectangle centred in `area` (clipped to it).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// A message as one line. Warnings and errors carry a `!` mark as well as a colour, so they stay
/// visible without colour (NO_COLOR, mono theme).
pub fn msg_line(m: &Msg, lang: Lang, t: &Theme) -> Line<'static> {
    let (mark, style) = match m.level {
        Level::Info => ("", t.text),
        Level::Warn => ("! ", t.warn),
        Level::Error => ("! ", t.danger),
    };
    Line::from(Span::styled(format!("{mark}{}", m.text(lang)), style))
}
