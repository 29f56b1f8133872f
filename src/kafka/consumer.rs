//! The tail: a consumer on its own thread that turns librdkafka messages into owned records
//! and hands them to the UI in batches over a bounded channel.
//!
//! A bounded channel means that if the UI falls behind, this thread waits and librdkafka's own
//! (bounded) prefetch queue fills up: memory stays flat and no record is skipped.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{BorrowedMessage, Headers};
use rdkafka::{Message, Offset, TopicPartitionList};
use tokio::sync::mpsc;

use super::client::{ClientSettings, UiContext};
use super::model::{Header, Record};
use super::start::StartFrom;
use crate::event::{Event, KafkaEvent};

/// Records per batch at most, and how long a partial batch may wait before it is sent.
const BATCH_MAX: usize = 1024;
const BATCH_WAIT: Duration = Duration::from_millis(15);

pub struct TailRequest {
    pub topic: String,
    pub start: StartFrom,
    pub generation: u64,
}

/// A running tail; dropping it (or `stop`) ends the thread.
pub struct TailHandle {
    cancel: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl TailHandle {
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
    tx: mpsc::Sender<Event>,
) -> anyhow::Result<TailHandle> {
    let consumer = create_consumer(settings, UiContext::new(tx.clone()))?;
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    let embedded = settings.embedded;
    let thread = std::thread::Builder::new()
        .name(format!("tail-{}", req.topic))
        .spawn(move || run_tail(consumer, req, embedded, &flag, &tx))?;
    Ok(TailHandle {
        cancel,
        thread: Some(thread),
    })
}

pub fn create_consumer(
    settings: &ClientSettings,
    ctx: UiContext,
) -> anyhow::Result<BaseConsumer<UiContext>> {
    let mut cfg = settings.client_config();
    // A tail only reads: no group membership, no commits. librdkafka still wants a group id.
    cfg.set("group.id", format!("kafka-tui-tail-{}", std::process::id()))
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("enable.partition.eof", "false")
        .set("fetch.wait.max.ms", "100")
        .set("queued.max.messages.kbytes", "16384");
    for (k, v) in &settings.properties {
        cfg.set(k, v);
    }
    Ok(cfg.create_with_context(ctx)?)
}

fn status(tx: &mpsc::Sender<Event>, generation: u64, status: String, error: bool) {
    let _ = tx.blocking_send(Event::Kafka(KafkaEvent::TailStatus {
        generation,
        status,
        error,
    }));
}

/// Waits for the topic to exist, then assigns every partition at the requested start.
fn assign(
    consumer: &BaseConsumer<UiContext>,
    req: &TailRequest,
    embedded: bool,
    cancel: &AtomicBool,
    tx: &mpsc::Sender<Event>,
) -> Option<(usize, Option<String>)> {
    let mut waited = false;
    let partitions: Vec<i32> = loop {
        if cancel.load(Ordering::Relaxed) {
            return None;
        }
        match consumer.fetch_metadata(Some(&req.topic), Duration::from_secs(5)) {
            Ok(md) => {
                let t = md.topics().iter().find(|t| t.name() == req.topic);
                match t {
                    Some(t) if t.error().is_none() && !t.partitions().is_empty() => {
                        break t.partitions().iter().map(|p| p.id()).collect();
                    }
                    _ => {
                        if !waited {
                            status(
                                tx,
                                req.generation,
                                format!(
                                    "topic {:?} does not exist (yet); waiting for it",
                                    req.topic
                                ),
                                false,
                            );
                            waited = true;
                        }
                    }
                }
            }
            Err(e) => status(
                tx,
                req.generation,
                format!("cannot read metadata: {e}; retrying"),
                true,
            ),
        }
        std::thread::sleep(Duration::from_millis(1000));
    };

    let mut notice = None;
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
    for &p in &partitions {
        let _ = tpl.add_partition_offset(&req.topic, p, offset);
    }
    if let Some(ts) = start.timestamp_ms(SystemTime::now()) {
        if embedded {
            notice = Some(
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
                    notice = Some(format!("time lookup failed ({e}): starting from the end"));
                }
            }
        }
    }
    if let Err(e) = consumer.assign(&tpl) {
        status(
            tx,
            req.generation,
            format!("cannot assign partitions: {e}"),
            true,
        );
        return None;
    }
    Some((partitions.len(), notice))
}

fn run_tail(
    consumer: BaseConsumer<UiContext>,
    req: TailRequest,
    embedded: bool,
    cancel: &AtomicBool,
    tx: &mpsc::Sender<Event>,
) {
    let Some((partitions, notice)) = assign(&consumer, &req, embedded, cancel, tx) else {
        return;
    };
    let generation = req.generation;
    let _ = tx.blocking_send(Event::Kafka(KafkaEvent::TailStarted {
        generation,
        partitions,
        notice,
    }));

    let mut batch: Vec<Record> = Vec::with_capacity(BATCH_MAX);
    let mut batch_started = Instant::now();
    while !cancel.load(Ordering::Relaxed) {
        let timeout = if batch.is_empty() {
            Duration::from_millis(100)
        } else {
            Duration::ZERO
        };
        let got = match consumer.poll(timeout) {
            Some(Ok(msg)) => {
                if batch.is_empty() {
                    batch_started = Instant::now();
                }
                batch.push(to_record(&msg));
                true
            }
            Some(Err(e)) => {
                tracing::warn!("tail {}: {e}", req.topic);
                status(tx, generation, format!("consumer error: {e}"), true);
                false
            }
            None => false,
        };
        // Send when full, when the queue ran dry, or when a trickle has waited long enough.
        let flush = !batch.is_empty()
            && (batch.len() >= BATCH_MAX || !got || batch_started.elapsed() >= BATCH_WAIT);
        if flush {
            let records = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_MAX));
            if tx
                .blocking_send(Event::Kafka(KafkaEvent::Records {
                    generation,
                    records,
                }))
                .is_err()
            {
                return; // the app is gone
            }
        }
    }
}

/// Copies a borrowed message out of librdkafka's buffer.
pub fn to_record(msg: &BorrowedMessage<'_>) -> Record {
    let headers = msg
        .headers()
        .map(|hs| {
            hs.iter()
                .map(|h| Header {
                    name: h.key.to_string(),
                    value: h.value.map(<[u8]>::to_vec),
                })
                .collect()
        })
        .unwrap_or_default();
    Record {
        topic: msg.topic().to_string(),
        partition: msg.partition(),
        offset: msg.offset(),
        timestamp_ms: msg.timestamp().to_millis(),
        key: msg.key().map(<[u8]>::to_vec),
        value: msg.payload().map(<[u8]>::to_vec),
        headers,
    }
}
