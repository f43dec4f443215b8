//! The demo trading center (issue 17.12): the shipped rule set imported by the administrator, then
//! projects of every line entered, given sections, noticed, registered for and claimed by the demo
//! trading accounts — through the store's own functions, each with its permission check, audit
//! row and NOTIFY, exactly as a clerk at the counter would. Dates are counted from today (a
//! registration is only possible before its deadline), so a demo is always live.
//!
//! Then the deposit account's statement is imported, and one withdrawal's refund prepared (see
//! `deposits`). Not yet here: the stages after the opening (issue 18).

use chrono::{Duration, NaiveTime, TimeZone, Utc};
use rand::Rng;
use rand::rngs::SmallRng;
use sqlx::PgPool;

use crate::domain::cases::validate::credit_code_check;
use crate::domain::fees::receipt_file::ReceiptLine;
use crate::domain::time::zone::CENTER;
use crate::domain::trading::kinds::RefundEvent;
use crate::domain::trading::kinds::{Level, Line, NoticeKind};
use crate::domain::trading::rules::{self, SHIPPED};
use crate::store::StoreError;
use crate::store::trading::notices::{self, NewNotice};
use crate::store::trading::projects::{self, NewProject, NewSection};
use crate::store::trading::queue;
use crate::store::trading::refunds;
use crate::store::trading::registrations::{self, NewRegistration};

/// Cases per demo project: the plan's center sees about one trading project per 500 cases.
pub const CASES_PER_PROJECT: u64 = 500;

/// How many projects a seed of `cases` cases gets: one per 500 cases, but at least one of each
/// demo project (every line, urban and township) once there are 500 cases; none below, so a
/// small test seed holds no trading data.
pub fn projects_for(cases: u64) -> u64 {
    if cases < CASES_PER_PROJECT {
        0
    } else {
        (cases / CASES_PER_PROJECT).max(PROJECTS.len() as u64)
    }
}

/// (line, title, tenderer (an index into TENDERERS), fund source, least and greatest amount in 万元)
const PROJECTS: [(Line, &str, usize, &str, i64, i64); 15] = [
    (
        Line::Construction,
        "城东小学教学楼改造工程",
        0,
        "财政资金",
        300,
        3000,
    ),
    (
        Line::Construction,
        "县人民医院门诊综合楼建设工程",
        1,
        "专项债券",
        2000,
        9000,
    ),
    (
        Line::Construction,
        "城关镇农村公路提质改造工程",
        2,
        "财政资金",
        40,
        600,
    ),
    (
        Line::Construction,
        "滨河公园景观提升工程",
        3,
        "财政资金",
        80,
        900,
    ),
    (
        Line::Procurement,
        "县医院医疗设备采购",
        1,
        "财政资金",
        100,
        1500,
    ),
    (
        Line::Procurement,
        "中小学课桌椅采购",
        0,
        "财政资金",
        30,
        200,
    ),
    (
        Line::Procurement,
        "政务服务中心信息化设备采购",
        7,
        "财政资金",
        50,
        400,
    ),
    (
        Line::Procurement,
        "城区环卫保洁服务采购",
        3,
        "财政资金",
        200,
        800,
    ),
    (
        Line::Land,
        "城关镇东片区国有建设用地使用权挂牌出让",
        4,
        "土地出让",
        1000,
        20000,
    ),
    (
        Line::Land,
        "工业园区二期工业用地使用权出让",
        4,
        "土地出让",
        500,
        5000,
    ),
    (
        Line::Property,
        "县属国有企业闲置厂房产权转让",
        5,
        "国有资产",
        50,
        800,
    ),
    (
        Line::Property,
        "县城投公司所持股权转让",
        6,
        "国有资产",
        300,
        3000,
    ),
    (
        Line::Other,
        "城区公共停车位经营权出让",
        6,
        "经营收入",
        20,
        300,
    ),
    (
        Line::Other,
        "县城户外广告位经营权出让",
        7,
        "经营收入",
        10,
        200,
    ),
    (
        Line::Construction,
        "城西污水处理厂提标改造工程",
        3,
        "专项债券",
        800,
        6000,
    ),
];

/// (tenderer, the tail of its credit code)
const TENDERERS: [(&str, &str); 8] = [
    ("县教育局", "2N4KL8"),
    ("县卫生健康委员会", "3P5QR7"),
    ("县交通运输局", "4T6UW9"),
    ("县住房和城乡建设局", "5X7Y1A"),
    ("县自然资源局", "6B8C2D"),
    ("县财政局", "7E9F3G"),
    ("县城市投资发展有限公司", "8H1J4K"),
    ("县机关事务服务中心", "9L2M5N"),
];

/// (bidder, the tail of its credit code, bank)
const BIDDERS: [(&str, &str, &str); 8] = [
    ("安徽建工集团有限公司", "1A3B5C", "县农商银行城关支行"),
    ("宏达建设工程有限公司", "2D4E6F", "中国建设银行县支行"),
    ("诚信医疗器械有限公司", "3G5H7J", "中国工商银行县支行"),
    ("恒远市政工程有限公司", "4K6L8M", "县农商银行城关支行"),
    ("华信科技股份有限公司", "5N7P9Q", "中国银行县支行"),
    ("绿源环境服务有限公司", "6R8T0U", "中国农业银行县支行"),
    ("中鼎置业有限公司", "7W9X1Y", "中国建设银行县支行"),
    ("鑫源资产管理有限公司", "8A0B2C", "中国邮政储蓄银行县支行"),
];

const TOWNSHIPS: [&str; 4] = ["城关镇", "新河镇", "白石乡", "东湖街道"];

fn credit(tail: &str) -> String {
    let first17 = format!("91341100MA{tail}0");
    let check = credit_code_check(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

async fn operator(pool: &PgPool, code: &str) -> Result<i64, StoreError> {
    sqlx::query_scalar("select operator_id from operators where code = $1")
        .bind(code)
        .fetch_optional(pool)
        .await?
        .ok_or(StoreError::NotFound("demo operator"))
}

/// Seeds `n` projects; returns how many were entered.
pub async fn seed_trading(pool: &PgPool, rng: &mut SmallRng, n: u64) -> Result<u64, StoreError> {
    if n == 0 {
        return Ok(0);
    }
    let admin = operator(pool, "admin").await?;
    let clerk = operator(pool, "tclerk").await?;
    let director = operator(pool, "tdirector").await?;
    let rule_set = rules::parse(SHIPPED).map_err(|e| {
        StoreError::Conflict(format!("the shipped trading rules do not parse: {e:?}"))
    })?;
    crate::store::trading::rules::import(pool, admin, &rule_set, SHIPPED).await?;
    let today = Utc::now().with_timezone(&CENTER).date_naive();
    let at = |days: i64, h: u32| {
        let day = today + Duration::days(days);
        CENTER
            .from_local_datetime(
                &day.and_time(NaiveTime::from_hms_opt(h, 30, 0).unwrap_or_default()),
            )
            .single()
            .map(|t| t.with_timezone(&Utc))
    };
    let mut bidder = 0usize;
    for i in 0..n {
        let (line, title, who, fund, lo, hi) = PROJECTS[(i as usize) % PROJECTS.len()];
        let (tenderer, tail) = TENDERERS[who];
        let township = rng.gen_bool(0.3);
        // Amounts in whole yuan (万元 × 10,000 × 100 fen), a few under the 50万 threshold.
        let amount_fen = rng.gen_range(lo..=hi) * 1_000_000 + rng.gen_range(0..100) * 10_000;
        let title = if i as usize >= PROJECTS.len() {
            format!("{title}（{}期）", i as usize / PROJECTS.len() + 1)
        } else {
            title.to_string()
        };
        let p = projects::register(
            pool,
            clerk,
            &NewProject {
                line,
                title: title.clone(),
                tenderer_code: credit(tail),
                tenderer_name: tenderer.into(),
                agent_name: (line == Line::Construction || line == Line::Procurement)
                    .then(|| "县诚正招标代理有限公司".into()),
                level: if township {
                    Level::Township
                } else {
                    Level::Urban
                },
                township: township.then(|| TOWNSHIPS[rng.gen_range(0..TOWNSHIPS.len())].into()),
                fund_source: fund.into(),
                approval_no: Some(format!("县发改〔{}〕{}号", today.format("%Y"), 10 + i)),
                amount_fen,
            },
        )
        .await?;
        // Three in four projects have their sections; the rest were only just entered.
        if rng.gen_range(0..4) == 0 {
            continue;
        }
        let sections: i64 = if line == Line::Construction {
            rng.gen_range(1..=3)
        } else {
            1
        };
        // The deadline a lawful period away and then some (20 工作日 across the Spring Festival
        // is about 35 days): 45 to 70 days on.
        let deadline = at(rng.gen_range(45..=70), 9);
        let mut udcs = vec![];
        for s in 0..sections {
            let basis = amount_fen / sections;
            // 1.5 % of the basis, whole yuan: within every line's cap.
            let deposit = basis * 15 / 1000 / 100 * 100;
            let added = projects::add_section(
                pool,
                clerk,
                &p.project_code,
                &NewSection {
                    name: if sections == 1 {
                        "全部".into()
                    } else {
                        format!("第{}标段", s + 1)
                    },
                    basis_fen: basis,
                    deposit_fen: deposit,
                    bid_validity_days: 90,
                    doc_issue_at: at(0, 9),
                    deadline_at: deadline,
                    opening_at: deadline,
                },
            )
            .await?;
            udcs.push(added.unified_deal_code);
        }
        // Two in three sectioned projects are noticed, with bidders registered.
        if rng.gen_range(0..3) > 0 {
            // A tender notice runs to the bid deadline's day.
            let ends_on = deadline.map(|d| d.with_timezone(&CENTER).date_naive());
            for udc in &udcs {
                notices::publish(
                    pool,
                    clerk,
                    udc,
                    &NewNotice {
                        kind: NoticeKind::Tender,
                        title: format!("{title}{}", NoticeKind::Tender.zh()),
                        media: "县公共资源交易中心网站".into(),
                        ends_on,
                    },
                )
                .await?;
                for _ in 0..rng.gen_range(0..=4) {
                    let (name, tail, bank) = BIDDERS[bidder % BIDDERS.len()];
                    bidder += 1;
                    let r = registrations::register(
                        pool,
                        clerk,
                        udc,
                        &NewRegistration {
                            credit_code: credit(tail),
                            name: name.into(),
                            basic_bank: bank.into(),
                            basic_account: format!("6228 4800 {:04} {:04}", 1000 + bidder, 5678),
                            contact_name: "王经理".into(),
                            contact_phone: format!("138{:08}", 10_000_000 + bidder),
                            contact_email: None,
                            agent_name: None,
                            project_manager: (line == Line::Construction).then(|| "刘建国".into()),
                        },
                    )
                    .await;
                    // The same bidder twice on one section is refused: the demo simply skips it.
                    match r {
                        Ok(_) | Err(StoreError::Invalid { .. }) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        // Half the sectioned projects are held, by the clerk or the director; the rest wait.
        match rng.gen_range(0..4) {
            0 => {
                queue::claim(pool, clerk, &p.project_code).await?;
            }
            1 => {
                queue::claim(pool, director, &p.project_code).await?;
            }
            _ => {}
        }
    }
    deposits(pool, rng).await?;
    Ok(n)
}

/// The deposits of the demo: a statement of the deposit account imported by the demo
/// accountant — most deposits paid in full from the bidder's basic account, some in part, one
/// from someone else, one in cash on a procurement section, one to a sub-account nobody has —
/// and one bidder who withdrew, its refund due and prepared, waiting for a second person.
async fn deposits(pool: &PgPool, rng: &mut SmallRng) -> Result<(), StoreError> {
    let owed: Vec<(i64, String, i64, String, String, String)> = sqlx::query_as(
        "select r.registration_id, d.sub_account, d.expected_fen, p.name, p.basic_account, pr.line
         from trade_deposits d
         join trade_registrations r using (registration_id)
         join trade_parties p on p.party_id = r.party_id
         join trade_sections s on s.section_id = r.section_id
         join trade_projects pr on pr.project_id = s.project_id
         order by d.deposit_id",
    )
    .fetch_all(pool)
    .await?;
    if owed.is_empty() {
        return Ok(());
    }
    let accountant = operator(pool, "taccount").await?;
    // Paid over the last two days, at the center.
    let now = Utc::now().with_timezone(&CENTER).naive_local();
    let mut lines = vec![];
    let mut withdrawn = None;
    for (registration, sub, expected, name, account, line) in &owed {
        let at = now - Duration::minutes(rng.gen_range(30..2 * 24 * 60));
        let mut l = ReceiptLine {
            line: lines.len() + 2,
            receipt_no: format!("DM{:08}", lines.len() + 1),
            payment_code: sub.clone(),
            amount_fen: *expected,
            paid_at: at,
            payer: name.clone(),
            reverses: None,
            payer_account: account.clone(),
            method: "转账".into(),
        };
        match rng.gen_range(0..12) {
            // Not paid yet.
            0 | 1 => continue,
            2 => l.amount_fen = expected / 2,
            3 => {
                l.payer = "某某商贸有限公司".into();
                l.payer_account = "6217000012345678".into();
            }
            4 if line == "CG" => l.method = "现金".into(),
            _ => {
                if withdrawn.is_none() && line == "GC" {
                    withdrawn = Some(*registration);
                }
            }
        }
        lines.push(l);
    }
    let n = lines.len();
    lines.push(ReceiptLine {
        line: n + 2,
        receipt_no: format!("DM{:08}", n + 1),
        payment_code: "00000000000".into(),
        amount_fen: 500_000,
        paid_at: now - Duration::hours(3),
        payer: "县某某工程咨询有限公司".into(),
        reverses: None,
        payer_account: "6228480099990000".into(),
        method: "转账".into(),
    });
    crate::store::trading::deposits::import(
        pool,
        accountant,
        "deposit_bank",
        &"0".repeat(64),
        &lines,
        &crate::domain::fees::receipt_file::Rules::default(),
    )
    .await?;
    if let Some(registration) = withdrawn {
        let udc: String = sqlx::query_scalar(
            "select s.unified_deal_code from trade_registrations r
             join trade_sections s using (section_id) where r.registration_id = $1",
        )
        .bind(registration)
        .fetch_one(pool)
        .await?;
        // The database's today: the event may not be after it.
        let today: chrono::NaiveDate = sqlx::query_scalar("select current_date")
            .fetch_one(pool)
            .await?;
        refunds::record_event(
            pool,
            accountant,
            &udc,
            RefundEvent::Withdrawal,
            today,
            refunds::Covers::Only(registration),
            Some("投标人书面撤回投标文件"),
        )
        .await?;
        let (id, version): (i64, i32) = sqlx::query_as(
            "select refund_id, version from trade_refunds order by refund_id limit 1",
        )
        .fetch_one(pool)
        .await?;
        refunds::prepare(pool, accountant, id, version).await?;
    }
    Ok(())
}
