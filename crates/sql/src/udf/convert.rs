//! Hive's encoding functions: `hex`, `unhex`, `bin`, `conv`, `crc32` and `soundex`.
//!
//! DataFusion has `to_hex` for integers only; Hive's `hex` also takes
//! strings and binaries (two digits per byte) and prints negative numbers as
//! 64-bit two's complement (`Long.toHexString`), upper case.

use std::fmt::Write;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BinaryBuilder, StringBuilder};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::common::Result;
use datafusion::logical_expr::{ScalarUDF, Volatility};

use super::udf;

pub(super) fn udfs() -> Vec<ScalarUDF> {
    vec![
        udf("hex", &[1], Volatility::Immutable, DataType::Utf8, hex),
        udf("unhex", &[1], Volatility::Immutable, DataType::Binary, unhex),
        udf("bin", &[1], Volatility::Immutable, DataType::Utf8, bin),
        udf("conv", &[3], Volatility::Immutable, DataType::Utf8, conv),
        udf("soundex", &[1], Volatility::Immutable, DataType::Utf8, soundex),
        udf("crc32", &[1], Volatility::Immutable, DataType::Int64, crc32),
    ]
}

fn is_bytes(dt: &DataType) -> bool {
    matches!(
        dt,
        DataType::Utf8
            | DataType::LargeUtf8
            | DataType::Utf8View
            | DataType::Binary
            | DataType::LargeBinary
            | DataType::BinaryView
            | DataType::Dictionary(_, _)
    )
}

/// `hex(n | str | bin)`.
fn hex(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    let a = &args[0];
    let mut out = StringBuilder::new();
    if is_bytes(a.data_type()) {
        let bytes = cast(a, &DataType::Binary)?;
        for v in bytes.as_binary::<i32>().iter() {
            match v {
                Some(b) => out.append_value(b.iter().fold(String::new(), |mut s, x| {
                    let _ = write!(s, "{x:02X}");
                    s
                })),
                None => out.append_null(),
            }
        }
    } else {
        for v in longs(a)?.as_primitive::<Int64Type>().iter() {
            out.append_option(v.map(|v| format!("{:X}", v as u64)));
        }
    }
    Ok(Arc::new(out.finish()))
}

/// `unhex(str)`, as Hive's `UDFUnhex`: each pair of hex digits is a byte
/// (an odd-length string gets a leading 0); anything else gives NULL.
fn unhex(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    let s = cast(&args[0], &DataType::Utf8)?;
    let mut out = BinaryBuilder::new();
    for v in s.as_string::<i32>().iter() {
        out.append_option(v.and_then(unhex_bytes));
    }
    Ok(Arc::new(out.finish()))
}

fn unhex_bytes(s: &str) -> Option<Vec<u8>> {
    let padded = if s.len() % 2 == 1 { format!("0{s}") } else { s.to_string() };
    // Java's Integer.parseInt takes a sign, and the byte cast keeps the low 8 bits.
    (0..padded.len())
        .step_by(2)
        .map(|i| padded.get(i..i + 2).and_then(|pair| i32::from_str_radix(pair, 16).ok()).map(|b| b as u8))
        .collect()
}

/// `bin(n)`: binary digits of a BIGINT, two's complement for negatives.
fn bin(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    let mut out = StringBuilder::new();
    for v in longs(&args[0])?.as_primitive::<Int64Type>().iter() {
        out.append_option(v.map(|v| format!("{:b}", v as u64)));
    }
    Ok(Arc::new(out.finish()))
}

/// The argument as BIGINT, as Hive converts it (strings parse, others cast).
fn longs(a: &ArrayRef) -> Result<ArrayRef> {
    if is_bytes(a.data_type()) {
        let s = cast(a, &DataType::Utf8)?;
        let parsed: datafusion::arrow::array::Int64Array = s
            .as_string::<i32>()
            .iter()
            .map(|v| v.and_then(|v| super::parse::parse_integer(v, i64::MIN, i64::MAX)))
            .collect();
        return Ok(Arc::new(parsed));
    }
    Ok(cast(a, &DataType::Int64)?)
}

/// `conv(num, from_base, to_base)`, as Hive's `UDFConv`: the longest prefix
/// of valid digits is read as an unsigned 64-bit number (all ones on
/// overflow); a negative `to_base` prints it signed, a positive one prints a
/// negative input as two's complement. Bases outside 2..=36 give NULL.
fn conv(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    let num = cast(&args[0], &DataType::Utf8)?;
    let from = longs(&args[1])?;
    let to = longs(&args[2])?;
    let (num, from, to) = (num.as_string::<i32>(), from.as_primitive::<Int64Type>(), to.as_primitive::<Int64Type>());
    let mut out = StringBuilder::new();
    for i in 0..num.len() {
        if num.is_null(i) || from.is_null(i) || to.is_null(i) {
            out.append_null();
            continue;
        }
        out.append_option(convert_base(num.value(i), from.value(i), to.value(i)));
    }
    Ok(Arc::new(out.finish()))
}

fn convert_base(num: &str, from: i64, to: i64) -> Option<String> {
    if !(2..=36).contains(&from) || !(2..=36).contains(&to.abs()) {
        return None;
    }
    if num.is_empty() {
        return Some(String::new());
    }
    let (mut negative, digits) = match num.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, num),
    };
    let mut v: u64 = 0;
    for c in digits.chars() {
        let Some(d) = c.to_digit(from as u32) else { break };
        match v.checked_mul(from as u64).and_then(|x| x.checked_add(u64::from(d))) {
            Some(next) => v = next,
            None => {
                v = u64::MAX;
                break;
            }
        }
    }
    if negative && to > 0 {
        v = if (v as i64) < 0 { u64::MAX } else { (v as i64).wrapping_neg() as u64 };
    }
    if to < 0 && (v as i64) < 0 {
        v = (v as i64).wrapping_neg() as u64;
        negative = true;
    }
    let radix = to.unsigned_abs();
    let mut text = Vec::new();
    loop {
        let d = (v % radix) as u32;
        text.push(std::char::from_digit(d, radix as u32).unwrap_or('0').to_ascii_uppercase());
        v /= radix;
        if v == 0 {
            break;
        }
    }
    if negative && to < 0 {
        text.push('-');
    }
    Some(text.iter().rev().collect())
}

/// `crc32(str | bin)`: the CRC-32 (IEEE, as `java.util.zip.CRC32`) of the
/// bytes, as an unsigned BIGINT.
fn crc32(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    let bytes = cast(&args[0], &DataType::Binary)?;
    let out: datafusion::arrow::array::Int64Array =
        bytes.as_binary::<i32>().iter().map(|b| b.map(|b| i64::from(crc32_ieee(b)))).collect();
    Ok(Arc::new(out))
}

fn crc32_ieee(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// `soundex(str)`: American Soundex as Hive's `GenericUDFSoundex` computes
/// it (commons-codec): letters only, H and W do not separate equal codes,
/// vowels do; '' for a string without letters.
fn soundex(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    let s = cast(&args[0], &DataType::Utf8)?;
    let mut out = StringBuilder::new();
    for v in s.as_string::<i32>().iter() {
        out.append_option(v.map(soundex_code));
    }
    Ok(Arc::new(out.finish()))
}

fn soundex_code(s: &str) -> String {
    let code = |c: char| match c {
        'B' | 'F' | 'P' | 'V' => '1',
        'C' | 'G' | 'J' | 'K' | 'Q' | 'S' | 'X' | 'Z' => '2',
        'D' | 'T' => '3',
        'L' => '4',
        'M' | 'N' => '5',
        'R' => '6',
        _ => '0',
    };
    let mut letters = s.chars().filter(char::is_ascii_alphabetic).map(|c| c.to_ascii_uppercase());
    let Some(first) = letters.next() else { return String::new() };
    let mut out = String::from(first);
    let mut last = code(first);
    for c in letters {
        if out.len() == 4 {
            break;
        }
        if c == 'H' || c == 'W' {
            continue;
        }
        let d = code(c);
        if d != '0' && d != last {
            out.push(d);
        }
        last = d;
    }
    while out.len() < 4 {
        out.push('0');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{convert_base, crc32_ieee, soundex_code, unhex_bytes};

    #[test]
    fn unhex_follows_hive_examples() {
        assert_eq!(unhex_bytes("4D7953514C").as_deref(), Some(&b"MySQL"[..]));
        // An odd length gets a leading zero: HEX(UNHEX('1267')) is '1267'.
        assert_eq!(unhex_bytes("267").as_deref(), Some(&[0x02u8, 0x67][..]));
        assert_eq!(unhex_bytes("C3AA").as_deref(), Some("ê".as_bytes()));
        assert_eq!(unhex_bytes("4G"), None);
    }

    #[test]
    fn crc32_is_java_zip_crc32() {
        assert_eq!(crc32_ieee(b"ABC"), 2_743_272_264);
        assert_eq!(crc32_ieee(b""), 0);
    }

    #[test]
    fn soundex_follows_commons_codec() {
        assert_eq!(soundex_code("Miller"), "M460");
        assert_eq!(soundex_code("Pittersen"), "P362");
        assert_eq!(soundex_code("Ashcraft"), "A261");
        assert_eq!(soundex_code(""), "");
    }

    #[test]
    fn conv_follows_hive() {
        assert_eq!(convert_base("4521", 10, 36).as_deref(), Some("3HL"));
        assert_eq!(convert_base("-641", 10, -10).as_deref(), Some("-641"));
        assert_eq!(convert_base("-1", 10, 16).as_deref(), Some("FFFFFFFFFFFFFFFF"));
        assert_eq!(convert_base("9223372036854775807", 36, -16).as_deref(), Some("-1"));
        assert_eq!(convert_base("123455", 3, 10).as_deref(), Some("5"));
        assert_eq!(convert_base("131", 1, 5), None);
    }
}
