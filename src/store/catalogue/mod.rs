//! **catalogue** — the database side. The service catalogue (事项目录) and its service guides (办事指南),
//! the public disclosure of every item.
//!
//! Rules kept: Items are versioned (a stale change is refused); materials, fees and limits are data
//! an administrator edits as files.
//! Docs: docs/catalogue.md.
//!
//! The service catalogue: browse, search, one item's full guide; add, change and retire items
//! (administrators).

use serde_json::json;
use sqlx::{PgPool, Postgres, QueryBuilder};

use crate::domain::accounts::permission::Permission;
use crate::domain::catalogue::item_file::{ItemDef, MaterialDef};
use crate::store::StoreError;
use crate::store::audit::{self, NewAudit};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ItemRow {
    pub item_id: i64,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub department_id: i64,
    pub department_code: String,
    pub department_zh: String,
    pub department_en: String,
    /// administrative_licensing, non_licensing_approval or public_service.
    pub category: String,
    pub statutory_days: i32,
    pub promised_days: i32,
    pub is_instant: bool,
    pub retired: bool,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Material {
    pub material_id: i64,
    pub position: i32,
    pub name_zh: String,
    pub name_en: String,
    pub form: String,
    pub copies: i32,
    pub required: bool,
}

/// The disclosed service guide of one item (办事指南).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Guide {
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
}

/// What the catalogue screen filters on; empty fields filter nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemFilter {
    pub department_id: Option<i64>,
    pub category: Option<String>,
    /// Matches code or either name, anywhere.
    pub text: Option<String>,
    pub include_retired: bool,
}

const ITEM_COLUMNS: &str = "select i.item_id, i.code, i.name_zh, i.name_en, i.department_id,
        d.code as department_code, d.name_zh as department_zh, d.name_en as department_en,
        i.category::text as category, i.statutory_days, i.promised_days, i.is_instant,
        i.retired_at is not null as retired, i.version
    from items i join departments d using (department_id)
    where true";

pub async fn list(pool: &PgPool, f: &ItemFilter) -> Result<Vec<ItemRow>, StoreError> {
    let mut q: QueryBuilder<Postgres> = QueryBuilder::new(ITEM_COLUMNS);
    if let Some(d) = f.department_id {
        q.push(" and i.department_id = ").push_bind(d);
    }
    if let Some(c) = &f.category {
        q.push(" and i.category::text = ").push_bind(c.clone());
    }
    if let Some(t) = f.text.as_ref().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        let pattern = format!("%{}%", escape_like(t));
        q.push(" and (i.code ilike ")
            .push_bind(pattern.clone())
            .push(" or i.name_zh ilike ")
            .push_bind(pattern.clone())
            .push(" or i.name_en ilike ")
            .push_bind(pattern)
            .push(")");
    }
    if !f.include_retired {
        q.push(" and i.retired_at is null");
    }
    q.push(" order by d.code, i.code");
    Ok(q.build_query_as::<ItemRow>().fetch_all(pool).await?)
}

/// `%` and `_` typed by a person are literal characters, not wildcards.
pub fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

pub async fn item(pool: &PgPool, item_id: i64) -> Result<Option<ItemRow>, StoreError> {
    let mut q: QueryBuilder<Postgres> = QueryBuilder::new(ITEM_COLUMNS);
    q.push(" and i.item_id = ").push_bind(item_id);
    Ok(q.build_query_as::<ItemRow>().fetch_optional(pool).await?)
}

pub async fn guide(pool: &PgPool, item_id: i64) -> Result<Option<Guide>, StoreError> {
    Ok(sqlx::query_as::<_, Guide>(
        "select handling_body, legal_basis, conditions, procedure, result_document, fee_basis,
                fee_standard, supervision_channel, needs_site_survey, needs_collective_discussion,
                needs_expert_review, needs_hearing
         from items where item_id = $1",
    )
    .bind(item_id)
    .fetch_optional(pool)
    .await?)
}

pub async fn materials(pool: &PgPool, item_id: i64) -> Result<Vec<Material>, StoreError> {
    Ok(sqlx::query_as::<_, Material>(
        "select material_id, position, name_zh, name_en, form, copies, required
         from item_materials where item_id = $1 and retired_at is null order by position",
    )
    .bind(item_id)
    .fetch_all(pool)
    .await?)
}

/// Retires an item: it stays for its cases but takes no new ones. Admins only; `version` is the
/// version the admin saw.
pub async fn retire(
    pool: &PgPool,
    operator_id: i64,
    item_id: i64,
    version: i32,
) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    crate::store::accounts::permission::require(&mut *tx, operator_id, Permission::ManageCatalog)
        .await?;
    let done = sqlx::query(
        "update items set retired_at = now(), version = version + 1
         where item_id = $1 and version = $2 and retired_at is null",
    )
    .bind(item_id)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Stale("item".into()));
    }
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "item.retire",
            entity: "item",
            entity_id: Some(item_id.to_string()),
            detail: json!({ "version": version }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Retires the item with this code (the headless form of `retire`), with the reason in the
/// audit trail.
pub async fn retire_by_code(
    pool: &PgPool,
    operator_id: i64,
    code: &str,
    reason: &str,
) -> Result<(), StoreError> {
    if reason.trim().is_empty() {
        return Err(StoreError::Invalid {
            field: "reason",
            reason: "a reason is required".into(),
        });
    }
    let mut tx = pool.begin().await?;
    crate::store::accounts::permission::require(&mut *tx, operator_id, Permission::ManageCatalog)
        .await?;
    let row: Option<(i64, bool)> = sqlx::query_as(
        "select item_id, retired_at is not null from items where code = $1 for update",
    )
    .bind(code)
    .fetch_optional(&mut *tx)
    .await?;
    let (item_id, retired) = row.ok_or(StoreError::NotFound("item"))?;
    if retired {
        return Err(StoreError::Conflict(format!("{code} is already retired")));
    }
    sqlx::query("update items set retired_at = now(), version = version + 1 where item_id = $1")
        .bind(item_id)
        .execute(&mut *tx)
        .await?;
    audit::append(
        &mut tx,
        NewAudit {
            operator_id: Some(operator_id),
            action: "item.retire",
            entity: "item",
            entity_id: Some(item_id.to_string()),
            detail: json!({ "code": code, "reason": reason.trim() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One item as its file shows it (`catalog show`): the guide, the current materials and the
/// version to hand back with a change. With whether it is retired.
pub async fn item_def(
    conn: &mut sqlx::PgConnection,
    code: &str,
) -> Result<Option<(i64, ItemDef, bool)>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        item_id: i64,
        version: i32,
        department: String,
        category: String,
        name_zh: String,
        name_en: String,
        statutory_days: i32,
        promised_days: i32,
        handling_body: String,
        legal_basis: String,
        conditions: String,
        procedure: String,
        result_document: String,
        fee_basis: String,
        fee_standard: String,
        supervision_channel: String,
        needs_site_survey: bool,
        needs_collective_discussion: bool,
        needs_expert_review: bool,
        needs_hearing: bool,
        retired: bool,
    }
    let Some(r): Option<Row> = sqlx::query_as(
        "select i.item_id, i.version, d.code as department, i.category::text as category,
                i.name_zh, i.name_en, i.statutory_days, i.promised_days, i.handling_body,
                i.legal_basis, i.conditions, i.procedure, i.result_document, i.fee_basis,
                i.fee_standard, i.supervision_channel, i.needs_site_survey,
                i.needs_collective_discussion, i.needs_expert_review, i.needs_hearing,
                i.retired_at is not null as retired
         from items i join departments d using (department_id) where i.code = $1",
    )
    .bind(code)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let material: Vec<(String, String, String, i32, bool)> = sqlx::query_as(
        "select name_zh, name_en, form, copies, required from item_materials
         where item_id = $1 and retired_at is null order by position",
    )
    .bind(r.item_id)
    .fetch_all(&mut *conn)
    .await?;
    let def = ItemDef {
        code: code.to_string(),
        version: Some(r.version),
        department: r.department,
        category: r.category,
        name_zh: r.name_zh,
        name_en: r.name_en,
        statutory_days: r.statutory_days,
        promised_days: r.promised_days,
        handling_body: r.handling_body,
        legal_basis: r.legal_basis,
        conditions: r.conditions,
        procedure: r.procedure,
        result_document: r.result_document,
        fee_basis: r.fee_basis,
        fee_standard: r.fee_standard,
        supervision_channel: r.supervision_channel,
        needs_site_survey: r.needs_site_survey,
        needs_collective_discussion: r.needs_collective_discussion,
        needs_expert_review: r.needs_expert_review,
        needs_hearing: r.needs_hearing,
        material: material
            .into_iter()
            .map(|(name_zh, name_en, form, copies, required)| MaterialDef {
                name_zh,
                name_en,
                form,
                copies,
                required,
            })
            .collect(),
    };
    Ok(Some((r.item_id, def, r.retired)))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PutOutcome {
    Added {
        item_id: i64,
    },
    Changed {
        item_id: i64,
        fields: Vec<String>,
    },
    /// The file says what the catalogue already says: nothing written.
    Unchanged,
}

/// Adds an item, or changes one (the file carries the version it was shown at; a version that
/// moved on since is refused as stale). Materials are matched by their Chinese name: a new
/// name is added, a dropped one retired (past cases keep it). One transaction, audited with
/// the names of the changed fields.
pub async fn put(pool: &PgPool, operator_id: i64, def: &ItemDef) -> Result<PutOutcome, StoreError> {
    let mut tx = pool.begin().await?;
    crate::store::accounts::permission::require(&mut *tx, operator_id, Permission::ManageCatalog)
        .await?;
    let department_id: i64 =
        sqlx::query_scalar("select department_id from departments where code = $1")
            .bind(&def.department)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::Invalid {
                field: "department",
                reason: format!("no department {}", def.department),
            })?;
    // Lock the item (if it exists) for the comparison and the change.
    sqlx::query("select 1 from items where code = $1 for update")
        .bind(&def.code)
        .execute(&mut *tx)
        .await?;
    let current = item_def(&mut tx, &def.code).await?;
    let outcome = match current {
        None => {
            if def.version.is_some() {
                return Err(StoreError::Invalid {
                    field: "version",
                    reason: format!(
                        "there is no item {}: remove `version` to add it as new",
                        def.code
                    ),
                });
            }
            let item_id = write_item(&mut tx, None, department_id, def).await?;
            write_materials(&mut tx, item_id, &def.material).await?;
            audit::append(
                &mut tx,
                NewAudit {
                    operator_id: Some(operator_id),
                    action: "item.add",
                    entity: "item",
                    entity_id: Some(item_id.to_string()),
                    detail: json!({ "code": def.code, "instant": def.is_instant(),
                                    "materials": def.material.len() }),
                },
            )
            .await?;
            PutOutcome::Added { item_id }
        }
        Some((item_id, now, _)) => {
            let Some(seen) = def.version else {
                return Err(StoreError::Invalid {
                    field: "version",
                    reason: format!(
                        "{} exists: start from `onewindow catalog show {}`, which gives its version",
                        def.code, def.code
                    ),
                });
            };
            if Some(seen) != now.version {
                return Err(StoreError::Stale(format!(
                    "item {} (you edited version {seen}, it is now at {})",
                    def.code,
                    now.version.unwrap_or_default()
                )));
            }
            let fields = changed_fields(&now, def);
            if fields.is_empty() {
                return Ok(PutOutcome::Unchanged);
            }
            write_item(&mut tx, Some(item_id), department_id, def).await?;
            write_materials(&mut tx, item_id, &def.material).await?;
            audit::append(
                &mut tx,
                NewAudit {
                    operator_id: Some(operator_id),
                    action: "item.change",
                    entity: "item",
                    entity_id: Some(item_id.to_string()),
                    detail: json!({ "code": def.code, "from_version": seen, "changed": fields }),
                },
            )
            .await?;
            PutOutcome::Changed { item_id, fields }
        }
    };
    tx.commit().await?;
    Ok(outcome)
}

/// The names of the fields that differ, for the audit trail.
fn changed_fields(a: &ItemDef, b: &ItemDef) -> Vec<String> {
    let (Ok(toml::Value::Table(x)), Ok(toml::Value::Table(y))) =
        (toml::Value::try_from(a), toml::Value::try_from(b))
    else {
        return vec!["(all)".into()];
    };
    x.iter()
        .filter(|(k, _)| k.as_str() != "version")
        .filter(|(k, v)| y.get(k.as_str()) != Some(v))
        .map(|(k, _)| k.clone())
        .collect()
}

async fn write_item(
    conn: &mut sqlx::PgConnection,
    item_id: Option<i64>,
    department_id: i64,
    d: &ItemDef,
) -> Result<i64, StoreError> {
    let sql = if item_id.is_some() {
        "update items set department_id = $2, category = $3::item_category, name_zh = $4,
             name_en = $5, statutory_days = $6, promised_days = $7, handling_body = $8,
             legal_basis = $9, conditions = $10, procedure = $11, result_document = $12,
             fee_basis = $13, fee_standard = $14, supervision_channel = $15,
             needs_site_survey = $16, needs_collective_discussion = $17,
             needs_expert_review = $18, needs_hearing = $19, version = version + 1
         where item_id = $20 returning item_id"
    } else {
        "insert into items (code, department_id, category, name_zh, name_en, statutory_days,
             promised_days, handling_body, legal_basis, conditions, procedure, result_document,
             fee_basis, fee_standard, supervision_channel, needs_site_survey,
             needs_collective_discussion, needs_expert_review, needs_hearing)
         values ($1, $2, $3::item_category, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                 $16, $17, $18, $19)
         returning item_id"
    };
    Ok(sqlx::query_scalar(sql)
        .bind(&d.code)
        .bind(department_id)
        .bind(&d.category)
        .bind(&d.name_zh)
        .bind(&d.name_en)
        .bind(d.statutory_days)
        .bind(d.promised_days)
        .bind(&d.handling_body)
        .bind(&d.legal_basis)
        .bind(&d.conditions)
        .bind(&d.procedure)
        .bind(&d.result_document)
        .bind(&d.fee_basis)
        .bind(&d.fee_standard)
        .bind(&d.supervision_channel)
        .bind(d.needs_site_survey)
        .bind(d.needs_collective_discussion)
        .bind(d.needs_expert_review)
        .bind(d.needs_hearing)
        .bind(item_id)
        .fetch_one(&mut *conn)
        .await?)
}

/// Brings the item's current materials to the list: matched by Chinese name, dropped ones
/// retired (cases may refer to them), positions in list order.
async fn write_materials(
    conn: &mut sqlx::PgConnection,
    item_id: i64,
    list: &[MaterialDef],
) -> Result<(), StoreError> {
    let names: Vec<&str> = list.iter().map(|m| m.name_zh.as_str()).collect();
    sqlx::query(
        "update item_materials set retired_at = now()
         where item_id = $1 and retired_at is null and not (name_zh = any($2))",
    )
    .bind(item_id)
    .bind(&names)
    .execute(&mut *conn)
    .await?;
    // Out of the way first, so the new order never collides with the old one.
    sqlx::query(
        "update item_materials set position = -position
         where item_id = $1 and retired_at is null",
    )
    .bind(item_id)
    .execute(&mut *conn)
    .await?;
    // Set-based: one statement updates the materials kept, one inserts the new ones, whatever
    // the number (5,000 materials were 10,000 round trips).
    let positions: Vec<i32> = (1..=list.len() as i32).collect();
    let names_en: Vec<&str> = list.iter().map(|m| m.name_en.as_str()).collect();
    let forms: Vec<&str> = list.iter().map(|m| m.form.as_str()).collect();
    let copies: Vec<i32> = list.iter().map(|m| m.copies).collect();
    let required: Vec<bool> = list.iter().map(|m| m.required).collect();
    sqlx::query(
        "update item_materials m set position = t.pos, name_en = t.en, form = t.form,
             copies = t.copies, required = t.req
         from unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::int[], $7::bool[])
             as t(zh, pos, en, form, copies, req)
         where m.item_id = $1 and m.retired_at is null and m.name_zh = t.zh",
    )
    .bind(item_id)
    .bind(&names)
    .bind(&positions)
    .bind(&names_en)
    .bind(&forms)
    .bind(&copies)
    .bind(&required)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "insert into item_materials (item_id, position, name_zh, name_en, form, copies, required)
         select $1, t.pos, t.zh, t.en, t.form, t.copies, t.req
         from unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::int[], $7::bool[])
             as t(zh, pos, en, form, copies, req)
         where not exists (select 1 from item_materials m
                           where m.item_id = $1 and m.retired_at is null and m.name_zh = t.zh)",
    )
    .bind(item_id)
    .bind(&names)
    .bind(&positions)
    .bind(&names_en)
    .bind(&forms)
    .bind(&copies)
    .bind(&required)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
