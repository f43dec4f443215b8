//! Deterministic demo data: a realistic county center. The same seed gives the same rows.
//! Rows go in with multi-row `unnest` inserts (one statement per table) so that seeding stays fast
//! as later issues add cases by the hundred thousand.

use chrono::NaiveDate;
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
    pub items: usize,
    pub cases: u64,
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
    let case_count = seed_cases(&mut tx, &mut rng, cases, &item_ids, &dept_ids).await?;
    super::seed_fees::seed_fee_day(&mut tx).await?;
    super::seed_routing::seed_routing(&mut tx).await?;

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
        items: item_ids.len(),
        cases: case_count,
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
    use super::seed_items::{COMMON_MATERIALS, material_en};
    let items = super::seed_items::items();
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
    let col = |f: &dyn Fn(&super::seed_items::ItemSpec) -> String| -> Vec<String> {
        items.iter().map(f).collect()
    };
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

/// A valid resident ID for demo applicants: a Jiangsu prefix, a birth date, the check character.
fn demo_resident_id(rng: &mut SmallRng) -> String {
    let region = ["320102", "320104", "320111", "320115", "320124"][rng.gen_range(0..5)];
    let year = rng.gen_range(1950..2005);
    let month = rng.gen_range(1..=12);
    let day = rng.gen_range(1..=28);
    let seq = rng.gen_range(0..1000);
    let body = format!("{region}{year:04}{month:02}{day:02}{seq:03}");
    let digits: Vec<u8> = body.bytes().map(|b| b - b'0').collect();
    let arr: [u8; 17] = digits.try_into().unwrap_or([0; 17]);
    format!("{body}{}", crate::domain::validate::resident_id_check(&arr))
}

/// Demo cases in every state, spread over the last 60 days, inserted in batches.
async fn seed_cases(
    tx: &mut sqlx::PgConnection,
    rng: &mut SmallRng,
    n: u64,
    item_ids: &[i64],
    dept_ids: &[i64],
) -> Result<u64, StoreError> {
    let items = super::seed_items::items();
    if n == 0 {
        return Ok(0);
    }
    // Operators by department: (operator id, works cases, decides instant items).
    let ops: Vec<(i64, i64, Vec<String>)> =
        sqlx::query_as("select operator_id, department_id, roles from operators order by 1")
            .fetch_all(&mut *tx)
            .await?;
    let workers = |dept: i64| -> Vec<i64> {
        ops.iter()
            .filter(|o| o.1 == dept && o.2.iter().any(|r| r == "window_clerk" || r == "reviewer"))
            .map(|o| o.0)
            .collect()
    };
    let any_clerk: Vec<i64> = ops
        .iter()
        .filter(|o| o.2.iter().any(|r| r == "window_clerk"))
        .map(|o| o.0)
        .collect();
    let today: NaiveDate = sqlx::query_scalar("select current_date")
        .fetch_one(&mut *tx)
        .await?;
    let cal = super::calendar::load(&mut *tx).await?;
    let mut due_of = super::calendar::due_dates(&cal);
    let mut counters: std::collections::BTreeMap<(NaiveDate, i64), i32> = Default::default();
    const BATCH: u64 = 10_000;
    let mut done = 0;
    while done < n {
        let size = BATCH.min(n - done);
        let mut rows = CaseBatch::default();
        for _ in 0..size {
            let ix = rng.gen_range(0..items.len());
            let spec = &items[ix];
            let dept_ix = DEPARTMENTS
                .iter()
                .position(|d| d.0 == spec.department)
                .unwrap_or(0);
            let dept = dept_ids[dept_ix];
            let roll = rng.gen_range(0..100);
            // 8% correction, 47% open (a third of them claimed), 40% approved, 5% disapproved.
            let status = match roll {
                0..8 => "correction",
                8..55 => "accepted",
                55..95 => "approved",
                _ => "disapproved",
            };
            // Open cases are mostly within their limit (about 1.4 calendar days per working
            // day); one in twenty-five is overdue. Decided ones spread over two months.
            let span = (spec.promised_days as u64 * 7).div_ceil(5);
            let days_ago = if status == "accepted" {
                if rng.gen_range(0..25) == 0 {
                    span + rng.gen_range(2..20)
                } else {
                    rng.gen_range(0..=span)
                }
            } else {
                rng.gen_range(0..60)
            };
            let day = today - chrono::Days::new(days_ago);
            let due =
                (status != "correction").then(|| due_of(day, spec.promised_days.max(0) as u32));
            let counter = counters.entry((day, dept)).or_insert(0);
            *counter += 1;
            let case_no = super::cases::format_case_no(day, spec.department, *counter);
            let received_by = any_clerk[rng.gen_range(0..any_clerk.len())];
            let w = workers(dept);
            let claimed = status == "accepted" && roll % 3 == 0 && !w.is_empty();
            let person = rng.gen_range(0..10) < 8;
            rows.case_no.push(case_no);
            rows.item.push(item_ids[ix]);
            rows.dept.push(dept);
            rows.kind
                .push(if person { "person" } else { "organisation" }.into());
            rows.name.push(if person {
                chinese_name(rng)
            } else {
                format!("{}某某有限公司", chinese_name(rng))
            });
            rows.id_no.push(if person {
                demo_resident_id(rng)
            } else {
                "914403001922038216".into()
            });
            rows.phone
                .push(format!("13{:09}", rng.gen_range(0..1_000_000_000u64)));
            rows.status.push(status.into());
            rows.days_ago.push(days_ago as i32);
            rows.minutes.push(rng.gen_range(8 * 60..17 * 60));
            rows.received_by.push(received_by);
            rows.claimed_by
                .push(claimed.then(|| w[rng.gen_range(0..w.len())]));
            rows.limit_days
                .push(due.is_some().then_some(spec.promised_days));
            rows.due_provisional
                .push(due.as_ref().is_some_and(|d| d.provisional()));
            rows.due_date.push(due.map(|d| d.date));
            rows.decided_by.push(
                matches!(status, "approved" | "disapproved")
                    .then(|| w.first().copied().unwrap_or(received_by)),
            );
        }
        rows.insert(&mut *tx).await?;
        done += size;
    }
    let (days, depts, lasts): (Vec<NaiveDate>, Vec<i64>, Vec<i32>) = counters
        .into_iter()
        .map(|((d, dept), n)| (d, dept, n))
        .fold((vec![], vec![], vec![]), |mut acc, (d, dept, n)| {
            acc.0.push(d);
            acc.1.push(dept);
            acc.2.push(n);
            acc
        });
    sqlx::query(
        "insert into case_counters (day, department_id, last)
         select * from unnest($1::date[], $2::bigint[], $3::int[])",
    )
    .bind(days)
    .bind(depts)
    .bind(lasts)
    .execute(&mut *tx)
    .await?;
    Ok(n)
}

#[derive(Default)]
struct CaseBatch {
    case_no: Vec<String>,
    item: Vec<i64>,
    dept: Vec<i64>,
    kind: Vec<String>,
    name: Vec<String>,
    id_no: Vec<String>,
    phone: Vec<String>,
    status: Vec<String>,
    days_ago: Vec<i32>,
    minutes: Vec<i32>,
    received_by: Vec<i64>,
    claimed_by: Vec<Option<i64>>,
    decided_by: Vec<Option<i64>>,
    limit_days: Vec<Option<i32>>,
    due_date: Vec<Option<NaiveDate>>,
    due_provisional: Vec<bool>,
}

impl CaseBatch {
    async fn insert(self, tx: &mut sqlx::PgConnection) -> Result<(), StoreError> {
        sqlx::query(
            "insert into cases (case_no, item_id, department_id, applicant_kind, applicant_name,
                 applicant_id_no, applicant_phone, status, received_at, received_by,
                 first_inquiry_by, accepted_at, correction_note, claimed_by, claimed_at,
                 decided_at, decided_by, decision_reason, limit_days, due_date, due_provisional)
             select c, i, d, k::applicant_kind, n, idn, ph, s::case_status, at, rb, rb,
                    case when s <> 'correction' then at + interval '5 minutes' end,
                    case when s = 'correction' then '申请人身份证明' end,
                    cb, case when cb is not null then at + interval '1 hour' end,
                    case when db is not null then at + interval '1 day' end, db,
                    case when s = 'disapproved' then '不符合法定条件' end, ld, dd, dp
             from (select *, (current_date - da) + make_interval(mins => mi) as at
                   from unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[],
                               $6::text[], $7::text[], $8::text[], $9::int[], $10::int[],
                               $11::bigint[], $12::bigint[], $13::bigint[], $14::int[],
                               $15::date[], $16::boolean[])
                        as t (c, i, d, k, n, idn, ph, s, da, mi, rb, cb, db, ld, dd, dp)) x",
        )
        .bind(self.case_no)
        .bind(self.item)
        .bind(self.dept)
        .bind(self.kind)
        .bind(self.name)
        .bind(self.id_no)
        .bind(self.phone)
        .bind(self.status)
        .bind(self.days_ago)
        .bind(self.minutes)
        .bind(self.received_by)
        .bind(self.claimed_by)
        .bind(self.decided_by)
        .bind(self.limit_days)
        .bind(self.due_date)
        .bind(self.due_provisional)
        .execute(&mut *tx)
        .await?;
        Ok(())
    }
}
