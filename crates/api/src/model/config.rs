//! Runtime configuration and monitoring structures.
//!
//! `Configuration` is recursive (classifications nest), and both applications
//! and job runs carry monitoring settings, so these live apart from either.

use super::common::{DiskEncryptionConfiguration, LogTypeMap, SensitivePropertiesMap};
use serde::{Deserialize, Serialize};

/// One configuration classification (e.g. `spark-defaults`) with its
/// properties and nested classifications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Configuration {
    pub classification: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<SensitivePropertiesMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configurations: Option<Vec<Configuration>>,
}

/// Per-job overrides of the application's configuration.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigurationOverrides {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_configuration: Option<Vec<Configuration>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitoring_configuration: Option<MonitoringConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_encryption_configuration: Option<DiskEncryptionConfiguration>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MonitoringConfiguration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_monitoring_configuration: Option<S3MonitoringConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_persistence_monitoring_configuration: Option<ManagedPersistenceMonitoringConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_watch_logging_configuration: Option<CloudWatchLoggingConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prometheus_monitoring_configuration: Option<PrometheusMonitoringConfiguration>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct S3MonitoringConfiguration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_key_arn: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedPersistenceMonitoringConfiguration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_key_arn: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CloudWatchLoggingConfiguration {
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_stream_name_prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_key_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_types: Option<LogTypeMap>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrometheusMonitoringConfiguration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_write_url: Option<String>,
}
