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

use apache_avro::schema::{DecimalSchema, InnerDecimalSchema, Name};
use apache_avro::Schema;

use super::error::EncodeError;
use super::json;

mod read;
mod write;

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

#[cfg(test)]
mod tests {
    use super::read::decimal_text;
    use super::*;
    use num_bigint::BigInt;

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
