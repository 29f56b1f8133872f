//! The only place rdkafka appears: clients, the tail's consumer, the producer, metadata and
//! admin, consumer groups, and the embedded broker. `api` is all the app sees of it.

pub mod admin;
pub mod api;
pub mod client;
pub mod consumer;
pub mod direct;
pub mod embedded;
pub mod error;
pub mod fetch_queue;
pub mod ffi;
pub mod groups;
pub mod log_dirs;
pub mod producer;
pub mod service;
pub mod tail;
