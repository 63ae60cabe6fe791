//! The `Date` shape.
//!
//! rest-json puts timestamps in bodies as epoch seconds (a JSON number that
//! may carry a fraction), while the rest of sparkplane wants an exact integer
//! it can store and compare; hence a millisecond newtype with custom serde.
//! Query-string timestamps (`createdAtAfter`, `createdAtBefore`) are sent by
//! botocore as ISO-8601, so a small parser for those lives here too. There is
//! deliberately no `now()`: this crate has no clock.

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A point in time, stored as epoch milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub const fn from_millis(millis: i64) -> Self {
        Timestamp(millis)
    }

    pub const fn from_secs(secs: i64) -> Self {
        Timestamp(secs.saturating_mul(1000))
    }

    /// Rounds to the nearest millisecond; `None` for NaN/infinite/out of range.
    pub fn from_secs_f64(secs: f64) -> Option<Self> {
        let millis = (secs * 1000.0).round();
        if !millis.is_finite() || millis.abs() > 9.0e15 {
            return None;
        }
        Some(Timestamp(millis as i64))
    }

    pub const fn as_millis(&self) -> i64 {
        self.0
    }

    pub fn as_secs_f64(&self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// Parses a timestamp as found in a query string: ISO-8601 / RFC 3339
    /// (`2025-11-21T00:00:00Z`, `2025-11-21T00:00:00.5+01:00`, also with a
    /// space instead of `T`), or plain epoch seconds (`1763683200.5`).
    pub fn parse_query_value(value: &str) -> Option<Self> {
        let value = value.trim();
        if let Ok(secs) = value.parse::<f64>() {
            return Self::from_secs_f64(secs);
        }
        parse_rfc3339(value)
    }

    /// RFC 3339 in UTC with millisecond precision, e.g. `2025-11-21T00:00:00.123Z`.
    pub fn to_rfc3339(&self) -> String {
        let secs = self.0.div_euclid(1000);
        let millis = self.0.rem_euclid(1000);
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z", sod / 3600, (sod / 60) % 60, sod % 60)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.as_secs_f64())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TimestampVisitor)
    }
}

struct TimestampVisitor;

impl Visitor<'_> for TimestampVisitor {
    type Value = Timestamp;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a timestamp in epoch seconds")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timestamp, E> {
        Ok(Timestamp::from_secs(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
        i64::try_from(v).map(Timestamp::from_secs).map_err(|_| E::custom("timestamp out of range"))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Timestamp, E> {
        Timestamp::from_secs_f64(v).ok_or_else(|| E::custom("timestamp out of range"))
    }

    // Lenient: some hand-written clients quote the number or send ISO-8601.
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
        Timestamp::parse_query_value(v).ok_or_else(|| E::custom("invalid timestamp"))
    }
}

fn parse_rfc3339(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    if !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &s[19..];
    let mut millis = 0i64;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        for (i, c) in frac.bytes().take(3).take(digits).enumerate() {
            millis += i64::from(c - b'0') * [100, 10, 1][i];
        }
        rest = &frac[digits..];
    }
    let offset_secs = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let ob = rest.as_bytes();
            let sign = match ob.first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (oh, om) = match ob.len() {
                6 if ob[3] == b':' => (num_of(&rest[1..3])?, num_of(&rest[4..6])?),
                5 => (num_of(&rest[1..3])?, num_of(&rest[3..5])?),
                3 => (num_of(&rest[1..3])?, 0),
                _ => return None,
            };
            if oh > 23 || om > 59 {
                return None;
            }
            sign * (oh * 3600 + om * 60)
        }
    };
    let secs = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset_secs;
    Some(Timestamp(secs * 1000 + millis))
}

fn num_of(s: &str) -> Option<i64> {
    if s.bytes().all(|c| c.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_fractional_seconds() {
        let t = Timestamp::from_millis(1_763_683_200_123);
        assert_eq!(serde_json::to_string(&t).unwrap(), "1763683200.123");
        assert_eq!(t.as_secs_f64(), 1_763_683_200.123);
    }

    #[test]
    fn deserializes_ints_and_floats() {
        let t: Timestamp = serde_json::from_str("1763683200").unwrap();
        assert_eq!(t.as_millis(), 1_763_683_200_000);
        let t: Timestamp = serde_json::from_str("1763683200.123").unwrap();
        assert_eq!(t.as_millis(), 1_763_683_200_123);
        let t: Timestamp = serde_json::from_str("1.763683200123E9").unwrap();
        assert_eq!(t.as_millis(), 1_763_683_200_123);
        assert!(serde_json::from_str::<Timestamp>("true").is_err());
    }

    #[test]
    fn round_trips() {
        for ms in [0, 1, 999, 1_763_683_200_123, 1_700_000_000_001] {
            let t = Timestamp::from_millis(ms);
            let back: Timestamp = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
            assert_eq!(back, t);
        }
    }

    #[test]
    fn parses_query_timestamps() {
        let want = Timestamp::from_millis(1_763_683_200_000);
        assert_eq!(Timestamp::parse_query_value("2025-11-21T00:00:00Z"), Some(want));
        assert_eq!(Timestamp::parse_query_value("2025-11-21T01:00:00+01:00"), Some(want));
        assert_eq!(Timestamp::parse_query_value("2025-11-20T19:00:00-0500"), Some(want));
        assert_eq!(Timestamp::parse_query_value("1763683200"), Some(want));
        assert_eq!(
            Timestamp::parse_query_value("2025-11-21T00:00:00.25Z"),
            Some(Timestamp::from_millis(1_763_683_200_250))
        );
        assert_eq!(Timestamp::parse_query_value("2025-02-30T00:00:00Z"), None);
        assert_eq!(Timestamp::parse_query_value("yesterday"), None);
    }

    #[test]
    fn formats_rfc3339() {
        assert_eq!(Timestamp::from_millis(1_763_683_200_123).to_rfc3339(), "2025-11-21T00:00:00.123Z");
        assert_eq!(Timestamp::from_millis(951_782_400_000).to_rfc3339(), "2000-02-29T00:00:00.000Z");
        for ms in [0i64, 951_782_400_000, 1_763_683_200_123, -86_400_000] {
            let t = Timestamp::from_millis(ms);
            assert_eq!(Timestamp::parse_query_value(&t.to_rfc3339()), Some(t));
        }
    }
}
