//! Hive's digest functions: `md5`, `sha1` (and its alias `sha`) and
//! `sha2(x, bits)`, over a string's UTF-8 bytes or a binary, as lower-case
//! hex strings (`GenericUDFMd5`, `UDFSha1`, `GenericUDFSha2`). DataFusion has
//! md5 and sha2 only behind its crypto feature, with other signatures; these
//! use the digest crates already in the build.

use std::fmt::Write;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringBuilder};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::common::Result;
use datafusion::logical_expr::{ScalarUDF, Volatility};
use md5::Digest as _;

use super::udf;

pub(super) fn udfs() -> Vec<ScalarUDF> {
    vec![
        udf("md5", &[1], Volatility::Immutable, DataType::Utf8, md5),
        udf("sha1", &[1], Volatility::Immutable, DataType::Utf8, sha1),
        udf("sha", &[1], Volatility::Immutable, DataType::Utf8, sha1),
        udf("sha2", &[2], Volatility::Immutable, DataType::Utf8, sha2),
    ]
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// `f` over each value's bytes (strings as UTF-8); NULL stays NULL.
fn each(arg: &ArrayRef, mut f: impl FnMut(&[u8]) -> Option<String>) -> Result<ArrayRef> {
    let bytes = cast(arg, &DataType::Binary)?;
    let mut out = StringBuilder::new();
    for value in bytes.as_binary::<i32>().iter() {
        out.append_option(value.and_then(&mut f));
    }
    Ok(Arc::new(out.finish()))
}

fn md5(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    each(&args[0], |b| Some(hex(&md5::Md5::digest(b))))
}

fn sha1(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    each(&args[0], |b| {
        use sha1::Digest as _;
        Some(hex(&sha1::Sha1::digest(b)))
    })
}

/// `sha2(x, bits)`: bits 224, 256 (or 0), 384 or 512; any other is NULL.
fn sha2(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    use sha2::Digest as _;
    let bytes = cast(&args[0], &DataType::Binary)?;
    let bits = cast(&args[1], &DataType::Int64)?;
    let (bytes, bits) = (bytes.as_binary::<i32>(), bits.as_primitive::<Int64Type>());
    let mut out = StringBuilder::new();
    for row in 0..bytes.len() {
        let value = (bytes.is_valid(row) && bits.is_valid(row)).then(|| (bytes.value(row), bits.value(row)));
        out.append_option(value.and_then(|(b, n)| match n {
            224 => Some(hex(&sha2::Sha224::digest(b))),
            0 | 256 => Some(hex(&sha2::Sha256::digest(b))),
            384 => Some(hex(&sha2::Sha384::digest(b))),
            512 => Some(hex(&sha2::Sha512::digest(b))),
            _ => None,
        }));
    }
    Ok(Arc::new(out.finish()))
}
