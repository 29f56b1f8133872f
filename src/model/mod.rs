//! Plain data that crosses between the Kafka tasks, the app state and the screen: records,
//! topics, groups, where a tail starts, and what went wrong. No rdkafka and no ratatui here:
//! `kafka/` converts librdkafka's types into these, `state/` and `ui/` read them.

pub mod error;
pub mod group;
pub mod record;
pub mod recycle;
pub mod start;
pub mod topic;
pub mod topic_set;
pub mod until;

/// "1 topic", "2 topics", "0 topics": a count with its noun (regular plurals only).
pub fn count(n: impl std::fmt::Display + PartialEq<u64> + Copy, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A cluster `:ctx` can switch to, as its list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextInfo {
    pub name: String,
    /// `None`: the embedded broker.
    pub bootstrap: Option<String>,
    /// Its `color` in the config file, as written there.
    pub color: Option<String>,
}

pub use group::{
    lag, total_lag, GroupDetail, GroupSummary, Member, PartitionLag, ResetPlan, ResetTo,
};
pub use record::{Delivery, Header, ProduceRequest, Record};
pub use start::{StartFrom, StartFromError};
pub use topic::{
    BrokerView, ClusterOverview, ClusterSnapshot, ConfigItem, Controller, DiskUsage,
    PartitionDetail, PartitionInfo, TopicDefaults, TopicDetail, TopicInfo, TopicWatermarks,
};
pub use topic_set::{join_ids, TopicSet};
pub use until::{Until, UntilError};
