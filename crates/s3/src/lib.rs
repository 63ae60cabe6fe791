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

mod access;
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
pub mod metrics;
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
use sparkplane_policy::Authorizer;

pub use error::SetupError;
pub use serve::serve;

/// The region reported when none is configured; also what clients default to.
pub const DEFAULT_REGION: &str = "us-east-1";

/// Serves S3 buckets from subdirectories of a root directory.
///
/// Cheap to clone; clones share the same store.
#[derive(Clone)]
pub struct FsBackend {
    layout: Arc<layout::Layout>,
    region: Arc<str>,
    /// Decides the keys of a multi-object delete one by one (see `access`).
    authorizer: Option<Arc<dyn Authorizer>>,
    /// CopyObject hard-links the source (see [`ServiceOptions::link_copies`]).
    link_copies: bool,
}

impl std::fmt::Debug for FsBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FsBackend")
            .field("root", &self.layout.root())
            .field("region", &self.region)
            .field("authorized", &self.authorizer.is_some())
            .field("link_copies", &self.link_copies)
            .finish()
    }
}

impl FsBackend {
    /// Opens (creating if needed) the store at `root`.
    ///
    /// Leftover temp files from an earlier crash are removed, so only one
    /// server may use a given root at a time.
    pub fn open(root: &Path, region: &str) -> Result<Self, SetupError> {
        Ok(FsBackend {
            layout: Arc::new(layout::Layout::open(root)?),
            region: region.into(),
            authorizer: None,
            link_copies: true,
        })
    }

    /// The canonical root directory; bucket `b` lives in `root().join(b)`.
    pub fn root(&self) -> &Path {
        self.layout.root()
    }
}

/// Settings for [`build_service`] beyond the data directory and keys.
#[derive(Debug, Clone)]
pub struct ServiceOptions {
    /// Region reported by GetBucketLocation/HeadBucket, and the only region
    /// SigV4 credentials may be scoped to (as AWS S3 requires).
    pub region: String,
    /// Base domain for virtual-hosted-style requests (`<bucket>.<domain>`).
    /// Path-style requests keep working on every host name either way.
    pub virtual_host_domain: Option<String>,
    /// Accept SigV2 (`Authorization: AWS ...`, `?Signature=`). Off by
    /// default: a SigV2 signature covers neither the body nor a bounded
    /// date, so a captured request can be replayed with another body.
    pub allow_sigv2: bool,
    /// CopyObject makes the copy a hard link to its source instead of
    /// copying the bytes (S3A renames by copying, so a job's output would
    /// otherwise be written three times). Safe because this store replaces
    /// objects by rename and never rewrites a file in place; turn it off
    /// when something else may (Spark with `direct_bucket_mount` truncates
    /// and rewrites files it overwrites, which would change every link).
    pub link_copies: bool,
}

impl Default for ServiceOptions {
    fn default() -> Self {
        ServiceOptions {
            region: DEFAULT_REGION.to_owned(),
            virtual_host_domain: None,
            allow_sigv2: false,
            link_copies: true,
        }
    }
}

/// The S3 HTTP service: s3s behind the endpoint's signature rules.
///
/// Cheap to clone; clones share the same store.
#[derive(Debug, Clone)]
pub struct S3Service {
    inner: s3s::service::S3Service,
    policy: Arc<auth::SignaturePolicy>,
    metrics: Arc<metrics::S3Metrics>,
    forward_seal: Option<sparkplane_auth::forwarded::ForwardSeal>,
}

impl S3Service {
    /// Trusts client addresses that standby servers forward under `seal`
    /// (for `aws:SourceIp`).
    pub fn with_forward_seal(mut self, seal: sparkplane_auth::forwarded::ForwardSeal) -> Self {
        self.forward_seal = Some(seal);
        self
    }

    /// Serves one request. The signature version and scope are checked
    /// before s3s parses the request: s3s answers a credential scoped to
    /// another service with 501, and would verify a SigV2 signature the
    /// endpoint does not take.
    pub async fn call(&self, mut req: s3s::HttpRequest) -> Result<s3s::HttpResponse, s3s::HttpError> {
        let bytes_in = metrics::content_length(req.headers());
        let slot = metrics::OpSlot::default();
        req.extensions_mut().insert(slot.clone());
        let seal = self.forward_seal.as_ref();
        sparkplane_http::take_forwarded(&mut req, |client, sealed, method, path, authorization| {
            seal?.open(client, sealed, method, path, authorization)
        });
        let response = match auth::check_signature_version_and_scope(&self.policy, req.uri(), req.headers()) {
            Err(err) => err.to_http_response().map_err(|e| s3s::HttpError::new(Box::new(e))),
            Ok(()) => self.inner.call(req).await,
        };
        if let Ok(response) = &response {
            let bytes_out = metrics::content_length(response.headers());
            self.metrics.observe(slot.0.get().map(String::as_str), response.status().as_u16(), bytes_in, bytes_out);
        }
        response
    }

    /// The endpoint's request counters, for `/metrics`.
    pub fn metrics(&self) -> Arc<metrics::S3Metrics> {
        Arc::clone(&self.metrics)
    }
}

/// Builds the S3 HTTP service over the store at `root`.
///
/// Every request must be signed (SigV4 header or presigned URL, SigV2 only
/// with [`ServiceOptions::allow_sigv2`]) with a key known to `keys`;
/// anonymous requests get 403 AccessDenied.
pub fn build_service(
    root: PathBuf,
    keys: Arc<dyn KeyLookup + Send + Sync>,
    options: ServiceOptions,
) -> Result<S3Service, SetupError> {
    build_service_with(root, keys, None, options)
}

/// [`build_service`] with every signed request also decided by
/// `authorizer` (the signer's IAM policies), as S3 does.
pub fn build_authorized_service(
    root: PathBuf,
    keys: Arc<dyn KeyLookup + Send + Sync>,
    authorizer: Arc<dyn Authorizer>,
    options: ServiceOptions,
) -> Result<S3Service, SetupError> {
    build_service_with(root, keys, Some(authorizer), options)
}

fn build_service_with(
    root: PathBuf,
    keys: Arc<dyn KeyLookup + Send + Sync>,
    authorizer: Option<Arc<dyn Authorizer>>,
    options: ServiceOptions,
) -> Result<S3Service, SetupError> {
    let mut backend = FsBackend::open(&root, &options.region)?;
    backend.authorizer = authorizer.clone();
    backend.link_copies = options.link_copies;
    let policy = Arc::new(auth::SignaturePolicy { region: options.region.clone(), allow_sigv2: options.allow_sigv2 });
    let mut builder = S3ServiceBuilder::new(backend);
    builder.set_auth(auth::LookupAuth::new(keys));
    builder.set_access(auth::RequireSignature { policy: Arc::clone(&policy), authorizer });
    if let Some(domain) = options.virtual_host_domain {
        builder.set_host(auth::PathOrVirtualHost::new(&domain)?);
    }
    Ok(S3Service { inner: builder.build(), policy, metrics: Default::default(), forward_seal: None })
}
