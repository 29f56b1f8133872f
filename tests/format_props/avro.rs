//! Avro: values written by apache-avro in the wire format, decoded to JSON, and back.

use apache_avro::types::Value as Avro;
use kafka_tui::schema::registry::SchemaType;
use proptest::prelude::*;

use super::common::*;

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
