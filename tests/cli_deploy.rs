//! Issue 15.1: the documented deployment on a shared server, end to end through the real binary.
//! A superuser runs `db roles`, the owner runs `db migrate` (and here `db seed`), and the runtime
//! role does the day's work; a start as the runtime role before the migration is refused with a
//! clear message, and never needs CREATE.

mod common;

use common::{as_role, bin, run, url_for};
use onewindow::store::roles;
use sqlx::{Connection, PgConnection};

/// A database of its own (the deployment starts from an empty one), dropped at the end.
struct FreshDb(String);

impl FreshDb {
    async fn new() -> FreshDb {
        let name = format!(
            "ow_deploy_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        );
        let mut admin = PgConnection::connect(&url_for("postgres")).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("create database {name}")))
            .execute(&mut admin)
            .await
            .unwrap();
        FreshDb(name)
    }

    async fn drop(self) {
        let mut admin = PgConnection::connect(&url_for("postgres")).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "drop database if exists {} with (force)",
            self.0
        )))
        .execute(&mut admin)
        .await
        .unwrap();
    }
}

fn as_operator(c: &mut std::process::Command, url: &str, who: &str) {
    c.env("DATABASE_URL", url)
        .env("ONEWINDOW_OPERATOR", who)
        .env("ONEWINDOW_PASSWORD", "demo1234");
}

#[tokio::test]
async fn the_documented_deployment_starts_and_works_with_the_runtime_role() {
    let db = FreshDb::new().await;
    let superuser = url_for(&db.0);
    let owner = as_role(&superuser, roles::OWNER);
    let app = as_role(&superuser, roles::APP);
    let home = tempfile::tempdir().unwrap();

    // 1. Once, as a superuser.
    let (code, out, err) = run(bin(home.path())
        .args(["db", "roles"])
        .env("DATABASE_URL", &superuser));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&format!("database {}: owned by onewindow_owner", db.0)),
        "{out}"
    );
    assert!(out.contains("not migrated yet"), "{out}");

    // 2. The runtime role cannot start on an unmigrated database, and says what to do.
    let (code, _, err) = run(bin(home.path())
        .args(["audit", "verify"])
        .env("DATABASE_URL", &app));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("onewindow db migrate"), "{err}");
    // Nor migrate it: a plain message, not PostgreSQL's from the middle of the migrator.
    let (code, _, err) = run(bin(home.path())
        .args(["db", "migrate"])
        .env("DATABASE_URL", &app));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("role onewindow_app may not create objects"),
        "{err}"
    );

    // 3. The owner migrates; the grants follow.
    let (code, out, err) = run(bin(home.path())
        .args(["db", "migrate"])
        .env("DATABASE_URL", &owner));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("applied migrations"), "{out}");
    let (code, _, err) = run(bin(home.path())
        .args(["db", "seed", "--cases", "200"])
        .env("DATABASE_URL", &owner));
    assert_eq!(code, 0, "{err}");

    // 4. The runtime role works: a lookup, a reconciliation, the audit chain.
    let mut c = bin(home.path());
    as_operator(&mut c, &app, "chief");
    let (code, out, err) = run(c.args(["lookup", "王"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("kind"), "{out}");
    let mut c = bin(home.path());
    as_operator(&mut c, &app, "cashier");
    let (code, _, err) = run(c.args(["reconcile", "--date", "2026-11-20"]));
    assert!(code == 0 || code == 5, "{code}: {err}");
    let (code, out, err) = run(bin(home.path())
        .args(["audit", "verify"])
        .env("DATABASE_URL", &app));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("intact"), "{out}");

    // 5. Objects belong to the owner; the runtime role owns nothing.
    let mut conn = PgConnection::connect(&superuser).await.unwrap();
    let owners: Vec<String> = sqlx::query_scalar(
        "select distinct pg_get_userbyid(relowner)::text from pg_class
         where relnamespace = 'public'::regnamespace",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert_eq!(owners, vec![roles::OWNER.to_string()]);
    conn.close().await.unwrap();
    db.drop().await;
}
