//! Typed condition values: numbers, dates, IP ranges, booleans and base64 binaries.
//!
//! The same parsers read the policy's values (where a failure refuses the document) and the
//! request's values (where a failure just means "does not match"), so both sides agree on
//! what a valid number or date is.

use chrono::{DateTime, NaiveDate, Utc};
use std::net::IpAddr;

/// A number as AWS's Numeric operators read it: integers and decimals, no `inf`/`NaN`.
pub(crate) fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    // Rust's float parser also accepts "inf" and "NaN", which are not IAM numbers.
    let plausible = !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
    if !plausible {
        return None;
    }
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A date as AWS accepts it: ISO 8601 / RFC 3339 (`2019-07-16T12:00:00Z`), a date alone
/// (`2019-07-16`, midnight UTC) or epoch seconds (`1563278400`).
pub(crate) fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    // chrono's RFC 3339 parser wants seconds; AWS examples also write `2020-01-01T00:00Z`.
    if let Some(without_seconds) = s.strip_suffix('Z').filter(|p| p.len() == 16) {
        if let Ok(d) = DateTime::parse_from_rfc3339(&format!("{without_seconds}:00Z")) {
            return Some(d.with_timezone(&Utc));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|dt| dt.and_utc());
    }
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse::<i64>().ok().and_then(|secs| DateTime::from_timestamp(secs, 0));
    }
    None
}

/// `true`/`false`, case-insensitively, as the Bool operator compares them.
pub(crate) fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// An address range of IpAddress/NotIpAddress: `203.0.113.0/24`, `2001:DB8::/32`, or a
/// bare address meaning that one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cidr {
    V4(u32, u8),
    V6(u128, u8),
}

impl Cidr {
    pub(crate) fn parse(s: &str) -> Option<Cidr> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) if !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) => (a, Some(p.parse::<u8>().ok()?)),
            Some(_) => return None,
            None => (s, None),
        };
        match addr.parse::<IpAddr>().ok()? {
            IpAddr::V4(a) => {
                let p = prefix.unwrap_or(32);
                (p <= 32).then_some(Cidr::V4(u32::from(a), p))
            }
            IpAddr::V6(a) => {
                let p = prefix.unwrap_or(128);
                (p <= 128).then_some(Cidr::V6(u128::from(a), p))
            }
        }
    }

    /// Whether the request's source address `ip` falls in this range. An IPv4-mapped IPv6
    /// address (`::ffff:1.2.3.4`, what a dual-stack listener reports) counts as IPv4.
    pub(crate) fn contains(&self, ip: &str) -> bool {
        let Ok(addr) = ip.trim().parse::<IpAddr>() else {
            return false;
        };
        let addr = match addr {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(IpAddr::V6(v6)),
            v4 => v4,
        };
        match (self, addr) {
            (Cidr::V4(net, p), IpAddr::V4(a)) => same_prefix_v4(*net, u32::from(a), *p),
            (Cidr::V6(net, p), IpAddr::V6(a)) => same_prefix_v6(*net, u128::from(a), *p),
            _ => false,
        }
    }
}

fn same_prefix_v4(net: u32, addr: u32, prefix: u8) -> bool {
    // A shift by the full width overflows, so /0 is handled apart.
    prefix == 0 || (net ^ addr) >> (32 - u32::from(prefix)) == 0
}

fn same_prefix_v6(net: u128, addr: u128, prefix: u8) -> bool {
    prefix == 0 || (net ^ addr) >> (128 - u32::from(prefix)) == 0
}

/// Standard base64 (with or without padding), for BinaryEquals.
pub(crate) fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let s = s.trim().trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // One leftover sextet cannot encode a byte: the input was truncated.
    (bits < 6).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_number("10"), Some(10.0));
        assert_eq!(parse_number("-1.5"), Some(-1.5));
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number("ten"), None);
        assert_eq!(parse_number(""), None);
    }

    #[test]
    fn dates() {
        let d = parse_date("2019-07-16T12:00:00Z").map(|d| d.timestamp());
        assert_eq!(d, Some(1563278400));
        assert_eq!(parse_date("2019-07-16").map(|d| d.timestamp()), Some(1563235200));
        assert_eq!(parse_date("1563278400").map(|d| d.timestamp()), Some(1563278400));
        assert_eq!(parse_date("2019-07-16T12:00Z").map(|d| d.timestamp()), Some(1563278400));
        assert_eq!(parse_date("2019-07-16T14:00:00+02:00").map(|d| d.timestamp()), Some(1563278400));
        assert_eq!(parse_date("yesterday"), None);
    }

    #[test]
    fn cidrs() {
        let net = Cidr::parse("203.0.113.0/24").expect("valid");
        assert!(net.contains("203.0.113.7"));
        assert!(net.contains("::ffff:203.0.113.7"));
        assert!(!net.contains("203.0.114.7"));
        assert!(!net.contains("not an ip"));
        let v6 = Cidr::parse("2001:DB8:1234:5678::/64").expect("valid");
        assert!(v6.contains("2001:db8:1234:5678::1"));
        assert!(!v6.contains("2001:db8:1234:5679::1"));
        assert!(!v6.contains("203.0.113.7"));
        assert!(Cidr::parse("0.0.0.0/0").expect("valid").contains("8.8.8.8"));
        assert!(Cidr::parse("10.0.0.1").expect("valid").contains("10.0.0.1"));
        assert!(!Cidr::parse("10.0.0.1").expect("valid").contains("10.0.0.2"));
        assert_eq!(Cidr::parse("10.0.0.0/33"), None);
        assert_eq!(Cidr::parse("10.0.0.0/"), None);
        assert_eq!(Cidr::parse("banana"), None);
    }

    #[test]
    fn base64() {
        assert_eq!(decode_base64("QmluYXJ5VmFsdWVJbkJhc2U2NA==").as_deref(), Some(&b"BinaryValueInBase64"[..]));
        assert_eq!(decode_base64("aGk").as_deref(), Some(&b"hi"[..]));
        assert_eq!(decode_base64("a"), None);
        assert_eq!(decode_base64("!!"), None);
    }
}
