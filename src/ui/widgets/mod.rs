//! Small drawing pieces shared by screens.

pub mod command_line;
pub mod hint_bar;
pub mod status_bar;

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::app::{Level, Msg};
use super::theme::Theme;
use crate::i18n::Lang;

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
