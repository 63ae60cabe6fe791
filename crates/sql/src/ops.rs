//! Catalog statements: databases, tables, partitions, and what `SHOW` and
//! `DESCRIBE` print.
//!
//! These only touch the catalog, except where Hive also touches data:
//! dropping or truncating a managed (non-external) table deletes its files, and
//! `MSCK REPAIR TABLE` lists the table directory for `k=v` partition folders.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::{unescape_partition_value, DatabaseDef, PartitionDef, TableDef, TableFormat};
use crate::ddl::CreateTable;
use crate::dialect::TableName;
use crate::engine::{JobSession, Output};
use crate::error::{Result, SqlError};
use crate::parse::{Command, PartitionSpec};
use crate::stores::{delete_all, join_uri, list_files, normalize_uri, Location};

impl JobSession<'_> {
    pub(crate) async fn catalog_command(&mut self, cmd: Command, out: &mut Output<'_>) -> Result<()> {
        self.reject_altering_view(&cmd).await?;
        match cmd {
            Command::Use(db) => {
                self.database(&db).await?;
                self.current_db = db;
            }
            Command::CreateDatabase(d) => {
                if self.catalog.get_database(&d.name).await?.is_some() || d.name == crate::catalog::DEFAULT_DATABASE {
                    if d.if_not_exists {
                        return Ok(());
                    }
                    return Err(SqlError::DatabaseExists(d.name));
                }
                let location = match d.location {
                    Some(l) => normalize_uri(&l)?,
                    None => join_uri(&normalize_uri(&self.options.default_warehouse_dir)?, &format!("{}.db", d.name)),
                };
                let db = DatabaseDef {
                    name: d.name,
                    location,
                    comment: d.comment,
                    properties: d.properties.into_iter().collect(),
                };
                self.catalog.create_database(&db).await?;
            }
            Command::DescribeDatabase(name) => {
                let db = self.database(&name).await?;
                writeln!(out.stdout, "{}\t{}\t{}", db.name, db.comment.unwrap_or_default(), db.location)?;
            }
            Command::CreateTable(t) => self.create_table(*t, out).await?,
            Command::CreateView(v) => self.create_view(*v, out).await?,
            Command::DropView { name, if_exists } => self.drop_view(&name, if_exists).await?,
            Command::DropTable { name, if_exists } => {
                let (db, t) = name.resolve(&self.current_db);
                match self.catalog.get_table(&db, &t).await? {
                    // Hive drops a view only with DROP VIEW.
                    Some(def) if def.is_view() && if_exists => {}
                    Some(def) if def.is_view() => {
                        return Err(SqlError::Semantic(format!("Cannot drop a view with DROP TABLE: {db}.{t}")))
                    }
                    Some(def) => {
                        if !def.external {
                            self.delete_table_data(&def, None).await?;
                        }
                        self.catalog.drop_table(&db, &t).await?;
                    }
                    // Hive's hive.exec.drop.ignorenonexistent (default true).
                    None if if_exists || self.conf_flag("hive.exec.drop.ignorenonexistent", true) => {}
                    None => return Err(SqlError::TableNotFound(format!("{db}.{t}"))),
                }
            }
            Command::DropDatabase { name, if_exists, cascade } => {
                if name == crate::catalog::DEFAULT_DATABASE {
                    return Err(SqlError::Semantic("cannot drop the default database".into()));
                }
                if self.catalog.get_database(&name).await?.is_none() {
                    return if if_exists { Ok(()) } else { Err(SqlError::DatabaseNotFound(name)) };
                }
                let tables = self.catalog.list_tables(&name).await?;
                if !tables.is_empty() && !cascade {
                    return Err(SqlError::Semantic(format!("database {name} is not empty; use CASCADE")));
                }
                for def in tables {
                    if !def.external && !def.is_view() {
                        self.delete_table_data(&def, None).await?;
                    }
                    self.catalog.drop_table(&def.database, &def.name).await?;
                }
                self.catalog.drop_database(&name).await?;
                if self.current_db == name {
                    self.current_db = crate::catalog::DEFAULT_DATABASE.to_string();
                }
            }
            Command::AddResource(what) => {
                writeln!(out.stderr, "Ignored: {what} (no JVM: jars and files are not loaded)")?;
            }
            Command::Truncate { name, partition } => {
                let def = self.resolve_table(&name).await?;
                if def.external || def.is_view() {
                    return Err(SqlError::Semantic(format!(
                        "cannot truncate non-managed table {}",
                        def.qualified_name()
                    )));
                }
                let values = partition.map(|p| static_values(&def, &p)).transpose()?;
                self.delete_table_data(&def, values.as_deref()).await?;
            }
            Command::AddPartitions { name, if_not_exists, partitions } => {
                let mut def = self.resolve_table(&name).await?;
                for (spec, location) in partitions {
                    let values = static_values(&def, &spec)?;
                    if def.partition(&values).is_some() {
                        if if_not_exists {
                            continue;
                        }
                        return Err(SqlError::Semantic(format!(
                            "partition already exists: {}",
                            describe_values(&values)
                        )));
                    }
                    let location = match location {
                        Some(l) => normalize_uri(&l)?,
                        None => join_uri(
                            &def.location,
                            &PartitionDef { values: values.clone(), location: String::new() }.name(),
                        ),
                    };
                    def.partitions.push(PartitionDef { values, location });
                }
                self.catalog.put_table(&def).await?;
            }
            Command::DropPartitions { name, if_exists, partitions } => {
                let mut def = self.resolve_table(&name).await?;
                for spec in partitions {
                    let values = static_values(&def, &spec)?;
                    let Some(pos) = def.partitions.iter().position(|p| p.values == values) else {
                        if if_exists {
                            continue;
                        }
                        return Err(SqlError::Semantic(format!("partition not found: {}", describe_values(&values))));
                    };
                    if !def.external {
                        self.delete_table_data(&def, Some(&values)).await?;
                    }
                    def.partitions.remove(pos);
                }
                self.catalog.put_table(&def).await?;
            }
            Command::Repair { name, add, drop } => {
                let mut def = self.resolve_table(&name).await?;
                let (added, dropped) = self.repair(&mut def, add, drop).await?;
                self.catalog.put_table(&def).await?;
                for p in &added {
                    writeln!(out.stderr, "Repair: Added partition to metastore {}:{}", def.name, p)?;
                }
                for p in &dropped {
                    writeln!(out.stderr, "Repair: Dropped partition from metastore {}:{}", def.name, p)?;
                }
            }
            Command::Rename { name, to } => {
                let mut def = self.resolve_table(&name).await?;
                let (db, t) = to.resolve(&self.current_db);
                if self.catalog.get_table(&db, &t).await?.is_some() {
                    return Err(SqlError::TableExists(format!("{db}.{t}")));
                }
                self.database(&db).await?;
                // Hive moves a managed table's directory; we keep data in place and
                // only rename, which is what Hive does for external tables.
                self.catalog.drop_table(&def.database, &def.name).await?;
                def.database = db;
                def.name = t;
                self.catalog.put_table(&def).await?;
            }
            Command::SetProperties { name, properties } => {
                let mut def = self.resolve_table(&name).await?;
                for (k, v) in properties {
                    if k == "skip.header.line.count" {
                        if let TableFormat::Text { skip_header_lines, .. } = &mut def.format {
                            *skip_header_lines =
                                v.trim().parse().map_err(|_| SqlError::Semantic(format!("invalid {k} '{v}'")))?;
                        }
                    }
                    if k.eq_ignore_ascii_case("EXTERNAL") {
                        def.external = v.eq_ignore_ascii_case("true");
                    }
                    def.properties.insert(k, v);
                }
                self.catalog.put_table(&def).await?;
            }
            Command::SetLocation { name, partition, location } => {
                let mut def = self.resolve_table(&name).await?;
                let location = normalize_uri(&location)?;
                match partition {
                    None => def.location = location,
                    Some(spec) => {
                        let values = static_values(&def, &spec)?;
                        let p = def.partitions.iter_mut().find(|p| p.values == values);
                        p.ok_or_else(|| {
                            SqlError::Semantic(format!("partition not found: {}", describe_values(&values)))
                        })?
                        .location = location;
                    }
                }
                self.catalog.put_table(&def).await?;
            }
            Command::AddColumns { name, columns, replace } => {
                let mut def = self.resolve_table(&name).await?;
                if replace {
                    crate::replace_columns::check(&def, &columns, &self.hiveconf)?;
                    def.columns.clear();
                }
                for c in columns {
                    if def.columns.iter().chain(&def.partition_columns).any(|e| e.name == c.name) {
                        return Err(SqlError::Semantic(format!("duplicate column name '{}'", c.name)));
                    }
                    def.columns.push(c);
                }
                self.catalog.put_table(&def).await?;
            }
            Command::ShowDatabases => {
                let mut names: BTreeSet<String> =
                    self.catalog.list_databases().await?.into_iter().map(|d| d.name).collect();
                names.insert(crate::catalog::DEFAULT_DATABASE.to_string());
                for n in names {
                    writeln!(out.stdout, "{n}")?;
                }
            }
            Command::ShowTables { database, pattern } => {
                let db = database.unwrap_or_else(|| self.current_db.clone());
                self.database(&db).await?;
                let mut names: Vec<String> = self.catalog.list_tables(&db).await?.into_iter().map(|t| t.name).collect();
                names.sort();
                let re = pattern.map(|p| hive_like_pattern(&p)).transpose()?;
                for n in names.into_iter().filter(|n| re.as_ref().is_none_or(|r| r.is_match(n))) {
                    writeln!(out.stdout, "{n}")?;
                }
            }
            Command::ShowPartitions(name) => {
                let def = self.resolve_table(&name).await?;
                if def.partition_columns.is_empty() {
                    return Err(SqlError::Semantic(format!(
                        "Table {} is not a partitioned table",
                        def.qualified_name()
                    )));
                }
                let mut names: Vec<String> = def.partitions.iter().map(PartitionDef::name).collect();
                names.sort();
                for n in names {
                    writeln!(out.stdout, "{n}")?;
                }
            }
            Command::ShowColumns(name) => {
                let def = self.resolve_table(&name).await?;
                for c in def.columns.iter().chain(&def.partition_columns) {
                    writeln!(out.stdout, "{}", c.name)?;
                }
            }
            Command::ShowTblProperties(name) => {
                let def = self.resolve_table(&name).await?;
                for (k, v) in &def.properties {
                    writeln!(out.stdout, "{k}\t{v}")?;
                }
            }
            Command::ShowCreateTable(name) => {
                let def = self.resolve_table(&name).await?;
                writeln!(out.stdout, "{}", crate::describe::show_create_table(&def))?;
            }
            Command::Describe { name, formatted, partition: None } => {
                let def = self.resolve_table(&name).await?;
                out.stdout.write_all(crate::describe::describe(&def, formatted).as_bytes())?;
            }
            Command::Describe { name, formatted, partition: Some(spec) } => {
                let def = self.resolve_table(&name).await?;
                let values = static_values(&def, &spec)?;
                let Some(part) = def.partition(&values) else {
                    return Err(SqlError::Semantic(format!("Partition not found {{{}}}", describe_values(&values))));
                };
                out.stdout.write_all(crate::describe::describe_partition(&def, part, formatted).as_bytes())?;
            }
            other => return Err(SqlError::Unsupported(format!("{other:?}"))),
        }
        Ok(())
    }

    pub(crate) async fn resolve_table(&self, name: &TableName) -> Result<TableDef> {
        let (db, t) = name.resolve(&self.current_db);
        self.table(&db, &t).await
    }

    async fn create_table(&mut self, t: CreateTable, out: &mut Output<'_>) -> Result<()> {
        let (db, name) = t.name.resolve(&self.current_db);
        self.database(&db).await?;
        if self.catalog.get_table(&db, &name).await?.is_some() {
            if t.if_not_exists {
                writeln!(out.stderr, "Table {db}.{name} already exists, skipped")?;
                return Ok(());
            }
            return Err(SqlError::TableExists(format!("{db}.{name}")));
        }
        let location = match &t.location {
            Some(l) => normalize_uri(l)?,
            None => self.default_table_location(&db, &name).await?,
        };
        if let Some(query) = t.query {
            return self
                .create_table_as_select(&db, &name, t.storage, t.properties, location, t.external, *query, out)
                .await;
        }
        let def = if let Some(like) = &t.like {
            let src = self.resolve_table(like).await?;
            let mut def = TableDef {
                database: db,
                name,
                location,
                external: t.external,
                partitions: vec![],
                view: None,
                ..src.clone()
            };
            if src.is_view() {
                // Hive: a table LIKE a view gets its columns, stored as default text.
                def.format = TableFormat::Text { delimiter: '\u{1}', open_csv: false, skip_header_lines: 0 };
                def.properties = BTreeMap::new();
            }
            def
        } else {
            let mut properties: BTreeMap<String, String> = t.properties.into_iter().collect();
            let (format, serde_props) = t.storage.to_format(&properties)?;
            properties.extend(serde_props);
            if let Some(c) = t.comment {
                properties.insert("comment".into(), c);
            }
            let mut columns = t.columns;
            if matches!(format, TableFormat::Text { open_csv: true, .. }) {
                // OpenCSVSerde reads every column as a string, whatever the DDL says.
                for c in &mut columns {
                    c.data_type = "string".into();
                }
            }
            if let Some(dup) = t.partition_columns.iter().find(|p| columns.iter().any(|c| c.name == p.name)) {
                return Err(SqlError::Semantic(format!("column '{}' is both a data and a partition column", dup.name)));
            }
            TableDef {
                database: db,
                name,
                columns,
                partition_columns: t.partition_columns,
                format,
                location,
                external: t.external,
                partitions: vec![],
                properties,
                view: None,
            }
        };
        crate::table::HiveTable::try_new(def.clone())?;
        self.catalog.put_table(&def).await
    }

    /// Deletes a managed table's files (all, or one partition's).
    async fn delete_table_data(&self, def: &TableDef, partition: Option<&[(String, String)]>) -> Result<()> {
        let mut dirs: Vec<String> = match partition {
            Some(values) => def.partition(values).map(|p| p.location.clone()).into_iter().collect(),
            None => def.partitions.iter().map(|p| p.location.clone()).collect(),
        };
        if partition.is_none() {
            dirs.push(def.location.clone());
        }
        for dir in dirs {
            let loc = Location::parse(&dir)?;
            let store = self.ctx.runtime_env().object_store(&loc.store_url)?;
            let files = list_files(store.as_ref(), &loc, true).await?;
            delete_all(store.as_ref(), files.into_iter().map(|m| m.location).collect()).await?;
        }
        Ok(())
    }

    /// MSCK REPAIR: registers `k=v/...` directories, and/or drops partitions whose directory is gone.
    async fn repair(&self, def: &mut TableDef, add: bool, drop: bool) -> Result<(Vec<String>, Vec<String>)> {
        if def.partition_columns.is_empty() {
            return Err(SqlError::Semantic(format!("Table {} is not a partitioned table", def.qualified_name())));
        }
        let loc = Location::parse(&def.location)?;
        let store = self.ctx.runtime_env().object_store(&loc.store_url)?;
        let files = list_files(store.as_ref(), &loc, false).await?;
        let keys: Vec<&str> = def.partition_columns.iter().map(|c| c.name.as_str()).collect();
        let mut found: BTreeMap<Vec<(String, String)>, String> = BTreeMap::new();
        for f in &files {
            let Some(rel) = f.location.prefix_match(&loc.prefix) else { continue };
            let segs: Vec<String> = rel.map(|s| s.as_ref().to_string()).collect();
            if segs.len() <= keys.len() {
                continue;
            }
            let mut values = Vec::new();
            for (seg, key) in segs.iter().zip(&keys) {
                // Stores percent-encode path parts once more than Hive did.
                let seg = unescape_partition_value(seg);
                match seg.split_once('=') {
                    Some((k, v)) if k.eq_ignore_ascii_case(key) => {
                        values.push((key.to_string(), unescape_partition_value(v)))
                    }
                    _ => break,
                }
            }
            if values.len() == keys.len() {
                let dir = segs[..keys.len()].join("/");
                found.entry(values).or_insert_with(|| join_uri(&def.location, &dir));
            }
        }
        let mut added = Vec::new();
        if add {
            for (values, location) in &found {
                if def.partition(values).is_none() {
                    let p = PartitionDef { values: values.clone(), location: location.clone() };
                    added.push(p.name());
                    def.partitions.push(p);
                }
            }
        }
        let mut dropped = Vec::new();
        if drop {
            let table_prefix = format!("{}/", def.location);
            def.partitions.retain(|p| {
                let under_table = p.location.starts_with(&table_prefix);
                let keep = !under_table || found.contains_key(&p.values);
                if !keep {
                    dropped.push(p.name());
                }
                keep
            });
        }
        Ok((added, dropped))
    }
}

/// Checks a fully static partition spec against the table; returns values in column order.
pub(crate) fn static_values(def: &TableDef, spec: &PartitionSpec) -> Result<Vec<(String, String)>> {
    if def.partition_columns.is_empty() {
        return Err(SqlError::Semantic(format!("Table {} is not a partitioned table", def.qualified_name())));
    }
    let mut values = Vec::new();
    for col in &def.partition_columns {
        match spec.iter().find(|(k, _)| *k == col.name) {
            Some((_, Some(v))) => values.push((col.name.clone(), v.clone())),
            _ => {
                return Err(SqlError::Semantic(format!("partition spec is missing a value for column '{}'", col.name)))
            }
        }
    }
    if let Some((k, _)) = spec.iter().find(|(k, _)| !def.partition_columns.iter().any(|c| c.name == *k)) {
        return Err(SqlError::Semantic(format!("'{k}' is not a partition column of {}", def.qualified_name())));
    }
    Ok(values)
}

fn describe_values(values: &[(String, String)]) -> String {
    values.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ")
}

/// `SHOW TABLES LIKE 'a*|b*'`: `*` is any run, `|` separates alternatives.
fn hive_like_pattern(p: &str) -> Result<regex::Regex> {
    let alts: Vec<String> =
        p.split('|').map(|a| a.trim().split('*').map(regex::escape).collect::<Vec<_>>().join(".*")).collect();
    regex::Regex::new(&format!("(?i)^(?:{})$", alts.join("|"))).map_err(|e| SqlError::Semantic(e.to_string()))
}
