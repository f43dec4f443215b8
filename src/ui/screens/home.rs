//! Home: who is signed in, and the screens to go to.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::i18n::{Lang, tr, trf};
use crate::ui::app::{App, Screen};
use crate::ui::keymap::{Command, Context};

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let lang = app.lang;
    let t = &app.theme;
    let Some(op) = &app.session else {
        return;
    };
    let dept = match lang {
        Lang::ZhCn => &op.department_zh,
        Lang::En => &op.department_en,
    };
    let roles: Vec<String> = op
        .roles
        .iter()
        .map(|r| tr(lang, &format!("role.{}", r.as_str())))
        .collect();
    let mut lines = vec![
        Line::from(Span::styled(
            trf(lang, "home.welcome", &[("name", &op.name)]),
            t.title,
        )),
        Line::from(Span::styled(
            trf(
                lang,
                "home.signed_in_as",
                &[("role", &roles.join("/")), ("department", dept)],
            ),
            t.text,
        )),
        Line::raw(""),
        Line::from(Span::styled(tr(lang, "home.go"), t.muted)),
    ];
    for (screen, cmd) in [
        (Screen::Intake, Command::OpenIntake),
        (Screen::Queue, Command::OpenQueue),
        (Screen::Routing, Command::OpenRouting),
        (Screen::Notices, Command::OpenNotices),
        (Screen::Overdue, Command::OpenOverdue),
        (Screen::Report, Command::OpenReport),
        (Screen::Reconcile, Command::OpenReconcile),
        (Screen::Catalogue, Command::OpenCatalogue),
        (Screen::Departments, Command::OpenDepartments),
        (Screen::Trading, Command::OpenTrading),
        (Screen::Deposits, Command::OpenDeposits),
        (Screen::Bulletins, Command::OpenBulletins),
        (Screen::Audit, Command::OpenAudit),
    ]
    .into_iter()
    .filter(|(s, _)| app.may_open(*s))
    {
        let key = app
            .keymap
            .key_for(&[Context::Home, Context::Global], cmd, false)
            .map(|k| k.to_string())
            .unwrap_or_default();
        lines.push(Line::from(vec![
            Span::styled(format!("  {key:<3}"), t.key),
            Span::styled(format!(":{:<13}", screen.name()), t.accent),
            Span::styled(tr(lang, screen.title_key()), t.text),
        ]));
    }
    // Everyone may change their own password.
    let key = app
        .keymap
        .key_for(
            &[Context::Home, Context::Global],
            Command::ChangePassword,
            false,
        )
        .map(|k| k.to_string())
        .unwrap_or_default();
    lines.push(Line::from(vec![
        Span::styled(format!("  {key:<3}"), t.key),
        Span::styled(format!(":{:<13}", "password"), t.accent),
        Span::styled(tr(lang, "password.title"), t.text),
    ]));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(Span::styled(
            format!(" {} ", tr(lang, "screen.home")),
            t.title,
        ));
    f.render_widget(Paragraph::new(lines).block(block), area);
}
