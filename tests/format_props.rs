//! Property tests for each record format and finding path (issue 12: "unit and property tests
//! for each format, filter and jq path"), through the public APIs the tail, `dump` and
//! `:export` use:
//!
//! - jq: `select`, identity and projection over generated JSON documents, through
//!   `TailState::set_jq` as the tail runs it; programs that do not compile are errors;
//! - Avro: values made for a schema, encoded by apache-avro's own writer in the Confluent wire
//!   format, decoded by `export::decode_with` (what `dump` and `:export` call) into the JSON
//!   the module documents; that JSON encoded back (the producer's path) and read by
//!   apache-avro's reader is the value made;
//! - Protobuf: dynamic messages encoded by prost-reflect with the message-index list (the first
//!   message, a later one and a nested one), decoded the same way; and back;
//! - CSV: records of any bytes written by `:export`'s CSV writer and read by the `csv` crate,
//!   field by field.
//!
//! The expected JSON is compared as a tree (object members in order unless noted, strings as
//! decoded, numbers by value): the decoders' escaping choices are theirs, what the text means
//! is not.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use apache_avro::types::Value as Avro;
use base64::Engine as _;
use kafka_tui::export::{decode_with, Decoding, FileFormat, Writer};
use kafka_tui::model::{Header, Record, StartFrom, TopicSet};
use kafka_tui::schema::json::{self, Kind, Node};
use kafka_tui::schema::loaded::LoadedSchema;
use kafka_tui::schema::registry::{RegisteredSchema, SchemaType};
use kafka_tui::state::tail::TailState;
use proptest::prelude::*;
use prost_reflect::prost::Message as _;
use prost_reflect::{
    DescriptorPool, DynamicMessage, MapKey, MessageDescriptor, ReflectMessage as _, Value as Pb,
};

fn config() -> ProptestConfig {
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
enum Want {
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

fn obj(members: Vec<(&str, Want)>) -> Want {
    Want::Obj(
        members
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

/// The string Avro's and Protobuf's JSON mappings write for a float JSON has no number for.
fn not_finite(nan: bool, inf: bool, negative: bool) -> Option<&'static str> {
    match (nan, inf, negative) {
        (true, _, _) => Some("NaN"),
        (_, true, false) => Some("Infinity"),
        (_, true, true) => Some("-Infinity"),
        _ => None,
    }
}

fn check(node: &Node, want: &Want, path: &str) -> Result<(), String> {
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
fn check_json(text: &str, want: &Want) -> Result<(), TestCaseError> {
    if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
        return Err(TestCaseError::fail(format!("not JSON ({e}): {text}")));
    }
    let node = json::parse(text).map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
    check(&node, want, "$").map_err(|e| TestCaseError::fail(format!("{e}\nin {text}")))
}

/// Text with what JSON, CSV and terminals find awkward: quotes, backslashes, commas, line
/// breaks, NUL and other controls, DEL, line separators, non-ASCII, any character.
fn text(max: usize) -> impl Strategy<Value = String> {
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

fn schema(id: u32, kind: SchemaType, text: &str, subject: &str) -> Arc<LoadedSchema> {
    let registered = RegisteredSchema {
        id,
        schema_type: kind,
        schema: text.to_string(),
        references: vec![],
    };
    Arc::new(LoadedSchema::parse(&registered, &[], vec![(subject.to_string(), 3)]).unwrap())
}

/// What `dump` and `:export` make of a value in the wire format: its JSON and schema id.
fn decode_value(s: &Arc<LoadedSchema>, topic: &str, bytes: &[u8]) -> (String, u32) {
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
fn framed(id: u32, indexes: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8];
    out.extend_from_slice(&id.to_be_bytes());
    out.extend_from_slice(indexes);
    out.extend_from_slice(payload);
    out
}

// ---------------------------------------------------------------------------------------------
// jq, as the tail runs it
// ---------------------------------------------------------------------------------------------

fn rec(offset: i64, value: Option<Vec<u8>>) -> Record {
    Record {
        topic: "t".into(),
        partition: 0,
        offset,
        timestamp_ms: Some(1_700_000_000_000),
        value,
        ..Record::default()
    }
}

/// A tail holding `values` in order (offsets 0, 1, ...), pushed in batches of `batch`.
fn tail_of(values: &[Option<Vec<u8>>], batch: usize) -> TailState {
    let mut tail = TailState::new(10_000, 64 << 20);
    let generation = tail.restart(TopicSet::Names(vec!["t".into()]), StartFrom::Beginning);
    let records: Vec<Record> = values
        .iter()
        .enumerate()
        .map(|(i, v)| rec(i as i64, v.clone()))
        .collect();
    for chunk in records.chunks(batch.max(1)) {
        assert!(tail.push_batch(generation, chunk.to_vec()));
    }
    tail
}

/// (offset, what jq showed) of each listed record.
fn listed(tail: &TailState) -> Vec<(i64, Option<String>)> {
    let (first, end) = tail.view_bounds();
    tail.view_range(first, end)
        .map(|(seq, r)| (r.offset, tail.find.shown(seq).map(str::to_string)))
        .collect()
}

/// Any JSON document (serde_json's tree: objects with unique keys).
fn json_doc() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i32>().prop_map(serde_json::Value::from),
        (-1.0e6f64..1.0e6).prop_map(serde_json::Value::from),
        text(8).prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map(text(6), inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Two JSON trees that say the same: numbers by value (jq may write 3.0 for 3), objects as
/// sets of members.
fn same_json(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        (J::Number(x), J::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => x.as_f64() == y.as_f64(),
        },
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_json(a, b))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

proptest! {
    #![proptest_config(config())]

    /// `select(.n > K)` keeps exactly the records whose `n` is greater than K, in order; values
    /// that are not JSON are left out without being counted as failures; records that arrive
    /// after the program is set go through it too.
    #[test]
    fn jq_select_keeps_exactly_the_records_it_should(
        docs in proptest::collection::vec(
            prop_oneof![
                4 => (prop_oneof![3 => -6i16..6, 1 => any::<i16>()], text(6)).prop_map(|(n, s)| Some(serde_json::json!({"pad": s, "n": n}).to_string().into_bytes())),
                1 => text(6).prop_map(|s| Some(format!("not json {s}").into_bytes())),
                1 => Just(None),
            ],
            0..40,
        ),
        // Near the values mostly, so that `>` and `>=` part ways.
        k in prop_oneof![3 => -5i16..5, 1 => any::<i16>()],
        split in 0usize..40,
        batch in 1usize..8,
    ) {
        let split = split.min(docs.len());
        let mut tail = tail_of(&docs[..split], batch);
        tail.set_jq(&format!("select(.n > {k})")).unwrap();
        // The rest arrive with the program in force.
        let generation = tail.generation;
        let later: Vec<Record> = docs[split..]
            .iter()
            .enumerate()
            .map(|(i, v)| rec((split + i) as i64, v.clone()))
            .collect();
        for chunk in later.chunks(batch) {
            tail.push_batch(generation, chunk.to_vec());
        }
        let want: Vec<(i64, Option<String>)> = docs
            .iter()
            .enumerate()
            .filter_map(|(i, d)| {
                let v: serde_json::Value = serde_json::from_slice(d.as_deref()?).ok()?;
                (v["n"].as_i64()? > i64::from(k)).then(|| (i as i64, Some(v.to_string())))
            })
            .collect();
        let got = listed(&tail);
        prop_assert_eq!(
            got.iter().map(|(o, _)| *o).collect::<Vec<_>>(),
            want.iter().map(|(o, _)| *o).collect::<Vec<_>>()
        );
        // What is shown for a kept record is the record (select passes its input through).
        for ((o, shown), (_, w)) in got.iter().zip(&want) {
            let shown: serde_json::Value = serde_json::from_str(shown.as_deref().unwrap()).unwrap();
            let w: serde_json::Value = serde_json::from_str(w.as_deref().unwrap()).unwrap();
            prop_assert!(same_json(&shown, &w), "offset {o}: {shown} vs {w}");
        }
        prop_assert_eq!(tail.find.jq_errors, 0);
        prop_assert_eq!(tail.find.matched(), want.len());
    }

    /// `.` lists every JSON record and shows each as the document it is.
    #[test]
    fn jq_identity_shows_each_document_as_it_is(
        docs in proptest::collection::vec(json_doc(), 0..12),
        batch in 1usize..5,
    ) {
        let values: Vec<Option<Vec<u8>>> =
            docs.iter().map(|d| Some(d.to_string().into_bytes())).collect();
        let mut tail = tail_of(&values, batch);
        tail.set_jq(".").unwrap();
        let got = listed(&tail);
        prop_assert_eq!(got.len(), docs.len());
        for ((offset, shown), doc) in got.iter().zip(&docs) {
            let shown = shown.as_deref().unwrap_or_else(|| panic!("offset {offset}: nothing shown"));
            let back: serde_json::Value = serde_json::from_str(shown)
                .unwrap_or_else(|e| panic!("offset {offset}: {e}: {shown}"));
            prop_assert!(same_json(&back, doc), "offset {offset}: {shown} is not {doc}");
        }
        prop_assert_eq!(tail.find.jq_errors, 0);
    }

    /// `.a` shows the field of an object (null where it has none, or on null), and is a counted
    /// failure on anything else, which is not listed.
    #[test]
    fn jq_projection_yields_the_field(
        docs in proptest::collection::vec(
            prop_oneof![
                2 => (json_doc(), any::<bool>()).prop_map(|(a, with)| {
                    let mut m = serde_json::Map::new();
                    m.insert("z".into(), serde_json::json!(1));
                    if with {
                        m.insert("a".into(), a);
                    }
                    serde_json::Value::Object(m)
                }),
                1 => json_doc(),
            ],
            0..16,
        ),
    ) {
        let values: Vec<Option<Vec<u8>>> =
            docs.iter().map(|d| Some(d.to_string().into_bytes())).collect();
        let mut tail = tail_of(&values, 3);
        tail.set_jq(".a").unwrap();
        let mut want = Vec::new();
        let mut failures = 0;
        for (i, d) in docs.iter().enumerate() {
            match d {
                serde_json::Value::Object(m) => {
                    want.push((i as i64, m.get("a").cloned().unwrap_or(serde_json::Value::Null)))
                }
                serde_json::Value::Null => want.push((i as i64, serde_json::Value::Null)),
                _ => failures += 1,
            }
        }
        let got = listed(&tail);
        prop_assert_eq!(
            got.iter().map(|(o, _)| *o).collect::<Vec<_>>(),
            want.iter().map(|(o, _)| *o).collect::<Vec<_>>()
        );
        for ((o, shown), (_, w)) in got.iter().zip(&want) {
            let shown: serde_json::Value = serde_json::from_str(shown.as_deref().unwrap()).unwrap();
            prop_assert!(same_json(&shown, w), "offset {o}: {shown} vs {w}");
        }
        prop_assert_eq!(tail.find.jq_errors, failures);
    }

    /// A program that does not compile is an error with a one-line reason, never a panic, and
    /// the program in force stays in force; garbage that happens to compile is accepted.
    #[test]
    fn jq_bad_programs_are_errors(
        good_n in any::<i8>(),
        breakage in proptest::sample::select(vec!["(", "|", ")", "[", "{", "select(", ". as", "\"", "..."]),
        garbage in proptest::collection::vec(
            proptest::sample::select(vec![
                ".", "|", "(", ")", "[", "]", "{", "}", ",", ":", "a", "n", "1", " ", "\"", "$",
                "?", "+", "-", "*", "/", "<", ">", "=", "!", "@", "select", "map", "def", "as",
                "if", "then", "end", "reduce", "\\", ";",
            ]),
            1..10,
        ),
    ) {
        let values: Vec<Option<Vec<u8>>> = (0..6)
            .map(|n| Some(format!("{{\"n\":{n}}}").into_bytes()))
            .collect();
        let mut tail = tail_of(&values, 2);
        let keep = i64::from(good_n).clamp(-1, 5);
        tail.set_jq(&format!("select(.n > {keep})")).unwrap();
        let before = listed(&tail);
        prop_assert_eq!(before.len() as i64, 5 - keep);
        let broken = format!("select(.n > {keep}) {breakage}");
        match tail.set_jq(&broken) {
            Err(e) => {
                let e = e.to_string();
                prop_assert!(!e.is_empty() && !e.contains('\n'), "{e:?}");
                prop_assert!(e.starts_with("jq syntax") || e.starts_with("jq:"), "{e}");
            }
            Ok(()) => prop_assert!(false, "{broken:?} compiled"),
        }
        prop_assert_eq!(listed(&tail), before.clone());
        // Garbage: compiled on an empty tail (nothing runs: a program that compiles may loop),
        // either accepted or refused in one line.
        let garbage = garbage.concat();
        let mut empty = tail_of(&[], 1);
        if let Err(e) = empty.set_jq(&garbage) {
            let e = e.to_string();
            prop_assert!(!e.is_empty() && !e.contains('\n'), "{garbage:?}: {e:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Avro
// ---------------------------------------------------------------------------------------------

const AVRO_SCHEMA: &str = r#"{
  "type": "record", "name": "Rec", "namespace": "kt.props",
  "fields": [
    {"name": "i", "type": "int"},
    {"name": "l", "type": "long"},
    {"name": "s", "type": "string"},
    {"name": "b", "type": "bytes"},
    {"name": "flag", "type": "boolean"},
    {"name": "d", "type": "double"},
    {"name": "f", "type": "float"},
    {"name": "opt", "type": ["null", "string"]},
    {"name": "nums", "type": {"type": "array", "items": "long"}},
    {"name": "attrs", "type": {"type": "map", "values": "int"}},
    {"name": "color", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN", "BLUE"]}},
    {"name": "choice", "type": ["int", "string"]},
    {"name": "fx", "type": {"type": "fixed", "name": "Four", "size": 4}},
    {"name": "inner", "type": {"type": "record", "name": "Inner", "fields": [
      {"name": "x", "type": "long"},
      {"name": "y", "type": ["null", "double"]}
    ]}},
    {"name": "more", "type": {"type": "array", "items": ["null", "Inner"]}}
  ]}"#;

const COLORS: [&str; 3] = ["RED", "GREEN", "BLUE"];

fn bytes_as_text(b: &[u8]) -> String {
    b.iter().map(|&c| char::from(c)).collect()
}

fn avro_inner() -> impl Strategy<Value = (Avro, Want)> {
    (any::<i64>(), proptest::option::of(any::<f64>())).prop_map(|(x, y)| {
        let (yv, yw) = match y {
            None => (Avro::Union(0, Box::new(Avro::Null)), Want::Null),
            Some(d) => (Avro::Union(1, Box::new(Avro::Double(d))), Want::F64(d)),
        };
        (
            Avro::Record(vec![("x".into(), Avro::Long(x)), ("y".into(), yv)]),
            obj(vec![("x", Want::Int(x.into())), ("y", yw)]),
        )
    })
}

/// A value of `AVRO_SCHEMA` and the JSON the decoder must show for it.
fn avro_value() -> impl Strategy<Value = (Avro, Want)> {
    let scalars = (
        any::<i32>(),
        any::<i64>(),
        text(10),
        proptest::collection::vec(any::<u8>(), 0..12),
        any::<bool>(),
        any::<f64>(),
        any::<f32>(),
        proptest::option::of(text(6)),
    );
    let rest = (
        proptest::collection::vec(any::<i64>(), 0..5),
        proptest::collection::hash_map(text(5), any::<i32>(), 0..5),
        0usize..3,
        prop_oneof![
            any::<i32>().prop_map(|n| (
                Avro::Union(0, Box::new(Avro::Int(n))),
                obj(vec![("int", Want::Int(n.into()))])
            )),
            text(5).prop_map(|s| (
                Avro::Union(1, Box::new(Avro::String(s.clone()))),
                obj(vec![("string", Want::Str(s))])
            )),
        ],
        proptest::array::uniform4(any::<u8>()),
        avro_inner(),
        proptest::collection::vec(proptest::option::of(avro_inner()), 0..3),
    );
    (scalars, rest).prop_map(
        |((i, l, s, b, flag, d, f, opt), (nums, attrs, color, choice, fx, inner, more))| {
            let (opt_v, opt_w) = match opt {
                None => (Avro::Union(0, Box::new(Avro::Null)), Want::Null),
                Some(t) => (
                    Avro::Union(1, Box::new(Avro::String(t.clone()))),
                    Want::Str(t),
                ),
            };
            let mut sorted: Vec<(String, i32)> =
                attrs.iter().map(|(k, v)| (k.clone(), *v)).collect();
            sorted.sort();
            let (more_v, more_w): (Vec<Avro>, Vec<Want>) = more
                .into_iter()
                .map(|m| match m {
                    None => (Avro::Union(0, Box::new(Avro::Null)), Want::Null),
                    Some((v, w)) => (Avro::Union(1, Box::new(v)), w),
                })
                .unzip();
            let value = Avro::Record(vec![
                ("i".into(), Avro::Int(i)),
                ("l".into(), Avro::Long(l)),
                ("s".into(), Avro::String(s.clone())),
                ("b".into(), Avro::Bytes(b.clone())),
                ("flag".into(), Avro::Boolean(flag)),
                ("d".into(), Avro::Double(d)),
                ("f".into(), Avro::Float(f)),
                ("opt".into(), opt_v),
                (
                    "nums".into(),
                    Avro::Array(nums.iter().map(|&n| Avro::Long(n)).collect()),
                ),
                (
                    "attrs".into(),
                    Avro::Map(attrs.into_iter().map(|(k, v)| (k, Avro::Int(v))).collect()),
                ),
                (
                    "color".into(),
                    Avro::Enum(color as u32, COLORS[color].to_string()),
                ),
                ("choice".into(), choice.0),
                ("fx".into(), Avro::Fixed(4, fx.to_vec())),
                ("inner".into(), inner.0),
                ("more".into(), Avro::Array(more_v)),
            ]);
            let want = obj(vec![
                ("i", Want::Int(i.into())),
                ("l", Want::Int(l.into())),
                ("s", Want::Str(s)),
                ("b", Want::Str(bytes_as_text(&b))),
                ("flag", Want::Bool(flag)),
                ("d", Want::F64(d)),
                ("f", Want::F32(f)),
                ("opt", opt_w),
                (
                    "nums",
                    Want::Arr(nums.iter().map(|&n| Want::Int(n.into())).collect()),
                ),
                // Map entries sorted by key (module doc): in order.
                (
                    "attrs",
                    Want::Obj(
                        sorted
                            .into_iter()
                            .map(|(k, v)| (k, Want::Int(v.into())))
                            .collect(),
                    ),
                ),
                ("color", Want::Str(COLORS[color].to_string())),
                ("choice", choice.1),
                ("fx", Want::Str(bytes_as_text(&fx))),
                ("inner", inner.1),
                ("more", Want::Arr(more_w)),
            ]);
            (value, want)
        },
    )
}

/// Avro values equal, NaN equal to NaN (a NaN's payload need not survive JSON).
fn avro_same(a: &Avro, b: &Avro) -> bool {
    match (a, b) {
        (Avro::Double(x), Avro::Double(y)) => {
            (x.is_nan() && y.is_nan()) || (x == y && x.is_sign_negative() == y.is_sign_negative())
        }
        (Avro::Float(x), Avro::Float(y)) => {
            (x.is_nan() && y.is_nan()) || (x == y && x.is_sign_negative() == y.is_sign_negative())
        }
        (Avro::Union(i, x), Avro::Union(j, y)) => i == j && avro_same(x, y),
        (Avro::Array(x), Avro::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| avro_same(a, b))
        }
        (Avro::Map(x), Avro::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| avro_same(v, w)))
        }
        (Avro::Record(x), Avro::Record(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k, v), (l, w))| k == l && avro_same(v, w))
        }
        _ => a == b,
    }
}

proptest! {
    #![proptest_config(config())]

    /// apache-avro's writer, the Confluent header, our decoder: the JSON the module documents.
    /// Then that JSON, typed into the producer, encodes to the same datum (apache-avro's reader
    /// reads back the value made).
    #[test]
    fn avro_written_by_apache_avro_decodes_to_the_documented_json(
        (value, want) in avro_value(),
        id in 1u32..1_000_000,
    ) {
        let parsed = apache_avro::Schema::parse_str(AVRO_SCHEMA).unwrap();
        let datum = apache_avro::writer::datum::GenericDatumWriter::builder(&parsed)
            .build()
            .unwrap()
            .write_value_to_vec(value.clone())
            .unwrap();
        let s = schema(id, SchemaType::Avro, AVRO_SCHEMA, "orders-value");
        let (shown, got_id) = decode_value(&s, "orders", &framed(id, &[], &datum));
        prop_assert_eq!(got_id, id);
        check_json(&shown, &want)?;
        // The producer's path: the JSON shown, encoded behind the header.
        let encoded = s.encode(None, &shown).map_err(|e| TestCaseError::fail(format!("{e}: {shown}")))?;
        prop_assert_eq!(&encoded[..5], &framed(id, &[], &[])[..]);
        let reader = apache_avro::reader::datum::GenericDatumReader::builder(&parsed)
            .build()
            .unwrap();
        let mut rest = &encoded[5..];
        let back = reader.read_value(&mut rest).unwrap();
        prop_assert!(rest.is_empty(), "{} bytes left", rest.len());
        prop_assert!(avro_same(&back, &value), "{back:?}\nvs\n{value:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Protobuf
// ---------------------------------------------------------------------------------------------

const PROTO: &str = r#"syntax = "proto3";
package kt.props;

message First {
  string id = 1;
}

enum Color {
  RED = 0;
  GREEN = 1;
  BLUE = 2;
}

message Order {
  message Inner {
    uint32 x = 1;
    string label = 2;
  }
  string id = 1;
  int32 qty = 2;
  int64 big = 3;
  uint64 ubig = 4;
  bool flag = 5;
  double d = 6;
  bytes raw = 7;
  repeated string tags = 8;
  map<string, int64> attrs = 9;
  Color color = 10;
  Inner inner = 11;
  sint32 s32 = 12;
  float f = 13;
  optional string note = 14;
}
"#;

/// The file compiled by protox (as the registry's other users would), and the same as a base64
/// `FileDescriptorProto` (what confluent-kafka's serializer registers and Apicurio keeps).
fn proto_pool() -> &'static (DescriptorPool, String) {
    static POOL: std::sync::OnceLock<(DescriptorPool, String)> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("props.proto"), PROTO).unwrap();
        let set = protox::compile(["props.proto"], [dir.path()]).unwrap();
        let fdp = set
            .file
            .iter()
            .find(|f| f.name() == "props.proto")
            .unwrap()
            .clone();
        let b64 = base64::engine::general_purpose::STANDARD.encode(fdp.encode_to_vec());
        (DescriptorPool::from_file_descriptor_set(set).unwrap(), b64)
    })
}

fn desc(name: &str) -> MessageDescriptor {
    proto_pool().0.get_message_by_name(name).unwrap()
}

#[derive(Debug, Clone)]
struct Order {
    id: String,
    qty: i32,
    big: i64,
    ubig: u64,
    flag: bool,
    d: f64,
    raw: Vec<u8>,
    tags: Vec<String>,
    attrs: HashMap<String, i64>,
    color: i32,
    inner: Option<(u32, String)>,
    s32: i32,
    f: f32,
    note: Option<String>,
}

#[derive(Debug, Clone)]
enum Proto {
    First(String),
    Order(Box<Order>),
    Inner(u32, String),
}

fn proto_value() -> impl Strategy<Value = Proto> {
    let order = (
        (
            text(8),
            any::<i32>(),
            any::<i64>(),
            any::<u64>(),
            any::<bool>(),
            any::<f64>(),
            proptest::collection::vec(any::<u8>(), 0..10),
        ),
        (
            proptest::collection::vec(text(5), 0..4),
            proptest::collection::hash_map(text(5), any::<i64>(), 0..4),
            // 7 is no value of Color: shown as its number.
            proptest::sample::select(vec![0, 1, 2, 7]),
            proptest::option::of((any::<u32>(), text(5))),
            any::<i32>(),
            any::<f32>(),
            proptest::option::of(text(5)),
        ),
    )
        .prop_map(
            |((id, qty, big, ubig, flag, d, raw), (tags, attrs, color, inner, s32, f, note))| {
                Proto::Order(Box::new(Order {
                    id,
                    qty,
                    big,
                    ubig,
                    flag,
                    d,
                    raw,
                    tags,
                    attrs,
                    color,
                    inner,
                    s32,
                    f,
                    note,
                }))
            },
        );
    prop_oneof![
        1 => text(8).prop_map(Proto::First),
        3 => order,
        1 => (any::<u32>(), text(6)).prop_map(|(x, l)| Proto::Inner(x, l)),
    ]
}

fn inner_message(x: u32, label: &str) -> DynamicMessage {
    let mut m = DynamicMessage::new(desc("kt.props.Order.Inner"));
    m.set_field_by_name("x", Pb::U32(x));
    m.set_field_by_name("label", Pb::String(label.to_string()));
    m
}

/// The message, its full name, the message-index lists that may frame it (the serializers'
/// shortcut and the long form for the first message), and the JSON the decoder must show.
fn proto_parts(p: &Proto) -> (DynamicMessage, &'static str, Vec<Vec<u8>>, Want) {
    match p {
        Proto::First(id) => {
            let mut m = DynamicMessage::new(desc("kt.props.First"));
            m.set_field_by_name("id", Pb::String(id.clone()));
            // [0]: the single byte 0, or count 1 (zig-zag 2) then index 0.
            let framings = vec![vec![0], vec![2, 0]];
            (
                m,
                "kt.props.First",
                framings,
                obj(vec![("id", Want::Str(id.clone()))]),
            )
        }
        Proto::Inner(x, label) => (
            inner_message(*x, label),
            "kt.props.Order.Inner",
            // [1, 0]: count 2 (zig-zag 4), Order (top-level message 1, enums not counted:
            // zig-zag 2), Inner (its nested message 0).
            vec![vec![4, 2, 0]],
            obj(vec![
                ("x", Want::Int((*x).into())),
                ("label", Want::Str(label.clone())),
            ]),
        ),
        Proto::Order(o) => {
            let mut m = DynamicMessage::new(desc("kt.props.Order"));
            m.set_field_by_name("id", Pb::String(o.id.clone()));
            m.set_field_by_name("qty", Pb::I32(o.qty));
            m.set_field_by_name("big", Pb::I64(o.big));
            m.set_field_by_name("ubig", Pb::U64(o.ubig));
            m.set_field_by_name("flag", Pb::Bool(o.flag));
            m.set_field_by_name("d", Pb::F64(o.d));
            m.set_field_by_name("raw", Pb::Bytes(o.raw.clone().into()));
            m.set_field_by_name(
                "tags",
                Pb::List(o.tags.iter().cloned().map(Pb::String).collect()),
            );
            m.set_field_by_name(
                "attrs",
                Pb::Map(
                    o.attrs
                        .iter()
                        .map(|(k, v)| (MapKey::String(k.clone()), Pb::I64(*v)))
                        .collect(),
                ),
            );
            m.set_field_by_name("color", Pb::EnumNumber(o.color));
            if let Some((x, label)) = &o.inner {
                m.set_field_by_name("inner", Pb::Message(inner_message(*x, label)));
            }
            m.set_field_by_name("s32", Pb::I32(o.s32));
            m.set_field_by_name("f", Pb::F32(o.f));
            if let Some(n) = &o.note {
                m.set_field_by_name("note", Pb::String(n.clone()));
            }
            let color = match o.color {
                0..=2 => Want::Str(COLORS[o.color as usize].to_string()),
                n => Want::Int(n.into()),
            };
            // Every field shown, proto3 defaults included; a field with presence (a message,
            // `optional`) only when set. Field-number order.
            let mut members = vec![
                ("id", Want::Str(o.id.clone())),
                ("qty", Want::Int(o.qty.into())),
                ("big", Want::Int(o.big.into())),
                ("ubig", Want::Int(o.ubig.into())),
                ("flag", Want::Bool(o.flag)),
                ("d", Want::F64(unsigned_zero(o.d))),
                (
                    "raw",
                    Want::Str(base64::engine::general_purpose::STANDARD.encode(&o.raw)),
                ),
                (
                    "tags",
                    Want::Arr(o.tags.iter().cloned().map(Want::Str).collect()),
                ),
                (
                    "attrs",
                    Want::Unordered(
                        o.attrs
                            .iter()
                            .map(|(k, v)| (k.clone(), Want::Int((*v).into())))
                            .collect(),
                    ),
                ),
                ("color", color),
            ];
            if let Some((x, label)) = &o.inner {
                members.push((
                    "inner",
                    obj(vec![
                        ("x", Want::Int((*x).into())),
                        ("label", Want::Str(label.clone())),
                    ]),
                ));
            }
            members.push(("s32", Want::Int(o.s32.into())));
            members.push(("f", Want::F32(unsigned_zero(f64::from(o.f)) as f32)));
            if let Some(n) = &o.note {
                members.push(("note", Want::Str(n.clone())));
            }
            // [1]: count 1 (2), index 1 (2).
            (m, "kt.props.Order", vec![vec![2, 2]], obj(members))
        }
    }
}

/// A proto3 float without presence as it reaches the wire from prost-reflect: -0.0 equals the
/// default 0, so it is left out (the reference implementations compare bits and keep it) and
/// reads back as 0.
fn unsigned_zero(v: f64) -> f64 {
    if v == 0.0 {
        0.0
    } else {
        v
    }
}

/// The same message field by field (a field set to its default and one left unset are the
/// same; DynamicMessage's `==` tells them apart), NaN equal to NaN.
fn pb_same(a: &DynamicMessage, b: &DynamicMessage) -> bool {
    a.descriptor() == b.descriptor()
        && a.descriptor().fields().all(|f| {
            (!f.supports_presence() || a.has_field(&f) == b.has_field(&f))
                && pb_value_same(&a.get_field(&f), &b.get_field(&f))
        })
}

fn pb_value_same(x: &Pb, y: &Pb) -> bool {
    match (x, y) {
        (Pb::F64(x), Pb::F64(y)) => (x.is_nan() && y.is_nan()) || x == y,
        (Pb::F32(x), Pb::F32(y)) => (x.is_nan() && y.is_nan()) || x == y,
        (Pb::Message(x), Pb::Message(y)) => pb_same(x, y),
        (Pb::List(x), Pb::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| pb_value_same(a, b))
        }
        (Pb::Map(x), Pb::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| pb_value_same(v, w)))
        }
        _ => x == y,
    }
}

proptest! {
    #![proptest_config(config())]

    /// prost-reflect's encoding, framed with the message-index list, decoded by us: the
    /// message's full name and protobuf's JSON mapping with the module's choices (proto field
    /// names, defaults shown, 64-bit integers as numbers), for a schema registered as `.proto`
    /// source or as a base64 descriptor. Then the JSON shown, encoded by the producer's path,
    /// is the same message behind the same index list.
    #[test]
    fn protobuf_written_by_prost_reflect_decodes_to_the_documented_json(
        p in proto_value(),
        as_descriptor in any::<bool>(),
        pick in any::<prop::sample::Index>(),
        id in 1u32..1_000_000,
    ) {
        let (msg, name, framings, want) = proto_parts(&p);
        let indexes = pick.get(&framings);
        let text = if as_descriptor { proto_pool().1.as_str() } else { PROTO };
        let s = schema(id, SchemaType::Protobuf, text, "orders-value");
        let bytes = framed(id, indexes, &msg.encode_to_vec());
        let (shown, got_id) = decode_value(&s, "orders", &bytes);
        prop_assert_eq!(got_id, id);
        check_json(&shown, &want)?;
        let framed_bytes = &bytes[5..];
        let d = s.decode(framed_bytes).unwrap();
        prop_assert_eq!(d.type_name.as_deref(), Some(name));

        let encoded = s
            .encode(Some(name), &shown)
            .map_err(|e| TestCaseError::fail(format!("{e}: {shown}")))?;
        // The serializers' index list: the shortcut for [0].
        let list = &framings[0];
        prop_assert_eq!(&encoded[..5 + list.len()], &framed(id, list, &[])[..]);
        let back = DynamicMessage::decode(desc(name), &encoded[5 + list.len()..]).unwrap();
        prop_assert!(pb_same(&back, &msg), "{shown} encoded to another message: {back:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/// Bytes as records hold them: none, UTF-8 text with what CSV must quote, or any bytes.
fn field_bytes() -> impl Strategy<Value = Option<Vec<u8>>> {
    prop_oneof![
        1 => Just(None),
        3 => text(16).prop_map(|s| Some(s.into_bytes())),
        2 => proptest::collection::vec(any::<u8>(), 0..16).prop_map(Some),
    ]
}

fn csv_record() -> impl Strategy<Value = (Record, Option<Vec<String>>, Option<String>)> {
    (
        "[a-zA-Z0-9._-]{1,12}",
        0i32..100,
        0i64..1_000_000,
        proptest::option::of(0i64..4_000_000_000_000),
        field_bytes(),
        field_bytes(),
        proptest::collection::vec(("[a-z.,\"-]{0,6}", field_bytes()), 0..3),
        proptest::option::of(proptest::collection::vec(
            prop_oneof![
                any::<i32>().prop_map(|n| n.to_string()),
                text(5).prop_map(|s| serde_json::to_string(&s).unwrap()),
            ],
            0..3,
        )),
        proptest::option::of((any::<i32>(), text(5))),
    )
        .prop_map(
            |(topic, partition, offset, ts, key, value, headers, jq, decoded)| {
                let r = Record {
                    topic,
                    partition,
                    offset,
                    timestamp_ms: ts,
                    key,
                    value,
                    headers: headers
                        .into_iter()
                        .map(|(name, value)| Header { name, value })
                        .collect(),
                    ..Record::default()
                };
                let decoded = decoded.map(|(n, s)| serde_json::json!({"n": n, "s": s}).to_string());
                (r, jq, decoded)
            },
        )
}

/// The bytes a CSV field and its encoding column stand for (an empty encoding is a null).
fn csv_bytes(field: &str, encoding: &str) -> Result<Option<Vec<u8>>, String> {
    match encoding {
        "" if field.is_empty() => Ok(None),
        "utf8" => Ok(Some(field.as_bytes().to_vec())),
        "base64" => base64::engine::general_purpose::STANDARD
            .decode(field)
            .map(Some)
            .map_err(|e| format!("{field:?}: {e}")),
        e => Err(format!("encoding {e:?} of {field:?}")),
    }
}

proptest! {
    #![proptest_config(config())]

    /// Records of any bytes written as CSV and read by the `csv` crate: the header once, then
    /// each field as written (text as it is, other bytes in base64 with their encoding, a null
    /// as an empty field with no encoding; headers as a JSON list; jq's outputs joined by a
    /// space; a decoded value as its JSON).
    #[test]
    fn csv_fields_read_back_as_written(
        records in proptest::collection::vec(csv_record(), 1..6),
    ) {
        let mut w = Writer::new(FileFormat::Csv, Vec::new());
        for (r, jq, decoded) in &records {
            // A decoded record has its key decoded too (schema 8, the value's 9).
            let decoding = |id: u32| match decoded {
                Some(json) => Decoding::Decoded {
                    schema: kafka_tui::export::SchemaRef {
                        id,
                        kind: Some("AVRO".into()),
                        subject: None,
                        version: None,
                        error: None,
                    },
                    json: json.clone(),
                },
                None => Decoding::None,
            };
            w.write(r, &decoding(8), &decoding(9), jq.as_deref()).unwrap();
        }
        let out = w.into_inner();
        let text = String::from_utf8(out).expect("CSV is UTF-8");
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
        prop_assert_eq!(
            header,
            [
                "topic", "partition", "offset", "timestamp", "time", "key", "key_encoding",
                "value", "value_encoding", "value_decoded", "headers", "jq", "key_decoded",
                "key_schema", "value_schema",
            ]
        );
        let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().unwrap();
        prop_assert_eq!(rows.len(), records.len());
        for (row, (r, jq, decoded)) in rows.iter().zip(&records) {
            prop_assert_eq!(row.len(), 15);
            prop_assert_eq!(&row[0], r.topic.as_str());
            prop_assert_eq!(row[1].to_string(), r.partition.to_string());
            prop_assert_eq!(row[2].to_string(), r.offset.to_string());
            prop_assert_eq!(
                row[3].to_string(),
                r.timestamp_ms.map(|t| t.to_string()).unwrap_or_default()
            );
            prop_assert_eq!(row[4].is_empty(), r.timestamp_ms.is_none());
            prop_assert_eq!(csv_bytes(&row[5], &row[6]).map_err(TestCaseError::fail)?, r.key.clone());
            prop_assert_eq!(csv_bytes(&row[7], &row[8]).map_err(TestCaseError::fail)?, r.value.clone());
            // UTF-8 is written as text, only other bytes as base64.
            for (bytes, enc) in [(&r.key, &row[6]), (&r.value, &row[8])] {
                if let Some(b) = bytes {
                    let want = if std::str::from_utf8(b).is_ok() { "utf8" } else { "base64" };
                    prop_assert_eq!(enc, want);
                }
            }
            prop_assert_eq!(&row[9], decoded.as_deref().unwrap_or(""));
            if r.headers.is_empty() {
                prop_assert_eq!(&row[10], "");
            } else {
                let list: Vec<BTreeMap<String, serde_json::Value>> =
                    serde_json::from_str(&row[10]).map_err(|e| TestCaseError::fail(format!("{e}: {}", &row[10])))?;
                prop_assert_eq!(list.len(), r.headers.len());
                for (h, want) in list.iter().zip(&r.headers) {
                    prop_assert_eq!(h["name"].as_str(), Some(want.name.as_str()));
                    let enc = h.get("encoding").and_then(|e| e.as_str()).unwrap_or("utf8");
                    let got = match h["value"].as_str() {
                        None => None,
                        Some(v) => csv_bytes(v, enc).map_err(TestCaseError::fail)?,
                    };
                    prop_assert_eq!(&got, &want.value);
                }
            }
            prop_assert_eq!(row[11].to_string(), jq.as_ref().map(|o| o.join(" ")).unwrap_or_default());
            prop_assert_eq!(&row[12], decoded.as_deref().unwrap_or(""));
            for (col, id) in [(13, 8), (14, 9)] {
                match decoded {
                    None => prop_assert_eq!(&row[col], ""),
                    Some(_) => {
                        let schema: serde_json::Value = serde_json::from_str(&row[col])
                            .map_err(|e| TestCaseError::fail(format!("{e}: {}", &row[col])))?;
                        prop_assert_eq!(&schema["id"], &serde_json::json!(id));
                        prop_assert_eq!(&schema["type"], &serde_json::json!("AVRO"));
                    }
                }
            }
        }
    }
}
