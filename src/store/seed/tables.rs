//! The demo center's fixed tables, shared by every part of the seed: the demo accounts, the
//! departments with their kinds, and applicants' names.

use rand::Rng;
use rand::rngs::SmallRng;

use crate::domain::accounts::role::Role;
/// Password of every demo account.
pub const DEMO_PASSWORD: &str = "demo1234";

/// The fixed demo accounts, one per role: (code, name, department code, role).
pub const DEMO_ACCOUNTS: [(&str, &str, &str, Role); 9] = [
    ("clerk", "张伟", "SCJG", Role::WindowClerk),
    ("chief", "李娜", "SCJG", Role::ChiefRep),
    ("reviewer", "王芳", "ZRZY", Role::Reviewer),
    ("cashier", "刘洋", "CZJ", Role::Cashier),
    ("supervisor", "陈静", "ZXB", Role::Supervisor),
    ("admin", "赵磊", "ZXB", Role::Admin),
    // The trading center is under the service center's office (county plan 二(四)).
    ("tclerk", "孙丽", "ZXB", Role::TradingClerk),
    ("taccount", "周敏", "ZXB", Role::DepositAccountant),
    ("tdirector", "吴刚", "ZXB", Role::TradingDirector),
];

pub(super) const CENTER: &str = "center_department";
pub(super) const HALL: &str = "supervised_hall";
pub(super) const TOWNSHIP: &str = "township_center";

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

pub(crate) fn chinese_name(rng: &mut SmallRng) -> String {
    let s: Vec<char> = SURNAMES.chars().collect();
    let g: Vec<char> = GIVEN.chars().collect();
    let mut name = String::new();
    name.push(s[rng.gen_range(0..s.len())]);
    for _ in 0..rng.gen_range(1..=2) {
        name.push(g[rng.gen_range(0..g.len())]);
    }
    name
}
