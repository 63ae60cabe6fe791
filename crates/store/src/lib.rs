//! Durable state of sparkplane behind one [`Store`] trait.
//!
//! What is stored: applications, job runs and every attempt of a job run, as
//! their API JSON, plus the client tokens that make creation idempotent. That
//! is everything a restarted server needs; schedules, reservations and
//! process handles are rebuilt in memory from it. SQLite is the embedded
//! default; PostgreSQL ([`PgStore`]) implements the same trait for teams
//! that run a shared service, and both run the same [`store_test_suite!`].

mod error;
mod filter;
mod leadership;
mod page;
pub mod postgres;
pub mod sqlite;
#[doc(hidden)]
pub mod test_suite;
mod timed;

use async_trait::async_trait;
use sparkplane_api::{Application, ApplicationState, JobRun, JobRunMode, JobRunState, Session, SessionState};

pub use error::StoreError;
pub use page::{Page, PageRequest};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use timed::Timed;

/// Result of an idempotent create: either the new record, or the record
/// created earlier with the same client token.
#[derive(Debug, Clone, PartialEq)]
pub enum Created<T> {
    New(T),
    Existing(T),
}

impl<T> Created<T> {
    pub fn into_inner(self) -> T {
        match self {
            Created::New(value) | Created::Existing(value) => value,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    /// Empty means every state.
    pub states: Vec<ApplicationState>,
}

#[derive(Debug, Clone, Default)]
pub struct JobRunFilter {
    /// Empty means every state.
    pub states: Vec<JobRunState>,
    /// Epoch milliseconds, inclusive bounds.
    pub created_at_after: Option<i64>,
    pub created_at_before: Option<i64>,
    pub mode: Option<JobRunMode>,
}

#[derive(Debug, Clone, Default)]
pub struct SessionFilter {
    /// Empty means every state.
    pub states: Vec<SessionState>,
    /// Epoch milliseconds, inclusive bounds.
    pub created_at_after: Option<i64>,
    pub created_at_before: Option<i64>,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Inserts `app` unless an application was already created with
    /// `client_token`, in which case that one is returned.
    async fn create_application(
        &self,
        app: &Application,
        client_token: &str,
    ) -> Result<Created<Application>, StoreError>;
    async fn get_application(&self, id: &str) -> Result<Option<Application>, StoreError>;
    /// Replaces a stored application (matched by `applicationId`).
    async fn put_application(&self, app: &Application) -> Result<(), StoreError>;
    /// Newest first.
    async fn list_applications(
        &self,
        filter: &ApplicationFilter,
        page: &PageRequest,
    ) -> Result<Page<Application>, StoreError>;

    /// Inserts `run` as attempt 1, unless a run of the same application was
    /// already created with `client_token`.
    async fn create_job_run(&self, run: &JobRun, client_token: &str) -> Result<Created<JobRun>, StoreError>;
    async fn get_job_run(&self, application_id: &str, job_run_id: &str) -> Result<Option<JobRun>, StoreError>;
    async fn get_job_run_attempt(
        &self,
        application_id: &str,
        job_run_id: &str,
        attempt: u32,
    ) -> Result<Option<JobRun>, StoreError>;
    /// Replaces the run's latest view and the snapshot of attempt `attempt`
    /// in one transaction.
    async fn put_job_run(&self, run: &JobRun, attempt: u32) -> Result<(), StoreError>;
    /// Newest first.
    async fn list_job_runs(
        &self,
        application_id: &str,
        filter: &JobRunFilter,
        page: &PageRequest,
    ) -> Result<Page<JobRun>, StoreError>;
    /// Oldest attempt first.
    async fn list_job_run_attempts(
        &self,
        application_id: &str,
        job_run_id: &str,
        page: &PageRequest,
    ) -> Result<Page<JobRun>, StoreError>;
    /// Every run not in a terminal state, oldest first: what the scheduler
    /// must look after, at startup and on each pass.
    async fn list_unfinished_job_runs(&self) -> Result<Vec<JobRun>, StoreError>;
    /// Every run in one of `states`, of every application, oldest first.
    async fn list_job_runs_in_states(&self, states: &[JobRunState]) -> Result<Vec<JobRun>, StoreError>;
    /// How many runs each application has in each state (what `/metrics`
    /// reports): one grouped query, never a scan of the run bodies.
    async fn count_job_runs(&self) -> Result<Vec<RunCount>, StoreError>;

    /// Inserts `session` unless a session of the same application was
    /// already created with `client_token`.
    async fn create_session(&self, session: &Session, client_token: &str) -> Result<Created<Session>, StoreError>;
    async fn get_session(&self, application_id: &str, session_id: &str) -> Result<Option<Session>, StoreError>;
    /// Replaces a stored session (matched by application and session id).
    async fn put_session(&self, session: &Session) -> Result<(), StoreError>;
    /// Newest first.
    async fn list_sessions(
        &self,
        application_id: &str,
        filter: &SessionFilter,
        page: &PageRequest,
    ) -> Result<Page<Session>, StoreError>;
    /// Every session not FAILED or TERMINATED, oldest first.
    async fn list_unfinished_sessions(&self) -> Result<Vec<Session>, StoreError>;

    // The HIVE catalog. Documents are opaque JSON to the store; the SQL
    // engine owns their shape. They come back as equal JSON, not the same
    // bytes (PostgreSQL's JSONB normalizes spacing and key order).

    /// Creates the database unless it exists; returns whether it was created.
    async fn create_catalog_database(&self, name: &str, body: &str) -> Result<bool, StoreError>;
    async fn get_catalog_database(&self, name: &str) -> Result<Option<String>, StoreError>;
    /// Names in order.
    async fn list_catalog_databases(&self) -> Result<Vec<String>, StoreError>;
    /// Inserts or replaces a table document; the database must exist.
    async fn put_catalog_table(&self, database: &str, name: &str, body: &str) -> Result<(), StoreError>;
    async fn get_catalog_table(&self, database: &str, name: &str) -> Result<Option<String>, StoreError>;
    /// Returns whether a table was dropped.
    async fn drop_catalog_table(&self, database: &str, name: &str) -> Result<bool, StoreError>;
    /// (name, body) of every table of `database`, by name.
    async fn list_catalog_tables(&self, database: &str) -> Result<Vec<(String, String)>, StoreError>;

    // Identities (users, roles, policies, access keys). Documents are opaque
    // JSON to the store (equal JSON back, as for the catalog); the iam crate
    // owns their shape and serializes its own read-modify-write.

    /// Inserts the entity unless one of that kind and key exists; returns
    /// whether it was inserted.
    async fn insert_iam_entity(&self, kind: &str, key: &str, body: &str) -> Result<bool, StoreError>;
    /// Replaces an existing entity; returns whether one existed.
    async fn replace_iam_entity(&self, kind: &str, key: &str, body: &str) -> Result<bool, StoreError>;
    /// Returns whether an entity was deleted.
    async fn delete_iam_entity(&self, kind: &str, key: &str) -> Result<bool, StoreError>;
    /// Every entity, ordered by kind then key.
    async fn list_iam_entities(&self) -> Result<Vec<IamEntity>, StoreError>;

    // Hosts (the server's own and its agents'). Documents are opaque JSON
    // to the store; the hosts crate owns their shape.

    /// Inserts the host unless one of that name exists; returns whether it
    /// was inserted.
    async fn insert_host(&self, name: &str, body: &str) -> Result<bool, StoreError>;
    /// Replaces an existing host; returns whether one existed.
    async fn replace_host(&self, name: &str, body: &str) -> Result<bool, StoreError>;
    /// Returns whether a host was deleted.
    async fn delete_host(&self, name: &str) -> Result<bool, StoreError>;
    /// Every host, by name.
    async fn list_hosts(&self) -> Result<Vec<HostRow>, StoreError>;

    // Drivers placed on agents' hosts, by driver id: opaque JSON that the
    // control plane owns, kept while the attempt lasts so that the next
    // leader adopts it.

    /// Inserts or replaces the placement of driver `id`.
    async fn put_driver_placement(&self, id: &str, body: &str) -> Result<(), StoreError>;
    /// Returns whether a placement was deleted.
    async fn delete_driver_placement(&self, id: &str) -> Result<bool, StoreError>;
    /// Every placement, by driver id.
    async fn list_driver_placements(&self) -> Result<Vec<PlacementRow>, StoreError>;

    // Leadership among the servers that share this store. Times are the
    // store's clock, so that servers with skewed clocks agree.

    /// Takes the lease `name` for `holder` if it is free, expired or already
    /// `holder`'s, for `ttl_ms` from now; returns the lease as it stands
    /// after, whoever holds it. The token grows when the holder changes.
    async fn acquire_lease(&self, name: &str, holder: &str, ttl_ms: i64) -> Result<LeaseRow, StoreError>;
    /// Lets the lease go at once if `holder` has it; returns whether it had.
    async fn release_lease(&self, name: &str, holder: &str) -> Result<bool, StoreError>;
    /// The lease as it stands, if it was ever taken.
    async fn get_lease(&self, name: &str) -> Result<Option<LeaseRow>, StoreError>;
    /// Records that the server `name` is alive, with its document.
    async fn put_server(&self, name: &str, body: &str) -> Result<(), StoreError>;
    /// Every server, by name, with how long ago each was seen.
    async fn list_servers(&self) -> Result<Vec<ServerRow>, StoreError>;
    /// Forgets one server; returns whether it was known.
    async fn delete_server(&self, name: &str) -> Result<bool, StoreError>;

    /// From now on every write but the lease's and the server list's
    /// commits only while `fence.holder` still holds `fence.lease` with
    /// `fence.token`, checked in the write's own transaction with the lease
    /// row locked against a takeover; otherwise it fails with
    /// [`StoreError::Fenced`] and writes nothing. A leader sets it once it
    /// leads, so that however long it was paused, it never writes after
    /// another server took over.
    fn fence(&self, fence: Fence);
}

/// Who may write once a store is fenced: the `holder` of lease `lease`
/// while its token is still `token` (see [`Store::fence`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence {
    pub lease: String,
    pub holder: String,
    pub token: i64,
}

/// A lease as the store sees it, at the store's clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseRow {
    pub holder: String,
    /// Grows by one whenever the holder changes.
    pub token: i64,
    /// How long the current holder has held it.
    pub held_for_ms: i64,
    /// Until it expires; zero or less once it has.
    pub expires_in_ms: i64,
}

/// One server that shares the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerRow {
    pub name: String,
    pub body: String,
    /// How long ago it last said it was alive.
    pub seen_ms_ago: i64,
}

/// How many runs of one application are in one state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunCount {
    pub application_id: String,
    /// The stored state name (`SUCCESS`, `RUNNING`, ...).
    pub state: String,
    pub count: u64,
}

/// One stored host document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostRow {
    pub name: String,
    pub body: String,
}

/// One stored driver placement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacementRow {
    /// The driver's id: `<job run id>-<attempt>-driver`.
    pub id: String,
    pub body: String,
}

/// One stored identity document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IamEntity {
    pub kind: String,
    pub key: String,
    pub body: String,
}
