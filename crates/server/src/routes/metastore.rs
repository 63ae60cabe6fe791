//! The metastore HIVE workers use (see `control/src/metastore.rs`): the SQL
//! engine's definitions as JSON, each call authorized as its Glue action
//! (`access.rs`) against the caller, which for a worker is its attempt's
//! session. A missing entry is a 404 with `EntityNotFoundException`, as
//! Glue answers.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use sparkplane_api::ErrorCode;

use super::ok_json;
use crate::{ApiResponseError, AppState};

type Result<T> = std::result::Result<T, ApiResponseError>;

fn not_found(what: String) -> ApiResponseError {
    ApiResponseError::new(ErrorCode::ResourceNotFound, format!("{what} not found"))
}

/// `GET /sparkplane/v1/metastore/databases`
pub async fn list_databases(State(state): State<AppState>) -> Result<Response> {
    let databases = state.controller.metastore_databases().await?;
    Ok(ok_json(&json!({ "databases": databases })))
}

/// `GET /sparkplane/v1/metastore/databases/{database}`
pub async fn get_database(State(state): State<AppState>, Path(database): Path<String>) -> Result<Response> {
    match state.controller.metastore_database(&database).await? {
        Some(db) => Ok(ok_json(&json!({ "database": db }))),
        None => Err(not_found(format!("Database {database}"))),
    }
}

/// `PUT /sparkplane/v1/metastore/databases/{database}`: create.
pub async fn create_database(
    State(state): State<AppState>,
    Path(database): Path<String>,
    body: Bytes,
) -> Result<Response> {
    state.controller.metastore_create_database(&database, &body).await?;
    Ok(StatusCode::OK.into_response())
}

/// `GET /sparkplane/v1/metastore/databases/{database}/tables`
pub async fn list_tables(State(state): State<AppState>, Path(database): Path<String>) -> Result<Response> {
    let tables = state.controller.metastore_tables(&database).await?;
    Ok(ok_json(&json!({ "tables": tables })))
}

/// `GET /sparkplane/v1/metastore/databases/{database}/tables/{table}`
pub async fn get_table(
    State(state): State<AppState>,
    Path((database, table)): Path<(String, String)>,
) -> Result<Response> {
    match state.controller.metastore_table(&database, &table).await? {
        Some(def) => Ok(ok_json(&json!({ "table": def }))),
        None => Err(not_found(format!("Table {database}.{table}"))),
    }
}

/// `POST .../tables/{table}`: create (409 if it exists).
pub async fn create_table(
    State(state): State<AppState>,
    Path((database, table)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response> {
    state.controller.metastore_write_table(&database, &table, &body, true).await?;
    Ok(StatusCode::OK.into_response())
}

/// `PUT .../tables/{table}`: update (404 if it does not exist).
pub async fn update_table(
    State(state): State<AppState>,
    Path((database, table)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response> {
    state.controller.metastore_write_table(&database, &table, &body, false).await?;
    Ok(StatusCode::OK.into_response())
}

/// `DELETE .../tables/{table}`
pub async fn drop_table(
    State(state): State<AppState>,
    Path((database, table)): Path<(String, String)>,
) -> Result<Response> {
    state.controller.metastore_drop_table(&database, &table).await?;
    Ok(StatusCode::OK.into_response())
}
