//! Operator management and the policy command's store functions (issue 15.5): each change
//! checks the permission, writes its audit row, and the rules it keeps hold.

mod common;

use onewindow::domain::accounts::role::Role;
use onewindow::store::StoreError;
use onewindow::store::accounts::manage::{self, ChangeRefused, NewOperator};
use onewindow::store::accounts::operators::{LoginOutcome, Purpose, login};
use onewindow::store::accounts::policy;
use onewindow::store::seed::{self, DEMO_PASSWORD};
use sqlx::PgPool;

const GOOD: &str = "Quokka-ferry-2941";
const GOOD2: &str = "Lantern-moss-7730";

async fn last_audit(pool: &PgPool) -> (String, Option<i64>, serde_json::Value) {
    sqlx::query_as(
        "select action, operator_id, detail from audit_log order by audit_id desc limit 1",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

fn new_clerk(code: &str, password: &str) -> NewOperator {
    NewOperator {
        code: code.into(),
        name: "周平".into(),
        department: "SCJG".into(),
        window: None,
        roles: vec![Role::WindowClerk],
        password: password.into(),
    }
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn an_admin_adds_an_operator_who_must_change_the_password_first(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let admin = common::op(&pool, "admin").await;
    let id = manage::add(&pool, admin, &new_clerk("Zhouping", GOOD))
        .await
        .unwrap();
    let (action, by, detail) = last_audit(&pool).await;
    assert_eq!((action.as_str(), by), ("operator.add", Some(admin)));
    assert_eq!(detail["code"], "zhouping");
    assert_eq!(detail["roles"], serde_json::json!(["window_clerk"]));
    assert!(
        !detail.to_string().contains(GOOD),
        "no password in the audit"
    );

    // The right password answers "must change"; the account can do nothing else meanwhile.
    let out = login(&pool, "zhouping", GOOD, Purpose::Login)
        .await
        .unwrap();
    let LoginOutcome::MustChange(op) = out else {
        panic!("{out:?}")
    };
    assert_eq!(op.operator_id, id);
    let refused = onewindow::store::accounts::permission::actor(&pool, id).await;
    assert!(matches!(refused, Err(StoreError::NotFound(_))));
    // A business action of its role (a window clerk works cases) is refused too.
    let work = onewindow::store::accounts::permission::require(
        &pool,
        id,
        onewindow::domain::accounts::permission::Permission::WorkCase,
    )
    .await;
    assert!(matches!(work, Err(StoreError::Forbidden(_))), "{work:?}");

    // Its own change: the current password, then the policy.
    assert_eq!(
        manage::change_own_password(&pool, id, "wrong-one-here", GOOD2)
            .await
            .unwrap(),
        Err(ChangeRefused::WrongCurrent)
    );
    assert_eq!(last_audit(&pool).await.0, "operator.passwd_failed");
    assert!(matches!(
        manage::change_own_password(&pool, id, GOOD, "zhouping-2026x")
            .await
            .unwrap(),
        Err(ChangeRefused::Policy(_))
    ));
    assert_eq!(
        manage::change_own_password(&pool, id, GOOD, GOOD)
            .await
            .unwrap(),
        Err(ChangeRefused::Same)
    );
    manage::change_own_password(&pool, id, GOOD, GOOD2)
        .await
        .unwrap()
        .unwrap();
    let (action, by, detail) = last_audit(&pool).await;
    assert_eq!((action.as_str(), by), ("operator.passwd", Some(id)));
    assert_eq!(detail["by"], "self");
    let out = login(&pool, "zhouping", GOOD2, Purpose::Login)
        .await
        .unwrap();
    assert!(matches!(out, LoginOutcome::Ok(_)), "{out:?}");
    assert!(
        onewindow::store::accounts::permission::actor(&pool, id)
            .await
            .is_ok()
    );
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn only_administrators_manage_operators_and_the_policy(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let before: i64 = sqlx::query_scalar("select count(*) from audit_log")
        .fetch_one(&pool)
        .await
        .unwrap();
    for code in ["clerk", "chief", "supervisor", "cashier"] {
        let who = common::op(&pool, code).await;
        let forbidden = |r: Result<(), StoreError>| matches!(r, Err(StoreError::Forbidden(_)));
        assert!(forbidden(
            manage::add(&pool, who, &new_clerk("newbie", GOOD))
                .await
                .map(|_| ())
        ));
        assert!(forbidden(
            manage::reset_password(&pool, who, "reviewer", GOOD, None).await
        ));
        assert!(forbidden(
            manage::set_active(&pool, who, "reviewer", false, None).await
        ));
        assert!(forbidden(
            manage::set_roles(&pool, who, code, &[Role::Admin], None).await
        ));
        assert!(forbidden(manage::list(&pool, who).await.map(|_| ())));
        assert!(forbidden(policy::show(&pool, who).await.map(|_| ())));
        assert!(forbidden(
            policy::set(&pool, who, &[("max_failed_logins", 10)])
                .await
                .map(|_| ())
        ));
    }
    let after: i64 = sqlx::query_scalar("select count(*) from audit_log")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(before, after, "nothing refused left an audit row");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_disabled_account_is_refused_at_sign_in_and_enabled_again(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let admin = common::op(&pool, "admin").await;
    let clerk = common::op(&pool, "clerk").await;
    manage::set_active(&pool, admin, "clerk", false, None)
        .await
        .unwrap();
    let (action, by, _) = last_audit(&pool).await;
    assert_eq!((action.as_str(), by), ("operator.disable", Some(admin)));
    let out = login(&pool, "clerk", DEMO_PASSWORD, Purpose::Login)
        .await
        .unwrap();
    assert_eq!(out, LoginOutcome::Inactive);
    // A wrong password does not tell that the account is disabled.
    let out = login(&pool, "clerk", "nope", Purpose::Login).await.unwrap();
    assert_eq!(out, LoginOutcome::BadCredentials);
    assert!(matches!(
        manage::set_active(&pool, admin, "clerk", false, None).await,
        Err(StoreError::Invalid { field: "code", .. })
    ));
    manage::set_active(&pool, admin, "clerk", true, None)
        .await
        .unwrap();
    assert_eq!(last_audit(&pool).await.0, "operator.enable");
    let out = login(&pool, "clerk", DEMO_PASSWORD, Purpose::Login)
        .await
        .unwrap();
    assert!(matches!(out, LoginOutcome::Ok(o) if o.operator_id == clerk));
    // Nobody disables themselves or the last administrator.
    assert!(matches!(
        manage::set_active(&pool, admin, "admin", false, None).await,
        Err(StoreError::Invalid { .. })
    ));
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn roles_and_resets_are_versioned_and_audited(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let admin = common::op(&pool, "admin").await;
    let rows = manage::list(&pool, admin).await.unwrap();
    let reviewer = rows.iter().find(|r| r.code == "reviewer").unwrap().clone();
    assert!(reviewer.active && !reviewer.must_change_password);

    manage::set_roles(
        &pool,
        admin,
        "reviewer",
        &[Role::Reviewer, Role::ChiefRep],
        Some(reviewer.version),
    )
    .await
    .unwrap();
    let (action, _, detail) = last_audit(&pool).await;
    assert_eq!(action, "operator.roles");
    assert_eq!(detail["old"], serde_json::json!(["reviewer"]));
    assert_eq!(detail["new"], serde_json::json!(["chief_rep", "reviewer"]));
    // The version that list showed is gone now.
    assert!(matches!(
        manage::set_roles(
            &pool,
            admin,
            "reviewer",
            &[Role::Reviewer],
            Some(reviewer.version)
        )
        .await,
        Err(StoreError::Stale(_))
    ));
    // The last administrator keeps the role (the seed has more than one: leave one).
    sqlx::query(
        "update operators set roles = array['supervisor'] where 'admin' = any (roles)
         and code <> 'admin'",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert!(matches!(
        manage::set_roles(&pool, admin, "admin", &[Role::Supervisor], None).await,
        Err(StoreError::Invalid { field: "roles", .. })
    ));

    // A reset follows the policy, lifts a lockout and forces a change.
    assert!(matches!(
        manage::reset_password(&pool, admin, "reviewer", "password123", None).await,
        Err(StoreError::Invalid {
            field: "password",
            ..
        })
    ));
    for _ in 0..5 {
        login(&pool, "reviewer", "wrong", Purpose::Login)
            .await
            .unwrap();
    }
    manage::reset_password(&pool, admin, "reviewer", GOOD, None)
        .await
        .unwrap();
    let (action, by, detail) = last_audit(&pool).await;
    assert_eq!((action.as_str(), by), ("operator.passwd", Some(admin)));
    assert_eq!(detail["by"], "admin");
    let out = login(&pool, "reviewer", GOOD, Purpose::Login)
        .await
        .unwrap();
    assert!(matches!(out, LoginOutcome::MustChange(_)), "{out:?}");
    assert!(matches!(
        manage::reset_password(&pool, admin, "nobody", GOOD, None).await,
        Err(StoreError::NotFound(_))
    ));
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn add_names_the_field_it_refuses(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let admin = common::op(&pool, "admin").await;
    let field = |r: Result<i64, StoreError>| match r {
        Err(StoreError::Invalid { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        field(manage::add(&pool, admin, &new_clerk("x", GOOD)).await),
        "code"
    );
    assert_eq!(
        field(manage::add(&pool, admin, &new_clerk("clerk", GOOD)).await),
        "code"
    );
    assert_eq!(
        field(manage::add(&pool, admin, &new_clerk("zhouping", "short")).await),
        "password"
    );
    assert_eq!(
        field(manage::add(&pool, admin, &new_clerk("zhouping", "zhouping-Xq93#")).await),
        "password"
    );
    let mut n = new_clerk("zhouping", GOOD);
    n.department = "NOPE".into();
    assert_eq!(field(manage::add(&pool, admin, &n).await), "department");
    let mut n = new_clerk("zhouping", GOOD);
    n.window = Some("Z99".into());
    assert_eq!(field(manage::add(&pool, admin, &n).await), "window");
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn the_policy_is_set_within_its_checks_and_audited(pool: PgPool) {
    seed::seed(&pool, 42, 0).await.unwrap();
    let admin = common::op(&pool, "admin").await;
    let shown = policy::show(&pool, admin).await.unwrap();
    let get = |k: &str| shown.iter().find(|s| s.key == k).unwrap().clone();
    assert_eq!(get("max_failed_logins").value, 5);
    assert_eq!(get("max_failed_logins").bounds, Some((3, 10)));
    assert_eq!(get("password_min_length").bounds, Some((8, 64)));
    assert_eq!(get("lookup_per_minute").bounds, Some((1, 1000)));

    let err = policy::set(&pool, admin, &[("max_failed_logins", 100)])
        .await
        .unwrap_err();
    let StoreError::Invalid { field, reason } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*field, "max_failed_logins");
    assert!(reason.contains("3 to 10"), "{reason}");

    let changed = policy::set(
        &pool,
        admin,
        &[("password_min_length", 12), ("lookup_per_minute", 20)],
    )
    .await
    .unwrap();
    assert_eq!(
        changed,
        vec![
            ("password_min_length", 10, 12),
            ("lookup_per_minute", 30, 20)
        ]
    );
    let (action, by, detail) = last_audit(&pool).await;
    assert_eq!((action.as_str(), by), ("policy.set", Some(admin)));
    assert_eq!(
        detail["password_min_length"],
        serde_json::json!({ "old": 10, "new": 12 })
    );
    // The new minimum is what the next password is checked against.
    let out = manage::reset_password(&pool, admin, "clerk", "Quokka-29x", None).await;
    assert!(matches!(
        out,
        Err(StoreError::Invalid {
            field: "password",
            ..
        })
    ));
    let by: Option<i64> = sqlx::query_scalar("select updated_by from sign_in_policy")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(by, Some(admin));
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_hash_with_old_parameters_is_rehashed_at_sign_in(pool: PgPool) {
    use argon2::password_hash::{PasswordHasher, SaltString};
    seed::seed(&pool, 42, 0).await.unwrap();
    let weak = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(8192, 1, 1, None).unwrap(),
    );
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    let old = weak
        .hash_password(GOOD.as_bytes(), &salt)
        .unwrap()
        .to_string();
    sqlx::query("update operators set password_hash = $1 where code = 'cashier'")
        .bind(&old)
        .execute(&pool)
        .await
        .unwrap();
    let out = login(&pool, "cashier", GOOD, Purpose::Login).await.unwrap();
    assert!(matches!(out, LoginOutcome::Ok(_)), "{out:?}");
    let now: String =
        sqlx::query_scalar("select password_hash from operators where code = 'cashier'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(now.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{now}");
    assert_eq!(last_audit(&pool).await.2["rehashed"], true);
    let out = login(&pool, "cashier", GOOD, Purpose::Login).await.unwrap();
    assert!(matches!(out, LoginOutcome::Ok(_)));
}
