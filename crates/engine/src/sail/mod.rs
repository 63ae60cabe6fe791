//! Sail (PyPI `pysail`, Apache-2.0): a Rust Spark Connect server, as an
//! interactive session's engine when the session (or its application) sets
//! [`ENGINE_PROPERTY`] to `sail`. Spark stays the default.
//!
//! Sail starts in well under a second and holds a few hundred MB, where a
//! Spark Connect JVM takes seconds and gigabytes; the same PySpark clients
//! talk to it. What it lacks, and how sparkplane makes up for it:
//! - **No secret on its port.** Spark checks `spark.connect.authenticate.token`;
//!   Sail checks nothing. So Sail runs in a network namespace of its own
//!   ([`netns`]) and only the server can open its port.
//! - **No Spark configuration file.** Sail does not read `spark-defaults`,
//!   so a Sail session refuses every property but [`ENGINE_PROPERTY`]
//!   rather than accept settings it would ignore.
//! - **No Spark UI, no event logs.** GetResourceDashboard is refused for it.
//! - **S3** through its own object store client (the AWS SDK's credential
//!   chain): the server's S3 endpoint and credentials endpoint reach it by
//!   relays inside its namespace, with the execution role's credentials.

pub mod install;
pub mod launch;
pub mod netns;

use sparkplane_api::Configuration;

use crate::EngineError;

/// The sparkplane-specific `spark-defaults` property that picks a session's
/// engine: `spark` (the default) or `sail`.
pub const ENGINE_PROPERTY: &str = "spark.sparkplane.session.engine";

/// The engine of an interactive session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEngine {
    Spark,
    Sail,
}

impl SessionEngine {
    /// From [`ENGINE_PROPERTY`] in the application's then the session's
    /// `spark-defaults` (the session's wins, as for any property).
    pub fn of(application: &[Configuration], session: &[Configuration]) -> Result<SessionEngine, EngineError> {
        let chosen = [application, session]
            .into_iter()
            .flat_map(|layers| layers.iter())
            .filter(|layer| layer.classification == "spark-defaults")
            .filter_map(|layer| layer.properties.as_ref()?.get(ENGINE_PROPERTY))
            .next_back();
        match chosen.map(|value| value.trim().to_ascii_lowercase()).as_deref() {
            None | Some("spark") => Ok(SessionEngine::Spark),
            Some("sail") => Ok(SessionEngine::Sail),
            Some(_) => Err(EngineError::Property {
                key: ENGINE_PROPERTY.to_string(),
                value: chosen.cloned().unwrap_or_default(),
                reason: "a session's engine is 'spark' (the default) or 'sail'".to_string(),
            }),
        }
    }
}

/// `configurations` without [`ENGINE_PROPERTY`] (Spark never sees it).
pub fn without_engine_property(configurations: &[Configuration]) -> Vec<Configuration> {
    configurations
        .iter()
        .cloned()
        .map(|mut layer| {
            if layer.classification == "spark-defaults" {
                if let Some(properties) = layer.properties.as_mut() {
                    properties.remove(ENGINE_PROPERTY);
                }
            }
            layer
        })
        .collect()
}

/// Refuses what a Sail session cannot honour: any classification or
/// property of the session's own beyond [`ENGINE_PROPERTY`] (Sail reads no
/// Spark configuration; the client's `spark.conf.set` is the way to set
/// what Sail supports). The application's configuration is for its Spark
/// jobs and Spark sessions, and a Sail session does not read it.
pub fn check_session_configuration(session: &[Configuration]) -> Result<(), EngineError> {
    for layer in without_engine_property(session) {
        let key = match layer.properties.as_ref().and_then(|p| p.keys().next()) {
            Some(key) => Some(key.clone()),
            None if layer.configurations.as_ref().is_some_and(|c| !c.is_empty())
                || layer.classification != "spark-defaults" =>
            {
                Some(layer.classification.clone())
            }
            None => None,
        };
        if let Some(key) = key {
            return Err(EngineError::Property {
                key,
                value: "...".to_string(),
                reason: "a Sail session reads no Spark configuration; set what Sail supports from the client with \
                         spark.conf.set, or use the Spark engine"
                    .to_string(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn defaults(pairs: &[(&str, &str)]) -> Configuration {
        Configuration {
            classification: "spark-defaults".to_string(),
            properties: Some(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<BTreeMap<_, _>>()),
            configurations: None,
        }
    }

    #[test]
    fn the_sessions_choice_beats_the_applications_and_spark_is_the_default() {
        let sail = [defaults(&[(ENGINE_PROPERTY, "sail")])];
        let spark = [defaults(&[(ENGINE_PROPERTY, "Spark")])];
        assert_eq!(SessionEngine::of(&[], &[]).unwrap(), SessionEngine::Spark);
        assert_eq!(SessionEngine::of(&sail, &[]).unwrap(), SessionEngine::Sail);
        assert_eq!(SessionEngine::of(&sail, &spark).unwrap(), SessionEngine::Spark);
        assert_eq!(SessionEngine::of(&spark, &sail).unwrap(), SessionEngine::Sail);
        let err = SessionEngine::of(&[], &[defaults(&[(ENGINE_PROPERTY, "flink")])]).unwrap_err();
        assert!(err.to_string().contains("'spark' (the default) or 'sail'"), "{err}");
    }

    #[test]
    fn a_sail_session_refuses_spark_settings_it_would_ignore() {
        assert!(check_session_configuration(&[defaults(&[(ENGINE_PROPERTY, "sail")])]).is_ok());
        let err = check_session_configuration(&[defaults(&[(ENGINE_PROPERTY, "sail"), ("spark.driver.cores", "2")])])
            .unwrap_err();
        assert!(err.to_string().contains("spark.driver.cores") && err.to_string().contains("Sail"), "{err}");
        let hive = Configuration { classification: "hive-site".to_string(), properties: None, configurations: None };
        assert!(check_session_configuration(&[hive]).is_err());
        let stripped = without_engine_property(&[defaults(&[(ENGINE_PROPERTY, "sail"), ("spark.x", "1")])]);
        assert_eq!(stripped[0].properties.as_ref().unwrap().keys().collect::<Vec<_>>(), ["spark.x"]);
    }

    #[test]
    fn spark_never_sees_the_property_and_a_job_run_refuses_it() {
        let driver = sparkplane_api::SparkSubmit {
            entry_point: "job.py".to_string(),
            entry_point_arguments: None,
            spark_submit_parameters: None,
        };
        let app = [defaults(&[(ENGINE_PROPERTY, "sail"), ("spark.x", "1")])];
        let plan = crate::spark::SparkJobPlan::new("emr-7.9.0", &driver, &app, &[]).unwrap();
        assert!(plan.conf.conf.contains_key("spark.x") && !plan.conf.conf.contains_key(ENGINE_PROPERTY));
        for value in ["sail", "spark"] {
            let job = [defaults(&[(ENGINE_PROPERTY, value)])];
            let err = crate::spark::SparkJobPlan::new("emr-7.9.0", &driver, &[], &job).unwrap_err();
            assert!(err.to_string().contains("a job run always runs on Spark"), "{err}");
        }
    }
}
