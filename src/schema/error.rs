//! The errors of decoding and encoding records with registry schemas. They are `Clone` so that
//! a failure can be cached (a missing schema is asked for once, not once per record) and shown
//! in the record detail as it was.

use super::json::{Pos, SyntaxError};
use super::registry::{RegistryError, SchemaType};

/// Why a record in the wire format could not be decoded. The UI shows it and falls back to hex.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DecodeError {
    #[error("schema {id}: {source}")]
    Registry {
        id: u32,
        #[source]
        source: RegistryError,
    },
    #[error("schema {id} ({kind}) cannot be used: {reason}")]
    Schema {
        id: u32,
        kind: SchemaType,
        reason: String,
    },
    #[error("schema {id} is a {kind} schema, which kafka-tui does not decode")]
    Unsupported { id: u32, kind: SchemaType },
    #[error("the record does not decode with schema {id} ({kind}): {reason}")]
    Payload {
        id: u32,
        kind: SchemaType,
        reason: String,
    },
}

/// Why typed JSON could not be encoded against a subject's schema.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EncodeError {
    #[error(transparent)]
    Syntax(#[from] SyntaxError),
    /// A value that does not fit its place in the schema: where in the typed text (when known),
    /// the JSON path (`$.items[2].price`) and what the schema wanted there.
    #[error("{}{path}: {message}", pos.map(|p| format!("at {p}, ")).unwrap_or_default())]
    Field {
        path: String,
        pos: Option<Pos>,
        message: String,
    },
    #[error("subject {subject}: {source}")]
    Registry {
        subject: String,
        #[source]
        source: RegistryError,
    },
    #[error("subject {subject} (schema {id}, {kind}) cannot be used: {reason}")]
    Schema {
        subject: String,
        id: u32,
        kind: SchemaType,
        reason: String,
    },
}

impl EncodeError {
    pub(crate) fn field(path: &str, pos: Pos, message: impl Into<String>) -> Self {
        EncodeError::Field {
            path: path.to_string(),
            pos: (pos != Pos::default()).then_some(pos),
            message: message.into(),
        }
    }
}
