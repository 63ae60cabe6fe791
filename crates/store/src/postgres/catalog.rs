//! The HIVE catalog's tables in PostgreSQL.

use sqlx::Row;

use super::PgStore;
use crate::StoreError;

fn missing_database(database: &str) -> StoreError {
    StoreError::Missing { entity: "catalog database", id: database.to_string() }
}

impl PgStore {
    pub(crate) async fn catalog_create_database(&self, name: &str, body: &str) -> Result<bool, StoreError> {
        let result = self
            .write(
                sqlx::query(
                    "INSERT INTO catalog_databases (name, body) VALUES ($1, $2::jsonb) ON CONFLICT (name) DO NOTHING",
                )
                .bind(name)
                .bind(body),
            )
            .await?;
        Ok(result.rows_affected() == 1)
    }

    pub(crate) async fn catalog_get_database(&self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT body::text FROM catalog_databases WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub(crate) async fn catalog_list_databases(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT name FROM catalog_databases ORDER BY name").fetch_all(&self.pool).await?)
    }

    pub(crate) async fn catalog_put_table(&self, database: &str, name: &str, body: &str) -> Result<(), StoreError> {
        // The foreign key decides whether the database exists, in the same
        // statement, so a concurrent drop cannot slip in between.
        self.write(
            sqlx::query(
                "INSERT INTO catalog_tables (database, name, body) VALUES ($1, $2, $3::jsonb) \
             ON CONFLICT (database, name) DO UPDATE SET body = excluded.body",
            )
            .bind(database)
            .bind(name)
            .bind(body),
        )
        .await
        .map_err(|err| match err {
            StoreError::Database(err) if StoreError::foreign_key_violation(&err) => missing_database(database),
            other => other,
        })?;
        Ok(())
    }

    pub(crate) async fn catalog_get_table(&self, database: &str, name: &str) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT body::text FROM catalog_tables WHERE database = $1 AND name = $2")
            .bind(database)
            .bind(name)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub(crate) async fn catalog_drop_table(&self, database: &str, name: &str) -> Result<bool, StoreError> {
        let result = self
            .write(
                sqlx::query("DELETE FROM catalog_tables WHERE database = $1 AND name = $2").bind(database).bind(name),
            )
            .await?;
        Ok(result.rows_affected() == 1)
    }

    pub(crate) async fn catalog_list_tables(&self, database: &str) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query("SELECT name, body::text AS body FROM catalog_tables WHERE database = $1 ORDER BY name")
            .bind(database)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|row| Ok((row.try_get("name")?, row.try_get("body")?))).collect()
    }
}
