//! Rendering tests: a fixed, fully populated app drawn on ratatui's `TestBackend`.
//!
//! Snapshots (insta) pin what a person sees at common sizes; the other tests check things a
//! snapshot review can miss: that every size renders without panicking, that no control
//! character from a record reaches a cell, and that the theme's colours land on the right cells.

use std::time::{Duration, UNIX_EPOCH};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kafka_tui::action::Action;
use kafka_tui::app::{App, ClusterView, Connection};
use kafka_tui::broker::Capabilities;
use kafka_tui::event::{Event, KafkaEvent, LogEvent};
use kafka_tui::kafka::model::{
    ClusterSnapshot, Delivery, Header, PartitionInfo, Record, TopicInfo,
};
use kafka_tui::kafka::service::KafkaHandle;
use kafka_tui::kafka::start::StartFrom;
use kafka_tui::state::logs::LogsState;
use kafka_tui::state::tail::TailState;
use kafka_tui::state::Pane;
use kafka_tui::theme::Theme;
use kafka_tui::ui;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::Terminal;
use unicode_width::UnicodeWidthStr;

/// The fixed "now" every relative timestamp is drawn against.
const NOW_SECS: u64 = 1_700_000_000;
/// A value that would clear the screen and retitle the terminal if it reached it raw.
const ESCAPE_VALUE: &[u8] = b"\x1b[2J\x1b]0;title\x07wiped?\r\n\tnext line";
const THEME: &str = "dark";

// ---------------------------------------------------------------------------------------------
// Fixture
// ---------------------------------------------------------------------------------------------

fn topic(name: &str, watermarks: &[(i64, i64)]) -> TopicInfo {
    let partitions = watermarks
        .iter()
        .enumerate()
        .map(|(id, &wm)| PartitionInfo {
            id: id as i32,
            leader: 1,
            watermarks: Some(wm),
        })
        .collect();
    TopicInfo {
        name: name.into(),
        partitions,
        error: None,
    }
}

fn snapshot_of_cluster() -> ClusterSnapshot {
    let topics = vec![
        topic("__consumer_offsets", &[(0, 0); 3]),
        topic("demo", &[(0, 2), (0, 2), (0, 1)]),
        topic("orders", &[(0, 1200), (100, 34_567)]),
        topic("payments.eu-west-1.settlements-v2", &[(0, 42)]),
        TopicInfo {
            name: "broken".into(),
            partitions: vec![],
            error: Some("Broker: Leader not available".into()),
        },
    ];
    ClusterSnapshot { brokers: 1, topics }
}

fn record(
    offset: i64,
    partition: i32,
    secs_ago: u64,
    key: Option<&[u8]>,
    value: Option<&[u8]>,
    headers: &[(&str, &str)],
) -> Record {
    Record {
        topic: "demo".into(),
        partition,
        offset,
        timestamp_ms: Some(((NOW_SECS - secs_ago) * 1000) as i64),
        key: key.map(<[u8]>::to_vec),
        value: value.map(<[u8]>::to_vec),
        headers: headers
            .iter()
            .map(|(n, v)| Header {
                name: (*n).into(),
                value: Some(v.as_bytes().to_vec()),
            })
            .collect(),
    }
}

/// Oldest first: the escape-sequence record is the first one (`Top`), the JSON one the newest.
fn demo_records() -> Vec<Record> {
    vec![
        record(0, 2, 14, Some(b"evil\x1b[31m"), Some(ESCAPE_VALUE), &[("x-\x1b]0;hdr\x07", "\x1b[5m")]),
        record(0, 0, 11, Some(b"blob"), Some(&[0x00, 0x01, 0x02, 0xff, 0xfe, 0x7f, 0x80, 0x41]), &[]),
        record(1, 0, 9, None, Some(b"a record without a key"), &[]),
        record(0, 1, 6, Some(b"user-2"), Some(b"hello from the producer"), &[("trace-id", "abc123"), ("source", "web")]),
        record(
            1,
            1,
            3,
            Some(b"user-1"),
            Some(br#"{"id":1,"event":"signup","tags":["new","eu"],"profile":{"name":"Ada","age":36}}"#),
            &[("content-type", "application/json")],
        ),
    ]
}

fn log_lines() -> Vec<String> {
    [
        "[2024-05-01 10:00:00,001] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)",
        "[2024-05-01 10:00:01,002] DEBUG [MOCK] Broker 1: listening on 127.0.0.1:9092",
        "[2024-05-01 10:00:02,003] WARN [Partition demo-0] ISR shrunk from 1,2 to 1",
        "[2024-05-01 10:00:03,004] ERROR [Broker 1] failed to fetch: connection reset by peer",
        "[2024-05-01 10:00:04,005] INFO title change attempt \x1b]0;pwned\x07 ignored",
    ]
    .map(String::from)
    .to_vec()
}

fn cluster(connection: Connection) -> ClusterView {
    let no_caps = Capabilities {
        create_topics_api: false,
        delete_topics: false,
        list_groups: false,
        describe_configs: false,
        time_lookup: false,
        zookeeper: false,
    };
    ClusterView {
        label: "embedded broker".into(),
        address: "127.0.0.1:9092".into(),
        embedded: Some(("librdkafka mock cluster".into(), no_caps)),
        connection,
        last_error: None,
    }
}

/// An app that has heard nothing from the cluster yet.
fn fresh_app() -> App {
    let sources = vec![
        ("broker".into(), "embedded broker log".into()),
        ("server.log".into(), "/var/log/kafka/server.log".into()),
    ];
    let mut app = App::new(
        KafkaHandle::detached().0,
        cluster(Connection::Connecting),
        LogsState::new(sources, 1000),
        TailState::new(10_000, 64 << 20),
        Theme::builtin(THEME),
    );
    app.now = UNIX_EPOCH + Duration::from_secs(NOW_SECS);
    app
}

/// The standard fixture: connected, topics listed, `demo` tailed with five records, logs.
fn demo_app() -> App {
    let mut app = fresh_app();
    app.handle_event(Event::Kafka(KafkaEvent::Topics(Ok(snapshot_of_cluster()))));
    app.start_tail("demo".into(), StartFrom::Beginning);
    let generation = app.tail.generation;
    app.handle_event(Event::Kafka(KafkaEvent::TailStarted {
        generation,
        partitions: 3,
        notice: None,
    }));
    app.handle_event(Event::Kafka(KafkaEvent::Records {
        generation,
        records: demo_records(),
    }));
    app.handle_event(Event::Log(LogEvent::Lines {
        source: 0,
        lines: log_lines(),
    }));
    app.handle_event(Event::Log(LogEvent::Status {
        source: 1,
        text: "waiting for the file to appear".into(),
    }));
    // The "tailing demo from beginning" message would hide the key hints in every snapshot.
    app.message = None;
    app
}

fn focused(pane: Pane) -> App {
    let mut app = demo_app();
    app.update(Action::Focus(pane));
    app
}

fn press(app: &mut App, code: KeyCode, modifiers: KeyModifiers) {
    app.handle_key(KeyEvent::new(code, modifiers));
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c), KeyModifiers::NONE);
    }
}

/// Focuses the producer and fills key, headers and value the way a person would.
fn producer_with_draft() -> App {
    let mut app = focused(Pane::Producer);
    press(&mut app, KeyCode::Tab, KeyModifiers::NONE); // value -> key
    type_text(&mut app, "user-9");
    press(&mut app, KeyCode::Enter, KeyModifiers::NONE); // key -> headers
    type_text(&mut app, "trace-id=42");
    press(&mut app, KeyCode::Tab, KeyModifiers::NONE); // headers -> value
    type_text(&mut app, r#"{"hello": "world"}"#);
    app
}

fn publish(app: &mut App, outcome: Delivery) {
    press(app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    app.handle_event(Event::Kafka(KafkaEvent::Delivery(outcome)));
}

// ---------------------------------------------------------------------------------------------
// Rendering helpers
// ---------------------------------------------------------------------------------------------

/// Draws `app` on a `w`x`h` test terminal. Every render, in every test, also checks that no
/// cell holds a control character: one would be written to the real terminal verbatim.
fn render(app: &mut App, w: u16, h: u16) -> Buffer {
    app.handle_event(Event::Resize(w, h));
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    terminal.draw(|f| ui::draw(f, app)).expect("draw");
    let buffer = terminal.backend().buffer().clone();
    for (i, cell) in buffer.content.iter().enumerate() {
        let (x, y) = buffer.pos_of(i);
        assert!(
            !cell.symbol().chars().any(char::is_control),
            "control character {:?} in cell ({x},{y}) at {w}x{h}",
            cell.symbol()
        );
    }
    buffer
}

/// The buffer as text, one line per row, trailing blanks trimmed. Cells hidden behind a wide
/// character are skipped, as a terminal would.
fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut rows = Vec::with_capacity(area.height as usize);
    for y in area.top()..area.bottom() {
        let mut row = String::new();
        let mut skip = 0;
        for x in area.left()..area.right() {
            let symbol = buffer[(x, y)].symbol();
            if skip == 0 {
                row.push_str(symbol);
            }
            skip = symbol.width().max(skip).saturating_sub(1);
        }
        rows.push(row.trim_end().to_string());
    }
    rows.join("\n")
}

fn screen(app: &mut App, w: u16, h: u16) -> String {
    text(&render(app, w, h))
}

fn pane_name(pane: Pane) -> String {
    pane.title().to_lowercase()
}

fn assert_contains_all(screen: &str, needles: &[&str], what: &str) {
    for needle in needles {
        assert!(
            screen.contains(needle),
            "{what}: {needle:?} missing from\n{screen}"
        );
    }
}

fn fg(key: &str) -> Color {
    Theme::builtin(THEME)
        .style(key)
        .fg
        .unwrap_or_else(|| panic!("theme sets no fg for {key}"))
}

fn pane_area(w: u16, h: u16, pane: Pane) -> Rect {
    ui::pane_areas(Rect::new(0, 0, w, h))
        .into_iter()
        .find(|(p, _)| *p == pane)
        .expect("pane has an area")
        .1
}

// ---------------------------------------------------------------------------------------------
// Snapshots
// ---------------------------------------------------------------------------------------------

#[test]
fn snapshot_full_screen_per_focus() {
    for (w, h) in [(80, 24), (120, 36)] {
        for pane in Pane::ALL {
            let shown = screen(&mut focused(pane), w, h);
            insta::assert_snapshot!(format!("full_{w}x{h}_{}", pane_name(pane)), shown);
        }
    }
}

#[test]
fn snapshot_compact_per_focus() {
    for pane in Pane::ALL {
        let shown = screen(&mut focused(pane), 40, 12);
        insta::assert_snapshot!(format!("compact_40x12_{}", pane_name(pane)), shown);
    }
}

#[test]
fn snapshot_record_detail() {
    for (w, h) in [(80, 24), (120, 36), (40, 12)] {
        let mut app = focused(Pane::Tail);
        app.update(Action::Select);
        insta::assert_snapshot!(format!("record_detail_{w}x{h}"), screen(&mut app, w, h));
    }
}

#[test]
fn snapshot_record_detail_of_escape_sequences() {
    let mut app = focused(Pane::Tail);
    app.update(Action::Top);
    app.update(Action::Select);
    insta::assert_snapshot!("record_detail_escapes_80x24", screen(&mut app, 80, 24));
}

#[test]
fn snapshot_help() {
    for (w, h) in [(80, 24), (40, 12)] {
        let mut app = demo_app();
        app.update(Action::Help);
        insta::assert_snapshot!(format!("help_{w}x{h}"), screen(&mut app, w, h));
    }
}

#[test]
fn snapshot_topic_filter_prompt() {
    let mut app = focused(Pane::Topics);
    app.update(Action::Filter);
    press(&mut app, KeyCode::Char('d'), KeyModifiers::NONE);
    insta::assert_snapshot!("prompt_topic_filter_80x24", screen(&mut app, 80, 24));
}

#[test]
fn snapshot_producer() {
    let mut app = producer_with_draft();
    insta::assert_snapshot!("producer_typed_80x24", screen(&mut app, 80, 24));

    publish(
        &mut app,
        Delivery::Delivered {
            topic: "demo".into(),
            partition: 1,
            offset: 2,
        },
    );
    insta::assert_snapshot!("producer_delivered_80x24", screen(&mut app, 80, 24));

    let mut app = producer_with_draft();
    let error = "Broker: Message size too large".to_string();
    publish(
        &mut app,
        Delivery::Failed {
            topic: "demo".into(),
            error,
        },
    );
    insta::assert_snapshot!("producer_failed_80x24", screen(&mut app, 80, 24));
    insta::assert_snapshot!("producer_failed_120x36", screen(&mut app, 120, 36));
}

#[test]
fn snapshot_connection_errors() {
    let error = "Local: Broker transport failure";
    let unreachable = || Event::Kafka(KafkaEvent::Topics(Err(error.into())));
    let client_error = || {
        Event::Kafka(KafkaEvent::ClientError(
            "127.0.0.1:9092/bootstrap: Connect failed: Connection refused".into(),
        ))
    };

    // Never connected: nothing listed yet.
    let mut app = fresh_app();
    app.handle_event(unreachable());
    app.handle_event(client_error());
    insta::assert_snapshot!("unreachable_at_start_80x24", screen(&mut app, 80, 24));

    // Connected, then lost: the last listing and the tail stay on screen.
    let mut app = demo_app();
    app.handle_event(unreachable());
    app.handle_event(client_error());
    insta::assert_snapshot!("connection_lost_80x24", screen(&mut app, 80, 24));
    insta::assert_snapshot!("connection_lost_120x36", screen(&mut app, 120, 36));
}

#[test]
fn snapshot_too_small() {
    insta::assert_snapshot!("too_small_10x3", screen(&mut demo_app(), 10, 3));
    insta::assert_snapshot!("too_small_23x6", screen(&mut demo_app(), 23, 6));
}

// ---------------------------------------------------------------------------------------------
// Content, safety and colour
// ---------------------------------------------------------------------------------------------

#[test]
fn full_screen_shows_every_pane() {
    let shown = screen(&mut demo_app(), 80, 24);
    assert_contains_all(
        &shown,
        &[
            "kafka-tui",
            "embedded broker 127.0.0.1:9092",
            "connected, 1 broker",
            " 1 Topics ",
            " 2 Tail ",
            " 3 Producer ",
            " 4 Logs ",
            "demo",
            "orders",
            "user-1",
            "user-2",
            "signup",
            "[2h] hello from the producer",
            "ERROR [Broker 1]",
            "→ demo",
        ],
        "80x24",
    );
    assert!(
        !shown.contains("__consumer_offsets"),
        "internal topics are hidden by default:\n{shown}"
    );
}

#[test]
fn compact_layout_shows_tabs_and_the_focused_pane() {
    let expected = [
        (Pane::Topics, &["demo", "orders"][..]),
        (Pane::Tail, &["user-1", "3s ago"][..]),
        (Pane::Producer, &["key", "value", "→ demo"][..]),
        (Pane::Logs, &["[broker]", "ERROR"][..]),
    ];
    for (pane, needles) in expected {
        let shown = screen(&mut focused(pane), 40, 12);
        let what = format!("40x12 focused on {}", pane.title());
        assert_contains_all(
            &shown,
            &["1 Topics", "2 Tail", "3 Producer", "4 Logs"],
            &what,
        );
        assert_contains_all(&shown, needles, &what);
    }
}

#[test]
fn delivery_reports_are_shown() {
    for (w, h) in [(80, 24), (40, 12)] {
        let mut app = producer_with_draft();
        publish(
            &mut app,
            Delivery::Delivered {
                topic: "demo".into(),
                partition: 1,
                offset: 2,
            },
        );
        let shown = screen(&mut app, w, h);
        assert_contains_all(&shown, &["delivered"], &format!("delivered at {w}x{h}"));

        let mut app = producer_with_draft();
        publish(
            &mut app,
            Delivery::Failed {
                topic: "demo".into(),
                error: "too large".into(),
            },
        );
        let shown = screen(&mut app, w, h);
        assert_contains_all(
            &shown,
            &["not delivered", "hello"],
            &format!("failed at {w}x{h}"),
        );
    }
}

#[test]
fn escape_sequences_are_shown_inert() {
    // `render` rejects control characters in any cell; here the record is also visibly there.
    for (w, h) in [(80, 24), (120, 36), (40, 12), (24, 6)] {
        let mut app = focused(Pane::Tail);
        app.update(Action::Top);
        let list = screen(&mut app, w, h);
        app.update(Action::Select);
        let detail = screen(&mut app, w, h);
        if w >= 80 {
            assert_contains_all(&list, &["␛[2J␛]0;title␇"], &format!("tail list at {w}x{h}"));
            assert_contains_all(
                &detail,
                &["␛[2J␛]0;title␇wiped?␍", "evil␛[31m"],
                &format!("detail at {w}x{h}"),
            );
        }
    }
    // Every record, in every format, in the detail view.
    let mut app = focused(Pane::Tail);
    app.update(Action::Top);
    app.update(Action::Select);
    for _ in 0..demo_records().len() {
        for _ in 0..4 {
            render(&mut app, 100, 30);
            app.update(Action::CycleFormat);
        }
        app.update(Action::Back);
        app.update(Action::Down);
        app.update(Action::Select);
    }
}

/// Every state worth drawing: each focus, plus the overlays and views that change the layout.
fn states() -> Vec<(&'static str, App)> {
    let mut out: Vec<(&'static str, App)> =
        Pane::ALL.iter().map(|&p| (p.title(), focused(p))).collect();
    let mut detail = focused(Pane::Tail);
    detail.update(Action::Select);
    out.push(("detail", detail));
    let mut help = demo_app();
    help.update(Action::Help);
    out.push(("help", help));
    let mut prompt = focused(Pane::Logs);
    prompt.update(Action::Filter);
    type_text(&mut prompt, "error");
    out.push(("search prompt", prompt));
    let mut failed = producer_with_draft();
    publish(
        &mut failed,
        Delivery::Failed {
            topic: "demo".into(),
            error: "too large".into(),
        },
    );
    out.push(("producer failed", failed));
    let mut offline = fresh_app();
    offline.handle_event(Event::Kafka(KafkaEvent::Topics(Err(
        "Local: Broker transport failure".into(),
    ))));
    out.push(("offline", offline));
    out
}

#[test]
fn no_size_panics() {
    let mut sizes: Vec<(u16, u16)> = Vec::new();
    // Exhaustive up to past both compact thresholds (60x16) ...
    sizes.extend((1..=64).flat_map(|w| (1..=20).map(move |h| (w, h))));
    // ... then every width at common heights, every height at common widths.
    sizes.extend(
        [24, 36, 60]
            .iter()
            .flat_map(|&h| (65..=200).map(move |w| (w, h))),
    );
    sizes.extend(
        [80, 120, 200]
            .iter()
            .flat_map(|&w| (21..=60).map(move |h| (w, h))),
    );
    for (name, mut app) in states() {
        for &(w, h) in &sizes {
            let outcome =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| render(&mut app, w, h)));
            assert!(outcome.is_ok(), "drawing {name} at {w}x{h} panicked");
        }
    }
}

#[test]
fn focused_border_uses_the_theme() {
    let (w, h) = (80, 24);
    for pane in Pane::ALL {
        let buffer = render(&mut focused(pane), w, h);
        for other in Pane::ALL {
            let area = pane_area(w, h, other);
            let corner = &buffer[(area.x, area.y)];
            let want = if other == pane {
                "base.border_focused"
            } else {
                "base.border"
            };
            assert_eq!(
                corner.symbol(),
                "╭",
                "{} pane's top-left corner",
                other.title()
            );
            assert_eq!(
                corner.fg,
                fg(want),
                "{} border with {} focused",
                other.title(),
                pane.title()
            );
        }
    }
}

#[test]
fn log_levels_use_the_theme() {
    let (w, h) = (120, 36);
    let buffer = render(&mut demo_app(), w, h);
    let logs = pane_area(w, h, Pane::Logs);
    let lines = text(&buffer);
    for (word, key) in [
        ("ERROR", "logs.error"),
        ("WARN", "logs.warn"),
        ("DEBUG", "logs.debug"),
        ("INFO", "logs.info"),
    ] {
        let (y, x) = lines
            .lines()
            .enumerate()
            .skip(logs.y as usize)
            .take(logs.height as usize)
            .find_map(|(y, row)| {
                // Column of the word, counted in cells, within the logs pane.
                let byte = row
                    .char_indices()
                    .skip(logs.x as usize)
                    .find(|(i, _)| row[*i..].starts_with(word))?
                    .0;
                Some((y as u16, row[..byte].chars().count() as u16))
            })
            .unwrap_or_else(|| panic!("no {word} line in the logs pane:\n{lines}"));
        assert_eq!(buffer[(x, y)].fg, fg(key), "{word} line at ({x},{y})");
    }
}
