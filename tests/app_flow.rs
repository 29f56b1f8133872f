//! Headless app flows: keys in, state and Kafka commands out, with a detached Kafka handle so
//! every command the app would send to the cluster can be inspected.

mod common;
use common::fixture::{commands, ctrl, inactive_group, press, tail_orders, type_text};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use kafka_tui::app::{App, ClusterView, Connection, Mode};
use kafka_tui::event::{Event, KafkaEvent};
use kafka_tui::kafka::api::{KafkaCommand, KafkaError, KafkaHandle};
use kafka_tui::model::StartFrom;
use kafka_tui::model::{ClusterSnapshot, Delivery, PartitionInfo, TopicInfo};
use kafka_tui::state::logs::LogsState;
use kafka_tui::state::producer::{Field, ProduceStatus};
use kafka_tui::state::tail::TailState;
use kafka_tui::state::Pane;
use kafka_tui::theme::Theme;
use rdkafka::types::RDKafkaErrorCode;
use tokio::sync::mpsc::UnboundedReceiver;

fn topic(name: &str, parts: i32) -> TopicInfo {
    TopicInfo {
        name: name.into(),
        partitions: (0..parts)
            .map(|id| PartitionInfo {
                id,
                leader: 1,
                watermarks: Some((0, 10)),
                under_replicated: false,
            })
            .collect(),
        error: None,
    }
}

fn app() -> (App, UnboundedReceiver<KafkaCommand>) {
    let (kafka, rx) = KafkaHandle::detached();
    let cluster = ClusterView {
        label: "cluster".into(),
        address: "localhost:9092".into(),
        embedded: None,
        connection: Connection::Connecting,
        last_error: None,
    };
    let logs = LogsState::new(
        vec![
            ("broker".into(), "b".into()),
            ("zookeeper".into(), "z".into()),
        ],
        100,
    );
    let mut app = App::new(
        kafka,
        cluster,
        logs,
        TailState::new(100, 1 << 20),
        Theme::builtin("dark"),
    );
    app.size = (120, 36);
    let snap = ClusterSnapshot {
        brokers: 3,
        topics: vec![
            topic("orders", 3),
            topic("payments", 1),
            topic("__consumer_offsets", 50),
        ],
    };
    app.handle_event(Event::Kafka(KafkaEvent::Topics(Ok(snap))));
    (app, rx)
}

#[test]
fn connection_and_topics_arrive() {
    let (app, _) = app();
    assert_eq!(app.cluster.connection, Connection::Connected { brokers: 3 });
    let names: Vec<_> = app.topics.visible().map(|t| t.name.clone()).collect();
    assert_eq!(names, vec!["orders", "payments"], "internal topics hidden");
}

#[test]
fn number_keys_tab_and_mouse_move_focus() {
    let (mut app, _) = app();
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(app.focus, Pane::Tail);
    press(&mut app, KeyCode::Char('4'));
    assert_eq!(app.focus, Pane::Logs);
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Pane::Topics);
    press(&mut app, KeyCode::BackTab);
    assert_eq!(app.focus, Pane::Logs);
    // A click in the lower left quarter of a 120x36 screen lands in the producer.
    app.handle_event(Event::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 10,
        row: 30,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(app.focus, Pane::Producer);
}

#[test]
fn enter_on_a_topic_tails_it_from_the_default_start() {
    let (mut app, mut rx) = app();
    app.default_start = StartFrom::Beginning;
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Pane::Tail);
    assert_eq!(app.tail.single_topic(), Some("payments"));
    match commands(&mut rx).as_slice() {
        [KafkaCommand::Tail(req)] => {
            assert_eq!(req.topics.single(), Some("payments"));
            assert_eq!(req.start, StartFrom::Beginning);
            assert_eq!(req.generation, app.tail.generation);
        }
        other => panic!("expected one tail command, got {other:?}"),
    }
}

#[test]
fn filter_prompt_filters_live_and_esc_clears() {
    let (mut app, _) = app();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "pay");
    assert!(matches!(app.mode, Mode::Prompt { .. }));
    assert_eq!(app.topics.visible_len(), 1);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.topics.selected_name(), Some("payments"));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.topics.visible_len(), 2);
}

#[test]
fn typing_in_the_producer_does_not_trigger_pane_keys_and_esc_leaves_first() {
    let (mut app, _) = app();
    press(&mut app, KeyCode::Char('3'));
    assert!(app.producer.editing);
    assert_eq!(app.producer.field, Field::Value);
    type_text(&mut app, "q1/?");
    assert!(!app.quit, "q typed into the editor does not quit");
    assert_eq!(app.focus, Pane::Producer);
    assert_eq!(app.producer.value.lines().join("\n"), "q1/?");
    press(&mut app, KeyCode::Esc);
    assert!(!app.producer.editing);
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
}

/// Esc and the next key arriving together read as Alt+key (CI saw Esc q type into the
/// editor on a busy machine): the app keys mean Esc, then the key.
#[test]
fn esc_and_a_key_read_together_as_alt_key_still_leave_the_editor() {
    let (mut app, _) = app();
    let alt = |app: &mut App, c: char| {
        app.handle_event(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::ALT,
        )))
    };
    press(&mut app, KeyCode::Char('3'));
    type_text(&mut app, "v");
    alt(&mut app, ':');
    assert!(!app.producer.editing);
    assert!(matches!(app.mode, Mode::Prompt { .. }), "{:?}", app.mode);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('3'));
    assert!(app.producer.editing);
    alt(&mut app, 'q');
    assert!(app.quit);
    assert_eq!(
        app.producer.value.lines().join("\n"),
        "v",
        "nothing typed by Alt+q"
    );
}

#[test]
fn publish_sends_key_headers_value_and_delivery_clears_only_the_value() {
    let (mut app, mut rx) = app();
    tail_orders(&mut app, &mut rx);
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Tab); // value -> key
    type_text(&mut app, "user-7");
    press(&mut app, KeyCode::Enter); // key is one line: Enter moves on to headers
    assert_eq!(app.producer.field, Field::Headers);
    type_text(&mut app, "trace=1");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "hello");
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "world");
    ctrl(&mut app, 's');
    let cmds = commands(&mut rx);
    let [KafkaCommand::Produce(req)] = cmds.as_slice() else {
        panic!("expected a produce, got {cmds:?}")
    };
    assert_eq!(req.topic, "orders");
    assert_eq!(req.key.as_deref(), Some(&b"user-7"[..]));
    assert_eq!(req.headers.len(), 1);
    assert_eq!(req.value, b"hello\nworld");
    assert!(matches!(app.producer.status, ProduceStatus::Sending { .. }));

    app.handle_event(Event::Kafka(KafkaEvent::Delivery(Delivery::Delivered {
        topic: "orders".into(),
        partition: 1,
        offset: 41,
    })));
    assert!(app.producer.value.is_empty());
    assert_eq!(
        app.producer.key.lines().join(""),
        "user-7",
        "key stays for the next record"
    );
}

#[test]
fn failed_delivery_keeps_everything_typed() {
    let (mut app, mut rx) = app();
    app.start_tail("orders".into(), StartFrom::End);
    press(&mut app, KeyCode::Char('3'));
    type_text(&mut app, "precious");
    ctrl(&mut app, 's');
    commands(&mut rx);
    app.handle_event(Event::Kafka(KafkaEvent::Delivery(Delivery::Failed {
        topic: "orders".into(),
        error: "Broker: Message size too large".into(),
    })));
    assert_eq!(app.producer.value.lines().join(""), "precious");
    assert!(matches!(
        app.producer.status,
        ProduceStatus::Done(Delivery::Failed { .. })
    ));
}

#[test]
fn bad_headers_are_refused_before_sending() {
    let (mut app, mut rx) = app();
    app.start_tail("orders".into(), StartFrom::End);
    commands(&mut rx);
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::BackTab); // value -> headers
    type_text(&mut app, "no-equals-sign");
    ctrl(&mut app, 's');
    assert!(commands(&mut rx).is_empty());
    match &app.producer.status {
        ProduceStatus::Invalid(e) => assert!(e.contains("line 1"), "{e}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn publishing_to_an_untailed_topic_tails_it_first_then_sends() {
    let (mut app, mut rx) = app();
    press(&mut app, KeyCode::Char('3'));
    type_text(&mut app, "x");
    ctrl(&mut app, 's');
    let cmds = commands(&mut rx);
    assert!(
        matches!(cmds.as_slice(), [KafkaCommand::Tail(t)] if t.topics.single() == Some("orders")),
        "{cmds:?}"
    );
    app.handle_event(Event::Kafka(KafkaEvent::TailStarted {
        generation: app.tail.generation,
        partitions: 3,
        topics: Vec::new(),
        notice: None,
    }));
    let cmds = commands(&mut rx);
    assert!(
        matches!(cmds.as_slice(), [KafkaCommand::Produce(p)] if p.topic == "orders"),
        "{cmds:?}"
    );
}

#[test]
fn stale_tail_batches_are_ignored() {
    let (mut app, _rx) = app();
    app.start_tail("orders".into(), StartFrom::End);
    let old = app.tail.generation;
    app.start_tail("payments".into(), StartFrom::End);
    let rec = kafka_tui::model::Record {
        topic: "orders".into(),
        partition: 0,
        offset: 1,
        timestamp_ms: None,
        leader_epoch: None,
        key: None,
        value: Some(b"late".to_vec()),
        headers: vec![],
    };
    app.handle_event(Event::Kafka(KafkaEvent::Records {
        generation: old,
        records: vec![rec],
    }));
    assert!(app.tail.records.is_empty());
}

#[test]
fn command_mode() {
    let (mut app, mut rx) = app();
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "tail payments -5");
    press(&mut app, KeyCode::Enter);
    match commands(&mut rx).as_slice() {
        [KafkaCommand::Tail(t)] => assert_eq!(
            (t.topics.single().unwrap_or_default(), t.start),
            ("payments", StartFrom::Tail(5))
        ),
        other => panic!("{other:?}"),
    }
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "from 15m");
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.tail.start, StartFrom::Ago(_)));
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "bogus");
    press(&mut app, KeyCode::Enter);
    assert!(app
        .message
        .as_ref()
        .is_some_and(|m| m.error && m.text.contains("unknown command")));
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "q");
    press(&mut app, KeyCode::Enter);
    assert!(app.quit);
}

#[test]
fn unreachable_cluster_is_reported_with_librdkafka_reason() {
    let (kafka, _rx) = KafkaHandle::detached();
    let cluster = ClusterView {
        label: "cluster".into(),
        address: "nowhere:9092".into(),
        embedded: None,
        connection: Connection::Connecting,
        last_error: None,
    };
    let mut app = App::new(
        kafka,
        cluster,
        LogsState::new(vec![], 10),
        TailState::new(10, 1 << 20),
        Theme::builtin("dark"),
    );
    app.handle_event(Event::Kafka(KafkaEvent::ClientError(
        KafkaError::from_code(
            Some(RDKafkaErrorCode::Resolve),
            "nowhere:9092/bootstrap: Failed to resolve 'nowhere:9092'",
        ),
    )));
    app.handle_event(Event::Kafka(KafkaEvent::Topics(Err(
        KafkaError::from_code(Some(RDKafkaErrorCode::OperationTimedOut), "timed out"),
    ))));
    assert!(
        matches!(&app.cluster.connection, Connection::Unreachable(e) if e.to_string().contains("cannot reach"))
    );
    assert!(app
        .cluster
        .last_error
        .as_ref()
        .is_some_and(|e| e.detail.contains("Failed to resolve")));
}

#[test]
fn read_only_refuses_writes_in_the_ui_before_anything_is_sent() {
    let (mut app, mut rx) = app();
    app.read_only = true;
    app.start_tail("orders".into(), StartFrom::End);
    commands(&mut rx);
    press(&mut app, KeyCode::Char('3'));
    type_text(&mut app, "nope");
    ctrl(&mut app, 's');
    assert!(matches!(&app.producer.status, ProduceStatus::Refused(e) if e.contains("read-only")));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('1'));
    for key in [KeyCode::Char('n'), KeyCode::Char('p')] {
        press(&mut app, key);
        assert!(app.dialog.is_none(), "{key:?} must not open a write dialog");
        assert!(app
            .message
            .as_ref()
            .is_some_and(|m| m.error && m.text.contains("read-only")));
    }
    ctrl(&mut app, 'd');
    assert!(app.dialog.is_none());
    assert!(commands(&mut rx).is_empty(), "nothing was sent");
}

#[test]
fn delete_topic_needs_the_exact_name() {
    let (mut app, mut rx) = app();
    ctrl(&mut app, 'd');
    assert!(app.dialog.is_some());
    type_text(&mut app, "order");
    press(&mut app, KeyCode::Enter);
    assert!(
        commands(&mut rx).is_empty(),
        "a partial name deletes nothing"
    );
    assert!(app.dialog.is_some(), "the dialog stays open");
    let said = app
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(
        said.contains(r#""order" does not match the topic's name "orders""#),
        "{said}"
    );
    // The dialog says so while typing, before Enter.
    let screen = |app: &mut App| {
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
        term.draw(|f| kafka_tui::ui::draw(f, &*app)).unwrap();
        let buf = term.backend().buffer().clone();
        (0..buf.area.height)
            .map(|y| {
                (0..buf.area.width)
                    .map(|x| buf[(x, y)].symbol())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    type_text(&mut app, "x");
    assert!(screen(&mut app).contains("does not match the name"));
    press(&mut app, KeyCode::Backspace);
    assert!(screen(&mut app).contains("keep typing"));
    type_text(&mut app, "s");
    assert!(screen(&mut app).contains("matches: Enter deletes"));
    press(&mut app, KeyCode::Enter);
    let cmds = commands(&mut rx);
    assert!(
        matches!(cmds.as_slice(), [KafkaCommand::DeleteTopic(t)] if t == "orders"),
        "{cmds:?}"
    );
}

#[test]
fn create_topic_dialog_validates_then_sends() {
    let (mut app, mut rx) = app();
    press(&mut app, KeyCode::Char('n'));
    let asked = commands(&mut rx);
    assert!(
        matches!(asked.as_slice(), [KafkaCommand::TopicDefaults]),
        "the form asks for the cluster's defaults: {asked:?}"
    );
    type_text(&mut app, "bad name");
    press(&mut app, KeyCode::Enter);
    assert!(commands(&mut rx).is_empty());
    for _ in 0.." name".len() {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "_new");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "6");
    press(&mut app, KeyCode::Enter);
    let cmds = commands(&mut rx);
    assert!(
        matches!(cmds.as_slice(), [KafkaCommand::CreateTopic { name, partitions: Some(6), replication: None, .. }] if name == "bad_new"),
        "{cmds:?}"
    );
    assert!(app.dialog.is_none());
}

/// The create form shows what empty fields get before Enter (issue 13.8): the cluster's
/// defaults as a broker reports them, or, on the embedded broker, what it does.
#[test]
fn the_create_form_shows_the_clusters_defaults() {
    let (mut app, mut rx) = app();
    press(&mut app, KeyCode::Char('n'));
    commands(&mut rx);
    let shown = |app: &mut App| common::fixture::screen(app, (80, 24));
    assert!(shown(&mut app).contains("empty fields get the cluster's defaults: asking a broker…"));
    // What admin::defaults_from makes of a broker's configs (hours, as Kafka ships them).
    let broker = [
        ("num.partitions", "3"),
        ("default.replication.factor", "2"),
        ("log.cleanup.policy", "delete"),
        ("log.retention.hours", "168"),
        ("min.insync.replicas", "2"),
    ];
    let defaults = kafka_tui::kafka::admin::defaults_from(1, |name: &str| {
        broker
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    });
    app.handle_event(Event::Kafka(KafkaEvent::TopicDefaults(Ok(defaults))));
    let screen = shown(&mut app);
    assert!(
        screen.contains("left empty: 3 partitions, replication factor 2 (broker 1)"),
        "{screen}"
    );
    assert!(
        screen.contains("cleanup.policy=delete  retention.ms=604800000 (7days)"),
        "{screen}"
    );
    assert!(screen.contains("min.insync.replicas=2"), "{screen}");
    // A refusal (no Describe on the broker, or an old broker) is said, and the form works.
    app.handle_event(Event::Kafka(KafkaEvent::TopicDefaults(Err(
        kafka_tui::kafka::api::KafkaError::other("Cluster authorization failed"),
    ))));
    assert!(shown(&mut app).contains("defaults not read: Cluster authorization failed"));

    // The embedded broker: nothing is asked, what it does is said.
    let (mut app, mut rx) = self::app();
    app.cluster.embedded = Some(("librdkafka mock".into(), Default::default()));
    press(&mut app, KeyCode::Char('n'));
    assert!(commands(&mut rx).is_empty());
    let screen = shown(&mut app);
    assert!(
        screen.contains("left empty: 4 partitions, replication factor 1 (the embedded broker)"),
        "{screen}"
    );
}

#[test]
fn views_open_from_commands_and_esc_backs_out() {
    let (mut app, mut rx) = app();
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "groups");
    press(&mut app, KeyCode::Enter);
    assert!(matches!(
        commands(&mut rx).as_slice(),
        [KafkaCommand::Groups]
    ));
    let g = |n: &str| kafka_tui::model::GroupSummary {
        name: n.into(),
        state: "Stable".into(),
        protocol_type: "consumer".into(),
        members: 1,
        ..Default::default()
    };
    app.handle_event(Event::Kafka(KafkaEvent::Groups(Ok(vec![
        g("billing"),
        g("orders-app"),
    ]))));
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "orders");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    let cmds = commands(&mut rx);
    assert!(
        matches!(cmds.as_slice(), [KafkaCommand::GroupDetail(n)] if n == "orders-app"),
        "{cmds:?}"
    );
    assert_eq!(app.views.len(), 2);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc); // clears the groups filter
    press(&mut app, KeyCode::Esc);
    assert!(app.views.is_empty());
    assert!(!app.quit);
}

/// Issue 13.6: the open groups list is listed again every 10 s (one lag-trend sample each),
/// never while a listing is awaited; lag order first, `s` cycles the order, and the selected
/// group stays selected when a new listing reorders the rows.
#[test]
fn groups_list_refreshes_sorts_by_lag_and_keeps_the_selection() {
    use std::time::{Duration, Instant};
    let (mut app, mut rx) = app();
    let g = |n: &str, lag: i64| kafka_tui::model::GroupSummary {
        name: n.into(),
        state: "Stable".into(),
        protocol_type: "consumer".into(),
        members: 1,
        topics: vec!["orders".into()],
        lag: Some(lag),
        lag_partial: false,
    };
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "groups");
    press(&mut app, KeyCode::Enter);
    assert!(matches!(
        commands(&mut rx).as_slice(),
        [KafkaCommand::Groups]
    ));
    let t0 = Instant::now();
    app.tick_views(t0 + Duration::from_secs(30));
    assert!(
        commands(&mut rx).is_empty(),
        "not while the first listing is awaited"
    );

    app.handle_event(Event::Kafka(KafkaEvent::Groups(Ok(vec![
        g("audit", 5),
        g("billing", 900),
    ]))));
    let selected = |app: &App| match app.views.last() {
        Some(View::Groups { selected, .. }) => *selected,
        other => panic!("{other:?}"),
    };
    // Lag first: billing (900) is row 0. Select audit (row 1).
    press(&mut app, KeyCode::Down);
    assert_eq!(selected(&app), 1);

    app.tick_views(t0 + Duration::from_secs(5));
    assert!(commands(&mut rx).is_empty(), "not before 10 s");
    app.tick_views(t0 + Duration::from_secs(11));
    assert!(matches!(
        commands(&mut rx).as_slice(),
        [KafkaCommand::Groups]
    ));
    // audit's lag grows past billing's: audit moves to row 0 and stays selected.
    app.handle_event(Event::Kafka(KafkaEvent::Groups(Ok(vec![
        g("audit", 5_000),
        g("billing", 900),
    ]))));
    assert_eq!(selected(&app), 0);
    assert_eq!(
        app.groups.trend["audit"]
            .iter()
            .copied()
            .collect::<Vec<_>>(),
        [Some(5), Some(5_000)]
    );
    // s: by name; audit is still the selected one (row 0 by name too), then billing by lag.
    press(&mut app, KeyCode::Char('s'));
    assert_eq!(app.groups.sort, kafka_tui::state::groups::GroupSort::Name);
    press(&mut app, KeyCode::Down);
    for _ in 0..3 {
        press(&mut app, KeyCode::Char('s'));
    }
    assert_eq!(app.groups.sort, kafka_tui::state::groups::GroupSort::Lag);
    assert_eq!(selected(&app), 1, "billing, second by lag, still selected");
}

#[test]
fn command_completion_and_history() {
    let (mut app, _rx) = app();
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "gr");
    press(&mut app, KeyCode::Tab);
    // `groups` and its alias `group` are one command: completed, ready for its argument.
    assert!(
        matches!(&app.mode, Mode::Prompt { input, .. } if input == "groups "),
        "{:?}",
        app.mode
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "tail pay");
    press(&mut app, KeyCode::Tab);
    assert!(
        matches!(&app.mode, Mode::Prompt { input, .. } if input == "tail payments"),
        "{:?}",
        app.mode
    );
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char(':'));
    press(&mut app, KeyCode::Up);
    assert!(
        matches!(&app.mode, Mode::Prompt { input, .. } if input == "tail payments"),
        "{:?}",
        app.mode
    );
    press(&mut app, KeyCode::Down);
    assert!(
        matches!(&app.mode, Mode::Prompt { input, .. } if input.is_empty()),
        "{:?}",
        app.mode
    );
}

#[test]
fn ctx_asks_the_run_loop_to_switch() {
    let (mut app, _rx) = app();
    app.contexts = ["embedded", "dev"]
        .map(|name| kafka_tui::model::ContextInfo {
            name: name.into(),
            bootstrap: None,
            color: None,
        })
        .to_vec();
    app.context = "embedded".into();
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "ctx");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.switch_to.as_deref(), Some("dev"));
}

#[test]
fn records_that_fail_to_send_are_kept_and_restored_with_ctrl_r() {
    let (mut app, mut rx) = app();
    tail_orders(&mut app, &mut rx);
    press(&mut app, KeyCode::Char('3'));
    let mut sent = Vec::new();
    for v in ["one", "two"] {
        type_text(&mut app, v);
        ctrl(&mut app, 's');
        let cmds = commands(&mut rx);
        let [KafkaCommand::Produce(req)] = cmds.as_slice() else {
            panic!("{cmds:?}")
        };
        sent.push(req.clone());
        // The person clears the editor and types the next record while the first is in flight.
        for _ in 0..v.len() {
            press(&mut app, KeyCode::Backspace);
        }
    }
    for req in sent {
        let topic = req.topic.clone();
        app.handle_event(Event::Kafka(KafkaEvent::Delivery(Delivery::Failed {
            topic,
            error: "Local: Message timed out".into(),
        })));
        app.handle_event(Event::Kafka(KafkaEvent::Unsent(req)));
    }
    assert_eq!(app.producer.unsent.len(), 2, "both failed records are kept");
    ctrl(&mut app, 'r');
    assert_eq!(app.producer.value.lines().join(""), "two");
    ctrl(&mut app, 'r');
    assert_eq!(app.producer.value.lines().join(""), "one");
    assert!(app.producer.unsent.is_empty());
}

// --- Offset-reset plans (issue 9.3) -----------------------------------------------------------

use kafka_tui::model::{GroupDetail, PartitionLag, ResetPlan, ResetTo};
use kafka_tui::state::views::{Dialog, View};

/// The plan the Kafka task would send for `detail` and `to`.
fn plan_for(detail: &GroupDetail, to: ResetTo) -> ResetPlan {
    ResetPlan {
        group: detail.name.clone(),
        to,
        moves: detail
            .offsets
            .iter()
            .map(|o| (o.topic.clone(), o.partition, o.committed, 0))
            .collect(),
    }
}

/// `app` with group `name`'s view open and its reset dialog showing.
fn open_reset_dialog(app: &mut App, name: &str) {
    app.handle_event(Event::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
    app.views.push(View::GroupDetail {
        name: name.into(),
        detail: Some(Ok(inactive_group(name))),
        scroll: 0,
    });
    app.update(kafka_tui::action::Action::ResetOffsets);
    assert!(matches!(app.dialog, Some(Dialog::ResetOffsets { .. })));
}

/// Issue 13.6: R on a group with members is refused before any target is typed, naming the
/// members that block it; no dialog opens, nothing is sent.
#[test]
fn reset_of_a_live_group_is_refused_before_a_target_is_typed() {
    use kafka_tui::model::Member;
    let (mut app, mut rx) = app();
    let member = |i: usize| Member {
        id: format!("m{i}"),
        client_id: format!("billing-{i}"),
        host: "/10.0.0.7".into(),
        assignment: Default::default(),
    };
    let mut live = inactive_group("billing");
    live.state = "Stable".into();
    live.members = (1..=5).map(member).collect();
    app.views.push(View::GroupDetail {
        name: "billing".into(),
        detail: Some(Ok(live)),
        scroll: 0,
    });
    commands(&mut rx);
    app.update(kafka_tui::action::Action::ResetOffsets);
    assert!(app.dialog.is_none(), "{:?}", app.dialog);
    assert!(commands(&mut rx).is_empty());
    let m = app.message.clone().expect("a message");
    assert!(m.error, "{}", m.text);
    assert!(
        m.text.starts_with(
            "cannot reset group billing: it is Stable with 5 members (billing-1@10.0.0.7, billing-2@10.0.0.7, billing-3@10.0.0.7, 2 more); stop its consumers first"
        ),
        "{}",
        m.text
    );
    // Once they stopped (r shows the group Empty), R opens the dialog.
    app.views.pop();
    open_reset_dialog(&mut app, "billing");
}

fn shown_plan(app: &App) -> Option<&ResetPlan> {
    match &app.dialog {
        Some(Dialog::ResetOffsets {
            plan: Some(Ok(p)), ..
        }) => Some(p),
        _ => None,
    }
}

fn applied(cmds: &[KafkaCommand]) -> Vec<&ResetPlan> {
    cmds.iter()
        .filter_map(|c| match c {
            KafkaCommand::ApplyReset(p) => Some(p),
            _ => None,
        })
        .collect()
}

#[test]
fn a_reset_plan_for_the_open_dialog_is_shown_with_its_target_then_applied() {
    let (mut app, mut rx) = app();
    open_reset_dialog(&mut app, "billing");
    type_text(&mut app, "earliest");
    press(&mut app, KeyCode::Enter);
    let asked = commands(&mut rx);
    assert!(asked
        .iter()
        .any(|c| matches!(c, KafkaCommand::PlanReset { detail, to: ResetTo::Earliest } if detail.name == "billing")));
    let plan = plan_for(&inactive_group("billing"), ResetTo::Earliest);
    app.handle_event(Event::Kafka(KafkaEvent::ResetPlan(Ok(plan.clone()))));
    assert_eq!(shown_plan(&app), Some(&plan));
    let screen = render_text(&mut app);
    assert!(
        screen.contains("plan for group billing → earliest on orders"),
        "{screen}"
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(applied(&commands(&mut rx)), vec![&plan]);
}

/// The target is edited after Enter asked for a plan: the old plan arrives late and must
/// neither show nor be applied by the next Enter, which asks for the new target instead.
#[test]
fn a_late_reset_plan_for_an_edited_target_is_dropped() {
    let (mut app, mut rx) = app();
    open_reset_dialog(&mut app, "billing");
    type_text(&mut app, "earliest");
    press(&mut app, KeyCode::Enter);
    for _ in 0.."earliest".len() {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "latest");
    let late = plan_for(&inactive_group("billing"), ResetTo::Earliest);
    app.handle_event(Event::Kafka(KafkaEvent::ResetPlan(Ok(late))));
    assert_eq!(shown_plan(&app), None, "the late plan is not shown");
    commands(&mut rx);
    press(&mut app, KeyCode::Enter);
    let cmds = commands(&mut rx);
    assert!(
        applied(&cmds).is_empty(),
        "Enter applied a stale plan: {cmds:?}"
    );
    assert!(cmds.iter().any(|c| matches!(
        c,
        KafkaCommand::PlanReset {
            to: ResetTo::Latest,
            ..
        }
    )));
    // Asked again for the same target while a plan is on its way: the answer to the first
    // request (same group, same target) is still that dialog's plan.
    let fresh = plan_for(&inactive_group("billing"), ResetTo::Latest);
    app.handle_event(Event::Kafka(KafkaEvent::ResetPlan(Ok(fresh.clone()))));
    assert_eq!(shown_plan(&app), Some(&fresh));
}

/// A plan asked for one group arrives while a second group's dialog is open: it must not
/// show there, and Enter must never commit the first group's offsets.
#[test]
fn a_foreign_reset_plan_is_dropped() {
    let (mut app, mut rx) = app();
    open_reset_dialog(&mut app, "billing");
    type_text(&mut app, "earliest");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Esc);
    open_reset_dialog(&mut app, "audit");
    type_text(&mut app, "earliest");
    press(&mut app, KeyCode::Enter);
    let foreign = plan_for(&inactive_group("billing"), ResetTo::Earliest);
    app.handle_event(Event::Kafka(KafkaEvent::ResetPlan(Ok(foreign))));
    assert_eq!(
        shown_plan(&app),
        None,
        "billing's plan shown in audit's dialog"
    );
    commands(&mut rx);
    press(&mut app, KeyCode::Enter);
    let cmds = commands(&mut rx);
    assert!(
        applied(&cmds).is_empty(),
        "Enter applied a foreign plan: {cmds:?}"
    );
    // A plan for the same group with other partitions (the group changed) is dropped too.
    let mut other = plan_for(&inactive_group("audit"), ResetTo::Earliest);
    other.moves.pop();
    app.handle_event(Event::Kafka(KafkaEvent::ResetPlan(Ok(other))));
    assert_eq!(shown_plan(&app), None);
}

fn render_text(app: &mut App) -> String {
    let backend = ratatui::backend::TestBackend::new(120, 36);
    let mut terminal = ratatui::Terminal::new(backend).unwrap();
    terminal.draw(|f| kafka_tui::ui::draw(f, app)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

// --- Issue 14.7: escaped group ids, topic names Kafka refuses, views scrolled past their end --

/// The dialog shows a group id with an escape as `g␛x`: typing what is shown (or the code
/// of the stand-in) confirms, and the raw id is what gets deleted.
#[test]
fn a_group_whose_id_holds_an_escape_can_be_deleted() {
    for typed in ["g␛x", "g<U+001B>x"] {
        let (mut app, mut rx) = app();
        app.views.push(View::GroupDetail {
            name: "g\u{1b}x".into(),
            detail: Some(Ok(inactive_group("g\u{1b}x"))),
            scroll: 0,
        });
        app.update(kafka_tui::action::Action::DeleteGroup);
        assert!(render_text(&mut app).contains("Delete consumer group g␛x"));
        type_text(&mut app, typed);
        press(&mut app, KeyCode::Enter);
        let cmds = commands(&mut rx);
        assert!(
            matches!(cmds.as_slice(), [KafkaCommand::DeleteGroup(g)] if g == "g\u{1b}x"),
            "typing {typed:?}: {cmds:?}"
        );
    }
    // Something else still deletes nothing.
    let (mut app, mut rx) = app();
    app.views.push(View::GroupDetail {
        name: "g\u{1b}x".into(),
        detail: None,
        scroll: 0,
    });
    app.update(kafka_tui::action::Action::DeleteGroup);
    type_text(&mut app, "gx");
    press(&mut app, KeyCode::Enter);
    assert!(commands(&mut rx).is_empty());
    assert!(app.dialog.is_some());
}

#[test]
fn tail_refuses_topic_names_kafka_refuses() {
    let long = "a".repeat(250);
    for name in ["bad!", "..", ".", long.as_str(), "naïve"] {
        let (mut app, mut rx) = app();
        press(&mut app, KeyCode::Char(':'));
        type_text(&mut app, &format!("tail {name}"));
        press(&mut app, KeyCode::Enter);
        let cmds = commands(&mut rx);
        assert!(
            !cmds.iter().any(|c| matches!(c, KafkaCommand::Tail(_))),
            "{name}: {cmds:?}"
        );
        let msg = app.message.as_ref().expect("a message says why");
        assert!(
            msg.error && msg.text.contains("topic"),
            "{name}: {}",
            msg.text
        );
    }
    // A name Kafka accepts is tailed.
    let (mut app, mut rx) = app();
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, &format!("tail {}", "a".repeat(249)));
    press(&mut app, KeyCode::Enter);
    assert!(commands(&mut rx)
        .iter()
        .any(|c| matches!(c, KafkaCommand::Tail(_))));
}

/// A view scrolled with Page Down (or End) stops with its last row at the bottom: it never
/// runs on into a blank view, and one Page Up brings the top back into sight.
#[test]
fn views_never_scroll_past_their_end() {
    let (mut app, _rx) = app();
    app.views.push(View::GroupDetail {
        name: "billing".into(),
        detail: Some(Ok(inactive_group("billing"))),
        scroll: 0,
    });
    // Drawn before any key, as the run loop does: drawing measures how far a view reaches.
    render_text(&mut app);
    for _ in 0..5 {
        press(&mut app, KeyCode::PageDown);
    }
    press(&mut app, KeyCode::End);
    let screen = render_text(&mut app);
    assert!(
        screen.contains("state Empty"),
        "the group view went blank:\n{screen}"
    );
    assert!(matches!(
        app.views.last(),
        Some(View::GroupDetail { scroll: 0, .. })
    ));

    // A group taller than the screen scrolls to its last row, no further.
    let mut big = inactive_group("billing");
    big.offsets = (0..100)
        .map(|partition| PartitionLag {
            topic: "orders".into(),
            partition,
            committed: Some(1),
            end: Some(2),
            lag: Some(1),
            ahead: false,
        })
        .collect();
    app.views.pop();
    app.views.push(View::GroupDetail {
        name: "billing".into(),
        detail: Some(Ok(big)),
        scroll: 0,
    });
    render_text(&mut app);
    for _ in 0..20 {
        press(&mut app, KeyCode::PageDown);
    }
    let screen = render_text(&mut app);
    // The view spans the body (issue 13.3): its last row is above its bottom border and the
    // status line.
    let lines: Vec<&str> = screen.lines().collect();
    let last_row = lines[lines.len().saturating_sub(3)];
    assert!(
        last_row.contains("       99 "),
        "the last partition on the view's last row:\n{screen}"
    );
    press(&mut app, KeyCode::PageUp);
    press(&mut app, KeyCode::PageUp);
    press(&mut app, KeyCode::PageUp);
    press(&mut app, KeyCode::PageUp);
    press(&mut app, KeyCode::PageUp);
    press(&mut app, KeyCode::PageUp);
    assert!(render_text(&mut app).contains("state Empty"));
}

#[test]
fn record_detail_and_help_never_scroll_past_their_end() {
    let (mut app, mut rx) = app();
    tail_orders(&mut app, &mut rx);
    let record = kafka_tui::model::Record {
        topic: "orders".into(),
        value: Some(b"short value".to_vec()),
        ..Default::default()
    };
    app.handle_event(Event::Kafka(KafkaEvent::Records {
        generation: app.tail.generation,
        records: vec![record],
    }));
    app.update(kafka_tui::action::Action::Focus(Pane::Tail));
    press(&mut app, KeyCode::Enter);
    assert!(app.tail.detail);
    for _ in 0..5 {
        press(&mut app, KeyCode::PageDown);
    }
    assert_eq!(
        app.tail.detail_scroll, 0,
        "a record that fits does not scroll"
    );
    assert!(render_text(&mut app).contains("short value"));

    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('?'));
    for _ in 0..50 {
        press(&mut app, KeyCode::PageDown);
    }
    let screen = render_text(&mut app);
    assert!(
        screen.contains(":q "),
        "the help's last row is in sight:\n{screen}"
    );
    let Mode::Help { scroll } = app.mode else {
        panic!("help closed")
    };
    assert!(
        screen.lines().filter(|l| l.contains("│  ")).count() > 20,
        "{screen}"
    );
    assert!(scroll > 0);
}

/// Issue 14.4: a record whose outcome is unknown keeps its text, is not offered for a resend
/// (Ctrl+R), and the report says to check the tail before resending.
#[test]
fn an_unknown_outcome_says_to_check_the_tail_before_resending() {
    let (mut app, mut rx) = app();
    tail_orders(&mut app, &mut rx);
    press(&mut app, KeyCode::Char('3'));
    type_text(&mut app, "maybe-written");
    ctrl(&mut app, 's');
    commands(&mut rx);
    app.handle_event(Event::Kafka(KafkaEvent::Delivery(Delivery::Unknown {
        topic: "orders".into(),
        error: "Local: Message timed out".into(),
    })));
    assert_eq!(app.producer.value.lines().join(""), "maybe-written");
    assert!(app.producer.unsent.is_empty());
    let screen = render_text(&mut app);
    assert!(
        screen.contains("? outcome unknown for orders: check the tail"),
        "{screen}"
    );
    assert!(!screen.contains("not delivered"), "{screen}");
    assert!(!screen.contains("Ctrl+R"), "{screen}");
}

// --- Paste (issue 9.4) ------------------------------------------------------------------------

fn paste(app: &mut App, text: &str) {
    app.handle_event(Event::Paste(text.to_string()));
}

#[test]
fn a_paste_goes_into_the_producer_as_one_edit() {
    let (mut app, mut rx) = app();
    press(&mut app, KeyCode::Char('3'));
    let line = "x".repeat(99) + "\r";
    let text = line.repeat(1000); // 100 KB, with the CR line breaks terminals paste
    paste(&mut app, &text);
    let value = app.producer.value.lines().join("\n");
    assert_eq!(value.len(), 100_000, "every character arrived");
    assert_eq!(app.producer.value.lines().len(), 1001);
    assert!(!app.producer.value.lines().iter().any(|l| l.contains('\r')));
    // One edit: a single undo takes the whole paste back.
    app.producer.value.undo();
    assert!(app.producer.value.is_empty());
    // The key is one line.
    app.producer.field = Field::Key;
    paste(&mut app, "user-1\nuser-2");
    assert_eq!(app.producer.key.lines(), ["user-1 user-2"]);
    assert!(commands(&mut rx).is_empty(), "a paste sends nothing");
}

#[test]
fn a_paste_where_nothing_takes_text_is_ignored_and_never_acts_as_keys() {
    let (mut app, mut rx) = app();
    for pane in ['1', '2', '4'] {
        press(&mut app, KeyCode::Char(pane));
        paste(&mut app, "q:quit\n");
        assert!(!app.quit, "a pasted q quit from pane {pane}");
        assert_eq!(app.mode, Mode::Normal);
        let msg = app.message.as_ref().expect("a message");
        assert!(msg.text.contains("pasted text ignored"), "{}", msg.text);
    }
    assert!(commands(&mut rx).is_empty());
}

#[test]
fn a_paste_goes_into_the_prompt_and_the_dialog() {
    let (mut app, _rx) = app();
    press(&mut app, KeyCode::Char('/'));
    paste(&mut app, "ord\n");
    assert!(matches!(&app.mode, Mode::Prompt { input, .. } if input == "ord"));
    assert_eq!(app.topics.filter, "ord", "the filter applies live");
    press(&mut app, KeyCode::Esc);
    ctrl(&mut app, 'd');
    paste(&mut app, "orders");
    press(&mut app, KeyCode::Enter);
    assert!(app.dialog.is_none(), "the pasted name confirmed the delete");
}

/// Issue 9: one command table drives dispatch, completion and help. Every command and every
/// alias is listed in `?` (the help once listed 7 of 14), resolves to its own row, and runs
/// (no "unknown command"); no name or alias is claimed twice.
#[test]
fn every_command_is_in_the_help_and_every_alias_resolves() {
    use kafka_tui::app::command::{lookup, COMMANDS};
    let (shown_to, _rx) = app();
    let help: Vec<String> = kafka_tui::ui::help::lines(&shown_to, 200)
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect();
    let mut seen = std::collections::HashSet::new();
    for cmd in COMMANDS {
        for word in std::iter::once(&cmd.name).chain(cmd.aliases) {
            assert!(seen.insert(*word), ":{word} is claimed twice");
            let row = lookup(word).unwrap_or_else(|| panic!(":{word} does not resolve"));
            assert!(std::ptr::eq(row, cmd), ":{word} resolves to :{}", row.name);
            let shown = format!(":{word}");
            assert!(
                help.iter().any(|l| l
                    .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
                    .any(|w| w == shown)),
                "{shown} is not in the help:\n{}",
                help.join("\n")
            );
            // Typed at the prompt, it runs (on a fresh app: :quit must not end the loop).
            let (mut app, _rx) = app();
            press(&mut app, KeyCode::Char(':'));
            type_text(&mut app, word);
            press(&mut app, KeyCode::Enter);
            assert!(
                !app.message
                    .as_ref()
                    .is_some_and(|m| m.text.contains("unknown command")),
                ":{word}: {:?}",
                app.message
            );
        }
        assert!(!cmd.desc.is_empty(), ":{} has no description", cmd.name);
    }
}

#[test]
fn command_arguments_complete_by_their_kind() {
    let (mut app, _rx) = app();
    for (typed, completed) in [
        ("fmt j", "fmt json"),
        ("format h", "format hex"),
        ("from b", "from beginning"),
        ("describe or", "describe orders"),
        ("topic pa", "topic payments"),
        ("quit x", "quit x"),
    ] {
        press(&mut app, KeyCode::Char(':'));
        type_text(&mut app, typed);
        press(&mut app, KeyCode::Tab);
        assert!(
            matches!(&app.mode, Mode::Prompt { input, .. } if input == completed),
            "{typed} -> {:?}",
            app.mode
        );
        press(&mut app, KeyCode::Esc);
    }
}

/// `:tail` takes several topics, a regex and partitions; the producer then publishes to the
/// topic selected in Topics (a tail of several has no one topic) and keeps the tail when the
/// tail covers that topic; a bad regex says why in one line and changes nothing.
#[test]
fn tail_of_several_topics_or_a_pattern() {
    use kafka_tui::model::TopicSet;
    let (mut app, mut rx) = app();
    let run = |app: &mut App, line: &str| {
        press(app, KeyCode::Char(':'));
        type_text(app, line);
        press(app, KeyCode::Enter);
    };
    run(&mut app, "tail orders,payments#1 beginning");
    match commands(&mut rx).as_slice() {
        [KafkaCommand::Tail(t)] => {
            assert_eq!(
                t.topics,
                TopicSet::Names(vec!["orders".into(), "payments".into()])
            );
            assert_eq!(
                (t.partitions.clone(), t.start),
                (Some(vec![1]), StartFrom::Beginning)
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(app.topics.selected_name(), Some("orders"));
    assert!(app.tail.several() && app.tail.covers("payments") && !app.tail.covers("x"));
    assert_eq!(app.target_topic().as_deref(), Some("orders"));
    app.handle_event(Event::Kafka(KafkaEvent::TailStarted {
        generation: app.tail.generation,
        partitions: 2,
        topics: vec!["orders".into(), "payments".into()],
        notice: None,
    }));
    // Publishing to a covered topic sends at once: the tail stays as it is.
    press(&mut app, KeyCode::Char('3'));
    type_text(&mut app, "x");
    ctrl(&mut app, 's');
    match commands(&mut rx).as_slice() {
        [KafkaCommand::Produce(r)] => assert_eq!(r.topic, "orders"),
        other => panic!("{other:?}"),
    }
    press(&mut app, KeyCode::Esc);

    run(&mut app, r"tail /^pay/");
    match commands(&mut rx).as_slice() {
        [KafkaCommand::Tail(t)] => assert_eq!(t.topics.to_string(), "/^pay/"),
        other => panic!("{other:?}"),
    }
    let generation = app.tail.generation;
    run(&mut app, "tail /(/");
    assert!(commands(&mut rx).is_empty());
    assert_eq!(app.tail.generation, generation, "the tail goes on");
    let m = app.message.as_ref().expect("a message");
    assert!(
        m.error && m.text.contains("not a valid regex"),
        "{}",
        m.text
    );
}

/// `r` on a record in Tail (or in its detail) copies its key, headers and value into the
/// producer, makes its topic the target and focuses the producer; what the editors cannot hold
/// as it was (bytes that are not UTF-8, a tombstone) is said, never silently changed.
/// A stray `x` in the Producer does not lose what was typed: `u` brings key, headers and
/// value back (issue 13.8: stray keys never clear data without a confirm or an undo).
#[test]
fn clearing_the_producer_can_be_undone() {
    let (mut app, _rx) = app();
    // `3` on an empty producer starts typing; Esc leaves the editor, where `x` is a key.
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Esc);
    assert!(!app.producer.editing);
    press(&mut app, KeyCode::Char('x'));
    assert!(app.message.clone().unwrap().text.contains("empty already"));
    app.producer.key = tui_textarea::TextArea::new(vec!["order-1".into()]);
    app.producer.headers = tui_textarea::TextArea::new(vec!["trace=abc".into()]);
    app.producer.value =
        tui_textarea::TextArea::new(vec!["{".into(), "  \"n\": 1".into(), "}".into()]);
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(app.producer.value.lines().join("\n"), "");
    let m = app.message.clone().unwrap().text;
    assert!(m.contains("producer cleared: u brings it back"), "{m}");
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(app.producer.key.lines().join("\n"), "order-1");
    assert_eq!(app.producer.headers.lines().join("\n"), "trace=abc");
    assert_eq!(app.producer.value.lines().join("\n"), "{\n  \"n\": 1\n}");
    press(&mut app, KeyCode::Char('u'));
    assert!(app
        .message
        .clone()
        .unwrap()
        .text
        .contains("nothing to undo"));
}

#[test]
fn r_copies_a_tail_record_into_the_producer() {
    use kafka_tui::model::{Header, Record};
    let (mut app, _rx) = app();
    app.start_tail("payments".into(), StartFrom::Beginning);
    let generation = app.tail.generation;
    let record = |offset: i64, value: Option<&[u8]>| Record {
        topic: "payments".into(),
        partition: 1,
        offset,
        timestamp_ms: None,
        leader_epoch: None,
        key: Some(b"user-7".to_vec()),
        value: value.map(<[u8]>::to_vec),
        headers: vec![Header {
            name: "trace".into(),
            value: Some(b"abc".to_vec()),
        }],
    };
    app.handle_event(Event::Kafka(KafkaEvent::Records {
        generation,
        records: vec![
            record(0, Some(&[0xff, 0x00, 0x41])),
            record(1, None),
            record(2, Some(b"{\"amount\": 12}")),
        ],
    }));
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('r'));
    assert_eq!(app.focus, Pane::Producer);
    assert_eq!(app.producer.key.lines().join("\n"), "user-7");
    assert_eq!(app.producer.headers.lines().join("\n"), "trace=abc");
    assert_eq!(app.producer.value.lines().join("\n"), "{\"amount\": 12}");
    assert_eq!(app.target_topic().as_deref(), Some("payments"));
    let m = app.message.clone().unwrap();
    assert!(
        !m.error && m.text.contains("copied payments/1@2"),
        "{}",
        m.text
    );

    // From the record detail, on a tombstone, then on binary bytes: said, not hidden.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Enter);
    assert!(app.tail.detail);
    press(&mut app, KeyCode::Char('r'));
    assert_eq!(app.focus, Pane::Producer);
    assert!(!app.tail.detail, "the detail closed");
    let m = app.message.clone().unwrap();
    assert!(m.error && m.text.contains("a tombstone"), "{}", m.text);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Char('r'));
    let m = app.message.clone().unwrap();
    assert!(
        m.error && m.text.contains("a value that is not UTF-8"),
        "{}",
        m.text
    );
}

/// Issue 13.7: what is published is kept, Up/Down in the Producer pane bring it back (the
/// text being typed comes back past the newest), credentials in headers are not kept.
#[test]
fn producer_history_recalls_what_was_published() {
    let (mut app, mut rx) = app();
    tail_orders(&mut app, &mut rx);
    press(&mut app, KeyCode::Char('3')); // typing in the value
    press(&mut app, KeyCode::Tab); // key
    press(&mut app, KeyCode::Tab); // headers
    type_text(&mut app, "Authorization=Bearer s3cr3t");
    press(&mut app, KeyCode::Tab); // value
    type_text(&mut app, "first");
    ctrl(&mut app, 's');
    let sent = commands(&mut rx);
    assert!(
        matches!(sent.as_slice(), [KafkaCommand::Produce(r)] if r.value == b"first"),
        "{:?}",
        sent.iter()
            .map(|c| match c {
                KafkaCommand::Produce(r) => String::from_utf8_lossy(&r.value).into_owned(),
                _ => String::new(),
            })
            .collect::<Vec<_>>()
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('x'));
    press(&mut app, KeyCode::Enter); // typing again
    type_text(&mut app, "second");
    ctrl(&mut app, 's');
    commands(&mut rx);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('x'));
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "half-typed");
    let value = |app: &App| app.producer.value.lines().join("\n");
    let headers = |app: &App| app.producer.headers.lines().join("\n");

    // While typing, Ctrl+P (↑ moves the cursor in the editor); not typing, ↑ as well.
    ctrl(&mut app, 'p');
    assert_eq!(value(&app), "second");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Up);
    assert_eq!(value(&app), "first");
    assert_eq!(
        headers(&app),
        "Authorization=",
        "the credential is not kept"
    );
    press(&mut app, KeyCode::Up);
    assert_eq!(value(&app), "first", "the oldest stays");
    press(&mut app, KeyCode::Down);
    assert_eq!(value(&app), "second");
    ctrl(&mut app, 'n');
    assert_eq!(value(&app), "half-typed", "what was being typed comes back");
    assert_eq!(app.producer.history.len(), 2);
}

/// A message or hint that names a key names the one bound now: after `[keys.*]` moves quit,
/// back, filter, create-topic, edit and publish to other keys, the screen says the new keys
/// and never the defaults.
#[test]
fn messages_and_hints_name_the_keys_as_rebound() {
    use common::fixture::{embedded_app, screen};
    use kafka_tui::keymap::{Keymap, KeysTable};
    let mut table = KeysTable::new();
    let mut bind = |ctx: &str, pairs: &[(&str, &str)]| {
        table
            .entry(ctx.into())
            .or_default()
            .extend(pairs.iter().map(|(k, a)| (k.to_string(), a.to_string())));
    };
    bind(
        "global",
        &[
            ("Q", "quit"),
            ("q", "none"),
            ("ctrl-b", "back"),
            ("esc", "none"),
        ],
    );
    bind("topics", &[("N", "create_topic"), ("n", "none")]);
    bind("tail", &[("F", "filter"), ("/", "none")]);
    let publish = [("ctrl-x", "publish"), ("ctrl-s", "none")];
    let edit = [
        ("E", "edit"),
        ("enter", "none"),
        ("e", "none"),
        ("i", "none"),
    ];
    bind("producer", &edit);
    bind("producer", &publish);
    bind("editing", &publish);
    let (mut app, _rx) = embedded_app(100);
    app.keymap = Keymap::with_overrides(&table).unwrap();
    common::fixture::list_topics(&mut app, &[]);
    let mut seen = Vec::new();
    let s = screen(&mut app, (120, 36));
    assert!(s.contains("or N for a"), "{s}");
    assert!(s.contains("type a value; Ctrl+X publishes"), "{s}");
    seen.push(s);
    let tiny = screen(&mut app, (20, 5));
    assert!(tiny.contains("Q quits"), "{tiny}");
    seen.push(tiny);
    // n in Tail without a filter: the message names the filter key as bound.
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('n'));
    let s = screen(&mut app, (120, 36));
    assert!(s.contains("press F to filter the tail"), "{s}");
    seen.push(s);
    // The Producer, focused and not typing: how to start and how to publish.
    // (Esc stops typing: the editor's own key, as the global keys do not act while typing.)
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Esc);
    let s = screen(&mut app, (120, 36));
    assert!(s.contains("E to type · Ctrl+X publishes"), "{s}");
    seen.push(s);
    // A view's title names the back key.
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "brokers");
    press(&mut app, KeyCode::Enter);
    let s = screen(&mut app, (120, 36));
    assert!(s.contains("Ctrl+B back"), "{s}");
    seen.push(s);
    for s in &seen {
        for default in [
            "q quits",
            "press / ",
            "Enter to type",
            "Ctrl+S publishes",
            "Esc back",
        ] {
            assert!(!s.contains(default), "{default:?} still on screen: {s}");
        }
    }
}
