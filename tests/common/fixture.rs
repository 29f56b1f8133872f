//! The App the headless and rendering tests start from, and the screen they read: a detached
//! Kafka handle (the app's commands wait in the receiver; nothing reaches a broker), the
//! embedded broker's cluster line and log source, and `TestBackend` drawing.

use kafka_tui::app::{App, ClusterView, Connection};
use kafka_tui::event::{Event, KafkaEvent};
use kafka_tui::kafka::api::{Capabilities, KafkaCommand, KafkaHandle};
use kafka_tui::model::{ClusterSnapshot, PartitionInfo, TopicInfo};
use kafka_tui::state::logs::LogsState;
use kafka_tui::state::tail::TailState;
use kafka_tui::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use tokio::sync::mpsc::UnboundedReceiver;

/// An app as on the embedded broker before it answers, holding at most `max_records` in Tail
/// (1 MiB at most, or 64 MiB above 1,000 records).
pub fn embedded_app(max_records: usize) -> (App, UnboundedReceiver<KafkaCommand>) {
    let cluster = ClusterView {
        label: "embedded broker".into(),
        address: "127.0.0.1:9092".into(),
        embedded: Some(("librdkafka mock cluster".into(), Capabilities::default())),
        connection: Connection::Connecting,
        last_error: None,
    };
    let logs = LogsState::new(vec![("broker".into(), "embedded broker log".into())], 100);
    let bytes = if max_records > 1000 {
        64 << 20
    } else {
        1 << 20
    };
    let (kafka, rx) = KafkaHandle::detached();
    let app = App::new(
        kafka,
        cluster,
        logs,
        TailState::new(max_records, bytes),
        Theme::builtin("dark"),
    );
    (app, rx)
}

/// The cluster's answer listing `topics` (name, partitions, records in each: low 0, high N)
/// on one broker.
pub fn list_topics(app: &mut App, topics: &[(&str, i32, i64)]) {
    let topics = topics
        .iter()
        .map(|&(name, parts, high)| TopicInfo {
            name: name.to_string(),
            partitions: (0..parts)
                .map(|id| PartitionInfo {
                    id,
                    leader: 1,
                    watermarks: Some((0, high)),
                    under_replicated: false,
                })
                .collect(),
            error: None,
        })
        .collect();
    app.handle_event(Event::Kafka(KafkaEvent::Topics(Ok(ClusterSnapshot {
        brokers: 1,
        topics,
    }))));
}

/// Draws `app` at `w`x`h` and returns the screen's text.
pub fn screen(app: &mut App, size: (u16, u16)) -> String {
    super::buffer_text(&draw(app, size))
}

/// Draws `app` at `w`x`h` and returns the buffer (text and styles).
pub fn draw(app: &mut App, (w, h): (u16, u16)) -> ratatui::buffer::Buffer {
    app.handle_event(Event::Resize(w, h));
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    terminal
        .draw(|f| kafka_tui::ui::draw(f, app))
        .expect("draw");
    terminal.backend().buffer().clone()
}

/// A key press without modifiers.
pub fn press(app: &mut App, code: crossterm::event::KeyCode) {
    app.handle_event(Event::Key(crossterm::event::KeyEvent::new(
        code,
        crossterm::event::KeyModifiers::NONE,
    )));
}

/// Ctrl and a letter.
pub fn ctrl(app: &mut App, c: char) {
    app.handle_event(Event::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char(c),
        crossterm::event::KeyModifiers::CONTROL,
    )));
}

/// `text`, a key a character.
pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, crossterm::event::KeyCode::Char(c));
    }
}

/// `:line` and Enter, as typed.
pub fn command(app: &mut App, line: &str) {
    press(app, crossterm::event::KeyCode::Char(':'));
    type_text(app, line);
    press(app, crossterm::event::KeyCode::Enter);
}

/// Everything waiting on `rx` (a task's command channel), in order.
pub fn drain<T>(rx: &mut UnboundedReceiver<T>) -> Vec<T> {
    let mut out = Vec::new();
    while let Ok(c) = rx.try_recv() {
        out.push(c);
    }
    out
}

/// The commands the app sent, leaving out background watermark reads (rows on screen).
pub fn commands(rx: &mut UnboundedReceiver<KafkaCommand>) -> Vec<KafkaCommand> {
    let mut out = Vec::new();
    while let Ok(c) = rx.try_recv() {
        if !matches!(c, KafkaCommand::Watermarks(_)) {
            out.push(c);
        }
    }
    out
}

/// The App tailing "orders" (3 partitions, live), with the commands that took drained.
pub fn tail_orders(app: &mut App, rx: &mut UnboundedReceiver<KafkaCommand>) {
    app.start_tail("orders".into(), kafka_tui::model::StartFrom::End);
    app.handle_event(Event::Kafka(KafkaEvent::TailStarted {
        generation: app.tail.generation,
        partitions: 3,
        topics: Vec::new(),
        notice: None,
    }));
    commands(rx);
}

/// A consumer group with no members (so its offsets can be reset), behind by 5 on two
/// partitions of `orders`.
pub fn inactive_group(name: &str) -> kafka_tui::model::GroupDetail {
    kafka_tui::model::GroupDetail {
        name: name.into(),
        state: "Empty".into(),
        members: vec![],
        offsets: (0..2)
            .map(|partition| kafka_tui::model::PartitionLag {
                topic: "orders".into(),
                partition,
                committed: Some(5),
                end: Some(10),
                lag: Some(5),
                ahead: false,
            })
            .collect(),
    }
}

/// The embedded broker, kept running by its own runtime while the test thread runs the
/// binary against `addr` (with `home` as its HOME).
pub struct Embedded {
    pub broker: kafka_tui::kafka::embedded::mock::MockBroker,
    _rt: tokio::runtime::Runtime,
    pub addr: String,
    pub home: tempfile::TempDir,
}

/// An empty embedded broker (no demo topic) on a loopback port.
pub fn embedded() -> Embedded {
    use kafka_tui::kafka::embedded::mock::{MockBroker, MockOptions};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let broker = rt
        .block_on(MockBroker::start(MockOptions {
            demo: false,
            ..MockOptions::loopback()
        }))
        .expect("embedded broker starts");
    Embedded {
        addr: broker.address().to_string(),
        broker,
        _rt: rt,
        home: tempfile::tempdir().unwrap(),
    }
}
