//! Soak: tail the embedded broker at a high rate for a long time with the tail buffer full,
//! and check that memory stays flat: RSS at the end within 10% of RSS after the first minute
//! (issue 6.9). `KT_SOAK_SECS` sets the length (default 600; `.ci/bench-smoke` runs 60), the
//! first sample is taken at `min(60 s, a fifth of the run)`.
//!
//! Everything runs in one process, as in kafka-tui: the embedded broker (which keeps about
//! 5 MiB per partition and drops older data), a producer writing as fast as the broker takes
//! it, and the app's tail pipeline (tail thread, bounded channel, `TailState` ring buffer, a
//! preview of the visible rows at 30 frames a second).

mod support;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kafka_tui::broker::EmbeddedBroker;
use kafka_tui::event::{Event, KafkaEvent};
use kafka_tui::kafka::codec::{preview, Format};
use kafka_tui::kafka::consumer::{spawn_tail, TailRequest};
use kafka_tui::kafka::start::StartFrom;
use kafka_tui::state::tail::{TailState, DEFAULT_MAX_BYTES, DEFAULT_MAX_RECORDS};
use rdkafka::producer::{BaseRecord, Producer};
use support::*;
use tokio::sync::mpsc;

const TOPIC: &str = "soak";
const PARTITIONS: i32 = 4;
const VALUE_BYTES: usize = 512;

fn main() {
    header(
        "soak",
        "memory stays flat while tailing at full rate with the buffer full",
    );
    let secs = env_usize("KT_SOAK_SECS", 600) as u64;
    let first_at = Duration::from_secs((secs / 5).clamp(1, 60));
    let rt = runtime();
    let broker = rt.block_on(start_broker());
    let addr = broker.address();
    rt.block_on(broker.create_topic_async(TOPIC, PARTITIONS))
        .expect("topic");

    // The writer: as fast as the broker takes it, until told to stop.
    let stop = Arc::new(AtomicBool::new(false));
    let produced = Arc::new(AtomicU64::new(0));
    let writer = {
        let (stop, produced) = (stop.clone(), produced.clone());
        std::thread::spawn(move || {
            // A bounded queue: a writer faster than the broker waits instead of buffering
            // without end (that memory would be the writer's, not the tail's).
            let p: rdkafka::producer::BaseProducer = rdkafka::ClientConfig::new()
                .set("bootstrap.servers", addr.to_string())
                .set("linger.ms", "5")
                .set("queue.buffering.max.kbytes", "16384")
                .set("queue.buffering.max.messages", "100000")
                .create()
                .expect("producer");
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let v = value_of(i, VALUE_BYTES);
                let key = format!("k{}", i % 1000);
                match p.send(BaseRecord::to(TOPIC).key(&key).payload(&v)) {
                    Ok(()) => {
                        i += 1;
                        produced.store(i, Ordering::Relaxed);
                    }
                    Err(_) => {
                        p.poll(Duration::from_millis(5));
                    }
                }
                if i % 1000 == 0 {
                    p.poll(Duration::ZERO);
                }
            }
            let _ = p.flush(Duration::from_secs(10));
        })
    };

    // The app's tail pipeline, as the event loop runs it.
    let (tx, mut rx) = mpsc::channel::<Event>(kafka_tui::session::EVENT_QUEUE);
    let tail = spawn_tail(
        &settings(addr),
        TailRequest {
            topic: TOPIC.into(),
            start: StartFrom::End,
            generation: 1,
        },
        tx,
    )
    .expect("tail");
    let mut state = TailState::new(DEFAULT_MAX_RECORDS, DEFAULT_MAX_BYTES);
    state.restart(TOPIC.into(), StartFrom::End);
    let t0 = Instant::now();
    let mut last_frame = Instant::now();
    let mut first_rss = None;
    let mut peak = 0u64;
    let mut received = 0u64;
    while t0.elapsed() < Duration::from_secs(secs) {
        if let Ok(Some(Event::Kafka(KafkaEvent::Records {
            generation,
            records,
        }))) =
            rt.block_on(async { tokio::time::timeout(Duration::from_millis(100), rx.recv()).await })
        {
            received += records.len() as u64;
            state.push_batch(generation, records);
        }
        if last_frame.elapsed() >= Duration::from_millis(33) {
            // What a frame formats: the visible rows only.
            let end = state.records.end_seq();
            let shown: usize = state
                .records
                .range(end.saturating_sub(50), end)
                .map(|(_, r)| preview(r.value.as_deref(), Format::Auto).len())
                .sum();
            std::hint::black_box(shown);
            last_frame = Instant::now();
        }
        let rss = proc_status_bytes("VmRSS");
        peak = peak.max(rss);
        if first_rss.is_none() && t0.elapsed() >= first_at {
            first_rss = Some(rss);
            note(format!(
                "after {}: RSS {}, {} records tailed, buffer {} records",
                ms(t0.elapsed()),
                mib(rss),
                thousands(received),
                state.records.len()
            ));
        }
    }
    let end_rss = proc_status_bytes("VmRSS");
    stop.store(true, Ordering::Relaxed);
    tail.stop();
    let _ = writer.join();
    let first = first_rss.unwrap_or(end_rss).max(1);
    note(format!(
        "after {}: RSS {} (peak {}), {} produced, {} tailed, buffer {} of {} records",
        ms(t0.elapsed()),
        mib(end_rss),
        mib(peak),
        thousands(produced.load(Ordering::Relaxed)),
        thousands(received),
        state.records.len(),
        DEFAULT_MAX_RECORDS
    ));
    result(
        "soak.rss_end_over_first_minute",
        end_rss as f64 / first as f64,
        "x",
        Target::AtMost(1.10),
        &format!(
            "RSS {} at {} vs {} at the end of {secs} s",
            mib(first),
            ms(first_at),
            mib(end_rss)
        ),
    );
    result(
        "soak.records_tailed",
        received as f64,
        "records",
        Target::None,
        "at full rate",
    );
    drop(broker);
}
