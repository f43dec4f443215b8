//! The commands an SSH exec request may run, as the operator who authenticated, each printing
//! what its headless command prints: `lookup TEXT` (masked hits), `route show CASE_NO`,
//! `calendar due --from DATE --days N`, `report efficiency --from DATE --to DATE`. Exit statuses
//! as the headless commands' (docs/operations.md): 0 done, 1 an error (database, not permitted,
//! no such case), 2 refused (an unknown command or a bad argument), 4 a provisional due date.

use sqlx::PgPool;

use crate::store::accounts::operators::Operator;

/// The exit status of a refused exec (an unknown command, a missing text): bad usage.
pub const EXIT_REFUSED: u32 = 2;

/// The lookup's output (lines ending in CRLF: the client may have a terminal) and exit status.
pub async fn lookup(pool: &PgPool, op: &Operator, text: &str) -> (String, u32) {
    match crate::store::cases::lookup::lookup(pool, op.operator_id, text, 20).await {
        Ok(hits) => {
            let mut out = String::new();
            for line in crate::cli::cases::lookup::table(&hits) {
                out.push_str(&crate::domain::file_text::printable(&line));
                out.push_str("\r\n");
            }
            if hits.is_empty() {
                out.push_str(&format!("nothing found for \"{}\"\r\n", text.trim()));
            }
            (out, 0)
        }
        Err(e) => (format!("onewindow: lookup: {e}\r\n"), 1),
    }
}

/// Lines for the client, each ending in CRLF (it may have a terminal).
fn crlf<I: IntoIterator<Item = String>>(lines: I) -> String {
    let mut out = String::new();
    for l in lines {
        out.push_str(&crate::domain::file_text::printable(&l));
        out.push_str("\r\n");
    }
    out
}

/// What an exec command sends: standard output, the message for standard error, the status.
pub type Answer = (String, String, u32);

pub async fn route_show(pool: &PgPool, op: &Operator, case_no: &str) -> Answer {
    let case_id = match crate::store::routing::view::case_id(pool, case_no).await {
        Ok(Some(id)) => id,
        Ok(None) => return (String::new(), format!("route show: no case {case_no}"), 1),
        Err(e) => return (String::new(), format!("route show: {e}"), 1),
    };
    match crate::store::routing::view::route(pool, op.operator_id, case_id).await {
        Ok(v) => (crlf(crate::cli::routing::route_lines(&v)), String::new(), 0),
        Err(e) => (String::new(), format!("route show: {e}"), 1),
    }
}

pub async fn calendar_due(pool: &PgPool, from: chrono::NaiveDate, days: u32) -> Answer {
    match crate::store::time::calendar::due(pool, from, days).await {
        Ok(due) => {
            let out = crlf([due.date.format("%Y-%m-%d").to_string()]);
            if due.provisional() {
                let years: Vec<String> = due.missing_years.iter().map(|y| y.to_string()).collect();
                (
                    out,
                    format!(
                        "provisional: the holidays of {} are not loaded, so only weekends were skipped there",
                        years.join(", ")
                    ),
                    4,
                )
            } else {
                (out, String::new(), 0)
            }
        }
        Err(e) => (String::new(), format!("calendar due: {e}"), 1),
    }
}

pub async fn efficiency(
    pool: &PgPool,
    op: &Operator,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Answer {
    match crate::store::time::report::efficiency(pool, op.operator_id, from, to).await {
        Ok(rows) => {
            let table = crate::cli::time::report::table(&rows);
            let head = format!("# efficiency {from} .. {to}");
            (
                crlf(std::iter::once(head).chain(table.lines().map(String::from))),
                String::new(),
                0,
            )
        }
        Err(e) => (String::new(), format!("report efficiency: {e}"), 1),
    }
}
