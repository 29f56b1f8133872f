//! What the format tests share: the proptest config, expected JSON compared as a tree, awkward
//! text, registered schemas and the wire format's header.

use std::sync::Arc;

use kafka_tui::export::{decode_with, Decoding};
use kafka_tui::schema::json::{self, Kind, Node};
use kafka_tui::schema::loaded::LoadedSchema;
use kafka_tui::schema::registry::{RegisteredSchema, SchemaType};
use proptest::prelude::*;

pub fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 64,
        max_shrink_iters: 1_000,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Expected JSON, compared as a tree
// ---------------------------------------------------------------------------------------------

/// What a decoded value must say.
#[derive(Debug, Clone)]
pub enum Want {
    Null,
    Bool(bool),
    /// An integer, written exactly as its decimal digits.
    Int(i128),
    /// A double: a number that reads back as the same value (sign of zero included), or the
    /// strings "NaN", "Infinity", "-Infinity".
    F64(f64),
    F32(f32),
    Str(String),
    Arr(Vec<Want>),
    /// Members in this order.
    Obj(Vec<(String, Want)>),
    /// Members in any order (a map whose order the decoder does not know).
    Unordered(Vec<(String, Want)>),
}

pub fn obj(members: Vec<(&str, Want)>) -> Want {
    Want::Obj(
        members
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

/// The string Avro's and Protobuf's JSON mappings write for a float JSON has no number for.
pub fn not_finite(nan: bool, inf: bool, negative: bool) -> Option<&'static str> {
    match (nan, inf, negative) {
        (true, _, _) => Some("NaN"),
        (_, true, false) => Some("Infinity"),
        (_, true, true) => Some("-Infinity"),
        _ => None,
    }
}

pub fn check(node: &Node, want: &Want, path: &str) -> Result<(), String> {
    let bad = |what: String| Err(format!("{path}: {what}"));
    match (want, &node.kind) {
        (Want::Null, Kind::Null) => Ok(()),
        (Want::Bool(b), Kind::Bool(g)) if b == g => Ok(()),
        (Want::Int(n), Kind::Number(lit)) if *lit == n.to_string() => Ok(()),
        (Want::Str(s), Kind::String(g)) if s == g => Ok(()),
        (Want::F64(v), kind) => match (not_finite(v.is_nan(), v.is_infinite(), *v < 0.0), kind) {
            (Some(word), Kind::String(g)) if g == word => Ok(()),
            (None, Kind::Number(lit)) => match lit.parse::<f64>() {
                Ok(g) if g == *v && g.is_sign_negative() == v.is_sign_negative() => Ok(()),
                _ => bad(format!("{lit} is not the double {v:?}")),
            },
            (_, k) => bad(format!("{k:?} is not the double {v:?}")),
        },
        (Want::F32(v), kind) => match (not_finite(v.is_nan(), v.is_infinite(), *v < 0.0), kind) {
            (Some(word), Kind::String(g)) if g == word => Ok(()),
            (None, Kind::Number(lit)) => match lit.parse::<f32>() {
                Ok(g) if g == *v && g.is_sign_negative() == v.is_sign_negative() => Ok(()),
                _ => bad(format!("{lit} is not the float {v:?}")),
            },
            (_, k) => bad(format!("{k:?} is not the float {v:?}")),
        },
        (Want::Arr(items), Kind::Array(got)) => {
            if items.len() != got.len() {
                return bad(format!("{} items, want {}", got.len(), items.len()));
            }
            for (i, (w, g)) in items.iter().zip(got).enumerate() {
                check(g, w, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (Want::Obj(members), Kind::Object(got)) => {
            let names: Vec<&str> = got.iter().map(|(k, _)| k.as_str()).collect();
            let want_names: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
            if names != want_names {
                return bad(format!(
                    "members {names:?}, want {want_names:?} in that order"
                ));
            }
            for ((k, w), (_, g)) in members.iter().zip(got) {
                check(g, w, &format!("{path}.{k}"))?;
            }
            Ok(())
        }
        (Want::Unordered(members), Kind::Object(got)) => {
            let mut names: Vec<&str> = got.iter().map(|(k, _)| k.as_str()).collect();
            let mut want_names: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
            names.sort_unstable();
            want_names.sort_unstable();
            if names != want_names {
                return bad(format!("members {names:?}, want {want_names:?}"));
            }
            for (k, w) in members {
                let (_, g) = got.iter().find(|(n, _)| n == k).expect("listed above");
                check(g, w, &format!("{path}.{k}"))?;
            }
            Ok(())
        }
        (w, k) => bad(format!("{k:?}, want {w:?}")),
    }
}

/// `text` is valid JSON (by serde_json's reading) that says `want`.
pub fn check_json(text: &str, want: &Want) -> Result<(), TestCaseError> {
    if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
        return Err(TestCaseError::fail(format!("not JSON ({e}): {text}")));
    }
    let node = json::parse(text).map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
    check(&node, want, "$").map_err(|e| TestCaseError::fail(format!("{e}\nin {text}")))
}

/// Text with what JSON, CSV and terminals find awkward: quotes, backslashes, commas, line
/// breaks, NUL and other controls, DEL, line separators, non-ASCII, any character.
pub fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => any::<char>(),
            2 => proptest::char::range('a', 'z'),
            1 => proptest::sample::select(vec![
                '"', '\\', ',', '\n', '\r', '\t', '\0', '\u{1b}', '\u{7f}', '\u{2028}', 'é', '😀',
                '/', ' ',
            ]),
        ],
        0..max,
    )
    .prop_map(|v| v.into_iter().collect())
}

pub fn schema(id: u32, kind: SchemaType, text: &str, subject: &str) -> Arc<LoadedSchema> {
    let registered = RegisteredSchema {
        id,
        schema_type: kind,
        schema: text.to_string(),
        references: vec![],
    };
    Arc::new(LoadedSchema::parse(&registered, &[], vec![(subject.to_string(), 3)]).unwrap())
}

/// What `dump` and `:export` make of a value in the wire format: its JSON and schema id.
pub fn decode_value(s: &Arc<LoadedSchema>, topic: &str, bytes: &[u8]) -> (String, u32) {
    match decode_with(topic, false, Some(bytes), |_| Ok(s.clone())) {
        Decoding::Decoded { schema, json } => {
            assert_eq!(schema.subject.as_deref(), Some("orders-value"));
            assert_eq!(schema.version, Some(3));
            (json, schema.id)
        }
        other => panic!("not decoded: {other:?}"),
    }
}

/// The Confluent header, written here (not with the crate's own `wire::header`).
pub fn framed(id: u32, indexes: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8];
    out.extend_from_slice(&id.to_be_bytes());
    out.extend_from_slice(indexes);
    out.extend_from_slice(payload);
    out
}

/// The enum symbols of the Avro schema and the Protobuf file alike.
pub const COLORS: [&str; 3] = ["RED", "GREEN", "BLUE"];
