//! The password policy (issue 15.5): which new passwords are accepted. Pure; the numbers a center
//! may change are columns of the server's `sign_in_policy` (migration 0027), read by the store in
//! the transaction that sets the password and passed in here as [`PasswordRules`].
//!
//! A new password is accepted when all of these hold (docs/operations.md, "Password rules"):
//! 1. **Long enough**: at least `min_length` characters (default 10), *or* a **passphrase**: at
//!    least `passphrase_words` different words (default 4) separated by spaces, each word at least
//!    [`PASSPHRASE_WORD_CHARS`] characters. Characters are counted, not bytes: 窗口受理 is four.
//! 2. At most [`MAX_CHARS`] characters and no control characters (a pasted newline or escape).
//! 3. **Not the operator code**: neither equal to it nor containing it, ignoring case. A code of
//!    two characters is only compared whole (containing "li" would refuse "believe").
//! 4. **Not common**: not in the shipped list `data/common-passwords.txt` (Openwall's public-domain
//!    list and the passwords most common in China), ignoring case; nor such a password with digits
//!    and symbols only added before or after it (`Dragon2026!` is `dragon`), since that is the
//!    first thing a guesser tries.

use std::collections::HashSet;
use std::sync::OnceLock;

/// The center's numbers (`sign_in_policy`, migration 0027, bounded by its CHECKs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordRules {
    pub min_length: u32,
    pub passphrase_words: u32,
}

impl Default for PasswordRules {
    fn default() -> Self {
        PasswordRules {
            min_length: 10,
            passphrase_words: 4,
        }
    }
}

/// The shortest word that counts towards a passphrase.
pub const PASSPHRASE_WORD_CHARS: usize = 2;
/// The longest password accepted (argon2 hashes anything, but a megabyte pasted by mistake is not
/// a password).
pub const MAX_CHARS: usize = 128;

/// The first rule a password breaks. `key` is the message's i18n key (locales/app.yml, both
/// languages); `Display` is the English sentence the command line prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    TooShort { min_length: u32, words: u32 },
    TooLong,
    ControlCharacter,
    IsCode,
    ContainsCode,
    Common,
}

impl Problem {
    pub fn key(&self) -> &'static str {
        match self {
            Problem::TooShort { .. } => "password.too_short",
            Problem::TooLong => "password.too_long",
            Problem::ControlCharacter => "password.control",
            Problem::IsCode => "password.is_code",
            Problem::ContainsCode => "password.contains_code",
            Problem::Common => "password.common",
        }
    }

    /// The values the message names.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Problem::TooShort { min_length, words } => vec![
                ("min", min_length.to_string()),
                ("words", words.to_string()),
            ],
            Problem::TooLong => vec![("max", MAX_CHARS.to_string())],
            _ => vec![],
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::TooShort { min_length, words } => write!(
                f,
                "too short: at least {min_length} characters, or a passphrase of {words} or more \
                 different words of {PASSPHRASE_WORD_CHARS}+ characters separated by spaces \
                 (rule: length)"
            ),
            Problem::TooLong => write!(f, "longer than {MAX_CHARS} characters (rule: length)"),
            Problem::ControlCharacter => {
                f.write_str("holds a control character such as a newline (rule: printable)")
            }
            Problem::IsCode => f.write_str("is the operator code (rule: not the code)"),
            Problem::ContainsCode => f.write_str("contains the operator code (rule: not the code)"),
            Problem::Common => f.write_str(
                "is a common password, or one with only digits or symbols added (rule: not common)",
            ),
        }
    }
}

/// Checks a new password for the operator `code` against the rules; `Ok` or the first problem.
pub fn check(rules: &PasswordRules, code: &str, password: &str) -> Result<(), Problem> {
    let chars = password.chars().count();
    if chars > MAX_CHARS {
        return Err(Problem::TooLong);
    }
    if password.chars().any(char::is_control) {
        return Err(Problem::ControlCharacter);
    }
    if chars < rules.min_length as usize && !is_passphrase(rules, password) {
        return Err(Problem::TooShort {
            min_length: rules.min_length,
            words: rules.passphrase_words,
        });
    }
    let lower = password.to_lowercase();
    let code = code.trim().to_lowercase();
    if !code.is_empty() {
        if lower == code || lower.split_whitespace().collect::<String>() == code {
            return Err(Problem::IsCode);
        }
        if code.chars().count() >= 3 && lower.contains(&code) {
            return Err(Problem::ContainsCode);
        }
    }
    if is_common(&lower) {
        return Err(Problem::Common);
    }
    Ok(())
}

/// At least `passphrase_words` different words of at least two characters.
fn is_passphrase(rules: &PasswordRules, password: &str) -> bool {
    let words: HashSet<String> = password
        .split_whitespace()
        .filter(|w| w.chars().count() >= PASSPHRASE_WORD_CHARS)
        .map(str::to_lowercase)
        .collect();
    words.len() >= rules.passphrase_words.max(1) as usize
}

fn common_list() -> &'static HashSet<&'static str> {
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| {
        include_str!("../../../data/common-passwords.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// In the list as it is, without its spaces, or with digits and symbols only added around a
/// listed word of four or more characters.
fn is_common(lower: &str) -> bool {
    let list = common_list();
    let no_spaces: String = lower.split_whitespace().collect();
    if list.contains(lower) || list.contains(no_spaces.as_str()) {
        return true;
    }
    let core = no_spaces.trim_matches(|c: char| !c.is_alphabetic());
    core.chars().count() >= 4 && list.contains(core)
}

/// How many entries the shipped list has (the docs and a test quote it).
pub fn common_count() -> usize {
    common_list().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_default(code: &str, pw: &str) -> Result<(), Problem> {
        check(&PasswordRules::default(), code, pw)
    }

    #[test]
    fn ten_characters_pass_nine_do_not() {
        assert_eq!(check_default("clerk", "Vq7#mLp2xZ"), Ok(()));
        assert_eq!(
            check_default("clerk", "Vq7#mLp2x"),
            Err(Problem::TooShort {
                min_length: 10,
                words: 4
            })
        );
    }

    #[test]
    fn characters_are_counted_not_bytes() {
        // Nine CJK characters are 27 bytes but nine characters.
        assert!(matches!(
            check_default("clerk", "窗口受理审批办结归"),
            Err(Problem::TooShort { .. })
        ));
        assert_eq!(check_default("clerk", "窗口受理审批办结归档了"), Ok(()));
    }

    #[test]
    fn a_passphrase_of_four_different_words_passes_below_the_length() {
        let rules = PasswordRules {
            min_length: 24,
            passphrase_words: 4,
        };
        assert_eq!(check(&rules, "clerk", "tea kite 窗口 moss"), Ok(()));
        // Three words, repeated words, or one-character words are not a passphrase.
        for weak in ["tea kite moss", "tea tea tea tea", "a b c d e f g h"] {
            assert!(
                matches!(check(&rules, "clerk", weak), Err(Problem::TooShort { .. })),
                "{weak}"
            );
        }
    }

    #[test]
    fn the_center_sets_the_numbers() {
        let rules = PasswordRules {
            min_length: 14,
            passphrase_words: 5,
        };
        assert!(check(&rules, "clerk", "Vq7#mLp2xZ").is_err());
        assert_eq!(check(&rules, "clerk", "Vq7#mLp2xZ-k9Rw"), Ok(()));
        let e = check(&rules, "clerk", "short").unwrap_err();
        assert_eq!(e.key(), "password.too_short");
        assert_eq!(
            e.args(),
            vec![("min", "14".to_string()), ("words", "5".to_string())]
        );
        assert!(e.to_string().contains("14 characters"), "{e}");
    }

    #[test]
    fn not_the_code_nor_containing_it_ignoring_case() {
        assert_eq!(
            check_default("zhangwei01", "ZhangWei01"),
            Err(Problem::IsCode)
        );
        assert_eq!(
            check_default("zhangwei", "my-ZHANGWEI-pass"),
            Err(Problem::ContainsCode)
        );
        // A two-character code is only compared whole.
        assert_eq!(check_default("li", "believe-9Xq#w"), Ok(()));
    }

    #[test]
    fn common_passwords_and_their_decorations_are_refused() {
        assert!(common_count() > 3000, "{}", common_count());
        for pw in [
            "1234567890",
            "QWERTYUIOP",
            "woaini1314",
            "password123",
            "Sunshine2026!",
            "!!dragon12345",
            "Pass Word 1234",
        ] {
            assert_eq!(check_default("clerk", pw), Err(Problem::Common), "{pw}");
        }
        // An uncommon word with digits is fine.
        assert_eq!(check_default("clerk", "quokkaferry2026"), Ok(()));
    }

    #[test]
    fn control_characters_and_huge_input_are_refused_without_panicking() {
        assert_eq!(
            check_default("clerk", "Vq7#mLp2xZ\n"),
            Err(Problem::ControlCharacter)
        );
        assert_eq!(
            check_default("clerk", &"x".repeat(10_000)),
            Err(Problem::TooLong)
        );
        assert!(check_default("", "").is_err());
        assert!(
            check(
                &PasswordRules {
                    min_length: 0,
                    passphrase_words: 0
                },
                "",
                ""
            )
            .is_ok()
        );
    }
}
