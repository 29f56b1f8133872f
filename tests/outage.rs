//! Broker outages (issue 6, points 1 and 2), on the embedded broker with librdkafka's fault
//! injection (`MockBroker::set_up(false)` drops every connection and refuses new ones until
//! `set_up(true)`):
//!
//! - a tail loses nothing and repeats nothing across an outage;
//! - the app learns of the outage within a bound, stays responsive, and recovers by itself;
//! - every record produced across an outage is either delivered or visibly failed.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kafka_tui::action::Action;
use kafka_tui::app::{App, ClusterView, Connection};
use kafka_tui::event::{Event, KafkaEvent};
use kafka_tui::kafka::api::TailRequest;
use kafka_tui::kafka::api::{KafkaCommand, KafkaHandle};
use kafka_tui::kafka::client::{ClientSettings, UiContext};
use kafka_tui::kafka::embedded::mock::{MockBroker, MockOptions};
use kafka_tui::kafka::producer::{create_producer, publish, DELIVERY_TIMEOUT};
use kafka_tui::kafka::service::{self, REFRESH_EVERY};
use kafka_tui::kafka::tail::spawn_tail;
use kafka_tui::model::ProduceRequest;
use kafka_tui::model::StartFrom;
use kafka_tui::model::{Delivery, Record};
use kafka_tui::state::logs::LogsState;
use kafka_tui::state::producer::{Field, ProduceStatus};
use kafka_tui::state::tail::{TailState, TailStatus};
use kafka_tui::state::Pane;
use kafka_tui::theme::Theme;
use kafka_tui::ui;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// How long anything may take when the broker is up.
const WAIT: Duration = Duration::from_secs(30);
/// How long the broker stays down in the "short outage" tests.
const OUTAGE: Duration = Duration::from_secs(3);
/// The app must notice an outage within this: one background refresh interval plus the
/// metadata timeout of that refresh (5 s), plus slack for a loaded CI machine.
const DETECT: Duration = Duration::from_secs(REFRESH_EVERY.as_secs() + 5 + 3);
/// What "within a few seconds" should mean for the header (issue 6, point 1).
const PROMPTLY: Duration = Duration::from_secs(5);

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

async fn broker() -> MockBroker {
    MockBroker::start(MockOptions::loopback())
        .await
        .expect("embedded broker starts")
}

/// Client settings for the embedded broker, with extra librdkafka properties (applied last).
fn settings(b: &MockBroker, properties: &[(&str, &str)]) -> ClientSettings {
    let mut s = ClientSettings::new(b.address().to_string());
    s.embedded = true;
    s.embedded_admin = Some(b.admin());
    s.properties = properties
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    s
}

fn request(topic: &str, value: &str) -> ProduceRequest {
    ProduceRequest {
        topic: topic.into(),
        key: Some(value.as_bytes().to_vec()),
        value: value.as_bytes().to_vec(),
        headers: vec![],
        partition: None,
    }
}

async fn down(b: &MockBroker) {
    b.set_up(false).await.expect("broker goes down");
}

async fn up(b: &MockBroker) {
    b.set_up(true).await.expect("broker comes back");
}

/// Waits for the tail's `TailStarted` (failing on a tail error or after `WAIT`).
async fn wait_started(rx: &mut mpsc::Receiver<KafkaEvent>) {
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(KafkaEvent::TailStarted { .. })) => return,
            Ok(Some(_)) => {}
            other => panic!("tail did not start: {other:?}"),
        }
    }
}

/// What a running tail sent: its records and its status lines.
#[derive(Default)]
struct Collected {
    records: Vec<Record>,
    statuses: Vec<String>,
}

/// Drains a tail's events into `Collected` in the background.
fn collect(mut rx: mpsc::Receiver<KafkaEvent>) -> Arc<Mutex<Collected>> {
    let out = Arc::new(Mutex::new(Collected::default()));
    let sink = out.clone();
    tokio::spawn(async move {
        while let Some(ev) = rx.recv().await {
            let mut c = sink.lock().unwrap();
            match ev {
                KafkaEvent::Records { records, .. } => c.records.extend(records),
                KafkaEvent::TailStatus { status, .. } => c.statuses.push(status),
                _ => {}
            }
        }
    });
    out
}

/// Publishes `values` one at a time, each awaited.
async fn produce_each(
    p: &kafka_tui::kafka::producer::Producer,
    topic: &str,
    values: &[String],
) -> Vec<Delivery> {
    let mut out = Vec::new();
    for v in values {
        out.push(publish(p, &request(topic, v)).await);
    }
    out
}

fn values(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}-{i}")).collect()
}

/// The app on the real Kafka task, and the events that feed it, like `session::start` builds it.
struct Harness {
    app: App,
    rx: mpsc::Receiver<KafkaEvent>,
    _task: JoinHandle<()>,
}

impl Harness {
    fn new(b: &MockBroker, properties: &[(&str, &str)]) -> Harness {
        let (tx, rx) = mpsc::channel(256);
        let (kafka, task) = service::spawn(settings(b, properties), tx).expect("Kafka clients");
        let cluster = ClusterView {
            label: "embedded broker".into(),
            address: b.address().to_string(),
            embedded: Some((b.engine().into(), b.capabilities())),
            connection: Connection::Connecting,
            last_error: None,
        };
        let app = App::new(
            kafka,
            cluster,
            LogsState::new(vec![], 10),
            TailState::new(10_000, 64 << 20),
            Theme::builtin("dark"),
        );
        Harness {
            app,
            rx,
            _task: task,
        }
    }

    /// Feeds events to the app until `pred` holds; returns how long that took. Fails after
    /// `timeout`, showing the app's state.
    async fn until(
        &mut self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&App) -> bool,
    ) -> Duration {
        let start = Instant::now();
        let deadline = start + timeout;
        while !pred(&self.app) {
            let now = Instant::now();
            assert!(
                now < deadline,
                "timed out after {timeout:?} waiting for {what}; connection {:?}, last error {:?}, tail {:?}, producer {:?}",
                self.app.cluster.connection,
                self.app.cluster.last_error,
                self.app.tail.status,
                self.app.producer.status
            );
            let slice = (deadline - now).min(Duration::from_millis(100));
            if let Ok(Some(ev)) = tokio::time::timeout(slice, self.rx.recv()).await {
                self.app.handle_event(Event::Kafka(ev));
            }
        }
        start.elapsed()
    }

    fn key(&mut self, code: KeyCode, modifiers: KeyModifiers) {
        self.app
            .handle_event(Event::Key(KeyEvent::new(code, modifiers)));
    }

    /// Types `value` into the producer's value field (replacing it) and presses Ctrl+S.
    fn publish(&mut self, value: &str) {
        self.app.update(Action::Focus(Pane::Producer));
        self.app.producer.set_text(Field::Value, "");
        for c in value.chars() {
            self.key(KeyCode::Char(c), KeyModifiers::NONE);
        }
        self.key(KeyCode::Char('s'), KeyModifiers::CONTROL);
    }

    /// The screen as text at 120x36.
    fn screen(&mut self) -> String {
        self.app.handle_event(Event::Resize(120, 36));
        let mut term = Terminal::new(TestBackend::new(120, 36)).unwrap();
        term.draw(|f| ui::draw(f, &self.app)).unwrap();
        let buffer = term.backend().buffer();
        (0..36)
            .map(|y| {
                (0..120)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// How many records in the app's tail hold `value`.
fn held(app: &App, value: &str) -> usize {
    app.tail
        .records
        .iter()
        .filter(|r| r.value.as_deref() == Some(value.as_bytes()))
        .count()
}

fn connected(app: &App) -> bool {
    matches!(app.cluster.connection, Connection::Connected { .. })
}

fn knows_of_outage(app: &App) -> bool {
    matches!(app.cluster.connection, Connection::Unreachable(_)) || app.cluster.last_error.is_some()
}

// ---------------------------------------------------------------------------------------------
// Point 1: tailing across an outage
// ---------------------------------------------------------------------------------------------

/// Records produced before, during (queued by a producer whose `message.timeout.ms` outlives the
/// outage) and after an outage all reach the tail, each offset exactly once, none skipped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tail_sees_every_offset_exactly_once_across_an_outage() {
    const TOPIC: &str = "outage-tail";
    let b = broker().await;
    b.create_topic_async(TOPIC, 2).await.unwrap();
    let (tx, mut rx) = mpsc::channel(1024);
    let req = TailRequest {
        topics: TOPIC.into(),
        start: StartFrom::Beginning,
        generation: 1,
        ..Default::default()
    };
    let tail = spawn_tail(&settings(&b, &[]), req, tx).unwrap();
    wait_started(&mut rx).await;
    let collected = collect(rx);
    let producer = create_producer(
        &settings(&b, &[("message.timeout.ms", "60000")]),
        UiContext::silent(),
    )
    .unwrap();
    let producer = Arc::new(producer);

    let mut deliveries = produce_each(&producer, TOPIC, &values("before", 10)).await;
    down(&b).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let during: Vec<JoinHandle<Delivery>> = values("during", 10)
        .into_iter()
        .map(|v| {
            let p = producer.clone();
            tokio::spawn(async move { publish(&p, &request(TOPIC, &v)).await })
        })
        .collect();
    tokio::time::sleep(OUTAGE).await;
    up(&b).await;
    for h in during {
        deliveries.push(h.await.unwrap());
    }
    deliveries.extend(produce_each(&producer, TOPIC, &values("after", 10)).await);

    // Every record was delivered: (partition, offset) -> the value sent there.
    let sent = ["before", "during", "after"]
        .iter()
        .flat_map(|p| values(p, 10));
    let mut produced = BTreeMap::new();
    for (d, value) in deliveries.iter().zip(sent) {
        match d {
            Delivery::Delivered {
                partition, offset, ..
            } => {
                produced.insert((*partition, *offset), value);
            }
            Delivery::Failed { error, .. } | Delivery::Unknown { error, .. } => {
                panic!("{value} was not delivered: {error}")
            }
        }
    }
    assert_eq!(produced.len(), 30, "30 distinct offsets: {deliveries:?}");

    // Wait for all of them in the tail, then a little longer to catch duplicates.
    let deadline = Instant::now() + WAIT;
    loop {
        let seen = collected.lock().unwrap().records.len();
        if seen >= produced.len() || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    tail.stop();

    let c = collected.lock().unwrap();
    let mut seen: BTreeMap<(i32, i64), usize> = BTreeMap::new();
    for r in &c.records {
        *seen.entry((r.partition, r.offset)).or_default() += 1;
    }
    let missing: Vec<_> = produced.keys().filter(|k| !seen.contains_key(k)).collect();
    let repeated: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        missing.is_empty() && repeated.is_empty(),
        "missing {missing:?}, repeated {repeated:?}; tail statuses {:?}",
        c.statuses
    );
    // Nothing skipped: per partition the tail holds offsets 0..n without a gap.
    for p in 0..2 {
        let offsets: Vec<i64> = seen
            .keys()
            .filter(|(q, _)| *q == p)
            .map(|(_, o)| *o)
            .collect();
        let expected: Vec<i64> = (0..offsets.len() as i64).collect();
        assert_eq!(offsets, expected, "partition {p} has a gap");
    }
    // Each offset holds the value that was sent there.
    for r in &c.records {
        let value = String::from_utf8_lossy(r.value.as_deref().unwrap_or_default());
        let want = produced
            .get(&(r.partition, r.offset))
            .unwrap_or_else(|| panic!("{}/{} was never produced: {value}", r.partition, r.offset));
        assert_eq!(&value, want, "at {}/{}", r.partition, r.offset);
    }
}

/// The app, on the real Kafka task: it notices the outage within `DETECT` and says so in the
/// header, stays responsive, reconnects by itself, and its tail goes on from where it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_notices_the_outage_stays_responsive_and_recovers() {
    const TOPIC: &str = "outage-app";
    let b = broker().await;
    b.create_topic_async(TOPIC, 1).await.unwrap();
    let mut h = Harness::new(&b, &[]);
    h.app.pending_topic = Some(TOPIC.into());
    h.until("the first topic listing", WAIT, connected).await;
    h.until("the tail", WAIT, |a| {
        matches!(a.tail.status, TailStatus::Live { .. })
    })
    .await;
    h.publish("before the outage");
    h.until("the first record in the tail", WAIT, |a| {
        held(a, "before the outage") > 0
    })
    .await;

    down(&b).await;
    let noticed = h
        .until("the app to notice the outage", DETECT, knows_of_outage)
        .await;
    eprintln!("outage noticed after {noticed:?}");
    let screen = h.screen();
    let header = screen.lines().next().unwrap();
    assert!(
        header.contains("retrying"),
        "the header says it retries: {header}"
    );

    // Responsive: keys act at once while the cluster is away, and a frame is cheap.
    let t = Instant::now();
    h.app.update(Action::Back); // leave the producer's editor, as a person would with Esc
    h.key(KeyCode::Char('2'), KeyModifiers::NONE);
    assert_eq!(h.app.focus, Pane::Tail);
    h.screen();
    assert!(
        t.elapsed() < Duration::from_millis(500),
        "a key and a frame took {:?}",
        t.elapsed()
    );

    up(&b).await;
    let back = h.until("the app to reconnect", DETECT, connected).await;
    eprintln!("reconnected after {back:?}");
    assert_eq!(h.app.cluster.last_error, None, "the old error is cleared");

    // The tail goes on: a record published after the outage arrives, and the first one is
    // still there exactly once.
    h.app.update(Action::Focus(Pane::Producer));
    h.publish("after the outage");
    h.until("the record published after the outage", WAIT, |a| {
        held(a, "after the outage") > 0
    })
    .await;
    assert_eq!(
        held(&h.app, "before the outage"),
        1,
        "the record from before the outage is held once"
    );
}

/// The header should say "disconnected" within a few seconds, not only after the next metadata
/// refresh has timed out (up to `REFRESH_EVERY` + 5 s, about 10 s, today).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_says_disconnected_within_a_few_seconds() {
    let b = broker().await;
    let mut h = Harness::new(&b, &[]);
    h.until("the first topic listing", WAIT, connected).await;
    down(&b).await;
    let noticed = h
        .until("the app to notice the outage", DETECT, knows_of_outage)
        .await;
    up(&b).await;
    assert!(
        noticed <= PROMPTLY,
        "the outage was noticed after {noticed:?}"
    );
}

/// After an outage the tail pane must not keep saying the consumer failed once records flow
/// again: a problem reported during the outage is cleared when the tail recovers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tail_status_recovers_after_the_outage() {
    const TOPIC: &str = "outage-status";
    let b = broker().await;
    b.create_topic_async(TOPIC, 1).await.unwrap();
    let mut h = Harness::new(&b, &[]);
    h.app.pending_topic = Some(TOPIC.into());
    h.until("the tail", WAIT, |a| {
        matches!(a.tail.status, TailStatus::Live { .. })
    })
    .await;
    down(&b).await;
    h.until("the app to notice the outage", DETECT, knows_of_outage)
        .await;
    tokio::time::sleep(OUTAGE).await;
    up(&b).await;
    h.until("the app to reconnect", DETECT, connected).await;
    h.publish("after");
    h.until("the record after the outage", WAIT, |a| {
        held(a, "after") > 0
    })
    .await;
    assert!(
        matches!(h.app.tail.status, TailStatus::Live { .. }),
        "records flow again but the tail says {:?}",
        h.app.tail.status
    );
}

// ---------------------------------------------------------------------------------------------
// Point 2: producing across an outage
// ---------------------------------------------------------------------------------------------

/// Sends `n` produce commands through the service, spread before, during and after an outage
/// of `outage`, and returns every delivery report that came back within the deadline.
async fn produce_across_outage(
    properties: &[(&str, &str)],
    outage: Duration,
    n: usize,
) -> Vec<Delivery> {
    const TOPIC: &str = "outage-produce";
    let b = broker().await;
    b.create_topic_async(TOPIC, 3).await.unwrap();
    let (tx, mut rx) = mpsc::channel(1024);
    let (kafka, _task): (KafkaHandle, _) = service::spawn(settings(&b, properties), tx).unwrap();
    let third = n / 3;
    let send = |from: usize, to: usize| {
        for i in from..to {
            kafka.send(KafkaCommand::Produce(request(
                TOPIC,
                &format!("record-{i}"),
            )));
        }
    };
    let mut reports = Vec::new();
    send(0, third);
    // The first third is delivered before the outage (not "within a fixed sleep", which a
    // loaded machine may miss while the clients still bootstrap).
    collect_deliveries(&mut rx, &mut reports, third, WAIT).await;
    down(&b).await;
    send(third, 2 * third);
    tokio::time::sleep(outage).await;
    up(&b).await;
    send(2 * third, n);

    collect_deliveries(&mut rx, &mut reports, n, DELIVERY_TIMEOUT + WAIT).await;
    // Anything more would be a report for a record never sent, or a duplicate.
    tokio::time::sleep(Duration::from_millis(500)).await;
    while let Ok(ev) = rx.try_recv() {
        if let KafkaEvent::Delivery(d) = ev {
            reports.push(d);
        }
    }
    reports
}

/// Adds delivery reports to `reports` until it holds `until` of them or `wait` has passed.
async fn collect_deliveries(
    rx: &mut mpsc::Receiver<KafkaEvent>,
    reports: &mut Vec<Delivery>,
    until: usize,
    wait: Duration,
) {
    let deadline = Instant::now() + wait;
    while reports.len() < until {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(KafkaEvent::Delivery(d))) => reports.push(d),
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => break,
        }
    }
}

/// Checks Delivered + not delivered == n, failures carry an error, and no offset is reported
/// twice. Unknown (timed out in flight, possibly persisted) counts with the failures: it is
/// reported to the user as not known to be delivered, never as delivered.
fn check_reports(reports: &[Delivery], n: usize) -> (usize, usize) {
    let delivered: Vec<(i32, i64)> = reports
        .iter()
        .filter_map(|d| match d {
            Delivery::Delivered {
                partition, offset, ..
            } => Some((*partition, *offset)),
            _ => None,
        })
        .collect();
    let failed: Vec<&str> = reports
        .iter()
        .filter_map(|d| match d {
            Delivery::Failed { error, .. } | Delivery::Unknown { error, .. } => {
                Some(error.as_str())
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        delivered.len() + failed.len(),
        n,
        "{} delivered + {} failed != {n} sent: {reports:?}",
        delivered.len(),
        failed.len()
    );
    assert!(
        failed.iter().all(|e| !e.trim().is_empty()),
        "a failure without its error: {failed:?}"
    );
    let mut unique = delivered.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        delivered.len(),
        "an offset reported twice: {delivered:?}"
    );
    (delivered.len(), failed.len())
}

/// A short outage (well under the delivery timeout): every record is delivered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_produced_across_a_short_outage_are_all_delivered() {
    let n = 30;
    let reports = produce_across_outage(&[], OUTAGE, n).await;
    let (delivered, _) = check_reports(&reports, n);
    assert_eq!(delivered, n, "{reports:?}");
}

/// An outage longer than the delivery timeout: records sent during it fail, visibly, with the
/// broker's error; the others are delivered; none vanishes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_produced_across_a_long_outage_are_delivered_or_visibly_failed() {
    let n = 30;
    let reports =
        produce_across_outage(&[("message.timeout.ms", "2000")], Duration::from_secs(5), n).await;
    let (delivered, failed) = check_reports(&reports, n);
    assert!(
        failed >= n / 3,
        "the records sent during the outage failed visibly: {reports:?}"
    );
    assert!(
        delivered >= n / 3,
        "the records sent before and after were delivered: {reports:?}"
    );
}

/// Through the app: a record typed and sent during a short outage is delivered when the broker
/// returns and shows up in the tail; one sent during an outage that outlasts the delivery
/// timeout is reported as failed (or, if it was in flight, as of unknown outcome), with the error,
/// and what was typed stays in the editor.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_publish_during_an_outage_is_delivered_later_or_kept_with_the_error() {
    const TOPIC: &str = "outage-typed";
    let b = broker().await;
    b.create_topic_async(TOPIC, 1).await.unwrap();
    let mut h = Harness::new(&b, &[("message.timeout.ms", "8000")]);
    h.app.pending_topic = Some(TOPIC.into());
    h.until("the tail", WAIT, |a| {
        matches!(a.tail.status, TailStatus::Live { .. })
    })
    .await;

    down(&b).await;
    h.publish("typed during a short outage");
    tokio::time::sleep(Duration::from_secs(1)).await;
    up(&b).await;
    h.until("the delivery", WAIT, |a| {
        matches!(a.producer.status, ProduceStatus::Done(_))
    })
    .await;
    assert!(
        matches!(
            h.app.producer.status,
            ProduceStatus::Done(Delivery::Delivered { .. })
        ),
        "{:?}",
        h.app.producer.status
    );
    h.until("the record in the tail", WAIT, |a| {
        held(a, "typed during a short outage") > 0
    })
    .await;

    down(&b).await;
    h.publish("typed during a long outage");
    h.until("the failure report", WAIT, |a| {
        matches!(a.producer.status, ProduceStatus::Done(_))
    })
    .await;
    // Failed when the request never left; Unknown when librdkafka had it in flight as the
    // broker went down (MessageTimedOut, possibly persisted). Both are honest; never Delivered.
    let (error, said) = match &h.app.producer.status {
        ProduceStatus::Done(Delivery::Failed { error, .. }) => (error, "not delivered"),
        ProduceStatus::Done(Delivery::Unknown { error, .. }) => (error, "outcome unknown"),
        other => panic!("expected a failure or an unknown outcome, got {other:?}"),
    };
    assert!(!error.is_empty());
    assert_eq!(
        h.app.producer.value.lines().join("\n"),
        "typed during a long outage",
        "the text is kept for a resend"
    );
    let screen = h.screen();
    assert!(
        screen.contains(said),
        "the report ({said}) is on screen:\n{screen}"
    );
    up(&b).await;
}

/// Two records typed and sent one after the other during an outage, both failing: the screen
/// counts them as unsent, and once the broker is back each can be restored (Ctrl+R) and
/// resent, and then appears in the tail exactly once. Nothing typed is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_failed_record_can_be_restored_and_resent() {
    const TOPIC: &str = "outage-two";
    const TYPED: [&str; 2] = ["first-record-typed", "second-record-typed"];
    let b = broker().await;
    b.create_topic_async(TOPIC, 1).await.unwrap();
    // Long enough that a resend outlives the producer's own reconnect backoff (up to 2 s after
    // the broker is back), short enough that the failures during the outage come soon.
    let mut h = Harness::new(&b, &[("message.timeout.ms", "5000")]);
    h.app.pending_topic = Some(TOPIC.into());
    h.until("the tail", WAIT, |a| {
        matches!(a.tail.status, TailStatus::Live { .. })
    })
    .await;
    down(&b).await;
    for typed in TYPED {
        h.publish(typed);
    }
    h.until("both failures", WAIT, |a| a.producer.unsent.len() == 2)
        .await;
    let screen = h.screen();
    assert!(
        screen.contains("2 unsent"),
        "the failures are counted on screen:\n{screen}"
    );
    up(&b).await;
    h.until("the app to reconnect", DETECT, connected).await;
    // The failures may come back in either order: restore both, whichever comes first.
    let mut restored = Vec::new();
    for _ in TYPED {
        h.key(KeyCode::Char('r'), KeyModifiers::CONTROL);
        let value = h.app.producer.value.lines().join("\n");
        assert!(
            TYPED.contains(&value.as_str()) && !restored.contains(&value),
            "Ctrl+R restored {value:?} after {restored:?}"
        );
        h.key(KeyCode::Char('s'), KeyModifiers::CONTROL);
        h.until("the resent record in the tail", WAIT, |a| {
            held(a, &value) > 0
        })
        .await;
        restored.push(value);
    }
    assert!(h.app.producer.unsent.is_empty());
    for typed in TYPED {
        assert_eq!(held(&h.app, typed), 1, "{typed:?} is in the tail once");
    }
}
