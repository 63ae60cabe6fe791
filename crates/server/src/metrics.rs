//! Prometheus metrics: `GET /metrics` in the text exposition format.
//!
//! Operators scrape with Prometheus, which cannot sign SigV4, so the
//! endpoint is authorized by a bearer token of its own (`metrics_token`,
//! kept only as a SHA-256, compared as such) and is off without one: run
//! counts and application ids are not for anyone who can reach the port.
//!
//! Two kinds of figures. The control plane's (runs by state, the queue,
//! capacity in use, warm workers) are read at scrape time from the store
//! and the pool ([`sparkplane_control::scheduling::metrics`]), so they agree
//! with the API. API traffic is counted here as requests pass: by operation
//! (a fixed table, so label values are bounded) and status, with a latency
//! histogram. The format is a few lines of text; a registry crate would
//! hold a second copy of figures the store already has.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use sparkplane_control::scheduling::metrics::{ApplicationUsage, ControlMetrics};
use sparkplane_metrics::{Exposition, Histogram, REQUEST_BUCKETS};

use crate::AppState;

/// Exposition text of another part of the process, appended at each scrape.
pub type MetricsText = Arc<dyn Fn() -> String + Send + Sync>;

/// API requests seen since the server started, by (operation, status).
#[derive(Debug, Default)]
pub struct ApiMetrics {
    series: Mutex<BTreeMap<(&'static str, u16), Histogram>>,
}

impl ApiMetrics {
    pub fn observe(&self, operation: &'static str, status: u16, seconds: f64) {
        let mut series = self.series.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        series.entry((operation, status)).or_insert_with(|| Histogram::new(REQUEST_BUCKETS)).observe(seconds);
    }

    fn snapshot(&self) -> BTreeMap<(&'static str, u16), Histogram> {
        self.series.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }
}

/// The EMR Serverless operation (or sparkplane extra) a matched route is.
pub(crate) fn operation(method: &Method, path: &str) -> &'static str {
    const APP: &str = "/applications/{application_id}";
    const RUN: &str = "/applications/{application_id}/jobruns/{job_run_id}";
    match (method.as_str(), path) {
        ("POST", "/applications") => "CreateApplication",
        ("GET", "/applications") => "ListApplications",
        ("GET", APP) => "GetApplication",
        ("PATCH", APP) => "UpdateApplication",
        ("DELETE", APP) => "DeleteApplication",
        ("POST", "/applications/{application_id}/start") => "StartApplication",
        ("POST", "/applications/{application_id}/stop") => "StopApplication",
        ("POST", "/applications/{application_id}/jobruns") => "StartJobRun",
        ("POST", "/applications/{application_id}/sessions") => "StartSession",
        ("GET", "/applications/{application_id}/sessions") => "ListSessions",
        ("GET", "/applications/{application_id}/sessions/{session_id}") => "GetSession",
        ("DELETE", "/applications/{application_id}/sessions/{session_id}") => "TerminateSession",
        ("GET", "/applications/{application_id}/sessions/{session_id}/endpoint") => "GetSessionEndpoint",
        ("GET", "/applications/{application_id}/dashboard") => "GetResourceDashboard",
        ("GET", "/applications/{application_id}/jobruns") => "ListJobRuns",
        ("GET", RUN) => "GetJobRun",
        ("DELETE", RUN) => "CancelJobRun",
        ("GET", "/applications/{application_id}/jobruns/{job_run_id}/attempts") => "ListJobRunAttempts",
        ("GET", "/applications/{application_id}/jobruns/{job_run_id}/dashboard") => "GetDashboardForJobRun",
        ("GET", "/tags/{resource_arn}") => "ListTagsForResource",
        ("POST", "/tags/{resource_arn}") => "TagResource",
        ("DELETE", "/tags/{resource_arn}") => "UntagResource",
        (_, p) if p.starts_with("/sparkplane/v1/applications/") && p.ends_with("/logs") => "sparkplane:GetLogs",
        (_, p) if p.ends_with("/workers") => "sparkplane:GetWorkers",
        (_, p) if p.starts_with("/sparkplane/v1/catalog/") => "sparkplane:Catalog",
        (_, p) if p.starts_with("/sparkplane/v1/metastore/") => "sparkplane:Metastore",
        _ => "other",
    }
}

/// Counts each request of the API router by operation and status, with its
/// latency; outside SigV4, so refused requests count too.
pub(crate) async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let path = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string()).unwrap_or_default();
    let operation = operation(request.method(), &path);
    let response = next.run(request).await;
    state.api_metrics.observe(operation, response.status().as_u16(), started.elapsed().as_secs_f64());
    response
}

const GIB: u64 = 1 << 30;

/// A per-application gauge: name, help, and its value (None: no series).
type AppGauge = (&'static str, &'static str, fn(&ApplicationUsage) -> Option<u64>);

/// The whole exposition: control-plane gauges, run latencies, API traffic.
pub(crate) fn render(control: &ControlMetrics, api: &ApiMetrics) -> Exposition {
    let mut out = Exposition::default();
    out.family("sparkplane_job_runs", "gauge", "Job runs by application and state.");
    for run in &control.runs {
        let labels = [("application_id", run.application_id.as_str()), ("state", run.state.as_str())];
        out.sample("sparkplane_job_runs", &labels, run.count);
    }
    out.family("sparkplane_sessions", "gauge", "Unfinished interactive sessions by application and state.");
    for session in &control.sessions {
        let labels = [("application_id", session.application_id.as_str()), ("state", session.state.as_str())];
        out.sample("sparkplane_sessions", &labels, session.count);
    }
    out.family("sparkplane_job_runs_queued", "gauge", "Job runs waiting for capacity.");
    out.sample("sparkplane_job_runs_queued", &[], control.queued);
    let gauges: [AppGauge; 4] = [
        ("sparkplane_application_vcpu_in_use", "vCPUs held by an application's admitted runs and sessions.", |a| {
            Some(a.in_use.cpu)
        }),
        ("sparkplane_application_vcpu_maximum", "An application's maximumCapacity in vCPUs.", |a| {
            a.maximum.map(|m| m.cpu)
        }),
        (
            "sparkplane_application_memory_in_use_bytes",
            "Memory held by an application's admitted runs and sessions.",
            |a| Some(a.in_use.memory_gb.saturating_mul(GIB)),
        ),
        ("sparkplane_application_memory_maximum_bytes", "An application's maximumCapacity of memory.", |a| {
            a.maximum.map(|m| m.memory_gb.saturating_mul(GIB))
        }),
    ];
    for (name, help, value) in gauges {
        out.family(name, "gauge", help);
        for app in &control.applications {
            if let Some(v) = value(app) {
                out.sample(name, &[("application_id", &app.application_id)], v);
            }
        }
    }
    out.family("sparkplane_warm_workers", "gauge", "Pre-initialized workers by application and state.");
    for app in &control.applications {
        for (state, n) in [("idle", app.warm_idle), ("busy", app.warm_busy), ("starting", app.warm_starting)] {
            out.sample("sparkplane_warm_workers", &[("application_id", &app.application_id), ("state", state)], n);
        }
    }
    let host = &control.host;
    const MIB: u64 = 1 << 20;
    let host_gauges: [(&str, &str, Option<u64>); 8] = [
        ("sparkplane_host_vcpu_in_use", "vCPUs held on this host.", Some(host.in_use.cpu)),
        ("sparkplane_host_vcpu_capacity", "This host's logical vCPUs.", host.capacity.map(|c| c.cpu)),
        (
            "sparkplane_host_memory_in_use_bytes",
            "Memory held on this host.",
            Some(host.in_use.memory_gb.saturating_mul(GIB)),
        ),
        (
            "sparkplane_host_memory_capacity_bytes",
            "This host's logical memory.",
            host.capacity.map(|c| c.memory_gb.saturating_mul(GIB)),
        ),
        (
            "sparkplane_engine_processes",
            "Engine processes up (drivers, HIVE workers, masters, executors, History Server).",
            Some(u64::from(host.processes)),
        ),
        ("sparkplane_engine_processes_maximum", "Engine processes allowed at once.", host.max_processes.map(u64::from)),
        ("sparkplane_engine_heap_bytes", "Heap the engine processes claim.", Some(host.heap_mb.saturating_mul(MIB))),
        (
            "sparkplane_engine_heap_budget_bytes",
            "Heap the engine processes may claim together.",
            host.heap_budget_mb.map(|mb| mb.saturating_mul(MIB)),
        ),
    ];
    for (name, help, value) in host_gauges {
        out.family(name, "gauge", help);
        if let Some(value) = value {
            out.sample(name, &[], value);
        }
    }
    out.family("sparkplane_hosts", "gauge", "Hosts of the host table by state.");
    for state in ["READY", "DRAINING", "LOST", "PENDING"] {
        let count = control.hosts.iter().filter(|h| h.state == state).count() as u64;
        out.sample("sparkplane_hosts", &[("state", state)], count);
    }
    let name = "sparkplane_host_heartbeat_age_seconds";
    out.family(name, "gauge", "Seconds since each registered host's last heartbeat.");
    for host in &control.hosts {
        if let Some(age) = host.heartbeat_age_seconds {
            out.sample(name, &[("host", host.name.as_str())], age);
        }
    }
    let latencies = &control.latencies;
    let name = "sparkplane_job_run_submit_to_running_seconds";
    out.family(name, "histogram", "From an attempt's creation to RUNNING.");
    if let Some(series) = &latencies.to_running {
        out.histogram(name, &[], series);
    }
    let name = "sparkplane_job_run_duration_seconds";
    out.family(name, "histogram", "From a run's creation to its end, by final state.");
    for (state, series) in &latencies.durations {
        out.histogram(name, &[("state", state)], series);
    }
    let api = api.snapshot();
    out.family("sparkplane_api_requests_total", "counter", "API requests by operation and HTTP status.");
    for ((operation, status), series) in &api {
        let status = status.to_string();
        out.sample("sparkplane_api_requests_total", &[("operation", operation), ("status", &status)], series.count);
    }
    let name = "sparkplane_api_request_duration_seconds";
    out.family(name, "histogram", "API request latency by operation.");
    let mut by_operation: BTreeMap<&str, Histogram> = BTreeMap::new();
    for ((operation, _), series) in &api {
        by_operation.entry(operation).or_insert_with(|| Histogram::new(REQUEST_BUCKETS)).merge(series);
    }
    for (operation, series) in &by_operation {
        out.histogram(name, &[("operation", operation)], series);
    }
    out
}

#[cfg(test)]
mod tests {
    use sparkplane_control::scheduling::metrics::HostHealth;
    use sparkplane_store::RunCount;

    use super::*;

    #[test]
    fn routes_map_to_bounded_operation_names() {
        assert_eq!(operation(&Method::POST, "/applications/{application_id}/jobruns"), "StartJobRun");
        assert_eq!(operation(&Method::GET, "/applications/{application_id}/jobruns/{job_run_id}"), "GetJobRun");
        assert_eq!(operation(&Method::GET, "/nowhere/at/all"), "other");
    }

    #[test]
    fn the_exposition_has_counts_gauges_and_cumulative_buckets() {
        let control = ControlMetrics {
            runs: vec![RunCount { application_id: "00a\"".into(), state: "SUCCESS".into(), count: 3 }],
            sessions: vec![RunCount { application_id: "00a".into(), state: "IDLE".into(), count: 2 }],
            queued: 1,
            applications: vec![ApplicationUsage {
                application_id: "00a".into(),
                state: "STARTED".into(),
                in_use: sparkplane_control::base::capacity::Capacity { cpu: 4, memory_gb: 16, disk_gb: 20 },
                maximum: None,
                warm_idle: 1,
                ..Default::default()
            }],
            host: sparkplane_control::scheduling::metrics::HostUsage {
                processes: 3,
                max_processes: Some(8),
                heap_mb: 2048,
                ..Default::default()
            },
            latencies: Default::default(),
            hosts: vec![
                HostHealth { name: "srv".into(), state: "READY", heartbeat_age_seconds: Some(0) },
                HostHealth { name: "w1".into(), state: "LOST", heartbeat_age_seconds: Some(31) },
                HostHealth { name: "w2".into(), state: "PENDING", heartbeat_age_seconds: None },
            ],
        };
        let api = ApiMetrics::default();
        api.observe("GetJobRun", 200, 0.003);
        api.observe("GetJobRun", 200, 0.2);
        api.observe("GetJobRun", 403, 20.0);
        let text = render(&control, &api).finish();
        assert!(text.contains("sparkplane_job_runs{application_id=\"00a\\\"\",state=\"SUCCESS\"} 3\n"), "{text}");
        assert!(text.contains("sparkplane_job_runs_queued 1\n"));
        assert!(text.contains("sparkplane_sessions{application_id=\"00a\",state=\"IDLE\"} 2\n"), "{text}");
        assert!(
            text.contains("sparkplane_hosts{state=\"LOST\"} 1\n")
                && text.contains("sparkplane_hosts{state=\"DRAINING\"} 0\n")
        );
        assert!(text.contains("sparkplane_host_heartbeat_age_seconds{host=\"w1\"} 31\n"));
        assert!(!text.contains("sparkplane_host_heartbeat_age_seconds{host=\"w2\"}"), "never registered, no sample");
        assert!(text.contains("sparkplane_engine_processes 3\n"));
        assert!(text.contains("sparkplane_engine_processes_maximum 8\n"));
        assert!(text.contains("sparkplane_engine_heap_bytes 2147483648\n"));
        assert!(!text.contains("\nsparkplane_engine_heap_budget_bytes "), "no budget, no sample");
        assert!(text.contains("sparkplane_application_vcpu_in_use{application_id=\"00a\"} 4\n"));
        assert!(text.contains("sparkplane_application_memory_in_use_bytes{application_id=\"00a\"} 17179869184\n"));
        assert!(!text.contains("sparkplane_application_vcpu_maximum{"), "no maximum, no series");
        assert!(text.contains("sparkplane_warm_workers{application_id=\"00a\",state=\"idle\"} 1\n"));
        assert!(text.contains("sparkplane_api_requests_total{operation=\"GetJobRun\",status=\"200\"} 2\n"));
        assert!(text.contains("sparkplane_api_requests_total{operation=\"GetJobRun\",status=\"403\"} 1\n"));
        let name = "sparkplane_api_request_duration_seconds";
        assert!(text.contains(&format!("{name}_bucket{{operation=\"GetJobRun\",le=\"0.005\"}} 1\n")));
        assert!(text.contains(&format!("{name}_bucket{{operation=\"GetJobRun\",le=\"0.25\"}} 2\n")));
        assert!(text.contains(&format!("{name}_bucket{{operation=\"GetJobRun\",le=\"10\"}} 2\n")));
        assert!(text.contains(&format!("{name}_bucket{{operation=\"GetJobRun\",le=\"+Inf\"}} 3\n")));
        assert!(text.contains(&format!("{name}_count{{operation=\"GetJobRun\"}} 3\n")));
    }
}
