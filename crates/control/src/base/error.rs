//! Errors of the control layer, each mapped to the API error code the
//! service uses for it.

use sparkplane_api::{ApiError, ErrorCode};
use sparkplane_hosts::HostsError;
use sparkplane_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    #[error("{0}")]
    Api(#[from] ApiError),
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Hosts(#[from] HostsError),
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
            // A generated id that collided with a stored one: the request
            // did not take effect and may be sent again.
            ControlError::Store(err @ StoreError::AlreadyExists { .. }) => ApiError::conflict(err.to_string()),
            ControlError::Store(_) => ApiError::new(ErrorCode::InternalServer, "Internal error, please retry"),
            ControlError::Hosts(err) => match err {
                HostsError::Validation(_) => ApiError::validation(err.to_string()),
                HostsError::NotFound(_) => ApiError::not_found(err.to_string()),
                HostsError::Conflict(_) | HostsError::Reregister(_) => ApiError::conflict(err.to_string()),
                HostsError::Forbidden => ApiError::new(ErrorCode::AccessDenied, err.to_string()),
                HostsError::Store(_)
                | HostsError::Corrupt { .. }
                | HostsError::Unreachable(_)
                | HostsError::Internal(_) => ApiError::new(ErrorCode::InternalServer, "Internal error, please retry"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_errors_map_to_what_the_client_can_act_on() {
        let taken = ControlError::Store(StoreError::AlreadyExists { entity: "job run", id: "00x".into() });
        assert_eq!(taken.to_api_error().code, ErrorCode::Conflict);
        let token = ControlError::Store(StoreError::InvalidPageToken);
        assert_eq!(token.to_api_error().code, ErrorCode::Validation);
        let corrupt = ControlError::Store(StoreError::SchemaTooNew { found: 9, known: 3 });
        assert_eq!(corrupt.to_api_error().code, ErrorCode::InternalServer);
    }
}
