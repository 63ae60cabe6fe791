//! The IAM service over a real (in-memory SQLite) store: identities, the
//! rules that keep them consistent, and what callers may then do.

use std::sync::Arc;

use sparkplane_auth::{Credentials, KeyLookup};
use sparkplane_iam::{Iam, IamError, NewRole, PassRoleError, SecretDeriver, SessionPolicy};
use sparkplane_policy::{Context, TokenError};
use sparkplane_store::SqliteStore;

const ACCOUNT: &str = "123456789012";
const TRUST_EMR: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"emr-serverless.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

fn allow(action: &str, resource: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"{resource}"}}]}}"#
    )
}

async fn iam() -> Arc<Iam> {
    let store = Arc::new(SqliteStore::in_memory().await.unwrap());
    let root = Credentials { access_key_id: "SPKROOT".into(), secret_access_key: "root-secret".into() };
    Iam::open(store, ACCOUNT, root, SecretDeriver::from_key([3; 32])).await.unwrap()
}

#[tokio::test]
async fn a_users_key_carries_its_policies_and_nothing_else() {
    let iam = iam().await;
    iam.create_user("alice", None, vec![]).await.unwrap();
    let key = iam.create_access_key("alice").await.unwrap();
    assert_eq!(iam.secret_for(&key.key.id), Some(key.secret_access_key.clone()));
    let caller = iam.caller(&key.key.id).unwrap();
    assert_eq!(caller.arn, "arn:aws:iam::123456789012:user/alice");
    let app = "arn:aws:emr-serverless:us-east-1:123456789012:/applications/a";
    assert!(caller.authorize("emr-serverless:GetApplication", app, &Context::new()).is_err());

    iam.put_inline_policy::<sparkplane_iam::model::User>("alice", "read", &allow("emr-serverless:Get*", "*"))
        .await
        .unwrap();
    let caller = iam.caller(&key.key.id).unwrap();
    assert!(caller.authorize("emr-serverless:GetApplication", app, &Context::new()).is_ok());
    assert!(caller.authorize("emr-serverless:DeleteApplication", app, &Context::new()).is_err());

    iam.update_access_key("alice", &key.key.id, "Inactive").await.unwrap();
    assert_eq!(iam.secret_for(&key.key.id), None, "an inactive key is unknown to verification");
    assert!(iam.caller(&key.key.id).is_none());
}

#[tokio::test]
async fn identities_survive_a_reopen_and_names_ignore_case() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let root = Credentials { access_key_id: "SPKROOT".into(), secret_access_key: "s".into() };
    let store = Arc::new(SqliteStore::open(&path).await.unwrap());
    let iam = Iam::open(store, ACCOUNT, root.clone(), SecretDeriver::from_key([4; 32])).await.unwrap();
    iam.create_user("Bob", Some("/team/"), vec![]).await.unwrap();
    let key = iam.create_access_key("bob").await.unwrap();
    assert!(matches!(iam.create_user("BOB", None, vec![]).await, Err(IamError::EntityAlreadyExists(_))));
    drop(iam);
    let store = Arc::new(SqliteStore::open(&path).await.unwrap());
    let iam = Iam::open(store, ACCOUNT, root, SecretDeriver::from_key([4; 32])).await.unwrap();
    assert_eq!(iam.get_user("bob").unwrap().path, "/team/");
    assert_eq!(iam.secret_for(&key.key.id), Some(key.secret_access_key));
    assert_eq!(iam.caller(&key.key.id).unwrap().arn, "arn:aws:iam::123456789012:user/team/Bob");
}

#[tokio::test]
async fn deletes_refuse_to_leave_dangling_references() {
    let iam = iam().await;
    iam.create_user("carol", None, vec![]).await.unwrap();
    let key = iam.create_access_key("carol").await.unwrap();
    let policy = iam.create_policy("p", None, &allow("s3:*", "*"), None, vec![]).await.unwrap();
    iam.attach_policy::<sparkplane_iam::model::User>("carol", &policy.arn).await.unwrap();
    assert!(matches!(iam.delete_user("carol").await, Err(IamError::DeleteConflict(_))));
    assert!(matches!(iam.delete_policy(&policy.arn).await, Err(IamError::DeleteConflict(_))));
    iam.delete_access_key("carol", &key.key.id).await.unwrap();
    iam.detach_policy::<sparkplane_iam::model::User>("carol", &policy.arn).await.unwrap();
    iam.delete_policy(&policy.arn).await.unwrap();
    iam.delete_user("carol").await.unwrap();
    assert!(matches!(iam.get_user("carol"), Err(IamError::NoSuchEntity(_))));
}

#[tokio::test]
async fn malformed_documents_and_quotas_are_refused_when_put() {
    let iam = iam().await;
    iam.create_user("dave", None, vec![]).await.unwrap();
    let bad = iam.put_inline_policy::<sparkplane_iam::model::User>("dave", "p", "{not json").await;
    assert!(matches!(bad, Err(IamError::MalformedPolicyDocument(_))));
    let principal = iam.put_inline_policy::<sparkplane_iam::model::User>("dave", "p", TRUST_EMR).await;
    assert!(matches!(principal, Err(IamError::MalformedPolicyDocument(_))), "{principal:?}");
    let no_principal = NewRole { assume_role_policy: allow("sts:AssumeRole", "*"), ..Default::default() };
    assert!(matches!(iam.create_role("r", no_principal).await, Err(IamError::MalformedPolicyDocument(_))));
    iam.create_access_key("dave").await.unwrap();
    iam.create_access_key("dave").await.unwrap();
    assert!(matches!(iam.create_access_key("dave").await, Err(IamError::LimitExceeded(_))));
    let big = allow("s3:GetObject", &format!("arn:aws:s3:::{}", "x".repeat(2_100)));
    let too_big = iam.put_inline_policy::<sparkplane_iam::model::User>("dave", "big", &big).await;
    assert!(matches!(too_big, Err(IamError::LimitExceeded(_))), "{too_big:?}");
}

#[tokio::test]
async fn pass_role_needs_permission_an_existing_role_and_its_trust() {
    let iam = iam().await;
    let role_arn = "arn:aws:iam::123456789012:role/job";
    iam.create_user("erin", None, vec![]).await.unwrap();
    let key = iam.create_access_key("erin").await.unwrap();
    let erin = iam.caller(&key.key.id).unwrap();
    assert!(matches!(iam.check_pass_role(&erin, role_arn), Err(PassRoleError::Denied(_))));
    iam.put_inline_policy::<sparkplane_iam::model::User>("erin", "pass", &allow("iam:PassRole", role_arn))
        .await
        .unwrap();
    let erin = iam.caller(&key.key.id).unwrap();
    assert!(
        matches!(iam.check_pass_role(&erin, role_arn), Err(PassRoleError::Unusable(m)) if m.contains("does not exist"))
    );
    let ec2 = TRUST_EMR.replace("emr-serverless", "ec2");
    iam.create_role("job", NewRole { assume_role_policy: ec2, ..Default::default() }).await.unwrap();
    assert!(matches!(iam.check_pass_role(&erin, role_arn), Err(PassRoleError::Unusable(m)) if m.contains("trust")));
    iam.update_assume_role_policy("job", TRUST_EMR).await.unwrap();
    iam.check_pass_role(&erin, role_arn).unwrap();
}

#[tokio::test]
async fn sessions_are_the_role_narrowed_and_end_when_revoked() {
    let iam = iam().await;
    let role_arn = "arn:aws:iam::123456789012:role/job";
    iam.create_role("job", NewRole { assume_role_policy: TRUST_EMR.into(), ..Default::default() }).await.unwrap();
    iam.put_inline_policy::<sparkplane_iam::model::Role>("job", "s3", &allow("s3:*", "arn:aws:s3:::out/*"))
        .await
        .unwrap();
    let deny_private = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"s3:*","Resource":"*"},
        {"Effect":"Deny","Action":"s3:PutObject","Resource":"arn:aws:s3:::out/private/*"}]}"#;
    let policy = SessionPolicy { inline: Some(deny_private.into()), policy_arns: vec![] };
    let far = chrono_now() + 3_600;
    let creds = iam.issue_session(role_arn, "run-1", &policy, far).unwrap();
    assert!(creds.access_key_id.starts_with("ASIA"));
    assert_eq!(iam.secret_for(&creds.access_key_id), Some(creds.secret_access_key.clone()));
    iam.check_token(&creds.access_key_id, Some(&creds.session_token)).unwrap();
    assert_eq!(iam.check_token(&creds.access_key_id, None), Err(TokenError::Invalid));
    assert_eq!(iam.check_token(&creds.access_key_id, Some("forged")), Err(TokenError::Invalid));

    let caller = iam.caller(&creds.access_key_id).unwrap();
    assert_eq!(caller.arn, "arn:aws:sts::123456789012:assumed-role/job/run-1");
    let none = Context::new();
    assert!(caller.authorize("s3:PutObject", "arn:aws:s3:::out/public/a", &none).is_ok());
    assert!(caller.authorize("s3:PutObject", "arn:aws:s3:::out/private/a", &none).is_err(), "the session narrows");
    assert!(caller.authorize("s3:GetObject", "arn:aws:s3:::secret/a", &none).is_err(), "never wider than the role");

    iam.revoke_session(&creds.access_key_id);
    assert_eq!(iam.check_token(&creds.access_key_id, Some(&creds.session_token)), Err(TokenError::Expired));
    assert_eq!(iam.secret_for(&creds.access_key_id), None);
    assert!(iam.caller(&creds.access_key_id).is_none());

    let past = iam.issue_session(role_arn, "run-2", &SessionPolicy::default(), chrono_now() - 1).unwrap();
    assert_eq!(iam.check_token(&past.access_key_id, Some(&past.session_token)), Err(TokenError::Expired));
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

#[tokio::test]
async fn a_session_restored_on_another_server_with_the_same_key_works_until_revoked() {
    let store = Arc::new(SqliteStore::in_memory().await.unwrap());
    let root = Credentials { access_key_id: "SPKROOT".into(), secret_access_key: "root-secret".into() };
    let first = Iam::open(store.clone(), ACCOUNT, root.clone(), SecretDeriver::from_key([3; 32])).await.unwrap();
    let role_arn = "arn:aws:iam::123456789012:role/job";
    first.create_role("job", NewRole { assume_role_policy: TRUST_EMR.into(), ..Default::default() }).await.unwrap();
    first
        .put_inline_policy::<sparkplane_iam::model::Role>("job", "s3", &allow("s3:*", "arn:aws:s3:::out/*"))
        .await
        .unwrap();
    let narrow = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    let policy = SessionPolicy { inline: Some(narrow.into()), policy_arns: vec![] };
    let far = chrono_now() + 3_600;
    let creds = first.issue_session(role_arn, "run-1-1", &policy, far).unwrap();
    let kept = sparkplane_iam::session_token_sha256(&creds.session_token);
    assert!(!kept.contains(&creds.session_token), "only the token's hash is kept");

    let second = Iam::open(store, ACCOUNT, root, SecretDeriver::from_key([3; 32])).await.unwrap();
    assert_eq!(second.secret_for(&creds.access_key_id), None, "unknown until restored");
    second.restore_session(role_arn, "run-1-1", &policy, &creds.access_key_id, &kept, far).unwrap();
    assert_eq!(second.secret_for(&creds.access_key_id), Some(creds.secret_access_key.clone()));
    second.check_token(&creds.access_key_id, Some(&creds.session_token)).unwrap();
    assert_eq!(second.check_token(&creds.access_key_id, Some("forged")), Err(TokenError::Invalid));
    let caller = second.caller(&creds.access_key_id).unwrap();
    assert_eq!(caller.arn, "arn:aws:sts::123456789012:assumed-role/job/run-1-1");
    let none = Context::new();
    assert!(caller.authorize("s3:GetObject", "arn:aws:s3:::out/a", &none).is_ok());
    assert!(caller.authorize("s3:PutObject", "arn:aws:s3:::out/a", &none).is_err(), "still narrowed");

    assert!(second.restore_session(role_arn, "x", &policy, "AKIAUSER", &kept, far).is_err(), "only session keys");
    assert!(second.restore_session(role_arn, "x", &policy, &creds.access_key_id, "zz", far).is_err());
    let gone = "arn:aws:iam::123456789012:role/gone";
    assert!(matches!(
        second.restore_session(gone, "x", &policy, &creds.access_key_id, &kept, far),
        Err(IamError::NoSuchEntity(_))
    ));
    second.revoke_session(&creds.access_key_id);
    assert_eq!(second.check_token(&creds.access_key_id, Some(&creds.session_token)), Err(TokenError::Expired));
}
