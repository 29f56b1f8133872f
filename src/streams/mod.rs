//! Kafka Streams applications found from what the cluster already says (consumer groups and
//! topic names) and, where an application exposes it, its topology description. Pure logic on
//! plain input structs; the caller gathers the groups and topics. docs/connect-streams.md
//! describes what is inferred from where, and the limits.

mod discover;
mod protocol;
mod task;
mod topology;

pub use discover::{
    discover, parse_stream_thread, Discovery, Evidence, GroupInput, InternalKind, InternalTopic,
    MemberInput, OffsetInput, PartitionLag, StreamThread, StreamsApp, StreamsProcess, TopicInput,
    TopicRef,
};
pub use protocol::subscribed_topics;
pub use task::{spawn, StreamsCommand, StreamsEvent, StreamsHandle, TopologySource};
pub use topology::{load_topology, parse_topology, Node, SubTopology, Topology, TopologyError};

#[cfg(test)]
mod tests;
