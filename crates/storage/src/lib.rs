//! Object storage by URI for sparkplane.
//!
//! Every URI the EMR API accepts (entry points, `--jars`/`--py-files`/`--files`/
//! `--archives`, `logUri`) resolves through this crate, so the engines never
//! care where bytes live: `s3://` (and `s3a://`) through `object_store`'s S3
//! client to the embedded endpoint or an external one, `file://` URIs and plain
//! paths to the local filesystem.

mod cache;
mod cache_evict;
mod error;
mod local_access;
mod location;
mod logs;
mod objects;
mod stage;
mod trash;

pub use cache::{
    archive_key, object_key, tree_bytes, ArtifactCache, CacheUsage, Placement, Staged, DEFAULT_LIMIT_BYTES,
};
pub use cache_evict::{plan_evictions, Entry as CacheEntry};
pub use error::StorageError;
pub use local_access::{local_path_allowed, resolve_local_path};
pub use location::{valid_bucket_name, Location};
pub use logs::{LogShipper, LogTarget, WorkerLogDir};
pub use objects::{container_credentials, ObjectIdentity, ObjectStorage, S3Settings};
pub use stage::stage_into;
pub use trash::Trash;
