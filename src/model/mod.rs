//! Plain data that crosses between the Kafka tasks, the app state and the screen: records,
//! topics, groups, where a tail starts, and what went wrong. No rdkafka and no ratatui here:
//! `kafka/` converts librdkafka's types into these, `state/` and `ui/` read them.

pub mod group;
pub mod record;
pub mod recycle;
pub mod start;
pub mod topic;

pub use group::{lag, GroupDetail, GroupSummary, Member, PartitionLag, ResetPlan, ResetTo};
pub use record::{Delivery, Header, ProduceRequest, Record};
pub use start::{StartFrom, StartFromError};
pub use topic::{
    BrokerView, ClusterOverview, ClusterSnapshot, ConfigItem, Controller, PartitionDetail,
    PartitionInfo, TopicDetail, TopicInfo, TopicWatermarks,
};
