//! Benchmark: a 10 MB value in the record detail (issue 12.4: "a 10 MB value never stalls the
//! screen"). A record with a 10 MB value is put into the tail of a headless App, opened in the
//! record detail, and frames are drawn with `kafka_tui::ui::draw` on ratatui's `TestBackend` at
//! 200x50 (the whole screen: the detail and the panes around it), against the 16.7 ms budget
//! of a 60 Hz frame. The baseline is the same with a 1 KB JSON value.
//!
//! Values: 1 KB JSON (baseline); 10 MB of JSON on one line (as producers send it); the same
//! JSON pretty-printed (hundreds of thousands of short lines); 10 MB of binary (hex rows).
//! For each, not wrapped and wrapped (`w`):
//!   first frame   the record opened (the body not built yet), then one frame drawn;
//!   steps         a scroll key handled (Down, Page Down, Right) and the frame drawn;
//!   far           frames drawn at the middle and the end of the value (rows and columns).
//!
//! Env: KT_BENCH_BIG_MB (default 10), KT_BENCH_OPENS (first frames per case, default 20),
//! KT_BENCH_STEPS (scroll steps per case and mode, default 200).

mod support;

use std::time::{Duration, Instant, UNIX_EPOCH};

use kafka_tui::action::Action;
use kafka_tui::app::App;
use kafka_tui::event::{Event, KafkaEvent};
use kafka_tui::model::{Header, Record, StartFrom};
use kafka_tui::state::tail::{DEFAULT_MAX_BYTES, DEFAULT_MAX_RECORDS};
use kafka_tui::state::Pane;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use support::*;

const W: u16 = 200;
const H: u16 = 50;
/// One frame at 60 Hz.
const BUDGET_MS: f64 = 16.7;

/// Objects like an event export: `[{"id":0,...},{"id":1,...},...]`, `size` bytes or a little
/// more, on one line.
fn json_one_line(size: usize) -> Vec<u8> {
    let mut v = b"[".to_vec();
    let mut i = 0u64;
    while v.len() < size {
        if i > 0 {
            v.push(b',');
        }
        v.extend_from_slice(
            format!(
                "{{\"id\":{i},\"user\":\"user-{}\",\"event\":\"page_view\",\"path\":\"/items/{}\",\
                 \"amount\":{}.{:02},\"tags\":[\"eu\",\"web\",\"ab-{}\"],\"ok\":{}}}",
                i % 9973,
                i % 101,
                i % 500,
                i % 100,
                i % 7,
                i % 3 != 0
            )
            .as_bytes(),
        );
        i += 1;
    }
    v.push(b']');
    v
}

/// The same JSON as serde_json's pretty printer writes it.
fn json_pretty(size: usize) -> Vec<u8> {
    let compact = json_one_line(size * 10 / 17);
    let v: serde_json::Value = serde_json::from_slice(&compact).unwrap();
    serde_json::to_vec_pretty(&v).unwrap()
}

/// `size` bytes that are not text (a small xorshift, so runs are alike).
fn binary(size: usize) -> Vec<u8> {
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    (0..size)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// An App tailing `big` with one record holding `value`, opened in the record detail.
fn opened(value: &[u8]) -> App {
    let (mut app, _rx) = headless_app(DEFAULT_MAX_RECORDS, DEFAULT_MAX_BYTES);
    app.size = (W, H);
    app.start_tail("big".into(), StartFrom::Beginning);
    let generation = app.tail.generation;
    app.handle_event(Event::Kafka(KafkaEvent::TailStarted {
        generation,
        partitions: 1,
        topics: vec!["big".into()],
        notice: None,
    }));
    app.handle_event(Event::Kafka(KafkaEvent::Records {
        generation,
        records: vec![Record {
            topic: "big".into(),
            partition: 0,
            offset: 7,
            timestamp_ms: Some(1_700_000_000_000),
            leader_epoch: Some(3),
            key: Some(b"export-2024-01".to_vec()),
            value: Some(value.to_vec()),
            headers: vec![Header {
                name: "content-type".into(),
                value: Some(b"application/json".to_vec()),
            }],
        }],
    }));
    assert_eq!(app.tail.records.len(), 1, "the record is held");
    app.now = UNIX_EPOCH + Duration::from_secs(1_700_000_003);
    app.update(Action::Focus(Pane::Tail));
    app.update(Action::Select);
    assert!(app.tail.detail, "the record is open");
    app
}

fn frame(app: &App, term: &mut Terminal<TestBackend>) -> Duration {
    let t0 = Instant::now();
    term.draw(|f| kafka_tui::ui::draw(f, app)).expect("draw");
    t0.elapsed()
}

/// The screen as text, to check what a frame shows.
fn screen(term: &Terminal<TestBackend>) -> String {
    let buf = term.backend().buffer();
    let mut s = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            s.push_str(buf[(x, y)].symbol());
        }
        s.push('\n');
    }
    s
}

/// What one value costs in one mode (wrapped or not).
struct Figures {
    first: Vec<Duration>,
    steps: Vec<Duration>,
    far: Vec<Duration>,
}

impl Figures {
    fn worst_frame(&self) -> Duration {
        percentile(&self.steps, 1.0).max(percentile(&self.far, 1.0))
    }
}

fn measure(value: &[u8], wrap: bool, opens: usize, n_steps: usize) -> Figures {
    let mut app = opened(value);
    if wrap != app.record.wrap {
        app.update(Action::ToggleWrap);
    }
    let mut term = Terminal::new(TestBackend::new(W, H)).unwrap();
    // First frames: the record opened again (its body is built anew), then drawn.
    let mut first = Vec::with_capacity(opens);
    for _ in 0..opens {
        app.update(Action::Back);
        app.update(Action::Select);
        assert!(app.record.scroll == 0 && app.tail.detail);
        // A fresh terminal: the whole screen is drawn, not a diff.
        term = Terminal::new(TestBackend::new(W, H)).unwrap();
        first.push(frame(&app, &mut term));
    }
    let s = screen(&term);
    assert!(s.contains("leader epoch 3"), "{s}");
    // Steps: a key handled, then the frame.
    let keys = [Action::Down, Action::PageDown, Action::ScrollRight];
    let mut steps = Vec::with_capacity(n_steps);
    for i in 0..n_steps {
        let key = keys[i % keys.len()].clone();
        let t0 = Instant::now();
        app.update(key);
        term.draw(|f| kafka_tui::ui::draw(f, &app)).expect("draw");
        steps.push(t0.elapsed());
        app.message = None;
    }
    // Far: the middle and the end of the value, and far to the right.
    let mut far = Vec::new();
    for (scroll, hscroll) in [
        (usize::MAX / 2, 0),
        (usize::MAX, 0),
        (0, value.len() / 2),
        (usize::MAX, value.len()),
    ] {
        app.record.scroll = scroll.min(1 << 40);
        app.record.hscroll = if wrap { 0 } else { hscroll };
        for _ in 0..10 {
            far.push(frame(&app, &mut term));
        }
        if scroll == 0 && !wrap && !value.contains(&b'\n') && value.len() > 1 << 20 {
            // Far to the right on a value of one line, its text is still shown.
            let s = screen(&term);
            let body = s
                .lines()
                .skip_while(|l| !l.contains("value     "))
                .nth(1)
                .unwrap_or("");
            assert!(
                body.chars().filter(|c| c.is_ascii_alphanumeric()).count() > 20,
                "nothing shown {hscroll} columns to the right:\n{s}"
            );
        }
    }
    Figures { first, steps, far }
}

fn main() {
    header(
        "big_value",
        "the record detail of a 10 MB value, ui::draw at 200x50 on TestBackend",
    );
    let mb = env_usize("KT_BENCH_BIG_MB", 10).max(1);
    let opens = env_usize("KT_BENCH_OPENS", 20).max(3);
    let n_steps = env_usize("KT_BENCH_STEPS", 200).max(10);
    let size = mb * 1_000_000;

    let t0 = Instant::now();
    let small = json_one_line(1000);
    let cases: Vec<(String, Vec<u8>)> = vec![
        (format!("{} B JSON (baseline)", small.len()), small),
        (format!("{mb} MB JSON, one line"), json_one_line(size)),
        (format!("{mb} MB JSON, pretty"), json_pretty(size)),
        (format!("{mb} MB binary"), binary(size)),
    ];
    for (label, v) in &cases {
        note(format!(
            "{label}: {} bytes, {} lines",
            thousands(v.len() as u64),
            thousands(v.iter().filter(|b| **b == b'\n').count() as u64 + 1)
        ));
    }
    note(format!("values made in {}", ms(t0.elapsed())));

    let mut all: Vec<(String, bool, Figures)> = Vec::new();
    for (label, value) in &cases {
        for wrap in [false, true] {
            let f = measure(value, wrap, opens, n_steps);
            let mode = if wrap { "wrapped" } else { "not wrapped" };
            println!();
            timings(&format!("{label}, {mode}: first frame"), &f.first);
            timings(&format!("{label}, {mode}: scroll step"), &f.steps);
            timings(&format!("{label}, {mode}: far rows/columns"), &f.far);
            all.push((label.clone(), wrap, f));
        }
    }
    println!();

    let (base, big): (Vec<_>, Vec<_>) = all.iter().partition(|(l, _, _)| l.contains("baseline"));
    let base_first = base.iter().map(|(_, _, f)| median(&f.first)).max().unwrap();
    let base_step = base.iter().map(|(_, _, f)| median(&f.steps)).max().unwrap();
    let worst_of = |pick: &dyn Fn(&Figures) -> Duration| {
        big.iter()
            .map(|(l, w, f)| {
                (
                    pick(f),
                    format!("{l}, {}", if *w { "wrapped" } else { "not wrapped" }),
                )
            })
            .max_by_key(|(d, _)| *d)
            .unwrap()
    };
    let (first, first_at) = worst_of(&|f| percentile(&f.first, 1.0));
    result(
        "big_value.first_frame_max_ms",
        first.as_secs_f64() * 1000.0,
        "ms",
        Target::Below(BUDGET_MS),
        &format!(
            "{mb} MB value opened, worst case {first_at}; 1 KB baseline median {}",
            ms(base_first)
        ),
    );
    let (frame_max, frame_at) = worst_of(&|f| f.worst_frame());
    result(
        "big_value.frame_max_ms",
        frame_max.as_secs_f64() * 1000.0,
        "ms",
        Target::Below(BUDGET_MS),
        &format!("slowest scroll step or far frame, {frame_at}"),
    );
    let (step, step_at) = worst_of(&|f| median(&f.steps));
    result(
        "big_value.step_ratio_to_1kb",
        step.as_secs_f64() / base_step.as_secs_f64(),
        "x",
        Target::AtMost(2.0),
        &format!(
            "median scroll step {} ({step_at}) over the 1 KB record's {}",
            ms(step),
            ms(base_step)
        ),
    );
    let (open, open_at) = worst_of(&|f| median(&f.first));
    result(
        "big_value.first_frame_ratio_to_1kb",
        open.as_secs_f64() / base_first.as_secs_f64(),
        "x",
        Target::None,
        &format!(
            "median first frame {} ({open_at}) over the 1 KB record's {}",
            ms(open),
            ms(base_first)
        ),
    );
}
