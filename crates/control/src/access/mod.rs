//! What engine processes and callers may reach, and with which rights:
//! attempts' temporary credentials and the tokens that fetch them
//! (`credentials`, `grants`), the Landlock sandbox each engine process gets
//! (`sandbox`), how a Spark process reaches `s3://` (`launch`), and which
//! local paths a request may name (`local_paths`).
//!
//! Imports only `base`.

pub mod credentials;
pub(crate) mod grants;
pub(crate) mod launch;
pub mod local_paths;
pub(crate) mod sandbox;
