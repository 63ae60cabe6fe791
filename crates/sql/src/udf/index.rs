//! `hive_index(container, key)`: Hive's `a[i]` and `m[k]`.
//!
//! Hive arrays are 0-based and DataFusion's are 1-based, and the bracket means
//! different things for arrays and maps. Only the types say which, so the
//! rewriter turns every subscript into `hive_index`, and this function's
//! `simplify` (which sees the types) turns it into DataFusion's own array or
//! map lookup. It never runs as a function of its own.

use std::any::Any;

use datafusion::arrow::datatypes::DataType;
use datafusion::common::{exec_err, plan_err, Result};
use datafusion::functions_nested::expr_fn::{array_element, map_extract};
use datafusion::logical_expr::simplify::{ExprSimplifyResult, SimplifyInfo};
use datafusion::logical_expr::{
    cast, lit, when, ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct HiveIndex {
    signature: Signature,
}

impl HiveIndex {
    pub fn new() -> Self {
        Self { signature: Signature::any(2, Volatility::Immutable) }
    }
}

impl ScalarUDFImpl for HiveIndex {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn name(&self) -> &str {
        "hive_index"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        match arg_types.first() {
            Some(DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _)) => {
                Ok(f.data_type().clone())
            }
            Some(DataType::Map(entries, _)) => match entries.data_type() {
                DataType::Struct(kv) if kv.len() == 2 => Ok(kv[1].data_type().clone()),
                other => plan_err!("unexpected map layout {other}"),
            },
            Some(DataType::Null) => Ok(DataType::Null),
            Some(other) => plan_err!("[] needs an array or a map, got {other}"),
            None => plan_err!("hive_index takes two arguments"),
        }
    }
    fn invoke_with_args(&self, _args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        exec_err!("hive_index should have been simplified into an array or map lookup")
    }
    fn simplify(&self, args: Vec<Expr>, info: &dyn SimplifyInfo) -> Result<ExprSimplifyResult> {
        let [container, key] = <[Expr; 2]>::try_from(args)
            .map_err(|_| datafusion::error::DataFusionError::Plan("hive_index takes two arguments".into()))?;
        match info.get_data_type(&container)? {
            DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(_, _) => {
                // Negative indexes are NULL in Hive; DataFusion would count from the end.
                let i = cast(key, DataType::Int64);
                let position = when(i.clone().gt_eq(lit(0i64)), i + lit(1i64)).end()?;
                Ok(ExprSimplifyResult::Simplified(array_element(container, position)))
            }
            DataType::Map(_, _) => {
                Ok(ExprSimplifyResult::Simplified(array_element(map_extract(container, key), lit(1i64))))
            }
            _ => Ok(ExprSimplifyResult::Original(vec![container, key])),
        }
    }
}
