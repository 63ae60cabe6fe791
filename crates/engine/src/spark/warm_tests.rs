//! Warm drivers against a real Spark runtime (skipped when it is not installed).

use std::time::Instant;

use sparkplane_storage::ObjectStorage;

use super::*;
use crate::runtime::{RuntimeManager, SparkRuntime};
use crate::spark::failure_summary;
use crate::spark::warm_match::tests::{plan, SMALL};

/// One Spark test at a time: the machine is small and shared.
static SPARK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn installed_runtime() -> Option<InstalledRuntime> {
    let dir = match std::env::var_os("SPARKPLANE_RUNTIME_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".cache/sparkplane/runtimes"),
    };
    let runtime = SparkRuntime::for_release("emr-7.2.0").unwrap();
    if !dir.join(format!("spark-{}/pyspark/bin/spark-submit", runtime.spark_version)).exists() {
        eprintln!("skipped: Spark {} is not installed under {}", runtime.spark_version, dir.display());
        return None;
    }
    Some(RuntimeManager::new(dir, "python3".into()).ensure(runtime).await.unwrap())
}

/// Starts a warm driver for `script`, hands it over with `args` and waits for the exit.
async fn run_warm(script: &str, args: &[&str]) -> Option<(crate::ExitReport, tempfile::TempDir)> {
    let runtime = installed_runtime().await?;
    let _one_at_a_time = SPARK.lock().await;
    let tmp = tempfile::tempdir().unwrap();
    let entry = tmp.path().join("job.py");
    std::fs::write(&entry, script).unwrap();
    let entry = entry.to_str().unwrap();
    let storage = ObjectStorage::new(None);
    let context = LaunchContext::bare(&storage);
    let started = Instant::now();
    let mut warm =
        WarmDriver::start(&plan(entry, &[], SMALL), &runtime, &tmp.path().join("warm"), &context).await.unwrap();
    warm.ready().await.unwrap();
    let ready_after = started.elapsed();
    let job = plan(entry, args, SMALL);
    assert!(warm.accepts(&job) && warm.accepts_context(&context));
    let handed = Instant::now();
    let mut attempt = warm.hand_over(&job, &tmp.path().join("work"), &context).await.unwrap();
    let exit = tokio::time::timeout(Duration::from_secs(180), attempt.process.wait()).await.unwrap().unwrap();
    println!("start->ready {ready_after:?}, hand_over->exit {:?}", handed.elapsed());
    Some((exit, tmp))
}

fn driver_log(tmp: &tempfile::TempDir, name: &str) -> String {
    std::fs::read_to_string(tmp.path().join("work/logs/SPARK_DRIVER").join(name)).unwrap()
}

#[tokio::test]
async fn runs_a_job_on_the_live_session_with_its_own_logs() {
    let script = "import sys\n\
        from pyspark.sql import SparkSession\n\
        spark = SparkSession.builder.getOrCreate()\n\
        print(spark.range(10).count())\n\
        print(spark.sparkContext.master)\n\
        print(sys.argv[1:])\n\
        spark.range(3).write.csv('relative_out')\n\
        spark.range(3).write.saveAsTable('managed')\n\
        print('warehouse', spark.conf.get('spark.sql.warehouse.dir'))\n";
    let Some((exit, tmp)) = run_warm(script, &["alpha", "beta gamma"]).await else { return };
    let (stdout, stderr) = (driver_log(&tmp, "stdout"), driver_log(&tmp, "stderr"));
    assert!(exit.success(), "{exit:?}\nstdout:\n{stdout}\nstderr:\n{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines.contains(&"10") && lines.contains(&"local[2]"), "{stdout}");
    assert!(lines.contains(&"['alpha', 'beta gamma']"), "{stdout}");
    let work = tmp.path().join("work");
    assert!(stdout.contains(&format!("warehouse file:{}/spark-warehouse", work.display())), "{stdout}");
    assert!(work.join("relative_out/_SUCCESS").exists(), "relative output not in the work dir");
    assert!(work.join("spark-warehouse/managed").is_dir() && !tmp.path().join("warm/spark-warehouse").exists());
    // The JVM's log4j output of the job, and none of the warm-up.
    let job_log = |line: &&str| line.contains("INFO DAGScheduler: Job") && line.contains("finished: count");
    assert!(stderr.lines().any(|line| job_log(&line)), "{stderr}");
    assert!(stderr.contains("Successfully stopped SparkContext"), "{stderr}");
    let warm_up = std::fs::read_to_string(tmp.path().join("warm").join(WARM_UP_LOG)).unwrap();
    assert!(warm_up.contains("sparkplane warm driver: SparkSession up"), "{warm_up}");
    assert!(!stdout.contains("SparkSession up") && !stderr.contains("Setting default log level"));
}

#[tokio::test]
async fn an_uncaught_exception_fails_the_job_like_a_cold_driver() {
    let script = "from pyspark.sql import SparkSession\n\
        spark = SparkSession.builder.getOrCreate()\n\
        raise ValueError('boom')\n";
    let Some((exit, tmp)) = run_warm(script, &[]).await else { return };
    assert_eq!(exit.code, Some(1), "{exit:?}");
    let log_dir = tmp.path().join("work/logs/SPARK_DRIVER");
    assert_eq!(failure_summary(&log_dir).as_deref(), Some("ValueError: boom"));
    let stdout = driver_log(&tmp, "stdout");
    assert!(stdout.contains("Traceback (most recent call last)") && !stdout.contains(SCRIPT_NAME), "{stdout}");
}
