//! Tests of what a dashboard shows (live, history, HIVE report) and of the
//! Spark UI settings of each launch.

use sparkplane_api::{Hive, JobDriver, SparkSubmit, Timestamp};

use super::*;

fn run(state: JobRunState, started: bool) -> JobRun {
    let mut run = sparkplane_store::test_suite::job_run("00app", "00run", 1_000);
    run.state = state;
    run.started_at = started.then_some(Timestamp(2_000));
    run
}

fn hive_run(state: JobRunState) -> JobRun {
    let mut run = run(state, true);
    run.job_driver = JobDriver {
        spark_submit: None,
        hive: Some(Hive { query: "s3://b/q.sql".into(), init_query_file: None, parameters: None }),
    };
    run
}

fn plan(params: &str) -> SparkJobPlan {
    let driver = SparkSubmit {
        entry_point: "/tmp/x.py".into(),
        entry_point_arguments: None,
        spark_submit_parameters: Some(params.to_string()).filter(|p| !p.is_empty()),
    };
    SparkJobPlan::new("emr-7.9.0", &driver, &[], &[]).unwrap()
}

#[test]
fn runs_without_a_driver_have_nothing_to_show() {
    let dir = tempfile::tempdir().unwrap();
    for state in [JobRunState::Submitted, JobRunState::Queued, JobRunState::Scheduled] {
        assert!(matches!(
            view_of(&run(state, false), dir.path(), &dir.path().join("kept")),
            DashboardView::NotStarted { .. }
        ));
    }
    // Failed at staging or cancelled while queued: over, but never started.
    for state in [JobRunState::Failed, JobRunState::Cancelled] {
        assert!(matches!(
            view_of(&run(state, false), dir.path(), &dir.path().join("kept")),
            DashboardView::NotStarted { .. }
        ));
    }
    let mut queued_hive = hive_run(JobRunState::Queued);
    queued_hive.started_at = None;
    assert!(matches!(view_of(&queued_hive, dir.path(), &dir.path().join("kept")), DashboardView::NotStarted { .. }));
}

#[test]
fn a_running_spark_run_shows_its_live_ui_on_the_port_spark_bound() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        view_of(&run(JobRunState::Running, true), dir.path(), &dir.path().join("kept")),
        DashboardView::Live { port: None }
    ));
    std::fs::write(dir.path().join("ui-port"), "41001\n").unwrap();
    assert!(matches!(
        view_of(&run(JobRunState::Running, true), dir.path(), &dir.path().join("kept")),
        DashboardView::Live { port: Some(41001) }
    ));
    // Spark moved to the next port: its own log line wins.
    let logs = dir.path().join("logs/SPARK_DRIVER");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::write(
        logs.join("stderr"),
        "26/11/21 02:39:46 INFO JettyUtils: Start Jetty 127.0.0.1:41002 for SparkUI\n\
         26/11/21 02:39:46 INFO Utils: Successfully started service 'SparkUI' on port 41002.\n",
    )
    .unwrap();
    assert!(matches!(
        view_of(&run(JobRunState::Cancelling, true), dir.path(), &dir.path().join("kept")),
        DashboardView::Live { port: Some(41002) }
    ));
}

#[test]
fn a_finished_spark_run_shows_its_history_when_it_left_an_event_log() {
    let dir = tempfile::tempdir().unwrap();
    let finished = run(JobRunState::Success, true);
    assert!(matches!(
        view_of(&finished, dir.path(), &dir.path().join("kept")),
        DashboardView::NoEventLog { state: JobRunState::Success }
    ));
    let events = dir.path().join("sparklogs");
    std::fs::create_dir_all(&events).unwrap();
    std::fs::write(
        events.join("local-7"),
        "{\"Event\":\"SparkListenerApplicationStart\",\"App Name\":\"n\",\"App ID\":\"local-7\"}\n",
    )
    .unwrap();
    match view_of(&finished, dir.path(), &dir.path().join("kept")) {
        DashboardView::History { log, runtime } => {
            assert_eq!(log.spark_app_id, "local-7");
            assert_eq!(runtime.spark_version, "3.5.8");
        }
        other => panic!("expected history, got {other:?}"),
    }
    // Retired: the event logs moved to the attempt's history dir.
    std::fs::create_dir_all(dir.path().join("kept")).unwrap();
    std::fs::rename(&events, dir.path().join("kept/sparklogs")).unwrap();
    match view_of(&finished, dir.path(), &dir.path().join("kept")) {
        DashboardView::History { log, .. } => assert_eq!(log.spark_app_id, "local-7"),
        other => panic!("expected history, got {other:?}"),
    }
}

#[test]
fn hive_runs_show_their_statement_report_in_either_field_spelling() {
    let dir = tempfile::tempdir().unwrap();
    match view_of(&hive_run(JobRunState::Running), dir.path(), &dir.path().join("kept")) {
        DashboardView::Hive { report: None, .. } => {}
        other => panic!("expected a hive view without report, got {other:?}"),
    }
    std::fs::write(
        dir.path().join(HIVE_REPORT_FILE),
        r#"{"statements":[{"index":1,"line":3,"text":"SELECT <b>","elapsed_ms":12,"rows":5,"init_script":false},
                          {"index":2,"line":4,"textPreview":"CREATE TABLE t","elapsedMs":3,"rows":null,"initScript":true}],
            "error":"statement 3 (line 5): boom"}"#,
    )
    .unwrap();
    match view_of(&hive_run(JobRunState::Failed), dir.path(), &dir.path().join("kept")) {
        DashboardView::Hive { report: Some(report), state: JobRunState::Failed, .. } => {
            assert_eq!(report.statements.len(), 2);
            assert_eq!((report.statements[0].rows, report.statements[0].elapsed_ms), (Some(5), 12));
            assert_eq!(report.statements[1].text, "CREATE TABLE t");
            assert!(report.statements[1].init_script);
            assert_eq!(report.error.as_deref(), Some("statement 3 (line 5): boom"));
        }
        other => panic!("expected a hive report, got {other:?}"),
    }
    // Half-written: shown as not there yet rather than as an error.
    std::fs::write(dir.path().join(HIVE_REPORT_FILE), r#"{"statements":[{"ind"#).unwrap();
    assert!(matches!(
        view_of(&hive_run(JobRunState::Running), dir.path(), &dir.path().join("kept")),
        DashboardView::Hive { report: None, .. }
    ));
}

#[test]
fn launches_get_a_proxied_ui_and_event_logs_unless_the_job_says_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let conf: std::collections::BTreeMap<_, _> =
        spark_launch_conf(&plan(""), Some("/dashboard/a/j/1"), dir.path()).into_iter().collect();
    let port: u16 = conf["spark.ui.port"].parse().unwrap();
    assert_eq!(std::fs::read_to_string(dir.path().join("ui-port")).unwrap(), port.to_string());
    assert_eq!(conf["spark.ui.proxyBase"], "/dashboard/a/j/1");
    assert_eq!(conf["spark.eventLog.enabled"], "true");
    assert_eq!(conf["spark.eventLog.rolling.enabled"], "false", "one file, as the History view reads it");
    assert_eq!(conf["spark.eventLog.dir"], format!("file://{}/sparklogs", dir.path().display()));
    assert!(dir.path().join("sparklogs").is_dir());

    // The job's own port is not remembered (only what Spark logs it bound).
    let own = tempfile::tempdir().unwrap();
    let conf: std::collections::BTreeMap<_, _> =
        spark_launch_conf(&plan("--conf spark.ui.port=4444"), Some("/p"), own.path()).into_iter().collect();
    assert!(!own.path().join("ui-port").exists());
    assert!(!conf.contains_key("spark.ui.port"), "the job's own setting stands");

    // No UI: no port, no proxy base, but still event logs.
    let off = tempfile::tempdir().unwrap();
    let conf: std::collections::BTreeMap<_, _> =
        spark_launch_conf(&plan("--conf spark.ui.enabled=false"), Some("/p"), off.path()).into_iter().collect();
    assert!(!conf.contains_key("spark.ui.port") && !conf.contains_key("spark.ui.proxyBase"));
    assert!(!off.path().join("ui-port").exists());
    assert_eq!(conf["spark.eventLog.enabled"], "true");
}

#[test]
fn prefixes_name_the_attempt() {
    assert_eq!(dashboard_prefix("00app", "00run", 2), "/dashboard/00app/00run/2");
}

#[test]
fn a_warm_drivers_ui_port_and_event_logs_become_the_attempts() {
    let warm = tempfile::tempdir().unwrap();
    let conf: std::collections::BTreeMap<_, _> = spark_launch_conf(&plan(""), None, warm.path()).into_iter().collect();
    assert!(!conf.contains_key("spark.ui.proxyBase"), "the run is not known at warm-up");
    // Spark bound another port than the one chosen, and said so in the warm-up log.
    let log = warm.path().join("warmup.log");
    std::fs::write(&log, "sparkplane warm driver: SparkSession up, master local[2], Spark UI on port 40123\n").unwrap();
    std::fs::write(warm.path().join("sparklogs/local-1.inprogress"), "{}").unwrap();

    let work = tempfile::tempdir().unwrap();
    adopt_warm_dashboard(warm.path(), work.path());
    assert_eq!(live_ui_port(work.path()), Some(40123));
    assert!(work.path().join("sparklogs/local-1.inprogress").is_file(), "linked while the driver runs");

    // The driver finished (Spark renamed its log): the folder moves into the work dir.
    std::fs::rename(warm.path().join("sparklogs/local-1.inprogress"), warm.path().join("sparklogs/local-1")).unwrap();
    settle_event_logs(work.path());
    let events = work.path().join("sparklogs");
    assert!(!events.is_symlink() && events.join("local-1").is_file());
    assert!(!warm.path().join("sparklogs").exists());
    // Idempotent on a folder that is already the attempt's own.
    settle_event_logs(work.path());
    assert!(events.join("local-1").is_file());
}
