//! Benchmark 1: tail ingest on the embedded broker.
//!
//! Loads a 4-partition topic with N records of 100 B (and of 10 KB), then reads all of them
//! from the beginning, round after round, with:
//!   app   the app's own pipeline: `kafka::tail::spawn_tail` (consume, convert to owned
//!         records) -> `KafkaEvent::Records` batches over the bounded event channel ->
//!         `App::handle_event` -> `TailState::push_batch` (ring buffer, default 10,000 records /
//!         64 MiB), and a real frame (`ui::draw`, 200x50, tail pane focused: previews of the
//!         visible rows) whenever something changed, at most every 16 ms, as `run.rs` does;
//!   bare  a bare rdkafka `BaseConsumer` (librdkafka defaults) that only counts;
//!   bare+ the same loop with the app's consumer configuration (`create_consumer`), to tell
//!         configuration from pipeline cost;
//!   kcat  `kcat -C -b ADDR -t TOPIC -e -q -o beginning > /dev/null`.
//! Each time covers creating the consumer, metadata, assignment and every record.
//!
//! Env: KT_BENCH_RECORDS (100 B records asked, default 1,000,000), KT_BENCH_BIG_RECORDS
//! (10 KB records asked, default 50,000), KT_BENCH_ROUNDS (default 11). The embedded broker
//! keeps about 5 MiB per partition: what does not fit is evicted, and the benchmark measures
//! the records actually held, saying so.

mod support;

use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kafka_tui::kafka::client::{ClientSettings, UiContext};
use kafka_tui::kafka::consumer::create_consumer;
use kafka_tui::state::tail::DEFAULT_MAX_RECORDS;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};
use support::*;

const PARTITIONS: i32 = 4;
const GIVE_UP: Duration = Duration::from_secs(300);

/// The app's pipeline, from creating the tail to the N-th record in the ring buffer.
fn run_app(rt: &tokio::runtime::Runtime, settings: &ClientSettings, topic: &str, n: u64) -> AppRun {
    app_pipeline(rt, settings, topic, n, |_| {})
}

/// A bare consumer loop that only counts: metadata, assign, poll. Returns the wall time
/// since `t0` and the CPU time of this (polling) thread.
fn run_bare(
    consumer: BaseConsumer<impl rdkafka::consumer::ConsumerContext>,
    topic: &str,
    n: u64,
    t0: Instant,
) -> (Duration, Duration) {
    let cpu0 = thread_cpu();
    let md = consumer
        .fetch_metadata(Some(topic), Duration::from_secs(10))
        .expect("metadata");
    let parts: Vec<i32> = md.topics()[0].partitions().iter().map(|p| p.id()).collect();
    let mut tpl = TopicPartitionList::new();
    for p in parts {
        tpl.add_partition_offset(topic, p, Offset::Beginning)
            .unwrap();
    }
    consumer.assign(&tpl).expect("assign");
    let mut count = 0u64;
    while count < n {
        match consumer.poll(Duration::from_millis(100)) {
            Some(Ok(_)) => count += 1,
            Some(Err(e)) => panic!("bare consumer: {e}"),
            None => assert!(
                t0.elapsed() < GIVE_UP,
                "bare consumer stuck at {count} of {n}"
            ),
        }
    }
    (t0.elapsed(), thread_cpu().saturating_sub(cpu0))
}

fn bare_default(addr: SocketAddr, topic: &str, n: u64) -> (Duration, Duration) {
    let t0 = Instant::now();
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", addr.to_string())
        .set("group.id", "bench-bare")
        .set("enable.auto.commit", "false")
        .set("enable.partition.eof", "false")
        .create()
        .expect("consumer");
    run_bare(c, topic, n, t0)
}

fn bare_app_config(settings: &ClientSettings, topic: &str, n: u64) -> (Duration, Duration) {
    let t0 = Instant::now();
    let c = create_consumer(settings, UiContext::silent()).expect("consumer");
    run_bare(c, topic, n, t0)
}

fn kcat_available() -> bool {
    Command::new("kcat")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn kcat_args(addr: SocketAddr, topic: &str) -> Vec<String> {
    [
        "-C",
        "-b",
        &addr.to_string(),
        "-t",
        topic,
        "-e",
        "-q",
        "-o",
        "beginning",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Reads the topic once with kcat into a pipe and counts the records (one line each).
fn kcat_count(addr: SocketAddr, topic: &str) -> u64 {
    let out = Command::new("kcat")
        .args(kcat_args(addr, topic))
        .stderr(Stdio::null())
        .output()
        .expect("kcat runs");
    assert!(out.status.success(), "kcat failed: {:?}", out.status);
    out.stdout.iter().filter(|&&b| b == b'\n').count() as u64
}

/// kcat as the issue gives it (`-e`: exit at the end of every partition), or, with `count`,
/// exiting after that many records (`-c N`), which the app's measurement also stops at: `-e`
/// has to wait one empty fetch (`fetch.wait.max.ms`, 500 ms by default) to learn it is at the end.
fn run_kcat(addr: SocketAddr, topic: &str, count: Option<u64>) -> Duration {
    let mut args = kcat_args(addr, topic);
    if let Some(n) = count {
        args.retain(|a| a != "-e");
        args.push("-c".into());
        args.push(n.to_string());
    }
    let t0 = Instant::now();
    let status = Command::new("kcat")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("kcat runs");
    let took = t0.elapsed();
    assert!(status.success(), "kcat failed: {status:?}");
    took
}

fn rate(n: u64, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64()
}

fn case(
    rt: &tokio::runtime::Runtime,
    broker: &kafka_tui::kafka::embedded::mock::MockBroker,
    label: &str,
    size: usize,
    asked: u64,
    rounds: usize,
    kcat: bool,
) {
    let addr = broker.address();
    let topic = format!("ingest-{label}");
    rt.block_on(broker.create_topic_async(&topic, PARTITIONS))
        .expect("topic");
    println!();
    println!(
        "--- {label}: {} records of {size} B asked, {PARTITIONS} partitions",
        thousands(asked)
    );
    let took = produce(addr, &topic, asked, size, PARTITIONS);
    let marks = watermarks(addr, &topic, PARTITIONS);
    let n = held(&marks);
    note(format!(
        "produced {} records in {} ({:.0} rec/s); watermarks (low, high) per partition: {marks:?}",
        thousands(asked),
        ms(took),
        rate(asked, took)
    ));
    if n < asked {
        note(format!(
            "the embedded broker holds only {} of the {} records ({}/partition kept, ~5 MiB each: \
             librdkafka's mock keeps at most 5 MiB or 100,000 message sets per partition); \
             measuring the {} held",
            thousands(n),
            thousands(asked),
            thousands(n / PARTITIONS as u64),
            thousands(n)
        ));
    } else {
        note(format!(
            "all {} records held by the embedded broker",
            thousands(n)
        ));
    }
    result(
        &format!("ingest.{label}.records_held"),
        n as f64,
        "records",
        Target::AtLeast(asked as f64),
        "what the embedded broker keeps of what was asked",
    );
    let settings = settings(addr);
    if kcat {
        let c = kcat_count(addr, &topic);
        assert_eq!(c, n, "kcat read {c} records, the broker holds {n}");
        note(format!(
            "kcat read all {} records (checked once through a pipe)",
            thousands(c)
        ));
    }

    // Warm-up round (connections, page cache, allocator), then interleaved timed rounds.
    let _ = run_app(rt, &settings, &topic, n);
    let _ = bare_default(addr, &topic, n);
    if env_flag("KT_BENCH_PROFILE_APP") {
        // Profiling aid (perf record): only the app pipeline, round after round.
        for _ in 0..rounds {
            let a = run_app(rt, &settings, &topic, n);
            note(format!(
                "app {} ({} frames, {} batches), tail thread {}, UI thread {}",
                ms(a.took),
                a.frames,
                a.batches,
                ms(a.tail_cpu),
                ms(a.ui_cpu)
            ));
        }
        return;
    }
    let (mut app, mut bare, mut bare_cfg, mut kc) = (vec![], vec![], vec![], vec![]);
    let (mut kc_count, mut tail_cpu, mut ui_cpu, mut bare_cpu) = (vec![], vec![], vec![], vec![]);
    for r in 0..rounds {
        let a = run_app(rt, &settings, &topic, n);
        assert!(
            a.held > 0 && a.held <= DEFAULT_MAX_RECORDS,
            "ring holds {}",
            a.held
        );
        app.push(a.took);
        tail_cpu.push(a.tail_cpu);
        ui_cpu.push(a.ui_cpu);
        let (b, b_cpu) = bare_default(addr, &topic, n);
        bare.push(b);
        bare_cpu.push(b_cpu);
        bare_cfg.push(bare_app_config(&settings, &topic, n).0);
        if kcat {
            kc.push(run_kcat(addr, &topic, None));
            kc_count.push(run_kcat(addr, &topic, Some(n)));
        }
        note(format!(
            "round {}: app {} ({} frames drawn, {} held) | bare {} | bare+app-config {}{}",
            r + 1,
            ms(a.took),
            a.frames,
            thousands(a.held as u64),
            ms(*bare.last().unwrap()),
            ms(*bare_cfg.last().unwrap()),
            kc.last()
                .zip(kc_count.last())
                .map(|(e, c)| format!(" | kcat -e {} | kcat -c N {}", ms(*e), ms(*c)))
                .unwrap_or_default()
        ));
    }
    let per_rec = |d: Duration| d.as_nanos() as f64 / n as f64;
    println!(
        "    CPU per record (medians): app tail thread {:.0} ns + UI thread {:.0} ns | bare polling thread {:.0} ns",
        per_rec(median(&tail_cpu)),
        per_rec(median(&ui_cpu)),
        per_rec(median(&bare_cpu))
    );
    let (ma, mb, mc) = (median(&app), median(&bare), median(&bare_cfg));
    println!(
        "    median of {rounds}: app {} = {:.0} rec/s, {:.1} MB/s | bare {} = {:.0} rec/s | bare+app-config {} = {:.0} rec/s",
        ms(ma),
        rate(n, ma),
        rate(n, ma) * size as f64 / 1e6,
        ms(mb),
        rate(n, mb),
        ms(mc),
        rate(n, mc)
    );
    result(
        &format!("ingest.{label}.app_rec_per_s"),
        rate(n, ma),
        "rec/s",
        Target::None,
        &format!("baseline bare {:.0} rec/s", rate(n, mb)),
    );
    result(
        &format!("ingest.{label}.app_over_bare"),
        mb.as_secs_f64() / ma.as_secs_f64(),
        "x",
        Target::AtLeast(0.95),
        &format!(
            "app {:.0} rec/s vs bare rdkafka consumer {:.0} rec/s",
            rate(n, ma),
            rate(n, mb)
        ),
    );
    result(
        &format!("ingest.{label}.app_over_bare_same_config"),
        mc.as_secs_f64() / ma.as_secs_f64(),
        "x",
        Target::None,
        &format!(
            "bare loop with the app's consumer settings: {:.0} rec/s",
            rate(n, mc)
        ),
    );
    if kcat {
        let (mk, mkc) = (median(&kc), median(&kc_count));
        println!(
            "    kcat -e median {} = {:.0} rec/s | kcat -c {n} median {} = {:.0} rec/s",
            ms(mk),
            rate(n, mk),
            ms(mkc),
            rate(n, mkc)
        );
        result(
            &format!("ingest.{label}.app_over_kcat"),
            mk.as_secs_f64() / ma.as_secs_f64(),
            "x",
            Target::AtLeast(1.0),
            &format!(
                "app {:.0} rec/s vs `kcat -C -e -q -o beginning` {:.0} rec/s",
                rate(n, ma),
                rate(n, mk)
            ),
        );
        result(
            &format!("ingest.{label}.app_over_kcat_count"),
            mkc.as_secs_f64() / ma.as_secs_f64(),
            "x",
            Target::AtLeast(1.0),
            &format!(
                "app vs kcat stopping at the N-th record (-c N: no end-of-partition wait) {:.0} rec/s",
                rate(n, mkc)
            ),
        );
    } else {
        note("kcat is not installed (bash .ci/setup installs it): app/kcat skipped");
    }
}

fn main() {
    header(
        "tail_ingest",
        "app tail pipeline vs bare rdkafka consumer vs kcat, embedded broker",
    );
    let rt = runtime();
    let broker = rt.block_on(start_broker());
    let addr = broker.address();
    let rounds = env_usize("KT_BENCH_ROUNDS", 11).max(1);
    let small = env_usize("KT_BENCH_RECORDS", 1_000_000) as u64;
    let big = env_usize("KT_BENCH_BIG_RECORDS", 50_000) as u64;
    let kcat = kcat_available();
    note(format!(
        "broker at {addr}; {rounds} timed rounds after one warm-up; kcat: {}",
        if kcat { "yes" } else { "absent" }
    ));
    case(&rt, &broker, "100B", 100, small, rounds, kcat);
    case(&rt, &broker, "10KB", 10 * 1024, big, rounds, kcat);
    drop(broker);
    rt.shutdown_timeout(Duration::from_secs(2));
}
