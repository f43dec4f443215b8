//! The commands an SSH exec request may run, as the operator who authenticated: `lookup TEXT`
//! (masked hits, as `onewindow lookup` prints them). Exit statuses as the headless commands'
//! (docs/operations.md): 0 done, 1 a database error, 2 refused (an unknown command).

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
