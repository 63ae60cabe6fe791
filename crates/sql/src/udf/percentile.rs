//! Hive's exact `percentile(col, p)` and `percentile(col, array(p1, ...))`.
//!
//! DataFusion's `percentile_cont` takes one fraction; Hive's `UDAFPercentile`
//! also takes an array of them and answers an array. Hive counts each
//! distinct integer value, then for a fraction `p` interpolates linearly
//! between the values at the ranks `floor((n-1)p)` and `ceil((n-1)p)`; this
//! does the same arithmetic so the doubles print as Hive's do (`8.91`,
//! `157.92999999999998`). Values are BIGINTs as in Hive (other numbers are
//! truncated towards zero); NULL values are skipped and a group without values
//! gives NULL.

use std::any::Any;
use std::collections::BTreeMap;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Builder, Int64Builder, ListBuilder};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Float64Type, Int64Type};
use datafusion::common::{exec_err, Result, ScalarValue};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{Accumulator, AggregateUDF, AggregateUDFImpl, Signature, Volatility};

/// The name the rewriter gives Hive's `percentile`.
pub const NAME: &str = "hive_percentile";

/// Hive's `percentile`: one double for a fraction, an array for an array.
#[derive(Debug, PartialEq, Eq, Hash)]
struct HivePercentile {
    signature: Signature,
}

/// The aggregate to register.
pub fn percentile() -> AggregateUDF {
    AggregateUDF::new_from_impl(HivePercentile { signature: Signature::any(2, Volatility::Immutable) })
}

fn list_of(t: DataType) -> DataType {
    DataType::List(Arc::new(Field::new("item", t, true)))
}

impl AggregateUDFImpl for HivePercentile {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn name(&self) -> &str {
        NAME
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        Ok(match arg_types.get(1) {
            Some(DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(_, _)) => {
                list_of(DataType::Float64)
            }
            _ => DataType::Float64,
        })
    }
    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        let field = |n: &str, t: DataType| Arc::new(Field::new(format!("{}[{n}]", args.name), t, true));
        Ok(vec![
            field("values", list_of(DataType::Int64)),
            field("counts", list_of(DataType::Int64)),
            field("fractions", list_of(DataType::Float64)),
        ])
    }
    fn accumulator(&self, acc_args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        let many = matches!(acc_args.return_field.data_type(), DataType::List(_));
        Ok(Box::new(PercentileAccumulator { many, counts: BTreeMap::new(), fractions: None }))
    }
}

#[derive(Debug)]
struct PercentileAccumulator {
    /// Whether the fractions came as an array (and the answer is one).
    many: bool,
    counts: BTreeMap<i64, i64>,
    /// The fractions, from the first row that had them.
    fractions: Option<Vec<f64>>,
}

/// The fractions of row `i`: a number or an array of numbers; each in [0, 1].
fn fractions_at(a: &ArrayRef, i: usize) -> Result<Option<Vec<f64>>> {
    if a.is_null(i) {
        return Ok(None);
    }
    let values = match a.data_type() {
        DataType::List(_) => cast(&a.as_list::<i32>().value(i), &DataType::Float64)?,
        DataType::LargeList(_) => cast(&a.as_list::<i64>().value(i), &DataType::Float64)?,
        DataType::FixedSizeList(_, _) => cast(&a.as_fixed_size_list().value(i), &DataType::Float64)?,
        _ => cast(&a.slice(i, 1), &DataType::Float64)?,
    };
    let values = values.as_primitive::<Float64Type>();
    let mut out = Vec::with_capacity(values.len());
    for p in values.iter() {
        match p {
            Some(p) if (0.0..=1.0).contains(&p) => out.push(p),
            _ => return exec_err!("percentile: each percentile must be between 0.0 and 1.0, got {p:?}"),
        }
    }
    Ok(Some(out))
}

/// Hive's interpolation between the values at the two ranks around `(n-1)p`;
/// `cumulative` holds each distinct value with the count up to and including it.
fn percentile_of(cumulative: &[(i64, i64)], p: f64) -> Option<f64> {
    let total = cumulative.last()?.1;
    let position = (total - 1) as f64 * p;
    let lower = position.floor() as i64;
    let higher = position.ceil() as i64;
    // The first value whose cumulative count passes the 0-based rank `lower`.
    let mut i = cumulative.iter().position(|&(_, c)| c > lower)?;
    let lower_key = cumulative[i].0;
    if higher == lower {
        return Some(lower_key as f64);
    }
    if cumulative[i].1 <= higher {
        i += 1;
    }
    let higher_key = cumulative.get(i)?.0;
    if higher_key == lower_key {
        return Some(lower_key as f64);
    }
    Some((higher as f64 - position) * lower_key as f64 + (position - lower as f64) * higher_key as f64)
}

impl PercentileAccumulator {
    fn note_fractions(&mut self, fractions: Option<Vec<f64>>) {
        if self.fractions.is_none() {
            self.fractions = fractions;
        }
    }
}

impl Accumulator for PercentileAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let v = cast(&values[0], &DataType::Int64)?;
        let v = v.as_primitive::<Int64Type>();
        for i in 0..v.len() {
            if self.fractions.is_none() {
                let f = fractions_at(&values[1], i)?;
                self.note_fractions(f);
            }
            if v.is_valid(i) {
                *self.counts.entry(v.value(i)).or_insert(0) += 1;
            }
        }
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let (values, counts, fractions) = (states[0].as_list::<i32>(), states[1].as_list::<i32>(), &states[2]);
        for row in 0..values.len() {
            if values.is_null(row) {
                continue;
            }
            let v = values.value(row);
            let c = counts.value(row);
            let (v, c) = (v.as_primitive::<Int64Type>(), c.as_primitive::<Int64Type>());
            for (v, c) in v.values().iter().zip(c.values()) {
                *self.counts.entry(*v).or_insert(0) += c;
            }
            if self.fractions.is_none() {
                let f = fractions_at(fractions, row)?;
                self.note_fractions(f);
            }
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let mut values = ListBuilder::new(Int64Builder::new());
        values.append_value(self.counts.keys().map(|&k| Some(k)));
        let mut counts = ListBuilder::new(Int64Builder::new());
        counts.append_value(self.counts.values().map(|&c| Some(c)));
        let mut fractions = ListBuilder::new(Float64Builder::new());
        match &self.fractions {
            Some(f) => fractions.append_value(f.iter().map(|&p| Some(p))),
            None => fractions.append_null(),
        }
        Ok(vec![
            ScalarValue::List(Arc::new(values.finish())),
            ScalarValue::List(Arc::new(counts.finish())),
            ScalarValue::List(Arc::new(fractions.finish())),
        ])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let mut running = 0;
        let cumulative: Vec<(i64, i64)> = self
            .counts
            .iter()
            .map(|(&v, &c)| {
                running += c;
                (v, running)
            })
            .collect();
        let answers = match (&self.fractions, cumulative.is_empty()) {
            (Some(f), false) => Some(f.iter().map(|&p| percentile_of(&cumulative, p)).collect::<Vec<_>>()),
            _ => None,
        };
        if !self.many {
            return Ok(ScalarValue::Float64(answers.and_then(|a| a.first().copied().flatten())));
        }
        let mut out = ListBuilder::new(Float64Builder::new());
        match answers {
            Some(a) => out.append_value(a),
            None => out.append_null(),
        }
        Ok(ScalarValue::List(Arc::new(out.finish())))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
            + self.counts.len() * 2 * std::mem::size_of::<i64>()
            + self.fractions.as_ref().map_or(0, |f| f.len() * 8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cumulative(values: &[i64]) -> Vec<(i64, i64)> {
        let mut counts = BTreeMap::new();
        for v in values {
            *counts.entry(*v).or_insert(0) += 1;
        }
        let mut running = 0;
        counts
            .into_iter()
            .map(|(v, c)| {
                running += c;
                (v, running)
            })
            .collect()
    }

    #[test]
    fn interpolates_like_hive() {
        // udf_percentile.q, group 0: values of "val_0".."val_9" rows with key < 10.
        let c = cumulative(&[0, 0, 0, 2, 4, 5, 5, 5, 8, 9]);
        assert_eq!(percentile_of(&c, 0.0), Some(0.0));
        assert_eq!(percentile_of(&c, 0.5), Some(4.5));
        assert_eq!(crate::output::java_double(percentile_of(&c, 0.99).unwrap_or(0.0)), "8.91");
        assert_eq!(percentile_of(&c, 1.0), Some(9.0));
        assert_eq!(percentile_of(&[], 0.5), None);
    }

    #[tokio::test]
    async fn arrays_of_fractions_and_empty_groups() {
        let ctx = datafusion::prelude::SessionContext::new();
        ctx.register_udaf(percentile());
        let sql = "SELECT hive_percentile(v, [0.0, 0.5, 1.0]), hive_percentile(v, 0.25) \
                   FROM (VALUES (1), (2), (3), (4)) AS t(v)";
        let batches = ctx.sql(sql).await.expect("plan").collect().await.expect("run");
        let list = ScalarValue::try_from_array(batches[0].column(0), 0).expect("value");
        assert_eq!(list.to_string(), "[1.0, 2.5, 4.0]");
        let one = ScalarValue::try_from_array(batches[0].column(1), 0).expect("value");
        assert_eq!(one, ScalarValue::Float64(Some(1.75)));
        let sql = "SELECT hive_percentile(v, 0.5) FROM (VALUES (1)) AS t(v) WHERE v > 1";
        let batches = ctx.sql(sql).await.expect("plan").collect().await.expect("run");
        assert_eq!(ScalarValue::try_from_array(batches[0].column(0), 0).expect("value"), ScalarValue::Float64(None));
    }
}
