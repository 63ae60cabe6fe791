//! `DESCRIBE [FORMATTED]` and `SHOW CREATE TABLE` text.
//!
//! Kept apart from the statement logic because it is only formatting, laid
//! out like Hive's `MetaDataFormatUtils` (columns padded to 20 characters and
//! tab-separated) so scripts that grep it keep working.

use std::fmt::Write;

use crate::catalog::{ColumnDef, PartitionDef, TableDef, TableFormat};

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
    storage(&mut out, def, (serde, input, output));
    out
}

fn storage(out: &mut String, def: &TableDef, (serde, input, output): (&str, &str, &str)) {
    row(out, "", "", "");
    row(out, "# Storage Information", "", "");
    row(out, "SerDe Library:", serde, "");
    row(out, "InputFormat:", input, "");
    row(out, "OutputFormat:", output, "");
    if let TableFormat::Text { delimiter, .. } = def.format {
        row(out, "Storage Desc Params:", "", "");
        let _ = writeln!(out, "\t{:<ALIGN$}\t{:<ALIGN$}", "field.delim", delimiter.escape_default().to_string());
    }
}

/// `DESCRIBE [FORMATTED] t PARTITION (...)`: the table's columns, and for
/// FORMATTED the partition's own details (its values and location) where
/// the table's would be, as Hive lays them out.
pub fn describe_partition(def: &TableDef, part: &PartitionDef, formatted: bool) -> String {
    let full = describe(def, false);
    if !formatted {
        return full;
    }
    let mut out = String::new();
    row(&mut out, "# col_name", "data_type", "comment");
    out.push_str(&full);
    let values: Vec<&str> = part.values.iter().map(|(_, v)| v.as_str()).collect();
    row(&mut out, "", "", "");
    row(&mut out, "# Detailed Partition Information", "", "");
    row(&mut out, "Partition Value:", &format!("[{}]", values.join(", ")), "");
    row(&mut out, "Database:", &def.database, "");
    row(&mut out, "Table:", &def.name, "");
    row(&mut out, "Location:", &part.location, "");
    storage(&mut out, def, def.format.hive_classes());
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn col(name: &str) -> ColumnDef {
        ColumnDef { name: name.into(), data_type: "string".into(), comment: None }
    }

    #[test]
    fn describes_a_partition_with_its_own_location() {
        let part = PartitionDef {
            values: vec![("ds".into(), "2008 04 08".into()), ("ts".into(), "10:11:12=455".into())],
            location: "s3://b/w/part_special/ds=2008 04 08/ts=10%3A11%3A12%3D455".into(),
        };
        let def = TableDef {
            database: "default".into(),
            name: "part_special".into(),
            columns: vec![col("a"), col("b")],
            partition_columns: vec![col("ds"), col("ts")],
            format: TableFormat::Text { delimiter: '\u{1}', open_csv: false, skip_header_lines: 0 },
            location: "s3://b/w/part_special".into(),
            external: false,
            partitions: vec![part.clone()],
            properties: BTreeMap::new(),
            view: None,
        };
        // input_part10.q: DESCRIBE EXTENDED lists the columns, then the partition columns.
        let plain = describe_partition(&def, &part, false);
        assert_eq!(plain.lines().filter(|l| l.starts_with("ds ")).count(), 2);
        let formatted = describe_partition(&def, &part, true);
        assert!(formatted.contains("[2008 04 08, 10:11:12=455]"));
        assert!(formatted.contains(&part.location));
        let mut table_location = String::new();
        row(&mut table_location, "Location:", &def.location, "");
        assert!(!formatted.lines().any(|l| l == table_location.trim_end_matches('\n')));
    }
}
