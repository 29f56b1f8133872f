//! Benchmark 7: 10,000 topics on the embedded broker (1 partition each).
//!   memory     RSS of this process (which holds the broker) before and after creating 1,000
//!              topics, then 10,000;
//!   listing    `kafka::admin::fetch_topics` returning all names (the app's metadata call,
//!              sorted, converted), against the bare rdkafka `fetch_metadata(None)` and
//!              `kcat -L`;
//!   on screen  the whole path: `kafka::service::spawn` -> `KafkaEvent::Topics` -> App ->
//!              a drawn frame (200x50) listing the names;
//!   lazy       the app asks for watermarks of the rows around the selection only
//!              (`KafkaCommand::Watermarks`, see `App::request_watermarks`): counted, then
//!              fetched with `kafka::admin::watermarks`, against fetching them for every topic.
//!
//! Env: KT_BENCH_TOPICS (default 10,000), KT_BENCH_RUNS (default 5).

mod support;

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use futures::future::join_all;
use kafka_tui::event::{Event, KafkaEvent};
use kafka_tui::kafka::admin;
use kafka_tui::kafka::api::KafkaCommand;
use kafka_tui::kafka::client::UiContext;
use kafka_tui::kafka::consumer::create_consumer;
use kafka_tui::kafka::service;
use kafka_tui::session::EVENT_QUEUE;
use kafka_tui::state::tail::{DEFAULT_MAX_BYTES, DEFAULT_MAX_RECORDS};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::ClientConfig;
use support::*;
use tokio::sync::mpsc;

/// Creates `topic-{from..to}` with one partition each and returns how long it took.
///
/// librdkafka's mock thread serves topic creations (and other mock commands) late once its
/// owning client is connected: on a mock cluster whose client has produced, 100 creations one
/// after the other take 2 to 6 s (20-60 ms each). A client asking for watermarks in a loop keeps the
/// mock thread busy and the creations quick; it runs only while topics are being created.
fn create_topics(
    rt: &tokio::runtime::Runtime,
    b: &kafka_tui::kafka::embedded::mock::MockBroker,
    from: usize,
    to: usize,
) -> Duration {
    let stop = Arc::new(AtomicBool::new(false));
    let waker = {
        let stop = stop.clone();
        let addr = b.address().to_string();
        std::thread::spawn(move || {
            let c: BaseConsumer = ClientConfig::new()
                .set("bootstrap.servers", addr)
                .create()
                .expect("consumer");
            while !stop.load(Ordering::Relaxed) {
                let _ = c.fetch_watermarks(WAKE_TOPIC, 0, Duration::from_secs(1));
            }
        })
    };
    let t0 = Instant::now();
    // All commands queued at once: the broker's owner thread serves them back to back.
    let names: Vec<String> = (from..to).map(|i| format!("topic-{i:05}")).collect();
    let results = rt.block_on(join_all(names.iter().map(|n| b.create_topic_async(n, 1))));
    for r in results {
        r.expect("topic created");
    }
    let took = t0.elapsed();
    stop.store(true, Ordering::Relaxed);
    waker.join().expect("waker");
    took
}

/// A topic that exists before the benchmark's topics, for the waker to ask about.
const WAKE_TOPIC: &str = "__bench_wake";

fn main() {
    header(
        "topics_scale",
        "10,000 topics on the embedded broker: memory, listing, lazy watermarks",
    );
    let n = env_usize("KT_BENCH_TOPICS", 10_000).max(10);
    let runs = env_usize("KT_BENCH_RUNS", 5).max(1);
    let rt = runtime();
    let broker = rt.block_on(start_broker());
    let addr = broker.address();
    let mut s = settings_for(&broker);
    s.embedded_admin = Some(broker.admin());
    rt.block_on(broker.create_topic_async(WAKE_TOPIC, 1))
        .expect("topic");

    // Memory, measured on the first 1,000 (or n/10) topics first.
    let first = (n / 10).clamp(1, 1000);
    let rss0 = proc_status_bytes("VmRSS");
    let t_first = create_topics(&rt, &broker, 0, first);
    let rss1 = proc_status_bytes("VmRSS");
    let per_topic = rss1.saturating_sub(rss0) / first as u64;
    note(format!(
        "{} topics created in {}: RSS {} -> {} ({} per topic; {} projected for {})",
        thousands(first as u64),
        ms(t_first),
        mib(rss0),
        mib(rss1),
        per_topic,
        mib(per_topic * n as u64),
        thousands(n as u64)
    ));
    let t_rest = create_topics(&rt, &broker, first, n);
    let rss2 = proc_status_bytes("VmRSS");
    note(format!(
        "{} topics in all after another {}: RSS {} (broker + clients)",
        thousands(n as u64),
        ms(t_rest),
        mib(rss2)
    ));
    result(
        "topics.broker_rss_mb_per_1000_topics",
        rss2.saturating_sub(rss0) as f64 / 1e6 / (n as f64 / 1000.0),
        "MB",
        Target::None,
        &format!("baseline RSS with no topics {:.1} MB", rss0 as f64 / 1e6),
    );

    // Listing: the app's fetch_topics vs bare metadata vs kcat -L.
    let meta = create_consumer(&s, UiContext::silent()).expect("consumer");
    let bare: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", addr.to_string())
        .create()
        .expect("consumer");
    let (mut app_t, mut bare_t, mut kcat_t) = (vec![], vec![], vec![]);
    let kcat = Command::new("kcat")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    // Warm-up: connections and the first metadata request of each client.
    let _ = admin::fetch_topics(&meta, Duration::from_secs(30)).expect("topics");
    let _ = bare.fetch_metadata(None, Duration::from_secs(30));
    for _ in 0..runs {
        let t0 = Instant::now();
        let snap = admin::fetch_topics(&meta, Duration::from_secs(30)).expect("topics");
        app_t.push(t0.elapsed());
        assert_eq!(snap.topics.len(), n + 1, "all topics listed");
        let t0 = Instant::now();
        let md = bare
            .fetch_metadata(None, Duration::from_secs(30))
            .expect("metadata");
        bare_t.push(t0.elapsed());
        assert_eq!(md.topics().len(), n + 1);
        if kcat {
            let t0 = Instant::now();
            let st = Command::new("kcat")
                .args(["-L", "-b", &addr.to_string()])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("kcat");
            kcat_t.push(t0.elapsed());
            assert!(st.success());
        }
    }
    note(format!(
        "list {} names: fetch_topics median {} | bare fetch_metadata {} | kcat -L {}",
        thousands(n as u64),
        ms(median(&app_t)),
        ms(median(&bare_t)),
        if kcat {
            ms(median(&kcat_t))
        } else {
            "(kcat absent)".into()
        }
    ));
    result(
        "topics.fetch_topics_ms",
        median(&app_t).as_secs_f64() * 1000.0,
        "ms",
        Target::AtMost(1000.0),
        &format!(
            "baseline bare rdkafka fetch_metadata {} ({:.2}x){}",
            ms(median(&bare_t)),
            median(&app_t).as_secs_f64() / median(&bare_t).as_secs_f64(),
            if kcat {
                format!(", kcat -L {}", ms(median(&kcat_t)))
            } else {
                String::new()
            }
        ),
    );

    // On screen: the Kafka task's first refresh to a drawn frame listing the names.
    let mut on_screen = vec![];
    for _ in 0..runs.min(3) {
        let t0 = Instant::now();
        let shown = rt.block_on(async {
            let (tx, mut rx) = mpsc::channel(EVENT_QUEUE);
            let (kafka, task) = service::spawn(s.clone(), tx).expect("Kafka task");
            let mut app = app_with(kafka, DEFAULT_MAX_RECORDS, DEFAULT_MAX_BYTES, "x");
            app.size = (200, 50);
            let mut term = Terminal::new(TestBackend::new(200, 50)).unwrap();
            loop {
                match tokio::time::timeout(Duration::from_secs(30), rx.recv()).await {
                    Ok(Some(ev @ KafkaEvent::Topics(_))) => {
                        app.handle_event(Event::Kafka(ev));
                        break;
                    }
                    Ok(Some(ev)) => {
                        app.handle_event(Event::Kafka(ev));
                    }
                    other => panic!("no topic listing: {other:?}"),
                }
            }
            app.now = SystemTime::now();
            term.draw(|f| kafka_tui::ui::draw(f, &app)).unwrap();
            let took = t0.elapsed();
            let screen: String = term
                .backend()
                .buffer()
                .content()
                .iter()
                .map(|c| c.symbol())
                .collect();
            assert!(screen.contains("topic-00000"), "names on screen");
            task.abort();
            took
        });
        on_screen.push(shown);
    }
    result(
        "topics.names_on_screen_ms",
        median(&on_screen).as_secs_f64() * 1000.0,
        "ms",
        Target::AtMost(1000.0),
        &format!(
            "Kafka task start -> listing -> frame drawn; baseline bare fetch_metadata {}",
            ms(median(&bare_t))
        ),
    );

    // Lazy watermarks: what the App asks for after the listing, and what that costs.
    let (mut app, mut cmds) = headless_app(DEFAULT_MAX_RECORDS, DEFAULT_MAX_BYTES);
    app.size = (200, 50);
    let snap = admin::fetch_topics(&meta, Duration::from_secs(30)).expect("topics");
    app.handle_event(Event::Kafka(KafkaEvent::Topics(Ok(snap))));
    let mut asked: Vec<(String, Vec<i32>)> = Vec::new();
    while let Ok(c) = cmds.try_recv() {
        if let KafkaCommand::Watermarks(t) = c {
            asked.extend(t);
        }
    }
    let t0 = Instant::now();
    let marks = admin::watermarks(&meta, &asked);
    let t_visible = t0.elapsed();
    assert_eq!(marks.len(), asked.len());
    // Every topic, for comparison: measured on 1,000 and scaled.
    let sample: Vec<(String, Vec<i32>)> = (0..first)
        .map(|i| (format!("topic-{i:05}"), vec![0]))
        .collect();
    let t0 = Instant::now();
    let _ = admin::watermarks(&meta, &sample);
    let t_sample = t0.elapsed();
    let t_all = t_sample.as_secs_f64() * n as f64 / first as f64;
    note(format!(
        "after the listing the App asked watermarks for {} of {} topics (rows around the selection); fetched in {}; all {} would take ~{:.1} s (measured {} for {})",
        asked.len(),
        thousands(n as u64),
        ms(t_visible),
        thousands(n as u64),
        t_all,
        ms(t_sample),
        thousands(first as u64)
    ));
    result(
        "topics.watermarks_asked",
        asked.len() as f64,
        "topics",
        Target::AtMost(120.0),
        &format!(
            "of {} listed; baseline: every topic ({}) would take ~{:.1} s",
            thousands(n as u64),
            thousands(n as u64),
            t_all
        ),
    );
    drop(meta);
    drop(broker);
    rt.shutdown_timeout(Duration::from_secs(2));
}
