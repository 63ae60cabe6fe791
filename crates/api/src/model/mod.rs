//! Wire types for the EMR Serverless operations sparkplane implements,
//! one Rust type per botocore shape, named after the shape.

mod application;
mod common;
mod config;
mod enums;
mod job_run;
mod session;
mod tags;
mod timestamp;

#[cfg(test)]
mod tests;

pub use application::*;
pub use common::*;
pub use config::*;
pub use enums::*;
pub use job_run::*;
pub use session::*;
pub use tags::*;
pub use timestamp::*;
