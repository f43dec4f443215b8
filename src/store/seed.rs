//! Deterministic demo data: a realistic county center. The same seed gives the same rows.
//! Rows go in with multi-row `unnest` inserts (one statement per table) so that seeding stays fast
//! as later issues add cases by the hundred thousand.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use sqlx::PgPool;

use super::StoreError;
use super::audit::{self, NewAudit};
use crate::domain::password;
use crate::domain::role::Role;

/// Password of every demo account.
pub const DEMO_PASSWORD: &str = "demo1234";

/// The fixed demo accounts, one per role: (code, name, department code, role).
pub const DEMO_ACCOUNTS: [(&str, &str, &str, Role); 6] = [
    ("clerk", "张伟", "SCJG", Role::WindowClerk),
    ("chief", "李娜", "SCJG", Role::ChiefRep),
    ("reviewer", "王芳", "ZRZY", Role::Reviewer),
    ("cashier", "刘洋", "CZJ", Role::Cashier),
    ("supervisor", "陈静", "ZXB", Role::Supervisor),
    ("admin", "赵磊", "ZXB", Role::Admin),
];

const CENTER: &str = "center_department";
const HALL: &str = "supervised_hall";
const TOWNSHIP: &str = "township_center";

/// (code, 中文名, English name, kind)
pub const DEPARTMENTS: [(&str, &str, &str, &str); 26] = [
    (
        "ZXB",
        "行政服务中心管理办公室",
        "Service Center Administration Office",
        CENTER,
    ),
    (
        "FGJ",
        "发展和改革局",
        "Development and Reform Bureau",
        CENTER,
    ),
    (
        "SCJG",
        "市场监督管理局",
        "Market Supervision Administration",
        CENTER,
    ),
    ("ZRZY", "自然资源局", "Natural Resources Bureau", CENTER),
    (
        "ZJJ",
        "住房和城乡建设局",
        "Housing and Urban-Rural Development Bureau",
        CENTER,
    ),
    ("GAJ", "公安局", "Public Security Bureau", CENTER),
    ("SWJ", "税务局", "Taxation Bureau", CENTER),
    ("WJW", "卫生健康委员会", "Health Commission", CENTER),
    ("JTJ", "交通运输局", "Transport Bureau", CENTER),
    (
        "NYJ",
        "农业农村局",
        "Agriculture and Rural Affairs Bureau",
        CENTER,
    ),
    (
        "RSJ",
        "人力资源和社会保障局",
        "Human Resources and Social Security Bureau",
        CENTER,
    ),
    (
        "HBJ",
        "生态环境局",
        "Ecology and Environment Bureau",
        CENTER,
    ),
    ("MZJ", "民政局", "Civil Affairs Bureau", CENTER),
    ("SLJ", "水利局", "Water Resources Bureau", CENTER),
    ("WLJ", "文化和旅游局", "Culture and Tourism Bureau", CENTER),
    ("JYJ", "教育局", "Education Bureau", CENTER),
    ("CZJ", "财政局", "Finance Bureau", CENTER),
    ("YJJ", "应急管理局", "Emergency Management Bureau", CENTER),
    ("SWDT", "税务办税服务厅", "Tax Service Hall", HALL),
    (
        "BDCDJ",
        "不动产登记中心",
        "Real Estate Registration Center",
        HALL,
    ),
    ("HJDT", "户籍服务大厅", "Household Registration Hall", HALL),
    (
        "CGZ",
        "城关镇便民服务中心",
        "Chengguan Town Service Center",
        TOWNSHIP,
    ),
    (
        "DHZ",
        "东河镇便民服务中心",
        "Donghe Town Service Center",
        TOWNSHIP,
    ),
    (
        "XSX",
        "西山乡便民服务中心",
        "Xishan Township Service Center",
        TOWNSHIP,
    ),
    (
        "NPZ",
        "南坪镇便民服务中心",
        "Nanping Town Service Center",
        TOWNSHIP,
    ),
    (
        "BLX",
        "北岭乡便民服务中心",
        "Beiling Township Service Center",
        TOWNSHIP,
    ),
];

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘";
const GIVEN: &str =
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂华建国志红玉兰晓东海燕鹏飞宇婷雪琳";

fn chinese_name(rng: &mut SmallRng) -> String {
    let s: Vec<char> = SURNAMES.chars().collect();
    let g: Vec<char> = GIVEN.chars().collect();
    let mut name = String::new();
    name.push(s[rng.gen_range(0..s.len())]);
    for _ in 0..rng.gen_range(1..=2) {
        name.push(g[rng.gen_range(0..g.len())]);
    }
    name
}

/// (code, name, department index, window index, roles)
type PlannedOperator = (String, String, usize, Option<usize>, Vec<Role>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedSummary {
    pub departments: usize,
    pub windows: usize,
    pub operators: usize,
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
    Ok(SeedSummary {
        departments: dept_ids.len(),
        windows: window_ids.len(),
        operators: ops.len(),
    })
}

/// True when the database has been seeded (the demo command seeds on first use only).
pub async fn is_seeded(pool: &PgPool) -> Result<bool, StoreError> {
    let n: i64 = sqlx::query_scalar("select count(*) from departments")
        .fetch_one(pool)
        .await?;
    Ok(n > 0)
}
