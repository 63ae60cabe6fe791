//! A Hive table as a DataFusion `TableProvider`.
//!
//! DataFusion's `ListingTable` derives partition values from `k=v` directory
//! names under one table path; Hive partitions are catalog entries that may
//! live anywhere (`ADD PARTITION ... LOCATION`, even another bucket), and only
//! registered partitions are visible. So this provider scans the registered
//! partitions itself: predicates on partition columns are evaluated against
//! the partition values to prune before any file is listed, and each file
//! carries its partition's values. File reading is DataFusion's own CSV, JSON
//! and Parquet sources.
//!
//! Text tables are read as all-string columns and converted afterwards with
//! Hive's rules (a value that does not parse is NULL, `\N` is NULL, an empty
//! field is an empty string), which DataFusion's CSV reader cannot do itself.
//! Arrays, maps and structs are split out of their field by `lazy_nested`.

use std::any::Any;
use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Schema, SchemaRef};
use datafusion::catalog::{Session, TableProvider};
use datafusion::common::config::{CsvOptions, JsonOptions};
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::common::{Column, DFSchema, Result, ScalarValue};
use datafusion::datasource::file_format::csv::CsvFormat;
use datafusion::datasource::file_format::json::JsonFormat;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::file_format::FileFormat;
use datafusion::datasource::listing::helpers::expr_applicable_for_cols;
use datafusion::datasource::listing::PartitionedFile;
use datafusion::datasource::physical_plan::{FileGroup, FileScanConfigBuilder};
use datafusion::datasource::table_schema::TableSchema;
use datafusion::execution::object_store::ObjectStoreUrl;
use datafusion::logical_expr::{try_cast, when, Expr, TableProviderFilterPushDown, TableType};
use datafusion::physical_expr::projection::ProjectionExpr;
use datafusion::physical_plan::empty::EmptyExec;
use datafusion::physical_plan::projection::ProjectionExec;
use datafusion::physical_plan::union::UnionExec;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::prelude::{ident, lit};

use crate::catalog::{TableDef, TableFormat};
use crate::stores::{list_files, Location};
use crate::types::hive_to_arrow;

/// Hive's name for the partition of NULL values.
pub const DEFAULT_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

#[derive(Debug)]
pub struct HiveTable {
    def: TableDef,
    /// Data columns with their declared types, then partition columns.
    schema: SchemaRef,
    /// What the file reader produces for the data columns.
    file_schema: SchemaRef,
    partition_fields: Vec<FieldRef>,
}

impl HiveTable {
    pub fn try_new(def: TableDef) -> crate::error::Result<Self> {
        let is_text = matches!(def.format, TableFormat::Text { .. });
        let layout = text_layout(&def)?;
        let mut declared = Vec::new();
        let mut file = Vec::new();
        for c in &def.columns {
            let dt = hive_to_arrow(&c.data_type)?;
            if !crate::types::is_primitive(&dt) {
                match &layout {
                    Some(layout) => layout.check_depth(&dt)?,
                    None if is_text => {
                        return Err(crate::error::SqlError::Unsupported(format!(
                            "column {} of type {} in an OpenCSVSerde table",
                            c.name, c.data_type
                        )))
                    }
                    None => {}
                }
            }
            file.push(Field::new(&c.name, if is_text { DataType::Utf8 } else { dt.clone() }, true));
            declared.push(Field::new(&c.name, dt, true));
        }
        let partition_fields = def
            .partition_columns
            .iter()
            .map(|c| Ok(Arc::new(Field::new(&c.name, hive_to_arrow(&c.data_type)?, true))))
            .collect::<crate::error::Result<Vec<FieldRef>>>()?;
        declared.extend(partition_fields.iter().map(|f| f.as_ref().clone()));
        Ok(Self {
            def,
            schema: Arc::new(Schema::new(declared)),
            file_schema: Arc::new(Schema::new(file)),
            partition_fields,
        })
    }

    fn partition_names(&self) -> Vec<&str> {
        self.partition_fields.iter().map(|f| f.name().as_str()).collect()
    }

    /// The (location, partition values) pairs a scan with these filters must read.
    fn partitions_to_scan(&self, state: &dyn Session, filters: &[Expr]) -> Result<Vec<(String, Vec<ScalarValue>)>> {
        if self.partition_fields.is_empty() {
            return Ok(vec![(self.def.location.clone(), vec![])]);
        }
        let values: Vec<Vec<ScalarValue>> = self
            .def
            .partitions
            .iter()
            .map(|p| {
                self.partition_fields
                    .iter()
                    .map(|f| {
                        let raw = p.values.iter().find(|(k, _)| k == f.name()).map(|(_, v)| v.as_str());
                        partition_scalar(raw, f.data_type())
                    })
                    .collect()
            })
            .collect();
        let names = self.partition_names();
        let pruning: Vec<&Expr> = filters.iter().filter(|f| expr_applicable_for_cols(&names, f)).collect();
        let mut keep = vec![true; values.len()];
        if !pruning.is_empty() && !values.is_empty() {
            let schema = Arc::new(Schema::new(self.partition_fields.clone()));
            let columns = (0..self.partition_fields.len())
                .map(|j| ScalarValue::iter_to_array(values.iter().map(|v| v[j].clone())))
                .collect::<Result<Vec<ArrayRef>>>()?;
            let batch = RecordBatch::try_new(Arc::clone(&schema), columns)?;
            let df_schema = DFSchema::try_from(schema.as_ref().clone())?;
            for filter in pruning {
                let unqualified = filter
                    .clone()
                    .transform(|e| {
                        Ok(match e {
                            Expr::Column(c) => Transformed::yes(Expr::Column(Column::new_unqualified(c.name))),
                            other => Transformed::no(other),
                        })
                    })?
                    .data;
                let physical = state.create_physical_expr(unqualified, &df_schema)?;
                let result = physical.evaluate(&batch)?.into_array(batch.num_rows())?;
                let mask = result.as_boolean_opt().ok_or_else(|| {
                    datafusion::error::DataFusionError::Plan(format!("partition filter {filter} is not boolean"))
                })?;
                for (i, k) in keep.iter_mut().enumerate() {
                    *k &= mask.is_valid(i) && mask.value(i);
                }
            }
        }
        Ok(self
            .def
            .partitions
            .iter()
            .zip(values)
            .zip(keep)
            .filter(|(_, k)| *k)
            .map(|((p, v), _)| (p.location.clone(), v))
            .collect())
    }

    fn format(&self) -> Arc<dyn FileFormat> {
        match &self.def.format {
            TableFormat::Text { delimiter, open_csv, skip_header_lines } => {
                let prop =
                    |k: &str, default: u8| self.def.properties.get(k).and_then(|v| v.bytes().next()).unwrap_or(default);
                let options = CsvOptions {
                    has_header: Some(*skip_header_lines > 0),
                    delimiter: *delimiter as u8,
                    // LazySimpleSerDe has no quoting; NUL effectively disables it.
                    quote: if *open_csv { prop("quoteChar", b'"') } else { 0 },
                    escape: open_csv.then(|| prop("escapeChar", b'\\')),
                    // Hive reads text tables line by line (TextInputFormat)
                    // before any SerDe sees a record, so a quoted newline
                    // ends a row there too; saying so also lets DataFusion
                    // split one large file across its partitions.
                    newlines_in_values: Some(false),
                    truncated_rows: Some(true),
                    ..Default::default()
                };
                Arc::new(CsvFormat::default().with_options(options))
            }
            TableFormat::Json => Arc::new(JsonFormat::default().with_options(JsonOptions::default())),
            TableFormat::Parquet => Arc::new(ParquetFormat::default()),
        }
    }

    /// Hive's text conversions for the projected columns of a text scan.
    fn text_projection(&self, state: &dyn Session, input: Arc<dyn ExecutionPlan>) -> Result<Arc<dyn ExecutionPlan>> {
        let TableFormat::Text { open_csv, .. } = &self.def.format else { return Ok(input) };
        let input_schema = input.schema();
        let df_schema = DFSchema::try_from(input_schema.as_ref().clone())?;
        // OpenCSVSerde has no NULL text; LazySimpleSerDe defaults to `\N`.
        let null_format = match self.def.properties.get("serialization.null.format") {
            Some(f) => Some(f.clone()),
            None if *open_csv => None,
            None => Some("\\N".into()),
        };
        let mut exprs = Vec::new();
        for field in input_schema.fields() {
            let name = field.name();
            let declared = self.schema.field_with_name(name)?.data_type().clone();
            let raw = ident(name);
            let is_data = self.file_schema.field_with_name(name).is_ok();
            // Physical expressions skip the simplifier, so no `coalesce` here.
            let empty_if_null = || when(raw.clone().is_null(), lit("")).otherwise(raw.clone());
            // The reader turns empty fields into NULL; for strings Hive reads ''.
            let expr = match (&null_format, declared == DataType::Utf8) {
                _ if !is_data => raw,
                // LazySimpleSerDe's arrays, maps and structs.
                _ if !crate::types::is_primitive(&declared) => match text_layout(&self.def) {
                    Ok(Some(layout)) => crate::lazy_nested::decode_expr(raw, &declared, &layout),
                    Ok(None) => return datafusion::common::not_impl_err!("nested column {name} in this text format"),
                    Err(e) => return Err(datafusion::error::DataFusionError::External(Box::new(e))),
                },
                // LazyHiveDecimal: HiveDecimal's parsing (exponents, rounding to the scale).
                (_, false) if matches!(declared, DataType::Decimal128(..)) => {
                    crate::udf::hive_cast_expr(raw, &declared)
                }
                // LazyTimestamp: the table's `timestamp.formats`, then `Timestamp.valueOf`.
                (_, false) if matches!(declared, DataType::Timestamp(..)) => {
                    let formats = self.def.properties.get("timestamp.formats").map_or("", String::as_str);
                    crate::udf::text_timestamp_expr(raw, formats)
                }
                (_, false) => try_cast(raw, declared),
                (None, true) => empty_if_null()?,
                (Some(nf), true) if nf.is_empty() => raw,
                (Some(nf), true) => {
                    when(raw.clone().eq(lit(nf.clone())), lit(ScalarValue::Utf8(None))).otherwise(empty_if_null()?)?
                }
            };
            let physical = state.create_physical_expr(expr, &df_schema)?;
            exprs.push(ProjectionExpr { expr: physical, alias: name.clone() });
        }
        Ok(Arc::new(ProjectionExec::try_new(exprs, input)?))
    }
}

/// How LazySimpleSerDe nests values in this table's fields; `None` for
/// tables of other formats (OpenCSVSerde has no nesting).
pub fn text_layout(def: &TableDef) -> crate::error::Result<Option<crate::lazy_nested::TextLayout>> {
    match &def.format {
        TableFormat::Text { delimiter, open_csv: false, .. } => {
            Ok(Some(crate::lazy_nested::TextLayout::new(*delimiter, &def.properties)?))
        }
        _ => Ok(None),
    }
}

/// Hive decompresses text by file extension; this build has no codecs for
/// text, and reading compressed bytes as text would return garbage rows.
fn reject_compressed(path: &object_store::path::Path) -> Result<()> {
    const CODECS: [&str; 10] = ["gz", "gzip", "bz2", "deflate", "snappy", "lz4", "zst", "zstd", "xz", "lzo"];
    match path.extension() {
        Some(ext) if CODECS.iter().any(|c| c.eq_ignore_ascii_case(ext)) => {
            datafusion::common::not_impl_err!("compressed text files are not supported: {path}")
        }
        _ => Ok(()),
    }
}

/// A partition value as a scalar of the column's type; unparseable values are NULL, as in Hive.
fn partition_scalar(raw: Option<&str>, dt: &DataType) -> ScalarValue {
    match raw {
        Some(v) if v != DEFAULT_PARTITION => ScalarValue::try_from_string(v.to_string(), dt)
            .unwrap_or_else(|_| ScalarValue::try_from(dt).unwrap_or(ScalarValue::Null)),
        _ => ScalarValue::try_from(dt).unwrap_or(ScalarValue::Null),
    }
}

#[async_trait]
impl TableProvider for HiveTable {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    fn supports_filters_pushdown(&self, filters: &[&Expr]) -> Result<Vec<TableProviderFilterPushDown>> {
        let names = self.partition_names();
        Ok(filters
            .iter()
            .map(|f| {
                if !names.is_empty() && expr_applicable_for_cols(&names, f) {
                    // Used for pruning; DataFusion still re-checks the rows.
                    TableProviderFilterPushDown::Inexact
                } else {
                    TableProviderFilterPushDown::Unsupported
                }
            })
            .collect())
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let target_partitions = state.config().target_partitions().max(1);
        // Files grouped by store, since one scan reads from one store.
        let mut by_store: BTreeMap<String, (ObjectStoreUrl, Vec<PartitionedFile>)> = BTreeMap::new();
        for (uri, values) in self.partitions_to_scan(state, filters)? {
            let loc = Location::parse(&uri).map_err(|e| datafusion::error::DataFusionError::External(Box::new(e)))?;
            let store = state.runtime_env().object_store(&loc.store_url)?;
            let files = list_files(store.as_ref(), &loc, false)
                .await
                .map_err(|e| datafusion::error::DataFusionError::External(Box::new(e)))?;
            let entry = by_store.entry(loc.store_url.to_string()).or_insert_with(|| (loc.store_url.clone(), vec![]));
            for meta in files {
                if !matches!(self.def.format, TableFormat::Parquet) {
                    reject_compressed(&meta.location)?;
                }
                let mut file = PartitionedFile::from(meta);
                file.partition_values = values.clone();
                entry.1.push(file);
            }
        }
        let format = self.format();
        let mut plans = Vec::new();
        for (store_url, files) in by_store.into_values() {
            if files.is_empty() {
                continue;
            }
            let source =
                format.file_source(TableSchema::new(Arc::clone(&self.file_schema), self.partition_fields.clone()));
            let config = FileScanConfigBuilder::new(store_url, source)
                .with_file_groups(FileGroup::new(files).split_files(target_partitions))
                .with_projection_indices(projection.cloned())?
                .with_limit(limit)
                .build();
            let plan = format.create_physical_plan(state, config).await?;
            plans.push(self.text_projection(state, plan)?);
        }
        if plans.is_empty() {
            let schema = match projection {
                Some(p) => Arc::new(self.schema.project(p)?),
                None => Arc::clone(&self.schema),
            };
            return Ok(Arc::new(EmptyExec::new(schema)));
        }
        UnionExec::try_new(plans)
    }
}
