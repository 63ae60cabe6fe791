//! The embedded SQLite backend: one file in the data dir, WAL mode, FULL
//! synchronous so that an acknowledged write survives a crash or power loss.

mod catalog;
mod hosts;
mod iam;
mod leadership;
mod migrate;
mod queries;
mod sessions;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

use crate::leadership::{fenced, FenceCell};
use crate::StoreError;
use leadership::SQL;

#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    fence: FenceCell,
}

impl SqliteStore {
    /// A transaction that takes SQLite's write lock at its start
    /// (`BEGIN IMMEDIATE`), waiting for it under the busy timeout. A plain
    /// (deferred) transaction that reads, then writes, fails at once with
    /// "database is locked" when another connection wrote after its read:
    /// SQLite cannot upgrade its stale snapshot, and does not wait. Once
    /// fenced, it checks the lease under that lock, which no takeover can
    /// pass until the transaction ends.
    pub(crate) async fn write_tx(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, StoreError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        if let Some(fence) = self.fence.get() {
            let held = sqlx::query(&SQL.fence_check(""))
                .bind(&fence.lease)
                .bind(&fence.holder)
                .bind(fence.token)
                .fetch_optional(&mut *tx)
                .await?;
            if held.is_none() {
                return Err(fenced(fence));
            }
        }
        Ok(tx)
    }

    /// One statement in its own [`SqliteStore::write_tx`].
    pub(crate) async fn write<'q>(
        &self,
        query: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    ) -> Result<sqlx::sqlite::SqliteQueryResult, StoreError> {
        let mut tx = self.write_tx().await?;
        let result = query.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(result)
    }

    pub(crate) fn set_fence(&self, fence: crate::Fence) {
        self.fence.set(fence);
    }

    /// Opens (creating if needed) the database at `path` and applies the
    /// embedded migrations.
    pub async fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        Self::connect(options, 8).await
    }

    /// A private in-memory database, for tests.
    pub async fn in_memory() -> Result<SqliteStore, StoreError> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")?.foreign_keys(true);
        // One connection: every in-memory connection would be its own database.
        Self::connect(options, 1).await
    }

    async fn connect(options: SqliteConnectOptions, max_connections: u32) -> Result<SqliteStore, StoreError> {
        let pool = SqlitePoolOptions::new().max_connections(max_connections).connect_with(options).await?;
        migrate::apply(&pool).await?;
        Ok(SqliteStore { pool, fence: FenceCell::default() })
    }
}

#[cfg(test)]
mod tests {
    crate::store_test_suite!(crate::SqliteStore::in_memory().await.unwrap());

    mod on_disk {
        crate::store_test_suite!({
            let dir = tempfile::tempdir().unwrap();
            let store = crate::SqliteStore::open(&dir.path().join("state.db")).await.unwrap();
            // Keep the directory alive for the duration of the test.
            std::mem::forget(dir);
            store
        });

        /// Creations (read, then write) racing other writers on the file
        /// wait for the write lock rather than fail with "database is locked".
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn creations_racing_writers_never_find_the_database_locked() {
            use crate::test_suite::{application, job_run};
            use crate::Store;
            let dir = tempfile::tempdir().unwrap();
            let store = std::sync::Arc::new(crate::SqliteStore::open(&dir.path().join("state.db")).await.unwrap());
            store.create_application(&application("00a", 1), "ta").await.unwrap();
            let mut tasks = Vec::new();
            for t in 0..4 {
                let store = store.clone();
                tasks.push(tokio::spawn(async move {
                    for i in 0..40 {
                        let run = job_run("00a", &format!("00r{t}x{i}"), 10 + i);
                        store.create_job_run(&run, &format!("t{t}-{i}")).await?;
                        store.put_application(&application("00a", 1)).await?;
                    }
                    Ok::<_, crate::StoreError>(())
                }));
            }
            for task in tasks {
                task.await.unwrap().unwrap();
            }
        }
    }

    #[tokio::test]
    async fn reopening_keeps_data_and_does_not_reapply_migrations() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let store = crate::SqliteStore::open(&path).await.unwrap();
        let app = crate::test_suite::application("00reopen1", 1_000);
        crate::Store::create_application(&store, &app, "tok").await.unwrap();
        drop(store);
        let store = crate::SqliteStore::open(&path).await.unwrap();
        let loaded = crate::Store::get_application(&store, "00reopen1").await.unwrap();
        assert_eq!(loaded, Some(app));
    }

    #[tokio::test]
    async fn a_schema_newer_than_the_binary_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let store = crate::SqliteStore::open(&path).await.unwrap();
        sqlx::query("INSERT INTO schema_migrations (version, name) VALUES (?, 'from the future')")
            .bind(super::migrate::LATEST + 1)
            .execute(&store.pool)
            .await
            .unwrap();
        drop(store);
        let err = crate::SqliteStore::open(&path).await.err().expect("refused");
        let expected = (super::migrate::LATEST + 1, super::migrate::LATEST);
        assert!(matches!(err, crate::StoreError::SchemaTooNew { found, known } if (found, known) == expected), "{err}");
        assert!(err.to_string().contains("newer than this sparkplane knows"), "{err}");
    }
}
