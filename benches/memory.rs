//! Benchmark 2: memory while tailing, with the default buffer (10,000 records / 64 MiB).
//!
//! The embedded broker (and the producer that loads it) run in this process; the tail runs
//! in a child process (this same binary, re-executed), so its peak RSS (VmHWM) is the tail's
//! alone. The child reports VmRSS/VmHWM before the tail starts and after the N-th record.
//!
//! Two (or three) sizes show that memory is flat in the number of records:
//!   N1 records loaded first, then read from the beginning (what the broker can hold);
//!   N2 records streamed: the producer keeps at most a window ahead of the tail, so the
//!   broker's ~5 MiB per partition is never exceeded while the tail reads them all;
//!   N3 (KT_BENCH_MEM_BIG, e.g. 10,000,000) likewise, when asked.
//! Baseline: a bare rdkafka consumer that only counts, in a child process the same way.
//!
//! Env: KT_BENCH_MEM_N1 (default 100,000), KT_BENCH_MEM_N2 (default 1,000,000),
//! KT_BENCH_MEM_BIG (default 0 = skip).

mod support;

use std::io::{BufRead, BufReader, Write as _};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::producer::{BaseRecord, Producer};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};
use support::*;

const PARTITIONS: i32 = 4;
const SIZE: usize = 100;
/// Records the producer may be ahead of the tail when streaming: ~4.4 MB in all, ~1.1 MB per
/// partition, well inside the ~5 MiB each partition of the embedded broker keeps.
const WINDOW: u64 = 40_000;

fn main() {
    if let Ok(mode) = std::env::var("KT_BENCH_CHILD") {
        return child(&mode);
    }
    header(
        "memory",
        "peak RSS of the tail (child process) with the default buffer",
    );
    let rt = runtime();
    let broker = rt.block_on(start_broker());
    let addr = broker.address();
    let n1 = env_usize("KT_BENCH_MEM_N1", 100_000) as u64;
    let n2 = env_usize("KT_BENCH_MEM_N2", 1_000_000) as u64;
    let n3 = env_usize("KT_BENCH_MEM_BIG", 0) as u64;

    let mut runs: Vec<(String, u64, Report, Report)> = Vec::new();
    // N1: loaded first, read from the beginning.
    let t1 = "mem-loaded";
    rt.block_on(broker.create_topic_async(t1, PARTITIONS))
        .unwrap();
    produce(addr, t1, n1, SIZE, PARTITIONS);
    let held1 = held(&watermarks(addr, t1, PARTITIONS));
    if held1 < n1 {
        note(format!(
            "the embedded broker kept {} of {} records: measuring those",
            thousands(held1),
            thousands(n1)
        ));
    }
    let app1 = run_child("app", addr, t1, held1);
    let bare1 = run_child("bare", addr, t1, held1);
    runs.push((format!("{} loaded", thousands(held1)), held1, app1, bare1));

    // N2 (and N3): streamed through, the tail reading while the producer writes.
    for (i, n) in [n2, n3].into_iter().enumerate().filter(|(_, n)| *n > 0) {
        let app = stream(&rt, &broker, addr, &format!("mem-stream-app-{i}"), n, "app");
        let bare = stream(
            &rt,
            &broker,
            addr,
            &format!("mem-stream-bare-{i}"),
            n,
            "bare",
        );
        runs.push((format!("{} streamed", thousands(n)), n, app, bare));
    }

    println!();
    println!(
        "    {:<22} {:>12} {:>12} {:>12} {:>14} {:>12} {:>10}",
        "records (100 B)", "RSS before", "peak (HWM)", "RSS after", "bare peak", "held", "time"
    );
    for (label, _, app, bare) in &runs {
        println!(
            "    {:<22} {:>12} {:>12} {:>12} {:>14} {:>12} {:>10}",
            label,
            mib(app.rss_before),
            mib(app.hwm_after),
            mib(app.rss_after),
            mib(bare.hwm_after),
            format!("{} rec", thousands(app.held)),
            ms(Duration::from_micros(app.micros))
        );
    }
    for (label, n, app, bare) in &runs {
        result(
            &format!("memory.peak_rss_mb.{n}"),
            app.hwm_after as f64 / 1e6,
            "MB",
            Target::AtMost(100.0),
            &format!(
                "{label}; baseline: RSS before the tail {:.1} MB, bare consumer peak {:.1} MB",
                app.rss_before as f64 / 1e6,
                bare.hwm_after as f64 / 1e6
            ),
        );
    }
    if runs.len() >= 2 {
        let (first, last) = (&runs[0], &runs[runs.len() - 1]);
        let growth = last.2.hwm_after as f64 / first.2.hwm_after as f64;
        result(
            "memory.peak_growth",
            growth,
            "x",
            Target::AtMost(1.10),
            &format!(
                "peak at {} records / peak at {} records ({}x the records); bare consumer: {:.2}x",
                thousands(last.1),
                thousands(first.1),
                last.1 / first.1.max(1),
                last.3.hwm_after as f64 / first.3.hwm_after as f64
            ),
        );
    }
    drop(broker);
    rt.shutdown_timeout(Duration::from_secs(2));
}

#[derive(Debug, Default, Clone)]
struct Report {
    rss_before: u64,
    hwm_after: u64,
    rss_after: u64,
    held: u64,
    micros: u64,
}

/// Starts the child; `consumed` (if given) follows its progress lines.
fn spawn_child(
    mode: &str,
    addr: SocketAddr,
    topic: &str,
    n: u64,
) -> (
    std::process::Child,
    Arc<AtomicU64>,
    std::thread::JoinHandle<Report>,
) {
    let mut child = Command::new(std::env::current_exe().expect("own path"))
        .env("KT_BENCH_CHILD", mode)
        .env("KT_BENCH_ADDR", addr.to_string())
        .env("KT_BENCH_TOPIC", topic)
        .env("KT_BENCH_N", n.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("child starts");
    let consumed = Arc::new(AtomicU64::new(0));
    let c2 = consumed.clone();
    let out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut report = None;
        for line in BufReader::new(out).lines() {
            let line = line.unwrap_or_default();
            if let Some(p) = line.strip_prefix("progress ") {
                c2.store(p.trim().parse().unwrap_or(0), Ordering::Relaxed);
            } else if let Some(r) = line.strip_prefix("result ") {
                let v: Vec<u64> = r
                    .split_whitespace()
                    .map(|x| x.parse().unwrap_or(0))
                    .collect();
                report = Some(Report {
                    rss_before: v[0],
                    hwm_after: v[1],
                    rss_after: v[2],
                    held: v[3],
                    micros: v[4],
                });
            }
        }
        report.expect("the child reported its memory")
    });
    (child, consumed, reader)
}

fn finish(mut child: std::process::Child, reader: std::thread::JoinHandle<Report>) -> Report {
    let status = child.wait().expect("child ends");
    assert!(status.success(), "memory child failed: {status:?}");
    reader.join().expect("reader")
}

fn run_child(mode: &str, addr: SocketAddr, topic: &str, n: u64) -> Report {
    let (child, _, reader) = spawn_child(mode, addr, topic, n);
    let r = finish(child, reader);
    note(format!(
        "{mode}: {} records, RSS before {}, peak {}, after {}",
        thousands(n),
        mib(r.rss_before),
        mib(r.hwm_after),
        mib(r.rss_after)
    ));
    r
}

/// Streams `n` records through a fresh topic while the child tails it.
fn stream(
    rt: &tokio::runtime::Runtime,
    broker: &kafka_tui::kafka::embedded::mock::MockBroker,
    addr: SocketAddr,
    topic: &str,
    n: u64,
    mode: &str,
) -> Report {
    rt.block_on(broker.create_topic_async(topic, PARTITIONS))
        .unwrap();
    let (child, consumed, reader) = spawn_child(mode, addr, topic, n);
    let p = bulk_producer(addr);
    let t0 = Instant::now();
    let mut produced = 0u64;
    let mut last_note = Instant::now();
    while produced < n {
        let ahead = produced.saturating_sub(consumed.load(Ordering::Relaxed));
        if ahead >= WINDOW {
            p.poll(Duration::from_millis(2));
            continue;
        }
        let upto = (produced + 10_000)
            .min(n)
            .min(consumed.load(Ordering::Relaxed) + WINDOW);
        while produced < upto {
            let key = format!("key-{}", produced % 1000);
            let value = value_of(produced, SIZE);
            let rec = BaseRecord::to(topic)
                .key(&key)
                .payload(&value)
                .partition((produced % PARTITIONS as u64) as i32);
            match p.send(rec) {
                Ok(()) => produced += 1,
                Err((e, _)) => {
                    assert_eq!(
                        e.rdkafka_error_code(),
                        Some(rdkafka::types::RDKafkaErrorCode::QueueFull),
                        "produce failed: {e}"
                    );
                    p.poll(Duration::from_millis(5));
                }
            }
        }
        p.poll(Duration::ZERO);
        // Flushing keeps "produced" honest: the broker has what the tail is waiting for.
        p.flush(Duration::from_secs(30)).expect("delivered");
        if last_note.elapsed() > Duration::from_secs(5) {
            note(format!(
                "  {mode}: {} of {} streamed ({:.0} rec/s)",
                thousands(produced),
                thousands(n),
                produced as f64 / t0.elapsed().as_secs_f64()
            ));
            last_note = Instant::now();
        }
    }
    p.flush(Duration::from_secs(60)).expect("delivered");
    let marks = watermarks(addr, topic, PARTITIONS);
    let r = finish(child, reader);
    note(format!(
        "{mode}: {} records streamed in {} (watermarks {marks:?}), RSS before {}, peak {}, after {}",
        thousands(n),
        ms(t0.elapsed()),
        mib(r.rss_before),
        mib(r.hwm_after),
        mib(r.rss_after)
    ));
    r
}

// ---------------------------------------------------------------- the child

fn child(mode: &str) {
    let addr: SocketAddr = std::env::var("KT_BENCH_ADDR").unwrap().parse().unwrap();
    let topic = std::env::var("KT_BENCH_TOPIC").unwrap();
    let n: u64 = std::env::var("KT_BENCH_N").unwrap().parse().unwrap();
    // The same runtime as the binary: two workers.
    let rt = runtime();
    let rss_before = proc_status_bytes("VmRSS");
    let mut out = std::io::stdout();
    let t0 = Instant::now();
    let held = match mode {
        "app" => {
            let settings = settings(addr);
            let run = app_pipeline(&rt, &settings, &topic, n, |got| {
                let _ = writeln!(out, "progress {got}");
                let _ = out.flush();
            });
            run.held as u64
        }
        _ => {
            let c: BaseConsumer = ClientConfig::new()
                .set("bootstrap.servers", addr.to_string())
                .set("group.id", "bench-memory-bare")
                .set("enable.auto.commit", "false")
                .create()
                .expect("consumer");
            let mut tpl = TopicPartitionList::new();
            for p in 0..PARTITIONS {
                tpl.add_partition_offset(&topic, p, Offset::Beginning)
                    .unwrap();
            }
            c.fetch_metadata(Some(&topic), Duration::from_secs(10))
                .expect("metadata");
            c.assign(&tpl).expect("assign");
            let mut count = 0u64;
            let mut last = Instant::now();
            while count < n {
                if let Some(r) = c.poll(Duration::from_millis(100)) {
                    r.expect("consume");
                    count += 1;
                }
                if last.elapsed() >= Duration::from_millis(50) {
                    let _ = writeln!(out, "progress {count}");
                    let _ = out.flush();
                    last = Instant::now();
                }
            }
            0
        }
    };
    let micros = t0.elapsed().as_micros() as u64;
    let hwm = proc_status_bytes("VmHWM");
    let rss = proc_status_bytes("VmRSS");
    let _ = writeln!(out, "progress {n}");
    let _ = writeln!(out, "result {rss_before} {hwm} {rss} {held} {micros}");
    let _ = out.flush();
    // Exit without tearing the clients down: the figures are taken.
    std::process::exit(0);
}
