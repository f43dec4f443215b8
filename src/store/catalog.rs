//! The service catalogue: browse, search, one item's full guide, retire.

use serde_json::json;
use sqlx::{PgPool, Postgres, QueryBuilder};

use super::StoreError;
use super::audit::{self, NewAudit};
use crate::domain::permission::Permission;

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
         from item_materials where item_id = $1 order by position",
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
    super::operators::require(&mut *tx, operator_id, Permission::ManageCatalog).await?;
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
