//! The embedded broker kafka-tui runs in-process when started without `-b`: librdkafka's mock
//! cluster (`mock`), reachable at `--listen` through a loopback forwarder (`forwarder`), with a
//! `demo` topic for a first run (`demo`).

pub mod demo;
pub mod forwarder;
pub mod mock;

pub use mock::{EmbeddedAdmin, MockBroker, MockOptions};

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
