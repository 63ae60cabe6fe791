use super::*;
use sparkplane_store::SqliteStore;

fn report(instance: &str) -> Report {
    crate::model::sample_report(instance)
}

async fn store(dir: &tempfile::TempDir) -> Arc<dyn Store> {
    Arc::new(SqliteStore::open(&dir.path().join("state.db")).await.unwrap())
}

#[tokio::test]
async fn the_table_survives_a_restart_and_credentials_stay_valid() {
    let dir = tempfile::tempdir().unwrap();
    let hosts = Hosts::load(store(&dir).await, Liveness::default(), 0).await.unwrap();
    let (pending, token) = hosts.add("worker-1", 0).await.unwrap();
    assert_eq!(pending.state, HostState::Pending);
    assert!(matches!(hosts.add("worker-1", 0).await, Err(HostsError::Conflict(_))));
    hosts.register(&token, report("a"), 10).await.unwrap();
    hosts.register_embedded("server", report("s"), 10).await.unwrap();
    drop(hosts);

    let again = Hosts::load(store(&dir).await, Liveness::default(), 0).await.unwrap();
    let names: Vec<(String, HostState)> = again.list().await.into_iter().map(|h| (h.name, h.state)).collect();
    assert_eq!(names, [("server".to_string(), HostState::Ready), ("worker-1".to_string(), HostState::Ready)]);
    again.heartbeat(&token, report("a"), 20).await.unwrap();
    let stored = again.get("worker-1").await.unwrap();
    assert_eq!(stored.last_heartbeat_at, Some(20));
    assert!(!stored.view().to_string().contains("credential"), "the view hides the credential's hash");
}

#[tokio::test]
async fn wrong_credentials_unknown_hosts_and_nonsense_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let hosts = Hosts::load(store(&dir).await, Liveness::default(), 0).await.unwrap();
    let (_, token) = hosts.add("worker-1", 0).await.unwrap();
    let (_, other) = hosts.add("worker-2", 0).await.unwrap();
    let (_, secret) = credential::split(&other).unwrap();
    let forged = format!("worker-1.{secret}");
    assert!(matches!(hosts.register(&forged, report("a"), 1).await, Err(HostsError::Forbidden)));
    assert!(matches!(hosts.register("nobody.00", report("a"), 1).await, Err(HostsError::Forbidden)));
    let mut bad = report("a");
    bad.capacity.vcpu = 0;
    assert!(matches!(hosts.register(&token, bad, 1).await, Err(HostsError::Validation(_))));
    assert_eq!(hosts.get("worker-1").await.unwrap().state, HostState::Pending, "nothing was stored");
    assert!(matches!(hosts.add("Bad_Name", 0).await, Err(HostsError::Validation(_))));
    // A removed host's credential stops working.
    hosts.remove("worker-1", 0).await.unwrap();
    assert!(matches!(hosts.register(&token, report("a"), 2).await, Err(HostsError::Forbidden)));
}

#[tokio::test]
async fn sweep_marks_silent_agents_lost_but_not_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let liveness = Liveness { heartbeat_interval: Duration::from_secs(1), lost_after: Duration::from_secs(3) };
    let hosts = Hosts::load(store(&dir).await, liveness, 0).await.unwrap();
    let (_, token) = hosts.add("worker-1", 0).await.unwrap();
    hosts.register(&token, report("a"), 0).await.unwrap();
    hosts.register_embedded("server", report("s"), 0).await.unwrap();
    assert!(hosts.sweep(3_000).await.unwrap().is_empty());
    let lost = hosts.sweep(3_001).await.unwrap();
    assert_eq!(lost.iter().map(|h| h.name.as_str()).collect::<Vec<_>>(), ["worker-1"]);
    assert!(matches!(hosts.heartbeat(&token, report("a"), 3_002).await, Err(HostsError::Reregister(_))));
    assert_eq!(hosts.register(&token, report("a"), 3_003).await.unwrap().state, HostState::Ready);
    assert!(Liveness { heartbeat_interval: Duration::from_secs(5), lost_after: Duration::from_secs(6) }
        .validate()
        .is_err());
}

#[tokio::test]
async fn a_restarted_server_gives_agents_a_full_timeout_and_forgets_old_own_hosts() {
    let dir = tempfile::tempdir().unwrap();
    let liveness = Liveness { heartbeat_interval: Duration::from_secs(1), lost_after: Duration::from_secs(3) };
    let hosts = Hosts::load(store(&dir).await, liveness, 0).await.unwrap();
    let (_, token) = hosts.add("worker-1", 0).await.unwrap();
    hosts.register(&token, report("a"), 0).await.unwrap();
    hosts.register_embedded("old-name", report("s"), 0).await.unwrap();
    drop(hosts);
    // Down for a minute: the agent's last heartbeat is old, but the new
    // server only started listening at 60 s.
    let again = Hosts::load(store(&dir).await, liveness, 60_000).await.unwrap();
    again.register_embedded("new-name", report("s"), 60_000).await.unwrap();
    assert!(again.sweep(62_000).await.unwrap().is_empty());
    let lost: Vec<String> = again.sweep(63_001).await.unwrap().into_iter().map(|h| h.name).collect();
    assert_eq!(lost, ["old-name", "worker-1"], "the old own host is a silent machine now");
    again.remove("old-name", 0).await.unwrap();
}
