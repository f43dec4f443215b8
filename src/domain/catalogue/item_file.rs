//! The item file of `onewindow catalog show | put` (docs/catalogue.md): one service item with its
//! disclosed guide and its materials, as TOML an administrator edits. Checked whole before
//! anything is saved; every problem names its line.

use std::collections::HashSet;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use toml::Spanned;

pub const CATEGORIES: [&str; 3] = [
    "administrative_licensing",
    "non_licensing_approval",
    "public_service",
];
pub const FORMS: [&str; 3] = ["original", "copy", "both"];

/// One item as the file describes it, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemDef {
    pub code: String,
    /// The version the file was shown at; `None` for a new item. A change to an item whose
    /// version moved on since is refused (someone else changed it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
    pub department: String,
    pub category: String,
    pub name_zh: String,
    pub name_en: String,
    pub statutory_days: i32,
    pub promised_days: i32,
    pub handling_body: String,
    pub legal_basis: String,
    pub conditions: String,
    pub procedure: String,
    pub result_document: String,
    pub fee_basis: String,
    pub fee_standard: String,
    pub supervision_channel: String,
    pub needs_site_survey: bool,
    pub needs_collective_discussion: bool,
    pub needs_expert_review: bool,
    pub needs_hearing: bool,
    pub material: Vec<MaterialDef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaterialDef {
    pub name_zh: String,
    pub name_en: String,
    pub form: String,
    pub copies: i32,
    pub required: bool,
}

impl ItemDef {
    /// An instant item (即办件) needs no site survey, collective discussion, expert review or
    /// hearing.
    pub fn is_instant(&self) -> bool {
        !(self.needs_site_survey
            || self.needs_collective_discussion
            || self.needs_expert_review
            || self.needs_hearing)
    }

    /// The file text, as `catalog show` prints it and `catalog put` reads it back.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).unwrap_or_default();
        format!(
            "# onewindow item file: edit, then `onewindow catalog put FILE` (docs/catalogue.md).\n\
             # category: {}; material form: {}.\n{body}",
            CATEGORIES.join(" | "),
            FORMS.join(" | ")
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct FileError {
    pub line: usize,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    code: Spanned<String>,
    version: Option<Spanned<i64>>,
    department: Spanned<String>,
    category: Spanned<String>,
    name_zh: Spanned<String>,
    name_en: Spanned<String>,
    statutory_days: Spanned<i64>,
    promised_days: Spanned<i64>,
    handling_body: Spanned<String>,
    legal_basis: Spanned<String>,
    conditions: Spanned<String>,
    procedure: Spanned<String>,
    result_document: Spanned<String>,
    #[serde(default)]
    fee_basis: String,
    #[serde(default)]
    fee_standard: String,
    supervision_channel: Spanned<String>,
    #[serde(default)]
    needs_site_survey: bool,
    #[serde(default)]
    needs_collective_discussion: bool,
    #[serde(default)]
    needs_expert_review: bool,
    #[serde(default)]
    needs_hearing: bool,
    #[serde(default)]
    material: Vec<RawMaterial>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMaterial {
    name_zh: Spanned<String>,
    name_en: Spanned<String>,
    #[serde(default = "original")]
    form: Spanned<String>,
    #[serde(default = "one")]
    copies: Spanned<i64>,
    #[serde(default = "yes")]
    required: bool,
}

fn original() -> Spanned<String> {
    Spanned::new(0..0, "original".into())
}
fn one() -> Spanned<i64> {
    Spanned::new(0..0, 1)
}
fn yes() -> bool {
    true
}

/// Materials an item file may list unless the setting `catalogue.max_materials` says otherwise.
pub const DEFAULT_MAX_MATERIALS: usize = 200;

/// Item codes: upper-case letters, digits and `-`, 4 to 24 characters (SCJG-001).
pub fn valid_code(code: &str) -> bool {
    (4..=24).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
}

/// Parses and checks an item file with the default maximum of materials.
pub fn parse(text: &str) -> Result<ItemDef, Vec<FileError>> {
    parse_limited(text, DEFAULT_MAX_MATERIALS)
}

/// Parses and checks an item file listing at most `max_materials` materials. Every check is
/// linear in the file's size (duplicates by a hash set, lines by one index), so a file of
/// 40,000 repeated materials is answered in well under a second.
pub fn parse_limited(text: &str, max_materials: usize) -> Result<ItemDef, Vec<FileError>> {
    let lines = crate::domain::file_text::Lines::new(text);
    if let Some((line, column)) = crate::domain::file_text::nul_escape(text) {
        return Err(vec![FileError {
            line,
            message: format!(
                "column {column}: `\\u0000` is a NUL character, which no text in the database can hold"
            ),
        }]);
    }
    let raw: Raw = toml::from_str(text).map_err(|e| {
        vec![FileError {
            line: e.span().map(|s| lines.line(s.start)).unwrap_or(1),
            message: e.message().to_string(),
        }]
    })?;
    let mut errors = Vec::new();
    let mut err = |at: Range<usize>, message: String| {
        errors.push(FileError {
            line: lines.line(at.start),
            message,
        })
    };
    // The column is an integer (i32): a number that does not fit is refused, never wrapped
    // (4294967297 must not become version 1 and pass the stale check).
    let version = match &raw.version {
        None => None,
        Some(v) => match i32::try_from(*v.get_ref()) {
            Ok(n) if n >= 1 => Some(n),
            _ => {
                err(
                    v.span(),
                    format!(
                        "version {}: not a version `catalog show` prints (1 to {})",
                        v.get_ref(),
                        i32::MAX
                    ),
                );
                None
            }
        },
    };
    if raw.material.len() > max_materials {
        err(
            raw.material[max_materials].name_zh.span(),
            format!(
                "{} materials: more than catalogue.max_materials ({max_materials}); this is material {}",
                raw.material.len(),
                max_materials + 1
            ),
        );
    }
    let trimmed = |s: &Spanned<String>| s.get_ref().trim().to_string();
    let code = trimmed(&raw.code);
    if !valid_code(&code) {
        err(
            raw.code.span(),
            format!("code `{code}`: 4 to 24 upper-case letters, digits or `-`"),
        );
    }
    let department = trimmed(&raw.department);
    if department.is_empty() {
        err(raw.department.span(), "department is empty".into());
    }
    let category = trimmed(&raw.category);
    if !CATEGORIES.contains(&category.as_str()) {
        err(
            raw.category.span(),
            format!("category `{category}`: one of {}", CATEGORIES.join(", ")),
        );
    }
    let name_zh = trimmed(&raw.name_zh);
    if !(2..=80).contains(&name_zh.chars().count()) {
        err(raw.name_zh.span(), "name_zh: 2 to 80 characters".into());
    }
    let statutory = *raw.statutory_days.get_ref();
    if !(0..=365).contains(&statutory) {
        err(
            raw.statutory_days.span(),
            format!("statutory_days {statutory}: between 0 and 365 working days"),
        );
    }
    let promised = *raw.promised_days.get_ref();
    if promised < 0 || promised > statutory {
        err(
            raw.promised_days.span(),
            format!(
                "promised_days {promised}: from 0 up to the statutory limit ({statutory}) — the promise can only be shorter than the law allows"
            ),
        );
    }
    for (name, field) in [
        ("handling_body", &raw.handling_body),
        ("legal_basis", &raw.legal_basis),
        ("conditions", &raw.conditions),
        ("procedure", &raw.procedure),
        ("result_document", &raw.result_document),
        ("supervision_channel", &raw.supervision_channel),
    ] {
        if field.get_ref().trim().is_empty() {
            err(
                field.span(),
                format!("{name} is empty: it is part of the disclosed guide"),
            );
        }
    }
    let mut seen = HashSet::new();
    let mut materials = vec![];
    for m in &raw.material {
        let name = trimmed(&m.name_zh);
        if name.is_empty() {
            err(m.name_zh.span(), "material name_zh is empty".into());
        } else if !seen.insert(name.clone()) {
            err(
                m.name_zh.span(),
                format!("material `{name}` is listed twice"),
            );
        }
        let form = trimmed(&m.form);
        if !FORMS.contains(&form.as_str()) {
            err(
                m.form.span(),
                format!("material form `{form}`: one of {}", FORMS.join(", ")),
            );
        }
        let copies = *m.copies.get_ref();
        if !(1..=20).contains(&copies) {
            err(
                m.copies.span(),
                format!("material copies {copies}: between 1 and 20"),
            );
        }
        materials.push(MaterialDef {
            name_zh: name,
            name_en: trimmed(&m.name_en),
            form,
            copies: copies as i32,
            required: m.required,
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ItemDef {
        code,
        version,
        department,
        category,
        name_zh,
        name_en: trimmed(&raw.name_en),
        statutory_days: statutory as i32,
        promised_days: promised as i32,
        handling_body: trimmed(&raw.handling_body),
        legal_basis: trimmed(&raw.legal_basis),
        conditions: trimmed(&raw.conditions),
        procedure: trimmed(&raw.procedure),
        result_document: trimmed(&raw.result_document),
        fee_basis: raw.fee_basis.trim().to_string(),
        fee_standard: raw.fee_standard.trim().to_string(),
        supervision_channel: trimmed(&raw.supervision_channel),
        needs_site_survey: raw.needs_site_survey,
        needs_collective_discussion: raw.needs_collective_discussion,
        needs_expert_review: raw.needs_expert_review,
        needs_hearing: raw.needs_hearing,
        material: materials,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ItemDef {
        ItemDef {
            code: "SCJG-099".into(),
            version: Some(3),
            department: "SCJG".into(),
            category: "administrative_licensing".into(),
            name_zh: "测试许可".into(),
            name_en: "Test licence".into(),
            statutory_days: 20,
            promised_days: 5,
            handling_body: "县市场监督管理局".into(),
            legal_basis: "《中华人民共和国行政许可法》".into(),
            conditions: "申请人具有完全民事行为能力".into(),
            procedure: "受理—审查—决定—送达".into(),
            result_document: "许可证".into(),
            fee_basis: String::new(),
            fee_standard: "不收费".into(),
            supervision_channel: "12345".into(),
            needs_site_survey: true,
            needs_collective_discussion: false,
            needs_expert_review: false,
            needs_hearing: false,
            material: vec![MaterialDef {
                name_zh: "申请书".into(),
                name_en: "Application".into(),
                form: "original".into(),
                copies: 1,
                required: true,
            }],
        }
    }

    #[test]
    fn a_shown_item_reads_back_the_same() {
        let item = sample();
        let text = item.to_toml();
        assert_eq!(parse(&text).unwrap(), item);
        assert!(!item.is_instant());
    }

    #[test]
    fn every_problem_names_its_line() {
        let text = sample()
            .to_toml()
            .replace("code = \"SCJG-099\"", "code = \"scjg 99\"")
            .replace("promised_days = 5", "promised_days = 25")
            .replace("copies = 1", "copies = 0")
            .replace("procedure = \"受理—审查—决定—送达\"", "procedure = \" \"");
        let errors = parse(&text).unwrap_err();
        let line = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
        let got: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(
            got,
            vec![
                line("code ="),
                line("promised_days"),
                line("procedure ="),
                line("copies ="),
            ],
            "{errors:?}"
        );
        assert!(errors[1].message.contains("statutory"));
    }

    #[test]
    fn materials_default_to_one_required_original_and_may_not_repeat() {
        let mut text = sample().to_toml();
        text.push_str("\n[[material]]\nname_zh = \"身份证\"\nname_en = \"ID\"\n");
        let item = parse(&text).unwrap();
        assert_eq!(
            item.material[1],
            MaterialDef {
                name_zh: "身份证".into(),
                name_en: "ID".into(),
                form: "original".into(),
                copies: 1,
                required: true
            }
        );
        text.push_str("\n[[material]]\nname_zh = \"身份证\"\nname_en = \"ID\"\n");
        let errors = parse(&text).unwrap_err();
        assert!(errors[0].message.contains("twice"), "{errors:?}");
        let errors = parse("code = \"X\"\n").unwrap_err();
        assert!(errors[0].message.contains("missing"), "{errors:?}");
    }

    #[test]
    fn a_version_beyond_i32_is_refused_not_wrapped() {
        for v in ["4294967297", "-1", "0", "2147483648"] {
            let text = sample()
                .to_toml()
                .replace("version = 3", &format!("version = {v}"));
            let errors = parse(&text).unwrap_err();
            let line = text.lines().position(|l| l.starts_with("version")).unwrap() + 1;
            assert_eq!(errors[0].line, line, "{v}: {errors:?}");
            assert!(errors[0].message.contains("version"), "{errors:?}");
        }
    }

    #[test]
    fn more_materials_than_the_maximum_are_refused_at_the_first_one_over() {
        let mut text = sample().to_toml();
        for i in 0..3 {
            text.push_str(&format!(
                "\n[[material]]\nname_zh = \"材料{i}\"\nname_en = \"m\"\n"
            ));
        }
        assert_eq!(parse_limited(&text, 4).unwrap().material.len(), 4);
        let errors = parse_limited(&text, 3).unwrap_err();
        let line = text.lines().position(|l| l.contains("材料2")).unwrap() + 1;
        assert_eq!(errors[0].line, line, "{errors:?}");
        assert!(
            errors[0].message.contains("catalogue.max_materials"),
            "{errors:?}"
        );
    }
}
