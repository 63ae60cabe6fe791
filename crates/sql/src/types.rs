//! Hive type names and Arrow types.
//!
//! The catalog keeps Hive type names (`bigint`, `decimal(10,2)`,
//! `array<struct<a:int>>`) because that is what `DESCRIBE` shows and what the
//! Glue catalog stores; DataFusion needs Arrow types. This module converts both
//! ways.

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, Fields, TimeUnit};

use crate::error::{Result, SqlError};

/// Parses a Hive type name into an Arrow type.
pub fn hive_to_arrow(hive: &str) -> Result<DataType> {
    let mut parser = TypeParser { s: hive.as_bytes(), pos: 0, text: hive };
    let t = parser.parse()?;
    parser.skip_ws();
    if parser.pos != parser.s.len() {
        return Err(parser.error());
    }
    Ok(t)
}

/// Normalizes a Hive type name as written in DDL (`INT` -> `int`, `VARCHAR(10)` kept).
pub fn normalize_hive_type(hive: &str) -> Result<String> {
    hive_to_arrow(hive)?;
    let compact: String = hive.split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_lowercase();
    let compact = compact.replace("double precision", "double");
    Ok(compact.chars().filter(|c| !c.is_whitespace()).collect())
}

/// The Hive type name for an Arrow type, for tables created from a query (CTAS).
pub fn arrow_to_hive(dt: &DataType) -> Result<String> {
    Ok(match dt {
        DataType::Null | DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => "string".into(),
        DataType::Boolean => "boolean".into(),
        DataType::Int8 => "tinyint".into(),
        DataType::Int16 | DataType::UInt8 => "smallint".into(),
        DataType::Int32 | DataType::UInt16 => "int".into(),
        DataType::Int64 | DataType::UInt32 | DataType::UInt64 => "bigint".into(),
        DataType::Float16 | DataType::Float32 => "float".into(),
        DataType::Float64 => "double".into(),
        DataType::Decimal128(p, s) | DataType::Decimal256(p, s) => format!("decimal({p},{s})"),
        DataType::Date32 | DataType::Date64 => "date".into(),
        DataType::Timestamp(_, _) => "timestamp".into(),
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => "binary".into(),
        DataType::List(f) | DataType::LargeList(f) | DataType::ListView(f) | DataType::FixedSizeList(f, _) => {
            format!("array<{}>", arrow_to_hive(f.data_type())?)
        }
        DataType::Struct(fields) => {
            let parts = fields
                .iter()
                .map(|f| Ok(format!("{}:{}", f.name(), arrow_to_hive(f.data_type())?)))
                .collect::<Result<Vec<_>>>()?;
            format!("struct<{}>", parts.join(","))
        }
        DataType::Map(entries, _) => match entries.data_type() {
            DataType::Struct(kv) if kv.len() == 2 => {
                format!("map<{},{}>", arrow_to_hive(kv[0].data_type())?, arrow_to_hive(kv[1].data_type())?)
            }
            other => return Err(SqlError::Semantic(format!("unsupported map layout {other}"))),
        },
        DataType::Dictionary(_, value) => arrow_to_hive(value)?,
        other => return Err(SqlError::Semantic(format!("type {other} has no Hive equivalent"))),
    })
}

/// Whether a Hive type is a plain scalar, not an array, map or struct.
pub fn is_primitive(dt: &DataType) -> bool {
    !matches!(dt, DataType::List(_) | DataType::Struct(_) | DataType::Map(_, _))
}

struct TypeParser<'a> {
    s: &'a [u8],
    pos: usize,
    text: &'a str,
}

impl TypeParser<'_> {
    fn error(&self) -> SqlError {
        SqlError::Semantic(format!("unsupported or malformed Hive type '{}'", self.text))
    }

    fn skip_ws(&mut self) {
        while self.pos < self.s.len() && self.s[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn word(&mut self) -> String {
        self.skip_ws();
        let start = self.pos;
        while self.pos < self.s.len() && (self.s[self.pos].is_ascii_alphanumeric() || self.s[self.pos] == b'_') {
            self.pos += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.pos]).to_ascii_lowercase()
    }

    fn eat(&mut self, c: u8) -> bool {
        self.skip_ws();
        if self.s.get(self.pos) == Some(&c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: u8) -> Result<()> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.error())
        }
    }

    fn number(&mut self) -> Result<u8> {
        self.word().parse().map_err(|_| self.error())
    }

    fn parse(&mut self) -> Result<DataType> {
        let name = self.word();
        Ok(match name.as_str() {
            "string" => DataType::Utf8,
            "varchar" | "char" => {
                // The length only limits writes in Hive; reads see a string.
                self.expect(b'(')?;
                self.number()?;
                self.expect(b')')?;
                DataType::Utf8
            }
            "tinyint" => DataType::Int8,
            "smallint" => DataType::Int16,
            "int" | "integer" => DataType::Int32,
            "bigint" => DataType::Int64,
            "float" => DataType::Float32,
            "double" => {
                // `double precision` is a synonym.
                let save = self.pos;
                if self.word() != "precision" {
                    self.pos = save;
                }
                DataType::Float64
            }
            "boolean" => DataType::Boolean,
            "date" => DataType::Date32,
            "timestamp" => DataType::Timestamp(TimeUnit::Microsecond, None),
            "binary" => DataType::Binary,
            "decimal" | "numeric" => {
                let (mut p, mut s) = (10, 0);
                if self.eat(b'(') {
                    p = self.number()?;
                    if self.eat(b',') {
                        s = self.number()?;
                    }
                    self.expect(b')')?;
                }
                if p == 0 || p > 38 || s > p {
                    return Err(self.error());
                }
                DataType::Decimal128(p, s as i8)
            }
            "array" => {
                self.expect(b'<')?;
                let item = self.parse()?;
                self.expect(b'>')?;
                DataType::List(Arc::new(Field::new("item", item, true)))
            }
            "map" => {
                self.expect(b'<')?;
                let key = self.parse()?;
                self.expect(b',')?;
                let value = self.parse()?;
                self.expect(b'>')?;
                let entries = Field::new(
                    "entries",
                    DataType::Struct(Fields::from(vec![
                        Field::new("key", key, false),
                        Field::new("value", value, true),
                    ])),
                    false,
                );
                DataType::Map(Arc::new(entries), false)
            }
            "struct" => {
                self.expect(b'<')?;
                let mut fields = Vec::new();
                loop {
                    let name = self.word();
                    if name.is_empty() {
                        return Err(self.error());
                    }
                    self.expect(b':')?;
                    fields.push(Field::new(name, self.parse()?, true));
                    if !self.eat(b',') {
                        break;
                    }
                }
                self.expect(b'>')?;
                DataType::Struct(Fields::from(fields))
            }
            _ => return Err(self.error()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_scalar_and_nested_types() {
        assert_eq!(hive_to_arrow("BIGINT").unwrap(), DataType::Int64);
        assert_eq!(hive_to_arrow("varchar(20)").unwrap(), DataType::Utf8);
        assert_eq!(hive_to_arrow("decimal(12, 2)").unwrap(), DataType::Decimal128(12, 2));
        assert_eq!(hive_to_arrow("decimal").unwrap(), DataType::Decimal128(10, 0));
        let nested = hive_to_arrow("array<struct<a:int,b:map<string,double>>>").unwrap();
        assert_eq!(arrow_to_hive(&nested).unwrap(), "array<struct<a:int,b:map<string,double>>>");
        assert!(hive_to_arrow("uniontype<int,string>").is_err());
        assert!(hive_to_arrow("int extra").is_err());
    }
}
