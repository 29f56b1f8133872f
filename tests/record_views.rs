//! The record detail (issue 12.4) in the states the other snapshots do not pin: a long value
//! wrapped (`w`; a record opens scrolled sideways), a value in the Confluent wire format decoded
//! with its Avro schema (subject, version and id shown), the leader epoch where known and
//! where not, and `Y`'s copy of the whole record as JSON. The Avro bytes are written by the
//! apache-avro crate's own encoder from the schema, as a producer's serializer would.

mod common;
use common::fixture::{self, list_topics};

use std::sync::Arc;

use apache_avro::types::Value as AvroValue;
use kafka_tui::action::Action;
use kafka_tui::app::App;
use kafka_tui::event::{Event, KafkaEvent};
use kafka_tui::model::{Header, Record, StartFrom};
use kafka_tui::schema::avro::AvroSchema;
use kafka_tui::schema::loaded::{Codec, LoadedSchema};
use kafka_tui::schema::registry::SchemaType;
use kafka_tui::schema::service::{SchemaEvent, SchemaHandle};
use kafka_tui::state::record::TermRequest;
use kafka_tui::state::Pane;

const SIZES: [(u16, u16); 3] = [(200, 60), (160, 45), (80, 24)];

const ORDER_SCHEMA: &str = r#"{"type":"record","name":"Order","namespace":"shop",
 "fields":[{"name":"id","type":"long"},{"name":"item","type":"string"},
           {"name":"amount","type":"double"},{"name":"tags","type":{"type":"array","items":"string"}}]}"#;

/// A tail of `orders` holding one record with `value` (written in leader epoch 3), opened in
/// the detail.
fn opened(value: Vec<u8>, prepare: impl FnOnce(&mut App)) -> App {
    opened_in(value, Some(3), prepare)
}

/// The same, with the leader epoch the broker gave (`None`: none).
fn opened_in(value: Vec<u8>, leader_epoch: Option<i32>, prepare: impl FnOnce(&mut App)) -> App {
    let (mut app, _) = fixture::embedded_app(100);
    list_topics(&mut app, &[("orders", 1, 1)]);
    prepare(&mut app);
    app.start_tail("orders".into(), StartFrom::Beginning);
    let generation = app.tail.generation;
    app.handle_event(Event::Kafka(KafkaEvent::TailStarted {
        generation,
        partitions: 1,
        topics: vec!["orders".into()],
        notice: None,
    }));
    app.handle_event(Event::Kafka(KafkaEvent::Records {
        generation,
        records: vec![Record {
            topic: "orders".into(),
            partition: 0,
            offset: 41,
            timestamp_ms: Some(1_700_000_000_000),
            leader_epoch,
            key: Some(b"order-41".to_vec()),
            value: Some(value),
            headers: vec![Header {
                name: "source".into(),
                value: Some(b"web".to_vec()),
            }],
        }],
    }));
    app.now = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_003);
    app.update(Action::Focus(Pane::Tail));
    app.update(Action::Select);
    assert!(app.tail.detail, "the record is open");
    app.message = None;
    app
}

#[test]
fn a_long_value_wrapped() {
    let words: Vec<String> = (0..60).map(|i| format!("word{i:02}")).collect();
    let long = format!("start {} end", words.join(" "));
    for (w, h) in SIZES {
        let mut app = opened(long.clone().into_bytes(), |_| {});
        // A record opens on one line scrolled sideways: the end is off screen.
        let sideways = fixture::screen(&mut app, (w, h));
        // The value line says what it can whole: wide, all of it; narrow, no piece cut.
        assert!(
            w < 160 || sideways.contains("not wrapped (w) · y copy · o pager"),
            "{sideways}"
        );
        let value_line = sideways
            .lines()
            .find(|l| l.contains("value     429 bytes"))
            .expect("the value line");
        let said = value_line
            .rsplit_once("││")
            .map_or("", |(_, r)| r)
            .trim_end_matches('│');
        assert!(
            ["text", "auto", "(w)", "copy", "pager"]
                .iter()
                .any(|end| said.trim_end().ends_with(end)),
            "a piece is cut: {said:?}"
        );
        assert!(!sideways.contains("word59 end"), "{sideways}");
        // `w` wraps it: every word is on screen, in order.
        app.update(Action::ToggleWrap);
        let wrapped = fixture::screen(&mut app, (w, h));
        assert!(w < 160 || wrapped.contains("· wrapped (w)"), "{wrapped}");
        // The detail's rows below its `value` line, joined again: the whole value, in order.
        let rows: Vec<&str> = wrapped
            .lines()
            .skip_while(|l| !l.contains("value     429 bytes"))
            .skip(1)
            // Down to the Tail pane's bottom border (Topics may reach further down).
            .take_while(|l| !l.contains('╰'))
            .filter_map(|l| l.rsplit_once("││").map(|(_, r)| r.trim_end_matches('│')))
            .collect();
        let joined: String = rows.concat();
        if w >= 160 {
            assert_eq!(joined.trim_end(), long, "{wrapped}");
        } else {
            // 80x24 holds the start of it: the rest is a scroll (↓) away.
            assert!(long.starts_with(joined.trim_end()), "{wrapped}");
            assert!(joined.len() > 200, "{wrapped}");
        }
        insta::assert_snapshot!(format!("record_wrapped_{w}x{h}"), wrapped);
    }
}

#[test]
fn an_avro_value_decoded_with_its_schema() {
    let schema = apache_avro::Schema::parse_str(ORDER_SCHEMA).unwrap();
    let datum = AvroValue::Record(vec![
        ("id".into(), AvroValue::Long(41)),
        ("item".into(), AvroValue::String("keyboard".into())),
        ("amount".into(), AvroValue::Double(49.5)),
        (
            "tags".into(),
            AvroValue::Array(vec![AvroValue::String("eu".into())]),
        ),
    ]);
    // The Confluent wire format: magic byte 0, the schema id (big-endian), the Avro datum.
    let mut value = vec![0u8, 0, 0, 0, 7];
    let writer = apache_avro::writer::datum::GenericDatumWriter::builder(&schema)
        .build()
        .unwrap();
    value.extend(writer.write_value_to_vec(datum).unwrap());
    let loaded = LoadedSchema {
        id: 7,
        kind: SchemaType::Avro,
        subjects: vec![("orders-value".into(), 3)],
        codec: Codec::Avro(AvroSchema::parse(ORDER_SCHEMA, &[]).unwrap()),
    };
    let loaded = Arc::new(loaded);
    for (w, h) in SIZES {
        let loaded = loaded.clone();
        let mut app = opened(value.clone(), move |app| {
            app.schemas.handle = Some(SchemaHandle::detached("http://registry.test").0);
            app.handle_event(Event::Schema(SchemaEvent::Loaded {
                id: 7,
                result: Ok(loaded),
            }));
        });
        let s = fixture::screen(&mut app, (w, h));
        for needle in ["orders-value", "\"keyboard\"", "shop.Order"] {
            assert!(s.contains(needle), "{w}x{h}: no {needle:?} in\n{s}");
        }
        insta::assert_snapshot!(format!("record_avro_{w}x{h}"), s);
        // 80x24 holds the first fields: the amount is a row down.
        if h < 45 {
            app.update(Action::Down);
        }
        let s = fixture::screen(&mut app, (w, h));
        assert!(s.contains("\"amount\": 49.5,"), "{w}x{h}:\n{s}");
    }
}

/// The first rows of the detail, inside the Tail pane (the record's position and time).
fn detail_rows(screen: &str, n: usize) -> Vec<String> {
    screen
        .lines()
        .skip(2)
        .take(n)
        .filter_map(|l| {
            l.split_once("││")
                .map(|(_, r)| r.trim_end_matches('│').trim_end().to_string())
        })
        .collect()
}

/// The partition leader epoch the record was written in, beside its partition and offset;
/// "unknown" when the broker gave none. The time is never cut: on a narrow pane it has a row
/// of its own.
#[test]
fn the_leader_epoch_where_known_and_where_not() {
    for (w, h) in SIZES {
        let mut app = opened_in(br#"{"id":41}"#.to_vec(), Some(17), |_| {});
        let s = fixture::screen(&mut app, (w, h));
        let rows = detail_rows(&s, 2);
        assert!(
            rows[0].starts_with("partition 0  offset 41  leader epoch 17"),
            "{w}x{h}:\n{s}"
        );
        assert!(
            rows.iter()
                .any(|r| r.contains("time 2023-11-14T22:13:20.000Z (3s ago)")),
            "{w}x{h}: the time is cut:\n{s}"
        );
        if (w, h) != (160, 45) {
            insta::assert_snapshot!(format!("record_epoch_{w}x{h}"), s);
        }

        let mut app = opened_in(br#"{"id":41}"#.to_vec(), None, |_| {});
        let s = fixture::screen(&mut app, (w, h));
        assert!(
            detail_rows(&s, 1)[0].starts_with("partition 0  offset 41  leader epoch unknown"),
            "{w}x{h}:\n{s}"
        );
    }
}

/// `Y`: the whole record as one JSON object for the clipboard (OSC 52), its metadata with
/// it: topic, partition, offset, time, leader epoch (null when unknown), key, value, headers.
#[test]
fn capital_y_copies_the_record_as_json_with_its_leader_epoch() {
    for (epoch, want) in [
        (Some(17), serde_json::json!(17)),
        (None, serde_json::Value::Null),
    ] {
        let mut app = opened_in(br#"{"id":41}"#.to_vec(), epoch, |_| {});
        app.update(Action::CopyRecord);
        let Some(TermRequest::Copy { bytes, what }) = app.terminal.take() else {
            panic!("no copy asked for: {:?}", app.terminal);
        };
        assert_eq!(what, "the record as JSON");
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "topic": "orders",
                "partition": 0,
                "offset": 41,
                "timestamp_ms": 1_700_000_000_000_i64,
                "leader_epoch": want,
                "key": "order-41",
                "value": "{\"id\":41}",
                "headers": [{"name": "source", "value": "web"}],
            })
        );
    }
}
