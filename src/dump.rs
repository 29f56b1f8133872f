//! `kafka-tui dump`: records to stdout, without a screen, as kcat -C -e does, with the TUI's
//! decoding (schema registry included), filter and jq. It reads a cluster (`-b`, `--cluster`),
//! from `--from` to `--until` (the end as it was when the dump began, by default), and exits
//! 0 there; any error ends it non-zero with one line.

use std::collections::HashMap;
use std::io::{IsTerminal as _, Write};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::Message as _;
use rdkafka::{Offset, TopicPartitionList};

use crate::export::{Decoding, FileFormat, Writer};
use crate::find::jq::{Outcome, Program};
use crate::find::Query;
use crate::kafka::client::ClientSettings;
use crate::kafka::fetch_queue::Fetched;
use crate::model::{Record, StartFrom, Until};
use crate::schema::loaded::{self, LoadedSchema};
use crate::schema::registry::RegistryClient;

/// How long a metadata or offset lookup may take before the dump gives up.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(10);

/// What to dump, from `kafka-tui dump`'s flags.
#[derive(Debug, Clone)]
pub struct DumpSpec {
    pub topics: Vec<String>,
    /// Only these partitions (of every topic); empty: all.
    pub partitions: Vec<i32>,
    pub from: StartFrom,
    pub until: Until,
    pub count: Option<u64>,
    pub format: FileFormat,
    pub filter: Option<String>,
    pub jq: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum DumpError {
    #[error("{0}")]
    Usage(String),
    #[error("cannot read the cluster's metadata: {0}")]
    Metadata(KafkaError),
    #[error("topic {0:?} does not exist")]
    NoTopic(String),
    #[error("not authorized to read topic {0:?} (TopicAuthorizationFailed)")]
    Denied(String),
    #[error("cannot look up offsets of {topic:?}: {source}")]
    Lookup { topic: String, source: KafkaError },
    #[error("cannot assign partitions: {0}")]
    Assign(KafkaError),
    #[error("consumer error: {0}")]
    Consume(KafkaError),
    #[error("cannot write: {0}")]
    Write(std::io::Error),
    #[error("{0}")]
    Client(String),
}

/// What a dump did, for the line said on a terminal's stderr.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub written: u64,
    pub filtered_out: u64,
}

/// One partition's read: where it stops.
struct Part {
    /// The high watermark when the dump began.
    end_at_start: i64,
    done: bool,
}

/// Schemas by id, loaded through the registry once each.
struct Schemas {
    client: RegistryClient,
    runtime: tokio::runtime::Handle,
    by_id: HashMap<u32, Result<Arc<LoadedSchema>, String>>,
}

impl Schemas {
    fn decode(&mut self, topic: &str, bytes: Option<&[u8]>, key: bool) -> Decoding {
        let (client, runtime, by_id) = (&self.client, &self.runtime, &mut self.by_id);
        crate::export::decode_with(topic, key, bytes, |id| {
            by_id
                .entry(id)
                .or_insert_with(|| {
                    runtime
                        .block_on(loaded::load(client, id))
                        .map(Arc::new)
                        .map_err(|e| e.to_string())
                })
                .clone()
        })
    }
}

/// Runs a dump to `out`. Blocking: call it off the async runtime (`runtime` is for registry
/// requests).
pub fn run(
    settings: &ClientSettings,
    registry: Option<RegistryClient>,
    runtime: tokio::runtime::Handle,
    spec: &DumpSpec,
    out: impl Write,
) -> Result<Summary, DumpError> {
    let query = match &spec.filter {
        Some(f) => Query::parse(f).map_err(|e| DumpError::Usage(e.to_string()))?,
        None => None,
    };
    let jq = match &spec.jq {
        Some(code) => Some(Program::compile(code).map_err(DumpError::Usage)?),
        None => None,
    };
    let mut schemas = registry.map(|client| Schemas {
        client,
        runtime,
        by_id: HashMap::new(),
    });
    let mut cfg = crate::kafka::consumer::consumer_config(settings);
    // The end of a partition is how a dump knows it is done (kcat -e does the same).
    cfg.set("enable.partition.eof", "true");
    let consumer: BaseConsumer = cfg.create().map_err(|e| DumpError::Client(e.to_string()))?;
    let began = SystemTime::now();
    let (mut parts, tpl) = plan(&consumer, spec, began)?;
    consumer.assign(&tpl).map_err(DumpError::Assign)?;

    let terminal = std::io::stdout().is_terminal() && spec.format == FileFormat::Text;
    let mut writer = Writer::new(spec.format, std::io::BufWriter::new(out)).for_terminal(terminal);
    let last_ms = spec.until.last_ms(began);
    let mut summary = Summary::default();
    let mut record = Record::default();
    while parts.values().any(|p| !p.done) {
        let Some(result) = consumer.poll(Duration::from_millis(500)) else {
            continue;
        };
        let m = match result {
            Ok(m) => m,
            Err(KafkaError::PartitionEOF(p)) => {
                eof(&consumer, &mut parts, p);
                continue;
            }
            Err(e) => return Err(DumpError::Consume(e)),
        };
        let key = (m.topic().to_string(), m.partition());
        let Some(part) = parts.get_mut(&key) else {
            continue;
        };
        if part.done {
            continue;
        }
        let past = match spec.until {
            Until::Offset(n) => m.offset() >= n,
            _ if spec.until.stops_at_start_end(began) => m.offset() >= part.end_at_start,
            _ => false,
        } || last_ms
            .is_some_and(|last| m.timestamp().to_millis().is_some_and(|t| t > last));
        if past {
            part.done = true;
            continue;
        }
        if spec.until.stops_at_start_end(began) && m.offset() + 1 >= part.end_at_start {
            part.done = true;
        }
        if let Until::Offset(n) = spec.until {
            part.done |= m.offset() + 1 >= n;
        }
        crate::kafka::consumer::fill(&mut record, m.topic(), &Fetched::borrowed(&m));
        if query.as_ref().is_some_and(|q| !q.matches(&record)) {
            summary.filtered_out += 1;
            continue;
        }
        let (k, v) = match schemas.as_mut() {
            Some(s) => (
                s.decode(&record.topic, record.key.as_deref(), true),
                s.decode(&record.topic, record.value.as_deref(), false),
            ),
            None => (Decoding::None, Decoding::None),
        };
        let outputs = match &jq {
            None => None,
            Some(program) => {
                // jq reads the decoded value where there is one.
                let input = match &v {
                    Decoding::Decoded { json, .. } => Some(json.as_bytes()),
                    _ => record.value.as_deref(),
                };
                match program.run(input) {
                    Outcome::Out(o) if !o.is_empty() => Some(o),
                    _ => {
                        summary.filtered_out += 1;
                        continue;
                    }
                }
            }
        };
        match writer.write(&record, &k, &v, outputs.as_deref()) {
            Ok(()) => {}
            // `dump … | head`: the reader has what it wanted.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(summary),
            Err(e) => return Err(DumpError::Write(e)),
        }
        summary.written += 1;
        if spec.count.is_some_and(|c| summary.written >= c) {
            break;
        }
    }
    match writer.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(DumpError::Write(e)),
        _ => Ok(summary),
    }
}

/// A partition reached the end: done if that is the end the dump was after. librdkafka's end
/// event names the partition, not its topic: the consumer's position says which one it was.
fn eof(consumer: &BaseConsumer, parts: &mut Parts, partition: i32) {
    let positions = consumer.position().ok();
    let same_id = parts.keys().filter(|(_, p)| *p == partition).count();
    for ((topic, p), part) in parts.iter_mut() {
        if *p != partition || part.done || part.end_at_start == i64::MAX {
            continue;
        }
        let position = positions
            .as_ref()
            .and_then(|l| l.find_partition(topic, *p))
            .and_then(|e| e.offset().to_raw());
        part.done = match position {
            Some(pos) if pos >= 0 => pos >= part.end_at_start,
            _ => same_id == 1,
        };
    }
}

/// Each partition's read, by topic and partition.
type Parts = HashMap<(String, i32), Part>;

/// Where each partition starts and ends.
fn plan(
    consumer: &BaseConsumer,
    spec: &DumpSpec,
    began: SystemTime,
) -> Result<(Parts, TopicPartitionList), DumpError> {
    let md = consumer
        .fetch_metadata(None, LOOKUP_TIMEOUT)
        .map_err(DumpError::Metadata)?;
    let mut parts = HashMap::new();
    let mut tpl = TopicPartitionList::new();
    for topic in &spec.topics {
        if crate::kafka::admin::topic_denied(&md, topic) {
            return Err(DumpError::Denied(topic.clone()));
        }
        let Some((mut ids, anomaly)) = crate::kafka::admin::usable_in(&md, topic) else {
            return Err(DumpError::NoTopic(topic.clone()));
        };
        if let Some(a) = anomaly {
            eprintln!(
                "kafka-tui: topic {}: {}; reading the other partitions",
                crate::text::sanitize_inline(topic),
                crate::text::sanitize_inline(&a)
            );
        }
        if !spec.partitions.is_empty() {
            if let Some(p) = spec.partitions.iter().find(|p| !ids.contains(p)) {
                return Err(DumpError::Usage(format!(
                    "topic {topic:?} has no partition {p} (it has {})",
                    ids.len()
                )));
            }
            ids.retain(|p| spec.partitions.contains(p));
        }
        let lookup = |which: Offset| -> Result<HashMap<i32, i64>, DumpError> {
            let mut q = TopicPartitionList::new();
            for &p in &ids {
                let _ = q.add_partition_offset(topic, p, which);
            }
            let found = consumer
                .offsets_for_times(q, LOOKUP_TIMEOUT)
                .map_err(|source| DumpError::Lookup {
                    topic: topic.clone(),
                    source,
                })?;
            Ok(found
                .elements()
                .iter()
                .filter_map(|e| Some((e.partition(), e.offset().to_raw()?)))
                .collect())
        };
        let ends = lookup(Offset::End)?;
        let starts = lookup(Offset::Beginning)?;
        let at_time = match spec.from.timestamp_ms(began) {
            Some(ts) => Some(lookup(Offset::Offset(ts))?),
            None => None,
        };
        for &p in &ids {
            let hi = ends.get(&p).copied().filter(|&o| o >= 0);
            let lo = starts.get(&p).copied().filter(|&o| o >= 0).unwrap_or(0);
            let start = match (spec.from, hi) {
                (StartFrom::Beginning, _) => Offset::Offset(lo),
                (StartFrom::End, Some(hi)) => Offset::Offset(hi),
                (StartFrom::End, None) => Offset::End,
                (StartFrom::Offset(n), _) => Offset::Offset(n.max(lo)),
                (StartFrom::Tail(n), Some(hi)) => Offset::Offset(hi.saturating_sub(n).max(lo)),
                (StartFrom::Tail(n), None) => Offset::OffsetTail(n),
                // No record that new: from the end.
                (StartFrom::Ago(_), _) => match at_time.as_ref().and_then(|m| m.get(&p)) {
                    Some(&o) if o >= 0 => Offset::Offset(o),
                    _ => Offset::End,
                },
            };
            let end_at_start = if spec.until.stops_at_start_end(began) {
                hi.unwrap_or(i64::MAX)
            } else {
                i64::MAX
            };
            let first = match start {
                Offset::Offset(o) => Some(o),
                Offset::End => hi,
                _ => None,
            };
            let done = first.is_some_and(|f| {
                f >= end_at_start || matches!(spec.until, Until::Offset(n) if f >= n)
            });
            let _ = tpl.add_partition_offset(topic, p, start);
            parts.insert((topic.clone(), p), Part { end_at_start, done });
        }
    }
    Ok((parts, tpl))
}
