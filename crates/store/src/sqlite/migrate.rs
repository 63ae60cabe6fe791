//! Embedded migrations, applied at startup in order, each in a transaction.
//! A schema newer than this binary's is refused, never migrated down.

use sqlx::SqlitePool;

use crate::StoreError;

const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../../migrations/sqlite/0001_init.sql")),
    (2, "catalog", include_str!("../../migrations/sqlite/0002_catalog.sql")),
    (3, "iam", include_str!("../../migrations/sqlite/0003_iam.sql")),
    (4, "run_counts", include_str!("../../migrations/sqlite/0004_run_counts.sql")),
    (5, "hosts", include_str!("../../migrations/sqlite/0005_hosts.sql")),
    (6, "leadership", include_str!("../../migrations/sqlite/0006_leadership.sql")),
    (7, "sessions", include_str!("../../migrations/sqlite/0007_sessions.sql")),
    (8, "driver_placements", include_str!("../../migrations/sqlite/0008_driver_placements.sql")),
];

/// The newest schema this binary knows.
pub(crate) const LATEST: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

pub(super) async fn apply(pool: &SqlitePool) -> Result<(), StoreError> {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL)",
    )
    .execute(pool)
    .await?;
    let newest: Option<i64> = sqlx::query_scalar("SELECT max(version) FROM schema_migrations").fetch_one(pool).await?;
    if let Some(found) = newest.filter(|found| *found > LATEST) {
        return Err(StoreError::SchemaTooNew { found, known: LATEST });
    }
    for (version, name, sql) in MIGRATIONS {
        let mut tx = pool.begin().await?;
        let applied: Option<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = ?")
            .bind(version)
            .fetch_optional(&mut *tx)
            .await?;
        if applied.is_some() {
            continue;
        }
        sqlx::raw_sql(sql)
            .execute(&mut *tx)
            .await
            .map_err(|source| StoreError::Migration { version: *version, source })?;
        sqlx::query("INSERT INTO schema_migrations (version, name) VALUES (?, ?)")
            .bind(version)
            .bind(name)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(version, name, "applied store migration");
    }
    Ok(())
}
