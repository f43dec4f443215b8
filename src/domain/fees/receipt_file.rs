//! The fiscal non-tax system's daily export (or a bank statement), read through a mapping file:
//! decoded (UTF-8 with or without a BOM, or GBK/GB18030), every line checked before anything is
//! imported, every problem named with its line (docs/reconciliation.md).

use std::collections::HashSet;

use chrono::NaiveDateTime;
use serde::Deserialize;

/// The default mapping for the fiscal export (财政非税收入缴款明细).
pub const FISCAL_MAPPING: &str = include_str!("../../../mappings/fiscal.toml");
/// The default mapping for a bank statement (银行流水).
pub const BANK_MAPPING: &str = include_str!("../../../mappings/bank.toml");
/// The default mapping for the trading center's deposit account statement (保证金专户流水).
pub const DEPOSIT_MAPPING: &str = include_str!("../../../mappings/deposit.toml");

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// Receipt numbers are unique per source: importing the same receipts again adds nothing.
    pub source: String,
    pub columns: Columns,
    #[serde(default)]
    pub format: Format,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    pub receipt_no: String,
    pub payment_code: String,
    pub amount: String,
    pub paid_at: String,
    pub payer: Option<String>,
    /// A negative line names the receipt it reverses here.
    pub reverses: Option<String>,
    /// The payer's account number (a deposit statement: it must be the bidder's basic account).
    #[serde(default)]
    pub payer_account: Option<String>,
    /// How it was paid, as the bank writes it (a deposit statement: 转账, 现金…).
    #[serde(default)]
    pub method: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Format {
    pub paid_at: String,
    pub delimiter: char,
}

impl Default for Format {
    fn default() -> Self {
        Format {
            paid_at: "%Y-%m-%d %H:%M:%S".into(),
            delimiter: ',',
        }
    }
}

/// Reads a mapping file and checks what TOML cannot: a source that names something, and a
/// delimiter the CSV reader can use (one ASCII character; a full-width comma `，` is not one).
pub fn parse_mapping(text: &str) -> Result<Mapping, String> {
    let m: Mapping = toml::from_str(text).map_err(|e| e.to_string())?;
    let line_of = |key: &str| {
        text.lines()
            .position(|l| l.trim_start().starts_with(key))
            .map_or(0, |i| i + 1)
    };
    if m.source.trim().is_empty() {
        return Err(format!(
            "line {}: source is empty: name the system the receipts come from (fiscal, bank); \
             receipt numbers are unique per source",
            line_of("source")
        ));
    }
    let d = m.format.delimiter;
    if !d.is_ascii() || d.is_ascii_alphanumeric() || d == '"' || d == '\n' || d == '\r' {
        let hint = if d == '，' {
            " (a full-width comma; the export's columns are separated by the ASCII comma \",\")"
        } else {
            ""
        };
        return Err(format!(
            "line {}: delimiter {d:?} cannot separate columns{hint}: use one ASCII character \
             such as \",\", \";\", \"|\" or \"\\t\"",
            line_of("delimiter")
        ));
    }
    Ok(m)
}

/// One receipt, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptLine {
    pub line: usize,
    pub receipt_no: String,
    pub payment_code: String,
    /// Integer fen; negative for a reversal.
    pub amount_fen: i64,
    pub paid_at: NaiveDateTime,
    pub payer: String,
    pub reverses: Option<String>,
    /// Empty when the mapping names no such column.
    pub payer_account: String,
    pub method: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct LineError {
    pub line: usize,
    pub message: String,
}

fn err(line: usize, message: impl Into<String>) -> LineError {
    LineError {
        line,
        message: message.into(),
    }
}

/// The file's text: UTF-8 (a BOM is dropped) or GBK/GB18030, as the fiscal system writes it
/// (`domain::file_text::utf8_or_gbk`: a bad byte is named by its line and column, a NUL as a
/// NUL, UTF-16 only when it is UTF-16).
/// UTF-8 is borrowed, not copied: a large export is held once.
pub fn decode(bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>, LineError> {
    if bytes.is_empty() {
        return Err(err(1, "the file is empty"));
    }
    crate::domain::file_text::utf8_or_gbk(bytes).map_err(|e| {
        err(
            e.line,
            format!("column {}: wrong encoding: {}", e.column, e.message),
        )
    })
}

/// "120.50" → 12050 fen; "-30" → -3000. No floating point anywhere.
pub fn parse_amount(s: &str) -> Option<i64> {
    let s = s.trim();
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (yuan, fen) = match digits.split_once('.') {
        Some((y, f)) => (y, f),
        None => (digits, ""),
    };
    if yuan.is_empty()
        || !yuan.chars().all(|c| c.is_ascii_digit())
        || fen.len() > 2
        || !fen.chars().all(|c| c.is_ascii_digit())
        || yuan.len() > 12
    {
        return None;
    }
    let fen_value: i64 = match fen.len() {
        0 => 0,
        1 => fen.parse::<i64>().ok()? * 10,
        _ => fen.parse().ok()?,
    };
    let v = yuan.parse::<i64>().ok()? * 100 + fen_value;
    Some(if neg { -v } else { v })
}

/// The rules a center sets for an import (settings `fees.*`, docs/reconciliation.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// The largest amount one line may carry, in fen (either sign).
    pub max_line_fen: i64,
    /// A receipt paid more than this many days after the database's today is refused (the
    /// import checks it, against the database clock).
    pub max_days_ahead: u32,
}

/// The default for `max_days_ahead`: one day, for a clock or time zone a little off.
pub const DEFAULT_MAX_DAYS_AHEAD: u32 = 1;

/// The default per-line maximum: 10,000,000.00 yuan. A million lines of it sum to 10^15 fen,
/// far inside what an i64 holds (about 9.2 × 10^18).
pub const DEFAULT_MAX_LINE_FEN: i64 = 10_000_000 * 100;

impl Default for Rules {
    fn default() -> Self {
        Rules {
            max_line_fen: DEFAULT_MAX_LINE_FEN,
            max_days_ahead: DEFAULT_MAX_DAYS_AHEAD,
        }
    }
}

/// 12050 → "120.50"; -3000 → "-30.00".
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:02}",
        fen.unsigned_abs() / 100,
        fen.unsigned_abs() % 100
    )
}

/// Reads and checks the whole file with the default rules.
pub fn parse(bytes: &[u8], m: &Mapping) -> Result<Vec<ReceiptLine>, Vec<LineError>> {
    parse_with(bytes, m, &Rules::default())
}

/// Reads and checks the whole file. Any problem: all of them, and no receipts.
pub fn parse_with(
    bytes: &[u8],
    m: &Mapping,
    rules: &Rules,
) -> Result<Vec<ReceiptLine>, Vec<LineError>> {
    let text = decode(bytes).map_err(|e| vec![e])?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(m.format.delimiter as u8)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| vec![err(1, format!("unreadable header: {e}"))])?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let mut errors = vec![];
    // A column named twice: which one holds the amount? Refused, whichever columns they are.
    let mut names = HashSet::new();
    for h in headers.iter().map(str::trim).filter(|h| !h.is_empty()) {
        if !names.insert(h) {
            errors.push(err(
                1,
                format!("column \"{h}\" appears twice in the header"),
            ));
        }
    }
    // The whole header in one column, split by full-width commas: the export was saved with
    // the wrong separator.
    if headers.len() == 1 && headers.get(0).is_some_and(|h| h.contains('，')) {
        errors.push(err(
            1,
            format!(
                "the header is separated by full-width commas (，), not by {:?}: save the \
                 export with ASCII commas or set [format] delimiter",
                m.format.delimiter
            ),
        ));
        return Err(errors);
    }
    let mut need = |name: &str| {
        let c = col(name);
        if c.is_none() {
            errors.push(err(1, format!("missing column \"{name}\"")));
        }
        c
    };
    let (no, code, amount, paid) = (
        need(&m.columns.receipt_no),
        need(&m.columns.payment_code),
        need(&m.columns.amount),
        need(&m.columns.paid_at),
    );
    let payer = m.columns.payer.as_deref().and_then(col);
    let reverses = m.columns.reverses.as_deref().and_then(col);
    let payer_account = m.columns.payer_account.as_deref().and_then(col);
    let method = m.columns.method.as_deref().and_then(col);
    let (Some(no), Some(code), Some(amount), Some(paid)) = (no, code, amount, paid) else {
        return Err(errors);
    };
    let mut lines = vec![];
    let mut seen = HashSet::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                errors.push(err(line, format!("unreadable line: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let field = |i: usize| record.get(i).unwrap_or("").trim().to_string();
        let receipt_no = field(no);
        if receipt_no.is_empty() {
            errors.push(err(line, format!("{} is empty", m.columns.receipt_no)));
        } else if !seen.insert(receipt_no.clone()) {
            errors.push(err(
                line,
                format!("receipt {receipt_no} appears twice in the file"),
            ));
        }
        let amount_text = field(amount);
        let amount_fen = parse_amount(&amount_text);
        if amount_fen.is_none() {
            errors.push(err(
                line,
                format!(
                    "{} \"{amount_text}\" is not an amount in yuan (120.50)",
                    m.columns.amount
                ),
            ));
        }
        if let Some(fen) = amount_fen
            && fen.unsigned_abs() > rules.max_line_fen.unsigned_abs()
        {
            errors.push(err(
                line,
                format!(
                    "{} {amount_text} is more than the largest amount a line may carry ({}; \
                     setting fees.max_line_yuan)",
                    m.columns.amount,
                    yuan(rules.max_line_fen)
                ),
            ));
        }
        if amount_fen.is_some_and(|f| f < 0) && reverses.map(field).unwrap_or_default().is_empty() {
            errors.push(err(
                line,
                match &m.columns.reverses {
                    Some(c) => format!(
                        "{} {amount_text} is negative (a reversal) but {c} names no receipt it \
                         reverses",
                        m.columns.amount
                    ),
                    None => format!(
                        "{} {amount_text} is negative (a reversal) but the mapping has no \
                         reverses column to name the receipt it reverses",
                        m.columns.amount
                    ),
                },
            ));
        }
        let paid_text = field(paid);
        // chrono reads a leap second (23:59:60) as a time; no fiscal system pays in one.
        let paid_at = match NaiveDateTime::parse_from_str(&paid_text, &m.format.paid_at) {
            Ok(t) if t.and_utc().timestamp_subsec_nanos() >= 1_000_000_000 => Err(format!(
                "{} \"{paid_text}\" has second 60 (a leap second): no payment is timed so",
                m.columns.paid_at
            )),
            Ok(t) => Ok(t),
            Err(_) => Err(format!(
                "{} \"{paid_text}\" is not a time like {}",
                m.columns.paid_at, m.format.paid_at
            )),
        };
        if let Err(message) = &paid_at {
            errors.push(err(line, message.clone()));
        }
        if let (Some(amount_fen), Ok(paid_at)) = (amount_fen, paid_at) {
            lines.push(ReceiptLine {
                line,
                receipt_no,
                payment_code: field(code),
                amount_fen,
                paid_at,
                payer: payer.map(field).unwrap_or_default(),
                reverses: reverses.map(field).filter(|r| !r.is_empty()),
                payer_account: payer_account.map(field).unwrap_or_default(),
                method: method.map(field).unwrap_or_default(),
            });
        }
    }
    if errors.is_empty() && lines.is_empty() {
        errors.push(err(2, "the file has a header but no receipts"));
    }
    if errors.is_empty() {
        Ok(lines)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fiscal() -> Mapping {
        parse_mapping(FISCAL_MAPPING).unwrap()
    }

    const GOOD: &str = "票据号码,缴款码,金额,缴款时间,缴款人,原票据号码\n\
        P001,20261125000300000420,120.50,2026-11-25 09:30:00,张三,\n\
        P002,20261125000300000438,-120.50,2026-11-25 10:00:00,张三,P001\n";

    #[test]
    fn amounts_are_exact_to_the_fen() {
        assert_eq!(parse_amount("120.50"), Some(12050));
        assert_eq!(parse_amount("0.07"), Some(7));
        assert_eq!(parse_amount("3.5"), Some(350));
        assert_eq!(parse_amount("-30"), Some(-3000));
        assert_eq!(parse_amount("1.234"), None);
        assert_eq!(parse_amount("1,200.00"), None);
        assert_eq!(parse_amount("abc"), None);
        assert_eq!(parse_amount(""), None);
    }

    #[test]
    fn utf8_with_and_without_bom_and_gbk_read_the_same() {
        let plain = parse(GOOD.as_bytes(), &fiscal()).unwrap();
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(GOOD.as_bytes());
        assert_eq!(parse(&bom, &fiscal()).unwrap(), plain);
        let (gbk, _, _) = encoding_rs::GBK.encode(GOOD);
        assert_eq!(parse(&gbk, &fiscal()).unwrap(), plain);
        assert_eq!(plain[1].amount_fen, -12050);
        assert_eq!(plain[1].reverses.as_deref(), Some("P001"));
        assert_eq!(plain[0].payer, "张三");
    }

    #[test]
    fn malformed_files_name_every_problem() {
        let bad = "票据号码,缴款码,金额,缴款时间\n\
            P001,1,12.345,2026-11-25 09:30:00\n\
            P002,2,10.00,2026-11-31 09:30:00\n\
            P001,3,10.00,2026-11-25 09:30:00\n";
        let e = parse(bad.as_bytes(), &fiscal()).unwrap_err();
        let lines: Vec<usize> = e.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3, 4], "{e:?}");
        assert!(e[0].message.contains("金额"));
        assert!(e[1].message.contains("缴款时间"));
        assert!(e[2].message.contains("twice"));
        let e = parse("票据号码,金额,缴款时间\nP1,1,x\n".as_bytes(), &fiscal()).unwrap_err();
        assert!(e[0].message.contains("missing column \"缴款码\""), "{e:?}");
        let e = parse(b"", &fiscal()).unwrap_err();
        assert!(e[0].message.contains("empty"));
        let e = parse("票据号码,缴款码,金额,缴款时间\n".as_bytes(), &fiscal()).unwrap_err();
        assert!(e[0].message.contains("no receipts"));
        // A spreadsheet's "Unicode text": UTF-16 with its byte-order mark.
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(
            "票据号码,金额\n"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        );
        let e = parse(&utf16, &fiscal()).unwrap_err();
        assert!(e[0].message.contains("wrong encoding"));
    }

    #[test]
    fn the_bank_mapping_reads_a_bank_statement() {
        let m = parse_mapping(BANK_MAPPING).unwrap();
        let text = "流水号,附言,交易金额,交易时间,对方户名\nB1,20261125000300000420,120.50,20261125 093000,张三\n";
        let r = parse(text.as_bytes(), &m).unwrap();
        assert_eq!((r[0].receipt_no.as_str(), r[0].amount_fen), ("B1", 12050));
        assert_eq!(m.source, "bank");
    }
}
