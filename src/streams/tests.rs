//! Discovery and topology parsing on fixtures: the real topology text and the groups and topics
//! gathered from the `streams` peer (tests/fixtures/streams/, recorded by
//! tests/connect_streams.rs), and hand-made cases for what the peer does not have.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use tokio::net::TcpListener;

use super::*;

use crate::http_stub;

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/streams/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn wordcount_topology() -> Topology {
    parse_topology(&fixture("kt-wordcount-topology.txt")).unwrap()
}

#[test]
fn the_real_word_count_topology_parses() {
    let t = wordcount_topology();
    assert_eq!(t.sub_topologies.len(), 2);
    assert_eq!(t.sub_topologies[0].id, "0");
    assert!(!t.sub_topologies[0].global);
    assert_eq!(t.source_topics(), ["kt-words", "words-repartition"]);
    assert_eq!(t.sink_topics(), ["kt-word-counts", "words-repartition"]);
    assert_eq!(t.stores(), ["counts"]);
    assert!(t.source_patterns().is_empty() && t.dynamic_sinks().is_empty());
    assert_eq!(
        t.sub_topologies[1].nodes[0],
        Node::Source {
            name: "words-repartition-source".into(),
            topics: vec!["words-repartition".into()],
            pattern: None
        }
    );
    assert_eq!(
        t.sub_topologies[1].nodes.last().unwrap(),
        &Node::Sink {
            name: "KSTREAM-SINK-0000000010".into(),
            topic: Some("kt-word-counts".into()),
            extractor: None
        }
    );
}

/// The other shapes `TopologyDescription.toString()` has: several source topics, a pattern, an
/// extractor, a global store.
const OTHER_SHAPES: &str = "Topologies:
   Sub-topology: 0
    Source: in (topics: [orders, refunds])
      --> route
    Processor: route (stores: [])
      --> out
      <-- in
    Sink: out (extractor class: com.example.ByRegion@6d06d69c)
      <-- route
   Sub-topology: 1
    Source: logs (topic pattern: logs-.*)
      --> count
    Processor: count (stores: [per-host, per-level])
      --> audit
      <-- logs
    Sink: audit (topic: audit-trail)
      <-- count
  Sub-topology: 2 for global store (will not generate tasks)
    Source: KSTREAM-SOURCE-0000000001 (topics: [regions])
      --> KTABLE-SOURCE-0000000002
    Processor: KTABLE-SOURCE-0000000002 (stores: [regions-store])
      <-- KSTREAM-SOURCE-0000000001
";

#[test]
fn patterns_extractors_and_global_stores_parse() {
    let t = parse_topology(OTHER_SHAPES).unwrap();
    assert_eq!(t.source_topics(), ["orders", "refunds", "regions"]);
    assert_eq!(t.global_source_topics(), ["regions"]);
    assert!(t.sub_topologies[2].global);
    assert_eq!(t.source_patterns(), ["logs-.*"]);
    assert_eq!(t.dynamic_sinks(), ["com.example.ByRegion@6d06d69c"]);
    assert_eq!(t.sink_topics(), ["audit-trail"]);
    assert_eq!(t.stores(), ["per-host", "per-level", "regions-store"]);
}

#[test]
fn text_that_is_not_a_topology_is_refused_with_where() {
    assert_eq!(parse_topology(""), Err(TopologyError::Empty));
    assert_eq!(
        parse_topology("<html>Not Found</html>"),
        Err(TopologyError::Empty)
    );
    assert_eq!(
        parse_topology("Topologies:\n   Sub-topology: 0\n"),
        Err(TopologyError::Empty)
    );
    for (text, line, says) in [
        ("Source: a (topics: [x])", 1, "before any Sub-topology"),
        ("Sub-topology: 0\n Source: a (topics: x)", 2, "without […]"),
        ("Sub-topology: 0\n Source: a topics", 2, "without (…)"),
        (
            "Sub-topology: 0\n Sink: s (partitioner: p)",
            2,
            "topic or an extractor",
        ),
        ("Sub-topology:\n", 1, "without an id"),
    ] {
        match parse_topology(text) {
            Err(TopologyError::Parse { line: l, reason }) => {
                assert_eq!(l, line, "{text:?}");
                assert!(reason.contains(says), "{text:?}: {reason}");
            }
            other => panic!("{text:?}: {other:?}"),
        }
    }
}

#[test]
fn stream_thread_client_ids() {
    assert_eq!(
        parse_stream_thread("kt-wordcount-client-StreamThread-1-consumer"),
        Some(("kt-wordcount-client", 1))
    );
    assert_eq!(
        parse_stream_thread("app-2c7e8b8e-0d5f-4c5e-9a53-1f0c2d9e8a11-StreamThread-12-consumer"),
        Some(("app-2c7e8b8e-0d5f-4c5e-9a53-1f0c2d9e8a11", 12))
    );
    for not in [
        "app-StreamThread-1-restore-consumer",
        "app-StreamThread-x-consumer",
        "app-StreamThread--consumer",
        "rdkafka",
        "connector-consumer-rec-sink-0",
    ] {
        assert_eq!(parse_stream_thread(not), None, "{not}");
    }
}

/// The groups and topics gathered from the real cluster with the `streams` and `connect` peers
/// running (tests/connect_streams.rs, KT_RECORD_STREAMS_FIXTURE).
fn recorded() -> (Vec<GroupInput>, Vec<TopicInput>) {
    #[derive(serde::Deserialize)]
    struct Recorded {
        groups: Vec<GroupInput>,
        topics: Vec<TopicInput>,
    }
    let r: Recorded = serde_json::from_str(&fixture("cluster.json")).unwrap();
    (r.groups, r.topics)
}

#[test]
fn the_recorded_cluster_has_one_streams_app_with_its_topics_and_lag() {
    let (groups, topics) = recorded();
    let mut topologies = BTreeMap::new();
    topologies.insert("kt-wordcount".to_string(), wordcount_topology());
    let d = discover(&groups, &topics, &topologies);
    let ids: Vec<&str> = d.apps.iter().map(|a| a.application_id.as_str()).collect();
    assert_eq!(ids, ["kt-wordcount"], "the Connect groups are not apps");
    let app = &d.apps[0];
    assert_eq!(app.state, "Stable");
    assert_eq!(
        app.found_by,
        [
            Evidence::InternalTopics,
            Evidence::StreamsAssignor,
            Evidence::StreamThreadClients
        ]
    );
    assert_eq!(app.processes.len(), 1);
    assert_eq!(app.processes[0].client_id, "kt-wordcount-client");
    assert_eq!(app.processes[0].threads.len(), 1);
    assert_eq!(app.processes[0].threads[0].name, "StreamThread-1");
    assert_eq!(app.thread_count(), 1);
    let names = |v: &[TopicRef]| v.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&app.input_topics), ["kt-words"]);
    assert_eq!(app.input_topics[0].partitions, Some(3));
    assert_eq!(
        names(app.output_topics.as_deref().unwrap()),
        ["kt-word-counts"]
    );
    assert!(app.output_topics.as_ref().unwrap()[0].exists);
    let internal: Vec<(&str, InternalKind, &str)> = app
        .internal_topics
        .iter()
        .map(|t| (t.name.as_str(), t.kind, t.base.as_str()))
        .collect();
    assert_eq!(
        internal,
        [
            (
                "kt-wordcount-counts-changelog",
                InternalKind::Changelog,
                "counts"
            ),
            (
                "kt-wordcount-words-repartition",
                InternalKind::Repartition,
                "words"
            )
        ]
    );
    assert_eq!(app.stores, ["counts"]);
    // One row per input partition; each lag is end - committed from the recorded offsets.
    assert_eq!(
        app.input_lag
            .iter()
            .map(|l| l.partition)
            .collect::<Vec<_>>(),
        [0, 1, 2]
    );
    let offsets = &groups
        .iter()
        .find(|g| g.id == "kt-wordcount")
        .unwrap()
        .offsets;
    for l in &app.input_lag {
        let o = offsets
            .iter()
            .find(|o| o.topic == l.topic && o.partition == l.partition)
            .unwrap();
        assert_eq!((l.committed, l.end), (o.committed, o.end));
        assert_eq!(l.lag, Some(o.end.unwrap() - o.committed.unwrap()));
    }
    assert!(
        app.input_lag.iter().any(|l| l.committed.is_some()),
        "the recording has commits"
    );
    assert_eq!(app.repartition_lag.len(), 3);
    assert!(app.topics().contains(&"kt-word-counts"));
    assert!(d.orphan_internal_topics.is_empty(), "{d:?}");

    // Without its topology the app is still found; its outputs are unknown, not empty.
    let bare = discover(&groups, &topics, &BTreeMap::new());
    assert_eq!(bare.apps[0].output_topics, None);
    assert_eq!(names(&bare.apps[0].input_topics), ["kt-words"]);
}

fn topic(name: &str, partitions: usize) -> TopicInput {
    TopicInput {
        name: name.into(),
        partitions,
        size_bytes: Some(1000),
        records: Some(10),
    }
}

fn group(id: &str, members: Vec<MemberInput>, offsets: Vec<OffsetInput>) -> GroupInput {
    GroupInput {
        id: id.into(),
        state: if members.is_empty() {
            "Empty"
        } else {
            "Stable"
        }
        .into(),
        protocol_type: "consumer".into(),
        protocol: if members.is_empty() { "" } else { "range" }.into(),
        members,
        offsets,
    }
}

fn member(client: &str, host: &str, assignment: &[(&str, &[i32])]) -> MemberInput {
    MemberInput {
        member_id: format!("{client}-{}", client.len()),
        client_id: client.into(),
        host: host.into(),
        subscription: Vec::new(),
        assignment: assignment
            .iter()
            .map(|(t, p)| (t.to_string(), p.to_vec()))
            .collect(),
    }
}

fn offset(topic: &str, partition: i32, committed: Option<i64>, end: Option<i64>) -> OffsetInput {
    OffsetInput {
        topic: topic.into(),
        partition,
        committed,
        end,
    }
}

#[test]
fn internal_topics_go_to_the_longest_matching_application_id() {
    let groups = [group("app", vec![], vec![]), group("app-x", vec![], vec![])];
    let topics = [
        topic("app-s-changelog", 1),
        topic("app-x-s-changelog", 1),
        topic("app-x-KSTREAM-AGGREGATE-0000000003-repartition", 1),
        topic(
            "app-x-KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic",
            1,
        ),
        topic("app-fk-subscription-response-topic", 1),
        topic("other-store-changelog", 1),
        topic("app-changelog", 1),
        topic("plain", 1),
    ];
    let d = discover(&groups, &topics, &BTreeMap::new());
    let internal = |id: &str| -> Vec<(String, InternalKind)> {
        d.apps
            .iter()
            .find(|a| a.application_id == id)
            .unwrap()
            .internal_topics
            .iter()
            .map(|t| (t.name.clone(), t.kind))
            .collect()
    };
    assert_eq!(
        internal("app"),
        [
            ("app-s-changelog".into(), InternalKind::Changelog),
            (
                "app-fk-subscription-response-topic".into(),
                InternalKind::Subscription
            ),
        ]
    );
    assert_eq!(
        internal("app-x"),
        [
            ("app-x-s-changelog".into(), InternalKind::Changelog),
            (
                "app-x-KSTREAM-AGGREGATE-0000000003-repartition".into(),
                InternalKind::Repartition
            ),
            (
                "app-x-KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic".into(),
                InternalKind::Subscription
            ),
        ]
    );
    // No group owns these; `app-changelog` has no name between the id and the suffix.
    assert_eq!(
        d.orphan_internal_topics,
        ["app-changelog", "other-store-changelog"]
    );
}

#[test]
fn groups_without_any_streams_sign_are_not_apps() {
    let groups = [
        group(
            "connect-rec-sink",
            vec![member(
                "connector-consumer-rec-sink-0",
                "/127.0.0.1",
                &[("rec-lines", &[0])],
            )],
            vec![offset("rec-lines", 0, Some(1), Some(1))],
        ),
        GroupInput {
            protocol_type: "connect".into(),
            ..group("kt", vec![], vec![])
        },
    ];
    let topics = [topic("rec-lines", 1), topic("kt-configs-changelog", 1)];
    let d = discover(&groups, &topics, &BTreeMap::new());
    assert!(d.apps.is_empty(), "{:?}", d.apps);
    assert_eq!(d.orphan_internal_topics, ["kt-configs-changelog"]);
}

#[test]
fn a_stateless_app_is_found_by_its_threads_or_its_assignor() {
    let g = GroupInput {
        protocol: "stream".into(),
        ..group(
            "filter",
            vec![member(
                "filter-9f1e-StreamThread-1-consumer",
                "/10.0.0.1",
                &[("raw", &[0, 1])],
            )],
            vec![],
        )
    };
    let d = discover(&[g], &[topic("raw", 2)], &BTreeMap::new());
    assert_eq!(
        d.apps[0].found_by,
        [Evidence::StreamsAssignor, Evidence::StreamThreadClients]
    );
    assert!(d.apps[0].internal_topics.is_empty());
    assert_eq!(d.apps[0].input_topics[0].name, "raw");
}

#[test]
fn threads_group_by_process_and_host() {
    let g = group(
        "app",
        vec![
            member("app-uuid1-StreamThread-2-consumer", "/h1", &[("in", &[1])]),
            member("app-uuid1-StreamThread-1-consumer", "/h1", &[("in", &[0])]),
            member("app-uuid2-StreamThread-1-consumer", "/h2", &[("in", &[2])]),
            // Same client.id on two hosts: two processes.
            member("shared-StreamThread-1-consumer", "/h3", &[]),
            member("shared-StreamThread-1-consumer", "/h4", &[]),
            member("a-plain-consumer", "/h5", &[]),
        ],
        vec![],
    );
    let d = discover(
        &[g],
        &[topic("in", 3), topic("app-s-changelog", 3)],
        &BTreeMap::new(),
    );
    let procs: Vec<(String, String, Vec<String>)> = d.apps[0]
        .processes
        .iter()
        .map(|p| {
            (
                p.client_id.clone(),
                p.host.clone(),
                p.threads.iter().map(|t| t.name.clone()).collect(),
            )
        })
        .collect();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        procs,
        [
            (
                "a-plain-consumer".into(),
                "/h5".into(),
                s(&["a-plain-consumer"])
            ),
            (
                "app-uuid1".into(),
                "/h1".into(),
                s(&["StreamThread-1", "StreamThread-2"])
            ),
            ("app-uuid2".into(), "/h2".into(), s(&["StreamThread-1"])),
            ("shared".into(), "/h3".into(), s(&["StreamThread-1"])),
            ("shared".into(), "/h4".into(), s(&["StreamThread-1"])),
        ]
    );
    assert_eq!(d.apps[0].thread_count(), 6);
    assert_eq!(d.apps[0].processes[1].threads[0].assignment["in"], [0]);
}

#[test]
fn lag_is_per_partition_never_negative_and_unknown_without_a_commit() {
    let g = group(
        "app",
        vec![],
        vec![
            offset("in", 0, Some(5), Some(12)),
            offset("in", 1, Some(30), Some(20)),
            offset("in", 2, None, Some(7)),
            offset("app-r-repartition", 0, Some(1), Some(4)),
        ],
    );
    let topics = [topic("in", 4), topic("app-r-repartition", 1)];
    let d = discover(&[g], &topics, &BTreeMap::new());
    let app = &d.apps[0];
    let lag: Vec<(i32, Option<i64>)> = app.input_lag.iter().map(|l| (l.partition, l.lag)).collect();
    // Partition 3 has no offsets row at all: listed, unknown.
    assert_eq!(lag, [(0, Some(7)), (1, Some(0)), (2, None), (3, None)]);
    assert_eq!(app.total_input_lag(), 7);
    assert_eq!(app.repartition_lag.len(), 1);
    assert_eq!(app.repartition_lag[0].lag, Some(3));
    assert_eq!(
        app.input_topics.len(),
        1,
        "the repartition topic is not an input"
    );
}

#[test]
fn topology_names_resolve_to_internal_topics_inputs_and_outputs() {
    let mut topologies = BTreeMap::new();
    topologies.insert("shop".to_string(), parse_topology(OTHER_SHAPES).unwrap());
    // Add a repartition hop that has not been created yet (no such topic).
    let text = format!(
        "{OTHER_SHAPES}   Sub-topology: 3\n    Source: r-src (topics: [byid-repartition])\n    Sink: r-sink (topic: byid-repartition)\n"
    );
    topologies.insert("shop".to_string(), parse_topology(&text).unwrap());
    let g = group(
        "shop",
        vec![member(
            "shop-u-StreamThread-1-consumer",
            "/h",
            &[("orders", &[0])],
        )],
        vec![],
    );
    let topics = [
        topic("orders", 1),
        topic("refunds", 1),
        topic("regions", 1),
        topic("shop-per-host-changelog", 1),
    ];
    let d = discover(&[g], &topics, &topologies);
    let app = &d.apps[0];
    let names = |v: &[TopicRef]| v.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&app.input_topics), ["orders", "refunds", "regions"]);
    assert_eq!(app.input_patterns, ["logs-.*"]);
    let out = app.output_topics.as_ref().unwrap();
    assert_eq!(names(out), ["audit-trail"]);
    assert!(
        !out[0].exists,
        "named by the topology, not in the topic list"
    );
    assert_eq!(app.dynamic_outputs, ["com.example.ByRegion@6d06d69c"]);
    // The global store's topic is read outside the group: no lag rows for it.
    assert!(app.input_lag.iter().all(|l| l.topic != "regions"));
    assert_eq!(
        app.input_lag.iter().filter(|l| l.topic == "orders").count(),
        1
    );
}

#[tokio::test]
async fn topologies_load_from_a_file_or_a_url_with_errors_and_a_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("topology.txt");
    std::fs::write(&path, fixture("kt-wordcount-topology.txt")).unwrap();
    let t = Duration::from_secs(5);
    let text = load_topology(path.to_str().unwrap(), t).await.unwrap();
    assert_eq!(parse_topology(&text).unwrap(), wordcount_topology());
    let via_file_url = load_topology(&format!("file://{}", path.display()), t).await;
    assert_eq!(via_file_url.unwrap(), text);

    for bad in [dir.path().join("missing"), dir.path().to_path_buf()] {
        match load_topology(bad.to_str().unwrap(), t).await {
            Err(TopologyError::Read { location, .. }) => {
                assert_eq!(location, bad.to_str().unwrap())
            }
            other => panic!("{bad:?}: {other:?}"),
        }
    }

    // Over HTTP, from a server that answers once.
    let (base, server) = http_stub::serve(vec![("200 OK", text.clone())]).await;
    let url = format!("{base}/topology");
    assert_eq!(load_topology(&url, t).await.unwrap(), text);
    let got = server.await.unwrap();
    assert!(got[0].starts_with("GET /topology "), "{got:?}");

    // A server that accepts and never answers: a timeout when it is due, not a hang.
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/topology", silent.local_addr().unwrap());
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = silent.accept().await {
            held.push(s);
        }
    });
    let started = Instant::now();
    let r = load_topology(&url, Duration::from_millis(500)).await;
    let took = started.elapsed();
    assert!(matches!(r, Err(TopologyError::Timeout { .. })), "{r:?}");
    assert!(
        took >= Duration::from_millis(450) && took < Duration::from_secs(3),
        "{took:?}"
    );
    hold.abort();
}
