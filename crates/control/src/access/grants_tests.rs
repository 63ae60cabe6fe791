//! Tests of the grant registry: binding, reuse and revocation of attempts'
//! credentials, and the token file.

use std::sync::Mutex;

use super::*;
use crate::access::credentials::{REISSUE_AFTER_SECS, REUSE_MIN_REMAINING_SECS};

/// Issues numbered keys and records what was revoked.
#[derive(Default)]
struct Recorder {
    issued: Mutex<Vec<(String, u32, i64)>>,
    revoked: Mutex<Vec<String>>,
    restored: Mutex<Vec<IssuedSet>>,
    refuse: std::sync::atomic::AtomicBool,
}

impl CredentialIssuer for Recorder {
    fn issue(&self, run: &JobRun, attempt: u32, expires_at: i64) -> Result<AttemptCredentials, String> {
        if self.refuse.load(std::sync::atomic::Ordering::SeqCst) {
            return Err("Role r cannot be found.".into());
        }
        let mut issued = self.issued.lock().unwrap();
        issued.push((run.job_run_id.clone(), attempt, expires_at));
        Ok(AttemptCredentials {
            access_key_id: format!("ASIA{}", issued.len()),
            secret_access_key: "s".into(),
            session_token: format!("t{}", issued.len()),
            expiration_epoch_secs: expires_at,
        })
    }
    fn revoke(&self, access_key_id: &str) {
        self.revoked.lock().unwrap().push(access_key_id.to_string());
    }
    fn restore(&self, _run: &JobRun, _attempt: u32, set: &IssuedSet) -> Result<(), String> {
        if set.access_key_id == "ASIAGONE" {
            return Err("Role r cannot be found.".into());
        }
        self.restored.lock().unwrap().push(set.clone());
        Ok(())
    }
}

fn run(id: &str) -> JobRun {
    serde_json::from_value(serde_json::json!({
        "applicationId": "00a", "jobRunId": id,
        "arn": format!("arn:aws:emr-serverless:us-east-1:123456789012:/applications/00a/jobruns/{id}"),
        "createdBy": "x", "createdAt": 0, "updatedAt": 0, "executionRole": "arn:aws:iam::123456789012:role/r",
        "state": "SCHEDULED", "stateDetails": "", "releaseLabel": "emr-7.9.0",
        "jobDriver": {"sparkSubmit": {"entryPoint": "s3://b/x.py"}}
    }))
    .unwrap()
}

fn registry(lifetime: i64) -> (Arc<Grants>, Arc<Recorder>) {
    let grants = Arc::new(Grants::default());
    let recorder = Arc::new(Recorder::default());
    grants.set_issuer(recorder.clone(), lifetime);
    (grants, recorder)
}

fn key_of(result: Result<ContainerCredentials, CredentialsError>) -> String {
    result.unwrap().credentials.access_key_id
}

#[test]
fn tokens_are_long_random_and_fetch_nothing_until_bound() {
    let (grants, _) = registry(3600);
    let a = grants.grant("http://127.0.0.1:1/sparkplane/v1/credentials").unwrap();
    let b = grants.grant("http://127.0.0.1:1/sparkplane/v1/credentials").unwrap();
    assert_eq!(a.token().len(), 64);
    assert!(a.token().bytes().all(|c| c.is_ascii_hexdigit()));
    assert_ne!(a.token(), b.token());
    assert!(matches!(grants.fetch(a.token(), 0), Err(CredentialsError::UnknownToken)));
    assert!(matches!(grants.fetch("not-a-token", 0), Err(CredentialsError::UnknownToken)));
    assert!(!format!("{a:?}").contains(a.token()));
}

#[test]
fn a_bound_grant_fetches_its_runs_role_and_reuses_recent_sets() {
    let (grants, recorder) = registry(3600);
    let grant = grants.grant("u").unwrap();
    grant.bind(&run("00j"), 2, 1000).unwrap();
    let first = grants.fetch(grant.token(), 1000).unwrap();
    assert_eq!(first.role_arn, "arn:aws:iam::123456789012:role/r");
    assert_eq!(first.credentials.expiration_epoch_secs, 1000 + 3600);
    assert_eq!(*recorder.issued.lock().unwrap(), vec![("00j".to_string(), 2, 4600)]);
    // Far from its expiry: the same set.
    assert_eq!(key_of(grants.fetch(grant.token(), 1000 + 3600 - REUSE_MIN_REMAINING_SECS - 1)), "ASIA1");
    // Closer: a new one.
    assert_eq!(key_of(grants.fetch(grant.token(), 1000 + 3600 - REUSE_MIN_REMAINING_SECS)), "ASIA2");
}

#[test]
fn short_sets_are_reissued_at_most_once_per_interval() {
    let (grants, _) = registry(920);
    let grant = grants.grant("u").unwrap();
    grant.bind(&run("00j"), 1, 0).unwrap();
    assert_eq!(key_of(grants.fetch(grant.token(), 1)), "ASIA1");
    assert_eq!(key_of(grants.fetch(grant.token(), REISSUE_AFTER_SECS - 1)), "ASIA1");
    assert_eq!(key_of(grants.fetch(grant.token(), 20)), "ASIA2");
}

#[test]
fn dropping_the_grant_revokes_every_key_it_fetched() {
    let (grants, recorder) = registry(920);
    let grant = grants.grant("u").unwrap();
    let token = grant.token().to_string();
    grant.bind(&run("00j"), 1, 0).unwrap();
    key_of(grants.fetch(&token, 20));
    key_of(grants.fetch(&token, 40));
    drop(grant);
    assert_eq!(*recorder.revoked.lock().unwrap(), vec!["ASIA1", "ASIA2", "ASIA3"]);
    assert!(matches!(grants.fetch(&token, 41), Err(CredentialsError::UnknownToken)));
    assert_eq!(grants.len(), 0);
}

#[test]
fn expired_sets_are_revoked_as_new_ones_are_issued() {
    let (grants, recorder) = registry(900);
    let grant = grants.grant("u").unwrap();
    grant.bind(&run("00j"), 1, 0).unwrap();
    assert_eq!(key_of(grants.fetch(grant.token(), 900)), "ASIA2");
    assert_eq!(*recorder.revoked.lock().unwrap(), vec!["ASIA1"]);
}

#[test]
fn unbinding_revokes_and_a_grant_can_be_bound_again() {
    let (grants, recorder) = registry(3600);
    let grant = grants.grant("u").unwrap();
    grant.bind(&run("00j"), 1, 0).unwrap();
    grant.unbind();
    assert_eq!(*recorder.revoked.lock().unwrap(), vec!["ASIA1"]);
    assert!(matches!(grants.fetch(grant.token(), 1), Err(CredentialsError::UnknownToken)));
    grant.bind(&run("00k"), 1, 2).unwrap();
    assert_eq!(key_of(grants.fetch(grant.token(), 3)), "ASIA2");
    assert_eq!(recorder.issued.lock().unwrap()[1].0, "00k");
}

#[test]
fn a_role_that_cannot_be_used_fails_the_bind_and_leaves_it_unbound() {
    let (grants, recorder) = registry(3600);
    recorder.refuse.store(true, std::sync::atomic::Ordering::SeqCst);
    let grant = grants.grant("u").unwrap();
    let err = grant.bind(&run("00j"), 1, 0).unwrap_err();
    assert!(err.to_string().contains("Role r cannot be found"), "{err}");
    recorder.refuse.store(false, std::sync::atomic::Ordering::SeqCst);
    assert!(matches!(grants.fetch(grant.token(), 1), Err(CredentialsError::UnknownToken)));
}

#[test]
fn the_token_file_is_private_and_goes_with_the_grant() {
    use std::os::unix::fs::PermissionsExt;
    let (grants, _) = registry(3600);
    let dir = tempfile::tempdir().unwrap();
    let mut grant = grants.grant("u").unwrap();
    let path = grant.write_token_file(dir.path()).unwrap();
    assert_eq!(path, dir.path().join(TOKEN_FILE));
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), grant.token());
    drop(grant);
    assert!(!path.exists());
}

#[test]
fn without_an_issuer_nothing_is_served() {
    let grants = Arc::new(Grants::default());
    let grant = grants.grant("u").unwrap();
    assert!(matches!(grants.fetch(grant.token(), 0), Err(CredentialsError::UnknownToken)));
}

#[test]
fn another_server_adopts_a_grant_from_what_the_store_keeps() {
    let (old, _) = registry(3600);
    let grant = old.grant("http://127.0.0.1:1/c").unwrap();
    grant.bind(&run("r1"), 1, 1_000).unwrap();
    let kept = grant.issued_sets();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].access_key_id, "ASIA1");
    assert_eq!(kept[0].session_token_sha256, hex::encode(Sha256::digest(b"t1")), "the token's hash, not the token");
    assert_eq!(grant.token_sha256(), hex::encode(Sha256::digest(grant.token().as_bytes())));

    // The next leader: a fresh registry, the same token.
    let (new, recorder) = registry(3600);
    let expired = IssuedSet { access_key_id: "ASIA0".into(), session_token_sha256: "00".repeat(32), expires_at: 999 };
    let gone = IssuedSet { access_key_id: "ASIAGONE".into(), ..kept[0].clone() };
    let sets = [expired, gone, kept[0].clone()];
    let adopted = new.adopt(&grant.token_sha256(), "http://127.0.0.1:2/c", &run("r1"), 1, &sets, 1_000).unwrap();
    assert_eq!(*recorder.restored.lock().unwrap(), vec![kept[0].clone()], "only a live set is restored");
    assert_eq!(adopted.token(), "", "this server never learns the token");
    assert_eq!(adopted.issued_sets(), vec![kept[0].clone()]);
    // The holder's token works here, but a restored set is never handed
    // out (its secret is unknown here): a new one is issued.
    let fetched = new.fetch(grant.token(), 1_001).unwrap();
    assert_eq!(fetched.credentials.access_key_id, "ASIA1");
    assert_eq!(fetched.credentials.session_token, "t1");
    assert_eq!(recorder.issued.lock().unwrap().len(), 1, "issued anew by the new server's issuer");
    assert_eq!(adopted.issued_sets().len(), 2);
    assert!(new.adopt("not hex", "u", &run("r1"), 1, &[], 1_000).is_err());
    drop(adopted);
    let mut revoked = recorder.revoked.lock().unwrap().clone();
    revoked.sort();
    assert_eq!(revoked, vec!["ASIA1", "ASIA1"], "the restored set and the new one, each revoked at the end");
    assert!(new.fetch(grant.token(), 1_002).is_err());
}
