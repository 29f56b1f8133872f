//! The tail: a consumer on its own thread that turns librdkafka messages into owned records
//! and hands them to the UI in batches over a bounded channel. It reads one topic, several,
//! or all that a regex matches; every few seconds it looks at the cluster again, so that
//! topics created later (and partitions added later) join.
//!
//! A bounded channel means that if the UI falls behind, this thread waits and librdkafka's own
//! (bounded) prefetch queue fills up: memory stays flat and no record is skipped.

mod ending;
mod plan;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use rdkafka::consumer::BaseConsumer;

use super::api::{EventSender, KafkaEvent, TailRequest};
use super::client::{ClientSettings, UiContext, SERVE_BUDGET};
use super::consumer::{consumer_config, fill};
use super::fetch_queue::{FetchQueue, Fetched};
use super::ffi::MainQueue;
use crate::model::recycle::{self, BATCH_MAX};
use crate::model::Record;
use ending::Ending;
use plan::{Joined, Pick};

/// How long a partial batch may wait before it is sent (`BATCH_MAX` records at most).
const BATCH_WAIT: Duration = Duration::from_millis(15);

/// How long the tail waits for a record when it has nothing to send.
const POLL_WAIT: Duration = Duration::from_millis(100);

/// How often a running tail looks for topics and partitions that joined since.
const RESCAN: Duration = Duration::from_secs(5);

/// How long one look at the cluster's metadata may take.
const SURVEY_TIMEOUT: Duration = Duration::from_secs(5);

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
    let mut config = consumer_config(settings);
    if req.until.is_some() {
        // A tail that ends needs librdkafka's word that a partition reached its end: the last
        // offset may be a transaction marker, which no record has.
        config.set("enable.partition.eof", "true");
    }
    let consumer: BaseConsumer<UiContext> = config.create_with_context(ctx.clone())?;
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
    // Thread names are for debuggers: short, and never the whole of a long pattern.
    let name: String = format!("tail-{}", req.topics).chars().take(32).collect();
    let thread = std::thread::Builder::new().name(name).spawn(move || {
        let tail = Tail {
            consumer: &consumer,
            req: &req,
            embedded,
            cancel: &flag,
            tx: &tx,
        };
        tail.run(txn)
    })?;
    Ok(TailHandle {
        cancel,
        thread: Some(thread),
        ctx,
    })
}

/// What the tail's thread works with.
struct Tail<'a> {
    consumer: &'a BaseConsumer<UiContext>,
    req: &'a TailRequest,
    embedded: bool,
    cancel: &'a AtomicBool,
    tx: &'a EventSender,
}

/// Notes about the tail for its status line: lasting ones, and the latest on joining topics.
#[derive(Default)]
struct Notes {
    lasting: Vec<String>,
    joined: Option<String>,
    /// The embedded broker's note on transactions, said (once) as soon as they are in use.
    txn: bool,
}

/// What a running tail knows: when it began, what it reads, where it ends, what it said.
struct Progress {
    began: SystemTime,
    joined: Joined,
    ending: Option<Ending>,
    notes: Notes,
}

impl Notes {
    fn text(&self) -> Option<String> {
        let mut all: Vec<&str> = self.lasting.iter().map(String::as_str).collect();
        all.extend(self.joined.as_deref());
        if self.txn {
            all.push(crate::kafka::embedded::mock::TRANSACTIONS_NOTE);
        }
        (!all.is_empty()).then(|| all.join("; "))
    }
}

impl<'a> Tail<'a> {
    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    fn status(&self, status: String, error: bool) {
        let _ = self.tx.blocking_send(KafkaEvent::TailStatus {
            generation: self.req.generation,
            status,
            error,
        });
    }

    fn started(&self, joined: &Joined, notes: &Notes) {
        let _ = self.tx.blocking_send(KafkaEvent::TailStarted {
            generation: self.req.generation,
            partitions: joined.count(),
            topics: joined.topics(),
            notice: notes.text(),
        });
    }

    /// One look at the cluster: what joins now, or why nothing can.
    fn look(&self, joined: &mut Joined) -> Result<Pick, String> {
        let survey = plan::survey(self.consumer, &self.req.topics, SURVEY_TIMEOUT)?;
        Ok(plan::pick(
            &self.req.topics,
            self.req.partitions.as_deref(),
            &survey,
            joined,
        ))
    }

    /// Joins `pick`'s partitions to `queue` at their start offsets. Partitions there at the
    /// tail's first look start where the tail was asked to; those that came later hold only
    /// newer records and are read from their beginning. Returns false when nothing can be read
    /// (the tail is being replaced, or its first assignment failed).
    fn join(&self, new: Vec<(String, i32)>, st: &mut Progress, queue: &FetchQueue<'a>) -> bool {
        let Progress {
            began,
            joined,
            ending,
            notes,
        } = st;
        let began = *began;
        let first_time = joined.count() == 0;
        let (late, at_start): (Vec<_>, Vec<_>) =
            new.into_iter().partition(|(t, p)| joined.is_late(t, *p));
        let until_needs_ends = self.req.until.is_some_and(|u| u.stops_at_start_end(began));
        let mut added = Vec::new();
        for (group, is_late) in [(at_start, false), (late, true)] {
            if group.is_empty() {
                continue;
            }
            let Some(start) = plan::offsets(
                self.consumer,
                &group,
                is_late,
                self.req.start,
                self.embedded,
                until_needs_ends,
                self.cancel,
            ) else {
                return false;
            };
            if self.cancelled() {
                return false;
            }
            for n in start.notes {
                if !notes.lasting.contains(&n) {
                    notes.lasting.push(n);
                }
            }
            if let Err(e) = queue.add(self.consumer, &start.tpl) {
                if first_time {
                    self.status(format!("cannot assign partitions: {e}"), true);
                    return false;
                }
                notes.joined = Some(format!("cannot add {}: {e}", names(&group)));
                continue;
            }
            for (t, p) in &group {
                joined.add(t, *p);
                if let Some(e) = ending.as_mut() {
                    let key = (t.clone(), *p);
                    let (first, end) = (start.first.get(&key), start.ends.get(&key));
                    e.join(t, *p, first.copied(), end.copied(), is_late);
                }
            }
            added.extend(group);
        }
        if !first_time && !added.is_empty() {
            notes.joined = Some(format!(
                "{} joined (read from the beginning)",
                names(&added)
            ));
        }
        true
    }

    /// Waits for something to read (a topic that does not exist yet, a pattern nothing matches
    /// yet), then joins it. None when the tail ends first.
    fn first_join(&self, st: &mut Progress, queue: &FetchQueue<'a>) -> Option<()> {
        let mut said: Option<String> = None;
        loop {
            if self.cancelled() {
                return None;
            }
            match self.look(&mut st.joined) {
                Ok(pick) => {
                    st.notes.lasting.extend(pick.notes);
                    if let Some(why) = pick.fatal {
                        self.status(why, true);
                        return None;
                    }
                    if !pick.new.is_empty() {
                        return self.join(pick.new, st, queue).then_some(());
                    }
                    if let Some((text, error)) = pick.waiting {
                        if said.as_ref() != Some(&text) {
                            self.status(text.clone(), error);
                            said = Some(text);
                        }
                    }
                }
                Err(e) => self.status(format!("cannot read metadata: {e}; retrying"), true),
            }
            // Waits a second, in steps, so that a cancelled tail does not linger.
            for _ in 0..10 {
                if self.cancelled() {
                    return None;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }

    fn run(&self, txn: Option<Arc<AtomicBool>>) {
        let mut queue = match FetchQueue::new(self.consumer, BATCH_MAX) {
            Ok(q) => q,
            Err(e) => return self.status(format!("cannot start the tail: {e}"), true),
        };
        let began = SystemTime::now();
        let mut st = Progress {
            began,
            joined: Joined::default(),
            ending: self.req.until.map(|u| Ending::new(u, began)),
            notes: Notes::default(),
        };
        if self.first_join(&mut st, &queue).is_none() {
            return;
        }
        let seen =
            |t: &Option<Arc<AtomicBool>>| t.as_ref().is_some_and(|t| t.load(Ordering::Relaxed));
        let mut txn = txn;
        if seen(&txn) {
            st.notes.txn = true;
            txn = None;
        }
        self.started(&st.joined, &st.notes);

        // Records the tail pane evicted, to be filled again instead of allocating new ones.
        let mut spare: Vec<Record> = Vec::new();
        let mut batch: Vec<Record> = recycle::take(&mut spare);
        let mut batch_started = Instant::now();
        let mut last_look = Instant::now();
        let own_queue = MainQueue::of_consumer(rdkafka::consumer::Consumer::client(self.consumer));
        let keep = |ending: &mut Option<Ending>, m: &Fetched<'_>| {
            ending.as_mut().map_or(true, |e| {
                e.keep(m.topic(), m.partition(), m.offset(), m.timestamp_ms())
            })
        };
        while !self.cancelled() {
            if seen(&txn) {
                txn = None;
                st.notes.txn = true;
                self.started(&st.joined, &st.notes);
            }
            // Errors, logs and statistics, all that wait (one a loop would fall behind
            // `-X debug=all`): the records themselves come through `queue`.
            let mut errors = Vec::new();
            let waiting = own_queue.as_ref().map_or(1, MainQueue::len);
            for _ in 0..waiting.min(SERVE_BUDGET) {
                match self.consumer.poll(Duration::ZERO) {
                    // The end of a partition, read off our queue (`is_eof`): not a problem.
                    Some(Err(rdkafka::error::KafkaError::PartitionEOF(_))) => {}
                    Some(Err(e)) => errors.push(e.to_string()),
                    Some(Ok(msg)) => {
                        // Fetched before the forward took effect: a record all the same.
                        let m = Fetched::borrowed(&msg);
                        if keep(&mut st.ending, &m) {
                            push(&mut batch, &mut spare, &m);
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
                if m.is_eof() {
                    if let Some(e) = st.ending.as_mut() {
                        e.reached(m.topic(), m.partition(), m.offset());
                    }
                    return;
                }
                match m.error() {
                    Some(e) => errors.push(e),
                    None if keep(&mut st.ending, &m) => push(&mut batch, &mut spare, &m),
                    None => {}
                }
            });
            for e in errors {
                tracing::warn!("tail {}: {e}", self.req.topics);
                self.status(format!("consumer error: {e}"), true);
            }
            let ended = st.ending.as_ref().is_some_and(Ending::finished);
            // Send when full, when the queue ran dry, when a trickle has waited long enough, or
            // at the end.
            let flush = !batch.is_empty()
                && (ended
                    || batch.len() >= BATCH_MAX
                    || got == 0
                    || batch_started.elapsed() >= BATCH_WAIT);
            if flush {
                let records = std::mem::replace(&mut batch, recycle::take(&mut spare));
                if self
                    .tx
                    .blocking_send(KafkaEvent::Records {
                        generation: self.req.generation,
                        records,
                    })
                    .is_err()
                {
                    return; // the app is gone
                }
            }
            if let (true, Some(e)) = (ended, &st.ending) {
                self.status(
                    format!(
                        "stopped at --until {}: {} read; :from or Enter on a topic starts a new tail",
                        e.until,
                        crate::model::count(e.read, "record")
                    ),
                    false,
                );
                return;
            }
            if last_look.elapsed() >= RESCAN {
                last_look = Instant::now();
                self.look_again(&mut st, &queue);
            }
        }
    }

    /// A running tail's look at the cluster: topics created and partitions added since join.
    fn look_again(&self, st: &mut Progress, queue: &FetchQueue<'a>) {
        let pick = match self.look(&mut st.joined) {
            Ok(p) => p,
            // The app's own metadata refresh says when the cluster is gone.
            Err(e) => return tracing::debug!("tail {}: no metadata: {e}", self.req.topics),
        };
        let told = !pick.notes.is_empty();
        st.notes.lasting.extend(pick.notes);
        let before = st.joined.count();
        if !pick.new.is_empty() {
            self.join(pick.new, st, queue);
        }
        if told || st.joined.count() != before {
            self.started(&st.joined, &st.notes);
        }
    }
}

/// `a#0, a#1, b#0` → `a#0,1, b#0`.
fn names(parts: &[(String, i32)]) -> String {
    let mut by: Vec<(String, Vec<i32>)> = Vec::new();
    for (t, p) in parts {
        match by.iter_mut().find(|(n, _)| n == t) {
            Some((_, ps)) => ps.push(*p),
            None => by.push((t.clone(), vec![*p])),
        }
    }
    by.iter()
        .map(|(t, ps)| format!("{t}#{}", crate::model::join_ids(ps)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Copies a message out of librdkafka's buffer into a spare record, or a new one.
fn push(batch: &mut Vec<Record>, spare: &mut Vec<Record>, m: &Fetched<'_>) {
    let mut r = spare.pop().unwrap_or_default();
    fill(&mut r, m.topic(), m);
    batch.push(r);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::api::KafkaEvent;
    use crate::model::StartFrom;

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
                topics: "recycle".into(),
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
                topics: "busy".into(),
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
