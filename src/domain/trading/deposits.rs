//! Deposits held on others' behalf (代收代退, issue 17.7; docs/trading.md "Deposits"): the
//! sub-account each registration pays into, and the class a statement line falls into when it
//! is matched against what was expected. Pure: the store reads, this decides.

use chrono::{DateTime, Utc};

use super::kinds::DepositForm;
use super::rules::LineRule;

/// What a statement line is, matched against its sub-account's expectation. The order of the
/// checks is the order of the variants after `Matched`: the first that applies names the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// The expected amount, in time, from the bidder (and its basic account where required).
    Matched,
    /// Less than expected so far (a partial payment waits for the rest).
    Short,
    /// More than expected (or a second payment after the full amount).
    Over,
    /// Arrived after the section's bid deadline (条例 26: the deposit is part of the bid).
    Late,
    /// Paid by someone other than the registered bidder.
    PayerMismatch,
    /// Construction: not from the bidder's basic account (条例 26).
    NotBasicAccount,
    /// Cash, where the line allows none (政府采购 条例 33: non-cash only).
    CashRefused,
    /// No registration has this sub-account (a typo in the bank's remark, or no registration).
    UnknownSubAccount,
}

impl Class {
    pub const ALL: [Class; 8] = [
        Class::Matched,
        Class::Short,
        Class::Over,
        Class::Late,
        Class::PayerMismatch,
        Class::NotBasicAccount,
        Class::CashRefused,
        Class::UnknownSubAccount,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Class::Matched => "matched",
            Class::Short => "short",
            Class::Over => "over",
            Class::Late => "late",
            Class::PayerMismatch => "payer_mismatch",
            Class::NotBasicAccount => "not_basic_account",
            Class::CashRefused => "cash_refused",
            Class::UnknownSubAccount => "unknown_sub_account",
        }
    }

    pub fn parse(s: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Everything but a match needs an accountant's look.
    pub fn is_exception(self) -> bool {
        self != Class::Matched
    }
}

/// The Luhn check digit of a string of ASCII digits.
fn luhn(digits: &str) -> u32 {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
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

/// The sub-account (子账号) of a registration: its id in ten digits and a Luhn check digit, so
/// one mistyped digit in a bank's remark is an unknown sub-account, not another bidder's. The
/// registration id is global, not per section: a bidder's sub-account says nothing about how
/// many others registered for the section (招标投标法 22).
pub fn sub_account(registration_id: i64) -> String {
    let body = format!("{:010}", registration_id.max(0));
    let check = luhn(&body);
    format!("{body}{check}")
}

/// True for eleven digits whose last is the Luhn check of the first ten.
pub fn sub_account_valid(s: &str) -> bool {
    s.len() == 11
        && s.bytes().all(|b| b.is_ascii_digit())
        && luhn(&s[..10]) == u32::from(s.as_bytes()[10] - b'0')
}

/// How a bank writes the way a line was paid, as a deposit form; empty or unknown text is a
/// transfer (a statement of the account lists transfers unless it says otherwise).
pub fn form_of(method: &str) -> DepositForm {
    match method.trim() {
        "现金" | "现金存入" | "cash" | "CASH" => DepositForm::Cash,
        "支票" | "cheque" | "check" => DepositForm::Cheque,
        "汇票" | "draft" => DepositForm::Draft,
        "本票" | "promissory_note" => DepositForm::PromissoryNote,
        _ => DepositForm::Transfer,
    }
}

/// A registration's expectation, as far as a line is matched against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected<'a> {
    pub amount_fen: i64,
    /// Already received on this sub-account before this line (earlier lines, earlier imports).
    pub received_fen: i64,
    pub deadline: Option<DateTime<Utc>>,
    pub bidder_name: &'a str,
    pub basic_account: &'a str,
    pub rule: &'a LineRule,
}

/// One statement line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paid<'a> {
    pub amount_fen: i64,
    pub paid_at: DateTime<Utc>,
    pub payer_name: &'a str,
    pub payer_account: &'a str,
    pub method: &'a str,
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The class of a line; `None` for a sub-account no registration has.
pub fn classify(expected: Option<&Expected>, paid: &Paid) -> Class {
    let Some(e) = expected else {
        return Class::UnknownSubAccount;
    };
    let form = form_of(paid.method);
    if form == DepositForm::Cash && !e.rule.deposit_forms.contains(&DepositForm::Cash) {
        return Class::CashRefused;
    }
    if e.deadline.is_some_and(|d| paid.paid_at > d) {
        return Class::Late;
    }
    if paid.payer_name.trim() != e.bidder_name.trim() {
        return Class::PayerMismatch;
    }
    if e.rule.basic_account_required && digits(paid.payer_account) != digits(e.basic_account) {
        return Class::NotBasicAccount;
    }
    // Checked: a sum past i64 is more than any account holds; call it over.
    match e.received_fen.checked_add(paid.amount_fen) {
        Some(total) if total < e.amount_fen => Class::Short,
        Some(total) if total == e.amount_fen => Class::Matched,
        _ => Class::Over,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::trading::kinds::{Line, Sure};
    use chrono::TimeZone;

    fn rule(line: Line, basic: bool, cash: bool) -> LineRule {
        let mut forms = vec![DepositForm::Transfer];
        if cash {
            forms.push(DepositForm::Cash);
        }
        LineRule {
            line,
            deposit_cap_bp: Some(200),
            deposit_forms: forms,
            basic_account_required: basic,
            article: "test".into(),
            sure: Sure::Primary,
        }
    }

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 10, h, 0, 0).unwrap()
    }

    fn paid(amount_fen: i64) -> Paid<'static> {
        Paid {
            amount_fen,
            paid_at: t(1),
            payer_name: "甲建设公司",
            payer_account: "6228 4800 1234 5678",
            method: "转账",
        }
    }

    #[test]
    fn sub_accounts_carry_a_check_digit() {
        let s = sub_account(42);
        assert_eq!(s.len(), 11);
        assert!(s.starts_with("0000000042"));
        assert!(sub_account_valid(&s));
        // Any one digit changed is caught.
        for i in 0..11 {
            let mut b = s.clone().into_bytes();
            b[i] = if b[i] == b'9' { b'0' } else { b[i] + 1 };
            assert!(!sub_account_valid(std::str::from_utf8(&b).unwrap()), "{i}");
        }
        assert!(!sub_account_valid("123"));
        assert!(!sub_account_valid("0000000042x"));
        assert_eq!(luhn("7992739871"), 3, "the textbook example");
    }

    #[test]
    fn each_class_and_its_precedence() {
        let gc = rule(Line::Construction, true, true);
        let cg = rule(Line::Procurement, false, false);
        let e = |rule: &'static LineRule, received_fen| Expected {
            amount_fen: 2_000_000,
            received_fen,
            deadline: Some(t(9)),
            bidder_name: "甲建设公司",
            basic_account: "6228480012345678",
            rule,
        };
        let gc: &'static LineRule = Box::leak(Box::new(gc));
        let cg: &'static LineRule = Box::leak(Box::new(cg));
        assert_eq!(classify(Some(&e(gc, 0)), &paid(2_000_000)), Class::Matched);
        assert_eq!(classify(Some(&e(gc, 0)), &paid(1_999_999)), Class::Short);
        assert_eq!(
            classify(Some(&e(gc, 1_000_000)), &paid(1_000_000)),
            Class::Matched
        );
        assert_eq!(classify(Some(&e(gc, 0)), &paid(2_000_001)), Class::Over);
        assert_eq!(classify(Some(&e(gc, 2_000_000)), &paid(1)), Class::Over);
        let mut late = paid(2_000_000);
        late.paid_at = t(10);
        assert_eq!(classify(Some(&e(gc, 0)), &late), Class::Late);
        let mut other = paid(2_000_000);
        other.payer_name = "乙公司";
        assert_eq!(classify(Some(&e(gc, 0)), &other), Class::PayerMismatch);
        let mut account = paid(2_000_000);
        account.payer_account = "6228480099999999";
        assert_eq!(classify(Some(&e(gc, 0)), &account), Class::NotBasicAccount);
        // Procurement asks no basic account, but refuses cash (条例 33).
        assert_eq!(classify(Some(&e(cg, 0)), &account), Class::Matched);
        let mut cash = paid(2_000_000);
        cash.method = "现金";
        assert_eq!(classify(Some(&e(cg, 0)), &cash), Class::CashRefused);
        assert_eq!(classify(Some(&e(gc, 0)), &cash), Class::Matched);
        assert_eq!(classify(None, &paid(2_000_000)), Class::UnknownSubAccount);
        // Cash and late at once: cash is named first; late before a wrong payer.
        cash.paid_at = t(10);
        assert_eq!(classify(Some(&e(cg, 0)), &cash), Class::CashRefused);
        late.payer_name = "乙公司";
        assert_eq!(classify(Some(&e(gc, 0)), &late), Class::Late);
        // No overflow on absurd sums.
        assert_eq!(classify(Some(&e(gc, i64::MAX)), &paid(1)), Class::Over);
        for c in Class::ALL {
            assert_eq!(Class::parse(c.as_str()), Some(c));
        }
    }
}
