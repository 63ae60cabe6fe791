//! Errors of the control layer, each mapped to the API error code the
//! service uses for it.

use sparkplane_api::{ApiError, ErrorCode};
use sparkplane_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    #[error("{0}")]
    Api(#[from] ApiError),
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

impl ControlError {
    pub fn validation(message: impl Into<String>) -> Self {
        ControlError::Api(ApiError::validation(message))
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ControlError::Api(ApiError::not_found(message))
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        ControlError::Api(ApiError::conflict(message))
    }

    /// The error as the API reports it. Store faults are internal errors whose
    /// detail stays in the server log.
    pub fn to_api_error(&self) -> ApiError {
        match self {
            ControlError::Api(err) => err.clone(),
            ControlError::Store(StoreError::InvalidPageToken) => {
                ApiError::validation("The nextToken is invalid or has expired")
            }
            ControlError::Store(_) => ApiError::new(ErrorCode::InternalServer, "Internal error, please retry"),
        }
    }
}
