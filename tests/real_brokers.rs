//! kafka-tui's Kafka task against brokers we did not write, started by `.ci/test`: where
//! they test something Apache Kafka does not (docs/peers.md, "The stand-ins"): tansu
//! (`KAFKA_TUI_TANSU`) reports wrong high watermarks; noida-db (`KAFKA_TUI_NOIDA_BIN`) can
//! be stopped and started on the same port in milliseconds (every broker down and back).
//! Beside them, on Apache Kafka: `--read-only` refused in the Kafka task itself, whatever the
//! UI asks (`KAFKA_TUI_KAFKA`), and the ZooKeeper-mode pair's two logs followed as a file and
//! through a log command (`KAFKA_TUI_ZKMODE_ZK_LOG`, `KAFKA_TUI_ZKMODE_BROKER_LOG`).
//!
//! In CI (`CI` set) a missing server is a failure; locally these tests print why they skip.

mod common;
use common::peers::{peer, unique};

use std::time::{Duration, Instant};

use kafka_tui::event::{KafkaEvent, LogEvent};
use kafka_tui::kafka::api::TailRequest;
use kafka_tui::kafka::api::{KafkaCommand, KafkaHandle};
use kafka_tui::kafka::client::ClientSettings;
use kafka_tui::kafka::service;
use kafka_tui::logsource::{spawn_all, LogSourceDef, LogSpec};
use kafka_tui::model::ProduceRequest;
use kafka_tui::model::ResetTo;
use kafka_tui::model::StartFrom;
use kafka_tui::model::{ConfigItem, TopicDetail};
use kafka_tui::model::{Delivery, Header};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

const WAIT: Duration = Duration::from_secs(30);

/// The app's Kafka task on a real cluster, and its events.
struct Harness {
    kafka: KafkaHandle,
    rx: mpsc::Receiver<KafkaEvent>,
    _task: tokio::task::JoinHandle<()>,
}

impl Harness {
    fn new(bootstrap: &str, read_only: bool) -> Harness {
        let mut s = ClientSettings::new(bootstrap);
        s.read_only = read_only;
        let (tx, rx) = mpsc::channel(256);
        let (kafka, task) = service::spawn(s, tx).expect("clients");
        Harness {
            kafka,
            rx,
            _task: task,
        }
    }

    /// Sends a command, then waits for the first event `pick` accepts.
    async fn ask<T>(
        &mut self,
        cmd: KafkaCommand,
        what: &str,
        mut pick: impl FnMut(KafkaEvent) -> Option<T>,
    ) -> T {
        self.kafka.send(cmd);
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.rx.recv()).await {
                Ok(Some(ev)) => {
                    if let Some(t) = pick(ev) {
                        return t;
                    }
                }
                Ok(None) => panic!("event channel closed while waiting for {what}"),
                Err(_) => panic!("timed out waiting for {what}"),
            }
        }
    }

    async fn admin(&mut self, cmd: KafkaCommand) -> Result<String, String> {
        let what = format!("{cmd:?}");
        self.ask(cmd, &what, |ev| match ev {
            KafkaEvent::AdminDone { result, .. } => Some(result.map_err(|e| e.to_string())),
            _ => None,
        })
        .await
    }

    async fn detail(&mut self, topic: &str) -> TopicDetail {
        self.ask(
            KafkaCommand::TopicDetail(topic.into()),
            "topic detail",
            |ev| match ev {
                KafkaEvent::TopicDetail(r) => Some(r),
                _ => None,
            },
        )
        .await
        .expect("topic detail")
    }

    async fn configs(&mut self, topic: &str) -> Vec<ConfigItem> {
        self.ask(
            KafkaCommand::Configs(topic.into()),
            "configs",
            |ev| match ev {
                KafkaEvent::Configs { result, .. } => Some(result),
                _ => None,
            },
        )
        .await
        .expect("configs")
    }

    async fn topic_names(&mut self) -> Vec<String> {
        self.ask(KafkaCommand::RefreshTopics, "topics", |ev| match ev {
            KafkaEvent::Topics(r) => Some(
                r.expect("topics")
                    .topics
                    .into_iter()
                    .map(|t| t.name)
                    .collect(),
            ),
            _ => None,
        })
        .await
    }

    /// Creates a topic with default configs; it must succeed.
    async fn create(&mut self, topic: &str, partitions: i32) {
        let created = self
            .admin(KafkaCommand::CreateTopic {
                name: topic.into(),
                partitions: Some(partitions),
                replication: Some(1),
                configs: vec![],
            })
            .await;
        assert!(created.is_ok(), "create {topic}: {created:?}");
    }

    /// The topic names once `topic` is among them: a listing already running when the topic
    /// was created may predate it.
    async fn listed(&mut self, topic: &str) -> Vec<String> {
        let deadline = Instant::now() + WAIT;
        loop {
            let names = self.topic_names().await;
            if names.iter().any(|n| n == topic) {
                return names;
            }
            assert!(Instant::now() < deadline, "{topic} never listed: {names:?}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    async fn produce(&mut self, topic: &str, key: &str, value: &str) -> Delivery {
        let req = ProduceRequest {
            topic: topic.into(),
            key: Some(key.as_bytes().to_vec()),
            value: value.as_bytes().to_vec(),
            headers: vec![Header {
                name: "h".into(),
                value: Some(b"v".to_vec()),
            }],
            partition: None,
        };
        self.ask(KafkaCommand::Produce(req), "a delivery", |ev| match ev {
            KafkaEvent::Delivery(d) => Some(d),
            _ => None,
        })
        .await
    }

    /// Tails `topic` from the beginning until a record with `value` arrives.
    async fn tail_until(&mut self, topic: &str, value: &str) {
        let req = TailRequest {
            topics: topic.into(),
            start: StartFrom::Beginning,
            generation: 1,
            ..Default::default()
        };
        let want = value.as_bytes().to_vec();
        self.ask(
            KafkaCommand::Tail(req),
            "the record in the tail",
            |ev| match ev {
                KafkaEvent::Records { records, .. } => records
                    .iter()
                    .any(|r| r.value.as_deref() == Some(&want[..]))
                    .then_some(()),
                _ => None,
            },
        )
        .await;
        self.kafka.send(KafkaCommand::StopTail);
    }
}

fn value<'a>(configs: &'a [ConfigItem], name: &str) -> Option<&'a str> {
    configs
        .iter()
        .find(|c| c.name == name)
        .and_then(|c| c.value.as_deref())
}

/// Setting a topic config on a real broker leaves the topic's other overrides as they are
/// (issue 9: IncrementalAlterConfigs, not AlterConfigs, which replaces the whole set). What is
/// sent is checked without a real broker in tests/hostile_broker.rs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn noida_setting_one_config_keeps_the_other_overrides() {
    let Some(b) = peer("KAFKA_TUI_NOIDA", "noida-db") else {
        return;
    };
    let mut h = Harness::new(&b, false);
    let topic = unique("configs");
    let created = h
        .admin(KafkaCommand::CreateTopic {
            name: topic.clone(),
            partitions: Some(1),
            replication: Some(1),
            configs: vec![("retention.ms".into(), "3600000".into())],
        })
        .await;
    assert!(created.is_ok(), "{created:?}");
    let before = h.configs(&topic).await;
    assert_eq!(value(&before, "retention.ms"), Some("3600000"));

    let set = h
        .admin(KafkaCommand::AlterConfig {
            topic: topic.clone(),
            key: "max.message.bytes".into(),
            value: "2048".into(),
        })
        .await;
    assert_eq!(set, Ok(format!("{topic}: max.message.bytes = 2048")));
    let after = h.configs(&topic).await;
    assert_eq!(value(&after, "max.message.bytes"), Some("2048"));
    assert_eq!(
        value(&after, "retention.ms"),
        Some("3600000"),
        "the other override was reset: {after:?}"
    );
    let _ = h.admin(KafkaCommand::DeleteTopic(topic)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_refuses_every_write_and_nothing_reaches_the_broker() {
    let Some(b) = peer("KAFKA_TUI_KAFKA", "Apache Kafka (KRaft)") else {
        return;
    };
    let mut writer = Harness::new(&b, false);
    let topic = unique("ro");
    writer.create(&topic, 1).await;
    assert!(matches!(
        writer.produce(&topic, "k", "before").await,
        Delivery::Delivered { .. }
    ));

    let mut ro = Harness::new(&b, true);
    let d = ro.produce(&topic, "k", "must not land").await;
    assert!(
        matches!(&d, Delivery::Failed { error, .. } if error.contains("read-only")),
        "{d:?}"
    );
    let writes = vec![
        KafkaCommand::CreateTopic {
            name: format!("{topic}-new"),
            partitions: Some(1),
            replication: Some(1),
            configs: vec![],
        },
        KafkaCommand::DeleteTopic(topic.clone()),
        KafkaCommand::AddPartitions {
            topic: topic.clone(),
            total: 5,
        },
        KafkaCommand::AlterConfig {
            topic: topic.clone(),
            key: "retention.ms".into(),
            value: "1".into(),
        },
        KafkaCommand::DeleteGroup("any".into()),
        KafkaCommand::ApplyReset(kafka_tui::model::ResetPlan {
            group: "any".into(),
            to: ResetTo::Earliest,
            moves: vec![(topic.clone(), 0, None, 0)],
        }),
    ];
    for w in writes {
        let r = ro.admin(w).await;
        assert!(matches!(&r, Err(e) if e.contains("read-only")), "{r:?}");
    }
    // The cluster is as it was: same topics, one partition, one record, default retention.
    let names = writer.listed(&topic).await;
    assert!(!names.contains(&format!("{topic}-new")), "{names:?}");
    let detail = writer.detail(&topic).await;
    assert_eq!(detail.partitions.len(), 1);
    assert_eq!(detail.partitions[0].high, Some(1));
    let configs = writer.configs(&topic).await;
    assert_ne!(
        configs
            .iter()
            .find(|c| c.name == "retention.ms")
            .and_then(|c| c.value.clone())
            .as_deref(),
        Some("1")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tansu_connect_list_produce_tail() {
    let Some(b) = peer("KAFKA_TUI_TANSU", "tansu") else {
        return;
    };
    let mut h = Harness::new(&b, false);
    let topic = unique("tansu");
    h.create(&topic, 1).await;
    h.listed(&topic).await;
    let d = h.produce(&topic, "k", "hello tansu").await;
    assert!(matches!(d, Delivery::Delivered { .. }), "{d:?}");
    // Tansu reports wrong high watermarks, so tail from the beginning rather than the end.
    h.tail_until(&topic, "hello tansu").await;
}

/// Follows a log source until a line satisfies `want`.
async fn follow(spec: LogSpec, what: &str, want: impl Fn(&str) -> bool) -> String {
    let (tx, mut rx) = mpsc::channel(64);
    let cancel = CancellationToken::new();
    spawn_all(
        vec![LogSourceDef {
            name: what.into(),
            spec,
        }],
        tx,
        cancel.clone(),
    );
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(LogEvent::Lines { lines, .. })) => {
                if let Some(l) = lines.into_iter().find(|l| want(l)) {
                    cancel.cancel();
                    return l;
                }
            }
            Ok(Some(_)) => {}
            other => panic!("no matching {what} log line: {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zookeeper_log_file_and_broker_log_command() {
    let Some(zk_log) = peer(
        "KAFKA_TUI_ZKMODE_ZK_LOG",
        "ZooKeeper (of the ZooKeeper-mode Kafka)",
    ) else {
        return;
    };
    let line = follow(LogSpec::File(zk_log.into()), "zookeeper", |l| {
        l.contains("INFO") || l.contains("WARN")
    })
    .await;
    assert!(
        line.to_lowercase().contains("zookeeper") || line.contains("INFO"),
        "{line}"
    );

    let Some(broker_log) = peer(
        "KAFKA_TUI_ZKMODE_BROKER_LOG",
        "the ZooKeeper-mode Kafka's log",
    ) else {
        return;
    };
    let cmd = format!("tail -n +1 -F {broker_log}");
    let line = follow(LogSpec::Command(cmd), "broker", |l| l.contains("kafka")).await;
    assert!(line.contains("kafka"), "{line}");
}

/// A noida-db process of the test's own, on a free port, that can be stopped and started again
/// on the same port and data directory.
struct OwnBroker {
    bin: String,
    port: u16,
    dir: tempfile::TempDir,
    child: Option<std::process::Child>,
}

impl OwnBroker {
    fn start(bin: &str) -> OwnBroker {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut b = OwnBroker {
            bin: bin.into(),
            port,
            dir: tempfile::tempdir().unwrap(),
            child: None,
        };
        b.up();
        b
    }

    fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn up(&mut self) {
        let child = std::process::Command::new(&self.bin)
            .args([
                "start",
                "--only",
                "kafka",
                "--host",
                "127.0.0.1",
                "--kafka-port",
                &self.port.to_string(),
                "--data-dir",
            ])
            .arg(self.dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("noida-db starts");
        self.child = Some(child);
        let deadline = Instant::now() + WAIT;
        while std::net::TcpStream::connect(self.addr()).is_err() {
            assert!(
                Instant::now() < deadline,
                "noida-db did not listen on {}",
                self.addr()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Stops the broker as an operator would (Ctrl-C: noida-db saves its data on the way out).
    fn down(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = std::process::Command::new("kill")
                .args(["-INT", &c.id().to_string()])
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

impl Drop for OwnBroker {
    fn drop(&mut self) {
        self.down();
    }
}

/// Values of the next `want` tailed records.
async fn values(rx: &mut mpsc::Receiver<KafkaEvent>, want: usize, what: &str) -> Vec<String> {
    let deadline = Instant::now() + WAIT;
    let mut got = Vec::new();
    while got.len() < want {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(KafkaEvent::Records { records, .. })) => got.extend(records.iter().map(|r| {
                String::from_utf8_lossy(r.value.as_deref().unwrap_or_default()).into_owned()
            })),
            Ok(Some(_)) => {}
            other => panic!("waiting for {want} records {what}, got {got:?}: {other:?}"),
        }
    }
    got
}

/// A real broker process stopped and started again while tailing: librdkafka reports all
/// brokers down (the header's "disconnected"), and when the broker is back every record
/// appears exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_broker_restart_while_tailing_loses_and_repeats_nothing() {
    let Some(bin) = peer("KAFKA_TUI_NOIDA_BIN", "noida-db (its binary)") else {
        return;
    };
    let mut broker = OwnBroker::start(&bin);
    let addr = broker.addr();
    let mut h = Harness::new(&addr, false);
    let topic = unique("restart");
    h.create(&topic, 1).await;
    for i in 0..5 {
        assert!(matches!(
            h.produce(&topic, "k", &format!("before-{i}")).await,
            Delivery::Delivered { .. }
        ));
    }
    h.kafka.send(KafkaCommand::Tail(TailRequest {
        topics: topic.clone().into(),
        start: StartFrom::Beginning,
        generation: 1,
        ..Default::default()
    }));
    let mut seen: Vec<String> = Vec::new();
    let got = values(&mut h.rx, 5, "before the restart").await;
    seen.extend(got);

    broker.down();
    let deadline = Instant::now() + WAIT;
    let mut noticed = false;
    while !noticed && Instant::now() < deadline {
        if let Ok(Some(KafkaEvent::BrokersDown(_))) =
            tokio::time::timeout(Duration::from_secs(1), h.rx.recv()).await
        {
            noticed = true;
        }
    }
    assert!(
        noticed,
        "librdkafka reported all brokers down after the process stopped"
    );
    broker.up();
    let mut writer = Harness::new(&addr, false);
    for i in 0..5 {
        // Another client writes: the tail's own events must not be read while waiting.
        let d = writer.produce(&topic, "k", &format!("after-{i}")).await;
        assert!(matches!(d, Delivery::Delivered { .. }), "{d:?}");
    }
    let got = values(&mut h.rx, 5, "after the restart").await;
    seen.extend(got);
    let want: Vec<String> = (0..5)
        .map(|i| format!("before-{i}"))
        .chain((0..5).map(|i| format!("after-{i}")))
        .collect();
    assert_eq!(seen, want, "every record once, in order");
}
