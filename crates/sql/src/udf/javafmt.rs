//! Formatting date-times with Java `SimpleDateFormat` patterns, as Hive's
//! `date_format`, `from_unixtime` and `add_months` print them.
//!
//! chrono's strftime has no era (`G`), no Java week of year or week of month
//! (`w`, `W`: weeks start on Sunday and the week holding January 1st is week
//! 1, the US locale's rules), and pads numbers its own way, where Java pads
//! every number to the count of its letters (`D` is `98`, `DDD` is `098`).
//! So patterns are read into Java's own fields and each field is printed by
//! Java's rules. Letters that are not Java pattern letters make the pattern
//! invalid, as `new SimpleDateFormat(pattern)` throws for them.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

/// Every letter `SimpleDateFormat` gives a meaning (Java 8).
const PATTERN_LETTERS: &str = "GyYMLwWDdFEuaHkKhmsSzZX";

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// Why `SimpleDateFormat` refuses a pattern.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PatternError {
    #[error("illegal pattern character '{letter}' in date pattern '{pattern}'")]
    IllegalLetter { letter: char, pattern: String },
    #[error("unterminated quote in date pattern '{0}'")]
    UnterminatedQuote(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    /// A pattern letter and how many times it repeats.
    Field(char, usize),
}

/// A parsed Java date pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JavaFormat {
    pieces: Vec<Piece>,
}

impl JavaFormat {
    /// Reads a pattern as `SimpleDateFormat` does: runs of one letter are
    /// fields, `'...'` is quoted text (`''` a single quote), anything else
    /// that is not an ASCII letter is printed as is.
    pub fn parse(pattern: &str) -> Result<Self, PatternError> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '\'' {
                if chars.get(i + 1) == Some(&'\'') {
                    text.push('\'');
                    i += 2;
                    continue;
                }
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(PatternError::UnterminatedQuote(pattern.to_string())),
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            text.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(&q) => {
                            text.push(q);
                            i += 1;
                        }
                    }
                }
                continue;
            }
            if !c.is_ascii_alphabetic() {
                text.push(c);
                i += 1;
                continue;
            }
            if !PATTERN_LETTERS.contains(c) {
                return Err(PatternError::IllegalLetter { letter: c, pattern: pattern.to_string() });
            }
            let mut n = 1;
            while chars.get(i + n) == Some(&c) {
                n += 1;
            }
            if !text.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut text)));
            }
            pieces.push(Piece::Field(c, n));
            i += n;
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        Ok(Self { pieces })
    }

    /// The date-time printed with the pattern; `None` for the time zone
    /// letters (`z`, `Z`, `X`), which a zone-less value cannot print.
    pub fn format(&self, dt: &NaiveDateTime) -> Option<String> {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Field(c, n) => out.push_str(&field(dt, *c, *n)?),
            }
        }
        Some(out)
    }
}

/// Java prints a number with at least as many digits as letters.
fn padded(value: i64, letters: usize) -> String {
    if value < 0 {
        format!("-{:0letters$}", -value)
    } else {
        format!("{value:0letters$}")
    }
}

/// Sunday is 0, as `Calendar.SUNDAY` starts the US week.
fn from_sunday(d: NaiveDate) -> i64 {
    i64::from(d.weekday().num_days_from_sunday())
}

/// `Calendar.WEEK_OF_YEAR` for the US locale: Sunday-first weeks, week 1
/// holds January 1st, so the last days of December can be in next year's
/// week 1.
pub fn week_of_year(d: NaiveDate) -> i64 {
    if let Some(next_jan1) = NaiveDate::from_ymd_opt(d.year() + 1, 1, 1) {
        if (next_jan1 - d).num_days() <= 6 - from_sunday(d) {
            return 1;
        }
    }
    let jan1 = d.with_ordinal(1).unwrap_or(d);
    (i64::from(d.ordinal0()) + from_sunday(jan1)) / 7 + 1
}

/// `Calendar.WEEK_OF_MONTH` for the US locale: the week holding the 1st is week 1.
pub fn week_of_month(d: NaiveDate) -> i64 {
    let first = d.with_day(1).unwrap_or(d);
    (i64::from(d.day0()) + from_sunday(first)) / 7 + 1
}

/// The year of the era: the proleptic year 0 is 1 BC.
fn year_of_era(year: i32) -> i64 {
    if year <= 0 {
        1 - i64::from(year)
    } else {
        i64::from(year)
    }
}

fn year_field(year: i64, n: usize) -> String {
    if n == 2 {
        padded(year % 100, 2)
    } else {
        padded(year, n)
    }
}

fn field(dt: &NaiveDateTime, c: char, n: usize) -> Option<String> {
    let d = dt.date();
    let text = |short: &str, long: &str| if n >= 4 { long.to_string() } else { short.to_string() };
    Some(match c {
        'G' => (if d.year() <= 0 { "BC" } else { "AD" }).to_string(),
        'y' => year_field(year_of_era(d.year()), n),
        'Y' => {
            let week_year = if d.month() == 12 && week_of_year(d) == 1 { d.year() + 1 } else { d.year() };
            year_field(year_of_era(week_year), n)
        }
        'M' | 'L' if n >= 3 => {
            let name = MONTHS[d.month0() as usize];
            text(&name[..3], name)
        }
        'M' | 'L' => padded(i64::from(d.month()), n),
        'w' => padded(week_of_year(d), n),
        'W' => padded(week_of_month(d), n),
        'D' => padded(i64::from(d.ordinal()), n),
        'd' => padded(i64::from(d.day()), n),
        'F' => padded(i64::from(d.day0() / 7 + 1), n),
        'E' => {
            let name = DAYS[d.weekday().num_days_from_monday() as usize];
            text(&name[..3], name)
        }
        'u' => padded(i64::from(d.weekday().number_from_monday()), n),
        'a' => (if dt.hour() < 12 { "AM" } else { "PM" }).to_string(),
        'H' => padded(i64::from(dt.hour()), n),
        'k' => padded(i64::from(if dt.hour() == 0 { 24 } else { dt.hour() }), n),
        'K' => padded(i64::from(dt.hour() % 12), n),
        'h' => padded(i64::from(if dt.hour().is_multiple_of(12) { 12 } else { dt.hour() % 12 }), n),
        'm' => padded(i64::from(dt.minute()), n),
        's' => padded(i64::from(dt.second()), n),
        'S' => padded(i64::from(dt.nanosecond() % 1_000_000_000 / 1_000_000), n),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;

    fn at(y: i32, m: u32, d: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).and_then(|d| d.and_hms_milli_opt(21, 5, 9, 7)).unwrap()
    }

    fn fmt(pattern: &str, dt: &NaiveDateTime) -> Option<String> {
        JavaFormat::parse(pattern).unwrap().format(dt)
    }

    #[test]
    fn hive_date_format_examples() {
        // udf_date_format.q: 2015-04-08 is a Wednesday, day 98, in week 15.
        let dt = at(2015, 4, 8);
        let row: Vec<_> = ["E", "G", "y", "Y", "MMM", "w", "W", "D", "d", "EEEE", "YY"]
            .iter()
            .map(|p| fmt(p, &dt).unwrap())
            .collect();
        assert_eq!(row, ["Wed", "AD", "2015", "2015", "Apr", "15", "2", "98", "8", "Wednesday", "15"]);
        assert_eq!(fmt("DDD", &dt).as_deref(), Some("098"));
        assert_eq!(fmt("hh a", &dt).as_deref(), Some("09 PM"));
        assert_eq!(fmt("yyyy-MM-dd HH:mm:ss.SSS", &dt).as_deref(), Some("2015-04-08 21:05:09.007"));
        assert_eq!(fmt("S k K", &dt).as_deref(), Some("7 21 9"));
    }

    #[test]
    fn weeks_follow_the_us_calendar() {
        // 2015-12-31 (Thursday) shares its week with 2016-01-01: week 1 of 2016.
        assert_eq!(fmt("w Y y", &at(2015, 12, 31)).as_deref(), Some("1 2016 2015"));
        // 2016-12-31 is a Saturday; 2017 starts on a Sunday, a new week.
        assert_eq!(fmt("w Y", &at(2016, 12, 31)).as_deref(), Some("53 2016"));
        assert_eq!(fmt("w W", &at(2017, 1, 1)).as_deref(), Some("1 1"));
        // April 2015 starts on a Wednesday: the 5th (Sunday) opens week 2.
        assert_eq!(fmt("W W", &at(2015, 4, 4)).as_deref(), Some("1 1"));
        assert_eq!(fmt("W", &at(2015, 4, 5)).as_deref(), Some("2"));
        assert_eq!(at(2015, 4, 5).weekday(), Weekday::Sun);
    }

    #[test]
    fn quotes_and_invalid_letters() {
        assert_eq!(fmt("yyyy'T'HH 'o''clock' 100%", &at(2015, 4, 8)).as_deref(), Some("2015T21 o'clock 100%"));
        assert_eq!(fmt("''", &at(2015, 4, 8)).as_deref(), Some("'"));
        assert_eq!(fmt("", &at(2015, 4, 8)).as_deref(), Some(""));
        assert!(matches!(JavaFormat::parse("Q"), Err(PatternError::IllegalLetter { letter: 'Q', .. })));
        assert!(matches!(JavaFormat::parse("'abc"), Err(PatternError::UnterminatedQuote(_))));
        assert_eq!(fmt("z", &at(2015, 4, 8)), None);
    }
}
