//! The EMR Serverless API surface of sparkplane, without any I/O: wire
//! types named after botocore's shapes, the error vocabulary, request
//! validation, ARN handling and capacity-string parsing. Everything the
//! HTTP layer, the control plane and the store agree on is defined here so
//! they cannot drift apart; everything is re-exported at the crate root.

pub mod arn;
pub mod body;
pub mod capacity;
pub mod error;
pub mod model;
pub mod validate;

pub use arn::*;
pub use body::*;
pub use capacity::*;
pub use error::*;
pub use model::*;
pub use validate::*;
