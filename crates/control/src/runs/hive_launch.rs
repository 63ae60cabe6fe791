//! Starting a HIVE attempt: the worker's spec file, its log files, and its
//! process: a new one (cold) or a pre-initialized one (warm).

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::process::Stdio;

use sparkplane_engine::sandbox::clean_env;
use sparkplane_engine::spark::LaunchedAttempt;
use sparkplane_engine::{EngineError, ProcessGroup};
use sparkplane_storage::WorkerLogDir;
use tokio::process::Command;

use crate::access::grants::AttemptGrant;
use crate::access::sandbox::worker_exe;
use crate::hive::channel::WarmHiveWorker;
use crate::hive::{HivePlan, HiveWorkerSpec, WorkerCredentials, WorkerS3, HIVE_DRIVER_LOG_FOLDER};
use crate::{Controller, S3ForJobs};

/// Where local query files are copied in the attempt dir for the worker.
const LOCAL_QUERY_DIR: &str = "query";

/// The bucket managed tables go to by default on an S3 store.
const WAREHOUSE_BUCKET: &str = "sparkplane-warehouse";

impl Controller {
    /// Where the worker's `s3://` goes. The embedded store is reached
    /// through its endpoint with the attempt's credentials, so its policies
    /// apply; an external one with its own keys.
    fn worker_s3(&self) -> WorkerS3 {
        let settings = self.storage.s3_settings();
        match (&self.config.s3_for_jobs, settings) {
            (S3ForJobs::Embedded { .. }, Some(s)) => WorkerS3::Embedded { endpoint: s.endpoint.clone() },
            (S3ForJobs::External { path_style, .. }, Some(s)) => WorkerS3::External {
                endpoint: s.endpoint.clone(),
                region: s.region.clone(),
                path_style: *path_style,
                credentials: WorkerCredentials::Keys {
                    access_key_id: s.access_key_id.clone(),
                    secret_access_key: s.secret_access_key.clone(),
                    session_token: None,
                },
            },
            _ => WorkerS3::None,
        }
    }

    /// The credentials of a HIVE attempt, for the metastore and the
    /// embedded store: a grant of the run's execution role whose token the
    /// worker reads from a file in its attempt dir (returned too: hold it
    /// until the worker exited, dropping it revokes what it fetched). The
    /// metastore needs them whatever the S3 store. Without an issuer (unit
    /// tests) the worker signs with the server's root keys.
    pub(crate) fn hive_credentials(
        &self,
        run: &sparkplane_api::JobRun,
        attempt: u32,
        work_dir: &Path,
    ) -> Result<(WorkerCredentials, Option<AttemptGrant>), String> {
        if let Some(mut grant) = self.attempt_grant(run, attempt).map_err(|err| err.to_string())? {
            std::fs::create_dir_all(work_dir).map_err(|err| format!("create {}: {err}", work_dir.display()))?;
            let token_file = grant.write_token_file(work_dir).map_err(|err| format!("write the token file: {err}"))?;
            let full_uri = grant.full_uri().to_string();
            return Ok((WorkerCredentials::Endpoint { full_uri, token_file }, Some(grant)));
        }
        let root = self.storage.s3_settings().ok_or("no credentials issuer and no S3 keys")?;
        let keys = WorkerCredentials::Keys {
            access_key_id: root.access_key_id.clone(),
            secret_access_key: root.secret_access_key.clone(),
            session_token: None,
        };
        Ok((keys, None))
    }

    fn warehouse_dir(&self, plan: &HivePlan) -> String {
        if let Some(dir) = plan.hive_site.get("hive.metastore.warehouse.dir") {
            return dir.clone();
        }
        match &self.config.s3_for_jobs {
            S3ForJobs::Embedded { root } => {
                // The embedded store serves every directory under its root as a
                // bucket; the warehouse bucket must exist to be written to.
                let _ = std::fs::create_dir_all(root.join(WAREHOUSE_BUCKET));
                format!("s3://{WAREHOUSE_BUCKET}/")
            }
            S3ForJobs::External { .. } => format!("s3://{WAREHOUSE_BUCKET}/"),
            S3ForJobs::None => format!("file://{}/", self.config.data_dir.join("warehouse").display()),
        }
    }

    /// Writes the attempt's spec and log folder; returns the spec path and
    /// the HIVE_DRIVER log dir.
    async fn prepare_hive(
        &self,
        plan: &HivePlan,
        work_dir: &Path,
        credentials: WorkerCredentials,
    ) -> Result<(std::path::PathBuf, std::path::PathBuf), EngineError> {
        let api_endpoint = self.config.api_endpoint.clone().ok_or_else(|| {
            io("reach the metastore", std::io::Error::other("this server has no API endpoint for workers"))
        })?;
        let log_dir = work_dir.join("logs").join(HIVE_DRIVER_LOG_FOLDER);
        tokio::fs::create_dir_all(&log_dir)
            .await
            .map_err(|err| EngineError::Io { action: format!("create {}", log_dir.display()), source: err })?;
        let query_uri = self.stage_local_query(&plan.driver.query, work_dir).await;
        let init_uri = match &plan.driver.init_query_file {
            Some(uri) => Some(self.stage_local_query(uri, work_dir).await),
            None => None,
        };
        let spec = HiveWorkerSpec {
            query_uri,
            init_uri,
            parameters: plan.driver.parameters.clone(),
            hive_site: plan.hive_site.clone(),
            target_partitions: plan.resources.driver.cpu as usize,
            memory_limit_bytes: usize::try_from(plan.resources.driver_memory_mb.saturating_mul(1024 * 1024))
                .unwrap_or(usize::MAX),
            warehouse_dir: self.warehouse_dir(plan),
            api_endpoint,
            region: self.config.region.clone(),
            credentials,
            s3: self.worker_s3(),
        };
        let spec_path = work_dir.join("spec.json");
        let body = serde_json::to_vec(&spec).map_err(|err| io("encode worker spec", std::io::Error::other(err)))?;
        // 0600 from the start: the spec may carry secrets (the external
        // store's keys, the attempt's).
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&spec_path)
            .map_err(|err| io("write worker spec", err))?;
        file.write_all(&body).map_err(|err| io("write worker spec", err))?;
        Ok((spec_path, log_dir))
    }

    /// A local query file (already checked against the allowed local dirs
    /// at submit) is read here, by the server, and handed to the confined
    /// worker as a copy in its attempt dir; other URIs, and a file that
    /// cannot be copied (the worker then reports it), pass unchanged.
    async fn stage_local_query(&self, uri: &str, work_dir: &Path) -> String {
        if !matches!(sparkplane_storage::Location::parse(uri), Ok(sparkplane_storage::Location::Local(_))) {
            return uri.to_string();
        }
        match self.storage.stage_into(uri, &work_dir.join(LOCAL_QUERY_DIR), None).await {
            Ok(staged) => staged.display().to_string(),
            Err(_) => uri.to_string(),
        }
    }

    /// A cold start: a new `sparkplane hive-worker` process for this attempt.
    pub(crate) async fn launch_hive(
        &self,
        plan: &HivePlan,
        work_dir: &Path,
        credentials: WorkerCredentials,
    ) -> Result<LaunchedAttempt, EngineError> {
        let (spec_path, log_dir) = self.prepare_hive(plan, work_dir, credentials).await?;
        let exe = worker_exe().map_err(|err| io("find the sparkplane binary", err))?;
        let stdout = std::fs::File::create(log_dir.join("stdout")).map_err(|err| io("create driver stdout", err))?;
        let stderr = std::fs::File::create(log_dir.join("stderr")).map_err(|err| io("create driver stderr", err))?;
        let mut command = Command::new(exe);
        clean_env(&mut command);
        command.arg("hive-worker").arg("--spec").arg(&spec_path).current_dir(work_dir);
        command.stdin(Stdio::null()).stdout(stdout).stderr(stderr);
        self.hive_sandbox().confine(&mut command, work_dir)?;
        let process = ProcessGroup::spawn(command).map_err(|err| io("start the hive worker", err))?;
        Ok(LaunchedAttempt {
            process,
            logs: vec![WorkerLogDir { worker: HIVE_DRIVER_LOG_FOLDER.to_string(), dir: log_dir }],
        })
    }

    /// A warm start: the job goes to a pre-initialized worker over its channel.
    pub(crate) async fn launch_hive_warm(
        &self,
        plan: &HivePlan,
        work_dir: &Path,
        worker: &mut WarmHiveWorker,
        credentials: WorkerCredentials,
    ) -> Result<Vec<WorkerLogDir>, EngineError> {
        let (spec_path, log_dir) = self.prepare_hive(plan, work_dir, credentials).await?;
        worker
            .send(&spec_path, &log_dir.join("stdout"), &log_dir.join("stderr"))
            .await
            .map_err(|err| io("hand the job to a warm hive worker", err))?;
        Ok(vec![WorkerLogDir { worker: HIVE_DRIVER_LOG_FOLDER.to_string(), dir: log_dir }])
    }
}

fn io(action: &str, err: std::io::Error) -> EngineError {
    EngineError::Io { action: action.to_string(), source: err }
}
