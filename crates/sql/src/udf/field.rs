//! `hive_field(x, 'f')`: Hive's `x.f` on an expression.
//!
//! On a struct it is DataFusion's `get_field` (and simplifies to it, so plans
//! keep their nested-field handling). Hive also allows `.f` on an array of
//! structs, giving the array of each element's `f`:
//! `ngrams(...).estfrequency` is an `array<double>`; `get_field` refuses
//! lists, so this handles them.

use std::any::Any;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, ListArray};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{exec_err, plan_err, Result, ScalarValue};
use datafusion::functions::core::expr_fn::get_field;
use datafusion::logical_expr::simplify::{ExprSimplifyResult, SimplifyInfo};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct HiveField {
    signature: Signature,
}

impl HiveField {
    pub fn new() -> Self {
        Self { signature: Signature::any(2, Volatility::Immutable) }
    }
}

/// The struct field `name` of an `array<struct>` element type.
fn element_field(list_item: &FieldRef, name: &str) -> Result<FieldRef> {
    match list_item.data_type() {
        DataType::Struct(fields) => match fields.iter().find(|f| f.name() == name) {
            Some(f) => Ok(f.clone()),
            None => plan_err!("the struct has no field '{name}'"),
        },
        other => plan_err!("cannot read field '{name}' of an array of {other}"),
    }
}

fn name_of(arg: Option<&ScalarValue>) -> Result<String> {
    match arg {
        Some(ScalarValue::Utf8(Some(s)) | ScalarValue::LargeUtf8(Some(s)) | ScalarValue::Utf8View(Some(s))) => {
            Ok(s.clone())
        }
        _ => plan_err!("a field name must be a string literal"),
    }
}

impl ScalarUDFImpl for HiveField {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn name(&self) -> &str {
        "hive_field"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        plan_err!("hive_field's type depends on the field name; see return_field_from_args")
    }
    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        let name = name_of(args.scalar_arguments.get(1).copied().flatten())?;
        let Some(input) = args.arg_fields.first() else { return plan_err!("hive_field takes two arguments") };
        match input.data_type() {
            DataType::List(item) => {
                let f = element_field(item, &name)?;
                let item = Field::new("item", f.data_type().clone(), true);
                Ok(Arc::new(Field::new(self.name(), DataType::List(Arc::new(item)), true)))
            }
            DataType::Struct(fields) => match fields.iter().find(|f| f.name() == &name) {
                Some(f) => Ok(Arc::new(Field::new(self.name(), f.data_type().clone(), true))),
                None => plan_err!("the struct has no field '{name}'"),
            },
            DataType::Null => Ok(Arc::new(Field::new(self.name(), DataType::Null, true))),
            other => plan_err!("cannot read field '{name}' of {other}"),
        }
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let name = match args.args.get(1) {
            Some(ColumnarValue::Scalar(s)) => name_of(Some(s))?,
            _ => return exec_err!("a field name must be a string literal"),
        };
        let rows = args.number_rows;
        let input = match args.args.first() {
            Some(v) => v.to_array(rows)?,
            None => return exec_err!("hive_field takes two arguments"),
        };
        let out: ArrayRef = match input.data_type() {
            DataType::List(_) => {
                let list = input.as_list::<i32>();
                let structs = list.values().as_struct();
                let Some(child) = structs.column_by_name(&name) else {
                    return exec_err!("the struct has no field '{name}'");
                };
                let item = Arc::new(Field::new("item", child.data_type().clone(), true));
                Arc::new(ListArray::try_new(item, list.offsets().clone(), child.clone(), list.nulls().cloned())?)
            }
            DataType::Struct(_) => match input.as_struct().column_by_name(&name) {
                Some(c) => c.clone(),
                None => return exec_err!("the struct has no field '{name}'"),
            },
            DataType::Null => input,
            other => return exec_err!("cannot read field '{name}' of {other}"),
        };
        Ok(ColumnarValue::Array(out))
    }
    fn simplify(&self, mut args: Vec<Expr>, info: &dyn SimplifyInfo) -> Result<ExprSimplifyResult> {
        if args.len() == 2 && matches!(info.get_data_type(&args[0])?, DataType::Struct(_)) {
            if let Expr::Literal(s, _) = &args[1] {
                if let Ok(name) = name_of(Some(s)) {
                    return Ok(ExprSimplifyResult::Simplified(get_field(args.remove(0), name)));
                }
            }
        }
        Ok(ExprSimplifyResult::Original(args))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::logical_expr::ScalarUDF;
    use datafusion::prelude::SessionContext;

    async fn one(sql: &str) -> String {
        let ctx = SessionContext::new();
        ctx.register_udf(ScalarUDF::new_from_impl(HiveField::new()));
        let batches = ctx.sql(sql).await.expect("plan").collect().await.expect("run");
        ScalarValue::try_from_array(batches[0].column(0), 0).expect("value").to_string()
    }

    #[tokio::test]
    async fn fields_of_structs_and_of_arrays_of_structs() {
        assert_eq!(one("SELECT hive_field(named_struct('x', 1, 'y', 2), 'y')").await, "2");
        let arr = "[named_struct('x', 1.5, 'y', 2.0), named_struct('x', 3.5, 'y', 4.0)]";
        assert_eq!(one(&format!("SELECT hive_field({arr}, 'x')")).await, "[1.5, 3.5]");
    }
}
