//! The sign-in form, also used to unlock an idle-locked screen (code fixed, password only).

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui_textarea::TextArea;

use crate::i18n::{tr, trf};
use crate::store::accounts::operators::Purpose;
use crate::ui::action::Task;
use crate::ui::app::{App, Level, Msg};
use crate::ui::keymap::{Command, Context};
use crate::ui::widgets::{centered, key_hints, msg_line};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Code,
    Password,
}

pub struct LoginForm {
    pub code: TextArea<'static>,
    pub password: TextArea<'static>,
    pub focus: Field,
    pub message: Option<Msg>,
    /// A check is running; Enter does nothing until it answers.
    pub busy: bool,
    /// The last attempt failed because the database was away: submit again when it is back.
    pub retry_pending: bool,
}

fn field() -> TextArea<'static> {
    let mut t = TextArea::default();
    t.set_cursor_line_style(Style::default());
    t
}

impl LoginForm {
    pub fn new() -> LoginForm {
        let mut password = field();
        password.set_mask_char('•');
        LoginForm {
            code: field(),
            password,
            focus: Field::Code,
            message: None,
            busy: false,
            retry_pending: false,
        }
    }

    pub fn code_text(&self) -> String {
        self.code.lines().concat()
    }

    fn password_text(&self) -> String {
        self.password.lines().concat()
    }

    /// Typed text that quitting would lose; unlocking, the code is filled in, not typed.
    pub fn has_input(&self, unlocking: bool) -> bool {
        (!unlocking && !self.code.is_empty()) || !self.password.is_empty()
    }

    /// For the idle lock: the code is the signed-in operator's and cannot change.
    pub fn prepare_unlock(&mut self, code: &str) {
        *self = LoginForm::new();
        self.code.insert_str(code);
        self.focus = Field::Password;
    }

    pub fn clear(&mut self) {
        *self = LoginForm::new();
    }

    pub fn toggle_focus(&mut self, unlocking: bool) {
        if unlocking {
            return;
        }
        self.focus = match self.focus {
            Field::Code => Field::Password,
            Field::Password => Field::Code,
        };
    }

    fn focused(&mut self) -> &mut TextArea<'static> {
        match self.focus {
            Field::Code => &mut self.code,
            Field::Password => &mut self.password,
        }
    }

    pub fn input(&mut self, ev: KeyEvent) {
        crate::ui::widgets::text_keys::edit(self.focused(), ev);
    }

    pub fn insert(&mut self, text: &str) {
        self.focused().insert_str(text);
    }

    /// A wrong attempt: say so, clear the password, keep the code.
    pub fn fail(&mut self, msg: Msg) {
        self.message = Some(msg);
        self.password = LoginForm::new().password;
        self.focus = Field::Password;
    }

    /// Validates and returns the login task; a missing field is named and nothing is sent.
    pub fn submit(&mut self, unlocking: bool) -> Option<Task> {
        if self.busy {
            return None;
        }
        let code = self.code_text();
        let password = self.password_text();
        if code.trim().is_empty() {
            self.message = Some(Msg::new(Level::Error, "login.code_required"));
            self.focus = Field::Code;
            return None;
        }
        if password.is_empty() {
            self.message = Some(Msg::new(Level::Error, "login.password_required"));
            self.focus = Field::Password;
            return None;
        }
        self.busy = true;
        self.message = Some(Msg::new(Level::Info, "login.busy"));
        Some(Task::Login {
            code,
            password,
            purpose: if unlocking {
                Purpose::Unlock
            } else {
                Purpose::Login
            },
        })
    }
}

impl Default for LoginForm {
    fn default() -> Self {
        LoginForm::new()
    }
}

/// Draws the sign-in form (or the unlock form) centred in `area`.
pub fn draw(f: &mut Frame, app: &mut App, area: Rect) {
    let lang = app.lang;
    let t = app.theme.clone();
    let unlocking = app.locked;
    let demo_lines = if unlocking || app.demo_accounts.is_empty() {
        0
    } else {
        app.demo_accounts.len() as u16 + 1
    };
    let height = (11 + demo_lines).min(area.height);
    let box_area = centered(area, 56, height);
    f.render_widget(Clear, box_area);
    let title = if unlocking {
        tr(lang, "lock.title")
    } else {
        format!("{} · {}", tr(lang, "app.center"), tr(lang, "login.title"))
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(Span::styled(format!(" {title} "), t.title));
    let inner = block.inner(box_area);
    f.render_widget(block, box_area);

    let rows = Layout::vertical([
        Constraint::Length(1), // prompt
        Constraint::Length(1),
        Constraint::Length(1), // code
        Constraint::Length(1),
        Constraint::Length(1), // password
        Constraint::Length(1),
        Constraint::Length(1), // message
        Constraint::Length(1), // hint
        Constraint::Min(0),    // demo accounts
    ])
    .split(inner);

    if unlocking && let Some(op) = &app.session {
        let prompt = trf(
            lang,
            "lock.prompt",
            &[("name", op.name.as_str()), ("code", op.code.as_str())],
        );
        f.render_widget(Paragraph::new(Span::styled(prompt, t.text)), rows[0]);
    }
    let label_w = 16;
    let form = &mut app.login;
    for (row, label, which) in [
        (rows[2], "login.code", Field::Code),
        (rows[4], "login.password", Field::Password),
    ] {
        let cols = Layout::horizontal([Constraint::Length(label_w), Constraint::Min(1)]).split(row);
        let focused = form.focus == which && !(unlocking && which == Field::Code);
        let marker = if focused { "▶ " } else { "  " };
        let label_style = if focused { t.accent } else { t.text };
        f.render_widget(
            Paragraph::new(Span::styled(
                format!("{marker}{}", tr(lang, label)),
                label_style,
            )),
            cols[0],
        );
        let area = cols[1];
        let ta = match which {
            Field::Code => &mut form.code,
            Field::Password => &mut form.password,
        };
        ta.set_style(t.input);
        // Paint the whole field first so an empty field is still visible (underlined blanks).
        f.render_widget(Block::default().style(t.input), area);
        // Only the focused field shows a cursor (reverse video, visible without colour).
        ta.set_cursor_style(if focused {
            t.input.add_modifier(ratatui::style::Modifier::REVERSED)
        } else {
            t.input
        });
        f.render_widget(&*ta, area);
    }
    if let Some(m) = &form.message {
        f.render_widget(Paragraph::new(msg_line(m, lang, &t)), rows[6]);
    }
    let hints: &[(Command, &str)] = if unlocking {
        &[
            (Command::Submit, "hint.unlock"),
            (Command::Quit, "hint.quit"),
        ]
    } else {
        &[
            (Command::NextField, "hint.next_field"),
            (Command::Submit, "hint.sign_in"),
        ]
    };
    f.render_widget(
        Paragraph::new(Span::styled(
            key_hints(
                &app.keymap,
                &[Context::Login, Context::Global],
                hints,
                true,
                lang,
            ),
            t.muted,
        )),
        rows[7],
    );
    if demo_lines > 0 {
        let pw = app.demo_password.clone().unwrap_or_default();
        let mut lines = vec![Line::from(Span::styled(
            trf(lang, "login.demo_accounts", &[("password", pw.as_str())]),
            t.muted,
        ))];
        for (code, role) in &app.demo_accounts {
            lines.push(Line::from(vec![
                Span::styled(format!("  {code:<12}"), t.key),
                Span::styled(tr(lang, &format!("role.{}", role.as_str())), t.text),
            ]));
        }
        f.render_widget(Paragraph::new(lines), rows[8]);
    }
}
