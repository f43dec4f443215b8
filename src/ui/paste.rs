//! Pasted text (bracketed paste) goes to the text input that has the keyboard, whichever screen
//! it is: the sign-in fields, the lookup palette, the command line, the `/` filter and reason
//! lines, the intake form's fields. Every field is one line: newlines and tabs become spaces and
//! other control characters are dropped, so a paste never submits a form.

use crate::ui::action::Task;
use crate::ui::app::{App, Screen};

/// The text input keys and pastes go to, in the order `App::on_key` hands keys out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextTarget {
    Lookup,
    CommandLine,
    Filter,
    Login,
    Intake,
    /// The change-password form.
    Password,
}

/// Pasted text as one line: a line break (CRLF, CR or LF) or a tab is a space; other control
/// characters are dropped.
pub fn one_line(text: &str) -> String {
    text.replace("\r\n", " ")
        .chars()
        .filter_map(|c| match c {
            '\r' | '\n' | '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

impl App {
    /// Which text input has the keyboard, if any.
    pub fn text_target(&self) -> Option<TextTarget> {
        if self.confirm_quit.is_some() {
            None
        } else if self.lookup.is_some() {
            Some(TextTarget::Lookup)
        } else if self.help.is_some() {
            None
        } else if self.command_line.is_some() {
            Some(TextTarget::CommandLine)
        } else if self.filter_line.is_some() {
            Some(TextTarget::Filter)
        } else if self.session.is_none() || self.locked {
            Some(TextTarget::Login)
        } else if self.password.is_some() {
            Some(TextTarget::Password)
        } else if self.screen == Screen::Intake && self.intake.text_focused() {
            Some(TextTarget::Intake)
        } else {
            None
        }
    }

    /// A paste: into the focused text input, through the same edit path as typed keys.
    pub(crate) fn paste(&mut self, text: &str) -> Vec<Task> {
        let line = one_line(text);
        if line.is_empty() {
            return vec![];
        }
        match self.text_target() {
            Some(TextTarget::Lookup) => self.lookup_edit(|t| {
                t.insert_str(&line);
            }),
            Some(TextTarget::CommandLine) => {
                if let Some(c) = &mut self.command_line {
                    c.insert(&line);
                }
                vec![]
            }
            Some(TextTarget::Filter) => {
                if let Some(fl) = &mut self.filter_line {
                    fl.insert(&line);
                }
                vec![]
            }
            Some(TextTarget::Login) => {
                self.login.insert(&line);
                vec![]
            }
            Some(TextTarget::Password) => {
                if let Some(p) = &mut self.password {
                    p.insert(&line);
                }
                vec![]
            }
            Some(TextTarget::Intake) => {
                let today = self.now.date_naive();
                self.intake.edit(today, |t| {
                    t.insert_str(&line);
                });
                vec![]
            }
            None => vec![],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn line_breaks_become_spaces_and_controls_go() {
        assert_eq!(one_line("粘贴\r\n中文\n姓名\r!"), "粘贴 中文 姓名 !");
        assert_eq!(one_line("a\tb\u{0}c\u{1b}[31m"), "a bc[31m");
    }
}
