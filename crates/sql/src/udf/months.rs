//! Hive's `months_between(date1, date2)`.
//!
//! DataFusion has no such function. Hive's rules: whole months when both days
//! of month are equal or both are the last day of their month (times ignored);
//! otherwise the fraction counts the day-and-time difference against a 31-day
//! month. The result is rounded half-up to 8 decimal places. Strings are read
//! with Hive's lenient `yyyy-MM-dd[ HH:mm:ss]` parsing, so `2002-02-31` is
//! 2002-03-03 and a partial time (`10:39`) is ignored.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use datafusion::arrow::array::{ArrayRef, Float64Array};
use datafusion::common::Result;

use super::datetime::datetime_column;
use super::lenient::parse_lenient_date;

const SECONDS_PER_DAY: i64 = 86_400;

/// A string as Hive's months_between reads it: a lenient date, plus the time
/// of day when a full `HH:mm:ss` follows.
fn parse_datetime(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    let date = parse_lenient_date(s)?;
    let time = s
        .split_once(' ')
        .and_then(|(_, t)| NaiveTime::parse_and_remainder(t.trim_start(), "%H:%M:%S").ok())
        .map(|(t, _)| t)
        .unwrap_or(NaiveTime::MIN);
    Some(date.and_time(time))
}

fn is_last_day(d: NaiveDate) -> bool {
    d.succ_opt().is_some_and(|n| n.month() != d.month())
}

/// Seconds since the start of the month, counting the day of month from 1 as Hive does.
fn month_seconds(t: &NaiveDateTime) -> i64 {
    i64::from(t.day()) * SECONDS_PER_DAY + i64::from(t.num_seconds_from_midnight())
}

/// The months from `b` to `a`, following Hive's rules.
pub fn months_between_values(a: &NaiveDateTime, b: &NaiveDateTime) -> f64 {
    let months = (i64::from(a.year()) - i64::from(b.year())) * 12 + i64::from(a.month()) - i64::from(b.month());
    if a.day() == b.day() || (is_last_day(a.date()) && is_last_day(b.date())) {
        return months as f64;
    }
    let fraction = (month_seconds(a) - month_seconds(b)) as f64 / (SECONDS_PER_DAY * 31) as f64;
    // f64::round rounds halves away from zero, which is Java's HALF_UP.
    ((months as f64 + fraction) * 1e8).round() / 1e8
}

pub fn months_between(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    let (a, b) = (datetime_column(&args[0], parse_datetime)?, datetime_column(&args[1], parse_datetime)?);
    let out: Float64Array =
        a.iter().zip(b.iter()).map(|(a, b)| Some(months_between_values(a.as_ref()?, b.as_ref()?))).collect();
    Ok(Arc::new(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Array, AsArray, StringArray};

    fn between(a: &str, b: &str) -> Option<f64> {
        let a: ArrayRef = Arc::new(StringArray::from(vec![a]));
        let b: ArrayRef = Arc::new(StringArray::from(vec![b]));
        let out = months_between(&[a, b], 1).ok()?;
        let out = out.as_primitive::<datafusion::arrow::datatypes::Float64Type>();
        out.is_valid(0).then(|| out.value(0))
    }

    #[test]
    fn follows_hive_documented_examples() {
        assert_eq!(between("1997-02-28 10:30:00", "1996-10-30"), Some(3.94959677));
        assert_eq!(between("1995-02-02", "1995-01-01"), Some(1.03225806));
        assert_eq!(between("2003-07-17", "2005-07-06"), Some(-23.64516129));
    }

    #[test]
    fn whole_months_ignore_time() {
        // Both last days of their months.
        assert_eq!(between("2001-06-30", "2000-05-31"), Some(13.0));
        assert_eq!(between("2002-03-31 10:30:00", "2002-02-28"), Some(1.0));
        // Same day of month.
        assert_eq!(between("2002-03-24", "2002-02-24 10:30:00"), Some(1.0));
    }

    #[test]
    fn fractions_count_seconds_and_round() {
        assert_eq!(between("1976-01-01 00:00:00", "1975-12-31 23:59:59"), Some(3.7e-7));
        assert_eq!(between("2002-02-28", "2002-03-01"), Some(-0.12903226));
        // Lenient dates roll over: 2002-02-31 is 2002-03-03.
        assert_eq!(between("2002-02-31", "2002-03-01"), Some(0.06451613));
        // A partial time is ignored.
        assert_eq!(between("1995-02-02 10:39", "1995-01-01"), Some(1.03225806));
    }

    #[test]
    fn bad_strings_are_null() {
        assert_eq!(between("2012-03", "2012-02-24"), None);
        assert_eq!(between("2012-03-24", "2012-02"), None);
    }
}
