//! The tail: a consumer on its own thread that turns librdkafka messages into owned records
//! and hands them to the UI in batches over a bounded channel.
//!
//! A bounded channel means that if the UI falls behind, this thread waits and librdkafka's own
//! (bounded) prefetch queue fills up: memory stays flat and no record is skipped.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::{Offset, TopicPartitionList};

use super::admin;
use super::api::{EventSender, KafkaEvent, TailRequest};
use super::client::{ClientSettings, UiContext, SERVE_BUDGET};
use super::fetch_queue::{FetchQueue, Fetched};
use super::ffi::MainQueue;
use crate::model::recycle::{self, BATCH_MAX};
use crate::model::{Record, StartFrom, Until};

/// How long a partial batch may wait before it is sent (`BATCH_MAX` records at most).
const BATCH_WAIT: Duration = Duration::from_millis(15);

/// A running tail; dropping it (or `stop`) ends the thread.
pub struct TailHandle {
    cancel: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    ctx: UiContext,
}

impl TailHandle {
    /// Log, statistics and error events the tail's consumer delivered so far.
    pub fn events_served(&self) -> u64 {
        self.ctx.events_served()
    }

    pub fn stop(mut self) {
        self.cancel.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for TailHandle {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

pub fn spawn_tail(
    settings: &ClientSettings,
    req: TailRequest,
    tx: EventSender,
) -> anyhow::Result<TailHandle> {
    let ctx = UiContext::new(tx.clone());
    let consumer = create_consumer(settings, ctx.clone())?;
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    let embedded = settings.embedded;
    // Under read_uncommitted Kafka shows aborted records too: nothing to say then.
    let uncommitted = settings
        .properties
        .iter()
        .any(|(k, v)| k == "isolation.level" && v.trim() == "read_uncommitted");
    let txn = settings
        .embedded_admin
        .as_ref()
        .filter(|_| !uncommitted)
        .map(|a| a.transactions_seen());
    let thread = std::thread::Builder::new()
        .name(format!("tail-{}", req.topic))
        .spawn(move || run_tail(consumer, req, embedded, txn, &flag, &tx))?;
    Ok(TailHandle {
        cancel,
        thread: Some(thread),
        ctx,
    })
}

/// How long a fetch may wait on the broker for new records. A real broker answers a waiting
/// fetch as soon as a record arrives, so this only bounds idle requests. The embedded broker
/// (librdkafka's mock) holds an empty fetch for the whole time even when a record arrives
/// meanwhile, so there the wait is pure latency between publishing a record and seeing it:
/// keep it short (about 100 small loopback requests a second while idle).
const FETCH_WAIT_MS: &str = "100";
const FETCH_WAIT_MS_EMBEDDED: &str = "10";

pub fn create_consumer(
    settings: &ClientSettings,
    ctx: UiContext,
) -> anyhow::Result<BaseConsumer<UiContext>> {
    Ok(consumer_config(settings).create_with_context(ctx)?)
}

/// The configuration of tail and metadata consumers.
pub fn consumer_config(settings: &ClientSettings) -> rdkafka::ClientConfig {
    let mut cfg = settings.client_config();
    let fetch_wait = if settings.embedded {
        FETCH_WAIT_MS_EMBEDDED
    } else {
        FETCH_WAIT_MS
    };
    // A tail only reads: no group membership, no commits. librdkafka still wants a group id.
    cfg.set("group.id", format!("kafka-tui-tail-{}", std::process::id()))
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("enable.partition.eof", "false")
        // A position past the end (a truncated log, a broker restarted empty) restarts the
        // partition from its beginning: a tail skips nothing silently.
        .set("auto.offset.reset", "earliest")
        .set("fetch.wait.max.ms", fetch_wait)
        // Prefetch at most 16 MiB (memory stays flat however fast records come)...
        .set("queued.max.messages.kbytes", "16384")
        // ...and when that is full, look again soon: librdkafka's default postpones the next
        // fetch by a whole second, a visible stall in the middle of a fast tail.
        .set("fetch.queue.backoff.ms", "20");
    for (k, v) in &settings.properties {
        cfg.set(k, v);
    }
    cfg
}

/// Whether the metadata refuses `topic` to this user (an ACL), rather than not knowing it.
fn topic_denied(md: &rdkafka::metadata::Metadata, topic: &str) -> bool {
    md.topics().iter().any(|t| {
        t.name() == topic
            && t.error()
                == Some(
                    rdkafka::types::RDKafkaRespErr::RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED,
                )
    })
}

fn status(tx: &EventSender, generation: u64, status: String, error: bool) {
    let _ = tx.blocking_send(KafkaEvent::TailStatus {
        generation,
        status,
        error,
    });
}

/// How long each offset lookup of a starting tail may take (one request per leader for all
/// partitions, not one per partition): a slow broker delays the tail, never the app.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);

/// Ends (`Offset::End`) or beginnings (`Offset::Beginning`) of `partitions`, in one lookup
/// (ListOffsets per leader) bounded by `LOOKUP_TIMEOUT`. Partitions whose answer failed, or was
/// impossible (negative), are missing from the map.
fn lookup_offsets(
    consumer: &BaseConsumer<UiContext>,
    topic: &str,
    partitions: &[i32],
    which: Offset,
) -> HashMap<i32, i64> {
    let mut query = TopicPartitionList::new();
    for &p in partitions {
        // A timestamp of -1 (latest) or -2 (earliest) asks for the end or the beginning.
        let _ = query.add_partition_offset(topic, p, which);
    }
    let Ok(found) = consumer.offsets_for_times(query, LOOKUP_TIMEOUT) else {
        return HashMap::new();
    };
    found
        .elements()
        .iter()
        .filter(|e| e.error().is_ok() && partitions.contains(&e.partition()))
        .filter_map(|e| match e.offset() {
            Offset::Offset(o) if o >= 0 => Some((e.partition(), o)),
            _ => None,
        })
        .collect()
}

/// How many times a lookup is asked again for the partitions that did not answer.
const LOOKUP_TRIES: usize = 3;

/// `lookup_offsets`, asked again for the partitions that did not answer (a loaded machine or a
/// broker slow to elect leaders): a partition left out would be looked up by librdkafka itself
/// later, after the tail said it is live, and a record produced in between would be skipped.
fn lookup_all(
    consumer: &BaseConsumer<UiContext>,
    topic: &str,
    partitions: &[i32],
    which: Offset,
    cancel: &AtomicBool,
) -> HashMap<i32, i64> {
    let mut found = HashMap::new();
    let mut missing = partitions.to_vec();
    for attempt in 1..=LOOKUP_TRIES {
        if missing.is_empty() || cancel.load(Ordering::Relaxed) {
            break;
        }
        found.extend(lookup_offsets(consumer, topic, &missing, which));
        missing.retain(|p| !found.contains_key(p));
        if !missing.is_empty() {
            tracing::warn!(
                "tail {topic}: no {which:?} offset for partitions {missing:?} (try {attempt} of {LOOKUP_TRIES})"
            );
        }
    }
    found
}

/// Waits for the topic to exist, then assigns every usable partition at the requested start.
/// Every wait checks `cancel`, and every lookup is bounded: a tail being replaced ends soon.
fn assign<'c>(
    consumer: &'c BaseConsumer<UiContext>,
    req: &TailRequest,
    embedded: bool,
    cancel: &AtomicBool,
    tx: &EventSender,
) -> Option<(usize, Option<String>, FetchQueue<'c>, Option<Ending>)> {
    let mut waited = false;
    let mut reported = None;
    let (partitions, anomaly): (Vec<i32>, Option<String>) = loop {
        if cancel.load(Ordering::Relaxed) {
            return None;
        }
        match consumer.fetch_metadata(Some(&req.topic), Duration::from_secs(5)) {
            // Kafka answers TOPIC_AUTHORIZATION_FAILED for a topic the user may not describe:
            // it may well exist, and waiting for it would never end. The tail stops here.
            Ok(md) if topic_denied(&md, &req.topic) => {
                status(
                    tx,
                    req.generation,
                    format!(
                        "not authorized to read topic {:?} (TopicAuthorizationFailed): this user needs Describe and Read on it; not tailing",
                        req.topic
                    ),
                    true,
                );
                return None;
            }
            Ok(md) => match admin::usable_in(&md, &req.topic) {
                Some((ids, anomaly)) if !ids.is_empty() => break (ids, anomaly),
                Some((_, Some(anomaly))) => {
                    // Listed, but with no partition that can be read: say why, and look again
                    // (the broker may come to its senses).
                    if reported.as_ref() != Some(&anomaly) {
                        status(
                            tx,
                            req.generation,
                            format!("topic {:?}: {anomaly}; nothing to tail", req.topic),
                            true,
                        );
                        reported = Some(anomaly);
                    }
                }
                _ => {
                    if !waited {
                        status(
                            tx,
                            req.generation,
                            format!("topic {:?} does not exist (yet); waiting for it", req.topic),
                            false,
                        );
                        waited = true;
                    }
                }
            },
            Err(e) => status(
                tx,
                req.generation,
                format!("cannot read metadata: {e}; retrying"),
                true,
            ),
        }
        // Waits a second, in steps, so that a cancelled tail does not linger.
        for _ in 0..10 {
            if cancel.load(Ordering::Relaxed) {
                return None;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    };

    let mut partitions = partitions;
    if let Some(wanted) = &req.partitions {
        if let Some(p) = wanted.iter().find(|p| !partitions.contains(p)) {
            status(
                tx,
                req.generation,
                format!(
                    "topic {:?} has no partition {p} to tail (it has {}); not tailing",
                    req.topic,
                    crate::model::count(partitions.len() as u64, "partition")
                ),
                true,
            );
            return None;
        }
        partitions.retain(|p| wanted.contains(p));
    }
    let mut notices: Vec<String> = anomaly
        .map(|a| format!("{a}: tailing the other partitions"))
        .into_iter()
        .collect();
    let mut tpl = TopicPartitionList::new();
    // A topic created after the tail began holds only records newer than the tail: reading it
    // from the beginning is what "from the end" meant, and catches a record that created it.
    let start = match req.start {
        StartFrom::End | StartFrom::Ago(_) if waited => StartFrom::Beginning,
        s => s,
    };
    let offset = match start {
        StartFrom::Beginning => Offset::Beginning,
        StartFrom::Offset(n) => Offset::Offset(n),
        StartFrom::Tail(n) => Offset::OffsetTail(n),
        // `Ago` is replaced below by a timestamp lookup.
        StartFrom::End | StartFrom::Ago(_) => Offset::End,
    };
    // "The end" and "the last N" are fixed to absolute offsets now, so that once the tail says
    // it is live, a record produced next is read even if the broker goes away before librdkafka
    // would have looked the end up itself. Where a lookup fails, librdkafka looks it up later.
    // An end fixed at the start (`--until end`, or a time already past) needs both ends.
    let began = SystemTime::now();
    let until_needs_ends = req.until.is_some_and(|u| u.stops_at_start_end(began));
    let (ends, starts) = match offset {
        _ if until_needs_ends => (
            lookup_all(consumer, &req.topic, &partitions, Offset::End, cancel),
            lookup_all(consumer, &req.topic, &partitions, Offset::Beginning, cancel),
        ),
        Offset::End | Offset::OffsetTail(_) => {
            let ends = lookup_all(consumer, &req.topic, &partitions, Offset::End, cancel);
            let starts =
                if matches!(offset, Offset::OffsetTail(_)) && !cancel.load(Ordering::Relaxed) {
                    lookup_all(consumer, &req.topic, &partitions, Offset::Beginning, cancel)
                } else {
                    HashMap::new()
                };
            (ends, starts)
        }
        _ => (HashMap::new(), HashMap::new()),
    };
    if cancel.load(Ordering::Relaxed) {
        return None;
    }
    for &p in &partitions {
        let fixed = match (offset, ends.get(&p)) {
            (Offset::OffsetTail(n), Some(&hi)) => {
                let lo = starts.get(&p).copied().unwrap_or(0).min(hi);
                Some(Offset::Offset(hi.saturating_sub(n).max(lo)))
            }
            (Offset::End, Some(&hi)) => Some(Offset::Offset(hi)),
            _ => None,
        };
        let _ = tpl.add_partition_offset(&req.topic, p, fixed.unwrap_or(offset));
    }
    if let Some(ts) = start.timestamp_ms(SystemTime::now()) {
        if embedded {
            notices.push(
                "the embedded broker cannot look up offsets by time: starting from the end".into(),
            );
        } else {
            let mut query = TopicPartitionList::new();
            for &p in &partitions {
                let _ = query.add_partition_offset(&req.topic, p, Offset::Offset(ts));
            }
            match consumer.offsets_for_times(query, Duration::from_secs(10)) {
                Ok(found) => tpl = found,
                Err(e) => {
                    notices.push(format!("time lookup failed ({e}): starting from the end"));
                }
            }
        }
    }
    if cancel.load(Ordering::Relaxed) {
        return None;
    }
    let queue = match FetchQueue::assign(consumer, &tpl, BATCH_MAX) {
        Ok(q) => q,
        Err(e) => {
            status(
                tx,
                req.generation,
                format!("cannot assign partitions: {e}"),
                true,
            );
            return None;
        }
    };
    let notice = (!notices.is_empty()).then(|| notices.join("; "));
    let ending = req.until.map(|until| {
        let mut e = Ending::new(until, began, &ends);
        // Partitions that start at (or past) their end are done before a record comes.
        for elem in tpl.elements() {
            let first = match elem.offset() {
                Offset::Offset(o) => Some(o),
                Offset::Beginning => starts.get(&elem.partition()).copied(),
                Offset::End => ends.get(&elem.partition()).copied(),
                _ => None,
            };
            if let Some(first) = first {
                e.starting_at(elem.partition(), first);
            }
        }
        e
    });
    Some((partitions.len(), notice, queue, ending))
}

/// Where a tail with `--until` stops, partition by partition.
struct Ending {
    until: Until,
    /// The last record time kept (`--until 15m`, or a time).
    last_ms: Option<i64>,
    /// Each partition's end when the tail began, for `end` and a time already past.
    end_at_start: HashMap<i32, i64>,
    done: std::collections::HashSet<i32>,
    /// Records read before the end, for the closing line.
    read: u64,
}

impl Ending {
    fn new(until: Until, began: SystemTime, ends: &HashMap<i32, i64>) -> Ending {
        Ending {
            until,
            last_ms: until.last_ms(began),
            end_at_start: if until.stops_at_start_end(began) {
                ends.clone()
            } else {
                HashMap::new()
            },
            done: Default::default(),
            read: 0,
        }
    }

    /// The offset a partition stops before, if it has one.
    fn stop(&self, p: i32) -> Option<i64> {
        let at_start = self.end_at_start.get(&p).copied();
        let offset = match self.until {
            Until::Offset(n) => Some(n),
            _ => None,
        };
        match (at_start, offset) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn starting_at(&mut self, p: i32, first: i64) {
        if self.stop(p).is_some_and(|s| first >= s) {
            self.done.insert(p);
        }
    }

    /// Whether the record is kept; a record past the end (or the last one before it) ends
    /// its partition.
    fn keep(&mut self, p: i32, offset: i64, timestamp_ms: Option<i64>) -> bool {
        if self.done.contains(&p) {
            return false;
        }
        let stop = self.stop(p);
        let late = self
            .last_ms
            .is_some_and(|last| timestamp_ms.is_some_and(|t| t > last));
        if late || stop.is_some_and(|s| offset >= s) {
            self.done.insert(p);
            return false;
        }
        if stop.is_some_and(|s| offset + 1 >= s) {
            self.done.insert(p);
        }
        self.read += 1;
        true
    }

    fn finished(&self, partitions: usize) -> bool {
        self.done.len() >= partitions
    }
}

fn run_tail(
    consumer: BaseConsumer<UiContext>,
    req: TailRequest,
    embedded: bool,
    txn: Option<Arc<AtomicBool>>,
    cancel: &AtomicBool,
    tx: &EventSender,
) {
    let Some((partitions, notice, mut queue, mut ending)) =
        assign(&consumer, &req, embedded, cancel, tx)
    else {
        return;
    };
    let generation = req.generation;
    // The embedded broker's note on transactions, said (once) as soon as they are in use.
    let txn_note = |notice: &Option<String>| {
        let note = crate::kafka::embedded::mock::TRANSACTIONS_NOTE;
        Some(match notice {
            Some(n) => format!("{n}; {note}"),
            None => note.to_string(),
        })
    };
    let seen = |t: &Option<Arc<AtomicBool>>| t.as_ref().is_some_and(|t| t.load(Ordering::Relaxed));
    let mut txn = txn;
    let mut notice = notice;
    if seen(&txn) {
        notice = txn_note(&notice);
        txn = None;
    }
    let _ = tx.blocking_send(KafkaEvent::TailStarted {
        generation,
        partitions,
        notice: notice.clone(),
    });

    // Records the tail pane evicted, to be filled again instead of allocating new ones.
    let mut spare: Vec<Record> = Vec::new();
    let mut batch: Vec<Record> = recycle::take(&mut spare);
    let mut batch_started = Instant::now();
    let own_queue = MainQueue::of_consumer(consumer.client());
    while !cancel.load(Ordering::Relaxed) {
        if seen(&txn) {
            txn = None;
            let _ = tx.blocking_send(KafkaEvent::TailStarted {
                generation,
                partitions,
                notice: txn_note(&notice),
            });
        }
        // Errors, logs and statistics, all that wait (one a loop would fall behind
        // `-X debug=all`): the records themselves come through `queue`.
        let mut errors = Vec::new();
        let waiting = own_queue.as_ref().map_or(1, MainQueue::len);
        for _ in 0..waiting.min(SERVE_BUDGET) {
            match consumer.poll(Duration::ZERO) {
                Some(Err(e)) => errors.push(e.to_string()),
                Some(Ok(msg)) => {
                    // Fetched before the forward took effect: a record all the same.
                    let m = Fetched::borrowed(&msg);
                    if ending.as_mut().map_or(true, |e| {
                        e.keep(m.partition(), m.offset(), m.timestamp_ms())
                    }) {
                        push(&mut batch, &mut spare, &req.topic, &m);
                    }
                }
                None => {}
            }
        }
        let wait = if batch.is_empty() {
            batch_started = Instant::now();
            POLL_WAIT
        } else {
            Duration::ZERO
        };
        let got = queue.drain(wait, BATCH_MAX.saturating_sub(batch.len()), |m| {
            match m.error() {
                Some(e) => errors.push(e),
                None if ending.as_mut().map_or(true, |e| {
                    e.keep(m.partition(), m.offset(), m.timestamp_ms())
                }) =>
                {
                    push(&mut batch, &mut spare, &req.topic, &m)
                }
                None => {}
            }
        });
        for e in errors {
            tracing::warn!("tail {}: {e}", req.topic);
            status(tx, generation, format!("consumer error: {e}"), true);
        }
        let ended = ending.as_ref().is_some_and(|e| e.finished(partitions));
        // Send when full, when the queue ran dry, when a trickle has waited long enough, or
        // at the end.
        let flush = !batch.is_empty()
            && (ended
                || batch.len() >= BATCH_MAX
                || got == 0
                || batch_started.elapsed() >= BATCH_WAIT);
        if flush {
            let records = std::mem::replace(&mut batch, recycle::take(&mut spare));
            if tx
                .blocking_send(KafkaEvent::Records {
                    generation,
                    records,
                })
                .is_err()
            {
                return; // the app is gone
            }
        }
        if let (true, Some(e)) = (ended, &ending) {
            status(
                tx,
                generation,
                format!(
                    "stopped at --until {}: {} read; :from or Enter on a topic starts a new tail",
                    e.until,
                    crate::model::count(e.read, "record")
                ),
                false,
            );
            return;
        }
    }
}

/// How long the tail waits for a record when it has nothing to send.
const POLL_WAIT: Duration = Duration::from_millis(100);

/// Copies a message out of librdkafka's buffer into a spare record, or a new one.
fn push(batch: &mut Vec<Record>, spare: &mut Vec<Record>, topic: &str, m: &Fetched<'_>) {
    let mut r = spare.pop().unwrap_or_default();
    // The tail reads one topic: its name is ours already, no need to ask librdkafka.
    fill(&mut r, topic, m);
    batch.push(r);
}

/// Overwrites `r` with the message (of `topic`), reusing its buffers (the tail and `dump`).
pub fn fill(r: &mut Record, topic: &str, m: &Fetched<'_>) {
    fill_from(
        r,
        topic,
        m.partition(),
        m.offset(),
        m.timestamp_ms(),
        m.key(),
        m.payload(),
    );
    m.headers_into(&mut r.headers);
}

/// Overwrites every field but the headers, reusing `r`'s buffers where they are big enough.
fn fill_from(
    r: &mut Record,
    topic: &str,
    partition: i32,
    offset: i64,
    timestamp_ms: Option<i64>,
    key: Option<&[u8]>,
    value: Option<&[u8]>,
) {
    if r.topic != topic {
        r.topic.clear();
        r.topic.push_str(topic);
    }
    r.partition = partition;
    r.offset = offset;
    r.timestamp_ms = timestamp_ms;
    copy_into(&mut r.key, key);
    copy_into(&mut r.value, value);
}

fn copy_into(dst: &mut Option<Vec<u8>>, src: Option<&[u8]>) {
    match (dst.as_mut(), src) {
        (_, None) => *dst = None,
        (Some(buf), Some(bytes)) => {
            buf.clear();
            buf.extend_from_slice(bytes);
        }
        (None, Some(bytes)) => *dst = Some(bytes.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Header;

    fn dirty() -> Record {
        Record {
            topic: "old-topic-with-a-long-name".into(),
            partition: 7,
            offset: 99,
            timestamp_ms: Some(1),
            key: Some(b"old key".to_vec()),
            value: Some(vec![b'v'; 500]),
            headers: vec![Header {
                name: "h".into(),
                value: None,
            }],
        }
    }

    #[test]
    fn fill_overwrites_every_field_and_reuses_buffers() {
        let mut r = dirty();
        let value_ptr = r.value.as_ref().unwrap().as_ptr();
        fill_from(&mut r, "t", 2, 5, None, None, Some(b"new"));
        assert_eq!(r.topic, "t");
        assert_eq!((r.partition, r.offset, r.timestamp_ms), (2, 5, None));
        assert_eq!(r.key, None);
        assert_eq!(r.value.as_deref(), Some(&b"new"[..]));
        assert_eq!(
            r.value.as_ref().unwrap().as_ptr(),
            value_ptr,
            "buffer reused"
        );
        fill_from(&mut r, "t", 0, 6, Some(42), Some(b"k"), None);
        assert_eq!(r.key.as_deref(), Some(&b"k"[..]));
        assert_eq!(r.value, None);
        assert_eq!(r.timestamp_ms, Some(42));
        // An empty payload is not a null one.
        fill_from(&mut r, "t", 0, 7, None, Some(b""), Some(b""));
        assert_eq!(r.key.as_deref(), Some(&b""[..]));
        assert_eq!(r.value.as_deref(), Some(&b""[..]));
    }

    #[test]
    fn short_fetch_wait_on_the_embedded_broker_only() {
        let mut s = ClientSettings::new("127.0.0.1:9092");
        assert_eq!(consumer_config(&s).get("fetch.wait.max.ms"), Some("100"));
        s.embedded = true;
        assert_eq!(consumer_config(&s).get("fetch.wait.max.ms"), Some("10"));
        assert_eq!(
            consumer_config(&s).get("fetch.queue.backoff.ms"),
            Some("20")
        );
        // The person's own -X properties still win.
        s.properties = vec![("fetch.wait.max.ms".into(), "250".into())];
        assert_eq!(consumer_config(&s).get("fetch.wait.max.ms"), Some("250"));
    }

    /// The whole tail path with a small buffer, so that most records are filled into evicted
    /// ones: every record held must be exactly the one produced at its offset.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn recycled_records_carry_only_their_own_data() {
        use crate::kafka::embedded::mock::{MockBroker, MockOptions};
        use crate::state::tail::TailState;
        use rdkafka::message::{Header as RdHeader, OwnedHeaders};
        use rdkafka::producer::{BaseProducer, BaseRecord, Producer};

        let b = MockBroker::start(MockOptions::loopback()).await.unwrap();
        b.create_topic_async("recycle", 2).await.unwrap();
        let n = 5000u64;
        let p: BaseProducer = rdkafka::ClientConfig::new()
            .set("bootstrap.servers", b.address().to_string())
            .create()
            .unwrap();
        // Keys, values and headers vary in presence and length, so a stale byte would show.
        let expected = |i: u64| {
            let key = (i % 3 != 0).then(|| format!("key-{}", "k".repeat((i % 17) as usize)));
            let value =
                (i % 5 != 0).then(|| format!("value {i} {}", "x".repeat((i % 300) as usize)));
            let header = (i % 4 == 0).then(|| format!("h{i}"));
            (key, value, header)
        };
        for i in 0..n {
            let (key, value, header) = expected(i);
            let mut rec: BaseRecord<'_, str, str> =
                BaseRecord::to("recycle").partition((i % 2) as i32);
            if let Some(k) = &key {
                rec = rec.key(k.as_str());
            }
            if let Some(v) = &value {
                rec = rec.payload(v.as_str());
            }
            if let Some(h) = &header {
                rec = rec.headers(OwnedHeaders::new().insert(RdHeader {
                    key: h.as_str(),
                    value: Some(&b"1"[..]),
                }));
            }
            p.send(rec).map_err(|(e, _)| e).unwrap();
            p.poll(Duration::ZERO);
        }
        p.flush(Duration::from_secs(30)).unwrap();

        let mut settings = ClientSettings::new(b.address().to_string());
        settings.embedded = true;
        let (tx, mut rx) = tokio::sync::mpsc::channel(16);
        let mut tail = TailState::new(100, 1 << 20);
        let generation = tail.restart("recycle".into(), StartFrom::Beginning);
        let h = spawn_tail(
            &settings,
            TailRequest {
                topic: "recycle".into(),
                start: StartFrom::Beginning,
                generation,
                ..Default::default()
            },
            tx,
        )
        .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut checked = 0u64;
        while tail.received < n {
            assert!(Instant::now() < deadline, "only {} records", tail.received);
            let ev = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await;
            if let Ok(Some(KafkaEvent::Records {
                generation,
                records,
            })) = ev
            {
                for r in &records {
                    // Offsets are per partition: record i went to partition i % 2 at i / 2.
                    let i = r.offset as u64 * 2 + r.partition as u64;
                    let (key, value, header) = expected(i);
                    assert_eq!(r.topic, "recycle");
                    assert_eq!(
                        r.key.as_deref(),
                        key.as_deref().map(str::as_bytes),
                        "key of {i}"
                    );
                    assert_eq!(
                        r.value.as_deref(),
                        value.as_deref().map(str::as_bytes),
                        "value of {i}"
                    );
                    let names: Vec<&str> = r.headers.iter().map(|h| h.name.as_str()).collect();
                    assert_eq!(
                        names,
                        header.as_deref().into_iter().collect::<Vec<_>>(),
                        "headers of {i}"
                    );
                    checked += 1;
                }
                tail.push_batch(generation, records);
            }
        }
        assert_eq!(checked, n);
        assert_eq!(tail.records.len(), 100);
        h.stop();
    }

    /// The tail's thread serves every log, error and statistics event that waits, not one a
    /// loop: with `-X debug=all` librdkafka logs hundreds of lines a second for a tail, and one
    /// event per 100 ms wait (10 a second) let them pile up inside librdkafka without end.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_tail_serves_all_its_events() {
        use crate::kafka::embedded::mock::{MockBroker, MockOptions};

        let b = MockBroker::start(MockOptions::loopback()).await.unwrap();
        b.create_topic_async("busy", 1).await.unwrap();
        let mut settings = ClientSettings::new(b.address().to_string());
        settings.embedded = true;
        settings.properties = vec![
            ("debug".into(), "all".into()),
            ("statistics.interval.ms".into(), "10".into()),
        ];
        let (tx, mut rx) = tokio::sync::mpsc::channel(1024);
        let drain = tokio::spawn(async move { while rx.recv().await.is_some() {} });
        let h = spawn_tail(
            &settings,
            TailRequest {
                topic: "busy".into(),
                start: StartFrom::End,
                generation: 1,
                ..Default::default()
            },
            tx,
        )
        .unwrap();
        let t0 = Instant::now();
        let deadline = t0 + Duration::from_secs(10);
        while h.events_served() < 2_000 {
            assert!(
                Instant::now() < deadline,
                "{} events served in 10 s: the tail's queue is not kept empty",
                h.events_served()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        h.stop();
        drain.abort();
    }
}
