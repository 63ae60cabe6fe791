//! Job drivers placed on agents' hosts: which host the scheduler chose for
//! a run, what each agent must run, and what the agents last said.
//!
//! The scheduler books a run on a host when it places it there
//! ([`RemoteDrivers::choose`]); from then until the attempt ends, that
//! host's share counts the run. The attempt assigns the driver, and an
//! agent's heartbeat reads its host's assignments and records its drivers'
//! status. In memory: what must outlive the server is kept in the store by
//! the attempt (`runs::remote_adopt`), and the next server to lead books
//! the run here again from it.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Mutex;

use sparkplane_hosts::{DriverAssignment, DriverStatus};

use super::capacity::Capacity;

struct Placed {
    host: String,
    assignment: DriverAssignment,
    /// The attempt's work dir: the driver's logs land where a local
    /// driver's would.
    work_dir: PathBuf,
}

#[derive(Default)]
struct State {
    /// Runs booked on an agent's host, by job run id: the host and what the
    /// run holds there (its driver and its executors, threads of it).
    chosen: BTreeMap<String, (String, Capacity)>,
    placed: BTreeMap<String, Placed>,
    status: HashMap<String, DriverStatus>,
}

#[derive(Default)]
pub(crate) struct RemoteDrivers {
    state: Mutex<State>,
}

impl RemoteDrivers {
    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    /// The scheduler placed `job_run_id`'s driver on `host`.
    pub(crate) fn choose(&self, job_run_id: &str, host: &str, holds: Capacity) {
        self.with(|s| s.chosen.insert(job_run_id.to_string(), (host.to_string(), holds)));
    }

    /// The agent's host a run's driver was placed on, if any.
    pub(crate) fn host_of(&self, job_run_id: &str) -> Option<String> {
        self.with(|s| s.chosen.get(job_run_id).map(|(host, _)| host.clone()))
    }

    /// The attempt ended: its host's share is free again, and its driver,
    /// if any, is no longer wanted there.
    pub(crate) fn end(&self, job_run_id: &str) {
        self.with(|s| {
            s.chosen.remove(job_run_id);
            let ids: Vec<String> = s
                .placed
                .iter()
                .filter(|(_, p)| p.assignment.job_run_id == job_run_id)
                .map(|(id, _)| id.clone())
                .collect();
            for id in ids {
                s.placed.remove(&id);
            }
            // Also those a restarted agent lost (no longer placed).
            let prefix = format!("{job_run_id}-");
            s.status.retain(|id, _| !id.starts_with(&prefix));
        });
    }

    pub(crate) fn assign(&self, host: &str, assignment: DriverAssignment, work_dir: PathBuf) {
        let id = assignment.id.clone();
        self.with(|s| s.placed.insert(id, Placed { host: host.to_string(), assignment, work_dir }));
    }

    /// Asks the agent to stop driver `id` with `grace_millis`.
    pub(crate) fn stop(&self, id: &str, grace_millis: u64) {
        self.with(|s| {
            if let Some(placed) = s.placed.get_mut(id) {
                placed.assignment.stop_grace_millis.get_or_insert(grace_millis);
            }
        });
    }

    /// The work dir of driver `id`, when it is assigned to `host`.
    pub(crate) fn work_dir(&self, host: &str, id: &str) -> Option<PathBuf> {
        self.with(|s| s.placed.get(id).filter(|p| p.host == host).map(|p| p.work_dir.clone()))
    }

    /// What `host`'s agent must run now.
    pub(crate) fn for_host(&self, host: &str) -> Vec<DriverAssignment> {
        self.with(|s| s.placed.values().filter(|p| p.host == host).map(|p| p.assignment.clone()).collect())
    }

    /// An agent's heartbeat: the status of each of its drivers.
    pub(crate) fn report(&self, host: &str, drivers: &[DriverStatus]) {
        self.with(|s| {
            for driver in drivers {
                if s.placed.get(&driver.id).is_some_and(|p| p.host == host) {
                    s.status.insert(driver.id.clone(), driver.clone());
                }
            }
        });
    }

    pub(crate) fn status(&self, id: &str) -> Option<DriverStatus> {
        self.with(|s| s.status.get(id).cloned())
    }

    /// A new agent process registered for `host`: the last one killed its
    /// drivers, so each is lost for its attempt. They are no longer
    /// assigned there, so the new agent never starts them again inside the
    /// same attempt; the attempt reads why and ends.
    pub(crate) fn host_restarted(&self, host: &str) {
        self.with(|s| {
            let lost: Vec<String> = s.placed.iter().filter(|(_, p)| p.host == host).map(|(id, _)| id.clone()).collect();
            for id in lost {
                s.placed.remove(&id);
                let failed = format!("host lost: the agent on host {host} restarted and its driver with it");
                s.status.insert(id.clone(), DriverStatus { id, running: false, exit: None, failed: Some(failed) });
            }
        });
    }

    /// What the runs booked on each agent's host hold there, and how many
    /// they are (one driver process each).
    pub(crate) fn use_by_host(&self) -> HashMap<String, (Capacity, u32)> {
        self.with(|s| {
            let mut used: HashMap<String, (Capacity, u32)> = HashMap::new();
            for (host, holds) in s.chosen.values() {
                let entry = used.entry(host.clone()).or_default();
                *entry = (entry.0.plus(*holds), entry.1 + 1);
            }
            used
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assignment(id: &str, run: &str) -> DriverAssignment {
        DriverAssignment {
            id: id.into(),
            application_id: "app".into(),
            job_run_id: run.into(),
            release_label: "emr-7.9.0".into(),
            job_driver: sparkplane_api::SparkSubmit {
                entry_point: "s3://b/job.py".into(),
                entry_point_arguments: None,
                spark_submit_parameters: None,
            },
            application_configuration: vec![],
            job_configuration: vec![],
            default_conf: vec![],
            env: Default::default(),
            runtime_dir: "/r".into(),
            credentials_token: "secret".into(),
            s3_endpoint: "http://10.0.0.1:9000".into(),
            s3_region: "us-east-1".into(),
            region_override: None,
            stop_grace_millis: None,
        }
    }

    #[test]
    fn a_booked_run_holds_its_host_until_its_attempt_ends() {
        let drivers = RemoteDrivers::default();
        drivers.choose("run-1", "a", Capacity::without_disk_limit(16, 64));
        assert_eq!(drivers.host_of("run-1").as_deref(), Some("a"));
        assert_eq!(drivers.use_by_host()["a"], (Capacity::without_disk_limit(16, 64), 1));
        drivers.assign("a", assignment("run-1-1-driver", "run-1"), PathBuf::from("/w"));
        assert_eq!(drivers.for_host("a").len(), 1);
        assert!(drivers.for_host("b").is_empty());
        // Another host cannot report it, nor send its logs.
        let status = DriverStatus { id: "run-1-1-driver".into(), running: true, exit: None, failed: None };
        drivers.report("b", std::slice::from_ref(&status));
        assert_eq!(drivers.status("run-1-1-driver"), None);
        assert_eq!(drivers.work_dir("b", "run-1-1-driver"), None);
        drivers.report("a", std::slice::from_ref(&status));
        assert_eq!(drivers.status("run-1-1-driver"), Some(status.clone()));
        drivers.stop("run-1-1-driver", 5000);
        drivers.stop("run-1-1-driver", 0);
        assert_eq!(drivers.for_host("a")[0].stop_grace_millis, Some(5000));
        let status = DriverStatus { running: false, ..status };
        drivers.host_restarted("a");
        assert!(drivers.status("run-1-1-driver").unwrap().failed.unwrap().starts_with("host lost"));
        // The new agent is not told to start it again, nor can it report it.
        assert!(drivers.for_host("a").is_empty());
        drivers.report("a", &[status]);
        assert!(drivers.status("run-1-1-driver").unwrap().failed.is_some());
        drivers.end("run-1");
        assert_eq!(drivers.status("run-1-1-driver"), None);
        assert!(drivers.for_host("a").is_empty());
        assert!(drivers.use_by_host().is_empty());
        assert_eq!(drivers.host_of("run-1"), None);
    }
}
