//! The trading center's identifiers (docs/trading.md "Codes").
//!
//! - Project code: `<line><year>-<seq>`, e.g. `GC2026-00012`: the twelfth construction project
//!   registered in 2026 (numbered per line and year by the database).
//! - Unified deal code (统一交易标识码, 公共资源交易平台系统数据规范): one per section, 20
//!   characters: the county's division code (6 digits, GB/T 2260), the line (2 letters), the year
//!   (4), the project's number (5) and the section's (3): `000000GC202600012001`.

use super::kinds::Line;

pub fn project_code(line: Line, year: i32, seq: u32) -> String {
    format!("{}{year:04}-{seq:05}", line.as_str())
}

pub fn unified_deal_code(region: &str, line: Line, year: i32, seq: u32, section: u32) -> String {
    format!("{region}{}{year:04}{seq:05}{section:03}", line.as_str())
}

/// The largest numbers the codes hold.
pub const MAX_PROJECTS_A_YEAR: u32 = 99_999;
pub const MAX_SECTIONS: u32 = 999;

/// Projects of one tenderer, one line and one fiscal year that are each under a threshold but
/// together at or over it: a possible split to evade entry (工程 条例 24; 采购 条例 28). Returns
/// the sum when it is a split. `amounts`: every such project's amount, the new one included.
pub fn split_sum(amounts: &[i64], under_each: impl Fn(i64) -> bool, min_fen: i64) -> Option<i64> {
    if amounts.len() < 2 || !amounts.iter().all(|a| under_each(*a)) {
        return None;
    }
    let sum = amounts.iter().try_fold(0i64, |s, a| s.checked_add(*a))?;
    (sum >= min_fen).then_some(sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_their_documented_shape() {
        assert_eq!(project_code(Line::Construction, 2026, 12), "GC2026-00012");
        let u = unified_deal_code("341100", Line::Procurement, 2026, 12, 1);
        assert_eq!(u, "341100CG202600012001");
        assert_eq!(u.len(), 20);
    }

    #[test]
    fn two_projects_under_50_wan_that_add_up_past_it_are_a_split() {
        let under = |a: i64| a < 50_000_000;
        assert_eq!(
            split_sum(&[30_000_000, 25_000_000], under, 50_000_000),
            Some(55_000_000)
        );
        assert_eq!(
            split_sum(&[30_000_000, 10_000_000], under, 50_000_000),
            None
        );
        assert_eq!(
            split_sum(&[49_999_999], under, 50_000_000),
            None,
            "one project is no split"
        );
        assert_eq!(
            split_sum(&[60_000_000, 10_000_000], under, 50_000_000),
            None
        );
    }
}
