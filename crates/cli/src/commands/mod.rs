//! One module per subcommand.

pub mod catalog;
mod credential_issuer;
pub mod credentials;
pub mod hive_worker;
pub mod logs;
pub mod run;
pub mod runs;
pub mod runtime;
pub mod server;
pub mod workers;
