//! Faults on the real cluster (issue 10.3): one of the three KRaft nodes stopped while kafka-tui
//! tails a topic and publishes to it (and an rdkafka producer in the test writes numbered
//! records), and a rolling restart of all three. The topic detail must show the
//! under-replicated partitions and the new leaders, then the full ISR again; the tail must
//! hold every record once, at the offset Kafka's own consumer reads it.
//!
//! The cluster is whole again at the end of each test, also when it fails (`NodeGuard`).
//! In CI (`CI` set) a missing peer fails; locally the tests print why they skip.

mod common;
mod kafka_ref;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kafka_ref::*;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::ClientConfig;

const SCREEN: Duration = Duration::from_secs(30);
/// How soon after a node is gone the topic detail must say so (pressing `r`, as a person would).
const NOTICED: Duration = Duration::from_secs(15);

fn setup() -> Option<Kafka> {
    if no_tmux() {
        return None;
    }
    Kafka::get()
}

fn tui(k: &Kafka, name: &str, args: &str, height: u16) -> Tui {
    let t = Tui::start(name, "", &format!("-b {} {args}", k.plain), 140, height);
    t.wait("connected to the 3 brokers", SCREEN, |s| {
        s.contains("connected, 3 brokers")
    });
    t
}

/// (partition, leader, replicas, isr) rows of the topic detail view.
fn detail(screen: &str) -> Vec<(i32, i32, Vec<i32>, Vec<i32>)> {
    let ids = |s: &str| -> Option<Vec<i32>> { s.split(',').map(|x| x.parse().ok()).collect() };
    let mut v = Vec::new();
    for line in screen.lines() {
        let w: Vec<&str> = line.trim_matches('│').split_whitespace().collect();
        if w.len() < 6 {
            continue;
        }
        let (Ok(p), Ok(leader), Some(replicas), Some(isr)) =
            (w[0].parse(), w[1].parse(), ids(w[2]), ids(w[3]))
        else {
            continue;
        };
        v.push((p, leader, replicas, isr));
    }
    v
}

/// Numbered records written in the background by an idempotent rdkafka producer, every 40 ms,
/// round robin over the partitions, until stopped: what was delivered where.
struct Writer {
    stop: Arc<AtomicBool>,
    delivered: Arc<Mutex<Vec<(i32, i64, String)>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Writer {
    fn start(cfg: &ClientConfig, topic: &str, partitions: i32) -> Writer {
        let p: FutureProducer = cfg
            .clone()
            .set("enable.idempotence", "true")
            .set("acks", "all")
            .create()
            .expect("producer");
        let stop = Arc::new(AtomicBool::new(false));
        let delivered = Arc::new(Mutex::new(Vec::new()));
        let (s, d, topic) = (stop.clone(), delivered.clone(), topic.to_string());
        let thread = std::thread::spawn(move || {
            let mut pending = Vec::new();
            let mut i = 0u32;
            while !s.load(Ordering::Relaxed) {
                let value = format!("rd-{i:05}");
                let rec = FutureRecord::<str, str>::to(&topic)
                    .partition(i as i32 % partitions)
                    .payload(&value);
                let f = p.send_result(rec).map_err(|(e, _)| e).expect("enqueue");
                pending.push((value, f));
                i += 1;
                // The pace of a modest application: the fault happens in the middle of it.
                std::thread::sleep(Duration::from_millis(40));
            }
            for (value, f) in pending {
                let r = block_on(f).expect("delivery future");
                let (part, off) = match r {
                    Ok(d) => (d.partition, d.offset),
                    Err((e, _)) => panic!("{value} not delivered: {e}"),
                };
                d.lock().unwrap().push((part, off, value));
            }
        });
        Writer {
            stop,
            delivered,
            thread: Some(thread),
        }
    }

    /// Stops writing and waits for every delivery.
    fn finish(mut self) -> Vec<(i32, i64, String)> {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.join().expect("the writer thread");
        }
        self.delivered.lock().unwrap().clone()
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// True when every partition of `topic` has all its replicas in sync (librdkafka's metadata).
fn isr_full(cfg: &ClientConfig, topic: &str) -> bool {
    let c: BaseConsumer = cfg.create().expect("consumer");
    c.fetch_metadata(Some(topic), Duration::from_secs(5))
        .ok()
        .and_then(|md| {
            md.topics().iter().find(|t| t.name() == topic).map(|t| {
                !t.partitions().is_empty()
                    && t.partitions()
                        .iter()
                        .all(|p| p.isr().len() == p.replicas().len())
            })
        })
        .unwrap_or(false)
}

fn wait_isr_full(cfg: &ClientConfig, topic: &str) {
    let deadline = Instant::now() + Duration::from_secs(90);
    while !isr_full(cfg, topic) {
        assert!(Instant::now() < deadline, "{topic}'s ISR never full again");
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// `written` with each delivery that came back without an offset (librdkafka's -1001) placed
/// where Kafka's consumer finds its value in that partition. The broker answers a retried batch
/// it had already written as a duplicate (DUPLICATE_SEQUENCE_NUMBER), and librdkafka reports it
/// delivered without saying where. Sorted.
fn with_offsets_found(
    written: &[(i32, i64, String)],
    read: &[(i32, i64, String)],
) -> Vec<(i32, i64, String)> {
    let mut placed: Vec<_> = written
        .iter()
        .map(
            |w| match read.iter().find(|r| w.1 < 0 && r.0 == w.0 && r.2 == w.2) {
                Some(r) => (w.0, r.1, w.2.clone()),
                None => w.clone(),
            },
        )
        .collect();
    placed.sort();
    placed
}

/// The records of `topic` as Kafka's consumer reads them, and the tail holds them all, each
/// once, at the same partition and offset.
fn check_everything(k: &Kafka, tailer: &Tui, topic: &str, written: &[(i32, i64, String)]) {
    // One pass ends at each partition's end as its leader reports it; a leader elected moments
    // ago may still report an old end, so a short pass is read again (until 30 s), and what
    // differs at the end is named record by record.
    let deadline = Instant::now() + Duration::from_secs(30);
    let (read, written) = loop {
        let mut read: Vec<(i32, i64, String)> = read_all(&k.config(), topic, "read_committed")
            .into_iter()
            .map(|s| (s.partition, s.offset, s.value.unwrap_or_default()))
            .collect();
        read.sort();
        let placed = with_offsets_found(written, &read);
        if read == placed || Instant::now() > deadline {
            break (read, placed);
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    let missing: Vec<_> = written
        .iter()
        .filter(|w| !read.contains(w))
        .take(10)
        .collect();
    let extra: Vec<_> = read
        .iter()
        .filter(|r| !written.contains(r))
        .take(10)
        .collect();
    assert!(
        read == written,
        "Kafka's consumer reads each delivered record once: read {}, delivered {}; \
         delivered but not read (first 10): {missing:?}; read but not delivered: {extra:?}",
        read.len(),
        written.len()
    );
    let n = written.len() as u64;
    tailer.wait(&format!("the tail holding all {n} records"), SCREEN, |s| {
        held(s) == Some(n)
    });
    let shown: Vec<(i32, i64, String)> = whole_tail(tailer, written.len())
        .into_iter()
        .map(|r| (r.partition, r.offset, r.value))
        .collect();
    assert_eq!(shown.len(), written.len(), "rows in the tail");
    assert_eq!(
        shown, written,
        "the tail shows each record once, at its offset"
    );
}

/// Publishes `tui-NN` values through kafka-tui's producer (focused), returning the deliveries.
fn publish_some(t: &Tui, from: usize, n: usize) -> Vec<(i32, i64, String)> {
    (from..from + n)
        .map(|i| {
            let value = format!("tui-{i:02}");
            let (p, o) = publish(t, &value, SCREEN);
            (p, o, value)
        })
        .collect()
}

#[test]
fn one_broker_stopped_while_tailing_and_producing() {
    let Some(k) = setup() else { return };
    let _one_at_a_time = CLUSTER.lock().unwrap_or_else(|e| e.into_inner());
    let _restore = NodeGuard::new(&k);
    let topic = unique("fault");
    k.create_topic(&topic, 3, 3, &[("min.insync.replicas", "2")]);
    // The node that leads partition 0 goes.
    let victim = k.describe_with_kafka_topics(&topic)[0].1 as usize;

    let tailer = tui(&k, "tailer", &format!("-t {topic} --from beginning"), 60);
    tailer.wait("the tail live", SCREEN, |s| {
        s.contains("waiting for records")
    });
    let watcher = tui(&k, "watcher", "", 40);
    describe(&watcher, &topic);
    watcher.wait("fully replicated", SCREEN, |s| {
        s.contains("fully replicated") && detail(s).len() == 3
    });

    let writer = Writer::start(&k.config(), &topic, 3);
    tailer.keys(&["3"]);
    let mut tui_written = publish_some(&tailer, 0, 3);

    k.node("stop", victim);
    let (took, screen) = watcher.refresh_until(
        "under-replicated partitions and new leaders",
        "r",
        Duration::from_secs(1),
        NOTICED,
        |s| {
            let rows = detail(s);
            rows.len() == 3
                && s.contains("under-replicated")
                && rows.iter().all(|(_, leader, _, isr)| {
                    *leader as usize != victim && !isr.contains(&(victim as i32))
                })
        },
    );
    eprintln!("topic detail showed node {victim} gone after {took:?}");
    // The leaders on screen are the ones Kafka names.
    let kafka_says: Vec<(i32, i32)> = {
        let out = k.tool_ok(&[
            "kafka-topics",
            "--bootstrap-server",
            &k.node_addr(if victim == 1 { 2 } else { 1 }),
            "--describe",
            "--topic",
            &topic,
        ]);
        out.lines()
            .filter(|l| l.contains("Partition: "))
            .map(|l| {
                let w: Vec<&str> = l.split_whitespace().collect();
                let at = |name: &str| {
                    w[w.iter().position(|x| *x == name).unwrap() + 1]
                        .parse()
                        .unwrap()
                };
                (at("Partition:"), at("Leader:"))
            })
            .collect()
    };
    let shown: Vec<(i32, i32)> = detail(&screen).iter().map(|r| (r.0, r.1)).collect();
    assert_eq!(shown, kafka_says, "{screen}");
    watcher.esc();
    watcher.command("brokers");
    let gone = format!("{victim:>6}  {}", k.node_addr(victim));
    watcher.wait("two brokers in :brokers and the header", SCREEN, |s| {
        s.contains("cluster id")
            && !s.contains(" 0 under-replicated")
            && !s.contains(&gone)
            && s.contains("connected, 2 brokers")
    });

    // The producer and the tail go on while the node is away.
    tui_written.extend(publish_some(&tailer, 3, 3));
    k.node("start", victim);
    watcher.esc();
    watcher.command(&format!("describe {topic}"));
    watcher.refresh_until(
        "the full ISR again",
        "r",
        Duration::from_secs(1),
        Duration::from_secs(90),
        |s| {
            let rows = detail(s);
            rows.len() == 3
                && s.contains("fully replicated")
                && rows.iter().all(|(_, _, r, isr)| isr.len() == r.len())
        },
    );
    tui_written.extend(publish_some(&tailer, 6, 3));
    let mut written = writer.finish();
    written.extend(tui_written);
    tailer.esc();
    tailer.keys(&["2"]);
    check_everything(&k, &tailer, &topic, &written);
    tailer.quit();
    watcher.quit();
}

#[test]
fn rolling_restart_of_the_three_brokers_loses_nothing() {
    let Some(k) = setup() else { return };
    let _one_at_a_time = CLUSTER.lock().unwrap_or_else(|e| e.into_inner());
    let _restore = NodeGuard::new(&k);
    let topic = unique("rolling");
    k.create_topic(&topic, 3, 3, &[("min.insync.replicas", "2")]);
    let tailer = tui(&k, "rolling", &format!("-t {topic} --from beginning"), 60);
    tailer.wait("the tail live", SCREEN, |s| {
        s.contains("waiting for records")
    });
    let writer = Writer::start(&k.config(), &topic, 3);
    tailer.keys(&["3"]);
    let mut tui_written = publish_some(&tailer, 0, 2);
    for node in 1..=3 {
        k.node("stop", node);
        tui_written.extend(publish_some(&tailer, node * 10, 2));
        k.node("start", node);
        // The next node goes only once this one is back in every ISR, as an operator does.
        wait_isr_full(&k.config(), &topic);
        tui_written.extend(publish_some(&tailer, node * 10 + 5, 1));
    }
    let mut written = writer.finish();
    eprintln!(
        "{} records from rdkafka, {} from kafka-tui",
        written.len(),
        tui_written.len()
    );
    written.extend(tui_written);
    tailer.esc();
    tailer.keys(&["2"]);
    check_everything(&k, &tailer, &topic, &written);
    tailer.quit();
}

/// The topic detail view refreshes itself: a person watching it during an incident sees the
/// stopped node leave the ISR without pressing `r`.
#[test]
fn topic_detail_shows_a_stopped_broker_without_pressing_r() {
    let Some(k) = setup() else { return };
    let _one_at_a_time = CLUSTER.lock().unwrap_or_else(|e| e.into_inner());
    let _restore = NodeGuard::new(&k);
    let topic = unique("stale");
    k.create_topic(&topic, 3, 3, &[]);
    let watcher = tui(&k, "stale", "", 40);
    describe(&watcher, &topic);
    watcher.wait("fully replicated", SCREEN, |s| {
        s.contains("fully replicated") && detail(s).len() == 3
    });
    k.node("stop", 3);
    let screen = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        watcher.wait(
            "the detail to show node 3 gone, by itself",
            Duration::from_secs(30),
            |s| s.contains("under-replicated"),
        )
    }));
    watcher.quit();
    assert!(
        screen.is_ok(),
        "after 30 s the view still showed node 3 in sync"
    );
}
