//! Object storage by URI for sparkplane.
//!
//! Every URI the EMR API accepts (entry points, `--jars`/`--py-files`/`--files`/
//! `--archives`, `logUri`) resolves through this crate, so the engines never
//! care where bytes live. Today that is the local filesystem (`file://` URIs and
//! plain paths); `s3://` joins the same [`Location`] enum when the embedded S3
//! endpoint lands.

mod error;
mod location;
mod logs;
mod stage;

pub use error::StorageError;
pub use location::Location;
pub use logs::{LogShipper, LogTarget, WorkerLogDir};
pub use stage::stage_into;
