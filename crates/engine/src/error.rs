//! Engine errors. `is_user_error` separates what the job's author must fix
//! (shown in `stateDetails`) from faults of the host.

use sparkplane_storage::StorageError;

use crate::spark::conf::ConfError;
use crate::spark::params::ParamError;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("invalid sparkSubmitParameters: {0}")]
    Params(#[from] ParamError),
    #[error("invalid configuration: {0}")]
    Conf(#[from] ConfError),
    #[error("invalid Spark property {key}={value}: {reason}")]
    Property { key: String, value: String, reason: String },
    #[error("unsupported release label '{label}': {reason}")]
    UnsupportedRelease { label: String, reason: String },
    #[error("entry point not found: {uri}")]
    EntryPointNotFound { uri: String },
    #[error("dependency not found: {uri}")]
    DependencyNotFound { uri: String },
    #[error("stage artifact: {0}")]
    Storage(StorageError),
    /// Short enough for `stateDetails` (256 characters) with typical paths;
    /// the README has the full recipe.
    #[error(
        "{link} links to {interpreter}, {what}: rebuild the venv with this server's Python ({server_python} -m \
         venv env; pip install venv-pack; venv-pack -o env.tar.gz)"
    )]
    ArchiveInterpreter { link: String, interpreter: String, what: &'static str, server_python: String },
    #[error("install Spark runtime {version}: {reason}")]
    RuntimeInstall { version: String, reason: String },
    #[error("{0}")]
    ConnectStart(String),
    #[error("sandbox: {0}")]
    Sandbox(#[from] crate::sandbox::SandboxError),
    #[error("{action}: {source}")]
    Io {
        action: String,
        #[source]
        source: std::io::Error,
    },
}

impl EngineError {
    /// A run's state details when its launch failed with this error: a
    /// missing entry point or dependency says so as is, anything else is
    /// "Job failed to start: ...". The same wherever the driver launches.
    pub fn launch_details(&self) -> String {
        match self {
            EngineError::EntryPointNotFound { .. } | EngineError::DependencyNotFound { .. } => self.to_string(),
            other => format!("Job failed to start: {other}"),
        }
    }

    pub(crate) fn io(action: impl Into<String>, source: std::io::Error) -> Self {
        EngineError::Io { action: action.into(), source }
    }

    /// True when the job's definition is at fault rather than the host.
    pub fn is_user_error(&self) -> bool {
        !matches!(self, EngineError::Io { .. } | EngineError::RuntimeInstall { .. } | EngineError::Sandbox(_))
    }
}
