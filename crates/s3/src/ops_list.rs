//! ListObjects (v1 and v2), ListParts and ListMultipartUploads responses.
//!
//! The walk itself lives in [`crate::list`]; this module turns S3 request
//! parameters into a walk and the page into response DTOs, including the
//! `encoding-type=url` form that botocore and the Java SDK request by default
//! (they URL-decode every key in the response, so keys must be encoded).

use std::sync::Arc;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use s3s::dto::{
    CommonPrefix, ETag, EncodingType, ListMultipartUploadsInput, ListMultipartUploadsOutput, ListObjectsInput,
    ListObjectsOutput, ListObjectsV2Input, ListObjectsV2Output, ListPartsInput, ListPartsOutput, MultipartUpload,
    Object, ObjectStorageClass, Part, StorageClass, Timestamp,
};
use s3s::{S3Error, S3ErrorCode};

use crate::error::io_err;
use crate::list::{paginate, Page, Walker};
use crate::meta;
use crate::uploads::{latest_per_number, list_parts};
use crate::FsBackend;

/// S3's page size cap for every list operation.
const MAX_PAGE: i32 = 1000;

/// Everything but RFC 3986 unreserved characters and '/', so that both
/// `unquote` and `unquote_plus` style decoders restore the key exactly.
const KEY_ENCODE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~').remove(b'/');

struct Listing {
    page: Page,
    objects: Vec<Object>,
}

fn page_size(max: Option<i32>) -> usize {
    usize::try_from(max.unwrap_or(MAX_PAGE).clamp(0, MAX_PAGE)).unwrap_or(0)
}

/// Encodes `s` when the client asked for URL encoding.
fn enc(url: bool, s: String) -> String {
    if url {
        utf8_percent_encode(&s, KEY_ENCODE).to_string()
    } else {
        s
    }
}

fn wants_url(encoding: Option<&EncodingType>) -> bool {
    encoding.is_some_and(|e| e.as_str().eq_ignore_ascii_case(EncodingType::URL))
}

impl FsBackend {
    /// Walks `bucket` in a blocking thread and describes the returned objects.
    async fn list(
        &self,
        bucket: &str,
        prefix: String,
        delimiter: Option<String>,
        resume: Option<String>,
        max_keys: usize,
        url: bool,
    ) -> Result<Listing, S3Error> {
        let bucket_dir = self.layout.bucket_dir(bucket).await?;
        let (layout, bucket) = (Arc::clone(&self.layout), bucket.to_owned());
        let task = tokio::task::spawn_blocking(move || -> std::io::Result<Listing> {
            let has_marker = |k: &str| meta::marker_exists_blocking(&layout, &bucket, k);
            let delimiter = delimiter.as_deref().filter(|d| !d.is_empty());
            let walker =
                Walker::new(bucket_dir.clone(), &prefix, resume.as_deref(), delimiter == Some("/"), &has_marker);
            let page = paginate(walker, &prefix, delimiter, resume.as_deref(), max_keys)?;
            let mut objects = Vec::with_capacity(page.objects.len());
            for (key, _) in &page.objects {
                let path = bucket_dir.join(key.trim_end_matches('/'));
                let info = match meta::describe_blocking(&layout, &bucket, key, &path) {
                    Ok(info) => info,
                    // Deleted between the walk and the stat.
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => return Err(e),
                };
                objects.push(Object {
                    key: Some(enc(url, key.clone())),
                    size: i64::try_from(info.size).ok(),
                    e_tag: Some(info.e_tag()),
                    last_modified: Some(info.timestamp()),
                    storage_class: Some(ObjectStorageClass::from_static(ObjectStorageClass::STANDARD)),
                    ..Default::default()
                });
            }
            Ok(Listing { page, objects })
        });
        let root = self.layout.root().to_path_buf();
        match task.await {
            Ok(result) => result.map_err(io_err("list bucket", &root)),
            Err(e) => Err(io_err("list bucket", &root)(std::io::Error::other(e))),
        }
    }

    pub(crate) async fn do_list_objects_v2(&self, input: ListObjectsV2Input) -> Result<ListObjectsV2Output, S3Error> {
        let token = input.continuation_token.as_deref().map(decode_token).transpose()?;
        // Resume after whichever is later: the token or start-after.
        let resume = match (token, input.start_after.clone()) {
            (Some(t), Some(s)) => Some(t.max(s)),
            (t, s) => t.or(s),
        };
        let url = wants_url(input.encoding_type.as_ref());
        let prefix = input.prefix.clone().unwrap_or_default();
        let max_keys = page_size(input.max_keys);
        let listing = self.list(&input.bucket, prefix, input.delimiter.clone(), resume, max_keys, url).await?;
        let Listing { page, objects } = listing;
        let count = objects.len() + page.prefixes.len();
        Ok(ListObjectsV2Output {
            name: Some(input.bucket),
            prefix: Some(enc(url, input.prefix.unwrap_or_default())),
            delimiter: input.delimiter.map(|d| enc(url, d)),
            start_after: input.start_after.map(|s| enc(url, s)),
            continuation_token: input.continuation_token,
            next_continuation_token: page.next.as_deref().map(encode_token),
            max_keys: Some(i32::try_from(max_keys).unwrap_or(MAX_PAGE)),
            key_count: Some(i32::try_from(count).unwrap_or(MAX_PAGE)),
            is_truncated: Some(page.truncated),
            contents: (!objects.is_empty()).then_some(objects),
            common_prefixes: prefixes(page.prefixes, url),
            encoding_type: input.encoding_type,
            ..Default::default()
        })
    }

    pub(crate) async fn do_list_objects(&self, input: ListObjectsInput) -> Result<ListObjectsOutput, S3Error> {
        let url = wants_url(input.encoding_type.as_ref());
        let prefix = input.prefix.clone().unwrap_or_default();
        let max_keys = page_size(input.max_keys);
        let listing =
            self.list(&input.bucket, prefix, input.delimiter.clone(), input.marker.clone(), max_keys, url).await?;
        let Listing { page, objects } = listing;
        Ok(ListObjectsOutput {
            name: Some(input.bucket),
            prefix: Some(enc(url, input.prefix.unwrap_or_default())),
            delimiter: input.delimiter.map(|d| enc(url, d)),
            marker: Some(enc(url, input.marker.unwrap_or_default())),
            // S3 only sends NextMarker with a delimiter, but clients fall back
            // to the last key otherwise; always sending it is equivalent.
            next_marker: page.next.map(|n| enc(url, n)),
            max_keys: Some(i32::try_from(max_keys).unwrap_or(MAX_PAGE)),
            is_truncated: Some(page.truncated),
            contents: (!objects.is_empty()).then_some(objects),
            common_prefixes: prefixes(page.prefixes, url),
            encoding_type: input.encoding_type,
            ..Default::default()
        })
    }

    pub(crate) async fn do_list_parts(&self, input: ListPartsInput) -> Result<ListPartsOutput, S3Error> {
        let (dir, _) = self.load_upload(&input.upload_id, &input.bucket, &input.key).await?;
        let marker = input.part_number_marker.unwrap_or(0);
        let max = page_size(input.max_parts);
        let mut parts: Vec<_> =
            latest_per_number(list_parts(&dir).await?).into_iter().filter(|p| p.number > marker).collect();
        let truncated = parts.len() > max;
        parts.truncate(max);
        let next = truncated.then(|| parts.last().map_or(marker, |p| p.number));
        Ok(ListPartsOutput {
            bucket: Some(input.bucket),
            key: Some(input.key),
            upload_id: Some(input.upload_id),
            part_number_marker: input.part_number_marker,
            next_part_number_marker: next,
            max_parts: Some(i32::try_from(max).unwrap_or(MAX_PAGE)),
            is_truncated: Some(truncated),
            storage_class: Some(StorageClass::from_static(StorageClass::STANDARD)),
            parts: Some(
                parts
                    .into_iter()
                    .map(|p| Part {
                        part_number: Some(p.number),
                        size: i64::try_from(p.size).ok(),
                        last_modified: Some(Timestamp::from(p.modified)),
                        e_tag: Some(ETag::Strong(p.md5)),
                        ..Default::default()
                    })
                    .collect(),
            ),
            ..Default::default()
        })
    }

    pub(crate) async fn do_list_multipart_uploads(
        &self,
        input: ListMultipartUploadsInput,
    ) -> Result<ListMultipartUploadsOutput, S3Error> {
        self.layout.bucket_dir(&input.bucket).await?;
        let prefix = input.prefix.as_deref().unwrap_or("");
        let mut uploads: Vec<_> = self
            .all_uploads()
            .await?
            .into_iter()
            .filter(|(_, m)| m.bucket == input.bucket && m.key.starts_with(prefix))
            .collect();
        // S3 order: by key, then by initiation time.
        uploads.sort_by(|(ia, a), (ib, b)| (&a.key, a.initiated_ms, ia).cmp(&(&b.key, b.initiated_ms, ib)));
        let start = match (input.key_marker.as_deref(), input.upload_id_marker.as_deref()) {
            (None, _) => 0,
            (Some(km), id_marker) => {
                let after_id = id_marker.and_then(|idm| uploads.iter().position(|(id, m)| m.key == km && id == idm));
                after_id.map_or_else(|| uploads.iter().take_while(|(_, m)| m.key.as_str() <= km).count(), |i| i + 1)
            }
        };
        let max = page_size(input.max_uploads);
        let rest = uploads.split_off(start.min(uploads.len()));
        let truncated = rest.len() > max;
        let page: Vec<_> = rest.into_iter().take(max).collect();
        let (next_key, next_id) = match (truncated, page.last()) {
            (true, Some((id, m))) => (Some(m.key.clone()), Some(id.clone())),
            _ => (None, None),
        };
        Ok(ListMultipartUploadsOutput {
            bucket: Some(input.bucket),
            prefix: input.prefix,
            key_marker: input.key_marker,
            upload_id_marker: input.upload_id_marker,
            next_key_marker: next_key,
            next_upload_id_marker: next_id,
            max_uploads: Some(i32::try_from(max).unwrap_or(MAX_PAGE)),
            is_truncated: Some(truncated),
            uploads: Some(
                page.into_iter()
                    .map(|(id, m)| MultipartUpload {
                        initiated: Some(Timestamp::from(m.initiated())),
                        key: Some(m.key),
                        upload_id: Some(id),
                        storage_class: Some(StorageClass::from_static(StorageClass::STANDARD)),
                        ..Default::default()
                    })
                    .collect(),
            ),
            ..Default::default()
        })
    }
}

fn prefixes(list: Vec<String>, url: bool) -> Option<Vec<CommonPrefix>> {
    (!list.is_empty()).then(|| list.into_iter().map(|p| CommonPrefix { prefix: Some(enc(url, p)) }).collect())
}

/// Continuation tokens are opaque to clients; hex keeps them free of
/// characters that need escaping anywhere.
fn encode_token(resume: &str) -> String {
    hex::encode(resume.as_bytes())
}

fn decode_token(token: &str) -> Result<String, S3Error> {
    hex::decode(token).ok().and_then(|b| String::from_utf8(b).ok()).ok_or_else(|| {
        S3Error::with_message(S3ErrorCode::InvalidArgument, "The continuation token provided is incorrect")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encoding_round_trips_through_unquote_plus() {
        assert_eq!(enc(true, "a b+c/ü%&.txt".into()), "a%20b%2Bc/%C3%BC%25%26.txt");
        assert_eq!(enc(false, "a b".into()), "a b");
    }

    #[test]
    fn tokens() {
        let t = encode_token("dir/ключ & more");
        assert_eq!(decode_token(&t).unwrap(), "dir/ключ & more");
        assert!(decode_token("zz").is_err());
    }

    #[test]
    fn page_sizes() {
        assert_eq!(page_size(None), 1000);
        assert_eq!(page_size(Some(5000)), 1000);
        assert_eq!(page_size(Some(-1)), 0);
        assert_eq!(page_size(Some(7)), 7);
    }
}
