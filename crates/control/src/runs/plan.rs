//! What a job run needs, by engine: built once at submit (so a job that can
//! never run is refused then) and again when an attempt launches; and the
//! URIs it reads or writes for the caller, whose local paths are checked.

use sparkplane_api::{Application, JobRun};
use sparkplane_engine::spark::SparkJobPlan;
use sparkplane_engine::{EngineError, ResourceRequest};

use crate::access::local_paths::log_uri;
use crate::hive::HivePlan;

#[derive(Debug, Clone)]
pub enum JobPlan {
    // Boxed: a Spark plan carries the whole merged configuration.
    Spark(Box<SparkJobPlan>),
    Hive(HivePlan),
}

impl JobPlan {
    pub fn resources(&self) -> &ResourceRequest {
        match self {
            JobPlan::Spark(plan) => &plan.resources,
            JobPlan::Hive(plan) => &plan.resources,
        }
    }
}

/// The plan of `run` on `app`, with the application's runtime configuration.
pub fn plan_for(app: &Application, run: &JobRun) -> Result<JobPlan, EngineError> {
    if let Some(driver) = run.job_driver.spark_submit.as_ref() {
        let app_conf = app.runtime_configuration.as_deref().unwrap_or_default();
        let job_conf = run
            .configuration_overrides
            .as_ref()
            .and_then(|o| o.application_configuration.as_deref())
            .unwrap_or_default();
        return SparkJobPlan::new(&run.release_label, driver, app_conf, job_conf)
            .map(|plan| JobPlan::Spark(Box::new(plan)));
    }
    if let Some(driver) = run.job_driver.hive.as_ref() {
        return HivePlan::new(app, run, driver).map(JobPlan::Hive);
    }
    Err(EngineError::Property {
        key: "jobDriver".into(),
        value: String::new(),
        reason: "a job driver needs sparkSubmit or hive".into(),
    })
}

pub(crate) fn resources_for(app: &Application, run: &JobRun) -> Option<ResourceRequest> {
    plan_for(app, run).ok().map(|plan| plan.resources().clone())
}

/// Every URI a run of `plan` reads or writes on the caller's behalf: the
/// application's and the run's `logUri`, the Spark artifacts it stages, the
/// HIVE query and init files.
pub(crate) fn run_uris(app: &Application, run: &JobRun, plan: &JobPlan) -> Vec<(&'static str, String)> {
    let mut uris: Vec<(&'static str, String)> = Vec::new();
    uris.extend(log_uri(app.monitoring_configuration.as_ref()));
    uris.extend(log_uri(run.configuration_overrides.as_ref().and_then(|o| o.monitoring_configuration.as_ref())));
    match plan {
        JobPlan::Spark(spark) => uris.extend(spark.artifact_uris()),
        JobPlan::Hive(hive) => {
            uris.push(("jobDriver.hive.query", hive.driver.query.clone()));
            uris.extend(hive.driver.init_query_file.clone().map(|uri| ("jobDriver.hive.initQueryFile", uri)));
        }
    }
    uris
}
