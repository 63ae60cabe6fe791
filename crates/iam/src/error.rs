//! IAM's error vocabulary, with the codes and statuses of botocore's `iam`
//! model, so that the CLI and boto3 raise the exception classes users catch
//! (`iam.exceptions.NoSuchEntityException`, ...).

use sparkplane_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum IamError {
    #[error("{0}")]
    NoSuchEntity(String),
    #[error("{0}")]
    EntityAlreadyExists(String),
    #[error("{0}")]
    MalformedPolicyDocument(String),
    #[error("{0}")]
    DeleteConflict(String),
    #[error("{0}")]
    LimitExceeded(String),
    #[error("{0}")]
    InvalidInput(String),
    #[error("{0}")]
    Validation(String),
    #[error("{0}")]
    PolicyNotAttachable(String),
    /// The caller may not perform the operation.
    #[error("{0}")]
    AccessDenied(String),
    #[error("Could not find operation {0} for version 2010-05-08")]
    InvalidAction(String),
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("stored identity document is unreadable: {0}")]
    Corrupt(String),
    #[error("operating system randomness unavailable")]
    Random,
}

impl IamError {
    /// The `<Code>` of the query protocol's error document.
    pub fn code(&self) -> &'static str {
        match self {
            IamError::NoSuchEntity(_) => "NoSuchEntity",
            IamError::EntityAlreadyExists(_) => "EntityAlreadyExists",
            IamError::MalformedPolicyDocument(_) => "MalformedPolicyDocument",
            IamError::DeleteConflict(_) => "DeleteConflict",
            IamError::LimitExceeded(_) => "LimitExceeded",
            IamError::InvalidInput(_) => "InvalidInput",
            // What the query protocol's front door answers for a parameter
            // that breaks the model's constraints.
            IamError::Validation(_) => "ValidationError",
            IamError::PolicyNotAttachable(_) => "PolicyNotAttachable",
            IamError::AccessDenied(_) => "AccessDenied",
            IamError::InvalidAction(_) => "InvalidAction",
            IamError::Store(_) | IamError::Corrupt(_) | IamError::Random => "ServiceFailure",
        }
    }

    /// The HTTP status from the model (`httpStatusCode` of each exception).
    pub fn http_status(&self) -> u16 {
        match self {
            IamError::NoSuchEntity(_) => 404,
            IamError::EntityAlreadyExists(_) | IamError::DeleteConflict(_) | IamError::LimitExceeded(_) => 409,
            IamError::MalformedPolicyDocument(_)
            | IamError::InvalidInput(_)
            | IamError::Validation(_)
            | IamError::PolicyNotAttachable(_)
            | IamError::InvalidAction(_) => 400,
            IamError::AccessDenied(_) => 403,
            IamError::Store(_) | IamError::Corrupt(_) | IamError::Random => 500,
        }
    }

    /// Whether the fault is the caller's (`<Type>Sender</Type>`) or ours.
    pub fn is_sender_fault(&self) -> bool {
        self.http_status() < 500
    }

    /// The message a client may see; internal faults say nothing of the store.
    pub fn public_message(&self) -> String {
        match self {
            IamError::Store(_) | IamError::Corrupt(_) | IamError::Random => {
                "The request processing has failed because of an unknown error, exception or failure.".to_string()
            }
            other => other.to_string(),
        }
    }
}
