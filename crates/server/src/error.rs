//! The one place where errors become HTTP responses.
//!
//! The status code and error type come from the API crate's [`ErrorCode`]
//! (which follows botocore's model), the body is `{"message": ...}` and the
//! type also goes in `x-amzn-ErrorType`, which is what botocore reads.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sparkplane_api::{ApiError, ErrorCode};
use sparkplane_auth::AuthError;
use sparkplane_control::dashboards::DashboardError;
use sparkplane_control::{ControlError, CredentialsError};

#[derive(Debug)]
pub struct ApiResponseError {
    code: String,
    status: u16,
    message: String,
}

impl ApiResponseError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiResponseError { code: code.as_str().to_string(), status: code.http_status(), message: message.into() }
    }

    /// An error the service model has no code for (throttling, an oversized
    /// body), in the same shape.
    pub(crate) fn with_status(code: &str, status: u16, message: impl Into<String>) -> Self {
        ApiResponseError { code: code.to_string(), status, message: message.into() }
    }
}

impl From<ApiError> for ApiResponseError {
    fn from(err: ApiError) -> Self {
        ApiResponseError::new(err.code, err.message)
    }
}

impl From<ControlError> for ApiResponseError {
    fn from(err: ControlError) -> Self {
        match &err {
            ControlError::Store(store) => tracing::error!(error = %store, "store failure behind an API call"),
            ControlError::Hosts(
                hosts @ (sparkplane_hosts::HostsError::Store(_) | sparkplane_hosts::HostsError::Corrupt { .. }),
            ) => tracing::error!(error = %hosts, "host table failure behind an API call"),
            _ => {}
        }
        err.to_api_error().into()
    }
}

impl From<DashboardError> for ApiResponseError {
    fn from(err: DashboardError) -> Self {
        match err {
            DashboardError::Control(control) => control.into(),
            // The key's path may be logged, never its bytes (which no error holds).
            other => {
                tracing::error!(error = %other, "dashboard failure behind an API call");
                ApiResponseError::new(ErrorCode::InternalServer, "Internal error, please retry")
            }
        }
    }
}

impl From<CredentialsError> for ApiResponseError {
    fn from(err: CredentialsError) -> Self {
        match err {
            // The token itself is never logged, only that one was refused.
            CredentialsError::UnknownToken | CredentialsError::Issue(_) => {
                tracing::info!(error = %err, "container credentials refused");
                ApiResponseError::new(ErrorCode::AccessDenied, err.to_string())
            }
            CredentialsError::Random => {
                tracing::error!(error = %err, "container credentials failed");
                ApiResponseError::new(ErrorCode::InternalServer, "Internal error, please retry")
            }
        }
    }
}

impl From<AuthError> for ApiResponseError {
    fn from(err: AuthError) -> Self {
        ApiResponseError { code: err.code().to_string(), status: err.http_status(), message: err.to_string() }
    }
}

impl IntoResponse for ApiResponseError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::json!({ "message": self.message });
        let mut response = (status, axum::Json(body)).into_response();
        if let Ok(value) = HeaderValue::from_str(&self.code) {
            response.headers_mut().insert("x-amzn-ErrorType", value);
        }
        response
    }
}
