//! The whole surface the app sees of the Kafka side: the commands it sends, the handle it sends
//! them with, and the events that come back. The Kafka tasks never see the app's own event
//! type: they send `KafkaEvent`s on a channel of their own, which the app wraps.

pub use super::error::{ErrorKind, KafkaError};
use tokio::sync::mpsc;

pub use super::embedded::Capabilities;
use crate::model::{
    ClusterOverview, ClusterSnapshot, ConfigItem, Delivery, GroupDetail, GroupSummary,
    ProduceRequest, Record, ResetPlan, ResetTo, StartFrom, TopicDetail, TopicWatermarks, Until,
};

/// Where the Kafka tasks send their news.
pub type EventSender = mpsc::Sender<KafkaEvent>;

/// A tail to start: which topic (and which of its partitions), from where, until when, and
/// the generation that tells its batches from an older tail's.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TailRequest {
    /// One topic, several, or a pattern (`TopicSet::parse`).
    pub topics: crate::model::TopicSet,
    pub start: StartFrom,
    pub generation: u64,
    /// Only these partitions (`:tail orders#0,2`); `None`: all.
    pub partitions: Option<Vec<i32>>,
    /// Where the tail stops (`--until`); `None`: it never does.
    pub until: Option<Until>,
}

/// What the app asks of the Kafka task. Sending never waits; the answer comes as a
/// `KafkaEvent`.
pub enum KafkaCommand {
    RefreshTopics,
    /// Fetch watermarks for these topics' partitions (the rows on screen).
    Watermarks(Vec<(String, Vec<i32>)>),
    Tail(TailRequest),
    StopTail,
    Produce(ProduceRequest),
    TopicDetail(String),
    Configs(String),
    AlterConfig {
        topic: String,
        key: String,
        value: String,
    },
    CreateTopic {
        name: String,
        /// `None`: the brokers' default (`num.partitions`, `default.replication.factor`), as
        /// `kafka-topics --create` without the flag.
        partitions: Option<i32>,
        replication: Option<i32>,
        configs: Vec<(String, String)>,
    },
    DeleteTopic(String),
    AddPartitions {
        topic: String,
        total: usize,
    },
    Groups,
    GroupDetail(String),
    PlanReset {
        detail: GroupDetail,
        to: ResetTo,
    },
    ApplyReset(ResetPlan),
    DeleteGroup(String),
    Overview,
    /// The defaults a new topic gets, for the create form.
    TopicDefaults,
}

impl KafkaCommand {
    /// Whether the command changes the cluster (and so is refused when read-only).
    pub fn is_write(&self) -> bool {
        matches!(
            self,
            KafkaCommand::Produce(_)
                | KafkaCommand::AlterConfig { .. }
                | KafkaCommand::CreateTopic { .. }
                | KafkaCommand::DeleteTopic(_)
                | KafkaCommand::AddPartitions { .. }
                | KafkaCommand::ApplyReset(_)
                | KafkaCommand::DeleteGroup(_)
        )
    }
}

impl std::fmt::Debug for KafkaCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KafkaCommand::RefreshTopics => f.write_str("RefreshTopics"),
            KafkaCommand::Watermarks(t) => write!(f, "Watermarks({} topics)", t.len()),
            KafkaCommand::Tail(t) => {
                write!(
                    f,
                    "Tail({} from {} gen {})",
                    t.topics, t.start, t.generation
                )
            }
            KafkaCommand::StopTail => f.write_str("StopTail"),
            KafkaCommand::Produce(p) => write!(f, "Produce({})", p.topic),
            KafkaCommand::TopicDetail(t) => write!(f, "TopicDetail({t})"),
            KafkaCommand::Configs(t) => write!(f, "Configs({t})"),
            KafkaCommand::AlterConfig { topic, key, .. } => write!(f, "AlterConfig({topic} {key})"),
            KafkaCommand::CreateTopic { name, .. } => write!(f, "CreateTopic({name})"),
            KafkaCommand::DeleteTopic(t) => write!(f, "DeleteTopic({t})"),
            KafkaCommand::AddPartitions { topic, total } => {
                write!(f, "AddPartitions({topic} -> {total})")
            }
            KafkaCommand::Groups => f.write_str("Groups"),
            KafkaCommand::GroupDetail(g) => write!(f, "GroupDetail({g})"),
            KafkaCommand::PlanReset { detail, to } => {
                write!(f, "PlanReset({} {to:?})", detail.name)
            }
            KafkaCommand::ApplyReset(p) => write!(f, "ApplyReset({})", p.group),
            KafkaCommand::DeleteGroup(g) => write!(f, "DeleteGroup({g})"),
            KafkaCommand::Overview => f.write_str("Overview"),
            KafkaCommand::TopicDefaults => f.write_str("TopicDefaults"),
        }
    }
}

/// The UI's side of the Kafka task: sending never blocks.
#[derive(Clone)]
pub struct KafkaHandle {
    tx: mpsc::UnboundedSender<KafkaCommand>,
}

impl KafkaHandle {
    /// A handle whose commands land in the returned receiver: for headless tests.
    pub fn detached() -> (Self, mpsc::UnboundedReceiver<KafkaCommand>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (Self { tx }, rx)
    }

    pub fn send(&self, cmd: KafkaCommand) {
        // Fails only when the task has ended, i.e. while quitting.
        let _ = self.tx.send(cmd);
    }
}

/// News from the Kafka tasks.
#[derive(Debug)]
pub enum KafkaEvent {
    /// A fresh topic listing (or why it could not be fetched).
    Topics(Result<ClusterSnapshot, KafkaError>),
    /// Bytes on disk per topic (DescribeLogDirs), every 30 s, or why they cannot be had.
    DiskUsage(Result<crate::model::DiskUsage, KafkaError>),
    /// A batch of tailed records. `generation` tells stale batches from an old tail apart.
    Records {
        generation: u64,
        records: Vec<Record>,
    },
    /// The tail is assigned and reading; `notice` explains anything it could not do as asked.
    TailStarted {
        generation: u64,
        partitions: usize,
        /// The topics read so far (a pattern's grow as topics are created).
        topics: Vec<String>,
        notice: Option<String>,
    },
    /// The tail is waiting or failed; the text says why.
    TailStatus {
        generation: u64,
        status: String,
        error: bool,
    },
    /// The broker's answer to a publish.
    Delivery(Delivery),
    /// A record that was not delivered, returned whole so nothing typed is lost.
    Unsent(ProduceRequest),
    /// An error reported by librdkafka (unreachable broker, authentication, ...).
    ClientError(KafkaError),
    /// librdkafka lost its connection to every broker.
    BrokersDown(KafkaError),
    /// Watermarks of the topics on screen: (topic, [(partition, low, high)]).
    Watermarks(TopicWatermarks),
    TopicDetail(Result<TopicDetail, KafkaError>),
    Configs {
        topic: String,
        result: Result<Vec<ConfigItem>, KafkaError>,
    },
    Groups(Result<Vec<GroupSummary>, KafkaError>),
    GroupDetail(Result<GroupDetail, KafkaError>),
    ResetPlan(Result<ResetPlan, KafkaError>),
    Overview(Result<ClusterOverview, KafkaError>),
    TopicDefaults(Result<crate::model::TopicDefaults, KafkaError>),
    /// A write finished: what was asked, and the outcome in words.
    AdminDone {
        what: String,
        result: Result<String, KafkaError>,
    },
}
