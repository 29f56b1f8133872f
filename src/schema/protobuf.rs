//! Protobuf records: descriptors built by `protox` (a pure-Rust protobuf compiler) from the
//! registry's schema, which is `.proto` source (Confluent) or a base64 `FileDescriptorProto`
//! (what confluent-kafka's Python serializer registers, kept as such by Apicurio); imports are
//! the schema's references or Google's well-known types. Messages are read and written as
//! `prost-reflect` dynamic messages.
//!
//! The JSON form is protobuf's canonical JSON mapping, with three choices for reading: field
//! names as written in the `.proto` (`weight_grams`, not `weightGrams`), every field shown
//! (proto3 defaults included, so a `false` is not mistaken for a missing field), and 64-bit
//! integers as exact JSON numbers rather than strings. Typed JSON may use either field-name
//! style and either form of 64-bit integers.

use std::collections::HashMap;

use base64::Engine as _;
use prost_reflect::prost::Message as _;
use prost_reflect::prost_types::FileDescriptorProto;
use prost_reflect::{
    DescriptorPool, DeserializeOptions, DynamicMessage, FileDescriptor, MessageDescriptor,
    SerializeOptions,
};
use protox::file::{File, FileResolver, GoogleFileResolver};

use super::error::EncodeError;
use super::wire;

/// The name the root file gets when its `.proto` source does not say (source files carry no
/// name of their own).
const ROOT_NAME: &str = "registry-schema.proto";

/// A compiled `.proto` file and its imports.
#[derive(Debug, Clone)]
pub struct ProtoSchema {
    file: FileDescriptor,
}

impl ProtoSchema {
    /// Compiles `schema` (source or base64 descriptor); `references` are (import name, schema
    /// text) of the files it imports that are not Google's well-known types.
    pub fn parse(schema: &str, references: &[(String, String)]) -> Result<Self, String> {
        let mut files = HashMap::new();
        for (name, text) in references {
            files.insert(name.clone(), open(name, text)?);
        }
        let root = open(ROOT_NAME, schema)?;
        let root_name = root.name().to_string();
        files.insert(root_name.clone(), root);
        let mut compiler = protox::Compiler::with_file_resolver(Resolver {
            files,
            google: GoogleFileResolver::new(),
        });
        compiler.include_imports(true);
        compiler.open_file(&root_name).map_err(|e| e.to_string())?;
        let pool: DescriptorPool = compiler.descriptor_pool();
        let file = pool
            .get_file_by_name(&root_name)
            .ok_or("the compiled schema has no root file")?;
        if file.messages().len() == 0 {
            return Err("the schema defines no message".into());
        }
        Ok(ProtoSchema { file })
    }

    /// The message at a message-index path (top-level message, then nested ones).
    pub fn message_at(&self, path: &[usize]) -> Result<MessageDescriptor, String> {
        let missing = || format!("the schema has no message at index path {path:?}");
        let (&first, rest) = path.split_first().ok_or_else(missing)?;
        let mut msg = self.file.messages().nth(first).ok_or_else(missing)?;
        for &i in rest {
            let child = msg.child_messages().nth(i);
            msg = child.ok_or_else(missing)?;
        }
        Ok(msg)
    }

    /// The message-index path of a message by full name (`pkg.Outer.Inner`) or, if that is
    /// not found, by its short name.
    pub fn path_of(&self, name: &str) -> Option<Vec<usize>> {
        fn walk(msgs: Vec<MessageDescriptor>, name: &str, path: &mut Vec<usize>) -> bool {
            for (i, m) in msgs.into_iter().enumerate() {
                path.push(i);
                if m.full_name() == name || walk(m.child_messages().collect(), name, path) {
                    return true;
                }
                path.pop();
            }
            false
        }
        let mut path = Vec::new();
        if walk(self.file.messages().collect(), name, &mut path) {
            return Some(path);
        }
        let full = self
            .messages()
            .into_iter()
            .find(|m| m.rsplit('.').next() == Some(name))?;
        self.path_of(&full)
    }

    /// Every message of the file (nested ones too), by full name, for a chooser.
    pub fn messages(&self) -> Vec<String> {
        fn walk(m: MessageDescriptor, out: &mut Vec<String>) {
            if !m.is_map_entry() {
                out.push(m.full_name().to_string());
            }
            for c in m.child_messages() {
                walk(c, out);
            }
        }
        let mut out = Vec::new();
        for m in self.file.messages() {
            walk(m, &mut out);
        }
        out
    }

    /// Decodes what follows the 5-byte header: the message indexes, then the message. Gives
    /// the message's full name and its JSON.
    pub fn decode(&self, rest: &[u8]) -> Result<(String, String), String> {
        let (path, payload) = wire::message_indexes(rest).map_err(|e| e.to_string())?;
        let desc = self.message_at(&path)?;
        let msg = DynamicMessage::decode(desc.clone(), payload)
            .map_err(|e| format!("not a valid {}: {e}", desc.full_name()))?;
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::new(&mut out);
        let options = SerializeOptions::new()
            .use_proto_field_name(true)
            .skip_default_fields(false)
            .stringify_64_bit_integers(false);
        msg.serialize_with_options(&mut ser, &options)
            .map_err(|e| e.to_string())?;
        Ok((
            desc.full_name().to_string(),
            String::from_utf8(out).map_err(|e| e.to_string())?,
        ))
    }

    /// Encodes typed JSON as `message` (the first message of the file when `None`): the
    /// message indexes, then the message, ready to follow the 5-byte header.
    pub fn encode(&self, message: Option<&str>, json_text: &str) -> Result<Vec<u8>, EncodeError> {
        let path = match message {
            None => vec![0],
            Some(name) => self.path_of(name).ok_or_else(|| EncodeError::Field {
                path: "$".into(),
                pos: None,
                message: format!(
                    "the schema has no message {name:?} (it has {})",
                    self.messages().join(", ")
                ),
            })?,
        };
        let desc = self.message_at(&path).map_err(|e| EncodeError::Field {
            path: "$".into(),
            pos: None,
            message: e,
        })?;
        // Syntax first, with the same wording as the other formats.
        super::json::parse(json_text)?;
        let mut de = serde_json::Deserializer::from_str(json_text);
        let mut track = serde_path_to_error::Track::new();
        let result = DynamicMessage::deserialize_with_options(
            desc,
            serde_path_to_error::Deserializer::new(&mut de, &mut track),
            &DeserializeOptions::new(),
        );
        let msg = match result {
            Ok(m) => m,
            Err(e) => {
                let path = track.path().to_string();
                let path = match path.as_str() {
                    "." | "" => "$".to_string(),
                    p if p.starts_with('[') => format!("${p}"),
                    p => format!("$.{p}"),
                };
                let message = e.to_string();
                let message = match message.rfind(" at line ") {
                    Some(i) => message[..i].to_string(),
                    None => message,
                };
                return Err(EncodeError::field(
                    &path,
                    super::json::Pos {
                        line: e.line(),
                        column: e.column(),
                    },
                    message,
                ));
            }
        };
        let mut out = Vec::new();
        wire::write_message_indexes(&mut out, &path);
        msg.encode(&mut out).map_err(|e| EncodeError::Field {
            path: "$".into(),
            pos: None,
            message: e.to_string(),
        })?;
        Ok(out)
    }
}

/// A file from its registry text: a base64 `FileDescriptorProto` when it is one, else `.proto`
/// source named `name` (unless the descriptor names itself).
fn open(name: &str, text: &str) -> Result<File, String> {
    let trimmed = text.trim();
    if !trimmed.is_empty() && !trimmed.contains(char::is_whitespace) {
        if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(trimmed) {
            if let Ok(fdp) = FileDescriptorProto::decode(bytes.as_slice()) {
                if !fdp.message_type.is_empty() || !fdp.enum_type.is_empty() {
                    let mut fdp = fdp;
                    if fdp.name.as_deref().unwrap_or("").is_empty() {
                        fdp.name = Some(name.to_string());
                    }
                    return Ok(File::from_file_descriptor_proto(fdp));
                }
            }
        }
    }
    File::from_source(name, text).map_err(|e| e.to_string())
}

/// A base64 `FileDescriptorProto` (how Apicurio keeps what confluent-kafka's serializer
/// registers) written out as `.proto` source, for `:schemas` to show; `None` when `text` is not
/// one (source is shown as it is). Oneofs and options are not written out.
pub fn descriptor_as_source(text: &str) -> Option<String> {
    use prost_reflect::prost_types::field_descriptor_proto::{Label, Type};
    use prost_reflect::prost_types::{DescriptorProto, EnumDescriptorProto, FieldDescriptorProto};
    use std::fmt::Write as _;

    fn enum_(e: &EnumDescriptorProto, pad: &str, out: &mut String) {
        let _ = writeln!(out, "{pad}enum {} {{", e.name());
        for v in &e.value {
            let _ = writeln!(out, "{pad}  {} = {};", v.name(), v.number());
        }
        let _ = writeln!(out, "{pad}}}");
    }
    fn type_of(f: &FieldDescriptorProto) -> String {
        match f.r#type() {
            Type::Message | Type::Enum | Type::Group => {
                f.type_name().trim_start_matches('.').to_string()
            }
            t => t
                .as_str_name()
                .trim_start_matches("TYPE_")
                .to_ascii_lowercase(),
        }
    }
    fn message(m: &DescriptorProto, depth: usize, proto3: bool, out: &mut String) {
        let pad = "  ".repeat(depth);
        let _ = writeln!(out, "{pad}message {} {{", m.name());
        for e in &m.enum_type {
            enum_(e, &format!("{pad}  "), out);
        }
        // A `map<K, V>` field is a repeated nested `…Entry` message the compiler made: written
        // back as the map it was.
        let is_entry = |n: &DescriptorProto| n.options.as_ref().is_some_and(|o| o.map_entry());
        for n in m.nested_type.iter().filter(|n| !is_entry(n)) {
            message(n, depth + 1, proto3, out);
        }
        for f in &m.field {
            let entry = (f.r#type() == Type::Message)
                .then(|| {
                    let name = f.type_name().rsplit('.').next().unwrap_or("");
                    m.nested_type
                        .iter()
                        .find(|n| n.name() == name && is_entry(n))
                })
                .flatten();
            if let Some(e) = entry {
                let kv: Vec<String> = e.field.iter().map(type_of).collect();
                let _ = writeln!(
                    out,
                    "{pad}  map<{}> {} = {};",
                    kv.join(", "),
                    f.name(),
                    f.number()
                );
                continue;
            }
            let label = match f.label() {
                Label::Repeated => "repeated ",
                Label::Required => "required ",
                Label::Optional if !proto3 || f.proto3_optional() => "optional ",
                Label::Optional => "",
            };
            let _ = writeln!(
                out,
                "{pad}  {label}{} {} = {};",
                type_of(f),
                f.name(),
                f.number()
            );
        }
        let _ = writeln!(out, "{pad}}}");
    }

    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.contains(char::is_whitespace) {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(trimmed)
        .ok()?;
    let fdp = FileDescriptorProto::decode(bytes.as_slice()).ok()?;
    if fdp.message_type.is_empty() && fdp.enum_type.is_empty() {
        return None;
    }
    let proto3 = fdp.syntax() == "proto3";
    let mut out = String::new();
    let _ = writeln!(
        out,
        "syntax = \"{}\";",
        if proto3 { "proto3" } else { "proto2" }
    );
    if !fdp.package().is_empty() {
        let _ = writeln!(out, "package {};", fdp.package());
    }
    for d in &fdp.dependency {
        let _ = writeln!(out, "import \"{d}\";");
    }
    for e in &fdp.enum_type {
        out.push('\n');
        enum_(e, "", &mut out);
    }
    for m in &fdp.message_type {
        out.push('\n');
        message(m, 0, proto3, &mut out);
    }
    Some(out.trim_end().to_string())
}

struct Resolver {
    files: HashMap<String, File>,
    google: GoogleFileResolver,
}

impl FileResolver for Resolver {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        match self.files.get(name) {
            Some(f) => Ok(f.clone()),
            None => self.google.open_file(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROTO: &str = r#"
        syntax = "proto3";
        package shop;
        import "google/protobuf/timestamp.proto";
        import "common.proto";
        message Order {
          string id = 1;
          int64 cents = 2;
          repeated Line lines = 3;
          map<string, int32> tags = 4;
          google.protobuf.Timestamp at = 5;
          common.Money total = 6;
          bool gift = 7;
          message Line { string sku = 1; uint32 qty = 2; }
        }
        message Refund { string order_id = 1; Kind kind = 2; enum Kind { FULL = 0; PART = 1; } }
    "#;
    const COMMON: &str = "syntax = \"proto3\"; package common; message Money { int64 units = 1; string currency = 2; }";

    fn schema() -> ProtoSchema {
        ProtoSchema::parse(PROTO, &[("common.proto".into(), COMMON.into())]).unwrap()
    }

    #[test]
    fn source_with_imports_round_trips() {
        let s = schema();
        let bytes = s
            .encode(
                None,
                r#"{"id": "o-1", "cents": "9007199254740993", "lines": [{"sku": "a", "qty": 2}],
                    "tags": {"x": 1}, "at": "2024-05-01T12:00:00Z", "total": {"units": 5, "currency": "EUR"}}"#,
            )
            .unwrap();
        assert_eq!(
            bytes[0], 0,
            "the first message: the single-0 index shortcut"
        );
        let (name, json) = s.decode(&bytes).unwrap();
        assert_eq!(name, "shop.Order");
        assert_eq!(
            json,
            r#"{"id":"o-1","cents":9007199254740993,"lines":[{"sku":"a","qty":2}],"tags":{"x":1},"at":"2024-05-01T12:00:00Z","total":{"units":5,"currency":"EUR"},"gift":false}"#
        );
    }

    #[test]
    fn message_indexes_pick_nested_and_second_messages() {
        let s = schema();
        assert_eq!(s.path_of("shop.Refund"), Some(vec![1]));
        assert_eq!(
            s.path_of("Line"),
            Some(vec![0, 1]),
            "after the map entry TagsEntry? no: Line is declared first"
        );
        let bytes = s
            .encode(Some("shop.Refund"), r#"{"orderId": "o-1", "kind": "PART"}"#)
            .unwrap();
        assert_eq!(&bytes[..2], &[2, 2], "count 1, index 1 as zig-zag varints");
        let (name, json) = s.decode(&bytes).unwrap();
        assert_eq!(name, "shop.Refund");
        assert_eq!(json, r#"{"order_id":"o-1","kind":"PART"}"#);
        let mut nested = Vec::new();
        wire::write_message_indexes(&mut nested, &[0, 1]);
        assert_eq!(nested, vec![4, 0, 2]);
        assert!(s.messages().contains(&"shop.Order.Line".to_string()));
        assert!(!s.messages().iter().any(|m| m.ends_with("TagsEntry")));
    }

    #[test]
    fn base64_descriptors_are_written_out_as_source() {
        let fdp = schema().file.file_descriptor_proto().encode_to_vec();
        let b64 = base64::engine::general_purpose::STANDARD.encode(fdp);
        let text = descriptor_as_source(&b64).expect("a descriptor");
        // What it writes compiles back to the same messages.
        let again = ProtoSchema::parse(&text, &[("common.proto".into(), COMMON.into())]).unwrap();
        assert_eq!(again.messages(), schema().messages(), "{text}");
        assert!(text.starts_with("syntax = \"proto3\";"), "{text}");
        assert_eq!(
            descriptor_as_source("syntax = \"proto3\"; message A {}"),
            None
        );
        assert_eq!(descriptor_as_source("bm90IGEgZGVzY3JpcHRvcg=="), None);
    }

    #[test]
    fn base64_descriptors_are_read_like_source() {
        let s = schema();
        let fdp = s.file.file_descriptor_proto().encode_to_vec();
        let b64 = base64::engine::general_purpose::STANDARD.encode(fdp);
        let from_b64 = ProtoSchema::parse(&b64, &[("common.proto".into(), COMMON.into())]).unwrap();
        let bytes = s.encode(None, r#"{"id": "x", "gift": true}"#).unwrap();
        assert_eq!(from_b64.decode(&bytes).unwrap(), s.decode(&bytes).unwrap());
    }

    #[test]
    fn errors_name_the_field() {
        let s = schema();
        let e = s
            .encode(None, "{\"id\": \"o\",\n \"lines\": [{\"qty\": \"many\"}]}")
            .unwrap_err();
        let EncodeError::Field { path, pos, .. } = &e else {
            panic!("{e}")
        };
        assert_eq!(path, "$.lines[0].qty", "{e}");
        assert_eq!(pos.unwrap().line, 2, "{e}");
        let e = s.encode(None, r#"{"nope": 1}"#).unwrap_err();
        assert!(e.to_string().contains("nope"), "{e}");
        let e = s.encode(Some("shop.Nothing"), "{}").unwrap_err();
        assert!(e.to_string().contains("no message \"shop.Nothing\""), "{e}");
        assert!(matches!(s.encode(None, "{"), Err(EncodeError::Syntax(_))));
    }

    #[test]
    fn bad_schemas_and_payloads_are_errors() {
        assert!(ProtoSchema::parse("syntax = \"proto3\"; message {", &[]).is_err());
        let e = ProtoSchema::parse(PROTO, &[]).unwrap_err();
        assert!(e.contains("common.proto"), "{e}");
        let s = schema();
        assert!(s.decode(&[]).is_err());
        assert!(s
            .decode(&[2, 20])
            .unwrap_err()
            .contains("no message at index path [10]"));
        assert!(s.decode(&[0, 0xff]).is_err(), "a truncated field");
    }
}
