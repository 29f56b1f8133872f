//! Benchmark 6: responsiveness under load. The release binary runs in tmux on its embedded
//! broker (`--listen 127.0.0.1:PORT -t flood --from end`), tailing a topic that a separate
//! producer (this process) floods as fast as it can. Keys are sent with tmux at intervals;
//! kafka-tui measures, in its event loop, the delay from each key event to the next drawn
//! frame (`KAFKA_TUI_TIMING=FILE`, written when it quits). Baseline: the same keys while idle.
//!
//! Env: KT_BENCH_LOAD_SECS (flood duration, default 10), KT_BENCH_KEY_EVERY_MS (default 50),
//! KT_BENCH_BIN.

mod support;

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::consumer::Consumer;
use rdkafka::producer::{BaseRecord, Producer};
use support::*;

const TOPIC: &str = "flood";

struct Outcome {
    p50_us: u64,
    p99_us: u64,
    max_us: u64,
    keys: u64,
    produced: u64,
    secs: f64,
    held_text: String,
    /// Records between the newest shown and the end of the partitions, and partitions seen.
    lag: Option<(i64, usize)>,
    /// Records per second the broker took during the flood.
    broker_rate: f64,
}

fn held_text(screen: &str) -> String {
    screen
        .lines()
        .find_map(|l| {
            let i = l.find(" held")?;
            let start = l[..i].rfind(|c: char| !(c.is_ascii_digit() || c == ','))? + 1;
            Some(format!("{} held", &l[start..i]))
        })
        .unwrap_or_else(|| "?".into())
}

fn run(bin: &Path, flood: bool, secs: f64, every: Duration, tag: &str) -> Outcome {
    let port = free_port();
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let timing = temp_path(&format!("resp-{tag}.json"));
    let log = temp_path(&format!("resp-{tag}.log"));
    let _ = std::fs::remove_file(&timing);
    let cmd = format!(
        "KAFKA_TUI_TIMING='{}' '{}' --listen {addr} --no-demo -t {TOPIC} --from end --log-file '{}'",
        timing.display(),
        bin.display(),
        log.display()
    );
    let tmux = Tmux::start(&format!("resp-{tag}"), &cmd, 200, 50);
    tmux.wait_for(Duration::from_millis(20), Duration::from_secs(20), |s| {
        s.contains("kafka-tui") && s.contains(TOPIC)
    })
    .unwrap_or_else(|| panic!("kafka-tui did not start; screen:\n{}", tmux.capture()));

    let stop = Arc::new(AtomicBool::new(false));
    let produced = Arc::new(AtomicU64::new(0));
    let flood_thread = flood.then(|| {
        let (stop, produced) = (stop.clone(), produced.clone());
        std::thread::spawn(move || {
            // A short local queue, so that what is sent is what the broker takes.
            let p: rdkafka::producer::BaseProducer = rdkafka::ClientConfig::new()
                .set("bootstrap.servers", addr.to_string())
                .set("linger.ms", "5")
                .set("queue.buffering.max.messages", "100000")
                .set("compression.type", "none")
                .create()
                .expect("producer");
            let value = value_of(0, 100);
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let key = format!("key-{}", i % 1000);
                match p.send(BaseRecord::to(TOPIC).key(&key).payload(&value)) {
                    Ok(()) => i += 1,
                    Err(_) => {
                        p.poll(Duration::from_millis(1));
                    }
                }
                if i % 1000 == 0 {
                    p.poll(Duration::ZERO);
                }
            }
            let _ = p.flush(Duration::from_secs(30));
            produced.store(i, Ordering::Relaxed);
        })
    });
    let flood_started = Instant::now();
    // Let the tail see the topic and the flood get going.
    std::thread::sleep(Duration::from_millis(if flood { 1500 } else { 300 }));

    // Tail pane (following the flood), scroll in it, then the topics pane, and back.
    let t0 = Instant::now();
    let mut keys = 0u64;
    let pattern = ["2", "k", "k", "j", "j", "G", "1", "j", "k", "2"];
    while t0.elapsed().as_secs_f64() < secs {
        tmux.send(&[pattern[keys as usize % pattern.len()]]);
        keys += 1;
        std::thread::sleep(every);
    }
    let elapsed = t0.elapsed().as_secs_f64();
    // Follow the end again, then compare the newest offsets on screen with the broker's.
    tmux.send(&["2"]);
    tmux.send(&["G"]);
    std::thread::sleep(Duration::from_millis(100));
    let screen = tmux.capture();
    let lag = flood.then(|| tail_lag(&screen, addr));
    // What the broker actually took during the flood (its high watermarks), and how fast.
    let in_broker = if flood { end_offsets(addr) } else { 0 };
    let flood_secs = flood_started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    if let Some(t) = flood_thread {
        t.join().expect("flood thread");
    }
    tmux.send(&["q"]);
    tmux.wait_dead(Duration::from_secs(10));
    let v = read_timing(&timing, Duration::from_secs(5))
        .unwrap_or_else(|| panic!("no timing report; screen:\n{}", tmux.capture()));
    let k = &v["key_to_frame_us"];
    Outcome {
        p50_us: k["p50"].as_u64().unwrap_or(0),
        p99_us: k["p99"].as_u64().unwrap_or(0),
        max_us: k["max"].as_u64().unwrap_or(0),
        keys: k["n"].as_u64().unwrap_or(0),
        produced: produced.load(Ordering::Relaxed),
        secs: elapsed,
        held_text: held_text(&screen),
        lag,
        broker_rate: in_broker as f64 / flood_secs,
    }
}

/// The sum of the flood topic's high watermarks: every record the broker has taken.
fn end_offsets(addr: std::net::SocketAddr) -> i64 {
    let c: rdkafka::consumer::BaseConsumer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", addr.to_string())
        .create()
        .expect("consumer");
    let Ok(md) = c.fetch_metadata(Some(TOPIC), Duration::from_secs(5)) else {
        return 0;
    };
    let parts: Vec<i32> = md
        .topics()
        .iter()
        .flat_map(|t| t.partitions().iter().map(|p| p.id()))
        .collect();
    parts
        .into_iter()
        .filter_map(|p| c.fetch_watermarks(TOPIC, p, Duration::from_secs(5)).ok())
        .map(|(_, hi)| hi)
        .sum()
}

/// The newest offset per partition in the tail pane (rows right of the topics pane).
fn shown_offsets(screen: &str) -> std::collections::BTreeMap<i32, i64> {
    let mut newest = std::collections::BTreeMap::new();
    for line in screen.lines() {
        let Some((_, right)) = line.split_once("││") else {
            continue;
        };
        let mut words = right.split_whitespace();
        let (Some(p), Some(o)) = (words.next(), words.next()) else {
            continue;
        };
        if let (Ok(p), Ok(o)) = (p.parse::<i32>(), o.parse::<i64>()) {
            let e = newest.entry(p).or_insert(o);
            *e = (*e).max(o);
        }
    }
    newest
}

/// How far behind the end of each partition the tail pane was: (records behind in all,
/// partitions seen).
fn tail_lag(screen: &str, addr: std::net::SocketAddr) -> (i64, usize) {
    let shown = shown_offsets(screen);
    let c: rdkafka::consumer::BaseConsumer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", addr.to_string())
        .create()
        .expect("consumer");
    let mut behind = 0;
    for (&p, &o) in &shown {
        if let Ok((_, hi)) =
            rdkafka::consumer::Consumer::fetch_watermarks(&c, TOPIC, p, Duration::from_secs(5))
        {
            behind += (hi - 1 - o).max(0);
        }
    }
    (behind, shown.len())
}

fn main() {
    header(
        "responsiveness",
        "key-to-frame delay in kafka-tui's event loop while a producer floods the tailed topic",
    );
    let Some(bin) = tmux_and_binary("responsiveness") else {
        return;
    };
    let secs = env_usize("KT_BENCH_LOAD_SECS", 10).max(1) as f64;
    let every = Duration::from_millis(env_usize("KT_BENCH_KEY_EVERY_MS", 50) as u64);

    let idle = run(&bin, false, secs, every, "idle");
    let load = run(&bin, true, secs, every, "load");
    for (name, o) in [("idle", &idle), ("flood", &load)] {
        note(format!(
            "{name:>5}: key->frame p50 {} µs, p99 {} µs, max {} µs over {} keys; produced {} records in {:.1} s of keys ({:.0} rec/s into the broker); tail pane: {}",
            o.p50_us,
            o.p99_us,
            o.max_us,
            o.keys,
            thousands(o.produced),
            o.secs,
            o.broker_rate,
            o.held_text
        ));
    }
    if let Some((behind, parts)) = load.lag {
        note(format!(
            "when the keys stopped, the newest records on screen were {} records behind the end of the {parts} partitions shown (the flood adds ~{:.0} per 100 ms)",
            thousands(behind.max(0) as u64),
            load.broker_rate / 10.0
        ));
    }
    result(
        "responsiveness.key_to_frame_p99_ms",
        load.p99_us as f64 / 1000.0,
        "ms",
        Target::Below(16.0),
        &format!(
            "under a flood of {:.0} rec/s into the tailed topic; baseline idle p99 {:.2} ms ({:.1}x)",
            load.broker_rate,
            idle.p99_us as f64 / 1000.0,
            load.p99_us as f64 / idle.p99_us.max(1) as f64
        ),
    );
}
