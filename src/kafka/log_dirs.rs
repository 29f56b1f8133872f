//! Size on disk: DescribeLogDirs, asked of each broker over its own connection.
//!
//! librdkafka has no DescribeLogDirs (its admin API stops short of it), so this sends that one
//! request over a connection of our own (`direct`: PLAINTEXT, TLS, SASL PLAIN and SCRAM, as
//! the cluster's properties say), with the `kafka-protocol` crate encoding the request and
//! decoding the answer.
//!
//! A broker's answer is untrusted: its frame length is bounded before anything is read, a
//! broker that does not answer in time is given up, and sizes below zero count as zero.

use std::collections::HashMap;
use std::time::Duration;

use kafka_protocol::messages::{DescribeLogDirsRequest, DescribeLogDirsResponse};

use super::direct::{Connection, Security};
use crate::model::DiskUsage;

/// Version 1: answered by Kafka 1.0 up to 4.x (4.0 dropped only version 0), and not yet
/// "flexible", so its header is the plain one every broker reads.
const VERSION: i16 = 1;

/// The request: every topic (`topics` null).
fn request() -> DescribeLogDirsRequest {
    DescribeLogDirsRequest::default().with_topics(None)
}

/// Bytes per topic in one broker's answer.
pub fn sizes_in(resp: &DescribeLogDirsResponse) -> Result<HashMap<String, u64>, String> {
    // Every broker has a log directory; Kafka answers none (and, before version 3, no error
    // code) when the user lacks Describe on the cluster.
    if resp.results.is_empty() {
        return Err("the broker listed no log directory: this user may not Describe the cluster (DescribeLogDirs needs it)".into());
    }
    let mut sizes: HashMap<String, u64> = HashMap::new();
    for dir in resp.results.iter().filter(|d| d.error_code == 0) {
        for t in &dir.topics {
            let total = sizes.entry(t.name.0.to_string()).or_default();
            for p in t.partitions.iter().filter(|p| !p.is_future_key) {
                *total = total.saturating_add(p.partition_size.max(0) as u64);
            }
        }
    }
    if sizes.is_empty() {
        if let Some(d) = resp.results.iter().find(|d| d.error_code != 0) {
            return Err(format!("the broker answered error code {}", d.error_code));
        }
    }
    Ok(sizes)
}

/// Asks one broker, within `wait` (connecting and logging in included).
pub async fn ask(
    host: &str,
    port: i32,
    security: &Security,
    wait: Duration,
) -> Result<HashMap<String, u64>, String> {
    let exchange = async {
        let mut conn = Connection::open(host, port, security).await?;
        sizes_in(&conn.call(VERSION, &request()).await?)
    };
    match tokio::time::timeout(wait, exchange).await {
        Ok(r) => r,
        Err(_) => Err(format!(
            "no answer within {}",
            humantime::format_duration(wait)
        )),
    }
}

/// How to reach this cluster's brokers for sizes on disk, or why they cannot be asked.
pub fn security(settings: &super::client::ClientSettings) -> Result<Security, String> {
    if settings.embedded_admin.is_some() {
        return Err(
            "the embedded broker (librdkafka's mock cluster) does not answer DescribeLogDirs"
                .into(),
        );
    }
    Security::from_settings(settings)
        .map_err(|why| format!("{why} (kafka-log-dirs --describe gives it)"))
}

/// A broker as metadata lists it: id, host, port.
pub type Broker = (i32, String, i32);

/// Asks every broker at once and sums their answers; the brokers that failed are counted and
/// the first reason kept.
pub async fn disk_usage(brokers: &[Broker], security: &Security, wait: Duration) -> DiskUsage {
    let asks = brokers.iter().map(|(id, host, port)| async move {
        let addr = super::direct::address(host, *port);
        (*id, addr, ask(host, *port, security, wait).await)
    });
    let answers = futures::future::join_all(asks).await;
    let mut usage = DiskUsage {
        brokers: brokers.len(),
        ..Default::default()
    };
    for (id, addr, answer) in answers {
        match answer {
            Ok(sizes) => {
                usage.answered += 1;
                for (topic, n) in sizes {
                    let total = usage.bytes.entry(topic).or_default();
                    *total = total.saturating_add(n);
                }
            }
            Err(why) => {
                tracing::debug!("DescribeLogDirs from broker {id} ({addr}): {why}");
                usage
                    .problem
                    .get_or_insert_with(|| format!("broker {id} ({addr}): {why}"));
            }
        }
    }
    usage
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::direct;
    use bytes::{Buf, Bytes, BytesMut};
    use kafka_protocol::messages::describe_log_dirs_response::{
        DescribeLogDirsPartition, DescribeLogDirsResult, DescribeLogDirsTopic,
    };
    use kafka_protocol::messages::TopicName;
    use kafka_protocol::messages::{RequestHeader, ResponseHeader};
    use kafka_protocol::protocol::{Decodable, Encodable, HeaderVersion, StrBytes};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// An answer as a broker frames it (without the length).
    pub(super) fn answer(correlation_id: i32, dirs: Vec<DescribeLogDirsResult>) -> Vec<u8> {
        let mut out = BytesMut::new();
        ResponseHeader::default()
            .with_correlation_id(correlation_id)
            .encode(&mut out, DescribeLogDirsResponse::header_version(VERSION))
            .unwrap();
        DescribeLogDirsResponse::default()
            .with_results(dirs)
            .encode(&mut out, VERSION)
            .unwrap();
        out.to_vec()
    }

    pub(super) fn dir(topics: &[(&str, &[i64])]) -> DescribeLogDirsResult {
        DescribeLogDirsResult::default()
            .with_log_dir(StrBytes::from_static_str("/var/kafka"))
            .with_topics(
                topics
                    .iter()
                    .map(|(name, sizes)| {
                        DescribeLogDirsTopic::default()
                            .with_name(TopicName(StrBytes::from_string(name.to_string())))
                            .with_partitions(
                                sizes
                                    .iter()
                                    .enumerate()
                                    .map(|(i, s)| {
                                        DescribeLogDirsPartition::default()
                                            .with_partition_index(i as i32)
                                            .with_partition_size(*s)
                                    })
                                    .collect(),
                            )
                    })
                    .collect(),
            )
    }

    #[test]
    fn the_request_is_describe_log_dirs_v1_for_every_topic() {
        let framed = direct::frame(7, VERSION, &request()).unwrap();
        let len = i32::from_be_bytes(framed[..4].try_into().unwrap()) as usize;
        assert_eq!(len, framed.len() - 4);
        let mut body = bytes::Bytes::copy_from_slice(&framed[4..]);
        let header = RequestHeader::decode(&mut body, 1).unwrap();
        assert_eq!(
            (
                header.request_api_key,
                header.request_api_version,
                header.correlation_id
            ),
            (35, 1, 7)
        );
        let req = DescribeLogDirsRequest::decode(&mut body, 1).unwrap();
        assert_eq!(req.topics, None, "null asks for every topic");
        assert!(!body.has_remaining());
    }

    #[test]
    fn sizes_sum_partitions_and_dirs_and_never_go_negative() {
        let frame = answer(
            3,
            vec![
                dir(&[("orders", &[100, 200]), ("logs", &[-5])]),
                dir(&[("orders", &[50])]),
            ],
        );
        let decode = |frame: &[u8], id| {
            direct::decode::<DescribeLogDirsRequest>(Bytes::copy_from_slice(frame), id, VERSION)
        };
        let sizes = sizes_in(&decode(&frame, 3).unwrap()).unwrap();
        assert_eq!(sizes["orders"], 350);
        assert_eq!(sizes["logs"], 0);
        assert!(decode(&frame, 4).is_err(), "another request's answer");
        let refused = decode(&answer(3, vec![]), 3).unwrap();
        assert!(sizes_in(&refused)
            .unwrap_err()
            .contains("Describe the cluster"));
        assert!(decode(&frame[..frame.len() / 2], 3).is_err(), "cut short");
    }

    /// A broker that answers `reply` (raw bytes) to whatever it is asked, once.
    async fn broker(reply: Vec<u8>) -> i32 {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = l.local_addr().unwrap().port() as i32;
        tokio::spawn(async move {
            let (mut s, _) = l.accept().await.unwrap();
            let mut len = [0u8; 4];
            s.read_exact(&mut len).await.unwrap();
            let mut req = vec![0u8; i32::from_be_bytes(len) as usize];
            s.read_exact(&mut req).await.unwrap();
            s.write_all(&reply).await.unwrap();
            // Hold the connection: the client must stop on its own.
            tokio::time::sleep(Duration::from_secs(30)).await;
        });
        port
    }

    #[tokio::test]
    async fn answers_are_summed_over_brokers_and_hostile_ones_are_refused() {
        let framed = |frame: Vec<u8>| {
            let mut v = (frame.len() as i32).to_be_bytes().to_vec();
            v.extend(frame);
            v
        };
        let good = broker(framed(answer(1, vec![dir(&[("orders", &[10, 20])])]))).await;
        let also = broker(framed(answer(1, vec![dir(&[("orders", &[5])])]))).await;
        // Claims a 2 GiB answer: refused before anything is allocated.
        let huge = broker(i32::MAX.to_be_bytes().to_vec()).await;
        // Says nothing more: given up after the wait.
        let mute = broker(vec![0, 0]).await;
        let brokers: Vec<Broker> = [(1, good), (2, also), (3, huge), (4, mute)]
            .into_iter()
            .map(|(id, port)| (id, "127.0.0.1".to_string(), port))
            .collect();
        let usage = disk_usage(&brokers, &Security::plaintext(), Duration::from_millis(500)).await;
        assert_eq!(usage.bytes["orders"], 35);
        assert_eq!((usage.brokers, usage.answered), (4, 2));
        let problem = usage.problem.unwrap();
        assert!(
            problem.contains("broker 3") && problem.contains("at most"),
            "{problem}"
        );
    }
}
