//! What an application's pre-initialized capacity is doing right now, for
//! `sparkplane workers` (the service shows this in its console only).
//! Scripts and benchmarks use it to wait for warm workers instead of
//! scanning processes.

use serde::{Deserialize, Serialize};

use super::warm_target;
use crate::{ControlError, Controller};

/// One application's warm DRIVER workers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WarmWorkersView {
    pub application_id: String,
    pub application_state: String,
    /// `SPARK` (a driver with its session up, one job each) or `HIVE`.
    pub engine: String,
    /// Warm drivers `initialCapacity` asks for in the current state.
    pub wanted: u32,
    /// Up and free to take a job.
    pub idle: u32,
    /// Running a job: a HIVE worker comes back afterwards; a Spark driver
    /// ends with its job and a replacement is already starting.
    pub busy: u32,
    /// Being started (a replacement included).
    pub starting: u32,
    /// Why the last start failed, while the pool backs off.
    pub last_failure: Option<String>,
    /// The server's disk use: work dirs and the artifact cache (the same for
    /// every application; here so `sparkplane workers` shows it).
    #[serde(default)]
    pub disk: Option<crate::base::retention::DiskUsageView>,
}

/// The pool's counts for one application.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PoolCounts {
    pub idle: u32,
    pub busy: u32,
    pub starting: u32,
    pub last_failure: Option<String>,
}

impl Controller {
    /// The application's warm workers; 404 for an unknown application.
    pub async fn warm_workers(&self, application_id: &str) -> Result<WarmWorkersView, ControlError> {
        let app = self.load_application(application_id).await?;
        let target = warm_target(&app);
        let counts = self.pool.counts(application_id);
        Ok(WarmWorkersView {
            application_id: app.application_id.clone(),
            application_state: app.state.as_str().to_string(),
            engine: if app.r#type == "HIVE" { "HIVE" } else { "SPARK" }.to_string(),
            wanted: target.drivers,
            idle: counts.idle,
            busy: counts.busy,
            starting: counts.starting,
            last_failure: counts.last_failure,
            disk: Some(self.disk_usage().await),
        })
    }
}
