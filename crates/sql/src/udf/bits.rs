//! Hive's `shiftleft`, `shiftright` and `shiftrightunsigned` (Java's `<<`,
//! `>>`, `>>>`) and `chr`.
//!
//! The shifts keep Java's widths: TINYINT, SMALLINT and INT shift as 32-bit
//! ints (the count taken modulo 32), BIGINT as a 64-bit long (modulo 64), so
//! the result type depends on the argument's, which the generic `HiveUdf`
//! cannot express.

use std::any::Any;
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, AsArray, Int32Array, Int64Array, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float64Type, Int32Type, Int64Type};
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shift {
    Left,
    Right,
    RightUnsigned,
}

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct HiveShift {
    name: &'static str,
    shift: Shift,
    signature: Signature,
}

impl HiveShift {
    pub fn new(shift: Shift) -> Self {
        let name = match shift {
            Shift::Left => "hive_shiftleft",
            Shift::Right => "hive_shiftright",
            Shift::RightUnsigned => "hive_shiftrightunsigned",
        };
        HiveShift { name, shift, signature: Signature::any(2, Volatility::Immutable) }
    }
}

fn is_long(dt: &DataType) -> bool {
    matches!(dt, DataType::Int64 | DataType::UInt32 | DataType::UInt64)
}

impl ScalarUDFImpl for HiveShift {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn name(&self) -> &str {
        self.name
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, args: &[DataType]) -> Result<DataType> {
        match args.first() {
            Some(dt) if is_long(dt) => Ok(DataType::Int64),
            Some(dt) if dt.is_integer() || dt == &DataType::Null => Ok(DataType::Int32),
            Some(dt) => exec_err!("{} takes an integer, got {dt}", self.name),
            None => exec_err!("{} takes two arguments", self.name),
        }
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let [value, count] = arrays.as_slice() else { return exec_err!("{} takes two arguments", self.name) };
        let count = cast(count, &DataType::Int32)?;
        let count = count.as_primitive::<Int32Type>();
        let shift = self.shift;
        let out: ArrayRef = if is_long(value.data_type()) {
            let v = cast(value, &DataType::Int64)?;
            let out: Int64Array = v
                .as_primitive::<Int64Type>()
                .iter()
                .zip(count.iter())
                .map(|(v, n)| {
                    let (v, n) = (v?, (n? & 63) as u32);
                    Some(match shift {
                        Shift::Left => v.wrapping_shl(n),
                        Shift::Right => v >> n,
                        Shift::RightUnsigned => ((v as u64) >> n) as i64,
                    })
                })
                .collect();
            Arc::new(out)
        } else {
            let v = cast(value, &DataType::Int32)?;
            let out: Int32Array = v
                .as_primitive::<Int32Type>()
                .iter()
                .zip(count.iter())
                .map(|(v, n)| {
                    let (v, n) = (v?, (n? & 31) as u32);
                    Some(match shift {
                        Shift::Left => v.wrapping_shl(n),
                        Shift::Right => v >> n,
                        Shift::RightUnsigned => ((v as u32) >> n) as i32,
                    })
                })
                .collect();
            Arc::new(out)
        };
        Ok(ColumnarValue::Array(out))
    }
}

/// Hive's `chr(n)`: the character of code `n mod 256` (Latin-1), '' for a
/// negative `n`; fractional arguments are truncated.
pub fn chr(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    let n = cast(&args[0], &DataType::Float64)?;
    let out: StringArray = n
        .as_primitive::<Float64Type>()
        .iter()
        .map(|n| {
            let n = n?.trunc();
            if n < 0.0 {
                return Some(String::new());
            }
            let code = (n % 256.0) as u32;
            Some(char::from_u32(code).map(String::from).unwrap_or_default())
        })
        .collect();
    Ok(Arc::new(out))
}
