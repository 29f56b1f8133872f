//! Size on disk: DescribeLogDirs, asked of each broker over its own connection.
//!
//! librdkafka has no DescribeLogDirs (its admin API stops short of it), so this speaks the
//! Kafka protocol directly for that one request, with the `kafka-protocol` crate encoding the
//! request and decoding the answer (the message schemas are Kafka's own, generated; nothing
//! hand-packed). Only PLAINTEXT connections: SASL and TLS would need their handshakes done
//! here too, and the screen says so instead of guessing.
//!
//! A broker's answer is untrusted: its frame length is bounded before anything is read, a
//! broker that does not answer in time is given up, and sizes below zero count as zero.

use std::collections::HashMap;
use std::time::Duration;

use bytes::BytesMut;
use kafka_protocol::messages::{
    DescribeLogDirsRequest, DescribeLogDirsResponse, RequestHeader, ResponseHeader,
};
use kafka_protocol::protocol::{Decodable, Encodable, HeaderVersion, StrBytes};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::model::DiskUsage;

const API_KEY: i16 = 35;
/// Version 1: answered by Kafka 1.0 up to 4.x (4.0 dropped only version 0), and not yet
/// "flexible", so its header is the plain one every broker reads.
const VERSION: i16 = 1;
/// Larger answers are refused: a broker (or anyone on a PLAINTEXT path) could claim 2 GiB.
const MAX_FRAME: usize = 64 << 20;

/// The request, framed (length first) as it goes on the wire: every topic (`topics` null).
fn request(correlation_id: i32) -> Result<BytesMut, String> {
    let header = RequestHeader::default()
        .with_request_api_key(API_KEY)
        .with_request_api_version(VERSION)
        .with_correlation_id(correlation_id)
        .with_client_id(Some(StrBytes::from_static_str("kafka-tui")));
    let body = DescribeLogDirsRequest::default().with_topics(None);
    let mut msg = BytesMut::new();
    header
        .encode(&mut msg, DescribeLogDirsRequest::header_version(VERSION))
        .and_then(|_| body.encode(&mut msg, VERSION))
        .map_err(|e| format!("cannot encode DescribeLogDirs: {e}"))?;
    let mut framed = BytesMut::with_capacity(msg.len() + 4);
    framed.extend_from_slice(&(msg.len() as i32).to_be_bytes());
    framed.extend_from_slice(&msg);
    Ok(framed)
}

/// Bytes per topic in one broker's answer (the frame without its length).
pub fn sizes_in(frame: &[u8], correlation_id: i32) -> Result<HashMap<String, u64>, String> {
    let mut buf = bytes::Bytes::copy_from_slice(frame);
    let header = ResponseHeader::decode(&mut buf, DescribeLogDirsResponse::header_version(VERSION))
        .map_err(|e| format!("a malformed answer: {e}"))?;
    if header.correlation_id != correlation_id {
        return Err("an answer to another request".into());
    }
    let resp = DescribeLogDirsResponse::decode(&mut buf, VERSION)
        .map_err(|e| format!("a malformed answer: {e}"))?;
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

/// Asks one broker (`host:port`), within `wait`.
pub async fn ask(address: &str, wait: Duration) -> Result<HashMap<String, u64>, String> {
    const ID: i32 = 1;
    let exchange = async {
        let mut s = TcpStream::connect(address)
            .await
            .map_err(|e| format!("cannot connect: {e}"))?;
        s.write_all(&request(ID)?)
            .await
            .map_err(|e| format!("cannot send: {e}"))?;
        let mut len = [0u8; 4];
        s.read_exact(&mut len)
            .await
            .map_err(|e| format!("no answer: {e}"))?;
        let len = i32::from_be_bytes(len);
        let len = usize::try_from(len)
            .ok()
            .filter(|n| (4..=MAX_FRAME).contains(n))
            .ok_or_else(|| format!("an answer of {len} bytes (at most {MAX_FRAME} are read)"))?;
        let mut frame = vec![0u8; len];
        s.read_exact(&mut frame)
            .await
            .map_err(|e| format!("the answer was cut: {e}"))?;
        sizes_in(&frame, ID)
    };
    match tokio::time::timeout(wait, exchange).await {
        Ok(r) => r,
        Err(_) => Err(format!(
            "no answer within {}",
            humantime::format_duration(wait)
        )),
    }
}

/// Why sizes on disk cannot be asked for on this cluster, or `None` when they can.
pub fn refusal(settings: &super::client::ClientSettings) -> Option<String> {
    if settings.embedded_admin.is_some() {
        return Some(
            "the embedded broker (librdkafka's mock cluster) does not answer DescribeLogDirs"
                .into(),
        );
    }
    let config = settings.client_config();
    let protocol = config
        .get("security.protocol")
        .unwrap_or("plaintext")
        .to_ascii_uppercase();
    (protocol != "PLAINTEXT").then(|| {
        format!("read over PLAINTEXT connections only for now, and this cluster uses {protocol} (kafka-log-dirs --describe gives it)")
    })
}

/// `host:port` of a broker as metadata lists it (IPv6 hosts in brackets).
pub fn address(host: &str, port: i32) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Asks every broker at once and sums their answers; the brokers that failed are counted and
/// the first reason kept.
pub async fn disk_usage(brokers: &[(i32, String)], wait: Duration) -> DiskUsage {
    let asks = brokers
        .iter()
        .map(|(id, addr)| async move { (*id, addr.clone(), ask(addr, wait).await) });
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
    use bytes::Buf;
    use kafka_protocol::messages::describe_log_dirs_response::{
        DescribeLogDirsPartition, DescribeLogDirsResult, DescribeLogDirsTopic,
    };
    use kafka_protocol::messages::TopicName;

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
        let framed = request(7).unwrap();
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
        let sizes = sizes_in(&frame, 3).unwrap();
        assert_eq!(sizes["orders"], 350);
        assert_eq!(sizes["logs"], 0);
        assert!(sizes_in(&frame, 4).is_err(), "another request's answer");
        assert!(sizes_in(&frame[..frame.len() / 2], 3).is_err(), "cut short");
    }

    /// A broker that answers `reply` (raw bytes) to whatever it is asked, once.
    async fn broker(reply: Vec<u8>) -> String {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap().to_string();
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
        addr
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
        let brokers = vec![(1, good), (2, also), (3, huge), (4, mute)];
        let usage = disk_usage(&brokers, Duration::from_millis(500)).await;
        assert_eq!(usage.bytes["orders"], 35);
        assert_eq!((usage.brokers, usage.answered), (4, 2));
        let problem = usage.problem.unwrap();
        assert!(
            problem.contains("broker 3") && problem.contains("at most"),
            "{problem}"
        );
    }
}
