//! The embedded broker: librdkafka's in-process mock cluster, reachable at `--listen`.
//!
//! The mock cluster is created by a client configured with `test.mock.num.brokers`, so its
//! configuration and its `mock`/`broker` debug lines are ours: they become the "broker" log.
//! `MockCluster` is not `Send`, so one thread owns that client and obeys commands.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc as std_mpsc;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use anyhow::{anyhow, Context as _};
use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::producer::{BaseProducer, BaseRecord, Producer, ProducerContext};
use rdkafka::ClientConfig;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use super::{demo, forwarder, Capabilities};
use crate::kafka::client::log_to_tracing;
use crate::kafka::ffi;

/// The only broker id: one broker keeps one forwarded port.
const BROKER_ID: i32 = 1;
/// How often the owner thread serves the mock's log events when no command wakes it.
const SERVE_EVERY: Duration = Duration::from_millis(5);
/// Log events served per round at most, so a flood cannot starve the commands.
const SERVE_BUDGET: usize = 10_000;

pub struct MockOptions {
    pub listen: SocketAddr,
    /// True when `listen` is our default, so a taken port falls back to a free one.
    pub listen_is_default: bool,
    /// Where the broker's log lines go (the Logs pane's "broker" source).
    pub log_lines: Option<mpsc::Sender<String>>,
    /// Seed the `demo` topic with sample records.
    pub demo: bool,
}

impl MockOptions {
    /// A free loopback port, no log, no `demo` topic: for tests and benchmarks.
    pub fn loopback() -> Self {
        MockOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            listen_is_default: false,
            log_lines: None,
            demo: false,
        }
    }
}

enum Command {
    Advertise {
        host: String,
        port: u16,
        reply: oneshot::Sender<bool>,
    },
    CreateTopic {
        name: String,
        partitions: i32,
        reply: oneshot::Sender<anyhow::Result<()>>,
    },
    Seed {
        reply: oneshot::Sender<anyhow::Result<usize>>,
    },
    Shutdown,
    SetUp {
        up: bool,
        reply: oneshot::Sender<anyhow::Result<()>>,
    },
}

/// What the Kafka task may ask of the embedded broker directly, for what the mock has no Kafka
/// API for (topic creation: no CreateTopics handler), and what it cannot do at all. Cheap to
/// clone and safe to share across threads.
#[derive(Clone)]
pub struct EmbeddedAdmin {
    commands: std_mpsc::Sender<Command>,
    transactions: Arc<AtomicBool>,
}

impl std::fmt::Debug for EmbeddedAdmin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EmbeddedAdmin")
    }
}

impl EmbeddedAdmin {
    /// Creates a topic through the mock's own API. Blocking.
    pub fn create_topic(&self, name: &str, partitions: i32) -> anyhow::Result<()> {
        let (tx, rx) = oneshot::channel();
        let cmd = Command::CreateTopic {
            name: name.to_string(),
            partitions,
            reply: tx,
        };
        self.commands
            .send(cmd)
            .map_err(|_| anyhow!("embedded broker is stopped"))?;
        rx.blocking_recv()
            .map_err(|_| anyhow!("embedded broker thread is gone"))?
    }

    pub fn capabilities(&self) -> Capabilities {
        MOCK_CAPABILITIES
    }

    /// Set once a transactional producer has used the broker (see `TXN_API_KEYS`): from then
    /// on its tails can hold records of aborted transactions, which the mock never hides.
    pub fn transactions_seen(&self) -> Arc<AtomicBool> {
        self.transactions.clone()
    }
}

/// What a tail on the embedded broker says once transactions were used on it: the mock
/// ignores EndTxn (an abort is kept like a commit, no marker is written) and its Fetch answers
/// list no aborted transactions, so `read_committed` hides nothing.
pub const TRANSACTIONS_NOTE: &str = "transactions in use: the embedded broker shows aborted records too (Kafka hides them under read_committed)";

/// AddPartitionsToTxn and EndTxn: sent only by a transactional producer (an idempotent one
/// sends InitProducerId too, so that one does not tell).
const TXN_API_KEYS: [i16; 2] = [24, 26];
/// How often the owner thread looks at the requests the mock received, until it saw one.
const TXN_CHECK_EVERY: Duration = Duration::from_millis(300);

/// What librdkafka's mock cluster has no handlers for.
const MOCK_CAPABILITIES: Capabilities = Capabilities {
    create_topics_api: false,
    delete_topics: false,
    create_partitions: false,
    list_groups: false,
    describe_configs: false,
    time_lookup: false,
    zookeeper: false,
};

pub struct MockBroker {
    address: SocketAddr,
    commands: Option<std_mpsc::Sender<Command>>,
    transactions: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    cancel: CancellationToken,
}

/// Sends the owning client's log lines to the Logs pane, formatted like a broker's log.
struct BrokerLog {
    lines: Option<mpsc::Sender<String>>,
}

impl ClientContext for BrokerLog {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, msg: &str) {
        if !matches!(
            level,
            RDKafkaLogLevel::Debug | RDKafkaLogLevel::Info | RDKafkaLogLevel::Notice
        ) {
            log_to_tracing(level, fac, msg);
        }
        if let Some(tx) = &self.lines {
            let lvl = level_word(level, fac, msg);
            let ts = humantime::format_rfc3339_millis(SystemTime::now());
            // Dropping a debug line when the pane is flooded beats blocking librdkafka.
            let _ = tx.try_send(format!("[{ts}] {lvl} [{fac}] {msg}"));
        }
    }
}

/// The level a broker's log would give the line.
fn level_word(level: RDKafkaLogLevel, fac: &str, msg: &str) -> &'static str {
    match level {
        // Every request and response is logged by the mock; a real broker keeps such
        // lines at TRACE, hidden until the person asks for them (`v`). So is kafka-tui's own
        // polling: the watermark lookups every few seconds and the mock client's wake-ups,
        // which would otherwise bury what other clients do.
        RDKafkaLogLevel::Debug if is_request_chatter(msg) || is_polling_chatter(fac, msg) => {
            "TRACE"
        }
        RDKafkaLogLevel::Debug => "DEBUG",
        RDKafkaLogLevel::Info | RDKafkaLogLevel::Notice => "INFO",
        RDKafkaLogLevel::Warning => "WARN",
        _ => "ERROR",
    }
}

/// "Topic demo [0] returning offset 2 (leader epoch 0) for END": the mock's answer to a
/// ListOffsets, which kafka-tui sends for every listed topic's watermarks; "Wake-up sent to 1
/// broker thread": the mock's own client.
fn is_polling_chatter(fac: &str, msg: &str) -> bool {
    msg.contains(" returning offset ") || fac == "WAKEUP" || is_fetch_answer(msg)
}

/// "Topic  [1] fetch err NO_ERROR for offset 6 mset …": the mock's line for each partition of
/// each Fetch it answers, a hundred a second from a live tail (kafka-tui's or anyone's); a
/// broker keeps its request log at TRACE too.
fn is_fetch_answer(msg: &str) -> bool {
    msg.contains("] fetch err ")
}

fn is_request_chatter(msg: &str) -> bool {
    (msg.contains(": Received ") && msg.contains("Request"))
        || (msg.contains(": Sending ") && msg.contains("Response"))
}

impl ProducerContext for BrokerLog {
    type DeliveryOpaque = ();
    fn delivery(&self, _: &rdkafka::message::DeliveryResult<'_>, _: Self::DeliveryOpaque) {}
}

impl MockBroker {
    /// Starts the mock cluster and the forwarder. Must run inside a tokio runtime.
    pub async fn start(opts: MockOptions) -> anyhow::Result<Self> {
        let listener = forwarder::bind(opts.listen, opts.listen_is_default)
            .await
            .with_context(|| format!("cannot listen on {}", opts.listen))?;
        let address = listener.local_addr()?;

        let (ready_tx, ready_rx) = oneshot::channel::<anyhow::Result<SocketAddr>>();
        let (cmd_tx, cmd_rx) = std_mpsc::channel::<Command>();
        let log_lines = opts.log_lines.clone();
        let transactions = Arc::new(AtomicBool::new(false));
        let seen = transactions.clone();
        let thread = std::thread::Builder::new()
            .name("embedded-broker".into())
            .spawn(move || owner_thread(log_lines, ready_tx, cmd_rx, seen))?;
        let mock_addr = ready_rx
            .await
            .map_err(|_| anyhow!("embedded broker thread died"))??;

        let cancel = CancellationToken::new();
        tokio::spawn(forwarder::forward(listener, mock_addr, cancel.clone()));
        let broker = MockBroker {
            address,
            commands: Some(cmd_tx),
            transactions,
            thread: Some(thread),
            cancel,
        };

        let advertised = broker
            .request(|reply| Command::Advertise {
                host: advertised_host(&address),
                port: address.port(),
                reply,
            })
            .await?;
        if !advertised {
            anyhow::bail!("the mock cluster did not accept the advertised address");
        }
        if opts.demo {
            broker
                .create_topic_async(demo::TOPIC, demo::PARTITIONS)
                .await?;
            broker.request(|reply| Command::Seed { reply }).await??;
        }
        Ok(broker)
    }

    /// Sends a command to the owner thread; the receiver gets its reply.
    fn send<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<T>) -> Command,
    ) -> anyhow::Result<oneshot::Receiver<T>> {
        let (tx, rx) = oneshot::channel();
        self.commands
            .as_ref()
            .ok_or_else(|| anyhow!("embedded broker is stopped"))?
            .send(make(tx))
            .map_err(|_| anyhow!("embedded broker thread is gone"))?;
        Ok(rx)
    }

    async fn request<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<T>) -> Command,
    ) -> anyhow::Result<T> {
        self.send(make)?
            .await
            .map_err(|_| anyhow!("embedded broker thread is gone"))
    }

    fn request_blocking<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<T>) -> Command,
    ) -> anyhow::Result<T> {
        self.send(make)?
            .blocking_recv()
            .map_err(|_| anyhow!("embedded broker thread is gone"))
    }

    pub async fn create_topic_async(&self, name: &str, partitions: i32) -> anyhow::Result<()> {
        let name = name.to_string();
        self.request(|reply| Command::CreateTopic {
            name,
            partitions,
            reply,
        })
        .await?
    }

    /// Creates the `demo` topic and seeds it, as a task that runs on its own: kafka-tui starts
    /// it after its first frame, so a first run is on screen before the samples are written.
    pub fn seed_demo(
        &self,
    ) -> impl std::future::Future<Output = anyhow::Result<usize>> + Send + 'static {
        let commands = self.commands.clone();
        async move {
            let commands = commands.ok_or_else(|| anyhow!("embedded broker is stopped"))?;
            let (tx, rx) = oneshot::channel();
            let name = demo::TOPIC.to_string();
            commands
                .send(Command::CreateTopic {
                    name,
                    partitions: demo::PARTITIONS,
                    reply: tx,
                })
                .map_err(|_| anyhow!("embedded broker thread is gone"))?;
            rx.await
                .map_err(|_| anyhow!("embedded broker thread is gone"))??;
            let (tx, rx) = oneshot::channel();
            commands
                .send(Command::Seed { reply: tx })
                .map_err(|_| anyhow!("embedded broker thread is gone"))?;
            rx.await
                .map_err(|_| anyhow!("embedded broker thread is gone"))?
        }
    }

    /// A handle for the Kafka task, which creates topics through it.
    pub fn admin(&self) -> EmbeddedAdmin {
        let commands = self
            .commands
            .clone()
            .expect("admin() is called on a running broker");
        EmbeddedAdmin {
            commands,
            transactions: self.transactions.clone(),
        }
    }

    /// Fault injection: takes the broker down (connections drop, requests fail) or back up.
    pub async fn set_up(&self, up: bool) -> anyhow::Result<()> {
        self.request(|reply| Command::SetUp { up, reply }).await?
    }
}

impl MockBroker {
    /// Where clients (ours and other programs) reach it.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// A short name of the engine, for the header.
    pub fn engine(&self) -> &'static str {
        "librdkafka mock cluster"
    }

    pub fn capabilities(&self) -> Capabilities {
        MOCK_CAPABILITIES
    }

    /// Creates a topic through the mock's own API. Blocking: call it off the async workers.
    pub fn create_topic(&self, name: &str, partitions: i32) -> anyhow::Result<()> {
        let name = name.to_string();
        self.request_blocking(|reply| Command::CreateTopic {
            name,
            partitions,
            reply,
        })?
    }

    /// Stops the mock cluster and frees its port.
    pub fn shutdown(&mut self) {
        self.cancel.cancel();
        // The owner thread destroys the mock cluster (and frees its port) when told to stop.
        if let Some(c) = self.commands.take() {
            let _ = c.send(Command::Shutdown);
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for MockBroker {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn owner_thread(
    log_lines: Option<mpsc::Sender<String>>,
    ready: oneshot::Sender<anyhow::Result<SocketAddr>>,
    commands: std_mpsc::Receiver<Command>,
    transactions: Arc<AtomicBool>,
) {
    // The mock cluster's own thread, started by the client below, inherits this mask.
    crate::signals::block_asynchronous_signals();
    let created: anyhow::Result<BaseProducer<BrokerLog>> = ClientConfig::new()
        .set("test.mock.num.brokers", "1")
        .set("debug", "mock,broker")
        .set("client.id", "kafka-tui-embedded-broker")
        .set("log.connection.close", "false")
        // rdkafka derives the level from the `log` crate, which we do not use: be explicit.
        .set_log_level(RDKafkaLogLevel::Debug)
        .create_with_context(BrokerLog { lines: log_lines })
        .context("cannot create the embedded mock cluster");
    let producer = match created {
        Ok(p) => p,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let Some(mock) = producer.client().mock_cluster() else {
        let _ = ready.send(Err(anyhow!("librdkafka did not create a mock cluster")));
        return;
    };
    let bootstrap = mock.bootstrap_servers();
    let addr = bootstrap
        .split(',')
        .next()
        .and_then(|a| a.parse::<SocketAddr>().ok())
        .ok_or_else(|| anyhow!("unexpected mock bootstrap address {bootstrap:?}"));
    let _ = ready.send(addr);

    let main_queue = ffi::MainQueue::of(producer.client());
    // The mock tells which requests it got, not which topics they were about: the note is
    // for the whole broker.
    let mut txn_watch = ffi::RequestWatch::start(producer.client());
    let mut txn_checked = std::time::Instant::now();
    loop {
        if txn_checked.elapsed() >= TXN_CHECK_EVERY {
            txn_checked = std::time::Instant::now();
            if txn_watch.as_mut().is_some_and(|w| w.saw_any(&TXN_API_KEYS)) {
                transactions.store(true, Ordering::Relaxed);
                txn_watch = None;
            }
        }
        match commands.recv_timeout(SERVE_EVERY) {
            Ok(Command::Advertise { host, port, reply }) => {
                let ok = ffi::set_advertised_address(producer.client(), BROKER_ID, &host, port);
                let _ = reply.send(ok);
            }
            Ok(Command::CreateTopic {
                name,
                partitions,
                reply,
            }) => {
                let r = mock
                    .create_topic(&name, partitions, 1)
                    .with_context(|| format!("cannot create topic {name:?}"));
                let _ = reply.send(r);
            }
            Ok(Command::Seed { reply }) => {
                let _ = reply.send(seed(&producer));
            }
            Ok(Command::Shutdown) => break,
            Ok(Command::SetUp { up, reply }) => {
                let r = if up {
                    mock.broker_up(BROKER_ID)
                } else {
                    mock.broker_down(BROKER_ID)
                };
                let _ = reply.send(r.context("mock broker state change failed"));
            }
            Err(std_mpsc::RecvTimeoutError::Timeout) => {}
            Err(std_mpsc::RecvTimeoutError::Disconnected) => break,
        }
        // Logs arrive on the client's main queue: a zero-wait poll delivers one event to
        // `BrokerLog`. Waiting happens above, on the commands, not in a spinning poll.
        let waiting = main_queue.as_ref().map_or(1, ffi::MainQueue::len);
        for _ in 0..waiting.min(SERVE_BUDGET) {
            producer.poll(Duration::ZERO);
        }
    }
    drop(main_queue);
    drop(txn_watch);
    drop(mock);
    drop(producer);
}

/// The host the broker gives clients in metadata for `--listen addr`: the address asked for,
/// an IPv6 one in brackets (`[::1]`, as librdkafka and Java clients parse `host:port`). An
/// unspecified address (`0.0.0.0`, `[::]`) listens everywhere but is no address to connect
/// to: the loopback of the same family is advertised instead.
pub fn advertised_host(listen: &SocketAddr) -> String {
    match listen.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => Ipv4Addr::LOCALHOST.to_string(),
        IpAddr::V4(ip) => ip.to_string(),
        IpAddr::V6(ip) if ip.is_unspecified() => format!("[{}]", Ipv6Addr::LOCALHOST),
        IpAddr::V6(ip) => format!("[{ip}]"),
    }
}

fn seed(producer: &BaseProducer<BrokerLog>) -> anyhow::Result<usize> {
    let samples = demo::samples(SystemTime::now());
    for s in &samples {
        let mut rec = BaseRecord::to(demo::TOPIC)
            .payload(&s.value[..])
            .partition(s.partition)
            .headers(s.headers());
        if let Some(k) = &s.key {
            rec = rec.key(&k[..]);
        }
        producer
            .send(rec)
            .map_err(|(e, _)| anyhow!("cannot seed the demo topic: {e}"))?;
    }
    producer
        .flush(Duration::from_secs(10))
        .context("demo records were not delivered")?;
    Ok(samples.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rdkafka::consumer::{BaseConsumer, Consumer};

    /// The lines kafka-tui's own polling makes (seen in a run of the embedded broker) are
    /// TRACE, hidden at the Logs pane's default level; what other clients do stays DEBUG.
    #[test]
    fn kafka_tuis_own_polling_is_trace() {
        let d = RDKafkaLogLevel::Debug;
        let ours = [
            ("MOCK", "[thrd:mock]: Topic demo [1] returning offset 2 (leader epoch 0) for END: Success"),
            ("MOCK", "[thrd:mock]: Topic demo [0] returning offset 0 (leader epoch 0) for BEGINNING: Success"),
            ("WAKEUP", "[thrd:app]: Wake-up sent to 1 broker thread in state >= UP: flushing"),
            ("MOCK", "[thrd:mock]: Topic  [1] fetch err NO_ERROR for offset 6 mset 0x0, partial 0, fetch_max 1048576, remaining 1048576"),
        ];
        for (fac, msg) in ours {
            assert_eq!(level_word(d, fac, msg), "TRACE", "{msg}");
        }
        let theirs = [
            ("MOCK", "[thrd:mock]: Broker 1: New connection from 127.0.0.1:50548"),
            ("MOCK", "[thrd:mock]: Broker 1: Log append demo [0] 1 messages, 60 bytes at offset 2 (log now 0..3, original start 0)"),
        ];
        for (fac, msg) in theirs {
            assert_eq!(level_word(d, fac, msg), "DEBUG", "{msg}");
        }
        let default = crate::state::logs::LogsState::new(vec![], 10).verbosity;
        assert!(
            crate::state::logs::Level::Trace > default,
            "TRACE is hidden by default"
        );
    }

    #[test]
    fn the_advertised_host_is_the_one_asked_for() {
        let host = |s: &str| advertised_host(&s.parse().unwrap());
        assert_eq!(host("127.0.0.1:9092"), "127.0.0.1");
        assert_eq!(host("192.168.1.7:9092"), "192.168.1.7");
        assert_eq!(host("0.0.0.0:9092"), "127.0.0.1");
        assert_eq!(host("[::1]:9092"), "[::1]");
        assert_eq!(host("[fe80::1:0]:9092"), "[fe80::1:0]");
        assert_eq!(host("[::]:9092"), "[::1]");
    }

    /// Issue 14.7: `--listen [::1]:0` advertised 127.0.0.1, where nothing listens, so a client
    /// got the metadata from the bootstrap address and then could reach no broker.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn listening_on_ipv6_loopback_advertises_it_and_clients_connect() {
        if std::net::TcpListener::bind("[::1]:0").is_err() {
            assert!(
                std::env::var_os("CI").is_none(),
                "IPv6 loopback is needed in CI"
            );
            eprintln!("SKIPPED: no IPv6 loopback here");
            return;
        }
        let b = MockBroker::start(MockOptions {
            listen: "[::1]:0".parse().unwrap(),
            ..MockOptions::loopback()
        })
        .await
        .unwrap();
        b.create_topic_async("v6", 1).await.unwrap();
        let port = b.address().port();
        let bootstrap = format!("[::1]:{port}");
        let (host, marks) = tokio::task::spawn_blocking(move || {
            let c: BaseConsumer = ClientConfig::new()
                .set("bootstrap.servers", &bootstrap)
                .set("socket.connection.setup.timeout.ms", "3000")
                .create()
                .unwrap();
            let md = c.fetch_metadata(None, Duration::from_secs(10)).unwrap();
            let host = md
                .brokers()
                .iter()
                .map(|b| format!("{}:{}", b.host(), b.port()))
                .collect::<Vec<_>>();
            // Watermarks are asked of the partition's leader, at its advertised address.
            let marks = c.fetch_watermarks("v6", 0, Duration::from_secs(10));
            (host, marks)
        })
        .await
        .unwrap();
        assert_eq!(host, vec![format!("[::1]:{port}")]);
        assert_eq!(marks.ok(), Some((0, 0)));
    }
}
