//! `hive_num(x)`: Hive's implicit string-to-number conversion.
//!
//! Hive evaluates `sum(s)`, `s + 1` and `s > 15` on a string column as
//! doubles; DataFusion rejects the first two and compares the third as text.
//! Tables read through `OpenCSVSerde` have only string columns, so this
//! matters for the most common EMR scripts. The query rewriter wraps numeric
//! contexts in `hive_num`, which converts strings to DOUBLE (NULL when not a
//! number) and simplifies away entirely for any other type, so numeric columns
//! pay nothing.

use std::any::Any;
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, AsArray, Float64Array};

use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::simplify::{ExprSimplifyResult, SimplifyInfo};
use datafusion::logical_expr::{ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility};

use super::parse::parse_double;

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct HiveNum {
    signature: Signature,
}

impl HiveNum {
    pub fn new() -> Self {
        Self { signature: Signature::any(1, Volatility::Immutable) }
    }
}

fn is_string(dt: &DataType) -> bool {
    matches!(dt, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Dictionary(_, _))
}

impl ScalarUDFImpl for HiveNum {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn name(&self) -> &str {
        "hive_num"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        Ok(match arg_types.first() {
            Some(dt) if is_string(dt) || *dt == DataType::Null => DataType::Float64,
            Some(dt) => dt.clone(),
            None => DataType::Float64,
        })
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let target = args.return_type().clone();
        // Strings parse as Java's Double.parseDouble would (' 81.5' is 81.5,
        // text is NULL); anything else goes through arrow's safe cast.
        let convert = |a: &ArrayRef| -> Result<ArrayRef> {
            if is_string(a.data_type()) && target == DataType::Float64 {
                let strings = cast(a, &DataType::Utf8)?;
                let out: Float64Array = strings.as_string::<i32>().iter().map(|v| v.and_then(parse_double)).collect();
                Ok(Arc::new(out))
            } else {
                Ok(cast(a, &target)?)
            }
        };
        match args.args.into_iter().next() {
            Some(ColumnarValue::Array(a)) => Ok(ColumnarValue::Array(convert(&a)?)),
            Some(ColumnarValue::Scalar(s)) => {
                let a = convert(&s.to_array()?)?;
                Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&a, 0)?))
            }
            None => datafusion::common::exec_err!("hive_num takes one argument"),
        }
    }
    fn simplify(&self, mut args: Vec<Expr>, info: &dyn SimplifyInfo) -> Result<ExprSimplifyResult> {
        if args.len() == 1 {
            let dt = info.get_data_type(&args[0])?;
            if !is_string(&dt) && dt != DataType::Null {
                return Ok(ExprSimplifyResult::Simplified(args.remove(0)));
            }
        }
        Ok(ExprSimplifyResult::Original(args))
    }
}
