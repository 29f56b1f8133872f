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

mod avro;
mod common;
mod csv_export;
mod jq;
mod protobuf;
