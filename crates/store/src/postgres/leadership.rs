//! The leader lease and the server list in PostgreSQL: each statement is
//! atomic, and every server reads the one database clock.

use sqlx::Row;

use super::PgStore;
use crate::{LeaseRow, ServerRow, StoreError};

/// The store's clock in epoch milliseconds.
const NOW_MS: &str = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";

impl PgStore {
    pub(crate) async fn lease_acquire(&self, name: &str, holder: &str, ttl_ms: i64) -> Result<LeaseRow, StoreError> {
        // SET expressions read the row as it was, so the token grows only
        // when the holder changes; WHERE keeps a live lease with its holder.
        let sql = format!(
            "INSERT INTO leases (name, holder, token, acquired_at_ms, expires_at_ms) \
             VALUES ($1, $2, 1, {NOW_MS}, {NOW_MS} + $3) \
             ON CONFLICT (name) DO UPDATE SET \
               token = CASE WHEN leases.holder = excluded.holder THEN leases.token ELSE leases.token + 1 END, \
               acquired_at_ms = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at_ms \
                 ELSE excluded.acquired_at_ms END, \
               holder = excluded.holder, \
               expires_at_ms = excluded.expires_at_ms \
             WHERE leases.holder = excluded.holder OR leases.expires_at_ms <= excluded.acquired_at_ms"
        );
        sqlx::query(&sql).bind(name).bind(holder).bind(ttl_ms).execute(&self.pool).await?;
        self.lease_get(name).await?.ok_or_else(|| StoreError::Missing { entity: "lease", id: name.to_string() })
    }

    pub(crate) async fn lease_release(&self, name: &str, holder: &str) -> Result<bool, StoreError> {
        let result = sqlx::query("UPDATE leases SET expires_at_ms = 0 WHERE name = $1 AND holder = $2")
            .bind(name)
            .bind(holder)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected() == 1)
    }

    pub(crate) async fn lease_get(&self, name: &str) -> Result<Option<LeaseRow>, StoreError> {
        let sql = format!(
            "SELECT holder, token, {NOW_MS} - acquired_at_ms AS held_for_ms, expires_at_ms - {NOW_MS} AS expires_in_ms \
             FROM leases WHERE name = $1"
        );
        let row = sqlx::query(&sql).bind(name).fetch_optional(&self.pool).await?;
        row.map(|row| {
            Ok(LeaseRow {
                holder: row.try_get("holder")?,
                token: row.try_get("token")?,
                held_for_ms: row.try_get("held_for_ms")?,
                expires_in_ms: row.try_get("expires_in_ms")?,
            })
        })
        .transpose()
    }

    pub(crate) async fn servers_put(&self, name: &str, body: &str) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO servers (name, body, seen_at_ms) VALUES ($1, $2::jsonb, {NOW_MS}) \
             ON CONFLICT (name) DO UPDATE SET body = excluded.body, seen_at_ms = excluded.seen_at_ms"
        );
        sqlx::query(&sql).bind(name).bind(body).execute(&self.pool).await?;
        Ok(())
    }

    pub(crate) async fn servers_list(&self) -> Result<Vec<ServerRow>, StoreError> {
        let sql =
            format!("SELECT name, body::text AS body, {NOW_MS} - seen_at_ms AS seen_ms_ago FROM servers ORDER BY name");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(ServerRow {
                    name: row.try_get("name")?,
                    body: row.try_get("body")?,
                    seen_ms_ago: row.try_get("seen_ms_ago")?,
                })
            })
            .collect()
    }

    pub(crate) async fn servers_delete(&self, name: &str) -> Result<bool, StoreError> {
        let result = sqlx::query("DELETE FROM servers WHERE name = $1").bind(name).execute(&self.pool).await?;
        Ok(result.rows_affected() == 1)
    }
}
