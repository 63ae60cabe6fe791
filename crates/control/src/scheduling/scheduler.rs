//! The scheduler's decisions, as a pure function of observed state.
//!
//! [`plan`] looks at every unfinished run (oldest first) and the applications
//! they belong to, and returns the next actions: start an application that
//! has work, admit a submitted run (or queue it behind `maxConcurrentRuns`),
//! and schedule a pending run whose workers fit. Runs of one application are
//! served first-in first-out; a run that does not fit yet waits rather than
//! fails. The loop that applies the actions lives in `reconcile`.
//!
//! Capacity is counted the way the service counts it. A started
//! application holds its pre-initialized workers whether they are busy or
//! not; a run uses free warm workers of its sizes first and asks for
//! on-demand workers only for the rest. `maximumCapacity` caps warm plus
//! on-demand workers of one application (vCPUs, memory and, when given,
//! disk); the host's logical capacity caps them across applications.
//! Separately, physical safety caps how many engine processes run at once
//! and the heap they may claim together.
//!
//! An elastic run (dynamic allocation with executor processes) asks to grow
//! by reporting how many executors Spark wants; the planner grants what fits
//! under every cap, in the run's turn, so growth never jumps the queue.

use std::collections::{BTreeMap, HashSet};

use sparkplane_api::{ApplicationState, JobRunState};

use crate::base::capacity::Capacity;
use crate::base::host::HostLimits;

/// A run's workers, by type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Demand {
    pub driver: Capacity,
    pub executor: Capacity,
    pub executors: u32,
    /// Heap of the process the run starts (the driver JVM, or the HIVE
    /// worker's memory pool; plus an elastic run's standalone master), in MB.
    pub heap_mb: u64,
    /// Executors are processes that come and go while the run runs (a
    /// standalone master and one worker per executor) rather than threads
    /// of the driver. `executors` is then what the run holds now.
    pub elastic: bool,
    /// Heap of one executor process and its worker, in MB (elastic runs).
    pub executor_heap_mb: u64,
    /// It starts a driver process of its own whatever warm drivers are free:
    /// an interactive session whose configuration no warm driver has.
    pub own_driver: bool,
    /// An interactive session: it holds capacity but no run slot
    /// (`maxConcurrentRuns` is about job runs).
    pub session: bool,
}

impl Demand {
    pub fn total(&self) -> Capacity {
        self.driver.plus(self.executor.times(self.executors))
    }

    /// Engine processes beside the driver, and their heap: an elastic run's
    /// master (its heap is counted in `heap_mb`) and executors.
    fn side_processes(&self) -> (u32, u64) {
        if self.elastic {
            (1 + self.executors, u64::from(self.executors).saturating_mul(self.executor_heap_mb))
        } else {
            (0, 0)
        }
    }
}

/// An application's pre-initialized workers (`initialCapacity`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Warm {
    pub drivers: u32,
    pub driver: Capacity,
    pub executors: u32,
    pub executor: Capacity,
}

impl Warm {
    pub fn total(&self) -> Capacity {
        self.driver.times(self.drivers).plus(self.executor.times(self.executors))
    }
}

/// The free warm workers of one application while a pass walks its runs.
#[derive(Debug, Clone, Copy)]
struct WarmLeft {
    drivers: u32,
    executors: u32,
}

/// What a run adds on top of the warm workers it can use: on-demand
/// capacity, and whether it needs a new driver process.
fn on_demand(demand: &Demand, warm: &Warm, left: &mut WarmLeft) -> (Capacity, bool) {
    let mut extra = Capacity::default();
    // An elastic run's driver talks to its own master: never a warm driver.
    let warm_driver = left.drivers > 0 && warm.driver.serves(demand.driver) && !demand.elastic && !demand.own_driver;
    if warm_driver {
        left.drivers -= 1;
    } else {
        extra = extra.plus(demand.driver);
    }
    let from_warm = if warm.executor.serves(demand.executor) { demand.executors.min(left.executors) } else { 0 };
    left.executors -= from_warm;
    let missing = demand.executors - from_warm;
    extra = extra.plus(demand.executor.times(missing));
    (extra, !warm_driver)
}

/// Limits of the machine the runs share.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HostView {
    /// Logical capacity: warm plus on-demand workers of every application.
    pub capacity: Option<Capacity>,
    /// Physical safety: engine processes at once (driver JVMs, HIVE workers,
    /// and an elastic run's standalone master and executors).
    pub max_processes: Option<u32>,
    /// Physical safety: heap those processes may claim together, in MB. One
    /// process may always run, so that a job larger than the budget runs alone.
    pub heap_budget_mb: Option<u64>,
    /// Engine processes up besides the runs' own and the warm target: the
    /// Spark History Server, and warm Spark drivers running a job while
    /// their replacement is already up. They count against `max_processes`.
    pub busy_processes: u32,
    /// The host is DRAINING: nothing new is placed on it, neither a run
    /// (even on a warm worker already there) nor an executor to grow one.
    pub draining: bool,
}

impl HostView {
    /// The host as `limits` describe it, with nothing busy yet.
    pub fn of(limits: &HostLimits) -> HostView {
        HostView {
            capacity: Some(limits.capacity()),
            max_processes: Some(limits.max_processes),
            heap_budget_mb: Some(limits.heap_budget_mb),
            busy_processes: 0,
            draining: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppView {
    pub state: ApplicationState,
    pub auto_start: bool,
    pub maximum_capacity: Option<Capacity>,
    pub max_concurrent_runs: Option<u32>,
    pub warm: Warm,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RunView {
    pub application_id: String,
    pub job_run_id: String,
    pub state: JobRunState,
    /// What the run holds once scheduled.
    pub demand: Demand,
    /// For an elastic run that holds its resources: how many executors Spark
    /// wants now (within `minExecutors`..`maxExecutors`).
    pub grow_to: Option<u32>,
    /// Its executors on agents' hosts, by host (placed, or granted and
    /// about to be): they hold those hosts' capacity, not this host's.
    pub on_agents: BTreeMap<String, u32>,
    /// Whether its executors may go to agents' hosts (a run on the direct
    /// bucket mount or in a custom image may not).
    pub may_use_agents: bool,
    /// The agent's host its driver runs on (with its executors, threads
    /// of it), placed by [`Action::ScheduleOn`]: it holds that host's
    /// capacity, not this host's.
    pub driver_on: Option<String>,
    /// Whether its driver may run on an agent's host, when this one has no
    /// room: a Spark run with executors as threads of its driver, staged
    /// wholly from `s3://`, on the host's runtime, whose S3 access goes
    /// through the endpoint as its role.
    pub may_move_driver: bool,
}

/// An agent's host as the planner sees it: READY (not draining, not LOST),
/// with what its report offers minus the executors already placed there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentView {
    pub name: String,
    pub free: Capacity,
    pub free_processes: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    StartApplication {
        application_id: String,
    },
    /// SUBMITTED or QUEUED → PENDING.
    Admit {
        job_run_id: String,
    },
    /// SUBMITTED → QUEUED.
    Queue {
        job_run_id: String,
    },
    /// PENDING → SCHEDULED, then launch.
    Schedule {
        job_run_id: String,
    },
    /// PENDING → SCHEDULED, then launch the driver on the agent's `host`.
    ScheduleOn {
        job_run_id: String,
        host: String,
    },
    /// A running elastic run may start `executors` more executors: one on
    /// each host of `agents` (in order), the rest on this host.
    Grow {
        job_run_id: String,
        executors: u32,
        agents: Vec<String>,
    },
}

/// States in which a run counts against `maxConcurrentRuns`.
fn is_active(state: JobRunState) -> bool {
    matches!(state, JobRunState::Pending | JobRunState::Scheduled | JobRunState::Running | JobRunState::Cancelling)
}

/// States in which a run holds its resources.
pub const HOLDING: [JobRunState; 3] = [JobRunState::Scheduled, JobRunState::Running, JobRunState::Cancelling];

fn holds_resources(state: JobRunState) -> bool {
    HOLDING.contains(&state)
}

fn holds_warm(state: ApplicationState) -> bool {
    matches!(state, ApplicationState::Starting | ApplicationState::Started)
}

/// What is in use: per application and on the host.
#[derive(Default)]
struct Usage<'a> {
    app: BTreeMap<&'a str, Capacity>,
    warm_left: BTreeMap<&'a str, WarmLeft>,
    host: Capacity,
    processes: u32,
    heap_mb: u64,
}

impl<'a> Usage<'a> {
    fn observe(apps: &'a BTreeMap<String, AppView>, runs: &'a [RunView]) -> Usage<'a> {
        let mut usage = Usage::default();
        for (id, app) in apps.iter().filter(|(_, app)| holds_warm(app.state)) {
            usage.app.insert(id, app.warm.total());
            usage.warm_left.insert(id, WarmLeft { drivers: app.warm.drivers, executors: app.warm.executors });
            usage.host = usage.host.plus(app.warm.total());
            usage.processes += app.warm.drivers;
        }
        for run in runs.iter().filter(|r| holds_resources(r.state)) {
            if run.driver_on.is_some() {
                // On an agent's host: the application's, not this host's.
                let held = usage.app.entry(&run.application_id).or_default();
                *held = held.plus(run.demand.total());
                continue;
            }
            let warm = apps.get(&run.application_id).map(|a| a.warm).unwrap_or_default();
            let left = usage.warm_left.entry(&run.application_id).or_insert(WarmLeft { drivers: 0, executors: 0 });
            // Executors on agents count against the application, not this
            // host (nor its warm executors, which are here).
            let remote: u32 = run.on_agents.values().sum();
            let here = Demand { executors: run.demand.executors.saturating_sub(remote), ..run.demand };
            let (extra, new_process) = on_demand(&here, &warm, left);
            let held = usage.app.entry(&run.application_id).or_default();
            *held = held.plus(extra).plus(run.demand.executor.times(remote));
            usage.host = usage.host.plus(extra);
            if new_process {
                usage.processes += 1;
                usage.heap_mb += run.demand.heap_mb;
            }
            let (processes, heap_mb) = here.side_processes();
            usage.processes += processes;
            usage.heap_mb += heap_mb;
        }
        usage
    }
}

/// What the planner counts as held, for `/metrics`: the same accounting
/// its admission decisions use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Held {
    /// Per application: its warm capacity (while started) and its admitted
    /// runs' on-demand workers.
    pub apps: BTreeMap<String, Capacity>,
    pub host: Capacity,
    /// Engine processes of warm drivers and admitted runs.
    pub processes: u32,
    /// Heap those processes claim, in MB.
    pub heap_mb: u64,
}

pub fn held(apps: &BTreeMap<String, AppView>, runs: &[RunView]) -> Held {
    let usage = Usage::observe(apps, runs);
    Held {
        apps: usage.app.iter().map(|(id, capacity)| (id.to_string(), *capacity)).collect(),
        host: usage.host,
        processes: usage.processes,
        heap_mb: usage.heap_mb,
    }
}

/// `runs` must be ordered oldest first.
pub fn plan(apps: &BTreeMap<String, AppView>, runs: &[RunView], host: &HostView) -> Vec<Action> {
    plan_with_agents(apps, runs, host, &[])
}

/// [`plan`] with agents' hosts, where growing elastic runs may place
/// executors, and where a run that does not fit this host may run its
/// driver (with its executors as threads of it).
pub fn plan_with_agents(
    apps: &BTreeMap<String, AppView>,
    runs: &[RunView],
    host: &HostView,
    agents: &[AgentView],
) -> Vec<Action> {
    let mut agents = agents.to_vec();
    let mut actions = Vec::new();
    let mut started_apps = HashSet::new();
    let mut active: BTreeMap<&str, u32> = BTreeMap::new();
    // `maxConcurrentRuns` is about job runs: sessions (own drivers) hold
    // capacity but no run slot.
    for run in runs.iter().filter(|r| is_active(r.state) && !r.demand.session) {
        *active.entry(&run.application_id).or_default() += 1;
    }
    let mut usage = Usage::observe(apps, runs);
    usage.processes += host.busy_processes;
    // Once a run of an application waits (queue or capacity), later runs of
    // that application wait behind it; once a run waits for the host, later
    // runs that need more of the host wait behind it too.
    let mut queue_blocked = HashSet::new();
    let mut capacity_blocked = HashSet::new();
    let mut host_blocked = false;

    for run in runs {
        let Some(app) = apps.get(&run.application_id) else { continue };
        let app_id = run.application_id.as_str();
        match run.state {
            JobRunState::Submitted | JobRunState::Queued => {
                if app.state != ApplicationState::Started {
                    let startable = matches!(app.state, ApplicationState::Created | ApplicationState::Stopped);
                    if startable && app.auto_start && started_apps.insert(app_id) {
                        actions.push(Action::StartApplication { application_id: run.application_id.clone() });
                    }
                    continue;
                }
                let count = active.entry(app_id).or_default();
                let limit = app.max_concurrent_runs.unwrap_or(u32::MAX);
                if *count < limit && !queue_blocked.contains(app_id) {
                    *count += 1;
                    actions.push(Action::Admit { job_run_id: run.job_run_id.clone() });
                } else {
                    queue_blocked.insert(app_id);
                    if run.state == JobRunState::Submitted {
                        actions.push(Action::Queue { job_run_id: run.job_run_id.clone() });
                    }
                }
            }
            JobRunState::Pending => {
                // A draining host holds back nobody that cannot leave it.
                let stays = host.draining && !run.may_move_driver;
                if app.state != ApplicationState::Started || capacity_blocked.contains(app_id) || stays {
                    continue;
                }
                let mut left = usage.warm_left.get(app_id).copied().unwrap_or(WarmLeft { drivers: 0, executors: 0 });
                let (extra, new_process) = on_demand(&run.demand, &app.warm, &mut left);
                let held = usage.app.get(app_id).copied().unwrap_or_default().plus(extra);
                let fits_app = app.maximum_capacity.is_none_or(|limit| held.fits_within(limit));
                let needs_host = extra != Capacity::default() || new_process;
                let (side, side_heap) = run.demand.side_processes();
                let (processes, heap_mb) =
                    if new_process { (1 + side, run.demand.heap_mb + side_heap) } else { (side, side_heap) };
                let fits_host = !(host.draining || needs_host && host_blocked)
                    && host.capacity.is_none_or(|limit| usage.host.plus(extra).fits_within(limit))
                    && (processes == 0 || fits_physically(&usage, processes, heap_mb, host));
                if fits_app && fits_host {
                    usage.warm_left.insert(app_id, left);
                    usage.app.insert(app_id, held);
                    usage.host = usage.host.plus(extra);
                    usage.processes += processes;
                    usage.heap_mb += heap_mb;
                    actions.push(Action::Schedule { job_run_id: run.job_run_id.clone() });
                } else if let Some(host) = place_driver(&mut usage, app_id, app, run, host_blocked, &mut agents) {
                    actions.push(Action::ScheduleOn { job_run_id: run.job_run_id.clone(), host });
                } else {
                    capacity_blocked.insert(app_id);
                    // A draining host blocks nobody: nothing waits for it.
                    host_blocked |= fits_app && !host.draining;
                }
            }
            JobRunState::Scheduled | JobRunState::Running => {
                // Growth waits behind older runs that wait, like a new run.
                let Some(grow_to) = run.grow_to else { continue };
                if host_blocked || capacity_blocked.contains(app_id) || grow_to <= run.demand.executors {
                    continue;
                }
                let wanted = grow_to - run.demand.executors;
                let (granted, on_agents) = grow(&mut usage, app_id, app, run, wanted, host, &mut agents);
                if granted > 0 {
                    let action =
                        Action::Grow { job_run_id: run.job_run_id.clone(), executors: granted, agents: on_agents };
                    actions.push(action);
                }
            }
            _ => {}
        }
    }
    actions
}

#[path = "scheduler_place.rs"]
mod place;
use place::{fits_physically, grow, place_driver};

#[cfg(test)]
#[path = "scheduler_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "scheduler_props.rs"]
mod props;
