//! The job-run operations of the API: StartJobRun (refusing what could never
//! run), ListJobRuns, ListJobRunAttempts, CancelJobRun, the driver logs, and
//! the end of an attempt with its retry. GetJobRun and the update of a
//! stored run, which layers below this one need too, are in
//! `base::records`.

use sparkplane_api::{
    ApiError, CancelJobRunResponse, JobRun, JobRunMode, JobRunState, StartJobRunRequest, StartJobRunResponse, Timestamp,
};
use sparkplane_store::{Created, JobRunFilter, Page, PageRequest};

use super::attempt::{StopRequest, DEFAULT_GRACE, DEFAULT_TIMEOUT_MINUTES};
use super::plan::{plan_for, run_uris};
use crate::access::local_paths::{self, LocalPathPolicy};
use crate::base::capacity::{capacity_of, maximum_capacity_of, Capacity};
use crate::base::records::attempt_of;
use crate::base::state::{decide_app, decide_cancel, AppDecision, AppOperation, CancelDecision};
use crate::base::{clock, ids, metering};
use crate::{ControlError, Controller};

/// The service's range for a cancel grace period; 0 means immediate.
const MIN_GRACE_SECONDS: i64 = 15;
const MAX_GRACE_SECONDS: i64 = 1800;

/// Filters of ListJobRuns, already parsed from the query string.
#[derive(Debug, Clone, Default)]
pub struct JobRunListQuery {
    pub filter: JobRunFilter,
    pub page: Option<PageRequest>,
}

/// Which driver stream `sparkplane logs` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogStream {
    Stdout,
    Stderr,
}

impl Controller {
    /// `created_by`: the ARN of the caller, which the run reports as `createdBy`.
    pub async fn start_job_run(
        &self,
        application_id: &str,
        request: StartJobRunRequest,
        created_by: &str,
        local: &dyn LocalPathPolicy,
    ) -> Result<StartJobRunResponse, ControlError> {
        let app = self.load_application(application_id).await?;
        let job_driver = request.job_driver.clone().unwrap_or_default();
        let app_type = app.r#type.to_ascii_uppercase();
        match (app_type.as_str(), &job_driver.spark_submit, &job_driver.hive) {
            ("SPARK", Some(_), None) | ("HIVE", None, Some(_)) => {}
            _ => {
                return Err(ControlError::validation(format!(
                    "Job driver does not match the application type {}: use {} for this application",
                    app.r#type,
                    if app_type == "HIVE" { "jobDriver.hive" } else { "jobDriver.sparkSubmit" }
                )))
            }
        }
        if decide_app(app.state, AppOperation::SubmitJob) == AppDecision::Refuse {
            return Err(ControlError::validation(format!(
                "Application {application_id} is in {} state and cannot accept job runs",
                app.state.as_str()
            )));
        }
        let auto_start = app.auto_start_configuration.as_ref().and_then(|c| c.enabled).unwrap_or(true);
        if !auto_start && app.state != sparkplane_api::ApplicationState::Started {
            return Err(ControlError::validation(format!(
                "Application {application_id} is not started and auto-start is disabled: start the application first"
            )));
        }
        let mode = request.mode.unwrap_or(JobRunMode::Batch);
        if let Some(max) = request.retry_policy.as_ref().and_then(|p| p.max_attempts) {
            if max > super::retry::MAX_ATTEMPTS {
                return Err(ControlError::validation(format!(
                    "1 validation error detected: Value '{max}' at 'retryPolicy.maxAttempts' failed to satisfy constraint: \
                     Member must have value less than or equal to {}",
                    super::retry::MAX_ATTEMPTS
                )));
            }
        }
        if mode == JobRunMode::Batch && request.execution_timeout_minutes == Some(0) {
            return Err(ControlError::validation(
                "Setting executionTimeoutMinutes to 0 to disable the timeout is not supported for BATCH job runs",
            ));
        }
        let now = clock::now();
        let job_run_id = ids::new_id(now.as_millis());
        let account = &self.config.account_id;
        let run = JobRun {
            arn: sparkplane_api::job_run_arn(&self.config.region, account, application_id, &job_run_id),
            application_id: application_id.to_string(),
            job_run_id,
            name: request.name.clone(),
            created_by: created_by.to_string(),
            created_at: now,
            updated_at: now,
            execution_role: request.execution_role_arn.clone().unwrap_or_default(),
            execution_iam_policy: request.execution_iam_policy.clone(),
            state: JobRunState::Submitted,
            state_details: String::new(),
            release_label: app.release_label.clone(),
            configuration_overrides: request.configuration_overrides.clone(),
            job_driver,
            tags: request.tags.clone(),
            total_resource_utilization: None,
            network_configuration: app.network_configuration.clone(),
            total_execution_duration_seconds: None,
            execution_timeout_minutes: Some(request.execution_timeout_minutes.unwrap_or(DEFAULT_TIMEOUT_MINUTES)),
            billed_resource_utilization: None,
            mode: Some(mode),
            retry_policy: request.retry_policy.clone(),
            attempt: Some(1),
            attempt_created_at: Some(now),
            attempt_updated_at: Some(now),
            started_at: None,
            ended_at: None,
            queued_duration_milliseconds: None,
            // The images the run will use; their digests are filled in when
            // an attempt resolves them.
            image_configuration: app.image_configuration.clone().map(|mut image| {
                image.resolved_image_digest = None;
                image
            }),
            worker_type_specifications: app.worker_type_specifications.clone().map(|mut specs| {
                specs.values_mut().filter_map(|spec| spec.image_configuration.as_mut()).for_each(|image| {
                    image.resolved_image_digest = None;
                });
                specs
            }),
            flex_execution: request.flex_execution.clone(),
        };
        // Reject what can never run now, not after it was queued.
        let plan = plan_for(&app, &run).map_err(|err| ControlError::validation(err.to_string()))?;
        local_paths::check(&self.config.allowed_local_dirs, local, run_uris(&app, &run, &plan))?;
        let workers = plan.resources().launch_workers();
        let needed = workers.iter().fold(Capacity::default(), |sum, w| sum.plus(capacity_of(w)));
        let never_fits = |limit: Capacity, what: &str, remedy: &str| {
            if needed.fits_within(limit) {
                return Ok(());
            }
            let sizes = |c: Capacity| match limit.disk_gb {
                u64::MAX => format!("{} vCPU, {} GB", c.cpu, c.memory_gb),
                _ => format!("{} vCPU, {} GB, {} GB disk", c.cpu, c.memory_gb, c.disk_gb),
            };
            Err(ControlError::validation(format!(
                "The job run needs {} workers with {} in total, more than {what} ({}): it could never start. \
                 Lower the driver/executor sizes or spark.executor.instances{remedy}",
                workers.len(),
                sizes(needed),
                sizes(limit),
            )))
        };
        if let Some(max) = maximum_capacity_of(&app)? {
            never_fits(max, "the application's maximumCapacity", ", or raise maximumCapacity")?;
        }
        // A run whose driver may move to an agent's host need only fit one
        // of them; others must fit this host.
        let here = self.config.host.capacity();
        if !needed.fits_within(here) && self.may_move_driver(&app, &run) {
            let largest = self.largest_agent_capacity().await;
            if !largest.is_some_and(|largest| needed.fits_within(largest)) {
                let biggest = match largest {
                    Some(agent) if (agent.cpu, agent.memory_gb) > (here.cpu, here.memory_gb) => agent,
                    _ => here,
                };
                never_fits(biggest, "any host offers", "")?;
            }
        } else {
            never_fits(here, "this host offers", "")?;
        }
        let resources = plan.resources();
        if resources.elastic.is_some() {
            // Its driver, its standalone master and its first executors.
            let processes = 2 + resources.launch_executors();
            let max = self.config.host.max_processes;
            if processes > max {
                return Err(ControlError::validation(format!(
                    "The job run needs {processes} engine processes at once (driver, standalone master and {} \
                     executors), more than this host runs ({max}): lower spark.dynamicAllocation.minExecutors",
                    processes - 2
                )));
            }
        }
        let client_token = request.client_token.clone().unwrap_or_else(|| run.job_run_id.clone());
        let _guard = self.write_lock.lock().await;
        let stored = self.store.create_job_run(&run, &client_token).await?;
        drop(_guard);
        if matches!(stored, Created::New(_)) {
            tracing::info!(application_id, job_run_id = %run.job_run_id, "job run submitted");
            self.wake_scheduler();
        }
        let run = stored.into_inner();
        Ok(StartJobRunResponse { application_id: run.application_id, job_run_id: run.job_run_id, arn: run.arn })
    }

    pub async fn list_job_runs(
        &self,
        application_id: &str,
        query: &JobRunListQuery,
    ) -> Result<Page<JobRun>, ControlError> {
        let page = query.page.clone().unwrap_or(PageRequest::first(50));
        Ok(self.store.list_job_runs(application_id, &query.filter, &page).await?)
    }

    pub async fn list_job_run_attempts(
        &self,
        application_id: &str,
        job_run_id: &str,
        page: Option<PageRequest>,
    ) -> Result<Page<JobRun>, ControlError> {
        self.get_job_run(application_id, job_run_id, None).await?;
        let page = page.unwrap_or(PageRequest::first(50));
        Ok(self.store.list_job_run_attempts(application_id, job_run_id, &page).await?)
    }

    pub async fn cancel_job_run(
        &self,
        application_id: &str,
        job_run_id: &str,
        grace_seconds: Option<i64>,
    ) -> Result<CancelJobRunResponse, ControlError> {
        let grace = match grace_seconds {
            None => DEFAULT_GRACE,
            Some(seconds) if seconds == 0 || (MIN_GRACE_SECONDS..=MAX_GRACE_SECONDS).contains(&seconds) => {
                std::time::Duration::from_secs(seconds as u64)
            }
            Some(seconds) => {
                return Err(ControlError::validation(format!(
                    "1 validation error detected: Value '{seconds}' at 'shutdownGracePeriodInSeconds' failed to satisfy constraint: \
                     Member must be 0 (immediate termination) or between {MIN_GRACE_SECONDS} and {MAX_GRACE_SECONDS} seconds"
                )))
            }
        };
        let run = self.get_job_run(application_id, job_run_id, None).await?;
        let attempt = attempt_of(&run);
        let response =
            CancelJobRunResponse { application_id: application_id.to_string(), job_run_id: job_run_id.to_string() };
        match decide_cancel(run.state) {
            CancelDecision::Refuse => Err(ControlError::validation(format!(
                "Job run {job_run_id} is in {} state and cannot be cancelled",
                run.state.as_str()
            ))),
            CancelDecision::AlreadyCancelling => Ok(response),
            CancelDecision::Immediate => {
                let ended_at = clock::now();
                let usage = metering::usage(&[], 0);
                self.update_run(application_id, job_run_id, attempt, |current| {
                    if !matches!(decide_cancel(current.state), CancelDecision::Immediate) {
                        return false;
                    }
                    current.state = JobRunState::Cancelled;
                    current.state_details = "Job run was cancelled before it started".into();
                    current.ended_at = Some(ended_at);
                    current.total_execution_duration_seconds = Some(0);
                    current.total_resource_utilization = Some(usage.total.clone());
                    current.billed_resource_utilization = Some(sparkplane_api::ResourceUtilization::default());
                    true
                })
                .await?;
                self.wake_scheduler();
                Ok(response)
            }
            CancelDecision::Signal => {
                self.mark_cancelling(application_id, job_run_id, attempt).await?;
                if let Some(handle) = self.running.lock().await.get(job_run_id) {
                    let _ = handle.cancel.send(Some(StopRequest::Cancel { grace }));
                }
                Ok(response)
            }
        }
    }

    pub(crate) async fn mark_cancelling(
        &self,
        application_id: &str,
        job_run_id: &str,
        attempt: u32,
    ) -> Result<(), ControlError> {
        self.update_run(application_id, job_run_id, attempt, |current| {
            if !matches!(current.state, JobRunState::Scheduled | JobRunState::Running) {
                return false;
            }
            current.state = JobRunState::Cancelling;
            current.state_details = "Job run is being cancelled".into();
            true
        })
        .await
    }

    /// Reads a driver stream of the run's latest attempt from `offset`.
    /// Returns the bytes and whether the run is over (nothing more will come).
    pub async fn read_driver_log(
        &self,
        application_id: &str,
        job_run_id: &str,
        stream: LogStream,
        offset: u64,
    ) -> Result<(Vec<u8>, bool), ControlError> {
        let run = self.get_job_run(application_id, job_run_id, None).await?;
        let folder = if run.job_driver.hive.is_some() {
            crate::hive::HIVE_DRIVER_LOG_FOLDER
        } else {
            sparkplane_engine::spark::DRIVER_LOG_FOLDER
        };
        let name = match stream {
            LogStream::Stdout => "stdout",
            LogStream::Stderr => "stderr",
        };
        let attempt = attempt_of(&run);
        let path = self.config.attempt_dir(application_id, job_run_id, attempt).join("logs").join(folder).join(name);
        let tail = |bytes: Vec<u8>| bytes.get(offset as usize..).map(<[u8]>::to_vec).unwrap_or_default();
        let bytes = match tokio::fs::read(&path).await {
            Ok(bytes) => tail(bytes),
            // A retired attempt's work dir is gone: its shipped copy.
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                self.shipped_driver_log(application_id, job_run_id, attempt, folder, name).map(tail).unwrap_or_default()
            }
            Err(err) => return Err(ControlError::Api(ApiError::internal(format!("read driver log: {err}")))),
        };
        Ok((bytes, run.state.is_terminal()))
    }
}

impl Controller {
    /// Ends attempt `attempt` through `change` (see [`Controller::update_run`])
    /// and, when it failed and the retry policy allows, writes the next
    /// attempt as PENDING in the same critical section.
    pub(crate) async fn finish_attempt(
        &self,
        application_id: &str,
        job_run_id: &str,
        attempt: u32,
        change: impl FnOnce(&mut JobRun) -> bool,
    ) -> Result<(), ControlError> {
        let _guard = self.write_lock.lock().await;
        let Some(run) = self.change_run_locked(application_id, job_run_id, attempt, change).await? else {
            return Ok(());
        };
        if let Some(next) = super::retry::next_attempt(&run, attempt, run.updated_at) {
            tracing::info!(job_run_id, attempt = attempt + 1, "retrying failed job run");
            self.store.put_job_run(&next, attempt + 1).await?;
            self.wake_scheduler();
        }
        Ok(())
    }
}

/// Epoch milliseconds of a query-string timestamp, for list filters.
pub fn query_timestamp(value: &str, field: &str) -> Result<i64, ApiError> {
    Timestamp::parse_query_value(value).map(|t| t.as_millis()).ok_or_else(|| {
        ApiError::validation(format!(
            "1 validation error detected: Value '{value}' at '{field}' is not a valid timestamp"
        ))
    })
}
