//! PostgreSQL-only tests: the shared suite on a fresh database per test,
//! then what only a server database has (concurrent servers, connect errors).

use super::test_db::{SuiteStore, TestDatabase};
use super::{migrate, PgStore};
use crate::test_suite::application;
use crate::{Created, Store, StoreError};

crate::store_test_suite!(match SuiteStore::create().await {
    Some(store) => store,
    None => return,
});

#[tokio::test]
async fn a_schema_newer_than_the_binary_is_refused() {
    let Some(database) = TestDatabase::create().await else { return };
    let store = database.store().await;
    sqlx::query("INSERT INTO schema_migrations (version, name) VALUES ($1, 'from the future')")
        .bind(migrate::LATEST + 1)
        .execute(&store.pool)
        .await
        .unwrap();
    drop(store);
    let err = PgStore::connect_with(database.options(), database.url()).await.err().expect("refused");
    assert!(
        matches!(err, StoreError::SchemaTooNew { found, known } if found == migrate::LATEST + 1 && known == migrate::LATEST),
        "{err}"
    );
    assert!(err.to_string().contains("newer than this sparkplane knows"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_starting_together_migrate_once() {
    let Some(database) = TestDatabase::create().await else { return };
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let (options, url) = (database.options(), database.url().to_string());
            tokio::spawn(async move { PgStore::connect_with(options, &url).await })
        })
        .collect();
    let mut stores = Vec::new();
    for start in starts {
        stores.push(start.await.unwrap().expect("every start succeeds"));
    }
    let store = &stores[0];
    let applied: i64 =
        sqlx::query_scalar("SELECT count(*) FROM schema_migrations").fetch_one(&store.pool).await.unwrap();
    assert_eq!(applied, migrate::LATEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_with_one_token_make_one_application() {
    let Some(database) = TestDatabase::create().await else { return };
    let store = database.store().await;
    let creates: Vec<_> = (0..8)
        .map(|i| {
            let (store, app) = (store.clone(), application(&format!("00race{i}"), 1_000 + i));
            tokio::spawn(async move { store.create_application(&app, "one-token").await })
        })
        .collect();
    let mut results = Vec::new();
    for create in creates {
        results.push(create.await.unwrap().unwrap());
    }
    let new: Vec<_> = results.iter().filter(|r| matches!(r, Created::New(_))).collect();
    assert_eq!(new.len(), 1, "exactly one create wins");
    let winner = new[0].clone().into_inner().application_id;
    assert!(results.iter().all(|r| r.clone().into_inner().application_id == winner));
}

#[tokio::test]
async fn a_duplicate_id_is_already_exists() {
    let Some(database) = TestDatabase::create().await else { return };
    let store = database.store().await;
    store.create_application(&application("00dup", 1), "first").await.unwrap();
    let err = store.create_application(&application("00dup", 2), "second").await.unwrap_err();
    assert!(matches!(err, StoreError::AlreadyExists { entity: "application", .. }), "{err}");
}

#[tokio::test]
async fn a_missing_database_is_a_clear_error() {
    let Some(database) = TestDatabase::create().await else { return };
    let options = database.options().database("sparkplane_no_such_database");
    let err = PgStore::connect_with(options, database.url()).await.err().expect("refused");
    assert!(matches!(err, StoreError::Connect { .. }), "{err}");
    assert!(err.to_string().contains("sparkplane_no_such_database"), "{err}");
}

#[tokio::test]
async fn an_unreachable_server_is_a_clear_error_without_the_password() {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    let err = PgStore::connect("postgres://sparkplane:s3cret-pw@127.0.0.1:1/state").await.err().expect("refused");
    let text = err.to_string();
    assert!(matches!(err, StoreError::Connect { .. }), "{text}");
    assert!(text.contains("postgres://sparkplane:***@127.0.0.1:1/state"), "{text}");
    assert!(!text.contains("s3cret"), "{text}");
}

/// A server stopped inside a fenced write must not hold the lease row (and
/// so a takeover) for long: PostgreSQL ends its idle transaction.
#[tokio::test]
async fn a_session_idle_inside_a_transaction_is_ended_before_a_lease_expires() {
    let Some(database) = TestDatabase::create().await else { return };
    let store = database.store().await;
    let lease = store.acquire_lease("leader", "a", 60_000).await.unwrap();
    store.fence(crate::Fence { lease: "leader".into(), holder: "a".into(), token: lease.token });
    let mut tx = store.write_tx().await.unwrap();
    let setting: String =
        sqlx::query_scalar("SHOW idle_in_transaction_session_timeout").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(setting, super::IDLE_IN_TRANSACTION);
    tx.rollback().await.unwrap();
    // Only the fenced transaction: the session keeps the server's default.
    let outside: String =
        sqlx::query_scalar("SHOW idle_in_transaction_session_timeout").fetch_one(&store.pool).await.unwrap();
    assert_ne!(outside, super::IDLE_IN_TRANSACTION);
}
