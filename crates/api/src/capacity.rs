//! Parsing of the size strings that capacity settings are written in.
//!
//! The model keeps CPU, memory and disk sizes as strings (`"4vCPU"`,
//! `"16 GB"`, `"20GB"`), and Spark configuration uses its own byte-size
//! syntax (`"2g"`, `"512m"`); schedulers need numbers. Parsing is slightly
//! more lenient than validation (surrounding whitespace, a unit-less disk)
//! because stored values may have been normalised by [`format_cpu`] and
//! friends.

use crate::error::ApiError;
use crate::validate::{cpu_size, disk_size, is_java_space, memory_size};

/// Leading decimal digits of an already pattern-checked size string.
fn leading_number(s: &str, what: &str, original: &str) -> Result<u32, ApiError> {
    let digits: &str = &s[..s.bytes().take_while(u8::is_ascii_digit).count()];
    digits.parse::<u32>().map_err(|_| ApiError::validation(format!("{what} value '{original}' is too large")))
}

/// Whole vCPUs in a `CpuSize` string: `"4"`, `"4vCPU"`, `"4 vcpu"`, `"4 VCPU"`.
pub fn parse_cpu(value: &str) -> Result<u32, ApiError> {
    let s = value.trim();
    if !cpu_size(s) {
        return Err(ApiError::validation(format!(
            "Invalid cpu value '{value}': expected a whole number of vCPUs such as '4vCPU' or '4 vCPU'"
        )));
    }
    leading_number(s, "cpu", value)
}

/// Whole gigabytes in a `MemorySize` string: `"16"`, `"16GB"`, `"16 gb"`.
pub fn parse_memory_gb(value: &str) -> Result<u32, ApiError> {
    let s = value.trim();
    if !memory_size(s) {
        return Err(ApiError::validation(format!(
            "Invalid memory value '{value}': expected a whole number of GB such as '16GB' or '16 GB'"
        )));
    }
    leading_number(s, "memory", value)
}

/// Whole gigabytes in a `DiskSize` string: `"20GB"`, `"20 gb"`; a bare
/// number is accepted as GB too.
pub fn parse_disk_gb(value: &str) -> Result<u32, ApiError> {
    let s = value.trim();
    if !(disk_size(s) || memory_size(s)) {
        return Err(ApiError::validation(format!(
            "Invalid disk value '{value}': expected a whole number of GB such as '20GB' or '20 GB'"
        )));
    }
    leading_number(s, "disk", value)
}

/// Canonical form AWS reports CPU sizes in: `"4 vCPU"`.
pub fn format_cpu(vcpu: u32) -> String {
    format!("{vcpu} vCPU")
}

/// Canonical form AWS reports memory sizes in: `"16 GB"`.
pub fn format_memory_gb(gb: u32) -> String {
    format!("{gb} GB")
}

/// Canonical form AWS reports disk sizes in: `"20 GB"`.
pub fn format_disk_gb(gb: u32) -> String {
    format!("{gb} GB")
}

/// A Spark byte-size string (`spark.executor.memory` and the like) in MiB,
/// following Spark's `JavaUtils.byteStringAsMb`: an integer with an optional
/// case-insensitive unit `b`, `k`/`kb`, `m`/`mb`, `g`/`gb`, `t`/`tb`,
/// `p`/`pb`; no unit means MiB. Sub-MiB remainders are truncated, as Spark does.
pub fn parse_spark_memory_mb(value: &str) -> Result<u64, ApiError> {
    let invalid = || {
        ApiError::validation(format!(
            "Invalid memory size '{value}': expected an integer with an optional unit (b, k, m, g, t, p), such as '2g' or '512m'"
        ))
    };
    let s = value.trim_matches(is_java_space).to_ascii_lowercase();
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 {
        return Err(invalid());
    }
    let number: u64 = s[..n].parse().map_err(|_| invalid())?;
    let mib = match &s[n..] {
        "b" => Some(number / (1024 * 1024)),
        "k" | "kb" => Some(number / 1024),
        "" | "m" | "mb" => Some(number),
        "g" | "gb" => number.checked_mul(1024),
        "t" | "tb" => number.checked_mul(1024 * 1024),
        "p" | "pb" => number.checked_mul(1024 * 1024 * 1024),
        _ => return Err(invalid()),
    };
    mib.ok_or_else(invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu() {
        for (s, want) in
            [("4", 4), ("4vCPU", 4), ("4 vCPU", 4), ("16 vcpu", 16), ("2VCPU", 2), (" 8 vCPU ", 8), ("400 vCPU", 400)]
        {
            assert_eq!(parse_cpu(s).unwrap(), want, "{s}");
        }
        for s in ["", "0", "04vCPU", "4 cpu", "4  vCPU", "4.5vCPU", "vCPU", "-1", "4Vcpu"] {
            assert!(parse_cpu(s).is_err(), "{s}");
        }
        assert!(parse_cpu("99999999999 vCPU").is_err());
    }

    #[test]
    fn memory_and_disk() {
        for (s, want) in [("16", 16), ("16GB", 16), ("16 gb", 16), ("3000 GB", 3000), ("8Gb", 8)] {
            assert_eq!(parse_memory_gb(s).unwrap(), want, "{s}");
        }
        for s in ["", "16MB", "16 G", "0GB", "1.5GB", "GB"] {
            assert!(parse_memory_gb(s).is_err(), "{s}");
        }
        for (s, want) in [("20GB", 20), ("20 gb", 20), ("200", 200), ("2000 GB", 2000)] {
            assert_eq!(parse_disk_gb(s).unwrap(), want, "{s}");
        }
        for s in ["", "20TB", "0GB", "x"] {
            assert!(parse_disk_gb(s).is_err(), "{s}");
        }
    }

    #[test]
    fn formats_round_trip() {
        assert_eq!(format_cpu(4), "4 vCPU");
        assert_eq!(parse_cpu(&format_cpu(4)).unwrap(), 4);
        assert_eq!(format_memory_gb(16), "16 GB");
        assert_eq!(parse_memory_gb(&format_memory_gb(16)).unwrap(), 16);
        assert_eq!(parse_disk_gb(&format_disk_gb(20)).unwrap(), 20);
    }

    #[test]
    fn spark_memory() {
        for (s, want) in [
            ("2g", 2048),
            ("2G", 2048),
            ("2gb", 2048),
            ("512m", 512),
            ("512MB", 512),
            ("1024", 1024),
            ("1t", 1024 * 1024),
            ("1536k", 1),
            ("1048576b", 1),
            (" 4g ", 4096),
        ] {
            assert_eq!(parse_spark_memory_mb(s).unwrap(), want, "{s}");
        }
        for s in ["", "g", "1.5g", "2x", "-1g", "2 g", "99999999999999999999"] {
            assert!(parse_spark_memory_mb(s).is_err(), "{s}");
        }
        assert!(parse_spark_memory_mb("18446744073709551615p").is_err());
    }
}
