//! The shipped rule set, number by number, each test naming its article; and the file check.

use super::*;

fn shipped() -> RuleSet {
    parse(SHIPPED).unwrap_or_else(|e| panic!("the shipped rules do not parse: {e:?}"))
}

const WAN_50: i64 = 50_000_000; // 50万元 in fen

#[test]
fn the_shipped_file_parses_with_reading_a_by_default() {
    let r = shipped();
    assert_eq!(r.version, "2026-1");
    assert_eq!(r.reading, Reading::A);
    assert_eq!(r.demand_rate_bp, 35);
}

#[test]
fn county_plan_reading_a_every_urban_project_enters() {
    let r = shipped();
    let e = r.entry(Line::Construction, Level::Urban, 1).unwrap();
    assert!(e.must);
    assert_eq!(e.rule.article, "县方案 二(四) (读法A)");
}

#[test]
fn county_plan_reading_a_township_projects_from_50_wan_inclusive() {
    let r = shipped();
    assert!(
        r.entry(Line::Procurement, Level::Township, WAN_50)
            .unwrap()
            .must,
        "含50万"
    );
    assert!(
        !r.entry(Line::Procurement, Level::Township, WAN_50 - 1)
            .unwrap()
            .must
    );
}

#[test]
fn county_plan_reading_b_the_floor_applies_everywhere() {
    let mut r = shipped();
    r.reading = Reading::B;
    assert!(
        !r.entry(Line::Construction, Level::Urban, WAN_50 - 1)
            .unwrap()
            .must
    );
    assert!(
        r.entry(Line::Construction, Level::Urban, WAN_50)
            .unwrap()
            .must
    );
}

#[test]
fn tendering_regulation_26_construction_deposit_at_most_2_percent_of_the_estimate() {
    let r = shipped();
    // 2 % of 1,000,000.00 yuan = 20,000.00 yuan.
    assert!(
        r.check_deposit(Line::Construction, 100_000_000, 2_000_000)
            .is_ok()
    );
    let over = r
        .check_deposit(Line::Construction, 100_000_000, 2_000_001)
        .unwrap_err();
    assert_eq!(over.cap_fen, 2_000_000);
    assert_eq!(over.article, "招标投标法实施条例 第26条");
    assert_eq!(
        over.to_string(),
        "the deposit 20000.01 yuan is over the cap of 20000.00 yuan (2% of 1000000.00 yuan, 招标投标法实施条例 第26条)"
    );
    assert_eq!(
        (percent(150), percent(5), percent(200)),
        ("1.5%".into(), "0.05%".into(), "2%".into())
    );
    assert!(r.line(Line::Construction).unwrap().basic_account_required);
}

#[test]
fn procurement_regulation_33_deposit_at_most_2_percent_and_never_cash() {
    let r = shipped();
    assert!(
        r.check_deposit(Line::Procurement, 333, 6).is_ok(),
        "6.66 rounds down to 6"
    );
    assert!(r.check_deposit(Line::Procurement, 333, 7).is_err());
    assert!(
        !r.line(Line::Procurement)
            .unwrap()
            .deposit_forms
            .contains(&DepositForm::Cash)
    );
}

#[test]
fn land_and_property_deposits_are_set_by_the_notice() {
    let r = shipped();
    assert!(r.check_deposit(Line::Land, 100, 1_000_000).is_ok());
    assert_eq!(r.line(Line::Land).unwrap().deposit_cap_bp, None);
}

#[test]
fn a_cap_on_a_huge_basis_is_checked_arithmetic() {
    let r = shipped();
    assert!(
        r.check_deposit(Line::Construction, i64::MAX, i64::MAX)
            .is_err()
    );
    assert!(
        r.check_deposit(Line::Construction, -5, 0).is_ok(),
        "a negative basis caps at 0"
    );
}

fn period(r: &RuleSet, line: Line, n: NoticeKind) -> (u32, Unit, String) {
    let p = r.period(line, n).unwrap();
    (p.days, p.unit, p.article.clone())
}

#[test]
fn tendering_law_24_construction_bid_period_20_days() {
    assert_eq!(
        period(&shipped(), Line::Construction, NoticeKind::Tender),
        (20, Unit::Day, "招标投标法 第24条".into())
    );
}

#[test]
fn tendering_regulation_21_changes_15_days_before_the_deadline() {
    let r = shipped();
    let p = r.change_lead(Line::Construction).unwrap();
    assert_eq!((p.days, p.unit), (15, Unit::Day));
    assert_eq!(p.article, "招标投标法实施条例 第21条");
}

#[test]
fn tendering_regulation_54_candidate_publicity_3_days() {
    assert_eq!(
        period(
            &shipped(),
            Line::Construction,
            NoticeKind::CandidatePublicity
        )
        .0,
        3
    );
}

#[test]
fn procurement_law_35_bid_period_20_days() {
    assert_eq!(
        period(&shipped(), Line::Procurement, NoticeKind::Tender),
        (20, Unit::Day, "政府采购法 第35条".into())
    );
}

#[test]
fn order_87_article_16_procurement_notice_5_working_days() {
    let (days, unit, _) = period(&shipped(), Line::Procurement, NoticeKind::Result);
    assert_eq!((days, unit), (5, Unit::WorkingDay));
}

#[test]
fn order_39_land_notice_20_days_and_listing_10_working_days() {
    let r = shipped();
    assert_eq!(period(&r, Line::Land, NoticeKind::Tender).0, 20);
    let (days, unit, _) = period(&r, Line::Land, NoticeKind::Listing);
    assert_eq!((days, unit), (10, Unit::WorkingDay), "the stricter reading");
}

#[test]
fn rules_2009_120_property_disclosure_20_working_days() {
    let (days, unit, _) = period(&shipped(), Line::Property, NoticeKind::Tender);
    assert_eq!((days, unit), (20, Unit::WorkingDay));
}

#[test]
fn tendering_regulation_57_refund_within_5_days_of_the_contract_with_interest() {
    let r = shipped();
    let x = r
        .refund(Line::Construction, RefundEvent::ContractSigned)
        .unwrap();
    assert_eq!(
        (x.days, x.unit, x.interest),
        (5, Unit::Day, Interest::Demand)
    );
    assert_eq!(x.article, "招标投标法实施条例 第57条");
}

#[test]
fn tendering_regulation_35_withdrawal_refund_within_5_days() {
    let x = shipped();
    let x = x
        .refund(Line::Construction, RefundEvent::Withdrawal)
        .unwrap();
    assert_eq!((x.days, x.unit), (5, Unit::Day));
}

#[test]
fn procurement_regulation_33_refunds_in_5_working_days() {
    let r = shipped();
    for e in [RefundEvent::AwardNotice, RefundEvent::ContractSigned] {
        let x = r.refund(Line::Procurement, e).unwrap();
        assert_eq!((x.days, x.unit), (5, Unit::WorkingDay), "{e:?}");
    }
}

#[test]
fn order_39_land_refund_5_working_days_without_interest() {
    let x = shipped();
    let x = x.refund(Line::Land, RefundEvent::ActivityEnd).unwrap();
    assert_eq!(
        (x.days, x.unit, x.interest),
        (5, Unit::WorkingDay, Interest::None)
    );
    assert_eq!(x.sure, Sure::Secondary);
}

#[test]
fn every_number_names_its_article() {
    let r = shipped();
    assert!(r.periods.iter().all(|p| !p.article.is_empty()));
    assert!(r.refunds.iter().all(|p| !p.article.is_empty()));
    assert!(r.thresholds.iter().all(|p| !p.article.is_empty()));
}

#[test]
fn problems_name_their_lines_and_all_are_reported() {
    let text = SHIPPED
        .replacen("deposit_cap_bp = 200 ", "deposit_cap_bp = 20000 ", 1)
        .replacen(
            "days = 20\nunit = \"day\"\narticle = \"招标投标法 第24条\"",
            "days = 20\nunit = \"week\"\narticle = \"招标投标法 第24条\"",
            1,
        );
    let errs = parse(&text).unwrap_err();
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    assert!(
        errs.iter()
            .any(|e| e.line == line_of("deposit_cap_bp = 20000")
                && e.message.contains("between 0 and 10000")),
        "{errs:?}"
    );
    assert!(
        errs.iter().any(|e| e.line == line_of("unit = \"week\"") && e.message.contains("day, working_day")),
        "{errs:?}"
    );
}

#[test]
fn a_reading_without_a_rule_for_some_projects_is_refused() {
    let cut = SHIPPED.rfind("[[threshold]]").unwrap();
    let end = SHIPPED[cut..].find("[[period]]").unwrap() + cut;
    let text = format!("{}{}", &SHIPPED[..cut], &SHIPPED[end..]);
    let errs = parse(&text).unwrap_err();
    assert!(
        errs.iter()
            .any(|e| e.message == "reading B has no threshold for township projects of line GC"),
        "{errs:?}"
    );
}

#[test]
fn unknown_keys_and_bad_toml_are_refused_with_the_line() {
    let errs = parse("version = \"x\"\nbogus = 1\n").unwrap_err();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].line, 2);
    assert!(parse("version = ").is_err());
}
