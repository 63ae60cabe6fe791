//! Hive's date and time functions.
//!
//! Hive takes Java `SimpleDateFormat` patterns (`yyyy-MM-dd HH:mm:ss`), accepts
//! strings, dates and timestamps interchangeably, works in the session time
//! zone (UTC on EMR) and answers NULL for unparseable input. DataFusion's
//! functions of the same names use chrono patterns and other types, so these
//! replace them.

use std::sync::Arc;

use chrono::{DateTime, Datelike, Months, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use datafusion::arrow::array::timezone::Tz;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, Date32Array, Int32Array, Int64Array, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int64Type, TimeUnit, TimestampMicrosecondType};
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::{ScalarUDF, Volatility};

use super::javafmt::JavaFormat;
use super::timezone::{epoch_to_local, local_to_epoch, tz_udf};
use super::udf;

const DEFAULT_PATTERN: &str = "yyyy-MM-dd HH:mm:ss";

pub(super) fn udfs() -> Vec<ScalarUDF> {
    use DataType::*;
    use Volatility::{Immutable, Stable};
    vec![
        tz_udf("unix_timestamp", &[0, 1, 2], Stable, Int64, unix_timestamp),
        tz_udf("from_unixtime", &[1, 2], Immutable, Utf8, from_unixtime),
        udf("to_date", &[1], Immutable, Date32, to_date),
        udf("date_format", &[2], Immutable, Utf8, date_format),
        udf("datediff", &[2], Immutable, Int32, datediff),
        udf("date_add", &[2], Immutable, Date32, date_add),
        udf("date_sub", &[2], Immutable, Date32, date_sub),
        udf("add_months", &[2], Immutable, Date32, add_months),
        udf("hive_add_months_format", &[3], Immutable, Utf8, add_months_format),
        udf("last_day", &[1], Immutable, Date32, last_day),
        udf("year", &[1], Immutable, Int32, |a, _| part(a, |d| d.year())),
        udf("quarter", &[1], Immutable, Int32, |a, _| part(a, |d| d.month0() as i32 / 3 + 1)),
        udf("month", &[1], Immutable, Int32, |a, _| part(a, |d| d.month() as i32)),
        udf("day", &[1], Immutable, Int32, |a, _| part(a, |d| d.day() as i32)),
        udf("dayofmonth", &[1], Immutable, Int32, |a, _| part(a, |d| d.day() as i32)),
        udf("hour", &[1], Immutable, Int32, |a, _| time_part(a, |t| t.hour() as i32)),
        udf("minute", &[1], Immutable, Int32, |a, _| time_part(a, |t| t.minute() as i32)),
        udf("second", &[1], Immutable, Int32, |a, _| time_part(a, |t| t.second() as i32)),
        udf("weekofyear", &[1], Immutable, Int32, |a, _| part(a, |d| d.iso_week().week() as i32)),
    ]
}

/// Converts a Java `SimpleDateFormat` pattern to a chrono format string.
pub fn java_to_chrono(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            // Quoted literal text; '' is a single quote.
            i += 1;
            if chars.get(i) == Some(&'\'') {
                out.push('\'');
                i += 1;
                continue;
            }
            while i < chars.len() && chars[i] != '\'' {
                push_literal(&mut out, chars[i]);
                i += 1;
            }
            i += 1;
            continue;
        }
        let mut n = 1;
        while i + n < chars.len() && chars[i + n] == c {
            n += 1;
        }
        i += n;
        let spec = match (c, n) {
            ('y', 2) => "%y",
            ('y', _) => "%Y",
            // Java's week-based year; the calendar year but for a few days a year.
            ('Y', 2) => "%y",
            ('Y', _) => "%Y",
            ('M', 1) => "%-m",
            ('M', 2) => "%m",
            ('M', 3) => "%b",
            ('M', _) => "%B",
            ('d', 1) => "%-d",
            ('d', _) => "%d",
            ('H', 1) => "%-H",
            ('H', _) => "%H",
            ('h', 1) => "%-I",
            ('h', _) => "%I",
            ('m', 1) => "%-M",
            ('m', _) => "%M",
            ('s', 1) => "%-S",
            ('s', _) => "%S",
            ('S', _) => "%3f",
            ('a', _) => "%p",
            ('E', 1..=3) => "%a",
            ('E', _) => "%A",
            ('D', _) => "%j",
            ('u', _) => "%u",
            ('Z', _) => "%z",
            ('X', _) => "%:z",
            ('z', _) => "%Z",
            _ => {
                for _ in 0..n {
                    push_literal(&mut out, c);
                }
                continue;
            }
        };
        out.push_str(spec);
    }
    out
}

fn push_literal(out: &mut String, c: char) {
    if c == '%' {
        out.push_str("%%");
    } else {
        out.push(c);
    }
}

/// A Java pattern for printing; an invalid one fails the query, as
/// `SimpleDateFormat` throws for it.
fn items(pattern: &str) -> Result<JavaFormat> {
    match JavaFormat::parse(pattern) {
        Ok(f) => Ok(f),
        Err(e) => exec_err!("{e}"),
    }
}

fn format(dt: &NaiveDateTime, pattern: &JavaFormat) -> Option<String> {
    pattern.format(dt)
}

/// Parses like `SimpleDateFormat.parse`: a prefix match, date-only patterns mean midnight.
fn parse_with(s: &str, chrono_fmt: &str) -> Option<NaiveDateTime> {
    if let Ok((dt, _)) = NaiveDateTime::parse_and_remainder(s, chrono_fmt) {
        return Some(dt);
    }
    NaiveDate::parse_and_remainder(s, chrono_fmt).ok().and_then(|(d, _)| d.and_hms_opt(0, 0, 0))
}

/// Hive's implicit string to timestamp conversion.
fn parse_timestamp(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    for f in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, f) {
            return Some(dt);
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0))
}

/// Any string, date or timestamp array as UTC date-times, strings read
/// with Hive's implicit conversion.
fn datetimes(a: &ArrayRef) -> Result<Vec<Option<NaiveDateTime>>> {
    datetime_column(a, parse_timestamp)
}

/// Any string, date or timestamp array as date-times, strings read with
/// `parse` (the functions differ in how leniently they read text).
pub(super) fn datetime_column(
    a: &ArrayRef,
    parse: fn(&str) -> Option<NaiveDateTime>,
) -> Result<Vec<Option<NaiveDateTime>>> {
    match a.data_type() {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null => {
            let s = cast(a, &DataType::Utf8)?;
            Ok(s.as_string::<i32>().iter().map(|v| v.and_then(parse)).collect())
        }
        // Microseconds, whose range covers every year Hive allows.
        DataType::Timestamp(_, _) => {
            let t = cast(a, &DataType::Timestamp(TimeUnit::Microsecond, None))?;
            Ok(t.as_primitive::<TimestampMicrosecondType>()
                .iter()
                .map(|v| v.and_then(DateTime::from_timestamp_micros).map(|d| d.naive_utc()))
                .collect())
        }
        DataType::Date32 | DataType::Date64 => {
            let t = cast(a, &DataType::Timestamp(TimeUnit::Microsecond, None))?;
            Ok(t.as_primitive::<TimestampMicrosecondType>()
                .iter()
                .map(|v| v.and_then(DateTime::from_timestamp_micros).map(|d| d.naive_utc()))
                .collect())
        }
        other => exec_err!("expected a date, timestamp or string, got {other}"),
    }
}

fn ints(a: &ArrayRef) -> Result<Vec<Option<i64>>> {
    let a = cast(a, &DataType::Int64)?;
    Ok(a.as_primitive::<Int64Type>().iter().collect())
}

fn strings(a: &ArrayRef) -> Result<Vec<Option<String>>> {
    let a = cast(a, &DataType::Utf8)?;
    Ok(a.as_string::<i32>().iter().map(|v| v.map(str::to_string)).collect())
}

fn days(d: NaiveDate) -> i32 {
    (d - NaiveDate::default()).num_days() as i32
}

fn part(args: &[ArrayRef], f: fn(&NaiveDateTime) -> i32) -> Result<ArrayRef> {
    let out: Int32Array = datetimes(&args[0])?.iter().map(|d| d.as_ref().map(f)).collect();
    Ok(Arc::new(out))
}

/// `hour`, `minute`, `second`: a string must hold a time of day
/// (`yyyy-MM-dd HH:mm:ss` or `HH:mm:ss`), a date-only string is NULL.
fn time_part(args: &[ArrayRef], f: fn(&NaiveTime) -> i32) -> Result<ArrayRef> {
    if !matches!(args[0].data_type(), DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) {
        let out: Int32Array = datetimes(&args[0])?.iter().map(|d| d.as_ref().map(|d| f(&d.time()))).collect();
        return Ok(Arc::new(out));
    }
    let out: Int32Array = strings(&args[0])?
        .iter()
        .map(|s| {
            let s = s.as_deref()?.trim();
            let time = match s.contains(['-']) {
                true if s.contains(':') => parse_timestamp(s)?.time(),
                true => return None,
                false => NaiveTime::parse_from_str(s, "%H:%M:%S%.f").ok()?,
            };
            Some(f(&time))
        })
        .collect();
    Ok(Arc::new(out))
}

fn dates(args: &[ArrayRef], f: impl Fn(NaiveDate, Option<i64>) -> Option<NaiveDate>) -> Result<ArrayRef> {
    let d = datetimes(&args[0])?;
    let n = match args.get(1) {
        Some(a) => ints(a)?,
        None => vec![Some(0); d.len()],
    };
    let out: Date32Array = d.iter().zip(n).map(|(d, n)| d.and_then(|d| f(d.date(), n)).map(days)).collect();
    Ok(Arc::new(out))
}

/// Local date-times are read in the session time zone.
fn unix_timestamp(args: &[ArrayRef], rows: usize, tz: &Tz) -> Result<ArrayRef> {
    let Some(first) = args.first() else {
        return Ok(Arc::new(Int64Array::from(vec![Utc::now().timestamp(); rows])));
    };
    let out: Int64Array = if matches!(first.data_type(), DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) {
        let s = strings(first)?;
        let patterns = match args.get(1) {
            Some(p) => strings(p)?,
            None => vec![Some(DEFAULT_PATTERN.to_string()); s.len()],
        };
        s.iter()
            .zip(patterns)
            .map(|(s, p)| parse_with(s.as_deref()?, &java_to_chrono(&p?)).map(|d| local_to_epoch(tz, &d)))
            .collect()
    } else {
        datetimes(first)?.iter().map(|d| d.map(|d| local_to_epoch(tz, &d))).collect()
    };
    Ok(Arc::new(out))
}

/// Prints the session time zone's local date-time.
fn from_unixtime(args: &[ArrayRef], _rows: usize, tz: &Tz) -> Result<ArrayRef> {
    let secs = ints(&args[0])?;
    let patterns = match args.get(1) {
        Some(p) => strings(p)?,
        None => vec![Some(DEFAULT_PATTERN.to_string()); secs.len()],
    };
    let mut out = Vec::with_capacity(secs.len());
    for (s, p) in secs.into_iter().zip(patterns) {
        out.push(match (s.and_then(|s| epoch_to_local(tz, s)), p) {
            (Some(dt), Some(p)) => format(&dt, &items(&p)?),
            _ => None,
        });
    }
    Ok(Arc::new(StringArray::from(out)))
}

/// `date_format`'s reading of a string: a full timestamp
/// (`Timestamp.valueOf`), else the lenient `yyyy-MM-dd` prefix at midnight,
/// so `2015-04-08 10` is April 8th.
fn date_format_input(s: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M:%S%.f")
        .ok()
        .or_else(|| super::lenient::parse_lenient_date(s)?.and_hms_opt(0, 0, 0))
}

/// Hive's `date_format` answers NULL for a pattern `SimpleDateFormat` refuses.
fn date_format(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    let d = datetime_column(&args[0], date_format_input)?;
    let patterns = strings(&args[1])?;
    let mut out = Vec::with_capacity(d.len());
    for (d, p) in d.into_iter().zip(patterns) {
        out.push(match (d, p.map(|p| JavaFormat::parse(&p))) {
            (Some(d), Some(Ok(p))) => format(&d, &p),
            _ => None,
        });
    }
    Ok(Arc::new(StringArray::from(out)))
}

fn to_date(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    dates(args, |d, _| Some(d))
}

fn datediff(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    let a = datetimes(&args[0])?;
    let b = datetimes(&args[1])?;
    let out: Int32Array = a
        .iter()
        .zip(b.iter())
        .map(|(a, b)| Some((a.as_ref()?.date() - b.as_ref()?.date()).num_days() as i32))
        .collect();
    Ok(Arc::new(out))
}

fn date_add(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    dates(args, |d, n| d.checked_add_signed(chrono::Duration::days(n?)))
}

fn date_sub(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    dates(args, |d, n| d.checked_sub_signed(chrono::Duration::days(n?)))
}

fn month_end(d: NaiveDate) -> Option<NaiveDate> {
    d.with_day(1)?.checked_add_months(Months::new(1))?.pred_opt()
}

/// Hive: the last day of a month maps to the last day of the target month.
fn add_months(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    dates(args, |d, n| move_months(d, n?))
}

/// `n` months later; the last day of a month moves to the last day.
fn move_months(d: NaiveDate, n: i64) -> Option<NaiveDate> {
    let moved = if n >= 0 {
        d.checked_add_months(Months::new(u32::try_from(n).ok()?))?
    } else {
        d.checked_sub_months(Months::new(u32::try_from(-n).ok()?))?
    };
    if Some(d) == month_end(d) {
        month_end(moved)
    } else {
        Some(moved)
    }
}

/// `add_months(start, n, pattern)`: the moved date-time (time of day kept),
/// formatted with the Java pattern, as Hive's three-argument form.
fn add_months_format(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    let starts = datetimes(&args[0])?;
    let months = ints(&args[1])?;
    let patterns = strings(&args[2])?;
    let mut out = Vec::with_capacity(starts.len());
    for ((start, n), pattern) in starts.into_iter().zip(months).zip(patterns) {
        let (Some(start), Some(n), Some(pattern)) = (start, n, pattern) else {
            out.push(None);
            continue;
        };
        let moved = move_months(start.date(), n).map(|d| d.and_time(start.time()));
        out.push(match moved {
            Some(dt) => format(&dt, &items(&pattern)?),
            None => None,
        });
    }
    Ok(Arc::new(StringArray::from(out)))
}

/// Hive parses a string argument leniently (`2014-01-34` is in February).
fn last_day(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    if matches!(args[0].data_type(), DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) {
        let out: Date32Array = strings(&args[0])?
            .iter()
            .map(|s| month_end(super::lenient::parse_lenient_date(s.as_deref()?)?).map(days))
            .collect();
        return Ok(Arc::new(out));
    }
    dates(args, |d, _| month_end(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_java_patterns() {
        assert_eq!(java_to_chrono("yyyy-MM-dd HH:mm:ss"), "%Y-%m-%d %H:%M:%S");
        assert_eq!(java_to_chrono("dd/MMM/yyyy'T'HH 100%"), "%d/%b/%YT%H 100%%");
        let dt = parse_with("2024-03-05 10:20:30", &java_to_chrono(DEFAULT_PATTERN)).unwrap();
        assert_eq!(format(&dt, &items("yyyyMMdd").unwrap()).as_deref(), Some("20240305"));
        assert_eq!(
            parse_with("2024-03-05 10:00", "%Y-%m-%d"),
            NaiveDate::from_ymd_opt(2024, 3, 5).unwrap().and_hms_opt(0, 0, 0)
        );
    }

    #[test]
    fn date_format_reads_strings_as_hive() {
        // udf_date_format.q: a timestamp, or the date prefix at midnight.
        let a: ArrayRef = Arc::new(StringArray::from(vec![
            "2015-04-08 10:30:45",
            "2015-04-08 10",
            "2015-04-08T10:30:45",
            "04/08/2015 10:30:45",
        ]));
        let p: ArrayRef = Arc::new(StringArray::from(vec!["dd HH"; 4]));
        let out = date_format(&[a, p], 4).unwrap();
        let out = out.as_string::<i32>();
        assert_eq!((out.value(0), out.value(1)), ("08 10", "08 00"));
        assert!(out.value(2).starts_with("08"));
        assert!(out.is_null(3));
        let q: ArrayRef = Arc::new(StringArray::from(vec!["Q"]));
        let one: ArrayRef = Arc::new(StringArray::from(vec!["2015-04-08"]));
        assert!(date_format(&[one, q], 1).unwrap().is_null(0));
    }

    #[test]
    fn month_arithmetic_follows_hive() {
        let a: ArrayRef = Arc::new(StringArray::from(vec!["2024-01-31", "2024-01-15"]));
        let n: ArrayRef = Arc::new(Int64Array::from(vec![1, 1]));
        let out = add_months(&[a, n], 2).unwrap();
        let out = out.as_primitive::<datafusion::arrow::datatypes::Date32Type>();
        let d = |v: i32| NaiveDate::default() + chrono::Duration::days(v as i64);
        assert_eq!(d(out.value(0)), NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
        assert_eq!(d(out.value(1)), NaiveDate::from_ymd_opt(2024, 2, 15).unwrap());
    }
}
