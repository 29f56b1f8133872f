//! Benchmark 3: rendering. One frame at 200x50 with `kafka_tui::ui::draw` on ratatui's
//! `TestBackend` (the real widgets, the real `Terminal::draw` with its buffer diff), with an
//! App holding 10,000 records and 10,000 topics, against the baseline of an empty App's frame.
//! Then scrolling (Down) and filtering (typing into the `/` prompt) the 10,000-topic list,
//! timed per step: the key handled by `App::handle_event`, then the frame drawn.
//!
//! Env: KT_BENCH_FRAMES (frames per scenario, default 2,000), KT_BENCH_STEPS (scroll steps,
//! default 2,000), KT_BENCH_TOPICS (default 10,000), KT_BENCH_TAIL_RECORDS (default 10,000).

mod support;

use std::time::{Duration, Instant, SystemTime};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kafka_tui::action::Action;
use kafka_tui::app::App;
use kafka_tui::event::{Event, KafkaEvent};
use kafka_tui::kafka::api::KafkaCommand;
use kafka_tui::model::StartFrom;
use kafka_tui::model::{ClusterSnapshot, PartitionInfo, TopicInfo};
use kafka_tui::state::tail::{DEFAULT_MAX_BYTES, DEFAULT_MAX_RECORDS};
use kafka_tui::state::Pane;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use support::*;
use tokio::sync::mpsc::UnboundedReceiver;

const W: u16 = 200;
const H: u16 = 50;

fn topics(n: usize) -> Vec<TopicInfo> {
    let families = [
        "orders",
        "payments",
        "user-events",
        "inventory",
        "clickstream",
        "audit-log",
        "shipments",
        "notifications",
    ];
    let mut v: Vec<TopicInfo> = (0..n)
        .map(|i| {
            let parts = [1, 3, 6, 12][i % 4];
            TopicInfo {
                name: format!("{}.{:05}.v{}", families[i % families.len()], i, i % 3 + 1),
                partitions: (0..parts)
                    .map(|id| PartitionInfo {
                        id,
                        leader: 1,
                        // Some rows have counts, some are still "…", as when fetched lazily.
                        watermarks: (i % 5 != 0).then_some((0, (i * 37 + id as usize) as i64)),
                        under_replicated: false,
                    })
                    .collect(),
                error: None,
            }
        })
        .collect();
    v.push(TopicInfo {
        name: "__consumer_offsets".into(),
        partitions: vec![],
        error: None,
    });
    v.sort_by(|a, b| a.name.cmp(&b.name));
    v
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn drain(rx: &mut UnboundedReceiver<KafkaCommand>) -> usize {
    let mut n = 0;
    while rx.try_recv().is_ok() {
        n += 1;
    }
    n
}

/// An App with `n_topics` topics listed and `n_records` records in the tail.
fn loaded_app(n_topics: usize, n_records: u64) -> (App, UnboundedReceiver<KafkaCommand>) {
    let (mut app, mut rx) = headless_app(DEFAULT_MAX_RECORDS, DEFAULT_MAX_BYTES);
    app.size = (W, H);
    app.handle_event(Event::Kafka(KafkaEvent::Topics(Ok(ClusterSnapshot {
        brokers: 1,
        topics: topics(n_topics),
    }))));
    let tailed = app.topics.all()[n_topics / 2].name.clone();
    app.start_tail(tailed.clone(), StartFrom::Beginning);
    let generation = app.tail.generation;
    app.handle_event(Event::Kafka(KafkaEvent::TailStarted {
        generation,
        partitions: 4,
        topics: Vec::new(),
        notice: None,
    }));
    let now = now_ms();
    let records: Vec<_> = (0..n_records)
        .map(|i| sample_record(&tailed, i, now))
        .collect();
    for chunk in records.chunks(1024) {
        app.handle_event(Event::Kafka(KafkaEvent::Records {
            generation,
            records: chunk.to_vec(),
        }));
    }
    // Park the topic selection in the middle of the list.
    app.topics.select_name(&tailed);
    drain(&mut rx);
    (app, rx)
}

fn frames(app: &mut App, term: &mut Terminal<TestBackend>, n: usize) -> Vec<Duration> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        app.now = SystemTime::now();
        let t0 = Instant::now();
        term.draw(|f| kafka_tui::ui::draw(f, app)).expect("draw");
        out.push(t0.elapsed());
    }
    out
}

fn main() {
    header(
        "render",
        "ui::draw at 200x50 on TestBackend, 10,000 topics and 10,000 records",
    );
    let n_frames = env_usize("KT_BENCH_FRAMES", 2_000).max(10);
    let n_steps = env_usize("KT_BENCH_STEPS", 2_000).max(10);
    let n_topics = env_usize("KT_BENCH_TOPICS", 10_000).max(10);
    let n_records = env_usize("KT_BENCH_TAIL_RECORDS", 10_000) as u64;

    // Baseline: an empty App (no topics, no records).
    let (mut empty, _rx0) = headless_app(DEFAULT_MAX_RECORDS, DEFAULT_MAX_BYTES);
    empty.size = (W, H);
    let mut term = Terminal::new(TestBackend::new(W, H)).unwrap();
    let _ = frames(&mut empty, &mut term, 50); // warm-up
    let base = frames(&mut empty, &mut term, n_frames);

    let t0 = Instant::now();
    let (mut app, mut rx) = loaded_app(n_topics, n_records);
    note(format!(
        "built an App with {} topics and {} records held ({} of buffer) in {}",
        thousands(app.topics.all().len() as u64),
        thousands(app.tail.records.len() as u64),
        mib(app.tail.records.bytes() as u64),
        ms(t0.elapsed())
    ));
    let mut term = Terminal::new(TestBackend::new(W, H)).unwrap();
    let _ = frames(&mut app, &mut term, 50);
    let topics_focus = frames(&mut app, &mut term, n_frames);
    app.update(Action::Focus(Pane::Tail));
    let _ = frames(&mut app, &mut term, 20);
    let tail_focus = frames(&mut app, &mut term, n_frames);
    // Record detail open on a 2 KB JSON value.
    app.update(Action::Up);
    app.update(Action::Select);
    let detail = frames(&mut app, &mut term, n_frames / 4);
    app.update(Action::Back);

    println!();
    timings("empty App (baseline)", &base);
    timings("10k topics + 10k records, Topics focused", &topics_focus);
    timings("10k topics + 10k records, Tail focused", &tail_focus);
    timings("record detail open (2 KB JSON)", &detail);
    let worst = median(&topics_focus).max(median(&tail_focus));
    result(
        "render.frame_median_ms",
        worst.as_secs_f64() * 1000.0,
        "ms",
        Target::AtMost(2.0),
        &format!(
            "the slower of Topics/Tail focused; baseline empty App {} ({:.1}x)",
            ms(median(&base)),
            worst.as_secs_f64() / median(&base).as_secs_f64()
        ),
    );
    result(
        "render.frame_p99_ms",
        percentile(&topics_focus, 0.99)
            .max(percentile(&tail_focus, 0.99))
            .as_secs_f64()
            * 1000.0,
        "ms",
        Target::Below(16.0),
        &format!("baseline empty App p99 {}", ms(percentile(&base, 0.99))),
    );

    // Scrolling the topic list: Down, then the frame.
    app.update(Action::Focus(Pane::Topics));
    app.update(Action::Top);
    drain(&mut rx);
    let _ = frames(&mut app, &mut term, 5);
    let (mut upd, mut step) = (Vec::new(), Vec::new());
    let mut asked = 0usize;
    for _ in 0..n_steps.min(n_topics - 1) {
        let t0 = Instant::now();
        app.handle_event(key(KeyCode::Down));
        let t1 = Instant::now();
        app.now = SystemTime::now();
        term.draw(|f| kafka_tui::ui::draw(f, &app)).unwrap();
        let t2 = Instant::now();
        upd.push(t1 - t0);
        step.push(t2 - t0);
        // The Kafka task's side: count how many topics' watermarks were asked for.
        while let Ok(c) = rx.try_recv() {
            if let KafkaCommand::Watermarks(t) = c {
                asked += t.len();
            }
        }
    }
    println!();
    timings("scroll: Down handled", &upd);
    timings("scroll: Down handled + frame drawn", &step);
    note(format!(
        "watermarks asked for {} topics over {} steps (rows near the selection only)",
        thousands(asked as u64),
        upd.len()
    ));
    result(
        "render.scroll_step_p99_ms",
        percentile(&step, 0.99).as_secs_f64() * 1000.0,
        "ms",
        Target::Below(16.0),
        &format!(
            "median {}; baseline empty-App frame {}",
            ms(median(&step)),
            ms(median(&base))
        ),
    );

    // Filtering: `/`, then type, erase, type again; each key is one step.
    app.update(Action::Top);
    let (mut fupd, mut fstep) = (Vec::new(), Vec::new());
    let words = ["payments.0", "orders.01", "v2", "clickstream.09999", "zzz"];
    let mut rounds = 0;
    while fstep.len() < n_steps {
        rounds += 1;
        app.handle_event(key(KeyCode::Char('/')));
        for w in words {
            let mut keys: Vec<KeyCode> = w.chars().map(KeyCode::Char).collect();
            keys.extend(std::iter::repeat(KeyCode::Backspace).take(w.len()));
            for k in keys {
                let t0 = Instant::now();
                app.handle_event(key(k));
                let t1 = Instant::now();
                app.now = SystemTime::now();
                term.draw(|f| kafka_tui::ui::draw(f, &app)).unwrap();
                let t2 = Instant::now();
                fupd.push(t1 - t0);
                fstep.push(t2 - t0);
                drain(&mut rx);
            }
        }
        app.handle_event(key(KeyCode::Esc));
        app.handle_event(key(KeyCode::Esc));
        if rounds > 10_000 {
            break;
        }
    }
    timings("filter: key handled (refilter 10k topics)", &fupd);
    timings("filter: key handled + frame drawn", &fstep);
    result(
        "render.filter_step_p99_ms",
        percentile(&fstep, 0.99).as_secs_f64() * 1000.0,
        "ms",
        Target::Below(16.0),
        &format!(
            "median {}; baseline empty-App frame {}",
            ms(median(&fstep)),
            ms(median(&base))
        ),
    );
}
