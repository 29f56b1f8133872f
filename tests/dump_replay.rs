//! `kafka-tui dump` and `kafka-tui produce -f` (issue 12.6, 12.7), the real binary against
//! the embedded broker run in-process, and against Apache Kafka when the peers run: what is
//! dumped is what was produced, field by field; an exported range replayed into another topic
//! is identical but for its offsets; bad input ends with one clear line and sends nothing.

mod common;
mod kafka_ref;

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use common::fixture::{embedded, Embedded};
use kafka_ref::{config, produce, read_all, unique, Kafka, Rec};
use serde_json::Value;

/// Runs kafka-tui with `args` (no config file, a private log), `stdin` fed in.
fn kt(home: &std::path::Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(common::binary());
    cmd.args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env_remove("KAFKA_TUI_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("kafka-tui runs");
    let mut input = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        input.write_all(bytes).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("JSON Lines are UTF-8")
}

fn lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// The fields a replay keeps: partition, timestamp, key, value, headers (and their encodings).
fn kept(v: &Value) -> Value {
    let mut v = v.clone();
    let o = v.as_object_mut().unwrap();
    for gone in ["topic", "offset"] {
        o.remove(gone);
    }
    v
}

fn sample(topic: &str) -> Vec<Rec> {
    let now = kafka_ref::now_ms();
    let mut with_headers = Rec::kv("k2", Some(r#"{"amount":250,"id":"b"}"#))
        .to(1)
        .at(now - 1000);
    with_headers.headers = vec![
        ("trace".into(), "t-1".into()),
        ("trace".into(), "t-2".into()),
    ];
    let _ = topic;
    vec![
        Rec::kv("k1", Some(r#"{"amount":50,"id":"a"}"#))
            .to(0)
            .at(now - 2000),
        with_headers,
        Rec::kv("k3", None).to(0).at(now - 500),
        Rec::value("plain text, with a comma").to(2).at(now - 100),
    ]
}

fn dump(e: &Embedded, topic: &str, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["dump", "-b", &e.addr, "-t", topic];
    args.extend_from_slice(extra);
    lines(&ok(&kt(e.home.path(), &args, None)))
}

#[test]
fn dump_prints_each_record_whole_and_stops_at_the_end() {
    let e = embedded();
    let topic = unique("dump");
    produce(&config(&e.addr), &topic, &sample(&topic));
    // Binary bytes too: base64 with its encoding.
    let p: rdkafka::producer::BaseProducer = config(&e.addr).create().unwrap();
    p.send(
        rdkafka::producer::BaseRecord::<[u8], [u8]>::to(&topic)
            .partition(3)
            .key(&[0xff, 0x00][..])
            .payload(&[0, 1, 2, 0xfe][..]),
    )
    .unwrap();
    rdkafka::producer::Producer::flush(&p, std::time::Duration::from_secs(10)).unwrap();

    let mut got = dump(&e, &topic, &[]);
    got.sort_by_key(|v| (v["partition"].as_i64(), v["offset"].as_i64()));
    assert_eq!(got.len(), 5, "{got:#?}");
    assert_eq!(got[0]["topic"], topic.as_str());
    assert_eq!(got[0]["key"], "k1");
    assert_eq!(got[0]["value"], r#"{"amount":50,"id":"a"}"#);
    assert!(got[0]["timestamp"].is_i64() && got[0]["time"].is_string());
    // The tombstone: a null value, not an empty string.
    assert_eq!(
        (got[1]["key"].clone(), got[1]["value"].clone()),
        ("k3".into(), Value::Null)
    );
    assert_eq!(
        got[2]["headers"],
        serde_json::json!([{"name":"trace","value":"t-1"},{"name":"trace","value":"t-2"}])
    );
    assert_eq!(got[4]["key"], "/wA=");
    assert_eq!(got[4]["key_encoding"], "base64");
    assert_eq!(got[4]["value"], "AAEC/g==");

    // --count, --from, --until, --filter, --jq, --format text.
    assert_eq!(dump(&e, &topic, &["-c", "2"]).len(), 2);
    assert_eq!(dump(&e, &topic, &["--from", "end"]).len(), 0);
    assert_eq!(
        dump(&e, &topic, &["--from", "-1"]).len(),
        4,
        "the last of each partition"
    );
    assert_eq!(
        dump(&e, &topic, &["--until", "1"]).len(),
        4,
        "offset 0 of each partition"
    );
    let filtered = dump(&e, &topic, &["--filter", "AMOUNT"]);
    assert_eq!(filtered.len(), 2);
    let inverted = dump(&e, &topic, &["--filter", "!amount"]);
    assert_eq!(inverted.len(), 3);
    let projected = dump(&e, &topic, &["--jq", "select(.amount > 100) | .id"]);
    assert_eq!(projected.len(), 1);
    assert_eq!(projected[0]["jq"], serde_json::json!(["b"]));
    let text = ok(&kt(
        e.home.path(),
        &[
            "dump", "-b", &e.addr, "-t", &topic, "-p", "2", "--format", "text",
        ],
        None,
    ));
    assert_eq!(text, "plain text, with a comma\n");
    let csv = ok(&kt(
        e.home.path(),
        &[
            "dump", "-b", &e.addr, "-t", &topic, "-p", "2", "--format", "csv",
        ],
        None,
    ));
    assert!(
        csv.starts_with("topic,partition,offset,timestamp,"),
        "{csv}"
    );
    assert!(csv.contains("\"plain text, with a comma\""), "{csv}");
}

#[test]
fn an_exported_range_replays_into_another_topic_field_by_field() {
    let e = embedded();
    let from = unique("replay-src");
    let to = unique("replay-dst");
    produce(&config(&e.addr), &from, &sample(&from));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.jsonl");
    let exported = ok(&kt(
        e.home.path(),
        &["dump", "-b", &e.addr, "-t", &from],
        None,
    ));
    std::fs::write(&file, &exported).unwrap();
    let out = kt(
        e.home.path(),
        &[
            "produce",
            "-b",
            &e.addr,
            "-t",
            &to,
            "-f",
            file.to_str().unwrap(),
        ],
        None,
    );
    ok(&out);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("4 delivered"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut a: Vec<Value> = lines(&exported).iter().map(kept).collect();
    let mut b: Vec<Value> = dump(&e, &to, &[]).iter().map(kept).collect();
    let order = |v: &Value| (v["partition"].as_i64(), v["timestamp"].as_i64());
    a.sort_by_key(order);
    b.sort_by_key(order);
    assert_eq!(a, b);

    // A text file from standard input: one value a line, kcat's -K for keys.
    let out = kt(
        e.home.path(),
        &["produce", "-b", &e.addr, "-t", &to, "-f", "-", "-K", ":"],
        Some(b"ka:one\nkb:two\n"),
    );
    ok(&out);
    let all = dump(&e, &to, &[]);
    assert_eq!(all.len(), 6);
    assert!(all.iter().any(|v| v["key"] == "kb" && v["value"] == "two"));
}

/// `produce --rate N` publishes at most N records a second: 20 records at 10/s take at least
/// ~1.9 s, between the first record's timestamp and the last's too (lower bounds only: a busy
/// machine may take longer), and every record is delivered, in order.
#[test]
fn produce_rate_paces_the_records_and_delivers_them_all() {
    let e = embedded();
    let topic = unique("rate");
    e.broker.create_topic(&topic, 1).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("values.txt");
    let values: Vec<String> = (0..20).map(|i| format!("paced-{i:02}")).collect();
    std::fs::write(&file, values.join("\n") + "\n").unwrap();
    let started = std::time::Instant::now();
    let out = kt(
        e.home.path(),
        &[
            "produce",
            "-b",
            &e.addr,
            "-t",
            &topic,
            "-f",
            file.to_str().unwrap(),
            "--rate",
            "10",
        ],
        None,
    );
    let took = started.elapsed();
    ok(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("20 delivered") && !err.contains("failed"),
        "{err}"
    );
    assert!(
        took >= std::time::Duration::from_millis(1500),
        "20 records at --rate 10 took {took:?}"
    );
    let mut got = dump(&e, &topic, &[]);
    got.sort_by_key(|v| v["offset"].as_i64());
    let shown: Vec<&str> = got.iter().filter_map(|v| v["value"].as_str()).collect();
    assert_eq!(shown, values, "{got:#?}");
    // The pacing is between the records, not a pause before or after them: the first and the
    // last were made 19 intervals of 100 ms apart.
    let ts: Vec<i64> = got
        .iter()
        .map(|v| v["timestamp"].as_i64().unwrap())
        .collect();
    let spread = ts[19] - ts[0];
    assert!(spread >= 1500, "timestamps {ts:?} span {spread} ms");
}

#[test]
fn bad_input_ends_with_one_line_and_sends_nothing() {
    let e = embedded();
    let home = e.home.path();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.jsonl");
    std::fs::write(&file, "{\"value\":\"fine\"}\n{\"value\":\"broken\"\n").unwrap();
    let topic = unique("never");
    let out = kt(
        home,
        &[
            "produce",
            "-b",
            &e.addr,
            "-t",
            &topic,
            "-f",
            file.to_str().unwrap(),
        ],
        None,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("bad.jsonl line 2"), "{err}");
    // Nothing was sent: the topic was never even made.
    let listed = kt(home, &["dump", "-b", &e.addr, "-t", &topic], None);
    assert_eq!(listed.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&listed.stderr).contains("does not exist"),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    // No cluster: the embedded broker of a running kafka-tui is reached with -b.
    let out = kt(home, &["dump", "-t", "x"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a cluster"));
    // A broker that is not there: an error, not a hang (librdkafka's metadata wait is bounded).
    let port = common::free_port();
    let out = kt(
        home,
        &["dump", "-b", &format!("127.0.0.1:{port}"), "-t", "x"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("metadata"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = kt(
        home,
        &["dump", "-b", &e.addr, "-t", "x", "--jq", "select(("],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("jq syntax"));
}

/// On Apache Kafka: a compressed, replicated topic dumped, replayed, and checked with rdkafka.
#[test]
fn apache_kafka_dump_and_replay() {
    let Some(k) = Kafka::get() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let from = unique("kref-dump");
    let to = unique("kref-replay");
    kafka_ref::create_topic(&k.config(), &from, 3, 3, &[("compression.type", "zstd")]);
    kafka_ref::create_topic(&k.config(), &to, 3, 3, &[]);
    produce(&k.config(), &from, &sample(&from));
    let exported = ok(&kt(
        home.path(),
        &["dump", "-b", &k.plain, "-t", &from],
        None,
    ));
    assert_eq!(lines(&exported).len(), 4);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.jsonl");
    std::fs::write(&file, &exported).unwrap();
    ok(&kt(
        home.path(),
        &[
            "produce",
            "-b",
            &k.plain,
            "-t",
            &to,
            "-f",
            file.to_str().unwrap(),
        ],
        None,
    ));
    let strip = |v: Vec<kafka_ref::Seen>| -> Vec<(i32, Option<String>, Option<String>)> {
        v.into_iter()
            .map(|s| (s.partition, s.key, s.value))
            .collect()
    };
    assert_eq!(
        strip(read_all(&k.config(), &from, "read_committed")),
        strip(read_all(&k.config(), &to, "read_committed"))
    );
}
