//! The HIVE catalog's tables in SQLite.

use sqlx::Row;

use super::SqliteStore;
use crate::StoreError;

impl SqliteStore {
    pub(crate) async fn catalog_create_database(&self, name: &str, body: &str) -> Result<bool, StoreError> {
        let result = self
            .write(
                sqlx::query("INSERT INTO catalog_databases (name, body) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")
                    .bind(name)
                    .bind(body),
            )
            .await?;
        Ok(result.rows_affected() == 1)
    }

    pub(crate) async fn catalog_get_database(&self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT body FROM catalog_databases WHERE name = ?")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub(crate) async fn catalog_list_databases(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT name FROM catalog_databases ORDER BY name").fetch_all(&self.pool).await?)
    }

    pub(crate) async fn catalog_put_table(&self, database: &str, name: &str, body: &str) -> Result<(), StoreError> {
        let exists = self.catalog_get_database(database).await?.is_some();
        if !exists {
            return Err(StoreError::Missing { entity: "catalog database", id: database.to_string() });
        }
        self.write(
            sqlx::query(
                "INSERT INTO catalog_tables (database, name, body) VALUES (?, ?, ?) \
             ON CONFLICT (database, name) DO UPDATE SET body = excluded.body",
            )
            .bind(database)
            .bind(name)
            .bind(body),
        )
        .await?;
        Ok(())
    }

    pub(crate) async fn catalog_get_table(&self, database: &str, name: &str) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT body FROM catalog_tables WHERE database = ? AND name = ?")
            .bind(database)
            .bind(name)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub(crate) async fn catalog_drop_table(&self, database: &str, name: &str) -> Result<bool, StoreError> {
        let result = self
            .write(sqlx::query("DELETE FROM catalog_tables WHERE database = ? AND name = ?").bind(database).bind(name))
            .await?;
        Ok(result.rows_affected() == 1)
    }

    pub(crate) async fn catalog_list_tables(&self, database: &str) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query("SELECT name, body FROM catalog_tables WHERE database = ? ORDER BY name")
            .bind(database)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|row| Ok((row.try_get("name")?, row.try_get("body")?))).collect()
    }
}
