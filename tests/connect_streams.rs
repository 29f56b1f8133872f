//! The Connect client and Streams discovery (issue 11) against the real peers: two Kafka
//! Connect 4.3.1 workers in distributed mode (two Connect clusters) and the Kafka Streams word
//! count, on the Apache Kafka KRaft cluster (docs/peers.md). Also, without any peer: a worker
//! that is down and one that never answers.
//!
//! In CI (`CI` set) a missing peer is a failure; locally these tests print why they skip.

mod common;
use common::peers::{peer, unique, var};

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use kafka_tui::connect::{
    BasicAuth, ConnectClient, ConnectClusters, ConnectEndpoint, ConnectError, ConnectOptions,
    Connector, ConnectorSpec, ConnectorType, RestartOptions, State,
};
use kafka_tui::streams::{
    discover, load_topology, parse_topology, subscribed_topics, Evidence, GroupInput, InternalKind,
    MemberInput, OffsetInput, TopicInput,
};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
use rdkafka::{ClientConfig, Message, Offset, TopicPartitionList};

const WAIT: Duration = Duration::from_secs(60);

/// The first Connect cluster's client (`KAFKA_TUI_CONNECT` holds two URLs).
fn connect_urls() -> Option<Vec<String>> {
    peer("KAFKA_TUI_CONNECT", "the Kafka Connect workers")
        .map(|v| v.split(',').map(str::to_string).collect())
}

fn options() -> ConnectOptions {
    ConnectOptions {
        connect_timeout: Duration::from_secs(3),
        // A worker on a loaded 2-core machine can take seconds to create a connector.
        request_timeout: Duration::from_secs(30),
    }
}

fn client(url: &str) -> ConnectClient {
    ConnectClient::new(url, None, options()).expect("client")
}

/// Polls `f` until it gives Some, every 200 ms, failing after WAIT with `what` and the last
/// value seen.
async fn wait_for<T, F, Fut>(what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = (Option<T>, String)>,
{
    let deadline = Instant::now() + WAIT;
    loop {
        let (got, seen) = f().await;
        if let Some(v) = got {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: not within {WAIT:?}; last seen: {seen}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Waits until the connector's state and every task's state are `want` (and it has tasks, if
/// `tasks`), returning the connector as listed.
async fn wait_state(c: &ConnectClient, name: &str, want: State, tasks: bool) -> Connector {
    wait_for(&format!("{name} {want}"), || async {
        let list = c.connectors().await;
        let found = list
            .as_ref()
            .ok()
            .and_then(|l| l.iter().find(|x| x.name == name).cloned());
        let ok = found.as_ref().is_some_and(|x| {
            x.state == want
                && (!tasks || !x.tasks.is_empty())
                && x.tasks.iter().all(|t| t.state == want)
        });
        (
            ok.then(|| found.clone().unwrap()),
            format!("{found:?} {:?}", list.err()),
        )
    })
    .await
}

async fn wait_task_state(c: &ConnectClient, name: &str, want: State) -> Connector {
    wait_for(&format!("{name} task 0 {want}"), || async {
        let list = c.connectors().await;
        let found = list
            .as_ref()
            .ok()
            .and_then(|l| l.iter().find(|x| x.name == name).cloned());
        let ok = found
            .as_ref()
            .is_some_and(|x| x.tasks.first().is_some_and(|t| t.state == want));
        (ok.then(|| found.clone().unwrap()), format!("{found:?}"))
    })
    .await
}

fn spec(name: &str, config: &[(&str, &str)]) -> ConnectorSpec {
    ConnectorSpec {
        name: name.to_string(),
        config: config
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

/// Deletes the connector when dropped, so a failing test leaves nothing running on the worker.
struct Cleanup(ConnectClient, Vec<String>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let (c, names) = (self.0.clone(), std::mem::take(&mut self.1));
        // A runtime of its own: Drop may run while the test's runtime is unwinding.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                for n in names {
                    let _ = c.delete(&n).await;
                }
            });
        })
        .join();
    }
}

fn kafka_config() -> ClientConfig {
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", var("KAFKA_TUI_KAFKA"));
    c
}

/// The values on `topic` from the beginning, waiting until there are at least `n`.
fn read_values(topic: &str, n: usize) -> Vec<String> {
    let consumer: BaseConsumer = kafka_config()
        .set("group.id", unique("kt-it-reader"))
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        .create()
        .expect("consumer");
    consumer.subscribe(&[topic]).expect("subscribe");
    let deadline = Instant::now() + WAIT;
    let mut out = Vec::new();
    while out.len() < n {
        if let Some(Ok(m)) = consumer.poll(Duration::from_millis(200)) {
            out.push(String::from_utf8_lossy(m.payload().unwrap_or_default()).to_string());
        }
        assert!(
            Instant::now() < deadline,
            "only {out:?} on {topic} within {WAIT:?}"
        );
    }
    out
}

fn produce(topic: &str, records: &[(&str, &str)]) {
    let p: BaseProducer = kafka_config().create().expect("producer");
    for (k, v) in records {
        p.send(BaseRecord::to(topic).key(*k).payload(*v))
            .map_err(|(e, _)| e)
            .expect("enqueue");
    }
    p.flush(WAIT).expect("delivered");
}

fn wait_file(path: &Path, want: &str) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if text.contains(want) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{} has {text:?}, not {want:?}, after {WAIT:?}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filestream_source_fills_a_topic_and_the_sink_writes_a_file() {
    let Some(urls) = connect_urls() else { return };
    let c = client(&urls[0]);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.txt");
    let output = dir.path().join("out.txt");
    std::fs::write(&input, "alpha line\nbeta line\ngamma line\n").unwrap();
    let topic = unique("kt-it-lines");
    let (src, sink) = (unique("kt-it-source"), unique("kt-it-sink"));
    let _cleanup = Cleanup(c.clone(), vec![src.clone(), sink.clone()]);

    let info = c
        .create(&spec(
            &src,
            &[
                ("connector.class", "FileStreamSource"),
                ("tasks.max", "1"),
                ("file", input.to_str().unwrap()),
                ("topic", &topic),
            ],
        ))
        .await
        .expect("create the source");
    assert_eq!(info.name, src);
    assert_eq!(info.kind, ConnectorType::Source);

    // The file's lines arrive on the topic, as text (the workers use StringConverter).
    assert_eq!(
        read_values(&topic, 3),
        ["alpha line", "beta line", "gamma line"]
    );

    let listed = wait_state(&c, &src, State::Running, true).await;
    assert_eq!(listed.kind, ConnectorType::Source);
    assert_eq!(listed.class, "FileStreamSource");
    assert_eq!(listed.tasks.len(), 1);
    assert!(listed.worker_id.starts_with("127.0.0.1:"), "{listed:?}");
    assert!(!listed.tasks[0].worker_id.is_empty(), "{listed:?}");
    assert_eq!(listed.config["topic"], topic);
    assert_eq!(c.topics(&src).await.unwrap(), std::slice::from_ref(&topic));

    c.create(&spec(
        &sink,
        &[
            (
                "connector.class",
                "org.apache.kafka.connect.file.FileStreamSinkConnector",
            ),
            ("tasks.max", "1"),
            ("file", output.to_str().unwrap()),
            ("topics", &topic),
        ],
    ))
    .await
    .expect("create the sink");
    let text = wait_file(&output, "gamma line\n");
    assert_eq!(text, "alpha line\nbeta line\ngamma line\n");

    // A line appended to the source file goes through both connectors.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&input)
        .and_then(|mut f| std::io::Write::write_all(&mut f, b"delta line\n"))
        .unwrap();
    wait_file(&output, "delta line\n");

    let with_topics = c.connectors_with_topics().await.unwrap();
    let row = with_topics.iter().find(|x| x.name == sink).unwrap();
    assert_eq!(row.kind, ConnectorType::Sink);
    assert_eq!(row.topics.as_deref(), Some(&[topic.clone()][..]));
    assert_eq!(c.config(&sink).await.unwrap()["topics"], topic);

    c.delete(&src).await.unwrap();
    c.delete(&sink).await.unwrap();
    let names = c.connector_names().await.unwrap();
    assert!(!names.contains(&src) && !names.contains(&sink), "{names:?}");
    assert!(
        matches!(c.status(&src).await, Err(ConnectError::NotFound { .. })),
        "a deleted connector is not found"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_connector_shows_failed_with_its_trace_and_the_actions_work() {
    let Some(urls) = connect_urls() else { return };
    let c = client(&urls[0]);
    let dir = tempfile::tempdir().unwrap();
    // The sink's file is a directory: its task fails at start with "Is a directory".
    let target = dir.path().join("out");
    std::fs::create_dir(&target).unwrap();
    let topic = unique("kt-it-fail");
    produce(&topic, &[("k", "one record")]);
    let name = unique("kt-it-broken");
    let _cleanup = Cleanup(c.clone(), vec![name.clone()]);
    c.create(&spec(
        &name,
        &[
            ("connector.class", "FileStreamSink"),
            ("tasks.max", "1"),
            ("file", target.to_str().unwrap()),
            ("topics", &topic),
        ],
    ))
    .await
    .unwrap();

    let failed = wait_task_state(&c, &name, State::Failed).await;
    assert!(failed.has_failure());
    assert_eq!(
        failed.state,
        State::Running,
        "the connector runs, its task failed"
    );
    let traces = failed.traces();
    assert_eq!(traces.len(), 1, "{traces:?}");
    assert_eq!(traces[0].0, "task 0");
    assert!(
        traces[0].1.contains("Is a directory") && traces[0].1.contains("FileStreamSinkTask"),
        "{}",
        traces[0].1
    );
    let status = c.status(&name).await.unwrap();
    assert_eq!(status.tasks[0].state, State::Failed);

    // Restart only what failed: the worker answers with the task RESTARTING and the
    // connector (which did not fail) left as it is; the task fails again.
    let answer = c
        .restart(&name, RestartOptions::only_failed())
        .await
        .unwrap()
        .expect("a status with includeTasks/onlyFailed");
    assert_eq!(answer.connector.state, State::Running);
    assert_eq!(answer.tasks[0].state, State::Restarting);
    wait_task_state(&c, &name, State::Failed).await;

    // Fix the cause, restart the one task: it runs and writes the record.
    std::fs::remove_dir(&target).unwrap();
    c.restart_task(&name, 0).await.unwrap();
    wait_task_state(&c, &name, State::Running).await;
    wait_file(&target, "one record\n");
    assert!(matches!(
        c.restart_task(&name, 7).await,
        Err(ConnectError::NotFound { message }) if message.contains("Unknown task")
    ));

    c.pause(&name).await.unwrap();
    wait_state(&c, &name, State::Paused, true).await;
    c.resume(&name).await.unwrap();
    wait_state(&c, &name, State::Running, true).await;
    // A plain restart (the connector only) answers nothing.
    assert_eq!(c.restart(&name, RestartOptions::default()).await, Ok(None));
    assert!(c.worker_info().await.unwrap().supports_stop());
    c.stop(&name).await.unwrap();
    let stopped = wait_state(&c, &name, State::Stopped, false).await;
    assert!(stopped.tasks.is_empty(), "{stopped:?}");
    c.resume(&name).await.unwrap();
    wait_state(&c, &name, State::Running, true).await;

    c.delete(&name).await.unwrap();
    assert!(matches!(
        c.delete(&name).await,
        Err(ConnectError::NotFound { .. })
    ));
    for action in [c.pause(&name).await, c.resume(&name).await] {
        assert!(
            matches!(action, Err(ConnectError::NotFound { .. })),
            "{action:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validate_gives_errors_per_field_and_create_update_refuse_or_apply() {
    let Some(urls) = connect_urls() else { return };
    let c = client(&urls[0]);
    let mut config: BTreeMap<String, String> = [
        ("connector.class", "FileStreamSource"),
        ("name", "kt-it-validate"),
        ("file", "/tmp/kt-it-validate.txt"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    // `topic` is required and missing.
    let v = c.validate("", &config).await.unwrap();
    assert!(!v.is_valid());
    let errors = v.errors_by_field();
    assert_eq!(errors.keys().collect::<Vec<_>>(), ["topic"], "{errors:?}");
    assert!(
        errors["topic"][0].contains("Missing required configuration"),
        "{errors:?}"
    );
    config.insert("tasks.max".into(), "many".into());
    let v = c.validate("FileStreamSource", &config).await.unwrap();
    assert!(v.errors_by_field()["tasks.max"][0].contains("Not a number of type INT"));
    config.insert("tasks.max".into(), "1".into());
    config.insert("topic".into(), "kt-it-validate".into());
    let v = c.validate("FileStreamSource", &config).await.unwrap();
    assert!(v.is_valid(), "{:?}", v.errors_by_field());
    assert!(matches!(
        c.validate("NoSuchConnector", &BTreeMap::new()).await,
        Err(ConnectError::Http { status: 500, .. })
    ));

    // Create refuses what validate refuses, with the worker's list of errors.
    let name = unique("kt-it-put");
    let _cleanup = Cleanup(c.clone(), vec![name.clone()]);
    let refused = c
        .create(&spec(
            &name,
            &[("connector.class", "FileStreamSink"), ("tasks.max", "x")],
        ))
        .await
        .unwrap_err();
    let ConnectError::BadRequest { message } = &refused else {
        panic!("{refused:?}")
    };
    assert!(
        message.contains("tasks.max") && message.contains("topics"),
        "{message}"
    );
    assert!(!refused.to_string().contains('\n'));

    // PUT config creates, then updates.
    let mut cfg: BTreeMap<String, String> = [
        ("connector.class", "FileStreamSink"),
        ("file", "/tmp/kt-it-put-1.txt"),
        ("topics", "kt-it-put"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let (info, created) = c.update(&name, &cfg).await.unwrap();
    assert!(created);
    assert_eq!(info.kind, ConnectorType::Sink);
    cfg.insert("file".into(), "/tmp/kt-it-put-2.txt".into());
    let (_, created) = c.update(&name, &cfg).await.unwrap();
    assert!(!created);
    // The update rebalances the worker, which answers 500 "a rebalance is expected" meanwhile
    // (seen in CI): ask again until it answers.
    let file = wait_for("the updated config", || {
        let (c, name) = (c.clone(), name.clone());
        async move {
            match c.config(&name).await {
                Ok(cfg) => (cfg.get("file").cloned(), format!("{cfg:?}")),
                Err(e) => (None, e.to_string()),
            }
        }
    })
    .await;
    assert_eq!(file, "/tmp/kt-it-put-2.txt");
    // The name is taken now.
    let again = c
        .create(&spec(
            &name,
            &[("connector.class", "FileStreamSink"), ("topics", "t")],
        ))
        .await;
    assert!(
        matches!(&again, Err(ConnectError::Conflict { message }) if message.contains("already exists")),
        "{again:?}"
    );
    c.delete(&name).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_connect_clusters_answer_tagged_and_keep_their_own_connectors() {
    let Some(urls) = connect_urls() else { return };
    assert_eq!(urls.len(), 2, "KAFKA_TUI_CONNECT has two URLs");
    let clusters = ConnectClusters::new(
        &[
            ConnectEndpoint {
                name: "kt-connect".into(),
                url: urls[0].clone(),
                auth: None,
            },
            ConnectEndpoint {
                name: "kt-connect-b".into(),
                url: urls[1].clone(),
                auth: None,
            },
        ],
        options(),
    )
    .unwrap();
    for info in clusters.worker_infos().await {
        let w = info
            .result
            .unwrap_or_else(|e| panic!("{}: {e}", info.cluster));
        assert_eq!(
            w.version,
            var("KAFKA_TUI_KAFKA_VERSION"),
            "{}",
            info.cluster
        );
        assert_eq!(w.kafka_cluster_id, var("KAFKA_TUI_KAFKA_CLUSTER_ID"));
        assert!(!w.commit.is_empty());
    }
    for p in clusters.plugins(true).await {
        let list = p.result.unwrap();
        let kinds: Vec<(&str, &str)> = list
            .iter()
            .map(|x| (x.class.rsplit('.').next().unwrap(), x.kind.as_str()))
            .collect();
        assert!(
            kinds.contains(&("FileStreamSourceConnector", "source")),
            "{kinds:?}"
        );
        assert!(
            kinds.contains(&("FileStreamSinkConnector", "sink")),
            "{kinds:?}"
        );
    }
    let all = clusters.plugins(false).await;
    assert!(all[0]
        .result
        .as_ref()
        .unwrap()
        .iter()
        .any(|p| p.kind == "converter" && p.class.ends_with("StringConverter")));

    // A connector made on the second cluster is listed there only.
    let b = clusters.get("kt-connect-b").unwrap();
    let name = unique("kt-it-on-b");
    let _cleanup = Cleanup(b.clone(), vec![name.clone()]);
    b.create(&spec(
        &name,
        &[
            ("connector.class", "FileStreamSink"),
            ("file", "/tmp/kt-it-on-b.txt"),
            ("topics", "kt-it-on-b"),
        ],
    ))
    .await
    .unwrap();
    // Listed there once the worker has read its config back (a moment after the create).
    let listed = wait_for("the new connector listed on kt-connect-b", || async {
        let listed = clusters.connectors(true).await;
        let on = |i: usize| {
            listed[i]
                .result
                .as_ref()
                .is_ok_and(|l| l.iter().any(|c| c.name == name))
        };
        let done = on(1);
        let seen = format!("{listed:?}");
        (done.then_some(listed), seen)
    })
    .await;
    assert_eq!(listed[0].cluster, "kt-connect");
    assert_eq!(listed[1].cluster, "kt-connect-b");
    assert_eq!(listed[1].url, urls[1]);
    let names = |i: usize| -> Vec<String> {
        listed[i]
            .result
            .as_ref()
            .unwrap()
            .iter()
            .map(|c| c.name.clone())
            .collect()
    };
    assert!(!names(0).contains(&name), "{:?}", names(0));
    b.delete(&name).await.unwrap();
}

/// A port that was free a moment ago and has nothing listening.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_that_is_down_is_unreachable_at_once_and_the_others_still_answer() {
    let url = format!("http://127.0.0.1:{}", closed_port());
    let c = ConnectClient::new(
        &url,
        Some(BasicAuth {
            user: "u".into(),
            password: "secret-pw".into(),
        }),
        ConnectOptions {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
        },
    )
    .unwrap();
    let started = Instant::now();
    let e = c.connectors().await.unwrap_err();
    let took = started.elapsed();
    let ConnectError::Unreachable { url: u, reason } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(u, &url);
    assert!(reason.contains("refused"), "{reason}");
    // Refused, not waited out: well under the 5 s connect timeout.
    assert!(took < Duration::from_secs(1), "{took:?}");
    assert!(e.is_transient());
    assert!(!e.to_string().contains("secret-pw"), "{e}");

    // Beside a real cluster, when the peers run: the live one answers, the dead one says so.
    let Some(urls) = std::env::var("KAFKA_TUI_CONNECT")
        .ok()
        .filter(|v| !v.is_empty())
    else {
        return;
    };
    let live = urls.split(',').next().unwrap();
    let both = ConnectClusters::from_urls(&[live, &url], None, options()).unwrap();
    let infos = both.worker_infos().await;
    assert!(infos[0].result.is_ok(), "{infos:?}");
    assert!(matches!(
        infos[1].result,
        Err(ConnectError::Unreachable { .. })
    ));
}

/// A listener that accepts connections and never answers (a hung worker, a black-holed
/// proxy); it holds them until the test ends.
async fn silent_worker() -> (String, tokio::task::JoinHandle<()>) {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = l.accept().await {
            held.push(s);
        }
    });
    (url, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_that_never_answers_times_out_when_due() {
    let (url, hold) = silent_worker().await;
    let timeout = Duration::from_millis(800);
    let c = ConnectClient::new(
        &url,
        None,
        ConnectOptions {
            connect_timeout: Duration::from_secs(2),
            request_timeout: timeout,
        },
    )
    .unwrap();
    for call in 0..2 {
        let started = Instant::now();
        let call = async {
            if call == 0 {
                c.connectors().await.map(drop)
            } else {
                c.pause("x").await
            }
        };
        // The test's own deadline, so that a client that hangs fails here instead of hanging.
        let r = tokio::time::timeout(timeout * 5, call)
            .await
            .expect("the client hung past 5 times its timeout");
        let took = started.elapsed();
        assert_eq!(
            r,
            Err(ConnectError::Timeout {
                url: url.clone(),
                after: timeout
            })
        );
        assert!(
            took >= timeout - Duration::from_millis(50) && took < timeout * 3,
            "{took:?}"
        );
    }
    let shown = ConnectError::Timeout {
        url: url.clone(),
        after: timeout,
    }
    .to_string();
    assert_eq!(
        shown,
        format!("Connect worker {url} did not answer within 800ms")
    );

    // Several clusters at once: the silent one costs its own timeout, not more.
    let (url2, hold2) = silent_worker().await;
    let opts = ConnectOptions {
        connect_timeout: Duration::from_secs(2),
        request_timeout: timeout,
    };
    let both = ConnectClusters::from_urls(&[&url, &url2], None, opts).unwrap();
    let started = Instant::now();
    let r = both.connectors(false).await;
    assert!(started.elapsed() < timeout * 2, "{:?}", started.elapsed());
    assert!(r
        .iter()
        .all(|t| matches!(t.result, Err(ConnectError::Timeout { .. }))));
    hold.abort();
    hold2.abort();
}

// ---- Streams -----------------------------------------------------------------------------

/// Reads a consumer-protocol `MemberAssignment`: version, [topic, [partition]], user data.
fn decode_assignment(b: &[u8]) -> Option<BTreeMap<String, Vec<i32>>> {
    let mut pos = 2usize;
    let mut take = |n: usize| -> Option<&[u8]> {
        let s = b.get(pos..pos + n)?;
        pos += n;
        Some(s)
    };
    let i32_ = |s: &[u8]| i32::from_be_bytes(s.try_into().unwrap());
    let topics = i32_(take(4)?);
    let mut out = BTreeMap::new();
    for _ in 0..topics.max(0) {
        let len = i16::from_be_bytes(take(2)?.try_into().unwrap()).max(0) as usize;
        let name = String::from_utf8_lossy(take(len)?).into_owned();
        let n = i32_(take(4)?);
        let mut parts = Vec::new();
        for _ in 0..n.max(0) {
            parts.push(i32_(take(4)?));
        }
        out.insert(name, parts);
    }
    Some(out)
}

/// What the later UI gathers from the cluster, here with plain rdkafka: every group with its
/// members (subscriptions and assignments decoded), the committed and end offsets of the
/// partitions its members are assigned, and every topic with its partition count and record
/// count (high - low watermarks).
fn gather() -> (Vec<GroupInput>, Vec<TopicInput>) {
    let admin: BaseConsumer = kafka_config().create().expect("consumer");
    let list = admin.fetch_group_list(None, WAIT).expect("groups");
    let mut groups = Vec::new();
    for g in list.groups() {
        let members: Vec<MemberInput> = g
            .members()
            .iter()
            .map(|m| MemberInput {
                member_id: m.id().to_string(),
                client_id: m.client_id().to_string(),
                host: m.client_host().to_string(),
                subscription: m.metadata().and_then(subscribed_topics).unwrap_or_default(),
                assignment: m
                    .assignment()
                    .and_then(decode_assignment)
                    .unwrap_or_default(),
            })
            .collect();
        let mut offsets = Vec::new();
        if g.protocol_type() == "consumer" && !members.is_empty() {
            let mut tpl = TopicPartitionList::new();
            for m in &members {
                for (t, parts) in &m.assignment {
                    for p in parts {
                        tpl.add_partition(t, *p);
                    }
                }
            }
            // OffsetFetch only: a consumer that never subscribes does not join the group.
            let reader: BaseConsumer = kafka_config()
                .set("group.id", g.name())
                .create()
                .expect("offsets reader");
            let committed = reader.committed_offsets(tpl, WAIT).expect("committed");
            for e in committed.elements() {
                let end = admin
                    .fetch_watermarks(e.topic(), e.partition(), WAIT)
                    .ok()
                    .map(|(_, high)| high);
                offsets.push(OffsetInput {
                    topic: e.topic().to_string(),
                    partition: e.partition(),
                    committed: match e.offset() {
                        Offset::Offset(o) => Some(o),
                        _ => None,
                    },
                    end,
                });
            }
            offsets.sort_by(|a, b| (&a.topic, a.partition).cmp(&(&b.topic, b.partition)));
        }
        groups.push(GroupInput {
            id: g.name().to_string(),
            state: g.state().to_string(),
            protocol_type: g.protocol_type().to_string(),
            protocol: g.protocol().to_string(),
            members,
            offsets,
        });
    }
    groups.sort_by(|a, b| a.id.cmp(&b.id));
    let md = admin.fetch_metadata(None, WAIT).expect("metadata");
    let mut topics: Vec<TopicInput> = md
        .topics()
        .iter()
        .filter(|t| !t.name().starts_with("__"))
        .map(|t| {
            let records = t
                .partitions()
                .iter()
                .map(|p| admin.fetch_watermarks(t.name(), p.id(), WAIT).ok())
                .try_fold(0u64, |sum, w| {
                    w.map(|(lo, hi)| sum + (hi - lo).max(0) as u64)
                });
            TopicInput {
                name: t.name().to_string(),
                partitions: t.partitions().len(),
                size_bytes: None,
                records,
            }
        })
        .collect();
    topics.sort_by(|a, b| a.name.cmp(&b.name));
    (groups, topics)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_word_count_is_found_with_its_topics_topology_and_lag() {
    let Some(app_id) = peer("KAFKA_TUI_STREAMS_APP", "the Kafka Streams word count") else {
        return;
    };
    let (input, output) = (
        var("KAFKA_TUI_STREAMS_INPUT"),
        var("KAFKA_TUI_STREAMS_OUTPUT"),
    );
    let topology_text = load_topology(&var("KAFKA_TUI_STREAMS_TOPOLOGY"), Duration::from_secs(5))
        .await
        .expect("topology file");
    let topology = parse_topology(&topology_text).expect("the peer's topology parses");
    let mut topologies = BTreeMap::new();
    topologies.insert(app_id.clone(), topology);

    // Words on every input partition (keys spread them), so that the app commits on each.
    let word = unique("w").replace('-', "x");
    let lines: Vec<(String, String)> = (0..9)
        .map(|i| (format!("k{i}"), format!("{word} {word}{i}")))
        .collect();
    let refs: Vec<(&str, &str)> = lines
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    produce(&input, &refs);

    // Until the app has caught up: every input partition committed at its end offset.
    let (groups, topics, d) = wait_for("kt-wordcount caught up on its input", || {
        let (topologies, app_id) = (topologies.clone(), app_id.clone());
        async move {
            let (groups, topics) = tokio::task::spawn_blocking(gather).await.unwrap();
            let d = discover(&groups, &topics, &topologies);
            let app = d.apps.iter().find(|a| a.application_id == app_id);
            let done = app.is_some_and(|a| {
                a.input_lag.len() == 3
                    && a.input_lag
                        .iter()
                        .all(|l| l.lag == Some(0) && l.end > Some(0))
            });
            let seen = format!("{:?}", app.map(|a| &a.input_lag));
            (done.then_some((groups, topics, d)), seen)
        }
    })
    .await;

    let ids: Vec<&str> = d.apps.iter().map(|a| a.application_id.as_str()).collect();
    assert_eq!(
        ids,
        [app_id.as_str()],
        "the only Streams app (Connect's groups are not)"
    );
    let app = &d.apps[0];
    assert_eq!(app.state, "Stable");
    assert!(
        app.found_by.contains(&Evidence::InternalTopics),
        "{:?}",
        app.found_by
    );
    assert!(app.found_by.contains(&Evidence::StreamThreadClients));
    assert_eq!(app.processes.len(), 1);
    assert_eq!(app.processes[0].client_id, format!("{app_id}-client"));
    assert_eq!(app.processes[0].threads[0].name, "StreamThread-1");
    let assigned: Vec<&String> = app.processes[0].threads[0].assignment.keys().collect();
    assert_eq!(assigned, [&format!("{app_id}-words-repartition"), &input]);

    assert_eq!(app.input_topics.len(), 1);
    assert_eq!(app.input_topics[0].name, input);
    assert_eq!(app.input_topics[0].partitions, Some(3));
    let internal: Vec<(&str, InternalKind)> = app
        .internal_topics
        .iter()
        .map(|t| (t.name.as_str(), t.kind))
        .collect();
    let changelog = format!("{app_id}-counts-changelog");
    let repartition = format!("{app_id}-words-repartition");
    assert_eq!(
        internal,
        [
            (changelog.as_str(), InternalKind::Changelog),
            (repartition.as_str(), InternalKind::Repartition)
        ]
    );
    // The changelog holds at least one record per distinct word sent.
    assert!(
        app.internal_topics[0].records >= Some(10),
        "{:?}",
        app.internal_topics[0]
    );
    let outputs = app.output_topics.as_ref().expect("from the topology");
    assert_eq!(outputs.len(), 1);
    assert_eq!(outputs[0].name, output);
    assert!(outputs[0].exists);
    assert!(outputs[0].records >= Some(10));
    assert_eq!(app.stores, ["counts"]);
    // Lag per input partition: each row is the group's committed offset against the end.
    let group = groups.iter().find(|g| g.id == app_id).unwrap();
    for l in &app.input_lag {
        let o = group
            .offsets
            .iter()
            .find(|o| o.topic == l.topic && o.partition == l.partition)
            .unwrap();
        assert_eq!((l.committed, l.end, l.lag), (o.committed, o.end, Some(0)));
    }
    assert_eq!(app.repartition_lag.len(), 3);

    // Recording of the unit tests' fixture (tests/fixtures/streams/cluster.json).
    if let Ok(path) = std::env::var("KT_RECORD_STREAMS_FIXTURE") {
        let json = serde_json::json!({ "groups": groups, "topics": topics });
        std::fs::write(&path, serde_json::to_string_pretty(&json).unwrap()).unwrap();
        eprintln!("recorded {path}");
    }
}

// ---- The views on screen, end to end (tmux) -------------------------------------------------

use common::{sh_quote, Tmux};

const SCREEN_WAIT: Duration = Duration::from_secs(60);

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// kafka-tui on the KRaft peer with `extra` flags, in its own tmux.
fn tui(name: &str, extra: &str) -> Tmux {
    let log = std::env::temp_dir().join(format!("{name}-{}.log", std::process::id()));
    let cmd = format!(
        "{} -b {} --log-file {} {extra}; echo kafka-tui-exited-$?; sleep 30",
        sh_quote(common::binary().to_str().unwrap()),
        sh_quote(&var("KAFKA_TUI_KAFKA")),
        sh_quote(log.to_str().unwrap()),
    );
    Tmux::start(name, &cmd, 150, 44)
}

/// Pastes `text` as the terminal does (bracketed paste).
fn paste(t: &Tmux, session: &str, text: &str) {
    assert!(t.tmux(&["set-buffer", "-b", "kt", text]).status.success());
    assert!(t
        .tmux(&["paste-buffer", "-p", "-b", "kt", "-t", session])
        .status
        .success());
}

/// Connectors an earlier, interrupted run of these tests left (they sort first, where the
/// tests expect their own).
fn remove_leftovers(urls: &[String], prefix: &str) {
    for u in urls {
        let c = client(u);
        for name in block_on(c.connector_names()).unwrap_or_default() {
            if name.starts_with(prefix) {
                let _ = block_on(c.delete(&name));
            }
        }
    }
}

/// The screen row that lists `connector` (the table row, not the detail).
fn row_of<'a>(screen: &'a str, connector: &str) -> Option<&'a str> {
    screen.lines().find(|l| {
        let words: Vec<&str> = l.split(|c: char| c == '│' || c.is_whitespace()).collect();
        words.contains(&connector) && (words.contains(&"source") || words.contains(&"sink"))
    })
}

#[test]
fn e2e_connect_view_creates_a_source_the_tail_shows_and_shows_a_failure_with_its_trace() {
    let Some(urls) = connect_urls() else { return };
    if common::skip_without_tmux() {
        return;
    }
    let c = client(&urls[0]);
    remove_leftovers(&urls, "0-kt-e2e-broken");
    let dir = tempfile::tempdir().unwrap();
    // A sink whose file is a directory: its task FAILS at start. Named to sort first, so it
    // is the row selected when the view opens.
    let broken = unique("0-kt-e2e-broken");
    let sink_topic = unique("kt-e2e-sink-in");
    block_on(c.create(&spec(
        &broken,
        &[
            ("connector.class", "FileStreamSink"),
            ("tasks.max", "1"),
            ("topics", &sink_topic),
            ("file", dir.path().to_str().unwrap()),
        ],
    )))
    .expect("create the broken sink");
    block_on(wait_task_state(&c, &broken, State::Failed));

    let input = dir.path().join("in.txt");
    std::fs::write(&input, "e2e-alpha\ne2e-beta\n").unwrap();
    let topic = unique("kt-e2e-src");
    let source = unique("kt-e2e-source");
    let t = tui(
        "kt-e2e-connect",
        &format!("--connect {} --from beginning", sh_quote(&urls.join(","))),
    );
    t.wait_for("connected", SCREEN_WAIT, |s| s.contains("connected"));
    t.keys(&[":"]);
    t.type_text("connect");
    t.keys(&["Enter"]);
    // Both Connect clusters answer, each on its own line.
    let s = t.wait_for("both clusters and the failed task", SCREEN_WAIT, |s| {
        s.matches("✔").count() >= 2 && row_of(s, &broken).is_some_and(|r| r.contains("0:FAILED"))
    });
    assert!(s.contains(&urls[1].replace("http://", "")), "{s}");

    // The failed sink's trace, in the detail.
    t.keys(&["Enter"]);
    t.wait_for("the stack trace", SCREEN_WAIT, |s| {
        s.contains("task 0 failed with:") && s.contains("Couldn't find or create file")
    });
    t.escape();
    t.wait_for("the detail closed", SCREEN_WAIT, |s| {
        !s.contains("task 0 failed with:")
    });

    // A new FileStream source from the editor, validated by the worker, then created.
    t.keys(&["n"]);
    t.wait_for("the editor", SCREEN_WAIT, |s| {
        s.contains("new connector on")
    });
    let json = format!(
        r#"{{"name": "{source}", "config": {{"connector.class": "FileStreamSource", "tasks.max": "1", "file": "{}", "topic": "{topic}"}}}}"#,
        input.display()
    );
    paste(&t, "kt-e2e-connect", &json);
    t.keys(&["C-s"]);
    t.wait_for("the source running", SCREEN_WAIT, |s| {
        row_of(s, &source).is_some_and(|r| r.contains("RUNNING") && r.contains("0:RUNNING"))
    });
    // The worker has it, and its lines reach the topic the tail shows.
    block_on(wait_state(&c, &source, State::Running, true));
    t.keys(&[":"]);
    t.type_text(&format!("tail {topic}"));
    t.keys(&["Enter"]);
    t.wait_for("the file's lines in the tail", SCREEN_WAIT, |s| {
        s.contains("e2e-alpha") && s.contains("e2e-beta")
    });

    // Pause, then delete the broken sink with its name typed.
    t.keys(&[":"]);
    t.type_text("connect");
    t.keys(&["Enter"]);
    t.wait_for("the list again", SCREEN_WAIT, |s| {
        row_of(s, &broken).is_some()
    });
    t.keys(&["p"]);
    block_on(wait_for("the broken sink paused", || async {
        let st = c.status(&broken).await;
        let paused = st
            .as_ref()
            .is_ok_and(|s| s.connector.state == State::Paused);
        (paused.then_some(()), format!("{st:?}"))
    }));
    t.wait_for("PAUSED on screen", SCREEN_WAIT, |s| {
        row_of(s, &broken).is_some_and(|r| r.contains("PAUSED"))
    });
    t.keys(&["x"]);
    t.wait_for("the delete prompt", SCREEN_WAIT, |s| {
        s.contains("type its name")
    });
    t.type_text(&broken);
    t.keys(&["Enter"]);
    t.wait_for("the sink gone from the list", SCREEN_WAIT, |s| {
        row_of(s, &broken).is_none()
    });
    let gone = block_on(c.status(&broken));
    assert!(
        matches!(gone, Err(ConnectError::NotFound { .. })),
        "{gone:?}"
    );
    block_on(c.delete(&source)).expect("clean up the source");
    t.quit_cleanly(SCREEN_WAIT);
}

#[test]
fn e2e_connect_read_only_refuses_writes_on_screen_and_the_worker_keeps_the_connector() {
    let Some(urls) = connect_urls() else { return };
    if common::skip_without_tmux() {
        return;
    }
    let c = client(&urls[1]);
    remove_leftovers(&urls[1..], "0-kt-e2e-ro");
    let name = unique("0-kt-e2e-ro");
    let dir = tempfile::tempdir().unwrap();
    block_on(c.create(&spec(
        &name,
        &[
            ("connector.class", "FileStreamSource"),
            ("tasks.max", "1"),
            ("file", dir.path().join("none.txt").to_str().unwrap()),
            ("topic", &unique("kt-e2e-ro")),
        ],
    )))
    .expect("create");
    block_on(wait_state(&c, &name, State::Running, true));
    // Only the second cluster, so the connector is the first row.
    let t = tui(
        "kt-e2e-ro",
        &format!("--read-only --connect {}", sh_quote(&urls[1])),
    );
    t.wait_for("connected", SCREEN_WAIT, |s| s.contains("connected"));
    t.keys(&[":"]);
    t.type_text("connect");
    t.keys(&["Enter"]);
    t.wait_for("the connector", SCREEN_WAIT, |s| row_of(s, &name).is_some());
    for (k, what) in [("x", "deleting connectors"), ("p", "pausing connectors")] {
        t.keys(&[k]);
        t.wait_for(what, SCREEN_WAIT, |s| {
            s.contains(&format!(
                "read-only: {what} is disabled (--read-only / read_only = true)"
            ))
        });
    }
    let st = block_on(c.status(&name)).expect("still there");
    assert_eq!(st.connector.state, State::Running);
    block_on(c.delete(&name)).expect("clean up");
    t.quit_cleanly(SCREEN_WAIT);
}

#[test]
fn e2e_a_down_worker_and_a_silent_one_are_said_and_the_screen_keeps_answering() {
    if common::skip_without_tmux() {
        return;
    }
    // Runs on the embedded broker: no peer needed.
    let down = format!("http://127.0.0.1:{}", closed_port());
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_url = format!("http://{}", silent.local_addr().unwrap());
    // Accepts and never answers: the request can only end by its timeout.
    let held = std::thread::spawn(move || {
        let mut conns = Vec::new();
        for c in silent.incoming().take(8) {
            conns.push(c);
        }
        std::thread::sleep(Duration::from_secs(60));
    });
    let cmd = format!(
        "{} --no-demo --listen 127.0.0.1:0 --connect {down},{silent_url}; echo kafka-tui-exited-$?; sleep 30",
        sh_quote(common::binary().to_str().unwrap()),
    );
    let t = Tmux::start("kt-e2e-down", &cmd, 150, 44);
    t.wait_for("connected", SCREEN_WAIT, |s| s.contains("connected"));
    t.keys(&[":"]);
    t.type_text("connect");
    t.keys(&["Enter"]);
    let started = Instant::now();
    t.wait_for(
        "the down worker named, the silent one waited for",
        SCREEN_WAIT,
        |s| {
            s.contains(&format!("✖ Connect worker {down} is unreachable"))
                && s.contains("waiting for an answer for")
        },
    );
    // Meanwhile the screen answers keys: another view opens and closes at once.
    let k = Instant::now();
    t.keys(&[":"]);
    t.type_text("streams");
    t.keys(&["Enter"]);
    t.wait_for("the streams view", Duration::from_secs(5), |s| {
        s.contains("Kafka Streams applications")
    });
    assert!(
        k.elapsed() < Duration::from_secs(3),
        "keys took {:?}",
        k.elapsed()
    );
    t.escape();
    t.keys(&[":"]);
    t.type_text("connect");
    t.keys(&["Enter"]);
    t.wait_for("the timeout said", SCREEN_WAIT, |s| {
        s.contains(&format!(
            "✖ Connect worker {silent_url} did not answer within 10s"
        ))
    });
    assert!(
        started.elapsed() >= Duration::from_secs(9),
        "{:?}",
        started.elapsed()
    );
    t.quit_cleanly(SCREEN_WAIT);
    drop(held);
}

#[test]
fn e2e_streams_view_finds_the_word_count_and_tails_its_output() {
    let Some(app_id) = peer("KAFKA_TUI_STREAMS_APP", "the Kafka Streams word count") else {
        return;
    };
    if common::skip_without_tmux() {
        return;
    }
    let (input, output) = (
        var("KAFKA_TUI_STREAMS_INPUT"),
        var("KAFKA_TUI_STREAMS_OUTPUT"),
    );
    // Short, so the tail's key column shows it whole.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let word = format!("w{}", nanos % 10_000_000);
    produce(&input, &[("k1", &format!("{word} {word}")), ("k2", &word)]);
    let t = tui(
        "kt-e2e-streams",
        &format!(
            "--from beginning --streams-topology {}",
            sh_quote(&format!("{app_id}={}", var("KAFKA_TUI_STREAMS_TOPOLOGY")))
        ),
    );
    t.wait_for("connected", SCREEN_WAIT, |s| s.contains("connected"));
    t.keys(&[":"]);
    t.type_text("streams");
    t.keys(&["Enter"]);
    let changelog = format!("{app_id}-counts-changelog");
    let repartition = format!("{app_id}-words-repartition");
    let s = t.wait_for("the word count with its topics", SCREEN_WAIT, |s| {
        s.contains(&app_id)
            && s.contains("Stable")
            && s.contains(&format!("changelog    {changelog}"))
            && s.contains(&format!("repartition  {repartition}"))
            && s.contains(&format!("output       {output}"))
            && s.contains(&format!("input        {input}"))
    });
    assert!(s.contains("StreamThread-1"), "{s}");
    assert!(s.contains("topology from"), "{s}");
    // Size on disk (DescribeLogDirs, on this PLAINTEXT cluster): the changelog holds the
    // counts, so its row says how many bytes.
    t.wait_for("the changelog's size on disk", SCREEN_WAIT, |s| {
        s.lines()
            .find(|l| l.contains(&format!("changelog    {changelog}")))
            .is_some_and(|l| [" B ", " KiB ", " MiB "].iter().any(|u| l.contains(u)))
    });
    // Lag per input partition: a row for each of the input's three partitions; once the app
    // caught up, each partition that has records is committed at its end (lag 0).
    t.wait_for("lag rows, caught up", SCREEN_WAIT, |s| {
        let rows: Vec<Vec<String>> = s
            .lines()
            .map(|l| {
                l.trim_matches('│')
                    .split_whitespace()
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .filter(|w| w.len() == 5 && w[0] == input)
            .collect();
        rows.len() == 3
            && rows.iter().any(|w| w[3] != "0")
            && rows
                .iter()
                .all(|w| w[3] == "0" || (w[2] == w[3] && w[4] == "0"))
    });
    // Down to the output row (input, changelog, repartition, output), Enter tails it.
    t.keys(&["Down", "Down", "Down", "Enter"]);
    t.wait_for(
        "the count of the new word in the output's tail",
        SCREEN_WAIT,
        |s| s.contains(&format!("tailing {output}")) || s.contains(&word),
    );
    // The word was sent three times: its last count is 3.
    t.wait_for("the new word counted 3", SCREEN_WAIT, |s| {
        s.lines().any(|l| {
            let w: Vec<&str> = l.split(|c: char| c == '│' || c.is_whitespace()).collect();
            w.contains(&word.as_str()) && w.contains(&"3")
        })
    });
    t.quit_cleanly(SCREEN_WAIT);
}
