//! Reading a TIMESTAMP field of a text table the way Hive 2.1's
//! `LazyTimestamp` does.
//!
//! A text file's timestamps are not parsed like `CAST(s AS TIMESTAMP)`:
//! LazySimpleSerDe hands the field to `TimestampParser`, which first tries the
//! table's `timestamp.formats` SerDe property (Joda-Time patterns, the whole
//! field must match) and otherwise `java.sql.Timestamp.valueOf`, which wants
//! `yyyy-[m]m-[d]d hh:mm:ss[.f…]` with a space (`2011-01-01T01:01:01` is
//! NULL). Joda keeps milliseconds, so a pattern's `SSSSSSSSS` truncates
//! the fraction to three digits; `valueOf` keeps all nine. Writing a text
//! table spells a timestamp as Hive prints it.

use std::sync::Arc;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringArray, TimestampMicrosecondArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::{DataFusionError, Result};
use datafusion::dataframe::DataFrame;
use datafusion::logical_expr::{lit, Expr, Volatility};

/// `hive_text_timestamp(field, formats)`: a text field as Hive reads it into
/// a TIMESTAMP column; `formats` is the `timestamp.formats` property (empty
/// when the table has none).
pub fn text_timestamp_expr(field: Expr, formats: &str) -> Expr {
    text_timestamp_udf().call(vec![field, lit(formats.to_string())])
}

fn text_timestamp_udf() -> datafusion::logical_expr::ScalarUDF {
    super::udf(
        "hive_text_timestamp",
        &[2],
        Volatility::Immutable,
        DataType::Timestamp(TimeUnit::Microsecond, None),
        read_timestamps,
    )
}

/// `df` with each TIMESTAMP column as the text Hive writes into a text
/// table (`2011-05-06 07:08:09.1234567`: the fraction without trailing
/// zeros), which the CSV writer's fixed-width `%.f` cannot spell.
pub fn timestamps_as_text(df: DataFrame) -> Result<DataFrame> {
    let has_timestamps = df.schema().fields().iter().any(|f| matches!(f.data_type(), DataType::Timestamp(_, None)));
    if !has_timestamps {
        return Ok(df);
    }
    let text = super::udf("hive_timestamp_text", &[1], Volatility::Immutable, DataType::Utf8, write_timestamps);
    let exprs: Vec<Expr> = df
        .schema()
        .columns()
        .into_iter()
        .zip(df.schema().fields())
        .map(|(column, field)| match field.data_type() {
            DataType::Timestamp(_, None) => text.call(vec![Expr::Column(column)]).alias(field.name()),
            _ => Expr::Column(column),
        })
        .collect();
    df.select(exprs)
}

fn write_timestamps(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    let texts = crate::output::timestamp_strings(&args[0]).map_err(|e| DataFusionError::External(Box::new(e)))?;
    Ok(Arc::new(texts.into_iter().collect::<StringArray>()))
}

fn read_timestamps(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    let fields = cast(&args[0], &DataType::Utf8)?;
    let formats = cast(&args[1], &DataType::Utf8)?;
    let formats = formats.as_string::<i32>();
    let patterns: Vec<Vec<Token>> = match formats.is_empty() || formats.is_null(0) {
        true => Vec::new(),
        false => formats.value(0).split(',').filter_map(|p| parse_pattern(p.trim())).collect(),
    };
    let out: TimestampMicrosecondArray = fields
        .as_string::<i32>()
        .iter()
        .map(|field| read_timestamp(field?, &patterns).map(|t| t.and_utc().timestamp_micros()))
        .collect();
    Ok(Arc::new(out))
}

/// One field: the first pattern that reads all of it, else `Timestamp.valueOf`.
fn read_timestamp(field: &str, patterns: &[Vec<Token>]) -> Option<NaiveDateTime> {
    // LazyTimestamp reads the text `NULL` as NULL.
    if field == "NULL" {
        return None;
    }
    patterns.iter().find_map(|p| joda_parse(p, field)).or_else(|| timestamp_value_of(field))
}

/// `java.sql.Timestamp.valueOf`: trimmed, a 4-digit year, a space, then
/// `h:m:s` with an optional fraction of 1–9 digits. The fields go through the
/// lenient `Timestamp` constructor, so a day or hour past its range rolls
/// over into the next month or day.
pub fn timestamp_value_of(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim_matches(|c: char| c <= ' ');
    let (date, time) = s.split_once(' ')?;
    let mut ymd = date.splitn(3, '-');
    let (year, month, day) = (ymd.next()?, ymd.next()?, ymd.next()?);
    if year.len() != 4 || !(1..=2).contains(&month.len()) || !(1..=2).contains(&day.len()) {
        return None;
    }
    let (year, month, day): (i32, u32, i64) = (digits(year)?, digits(month)?, digits(day)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let (hms, nanos) = match time.split_once('.') {
        Some((hms, fraction)) => {
            if fraction.is_empty() || fraction.len() > 9 {
                return None;
            }
            let value: i64 = digits(fraction)?;
            (hms, value * 10i64.pow(9 - fraction.len() as u32))
        }
        None => (time, 0),
    };
    let mut parts = hms.splitn(3, ':');
    let (hour, minute, second) = (parts.next()?, parts.next()?, parts.next()?);
    let (hour, minute, second): (i64, i64, i64) = (digits(hour)?, digits(minute)?, digits(second)?);
    let start = NaiveDate::from_ymd_opt(year, month, 1)?.and_hms_opt(0, 0, 0)?;
    let offset = Duration::try_days(day - 1)?
        + Duration::try_hours(hour)?
        + Duration::try_minutes(minute)?
        + Duration::try_seconds(second)?
        + Duration::nanoseconds(nanos);
    start.checked_add_signed(offset)
}

/// A non-empty run of ASCII digits as a number (`Integer.parseInt` without signs).
fn digits<T: std::str::FromStr>(s: &str) -> Option<T> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

/// A piece of a Joda-Time pattern, for the fields a timestamp needs.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// A numeric field and the most digits it reads.
    Number(Field, usize),
    /// Text that must appear as written.
    Literal(String),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Field {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    /// `S…`: the fraction of a second, kept to milliseconds as Joda does.
    Fraction,
}

/// Splits a Joda pattern into tokens; None for letters this reader does not
/// know (month names, zones, AM/PM), so such a pattern matches nothing.
fn parse_pattern(pattern: &str) -> Option<Vec<Token>> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run = chars[i..].iter().take_while(|&&d| d == c).count();
        // A field right before another numeric field reads only as many
        // digits as its letters (`yyyyMMdd`), as in Joda.
        let adjacent = chars.get(i + run).is_some_and(|next| "yMdHmsS".contains(*next));
        let width = |most: usize| if adjacent { run } else { most };
        match c {
            '\'' => {
                // 'text', with '' for a quote.
                let mut text = String::new();
                let mut j = i + 1;
                loop {
                    match (chars.get(j), chars.get(j + 1)) {
                        (Some('\''), Some('\'')) => {
                            text.push('\'');
                            j += 2;
                        }
                        (Some('\''), _) => break,
                        (Some(&other), _) => {
                            text.push(other);
                            j += 1;
                        }
                        (None, _) => return None,
                    }
                }
                if j == i + 1 {
                    text.push('\'');
                }
                tokens.push(Token::Literal(text));
                i = j + 1;
                continue;
            }
            'y' => tokens.push(Token::Number(Field::Year, width(9))),
            'M' if run <= 2 => tokens.push(Token::Number(Field::Month, width(2))),
            'd' => tokens.push(Token::Number(Field::Day, width(2))),
            'H' => tokens.push(Token::Number(Field::Hour, width(2))),
            'm' => tokens.push(Token::Number(Field::Minute, width(2))),
            's' => tokens.push(Token::Number(Field::Second, width(2))),
            'S' => tokens.push(Token::Number(Field::Fraction, run)),
            c if c.is_ascii_alphabetic() => return None,
            _ => tokens.push(Token::Literal(chars[i..i + run].iter().collect())),
        }
        i += run;
    }
    Some(tokens)
}

/// Reads `s` with `tokens`; None unless every character is used, as Hive
/// requires. Fields a pattern lacks keep the epoch's values.
fn joda_parse(tokens: &[Token], s: &str) -> Option<NaiveDateTime> {
    let (mut year, mut month, mut day) = (1970i32, 1u32, 1u32);
    let (mut hour, mut minute, mut second, mut millis) = (0u32, 0u32, 0u32, 0u32);
    let mut rest = s;
    for token in tokens {
        match token {
            Token::Literal(text) => rest = rest.strip_prefix(text.as_str())?,
            Token::Number(field, max_digits) => {
                let width = rest.bytes().take(*max_digits).take_while(u8::is_ascii_digit).count();
                if width == 0 {
                    return None;
                }
                let (text, after) = rest.split_at(width);
                rest = after;
                match field {
                    Field::Year => year = text.parse().ok()?,
                    Field::Month => month = text.parse().ok()?,
                    Field::Day => day = text.parse().ok()?,
                    Field::Hour => hour = text.parse().ok()?,
                    Field::Minute => minute = text.parse().ok()?,
                    Field::Second => second = text.parse().ok()?,
                    Field::Fraction => {
                        // The digits are a fraction; Joda stores milliseconds.
                        let padded = format!("{text:0<3}");
                        millis = padded[..3].parse().ok()?;
                    }
                }
            }
        }
    }
    if !rest.is_empty() {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)?.and_hms_milli_opt(hour, minute, second, millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: Option<NaiveDateTime>) -> Option<String> {
        t.map(|t| crate::output::hive_timestamp(&t))
    }

    #[test]
    fn value_of_wants_a_space_and_keeps_nanoseconds() {
        let read = |s| text(timestamp_value_of(s));
        assert_eq!(read("2011-01-01 01:01:01.111111111").as_deref(), Some("2011-01-01 01:01:01.111111111"));
        assert_eq!(read(" 2011-5-6 7:08:09.1234567 ").as_deref(), Some("2011-05-06 07:08:09.1234567"));
        assert_eq!(read("2011-01-01T01:01:01.111111111"), None);
        assert_eq!(read("2011-01-01T01:01:01"), None);
        assert_eq!(read("2011-01-01"), None);
        assert_eq!(read("2011-01-01 01:01"), None);
        assert_eq!(read("11-01-01 01:01:01"), None);
        assert_eq!(read("2011-01-01 01:01:01.1234567890"), None);
        // The lenient constructor rolls the day over.
        assert_eq!(read("2011-02-31 00:00:00").as_deref(), Some("2011-03-03 00:00:00"));
    }

    #[test]
    fn formats_are_tried_before_value_of() {
        // Hive's timestamp_formats qtest.
        let patterns: Vec<Vec<Token>> = ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS"]
            .iter()
            .filter_map(|p| parse_pattern(p))
            .collect();
        let read = |s| text(read_timestamp(s, &patterns));
        assert_eq!(read("2011-01-01T01:01:01").as_deref(), Some("2011-01-01 01:01:01"));
        assert_eq!(read("2011-01-01T01:01:01.111111111").as_deref(), Some("2011-01-01 01:01:01.111"));
        assert_eq!(read("2011-01-01 01:01:01.111111111").as_deref(), Some("2011-01-01 01:01:01.111111111"));
        assert_eq!(read("2011-01-01T01:01"), None);
        assert_eq!(read("NULL"), None);
        assert_eq!(text(read_timestamp("2011-01-01T01:01:01", &[])), None);
    }

    #[test]
    fn unknown_pattern_letters_match_nothing() {
        assert_eq!(parse_pattern("yyyy-MMM-dd"), None);
        assert_eq!(parse_pattern("EEE, yyyy"), None);
        let compact = parse_pattern("yyyyMMddHHmmss").map(|p| text(joda_parse(&p, "20110506070809")));
        assert_eq!(compact.flatten().as_deref(), Some("2011-05-06 07:08:09"));
        assert_eq!(
            parse_pattern("dd/MM''yy"),
            Some(vec![
                Token::Number(Field::Day, 2),
                Token::Literal("/".into()),
                Token::Number(Field::Month, 2),
                Token::Literal("'".into()),
                Token::Number(Field::Year, 9),
            ])
        );
    }
}
