//! Each Apache Kafka peer that `.ci/peers.sh` starts does what the other tests rely on: the
//! 3-node KRaft cluster (PLAINTEXT, SCRAM, SSL, ACLs), the ZooKeeper-mode broker and its two
//! logs, the Connect workers, the Streams app, the schema registry and the real serializers.
//! Plain rdkafka and std only: these tests check the peers, not kafka-tui. docs/peers.md lists
//! the variables.
//!
//! In CI (`CI` set) a missing peer is a failure; locally these tests print why they skip.

mod common;
use common::peers::{peer, unique, var};

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::{ClientContext, DefaultClientContext};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::producer::{BaseProducer, BaseRecord, DeliveryResult, Producer, ProducerContext};
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::{ClientConfig, Message, Offset, TopicPartitionList};

const WAIT: Duration = Duration::from_secs(30);

fn config(bootstrap: &str) -> ClientConfig {
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", bootstrap);
    c
}

fn sasl(bootstrap: &str, user: &str, password: &str) -> ClientConfig {
    let mut c = config(bootstrap);
    c.set("security.protocol", "SASL_PLAINTEXT")
        .set("sasl.mechanisms", "SCRAM-SHA-512")
        .set("sasl.username", user)
        .set("sasl.password", password);
    c
}

/// The errors librdkafka reports for a client (authentication, TLS handshake, ...).
#[derive(Clone, Default)]
struct Errors(Arc<Mutex<Vec<String>>>);

impl ClientContext for Errors {
    fn error(&self, error: KafkaError, reason: &str) {
        self.0.lock().unwrap().push(format!("{error}: {reason}"));
    }
}

impl ProducerContext for Errors {
    type DeliveryOpaque = ();
    fn delivery(&self, _: &DeliveryResult<'_>, _: ()) {}
}

/// Connects with `cfg` and returns the first error librdkafka reports that contains `needle`;
/// panics if the connection works instead, or if no such error comes within the deadline.
fn connection_error(cfg: &ClientConfig, needle: &str) -> String {
    let errors = Errors::default();
    let producer: BaseProducer<Errors> = cfg
        .clone()
        .set("reconnect.backoff.max.ms", "1000")
        .create_with_context(errors.clone())
        .expect("producer");
    let deadline = Instant::now() + WAIT;
    loop {
        if let Ok(md) = producer
            .client()
            .fetch_metadata(None, Duration::from_millis(500))
        {
            panic!(
                "connected ({} brokers) where {needle:?} was expected",
                md.brokers().len()
            );
        }
        producer.poll(Duration::from_millis(100));
        let seen = errors.0.lock().unwrap().clone();
        if let Some(e) = seen.iter().find(|e| e.contains(needle)) {
            return e.clone();
        }
        assert!(
            Instant::now() < deadline,
            "no error with {needle:?}; errors: {seen:?}"
        );
    }
}

fn broker_ids(cfg: &ClientConfig) -> Vec<i32> {
    let c: BaseConsumer = cfg.create().expect("consumer");
    let md = c.fetch_metadata(None, WAIT).expect("metadata");
    let mut ids: Vec<i32> = md.brokers().iter().map(|b| b.id()).collect();
    ids.sort();
    ids
}

async fn create_topic(cfg: &ClientConfig, topic: &str, partitions: i32, replicas: i32) {
    let admin: AdminClient<DefaultClientContext> = cfg.create().expect("admin");
    let opts = AdminOptions::new().operation_timeout(Some(WAIT));
    let res = admin
        .create_topics(
            &[NewTopic::new(
                topic,
                partitions,
                TopicReplication::Fixed(replicas),
            )],
            &opts,
        )
        .await
        .expect("create_topics");
    for r in res {
        r.unwrap_or_else(|(t, e)| panic!("create {t}: {e}"));
    }
}

fn produce(cfg: &ClientConfig, topic: &str, key: &str, value: &str) {
    let p: BaseProducer = cfg.create().expect("producer");
    p.send(BaseRecord::to(topic).key(key).payload(value))
        .map_err(|(e, _)| e)
        .expect("enqueue");
    p.flush(WAIT).expect("delivered");
}

/// The key and value of the record at topic/partition/offset.
fn record_at(bootstrap: &str, topic: &str, partition: i32, offset: i64) -> (Vec<u8>, Vec<u8>) {
    let c: BaseConsumer = config(bootstrap)
        .set("group.id", unique("kt-smoke-read"))
        .set("enable.auto.commit", "false")
        .create()
        .expect("consumer");
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset(topic, partition, Offset::Offset(offset))
        .unwrap();
    c.assign(&tpl).expect("assign");
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        if let Some(m) = c.poll(Duration::from_millis(200)) {
            let m = m.expect("record");
            assert_eq!(m.offset(), offset);
            let key = m.key().unwrap_or_default().to_vec();
            return (key, m.payload().unwrap_or_default().to_vec());
        }
    }
    panic!("no record at {topic}/{partition}@{offset} within {WAIT:?}");
}

/// A GET or POST over plain HTTP/1.0 (no chunked answers): (status, body).
fn http(method: &str, url: &str, body: Option<&str>) -> (u16, String) {
    let rest = url.strip_prefix("http://").expect("http:// URL");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let mut s = TcpStream::connect(host).unwrap_or_else(|e| panic!("connect {host}: {e}"));
    s.set_read_timeout(Some(WAIT)).unwrap();
    // Connect answers 415 to a GET that names a content type.
    let head = match body {
        Some(b) => format!(
            "Content-Type: application/vnd.schemaregistry.v1+json\r\nContent-Length: {}\r\n",
            b.len()
        ),
        None => String::new(),
    };
    write!(
        s,
        "{method} {path} HTTP/1.0\r\nHost: {host}\r\nAccept: application/json\r\n{head}\r\n{}",
        body.unwrap_or("")
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).expect("answer");
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("not HTTP: {answer:.200}"));
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text:.300}"))
}

/// The size of a file (0 if it does not exist).
fn size(path: &str) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// Waits until the file holds `text` after byte `from`.
fn wait_for_text(path: &str, from: u64, text: &str) {
    let deadline = Instant::now() + WAIT;
    loop {
        let all = std::fs::read(path).unwrap_or_default();
        let new = String::from_utf8_lossy(&all[(from as usize).min(all.len())..]).to_string();
        if new.contains(text) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{path} did not log {text:?} within {WAIT:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn kraft_cluster_lists_three_brokers_on_each_listener() {
    let Some(plain) = peer("KAFKA_TUI_KAFKA", "the Apache Kafka KRaft cluster") else {
        return;
    };
    assert_eq!(broker_ids(&config(&plain)), vec![1, 2, 3], "PLAINTEXT");
    let sasl_boot = var("KAFKA_TUI_KAFKA_SASL");
    let cfg = sasl(
        &sasl_boot,
        &var("KAFKA_TUI_KAFKA_USER"),
        &var("KAFKA_TUI_KAFKA_PASSWORD"),
    );
    assert_eq!(broker_ids(&cfg), vec![1, 2, 3], "SASL_PLAINTEXT");
    let mut ssl = config(&var("KAFKA_TUI_KAFKA_SSL"));
    ssl.set("security.protocol", "SSL")
        .set("ssl.ca.location", var("KAFKA_TUI_KAFKA_CA"));
    assert_eq!(broker_ids(&ssl), vec![1, 2, 3], "SSL");
}

#[test]
fn scram_login_fails_with_a_wrong_password() {
    let Some(boot) = peer("KAFKA_TUI_KAFKA_SASL", "the Apache Kafka KRaft cluster") else {
        return;
    };
    let e = connection_error(
        &sasl(&boot, &var("KAFKA_TUI_KAFKA_USER"), "not-the-password"),
        "Authentication failed",
    );
    assert!(e.contains("SCRAM-SHA-512"), "{e}");
}

#[test]
fn ssl_fails_without_the_test_ca() {
    let Some(boot) = peer("KAFKA_TUI_KAFKA_SSL", "the Apache Kafka KRaft cluster") else {
        return;
    };
    let mut cfg = config(&boot);
    cfg.set("security.protocol", "SSL");
    let e = connection_error(&cfg, "certificate verify failed");
    assert!(e.contains("SSL handshake failed"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restricted_user_cannot_describe_the_secret_topic_but_can_do_the_rest() {
    let Some(boot) = peer("KAFKA_TUI_KAFKA_SASL", "the Apache Kafka KRaft cluster") else {
        return;
    };
    let secret = var("KAFKA_TUI_KAFKA_SECRET_TOPIC");
    let topic_error = |user: &str, password: &str| {
        let c: BaseConsumer = sasl(&boot, user, password).create().expect("consumer");
        let md = c.fetch_metadata(Some(&secret), WAIT).expect("metadata");
        md.topics()[0].error()
    };
    let bob = var("KAFKA_TUI_KAFKA_RESTRICTED_USER");
    let bob_pw = var("KAFKA_TUI_KAFKA_RESTRICTED_PASSWORD");
    assert_eq!(
        topic_error(&bob, &bob_pw).map(RDKafkaErrorCode::from),
        Some(RDKafkaErrorCode::TopicAuthorizationFailed),
        "{bob} must not describe {secret}"
    );
    assert_eq!(
        topic_error(
            &var("KAFKA_TUI_KAFKA_USER"),
            &var("KAFKA_TUI_KAFKA_PASSWORD")
        ),
        None,
        "the normal user describes {secret}"
    );
    // Everything else works for the restricted user: a topic of their own, produce, metadata.
    let cfg = sasl(&boot, &bob, &bob_pw);
    let mine = unique("kt-smoke-bob");
    create_topic(&cfg, &mine, 1, 3).await;
    produce(&cfg, &mine, "k", "v");
    let c: BaseConsumer = cfg.create().expect("consumer");
    let md = c.fetch_metadata(None, WAIT).expect("metadata");
    let names: Vec<&str> = md.topics().iter().map(|t| t.name()).collect();
    assert!(names.contains(&mine.as_str()), "{names:?}");
    assert!(!names.contains(&secret.as_str()), "{names:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zookeeper_mode_broker_answers_and_both_logs_grow() {
    let Some(boot) = peer("KAFKA_TUI_ZKMODE", "the ZooKeeper-mode Kafka 3.9 broker") else {
        return;
    };
    let broker_log = var("KAFKA_TUI_ZKMODE_BROKER_LOG");
    let zk_log = var("KAFKA_TUI_ZKMODE_ZK_LOG");
    assert_eq!(broker_ids(&config(&boot)), vec![1]);

    let (b0, z0) = (size(&broker_log), size(&zk_log));
    let topic = unique("kt-smoke-zk");
    create_topic(&config(&boot), &topic, 2, 1).await;
    wait_for_text(
        &broker_log,
        b0,
        &format!("Created log for partition {topic}-1"),
    );

    // ZooKeeper itself: a four-letter word answers and is logged.
    let zk = var("KAFKA_TUI_ZKMODE_ZK");
    let mut s = TcpStream::connect(&zk).expect("zookeeper");
    s.set_read_timeout(Some(WAIT)).unwrap();
    s.write_all(b"srvr").unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).expect("srvr answer");
    assert!(answer.starts_with("Zookeeper version"), "{answer}");
    wait_for_text(&zk_log, z0, "Processing srvr command");
}

#[test]
fn connect_workers_have_the_filestream_plugins() {
    let Some(urls) = peer("KAFKA_TUI_CONNECT", "the Kafka Connect workers") else {
        return;
    };
    let mut cluster_ids = Vec::new();
    for url in urls.split(',') {
        let (status, body) = http("GET", &format!("{url}/connector-plugins"), None);
        assert_eq!(status, 200, "{url}: {body}");
        let classes: Vec<String> = json(&body)
            .as_array()
            .expect("a list")
            .iter()
            .map(|p| p["class"].as_str().unwrap_or_default().to_string())
            .collect();
        for c in ["FileStreamSourceConnector", "FileStreamSinkConnector"] {
            assert!(classes.iter().any(|k| k.ends_with(c)), "{url}: {classes:?}");
        }
        let (status, body) = http("GET", &format!("{url}/"), None);
        assert_eq!(status, 200, "{url}: {body}");
        cluster_ids.push(
            json(&body)["kafka_cluster_id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    assert_eq!(cluster_ids.len(), 2, "two Connect clusters: {urls}");
    assert_eq!(cluster_ids[0], cluster_ids[1], "both on the KRaft cluster");
}

#[test]
fn streams_app_counts_words_into_its_output_topic() {
    let Some(app) = peer("KAFKA_TUI_STREAMS_APP", "the Kafka Streams word count") else {
        return;
    };
    let boot = var("KAFKA_TUI_KAFKA");
    let (input, output) = (
        var("KAFKA_TUI_STREAMS_INPUT"),
        var("KAFKA_TUI_STREAMS_OUTPUT"),
    );

    let c: BaseConsumer = config(&boot).create().expect("consumer");
    let groups = c.fetch_group_list(Some(&app), WAIT).expect("groups");
    let group = &groups.groups()[0];
    assert_eq!(group.state(), "Stable", "group {app}");
    assert!(!group.members().is_empty(), "group {app} has members");
    let md = c.fetch_metadata(None, WAIT).expect("metadata");
    let names: Vec<&str> = md.topics().iter().map(|t| t.name()).collect();
    for internal in [
        format!("{app}-counts-changelog"),
        format!("{app}-words-repartition"),
    ] {
        assert!(names.contains(&internal.as_str()), "{internal}: {names:?}");
    }
    let topology = std::fs::read_to_string(var("KAFKA_TUI_STREAMS_TOPOLOGY")).expect("topology");
    assert!(
        topology.contains(&format!("topics: [{input}]")) && topology.contains("stores: [counts]"),
        "{topology}"
    );

    // Two of one new word in, its count 2 out (read from the start: the word is new, so no
    // older record can match, and no offset lookup can race the count).
    let word = unique("w").replace('-', "x");
    let reader: BaseConsumer = config(&boot)
        .set("group.id", unique("kt-smoke-counts"))
        .set("auto.offset.reset", "earliest")
        .create()
        .expect("consumer");
    reader.subscribe(&[&output]).expect("subscribe");
    produce(&config(&boot), &input, "k", &format!("{word} and {word}"));
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(Ok(m)) = reader.poll(Duration::from_millis(200)) {
            if m.key() == Some(word.as_bytes()) && m.payload() == Some(b"2".as_slice()) {
                break;
            }
        }
        assert!(
            Instant::now() < deadline,
            "no count 2 for {word} on {output}"
        );
    }
}

#[test]
fn registry_accepts_a_schema_through_the_confluent_api() {
    let Some(base) = peer("KAFKA_TUI_REGISTRY", "the schema registry") else {
        return;
    };
    let subject = unique("kt-smoke-subject");
    let schema = r#"{"type":"record","name":"Smoke","fields":[{"name":"n","type":"long"}]}"#;
    let body = serde_json::json!({ "schema": schema }).to_string();
    let (status, answer) = http(
        "POST",
        &format!("{base}/subjects/{subject}/versions"),
        Some(&body),
    );
    assert_eq!(status, 200, "{answer}");
    let id = json(&answer)["id"].as_i64().expect("an id");
    let (status, answer) = http("GET", &format!("{base}/subjects/{subject}/versions"), None);
    assert_eq!((status, json(&answer)), (200, serde_json::json!([1])));
    let (status, answer) = http("GET", &format!("{base}/schemas/ids/{id}"), None);
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        json(json(&answer)["schema"].as_str().unwrap())["name"],
        "Smoke"
    );
}

#[test]
fn confluent_serializers_write_avro_protobuf_and_json_schema_records() {
    let Some(registry) = peer("KAFKA_TUI_REGISTRY", "the schema registry") else {
        return;
    };
    let boot = var("KAFKA_TUI_KAFKA");
    let prefix = unique("kt-smoke-sr");
    let script = PathBuf::from(var("KAFKA_TUI_SCHEMA_RECORDS"));
    let out = Command::new(var("KAFKA_TUI_PYTHON"))
        .arg(&script)
        .args(["--registry", &registry, "--bootstrap", &boot])
        .args(["--prefix", &prefix, "--avro-key"])
        .output()
        .expect("python");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}: {stdout}\n{}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<serde_json::Value> = stdout.lines().map(json).collect();
    let kinds: Vec<&str> = rows.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["avro", "protobuf", "json"]);
    assert!(
        rows[0]["key_schema_id"].is_i64(),
        "the Avro key: {}",
        rows[0]
    );
    for (row, schema_type) in rows.iter().zip(["AVRO", "PROTOBUF", "JSON"]) {
        let topic = row["topic"].as_str().unwrap();
        let (key, value) = record_at(
            &boot,
            topic,
            row["partition"].as_i64().unwrap() as i32,
            row["offset"].as_i64().unwrap(),
        );
        // The Confluent wire format: magic byte 0, then the schema id the registry gave.
        let wire_id = |bytes: &[u8]| {
            assert_eq!(bytes[0], 0, "{topic}: {bytes:?}");
            i64::from(u32::from_be_bytes(bytes[1..5].try_into().unwrap()))
        };
        let id = row["schema_id"].as_i64().unwrap();
        assert_eq!(wire_id(&value), id, "{topic}");
        match row["key_schema_id"].as_i64() {
            Some(key_id) => assert_eq!(wire_id(&key), key_id, "{topic} key"),
            None => assert_eq!(key, b"k1", "{topic} key"),
        }
        let (status, answer) = http("GET", &format!("{registry}/schemas/ids/{id}"), None);
        assert_eq!(status, 200, "{answer}");
        // Confluent leaves schemaType out for Avro, its default.
        let got = json(&answer)["schemaType"]
            .as_str()
            .unwrap_or("AVRO")
            .to_string();
        assert_eq!(got, schema_type, "{topic}: {answer}");
    }
}
