//! The Spark engine: `sparkSubmit` job drivers on Apache Spark.
//!
//! [`SparkJobPlan::new`] is pure: it parses `sparkSubmitParameters`, merges the
//! configuration layers and sizes the attempt, so the API can reject a bad job
//! at submit time and the scheduler knows what the run will hold.
//! [`launch`] stages the artifacts and starts `spark-submit --master local[N]`
//! as its own process group; [`warm::WarmDriver`] is the same driver started
//! ahead of time, with its SparkSession up, waiting for one job. Runs whose
//! executors grow and shrink run against a [`standalone::ExecutorCluster`]
//! instead of `local[N]`.

mod archives;
mod artifacts;
pub mod conf;
pub mod connect;
pub mod images;
mod launch;
pub mod params;
mod staging;
pub mod standalone;
pub mod warm;
mod warm_match;

use sparkplane_api::{Configuration, SparkSubmit};

pub mod hadoop_s3;

pub use launch::{failure_summary, launch, LaunchContext, LaunchedAttempt, DRIVER_LOG_FOLDER, SECRET_PROPERTIES_FILE};
pub use warm::{HandOverError, WarmDriver, WARM_UP_LOG};

use self::conf::{effective_spark_conf, ConfigLayer, EffectiveSparkConf};
use self::params::{parse_spark_submit_parameters, SparkSubmitParams};
use crate::resources::ResourceRequest;
use crate::runtime::SparkRuntime;
use crate::EngineError;

/// Properties sparkplane sets unless the job does: keep the driver on
/// loopback (no reliance on the host name resolving) and stderr free of
/// progress bars.
/// Where Spark's processes bind unless executors may run on other hosts.
const LOOPBACK: &str = "127.0.0.1";
const SPARKPLANE_DEFAULTS: &[(&str, &str)] = &[
    ("spark.driver.host", LOOPBACK),
    ("spark.driver.bindAddress", LOOPBACK),
    ("spark.ui.showConsoleProgress", "false"),
];

/// Everything needed to launch one attempt, derived from the API request.
#[derive(Debug, Clone)]
pub struct SparkJobPlan {
    pub entry_point: String,
    pub arguments: Vec<String>,
    pub params: SparkSubmitParams,
    pub conf: EffectiveSparkConf,
    pub resources: ResourceRequest,
    pub runtime: SparkRuntime,
}

impl SparkJobPlan {
    pub fn new(
        release_label: &str,
        driver: &SparkSubmit,
        application_configuration: &[Configuration],
        job_configuration: &[Configuration],
    ) -> Result<SparkJobPlan, EngineError> {
        let runtime = SparkRuntime::for_release(release_label)?;
        // The sessions' engine choice: an application may carry it for its
        // sessions, and Spark never sees it; a job run always runs on Spark.
        let application_configuration = &crate::sail::without_engine_property(application_configuration);
        if crate::sail::without_engine_property(job_configuration) != job_configuration {
            return Err(EngineError::Property {
                key: crate::sail::ENGINE_PROPERTY.to_string(),
                value: "...".to_string(),
                reason: "it picks an interactive session's engine; a job run always runs on Spark".to_string(),
            });
        }
        let params = match driver.spark_submit_parameters.as_deref() {
            Some(text) => parse_spark_submit_parameters(text)?,
            None => SparkSubmitParams::default(),
        };
        let defaults: Vec<(String, String)> =
            SPARKPLANE_DEFAULTS.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let conf = effective_spark_conf(
            &defaults,
            &to_layers(application_configuration),
            &to_layers(job_configuration),
            &params,
        )?;
        let mut conf = conf;
        let resources = ResourceRequest::from_spark_conf(&conf.conf)?;
        if resources.elastic.is_some() {
            // Dynamic allocation is on (EMR's default, not Spark's), executors
            // are processes of the size sparkplane reserves, and Spark may
            // release them without an external shuffle service.
            let sized = [
                ("spark.dynamicAllocation.enabled", "true".to_string()),
                ("spark.executor.cores", resources.executor.cpu.to_string()),
                ("spark.executor.memory", format!("{}m", resources.executor_memory_mb)),
                ("spark.dynamicAllocation.shuffleTracking.enabled", "true".to_string()),
            ];
            for (key, value) in sized {
                conf.conf.entry(key.to_string()).or_insert(value);
            }
        }
        let plan = SparkJobPlan {
            entry_point: driver.entry_point.clone(),
            arguments: driver.entry_point_arguments.clone().unwrap_or_default(),
            params,
            conf,
            resources,
            runtime,
        };
        plan.check_archive_aliases()?;
        Ok(plan)
    }
}

/// The last line of a log file, for error messages.
pub(crate) fn last_log_line(path: &std::path::Path) -> Option<String> {
    launch::tail_lines(path).pop()
}

fn to_layers(configurations: &[Configuration]) -> Vec<ConfigLayer> {
    configurations
        .iter()
        .map(|c| ConfigLayer {
            classification: c.classification.clone(),
            properties: c.properties.clone().unwrap_or_default(),
            configurations: to_layers(c.configurations.as_deref().unwrap_or_default()),
        })
        .collect()
}
