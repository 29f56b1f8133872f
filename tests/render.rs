//! Rendering tests: a fixed, fully populated app drawn on ratatui's `TestBackend`.
//!
//! Snapshots (insta) pin what a person sees in each scenario at common sizes; the other tests
//! check what a snapshot review can miss: that every size renders without panicking, that no
//! control character from a record reaches a cell, and that theme colours land on the right
//! cells.

mod common;
use common::buffer_text;
use kafka_tui::theme::Role;

use std::time::{Duration, UNIX_EPOCH};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kafka_tui::action::Action;
use kafka_tui::app::{App, ClusterView, Connection};
use kafka_tui::event::{Event, KafkaEvent, LogEvent};
use kafka_tui::kafka::api::Capabilities;
use kafka_tui::kafka::api::KafkaError;
use kafka_tui::kafka::api::KafkaHandle;
use kafka_tui::model::StartFrom;
use kafka_tui::model::{ClusterSnapshot, Delivery, Header, PartitionInfo, Record, TopicInfo};
use kafka_tui::state::logs::LogsState;
use kafka_tui::state::tail::TailState;
use kafka_tui::state::views::View;
use kafka_tui::state::Pane;
use kafka_tui::theme::Theme;
use kafka_tui::ui;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::Terminal;
use rdkafka::types::RDKafkaErrorCode;

/// The fixed "now" every relative timestamp is drawn against.
const NOW_SECS: u64 = 1_700_000_000;
/// A value that would clear the screen and retitle the terminal if it reached it raw.
const ESCAPE_VALUE: &[u8] = b"\x1b[2J\x1b]0;title\x07wiped?\r\n\tnext line";
const THEME: &str = "dark";
const TRANSPORT_FAILURE: &str = "Local: Broker transport failure";

// ---------------------------------------------------------------------------------------------
// Fixture
// ---------------------------------------------------------------------------------------------

fn topic(name: &str, watermarks: &[(i64, i64)]) -> TopicInfo {
    let partitions = (0..)
        .zip(watermarks)
        .map(|(id, &wm)| PartitionInfo {
            id,
            leader: 1,
            watermarks: Some(wm),
            under_replicated: false,
        })
        .collect();
    TopicInfo {
        name: name.into(),
        partitions,
        error: None,
    }
}

fn cluster_snapshot() -> ClusterSnapshot {
    let mut broken = topic("broken", &[]);
    broken.error = Some("Broker: Leader not available".into());
    let topics = vec![
        topic("__consumer_offsets", &[(0, 0); 3]),
        topic("demo", &[(0, 2), (0, 2), (0, 1)]),
        topic("orders", &[(0, 1200), (100, 34_567)]),
        topic("payments.eu-west-1.settlements-v2", &[(0, 42)]),
        broken,
    ];
    ClusterSnapshot { brokers: 1, topics }
}

/// A record on `demo` at `partition`/`offset`, produced `secs_ago` before the fixed clock.
fn record(
    at: (i32, i64, u64),
    key: Option<&[u8]>,
    value: &[u8],
    headers: &[(&str, &str)],
) -> Record {
    let (partition, offset, secs_ago) = at;
    let header = |(name, value): &(&str, &str)| Header {
        name: name.to_string(),
        value: Some(value.as_bytes().to_vec()),
    };
    Record {
        topic: "demo".into(),
        partition,
        offset,
        timestamp_ms: Some(((NOW_SECS - secs_ago) * 1000) as i64),
        leader_epoch: None,
        key: key.map(<[u8]>::to_vec),
        value: Some(value.to_vec()),
        headers: headers.iter().map(header).collect(),
    }
}

/// Oldest first: the escape-sequence record is the first one (`Top`), the JSON one the newest.
#[rustfmt::skip]
fn demo_records() -> Vec<Record> {
    let json = br#"{"id":1,"event":"signup","tags":["new","eu"],"profile":{"name":"Ada","age":36}}"#;
    let binary = &[0, 1, 2, 0xff, 0xfe, 0x7f, 0x80, 0x41];
    vec![
        record((2, 0, 14), Some(b"evil\x1b[31m"), ESCAPE_VALUE, &[("x-\x1b]0;hdr\x07", "\x1b[5m")]),
        record((0, 0, 11), Some(b"blob"), binary, &[]),
        record((0, 1, 9), None, b"a record without a key", &[]),
        record((1, 0, 6), Some(b"user-2"), b"hello from the producer", &[("trace-id", "abc123"), ("source", "web")]),
        record((1, 1, 3), Some(b"user-1"), json, &[("content-type", "application/json")]),
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

fn kafka(app: &mut App, event: KafkaEvent) {
    app.handle_event(Event::Kafka(event));
}

/// An app that has heard nothing from the cluster yet.
fn fresh_app() -> App {
    let no_caps = Capabilities::default();
    let cluster = ClusterView {
        label: "embedded broker".into(),
        address: "127.0.0.1:9092".into(),
        embedded: Some(("librdkafka mock cluster".into(), no_caps)),
        connection: Connection::Connecting,
        last_error: None,
    };
    let sources = vec![
        ("broker".into(), "embedded broker log".into()),
        ("server.log".into(), "/var/log/kafka/server.log".into()),
    ];
    let logs = LogsState::new(sources, 1000);
    let tail = TailState::new(10_000, 64 << 20);
    let theme = Theme::builtin(THEME);
    let mut app = App::new(KafkaHandle::detached().0, cluster, logs, tail, theme);
    app.now = UNIX_EPOCH + Duration::from_secs(NOW_SECS);
    app
}

/// The standard fixture: connected, topics listed, `demo` tailed with five records, logs.
fn demo_app() -> App {
    let mut app = fresh_app();
    kafka(&mut app, KafkaEvent::Topics(Ok(cluster_snapshot())));
    app.start_tail("demo".into(), StartFrom::Beginning);
    let generation = app.tail.generation;
    kafka(
        &mut app,
        KafkaEvent::TailStarted {
            generation,
            partitions: 3,
            topics: Vec::new(),
            notice: None,
        },
    );
    kafka(
        &mut app,
        KafkaEvent::Records {
            generation,
            records: demo_records(),
        },
    );
    app.handle_event(Event::Log(LogEvent::Lines {
        source: 0,
        lines: log_lines(),
    }));
    let text = "waiting for the file to appear".to_string();
    app.handle_event(Event::Log(LogEvent::Status { source: 1, text }));
    // The "tailing demo from beginning" message would hide the key hints in every snapshot.
    app.message = None;
    app
}

fn focused(pane: Pane) -> App {
    after(pane, &[])
}

/// The standard fixture with `pane` focused, then `actions` carried out.
fn after(pane: Pane, actions: &[Action]) -> App {
    let mut app = demo_app();
    app.update(Action::Focus(pane));
    for action in actions {
        app.update(action.clone());
    }
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
fn producer_typed() -> App {
    let mut app = focused(Pane::Producer);
    press(&mut app, KeyCode::Tab, KeyModifiers::NONE); // value -> key
    type_text(&mut app, "user-9");
    press(&mut app, KeyCode::Enter, KeyModifiers::NONE); // key -> headers
    type_text(&mut app, "trace-id=42");
    press(&mut app, KeyCode::Tab, KeyModifiers::NONE); // headers -> value
    type_text(&mut app, r#"{"hello": "world"}"#);
    app
}

/// Publishes the typed draft (Ctrl+S) and answers with `outcome`.
fn published(outcome: Delivery) -> App {
    let mut app = producer_typed();
    press(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    kafka(&mut app, KafkaEvent::Delivery(outcome));
    app
}

fn unreachable(mut app: App) -> App {
    kafka(
        &mut app,
        KafkaEvent::Topics(Err(KafkaError::from_code(
            Some(RDKafkaErrorCode::BrokerTransportFailure),
            TRANSPORT_FAILURE,
        ))),
    );
    let detail =
        "127.0.0.1:9092/bootstrap: Connect to ipv4#127.0.0.1:9092 failed: Connection refused";
    kafka(
        &mut app,
        KafkaEvent::ClientError(KafkaError::from_code(
            Some(RDKafkaErrorCode::BrokerTransportFailure),
            detail,
        )),
    );
    app
}

type Scenario = (&'static str, fn() -> App, &'static [(u16, u16)]);

const FULL: (u16, u16) = (80, 24);
const WIDE: (u16, u16) = (120, 36);
const COMPACT: (u16, u16) = (40, 12);

/// Every screen worth looking at: a name, how to get there, and the sizes it is snapshotted at.
#[rustfmt::skip]
const SCENARIOS: &[Scenario] = &[
    ("topics",                || focused(Pane::Topics),                             &[FULL, WIDE, COMPACT]),
    ("tail",                  || focused(Pane::Tail),                               &[FULL, WIDE, COMPACT]),
    ("producer",              || focused(Pane::Producer),                           &[FULL, WIDE, COMPACT, (160, 45), (200, 60)]),
    ("logs",                  || focused(Pane::Logs),                               &[FULL, WIDE, COMPACT]),
    ("record_detail",         || after(Pane::Tail, &[Action::Select]),              &[FULL, WIDE, COMPACT]),
    ("record_detail_escapes", || after(Pane::Tail, &[Action::Top, Action::Select]), &[FULL]),
    ("tail_paused",           || after(Pane::Tail, &[Action::Up, Action::Up]),      &[FULL]),
    ("logs_wrapped",          || after(Pane::Logs, &[Action::ToggleWrap]),          &[FULL]),
    ("help",                  || after(Pane::Topics, &[Action::Help]),              &[FULL, COMPACT, (160, 45), (200, 60)]),
    ("prompt_topic_filter",   prompt_topic_filter,                                  &[FULL]),
    ("producer_typed",        producer_typed,                                       &[FULL]),
    ("producer_delivered",    || published(delivered()),                            &[FULL, COMPACT]),
    ("producer_failed",       || published(failed()),                               &[FULL, WIDE]),
    ("connection_lost",       || unreachable(demo_app()),                           &[FULL, WIDE]),
    ("never_connected",       || unreachable(fresh_app()),                          &[FULL]),
    ("too_small",             demo_app,                                             &[(10, 3), (23, 6)]),
    ("tail_several",          tail_several,                                         &[FULL, WIDE, COMPACT]),
    ("topics_busy",           topics_busy,                                          &[FULL, WIDE, (160, 45), (200, 60)]),
    ("dialog_create_topic",   || dialog(Action::CreateTopic),                       &[FULL, (160, 45), (200, 60)]),
    ("dialog_delete_topic",   || dialog(Action::DeleteTopic),                       &[FULL, (160, 45), (200, 60)]),
    ("dialog_add_partitions", || dialog(Action::AddPartitions),                     &[FULL, (160, 45), (200, 60)]),
    ("dialog_edit_config",    || dialog(Action::EditConfig),                        &[FULL, (160, 45), (200, 60)]),
    ("dialog_reset_offsets",  || dialog(Action::ResetOffsets),                      &[FULL, (160, 45), (200, 60)]),
    ("dialog_delete_group",   || dialog(Action::DeleteGroup),                       &[FULL, (160, 45), (200, 60)]),
];

/// A write's dialog on a cluster (the embedded broker refuses some writes before asking): the
/// topic ones on the selected topic, the group ones in an idle group's view.
fn dialog(action: Action) -> App {
    let mut app = demo_app();
    app.cluster.embedded = None;
    app.cluster.label = "cluster".into();
    app.update(Action::Focus(Pane::Topics));
    if matches!(action, Action::ResetOffsets | Action::DeleteGroup) {
        app.views.push(View::GroupDetail {
            name: "orders-app".into(),
            detail: Some(Ok(common::fixture::inactive_group("orders-app"))),
            scroll: 0,
        });
    }
    app.update(action.clone());
    assert!(app.dialog.is_some(), "{action:?} opens a dialog");
    app
}

/// The tailed topic busy for the last 12 seconds (its records per second on the Topics
/// pane's border) and a topic with replicas out of sync.
fn topics_busy() -> App {
    let mut app = focused(Pane::Topics);
    let mut snapshot = cluster_snapshot();
    snapshot.topics[1].partitions[1].under_replicated = true;
    kafka(&mut app, KafkaEvent::Topics(Ok(snapshot)));
    // Sizes on disk from the brokers (no size listed for `broken`: a dash).
    kafka(
        &mut app,
        KafkaEvent::DiskUsage(Ok(kafka_tui::model::DiskUsage {
            bytes: [
                ("demo".to_string(), 1_530),
                ("orders".to_string(), 48_811_212),
                ("payments.eu-west-1.settlements-v2".to_string(), 512),
                ("__consumer_offsets".to_string(), 0),
            ]
            .into(),
            brokers: 1,
            answered: 1,
            problem: None,
        })),
    );
    app.tail.rate = Default::default();
    for ago in (1..=12u64).rev() {
        let at = app.now - Duration::from_secs(ago);
        app.tail.rate.add(at, ago * ago * 10);
    }
    app
}

/// `:tail /^(demo|pay)/`: two topics joined so far, rows of both with a topic column.
fn tail_several() -> App {
    let mut app = fresh_app();
    kafka(&mut app, KafkaEvent::Topics(Ok(cluster_snapshot())));
    let (topics, _) = kafka_tui::model::TopicSet::parse("/^(demo|pay)/").unwrap();
    app.start_tail_of(topics, None, StartFrom::Beginning);
    let generation = app.tail.generation;
    let joined = vec!["demo".into(), "payments.eu-west-1.settlements-v2".into()];
    kafka(
        &mut app,
        KafkaEvent::TailStarted {
            generation,
            partitions: 4,
            topics: joined,
            notice: Some(
                "payments.eu-west-1.settlements-v2#0 joined (read from the beginning)".into(),
            ),
        },
    );
    let mut records = demo_records();
    for r in records.iter_mut().skip(3) {
        r.topic = "payments.eu-west-1.settlements-v2".into();
        r.partition = 0;
    }
    kafka(
        &mut app,
        KafkaEvent::Records {
            generation,
            records,
        },
    );
    app.update(Action::Focus(Pane::Tail));
    app.message = None;
    app
}

fn prompt_topic_filter() -> App {
    let mut app = after(Pane::Topics, &[Action::Filter]);
    type_text(&mut app, "d");
    app
}

fn delivered() -> Delivery {
    Delivery::Delivered {
        topic: "demo".into(),
        partition: 1,
        offset: 2,
    }
}

fn failed() -> Delivery {
    let error = "Broker: Message size too large".into();
    Delivery::Failed {
        topic: "demo".into(),
        error,
    }
}

fn scenario(name: &str) -> App {
    let found = SCENARIOS.iter().find(|(n, _, _)| *n == name);
    (found.unwrap_or_else(|| panic!("no scenario {name}")).1)()
}

// ---------------------------------------------------------------------------------------------
// Rendering helpers
// ---------------------------------------------------------------------------------------------

/// Draws `app` on a `w`x`h` test terminal. Every render, in every test, also checks that no
/// cell holds a control character: one would be written to the real terminal verbatim.
fn render(app: &mut App, (w, h): (u16, u16)) -> Buffer {
    app.handle_event(Event::Resize(w, h));
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    terminal.draw(|f| ui::draw(f, app)).expect("draw");
    let buffer = terminal.backend().buffer().clone();
    for (i, cell) in buffer.content.iter().enumerate() {
        let (x, y) = buffer.pos_of(i);
        let symbol = cell.symbol();
        let bad = symbol.chars().any(char::is_control);
        assert!(
            !bad,
            "control character {symbol:?} in cell ({x},{y}) at {w}x{h}"
        );
    }
    buffer
}

fn screen(app: &mut App, size: (u16, u16)) -> String {
    buffer_text(&render(app, size))
}

fn fg(role: Role) -> Color {
    let style = Theme::builtin(THEME).style(role);
    style
        .fg
        .unwrap_or_else(|| panic!("theme sets no fg for {}", role.key()))
}

/// Where `word` (ASCII, so one cell per character) first appears inside `area`.
fn find(buffer: &Buffer, area: Rect, word: &str) -> Option<(u16, u16)> {
    (area.top()..area.bottom()).find_map(|y| {
        let cells: Vec<&str> = (area.left()..area.right())
            .map(|x| buffer[(x, y)].symbol())
            .collect();
        let x = cells.windows(word.len()).position(|w| w.concat() == word)?;
        Some((area.x + x as u16, y))
    })
}

/// Where `pane` is drawn at that size in `app`'s arrangement (which follows the focus: a
/// Producer not in use tucks under Topics).
fn pane_area(app: &App, (w, h): (u16, u16), pane: Pane) -> Rect {
    let areas = ui::pane_areas_in(Rect::new(0, 0, w, h), app.arrangement());
    areas
        .into_iter()
        .find(|(p, _)| *p == pane)
        .expect("pane has an area")
        .1
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[test]
fn snapshots() {
    for &(name, build, sizes) in SCENARIOS {
        for &(w, h) in sizes {
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen(&mut build(), (w, h)));
        }
    }
}

/// What must be on screen: scenario, size, texts.
#[rustfmt::skip]
const EXPECTED: &[(&str, (u16, u16), &[&str])] = &[
    ("topics", FULL, &[" 1 Topics ", " 2 Tail ", " 3 Producer ", " 4 Logs ", "→ demo"]),
    ("topics", FULL, &["▶ demo", "orders", "user-1", "user-2", "∅", "[2h] hello from the"]),
    ("topics", FULL, &["ERROR [Broker 1]", "WARN [Partition", "[broker] server.log"]),
    ("topics", WIDE, &["embedded broker 127.0.0.1:9092", "● connected, 1 broker", "35,667"]),
    ("topics", COMPACT, &["1 Topics 2 Tail 3 Producer 4 Logs", "▶ demo", "orders"]),
    ("tail", COMPACT, &["1 Topics 2 Tail 3 Producer 4 Logs", "user-1", "Offset"]),
    ("producer", COMPACT, &["1 Topics 2 Tail 3 Producer 4 Logs", "key", "value", "→ demo"]),
    ("logs", COMPACT, &["1 Topics 2 Tail 3 Producer 4 Logs", "[broker]", "ERROR"]),
    ("record_detail", FULL, &["record demo/1@1", "content-type = application/json"]),
    ("record_detail", FULL, &["\"event\": \"signup\",", "79 bytes, JSON"]),
    ("record_detail_escapes", FULL, &["key       9 bytes", "│  evil␛[31m ", "␛[2J␛]0;title␇wiped?␍"]),
    ("record_detail_escapes", FULL, &["x-␛]0;hdr␇ = ␛[5m", "    next line"]),
    ("tail", WIDE, &["[1h] ␛[2J␛]0;title␇wiped?␍␊␉next line", "0x 00 01 02 ff fe 7f 80 41"]),
    ("help", FULL, &["Keys (Esc closes", "focus Topics", "Esc close help"]),
    ("tail_paused", FULL, &["PAUSED", "user-1"]),
    ("prompt_topic_filter", FULL, &["filter /d█", "1 Topics 2/5 /d"]),
    ("producer_typed", FULL, &["user-9", "trace-id=42", r#"{"hello": "world"}"#]),
    ("producer_delivered", FULL, &["✔ delivered to demo", "user-9", "trace-id=42"]),
    ("producer_delivered", COMPACT, &["✔ delivered"]),
    ("producer_failed", FULL, &["✖ not delivered to demo", r#"{"hello": "world"}"#]),
    ("never_connected", FULL, &["cannot list topics", "Connect to", "no lines yet"]),
    ("connection_lost", WIDE, &["✖ disconnected, retrying", "▶ demo", "user-1"]),
    ("too_small", (80, 5), &["terminal too small (80x5): kafka-tui needs 24x6"]),
    ("tail_several", WIDE, &["/^(demo|pay)/ (2 topics) from beginning", "Topic", "payments.eu-west-1.s…", "demo"]),
    ("tail_several", WIDE, &["joined (read from the beginning)"]),
    ("topics_busy", (160, 45), &[" Size", "46.5 MiB", "1.5 KiB", "512 B"]),
];

#[test]
fn screens_show_what_they_should() {
    for &(name, size, needles) in EXPECTED {
        let shown = screen(&mut scenario(name), size);
        for needle in needles {
            let (w, h) = size;
            assert!(
                shown.contains(needle),
                "{name} at {w}x{h}: no {needle:?} in\n{shown}"
            );
        }
    }
}

#[test]
fn internal_topics_are_hidden_until_toggled() {
    let mut app = focused(Pane::Topics);
    assert!(!screen(&mut app, FULL).contains("__consumer"));
    app.update(Action::ToggleInternal);
    assert!(screen(&mut app, WIDE).contains("▶ demo"));
    assert!(screen(&mut app, WIDE).contains("__consumer_of"));
}

#[test]
fn every_record_in_every_format_is_drawn_inert() {
    // `render` rejects a control character in any cell; walk every record's detail view.
    let mut app = after(Pane::Tail, &[Action::Top, Action::Select]);
    for _ in demo_records() {
        for _ in 0..4 {
            for size in [FULL, COMPACT, (24, 6)] {
                render(&mut app, size);
            }
            app.update(Action::CycleFormat);
        }
        app.update(Action::Back);
        app.update(Action::Down);
        app.update(Action::Select);
    }
}

/// Exhaustive up to past both compact thresholds (60x16), then every width at common heights
/// and every height at common widths.
fn sweep_sizes() -> Vec<(u16, u16)> {
    let small = (1..=64).flat_map(|w| (1..=20).map(move |h| (w, h)));
    let wide = (65..=200).flat_map(|w| [24, 36, 60].map(|h| (w, h)));
    let tall = (21..=60).flat_map(|h| [80, 120, 200].map(|w| (w, h)));
    small.chain(wide).chain(tall).collect()
}

#[test]
fn no_size_panics() {
    let sizes = sweep_sizes();
    for &(name, build, _) in SCENARIOS {
        let mut app = build();
        for &(w, h) in &sizes {
            let drawn = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                render(&mut app, (w, h));
            }));
            assert!(drawn.is_ok(), "drawing {name} at {w}x{h} panicked");
        }
    }
}

/// Every size from 1x1 to 300x100, with views and a dialog open as well as the panes. Release
/// builds (the test command) draw all 30,000 sizes; debug builds take every 7th.
#[test]
fn every_size_to_300x100_and_the_too_small_message() {
    let step = if cfg!(debug_assertions) { 7 } else { 1 };
    let mut app = demo_app();
    app.update(Action::Focus(Pane::Tail));
    app.update(Action::Select);
    let mut with_view = demo_app();
    with_view.open_groups();
    let mut with_dialog = demo_app();
    with_dialog.update(Action::CreateTopic);
    for w in (1..=300u16).step_by(step) {
        for h in 1..=100u16 {
            let target = match (w + h) % 3 {
                0 => &mut app,
                1 => &mut with_view,
                _ => &mut with_dialog,
            };
            let buffer = render(target, (w, h));
            if w < ui::MIN_WIDTH || h < ui::MIN_HEIGHT {
                let shown: String = buffer_text(&buffer).split(['\n', ' ']).collect();
                assert!(
                    shown.contains("too") || w * h < 10,
                    "no too-small message at {w}x{h}: {shown:?}"
                );
            }
        }
    }
}

/// A storm of resize events (a window being dragged), with keys between them: state and
/// drawing must keep up without a panic and end at the last size.
#[test]
fn resize_storm() {
    let mut app = demo_app();
    let mut seed: u32 = 0x9e37_79b9;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    let keys = [
        KeyCode::Tab,
        KeyCode::Down,
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Char('f'),
        KeyCode::Char('?'),
    ];
    let (mut w, mut h) = (80, 24);
    for i in 0..3000 {
        w = (next() % 300 + 1) as u16;
        h = (next() % 100 + 1) as u16;
        app.handle_event(Event::Resize(w, h));
        if i % 3 == 0 {
            press(
                &mut app,
                keys[(next() as usize) % keys.len()],
                KeyModifiers::NONE,
            );
        }
        if i % 10 == 0 {
            render(&mut app, (w, h));
        }
    }
    assert_eq!(app.size, (w, h));
    assert!(!app.quit, "no key in the storm quits");
}

#[test]
fn focused_border_uses_the_theme() {
    for pane in Pane::ALL {
        let mut app = focused(pane);
        let buffer = render(&mut app, FULL);
        for other in Pane::ALL {
            let area = pane_area(&app, FULL, other);
            let corner = &buffer[(area.x, area.y)];
            let key = if other == pane {
                Role::BaseBorderFocused
            } else {
                Role::BaseBorder
            };
            let what = format!("{} corner with {} focused", other.title(), pane.title());
            assert_eq!(corner.symbol(), "╭", "{what}");
            assert_eq!(corner.fg, fg(key), "{what}");
        }
    }
}

/// Which pane, which text in it, and the theme style whose foreground it must be drawn in.
#[rustfmt::skip]
const COLOURED: &[(Pane, &str, Role)] = &[
    (Pane::Logs, "ERROR", Role::LogsError),
    (Pane::Logs, "WARN", Role::LogsWarn),
    (Pane::Logs, "DEBUG", Role::LogsDebug),
    (Pane::Logs, "INFO", Role::LogsInfo),
    (Pane::Tail, "14s ago", Role::TailTimestamp),
    (Pane::Tail, "user-2", Role::TailKey),
    (Pane::Producer, "headers", Role::BaseMuted),
];

#[test]
fn text_uses_the_theme() {
    let mut app = demo_app();
    let buffer = render(&mut app, WIDE);
    for &(pane, word, key) in COLOURED {
        let found = find(&buffer, pane_area(&app, WIDE, pane), word);
        let (x, y) = found.unwrap_or_else(|| panic!("no {word:?} in {}", pane.title()));
        assert_eq!(
            buffer[(x, y)].fg,
            fg(key),
            "{word:?} at ({x},{y}) should be {key:?}"
        );
    }
}

#[test]
fn selected_rows_are_highlighted() {
    let selected = Theme::builtin(THEME).style(Role::BaseSelected).bg;
    let selected = selected.expect("the theme gives selected rows a background");
    for (pane, word) in [(Pane::Topics, "demo"), (Pane::Tail, "user-1")] {
        let mut app = focused(pane);
        let buffer = render(&mut app, FULL);
        let found = find(&buffer, pane_area(&app, FULL, pane), word);
        let (x, y) = found.unwrap_or_else(|| panic!("no {word:?} in {}", pane.title()));
        assert_eq!(buffer[(x, y)].bg, selected, "{word:?} is the selected row");
    }
}

/// Issue 9.2: the record detail colours JSON by token with the theme's styles.
#[test]
fn json_in_the_record_detail_is_coloured_by_token() {
    let mut app = after(Pane::Tail, &[Action::Select]);
    let buffer = render(&mut app, WIDE);
    let area = pane_area(&app, WIDE, Pane::Tail);
    for (word, key) in [
        ("\"tags\"", Role::TailKey),
        ("\"signup\"", Role::TailHeaders),
        ("36", Role::TailOffset),
        ("],", Role::BaseMuted),
    ] {
        let (x, y) = find(&buffer, area, word).unwrap_or_else(|| panic!("no {word:?}"));
        assert_eq!(buffer[(x, y)].fg, fg(key), "{word:?} should be {key:?}");
    }
}
