//! Schema-registry decoding against a real registry (Apicurio 3.0.9's Confluent-compatible
//! API, `peers_start registry`) with records written by confluent-kafka's own Avro, Protobuf
//! and JSON Schema serializers (tests/peers/schema_records.py), never by bytes made here; and
//! the registry's login from a cluster's config, against a stand-in that checks it.
//!
//! In CI (`CI` set) a missing peer fails; locally the tests print why they skip.

mod common;
mod kafka_ref;

use std::process::Command;
use std::time::Duration;

use common::fixture::embedded;
use kafka_ref::peer;
use kafka_tui::schema::loaded;
use kafka_tui::schema::registry::{RegistryClient, RegistryConfig};

struct Written {
    kind: String,
    topic: String,
    subject: String,
    schema_id: u32,
    value: Vec<u8>,
    key: Option<(String, u32, Vec<u8>)>,
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Runs schema_records.py; `bootstrap` None only registers and serializes.
fn write_records(registry: &str, bootstrap: Option<&str>, prefix: &str) -> Vec<Written> {
    let python = std::env::var("KAFKA_TUI_PYTHON").expect("KAFKA_TUI_PYTHON (docs/peers.md)");
    let script = std::env::var("KAFKA_TUI_SCHEMA_RECORDS")
        .expect("KAFKA_TUI_SCHEMA_RECORDS (docs/peers.md)");
    let mut cmd = Command::new(python);
    cmd.args([
        &script,
        "--registry",
        registry,
        "--prefix",
        prefix,
        "--avro-key",
    ]);
    match bootstrap {
        Some(b) => cmd.args(["--bootstrap", b]),
        None => cmd.arg("--check"),
    };
    let out = cmd.output().expect("python runs");
    assert!(
        out.status.success(),
        "schema_records.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let s = |k: &str| v[k].as_str().unwrap().to_string();
            Written {
                kind: s("kind"),
                topic: s("topic"),
                subject: s("subject"),
                schema_id: v["schema_id"].as_u64().unwrap() as u32,
                value: hex(&s("value_hex")),
                key: v.get("key_hex").map(|k| {
                    (
                        s("key_subject"),
                        v["key_schema_id"].as_u64().unwrap() as u32,
                        hex(k.as_str().unwrap()),
                    )
                }),
            }
        })
        .collect()
}

fn unique(prefix: &str) -> String {
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis()
    )
}

/// Each schema type, value and key, decodes to what the Python side serialized, with the
/// subject and version the registry holds it under.
#[tokio::test]
async fn real_serializers_records_decode_through_the_registry() {
    let Some(registry) = peer("KAFKA_TUI_REGISTRY", "the schema registry") else {
        return;
    };
    let written = write_records(&registry, None, &unique("kt-sr-dec"));
    assert_eq!(written.len(), 3);
    let client = RegistryClient::new(RegistryConfig::new(registry.clone())).unwrap();
    for w in &written {
        let s = loaded::load(&client, w.schema_id)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", w.kind));
        // Apicurio gives identical schema texts one id, whichever subject: the record's own
        // subject is among those that hold it, and the one named for its topic.
        assert!(
            s.subjects.contains(&(w.subject.clone(), 1)),
            "{}: {:?}",
            w.kind,
            s.subjects
        );
        assert_eq!(
            s.subject_for(&w.topic, false),
            Some(&(w.subject.clone(), 1))
        );
        let framed = kafka_tui::schema::wire::parse(&w.value).unwrap();
        assert_eq!(framed.schema_id, w.schema_id);
        let d = s
            .decode(framed.rest)
            .unwrap_or_else(|e| panic!("{}: {e}", w.kind));
        let (json, type_name) = match w.kind.as_str() {
            "avro" => (
                r#"{"order_id":"o-1","amount":12.5,"items":3}"#,
                "kt.peers.Order",
            ),
            "protobuf" => (
                r#"{"shipment_id":"s-1","weight_grams":1200,"express":true}"#,
                "kt.peers.Shipment",
            ),
            "json" => (r#"{"payment_id":"p-1","amount":7.25}"#, "Payment"),
            k => panic!("unexpected kind {k}"),
        };
        assert_eq!(d.json, json, "{}", w.kind);
        assert_eq!(d.type_name.as_deref(), Some(type_name), "{}", w.kind);
        assert_eq!(d.note, None, "{}", w.kind);
        if let Some((subject, id, key)) = &w.key {
            let s = loaded::load(&client, *id).await.unwrap();
            assert_eq!(s.subject_for(&w.topic, true), Some(&(subject.clone(), 1)));
            let d = s.decode(&key[5..]).unwrap();
            assert_eq!(d.json, r#"{"id":"k1"}"#);
        }
    }
    // Encoding the same JSON gives the serializer's bytes (Avro and Protobuf are canonical).
    for w in written.iter().filter(|w| w.kind != "json") {
        let s = loaded::load(&client, w.schema_id).await.unwrap();
        let framed = kafka_tui::schema::wire::parse(&w.value).unwrap();
        let json = s.decode(framed.rest).unwrap().json;
        assert_eq!(s.encode(None, &json).unwrap(), w.value, "{}", w.kind);
    }
}

/// A schema id the registry does not have is an error that says so (and is shown, with the
/// bytes as hex, by the UI); an unreachable registry says that instead.
#[tokio::test]
async fn missing_schema_and_unreachable_registry_say_why() {
    let Some(registry) = peer("KAFKA_TUI_REGISTRY", "the schema registry") else {
        return;
    };
    let client = RegistryClient::new(RegistryConfig::new(registry)).unwrap();
    let e = loaded::load(&client, 987_654)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("schema 987654") && e.contains("not in the schema registry"),
        "{e}"
    );
    let port = common::free_port();
    let mut cfg = RegistryConfig::new(format!("http://127.0.0.1:{port}"));
    cfg.connect_timeout = Duration::from_secs(2);
    let client = RegistryClient::new(cfg).unwrap();
    let e = loaded::load(&client, 1).await.unwrap_err().to_string();
    assert!(e.contains("unreachable"), "{e}");
}

/// An app with no Kafka behind it, for the `:schemas` test.
fn headless_app() -> kafka_tui::app::App {
    use kafka_tui::app::{App, ClusterView, Connection};
    let cluster = ClusterView {
        label: "cluster".into(),
        address: "127.0.0.1:9092".into(),
        embedded: None,
        connection: Connection::Connected { brokers: 1 },
        last_error: None,
    };
    App::new(
        kafka_tui::kafka::api::KafkaHandle::detached().0,
        cluster,
        kafka_tui::state::logs::LogsState::new(vec![("broker".into(), "none".into())], 10),
        kafka_tui::state::tail::TailState::new(100, 1 << 20),
        kafka_tui::theme::Theme::builtin("dark"),
    )
}

fn draw_screen(app: &mut kafka_tui::app::App, size: (u16, u16)) -> String {
    app.handle_event(kafka_tui::event::Event::Resize(size.0, size.1));
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(size.0, size.1)).unwrap();
    t.draw(|f| kafka_tui::ui::draw(f, app)).unwrap();
    common::buffer_text(t.backend().buffer())
}

/// `:schemas` on the real registry, through the real registry task: the subjects the
/// serializers registered are listed with their latest version, schema id and type, a level set
/// on one subject shows as its own, and Enter shows a schema (the Protobuf one written out from
/// the descriptor the Python serializer registered).
#[tokio::test]
async fn schemas_view_lists_the_subjects_the_serializers_registered() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use kafka_tui::event::Event;
    use kafka_tui::state::views::View;

    let Some(registry) = peer("KAFKA_TUI_REGISTRY", "the schema registry") else {
        return;
    };
    let prefix = unique("kt-sr-view");
    let written = write_records(&registry, None, &prefix);
    // A compatibility level of the Avro subject's own.
    let avro_subject = format!("{prefix}-avro-value");
    let put = reqwest::Client::new()
        .put(format!("{registry}/config/{avro_subject}"))
        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
        .body(r#"{"compatibility":"FORWARD_TRANSITIVE"}"#)
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success(), "{:?}", put.text().await);

    let client = RegistryClient::new(RegistryConfig::new(registry.clone())).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Event>(64);
    let cancel = tokio_util::sync::CancellationToken::new();
    let mut app = headless_app();
    app.schemas.handle = Some(kafka_tui::schema::service::spawn(
        client,
        tx,
        cancel.clone(),
    ));
    let key = |app: &mut kafka_tui::app::App, code| {
        app.handle_event(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    };
    for c in ":schemas".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    let view = |app: &kafka_tui::app::App| match app.views.last() {
        Some(View::Schemas(v)) => (**v).clone(),
        other => panic!("{other:?}"),
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while view(&app).list.is_none() {
        let ev = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("the registry task answers within 20 s")
            .unwrap();
        app.handle_event(ev);
    }
    let v = view(&app);
    let list = v.list.clone().unwrap().unwrap();
    for w in &written {
        let row = list
            .rows
            .iter()
            .find(|r| r.subject == w.subject)
            .unwrap_or_else(|| panic!("{} is not listed: {list:?}", w.subject));
        let ty = row
            .latest
            .as_ref()
            .map(|(v, id, ty)| (*v, *id, ty.to_string()));
        let want = match w.kind.as_str() {
            "avro" => "Avro",
            "protobuf" => "Protobuf",
            _ => "JSON Schema",
        };
        assert_eq!(
            ty,
            Some((1, w.schema_id, want.to_string())),
            "{}",
            w.subject
        );
        assert_eq!(row.versions, [1], "{}", w.subject);
        assert_eq!(row.problem, None, "{}", w.subject);
    }
    let own = list
        .rows
        .iter()
        .find(|r| r.subject == avro_subject)
        .unwrap();
    assert_eq!(own.compatibility.as_deref(), Some("FORWARD_TRANSITIVE"));
    // On screen: each subject's row with its latest version, id and type.
    let screen = draw_screen(&mut app, (200, 300));
    for w in &written {
        let line = screen
            .lines()
            .find(|l| l.contains(&format!(" {} ", w.subject)))
            .unwrap_or_else(|| panic!("no row for {} in\n{screen}", w.subject));
        assert!(line.contains(&format!("v1 (id {})", w.schema_id)), "{line}");
    }
    assert!(screen.contains("FORWARD_TRANSITIVE"), "{screen}");

    // Enter on the Protobuf subject: its schema, as .proto source.
    let at = list
        .rows
        .iter()
        .position(|r| r.subject == format!("{prefix}-protobuf-value"))
        .unwrap();
    for _ in 0..at {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    let shown = |app: &kafka_tui::app::App| view(app).subject.and_then(|d| d.schema);
    while shown(&app).is_none() {
        let ev = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("the registry task answers within 20 s")
            .unwrap();
        app.handle_event(ev);
    }
    let screen = draw_screen(&mut app, (200, 60));
    assert!(screen.contains("versions [1]"), "{screen}");
    assert!(screen.contains("Protobuf"), "{screen}");
    assert!(screen.contains("message Shipment {"), "{screen}");
    assert!(screen.contains("  int64 weight_grams = 2;"), "{screen}");
    cancel.cancel();
}

/// The real binary, a real broker and the registry: the tail shows each record decoded.
#[test]
fn tail_shows_records_decoded_in_tmux() {
    let (Some(registry), Some(bootstrap)) = (
        peer("KAFKA_TUI_REGISTRY", "the schema registry"),
        peer("KAFKA_TUI_KAFKA", "the Kafka cluster"),
    ) else {
        return;
    };
    if kafka_ref::no_tmux() {
        return;
    }
    let prefix = unique("kt-sr-tail");
    // A pager that shows the file, a marker, and waits for Enter.
    let dir = tempfile::tempdir().unwrap();
    let pager = dir.path().join("pager.sh");
    std::fs::write(
        &pager,
        "#!/bin/sh\ncat \"$1\"; echo; echo KT-PAGER-MARKER; read line\n",
    )
    .unwrap();
    std::fs::set_permissions(&pager, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let written = write_records(&registry, Some(&bootstrap), &prefix);
    for (w, expect) in written.iter().zip([
        r#"{"order_id":"o-1","amount":12.5,"items":3}"#,
        r#"{"shipment_id":"s-1","weight_grams":1200,"express":true}"#,
        r#"{"payment_id":"p-1","amount":7.25}"#,
    ]) {
        let cmd = format!(
            "PAGER={} {} -b {} --schema-registry {} -t {} --from beginning --log-file /dev/null; echo kafka-tui-exited-$?; sleep 30",
            common::sh_quote(pager.to_str().unwrap()),
            common::sh_quote(common::binary().to_str().unwrap()),
            common::sh_quote(&bootstrap),
            common::sh_quote(&registry),
            common::sh_quote(&w.topic),
        );
        let t = common::Tmux::start(&format!("sr-{}", w.kind), &cmd, 160, 30);
        // The Avro record's key is Avro too: both decoded.
        let key = if w.kind == "avro" {
            r#"{"id":"k1"}"#
        } else {
            "k1"
        };
        t.wait_for(
            &format!("{} decoded", w.kind),
            Duration::from_secs(30),
            |s| s.contains(expect) && s.contains(key),
        );
        // The detail names the schema: subject, version and id.
        t.keys(&["Enter"]);
        t.wait_for("the detail's schema line", Duration::from_secs(10), |s| {
            s.contains(&format!("{} v1", w.subject)) && s.contains(&format!("id {}", w.schema_id))
        });
        if w.kind == "avro" {
            // y: the decoded value reaches tmux's clipboard through OSC 52.
            t.tmux(&["set", "-g", "set-clipboard", "on"]);
            t.keys(&["y"]);
            t.wait_for("the copy's message", Duration::from_secs(10), |s| {
                s.contains("copied the value")
            });
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            loop {
                let out = t.tmux(&["show-buffer"]);
                if String::from_utf8_lossy(&out.stdout) == expect {
                    break;
                }
                assert!(
                    std::time::Instant::now() < deadline,
                    "tmux buffer: {:?} {:?}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                );
                std::thread::sleep(Duration::from_millis(100));
            }
            // o: the value in $PAGER, then the detail comes back whole.
            t.keys(&["o"]);
            t.wait_for("the pager", Duration::from_secs(10), |s| {
                s.contains("KT-PAGER-MARKER") && s.contains(expect) && !s.contains("Esc closes")
            });
            t.keys(&["Enter"]);
            t.wait_for("the detail again", Duration::from_secs(10), |s| {
                s.contains("Esc closes")
                    && s.contains(&format!("{} v1", w.subject))
                    && !s.contains("KT-PAGER-MARKER")
            });
        }
        t.quit_cleanly(Duration::from_secs(10));
    }
}

/// The Producer with `:schema SUBJECT`: JSON typed into the real binary is encoded with the
/// subject's latest schema and published to the real cluster, and confluent-kafka's own
/// deserializers (tests/peers/schema_read.py) read back the value typed; JSON that does not fit
/// the schema is refused with the encoder's reason, and nothing is sent.
#[test]
fn producer_publishes_typed_json_that_the_real_deserializers_read() {
    let (Some(registry), Some(bootstrap)) = (
        peer("KAFKA_TUI_REGISTRY", "the schema registry"),
        peer("KAFKA_TUI_KAFKA", "the Kafka cluster"),
    ) else {
        return;
    };
    if kafka_ref::no_tmux() {
        return;
    }
    let prefix = unique("kt-sr-prod");
    // The serializers register the subjects (and write one record to each topic).
    let written = write_records(&registry, Some(&bootstrap), &prefix);
    let cases = [
        (
            "avro",
            r#"{"order_id":"o-9","amount":2.5,"items":7}"#,
            serde_json::json!({"order_id": "o-9", "amount": 2.5, "items": 7}),
        ),
        (
            "protobuf",
            r#"{"shipment_id":"s-9","weight_grams":900,"express":true}"#,
            // Protobuf's JSON mapping writes 64-bit integers as strings.
            serde_json::json!({"shipment_id": "s-9", "weight_grams": "900", "express": true}),
        ),
        (
            "json",
            r#"{"payment_id":"p-9","amount":1.25}"#,
            serde_json::json!({"payment_id": "p-9", "amount": 1.25}),
        ),
    ];
    for (kind, typed, expect) in cases {
        let w = written.iter().find(|w| w.kind == kind).unwrap();
        let cmd = format!(
            "{} -b {} --schema-registry {} -t {} --from beginning --log-file /dev/null; echo kafka-tui-exited-$?; sleep 30",
            common::sh_quote(common::binary().to_str().unwrap()),
            common::sh_quote(&bootstrap),
            common::sh_quote(&registry),
            common::sh_quote(&w.topic),
        );
        let t = common::Tmux::start(&format!("srp-{kind}"), &cmd, 160, 36);
        t.wait_for("the tail", Duration::from_secs(30), |s| {
            s.contains("1 held") || s.contains("1/1")
        });
        t.keys(&[":"]);
        t.type_text(&format!("schema {}", w.subject));
        t.keys(&["Enter"]);
        // The status line says so, and the focused Producer's title names the subject too (cut
        // here: topic and subject are long; not in use, the Producer is narrower still).
        t.wait_for("the schema set", Duration::from_secs(10), |s| {
            s.contains(&format!("is encoded with {} latest", w.subject))
        });
        t.keys(&["3"]);
        t.wait_for("the subject in the title", Duration::from_secs(10), |s| {
            s.contains(" as kt-sr-")
        });
        if kind == "avro" {
            // A value that does not fit: refused with the encoder's reason, nothing sent.
            t.type_text(r#"{"order_id": 5}"#);
            t.keys(&["C-s"]);
            t.wait_for("the refusal", Duration::from_secs(10), |s| {
                s.contains("not sent: the value does not fit")
            });
            t.escape();
            t.wait_for("typing stopped", Duration::from_secs(10), |s| {
                !s.contains("Esc stop")
            });
            t.keys(&["x", "i"]);
        }
        t.type_text(typed);
        t.keys(&["C-s"]);
        t.wait_for("the delivery", Duration::from_secs(20), |s| {
            s.contains(&format!("delivered to {}", w.topic))
        });
        t.quit_cleanly(Duration::from_secs(10));
        // The serializer's record, then ours: a bad value would have been a second record.
        let python = std::env::var("KAFKA_TUI_PYTHON").unwrap();
        let script = std::env::var("KAFKA_TUI_SCHEMA_RECORDS")
            .unwrap()
            .replace("schema_records.py", "schema_read.py");
        let out = Command::new(python)
            .args([
                &script,
                "--registry",
                &registry,
                "--bootstrap",
                &bootstrap,
                "--topic",
                &w.topic,
                "--kind",
                kind,
                "--count",
                "2",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{kind}: schema_read.py: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2, "{kind}: {lines:?}");
        assert_eq!(lines[1], expect, "{kind}: what the deserializer read");
    }
}

// ---------------------------------------------------------------------------------------------
// `kafka-tui dump` with a registry: the real binary, records in the embedded broker run here
// ---------------------------------------------------------------------------------------------

/// Publishes (key, value) byte records to partition 0 of `topic`, waiting for each delivery.
fn publish(addr: &str, topic: &str, records: &[(Vec<u8>, Vec<u8>)]) {
    use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
    let p: BaseProducer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", addr)
        .create()
        .unwrap();
    for (k, v) in records {
        p.send(BaseRecord::to(topic).partition(0).key(k).payload(v))
            .unwrap();
    }
    p.flush(Duration::from_secs(10)).unwrap();
}

/// Runs kafka-tui with `args` and `env` (a private home, no config file unless `env` names
/// one), and returns stdout, stderr and whether it succeeded.
fn kt(home: &std::path::Path, env: &[(&str, &str)], args: &[&str]) -> (String, String, bool) {
    let mut cmd = Command::new(common::binary());
    cmd.args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env_remove("KAFKA_TUI_CONFIG")
        .stdin(std::process::Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("kafka-tui runs");
    (
        String::from_utf8(out.stdout).expect("UTF-8 output"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.success(),
    )
}

fn json_lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// The bytes of a JSON line's key or value field (UTF-8 as is, else base64).
fn line_bytes(line: &serde_json::Value, field: &str) -> Vec<u8> {
    use base64::Engine as _;
    let text = line[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field}: {line}"));
    match line[format!("{field}_encoding")].as_str() {
        Some("base64") => base64::engine::general_purpose::STANDARD
            .decode(text)
            .unwrap(),
        _ => text.as_bytes().to_vec(),
    }
}

/// `kafka-tui dump --schema-registry URL`: the records confluent-kafka's serializers wrote
/// (Avro with an Avro key, Protobuf, JSON Schema), published as they are to the embedded
/// broker, are printed as JSON Lines with the decoded JSON beside the bytes and the schema's
/// id, type, subject and version; `--format text` prints the decoded value alone, and `--jq`
/// reads the decoded value.
#[test]
fn dump_prints_registry_records_decoded() {
    let Some(registry) = peer("KAFKA_TUI_REGISTRY", "the schema registry") else {
        return;
    };
    let written = write_records(&registry, None, &unique("kt-sr-dump"));
    assert_eq!(written.len(), 3);
    let e = embedded();
    let home = e.home.path();
    for w in &written {
        let key = w
            .key
            .as_ref()
            .map_or(b"k1".to_vec(), |(_, _, bytes)| bytes.clone());
        publish(&e.addr, &w.topic, &[(key, w.value.clone())]);
        let (expect, kind) = match w.kind.as_str() {
            "avro" => (
                serde_json::json!({"order_id": "o-1", "amount": 12.5, "items": 3}),
                "AVRO",
            ),
            "protobuf" => (
                serde_json::json!({"shipment_id": "s-1", "weight_grams": 1200, "express": true}),
                "PROTOBUF",
            ),
            "json" => (
                serde_json::json!({"payment_id": "p-1", "amount": 7.25}),
                "JSON",
            ),
            k => panic!("unexpected kind {k}"),
        };
        let args = [
            "dump",
            "-b",
            &e.addr,
            "--schema-registry",
            &registry,
            "-t",
            &w.topic,
        ];
        let (out, err, ok) = kt(home, &[], &args);
        assert!(ok, "{}: {err}", w.kind);
        let lines = json_lines(&out);
        assert_eq!(lines.len(), 1, "{}: {out}", w.kind);
        let line = &lines[0];
        assert_eq!(line["value_decoded"], expect, "{}: {line}", w.kind);
        assert_eq!(
            line["value_schema"],
            serde_json::json!({"id": w.schema_id, "type": kind, "subject": w.subject, "version": 1}),
            "{}: {line}",
            w.kind
        );
        // The bytes are there too, as the serializer wrote them (what a replay publishes).
        assert_eq!(line_bytes(line, "value"), w.value, "{}", w.kind);
        match &w.key {
            Some((subject, id, bytes)) => {
                assert_eq!(
                    line["key_decoded"],
                    serde_json::json!({"id": "k1"}),
                    "{line}"
                );
                assert_eq!(
                    line["key_schema"],
                    serde_json::json!({"id": id, "type": "AVRO", "subject": subject, "version": 1}),
                    "{line}"
                );
                assert_eq!(line_bytes(line, "key"), *bytes);
            }
            None => {
                assert_eq!(line["key"], "k1", "{line}");
                assert!(line.get("key_decoded").is_none(), "{line}");
            }
        }
        // Text: the decoded value alone, one line.
        let mut text_args = args.to_vec();
        text_args.extend(["--format", "text"]);
        let (out, err, ok) = kt(home, &[], &text_args);
        assert!(ok, "{}: {err}", w.kind);
        let shown: serde_json::Value = serde_json::from_str(out.trim_end())
            .unwrap_or_else(|e| panic!("{}: {e}: {out:?}", w.kind));
        assert_eq!(shown, expect, "{}", w.kind);
        assert_eq!(out.lines().count(), 1, "{}: {out:?}", w.kind);
    }
    // jq reads the decoded value: the Avro record's amount, and nothing for a test it fails.
    let avro = written.iter().find(|w| w.kind == "avro").unwrap();
    let jq = |program: &str| {
        let (out, err, ok) = kt(
            home,
            &[],
            &[
                "dump",
                "-b",
                &e.addr,
                "--schema-registry",
                &registry,
                "-t",
                &avro.topic,
                "--jq",
                program,
            ],
        );
        assert!(ok, "{err}");
        json_lines(&out)
    };
    let kept = jq("select(.items == 3) | .amount");
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0]["jq"], serde_json::json!([12.5]));
    assert!(jq("select(.items > 3)").is_empty());
}

// ---------------------------------------------------------------------------------------------
// The registry's login from the config file
// ---------------------------------------------------------------------------------------------

/// A registry stand-in on a loopback port: it answers `GET /schemas/ids/{id}` (and
/// `/versions`) for one schema, but only to requests with the right `Authorization` header
/// (401 otherwise), and keeps every request's head for the test to read.
struct StandIn {
    url: String,
    requests: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl StandIn {
    fn start(authorization: &str, id: u32, schema: &str, subject: &str) -> StandIn {
        use std::io::{Read as _, Write as _};
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (seen, stopped) = (requests.clone(), stop.clone());
        let want = format!("authorization: {authorization}");
        let by_id = format!("/schemas/ids/{id}");
        let schema_body = serde_json::json!({ "schema": schema }).to_string();
        let versions_body = serde_json::json!([{ "subject": subject, "version": 1 }]).to_string();
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(mut s) = conn else { continue };
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
                let authorized = head.lines().any(|l| l.eq_ignore_ascii_case(&want));
                seen.lock().unwrap().push(head);
                let (status, body) = if !authorized {
                    (
                        "401 Unauthorized",
                        r#"{"error_code":401,"message":"Unauthorized"}"#.to_string(),
                    )
                } else if path == by_id {
                    ("200 OK", schema_body.clone())
                } else if path == format!("{by_id}/versions") {
                    ("200 OK", versions_body.clone())
                } else {
                    (
                        "404 Not Found",
                        r#"{"error_code":40403,"message":"Schema not found"}"#.to_string(),
                    )
                };
                let answer = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: application/vnd.schemaregistry.v1+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = s.write_all(answer.as_bytes());
            }
        });
        StandIn {
            url,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag.
        let _ = std::net::TcpStream::connect(self.url.trim_start_matches("http://"));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A cluster's `schema_registry_user` and `schema_registry_password` in the config file (the
/// password from `${VAR}`, as other secrets are given) reach the registry as HTTP basic auth:
/// `dump --cluster NAME` asks a stand-in registry, which answers only with the right
/// `Authorization` header, for a record's schema and prints the value decoded; every request
/// carried the header, and the password is printed nowhere. With a wrong password the stand-in
/// refuses, and the dump says why the record was not decoded.
#[test]
fn registry_credentials_from_the_config_file_reach_the_registry() {
    use base64::Engine as _;
    let (user, password) = ("svc-reader", "s3cr:et pw");
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    );
    let schema_text = r#"{"type":"record","name":"Ping","namespace":"kt.auth","fields":[{"name":"n","type":"int"}]}"#;
    let e = embedded();
    let topic = unique("kt-sr-auth");
    let subject = format!("{topic}-value");
    let registry = StandIn::start(&basic, 42, schema_text, &subject);
    // {"n": 7}: zig-zag 14, behind magic 0 and schema id 42.
    publish(
        &e.addr,
        &topic,
        &[(b"k".to_vec(), vec![0, 0, 0, 0, 42, 14])],
    );

    let cfg = e.home.path().join("kafka-tui.toml");
    std::fs::write(
        &cfg,
        format!(
            "[clusters.sr-auth]\nbootstrap = \"{}\"\nschema_registry = \"{}\"\nschema_registry_user = \"{user}\"\nschema_registry_password = \"${{KT_TEST_SR_PASSWORD}}\"\n",
            e.addr, registry.url
        ),
    )
    .unwrap();
    let cfg = cfg.to_str().unwrap();
    let args = ["dump", "--cluster", "sr-auth", "-t", &topic];
    let (out, err, ok) = kt(
        e.home.path(),
        &[("KAFKA_TUI_CONFIG", cfg), ("KT_TEST_SR_PASSWORD", password)],
        &args,
    );
    assert!(ok, "{err}");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1, "{out}");
    assert_eq!(
        lines[0]["value_decoded"],
        serde_json::json!({"n": 7}),
        "{out}"
    );
    assert_eq!(
        lines[0]["value_schema"],
        serde_json::json!({"id": 42, "type": "AVRO", "subject": subject, "version": 1}),
        "{out}"
    );
    let requests = registry.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.starts_with("GET /schemas/ids/42 ")),
        "{requests:#?}"
    );
    for r in &requests {
        assert!(
            r.to_ascii_lowercase()
                .contains(&format!("authorization: {basic}").to_ascii_lowercase()),
            "a request without the login:\n{r}"
        );
    }
    assert!(
        !out.contains(password) && !err.contains(password),
        "{out}\n{err}"
    );

    // The wrong password: refused, and said so in the record's schema reference.
    let before = registry.requests().len();
    let (out, err, ok) = kt(
        e.home.path(),
        &[("KAFKA_TUI_CONFIG", cfg), ("KT_TEST_SR_PASSWORD", "wrong")],
        &args,
    );
    assert!(ok, "{err}");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1, "{out}");
    assert!(lines[0].get("value_decoded").is_none(), "{out}");
    let why = lines[0]["value_schema"]["error"]
        .as_str()
        .unwrap_or_default();
    assert!(why.contains("401"), "{out}");
    assert!(registry.requests().len() > before);
}
