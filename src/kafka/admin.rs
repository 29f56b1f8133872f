//! Cluster metadata and topic administration: the topic list (names first, watermarks on
//! demand), topic detail, configs, create/delete/partitions, and the cluster overview.

use super::error::KafkaError;
use std::time::Duration;

use rdkafka::client::{Client, ClientContext};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::metadata::{MetadataPartition, MetadataTopic};

use super::client::UiContext;
use super::ffi;
use crate::model::{
    BrokerView, ClusterOverview, ClusterSnapshot, ConfigItem, Controller, PartitionDetail,
    PartitionInfo, TopicDefaults, TopicDetail, TopicInfo, TopicWatermarks,
};

const TIMEOUT: Duration = Duration::from_secs(10);

/// Lists every topic with its partitions. Only metadata: one request however many topics, so
/// the list appears at once; watermarks come later for the rows on screen (`watermarks`).
/// Partitions that cannot be asked about (see [`PartitionCheck`]) are left out, and the topic
/// says why in its `error`.
pub fn fetch_topics(
    client: &BaseConsumer<UiContext>,
    timeout: Duration,
) -> Result<ClusterSnapshot, KafkaError> {
    let md = client.fetch_metadata(None, timeout)?;
    let mut topics: Vec<TopicInfo> = Vec::with_capacity(md.topics().len());
    let mut listed = std::collections::HashMap::new();
    for t in md.topics() {
        // A name listed twice would be two rows for one topic: keep the first, say so.
        if let Some(&i) = listed.get(t.name()) {
            let first: &mut TopicInfo = &mut topics[i];
            first.error = Some(join_problems(
                first.error.take(),
                "broker listed this topic more than once".into(),
            ));
            continue;
        }
        listed.insert(t.name(), topics.len());
        let (usable, anomaly) = usable_of(t);
        let mut error = t.error().map(|e| format!("{e:?}"));
        if let Some(a) = anomaly {
            error = Some(join_problems(error, a));
        }
        topics.push(TopicInfo {
            name: t.name().to_string(),
            partitions: usable
                .iter()
                .map(|p| PartitionInfo {
                    id: p.id(),
                    leader: p.leader(),
                    watermarks: None,
                    under_replicated: p.isr().len() < p.replicas().len(),
                })
                .collect(),
            error,
        });
    }
    topics.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(ClusterSnapshot {
        brokers: md.brokers().len(),
        topics,
    })
}

fn join_problems(first: Option<String>, then: String) -> String {
    match first {
        Some(f) if f != then => format!("{f}; {then}"),
        _ => then,
    }
}

/// Which of the partitions a broker listed for a topic may be handed to librdkafka.
///
/// librdkafka finds a partition by id in the topic's metadata, then indexes an array of
/// `count` entries by that id (`rd_kafka_metadata_cache_topic_partition_get`): asked about an
/// id outside `0..count` that the broker listed, it reads past the array, and
/// `rd_kafka_query_watermark_offsets` (the 5 s watermark refresh) or `offsets_for_times`
/// crash. So only ids in `0..count`, once each, are ever asked about; the others are reported.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PartitionCheck {
    /// Positions in the broker's list of the usable partitions (the first of each id), by id.
    pub usable: Vec<usize>,
    /// Ids outside `0..count` (negative ones included).
    pub invalid: Vec<i32>,
    /// Ids listed more than once (each once here).
    pub duplicate: Vec<i32>,
}

impl PartitionCheck {
    pub fn of(ids: &[i32]) -> PartitionCheck {
        let count = ids.len();
        let mut check = PartitionCheck::default();
        let mut seen = std::collections::HashSet::with_capacity(count);
        for (i, &id) in ids.iter().enumerate() {
            if usize::try_from(id).map_or(true, |u| u >= count) {
                check.invalid.push(id);
            } else if !seen.insert(id) {
                if !check.duplicate.contains(&id) {
                    check.duplicate.push(id);
                }
            } else {
                check.usable.push(i);
            }
        }
        check.usable.sort_by_key(|&i| ids[i]);
        check
    }

    /// What is wrong, for the person, or None when the broker's list is sound.
    pub fn anomaly(&self) -> Option<String> {
        let mut parts = Vec::new();
        if !self.invalid.is_empty() {
            parts.push(format!(
                "broker sent invalid partition ids: {}",
                id_list(&self.invalid)
            ));
        }
        if !self.duplicate.is_empty() {
            parts.push(format!(
                "broker sent duplicate partition ids: {}",
                id_list(&self.duplicate)
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// `1, 2, 3` or, past a few, `1, 2, 3, 4, 5, … (12 in all)`.
fn id_list(ids: &[i32]) -> String {
    const SHOWN: usize = 5;
    let mut s = ids
        .iter()
        .take(SHOWN)
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > SHOWN {
        s.push_str(&format!(", … ({} in all)", ids.len()));
    }
    s
}

/// The usable partitions of a topic's metadata (by id) and what is wrong with the rest.
fn usable_of(t: &MetadataTopic) -> (Vec<&MetadataPartition>, Option<String>) {
    let ids: Vec<i32> = t.partitions().iter().map(|p| p.id()).collect();
    let check = PartitionCheck::of(&ids);
    let usable = check.usable.iter().map(|&i| &t.partitions()[i]).collect();
    (usable, check.anomaly())
}

/// The partitions of `topic` that may be asked about now, from a fresh metadata request (which
/// also refreshes librdkafka's cache with what was checked), and what was wrong with the rest.
pub fn usable_partitions(
    client: &BaseConsumer<UiContext>,
    topic: &str,
    timeout: Duration,
) -> Result<(Vec<i32>, Option<String>), KafkaError> {
    let md = client.fetch_metadata(Some(topic), timeout)?;
    let t = md
        .topics()
        .iter()
        .find(|t| t.name() == topic)
        .ok_or_else(|| KafkaError::other(format!("topic {topic:?} not found")))?;
    if let Some(e) = t.error() {
        return Err(KafkaError::other(format!("topic {topic:?}: {e:?}")));
    }
    let (usable, anomaly) = usable_of(t);
    Ok((usable.iter().map(|p| p.id()).collect(), anomaly))
}

/// Whether the metadata says this user may not see `topic` (TopicAuthorizationFailed).
pub fn topic_denied(md: &rdkafka::metadata::Metadata, topic: &str) -> bool {
    md.topics().iter().any(|t| {
        t.name() == topic
            && t.error()
                == Some(
                    rdkafka::types::RDKafkaRespErr::RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED,
                )
    })
}

/// The usable partition ids of `topic` in `md` and what was wrong with the rest, or None when
/// the topic is not listed or has an error.
pub fn usable_in(
    md: &rdkafka::metadata::Metadata,
    topic: &str,
) -> Option<(Vec<i32>, Option<String>)> {
    let t = md.topics().iter().find(|t| t.name() == topic)?;
    if t.error().is_some() {
        return None;
    }
    let (usable, anomaly) = usable_of(t);
    Some((usable.iter().map(|p| p.id()).collect(), anomaly))
}

/// Usable partition ids of every topic in `md` (see [`PartitionCheck`]).
pub fn usable_map(md: &rdkafka::metadata::Metadata) -> std::collections::HashMap<String, Vec<i32>> {
    md.topics()
        .iter()
        .map(|t| {
            let (usable, _) = usable_of(t);
            (
                t.name().to_string(),
                usable.iter().map(|p| p.id()).collect(),
            )
        })
        .collect()
}

/// Watermarks as a broker may send them, checked: `0 <= low <= high`.
pub fn check_watermarks(low: i64, high: i64) -> Option<(i64, i64)> {
    (0 <= low && low <= high).then_some((low, high))
}

/// Why a partition's watermarks are not known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarksError {
    /// The lookup failed (timeout, no leader...): nothing to report beyond a missing figure.
    Unavailable(KafkaError),
    /// The broker answered offsets that cannot be: worth telling the person.
    Impossible(String),
}

/// The watermarks of one partition the caller checked is usable, or why not.
pub fn partition_watermarks(
    client: &BaseConsumer<UiContext>,
    topic: &str,
    partition: i32,
    timeout: Duration,
) -> Result<(i64, i64), MarksError> {
    let (lo, hi) = client
        .fetch_watermarks(topic, partition, timeout)
        .map_err(|e| MarksError::Unavailable(e.into()))?;
    check_watermarks(lo, hi).ok_or_else(|| {
        MarksError::Impossible(format!(
            "broker sent impossible offsets for {topic}[{partition}]: low {lo}, high {hi}"
        ))
    })
}

/// Low and high watermarks of each partition of `topics`: `(topic, [(partition, lo, hi)])`.
pub fn watermarks(
    client: &BaseConsumer<UiContext>,
    topics: &[(String, Vec<i32>)],
) -> TopicWatermarks {
    watermarks_checked(client, topics, &|| false).0
}

/// [`watermarks`], and what the broker got wrong on the way. Only partitions that fresh
/// metadata lists as usable are asked about, whatever the caller passed; `cancelled` is
/// checked between topics.
pub fn watermarks_checked(
    client: &BaseConsumer<UiContext>,
    topics: &[(String, Vec<i32>)],
    cancelled: &dyn Fn() -> bool,
) -> (TopicWatermarks, Vec<String>) {
    let mut problems = Vec::new();
    let mut out = Vec::with_capacity(topics.len());
    for (t, parts) in topics {
        if cancelled() {
            break;
        }
        let usable = match usable_partitions(client, t, Duration::from_secs(2)) {
            Ok((usable, anomaly)) => {
                problems.extend(anomaly.map(|a| format!("topic {t}: {a}")));
                usable
            }
            Err(_) => continue,
        };
        let mut asked: Vec<i32> = parts
            .iter()
            .copied()
            .filter(|p| usable.contains(p))
            .collect();
        asked.sort_unstable();
        asked.dedup();
        let marks = asked
            .into_iter()
            .filter_map(
                |p| match partition_watermarks(client, t, p, Duration::from_secs(2)) {
                    Ok((lo, hi)) => Some((p, lo, hi)),
                    Err(MarksError::Impossible(e)) => {
                        problems.push(e);
                        None
                    }
                    Err(MarksError::Unavailable(_)) => None,
                },
            )
            .collect();
        out.push((t.clone(), marks));
    }
    (out, problems)
}

pub fn topic_detail(
    client: &BaseConsumer<UiContext>,
    topic: &str,
) -> Result<TopicDetail, KafkaError> {
    let md = client.fetch_metadata(Some(topic), TIMEOUT)?;
    let t = md
        .topics()
        .iter()
        .find(|t| t.name() == topic)
        .ok_or_else(|| KafkaError::other(format!("topic {topic:?} not found")))?;
    if let Some(e) = t.error() {
        return Err(KafkaError::other(format!("topic {topic:?}: {e:?}")));
    }
    let (usable, anomaly) = usable_of(t);
    let mut anomalies: Vec<String> = anomaly.into_iter().collect();
    let partitions = usable
        .iter()
        .map(|p| {
            let marks = match partition_watermarks(client, topic, p.id(), Duration::from_secs(3)) {
                Ok(m) => Some(m),
                Err(MarksError::Impossible(e)) => {
                    anomalies.push(e);
                    None
                }
                Err(MarksError::Unavailable(_)) => None,
            };
            PartitionDetail {
                id: p.id(),
                leader: p.leader(),
                replicas: p.replicas().to_vec(),
                isr: p.isr().to_vec(),
                low: marks.map(|m| m.0),
                high: marks.map(|m| m.1),
            }
        })
        .collect();
    Ok(TopicDetail {
        name: topic.to_string(),
        partitions,
        anomalies,
    })
}

/// How long an admin request may take before it is reported as timed out.
const ADMIN_TIMEOUT: Duration = TIMEOUT;

fn source_name(s: rdkafka::bindings::rd_kafka_ConfigSource_t) -> &'static str {
    use rdkafka::bindings::rd_kafka_ConfigSource_t as S;
    match s {
        S::RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG => "DynamicTopic",
        S::RD_KAFKA_CONFIG_SOURCE_DYNAMIC_BROKER_CONFIG => "DynamicBroker",
        S::RD_KAFKA_CONFIG_SOURCE_DYNAMIC_DEFAULT_BROKER_CONFIG => "DynamicDefaultBroker",
        S::RD_KAFKA_CONFIG_SOURCE_STATIC_BROKER_CONFIG => "StaticBroker",
        S::RD_KAFKA_CONFIG_SOURCE_DEFAULT_CONFIG => "Default",
        S::RD_KAFKA_CONFIG_SOURCE_GROUP_CONFIG => "Group",
        _ => "Unknown",
    }
}

/// A topic's configs, overrides first. Blocking.
pub fn describe_configs<C: ClientContext>(
    client: &Client<C>,
    topic: &str,
) -> Result<Vec<ConfigItem>, KafkaError> {
    let entries = ffi::admin::describe_topic_configs(client, topic, ADMIN_TIMEOUT)?;
    let mut items: Vec<ConfigItem> = entries
        .into_iter()
        .map(|e| ConfigItem {
            overridden: e.source
                == rdkafka::bindings::rd_kafka_ConfigSource_t::RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG,
            source: source_name(e.source).to_string(),
            read_only: e.read_only,
            sensitive: e.sensitive,
            value: if e.sensitive {
                Some("********".into())
            } else {
                e.value
            },
            name: e.name,
        })
        .collect();
    items.sort_by(|a, b| b.overridden.cmp(&a.overridden).then(a.name.cmp(&b.name)));
    Ok(items)
}

/// How a config was set: one key alone, or (on a broker without IncrementalAlterConfigs) the
/// whole set of overrides sent again with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSet {
    Incremental,
    /// AlterConfigs replaces every override: the ones we could read were sent along; sensitive
    /// ones (their values are hidden) could not be and were reset.
    Replaced {
        reset_sensitive: Vec<String>,
    },
}

/// Sets one topic config and leaves the others as they are (IncrementalAlterConfigs). A broker
/// older than Kafka 2.3 has only AlterConfigs, which replaces the topic's whole set of
/// overrides: there the current overrides are read and sent along, and the result says so.
/// Blocking.
pub fn alter_config<C: ClientContext>(
    client: &Client<C>,
    topic: &str,
    key: &str,
    value: &str,
) -> Result<ConfigSet, KafkaError> {
    use rdkafka::types::RDKafkaErrorCode as E;
    match ffi::admin::set_topic_config(client, topic, key, value, ADMIN_TIMEOUT) {
        Ok(()) => return Ok(ConfigSet::Incremental),
        Err(e) if matches!(e.code, E::UnsupportedFeature | E::UnsupportedVersion) => {
            tracing::info!("IncrementalAlterConfigs unsupported ({e}): replacing the overrides");
        }
        Err(e) => return Err(e.into()),
    }
    let current = describe_configs(client, topic)?;
    let mut set: Vec<(String, String)> = Vec::new();
    let mut reset_sensitive = Vec::new();
    for c in current.iter().filter(|c| c.overridden && c.name != key) {
        match (&c.value, c.sensitive) {
            (Some(v), false) => set.push((c.name.clone(), v.clone())),
            (_, true) => reset_sensitive.push(c.name.clone()),
            (None, false) => {}
        }
    }
    set.push((key.to_string(), value.to_string()));
    ffi::admin::replace_topic_configs(client, topic, &set, ADMIN_TIMEOUT)?;
    Ok(ConfigSet::Replaced { reset_sensitive })
}

/// Pauses between read-backs of a config just set. Kafka's controller accepts the change and
/// the brokers apply it from the metadata log a moment later, so the broker asked first may
/// still report the old value (seen on a loaded 3-node KRaft cluster): only a value still
/// missing after these is reported as not applied.
pub const READ_BACK_WAITS: [Duration; 5] = [
    Duration::from_millis(0),
    Duration::from_millis(200),
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
];

/// Reads the topic's configs (with `describe`) until `key` holds `value`, pausing by `waits`:
/// `Ok` with what to add to the report, `Err` with what the broker last reported instead.
pub fn read_back(
    mut describe: impl FnMut() -> Result<Vec<crate::model::ConfigItem>, KafkaError>,
    key: &str,
    value: &str,
    waits: &[Duration],
) -> Result<String, String> {
    let mut last = Ok(String::new());
    for wait in waits {
        std::thread::sleep(*wait);
        last = match describe() {
            Ok(items) => applied(&items, key, value),
            Err(e) => return Ok(format!(" (not read back: {e})")),
        };
        if last.is_ok() {
            break;
        }
    }
    last
}

/// Whether the topic's configs, read after setting `key`, hold the value set: `Ok` with what to
/// add to the report, `Err` saying what the broker reports instead.
pub fn applied(
    items: &[crate::model::ConfigItem],
    key: &str,
    value: &str,
) -> Result<String, String> {
    match items.iter().find(|c| c.name == key) {
        // Sensitive values are never returned: nothing to compare.
        Some(c) if c.sensitive => Ok(String::new()),
        Some(c) if c.value.as_deref().map(str::trim) == Some(value.trim()) => Ok(String::new()),
        Some(c) => Err(format!(
            "{key} was not applied: the broker accepted the change but reports {key} = {} ({})",
            c.value.as_deref().unwrap_or("null"),
            c.source
        )),
        None => Err(format!(
            "{key} was not applied: the broker accepted the change but lists no such config"
        )),
    }
}

/// Blocking.
pub fn create_topic<C: ClientContext>(
    client: &Client<C>,
    name: &str,
    partitions: i32,
    replication: i32,
    configs: &[(String, String)],
) -> Result<(), KafkaError> {
    ffi::admin::create_topic(
        client,
        name,
        partitions,
        replication,
        configs,
        ADMIN_TIMEOUT,
    )
    .map_err(KafkaError::from)
}

/// Blocking.
pub fn delete_topic<C: ClientContext>(client: &Client<C>, name: &str) -> Result<(), KafkaError> {
    ffi::admin::delete_topic(client, name, ADMIN_TIMEOUT).map_err(KafkaError::from)
}

/// Grows `name` to `total` partitions, after checking what the broker says it has now: a
/// topic whose partition list cannot be trusted is not changed. Blocking.
pub fn add_partitions(
    meta: &BaseConsumer<UiContext>,
    name: &str,
    total: usize,
) -> Result<(), KafkaError> {
    let (usable, anomaly) = usable_partitions(meta, name, TIMEOUT)?;
    if let Some(a) = anomaly {
        return Err(KafkaError::other(format!("not changing {name}: {a}")));
    }
    if total <= usable.len() {
        return Err(KafkaError::other(format!(
            "{name} has {} already: the new total must be more",
            crate::model::count(usable.len() as u64, "partition")
        )));
    }
    ffi::admin::create_partitions(meta.client(), name, total, ADMIN_TIMEOUT)
        .map_err(KafkaError::from)
}

/// The cluster view: brokers with their racks and the controller from DescribeCluster (Kafka
/// 2.8+), the counts from Metadata. Brokers without DescribeCluster (and the embedded broker)
/// get the Metadata answer, without racks.
pub fn overview(
    client: &BaseConsumer<UiContext>,
    embedded: bool,
) -> Result<ClusterOverview, KafkaError> {
    let md = client.fetch_metadata(None, TIMEOUT)?;
    let described = if embedded {
        None
    } else {
        ffi::admin::describe_cluster(client.client(), Duration::from_secs(5))
            .inspect_err(|e| tracing::info!("DescribeCluster: {e}"))
            .ok()
    };
    let mut brokers: Vec<BrokerView> = match &described {
        Some(d) if !d.nodes.is_empty() => d
            .nodes
            .iter()
            .map(|n| BrokerView {
                id: n.id,
                host: n.host.clone(),
                port: i32::from(n.port),
                rack: n.rack.clone(),
            })
            .collect(),
        _ => md
            .brokers()
            .iter()
            .map(|b| BrokerView {
                id: b.id(),
                host: b.host().to_string(),
                port: b.port(),
                rack: None,
            })
            .collect(),
    };
    brokers.sort_by_key(|b| b.id);
    let partitions = md.topics().iter().map(|t| t.partitions().len()).sum();
    let under_replicated = md
        .topics()
        .iter()
        .flat_map(|t| t.partitions())
        .filter(|p| p.isr().len() < p.replicas().len())
        .count();
    let said = match &described {
        Some(d) => d.controller,
        None => ffi::controller_id(client.client(), 5000),
    };
    let controller = match (
        embedded,
        brokers.first().and_then(|b| is_kraft(client, b.id)),
        said,
    ) {
        (true, _, _) => Controller::Embedded,
        (false, Some(true), _) => Controller::Kraft,
        (false, Some(false), Some(id)) => Controller::Broker(id),
        (false, None, Some(id)) => Controller::Unsure(id),
        (false, _, None) => Controller::NotReported,
    };
    Ok(ClusterOverview {
        cluster_id: match described.and_then(|d| d.cluster_id) {
            Some(id) => Some(id),
            None => client.client().fetch_cluster_id(Duration::from_secs(5)),
        },
        controller,
        brokers,
        topics: md.topics().len(),
        partitions,
        under_replicated,
    })
}

/// What a topic created without partitions, replication or configs gets on this cluster: the
/// first broker's `num.partitions`, `default.replication.factor` and the `log.*` defaults
/// that become a new topic's configs.
pub fn topic_defaults(client: &BaseConsumer<UiContext>) -> Result<TopicDefaults, KafkaError> {
    let md = client.fetch_metadata(None, TIMEOUT)?;
    let id = md
        .brokers()
        .iter()
        .map(|b| b.id())
        .min()
        .ok_or_else(|| KafkaError::other("the cluster lists no broker"))?;
    let entries = ffi::admin::describe_broker_configs(client.client(), id, ADMIN_TIMEOUT)?;
    let get = |name: &str| {
        entries
            .iter()
            .find(|e| e.name == name)
            .and_then(|e| e.value.clone())
            .filter(|v| !v.is_empty())
    };
    Ok(defaults_from(id, get))
}

/// The defaults from a broker's configs (`get` reads one by name).
pub fn defaults_from(id: i32, get: impl Fn(&str) -> Option<String>) -> TopicDefaults {
    // Kafka's precedence for retention: ms, then minutes, then hours.
    let retention = get("log.retention.ms").or_else(|| {
        let scaled = |name: &str, by: i64| {
            get(name)?
                .parse::<i64>()
                .ok()
                .map(|n| n.saturating_mul(by).to_string())
        };
        scaled("log.retention.minutes", 60_000).or_else(|| scaled("log.retention.hours", 3_600_000))
    });
    let mut configs = Vec::new();
    for (topic_name, value) in [
        ("cleanup.policy", get("log.cleanup.policy")),
        ("retention.ms", retention),
        ("retention.bytes", get("log.retention.bytes")),
        ("min.insync.replicas", get("min.insync.replicas")),
        ("compression.type", get("compression.type")),
        ("max.message.bytes", get("message.max.bytes")),
    ] {
        if let Some(v) = value {
            configs.push((topic_name.to_string(), v));
        }
    }
    TopicDefaults {
        from: format!("broker {id}"),
        partitions: get("num.partitions"),
        replication: get("default.replication.factor"),
        configs,
        note: None,
    }
}

/// Whether broker `id` runs in KRaft mode: its `process.roles` is set (empty in ZooKeeper
/// mode); `None` when the user may not describe the broker's configs.
fn is_kraft(client: &BaseConsumer<UiContext>, id: i32) -> Option<bool> {
    let entries = ffi::admin::describe_broker_configs(client.client(), id, Duration::from_secs(5))
        .inspect_err(|e| tracing::info!("broker {id} configs: {e}"))
        .ok()?;
    Some(
        entries.iter().any(|e| {
            e.name == "process.roles" && e.value.as_deref().is_some_and(|v| !v.is_empty())
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_the_broker_did_not_apply_is_said() {
        let item = |name: &str, value: Option<&str>, sensitive: bool| crate::model::ConfigItem {
            name: name.into(),
            value: value.map(String::from),
            overridden: true,
            source: "DYNAMIC_TOPIC_CONFIG".into(),
            read_only: false,
            sensitive,
        };
        let items = [
            item("retention.ms", Some("1000"), false),
            item("ssl.key", None, true),
        ];
        assert_eq!(applied(&items, "retention.ms", " 1000"), Ok(String::new()));
        assert_eq!(applied(&items, "ssl.key", "x"), Ok(String::new()));
        let e = applied(&items, "retention.ms", "5000").unwrap_err();
        assert!(
            e.contains("not applied") && e.contains("retention.ms = 1000"),
            "{e}"
        );
        assert!(applied(&items, "nope", "1")
            .unwrap_err()
            .contains("no such config"));
    }

    #[test]
    fn a_config_read_back_waits_for_the_brokers_to_apply_it() {
        let item = |value: &str| crate::model::ConfigItem {
            name: "retention.ms".into(),
            value: Some(value.into()),
            overridden: true,
            source: "DYNAMIC_TOPIC_CONFIG".into(),
            read_only: false,
            sensitive: false,
        };
        let waits = [Duration::ZERO; 3];
        // The old value twice, then the new one: applied, after three reads.
        let mut reads = 0;
        let r = read_back(
            || {
                reads += 1;
                Ok(vec![item(if reads < 3 { "1000" } else { "5000" })])
            },
            "retention.ms",
            "5000",
            &waits,
        );
        assert_eq!((r, reads), (Ok(String::new()), 3));
        // Never the new one: not applied, with the last value read, after every wait.
        let mut reads = 0;
        let r = read_back(
            || {
                reads += 1;
                Ok(vec![item("1000")])
            },
            "retention.ms",
            "5000",
            &waits,
        );
        assert!(
            r.as_ref()
                .unwrap_err()
                .contains("reports retention.ms = 1000"),
            "{r:?}"
        );
        assert_eq!(reads, 3);
        // A failed read is said, not taken for a refusal.
        let r = read_back(
            || Err(KafkaError::other("timed out")),
            "retention.ms",
            "5000",
            &waits,
        );
        assert!(r.unwrap().contains("not read back: timed out"));
    }
}
