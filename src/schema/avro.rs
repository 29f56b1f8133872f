//! Avro records: the schema parsed and resolved by the `apache-avro` crate (named types and
//! Confluent schema references included), the datum read and written by its generic reader and
//! writer, and the JSON in between done here so that it keeps field order and exact numbers.
//!
//! The JSON form (the same for what is shown and what is typed):
//! - a union holding null is `null`; a union with one non-null branch shows the bare value;
//!   other unions show Avro's JSON encoding, `{"branch": value}` with the branch's type name
//!   (`"int"`, `"string"`, a record's full name). Typed JSON may use either form.
//! - `bytes` and `fixed` are strings of code points U+0000..U+00FF, one per byte (Avro's JSON
//!   encoding).
//! - logical types read as people write them: `date` `"2024-05-01"`, `time-*` `"12:00:00.000"`,
//!   `timestamp-*` `"2024-05-01T12:00:00.000Z"` (`local-timestamp-*` without the `Z`),
//!   `decimal` an exact JSON number, `uuid` a string, `duration` `{"months", "days", "millis"}`.
//!   Typed JSON may also give the underlying number of a date, time or timestamp.
//! - map entries are sorted by key (the crate reads maps into hash maps, so the written order
//!   is not known).

use std::collections::HashMap;
use std::fmt::Write as _;

use apache_avro::schema::{DecimalSchema, InnerDecimalSchema, Name, RecordSchema};
use apache_avro::types::Value;
use apache_avro::{Days, Decimal, Duration, Millis, Months, Schema};
use num_bigint::BigInt;

use super::error::EncodeError;
use super::json::{self, Kind, Node};
use super::time;

/// Deeper nesting than this in a decoded value is cut (a recursive schema can nest as deep as
/// the data says).
const MAX_DEPTH: usize = 128;

/// A parsed Avro schema with the named types it (and its references) define.
pub struct AvroSchema {
    root: Schema,
    /// Schemas of the references, which define named types the root uses.
    schemata: Vec<Schema>,
    names: HashMap<String, Schema>,
}

impl std::fmt::Debug for AvroSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AvroSchema")
            .field("root", &self.root_name())
            .finish_non_exhaustive()
    }
}

impl AvroSchema {
    /// Parses `schema`; `references` are the texts of the schemas it references (named types),
    /// dependencies first.
    pub fn parse(schema: &str, references: &[String]) -> Result<Self, String> {
        let (root, schemata) = if references.is_empty() {
            (
                Schema::parse_str(schema).map_err(|e| e.to_string())?,
                vec![],
            )
        } else {
            Schema::parse_str_with_list(schema, references).map_err(|e| e.to_string())?
        };
        let mut names = HashMap::new();
        for s in std::iter::once(&root).chain(&schemata) {
            collect_names(s, &mut names);
        }
        Ok(AvroSchema {
            root,
            schemata,
            names,
        })
    }

    /// The root's full name for a named type, else its type ("string", "array", ...).
    pub fn root_name(&self) -> String {
        branch_name(&self.root)
    }

    /// The datum in `payload` as JSON text (see the module doc for the form).
    pub fn decode(&self, payload: &[u8]) -> Result<String, String> {
        let reader = apache_avro::reader::datum::GenericDatumReader::builder(&self.root)
            .writer_schemata(self.all_schemata())
            .map_err(|e| e.to_string())?
            .build()
            .map_err(|e| e.to_string())?;
        let mut rest = payload;
        let value = reader.read_value(&mut rest).map_err(|e| e.to_string())?;
        if !rest.is_empty() {
            return Err(format!(
                "{} byte(s) left over after the record: written with another schema?",
                rest.len()
            ));
        }
        let mut out = String::new();
        self.write(&mut out, &value, &self.root, 0)?;
        Ok(out)
    }

    /// The Avro binary encoding of the typed `json`, checked against the schema.
    pub fn encode(&self, json_text: &str) -> Result<Vec<u8>, EncodeError> {
        let node = json::parse(json_text)?;
        let value = self.to_value(&node, &self.root, "$")?;
        let writer = apache_avro::writer::datum::GenericDatumWriter::builder(&self.root)
            .schemata(self.all_schemata())
            .and_then(|b| b.build())
            .map_err(|e| EncodeError::field("$", node.pos, e.to_string()))?;
        writer
            .write_value_to_vec(value)
            .map_err(|e| EncodeError::field("$", node.pos, e.to_string()))
    }

    /// References first: the crate resolves names in list order.
    fn all_schemata(&self) -> Vec<&Schema> {
        self.schemata
            .iter()
            .chain(std::iter::once(&self.root))
            .collect()
    }

    fn resolve<'a>(&'a self, s: &'a Schema) -> Result<&'a Schema, String> {
        match s {
            Schema::Ref { name } => self
                .names
                .get(&name.fullname(None))
                .ok_or_else(|| format!("the schema refers to an unknown type {}", name)),
            s => Ok(s),
        }
    }

    fn write(&self, out: &mut String, v: &Value, s: &Schema, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(format!("nested deeper than {MAX_DEPTH} levels"));
        }
        let s = self.resolve(s)?;
        match (v, s) {
            (Value::Union(i, inner), Schema::Union(u)) => {
                let branch = u
                    .variants()
                    .get(*i as usize)
                    .ok_or("a union branch the schema does not have")?;
                let non_null = u
                    .variants()
                    .iter()
                    .filter(|b| !matches!(b, Schema::Null))
                    .count();
                if matches!(branch, Schema::Null) || non_null == 1 {
                    self.write(out, inner, branch, depth + 1)?;
                } else {
                    out.push('{');
                    json::push_str(out, &branch_name(self.resolve(branch)?));
                    out.push(':');
                    self.write(out, inner, branch, depth + 1)?;
                    out.push('}');
                }
            }
            (Value::Null, _) => out.push_str("null"),
            (Value::Boolean(b), _) => out.push_str(if *b { "true" } else { "false" }),
            (Value::Int(n), _) => {
                let _ = write!(out, "{n}");
            }
            (Value::Long(n), _) => {
                let _ = write!(out, "{n}");
            }
            (Value::Float(f), _) => json::push_f32(out, *f),
            (Value::Double(f), _) => json::push_f64(out, *f),
            (Value::Bytes(b) | Value::Fixed(_, b), _) => {
                json::push_str(out, &b.iter().map(|&c| char::from(c)).collect::<String>())
            }
            (Value::String(t), _) => json::push_str(out, t),
            (Value::Enum(_, symbol), _) => json::push_str(out, symbol),
            (Value::Array(items), Schema::Array(a)) => {
                out.push('[');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    self.write(out, item, &a.items, depth + 1)?;
                }
                out.push(']');
            }
            (Value::Map(m), Schema::Map(ms)) => {
                let mut entries: Vec<_> = m.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                out.push('{');
                for (n, (k, item)) in entries.into_iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    json::push_str(out, k);
                    out.push(':');
                    self.write(out, item, &ms.types, depth + 1)?;
                }
                out.push('}');
            }
            (Value::Record(fields), Schema::Record(r)) => {
                out.push('{');
                for (n, (name, item)) in fields.iter().enumerate() {
                    let field = r
                        .lookup
                        .get(name)
                        .and_then(|&i| r.fields.get(i))
                        .ok_or_else(|| format!("a field {name} the schema does not have"))?;
                    if n > 0 {
                        out.push(',');
                    }
                    json::push_str(out, name);
                    out.push(':');
                    self.write(out, item, &field.schema, depth + 1)?;
                }
                out.push('}');
            }
            (Value::Date(d), _) => json::push_str(out, &time::format_date(i64::from(*d))),
            (Value::TimeMillis(t), _) => json::push_str(out, &time::format_time(i64::from(*t), 3)),
            (Value::TimeMicros(t), _) => json::push_str(out, &time::format_time(*t, 6)),
            (Value::TimestampMillis(t), _) => {
                json::push_str(out, &time::format_timestamp(*t, 3, true))
            }
            (Value::TimestampMicros(t), _) => {
                json::push_str(out, &time::format_timestamp(*t, 6, true))
            }
            (Value::TimestampNanos(t), _) => {
                json::push_str(out, &time::format_timestamp(*t, 9, true))
            }
            (Value::LocalTimestampMillis(t), _) => {
                json::push_str(out, &time::format_timestamp(*t, 3, false))
            }
            (Value::LocalTimestampMicros(t), _) => {
                json::push_str(out, &time::format_timestamp(*t, 6, false))
            }
            (Value::LocalTimestampNanos(t), _) => {
                json::push_str(out, &time::format_timestamp(*t, 9, false))
            }
            (Value::Decimal(d), Schema::Decimal(ds)) => {
                out.push_str(&decimal_text(&BigInt::from(d.clone()), ds.scale));
            }
            (Value::BigDecimal(d), _) => {
                let text = d.to_string();
                if serde_json::from_str::<serde::de::IgnoredAny>(&text).is_ok() {
                    out.push_str(&text);
                } else {
                    json::push_str(out, &text);
                }
            }
            (Value::Uuid(u), _) => json::push_str(out, &u.to_string()),
            (Value::Duration(d), _) => {
                let _ = write!(
                    out,
                    "{{\"months\":{},\"days\":{},\"millis\":{}}}",
                    u32::from(d.months()),
                    u32::from(d.days()),
                    u32::from(d.millis())
                );
            }
            (v, s) => {
                return Err(format!(
                    "a value ({v:?}) that does not match its schema ({})",
                    branch_name(s)
                ))
            }
        }
        Ok(())
    }

    fn to_value(&self, n: &Node, s: &Schema, path: &str) -> Result<Value, EncodeError> {
        let s = self
            .resolve(s)
            .map_err(|e| EncodeError::field(path, n.pos, e))?;
        let want = |what: &str| {
            EncodeError::field(
                path,
                n.pos,
                format!("expected {what}, found {}", n.kind.describe()),
            )
        };
        let int = |lo: i64, hi: i64, what: &str| -> Result<i64, EncodeError> {
            match &n.kind {
                Kind::Number(lit) => match lit.parse::<i64>() {
                    Ok(v) if (lo..=hi).contains(&v) => Ok(v),
                    _ => Err(EncodeError::field(
                        path,
                        n.pos,
                        format!("{lit} is not {what}"),
                    )),
                },
                _ => Err(want(what)),
            }
        };
        let float = || -> Result<f64, EncodeError> {
            match &n.kind {
                Kind::Number(lit) => lit.parse::<f64>().map_err(|_| want("a number")),
                Kind::String(t) if t == "NaN" => Ok(f64::NAN),
                Kind::String(t) if t == "Infinity" => Ok(f64::INFINITY),
                Kind::String(t) if t == "-Infinity" => Ok(f64::NEG_INFINITY),
                _ => Err(want("a number")),
            }
        };
        // Dates and times: the number itself, or the text the decoder shows.
        let timeish = |parse: &dyn Fn(&str) -> Option<i64>, what: &str| match &n.kind {
            Kind::String(t) => parse(t)
                .ok_or_else(|| EncodeError::field(path, n.pos, format!("{t:?} is not {what}"))),
            _ => int(i64::MIN, i64::MAX, what),
        };
        Ok(match s {
            Schema::Null => match n.kind {
                Kind::Null => Value::Null,
                _ => return Err(want("null")),
            },
            Schema::Boolean => match n.kind {
                Kind::Bool(b) => Value::Boolean(b),
                _ => return Err(want("true or false")),
            },
            Schema::Int => Value::Int(int(
                i64::from(i32::MIN),
                i64::from(i32::MAX),
                "an int (32-bit integer)",
            )? as i32),
            Schema::Long => Value::Long(int(i64::MIN, i64::MAX, "a long (64-bit integer)")?),
            Schema::Float => Value::Float(float()? as f32),
            Schema::Double => Value::Double(float()?),
            Schema::String => match &n.kind {
                Kind::String(t) => Value::String(t.clone()),
                _ => return Err(want("a string")),
            },
            Schema::Bytes => Value::Bytes(byte_string(n, path)?),
            Schema::Fixed(f) => {
                let b = byte_string(n, path)?;
                if b.len() != f.size {
                    return Err(EncodeError::field(
                        path,
                        n.pos,
                        format!("{} needs {} bytes, found {}", f.name, f.size, b.len()),
                    ));
                }
                Value::Fixed(f.size, b)
            }
            Schema::Enum(e) => match &n.kind {
                Kind::String(t) => match e.symbols.iter().position(|s| s == t) {
                    Some(i) => Value::Enum(i as u32, t.clone()),
                    None => {
                        return Err(EncodeError::field(
                            path,
                            n.pos,
                            format!("{t:?} is not one of {}: {:?}", e.name, e.symbols),
                        ))
                    }
                },
                _ => return Err(want(&format!("a symbol of {}", e.name))),
            },
            Schema::Array(a) => match &n.kind {
                Kind::Array(items) => Value::Array(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| self.to_value(item, &a.items, &format!("{path}[{i}]")))
                        .collect::<Result<_, _>>()?,
                ),
                _ => return Err(want("an array")),
            },
            Schema::Map(m) => match &n.kind {
                Kind::Object(members) => Value::Map(
                    members
                        .iter()
                        .map(|(k, item)| {
                            Ok((k.clone(), self.to_value(item, &m.types, &member(path, k))?))
                        })
                        .collect::<Result<_, EncodeError>>()?,
                ),
                _ => return Err(want("an object (a map)")),
            },
            Schema::Record(r) => self.record(n, r, path)?,
            Schema::Union(u) => {
                let variants = u.variants();
                // {"branch": value}, Avro's JSON encoding of a union.
                if let Kind::Object(members) = &n.kind {
                    if let [(k, inner)] = members.as_slice() {
                        for (i, b) in variants.iter().enumerate() {
                            let rb = self
                                .resolve(b)
                                .map_err(|e| EncodeError::field(path, n.pos, e))?;
                            if &branch_name(rb) == k || rb.name().is_some_and(|nm| nm.name() == k) {
                                let v = self.to_value(inner, b, &member(path, k))?;
                                return Ok(Value::Union(i as u32, Box::new(v)));
                            }
                        }
                    }
                }
                let mut first_error = None;
                for (i, b) in variants.iter().enumerate() {
                    match self.to_value(n, b, path) {
                        Ok(v) => return Ok(Value::Union(i as u32, Box::new(v))),
                        Err(e) => {
                            first_error.get_or_insert(e);
                        }
                    }
                }
                let names: Vec<String> = variants
                    .iter()
                    .map(|b| self.resolve(b).map(branch_name).unwrap_or_default())
                    .collect();
                return Err(match (variants.len(), first_error) {
                    (1, Some(e)) => e,
                    _ => EncodeError::field(
                        path,
                        n.pos,
                        format!(
                            "{} fits none of the union's branches {names:?}",
                            n.kind.describe()
                        ),
                    ),
                });
            }
            Schema::Decimal(d) => Value::Decimal(decimal_value(n, d, path)?),
            Schema::BigDecimal => {
                return Err(EncodeError::field(
                    path,
                    n.pos,
                    "the big-decimal logical type cannot be typed yet",
                ))
            }
            Schema::Uuid(_) => match &n.kind {
                Kind::String(t) => Value::Uuid(t.parse().map_err(|_| {
                    EncodeError::field(path, n.pos, format!("{t:?} is not a UUID"))
                })?),
                _ => return Err(want("a UUID string")),
            },
            Schema::Date => Value::Date(
                i32::try_from(timeish(&time::parse_date, "a date (YYYY-MM-DD)")?)
                    .map_err(|_| want("a date within the int range"))?,
            ),
            Schema::TimeMillis => Value::TimeMillis(
                i32::try_from(timeish(
                    &|t| time::parse_time(t, 3),
                    "a time (HH:MM:SS.fff)",
                )?)
                .map_err(|_| want("a time within the int range"))?,
            ),
            Schema::TimeMicros => Value::TimeMicros(timeish(
                &|t| time::parse_time(t, 6),
                "a time (HH:MM:SS.ffffff)",
            )?),
            Schema::TimestampMillis => Value::TimestampMillis(timeish(
                &|t| time::parse_timestamp(t, 3, true),
                "a timestamp (2024-05-01T12:00:00.000Z)",
            )?),
            Schema::TimestampMicros => Value::TimestampMicros(timeish(
                &|t| time::parse_timestamp(t, 6, true),
                "a timestamp (2024-05-01T12:00:00.000000Z)",
            )?),
            Schema::TimestampNanos => Value::TimestampNanos(timeish(
                &|t| time::parse_timestamp(t, 9, true),
                "a timestamp (2024-05-01T12:00:00.000000000Z)",
            )?),
            Schema::LocalTimestampMillis => Value::LocalTimestampMillis(timeish(
                &|t| time::parse_timestamp(t, 3, false),
                "a local timestamp (2024-05-01T12:00:00.000)",
            )?),
            Schema::LocalTimestampMicros => Value::LocalTimestampMicros(timeish(
                &|t| time::parse_timestamp(t, 6, false),
                "a local timestamp (2024-05-01T12:00:00.000000)",
            )?),
            Schema::LocalTimestampNanos => Value::LocalTimestampNanos(timeish(
                &|t| time::parse_timestamp(t, 9, false),
                "a local timestamp (2024-05-01T12:00:00.000000000)",
            )?),
            Schema::Duration(_) => {
                let Kind::Object(members) = &n.kind else {
                    return Err(want("an object {\"months\", \"days\", \"millis\"}"));
                };
                let get = |k: &str| -> Result<u32, EncodeError> {
                    match members.iter().find(|(m, _)| m == k) {
                        Some((_, v)) => match &v.kind {
                            Kind::Number(lit) => lit.parse().map_err(|_| {
                                EncodeError::field(
                                    &member(path, k),
                                    v.pos,
                                    format!("{lit} is not an unsigned 32-bit integer"),
                                )
                            }),
                            _ => Err(EncodeError::field(
                                &member(path, k),
                                v.pos,
                                "expected a number",
                            )),
                        },
                        None => Ok(0),
                    }
                };
                Value::Duration(Duration::new(
                    Months::new(get("months")?),
                    Days::new(get("days")?),
                    Millis::new(get("millis")?),
                ))
            }
            Schema::Ref { .. } => unreachable!("resolved above"),
        })
    }

    fn record(&self, n: &Node, r: &RecordSchema, path: &str) -> Result<Value, EncodeError> {
        let Kind::Object(members) = &n.kind else {
            return Err(EncodeError::field(
                path,
                n.pos,
                format!(
                    "expected an object (record {}), found {}",
                    r.name,
                    n.kind.describe()
                ),
            ));
        };
        for (k, v) in members {
            if !r.lookup.contains_key(k) {
                return Err(EncodeError::field(
                    &member(path, k),
                    v.pos,
                    format!("record {} has no field {k:?}", r.name),
                ));
            }
        }
        let mut fields = Vec::with_capacity(r.fields.len());
        for f in &r.fields {
            let fpath = member(path, &f.name);
            let value = match members.iter().find(|(k, _)| k == &f.name) {
                Some((_, v)) => self.to_value(v, &f.schema, &fpath)?,
                None => match &f.default {
                    // A default is written in the JSON of the field's type (for a union, of
                    // its first branch).
                    Some(d) => {
                        let node = json::parse(&d.to_string())?;
                        let s = match self.resolve(&f.schema) {
                            Ok(Schema::Union(u)) if !u.variants().is_empty() => {
                                let v = self.to_value(&node, &u.variants()[0], &fpath)?;
                                fields.push((f.name.clone(), Value::Union(0, Box::new(v))));
                                continue;
                            }
                            _ => &f.schema,
                        };
                        self.to_value(&node, s, &fpath)?
                    }
                    None => {
                        return Err(EncodeError::field(
                            path,
                            n.pos,
                            format!("missing field {:?} (it has no default)", f.name),
                        ))
                    }
                },
            };
            fields.push((f.name.clone(), value));
        }
        Ok(Value::Record(fields))
    }
}

/// `path.name`, or `path["odd name"]` when the name is not an identifier.
pub(crate) fn member(path: &str, name: &str) -> String {
    let ident = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ident {
        format!("{path}.{name}")
    } else {
        let mut s = format!("{path}[");
        json::push_str(&mut s, name);
        s.push(']');
        s
    }
}

fn byte_string(n: &Node, path: &str) -> Result<Vec<u8>, EncodeError> {
    let Kind::String(t) = &n.kind else {
        return Err(EncodeError::field(
            path,
            n.pos,
            format!(
                "expected a string of bytes (\\u0000-\\u00ff), found {}",
                n.kind.describe()
            ),
        ));
    };
    t.chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(|| {
            EncodeError::field(
                path,
                n.pos,
                "bytes are written one character U+0000..U+00FF per byte",
            )
        })
}

/// The type name a union branch is known by in Avro's JSON encoding.
fn branch_name(s: &Schema) -> String {
    match s {
        Schema::Record(r) => r.name.fullname(None),
        Schema::Enum(e) => e.name.fullname(None),
        Schema::Fixed(f) => f.name.fullname(None),
        Schema::Ref { name } => name.fullname(None),
        Schema::Decimal(DecimalSchema {
            inner: InnerDecimalSchema::Fixed(f),
            ..
        })
        | Schema::Duration(f) => f.name.fullname(None),
        Schema::Null => "null".into(),
        Schema::Boolean => "boolean".into(),
        Schema::Int | Schema::Date | Schema::TimeMillis => "int".into(),
        Schema::Long
        | Schema::TimeMicros
        | Schema::TimestampMillis
        | Schema::TimestampMicros
        | Schema::TimestampNanos
        | Schema::LocalTimestampMillis
        | Schema::LocalTimestampMicros
        | Schema::LocalTimestampNanos => "long".into(),
        Schema::Float => "float".into(),
        Schema::Double => "double".into(),
        Schema::Bytes | Schema::Decimal(_) | Schema::BigDecimal => "bytes".into(),
        Schema::String => "string".into(),
        Schema::Uuid(_) => "string".into(),
        Schema::Array(_) => "array".into(),
        Schema::Map(_) => "map".into(),
        Schema::Union(_) => "union".into(),
    }
}

fn collect_names(s: &Schema, names: &mut HashMap<String, Schema>) {
    let mut add = |n: &Name| {
        names.insert(n.fullname(None), s.clone());
    };
    match s {
        Schema::Record(r) => {
            add(&r.name);
            for f in &r.fields {
                collect_names(&f.schema, names);
            }
        }
        Schema::Enum(e) => add(&e.name),
        Schema::Fixed(f) | Schema::Duration(f) => add(&f.name),
        Schema::Decimal(DecimalSchema {
            inner: InnerDecimalSchema::Fixed(f),
            ..
        }) => add(&f.name),
        Schema::Array(a) => collect_names(&a.items, names),
        Schema::Map(m) => collect_names(&m.types, names),
        Schema::Union(u) => {
            for v in u.variants() {
                collect_names(v, names);
            }
        }
        _ => {}
    }
}

/// The exact decimal text of `unscaled` × 10^-`scale`.
fn decimal_text(unscaled: &BigInt, scale: usize) -> String {
    let digits = unscaled.magnitude().to_string();
    let sign = if unscaled.sign() == num_bigint::Sign::Minus {
        "-"
    } else {
        ""
    };
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (int, frac) = padded.split_at(padded.len() - scale);
    format!("{sign}{int}.{frac}")
}

/// A typed decimal (a JSON number, or a string holding one) as the unscaled integer of the
/// schema's scale; more fractional digits than the scale, or more digits than the precision,
/// is an error rather than a rounding.
fn decimal_value(n: &Node, d: &DecimalSchema, path: &str) -> Result<Decimal, EncodeError> {
    let lit = match &n.kind {
        Kind::Number(t) | Kind::String(t) => t.as_str(),
        _ => {
            return Err(EncodeError::field(
                path,
                n.pos,
                format!("expected a decimal number, found {}", n.kind.describe()),
            ))
        }
    };
    let bad = |why: &str| EncodeError::field(path, n.pos, format!("{lit}: {why}"));
    let (neg, body) = match lit.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, lit),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty() || !(int.chars().chain(frac.chars())).all(|c| c.is_ascii_digit()) {
        return Err(bad("not a plain decimal number (no exponent)"));
    }
    if frac.len() > d.scale {
        return Err(bad(&format!(
            "more than {} digits after the point (the schema's scale)",
            d.scale
        )));
    }
    let digits = format!("{int}{frac:0<width$}", width = d.scale);
    let significant = digits.trim_start_matches('0').len();
    if significant > d.precision {
        return Err(bad(&format!(
            "more than {} digits (the schema's precision)",
            d.precision
        )));
    }
    let mut v: BigInt = digits.parse().map_err(|_| bad("not a number"))?;
    if neg {
        v = -v;
    }
    let mut bytes = v.to_signed_bytes_be();
    if let InnerDecimalSchema::Fixed(f) = &d.inner {
        if bytes.len() > f.size {
            return Err(bad(&format!("does not fit in {} bytes", f.size)));
        }
        let fill = if neg { 0xff } else { 0 };
        let mut padded = vec![fill; f.size - bytes.len()];
        padded.extend_from_slice(&bytes);
        bytes = padded;
    }
    Ok(Decimal::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORDER: &str = r#"{
      "type": "record", "name": "Order", "namespace": "shop",
      "fields": [
        {"name": "id", "type": "string"},
        {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
        {"name": "qty", "type": "int"},
        {"name": "note", "type": ["null", "string"], "default": null},
        {"name": "choice", "type": ["int", "string", {"type": "record", "name": "Pt", "fields": [{"name": "x", "type": "long"}]}]},
        {"name": "tags", "type": {"type": "array", "items": "string"}},
        {"name": "attrs", "type": {"type": "map", "values": "long"}},
        {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"]}},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "raw", "type": "bytes"},
        {"name": "next", "type": ["null", "Pt"]}
      ]}"#;

    const TYPED: &str = r#"{"id": "o-1", "amount": 12.30, "qty": 3, "note": "hi",
        "choice": {"shop.Pt": {"x": 5}}, "tags": ["a", "b"], "attrs": {"z": 1, "a": 2},
        "kind": "B", "at": "2024-05-01T12:00:00.123Z", "day": "2024-02-29", "raw": "\u0000\u00ff",
        "next": {"x": 9}}"#;

    #[test]
    fn round_trip_keeps_order_unions_and_logical_types() {
        let s = AvroSchema::parse(ORDER, &[]).unwrap();
        let bytes = s.encode(TYPED).unwrap();
        let shown = s.decode(&bytes).unwrap();
        assert_eq!(
            shown,
            r#"{"id":"o-1","amount":12.30,"qty":3,"note":"hi","choice":{"shop.Pt":{"x":5}},"tags":["a","b"],"attrs":{"a":2,"z":1},"kind":"B","at":"2024-05-01T12:00:00.123Z","day":"2024-02-29","raw":"\u0000ÿ","next":{"x":9}}"#
        );
        // What is shown encodes back to the same record (map order aside, the same bytes).
        assert_eq!(s.decode(&s.encode(&shown).unwrap()).unwrap(), shown);
        assert_eq!(s.encode(&shown).unwrap().len(), bytes.len());
        assert_eq!(s.root_name(), "shop.Order");
    }

    #[test]
    fn defaults_fill_missing_fields_and_bare_union_values_pick_a_branch() {
        let s = AvroSchema::parse(ORDER, &[]).unwrap();
        let typed = r#"{"id": "o", "amount": "-0.05", "qty": -1, "choice": "text",
            "tags": [], "attrs": {}, "kind": "A", "at": 0, "day": 0, "raw": "", "next": null}"#;
        let shown = s.decode(&s.encode(typed).unwrap()).unwrap();
        assert!(
            shown.contains(r#""amount":-0.05,"qty":-1,"note":null,"choice":{"string":"text"}"#),
            "{shown}"
        );
        assert!(
            shown.contains(r#""at":"1970-01-01T00:00:00.000Z","day":"1970-01-01""#),
            "{shown}"
        );
    }

    #[test]
    fn errors_name_the_field_path_and_place() {
        let s = AvroSchema::parse(ORDER, &[]).unwrap();
        let bad = TYPED.replace(r#""qty": 3"#, r#""qty": "three""#);
        let e = s.encode(&bad).unwrap_err().to_string();
        assert_eq!(
            e,
            "at line 1, column 39, $.qty: expected an int (32-bit integer), found a string"
        );
        let e = s
            .encode(&TYPED.replace(r#"["a", "b"]"#, r#"["a", 2]"#))
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("$.tags[1]: expected a string, found a number"),
            "{e}"
        );
        let e = s.encode(&TYPED.replace("12.30", "12.345")).unwrap_err();
        assert!(
            e.to_string()
                .contains("$.amount: 12.345: more than 2 digits"),
            "{e}"
        );
        let e = s
            .encode(&TYPED.replace(r#""kind": "B""#, r#""kind": "C""#))
            .unwrap_err();
        assert!(
            e.to_string()
                .contains(r#"$.kind: "C" is not one of shop.Kind"#),
            "{e}"
        );
        let e = s.encode(r#"{"id": "o"}"#).unwrap_err();
        assert!(e.to_string().contains(r#"missing field "amount""#), "{e}");
        let e = s
            .encode(&TYPED.replace(r#""qty": 3"#, r#""qty": 3, "extra": 1"#))
            .unwrap_err();
        assert!(
            e.to_string()
                .contains(r#"$.extra: record shop.Order has no field "extra""#),
            "{e}"
        );
        let e = s
            .encode(&TYPED.replace(r#""qty": 3"#, r#""qty": 3000000000"#))
            .unwrap_err();
        assert!(e.to_string().contains("3000000000 is not an int"), "{e}");
        let e = s.encode("{").unwrap_err();
        assert!(matches!(e, EncodeError::Syntax(_)), "{e}");
    }

    #[test]
    fn bad_payloads_are_errors_not_panics() {
        let s = AvroSchema::parse(ORDER, &[]).unwrap();
        let bytes = s.encode(TYPED).unwrap();
        // The last field is a union; apache-avro reads a union cut off before its branch
        // index as null (a leniency for schema evolution), so that one cut decodes.
        for cut in 0..bytes.len() - 2 {
            assert!(s.decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        assert!(s.decode(&bytes[..bytes.len() - 1]).is_err());
        let mut extra = bytes.clone();
        extra.push(0);
        assert!(s
            .decode(&extra)
            .unwrap_err()
            .contains("1 byte(s) left over"));
        assert!(AvroSchema::parse("{\"type\": \"nope\"}", &[]).is_err());
    }

    #[test]
    fn references_define_named_types() {
        let pt = r#"{"type": "record", "name": "Pt", "namespace": "geo", "fields": [{"name": "x", "type": "int"}]}"#;
        let line = r#"{"type": "record", "name": "Line", "namespace": "geo", "fields": [{"name": "a", "type": "Pt"}, {"name": "b", "type": "geo.Pt"}]}"#;
        let s = AvroSchema::parse(line, &[pt.to_string()]).unwrap();
        let bytes = s.encode(r#"{"a": {"x": 1}, "b": {"x": -2}}"#).unwrap();
        assert_eq!(bytes, vec![2, 3]);
        assert_eq!(s.decode(&bytes).unwrap(), r#"{"a":{"x":1},"b":{"x":-2}}"#);
    }

    #[test]
    fn decimal_text_is_exact() {
        assert_eq!(decimal_text(&BigInt::from(1230), 2), "12.30");
        assert_eq!(decimal_text(&BigInt::from(-5), 3), "-0.005");
        assert_eq!(decimal_text(&BigInt::from(7), 0), "7");
    }
}
