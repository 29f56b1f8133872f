//! Everything that can happen to the app, from the terminal or from background tasks.

use crate::kafka::model::TopicWatermarks;
use crossterm::event::{KeyEvent, MouseEvent};

use crate::kafka::admin::{ClusterOverview, ConfigItem, TopicDetail};
use crate::kafka::groups::{GroupDetail, GroupSummary, ResetPlan};
use crate::kafka::model::{ClusterSnapshot, Delivery, Record};

#[derive(Debug)]
pub enum Event {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// Text pasted into the terminal (bracketed paste): one event, not a key per character.
    Paste(String),
    Kafka(KafkaEvent),
    Log(LogEvent),
}

/// News from the Kafka tasks.
#[derive(Debug)]
pub enum KafkaEvent {
    /// A fresh topic listing (or why it could not be fetched).
    Topics(Result<ClusterSnapshot, String>),
    /// A batch of tailed records. `generation` tells stale batches from an old tail apart.
    Records {
        generation: u64,
        records: Vec<Record>,
    },
    /// The tail is assigned and reading; `notice` explains anything it could not do as asked.
    TailStarted {
        generation: u64,
        partitions: usize,
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
    Unsent(crate::kafka::producer::ProduceRequest),
    /// An error reported by librdkafka (unreachable broker, authentication, ...).
    ClientError(String),
    /// librdkafka lost its connection to every broker.
    BrokersDown(String),
    /// Watermarks of the topics on screen: (topic, [(partition, low, high)]).
    Watermarks(TopicWatermarks),
    TopicDetail(Result<TopicDetail, String>),
    Configs {
        topic: String,
        result: Result<Vec<ConfigItem>, String>,
    },
    Groups(Result<Vec<GroupSummary>, String>),
    GroupDetail(Result<GroupDetail, String>),
    ResetPlan(Result<ResetPlan, String>),
    Overview(Result<ClusterOverview, String>),
    /// A write finished: what was asked, and the outcome in words.
    AdminDone {
        what: String,
        result: Result<String, String>,
    },
}

/// News from a log source (see `broker::logs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogEvent {
    Lines {
        source: usize,
        lines: Vec<String>,
    },
    /// The source changed state: started, exited, file rotated, ...
    Status {
        source: usize,
        text: String,
    },
}
