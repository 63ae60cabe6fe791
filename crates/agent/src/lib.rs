//! What `sparkplane agent` runs on its host for the server.
//!
//! The protocol (register, heartbeat, the answer's desired workers) is
//! `sparkplane_hosts::agent`'s; this crate is the host's side of the work:
//!
//! - [`workers`]: the standalone workers the server assigned, started from
//!   the host's Spark runtime, confined by the host's sandbox, each in its
//!   own process group, stopped when no longer assigned;
//! - [`drivers`]: the job drivers the server placed here, launched with the
//!   engine's own launch code from artifacts staged out of `s3://` as the
//!   run's role, and reported with their exit once their logs were sent;
//! - [`proxy`]: a credentials endpoint on this host's loopback, since the
//!   AWS SDKs fetch container credentials only from loopback; it forwards
//!   the executors' token to the server;
//! - [`logs`]: the workers' executor logs, sent to the server piece by
//!   piece, which files them in the run's EMR log layout.
//!
//! It sits above `engine` (processes, runtimes, sandbox) and `hosts` (the
//! protocol), and below the binary; the server's crates do not use it.

pub mod drivers;
mod error;
pub mod logs;
pub mod proxy;
pub mod workers;

pub use error::AgentError;
pub use workers::{AgentWork, WorkerHost};
