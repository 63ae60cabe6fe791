//! sparkplane's read-only catalog endpoints, used by `sparkplane catalog` to
//! show the databases, tables and partitions HIVE jobs created (the EMR
//! Serverless API has no such operation; on AWS this is the Glue console).
//!
//! Names are checked and lower-cased by the controller, which also decides
//! 404 versus 400; this module only shapes the responses.

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;

use super::ok_json;
use crate::{ApiResponseError, AppState};

type Result<T> = std::result::Result<T, ApiResponseError>;

/// `GET /sparkplane/v1/catalog/databases`
pub async fn list_databases(State(state): State<AppState>) -> Result<Response> {
    let databases = state.controller.list_catalog_databases().await?;
    Ok(ok_json(&json!({ "databases": databases })))
}

/// `GET /sparkplane/v1/catalog/databases/{database}/tables`
pub async fn list_tables(State(state): State<AppState>, Path(database): Path<String>) -> Result<Response> {
    let tables = state.controller.list_catalog_tables(&database).await?;
    Ok(ok_json(&json!({ "tables": tables })))
}

/// `GET /sparkplane/v1/catalog/databases/{database}/tables/{table}`
pub async fn get_table(
    State(state): State<AppState>,
    Path((database, table)): Path<(String, String)>,
) -> Result<Response> {
    let table = state.controller.get_catalog_table(&database, &table).await?;
    Ok(ok_json(&json!({ "table": table })))
}
