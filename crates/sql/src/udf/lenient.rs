//! Hive 2.1's lenient `yyyy-MM-dd` date parsing.
//!
//! Several of Hive's date UDFs (`last_day` among them) parse strings with a
//! lenient `SimpleDateFormat("yyyy-MM-dd")`: it reads the leading
//! `year-month-day` digits, ignores whatever follows (a time part), and rolls
//! out-of-range fields over instead of rejecting them, so `2014-01-34` is
//! 2014-02-03. The strict parser in `parse.rs` answers NULL for those, which
//! is right for casts but not for these functions.

use chrono::{Months, NaiveDate};

/// Reads a run of ASCII digits at the start of `s` as a number.
fn number(s: &str) -> Option<(i64, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    // More than 9 digits would overflow the calendar arithmetic below.
    if end == 0 || end > 9 {
        return None;
    }
    Some((s[..end].parse().ok()?, &s[end..]))
}

/// Parses the `yyyy-MM-dd` prefix of `s`, rolling month and day over like Java's
/// lenient calendar; NULL when the prefix is not three dash-separated numbers.
pub fn parse_lenient_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim_start();
    let (year, rest) = number(s)?;
    let (month, rest) = number(rest.strip_prefix('-')?)?;
    let (day, _) = number(rest.strip_prefix('-')?)?;
    let start = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, 1, 1)?;
    // Month 0 is December of the year before, month 13 January of the next.
    let months = month - 1;
    let first = match months >= 0 {
        true => start.checked_add_months(Months::new(u32::try_from(months).ok()?))?,
        false => start.checked_sub_months(Months::new(u32::try_from(-months).ok()?))?,
    };
    first.checked_add_signed(chrono::TimeDelta::try_days(day - 1)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn rolls_over_like_java() {
        assert_eq!(parse_lenient_date("2014-01-14"), ymd(2014, 1, 14));
        assert_eq!(parse_lenient_date("2014-01-34"), ymd(2014, 2, 3));
        assert_eq!(parse_lenient_date("2014-01-34 10:30:45"), ymd(2014, 2, 3));
        assert_eq!(parse_lenient_date("2014-13-01"), ymd(2015, 1, 1));
        assert_eq!(parse_lenient_date("2014-03-00"), ymd(2014, 2, 28));
        assert_eq!(parse_lenient_date("2014-00-01"), ymd(2013, 12, 1));
    }

    #[test]
    fn rejects_other_layouts() {
        assert_eq!(parse_lenient_date("01/29/2014"), None);
        assert_eq!(parse_lenient_date("2014-01"), None);
        assert_eq!(parse_lenient_date(""), None);
    }
}
