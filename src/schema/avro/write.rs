//! Typed JSON → Avro datum, checked against the schema; errors name the field path.

use apache_avro::schema::{DecimalSchema, InnerDecimalSchema, RecordSchema};
use apache_avro::types::Value;
use apache_avro::{Days, Decimal, Duration, Millis, Months, Schema};
use num_bigint::BigInt;

use super::super::error::EncodeError;
use super::super::json::{self, Kind, Node};
use super::super::time;
use super::{branch_name, AvroSchema};

impl AvroSchema {
    pub(super) fn to_value(&self, n: &Node, s: &Schema, path: &str) -> Result<Value, EncodeError> {
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
