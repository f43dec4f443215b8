//! The trading rule set: every number a law or the county sets for the trading center, as data
//! (the shipped file `trading/rules.toml`, imported by an administrator and audited; format in
//! docs/trading.md). The whole file is checked before anything is stored, and every problem
//! names its line.

use std::collections::BTreeSet;
use std::ops::Range;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::kinds::{DepositForm, Interest, Level, Line, NoticeKind, Reading, RefundEvent, Sure};
use super::period::{MAX_PERIOD, Unit};
use crate::domain::fees::receipt_file::yuan;
use crate::domain::time::calendar_file::FileError;

/// Basis points as a percentage the way the law writes it: 200 → "2%", 150 → "1.5%".
pub fn percent(bp: u32) -> String {
    let whole = bp / 100;
    match bp % 100 {
        0 => format!("{whole}%"),
        r if r % 10 == 0 => format!("{whole}.{}%", r / 10),
        r => format!("{whole}.{r:02}%"),
    }
}

/// A whole rule set, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSet {
    pub version: String,
    pub effective_from: NaiveDate,
    /// The county's division code (GB/T 2260), six digits: the start of every unified deal code.
    pub region_code: String,
    /// Which reading of the plan's threshold sentence applies (default A).
    pub reading: Reading,
    /// The demand-deposit rate for refund interest, basis points a year (◐: a setting).
    pub demand_rate_bp: u32,
    pub lines: Vec<LineRule>,
    pub thresholds: Vec<ThresholdRule>,
    pub periods: Vec<PeriodRule>,
    pub refunds: Vec<RefundRule>,
}

/// What a line's deposits may be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineRule {
    pub line: Line,
    /// Cap in basis points of the section's estimate or budget; none where the notice sets it.
    pub deposit_cap_bp: Option<u32>,
    pub deposit_forms: Vec<DepositForm>,
    /// Cash and cheques must come from the bidder's basic account (工程 条例 26).
    pub basic_account_required: bool,
    pub article: String,
    pub sure: Sure,
}

/// Projects of a line (or of every line) and level from `min_fen` must trade in the center.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThresholdRule {
    pub reading: Reading,
    /// None: every line.
    pub line: Option<Line>,
    pub level: Level,
    pub min_fen: i64,
    /// `>=` (含50万) when true, `>` otherwise.
    pub inclusive: bool,
    pub article: String,
    pub sure: Sure,
}

/// A notice's least lawful period: `days` units from its publication (or from the documents'
/// first issue) to the deadline or the end; `before_deadline`: a change must go out at least
/// this long before the deadline, or the deadline moves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodRule {
    pub line: Line,
    pub notice: NoticeKind,
    pub days: u32,
    pub unit: Unit,
    pub before_deadline: bool,
    pub article: String,
    pub sure: Sure,
}

/// A deposit refund is due `days` units after `event`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRule {
    pub line: Line,
    pub event: RefundEvent,
    pub days: u32,
    pub unit: Unit,
    pub interest: Interest,
    pub article: String,
    pub sure: Sure,
}

/// Whether a project must trade in the center, and by which rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    pub must: bool,
    pub rule: &'a ThresholdRule,
}

/// A deposit over its line's cap.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the deposit {} yuan is over the cap of {} yuan ({} of {} yuan, {article})",
    yuan(*.deposit_fen), yuan(*.cap_fen), percent(*.bp), yuan(*.basis_fen)
)]
pub struct OverCap {
    pub deposit_fen: i64,
    pub cap_fen: i64,
    pub basis_fen: i64,
    pub bp: u32,
    pub article: String,
}

impl RuleSet {
    pub fn line(&self, line: Line) -> Option<&LineRule> {
        self.lines.iter().find(|l| l.line == line)
    }

    /// The threshold rule for a project under the rule set's reading: one naming the line
    /// wins over one for every line. The file check makes sure there is always one.
    pub fn entry(&self, line: Line, level: Level, amount_fen: i64) -> Option<Entry<'_>> {
        let candidates = self
            .thresholds
            .iter()
            .filter(|t| t.reading == self.reading && t.level == level);
        let rule = candidates
            .clone()
            .find(|t| t.line == Some(line))
            .or_else(|| candidates.clone().find(|t| t.line.is_none()))?;
        let must = if rule.inclusive {
            amount_fen >= rule.min_fen
        } else {
            amount_fen > rule.min_fen
        };
        Some(Entry { must, rule })
    }

    /// The cap for a section's deposit (none when the line's notice sets it); the cap is rounded
    /// down to the fen, in checked arithmetic.
    pub fn check_deposit(
        &self,
        line: Line,
        basis_fen: i64,
        deposit_fen: i64,
    ) -> Result<(), OverCap> {
        let Some(rule) = self.line(line) else {
            return Ok(());
        };
        let Some(bp) = rule.deposit_cap_bp else {
            return Ok(());
        };
        let cap = i64::try_from(i128::from(basis_fen.max(0)) * i128::from(bp) / 10_000)
            .unwrap_or(i64::MAX);
        if deposit_fen > cap {
            return Err(OverCap {
                deposit_fen,
                cap_fen: cap,
                basis_fen,
                bp,
                article: rule.article.clone(),
            });
        }
        Ok(())
    }

    /// The least period of a notice kind on a line (not the before-deadline rule).
    pub fn period(&self, line: Line, notice: NoticeKind) -> Option<&PeriodRule> {
        self.periods
            .iter()
            .find(|p| p.line == line && p.notice == notice && !p.before_deadline)
    }

    /// How long before the deadline a change must be published on a line.
    pub fn change_lead(&self, line: Line) -> Option<&PeriodRule> {
        self.periods
            .iter()
            .find(|p| p.line == line && p.notice == NoticeKind::Change && p.before_deadline)
    }

    pub fn refund(&self, line: Line, event: RefundEvent) -> Option<&RefundRule> {
        self.refunds
            .iter()
            .find(|r| r.line == line && r.event == event)
    }
}

// ---- the file ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    version: Spanned<String>,
    effective_from: Spanned<String>,
    region_code: Spanned<String>,
    reading: Spanned<String>,
    demand_rate_bp: Spanned<i64>,
    #[serde(default)]
    line: Vec<RawLine>,
    #[serde(default)]
    threshold: Vec<RawThreshold>,
    #[serde(default)]
    period: Vec<RawPeriod>,
    #[serde(default)]
    refund: Vec<RawRefund>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLine {
    code: Spanned<String>,
    deposit_cap_bp: Option<Spanned<i64>>,
    deposit_forms: Spanned<Vec<String>>,
    #[serde(default)]
    basic_account_required: bool,
    article: Spanned<String>,
    sure: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThreshold {
    reading: Spanned<String>,
    line: Spanned<String>,
    level: Spanned<String>,
    min_fen: Spanned<i64>,
    inclusive: bool,
    article: Spanned<String>,
    sure: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPeriod {
    line: Spanned<String>,
    notice: Spanned<String>,
    days: Spanned<i64>,
    unit: Spanned<String>,
    #[serde(default)]
    before_deadline: bool,
    article: Spanned<String>,
    sure: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRefund {
    line: Spanned<String>,
    event: Spanned<String>,
    days: Spanned<i64>,
    unit: Spanned<String>,
    interest: Spanned<String>,
    article: Spanned<String>,
    sure: Spanned<String>,
}

struct Checker {
    lines: crate::domain::file_text::Lines,
    errors: Vec<FileError>,
}

impl Checker {
    fn err(&mut self, at: Range<usize>, message: String) {
        self.errors.push(FileError {
            line: self.lines.line(at.start),
            message,
        });
    }

    fn name<T>(
        &mut self,
        s: &Spanned<String>,
        what: &str,
        parse: fn(&str) -> Option<T>,
        names: fn() -> String,
    ) -> Option<T> {
        let v = parse(s.get_ref().trim());
        if v.is_none() {
            self.err(
                s.span(),
                format!("{what} \"{}\" is not one of {}", s.get_ref(), names()),
            );
        }
        v
    }

    fn days(&mut self, d: &Spanned<i64>) -> u32 {
        match u32::try_from(*d.get_ref()) {
            Ok(n) if n <= MAX_PERIOD => n,
            _ => {
                self.err(
                    d.span(),
                    format!("days {} is not between 0 and {MAX_PERIOD}", d.get_ref()),
                );
                0
            }
        }
    }

    fn article(&mut self, a: &Spanned<String>) -> String {
        let t = a.get_ref().trim().to_string();
        if t.is_empty() {
            self.err(
                a.span(),
                "article is empty: name the law and article".into(),
            );
        }
        t
    }

    fn unit(&mut self, u: &Spanned<String>) -> Unit {
        self.name(u, "unit", Unit::parse, || "day, working_day".into())
            .unwrap_or(Unit::Day)
    }
}

/// Parses and checks a rule-set file. Returns every problem found, not only the first.
pub fn parse(text: &str) -> Result<RuleSet, Vec<FileError>> {
    let lines = crate::domain::file_text::Lines::new(text);
    if let Some((line, column)) = crate::domain::file_text::nul_escape(text) {
        return Err(vec![FileError {
            line,
            message: format!(
                "column {column}: `\\u0000` is a NUL character, which no text in the database can hold"
            ),
        }]);
    }
    let raw: Raw = toml::from_str(text).map_err(|e| {
        vec![FileError {
            line: e.span().map(|s| lines.line(s.start)).unwrap_or(1),
            message: e.message().to_string(),
        }]
    })?;
    let mut c = Checker {
        lines,
        errors: vec![],
    };
    let version = raw.version.get_ref().trim().to_string();
    if version.is_empty() || version.chars().count() > 40 {
        c.err(
            raw.version.span(),
            "version must be 1 to 40 characters".into(),
        );
    }
    let effective_from =
        match NaiveDate::parse_from_str(raw.effective_from.get_ref().trim(), "%Y-%m-%d") {
            Ok(d) => d,
            Err(_) => {
                c.err(
                    raw.effective_from.span(),
                    format!(
                        "\"{}\" is not a date (YYYY-MM-DD)",
                        raw.effective_from.get_ref()
                    ),
                );
                NaiveDate::MIN
            }
        };
    let region_code = raw.region_code.get_ref().trim().to_string();
    if region_code.len() != 6 || !region_code.bytes().all(|b| b.is_ascii_digit()) {
        c.err(
            raw.region_code.span(),
            format!("region_code \"{region_code}\" is not six digits (GB/T 2260)"),
        );
    }
    let reading = c
        .name(&raw.reading, "reading", Reading::parse, Reading::names)
        .unwrap_or(Reading::A);
    let demand_rate_bp = match u32::try_from(*raw.demand_rate_bp.get_ref()) {
        Ok(n) if n <= 2_000 => n,
        _ => {
            c.err(
                raw.demand_rate_bp.span(),
                format!(
                    "demand_rate_bp {} is not between 0 and 2000 (20 % a year)",
                    raw.demand_rate_bp.get_ref()
                ),
            );
            0
        }
    };
    let sure = |c: &mut Checker, s: &Spanned<String>| {
        c.name(s, "sure", Sure::parse, Sure::names)
            .unwrap_or(Sure::Unconfirmed)
    };

    let mut line_rules = vec![];
    for l in &raw.line {
        let line = c.name(&l.code, "line", Line::parse, Line::names);
        let cap = l
            .deposit_cap_bp
            .as_ref()
            .and_then(|b| match u32::try_from(*b.get_ref()) {
                Ok(n) if n <= 10_000 => Some(n),
                _ => {
                    c.err(
                        b.span(),
                        format!("deposit_cap_bp {} is not between 0 and 10000", b.get_ref()),
                    );
                    None
                }
            });
        let mut forms = vec![];
        for f in l.deposit_forms.get_ref() {
            match DepositForm::parse(f.trim()) {
                Some(x) if !forms.contains(&x) => forms.push(x),
                Some(_) => c.err(
                    l.deposit_forms.span(),
                    format!("deposit form {f} is listed twice"),
                ),
                None => c.err(
                    l.deposit_forms.span(),
                    format!(
                        "deposit form \"{f}\" is not one of {}",
                        DepositForm::names()
                    ),
                ),
            }
        }
        if forms.is_empty() {
            c.err(l.deposit_forms.span(), "deposit_forms is empty".into());
        }
        let article = c.article(&l.article);
        let sure = sure(&mut c, &l.sure);
        if let Some(line) = line {
            if line_rules.iter().any(|r: &LineRule| r.line == line) {
                c.err(
                    l.code.span(),
                    format!("line {} is listed twice", line.as_str()),
                );
            }
            line_rules.push(LineRule {
                line,
                deposit_cap_bp: cap,
                deposit_forms: forms,
                basic_account_required: l.basic_account_required,
                article,
                sure,
            });
        }
    }
    for line in Line::ALL {
        if !line_rules.iter().any(|r| r.line == *line) {
            c.err(
                0..0,
                format!("line {} has no [[line]] entry", line.as_str()),
            );
        }
    }

    let mut thresholds: Vec<ThresholdRule> = vec![];
    for t in &raw.threshold {
        let r = c.name(&t.reading, "reading", Reading::parse, Reading::names);
        let line = if t.line.get_ref().trim() == "*" {
            Some(None)
        } else {
            c.name(&t.line, "line", Line::parse, || {
                format!("{}, *", Line::names())
            })
            .map(Some)
        };
        let level = c.name(&t.level, "level", Level::parse, Level::names);
        if *t.min_fen.get_ref() < 0 {
            c.err(t.min_fen.span(), "min_fen is negative".into());
        }
        let article = c.article(&t.article);
        let sure = sure(&mut c, &t.sure);
        if let (Some(reading), Some(line), Some(level)) = (r, line, level) {
            if thresholds
                .iter()
                .any(|x| x.reading == reading && x.line == line && x.level == level)
            {
                c.err(
                    t.line.span(),
                    format!(
                        "a threshold for reading {}, line {}, level {} is listed twice",
                        reading.as_str(),
                        t.line.get_ref(),
                        level.as_str()
                    ),
                );
            }
            thresholds.push(ThresholdRule {
                reading,
                line,
                level,
                min_fen: *t.min_fen.get_ref(),
                inclusive: t.inclusive,
                article,
                sure,
            });
        }
    }
    // Both readings must be expressible in full: every line at every level has a rule.
    for reading in Reading::ALL {
        for level in Level::ALL {
            for line in Line::ALL {
                let covered = thresholds.iter().any(|t| {
                    t.reading == *reading
                        && t.level == *level
                        && (t.line.is_none() || t.line == Some(*line))
                });
                if !covered {
                    c.err(
                        0..0,
                        format!(
                            "reading {} has no threshold for {} projects of line {}",
                            reading.as_str(),
                            level.as_str(),
                            line.as_str()
                        ),
                    );
                }
            }
        }
    }

    let mut periods: Vec<PeriodRule> = vec![];
    let mut seen = BTreeSet::new();
    for p in &raw.period {
        let line = c.name(&p.line, "line", Line::parse, Line::names);
        let notice = c.name(&p.notice, "notice", NoticeKind::parse, NoticeKind::names);
        let days = c.days(&p.days);
        let unit = c.unit(&p.unit);
        let article = c.article(&p.article);
        let sure = sure(&mut c, &p.sure);
        if let (Some(line), Some(notice)) = (line, notice) {
            if !seen.insert((line, notice, p.before_deadline)) {
                c.err(
                    p.line.span(),
                    format!(
                        "a period for {} {} is listed twice",
                        line.as_str(),
                        notice.as_str()
                    ),
                );
            }
            periods.push(PeriodRule {
                line,
                notice,
                days,
                unit,
                before_deadline: p.before_deadline,
                article,
                sure,
            });
        }
    }

    let mut refunds: Vec<RefundRule> = vec![];
    let mut seen = BTreeSet::new();
    for r in &raw.refund {
        let line = c.name(&r.line, "line", Line::parse, Line::names);
        let event = c.name(&r.event, "event", RefundEvent::parse, RefundEvent::names);
        let days = c.days(&r.days);
        let unit = c.unit(&r.unit);
        let interest = c
            .name(&r.interest, "interest", Interest::parse, Interest::names)
            .unwrap_or(Interest::None);
        let article = c.article(&r.article);
        let sure = sure(&mut c, &r.sure);
        if let (Some(line), Some(event)) = (line, event) {
            if !seen.insert((line, event)) {
                c.err(
                    r.line.span(),
                    format!(
                        "a refund rule for {} {} is listed twice",
                        line.as_str(),
                        event.as_str()
                    ),
                );
            }
            refunds.push(RefundRule {
                line,
                event,
                days,
                unit,
                interest,
                article,
                sure,
            });
        }
    }

    if !c.errors.is_empty() {
        c.errors.sort_by_key(|e| e.line);
        return Err(c.errors);
    }
    Ok(RuleSet {
        version,
        effective_from,
        region_code,
        reading,
        demand_rate_bp,
        lines: line_rules,
        thresholds,
        periods,
        refunds,
    })
}

/// The rule set shipped with onewindow (`trading/rules.toml`).
pub const SHIPPED: &str = include_str!("../../../../trading/rules.toml");

#[cfg(test)]
mod tests;
