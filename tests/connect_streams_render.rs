//! The `:connect` and `:streams` views without any server: the app fed the answers recorded
//! from the real peers (tests/fixtures/connect, tests/fixtures/streams), what it asks the
//! Connect task for, read-only refusals, the typed delete, the editor's per-field errors, and
//! render snapshots of each view (the Streams view and the plugins list at 80x24, 160x45 and
//! 200x60 too).

mod common;
use common::fixture::{command, ctrl, drain, press as key};

use std::collections::BTreeMap;
use std::time::Duration;

use crossterm::event::KeyCode;
use kafka_tui::app::{App, ClusterView, Connection};
use kafka_tui::connect::{
    parse_connectors, parse_validation, ConnectCommand, ConnectError, ConnectEvent, ConnectHandle,
    ConnectOp, Tagged,
};
use kafka_tui::event::Event;
use kafka_tui::kafka::api::KafkaHandle;
use kafka_tui::state::logs::LogsState;
use kafka_tui::state::tail::TailState;
use kafka_tui::streams::{discover, parse_topology, GroupInput, StreamsEvent, TopicInput};
use kafka_tui::theme::Theme;
use kafka_tui::ui;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use tokio::sync::mpsc::UnboundedReceiver;

const SIZE: (u16, u16) = (140, 40);

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn app() -> App {
    let cluster = ClusterView {
        label: "cluster".into(),
        address: "127.0.0.1:9092".into(),
        embedded: None,
        connection: Connection::Connected { brokers: 3 },
        last_error: None,
    };
    let logs = LogsState::new(vec![("broker".into(), "none".into())], 100);
    App::new(
        KafkaHandle::detached().0,
        cluster,
        logs,
        TailState::new(1000, 1 << 20),
        Theme::builtin("dark"),
    )
}

fn screen(app: &mut App) -> String {
    app.handle_event(Event::Resize(SIZE.0, SIZE.1));
    let mut t = Terminal::new(TestBackend::new(SIZE.0, SIZE.1)).unwrap();
    t.draw(|f| ui::draw(f, app)).unwrap();
    common::buffer_text(t.backend().buffer())
}

/// An app with `:connect` open on two Connect clusters: `kt-connect` answered with the
/// recorded list (a FAILED task among them), `kt-connect-b` is down.
fn connect_app() -> (App, UnboundedReceiver<ConnectCommand>) {
    let mut app = app();
    let (handle, mut rx) = ConnectHandle::test(&["kt-connect", "kt-connect-b"]);
    app.connect = handle;
    command(&mut app, "connect");
    assert_eq!(
        drain(&mut rx),
        [ConnectCommand::Refresh, ConnectCommand::Watch(true)],
        "opening the view asks every cluster and keeps asking"
    );
    let list = parse_connectors(&fixture("connect/connectors_expanded.json")).unwrap();
    app.handle_event(Event::Connect(ConnectEvent::Connectors(Tagged {
        cluster: "kt-connect".into(),
        url: "http://127.0.0.1:8083".into(),
        result: Ok(list),
    })));
    app.handle_event(Event::Connect(ConnectEvent::Connectors(Tagged {
        cluster: "kt-connect-b".into(),
        url: "http://127.0.0.1:1".into(),
        result: Err(ConnectError::Unreachable {
            url: "http://127.0.0.1:1".into(),
            reason: "connection refused".into(),
        }),
    })));
    (app, rx)
}

#[test]
fn connect_view_lists_connectors_per_cluster_and_says_which_worker_is_down() {
    let (mut app, _rx) = connect_app();
    let s = screen(&mut app);
    assert!(s.contains("rec-sink-broken"), "{s}");
    assert!(s.contains("0:FAILED"), "{s}");
    assert!(
        s.contains(
            "kt-connect-b http://127.0.0.1:1  ✖ Connect worker http://127.0.0.1:1 is unreachable"
        ),
        "{s}"
    );
    insta::assert_snapshot!("connect_list", s);

    // The failed connector's detail: its task's stack trace, scrollable.
    loop {
        let v = match app.views.last() {
            Some(kafka_tui::state::views::View::Connect(v)) => v.clone(),
            _ => unreachable!(),
        };
        if v.selected_connector().map(|(_, c)| c.name) == Some("rec-sink-broken".into()) {
            break;
        }
        let before = v.selected;
        key(&mut app, KeyCode::Down);
        match app.views.last() {
            Some(kafka_tui::state::views::View::Connect(v)) => {
                assert_ne!(v.selected, before, "rec-sink-broken is listed")
            }
            _ => unreachable!(),
        }
    }
    key(&mut app, KeyCode::Enter);
    let s = screen(&mut app);
    assert!(s.contains("task 0 failed with:"), "{s}");
    assert!(
        s.contains("Couldn't find or create file '/tmp/rec/adir'"),
        "{s}"
    );
    insta::assert_snapshot!("connect_detail_trace", s);
    for _ in 0..5 {
        key(&mut app, KeyCode::Down);
    }
    let scrolled = screen(&mut app);
    assert_ne!(scrolled, s, "the detail scrolls");
    assert!(!scrolled.contains("task 0 failed with:"), "{scrolled}");
}

#[test]
fn read_only_refuses_every_connect_write_and_asks_nothing() {
    let (mut app, mut rx) = connect_app();
    app.read_only = true;
    for (k, what) in [
        ('p', "pausing connectors"),
        ('u', "resuming connectors"),
        ('R', "restarting connectors"),
        ('f', "restarting connectors"),
        ('t', "restarting connectors"),
        ('x', "deleting connectors"),
        ('e', "editing connectors"),
        ('n', "creating connectors"),
    ] {
        key(&mut app, KeyCode::Char(k));
        let m = app.message.clone().expect("a message");
        assert!(m.error);
        assert_eq!(
            m.text,
            format!("read-only: {what} is disabled (--read-only / read_only = true)")
        );
    }
    assert_eq!(drain(&mut rx), [], "nothing was sent to the Connect task");
    let s = screen(&mut app);
    assert!(!s.contains("type its name"), "no prompt opened: {s}");
}

#[test]
fn delete_needs_the_name_typed_and_restart_a_task_number() {
    let (mut app, mut rx) = connect_app();
    key(&mut app, KeyCode::Char('x'));
    let (cluster, name) = match app.views.last() {
        Some(kafka_tui::state::views::View::Connect(v)) => {
            let (c, k) = v.selected_connector().unwrap();
            (c, k.name)
        }
        _ => unreachable!(),
    };
    for c in "wrong".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(drain(&mut rx), [], "a wrong name deletes nothing");
    assert!(screen(&mut app).contains("type the connector's name as shown"));
    for _ in 0..5 {
        key(&mut app, KeyCode::Backspace);
    }
    for c in name.chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        drain(&mut rx),
        [ConnectCommand::Op {
            cluster: cluster.clone(),
            name: name.clone(),
            op: ConnectOp::Delete
        }]
    );
    key(&mut app, KeyCode::Char('t'));
    key(&mut app, KeyCode::Char('z'));
    key(&mut app, KeyCode::Enter);
    assert_eq!(drain(&mut rx), []);
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Char('0'));
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        drain(&mut rx),
        [ConnectCommand::Op {
            cluster,
            name,
            op: ConnectOp::RestartTask(0)
        }]
    );
}

#[test]
fn editor_sends_the_json_to_validate_and_shows_errors_per_field() {
    let (mut app, mut rx) = connect_app();
    key(&mut app, KeyCode::Char('n'));
    let json = r#"{"name": "kt-new", "config": {"connector.class": "FileStreamSink", "topics": "t", "file": ""}}"#;
    app.handle_event(Event::Paste(json.into()));
    ctrl(&mut app, 's');
    let sent = drain(&mut rx);
    let [ConnectCommand::Validate {
        cluster,
        spec,
        save,
        update,
    }] = sent.as_slice()
    else {
        panic!("one Validate: {sent:?}");
    };
    assert_eq!(
        (cluster.as_str(), spec.name.as_str(), *save, *update),
        ("kt-connect", "kt-new", true, false)
    );
    assert_eq!(spec.config["connector.class"], "FileStreamSink");
    assert!(screen(&mut app).contains("asking the worker to validate"));
    let v = parse_validation(&fixture("connect/validate_errors.json")).unwrap();
    let errors = v.errors_by_field();
    assert!(!errors.is_empty());
    app.handle_event(Event::Connect(ConnectEvent::Validated {
        cluster: "kt-connect".into(),
        name: "kt-new".into(),
        result: Ok(v),
        saved: None,
    }));
    let s = screen(&mut app);
    for (field, errs) in &errors {
        let first = errs[0].chars().take(40).collect::<String>();
        assert!(
            s.lines()
                .any(|l| l.contains(&format!("{field}: ")) && l.contains(&first)),
            "{field}: {first} on screen:\n{s}"
        );
    }
    insta::assert_snapshot!("connect_editor_errors", s);

    // JSON that does not read is refused before asking the worker.
    app.handle_event(Event::Paste("{".into()));
    ctrl(&mut app, 's');
    assert_eq!(drain(&mut rx), []);
    assert!(screen(&mut app).contains("✖ invalid: connector JSON"));
}

fn streams_app(with_topology: bool) -> App {
    let cluster: serde_json::Value =
        serde_json::from_slice(&fixture("streams/cluster.json")).unwrap();
    let groups: Vec<GroupInput> = serde_json::from_value(cluster["groups"].clone()).unwrap();
    let topics: Vec<TopicInput> = serde_json::from_value(cluster["topics"].clone()).unwrap();
    let text = String::from_utf8(fixture("streams/kt-wordcount-topology.txt")).unwrap();
    let mut topologies = BTreeMap::new();
    if with_topology {
        topologies.insert("kt-wordcount".to_string(), parse_topology(&text).unwrap());
    }
    let d = discover(&groups, &topics, &topologies);
    let mut app = app();
    app.streams_topology_configured = with_topology;
    command(&mut app, "streams");
    let sources = vec![kafka_tui::streams::TopologySource {
        application_id: "kt-wordcount".into(),
        location: "/peers/streams/topology.txt".into(),
        result: Ok(()),
    }];
    app.handle_event(Event::Streams(StreamsEvent::Discovered {
        result: Ok(d),
        topologies: if with_topology { sources } else { Vec::new() },
        took: Duration::from_millis(30),
    }));
    // Sizes on disk as the Kafka task's DescribeLogDirs gives them (two of the topics).
    app.handle_event(Event::Kafka(kafka_tui::event::KafkaEvent::DiskUsage(Ok(
        kafka_tui::model::DiskUsage {
            bytes: [
                ("kt-words".to_string(), 2_048),
                ("kt-wordcount-counts-changelog".to_string(), 4_812),
            ]
            .into(),
            brokers: 1,
            answered: 1,
            problem: None,
        },
    ))));
    app
}

#[test]
fn streams_view_shows_the_app_its_topics_and_lag_and_enter_tails_a_topic() {
    let mut app = streams_app(true);
    let s = screen(&mut app);
    for want in [
        "kt-wordcount",
        "Stable",
        "kt-wordcount-counts-changelog",
        "kt-wordcount-words-repartition",
        "output       kt-word-counts",
        "input        kt-words",
        "topology from /peers/streams/topology.txt",
        " Size ",
        "4.7 KiB",
        "2.0 KiB",
    ] {
        assert!(s.contains(want), "{want:?} on screen:\n{s}");
    }
    insta::assert_snapshot!("streams_view", s);
    // The sizes of issue 13: the application and its topics on each.
    for (w, h) in [(80, 24), (160, 45), (200, 60)] {
        let s = screen_at(&mut app, (w, h));
        for want in ["kt-wordcount", "kt-words", "kt-word-counts"] {
            assert!(s.contains(want), "{want:?} at {w}x{h}:\n{s}");
        }
        // The same at every draw (the table's widths were the solver's pick).
        assert_eq!(s, screen_at(&mut app, (w, h)));
        insta::assert_snapshot!(format!("streams_view_{w}x{h}"), s);
    }
    // The output topic is the last row: Enter tails it.
    for _ in 0..10 {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    assert!(app.views.is_empty(), "the view closed for the tail");
    assert_eq!(app.tail.single_topic(), Some("kt-word-counts"));
}

#[test]
fn streams_view_without_a_topology_says_where_to_give_one() {
    let mut app = streams_app(false);
    let s = screen(&mut app);
    assert!(s.contains("output topics unknown"), "{s}");
    assert!(
        !s.contains("output       "),
        "no output row without a topology: {s}"
    );
    insta::assert_snapshot!("streams_view_no_topology", s);
}

#[test]
fn connect_clusters_from_the_config_file_with_secrets_resolved_and_the_flag_overriding() {
    use clap::Parser;
    use kafka_tui::cli::Cli;
    use kafka_tui::config::ConfigFile;
    std::env::set_var("KT_TEST_CONNECT_PW", "s3cret-connect");
    let file = ConfigFile::parse(
        std::path::Path::new("c.toml"),
        r#"
[clusters.prod]
bootstrap = "k:9092"
connect = [
  "http://c1:8083",
  { url = "https://c2:8443", name = "payments", user = "ops", password = "${KT_TEST_CONNECT_PW}" },
]
streams_topology = { orders-app = "/srv/orders/topology.txt" }
"#,
    )
    .unwrap();
    assert!(
        !file.has_literal_secrets(),
        "${{VAR}} is not a secret in clear"
    );
    let cli = Cli::try_parse_from(["kafka-tui", "--cluster", "prod"]).unwrap();
    let t = kafka_tui::config::target::resolve_named("prod", &cli, &file, None).unwrap();
    assert_eq!(t.connect.len(), 2);
    assert_eq!(t.connect[0].url, "http://c1:8083");
    assert_eq!(t.connect[1].name, "payments");
    let auth = t.connect[1].auth.as_ref().unwrap();
    assert_eq!(
        (auth.user.as_str(), auth.password.as_str()),
        ("ops", "s3cret-connect")
    );
    assert!(!format!("{t:?}").contains("s3cret-connect"), "{t:?}");
    assert_eq!(t.streams_topology["orders-app"], "/srv/orders/topology.txt");

    // A password in clear is one.
    let clear = ConfigFile::parse(
        std::path::Path::new("c.toml"),
        "[clusters.a]\nbootstrap = \"k:1\"\nconnect = [{ url = \"http://c\", user = \"u\", password = \"plain\" }]\n",
    )
    .unwrap();
    assert!(clear.has_literal_secrets());

    // --connect replaces the file's list for the run.
    let cli = Cli::try_parse_from([
        "kafka-tui",
        "--cluster",
        "prod",
        "--connect",
        "http://a:1,http://b:2",
    ])
    .unwrap();
    let t = kafka_tui::config::target::resolve_named("prod", &cli, &file, None).unwrap();
    let urls: Vec<&str> = t.connect.iter().map(|e| e.url.as_str()).collect();
    assert_eq!(urls, ["http://a:1", "http://b:2"]);
}

/// The Connect view's keys are the key table's (`[keys.connect]`): a rebinding acts, the old
/// key no longer does, the view's footer and `?` show the key in force.
#[test]
fn connect_keys_come_from_the_key_table_and_can_be_rebound() {
    let (mut app, mut rx) = connect_app();
    let (cluster, name) = match app.views.last() {
        Some(kafka_tui::state::views::View::Connect(v)) => {
            let (c, k) = v.selected_connector().unwrap();
            (c, k.name)
        }
        _ => unreachable!(),
    };
    let mut table = kafka_tui::keymap::KeysTable::new();
    table.entry("connect".into()).or_default().extend([
        ("P".to_string(), "pause_connector".to_string()),
        ("p".to_string(), "none".to_string()),
    ]);
    app.keymap = kafka_tui::keymap::Keymap::with_overrides(&table).unwrap();
    key(&mut app, KeyCode::Char('p'));
    assert_eq!(drain(&mut rx), [], "p was unbound: it pauses nothing");
    key(&mut app, KeyCode::Char('P'));
    assert_eq!(
        drain(&mut rx),
        [ConnectCommand::Op {
            cluster,
            name,
            op: ConnectOp::Pause
        }]
    );
    let s = screen(&mut app);
    assert!(s.contains("Enter detail · P pause · u resume"), "{s}");
    key(&mut app, KeyCode::Char('?'));
    let mut help = String::new();
    // The help scrolls: read it page by page down to its end.
    for _ in 0..40 {
        help.push_str(&screen(&mut app));
        key(&mut app, KeyCode::PageDown);
    }
    for want in [
        "Kafka Connect (:connect)",
        "pause the connector",
        "restart only the failed tasks",
        "Kafka Streams (:streams)",
        "Schema registry (:schemas)",
    ] {
        assert!(help.contains(want), "{want:?} in the help");
    }
}

/// The Streams view takes the mouse as the other views do: a click on a topic's row selects
/// it, a double click tails that topic. (The recorded fixture has one application, so a click
/// on an application's row is not checked here.)
#[test]
fn streams_view_rows_answer_the_mouse() {
    use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let click = |app: &mut App, (column, row): (u16, u16)| {
        for kind in [
            MouseEventKind::Down(MouseButton::Left),
            MouseEventKind::Up(MouseButton::Left),
        ] {
            app.handle_event(Event::Mouse(MouseEvent {
                kind,
                column,
                row,
                modifiers: KeyModifiers::NONE,
            }));
        }
    };
    let mut app = streams_app(true);
    let s = screen(&mut app);
    let at = |s: &str, text: &str| -> (u16, u16) {
        s.lines()
            .enumerate()
            .find_map(|(y, l)| {
                l.find(text)
                    .map(|x| (l[..x].chars().count() as u16, y as u16))
            })
            .unwrap_or_else(|| panic!("{text:?} on screen:\n{s}"))
    };
    let pos = at(&s, "output       kt-word-counts");
    click(&mut app, pos);
    assert!(!app.views.is_empty(), "one click selects, it does not open");
    let selected = match app.views.last() {
        Some(kafka_tui::state::views::View::Streams(v)) => v.selected_topic(),
        _ => None,
    };
    assert_eq!(selected.as_deref(), Some("kt-word-counts"));
    click(&mut app, pos);
    assert!(app.views.is_empty(), "a double click tails the topic");
    assert_eq!(app.tail.single_topic(), Some("kt-word-counts"));
}

// ---- R, f, u, e and l: what the app sends, what the real Connect task asks a worker ---------

/// The view's selected connector (cluster, name).
fn selected(app: &App) -> (String, String) {
    match app.views.last() {
        Some(kafka_tui::state::views::View::Connect(v)) => {
            let (c, k) = v.selected_connector().expect("a connector is selected");
            (c, k.name)
        }
        _ => panic!("the Connect view is on top"),
    }
}

/// Moves the selection down to the connector `name` (of the recorded list).
fn select(app: &mut App, name: &str) {
    for _ in 0..10 {
        if selected(app).1 == name {
            return;
        }
        key(app, KeyCode::Down);
    }
    panic!("{name} is not listed");
}

/// The status line's message: its text and whether it is an error.
fn message(app: &App) -> (String, bool) {
    let m = app.message.clone().expect("a message");
    (m.text, m.error)
}

/// `cmd` (as the app sent it) through the real Connect task, whose cluster `kt-connect` is a
/// fake worker giving `answers`: the requests the worker got, and the task's answer.
fn through_the_task(
    cmd: ConnectCommand,
    answers: Vec<(&'static str, String)>,
) -> (Vec<String>, ConnectEvent) {
    use kafka_tui::connect::{ConnectClusters, ConnectEndpoint, ConnectOptions};
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let n = answers.len();
        let (url, worker) = common::http_stub::serve(answers).await;
        let clusters = ConnectClusters::new(
            &[ConnectEndpoint {
                name: "kt-connect".into(),
                url,
                auth: None,
            }],
            ConnectOptions {
                connect_timeout: Duration::from_secs(2),
                request_timeout: Duration::from_secs(5),
            },
        )
        .unwrap();
        let (tx, mut events) = tokio::sync::mpsc::channel::<ConnectEvent>(8);
        let cancel = tokio_util::sync::CancellationToken::new();
        let task = kafka_tui::connect::spawn(clusters, false, tx, cancel.clone());
        task.send(cmd);
        let event = tokio::time::timeout(Duration::from_secs(10), events.recv())
            .await
            .expect("the task answers")
            .expect("an event");
        let requests = tokio::time::timeout(Duration::from_secs(10), worker)
            .await
            .expect("the worker got its requests")
            .unwrap();
        assert_eq!(requests.len(), n);
        cancel.cancel();
        (requests, event)
    })
}

fn request_line(request: &str) -> &str {
    request.lines().next().unwrap_or_default()
}

#[test]
fn capital_r_restarts_the_selected_connector_alone() {
    let (mut app, mut rx) = connect_app();
    select(&mut app, "rec-sink-broken");
    key(&mut app, KeyCode::Char('R'));
    let sent = drain(&mut rx);
    assert_eq!(
        sent,
        [ConnectCommand::Op {
            cluster: "kt-connect".into(),
            name: "rec-sink-broken".into(),
            op: ConnectOp::Restart
        }]
    );
    assert_eq!(
        message(&app),
        ("kt-connect: restarting rec-sink-broken…".into(), false)
    );
    assert!(screen(&mut app).contains("kt-connect: restarting rec-sink-broken…"));

    // The task asks for the connector's restart alone: no includeTasks, no onlyFailed.
    let (requests, done) =
        through_the_task(sent[0].clone(), vec![("204 No Content", String::new())]);
    assert_eq!(
        request_line(&requests[0]),
        "POST /connectors/rec-sink-broken/restart HTTP/1.1"
    );
    assert_eq!(
        done,
        ConnectEvent::Done {
            cluster: "kt-connect".into(),
            name: "rec-sink-broken".into(),
            result: Ok("kt-connect: restarting rec-sink-broken: done".into()),
        }
    );
    app.handle_event(Event::Connect(done));
    assert_eq!(
        drain(&mut rx),
        [ConnectCommand::Refresh],
        "the list is asked for again"
    );
    assert!(screen(&mut app).contains("kt-connect: restarting rec-sink-broken: done"));
}

#[test]
fn f_restarts_only_the_failed_tasks_of_the_selected_connector() {
    let (mut app, mut rx) = connect_app();
    select(&mut app, "rec-sink-broken");
    key(&mut app, KeyCode::Char('f'));
    let sent = drain(&mut rx);
    assert_eq!(
        sent,
        [ConnectCommand::Op {
            cluster: "kt-connect".into(),
            name: "rec-sink-broken".into(),
            op: ConnectOp::RestartFailed
        }]
    );
    let says = "kt-connect: restarting the failed tasks of rec-sink-broken…";
    assert_eq!(message(&app), (says.into(), false));
    assert!(screen(&mut app).contains(says));

    // KIP-745's restart: the connector and its tasks, only those that FAILED. The worker
    // answers with what it restarts (the recorded answer: task 0 RESTARTING).
    let answer = String::from_utf8(fixture("connect/restart_only_failed.json")).unwrap();
    let (requests, done) = through_the_task(sent[0].clone(), vec![("202 Accepted", answer)]);
    assert_eq!(
        request_line(&requests[0]),
        "POST /connectors/rec-sink-broken/restart?includeTasks=true&onlyFailed=true HTTP/1.1"
    );
    let says = "kt-connect: restarting the failed tasks of rec-sink-broken: done";
    assert_eq!(
        done,
        ConnectEvent::Done {
            cluster: "kt-connect".into(),
            name: "rec-sink-broken".into(),
            result: Ok(says.into()),
        }
    );
    app.handle_event(Event::Connect(done));
    assert_eq!(drain(&mut rx), [ConnectCommand::Refresh]);
    assert_eq!(message(&app), (says.into(), false));
    assert!(screen(&mut app).contains(says));
}

#[test]
fn u_resumes_the_selected_connector_and_a_worker_refusal_shows_as_an_error() {
    let (mut app, mut rx) = connect_app();
    select(&mut app, "rec-source");
    assert!(
        screen(&mut app)
            .lines()
            .any(|l| l.contains("rec-source") && l.contains("PAUSED")),
        "the recorded rec-source is paused"
    );
    key(&mut app, KeyCode::Char('u'));
    let sent = drain(&mut rx);
    assert_eq!(
        sent,
        [ConnectCommand::Op {
            cluster: "kt-connect".into(),
            name: "rec-source".into(),
            op: ConnectOp::Resume
        }]
    );
    assert_eq!(
        message(&app),
        ("kt-connect: resuming rec-source…".into(), false)
    );
    assert!(screen(&mut app).contains("kt-connect: resuming rec-source…"));

    let (requests, done) = through_the_task(sent[0].clone(), vec![("202 Accepted", String::new())]);
    assert_eq!(
        request_line(&requests[0]),
        "PUT /connectors/rec-source/resume HTTP/1.1"
    );
    app.handle_event(Event::Connect(done));
    assert_eq!(drain(&mut rx), [ConnectCommand::Refresh]);
    assert_eq!(
        message(&app),
        ("kt-connect: resuming rec-source: done".into(), false)
    );

    // The worker says no (the herder's rebalance 409): the status line says why, as an error.
    key(&mut app, KeyCode::Char('u'));
    let sent = drain(&mut rx);
    let (_, done) = through_the_task(
        sent[0].clone(),
        vec![(
            "409 Conflict",
            r#"{"error_code":409,"message":"Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)"}"#.into(),
        )],
    );
    app.handle_event(Event::Connect(done));
    let (text, error) = message(&app);
    assert!(error, "{text}");
    assert!(
        text.starts_with("kt-connect: resuming rec-source failed: ")
            && text.contains("stale configuration"),
        "{text}"
    );
    assert!(
        screen(&mut app).contains("kt-connect: resuming rec-source failed: "),
        "on screen"
    );
}

#[test]
fn e_opens_the_editor_on_the_connectors_config_and_saves_it_with_a_put() {
    let (mut app, mut rx) = connect_app();
    select(&mut app, "rec-sink");
    key(&mut app, KeyCode::Char('e'));
    assert_eq!(drain(&mut rx), [], "opening the editor asks nothing");
    let ed = match app.views.last() {
        Some(kafka_tui::state::views::View::Connect(v)) => {
            v.editor.as_ref().expect("the editor is open")
        }
        _ => unreachable!(),
    };
    assert_eq!(ed.cluster, "kt-connect");
    assert!(ed.update, "an existing connector: saved with PUT …/config");
    // The editor holds the connector's config as the worker gives it (GET …/config, recorded
    // from the same worker), its name beside the config.
    let mut config: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&fixture("connect/connector_config.json")).unwrap();
    assert_eq!(config.remove("name"), Some("rec-sink".into()));
    let text: serde_json::Value = serde_json::from_str(&ed.text.text()).unwrap();
    assert_eq!(
        text,
        serde_json::json!({ "name": "rec-sink", "config": config })
    );
    let s = screen(&mut app);
    for want in [
        " edit connector on kt-connect ",
        r#""name": "rec-sink","#,
        r#""file": "/tmp/rec/out.txt","#,
        r#""topics": "rec-lines""#,
        "Ctrl+S: validate with the worker, then save",
    ] {
        assert!(s.contains(want), "{want:?} on screen:\n{s}");
    }

    // Saved as it is: validated, then PUT on the connector's own config.
    ctrl(&mut app, 's');
    let sent = drain(&mut rx);
    let [ConnectCommand::Validate {
        cluster,
        spec,
        save,
        update,
    }] = sent.as_slice()
    else {
        panic!("one Validate: {sent:?}");
    };
    assert_eq!(
        (cluster.as_str(), spec.name.as_str(), *save, *update),
        ("kt-connect", "rec-sink", true, true)
    );
    assert_eq!(
        serde_json::to_value(&spec.config).unwrap(),
        serde_json::Value::Object(config)
    );
    let updated = serde_json::json!({
        "name": "rec-sink",
        "config": text["config"],
        "tasks": [{"connector": "rec-sink", "task": 0}],
        "type": "sink",
    })
    .to_string();
    let (requests, validated) = through_the_task(
        sent[0].clone(),
        vec![
            (
                "200 OK",
                String::from_utf8(fixture("connect/validate_ok.json")).unwrap(),
            ),
            ("200 OK", updated),
        ],
    );
    assert_eq!(
        request_line(&requests[0]),
        "PUT /connector-plugins/FileStreamSink/config/validate HTTP/1.1"
    );
    assert_eq!(
        request_line(&requests[1]),
        "PUT /connectors/rec-sink/config HTTP/1.1"
    );
    let body = requests[1].split_once("\r\n\r\n").unwrap().1;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(body).unwrap(),
        text["config"],
        "the config goes as the editor held it"
    );
    app.handle_event(Event::Connect(validated));
    assert_eq!(drain(&mut rx), [ConnectCommand::Refresh]);
    assert_eq!(
        message(&app),
        ("kt-connect: updated rec-sink".into(), false)
    );
    let s = screen(&mut app);
    assert!(
        !s.contains(" edit connector on "),
        "saved: the editor closed\n{s}"
    );
    assert!(s.contains("kt-connect: updated rec-sink"), "{s}");
}

fn screen_at(app: &mut App, (w, h): (u16, u16)) -> String {
    app.handle_event(Event::Resize(w, h));
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::draw(f, app)).unwrap();
    common::buffer_text(t.backend().buffer())
}

#[test]
fn l_lists_each_clusters_connector_plugins_and_closes_again() {
    let (mut app, mut rx) = connect_app();
    key(&mut app, KeyCode::Char('l'));
    let sent = drain(&mut rx);
    assert_eq!(sent, [ConnectCommand::Plugins]);
    let s = screen(&mut app);
    assert!(
        s.contains("Connector plugins (↑↓ scroll · l or Esc closes)"),
        "{s}"
    );
    assert!(s.contains("asking the workers…"), "{s}");
    assert!(
        !s.contains("rec-sink-broken"),
        "the list replaces the connectors"
    );

    // The task asks the worker for its connector plugins (not the transforms and converters).
    let answer = String::from_utf8(fixture("connect/connector_plugins.json")).unwrap();
    let (requests, plugins) = through_the_task(sent[0].clone(), vec![("200 OK", answer)]);
    assert_eq!(
        request_line(&requests[0]),
        "GET /connector-plugins HTTP/1.1"
    );
    let ConnectEvent::Plugins(mut tagged) = plugins else {
        panic!("{plugins:?}")
    };
    assert_eq!(tagged.len(), 1);
    assert_eq!(tagged[0].cluster, "kt-connect");
    // The second cluster is down, as in the list.
    tagged.push(kafka_tui::connect::Tagged {
        cluster: "kt-connect-b".into(),
        url: "http://127.0.0.1:1".into(),
        result: Err(ConnectError::Unreachable {
            url: "http://127.0.0.1:1".into(),
            reason: "connection refused".into(),
        }),
    });
    app.handle_event(Event::Connect(ConnectEvent::Plugins(tagged)));

    for size in [(80, 24), (160, 45), (200, 60)] {
        let s = screen_at(&mut app, size);
        let lines: Vec<&str> = s.lines().collect();
        let at = |text: &str| {
            lines
                .iter()
                .position(|l| l.contains(text))
                .unwrap_or_else(|| panic!("{text:?} at {size:?}:\n{s}"))
        };
        let a = at("Connector plugins (↑↓ scroll · l or Esc closes)");
        let b = at("sink    org.apache.kafka.connect.file.FileStreamSinkConnector  4.3.1");
        let c = at("source  org.apache.kafka.connect.file.FileStreamSourceConnector  4.3.1");
        // The down cluster's line under the plugins (the first is the cluster's own line).
        let d = lines
            .iter()
            .rposition(|l| l.contains("│  ✖ Connect worker http://127.0.0.1:1 is unreachable"))
            .unwrap_or_else(|| panic!("the down worker at {size:?}:\n{s}"));
        assert!(a < b && b < c && c < d, "in order at {size:?}:\n{s}");
        assert!(!s.contains("rec-sink-broken"), "{s}");
        insta::assert_snapshot!(format!("connect_plugins_{}x{}", size.0, size.1), s);
    }
    assert_eq!(drain(&mut rx), [], "drawing asks nothing");

    // A list longer than the view scrolls: 30 plugins on a short screen, the last reached
    // with ↓ and no further (a worker with Confluent Hub's plugins lists that many).
    let many: Vec<kafka_tui::connect::Plugin> = (0..30)
        .map(|i| kafka_tui::connect::Plugin {
            class: format!("com.example.Plugin{i:02}"),
            kind: "source".into(),
            version: Some("1.0".into()),
        })
        .collect();
    app.handle_event(Event::Connect(ConnectEvent::Plugins(vec![
        kafka_tui::connect::Tagged {
            cluster: "kt-connect".into(),
            url: "http://127.0.0.1:8083".into(),
            result: Ok(many),
        },
    ])));
    let small = (80, 20);
    let s = screen_at(&mut app, small);
    assert!(s.contains("Plugin00") && !s.contains("Plugin29"), "{s}");
    for _ in 0..40 {
        key(&mut app, KeyCode::Down);
        screen_at(&mut app, small);
    }
    let s = screen_at(&mut app, small);
    assert!(s.contains("Plugin29") && !s.contains("Plugin00"), "{s}");
    let below: Vec<&str> = s.lines().skip_while(|l| !l.contains("Plugin29")).collect();
    // The last plugin, the view's spacer row, then its key line: no blank rows scrolled in.
    assert!(
        below.get(2).is_some_and(|l| l.contains("Enter detail")),
        "stops at the last plugin, not in blank rows:\n{s}"
    );

    // r asks again for the connectors and the plugins; l closes the list.
    key(&mut app, KeyCode::Char('r'));
    assert_eq!(
        drain(&mut rx),
        [ConnectCommand::Refresh, ConnectCommand::Plugins]
    );
    key(&mut app, KeyCode::Char('l'));
    assert_eq!(drain(&mut rx), []);
    let s = screen(&mut app);
    assert!(!s.contains("Connector plugins"), "{s}");
    assert!(
        s.contains("rec-sink-broken"),
        "the connectors are back: {s}"
    );
}
