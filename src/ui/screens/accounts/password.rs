//! "Change my password": current password, new, repeat, with the refusal beside the field it is
//! about, in either language. Opened from home (`c`) or the command line (`:password`); forced
//! after a sign-in whose account an administrator created or reset (the sign-in answered
//! `MustChange`): then nothing else can be reached (Esc does not close it) until the change
//! succeeds. The change runs as a task (`Task::ChangePassword`) and comes back as
//! `Action::PasswordChanged`.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui_textarea::TextArea;

use crate::i18n::tr;
use crate::store::accounts::manage::ChangeRefused;
use crate::ui::action::{Task, TaskError};
use crate::ui::app::{App, Level, Msg};
use crate::ui::keymap::{Command, Context, Key};
use crate::ui::widgets::{centered, key_hints, msg_line};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Old,
    New,
    Repeat,
}

const FIELDS: [Field; 3] = [Field::Old, Field::New, Field::Repeat];

pub struct PasswordForm {
    pub old: TextArea<'static>,
    pub new: TextArea<'static>,
    pub repeat: TextArea<'static>,
    pub focus: Field,
    /// The message beside each field (the refusal names the rule).
    pub old_msg: Option<Msg>,
    pub new_msg: Option<Msg>,
    pub repeat_msg: Option<Msg>,
    /// The message under the form (busy, a database error).
    pub message: Option<Msg>,
    /// Forced at sign-in: cannot be closed until the change succeeds.
    pub forced: bool,
    pub busy: bool,
}

fn masked() -> TextArea<'static> {
    let mut t = TextArea::default();
    t.set_cursor_line_style(Style::default());
    t.set_mask_char('•');
    t
}

fn text(t: &TextArea<'static>) -> String {
    t.lines().concat()
}

impl PasswordForm {
    pub fn new(forced: bool) -> PasswordForm {
        PasswordForm {
            old: masked(),
            new: masked(),
            repeat: masked(),
            focus: Field::Old,
            old_msg: None,
            new_msg: None,
            repeat_msg: None,
            message: forced.then(|| Msg::new(Level::Warn, "password.forced")),
            forced,
            busy: false,
        }
    }

    pub fn has_input(&self) -> bool {
        !(self.old.is_empty() && self.new.is_empty() && self.repeat.is_empty())
    }

    fn focused(&mut self) -> &mut TextArea<'static> {
        match self.focus {
            Field::Old => &mut self.old,
            Field::New => &mut self.new,
            Field::Repeat => &mut self.repeat,
        }
    }

    pub fn insert(&mut self, s: &str) {
        self.focused().insert_str(s);
    }

    fn step(&mut self, forward: bool) {
        let i = FIELDS.iter().position(|f| *f == self.focus).unwrap_or(0);
        let n = FIELDS.len();
        self.focus = FIELDS[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }];
    }

    fn clear_messages(&mut self) {
        self.old_msg = None;
        self.new_msg = None;
        self.repeat_msg = None;
        self.message = None;
    }

    /// Checks what can be checked here (every field given, the repeat equal) and returns the
    /// task; the policy itself is the server's, checked in the store.
    pub fn submit(&mut self, operator_id: i64) -> Option<Task> {
        if self.busy {
            return None;
        }
        self.clear_messages();
        let (old, new, repeat) = (text(&self.old), text(&self.new), text(&self.repeat));
        if old.is_empty() {
            self.old_msg = Some(Msg::new(Level::Error, "password.required"));
            self.focus = Field::Old;
            return None;
        }
        if new.is_empty() {
            self.new_msg = Some(Msg::new(Level::Error, "password.required"));
            self.focus = Field::New;
            return None;
        }
        if new != repeat {
            self.repeat_msg = Some(Msg::new(Level::Error, "password.mismatch"));
            self.repeat = masked();
            self.focus = Field::Repeat;
            return None;
        }
        self.busy = true;
        self.message = Some(Msg::new(Level::Info, "password.busy"));
        Some(Task::ChangePassword {
            operator_id,
            old,
            new,
        })
    }

    /// The store refused: the message beside its field, that field emptied and focused.
    pub fn refused(&mut self, r: &ChangeRefused) {
        self.busy = false;
        self.clear_messages();
        let mut m = Msg::new(Level::Error, r.key());
        for (k, v) in r.args() {
            m = m.arg(k, v);
        }
        if r.field() == "old" {
            self.old = masked();
            self.old_msg = Some(m);
            self.focus = Field::Old;
        } else {
            self.new = masked();
            self.repeat = masked();
            self.new_msg = Some(m);
            self.focus = Field::New;
        }
        if self.forced {
            self.message = Some(Msg::new(Level::Warn, "password.forced"));
        }
    }

    pub fn failed(&mut self, e: &TaskError) {
        self.busy = false;
        self.message = Some(if e.connection {
            Msg::new(Level::Warn, "login.db_unavailable")
        } else {
            Msg::new(Level::Error, "login.error").arg("error", e.message.clone())
        });
    }
}

impl App {
    /// Opens the change form (not while locked, and once).
    pub(crate) fn open_password(&mut self) -> Vec<Task> {
        if self.session.is_some() && !self.locked && self.password.is_none() {
            self.command_line = None;
            self.filter_line = None;
            self.lookup = None;
            self.password = Some(PasswordForm::new(false));
        }
        vec![]
    }

    /// Keys while the form is open: the keymap's login context (Tab, Enter…) and the global
    /// keys that make sense here (Esc closes unless forced, quit, lock, language); anything else
    /// types into the focused field.
    pub(crate) fn password_key(&mut self, ev: KeyEvent) -> Vec<Task> {
        let Some(key) = Key::from_event(&ev) else {
            return vec![];
        };
        let command = if key.is_text() {
            None
        } else {
            self.keymap.lookup(&[Context::Login, Context::Global], &key)
        };
        let Some(form) = &mut self.password else {
            return vec![];
        };
        match command {
            Some(Command::NextField) => form.step(true),
            Some(Command::PrevField) => form.step(false),
            Some(Command::Submit) => {
                let Some(id) = self.session.as_ref().map(|o| o.operator_id) else {
                    return vec![];
                };
                return form.submit(id).into_iter().collect();
            }
            Some(Command::Back) => {
                if !form.forced {
                    self.password = None;
                }
            }
            Some(c @ (Command::Quit | Command::Lock | Command::ToggleLang | Command::Help)) => {
                return self.run(c);
            }
            Some(_) => {}
            None => {
                let newline = matches!(ev.code, ratatui::crossterm::event::KeyCode::Enter);
                if !newline {
                    crate::ui::widgets::text_keys::edit(form.focused(), ev);
                }
            }
        }
        vec![]
    }

    /// The answer of the change: done (a forced change then opens home), refused, or failed.
    pub(crate) fn password_changed(
        &mut self,
        result: Result<Result<(), ChangeRefused>, TaskError>,
    ) -> Vec<Task> {
        let Some(form) = &mut self.password else {
            return vec![];
        };
        match result {
            Ok(Ok(())) => {
                let forced = form.forced;
                self.password = None;
                self.flash = Some(Msg::new(Level::Info, "password.changed"));
                if forced {
                    // The account may act now: what a normal sign-in loads, load now.
                    return self
                        .session
                        .as_ref()
                        .map(|o| Task::LoadUnread {
                            viewer: o.operator_id,
                        })
                        .into_iter()
                        .collect();
                }
            }
            Ok(Err(r)) => form.refused(&r),
            Err(e) => form.failed(&e),
        }
        vec![]
    }
}

/// Draws the form in place of the screen's body (a box over half-covered wide characters would
/// cut them: the body is cleared first).
pub fn draw(f: &mut Frame, app: &mut App, area: Rect) {
    let lang = app.lang;
    let t = app.theme.clone();
    let keymap = app.keymap.clone();
    let Some(form) = &mut app.password else {
        return;
    };
    f.render_widget(Clear, area);
    f.render_widget(Block::default().style(t.text), area);
    let box_area = centered(area, 72, 15);
    f.render_widget(Clear, box_area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(Span::styled(
            format!(" {} ", tr(lang, "password.title")),
            t.title,
        ));
    let inner = block.inner(box_area);
    f.render_widget(block, box_area);
    let rows = Layout::vertical([
        Constraint::Length(2), // the rules
        Constraint::Length(1), // old
        Constraint::Length(1), // its message
        Constraint::Length(1), // new
        Constraint::Length(1),
        Constraint::Length(1), // repeat
        Constraint::Length(1),
        Constraint::Length(2), // message
        Constraint::Length(1), // hints
    ])
    .split(inner);
    f.render_widget(
        Paragraph::new(Span::styled(tr(lang, "password.rules"), t.muted)).wrap(Wrap { trim: true }),
        rows[0],
    );
    let label_w = 20;
    for (row, msg_row, label, which) in [
        (rows[1], rows[2], "password.old", Field::Old),
        (rows[3], rows[4], "password.new", Field::New),
        (rows[5], rows[6], "password.repeat", Field::Repeat),
    ] {
        let cols = Layout::horizontal([Constraint::Length(label_w), Constraint::Min(1)]).split(row);
        let focused = form.focus == which;
        let marker = if focused { "▶ " } else { "  " };
        f.render_widget(
            Paragraph::new(Span::styled(
                format!("{marker}{}", tr(lang, label)),
                if focused { t.accent } else { t.text },
            )),
            cols[0],
        );
        let (ta, msg) = match which {
            Field::Old => (&mut form.old, &form.old_msg),
            Field::New => (&mut form.new, &form.new_msg),
            Field::Repeat => (&mut form.repeat, &form.repeat_msg),
        };
        ta.set_style(t.input);
        f.render_widget(Block::default().style(t.input), cols[1]);
        ta.set_cursor_style(if focused {
            t.input.add_modifier(Modifier::REVERSED)
        } else {
            t.input
        });
        f.render_widget(&*ta, cols[1]);
        if let Some(m) = msg {
            let under = Layout::horizontal([Constraint::Length(label_w), Constraint::Min(1)])
                .split(msg_row)[1];
            f.render_widget(
                Paragraph::new(msg_line(m, lang, &t)).wrap(Wrap { trim: true }),
                under,
            );
        }
    }
    if let Some(m) = &form.message {
        f.render_widget(
            Paragraph::new(msg_line(m, lang, &t)).wrap(Wrap { trim: true }),
            rows[7],
        );
    }
    let mut hints = vec![
        (Command::NextField, "hint.next_field"),
        (Command::Submit, "hint.change_password"),
    ];
    if !form.forced {
        hints.push((Command::Back, "hint.cancel"));
    }
    f.render_widget(
        Paragraph::new(Span::styled(
            key_hints(
                &keymap,
                &[Context::Login, Context::Global],
                &hints,
                true,
                lang,
            ),
            t.muted,
        )),
        rows[8],
    );
}
