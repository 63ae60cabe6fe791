//! The pool's reconcile pass, run by the scheduler loop: bring each
//! application's warm workers to what it wants, finish STARTING
//! applications whose workers are ready, stop the workers of applications
//! that no longer want them.

use std::sync::Arc;
use std::time::Instant;

use sparkplane_api::{Application, ApplicationState};
use sparkplane_store::{ApplicationFilter, PageRequest};

use sparkplane_engine::spark::{hadoop_s3, SparkJobPlan, WarmDriver};
use sparkplane_engine::EngineError;

use super::{warm_target, worker_log_path, WarmSpark, WarmWorker};
use crate::access::sandbox::worker_exe;
use crate::applications::image_pins::PinStep;
use crate::base::clock;
use crate::hive::channel::WarmHiveWorker;
use crate::{ControlError, Controller};

impl Controller {
    /// Applications that may hold warm workers.
    async fn live_applications(&self) -> Result<Vec<Application>, ControlError> {
        let filter = ApplicationFilter { states: vec![ApplicationState::Starting, ApplicationState::Started] };
        let mut page = PageRequest::first(50);
        let mut apps = Vec::new();
        loop {
            let listed = self.store.list_applications(&filter, &page).await?;
            apps.extend(listed.items);
            match listed.next_token {
                Some(token) => page = PageRequest { max_results: 50, next_token: Some(token) },
                None => return Ok(apps),
            }
        }
    }

    pub(crate) async fn reconcile_pool(self: &Arc<Self>) -> Result<(), ControlError> {
        self.release_warm_workers().await;
        let apps = self.live_applications().await?;
        // A DRAINING host starts no warm workers and stops its idle ones;
        // busy ones finish their run first (the pool stops them on return).
        let draining = self.own_host_draining().await;
        for app in &apps {
            let mut target = warm_target(app);
            let wanted = target.drivers;
            if draining {
                target.drivers = 0;
            }
            let step = self.pool.step(&app.application_id, target, Instant::now());
            for worker in step.stop {
                tokio::spawn(worker.stop());
            }
            for label in step.start {
                tokio::spawn(self.clone().start_warm_worker(app.clone(), target.spark, label));
            }
            if app.state == ApplicationState::Starting && step.ready {
                let pins = self.image_pins_step(app);
                if pins == PinStep::Waiting {
                    continue;
                }
                let mut details = match (&step.failure, wanted) {
                    (Some(why), _) => format!("Application started; pre-initialized workers unavailable: {why}"),
                    (None, n) if draining && n > 0 => format!(
                        "Application started; pre-initialized workers unavailable: host {} is draining",
                        self.config.host_name
                    ),
                    (None, 0) => "Application started".to_string(),
                    (None, n) => format!("Application started with {n} pre-initialized driver worker(s)"),
                };
                if let PinStep::Failed(why) = pins {
                    details = format!("{details}; image digests not resolved at start: {why}");
                }
                self.finish_starting(&app.application_id, &details).await?;
            }
        }
        Ok(())
    }

    /// Stops the idle warm workers of applications that no longer want them,
    /// at once rather than at the next pass.
    pub(crate) async fn release_warm_workers(&self) {
        let Ok(apps) = self.live_applications().await else { return };
        let keep: Vec<&str> = apps.iter().map(|a| a.application_id.as_str()).collect();
        for worker in self.pool.release_others(&keep) {
            worker.stop().await;
        }
    }

    async fn start_warm_worker(self: Arc<Self>, app: Application, spark: bool, label: String) {
        let application_id = app.application_id.clone();
        let log = worker_log_path(&self.config.data_dir, &application_id, &label);
        let result = async {
            let parent = log.parent().ok_or_else(|| "no pool directory".to_string())?;
            std::fs::create_dir_all(parent).map_err(|err| err.to_string())?;
            if spark {
                // A fresh directory per driver: a finished run's dashboard
                // may still point into the one its driver used.
                let dir = parent.join(format!("{label}-{}", clock::now().as_millis()));
                return self.start_warm_spark_driver(&app, &dir).await;
            }
            let exe = worker_exe().map_err(|err| err.to_string())?;
            let sandbox = self.for_warm_worker(self.hive_sandbox(), &application_id);
            let worker = WarmHiveWorker::start(&exe, &log, &label, &sandbox).await.map_err(|err| err.to_string())?;
            Ok(WarmWorker::Hive(Box::new(worker)))
        }
        .await;
        match &result {
            Ok(_) => tracing::info!(application_id, label, "warm worker ready"),
            Err(why) => tracing::warn!(application_id, label, error = %why, "warm worker failed to start"),
        }
        self.pool.started(&application_id, result);
        self.wake_scheduler();
    }

    /// A Spark driver with the application's configuration and the
    /// service's default sizes, its session up, in `dir`.
    async fn start_warm_spark_driver(&self, app: &Application, dir: &std::path::Path) -> Result<WarmWorker, String> {
        let template = warm_spark_template(app).map_err(|err| err.to_string())?;
        let runtime = self.runtimes.ensure(template.runtime).await.map_err(|err| err.to_string())?;
        let mut context = self.launch_context();
        // Its UI port and event-log folder, for the dashboard of the run it takes.
        context.default_conf.extend(crate::dashboards::spark_launch_conf(&template, None, dir));
        context.sandbox = self.for_warm_worker(context.sandbox, &app.application_id);
        if crate::base::records::sessions_enabled(app) {
            // It may become one of the application's sessions (sessions::warm).
            let sessions = self.config.data_dir.join("sessions").join(&app.application_id);
            let _ = std::fs::create_dir_all(&sessions);
            context.sandbox = context.sandbox.with_read_write([sessions]);
        }
        // Its own token, in its JVM's environment from the start; it fetches
        // nothing until the grant is bound to the run the driver takes.
        let grant =
            if self.spark_fetches_credentials() { self.unbound_grant().map_err(|err| err.to_string())? } else { None };
        if let Some(grant) = &grant {
            context.credentials_env = hadoop_s3::container_credentials_env(grant.full_uri(), grant.token());
        }
        let started = async {
            let mut driver = WarmDriver::start(&template, &runtime, dir, &context).await?;
            driver.ready().await?;
            Ok::<_, sparkplane_engine::EngineError>(driver)
        };
        match started.await {
            Ok(driver) => Ok(WarmWorker::Spark(Box::new(WarmSpark { driver, grant }))),
            Err(err) => {
                // The error carries the end of the warm-up log; retries get fresh dirs.
                let _ = std::fs::remove_dir_all(dir);
                Err(err.to_string())
            }
        }
    }

    /// STARTING → STARTED, once the warm workers are up.
    async fn finish_starting(&self, application_id: &str, details: &str) -> Result<(), ControlError> {
        let _guard = self.write_lock.lock().await;
        let mut app = self.load_application(application_id).await?;
        if app.state != ApplicationState::Starting {
            return Ok(());
        }
        app.state = ApplicationState::Started;
        app.state_details = Some(details.to_string());
        app.updated_at = clock::now();
        self.store.put_application(&app).await?;
        tracing::info!(application_id, "application started");
        Ok(())
    }
}

/// The plan a warm Spark driver of `app` is started with: the application's
/// configuration and nothing job-specific. Jobs whose own plan matches it
/// (same effective configuration, no extra artifacts) run on it.
pub(crate) fn warm_spark_template(app: &Application) -> Result<SparkJobPlan, EngineError> {
    let driver = sparkplane_api::SparkSubmit {
        entry_point: "warm.py".into(),
        entry_point_arguments: None,
        spark_submit_parameters: None,
    };
    let app_conf = app.runtime_configuration.as_deref().unwrap_or_default();
    SparkJobPlan::new(&app.release_label, &driver, app_conf, &[])
}
