//! The help overlay, generated from the live keymap: every binding of the contexts in force, with
//! its description.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use crate::i18n::tr;
use crate::ui::app::App;
use crate::ui::keymap::{Command, Context};
use crate::ui::widgets::{centered, key_hints};

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let lang = app.lang;
    let t = &app.theme;
    let scroll = app.help.unwrap_or(0);
    let footer = key_hints(
        &app.keymap,
        &[Context::List, Context::Global],
        &[
            (Command::Help, "hint.close"),
            (Command::Back, "hint.close"),
            (Command::Down, "hint.scroll"),
        ],
        false,
        lang,
    );
    let mut lines: Vec<Line> = vec![];
    for ctx in app.contexts() {
        let bindings: Vec<_> = app.keymap.bindings(ctx).collect();
        if bindings.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::from(Span::styled(
            tr(lang, &format!("help.context.{}", ctx.name())),
            t.title,
        )));
        // Keys bound to the same command are listed together: "↑ k  Move up".
        let mut grouped: Vec<(String, String)> = vec![];
        for b in bindings {
            let desc = b
                .desc
                .clone()
                .unwrap_or_else(|| tr(lang, &b.command.desc_key()));
            match grouped.iter_mut().find(|(_, d)| *d == desc) {
                Some((keys, _)) => {
                    keys.push(' ');
                    keys.push_str(&b.key.to_string());
                }
                None => grouped.push((b.key.to_string(), desc)),
            }
        }
        for (keys, desc) in grouped {
            let pad = 16usize.saturating_sub(keys.width());
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys}{}", " ".repeat(pad)), t.key),
                Span::styled(desc, t.text),
            ]));
        }
        if ctx == Context::Global {
            break;
        }
    }
    let height = (lines.len() as u16 + 2).min(area.height);
    let popup = centered(area, 64, height);
    // Scrolling stops at the last line.
    let scroll = scroll.min((lines.len() as u16).saturating_sub(height.saturating_sub(2)));
    f.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(Span::styled(
            format!(" {} ", tr(lang, "help.title")),
            t.title,
        ))
        .title_bottom(Span::styled(format!(" {footer} "), t.muted));
    f.render_widget(
        Paragraph::new(lines).block(block).scroll((scroll, 0)),
        popup,
    );
}
