//! Hive's `from_utc_timestamp(ts, zone)` and `to_utc_timestamp(ts, zone)`.
//!
//! Hive timestamps carry no zone; these two shift one between UTC and a named
//! zone's wall clock. The zone is resolved like Java's `TimeZone.getTimeZone`:
//! IANA names, Java's legacy three-letter IDs (`PST`), custom `GMT+8` offsets,
//! and GMT for anything else (so `''` and `'---'` leave the value unchanged).

use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, TimeZone};
use datafusion::arrow::array::timezone::Tz;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, TimestampMicrosecondArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;

use super::datetime::datetime_column;
use super::parse::parse_timestamp;
use super::timezone::local_to_epoch;

/// Java's legacy zone IDs that are not IANA names (`java.util.TimeZone`).
const JAVA_SHORT_IDS: &[(&str, &str)] = &[
    ("ACT", "Australia/Darwin"),
    ("AET", "Australia/Sydney"),
    ("AGT", "America/Argentina/Buenos_Aires"),
    ("ART", "Africa/Cairo"),
    ("AST", "America/Anchorage"),
    ("BET", "America/Sao_Paulo"),
    ("BST", "Asia/Dhaka"),
    ("CAT", "Africa/Harare"),
    ("CNT", "America/St_Johns"),
    ("CST", "America/Chicago"),
    ("CTT", "Asia/Shanghai"),
    ("EAT", "Africa/Addis_Ababa"),
    ("ECT", "Europe/Paris"),
    ("IET", "America/Indiana/Indianapolis"),
    ("IST", "Asia/Kolkata"),
    ("JST", "Asia/Tokyo"),
    ("MIT", "Pacific/Apia"),
    ("NET", "Asia/Yerevan"),
    ("NST", "Pacific/Auckland"),
    ("PLT", "Asia/Karachi"),
    ("PNT", "America/Phoenix"),
    ("PRT", "America/Puerto_Rico"),
    ("PST", "America/Los_Angeles"),
    ("SST", "Pacific/Guadalcanal"),
    ("VST", "Asia/Ho_Chi_Minh"),
];

/// Java's custom ID `GMT[+-]h[h][[:]mm]` as an offset Arrow understands.
fn custom_offset(id: &str) -> Option<String> {
    let rest = id.strip_prefix("GMT")?;
    let sign = rest.chars().next().filter(|c| *c == '+' || *c == '-')?;
    let digits = &rest[1..];
    let (h, m) = match digits.split_once(':') {
        Some((h, m)) => (h, m),
        None if digits.len() > 2 => digits.split_at(digits.len() - 2),
        None => (digits, "0"),
    };
    let all_digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(h) || !all_digits(m) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 23 && m <= 59).then(|| format!("{sign}{h:02}:{m:02}"))
}

/// A zone as `TimeZone.getTimeZone` resolves it, or None when Java would fall back to GMT.
pub fn java_zone(id: &str) -> Option<Tz> {
    let id = id.trim();
    if let Some(offset) = custom_offset(id) {
        return offset.parse().ok();
    }
    let name = JAVA_SHORT_IDS.iter().find(|(short, _)| *short == id).map_or(id, |(_, long)| long);
    // Arrow also reads bare offsets (`+08:00`), which Java does not.
    if name.starts_with(['+', '-']) {
        return None;
    }
    name.parse().ok()
}

/// Applies `shift` to each (timestamp, zone) pair; NULL in, NULL out.
fn shift_each(args: &[ArrayRef], shift: fn(&NaiveDateTime, Option<Tz>) -> NaiveDateTime) -> Result<ArrayRef> {
    let ts = datetime_column(&args[0], parse_timestamp)?;
    let zones = cast(&args[1], &DataType::Utf8)?;
    let zones = zones.as_string::<i32>();
    let out: TimestampMicrosecondArray = ts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let zone = zones.is_valid(i).then(|| zones.value(i))?;
            Some(shift(t.as_ref()?, java_zone(zone)).and_utc().timestamp_micros())
        })
        .collect();
    Ok(Arc::new(out))
}

/// `ts` read as UTC, shown as the wall clock of `zone`.
fn from_utc(ts: &NaiveDateTime, zone: Option<Tz>) -> NaiveDateTime {
    match zone {
        Some(tz) => tz.from_utc_datetime(ts).naive_local(),
        None => *ts,
    }
}

/// `ts` read as the wall clock of `zone`, shown in UTC.
fn to_utc(ts: &NaiveDateTime, zone: Option<Tz>) -> NaiveDateTime {
    let Some(tz) = zone else { return *ts };
    let secs = local_to_epoch(&tz, ts);
    let nanos = ts.and_utc().timestamp_subsec_nanos();
    DateTime::from_timestamp(secs, nanos).map_or(*ts, |d| d.naive_utc())
}

pub fn from_utc_timestamp(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    shift_each(args, from_utc)
}

pub fn to_utc_timestamp(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    shift_each(args, to_utc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::StringArray;
    use datafusion::arrow::datatypes::TimestampMicrosecondType;

    fn run(f: fn(&[ArrayRef], usize) -> Result<ArrayRef>, ts: &str, zone: &str) -> Option<String> {
        let a: ArrayRef = Arc::new(StringArray::from(vec![ts]));
        let z: ArrayRef = Arc::new(StringArray::from(vec![zone]));
        let out = f(&[a, z], 1).ok()?;
        let out = out.as_primitive::<TimestampMicrosecondType>();
        let micros = out.is_valid(0).then(|| out.value(0))?;
        Some(DateTime::from_timestamp_micros(micros)?.naive_utc().to_string())
    }

    #[test]
    fn from_utc_follows_hive_examples() {
        assert_eq!(run(from_utc_timestamp, "2012-02-11 04:30:00", "PST").as_deref(), Some("2012-02-10 20:30:00"));
        let moscow = run(from_utc_timestamp, "2012-02-11 04:30:00", "Europe/Moscow");
        assert_eq!(moscow.as_deref(), Some("2012-02-11 08:30:00"));
        assert_eq!(run(from_utc_timestamp, "2012-02-11 04:30:00", "GMT+8").as_deref(), Some("2012-02-11 12:30:00"));
        // Unknown zones are GMT, as in Java.
        assert_eq!(run(from_utc_timestamp, "2012-02-11 04:30:00", "---").as_deref(), Some("2012-02-11 04:30:00"));
        assert_eq!(run(from_utc_timestamp, "2012-02-11-04:30:00", "UTC"), None);
    }

    #[test]
    fn to_utc_inverts_from_utc() {
        assert_eq!(run(to_utc_timestamp, "2012-02-10 20:30:00", "PST").as_deref(), Some("2012-02-11 04:30:00"));
        assert_eq!(run(to_utc_timestamp, "2012-02-11 12:30:00", "GMT+8").as_deref(), Some("2012-02-11 04:30:00"));
        assert_eq!(run(to_utc_timestamp, "2012-02-11 04:30:00", "").as_deref(), Some("2012-02-11 04:30:00"));
        // The fraction survives the shift, to the microsecond sparkplane keeps.
        let chicago = run(to_utc_timestamp, "2011-05-06 07:08:09.1234567", "America/Chicago");
        assert_eq!(chicago.as_deref(), Some("2011-05-06 12:08:09.123456"));
    }

    #[test]
    fn resolves_java_zone_ids() {
        assert!(java_zone("America/Chicago").is_some());
        assert!(java_zone("GMT-0530").is_some());
        assert!(java_zone("+08:00").is_none());
        assert!(java_zone("Nowhere").is_none());
    }
}
