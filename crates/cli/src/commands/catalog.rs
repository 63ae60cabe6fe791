//! `sparkplane catalog databases|tables|describe|partitions`: read the HIVE
//! metastore of a running server, so the tables jobs created can be checked
//! without writing a job that runs `SHOW TABLES`.
//!
//! Text output follows the Hive CLI (tab-separated, `DESCRIBE FORMATTED`
//! layout) so habits and `cut -f1` pipelines carry over; `--output json`
//! prints the server's response for scripts.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use sparkplane_control::hive::catalog_view::{ColumnView, DatabaseView, PartitionView, TableSummaryView, TableView};

use crate::client::{encode_segment, ApiClient};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
    /// Output format
    #[arg(long, value_enum, default_value_t = Output::Text, global = true)]
    output: Output,
    /// API endpoint [env: SPARKPLANE_ENDPOINT] [default: http://127.0.0.1:8088]
    #[arg(long, global = true)]
    endpoint: Option<String>,
    /// Data directory holding the credentials (when AWS_* variables are unset)
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
}

#[derive(clap::Subcommand)]
enum Command {
    /// List databases (name, comment, location)
    Databases,
    /// List the tables of a database (name, type, format, location)
    Tables {
        /// Database to list
        #[arg(long, short, default_value = "default")]
        database: String,
    },
    /// Show a table's columns, partition keys, storage and location
    Describe {
        /// DB.TABLE, or TABLE in the default database
        table: String,
    },
    /// List a table's partitions (name, location)
    Partitions {
        /// DB.TABLE, or TABLE in the default database
        table: String,
    },
}

#[derive(Clone, Copy, PartialEq, clap::ValueEnum)]
pub(crate) enum Output {
    Text,
    Json,
}

/// Response bodies, as `routes/catalog.rs` shapes them; re-serialized for
/// `--output json` (structs, not `Value`, keep the fields in their order).
#[derive(Serialize, Deserialize)]
struct Databases {
    databases: Vec<DatabaseView>,
}

#[derive(Serialize, Deserialize)]
struct Tables {
    tables: Vec<TableSummaryView>,
}

#[derive(Serialize, Deserialize)]
struct Table {
    table: TableView,
}

#[derive(Serialize)]
struct Partitions {
    partitions: Vec<PartitionView>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let client = ApiClient::new(args.endpoint.clone(), args.data_dir.clone())?;
    let json = args.output == Output::Json;
    let text = match &args.command {
        Command::Databases => {
            let body: Databases = client.get_json("/sparkplane/v1/catalog/databases")?;
            if json {
                pretty(&body)?
            } else {
                databases_text(&body.databases)
            }
        }
        Command::Tables { database } => {
            let body: Tables = client.get_json(&format!("{}/tables", database_path(database)))?;
            if json {
                pretty(&body)?
            } else {
                tables_text(&body.tables)
            }
        }
        Command::Describe { table } => {
            let body: Table = client.get_json(&table_path(table))?;
            if json {
                pretty(&body)?
            } else {
                describe_text(&body.table)
            }
        }
        Command::Partitions { table } => {
            let body: Table = client.get_json(&table_path(table))?;
            if json {
                pretty(&Partitions { partitions: body.table.partitions })?
            } else {
                body.table.partitions.iter().map(|p| format!("{}\t{}\n", p.name, p.location)).collect()
            }
        }
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

fn pretty(value: &impl Serialize) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(value)? + "\n")
}

fn database_path(database: &str) -> String {
    format!("/sparkplane/v1/catalog/databases/{}", encode_segment(database))
}

/// `DB.TABLE` or `TABLE` (in `default`), as Hive names tables.
fn table_path(name: &str) -> String {
    let (database, table) = name.split_once('.').unwrap_or(("default", name));
    format!("{}/tables/{}", database_path(database), encode_segment(table))
}

fn databases_text(databases: &[DatabaseView]) -> String {
    databases
        .iter()
        .map(|db| {
            format!("{}\t{}\t{}\n", db.name, db.comment.as_deref().unwrap_or(""), db.location.as_deref().unwrap_or(""))
        })
        .collect()
}

fn tables_text(tables: &[TableSummaryView]) -> String {
    tables.iter().map(|t| format!("{}\t{}\t{}\t{}\n", t.name, t.table_type, t.stored_as, t.location)).collect()
}

/// Hive's `MetaDataFormatUtils` pads columns to 20 characters.
const ALIGN: usize = 20;

fn row(out: &mut String, a: &str, b: &str, c: &str) {
    let _ = writeln!(out, "{a:<ALIGN$}\t{b:<ALIGN$}\t{c:<ALIGN$}");
}

fn columns(out: &mut String, columns: &[ColumnView]) {
    for c in columns {
        row(out, &c.name, &c.data_type, c.comment.as_deref().unwrap_or(""));
    }
}

/// The layout of Hive's `DESCRIBE FORMATTED`.
fn describe_text(table: &TableView) -> String {
    let mut out = String::new();
    row(&mut out, "# col_name", "data_type", "comment");
    columns(&mut out, &table.columns);
    if !table.partition_keys.is_empty() {
        row(&mut out, "", "", "");
        row(&mut out, "# Partition Information", "", "");
        row(&mut out, "# col_name", "data_type", "comment");
        columns(&mut out, &table.partition_keys);
    }
    row(&mut out, "", "", "");
    row(&mut out, "# Detailed Table Information", "", "");
    row(&mut out, "Database:", &table.database, "");
    row(&mut out, "Table:", &table.name, "");
    row(&mut out, "Location:", &table.location, "");
    row(&mut out, "Table Type:", &table.table_type, "");
    if !table.partition_keys.is_empty() {
        row(&mut out, "Partitions:", &table.partitions.len().to_string(), "");
    }
    if !table.properties.is_empty() {
        row(&mut out, "Table Parameters:", "", "");
        for (k, v) in &table.properties {
            let _ = writeln!(out, "\t{k:<ALIGN$}\t{v:<ALIGN$}");
        }
    }
    let storage = &table.storage;
    row(&mut out, "", "", "");
    row(&mut out, "# Storage Information", "", "");
    row(&mut out, "Stored As:", &storage.stored_as, "");
    row(&mut out, "SerDe Library:", &storage.serde_library, "");
    row(&mut out, "InputFormat:", &storage.input_format, "");
    row(&mut out, "OutputFormat:", &storage.output_format, "");
    if let Some(delimiter) = &storage.field_delimiter {
        row(&mut out, "Storage Desc Params:", "", "");
        let delimiter = delimiter.escape_default().to_string();
        let _ = writeln!(out, "\t{:<ALIGN$}\t{delimiter:<ALIGN$}", "field.delim");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_become_encoded_paths() {
        assert_eq!(table_path("sales"), "/sparkplane/v1/catalog/databases/default/tables/sales");
        assert_eq!(table_path("shop.sales"), "/sparkplane/v1/catalog/databases/shop/tables/sales");
        assert_eq!(table_path("shop.a/b c"), "/sparkplane/v1/catalog/databases/shop/tables/a%2Fb%20c");
    }
}
