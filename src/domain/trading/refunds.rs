//! Refunds of deposits (issue 17.7; docs/trading.md "Refunds"): the interest a refund carries.
//! Pure integer arithmetic in fen, no floating point.

use chrono::NaiveDate;

/// Days a year has for a bank's daily rate: Chinese banks quote 日利率 = 年利率 / 360.
pub const DAYS_A_YEAR: i128 = 360;

/// Simple interest on `principal_fen` at `rate_bp` basis points a year for the days from
/// `from` (the day the money arrived) to `to` (the day the refund is prepared), rounded half up
/// to the fen. Zero when `to` is not after `from`. `None` only for a result past i64.
pub fn interest_fen(
    principal_fen: i64,
    rate_bp: u32,
    from: NaiveDate,
    to: NaiveDate,
) -> Option<i64> {
    let days = i128::from((to - from).num_days().max(0));
    let numerator = i128::from(principal_fen) * i128::from(rate_bp) * days;
    let denominator = 10_000 * DAYS_A_YEAR;
    // Half up: add half the denominator before the floor division (amounts are not negative).
    let v = (numerator + denominator / 2) / denominator;
    i64::try_from(v).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn demand_interest_is_exact_to_the_fen() {
        // 20,000.00 yuan at 0.35 % for 36 days: 2,000,000 × 35 × 36 / 3,600,000 = 700 fen.
        assert_eq!(interest_fen(2_000_000, 35, d(1, 1), d(2, 6)), Some(700));
        // 10,000.00 yuan at 0.35 % for one day: 9.72 fen, rounded half up to 10 fen.
        assert_eq!(interest_fen(1_000_000, 35, d(1, 1), d(1, 2)), Some(10));
        // 1,000.00 yuan: 0.972 fen, 1 fen; 100.00 yuan: 0.0972 fen, nothing.
        assert_eq!(interest_fen(100_000, 35, d(1, 1), d(1, 2)), Some(1));
        assert_eq!(interest_fen(10_000, 35, d(1, 1), d(1, 2)), Some(0));
        // Exactly half a fen rounds up: 3,600,000 × 1 bp × 1 day / 3,600,000 = 1 fen; half of it
        // is 1,800,000 fen for a day.
        assert_eq!(interest_fen(1_800_000, 1, d(1, 1), d(1, 2)), Some(1));
        assert_eq!(
            interest_fen(2_000_000, 35, d(2, 6), d(1, 1)),
            Some(0),
            "no negative days"
        );
        assert_eq!(interest_fen(2_000_000, 0, d(1, 1), d(12, 31)), Some(0));
        // Ten years at 20 %: exact in 128 bits, and a result past i64 is said, not wrapped.
        let ten_years = d(1, 1) + chrono::Duration::days(3600);
        assert!(interest_fen(i64::MAX, 2000, d(1, 1), ten_years).is_none());
        assert_eq!(
            interest_fen(1_000_000_000_000, 2000, d(1, 1), ten_years),
            Some(2_000_000_000_000)
        );
    }
}
