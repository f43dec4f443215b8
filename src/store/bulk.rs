//! Bulk loading for the seeder: COPY in PostgreSQL's text format, with a table's secondary
//! indexes, foreign keys and row triggers set aside while the rows go in.
//!
//! Maintaining a dozen indexes row by row, and checking six foreign keys and a row trigger for
//! each of a million rows, costs several times what COPY itself does; building each index once
//! over the loaded table, and validating each foreign key with one join, costs a fraction. The
//! definitions are read back from the catalogue (`pg_get_indexdef`, `pg_get_constraintdef`), so
//! the migrations stay the one place that defines them, and everything happens inside the
//! caller's transaction: if anything fails, the table is as it was.

use sqlx::PgConnection;

use crate::store::StoreError;

/// What `set_aside` removed from a table, to be put back by `restore`.
pub(super) struct SetAside {
    table: &'static str,
    indexes: Vec<String>,
    foreign_keys: Vec<(String, String)>,
}

/// Drops the table's secondary indexes (not those behind a primary key or unique constraint,
/// which keep checking the rows), its foreign keys, and disables its row triggers.
pub(super) async fn set_aside(
    conn: &mut PgConnection,
    table: &'static str,
) -> Result<SetAside, StoreError> {
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "select i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
         from pg_index i
         where i.indrelid = $1::regclass
           and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await?;
    let foreign_keys: Vec<(String, String)> = sqlx::query_as(
        "select conname::text, pg_get_constraintdef(oid) from pg_constraint
         where conrelid = $1::regclass and contype = 'f'",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await?;
    for (name, _) in &indexes {
        ddl(conn, format!("drop index {name}")).await?;
    }
    for (name, _) in &foreign_keys {
        ddl(conn, format!("alter table {table} drop constraint {name}")).await?;
    }
    ddl(conn, format!("alter table {table} disable trigger user")).await?;
    Ok(SetAside {
        table,
        indexes: indexes.into_iter().map(|(_, def)| def).collect(),
        foreign_keys,
    })
}

/// Rebuilds the indexes, re-adds (and so validates) the foreign keys, re-enables the triggers.
pub(super) async fn restore(conn: &mut PgConnection, set: SetAside) -> Result<(), StoreError> {
    for def in set.indexes {
        ddl(conn, def).await?;
    }
    for (name, def) in set.foreign_keys {
        ddl(
            conn,
            format!("alter table {} add constraint {name} {def}", set.table),
        )
        .await?;
    }
    ddl(
        conn,
        format!("alter table {} enable trigger user", set.table),
    )
    .await?;
    Ok(())
}

async fn ddl(conn: &mut PgConnection, sql: String) -> Result<(), StoreError> {
    // Names and definitions come from the catalogue, not from input.
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Rows in COPY text format, sent in chunks of about a megabyte.
pub(super) struct CopyRows {
    buf: String,
    fields: usize,
}

const CHUNK: usize = 1 << 20;

impl CopyRows {
    pub(super) fn new() -> Self {
        CopyRows {
            buf: String::with_capacity(CHUNK + 4096),
            fields: 0,
        }
    }

    /// One field of the current row; `None` is SQL NULL.
    pub(super) fn field(&mut self, value: Option<&str>) {
        if self.fields > 0 {
            self.buf.push('\t');
        }
        self.fields += 1;
        match value {
            None => self.buf.push_str("\\N"),
            Some(v) => {
                for ch in v.chars() {
                    match ch {
                        '\\' => self.buf.push_str("\\\\"),
                        '\t' => self.buf.push_str("\\t"),
                        '\n' => self.buf.push_str("\\n"),
                        '\r' => self.buf.push_str("\\r"),
                        c => self.buf.push(c),
                    }
                }
            }
        }
    }

    pub(super) fn text(&mut self, value: &str) {
        self.field(Some(value));
    }

    pub(super) fn opt<T: ToString>(&mut self, value: Option<T>) {
        match value {
            Some(v) => self.field(Some(&v.to_string())),
            None => self.field(None),
        }
    }

    pub(super) fn end_row(&mut self) {
        self.buf.push('\n');
        self.fields = 0;
    }

    pub(super) fn full(&self) -> bool {
        self.buf.len() >= CHUNK
    }

    pub(super) fn take(&mut self) -> Vec<u8> {
        std::mem::replace(&mut self.buf, String::with_capacity(CHUNK + 4096)).into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_format_escapes_what_copy_would_misread() {
        let mut rows = CopyRows::new();
        rows.text("张伟");
        rows.opt::<i64>(None);
        rows.text("a\tb\\c\nd");
        rows.end_row();
        rows.opt(Some(7));
        rows.end_row();
        assert_eq!(
            String::from_utf8(rows.take()).expect("utf-8"),
            "张伟\t\\N\ta\\tb\\\\c\\nd\n7\n"
        );
    }
}
