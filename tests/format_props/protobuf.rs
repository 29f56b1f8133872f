//! Protobuf: dynamic messages (first, later and nested) written by prost-reflect with the
//! message-index list, decoded to JSON, and back.

use std::collections::HashMap;

use base64::Engine as _;
use kafka_tui::schema::registry::SchemaType;
use proptest::prelude::*;
use prost_reflect::prost::Message as _;
use prost_reflect::{
    DescriptorPool, DynamicMessage, MapKey, MessageDescriptor, ReflectMessage as _, Value as Pb,
};

use super::common::*;

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
