//! The kit of the tests that make Apache Kafka the reference (issue 10): the peers' variables,
//! rdkafka to make data and to check it, Kafka's own tools, the brokers' log segments (what was
//! stored, e.g. which compression codec), and kafka-tui itself driven in tmux.
//!
//! Only what survives a rewrite of `src/` is used: the binary, its flags and its screen. The tmux
//! driver of `tests/common` is wrapped here (`Tui`) so that a rename there is fixed in one place.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::{Header, Headers, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::{ClientConfig, Message, Offset, TopicPartitionList};

use crate::common;

pub const WAIT: Duration = Duration::from_secs(30);

// ------------------------------------------------------------------------------- the peers

/// A variable `.ci/peers.sh` exports, or None locally (printing why the test skips); in CI a
/// missing peer fails the test.
pub use crate::common::peers::peer;

/// True (said why) when tmux is missing locally; in CI a missing tmux fails.
pub fn no_tmux() -> bool {
    common::skip_without_tmux()
}

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set (docs/peers.md)"))
}

/// The 3-node KRaft cluster of Apache Kafka 4.x (`peers_start kafka`).
#[derive(Clone, Debug)]
pub struct Kafka {
    /// PLAINTEXT bootstrap of nodes 1, 2, 3.
    pub plain: String,
    pub sasl: String,
    pub ssl: String,
    pub ca: String,
    pub peers_dir: PathBuf,
    pub clients: PathBuf,
    pub cluster_id: String,
    tool: String,
    node: String,
}

impl Kafka {
    /// The cluster, or None (locally) when the peers are not running.
    pub fn get() -> Option<Kafka> {
        let plain = peer("KAFKA_TUI_KAFKA", "the Apache Kafka KRaft cluster")?;
        Some(Kafka {
            plain,
            sasl: var("KAFKA_TUI_KAFKA_SASL"),
            ssl: var("KAFKA_TUI_KAFKA_SSL"),
            ca: var("KAFKA_TUI_KAFKA_CA"),
            peers_dir: var("KAFKA_TUI_PEERS_DIR").into(),
            clients: var("KAFKA_TUI_KAFKA_CLIENTS").into(),
            cluster_id: var("KAFKA_TUI_KAFKA_CLUSTER_ID"),
            tool: var("KAFKA_TUI_KAFKA_TOOL"),
            node: var("KAFKA_TUI_KAFKA_NODE"),
        })
    }

    /// Node `id`'s PLAINTEXT address (ids 1, 2, 3).
    pub fn node_addr(&self, id: usize) -> String {
        self.plain
            .split(',')
            .nth(id - 1)
            .expect("3 nodes")
            .to_string()
    }

    pub fn config(&self) -> ClientConfig {
        config(&self.plain)
    }

    /// A producer with a fresh `transactional.id` (`prefix` and a unique tail), its
    /// transactions initialised.
    pub fn transactional_producer(&self, prefix: &str) -> rdkafka::producer::FutureProducer {
        use rdkafka::producer::Producer;
        let p: rdkafka::producer::FutureProducer = self
            .config()
            .set("transactional.id", unique(prefix))
            .create()
            .expect("transactional producer");
        p.init_transactions(WAIT).expect("init_transactions");
        p
    }

    /// Runs one of Kafka's own tools (`kafka-topics`, ...) to its end.
    pub fn tool(&self, args: &[&str]) -> Output {
        let out = Command::new(&self.tool)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("kafka-tool runs");
        out
    }

    /// The same, which must succeed: its stdout.
    pub fn tool_ok(&self, args: &[&str]) -> String {
        let out = self.tool(args);
        assert!(
            out.status.success(),
            "kafka-tool {args:?} failed: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A tool in the background (a Java console consumer in a group, ...).
    pub fn spawn_tool(&self, args: &[&str]) -> Background {
        Background::spawn(Command::new(&self.tool).args(args))
    }

    /// `kafka-node stop|kill|start N`.
    pub fn node(&self, action: &str, id: usize) {
        let out = Command::new(&self.node)
            .args([action, &id.to_string()])
            .env("KAFKA_TUI_PEERS_DIR", &self.peers_dir)
            .output()
            .expect("kafka-node runs");
        assert!(
            out.status.success(),
            "kafka-node {action} {id}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub fn node_running(&self, id: usize) -> bool {
        Command::new(&self.node)
            .args(["status", &id.to_string()])
            .env("KAFKA_TUI_PEERS_DIR", &self.peers_dir)
            .output()
            .is_ok_and(|o| o.status.success())
    }

    pub fn create_topic(
        &self,
        name: &str,
        partitions: i32,
        replicas: i32,
        configs: &[(&str, &str)],
    ) {
        create_topic(&self.config(), name, partitions, replicas, configs)
    }

    /// Record batches of `topic`/`partition` as the brokers stored them (every node that holds
    /// a replica has the same batches; the first node found is read).
    pub fn stored_batches(&self, topic: &str, partition: i32) -> Vec<Batch> {
        for id in 1..=3 {
            let dir = self
                .peers_dir
                .join(format!("kraft-{id}/data/{topic}-{partition}"));
            if dir.is_dir() {
                return read_batches(&dir);
            }
        }
        panic!(
            "no node holds {topic}-{partition} under {}",
            self.peers_dir.display()
        );
    }

    /// Kafka's own `kafka-topics --describe` of one topic: (partition, leader, replicas, isr).
    pub fn describe_with_kafka_topics(&self, topic: &str) -> Vec<(i32, i32, Vec<i32>, Vec<i32>)> {
        let out = self.tool_ok(&[
            "kafka-topics",
            "--bootstrap-server",
            &self.node_addr(1),
            "--describe",
            "--topic",
            topic,
        ]);
        let ids = |s: &str| -> Vec<i32> {
            s.split(',')
                .filter(|x| !x.is_empty())
                .map(|x| x.parse().unwrap())
                .collect()
        };
        let field = |line: &str, name: &str| -> String {
            let mut it = line.split_whitespace();
            while let Some(w) = it.next() {
                if w == name {
                    return it.next().unwrap_or_default().to_string();
                }
            }
            String::new()
        };
        out.lines()
            .filter(|l| l.contains("Partition: "))
            .map(|l| {
                (
                    field(l, "Partition:").parse().unwrap(),
                    field(l, "Leader:").parse().unwrap_or(-1),
                    ids(&field(l, "Replicas:")),
                    ids(&field(l, "Isr:")),
                )
            })
            .collect()
    }
}

/// Restarts every node it stopped when dropped, also when the test fails, so the cluster is
/// whole again for the next test.
pub struct NodeGuard<'a> {
    kafka: &'a Kafka,
}

impl<'a> NodeGuard<'a> {
    pub fn new(kafka: &'a Kafka) -> NodeGuard<'a> {
        NodeGuard { kafka }
    }
}

impl Drop for NodeGuard<'_> {
    fn drop(&mut self) {
        for id in 1..=3 {
            if !self.kafka.node_running(id) {
                eprintln!("restoring KRaft node {id}");
                let out = Command::new(&self.kafka.node)
                    .args(["start", &id.to_string()])
                    .env("KAFKA_TUI_PEERS_DIR", &self.kafka.peers_dir)
                    .output();
                if let Ok(o) = out {
                    if !o.status.success() {
                        eprintln!(
                            "kafka-node start {id} failed: {}",
                            String::from_utf8_lossy(&o.stderr)
                        );
                    }
                }
            }
        }
    }
}

/// The fault tests stop brokers: one at a time, and never while another test of the same
/// binary counts on all three.
pub static CLUSTER: Mutex<()> = Mutex::new(());

/// `prefix-xxxxxx`: short enough for the Topics pane's name column (about 20 characters).
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let mut x = nanos
        ^ std::process::id().rotate_left(16)
        ^ N.fetch_add(1, Ordering::Relaxed).wrapping_mul(2654435761);
    let mut tag = String::new();
    for _ in 0..6 {
        tag.push(b"abcdefghijklmnopqrstuvwxyz0123456789"[(x % 36) as usize] as char);
        x /= 36;
    }
    format!("{prefix}-{tag}")
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

// ------------------------------------------------------------------------------- rdkafka

pub fn config(bootstrap: &str) -> ClientConfig {
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", bootstrap);
    c
}

pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    futures::executor::block_on(f)
}

pub fn create_topic(
    cfg: &ClientConfig,
    name: &str,
    partitions: i32,
    replicas: i32,
    configs: &[(&str, &str)],
) {
    let admin: AdminClient<DefaultClientContext> = cfg.create().expect("admin client");
    let mut t = NewTopic::new(name, partitions, TopicReplication::Fixed(replicas));
    for (k, v) in configs {
        t = t.set(k, v);
    }
    let opts = AdminOptions::new().operation_timeout(Some(WAIT));
    let res = block_on(admin.create_topics(&[t], &opts)).expect("create_topics");
    for r in res {
        r.unwrap_or_else(|(t, e)| panic!("create {t}: {e}"));
    }
    // Every broker knows it before a client asks any of them.
    let c: BaseConsumer = cfg.create().expect("consumer");
    let deadline = Instant::now() + WAIT;
    loop {
        let md = c.fetch_metadata(Some(name), Duration::from_secs(5));
        if let Ok(md) = md {
            if md.topics().iter().any(|t| {
                t.name() == name
                    && t.error().is_none()
                    && t.partitions().len() == partitions as usize
            }) {
                return;
            }
        }
        assert!(
            Instant::now() < deadline,
            "{name} never appeared in the metadata"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A record to produce: partition (None: the partitioner's choice), key, value (None: a
/// tombstone), timestamp (None: now).
#[derive(Clone, Debug, Default)]
pub struct Rec {
    pub partition: Option<i32>,
    pub key: Option<String>,
    pub value: Option<String>,
    pub timestamp: Option<i64>,
    pub headers: Vec<(String, String)>,
}

impl Rec {
    pub fn value(v: impl Into<String>) -> Rec {
        Rec {
            value: Some(v.into()),
            ..Rec::default()
        }
    }
    pub fn kv(k: impl Into<String>, v: Option<&str>) -> Rec {
        Rec {
            key: Some(k.into()),
            value: v.map(String::from),
            ..Rec::default()
        }
    }
    pub fn to(mut self, p: i32) -> Rec {
        self.partition = Some(p);
        self
    }
    pub fn at(mut self, ts: i64) -> Rec {
        self.timestamp = Some(ts);
        self
    }
}

/// Produces the records one after the other with `cfg` and returns where each landed.
pub fn produce(cfg: &ClientConfig, topic: &str, recs: &[Rec]) -> Vec<(i32, i64)> {
    let p: FutureProducer = cfg.create().expect("producer");
    produce_with(&p, topic, recs)
}

pub fn produce_with(p: &FutureProducer, topic: &str, recs: &[Rec]) -> Vec<(i32, i64)> {
    // All enqueued first (one batch when they fit), then every delivery awaited.
    let futures: Vec<_> = recs
        .iter()
        .map(|r| {
            let mut fr: FutureRecord<'_, str, str> = FutureRecord::to(topic);
            if let Some(p) = r.partition {
                fr = fr.partition(p);
            }
            if let Some(k) = &r.key {
                fr = fr.key(k.as_str());
            }
            if let Some(v) = &r.value {
                fr = fr.payload(v.as_str());
            }
            if let Some(ts) = r.timestamp {
                fr = fr.timestamp(ts);
            }
            if !r.headers.is_empty() {
                let mut h = OwnedHeaders::new();
                for (k, v) in &r.headers {
                    h = h.insert(Header {
                        key: k,
                        value: Some(v.as_str()),
                    });
                }
                fr = fr.headers(h);
            }
            p.send_result(fr).map_err(|(e, _)| e).expect("enqueue")
        })
        .collect();
    futures
        .into_iter()
        .map(|f| {
            let d = block_on(f).expect("delivery future");
            let d = d.unwrap_or_else(|(e, _)| panic!("not delivered: {e}"));
            (d.partition, d.offset)
        })
        .collect()
}

/// One record as a consumer read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    pub partition: i32,
    pub offset: i64,
    pub key: Option<String>,
    pub value: Option<String>,
}

/// Every record of `topic` from the beginning to the end of each partition, read with an
/// rdkafka consumer (`isolation.level` as given), in (partition, offset) order.
pub fn read_all(cfg: &ClientConfig, topic: &str, isolation: &str) -> Vec<Seen> {
    let c: BaseConsumer = cfg
        .clone()
        .set("group.id", unique("kt-ref-read"))
        .set("enable.auto.commit", "false")
        .set("enable.partition.eof", "true")
        .set("isolation.level", isolation)
        .create()
        .expect("consumer");
    let md = c.fetch_metadata(Some(topic), WAIT).expect("metadata");
    let parts: Vec<i32> = md.topics()[0].partitions().iter().map(|p| p.id()).collect();
    let mut tpl = TopicPartitionList::new();
    for p in &parts {
        tpl.add_partition_offset(topic, *p, Offset::Beginning)
            .unwrap();
    }
    c.assign(&tpl).expect("assign");
    let mut eof = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    let deadline = Instant::now() + WAIT;
    while eof.len() < parts.len() {
        assert!(
            Instant::now() < deadline,
            "reading {topic}: only {} records, eof on {eof:?}",
            out.len()
        );
        match c.poll(Duration::from_millis(200)) {
            Some(Ok(m)) => out.push(Seen {
                partition: m.partition(),
                offset: m.offset(),
                key: m.key().map(|k| String::from_utf8_lossy(k).into_owned()),
                value: m.payload().map(|v| String::from_utf8_lossy(v).into_owned()),
            }),
            Some(Err(KafkaError::PartitionEOF(p))) => {
                eof.insert(p);
            }
            Some(Err(e)) => panic!("reading {topic}: {e}"),
            None => {}
        }
    }
    out.sort_by_key(|s| (s.partition, s.offset));
    out
}

/// Low and high watermarks of each partition.
pub fn watermarks(cfg: &ClientConfig, topic: &str) -> Vec<(i64, i64)> {
    let c: BaseConsumer = cfg.create().expect("consumer");
    let md = c.fetch_metadata(Some(topic), WAIT).expect("metadata");
    let n = md.topics()[0].partitions().len() as i32;
    (0..n)
        .map(|p| c.fetch_watermarks(topic, p, WAIT).expect("watermarks"))
        .collect()
}

/// The error code librdkafka reports for `topic` in a metadata request with `cfg`.
pub fn topic_error(cfg: &ClientConfig, topic: &str) -> Option<RDKafkaErrorCode> {
    let c: BaseConsumer = cfg.create().expect("consumer");
    let md = c.fetch_metadata(Some(topic), WAIT).expect("metadata");
    md.topics()
        .iter()
        .find(|t| t.name() == topic)
        .and_then(|t| t.error())
        .map(RDKafkaErrorCode::from)
}

pub fn header_value(h: &rdkafka::message::BorrowedHeaders, name: &str) -> Option<String> {
    h.iter()
        .find(|x| x.key == name)
        .and_then(|x| x.value.map(|v| String::from_utf8_lossy(v).into_owned()))
}

// ------------------------------------------------------------------------------- log segments

/// One record batch of a log segment (message format v2), as the broker stored it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Batch {
    pub base_offset: i64,
    pub last_offset: i64,
    /// 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd.
    pub codec: u8,
    pub transactional: bool,
    /// A transaction marker (commit or abort), not records.
    pub control: bool,
    /// -1 without an idempotent or transactional producer.
    pub producer_id: i64,
    pub records: i32,
}

pub fn codec_name(c: u8) -> &'static str {
    ["none", "gzip", "snappy", "lz4", "zstd"]
        .get(c as usize)
        .copied()
        .unwrap_or("?")
}

/// Reads the batch headers of every `*.log` segment in a partition directory.
pub fn read_batches(dir: &Path) -> Vec<Batch> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("partition dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let b = std::fs::read(&f).expect("segment");
        let mut pos = 0usize;
        let i64_at = |p: usize| i64::from_be_bytes(b[p..p + 8].try_into().unwrap());
        let i32_at = |p: usize| i32::from_be_bytes(b[p..p + 4].try_into().unwrap());
        let i16_at = |p: usize| i16::from_be_bytes(b[p..p + 2].try_into().unwrap());
        while pos + 61 <= b.len() {
            let len = i32_at(pos + 8);
            if len <= 0 || pos + 12 + len as usize > b.len() {
                break; // the preallocated tail of an active segment, or a batch being written
            }
            assert_eq!(b[pos + 16], 2, "message format v2 in {}", f.display());
            let attrs = i16_at(pos + 21);
            let base = i64_at(pos);
            out.push(Batch {
                base_offset: base,
                last_offset: base + i64::from(i32_at(pos + 23)),
                codec: (attrs & 7) as u8,
                transactional: attrs & 0x10 != 0,
                control: attrs & 0x20 != 0,
                producer_id: i64_at(pos + 43),
                records: i32_at(pos + 57),
            });
            pos += 12 + len as usize;
        }
    }
    out
}

// ------------------------------------------------------------------------------- processes

/// A process of the test's own (a Java console consumer, ...): its stdout collected line by
/// line; stopped with SIGTERM (a clean close) when dropped.
pub struct Background {
    child: Option<Child>,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Background {
    pub fn spawn(cmd: &mut Command) -> Background {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let out = child.stdout.take().unwrap();
        let l = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                l.lock().unwrap().push(line);
            }
        });
        Background {
            child: Some(child),
            lines,
        }
    }

    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    /// Waits until `pred` holds for the lines printed so far.
    pub fn wait_lines(&self, what: &str, timeout: Duration, pred: impl Fn(&[String]) -> bool) {
        let deadline = Instant::now() + timeout;
        loop {
            let l = self.lines();
            if pred(&l) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; printed: {l:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// SIGTERM (the JVM closes its consumer: it commits and leaves the group), then waits.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &c.id().to_string()])
                .status();
            let deadline = Instant::now() + WAIT;
            while c.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.stop();
    }
}

// ------------------------------------------------------------------------------- kafka-tui

/// kafka-tui in a tmux session of its own, `kafka-tui ARGS`, its log in a private directory.
pub struct Tui {
    t: common::Tmux,
    pub dir: tempfile::TempDir,
}

impl Tui {
    /// Starts `[ENV=... ]kafka-tui ARGS` (ARGS already quoted for sh) at width x height.
    pub fn start(name: &str, env: &str, args: &str, width: u16, height: u16) -> Tui {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("kafka-tui.log");
        let cmd = format!(
            "{env} {} --log-file {} {args}; echo kafka-tui-exited-$?; sleep 120",
            common::sh_quote(&common::binary().display().to_string()),
            common::sh_quote(&log.display().to_string()),
        );
        Tui {
            t: common::Tmux::start(name, &cmd, width, height),
            dir,
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("kafka-tui.log")).unwrap_or_default()
    }

    pub fn screen(&self) -> String {
        self.t.capture()
    }

    /// Waits until the screen satisfies `pred` (fails with the screen after `timeout`).
    pub fn wait(&self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let s = self.screen();
            if pred(&s) {
                return common::settled(s, || self.screen(), &pred);
            }
            assert!(
                Instant::now() < deadline,
                "timed out ({timeout:?}) waiting for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Presses `key` (e.g. `r` to refresh a view) every `every` until the screen satisfies
    /// `pred`; the time it took.
    pub fn refresh_until(
        &self,
        what: &str,
        key: &str,
        every: Duration,
        timeout: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> (Duration, String) {
        let t0 = Instant::now();
        let mut last_press = Instant::now();
        self.keys(&[key]);
        loop {
            let s = self.screen();
            if pred(&s) {
                return (t0.elapsed(), s);
            }
            assert!(
                t0.elapsed() < timeout,
                "timed out ({timeout:?}) waiting for {what}; screen:\n{s}"
            );
            if last_press.elapsed() >= every {
                self.keys(&[key]);
                last_press = Instant::now();
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn keys(&self, keys: &[&str]) {
        self.t.keys(keys);
    }

    /// Types text literally.
    pub fn text(&self, s: &str) {
        self.t.type_text(s);
    }

    /// Esc alone (not read as Alt+key with what follows).
    pub fn esc(&self) {
        self.t.escape();
    }

    /// `:LINE` Enter (from a pane, not while typing in the producer).
    pub fn command(&self, line: &str) {
        self.text(":");
        self.text(line);
        self.keys(&["Enter"]);
    }

    /// Esc, q, and the shell's report of a clean exit.
    pub fn quit(&self) {
        self.esc();
        self.keys(&["q"]);
        self.wait("a clean exit", WAIT, |s| s.contains("kafka-tui-exited-0"));
    }
}

/// The text of the screen's line that contains `needle` (for messages in assertions).
pub fn line_with<'a>(screen: &'a str, needle: &str) -> Option<&'a str> {
    screen.lines().find(|l| l.contains(needle))
}

/// One row of the Tail pane: partition, offset, key, value (the last two as shown).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Row {
    pub partition: i32,
    pub offset: i64,
    pub key: String,
    pub value: String,
}

/// The record rows of the Tail pane in the top half of the screen (Topics on its left).
/// Keys and values must be single words for this to read them back.
pub fn tail_rows(screen: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    for line in screen.lines().skip(1) {
        if line.starts_with('╰') {
            break; // the bottom border of the top panes
        }
        let Some((_, tail)) = line.split_once("││") else {
            continue;
        };
        let tail = tail.trim_end().trim_end_matches('│');
        let words: Vec<&str> = tail.split_whitespace().collect();
        if words.len() < 4 {
            continue;
        }
        let (Ok(partition), Ok(offset)) = (words[0].parse(), words[1].parse()) else {
            continue;
        };
        rows.push(Row {
            partition,
            offset,
            key: words[words.len() - 2].to_string(),
            value: words[words.len() - 1].to_string(),
        });
    }
    rows
}

/// Whether the Tail's title says `n` held and its `n` rows are drawn: the title and the rows
/// are one frame, but a capture can land while tmux has read only part of it.
pub fn all_shown(screen: &str, n: u64) -> bool {
    held(screen) == Some(n) && tail_rows(screen).len() as u64 == n
}

/// The "N held" count in the Tail pane's title.
pub fn held(screen: &str) -> Option<u64> {
    let line = screen.lines().find(|l| l.contains(" held · "))?;
    let before = line.split(" held · ").next()?;
    before
        .split_whitespace()
        .last()?
        .replace(',', "")
        .parse()
        .ok()
}

/// Every row the Tail pane holds, read page by page from the oldest (the pane must be focused;
/// it is left following the end again).
pub fn whole_tail(tui: &Tui, expect: usize) -> Vec<Row> {
    let mut all = std::collections::BTreeSet::new();
    tui.keys(&["g"]);
    let mut still = 0;
    let deadline = Instant::now() + Duration::from_secs(120);
    while still < 3 {
        assert!(
            Instant::now() < deadline,
            "paging through the tail took too long ({} rows)",
            all.len()
        );
        std::thread::sleep(Duration::from_millis(150));
        let before = all.len();
        all.extend(tail_rows(&tui.screen()));
        still = if all.len() == before { still + 1 } else { 0 };
        if all.len() >= expect && still > 0 {
            break;
        }
        tui.keys(&["PageDown"]);
    }
    tui.keys(&["G"]);
    all.into_iter().collect()
}

/// The producer's last delivery report on screen: (partition, offset).
pub fn delivered(screen: &str) -> Option<(i32, i64)> {
    let line = screen.lines().find(|l| l.contains("✔ delivered to "))?;
    let rest = line.split(": partition ").nth(1)?;
    let mut w = rest
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty());
    let p = w.next()?.parse().ok()?;
    let _ = w.next(); // "offset"
                      // librdkafka's "no offset" (a duplicate of a retried batch): -1 here.
    let o = match w.next()? {
        "not" => -1,
        o => o.parse().ok()?,
    };
    Some((p, o))
}

/// Types `value` into the (focused, editing) producer, Ctrl+S, and waits for its delivery
/// report: where it landed.
pub fn publish(t: &Tui, value: &str, timeout: Duration) -> (i32, i64) {
    let before = delivered(&t.screen());
    t.text(value);
    t.keys(&["C-s"]);
    let s = t.wait(&format!("the delivery of {value}"), timeout, |s| {
        delivered(s).is_some_and(|d| Some(d) != before)
    });
    delivered(&s).unwrap()
}

/// The Tail pane's row for partition/offset, as drawn (the text right of the Topics pane).
pub fn tail_line(screen: &str, partition: i32, offset: i64) -> Option<String> {
    for line in screen.lines().skip(1) {
        if line.starts_with('╰') {
            break;
        }
        let Some((_, tail)) = line.split_once("││") else {
            continue;
        };
        let mut w = tail.split_whitespace();
        if w.next() == Some(&partition.to_string()) && w.next() == Some(&offset.to_string()) {
            return Some(tail.trim_end().trim_end_matches('│').trim_end().to_string());
        }
    }
    None
}

/// The topic names the Topics pane shows (its rows, top left).
pub fn topic_names(screen: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in screen.lines().skip(2) {
        if line.starts_with('╰') {
            break;
        }
        let Some((left, _)) = line.split_once("││") else {
            continue;
        };
        let row = left.trim_start_matches('│').trim_start_matches('▶').trim();
        let w: Vec<&str> = row.split_whitespace().collect();
        // A row is: name, partitions, records (a count or … while it loads).
        if w.len() >= 3 && w[1].parse::<u32>().is_ok() {
            names.push(w[0].to_string());
        }
    }
    names
}

/// The Topics pane's row of `topic`: name, partitions, records.
pub fn topic_row(screen: &str, topic: &str) -> Option<Vec<String>> {
    for line in screen.lines().skip(2) {
        if line.starts_with('╰') {
            break;
        }
        let (left, _) = line.split_once("││")?;
        let row = left.trim_start_matches('│').trim_start_matches('▶').trim();
        let w: Vec<String> = row.split_whitespace().map(String::from).collect();
        if w.len() >= 3 && w[0] == topic {
            return Some(w);
        }
    }
    None
}

/// Filters the Topics pane by `text` (`/`, Enter): a long list shows the rows wanted. Esc
/// first leaves the producer's editor, and Esc in Topics clears a filter set before (a new `/`
/// would add to it).
pub fn filter_topics(t: &Tui, text: &str) {
    t.esc();
    t.keys(&["1"]);
    t.esc();
    t.keys(&["/"]);
    t.text(text);
    t.keys(&["Enter"]);
}

/// `:describe TOPIC`, again until the topic list (refreshed every 5 s) knows the topic.
pub fn describe(t: &Tui, topic: &str) {
    let title = format!("Topic {topic} · Esc back");
    let deadline = Instant::now() + WAIT;
    loop {
        t.command(&format!("describe {topic}"));
        let s = t.wait("the topic detail or a refusal", WAIT, |s| {
            s.contains(&title) || s.contains(&format!("no topic \"{topic}\""))
        });
        if s.contains(&title) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the list never knew {topic}:\n{s}"
        );
        // Asked again shortly (a retry's pace, not a wait for an outcome).
        std::thread::sleep(Duration::from_millis(300));
    }
}
