//! The embedded broker (behind a small interface, so a fuller engine can replace librdkafka's
//! mock cluster without touching the panes) and the log sources the Logs pane follows.

pub mod demo;
pub mod forwarder;
pub mod logs;
pub mod mock;

use std::net::SocketAddr;

/// What an embedded engine can and cannot do, so the UI can say so instead of failing. The
/// default can do none of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Capabilities {
    pub create_topics_api: bool,
    pub delete_topics: bool,
    pub create_partitions: bool,
    pub list_groups: bool,
    pub describe_configs: bool,
    pub time_lookup: bool,
    pub zookeeper: bool,
}

/// A broker kafka-tui runs in-process.
pub trait EmbeddedBroker: Send {
    /// Where clients (ours and other programs) reach it.
    fn address(&self) -> SocketAddr;
    /// A short name of the engine, for the header.
    fn engine(&self) -> &'static str;
    fn capabilities(&self) -> Capabilities;
    /// Creates a topic through the engine's own API (the mock has no CreateTopics handler).
    fn create_topic(&self, name: &str, partitions: i32) -> anyhow::Result<()>;
    /// Stops the engine and frees its port.
    fn shutdown(&mut self);
}

/// What the Kafka task may ask of an embedded engine directly (for what it has no Kafka API
/// for). Cheap to clone and safe to share across threads.
pub trait EmbeddedAdmin: Send + Sync + std::fmt::Debug {
    fn create_topic(&self, name: &str, partitions: i32) -> anyhow::Result<()>;
    fn capabilities(&self) -> Capabilities;
}
