//! The host document as stored, and what an agent reports.
//!
//! One JSON document per host (`hosts` table): the store treats it as
//! opaque, this crate owns its shape. The credential is kept as its SHA-256
//! only; [`Host::view`] is what the API shows and never includes even that.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Where a host is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HostState {
    /// Added with `sparkplane hosts add`; its agent has not registered yet.
    Pending,
    /// Registered and heartbeating: placements may go there.
    Ready,
    /// No new placements; what runs there runs to its end.
    Draining,
    /// No heartbeat for longer than the configured timeout.
    Lost,
}

impl HostState {
    pub fn as_str(self) -> &'static str {
        match self {
            HostState::Pending => "PENDING",
            HostState::Ready => "READY",
            HostState::Draining => "DRAINING",
            HostState::Lost => "LOST",
        }
    }
}

/// Logical capacity, in workers' terms (what reservations count against).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HostCapacity {
    pub vcpu: u64,
    pub memory_gb: u64,
    pub disk_gb: u64,
}

/// What the machine is, and how many engine processes it may run at once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLimits {
    pub cpus: u64,
    pub memory_gb: u64,
    pub max_processes: u32,
}

/// One engine process an agent runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessReport {
    pub pid: u32,
    /// `driver`, `executor`, `master`, `hive-worker`, `history-server`, ...
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_run_id: Option<String>,
}

/// What an agent sends when it registers and with every heartbeat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Changes each time an agent process starts, so the server can tell a
    /// restarted agent from a heartbeat of the one it knows.
    pub instance_id: String,
    /// The IP other hosts reach this one at (Spark's ports bind to it).
    pub address: String,
    pub capacity: HostCapacity,
    pub physical: PhysicalLimits,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub processes: Vec<ProcessReport>,
    /// The standalone workers the server assigned and how each is doing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workers: Vec<crate::work::WorkerStatus>,
    /// The job drivers the server assigned and how each is doing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drivers: Vec<crate::work::DriverStatus>,
    #[serde(default)]
    pub version: String,
}

/// The stored document of one host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Host {
    pub name: String,
    pub state: HostState,
    /// The server's own host, run by its embedded agent: no credential, and
    /// it cannot be removed.
    #[serde(default)]
    pub embedded: bool,
    /// Epoch milliseconds.
    pub created_at: i64,
    /// SHA-256 (hex) of the host credential's secret; None for the embedded host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_sha256: Option<String>,
    /// The last registration's report, updated by each heartbeat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<Report>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_heartbeat_at: Option<i64>,
    /// An operator drained the host and has not resumed it: it stays
    /// DRAINING through a LOST spell and a re-registration.
    #[serde(default)]
    pub drained: bool,
    /// When the state last changed, and why (LOST says after how long).
    pub state_changed_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_details: Option<String>,
}

impl Host {
    /// What the API shows: the document without the credential's hash.
    pub fn view(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(object) = value.as_object_mut() {
            object.remove("credentialSha256");
        }
        value
    }
}

/// A plausible report, for this crate's tests.
#[cfg(test)]
pub(crate) fn sample_report(instance: &str) -> Report {
    Report {
        instance_id: instance.into(),
        address: "10.0.0.2".into(),
        capacity: HostCapacity { vcpu: 16, memory_gb: 64, disk_gb: 100 },
        physical: PhysicalLimits { cpus: 2, memory_gb: 8, max_processes: 4 },
        labels: Default::default(),
        processes: vec![],
        workers: vec![],
        drivers: vec![],
        version: "0.1.0".into(),
    }
}
