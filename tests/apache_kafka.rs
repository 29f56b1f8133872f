//! Apache Kafka as the reference (issue 10): the whole product against the 3-node KRaft cluster
//! of `.ci/peers.sh` (Kafka 4.3.1), end to end: the real binary in tmux, data made and checked
//! with rdkafka and with Kafka's own tools (`kafka-topics`, `kafka-configs`,
//! `kafka-consumer-groups`, `kafka-console-consumer`, a Java console consumer in a group), and
//! the brokers' own log segments for what was stored.
//!
//! Where kafka-tui shows something other than what Apache Kafka says, the test is marked
//! `#[ignore = "bug: ..."]` and the bug is in docs/kafka-vs-tui-bugs.md; run them with
//! `--ignored` to see them fail.
//!
//! In CI (`CI` set) a missing peer fails; locally the tests print why they skip.

mod common;
mod kafka_ref;

use std::time::Duration;

use kafka_ref::*;
use rdkafka::producer::Producer;

const SCREEN: Duration = Duration::from_secs(20);

fn setup() -> Option<Kafka> {
    if no_tmux() {
        return None;
    }
    Kafka::get()
}

/// kafka-tui on the cluster's PLAINTEXT listener, connected.
fn tui(k: &Kafka, name: &str, args: &str) -> Tui {
    let t = Tui::start(name, "", &format!("-b {} {args}", k.plain), 140, 40);
    t.wait("connected to the 3 brokers", SCREEN, |s| {
        s.contains("connected, 3 brokers")
    });
    t
}

/// The names `kafka-configs --describe` lists as set on the topic (dynamic topic configs).
fn kafka_topic_overrides(k: &Kafka, topic: &str) -> Vec<(String, String)> {
    let out = k.tool_ok(&[
        "kafka-configs",
        "--bootstrap-server",
        &k.node_addr(1),
        "--describe",
        "--entity-type",
        "topics",
        "--entity-name",
        topic,
    ]);
    let mut v: Vec<(String, String)> = out
        .lines()
        .filter(|l| l.starts_with("  "))
        .filter_map(|l| {
            let first = l.split_whitespace().next()?;
            let (k, v) = first.split_once('=')?;
            Some((k.to_string(), v.to_string()))
        })
        .collect();
    v.sort();
    v
}

/// The configs the topic detail marks `*` (set on the topic), with their values.
fn starred_configs(screen: &str) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = screen
        .lines()
        .filter_map(|l| l.strip_prefix("│* "))
        .map(|l| {
            let mut w = l.trim_end_matches('│').split_whitespace();
            (
                w.next().unwrap_or_default().to_string(),
                w.next().unwrap_or_default().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The partition rows of the topic detail, formatted as kafka-tui draws them, for what
/// `kafka-topics --describe` says.
fn detail_rows(kafka_says: &[(i32, i32, Vec<i32>, Vec<i32>)]) -> Vec<String> {
    let ids = |v: &[i32]| v.iter().map(i32::to_string).collect::<Vec<_>>().join(",");
    kafka_says
        .iter()
        .map(|(p, leader, replicas, isr)| {
            format!("{p:>9} {leader:>7} {:<14} {:<14}", ids(replicas), ids(isr))
        })
        .collect()
}

#[test]
fn topics_created_described_altered_grown_and_deleted_as_kafka_sees_them() {
    let Some(k) = setup() else { return };
    let topic = unique("kt-admin");
    let t = tui(&k, "admin", "");

    // :create, with 3 partitions, replication 3 and two configs.
    t.command("create");
    t.wait("the create dialog", SCREEN, |s| s.contains("Create topic"));
    t.text(&topic);
    t.keys(&["Tab"]);
    t.text("3");
    t.keys(&["Tab"]);
    t.text("3");
    t.keys(&["Tab"]);
    t.text("retention.ms=3600000,cleanup.policy=compact");
    t.keys(&["Enter"]);
    t.wait("the creation reported", SCREEN, |s| {
        s.contains(&format!("created topic {topic}"))
    });
    let kafka_says = k.describe_with_kafka_topics(&topic);
    assert_eq!(kafka_says.len(), 3, "{kafka_says:?}");
    assert!(
        kafka_says.iter().all(|(_, _, r, _)| r.len() == 3),
        "{kafka_says:?}"
    );
    assert_eq!(
        kafka_topic_overrides(&k, &topic),
        vec![
            ("cleanup.policy".to_string(), "compact".to_string()),
            ("retention.ms".to_string(), "3600000".to_string())
        ]
    );

    // The detail: leader, replicas and ISR of each partition as kafka-topics says them; the
    // configs set on the topic starred, the defaults not.
    t.wait("the new topic in the list", SCREEN, |s| s.contains(&topic));
    t.command(&format!("describe {topic}"));
    let want = detail_rows(&kafka_says);
    let screen = t.wait("the topic detail", SCREEN, |s| {
        s.contains("3 partitions") && want.iter().all(|r| s.contains(r.as_str()))
    });
    assert!(screen.contains("fully replicated"), "{screen}");
    let screen = t.wait("the configs", SCREEN, |s| s.contains("│* retention.ms"));
    assert_eq!(
        starred_configs(&screen),
        kafka_topic_overrides(&k, &topic),
        "{screen}"
    );
    let default = line_with(&screen, "compression.type").expect("a default config listed");
    assert!(
        default.starts_with("│  compression.type") && default.contains("producer"),
        "a default is listed unstarred with Kafka's default value: {default}"
    );

    // e: a new value; the other override stays (kafka-configs is the judge).
    t.keys(&["e"]);
    t.wait("the config dialog", SCREEN, |s| s.contains("as key=value"));
    t.text("retention.ms=7200000");
    t.keys(&["Enter"]);
    let screen = t.wait("the new value on screen", SCREEN, |s| {
        starred_configs(s).contains(&("retention.ms".into(), "7200000".into()))
    });
    assert_eq!(
        kafka_topic_overrides(&k, &topic),
        vec![
            ("cleanup.policy".to_string(), "compact".to_string()),
            ("retention.ms".to_string(), "7200000".to_string())
        ]
    );
    assert_eq!(starred_configs(&screen), kafka_topic_overrides(&k, &topic));

    // p: 5 partitions in all.
    t.keys(&["p"]);
    t.wait("the partitions dialog", SCREEN, |s| {
        s.contains("has 3 partitions")
    });
    t.text("5");
    t.keys(&["Enter"]);
    t.wait("5 partitions on screen", SCREEN, |s| {
        s.contains("5 partitions ·")
    });
    let kafka_says = k.describe_with_kafka_topics(&topic);
    assert_eq!(kafka_says.len(), 5, "{kafka_says:?}");
    let want = detail_rows(&kafka_says);
    t.wait("the new partitions as kafka-topics has them", SCREEN, |s| {
        want.iter().all(|r| s.contains(r.as_str()))
    });

    // Ctrl+D in the detail: a wrong name is refused, the right one deletes.
    t.keys(&["C-d"]);
    t.wait("the delete dialog", SCREEN, |s| {
        s.contains("Type its name to confirm")
    });
    t.text("not-it");
    t.keys(&["Enter"]);
    t.wait("the refusal", SCREEN, |s| {
        s.contains("type the topic's exact name")
    });
    for _ in 0.."not-it".len() {
        t.keys(&["BSpace"]);
    }
    t.text(&topic);
    t.keys(&["Enter"]);
    t.wait("the deletion reported", SCREEN, |s| {
        s.contains(&format!("deleted topic {topic}"))
    });
    let listed = k.tool_ok(&[
        "kafka-topics",
        "--bootstrap-server",
        &k.node_addr(1),
        "--list",
    ]);
    assert!(
        !listed.lines().any(|l| l == topic),
        "kafka-topics still lists it:\n{listed}"
    );
    t.wait("the topic gone from the list", SCREEN, |s| {
        !s.contains(&topic)
    });
    t.quit();
}

#[test]
fn n_creates_and_colon_delete_deletes_the_selected_topic() {
    let Some(k) = setup() else { return };
    let topic = unique("kt-del");
    let t = tui(&k, "del", "");
    t.keys(&["1", "n"]);
    t.wait("the create dialog", SCREEN, |s| s.contains("Create topic"));
    t.text(&topic);
    t.keys(&["Enter"]);
    t.wait("created", SCREEN, |s| {
        s.contains(&format!("created topic {topic}"))
    });
    t.wait("listed", SCREEN, |s| s.contains(&topic));
    // Select it (`:describe` selects it in Topics), come back, and `:delete`.
    t.command(&format!("describe {topic}"));
    t.wait("its detail", SCREEN, |s| {
        s.contains(&format!("Topic {topic}"))
    });
    t.esc();
    t.command("delete");
    t.wait("the delete dialog for it", SCREEN, |s| {
        s.contains(&format!("Delete topic {topic}"))
    });
    t.text(&topic);
    t.keys(&["Enter"]);
    t.wait("deleted", SCREEN, |s| {
        s.contains(&format!("deleted topic {topic}"))
    });
    let listed = k.tool_ok(&[
        "kafka-topics",
        "--bootstrap-server",
        &k.node_addr(1),
        "--list",
    ]);
    assert!(!listed.lines().any(|l| l == topic), "{listed}");
    t.quit();
}

/// kafka-topics --create without --replication-factor (and without --partitions) takes the
/// brokers' defaults: `default.replication.factor=3` on this cluster.
#[test]
#[ignore = "bug: an empty replication factor in the create dialog means 1, not the brokers' default.replication.factor"]
fn create_dialog_with_empty_replication_takes_the_brokers_default_as_kafka_topics_does() {
    let Some(k) = setup() else { return };
    let by_kafka = unique("rf-kafka");
    k.tool_ok(&[
        "kafka-topics",
        "--bootstrap-server",
        &k.node_addr(1),
        "--create",
        "--topic",
        &by_kafka,
    ]);
    let kafka_rf = k.describe_with_kafka_topics(&by_kafka)[0].2.len();
    assert_eq!(kafka_rf, 3, "default.replication.factor of the peer");

    let topic = unique("rf-tui");
    let t = tui(&k, "rf", "");
    t.command("create");
    t.wait("the create dialog", SCREEN, |s| s.contains("Create topic"));
    t.text(&topic);
    t.keys(&["Enter"]);
    t.wait("created", SCREEN, |s| {
        s.contains(&format!("created topic {topic}"))
    });
    let tui_rf = k.describe_with_kafka_topics(&topic)[0].2.len();
    t.quit();
    assert_eq!(
        tui_rf, kafka_rf,
        "kafka-tui's topic has {tui_rf} replicas, kafka-topics' {kafka_rf}"
    );
}

#[test]
fn brokers_view_lists_the_three_brokers_and_the_cluster_id() {
    let Some(k) = setup() else { return };
    let t = tui(&k, "brokers", "");
    t.command("brokers");
    let screen = t.wait("the cluster view", SCREEN, |s| s.contains("cluster id"));
    assert!(screen.contains(&k.cluster_id), "{screen}");
    for id in 1..=3 {
        let row = format!("{id:>6}  {:<40}", k.node_addr(id));
        assert!(screen.contains(&row), "broker {id} as {row:?}:\n{screen}");
    }
    t.quit();
}

/// `:brokers` names each broker's rack (`broker.rack=rack-N` on node N), as Kafka's
/// DescribeCluster answers it.
#[test]
#[ignore = "bug: :brokers shows '-' for every rack (racks are not read from Kafka)"]
fn brokers_view_shows_each_brokers_rack() {
    let Some(k) = setup() else { return };
    let t = tui(&k, "racks", "");
    t.command("brokers");
    let screen = t.wait("the cluster view", SCREEN, |s| s.contains("cluster id"));
    t.quit();
    for id in 1..=3 {
        let row = line_with(&screen, &format!("  {}", k.node_addr(id)))
            .unwrap_or_else(|| panic!("broker {id} listed:\n{screen}"));
        assert!(
            row.contains(&format!("rack-{id}")),
            "broker {id}'s rack: {row}"
        );
    }
}

/// The controller `:brokers` names is the active controller: the quorum leader that
/// `kafka-metadata-quorum describe --status` reports. (In KRaft a Metadata response names a
/// random live broker as "controller", a different one from one request to the next.)
#[test]
#[ignore = "bug: :brokers shows a random broker as the controller in KRaft, not the quorum leader"]
fn brokers_view_names_the_active_controller() {
    let Some(k) = setup() else { return };
    let out = k.tool_ok(&[
        "kafka-metadata-quorum",
        "--bootstrap-server",
        &k.node_addr(1),
        "describe",
        "--status",
    ]);
    let leader: i32 = out
        .lines()
        .find_map(|l| l.strip_prefix("LeaderId:"))
        .expect("LeaderId")
        .trim()
        .parse()
        .unwrap();
    let t = tui(&k, "controller", "");
    // The view opened afresh several times: one random answer in three would match by chance.
    for i in 0..6 {
        t.command("brokers");
        let screen = t.wait("the cluster view", SCREEN, |s| s.contains("│controller  "));
        let shown = line_with(&screen, "│controller  ")
            .and_then(|l| l.split_whitespace().nth(1))
            .map(String::from)
            .unwrap_or_default();
        assert_eq!(
            shown,
            leader.to_string(),
            "opening {i}: kafka-tui says controller {shown}, the quorum leader is {leader}"
        );
        t.esc();
        t.wait("the view closed", SCREEN, |s| !s.contains("│controller  "));
    }
    t.quit();
}
