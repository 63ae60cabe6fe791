//! A class-data-sharing archive of the Spark driver JVM, one per runtime.
//!
//! A cold Spark driver spends most of its start loading and verifying the
//! same ten thousand classes from the runtime's jars. Java's dynamic CDS
//! archive (`-XX:ArchiveClassesAtExit`) records them once, after a short
//! SparkSession run at install time; every later driver maps the archive
//! (`-XX:SharedArchiveFile`) instead. The archive belongs to the runtime
//! directory, so servers sharing it share the archive too. With
//! `-Xshare:auto` a JVM that cannot use it (another Java build, a job that
//! changes the driver's class path) starts as it would have without it.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use std::time::Duration;

use tokio::process::Command;

use crate::process::ProcessGroup;
use crate::runtime::InstalledRuntime;
use crate::EngineError;

/// The archive, in the runtime's folder. The JVM maps a dynamic archive only
/// when the class path starts as it did at recording, so it is recorded with
/// the S3A connector first on the driver's class path, as every driver has
/// it (`spark/launch.rs`); archives recorded before the connector
/// (`driver-cds.jsa`) would not map. Archives recorded before the run did
/// S3A I/O (`driver-cds-s3a.jsa`) lack the connector's classes: a new name
/// makes existing runtimes record again.
pub const ARCHIVE_FILE: &str = "driver-cds-s3a-io.jsa";
/// Left when creating the archive failed, so that every job does not retry.
pub const FAILED_MARKER: &str = "driver-cds-s3a-io.failed";
/// The recording is a SparkSession start and stop: well under a minute
/// even on a busy 2-core machine. Past this, drivers go without.
const RECORDING_TIMEOUT: Duration = Duration::from_secs(300);

/// What the recording run does: start a session with its UI, run a SQL
/// query and a Python UDF-free job, then write, rename, list and read
/// parquet and CSV over S3A against a throwaway in-memory S3 on loopback,
/// stop. The classes this loads are the ones every driver loads.
const RECORDING_JOB: &str = include_str!("cds_record.py");

/// S3A settings of the recording: those of a job on the embedded endpoint
/// (the script points `fs.s3a.endpoint` at its own S3), throwaway keys,
/// and retries cut short so a failing request cannot stall the recording.
fn recording_s3a_conf() -> Vec<(String, String)> {
    let mut conf = crate::spark::hadoop_s3::embedded_s3a_conf("http://127.0.0.1:9", "us-east-1");
    // Not secrets: the throwaway S3 checks no signatures.
    let bounded = [
        ("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider"),
        ("fs.s3a.access.key", "AKIASPARKPLANECDS"),
        ("fs.s3a.secret.key", "sparkplane-cds"),
        ("fs.s3a.attempts.maximum", "1"),
        ("fs.s3a.retry.limit", "1"),
        ("fs.s3a.retry.interval", "10ms"),
        ("fs.s3a.retry.throttle.limit", "1"),
        ("fs.s3a.retry.throttle.interval", "10ms"),
        ("fs.s3a.connection.establish.timeout", "5000"),
        ("fs.s3a.connection.timeout", "10000"),
    ];
    conf.extend(bounded.iter().map(|(key, value)| (format!("spark.hadoop.{key}"), value.to_string())));
    conf
}

/// JVM options that map the archive, silently skipped when unusable.
pub fn java_options(archive: &Path) -> String {
    format!("-XX:SharedArchiveFile={} -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off", archive.display())
}

/// Records the archive for `installed` into `archive`: written to a
/// temporary file and renamed, so the archive is complete or absent.
pub(crate) async fn record(installed: &InstalledRuntime, archive: &Path) -> Result<(), EngineError> {
    let folder = archive.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    // Unique per recording: tests (and servers) sharing a runtime dir may
    // record at the same time; the rename below settles who wins.
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let scratch = folder.join(format!(".cds-{}-{nanos}", std::process::id()));
    let _ = tokio::fs::remove_dir_all(&scratch).await;
    tokio::fs::create_dir_all(&scratch).await.map_err(|err| EngineError::io("create the CDS scratch dir", err))?;
    let result = record_in(installed, archive, &scratch).await;
    let _ = tokio::fs::remove_dir_all(&scratch).await;
    result
}

async fn record_in(installed: &InstalledRuntime, archive: &Path, scratch: &Path) -> Result<(), EngineError> {
    let script = scratch.join("record.py");
    tokio::fs::write(&script, RECORDING_JOB).await.map_err(|err| EngineError::io("write the CDS job", err))?;
    let partial = scratch.join(ARCHIVE_FILE);
    let log_path = scratch.join("record.log");
    let log = std::fs::File::create(&log_path).map_err(|err| EngineError::io("create the CDS log", err))?;
    let log_err = log.try_clone().map_err(|err| EngineError::io("create the CDS log", err))?;
    let mut command = Command::new(installed.spark_submit());
    // Not confined: the recording runs sparkplane's own script on the
    // runtime's classes, no job code, and writes into the runtime dir.
    crate::sandbox::clean_env(&mut command);
    command
        .current_dir(scratch)
        .args(["--master", "local[1]", "--conf", "spark.ui.port=0", "--conf"])
        .arg(format!("spark.driver.extraJavaOptions=-XX:ArchiveClassesAtExit={}", partial.display()));
    if let Some(connector) = installed.connector_class_path() {
        command.arg("--conf").arg(format!("spark.driver.extraClassPath={connector}"));
        for (key, value) in recording_s3a_conf() {
            command.arg("--conf").arg(format!("{key}={value}"));
        }
    }
    command
        .arg(&script)
        .env("SPARK_HOME", &installed.spark_home)
        .env("PYTHONPATH", &installed.python_path)
        .env("PYSPARK_PYTHON", &installed.python)
        .env("SPARK_LOCAL_IP", "127.0.0.1")
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err);
    // A process group: if the caller gives up (cancel, shutdown), dropping
    // it kills the JVM and its Python.
    let mut job = ProcessGroup::spawn(command).map_err(|err| EngineError::io("run the CDS recording job", err))?;
    let exit = match tokio::time::timeout(RECORDING_TIMEOUT, job.wait()).await {
        Ok(exit) => exit.map_err(|err| EngineError::io("run the CDS recording job", err))?,
        Err(_) => job.terminate(Duration::ZERO).await.map_err(|err| EngineError::io("stop the CDS job", err))?,
    };
    let recorded = tokio::fs::metadata(&partial).await.map(|m| m.len() > 0).unwrap_or(false);
    if !exit.success() || !recorded {
        let tail = crate::spark::last_log_line(&log_path).unwrap_or_default();
        return Err(EngineError::io(
            "record the Spark CDS archive",
            std::io::Error::other(format!("the recording job ended with {}: {tail}", exit.describe())),
        ));
    }
    tokio::fs::rename(&partial, archive).await.map_err(|err| EngineError::io("move the CDS archive into place", err))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recording_does_s3a_io_with_bounded_retries() {
        let conf = recording_s3a_conf();
        let get = |key: &str| conf.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        assert_eq!(get("spark.hadoop.fs.s3a.impl"), Some("org.apache.hadoop.fs.s3a.S3AFileSystem"));
        assert_eq!(get("spark.hadoop.fs.s3a.attempts.maximum"), Some("1"));
        assert!(get("spark.hadoop.fs.s3a.access.key").is_some());
        assert!(RECORDING_JOB.contains("s3a://cds/parquet") && RECORDING_JOB.contains("fs.s3a.endpoint"));
    }

    #[test]
    fn options_map_the_archive_and_fall_back_quietly() {
        let options = java_options(Path::new("/rt/spark-3.5.8/driver-cds.jsa"));
        assert!(options.starts_with("-XX:SharedArchiveFile=/rt/spark-3.5.8/driver-cds.jsa "));
        assert!(options.contains("-Xshare:auto"), "{options}");
    }
}
