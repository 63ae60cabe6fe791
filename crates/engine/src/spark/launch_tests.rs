//! Tests of the spark-submit command line and environment a launch builds.
use super::*;

#[test]
fn the_cds_archive_goes_before_the_jobs_own_driver_options() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join(crate::cds::ARCHIVE_FILE);
    let mut runtime = InstalledRuntime {
        python_path: dir.path().to_path_buf(),
        spark_home: dir.path().join("pyspark"),
        python: "python3".into(),
        cds_archive: Some(archive.clone()),
    };
    let storage = ObjectStorage::new(None);
    let context = LaunchContext::bare(&storage);
    let plan =
        super::super::warm_match::tests::plan("s3://b/job.py", &[], "--conf spark.driver.extraJavaOptions=-Dmine=1");
    let java_options = |runtime: &InstalledRuntime| {
        let options = submit_options(&plan, &context, runtime);
        let found: Vec<&String> = options.iter().filter(|o| o.starts_with(DRIVER_JAVA_OPTIONS)).collect();
        assert_eq!(found.len(), 1, "{options:?}");
        found[0].clone()
    };
    // Not recorded yet: only the job's options.
    assert_eq!(java_options(&runtime), "spark.driver.extraJavaOptions=-Dmine=1");
    std::fs::write(&archive, b"jsa").unwrap();
    let merged = java_options(&runtime);
    assert!(merged.starts_with(&format!("{DRIVER_JAVA_OPTIONS}=-XX:SharedArchiveFile={}", archive.display())));
    assert!(merged.ends_with(" -Dmine=1"), "{merged}");
    let own_java = super::super::warm_match::tests::plan(
        "s3://b/job.py",
        &[],
        "--conf spark.driver.extraJavaOptions=-Dmine=1 --conf spark.emr-serverless.driverEnv.JAVA_HOME=/opt/jdk8",
    );
    let options = submit_options(&own_java, &context, &runtime);
    assert!(options.contains(&"spark.driver.extraJavaOptions=-Dmine=1".to_string()), "{options:?}");
    runtime.cds_archive = None;
    assert_eq!(java_options(&runtime), "spark.driver.extraJavaOptions=-Dmine=1");
}

#[test]
fn secrets_go_to_a_private_properties_file_and_the_connector_on_both_class_paths() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let runtime = runtime_with_connector(dir.path());
    let class_path = runtime.connector_class_path().unwrap();
    let storage = ObjectStorage::new(None);
    let credentials = super::super::hadoop_s3::S3Credentials {
        access_key_id: "AKIAKEY".into(),
        secret_access_key: "very=secret:value".into(),
    };
    let context = LaunchContext {
        default_conf: super::super::hadoop_s3::embedded_s3a_conf("http://127.0.0.1:9000", "us-east-1"),
        secret_conf: super::super::hadoop_s3::s3a_credentials_conf(&credentials),
        credentials_env: super::super::hadoop_s3::container_credentials_env("http://127.0.0.1:1/c", "the-token"),
        ..LaunchContext::bare(&storage)
    };
    let plan = super::super::warm_match::tests::plan(
        "s3://b/job.py",
        &[],
        "--conf spark.executor.extraClassPath=/opt/mine.jar",
    );
    let options = submit_options(&plan, &context, &runtime).join(" ");
    for secret in ["AKIAKEY", "very=secret", "the-token", "access.key", "secret.key", "AWS_CONTAINER"] {
        assert!(!options.contains(secret), "{secret} on the command line: {options}");
    }
    assert!(options.contains("spark.hadoop.fs.s3.impl=org.apache.hadoop.fs.s3a.S3AFileSystem"), "{options}");
    assert!(options.contains("spark.hadoop.fs.s3a.endpoint=http://127.0.0.1:9000"), "{options}");
    assert!(options.contains(&format!("spark.driver.extraClassPath={class_path} ")), "{options}");
    assert!(options.contains(&format!("spark.executor.extraClassPath={class_path}:/opt/mine.jar")), "{options}");

    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let file = write_secret_properties(&plan, &context, &runtime, &work).unwrap().unwrap();
    assert_eq!(file, work.join(SECRET_PROPERTIES_FILE));
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("spark.hadoop.fs.s3a.access.key=AKIAKEY\n"), "{text}");
    assert!(text.contains("spark.hadoop.fs.s3a.secret.key=very\\=secret\\:value\n"), "{text}");
    assert!(text.contains(&format!("provider={}", super::super::hadoop_s3::SIMPLE_PROVIDER)), "{text}");
    // Executors run inside the driver (local[N]): the token stays out of the conf.
    assert!(!text.contains("the-token"), "{text}");
    // Rewritten, not appended to, by a second launch in the same dir.
    write_secret_properties(&plan, &context, &runtime, &work).unwrap();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    // A standalone master's executors get the credentials' environment from the conf.
    let standalone = LaunchContext { master: Some("spark://127.0.0.1:7077".into()), ..context };
    let text = std::fs::read_to_string(write_secret_properties(&plan, &standalone, &runtime, &work).unwrap().unwrap())
        .unwrap();
    assert!(text.contains("spark.executorEnv.AWS_CONTAINER_AUTHORIZATION_TOKEN=the-token\n"), "{text}");
    assert!(text.contains("spark.executorEnv.AWS_CONTAINER_CREDENTIALS_FULL_URI=http\\://127.0.0.1\\:1/c\n"), "{text}");
    // Executors that may run on other hosts get the endpoint's address from
    // their worker (each host's own loopback), and the driver listens on
    // the advertised address unless the job chose one.
    let spread = LaunchContext { bind_address: Some("10.0.0.5".into()), ..standalone };
    let text =
        std::fs::read_to_string(write_secret_properties(&plan, &spread, &runtime, &work).unwrap().unwrap()).unwrap();
    assert!(text.contains("spark.executorEnv.AWS_CONTAINER_AUTHORIZATION_TOKEN=the-token\n"), "{text}");
    assert!(!text.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI"), "{text}");
    let options = submit_options(&plan, &spread, &runtime).join(" ");
    assert!(options.contains("spark.driver.host=10.0.0.5") && options.contains("spark.driver.bindAddress=10.0.0.5"));
    assert!(!options.contains("spark.driver.host=127.0.0.1"), "{options}");
    let standalone = LaunchContext { bind_address: None, ..spread };
    // Nothing to hide: no file.
    let plain = LaunchContext { secret_conf: Vec::new(), credentials_env: Vec::new(), master: None, ..standalone };
    assert_eq!(write_secret_properties(&plan, &plain, &runtime, &dir.path().join("none")).unwrap(), None);
}

#[test]
fn failure_summary_finds_python_and_jvm_errors() {
    let dir = tempfile::tempdir().unwrap();
    let stdout = dir.path().join("stdout");
    let stderr = dir.path().join("stderr");
    // PySpark: the traceback is in stdout, stderr ends with shutdown noise.
    std::fs::write(&stdout, "Traceback (most recent call last):\n  File \"x.py\", line 3\nValueError: boom\n").unwrap();
    std::fs::write(&stderr, "26/11/20 00:00:00 INFO ShutdownHookManager: Deleting directory /tmp/x\n").unwrap();
    assert_eq!(failure_summary(dir.path()).as_deref(), Some("ValueError: boom"));
    // py4j's complaint that the JVM went away comes after the real error.
    let py4j = "py4j.protocol.Py4JNetworkError: Answer from Java side is empty";
    std::fs::write(&stdout, format!("Traceback (most recent call last):\nValueError: boom\n{py4j}\n")).unwrap();
    assert_eq!(failure_summary(dir.path()).as_deref(), Some("ValueError: boom"));
    std::fs::write(&stdout, format!("Traceback (most recent call last):\n{py4j}\n")).unwrap();
    assert_eq!(failure_summary(dir.path()).as_deref(), Some(py4j));
    // A JVM job: the exception is in stderr.
    std::fs::write(&stdout, "").unwrap();
    std::fs::write(&stderr, "Exception in thread \"main\" java.lang.IllegalStateException: bad\n\tat X.main\n")
        .unwrap();
    assert_eq!(
        failure_summary(dir.path()).as_deref(),
        Some("Exception in thread \"main\" java.lang.IllegalStateException: bad")
    );
    // Nothing error-like: the last line that is not Spark's logging.
    std::fs::write(&stdout, "sys.exit message\n").unwrap();
    std::fs::write(&stderr, "26/11/21 00:32:43 INFO ShutdownHookManager: Deleting directory /tmp/x\n").unwrap();
    assert_eq!(failure_summary(dir.path()).as_deref(), Some("sys.exit message"));
    std::fs::write(&stderr, "just a line\nPicked up JAVA_TOOL_OPTIONS: -Djava.io.tmpdir=/w/tmp\n\n").unwrap();
    assert_eq!(failure_summary(dir.path()).as_deref(), Some("just a line"));
    // sparkplane's staging lines are not what went wrong.
    std::fs::write(&stdout, "").unwrap();
    std::fs::write(&stderr, "the cause\nsparkplane: staged s3://b/job.py from cache\n").unwrap();
    assert_eq!(failure_summary(dir.path()).as_deref(), Some("the cause"));
    assert_eq!(failure_summary(&dir.path().join("absent")), None);
}

#[test]
fn spark_4_gets_the_connectors_hadoop_34_settings_unless_something_sets_them() {
    let dir = tempfile::tempdir().unwrap();
    let runtime = runtime_with_connector(dir.path());
    let storage = ObjectStorage::new(None);
    let context = LaunchContext {
        secret_conf: super::super::hadoop_s3::s3a_credentials_conf(&super::super::hadoop_s3::S3Credentials {
            access_key_id: "AKIAKEY".into(),
            secret_access_key: "s".into(),
        }),
        ..LaunchContext::bare(&storage)
    };
    let mut plan = super::super::warm_match::tests::plan(
        "s3://b/job.py",
        &[],
        "--conf spark.hadoop.fs.s3a.connection.timeout=1234",
    );
    let spark3 = submit_options(&plan, &context, &runtime).join(" ");
    assert!(!spark3.contains("fs.s3a.threads.keepalivetime"), "{spark3}");
    plan.runtime = crate::releases::SPARK_4_0;
    let spark4 = submit_options(&plan, &context, &runtime).join(" ");
    assert!(spark4.contains("spark.hadoop.fs.s3a.threads.keepalivetime=60"), "{spark4}");
    assert!(spark4.contains("spark.hadoop.fs.s3a.connection.timeout=1234"), "the job's own value wins: {spark4}");
    assert!(!spark4.contains("fs.s3a.connection.timeout=200000"), "{spark4}");
    // The static keys' provider is in the secrets file: no second one on the command line.
    assert!(!spark4.contains("fs.s3a.aws.credentials.provider"), "{spark4}");
}

/// A runtime in `dir` whose S3A connector jars are in place (as files).
fn runtime_with_connector(dir: &std::path::Path) -> InstalledRuntime {
    let runtime = InstalledRuntime {
        python_path: dir.to_path_buf(),
        spark_home: dir.join("pyspark"),
        python: "python3".into(),
        cds_archive: None,
    };
    let connector = dir.join(crate::runtime::CONNECTOR_DIR);
    std::fs::create_dir_all(&connector).unwrap();
    for (jar, _) in crate::runtime::CONNECTOR_JARS {
        std::fs::write(connector.join(jar), b"jar").unwrap();
    }
    runtime
}
