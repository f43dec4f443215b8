//! The `:` command line: screen names and a few commands, with Tab completion.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui_textarea::TextArea;

use crate::i18n::{Lang, tr, trf};
use crate::ui::app::{App, Msg};
use crate::ui::keymap::Command;
use crate::ui::widgets::msg_line;

/// Names accepted after `:`, with what they do.
pub const NAMES: [(&str, Command); 19] = [
    ("home", Command::OpenHome),
    ("intake", Command::OpenIntake),
    ("queue", Command::OpenQueue),
    ("catalogue", Command::OpenCatalogue),
    ("departments", Command::OpenDepartments),
    ("audit", Command::OpenAudit),
    ("overdue", Command::OpenOverdue),
    ("notices", Command::OpenNotices),
    ("lookup", Command::Lookup),
    ("access", Command::OpenAccess),
    ("report", Command::OpenReport),
    ("reconcile", Command::OpenReconcile),
    ("routing", Command::OpenRouting),
    ("help", Command::Help),
    ("password", Command::ChangePassword),
    ("lock", Command::Lock),
    ("logout", Command::Logout),
    ("quit", Command::Quit),
    ("lang", Command::ToggleLang),
];

pub struct CommandLine {
    input: TextArea<'static>,
    /// Candidates shown after Tab when the prefix is ambiguous.
    pub candidates: Vec<&'static str>,
    pub error: Option<Msg>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    Empty,
    Run(Command),
    Lang(Lang),
    Unknown(String),
}

impl CommandLine {
    pub fn new() -> CommandLine {
        let mut input = TextArea::default();
        input.set_cursor_line_style(Style::default());
        CommandLine {
            input,
            candidates: vec![],
            error: None,
        }
    }

    pub fn text(&self) -> String {
        self.input.lines().concat()
    }

    pub fn is_empty(&self) -> bool {
        self.input.is_empty()
    }

    pub fn input(&mut self, ev: KeyEvent) {
        super::text_keys::edit(&mut self.input, ev);
        self.error = None;
    }

    pub fn insert(&mut self, text: &str) {
        self.input.insert_str(text);
    }

    fn matches(prefix: &str) -> Vec<&'static str> {
        NAMES
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| n.starts_with(prefix))
            .collect()
    }

    /// Completes the first word: a unique match is filled in; several are listed.
    pub fn complete(&mut self) {
        let text = self.text();
        if text.contains(' ') {
            return;
        }
        let found = CommandLine::matches(text.trim());
        match found.as_slice() {
            [one] => {
                let mut ta = CommandLine::new();
                ta.input.insert_str(one);
                self.input = ta.input;
                self.candidates.clear();
            }
            _ => self.candidates = found,
        }
        self.error = None;
    }

    pub fn parse(&self) -> Parsed {
        let text = self.text();
        let mut words = text.split_whitespace();
        let Some(first) = words.next() else {
            return Parsed::Empty;
        };
        let found = CommandLine::matches(first);
        // An exact name wins over a longer one it prefixes; otherwise the prefix must be unique.
        let name = NAMES
            .iter()
            .find(|(n, _)| *n == first)
            .map(|(n, _)| *n)
            .or_else(|| (found.len() == 1).then(|| found[0]));
        match name {
            Some("lang") => match words.next() {
                Some(code) => match code.parse::<Lang>() {
                    Ok(l) => Parsed::Lang(l),
                    Err(_) => Parsed::Unknown(text.trim().to_string()),
                },
                None => Parsed::Run(Command::ToggleLang),
            },
            Some(n) => NAMES
                .iter()
                .find(|(m, _)| *m == n)
                .map(|(_, c)| Parsed::Run(*c))
                .unwrap_or(Parsed::Empty),
            None => Parsed::Unknown(first.to_string()),
        }
    }
}

impl Default for CommandLine {
    fn default() -> Self {
        CommandLine::new()
    }
}

/// Draws the command line over the hint bar, and its candidates or error above it.
pub fn draw(f: &mut Frame, app: &mut App, area: Rect, above: Rect) {
    let lang = app.lang;
    let t = app.theme.clone();
    let Some(c) = &mut app.command_line else {
        return;
    };
    let [colon, input] =
        Layout::horizontal([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(Span::styled(":", t.accent)), colon);
    c.input.set_style(t.text);
    c.input
        .set_cursor_style(t.text.add_modifier(ratatui::style::Modifier::REVERSED));
    f.render_widget(&c.input, input);
    let note = if let Some(e) = &c.error {
        Some(msg_line(e, lang, &t))
    } else if !c.candidates.is_empty() {
        let list = c.candidates.join("  ");
        Some(Line::from(Span::styled(
            trf(lang, "cmdline.candidates", &[("list", &list)]),
            t.muted,
        )))
    } else if c.is_empty() {
        let list: Vec<&str> = NAMES.iter().map(|(n, _)| *n).collect();
        Some(Line::from(Span::styled(
            format!("{}: {}", tr(lang, "help.commands"), list.join("  ")),
            t.muted,
        )))
    } else {
        None
    };
    if let Some(line) = note {
        f.render_widget(Clear, above);
        f.render_widget(Paragraph::new(line), above);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> CommandLine {
        let mut c = CommandLine::new();
        c.insert(text);
        c
    }

    #[test]
    fn unique_prefix_completes_and_runs() {
        let mut c = line("dep");
        c.complete();
        assert_eq!(c.text(), "departments");
        assert_eq!(line("dep").parse(), Parsed::Run(Command::OpenDepartments));
    }

    #[test]
    fn ambiguous_prefix_lists_candidates() {
        let mut c = line("l");
        c.complete();
        assert_eq!(c.text(), "l");
        assert_eq!(c.candidates, vec!["lookup", "lock", "logout", "lang"]);
        assert_eq!(line("l").parse(), Parsed::Unknown("l".into()));
    }

    #[test]
    fn lang_takes_an_argument() {
        assert_eq!(line("lang en").parse(), Parsed::Lang(Lang::En));
        assert_eq!(line("lang zh-CN").parse(), Parsed::Lang(Lang::ZhCn));
        assert_eq!(line("lang fr").parse(), Parsed::Unknown("lang fr".into()));
    }

    #[test]
    fn unknown_and_empty() {
        assert_eq!(
            line("frobnicate").parse(),
            Parsed::Unknown("frobnicate".into())
        );
        assert_eq!(line("   ").parse(), Parsed::Empty);
    }
}
