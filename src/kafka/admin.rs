//! Cluster metadata and topic administration: the topic list (names first, watermarks on
//! demand), topic detail, configs, create/delete/partitions, and the cluster overview.

use super::model::TopicWatermarks;
use std::time::Duration;

use rdkafka::admin::{
    AdminClient, AdminOptions, AlterConfig, ConfigSource, NewPartitions, NewTopic,
    ResourceSpecifier, TopicReplication,
};
use rdkafka::consumer::{BaseConsumer, Consumer};

use super::client::{ClientSettings, UiContext};
use super::ffi;
use super::model::{ClusterSnapshot, PartitionInfo, TopicInfo};

const TIMEOUT: Duration = Duration::from_secs(10);

/// Lists every topic with its partitions. Only metadata: one request however many topics, so
/// the list appears at once; watermarks come later for the rows on screen (`watermarks`).
pub fn fetch_topics(
    client: &BaseConsumer<UiContext>,
    timeout: Duration,
) -> Result<ClusterSnapshot, String> {
    let md = client
        .fetch_metadata(None, timeout)
        .map_err(describe_error)?;
    let mut topics: Vec<TopicInfo> = md
        .topics()
        .iter()
        .map(|t| TopicInfo {
            name: t.name().to_string(),
            partitions: t
                .partitions()
                .iter()
                .map(|p| PartitionInfo {
                    id: p.id(),
                    leader: p.leader(),
                    watermarks: None,
                })
                .collect(),
            error: t.error().map(|e| format!("{e:?}")),
        })
        .collect();
    topics.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(ClusterSnapshot {
        brokers: md.brokers().len(),
        topics,
    })
}

/// Low and high watermarks of each partition of `topics`: `(topic, [(partition, lo, hi)])`.
pub fn watermarks(
    client: &BaseConsumer<UiContext>,
    topics: &[(String, Vec<i32>)],
) -> TopicWatermarks {
    topics
        .iter()
        .map(|(t, parts)| {
            let marks = parts
                .iter()
                .filter_map(|&p| {
                    client
                        .fetch_watermarks(t, p, Duration::from_secs(2))
                        .ok()
                        .map(|(lo, hi)| (p, lo, hi))
                })
                .collect();
            (t.clone(), marks)
        })
        .collect()
}

/// A short, human explanation of a metadata failure.
pub fn describe_error(e: rdkafka::error::KafkaError) -> String {
    use rdkafka::types::RDKafkaErrorCode as C;
    match e.rdkafka_error_code() {
        Some(C::BrokerTransportFailure) | Some(C::AllBrokersDown) | Some(C::OperationTimedOut) => {
            format!("cannot reach the cluster ({e})")
        }
        Some(C::Authentication) | Some(C::SaslAuthenticationFailed) => {
            format!("authentication failed ({e})")
        }
        _ => e.to_string(),
    }
}

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
}

pub fn topic_detail(client: &BaseConsumer<UiContext>, topic: &str) -> Result<TopicDetail, String> {
    let md = client
        .fetch_metadata(Some(topic), TIMEOUT)
        .map_err(describe_error)?;
    let t = md
        .topics()
        .iter()
        .find(|t| t.name() == topic)
        .ok_or_else(|| format!("topic {topic:?} not found"))?;
    if let Some(e) = t.error() {
        return Err(format!("topic {topic:?}: {e:?}"));
    }
    let partitions = t
        .partitions()
        .iter()
        .map(|p| {
            let marks = client
                .fetch_watermarks(topic, p.id(), Duration::from_secs(3))
                .ok();
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
    })
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

pub fn create_admin(
    settings: &ClientSettings,
    ctx: UiContext,
) -> anyhow::Result<AdminClient<UiContext>> {
    Ok(settings.client_config().create_with_context(ctx)?)
}

fn opts() -> AdminOptions {
    AdminOptions::new()
        .operation_timeout(Some(TIMEOUT))
        .request_timeout(Some(TIMEOUT))
}

type AdminResults<T> =
    Result<Vec<Result<T, (String, rdkafka::types::RDKafkaErrorCode)>>, rdkafka::error::KafkaError>;

fn one<T>(res: AdminResults<T>) -> Result<(), String> {
    match res.map_err(|e| e.to_string())?.into_iter().next() {
        Some(Ok(_)) => Ok(()),
        Some(Err((_, code))) => Err(code.to_string()),
        None => Err("the broker gave no answer".into()),
    }
}

pub async fn describe_configs(
    admin: &AdminClient<UiContext>,
    topic: &str,
) -> Result<Vec<ConfigItem>, String> {
    let res = admin
        .describe_configs(&[ResourceSpecifier::Topic(topic)], &opts())
        .await
        .map_err(|e| e.to_string())?;
    let resource = res
        .into_iter()
        .next()
        .ok_or("the broker gave no answer")?
        .map_err(|e| e.to_string())?;
    let mut items: Vec<ConfigItem> = resource
        .entries
        .into_iter()
        .map(|e| ConfigItem {
            overridden: matches!(e.source, ConfigSource::DynamicTopic),
            source: format!("{:?}", e.source),
            read_only: e.is_read_only,
            sensitive: e.is_sensitive,
            value: if e.is_sensitive {
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

/// Sets one topic config. AlterConfigs replaces the topic's whole set of overrides, so the
/// current overrides are sent along with the new value.
pub async fn alter_config(
    admin: &AdminClient<UiContext>,
    topic: &str,
    key: &str,
    value: &str,
) -> Result<(), String> {
    let current = describe_configs(admin, topic).await?;
    let mut alter = AlterConfig::new(ResourceSpecifier::Topic(topic));
    for c in current
        .iter()
        .filter(|c| c.overridden && c.name != key && !c.sensitive)
    {
        if let Some(v) = &c.value {
            alter = alter.set(&c.name, v);
        }
    }
    alter = alter.set(key, value);
    let res = admin
        .alter_configs(&[alter], &opts())
        .await
        .map_err(|e| e.to_string())?;
    match res.into_iter().next() {
        Some(Ok(_)) => Ok(()),
        Some(Err((_, code))) => Err(code.to_string()),
        None => Err("the broker gave no answer".into()),
    }
}

pub async fn create_topic(
    admin: &AdminClient<UiContext>,
    name: &str,
    partitions: i32,
    replication: i32,
    configs: &[(String, String)],
) -> Result<(), String> {
    let mut t = NewTopic::new(name, partitions, TopicReplication::Fixed(replication));
    for (k, v) in configs {
        t = t.set(k, v);
    }
    one(admin.create_topics(&[t], &opts()).await)
}

pub async fn delete_topic(admin: &AdminClient<UiContext>, name: &str) -> Result<(), String> {
    one(admin.delete_topics(&[name], &opts()).await)
}

pub async fn add_partitions(
    admin: &AdminClient<UiContext>,
    name: &str,
    total: usize,
) -> Result<(), String> {
    one(admin
        .create_partitions(&[NewPartitions::new(name, total)], &opts())
        .await)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerView {
    pub id: i32,
    pub host: String,
    pub port: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterOverview {
    pub cluster_id: Option<String>,
    pub controller: Option<i32>,
    pub brokers: Vec<BrokerView>,
    pub topics: usize,
    pub partitions: usize,
    pub under_replicated: usize,
}

pub fn overview(client: &BaseConsumer<UiContext>) -> Result<ClusterOverview, String> {
    let md = client
        .fetch_metadata(None, TIMEOUT)
        .map_err(describe_error)?;
    let mut brokers: Vec<BrokerView> = md
        .brokers()
        .iter()
        .map(|b| BrokerView {
            id: b.id(),
            host: b.host().to_string(),
            port: b.port(),
        })
        .collect();
    brokers.sort_by_key(|b| b.id);
    let partitions = md.topics().iter().map(|t| t.partitions().len()).sum();
    let under_replicated = md
        .topics()
        .iter()
        .flat_map(|t| t.partitions())
        .filter(|p| p.isr().len() < p.replicas().len())
        .count();
    Ok(ClusterOverview {
        cluster_id: client.client().fetch_cluster_id(Duration::from_secs(5)),
        controller: ffi::controller_id(client.client(), 5000),
        brokers,
        topics: md.topics().len(),
        partitions,
        under_replicated,
    })
}
