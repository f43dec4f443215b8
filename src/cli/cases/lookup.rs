//! `onewindow lookup QUERY`: the lookup palette's answer as a table, masked, for a quick answer
//! on the phone without entering the TUI. Signed in like the other operator commands.

use clap::Args;
use unicode_width::UnicodeWidthStr;

use crate::cli::Failure;
use crate::config::Settings;
use crate::store::{Target, cases::lookup};

#[derive(Debug, Args)]
pub struct LookupArgs {
    /// A case number or its tail, a name or part of it, an ID number or its last characters, a
    /// phone or its tail.
    pub query: String,
    /// At most this many hits, 1 to 1000.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(i64).range(1..=1000))]
    pub limit: i64,
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(s.width())))
}

/// The hits as the command prints them: a header and one aligned line each (also what
/// `ssh … lookup TEXT` prints through `onewindow serve`).
pub fn table(hits: &[lookup::Hit]) -> Vec<String> {
    let rows: Vec<[String; 6]> = hits
        .iter()
        .map(|h| {
            [
                h.kind.clone(),
                h.case_no.clone(),
                h.masked_applicant(),
                h.department_code.clone(),
                h.status.clone(),
                h.item_zh.clone(),
            ]
        })
        .collect();
    let header = ["kind", "case", "applicant", "dept", "status", "item"].map(String::from);
    let widths: Vec<usize> = (0..6)
        .map(|i| {
            std::iter::once(&header)
                .chain(rows.iter())
                .map(|r| r[i].width())
                .max()
                .unwrap_or(0)
        })
        .collect();
    std::iter::once(&header)
        .chain(rows.iter())
        .map(|r| {
            let line: Vec<String> = r.iter().zip(&widths).map(|(s, w)| pad(s, *w)).collect();
            line.join("  ").trim_end().to_string()
        })
        .collect()
}

pub async fn run(settings: &Settings, a: LookupArgs) -> Result<(), Failure> {
    let target = Target::from_settings(settings)?;
    let pool = crate::cli::open_database(&target, 2).await?;
    let me = crate::cli::accounts::auth::sign_in(&pool).await?;
    let hits = lookup::lookup(&pool, me.operator_id, &a.query, a.limit).await?;
    for line in table(&hits) {
        outln!("{line}");
    }
    if hits.is_empty() {
        errln!("nothing found for \"{}\"", a.query.trim());
    }
    Ok(())
}
