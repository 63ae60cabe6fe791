//! GetObject and HeadObject, and resolving a key to what is on disk.

use std::path::PathBuf;

use s3s::dto::{GetObjectInput, GetObjectOutput, HeadObjectInput, HeadObjectOutput, Range, StreamingBlob};
use s3s::{S3Error, S3ErrorCode};

use crate::body::FileBody;
use crate::conditions::{check_read, Conditions};
use crate::error::{io_err, is_not_found, no_such_key};
use crate::keys::ObjectKey;
use crate::meta::{self, ObjectInfo};
use crate::FsBackend;

/// An object found on disk.
pub(crate) struct Found {
    pub path: PathBuf,
    pub info: ObjectInfo,
    /// The open file for regular objects; `None` for directory markers.
    pub file: Option<tokio::fs::File>,
}

impl FsBackend {
    /// Looks up `key` in `bucket`: NoSuchBucket/NoSuchKey if absent, the
    /// key-validation error if it cannot name an object at all.
    pub(crate) async fn find_object(&self, bucket: &str, key: &str) -> Result<Found, S3Error> {
        let bucket_dir = self.layout.bucket_dir(bucket).await?;
        let key = ObjectKey::parse(key)?;
        let path = key.path_in(&bucket_dir);
        self.layout.check_contained(&bucket_dir, &path, &key).await?;
        let missing = || no_such_key(key.as_str());

        if key.is_dir_marker() {
            let stat = match tokio::fs::metadata(&path).await {
                Ok(m) if m.is_dir() => m,
                Ok(_) => return Err(missing()),
                Err(e) if is_not_found(&e) => return Err(missing()),
                Err(e) => return Err(io_err("stat", &path)(e)),
            };
            let sidecar = meta::load(&self.layout, bucket, key.as_str()).await;
            // Same rule as listings: a directory is a marker object if someone
            // PUT it as one or if it is empty; otherwise it is only a prefix.
            if sidecar.is_none() && !dir_is_empty(&path).await? {
                return Err(missing());
            }
            return Ok(Found { info: meta::describe_marker(&stat, sidecar), path, file: None });
        }

        let file = match tokio::fs::File::open(&path).await {
            Ok(f) => f,
            Err(e) if is_not_found(&e) => return Err(missing()),
            Err(e) => return Err(io_err("open object", &path)(e)),
        };
        // Stat the open handle, not the path: it is the file that will be read
        // even if the path is replaced by a rename right now.
        let stat = file.metadata().await.map_err(io_err("stat object", &path))?;
        if !stat.is_file() {
            return Err(missing());
        }
        let sidecar = meta::load(&self.layout, bucket, key.as_str()).await;
        Ok(Found { info: meta::describe_file(&stat, sidecar), path, file: Some(file) })
    }

    pub(crate) async fn do_get_object(&self, input: GetObjectInput) -> Result<GetObjectOutput, S3Error> {
        let found = self.find_object(&input.bucket, &input.key).await?;
        let info = &found.info;
        let conditions = Conditions {
            if_match: input.if_match.as_ref(),
            if_none_match: input.if_none_match.as_ref(),
            if_modified_since: input.if_modified_since.as_ref(),
            if_unmodified_since: input.if_unmodified_since.as_ref(),
        };
        check_read(&conditions, info)?;
        check_part_number(input.part_number)?;

        let (start, len, content_range) = resolve_range(input.range.as_ref(), info.size)?;
        let body = match found.file {
            Some(file) => StreamingBlob::new(FileBody::new(file.into_std().await, start, len)),
            None => StreamingBlob::from(s3s::Body::empty()),
        };
        let h = &info.headers;
        Ok(GetObjectOutput {
            body: Some(body),
            content_length: Some(to_i64(len)?),
            content_range,
            accept_ranges: Some("bytes".to_owned()),
            content_type: Some(h.content_type_or_default()),
            content_encoding: h.content_encoding.clone(),
            content_disposition: h.content_disposition.clone(),
            content_language: h.content_language.clone(),
            cache_control: h.cache_control.clone(),
            metadata: h.user_metadata(),
            e_tag: Some(info.e_tag()),
            last_modified: Some(info.timestamp()),
            ..Default::default()
        })
    }

    pub(crate) async fn do_head_object(&self, input: HeadObjectInput) -> Result<HeadObjectOutput, S3Error> {
        let found = self.find_object(&input.bucket, &input.key).await?;
        let info = &found.info;
        let conditions = Conditions {
            if_match: input.if_match.as_ref(),
            if_none_match: input.if_none_match.as_ref(),
            if_modified_since: input.if_modified_since.as_ref(),
            if_unmodified_since: input.if_unmodified_since.as_ref(),
        };
        check_read(&conditions, info)?;
        check_part_number(input.part_number)?;
        let h = &info.headers;
        Ok(HeadObjectOutput {
            content_length: Some(to_i64(info.size)?),
            accept_ranges: Some("bytes".to_owned()),
            content_type: Some(h.content_type_or_default()),
            content_encoding: h.content_encoding.clone(),
            content_disposition: h.content_disposition.clone(),
            content_language: h.content_language.clone(),
            cache_control: h.cache_control.clone(),
            metadata: h.user_metadata(),
            e_tag: Some(info.e_tag()),
            last_modified: Some(info.timestamp()),
            ..Default::default()
        })
    }
}

async fn dir_is_empty(path: &std::path::Path) -> Result<bool, S3Error> {
    let mut entries = tokio::fs::read_dir(path).await.map_err(io_err("read directory", path))?;
    Ok(entries.next_entry().await.map_err(io_err("read directory", path))?.is_none())
}

/// Objects are stored whole, so only part 1 (the whole object, as S3 answers
/// for single-part objects) can be served by part number.
fn check_part_number(part_number: Option<i32>) -> Result<(), S3Error> {
    match part_number {
        None | Some(1) => Ok(()),
        Some(n) => Err(S3Error::with_message(
            S3ErrorCode::InvalidArgument,
            format!("Part number {n} is not available: objects are served whole"),
        )),
    }
}

/// Start offset, length and Content-Range for a (possibly absent) Range header.
fn resolve_range(range: Option<&Range>, size: u64) -> Result<(u64, u64, Option<String>), S3Error> {
    let Some(range) = range else { return Ok((0, size, None)) };
    let r = range.check(size).map_err(|_| {
        S3Error::with_message(
            S3ErrorCode::InvalidRange,
            format!("The requested range is not satisfiable (object size {size})"),
        )
    })?;
    Ok((r.start, r.end - r.start, Some(format!("bytes {}-{}/{size}", r.start, r.end - 1))))
}

fn to_i64(n: u64) -> Result<i64, S3Error> {
    i64::try_from(n).map_err(|_| S3Error::with_message(S3ErrorCode::InternalError, "object too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(header: &str, size: u64) -> Result<(u64, u64, Option<String>), S3ErrorCode> {
        let r = Range::parse(header).unwrap();
        resolve_range(Some(&r), size).map_err(|e| e.code().clone())
    }

    #[test]
    fn ranges() {
        assert_eq!(resolve_range(None, 10).unwrap(), (0, 10, None));
        assert_eq!(range("bytes=0-0", 10), Ok((0, 1, Some("bytes 0-0/10".into()))));
        assert_eq!(range("bytes=2-5", 10), Ok((2, 4, Some("bytes 2-5/10".into()))));
        // Open-ended and past-the-end ranges are clamped.
        assert_eq!(range("bytes=7-", 10), Ok((7, 3, Some("bytes 7-9/10".into()))));
        assert_eq!(range("bytes=7-100", 10), Ok((7, 3, Some("bytes 7-9/10".into()))));
        // Suffix ranges: the last N bytes, all of them if N exceeds the size.
        assert_eq!(range("bytes=-3", 10), Ok((7, 3, Some("bytes 7-9/10".into()))));
        assert_eq!(range("bytes=-30", 10), Ok((0, 10, Some("bytes 0-9/10".into()))));
        assert_eq!(range("bytes=10-", 10), Err(S3ErrorCode::InvalidRange));
        assert_eq!(range("bytes=-0", 10), Err(S3ErrorCode::InvalidRange));
        assert_eq!(range("bytes=0-", 0), Err(S3ErrorCode::InvalidRange));
    }

    #[test]
    fn part_numbers() {
        assert!(check_part_number(None).is_ok());
        assert!(check_part_number(Some(1)).is_ok());
        assert!(check_part_number(Some(2)).is_err());
    }
}
