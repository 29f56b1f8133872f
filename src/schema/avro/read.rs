//! Avro datum → JSON text: field order kept, numbers exact (see the module doc above).

use std::fmt::Write as _;

use apache_avro::types::Value;
use apache_avro::Schema;
use num_bigint::BigInt;

use super::super::json::{self};
use super::super::time;
use super::{branch_name, AvroSchema, MAX_DEPTH};

impl AvroSchema {
    pub(super) fn write(
        &self,
        out: &mut String,
        v: &Value,
        s: &Schema,
        depth: usize,
    ) -> Result<(), String> {
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
}

/// The exact decimal text of `unscaled` × 10^-`scale`.
pub(super) fn decimal_text(unscaled: &BigInt, scale: usize) -> String {
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
