//! Operators' SSH keys (`onewindow serve`): administrators add and revoke them, audited; a live
//! key signs its operator in, a revoked key or a locked account does not.

mod common;

use onewindow::store::StoreError;
use onewindow::store::seed;
use onewindow::store::serve::{self, KeySignIn};
use sqlx::PgPool;

const KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJdD7y3aLq454yWBdwLWbieU1ebz9/cu7/QEXn9OIeZJ clerk@laptop";

#[test]
fn key_lines_are_read_as_openssh_writes_them() {
    let k = serve::parse_key_line(&format!("# a comment\n{KEY}\n")).unwrap();
    assert_eq!(k.algorithm, "ssh-ed25519");
    assert_eq!(k.comment, "clerk@laptop");
    assert!(
        k.fingerprint.starts_with("SHA256:") && k.fingerprint.len() == 50,
        "{}",
        k.fingerprint
    );
    assert!(!k.public_key.contains("laptop"));
    for bad in [
        "",
        "ssh-ed25519 AAAA",
        "-----BEGIN OPENSSH PRIVATE KEY-----",
    ] {
        match serve::parse_key_line(bad) {
            Err(StoreError::Invalid { field: "key", .. }) => {}
            other => panic!("{bad:?}: {other:?}"),
        }
    }
    assert!(
        serve::parse_key_line(&format!("{KEY}\n{KEY}")).is_err(),
        "one key at a time"
    );
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn admins_add_and_revoke_keys_and_only_live_keys_sign_in(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let admin = common::op(&pool, "admin").await;
    let clerk = common::op(&pool, "clerk").await;
    let key = serve::parse_key_line(KEY).unwrap();

    assert!(matches!(
        serve::add_key(&pool, clerk, "clerk", &key).await,
        Err(StoreError::Forbidden(_))
    ));
    let row = serve::add_key(&pool, admin, "clerk", &key).await.unwrap();
    assert_eq!(row.code, "clerk");
    match serve::add_key(&pool, admin, "chief", &key).await {
        Err(StoreError::Invalid {
            field: "key",
            reason,
        }) => assert!(reason.contains("clerk"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert!(
        serve::key_registered(&pool, "clerk", &key.fingerprint)
            .await
            .unwrap()
    );
    assert!(
        !serve::key_registered(&pool, "chief", &key.fingerprint)
            .await
            .unwrap()
    );

    match serve::sign_in_by_key(&pool, "clerk", &key.fingerprint, "127.0.0.1:1")
        .await
        .unwrap()
    {
        KeySignIn::Ok(op) => assert_eq!(op.operator_id, clerk),
        other => panic!("{other:?}"),
    }
    // The key of another operator names nobody.
    assert_eq!(
        serve::sign_in_by_key(&pool, "chief", &key.fingerprint, "127.0.0.1:1")
            .await
            .unwrap(),
        KeySignIn::Unknown
    );
    // A locked account stays locked, key or not.
    sqlx::query(
        "update operators set locked_until = now() + interval '5 minutes' where code = 'clerk'",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(
        serve::sign_in_by_key(&pool, "clerk", &key.fingerprint, "127.0.0.1:1")
            .await
            .unwrap(),
        KeySignIn::Locked
    );
    sqlx::query("update operators set locked_until = null where code = 'clerk'")
        .execute(&pool)
        .await
        .unwrap();

    assert_eq!(
        serve::list_keys(&pool, admin, Some("clerk"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        serve::list_keys(&pool, admin, Some("chief"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(serve::list_keys(&pool, clerk, None).await.is_err());
    let revoked = serve::revoke_key(&pool, admin, row.key_id).await.unwrap();
    assert!(revoked.revoked_at.is_some());
    assert!(matches!(
        serve::revoke_key(&pool, admin, row.key_id).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        serve::sign_in_by_key(&pool, "clerk", &key.fingerprint, "127.0.0.1:1")
            .await
            .unwrap(),
        KeySignIn::Unknown
    );
    // Once revoked, the same key may be registered again (to anyone).
    serve::add_key(&pool, admin, "chief", &key).await.unwrap();

    let actions: Vec<String> = sqlx::query_scalar(
        "select action from audit_log where action <> 'system.seed' order by audit_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "operator_key.add",
            "ssh.login",
            "ssh.refused",
            "ssh.refused",
            "operator_key.revoke",
            "ssh.refused",
            "operator_key.add"
        ]
    );
}
