//! The effective Spark configuration of one job run.
//!
//! A job's Spark settings come from four places: sparkplane's own defaults,
//! the application's `runtimeConfiguration`, the job's
//! `configurationOverrides.applicationConfiguration` and its
//! `sparkSubmitParameters`. EMR Serverless defines how they override each
//! other and gives some keys meanings Spark itself does not know (the
//! `spark.emr-serverless.driverEnv.` prefix, `spark-env`/`export`). The
//! launcher needs one flat answer: which properties to pass as `--conf` and
//! which environment variables to set. Computing it here, as a pure function
//! over API-independent types, keeps those rules in one unit-testable place
//! and out of the process-supervision code.

use std::collections::BTreeMap;

use super::params::SparkSubmitParams;

// Re-exported so callers that think of archives as configuration find it
// here too; it lives next to the `--archives` parser.
pub use super::params::archive_alias;

/// Keys with this prefix set an environment variable of the driver process
/// (EMR Serverless' replacement for YARN's `spark.yarn.appMasterEnv.`).
pub const DRIVER_ENV_PREFIX: &str = "spark.emr-serverless.driverEnv.";
/// Spark's own per-executor environment keys.
pub const EXECUTOR_ENV_PREFIX: &str = "spark.executorEnv.";

/// Classifications EMR Serverless accepts at the top level of a
/// configuration list; anything else is a ValidationException there, so it
/// is an error here too (case-sensitive, like EMR).
pub const KNOWN_CLASSIFICATIONS: &[&str] = &[
    "spark-defaults",
    "spark-env",
    "spark-executor-log4j2",
    "spark-driver-log4j2",
    "spark-hive-site",
    "spark-metrics",
    "spark-log4j2",
    "spark-log4j",
    "hive-site",
    "hive-log4j2",
    "tez-site",
    "emrfs-site",
    "iceberg-defaults",
    "delta-defaults",
];

/// One `Configuration` object of the EMR API (classification, properties,
/// nested configurations), independent of the wire crate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigLayer {
    pub classification: String,
    pub properties: BTreeMap<String, String>,
    pub configurations: Vec<ConfigLayer>,
}

/// The merged result the launcher acts on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EffectiveSparkConf {
    /// Spark properties to pass as `--conf`. Never contains
    /// `spark.emr-serverless.driverEnv.*` keys (those are not Spark
    /// properties). Its `spark.executorEnv.*` entries always equal
    /// `executor_env`, including variables that came from `spark-env`.
    pub conf: BTreeMap<String, String>,
    /// Environment of the driver process: `spark-env`/`export` variables and
    /// `spark.emr-serverless.driverEnv.*` keys (prefix stripped).
    pub driver_env: BTreeMap<String, String>,
    /// Environment of executors: `spark-env`/`export` variables and
    /// `spark.executorEnv.*` keys (prefix stripped).
    pub executor_env: BTreeMap<String, String>,
    /// Classifications Spark reads from files rather than `--conf`
    /// (log4j2, hive-site, metrics, ...), one entry per classification in
    /// order of first appearance, with job overrides merged over application
    /// defaults per key (nested configurations merged the same way).
    pub other: Vec<ConfigLayer>,
}

/// Why a configuration was rejected. Messages are written for API callers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfError {
    #[error(
        "unknown classification '{0}'; supported classifications are: {list}",
        list = KNOWN_CLASSIFICATIONS.join(", ")
    )]
    UnknownClassification(String),
    #[error("classification '{parent}' does not accept a nested configuration '{child}'")]
    UnexpectedNested { parent: String, child: String },
    #[error(
        "classification 'spark-env' takes no properties of its own (got '{key}'); \
         put environment variables in a nested 'export' configuration"
    )]
    SparkEnvProperty { key: String },
    #[error("invalid environment variable name '{name}': it must be non-empty and contain no '='")]
    InvalidEnvName { name: String },
    #[error("invalid property '{key}' in {origin}: {reason}")]
    InvalidProperty { origin: &'static str, key: String, reason: &'static str },
}

const ORIGIN_DEFAULTS: &str = "sparkplane defaults";
const ORIGIN_APP: &str = "the application's runtimeConfiguration";
const ORIGIN_JOB: &str = "configurationOverrides.applicationConfiguration";
const ORIGIN_PARAMS: &str = "sparkSubmitParameters";

/// Merges the four configuration sources with EMR Serverless precedence,
/// highest first (EMR Serverless user guide, "Default application
/// configuration"): `params.conf` (including dedicated flags) >
/// `job_overrides` > `app_defaults` > `sparkplane_defaults`.
///
/// Within one source, later entries win, and a specific key
/// (`spark.emr-serverless.driverEnv.X`, `spark.executorEnv.X`) beats a
/// `spark-env`/`export` variable X of the same source; across sources, the
/// higher source wins whatever form it used. This falls out of expressing
/// every export as the two specific keys, applied before the source's
/// properties, and merging keys later-wins.
///
/// `spark.emr-serverless.driverEnv.X` keys become `driver_env` entries and are
/// removed from `conf`; `spark.executorEnv.X` keys stay in `conf` (Spark
/// handles them) and are copied into `executor_env`.
pub fn effective_spark_conf(
    sparkplane_defaults: &[(String, String)],
    app_defaults: &[ConfigLayer],
    job_overrides: &[ConfigLayer],
    params: &SparkSubmitParams,
) -> Result<EffectiveSparkConf, ConfError> {
    let mut merged = BTreeMap::new();
    let mut other = Vec::new();
    apply_pairs(&mut merged, sparkplane_defaults, ORIGIN_DEFAULTS)?;
    apply_layers(&mut merged, &mut other, app_defaults, ORIGIN_APP)?;
    apply_layers(&mut merged, &mut other, job_overrides, ORIGIN_JOB)?;
    apply_pairs(&mut merged, &params.conf, ORIGIN_PARAMS)?;

    let mut out = EffectiveSparkConf { other, ..Default::default() };
    for (key, value) in merged {
        if let Some(name) = key.strip_prefix(DRIVER_ENV_PREFIX) {
            check_env_name(name)?;
            out.driver_env.insert(name.to_owned(), value);
            continue;
        }
        if let Some(name) = key.strip_prefix(EXECUTOR_ENV_PREFIX) {
            check_env_name(name)?;
            out.executor_env.insert(name.to_owned(), value.clone());
        }
        out.conf.insert(key, value);
    }
    Ok(out)
}

/// Applies plain key/value pairs in order, later wins.
fn apply_pairs(
    merged: &mut BTreeMap<String, String>,
    pairs: &[(String, String)],
    origin: &'static str,
) -> Result<(), ConfError> {
    for (key, value) in pairs {
        check_property(key, value, origin)?;
        merged.insert(key.clone(), value.clone());
    }
    Ok(())
}

/// Applies one configuration list (application defaults or job overrides).
/// Everything is validated before anything is applied, so a bad list never
/// leaves a half-merged result behind even if a caller ignored the error.
fn apply_layers(
    merged: &mut BTreeMap<String, String>,
    other: &mut Vec<ConfigLayer>,
    layers: &[ConfigLayer],
    origin: &'static str,
) -> Result<(), ConfError> {
    let mut exports: Vec<(&String, &String)> = Vec::new();
    let mut properties: Vec<(&String, &String)> = Vec::new();
    let mut passthrough: Vec<&ConfigLayer> = Vec::new();
    for layer in layers {
        match layer.classification.as_str() {
            "spark-defaults" => {
                reject_nested(layer)?;
                properties.extend(&layer.properties);
            }
            "spark-env" => {
                if let Some(key) = layer.properties.keys().next() {
                    return Err(ConfError::SparkEnvProperty { key: key.clone() });
                }
                for nested in &layer.configurations {
                    if nested.classification != "export" {
                        return Err(ConfError::UnexpectedNested {
                            parent: layer.classification.clone(),
                            child: nested.classification.clone(),
                        });
                    }
                    reject_nested(nested)?;
                    exports.extend(&nested.properties);
                }
            }
            name if KNOWN_CLASSIFICATIONS.contains(&name) => passthrough.push(layer),
            name => return Err(ConfError::UnknownClassification(name.to_owned())),
        }
    }
    for (name, value) in &exports {
        check_env_name(name)?;
        check_property(name, value, origin)?;
    }
    for (key, value) in &properties {
        check_property(key, value, origin)?;
    }

    // Exports first, so the same source's specific keys override them.
    for (name, value) in exports {
        merged.insert(format!("{DRIVER_ENV_PREFIX}{name}"), value.clone());
        merged.insert(format!("{EXECUTOR_ENV_PREFIX}{name}"), value.clone());
    }
    for (key, value) in properties {
        merged.insert(key.clone(), value.clone());
    }
    for layer in passthrough {
        merge_other(other, layer);
    }
    Ok(())
}

/// `spark-defaults` and `export` hold only properties; EMR rejects nested
/// configurations there, and silently dropping them would lose settings.
fn reject_nested(layer: &ConfigLayer) -> Result<(), ConfError> {
    match layer.configurations.first() {
        Some(child) => Err(ConfError::UnexpectedNested {
            parent: layer.classification.clone(),
            child: child.classification.clone(),
        }),
        None => Ok(()),
    }
}

/// Merges `layer` into the classification of the same name in `into`
/// (per-key, `layer` wins; nested configurations recursively), or appends it.
fn merge_other(into: &mut Vec<ConfigLayer>, layer: &ConfigLayer) {
    match into.iter_mut().find(|l| l.classification == layer.classification) {
        Some(existing) => {
            existing.properties.extend(layer.properties.iter().map(|(k, v)| (k.clone(), v.clone())));
            for nested in &layer.configurations {
                merge_other(&mut existing.configurations, nested);
            }
        }
        None => {
            // Merge nested entries one by one so duplicates inside a single
            // layer collapse the same way duplicates across layers do.
            let mut fresh = ConfigLayer {
                classification: layer.classification.clone(),
                properties: layer.properties.clone(),
                configurations: Vec::new(),
            };
            for nested in &layer.configurations {
                merge_other(&mut fresh.configurations, nested);
            }
            into.push(fresh);
        }
    }
}

/// Rejects keys and values that cannot be passed to spark-submit at all:
/// an empty key is not a property, and a NUL byte cannot appear in an
/// argv element or environment entry (spawning would fail much later).
fn check_property(key: &str, value: &str, origin: &'static str) -> Result<(), ConfError> {
    let reason = if key.is_empty() {
        "the key is empty"
    } else if key.contains('\0') {
        "the key contains a NUL byte"
    } else if value.contains('\0') {
        "the value contains a NUL byte"
    } else {
        return Ok(());
    };
    Err(ConfError::InvalidProperty { origin, key: key.to_owned(), reason })
}

/// An environment variable name must be usable in `execve`'s `NAME=value`
/// form: non-empty and without `=` (NUL is caught by `check_property`).
fn check_env_name(name: &str) -> Result<(), ConfError> {
    if name.is_empty() || name.contains('=') || name.contains('\0') {
        return Err(ConfError::InvalidEnvName { name: name.to_owned() });
    }
    Ok(())
}

#[cfg(test)]
#[path = "conf_tests.rs"]
mod tests;
