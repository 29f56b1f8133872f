//! The producer's choices and checks (issue 13.7): `:partition N` sends there and says so in
//! the pane's title, a partition the topic lacks is refused, and a value meant as JSON that is
//! not is refused with its line and column (sent as it is on a second Ctrl+S). Snapshots of
//! each (the title with its partition, the JSON error, the history list, `:produce N`'s
//! progress) at 80x24, 160x45 and 200x60.

mod common;
use common::fixture::{self, commands, ctrl, list_topics, press, tail_orders, type_text};

use crossterm::event::KeyCode;
use kafka_tui::app::App;
use kafka_tui::event::{Event, KafkaEvent};
use kafka_tui::kafka::api::KafkaCommand;
use kafka_tui::model::Record;
use kafka_tui::state::producer::{Field, ProduceStatus};
use tokio::sync::mpsc::UnboundedReceiver;

fn app() -> (App, UnboundedReceiver<KafkaCommand>) {
    let (mut app, mut rx) = fixture::embedded_app(1000);
    list_topics(&mut app, &[("orders", 3, 0)]);
    tail_orders(&mut app, &mut rx);
    (app, rx)
}

fn command(app: &mut App, text: &str) {
    press(app, KeyCode::Esc);
    press(app, KeyCode::Char(':'));
    type_text(app, text);
    press(app, KeyCode::Enter);
}

fn publish(app: &mut App, value: &str) {
    app.producer.set_text(Field::Value, value);
    app.producer.editing = true;
    app.focus = kafka_tui::state::Pane::Producer;
    ctrl(app, 's');
}

fn produced(rx: &mut UnboundedReceiver<KafkaCommand>) -> Vec<kafka_tui::model::ProduceRequest> {
    commands(rx)
        .into_iter()
        .filter_map(|c| match c {
            KafkaCommand::Produce(r) => Some(r),
            _ => None,
        })
        .collect()
}

fn message(app: &App) -> String {
    app.message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

/// The sizes of issue 13.
const SIZES: [(u16, u16); 3] = [(80, 24), (160, 45), (200, 60)];

/// The screen at each of [`SIZES`], snapshotted as `name_WxH`, each containing `want`.
fn snapshots(app: &mut App, name: &str, want: &str) {
    app.now = std::time::UNIX_EPOCH;
    for (w, h) in SIZES {
        let screen = fixture::screen(app, (w, h));
        assert!(screen.contains(want), "{want:?} at {w}x{h}:\n{screen}");
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen);
    }
}

fn invalid(app: &App) -> String {
    match &app.producer.status {
        ProduceStatus::Invalid(e) => e.clone(),
        other => panic!("not refused: {other:?}"),
    }
}

#[test]
fn a_chosen_partition_is_used_shown_and_checked() {
    let (mut app, mut rx) = app();
    publish(&mut app, "a");
    assert_eq!(
        produced(&mut rx)[0].partition,
        None,
        "the partitioner chooses"
    );

    command(&mut app, "partition 2");
    assert!(
        message(&app).contains("publishes to partition 2"),
        "{}",
        message(&app)
    );
    snapshots(&mut app, "producer_partition", "→ orders partition 2");
    publish(&mut app, "b");
    assert_eq!(produced(&mut rx)[0].partition, Some(2));

    command(&mut app, "partition 3");
    assert!(message(&app).contains("orders has no partition 3 (it has 3 partitions)"));
    assert_eq!(
        app.producer.partition,
        Some(2),
        "a refused choice changes nothing"
    );
    command(&mut app, "partition x");
    assert!(message(&app).contains("write a number"));

    // The topic shrinks under it (another topic is tailed): refused at publish.
    list_topics(&mut app, &[("orders", 1, 0)]);
    publish(&mut app, "c");
    assert!(invalid(&app).contains("orders has no partition 2 (it has 1 partition)"));
    assert!(produced(&mut rx).is_empty());

    command(&mut app, "partition auto");
    publish(&mut app, "d");
    assert_eq!(produced(&mut rx)[0].partition, None);
}

#[test]
fn a_value_that_opens_like_json_must_be_json_or_sent_on_purpose() {
    let (mut app, mut rx) = app();
    publish(&mut app, "{\"id\": 1,\n \"amount\": 12,,\n}");
    let why = invalid(&app);
    assert!(
        why.starts_with("the value is not JSON: line 2, column 15: key must be a string"),
        "{why}"
    );
    assert_eq!(app.producer.field, Field::Value);
    assert!(produced(&mut rx).is_empty());
    snapshots(&mut app, "producer_json_error", "column 15");
    // The same value again: sent as it is.
    publish(&mut app, "{\"id\": 1,\n \"amount\": 12,,\n}");
    assert_eq!(produced(&mut rx).len(), 1);
    // Valid JSON and plain text on a topic with no JSON records pass at once.
    publish(&mut app, "[1, 2.50, {\"a\": null}]");
    publish(&mut app, "hello");
    assert_eq!(produced(&mut rx).len(), 2);
}

#[test]
fn on_a_topic_whose_records_are_json_text_is_refused_once() {
    let (mut app, mut rx) = app();
    let records: Vec<Record> = (0..3)
        .map(|i| Record {
            topic: "orders".into(),
            partition: 0,
            offset: i,
            timestamp_ms: None,
            leader_epoch: None,
            key: None,
            value: Some(format!("{{\"order\": {i}}}").into_bytes()),
            headers: vec![],
        })
        .collect();
    app.handle_event(Event::Kafka(KafkaEvent::Records {
        generation: app.tail.generation,
        records,
    }));
    publish(&mut app, "order 4");
    let why = invalid(&app);
    assert!(
        why.starts_with("the value is not JSON (the records of orders are JSON): line 1, column 1"),
        "{why}"
    );
    publish(&mut app, "order 4");
    assert_eq!(produced(&mut rx).len(), 1, "sent on the second Ctrl+S");
    // An empty value (a tombstone) is never refused.
    publish(&mut app, "");
    assert_eq!(produced(&mut rx).len(), 1);
}

/// `h` in the Producer (or `:history`) lists what was published, newest first, found by key
/// or value as one types (fuzzy); Enter puts the chosen one into the editors.
#[test]
fn the_history_list_finds_a_record_by_key_or_value() {
    use kafka_tui::state::producer_history::Entry;
    let (mut app, _rx) = app();
    app.focus = kafka_tui::state::Pane::Producer;
    app.producer.editing = false;
    press(&mut app, KeyCode::Char('h'));
    assert!(
        message(&app).contains("the history is empty"),
        "{}",
        message(&app)
    );
    for (key, value) in [
        ("user-7", "{\"event\":\"signup\"}"),
        ("", "plain text\nover two lines"),
        ("user-9", "{\"event\":\"refund\",\"amount\":12}"),
    ] {
        app.producer.history.add(Entry {
            topic: "orders".into(),
            key: key.into(),
            headers: String::new(),
            value: value.into(),
        });
    }
    app.focus = kafka_tui::state::Pane::Producer;
    app.producer.editing = false;
    press(&mut app, KeyCode::Char('h'));
    let list = app.palette.as_ref().expect("the list is open");
    let labels: Vec<String> = list
        .hits
        .iter()
        .map(|h| list.candidates[h.index].label())
        .collect();
    assert_eq!(
        labels,
        vec![
            "3 (user-9 {\"event\":\"refund\",\"amount\":12})",
            "2 (plain text over two lines)",
            "1 (user-7 {\"event\":\"signup\"})",
        ],
        "newest first, one line each"
    );
    snapshots(&mut app, "producer_history", "published records");
    type_text(&mut app, "signup");
    let list = app.palette.as_ref().unwrap();
    assert_eq!(list.selected().map(|c| c.text.as_str()), Some("1"));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.producer.editor(Field::Key).lines().join("\n"), "user-7");
    assert_eq!(
        app.producer.editor(Field::Value).lines().join("\n"),
        "{\"event\":\"signup\"}"
    );
    assert!(
        message(&app).starts_with("history 1/3 (sent to orders)"),
        "{}",
        message(&app)
    );
    command(&mut app, "history 7");
    assert!(message(&app).contains("give a number from 1 (the oldest) to 3"));
}

/// `:produce N` runs as a file job (none in a headless app: refused, nothing sent); its
/// progress, as the job reports it, is drawn in the status line, then its outcome.
#[test]
fn produce_n_shows_its_progress_in_the_status_line() {
    use kafka_tui::files::FileEvent;
    let (mut app, mut rx) = app();
    app.producer.set_text(Field::Key, "k-{{seq}}");
    app.producer.set_text(Field::Value, "{\"n\": {{seq}}}");
    command(&mut app, "produce 300");
    assert!(
        message(&app).contains("files are not available"),
        "{}",
        message(&app)
    );
    assert!(produced(&mut rx).is_empty());
    // What the job says a third of the way, as files.rs writes it.
    let report = kafka_tui::replay::ReplayReport {
        sent: 100,
        delivered: 98,
        ..Default::default()
    };
    let line = format!(
        "producing to orders: {}",
        kafka_tui::replay::progress_line(100, Some(300), &report)
    );
    app.handle_event(Event::File(FileEvent::Progress { line }));
    snapshots(
        &mut app,
        "producer_produce_progress",
        "producing to orders: [##########",
    );
    app.handle_event(Event::File(FileEvent::Done {
        ok: true,
        message: "300 records → orders: 300 delivered".into(),
    }));
    assert_eq!(message(&app), "300 records → orders: 300 delivered");
}
