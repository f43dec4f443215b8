//! Every CSV the program writes goes through here: the csv crate's writer (RFC 4180: a cell with
//! a comma, quote, CR or LF is quoted, so a receipt number like `P1,2` cannot shift a row), UTF-8
//! with a BOM (spreadsheet programs then read Chinese right), and formula-leading cells
//! neutralised (OWASP "CSV injection"): a cell beginning with `=`, `+`, `-`, `@`, a tab or a CR is
//! written with a leading `'`, so Excel or WPS shows it as text instead of running it.
//!
//! A plain number (`-20.00`, `-3`) is left as it is: a spreadsheet reads it as a number and
//! nothing runs; quoting it would turn every reversal's amount into text and break the sums.

use std::borrow::Cow;
use std::io::Write;

/// The cell as a spreadsheet may safely read it (see the module comment).
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_plain_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// `-20.00`, `-3`: an optional minus, digits, optionally a point and digits. Nothing else.
fn is_plain_number(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// A CSV being written: the BOM and the header first, then a row at a time.
pub struct CsvOut<W: Write> {
    w: csv::Writer<W>,
}

impl<W: Write> CsvOut<W> {
    pub fn new(mut out: W, header: &[&str]) -> std::io::Result<Self> {
        out.write_all("\u{feff}".as_bytes())?;
        let mut me = CsvOut {
            w: csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(out),
        };
        me.row(header.iter().copied())?;
        Ok(me)
    }

    /// One row; every cell neutralised.
    pub fn row<S: AsRef<str>>(
        &mut self,
        cells: impl IntoIterator<Item = S>,
    ) -> std::io::Result<()> {
        let cells: Vec<String> = cells
            .into_iter()
            .map(|c| neutralise(c.as_ref()).into_owned())
            .collect();
        self.w.write_record(&cells).map_err(into_io)
    }

    /// Flushes and hands back the destination.
    pub fn finish(self) -> std::io::Result<W> {
        self.w
            .into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))
    }
}

fn into_io(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_leading_cells_get_a_quote() {
        for cell in [
            "=1+2",
            "+cmd",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "=HYPERLINK(\"http://x\")",
            "-",
            "-1.",
            "-.5",
        ] {
            assert_eq!(neutralise(cell), format!("'{cell}"), "{cell:?}");
        }
    }

    #[test]
    fn other_cells_and_plain_numbers_stay() {
        for cell in [
            "", "P001", "20.00", "-20.00", "-3", "a=b", "张三", " =x", "'=x",
        ] {
            assert_eq!(neutralise(cell), cell, "{cell:?}");
        }
    }

    #[test]
    fn commas_quotes_and_line_breaks_are_quoted_and_read_back() {
        let mut w = CsvOut::new(Vec::new(), &["a", "b", "c"]).unwrap();
        w.row(["P,1\nX", "say \"hi\"", "=1+2"]).unwrap();
        w.row(["plain", "-20.00", "@x"]).unwrap();
        let bytes = w.finish().unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let text = text.strip_prefix('\u{feff}').expect("a BOM");
        let mut r = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(r.headers().unwrap(), vec!["a", "b", "c"]);
        let rows: Vec<Vec<String>> = r
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        assert_eq!(
            rows,
            [
                vec!["P,1\nX", "say \"hi\"", "'=1+2"],
                vec!["plain", "-20.00", "'@x"]
            ]
        );
    }
}
