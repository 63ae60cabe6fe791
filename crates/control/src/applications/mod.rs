//! The application operations of the API, with the worker sizes they accept
//! (`sizing`) and the rules time applies to applications and their queues
//! (`lifecycle`: auto-stop, queue timeouts).
//!
//! Uses `base`, `access` (local paths in `logUri`) and `pool` (an
//! application's warm workers start and stop with it); `scheduling` uses
//! it (auto-start, and the lifecycle rules on every pass).

pub(crate) mod image_pins;
pub(crate) mod images;
pub mod lifecycle;
pub mod sizing;

use sparkplane_api::{
    Application, ApplicationState, Architecture, AutoStartConfig, AutoStopConfig, CreateApplicationRequest,
    CreateApplicationResponse, JobRunState, SchedulerConfiguration, UpdateApplicationRequest, Validate,
};
use sparkplane_engine::SparkRuntime;
use sparkplane_store::{ApplicationFilter, Page, PageRequest};

use crate::access::local_paths::{self, LocalPathPolicy};
use crate::base::state::{decide_app, AppDecision, AppOperation};
use crate::base::{clock, ids};
use crate::{ControlError, Controller};

/// Application types this server runs.
const SUPPORTED_TYPES: &[&str] = &["SPARK", "HIVE"];

fn check_type(engine_type: &str) -> Result<String, ControlError> {
    let upper = engine_type.to_ascii_uppercase();
    if SUPPORTED_TYPES.contains(&upper.as_str()) {
        return Ok(upper);
    }
    Err(ControlError::validation(format!(
        "Application type '{engine_type}' is not supported by this server; supported types: {}",
        SUPPORTED_TYPES.join(", ")
    )))
}

fn check_release(label: &str) -> Result<(), ControlError> {
    SparkRuntime::for_release(label).map(|_| ()).map_err(|err| ControlError::validation(err.to_string()))
}

/// The engine an application picks for its sessions
/// (`spark.sparkplane.session.engine` in its `spark-defaults`) is checked
/// when it is set, not first when a session reads it.
fn check_session_engine(runtime: Option<&[sparkplane_api::Configuration]>) -> Result<(), ControlError> {
    sparkplane_engine::sail::SessionEngine::of(runtime.unwrap_or_default(), &[])
        .map(|_| ())
        .map_err(|err| ControlError::validation(err.to_string()))
}

fn check_log_uri(monitoring: Option<&sparkplane_api::MonitoringConfiguration>) -> Result<(), ControlError> {
    let uri = monitoring.and_then(|m| m.s3_monitoring_configuration.as_ref()).and_then(|s| s.log_uri.as_deref());
    match uri {
        Some(uri) => sparkplane_storage::Location::parse(uri)
            .map(|_| ())
            .map_err(|err| ControlError::validation(format!("Invalid logUri: {err}"))),
        None => Ok(()),
    }
}

impl Controller {
    pub async fn create_application(
        &self,
        request: CreateApplicationRequest,
        local: &dyn LocalPathPolicy,
    ) -> Result<CreateApplicationResponse, ControlError> {
        request.validate()?;
        let release_label = request.release_label.clone().unwrap_or_default();
        let engine_type = check_type(request.r#type.as_deref().unwrap_or_default())?;
        check_release(&release_label)?;
        images::check_images(
            request.image_configuration.as_ref(),
            request.worker_type_specifications.as_ref(),
            &engine_type,
            &release_label,
            self.config.containers.is_some(),
        )?;
        check_log_uri(request.monitoring_configuration.as_ref())?;
        check_session_engine(request.runtime_configuration.as_deref())?;
        local_paths::check(
            &self.config.allowed_local_dirs,
            local,
            local_paths::log_uri(request.monitoring_configuration.as_ref()),
        )?;
        let initial_capacity = request
            .initial_capacity
            .as_ref()
            .map(|capacity| sizing::normalize_initial_capacity(&engine_type, capacity))
            .transpose()?;
        if let Some(max) = &request.maximum_capacity {
            sizing::check_maximum_capacity(max)?;
        }
        let now = clock::now();
        let id = ids::new_id(now.as_millis());
        let app = Application {
            arn: sparkplane_api::application_arn(&self.config.region, &self.config.account_id, &id),
            application_id: id,
            name: request.name.clone(),
            release_label,
            r#type: engine_type,
            state: ApplicationState::Created,
            state_details: Some("Application created".into()),
            initial_capacity,
            maximum_capacity: request.maximum_capacity.clone(),
            created_at: now,
            updated_at: now,
            tags: request.tags.clone(),
            auto_start_configuration: Some(AutoStartConfig {
                enabled: Some(request.auto_start_configuration.as_ref().and_then(|c| c.enabled).unwrap_or(true)),
            }),
            auto_stop_configuration: Some(auto_stop(request.auto_stop_configuration.as_ref())),
            network_configuration: request.network_configuration.clone(),
            architecture: Some(request.architecture.unwrap_or(Architecture::X86_64)),
            image_configuration: None,
            worker_type_specifications: None,
            runtime_configuration: request.runtime_configuration.clone(),
            monitoring_configuration: request.monitoring_configuration.clone(),
            disk_encryption_configuration: request.disk_encryption_configuration.clone(),
            interactive_configuration: request.interactive_configuration.clone(),
            scheduler_configuration: scheduler_defaults(request.scheduler_configuration.as_ref()),
            identity_center_configuration: None,
            job_level_cost_allocation_configuration: request.job_level_cost_allocation_configuration.clone(),
        };
        let mut app = app;
        images::apply_images(
            &mut app,
            request.image_configuration.as_ref(),
            request.worker_type_specifications.as_ref(),
        );
        images::check_warm(&app)?;
        let client_token = request.client_token.clone().unwrap_or_else(|| app.application_id.clone());
        let _guard = self.write_lock.lock().await;
        let stored = self.store.create_application(&app, &client_token).await?.into_inner();
        tracing::info!(application_id = %stored.application_id, "application created");
        Ok(CreateApplicationResponse { application_id: stored.application_id, name: stored.name, arn: stored.arn })
    }

    pub async fn get_application(&self, application_id: &str) -> Result<Application, ControlError> {
        self.load_application(application_id).await
    }

    pub async fn list_applications(
        &self,
        filter: &ApplicationFilter,
        page: Option<PageRequest>,
    ) -> Result<Page<Application>, ControlError> {
        let page = page.unwrap_or(PageRequest::first(50));
        Ok(self.store.list_applications(filter, &page).await?)
    }

    pub async fn update_application(
        &self,
        application_id: &str,
        request: UpdateApplicationRequest,
        local: &dyn LocalPathPolicy,
    ) -> Result<Application, ControlError> {
        request.validate()?;
        if let Some(label) = &request.release_label {
            check_release(label)?;
        }
        check_log_uri(request.monitoring_configuration.as_ref())?;
        check_session_engine(request.runtime_configuration.as_deref())?;
        local_paths::check(
            &self.config.allowed_local_dirs,
            local,
            local_paths::log_uri(request.monitoring_configuration.as_ref()),
        )?;
        let _guard = self.write_lock.lock().await;
        let mut app = self.load_application(application_id).await?;
        if decide_app(app.state, AppOperation::Update) == AppDecision::Refuse {
            return Err(ControlError::validation(format!(
                "Application {application_id} must be in CREATED or STOPPED state to be updated, but it is {}",
                app.state.as_str()
            )));
        }
        macro_rules! replace {
            ($($field:ident),*) => { $( if request.$field.is_some() { app.$field = request.$field.clone(); } )* };
        }
        if let Some(capacity) = &request.initial_capacity {
            app.initial_capacity = Some(sizing::normalize_initial_capacity(&app.r#type, capacity)?);
        }
        if let Some(max) = &request.maximum_capacity {
            sizing::check_maximum_capacity(max)?;
        }
        replace!(
            maximum_capacity,
            network_configuration,
            runtime_configuration,
            monitoring_configuration,
            disk_encryption_configuration,
            interactive_configuration,
            scheduler_configuration,
            job_level_cost_allocation_configuration
        );
        if let Some(config) = &request.auto_start_configuration {
            app.auto_start_configuration = Some(AutoStartConfig { enabled: Some(config.enabled.unwrap_or(true)) });
        }
        if let Some(config) = &request.auto_stop_configuration {
            app.auto_stop_configuration = Some(auto_stop(Some(config)));
        }
        if let Some(config) = &request.scheduler_configuration {
            app.scheduler_configuration = scheduler_defaults(Some(config));
        }
        if let Some(architecture) = request.architecture {
            app.architecture = Some(architecture);
        }
        if let Some(label) = &request.release_label {
            app.release_label = label.clone();
        }
        // Checked as updated: a new release under stored images counts too.
        images::apply_images(
            &mut app,
            request.image_configuration.as_ref(),
            request.worker_type_specifications.as_ref(),
        );
        images::check_stored(&app, self.config.containers.is_some())?;
        images::check_warm(&app)?;
        app.updated_at = clock::now();
        self.store.put_application(&app).await?;
        Ok(app)
    }

    pub async fn delete_application(&self, application_id: &str) -> Result<(), ControlError> {
        let _guard = self.write_lock.lock().await;
        let mut app = self.load_application(application_id).await?;
        match decide_app(app.state, AppOperation::Delete) {
            AppDecision::Transition(states) => {
                for state in states {
                    app.state = *state;
                }
                app.state_details = Some("Application deleted".into());
                app.updated_at = clock::now();
                self.store.put_application(&app).await?;
                tracing::info!(application_id, "application deleted");
                Ok(())
            }
            _ => Err(ControlError::validation(format!(
                "Application {application_id} must be in CREATED or STOPPED state to be deleted, but it is {}",
                app.state.as_str()
            ))),
        }
    }

    pub async fn start_application(&self, application_id: &str) -> Result<(), ControlError> {
        self.move_application(application_id, AppOperation::Start, "Application started").await?;
        self.wake_scheduler();
        Ok(())
    }

    /// Refused while a run holds workers (SCHEDULED, RUNNING, CANCELLING), as
    /// the service does; runs still waiting stay queued.
    pub async fn stop_application(&self, application_id: &str) -> Result<(), ControlError> {
        self.move_application(application_id, AppOperation::Stop, "Application stopped").await
    }

    /// Applies a start or stop, persisting each intermediate state so that
    /// a crash in between is visible and recoverable.
    pub(crate) async fn move_application(
        &self,
        application_id: &str,
        operation: AppOperation,
        details: &str,
    ) -> Result<(), ControlError> {
        let _guard = self.write_lock.lock().await;
        let mut app = self.load_application(application_id).await?;
        if operation == AppOperation::Stop {
            let busy = self
                .store
                .list_unfinished_job_runs()
                .await?
                .into_iter()
                .filter(|run| run.application_id == application_id)
                .filter(|run| {
                    matches!(run.state, JobRunState::Scheduled | JobRunState::Running | JobRunState::Cancelling)
                })
                .count();
            if busy > 0 {
                return Err(ControlError::validation(format!(
                    "Application {application_id} has {busy} scheduled or running job run(s): \
                     all scheduled and running jobs must be completed or cancelled before stopping the application"
                )));
            }
            if self.has_unfinished_sessions(application_id).await? {
                return Err(ControlError::validation(format!(
                    "Application {application_id} has sessions that are not terminated: \
                     terminate them before stopping the application"
                )));
            }
        }
        match decide_app(app.state, operation) {
            AppDecision::NoOp => Ok(()),
            AppDecision::Refuse => Err(ControlError::validation(format!(
                "Application {application_id} cannot be {} while it is {}",
                if operation == AppOperation::Start { "started" } else { "stopped" },
                app.state.as_str()
            ))),
            AppDecision::Transition(states) => {
                for state in states {
                    app.state = *state;
                    app.state_details = Some(details.to_string());
                    app.updated_at = clock::now();
                    // Pre-initialized workers come up before STARTED: the
                    // pool's reconcile pass finishes the start.
                    let warm = crate::pool::warm_target(&app).drivers;
                    if app.state == ApplicationState::Starting && warm > 0 {
                        app.state_details = Some(format!("Starting {warm} pre-initialized driver worker(s)"));
                        self.store.put_application(&app).await?;
                        break;
                    }
                    // Application-level images are resolved before STARTED,
                    // by the same pass (see `image_pins`).
                    if app.state == ApplicationState::Starting && image_pins::has_pins(&app) {
                        app.state_details = Some("Resolving the application's image digests".to_string());
                        self.store.put_application(&app).await?;
                        break;
                    }
                    if app.state == ApplicationState::Stopped {
                        image_pins::clear_pins(&mut app);
                    }
                    self.store.put_application(&app).await?;
                }
                tracing::info!(application_id, state = app.state.as_str(), "application state changed");
                if app.state == ApplicationState::Stopped {
                    drop(_guard);
                    self.release_warm_workers().await;
                }
                self.wake_scheduler();
                Ok(())
            }
        }
    }
}

/// A present `schedulerConfiguration` block gets the service's defaults for
/// what it leaves out (15 concurrent runs, 360 minutes in the queue).
fn scheduler_defaults(config: Option<&SchedulerConfiguration>) -> Option<SchedulerConfiguration> {
    config.map(|c| SchedulerConfiguration {
        max_concurrent_runs: Some(c.max_concurrent_runs.unwrap_or(lifecycle::DEFAULT_MAX_CONCURRENT_RUNS)),
        queue_timeout_minutes: Some(c.queue_timeout_minutes.unwrap_or(lifecycle::DEFAULT_QUEUE_TIMEOUT_MINUTES)),
    })
}

fn auto_stop(config: Option<&AutoStopConfig>) -> AutoStopConfig {
    AutoStopConfig {
        enabled: Some(config.and_then(|c| c.enabled).unwrap_or(true)),
        idle_timeout_minutes: Some(config.and_then(|c| c.idle_timeout_minutes).unwrap_or(15)),
    }
}
