//! The tail's `/` filter and `:jq`, driven headless through keys and commands as a person
//! would: what is listed, the counts in the title, new arrivals, hide/highlight with n/N, and
//! clearing that can be undone. Plus a snapshot of a filtered tail.

mod common;
use common::fixture::{command, press as key, screen, type_text};

use std::time::{Duration, UNIX_EPOCH};

use crossterm::event::KeyCode;
use kafka_tui::app::{App, ClusterView, Connection};
use kafka_tui::event::{Event, KafkaEvent};
use kafka_tui::kafka::api::KafkaHandle;
use kafka_tui::model::{Header, Record, StartFrom};
use kafka_tui::state::logs::LogsState;
use kafka_tui::state::tail::TailState;
use kafka_tui::state::Pane;
use kafka_tui::theme::Theme;
use proptest::prelude::*;

const NOW_SECS: u64 = 1_700_000_000;

fn record(offset: i64, key: &str, value: &str) -> Record {
    Record {
        topic: "orders".into(),
        partition: (offset % 3) as i32,
        offset,
        timestamp_ms: Some(((NOW_SECS - 60) * 1000) as i64),
        leader_epoch: None,
        key: Some(key.as_bytes().to_vec()),
        value: Some(value.as_bytes().to_vec()),
        headers: Vec::new(),
    }
}

fn orders() -> Vec<Record> {
    vec![
        record(0, "o-1", r#"{"order_id":"o-1","amount":50,"country":"FR"}"#),
        record(
            1,
            "o-2",
            r#"{"order_id":"o-2","amount":150,"country":"DE"}"#,
        ),
        record(2, "o-3", "not json at all: REFUND requested"),
        record(
            3,
            "o-4",
            r#"{"order_id":"o-4","amount":400,"country":"FR"}"#,
        ),
        record(4, "o-5", r#"[{"order_id":"o-5","country":"US"}]"#),
    ]
}

fn app_with(records: Vec<Record>) -> App {
    let cluster = ClusterView {
        label: "embedded broker".into(),
        address: "127.0.0.1:9092".into(),
        embedded: None,
        connection: Connection::Connected { brokers: 1 },
        last_error: None,
    };
    let logs = LogsState::new(vec![("broker".into(), "log".into())], 100);
    let tail = TailState::new(10_000, 64 << 20);
    let mut app = App::new(
        KafkaHandle::detached().0,
        cluster,
        logs,
        tail,
        Theme::builtin("dark"),
    );
    app.now = UNIX_EPOCH + Duration::from_secs(NOW_SECS);
    app.start_tail("orders".into(), StartFrom::Beginning);
    let generation = app.tail.generation;
    app.handle_event(Event::Kafka(KafkaEvent::TailStarted {
        generation,
        partitions: 3,
        topics: Vec::new(),
        notice: None,
    }));
    push(&mut app, records);
    app.update(kafka_tui::action::Action::Focus(Pane::Tail));
    app.message = None;
    app
}

fn push(app: &mut App, records: Vec<Record>) {
    let generation = app.tail.generation;
    app.handle_event(Event::Kafka(KafkaEvent::Records {
        generation,
        records,
    }));
}

/// The offsets listed, in order.
fn listed(app: &App) -> Vec<i64> {
    let (first, end) = app.tail.view_bounds();
    app.tail
        .view_range(first, end)
        .map(|(_, r)| r.offset)
        .collect()
}

#[test]
fn slash_filters_live_while_typing_and_keeps_filtering_new_arrivals() {
    let mut app = app_with(orders());
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "fr");
    // Live, before Enter: case-insensitive over the value.
    assert_eq!(listed(&app), vec![0, 3]);
    key(&mut app, KeyCode::Enter);
    assert!(screen(&mut app, (120, 30)).contains("2/5 matched"));
    // Typed keys went to the prompt, not to the key table: `c` and `f` did nothing.
    assert_eq!(app.tail.records.len(), 5);
    push(
        &mut app,
        vec![
            record(5, "o-6", r#"{"country":"fr"}"#),
            record(6, "x", "de"),
        ],
    );
    assert_eq!(listed(&app), vec![0, 3, 5]);
    assert!(screen(&mut app, (120, 30)).contains("3/7 matched"));
    // Esc clears the filter: everything again.
    key(&mut app, KeyCode::Esc);
    assert_eq!(listed(&app).len(), 7);
}

/// A paused tail stays paused through a filter that hides the selected record and through
/// clearing it: the selection moves to a listed record, the title keeps saying PAUSED.
#[test]
fn a_paused_tail_stays_paused_through_a_filter() {
    let mut app = app_with(orders());
    key(&mut app, KeyCode::Char('k')); // offset 3 selected, paused
    assert!(app.tail.paused());
    assert_eq!(app.tail.selected().map(|r| r.offset), Some(3));
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "o-2");
    key(&mut app, KeyCode::Enter);
    assert_eq!(listed(&app), vec![1]);
    assert!(app.tail.paused(), "the filter resumed following");
    assert_eq!(app.tail.selected().map(|r| r.offset), Some(1));
    assert!(screen(&mut app, (120, 30)).contains("PAUSED"));
    key(&mut app, KeyCode::Esc);
    assert_eq!(listed(&app).len(), 5);
    assert!(app.tail.paused(), "clearing the filter resumed following");
    assert_eq!(app.tail.selected().map(|r| r.offset), Some(1));
    // A filter nothing matches: still paused; the first match to come is selected.
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "nothing-like-this");
    key(&mut app, KeyCode::Enter);
    assert!(listed(&app).is_empty() && app.tail.paused());
    push(&mut app, vec![record(5, "k", "nothing-like-this here")]);
    assert_eq!(app.tail.selected().map(|r| r.offset), Some(5));
}

#[test]
fn regex_and_inverted_filters() {
    let mut app = app_with(orders());
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, r#"/"amount":\d{3}/"#);
    key(&mut app, KeyCode::Enter);
    assert_eq!(listed(&app), vec![1, 3]);
    key(&mut app, KeyCode::Char('/'));
    // The prompt opens on the current filter: put `!` in front of it.
    key(&mut app, KeyCode::Home);
    for _ in 0..r#"/"amount":\d{3}/"#.len() {
        key(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "!refund");
    key(&mut app, KeyCode::Enter);
    assert_eq!(listed(&app), vec![0, 1, 3, 4]);
}

#[test]
fn a_bad_regex_keeps_the_last_filter_and_says_why() {
    let mut app = app_with(orders());
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "/o-(");
    key(&mut app, KeyCode::Enter);
    let msg = app.message.as_ref().expect("a message").clone();
    assert!(msg.error && msg.text.contains("bad regex"), "{msg:?}");
    let s = screen(&mut app, (120, 30));
    assert!(s.contains("bad regex"), "{s}");
    // `/o-` was valid a keystroke earlier and stays in force.
    assert_eq!(listed(&app).len(), 5);
}

#[test]
fn highlight_lists_everything_and_n_jumps_between_matches() {
    let mut app = app_with(orders());
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "fr");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('h'));
    assert_eq!(listed(&app), vec![0, 1, 2, 3, 4]);
    key(&mut app, KeyCode::Char('g'));
    assert_eq!(app.tail.selected().unwrap().offset, 0);
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(app.tail.selected().unwrap().offset, 3);
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(app.tail.selected().unwrap().offset, 3);
    assert!(app
        .message
        .as_ref()
        .unwrap()
        .text
        .contains("no more matches"));
    key(&mut app, KeyCode::Char('N'));
    assert_eq!(app.tail.selected().unwrap().offset, 0);
    let s = screen(&mut app, (120, 30));
    assert!(s.contains("2/5 matched highlighted"), "{s}");
    // Back to hiding keeps the selected record selected.
    key(&mut app, KeyCode::Char('n'));
    key(&mut app, KeyCode::Char('h'));
    assert_eq!(app.tail.selected().unwrap().offset, 3);
    assert_eq!(listed(&app), vec![0, 3]);
}

#[test]
fn jq_selects_and_projects_json_values() {
    let mut app = app_with(orders());
    command(&mut app, "jq select(.amount > 100) | .order_id");
    assert_eq!(listed(&app), vec![1, 3]);
    let s = screen(&mut app, (120, 30));
    assert!(s.contains("\"o-2\""), "{s}");
    assert!(s.contains("2/5 matched"), "{s}");
    // `.amount > 100` on a string is a jq error for that record, counted and shown.
    assert!(s.contains("jq failed on 1 record ("), "{s}");
    // New arrivals go through it too.
    push(
        &mut app,
        vec![record(9, "o-9", r#"{"order_id":"o-9","amount":101}"#)],
    );
    assert_eq!(listed(&app), vec![1, 3, 9]);
    // `/` and `:jq` combine.
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "fr");
    key(&mut app, KeyCode::Enter);
    assert_eq!(listed(&app), vec![3]);
    command(&mut app, "jq");
    assert_eq!(listed(&app), vec![0, 3]);
}

#[test]
fn jq_errors_are_clear_and_leave_the_tail_alone() {
    let mut app = app_with(orders());
    command(&mut app, "jq select(.amount >");
    let msg = app.message.as_ref().unwrap().clone();
    assert!(msg.error && msg.text.starts_with("jq syntax"), "{msg:?}");
    command(&mut app, "jq nosuchfn");
    let msg = app.message.as_ref().unwrap().clone();
    assert!(msg.error && msg.text.contains("nosuchfn"), "{msg:?}");
    assert_eq!(listed(&app).len(), 5);
    // `halt` ends the program's run, not kafka-tui.
    command(&mut app, "jq halt");
    assert!(listed(&app).is_empty());
}

#[test]
fn clear_can_be_undone() {
    let mut app = app_with(orders());
    key(&mut app, KeyCode::Char('c'));
    assert!(app.tail.records.is_empty());
    assert!(app
        .message
        .as_ref()
        .unwrap()
        .text
        .contains("u brings them back"));
    push(&mut app, vec![record(5, "o-6", "late")]);
    key(&mut app, KeyCode::Char('u'));
    let offsets: Vec<i64> = app.tail.records.iter().map(|r| r.offset).collect();
    assert_eq!(offsets, vec![0, 1, 2, 3, 4, 5]);
    key(&mut app, KeyCode::Char('u'));
    assert!(app
        .message
        .as_ref()
        .unwrap()
        .text
        .contains("nothing to undo"));
}

#[test]
fn filtered_records_leave_the_buffer_with_their_matches() {
    let mut app = app_with(Vec::new());
    app.tail = TailState::new(4, 64 << 20);
    app.start_tail("orders".into(), StartFrom::Beginning);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "keep");
    key(&mut app, KeyCode::Enter);
    let batch = (0..10)
        .map(|i| record(i, "k", if i % 2 == 0 { "keep" } else { "drop" }))
        .collect();
    push(&mut app, batch);
    assert_eq!(listed(&app), vec![6, 8]);
    let s = screen(&mut app, (120, 30));
    assert!(s.contains("2/4 matched · 6 dropped"), "{s}");
}

#[test]
fn snapshot_of_a_filtered_tail() {
    let mut app = app_with(orders());
    push(
        &mut app,
        vec![Record {
            headers: vec![Header {
                name: "country".into(),
                value: Some(b"fr".to_vec()),
            }],
            ..record(5, "o-6", "header match")
        }],
    );
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "FR");
    key(&mut app, KeyCode::Enter);
    app.message = None;
    insta::assert_snapshot!("filtered_tail", screen(&mut app, (100, 24)));
    key(&mut app, KeyCode::Char('h'));
    app.message = None;
    insta::assert_snapshot!("filtered_tail_highlighted", screen(&mut app, (100, 24)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever arrives and however the buffer evicts, the listed records are exactly the
    /// held records the filter matches, in order.
    #[test]
    fn listed_is_held_filtered(
        values in proptest::collection::vec("[a-cA-C]{0,4}", 0..60),
        cap in 1usize..20,
        batch in 1usize..7,
        text in "[a-cA-C]{1,2}",
        invert in any::<bool>(),
    ) {
        let mut app = app_with(Vec::new());
        app.tail = TailState::new(cap, 64 << 20);
        app.start_tail("orders".into(), StartFrom::Beginning);
        let filter = if invert { format!("!{text}") } else { text.clone() };
        app.tail.set_query(&filter).unwrap();
        let records: Vec<Record> = values.iter().enumerate().map(|(i, v)| record(i as i64, "", v)).collect();
        for chunk in records.chunks(batch) {
            push(&mut app, chunk.to_vec());
        }
        let needle = text.to_lowercase();
        let want: Vec<i64> = app
            .tail
            .records
            .iter()
            .filter(|r| {
                let v = String::from_utf8_lossy(r.value.as_deref().unwrap_or_default()).to_lowercase();
                v.contains(&needle) != invert
            })
            .map(|r| r.offset)
            .collect();
        prop_assert_eq!(listed(&app), want);
    }
}
