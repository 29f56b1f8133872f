//! Topics and the cluster: the listing the topics pane shows, one topic's detail and configs,
//! the cluster overview.

/// What the topics pane shows about one topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicInfo {
    pub name: String,
    pub partitions: Vec<PartitionInfo>,
    /// Metadata error for this topic, if the broker reported one.
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionInfo {
    pub id: i32,
    pub leader: i32,
    /// (low, high) watermarks; `None` until fetched or when the fetch failed.
    pub watermarks: Option<(i64, i64)>,
    /// Fewer replicas in sync than assigned, as the metadata says.
    pub under_replicated: bool,
}

impl TopicInfo {
    pub fn is_internal(&self) -> bool {
        self.name.starts_with("__") || self.name.starts_with("_confluent")
    }

    /// Offsets currently held: sum of high - low over partitions whose watermarks are known.
    /// An upper bound on the records a consumer reads: transaction markers and compacted-away
    /// records take offsets too (the UI labels it "Offsets").
    /// Saturating: offsets come from the broker, and `i64::MAX - -1` must not wrap or panic.
    pub fn record_count(&self) -> Option<i64> {
        let mut total = 0i64;
        let mut known = false;
        for p in &self.partitions {
            if let Some((lo, hi)) = p.watermarks {
                total = total.saturating_add(hi.saturating_sub(lo).max(0));
                known = true;
            }
        }
        known.then_some(total)
    }
}

/// One metadata refresh: what the topics pane and the header show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterSnapshot {
    pub brokers: usize,
    pub topics: Vec<TopicInfo>,
}

/// Watermarks of some topics: (topic, [(partition, low, high)]).
pub type TopicWatermarks = Vec<(String, Vec<(i32, i64, i64)>)>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionDetail {
    pub id: i32,
    pub leader: i32,
    pub replicas: Vec<i32>,
    pub isr: Vec<i32>,
    pub low: Option<i64>,
    pub high: Option<i64>,
}

impl PartitionDetail {
    pub fn under_replicated(&self) -> bool {
        self.isr.len() < self.replicas.len()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicDetail {
    pub name: String,
    pub partitions: Vec<PartitionDetail>,
    /// What the broker got wrong about this topic (impossible partition ids or offsets).
    pub anomalies: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigItem {
    pub name: String,
    pub value: Option<String>,
    /// Set on the topic itself (not a broker or built-in default).
    pub overridden: bool,
    pub source: String,
    pub read_only: bool,
    pub sensitive: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerView {
    pub id: i32,
    pub host: String,
    pub port: i32,
    /// `broker.rack`, from DescribeCluster; `None` when unset or not answered.
    pub rack: Option<String>,
}

/// Who the controller is, as far as a client can know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Controller {
    /// The controller broker (ZooKeeper mode: the Metadata and DescribeCluster answers).
    Broker(i32),
    /// KRaft: brokers answer a random live broker as "controller"; the active controller is
    /// the quorum leader, which only DescribeQuorum tells (not in librdkafka).
    Kraft,
    /// The embedded broker: librdkafka's mock cluster has no controller (it answers 0).
    Embedded,
    /// What the brokers report, when the mode could not be told (the user may not describe
    /// broker configs): the controller in ZooKeeper mode, any live broker in KRaft.
    Unsure(i32),
    NotReported,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterOverview {
    pub cluster_id: Option<String>,
    pub controller: Controller,
    pub brokers: Vec<BrokerView>,
    pub topics: usize,
    pub partitions: usize,
    pub under_replicated: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_count_of_impossible_offsets_neither_wraps_nor_panics() {
        let t = |marks: &[(i64, i64)]| TopicInfo {
            name: "t".into(),
            partitions: marks
                .iter()
                .enumerate()
                .map(|(i, &m)| PartitionInfo {
                    id: i as i32,
                    leader: 1,
                    watermarks: Some(m),
                    under_replicated: false,
                })
                .collect(),
            error: None,
        };
        assert_eq!(t(&[(0, 10), (5, 7)]).record_count(), Some(12));
        assert_eq!(t(&[(-1, i64::MAX)]).record_count(), Some(i64::MAX));
        assert_eq!(
            t(&[(0, i64::MAX), (0, i64::MAX)]).record_count(),
            Some(i64::MAX)
        );
        assert_eq!(t(&[(i64::MAX, i64::MIN)]).record_count(), Some(0));
    }
}

/// Bytes on disk per topic, summed over every replica of every partition (what each broker's
/// log directories hold), as the brokers answered DescribeLogDirs.
/// What a topic created with empty fields gets: the cluster's defaults as a broker reports
/// them (DescribeConfigs of a broker), shown in the create form before Enter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TopicDefaults {
    /// Where they come from (`broker 1`, `the embedded broker`).
    pub from: String,
    /// `num.partitions`.
    pub partitions: Option<String>,
    /// `default.replication.factor`.
    pub replication: Option<String>,
    /// The topic configs a new topic inherits (`cleanup.policy=delete`), in Kafka's topic names.
    pub configs: Vec<(String, String)>,
    /// A word on what the broker does with the fields (the embedded broker ignores some).
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiskUsage {
    pub bytes: std::collections::HashMap<String, u64>,
    /// How many brokers were asked, and how many answered: fewer answers, smaller sums.
    pub brokers: usize,
    pub answered: usize,
    /// Why a broker did not answer (the first such reason).
    pub problem: Option<String>,
}
