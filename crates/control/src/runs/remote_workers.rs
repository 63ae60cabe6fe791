//! Standalone workers placed on agents' hosts: what the server wants each
//! agent to run, and what the agents last said about them.
//!
//! The elastic attempt that placed a worker owns it (it assigns and
//! unassigns); an agent's heartbeat reads its host's assignments and
//! records its workers' status. In memory only: an attempt never outlives
//! its server, and an agent whose server restarted is told to run nothing,
//! so it stops what it ran.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Mutex;

use sparkplane_hosts::{WorkerAssignment, WorkerStatus};

struct Placed {
    host: String,
    assignment: WorkerAssignment,
    vcpu: u64,
    memory_gb: u64,
    /// The attempt's `executors/` dir: the worker's logs land in
    /// `worker-<id>/` there, where the attempt ships executor logs from.
    logs_dir: PathBuf,
    /// Whether an answer has told its agent about it: from then on the
    /// agent may be running it even before its report says so.
    handed: bool,
}

#[derive(Default)]
struct State {
    placed: BTreeMap<String, Placed>,
    /// Unassigned, and still reported by their host: it is stopping them
    /// and may still send their logs.
    leaving: BTreeMap<String, Placed>,
    status: HashMap<String, WorkerStatus>,
    /// Worker ids each host reported running in its last heartbeat.
    reported: HashMap<String, BTreeSet<String>>,
}

/// What one host holds of the placed workers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct HostUse {
    pub vcpu: u64,
    pub memory_gb: u64,
    pub workers: u32,
}

#[derive(Default)]
pub(crate) struct RemoteWorkers {
    state: Mutex<State>,
}

impl RemoteWorkers {
    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    pub(crate) fn assign(
        &self,
        host: &str,
        assignment: WorkerAssignment,
        vcpu: u64,
        memory_gb: u64,
        logs_dir: PathBuf,
    ) {
        let id = assignment.id.clone();
        let placed = Placed { host: host.to_string(), assignment, vcpu, memory_gb, logs_dir, handed: false };
        self.with(|s| s.placed.insert(id, placed));
    }

    pub(crate) fn unassign(&self, id: &str) {
        self.with(|s| {
            if let Some(placed) = s.placed.remove(id) {
                if placed.handed || s.reported.get(&placed.host).is_some_and(|running| running.contains(id)) {
                    s.leaving.insert(id.to_string(), placed);
                }
            }
            s.status.remove(id);
        });
    }

    /// Where `host` may put the logs of its worker `id`: assigned to it now,
    /// or being stopped there.
    pub(crate) fn logs_dir(&self, host: &str, id: &str) -> Option<PathBuf> {
        self.with(|s| {
            let placed = s.placed.get(id).or_else(|| s.leaving.get(id))?;
            (placed.host == host).then(|| placed.logs_dir.join(format!("worker-{id}")))
        })
    }

    /// What `host`'s agent must run now (and is told so).
    pub(crate) fn for_host(&self, host: &str) -> Vec<WorkerAssignment> {
        self.with(|s| {
            let mine = s.placed.values_mut().filter(|p| p.host == host);
            mine.map(|p| {
                p.handed = true;
                p.assignment.clone()
            })
            .collect()
        })
    }

    /// An agent's heartbeat: the status of each worker it runs. Reports of
    /// workers no longer assigned are kept only as "still running there"
    /// (the agent is stopping them).
    pub(crate) fn report(&self, host: &str, workers: &[WorkerStatus]) {
        self.with(|s| {
            for worker in workers {
                if s.placed.get(&worker.id).is_some_and(|p| p.host == host) {
                    s.status.insert(worker.id.clone(), worker.clone());
                }
            }
            let running: BTreeSet<String> = workers.iter().map(|w| w.id.clone()).collect();
            s.leaving.retain(|id, placed| placed.host != host || running.contains(id));
            s.reported.insert(host.to_string(), running);
        });
    }

    pub(crate) fn status(&self, id: &str) -> Option<WorkerStatus> {
        self.with(|s| s.status.get(id).cloned())
    }

    /// Whether any of `ids` may still run on its host: reported there, or
    /// handed to its agent and not yet reported gone.
    pub(crate) fn any_reported(&self, ids: &[String]) -> bool {
        self.with(|s| {
            s.leaving.keys().any(|id| ids.contains(id))
                || s.reported.values().any(|running| ids.iter().any(|id| running.contains(id)))
        })
    }

    /// A host that left (LOST, removed): nothing it ran is reported any more.
    pub(crate) fn forget_host(&self, host: &str) {
        self.with(|s| {
            s.reported.remove(host);
            s.leaving.retain(|_, placed| placed.host != host);
        });
    }

    /// `host`'s agent registered again (it restarted, or was LOST): what
    /// it ran is gone. Its workers are unassigned and marked failed, so
    /// their attempts give the share back and Spark recovers the executors.
    pub(crate) fn host_restarted(&self, host: &str) {
        self.with(|s| {
            let ids: Vec<String> = s.placed.iter().filter(|(_, p)| p.host == host).map(|(id, _)| id.clone()).collect();
            for id in ids {
                s.placed.remove(&id);
                let failed = Some("its host's agent restarted or was lost".to_string());
                s.status.insert(id.clone(), WorkerStatus { id, hosted: false, running: false, failed });
            }
            s.reported.remove(host);
            s.leaving.retain(|_, placed| placed.host != host);
        });
    }

    /// How many of `job_run_id`'s workers each host holds.
    pub(crate) fn run_hosts(&self, job_run_id: &str) -> BTreeMap<String, u32> {
        self.with(|s| {
            let mut out = BTreeMap::new();
            for placed in s.placed.values().filter(|p| p.assignment.job_run_id == job_run_id) {
                *out.entry(placed.host.clone()).or_default() += 1;
            }
            out
        })
    }

    /// What each host holds of the placed workers.
    pub(crate) fn use_by_host(&self) -> HashMap<String, HostUse> {
        self.with(|s| {
            let mut out: HashMap<String, HostUse> = HashMap::new();
            for placed in s.placed.values() {
                let entry = out.entry(placed.host.clone()).or_default();
                entry.vcpu += placed.vcpu;
                entry.memory_gb += placed.memory_gb;
                entry.workers += 1;
            }
            out
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assignment(id: &str) -> WorkerAssignment {
        WorkerAssignment {
            id: id.into(),
            application_id: "a".into(),
            job_run_id: "r".into(),
            release_label: "emr-7.9.0".into(),
            master_url: "spark://10.0.0.1:7077".into(),
            cores: 1,
            memory_mb: 1024,
            runtime_dir: "/rt".into(),
            env: Default::default(),
            credentials_token: Some("secret".into()),
            region_override: None,
        }
    }

    #[test]
    fn assignments_reports_and_use() {
        let workers = RemoteWorkers::default();
        let dir = PathBuf::from("/work/a/r/1/executors");
        workers.assign("h1", assignment("w1"), 1, 4, dir.clone());
        workers.assign("h1", assignment("w2"), 1, 4, dir.clone());
        workers.assign("h2", assignment("w3"), 2, 8, dir.clone());
        assert_eq!(workers.logs_dir("h1", "w1"), Some(dir.join("worker-w1")));
        assert_eq!(workers.logs_dir("h2", "w1"), None, "only the host it is on");
        assert_eq!(workers.for_host("h1").len(), 2);
        workers.unassign("w2");
        assert!(workers.logs_dir("h1", "w2").is_some(), "handed out, not yet reported: its logs may come");
        workers.report("h1", &[]);
        assert_eq!(workers.logs_dir("h1", "w2"), None, "reported gone");
        assert_eq!(workers.use_by_host()["h2"], HostUse { vcpu: 2, memory_gb: 8, workers: 1 });
        let status = WorkerStatus { id: "w1".into(), hosted: true, running: false, failed: None };
        workers.report("h1", std::slice::from_ref(&status));
        workers.report("h2", &[WorkerStatus { id: "w1".into(), ..status.clone() }]);
        assert_eq!(workers.status("w1"), Some(status), "another host's word about w1 does not count");
        workers.unassign("w1");
        assert_eq!(workers.status("w1"), None);
        assert!(workers.any_reported(&["w1".into()]), "still reported until the agent stops it");
        assert!(workers.logs_dir("h1", "w1").is_some(), "its logs may still come");
        workers.report("h1", &[]);
        assert_eq!(workers.logs_dir("h1", "w1"), None, "stopped: nothing more from it");
        workers.forget_host("h1");
        workers.forget_host("h2");
        assert!(!workers.any_reported(&["w1".into()]));
        workers.host_restarted("h2");
        assert!(workers.for_host("h2").is_empty());
        assert!(workers.status("w3").and_then(|s| s.failed).is_some(), "its attempt sees it failed");
    }
}
