//! The `:schemas` view without a registry server: the app fed registry answers, what it asks
//! the registry task for, its keys, and render snapshots at three sizes. The same view against
//! the real registry is in tests/schema_registry.rs.

mod common;
use common::fixture::{command, drain, press as key, screen};

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kafka_tui::app::{App, ClusterView, Connection};
use kafka_tui::event::Event;
use kafka_tui::kafka::api::KafkaHandle;
use kafka_tui::schema::registry::{
    Reference, RegisteredSchema, SchemaType, SubjectVersion, Version,
};
use kafka_tui::schema::service::{
    SchemaCommand, SchemaEvent, SchemaHandle, SubjectList, SubjectRow,
};
use kafka_tui::state::logs::LogsState;
use kafka_tui::state::tail::TailState;
use kafka_tui::state::views::View;
use kafka_tui::theme::Theme;
use tokio::sync::mpsc::UnboundedReceiver;

const FULL: (u16, u16) = (160, 45);
const SMALL: (u16, u16) = (80, 24);
const TINY: (u16, u16) = (40, 12);
const URL: &str = "http://registry.example:8081";

fn app() -> App {
    app_with(KafkaHandle::detached().0)
}

fn app_with(kafka: KafkaHandle) -> App {
    let cluster = ClusterView {
        label: "cluster".into(),
        address: "127.0.0.1:9092".into(),
        embedded: None,
        connection: Connection::Connected { brokers: 3 },
        last_error: None,
    };
    let logs = LogsState::new(vec![("broker".into(), "none".into())], 100);
    App::new(
        kafka,
        cluster,
        logs,
        TailState::new(1000, 1 << 20),
        Theme::builtin("dark"),
    )
}

fn row(subject: &str, versions: &[u32], ty: SchemaType, compat: Option<&str>) -> SubjectRow {
    let last = *versions.last().unwrap();
    SubjectRow {
        subject: subject.into(),
        versions: versions.to_vec(),
        latest: Some((last, 10 + last, ty)),
        compatibility: compat.map(String::from),
        problem: None,
    }
}

fn list() -> SubjectList {
    SubjectList {
        global: Ok(Some("BACKWARD".into())),
        rows: vec![
            row("orders-value", &[1, 2, 3], SchemaType::Avro, Some("FULL")),
            row("payments-value", &[1], SchemaType::Json, Some("BACKWARD")),
            row("shipments-value", &[1, 2], SchemaType::Protobuf, None),
            SubjectRow {
                subject: "broken-value".into(),
                versions: vec![],
                latest: None,
                compatibility: None,
                problem: Some("subject \"broken-value\" is not in the schema registry".into()),
            },
        ],
    }
}

/// An Avro schema of `fields` fields, as a registry keeps it (one line, no spaces).
fn avro(version: u32, fields: usize) -> Arc<SubjectVersion> {
    let fields: Vec<String> = (0..fields)
        .map(|i| format!(r#"{{"name":"field_{i}","type":"long"}}"#))
        .collect();
    Arc::new(SubjectVersion {
        subject: "shipments-value".into(),
        version,
        schema: RegisteredSchema {
            id: 10 + version,
            schema_type: SchemaType::Avro,
            schema: format!(
                r#"{{"type":"record","name":"Shipment","namespace":"shop","fields":[{}]}}"#,
                fields.join(",")
            ),
            references: vec![Reference {
                name: "shop.Money".into(),
                subject: "money".into(),
                version: 1,
            }],
        },
    })
}

fn with_registry() -> (App, UnboundedReceiver<SchemaCommand>) {
    let mut app = app();
    let (handle, rx) = SchemaHandle::detached(URL);
    app.schemas.handle = Some(handle);
    (app, rx)
}

fn top_view(app: &App) -> Option<&View> {
    app.views.last()
}

#[test]
fn schemas_lists_subjects_and_opens_one_at_its_latest_version() {
    let (mut app, mut rx) = with_registry();
    command(&mut app, "schemas");
    assert_eq!(
        drain(&mut rx),
        [SchemaCommand::Subjects],
        "opening asks the task"
    );
    let s = screen(&mut app, SMALL);
    assert!(
        s.contains("asking http://registry.example:8081 for its subjects…"),
        "{s}"
    );

    app.handle_event(Event::Schema(SchemaEvent::Subjects(Ok(list()))));
    let s = screen(&mut app, FULL);
    assert!(
        s.contains("4 subjects · global compatibility BACKWARD"),
        "{s}"
    );
    assert!(s.contains("orders-value"), "{s}");
    assert!(s.contains("v3 (id 13)"), "{s}");
    assert!(s.contains("FULL"), "{s}");
    // A level equal to the global one, or none, reads as the global one.
    assert!(s.contains("BACKWARD (global)"), "{s}");
    assert!(s.contains("JSON Schema"), "{s}");
    assert!(s.contains("✖ subject \"broken-v"), "{s}");
    insta::assert_snapshot!("schemas_list_160x45", s);
    insta::assert_snapshot!("schemas_list_80x24", screen(&mut app, SMALL));
    insta::assert_snapshot!("schemas_list_40x12", screen(&mut app, TINY));

    // The third subject: Enter asks for its latest version by number.
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        drain(&mut rx),
        [SchemaCommand::Show {
            subject: "shipments-value".into(),
            version: Version::Number(2),
        }]
    );
    let s = screen(&mut app, SMALL);
    assert!(s.contains("asking for version 2…"), "{s}");
    app.handle_event(Event::Schema(SchemaEvent::Shown {
        subject: "shipments-value".into(),
        version: Version::Number(2),
        result: Ok(avro(2, 30)),
    }));
    let s = screen(&mut app, FULL);
    assert!(s.contains("Schema registry · shipments-value"), "{s}");
    assert!(s.contains("versions 1 [2]"), "{s}");
    assert!(
        s.contains("version 2 · id 12 · Avro · references shop.Money (money v1)"),
        "{s}"
    );
    // Pretty-printed, in the registry's key order.
    assert!(
        s.contains("\n│  \"type\": \"record\",") || s.contains("│  \"type\": \"record\","),
        "{s}"
    );
    insta::assert_snapshot!("schemas_subject_160x45", s);
    insta::assert_snapshot!("schemas_subject_80x24", screen(&mut app, SMALL));
    insta::assert_snapshot!("schemas_subject_40x12", screen(&mut app, TINY));
}

#[test]
fn a_schema_scrolls_to_its_last_line_and_no_further_and_versions_step() {
    let (mut app, mut rx) = with_registry();
    command(&mut app, "sr");
    app.handle_event(Event::Schema(SchemaEvent::Subjects(Ok(list()))));
    key(&mut app, KeyCode::End);
    // The selected subject's problem, in full under the table.
    let s = screen(&mut app, SMALL);
    assert!(
        s.contains("│✖ subject \"broken-value\" is not in the schema registry"),
        "{s}"
    );
    key(&mut app, KeyCode::Enter);
    let s = screen(&mut app, SMALL);
    assert!(
        s.contains("asking for version latest…"),
        "a subject without versions asks for latest:\n{s}"
    );
    key(&mut app, KeyCode::Esc);
    drain(&mut rx);
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Enter);
    drain(&mut rx);
    app.handle_event(Event::Schema(SchemaEvent::Shown {
        subject: "shipments-value".into(),
        version: Version::Number(2),
        result: Ok(avro(2, 30)),
    }));
    let s = screen(&mut app, SMALL);
    assert!(!s.contains("field_29"), "the end is below at first:\n{s}");
    key(&mut app, KeyCode::End);
    let s = screen(&mut app, SMALL);
    assert!(s.contains("\"name\": \"field_29\","), "{s}");
    assert!(s.contains("│}"), "the last line is on screen:\n{s}");
    // At the end, one step up shows one line less at the bottom: the scroll did not run past.
    key(&mut app, KeyCode::PageDown);
    key(&mut app, KeyCode::Up);
    let s = screen(&mut app, SMALL);
    assert!(!s.contains("│}"), "one line up from the end:\n{s}");

    // ← asks for version 1; a late answer for version 2 is not shown over it.
    key(&mut app, KeyCode::Left);
    assert_eq!(
        drain(&mut rx),
        [SchemaCommand::Show {
            subject: "shipments-value".into(),
            version: Version::Number(1),
        }]
    );
    app.handle_event(Event::Schema(SchemaEvent::Shown {
        subject: "shipments-value".into(),
        version: Version::Number(2),
        result: Ok(avro(2, 30)),
    }));
    let s = screen(&mut app, SMALL);
    assert!(s.contains("versions [1] 2"), "{s}");
    assert!(s.contains("asking for version 1…"), "{s}");
    key(&mut app, KeyCode::Left);
    assert!(drain(&mut rx).is_empty(), "no version before the first");
    app.handle_event(Event::Schema(SchemaEvent::Shown {
        subject: "shipments-value".into(),
        version: Version::Number(1),
        result: Err("version 1 of subject \"shipments-value\": boom".into()),
    }));
    let s = screen(&mut app, SMALL);
    assert!(
        s.contains("✖ version 1 of subject \"shipments-value\": boom"),
        "{s}"
    );

    // Esc backs out to the list, then closes the view.
    key(&mut app, KeyCode::Esc);
    assert!(
        matches!(top_view(&app), Some(View::Schemas(v)) if v.subject.is_none()),
        "{:?}",
        top_view(&app)
    );
    key(&mut app, KeyCode::Esc);
    assert!(top_view(&app).is_none());
}

#[test]
fn without_a_registry_the_view_says_how_to_set_one() {
    let mut app = app();
    command(&mut app, "schemas");
    let s = screen(&mut app, SMALL);
    assert!(s.contains("No schema registry is configured."), "{s}");
    assert!(s.contains("--schema-registry URL"), "{s}");
    insta::assert_snapshot!("schemas_not_configured_80x24", s);
    key(&mut app, KeyCode::Esc);
    assert!(top_view(&app).is_none());
}

#[test]
fn a_registry_that_is_down_says_so_and_r_asks_again() {
    let (mut app, mut rx) = with_registry();
    command(&mut app, "registry");
    drain(&mut rx);
    app.handle_event(Event::Schema(SchemaEvent::Subjects(Err(
        "schema registry http://registry.example:8081 is unreachable: connection refused".into(),
    ))));
    let s = screen(&mut app, SMALL);
    assert!(
        s.contains("✖ schema registry http://registry.example:8081 is"),
        "{s}"
    );
    assert!(s.contains("r asks again"), "{s}");
    insta::assert_snapshot!("schemas_down_80x24", s);
    key(&mut app, KeyCode::Char('r'));
    assert_eq!(drain(&mut rx), [SchemaCommand::Subjects]);
    let s = screen(&mut app, SMALL);
    assert!(s.contains("asking http://registry.example:8081"), "{s}");
}

/// `:schema SUBJECT VERSION`: Ctrl+S in the Producer asks the registry task to encode the typed
/// JSON before anything goes to Kafka; the encoder's reason is shown and nothing is sent; an
/// answer for an older publish is not taken for the newer one; without a registry, `:schema`
/// says so. (Against the real registry and cluster: tests/schema_registry.rs.)
#[test]
fn the_producer_encodes_with_the_chosen_subject_before_publishing() {
    use kafka_tui::kafka::api::KafkaCommand;
    use kafka_tui::schema::service::EncodedRecord;
    use kafka_tui::state::producer::ProduceStatus;

    let mut plain = app();
    command(&mut plain, "schema orders-value");
    let said = format!("{:?}", plain.message);
    assert!(said.contains("no schema registry configured"), "{said}");

    let (kafka, mut kafka_rx) = KafkaHandle::detached();
    let (handle, mut rx) = SchemaHandle::detached(URL);
    let mut app = app_with(kafka);
    app.schemas.handle = Some(handle);
    command(&mut app, "schema orders-value 2");
    command(&mut app, "tail orders");
    while kafka_rx.try_recv().is_ok() {}
    key(&mut app, KeyCode::Char('3'));
    for c in r#"{"a":1}"#.chars() {
        key(&mut app, KeyCode::Char(c));
    }
    let ctrl_s = || Event::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    app.handle_event(ctrl_s());
    let first = match drain(&mut rx).as_slice() {
        [SchemaCommand::Encode {
            tag,
            subject,
            version,
            json,
            ..
        }] => {
            assert_eq!(
                (subject.as_str(), *version, json.as_str()),
                ("orders-value", Version::Number(2), r#"{"a":1}"#)
            );
            *tag
        }
        other => panic!("{other:?}"),
    };
    app.handle_event(Event::Schema(SchemaEvent::Encoded {
        tag: first,
        result: Err("field \"order_id\" is missing".into()),
    }));
    match &app.producer.status {
        ProduceStatus::Invalid(e) => assert_eq!(
            e,
            "not sent: the value does not fit orders-value 2: field \"order_id\" is missing"
        ),
        other => panic!("{other:?}"),
    }
    let said = format!("{:?}", app.message);
    assert!(
        said.contains("not sent: the value does not fit orders-value 2")
            && !said.contains("encoding"),
        "the status line no longer says encoding: {said}"
    );
    assert!(
        !std::iter::from_fn(|| kafka_rx.try_recv().ok())
            .any(|c| matches!(c, KafkaCommand::Produce(_))),
        "nothing is published"
    );

    // Two publishes: the older one's answer is not the newer one's.
    app.handle_event(ctrl_s());
    app.handle_event(ctrl_s());
    let tags: Vec<u64> = drain(&mut rx)
        .into_iter()
        .map(|c| match c {
            SchemaCommand::Encode { tag, .. } => tag,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(tags.len(), 2);
    let encoded = |tag| {
        Event::Schema(SchemaEvent::Encoded {
            tag,
            result: Ok(EncodedRecord {
                bytes: vec![0, 0, 0, 0, 12, 2],
                subject: "orders-value".into(),
                version: 2,
                id: 12,
            }),
        })
    };
    app.handle_event(encoded(tags[0]));
    let said = format!("{:?}", app.message);
    assert!(!said.contains("value encoded"), "{said}");
    app.handle_event(encoded(tags[1]));
    let said = format!("{:?}", app.message);
    assert!(
        said.contains("value encoded with orders-value v2 (schema id 12)"),
        "{said}"
    );
    assert!(matches!(app.producer.status, ProduceStatus::Sending { .. }));
    // Out of the editor (where `:` is typed text), then off.
    key(&mut app, KeyCode::Esc);
    command(&mut app, "schema off");
    assert_eq!(app.schemas.produce_as, None);
}
