//! Soak: memory stays flat over time, checked against RSS after the first minute (the first
//! sample is taken at `min(60 s, a fifth of the run)`).
//!
//! 1. Full rate (issue 6.9): tail the embedded broker at a high rate for a long time with the
//!    tail buffer full. `KT_SOAK_SECS` sets the length (default 600; `.ci/bench-smoke` runs 60;
//!    0 skips it). Everything runs in one process, as in kafka-tui: the embedded broker (which
//!    keeps about 5 MiB per partition and drops older data), a producer writing as fast as the
//!    broker takes it, and the app's tail pipeline (tail thread, bounded channel, `TailState`
//!    ring buffer, a preview of the visible rows at 30 frames a second).
//! 2. Chatty clients (issues 9.1 and 14.8): the release binary in tmux on its embedded broker,
//!    tailing `demo`, with `-X statistics.interval.ms=100`, with `-X debug=all`, and with a SASL
//!    configuration the embedded broker cannot speak plus `-X debug=all` (authentication fails
//!    again and again). Every client's log, error and statistics events must be served, or
//!    librdkafka keeps them all. Its RSS and CPU are read from /proc. A `baseline` without `-X`
//!    runs beside them, and the verdict is each case's RSS growth from the first minute to the
//!    end beyond the baseline's, at most 10 % of its RSS after the first minute: every run grows
//!    by about 2 MiB for three minutes while the Logs pane's 20,000-line ring of the embedded
//!    broker's log fills (then stays flat), chatty or not. The four run at once;
//!    `KT_SOAK_CLIENT_SECS` sets the length (default 300; `.ci/bench-smoke` runs 60; 0 skips
//!    them), `KT_SOAK_CASES` picks some (`baseline,stats,debug,sasl_debug`; without `baseline`
//!    the verdict is the plain end/first-minute ratio), `KT_BENCH_BIN` the binary.

mod support;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kafka_tui::event::KafkaEvent;
use kafka_tui::kafka::api::TailRequest;
use kafka_tui::kafka::tail::spawn_tail;
use kafka_tui::model::StartFrom;
use kafka_tui::state::tail::{TailState, DEFAULT_MAX_BYTES, DEFAULT_MAX_RECORDS};
use kafka_tui::text::{preview, Format};
use rdkafka::producer::{BaseRecord, Producer};
use support::*;
use tokio::sync::mpsc;

const TOPIC: &str = "soak";
const PARTITIONS: i32 = 4;
const VALUE_BYTES: usize = 512;

fn main() {
    header(
        "soak",
        "memory stays flat while tailing at full rate, and while clients log, fail and report",
    );
    let secs = env_usize("KT_SOAK_SECS", 600) as u64;
    if secs > 0 {
        full_rate(secs);
    }
    let client_secs = env_usize("KT_SOAK_CLIENT_SECS", 300) as u64;
    if client_secs > 0 {
        chatty_clients(client_secs);
    }
}

/// When the first RSS sample of a run of `secs` is taken.
fn first_sample(secs: u64) -> Duration {
    Duration::from_secs((secs / 5).clamp(1, 60))
}

fn full_rate(secs: u64) {
    let first_at = first_sample(secs);
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
    let (tx, mut rx) = mpsc::channel::<KafkaEvent>(kafka_tui::session::EVENT_QUEUE);
    let tail = spawn_tail(
        &settings(addr),
        TailRequest {
            topics: TOPIC.into(),
            start: StartFrom::End,
            generation: 1,
            ..Default::default()
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
        if let Ok(Some(KafkaEvent::Records {
            generation,
            records,
        })) =
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

/// The chatty-client cases: name, what it is, and the binary's extra arguments.
const CASES: &[(&str, &str, &[&str])] = &[
    // The same app without the chatter: how much RSS grows anyway while bounded buffers (the
    // Logs pane keeps 20,000 lines of the embedded broker's log) fill up.
    ("baseline", "no -X properties", &[]),
    (
        "stats",
        "-X statistics.interval.ms=100",
        &["-X", "statistics.interval.ms=100"],
    ),
    ("debug", "-X debug=all", &["-X", "debug=all"]),
    (
        "sasl_debug",
        "SASL against the embedded broker (which has none) and -X debug=all",
        &[
            "-X",
            "security.protocol=SASL_PLAINTEXT",
            "-X",
            "sasl.mechanism=PLAIN",
            "-X",
            "sasl.username=soak",
            "-X",
            "sasl.password=soak",
            "-X",
            "debug=all",
        ],
    ),
];

/// One sample of a running kafka-tui: when, RSS, CPU used so far.
struct Sample {
    at: Duration,
    rss: u64,
    cpu: Duration,
}

struct Client {
    name: &'static str,
    what: &'static str,
    tmux: Tmux,
    pid: String,
    log: std::path::PathBuf,
    samples: Vec<Sample>,
}

fn chatty_clients(secs: u64) {
    let Some(bin) = tmux_and_binary("soak (chatty clients)") else {
        return;
    };
    let wanted = std::env::var("KT_SOAK_CASES").unwrap_or_default();
    let first_at = first_sample(secs);
    let mut clients: Vec<Client> = CASES
        .iter()
        .filter(|(name, _, _)| wanted.is_empty() || wanted.split(',').any(|w| w.trim() == *name))
        .map(|&(name, what, args)| {
            let port = free_port();
            let log = temp_path(&format!("soak-{name}.log"));
            let cmd = format!(
                "exec '{}' --listen 127.0.0.1:{port} --log-file '{}' -t demo {}",
                bin.display(),
                log.display(),
                args.join(" ")
            );
            let tmux = Tmux::start(&format!("soak-{name}"), &cmd, 160, 45);
            let up = tmux.wait_for(Duration::from_millis(100), Duration::from_secs(30), |s| {
                s.contains("kafka-tui") && s.contains("Tail")
            });
            assert!(
                up.is_some(),
                "kafka-tui ({what}) did not start:\n{}",
                tmux.capture()
            );
            let pid = tmux.pane_pid().expect("the pane's pid").to_string();
            Client {
                name,
                what,
                tmux,
                pid,
                log,
                samples: Vec::new(),
            }
        })
        .collect();
    let t0 = Instant::now();
    let mut reported_first = false;
    while t0.elapsed() < Duration::from_secs(secs) {
        std::thread::sleep(Duration::from_secs(1));
        for c in &mut clients {
            if c.tmux.dead() {
                continue;
            }
            c.samples.push(Sample {
                at: t0.elapsed(),
                rss: proc_status_bytes_of(&c.pid, "VmRSS"),
                cpu: process_cpu_of(&c.pid).unwrap_or_default(),
            });
        }
        if !reported_first && t0.elapsed() >= first_at {
            reported_first = true;
            for c in &clients {
                if let Some(s) = c.samples.last() {
                    note(format!("{} after {}: RSS {}", c.name, ms(s.at), mib(s.rss)));
                }
            }
        }
    }
    // Stop them all first: each keeps drawing and logging until it is told to quit.
    let ends: Vec<(String, bool)> = clients
        .iter()
        .map(|c| {
            let screen = c.tmux.capture();
            let alive = !c.tmux.dead();
            c.tmux.send(&["q"]);
            (screen, alive)
        })
        .collect();
    for c in &clients {
        c.tmux.wait_dead(Duration::from_secs(10));
        let _ = std::fs::remove_file(&c.log);
    }
    let baseline_growth = clients
        .iter()
        .find(|c| c.name == "baseline")
        .and_then(|c| growth(c, first_at))
        .map(|(g, _, _)| g);
    for (c, (screen, alive)) in clients.iter().zip(ends) {
        let name = c.name;
        let header_line = screen.lines().next().unwrap_or("").trim().to_string();
        let Some((grew, first, last)) = growth(c, first_at).filter(|_| alive) else {
            result(
                &format!("soak.{name}.rss_growth_beyond_baseline"),
                f64::INFINITY,
                "%",
                Target::AtMost(10.0),
                &format!("kafka-tui ({}) ended early; screen:\n{screen}", c.what),
            );
            continue;
        };
        let peak = c.samples.iter().map(|s| s.rss).max().unwrap_or(0);
        // RSS each minute, to tell a buffer filling up (then flat) from a leak (without end).
        let minutes: Vec<String> = c
            .samples
            .iter()
            .filter(|s| s.at.as_secs() % 60 == 0 || std::ptr::eq(*s, last))
            .map(|s| format!("{}s {}", s.at.as_secs(), mib(s.rss)))
            .collect();
        // CPU in the first window and in the last window of the same length.
        let window = first.at;
        let before_last = c
            .samples
            .iter()
            .rev()
            .find(|s| last.at.saturating_sub(s.at) >= window)
            .unwrap_or(first);
        let pct = |cpu: Duration, wall: Duration| {
            100.0 * cpu.as_secs_f64() / wall.as_secs_f64().max(1e-9)
        };
        let cpu_first = pct(first.cpu, first.at);
        let cpu_last = pct(
            last.cpu.saturating_sub(before_last.cpu),
            last.at.saturating_sub(before_last.at),
        );
        note(format!(
            "{name} ({}): RSS {} at {} -> {} at {} (peak {}); by minute: {}; CPU {cpu_first:.1} % of a core in the first {} -> {cpu_last:.1} % in the last; header: {header_line}",
            c.what,
            mib(first.rss),
            ms(first.at),
            mib(last.rss),
            ms(last.at),
            mib(peak),
            minutes.join(", "),
            ms(window),
        ));
        let ratio = last.rss as f64 / first.rss.max(1) as f64;
        match (name, baseline_growth) {
            // The verdict: growth beyond what the same app grows without the chatter, as a
            // share of the RSS after the first minute. The Logs pane keeps the last 20,000
            // lines of the embedded broker's log, which fill for about three minutes at the
            // rate the tail's fetches make the broker log: every run grows by that much.
            (n, Some(base)) if n != "baseline" => {
                result(
                    &format!("soak.{name}.rss_growth_beyond_baseline"),
                    100.0 * (grew - base) / first.rss.max(1) as f64,
                    "%",
                    Target::AtMost(10.0),
                    &format!(
                        "{}: RSS {} at {} -> {} at the end of {secs} s (x{ratio:.3}); the baseline grew {} meanwhile",
                        c.what,
                        mib(first.rss),
                        ms(first.at),
                        mib(last.rss),
                        mib(base.max(0.0) as u64),
                    ),
                );
            }
            _ => {
                result(
                    &format!("soak.{name}.rss_end_over_first_minute"),
                    ratio,
                    "x",
                    if name == "baseline" {
                        Target::None
                    } else {
                        Target::AtMost(1.10)
                    },
                    &format!(
                        "{}: RSS {} at {} vs {} at the end of {secs} s",
                        c.what,
                        mib(first.rss),
                        ms(first.at),
                        mib(last.rss)
                    ),
                );
            }
        }
        result(
            &format!("soak.{name}.cpu_pct_last_window"),
            cpu_last,
            "%",
            Target::None,
            &format!("{cpu_first:.1} % in the first {}", ms(window)),
        );
    }
}

/// RSS growth from the first sample (at `first_at`) to the last, and those two samples.
fn growth(c: &Client, first_at: Duration) -> Option<(f64, &Sample, &Sample)> {
    let first = c.samples.iter().find(|s| s.at >= first_at)?;
    let last = c.samples.last()?;
    Some((last.rss as f64 - first.rss as f64, first, last))
}
