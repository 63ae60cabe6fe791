//! Hive's data-masking functions (Hive 2.1, `GenericUDFMask*`): `mask`,
//! `mask_first_n`, `mask_last_n`, `mask_show_first_n`, `mask_show_last_n`
//! and `mask_hash`.
//!
//! They exist for column masking policies, so they take any column type and
//! return that type: in strings, upper-case letters become 'X', lower-case
//! 'x', digits 'n' (other characters stay unless asked); in integers every
//! digit becomes 1, computed with Java's arithmetic of the type, so a masked
//! TINYINT 123 with '5' is (byte) 555 = 43; dates get day 1 of January 1900
//! (`java.sql.Date`'s year 0, month 0). The options are constants read when
//! the query is compiled; anything else, or NULL, means the default. A CHAR
//! argument is masked padded and the result is a CHAR(255), as Hive's
//! result inspector for CHAR is. `mask_hash` is the MD5 hex of a string and
//! NULL for other types.

use std::any::Any;
use std::sync::{Arc, LazyLock};

use chrono::{Datelike, Days, NaiveDate};
use datafusion::arrow::array::{
    new_null_array, Array, ArrayRef, AsArray, Date32Array, Int16Array, Int32Array, Int64Array, Int8Array, StringArray,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Int64Type};
use datafusion::common::{exec_err, plan_err, Result, ScalarValue};
use datafusion::logical_expr::{
    ColumnarValue, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use md5::Digest as _;
use regex::Regex;

use super::chars::{char_length, char_metadata, fit_char, MAX_CHAR_LENGTH};

/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;
/// An option value meaning "keep the original".
const UNMASKED: i32 = -1;

pub(super) fn udfs() -> Vec<ScalarUDF> {
    [Part::All, Part::FirstN, Part::LastN, Part::ShowFirstN, Part::ShowLastN, Part::Hash]
        .into_iter()
        .map(|part| {
            ScalarUDF::new_from_impl(HiveMask { part, signature: Signature::variadic_any(Volatility::Immutable) })
        })
        .collect()
}

/// Which characters or digits a function masks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Part {
    All,
    FirstN,
    LastN,
    ShowFirstN,
    ShowLastN,
    Hash,
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct HiveMask {
    part: Part,
    signature: Signature,
}

/// The options, after Hive's defaults and range checks.
#[derive(Debug, Clone, PartialEq)]
struct Options {
    count: i32,
    upper: i32,
    lower: i32,
    digit: i32,
    other: i32,
    number: i32,
    day: i32,
    month: i32,
    year: i32,
}

impl Options {
    /// Reads the arguments after the value: the character count first for
    /// the `_n` functions, then the replacements and the date fields.
    fn read(part: Part, args: &[Option<ScalarValue>]) -> Result<Self> {
        if part == Part::Hash {
            // `mask_hash` has no options.
            return Self::read(Part::All, &[]);
        }
        let mut at = 0;
        let count = if matches!(part, Part::All | Part::Hash) {
            0
        } else {
            at = 1;
            int_arg(args.first(), 4)?.max(0)
        };
        let arg = |i: usize| args.get(at + i);
        let number = int_arg(arg(4), 1)?;
        let day = int_arg(arg(5), 1)?;
        let month = int_arg(arg(6), 0)?;
        Ok(Options {
            count,
            upper: char_arg(arg(0), 'X' as i32),
            lower: char_arg(arg(1), 'x' as i32),
            digit: char_arg(arg(2), 'n' as i32),
            other: char_arg(arg(3), UNMASKED),
            number: if (0..=9).contains(&number) { number } else { 1 },
            day: if day == UNMASKED || (1..=31).contains(&day) { day } else { 1 },
            month: if month == UNMASKED || (0..=11).contains(&month) { month } else { 0 },
            year: int_arg(arg(7), 0)?,
        })
    }
}

/// A replacement character: an integer is a code point, a string its first character.
fn char_arg(arg: Option<&Option<ScalarValue>>, default: i32) -> i32 {
    match arg {
        Some(Some(v)) if v.is_null() => default,
        Some(Some(v)) if v.data_type().is_integer() => integer(v).unwrap_or(default),
        Some(Some(v)) => scalar_text(v).chars().next().map_or(default, |c| c as i32),
        _ => default,
    }
}

/// An integer option: an integer, or a string parsed as one (an error if it is not).
fn int_arg(arg: Option<&Option<ScalarValue>>, default: i32) -> Result<i32> {
    match arg {
        Some(Some(v)) if v.is_null() => Ok(default),
        Some(Some(v)) if v.data_type().is_integer() => Ok(integer(v).unwrap_or(default)),
        Some(Some(v)) => {
            let text = scalar_text(v);
            if text.is_empty() {
                return Ok(default);
            }
            match text.parse::<i32>() {
                Ok(n) => Ok(n),
                Err(_) => exec_err!("mask: '{text}' is not an integer"),
            }
        }
        _ => Ok(default),
    }
}

/// A Java `(int)` of an integer constant.
fn integer(v: &ScalarValue) -> Option<i32> {
    match v.cast_to(&DataType::Int64).ok()? {
        ScalarValue::Int64(Some(n)) => Some(n as i32),
        _ => None,
    }
}

fn scalar_text(v: &ScalarValue) -> String {
    match v {
        ScalarValue::Utf8(Some(s)) | ScalarValue::LargeUtf8(Some(s)) | ScalarValue::Utf8View(Some(s)) => s.clone(),
        other => other.to_string(),
    }
}

/// The result type: the argument's (strings as `Utf8`).
fn output_type(input: &DataType) -> DataType {
    match input {
        DataType::LargeUtf8 | DataType::Utf8View | DataType::Dictionary(_, _) => DataType::Utf8,
        other => other.clone(),
    }
}

impl ScalarUDFImpl for HiveMask {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn name(&self) -> &str {
        match self.part {
            Part::All => "mask",
            Part::FirstN => "mask_first_n",
            Part::LastN => "mask_last_n",
            Part::ShowFirstN => "mask_show_first_n",
            Part::ShowLastN => "mask_show_last_n",
            Part::Hash => "mask_hash",
        }
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        match arg_types.first() {
            Some(input) => Ok(output_type(input)),
            None => plan_err!("{} takes the value to mask", self.name()),
        }
    }
    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        let Some(input) = args.arg_fields.first() else { return plan_err!("{} takes the value to mask", self.name()) };
        let field = Field::new(self.name(), output_type(input.data_type()), true);
        Ok(Arc::new(match char_length(input) {
            Some(_) => field.with_metadata(char_metadata(MAX_CHAR_LENGTH)),
            None => field,
        }))
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let options: Vec<Option<ScalarValue>> = args
            .args
            .iter()
            .skip(1)
            .map(|a| match a {
                ColumnarValue::Scalar(v) => Some(v.clone()),
                ColumnarValue::Array(_) => None,
            })
            .collect();
        let options = Options::read(self.part, &options)?;
        let pad = char_length(&args.return_field);
        let Some(input) = args.args.first() else { return exec_err!("{} takes the value to mask", self.name()) };
        let values = input.to_array(args.number_rows)?;
        let out = mask_array(self.part, &options, &values, pad)?;
        Ok(ColumnarValue::Array(out))
    }
}

fn mask_array(part: Part, options: &Options, values: &ArrayRef, pad: Option<usize>) -> Result<ArrayRef> {
    let dt = values.data_type();
    if matches!(dt, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Dictionary(_, _)) {
        let strings = cast(values, &DataType::Utf8)?;
        let mut out = Vec::with_capacity(strings.len());
        for value in strings.as_string::<i32>().iter() {
            let masked = match value {
                Some(v) if part == Part::Hash => Some(hex(&md5::Md5::digest(v.as_bytes()))),
                Some(v) => Some(mask_string(part, options, v)?),
                None => None,
            };
            out.push(match pad {
                Some(n) => masked.map(|m| fit_char(&m, n)),
                None => masked,
            });
        }
        return Ok(Arc::new(StringArray::from(out)));
    }
    if part == Part::Hash {
        return Ok(new_null_array(dt, values.len()));
    }
    let number = |width: Width| -> Result<Vec<Option<i64>>> {
        let longs = cast(values, &DataType::Int64)?;
        Ok(longs.as_primitive::<Int64Type>().iter().map(|v| v.map(|v| mask_number(part, options, width, v))).collect())
    };
    Ok(match dt {
        DataType::Int8 => Arc::new(number(Width::Byte)?.into_iter().map(|v| v.map(|v| v as i8)).collect::<Int8Array>()),
        DataType::Int16 => {
            Arc::new(number(Width::Short)?.into_iter().map(|v| v.map(|v| v as i16)).collect::<Int16Array>())
        }
        DataType::Int32 => {
            Arc::new(number(Width::Int)?.into_iter().map(|v| v.map(|v| v as i32)).collect::<Int32Array>())
        }
        DataType::Int64 => Arc::new(number(Width::Long)?.into_iter().collect::<Int64Array>()),
        DataType::Date32 => {
            let days = values.as_primitive::<datafusion::arrow::datatypes::Date32Type>();
            Arc::new(days.iter().map(|d| d.and_then(|d| mask_date(options, d))).collect::<Date32Array>())
        }
        // Hive's masks leave other types NULL.
        other => new_null_array(other, values.len()),
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// General categories as Java's `Character.getType` sees them.
static CATEGORY: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"(\p{Lu})|(\p{Ll})|(\p{Nd})").ok());

/// The replacement for one UTF-16 unit (Java masks `charAt(i)`; a half of
/// a surrogate pair is an "other" character).
fn replacement(options: &Options, unit: u16) -> i32 {
    let class = char::from_u32(u32::from(unit)).and_then(|c| {
        let mut buf = [0u8; 4];
        let captures = CATEGORY.as_ref()?.captures(c.encode_utf8(&mut buf))?;
        (1..=3).find(|&g| captures.get(g).is_some())
    });
    let masked = match class {
        Some(1) => options.upper,
        Some(2) => options.lower,
        Some(3) => options.digit,
        _ => options.other,
    };
    if masked == UNMASKED {
        i32::from(unit)
    } else {
        masked
    }
}

/// Masks the UTF-16 units in the function's range, as Hive's `transform(String)`.
fn mask_string(part: Part, options: &Options, value: &str) -> Result<String> {
    let units: Vec<u16> = value.encode_utf16().collect();
    let len = units.len();
    let n = options.count as usize;
    let range = match part {
        Part::All | Part::Hash => 0..len,
        Part::FirstN => 0..len.min(n),
        Part::LastN => len.saturating_sub(n)..len,
        Part::ShowFirstN if len <= n => 0..0,
        Part::ShowFirstN => n..len,
        Part::ShowLastN if len <= n => 0..0,
        Part::ShowLastN => 0..len - n,
    };
    let mut out: Vec<u16> = Vec::with_capacity(len);
    for (i, &unit) in units.iter().enumerate() {
        let code = if range.contains(&i) { replacement(options, unit) } else { i32::from(unit) };
        // Java's appendCodePoint: one unit, a surrogate pair, or an error.
        match u32::try_from(code) {
            Ok(c) if c <= 0xFFFF => out.push(c as u16),
            Ok(c) if c <= 0x10FFFF => {
                let c = c - 0x10000;
                out.extend([0xD800 | (c >> 10) as u16, 0xDC00 | (c & 0x3FF) as u16]);
            }
            _ => return exec_err!("mask: {code} is not a valid replacement character"),
        }
    }
    Ok(String::from_utf16_lossy(&out))
}

/// The Java integer type of a masked number: its arithmetic wraps at that width.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Width {
    Byte,
    Short,
    Int,
    Long,
}

impl Width {
    /// A value stored back into a variable of the type.
    fn narrow(self, v: i64) -> i64 {
        match self {
            Width::Byte => i64::from(v as i8),
            Width::Short => i64::from(v as i16),
            Width::Int => i64::from(v as i32),
            Width::Long => v,
        }
    }
    /// Java computes `pos` and `digit * pos` in int except for long.
    fn arith(self, v: i64) -> i64 {
        match self {
            Width::Long => v,
            _ => i64::from(v as i32),
        }
    }
}

/// Hive's digit-by-digit masking of an integer, least significant digit first.
fn mask_number(part: Part, options: &Options, width: Width, value: i64) -> i64 {
    let (n, masked) = (i64::from(options.count), i64::from(options.number));
    if value == 0 {
        let mask_zero = match part {
            Part::All => true,
            Part::FirstN | Part::LastN => n > 0,
            _ => n == 0,
        };
        return if mask_zero { masked } else { 0 };
    }
    let mut val = if value < 0 { width.narrow(value.wrapping_neg()) } else { value };
    let mut digits = 0;
    let mut v = val;
    while v != 0 {
        digits += 1;
        v /= 10;
    }
    let masks = |i: i64| match part {
        Part::All | Part::Hash => true,
        Part::FirstN => i >= if digits < n { 0 } else { digits - n },
        Part::LastN => i < n,
        Part::ShowFirstN => i < digits - n,
        Part::ShowLastN => i >= n,
    };
    if part == Part::ShowFirstN && digits - n <= 0 {
        return value;
    }
    let (mut ret, mut pos, mut i) = (0i64, 1i64, 0i64);
    while val != 0 {
        let digit = if masks(i) { masked } else { val % 10 };
        ret = width.narrow(ret.wrapping_add(width.arith(digit.wrapping_mul(pos))));
        val /= 10;
        pos = width.arith(pos.wrapping_mul(10));
        i += 1;
    }
    if value < 0 {
        ret = width.narrow(ret.wrapping_neg());
    }
    ret
}

/// `new java.sql.Date(year, month, day)` with the masked fields: year counts
/// from 1900, month from 0, and out-of-range days roll over (lenient).
fn mask_date(options: &Options, days: i32) -> Option<i32> {
    let date = NaiveDate::from_num_days_from_ce_opt(days.checked_add(UNIX_EPOCH_DAYS_FROM_CE)?)?;
    let year = if options.year == UNMASKED { date.year() } else { options.year.checked_add(1900)? };
    let month = if options.month == UNMASKED { date.month() } else { options.month as u32 + 1 };
    let day = if options.day == UNMASKED { date.day() } else { options.day as u32 };
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let masked = first.checked_add_days(Days::new(u64::from(day) - 1))?;
    Some(masked.num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(part: Part, args: &[ScalarValue]) -> Options {
        let args: Vec<Option<ScalarValue>> = args.iter().cloned().map(Some).collect();
        Options::read(part, &args).unwrap()
    }

    fn s(v: &str) -> ScalarValue {
        ScalarValue::Utf8(Some(v.to_string()))
    }

    fn i(v: i64) -> ScalarValue {
        ScalarValue::Int64(Some(v))
    }

    #[test]
    fn strings_follow_hive_examples() {
        let all = options(Part::All, &[s("X"), s("x"), s("0"), s(":")]);
        assert_eq!(mask_string(Part::All, &all, "TestString-123").unwrap(), "XxxxXxxxxx:000");
        let defaults = options(Part::All, &[]);
        assert_eq!(mask_string(Part::All, &defaults, "abcd-EFGH-8765-4321").unwrap(), "xxxx-XXXX-nnnn-nnnn");
        let n = [i(4), s("X"), s("x"), s("0"), s(":")];
        let masked = |part| mask_string(part, &options(part, &n), "TestString-123").unwrap();
        assert_eq!(masked(Part::FirstN), "XxxxString-123");
        assert_eq!(masked(Part::LastN), "TestString:000");
        assert_eq!(masked(Part::ShowFirstN), "TestXxxxxx:000");
        assert_eq!(masked(Part::ShowLastN), "XxxxXxxxxx-123");
        // -1 keeps a class; a code point as an integer replaces it.
        let keep_upper = options(Part::All, &[i(-1), i(35)]);
        assert_eq!(mask_string(Part::All, &keep_upper, "Ab9").unwrap(), "A#n");
    }

    #[test]
    fn numbers_wrap_like_java() {
        let number = |part, count: i64| options(part, &[i(count), i(-1), i(-1), i(-1), i(-1), s("5")]);
        let all = options(Part::All, &[i(-1), i(-1), i(-1), i(-1), s("5")]);
        assert_eq!(mask_number(Part::All, &all, Width::Byte, 123), 43);
        assert_eq!(mask_number(Part::All, &all, Width::Short, 12345), -9981);
        assert_eq!(mask_number(Part::All, &all, Width::Int, -12345), -55555);
        assert_eq!(mask_number(Part::LastN, &number(Part::LastN, 4), Width::Int, 12345), 15555);
        assert_eq!(mask_number(Part::FirstN, &number(Part::FirstN, 4), Width::Long, 12345), 55555);
        assert_eq!(mask_number(Part::ShowFirstN, &number(Part::ShowFirstN, 4), Width::Byte, 123), 123);
        assert_eq!(mask_number(Part::ShowLastN, &number(Part::ShowLastN, 4), Width::Short, 12345), -13191);
        assert_eq!(mask_number(Part::ShowLastN, &number(Part::ShowLastN, 4), Width::Int, 0), 0);
    }

    #[test]
    fn dates_count_years_from_1900() {
        let april_20 = NaiveDate::from_ymd_opt(2016, 4, 20).unwrap().num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE;
        let date = |day, month, year| {
            let o = options(Part::All, &[i(-1), i(-1), i(-1), i(-1), i(-1), i(day), i(month), i(year)]);
            let days = mask_date(&o, april_20).unwrap();
            NaiveDate::from_num_days_from_ce_opt(days + UNIX_EPOCH_DAYS_FROM_CE).unwrap().to_string()
        };
        assert_eq!(date(0, 0, 0), "1900-01-01");
        assert_eq!(date(-1, 0, 0), "1900-01-20");
        assert_eq!(date(1, -1, -1), "2016-04-01");
        assert_eq!(date(31, 1, 116), "2016-03-02");
    }

    #[test]
    fn hash_is_md5_and_char_pads() {
        let values: ArrayRef = Arc::new(StringArray::from(vec![Some("TestString-123"), None]));
        let out = mask_array(Part::Hash, &options(Part::Hash, &[]), &values, None).unwrap();
        assert_eq!(out.as_string::<i32>().value(0), "dd78d68ad1b23bde126812482dd70ac6");
        assert!(out.is_null(1));
        let ints: ArrayRef = Arc::new(Int32Array::from(vec![12345]));
        assert!(mask_array(Part::Hash, &options(Part::Hash, &[]), &ints, None).unwrap().is_null(0));
        let padded = mask_array(Part::All, &options(Part::All, &[]), &values, Some(255)).unwrap();
        assert_eq!(padded.as_string::<i32>().value(0).len(), 255);
    }
}
