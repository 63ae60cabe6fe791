//! `DESCRIBE [FORMATTED]` and `SHOW CREATE TABLE` text.
//!
//! Kept apart from the statement logic because it is only formatting, laid
//! out like Hive's `MetaDataFormatUtils` (columns padded to 20 characters and
//! tab-separated) so scripts that grep it keep working.

use std::fmt::Write;

use crate::catalog::{ColumnDef, TableDef, TableFormat};

const ALIGN: usize = 20;

fn row(out: &mut String, a: &str, b: &str, c: &str) {
    let _ = writeln!(out, "{a:<ALIGN$}\t{b:<ALIGN$}\t{c:<ALIGN$}");
}

fn columns(out: &mut String, cols: &[ColumnDef]) {
    for c in cols {
        row(out, &c.name, &c.data_type, c.comment.as_deref().unwrap_or(""));
    }
}

pub fn describe(def: &TableDef, formatted: bool) -> String {
    let mut out = String::new();
    if formatted {
        row(&mut out, "# col_name", "data_type", "comment");
    }
    columns(&mut out, &def.columns);
    if !def.partition_columns.is_empty() {
        columns(&mut out, &def.partition_columns);
        row(&mut out, "", "", "");
        row(&mut out, "# Partition Information", "", "");
        row(&mut out, "# col_name", "data_type", "comment");
        columns(&mut out, &def.partition_columns);
    }
    if !formatted {
        return out;
    }
    let (serde, input, output) = def.format.hive_classes();
    row(&mut out, "", "", "");
    row(&mut out, "# Detailed Table Information", "", "");
    row(&mut out, "Database:", &def.database, "");
    row(&mut out, "Table:", &def.name, "");
    if def.view.is_none() {
        row(&mut out, "Location:", &def.location, "");
    }
    row(&mut out, "Table Type:", def.table_type(), "");
    if !def.properties.is_empty() {
        row(&mut out, "Table Parameters:", "", "");
        for (k, v) in &def.properties {
            let _ = writeln!(out, "\t{k:<ALIGN$}\t{v:<ALIGN$}");
        }
    }
    if let Some(view) = &def.view {
        // A view has no storage; Hive shows its query instead.
        row(&mut out, "", "", "");
        row(&mut out, "# View Information", "", "");
        row(&mut out, "View Original Text:", &view.original_text, "");
        return out;
    }
    row(&mut out, "", "", "");
    row(&mut out, "# Storage Information", "", "");
    row(&mut out, "SerDe Library:", serde, "");
    row(&mut out, "InputFormat:", input, "");
    row(&mut out, "OutputFormat:", output, "");
    if let TableFormat::Text { delimiter, .. } = def.format {
        row(&mut out, "Storage Desc Params:", "", "");
        let _ = writeln!(out, "\t{:<ALIGN$}\t{:<ALIGN$}", "field.delim", delimiter.escape_default().to_string());
    }
    out
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn column_list(cols: &[ColumnDef]) -> String {
    cols.iter()
        .map(|c| match &c.comment {
            Some(comment) => format!("  `{}` {} COMMENT {}", c.name, c.data_type, quote(comment)),
            None => format!("  `{}` {}", c.name, c.data_type),
        })
        .collect::<Vec<_>>()
        .join(",\n")
}

/// DDL that recreates the table (without its partitions).
pub fn show_create_table(def: &TableDef) -> String {
    let mut out = String::new();
    if let Some(view) = &def.view {
        return format!("CREATE VIEW `{}`.`{}` AS {}", def.database, def.name, view.original_text);
    }
    let external = if def.external { "EXTERNAL " } else { "" };
    let _ = writeln!(out, "CREATE {external}TABLE `{}`.`{}`(\n{})", def.database, def.name, column_list(&def.columns));
    if !def.partition_columns.is_empty() {
        let _ = writeln!(out, "PARTITIONED BY (\n{})", column_list(&def.partition_columns));
    }
    let (serde, ..) = def.format.hive_classes();
    match &def.format {
        TableFormat::Text { delimiter, open_csv: false, .. } => {
            let d = format!("\\{:03o}", *delimiter as u32);
            let d = if delimiter.is_ascii_graphic() || *delimiter == ' ' {
                quote(&delimiter.to_string())
            } else {
                format!("'{d}'")
            };
            let _ = writeln!(out, "ROW FORMAT DELIMITED\n  FIELDS TERMINATED BY {d}\nSTORED AS TEXTFILE");
        }
        TableFormat::Text { delimiter, .. } => {
            let _ = writeln!(
                out,
                "ROW FORMAT SERDE\n  {}\nWITH SERDEPROPERTIES (\n  'separatorChar'={})\nSTORED AS TEXTFILE",
                quote(serde),
                quote(&delimiter.to_string())
            );
        }
        TableFormat::Parquet => out.push_str("STORED AS PARQUET\n"),
        TableFormat::Json => out.push_str("STORED AS JSONFILE\n"),
    }
    let _ = writeln!(out, "LOCATION\n  {}", quote(&def.location));
    let props: Vec<String> = def
        .properties
        .iter()
        .filter(|(k, _)| k.as_str() != "separatorChar")
        .map(|(k, v)| format!("  {}={}", quote(k), quote(v)))
        .collect();
    if !props.is_empty() {
        let _ = write!(out, "TBLPROPERTIES (\n{})", props.join(",\n"));
    }
    out.trim_end().to_string()
}
