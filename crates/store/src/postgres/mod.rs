//! The PostgreSQL backend, for teams that outgrow one SQLite file: the same
//! [`Store`](crate::Store) over sqlx's postgres driver, with the documents in
//! JSONB, the same keyset pages, and the same behavioural suite.
//!
//! Connecting tries one plain connection first: a pool would retry a
//! refused connection until its timeout and then report only that it timed
//! out, whereas the operator needs the reason (refused, wrong password, no
//! such database) at once, with the URL but never its password.

mod catalog;
mod hosts;
mod iam;
mod leadership;
mod migrate;
mod queries;
mod sessions;
pub mod url;

#[cfg(test)]
mod test_db;
#[cfg(test)]
mod tests;

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{ConnectOptions, Connection};

use crate::leadership::{fenced, FenceCell};
use crate::StoreError;
use leadership::SQL;

/// How long connecting (and taking a pooled connection) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a session may sit idle inside a transaction: well under the
/// leader lease (6 s), since an idle one may hold the lease row locked.
const IDLE_IN_TRANSACTION: &str = "3s";
/// Connections the server keeps at most.
const MAX_CONNECTIONS: u32 = 16;

#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    fence: FenceCell,
}

impl PgStore {
    /// A write transaction. Once fenced, it first checks the lease with its
    /// row share-locked (`FOR SHARE`), so a takeover (which updates that
    /// row) waits until this transaction ends, and this one commits only
    /// while the lease is still this server's.
    pub(crate) async fn write_tx(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, StoreError> {
        let mut tx = self.pool.begin().await?;
        if let Some(fence) = self.fence.get() {
            // The lease row stays share-locked until this commits: a server
            // stopped or cut off in the middle must not hold a takeover for
            // longer than its lease would have, so PostgreSQL ends the
            // transaction once it idles. Per transaction (SET LOCAL), so
            // that connection poolers need no startup option.
            sqlx::query(&format!("SET LOCAL idle_in_transaction_session_timeout = '{IDLE_IN_TRANSACTION}'"))
                .execute(&mut *tx)
                .await?;
            let held = sqlx::query(&SQL.fence_check(" FOR SHARE"))
                .bind(&fence.lease)
                .bind(&fence.holder)
                .bind(fence.token)
                .fetch_optional(&mut *tx)
                .await?;
            if held.is_none() {
                return Err(fenced(fence));
            }
        }
        Ok(tx)
    }

    /// One statement in its own [`PgStore::write_tx`].
    pub(crate) async fn write<'q>(
        &self,
        query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    ) -> Result<sqlx::postgres::PgQueryResult, StoreError> {
        let mut tx = self.write_tx().await?;
        let result = query.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(result)
    }

    pub(crate) fn set_fence(&self, fence: crate::Fence) {
        self.fence.set(fence);
    }

    /// Connects to the database of a `postgres://` URL and applies the
    /// embedded migrations. Errors name the URL without its password.
    pub async fn connect(url: &str) -> Result<PgStore, StoreError> {
        let options = url::parse(url)?;
        Self::connect_with(options, url).await
    }

    /// Connects with parsed options; `url` is only used in error messages
    /// (redacted) and to scrub the password out of the driver's text.
    pub(crate) async fn connect_with(options: PgConnectOptions, url: &str) -> Result<PgStore, StoreError> {
        let connect_error =
            |reason: String| StoreError::Connect { url: url::redact(url), reason: url::scrub(&reason, url) };
        let first = match tokio::time::timeout(CONNECT_TIMEOUT, options.connect()).await {
            Ok(Ok(connection)) => connection,
            Ok(Err(err)) => return Err(connect_error(err.to_string())),
            Err(_) => return Err(connect_error(format!("no answer within {}s", CONNECT_TIMEOUT.as_secs()))),
        };
        // Closing is a courtesy to the server; the pool connects on its own.
        if let Err(err) = first.close().await {
            tracing::debug!(error = %err, "close the first connection");
        }
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(CONNECT_TIMEOUT)
            .connect_lazy_with(options);
        migrate::apply(&pool).await?;
        Ok(PgStore { pool, fence: FenceCell::default() })
    }
}
