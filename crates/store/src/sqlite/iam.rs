//! The identity documents in SQLite.

use sqlx::Row;

use super::SqliteStore;
use crate::{IamEntity, StoreError};

impl SqliteStore {
    pub(crate) async fn iam_insert(&self, kind: &str, key: &str, body: &str) -> Result<bool, StoreError> {
        let result = self
            .write(
                sqlx::query(
                    "INSERT INTO iam_entities (kind, key, body) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO NOTHING",
                )
                .bind(kind)
                .bind(key)
                .bind(body),
            )
            .await?;
        Ok(result.rows_affected() == 1)
    }

    pub(crate) async fn iam_replace(&self, kind: &str, key: &str, body: &str) -> Result<bool, StoreError> {
        let result = self
            .write(
                sqlx::query("UPDATE iam_entities SET body = ? WHERE kind = ? AND key = ?")
                    .bind(body)
                    .bind(kind)
                    .bind(key),
            )
            .await?;
        Ok(result.rows_affected() == 1)
    }

    pub(crate) async fn iam_delete(&self, kind: &str, key: &str) -> Result<bool, StoreError> {
        let result =
            self.write(sqlx::query("DELETE FROM iam_entities WHERE kind = ? AND key = ?").bind(kind).bind(key)).await?;
        Ok(result.rows_affected() == 1)
    }

    pub(crate) async fn iam_list(&self) -> Result<Vec<IamEntity>, StoreError> {
        let rows =
            sqlx::query("SELECT kind, key, body FROM iam_entities ORDER BY kind, key").fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(IamEntity { kind: row.try_get("kind")?, key: row.try_get("key")?, body: row.try_get("body")? })
            })
            .collect()
    }
}
