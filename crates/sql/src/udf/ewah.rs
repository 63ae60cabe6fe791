//! Hive's `ewah_bitmap_and`, `ewah_bitmap_or` and `ewah_bitmap_empty`.
//!
//! Hive's bitmap indexes store EWAH-compressed bitmaps (javaewah 0.3) as
//! `array<bigint>`: the bitmap's `writeExternal` output, one element per
//! `writeInt`/`writeLong`: size in bits, number of words in use, buffer
//! capacity, the words, and the position of the last run-length word. These
//! functions read that layout, combine the uncompressed words and write the
//! result back the way javaewah's `and`/`or` build it: the same canonical
//! words (empty words folded into runs), the same capacity bookkeeping.
//!
//! A run-length word (RLW) holds, from the low bit: the running bit, a 32-bit
//! count of words that are all that bit, and a 31-bit count of the literal
//! words that follow it.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Int64Builder, ListBuilder};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Int64Type};
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::{ScalarUDF, Volatility};

/// javaewah 0.3's initial buffer capacity, visible in the serialized form.
const DEFAULT_CAPACITY: usize = 4;
const MAX_RUN: u64 = u32::MAX as u64;
const MAX_LITERALS: u64 = (1 << 31) - 1;
/// The most uncompressed words a bitmap may expand to here (1 GiB of bits):
/// a run length read from the data must not make us allocate without bound.
const MAX_WORDS: usize = 1 << 24;

/// A decoded bitmap: its size in bits and its uncompressed 64-bit words.
#[derive(Debug, Clone, PartialEq)]
struct Bitmap {
    size_in_bits: i64,
    words: Vec<u64>,
}

/// Reads Hive's serialized layout; `None` when the array is too short, its
/// word counts point past its end (Hive fails on those) or it expands to more
/// than `MAX_WORDS` words.
fn decode(serialized: &[i64]) -> Option<Bitmap> {
    let size_in_bits = *serialized.first()?;
    let in_use = usize::try_from(*serialized.get(1)?).ok()?;
    let buffer = serialized.get(3..3 + in_use)?;
    let mut words = Vec::new();
    let mut pos = 0;
    while pos < buffer.len() {
        let rlw = buffer[pos] as u64;
        let fill = if rlw & 1 == 1 { u64::MAX } else { 0 };
        let run = (rlw >> 1) & MAX_RUN;
        let literals = (rlw >> 33) as usize;
        if words.len() + run as usize + literals > MAX_WORDS {
            return None;
        }
        words.extend(std::iter::repeat_n(fill, run as usize));
        words.extend(buffer.get(pos + 1..pos + 1 + literals)?.iter().map(|&w| w as u64));
        pos += 1 + literals;
    }
    Some(Bitmap { size_in_bits, words })
}

/// A bitmap being written, as javaewah's `EWAHCompressedBitmap` builds one.
struct Encoder {
    buffer: Vec<u64>,
    capacity: usize,
    rlw: usize,
}

impl Encoder {
    /// An empty bitmap whose buffer javaewah has reserved `reserve` words for.
    fn new(reserve: usize) -> Self {
        Self { buffer: vec![0], capacity: DEFAULT_CAPACITY.max(reserve), rlw: 0 }
    }

    fn push(&mut self, word: u64) {
        if self.buffer.len() == self.capacity {
            self.capacity *= 2;
        }
        self.buffer.push(word);
    }

    fn run(&self) -> u64 {
        (self.buffer[self.rlw] >> 1) & MAX_RUN
    }

    fn literals(&self) -> u64 {
        self.buffer[self.rlw] >> 33
    }

    fn add(&mut self, word: u64) {
        match word {
            0 => self.add_empty(false),
            u64::MAX => self.add_empty(true),
            _ => self.add_literal(word),
        }
    }

    fn add_empty(&mut self, bit: bool) {
        let no_literals = self.literals() == 0;
        let run = self.run();
        if no_literals && run == 0 {
            self.set_running_bit(bit);
        }
        let same_bit = (self.buffer[self.rlw] & 1 == 1) == bit;
        if no_literals && same_bit && run < MAX_RUN {
            self.set_run(run + 1);
            return;
        }
        self.push(0);
        self.rlw = self.buffer.len() - 1;
        self.set_running_bit(bit);
        self.set_run(1);
    }

    fn add_literal(&mut self, word: u64) {
        let literals = self.literals();
        if literals >= MAX_LITERALS {
            self.push(0);
            self.rlw = self.buffer.len() - 1;
            self.set_literals(1);
        } else {
            self.set_literals(literals + 1);
        }
        self.push(word);
    }

    fn set_running_bit(&mut self, bit: bool) {
        self.buffer[self.rlw] = (self.buffer[self.rlw] & !1) | u64::from(bit);
    }

    fn set_run(&mut self, run: u64) {
        self.buffer[self.rlw] = (self.buffer[self.rlw] & !(MAX_RUN << 1)) | (run << 1);
    }

    fn set_literals(&mut self, n: u64) {
        self.buffer[self.rlw] = (self.buffer[self.rlw] & ((1 << 33) - 1)) | (n << 33);
    }

    /// The `writeExternal` layout Hive returns.
    fn serialize(&self, size_in_bits: i64) -> Vec<i64> {
        let mut out = vec![size_in_bits, self.buffer.len() as i64, self.capacity as i64];
        out.extend(self.buffer.iter().map(|&w| w as i64));
        out.push(self.rlw as i64);
        out
    }
}

#[derive(Clone, Copy)]
enum Op {
    And,
    Or,
}

/// `a AND b` / `a OR b`, the shorter bitmap padded with zero words (javaewah
/// discharges the longer one's rest as empty words for AND, as-is for OR).
fn combine(op: Op, a: &[i64], b: &[i64]) -> Option<Vec<i64>> {
    let (x, y) = (decode(a)?, decode(b)?);
    let in_use = |s: &[i64]| usize::try_from(s[1]).unwrap_or(0);
    let reserve = match op {
        Op::And => in_use(a).max(in_use(b)),
        Op::Or => in_use(a) + in_use(b),
    };
    let mut out = Encoder::new(reserve);
    for i in 0..x.words.len().max(y.words.len()) {
        let (l, r) = (x.words.get(i).copied().unwrap_or(0), y.words.get(i).copied().unwrap_or(0));
        out.add(match op {
            Op::And => l & r,
            Op::Or => l | r,
        });
    }
    Some(out.serialize(x.size_in_bits.max(y.size_in_bits)))
}

/// The elements of row `i` of a list array as BIGINTs; `None` for NULL rows.
fn row(list: &ArrayRef, i: usize) -> Result<Option<Vec<i64>>> {
    let Some(list) = list.as_list_opt::<i32>() else {
        return exec_err!("ewah bitmap functions take array<bigint>, got {}", list.data_type());
    };
    if list.is_null(i) {
        return Ok(None);
    }
    let values = cast(&list.value(i), &DataType::Int64)?;
    let values = values.as_primitive::<Int64Type>();
    if values.null_count() > 0 {
        return exec_err!("an EWAH bitmap cannot hold NULL words");
    }
    Ok(Some(values.values().to_vec()))
}

fn bop(op: Op, args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let mut out = ListBuilder::new(Int64Builder::new());
    for i in 0..rows {
        match (row(&args[0], i)?, row(&args[1], i)?) {
            (Some(a), Some(b)) => match combine(op, &a, &b) {
                Some(words) => out.append_value(words.into_iter().map(Some)),
                None => return exec_err!("malformed or oversized EWAH bitmap in row {i}"),
            },
            _ => out.append_null(),
        }
    }
    Ok(Arc::new(out.finish()))
}

fn ewah_and(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    bop(Op::And, args, rows)
}

fn ewah_or(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    bop(Op::Or, args, rows)
}

/// `ewah_bitmap_empty(b)`: true when no bit is set.
fn ewah_empty(args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    let mut out = Vec::with_capacity(rows);
    for i in 0..rows {
        out.push(match row(&args[0], i)? {
            Some(words) => match decode(&words) {
                Some(b) => Some(b.words.iter().all(|&w| w == 0)),
                None => return exec_err!("malformed or oversized EWAH bitmap in row {i}"),
            },
            None => None,
        });
    }
    Ok(Arc::new(BooleanArray::from(out)))
}

/// The three functions, to register with the other Hive UDFs.
pub fn udfs() -> Vec<ScalarUDF> {
    let bigints = DataType::List(Arc::new(Field::new("item", DataType::Int64, true)));
    vec![
        super::udf("ewah_bitmap_and", &[2], Volatility::Immutable, bigints.clone(), ewah_and),
        super::udf("ewah_bitmap_or", &[2], Volatility::Immutable, bigints, ewah_or),
        super::udf("ewah_bitmap_empty", &[1], Volatility::Immutable, DataType::Boolean, ewah_empty),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    // Hive's udf_bitmap_*.q: bit 12 set (one literal word 4096), and bit 7 (128).
    const A: [i64; 6] = [13, 2, 4, 8589934592, 4096, 0];
    const B: [i64; 6] = [8, 2, 4, 8589934592, 128, 0];

    #[test]
    fn and_or_match_hive() {
        assert_eq!(combine(Op::And, &A, &A), Some(A.to_vec()));
        // 4096 & 128 is an empty word: one RLW with a run of one zero word.
        assert_eq!(combine(Op::And, &A, &B), Some(vec![13, 1, 4, 2, 0]));
        assert_eq!(combine(Op::Or, &A, &B), Some(vec![13, 2, 4, 8589934592, 4224, 0]));
    }

    #[test]
    fn runs_decode_and_capacity_grows() {
        // RLW: a run of two all-ones words, then one literal.
        let b = decode(&[130, 2, 4, 5 | (1 << 33), 7, 0]).expect("valid");
        assert_eq!(b.words, vec![u64::MAX, u64::MAX, 7]);
        let mut e = Encoder::new(0);
        for w in 1..=5 {
            e.add(w);
        }
        assert_eq!((e.buffer.len(), e.capacity), (6, 8));
        assert_eq!(decode(&[0, 5]), None);
        // A run of 2^32 - 1 words is refused rather than allocated.
        assert_eq!(decode(&[0, 1, 4, (MAX_RUN << 1) as i64, 0]), None);
    }

    #[test]
    fn empty_checks_every_word() {
        let rows = |v: [i64; 6]| -> ArrayRef {
            let mut b = ListBuilder::new(Int64Builder::new());
            b.append_value(v.map(Some));
            Arc::new(b.finish())
        };
        let out = ewah_empty(&[rows([13, 2, 4, 8589934592, 0, 0])], 1).expect("runs");
        assert!(out.as_boolean().value(0));
        let out = ewah_empty(&[rows(A)], 1).expect("runs");
        assert!(!out.as_boolean().value(0));
    }
}
