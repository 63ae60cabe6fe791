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

use crate::StoreError;

#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
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
        Ok(SqliteStore { pool })
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
