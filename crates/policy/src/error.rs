//! The one error a policy document can produce: it is refused when it is put, with AWS's
//! wording where we know it, so callers can return the message to clients unchanged.

/// Why a policy document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The document is not valid policy-language JSON; the message is what IAM would say.
    #[error("{0}")]
    Malformed(String),
}

impl PolicyError {
    pub(crate) fn malformed(msg: impl Into<String>) -> Self {
        PolicyError::Malformed(msg.into())
    }
}
