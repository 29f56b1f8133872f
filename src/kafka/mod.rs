//! The only place rdkafka appears: clients, tail, producer, metadata, and the codec that makes
//! record bytes safe to show.

pub mod admin;
pub mod client;
pub mod codec;
pub mod consumer;
pub mod fetch_queue;
pub mod ffi;
pub mod groups;
pub mod model;
pub mod producer;
pub mod recycle;
pub mod service;
pub mod start;
