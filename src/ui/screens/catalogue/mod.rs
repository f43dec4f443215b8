//! **catalogue** — the screens. The service catalogue (事项目录) and its service guides (办事指南), the
//! public disclosure of every item.
//!
//! Rules kept: Items are versioned (a stale change is refused); materials, fees and limits are data
//! an administrator edits as files.
//! Docs: docs/catalogue.md.
//!
//! The service catalogue (事项目录) and one item's service guide (办事指南): open to every role,
//! it is also the public disclosure lookup.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Wrap};

use crate::i18n::{Lang, tr};
use crate::store::catalogue::{Guide, ItemFilter, ItemRow, Material};
use crate::ui::action::{Task, TaskError};
use crate::ui::app::{App, ListView};
use crate::ui::screens::list_status;
use crate::ui::widgets::label_value;

#[derive(Debug, Clone, Default)]
pub struct CatalogueState {
    pub view: ListView<ItemRow>,
    pub filter: ItemFilter,
    /// The guide being read, and its scroll offset.
    pub guide: Option<GuideView>,
}

#[derive(Debug, Clone)]
pub struct GuideView {
    pub item: ItemRow,
    pub loaded: Option<Result<(Guide, Vec<Material>), TaskError>>,
    pub scroll: u16,
}

impl App {
    pub(crate) fn reload_catalogue(&mut self) -> Vec<Task> {
        self.catalogue.view.loading = true;
        vec![Task::LoadCatalogue {
            filter: self.catalogue.filter.clone(),
        }]
    }

    pub(crate) fn open_guide(&mut self) -> Vec<Task> {
        let c = &mut self.catalogue;
        let Some(item) = c.view.rows.as_ref().and_then(|r| r.get(c.view.selected)) else {
            return vec![];
        };
        let item_id = item.item_id;
        c.guide = Some(GuideView {
            item: item.clone(),
            loaded: None,
            scroll: 0,
        });
        vec![Task::LoadGuide { item_id }]
    }

    pub(crate) fn guide_loaded(
        &mut self,
        item_id: i64,
        result: Result<(Guide, Vec<Material>), TaskError>,
    ) {
        if let Some(g) = &mut self.catalogue.guide
            && g.item.item_id == item_id
        {
            g.loaded = Some(result);
        }
    }
}

fn category(lang: Lang, c: &str) -> String {
    tr(lang, &format!("category.{c}"))
}

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    if let Some(g) = &app.catalogue.guide {
        draw_guide(f, app, g, area);
        return;
    }
    let lang = app.lang;
    let t = &app.theme;
    let view = &app.catalogue.view;
    let filter = app
        .catalogue
        .filter
        .text
        .as_ref()
        .map(|s| format!(" / {s}"))
        .unwrap_or_default();
    let title = match &view.rows {
        Some(rows) => format!(
            " {} · {}{filter} ",
            tr(lang, "screen.catalogue"),
            rows.len()
        ),
        None => format!(" {} ", tr(lang, "screen.catalogue")),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(Span::styled(title, t.title));
    let Some(rows) = &view.rows else {
        list_status(f, app, &view.error, view.loading, block, area);
        return;
    };
    let body = rows.iter().map(|i| {
        let (name, dept) = match lang {
            Lang::ZhCn => (&i.name_zh, &i.department_zh),
            Lang::En => (&i.name_en, &i.department_en),
        };
        let days = if i.is_instant {
            tr(lang, "item.instant")
        } else {
            format!("{}/{}", i.promised_days, i.statutory_days)
        };
        Row::new(vec![
            Cell::from(i.code.clone()),
            Cell::from(name.clone()),
            Cell::from(dept.clone()),
            Cell::from(category(lang, &i.category)),
            Cell::from(days),
        ])
        .style(if i.retired { t.muted } else { t.text })
    });
    let widths = [
        Constraint::Length(9),
        Constraint::Min(20),
        Constraint::Length(16),
        Constraint::Length(14),
        Constraint::Length(7),
    ];
    let (table, mut state) = crate::ui::screens::selectable_table(
        app,
        &[
            "item.code",
            "item.name",
            "item.department",
            "item.category",
            "item.days",
        ],
        body,
        &widths,
        block,
        view.selected,
    );
    f.render_stateful_widget(table, area, &mut state);
}

fn draw_guide(f: &mut Frame, app: &App, g: &GuideView, area: Rect) {
    let lang = app.lang;
    let t = &app.theme;
    let (name, dept) = match lang {
        Lang::ZhCn => (&g.item.name_zh, &g.item.department_zh),
        Lang::En => (&g.item.name_en, &g.item.department_en),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(Span::styled(
            format!(" {} · {} ", g.item.code, name),
            t.title,
        ));
    let mut lines: Vec<Line> = vec![];
    let field = |key: &str, value: String| label_value(lang, t, key, value);
    lines.push(field("item.department", dept.clone()));
    lines.push(field("item.category", category(lang, &g.item.category)));
    let days = if g.item.is_instant {
        tr(lang, "item.instant")
    } else {
        format!(
            "{} {} / {} {}",
            tr(lang, "item.promised"),
            g.item.promised_days,
            tr(lang, "item.statutory"),
            g.item.statutory_days
        )
    };
    lines.push(field("item.days", days));
    match &g.loaded {
        None => lines.push(Line::from(Span::styled(tr(lang, "list.loading"), t.muted))),
        Some(Err(e)) => lines.push(Line::from(Span::styled(
            format!("! {}", e.message),
            t.danger,
        ))),
        Some(Ok((guide, materials))) => {
            for (key, value) in [
                ("guide.handling_body", &guide.handling_body),
                ("guide.legal_basis", &guide.legal_basis),
                ("guide.conditions", &guide.conditions),
                ("guide.procedure", &guide.procedure),
                ("guide.result_document", &guide.result_document),
                ("guide.fee_basis", &guide.fee_basis),
                ("guide.fee_standard", &guide.fee_standard),
                ("guide.supervision_channel", &guide.supervision_channel),
            ] {
                let value = if value.is_empty() {
                    "—".to_string()
                } else {
                    value.clone()
                };
                lines.push(field(key, value));
            }
            let flags: Vec<String> = [
                (guide.needs_site_survey, "guide.site_survey"),
                (
                    guide.needs_collective_discussion,
                    "guide.collective_discussion",
                ),
                (guide.needs_expert_review, "guide.expert_review"),
                (guide.needs_hearing, "guide.hearing"),
            ]
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, k)| tr(lang, k))
            .collect();
            if !flags.is_empty() {
                lines.push(field("guide.special", flags.join("、")));
            }
            lines.push(Line::from(Span::styled(
                tr(lang, "guide.materials"),
                t.accent,
            )));
            for m in materials {
                let name = match lang {
                    Lang::ZhCn => &m.name_zh,
                    Lang::En => &m.name_en,
                };
                let req = if m.required {
                    tr(lang, "guide.required")
                } else {
                    tr(lang, "guide.optional")
                };
                lines.push(Line::from(Span::styled(
                    format!("  {}. {name}（{req}）", m.position),
                    t.text,
                )));
            }
        }
    }
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((g.scroll, 0)),
        area,
    );
}
