//! Embedded migrations, applied at startup in order, each in a transaction.
//!
//! Several servers may start at once against one database, so every
//! migration transaction first takes a transaction-scoped advisory lock:
//! the second server waits, then finds the migration applied. A schema
//! newer than this binary's is refused, never migrated down.

use sqlx::PgPool;

use crate::StoreError;

/// The versions match SQLite's: version N is the same logical schema in
/// both backends.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../../migrations/postgres/0001_init.sql")),
    (2, "catalog", include_str!("../../migrations/postgres/0002_catalog.sql")),
    (3, "iam", include_str!("../../migrations/postgres/0003_iam.sql")),
    (4, "run_counts", include_str!("../../migrations/postgres/0004_run_counts.sql")),
    (5, "hosts", include_str!("../../migrations/postgres/0005_hosts.sql")),
    (6, "leadership", include_str!("../../migrations/postgres/0006_leadership.sql")),
    (7, "sessions", include_str!("../../migrations/postgres/0007_sessions.sql")),
    (8, "driver_placements", include_str!("../../migrations/postgres/0008_driver_placements.sql")),
];

/// The newest schema this binary knows.
pub(crate) const LATEST: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// Key of the advisory lock that serializes migrations ("spkmigr" in ASCII);
/// any fixed number no other application of the database uses.
const LOCK_KEY: i64 = 0x0073_706b_6d69_6772;

pub(super) async fn apply(pool: &PgPool) -> Result<(), StoreError> {
    for &(version, name, sql) in MIGRATIONS {
        let mut tx = pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(LOCK_KEY).execute(&mut *tx).await?;
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, \
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        )
        .execute(&mut *tx)
        .await?;
        let newest: Option<i64> =
            sqlx::query_scalar("SELECT max(version) FROM schema_migrations").fetch_one(&mut *tx).await?;
        if let Some(found) = newest.filter(|found| *found > LATEST) {
            return Err(StoreError::SchemaTooNew { found, known: LATEST });
        }
        let applied: Option<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
            .bind(version)
            .fetch_optional(&mut *tx)
            .await?;
        if applied.is_some() {
            // Applied earlier; the transaction rolls back and frees the lock.
            continue;
        }
        // A query without arguments goes out as a simple query, so a file
        // of several statements runs as one (`raw_sql` would too, but its
        // future is not provably `Send`).
        sqlx::Executor::execute(&mut *tx, sql).await.map_err(|source| StoreError::Migration { version, source })?;
        sqlx::query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)")
            .bind(version)
            .bind(name)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(version, name, "applied store migration");
    }
    Ok(())
}
