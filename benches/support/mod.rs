//! Shared helpers for the `harness = false` benchmark binaries: configuration from the
//! environment, the embedded broker, bulk producing, statistics, /proc readings, tmux, and
//! printing every figure beside its baseline and target.
//!
//! Each bench binary includes this with `mod support;` and uses only a part of it.
#![allow(dead_code)]

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kafka_tui::action::Action;
use kafka_tui::app::{App, ClusterView, Connection};
use kafka_tui::event::{Event, KafkaEvent};
use kafka_tui::kafka::api::{KafkaCommand, KafkaHandle};
use kafka_tui::kafka::client::ClientSettings;
use kafka_tui::kafka::embedded::mock::{MockBroker, MockOptions};
use kafka_tui::kafka::tail::spawn_tail;
use kafka_tui::model::StartFrom;
use kafka_tui::model::{Header, Record};
use kafka_tui::session::EVENT_QUEUE;
use kafka_tui::state::logs::LogsState;
use kafka_tui::state::tail::{TailState, DEFAULT_MAX_BYTES, DEFAULT_MAX_RECORDS};
use kafka_tui::state::Pane;
use kafka_tui::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
use rdkafka::ClientConfig;
use std::time::SystemTime;
use tokio::sync::mpsc;
use tokio::sync::mpsc::UnboundedReceiver;

// ---------------------------------------------------------------- configuration

/// A count from the environment (`KT_BENCH_RECORDS=200000`, underscores allowed), or `default`.
pub fn env_usize(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(v) => v
            .replace(['_', ','], "")
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
        Err(_) => default,
    }
}

pub fn env_flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0")
}

/// The release binary the end-to-end benchmarks run.
/// For the benchmarks that drive the real binary in tmux: the binary, or None (said why) when
/// tmux is missing. A missing binary is an error: build it first.
pub fn tmux_and_binary(bench: &str) -> Option<std::path::PathBuf> {
    if !Tmux::available() {
        note(format!(
            "tmux is not installed (bash .ci/setup installs it): {bench} benchmark skipped"
        ));
        return None;
    }
    let bin = release_binary();
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build --release` first",
        bin.display()
    );
    Some(bin)
}

pub fn release_binary() -> std::path::PathBuf {
    if let Ok(p) = std::env::var("KT_BENCH_BIN") {
        return p.into();
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    root.join("target/release/kafka-tui")
}

// ---------------------------------------------------------------- printing

pub fn header(name: &str, what: &str) {
    println!("=== {name}: {what}");
    println!("    machine: {}", machine());
    // Other work on the machine moves every figure: say how busy it was.
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    println!("    load average at start: {}", load.join(" "));
}

pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let n = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{n} cpus, {cpu}")
}

/// `1234567` -> `1,234,567`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

pub fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// Which way a target goes.
#[derive(Clone, Copy)]
pub enum Target {
    /// The figure must be at least this.
    AtLeast(f64),
    /// The figure must be at most this.
    AtMost(f64),
    /// The figure must be below this.
    Below(f64),
    /// Reported only.
    None,
}

impl Target {
    pub fn met(self, v: f64) -> Option<bool> {
        match self {
            Target::AtLeast(t) => Some(v >= t),
            Target::AtMost(t) => Some(v <= t),
            Target::Below(t) => Some(v < t),
            Target::None => None,
        }
    }

    fn text(self) -> String {
        match self {
            Target::AtLeast(t) => format!("≥ {t}"),
            Target::AtMost(t) => format!("≤ {t}"),
            Target::Below(t) => format!("< {t}"),
            Target::None => "none".into(),
        }
    }
}

/// Prints one verdict line, `RESULT <name> = <value> <unit> (target …): MET|MISSED`, that
/// `.ci/bench-smoke` and BENCHMARKS.md collect. Returns whether the target was met.
pub fn result(name: &str, value: f64, unit: &str, target: Target, note: &str) -> bool {
    let verdict = match target.met(value) {
        Some(true) => "MET",
        Some(false) => "MISSED",
        None => "reported",
    };
    let unit_sp = if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    };
    println!(
        "RESULT {name} = {value:.3}{unit_sp} (target {}{unit_sp}): {verdict}{}",
        target.text(),
        if note.is_empty() {
            String::new()
        } else {
            format!(" -- {note}")
        }
    );
    let _ = std::io::stdout().flush();
    target.met(value).unwrap_or(true)
}

// ---------------------------------------------------------------- statistics

/// One row of timings: median, p99 and max of `v`, with how many there were.
pub fn timings(label: &str, v: &[Duration]) {
    println!(
        "    {label:<48} median {:>10}  p99 {:>10}  max {:>10}  (n={})",
        us(median(v)),
        us(percentile(v, 0.99)),
        us(percentile(v, 1.0)),
        v.len()
    );
}

pub fn median(v: &[Duration]) -> Duration {
    percentile(v, 0.5)
}

/// Nearest-rank percentile of unsorted samples.
pub fn percentile(v: &[Duration], p: f64) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    let mut s = v.to_vec();
    s.sort_unstable();
    let idx = ((s.len() as f64 - 1.0) * p).round() as usize;
    s[idx.min(s.len() - 1)]
}

pub fn median_f64(v: &[f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.partial_cmp(b).unwrap());
    s[s.len() / 2]
}

// ---------------------------------------------------------------- /proc

/// A `kB` field of /proc/self/status (VmRSS, VmHWM, ...), in bytes.
pub fn proc_status_bytes(field: &str) -> u64 {
    proc_status_bytes_of("self", field)
}

pub fn proc_status_bytes_of(pid: &str, field: &str) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

// ---------------------------------------------------------------- broker and clients

/// The runtime kafka-tui runs on: two workers, I/O and timers.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// The embedded broker exactly as kafka-tui starts it, on a free port, without the demo topic.
pub async fn start_broker() -> MockBroker {
    MockBroker::start(MockOptions::loopback())
        .await
        .expect("the embedded broker starts")
}

pub fn settings(addr: SocketAddr) -> ClientSettings {
    let mut s = ClientSettings::new(addr.to_string());
    s.embedded = true;
    s
}

pub fn settings_for(b: &MockBroker) -> ClientSettings {
    settings(b.address())
}

/// A plain producer for loading data, batching hard and never compressing (the mock keeps
/// message sets as they arrive, so compression would change what fits).
pub fn bulk_producer(addr: SocketAddr) -> BaseProducer {
    ClientConfig::new()
        .set("bootstrap.servers", addr.to_string())
        .set("linger.ms", "20")
        .set("batch.num.messages", "10000")
        .set("batch.size", "1000000")
        .set("queue.buffering.max.messages", "2000000")
        .set("queue.buffering.max.kbytes", "1048576")
        .set("compression.type", "none")
        .set("acks", "1")
        .create()
        .expect("producer")
}

/// A value of exactly `size` bytes: JSON-like text with the record number in it.
pub fn value_of(i: u64, size: usize) -> Vec<u8> {
    let mut v = format!(
        "{{\"id\":{i},\"user\":\"user-{}\",\"event\":\"page_view\",\"path\":\"/items/{}\",\"pad\":\"",
        i % 9973,
        i % 101
    )
    .into_bytes();
    let tail = b"\"}";
    let room = size.saturating_sub(v.len() + tail.len());
    v.resize(v.len() + room, b'x');
    v.extend_from_slice(tail);
    v.truncate(size);
    v
}

/// Produces `n` records of `size` bytes round-robin over `partitions` partitions of `topic`.
/// Returns how long it took to deliver all of them.
pub fn produce(addr: SocketAddr, topic: &str, n: u64, size: usize, partitions: i32) -> Duration {
    let p = bulk_producer(addr);
    let t0 = Instant::now();
    for i in 0..n {
        let key = format!("key-{}", i % 1000);
        let value = value_of(i, size);
        let mut rec = BaseRecord::to(topic)
            .key(&key)
            .payload(&value)
            .partition((i % partitions as u64) as i32);
        loop {
            match p.send(rec) {
                Ok(()) => break,
                Err((e, r)) => {
                    // Queue full: let deliveries drain, then retry the same record.
                    if e.rdkafka_error_code() == Some(rdkafka::types::RDKafkaErrorCode::QueueFull) {
                        p.poll(Duration::from_millis(5));
                        rec = r;
                    } else {
                        panic!("produce failed: {e}");
                    }
                }
            }
        }
        if i % 10_000 == 0 {
            p.poll(Duration::ZERO);
        }
    }
    p.flush(Duration::from_secs(120))
        .expect("all records delivered");
    t0.elapsed()
}

/// `(low, high)` watermarks of each partition.
pub fn watermarks(addr: SocketAddr, topic: &str, partitions: i32) -> Vec<(i64, i64)> {
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", addr.to_string())
        .create()
        .expect("consumer");
    (0..partitions)
        .map(|p| {
            c.fetch_watermarks(topic, p, Duration::from_secs(10))
                .expect("watermarks")
        })
        .collect()
}

/// Records held: sum of high - low.
pub fn held(marks: &[(i64, i64)]) -> u64 {
    marks.iter().map(|(lo, hi)| (hi - lo).max(0) as u64).sum()
}

// ---------------------------------------------------------------- a headless App

/// An App as the binary builds it, with a detached Kafka handle: every command it would send
/// to the cluster lands in the returned receiver.
pub fn headless_app(buffer: usize, max_bytes: usize) -> (App, UnboundedReceiver<KafkaCommand>) {
    let (kafka, rx) = KafkaHandle::detached();
    (app_with(kafka, buffer, max_bytes, "127.0.0.1:9092"), rx)
}

pub fn app_with(kafka: KafkaHandle, buffer: usize, max_bytes: usize, addr: &str) -> App {
    let cluster = ClusterView {
        label: "embedded broker".into(),
        address: addr.into(),
        embedded: None,
        connection: Connection::Connecting,
        last_error: None,
    };
    let logs = LogsState::new(
        vec![
            ("broker".into(), "the embedded broker's log".into()),
            ("zookeeper".into(), "no ZooKeeper".into()),
        ],
        20_000,
    );
    App::new(
        kafka,
        cluster,
        logs,
        TailState::new(buffer, max_bytes),
        Theme::builtin("dark"),
    )
}

/// A record as the tail would hold it: JSON, text, binary and header-bearing values mixed.
pub fn sample_record(topic: &str, i: u64, now_ms: i64) -> Record {
    let value = match i % 4 {
        0 => value_of(i, 100),
        1 => format!("plain text record number {i} with some words in it").into_bytes(),
        2 => vec![0, 1, 2, 0xff, 0xfe, (i % 256) as u8, 0x7f, 0x80],
        _ => value_of(i, 2048),
    };
    let headers = if i % 3 == 0 {
        vec![Header {
            name: "trace-id".into(),
            value: Some(format!("{i:016x}").into_bytes()),
        }]
    } else {
        Vec::new()
    };
    Record {
        topic: topic.into(),
        partition: (i % 4) as i32,
        offset: (i / 4) as i64,
        timestamp_ms: Some(now_ms - (10_000 - (i as i64 % 10_000)) * 100),
        leader_epoch: None,
        key: (i % 5 != 0).then(|| format!("key-{}", i % 1000).into_bytes()),
        value: Some(value),
        headers,
    }
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

// ---------------------------------------------------------------- tmux

/// A tmux session on a private server socket, killed on drop.
pub struct Tmux {
    socket: String,
    pub session: String,
}

impl Tmux {
    pub fn available() -> bool {
        Command::new("tmux")
            .arg("-V")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Starts `cmd` (a shell command line) in a detached `width`x`height` session.
    pub fn start(name: &str, cmd: &str, width: u16, height: u16) -> Tmux {
        let socket = format!("kt-bench-{}-{name}", std::process::id());
        let t = Tmux {
            socket,
            session: name.to_string(),
        };
        let ok = t
            .cmd()
            .args(["new-session", "-d", "-s", name, "-x"])
            .arg(width.to_string())
            .arg("-y")
            .arg(height.to_string())
            .arg(cmd)
            .env("TERM", "xterm-256color")
            .status()
            .expect("tmux runs");
        assert!(ok.success(), "tmux new-session failed for {cmd}");
        // Keep the pane after the program exits, so its last screen can still be read.
        let _ = t
            .cmd()
            .args(["set-option", "-t", name, "remain-on-exit", "on"])
            .status();
        t
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-L", &self.socket, "-f", "/dev/null"]);
        c.stdout(Stdio::piped()).stderr(Stdio::null());
        c
    }

    pub fn capture(&self) -> String {
        let out = self
            .cmd()
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .expect("tmux capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn send(&self, keys: &[&str]) {
        let _ = self
            .cmd()
            .args(["send-keys", "-t", &self.session])
            .args(keys)
            .status();
    }

    /// The pid of the pane's program (the command itself when it was started with `exec`).
    pub fn pane_pid(&self) -> Option<u32> {
        let out = self
            .cmd()
            .args(["display-message", "-p", "-t", &self.session, "#{pane_pid}"])
            .output()
            .ok()?;
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    }

    /// Whether the pane's program has exited.
    pub fn dead(&self) -> bool {
        let out = self
            .cmd()
            .args(["display-message", "-p", "-t", &self.session, "#{pane_dead}"])
            .output();
        match out {
            Ok(o) => String::from_utf8_lossy(&o.stdout).trim() == "1" || !o.status.success(),
            Err(_) => true,
        }
    }

    /// Polls the screen every `every` until `pred` holds; returns when it first held.
    pub fn wait_for(
        &self,
        every: Duration,
        timeout: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> Option<Instant> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if pred(&self.capture()) {
                return Some(Instant::now());
            }
            std::thread::sleep(every);
        }
        None
    }

    pub fn wait_dead(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.dead() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").status();
    }
}

/// A TCP port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The timing report kafka-tui writes with `KAFKA_TUI_TIMING=FILE`.
pub fn read_timing(path: &std::path::Path, timeout: Duration) -> Option<serde_json::Value> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if let Ok(s) = std::fs::read_to_string(path) {
            if let Ok(v) = serde_json::from_str(&s) {
                return Some(v);
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// The process's own status line for the bench log.
pub fn note(s: impl AsRef<str>) {
    println!("    {}", s.as_ref());
    let _ = std::io::stdout().flush();
}

/// Timestamp-free unique temp path.
pub fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("kt-bench-{}-{name}", std::process::id()))
}

/// Kept so `EmbeddedBroker` (for `address()`) is in scope wherever support is used.
pub fn address(b: &MockBroker) -> SocketAddr {
    b.address()
}

/// CPU time the calling thread has used so far (/proc/thread-self/schedstat, nanoseconds).
pub fn thread_cpu() -> Duration {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let ns = s
        .split_whitespace()
        .next()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    Duration::from_nanos(ns)
}

/// CPU time used so far by this process's live threads whose name starts with `prefix`.
pub fn threads_cpu(prefix: &str) -> Duration {
    let mut ns = 0;
    for e in std::fs::read_dir("/proc/self/task")
        .into_iter()
        .flatten()
        .flatten()
    {
        let comm = std::fs::read_to_string(e.path().join("comm")).unwrap_or_default();
        if comm.starts_with(prefix) {
            let s = std::fs::read_to_string(e.path().join("schedstat")).unwrap_or_default();
            ns += s
                .split_whitespace()
                .next()
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
        }
    }
    Duration::from_nanos(ns)
}

/// CPU time this process has used so far (all threads, live or ended), from /proc/self/stat.
pub fn process_cpu() -> Duration {
    process_cpu_of("self").unwrap_or_default()
}

/// CPU time (user + system, all threads) process `pid` has used so far, from /proc/PID/stat.
pub fn process_cpu_of(pid: &str) -> Option<Duration> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = s.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok());
    // utime and stime are fields 14 and 15 of stat: 12 and 13 after the name. /proc counts
    // in USER_HZ, which Linux fixes at 100 for user space.
    Some(Duration::from_millis((ticks(11)? + ticks(12)?) * 10))
}

// ---------------------------------------------------------------- the app's tail pipeline

const FRAME: Duration = Duration::from_millis(16);
/// Background events handled per wake-up at most, as in `run.rs`.
const DRAIN: usize = 512;
const GIVE_UP: Duration = Duration::from_secs(600);

pub struct AppRun {
    pub took: Duration,
    pub frames: u64,
    pub held: usize,
    /// `Records` events received: records / batches is the mean batch size.
    pub batches: u64,
    /// Bytes the tail buffer held at the end.
    pub held_bytes: usize,
    /// CPU time of the tail thread (consume, copy out, batch) and of the UI thread (events,
    /// ring buffer, frames) over the run.
    pub tail_cpu: Duration,
    pub ui_cpu: Duration,
}

/// The app's own tail pipeline, from creating the tail to the N-th record in the ring buffer:
/// `App::start_tail` -> the `Tail` command -> `kafka::tail::spawn_tail` (as the Kafka task
/// does) -> `Records` batches over the bounded event channel -> `App::handle_event` ->
/// `TailState::push_batch`, with a real frame (`ui::draw`, 200x50, tail pane focused) whenever
/// something changed, at most every 16 ms, as `run.rs` does. `progress` is called with the
/// records received so far about every 50 ms.
pub fn app_pipeline(
    rt: &tokio::runtime::Runtime,
    settings: &ClientSettings,
    topic: &str,
    n: u64,
    mut progress: impl FnMut(u64),
) -> AppRun {
    rt.block_on(async {
        let (mut app, mut commands) = headless_app(DEFAULT_MAX_RECORDS, DEFAULT_MAX_BYTES);
        app.size = (200, 50);
        app.update(Action::Focus(Pane::Tail));
        let (tx, mut rx) = mpsc::channel::<KafkaEvent>(EVENT_QUEUE);
        let mut term = Terminal::new(TestBackend::new(200, 50)).expect("terminal");

        let t0 = Instant::now();
        let ui0 = thread_cpu();
        app.start_tail(topic.to_string(), StartFrom::Beginning);
        let req = loop {
            match commands.try_recv() {
                Ok(KafkaCommand::Tail(req)) => break req,
                Ok(_) => continue,
                Err(e) => panic!("the app sent no Tail command: {e}"),
            }
        };
        // Exactly what the Kafka task does with that command.
        let handle = spawn_tail(settings, req, tx).expect("tail starts");

        let mut dirty = true;
        let mut last_draw = Instant::now() - FRAME;
        let mut frames = 0u64;
        let mut batches = 0u64;
        let mut last_progress = Instant::now();
        let mut handle_event = |app: &mut App, ev: Event| {
            if matches!(ev, Event::Kafka(KafkaEvent::Records { .. })) {
                batches += 1;
            }
            app.handle_event(ev);
        };
        loop {
            if dirty && last_draw.elapsed() >= FRAME {
                app.now = SystemTime::now();
                term.draw(|f| kafka_tui::ui::draw(f, &app)).expect("draw");
                last_draw = Instant::now();
                frames += 1;
                dirty = false;
            }
            if app.tail.received >= n {
                break;
            }
            if last_progress.elapsed() >= Duration::from_millis(50) {
                progress(app.tail.received);
                last_progress = Instant::now();
            }
            assert!(
                t0.elapsed() < GIVE_UP,
                "app pipeline stuck at {} of {n} records ({:?})",
                app.tail.received,
                app.tail.status
            );
            let next_frame = tokio::time::Instant::from_std(last_draw + FRAME);
            tokio::select! {
                biased;
                ev = rx.recv() => {
                    let Some(ev) = ev else { panic!("tail ended early") };
                    handle_event(&mut app, Event::Kafka(ev));
                    for _ in 0..DRAIN {
                        match rx.try_recv() {
                            Ok(ev) => handle_event(&mut app, Event::Kafka(ev)),
                            Err(_) => break,
                        }
                    }
                    dirty = true;
                }
                _ = tokio::time::sleep_until(next_frame), if dirty => {}
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
        let took = t0.elapsed();
        let ui_cpu = thread_cpu().saturating_sub(ui0);
        // The tail thread is named after its topic (cut to 15 bytes by the kernel).
        let tail_cpu = threads_cpu(&format!("tail-{topic}")[..(5 + topic.len()).min(15)]);
        let held = app.tail.records.len();
        let held_bytes = app.tail.records.bytes();
        tokio::task::spawn_blocking(move || handle.stop())
            .await
            .expect("tail stops");
        // The watermark and other commands the app sent are not part of the tail.
        while commands.try_recv().is_ok() {}
        AppRun {
            took,
            frames,
            held,
            batches,
            held_bytes,
            tail_cpu,
            ui_cpu,
        }
    })
}
