//! Benchmark 5: echo latency. The whole app, headless, on the embedded broker, with the same
//! Kafka task the binary runs (`kafka::service::spawn`): a value is typed into the producer
//! pane key by key, Ctrl+S publishes it, and the time runs from Ctrl+S until the record is in
//! `app.tail.records` (what the tail pane draws from). Median over N records.
//!
//! Baseline: the same round trip with plain clients and the app's client settings
//! (`create_producer` + `create_consumer`, assigned at the end): send, then poll until seen.
//!
//! Env: KT_BENCH_ECHO (records, default 100).

mod support;

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kafka_tui::action::Action;
use kafka_tui::app::App;
use kafka_tui::event::{Event, KafkaEvent};
use kafka_tui::kafka::client::{ClientSettings, UiContext};
use kafka_tui::kafka::consumer::create_consumer;
use kafka_tui::kafka::producer::{create_producer, publish};
use kafka_tui::kafka::service;
use kafka_tui::model::Delivery;
use kafka_tui::model::ProduceRequest;
use kafka_tui::session::EVENT_QUEUE;
use kafka_tui::state::producer::ProduceStatus;
use kafka_tui::state::tail::{TailStatus, DEFAULT_MAX_BYTES, DEFAULT_MAX_RECORDS};
use kafka_tui::state::Pane;
use rdkafka::consumer::Consumer;
use rdkafka::{Message, Offset, TopicPartitionList};
use support::*;
use tokio::sync::mpsc;

const TOPIC: &str = "echo";
const PARTITIONS: i32 = 4;
const WAIT: Duration = Duration::from_secs(20);

/// Handles events until `until` holds.
async fn pump(app: &mut App, rx: &mut mpsc::Receiver<KafkaEvent>, until: impl Fn(&App) -> bool) {
    let deadline = Instant::now() + WAIT;
    while !until(app) {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            !left.is_zero(),
            "timed out; tail {:?}, producer {:?}",
            app.tail.status,
            app.producer.status
        );
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(ev)) => {
                app.handle_event(Event::Kafka(ev));
                while let Ok(ev) = rx.try_recv() {
                    app.handle_event(Event::Kafka(ev));
                }
            }
            Ok(None) => panic!("event channel closed"),
            Err(_) => {}
        }
    }
}

fn key(code: KeyCode, m: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, m))
}

async fn app_echo(settings: ClientSettings, addr: String, n: usize) -> Vec<Duration> {
    let (tx, mut rx) = mpsc::channel(EVENT_QUEUE);
    let (kafka, _task) = service::spawn(settings, tx).expect("Kafka task");
    let mut app = app_with(kafka, DEFAULT_MAX_RECORDS, DEFAULT_MAX_BYTES, &addr);
    app.size = (200, 50);
    app.pending_topic = Some(TOPIC.into());
    pump(&mut app, &mut rx, |a| {
        matches!(a.tail.status, TailStatus::Live { .. })
    })
    .await;
    app.update(Action::Focus(Pane::Producer));
    assert!(app.producer.editing);
    let mut lat = Vec::with_capacity(n);
    for i in 0..n {
        let value = format!("{{\"echo\":{i},\"typed\":\"in the producer pane\"}}");
        for c in value.chars() {
            app.handle_event(key(KeyCode::Char(c), KeyModifiers::NONE));
        }
        let t0 = Instant::now();
        app.handle_event(key(KeyCode::Char('s'), KeyModifiers::CONTROL));
        let want = value.as_bytes().to_vec();
        pump(&mut app, &mut rx, |a| {
            a.tail
                .records
                .iter()
                .rev()
                .take(8)
                .any(|r| r.value.as_deref() == Some(&want[..]))
        })
        .await;
        lat.push(t0.elapsed());
        // The delivery report clears the value for the next record.
        pump(&mut app, &mut rx, |a| {
            matches!(a.producer.status, ProduceStatus::Done(_))
                && a.producer.value.lines().concat().is_empty()
        })
        .await;
    }
    lat
}

async fn bare_echo(settings: &ClientSettings, n: usize) -> Vec<Duration> {
    let producer = create_producer(settings, UiContext::silent()).expect("producer");
    let consumer = create_consumer(settings, UiContext::silent()).expect("consumer");
    consumer
        .fetch_metadata(Some(TOPIC), Duration::from_secs(10))
        .expect("metadata");
    let mut tpl = TopicPartitionList::new();
    for p in 0..PARTITIONS {
        tpl.add_partition_offset(TOPIC, p, Offset::End).unwrap();
    }
    consumer.assign(&tpl).expect("assign");
    // Let the assignment settle (offsets resolved) before the first record.
    let settle = Instant::now();
    while settle.elapsed() < Duration::from_millis(500) {
        let _ = consumer.poll(Duration::from_millis(50));
    }
    let mut lat = Vec::with_capacity(n);
    for i in 0..n {
        let value = format!("{{\"bare\":{i}}}");
        let t0 = Instant::now();
        let req = ProduceRequest {
            topic: TOPIC.into(),
            key: None,
            value: value.clone().into_bytes(),
            headers: vec![],
            partition: None,
        };
        let d = publish(&producer, &req).await;
        assert!(
            matches!(d, Delivery::Delivered { .. }),
            "bare echo {i}: {d:?}"
        );
        loop {
            assert!(t0.elapsed() < WAIT, "bare echo {i} never came back");
            match consumer.poll(Duration::from_millis(100)) {
                Some(Ok(m)) if m.payload() == Some(value.as_bytes()) => break,
                _ => {}
            }
        }
        lat.push(t0.elapsed());
    }
    lat
}

fn main() {
    header(
        "echo",
        "Ctrl+S in the producer pane -> record in the tail buffer, embedded broker",
    );
    let n = env_usize("KT_BENCH_ECHO", 100).max(1);
    let rt = runtime();
    let broker = rt.block_on(start_broker());
    rt.block_on(broker.create_topic_async(TOPIC, PARTITIONS))
        .unwrap();
    let mut s = settings_for(&broker);
    s.embedded_admin = Some(broker.admin());
    let addr = broker.address().to_string();

    let bare = rt.block_on(bare_echo(&s, n));
    let app = rt.block_on(app_echo(s.clone(), addr, n));
    println!(
        "    app  (typed, Ctrl+S, tail buffer): median {}  p90 {}  p99 {}  max {}  (n={})",
        ms(median(&app)),
        ms(percentile(&app, 0.9)),
        ms(percentile(&app, 0.99)),
        ms(percentile(&app, 1.0)),
        app.len()
    );
    println!(
        "    bare (send, poll until seen):      median {}  p90 {}  p99 {}  max {}  (n={})",
        ms(median(&bare)),
        ms(percentile(&bare, 0.9)),
        ms(percentile(&bare, 0.99)),
        ms(percentile(&bare, 1.0)),
        bare.len()
    );
    result(
        "echo.median_ms",
        median(&app).as_secs_f64() * 1000.0,
        "ms",
        Target::AtMost(50.0),
        &format!(
            "baseline bare producer+consumer with the app's settings {} ({:.2}x)",
            ms(median(&bare)),
            median(&app).as_secs_f64() / median(&bare).as_secs_f64()
        ),
    );
    drop(broker);
    rt.shutdown_timeout(Duration::from_secs(2));
}
