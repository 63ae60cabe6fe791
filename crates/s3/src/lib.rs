//! The embedded S3-compatible endpoint of sparkplane, backed by a directory.
//!
//! EMR Serverless jobs read and write `s3://` URIs, and users move data with
//! `aws s3`, boto3 or Hadoop S3A. sparkplane serves those clients from a plain
//! directory tree (`<root>/<bucket>/<key>`), the same files Spark reads
//! through Hadoop's local filesystem, so no object store has to be deployed.
//!
//! The S3 protocol (XML, SigV4, aws-chunked bodies) is handled by the `s3s`
//! crate; this crate supplies the storage backend ([`FsBackend`]), the key
//! lookup and access policy ([`build_service`]) and an HTTP/1.1 server loop
//! ([`serve`]).

mod auth;
mod body;
mod checksum;
mod conditions;
mod durable;
mod error;
mod keys;
mod layout;
mod list;
mod meta;
mod multipart;
mod ops_bucket;
mod ops_list;
mod ops_read;
mod ops_write;
mod s3_impl;
mod serve;
mod unread_body;
mod uploads;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use s3s::service::S3ServiceBuilder;
use sparkplane_auth::KeyLookup;

pub use error::SetupError;
pub use s3s::service::S3Service;
pub use serve::serve;

/// The region reported when none is configured; also what clients default to.
pub const DEFAULT_REGION: &str = "us-east-1";

/// Serves S3 buckets from subdirectories of a root directory.
///
/// Cheap to clone; clones share the same store.
#[derive(Debug, Clone)]
pub struct FsBackend {
    layout: Arc<layout::Layout>,
    region: Arc<str>,
}

impl FsBackend {
    /// Opens (creating if needed) the store at `root`.
    ///
    /// Leftover temp files from an earlier crash are removed, so only one
    /// server may use a given root at a time.
    pub fn open(root: &Path, region: &str) -> Result<Self, SetupError> {
        Ok(FsBackend { layout: Arc::new(layout::Layout::open(root)?), region: region.into() })
    }

    /// The canonical root directory; bucket `b` lives in `root().join(b)`.
    pub fn root(&self) -> &Path {
        self.layout.root()
    }
}

/// Settings for [`build_service`] beyond the data directory and keys.
#[derive(Debug, Clone)]
pub struct ServiceOptions {
    /// Region reported by GetBucketLocation/HeadBucket. Signatures are
    /// accepted for any region, as clients disagree on what to sign with.
    pub region: String,
    /// Base domain for virtual-hosted-style requests (`<bucket>.<domain>`).
    /// Path-style requests keep working on every host name either way.
    pub virtual_host_domain: Option<String>,
}

impl Default for ServiceOptions {
    fn default() -> Self {
        ServiceOptions { region: DEFAULT_REGION.to_owned(), virtual_host_domain: None }
    }
}

/// Builds the S3 HTTP service over the store at `root`.
///
/// Every request must be signed (SigV4 header or presigned URL, or SigV2)
/// with a key known to `keys`; anonymous requests get 403 AccessDenied.
pub fn build_service(
    root: PathBuf,
    keys: Arc<dyn KeyLookup + Send + Sync>,
    options: ServiceOptions,
) -> Result<S3Service, SetupError> {
    let backend = FsBackend::open(&root, &options.region)?;
    let mut builder = S3ServiceBuilder::new(backend);
    builder.set_auth(auth::LookupAuth::new(keys));
    builder.set_access(auth::RequireSignature);
    if let Some(domain) = options.virtual_host_domain {
        builder.set_host(auth::PathOrVirtualHost::new(&domain)?);
    }
    Ok(builder.build())
}
