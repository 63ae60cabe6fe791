//! How a Spark process of this server reaches `s3://`: the Hadoop
//! properties and environment of every launch (the embedded endpoint over
//! S3A, its bucket dirs mounted, or an external service), inside the Spark
//! sandbox and with the artifact cache.
//!
//! Every Spark process starts from this context: an attempt's driver, an
//! elastic run's executors, a warm driver before its run is known. Each
//! caller adds its own credentials (`credentials_env` from a grant, or
//! `secret_conf` without an issuer).

use sparkplane_engine::spark::{hadoop_s3, LaunchContext};

use crate::{Controller, S3ForJobs};

impl Controller {
    /// Hadoop properties and environment that give the job `s3://`; the
    /// attempt's credentials are added by the caller (`credentials_env`, or
    /// `secret_conf` without an issuer).
    pub(crate) fn launch_context(&self) -> LaunchContext<'_> {
        let (default_conf, env) = match &self.config.s3_for_jobs {
            S3ForJobs::None => (Vec::new(), Vec::new()),
            S3ForJobs::Embedded { root } if self.config.direct_bucket_mount => {
                (hadoop_s3::embedded_store_conf(root), Vec::new())
            }
            S3ForJobs::Embedded { .. } => {
                let (mut conf, mut env) = (Vec::new(), Vec::new());
                if let Some(s) = self.storage.s3_settings() {
                    conf = hadoop_s3::embedded_s3a_conf(&s.endpoint, &s.region);
                    if self.spark_fetches_credentials() {
                        conf.extend(hadoop_s3::container_credentials_conf());
                    }
                    // Readable by every engine process, as the runtime is.
                    let parent = self.config.runtime_dir.join("s3a-regions");
                    match hadoop_s3::sdk_region_override(&parent, &s.endpoint, &s.region) {
                        Ok(folder) => {
                            // The driver's goes last on its class path (Spark's
                            // launcher appends SPARK_DIST_CLASSPATH): the CDS
                            // archive maps only when the class path starts as at
                            // recording, connector jars then Spark's own jars.
                            env.push(("SPARK_DIST_CLASSPATH".to_string(), folder.display().to_string()));
                            conf.push(("spark.executor.extraClassPath".to_string(), folder.display().to_string()));
                        }
                        Err(err) => tracing::warn!(error = %err, "cannot write S3A's region override"),
                    }
                }
                (conf, env)
            }
            S3ForJobs::External { endpoint, region, path_style } => {
                let env = self
                    .storage
                    .s3_settings()
                    .map(|s| {
                        vec![
                            ("AWS_ACCESS_KEY_ID".to_string(), s.access_key_id.clone()),
                            ("AWS_SECRET_ACCESS_KEY".to_string(), s.secret_access_key.clone()),
                            ("AWS_REGION".to_string(), s.region.clone()),
                        ]
                    })
                    .unwrap_or_default();
                (hadoop_s3::external_store_conf(endpoint, region, *path_style), env)
            }
        };
        LaunchContext {
            storage: &self.storage,
            default_conf,
            env,
            master: None,
            sandbox: self.spark_sandbox(),
            secret_conf: Vec::new(),
            credentials_env: Vec::new(),
            cache: self.cache.as_deref(),
            images: None,
            bind_address: None,
            die_with_parent: false,
        }
    }
}
