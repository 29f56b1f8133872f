//! Schema-registry records (issue 12): the Confluent wire format, a registry client, and
//! decoders/encoders for Avro, Protobuf and JSON Schema. Bytes and plain values in, JSON text
//! and typed errors out: nothing here knows about the UI or the Kafka clients.

pub mod avro;
pub mod cache;
pub mod error;
pub mod json;
pub mod json_schema;
pub mod loaded;
pub mod protobuf;
pub mod registry;
pub mod service;
pub mod time;
pub mod wire;
