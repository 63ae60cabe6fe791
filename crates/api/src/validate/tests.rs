//! Request validation tests: each range bound, required members, nesting
//! paths, and the exact wording of the messages.

use super::*;
use crate::model::*;
use serde_json::json;

fn create(body: serde_json::Value) -> Result<(), ApiError> {
    let base = json!({"releaseLabel": "emr-7.9.0", "type": "SPARK", "clientToken": "tok"});
    let mut merged = base;
    for (k, v) in body.as_object().unwrap() {
        merged[k] = v.clone();
    }
    serde_json::from_value::<CreateApplicationRequest>(merged).unwrap().validate()
}

fn start(body: serde_json::Value) -> Result<(), ApiError> {
    let mut merged = json!({
        "clientToken": "tok",
        "executionRoleArn": "arn:aws:iam::123456789012:role/JobRole",
        "jobDriver": {"sparkSubmit": {"entryPoint": "s3://b/app.py"}}
    });
    for (k, v) in body.as_object().unwrap() {
        merged[k] = v.clone();
    }
    serde_json::from_value::<StartJobRunRequest>(merged).unwrap().validate()
}

fn msg(r: Result<(), ApiError>) -> String {
    let e = r.unwrap_err();
    assert_eq!(e.code, crate::ErrorCode::Validation);
    e.message
}

#[test]
fn cli_like_create_request_is_valid() {
    create(json!({
        "name": "x",
        "initialCapacity": {"DRIVER": {"workerCount": 2, "workerConfiguration": {"cpu": "2vCPU", "memory": "4GB"}}},
        "maximumCapacity": {"cpu": "200vCPU", "memory": "200GB", "disk": "1000GB"},
        "tags": {"team": "data", "empty": ""},
        "autoStopConfiguration": {"enabled": true, "idleTimeoutMinutes": 15},
        "runtimeConfiguration": [{"classification": "spark-defaults", "properties": {"spark.executor.memory": "4g"}}],
        "monitoringConfiguration": {"s3MonitoringConfiguration": {"logUri": "s3://b/logs/"}},
        "schedulerConfiguration": {"queueTimeoutMinutes": 15, "maxConcurrentRuns": 1000}
    }))
    .unwrap();
}

#[test]
fn application_name_message() {
    assert_eq!(
        msg(create(json!({"name": "bad name!"}))),
        "1 validation error detected: Value 'bad name!' at 'name' failed to satisfy constraint: \
         Member must satisfy regular expression pattern: [A-Za-z0-9._/#-]+"
    );
    assert_eq!(
        msg(create(json!({"name": "a".repeat(65)}))),
        format!(
            "1 validation error detected: Value '{}' at 'name' failed to satisfy constraint: \
             Member must have length less than or equal to 64",
            "a".repeat(65)
        )
    );
    create(json!({"name": "a".repeat(64)})).unwrap();
}

#[test]
fn missing_required_members() {
    let req = CreateApplicationRequest::default();
    assert_eq!(
        msg(req.validate()),
        "3 validation errors detected: \
         Value null at 'releaseLabel' failed to satisfy constraint: Member must not be null; \
         Value null at 'type' failed to satisfy constraint: Member must not be null; \
         Value null at 'clientToken' failed to satisfy constraint: Member must not be null"
    );
    assert_eq!(
        msg(UpdateApplicationRequest::default().validate()),
        "1 validation error detected: Value null at 'clientToken' failed to satisfy constraint: \
         Member must not be null"
    );
    assert!(msg(TagResourceRequest::default().validate()).contains("Value null at 'tags'"));
    let m = msg(StartJobRunRequest::default().validate());
    assert!(m.starts_with("3 validation errors detected: "), "{m}");
    assert!(m.contains("Value null at 'executionRoleArn'"));
    assert!(m.contains("Value null at 'jobDriver'"));
}

#[test]
fn empty_string_breaks_length_and_pattern() {
    assert_eq!(
        msg(create(json!({"releaseLabel": ""}))),
        "2 validation errors detected: \
         Value '' at 'releaseLabel' failed to satisfy constraint: Member must have length greater than or equal to 1; \
         Value '' at 'releaseLabel' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9._/-]+"
    );
    assert!(msg(create(json!({"type": ""}))).contains("at 'type'"));
    assert!(msg(create(json!({"type": "x".repeat(65)}))).contains("less than or equal to 64"));
}

#[test]
fn capacity_constraints() {
    let m = msg(create(json!({"initialCapacity": {"DRIVER": {"workerCount": 0}}})));
    assert_eq!(
        m,
        "1 validation error detected: Value '0' at 'initialCapacity.DRIVER.workerCount' failed to satisfy \
         constraint: Member must have value greater than or equal to 1"
    );
    create(json!({"initialCapacity": {"DRIVER": {"workerCount": 1_000_000}}})).unwrap();
    assert!(msg(create(json!({"initialCapacity": {"DRIVER": {"workerCount": 1_000_001}}})))
        .contains("Member must have value less than or equal to 1000000"));
    let m = msg(create(json!({"initialCapacity": {"a": {"workerCount": 1}}})));
    assert_eq!(
        m,
        "1 validation error detected: Value 'a' at 'initialCapacity' failed to satisfy constraint: \
         Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]+[-_]*[a-zA-Z]+]"
    );
    let many: serde_json::Map<String, serde_json::Value> =
        (0..11).map(|i| (format!("W{}x", "a".repeat(i)), json!({"workerCount": 1}))).collect();
    assert!(msg(create(json!({"initialCapacity": many}))).contains(
        "at 'initialCapacity' failed to satisfy constraint: Member must have length less than or equal to 10"
    ));
    let m = msg(create(json!({"initialCapacity": {"DRIVER": {"workerCount": 1,
        "workerConfiguration": {"cpu": "2 cores", "memory": "4GB", "disk": "20", "diskType": "fast"}}}})));
    assert!(m.starts_with("3 validation errors detected: "), "{m}");
    assert!(m.contains(
        "Value '2 cores' at 'initialCapacity.DRIVER.workerConfiguration.cpu' failed to satisfy constraint: \
         Member must satisfy regular expression pattern: [1-9][0-9]*(\\s)?(vCPU|vcpu|VCPU)?"
    ));
    assert!(m.contains("'initialCapacity.DRIVER.workerConfiguration.disk'"));
    assert!(m.contains("'initialCapacity.DRIVER.workerConfiguration.diskType'"));
    let m = msg(create(json!({"maximumCapacity": {"cpu": "1234567890123456", "memory": "16GB"}})));
    assert!(m.contains(
        "at 'maximumCapacity.cpu' failed to satisfy constraint: Member must have length less than or equal to 15"
    ));
}

#[test]
fn auto_stop_and_scheduler_ranges() {
    for ok in [1, 10_080] {
        create(json!({"autoStopConfiguration": {"idleTimeoutMinutes": ok}})).unwrap();
    }
    assert_eq!(
        msg(create(json!({"autoStopConfiguration": {"idleTimeoutMinutes": 0}}))),
        "1 validation error detected: Value '0' at 'autoStopConfiguration.idleTimeoutMinutes' failed to \
         satisfy constraint: Member must have value greater than or equal to 1"
    );
    assert!(msg(create(json!({"autoStopConfiguration": {"idleTimeoutMinutes": 10_081}})))
        .contains("Member must have value less than or equal to 10080"));
    for bad in [json!({"queueTimeoutMinutes": 14}), json!({"queueTimeoutMinutes": 721})] {
        assert!(msg(create(json!({"schedulerConfiguration": bad})))
            .contains("'schedulerConfiguration.queueTimeoutMinutes'"));
    }
    for bad in [json!({"maxConcurrentRuns": 0}), json!({"maxConcurrentRuns": 1001})] {
        assert!(
            msg(create(json!({"schedulerConfiguration": bad}))).contains("'schedulerConfiguration.maxConcurrentRuns'")
        );
    }
    create(json!({"schedulerConfiguration": {"queueTimeoutMinutes": 720, "maxConcurrentRuns": 1}})).unwrap();
}

#[test]
fn tag_constraints() {
    let m = msg(create(json!({"tags": {"bad,key": "v", "k": "bad,value"}})));
    assert_eq!(
        m,
        "2 validation errors detected: \
         Value 'bad,key' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: \
         [Member must satisfy regular expression pattern: [A-Za-z0-9 /_.:=+@-]+]; \
         Value 'bad,value' at 'tags.k' failed to satisfy constraint: Member must satisfy regular \
         expression pattern: [A-Za-z0-9 /_.:=+@-]*"
    );
    let too_many: serde_json::Map<String, serde_json::Value> =
        (0..201).map(|i| (format!("k{i}"), json!("v"))).collect();
    let m = msg(TagResourceRequest { tags: Some(serde_json::from_value(json!(too_many)).unwrap()) }.validate());
    assert!(m.contains("at 'tags' failed to satisfy constraint: Member must have length less than or equal to 200"));
    assert!(m.len() < 1024);
    let m = msg(create(json!({"tags": {"k".repeat(129): "v".repeat(257)}})));
    assert!(m.contains("Map keys must satisfy constraint: [Member must have length less than or equal to 128]"));
    assert!(m.contains("Member must have length less than or equal to 256"));
    assert!(validate_tag_keys(&["a".into(), "b c".into()]).is_ok());
    assert!(msg(validate_tag_keys(&[])).contains("Member must have length greater than or equal to 1"));
    assert_eq!(
        msg(validate_tag_keys(&["ok".into(), "no,pe".into()])),
        "1 validation error detected: Value 'no,pe' at 'tagKeys.2.member' failed to satisfy constraint: \
         Member must satisfy regular expression pattern: [A-Za-z0-9 /_.:=+@-]+"
    );
}

#[test]
fn configuration_constraints() {
    let m = msg(create(json!({"runtimeConfiguration": [
        {"classification": "spark-defaults", "configurations": [
            {"classification": " ", "properties": {" ": "", "k": "v"}}
        ]}
    ]})));
    assert!(m.starts_with("3 validation errors detected: "), "{m}");
    assert!(m.contains(
        "Value ' ' at 'runtimeConfiguration.1.member.configurations.1.member.classification' failed to \
         satisfy constraint: Member must satisfy regular expression pattern: .*\\S.*"
    ));
    // Property keys and values are sensitive: never echoed.
    assert!(m.contains(
        "Value at 'runtimeConfiguration.1.member.configurations.1.member.properties' failed to satisfy \
         constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: .*\\S.*]"
    ));
    assert!(m.contains("Value at 'runtimeConfiguration.1.member.configurations.1.member.properties. '"));
    let list: Vec<_> = (0..101).map(|_| json!({"classification": "c"})).collect();
    assert!(msg(create(json!({"runtimeConfiguration": list})))
        .contains("Member must have length less than or equal to 100"));
    let props: serde_json::Map<String, serde_json::Value> = (0..101).map(|i| (format!("p{i}"), json!("v"))).collect();
    assert!(msg(create(json!({"runtimeConfiguration": [{"classification": "c", "properties": props}]})))
        .contains("Value at 'runtimeConfiguration.1.member.properties' failed to satisfy constraint: Member must have length less than or equal to 100"));
}

#[test]
fn monitoring_constraints() {
    let m = msg(start(json!({"configurationOverrides": {"monitoringConfiguration": {
        "s3MonitoringConfiguration": {"logUri": "", "encryptionKeyArn": "arn:aws:kms:us-east-1:1:key/x"},
        "cloudWatchLoggingConfiguration": {"enabled": true, "logGroupName": "a b", "logTypes": {}},
        "prometheusMonitoringConfiguration": {"remoteWriteUrl": "http://example.com"}
    }}})));
    let prefix = "configurationOverrides.monitoringConfiguration";
    assert!(m.starts_with("5 validation errors detected: "), "{m}");
    assert!(m.contains(&format!(
        "Value '' at '{prefix}.s3MonitoringConfiguration.logUri' failed to satisfy constraint: \
         Member must have length greater than or equal to 1"
    )));
    assert!(m.contains(&format!("'{prefix}.s3MonitoringConfiguration.encryptionKeyArn'")));
    assert!(m.contains(&format!("'{prefix}.cloudWatchLoggingConfiguration.logGroupName'")));
    assert!(m.contains(&format!(
        "Value '{{}}' at '{prefix}.cloudWatchLoggingConfiguration.logTypes' failed to satisfy constraint: \
         Member must have length greater than or equal to 1"
    )));
    assert!(m.contains(&format!("'{prefix}.prometheusMonitoringConfiguration.remoteWriteUrl'")));
    let m = msg(create(json!({"monitoringConfiguration": {"cloudWatchLoggingConfiguration": {
        "enabled": true, "logTypes": {"SPARK_DRIVER": ["stdout", "std out"]}}}})));
    assert!(m.contains("'monitoringConfiguration.cloudWatchLoggingConfiguration.logTypes.SPARK_DRIVER.2.member'"));
}

#[test]
fn network_image_identity_and_encryption() {
    let m = msg(create(json!({"networkConfiguration": {
        "subnetIds": ["subnet-1", " bad"],
        "securityGroupIds": ["sg-1", "sg-2", "sg-3", "sg-4", "sg-5", "sg-6"]
    }})));
    assert!(m.contains("Value ' bad' at 'networkConfiguration.subnetIds.2.member'"));
    assert!(m.contains(
        "Value '[sg-1, sg-2, sg-3, sg-4, sg-5, sg-6]' at 'networkConfiguration.securityGroupIds' failed to \
         satisfy constraint: Member must have length less than or equal to 5"
    ));
    assert!(msg(create(json!({"imageConfiguration": {"imageUri": "spark:latest"}})))
        .contains("at 'imageConfiguration.imageUri'"));
    assert!(msg(create(json!({"workerTypeSpecifications": {"EXECUTOR": {"imageConfiguration": {"imageUri": "x"}}}})))
        .contains("at 'workerTypeSpecifications.EXECUTOR.imageConfiguration.imageUri'"));
    assert!(msg(create(
        json!({"identityCenterConfiguration": {"identityCenterInstanceArn": "arn:aws:sso:::instance/x"}})
    ))
    .contains("at 'identityCenterConfiguration.identityCenterInstanceArn'"));
    let ctx: serde_json::Map<String, serde_json::Value> = (0..9).map(|i| (format!("k{i}"), json!("v"))).collect();
    let m = msg(create(json!({"diskEncryptionConfiguration": {"encryptionContext": ctx}})));
    assert!(m.contains("at 'diskEncryptionConfiguration.encryptionContext' failed to satisfy constraint: Member must have length less than or equal to 8"));
    let m = msg(create(json!({"diskEncryptionConfiguration": {"encryptionContext": {"k": ""}}})));
    assert!(m.contains("Value '' at 'diskEncryptionConfiguration.encryptionContext.k'"));
}

#[test]
fn start_job_run_constraints() {
    start(json!({})).unwrap();
    start(json!({"jobDriver": {"hive": {"query": "SELECT 1;\n"}}, "name": "n", "executionTimeoutMinutes": 0})).unwrap();
    assert_eq!(
        msg(start(json!({"executionRoleArn": "arn:aws:iam::123456789012:user/bob"}))),
        "1 validation error detected: Value 'arn:aws:iam::123456789012:user/bob' at 'executionRoleArn' \
         failed to satisfy constraint: Member must satisfy regular expression pattern: \
         arn:(aws[a-zA-Z0-9-]*):iam::([0-9]{12}):(role((\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F))[\\w+=,.@-]+)"
    );
    assert_eq!(
        msg(start(json!({"jobDriver": {"sparkSubmit": {"entryPoint": "  "}}}))),
        "1 validation error detected: Value at 'jobDriver.sparkSubmit.entryPoint' failed to satisfy \
         constraint: Member must satisfy regular expression pattern: .*\\S.*"
    );
    let args: Vec<String> = (0..1025).map(|i| i.to_string()).collect();
    assert!(msg(start(json!({"jobDriver": {"sparkSubmit": {"entryPoint": "x", "entryPointArguments": args}}})))
        .contains("Value at 'jobDriver.sparkSubmit.entryPointArguments' failed to satisfy constraint: Member must have length less than or equal to 1024"));
    assert!(msg(start(json!({"jobDriver": {"sparkSubmit": {"entryPoint": "x", "sparkSubmitParameters": ""}}})))
        .contains("'jobDriver.sparkSubmit.sparkSubmitParameters'"));
    let m = msg(start(json!({"jobDriver": {"hive": {"query": "q", "initQueryFile": "", "parameters": " "}}})));
    assert!(m.contains("'jobDriver.hive.initQueryFile'") && m.contains("'jobDriver.hive.parameters'"));
    assert_eq!(msg(start(json!({"jobDriver": {}}))), "jobDriver must specify exactly one of sparkSubmit or hive");
    assert_eq!(
        msg(start(json!({"jobDriver": {"sparkSubmit": {"entryPoint": "x"}, "hive": {"query": "q"}}}))),
        "jobDriver must specify exactly one of sparkSubmit or hive"
    );
    assert!(msg(start(json!({"executionTimeoutMinutes": -1})))
        .contains("Value '-1' at 'executionTimeoutMinutes' failed to satisfy constraint: Member must have value greater than or equal to 0"));
    assert!(msg(start(json!({"executionTimeoutMinutes": 1_000_001})))
        .contains("Member must have value less than or equal to 1000000"));
    assert!(msg(start(json!({"name": "x".repeat(257)}))).contains("at 'name'"));
    assert!(msg(start(json!({"retryPolicy": {"maxAttempts": 0}}))).contains("Value '0' at 'retryPolicy.maxAttempts'"));
    assert!(msg(start(json!({"retryPolicy": {"maxFailedAttemptsPerHour": 0}})))
        .contains("'retryPolicy.maxFailedAttemptsPerHour'"));
    let m = msg(start(json!({"executionIamPolicy": {"policy": "\u{100}", "policyArns": ["short"]}})));
    assert!(m.contains("'executionIamPolicy.policy'"));
    assert!(m.contains("Value 'short' at 'executionIamPolicy.policyArns.1.member' failed to satisfy constraint: Member must have length greater than or equal to 20"));
    assert!(msg(start(json!({"clientToken": "a b"}))).contains("at 'clientToken'"));
}

#[test]
fn long_values_are_truncated_in_messages() {
    let m = msg(create(json!({"releaseLabel": format!("{}!", "a".repeat(300))})));
    assert!(m.contains(&format!("Value '{}...' at 'releaseLabel'", "a".repeat(128))));
}

#[test]
fn free_functions() {
    validate_application_id("00fabcdef1234567").unwrap();
    assert_eq!(
        msg(validate_application_id("ABC")),
        "1 validation error detected: Value 'ABC' at 'applicationId' failed to satisfy constraint: \
         Member must satisfy regular expression pattern: [0-9a-z]+"
    );
    assert!(msg(validate_application_id(&"a".repeat(65))).contains("less than or equal to 64"));
    assert!(msg(validate_job_run_id("")).contains("at 'jobRunId'"));
    validate_job_run_id("00fjob").unwrap();
    validate_resource_arn("arn:aws:emr-serverless:us-east-1:123456789012:/applications/00fabcdef1234567").unwrap();
    assert!(msg(validate_resource_arn("arn:aws:emr-serverless:us-east-1:123456789012:/applications/x y z 0123"))
        .contains("at 'resourceArn'"));
    validate_client_token("tok").unwrap();
    validate_client_token(Some("tok")).unwrap();
    let owned = Some("tok".to_string());
    validate_client_token(&owned).unwrap();
    assert!(msg(validate_client_token(None::<&str>)).contains("Value null at 'clientToken'"));
    validate_next_token(None::<&str>).unwrap();
    validate_next_token("abc=").unwrap();
    let spaced = String::from("a b");
    assert!(msg(validate_next_token(Some(&spaced))).contains("Value 'a b' at 'nextToken'"));
    validate_max_results(None, "maxResults").unwrap();
    validate_max_results(Some(1), "maxResults").unwrap();
    validate_max_results(Some(50), "maxResults").unwrap();
    assert_eq!(
        msg(validate_max_results(Some(0), "maxResults")),
        "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: \
         Member must have value greater than or equal to 1"
    );
    assert!(msg(validate_max_results(Some(51), "maxResults")).contains("less than or equal to 50"));
    validate_attempt(1).unwrap();
    assert!(msg(validate_attempt(0)).contains("Value '0' at 'attempt'"));
}

#[test]
fn state_filters() {
    assert_eq!(
        parse_application_states(&["STARTED".into(), "STOPPED".into()]).unwrap(),
        vec![ApplicationState::Started, ApplicationState::Stopped]
    );
    assert!(parse_application_states(&[]).unwrap().is_empty());
    assert_eq!(
        msg(parse_job_run_states(&["RUNNING".into(), "DONE".into()]).map(|_| ())),
        "1 validation error detected: Value 'DONE' at 'states.2.member' failed to satisfy constraint: \
         Member must satisfy enum value set: [SUBMITTED, PENDING, SCHEDULED, RUNNING, SUCCESS, FAILED, \
         CANCELLING, CANCELLED, QUEUED]"
    );
    let all: Vec<String> = JobRunState::ALL.iter().map(|s| s.to_string()).collect();
    assert!(msg(parse_job_run_states(&all).map(|_| ())).contains("less than or equal to 8"));
}

#[test]
fn update_request_constraints() {
    let req: UpdateApplicationRequest = serde_json::from_value(json!({
        "clientToken": "t",
        "releaseLabel": "emr 7",
        "maximumCapacity": {"cpu": "4vCPU", "memory": "16 GB"}
    }))
    .unwrap();
    assert!(msg(req.validate()).contains("Value 'emr 7' at 'releaseLabel'"));
    let ok: UpdateApplicationRequest =
        serde_json::from_value(json!({"clientToken": "t", "autoStopConfiguration": {"enabled": false}})).unwrap();
    ok.validate().unwrap();
}

#[test]
fn resource_dashboard_query() {
    assert_eq!(validate_resource_dashboard(Some("00abc"), Some("SESSION")).unwrap(), "00abc");
    let both = msg(validate_resource_dashboard(None, None).map(|_| ()));
    assert!(both.starts_with("2 validation errors detected"), "{both}");
    assert!(both.contains("'resourceId' failed to satisfy constraint: Member must not be null"), "{both}");
    let kind = msg(validate_resource_dashboard(Some("00abc"), Some("JOB_RUN")).map(|_| ()));
    assert!(kind.contains("Value 'JOB_RUN' at 'resourceType'") && kind.contains("[SESSION]"), "{kind}");
    let id = msg(validate_resource_dashboard(Some("Bad-Id"), Some("SESSION")).map(|_| ()));
    assert!(id.contains("Value 'Bad-Id' at 'resourceId'"), "{id}");
}
