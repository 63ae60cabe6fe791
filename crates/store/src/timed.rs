//! A [`Store`] that times every call of the store it wraps, by operation,
//! for `/metrics` (`sparkplane_store_operation_duration_seconds`).
//!
//! A decorator rather than timing inside each backend, so SQLite and
//! PostgreSQL report the same operations the same way, and callers (the
//! controller, IAM, the catalog) need not know.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_trait::async_trait;
use sparkplane_api::{Application, JobRun, JobRunState, Session};
use sparkplane_metrics::{Exposition, Histogram, STORE_BUCKETS};

use crate::{
    ApplicationFilter, Created, IamEntity, JobRunFilter, Page, PageRequest, RunCount, SessionFilter, Store, StoreError,
};

pub struct Timed {
    inner: Arc<dyn Store>,
    latencies: Mutex<BTreeMap<&'static str, Histogram>>,
}

impl Timed {
    pub fn new(inner: Arc<dyn Store>) -> Timed {
        Timed { inner, latencies: Mutex::default() }
    }

    async fn time<T>(&self, operation: &'static str, call: impl Future<Output = T>) -> T {
        let started = Instant::now();
        let result = call.await;
        let seconds = started.elapsed().as_secs_f64();
        let mut latencies = self.latencies.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        latencies.entry(operation).or_insert_with(|| Histogram::new(STORE_BUCKETS)).observe(seconds);
        result
    }

    /// The latency histogram of each operation called so far.
    pub fn render(&self) -> String {
        let latencies = self.latencies.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
        let mut out = Exposition::default();
        let name = "sparkplane_store_operation_duration_seconds";
        out.family(name, "histogram", "Store calls by operation.");
        for (operation, series) in &latencies {
            out.histogram(name, &[("operation", operation)], series);
        }
        out.finish()
    }
}

#[async_trait]
impl Store for Timed {
    async fn create_application(&self, app: &Application, token: &str) -> Result<Created<Application>, StoreError> {
        self.time("create_application", self.inner.create_application(app, token)).await
    }
    async fn get_application(&self, id: &str) -> Result<Option<Application>, StoreError> {
        self.time("get_application", self.inner.get_application(id)).await
    }
    async fn put_application(&self, app: &Application) -> Result<(), StoreError> {
        self.time("put_application", self.inner.put_application(app)).await
    }
    async fn list_applications(
        &self,
        filter: &ApplicationFilter,
        page: &PageRequest,
    ) -> Result<Page<Application>, StoreError> {
        self.time("list_applications", self.inner.list_applications(filter, page)).await
    }
    async fn create_job_run(&self, run: &JobRun, token: &str) -> Result<Created<JobRun>, StoreError> {
        self.time("create_job_run", self.inner.create_job_run(run, token)).await
    }
    async fn get_job_run(&self, app: &str, run: &str) -> Result<Option<JobRun>, StoreError> {
        self.time("get_job_run", self.inner.get_job_run(app, run)).await
    }
    async fn get_job_run_attempt(&self, app: &str, run: &str, attempt: u32) -> Result<Option<JobRun>, StoreError> {
        self.time("get_job_run_attempt", self.inner.get_job_run_attempt(app, run, attempt)).await
    }
    async fn put_job_run(&self, run: &JobRun, attempt: u32) -> Result<(), StoreError> {
        self.time("put_job_run", self.inner.put_job_run(run, attempt)).await
    }
    async fn list_job_runs(
        &self,
        app: &str,
        filter: &JobRunFilter,
        page: &PageRequest,
    ) -> Result<Page<JobRun>, StoreError> {
        self.time("list_job_runs", self.inner.list_job_runs(app, filter, page)).await
    }
    async fn list_job_run_attempts(
        &self,
        app: &str,
        run: &str,
        page: &PageRequest,
    ) -> Result<Page<JobRun>, StoreError> {
        self.time("list_job_run_attempts", self.inner.list_job_run_attempts(app, run, page)).await
    }
    async fn list_unfinished_job_runs(&self) -> Result<Vec<JobRun>, StoreError> {
        self.time("list_unfinished_job_runs", self.inner.list_unfinished_job_runs()).await
    }
    async fn list_job_runs_in_states(&self, states: &[JobRunState]) -> Result<Vec<JobRun>, StoreError> {
        self.time("list_job_runs_in_states", self.inner.list_job_runs_in_states(states)).await
    }
    async fn count_job_runs(&self) -> Result<Vec<RunCount>, StoreError> {
        self.time("count_job_runs", self.inner.count_job_runs()).await
    }
    async fn create_session(&self, session: &Session, client_token: &str) -> Result<Created<Session>, StoreError> {
        self.time("create_session", self.inner.create_session(session, client_token)).await
    }
    async fn get_session(&self, application_id: &str, session_id: &str) -> Result<Option<Session>, StoreError> {
        self.time("get_session", self.inner.get_session(application_id, session_id)).await
    }
    async fn put_session(&self, session: &Session) -> Result<(), StoreError> {
        self.time("put_session", self.inner.put_session(session)).await
    }
    async fn list_sessions(
        &self,
        application_id: &str,
        filter: &SessionFilter,
        page: &PageRequest,
    ) -> Result<Page<Session>, StoreError> {
        self.time("list_sessions", self.inner.list_sessions(application_id, filter, page)).await
    }
    async fn list_unfinished_sessions(&self) -> Result<Vec<Session>, StoreError> {
        self.time("list_unfinished_sessions", self.inner.list_unfinished_sessions()).await
    }
    async fn create_catalog_database(&self, name: &str, body: &str) -> Result<bool, StoreError> {
        self.time("create_catalog_database", self.inner.create_catalog_database(name, body)).await
    }
    async fn get_catalog_database(&self, name: &str) -> Result<Option<String>, StoreError> {
        self.time("get_catalog_database", self.inner.get_catalog_database(name)).await
    }
    async fn list_catalog_databases(&self) -> Result<Vec<String>, StoreError> {
        self.time("list_catalog_databases", self.inner.list_catalog_databases()).await
    }
    async fn put_catalog_table(&self, database: &str, name: &str, body: &str) -> Result<(), StoreError> {
        self.time("put_catalog_table", self.inner.put_catalog_table(database, name, body)).await
    }
    async fn get_catalog_table(&self, database: &str, name: &str) -> Result<Option<String>, StoreError> {
        self.time("get_catalog_table", self.inner.get_catalog_table(database, name)).await
    }
    async fn drop_catalog_table(&self, database: &str, name: &str) -> Result<bool, StoreError> {
        self.time("drop_catalog_table", self.inner.drop_catalog_table(database, name)).await
    }
    async fn list_catalog_tables(&self, database: &str) -> Result<Vec<(String, String)>, StoreError> {
        self.time("list_catalog_tables", self.inner.list_catalog_tables(database)).await
    }
    async fn insert_iam_entity(&self, kind: &str, key: &str, body: &str) -> Result<bool, StoreError> {
        self.time("insert_iam_entity", self.inner.insert_iam_entity(kind, key, body)).await
    }
    async fn replace_iam_entity(&self, kind: &str, key: &str, body: &str) -> Result<bool, StoreError> {
        self.time("replace_iam_entity", self.inner.replace_iam_entity(kind, key, body)).await
    }
    async fn delete_iam_entity(&self, kind: &str, key: &str) -> Result<bool, StoreError> {
        self.time("delete_iam_entity", self.inner.delete_iam_entity(kind, key)).await
    }
    async fn list_iam_entities(&self) -> Result<Vec<IamEntity>, StoreError> {
        self.time("list_iam_entities", self.inner.list_iam_entities()).await
    }

    async fn insert_host(&self, name: &str, body: &str) -> Result<bool, StoreError> {
        self.time("insert_host", self.inner.insert_host(name, body)).await
    }

    async fn replace_host(&self, name: &str, body: &str) -> Result<bool, StoreError> {
        self.time("replace_host", self.inner.replace_host(name, body)).await
    }

    async fn delete_host(&self, name: &str) -> Result<bool, StoreError> {
        self.time("delete_host", self.inner.delete_host(name)).await
    }

    async fn list_hosts(&self) -> Result<Vec<crate::HostRow>, StoreError> {
        self.time("list_hosts", self.inner.list_hosts()).await
    }

    async fn put_driver_placement(&self, id: &str, body: &str) -> Result<(), StoreError> {
        self.time("put_driver_placement", self.inner.put_driver_placement(id, body)).await
    }

    async fn delete_driver_placement(&self, id: &str) -> Result<bool, StoreError> {
        self.time("delete_driver_placement", self.inner.delete_driver_placement(id)).await
    }

    async fn list_driver_placements(&self) -> Result<Vec<crate::PlacementRow>, StoreError> {
        self.time("list_driver_placements", self.inner.list_driver_placements()).await
    }

    async fn acquire_lease(&self, name: &str, holder: &str, ttl_ms: i64) -> Result<crate::LeaseRow, StoreError> {
        self.time("acquire_lease", self.inner.acquire_lease(name, holder, ttl_ms)).await
    }

    async fn release_lease(&self, name: &str, holder: &str) -> Result<bool, StoreError> {
        self.time("release_lease", self.inner.release_lease(name, holder)).await
    }

    async fn get_lease(&self, name: &str) -> Result<Option<crate::LeaseRow>, StoreError> {
        self.time("get_lease", self.inner.get_lease(name)).await
    }

    async fn put_server(&self, name: &str, body: &str) -> Result<(), StoreError> {
        self.time("put_server", self.inner.put_server(name, body)).await
    }

    async fn list_servers(&self) -> Result<Vec<crate::ServerRow>, StoreError> {
        self.time("list_servers", self.inner.list_servers()).await
    }

    async fn delete_server(&self, name: &str) -> Result<bool, StoreError> {
        self.time("delete_server", self.inner.delete_server(name)).await
    }

    fn fence(&self, fence: crate::Fence) {
        self.inner.fence(fence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SqliteStore;

    /// The shared suite passes through the decorator unchanged, and every
    /// call it makes is timed under its operation.
    #[tokio::test]
    async fn the_decorator_delegates_and_times_each_operation() {
        let dir = tempfile::tempdir().unwrap();
        let inner: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("s.db")).await.unwrap());
        let timed = Timed::new(inner);
        crate::test_suite::list_job_runs_filters_by_state_and_time(&timed).await;
        let text = timed.render();
        assert!(
            text.contains("sparkplane_store_operation_duration_seconds_count{operation=\"create_job_run\"} 4\n"),
            "{text}"
        );
        assert!(text.contains("sparkplane_store_operation_duration_seconds_count{operation=\"count_job_runs\"} 1\n"));
        assert!(text
            .contains("sparkplane_store_operation_duration_seconds_bucket{operation=\"put_job_run\",le=\"+Inf\"} 2\n"));
    }
}
