//! One record as one JSON object: the form of `:export` and `dump`'s JSON Lines, and what
//! `produce -f` reads (kcat -J's `payload`, `ts` and flat header list too).

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::model::{Header, Record};

/// How a key, value or header value is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// The bytes are UTF-8: written as they are.
    #[default]
    Utf8,
    /// Anything else: standard base64.
    Base64,
}

impl Encoding {
    fn is_utf8(&self) -> bool {
        *self == Encoding::Utf8
    }
}

/// A key's or value's schema, when it is in a schema registry's wire format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaRef {
    pub id: u32,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    /// Why it was not decoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What a schema registry made of a key or value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Decoding {
    /// Not in the wire format, or no registry.
    #[default]
    None,
    /// `json` is the datum as JSON text.
    Decoded { schema: SchemaRef, json: String },
    /// In the wire format, but not decoded (the schema or the payload failed).
    Failed(SchemaRef),
}

impl Decoding {
    fn schema(&self) -> Option<SchemaRef> {
        match self {
            Decoding::None => None,
            Decoding::Decoded { schema, .. } | Decoding::Failed(schema) => Some(schema.clone()),
        }
    }

    fn json(&self) -> Option<Box<RawValue>> {
        match self {
            // Our decoders write valid JSON; should one not, the bytes are still there.
            Decoding::Decoded { json, .. } => RawValue::from_string(json.clone()).ok(),
            _ => None,
        }
    }
}

/// A header as written: `{"name": …, "value": …}`, its value's encoding when not UTF-8.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineHeader {
    pub name: String,
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Encoding::is_utf8")]
    pub encoding: Encoding,
}

/// Headers as written, or as kcat -J writes them (`["name", "value", …]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
enum HeadersIn {
    Ours(Vec<LineHeader>),
    Kcat(Vec<Option<String>>),
}

fn headers_in<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<LineHeader>, D::Error> {
    match Option::<HeadersIn>::deserialize(d)? {
        None => Ok(Vec::new()),
        Some(HeadersIn::Ours(v)) => Ok(v),
        Some(HeadersIn::Kcat(flat)) => {
            if flat.len() % 2 != 0 {
                return Err(serde::de::Error::custom(
                    "a flat header list holds name, value pairs",
                ));
            }
            flat.chunks(2)
                .map(|pair| {
                    let name = pair[0]
                        .clone()
                        .ok_or_else(|| serde::de::Error::custom("a header name is null"))?;
                    Ok(LineHeader {
                        name,
                        value: pair[1].clone(),
                        encoding: Encoding::Utf8,
                    })
                })
                .collect()
        }
    }
}

/// One record as a JSON object.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Line {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
    /// Milliseconds since the Unix epoch.
    #[serde(default, alias = "ts", skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<i64>,
    /// The same time in RFC 3339, for people (not read back).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Encoding::is_utf8")]
    pub key_encoding: Encoding,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_schema: Option<SchemaRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_decoded: Option<Box<RawValue>>,
    #[serde(default, alias = "payload")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Encoding::is_utf8")]
    pub value_encoding: Encoding,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_schema: Option<SchemaRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_decoded: Option<Box<RawValue>>,
    #[serde(
        default,
        deserialize_with = "headers_in",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub headers: Vec<LineHeader>,
    /// A jq program's outputs (`dump --jq`), as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jq: Option<Vec<Box<RawValue>>>,
}

/// Why a line of a file cannot be published.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("not a JSON record: {0}")]
    Json(String),
    #[error("{field} is not valid base64: {reason}")]
    Base64 { field: String, reason: String },
}

/// Bytes as a string, and how: UTF-8 as it is, anything else in base64.
pub fn encode_bytes(bytes: &[u8]) -> (String, Encoding) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), Encoding::Utf8),
        Err(_) => (
            base64::engine::general_purpose::STANDARD.encode(bytes),
            Encoding::Base64,
        ),
    }
}

fn decode_bytes(field: &str, s: &str, encoding: Encoding) -> Result<Vec<u8>, LineError> {
    match encoding {
        Encoding::Utf8 => Ok(s.as_bytes().to_vec()),
        Encoding::Base64 => base64::engine::general_purpose::STANDARD
            .decode(s)
            .map_err(|e| LineError::Base64 {
                field: field.to_string(),
                reason: e.to_string(),
            }),
    }
}

impl Line {
    pub fn of(r: &Record, key: &Decoding, value: &Decoding, jq: Option<&[String]>) -> Line {
        let (k, key_encoding) = match r.key.as_deref().map(encode_bytes) {
            Some((s, e)) => (Some(s), e),
            None => (None, Encoding::Utf8),
        };
        let (v, value_encoding) = match r.value.as_deref().map(encode_bytes) {
            Some((s, e)) => (Some(s), e),
            None => (None, Encoding::Utf8),
        };
        let headers = r
            .headers
            .iter()
            .map(|h| {
                let (value, encoding) = match h.value.as_deref().map(encode_bytes) {
                    Some((s, e)) => (Some(s), e),
                    None => (None, Encoding::Utf8),
                };
                LineHeader {
                    name: h.name.clone(),
                    value,
                    encoding,
                }
            })
            .collect();
        Line {
            topic: Some(r.topic.clone()),
            partition: Some(r.partition),
            offset: Some(r.offset),
            timestamp: r.timestamp_ms,
            time: r
                .timestamp()
                .map(|t| humantime::format_rfc3339_millis(t).to_string()),
            key: k,
            key_encoding,
            key_schema: key.schema(),
            key_decoded: key.json(),
            value: v,
            value_encoding,
            value_schema: value.schema(),
            value_decoded: value.json(),
            headers,
            jq: jq.map(|outs| {
                outs.iter()
                    .filter_map(|o| RawValue::from_string(o.clone()).ok())
                    .collect()
            }),
        }
    }

    pub fn write_json(&self, out: &mut Vec<u8>) -> std::io::Result<()> {
        serde_json::to_writer(out, self).map_err(std::io::Error::other)
    }

    pub fn parse(text: &str) -> Result<Line, LineError> {
        serde_json::from_str(text).map_err(|e| LineError::Json(e.to_string()))
    }

    /// The record to publish (offset -1: the broker gives it one; partition as written).
    pub fn to_record(&self) -> Result<Record, LineError> {
        let key = match &self.key {
            Some(k) => Some(decode_bytes("key", k, self.key_encoding)?),
            None => None,
        };
        let value = match &self.value {
            Some(v) => Some(decode_bytes("value", v, self.value_encoding)?),
            None => None,
        };
        let headers = self
            .headers
            .iter()
            .map(|h| {
                Ok(Header {
                    name: h.name.clone(),
                    value: match &h.value {
                        Some(v) => Some(decode_bytes(
                            &format!("header {:?}", h.name),
                            v,
                            h.encoding,
                        )?),
                        None => None,
                    },
                })
            })
            .collect::<Result<Vec<_>, LineError>>()?;
        Ok(Record {
            topic: self.topic.clone().unwrap_or_default(),
            partition: self.partition.unwrap_or(-1),
            offset: -1,
            timestamp_ms: self.timestamp,
            leader_epoch: None,
            key,
            value,
            headers,
        })
    }
}

/// What `schema` (the one the bytes' header names, loaded or why not) makes of a key or value
/// in a schema registry's wire format; `Decoding::None` for bytes not in that format.
pub fn decode_with(
    topic: &str,
    key: bool,
    bytes: Option<&[u8]>,
    schema: impl FnOnce(u32) -> Result<std::sync::Arc<crate::schema::loaded::LoadedSchema>, String>,
) -> Decoding {
    let Some(framed) = bytes.and_then(crate::schema::wire::parse) else {
        return Decoding::None;
    };
    let id = framed.schema_id;
    let loaded = schema(id);
    let s = loaded.as_ref().ok();
    let subject = s.and_then(|s| s.subject_for(topic, key));
    let reference = |error: Option<String>| SchemaRef {
        id,
        kind: s.map(|s| s.kind.as_str().to_string()),
        subject: subject.map(|(s, _)| s.clone()),
        version: subject.map(|(_, v)| *v),
        error,
    };
    match &loaded {
        Err(e) => Decoding::Failed(reference(Some(e.clone()))),
        Ok(s) => match s.decode(framed.rest) {
            Ok(d) => Decoding::Decoded {
                schema: reference(None),
                json: d.json,
            },
            Err(e) => Decoding::Failed(reference(Some(e.to_string()))),
        },
    }
}
