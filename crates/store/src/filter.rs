//! The filters that job-run and session lists share (a set of states and a
//! creation window), written once for both backends: only the placeholders
//! differ, and `QueryBuilder` writes those.

use sqlx::{Database, Encode, QueryBuilder, Type};

/// Appends ` AND state IN (...)` (unless `states` is empty) and the
/// inclusive `created_at` bounds (epoch ms).
pub(crate) fn push_states_and_window<'args, DB: Database>(
    builder: &mut QueryBuilder<'args, DB>,
    states: &[&'static str],
    after: Option<i64>,
    before: Option<i64>,
) where
    &'static str: Encode<'args, DB> + Type<DB>,
    i64: Encode<'args, DB> + Type<DB>,
{
    if !states.is_empty() {
        builder.push(" AND state IN (");
        let mut separated = builder.separated(", ");
        for state in states {
            separated.push_bind(*state);
        }
        builder.push(")");
    }
    if let Some(after) = after {
        builder.push(" AND created_at >= ").push_bind(after);
    }
    if let Some(before) = before {
        builder.push(" AND created_at <= ").push_bind(before);
    }
}
