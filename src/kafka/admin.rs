//! Cluster metadata: the topic list with partitions and watermarks.

use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, Consumer};

use super::client::UiContext;
use super::model::{ClusterSnapshot, PartitionInfo, TopicInfo};

/// Watermark look-ups per refresh at most: beyond this, counts show as unknown rather than
/// making the refresh take minutes on a large cluster.
pub const MAX_WATERMARK_LOOKUPS: usize = 2000;

/// Lists every topic with its partitions, then fills in watermarks. Blocking: call from a
/// blocking thread, never from the UI loop.
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
    let mut lookups = 0;
    'outer: for t in &mut topics {
        for p in &mut t.partitions {
            if lookups >= MAX_WATERMARK_LOOKUPS {
                break 'outer;
            }
            lookups += 1;
            p.watermarks = client
                .fetch_watermarks(&t.name, p.id, Duration::from_secs(2))
                .ok();
        }
    }
    Ok(ClusterSnapshot {
        brokers: md.brokers().len(),
        topics,
    })
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
