//! Hive's `histogram_numeric(col, b)`: an approximate histogram in `b` bins.
//!
//! Hive's `NumericHistogram` (Ben-Haim and Tom-Tov's streaming algorithm):
//! each value becomes a bin of height 1 (or raises the bin already at that
//! value); when there are more than `b` bins the two closest are merged into
//! their weighted mean. Ties between equally close pairs are broken with
//! `java.util.Random` seeded 31183, so the result, doubles included, depends
//! only on the order of the values; this reproduces that generator and the
//! arithmetic in Hive's order so the bins print as Hive's do. Partial
//! histograms are serialized as Hive does (`[b, x1, y1, x2, y2, ...]`) and
//! merged by the same trimming.

use std::any::Any;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Array, Float64Builder, ListBuilder, StructArray};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Fields, Float64Type, Int64Type};
use datafusion::common::{exec_err, Result, ScalarValue};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{Accumulator, AggregateUDF, AggregateUDFImpl, Signature, Volatility};

/// `java.util.Random`: the 48-bit linear congruential generator.
#[derive(Debug)]
struct JavaRandom(u64);

impl JavaRandom {
    const MULTIPLIER: u64 = 0x5DEECE66D;
    const MASK: u64 = (1 << 48) - 1;

    fn new(seed: u64) -> Self {
        Self((seed ^ Self::MULTIPLIER) & Self::MASK)
    }

    fn next(&mut self, bits: u32) -> u64 {
        self.0 = (self.0.wrapping_mul(Self::MULTIPLIER).wrapping_add(0xB)) & Self::MASK;
        self.0 >> (48 - bits)
    }

    fn next_double(&mut self) -> f64 {
        ((self.next(26) << 27) + self.next(27)) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// Hive's seed, fixed "to aid testing".
const SEED: u64 = 31183;

/// The histogram: at most `nbins` bins `(x, y)`, sorted by `x`.
#[derive(Debug)]
struct Histogram {
    nbins: usize,
    bins: Vec<(f64, f64)>,
    prng: JavaRandom,
}

impl Histogram {
    fn new() -> Self {
        Self { nbins: 0, bins: Vec::new(), prng: JavaRandom::new(SEED) }
    }

    fn add(&mut self, v: f64) {
        // Where v goes: the first bin not below it (binary search as Hive's).
        let (mut l, mut r, mut bin) = (0, self.bins.len(), 0);
        while l < r {
            bin = (l + r) / 2;
            if self.bins[bin].0 > v {
                r = bin;
            } else if self.bins[bin].0 < v {
                bin += 1;
                l = bin;
            } else {
                break;
            }
        }
        match self.bins.get_mut(bin) {
            Some(b) if b.0 == v => b.1 += 1.0,
            _ => {
                self.bins.insert(bin, (v, 1.0));
                self.trim();
            }
        }
    }

    /// Merges the closest pairs until at most `nbins` bins remain.
    fn trim(&mut self) {
        while self.bins.len() > self.nbins && self.bins.len() >= 2 {
            let mut smallest = self.bins[1].0 - self.bins[0].0;
            let (mut at, mut ties) = (0, 1u32);
            for i in 1..self.bins.len() - 1 {
                let diff = self.bins[i + 1].0 - self.bins[i].0;
                if diff < smallest {
                    smallest = diff;
                    at = i;
                    ties = 1;
                } else if diff == smallest {
                    // Each of the equally close pairs wins with equal chance.
                    let draw = self.prng.next_double();
                    ties += 1;
                    if draw <= 1.0 / f64::from(ties) {
                        at = i;
                    }
                }
            }
            let (right_x, right_y) = self.bins.remove(at + 1);
            let left = &mut self.bins[at];
            let d = left.1 + right_y;
            left.0 *= left.1 / d;
            left.0 += right_x / d * right_y;
            left.1 = d;
        }
    }

    /// Hive's partial form: `[nbins, x1, y1, ...]`.
    fn serialize(&self) -> Vec<f64> {
        let mut out = vec![self.nbins as f64];
        for (x, y) in &self.bins {
            out.extend([*x, *y]);
        }
        out
    }

    fn merge(&mut self, other: &[f64]) {
        let Some((&nbins, pairs)) = other.split_first() else { return };
        let incoming = pairs.chunks_exact(2).map(|p| (p[0], p[1]));
        if self.nbins == 0 || self.bins.is_empty() {
            self.nbins = nbins as usize;
            self.bins = incoming.collect();
            return;
        }
        self.bins.extend(incoming);
        self.bins.sort_by(|a, b| a.0.total_cmp(&b.0));
        self.trim();
    }
}

/// Hive's `histogram_numeric`.
#[derive(Debug, PartialEq, Eq, Hash)]
struct HistogramNumeric {
    signature: Signature,
}

/// The aggregate to register.
pub fn histogram_numeric() -> AggregateUDF {
    AggregateUDF::new_from_impl(HistogramNumeric { signature: Signature::any(2, Volatility::Immutable) })
}

fn bin_fields() -> Fields {
    Fields::from(vec![Field::new("x", DataType::Float64, true), Field::new("y", DataType::Float64, true)])
}

fn doubles() -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Float64, true)))
}

impl AggregateUDFImpl for HistogramNumeric {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn name(&self) -> &str {
        "histogram_numeric"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::List(Arc::new(Field::new("item", DataType::Struct(bin_fields()), true))))
    }
    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        Ok(vec![Arc::new(Field::new(format!("{}[histogram]", args.name), doubles(), true))])
    }
    fn accumulator(&self, _acc_args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(Histogram::new()))
    }
}

impl Accumulator for Histogram {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let v = cast(&values[0], &DataType::Float64)?;
        let b = cast(&values[1], &DataType::Int64)?;
        let (v, b) = (v.as_primitive::<Float64Type>(), b.as_primitive::<Int64Type>());
        for i in 0..v.len() {
            if v.is_null(i) || b.is_null(i) {
                continue;
            }
            if self.nbins == 0 {
                let nbins = b.value(i);
                if nbins < 2 {
                    return exec_err!("histogram_numeric: the number of bins must be at least 2, got {nbins}");
                }
                self.nbins = usize::try_from(nbins).unwrap_or(usize::MAX);
            }
            self.add(v.value(i));
        }
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let partials = states[0].as_list::<i32>();
        for row in 0..partials.len() {
            if partials.is_null(row) {
                continue;
            }
            let partial = partials.value(row);
            let partial: Vec<f64> = partial.as_primitive::<Float64Type>().iter().map(|v| v.unwrap_or(0.0)).collect();
            self.merge(&partial);
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let mut out = ListBuilder::new(Float64Builder::new());
        if self.nbins == 0 {
            out.append_null();
        } else {
            out.append_value(self.serialize().into_iter().map(Some));
        }
        Ok(vec![ScalarValue::List(Arc::new(out.finish()))])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let item = Arc::new(Field::new("item", DataType::Struct(bin_fields()), true));
        if self.bins.is_empty() {
            return ScalarValue::try_from(DataType::List(item));
        }
        let xs: Float64Array = self.bins.iter().map(|b| Some(b.0)).collect();
        let ys: Float64Array = self.bins.iter().map(|b| Some(b.1)).collect();
        let bins = StructArray::try_new(bin_fields(), vec![Arc::new(xs), Arc::new(ys)], None)?;
        let list = datafusion::arrow::array::ListArray::try_new(
            item,
            OffsetBuffer::from_lengths([bins.len()]),
            Arc::new(bins),
            None,
        )?;
        Ok(ScalarValue::List(Arc::new(list)))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.bins.capacity() * std::mem::size_of::<(f64, f64)>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_random_matches_the_jdk() {
        // new java.util.Random(42).nextDouble() is 0.7275636800328681.
        assert_eq!(JavaRandom::new(42).next_double(), 0.7275636800328681);
    }

    #[test]
    fn closest_bins_merge_into_weighted_means() {
        let mut h = Histogram::new();
        h.nbins = 2;
        for v in [1.0, 2.0, 10.0, 2.0] {
            h.add(v);
        }
        // 1 and 2 merged into (1.5, 2), then the second 2 is a new bin merged again.
        assert_eq!(h.bins.len(), 2);
        assert_eq!(h.bins[1], (10.0, 1.0));
        assert!((h.bins[0].0 - 5.0 / 3.0).abs() < 1e-12 && h.bins[0].1 == 3.0);
        let mut merged = Histogram::new();
        merged.merge(&h.serialize());
        merged.merge(&[2.0, 11.0, 1.0]);
        assert_eq!(merged.bins.len(), 2);
        assert_eq!(merged.bins[1], (10.5, 2.0));
    }
}
