//! The scheduler loop: observe, [`plan`], apply, repeat.
//!
//! It wakes on every submit, cancel and attempt end, and at least once a
//! second. Each pass re-reads the unfinished runs from the store, so the
//! loop keeps no state that a restart could lose.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use sparkplane_api::{Application, JobRun, JobRunState};
use sparkplane_engine::spark::standalone::DAEMON_HEAP_MB;
use sparkplane_engine::ResourceRequest;

use super::scheduler::{plan_with_agents, Action, AgentView, AppView, Demand, HostView, RunView, Warm};
use crate::base::capacity::{capacity_of, maximum_capacity_of, Capacity};
use crate::base::records::attempt_of;
use crate::base::state::AppOperation;
use crate::runs::elastic::PendingPlace;
use crate::runs::plan::resources_for;
use crate::{ControlError, Controller, RunningAttempt};

pub(crate) fn app_view(app: &Application) -> AppView {
    let maximum_capacity = maximum_capacity_of(app).ok().flatten();
    let max_concurrent_runs =
        app.scheduler_configuration.as_ref().and_then(|s| s.max_concurrent_runs).and_then(|n| u32::try_from(n).ok());
    AppView {
        state: app.state,
        auto_start: app.auto_start_configuration.as_ref().and_then(|c| c.enabled).unwrap_or(true),
        maximum_capacity,
        max_concurrent_runs,
        warm: warm_of(app),
    }
}

/// The application's `initialCapacity` as the planner counts it.
fn warm_of(app: &Application) -> Warm {
    let mut warm = Warm::default();
    for (key, config) in app.initial_capacity.iter().flatten() {
        let count = u32::try_from(config.worker_count.max(0)).unwrap_or(u32::MAX);
        let size = config
            .worker_configuration
            .as_ref()
            .and_then(|w| {
                let cpu = sparkplane_api::parse_cpu(&w.cpu).ok()?;
                let memory_gb = sparkplane_api::parse_memory_gb(&w.memory).ok()?;
                let disk_gb = match &w.disk {
                    Some(disk) => sparkplane_api::parse_disk_gb(disk).ok()?,
                    None => sparkplane_engine::resources::DEFAULT_DISK_GB,
                };
                Some(Capacity { cpu: u64::from(cpu), memory_gb: u64::from(memory_gb), disk_gb: u64::from(disk_gb) })
            })
            .unwrap_or_default();
        if key.eq_ignore_ascii_case("Driver") || key.eq_ignore_ascii_case("HiveDriver") {
            (warm.drivers, warm.driver) = (count, size);
        } else {
            (warm.executors, warm.executor) = (count, size);
        }
    }
    warm
}

/// What a run asks of the host. An elastic run's heap includes its
/// standalone master, and each executor's its worker daemon.
fn demand_of(r: &ResourceRequest) -> Demand {
    let elastic = r.elastic.is_some();
    let daemon = if elastic { DAEMON_HEAP_MB } else { 0 };
    Demand {
        driver: capacity_of(&r.driver),
        executor: capacity_of(&r.executor),
        executors: r.launch_executors(),
        heap_mb: r.driver_memory_mb + daemon,
        elastic,
        executor_heap_mb: r.executor_memory_mb + daemon,
        own_driver: false,
        session: false,
    }
}

impl Controller {
    /// What `run` holds or asks for: an elastic run holds what it was
    /// granted so far.
    pub(crate) fn run_demand(&self, app: &Application, run: &JobRun) -> Demand {
        let mut demand = resources_for(app, run).as_ref().map(demand_of).unwrap_or_default();
        if let Some((granted, _)) = self.elastic.books(&run.job_run_id).filter(|_| demand.elastic) {
            demand.executors = granted;
        }
        demand
    }

    pub async fn run_scheduler(self: Arc<Self>) {
        let mut shutdown = self.shutdown.subscribe();
        loop {
            if *shutdown.borrow() {
                return;
            }
            if let Err(err) = self.apply_lifecycle_rules().await {
                tracing::error!(error = %err, "auto-stop and queue timeout pass failed");
            }
            self.sweep_hosts().await;
            if let Err(err) = self.reconcile_pool().await {
                tracing::error!(error = %err, "warm worker pass failed");
            }
            if !self.config.keep_failed_work_dirs.is_zero() {
                self.sweep_work_dirs();
            }
            self.sweep_run_history().await;
            match self.reconcile_once().await {
                // Applied actions may unlock more (admit → schedule): go again.
                Ok(applied) if applied > 0 => continue,
                Ok(_) => {}
                Err(err) => tracing::error!(error = %err, "scheduler pass failed"),
            }
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = shutdown.changed() => return,
            }
        }
    }

    async fn reconcile_once(self: &Arc<Self>) -> Result<usize, ControlError> {
        let runs = self.store.list_unfinished_job_runs().await?;
        let sessions = self.store.list_unfinished_sessions().await?;
        let mut apps: BTreeMap<String, Application> = BTreeMap::new();
        let app_ids = runs.iter().map(|r| &r.application_id).chain(sessions.iter().map(|s| &s.application_id));
        for application_id in app_ids {
            if !apps.contains_key(application_id) {
                if let Some(app) = self.store.get_application(application_id).await? {
                    apps.insert(app.application_id.clone(), app);
                }
            }
        }
        let views = self.with_session_views(self.run_views(&runs, &apps), &runs, &sessions, &apps);
        let app_views = apps.iter().map(|(id, app)| (id.clone(), app_view(app))).collect();
        let mut host = self.host_view();
        host.draining = self.own_host_draining().await;
        let agents = self.agent_views().await;
        let actions = plan_with_agents(&app_views, &views, &host, &agents);
        let count = actions.len();
        for action in actions {
            self.apply(action, &runs, &apps).await?;
        }
        Ok(count)
    }

    /// The host as the planner sees it: its limits, and the engine
    /// processes up besides the runs' own.
    pub(crate) fn host_view(&self) -> HostView {
        let mut host = HostView::of(&self.config.host);
        host.busy_processes = self.pool.spark_serving_total() + u32::from(self.dashboard.history.is_running());
        host
    }

    /// Agents' hosts that may take executors, as the planner sees them.
    async fn agent_views(&self) -> Vec<AgentView> {
        let slots = self.agent_slots().await;
        slots
            .into_iter()
            .map(|slot| AgentView {
                name: slot.name,
                free: Capacity::without_disk_limit(slot.free_vcpu, slot.free_memory_gb),
                free_processes: slot.free_processes,
            })
            .collect()
    }

    /// A run's executors on agents' hosts, placed or granted there.
    fn on_agents(&self, job_run_id: &str) -> BTreeMap<String, u32> {
        let mut hosts = self.remote_workers.run_hosts(job_run_id);
        for place in self.elastic.pending(Some(job_run_id)) {
            *hosts.entry(place.host).or_default() += 1;
        }
        hosts
    }

    /// The planner's view of `runs` (unfinished, oldest first) of `apps`.
    pub(crate) fn run_views(&self, runs: &[JobRun], apps: &BTreeMap<String, Application>) -> Vec<RunView> {
        runs.iter()
            .filter_map(|run| {
                let app = apps.get(&run.application_id)?;
                let demand = self.run_demand(app, run);
                let books = self.elastic.books(&run.job_run_id).filter(|_| demand.elastic);
                let grows = matches!(run.state, JobRunState::Scheduled | JobRunState::Running);
                let grow_to = books.filter(|_| grows).map(|(_, wanted)| wanted);
                Some(RunView {
                    application_id: run.application_id.clone(),
                    job_run_id: run.job_run_id.clone(),
                    state: run.state,
                    demand,
                    grow_to,
                    on_agents: self.on_agents(&run.job_run_id),
                    may_use_agents: self.elastic.may_use_agents(&run.job_run_id),
                    driver_on: self.remote_drivers.host_of(&run.job_run_id),
                    may_move_driver: run.state == JobRunState::Pending && self.may_move_driver(app, run),
                })
            })
            .collect()
    }

    /// `views` with this server's live sessions among them, oldest first: a
    /// session waiting for its grant is a PENDING run (sessions do not count
    /// against `maxConcurrentRuns`, which is about job runs), one granted
    /// holds its driver and executors as a RUNNING run does until it ends.
    pub(super) fn with_session_views(
        &self,
        mut views: Vec<RunView>,
        runs: &[JobRun],
        sessions: &[sparkplane_api::Session],
        apps: &BTreeMap<String, Application>,
    ) -> Vec<RunView> {
        let mut created: BTreeMap<&str, i64> =
            runs.iter().map(|run| (run.job_run_id.as_str(), run.created_at.as_millis())).collect();
        let mut any = false;
        for session in sessions {
            let Some(granted) = self.session_granted(&session.session_id) else { continue };
            let Some(app) = apps.get(&session.application_id) else { continue };
            let Some(resources) = crate::sessions::session_resources(app, session) else { continue };
            created.insert(&session.session_id, session.created_at.as_millis());
            any = true;
            views.push(RunView {
                application_id: session.application_id.clone(),
                job_run_id: session.session_id.clone(),
                state: if granted { JobRunState::Running } else { JobRunState::Pending },
                // A warm driver may become the session's engine when it
                // was started as the session's would be (see sessions::warm).
                demand: Demand {
                    own_driver: !crate::sessions::fits_warm_driver(app, session),
                    session: true,
                    ..demand_of(&resources)
                },
                grow_to: None,
                on_agents: BTreeMap::new(),
                may_use_agents: false,
                driver_on: None,
                may_move_driver: false,
            });
        }
        if any {
            // Runs come oldest first from the store; sessions join by age
            // (a stable sort keeps the store's order among equals).
            views.sort_by_key(|view| created.get(view.job_run_id.as_str()).copied().unwrap_or(i64::MIN));
        }
        views
    }

    async fn apply(
        self: &Arc<Self>,
        action: Action,
        runs: &[sparkplane_api::JobRun],
        apps: &BTreeMap<String, Application>,
    ) -> Result<(), ControlError> {
        let find = |id: &str| runs.iter().find(|r| r.job_run_id == id);
        match action {
            Action::StartApplication { application_id } => {
                self.move_application(
                    &application_id,
                    AppOperation::Start,
                    "Application started automatically for a job run",
                )
                .await
            }
            Action::Queue { job_run_id } => {
                let Some(run) = find(&job_run_id) else { return Ok(()) };
                self.update_run(&run.application_id, &job_run_id, attempt_of(run), |current| {
                    if current.state != JobRunState::Submitted {
                        return false;
                    }
                    current.state = JobRunState::Queued;
                    current.state_details =
                        "Waiting: the application runs its maximum number of concurrent runs".into();
                    true
                })
                .await
            }
            Action::Admit { job_run_id } => {
                let Some(run) = find(&job_run_id) else { return Ok(()) };
                let now = crate::base::clock::now();
                self.update_run(&run.application_id, &job_run_id, attempt_of(run), |current| {
                    if !matches!(current.state, JobRunState::Submitted | JobRunState::Queued) {
                        return false;
                    }
                    if current.state == JobRunState::Queued {
                        current.queued_duration_milliseconds = Some(now.as_millis() - current.created_at.as_millis());
                    }
                    current.state = JobRunState::Pending;
                    current.state_details = String::new();
                    true
                })
                .await
            }
            Action::Schedule { job_run_id } => {
                // A session's engine may start: its supervisor waits for this.
                if self.grant_session(&job_run_id) {
                    return Ok(());
                }
                self.schedule(find(&job_run_id), apps, None).await
            }
            Action::ScheduleOn { job_run_id, host } => {
                tracing::info!(job_run_id, %host, "driver placed on an agent's host");
                self.schedule(find(&job_run_id), apps, Some(host)).await
            }
            Action::Grow { job_run_id, executors, agents } => {
                tracing::info!(job_run_id, executors, ?agents, "elastic run grows");
                let size = find(&job_run_id)
                    .and_then(|run| Some(self.run_demand(apps.get(&run.application_id)?, run).executor))
                    .unwrap_or_default();
                let places = agents
                    .into_iter()
                    .map(|host| PendingPlace { host, vcpu: size.cpu, memory_gb: size.memory_gb })
                    .collect();
                self.elastic.grant(&job_run_id, executors, places);
                Ok(())
            }
        }
    }

    /// PENDING → SCHEDULED, and the attempt's supervisor started; its
    /// driver runs on the agent's `host` when given.
    async fn schedule(
        self: &Arc<Self>,
        run: Option<&JobRun>,
        apps: &BTreeMap<String, Application>,
        host: Option<String>,
    ) -> Result<(), ControlError> {
        let Some(run) = run else { return Ok(()) };
        let Some(app) = apps.get(&run.application_id) else { return Ok(()) };
        let job_run_id = &run.job_run_id;
        let attempt = attempt_of(run);
        let mut scheduled = false;
        self.update_run(&run.application_id, job_run_id, attempt, |current| {
            if current.state != JobRunState::Pending {
                return false;
            }
            current.state = JobRunState::Scheduled;
            current.state_details = String::new();
            scheduled = true;
            true
        })
        .await?;
        if !scheduled {
            return Ok(());
        }
        if let Some(host) = &host {
            self.remote_drivers.choose(job_run_id, host, self.run_demand(app, run).total());
        }
        if let Some(resources) = resources_for(app, run).filter(|r| r.elastic.is_some()) {
            // It starts with its floor; the rest of its initial
            // executors come as growth, as far as they fit.
            let (floor, initial) = (resources.launch_executors(), resources.executor_count);
            self.elastic.begin(job_run_id, floor, initial.max(floor));
        }
        let current = match self.get_job_run(&run.application_id, job_run_id, None).await {
            Ok(current) => current,
            Err(err) => {
                // No attempt will end them: give the bookings back now.
                self.remote_drivers.end(job_run_id);
                self.elastic.end(job_run_id);
                return Err(err);
            }
        };
        let (cancel, stop) = tokio::sync::watch::channel(None);
        self.running.lock().await.insert(job_run_id.clone(), RunningAttempt { cancel, attempt });
        tokio::spawn(self.clone().supervise_attempt(app.clone(), current, attempt, stop, None));
        Ok(())
    }
}
