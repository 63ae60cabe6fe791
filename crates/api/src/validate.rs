//! Request validation against the model's constraints.
//!
//! botocore validates client-side only loosely (and other clients not at
//! all), so the server must enforce every constraint the model states and
//! answer with AWS's ValidationException wording. Body requests implement
//! [`Validate`]; path and query members have free functions here.

mod patterns;
mod rules;
mod structures;

#[cfg(test)]
mod pattern_tests;
#[cfg(test)]
mod tests;

use crate::error::ApiError;
use crate::model::{
    enum_violation, ApplicationState, CreateApplicationRequest, JobRunState, SessionState, StartJobRunRequest,
    StartSessionRequest, TagResourceRequest, UpdateApplicationRequest,
};
use rules::{join, member, render_list, StrRule, Violations};
use structures as s;

pub(crate) use patterns::{cpu_size, disk_size, is_java_space, memory_size, split_partition};

/// Checks a request body against the model; the error is a
/// ValidationException naming every violation found.
pub trait Validate {
    fn validate(&self) -> Result<(), ApiError>;
}

/// Anything that may or may not hold a string, so the free validators below
/// accept `&str`, `&String`, `Option<&str>` or `&Option<String>` alike.
pub trait MaybeStr {
    fn maybe_str(&self) -> Option<&str>;
}

impl MaybeStr for &str {
    fn maybe_str(&self) -> Option<&str> {
        Some(self)
    }
}

impl MaybeStr for &String {
    fn maybe_str(&self) -> Option<&str> {
        Some(self.as_str())
    }
}

impl MaybeStr for String {
    fn maybe_str(&self) -> Option<&str> {
        Some(self.as_str())
    }
}

impl MaybeStr for Option<&str> {
    fn maybe_str(&self) -> Option<&str> {
        *self
    }
}

impl MaybeStr for Option<&String> {
    fn maybe_str(&self) -> Option<&str> {
        self.map(String::as_str)
    }
}

impl MaybeStr for Option<String> {
    fn maybe_str(&self) -> Option<&str> {
        self.as_deref()
    }
}

impl MaybeStr for &Option<String> {
    fn maybe_str(&self) -> Option<&str> {
        self.as_deref()
    }
}

/// Settings that CreateApplication and UpdateApplication share.
struct AppSettings<'a> {
    initial_capacity: Option<&'a crate::model::InitialCapacityConfigMap>,
    maximum_capacity: Option<&'a crate::model::MaximumAllowedResources>,
    auto_stop: Option<&'a crate::model::AutoStopConfig>,
    network: Option<&'a crate::model::NetworkConfiguration>,
    image: Option<&'a crate::model::ImageConfigurationInput>,
    worker_types: Option<&'a crate::model::WorkerTypeSpecificationInputMap>,
    runtime: Option<&'a Vec<crate::model::Configuration>>,
    monitoring: Option<&'a crate::model::MonitoringConfiguration>,
    disk_encryption: Option<&'a crate::model::DiskEncryptionConfiguration>,
    scheduler: Option<&'a crate::model::SchedulerConfiguration>,
    identity_center: Option<&'a crate::model::IdentityCenterConfigurationInput>,
}

impl AppSettings<'_> {
    fn check(&self, v: &mut Violations) {
        if let Some(m) = self.initial_capacity {
            s::initial_capacity(v, "initialCapacity", m);
        }
        if let Some(m) = self.maximum_capacity {
            s::maximum_capacity(v, "maximumCapacity", m);
        }
        if let Some(a) = self.auto_stop {
            s::auto_stop(v, "autoStopConfiguration", a);
        }
        if let Some(n) = self.network {
            s::network(v, "networkConfiguration", n);
        }
        if let Some(i) = self.image {
            s::image_input(v, "imageConfiguration", i);
        }
        if let Some(w) = self.worker_types {
            s::worker_type_specifications(v, "workerTypeSpecifications", w);
        }
        if let Some(r) = self.runtime {
            s::configurations(v, "runtimeConfiguration", r);
        }
        if let Some(m) = self.monitoring {
            s::monitoring(v, "monitoringConfiguration", m);
        }
        if let Some(d) = self.disk_encryption {
            s::disk_encryption(v, "diskEncryptionConfiguration", d);
        }
        if let Some(sc) = self.scheduler {
            s::scheduler(v, "schedulerConfiguration", sc);
        }
        if let Some(i) = self.identity_center {
            s::identity_center(v, "identityCenterConfiguration", i);
        }
    }
}

impl Validate for CreateApplicationRequest {
    fn validate(&self) -> Result<(), ApiError> {
        let mut v = Violations::default();
        v.opt_string("name", self.name.as_ref(), &rules::APPLICATION_NAME);
        v.required_string("releaseLabel", self.release_label.as_ref(), &rules::RELEASE_LABEL);
        v.required_string("type", self.r#type.as_ref(), &rules::ENGINE_TYPE);
        v.required_string("clientToken", self.client_token.as_ref(), &rules::CLIENT_TOKEN);
        if let Some(t) = &self.tags {
            s::tags(&mut v, "tags", t);
        }
        AppSettings {
            initial_capacity: self.initial_capacity.as_ref(),
            maximum_capacity: self.maximum_capacity.as_ref(),
            auto_stop: self.auto_stop_configuration.as_ref(),
            network: self.network_configuration.as_ref(),
            image: self.image_configuration.as_ref(),
            worker_types: self.worker_type_specifications.as_ref(),
            runtime: self.runtime_configuration.as_ref(),
            monitoring: self.monitoring_configuration.as_ref(),
            disk_encryption: self.disk_encryption_configuration.as_ref(),
            scheduler: self.scheduler_configuration.as_ref(),
            identity_center: self.identity_center_configuration.as_ref(),
        }
        .check(&mut v);
        v.finish()
    }
}

impl Validate for UpdateApplicationRequest {
    fn validate(&self) -> Result<(), ApiError> {
        let mut v = Violations::default();
        v.required_string("clientToken", self.client_token.as_ref(), &rules::CLIENT_TOKEN);
        v.opt_string("releaseLabel", self.release_label.as_ref(), &rules::RELEASE_LABEL);
        AppSettings {
            initial_capacity: self.initial_capacity.as_ref(),
            maximum_capacity: self.maximum_capacity.as_ref(),
            auto_stop: self.auto_stop_configuration.as_ref(),
            network: self.network_configuration.as_ref(),
            image: self.image_configuration.as_ref(),
            worker_types: self.worker_type_specifications.as_ref(),
            runtime: self.runtime_configuration.as_ref(),
            monitoring: self.monitoring_configuration.as_ref(),
            disk_encryption: self.disk_encryption_configuration.as_ref(),
            scheduler: self.scheduler_configuration.as_ref(),
            identity_center: self.identity_center_configuration.as_ref(),
        }
        .check(&mut v);
        v.finish()
    }
}

impl Validate for StartJobRunRequest {
    fn validate(&self) -> Result<(), ApiError> {
        let mut v = Violations::default();
        v.required_string("clientToken", self.client_token.as_ref(), &rules::CLIENT_TOKEN);
        let role = self.execution_role_arn.as_ref();
        v.required_string("executionRoleArn", role, &rules::IAM_ROLE_ARN);
        if let Some(p) = &self.execution_iam_policy {
            s::execution_iam_policy(&mut v, "executionIamPolicy", p);
        }
        match &self.job_driver {
            None => v.null("jobDriver"),
            Some(driver) => {
                if let Some(spark) = &driver.spark_submit {
                    let p = "jobDriver.sparkSubmit";
                    v.string(&join(p, "entryPoint"), &spark.entry_point, &rules::ENTRY_POINT_PATH);
                    if let Some(args) = &spark.entry_point_arguments {
                        let ap = join(p, "entryPointArguments");
                        v.size(&ap, args.len(), 0, Some(1024), || None);
                        v.string_list(&ap, args, &rules::ENTRY_POINT_ARGUMENT);
                    }
                    let params = spark.spark_submit_parameters.as_ref();
                    let pp = join(p, "sparkSubmitParameters");
                    v.opt_string(&pp, params, &rules::SPARK_SUBMIT_PARAMETERS);
                }
                if let Some(hive) = &driver.hive {
                    let p = "jobDriver.hive";
                    v.string(&join(p, "query"), &hive.query, &rules::QUERY);
                    let init = hive.init_query_file.as_ref();
                    v.opt_string(&join(p, "initQueryFile"), init, &rules::INIT_SCRIPT_PATH);
                    let params = hive.parameters.as_ref();
                    v.opt_string(&join(p, "parameters"), params, &rules::HIVE_CLI_PARAMETERS);
                }
            }
        }
        if let Some(o) = &self.configuration_overrides {
            s::configuration_overrides(&mut v, "configurationOverrides", o);
        }
        if let Some(t) = &self.tags {
            s::tags(&mut v, "tags", t);
        }
        let timeout = self.execution_timeout_minutes;
        v.opt_int("executionTimeoutMinutes", timeout, Some(0), Some(1_000_000));
        v.opt_string("name", self.name.as_ref(), &rules::STRING256);
        if let Some(r) = &self.retry_policy {
            s::retry_policy(&mut v, "retryPolicy", r);
        }
        v.finish()?;
        // JobDriver is a union in the service: constraint checks first, then this.
        if let Some(driver) = &self.job_driver {
            if driver.spark_submit.is_some() == driver.hive.is_some() {
                return Err(ApiError::validation("jobDriver must specify exactly one of sparkSubmit or hive"));
            }
        }
        Ok(())
    }
}

impl Validate for StartSessionRequest {
    fn validate(&self) -> Result<(), ApiError> {
        let mut v = Violations::default();
        v.required_string("clientToken", self.client_token.as_ref(), &rules::CLIENT_TOKEN);
        let role = self.execution_role_arn.as_ref();
        v.required_string("executionRoleArn", role, &rules::IAM_ROLE_ARN);
        if let Some(list) = self.configuration_overrides.as_ref().and_then(|o| o.runtime_configuration.as_ref()) {
            s::configurations(&mut v, "configurationOverrides.runtimeConfiguration", list);
        }
        if let Some(t) = &self.tags {
            s::tags(&mut v, "tags", t);
        }
        v.opt_int("idleTimeoutMinutes", self.idle_timeout_minutes, Some(0), Some(1_000_000));
        v.opt_string("name", self.name.as_ref(), &rules::STRING256);
        v.finish()
    }
}

impl Validate for TagResourceRequest {
    fn validate(&self) -> Result<(), ApiError> {
        let mut v = Violations::default();
        match &self.tags {
            Some(t) => s::tags(&mut v, "tags", t),
            None => v.null("tags"),
        }
        v.finish()
    }
}

fn one_string(path: &str, value: &str, rule: &StrRule) -> Result<(), ApiError> {
    let mut v = Violations::default();
    v.string(path, value, rule);
    v.finish()
}

/// `applicationId` path member.
pub fn validate_application_id(id: &str) -> Result<(), ApiError> {
    one_string("applicationId", id, &rules::RESOURCE_ID)
}

/// `jobRunId` path member.
pub fn validate_job_run_id(id: &str) -> Result<(), ApiError> {
    one_string("jobRunId", id, &rules::RESOURCE_ID)
}

/// `sessionId` path member.
pub fn validate_session_id(id: &str) -> Result<(), ApiError> {
    one_string("sessionId", id, &rules::SESSION_ID)
}

/// `resourceArn` path member of the tagging operations.
pub fn validate_resource_arn(arn: &str) -> Result<(), ApiError> {
    one_string("resourceArn", arn, &rules::RESOURCE_ARN)
}

/// `clientToken`, which is required wherever it appears.
pub fn validate_client_token(token: impl MaybeStr) -> Result<(), ApiError> {
    let mut v = Violations::default();
    match token.maybe_str() {
        Some(t) => v.string("clientToken", t, &rules::CLIENT_TOKEN),
        None => v.null("clientToken"),
    }
    v.finish()
}

/// `nextToken` query member; absent is fine.
pub fn validate_next_token(token: impl MaybeStr) -> Result<(), ApiError> {
    match token.maybe_str() {
        Some(t) => one_string("nextToken", t, &rules::NEXT_TOKEN),
        None => Ok(()),
    }
}

/// `maxResults` query member (1..=50 for every list operation), reported at `field`.
pub fn validate_max_results(max_results: Option<i64>, field: &str) -> Result<(), ApiError> {
    let mut v = Violations::default();
    v.opt_int(field, max_results, Some(1), Some(50));
    v.finish()
}

/// `tagKeys` query member of UntagResource.
pub fn validate_tag_keys(keys: &[String]) -> Result<(), ApiError> {
    let mut v = Violations::default();
    v.size("tagKeys", keys.len(), 1, Some(200), || Some(render_list(keys)));
    v.string_list("tagKeys", keys, &rules::TAG_KEY);
    v.finish()
}

/// The query of GetResourceDashboard: `resourceId` and `resourceType` are
/// required, and SESSION is the only resource type the model knows. Returns
/// the session's id.
pub fn validate_resource_dashboard(resource_id: Option<&str>, resource_type: Option<&str>) -> Result<String, ApiError> {
    let mut v = Violations::default();
    match resource_id {
        Some(id) => v.string("resourceId", id, &rules::RESOURCE_ID),
        None => v.null("resourceId"),
    }
    match resource_type {
        Some("SESSION") => {}
        Some(other) => v.push_line(enum_violation(other, "resourceType", ["SESSION"].into_iter())),
        None => v.null("resourceType"),
    }
    v.finish()?;
    Ok(resource_id.unwrap_or_default().to_string())
}

/// `attempt` query member of GetJobRun / GetDashboardForJobRun.
pub fn validate_attempt(attempt: i64) -> Result<(), ApiError> {
    let mut v = Violations::default();
    v.int("attempt", attempt, Some(1), None);
    v.finish()
}

fn parse_states<T: Copy>(
    raw: &[String],
    max: usize,
    all: &[T],
    name: impl Fn(&T) -> &'static str,
) -> Result<Vec<T>, ApiError> {
    let mut v = Violations::default();
    v.size("states", raw.len(), 0, Some(max), || Some(render_list(raw)));
    let mut out = Vec::with_capacity(raw.len());
    for (i, value) in raw.iter().enumerate() {
        match all.iter().find(|s| name(s) == value) {
            Some(s) => out.push(*s),
            None => v.push_line(enum_violation(value, &member("states", i), all.iter().map(&name))),
        }
    }
    v.finish()?;
    Ok(out)
}

/// `states` query member of ListApplications (at most 7). An empty slice
/// means "no filter": a query string cannot carry an empty list.
pub fn parse_application_states(raw: &[String]) -> Result<Vec<ApplicationState>, ApiError> {
    parse_states(raw, 7, ApplicationState::ALL, |s| s.as_str())
}

/// `states` query member of ListJobRuns (at most 8, per the model).
pub fn parse_job_run_states(raw: &[String]) -> Result<Vec<JobRunState>, ApiError> {
    parse_states(raw, 8, JobRunState::ALL, |s| s.as_str())
}

/// `states` query member of ListSessions (at most 8, per the model).
pub fn parse_session_states(raw: &[String]) -> Result<Vec<SessionState>, ApiError> {
    parse_states(raw, 8, SessionState::ALL, |s| s.as_str())
}
