//! Errors of an agent's own work (the protocol's are `HostsError`).

#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    /// A fault of this host: a folder, a socket, a process.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    /// An assignment this host cannot run (unknown release, no runtime).
    #[error("{0}")]
    Assignment(String),
}

impl AgentError {
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        AgentError::Io { context: context.into(), source }
    }
}
