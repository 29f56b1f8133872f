//! Integration tests on the embedded broker: the app's own producer and tail code paths, and
//! plain rdkafka clients reaching the broker at its `--listen` address like any other program.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kafka_tui::action::Action;
use kafka_tui::app::{App, ClusterView, Connection};
use kafka_tui::event::{Event, KafkaEvent};
use kafka_tui::kafka::api::TailRequest;
use kafka_tui::kafka::client::{ClientSettings, UiContext};
use kafka_tui::kafka::embedded::demo;
use kafka_tui::kafka::embedded::mock::{MockBroker, MockOptions};
use kafka_tui::kafka::producer::{create_producer, publish};
use kafka_tui::kafka::service;
use kafka_tui::kafka::tail::spawn_tail;
use kafka_tui::model::ProduceRequest;
use kafka_tui::model::StartFrom;
use kafka_tui::model::{Delivery, Header, Record};
use kafka_tui::state::logs::LogsState;
use kafka_tui::state::producer::ProduceStatus;
use kafka_tui::state::tail::TailState;
use kafka_tui::state::Pane;
use kafka_tui::theme::Theme;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{ClientConfig, Message, Offset, TopicPartitionList};
use tokio::sync::mpsc;

const WAIT: Duration = Duration::from_secs(20);

async fn broker(demo: bool) -> MockBroker {
    MockBroker::start(MockOptions {
        demo,
        ..MockOptions::loopback()
    })
    .await
    .expect("embedded broker starts")
}

fn settings(b: &MockBroker) -> ClientSettings {
    let mut s = ClientSettings::new(b.address().to_string());
    s.embedded = true;
    s
}

/// Collects tailed records until `want` of them arrived (or fails after WAIT).
async fn collect(rx: &mut mpsc::Receiver<KafkaEvent>, want: usize) -> Vec<Record> {
    let deadline = Instant::now() + WAIT;
    let mut got = Vec::new();
    while got.len() < want {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(KafkaEvent::Records { records, .. })) => got.extend(records),
            Ok(Some(_)) => {}
            Ok(None) => panic!("event channel closed"),
            Err(_) => panic!("timed out with {} of {want} records: {got:?}", got.len()),
        }
    }
    got
}

/// Waits until the tail reports it is assigned, so records produced next are seen from `end`.
async fn wait_started(rx: &mut mpsc::Receiver<KafkaEvent>) {
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(KafkaEvent::TailStarted { .. })) => return,
            Ok(Some(KafkaEvent::TailStatus {
                status,
                error: true,
                ..
            })) => panic!("tail failed: {status}"),
            Ok(Some(_)) => {}
            other => panic!("tail did not start: {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_producer_path_to_app_tail_path_keeps_key_value_headers() {
    let b = broker(false).await;
    b.create_topic_async("roundtrip", 2).await.unwrap();
    let s = settings(&b);
    let (tx, mut rx) = mpsc::channel(64);
    let tail = spawn_tail(
        &s,
        TailRequest {
            topics: "roundtrip".into(),
            start: StartFrom::End,
            generation: 1,
            ..Default::default()
        },
        tx,
    )
    .unwrap();
    wait_started(&mut rx).await;

    let producer = create_producer(&s, UiContext::silent()).unwrap();
    let headers = vec![
        Header {
            name: "trace-id".into(),
            value: Some(b"abc=123".to_vec()),
        },
        Header {
            name: "empty".into(),
            value: Some(Vec::new()),
        },
    ];
    let req = ProduceRequest {
        topic: "roundtrip".into(),
        key: Some(b"user-42".to_vec()),
        value: b"{\"hello\":\"world\"}\nsecond line".to_vec(),
        headers: headers.clone(),
        partition: None,
    };
    let delivery = publish(&producer, &req).await;
    let Delivery::Delivered {
        partition, offset, ..
    } = delivery
    else {
        panic!("not delivered: {delivery:?}")
    };

    let got = collect(&mut rx, 1).await;
    let r = &got[0];
    assert_eq!((r.partition, r.offset), (partition, offset));
    assert_eq!(r.key.as_deref(), Some(&b"user-42"[..]));
    assert_eq!(r.value.as_deref(), Some(&req.value[..]));
    assert_eq!(r.headers, headers);
    assert!(r.timestamp_ms.is_some());
    tail.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_rdkafka_producer_at_listen_address_is_tailed() {
    let b = broker(false).await;
    let s = settings(&b);
    let (tx, mut rx) = mpsc::channel(64);
    // Tail from the beginning: the topic is auto-created by the first produce, as in Kafka.
    let tail = spawn_tail(
        &s,
        TailRequest {
            topics: "external".into(),
            start: StartFrom::Beginning,
            generation: 7,
            ..Default::default()
        },
        tx,
    )
    .unwrap();

    let p: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", b.address().to_string())
        .create()
        .unwrap();
    for i in 0..5 {
        let key = format!("k{i}");
        let value = format!("external record {i}");
        p.send(
            FutureRecord::to("external").key(&key).payload(&value),
            Duration::from_secs(10),
        )
        .await
        .unwrap_or_else(|(e, _)| panic!("plain producer failed: {e}"));
    }
    let mut got = collect(&mut rx, 5).await;
    got.sort_by_key(|r| r.key.clone());
    let values: Vec<_> = got
        .iter()
        .map(|r| String::from_utf8(r.value.clone().unwrap()).unwrap())
        .collect();
    assert_eq!(
        values,
        (0..5)
            .map(|i| format!("external record {i}"))
            .collect::<Vec<_>>()
    );
    tail.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_rdkafka_consumer_reads_demo_topic_through_listen_address() {
    let b = broker(true).await;
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", b.address().to_string())
        .set("group.id", "external-reader")
        .create()
        .unwrap();
    let md = c.fetch_metadata(None, Duration::from_secs(10)).unwrap();
    // The broker advertises the listen address, so other programs never see the mock's own port.
    let advertised: Vec<_> = md
        .brokers()
        .iter()
        .map(|br| format!("{}:{}", br.host(), br.port()))
        .collect();
    assert_eq!(advertised, vec![b.address().to_string()]);
    let mut tpl = TopicPartitionList::new();
    for p in 0..demo::PARTITIONS {
        tpl.add_partition_offset(demo::TOPIC, p, Offset::Beginning)
            .unwrap();
    }
    c.assign(&tpl).unwrap();
    let want = demo::samples(std::time::SystemTime::now()).len();
    let mut keys = Vec::new();
    let deadline = Instant::now() + WAIT;
    while keys.len() < want && Instant::now() < deadline {
        if let Some(Ok(m)) = c.poll(Duration::from_millis(200)) {
            keys.push(m.key().map(|k| String::from_utf8_lossy(k).into_owned()));
        }
    }
    assert_eq!(keys.len(), want, "got {keys:?}");
    assert!(keys.contains(&Some("order-1001".into())));
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// The whole app, headless: keys typed into the producer are published with Ctrl+S and the
/// record shows up in the tail pane's buffer, through the same Kafka task the binary uses.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_flow_publish_then_see_it_in_tail() {
    let b = broker(true).await;
    let (tx, mut rx) = mpsc::channel(256);
    let (kafka, _task) = service::spawn(settings(&b), tx).unwrap();
    let cluster = ClusterView {
        label: "embedded broker".into(),
        address: b.address().to_string(),
        embedded: Some((b.engine().into(), b.capabilities())),
        connection: Connection::Connecting,
        last_error: None,
    };
    let mut app = App::new(
        kafka,
        cluster,
        LogsState::new(vec![], 10),
        TailState::new(100, 1 << 20),
        Theme::builtin("dark"),
    );
    app.pending_topic = Some("demo".into());

    let pump =
        |app: &mut App, rx: &mut mpsc::Receiver<KafkaEvent>, until: &dyn Fn(&App) -> bool| {
            let deadline = Instant::now() + WAIT;
            while !until(app) {
                assert!(
                    Instant::now() < deadline,
                    "timed out; tail {:?}, producer {:?}",
                    app.tail.status,
                    app.producer.status
                );
                if let Ok(ev) = rx.try_recv() {
                    app.handle_event(Event::Kafka(ev));
                } else {
                    std::thread::sleep(Duration::from_millis(10));
                }
            }
        };
    // -t demo: the tail starts once the topic is listed.
    pump(&mut app, &mut rx, &|a| {
        matches!(
            a.tail.status,
            kafka_tui::state::tail::TailStatus::Live { .. }
        )
    });
    assert!(matches!(
        app.cluster.connection,
        Connection::Connected { brokers: 1 }
    ));
    assert_eq!(app.focus, Pane::Tail);

    app.update(Action::Focus(Pane::Producer));
    assert!(
        app.producer.editing,
        "focusing the producer puts the cursor in the value field"
    );
    for c in "typed in the app".chars() {
        app.handle_event(key(KeyCode::Char(c)));
    }
    app.handle_event(Event::Key(KeyEvent::new(
        KeyCode::Char('s'),
        KeyModifiers::CONTROL,
    )));
    pump(&mut app, &mut rx, &|a| {
        a.tail
            .records
            .iter()
            .any(|r| r.value.as_deref() == Some(&b"typed in the app"[..]))
    });
    pump(&mut app, &mut rx, &|a| {
        matches!(a.producer.status, ProduceStatus::Done(_))
    });
    assert!(
        matches!(
            app.producer.status,
            ProduceStatus::Done(Delivery::Delivered { .. })
        ),
        "{:?}",
        app.producer.status
    );
    assert!(
        app.producer.value.is_empty(),
        "a delivered value is cleared for the next record"
    );
}

/// Waits for the first event `pick` accepts after sending `cmd` to the Kafka task.
async fn ask<T>(
    kafka: &kafka_tui::kafka::api::KafkaHandle,
    rx: &mut mpsc::Receiver<KafkaEvent>,
    cmd: kafka_tui::kafka::api::KafkaCommand,
    mut pick: impl FnMut(KafkaEvent) -> Option<T>,
) -> T {
    kafka.send(cmd);
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(ev)) => {
                if let Some(t) = pick(ev) {
                    return t;
                }
            }
            other => panic!("no answer: {other:?}"),
        }
    }
}

/// What the embedded broker can serve works; what it cannot is refused with the reason,
/// promptly, instead of hanging or failing silently.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_broker_serves_what_it_can_and_says_what_it_cannot() {
    use kafka_tui::kafka::api::KafkaCommand;
    let b = broker(true).await;
    let mut s = settings(&b);
    s.embedded_admin = Some(b.admin());
    let (tx, mut rx) = mpsc::channel(256);
    let (kafka, _task) = service::spawn(s, tx).unwrap();

    // Create goes through the mock's own API, since it has no CreateTopics handler.
    let created = ask(
        &kafka,
        &mut rx,
        KafkaCommand::CreateTopic {
            name: "made-here".into(),
            partitions: Some(2),
            replication: Some(1),
            configs: vec![],
        },
        |ev| match ev {
            KafkaEvent::AdminDone { result, .. } => Some(result),
            _ => None,
        },
    )
    .await;
    assert!(created.is_ok(), "{created:?}");
    let detail = ask(
        &kafka,
        &mut rx,
        KafkaCommand::TopicDetail("made-here".into()),
        |ev| match ev {
            KafkaEvent::TopicDetail(r) => Some(r),
            _ => None,
        },
    )
    .await
    .expect("topic detail on the embedded broker");
    assert_eq!(detail.partitions.len(), 2);
    let overview = ask(&kafka, &mut rx, KafkaCommand::Overview, |ev| match ev {
        KafkaEvent::Overview(r) => Some(r),
        _ => None,
    })
    .await
    .expect("cluster overview on the embedded broker");
    assert_eq!(overview.brokers.len(), 1);
    assert_eq!(
        format!("{}:{}", overview.brokers[0].host, overview.brokers[0].port),
        b.address().to_string()
    );

    let groups = ask(&kafka, &mut rx, KafkaCommand::Groups, |ev| match ev {
        KafkaEvent::Groups(r) => Some(r),
        _ => None,
    })
    .await;
    assert!(
        matches!(&groups, Err(e) if e.kind == kafka_tui::kafka::api::ErrorKind::Refused && e.detail.contains("embedded broker") && e.detail.contains("ListGroups")),
        "{groups:?}"
    );
    let configs = ask(
        &kafka,
        &mut rx,
        KafkaCommand::Configs("demo".into()),
        |ev| match ev {
            KafkaEvent::Configs { result, .. } => Some(result),
            _ => None,
        },
    )
    .await;
    assert!(
        matches!(&configs, Err(e) if e.kind == kafka_tui::kafka::api::ErrorKind::Refused && e.detail.contains("DescribeConfigs")),
        "{configs:?}"
    );
    for cmd in [
        KafkaCommand::DeleteTopic("demo".into()),
        KafkaCommand::AddPartitions {
            topic: "demo".into(),
            total: 9,
        },
    ] {
        let r = ask(&kafka, &mut rx, cmd, |ev| match ev {
            KafkaEvent::AdminDone { result, .. } => Some(result),
            _ => None,
        })
        .await;
        assert!(
            matches!(&r, Err(e) if e.kind == kafka_tui::kafka::api::ErrorKind::Refused
                && e.detail.contains("embedded broker (librdkafka's mock cluster) cannot")),
            "{r:?}"
        );
    }
}

/// `:tail T#1 --until end`: only partition 1's records, up to its end when the tail began;
/// a record produced afterwards is not read, and the tail says it stopped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tail_of_some_partitions_stops_at_until_and_says_so() {
    let b = broker(false).await;
    b.create_topic_async("ends", 3).await.unwrap();
    let addr = b.address().to_string();
    let p: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", &addr)
        .create()
        .unwrap();
    let send = |partition: i32, v: String| {
        let p = p.clone();
        async move {
            p.send(
                FutureRecord::<(), String>::to("ends")
                    .partition(partition)
                    .payload(&v),
                Duration::from_secs(10),
            )
            .await
            .expect("delivered");
        }
    };
    for i in 0..3 {
        for part in 0..3 {
            send(part, format!("p{part}-{i}")).await;
        }
    }
    let s = settings(&b);
    let (tx, mut rx) = mpsc::channel(64);
    let tail = spawn_tail(
        &s,
        TailRequest {
            topics: "ends".into(),
            start: StartFrom::Beginning,
            generation: 1,
            partitions: Some(vec![1]),
            until: Some(kafka_tui::model::Until::End),
        },
        tx,
    )
    .unwrap();
    let deadline = Instant::now() + WAIT;
    let mut got = Vec::new();
    let ended = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(KafkaEvent::TailStarted { partitions, .. })) => assert_eq!(partitions, 1),
            Ok(Some(KafkaEvent::Records { records, .. })) => {
                got.extend(records);
                // A record produced now is past the end the tail began with.
                if got.len() == 1 {
                    send(1, "late".into()).await;
                }
            }
            Ok(Some(KafkaEvent::TailStatus { status, error, .. })) => break (status, error),
            Ok(Some(_)) => {}
            other => panic!("no end: {other:?} after {got:?}"),
        }
    };
    let values: Vec<String> = got
        .iter()
        .map(|r| String::from_utf8_lossy(r.value.as_deref().unwrap()).into_owned())
        .collect();
    assert_eq!(values, ["p1-0", "p1-1", "p1-2"]);
    assert!(!ended.1, "{ended:?}");
    assert!(
        ended
            .0
            .contains("stopped at --until the end: 3 records read"),
        "{ended:?}"
    );
    tail.stop();

    // A partition the topic does not have: said, and nothing tailed.
    let (tx, mut rx) = mpsc::channel(64);
    let _tail = spawn_tail(
        &s,
        TailRequest {
            topics: "ends".into(),
            start: StartFrom::Beginning,
            generation: 2,
            partitions: Some(vec![7]),
            until: None,
        },
        tx,
    )
    .unwrap();
    match tokio::time::timeout(WAIT, rx.recv()).await {
        Ok(Some(KafkaEvent::TailStatus { status, error, .. })) => {
            assert!(error && status.contains("has no partition 7"), "{status}")
        }
        other => panic!("{other:?}"),
    }
}

/// `:tail a,b` and `:tail /^shop\./`: records of every topic named or matched come, each with
/// its topic; a topic created later that matches joins the running tail (read from its
/// beginning, so the record that came with it is not missed), and the tail says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tail_of_several_topics_and_a_pattern_that_grows() {
    use kafka_tui::model::TopicSet;
    let b = broker(false).await;
    for (t, n) in [("shop.orders", 2), ("shop.payments", 1), ("other", 1)] {
        b.create_topic_async(t, n).await.unwrap();
    }
    let p: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", b.address().to_string())
        .create()
        .unwrap();
    let send = |topic: &'static str, v: &'static str| {
        let p = p.clone();
        async move {
            p.send(
                FutureRecord::<(), str>::to(topic).payload(v),
                Duration::from_secs(10),
            )
            .await
            .expect("delivered");
        }
    };
    for (t, v) in [
        ("shop.orders", "o1"),
        ("shop.payments", "p1"),
        ("other", "x1"),
    ] {
        send(t, v).await;
    }
    let s = settings(&b);
    let topics_of = |records: &[Record]| {
        let mut t: Vec<(String, String)> = records
            .iter()
            .map(|r| {
                let v = String::from_utf8_lossy(r.value.as_deref().unwrap()).into_owned();
                (r.topic.clone(), v)
            })
            .collect();
        t.sort();
        t
    };

    // Two named topics from the beginning: both records, and none of the third topic.
    let (tx, mut rx) = mpsc::channel(64);
    let (list, _) = TopicSet::parse("shop.orders, shop.payments").unwrap();
    let tail = spawn_tail(
        &s,
        TailRequest {
            topics: list,
            start: StartFrom::Beginning,
            generation: 1,
            ..Default::default()
        },
        tx,
    )
    .unwrap();
    let got = collect(&mut rx, 2).await;
    assert_eq!(
        topics_of(&got),
        [
            ("shop.orders".to_string(), "o1".to_string()),
            ("shop.payments".to_string(), "p1".to_string())
        ]
    );
    tail.stop();

    // A pattern from the end: the two shop topics (3 partitions), not `other`.
    let (tx, mut rx) = mpsc::channel(64);
    let (pattern, _) = TopicSet::parse(r"/^shop\./").unwrap();
    let tail = spawn_tail(
        &s,
        TailRequest {
            topics: pattern,
            start: StartFrom::End,
            generation: 2,
            ..Default::default()
        },
        tx,
    )
    .unwrap();
    let deadline = Instant::now() + WAIT;
    let started = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(KafkaEvent::TailStarted {
                partitions, topics, ..
            })) => break (partitions, topics),
            Ok(Some(KafkaEvent::TailStatus { status, .. })) => panic!("{status}"),
            Ok(Some(_)) => {}
            other => panic!("no start: {other:?}"),
        }
    };
    assert_eq!(
        started,
        (
            3,
            vec!["shop.orders".to_string(), "shop.payments".to_string()]
        )
    );
    send("other", "x2").await;
    send("shop.payments", "p2").await;
    // A topic created now, with a record at once: it joins, and its record is read.
    b.create_topic_async("shop.refunds", 1).await.unwrap();
    send("shop.refunds", "r1").await;
    let mut got = Vec::new();
    let mut joined = None;
    let deadline = Instant::now() + WAIT;
    while got.len() < 2 || joined.is_none() {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(KafkaEvent::Records { records, .. })) => got.extend(records),
            Ok(Some(KafkaEvent::TailStarted {
                partitions,
                topics,
                notice,
                ..
            })) => joined = Some((partitions, topics, notice)),
            Ok(Some(_)) => {}
            other => panic!("{other:?} with {got:?}, joined {joined:?}"),
        }
    }
    assert_eq!(
        topics_of(&got),
        [
            ("shop.payments".to_string(), "p2".to_string()),
            ("shop.refunds".to_string(), "r1".to_string())
        ]
    );
    let (partitions, topics, notice) = joined.unwrap();
    assert_eq!(partitions, 4);
    assert_eq!(topics, ["shop.orders", "shop.payments", "shop.refunds"]);
    assert_eq!(
        notice.as_deref(),
        Some("shop.refunds#0 joined (read from the beginning)")
    );
    tail.stop();
}
