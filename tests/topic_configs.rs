//! Setting a topic config on a real broker leaves the topic's other overrides as they are
//! (issue 9: IncrementalAlterConfigs, not AlterConfigs, which replaces the whole set). The
//! broker is noida-db, started by `.ci/run` (`KAFKA_TUI_NOIDA`); in CI a missing one is a
//! failure, locally the test says why it skips. What is sent is checked without a real broker
//! in tests/hostile_broker.rs.

use std::time::{Duration, Instant};

use kafka_tui::event::KafkaEvent;
use kafka_tui::kafka::api::{KafkaCommand, KafkaHandle};
use kafka_tui::kafka::client::ClientSettings;
use kafka_tui::kafka::service;
use kafka_tui::model::ConfigItem;
use tokio::sync::mpsc;

const WAIT: Duration = Duration::from_secs(30);

fn peer(var: &str, what: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Some(v),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "{var} is not set: .ci/run must start {what} for this test"
            );
            eprintln!("SKIPPED: {var} is not set ({what} is not running; .ci/run starts it)");
            None
        }
    }
}

struct Harness {
    kafka: KafkaHandle,
    rx: mpsc::Receiver<KafkaEvent>,
    _task: tokio::task::JoinHandle<()>,
}

impl Harness {
    async fn ask<T>(
        &mut self,
        cmd: KafkaCommand,
        mut pick: impl FnMut(KafkaEvent) -> Option<T>,
    ) -> T {
        let what = format!("{cmd:?}");
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
        self.ask(cmd, |ev| match ev {
            KafkaEvent::AdminDone { result, .. } => Some(result),
            _ => None,
        })
        .await
    }

    async fn configs(&mut self, topic: &str) -> Vec<ConfigItem> {
        self.ask(KafkaCommand::Configs(topic.into()), |ev| match ev {
            KafkaEvent::Configs { result, .. } => Some(result),
            _ => None,
        })
        .await
        .expect("configs")
    }
}

fn value<'a>(configs: &'a [ConfigItem], name: &str) -> Option<&'a str> {
    configs
        .iter()
        .find(|c| c.name == name)
        .and_then(|c| c.value.as_deref())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn noida_setting_one_config_keeps_the_other_overrides() {
    let Some(b) = peer("KAFKA_TUI_NOIDA", "noida-db") else {
        return;
    };
    let (tx, rx) = mpsc::channel(256);
    let (kafka, task) = service::spawn(ClientSettings::new(&b), tx).expect("clients");
    let mut h = Harness {
        kafka,
        rx,
        _task: task,
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let topic = format!("configs-{}-{nanos}", std::process::id());
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
