//! The model's enum shapes.
//!
//! They are closed sets on the wire, so they are Rust enums rather than
//! strings; `as_str`/`FromStr` exist because the same values also travel in
//! query strings (`states`, `mode`) and in storage, where serde is not used.

use crate::error::ApiError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $wire)] $variant),+
        }

        impl $name {
            /// Every value, in model order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire spelling.
            pub fn as_str(&self) -> &'static str {
                match self {
                    $($name::$variant => $wire),+
                }
            }

            /// Parses a value found at `field` of a request, producing the
            /// AWS-style message when it is not one of the enum values.
            pub fn parse_at(value: &str, field: &str) -> Result<Self, ApiError> {
                match value {
                    $($wire => Ok($name::$variant),)+
                    _ => Err(ApiError::validation(format!(
                        "1 validation error detected: {}",
                        enum_violation(value, field, Self::ALL.iter().map(|v| v.as_str()))
                    ))),
                }
            }
        }

        impl FromStr for $name {
            type Err = ApiError;

            fn from_str(s: &str) -> Result<Self, ApiError> {
                $name::parse_at(s, stringify!($name))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// One violation clause for a value outside an enum, without the
/// "N validation errors detected" prefix.
pub(crate) fn enum_violation<'a>(value: &str, field: &str, allowed: impl Iterator<Item = &'a str>) -> String {
    let allowed: Vec<&str> = allowed.collect();
    format!(
        "Value '{value}' at '{field}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
        allowed.join(", ")
    )
}

wire_enum!(
    /// Lifecycle state of an application.
    ApplicationState {
        Creating => "CREATING",
        Created => "CREATED",
        Starting => "STARTING",
        Started => "STARTED",
        Stopping => "STOPPING",
        Stopped => "STOPPED",
        Terminated => "TERMINATED",
    }
);

impl ApplicationState {
    /// A terminated application never changes again.
    pub fn is_terminal(&self) -> bool {
        matches!(self, ApplicationState::Terminated)
    }
}

wire_enum!(
    /// Lifecycle state of a job run (or of one of its attempts).
    JobRunState {
        Submitted => "SUBMITTED",
        Pending => "PENDING",
        Scheduled => "SCHEDULED",
        Running => "RUNNING",
        Success => "SUCCESS",
        Failed => "FAILED",
        Cancelling => "CANCELLING",
        Cancelled => "CANCELLED",
        Queued => "QUEUED",
    }
);

impl JobRunState {
    /// Terminal states: the run will not change state again.
    pub fn is_terminal(&self) -> bool {
        matches!(self, JobRunState::Success | JobRunState::Failed | JobRunState::Cancelled)
    }
}

wire_enum!(
    /// Lifecycle state of an interactive session.
    SessionState {
        Submitted => "SUBMITTED",
        Starting => "STARTING",
        Started => "STARTED",
        Idle => "IDLE",
        Busy => "BUSY",
        Failed => "FAILED",
        Terminating => "TERMINATING",
        Terminated => "TERMINATED",
    }
);

impl SessionState {
    /// Terminal states: the session will not change state again.
    pub fn is_terminal(&self) -> bool {
        matches!(self, SessionState::Failed | SessionState::Terminated)
    }

    /// States in which the session's engine serves clients.
    pub fn is_serving(&self) -> bool {
        matches!(self, SessionState::Started | SessionState::Idle | SessionState::Busy)
    }
}

wire_enum!(
    /// Batch jobs end on their own; streaming jobs run until cancelled.
    JobRunMode {
        Batch => "BATCH",
        Streaming => "STREAMING",
    }
);

wire_enum!(
    /// CPU architecture of an application's workers.
    Architecture {
        Arm64 => "ARM64",
        X86_64 => "X86_64",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names() {
        assert_eq!(serde_json::to_string(&ApplicationState::Created).unwrap(), "\"CREATED\"");
        assert_eq!(serde_json::to_string(&Architecture::X86_64).unwrap(), "\"X86_64\"");
        assert_eq!(serde_json::from_str::<JobRunState>("\"CANCELLING\"").unwrap(), JobRunState::Cancelling);
        for s in JobRunState::ALL {
            assert_eq!(s.as_str().parse::<JobRunState>().unwrap(), *s);
            assert_eq!(serde_json::to_string(s).unwrap(), format!("\"{s}\""));
        }
        for s in ApplicationState::ALL {
            assert_eq!(s.as_str().parse::<ApplicationState>().unwrap(), *s);
        }
        assert_eq!("STREAMING".parse::<JobRunMode>().unwrap(), JobRunMode::Streaming);
        assert_eq!("ARM64".parse::<Architecture>().unwrap(), Architecture::Arm64);
    }

    #[test]
    fn terminal_states() {
        let terminal: Vec<_> = JobRunState::ALL.iter().filter(|s| s.is_terminal()).collect();
        assert_eq!(terminal, [&JobRunState::Success, &JobRunState::Failed, &JobRunState::Cancelled]);
        assert!(ApplicationState::Terminated.is_terminal());
        assert!(!ApplicationState::Stopped.is_terminal());
    }

    #[test]
    fn bad_values_are_validation_errors() {
        let err = "arm64".parse::<Architecture>().unwrap_err();
        assert_eq!(err.code, crate::ErrorCode::Validation);
        let err = JobRunMode::parse_at("batch", "mode").unwrap_err();
        assert_eq!(
            err.message,
            "1 validation error detected: Value 'batch' at 'mode' failed to satisfy constraint: \
             Member must satisfy enum value set: [BATCH, STREAMING]"
        );
    }
}
