//! Hive's `BD` literals (`3.14BD`, `1E2BD`): a DECIMAL of the literal's own
//! precision and scale.
//!
//! Hive reads the digits as a Java `BigDecimal` and makes a `HiveDecimal` of
//! it, which keeps at most 38 digits: more fraction digits than fit are
//! rounded half up, and a value whose integer part alone needs more than 38
//! digits is NULL (`1E99BD`). Trailing fraction zeros are dropped, so the
//! type of `3.140BD` is DECIMAL(3,2).

use datafusion::sql::sqlparser::ast::{DataType, ExactNumberInfo, Expr, Value};

use super::exprs::{cast, string};

/// Digits a Hive DECIMAL holds.
const MAX_PRECISION: usize = 38;

/// The DECIMAL a `BD` literal's text (without the suffix) stands for, or
/// `None` when the text is not a number.
pub(super) fn bd_literal(text: &str) -> Option<Expr> {
    let (whole, fraction) = plain_digits(text)?;
    let Some((whole, fraction)) = fit(whole, fraction) else {
        // Out of DECIMAL's range: Hive's literal is NULL.
        let null = Expr::value(Value::Null);
        return Some(cast(null, DataType::Decimal(ExactNumberInfo::PrecisionAndScale(MAX_PRECISION as u64, 0))));
    };
    let scale = fraction.len() as i64;
    let precision = (whole.len() + fraction.len()).max(1) as u64;
    let text = match (whole.is_empty(), fraction.is_empty()) {
        (true, true) => "0".to_string(),
        (false, true) => whole,
        (true, false) => format!("0.{fraction}"),
        (false, false) => format!("{whole}.{fraction}"),
    };
    Some(cast(string(&text), DataType::Decimal(ExactNumberInfo::PrecisionAndScale(precision, scale))))
}

/// `1.5E2` as the digits before and after the point ("150", ""), without
/// leading zeros of the integer part or trailing zeros of the fraction.
fn plain_digits(text: &str) -> Option<(String, String)> {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], text[at + 1..].parse::<i32>().ok()?),
        None => (text, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.len() + fraction.len() == 0 || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    // Move the point `exponent` places to the right in whole+fraction.
    let digits = format!("{whole}{fraction}");
    let point = whole.len() as i64 + i64::from(exponent);
    let (whole, fraction) = if point <= 0 {
        (String::new(), format!("{}{digits}", "0".repeat(point.unsigned_abs() as usize)))
    } else if point as usize >= digits.len() {
        (format!("{digits}{}", "0".repeat(point as usize - digits.len())), String::new())
    } else {
        (digits[..point as usize].to_string(), digits[point as usize..].to_string())
    };
    Some((whole.trim_start_matches('0').to_string(), fraction.trim_end_matches('0').to_string()))
}

/// Rounds the fraction half up to what 38 digits leave it; `None` when the
/// integer part does not fit.
fn fit(whole: String, fraction: String) -> Option<(String, String)> {
    if whole.len() + fraction.len() <= MAX_PRECISION {
        return Some((whole, fraction));
    }
    let keep = MAX_PRECISION.checked_sub(whole.len())?;
    let round_up = fraction.as_bytes().get(keep).is_some_and(|d| *d >= b'5');
    let mut digits: Vec<u8> = format!("{whole}{}", &fraction[..keep]).into_bytes();
    if round_up {
        // Add one in the last place, carrying through nines.
        let mut at = digits.len();
        loop {
            if at == 0 {
                digits.insert(0, b'1');
                break;
            }
            at -= 1;
            if digits[at] == b'9' {
                digits[at] = b'0';
            } else {
                digits[at] += 1;
                break;
            }
        }
    }
    let whole_len = digits.len() - keep;
    if whole_len > MAX_PRECISION {
        return None;
    }
    let digits = String::from_utf8(digits).ok()?;
    let (whole, fraction) = digits.split_at(whole_len);
    Some((whole.trim_start_matches('0').to_string(), fraction.trim_end_matches('0').to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(text: &str) -> String {
        bd_literal(text).map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn literal_decimal_examples() {
        // literal_decimal.q: -1BD, 0BD, 1BD, 3.14BD, 99999999999999999.9999999999999BD, 1E99BD.
        assert_eq!(typed("1"), "CAST('1' AS DECIMAL(1,0))");
        assert_eq!(typed("0"), "CAST('0' AS DECIMAL(1,0))");
        assert_eq!(typed("3.140"), "CAST('3.14' AS DECIMAL(3,2))");
        assert_eq!(
            typed("99999999999999999.9999999999999"),
            "CAST('99999999999999999.9999999999999' AS DECIMAL(30,13))"
        );
        assert_eq!(typed("1E99"), "CAST(NULL AS DECIMAL(38,0))");
    }

    #[test]
    fn exponents_move_the_point() {
        assert_eq!(typed("1E2"), "CAST('100' AS DECIMAL(3,0))");
        assert_eq!(typed("1.5e-1"), "CAST('0.15' AS DECIMAL(2,2))");
        assert_eq!(typed(".5"), "CAST('0.5' AS DECIMAL(1,1))");
        assert_eq!(typed("1E37"), format!("CAST('1{}' AS DECIMAL(38,0))", "0".repeat(37)));
        assert_eq!(typed("1E38"), "CAST(NULL AS DECIMAL(38,0))");
        assert_eq!(typed("1.2.3"), "");
        assert_eq!(typed("E5"), "");
    }

    #[test]
    fn too_many_fraction_digits_round_half_up() {
        let text = format!("1.{}5", "0".repeat(37));
        assert_eq!(typed(&text), format!("CAST('1.{}1' AS DECIMAL(38,37))", "0".repeat(36)));
        let nines = format!("{}.9", "9".repeat(38));
        assert_eq!(typed(&nines), "CAST(NULL AS DECIMAL(38,0))");
    }
}
