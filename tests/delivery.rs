//! Issue 14.4: an unknown outcome is not a failure. The producer is idempotent where the
//! cluster allows it; a record that timed out in flight (the broker hung, then wrote it) is
//! reported as "outcome unknown", not as "not delivered", and is not offered for a resend
//! that would duplicate it. A cluster that refuses idempotence gets a plain producer instead.

use std::time::{Duration, Instant};

use kafka_tui::event::KafkaEvent;
use kafka_tui::kafka::api::{KafkaCommand, KafkaHandle};
use kafka_tui::kafka::client::ClientSettings;
use kafka_tui::kafka::service;
use kafka_tui::model::Delivery;
use kafka_tui::model::ProduceRequest;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::mocking::MockCluster;
use rdkafka::types::RDKafkaApiKey;
use rdkafka::{ClientConfig, Message};
use tokio::sync::mpsc;

const TOPIC: &str = "payments";
const WAIT: Duration = Duration::from_secs(20);

fn settings(
    cluster: &MockCluster<'_, rdkafka::producer::DefaultProducerContext>,
) -> ClientSettings {
    let mut s = ClientSettings::new(cluster.bootstrap_servers());
    s.properties = vec![("message.timeout.ms".into(), "2000".into())];
    s
}

fn request(value: &str) -> ProduceRequest {
    ProduceRequest {
        topic: TOPIC.into(),
        key: None,
        value: value.as_bytes().to_vec(),
        headers: vec![],
        partition: None,
    }
}

/// The next delivery report, and whether the record was handed back for a resend.
async fn next_delivery(rx: &mut mpsc::Receiver<KafkaEvent>) -> (Delivery, bool) {
    let deadline = Instant::now() + WAIT;
    let mut delivery = None;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        // After the report, a moment for an `Unsent` that would follow it.
        let left = if delivery.is_some() {
            left.min(Duration::from_millis(300))
        } else {
            left
        };
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(KafkaEvent::Delivery(d))) => delivery = Some(d),
            Ok(Some(KafkaEvent::Unsent(_))) => {
                return (delivery.expect("a report before the record"), true)
            }
            Ok(Some(_)) => {}
            _ => return (delivery.expect("a delivery report in time"), false),
        }
    }
}

/// The values in `topic`, read from the start until `n` are there or the wait is over.
fn values_in(bootstrap: &str, n: usize) -> Vec<String> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", "delivery-check")
        .set("auto.offset.reset", "earliest")
        .create()
        .unwrap();
    consumer.subscribe(&[TOPIC]).unwrap();
    let deadline = Instant::now() + WAIT;
    let mut out = Vec::new();
    while out.len() < n && Instant::now() < deadline {
        if let Some(Ok(m)) = consumer.poll(Duration::from_millis(200)) {
            out.push(String::from_utf8_lossy(m.payload().unwrap_or_default()).into_owned());
        }
    }
    // Anything more (a duplicate) arrives within another moment.
    let more = Instant::now() + Duration::from_secs(2);
    while Instant::now() < more {
        if let Some(Ok(m)) = consumer.poll(Duration::from_millis(200)) {
            out.push(String::from_utf8_lossy(m.payload().unwrap_or_default()).into_owned());
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_that_timed_out_in_flight_is_reported_unknown_and_not_offered_for_resend() {
    let cluster = MockCluster::new(1).unwrap();
    cluster.create_topic(TOPIC, 1, 1).unwrap();
    let (tx, mut rx) = mpsc::channel(1024);
    let (kafka, _task): (KafkaHandle, _) = service::spawn(settings(&cluster), tx).unwrap();

    kafka.send(KafkaCommand::Produce(request("before")));
    let (d, _) = next_delivery(&mut rx).await;
    assert!(matches!(d, Delivery::Delivered { .. }), "{d:?}");

    // The broker hangs: it takes the request but answers after the 2 s message timeout.
    cluster
        .broker_round_trip_time(1, Duration::from_secs(6))
        .unwrap();
    kafka.send(KafkaCommand::Produce(request("in-flight")));
    let (d, handed_back) = next_delivery(&mut rx).await;
    assert!(
        matches!(&d, Delivery::Unknown { topic, error } if topic == TOPIC && !error.is_empty()),
        "a timeout in flight is an unknown outcome, not a failure: {d:?}"
    );
    assert!(
        !handed_back,
        "an unknown outcome must not be queued for a resend"
    );
    cluster.broker_round_trip_time(1, Duration::ZERO).unwrap();

    // It was written, once: "not delivered" would have been wrong, a resend a duplicate.
    let values = values_in(&cluster.bootstrap_servers(), 2);
    assert_eq!(values, vec!["before", "in-flight"]);
}

/// A record refused before it left (the broker is down for longer than the timeout) was not
/// written: it is "not delivered" and handed back for a resend, which is safe.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_that_never_left_is_not_delivered_and_handed_back() {
    let cluster = MockCluster::new(1).unwrap();
    cluster.create_topic(TOPIC, 1, 1).unwrap();
    let (tx, mut rx) = mpsc::channel(1024);
    let (kafka, _task): (KafkaHandle, _) = service::spawn(settings(&cluster), tx).unwrap();
    kafka.send(KafkaCommand::Produce(request("before")));
    assert!(matches!(
        next_delivery(&mut rx).await.0,
        Delivery::Delivered { .. }
    ));
    cluster.broker_down(1).unwrap();
    kafka.send(KafkaCommand::Produce(request("never")));
    let (d, handed_back) = next_delivery(&mut rx).await;
    assert!(matches!(d, Delivery::Failed { .. }), "{d:?}");
    assert!(handed_back, "the record comes back to be resent");
}

/// A cluster without idempotent producing (InitProducerId disabled): the first record fails
/// and says why, and kafka-tui goes on without idempotence; the next record is delivered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_that_refuses_idempotence_gets_a_plain_producer() {
    let cluster = MockCluster::new(1).unwrap();
    cluster.create_topic(TOPIC, 1, 1).unwrap();
    cluster
        .apiversion(RDKafkaApiKey::InitProducerId, None, None)
        .unwrap();
    let (tx, mut rx) = mpsc::channel(1024);
    let (kafka, _task): (KafkaHandle, _) = service::spawn(settings(&cluster), tx).unwrap();
    kafka.send(KafkaCommand::Produce(request("first")));
    let (d, _) = next_delivery(&mut rx).await;
    match &d {
        Delivery::Failed { error, .. } => {
            assert!(
                error.contains("without it"),
                "the report says what changed: {error}"
            )
        }
        other => panic!("the first record fails visibly: {other:?}"),
    }
    kafka.send(KafkaCommand::Produce(request("second")));
    let (d, _) = next_delivery(&mut rx).await;
    assert!(matches!(d, Delivery::Delivered { .. }), "{d:?}");
}
