//! The one-line input at the bottom: the `/` filter of list screens (filters on the server when
//! Enter is pressed), or the reason for a disapproval.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Clear, Paragraph};
use ratatui_textarea::TextArea;

use crate::ui::app::App;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinePurpose {
    Filter,
    /// The reason of a disapproval of this case (and the version the operator saw).
    Reason {
        case_id: i64,
        version: i32,
    },
    /// The login code of the operator to give this case to.
    Reassign {
        case_id: i64,
        version: i32,
    },
    /// The comment acknowledging a warning card.
    Acknowledge {
        card_id: i64,
    },
    /// The reason of a suspension, and its kind (an index of `SUSPENSION_KINDS`, Tab cycles).
    Suspend {
        case_id: i64,
        version: i32,
        kind: usize,
    },
    /// "days reason" of an extension.
    Extend {
        case_id: i64,
        version: i32,
    },
    /// Why the applicant's personal data is needed (it goes into the access log).
    Reveal {
        case_id: i64,
    },
    /// Why a closed business day is reopened.
    Reopen {
        date: chrono::NaiveDate,
    },
    /// "CODE reason": the assessment an unidentified receipt pays.
    LinkReceipt {
        receipt_id: i64,
    },
    /// Why a receipt is marked for refund.
    Refund {
        receipt_id: i64,
    },
    /// The text a routing step needs: a reason, the missing materials, a document number.
    Route(crate::ui::screens::routing::RouteLine),
    /// A note on a receipt or an assessment, as of the day shown.
    Annotate {
        date: chrono::NaiveDate,
        on: crate::store::fees::exceptions::Noted,
    },
}

pub struct FilterLine {
    input: TextArea<'static>,
    pub purpose: LinePurpose,
}

impl FilterLine {
    /// Starts with the filter in force, so it can be edited rather than retyped.
    pub fn new(current: Option<&str>) -> FilterLine {
        FilterLine::with_purpose(current, LinePurpose::Filter)
    }

    pub fn with_purpose(current: Option<&str>, purpose: LinePurpose) -> FilterLine {
        let mut input = TextArea::default();
        input.set_cursor_line_style(Style::default());
        if let Some(c) = current {
            input.insert_str(c);
        }
        FilterLine { input, purpose }
    }

    pub fn for_purpose(purpose: LinePurpose) -> FilterLine {
        FilterLine::with_purpose(None, purpose)
    }

    pub fn text(&self) -> String {
        self.input.lines().concat()
    }

    pub fn is_empty(&self) -> bool {
        self.input.is_empty()
    }

    pub fn input(&mut self, ev: KeyEvent) {
        super::text_keys::edit(&mut self.input, ev);
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
    let prompt = match fl.purpose {
        LinePurpose::Filter => "/".to_string(),
        LinePurpose::Reason { .. } => format!("{} ", crate::i18n::tr(app.lang, "case.reason")),
        LinePurpose::Reassign { .. } => {
            format!("{} ", crate::i18n::tr(app.lang, "case.reassign_to"))
        }
        LinePurpose::Acknowledge { .. } => {
            format!("{} ", crate::i18n::tr(app.lang, "notices.comment"))
        }
        LinePurpose::Suspend { kind, .. } => {
            let name = crate::store::time::limits::SUSPENSION_KINDS[kind];
            crate::i18n::trf(
                app.lang,
                "clock.suspend_prompt",
                &[(
                    "kind",
                    &crate::i18n::tr(app.lang, &format!("suspension.{name}")),
                )],
            ) + " "
        }
        LinePurpose::Extend { .. } => {
            format!("{} ", crate::i18n::tr(app.lang, "clock.extend_prompt"))
        }
        LinePurpose::Reveal { .. } => {
            format!("{} ", crate::i18n::tr(app.lang, "reveal.prompt"))
        }
        LinePurpose::Reopen { .. } => {
            format!("{} ", crate::i18n::tr(app.lang, "recon.reopen_prompt"))
        }
        LinePurpose::LinkReceipt { .. } => {
            format!("{} ", crate::i18n::tr(app.lang, "recon.link_prompt"))
        }
        LinePurpose::Refund { .. } => {
            format!("{} ", crate::i18n::tr(app.lang, "recon.refund_prompt"))
        }
        LinePurpose::Route(step) => {
            format!("{} ", crate::i18n::tr(app.lang, step.prompt_key()))
        }
        LinePurpose::Annotate { .. } => {
            format!("{} ", crate::i18n::tr(app.lang, "recon.note_prompt"))
        }
    };
    let width = unicode_width::UnicodeWidthStr::width(prompt.as_str()) as u16;
    let [slash, input] =
        Layout::horizontal([Constraint::Length(width), Constraint::Min(1)]).areas(area);
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(Span::styled(prompt, t.accent)), slash);
    fl.input.set_style(t.text);
    fl.input
        .set_cursor_style(t.text.add_modifier(Modifier::REVERSED));
    f.render_widget(&fl.input, input);
}
