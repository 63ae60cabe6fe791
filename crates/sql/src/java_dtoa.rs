//! Java 8's `Double.toString` of doubles at or above 2^54.
//!
//! Hive 2.1 ran on Java 8, whose `FloatingDecimal` prints a double that is
//! an integer below 2^63 from its exact integer value, dropping only a
//! table-given number of low decimal digits (rounding half up), not the
//! shortest digits that read back as the same double: `7.6207893758573389E17`
//! where Rust (and Java 19+) print `7.620789375857339E17`. Below 2^54 the
//! two agree, so only that range is handled here.

/// How many low decimal digits Java 8 drops from an integer double, by
/// how many binary digits its exponent exceeds the 53 significant bits, less one.
const INSIGNIFICANT_DIGITS: [u32; 9] = [0, 0, 0, 0, 1, 1, 1, 2, 2];

/// Java 8's text for `v` when it is in [2^54, 2^63) in magnitude, else `None`.
pub fn large_integer_text(v: f64) -> Option<String> {
    let bin_exp = i32::try_from((v.to_bits() >> 52) & 0x7ff).ok()? - 1023;
    if !(54..=62).contains(&bin_exp) {
        return None;
    }
    // Exact: a double this large is an integer below 2^63.
    let mut value = v.abs() as u64;
    let dropped = usize::try_from(bin_exp - 53 - 1).ok().and_then(|i| INSIGNIFICANT_DIGITS.get(i)).copied()?;
    if dropped > 0 {
        let pow10 = 10u64.pow(dropped);
        let residue = value % pow10;
        value /= pow10;
        if residue >= pow10 / 2 {
            value += 1;
        }
    }
    let digits = value.to_string();
    let exponent = digits.len() - 1 + dropped as usize;
    let significant = digits.trim_end_matches('0');
    let (first, rest) = significant.split_at(1);
    let rest = if rest.is_empty() { "0" } else { rest };
    let sign = if v.is_sign_negative() { "-" } else { "" };
    Some(format!("{sign}{first}.{rest}E{exponent}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_large_integers_like_java_8() {
        // Hive's decimal_udf.q.out: 1234567890.1234567890 * (1234567890 / 2).
        let key: f64 = "1234567890.1234567890".parse().expect("a double");
        let v = key * (1_234_567_890.0 / 2.0);
        assert_eq!(large_integer_text(v).as_deref(), Some("7.6207893758573389E17"));
        assert_eq!(large_integer_text(-v).as_deref(), Some("-7.6207893758573389E17"));
        // Powers of two below 2^54 (and small values) are left to the shortest form.
        assert_eq!(large_integer_text(2f64.powi(50)), None);
        assert_eq!(large_integer_text(105.0), None);
        // 2^60 = 1152921504606846976; Java 8 prints 1.15292150460684698E18.
        assert_eq!(large_integer_text(2f64.powi(60)).as_deref(), Some("1.15292150460684698E18"));
    }
}
