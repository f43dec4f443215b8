//! Validation of what an applicant gives at the window: resident ID (GB 11643), unified social
//! credit code (GB 32100), phone numbers. Errors say exactly what is wrong, for the message beside
//! the field.

use chrono::NaiveDate;

/// The longest applicant name, in characters: the database holds the same limit
/// (`cases_applicant_name_check`, migrations/0007_cases.sql).
pub const NAME_MAX_CHARS: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextError {
    /// Nothing but spaces.
    Empty,
    /// Longer than the database takes.
    TooLong,
    /// A control character (NUL, escape, …), which no name or address holds.
    Control,
    /// A digit in a person's name: most often an ID number typed into the wrong field.
    Digit,
}

/// Checks an applicant's name: not empty, at most `NAME_MAX_CHARS` characters, no control
/// characters. Returns it trimmed, as it is saved.
pub fn applicant_name(input: &str) -> Result<&str, TextError> {
    let s = input.trim();
    if s.is_empty() {
        Err(TextError::Empty)
    } else if s.chars().count() > NAME_MAX_CHARS {
        Err(TextError::TooLong)
    } else if s.chars().any(char::is_control) {
        Err(TextError::Control)
    } else {
        Ok(s)
    }
}

/// A person's name: as [`applicant_name`], and no digits (ASCII or full-width). An ID number
/// typed into Name, then a name after it, was accepted as "11010519491231002张小三". The database
/// holds the same rule (`cases_person_name_no_digits`, migrations/0025).
pub fn person_name(input: &str) -> Result<&str, TextError> {
    let s = applicant_name(input)?;
    if s.chars()
        .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
    {
        Err(TextError::Digit)
    } else {
        Ok(s)
    }
}

/// Checks an address (it may be empty): no control characters. Returns it trimmed.
pub fn address(input: &str) -> Result<&str, TextError> {
    let s = input.trim();
    if s.chars().any(char::is_control) {
        Err(TextError::Control)
    } else {
        Ok(s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdError {
    /// Not 18 characters.
    Length,
    /// A character that does not belong (only digits, and X last).
    BadCharacter,
    /// The first two digits are no province, region or municipality.
    UnknownRegion,
    /// The birth date does not exist (30 February) or lies in the future.
    BadBirthDate,
    /// The check character does not match the other 17.
    CheckCharacter,
}

/// Province-level codes of GB/T 2260 (the first two digits of a resident ID).
const PROVINCES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The check character of the first 17 digits of a resident ID.
pub fn resident_id_check(first17: &[u8; 17]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(d, w)| u32::from(*d) * w)
        .sum();
    ID_CHECK[(sum % 11) as usize]
}

/// Checks an 18-character resident ID; `today` bounds the birth date. Returns it normalised
/// (upper-case X).
pub fn resident_id(input: &str, today: NaiveDate) -> Result<String, IdError> {
    let s = input.trim().to_ascii_uppercase();
    let chars: Vec<char> = s.chars().collect();
    if chars.len() != 18 {
        return Err(IdError::Length);
    }
    let mut digits = [0u8; 17];
    for (i, c) in chars[..17].iter().enumerate() {
        digits[i] = c.to_digit(10).ok_or(IdError::BadCharacter)? as u8;
    }
    if !(chars[17].is_ascii_digit() || chars[17] == 'X') {
        return Err(IdError::BadCharacter);
    }
    if !PROVINCES.contains(&(digits[0] * 10 + digits[1])) {
        return Err(IdError::UnknownRegion);
    }
    let num = |r: std::ops::Range<usize>| r.fold(0u32, |n, i| n * 10 + u32::from(digits[i]));
    let birth = NaiveDate::from_ymd_opt(num(6..10) as i32, num(10..12), num(12..14))
        .ok_or(IdError::BadBirthDate)?;
    if birth > today || birth.year_ce().1 < 1900 {
        return Err(IdError::BadBirthDate);
    }
    if resident_id_check(&digits) != chars[17] {
        return Err(IdError::CheckCharacter);
    }
    Ok(s)
}

use chrono::Datelike;

/// The 31 characters of GB 32100 (no I, O, S, V, Z), in value order.
const CREDIT_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn credit_value(c: char) -> Option<u32> {
    CREDIT_ALPHABET.find(c).map(|i| i as u32)
}

/// The check character of the first 17 characters of a credit code (all in the alphabet).
pub fn credit_code_check(first17: &str) -> Option<char> {
    let mut sum = 0;
    for (c, w) in first17.chars().zip(CREDIT_WEIGHTS) {
        sum += credit_value(c)? * w;
    }
    let v = (31 - sum % 31) % 31;
    CREDIT_ALPHABET.chars().nth(v as usize)
}

/// Checks an 18-character unified social credit code. Returns it upper-cased.
pub fn credit_code(input: &str) -> Result<String, IdError> {
    let s = input.trim().to_ascii_uppercase();
    if s.chars().count() != 18 {
        return Err(IdError::Length);
    }
    if s.chars().any(|c| credit_value(c).is_none()) {
        return Err(IdError::BadCharacter);
    }
    // Characters 3–8 are the administrative region code: digits only.
    if !s[2..8].chars().all(|c| c.is_ascii_digit()) {
        return Err(IdError::UnknownRegion);
    }
    let expected = credit_code_check(&s[..17]).ok_or(IdError::BadCharacter)?;
    if s.chars().nth(17) != Some(expected) {
        return Err(IdError::CheckCharacter);
    }
    Ok(s)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneError {
    /// Neither an 11-digit mobile number nor a landline with area code.
    Format,
}

/// An 11-digit mobile number (1[3-9]…) or a landline with its area code (0xx-xxxxxxx or
/// 0xxx-xxxxxxxx, the dash optional). Returns it without spaces.
pub fn phone(input: &str) -> Result<String, PhoneError> {
    let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    let digits_only = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    let mobile = s.len() == 11
        && digits_only(&s)
        && s.starts_with('1')
        && matches!(s.as_bytes()[1], b'3'..=b'9');
    let landline = match s.split_once('-') {
        Some((area, local)) => {
            digits_only(area)
                && digits_only(local)
                && area.starts_with('0')
                && (3..=4).contains(&area.len())
                && (7..=8).contains(&local.len())
        }
        None => digits_only(&s) && s.starts_with('0') && (10..=12).contains(&s.len()),
    };
    if mobile || landline {
        Ok(s)
    } else {
        Err(PhoneError::Format)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_persons_name_has_no_digits() {
        assert_eq!(person_name(" 张小三 "), Ok("张小三"));
        assert_eq!(person_name("阿依古丽·买买提"), Ok("阿依古丽·买买提"));
        assert_eq!(
            person_name("11010519491231002张小三"),
            Err(TextError::Digit)
        );
        assert_eq!(person_name("张三３"), Err(TextError::Digit));
        // Organisations may: "第3建筑有限公司".
        assert_eq!(applicant_name("第3建筑有限公司"), Ok("第3建筑有限公司"));
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    /// Builds a valid ID from region, birth date and sequence.
    fn make_id(body17: &str) -> String {
        let d: Vec<u8> = body17.bytes().map(|b| b - b'0').collect();
        let arr: [u8; 17] = d.try_into().unwrap();
        format!("{body17}{}", resident_id_check(&arr))
    }

    #[test]
    fn the_standard_example_is_valid() {
        // The worked example of GB 11643-1999.
        assert_eq!(
            resident_id("11010519491231002X", today()),
            Ok("11010519491231002X".into())
        );
        assert_eq!(
            resident_id("11010519491231002x", today()),
            Ok("11010519491231002X".into())
        );
        assert_eq!(
            resident_id("440524188001010014", today()),
            Err(IdError::BadBirthDate)
        );
    }

    #[test]
    fn leap_days_and_impossible_dates() {
        let leap = make_id("32010220000229123");
        assert!(resident_id(&leap, today()).is_ok(), "{leap}");
        let not_leap = make_id("32010219000229123");
        assert_eq!(resident_id(&not_leap, today()), Err(IdError::BadBirthDate));
        let feb30 = make_id("32010219900230123");
        assert_eq!(resident_id(&feb30, today()), Err(IdError::BadBirthDate));
        let month13 = make_id("32010219901301123");
        assert_eq!(resident_id(&month13, today()), Err(IdError::BadBirthDate));
        let future = make_id("32010220270101123");
        assert_eq!(resident_id(&future, today()), Err(IdError::BadBirthDate));
    }

    #[test]
    fn wrong_check_character_region_length_and_characters() {
        let good = make_id("32010219900101123");
        let last = good.chars().last().unwrap();
        let wrong = format!("{}{}", &good[..17], if last == '1' { '2' } else { '1' });
        assert_eq!(resident_id(&wrong, today()), Err(IdError::CheckCharacter));
        assert_eq!(
            resident_id(&make_id("99010219900101123"), today()),
            Err(IdError::UnknownRegion)
        );
        assert_eq!(
            resident_id("3201021990010112", today()),
            Err(IdError::Length)
        );
        assert_eq!(
            resident_id("32010219900101123A", today()),
            Err(IdError::BadCharacter)
        );
        assert_eq!(
            resident_id("3201021990O101123X", today()),
            Err(IdError::BadCharacter)
        );
    }

    #[test]
    fn credit_codes() {
        // Any 17 characters of the alphabet with digits in the region positions, and its check.
        let first17 = "91350100M000100Y4";
        let check = credit_code_check(first17).unwrap();
        let code = format!("{first17}{check}");
        assert_eq!(credit_code(&code.to_lowercase()), Ok(code.clone()));
        let other = CREDIT_ALPHABET.chars().find(|c| *c != check).unwrap();
        assert_eq!(
            credit_code(&format!("{first17}{other}")),
            Err(IdError::CheckCharacter)
        );
        // I, O, S, V, Z are not in the alphabet.
        assert_eq!(
            credit_code("91350100M000100YI0"),
            Err(IdError::BadCharacter)
        );
        assert_eq!(
            credit_code("9135O100M000100Y40"),
            Err(IdError::BadCharacter)
        );
        assert_eq!(
            credit_code("91A50100M000100Y40"),
            Err(IdError::UnknownRegion)
        );
        assert_eq!(credit_code("91350100M000100Y4"), Err(IdError::Length));
    }

    #[test]
    fn known_valid_credit_code() {
        // 统一社会信用代码 of 华为技术有限公司.
        assert!(credit_code("914403001922038216").is_ok());
    }

    #[test]
    fn phones() {
        assert_eq!(phone("138 0013 8000"), Ok("13800138000".into()));
        assert!(phone("010-12345678").is_ok());
        assert!(phone("0571-8888888").is_ok());
        assert!(phone("02512345678").is_ok());
        assert_eq!(phone("12800138000"), Err(PhoneError::Format));
        assert_eq!(phone("1380013800"), Err(PhoneError::Format));
        assert_eq!(phone("12345678"), Err(PhoneError::Format));
        assert_eq!(phone("010-123"), Err(PhoneError::Format));
        assert_eq!(phone(""), Err(PhoneError::Format));
    }
}
