//! The hint bar: the most useful keys of the current context, taken from the live keymap, so a
//! remapped key shows as remapped.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::i18n::tr;
use crate::ui::app::{App, Screen};
use crate::ui::keymap::Command;
use crate::ui::widgets::msg_line;

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    if let Some(m) = &app.flash {
        f.render_widget(Paragraph::new(msg_line(m, app.lang, t)), area);
        return;
    }
    let contexts = app.contexts();
    let mut wanted: Vec<(Command, String)> = vec![
        (Command::Help, tr(app.lang, "hint.help")),
        (Command::CommandLine, tr(app.lang, "hint.command_line")),
    ];
    match (&app.session, app.screen) {
        (Some(_), Screen::Home) => {
            wanted.push((Command::OpenQueue, tr(app.lang, "screen.queue")));
            wanted.push((Command::OpenCatalogue, tr(app.lang, "screen.catalogue")));
        }
        (Some(_), Screen::Intake) => {
            wanted.push((Command::Back, tr(app.lang, "hint.back")));
        }
        (Some(_), Screen::Queue) => {
            wanted.push((Command::OpenIntake, tr(app.lang, "hint.intake")));
            wanted.push((Command::Claim, tr(app.lang, "hint.claim")));
            wanted.push((Command::Release, tr(app.lang, "hint.release")));
            wanted.push((Command::NextQueue, tr(app.lang, "hint.next_queue")));
            wanted.push((Command::Filter, tr(app.lang, "hint.filter")));
        }
        (Some(op), Screen::Trading) => {
            // Readers cannot claim: the hint would only lead to a refusal.
            if crate::domain::accounts::permission::allows(
                &op.roles,
                crate::domain::accounts::permission::Permission::RegisterTrade,
            ) {
                wanted.push((Command::Claim, tr(app.lang, "hint.claim")));
                wanted.push((Command::Release, tr(app.lang, "hint.release")));
            }
            wanted.push((Command::NextQueue, tr(app.lang, "hint.next_queue")));
            wanted.push((Command::Refresh, tr(app.lang, "hint.refresh")));
        }
        (Some(op), Screen::Deposits) => {
            if crate::domain::accounts::permission::allows(
                &op.roles,
                crate::domain::accounts::permission::Permission::KeepDeposits,
            ) {
                wanted.push((Command::PrepareRefund, tr(app.lang, "hint.prepare")));
                wanted.push((Command::Approve, tr(app.lang, "hint.approve")));
            }
            wanted.push((Command::Refresh, tr(app.lang, "hint.refresh")));
        }
        (Some(_), Screen::Catalogue) => {
            wanted.push((Command::Open, tr(app.lang, "hint.open")));
            wanted.push((Command::Filter, tr(app.lang, "hint.filter")));
            wanted.push((Command::Back, tr(app.lang, "hint.back")));
        }
        (Some(_), _) => {
            wanted.push((Command::Refresh, tr(app.lang, "hint.refresh")));
            wanted.push((Command::Back, tr(app.lang, "hint.back")));
        }
        (None, _) => {}
    }
    wanted.push((Command::ToggleLang, tr(app.lang, "hint.toggle_lang")));
    wanted.push((Command::Quit, tr(app.lang, "hint.quit")));
    let mut spans = vec![Span::raw(" ")];
    for (cmd, label) in wanted {
        // While a field has the keyboard, letters type into it, so only other keys are hints.
        if let Some(k) = app.keymap.key_for(&contexts, cmd, app.text_focused()) {
            spans.push(Span::styled(k.to_string(), t.key));
            spans.push(Span::styled(format!(" {label}  "), t.muted));
        }
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}
