//! The `/` filter line of list screens: typed text filters on the server when Enter is pressed.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Clear, Paragraph};
use ratatui_textarea::TextArea;

use crate::ui::app::App;

pub struct FilterLine {
    input: TextArea<'static>,
}

impl FilterLine {
    /// Starts with the filter in force, so it can be edited rather than retyped.
    pub fn new(current: Option<&str>) -> FilterLine {
        let mut input = TextArea::default();
        input.set_cursor_line_style(Style::default());
        if let Some(c) = current {
            input.insert_str(c);
        }
        FilterLine { input }
    }

    pub fn text(&self) -> String {
        self.input.lines().concat()
    }

    pub fn is_empty(&self) -> bool {
        self.input.is_empty()
    }

    pub fn input(&mut self, ev: KeyEvent) {
        self.input.input(ev);
    }

    pub fn insert(&mut self, text: &str) {
        self.input.insert_str(text);
    }
}

pub fn draw(f: &mut Frame, app: &mut App, area: Rect) {
    let t = app.theme.clone();
    let Some(fl) = &mut app.filter_line else {
        return;
    };
    let [slash, input] =
        Layout::horizontal([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(Span::styled("/", t.accent)), slash);
    fl.input.set_style(t.text);
    fl.input
        .set_cursor_style(t.text.add_modifier(Modifier::REVERSED));
    f.render_widget(&fl.input, input);
}
