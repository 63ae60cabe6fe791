//! The leader lease and the server list in SQLite (the SQL is shared, see
//! `crate::leadership`): several servers on one host may share one
//! database file, and SQLite's locking makes each statement atomic.

use super::SqliteStore;
use crate::leadership::{lease_row, server_row, Dialect};
use crate::{LeaseRow, ServerRow, StoreError};

pub(super) const SQL: Dialect = Dialect {
    params: ["?1", "?2", "?3"],
    now_ms: "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)",
    json_param: "",
    body_text: "body",
};

impl SqliteStore {
    pub(crate) async fn lease_acquire(&self, name: &str, holder: &str, ttl_ms: i64) -> Result<LeaseRow, StoreError> {
        sqlx::query(&SQL.acquire()).bind(name).bind(holder).bind(ttl_ms).execute(&self.pool).await?;
        self.lease_get(name).await?.ok_or_else(|| StoreError::Missing { entity: "lease", id: name.to_string() })
    }

    pub(crate) async fn lease_release(&self, name: &str, holder: &str) -> Result<bool, StoreError> {
        let result = sqlx::query(&SQL.release()).bind(name).bind(holder).execute(&self.pool).await?;
        Ok(result.rows_affected() == 1)
    }

    pub(crate) async fn lease_get(&self, name: &str) -> Result<Option<LeaseRow>, StoreError> {
        let row = sqlx::query(&SQL.get()).bind(name).fetch_optional(&self.pool).await?;
        Ok(row.as_ref().map(lease_row).transpose()?)
    }

    pub(crate) async fn servers_put(&self, name: &str, body: &str) -> Result<(), StoreError> {
        sqlx::query(&SQL.put_server()).bind(name).bind(body).execute(&self.pool).await?;
        Ok(())
    }

    pub(crate) async fn servers_list(&self) -> Result<Vec<ServerRow>, StoreError> {
        let rows = sqlx::query(&SQL.list_servers()).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(server_row).collect::<Result<_, _>>()?)
    }

    pub(crate) async fn servers_delete(&self, name: &str) -> Result<bool, StoreError> {
        let result = sqlx::query(&SQL.delete_server()).bind(name).execute(&self.pool).await?;
        Ok(result.rows_affected() == 1)
    }
}
