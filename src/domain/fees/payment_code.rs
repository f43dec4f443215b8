//! Payment codes (缴款码): what the payer pays against at the non-tax window.
//!
//! 20 digits: the business date (YYYYMMDD), the department number (4 digits), a sequence (7
//! digits) and a Luhn check digit over the first 19. The check digit catches one mistyped digit
//! and most swapped neighbours, which is what happens when a code is read out over a counter.

use chrono::NaiveDate;

pub const LEN: usize = 20;

/// The Luhn check digit of a string of digits.
fn luhn(payload: &str) -> u32 {
    let sum: u32 = payload
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

pub fn make(date: NaiveDate, department_no: i64, sequence: i64) -> String {
    let payload = format!(
        "{}{:04}{:07}",
        date.format("%Y%m%d"),
        department_no.rem_euclid(10_000),
        sequence.rem_euclid(10_000_000)
    );
    let check = luhn(&payload);
    format!("{payload}{check}")
}

pub fn is_valid(code: &str) -> bool {
    code.len() == LEN
        && code.chars().all(|c| c.is_ascii_digit())
        && luhn(&code[..LEN - 1]) == code[LEN - 1..].parse::<u32>().unwrap_or(99)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_carry_their_check_digit() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let c = make(d, 3, 42);
        assert_eq!(c.len(), LEN);
        assert!(c.starts_with("2026112500030000042"));
        assert!(is_valid(&c));
        // Any single mistyped digit is caught.
        for i in 0..LEN {
            let mut b = c.clone().into_bytes();
            b[i] = if b[i] == b'9' { b'0' } else { b[i] + 1 };
            assert!(!is_valid(std::str::from_utf8(&b).unwrap()), "position {i}");
        }
        assert!(!is_valid("123"));
        assert!(!is_valid("2026112500030000042x"));
        // The classic Luhn vector.
        assert_eq!(luhn("7992739871"), 3);
    }
}
