//! Constraint checks for the nested structures shared by several requests.
//! Each function walks one shape and records violations under `path`.

use super::rules::{self as r, join, member, render_list, render_map, Violations};
use crate::model::{
    AutoStopConfig, CloudWatchLoggingConfiguration, Configuration, ConfigurationOverrides, DiskEncryptionConfiguration,
    IdentityCenterConfigurationInput, ImageConfigurationInput, InitialCapacityConfigMap, JobRunExecutionIamPolicy,
    MaximumAllowedResources, MonitoringConfiguration, NetworkConfiguration, RetryPolicy, SchedulerConfiguration,
    TagMap, WorkerResourceConfig, WorkerTypeSpecificationInputMap,
};

pub(crate) fn tags(v: &mut Violations, path: &str, tags: &TagMap) {
    v.size(path, tags.len(), 0, Some(200), || Some(render_map(tags.iter())));
    for (key, value) in tags {
        v.map_key(path, key, &r::TAG_KEY);
        v.string(&join(path, key), value, &r::TAG_VALUE);
    }
}

pub(crate) fn network(v: &mut Violations, path: &str, n: &NetworkConfiguration) {
    if let Some(ids) = &n.subnet_ids {
        let p = join(path, "subnetIds");
        v.size(&p, ids.len(), 0, Some(16), || Some(render_list(ids)));
        v.string_list(&p, ids, &r::SUBNET);
    }
    if let Some(ids) = &n.security_group_ids {
        let p = join(path, "securityGroupIds");
        v.size(&p, ids.len(), 0, Some(5), || Some(render_list(ids)));
        v.string_list(&p, ids, &r::SECURITY_GROUP);
    }
}

pub(crate) fn initial_capacity(v: &mut Violations, path: &str, map: &InitialCapacityConfigMap) {
    // Only the worker types are shown: the full structures would not fit.
    v.size(path, map.len(), 0, Some(10), || {
        let keys: Vec<&str> = map.keys().map(String::as_str).collect();
        Some(format!("{{{}}}", keys.join(", ")))
    });
    for (worker_type, cfg) in map {
        v.map_key(path, worker_type, &r::WORKER_TYPE);
        let p = join(path, worker_type);
        v.int(&join(&p, "workerCount"), cfg.worker_count, Some(1), Some(1_000_000));
        if let Some(wc) = &cfg.worker_configuration {
            worker_resources(v, &join(&p, "workerConfiguration"), wc);
        }
    }
}

pub(crate) fn worker_resources(v: &mut Violations, path: &str, w: &WorkerResourceConfig) {
    v.string(&join(path, "cpu"), &w.cpu, &r::CPU_SIZE);
    v.string(&join(path, "memory"), &w.memory, &r::MEMORY_SIZE);
    v.opt_string(&join(path, "disk"), w.disk.as_ref(), &r::DISK_SIZE);
    v.opt_string(&join(path, "diskType"), w.disk_type.as_ref(), &r::DISK_TYPE);
}

pub(crate) fn maximum_capacity(v: &mut Violations, path: &str, m: &MaximumAllowedResources) {
    v.string(&join(path, "cpu"), &m.cpu, &r::CPU_SIZE);
    v.string(&join(path, "memory"), &m.memory, &r::MEMORY_SIZE);
    v.opt_string(&join(path, "disk"), m.disk.as_ref(), &r::DISK_SIZE);
}

pub(crate) fn auto_stop(v: &mut Violations, path: &str, a: &AutoStopConfig) {
    v.opt_int(&join(path, "idleTimeoutMinutes"), a.idle_timeout_minutes, Some(1), Some(10_080));
}

pub(crate) fn image_input(v: &mut Violations, path: &str, i: &ImageConfigurationInput) {
    v.opt_string(&join(path, "imageUri"), i.image_uri.as_ref(), &r::IMAGE_URI);
}

pub(crate) fn worker_type_specifications(v: &mut Violations, path: &str, map: &WorkerTypeSpecificationInputMap) {
    for (worker_type, spec) in map {
        v.map_key(path, worker_type, &r::WORKER_TYPE);
        if let Some(image) = &spec.image_configuration {
            image_input(v, &join(&join(path, worker_type), "imageConfiguration"), image);
        }
    }
}

pub(crate) fn configurations(v: &mut Violations, path: &str, list: &[Configuration]) {
    v.size(path, list.len(), 0, Some(100), || None);
    for (i, c) in list.iter().enumerate() {
        let p = member(path, i);
        v.string(&join(&p, "classification"), &c.classification, &r::STRING1024);
        if let Some(props) = &c.properties {
            let pp = join(&p, "properties");
            v.size(&pp, props.len(), 0, Some(100), || None);
            for (key, value) in props {
                v.map_key(&pp, key, &r::PROPERTY_KEY);
                v.string(&join(&pp, key), value, &r::PROPERTY_VALUE);
            }
        }
        if let Some(nested) = &c.configurations {
            configurations(v, &join(&p, "configurations"), nested);
        }
    }
}

pub(crate) fn monitoring(v: &mut Violations, path: &str, m: &MonitoringConfiguration) {
    if let Some(s3) = &m.s3_monitoring_configuration {
        let p = join(path, "s3MonitoringConfiguration");
        v.opt_string(&join(&p, "logUri"), s3.log_uri.as_ref(), &r::URI_STRING);
        let key = s3.encryption_key_arn.as_ref();
        v.opt_string(&join(&p, "encryptionKeyArn"), key, &r::ENCRYPTION_KEY_ARN);
    }
    if let Some(mp) = &m.managed_persistence_monitoring_configuration {
        let p = join(path, "managedPersistenceMonitoringConfiguration");
        let key = mp.encryption_key_arn.as_ref();
        v.opt_string(&join(&p, "encryptionKeyArn"), key, &r::ENCRYPTION_KEY_ARN);
    }
    if let Some(cw) = &m.cloud_watch_logging_configuration {
        cloud_watch(v, &join(path, "cloudWatchLoggingConfiguration"), cw);
    }
    if let Some(prom) = &m.prometheus_monitoring_configuration {
        let p = join(path, "prometheusMonitoringConfiguration");
        let url = prom.remote_write_url.as_ref();
        v.opt_string(&join(&p, "remoteWriteUrl"), url, &r::PROMETHEUS_URL);
    }
}

fn cloud_watch(v: &mut Violations, path: &str, cw: &CloudWatchLoggingConfiguration) {
    let group = cw.log_group_name.as_ref();
    v.opt_string(&join(path, "logGroupName"), group, &r::LOG_GROUP_NAME);
    let prefix = cw.log_stream_name_prefix.as_ref();
    v.opt_string(&join(path, "logStreamNamePrefix"), prefix, &r::LOG_STREAM_NAME_PREFIX);
    let key = cw.encryption_key_arn.as_ref();
    v.opt_string(&join(path, "encryptionKeyArn"), key, &r::ENCRYPTION_KEY_ARN);
    if let Some(types) = &cw.log_types {
        let p = join(path, "logTypes");
        v.size(&p, types.len(), 1, Some(4), || {
            let rendered: Vec<String> = types.iter().map(|(k, l)| format!("{k}={}", render_list(l))).collect();
            Some(format!("{{{}}}", rendered.join(", ")))
        });
        for (worker_type, list) in types {
            v.map_key(&p, worker_type, &r::WORKER_TYPE);
            let lp = join(&p, worker_type);
            v.size(&lp, list.len(), 1, Some(5), || Some(render_list(list)));
            v.string_list(&lp, list, &r::LOG_TYPE);
        }
    }
}

pub(crate) fn disk_encryption(v: &mut Violations, path: &str, d: &DiskEncryptionConfiguration) {
    if let Some(ctx) = &d.encryption_context {
        let p = join(path, "encryptionContext");
        v.size(&p, ctx.len(), 0, Some(8), || Some(render_map(ctx.iter())));
        for (key, value) in ctx {
            v.map_key(&p, key, &r::ENCRYPTION_CONTEXT_KEY);
            v.string(&join(&p, key), value, &r::ENCRYPTION_CONTEXT_VALUE);
        }
    }
    let key = d.encryption_key_arn.as_ref();
    v.opt_string(&join(path, "encryptionKeyArn"), key, &r::ENCRYPTION_KEY_ARN);
}

/// The model leaves both members unconstrained; the service accepts
/// 1..=1000 concurrent runs and a 15..=720 minute queue timeout.
pub(crate) fn scheduler(v: &mut Violations, path: &str, s: &SchedulerConfiguration) {
    let timeout = s.queue_timeout_minutes;
    v.opt_int(&join(path, "queueTimeoutMinutes"), timeout, Some(15), Some(720));
    let runs = s.max_concurrent_runs;
    v.opt_int(&join(path, "maxConcurrentRuns"), runs, Some(1), Some(1000));
}

pub(crate) fn identity_center(v: &mut Violations, path: &str, i: &IdentityCenterConfigurationInput) {
    let arn = i.identity_center_instance_arn.as_ref();
    v.opt_string(&join(path, "identityCenterInstanceArn"), arn, &r::IDENTITY_CENTER_INSTANCE_ARN);
}

pub(crate) fn configuration_overrides(v: &mut Violations, path: &str, o: &ConfigurationOverrides) {
    if let Some(list) = &o.application_configuration {
        configurations(v, &join(path, "applicationConfiguration"), list);
    }
    if let Some(m) = &o.monitoring_configuration {
        monitoring(v, &join(path, "monitoringConfiguration"), m);
    }
    if let Some(d) = &o.disk_encryption_configuration {
        disk_encryption(v, &join(path, "diskEncryptionConfiguration"), d);
    }
}

pub(crate) fn execution_iam_policy(v: &mut Violations, path: &str, p: &JobRunExecutionIamPolicy) {
    v.opt_string(&join(path, "policy"), p.policy.as_ref(), &r::POLICY_DOCUMENT);
    if let Some(arns) = &p.policy_arns {
        let ap = join(path, "policyArns");
        v.size(&ap, arns.len(), 0, Some(10), || Some(render_list(arns)));
        v.string_list(&ap, arns, &r::ARN);
    }
}

pub(crate) fn retry_policy(v: &mut Violations, path: &str, p: &RetryPolicy) {
    v.opt_int(&join(path, "maxAttempts"), p.max_attempts, Some(1), None);
    let per_hour = p.max_failed_attempts_per_hour;
    v.opt_int(&join(path, "maxFailedAttemptsPerHour"), per_hour, Some(1), None);
}
