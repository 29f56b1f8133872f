//! The embedded broker kafka-tui runs in-process when started without `-b`: librdkafka's mock
//! cluster (`mock`), reachable at `--listen` through a loopback forwarder (`forwarder`), with a
//! `demo` topic for a first run (`demo`).

pub mod demo;
pub mod forwarder;
pub mod mock;

pub use mock::{EmbeddedAdmin, MockBroker, MockOptions};

/// The partitions of a topic the mock creates by itself (a record published to a topic that
/// does not exist; `defaults.partition_cnt` in librdkafka's rdkafka_mock.c). Kafka uses
/// `num.partitions`, 1 unless the cluster sets it.
pub const AUTO_CREATE_PARTITIONS: i32 = 4;

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
