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

use crate::StoreError;

/// How long connecting (and taking a pooled connection) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections the server keeps at most.
const MAX_CONNECTIONS: u32 = 16;

#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
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
        Ok(PgStore { pool })
    }
}
