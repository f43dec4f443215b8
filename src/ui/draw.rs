//! Draws the whole screen from the app state.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::i18n::{tr, trf};
use crate::ui::action::DbState;
use crate::ui::app::{App, Screen};
use crate::ui::screens;
use crate::ui::widgets::{centered, command_line, filter_line, hint_bar, status_bar};

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

pub fn draw(f: &mut Frame, app: &mut App) {
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(f, app, area);
        return;
    }
    let t = app.theme.clone();
    f.render_widget(Block::default().style(t.text), area);
    let banner_h = u16::from(app.db == DbState::Reconnecting);
    let [banner, header, body, hint, status] = Layout::vertical([
        Constraint::Length(banner_h),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);

    if banner_h > 0 {
        f.render_widget(
            Paragraph::new(Span::styled(
                format!(" ! {}", tr(app.lang, "banner.reconnecting")),
                t.banner,
            ))
            .style(t.banner),
            banner,
        );
    }
    draw_header(f, app, header);

    if app.session.is_none() || app.locked {
        screens::accounts::login::draw(f, app, body);
    } else {
        match app.screen {
            Screen::Home => screens::home::draw(f, app, body),
            Screen::Intake => screens::cases::intake::draw(f, app, body),
            Screen::Queue => screens::cases::queue::draw(f, app, body),
            Screen::Catalogue => screens::catalogue::draw(f, app, body),
            Screen::Departments => screens::accounts::departments::draw(f, app, body),
            Screen::Audit => screens::audit::draw(f, app, body),
            Screen::Trading => screens::trading::draw(f, app, body),
            Screen::Deposits => screens::trading::deposits::draw(f, app, body),
            Screen::Bulletins => screens::trading::bulletins::draw(f, app, body),
            Screen::Overdue => screens::time::supervision::draw_board(f, app, body),
            Screen::Notices => screens::time::supervision::draw_notices(f, app, body),
            Screen::Access => screens::cases::lookup::draw_access_log(f, app, body),
            Screen::Report => screens::time::report::draw(f, app, body),
            Screen::Reconcile => screens::fees::reconcile::draw(f, app, body),
            Screen::Routing => screens::routing::draw(f, app, body),
        }
        if app.password.is_some() {
            screens::accounts::password::draw(f, app, body);
        }
    }
    hint_bar::draw(f, app, hint);
    status_bar::draw(f, app, status);

    if app.filter_line.is_some() {
        filter_line::draw(f, app, hint);
        // The line covers the hint bar, where messages go: a message about what was typed
        // (a refused extension, say) shows on the row above it.
        if let Some(m) = &app.flash {
            let above = Rect {
                y: hint.y.saturating_sub(1),
                ..hint
            };
            f.render_widget(Clear, above);
            f.render_widget(
                Paragraph::new(crate::ui::widgets::msg_line(m, app.lang, &t)),
                above,
            );
        }
    }
    if app.command_line.is_some() {
        let above = Rect {
            y: hint.y.saturating_sub(1),
            ..hint
        };
        command_line::draw(f, app, hint, above);
    }
    if app.lookup.is_some() {
        screens::cases::lookup::draw_palette(f, app, body);
    }
    if app.help.is_some() {
        screens::help::draw(f, app, body);
    }
    if let Some(unsaved) = app.confirm_quit {
        confirm_quit(f, app, body, unsaved);
    }
}

fn draw_header(f: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    let mut spans = vec![Span::styled(" onewindow ", t.title)];
    let signed_in = app.session.is_some() && !app.locked;
    // At 80 columns the screen names need the room; the center's name shows when it fits.
    if !signed_in || area.width >= 120 {
        spans.push(Span::styled(
            format!("· {} ", tr(app.lang, "app.center")),
            t.muted,
        ));
    }
    if signed_in {
        for s in Screen::ALL.into_iter().filter(|s| app.may_open(*s)) {
            // Unread warning cards show as a count on the notices tab.
            let label = if s == Screen::Notices && app.unread > 0 {
                format!(" {} {} ", tr(app.lang, s.title_key()), app.unread)
            } else {
                format!(" {} ", tr(app.lang, s.title_key()))
            };
            let style = if s == app.screen {
                t.selection
            } else {
                t.muted
            };
            spans.push(Span::styled(label, style));
        }
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn confirm_quit(f: &mut Frame, app: &App, area: Rect, unsaved: bool) {
    let t = &app.theme;
    let popup = centered(area, 60, 6);
    f.render_widget(Clear, popup);
    let key = if unsaved {
        "confirm.quit_unsaved"
    } else {
        "confirm.quit"
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.warn)
        .title(Span::styled(
            format!(" {} ", tr(app.lang, "confirm.quit_title")),
            t.warn,
        ));
    f.render_widget(
        Paragraph::new(Span::styled(tr(app.lang, key), t.text))
            .wrap(Wrap { trim: true })
            .block(block),
        popup,
    );
}

fn too_small(f: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    let text = vec![
        Line::from(Span::styled(tr(app.lang, "small.title"), t.warn)),
        Line::from(Span::styled(
            trf(
                app.lang,
                "small.body",
                &[
                    ("width", &area.width.to_string()),
                    ("height", &area.height.to_string()),
                ],
            ),
            t.text,
        )),
    ];
    f.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}
