//! **file text** — the bytes of a file an administrator hands to an importer (catalogue and
//! calendar files, keymaps, the fiscal export), turned into text, and the problems found in it
//! listed for a person. Pure: the reading itself is `crate::files`.
//!
//! Rules kept: a byte that is not text is named by its line and column (1-based; the column
//! counts characters, so a CJK line is counted as it is read); a NUL byte is called a NUL byte,
//! and only a byte-order mark or the NUL pattern of ASCII in UTF-16 is called UTF-16; a problem
//! list stops after a cap with the count of the rest (docs/operations.md, "Input files").

use std::borrow::Cow;
use std::fmt::Display;

/// Problems listed before "… and N more".
pub const MAX_LISTED_PROBLEMS: usize = 100;

/// Where a file stops being text, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct TextError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// 1-based line and column (in characters) of a byte offset into `text`.
pub fn position(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// Where a TOML file writes a NUL character as an escape (`\u0000`, `\U00000000`): the file's
/// bytes hold no NUL (the decoder refuses those), but the escape would put one into a string, and
/// no PostgreSQL text can hold it (the import failed with the server's own error, exit 1). An
/// escape is a backslash preceded by an even number of backslashes. 1-based line and column.
pub fn nul_escape(text: &str) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(k) = text[i..].find('\\') {
        let at = i + k;
        let mut run = 0;
        while at + run < b.len() && b[at + run] == b'\\' {
            run += 1;
        }
        // In a run of backslashes only the last one can begin an escape, and only when the run
        // is odd (pairs are escaped backslashes).
        let last = at + run - 1;
        let rest = &text[last + 1..];
        if run % 2 == 1 && (rest.starts_with("u0000") || rest.starts_with("U00000000")) {
            return Some(position(text, last));
        }
        i = at + run;
    }
    None
}

/// Line numbers of byte offsets, for files with many problems: built once, each look-up a
/// binary search, so naming the lines of 40,000 problems stays linear in the file's size.
#[derive(Debug, Clone)]
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    /// The 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }
}

fn bytes_hex(b: &[u8]) -> String {
    b.iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Refusals that hold whatever the encoding: UTF-16 with or without its byte-order mark.
fn utf16(bytes: &[u8]) -> Option<TextError> {
    let at = |message: &str| TextError {
        line: 1,
        column: 1,
        message: message.into(),
    };
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Some(at(
            "the file is UTF-16 (it starts with a UTF-16 byte-order mark): save it as UTF-8",
        ));
    }
    // ASCII written as UTF-16 without a mark: a NUL beside each of the first characters.
    let head = &bytes[..bytes.len().min(64)];
    if head.len() >= 4 {
        let odd = head.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
        let even = head.iter().step_by(2).filter(|b| **b == 0).count();
        let pairs = head.len() / 2;
        if (odd * 4 >= pairs * 3 && even == 0) || (even * 4 >= pairs * 3 && odd == 0) {
            return Some(at(
                "the file looks like UTF-16 (a NUL byte beside every character): save it as UTF-8",
            ));
        }
    }
    None
}

/// A NUL in text that decoded: named where it is.
fn nul(text: &str) -> Result<(), TextError> {
    match text.find('\0') {
        None => Ok(()),
        Some(i) => {
            let (line, column) = position(text, i);
            Err(TextError {
                line,
                column,
                message: "a NUL byte (00): this is not a text file".into(),
            })
        }
    }
}

fn utf8_error(bytes: &[u8], e: std::str::Utf8Error) -> TextError {
    let good = e.valid_up_to();
    // valid_up_to() is a char boundary of a valid prefix.
    let prefix = std::str::from_utf8(&bytes[..good]).unwrap_or_default();
    let (line, column) = position(prefix, prefix.len());
    let len = e.error_len().unwrap_or(bytes.len() - good).clamp(1, 4);
    let shown = &bytes[good..(good + len.max(3)).min(bytes.len())];
    TextError {
        line,
        column,
        message: format!(
            "not UTF-8 text: byte{} {} (save the file as UTF-8)",
            if shown.len() > 1 { "s" } else { "" },
            bytes_hex(shown)
        ),
    }
}

/// UTF-8 text, a leading byte-order mark dropped. Anything else is refused with the position of
/// its first bad byte.
pub fn utf8(bytes: &[u8]) -> Result<&str, TextError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Some(e) = utf16(bytes) {
        return Err(e);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => nul(text).map(|()| text),
        Err(e) => {
            // A NUL is valid UTF-8: one before the bad byte is the first problem.
            nul(std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default())?;
            Err(utf8_error(bytes, e))
        }
    }
}

/// UTF-8 (a BOM dropped) or, when the file is not UTF-8 at all, GBK/GB18030 as Chinese
/// spreadsheets and the fiscal system write it. A file that is UTF-8 up to a bad byte (it holds
/// UTF-8 Chinese before it, or starts with a UTF-8 BOM) is UTF-8 with a bad byte, named as
/// such; otherwise it is read as GBK, and a byte GB18030 cannot read is named where it is.
pub fn utf8_or_gbk(bytes: &[u8]) -> Result<Cow<'_, str>, TextError> {
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Some(e) = utf16(body) {
        return Err(e);
    }
    let e = match std::str::from_utf8(body) {
        Ok(s) => return nul(s).map(|()| Cow::Borrowed(s)),
        Err(e) => e,
    };
    let prefix = std::str::from_utf8(&body[..e.valid_up_to()]).unwrap_or_default();
    nul(prefix)?;
    // UTF-8 Chinese (three bytes a character) before the bad byte: a UTF-8 file with a bad
    // byte, not a GBK one (GBK pairs rarely form such sequences; they may form two-byte ones).
    if bom || prefix.chars().any(|c| u32::from(c) >= 0x800) {
        return Err(utf8_error(body, e));
    }
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(body.len() * 3 / 2 + 16);
    let (result, read) = decoder.decode_to_string_without_replacement(body, &mut text, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => nul(&text).map(|()| Cow::Owned(text)),
        encoding_rs::DecoderResult::Malformed(bad, extra) => {
            let bad_at = read.saturating_sub(usize::from(bad) + usize::from(extra));
            nul(&text)?;
            let (line, column) = position(&text, text.len());
            let shown = &body[bad_at..(bad_at + 3).min(body.len())];
            Err(TextError {
                line,
                column,
                message: format!(
                    "neither UTF-8 nor GBK/GB18030 text: bytes {} (save the file as UTF-8)",
                    bytes_hex(shown)
                ),
            })
        }
        // The string grows as needed: a full output buffer cannot happen.
        encoding_rs::DecoderResult::OutputFull => Err(TextError {
            line: 1,
            column: 1,
            message: "the file could not be decoded".into(),
        }),
    }
}

/// The problems of a file as printed: `  FILE: problem` lines, at most `MAX_LISTED_PROBLEMS`,
/// then "… and N more problem(s)".
pub fn problem_list<P: Display>(file: &str, problems: &[P]) -> String {
    let mut out: Vec<String> = problems
        .iter()
        .take(MAX_LISTED_PROBLEMS)
        .map(|p| format!("  {file}: {p}"))
        .collect();
    if problems.len() > MAX_LISTED_PROBLEMS {
        out.push(format!(
            "  … and {} more problem(s), not listed",
            problems.len() - MAX_LISTED_PROBLEMS
        ));
    }
    out.join("\n")
}

/// Text from a database or a file made safe for a terminal: control characters (ESC, BEL,
/// backspace, a lone carriage return, C1 controls, DEL) are dropped, so an item name cannot
/// move the cursor, retitle the window or hide text. Tabs and line ends (LF, CRLF) stay.
pub fn printable(s: &str) -> Cow<'_, str> {
    let bad = |c: char| c.is_control() && c != '\n' && c != '\t' && c != '\r';
    if !s.chars().any(bad) && !s.contains('\r') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        // A carriage return stays only as part of a CRLF line end.
        let keep = match c {
            '\r' => chars.peek() == Some(&'\n'),
            c => !bad(c),
        };
        if keep {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_escape_is_found_and_an_escaped_backslash_is_not() {
        assert_eq!(nul_escape("a = 1\nname = \"x\\u0000y\"\n"), Some((2, 10)));
        assert_eq!(nul_escape("name = \"\\U00000000\""), Some((1, 9)));
        assert_eq!(
            nul_escape("name = \"\\\\u0000\""),
            None,
            "\\\\ is a backslash, then text"
        );
        assert_eq!(nul_escape("name = \"\\u0041\""), None);
        assert_eq!(nul_escape("plain"), None);
    }

    #[test]
    fn a_bad_byte_is_named_by_line_and_column() {
        let mut b = b"a = 1\nb = 2\nc = 3\nd = 4\nname = \"".to_vec();
        b.extend_from_slice(b"\xff\xfe\xfd\"\n");
        let e = utf8(&b).unwrap_err();
        assert_eq!((e.line, e.column), (5, 9), "{e}");
        assert!(e.message.contains("ff fe fd"), "{e}");
        // Columns count characters: three CJK characters before the bad byte.
        let e = utf8("x\n名称：\u{0}".as_bytes()).unwrap_err();
        assert_eq!((e.line, e.column), (2, 4), "{e}");
        assert!(e.message.contains("NUL"), "{e}");
        assert!(!e.message.contains("UTF-16"), "{e}");
    }

    #[test]
    fn utf16_only_when_it_is_utf16() {
        let le: Vec<u8> = "year = 2026\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert!(utf8(&le).unwrap_err().message.contains("UTF-16"));
        let mut bom = vec![0xFF, 0xFE];
        bom.extend(&le);
        assert!(utf8(&bom).unwrap_err().message.contains("byte-order mark"));
        assert_eq!(utf8(b"\xEF\xBB\xBFok").unwrap(), "ok");
    }

    #[test]
    fn gbk_is_read_and_its_bad_bytes_are_named() {
        let (gbk, _, _) = encoding_rs::GBK.encode("票据号码,金额\nP1,1\n");
        assert_eq!(utf8_or_gbk(&gbk).unwrap(), "票据号码,金额\nP1,1\n");
        // UTF-8 Chinese first, then a GBK-valid byte pair: a UTF-8 file with a bad byte.
        let mut b = "票据号码,金额\nP1,1\nP2,2\nP3,3\n".as_bytes().to_vec();
        b.extend_from_slice(b"P4,\xc4\xe3\n");
        let e = utf8_or_gbk(&b).unwrap_err();
        assert_eq!((e.line, e.column), (5, 4), "{e}");
        // ASCII, then bytes no encoding reads.
        let e = utf8_or_gbk(b"a,b\n1,2\n3,4\n5,6\nxy\xff\xfe\xfd\n").unwrap_err();
        assert_eq!((e.line, e.column), (5, 3), "{e}");
    }

    #[test]
    fn lines_agree_with_counting() {
        let text = "a\nbb\n\nccc\n";
        let l = Lines::new(text);
        for off in 0..=text.len() {
            assert_eq!(l.line(off), position(text, off).0, "{off}");
        }
    }

    #[test]
    fn the_problem_list_stops_at_the_cap() {
        let p: Vec<String> = (1..=250).map(|i| format!("line {i}: bad")).collect();
        let s = problem_list("f.csv", &p);
        assert_eq!(s.lines().count(), MAX_LISTED_PROBLEMS + 1);
        assert!(s.ends_with("and 150 more problem(s), not listed"), "{s}");
        assert_eq!(problem_list("f", &p[..2]).lines().count(), 2);
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(printable("营业\u{1b}[2J执照\u{7}\r\u{9b}x"), "营业[2J执照x");
        assert_eq!(printable("a\r\nb\n"), "a\r\nb\n");
        assert!(matches!(printable("plain\tname"), Cow::Borrowed(_)));
    }
}
