//! Table tests of the planner, one scenario each: admission, queueing,
//! FIFO, capacity caps, warm workers and elastic growth.

use super::*;
use ApplicationState as A;
use JobRunState as J;

fn app(state: ApplicationState) -> AppView {
    AppView { state, auto_start: true, maximum_capacity: None, max_concurrent_runs: None, warm: Warm::default() }
}

fn run(id: &str, state: JobRunState, cpu: u64) -> RunView {
    let driver = Capacity { cpu, memory_gb: cpu * 4, disk_gb: 20 };
    RunView {
        application_id: "a".into(),
        job_run_id: id.into(),
        state,
        demand: Demand { driver, heap_mb: 1024, ..Demand::default() },
        grow_to: None,
        on_agents: Default::default(),
        may_use_agents: true,
        driver_on: None,
        may_move_driver: false,
    }
}

const NO_HOST: HostView =
    HostView { capacity: None, max_processes: None, heap_budget_mb: None, busy_processes: 0, draining: false };

fn apps(view: AppView) -> BTreeMap<String, AppView> {
    BTreeMap::from([("a".to_string(), view)])
}

#[test]
fn submitted_run_on_a_stopped_app_starts_it_once() {
    let runs = [run("r1", J::Submitted, 1), run("r2", J::Submitted, 1)];
    let actions = plan(&apps(app(A::Stopped)), &runs, &NO_HOST);
    assert_eq!(actions, [Action::StartApplication { application_id: "a".into() }]);
    let mut no_auto = app(A::Created);
    no_auto.auto_start = false;
    assert!(plan(&apps(no_auto), &runs, &NO_HOST).is_empty());
}

#[test]
fn admits_then_schedules_on_a_started_app() {
    let actions = plan(&apps(app(A::Started)), &[run("r1", J::Submitted, 1), run("r0", J::Pending, 1)], &NO_HOST);
    assert_eq!(actions, [Action::Admit { job_run_id: "r1".into() }, Action::Schedule { job_run_id: "r0".into() }]);
}

#[test]
fn max_concurrent_runs_queues_in_submission_order() {
    let mut view = app(A::Started);
    view.max_concurrent_runs = Some(1);
    let runs = [run("r1", J::Running, 1), run("r2", J::Submitted, 1), run("r3", J::Queued, 1)];
    assert_eq!(plan(&apps(view.clone()), &runs, &NO_HOST), [Action::Queue { job_run_id: "r2".into() }]);
    // When the running one ends, the oldest waiting run goes first.
    let runs = [run("r2", J::Queued, 1), run("r3", J::Queued, 1)];
    assert_eq!(plan(&apps(view), &runs, &NO_HOST), [Action::Admit { job_run_id: "r2".into() }]);
}

#[test]
fn maximum_capacity_makes_runs_wait_fifo() {
    let mut view = app(A::Started);
    view.maximum_capacity = Some(Capacity::without_disk_limit(4, 100));
    let runs = [run("r1", J::Running, 3), run("r2", J::Pending, 2), run("r3", J::Pending, 1)];
    // r3 would fit, but r2 came first and is still waiting.
    assert!(plan(&apps(view.clone()), &runs, &NO_HOST).is_empty());
    let runs = [run("r2", J::Pending, 2), run("r3", J::Pending, 1)];
    assert_eq!(
        plan(&apps(view), &runs, &NO_HOST),
        [Action::Schedule { job_run_id: "r2".into() }, Action::Schedule { job_run_id: "r3".into() }]
    );
}

#[test]
fn never_exceeds_caps_and_never_starves_with_free_capacity() {
    // A small exhaustive sweep over run mixes in lieu of a property test.
    let states = [J::Submitted, J::Queued, J::Pending, J::Scheduled, J::Running, J::Cancelling];
    for limit_cpu in 1..=6u64 {
        for max_runs in 1..=3u32 {
            for mask in 0..(states.len() * states.len() * states.len()) {
                let picks = [mask % 6, (mask / 6) % 6, (mask / 36) % 6];
                let runs: Vec<RunView> =
                    picks.iter().enumerate().map(|(i, s)| run(&format!("r{i}"), states[*s], (i as u64) + 1)).collect();
                let mut view = app(A::Started);
                view.maximum_capacity = Some(Capacity::without_disk_limit(limit_cpu, 1000));
                view.max_concurrent_runs = Some(max_runs);
                let actions = plan(&apps(view), &runs, &NO_HOST);
                let held_before: u64 =
                    runs.iter().filter(|r| holds_resources(r.state)).map(|r| r.demand.total().cpu).sum();
                let scheduled: u64 = actions
                    .iter()
                    .filter_map(|a| match a {
                        Action::Schedule { job_run_id } => runs.iter().find(|r| &r.job_run_id == job_run_id),
                        _ => None,
                    })
                    .map(|r| r.demand.total().cpu)
                    .sum();
                if scheduled > 0 {
                    assert!(held_before + scheduled <= limit_cpu, "{runs:?} {actions:?}");
                }
                let active_before = runs.iter().filter(|r| is_active(r.state)).count() as u32;
                let admitted = actions.iter().filter(|a| matches!(a, Action::Admit { .. })).count() as u32;
                if admitted > 0 {
                    assert!(active_before + admitted <= max_runs, "{runs:?} {actions:?}");
                }
                // The oldest pending run is scheduled whenever it fits.
                if let Some(first) = runs.iter().find(|r| r.state == J::Pending) {
                    if held_before + first.demand.total().cpu <= limit_cpu {
                        assert!(actions.contains(&Action::Schedule { job_run_id: first.job_run_id.clone() }));
                    }
                }
            }
        }
    }
}

#[test]
fn a_warm_driver_with_its_own_disk_still_serves_runs_of_its_size() {
    // initialCapacity with a 30 GB disk; the run asks the default 20 GB. The
    // pool hands it the warm driver, so the planner must count it as used.
    let warm_driver = Capacity { cpu: 2, memory_gb: 8, disk_gb: 30 };
    let mut view = app(A::Started);
    view.warm = Warm { drivers: 1, driver: warm_driver, executors: 0, executor: Capacity::default() };
    view.maximum_capacity = Some(warm_driver);
    let mut pending = run("r1", J::Pending, 2);
    pending.demand.driver = Capacity { disk_gb: 20, ..warm_driver };
    assert_eq!(plan(&apps(view), &[pending], &NO_HOST), [Action::Schedule { job_run_id: "r1".into() }]);
}

#[test]
fn an_elastic_run_grows_within_maximum_capacity_and_waits_behind_older_runs() {
    let executor = Capacity { cpu: 1, memory_gb: 2, disk_gb: 20 };
    let elastic = |id: &str, state: JobRunState, executors: u32, grow_to: Option<u32>| {
        let mut r = run(id, state, 1);
        r.demand = Demand { executor, executors, elastic: true, executor_heap_mb: 512, ..r.demand };
        r.grow_to = grow_to;
        r
    };
    let mut view = app(A::Started);
    // Driver (1 vCPU) plus three executors of 1 vCPU.
    view.maximum_capacity = Some(Capacity::without_disk_limit(4, 16));
    let runs = [elastic("r1", J::Running, 1, Some(5))];
    assert_eq!(
        plan(&apps(view.clone()), &runs, &NO_HOST),
        [Action::Grow { job_run_id: "r1".into(), executors: 2, agents: vec![] }]
    );
    // Every executor is a process: the master, the driver and one executor
    // leave room for one more under a limit of four.
    let host = HostView { max_processes: Some(4), ..NO_HOST };
    assert_eq!(
        plan(&apps(view.clone()), &runs, &host),
        [Action::Grow { job_run_id: "r1".into(), executors: 1, agents: vec![] }]
    );
    // Wanting what it holds, or being cancelled, asks for nothing.
    assert!(plan(&apps(view.clone()), &[elastic("r1", J::Running, 2, Some(2))], &NO_HOST).is_empty());
    assert!(plan(&apps(view.clone()), &[elastic("r1", J::Cancelling, 1, Some(3))], &NO_HOST).is_empty());
    // An older run waiting for capacity goes first: growth waits behind it.
    let runs = [run("r0", J::Pending, 8), elastic("r1", J::Running, 1, Some(3))];
    view.maximum_capacity = Some(Capacity::without_disk_limit(8, 64));
    assert!(plan(&apps(view), &runs, &NO_HOST).is_empty());
}

#[test]
fn held_counts_warm_capacity_and_admitted_runs_only() {
    let mut started = app(A::Started);
    let warm_driver = Capacity { cpu: 2, memory_gb: 8, disk_gb: 20 };
    started.warm = Warm { drivers: 1, driver: warm_driver, ..Warm::default() };
    let runs = [run("r1", J::Running, 4), run("r2", J::Submitted, 8)];
    let used = held(&apps(started), &runs);
    // The warm driver is too small for the 4-vCPU run, which is on demand;
    // the submitted run holds nothing yet.
    assert_eq!(used.apps["a"], Capacity { cpu: 6, memory_gb: 24, disk_gb: 40 });
    assert_eq!(used.host, used.apps["a"]);
    assert_eq!((used.processes, used.heap_mb), (2, 1024));
    // A stopped application holds neither its warm capacity nor anything else.
    let mut stopped = app(A::Stopped);
    stopped.warm = Warm { drivers: 1, driver: warm_driver, ..Warm::default() };
    assert_eq!(held(&apps(stopped), &[]), Held::default());
}

#[test]
fn a_draining_host_places_nothing_new_but_still_admits() {
    let draining = HostView { draining: true, ..NO_HOST };
    let runs = [run("r1", J::Submitted, 1), run("r0", J::Pending, 1)];
    // Admission is the application's queue, not a placement: it goes on.
    assert_eq!(plan(&apps(app(A::Started)), &runs, &draining), [Action::Admit { job_run_id: "r1".into() }]);
    let mut growing = run("r2", J::Running, 1);
    growing.demand.elastic = true;
    growing.grow_to = Some(3);
    assert!(plan(&apps(app(A::Started)), &[growing.clone()], &draining).is_empty(), "no executors either");
    assert!(
        !plan(&apps(app(A::Started)), &[growing], &NO_HOST).is_empty(),
        "the same growth is granted when not draining"
    );
}

fn agent(name: &str, cpu: u64, processes: u32) -> AgentView {
    AgentView { name: name.into(), free: Capacity::without_disk_limit(cpu, cpu * 4), free_processes: processes }
}

#[test]
fn growth_spreads_over_agents_hosts_that_fit() {
    let executor = Capacity { cpu: 1, memory_gb: 2, disk_gb: 20 };
    let mut growing = run("r1", J::Running, 1);
    growing.demand = Demand { executor, executors: 1, elastic: true, executor_heap_mb: 512, ..growing.demand };
    growing.grow_to = Some(4);
    let agents = [agent("h1", 8, 8), agent("h2", 8, 8)];
    let actions = plan_with_agents(&apps(app(A::Started)), &[growing.clone()], &NO_HOST, &agents);
    // The run's first executor is here: the next go to the agents, one each,
    // then back here (the host holding the fewest of the run's executors).
    assert_eq!(
        actions,
        [Action::Grow { job_run_id: "r1".into(), executors: 3, agents: vec!["h1".into(), "h2".into()] }]
    );
    // A draining (or full) host here: growth goes to the agents only, and
    // only as far as their free capacity and process slots go.
    let draining = HostView { draining: true, ..NO_HOST };
    let small = [agent("h1", 1, 8), agent("h2", 8, 0)];
    let actions = plan_with_agents(&apps(app(A::Started)), &[growing.clone()], &draining, &small);
    assert_eq!(actions, [Action::Grow { job_run_id: "r1".into(), executors: 1, agents: vec!["h1".into()] }]);
    // Executors already on an agent hold that agent, not this host: with
    // room for one executor process here, the run's remote ones leave it free.
    let mut spread = growing;
    spread.demand.executors = 3;
    spread.on_agents = BTreeMap::from([("h1".to_string(), 1), ("h2".to_string(), 1)]);
    let host = HostView { max_processes: Some(4), ..NO_HOST };
    let actions = plan_with_agents(&apps(app(A::Started)), &[spread], &host, &[]);
    assert_eq!(actions, [Action::Grow { job_run_id: "r1".into(), executors: 1, agents: vec![] }]);
}

#[test]
fn a_session_unlike_the_warm_driver_waits_for_capacity_like_a_run() {
    // The warm driver fills maximumCapacity: a run takes it, a session whose
    // configuration it does not have would need a new driver and must wait.
    let warm_driver = Capacity { cpu: 2, memory_gb: 8, disk_gb: 20 };
    let mut view = app(A::Started);
    view.warm = Warm { drivers: 1, driver: warm_driver, executors: 0, executor: Capacity::default() };
    view.maximum_capacity = Some(warm_driver);
    let mut session = run("s1", J::Pending, 2);
    session.demand.own_driver = true;
    session.demand.session = true;
    assert!(plan(&apps(view.clone()), &[session.clone()], &NO_HOST).is_empty());
    assert_eq!(
        plan(&apps(view.clone()), &[run("r1", J::Pending, 2)], &NO_HOST),
        [Action::Schedule { job_run_id: "r1".into() }]
    );
    // Without warm workers it is scheduled as a run is, and once it holds
    // its capacity (RUNNING), a later run waits behind it.
    let mut cold = app(A::Started);
    cold.maximum_capacity = Some(warm_driver);
    assert_eq!(plan(&apps(cold.clone()), &[session.clone()], &NO_HOST), [Action::Schedule { job_run_id: "s1".into() }]);
    session.state = J::Running;
    assert!(plan(&apps(cold), &[session.clone(), run("r2", J::Pending, 2)], &NO_HOST).is_empty());
    // It takes no run slot: with maxConcurrentRuns 1 a run is still admitted.
    let mut one_run = app(A::Started);
    one_run.max_concurrent_runs = Some(1);
    assert_eq!(
        plan(&apps(one_run), &[session, run("r3", J::Submitted, 1)], &NO_HOST),
        [Action::Admit { job_run_id: "r3".into() }]
    );
}

#[test]
fn a_session_like_the_warm_driver_takes_it_as_a_run_would_and_no_run_slot() {
    let warm_driver = Capacity { cpu: 2, memory_gb: 8, disk_gb: 20 };
    let mut view = app(A::Started);
    view.warm = Warm { drivers: 1, driver: warm_driver, executors: 0, executor: Capacity::default() };
    view.maximum_capacity = Some(warm_driver);
    view.max_concurrent_runs = Some(1);
    let mut session = run("s1", J::Pending, 2);
    session.demand.session = true;
    assert_eq!(plan(&apps(view.clone()), &[session.clone()], &NO_HOST), [Action::Schedule { job_run_id: "s1".into() }]);
    // Holding the warm driver, it leaves a run the run slot but no capacity.
    session.state = J::Running;
    assert_eq!(
        plan(&apps(view), &[session, run("r1", J::Submitted, 2)], &NO_HOST),
        [Action::Admit { job_run_id: "r1".into() }]
    );
}

#[test]
fn a_run_that_does_not_fit_here_runs_its_driver_on_the_agent_with_most_room() {
    let host = HostView { capacity: Some(Capacity::without_disk_limit(4, 16)), ..NO_HOST };
    let mut mover = run("r1", J::Pending, 8);
    mover.may_move_driver = true;
    let agents = [agent("h1", 8, 1), agent("h2", 16, 2), agent("h3", 32, 0)];
    let actions = plan_with_agents(&apps(app(A::Started)), &[mover.clone()], &host, &agents);
    // h3 has the most vCPUs but no process slot left.
    assert_eq!(actions, [Action::ScheduleOn { job_run_id: "r1".into(), host: "h2".into() }]);
    // One that fits here stays here; one that may not move waits.
    let small = Demand { driver: Capacity { cpu: 2, memory_gb: 8, disk_gb: 20 }, ..mover.demand };
    let here = RunView { demand: small, ..mover.clone() };
    assert_eq!(
        plan_with_agents(&apps(app(A::Started)), &[here], &host, &agents),
        [Action::Schedule { job_run_id: "r1".into() }]
    );
    let stuck = RunView { may_move_driver: false, ..mover.clone() };
    assert!(plan_with_agents(&apps(app(A::Started)), &[stuck], &host, &agents).is_empty());
    // A draining host sends every run that may move to the agents, and
    // two runs are not placed on the room of one.
    let draining = HostView { draining: true, ..NO_HOST };
    let second = RunView { job_run_id: "r2".into(), ..mover.clone() };
    let actions = plan_with_agents(&apps(app(A::Started)), &[mover.clone(), second], &draining, &agents[..1]);
    assert_eq!(actions, [Action::ScheduleOn { job_run_id: "r1".into(), host: "h1".into() }]);
    // maximumCapacity still counts a run whose driver is elsewhere.
    let mut capped = app(A::Started);
    capped.maximum_capacity = Some(Capacity::without_disk_limit(12, 100));
    let running = RunView { state: J::Running, driver_on: Some("h1".into()), job_run_id: "r0".into(), ..mover.clone() };
    assert!(plan_with_agents(&apps(capped), &[running.clone(), mover.clone()], &draining, &agents).is_empty());
    // ...and holds its agent's room, not this host's.
    let held = held(&apps(app(A::Started)), &[running]);
    assert_eq!((held.host, held.processes), (Capacity::default(), 0));
    assert_eq!(held.apps["a"].cpu, 8);
}
