//! Errors of the host registry; the server maps each to one HTTP status.

use sparkplane_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum HostsError {
    /// Bad input: a name, a report or a setting (HTTP 400).
    #[error("{0}")]
    Validation(String),
    /// No host of that name (HTTP 404).
    #[error("host {0} does not exist")]
    NotFound(String),
    /// A host of that name exists, or the host is in a state that forbids
    /// the operation (HTTP 409).
    #[error("{0}")]
    Conflict(String),
    /// A wrong or unknown host credential (HTTP 403). The message never says
    /// which, so it does not tell a guesser whether the host exists.
    #[error("the host credential is not valid")]
    Forbidden,
    /// The agent's registration is not current: it must register again
    /// (HTTP 409 to the agent, which then registers).
    #[error("host {0} must register again")]
    Reregister(String),
    /// A fault of this machine, not of the request (no randomness).
    #[error("{0}")]
    Internal(String),
    /// The agent could not reach the server (it retries).
    #[error("server unreachable: {0}")]
    Unreachable(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored document that does not parse: the store was edited by hand
    /// or by a newer binary.
    #[error("stored host {name} is unreadable: {reason}")]
    Corrupt { name: String, reason: String },
}
