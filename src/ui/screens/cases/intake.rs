//! The intake form (一窗受理): item, applicant, materials. Every field is checked when the form is
//! submitted and again when it is left (its reason goes once it is right); a bad field gets its
//! reason beside it and keeps what was typed; nothing is saved until the whole form is valid. The
//! checks match the database's constraints (`store::constraints`); a refusal that still gets
//! through is shown beside the field it names. The answer is a receipt (受理通知书) or a correction notice
//! (补正告知) listing exactly what is missing.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui_textarea::TextArea;

use crate::domain::cases::validate::{self, IdError, TextError};
use crate::i18n::{Lang, tr};
use crate::store::cases::{ApplicantKind, Intake, IntakeOutcome};
use crate::store::catalogue::{ItemRow, Material};
use crate::ui::action::{Task, TaskError};
use crate::ui::app::{App, Level, Msg};
use crate::ui::widgets::colon;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Item,
    Kind,
    Name,
    IdNo,
    Phone,
    Address,
    /// 首问负责人: the operator code of whoever the applicant asked first (empty: me).
    FirstInquiry,
    Materials,
}

const ORDER: [Field; 8] = [
    Field::Item,
    Field::Kind,
    Field::Name,
    Field::IdNo,
    Field::Phone,
    Field::Address,
    Field::FirstInquiry,
    Field::Materials,
];

fn text_field() -> TextArea<'static> {
    let mut t = TextArea::default();
    t.set_cursor_line_style(Style::default());
    t
}

pub struct IntakeForm {
    pub search: TextArea<'static>,
    pub name: TextArea<'static>,
    pub id_no: TextArea<'static>,
    pub phone: TextArea<'static>,
    pub address: TextArea<'static>,
    pub first_inquiry: TextArea<'static>,
    pub kind: ApplicantKind,
    pub focus: Field,
    /// Every item that takes cases (loaded once), and the chosen one.
    pub items: Vec<ItemRow>,
    pub match_cursor: usize,
    pub item: Option<ItemRow>,
    pub materials: Vec<(Material, bool)>,
    pub material_cursor: usize,
    /// Reasons beside fields: (field, i18n key).
    pub errors: Vec<(Field, &'static str)>,
    pub busy: bool,
    /// The answer of the last submission, shown instead of the form until Enter.
    pub outcome: Option<IntakeOutcome>,
    pub message: Option<Msg>,
}

impl Default for IntakeForm {
    fn default() -> Self {
        IntakeForm {
            search: text_field(),
            name: text_field(),
            id_no: text_field(),
            phone: text_field(),
            address: text_field(),
            first_inquiry: text_field(),
            kind: ApplicantKind::Person,
            focus: Field::Item,
            items: vec![],
            match_cursor: 0,
            item: None,
            materials: vec![],
            material_cursor: 0,
            errors: vec![],
            busy: false,
            outcome: None,
            message: None,
        }
    }
}

fn text_error(e: TextError) -> &'static str {
    match e {
        TextError::Empty => "intake.err.required",
        TextError::TooLong => "intake.err.name_long",
        TextError::Control => "intake.err.control",
        TextError::Digit => "intake.err.name_digit",
    }
}

/// The form's field a store refusal names (`StoreError::Invalid`'s field).
fn field_named(name: &str) -> Option<Field> {
    Some(match name {
        "item" => Field::Item,
        "name" => Field::Name,
        "id_no" => Field::IdNo,
        "phone" => Field::Phone,
        "address" => Field::Address,
        "first_inquiry" => Field::FirstInquiry,
        "materials" => Field::Materials,
        _ => return None,
    })
}

fn text(t: &TextArea) -> String {
    t.lines().concat()
}

impl IntakeForm {
    /// Items whose code or name contains the search text.
    pub fn matches(&self) -> Vec<&ItemRow> {
        let q = text(&self.search).trim().to_lowercase();
        self.items
            .iter()
            .filter(|i| !i.retired)
            .filter(|i| {
                q.is_empty()
                    || i.code.to_lowercase().contains(&q)
                    || i.name_zh.contains(&q)
                    || i.name_en.to_lowercase().contains(&q)
            })
            .collect()
    }

    pub fn has_input(&self) -> bool {
        [
            &self.search,
            &self.name,
            &self.id_no,
            &self.phone,
            &self.address,
            &self.first_inquiry,
        ]
        .iter()
        .any(|t| !t.is_empty())
    }

    fn focused_text(&mut self) -> Option<&mut TextArea<'static>> {
        match self.focus {
            Field::Item => Some(&mut self.search),
            Field::Name => Some(&mut self.name),
            Field::IdNo => Some(&mut self.id_no),
            Field::Phone => Some(&mut self.phone),
            Field::Address => Some(&mut self.address),
            Field::FirstInquiry => Some(&mut self.first_inquiry),
            Field::Kind | Field::Materials => None,
        }
    }

    pub fn move_focus(&mut self, step: isize) {
        let i = ORDER.iter().position(|f| *f == self.focus).unwrap_or(0) as isize;
        self.focus = ORDER[(i + step).rem_euclid(ORDER.len() as isize) as usize];
    }

    /// A text field of the form has the keyboard (typed characters and pastes go into it).
    pub fn text_focused(&self) -> bool {
        self.outcome.is_none() && !matches!(self.focus, Field::Kind | Field::Materials)
    }

    /// The reason a field is wrong (an i18n key), or None when it is right. The one definition
    /// of each check: on submit, when a field is left, and while a wrong field is corrected.
    pub fn check(&self, field: Field, today: NaiveDate) -> Option<&'static str> {
        match field {
            Field::Item => self.item.is_none().then_some("intake.err.item"),
            Field::Name => {
                let name = text(&self.name);
                match self.kind {
                    ApplicantKind::Person => validate::person_name(&name).err(),
                    ApplicantKind::Organisation => validate::applicant_name(&name).err(),
                }
                .map(text_error)
            }
            Field::Address => validate::address(&text(&self.address))
                .err()
                .map(text_error),
            Field::IdNo => {
                let id = text(&self.id_no);
                let id_check = match self.kind {
                    ApplicantKind::Person => validate::resident_id(&id, today).map(|_| ()),
                    ApplicantKind::Organisation => validate::credit_code(&id).map(|_| ()),
                };
                id_check.err().map(|e| match e {
                    IdError::Length => "intake.err.id_length",
                    IdError::BadCharacter => "intake.err.id_character",
                    IdError::UnknownRegion => "intake.err.id_region",
                    IdError::BadBirthDate => "intake.err.id_birth",
                    IdError::CheckCharacter => "intake.err.id_check",
                })
            }
            Field::Phone => validate::phone(&text(&self.phone))
                .is_err()
                .then_some("intake.err.phone"),
            Field::FirstInquiry => {
                // An operator code: letters, digits, `-` and `_`; whether it exists the store says.
                let first = text(&self.first_inquiry).trim().to_lowercase();
                (!first
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                    || first.len() > 32)
                    .then_some("intake.err.first_inquiry")
            }
            Field::Kind | Field::Materials => None,
        }
    }

    fn error_of(&self, field: Field) -> Option<&'static str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|e| e.1)
    }

    fn set_error(&mut self, field: Field, error: Option<&'static str>) {
        match (self.errors.iter().position(|(f, _)| *f == field), error) {
            (Some(i), Some(e)) => self.errors[i].1 = e,
            (Some(i), None) => {
                self.errors.remove(i);
            }
            (None, Some(e)) => {
                // Kept in form order, so the first reason is the first bad field.
                let pos = |f: Field| ORDER.iter().position(|o| *o == f);
                let at = self
                    .errors
                    .iter()
                    .position(|(f, _)| pos(*f) > pos(field))
                    .unwrap_or(self.errors.len());
                self.errors.insert(at, (field, e));
            }
            (None, None) => {}
        }
    }

    /// A field is left: checked again if anything is in it (or it was wrong), so a reason
    /// appears at once and a stale one goes.
    pub fn leave(&mut self, field: Field, today: NaiveDate) {
        let filled = match field {
            Field::Name => !self.name.is_empty(),
            Field::IdNo => !self.id_no.is_empty(),
            Field::Phone => !self.phone.is_empty(),
            Field::FirstInquiry => !self.first_inquiry.is_empty(),
            Field::Address => !self.address.is_empty(),
            Field::Item | Field::Kind | Field::Materials => false,
        };
        if filled || self.error_of(field).is_some() {
            self.set_error(field, self.check(field, today));
        }
    }

    /// A wrong field changed: its reason follows what is in it now (gone once it is right).
    fn recheck_wrong(&mut self, field: Field, today: NaiveDate) {
        if self.error_of(field).is_some() {
            self.set_error(field, self.check(field, today));
        }
    }

    /// An edit of the focused text field (a key or a paste).
    pub fn edit(&mut self, today: NaiveDate, edit: impl FnOnce(&mut TextArea<'static>)) {
        let field = self.focus;
        let Some(t) = self.focused_text() else {
            return;
        };
        edit(t);
        if field == Field::Item {
            self.match_cursor = 0;
        }
        self.recheck_wrong(field, today);
    }

    /// Chooses the highlighted item (if it is not the chosen one already) and moves on.
    fn choose_highlighted(&mut self) -> Option<Task> {
        let chosen = self
            .matches()
            .get(self.match_cursor)
            .map(|i| (*i).clone())?;
        self.focus = Field::Kind;
        if self.item.as_ref().map(|i| i.item_id) == Some(chosen.item_id) {
            return None;
        }
        let item_id = chosen.item_id;
        self.item = Some(chosen);
        self.materials.clear();
        self.set_error(Field::Item, None);
        Some(Task::LoadGuide { item_id })
    }

    /// Checks every field; the reasons go beside the fields and the first bad field gets focus.
    pub fn validate(&mut self, today: NaiveDate) -> Option<Intake> {
        let errors: Vec<(Field, &'static str)> = ORDER
            .iter()
            .filter_map(|f| self.check(*f, today).map(|e| (*f, e)))
            .collect();
        let id = text(&self.id_no);
        let first = text(&self.first_inquiry).trim().to_lowercase();
        self.errors = errors;
        if let Some((f, _)) = self.errors.first() {
            self.focus = *f;
            return None;
        }
        let item = self.item.as_ref()?;
        Some(Intake {
            item_id: item.item_id,
            kind: self.kind,
            name: text(&self.name),
            id_no: id,
            phone: text(&self.phone),
            address: text(&self.address),
            first_inquiry: (!first.is_empty()).then_some(first),
            provided: self
                .materials
                .iter()
                .filter(|(_, on)| *on)
                .map(|(m, _)| m.material_id)
                .collect(),
        })
    }
}

impl App {
    pub(crate) fn open_intake(&mut self) -> Vec<Task> {
        if self.intake.items.is_empty() {
            vec![Task::LoadCatalogue {
                filter: Default::default(),
            }]
        } else {
            vec![]
        }
    }

    /// Keys of the intake screen. Returns None when the key is not the form's (the app's
    /// keymap then handles it).
    pub(crate) fn intake_key(&mut self, ev: KeyEvent) -> Option<Vec<Task>> {
        let today = self.now.date_naive();
        let before = self.intake.focus;
        let tasks = self.intake_form_key(ev, today);
        let form = &mut self.intake;
        if form.outcome.is_none() && form.focus != before {
            form.leave(before, today);
        }
        tasks
    }

    fn intake_form_key(&mut self, ev: KeyEvent, today: NaiveDate) -> Option<Vec<Task>> {
        let form = &mut self.intake;
        if form.outcome.is_some() {
            // The receipt is shown: Enter starts the next applicant.
            if ev.code == KeyCode::Enter {
                let items = std::mem::take(&mut form.items);
                *form = IntakeForm {
                    items,
                    ..IntakeForm::default()
                };
                return Some(vec![]);
            }
            return None;
        }
        match (ev.code, form.focus) {
            // Tab on a match highlighted by typing or by moving to it chooses it, as Enter does.
            (KeyCode::Tab, Field::Item)
                if (!form.search.is_empty() || form.match_cursor > 0)
                    && !form.matches().is_empty() =>
            {
                return Some(form.choose_highlighted().into_iter().collect());
            }
            (
                KeyCode::Tab | KeyCode::Down,
                Field::Kind
                | Field::Name
                | Field::IdNo
                | Field::Phone
                | Field::Address
                | Field::FirstInquiry,
            )
            | (KeyCode::Tab, _) => form.move_focus(1),
            (KeyCode::BackTab, _)
            | (
                KeyCode::Up,
                Field::Kind
                | Field::Name
                | Field::IdNo
                | Field::Phone
                | Field::Address
                | Field::FirstInquiry,
            ) => form.move_focus(-1),
            (KeyCode::Down, Field::Item) => {
                let n = form.matches().len();
                form.match_cursor = (form.match_cursor + 1).min(n.saturating_sub(1));
            }
            (KeyCode::Up, Field::Item) => form.match_cursor = form.match_cursor.saturating_sub(1),
            (KeyCode::Down, Field::Materials) => {
                form.material_cursor =
                    (form.material_cursor + 1).min(form.materials.len().saturating_sub(1));
            }
            (KeyCode::Up, Field::Materials) => {
                if form.material_cursor == 0 {
                    form.move_focus(-1);
                } else {
                    form.material_cursor -= 1;
                }
            }
            (KeyCode::Char(' '), Field::Kind) | (KeyCode::Left | KeyCode::Right, Field::Kind) => {
                form.kind = match form.kind {
                    ApplicantKind::Person => ApplicantKind::Organisation,
                    ApplicantKind::Organisation => ApplicantKind::Person,
                };
                // The ID is now checked as the other kind's.
                form.recheck_wrong(Field::IdNo, today);
            }
            (KeyCode::Char(' '), Field::Materials) => {
                if let Some(m) = form.materials.get_mut(form.material_cursor) {
                    m.1 = !m.1;
                }
            }
            (KeyCode::Enter, Field::Item) => {
                // Enter on the item list chooses the highlighted item and moves on.
                return Some(form.choose_highlighted().into_iter().collect());
            }
            (KeyCode::Enter, _) => return Some(self.submit_intake()),
            (KeyCode::Esc, _) => return None,
            // Letters do nothing on the toggles; leave them to the keymap (? help, q quit).
            (KeyCode::Char(_), Field::Kind | Field::Materials) => return None,
            _ => {
                if ev
                    .modifiers
                    .contains(ratatui::crossterm::event::KeyModifiers::CONTROL)
                    && !matches!(ev.code, KeyCode::Char('h' | 'w' | 'u'))
                {
                    return None;
                }
                if !form.text_focused() {
                    return None;
                }
                form.edit(today, |t| {
                    crate::ui::widgets::text_keys::edit(t, ev);
                });
            }
        }
        Some(vec![])
    }

    fn submit_intake(&mut self) -> Vec<Task> {
        let Some(op) = &self.session else {
            return vec![];
        };
        let viewer = op.operator_id;
        let today = self.now.date_naive();
        let form = &mut self.intake;
        if form.busy {
            return vec![];
        }
        form.message = None;
        match form.validate(today) {
            Some(intake) => {
                form.busy = true;
                vec![Task::Intake { viewer, intake }]
            }
            None => vec![],
        }
    }

    pub(crate) fn intake_done(&mut self, result: Result<IntakeOutcome, TaskError>) {
        let form = &mut self.intake;
        form.busy = false;
        match result {
            Ok(o) => form.outcome = Some(o),
            Err(e) if e.connection => {
                form.message = Some(Msg::new(Level::Warn, "intake.db_unavailable"))
            }
            Err(e) if e.field == Some("first_inquiry") => {
                // An operator code the form could not check: mark the field, keep everything.
                form.errors = vec![(Field::FirstInquiry, "intake.err.first_inquiry_unknown")];
                form.focus = Field::FirstInquiry;
            }
            Err(e) if e.field.and_then(field_named).is_some() => {
                // The store refused a field the form let through: the reason goes beside it,
                // everything typed stays.
                let field = e.field.and_then(field_named).unwrap_or(Field::Name);
                tracing::warn!(error = %e.message, "intake refused");
                form.errors = vec![(field, "intake.err.refused")];
                form.focus = field;
            }
            Err(e) => {
                // Anything else: a sentence, never SQL text (the log has the details).
                tracing::warn!(error = %e.message, "intake failed");
                form.message = Some(Msg::new(Level::Error, "intake.err.failed"))
            }
        }
    }

    pub(crate) fn intake_materials(&mut self, item_id: i64, materials: Vec<Material>) {
        if self.intake.item.as_ref().map(|i| i.item_id) == Some(item_id) {
            // Materials already ticked stay ticked if the same item is chosen again.
            self.intake.materials = materials.into_iter().map(|m| (m, false)).collect();
            self.intake.material_cursor = 0;
        }
    }
}

pub fn draw(f: &mut Frame, app: &mut App, area: Rect) {
    let lang = app.lang;
    let t = app.theme.clone();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(Span::styled(
            format!(" {} ", tr(lang, "screen.intake")),
            t.title,
        ));
    let inner = block.inner(area);
    f.render_widget(block, area);
    if let Some(o) = app.intake.outcome.clone() {
        draw_outcome(f, app, &o, inner);
        return;
    }
    let form = &mut app.intake;
    let matches: Vec<ItemRow> = form.matches().into_iter().cloned().collect();
    let rows = Layout::vertical([
        Constraint::Length(1), // item search
        Constraint::Length(4), // matches
        Constraint::Length(1), // kind
        Constraint::Length(1), // name
        Constraint::Length(1), // id
        Constraint::Length(1), // phone
        Constraint::Length(1), // address
        Constraint::Length(1), // first inquiry
        Constraint::Length(1), // materials title
        Constraint::Min(1),    // materials
        Constraint::Length(1), // message
    ])
    .split(inner);
    let label_w = 14;
    let label = |field: Field, key: &str, focus: Field| -> Line<'static> {
        let mark = if field == focus { "▶ " } else { "  " };
        let style = if field == focus { t.accent } else { t.text };
        Line::from(Span::styled(format!("{mark}{}", tr(lang, key)), style))
    };
    let focus = form.focus;
    let errors: Vec<(Field, &'static str)> = form.errors.clone();
    let draw_text =
        |f: &mut Frame, ta: &mut TextArea<'static>, field: Field, key: &str, row: Rect| {
            let [l, input, err] = Layout::horizontal([
                Constraint::Length(label_w),
                Constraint::Length(26),
                Constraint::Min(1),
            ])
            .areas(row);
            f.render_widget(Paragraph::new(label(field, key, focus)), l);
            f.render_widget(Block::default().style(t.input), input);
            ta.set_style(t.input);
            ta.set_cursor_style(if field == focus {
                t.input.add_modifier(Modifier::REVERSED)
            } else {
                t.input
            });
            f.render_widget(&*ta, input);
            if let Some(k) = errors.iter().find(|(f, _)| *f == field).map(|e| e.1) {
                f.render_widget(
                    Paragraph::new(Span::styled(format!(" ! {}", tr(lang, k)), t.danger)),
                    err,
                );
            }
        };
    draw_text(f, &mut form.search, Field::Item, "intake.item", rows[0]);
    let chosen = form.item.as_ref().map(|i| match lang {
        Lang::ZhCn => format!("✔ {} {}", i.code, i.name_zh),
        Lang::En => format!("✔ {} {}", i.code, i.name_en),
    });
    let mut list: Vec<Line> = vec![];
    if let Some(c) = chosen {
        list.push(Line::from(Span::styled(
            format!("{:w$}{c}", "", w = label_w as usize),
            t.ok,
        )));
    }
    if focus == Field::Item {
        for (i, m) in matches
            .iter()
            .enumerate()
            .skip(form.match_cursor.saturating_sub(1))
            .take(3)
        {
            let name = match lang {
                Lang::ZhCn => &m.name_zh,
                Lang::En => &m.name_en,
            };
            let (mark, style) = if i == form.match_cursor {
                ("▶ ", t.selection)
            } else {
                ("  ", t.muted)
            };
            list.push(Line::from(vec![
                Span::raw(format!("{:w$}", "", w = label_w as usize)),
                Span::styled(format!("{mark}{} {name}", m.code), style),
            ]));
        }
    }
    f.render_widget(Paragraph::new(list), rows[1]);
    let kind = match form.kind {
        ApplicantKind::Person => tr(lang, "intake.person"),
        ApplicantKind::Organisation => tr(lang, "intake.organisation"),
    };
    let [kl, kv] =
        Layout::horizontal([Constraint::Length(label_w), Constraint::Min(1)]).areas(rows[2]);
    f.render_widget(Paragraph::new(label(Field::Kind, "intake.kind", focus)), kl);
    f.render_widget(
        Paragraph::new(Span::styled(format!("◀ {kind} ▶"), t.accent)),
        kv,
    );
    draw_text(f, &mut form.name, Field::Name, "intake.name", rows[3]);
    let id_key = match form.kind {
        ApplicantKind::Person => "intake.resident_id",
        ApplicantKind::Organisation => "intake.credit_code",
    };
    draw_text(f, &mut form.id_no, Field::IdNo, id_key, rows[4]);
    draw_text(f, &mut form.phone, Field::Phone, "intake.phone", rows[5]);
    draw_text(
        f,
        &mut form.address,
        Field::Address,
        "intake.address",
        rows[6],
    );
    // Empty means "I am the first person the applicant asked": say so in the empty field.
    form.first_inquiry
        .set_placeholder_text(tr(lang, "intake.first_inquiry_hint"));
    form.first_inquiry.set_placeholder_style(t.muted);
    draw_text(
        f,
        &mut form.first_inquiry,
        Field::FirstInquiry,
        "intake.first_inquiry",
        rows[7],
    );
    f.render_widget(
        Paragraph::new(label(Field::Materials, "intake.materials", focus)),
        rows[8],
    );
    let mut mats: Vec<Line> = vec![];
    for (i, (m, on)) in form.materials.iter().enumerate() {
        let name = match lang {
            Lang::ZhCn => &m.name_zh,
            Lang::En => &m.name_en,
        };
        let style = if focus == Field::Materials && i == form.material_cursor {
            t.selection
        } else {
            t.text
        };
        mats.push(Line::from(Span::styled(
            format!("    [{}] {name}", if *on { "x" } else { " " }),
            style,
        )));
    }
    f.render_widget(Paragraph::new(mats), rows[9]);
    let msg = if form.busy {
        Some(Line::from(Span::styled(tr(lang, "login.busy"), t.muted)))
    } else {
        form.message
            .as_ref()
            .map(|m| crate::ui::widgets::msg_line(m, lang, &t))
    };
    if let Some(m) = msg {
        f.render_widget(Paragraph::new(m), rows[10]);
    }
}

fn draw_outcome(f: &mut Frame, app: &App, o: &IntakeOutcome, area: Rect) {
    let lang = app.lang;
    let t = &app.theme;
    let mut lines = vec![];
    match o {
        IntakeOutcome::Accepted {
            case_no,
            accepted_at,
            due,
            due_provisional,
            fee,
            ..
        } => {
            lines.push(Line::from(Span::styled(
                tr(lang, "intake.receipt"),
                t.title,
            )));
            lines.push(Line::from(format!(
                "{}{}{case_no}",
                tr(lang, "queue.case_no"),
                colon(lang)
            )));
            lines.push(Line::from(format!(
                "{}{}{}",
                tr(lang, "intake.accepted_at"),
                colon(lang),
                accepted_at
                    .with_timezone(&crate::domain::time::zone::CENTER)
                    .format("%Y-%m-%d %H:%M:%S")
            )));
            // The fee to pay at the non-tax window, against this payment code (缴款码).
            if let Some((code, fen)) = fee {
                lines.push(Line::from(format!(
                    "{}{}{} · {code}",
                    tr(lang, "intake.fee"),
                    colon(lang),
                    crate::store::fees::yuan(*fen)
                )));
            }
            // 承诺办结日期: what the applicant is promised on the acceptance notice.
            lines.push(Line::from(format!(
                "{}{}{}",
                tr(lang, "intake.due"),
                colon(lang),
                super::queue::due_summary(
                    lang,
                    *due,
                    *due_provisional,
                    app.intake.item.as_ref().map(|i| i.promised_days),
                    None,
                )
            )));
        }
        IntakeOutcome::Correction {
            case_no, missing, ..
        } => {
            lines.push(Line::from(Span::styled(
                tr(lang, "intake.correction"),
                t.warn,
            )));
            lines.push(Line::from(format!(
                "{}{}{case_no}",
                tr(lang, "queue.case_no"),
                colon(lang)
            )));
            lines.push(Line::from(tr(lang, "intake.missing")));
            for m in missing {
                lines.push(Line::from(format!("  • {m}")));
            }
        }
    }
    if let Some(i) = &app.intake.item {
        lines.push(Line::from(format!(
            "{}{}{} {}",
            tr(lang, "intake.item"),
            colon(lang),
            i.code,
            match lang {
                Lang::ZhCn => &i.name_zh,
                Lang::En => &i.name_en,
            }
        )));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(tr(lang, "intake.next"), t.muted)));
    f.render_widget(Paragraph::new(lines), area);
}
