//! Test harness: an in-memory catalog and `s3://` buckets backed by a temp dir.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use sparkplane_sql::{run_job, InMemoryCatalog, JobFailure, LocalBucketResolver, RunReport, SqlJob, SqlOptions};

pub struct Env {
    pub dir: tempfile::TempDir,
    pub catalog: Arc<InMemoryCatalog>,
    pub options: SqlOptions,
}

pub struct Run {
    pub result: Result<RunReport, JobFailure>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The failure of a run that must have failed (its error and partial report).
    #[track_caller]
    pub fn failure(&self) -> &JobFailure {
        match &self.result {
            Ok(_) => panic!("run succeeded unexpectedly; stdout:\n{}", self.stdout),
            Err(failure) => failure,
        }
    }

    /// Stdout of a run that must have succeeded.
    #[track_caller]
    pub fn ok(&self) -> &str {
        if let Err(e) = &self.result {
            panic!("run failed: {e}\nstderr:\n{}", self.stderr);
        }
        &self.stdout
    }

    /// The error message of a run that must have failed.
    #[track_caller]
    pub fn err(&self) -> String {
        match &self.result {
            Ok(_) => panic!("run succeeded unexpectedly; stdout:\n{}", self.stdout),
            Err(e) => e.to_string(),
        }
    }
}

impl Env {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        Env {
            dir,
            catalog: Arc::new(InMemoryCatalog::new()),
            options: SqlOptions {
                target_partitions: 2,
                memory_limit_bytes: 256 * 1024 * 1024,
                default_warehouse_dir: "s3://warehouse/hive/".into(),
            },
        }
    }

    /// Local path of `s3://bucket/key`.
    pub fn path(&self, bucket_key: &str) -> PathBuf {
        self.dir.path().join(bucket_key)
    }

    /// Writes an object at `bucket/key`.
    pub fn put(&self, bucket_key: &str, content: impl AsRef<[u8]>) {
        let p = self.path(bucket_key);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, content).expect("write");
    }

    pub async fn run(&self, script: &str) -> Run {
        self.run_job(SqlJob { query: script.into(), ..Default::default() }).await
    }

    pub async fn run_job(&self, job: SqlJob) -> Run {
        let mut stdout = Vec::new();
        let mut stderr = Vec::new();
        let stores = Arc::new(LocalBucketResolver::new(self.dir.path()));
        let result = run_job(&job, &self.options, self.catalog.clone(), stores, &mut stdout, &mut stderr).await;
        Run {
            result,
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
        }
    }

    /// Loads a small employees table used by several tests.
    pub async fn employees(&self) {
        self.put(
            "data/emp/part-0.csv",
            "alice,eng,120\nbob,eng,100\ncarol,eng,120\ndave,ops,90\nerin,ops,95\nfrank,sales,\\N\n",
        );
        self.run(
            "CREATE EXTERNAL TABLE emp (name string, dept string, salary int)
             ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' STORED AS TEXTFILE LOCATION 's3://data/emp/'",
        )
        .await
        .ok();
    }
}

pub fn hive_site(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}
