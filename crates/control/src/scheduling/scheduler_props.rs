//! Property tests of the planner's invariants over random mixes of runs,
//! warm workers and limits. The oracles below recount usage independently
//! of the planner's own bookkeeping.

use std::collections::BTreeMap;

use proptest::prelude::*;
use sparkplane_api::{ApplicationState, JobRunState};

use super::*;

const SIZE: Capacity = Capacity { cpu: 4, memory_gb: 16, disk_gb: 20 };
const OTHER: Capacity = Capacity { cpu: 2, memory_gb: 8, disk_gb: 20 };

fn state() -> impl Strategy<Value = JobRunState> {
    prop_oneof![
        Just(JobRunState::Submitted),
        Just(JobRunState::Queued),
        Just(JobRunState::Pending),
        Just(JobRunState::Pending),
        Just(JobRunState::Scheduled),
        Just(JobRunState::Running),
    ]
}

fn run() -> impl Strategy<Value = (JobRunState, bool, u32, bool)> {
    (state(), any::<bool>(), 0u32..4, any::<bool>())
}

fn build(specs: &[(JobRunState, bool, u32, bool)]) -> Vec<RunView> {
    specs
        .iter()
        .enumerate()
        .map(|(i, (state, standard_driver, executors, standard_executor))| RunView {
            application_id: "a".into(),
            job_run_id: format!("r{i}"),
            state: *state,
            demand: Demand {
                driver: if *standard_driver { SIZE } else { OTHER },
                executor: if *standard_executor { SIZE } else { OTHER },
                executors: *executors,
                heap_mb: 1024,
                ..Demand::default()
            },
            grow_to: None,
            on_agents: Default::default(),
            may_use_agents: true,
            driver_on: None,
            may_move_driver: false,
        })
        .collect()
}

/// Warm plus on-demand capacity of `held` runs: warm workers cover runs of
/// their size first, whatever the order (all such runs ask for equal sizes).
fn oracle_total(warm: &Warm, held: &[&RunView]) -> Capacity {
    let mut total = warm.total();
    let matching_drivers = held.iter().filter(|r| warm.driver.serves(r.demand.driver)).count() as u64;
    let covered_drivers = matching_drivers.min(u64::from(warm.drivers));
    let matching_executors: u64 =
        held.iter().filter(|r| warm.executor.serves(r.demand.executor)).map(|r| u64::from(r.demand.executors)).sum();
    let covered_executors = matching_executors.min(u64::from(warm.executors));
    for r in held {
        total = total.plus(r.demand.total());
    }
    let covered = |count: u64, size: Capacity| Capacity {
        cpu: count * size.cpu,
        memory_gb: count * size.memory_gb,
        disk_gb: count * size.disk_gb,
    };
    let minus = covered(covered_drivers, warm.driver).plus(covered(covered_executors, warm.executor));
    Capacity {
        cpu: total.cpu - minus.cpu,
        memory_gb: total.memory_gb - minus.memory_gb,
        disk_gb: total.disk_gb - minus.disk_gb,
    }
}

fn scheduled<'a>(actions: &[Action], runs: &'a [RunView]) -> Vec<&'a RunView> {
    runs.iter().filter(|r| actions.contains(&Action::Schedule { job_run_id: r.job_run_id.clone() })).collect()
}

proptest! {
    #[test]
    fn caps_fifo_and_warm_first(
        specs in prop::collection::vec(run(), 0..8),
        warm_drivers in 0u32..3,
        warm_executors in 0u32..5,
        max_cpu in 4u64..60,
        max_disk in 20u64..200,
        host_cpu in 4u64..80,
        max_processes in 1u32..5,
        busy_processes in 0u32..2,
    ) {
        let runs = build(&specs);
        let app_limit = Capacity { cpu: max_cpu, memory_gb: max_cpu * 4, disk_gb: max_disk };
        let host_limit = Capacity::without_disk_limit(host_cpu, host_cpu * 4);
        let warm = Warm { drivers: warm_drivers, driver: SIZE, executors: warm_executors, executor: SIZE };
        let app = AppView {
            state: ApplicationState::Started,
            auto_start: true,
            maximum_capacity: Some(app_limit),
            max_concurrent_runs: None,
            warm,
        };
        let host = HostView {
            capacity: Some(host_limit),
            max_processes: Some(max_processes),
            heap_budget_mb: None,
            busy_processes,
            draining: false,
        };
        let apps = BTreeMap::from([("a".to_string(), app)]);
        let actions = plan(&apps, &runs, &host);
        // The same state on a DRAINING host places nothing: no schedule,
        // no growth; only the applications' own queues move.
        let drained = plan(&apps, &runs, &HostView { draining: true, ..host });
        prop_assert!(drained.iter().all(|a| !matches!(a, Action::Schedule { .. } | Action::Grow { .. })), "{drained:?}");
        let before: Vec<&RunView> = runs.iter().filter(|r| holds_resources(r.state)).collect();
        let added = scheduled(&actions, &runs);
        let after: Vec<&RunView> = before.iter().copied().chain(added.iter().copied()).collect();

        // Caps hold whenever the planner adds anything.
        if !added.is_empty() {
            let total = oracle_total(&warm, &after);
            prop_assert!(total.fits_within(app_limit), "{total:?}");
            prop_assert!(total.fits_within(host_limit), "{total:?}");
        }
        // A new engine process starts only below `max_processes`, counting
        // warm drivers and the processes outside runs.
        let new_processes = |held: &[&RunView]| {
            let on_warm = held.iter().filter(|r| r.demand.driver == SIZE).count() as u32;
            held.len() as u32 - on_warm.min(warm_drivers)
        };
        if new_processes(&after) > new_processes(&before) {
            prop_assert!(warm_drivers + busy_processes + new_processes(&after) <= max_processes);
        }
        // FIFO: the scheduled runs are the oldest pending ones.
        let pending: Vec<&RunView> = runs.iter().filter(|r| r.state == JobRunState::Pending).collect();
        prop_assert_eq!(&pending[..added.len()], &added[..]);
        // No starvation: the oldest pending run goes when it fits on its own
        // (capacity and processes), and warm workers that cover it count.
        if let Some(first) = pending.first() {
            let mut with_first = before.clone();
            with_first.push(first);
            let total = oracle_total(&warm, &with_first);
            let fits = total.fits_within(app_limit) && total.fits_within(host_limit);
            let drivers_warm = before.iter().filter(|r| r.demand.driver == SIZE).count() as u32;
            let first_is_warm = first.demand.driver == SIZE && drivers_warm < warm_drivers;
            let process_ok = first_is_warm || warm_drivers + busy_processes + new_processes(&before) < max_processes;
            if fits && process_ok {
                prop_assert!(added.first() == Some(first), "{runs:?} {actions:?}");
            }
        }
    }

    #[test]
    fn admits_never_exceed_max_concurrent_runs(specs in prop::collection::vec(run(), 0..10), limit in 1u32..4) {
        let runs = build(&specs);
        let app = AppView {
            state: ApplicationState::Started,
            auto_start: true,
            maximum_capacity: None,
            max_concurrent_runs: Some(limit),
            warm: Warm::default(),
        };
        let apps = BTreeMap::from([("a".to_string(), app)]);
        let actions = plan(&apps, &runs, &HostView::default());
        let active = runs.iter().filter(|r| is_active(r.state)).count() as u32;
        let admitted: Vec<&String> = actions
            .iter()
            .filter_map(|a| match a { Action::Admit { job_run_id } => Some(job_run_id), _ => None })
            .collect();
        if !admitted.is_empty() {
            prop_assert!(active + admitted.len() as u32 <= limit);
        }
        // Admission is in submission order too.
        let waiting: Vec<&String> = runs
            .iter()
            .filter(|r| matches!(r.state, JobRunState::Submitted | JobRunState::Queued))
            .map(|r| &r.job_run_id)
            .collect();
        prop_assert_eq!(&waiting[..admitted.len()], &admitted[..]);
    }
}

/// (Running or Pending, executors, elastic, how many more it wants)
fn growing_run() -> impl Strategy<Value = (bool, u32, bool, u32)> {
    (any::<bool>(), 0u32..3, any::<bool>(), 0u32..4)
}

proptest! {
    #[test]
    fn growth_stays_within_caps_and_behind_older_runs(
        specs in prop::collection::vec(growing_run(), 0..6),
        warm_executors in 0u32..3,
        max_cpu in 4u64..40,
        host_cpu in 4u64..60,
        max_processes in 1u32..12,
    ) {
        let runs: Vec<RunView> = specs
            .iter()
            .enumerate()
            .map(|(i, (running, executors, elastic, more))| RunView {
                application_id: "a".into(),
                job_run_id: format!("r{i}"),
                state: if *running { JobRunState::Running } else { JobRunState::Pending },
                demand: Demand {
                    driver: SIZE,
                    executor: OTHER,
                    executors: *executors,
                    heap_mb: 1024,
                    elastic: *elastic,
                    executor_heap_mb: 512,
                    own_driver: false,
                    session: false,
                },
                grow_to: (*running && *elastic).then_some(executors + more),
                on_agents: Default::default(),
                may_use_agents: true,
                driver_on: None,
                may_move_driver: false,
            })
            .collect();
        let app_limit = Capacity::without_disk_limit(max_cpu, max_cpu * 4);
        let host_limit = Capacity::without_disk_limit(host_cpu, host_cpu * 4);
        let warm = Warm { drivers: 0, driver: SIZE, executors: warm_executors, executor: OTHER };
        let app = AppView {
            state: ApplicationState::Started,
            auto_start: true,
            maximum_capacity: Some(app_limit),
            max_concurrent_runs: None,
            warm,
        };
        let host = HostView { capacity: Some(host_limit), max_processes: Some(max_processes), ..HostView::default() };
        let actions = plan(&BTreeMap::from([("a".to_string(), app)]), &runs, &host);

        let mut after: Vec<RunView> = Vec::new();
        for (i, run) in runs.iter().enumerate() {
            let mut run = run.clone();
            for action in &actions {
                match action {
                    Action::Grow { job_run_id, executors, .. } if *job_run_id == run.job_run_id => {
                        prop_assert!(run.demand.executors + executors <= run.grow_to.unwrap_or(0));
                        // Older pending runs were all scheduled first.
                        for older in &runs[..i] {
                            if older.state == JobRunState::Pending {
                                let schedule = Action::Schedule { job_run_id: older.job_run_id.clone() };
                                prop_assert!(actions.contains(&schedule), "{:?}", actions);
                            }
                        }
                        run.demand.executors += executors;
                    }
                    Action::Schedule { job_run_id } if *job_run_id == run.job_run_id => run.state = JobRunState::Running,
                    _ => {}
                }
            }
            after.push(run);
        }
        let held = |views: &[RunView]| -> Vec<RunView> {
            views.iter().filter(|r| r.state == JobRunState::Running).cloned().collect()
        };
        let processes = |views: &[RunView]| -> u32 {
            held(views).iter().map(|r| 1 + if r.demand.elastic { 1 + r.demand.executors } else { 0 }).sum()
        };
        if !actions.is_empty() {
            let held_after = held(&after);
            let total = oracle_total(&warm, &held_after.iter().collect::<Vec<_>>());
            prop_assert!(total.fits_within(app_limit), "{total:?} {actions:?}");
            prop_assert!(total.fits_within(host_limit), "{total:?} {actions:?}");
        }
        if processes(&after) > processes(&runs) {
            prop_assert!(processes(&after) <= max_processes, "{actions:?}");
        }
    }
}

#[test]
fn a_run_covered_by_warm_workers_starts_even_when_the_host_is_full() {
    let warm = Warm { drivers: 1, driver: SIZE, executors: 2, executor: SIZE };
    let app = AppView {
        state: ApplicationState::Started,
        auto_start: true,
        maximum_capacity: Some(warm.total()),
        max_concurrent_runs: None,
        warm,
    };
    let host = HostView {
        capacity: Some(warm.total()),
        max_processes: Some(1),
        heap_budget_mb: Some(1),
        ..HostView::default()
    };
    let mut runs = build(&[(JobRunState::Pending, true, 2, true), (JobRunState::Pending, true, 1, true)]);
    runs[1].job_run_id = "r1".into();
    let apps = BTreeMap::from([("a".to_string(), app)]);
    // The first run fits entirely in the warm workers; the second needs an
    // on-demand driver beyond every limit and waits.
    assert_eq!(plan(&apps, &runs, &host), [Action::Schedule { job_run_id: "r0".into() }]);
}

/// (may move, standard driver, executors)
fn moving_run() -> impl Strategy<Value = (bool, bool, u32)> {
    (any::<bool>(), any::<bool>(), 0u32..3)
}

proptest! {
    #[test]
    fn drivers_placed_on_agents_fit_them_in_order_and_within_maximum_capacity(
        specs in prop::collection::vec(moving_run(), 0..7),
        agents in prop::collection::vec((0u64..48, 0u32..3), 0..4),
        max_cpu in 4u64..80,
        host_cpu in 0u64..24,
        draining in any::<bool>(),
    ) {
        let runs: Vec<RunView> = specs
            .iter()
            .enumerate()
            .map(|(i, (may_move, standard, executors))| RunView {
                application_id: "a".into(),
                job_run_id: format!("r{i}"),
                state: JobRunState::Pending,
                demand: Demand {
                    driver: if *standard { SIZE } else { OTHER },
                    executor: OTHER,
                    executors: *executors,
                    heap_mb: 1024,
                    ..Demand::default()
                },
                grow_to: None,
                on_agents: Default::default(),
                may_use_agents: true,
                driver_on: None,
                may_move_driver: *may_move,
            })
            .collect();
        let agents: Vec<AgentView> = agents
            .iter()
            .enumerate()
            .map(|(i, (cpu, processes))| AgentView {
                name: format!("h{i}"),
                free: Capacity::without_disk_limit(*cpu, cpu * 4),
                free_processes: *processes,
            })
            .collect();
        let app_limit = Capacity::without_disk_limit(max_cpu, max_cpu * 4);
        let app = AppView {
            state: ApplicationState::Started,
            auto_start: true,
            maximum_capacity: Some(app_limit),
            max_concurrent_runs: None,
            warm: Warm::default(),
        };
        let host_limit = Capacity::without_disk_limit(host_cpu, host_cpu * 4);
        let host = HostView { capacity: Some(host_limit), draining, ..HostView::default() };
        let actions = plan_with_agents(&BTreeMap::from([("a".to_string(), app)]), &runs, &host, &agents);

        let mut on_agent: BTreeMap<&str, (Capacity, u32)> = BTreeMap::new();
        let (mut here, mut everywhere) = (Capacity::default(), Capacity::default());
        let mut placed = Vec::new();
        for action in &actions {
            let (id, agent) = match action {
                Action::Schedule { job_run_id } => (job_run_id, None),
                Action::ScheduleOn { job_run_id, host } => (job_run_id, Some(host.as_str())),
                other => return Err(TestCaseError::fail(format!("unexpected {other:?}"))),
            };
            let run = runs.iter().find(|r| &r.job_run_id == id).expect("a planned run");
            everywhere = everywhere.plus(run.demand.total());
            match agent {
                Some(name) => {
                    prop_assert!(run.may_move_driver, "{id} may not move: {actions:?}");
                    let entry = on_agent.entry(name).or_default();
                    *entry = (entry.0.plus(run.demand.total()), entry.1 + 1);
                }
                None => {
                    prop_assert!(!draining, "{actions:?}");
                    here = here.plus(run.demand.total());
                }
            }
            placed.push(id.clone());
        }
        prop_assert!(here.fits_within(host_limit), "{here:?} {actions:?}");
        prop_assert!(everywhere.fits_within(app_limit), "{everywhere:?} {actions:?}");
        for (name, (held, count)) in &on_agent {
            let agent = agents.iter().find(|a| a.name == *name).expect("a known agent");
            prop_assert!(held.cpu <= agent.free.cpu && held.memory_gb <= agent.free.memory_gb, "{name}: {held:?}");
            prop_assert!(*count <= agent.free_processes, "{name}: {count}");
        }
        // First in, first out: what was placed is the oldest runs, in order,
        // leaving aside those a draining host holds that cannot leave it.
        let eligible = runs.iter().filter(|r| !draining || r.may_move_driver);
        let oldest: Vec<String> = eligible.take(placed.len()).map(|r| r.job_run_id.clone()).collect();
        prop_assert_eq!(placed, oldest);
    }
}
