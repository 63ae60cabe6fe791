//! PutObject, CopyObject, DeleteObject(s): every change to a bucket's files.

use std::path::Path;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use futures::StreamExt;
use s3s::dto::{
    CopyObjectInput, CopyObjectOutput, CopyObjectResult, CopySource, DeleteObjectInput, DeleteObjectOutput,
    DeleteObjectsInput, DeleteObjectsOutput, DeletedObject, ETag, Error as KeyError, MetadataDirective, PutObjectInput,
    PutObjectOutput, StreamingBlob, Timestamp,
};
use s3s::{S3Error, S3ErrorCode, S3Request};

use crate::checksum::{expected_checksum, receive_body, BodyClaims};
use crate::conditions::{check_copy_source, Conditions};
use crate::durable::{link_to_tmp, make_parents, prune_empty_dirs, Staged, TmpFile};
use crate::error::{io_err, is_not_found, StoreError};
use crate::keys::ObjectKey;
use crate::meta::{self, is_content_md5, Headers, Sidecar, EMPTY_MD5};
use crate::ops_read::Found;
use crate::FsBackend;

/// The stored headers of a PutObject or CopyObject input (distinct s3s types
/// with the same members).
macro_rules! headers_of {
    ($input:expr) => {
        Headers {
            content_type: $input.content_type,
            content_encoding: $input.content_encoding,
            content_disposition: $input.content_disposition,
            content_language: $input.content_language,
            cache_control: $input.cache_control,
            user: $input.metadata.unwrap_or_default().into_iter().collect(),
        }
    };
}

/// The `x-amz-copy-source-if-*` conditions of a CopyObject or UploadPartCopy input.
macro_rules! copy_source_conditions {
    ($input:expr) => {
        Conditions {
            if_match: $input.copy_source_if_match.as_ref(),
            if_none_match: $input.copy_source_if_none_match.as_ref(),
            if_modified_since: $input.copy_source_if_modified_since.as_ref(),
            if_unmodified_since: $input.copy_source_if_unmodified_since.as_ref(),
        }
    };
}
pub(crate) use copy_source_conditions;

impl FsBackend {
    /// The object a copy reads from, after its preconditions hold.
    pub(crate) async fn copy_source(
        &self,
        source: &CopySource,
        conditions: Conditions<'_>,
    ) -> Result<crate::ops_read::Found, S3Error> {
        let CopySource::Bucket { bucket, key, .. } = source else {
            return Err(S3Error::with_message(
                S3ErrorCode::NotImplemented,
                "only bucket/key copy sources are supported",
            ));
        };
        let found = self.find_object(bucket, key).await?;
        check_copy_source(&conditions, &found.info)?;
        Ok(found)
    }
}

/// S3's cap on keys per DeleteObjects request.
const MAX_DELETE_KEYS: usize = 1000;

impl FsBackend {
    pub(crate) async fn do_put_object(&self, req: S3Request<PutObjectInput>) -> Result<PutObjectOutput, S3Error> {
        let S3Request { input, trailing_headers, .. } = req;
        let bucket_dir = self.layout.bucket_dir(&input.bucket).await?;
        let key = ObjectKey::parse(&input.key)?;
        if input.if_match.is_some() || input.if_none_match.is_some() {
            self.check_put_conditions(&input).await?;
        }
        let headers = headers_of!(input);
        if key.is_dir_marker() {
            ensure_empty_body(input.body, input.content_length).await?;
            self.put_marker(&input.bucket, &bucket_dir, &key, headers).await?;
            return Ok(PutObjectOutput {
                e_tag: Some(ETag::Strong(EMPTY_MD5.to_owned())),
                size: Some(0),
                ..Default::default()
            });
        }

        let claims = BodyClaims {
            content_length: input.content_length,
            content_md5: input.content_md5.as_deref(),
            algorithm: input.checksum_algorithm.as_ref(),
            expected: expected_checksum!(input),
            trailers: trailing_headers.as_ref(),
        };
        let staged = receive_body(&self.layout, input.body, claims).await?;

        let etag = hex::encode(staged.md5.unwrap_or_default());
        let size = staged.size;
        self.publish(staged, &input.bucket, &bucket_dir, &key, etag.clone(), headers, None).await?;
        Ok(PutObjectOutput { e_tag: Some(ETag::Strong(etag)), size: i64::try_from(size).ok(), ..Default::default() })
    }

    /// If-Match / If-None-Match on PUT (S3 conditional writes).
    async fn check_put_conditions(&self, input: &PutObjectInput) -> Result<(), S3Error> {
        let current = match self.find_object(&input.bucket, &input.key).await {
            Ok(found) => Some(found.info),
            Err(e) if *e.code() == S3ErrorCode::NoSuchKey => None,
            Err(e) => return Err(e),
        };
        let failed = || {
            S3Error::with_message(
                S3ErrorCode::PreconditionFailed,
                "At least one of the pre-conditions you specified did not hold",
            )
        };
        if input.if_none_match.is_some() && current.is_some() {
            return Err(failed());
        }
        if let Some(cond) = &input.if_match {
            let ok = current.as_ref().is_some_and(|info| cond.as_etag().is_none_or(|e| e.value() == info.etag));
            if !ok {
                return Err(failed());
            }
        }
        Ok(())
    }

    /// Moves a staged file into place and records its metadata. The object
    /// becomes visible first; until the sidecar lands it is served with
    /// derived values, never with the previous version's. `last_modified_ns`
    /// is the object's LastModified when it is not the file's mtime.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn publish(
        &self,
        staged: Staged,
        bucket: &str,
        bucket_dir: &Path,
        key: &ObjectKey<'_>,
        etag: String,
        headers: Headers,
        last_modified_ns: Option<i128>,
    ) -> Result<(), S3Error> {
        let (size, mtime_ns) = (staged.size, staged.mtime_ns);
        staged.install(&self.layout, bucket_dir, &key.path_in(bucket_dir), key).await?;
        let sidecar = Sidecar { key: key.as_str().to_owned(), etag, size, mtime_ns, last_modified_ns, headers };
        meta::store(&self.layout, bucket, &sidecar).await
    }

    /// A key ending in '/' becomes a directory plus a marker sidecar.
    async fn put_marker(
        &self,
        bucket: &str,
        bucket_dir: &Path,
        key: &ObjectKey<'_>,
        headers: Headers,
    ) -> Result<(), S3Error> {
        let dir = key.path_in(bucket_dir);
        self.layout.check_contained(bucket_dir, &dir, key).await?;
        make_parents(&dir, key).await?;
        let sidecar = Sidecar {
            key: key.as_str().to_owned(),
            etag: EMPTY_MD5.to_owned(),
            size: 0,
            mtime_ns: 0,
            last_modified_ns: None,
            headers,
        };
        meta::store(&self.layout, bucket, &sidecar).await
    }

    pub(crate) async fn do_copy_object(&self, input: CopyObjectInput) -> Result<CopyObjectOutput, S3Error> {
        let mut src = self.copy_source(&input.copy_source, copy_source_conditions!(input)).await?;

        let bucket_dir = self.layout.bucket_dir(&input.bucket).await?;
        let key = ObjectKey::parse(&input.key)?;
        let replace = input.metadata_directive.as_ref().is_some_and(|d| d.as_str() == MetadataDirective::REPLACE);
        let headers = if replace { headers_of!(input) } else { src.info.headers.clone() };

        let same_object = matches!(&input.copy_source,
            CopySource::Bucket { bucket, key, .. } if **bucket == *input.bucket && **key == *input.key);
        if same_object {
            if !replace {
                return Err(S3Error::with_message(
                    S3ErrorCode::InvalidRequest,
                    "This copy request is illegal because it is trying to copy an object to itself without changing \
                     the object's metadata, storage class, website redirect location or encryption attributes.",
                ));
            }
            let last_modified = self.replace_metadata(&input.bucket, &key, &src.path, &src.info.etag, headers).await?;
            return Ok(copy_output(src.info.etag, last_modified));
        }

        if key.is_dir_marker() {
            if src.info.size > 0 {
                return Err(StoreError::InvalidKey {
                    key: input.key.clone(),
                    reason: "a key ending in '/' cannot hold data",
                }
                .into());
            }
            self.put_marker(&input.bucket, &bucket_dir, &key, headers).await?;
            return Ok(copy_output(EMPTY_MD5.to_owned(), SystemTime::now()));
        }
        if self.link_copies {
            if let Some(staged) = self.link_copy(&mut src).await? {
                // S3 gives a copy its own LastModified; the shared inode's
                // mtime stays the source's, so the sidecar carries it.
                let now = SystemTime::now();
                let now_ns = now.duration_since(UNIX_EPOCH).map_or(0, |d| i128::try_from(d.as_nanos()).unwrap_or(0));
                let etag = hex::encode(staged.md5.unwrap_or_default());
                self.publish(staged, &input.bucket, &bucket_dir, &key, etag.clone(), headers, Some(now_ns)).await?;
                return Ok(copy_output(etag, now));
            }
        }
        let mut tmp = TmpFile::create(&self.layout).await?;
        if let Some(mut file) = src.file {
            tmp.copy_from(&mut file, &src.path, 0, src.info.size).await?;
        }
        let staged = tmp.finish().await?;
        let etag = hex::encode(staged.md5.unwrap_or_default());
        let last_modified = meta::ns_to_time(staged.mtime_ns);
        self.publish(staged, &input.bucket, &bucket_dir, &key, etag.clone(), headers, None).await?;
        Ok(copy_output(etag, last_modified))
    }

    /// Stages the copy of `src` as a hard link; `None` when it has to be a
    /// byte copy. A copy is a single-part object, so, as in S3, its ETag is
    /// the MD5 of its bytes: the source's own ETag when it is one, else (a
    /// multipart or derived ETag) hashed here from the open source, which
    /// reads the bytes once but writes nothing.
    async fn link_copy(&self, src: &mut Found) -> Result<Option<Staged>, S3Error> {
        let Some(file) = src.file.as_mut() else { return Ok(None) };
        let opened = file.metadata().await.map_err(io_err("stat copy source", &src.path))?;
        let mut md5 = [0u8; 16];
        if !(is_content_md5(&src.info.etag) && hex::decode_to_slice(&src.info.etag, &mut md5).is_ok()) {
            md5 = hash_file(file, &src.path, opened.len()).await?;
        }
        link_to_tmp(&self.layout, &src.path, &opened, md5).await
    }

    /// Copy-onto-itself with REPLACE: the bytes stay, the sidecar changes,
    /// and S3 reports a new LastModified, which the sidecar carries. The file
    /// itself is not touched: other keys may share its inode (linked copies),
    /// and a new mtime would make their sidecars look stale.
    async fn replace_metadata(
        &self,
        bucket: &str,
        key: &ObjectKey<'_>,
        path: &Path,
        etag: &str,
        headers: Headers,
    ) -> Result<SystemTime, S3Error> {
        let now = SystemTime::now();
        let now_ns = now.duration_since(UNIX_EPOCH).map_or(0, |d| i128::try_from(d.as_nanos()).unwrap_or(0));
        let (size, mtime_ns) = if key.is_dir_marker() {
            (0, 0)
        } else {
            let stat = tokio::fs::metadata(path).await.map_err(io_err("stat object", path))?;
            (stat.len(), crate::durable::mtime_ns(&stat))
        };
        let last_modified_ns = (!key.is_dir_marker()).then_some(now_ns);
        let sidecar =
            Sidecar { key: key.as_str().to_owned(), etag: etag.to_owned(), size, mtime_ns, last_modified_ns, headers };
        meta::store(&self.layout, bucket, &sidecar).await?;
        Ok(now)
    }

    pub(crate) async fn do_delete_object(&self, input: DeleteObjectInput) -> Result<DeleteObjectOutput, S3Error> {
        let bucket_dir = self.layout.bucket_dir(&input.bucket).await?;
        self.delete_key(&input.bucket, &bucket_dir, &input.key).await?;
        Ok(DeleteObjectOutput::default())
    }

    /// `may_delete` decides each key; a refused key is reported in the
    /// reply's errors, as S3 does, and the others are deleted.
    pub(crate) async fn do_delete_objects(
        &self,
        input: DeleteObjectsInput,
        may_delete: &(dyn Fn(&str) -> Result<(), S3Error> + Send + Sync),
    ) -> Result<DeleteObjectsOutput, S3Error> {
        let bucket_dir = self.layout.bucket_dir(&input.bucket).await?;
        if input.delete.objects.len() > MAX_DELETE_KEYS {
            return Err(S3Error::with_message(S3ErrorCode::MalformedXML, "at most 1000 keys can be deleted at once"));
        }
        let quiet = input.delete.quiet.unwrap_or(false);
        let (mut deleted, mut errors) = (Vec::new(), Vec::new());
        for object in input.delete.objects {
            let outcome = match may_delete(&object.key) {
                Ok(()) => self.delete_key(&input.bucket, &bucket_dir, &object.key).await,
                Err(denied) => Err(denied),
            };
            match outcome {
                Ok(()) if quiet => {}
                Ok(()) => deleted.push(DeletedObject { key: Some(object.key), ..Default::default() }),
                Err(e) => errors.push(KeyError {
                    code: Some(e.code().as_str().to_owned()),
                    message: e.message().map(str::to_owned),
                    key: Some(object.key),
                    version_id: None,
                }),
            }
        }
        Ok(DeleteObjectsOutput { deleted: Some(deleted), errors: Some(errors), ..Default::default() })
    }

    /// Deletes one key; a missing key is success, as in S3.
    async fn delete_key(&self, bucket: &str, bucket_dir: &Path, key: &str) -> Result<(), S3Error> {
        let key = ObjectKey::parse(key)?;
        let path = key.path_in(bucket_dir);
        self.layout.check_contained(bucket_dir, &path, &key).await?;
        let prune_from = if key.is_dir_marker() {
            meta::remove(&self.layout, bucket, key.as_str()).await?;
            // The directory stays while other objects live below it.
            path
        } else {
            match tokio::fs::remove_file(&path).await {
                Ok(()) => {}
                // Not there, or a directory (a prefix, not an object): nothing to delete.
                Err(e) if is_not_found(&e) || e.kind() == std::io::ErrorKind::IsADirectory => return Ok(()),
                Err(e) => return Err(io_err("delete object", &path)(e)),
            }
            meta::remove(&self.layout, bucket, key.as_str()).await?;
            match path.parent() {
                Some(parent) => parent.to_path_buf(),
                None => return Ok(()),
            }
        };
        let (layout, bucket, bucket_dir) = (Arc::clone(&self.layout), bucket.to_owned(), bucket_dir.to_path_buf());
        let pruned = tokio::task::spawn_blocking(move || {
            prune_empty_dirs(&bucket_dir, &prune_from, |k| meta::marker_exists_blocking(&layout, &bucket, k));
        })
        .await;
        if let Err(e) = pruned {
            tracing::warn!(error = %e, "pruning empty directories failed");
        }
        Ok(())
    }
}

/// A directory marker holds no data; refuse bodies rather than drop them.
async fn ensure_empty_body(body: Option<StreamingBlob>, content_length: Option<i64>) -> Result<(), S3Error> {
    let refuse = || {
        S3Error::with_message(
            S3ErrorCode::InvalidArgument,
            "a key ending in '/' is a directory marker and cannot hold data",
        )
    };
    if content_length.is_some_and(|n| n > 0) {
        return Err(refuse());
    }
    if let Some(mut body) = body {
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| S3Error::with_message(S3ErrorCode::IncompleteBody, e.to_string()))?;
            if !chunk.is_empty() {
                return Err(refuse());
            }
        }
    }
    Ok(())
}

fn copy_output(etag: String, last_modified: SystemTime) -> CopyObjectOutput {
    CopyObjectOutput {
        copy_object_result: Some(CopyObjectResult {
            e_tag: Some(ETag::Strong(etag)),
            last_modified: Some(Timestamp::from(last_modified)),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The MD5 of the first `len` bytes of the open `file` (named `path` in errors).
async fn hash_file(file: &mut tokio::fs::File, path: &Path, len: u64) -> Result<[u8; 16], S3Error> {
    use s3s::crypto::{Checksum, Md5};
    use tokio::io::{AsyncReadExt, AsyncSeekExt};
    file.seek(std::io::SeekFrom::Start(0)).await.map_err(io_err("seek copy source", path))?;
    let mut md5 = Md5::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut remaining = len;
    while remaining > 0 {
        let want = usize::try_from(remaining).map_or(buf.len(), |r| r.min(buf.len()));
        let n = file.read(&mut buf[..want]).await.map_err(io_err("read copy source", path))?;
        if n == 0 {
            return Err(S3Error::with_message(S3ErrorCode::InternalError, "copy source changed while reading"));
        }
        md5.update(&buf[..n]);
        remaining -= n as u64;
    }
    Ok(md5.finalize())
}
