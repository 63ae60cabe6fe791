//! Arrays, maps and structs in text tables, as Hive's `LazySimpleSerDe`
//! stores them.
//!
//! A text row is split into fields by the field delimiter; a nested value
//! inside one field is split again by the next separator down: an array's
//! elements by the collection delimiter (`\002`, `COLLECTION ITEMS TERMINATED
//! BY`), a map's entries by the same and each key from its value by the map-key
//! delimiter (`\003`, `MAP KEYS TERMINATED BY`), a struct's fields like an
//! array's elements. Each level of nesting uses the next separator (`\004` to
//! `\010`), and an element equal to the NULL text (`\N`) is NULL. The CSV
//! reader hands such a field over as one string; [`decode_expr`] turns it into
//! the declared Arrow type, and [`encode_expr`] writes the same text back when
//! an INSERT writes a text table.

use std::any::Any;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, ListArray, MapArray, StringArray, StructArray};
use datafusion::arrow::buffer::{NullBuffer, OffsetBuffer};
use datafusion::arrow::compute::{cast_with_options, filter, CastOptions};
use datafusion::arrow::datatypes::{DataType, Float32Type, Float64Type};
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::common::{exec_err, Result, ScalarValue};
use datafusion::dataframe::DataFrame;
use datafusion::logical_expr::expr::ScalarFunction;
use datafusion::logical_expr::{
    ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};

use crate::error::SqlError;

/// `LazySerDeParameters`' default separators below the field delimiter: the
/// collection and map-key delimiters, then `\004` to `\010`.
const DEFAULT_LEVELS: [char; 8] = ['\u{1}', '\u{2}', '\u{3}', '\u{4}', '\u{5}', '\u{6}', '\u{7}', '\u{8}'];

const TIMESTAMP_FORMAT: &str = "%Y-%m-%d %H:%M:%S%.f";

/// The separator of each nesting level (0 is the field delimiter) and the NULL text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TextLayout {
    separators: Vec<char>,
    null_format: String,
}

impl TextLayout {
    /// The layout of a table with this field delimiter and these SerDe properties
    /// (`colelction.delim` is Hive's own spelling of the property).
    pub fn new(field_delimiter: char, properties: &BTreeMap<String, String>) -> crate::error::Result<Self> {
        let mut separators = DEFAULT_LEVELS.to_vec();
        separators[0] = field_delimiter;
        for (level, key) in [(1, "colelction.delim"), (2, "mapkey.delim")] {
            if let Some(v) = properties.get(key) {
                separators[level] = crate::ddl::hive_delimiter(v)?;
            }
        }
        let null_format = properties.get("serialization.null.format").cloned().unwrap_or_else(|| "\\N".into());
        Ok(Self { separators, null_format })
    }

    fn separator(&self, level: usize) -> Result<char> {
        match self.separators.get(level) {
            Some(c) => Ok(*c),
            None => exec_err!(
                "Number of levels of nesting supported for LazySimpleSerde is {}; unable to work with level {level}",
                self.separators.len() - 1
            ),
        }
    }

    /// Checks up front that a column of this type has enough separators.
    pub fn check_depth(&self, dt: &DataType) -> crate::error::Result<()> {
        fn depth(dt: &DataType) -> usize {
            match dt {
                DataType::List(f) => 1 + depth(f.data_type()),
                DataType::Struct(fields) => 1 + fields.iter().map(|f| depth(f.data_type())).max().unwrap_or(0),
                DataType::Map(entries, _) => match entries.data_type() {
                    DataType::Struct(kv) => 2 + kv.iter().map(|f| depth(f.data_type())).max().unwrap_or(0),
                    _ => 2,
                },
                _ => 0,
            }
        }
        let needed = depth(dt);
        if needed >= self.separators.len() {
            return Err(SqlError::Unsupported(format!(
                "type {dt} nests {needed} levels deep in a text table; LazySimpleSerDe supports {}",
                self.separators.len() - 1
            )));
        }
        Ok(())
    }

    fn null_or<'a>(&self, text: &'a str) -> Option<&'a str> {
        (text != self.null_format).then_some(text)
    }
}

/// The expression reading a text field `raw` (a string) as the nested type `dt`.
pub fn decode_expr(raw: Expr, dt: &DataType, layout: &TextLayout) -> Expr {
    let udf = LazyNested { name: "hive_text_decode", output: dt.clone(), layout: layout.clone(), signature: any1() };
    Expr::ScalarFunction(ScalarFunction::new_udf(Arc::new(ScalarUDF::new_from_impl(udf)), vec![raw]))
}

/// The expression writing the nested value `value` as the text of one field.
pub fn encode_expr(value: Expr, layout: &TextLayout) -> Expr {
    let udf =
        LazyNested { name: "hive_text_encode", output: DataType::Utf8, layout: layout.clone(), signature: any1() };
    Expr::ScalarFunction(ScalarFunction::new_udf(Arc::new(ScalarUDF::new_from_impl(udf)), vec![value]))
}

/// `df` with each nested column replaced by its field text, for the CSV writer.
pub fn encode_columns(df: DataFrame, layout: &TextLayout) -> datafusion::common::Result<DataFrame> {
    if df.schema().fields().iter().all(|f| crate::types::is_primitive(f.data_type())) {
        return Ok(df);
    }
    let exprs: Vec<Expr> = df
        .schema()
        .columns()
        .into_iter()
        .zip(df.schema().fields())
        .map(|(c, f)| {
            let e = Expr::Column(c);
            if crate::types::is_primitive(f.data_type()) {
                e
            } else {
                encode_expr(e, layout).alias(f.name())
            }
        })
        .collect();
    df.select(exprs)
}

fn any1() -> Signature {
    Signature::any(1, Volatility::Immutable)
}

/// Decoding (`output` is the nested type) or encoding (`output` is Utf8) one field.
#[derive(Debug, PartialEq, Eq, Hash)]
struct LazyNested {
    name: &'static str,
    output: DataType,
    layout: TextLayout,
    signature: Signature,
}

impl ScalarUDFImpl for LazyNested {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn name(&self) -> &str {
        self.name
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(self.output.clone())
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let Some(input) = arrays.first() else { return exec_err!("{} takes one argument", self.name) };
        let out = if self.output == DataType::Utf8 {
            encode(input, &self.layout)?
        } else {
            decode_field(input, &self.output, &self.layout)?
        };
        Ok(ColumnarValue::Array(out))
    }
}

/// Reads whole fields: the NULL text is NULL, and a missing or empty field
/// (which the CSV reader reports as NULL) is an empty value, as in Hive.
pub fn decode_field(input: &ArrayRef, dt: &DataType, layout: &TextLayout) -> Result<ArrayRef> {
    let strings = cast_with_options(input, &DataType::Utf8, &CastOptions::default())?;
    let strings = strings.as_string::<i32>();
    let texts: Vec<Option<&str>> = strings.iter().map(|t| layout.null_or(t.unwrap_or(""))).collect();
    decode(&texts, dt, 1, layout)
}

fn decode(texts: &[Option<&str>], dt: &DataType, level: usize, layout: &TextLayout) -> Result<ArrayRef> {
    match dt {
        DataType::List(item) => {
            let sep = layout.separator(level)?;
            let mut offsets = vec![0i32];
            let mut children = Vec::new();
            for t in texts {
                // LazyArray: an empty field is an empty array.
                if let Some(s) = t.filter(|s| !s.is_empty()) {
                    children.extend(s.split(sep).map(|e| layout.null_or(e)));
                }
                offsets.push(offset(children.len())?);
            }
            let values = decode(&children, item.data_type(), level + 1, layout)?;
            let nulls = NullBuffer::from_iter(texts.iter().map(Option::is_some));
            Ok(Arc::new(ListArray::try_new(Arc::clone(item), OffsetBuffer::new(offsets.into()), values, Some(nulls))?))
        }
        DataType::Struct(fields) => {
            let sep = layout.separator(level)?;
            let mut columns: Vec<Vec<Option<&str>>> = vec![Vec::with_capacity(texts.len()); fields.len()];
            for t in texts {
                // LazyStruct: missing fields are NULL, extra ones are ignored.
                let mut parts = t.map(|s| s.split(sep));
                for column in columns.iter_mut() {
                    column.push(parts.as_mut().and_then(Iterator::next).and_then(|e| layout.null_or(e)));
                }
            }
            let arrays = fields
                .iter()
                .zip(&columns)
                .map(|(f, c)| decode(c, f.data_type(), level + 1, layout))
                .collect::<Result<Vec<_>>>()?;
            let nulls = NullBuffer::from_iter(texts.iter().map(Option::is_some));
            Ok(Arc::new(StructArray::try_new(fields.clone(), arrays, Some(nulls))?))
        }
        DataType::Map(entries, ordered) => decode_map(texts, entries, *ordered, level, layout),
        _ => decode_primitive(texts, dt),
    }
}

fn decode_map(
    texts: &[Option<&str>],
    entries: &Arc<datafusion::arrow::datatypes::Field>,
    ordered: bool,
    level: usize,
    layout: &TextLayout,
) -> Result<ArrayRef> {
    let DataType::Struct(kv) = entries.data_type() else { return exec_err!("unsupported map layout {entries}") };
    if kv.len() != 2 {
        return exec_err!("unsupported map layout {entries}");
    }
    let (sep, key_sep) = (layout.separator(level)?, layout.separator(level + 1)?);
    let (mut keys, mut values, mut rows) = (Vec::new(), Vec::new(), Vec::new());
    for (row, t) in texts.iter().enumerate() {
        if let Some(s) = t.filter(|s| !s.is_empty()) {
            for entry in s.split(sep) {
                let (k, v) = match entry.split_once(key_sep) {
                    Some((k, v)) => (k, layout.null_or(v)),
                    None => (entry, None),
                };
                keys.push(layout.null_or(k));
                values.push(v);
                rows.push(row);
            }
        }
    }
    let keys = decode(&keys, kv[0].data_type(), level + 2, layout)?;
    let values = decode(&values, kv[1].data_type(), level + 2, layout)?;
    // LazyMap: entries whose key is NULL are dropped, and the first of
    // duplicate keys wins.
    let mut keep = Vec::with_capacity(keys.len());
    let mut offsets = vec![0i32];
    let mut seen = HashSet::new();
    let mut kept = 0;
    let mut i = 0;
    for row in 0..texts.len() {
        seen.clear();
        while i < rows.len() && rows[i] == row {
            let fresh = keys.is_valid(i) && seen.insert(ScalarValue::try_from_array(&keys, i)?);
            keep.push(fresh);
            kept += usize::from(fresh);
            i += 1;
        }
        offsets.push(offset(kept)?);
    }
    let mask = BooleanArray::from(keep);
    let columns = vec![filter(&keys, &mask)?, filter(&values, &mask)?];
    let entries_array = StructArray::try_new(kv.clone(), columns, None)?;
    let nulls = NullBuffer::from_iter(texts.iter().map(Option::is_some));
    Ok(Arc::new(MapArray::try_new(
        Arc::clone(entries),
        OffsetBuffer::new(offsets.into()),
        entries_array,
        Some(nulls),
        ordered,
    )?))
}

fn offset(n: usize) -> Result<i32> {
    i32::try_from(n).or_else(|_| exec_err!("too many nested elements in one batch of a text table"))
}

/// Scalars inside a nested value parse with Hive's rules for strings
/// (`LazyInteger` and friends, as `CAST` does): a string is kept as it is,
/// anything else that does not parse is NULL.
fn decode_primitive(texts: &[Option<&str>], dt: &DataType) -> Result<ArrayRef> {
    let strings = StringArray::from(texts.to_vec());
    if dt == &DataType::Utf8 {
        return Ok(Arc::new(strings));
    }
    if crate::udf::is_hive_cast_target(dt) {
        return crate::udf::hive_parse_strings(&strings, dt);
    }
    let options = CastOptions { safe: true, ..Default::default() };
    Ok(cast_with_options(&(Arc::new(strings) as ArrayRef), dt, &options)?)
}

/// The field text of each value; a NULL value stays NULL so the writer
/// prints its NULL text for the whole field.
fn encode(input: &ArrayRef, layout: &TextLayout) -> Result<ArrayRef> {
    let mut out = Vec::with_capacity(input.len());
    let mut text = String::new();
    for row in 0..input.len() {
        if input.is_null(row) {
            out.push(None);
        } else {
            text.clear();
            encode_value(input, row, 1, layout, &mut text)?;
            out.push(Some(text.clone()));
        }
    }
    Ok(Arc::new(StringArray::from(out)))
}

fn encode_value(a: &ArrayRef, row: usize, level: usize, layout: &TextLayout, out: &mut String) -> Result<()> {
    if a.is_null(row) {
        out.push_str(&layout.null_format);
        return Ok(());
    }
    match a.data_type() {
        DataType::List(_) => encode_items(&a.as_list::<i32>().value(row), level, layout, out)?,
        DataType::LargeList(_) => encode_items(&a.as_list::<i64>().value(row), level, layout, out)?,
        DataType::Struct(_) => {
            let sep = layout.separator(level)?;
            for (i, column) in a.as_struct().columns().iter().enumerate() {
                if i > 0 {
                    out.push(sep);
                }
                encode_value(column, row, level + 1, layout, out)?;
            }
        }
        DataType::Map(_, _) => {
            let (sep, key_sep) = (layout.separator(level)?, layout.separator(level + 1)?);
            let entries = a.as_map().value(row);
            for i in 0..entries.len() {
                if i > 0 {
                    out.push(sep);
                }
                encode_value(entries.column(0), i, level + 2, layout, out)?;
                out.push(key_sep);
                encode_value(entries.column(1), i, level + 2, layout, out)?;
            }
        }
        DataType::Float64 => out.push_str(&crate::output::java_double(a.as_primitive::<Float64Type>().value(row))),
        DataType::Float32 => out.push_str(&crate::output::java_float(a.as_primitive::<Float32Type>().value(row))),
        _ => {
            let options = FormatOptions::new()
                .with_timestamp_format(Some(TIMESTAMP_FORMAT))
                .with_datetime_format(Some(TIMESTAMP_FORMAT));
            out.push_str(&ArrayFormatter::try_new(a.as_ref(), &options)?.value(row).to_string());
        }
    }
    Ok(())
}

fn encode_items(values: &ArrayRef, level: usize, layout: &TextLayout, out: &mut String) -> Result<()> {
    let sep = layout.separator(level)?;
    for i in 0..values.len() {
        if i > 0 {
            out.push(sep);
        }
        encode_value(values, i, level + 1, layout, out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::hive_to_arrow;

    fn layout() -> TextLayout {
        TextLayout::new('\u{1}', &BTreeMap::new()).unwrap()
    }

    fn strings(v: &[Option<&str>]) -> ArrayRef {
        Arc::new(StringArray::from(v.to_vec()))
    }

    fn printed(a: &ArrayRef) -> Vec<String> {
        let batch = datafusion::arrow::array::RecordBatch::try_from_iter(vec![("c", Arc::clone(a))]).unwrap();
        let mut out = Vec::new();
        crate::output::write_batch(&mut out, &batch).unwrap();
        String::from_utf8(out).unwrap().lines().map(str::to_string).collect()
    }

    #[test]
    fn reads_arrays_with_null_elements_like_join_array() {
        // A row of Hive's data/files/tiny_b.txt, after the field delimiter.
        let dt = hive_to_arrow("array<int>").unwrap();
        let input = strings(&[Some("0\u{2}23\u{2}\\N\u{2}116"), Some("\\N"), None, Some("x")]);
        let a = decode_field(&input, &dt, &layout()).unwrap();
        assert_eq!(printed(&a), vec!["[0,23,null,116]", "NULL", "[]", "[null]"]);
    }

    #[test]
    fn reads_maps_and_structs_with_the_next_separators() {
        let dt = hive_to_arrow("map<string,array<int>>").unwrap();
        let input = strings(&[Some("a\u{3}1\u{4}2\u{2}b\u{3}\\N\u{2}a\u{3}9\u{2}\\N\u{3}5")]);
        let a = decode_field(&input, &dt, &layout()).unwrap();
        // The first of duplicate keys wins; a NULL key is dropped.
        assert_eq!(printed(&a), vec![r#"{"a":[1,2],"b":null}"#]);

        // Decimals round as HiveDecimal does.
        let dt = hive_to_arrow("array<decimal(4,1)>").unwrap();
        let a = decode_field(&strings(&[Some("1.25\u{2}x")]), &dt, &layout()).unwrap();
        assert_eq!(printed(&a), vec!["[1.3,null]"]);

        let dt = hive_to_arrow("struct<col1:string,col2:bigint,col3:double>").unwrap();
        let a = decode_field(&strings(&[Some("x\u{2}12")]), &dt, &layout()).unwrap();
        assert_eq!(printed(&a), vec![r#"{"col1":"x","col2":12,"col3":null}"#]);
    }

    #[test]
    fn prints_non_string_map_keys_unquoted_like_hive() {
        // udf_map.q.out: map(1, "a", 2, "b") prints as {1:"a",2:"b"}.
        let dt = hive_to_arrow("map<int,string>").unwrap();
        let a = decode_field(&strings(&[Some("1\u{3}a\u{2}2\u{3}b")]), &dt, &layout()).unwrap();
        assert_eq!(printed(&a), vec![r#"{1:"a",2:"b"}"#]);
    }

    #[test]
    fn honours_declared_delimiters() {
        let props =
            BTreeMap::from([("colelction.delim".to_string(), ",".to_string()), ("mapkey.delim".into(), ":".into())]);
        let layout = TextLayout::new('\t', &props).unwrap();
        let dt = hive_to_arrow("map<string,int>").unwrap();
        let a = decode_field(&strings(&[Some("k:1,j:2")]), &dt, &layout).unwrap();
        assert_eq!(printed(&a), vec![r#"{"k":1,"j":2}"#]);
        assert_eq!(encode(&a, &layout).unwrap().as_string::<i32>().value(0), "k:1,j:2");
    }

    #[test]
    fn writes_what_it_reads() {
        let dt = hive_to_arrow("array<struct<a:string,b:double>>").unwrap();
        let text = "x\u{3}1.5\u{2}\\N\u{2}y\u{3}\\N";
        let a = decode_field(&strings(&[Some(text), Some("\\N")]), &dt, &layout()).unwrap();
        let encoded = encode(&a, &layout()).unwrap();
        let encoded = encoded.as_string::<i32>();
        assert_eq!(encoded.value(0), text);
        assert!(encoded.is_null(1));
    }

    #[test]
    fn rejects_nesting_deeper_than_the_separators() {
        let deep = hive_to_arrow("array<array<array<array<array<array<array<array<int>>>>>>>>").unwrap();
        assert!(layout().check_depth(&deep).is_err());
        assert!(layout().check_depth(&hive_to_arrow("map<string,array<int>>").unwrap()).is_ok());
    }
}
