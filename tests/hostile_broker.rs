//! A broker that lies (issue 14.1): partition ids outside `0..count`, duplicate and negative
//! ids, impossible counts and offsets. kafka-tui must neither crash nor hand such an id to
//! librdkafka (whose `rd_kafka_query_watermark_offsets` indexes an array by an id it was sent,
//! reading far past it for a large one), and must say what is wrong. The broker is
//! `common::hostile`, a small Kafka-protocol server of the test suite.

mod common;
use common::hostile::*;
use common::*;

use std::time::{Duration, Instant};

use kafka_tui::event::KafkaEvent;
use kafka_tui::kafka::api::TailRequest;
use kafka_tui::kafka::api::{KafkaCommand, KafkaHandle};
use kafka_tui::kafka::client::ClientSettings;
use kafka_tui::kafka::service;
use kafka_tui::model::StartFrom;
use kafka_tui::model::TopicInfo;
use tokio::sync::mpsc;

const WAIT: Duration = Duration::from_secs(20);

/// Topics of a broker that lists impossible partitions next to sound ones.
fn lying_topics() -> Vec<Topic> {
    vec![
        // The case: a one-partition topic whose partition is 100.
        Topic::new("evil", &[100]),
        // An id so far out that reading at it leaves the process's memory.
        Topic::new("far", &[2_000_000_000]),
        Topic::new("negative", &[-1]),
        Topic::new("twice", &[0, 0]),
        // Two partitions listed: 0 and 100 (1 is missing).
        Topic::new("sparse", &[0, 100]),
        Topic::sound("good", 2),
    ]
}

/// The app's Kafka task on the hostile broker, and its events.
struct Harness {
    kafka: KafkaHandle,
    rx: mpsc::Receiver<KafkaEvent>,
    _task: tokio::task::JoinHandle<()>,
}

impl Harness {
    fn new(bootstrap: &str) -> Harness {
        let (tx, rx) = mpsc::channel(256);
        let (kafka, task) = service::spawn(ClientSettings::new(bootstrap), tx).expect("clients");
        Harness {
            kafka,
            rx,
            _task: task,
        }
    }

    /// Sends a command, then waits for the first event `pick` accepts; the events before it
    /// are returned too.
    async fn ask<T>(
        &mut self,
        cmd: Option<KafkaCommand>,
        what: &str,
        mut pick: impl FnMut(&KafkaEvent) -> Option<T>,
    ) -> (T, Vec<KafkaEvent>) {
        if let Some(cmd) = cmd {
            self.kafka.send(cmd);
        }
        let deadline = Instant::now() + WAIT;
        let mut before = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.rx.recv()).await {
                Ok(Some(ev)) => match pick(&ev) {
                    Some(t) => return (t, before),
                    None => before.push(ev),
                },
                Ok(None) => panic!("event channel closed while waiting for {what}"),
                Err(_) => panic!("timed out waiting for {what}; events: {before:?}"),
            }
        }
    }

    async fn topics(&mut self) -> Vec<TopicInfo> {
        self.ask(
            Some(KafkaCommand::RefreshTopics),
            "a listing",
            |ev| match ev {
                KafkaEvent::Topics(Ok(s)) => Some(s.topics.clone()),
                _ => None,
            },
        )
        .await
        .0
    }
}

fn find<'a>(topics: &'a [TopicInfo], name: &str) -> &'a TopicInfo {
    topics
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("{name} not listed: {topics:?}"))
}

fn ids(t: &TopicInfo) -> Vec<i32> {
    t.partitions.iter().map(|p| p.id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_listing_keeps_only_partitions_that_can_be_asked_about_and_says_why() {
    let broker = Hostile::new(lying_topics()).start();
    let mut h = Harness::new(&broker.bootstrap());
    let topics = h.topics().await;

    let evil = find(&topics, "evil");
    assert_eq!(ids(evil), Vec::<i32>::new());
    assert_eq!(
        evil.error.as_deref(),
        Some("broker sent invalid partition ids: 100")
    );
    let far = find(&topics, "far");
    assert!(ids(far).is_empty());
    assert_eq!(
        far.error.as_deref(),
        Some("broker sent invalid partition ids: 2000000000")
    );
    assert_eq!(
        find(&topics, "negative").error.as_deref(),
        Some("broker sent invalid partition ids: -1")
    );
    let twice = find(&topics, "twice");
    assert_eq!(ids(twice), vec![0]);
    assert_eq!(
        twice.error.as_deref(),
        Some("broker sent duplicate partition ids: 0")
    );
    let sparse = find(&topics, "sparse");
    assert_eq!(ids(sparse), vec![0]);
    assert_eq!(
        sparse.error.as_deref(),
        Some("broker sent invalid partition ids: 100")
    );
    let good = find(&topics, "good");
    assert_eq!(ids(good), vec![0, 1]);
    assert_eq!(good.error, None);
}

/// Whatever the app asks (here the broker's own ids, as a stale or hostile request would
/// carry), the Kafka task asks librdkafka only about partitions fresh metadata lists as valid.
/// Before the check, the request for `far` ended the test process with a segfault.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watermarks_are_never_asked_for_partitions_the_broker_listed_wrongly() {
    let broker = Hostile::new(lying_topics()).start();
    let mut h = Harness::new(&broker.bootstrap());
    h.topics().await;
    let asked: Vec<(String, Vec<i32>)> = lying_topics()
        .into_iter()
        .map(|t| (t.name, t.partitions))
        .collect();
    let (marks, _) = h
        .ask(
            Some(KafkaCommand::Watermarks(asked)),
            "watermarks",
            |ev| match ev {
                KafkaEvent::Watermarks(m) => Some(m.clone()),
                _ => None,
            },
        )
        .await;
    let of = |name: &str| {
        marks
            .iter()
            .find(|(t, _)| t == name)
            .map(|(_, m)| m.clone())
            .unwrap_or_default()
    };
    assert_eq!(of("good"), vec![(0, 0, 10), (1, 0, 10)]);
    assert_eq!(of("twice"), vec![(0, 0, 10)]);
    assert_eq!(of("sparse"), vec![(0, 0, 10)]);
    assert!(of("evil").is_empty() && of("far").is_empty() && of("negative").is_empty());
    let listed: Vec<(String, i32)> = broker
        .seen()
        .iter()
        .filter(|s| s.api_key == API_LIST_OFFSETS)
        .flat_map(|s| s.list_offsets_partitions())
        .collect();
    for (t, p) in &listed {
        assert!(
            (0..2).contains(p) && t != "evil" && t != "far" && t != "negative",
            "asked the broker about {t}[{p}]: {listed:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn impossible_offsets_are_not_shown_as_counts_and_are_reported_once() {
    let broker = Hostile::new(vec![
        Topic::sound("backwards", 1),
        Topic::sound("huge", 2),
        Topic::sound("fine", 1),
    ])
    .offsets(|t, _| match t {
        "backwards" => Some(Ok((-5, -1))),
        "huge" => Some(Ok((0, i64::MAX))),
        _ => Some(Ok((3, 7))),
    })
    .start();
    let mut h = Harness::new(&broker.bootstrap());
    h.topics().await;
    let asked = vec![
        ("backwards".to_string(), vec![0]),
        ("huge".to_string(), vec![0, 1]),
        ("fine".to_string(), vec![0]),
    ];
    for round in 0..2 {
        let (marks, before) = h
            .ask(
                Some(KafkaCommand::Watermarks(asked.clone())),
                "watermarks",
                |ev| match ev {
                    KafkaEvent::Watermarks(m) => Some(m.clone()),
                    _ => None,
                },
            )
            .await;
        assert_eq!(
            marks,
            vec![
                ("backwards".to_string(), vec![]),
                ("huge".to_string(), vec![(0, 0, i64::MAX), (1, 0, i64::MAX)]),
                ("fine".to_string(), vec![(0, 3, 7)]),
            ]
        );
        let reported: Vec<&String> = before
            .iter()
            .filter_map(|ev| match ev {
                // Only the offset reports: this fake broker also makes the idempotent producer
                // say, whenever its check runs, that the broker is too old for idempotence.
                KafkaEvent::ClientError(e) if !e.detail.starts_with("Idempotent producer") => {
                    Some(&e.detail)
                }
                _ => None,
            })
            .collect();
        if round == 0 {
            assert_eq!(
                reported,
                vec!["broker sent impossible offsets for backwards[0]: low -5, high -1"]
            );
        } else {
            assert!(reported.is_empty(), "reported again: {reported:?}");
        }
    }
    // The count of a topic at i64::MAX saturates instead of wrapping (or panicking).
    let (marks, _) = h
        .ask(
            Some(KafkaCommand::Watermarks(asked.clone())),
            "watermarks",
            |ev| match ev {
                KafkaEvent::Watermarks(m) => Some(m.clone()),
                _ => None,
            },
        )
        .await;
    let mut topics = h.topics().await;
    let mut state = kafka_tui::state::topics::TopicsState::default();
    topics.retain(|t| t.name == "huge");
    state.set_topics(topics);
    state.set_watermarks(marks);
    assert_eq!(state.all()[0].record_count(), Some(i64::MAX));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_topic_detail_lists_the_usable_partitions_and_the_anomalies() {
    let broker = Hostile::new(lying_topics()).start();
    let mut h = Harness::new(&broker.bootstrap());
    for (topic, parts, anomaly) in [
        ("sparse", vec![0], "broker sent invalid partition ids: 100"),
        ("twice", vec![0], "broker sent duplicate partition ids: 0"),
        (
            "far",
            vec![],
            "broker sent invalid partition ids: 2000000000",
        ),
    ] {
        let (detail, _) = h
            .ask(
                Some(KafkaCommand::TopicDetail(topic.into())),
                "the detail",
                |ev| match ev {
                    KafkaEvent::TopicDetail(d) => Some(d.clone()),
                    _ => None,
                },
            )
            .await;
        let d = detail.unwrap_or_else(|e| panic!("{topic}: {e}"));
        assert_eq!(d.partitions.iter().map(|p| p.id).collect::<Vec<_>>(), parts);
        assert_eq!(d.anomalies, vec![anomaly.to_string()], "{topic}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tail_reads_only_the_usable_partitions_and_says_what_it_left_out() {
    let broker = Hostile::new(lying_topics()).start();
    let mut h = Harness::new(&broker.bootstrap());
    let (status, _) = h
        .ask(
            Some(KafkaCommand::Tail(TailRequest {
                topics: "far".into(),
                start: StartFrom::End,
                generation: 1,
                ..Default::default()
            })),
            "the tail's status",
            |ev| match ev {
                KafkaEvent::TailStatus { status, error, .. } => Some((status.clone(), *error)),
                KafkaEvent::TailStarted { .. } => panic!("a tail of nothing started: {ev:?}"),
                _ => None,
            },
        )
        .await;
    assert_eq!(
        status,
        (
            "topic \"far\": broker sent invalid partition ids: 2000000000; nothing to tail".into(),
            true
        )
    );
    let (started, _) = h
        .ask(
            Some(KafkaCommand::Tail(TailRequest {
                topics: "sparse".into(),
                start: StartFrom::Tail(5),
                generation: 2,
                ..Default::default()
            })),
            "the tail of sparse",
            |ev| match ev {
                KafkaEvent::TailStarted {
                    generation: 2,
                    partitions,
                    notice,
                    ..
                } => Some((*partitions, notice.clone())),
                _ => None,
            },
        )
        .await;
    assert_eq!(
        started,
        (
            1,
            Some("broker sent invalid partition ids: 100: tailing the other partitions".into())
        )
    );
    h.kafka.send(KafkaCommand::StopTail);
}

/// Switching the tail never waits for the old one (issue 9): the old tail looks up the end of
/// each partition of a topic whose leader takes a second per partition to answer ListOffsets;
/// the new tail starts at once. Before, the Kafka task joined the old tail's thread first,
/// which looked up one partition after another (two requests, up to 5 s each).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_the_tail_does_not_wait_for_the_old_ones_lookups() {
    let broker = Hostile::new(vec![Topic::sound("slow", 4), Topic::sound("good", 1)])
        .offsets(|t, _| {
            if t == "slow" {
                std::thread::sleep(Duration::from_secs(1));
            }
            Some(Ok((0, 10)))
        })
        .start();
    let mut h = Harness::new(&broker.bootstrap());
    h.kafka.send(KafkaCommand::Tail(TailRequest {
        topics: "slow".into(),
        start: StartFrom::End,
        generation: 1,
        ..Default::default()
    }));
    let slow_asked = |seen: &[Seen]| {
        seen.iter().any(|s| {
            s.api_key == API_LIST_OFFSETS
                && s.list_offsets_partitions().iter().any(|(t, _)| t == "slow")
        })
    };
    assert!(
        broker.wait_until(WAIT, slow_asked),
        "the first tail never looked its offsets up"
    );
    let sent = Instant::now();
    let (started, _) = h
        .ask(
            Some(KafkaCommand::Tail(TailRequest {
                topics: "good".into(),
                start: StartFrom::Beginning,
                generation: 2,
                ..Default::default()
            })),
            "the second tail",
            |ev| match ev {
                KafkaEvent::TailStarted {
                    generation: 2,
                    partitions,
                    ..
                } => Some(*partitions),
                _ => None,
            },
        )
        .await;
    assert_eq!(started, 1);
    assert!(
        sent.elapsed() < Duration::from_secs(3),
        "the second tail started {:?} after it was asked for",
        sent.elapsed()
    );
    h.kafka.send(KafkaCommand::StopTail);
}

/// More partitions than librdkafka accepts (100,000), or a count with no entries behind it:
/// librdkafka refuses the whole answer; kafka-tui says it cannot list topics, and lives on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_impossible_partition_count_is_an_error_not_a_crash() {
    let broker = Hostile::new(vec![
        Topic::sound("fine", 1),
        Topic {
            claimed: Some(i32::MAX),
            ..Topic::sound("endless", 1)
        },
    ])
    .start();
    let mut h = Harness::new(&broker.bootstrap());
    h.kafka.send(KafkaCommand::RefreshTopics);
    let (err, _) = h
        .ask(None, "a failed listing", |ev| match ev {
            KafkaEvent::Topics(Err(e)) => Some(e.to_string()),
            KafkaEvent::Topics(Ok(s)) => panic!("listed {:?}", s.topics),
            _ => None,
        })
        .await;
    assert!(!err.is_empty());
}

// ---------------------------------------------------------------------------------------------
// The real binary, in tmux
// ---------------------------------------------------------------------------------------------

fn launch(name: &str, bootstrap: &str, width: u16) -> (Tmux, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    let cmd = format!(
        "env HOME={d} XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state KAFKA_TUI_CONFIG= {} -b {bootstrap} --log-file {d}/kafka-tui.log; echo kafka-tui-exited-$?; sleep 60",
        binary().display(),
    );
    (Tmux::start(name, &cmd, width, 36), dir)
}

/// The case on the real binary: alive after several watermark refreshes (5 s each),
/// the anomaly on the topic's row and in its detail, the sound topic's count shown.
#[test]
fn kafka_tui_survives_a_broker_listing_impossible_partitions_and_shows_the_anomaly() {
    if skip_without_tmux() {
        return;
    }
    let broker = Hostile::new(lying_topics()).start();
    let (t, _dir) = launch("hostile", &broker.bootstrap(), 200);
    // The row says it after the name (cut to the pane's width).
    t.wait_for("the anomaly on the row", WAIT, |s| {
        s.contains("good")
            && s.lines()
                .any(|l| l.contains("evil  ⚠ broker sent invalid partition"))
    });
    // Two refresh periods after the first listing: listings every 5 s ask for all topics.
    let first = broker.seen()[0].at;
    assert!(
        broker.wait_until(Duration::from_secs(30), |seen| {
            seen.iter().any(|s| {
                s.api_key == API_METADATA
                    && s.metadata_topics().is_none()
                    && s.at.duration_since(first) > Duration::from_secs(11)
            })
        }),
        "no listing after 11 s; screen:\n{}",
        t.capture()
    );
    let screen = t.wait_for("the sound topic's count", WAIT, |s| {
        s.lines().any(|l| l.contains("good") && l.contains(" 20"))
    });
    assert!(
        !screen.contains("kafka-tui-exited"),
        "kafka-tui ended:\n{screen}"
    );
    // The detail says it in full.
    t.keys(&["/"]);
    t.type_text("sparse");
    t.keys(&["Enter", "d"]);
    let screen = t.wait_for("the detail of sparse", WAIT, |s| {
        s.contains("⚠ broker sent invalid partition ids: 100") && s.contains("1 partition ·")
    });
    assert!(
        !screen.contains("kafka-tui-exited"),
        "kafka-tui ended:\n{screen}"
    );
    t.quit_cleanly(WAIT);
}

// ---------------------------------------------------------------------------------------------
// Admin answers: the broker's own words, and one config set alone
// ---------------------------------------------------------------------------------------------

const API_DESCRIBE_CONFIGS: i16 = 32;

/// The response to a one-resource (Incremental)AlterConfigs: `error` with `message`.
fn alter_response(body: &[u8], error: i16, message: Option<&str>) -> Option<Vec<u8>> {
    let mut r = Reader::new(body);
    let _resources = r.i32()?;
    let kind = r.i8()?;
    let name = r.str()?;
    let mut w = Writer::default();
    w.i32(0);
    w.i32(1);
    w.i16(error);
    w.nullable_str(message);
    w.i8(kind);
    w.str(&name);
    Some(w.0)
}

/// `(name, op, value)` of each config of a one-resource IncrementalAlterConfigs (v0), or
/// `(name, -1, value)` for AlterConfigs (v0), which has no operation.
fn configs_sent(s: &Seen) -> Vec<(String, i8, Option<String>)> {
    let mut r = Reader::new(&s.body);
    let mut out = Vec::new();
    let (Some(_), Some(_), Some(_), Some(n)) = (r.i32(), r.i8(), r.str(), r.i32()) else {
        return out;
    };
    for _ in 0..n {
        let Some(name) = r.str() else { break };
        let op = if s.api_key == API_INCREMENTAL_ALTER_CONFIGS {
            r.i8().unwrap_or(i8::MIN)
        } else {
            -1
        };
        let Some(value) = r.nullable_str() else { break };
        out.push((name, op, value));
    }
    out
}

/// DescribeConfigs (v1): the topic has two overrides, `cleanup.policy` and `retention.ms`.
fn describe_configs(_version: i16, body: &[u8]) -> Option<Vec<u8>> {
    let mut r = Reader::new(body);
    let _ = r.i32()?;
    let kind = r.i8()?;
    let name = r.str()?;
    let mut w = Writer::default();
    w.i32(0);
    w.i32(1);
    w.i16(0);
    w.nullable_str(None);
    w.i8(kind);
    w.str(&name);
    let entries = [
        ("cleanup.policy", "compact", 1i8),
        ("retention.ms", "3600000", 1),
        ("segment.bytes", "1073741824", 5),
    ];
    w.i32(entries.len() as i32);
    for (k, v, source) in entries {
        w.str(k);
        w.nullable_str(Some(v));
        w.i8(0); // read-only
        w.i8(source);
        w.i8(0); // sensitive
        w.i32(0); // synonyms
    }
    Some(w.0)
}

async fn admin_result(h: &mut Harness, cmd: KafkaCommand) -> Result<String, String> {
    h.ask(Some(cmd), "the admin result", |ev| match ev {
        KafkaEvent::AdminDone { result, .. } => Some(result.clone().map_err(|e| e.to_string())),
        _ => None,
    })
    .await
    .0
}

/// Issue 14.7: a refused topic creation showed only the error code; the broker's reason is
/// what tells the person what to change.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_topic_creation_shows_the_brokers_message() {
    let broker = Hostile::new(vec![Topic::sound("good", 1)])
        .answer(API_CREATE_TOPICS, 2, 2, |_, body| {
            let mut r = Reader::new(body);
            let _ = r.i32()?;
            let name = r.str()?;
            let mut w = Writer::default();
            w.i32(0);
            w.i32(1);
            w.str(&name);
            w.i16(38); // INVALID_REPLICATION_FACTOR
            w.nullable_str(Some(
                "Replication factor: 3 larger than available brokers: 1.",
            ));
            Some(w.0)
        })
        .start();
    let mut h = Harness::new(&broker.bootstrap());
    let r = admin_result(
        &mut h,
        KafkaCommand::CreateTopic {
            name: "orders".into(),
            partitions: Some(1),
            replication: Some(3),
            configs: vec![],
        },
    )
    .await;
    let e = r.expect_err("refused");
    assert!(
        e.contains("InvalidReplicationFactor")
            && e.contains("Replication factor: 3 larger than available brokers: 1."),
        "{e}"
    );
}

/// Setting one topic config sends that one alone (IncrementalAlterConfigs SET): AlterConfigs
/// would replace the whole set of overrides, resetting whatever is not sent along.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setting_one_config_sends_that_one_alone() {
    let broker = Hostile::new(vec![Topic::sound("t", 1)])
        .answer(API_INCREMENTAL_ALTER_CONFIGS, 0, 0, |_, body| {
            alter_response(body, 0, None)
        })
        .answer(API_ALTER_CONFIGS, 0, 0, |_, body| {
            alter_response(body, 0, None)
        })
        .answer(API_DESCRIBE_CONFIGS, 1, 1, describe_configs)
        .start();
    let mut h = Harness::new(&broker.bootstrap());
    let r = admin_result(
        &mut h,
        KafkaCommand::AlterConfig {
            topic: "t".into(),
            key: "retention.ms".into(),
            value: "1000".into(),
        },
    )
    .await;
    // This broker says yes but goes on reporting the old value: read back, that is said.
    assert_eq!(
        r,
        Err("retention.ms was not applied: the broker accepted the change but reports retention.ms = 3600000 (DynamicTopic)".to_string())
    );
    let sent: Vec<Seen> = broker
        .seen()
        .into_iter()
        .filter(|s| [API_INCREMENTAL_ALTER_CONFIGS, API_ALTER_CONFIGS].contains(&s.api_key))
        .collect();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].api_key, API_INCREMENTAL_ALTER_CONFIGS);
    assert_eq!(
        configs_sent(&sent[0]),
        vec![("retention.ms".to_string(), 0, Some("1000".to_string()))]
    );
}

/// A broker without IncrementalAlterConfigs (before Kafka 2.3): the current overrides are sent
/// along with the new value, and the result says that this is what happened.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_incremental_alter_the_other_overrides_are_sent_along_and_that_is_said() {
    let broker = Hostile::new(vec![Topic::sound("t", 1)])
        .answer(API_ALTER_CONFIGS, 0, 0, |_, body| {
            alter_response(body, 0, None)
        })
        .answer(API_DESCRIBE_CONFIGS, 1, 1, describe_configs)
        .start();
    let mut h = Harness::new(&broker.bootstrap());
    let r = admin_result(
        &mut h,
        KafkaCommand::AlterConfig {
            topic: "t".into(),
            key: "retention.ms".into(),
            value: "1000".into(),
        },
    )
    .await;
    // Read back, the value did not change on this broker: said, with how it was sent.
    assert_eq!(
        r,
        Err("retention.ms was not applied: the broker accepted the change but reports retention.ms = 3600000 (DynamicTopic) (this broker has no IncrementalAlterConfigs: the other overrides were sent again)".to_string())
    );
    let sent: Vec<Seen> = broker
        .seen()
        .into_iter()
        .filter(|s| s.api_key == API_ALTER_CONFIGS)
        .collect();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let mut configs = configs_sent(&sent[0]);
    configs.sort();
    assert_eq!(
        configs,
        vec![
            (
                "cleanup.policy".to_string(),
                -1,
                Some("compact".to_string())
            ),
            ("retention.ms".to_string(), -1, Some("1000".to_string())),
        ]
    );
}

/// Every admin result carries the broker's words, not only topic creation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_config_change_shows_the_brokers_message() {
    let broker = Hostile::new(vec![Topic::sound("t", 1)])
        .answer(API_INCREMENTAL_ALTER_CONFIGS, 0, 0, |_, body| {
            alter_response(
                body,
                40,
                Some("Invalid value -7 for configuration retention.ms"),
            )
        })
        .start();
    let mut h = Harness::new(&broker.bootstrap());
    let r = admin_result(
        &mut h,
        KafkaCommand::AlterConfig {
            topic: "t".into(),
            key: "retention.ms".into(),
            value: "-7".into(),
        },
    )
    .await;
    let e = r.expect_err("refused");
    assert!(
        e.contains("InvalidConfig")
            && e.contains("Invalid value -7 for configuration retention.ms"),
        "{e}"
    );
}
