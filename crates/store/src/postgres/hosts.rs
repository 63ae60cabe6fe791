//! The host documents in PostgreSQL.

use sqlx::Row;

use super::PgStore;
use crate::{HostRow, StoreError};

impl PgStore {
    pub(crate) async fn hosts_insert(&self, name: &str, body: &str) -> Result<bool, StoreError> {
        let result = sqlx::query("INSERT INTO hosts (name, body) VALUES ($1, $2::jsonb) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(body)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected() == 1)
    }

    pub(crate) async fn hosts_replace(&self, name: &str, body: &str) -> Result<bool, StoreError> {
        let result = sqlx::query("UPDATE hosts SET body = $1::jsonb WHERE name = $2")
            .bind(body)
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected() == 1)
    }

    pub(crate) async fn hosts_delete(&self, name: &str) -> Result<bool, StoreError> {
        let result = sqlx::query("DELETE FROM hosts WHERE name = $1").bind(name).execute(&self.pool).await?;
        Ok(result.rows_affected() == 1)
    }

    pub(crate) async fn hosts_list(&self) -> Result<Vec<HostRow>, StoreError> {
        let rows =
            sqlx::query("SELECT name, body::text AS body FROM hosts ORDER BY name").fetch_all(&self.pool).await?;
        rows.iter().map(|row| Ok(HostRow { name: row.try_get("name")?, body: row.try_get("body")? })).collect()
    }
}
