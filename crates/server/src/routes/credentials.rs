//! The container credentials endpoint: `GET /sparkplane/v1/credentials`.
//!
//! Engine processes of an attempt fetch their run's temporary credentials
//! here the way ECS tasks and EKS pods do (`AWS_CONTAINER_CREDENTIALS_FULL_URI`
//! and `AWS_CONTAINER_AUTHORIZATION_TOKEN`), so the AWS SDKs (S3A's, boto3,
//! object_store) refresh them on their own. Not SigV4-signed: the caller has
//! no credentials yet. The `Authorization` header carries the attempt's
//! bearer token, which control looks up by its hash (see
//! `sparkplane_control::credentials`). Neither the token nor the secrets are
//! ever logged.

use axum::extract::State;
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sparkplane_api::Timestamp;

use crate::{ApiResponseError, AppState};

/// The JSON the AWS SDKs read from a container credentials endpoint.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ContainerCredentialsBody<'a> {
    access_key_id: &'a str,
    secret_access_key: &'a str,
    token: &'a str,
    /// ISO 8601 in UTC (`2026-12-06T08:00:00.000Z`).
    expiration: String,
    role_arn: &'a str,
}

pub async fn get(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let token = headers.get(AUTHORIZATION).and_then(|value| value.to_str().ok()).unwrap_or_default();
    let granted = match state.controller.container_credentials(token.trim()) {
        Ok(granted) => granted,
        Err(err) => return ApiResponseError::from(err).into_response(),
    };
    let credentials = &granted.credentials;
    let body = ContainerCredentialsBody {
        access_key_id: &credentials.access_key_id,
        secret_access_key: &credentials.secret_access_key,
        token: &credentials.session_token,
        expiration: Timestamp::from_millis(credentials.expiration_epoch_secs.saturating_mul(1000)).to_rfc3339(),
        role_arn: &granted.role_arn,
    };
    let mut response = super::ok_json(&body);
    // Secrets: no proxy or client cache may keep them.
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
