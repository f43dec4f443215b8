//! The demo service catalogue: realistic items of a county center, about a third of them instant.
//! One item per line, so the list reads as a table:
//! department | code | 中文名 | English name | category (L licensing, N non-licensing approval,
//! P public service) | statutory days | promised days | special procedures (S site survey,
//! C collective discussion, E expert review, H hearing; none = instant item) | materials (;).

const TABLE: &str = "\
FGJ|FGJ-001|企业投资项目核准|Approval of enterprise investment projects|L|20|15|CE|项目申请报告;城乡规划选址意见书;用地预审意见
FGJ|FGJ-002|企业投资项目备案|Filing of enterprise investment projects|N|5|0||项目备案信息表
FGJ|FGJ-003|固定资产投资项目节能审查|Energy-saving review of fixed-asset projects|L|20|12|E|节能报告
FGJ|FGJ-004|政府定价收费标准核定|Approval of government-priced fees|N|20|15|C|成本核算资料
SCJG|SCJG-001|企业设立登记|Registration of a new enterprise|L|15|0||公司章程;住所使用证明
SCJG|SCJG-002|企业变更登记|Change of enterprise registration|L|15|0||变更决议;营业执照正副本
SCJG|SCJG-003|企业注销登记|Deregistration of an enterprise|L|15|0||清算报告;营业执照正副本
SCJG|SCJG-004|个体工商户登记|Registration of an individual business|L|15|0|S|经营场所证明
SCJG|SCJG-005|食品经营许可|Food business licence|L|20|10|S|食品安全管理制度;经营场所平面图;设备布局图
SCJG|SCJG-006|特种设备使用登记|Registration of special equipment|L|15|5|S|产品合格证;监督检验证明
ZRZY|ZRZY-001|建设项目用地预审与选址意见书|Land pre-review and site selection opinion|L|20|15|SE|建设项目用地预审申请表;规划方案
ZRZY|ZRZY-002|建设用地规划许可证核发|Land-use planning permit|L|20|12|SH|建设项目批准文件;土地出让合同
ZRZY|ZRZY-003|建设工程规划许可证核发|Construction planning permit|L|20|12|SE|建设工程设计方案;土地权属证明
ZRZY|ZRZY-004|乡村建设规划许可证核发|Rural construction planning permit|L|20|10|S|村民委员会意见;宅基地证明
ZJJ|ZJJ-001|建筑工程施工许可证核发|Construction work permit|L|15|7||施工合同;施工图审查合格书;质量安全监督手续
ZJJ|ZJJ-002|商品房预售许可|Pre-sale permit for commercial housing|L|20|10|S|预售方案;土地使用权证;工程进度证明
ZJJ|ZJJ-003|建筑业企业资质核准|Qualification of construction enterprises|L|20|15|E|资质申请表;人员证书
ZJJ|ZJJ-004|城市建筑垃圾处置核准|Approval of construction waste disposal|L|20|5||处置方案;运输车辆证明
GAJ|GAJ-001|居民身份证换领|Renewal of resident ID card|P|60|0||原居民身份证;户口簿
GAJ|GAJ-002|户口迁移|Household registration transfer|L|20|0||准迁证;户口簿
GAJ|GAJ-003|出入境证件办理|Exit-entry documents|L|7|7||出入境证件申请表;证件照片
GAJ|GAJ-004|机动车驾驶证补换领|Driving licence renewal|P|1|0||驾驶证;体检证明
SWJ|SWJ-001|增值税专用发票最高开票限额审批|Approval of VAT invoice limits|L|20|10|S|税务行政许可申请表
SWJ|SWJ-002|纳税信用补评|Tax credit re-rating|P|15|5||纳税信用补评申请表
SWJ|SWJ-003|税务登记信息变更|Change of tax registration|P|1|0||变更登记表
WJW|WJW-001|医疗机构执业登记|Practice registration of a medical institution|L|45|20|SE|执业登记申请书;设置批准书;人员资格证书
WJW|WJW-002|公共场所卫生许可|Public place hygiene licence|L|20|7|S|卫生检测报告;从业人员健康证明
WJW|WJW-003|医师执业注册|Physician practice registration|L|20|0||医师资格证书;健康体检证明
WJW|WJW-004|出生医学证明补发|Reissue of a medical birth certificate|P|10|0||补发申请;父母身份证
JTJ|JTJ-001|道路运输经营许可|Road transport operating licence|L|20|10|S|车辆技术等级证明;安全生产管理制度
JTJ|JTJ-002|道路运输从业人员资格证补发|Reissue of a road transport worker certificate|P|5|0||补发申请表
JTJ|JTJ-003|超限运输车辆行驶公路许可|Permit for over-limit transport on highways|L|15|5|E|车货总体轮廓图;通行线路说明
JTJ|JTJ-004|出租汽车车辆运营证核发|Taxi operating certificate|L|20|0|S|车辆行驶证;经营权证明
NYJ|NYJ-001|农药经营许可|Pesticide business licence|L|20|10|S|经营场所证明;仓储设施证明
NYJ|NYJ-002|动物防疫条件合格证核发|Animal epidemic prevention certificate|L|20|10|S|场所平面图;防疫制度
NYJ|NYJ-003|种子生产经营许可|Seed production and business licence|L|20|15|SE|检验设施证明;技术人员证明
NYJ|NYJ-004|农机购置补贴申领|Farm machinery purchase subsidy|P|15|0|S|购机发票;银行账户
RSJ|RSJ-001|社会保障卡申领|Application for a social security card|P|10|0||证件照片
RSJ|RSJ-002|失业保险金申领|Unemployment insurance benefit|P|15|0||解除劳动合同证明;银行账户
RSJ|RSJ-003|劳务派遣经营许可|Labour dispatch licence|L|20|10|S|经营场所证明;管理制度
RSJ|RSJ-004|人力资源服务许可|Human resources service licence|L|20|10|S|服务场所证明;专职人员证明
RSJ|RSJ-005|职业技能等级证书补发|Reissue of a vocational skill certificate|P|10|0||补发申请
HBJ|HBJ-001|建设项目环境影响报告书审批|Approval of an environmental impact report|L|60|30|EH|环境影响报告书;公众参与说明
HBJ|HBJ-002|建设项目环境影响报告表审批|Approval of an environmental impact form|L|30|15|E|环境影响报告表
HBJ|HBJ-003|排污许可证核发|Pollutant discharge permit|L|20|15|S|排污许可申请表;监测方案
MZJ|MZJ-001|社会团体成立登记|Registration of a social organisation|L|60|30|C|章程草案;发起人身份证明;业务主管单位批准文件
MZJ|MZJ-002|婚姻登记|Marriage registration|P|1|0||户口簿;无配偶声明
MZJ|MZJ-003|最低生活保障申请|Application for minimum living allowance|P|30|20|S|家庭收入证明;户口簿
MZJ|MZJ-004|民办非企业单位成立登记|Registration of a private non-enterprise unit|L|60|30|C|章程草案;验资报告
SLJ|SLJ-001|取水许可|Water abstraction permit|L|45|20|E|水资源论证报告
SLJ|SLJ-002|生产建设项目水土保持方案审批|Approval of a soil and water conservation plan|L|20|15|E|水土保持方案报告书
SLJ|SLJ-003|河道管理范围内建设项目审批|Approval of construction within river management zones|L|20|15|SE|防洪评价报告
WLJ|WLJ-001|娱乐场所经营许可|Entertainment venue licence|L|20|10|S|场所平面图;消防验收意见
WLJ|WLJ-002|营业性演出审批|Approval of commercial performances|L|20|3||演出节目内容;演员名单
WLJ|WLJ-003|旅行社设立许可|Travel agency licence|L|20|10|S|经营场所证明;质量保证金证明
JYJ|JYJ-001|民办学校办学许可|Private school licence|L|90|30|SCE|办学章程;校舍证明;师资证明
JYJ|JYJ-002|教师资格认定|Teacher qualification|L|60|20||普通话等级证书;体检表
JYJ|JYJ-003|学籍信息证明|Certificate of student records|P|5|0||申请书
CZJ|CZJ-001|非税收入缴款|Payment of non-tax revenue|P|1|0||缴款通知书
CZJ|CZJ-002|政府采购方式变更审批|Approval of a change of procurement method|N|20|10|C|变更申请;专家论证意见
YJJ|YJJ-001|危险化学品经营许可|Hazardous chemicals business licence|L|30|15|SE|安全评价报告;经营场所证明
YJJ|YJJ-002|烟花爆竹经营（零售）许可|Fireworks retail licence|L|20|10|S|零售场所证明;安全管理制度
YJJ|YJJ-003|生产经营单位主要负责人安全培训证明|Safety training certificate of business managers|P|10|0||培训合格证明
";

/// One catalogue entry of the demo data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemSpec {
    pub department: &'static str,
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub category: &'static str,
    pub statutory_days: i32,
    pub promised_days: i32,
    pub flags: &'static str,
    pub materials: Vec<&'static str>,
}

/// The demo items, in table order.
pub fn items() -> Vec<ItemSpec> {
    TABLE
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&'static str> = l.split('|').collect();
            ItemSpec {
                department: f[0],
                code: f[1],
                name_zh: f[2],
                name_en: f[3],
                category: match f[4] {
                    "L" => "administrative_licensing",
                    "N" => "non_licensing_approval",
                    _ => "public_service",
                },
                statutory_days: f[5].parse().unwrap_or(20),
                promised_days: f[6].parse().unwrap_or(0),
                flags: f[7],
                materials: f[8].split(';').filter(|m| !m.is_empty()).collect(),
            }
        })
        .collect()
}

/// Every item asks for these first.
pub const COMMON_MATERIALS: [(&str, &str); 2] = [
    ("申请书", "Application form"),
    ("申请人身份证明", "Proof of the applicant's identity"),
];

/// English name of a material for the demo (the zh name is the official one).
pub fn material_en(zh: &str) -> String {
    COMMON_MATERIALS
        .iter()
        .find(|(z, _)| *z == zh)
        .map(|(_, e)| e.to_string())
        .unwrap_or_else(|| format!("Document: {zh}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses_into_sixty_three_items_with_unique_codes() {
        let all = items();
        assert_eq!(all.len(), 63);
        let mut codes: Vec<&str> = all.iter().map(|i| i.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 63);
        assert!(
            all.iter()
                .all(|i| i.promised_days <= i.statutory_days && !i.materials.is_empty())
        );
    }
}
