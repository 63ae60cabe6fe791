//! Hive's `ngrams(sentences, n, k[, pf])` and `context_ngrams(sentences,
//! context, k[, pf])`: the `k` most frequent n-grams of tokenized text.
//!
//! Both take `array<array<string>>` (what `sentences()` returns) or one
//! `array<string>`, and answer `array<struct<ngram:array<string>,
//! estfrequency:double>>`, most frequent first, ties in the order of the words
//! (as Hive's `NGramEstimator` sorts them); NULL when nothing was counted.
//! `context_ngrams` counts only the n-grams found at the NULL positions of a
//! context such as `array("he", null)`, where the other words match.
//!
//! Hive's estimator counts exactly until it holds more than `2·k·pf` distinct
//! n-grams, then keeps the `k·pf` most frequent (`pf` is raised so that
//! `k·pf >= 1000`). Which of equally frequent n-grams Hive drops then follows
//! Java's hash-map order; this keeps the first in word order instead, which
//! changes nothing while the counts stay under the bound.

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Float64Builder, Int64Builder, ListArray, ListBuilder, StringBuilder, StructArray,
};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Fields, Float64Type, Int64Type};
use datafusion::common::{exec_err, Result, ScalarValue};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{Accumulator, AggregateUDF, AggregateUDFImpl, Signature, TypeSignature, Volatility};

/// Which of the two functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    NGrams,
    Context,
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct NGramsUdaf {
    kind: Kind,
    signature: Signature,
}

fn udaf(kind: Kind) -> AggregateUDF {
    let signature = Signature::one_of(vec![TypeSignature::Any(3), TypeSignature::Any(4)], Volatility::Immutable);
    AggregateUDF::new_from_impl(NGramsUdaf { kind, signature })
}

/// The two aggregates to register.
pub fn udafs() -> Vec<AggregateUDF> {
    vec![udaf(Kind::NGrams), udaf(Kind::Context)]
}

fn strings() -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)))
}

fn entry_fields() -> Fields {
    Fields::from(vec![Field::new("ngram", strings(), true), Field::new("estfrequency", DataType::Float64, true)])
}

fn result_item() -> FieldRef {
    Arc::new(Field::new("item", DataType::Struct(entry_fields()), true))
}

impl AggregateUDFImpl for NGramsUdaf {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn name(&self) -> &str {
        match self.kind {
            Kind::NGrams => "ngrams",
            Kind::Context => "context_ngrams",
        }
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::List(result_item()))
    }
    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        let field = |n: &str, t: DataType| Arc::new(Field::new(format!("{}[{n}]", args.name), t, true));
        Ok(vec![
            // k, n, pf
            field("params", DataType::List(Arc::new(Field::new("item", DataType::Int64, true)))),
            field("context", strings()),
            // the n-grams' words, n per n-gram
            field("words", strings()),
            field("counts", DataType::List(Arc::new(Field::new("item", DataType::Float64, true)))),
        ])
    }
    fn accumulator(&self, _acc_args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(Estimator { kind: self.kind, k: 0, n: 0, pf: 0, context: Vec::new(), counts: HashMap::new() }))
    }
}

/// Hive's `NGramEstimator` with the context of `context_ngrams`.
#[derive(Debug)]
struct Estimator {
    kind: Kind,
    /// 0 until the first row sets the parameters.
    k: usize,
    n: usize,
    pf: usize,
    /// `context_ngrams`' pattern: `None` marks a word to count.
    context: Vec<Option<String>>,
    counts: HashMap<Vec<String>, f64>,
}

/// Row `i` of an integer argument, at least 1.
fn positive(a: &ArrayRef, i: usize, what: &str) -> Result<usize> {
    let v = cast(&a.slice(i, 1), &DataType::Int64)?;
    match v.as_primitive::<Int64Type>().iter().next().flatten() {
        Some(v) if v >= 1 => Ok(usize::try_from(v).unwrap_or(usize::MAX)),
        other => exec_err!("ngrams needs '{what}' to be at least 1, but got {other:?}"),
    }
}

/// The strings of a list value (NULL elements kept as `None`).
fn list_strings(a: &ArrayRef) -> Result<Vec<Option<String>>> {
    let s = cast(a, &DataType::Utf8)?;
    Ok(s.as_string::<i32>().iter().map(|v| v.map(str::to_string)).collect())
}

/// The sentences of row `i`: an `array<array<string>>` or one `array<string>`.
fn sentences_at(a: &ArrayRef, i: usize) -> Result<Vec<Vec<Option<String>>>> {
    let Some(outer) = a.as_list_opt::<i32>() else {
        return exec_err!("ngrams takes array<array<string>> or array<string>, got {}", a.data_type());
    };
    let value = outer.value(i);
    match value.as_list_opt::<i32>() {
        Some(inner) => (0..inner.len())
            .map(|j| if inner.is_null(j) { Ok(Vec::new()) } else { list_strings(&inner.value(j)) })
            .collect(),
        None => Ok(vec![list_strings(&value)?]),
    }
}

impl Estimator {
    /// Reads k, pf and n (or the context) from the first row that has them.
    fn initialize(&mut self, values: &[ArrayRef], i: usize) -> Result<()> {
        self.k = positive(&values[2], i, "k")?;
        let pf = match values.get(3) {
            Some(p) => positive(p, i, "pf")?,
            None => 1,
        };
        self.n = match self.kind {
            Kind::NGrams => positive(&values[1], i, "n")?,
            Kind::Context => {
                let Some(context) = values[1].as_list_opt::<i32>() else {
                    return exec_err!("context_ngrams takes an array of strings as its context");
                };
                self.context = list_strings(&context.value(i))?;
                let holes = self.context.iter().filter(|w| w.is_none()).count();
                if holes == 0 {
                    return exec_err!("context_ngrams needs a NULL in its context to mark what is counted");
                }
                holes
            }
        };
        // Hive's minimum precision: k·pf of at least 1000.
        self.pf = if self.k.saturating_mul(pf) < 1000 { 1000 / self.k } else { pf };
        Ok(())
    }

    /// How many n-grams the estimate keeps: `k·pf`.
    fn buffer(&self) -> usize {
        self.k.saturating_mul(self.pf)
    }

    fn add(&mut self, ngram: Vec<String>) {
        *self.counts.entry(ngram).or_insert(0.0) += 1.0;
        if self.counts.len() > self.buffer().saturating_mul(2) {
            self.trim(self.buffer());
        }
    }

    /// The n-grams of one sentence (for context_ngrams, where the context matches).
    fn process(&mut self, words: &[Option<String>]) {
        let width = match self.kind {
            Kind::NGrams => self.n,
            Kind::Context => self.context.len(),
        };
        if words.len() < width {
            return;
        }
        for start in (0..=words.len() - width).rev() {
            let window = &words[start..start + width];
            let ngram: Option<Vec<String>> = match self.kind {
                Kind::NGrams => window.iter().cloned().collect(),
                Kind::Context => {
                    let matches =
                        self.context.iter().zip(window).all(|(c, w)| c.is_none() || c.as_deref() == w.as_deref());
                    if !matches {
                        continue;
                    }
                    self.context.iter().zip(window).filter(|(c, _)| c.is_none()).map(|(_, w)| w.clone()).collect()
                }
            };
            // Hive has no NULL words from sentences(); a NULL one cannot be counted.
            if let Some(ngram) = ngram {
                self.add(ngram);
            }
        }
    }

    /// The n-grams, most frequent first, then by their words.
    fn sorted(&self) -> Vec<(&Vec<String>, f64)> {
        let mut all: Vec<_> = self.counts.iter().map(|(g, c)| (g, *c)).collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        all
    }

    fn trim(&mut self, keep: usize) {
        let kept: HashMap<Vec<String>, f64> =
            self.sorted().into_iter().take(keep).map(|(g, c)| (g.clone(), c)).collect();
        self.counts = kept;
    }
}

impl Accumulator for Estimator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        for i in 0..values[0].len() {
            if values.iter().take(3).any(|a| a.is_null(i)) {
                continue;
            }
            if self.k == 0 {
                self.initialize(values, i)?;
            }
            for sentence in sentences_at(&values[0], i)? {
                self.process(&sentence);
            }
        }
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let (params, context, words, counts) = (
            states[0].as_list::<i32>(),
            states[1].as_list::<i32>(),
            states[2].as_list::<i32>(),
            states[3].as_list::<i32>(),
        );
        for row in 0..params.len() {
            let p = params.value(row);
            let p: Vec<i64> = p.as_primitive::<Int64Type>().iter().map(|v| v.unwrap_or(0)).collect();
            let [k, n, pf] = p.as_slice() else { continue };
            if *k == 0 {
                continue;
            }
            (self.k, self.n, self.pf) = (*k as usize, *n as usize, *pf as usize);
            if !context.is_null(row) {
                self.context = list_strings(&context.value(row))?;
            }
            let w = list_strings(&words.value(row))?;
            let c = counts.value(row);
            for (ngram, count) in w.chunks(self.n.max(1)).zip(c.as_primitive::<Float64Type>().iter()) {
                let ngram: Vec<String> = ngram.iter().map(|s| s.clone().unwrap_or_default()).collect();
                *self.counts.entry(ngram).or_insert(0.0) += count.unwrap_or(0.0);
            }
            self.trim(self.buffer());
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let mut params = ListBuilder::new(Int64Builder::new());
        params.append_value([self.k, self.n, self.pf].map(|v| Some(v as i64)));
        let mut context = ListBuilder::new(StringBuilder::new());
        context.append_value(self.context.clone());
        let mut words = ListBuilder::new(StringBuilder::new());
        let mut counts = ListBuilder::new(Float64Builder::new());
        for (ngram, count) in &self.counts {
            for w in ngram {
                words.values().append_value(w);
            }
            counts.values().append_value(*count);
        }
        words.append(true);
        counts.append(true);
        Ok([params.finish(), context.finish(), words.finish(), counts.finish()]
            .into_iter()
            .map(|l| ScalarValue::List(Arc::new(l)))
            .collect())
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let top: Vec<_> = self.sorted().into_iter().take(self.k).collect();
        if top.is_empty() {
            return ScalarValue::try_from(DataType::List(result_item()));
        }
        let mut ngrams = ListBuilder::new(StringBuilder::new());
        let mut freqs = Float64Builder::new();
        for (ngram, count) in &top {
            ngrams.append_value(ngram.iter().map(Some));
            freqs.append_value(*count);
        }
        let entries =
            StructArray::try_new(entry_fields(), vec![Arc::new(ngrams.finish()), Arc::new(freqs.finish())], None)?;
        let list =
            ListArray::try_new(result_item(), OffsetBuffer::from_lengths([entries.len()]), Arc::new(entries), None)?;
        Ok(ScalarValue::List(Arc::new(list)))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
            + self.counts.keys().map(|g| g.iter().map(|w| w.len() + 24).sum::<usize>() + 32).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::prelude::SessionContext;

    async fn query(sql: &str) -> ScalarValue {
        let ctx = SessionContext::new();
        for f in udafs() {
            ctx.register_udaf(f);
        }
        let batches = ctx.sql(sql).await.expect("plan").collect().await.expect("run");
        ScalarValue::try_from_array(batches[0].column(0), 0).expect("value")
    }

    #[tokio::test]
    async fn bigrams_by_frequency_then_words() {
        // Hive's documented example shape: sentences in, top-k n-grams out.
        let out = query(
            "SELECT ngrams(s, 2, 2) FROM (VALUES ([['the', 'cat', 'sat'], ['the', 'cat']]), ([['a', 'cat', 'sat']])) AS t(s)",
        )
        .await;
        // Equally frequent n-grams come in the order of their words.
        assert_eq!(out.to_string(), "[{ngram: [cat, sat], estfrequency: 2.0}, {ngram: [the, cat], estfrequency: 2.0}]");
    }

    #[tokio::test]
    async fn context_counts_the_null_positions() {
        let out = query(
            "SELECT context_ngrams(s, ['he', NULL], 5) FROM (VALUES ([['he', 'was', 'he', 'had'], ['so', 'he', 'was']])) AS t(s)",
        )
        .await;
        assert_eq!(out.to_string(), "[{ngram: [was], estfrequency: 2.0}, {ngram: [had], estfrequency: 1.0}]");
        let none = query("SELECT ngrams(s, 3, 5) FROM (VALUES ([['too', 'short']])) AS t(s)").await;
        // Nothing counted is NULL, as in Hive.
        assert!(none.is_null());
    }
}
