//! Hive's rules for reading a string as a number, date, timestamp or boolean.
//!
//! Hive's casts from strings never fail a query: text that is not a value of
//! the target type becomes NULL. What counts as a value follows the Java code
//! Hive calls, which differs from Arrow's cast (Arrow rejects `' 81.5'`, Java's
//! `Double.parseDouble` trims it). Each function cites the Hive or JDK code it
//! follows; all of them are pure so they can be tested without a query.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// Java's `String.trim()`: every char up to U+0020 is blank (Double.parseDouble
/// trims this way; Hive's `HiveStringUtils.findLeadingSpaces` for integers and
/// `HiveDecimal.create(String)` trim blanks too).
fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// Hive's string → TINYINT/SMALLINT/INT/BIGINT (`UDFToInteger.evaluate(Text)`
/// → `LazyInteger.parseInt(bytes, 0, len, 10, trim = true)`, and the same in
/// `LazyLong`/`LazyShort`/`LazyByte`): surrounding blanks are ignored, an
/// optional sign, decimal digits, and an optional fraction that must be digits
/// and is truncated (`'12.9'` → 12). Out of the type's range → NULL.
pub fn parse_integer(s: &str, min: i64, max: i64) -> Option<i64> {
    let t = java_trim(s);
    let (negative, digits) = match t.as_bytes().first()? {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole)
        || !fraction.is_none_or(all_digits)
        || (whole.is_empty() && fraction.is_none_or(str::is_empty))
    {
        return None;
    }
    let mut value: i128 = 0;
    for b in whole.bytes() {
        value = value * 10 + i128::from(b - b'0');
        if value > i128::from(i64::MAX) + 1 {
            return None;
        }
    }
    let value = if negative { -value } else { value };
    let value = i64::try_from(value).ok()?;
    (min..=max).contains(&value).then_some(value)
}

/// Java's `Double.parseDouble` (Hive's `UDFToDouble.evaluate(Text)`): blanks
/// trimmed, `NaN`, `Infinity`, decimal and exponent forms, and an optional
/// `d`/`f` suffix. Rust's parser is stricter in one way (no suffix) and
/// looser in another (`inf`, `nan` in any case), so both are adjusted here.
pub fn parse_double(s: &str) -> Option<f64> {
    let t = java_trim(s);
    let (sign, body) = match t.as_bytes().first()? {
        b'-' => (-1.0, &t[1..]),
        b'+' => (1.0, &t[1..]),
        _ => (1.0, t),
    };
    match body {
        "NaN" => return Some(f64::NAN),
        "Infinity" => return Some(sign * f64::INFINITY),
        _ => {}
    }
    let body = body.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(body);
    let valid = body.bytes().any(|b| b.is_ascii_digit())
        && body.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        && !body.starts_with(['+', '-']);
    if !valid {
        return None;
    }
    body.parse::<f64>().ok().map(|v| sign * v)
}

/// Hive's string → DECIMAL(p,s) (`HiveDecimal.create(String)` then
/// `enforcePrecisionScale`): blanks trimmed, plain or exponent notation,
/// rounded HALF_UP to the scale, NULL when the integer part needs more than
/// `p - s` digits. Returns the unscaled value.
pub fn parse_decimal(s: &str, precision: u8, scale: i8) -> Option<i128> {
    let t = java_trim(s);
    let (negative, rest) = match t.as_bytes().first()? {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], rest[i + 1..].parse::<i32>().ok()?),
        None => (rest, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || !all_digits(fraction) || whole.len() + fraction.len() == 0 {
        return None;
    }
    // value = digits × 10^(exponent − fraction length); we want value × 10^scale.
    let digits: String = format!("{whole}{fraction}").trim_start_matches('0').to_string();
    let shift = exponent.checked_sub(i32::try_from(fraction.len()).ok()?)?.checked_add(i32::from(scale))?;
    let limit = 10i128.checked_pow(u32::from(precision))?;
    let unscaled = if digits.is_empty() {
        0
    } else if shift >= 0 {
        if digits.len() + shift as usize > usize::from(precision) {
            return None;
        }
        digits.parse::<i128>().ok()? * 10i128.pow(shift as u32)
    } else {
        let drop = (-shift) as usize;
        if drop > digits.len() {
            // The first dropped digit is an implicit 0: rounds to zero.
            0
        } else {
            let (kept, dropped) = digits.split_at(digits.len() - drop);
            // No leading zeros: more digits than the precision cannot fit.
            if kept.len() > usize::from(precision) {
                return None;
            }
            let kept = if kept.is_empty() { 0 } else { kept.parse::<i128>().ok()? };
            kept + i128::from(dropped.as_bytes()[0] >= b'5')
        }
    };
    if unscaled >= limit {
        return None;
    }
    Some(if negative { -unscaled } else { unscaled })
}

/// `y-M-d` with 1–4 year digits and 1–2 month and day digits. As in Hive 2.1,
/// which calls `java.sql.Date.valueOf`/`Timestamp.valueOf`: the month must be
/// 1–12 and the day 1–31, and a day past the month's end rolls over into the
/// next month (`2002-02-31` is 2002-03-03).
fn parse_ymd(s: &str) -> Option<NaiveDate> {
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let ok = |p: &str, max: usize| !p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit());
    if parts.next().is_some() || !ok(y, 4) || !ok(m, 2) || !ok(d, 2) {
        return None;
    }
    let day: u64 = d.parse().ok()?;
    if !(1..=31).contains(&day) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)?.checked_add_days(chrono::Days::new(day - 1))
}

/// Hive's string → DATE (`org.apache.hadoop.hive.common.type.Date.valueOf`):
/// trimmed, anything from the first space on ignored (so a timestamp string
/// gives its date), then `yyyy-M-d` (see `parse_ymd`).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let t = java_trim(s);
    parse_ymd(t.split(' ').next()?)
}

/// Hive's string → TIMESTAMP (`org.apache.hadoop.hive.common.type.Timestamp.valueOf`):
/// trimmed `yyyy-M-d`, optionally followed by ` ` or `T` and `H:m[:s[.fffffffff]]`.
pub fn parse_timestamp(s: &str) -> Option<NaiveDateTime> {
    let t = java_trim(s);
    let (date, time) = match t.find([' ', 'T']) {
        Some(i) => (&t[..i], Some(t[i + 1..].trim_start())),
        None => (t, None),
    };
    let date = parse_ymd(date)?;
    let Some(time) = time else { return date.and_hms_opt(0, 0, 0) };
    let (hms, nanos) = match time.split_once('.') {
        Some((hms, f)) if !f.is_empty() && f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()) => {
            (hms, f.parse::<u32>().ok()? * 10u32.pow(9 - f.len() as u32))
        }
        Some(_) => return None,
        None => (time, 0),
    };
    let fields: Vec<&str> = hms.split(':').collect();
    let num = |p: &str| -> Option<u32> {
        (!p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok()).flatten()
    };
    let (h, m, sec) = match fields.as_slice() {
        [h, m] => (num(h)?, num(m)?, 0),
        [h, m, s] => (num(h)?, num(m)?, num(s)?),
        _ => return None,
    };
    Some(date.and_time(NaiveTime::from_hms_nano_opt(h, m, sec, nanos)?))
}

/// Hive's string → BOOLEAN (`UDFToBoolean.evaluate(Text)` →
/// `PrimitiveObjectInspectorUtils.parseBoolean`): empty, `false`, `off`, `no`
/// and `0` (any case) are false, every other string is true.
pub fn parse_boolean(s: &str) -> bool {
    !(s.is_empty() || ["false", "off", "no", "0"].iter().any(|f| s.eq_ignore_ascii_case(f)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_trim_truncate_and_overflow_to_null() {
        let int = |s| parse_integer(s, i32::MIN.into(), i32::MAX.into());
        assert_eq!(int(" 42 "), Some(42));
        assert_eq!(int("-7"), Some(-7));
        assert_eq!(int("+12.9"), Some(12));
        assert_eq!(int("12.x"), None);
        assert_eq!(int("abc"), None);
        assert_eq!(int(""), None);
        assert_eq!(int("-"), None);
        assert_eq!(int("2147483648"), None);
        assert_eq!(int("-2147483648"), Some(-2147483648));
        assert_eq!(parse_integer("300", -128, 127), None);
        assert_eq!(parse_integer("9223372036854775807", i64::MIN, i64::MAX), Some(i64::MAX));
        assert_eq!(parse_integer("99999999999999999999", i64::MIN, i64::MAX), None);
    }

    #[test]
    fn doubles_follow_java() {
        assert_eq!(parse_double(" 81.5"), Some(81.5));
        assert_eq!(parse_double("81.5 \t"), Some(81.5));
        assert_eq!(parse_double("1e3"), Some(1000.0));
        assert_eq!(parse_double("-.5"), Some(-0.5));
        assert_eq!(parse_double("2d"), Some(2.0));
        assert_eq!(parse_double("-Infinity"), Some(f64::NEG_INFINITY));
        assert!(parse_double("NaN").is_some_and(f64::is_nan));
        assert_eq!(parse_double("inf"), None);
        assert_eq!(parse_double("nan"), None);
        assert_eq!(parse_double("9999.9*"), None);
        assert_eq!(parse_double(""), None);
        assert_eq!(parse_double("+-1"), None);
    }

    #[test]
    fn decimals_round_half_up_and_overflow_to_null() {
        assert_eq!(parse_decimal(" 81.5 ", 10, 2), Some(8150));
        assert_eq!(parse_decimal("1.005", 10, 2), Some(101));
        assert_eq!(parse_decimal("-1.004", 10, 2), Some(-100));
        assert_eq!(parse_decimal("1e2", 5, 0), Some(100));
        assert_eq!(parse_decimal("123456", 5, 0), None);
        assert_eq!(parse_decimal("99999.9", 5, 0), None);
        assert_eq!(parse_decimal("0.004", 3, 2), Some(0));
        assert_eq!(parse_decimal("0.005", 3, 2), Some(1));
        assert_eq!(parse_decimal("x1", 5, 0), None);
        assert_eq!(parse_decimal("000123.40", 5, 2), Some(12340));
    }

    #[test]
    fn dates_timestamps_booleans() {
        assert_eq!(parse_date(" 2024-3-5 "), NaiveDate::from_ymd_opt(2024, 3, 5));
        assert_eq!(parse_date("2024-01-02 10:11:12"), NaiveDate::from_ymd_opt(2024, 1, 2));
        // Hive 2.1 (java.sql.Date.valueOf) rolls a day past the month's end over,
        // as udf_months_between's cast('2002-02-31' as date) shows; day 32 is rejected.
        assert_eq!(parse_date("2024-02-30"), NaiveDate::from_ymd_opt(2024, 3, 1));
        assert_eq!(parse_date("2024-01-32"), None);
        assert_eq!(parse_date("2024-13-01"), None);
        assert_eq!(parse_date("20240101"), None);
        let ts = parse_timestamp("2024-01-02 03:04:05.5").map(|t| t.to_string());
        assert_eq!(ts.as_deref(), Some("2024-01-02 03:04:05.500"));
        assert_eq!(parse_timestamp("2024-01-02").map(|t| t.to_string()).as_deref(), Some("2024-01-02 00:00:00"));
        assert_eq!(parse_timestamp("2024-01-02T03:04").map(|t| t.to_string()).as_deref(), Some("2024-01-02 03:04:00"));
        assert_eq!(parse_timestamp("yesterday"), None);
        assert!(!parse_boolean("FALSE") && !parse_boolean("") && !parse_boolean("0") && !parse_boolean("off"));
        assert!(parse_boolean("true") && parse_boolean("x"));
    }
}
