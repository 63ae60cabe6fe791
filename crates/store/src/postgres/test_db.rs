//! A fresh PostgreSQL database per test, created on the cluster that
//! `SPARKPLANE_TEST_POSTGRES_URL` names and dropped when the test ends
//! (passed or panicked), so tests run in parallel without seeing each other.
//!
//! Without the variable the tests skip with a notice, except under `CI=true`,
//! where a missing database is a failure: CI must prove both backends.

use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{Connection, Executor};

use super::{url, PgStore};
use crate::test_suite::AsStore;
use crate::Store;

pub(crate) const URL_ENV: &str = "SPARKPLANE_TEST_POSTGRES_URL";

/// The cluster's URL; `None` (after a notice) when tests should skip.
fn admin_url() -> Option<String> {
    match std::env::var(URL_ENV) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|ci| ci == "true") => panic!(
            "{URL_ENV} is not set but CI=true: the PostgreSQL store tests must run in CI \
             (scripts/test.sh starts a throwaway cluster and sets it)"
        ),
        _ => {
            eprintln!("notice: {URL_ENV} is not set; skipping a PostgreSQL store test");
            None
        }
    }
}

/// A database of its own for one test; dropped with the value.
pub(crate) struct TestDatabase {
    admin_url: String,
    name: String,
}

impl TestDatabase {
    pub(crate) async fn create() -> Option<TestDatabase> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let admin_url = admin_url()?;
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let name = format!(
            "sparkplane_test_{}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            nanos % 1_000_000_000
        );
        let mut admin = PgConnection::connect(&admin_url).await.expect("connect to the test cluster");
        admin.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("create a test database");
        admin.close().await.expect("close the admin connection");
        Some(TestDatabase { admin_url, name })
    }

    /// The URL's options, pointed at this test's database.
    pub(crate) fn options(&self) -> PgConnectOptions {
        url::parse(&self.admin_url).expect("a valid test URL").database(&self.name)
    }

    /// The URL to show in errors (the test database is in the options).
    pub(crate) fn url(&self) -> &str {
        &self.admin_url
    }

    pub(crate) async fn store(&self) -> PgStore {
        PgStore::connect_with(self.options(), &self.admin_url).await.expect("open the test store")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop runs outside any async context we could await in, so the
        // DROP DATABASE gets a thread and a small runtime of its own.
        let outcome = std::thread::spawn(move || -> Result<(), String> {
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
            runtime
                .block_on(async {
                    let mut admin = PgConnection::connect(&admin_url).await?;
                    admin.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await?;
                    admin.close().await
                })
                .map_err(|e| e.to_string())
        })
        .join();
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(err)) => eprintln!("could not drop test database {}: {err}", self.name),
            Err(_) => eprintln!("could not drop test database {}: the dropping thread panicked", self.name),
        }
    }
}

/// What `store_test_suite!` gets: the store, and its database to drop after.
pub(crate) struct SuiteStore {
    store: PgStore,
    _database: TestDatabase,
}

impl SuiteStore {
    pub(crate) async fn create() -> Option<SuiteStore> {
        let database = TestDatabase::create().await?;
        Some(SuiteStore { store: database.store().await, _database: database })
    }
}

impl AsStore for SuiteStore {
    fn as_store(&self) -> &dyn Store {
        &self.store
    }
}
