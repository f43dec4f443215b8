//! The database roles and what each may do (issue 15; docs/operations.md "Roles and grants").
//!
//! - `onewindow_owner` owns the schema and runs the migrations: `onewindow db migrate` is the only
//!   thing that connects as it.
//! - `onewindow_app`, the runtime role of the TUI, the headless commands and the SSH server: it
//!   owns nothing, has no CREATE anywhere and no TRUNCATE, cannot write the migrations table,
//!   cannot change a row of an append-only table, and its search_path is fixed.
//! - `onewindow_read`, for reports and replicas: SELECT on every table but the password hashes.
//!
//! Roles belong to the whole PostgreSQL cluster, grants to one database: `ensure_roles` runs once
//! per cluster (by a superuser), `apply_grants` after every migration of a database (by its
//! owner), so a table a later migration adds gets its grants in the same run.

use sqlx::PgConnection;

use super::StoreError;

pub const OWNER: &str = "onewindow_owner";
pub const APP: &str = "onewindow_app";
pub const READ: &str = "onewindow_read";

/// The runtime role's search_path, set on the role and again in every connection's startup
/// packet: pg_catalog first (no built-in can be shadowed), pg_temp last (no temporary table can
/// stand in for one of ours).
pub const RUNTIME_SEARCH_PATH: &str = "pg_catalog, public, pg_temp";

/// Tables whose rows the runtime role may add but never change or remove: the trail of what was
/// done. (audit_log and lookup_log also refuse changes by trigger, even to the owner's sessions.)
pub const APPEND_ONLY: &[&str] = &[
    "audit_log",
    "lookup_log",
    "case_materials",
    "receipt_links",
    "refund_marks",
    "exception_notes",
    // A bank's statement line, once imported, is what the bank said: never rewritten.
    "trade_statement_imports",
    "trade_statement_lines",
];

/// The only tables the runtime role deletes from: replacing a year's calendar, reopening a
/// closed business day (both audited). Every other delete is refused by the database.
pub const DELETABLE: &[&str] = &["calendar_years", "day_closes"];

/// Tables the runtime role may not touch at all: the migrations' bookkeeping (it reads the
/// schema version through `schema_version()`-style SELECT only) and the audit chain's lock row,
/// which only the SECURITY DEFINER chain trigger locks.
const NO_WRITE: &[&str] = &["_sqlx_migrations"];
const NO_ACCESS: &[&str] = &["audit_chain_lock"];

/// Columns the read-only role may not see.
const SECRET_COLUMNS: &[(&str, &str)] = &[("operators", "password_hash")];

/// True when the three roles exist on this cluster.
pub async fn roles_exist(conn: &mut PgConnection) -> Result<bool, StoreError> {
    let n: i64 = sqlx::query_scalar("select count(*) from pg_roles where rolname = any($1)")
        .bind([OWNER, APP, READ])
        .fetch_one(conn)
        .await?;
    Ok(n == 3)
}

/// Creates the roles that are missing and fixes the runtime role's search_path. Needs a
/// superuser (or CREATEROLE). Idempotent; safe when several onewindow start at once (a role
/// another session created a moment earlier is not an error).
pub async fn ensure_roles(conn: &mut PgConnection) -> Result<Vec<&'static str>, StoreError> {
    let mut created = vec![];
    for role in [OWNER, APP, READ] {
        let exists: bool =
            sqlx::query_scalar("select exists (select 1 from pg_roles where rolname = $1)")
                .bind(role)
                .fetch_one(&mut *conn)
                .await?;
        if exists {
            continue;
        }
        // Identifiers cannot be bound; these are constants. LOGIN without a password: who may
        // connect, and how, is pg_hba.conf's decision (docs/operations.md).
        let sql = format!("create role {role} login nosuperuser nocreatedb nocreaterole");
        match sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut *conn)
            .await
        {
            Ok(_) => created.push(role),
            Err(sqlx::Error::Database(d))
                if matches!(d.code().as_deref(), Some("42710" | "23505")) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let current: Option<Vec<String>> = sqlx::query_scalar(
        "select s.setconfig from pg_db_role_setting s join pg_roles r on r.oid = s.setrole
         where r.rolname = $1 and s.setdatabase = 0",
    )
    .bind(APP)
    .fetch_optional(&mut *conn)
    .await?;
    let wanted = format!("search_path={RUNTIME_SEARCH_PATH}");
    if !current.is_some_and(|c| c.contains(&wanted)) {
        let sql = format!("alter role {APP} set search_path = {RUNTIME_SEARCH_PATH}");
        match sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut *conn)
            .await
        {
            Ok(_) => {}
            // Another session set the same value at the same moment ("tuple concurrently
            // updated"): the value is ours either way.
            Err(sqlx::Error::Database(d)) if d.code().as_deref() == Some("XX000") => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(created)
}

/// Gives each role exactly what it needs on this database, in one transaction: everything is
/// revoked first, so what a role holds is what this function says, whatever was granted by hand.
/// Run by the owner (or a superuser) after the migrations.
pub async fn apply_grants(conn: &mut PgConnection) -> Result<(), StoreError> {
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let mut sql = String::new();
    let both = format!("{APP}, {READ}");
    sql.push_str(&format!(
        "grant usage on schema public to {both};
         revoke all on all tables in schema public from {both};
         revoke all on all sequences in schema public from {both};
         grant select, insert, update on all tables in schema public to {APP};
         grant usage on all sequences in schema public to {APP};
         grant select on all tables in schema public to {READ};\n"
    ));
    for t in APPEND_ONLY {
        sql.push_str(&format!("revoke update on {t} from {APP};\n"));
    }
    for t in DELETABLE {
        sql.push_str(&format!("grant delete on {t} to {APP};\n"));
    }
    for t in NO_WRITE {
        sql.push_str(&format!("revoke insert, update on {t} from {APP};\n"));
    }
    for t in NO_ACCESS {
        sql.push_str(&format!("revoke all on {t} from {both};\n"));
    }
    for (table, secret) in SECRET_COLUMNS {
        let columns: Vec<String> = sqlx::query_scalar(
            "select attname::text from pg_attribute
             where attrelid = to_regclass($1) and attnum > 0 and not attisdropped and attname <> $2
             order by attnum",
        )
        .bind(table)
        .bind(secret)
        .fetch_all(&mut *tx)
        .await?;
        sql.push_str(&format!("revoke select on {table} from {READ};\n"));
        if !columns.is_empty() {
            sql.push_str(&format!(
                "grant select ({}) on {table} to {READ};\n",
                columns.join(", ")
            ));
        }
    }
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Makes the owner role the owner of the current database and of its `public` schema, so it can
/// run the migrations there. Needs a superuser. Returns the database's name.
pub async fn give_database_to_owner(conn: &mut PgConnection) -> Result<String, StoreError> {
    let database: String = sqlx::query_scalar("select current_database()")
        .fetch_one(&mut *conn)
        .await?;
    let quoted = database.replace('"', "\"\"");
    let sql = format!(
        "alter database \"{quoted}\" owner to {OWNER};
         alter schema public owner to {OWNER};
         revoke create on schema public from public;"
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(&mut *conn)
        .await?;
    Ok(database)
}
