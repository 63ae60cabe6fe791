//! What a job run needs, by engine: built once at submit (so a job that can
//! never run is refused then) and again when an attempt launches.

use sparkplane_api::{Application, JobRun};
use sparkplane_engine::spark::SparkJobPlan;
use sparkplane_engine::{EngineError, ResourceRequest};

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
