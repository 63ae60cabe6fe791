//! Verification of the flexible checksums (`x-amz-checksum-*`) clients send.
//!
//! Recent AWS SDKs and CLIs attach a CRC32/CRC64NVME/SHA checksum to every
//! upload, often as an HTTP trailer after an aws-chunked body. Checking it
//! catches corruption in transit before a damaged object is renamed into
//! place; it costs one extra pass over bytes already in memory.

use s3s::checksum::ChecksumHasher;
use s3s::crypto::{Checksum as _, Crc32, Crc32c, Crc64Nvme, Sha1, Sha256};
use s3s::dto::{Checksum, ChecksumAlgorithm};
use s3s::{S3Error, S3ErrorCode, TrailingHeaders};

/// The checksums declared for one upload, and hashers for them.
pub(crate) struct ChecksumCheck {
    hasher: ChecksumHasher,
    expected: Checksum,
}

impl ChecksumCheck {
    /// `algorithm` is `x-amz-sdk-checksum-algorithm` (value possibly arriving in a
    /// trailer); `expected` holds the values sent as headers.
    pub(crate) fn new(algorithm: Option<&ChecksumAlgorithm>, expected: Checksum) -> Result<Self, S3Error> {
        let mut hasher = ChecksumHasher::default();
        let wants = |alg: &str, value: &Option<String>| {
            value.is_some() || algorithm.is_some_and(|a| a.as_str().eq_ignore_ascii_case(alg))
        };
        if wants(ChecksumAlgorithm::CRC32, &expected.checksum_crc32) {
            hasher.crc32 = Some(Crc32::new());
        }
        if wants(ChecksumAlgorithm::CRC32C, &expected.checksum_crc32c) {
            hasher.crc32c = Some(Crc32c::new());
        }
        if wants(ChecksumAlgorithm::CRC64NVME, &expected.checksum_crc64nvme) {
            hasher.crc64nvme = Some(Crc64Nvme::new());
        }
        if wants(ChecksumAlgorithm::SHA1, &expected.checksum_sha1) {
            hasher.sha1 = Some(Sha1::new());
        }
        if wants(ChecksumAlgorithm::SHA256, &expected.checksum_sha256) {
            hasher.sha256 = Some(Sha256::new());
        }
        if let Some(alg) = algorithm {
            let known = [
                ChecksumAlgorithm::CRC32,
                ChecksumAlgorithm::CRC32C,
                ChecksumAlgorithm::CRC64NVME,
                ChecksumAlgorithm::SHA1,
                ChecksumAlgorithm::SHA256,
            ];
            if !known.iter().any(|k| alg.as_str().eq_ignore_ascii_case(k)) {
                return Err(S3Error::with_message(
                    S3ErrorCode::InvalidArgument,
                    format!("unsupported checksum algorithm {:?}", alg.as_str()),
                ));
            }
        }
        Ok(ChecksumCheck { hasher, expected })
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        self.hasher.update(data);
    }

    /// Compares after the body was fully read (trailers only exist by then).
    pub(crate) fn verify(self, trailers: Option<&TrailingHeaders>) -> Result<(), S3Error> {
        let mut expected = self.expected;
        if let Some(map) = trailers.and_then(TrailingHeaders::take) {
            let value = |name: &str| map.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
            let fields = [
                ("x-amz-checksum-crc32", &mut expected.checksum_crc32),
                ("x-amz-checksum-crc32c", &mut expected.checksum_crc32c),
                ("x-amz-checksum-crc64nvme", &mut expected.checksum_crc64nvme),
                ("x-amz-checksum-sha1", &mut expected.checksum_sha1),
                ("x-amz-checksum-sha256", &mut expected.checksum_sha256),
            ];
            for (name, slot) in fields {
                if let Some(v) = value(name) {
                    *slot = Some(v);
                }
            }
        }
        let actual = self.hasher.finalize();
        let pairs = [
            ("CRC32", &expected.checksum_crc32, &actual.checksum_crc32),
            ("CRC32C", &expected.checksum_crc32c, &actual.checksum_crc32c),
            ("CRC64NVME", &expected.checksum_crc64nvme, &actual.checksum_crc64nvme),
            ("SHA1", &expected.checksum_sha1, &actual.checksum_sha1),
            ("SHA256", &expected.checksum_sha256, &actual.checksum_sha256),
        ];
        for (name, want, got) in pairs {
            if let (Some(want), Some(got)) = (want, got) {
                if want != got {
                    return Err(S3Error::with_message(
                        S3ErrorCode::BadDigest,
                        format!("The {name} you specified did not match the calculated checksum."),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Checks `Content-MD5` (base64) against the MD5 of the received bytes.
pub(crate) fn verify_content_md5(content_md5: Option<&str>, md5: &[u8; 16]) -> Result<(), S3Error> {
    let Some(b64) = content_md5 else { return Ok(()) };
    let expected = decode_base64(b64.trim()).filter(|d| d.len() == 16).ok_or_else(|| {
        S3Error::with_message(S3ErrorCode::InvalidDigest, "The Content-MD5 you specified is not valid.")
    })?;
    if expected != md5 {
        return Err(S3Error::with_message(
            S3ErrorCode::BadDigest,
            "The Content-MD5 you specified did not match what we received.",
        ));
    }
    Ok(())
}

/// Minimal standard-alphabet base64 decoding (Content-MD5 is the only user).
fn decode_base64(s: &str) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    }
    let s = s.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    for chunk in s.chunks(4) {
        let mut acc = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            acc |= val(c)? << (18 - 6 * i);
        }
        let bytes = acc.to_be_bytes();
        match chunk.len() {
            4 => out.extend_from_slice(&bytes[1..4]),
            3 => out.extend_from_slice(&bytes[1..3]),
            2 => out.push(bytes[1]),
            _ => return None,
        }
    }
    Some(out)
}

/// The checksum fields a PutObject or UploadPart input carries (the two
/// inputs are distinct types with the same members).
macro_rules! expected_checksum {
    ($input:expr) => {
        s3s::dto::Checksum {
            checksum_crc32: $input.checksum_crc32,
            checksum_crc32c: $input.checksum_crc32c,
            checksum_crc64nvme: $input.checksum_crc64nvme,
            checksum_sha1: $input.checksum_sha1,
            checksum_sha256: $input.checksum_sha256,
            ..s3s::dto::Checksum::default()
        }
    };
}
pub(crate) use expected_checksum;

/// What a request claims about its body, checked as the body is received.
pub(crate) struct BodyClaims<'a> {
    pub content_length: Option<i64>,
    pub content_md5: Option<&'a str>,
    pub algorithm: Option<&'a ChecksumAlgorithm>,
    pub expected: Checksum,
    pub trailers: Option<&'a TrailingHeaders>,
}

/// Streams `body` into a temporary file of `layout`, verifying its length,
/// Content-MD5 and `x-amz-checksum-*` claims; nothing is published here.
pub(crate) async fn receive_body(
    layout: &crate::layout::Layout,
    body: Option<s3s::dto::StreamingBlob>,
    claims: BodyClaims<'_>,
) -> Result<crate::durable::Staged, S3Error> {
    let mut check = ChecksumCheck::new(claims.algorithm, claims.expected)?;
    let mut tmp = crate::durable::TmpFile::create(layout).await?;
    if let Some(body) = body {
        tmp.write_stream(body, |chunk| check.update(chunk)).await?;
    }
    let staged = tmp.finish().await?;
    if claims.content_length.is_some_and(|len| u64::try_from(len).ok() != Some(staged.size)) {
        return Err(S3Error::with_message(S3ErrorCode::IncompleteBody, "body length differs from Content-Length"));
    }
    verify_content_md5(claims.content_md5, &staged.md5.unwrap_or_default())?;
    check.verify(claims.trailers)?;
    Ok(staged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_md5() {
        // md5("hello") = 5d41402abc4b2a76b9719d911017c592, base64 XUFAKrxLKna5cZ2REBfFkg==
        let md5: [u8; 16] = s3s::crypto::Md5::checksum(b"hello");
        verify_content_md5(Some("XUFAKrxLKna5cZ2REBfFkg=="), &md5).unwrap();
        let err = verify_content_md5(Some("AAAAKrxLKna5cZ2REBfFkg=="), &md5).unwrap_err();
        assert_eq!(*err.code(), S3ErrorCode::BadDigest);
        let err = verify_content_md5(Some("not base64!"), &md5).unwrap_err();
        assert_eq!(*err.code(), S3ErrorCode::InvalidDigest);
        verify_content_md5(None, &md5).unwrap();
    }

    #[test]
    fn crc32_header_is_checked() {
        // CRC32("hello") = 0x3610a686 -> base64 "NhCmhg=="
        let good = Checksum { checksum_crc32: Some("NhCmhg==".into()), ..Checksum::default() };
        let mut check = ChecksumCheck::new(None, good).unwrap();
        check.update(b"hello");
        check.verify(None).unwrap();

        let bad = Checksum { checksum_crc32: Some("AAAAAA==".into()), ..Checksum::default() };
        let mut check = ChecksumCheck::new(None, bad).unwrap();
        check.update(b"hello");
        assert_eq!(*check.verify(None).unwrap_err().code(), S3ErrorCode::BadDigest);
    }
}
