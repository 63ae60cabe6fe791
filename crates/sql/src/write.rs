//! Writes: `INSERT INTO|OVERWRITE TABLE`, `INSERT OVERWRITE DIRECTORY` and
//! `CREATE TABLE ... AS SELECT`.
//!
//! Files are written by DataFusion in the table's format under new, unique
//! names. An overwrite first snapshots what is already there, writes, and only
//! then deletes the snapshot: a failed statement leaves the old data (and its
//! own partial files are removed), and `INSERT OVERWRITE TABLE t SELECT ...
//! FROM t` reads the old files, which were listed before writing began.

use std::collections::{BTreeMap, BTreeSet};

use datafusion::arrow::array::AsArray;
use datafusion::arrow::datatypes::{DataType, UInt64Type};
use datafusion::common::config::{CsvOptions, TableParquetOptions};
use datafusion::common::ScalarValue;
use datafusion::dataframe::{DataFrame, DataFrameWriteOptions};
use datafusion::logical_expr::{cast, try_cast, Expr};
use datafusion::prelude::{coalesce, lit};
use datafusion::sql::sqlparser::ast::Query;
use object_store::path::Path;

use crate::catalog::{
    escape_partition_value, unescape_partition_value, ColumnDef, PartitionDef, TableDef, TableFormat,
};
use crate::ddl::StorageSpec;
use crate::engine::{JobSession, Output};
use crate::error::{Result, SqlError};
use crate::lazy_nested::TextLayout;
use crate::parse::InsertTarget;
use crate::stores::{delete_all, join_uri, list_files, normalize_uri, Location};
use crate::table::{HiveTable, DEFAULT_PARTITION};
use crate::types::{arrow_to_hive, hive_to_arrow, is_primitive};
use crate::udf::chars::fit_to_column;

/// Static partition values, in partition-column order.
type StaticValues = Vec<(String, String)>;

const TIMESTAMP_FORMAT: &str = "%Y-%m-%d %H:%M:%S%.f";

impl JobSession<'_> {
    pub(crate) async fn insert(
        &mut self,
        overwrite: bool,
        target: InsertTarget,
        query: Query,
        out: &mut Output<'_>,
    ) -> Result<u64> {
        match target {
            InsertTarget::Directory { uri, storage } => {
                let (format, properties) = storage.to_format(&BTreeMap::new())?;
                let df = self.query_df(query).await?;
                let dir = normalize_uri(&uri)?;
                writeln!(out.stderr, "Moving data to directory {dir}")?;
                self.write(df, &format, &properties, &dir, &[], true).await.map(|(rows, _)| rows)
            }
            InsertTarget::Table { name, partition, columns, if_not_exists } => {
                let mut def = self.resolve_table(&name).await?;
                if def.is_view() {
                    return Err(SqlError::Semantic(format!(
                        "A view cannot be used as target table for LOAD or INSERT: {}",
                        def.qualified_name()
                    )));
                }
                let (static_values, dynamic) = split_partition_spec(&def, &partition)?;
                // Without a PARTITION clause Hive ignores IF NOT EXISTS.
                if if_not_exists && !partition.is_empty() && !dynamic.is_empty() {
                    return Err(SqlError::Semantic("Dynamic partitions do not support IF NOT EXISTS".into()));
                }
                if if_not_exists && !static_values.is_empty() && def.partition(&static_values).is_some() {
                    // Hive leaves an existing partition as it is, without running the query.
                    let spec: Vec<String> = static_values.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    writeln!(out.stderr, "Partition {}({}) exists, skipped", def.qualified_name(), spec.join(", "))?;
                    return Ok(0);
                }
                let df = self.query_df(query).await?;
                let targets: Vec<&ColumnDef> = if columns.is_empty() {
                    def.columns.iter().collect()
                } else {
                    columns
                        .iter()
                        .map(|c| {
                            def.columns.iter().find(|d| d.name == *c).ok_or_else(|| {
                                SqlError::Semantic(format!(
                                    "column '{c}' is not a data column of {}",
                                    def.qualified_name()
                                ))
                            })
                        })
                        .collect::<Result<_>>()?
                };
                let source = df.schema().columns();
                if source.len() != targets.len() + dynamic.len() {
                    return Err(SqlError::Semantic(format!(
                        "cannot insert into {}: the target has {} columns{} but the query returns {}",
                        def.qualified_name(),
                        targets.len() + dynamic.len(),
                        if dynamic.is_empty() { "" } else { " (including dynamic partition columns)" },
                        source.len()
                    )));
                }
                let mut exprs = Vec::new();
                for col in &def.columns {
                    let dt = hive_to_arrow(&col.data_type)?;
                    let value = match targets.iter().position(|t| t.name == col.name) {
                        Some(i) => fit_to_column(convert(Expr::Column(source[i].clone()), &dt), &col.data_type),
                        None => cast(lit(ScalarValue::Null), dt),
                    };
                    exprs.push(value.alias(&col.name));
                }
                for (j, key) in dynamic.iter().enumerate() {
                    let v = cast(Expr::Column(source[targets.len() + j].clone()), DataType::Utf8);
                    exprs.push(coalesce(vec![v, lit(DEFAULT_PARTITION)]).alias(key));
                }
                let df = df.select(exprs)?;
                let partition_dir: String = static_values
                    .iter()
                    .map(|(k, v)| format!("{k}={}", escape_partition_value(v)))
                    .collect::<Vec<_>>()
                    .join("/");
                let dir = match def.partition(&static_values) {
                    Some(p) if dynamic.is_empty() => p.location.clone(),
                    _ if partition_dir.is_empty() => def.location.clone(),
                    _ => join_uri(&def.location, &partition_dir),
                };
                writeln!(out.stderr, "Loading data to table {}", def.qualified_name())?;
                let (rows, written) = self.write(df, &def.format, &def.properties, &dir, &dynamic, overwrite).await?;
                if !def.partition_columns.is_empty() {
                    let mut changed = false;
                    for rel in written {
                        let mut values = static_values.clone();
                        for (seg, key) in rel.split('/').zip(&dynamic) {
                            let v = seg.split_once('=').map(|(_, v)| unescape_partition_value(v)).unwrap_or_default();
                            values.push((key.clone(), v));
                        }
                        if def.partition(&values).is_none() {
                            let location = if rel.is_empty() { dir.clone() } else { join_uri(&dir, &rel) };
                            def.partitions.push(PartitionDef { values, location });
                            changed = true;
                        }
                    }
                    if changed {
                        self.catalog.put_table(&def).await?;
                    }
                }
                Ok(rows)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn create_table_as_select(
        &mut self,
        db: &str,
        name: &str,
        storage: StorageSpec,
        table_properties: Vec<(String, String)>,
        location: String,
        external: bool,
        query: Query,
        out: &mut Output<'_>,
    ) -> Result<()> {
        let df = self.query_df(query).await?;
        let mut properties: BTreeMap<String, String> = table_properties.into_iter().collect();
        let (format, serde) = storage.to_format(&properties)?;
        properties.extend(serde);
        let open_csv = matches!(format, TableFormat::Text { open_csv: true, .. });
        let mut columns: Vec<ColumnDef> = Vec::new();
        for f in df.schema().fields() {
            let name = f.name().to_lowercase();
            if columns.iter().any(|c| c.name == name) {
                return Err(SqlError::Semantic(format!("duplicate column name '{name}' in CREATE TABLE AS SELECT")));
            }
            let data_type = if open_csv { "string".to_string() } else { arrow_to_hive(f.data_type())? };
            columns.push(ColumnDef { name, data_type, comment: None });
        }
        let def = TableDef {
            database: db.to_string(),
            name: name.to_string(),
            columns,
            partition_columns: vec![],
            format,
            location,
            external,
            partitions: vec![],
            properties,
            view: None,
        };
        HiveTable::try_new(def.clone())?;
        let loc = Location::parse(&def.location)?;
        let store = self.ctx.runtime_env().object_store(&loc.store_url)?;
        if !list_files(store.as_ref(), &loc, false).await?.is_empty() {
            return Err(SqlError::Semantic(format!(
                "cannot create table {}: location {} is not empty",
                def.qualified_name(),
                def.location
            )));
        }
        let exprs = df
            .schema()
            .columns()
            .into_iter()
            .zip(&def.columns)
            .map(|(c, d)| {
                Ok(fit_to_column(convert(Expr::Column(c), &hive_to_arrow(&d.data_type)?), &d.data_type).alias(&d.name))
            })
            .collect::<Result<Vec<_>>>()?;
        let df = df.select(exprs)?;
        writeln!(out.stderr, "Moving data to directory {}", def.location)?;
        self.write(df, &def.format, &def.properties, &def.location, &[], false).await?;
        self.catalog.put_table(&def).await
    }

    /// Writes `df` under `dir` (hive-partitioned by `partition_by`); returns the
    /// row count and the partition sub-directories written (`""` when unpartitioned).
    async fn write(
        &self,
        df: DataFrame,
        format: &TableFormat,
        properties: &BTreeMap<String, String>,
        dir: &str,
        partition_by: &[String],
        overwrite: bool,
    ) -> Result<(u64, BTreeSet<String>)> {
        let loc = Location::parse(dir)?;
        let store = self.ctx.runtime_env().object_store(&loc.store_url)?;
        let before: BTreeSet<Path> =
            list_files(store.as_ref(), &loc, true).await?.into_iter().map(|m| m.location).collect();
        // Only this write's errors may explain its failure.
        let _ = self.write_errors.take();
        let options = DataFrameWriteOptions::new().with_partition_by(partition_by.to_vec());
        let target = loc.dir_uri();
        let result = match format {
            TableFormat::Text { delimiter, open_csv, .. } => {
                let null = if *open_csv {
                    String::new()
                } else {
                    properties.get("serialization.null.format").cloned().unwrap_or_else(|| "\\N".into())
                };
                let csv = CsvOptions {
                    has_header: Some(false),
                    delimiter: *delimiter as u8,
                    quote: if *open_csv { b'"' } else { 0 },
                    null_value: Some(null),
                    timestamp_format: Some(TIMESTAMP_FORMAT.into()),
                    datetime_format: Some(TIMESTAMP_FORMAT.into()),
                    date_format: Some("%Y-%m-%d".into()),
                    ..Default::default()
                };
                // Hive's text for timestamps: nanoseconds without trailing zeros.
                let df = crate::udf::timestamps_as_text(df)?;
                let df = if *open_csv {
                    df
                } else {
                    crate::lazy_nested::encode_columns(df, &TextLayout::new(*delimiter, properties)?)?
                };
                df.write_csv(&target, options, Some(csv)).await
            }
            TableFormat::Json => df.write_json(&target, options, None).await,
            TableFormat::Parquet => {
                let mut parquet = TableParquetOptions::default();
                let codec =
                    properties.get("parquet.compression").map(|c| c.to_lowercase()).unwrap_or_else(|| "snappy".into());
                parquet.global.compression = Some(codec);
                df.write_parquet(&target, options, Some(parquet)).await
            }
        };
        let after: BTreeSet<Path> =
            list_files(store.as_ref(), &loc, true).await?.into_iter().map(|m| m.location).collect();
        let new: Vec<&Path> = after.difference(&before).collect();
        let batches = match result {
            Ok(b) => b,
            Err(e) => {
                let cause = self.write_errors.take();
                delete_all(store.as_ref(), new.into_iter().cloned().collect()).await?;
                // DataFusion's sinks drop the store's error when a file's
                // final upload fails; the store kept it.
                return Err(match cause {
                    Some(cause) => SqlError::Write(target, cause),
                    None => e.into(),
                });
            }
        };
        let rows = batches
            .iter()
            .filter_map(|b| b.column(0).as_primitive_opt::<UInt64Type>())
            .flat_map(|a| a.iter().flatten())
            .sum();
        let depth = partition_by.len();
        let partition_of = |p: &Path| -> Option<String> {
            let segs: Vec<String> = p.prefix_match(&loc.prefix)?.map(|s| s.as_ref().to_string()).collect();
            (segs.len() > depth).then(|| segs[..depth].join("/"))
        };
        let written: BTreeSet<String> = new.iter().filter_map(|p| partition_of(p)).collect();
        if overwrite {
            let old: Vec<Path> = before
                .iter()
                .filter(|p| depth == 0 || partition_of(p).is_some_and(|d| written.contains(&d)))
                .cloned()
                .collect();
            delete_all(store.as_ref(), old).await?;
        }
        Ok((rows, written))
    }
}

/// Hive converts on insert: an unparseable value becomes NULL.
fn convert(expr: Expr, dt: &DataType) -> Expr {
    if crate::udf::is_hive_cast_target(dt) {
        // Strings parse with Hive's rules (' 81.5' is 81.5), as a CAST would.
        crate::udf::hive_cast_expr(expr, dt)
    } else if is_primitive(dt) {
        try_cast(expr, dt.clone())
    } else {
        cast(expr, dt.clone())
    }
}

/// Static values (in partition-column order) and dynamic partition keys of an INSERT spec.
fn split_partition_spec(def: &TableDef, spec: &[(String, Option<String>)]) -> Result<(StaticValues, Vec<String>)> {
    if def.partition_columns.is_empty() {
        if !spec.is_empty() {
            return Err(SqlError::Semantic(format!("Table {} is not a partitioned table", def.qualified_name())));
        }
        return Ok((vec![], vec![]));
    }
    if spec.is_empty() {
        // Hive 3: no PARTITION clause means every partition column is dynamic.
        return Ok((vec![], def.partition_columns.iter().map(|c| c.name.clone()).collect()));
    }
    if spec.len() != def.partition_columns.len() {
        return Err(SqlError::Semantic(format!(
            "inserting into partitioned table {} needs a PARTITION clause naming all of its partition columns ({})",
            def.qualified_name(),
            def.partition_columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ")
        )));
    }
    let mut statics = Vec::new();
    let mut dynamic = Vec::new();
    for (col, (key, value)) in def.partition_columns.iter().zip(spec) {
        if col.name != *key {
            return Err(SqlError::Semantic(format!(
                "partition column '{key}' is out of order or unknown; expected '{}'",
                col.name
            )));
        }
        match value {
            Some(v) if dynamic.is_empty() => statics.push((key.clone(), v.clone())),
            Some(_) => return Err(SqlError::Semantic("a static partition column cannot follow a dynamic one".into())),
            None => dynamic.push(key.clone()),
        }
    }
    Ok((statics, dynamic))
}
