//! One behavioural test suite for every [`Store`] backend.
//!
//! `store_test_suite!(expr)` expands to one `#[tokio::test]` per case, each
//! building a fresh store with `expr` (anything [`AsStore`]: a store, or a
//! fixture that also cleans up after it); SQLite (in memory and on disk) and
//! PostgreSQL (a fresh database per case) run the very same cases.

use serde_json::json;
use sparkplane_api::{Application, ApplicationState, JobRun, JobRunState, Session, SessionState};

use crate::{ApplicationFilter, Created, Fence, JobRunFilter, PageRequest, SessionFilter, Store, StoreError};

/// What a case needs from its fixture: the store under test.
pub trait AsStore {
    fn as_store(&self) -> &dyn Store;
}

impl<T: Store> AsStore for T {
    fn as_store(&self) -> &dyn Store {
        self
    }
}

/// Opaque documents are compared as JSON: PostgreSQL keeps them as JSONB,
/// which normalizes spacing and key order.
fn as_json(text: Option<&str>) -> Option<serde_json::Value> {
    text.map(|text| serde_json::from_str(text).expect("a stored document is JSON"))
}

pub fn application(id: &str, created_at_ms: i64) -> Application {
    serde_json::from_value(json!({
        "applicationId": id,
        "name": format!("app-{id}"),
        "arn": format!("arn:aws:emr-serverless:us-east-1:123456789012:/applications/{id}"),
        "releaseLabel": "emr-7.9.0",
        "type": "SPARK",
        "state": "CREATED",
        "createdAt": created_at_ms as f64 / 1000.0,
        "updatedAt": created_at_ms as f64 / 1000.0,
        "tags": {"team": "data"},
    }))
    .expect("valid application fixture")
}

pub fn job_run(app_id: &str, id: &str, created_at_ms: i64) -> JobRun {
    serde_json::from_value(json!({
        "applicationId": app_id,
        "jobRunId": id,
        "arn": format!("arn:aws:emr-serverless:us-east-1:123456789012:/applications/{app_id}/jobruns/{id}"),
        "createdBy": "arn:aws:iam::123456789012:root",
        "createdAt": created_at_ms as f64 / 1000.0,
        "updatedAt": created_at_ms as f64 / 1000.0,
        "executionRole": "arn:aws:iam::123456789012:role/JobRole",
        "state": "SUBMITTED",
        "stateDetails": "submitted",
        "releaseLabel": "emr-7.9.0",
        "jobDriver": {"sparkSubmit": {"entryPoint": "/tmp/x.py"}},
        "mode": "BATCH",
    }))
    .expect("valid job run fixture")
}

pub async fn create_is_idempotent_on_client_token(store: &dyn Store) {
    let first = application("00app1", 1_000);
    let created = store.create_application(&first, "token-1").await.unwrap();
    assert_eq!(created, Created::New(first.clone()));
    let second = application("00app2", 2_000);
    let again = store.create_application(&second, "token-1").await.unwrap();
    assert_eq!(again, Created::Existing(first.clone()));
    assert_eq!(store.get_application("00app2").await.unwrap(), None);
    assert_eq!(store.get_application("00app1").await.unwrap(), Some(first));
}

pub async fn put_application_replaces_and_missing_is_an_error(store: &dyn Store) {
    let mut app = application("00app1", 1_000);
    store.create_application(&app, "t").await.unwrap();
    app.state = ApplicationState::Started;
    store.put_application(&app).await.unwrap();
    let loaded = store.get_application("00app1").await.unwrap().unwrap();
    assert_eq!(loaded.state, ApplicationState::Started);
    let ghost = application("00ghost", 1);
    assert!(store.put_application(&ghost).await.is_err());
}

pub async fn list_applications_pages_newest_first_and_filters(store: &dyn Store) {
    for i in 0..5 {
        let mut app = application(&format!("00app{i}"), 1_000 + i);
        if i % 2 == 0 {
            app.state = ApplicationState::Started;
        }
        store.create_application(&app, &format!("t{i}")).await.unwrap();
    }
    let mut seen = Vec::new();
    let mut page = PageRequest::first(2);
    loop {
        let result = store.list_applications(&ApplicationFilter::default(), &page).await.unwrap();
        assert!(result.items.len() <= 2);
        seen.extend(result.items.iter().map(|a| a.application_id.clone()));
        match result.next_token {
            Some(token) => page.next_token = Some(token),
            None => break,
        }
    }
    assert_eq!(seen, ["00app4", "00app3", "00app2", "00app1", "00app0"]);
    let started = ApplicationFilter { states: vec![ApplicationState::Started] };
    let result = store.list_applications(&started, &PageRequest::first(50)).await.unwrap();
    let ids: Vec<_> = result.items.iter().map(|a| a.application_id.as_str()).collect();
    assert_eq!(ids, ["00app4", "00app2", "00app0"]);
    assert_eq!(result.next_token, None);
    let bad = PageRequest { max_results: 2, next_token: Some("nothex".into()) };
    assert!(store.list_applications(&ApplicationFilter::default(), &bad).await.is_err());
}

pub async fn job_runs_are_idempotent_per_application(store: &dyn Store) {
    store.create_application(&application("00a", 1), "ta").await.unwrap();
    store.create_application(&application("00b", 2), "tb").await.unwrap();
    let run = job_run("00a", "00run1", 10);
    assert!(matches!(store.create_job_run(&run, "tok").await.unwrap(), Created::New(_)));
    let again = store.create_job_run(&job_run("00a", "00run2", 11), "tok").await.unwrap();
    assert_eq!(again, Created::Existing(run.clone()));
    // The same token on another application is a different run.
    let other = job_run("00b", "00run3", 12);
    assert!(matches!(store.create_job_run(&other, "tok").await.unwrap(), Created::New(_)));
    assert_eq!(store.get_job_run("00a", "00run1").await.unwrap(), Some(run));
    // A run is only found under its own application.
    assert_eq!(store.get_job_run("00b", "00run1").await.unwrap(), None);
}

pub async fn job_run_updates_keep_attempt_snapshots(store: &dyn Store) {
    store.create_application(&application("00a", 1), "ta").await.unwrap();
    let mut run = job_run("00a", "00run1", 10);
    store.create_job_run(&run, "tok").await.unwrap();
    run.state = JobRunState::Failed;
    store.put_job_run(&run, 1).await.unwrap();
    run.state = JobRunState::Running;
    store.put_job_run(&run, 2).await.unwrap();
    let latest = store.get_job_run("00a", "00run1").await.unwrap().unwrap();
    assert_eq!(latest.state, JobRunState::Running);
    let first = store.get_job_run_attempt("00a", "00run1", 1).await.unwrap().unwrap();
    assert_eq!(first.state, JobRunState::Failed);
    let attempts = store.list_job_run_attempts("00a", "00run1", &PageRequest::first(1)).await.unwrap();
    assert_eq!(attempts.items.len(), 1);
    assert_eq!(attempts.items[0].state, JobRunState::Failed);
    let token = attempts.next_token.expect("a second page");
    let rest = store
        .list_job_run_attempts("00a", "00run1", &PageRequest { max_results: 5, next_token: Some(token) })
        .await
        .unwrap();
    assert_eq!(rest.items.len(), 1);
    assert_eq!(rest.items[0].state, JobRunState::Running);
    assert_eq!(store.get_job_run_attempt("00a", "00run1", 3).await.unwrap(), None);
}

pub async fn list_job_runs_filters_by_state_and_time(store: &dyn Store) {
    store.create_application(&application("00a", 1), "ta").await.unwrap();
    for i in 0..4 {
        let mut run = job_run("00a", &format!("00run{i}"), 100 * (i + 1));
        store.create_job_run(&run, &format!("t{i}")).await.unwrap();
        if i >= 2 {
            run.state = JobRunState::Success;
            store.put_job_run(&run, 1).await.unwrap();
        }
    }
    let all = store.list_job_runs("00a", &JobRunFilter::default(), &PageRequest::first(50)).await.unwrap();
    assert_eq!(all.items.len(), 4);
    assert_eq!(all.items[0].job_run_id, "00run3");
    let done = JobRunFilter { states: vec![JobRunState::Success], ..Default::default() };
    let result = store.list_job_runs("00a", &done, &PageRequest::first(50)).await.unwrap();
    assert_eq!(result.items.len(), 2);
    let window = JobRunFilter { created_at_after: Some(200), created_at_before: Some(300), ..Default::default() };
    let result = store.list_job_runs("00a", &window, &PageRequest::first(50)).await.unwrap();
    let ids: Vec<_> = result.items.iter().map(|r| r.job_run_id.as_str()).collect();
    assert_eq!(ids, ["00run2", "00run1"]);
    let unfinished = store.list_unfinished_job_runs().await.unwrap();
    let ids: Vec<_> = unfinished.iter().map(|r| r.job_run_id.as_str()).collect();
    assert_eq!(ids, ["00run0", "00run1"]);
    let counts = store.count_job_runs().await.unwrap();
    let counts: Vec<(&str, &str, u64)> =
        counts.iter().map(|c| (c.application_id.as_str(), c.state.as_str(), c.count)).collect();
    assert_eq!(counts, [("00a", "SUBMITTED", 2), ("00a", "SUCCESS", 2)]);
    let done = store.list_job_runs_in_states(&[JobRunState::Success, JobRunState::Failed]).await.unwrap();
    let ids: Vec<_> = done.iter().map(|r| r.job_run_id.as_str()).collect();
    assert_eq!(ids, ["00run2", "00run3"], "oldest first");
    assert!(store.list_job_runs_in_states(&[]).await.unwrap().is_empty());
}

pub fn session(app_id: &str, id: &str, created_at_ms: i64) -> Session {
    serde_json::from_value(json!({
        "applicationId": app_id,
        "sessionId": id,
        "arn": format!("arn:aws:emr-serverless:us-east-1:123456789012:/applications/{app_id}/sessions/{id}"),
        "createdBy": "arn:aws:iam::123456789012:root",
        "createdAt": created_at_ms as f64 / 1000.0,
        "updatedAt": created_at_ms as f64 / 1000.0,
        "executionRoleArn": "arn:aws:iam::123456789012:role/JobRole",
        "state": "SUBMITTED",
        "stateDetails": "",
        "releaseLabel": "emr-7.13.0",
        "idleTimeoutMinutes": 60,
    }))
    .expect("valid session fixture")
}

pub async fn sessions_are_idempotent_filtered_and_paged(store: &dyn Store) {
    store.create_application(&application("00a", 1), "ta").await.unwrap();
    store.create_application(&application("00b", 2), "tb").await.unwrap();
    let first = session("00a", "00s0", 100);
    assert!(matches!(store.create_session(&first, "tok").await.unwrap(), Created::New(_)));
    let again = store.create_session(&session("00a", "00sx", 101), "tok").await.unwrap();
    assert_eq!(again, Created::Existing(first.clone()));
    assert!(matches!(store.create_session(&session("00b", "00sb", 102), "tok").await.unwrap(), Created::New(_)));
    for i in 1..4 {
        store.create_session(&session("00a", &format!("00s{i}"), 100 * (i + 1)), &format!("t{i}")).await.unwrap();
    }
    let mut ended = first.clone();
    ended.state = SessionState::Terminated;
    store.put_session(&ended).await.unwrap();
    assert_eq!(store.get_session("00a", "00s0").await.unwrap(), Some(ended));
    assert_eq!(store.get_session("00b", "00s0").await.unwrap(), None, "only under its own application");
    let page = store.list_sessions("00a", &SessionFilter::default(), &PageRequest::first(3)).await.unwrap();
    let ids: Vec<_> = page.items.iter().map(|s| s.session_id.as_str()).collect();
    assert_eq!(ids, ["00s3", "00s2", "00s1"], "newest first");
    let rest = PageRequest { max_results: 3, next_token: page.next_token };
    let rest = store.list_sessions("00a", &SessionFilter::default(), &rest).await.unwrap();
    assert_eq!(rest.items.len(), 1);
    assert_eq!(rest.next_token, None);
    let done = SessionFilter { states: vec![SessionState::Terminated], ..Default::default() };
    let result = store.list_sessions("00a", &done, &PageRequest::first(50)).await.unwrap();
    assert_eq!(result.items.len(), 1);
    let window = SessionFilter { created_at_after: Some(200), created_at_before: Some(300), ..Default::default() };
    let result = store.list_sessions("00a", &window, &PageRequest::first(50)).await.unwrap();
    let ids: Vec<_> = result.items.iter().map(|s| s.session_id.as_str()).collect();
    assert_eq!(ids, ["00s2", "00s1"]);
    let unfinished = store.list_unfinished_sessions().await.unwrap();
    let ids: Vec<_> = unfinished.iter().map(|s| s.session_id.as_str()).collect();
    assert_eq!(ids, ["00sb", "00s1", "00s2", "00s3"], "oldest first, ended ones left out");
    let missing = session("00a", "00nope", 5);
    assert!(store.put_session(&missing).await.is_err());
}

pub async fn catalog_keeps_databases_and_tables(store: &dyn Store) {
    assert!(store.create_catalog_database("default", "{}").await.unwrap());
    assert!(!store.create_catalog_database("default", "{\"other\":1}").await.unwrap());
    assert_eq!(as_json(store.get_catalog_database("default").await.unwrap().as_deref()), Some(json!({})));
    assert_eq!(store.get_catalog_database("nope").await.unwrap(), None);
    // A table needs its database.
    assert!(store.put_catalog_table("nope", "t", "{}").await.is_err());
    store.put_catalog_table("default", "b", "{\"v\":1}").await.unwrap();
    store.put_catalog_table("default", "a", "{\"v\":1}").await.unwrap();
    store.put_catalog_table("default", "b", "{\"v\":2}").await.unwrap();
    assert_eq!(as_json(store.get_catalog_table("default", "b").await.unwrap().as_deref()), Some(json!({"v": 2})));
    let names: Vec<String> = store.list_catalog_tables("default").await.unwrap().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["a", "b"]);
    assert!(store.drop_catalog_table("default", "a").await.unwrap());
    assert!(!store.drop_catalog_table("default", "a").await.unwrap());
    assert_eq!(store.list_catalog_databases().await.unwrap(), ["default"]);
}

pub async fn iam_entities_insert_replace_delete(store: &dyn Store) {
    assert!(store.insert_iam_entity("user", "alice", r#"{"n":1}"#).await.unwrap());
    assert!(!store.insert_iam_entity("user", "alice", r#"{"n":2}"#).await.unwrap(), "a duplicate is refused");
    // The same key in another kind is another entity.
    assert!(store.insert_iam_entity("role", "alice", r#"{"r":1}"#).await.unwrap());
    assert!(store.replace_iam_entity("user", "alice", r#"{"n":3}"#).await.unwrap());
    assert!(!store.replace_iam_entity("user", "bob", r#"{"n":4}"#).await.unwrap(), "replace needs an existing entity");
    let all = store.list_iam_entities().await.unwrap();
    let seen: Vec<(&str, &str, Option<serde_json::Value>)> =
        all.iter().map(|e| (e.kind.as_str(), e.key.as_str(), as_json(Some(&e.body)))).collect();
    assert_eq!(seen, vec![("role", "alice", Some(json!({"r": 1}))), ("user", "alice", Some(json!({"n": 3})))]);
    assert!(store.delete_iam_entity("user", "alice").await.unwrap());
    assert!(!store.delete_iam_entity("user", "alice").await.unwrap());
    assert_eq!(store.list_iam_entities().await.unwrap().len(), 1);
}

pub async fn hosts_insert_replace_delete(store: &dyn Store) {
    assert!(store.insert_host("worker-b", r#"{"state":"READY"}"#).await.unwrap());
    assert!(!store.insert_host("worker-b", r#"{"state":"LOST"}"#).await.unwrap(), "a duplicate is refused");
    assert!(store.insert_host("worker-a", r#"{"state":"READY"}"#).await.unwrap());
    assert!(store.replace_host("worker-b", r#"{"state":"DRAINING"}"#).await.unwrap());
    assert!(!store.replace_host("worker-c", r#"{"state":"READY"}"#).await.unwrap(), "replace needs an existing host");
    let seen: Vec<(String, Option<serde_json::Value>)> =
        store.list_hosts().await.unwrap().into_iter().map(|h| (h.name, as_json(Some(&h.body)))).collect();
    assert_eq!(
        seen,
        vec![
            ("worker-a".to_string(), Some(json!({"state": "READY"}))),
            ("worker-b".to_string(), Some(json!({"state": "DRAINING"})))
        ]
    );
    assert!(store.delete_host("worker-a").await.unwrap());
    assert!(!store.delete_host("worker-a").await.unwrap());
    assert_eq!(store.list_hosts().await.unwrap().len(), 1);
}

pub async fn driver_placements_put_replace_delete(store: &dyn Store) {
    store.put_driver_placement("run-b", r#"{"attempt":1}"#).await.unwrap();
    store.put_driver_placement("run-a", r#"{"attempt":1}"#).await.unwrap();
    store.put_driver_placement("run-b", r#"{"attempt":2}"#).await.unwrap();
    let seen: Vec<(String, Option<serde_json::Value>)> =
        store.list_driver_placements().await.unwrap().into_iter().map(|p| (p.id, as_json(Some(&p.body)))).collect();
    assert_eq!(
        seen,
        vec![("run-a".to_string(), Some(json!({"attempt": 1}))), ("run-b".to_string(), Some(json!({"attempt": 2})))]
    );
    assert!(store.delete_driver_placement("run-a").await.unwrap());
    assert!(!store.delete_driver_placement("run-a").await.unwrap());
    assert_eq!(store.list_driver_placements().await.unwrap().len(), 1);
}

pub async fn writes_are_fenced_by_the_lease_they_were_made_under(store: &dyn Store) {
    let fenced = |result: Result<(), StoreError>| matches!(result, Err(StoreError::Fenced { token: 1, .. }));
    let first = store.acquire_lease("leader", "a", 60_000).await.unwrap();
    store.fence(Fence { lease: "leader".into(), holder: "a".into(), token: first.token });
    let app = application("app-1", 1_000);
    store.create_application(&app, "t1").await.unwrap();
    store.create_job_run(&job_run("app-1", "run-1", 1_000), "r1").await.unwrap();
    store.insert_host("h", r#"{"v":1}"#).await.unwrap();
    assert!(store.create_catalog_database("db", "{}").await.unwrap());

    // Another server takes over: nothing this one writes lands any more.
    assert!(store.release_lease("leader", "a").await.unwrap());
    let second = store.acquire_lease("leader", "b", 60_000).await.unwrap();
    assert_eq!(second.token, first.token + 1);
    assert!(fenced(store.create_application(&application("app-2", 2_000), "t2").await.map(|_| ())));
    let mut run = job_run("app-1", "run-1", 1_000);
    run.state = JobRunState::Failed;
    assert!(fenced(store.put_job_run(&run, 1).await));
    assert!(fenced(store.replace_host("h", r#"{"v":2}"#).await.map(|_| ())));
    assert!(fenced(store.put_driver_placement("run-1-1-driver", "{}").await));
    assert!(fenced(store.insert_iam_entity("user", "u", "{}").await.map(|_| ())));
    assert!(fenced(store.put_catalog_table("db", "t", "{}").await));
    assert_eq!(store.get_application("app-2").await.unwrap(), None);
    assert_eq!(store.get_job_run("app-1", "run-1").await.unwrap().unwrap().state, JobRunState::Submitted);
    assert_eq!(as_json(Some(&store.list_hosts().await.unwrap()[0].body)), Some(json!({"v": 1})));
    assert!(store.list_driver_placements().await.unwrap().is_empty());
    // The election's own rows are never fenced: any candidate writes them.
    store.put_server("a", "{}").await.unwrap();

    // Fenced with the lease it now holds, the store writes again.
    store.fence(Fence { lease: "leader".into(), holder: "b".into(), token: second.token });
    store.put_job_run(&run, 1).await.unwrap();
    assert_eq!(store.get_job_run("app-1", "run-1").await.unwrap().unwrap().state, JobRunState::Failed);
}

pub async fn lease_is_one_holders_until_it_expires(store: &dyn Store) {
    assert_eq!(store.get_lease("leader").await.unwrap(), None);
    let first = store.acquire_lease("leader", "a", 60_000).await.unwrap();
    assert_eq!((first.holder.as_str(), first.token), ("a", 1));
    assert!(first.expires_in_ms > 50_000, "{first:?}");
    let refused = store.acquire_lease("leader", "b", 60_000).await.unwrap();
    assert_eq!((refused.holder.as_str(), refused.token), ("a", 1), "a live lease keeps its holder");
    let renewed = store.acquire_lease("leader", "a", 60_000).await.unwrap();
    assert_eq!((renewed.holder.as_str(), renewed.token), ("a", 1), "renewing keeps the token");
    // A short lease expires on the store's clock; then another takes it.
    store.acquire_lease("leader", "a", 50).await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let taken = loop {
        let seen = store.acquire_lease("leader", "b", 60_000).await.unwrap();
        if seen.holder == "b" || std::time::Instant::now() > deadline {
            break seen;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!((taken.holder.as_str(), taken.token), ("b", 2), "a new holder gets a greater token");
    assert!(taken.held_for_ms < 5_000, "{taken:?}");
    let late = store.acquire_lease("leader", "a", 60_000).await.unwrap();
    assert_eq!(late.holder, "b", "the old holder cannot take it back while it lives");
    // Letting it go hands it over at once; other leases are separate.
    assert!(!store.release_lease("leader", "a").await.unwrap());
    assert!(store.release_lease("leader", "b").await.unwrap());
    assert!(store.get_lease("leader").await.unwrap().unwrap().expires_in_ms <= 0);
    let next = store.acquire_lease("leader", "a", 60_000).await.unwrap();
    assert_eq!((next.holder.as_str(), next.token), ("a", 3));
    assert_eq!(store.acquire_lease("other", "b", 60_000).await.unwrap().token, 1);
}

pub async fn servers_are_listed_with_their_age(store: &dyn Store) {
    store.put_server("s-b", r#"{"address":"10.0.0.2:8080"}"#).await.unwrap();
    store.put_server("s-a", r#"{"address":"10.0.0.1:8080"}"#).await.unwrap();
    store.put_server("s-b", r#"{"address":"10.0.0.3:8080"}"#).await.unwrap();
    let servers = store.list_servers().await.unwrap();
    let seen: Vec<(&str, Option<serde_json::Value>)> =
        servers.iter().map(|s| (s.name.as_str(), as_json(Some(&s.body)))).collect();
    assert_eq!(
        seen,
        vec![("s-a", Some(json!({"address": "10.0.0.1:8080"}))), ("s-b", Some(json!({"address": "10.0.0.3:8080"})))]
    );
    assert!(servers.iter().all(|s| (0..5_000).contains(&s.seen_ms_ago)), "{servers:?}");
    assert!(store.delete_server("s-a").await.unwrap());
    assert!(!store.delete_server("s-a").await.unwrap());
    assert_eq!(store.list_servers().await.unwrap().len(), 1);
}

#[macro_export]
macro_rules! store_test_suite {
    ($make:expr) => {
        $crate::store_test_suite!(@cases $make;
            create_is_idempotent_on_client_token,
            put_application_replaces_and_missing_is_an_error,
            list_applications_pages_newest_first_and_filters,
            job_runs_are_idempotent_per_application,
            job_run_updates_keep_attempt_snapshots,
            list_job_runs_filters_by_state_and_time,
            sessions_are_idempotent_filtered_and_paged,
            catalog_keeps_databases_and_tables,
            iam_entities_insert_replace_delete,
            hosts_insert_replace_delete,
            driver_placements_put_replace_delete,
            lease_is_one_holders_until_it_expires,
            writes_are_fenced_by_the_lease_they_were_made_under,
            servers_are_listed_with_their_age,
        );
    };
    (@cases $make:expr; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                let store = $make;
                $crate::test_suite::$case($crate::test_suite::AsStore::as_store(&store)).await;
            }
        )*
    };
}
