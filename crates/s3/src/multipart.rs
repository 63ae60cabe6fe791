//! Multipart upload operations: how `aws s3 cp`, boto3 and S3A move large files.
//!
//! Parts are staged like any other write and renamed into the upload's
//! directory; completion concatenates them into one temp file (a kernel copy,
//! nothing re-hashed) and publishes it with the S3-style ETag
//! `md5(part md5s)-N`, so clients that verify multipart ETags accept it.

use std::collections::HashMap;

use s3s::dto::{
    AbortMultipartUploadInput, AbortMultipartUploadOutput, CompleteMultipartUploadInput, CompleteMultipartUploadOutput,
    CopyPartResult, CreateMultipartUploadInput, CreateMultipartUploadOutput, ETag, Timestamp, UploadPartCopyInput,
    UploadPartCopyOutput, UploadPartInput, UploadPartOutput,
};
use s3s::{S3Error, S3ErrorCode, S3Request};

use crate::checksum::{expected_checksum, receive_body, BodyClaims};
use crate::conditions::Conditions;
use crate::durable::{concat_unhashed, Staged, TmpFile};
use crate::error::{io_err, no_such_upload, StoreError};
use crate::keys::ObjectKey;
use crate::meta::{multipart_etag, ns_to_time, Headers};
use crate::ops_write::copy_source_conditions;
use crate::uploads::{list_parts, remove_upload_dir, PartFile, MAX_PART_NUMBER};
use crate::FsBackend;

/// S3's minimum size of every part but the last.
const MIN_PART_SIZE: u64 = 5 * 1024 * 1024;

impl FsBackend {
    pub(crate) async fn do_create_multipart_upload(
        &self,
        input: CreateMultipartUploadInput,
    ) -> Result<CreateMultipartUploadOutput, S3Error> {
        self.layout.bucket_dir(&input.bucket).await?;
        let key = ObjectKey::parse(&input.key)?;
        if key.is_dir_marker() {
            return Err(
                StoreError::InvalidKey { key: input.key, reason: "a key ending in '/' cannot hold data" }.into()
            );
        }
        let headers = Headers {
            content_type: input.content_type,
            content_encoding: input.content_encoding,
            content_disposition: input.content_disposition,
            content_language: input.content_language,
            cache_control: input.cache_control,
            user: input.metadata.unwrap_or_default().into_iter().collect(),
        };
        let upload_id = self.create_upload(&input.bucket, &input.key, headers).await?;
        Ok(CreateMultipartUploadOutput {
            bucket: Some(input.bucket),
            key: Some(input.key),
            upload_id: Some(upload_id),
            ..Default::default()
        })
    }

    pub(crate) async fn do_upload_part(&self, req: S3Request<UploadPartInput>) -> Result<UploadPartOutput, S3Error> {
        let S3Request { input, trailing_headers, .. } = req;
        let (dir, _) = self.load_upload(&input.upload_id, &input.bucket, &input.key).await?;
        check_part_number(input.part_number)?;
        let claims = BodyClaims {
            content_length: input.content_length,
            content_md5: input.content_md5.as_deref(),
            algorithm: input.checksum_algorithm.as_ref(),
            expected: expected_checksum!(input),
            trailers: trailing_headers.as_ref(),
        };
        let staged = receive_body(&self.layout, input.body, claims).await?;
        let (etag, _) = store_part(staged, &dir, input.part_number, &input.upload_id).await?;
        Ok(UploadPartOutput { e_tag: Some(ETag::Strong(etag)), ..Default::default() })
    }

    pub(crate) async fn do_upload_part_copy(
        &self,
        input: UploadPartCopyInput,
    ) -> Result<UploadPartCopyOutput, S3Error> {
        let (dir, _) = self.load_upload(&input.upload_id, &input.bucket, &input.key).await?;
        check_part_number(input.part_number)?;
        let src = self.copy_source(&input.copy_source, copy_source_conditions!(input)).await?;
        let (start, len) = copy_range(input.copy_source_range.as_deref(), src.info.size)?;
        let mut tmp = TmpFile::create(&self.layout).await?;
        if let Some(mut file) = src.file {
            tmp.copy_from(&mut file, &src.path, start, len).await?;
        }
        let staged = tmp.finish().await?;
        let (etag, mtime_ns) = store_part(staged, &dir, input.part_number, &input.upload_id).await?;
        Ok(UploadPartCopyOutput {
            copy_part_result: Some(CopyPartResult {
                e_tag: Some(ETag::Strong(etag)),
                last_modified: Some(Timestamp::from(ns_to_time(mtime_ns))),
                ..Default::default()
            }),
            ..Default::default()
        })
    }

    pub(crate) async fn do_complete_multipart_upload(
        &self,
        input: CompleteMultipartUploadInput,
    ) -> Result<CompleteMultipartUploadOutput, S3Error> {
        let (dir, manifest) = self.load_upload(&input.upload_id, &input.bucket, &input.key).await?;
        let requested = input.multipart_upload.and_then(|m| m.parts).unwrap_or_default();
        if requested.is_empty() {
            return Err(S3Error::with_message(S3ErrorCode::MalformedXML, "You must specify at least one part"));
        }
        let stored: HashMap<(i32, String), PartFile> =
            list_parts(&dir).await?.into_iter().map(|p| ((p.number, p.md5.clone()), p)).collect();
        let mut chosen = Vec::with_capacity(requested.len());
        let mut previous = 0;
        for part in &requested {
            let number = part.part_number.ok_or_else(|| invalid_part("a part has no part number"))?;
            if number <= previous {
                return Err(S3Error::with_message(
                    S3ErrorCode::InvalidPartOrder,
                    "The list of parts was not in ascending order. Parts must be ordered by part number.",
                ));
            }
            previous = number;
            let etag = part.e_tag.as_ref().map(|e| e.value().to_ascii_lowercase()).unwrap_or_default();
            let file = stored
                .get(&(number, etag))
                .ok_or_else(|| invalid_part(&format!("part {number} was not uploaded or its ETag does not match")))?;
            chosen.push(file.clone());
        }
        if let Some(small) = chosen.iter().rev().skip(1).find(|p| p.size < MIN_PART_SIZE) {
            return Err(S3Error::with_message(
                S3ErrorCode::EntityTooSmall,
                format!("part {} is smaller than the 5 MiB minimum for all but the last part", small.number),
            ));
        }
        let bucket_dir = self.layout.bucket_dir(&input.bucket).await?;

        // Concatenating gigabytes takes a while; s3s keeps the connection
        // alive with whitespace while this future runs, as S3 itself does.
        let this = self.clone();
        let (bucket, key) = (input.bucket, input.key);
        let future = async move {
            let object_key = ObjectKey::parse(&key)?;
            let parts = chosen.iter().map(|p| (p.path.clone(), p.size)).collect();
            let staged = concat_unhashed(&this.layout, parts).await?;
            let md5s: Vec<[u8; 16]> = chosen.iter().map(PartFile::md5_bytes).collect();
            let etag = multipart_etag(&md5s);
            this.publish(staged, &bucket, &bucket_dir, &object_key, etag.clone(), manifest.headers, None).await?;
            remove_upload_dir(&dir).await;
            Ok(CompleteMultipartUploadOutput {
                location: Some(format!("/{bucket}/{key}")),
                bucket: Some(bucket),
                key: Some(key),
                e_tag: Some(ETag::Strong(etag)),
                ..Default::default()
            })
        };
        Ok(CompleteMultipartUploadOutput { future: Some(Box::pin(future)), ..Default::default() })
    }

    pub(crate) async fn do_abort_multipart_upload(
        &self,
        input: AbortMultipartUploadInput,
    ) -> Result<AbortMultipartUploadOutput, S3Error> {
        let (dir, _) = self.load_upload(&input.upload_id, &input.bucket, &input.key).await?;
        remove_upload_dir(&dir).await;
        Ok(AbortMultipartUploadOutput::default())
    }
}

/// Renames a staged part into the upload directory and drops older versions
/// of the same part number. Returns the part's ETag and mtime.
async fn store_part(
    staged: Staged,
    dir: &std::path::Path,
    number: i32,
    upload_id: &str,
) -> Result<(String, i128), S3Error> {
    let etag = hex::encode(staged.md5.unwrap_or_default());
    let mtime_ns = staged.mtime_ns;
    let dest = dir.join(PartFile::file_name(number, &etag));
    match staged.rename_to(&dest).await {
        Ok(()) => {}
        // Aborted (or completed) while the part was uploading.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(no_such_upload(upload_id)),
        Err(e) => return Err(io_err("store part", &dest)(e)),
    }
    // Names only, no stat: this runs once per part, and uploads can have 10,000.
    let keep = PartFile::file_name(number, &etag);
    let same_number = format!("{number:05}.");
    let mut entries = tokio::fs::read_dir(dir).await.map_err(io_err("read upload", dir))?;
    while let Some(entry) = entries.next_entry().await.map_err(io_err("read upload", dir))? {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.starts_with(&same_number) && name != keep {
            let _ = tokio::fs::remove_file(entry.path()).await;
        }
    }
    Ok((etag, mtime_ns))
}

fn check_part_number(n: i32) -> Result<(), S3Error> {
    if (1..=MAX_PART_NUMBER).contains(&n) {
        Ok(())
    } else {
        Err(S3Error::with_message(S3ErrorCode::InvalidArgument, "Part number must be an integer between 1 and 10000"))
    }
}

fn invalid_part(detail: &str) -> S3Error {
    S3Error::with_message(
        S3ErrorCode::InvalidPart,
        format!("One or more of the specified parts could not be found or did not match: {detail}"),
    )
}

/// Parses `x-amz-copy-source-range: bytes=first-last` (both required, inclusive).
fn copy_range(range: Option<&str>, size: u64) -> Result<(u64, u64), S3Error> {
    let Some(range) = range else { return Ok((0, size)) };
    let invalid =
        || S3Error::with_message(S3ErrorCode::InvalidArgument, format!("invalid copy source range {range:?}"));
    let (first, last) = range.strip_prefix("bytes=").and_then(|r| r.split_once('-')).ok_or_else(invalid)?;
    let first: u64 = first.trim().parse().map_err(|_| invalid())?;
    let last: u64 = last.trim().parse().map_err(|_| invalid())?;
    if first > last || last >= size {
        return Err(S3Error::with_message(
            S3ErrorCode::InvalidRange,
            format!("The requested copy range {range:?} is not satisfiable (object size {size})"),
        ));
    }
    Ok((first, last - first + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_ranges() {
        assert_eq!(copy_range(None, 10).unwrap(), (0, 10));
        assert_eq!(copy_range(Some("bytes=0-9"), 10).unwrap(), (0, 10));
        assert_eq!(copy_range(Some("bytes=3-4"), 10).unwrap(), (3, 2));
        assert_eq!(*copy_range(Some("bytes=3-10"), 10).unwrap_err().code(), S3ErrorCode::InvalidRange);
        assert_eq!(*copy_range(Some("bytes=5-3"), 10).unwrap_err().code(), S3ErrorCode::InvalidRange);
        assert_eq!(*copy_range(Some("bytes=-3"), 10).unwrap_err().code(), S3ErrorCode::InvalidArgument);
        assert_eq!(*copy_range(Some("3-4"), 10).unwrap_err().code(), S3ErrorCode::InvalidArgument);
    }

    #[test]
    fn part_number_bounds() {
        assert!(check_part_number(0).is_err());
        assert!(check_part_number(1).is_ok());
        assert!(check_part_number(10_000).is_ok());
        assert!(check_part_number(10_001).is_err());
    }
}
