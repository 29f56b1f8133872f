//! A registered schema made ready to use: fetched with its references, parsed once, and able
//! to decode the bytes after a record's 5-byte header or encode typed JSON behind one.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::avro::AvroSchema;
use super::error::{DecodeError, EncodeError};
use super::json_schema::JsonSchema;
use super::protobuf::ProtoSchema;
use super::registry::{
    Reference, RegisteredSchema, RegistryClient, RegistryError, SchemaType, Version,
};
use super::wire;

/// References nested deeper than this are taken as a cycle.
const MAX_REFERENCE_DEPTH: usize = 16;

pub enum Codec {
    Avro(AvroSchema),
    Protobuf(ProtoSchema),
    Json(JsonSchema),
}

/// A schema by id, parsed, with the subject and version that hold it when the registry says.
pub struct LoadedSchema {
    pub id: u32,
    pub kind: SchemaType,
    /// Every subject and version that holds it (registries that share a schema's id between
    /// subjects, as Apicurio does for identical texts, list several).
    pub subjects: Vec<(String, u32)>,
    pub codec: Codec,
}

impl std::fmt::Debug for LoadedSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedSchema")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("subjects", &self.subjects)
            .finish_non_exhaustive()
    }
}

/// A decoded key or value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The datum as JSON text (see each format's module for the form).
    pub json: String,
    /// The record's type: an Avro full name, a Protobuf message, a JSON Schema title.
    pub type_name: Option<String>,
    /// Something worth saying (a JSON record that does not match its schema).
    pub note: Option<String>,
}

impl LoadedSchema {
    /// Parses a registered schema; `references` are (name, text) of what it references,
    /// dependencies first.
    pub fn parse(
        schema: &RegisteredSchema,
        references: &[(String, String)],
        subjects: Vec<(String, u32)>,
    ) -> Result<Self, DecodeError> {
        let bad = |reason: String| DecodeError::Schema {
            id: schema.id,
            kind: schema.schema_type.clone(),
            reason,
        };
        let codec = match &schema.schema_type {
            SchemaType::Avro => {
                let texts: Vec<String> = references.iter().map(|(_, t)| t.clone()).collect();
                Codec::Avro(AvroSchema::parse(&schema.schema, &texts).map_err(bad)?)
            }
            SchemaType::Protobuf => {
                Codec::Protobuf(ProtoSchema::parse(&schema.schema, references).map_err(bad)?)
            }
            SchemaType::Json => Codec::Json(JsonSchema::parse(&schema.schema).map_err(bad)?),
            SchemaType::Other(_) => {
                return Err(DecodeError::Unsupported {
                    id: schema.id,
                    kind: schema.schema_type.clone(),
                })
            }
        };
        Ok(LoadedSchema {
            id: schema.id,
            kind: schema.schema_type.clone(),
            subjects,
            codec,
        })
    }

    /// The subject to name for a record of `topic`: `TOPIC-key`/`TOPIC-value` (the default
    /// naming) when it holds this schema, else the first that does.
    pub fn subject_for(&self, topic: &str, key: bool) -> Option<&(String, u32)> {
        let want = format!("{topic}-{}", if key { "key" } else { "value" });
        self.subjects
            .iter()
            .find(|(s, _)| *s == want)
            .or_else(|| self.subjects.first())
    }

    /// Decodes what follows the 5-byte header.
    pub fn decode(&self, rest: &[u8]) -> Result<Decoded, DecodeError> {
        let bad = |reason: String| DecodeError::Payload {
            id: self.id,
            kind: self.kind.clone(),
            reason,
        };
        match &self.codec {
            Codec::Avro(s) => Ok(Decoded {
                json: s.decode(rest).map_err(bad)?,
                type_name: Some(s.root_name()),
                note: None,
            }),
            Codec::Protobuf(s) => {
                let (name, json) = s.decode(rest).map_err(bad)?;
                Ok(Decoded {
                    json,
                    type_name: Some(name),
                    note: None,
                })
            }
            Codec::Json(s) => {
                let r = s.decode(rest).map_err(bad)?;
                Ok(Decoded {
                    json: r.json,
                    type_name: s.title().map(str::to_string),
                    note: r
                        .mismatch
                        .map(|m| format!("does not match its schema: {m}")),
                })
            }
        }
    }

    /// The whole record (header included) for typed JSON; `message` picks a Protobuf message
    /// other than the first.
    pub fn encode(&self, message: Option<&str>, json: &str) -> Result<Vec<u8>, EncodeError> {
        let body = match &self.codec {
            Codec::Avro(s) => s.encode(json)?,
            Codec::Protobuf(s) => s.encode(message, json)?,
            Codec::Json(s) => s.encode(json)?,
        };
        let mut out = wire::header(self.id);
        out.extend_from_slice(&body);
        Ok(out)
    }
}

/// Fetches schema `id` and everything it references, and parses it.
pub async fn load(client: &RegistryClient, id: u32) -> Result<LoadedSchema, DecodeError> {
    let registry = |source| DecodeError::Registry { id, source };
    let schema = client.schema(id).await.map_err(registry)?;
    let mut refs = Vec::new();
    let mut seen = HashSet::new();
    references(client, &schema.references, 0, &mut refs, &mut seen)
        .await
        .map_err(registry)?;
    // Which subject and version hold it: only for showing, so a failure is not one.
    let subjects = client
        .subjects_of(id)
        .await
        .map(|v| v.iter().map(|s| (s.subject.clone(), s.version)).collect())
        .unwrap_or_default();
    LoadedSchema::parse(&schema, &refs, subjects)
}

/// A subject's version, loaded (for the producer).
pub async fn load_version(
    client: &RegistryClient,
    subject: &str,
    version: Version,
) -> Result<LoadedSchema, EncodeError> {
    let registry = |source| EncodeError::Registry {
        subject: subject.to_string(),
        source,
    };
    let sv = client.version(subject, version).await.map_err(registry)?;
    let mut refs = Vec::new();
    let mut seen = HashSet::new();
    references(client, &sv.schema.references, 0, &mut refs, &mut seen)
        .await
        .map_err(registry)?;
    LoadedSchema::parse(&sv.schema, &refs, vec![(sv.subject.clone(), sv.version)]).map_err(|e| {
        EncodeError::Schema {
            subject: subject.to_string(),
            id: sv.schema.id,
            kind: sv.schema.schema_type.clone(),
            reason: e.to_string(),
        }
    })
}

type RefFuture<'a> = Pin<Box<dyn Future<Output = Result<(), RegistryError>> + Send + 'a>>;

/// The texts of `refs` and of what they reference in turn, dependencies first.
fn references<'a>(
    client: &'a RegistryClient,
    refs: &'a [Reference],
    depth: usize,
    out: &'a mut Vec<(String, String)>,
    seen: &'a mut HashSet<(String, i32)>,
) -> RefFuture<'a> {
    Box::pin(async move {
        for r in refs {
            if !seen.insert((r.subject.clone(), r.version)) {
                continue;
            }
            if depth >= MAX_REFERENCE_DEPTH {
                return Err(RegistryError::Invalid {
                    what: format!("reference {:?}", r.name),
                    reason: format!("references nest deeper than {MAX_REFERENCE_DEPTH}"),
                });
            }
            let version = match u32::try_from(r.version) {
                Ok(n) => Version::Number(n),
                Err(_) => Version::Latest,
            };
            let sv = client.version(&r.subject, version).await?;
            let nested = sv.schema.references.clone();
            references(client, &nested, depth + 1, out, seen).await?;
            out.push((r.name.clone(), sv.schema.schema.clone()));
        }
        Ok(())
    })
}

/// The status of a schema the app asked for, as the UI shows it.
#[derive(Debug, Clone)]
pub enum SchemaStatus {
    Loading,
    Ready(Arc<LoadedSchema>),
    Failed(String),
}
