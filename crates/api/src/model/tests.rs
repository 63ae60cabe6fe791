//! Wire-format tests: realistic documents must survive a serde round trip
//! with AWS's member names intact.

use super::*;
use serde_json::{json, Value};

fn application_json() -> Value {
    json!({
        "applicationId": "00fabcdef1234567",
        "name": "my-spark-app",
        "arn": "arn:aws:emr-serverless:us-east-1:123456789012:/applications/00fabcdef1234567",
        "releaseLabel": "emr-7.9.0",
        "type": "Spark",
        "state": "CREATED",
        "stateDetails": "",
        "initialCapacity": {
            "DRIVER": {"workerCount": 1, "workerConfiguration": {"cpu": "2 vCPU", "memory": "4 GB", "disk": "20 GB"}},
            "EXECUTOR": {"workerCount": 4, "workerConfiguration": {"cpu": "4 vCPU", "memory": "8 GB", "disk": "20 GB", "diskType": "STANDARD"}}
        },
        "maximumCapacity": {"cpu": "400 vCPU", "memory": "3000 GB", "disk": "20000 GB"},
        "createdAt": 1763683200.123,
        "updatedAt": 1763683260.5,
        "tags": {"team": "data"},
        "autoStartConfiguration": {"enabled": true},
        "autoStopConfiguration": {"enabled": true, "idleTimeoutMinutes": 15},
        "networkConfiguration": {"subnetIds": ["subnet-0123"], "securityGroupIds": ["sg-0123"]},
        "architecture": "X86_64",
        "imageConfiguration": {"imageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/spark:latest", "resolvedImageDigest": "sha256:0000000000000000000000000000000000000000000000000000000000000000"},
        "workerTypeSpecifications": {"EXECUTOR": {"imageConfiguration": {"imageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/spark:latest"}}},
        "runtimeConfiguration": [{
            "classification": "spark-defaults",
            "properties": {"spark.executor.memory": "4g"},
            "configurations": [{"classification": "nested", "properties": {"a": "b"}}]
        }],
        "monitoringConfiguration": {
            "s3MonitoringConfiguration": {"logUri": "s3://bucket/logs/"},
            "managedPersistenceMonitoringConfiguration": {"enabled": true},
            "cloudWatchLoggingConfiguration": {"enabled": true, "logGroupName": "/aws/emr-serverless", "logTypes": {"SPARK_DRIVER": ["stdout", "stderr"]}},
            "prometheusMonitoringConfiguration": {"remoteWriteUrl": "https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write"}
        },
        "interactiveConfiguration": {"studioEnabled": true, "livyEndpointEnabled": false},
        "schedulerConfiguration": {"queueTimeoutMinutes": 360, "maxConcurrentRuns": 15},
        "jobLevelCostAllocationConfiguration": {"enabled": false}
    })
}

fn job_run_json() -> Value {
    json!({
        "applicationId": "00fabcdef1234567",
        "jobRunId": "00fjob0000000001",
        "name": "pi",
        "arn": "arn:aws:emr-serverless:us-east-1:123456789012:/applications/00fabcdef1234567/jobruns/00fjob0000000001",
        "createdBy": "arn:aws:iam::123456789012:user/alice",
        "createdAt": 1763683200,
        "updatedAt": 1763683300.25,
        "executionRole": "arn:aws:iam::123456789012:role/EMRServerlessRole",
        "state": "SUCCESS",
        "stateDetails": "Job run completed successfully",
        "releaseLabel": "emr-7.9.0",
        "configurationOverrides": {
            "applicationConfiguration": [{"classification": "spark-defaults", "properties": {"spark.driver.cores": "1"}}],
            "monitoringConfiguration": {"s3MonitoringConfiguration": {"logUri": "s3://bucket/logs/"}}
        },
        "jobDriver": {"sparkSubmit": {
            "entryPoint": "local:///usr/lib/spark/examples/src/main/python/pi.py",
            "entryPointArguments": ["10"],
            "sparkSubmitParameters": "--conf spark.executor.cores=1"
        }},
        "tags": {},
        "totalResourceUtilization": {"vCPUHour": 0.05, "memoryGBHour": 0.2, "storageGBHour": 0.3},
        "totalExecutionDurationSeconds": 42,
        "executionTimeoutMinutes": 720,
        "billedResourceUtilization": {"vCPUHour": 0.1, "memoryGBHour": 0.4, "storageGBHour": 0.0},
        "mode": "BATCH",
        "retryPolicy": {"maxAttempts": 3},
        "attempt": 2,
        "attemptCreatedAt": 1763683250,
        "attemptUpdatedAt": 1763683300.25,
        "startedAt": 1763683260.001,
        "endedAt": 1763683300.25,
        "queuedDurationMilliseconds": 1500
    })
}

#[test]
fn application_round_trips() {
    let original = application_json();
    let app: Application = serde_json::from_value(original.clone()).unwrap();
    assert_eq!(app.created_at, Timestamp::from_millis(1_763_683_200_123));
    assert_eq!(app.updated_at.as_millis(), 1_763_683_260_500);
    assert_eq!(app.state, ApplicationState::Created);
    assert_eq!(app.architecture, Some(Architecture::X86_64));
    assert_eq!(app.r#type, "Spark");
    let cap = app.initial_capacity.as_ref().unwrap();
    assert_eq!(cap["EXECUTOR"].worker_count, 4);
    let monitoring = app.monitoring_configuration.as_ref().unwrap();
    assert!(monitoring.s3_monitoring_configuration.is_some());
    assert_eq!(serde_json::to_value(&app).unwrap(), original);
}

#[test]
fn job_run_round_trips() {
    let original = job_run_json();
    let run: JobRun = serde_json::from_value(original.clone()).unwrap();
    assert_eq!(run.state, JobRunState::Success);
    let util = run.billed_resource_utilization.as_ref().unwrap();
    assert_eq!(util.v_cpu_hour, Some(0.1));
    assert_eq!(util.memory_gb_hour, Some(0.4));
    let back = serde_json::to_value(&run).unwrap();
    assert_eq!(back["totalResourceUtilization"]["vCPUHour"], json!(0.05));
    assert_eq!(back["createdAt"], json!(1763683200.0));
    assert_eq!(back["startedAt"], json!(1763683260.001));
    // Integral seconds come back as floats; compare numerically.
    let mut expected = original;
    for key in ["createdAt", "attemptCreatedAt"] {
        let secs = expected[key].as_f64().unwrap();
        expected[key] = json!(secs);
    }
    assert_eq!(back, expected);
}

#[test]
fn unknown_fields_are_ignored_and_absent_options_omitted() {
    let mut doc = job_run_json();
    doc["someFutureField"] = json!({"x": 1});
    let run: JobRun = serde_json::from_value(doc).unwrap();
    let out = serde_json::to_value(&run).unwrap();
    assert!(out.get("someFutureField").is_none());
    assert!(out.get("networkConfiguration").is_none());
    assert!(out.get("flexExecution").is_none());
}

#[test]
fn summaries() {
    let app: Application = serde_json::from_value(application_json()).unwrap();
    let summary = ApplicationSummary::from(&app);
    let v = serde_json::to_value(&summary).unwrap();
    assert_eq!(v["id"], "00fabcdef1234567");
    assert_eq!(v["type"], "Spark");
    assert_eq!(v["architecture"], "X86_64");
    assert!(v.get("applicationId").is_none());

    let run: JobRun = serde_json::from_value(job_run_json()).unwrap();
    let summary = JobRunSummary::from(&run);
    assert_eq!(summary.id, "00fjob0000000001");
    assert_eq!(summary.r#type.as_deref(), Some("Spark"));
    assert_eq!(summary.attempt, Some(2));
    assert_eq!(summary.attempt_created_at, run.attempt_created_at);

    let first = Timestamp::from_secs(1_763_683_200);
    let attempt = attempt_summary(&run, first);
    assert_eq!(attempt.job_created_at, first);
    assert_eq!(attempt.created_at, Timestamp::from_secs(1_763_683_250));
    assert_eq!(attempt.updated_at, run.attempt_updated_at.unwrap());
    let v = serde_json::to_value(&attempt).unwrap();
    assert_eq!(v["jobCreatedAt"], json!(1763683200.0));
    assert_eq!(JobRunAttemptSummary::from_run(&run, first), attempt);
}

#[test]
fn cli_create_application_body() {
    // Captured from `aws emr-serverless create-application --type SPARK
    // --release-label emr-7.9.0 --name x --initial-capacity ... --maximum-capacity ...`.
    let body = r#"{"name": "x", "releaseLabel": "emr-7.9.0", "type": "SPARK", "initialCapacity": {"DRIVER": {"workerCount": 2, "workerConfiguration": {"cpu": "2vCPU", "memory": "4GB"}}, "EXECUTOR": {"workerCount": 10, "workerConfiguration": {"cpu": "4vCPU", "memory": "8GB", "disk": "20GB"}}}, "maximumCapacity": {"cpu": "200vCPU", "memory": "200GB", "disk": "1000GB"}, "clientToken": "fc7fd594-e670-46f4-a244-0d688e83d026"}"#;
    let req: CreateApplicationRequest = serde_json::from_str(body).unwrap();
    assert_eq!(req.name.as_deref(), Some("x"));
    assert_eq!(req.release_label.as_deref(), Some("emr-7.9.0"));
    assert_eq!(req.r#type.as_deref(), Some("SPARK"));
    assert_eq!(req.client_token.as_deref(), Some("fc7fd594-e670-46f4-a244-0d688e83d026"));
    let cap = req.initial_capacity.as_ref().unwrap();
    assert_eq!(cap["DRIVER"].worker_count, 2);
    let exec = cap["EXECUTOR"].worker_configuration.as_ref().unwrap();
    assert_eq!(exec.disk.as_deref(), Some("20GB"));
    assert_eq!(exec.disk_type, None);
    let max = req.maximum_capacity.as_ref().unwrap();
    assert_eq!((max.cpu.as_str(), max.memory.as_str()), ("200vCPU", "200GB"));
    crate::Validate::validate(&req).unwrap();
}

#[test]
fn start_job_run_body() {
    let body = json!({
        "clientToken": "abc",
        "executionRoleArn": "arn:aws:iam::123456789012:role/JobRole",
        "jobDriver": {"hive": {"query": "s3://b/q.sql", "parameters": "--hiveconf x=y"}},
        "mode": "STREAMING",
        "retryPolicy": {"maxFailedAttemptsPerHour": 5}
    });
    let req: StartJobRunRequest = serde_json::from_value(body).unwrap();
    assert_eq!(req.mode, Some(JobRunMode::Streaming));
    let driver = req.job_driver.as_ref().unwrap();
    assert_eq!(driver.job_type(), Some("Hive"));
    assert_eq!(req.retry_policy.as_ref().unwrap().max_failed_attempts_per_hour, Some(5));
}

#[test]
fn responses_serialize_as_aws_does() {
    for empty in [
        serde_json::to_string(&DeleteApplicationResponse {}).unwrap(),
        serde_json::to_string(&StartApplicationResponse {}).unwrap(),
        serde_json::to_string(&StopApplicationResponse {}).unwrap(),
        serde_json::to_string(&TagResourceResponse {}).unwrap(),
        serde_json::to_string(&UntagResourceResponse {}).unwrap(),
    ] {
        assert_eq!(empty, "{}");
    }
    let r = StartJobRunResponse { application_id: "a".into(), job_run_id: "j".into(), arn: "arn".into() };
    assert_eq!(serde_json::to_value(&r).unwrap(), json!({"applicationId": "a", "jobRunId": "j", "arn": "arn"}));
    let list = ListJobRunsResponse::default();
    assert_eq!(serde_json::to_value(&list).unwrap(), json!({"jobRuns": []}));
    let attempts = ListJobRunAttemptsResponse::default();
    assert_eq!(serde_json::to_value(&attempts).unwrap(), json!({"jobRunAttempts": []}));
    let cancel = CancelJobRunResponse { application_id: "a".into(), job_run_id: "j".into() };
    assert_eq!(serde_json::to_value(&cancel).unwrap(), json!({"applicationId": "a", "jobRunId": "j"}));
    let tags = ListTagsForResourceResponse { tags: Some([("k".to_string(), "v".to_string())].into()) };
    assert_eq!(serde_json::to_value(&tags).unwrap(), json!({"tags": {"k": "v"}}));
    let dash = GetDashboardForJobRunResponse { url: Some("https://x".into()) };
    assert_eq!(serde_json::to_value(&dash).unwrap(), json!({"url": "https://x"}));
}
