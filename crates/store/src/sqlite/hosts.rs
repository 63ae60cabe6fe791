//! The host documents, and the drivers placed on agents' hosts, in SQLite.

use sqlx::Row;

use super::SqliteStore;
use crate::{HostRow, PlacementRow, StoreError};

impl SqliteStore {
    pub(crate) async fn hosts_insert(&self, name: &str, body: &str) -> Result<bool, StoreError> {
        let result = self
            .write(
                sqlx::query("INSERT INTO hosts (name, body) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")
                    .bind(name)
                    .bind(body),
            )
            .await?;
        Ok(result.rows_affected() == 1)
    }

    pub(crate) async fn hosts_replace(&self, name: &str, body: &str) -> Result<bool, StoreError> {
        let result = self.write(sqlx::query("UPDATE hosts SET body = ? WHERE name = ?").bind(body).bind(name)).await?;
        Ok(result.rows_affected() == 1)
    }

    pub(crate) async fn hosts_delete(&self, name: &str) -> Result<bool, StoreError> {
        let result = self.write(sqlx::query("DELETE FROM hosts WHERE name = ?").bind(name)).await?;
        Ok(result.rows_affected() == 1)
    }

    pub(crate) async fn hosts_list(&self) -> Result<Vec<HostRow>, StoreError> {
        let rows = sqlx::query("SELECT name, body FROM hosts ORDER BY name").fetch_all(&self.pool).await?;
        rows.iter().map(|row| Ok(HostRow { name: row.try_get("name")?, body: row.try_get("body")? })).collect()
    }

    pub(crate) async fn placements_put(&self, id: &str, body: &str) -> Result<(), StoreError> {
        self.write(sqlx::query(
            "INSERT INTO driver_placements (id, body) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body",
        )
        .bind(id)
        .bind(body)
        )
        .await?;
        Ok(())
    }

    pub(crate) async fn placements_delete(&self, id: &str) -> Result<bool, StoreError> {
        let result = self.write(sqlx::query("DELETE FROM driver_placements WHERE id = ?").bind(id)).await?;
        Ok(result.rows_affected() == 1)
    }

    pub(crate) async fn placements_list(&self) -> Result<Vec<PlacementRow>, StoreError> {
        let rows = sqlx::query("SELECT id, body FROM driver_placements ORDER BY id").fetch_all(&self.pool).await?;
        rows.iter().map(|row| Ok(PlacementRow { id: row.try_get("id")?, body: row.try_get("body")? })).collect()
    }
}
