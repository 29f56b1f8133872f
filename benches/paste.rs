//! Benchmark: pasting (issue 9.4). 100 KB of text pasted into the producer's value editor
//! (bracketed paste: one `Event::Paste`), timed from the event to the end of the next frame
//! (`App::handle_event` + `ui::draw` at 120x36 on `TestBackend`), then the frames after it
//! (the editor holding 100 KB must not make every frame slow). Without bracketed paste each
//! character was a key and a frame: 20,000 characters took 74 s to settle.
//!
//! Env: KT_BENCH_PASTE_KB (size, default 100), KT_BENCH_PASTE_RUNS (default 20).

mod support;

use std::time::{Duration, Instant};

use kafka_tui::action::Action;
use kafka_tui::event::Event;
use kafka_tui::state::tail::{DEFAULT_MAX_BYTES, DEFAULT_MAX_RECORDS};
use kafka_tui::state::Pane;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use support::*;

const W: u16 = 120;
const H: u16 = 36;

fn main() {
    header(
        "paste",
        "a paste into the producer: Event::Paste handled and the next frame drawn, 120x36",
    );
    let kb = env_usize("KT_BENCH_PASTE_KB", 100).max(1);
    let runs = env_usize("KT_BENCH_PASTE_RUNS", 20).max(1);
    // JSON-ish lines of 100 bytes with the CR line breaks a terminal pastes.
    let line = format!("{{\"id\":1,\"note\":\"{}\"}}\r", "x".repeat(100 - 22));
    let text: String = line.repeat(kb * 1024 / line.len() + 1)[..kb * 1024].to_string();

    let mut to_frame = Vec::with_capacity(runs);
    let mut after = Vec::new();
    for _ in 0..runs {
        let (mut app, _rx) = headless_app(DEFAULT_MAX_RECORDS, DEFAULT_MAX_BYTES);
        app.size = (W, H);
        app.update(Action::Focus(Pane::Producer));
        let mut term = Terminal::new(TestBackend::new(W, H)).unwrap();
        term.draw(|f| kafka_tui::ui::draw(f, &app)).unwrap();
        let t0 = Instant::now();
        app.handle_event(Event::Paste(text.clone()));
        term.draw(|f| kafka_tui::ui::draw(f, &app)).unwrap();
        to_frame.push(t0.elapsed());
        let got = app
            .producer
            .value
            .lines()
            .iter()
            .map(|l| l.len() + 1)
            .sum::<usize>()
            - 1;
        assert_eq!(got, text.len(), "the whole paste is in the editor");
        for _ in 0..10 {
            let t = Instant::now();
            term.draw(|f| kafka_tui::ui::draw(f, &app)).unwrap();
            after.push(t.elapsed());
        }
    }
    println!(
        "    paste {kb} KB -> next frame   median {}  max {}  (n={runs})",
        ms(median(&to_frame)),
        ms(*to_frame.iter().max().unwrap_or(&Duration::ZERO))
    );
    println!(
        "    frames holding it              median {}  p99 {}",
        ms(median(&after)),
        ms(percentile(&after, 0.99))
    );
    result(
        "paste.to_next_frame_ms",
        percentile(&to_frame, 0.99).as_secs_f64() * 1000.0,
        "ms",
        Target::AtMost(50.0),
        &format!(
            "p99 of {runs} pastes of {kb} KB; median {}; frames after it median {}",
            ms(median(&to_frame)),
            ms(median(&after))
        ),
    );
}
