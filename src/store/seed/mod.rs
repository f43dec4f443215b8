//! **seed** — the database side. Demo data: a deterministic county center (departments, operators,
//! items, cases, routes, fees).
//!
//! Rules kept: The same seed gives the same rows; large seeds go in by COPY with the indexes
//! rebuilt in the same transaction.
//! Docs: docs/operations.md (demo data).
//!
//! Deterministic demo data: a realistic county center. The same seed gives the same rows.
//! Rows go in with multi-row `unnest` inserts (one statement per table) so that seeding stays fast
//! as later issues add cases by the hundred thousand.

pub mod cases;
pub mod fees;
pub mod items;
pub mod routing;
pub mod tables;
pub mod trading;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use sqlx::PgPool;

use crate::domain::accounts::password;
use crate::domain::accounts::role::Role;
use crate::store::StoreError;
use crate::store::audit::{self, NewAudit};

use tables::{CENTER, DEPARTMENTS, HALL, TOWNSHIP, chinese_name};
pub use tables::{DEMO_ACCOUNTS, DEMO_PASSWORD};

/// (code, name, department index, window index, roles)
type PlannedOperator = (String, String, usize, Option<usize>, Vec<Role>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedSummary {
    pub departments: usize,
    pub windows: usize,
    pub operators: usize,
    pub items: usize,
    pub cases: u64,
    /// Trading projects entered (none below 500 cases; docs/trading.md "Demo data").
    pub projects: u64,
}

/// Window plan: (department index, window code, 中文名, English name).
fn plan_windows(rng: &mut SmallRng) -> Vec<(usize, String, String, String)> {
    let mut out = Vec::new();
    let mut hall_no = 0;
    for (i, (code, zh, en, kind)) in DEPARTMENTS.iter().enumerate() {
        let count = match (*kind, *code) {
            (_, "ZXB") => 1, // the general enquiry desk (综合咨询)
            (_, "CZJ") => 2, // the unified fee windows (统一收费)
            (CENTER, _) => rng.gen_range(1..=3),
            (HALL, _) => rng.gen_range(3..=5),
            _ => rng.gen_range(1..=2),
        };
        for n in 1..=count {
            let wcode = if *kind == CENTER {
                hall_no += 1;
                format!("A{hall_no:02}")
            } else {
                format!("{code}-{n:02}")
            };
            out.push((
                i,
                wcode,
                format!("{zh}{n}号窗口"),
                format!("{en} window {n}"),
            ));
        }
    }
    out
}

/// Fills an empty, migrated database. Refuses a database that already has departments: seeding
/// twice would not be deterministic any more.
pub async fn seed(pool: &PgPool, seed: u64, cases: u64) -> Result<SeedSummary, StoreError> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut tx = pool.begin().await?;
    // Demo history is back-dated by design; this transaction alone may write it
    // (migrations/0010: no back-filling).
    sqlx::query("set local onewindow.seeding = 'on'")
        .execute(&mut *tx)
        .await?;
    let existing: i64 = sqlx::query_scalar("select count(*) from departments")
        .fetch_one(&mut *tx)
        .await?;
    if existing > 0 {
        return Err(StoreError::Conflict(
            "the database already holds data; seed a fresh database (or `onewindow demo --reset`)"
                .into(),
        ));
    }

    let col = |i: usize| -> Vec<String> {
        DEPARTMENTS
            .iter()
            .map(|d| [d.0, d.1, d.2, d.3][i].to_string())
            .collect()
    };
    let dept_ids: Vec<i64> = sqlx::query_scalar(
        "insert into departments (code, name_zh, name_en, kind)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::text[]::department_kind[])
         returning department_id",
    )
    .bind(col(0))
    .bind(col(1))
    .bind(col(2))
    .bind(col(3))
    .fetch_all(&mut *tx)
    .await?;
    let dept_index = |code: &str| DEPARTMENTS.iter().position(|d| d.0 == code);

    let windows = plan_windows(&mut rng);
    let window_ids: Vec<i64> = sqlx::query_scalar(
        "insert into windows (department_id, code, name_zh, name_en)
         select * from unnest($1::bigint[], $2::text[], $3::text[], $4::text[])
         returning window_id",
    )
    .bind(windows.iter().map(|w| dept_ids[w.0]).collect::<Vec<_>>())
    .bind(windows.iter().map(|w| w.1.clone()).collect::<Vec<_>>())
    .bind(windows.iter().map(|w| w.2.clone()).collect::<Vec<_>>())
    .bind(windows.iter().map(|w| w.3.clone()).collect::<Vec<_>>())
    .fetch_all(&mut *tx)
    .await?;

    // One hash for every seeded account: argon2 is slow on purpose, and demo accounts share a
    // password anyway.
    let hash = tokio::task::spawn_blocking(|| password::hash(DEMO_PASSWORD))
        .await
        .map_err(|e| StoreError::Conflict(e.to_string()))?;

    // (code, name, department index, window index, roles)
    let mut ops: Vec<PlannedOperator> = Vec::new();
    for (code, name, dept, role) in DEMO_ACCOUNTS {
        let d = dept_index(dept).unwrap_or(0);
        let window = (matches!(role, Role::WindowClerk | Role::Cashier))
            .then(|| windows.iter().position(|w| w.0 == d))
            .flatten();
        ops.push((code.into(), name.into(), d, window, vec![role]));
    }
    for (d, (code, _, _, kind)) in DEPARTMENTS.iter().enumerate() {
        let mut n = 0;
        let mut next_code = || {
            n += 1;
            format!("{}{n:02}", code.to_lowercase())
        };
        if *kind != TOWNSHIP && *code != "ZXB" {
            ops.push((
                next_code(),
                chinese_name(&mut rng),
                d,
                None,
                vec![Role::ChiefRep, Role::Reviewer],
            ));
        }
        for (wi, _) in windows.iter().enumerate().filter(|(_, w)| w.0 == d) {
            let role = if *code == "CZJ" {
                Role::Cashier
            } else {
                Role::WindowClerk
            };
            ops.push((next_code(), chinese_name(&mut rng), d, Some(wi), vec![role]));
        }
        let reviewers = match *kind {
            CENTER if *code != "ZXB" => rng.gen_range(1..=2),
            HALL => 1,
            _ => 0,
        };
        for _ in 0..reviewers {
            ops.push((
                next_code(),
                chinese_name(&mut rng),
                d,
                None,
                vec![Role::Reviewer],
            ));
        }
        if *code == "ZXB" {
            ops.push((
                next_code(),
                chinese_name(&mut rng),
                d,
                None,
                vec![Role::Supervisor],
            ));
            ops.push((
                next_code(),
                chinese_name(&mut rng),
                d,
                None,
                vec![Role::Supervisor, Role::Admin],
            ));
        }
    }
    let roles_literal: Vec<String> = ops
        .iter()
        .map(|o| {
            let names: Vec<&str> = o.4.iter().map(|r| r.as_str()).collect();
            format!("{{{}}}", names.join(","))
        })
        .collect();
    sqlx::query(
        "insert into operators (code, name, department_id, window_id, roles, password_hash)
         select c, n, d, w, r::text[], $6
         from unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[])
              as t (c, n, d, w, r)",
    )
    .bind(ops.iter().map(|o| o.0.clone()).collect::<Vec<_>>())
    .bind(ops.iter().map(|o| o.1.clone()).collect::<Vec<_>>())
    .bind(ops.iter().map(|o| dept_ids[o.2]).collect::<Vec<_>>())
    .bind(
        ops.iter()
            .map(|o| o.3.map(|w| window_ids[w]))
            .collect::<Vec<_>>(),
    )
    .bind(roles_literal)
    .bind(&hash)
    .execute(&mut *tx)
    .await?;

    let item_ids = seed_items(&mut tx, &dept_ids).await?;
    let case_count = cases::seed_cases(&mut tx, &mut rng, cases, &item_ids, &dept_ids).await?;
    fees::seed_fee_day(&mut tx).await?;
    cases::seed_case_fees(&mut tx, &mut rng).await?;
    routing::seed_routing(&mut tx).await?;

    audit::append(
        &mut tx,
        NewAudit {
            operator_id: None,
            action: "system.seed",
            entity: "database",
            entity_id: None,
            detail: json!({ "seed": seed, "cases_requested": cases }),
        },
    )
    .await?;
    tx.commit().await?;
    // The trading center through its own store functions, each its own transaction: a failure
    // here leaves the case data seeded and says why (`demo --reset` starts again).
    let projects = trading::seed_trading(pool, &mut rng, trading::projects_for(cases)).await?;
    Ok(SeedSummary {
        departments: dept_ids.len(),
        windows: window_ids.len(),
        operators: ops.len(),
        items: item_ids.len(),
        cases: case_count,
        projects,
    })
}

/// True when the database has been seeded (the demo command seeds on first use only).
pub async fn is_seeded(pool: &PgPool) -> Result<bool, StoreError> {
    let n: i64 = sqlx::query_scalar("select count(*) from departments")
        .fetch_one(pool)
        .await?;
    Ok(n > 0)
}

/// Inserts the demo catalogue (items and their materials); returns item ids in table order.
async fn seed_items(tx: &mut sqlx::PgConnection, dept_ids: &[i64]) -> Result<Vec<i64>, StoreError> {
    use items::{COMMON_MATERIALS, material_en};
    let items = items::items();
    let dept = |code: &str| {
        DEPARTMENTS
            .iter()
            .position(|d| d.0 == code)
            .map(|i| dept_ids[i])
            .unwrap_or(dept_ids[0])
    };
    let dept_zh = |code: &str| {
        DEPARTMENTS
            .iter()
            .find(|d| d.0 == code)
            .map(|d| d.1)
            .unwrap_or("")
    };
    let col =
        |f: &dyn Fn(&items::ItemSpec) -> String| -> Vec<String> { items.iter().map(f).collect() };
    let flag = |c: char| -> Vec<bool> { items.iter().map(|i| i.flags.contains(c)).collect() };
    let item_ids: Vec<i64> = sqlx::query_scalar(
        "insert into items (code, name_zh, name_en, department_id, category, handling_body,
             legal_basis, conditions, procedure, statutory_days, promised_days, result_document,
             fee_basis, fee_standard, supervision_channel, needs_site_survey,
             needs_collective_discussion, needs_expert_review, needs_hearing)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::bigint[],
             $5::text[]::item_category[], $6::text[], $7::text[], $8::text[], $9::text[],
             $10::int[], $11::int[], $12::text[], $13::text[], $14::text[], $15::text[],
             $16::bool[], $17::bool[], $18::bool[], $19::bool[])
         returning item_id",
    )
    .bind(col(&|i| i.code.to_string()))
    .bind(col(&|i| i.name_zh.to_string()))
    .bind(col(&|i| i.name_en.to_string()))
    .bind(items.iter().map(|i| dept(i.department)).collect::<Vec<_>>())
    .bind(col(&|i| i.category.to_string()))
    .bind(col(&|i| dept_zh(i.department).to_string()))
    .bind(col(&|i| {
        if i.category == "public_service" {
            "《国务院关于加快推进全国一体化在线政务服务平台建设的指导意见》及相关规定".into()
        } else {
            "《中华人民共和国行政许可法》及相关法律、法规、规章".into()
        }
    }))
    .bind(col(&|_| {
        "申请人具备法定条件，申请材料齐全、符合法定形式".into()
    }))
    .bind(col(&|i| {
        if i.flags.is_empty() {
            "申请 → 受理 → 当场审核决定 → 送达".into()
        } else {
            "申请 → 受理 → 审查（含现场核查、论证等特别程序）→ 决定 → 送达".into()
        }
    }))
    .bind(items.iter().map(|i| i.statutory_days).collect::<Vec<_>>())
    .bind(items.iter().map(|i| i.promised_days).collect::<Vec<_>>())
    .bind(col(&|i| format!("{}决定书", i.name_zh)))
    .bind(col(&|i| {
        if i.code == "CZJ-001" {
            "《政府非税收入管理办法》".into()
        } else {
            "".into()
        }
    }))
    .bind(col(&|i| {
        if i.code == "CZJ-001" {
            "按缴款通知书所列金额".into()
        } else {
            "不收费".into()
        }
    }))
    .bind(col(&|_| {
        "12345 政务服务便民热线；县行政服务中心电子监察室（一楼东侧）".into()
    }))
    .bind(flag('S'))
    .bind(flag('C'))
    .bind(flag('E'))
    .bind(flag('H'))
    .fetch_all(&mut *tx)
    .await?;
    // The items that charge a fee on acceptance, with their standard and its basis.
    sqlx::query(
        "update items i set fee_kind = 'fixed', fee_amount_fen = v.fen, fee_on = 'acceptance',
             fee_basis = v.basis, fee_standard = v.standard
         from (values ('GAJ-001', 2000, '《居民身份证法》、价格主管部门核定标准', '20元/证'),
                      ('GAJ-003', 12000, '价格主管部门核定标准', '120元/本'),
                      ('GAJ-004', 1000, '价格主管部门核定标准', '10元/证'),
                      ('JTJ-002', 1000, '价格主管部门核定标准', '10元/证'))
              as v(code, fen, basis, standard)
         where i.code = v.code",
    )
    .execute(&mut *tx)
    .await?;

    let mut m_item: Vec<i64> = vec![];
    let mut m_pos: Vec<i32> = vec![];
    let mut m_zh: Vec<String> = vec![];
    let mut m_en: Vec<String> = vec![];
    let mut m_form: Vec<String> = vec![];
    for (spec, id) in items.iter().zip(&item_ids) {
        let names = COMMON_MATERIALS
            .iter()
            .map(|m| m.0)
            .chain(spec.materials.iter().copied());
        for (pos, name) in names.enumerate() {
            m_item.push(*id);
            m_pos.push(pos as i32 + 1);
            m_zh.push(name.to_string());
            m_en.push(material_en(name));
            m_form.push(if pos == 1 { "both" } else { "original" }.to_string());
        }
    }
    sqlx::query(
        "insert into item_materials (item_id, position, name_zh, name_en, form)
         select * from unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::text[])",
    )
    .bind(m_item)
    .bind(m_pos)
    .bind(m_zh)
    .bind(m_en)
    .bind(m_form)
    .execute(&mut *tx)
    .await?;
    Ok(item_ids)
}
