//! `collect_set` and `collect_list` as functions that also work OVER a window.
//!
//! As plain aggregates the rewriter turns them into `array_agg` (with
//! DISTINCT and a NULL filter). A window can use neither: DataFusion's window
//! aggregates take no FILTER or DISTINCT, and `array_agg` cannot retract rows
//! leaving a sliding frame (`ROWS BETWEEN 1 PRECEDING AND 7 FOLLOWING`).
//! These accumulators keep the frame's non-NULL values in arrival order, so a
//! frame can drop its oldest rows, and `collect_set` answers the distinct
//! values in first-seen order, as Hive's `LinkedHashSet` does.

use std::any::Any;
use std::collections::VecDeque;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{exec_err, Result, ScalarValue};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{Accumulator, AggregateUDF, AggregateUDFImpl, Signature, Volatility};

/// Hive's `collect_set` and `collect_list`.
#[derive(Debug, PartialEq, Eq, Hash)]
struct HiveCollect {
    name: &'static str,
    distinct: bool,
    signature: Signature,
}

/// The two collectors, to register by their Hive names.
pub fn udafs() -> Vec<AggregateUDF> {
    [("collect_set", true), ("collect_list", false)]
        .into_iter()
        .map(|(name, distinct)| {
            AggregateUDF::new_from_impl(HiveCollect {
                name,
                distinct,
                signature: Signature::any(1, Volatility::Immutable),
            })
        })
        .collect()
}

fn list_of(item: &DataType) -> DataType {
    DataType::List(Arc::new(Field::new("item", item.clone(), true)))
}

impl AggregateUDFImpl for HiveCollect {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn name(&self) -> &str {
        self.name
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        match arg_types {
            [item] => Ok(list_of(item)),
            _ => exec_err!("{} takes one argument", self.name),
        }
    }
    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        let item = args.input_fields.first().map(|f| f.data_type().clone()).unwrap_or(DataType::Null);
        Ok(vec![Arc::new(Field::new(format!("{}_values", args.name), list_of(&item), true))])
    }
    fn accumulator(&self, acc_args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        let item = match acc_args.exprs.first() {
            Some(e) => e.data_type(acc_args.schema)?,
            None => return exec_err!("{} takes one argument", self.name),
        };
        Ok(Box::new(Collector { item, distinct: self.distinct, values: VecDeque::new() }))
    }
}

/// The non-NULL values of the current group or frame, oldest first.
#[derive(Debug)]
struct Collector {
    item: DataType,
    distinct: bool,
    values: VecDeque<ScalarValue>,
}

impl Collector {
    fn non_null(array: &ArrayRef) -> impl Iterator<Item = Result<ScalarValue>> + '_ {
        (0..array.len()).filter(|&i| array.is_valid(i)).map(|i| ScalarValue::try_from_array(array, i))
    }

    /// The answer's elements: all values, or each distinct one at its first place.
    fn collected(&self) -> Vec<ScalarValue> {
        if !self.distinct {
            return self.values.iter().cloned().collect();
        }
        let mut seen = std::collections::HashSet::new();
        self.values.iter().filter(|v| seen.insert(*v)).cloned().collect()
    }
}

impl Accumulator for Collector {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let Some(array) = values.first() else { return Ok(()) };
        for value in Self::non_null(array) {
            self.values.push_back(value?);
        }
        Ok(())
    }
    fn retract_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        // A frame leaves rows in the order it took them in.
        let Some(array) = values.first() else { return Ok(()) };
        for value in Self::non_null(array) {
            let value = value?;
            match self.values.pop_front() {
                Some(oldest) if oldest == value => {}
                _ => return exec_err!("collect: retracting {value}, which is not the oldest value of the frame"),
            }
        }
        Ok(())
    }
    fn supports_retract_batch(&self) -> bool {
        true
    }
    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let Some(lists) = states.first() else { return Ok(()) };
        let lists = lists.as_list::<i32>();
        for row in 0..lists.len() {
            if lists.is_valid(row) {
                let items = lists.value(row);
                for value in Self::non_null(&items) {
                    self.values.push_back(value?);
                }
            }
        }
        Ok(())
    }
    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let all: Vec<ScalarValue> = self.values.iter().cloned().collect();
        Ok(vec![ScalarValue::List(ScalarValue::new_list_nullable(&all, &self.item))])
    }
    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(ScalarValue::List(ScalarValue::new_list_nullable(&self.collected(), &self.item)))
    }
    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.values.iter().map(ScalarValue::size).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::Int32Array;

    fn collector(distinct: bool) -> Collector {
        Collector { item: DataType::Int32, distinct, values: VecDeque::new() }
    }

    fn ints(values: &[Option<i32>]) -> ArrayRef {
        Arc::new(Int32Array::from(values.to_vec()))
    }

    fn text(acc: &mut Collector) -> String {
        acc.evaluate().map(|v| v.to_string()).unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn set_keeps_first_seen_order_and_skips_nulls() {
        let mut set = collector(true);
        set.update_batch(&[ints(&[Some(3), None, Some(1), Some(3), Some(2)])]).expect("update");
        assert_eq!(text(&mut set), "[3, 1, 2]");
        let mut list = collector(false);
        list.update_batch(&[ints(&[Some(3), None, Some(1), Some(3)])]).expect("update");
        assert_eq!(text(&mut list), "[3, 1, 3]");
    }

    #[test]
    fn a_sliding_frame_drops_its_oldest_values() {
        // Hive's windowing_windowspec4: the frame of the last row is [2, 3].
        let mut set = collector(true);
        set.update_batch(&[ints(&[Some(1), Some(2), Some(3)])]).expect("update");
        set.retract_batch(&[ints(&[Some(1)])]).expect("retract");
        assert_eq!(text(&mut set), "[2, 3]");
        assert!(set.retract_batch(&[ints(&[Some(9)])]).is_err());
    }

    #[test]
    fn partial_states_merge() {
        let mut left = collector(true);
        left.update_batch(&[ints(&[Some(1), Some(2)])]).expect("update");
        let state = left.state().expect("state");
        let arrays: Vec<ArrayRef> = state.iter().map(|s| s.to_array()).collect::<Result<_>>().expect("arrays");
        let mut right = collector(true);
        right.update_batch(&[ints(&[Some(2), Some(5)])]).expect("update");
        right.merge_batch(&arrays).expect("merge");
        assert_eq!(text(&mut right), "[2, 5, 1]");
    }
}
