//! One module per subcommand.

pub mod agent;
pub mod catalog;
pub mod console;
mod credential_issuer;
pub mod credentials;
pub mod hive_worker;
mod host_report;
pub mod hosts;
pub mod logs;
pub mod run;
pub mod runs;
pub mod runtime;
pub mod server;
pub mod servers;
mod session_endpoint;
mod standby;
pub mod workers;
