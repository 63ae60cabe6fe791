//! AWS IAM policy language (version 2012-10-17) for sparkplane: parsing and validating
//! identity and resource-based policy documents, and deciding requests against them.
//!
//! This crate is pure (no I/O, no IAM state) so that both the IAM endpoint, which stores
//! documents and refuses malformed ones, and the endpoints that authorize requests can share
//! one implementation of AWS's rules. Who a caller is and which documents apply is decided
//! elsewhere, behind the [`Authorizer`] trait.
//!
//! ```
//! use sparkplane_policy::{evaluate, Context, Decision, PolicyDocument, Request};
//!
//! let doc = PolicyDocument::parse_identity(
//!     r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject",
//!         "Resource": "arn:aws:s3:::home/${aws:username}/*"}}"#,
//! )?;
//! let mut ctx = Context::new();
//! ctx.insert("aws:username", "alice");
//! let req = Request { action: "s3:GetObject", resource: "arn:aws:s3:::home/alice/notes", principal: None, context: &ctx };
//! assert_eq!(evaluate(&[&doc], &req), Decision::Allow);
//! # Ok::<(), sparkplane_policy::PolicyError>(())
//! ```

mod authorizer;
mod condition;
mod context;
mod document;
mod error;
mod evaluate;
mod matching;
mod principal;
mod template;
mod values;

pub use authorizer::{Authorizer, Denied, TokenError};
pub use context::Context;
pub use document::{Effect, PolicyDocument, Statement};
pub use error::PolicyError;
pub use evaluate::{evaluate, evaluate_with_session, Decision, Request};
pub use matching::wildcard_match;
pub use principal::Principal;
