//! Departments and their windows: the center's organisation, read by the departments screen.

use sqlx::PgPool;

use crate::store::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentRow {
    pub department_id: i64,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// center_department, supervised_hall or township_center.
    pub kind: String,
    pub windows: i64,
    pub operators: i64,
}

/// All active departments, center departments first, then supervised halls, then townships.
pub async fn list(pool: &PgPool) -> Result<Vec<DepartmentRow>, StoreError> {
    let rows = sqlx::query_as!(
        DepartmentRow,
        r#"select d.department_id, d.code, d.name_zh, d.name_en, d.kind::text as "kind!",
                  (select count(*) from windows w where w.department_id = d.department_id
                     and w.active) as "windows!",
                  (select count(*) from operators o where o.department_id = d.department_id
                     and o.active) as "operators!"
           from departments d
           where d.active
           order by d.kind, d.code"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}
