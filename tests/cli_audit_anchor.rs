//! Issue 15.3: anchors of the audit chain, through the real binary. The owner of the database can
//! truncate the log or rewrite and re-chain it so that `audit verify` alone says intact; a log
//! that no longer extends a recorded anchor is caught.

mod common;

use common::{app_url, bin, pool_url, run};
use sqlx::PgPool;

/// Signs in once through the binary: one more audit row.
fn sign_in(home: &std::path::Path, url: &str) {
    run(bin(home)
        .args(["route", "show", "20260101-XXXX-00001"])
        .env("DATABASE_URL", url)
        .env("ONEWINDOW_OPERATOR", "supervisor")
        .env("ONEWINDOW_PASSWORD", "demo1234"));
}

/// What the owner can do: with the triggers off, recompute every hash from the first row, as the
/// chain trigger does, after editing one row: the chain is whole again.
const RECHAIN: &str = "
do $$
declare r record; prev bytea := '\\x0000000000000000000000000000000000000000000000000000000000000000';
begin
  for r in select * from audit_log order by audit_id loop
    update audit_log set prev_hash = prev,
      row_hash = sha256(prev || convert_to(concat_ws(chr(31), r.audit_id::text,
        ((extract(epoch from r.at) * 1000000)::bigint)::text, coalesce(r.operator_id::text, ''),
        r.action, r.entity, coalesce(r.entity_id, ''), r.detail::text), 'UTF8'))
    where audit_id = r.audit_id returning row_hash into prev;
  end loop;
end $$";

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn anchors_catch_a_truncated_and_a_rechained_log(pool: PgPool) {
    let home = tempfile::tempdir().unwrap();
    let url = app_url(&pool).await;
    let anchors = home.path().join("anchors.txt");
    let (code, _, err) = run(bin(home.path())
        .args(["db", "seed", "--seed", "3", "--cases", "5"])
        // Seeding is the administrator's (the superuser here); the rest runs as the runtime role.
        .env("DATABASE_URL", pool_url(&pool)));
    assert_eq!(code, 0, "{err}");
    sign_in(home.path(), &url);
    let anchor = |home: &std::path::Path| {
        run(bin(home)
            .args(["audit", "anchor", "--file"])
            .arg(&anchors)
            .args(["--command", "cat >> anchors-by-command.txt"])
            .current_dir(home)
            .env("DATABASE_URL", &url))
    };
    let (code, out, err) = anchor(home.path());
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("onewindow-audit-anchor v1 id="), "{out}");
    // Later rows, a second anchor: the log extends both.
    sign_in(home.path(), &url);
    sign_in(home.path(), &url);
    assert_eq!(anchor(home.path()).0, 0);
    let text = std::fs::read_to_string(&anchors).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    let by_command = std::fs::read_to_string(home.path().join("anchors-by-command.txt")).unwrap();
    assert_eq!(by_command, text, "the command got the same lines");
    let verify = || {
        run(bin(home.path())
            .args(["audit", "verify", "--anchor"])
            .arg(&anchors)
            .env("DATABASE_URL", &url))
    };
    let (code, out, err) = verify();
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("extends all 2 anchor(s)"), "{out}");

    // Re-chained by the owner after editing the first row: the chain alone says intact…
    let mut conn = pool.acquire().await.unwrap();
    sqlx::query("alter table audit_log disable trigger user")
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query(
        "update audit_log set detail = '{\"forged\": true}'
         where audit_id = (select min(audit_id) from audit_log)",
    )
    .execute(&mut *conn)
    .await
    .unwrap();
    sqlx::query(RECHAIN).execute(&mut *conn).await.unwrap();
    let (code, out, err) = run(bin(home.path())
        .args(["audit", "verify"])
        .env("DATABASE_URL", &url));
    assert_eq!(
        code, 0,
        "the re-chained log passes the chain check alone: {out}{err}"
    );
    // …the anchors do not.
    let (code, _, err) = verify();
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("re-chained") && err.contains("anchors.txt:1"),
        "{err}"
    );

    // Truncated by the owner (the last rows deleted): the chain is whole, the anchor is gone.
    sqlx::query("delete from audit_log where audit_id > (select min(audit_id) + 1 from audit_log)")
        .execute(&mut *conn)
        .await
        .unwrap();
    // Keep only the second anchor (taken after the rows now deleted).
    let second = text.lines().nth(1).unwrap().to_string();
    std::fs::write(&anchors, format!("# the newer anchor\n{second}\n")).unwrap();
    let (code, _, err) = verify();
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("truncated") && err.contains("anchors.txt:2"),
        "{err}"
    );

    // A bad anchor line is a usage error naming the file and line.
    std::fs::write(
        &anchors,
        "onewindow-audit-anchor v1 id=1 rows=1 hash=zz at=x\n",
    )
    .unwrap();
    let (code, _, err) = verify();
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("anchors.txt:1") && err.contains("64"), "{err}");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn each_supervision_run_anchors_where_the_center_configured(pool: PgPool) {
    let home = tempfile::tempdir().unwrap();
    let url = app_url(&pool).await;
    let anchors = home.path().join("supervision-anchors.txt");
    let (code, _, err) = run(bin(home.path())
        .args(["db", "seed", "--seed", "3", "--cases", "5"])
        // Seeding is the administrator's (the superuser here); the rest runs as the runtime role.
        .env("DATABASE_URL", pool_url(&pool)));
    assert_eq!(code, 0, "{err}");
    for _ in 0..2 {
        let (code, out, err) = run(bin(home.path())
            .args(["supervise"])
            .env("DATABASE_URL", &url)
            .env("ONEWINDOW_AUDIT_ANCHOR_FILE", &anchors));
        assert_eq!(code, 0, "{err}");
        assert!(
            out.contains("audit anchored: onewindow-audit-anchor v1"),
            "{out}"
        );
    }
    let text = std::fs::read_to_string(&anchors).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    let (code, out, err) = run(bin(home.path())
        .args(["audit", "verify", "--anchor"])
        .arg(&anchors)
        .env("DATABASE_URL", &url));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("extends all 2 anchor(s)"), "{out}");
    // Without the setting, no anchor is written.
    let (_, out, _) = run(bin(home.path())
        .args(["supervise"])
        .env("DATABASE_URL", &url));
    assert!(!out.contains("anchored"), "{out}");
}
