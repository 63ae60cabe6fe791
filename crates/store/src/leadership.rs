//! The leader lease and the server list, in SQL both backends run: they
//! differ only in placeholders, the clock expression and JSON casts, which
//! each backend names in a [`Dialect`]. Times are the database's clock, so
//! servers whose clocks disagree still agree on when a lease expires.

use sqlx::{ColumnIndex, Decode, Row, Type};

use std::sync::{Arc, RwLock};

use crate::{Fence, LeaseRow, ServerRow, StoreError};

/// The fence a backend checks its writes against, once set.
#[derive(Clone, Default)]
pub(crate) struct FenceCell(Arc<RwLock<Option<Fence>>>);

impl FenceCell {
    pub(crate) fn set(&self, fence: Fence) {
        *self.0.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(fence);
    }

    pub(crate) fn get(&self) -> Option<Fence> {
        self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }
}

/// What a write that found the fence broken fails with.
pub(crate) fn fenced(fence: Fence) -> StoreError {
    StoreError::Fenced { lease: fence.lease, token: fence.token }
}

/// What differs between the backends' SQL.
pub(crate) struct Dialect {
    /// Placeholders for the first, second and third bound value.
    pub params: [&'static str; 3],
    /// The database's clock in epoch milliseconds.
    pub now_ms: &'static str,
    /// A bound JSON text as the `body` column's type.
    pub json_param: &'static str,
    /// The `body` column as text.
    pub body_text: &'static str,
}

impl Dialect {
    /// Takes or renews the lease (`name`, `holder`, `ttl_ms`). SET reads the
    /// row as it was, so the token grows only when the holder changes;
    /// WHERE keeps a live lease with its holder.
    pub fn acquire(&self) -> String {
        let ([name, holder, ttl], now) = (self.params, self.now_ms);
        format!(
            "INSERT INTO leases (name, holder, token, acquired_at_ms, expires_at_ms) \
             VALUES ({name}, {holder}, 1, {now}, {now} + {ttl}) \
             ON CONFLICT (name) DO UPDATE SET \
               token = CASE WHEN leases.holder = excluded.holder THEN leases.token ELSE leases.token + 1 END, \
               acquired_at_ms = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at_ms \
                 ELSE excluded.acquired_at_ms END, \
               holder = excluded.holder, \
               expires_at_ms = excluded.expires_at_ms \
             WHERE leases.holder = excluded.holder OR leases.expires_at_ms <= excluded.acquired_at_ms"
        )
    }

    /// Lets the lease (`name`, `holder`) expire now; the token stays, so
    /// the next holder's is greater.
    pub fn release(&self) -> String {
        let [name, holder, _] = self.params;
        format!("UPDATE leases SET expires_at_ms = 0 WHERE name = {name} AND holder = {holder}")
    }

    pub fn get(&self) -> String {
        let ([name, _, _], now) = (self.params, self.now_ms);
        format!(
            "SELECT holder, token, {now} - acquired_at_ms AS held_for_ms, expires_at_ms - {now} AS expires_in_ms \
             FROM leases WHERE name = {name}"
        )
    }

    /// Records a server (`name`, `body`) as seen now.
    pub fn put_server(&self) -> String {
        let ([name, body, _], now, json) = (self.params, self.now_ms, self.json_param);
        format!(
            "INSERT INTO servers (name, body, seen_at_ms) VALUES ({name}, {body}{json}, {now}) \
             ON CONFLICT (name) DO UPDATE SET body = excluded.body, seen_at_ms = excluded.seen_at_ms"
        )
    }

    pub fn list_servers(&self) -> String {
        let (now, body) = (self.now_ms, self.body_text);
        format!("SELECT name, {body} AS body, {now} - seen_at_ms AS seen_ms_ago FROM servers ORDER BY name")
    }

    /// Whether (`name`, `holder`, `token`) still holds the lease, with
    /// `lock` appended (PostgreSQL's `FOR SHARE`, so that a takeover waits
    /// for the write that checked it).
    pub fn fence_check(&self, lock: &str) -> String {
        let [name, holder, token] = self.params;
        format!("SELECT 1 FROM leases WHERE name = {name} AND holder = {holder} AND token = {token}{lock}")
    }

    pub fn delete_server(&self) -> String {
        format!("DELETE FROM servers WHERE name = {}", self.params[0])
    }
}

pub(crate) fn lease_row<R>(row: &R) -> Result<LeaseRow, sqlx::Error>
where
    R: Row,
    for<'a> &'a str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(LeaseRow {
        holder: row.try_get("holder")?,
        token: row.try_get("token")?,
        held_for_ms: row.try_get("held_for_ms")?,
        expires_in_ms: row.try_get("expires_in_ms")?,
    })
}

pub(crate) fn server_row<R>(row: &R) -> Result<ServerRow, sqlx::Error>
where
    R: Row,
    for<'a> &'a str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(ServerRow { name: row.try_get("name")?, body: row.try_get("body")?, seen_ms_ago: row.try_get("seen_ms_ago")? })
}
