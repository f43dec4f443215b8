//! A project whole (Enter on `:trading`, Esc back; issue 17.11): the project, its sections with
//! their dates and — once open — how many registered, its notices with the days left in each
//! legal period, and its timeline from the audit log, newest first.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::domain::fees::receipt_file::yuan;
use crate::domain::time::zone::at_center;
use crate::i18n::{tr, trf};
use crate::store::trading::view::ProjectView;
use crate::ui::app::App;

/// An audit action in words where the locales have it, else its code (a new action still shows).
fn action_label(lang: crate::i18n::Lang, action: &str) -> String {
    let key = format!("action.{action}");
    let label = tr(lang, &key);
    if label.ends_with(&key) {
        action.to_string()
    } else {
        label
    }
}

pub fn draw(f: &mut Frame, app: &App, p: &ProjectView, area: Rect) {
    let lang = app.lang;
    let t = &app.theme;
    let h = &p.head;
    let at = |d: &Option<chrono::DateTime<chrono::Utc>>| {
        d.map(|d| at_center(&d).format("%m-%d %H:%M").to_string())
            .unwrap_or_else(|| "—".into())
    };
    let label = |k: &str| Span::styled(format!("{} ", tr(lang, k)), t.muted);
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{} ", h.project_code), t.accent),
            Span::styled(format!("{} · ", h.line), t.text),
            Span::styled(tr(lang, &format!("trading.stage.{}", h.stage)), t.text),
            Span::raw("  "),
            label("trading.holder"),
            Span::styled(h.holder.clone().unwrap_or_else(|| "—".into()), t.text),
        ]),
        Line::from(Span::styled(
            format!("{} · {}", h.title, h.tenderer_name),
            t.text,
        )),
        Line::from(vec![
            label("trading.amount"),
            Span::styled(format!("{}  ", yuan(h.amount_fen)), t.text),
            label("trading.must"),
            Span::styled(
                format!(
                    "{} ({})",
                    tr(
                        lang,
                        if h.must_enter {
                            "trading.must.yes"
                        } else {
                            "trading.must.no"
                        }
                    ),
                    h.threshold_article
                ),
                t.text,
            ),
        ]),
        Line::raw(""),
        Line::from(Span::styled(tr(lang, "project.sections"), t.title)),
    ];
    if p.sections.is_empty() {
        lines.push(Line::from(Span::styled(tr(lang, "project.none"), t.muted)));
    }
    for s in &p.sections {
        let regs = match s.registrations {
            Some(n) => trf(lang, "project.registered", &[("count", &n.to_string())]),
            None => tr(lang, "project.sealed"),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  {} ", s.unified_deal_code), t.text),
            Span::styled(format!("{} · ", s.name), t.text),
            label("project.deposit"),
            Span::styled(format!("{} · ", yuan(s.deposit_fen)), t.text),
            label("trading.next.deadline"),
            Span::styled(format!("{} · ", at(&s.deadline_at)), t.text),
            Span::styled(regs, t.muted),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        tr(lang, "project.notices"),
        t.title,
    )));
    if p.notices.is_empty() {
        lines.push(Line::from(Span::styled(tr(lang, "project.none"), t.muted)));
    }
    for n in &p.notices {
        let left = match n.days_left {
            Some(d) if d >= 0 => trf(lang, "project.days_left", &[("days", &d.to_string())]),
            Some(_) => tr(lang, "project.ended"),
            None => String::new(),
        };
        let style = match n.days_left {
            Some(d) if (0..=3).contains(&d) => t.warn,
            _ => t.text,
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!(
                    "  {} {} ",
                    at_center(&n.published_at).format("%m-%d"),
                    tr(lang, &format!("project.kind.{}", n.kind))
                ),
                t.text,
            ),
            Span::styled(
                format!(
                    "{} {left}{} ",
                    n.ends_on.map(|d| d.to_string()).unwrap_or_default(),
                    if n.overridden {
                        tr(lang, "project.overridden")
                    } else {
                        String::new()
                    }
                ),
                style,
            ),
            Span::styled(n.title.clone(), t.muted),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        tr(lang, "project.timeline"),
        t.title,
    )));
    for e in &p.timeline {
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {} ", at_center(&e.at).format("%m-%d %H:%M")),
                t.muted,
            ),
            Span::styled(
                format!("{:<10} ", e.operator.as_deref().unwrap_or("—")),
                t.text,
            ),
            Span::styled(action_label(lang, &e.action), t.text),
        ]));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(Span::styled(
            format!(" {} · {} ", tr(lang, "screen.trading"), h.project_code),
            t.title,
        ));
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}
