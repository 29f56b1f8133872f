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
        .map(|(p, leader, replicas, isr)| format!("{p} {leader} {} {}", ids(replicas), ids(isr)))
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
    describe(&t, &topic);
    let want = detail_rows(&kafka_says);
    let screen = t.wait("the topic detail", SCREEN, |s| {
        s.contains("3 partitions") && want.iter().all(|r| has_row(s, r))
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
        want.iter().all(|r| has_row(s, r))
    });

    // Ctrl+D in the detail: a wrong name is refused, the right one deletes.
    t.keys(&["C-d"]);
    t.wait("the delete dialog", SCREEN, |s| {
        s.contains("Type its name to confirm")
    });
    t.text("not-it");
    t.keys(&["Enter"]);
    t.wait("the refusal", SCREEN, |s| {
        s.contains("\"not-it\" does not match the topic's name")
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
    // Filtered by its name, the list has no row for it any more (the view was closed).
    filter_topics(&t, &topic);
    t.wait("the topic gone from the list", SCREEN, |s| {
        s.contains("no topic matches") && !topic_names(s).contains(&topic)
    });
    t.quit();
}

#[test]
fn n_creates_and_colon_delete_deletes_the_selected_topic() {
    let Some(k) = setup() else { return };
    let topic = unique("kt-del");
    let t = tui(&k, "del", "");
    // The form says what empty fields get, as `kafka-configs --describe --all` of broker 1
    // reports the defaults.
    let broker = k.tool_ok(&[
        "kafka-configs",
        "--bootstrap-server",
        &k.node_addr(1),
        "--describe",
        "--entity-type",
        "brokers",
        "--entity-name",
        "1",
        "--all",
    ]);
    let default_of = |name: &str| {
        broker
            .lines()
            .find_map(|l| l.trim().strip_prefix(&format!("{name}=")))
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no {name} in:\n{broker}"))
            .to_string()
    };
    let (parts, rf) = (
        default_of("num.partitions"),
        default_of("default.replication.factor"),
    );
    let parts = kafka_tui::model::count(parts.parse::<u64>().unwrap(), "partition");
    t.keys(&["1", "n"]);
    t.wait("the create form with the cluster's defaults", SCREEN, |s| {
        s.contains("Create topic")
            && s.contains(&format!(
                "left empty: {parts}, replication factor {rf} (broker 1)"
            ))
    });
    t.text(&topic);
    t.keys(&["Enter"]);
    t.wait("created", SCREEN, |s| {
        s.contains(&format!("created topic {topic}"))
    });
    // Select it (`:describe` selects it in Topics), come back, and `:delete`.
    describe(&t, &topic);
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
        let row = format!("{id} {}", k.node_addr(id));
        assert!(has_row(&screen, &row), "broker {id} as {row:?}:\n{screen}");
    }
    t.quit();
}

/// `:brokers` names each broker's rack (`broker.rack=rack-N` on node N), as Kafka's
/// DescribeCluster answers it.
#[test]
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

/// `:brokers` never names a wrong controller. The active controller is the quorum leader that
/// `kafka-metadata-quorum describe --status` reports (DescribeQuorum); in KRaft a Metadata or
/// DescribeCluster answer names a random live broker as "controller", a different one from one
/// request to the next. librdkafka has no DescribeQuorum, so kafka-tui cannot name the leader:
/// the test asked for it at first (bug 5 of docs/kafka-vs-tui-bugs.md) and now asks that the
/// view say the controller is not visible, and mark no broker `(controller)`, rather than name
/// a broker that is not the leader. (ZooKeeper mode names the real one: `zookeeper_mode.rs`.)
#[test]
fn brokers_view_names_no_wrong_controller() {
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
        let said = line_with(&screen, "│controller  ")
            .unwrap_or_default()
            .to_string();
        let shown = said
            .split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_string();
        assert!(
            shown == leader.to_string() || said.contains("not visible to clients"),
            "opening {i}: kafka-tui says {said:?}, the quorum leader is {leader}"
        );
        for id in (1..=3usize).filter(|id| *id as i32 != leader) {
            let row = line_with(&screen, &format!("  {}", k.node_addr(id))).unwrap_or_default();
            assert!(
                !row.contains("(controller)"),
                "opening {i}: broker {id} marked controller, the leader is {leader}: {row}"
            );
        }
        t.esc();
        t.wait("the view closed", SCREEN, |s| !s.contains("│controller  "));
    }
    t.quit();
}

// ------------------------------------------------------------------------------- groups

/// `kafka-consumer-groups --describe` of a group: (partition, current offset, log end, lag)
/// of `topic`, in partition order.
fn kafka_group_offsets(k: &Kafka, group: &str, topic: &str) -> Vec<(i32, i64, i64, i64)> {
    let out = k.tool_ok(&[
        "kafka-consumer-groups",
        "--bootstrap-server",
        &k.node_addr(1),
        "--describe",
        "--group",
        group,
    ]);
    let n = |s: &str| s.parse::<i64>().unwrap_or(-1);
    let mut v: Vec<(i32, i64, i64, i64)> = out
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|w| w.len() >= 6 && w[0] == group && w[1] == topic)
        .map(|w| (w[2].parse().unwrap(), n(w[3]), n(w[4]), n(w[5])))
        .collect();
    v.sort();
    v
}

/// Kafka's own plan for a reset (`--reset-offsets ... --dry-run`): (partition, new offset).
fn kafka_reset_plan(k: &Kafka, group: &str, topic: &str, to: &[&str]) -> Vec<(i32, i64)> {
    let mut args = vec![
        "kafka-consumer-groups",
        "--bootstrap-server",
        "",
        "--reset-offsets",
        "--group",
        group,
        "--topic",
        topic,
        "--dry-run",
    ];
    let node = k.node_addr(1);
    args[2] = &node;
    args.extend_from_slice(to);
    let out = k.tool_ok(&args);
    let mut v: Vec<(i32, i64)> = out
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|w| w.len() == 4 && w[0] == group && w[1] == topic)
        .map(|w| (w[2].parse().unwrap(), w[3].parse().unwrap()))
        .collect();
    v.sort();
    v
}

/// The row of `group` in the groups view.
fn group_row<'a>(screen: &'a str, group: &str) -> Option<&'a str> {
    screen
        .lines()
        .find(|l| l.trim_start_matches('│').starts_with(&format!("{group} ")))
}

/// The preview rows kafka-tui's reset dialog draws for these moves, as words (`has_row`: the
/// columns are sized to their content now).
fn preview_rows(topic: &str, moves: &[(i32, i64, i64)]) -> Vec<String> {
    moves
        .iter()
        .map(|(p, old, new)| format!("{topic} {p} {old} {new}"))
        .collect()
}

/// The offset rows of kafka-tui's group view for (partition, committed, end, lag).
fn lag_rows(topic: &str, rows: &[(i32, i64, i64, i64)]) -> Vec<String> {
    rows.iter()
        .map(|(p, c, e, l)| format!("{topic} {p} {c} {e} {l}"))
        .collect()
}

/// Whether a line of `screen` holds `row`'s words in order, however the columns are spaced
/// (they are sized to their content).
fn has_row(screen: &str, row: &str) -> bool {
    screen.lines().any(|l| {
        let words: Vec<&str> = l.split(['│', ' ']).filter(|w| !w.is_empty()).collect();
        format!(" {} ", words.join(" ")).contains(&format!(" {row} "))
    })
}

/// Replaces what the dialog's single field holds, then Enter.
fn retype(t: &Tui, old: &str, new: &str) {
    for _ in 0..old.chars().count() {
        t.keys(&["BSpace"]);
    }
    t.text(new);
    t.keys(&["Enter"]);
}

fn utc(ms: i64) -> String {
    let out = std::process::Command::new("date")
        .args(["-u", "-d", &format!("@{}", ms / 1000), "+%Y-%m-%d %H:%M:%S"])
        .output()
        .expect("date");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A group made by Kafka's own Java console consumer: listed, its member with the client id
/// and host Kafka reports, per-partition lag as kafka-consumer-groups computes it; after the
/// consumer left, every reset's preview equals Kafka's own dry run, the applied reset is what
/// kafka-consumer-groups then reads, and the group is deleted.
#[test]
fn java_consumer_group_listed_described_reset_and_deleted_as_kafka_tools_say() {
    let Some(k) = setup() else { return };
    let topic = unique("grp-t");
    let group = unique("grp");
    let client = unique("kt-java");
    k.create_topic(&topic, 3, 3, &[]);
    // 10 records a partition: 5 written three hours ago, 5 an hour ago (record timestamps).
    let now = now_ms();
    let mut recs = Vec::new();
    for p in 0..3 {
        for i in 0..10i64 {
            let ts = if i < 5 {
                now - 3 * 3_600_000
            } else {
                now - 3_600_000
            } + i;
            recs.push(Rec::value(format!("p{p}-r{i}")).to(p).at(ts));
        }
    }
    produce(&k.config(), &topic, &recs);

    let mut java = k.spawn_tool(&[
        "kafka-console-consumer",
        "--bootstrap-server",
        &k.plain,
        "--topic",
        &topic,
        "--group",
        &group,
        "--from-beginning",
        "--consumer-property",
        &format!("client.id={client}"),
        "--consumer-property",
        "auto.commit.interval.ms=200",
    ]);
    java.wait_lines(
        "the Java consumer to print the 30 records",
        Duration::from_secs(60),
        |l| l.len() >= 30,
    );

    let t = tui(&k, "groups", "");
    t.command("groups");
    t.keys(&["/"]);
    t.text(&group);
    t.keys(&["Enter"]);
    let screen = t.wait("the group listed, Stable with one member", SCREEN, |s| {
        group_row(s, &group).is_some_and(|l| l.contains("Stable") && l.contains(" 1 "))
    });
    let row = group_row(&screen, &group).unwrap();
    assert!(row.contains("consumer"), "protocol type: {row}");

    // Its member: client id and host as kafka-consumer-groups --members reports them.
    let members = k.tool_ok(&[
        "kafka-consumer-groups",
        "--bootstrap-server",
        &k.node_addr(1),
        "--describe",
        "--group",
        &group,
        "--members",
    ]);
    let member = members
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|w| w.first() == Some(&group.as_str()))
        .unwrap_or_else(|| panic!("kafka-consumer-groups --members:\n{members}"));
    let (host, kafka_client) = (member[2].to_string(), member[3].to_string());
    assert_eq!(kafka_client, client);
    t.command(&format!("group {group}"));
    let committed = lag_rows(&topic, &[(0, 10, 10, 0), (1, 10, 10, 0), (2, 10, 10, 0)]);
    let (_, screen) = t.refresh_until(
        "the member and its committed offsets",
        "r",
        Duration::from_secs(1),
        SCREEN,
        |s| committed.iter().all(|r| has_row(s, r)),
    );
    assert!(
        screen.contains(&format!("  {client} {host} {topic}[0,1,2]")),
        "member {client} on {host} with partitions 0,1,2:\n{screen}"
    );
    assert!(
        screen.contains("state Stable · 1 member · total lag 0"),
        "{screen}"
    );

    // The consumer leaves; 5 more records on partition 1: lag 5 there, as Kafka computes it.
    java.stop();
    produce(
        &k.config(),
        &topic,
        &(0..5)
            .map(|i| Rec::value(format!("p1-new{i}")).to(1))
            .collect::<Vec<_>>(),
    );
    let want = vec![(0, 10, 10, 0), (1, 10, 15, 5), (2, 10, 10, 0)];
    let rows = lag_rows(&topic, &want);
    let (_, screen) = t.refresh_until(
        "the group empty with lag 5",
        "r",
        Duration::from_secs(1),
        SCREEN,
        |s| {
            s.contains("state Empty · 0 members · total lag 5")
                && rows.iter().all(|r| has_row(s, r))
        },
    );
    assert!(
        screen.contains("inactive: offsets can be reset"),
        "{screen}"
    );
    assert_eq!(kafka_group_offsets(&k, &group, &topic), want);

    // R: each preview is Kafka's own dry run, old offsets beside the new ones.
    t.keys(&["R"]);
    t.wait("the reset dialog", SCREEN, |s| {
        s.contains("Reset the offsets of")
    });
    let old = [10i64, 10, 10];
    let at = now - 2 * 3_600_000;
    let cases: Vec<(String, Vec<String>)> = vec![
        ("earliest".into(), vec!["--to-earliest".into()]),
        ("latest".into(), vec!["--to-latest".into()]),
        ("3".into(), vec!["--to-offset".into(), "3".into()]),
        // Shifts from the committed 10, kept within each partition's records.
        ("-4".into(), vec!["--shift-by".into(), "-4".into()]),
        ("+3".into(), vec!["--shift-by".into(), "3".into()]),
        ("-100".into(), vec!["--shift-by".into(), "-100".into()]),
        (
            "2h".into(),
            vec![
                "--to-datetime".into(),
                format!("{}.000", utc(at).replace(' ', "T")),
            ],
        ),
        (
            utc(at),
            vec![
                "--to-datetime".into(),
                format!("{}.000", utc(at).replace(' ', "T")),
            ],
        ),
    ];
    let mut typed = String::new();
    for (input, kafka_args) in &cases {
        let args: Vec<&str> = kafka_args.iter().map(String::as_str).collect();
        let plan = kafka_reset_plan(&k, &group, &topic, &args);
        assert_eq!(plan.len(), 3, "{plan:?}");
        let moves: Vec<(i32, i64, i64)> = plan
            .iter()
            .map(|(p, n)| (*p, old[*p as usize], *n))
            .collect();
        let rows = preview_rows(&topic, &moves);
        retype(&t, &typed, input);
        typed = input.clone();
        t.wait(
            &format!("the preview for {input:?}: {moves:?}"),
            SCREEN,
            |s| s.contains("Enter applies these offsets") && rows.iter().all(|r| has_row(s, r)),
        );
    }
    // The time cases meant offset 5 (the first record written after the instant).
    assert_eq!(
        kafka_reset_plan(
            &k,
            &group,
            &topic,
            &[
                "--to-datetime",
                &format!("{}.000", utc(at).replace(' ', "T"))
            ]
        ),
        vec![(0, 5), (1, 5), (2, 5)]
    );

    // Apply "earliest": Kafka reads the new offsets, and so does the view.
    retype(&t, &typed, "earliest");
    t.wait("the earliest preview", SCREEN, |s| {
        s.contains("Enter applies these offsets")
    });
    t.keys(&["Enter"]);
    let want = vec![(0, 0, 10, 10), (1, 0, 15, 15), (2, 0, 10, 10)];
    let rows = lag_rows(&topic, &want);
    t.refresh_until(
        "the reset offsets in the view",
        "r",
        Duration::from_secs(1),
        SCREEN,
        |s| s.contains("total lag 35") && rows.iter().all(|r| has_row(s, r)),
    );
    assert_eq!(kafka_group_offsets(&k, &group, &topic), want);

    // Back in the list (Esc), refreshed: the group's total lag is the sum of Kafka's own LAG
    // column, and its topic is named beside it.
    let kafka_total: i64 = kafka_group_offsets(&k, &group, &topic)
        .iter()
        .map(|r| r.3)
        .sum();
    assert_eq!(kafka_total, 35);
    t.keys(&["Escape"]);
    let (_, screen) = t.refresh_until(
        "the list with the group's total lag",
        "r",
        Duration::from_secs(1),
        SCREEN,
        |s| {
            group_row(s, &group).is_some_and(|l| {
                let words: Vec<&str> = l.split(['│', ' ']).filter(|w| !w.is_empty()).collect();
                words.contains(&kafka_total.to_string().as_str())
            })
        },
    );
    let row = group_row(&screen, &group).unwrap();
    assert!(row.contains(&topic), "its topic in the row: {row}");
    assert!(
        screen.contains("Lag↓"),
        "sorted by lag by default:\n{screen}"
    );

    // Ctrl+D: deleted, as kafka-consumer-groups --list then shows.
    t.keys(&["C-d"]);
    t.wait("the delete dialog", SCREEN, |s| {
        s.contains("Delete consumer group")
    });
    t.text(&group);
    t.keys(&["Enter"]);
    t.wait("the deletion reported", SCREEN, |s| {
        s.contains(&format!("group {group}")) && s.contains("delete")
    });
    let list = k.tool_ok(&[
        "kafka-consumer-groups",
        "--bootstrap-server",
        &k.node_addr(1),
        "--list",
    ]);
    assert!(!list.lines().any(|l| l == group), "still listed:\n{list}");
    t.quit();
}

/// A reset asked while the group has members: Kafka's tool refuses ("can only be reset if the
/// group is inactive"); kafka-tui must not change anything either, and say why.
#[test]
fn reset_of_an_active_group_changes_nothing() {
    let Some(k) = setup() else { return };
    let topic = unique("act-t");
    let group = unique("act");
    k.create_topic(&topic, 1, 3, &[]);
    produce(
        &k.config(),
        &topic,
        &(0..4)
            .map(|i| Rec::value(format!("a{i}")))
            .collect::<Vec<_>>(),
    );
    let mut java = k.spawn_tool(&[
        "kafka-console-consumer",
        "--bootstrap-server",
        &k.plain,
        "--topic",
        &topic,
        "--group",
        &group,
        "--from-beginning",
        "--consumer-property",
        "auto.commit.interval.ms=200",
    ]);
    java.wait_lines("4 records", Duration::from_secs(60), |l| l.len() >= 4);
    let t = tui(&k, "active", "");
    t.command(&format!("group {group}"));
    let rows = lag_rows(&topic, &[(0, 4, 4, 0)]);
    t.refresh_until(
        "the active group, committed 4",
        "r",
        Duration::from_secs(1),
        SCREEN,
        |s| s.contains("1 member") && rows.iter().all(|r| has_row(s, r)),
    );
    let kafka = k.tool(&[
        "kafka-consumer-groups",
        "--bootstrap-server",
        &k.node_addr(1),
        "--reset-offsets",
        "--group",
        &group,
        "--topic",
        &topic,
        "--to-earliest",
        "--execute",
    ]);
    let kafka_says = String::from_utf8_lossy(&kafka.stdout).to_string()
        + &String::from_utf8_lossy(&kafka.stderr);
    assert!(
        kafka_says.contains("inactive"),
        "Kafka's tool: {kafka_says}"
    );
    // R is refused at once, before a target is typed, naming the member that blocks it.
    t.keys(&["R"]);
    let s = t.wait(
        "kafka-tui's refusal, before anything is typed",
        SCREEN,
        |s| s.contains("cannot reset group") && s.contains("stop its consumers first"),
    );
    assert!(!s.contains("Reset the offsets of"), "no dialog opens:\n{s}");
    assert_eq!(kafka_group_offsets(&k, &group, &topic), vec![(0, 4, 4, 0)]);
    java.stop();
    t.quit();
}

/// A group of the consumer rebalance protocol (KIP-848, `group.protocol=consumer`, GA since
/// Kafka 4.0): kafka-consumer-groups lists it Stable with its member; kafka-tui must too.
#[test]
fn consumer_protocol_group_shows_its_state_and_members() {
    let Some(k) = setup() else { return };
    let topic = unique("848-t");
    let group = unique("g848");
    let client = unique("kt-848");
    k.create_topic(&topic, 2, 3, &[]);
    produce(
        &k.config(),
        &topic,
        &(0..6)
            .map(|i| Rec::value(format!("x{i}")).to(i % 2))
            .collect::<Vec<_>>(),
    );
    let _java = k.spawn_tool(&[
        "kafka-console-consumer",
        "--bootstrap-server",
        &k.plain,
        "--topic",
        &topic,
        "--group",
        &group,
        "--from-beginning",
        "--consumer-property",
        "group.protocol=consumer",
        "--consumer-property",
        &format!("client.id={client}"),
    ]);
    _java.wait_lines("6 records", Duration::from_secs(60), |l| l.len() >= 6);
    let state = k.tool_ok(&[
        "kafka-consumer-groups",
        "--bootstrap-server",
        &k.node_addr(1),
        "--list",
        "--state",
    ]);
    assert!(
        state
            .lines()
            .any(|l| l.starts_with(&group) && l.contains("Stable")),
        "Kafka says:\n{state}"
    );
    let t = tui(&k, "g848", "");
    t.command("groups");
    t.keys(&["/"]);
    t.text(&group);
    t.keys(&["Enter"]);
    let screen = t.wait("the group listed", SCREEN, |s| {
        group_row(s, &group).is_some()
    });
    let row = group_row(&screen, &group).unwrap().to_string();
    t.command(&format!("group {group}"));
    let detail = t.wait("the group's detail", SCREEN, |s| {
        s.contains("state ") && s.contains(" member")
    });
    t.quit();
    assert!(
        row.contains("Stable") && row.contains(" 1 "),
        "list row: {row}"
    );
    assert!(
        detail.contains("1 member") && detail.contains(&client),
        "the member {client}:\n{detail}"
    );
    assert!(!detail.contains("offsets can be reset"), "{detail}");
}

// ------------------------------------------------------------------------------- tail, produce

const CODECS: [&str; 4] = ["gzip", "snappy", "lz4", "zstd"];

/// A header that compresses well: librdkafka sends a batch uncompressed when compressing does
/// not make it smaller (small records), whatever compression.type says.
fn pad() -> String {
    "a".repeat(400)
}

/// (partition, offset, value) of the rows on screen.
fn shown(screen: &str) -> Vec<(i32, i64, String)> {
    let mut v: Vec<(i32, i64, String)> = tail_rows(screen)
        .into_iter()
        .map(|r| (r.partition, r.offset, r.value))
        .collect();
    v.sort();
    v
}

fn as_read(seen: &[Seen]) -> Vec<(i32, i64, String)> {
    seen.iter()
        .map(|s| (s.partition, s.offset, s.value.clone().unwrap_or_default()))
        .collect()
}

/// The codec of the stored batch that holds `offset`.
fn codec_at(batches: &[Batch], offset: i64) -> &'static str {
    let b = batches
        .iter()
        .find(|b| b.base_offset <= offset && offset <= b.last_offset)
        .unwrap_or_else(|| panic!("no stored batch holds offset {offset}: {batches:?}"));
    codec_name(b.codec)
}

/// Records compressed with each codec, by librdkafka and by Kafka's own Java console producer,
/// stored so by the brokers (their log segments say), and all shown by the tail, each once at
/// its offset, as an rdkafka consumer reads them.
#[test]
fn tail_shows_records_of_every_codec_from_rdkafka_and_the_java_producer() {
    let Some(k) = setup() else { return };
    let topic = unique("codecs");
    k.create_topic(&topic, 1, 3, &[]);
    let t = tui(&k, "codecs", &format!("-t {topic} --from beginning"));
    t.wait("the tail live", SCREEN, |s| {
        s.contains("waiting for records")
    });
    for codec in CODECS {
        let recs: Vec<Rec> = (0..3)
            .map(|i| Rec {
                headers: vec![("pad".into(), pad())],
                ..Rec::value(format!("rd-{codec}-{i}"))
            })
            .collect();
        let mut cfg = k.config();
        cfg.set("compression.type", codec).set("linger.ms", "50");
        produce(&cfg, &topic, &recs);
        let mut java = std::process::Command::new(std::env::var("KAFKA_TUI_KAFKA_TOOL").unwrap())
            .args([
                "kafka-console-producer",
                "--bootstrap-server",
                &k.plain,
                "--topic",
                &topic,
                "--compression-codec",
                codec,
                "--reader-property",
                "parse.headers=true",
            ])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("console producer");
        {
            use std::io::Write;
            let mut stdin = java.stdin.take().unwrap();
            for i in 0..3 {
                writeln!(stdin, "pad:{}\tjava-{codec}-{i}", pad()).unwrap();
            }
        }
        assert!(
            java.wait().unwrap().success(),
            "kafka-console-producer {codec}"
        );
    }
    let read = read_all(&k.config(), &topic, "read_uncommitted");
    assert_eq!(read.len(), 24, "{read:?}");
    let batches = k.stored_batches(&topic, 0);
    for s in &read {
        let value = s.value.clone().unwrap();
        let codec = value.split('-').nth(1).unwrap();
        assert_eq!(
            codec_at(&batches, s.offset),
            codec,
            "{value} at {}",
            s.offset
        );
    }
    let screen = t.wait("the 24 records held", SCREEN, |s| held(s) == Some(24));
    let rows: Vec<(i32, i64, String)> = whole_tail(&t, 24)
        .into_iter()
        .map(|r| (r.partition, r.offset, r.value))
        .collect();
    assert_eq!(rows, as_read(&read), "{screen}");
    t.quit();
}

/// kafka-tui's producer with `-X compression.type=C`: the brokers store the batch compressed
/// with C (and uncompressed without the flag), and Kafka's console consumer reads the value.
#[test]
fn producer_publishes_with_each_codec() {
    let Some(k) = setup() else { return };
    let topic = unique("tuicodec");
    k.create_topic(&topic, 1, 3, &[]);
    let mut published = Vec::new();
    for codec in ["none", "gzip", "snappy", "lz4", "zstd"] {
        let flag = if codec == "none" {
            String::new()
        } else {
            format!("-X compression.type={codec}")
        };
        let t = tui(&k, &format!("p-{codec}"), &format!("{flag} -t {topic}"));
        // Key, headers, value: Tab twice from the value is the headers field.
        t.keys(&["3", "Tab", "Tab"]);
        t.text(&format!("pad={}", pad()));
        t.keys(&["Tab"]);
        let value = format!("tui-{codec}");
        let (p, offset) = publish(&t, &value, SCREEN);
        assert_eq!(p, 0);
        // Shown in the tail as well (publishing tails the topic).
        t.wait("the record in the tail", SCREEN, |s| {
            shown(s).contains(&(0, offset, value.clone()))
        });
        t.quit();
        published.push((offset, codec, value));
    }
    let batches = k.stored_batches(&topic, 0);
    for (offset, codec, _) in &published {
        assert_eq!(codec_at(&batches, *offset), *codec, "offset {offset}");
    }
    let out = k.tool_ok(&[
        "kafka-console-consumer",
        "--bootstrap-server",
        &k.plain,
        "--topic",
        &topic,
        "--from-beginning",
        "--max-messages",
        "5",
        "--timeout-ms",
        "20000",
    ]);
    let values: Vec<&str> = out.lines().collect();
    let want: Vec<&str> = published.iter().map(|(_, _, v)| v.as_str()).collect();
    assert_eq!(values, want);
}

/// A compacted topic: a tombstone (null value) is shown as null (∅, "null" in the record),
/// never as the empty string an empty value is; once Kafka's log cleaner has removed the record
/// the tombstone superseded, a tail from the beginning shows exactly what a consumer reads,
/// offset gap included.
#[test]
fn compacted_topic_tombstones_and_the_gaps_compaction_leaves() {
    let Some(k) = setup() else { return };
    let topic = unique("compact");
    k.create_topic(
        &topic,
        1,
        3,
        &[
            ("cleanup.policy", "compact"),
            ("segment.ms", "100"),
            ("min.cleanable.dirty.ratio", "0.01"),
            ("min.compaction.lag.ms", "0"),
        ],
    );
    // Written ten minutes "ago", so that the next record rolls the segment (segment.ms).
    let old = now_ms() - 600_000;
    produce(
        &k.config(),
        &topic,
        &[
            Rec::kv("k1", Some("first")).at(old),
            Rec::kv("k2", Some("")).at(old + 1),
            Rec::kv("k1", None).at(old + 2),
            Rec::kv("k3", Some("third")).at(old + 3),
        ],
    );
    // Kafka's console consumer prints the tombstone as `null`, the empty value as nothing.
    let out = k.tool_ok(&[
        "kafka-console-consumer",
        "--bootstrap-server",
        &k.plain,
        "--topic",
        &topic,
        "--from-beginning",
        "--max-messages",
        "4",
        "--timeout-ms",
        "20000",
        "--formatter-property",
        "print.key=true",
    ]);
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        ["k1\tfirst", "k2\t", "k1\tnull", "k3\tthird"]
    );

    let t = tui(&k, "compact", &format!("-t {topic} --from beginning"));
    let screen = t.wait("the 4 records", SCREEN, |s| all_shown(s, 4));
    let empty = tail_line(&screen, 0, 1).expect("offset 1 shown");
    let tomb = tail_line(&screen, 0, 2).expect("offset 2 shown");
    assert!(empty.ends_with(" k2"), "an empty value is blank: {empty:?}");
    assert!(tomb.ends_with('∅'), "a tombstone is ∅: {tomb:?}");
    // The record view says it in words: null, not 0 bytes of text.
    t.keys(&["g", "j", "Enter"]);
    let s = t.wait("the empty record", SCREEN, |s| {
        s.contains(&format!("record {topic}/0@1"))
    });
    assert!(
        line_with(&s, "value ").is_some_and(|l| l.contains("0 bytes") && !l.contains("null")),
        "{s}"
    );
    t.keys(&["Enter", "j", "Enter"]);
    let s = t.wait("the tombstone record", SCREEN, |s| {
        s.contains(&format!("record {topic}/0@2"))
    });
    assert!(
        line_with(&s, "value ").is_some_and(|l| l.contains("null")),
        "{s}"
    );
    assert!(s.contains("∅ (null)"), "{s}");
    t.keys(&["Enter"]);

    // A newer record rolls the segment; the cleaner drops k1's first value (offset 0).
    produce(&k.config(), &topic, &[Rec::kv("k9", Some("roller"))]);
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    let read = loop {
        let read = read_all(&k.config(), &topic, "read_uncommitted");
        if read.first().is_some_and(|r| r.offset > 0) {
            break read;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never compacted: {read:?}"
        );
        std::thread::sleep(Duration::from_secs(1));
    };
    let offsets: Vec<i64> = read.iter().map(|r| r.offset).collect();
    assert_eq!(offsets, [1, 2, 3, 4], "{read:?}");
    t.esc();
    t.command("from beginning");
    let screen = t.wait("the compacted topic from the beginning", SCREEN, |s| {
        held(s) == Some(4) && tail_line(s, 0, 4).is_some()
    });
    assert!(
        tail_line(&screen, 0, 0).is_none(),
        "offset 0 was compacted away:\n{screen}"
    );
    let tomb = tail_line(&screen, 0, 2).expect("the tombstone stays (delete.retention.ms)");
    assert!(tomb.ends_with('∅'), "{tomb}");
    for r in &read {
        let row = tail_line(&screen, 0, r.offset)
            .unwrap_or_else(|| panic!("offset {}:\n{screen}", r.offset));
        if let Some(v) = r.value.as_deref().filter(|v| !v.is_empty()) {
            assert!(row.ends_with(v), "{row} shows {v}");
        }
    }
    t.quit();
}

/// One committed transaction, one aborted, one committed. With `-X isolation.level=
/// read_committed` the tail shows what Kafka's console consumer shows with
/// `--isolation-level read_committed` (no aborted record), with read_uncommitted what it shows by
/// default; never a transaction marker (the brokers' segments hold three), and the offsets
/// skip over them.
#[test]
fn transactions_aborted_records_and_markers_as_kafka_consumers_see_them() {
    use rdkafka::producer::{FutureProducer, Producer};
    let Some(k) = setup() else { return };
    let topic = unique("txn");
    k.create_topic(&topic, 1, 3, &[]);
    let p = k.transactional_producer("kt-txn");
    let batch = |p: &FutureProducer, names: &[&str], commit: bool| {
        p.begin_transaction().unwrap();
        let recs: Vec<Rec> = names.iter().map(|n| Rec::value(*n)).collect();
        produce_with(p, &topic, &recs);
        if commit {
            p.commit_transaction(WAIT).unwrap();
        } else {
            p.abort_transaction(WAIT).unwrap();
        }
    };
    batch(&p, &["c1-a", "c1-b", "c1-c"], true);
    batch(&p, &["ab-a", "ab-b"], false);
    batch(&p, &["c2-a", "c2-b"], true);
    // The brokers write the last marker just after commit_transaction returns.
    let deadline = std::time::Instant::now() + WAIT;
    let markers = loop {
        let markers: Vec<i64> = k
            .stored_batches(&topic, 0)
            .iter()
            .filter(|b| b.control)
            .map(|b| b.base_offset)
            .collect();
        if markers.len() >= 3 || std::time::Instant::now() > deadline {
            break markers;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(markers, [3, 6, 9], "commit, abort, commit markers");

    let kafka = |isolation: &str| -> Vec<String> {
        let out = k.tool_ok(&[
            "kafka-console-consumer",
            "--bootstrap-server",
            &k.plain,
            "--topic",
            &topic,
            "--from-beginning",
            "--isolation-level",
            isolation,
            "--timeout-ms",
            "8000",
        ]);
        out.lines().map(String::from).collect()
    };
    let committed = kafka("read_committed");
    let uncommitted = kafka("read_uncommitted");
    assert_eq!(committed, ["c1-a", "c1-b", "c1-c", "c2-a", "c2-b"]);
    assert_eq!(
        uncommitted,
        ["c1-a", "c1-b", "c1-c", "ab-a", "ab-b", "c2-a", "c2-b"]
    );

    // The read_committed pass commits one more record, c3-a at offset 10 (after marker 9).
    let mut uncommitted = uncommitted;
    uncommitted.push("c3-a".into());
    for (isolation, want, offsets) in [
        ("read_committed", &committed, vec![0, 1, 2, 7, 8]),
        (
            "read_uncommitted",
            &uncommitted,
            vec![0, 1, 2, 4, 5, 7, 8, 10],
        ),
    ] {
        let t = tui(
            &k,
            &format!("txn-{isolation}"),
            &format!("-X isolation.level={isolation} -t {topic} --from beginning"),
        );
        let n = want.len() as u64;
        let screen = t.wait(&format!("{n} records"), SCREEN, |s| all_shown(s, n));
        let rows = tail_rows(&screen);
        let got: Vec<(i64, String)> = rows.iter().map(|r| (r.offset, r.value.clone())).collect();
        let expect: Vec<(i64, String)> =
            offsets.iter().copied().zip(want.iter().cloned()).collect();
        assert_eq!(got, expect, "{isolation}:\n{screen}");
        // A record committed after the gaps arrives too.
        if isolation == "read_committed" {
            batch(&p, &["c3-a"], true);
            t.wait("the next committed record, after the marker", SCREEN, |s| {
                tail_line(s, 0, 10).is_some_and(|l| l.ends_with("c3-a"))
            });
        }
        t.quit();
    }
}

/// kafka-tui's producer is idempotent by default: the brokers store its batches with a producer
/// id (and with `-X enable.idempotence=false`, without one), each record once.
#[test]
fn idempotent_producer_is_idempotent_on_the_brokers() {
    let Some(k) = setup() else { return };
    let topic = unique("idem");
    k.create_topic(&topic, 1, 3, &[]);
    let mut offsets = Vec::new();
    for (flag, tag) in [("", "idem"), ("-X enable.idempotence=false", "plain")] {
        let t = tui(&k, &format!("idem-{tag}"), &format!("{flag} -t {topic}"));
        t.keys(&["3"]);
        for i in 0..3 {
            let (_, o) = publish(&t, &format!("{tag}-{i}"), SCREEN);
            offsets.push((o, tag));
        }
        t.quit();
    }
    let batches = k.stored_batches(&topic, 0);
    for (o, tag) in &offsets {
        let b = batches
            .iter()
            .find(|b| b.base_offset <= *o && *o <= b.last_offset)
            .unwrap();
        assert_eq!(
            b.producer_id >= 0,
            *tag == "idem",
            "offset {o} ({tag}): {b:?}"
        );
    }
    let read: Vec<String> = read_all(&k.config(), &topic, "read_committed")
        .into_iter()
        .filter_map(|s| s.value)
        .collect();
    assert_eq!(
        read,
        ["idem-0", "idem-1", "idem-2", "plain-0", "plain-1", "plain-2"]
    );
}

/// `--from 2h` starts each partition at the offset Kafka finds for that time
/// (`kafka-get-offsets --time`).
#[test]
fn tail_from_a_time_ago_starts_where_kafka_finds_that_time() {
    let Some(k) = setup() else { return };
    let topic = unique("ago");
    k.create_topic(&topic, 2, 3, &[]);
    let now = now_ms();
    let mut recs = Vec::new();
    for p in 0..2 {
        for i in 0..4 {
            let ts = if i < 2 {
                now - 3 * 3_600_000
            } else {
                now - 3_600_000
            };
            recs.push(Rec::value(format!("p{p}-{i}")).to(p).at(ts + i64::from(i)));
        }
    }
    produce(&k.config(), &topic, &recs);
    let at = now - 2 * 3_600_000;
    let out = k.tool_ok(&[
        "kafka-get-offsets",
        "--bootstrap-server",
        &k.node_addr(1),
        "--topic",
        &topic,
        "--time",
        &at.to_string(),
    ]);
    let mut starts: Vec<(i32, i64)> = out
        .lines()
        .filter_map(|l| {
            let mut w = l.split(':').skip(1);
            Some((w.next()?.parse().ok()?, w.next()?.parse().ok()?))
        })
        .collect();
    starts.sort();
    assert_eq!(starts, [(0, 2), (1, 2)], "{out}");
    let t = tui(&k, "ago", &format!("-t {topic} --from 2h"));
    let screen = t.wait("the 4 records after the time", SCREEN, |s| all_shown(s, 4));
    let mut got: Vec<(i32, i64)> = tail_rows(&screen)
        .iter()
        .map(|r| (r.partition, r.offset))
        .collect();
    got.sort();
    assert_eq!(got, [(0, 2), (0, 3), (1, 2), (1, 3)], "{screen}");
    t.quit();
}

/// The Topics pane's count column says what it counts. On a topic with one committed
/// transaction of 3 records, Kafka's consumers read 3 records and the offsets run to 4 (the
/// 4th is the commit marker). The test asked first that the column count 3 (bug 7 of
/// docs/kafka-vs-tui-bugs.md); no Kafka API counts records without reading them all, so it
/// now asks that the column be labelled "Offsets" and hold high − low, as kafka-get-offsets
/// reports it, rather than call 4 "Records".
#[test]
fn count_column_is_labelled_offsets_and_holds_high_minus_low() {
    use rdkafka::producer::Producer;
    let Some(k) = setup() else { return };
    let topic = unique("count");
    k.create_topic(&topic, 1, 3, &[]);
    let p = k.transactional_producer("kt-count");
    p.begin_transaction().unwrap();
    produce_with(
        &p,
        &topic,
        &[Rec::value("a"), Rec::value("b"), Rec::value("c")],
    );
    p.commit_transaction(WAIT).unwrap();
    let readable = read_all(&k.config(), &topic, "read_uncommitted").len();
    assert_eq!(readable, 3);
    let t = tui(&k, "count", "");
    filter_topics(&t, &topic);
    let count_of =
        |s: &str| -> Option<u64> { topic_row(s, &topic)?[2].replace(',', "").parse().ok() };
    let screen = t.wait("the topic's row with a count", SCREEN, |s| {
        count_of(s).is_some()
    });
    t.quit();
    let row = topic_row(&screen, &topic).unwrap().join(" ");
    let count = count_of(&screen).unwrap();
    let offsets: i64 = watermarks(&k.config(), &topic)
        .iter()
        .map(|(lo, hi)| hi - lo)
        .sum();
    assert_eq!(offsets, 4, "3 records and the commit marker");
    assert_eq!(count, offsets as u64, "{row}");
    assert!(
        // The Topics pane's header row: Name, Parts, Offsets (and Size, where known).
        screen.lines().any(|l| {
            let left = l.split("││").next().unwrap_or("");
            left.contains("Name") && left.split(['│', ' ']).any(|w| w == "Offsets")
        }) && !screen.contains("Records"),
        "the column says what it counts:\n{screen}"
    );
}

/// A topic of 2 partitions x 3 replicas with 300 records, and its bytes on disk over all
/// replicas as Kafka's own tool (`kafka-log-dirs --describe`) says, as kafka-tui labels it.
fn topic_on_disk(k: &Kafka, prefix: &str) -> (String, String) {
    let topic = unique(prefix);
    k.create_topic(&topic, 2, 3, &[]);
    let recs: Vec<Rec> = (0..300)
        .map(|i| Rec::value(format!("{i:04} {}", "x".repeat(200))))
        .collect();
    produce(&k.config(), &topic, &recs);
    let out = k.tool_ok(&[
        "kafka-log-dirs",
        "--bootstrap-server",
        &k.node_addr(1),
        "--describe",
        "--topic-list",
        &topic,
    ]);
    let json = out
        .lines()
        .find(|l| l.starts_with('{'))
        .unwrap_or_else(|| panic!("no JSON from kafka-log-dirs:\n{out}"));
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut kafka_bytes = 0u64;
    let mut replicas = 0;
    for b in v["brokers"].as_array().unwrap() {
        for d in b["logDirs"].as_array().unwrap() {
            for p in d["partitions"].as_array().unwrap() {
                if p["partition"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("{topic}-"))
                {
                    kafka_bytes += p["size"].as_u64().unwrap();
                    replicas += 1;
                }
            }
        }
    }
    assert_eq!(replicas, 6, "2 partitions x 3 replicas: {json}");
    assert!(kafka_bytes > 300 * 200 * 3, "{kafka_bytes}");
    (topic, kafka_tui::text::bytes_label(kafka_bytes))
}

/// The Size column of `topic` and its topic detail show `want`.
fn sees_size_on_disk(t: &Tui, topic: &str, want: &str) {
    filter_topics(t, topic);
    let screen = t.wait("the topic's size on disk", SCREEN, |s| {
        topic_row(s, topic).is_some_and(|r| r.join(" ").ends_with(want))
    });
    assert!(screen.contains(" Size│"), "{screen}");
    t.keys(&["d"]);
    t.wait("the size in the topic detail", SCREEN, |s| {
        s.contains(&format!("size on disk: {want} over all replicas"))
    });
}

/// Size on disk: DescribeLogDirs (librdkafka lacks it; kafka-tui asks each broker itself). The
/// Topics pane's Size column and the topic detail say what `kafka-log-dirs --describe` says,
/// every replica summed (3 replicas here).
#[test]
fn size_on_disk_is_what_kafka_log_dirs_says() {
    let Some(k) = setup() else { return };
    let (topic, want) = topic_on_disk(&k, "disk");
    let t = tui(&k, "disk", "");
    sees_size_on_disk(&t, &topic, &want);
    t.quit();
}

/// The same sizes over the SASL_PLAINTEXT listener (SCRAM-SHA-512 as alice) and over the SSL
/// listener (the peer's CA), where kafka-tui's own connection logs in and checks the
/// certificate as librdkafka's do.
#[test]
fn size_on_disk_over_scram_and_tls() {
    let Some(k) = setup() else { return };
    let (topic, want) = topic_on_disk(&k, "dsec");
    let flags = [
        ("disk-scram", scram_flags(&k, "alice", &alice_password())),
        (
            "disk-tls",
            format!(
                "-b {} -X security.protocol=SSL -X ssl.ca.location={}",
                k.ssl, k.ca
            ),
        ),
    ];
    for (name, flags) in flags {
        let t = Tui::start(name, "", &flags, 140, 40);
        t.wait("connected", SCREEN, |s| s.contains("connected, 3 brokers"));
        sees_size_on_disk(&t, &topic, &want);
        t.quit();
    }
}

// ------------------------------------------------------------------------------- security

const PW_VAR: &str = "KT_REF_SCRAM_PASSWORD";

fn scram_flags(k: &Kafka, user: &str, password: &str) -> String {
    format!(
        "-b {} -X security.protocol=SASL_PLAINTEXT -X sasl.mechanisms=SCRAM-SHA-512 \
         -X sasl.username={user} -X sasl.password={password}",
        k.sasl
    )
}

fn alice_password() -> String {
    std::env::var("KAFKA_TUI_KAFKA_PASSWORD").expect("KAFKA_TUI_KAFKA_PASSWORD")
}

/// What Kafka's console consumer, logged in as alice, reads from `topic`.
fn read_as_alice(k: &Kafka, topic: &str, n: usize) -> Vec<String> {
    let cfg = k.clients.join("alice.properties");
    let out = k.tool_ok(&[
        "kafka-console-consumer",
        "--bootstrap-server",
        &k.sasl,
        "--command-config",
        &cfg.display().to_string(),
        "--topic",
        topic,
        "--from-beginning",
        "--max-messages",
        &n.to_string(),
        "--timeout-ms",
        "20000",
    ]);
    out.lines().map(String::from).collect()
}

/// SCRAM-SHA-512 as alice, the password from the environment (`-X sasl.password=@env:VAR`):
/// connected to the 3 brokers, kt-secret listed, a record published to it and tailed, read
/// back by Kafka's console consumer logged in as alice; the password never on screen or in the
/// log.
#[test]
fn scram_with_the_password_from_the_environment() {
    let Some(k) = setup() else { return };
    let pw = alice_password();
    let secret = std::env::var("KAFKA_TUI_KAFKA_SECRET_TOPIC").unwrap();
    let t = Tui::start(
        "scram-env",
        &format!("{PW_VAR}={pw}"),
        &format!(
            "{} -t {secret} --from beginning",
            scram_flags(&k, "alice", &format!("@env:{PW_VAR}"))
        ),
        140,
        40,
    );
    t.wait("connected over SCRAM", SCREEN, |s| {
        s.contains("connected, 3 brokers")
    });
    filter_topics(&t, &secret);
    t.wait("kt-secret listed: alice may describe it", SCREEN, |s| {
        topic_names(s).contains(&secret)
    });
    t.keys(&["3"]);
    let value = unique("alice-env");
    let (p, o) = publish(&t, &value, SCREEN);
    t.wait("the record in the tail", SCREEN, |s| {
        tail_line(s, p, o).is_some_and(|l| l.ends_with(&value))
    });
    let screen = t.screen();
    t.quit();
    assert!(!screen.contains(&pw), "{screen}");
    assert!(
        !t.log().contains(&pw),
        "the password reached kafka-tui's log"
    );
    let read = read_as_alice(&k, &secret, 1000);
    assert!(read.contains(&value), "alice reads {read:?}");
}

/// The same login from a properties file (`-F`, `${VAR}` for the password) and from a named
/// cluster of the config file (`"${VAR}"` in its properties).
#[test]
fn scram_from_a_properties_file_and_from_the_config_file() {
    let Some(k) = setup() else { return };
    let pw = alice_password();
    let secret = std::env::var("KAFKA_TUI_KAFKA_SECRET_TOPIC").unwrap();
    let topic = unique("scramf");
    k.create_topic(&topic, 1, 3, &[]);
    let value = unique("via-file");
    produce(&k.config(), &topic, &[Rec::value(&value)]);
    let dir = tempfile::tempdir().unwrap();
    let props = dir.path().join("client.properties");
    std::fs::write(
        &props,
        format!(
            "security.protocol=SASL_PLAINTEXT\nsasl.mechanisms=SCRAM-SHA-512\n\
             sasl.username=alice\nsasl.password=${{{PW_VAR}}}\n"
        ),
    )
    .unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[clusters.secure]\nbootstrap = \"{}\"\n[clusters.secure.properties]\n\
             \"security.protocol\" = \"SASL_PLAINTEXT\"\n\"sasl.mechanism\" = \"SCRAM-SHA-512\"\n\
             \"sasl.username\" = \"alice\"\n\"sasl.password\" = \"${{{PW_VAR}}}\"\n",
            k.sasl
        ),
    )
    .unwrap();
    for (name, env, args) in [
        (
            "scram-file",
            format!("{PW_VAR}={pw}"),
            format!("-b {} -F {}", k.sasl, props.display()),
        ),
        (
            "scram-config",
            format!("{PW_VAR}={pw} KAFKA_TUI_CONFIG={}", config.display()),
            "--cluster secure".to_string(),
        ),
    ] {
        let t = Tui::start(
            name,
            &env,
            &format!("{args} -t {topic} --from beginning"),
            140,
            40,
        );
        let screen = t.wait(
            "connected, kt-secret listed, the record tailed",
            SCREEN,
            |s| {
                s.contains("connected, 3 brokers")
                    && tail_line(s, 0, 0).is_some_and(|l| l.ends_with(&value))
            },
        );
        filter_topics(&t, &secret);
        t.wait("kt-secret listed", SCREEN, |s| {
            topic_names(s).contains(&secret)
        });
        assert!(!screen.contains(&pw), "{name}: {screen}");
        t.quit();
        assert!(
            !t.log().contains(&pw),
            "{name}: the password reached the log"
        );
    }
}

/// A wrong password: Kafka says "invalid credentials"; kafka-tui says authentication failed
/// with that reason, not the password, and keeps retrying with the UI usable.
#[test]
fn scram_with_a_wrong_password_says_authentication_failed() {
    let Some(k) = setup() else { return };
    let wrong = "not-alices-Pa55word";
    let t = Tui::start("scram-wrong", "", &scram_flags(&k, "alice", wrong), 250, 40);
    // Kafka's reason, "due to invalid credentials", shows in the Topics pane (wrapped there).
    let screen = t.wait("the authentication failure and its reason", SCREEN, |s| {
        s.contains("disconnected, retrying")
            && s.contains("authentication failed")
            && s.contains("invalid")
            && s.contains("credentials")
    });
    assert!(screen.contains("SCRAM-SHA-512"), "{screen}");
    assert!(!screen.contains(wrong), "{screen}");
    t.keys(&["?"]);
    t.wait("the help screen: the UI works", SCREEN, |s| {
        s.contains("Keys (Esc closes")
    });
    t.quit();
    assert!(!t.log().contains(wrong), "the password reached the log");
}

/// TLS with the test CA: connected to the 3 brokers' SSL listeners, a record published and
/// tailed; without the CA, the certificate is not trusted and kafka-tui says so.
#[test]
fn ssl_with_the_ca_works_and_without_it_the_certificate_is_untrusted() {
    let Some(k) = setup() else { return };
    let topic = unique("tls");
    k.create_topic(&topic, 1, 3, &[]);
    let t = Tui::start(
        "tls",
        "",
        &format!(
            "-b {} -X security.protocol=SSL -X ssl.ca.location={} -t {topic}",
            k.ssl, k.ca
        ),
        140,
        40,
    );
    t.wait("connected over TLS", SCREEN, |s| {
        s.contains("connected, 3 brokers")
            && s.contains(&k.ssl.split(',').next().unwrap().to_string())
    });
    t.keys(&["3"]);
    let value = unique("over-tls");
    let (p, o) = publish(&t, &value, SCREEN);
    t.wait("the record in the tail", SCREEN, |s| {
        tail_line(s, p, o).is_some_and(|l| l.ends_with(&value))
    });
    t.quit();
    assert_eq!(
        read_all(&k.config(), &topic, "read_uncommitted")
            .iter()
            .filter_map(|s| s.value.clone())
            .collect::<Vec<_>>(),
        [value]
    );

    let t = Tui::start(
        "tls-untrusted",
        "",
        &format!("-b {} -X security.protocol=SSL", k.ssl),
        250,
        40,
    );
    let screen = t.wait("the untrusted certificate", SCREEN, |s| {
        s.contains("disconnected, retrying") && s.contains("certificate verify failed")
    });
    assert!(screen.contains("SSL handshake failed"), "{screen}");
    t.quit();
}

/// bob has no right on kt-secret (a DENY ACL). Kafka hides the topic from his listing; his
/// record to it is refused with Kafka's "Topic authorization failed"; the rest works: his own
/// topic is listed, tailed and written to.
#[test]
fn restricted_user_is_refused_kt_secret_and_the_rest_works() {
    let Some(k) = setup() else { return };
    let secret = std::env::var("KAFKA_TUI_KAFKA_SECRET_TOPIC").unwrap();
    let bob_pw = std::env::var("KAFKA_TUI_KAFKA_RESTRICTED_PASSWORD").unwrap();
    let topic = unique("bobs");
    k.create_topic(&topic, 1, 3, &[]);
    let t = Tui::start(
        "bob",
        "",
        &format!("{} -t {topic}", scram_flags(&k, "bob", &bob_pw)),
        200,
        40,
    );
    t.wait("connected as bob", SCREEN, |s| {
        s.contains("connected, 3 brokers")
    });
    filter_topics(&t, &secret);
    let screen = t.wait("the list filtered by kt-secret", SCREEN, |s| {
        s.contains("Topics 0/") && s.contains(&format!("/{secret} "))
            || topic_names(s).contains(&secret)
    });
    assert!(
        topic_names(&screen).is_empty(),
        "Kafka hides kt-secret from bob:\n{screen}"
    );
    filter_topics(&t, &topic);
    t.wait("his own topic listed", SCREEN, |s| {
        topic_names(s).contains(&topic)
    });
    t.keys(&["3"]);
    let value = unique("bob-ok");
    let (p, o) = publish(&t, &value, SCREEN);
    t.wait("his record in the tail", SCREEN, |s| {
        tail_line(s, p, o).is_some_and(|l| l.ends_with(&value))
    });
    // To kt-secret: refused, the text kept.
    t.esc();
    t.command(&format!("tail {secret}"));
    t.keys(&["3"]);
    t.text("bob-was-here");
    t.keys(&["C-s"]);
    let screen = t.wait("the refusal", SCREEN, |s| s.contains("not delivered to"));
    assert!(screen.contains("Topic authorization failed"), "{screen}");
    t.quit();
}

/// bob tails kt-secret: Kafka answers TOPIC_AUTHORIZATION_FAILED (its console consumer says
/// "Topic authorization failed for topics [kt-secret]"); the Tail pane must say he is not
/// authorized, not that the topic does not exist yet.
#[test]
fn restricted_user_tailing_kt_secret_is_told_not_authorized() {
    let Some(k) = setup() else { return };
    let secret = std::env::var("KAFKA_TUI_KAFKA_SECRET_TOPIC").unwrap();
    let bob_pw = std::env::var("KAFKA_TUI_KAFKA_RESTRICTED_PASSWORD").unwrap();
    let mut bob = config(&k.sasl);
    bob.set("security.protocol", "SASL_PLAINTEXT")
        .set("sasl.mechanisms", "SCRAM-SHA-512")
        .set("sasl.username", "bob")
        .set("sasl.password", &bob_pw);
    assert_eq!(
        topic_error(&bob, &secret),
        Some(rdkafka::types::RDKafkaErrorCode::TopicAuthorizationFailed)
    );
    let t = Tui::start(
        "bob-tail",
        "",
        &format!(
            "{} -t {secret} --from beginning",
            scram_flags(&k, "bob", &bob_pw)
        ),
        140,
        40,
    );
    let screen = t.wait("the tail's verdict on kt-secret", SCREEN, |s| {
        s.contains("connected, 3 brokers")
            && tail_line(s, 0, 0).is_none()
            && s.contains(&format!("\"{secret}\""))
    });
    t.quit();
    let said = line_with(&screen, &format!("\"{secret}\"")).unwrap_or_default();
    assert!(
        said.to_lowercase().contains("not authorized"),
        "the Tail pane says: {said}"
    );
}

/// At the README's 120x36, the producer's delivery error is cut before its reason: bob
/// publishing to kt-secret sees "Message production error:" and not why.
#[test]
fn producer_error_reason_is_on_screen_at_120x36() {
    let Some(k) = setup() else { return };
    let secret = std::env::var("KAFKA_TUI_KAFKA_SECRET_TOPIC").unwrap();
    let bob_pw = std::env::var("KAFKA_TUI_KAFKA_RESTRICTED_PASSWORD").unwrap();
    let t = Tui::start(
        "bob-120",
        "",
        &format!("{} -t {secret}", scram_flags(&k, "bob", &bob_pw)),
        120,
        36,
    );
    t.wait("connected", SCREEN, |s| s.contains("connected, 3 brokers"));
    t.keys(&["3"]);
    t.text("x");
    t.keys(&["C-s"]);
    let screen = t.wait("the refusal", SCREEN, |s| s.contains("not delivered to"));
    t.quit();
    assert!(
        screen.contains("authorization"),
        "the reason is not on screen:\n{screen}"
    );
}

/// Publishing to a topic that does not exist creates it (`auto.create.topics.enable`, on by
/// default) with the brokers' `num.partitions` (1) and `default.replication.factor` (3), as
/// for any producer; creating an existing topic is refused with Kafka's TopicAlreadyExists.
#[test]
fn publishing_to_a_new_topic_creates_it_and_creating_it_again_is_refused() {
    let Some(k) = setup() else { return };
    let topic = unique("auto");
    let t = tui(&k, "auto", &format!("-t {topic}"));
    t.wait("the tail waiting for the topic", SCREEN, |s| {
        s.contains("does not exist (yet)")
    });
    t.keys(&["3"]);
    let (p, o) = publish(&t, "creates-it", SCREEN);
    assert_eq!((p, o), (0, 0));
    t.wait("the record in the tail", SCREEN, |s| {
        tail_line(s, 0, 0).is_some_and(|l| l.ends_with("creates-it"))
    });
    let kafka_says = k.describe_with_kafka_topics(&topic);
    assert_eq!(kafka_says.len(), 1, "{kafka_says:?}");
    assert_eq!(kafka_says[0].2.len(), 3, "{kafka_says:?}");
    t.esc();
    t.command("create");
    t.wait("the create dialog", SCREEN, |s| s.contains("Create topic"));
    t.text(&topic);
    t.keys(&["Enter"]);
    t.wait("Kafka's refusal", SCREEN, |s| {
        s.contains(&format!("create topic {topic}: TopicAlreadyExists"))
    });
    t.quit();
}

/// `--read-only` on the real cluster: publishing, creating, configs, partitions, deleting a
/// topic, resetting and deleting a group are each refused on screen, and Kafka's tools find
/// the cluster as it was.
#[test]
fn read_only_refuses_every_write_and_kafka_finds_nothing_changed() {
    let Some(k) = setup() else { return };
    let topic = unique("ro");
    let group = unique("ro-g");
    k.create_topic(&topic, 1, 3, &[]);
    produce(&k.config(), &topic, &[Rec::value("before")]);
    {
        let mut java = k.spawn_tool(&[
            "kafka-console-consumer",
            "--bootstrap-server",
            &k.plain,
            "--topic",
            &topic,
            "--group",
            &group,
            "--from-beginning",
        ]);
        java.wait_lines("the record", Duration::from_secs(60), |l| !l.is_empty());
        java.stop();
    }
    let t = tui(&k, "ro", &format!("--read-only -t {topic}"));
    t.wait("READ-ONLY in the header", SCREEN, |s| {
        s.contains("READ-ONLY")
    });
    t.keys(&["3"]);
    t.text("must-not-land");
    t.keys(&["C-s"]);
    t.wait("publishing refused", SCREEN, |s| {
        s.contains("read-only: publishing is disabled")
    });
    t.esc();
    let refused = |what: &str| {
        t.wait(&format!("{what} refused"), SCREEN, |s| {
            s.contains(&format!("read-only: {what} is disabled"))
        });
    };
    t.command("create");
    refused("creating topics");
    describe(&t, &topic);
    t.keys(&["e"]);
    refused("changing configs");
    t.keys(&["p"]);
    refused("adding partitions");
    t.keys(&["C-d"]);
    refused("deleting topics");
    t.esc();
    t.command(&format!("group {group}"));
    t.wait("the group", SCREEN, |s| s.contains("state Empty"));
    t.keys(&["R"]);
    refused("resetting offsets");
    t.keys(&["C-d"]);
    refused("deleting groups");
    t.quit();

    let kafka_says = k.describe_with_kafka_topics(&topic);
    assert_eq!(kafka_says.len(), 1, "{kafka_says:?}");
    assert!(kafka_topic_overrides(&k, &topic).is_empty());
    let read: Vec<String> = read_all(&k.config(), &topic, "read_uncommitted")
        .into_iter()
        .filter_map(|s| s.value)
        .collect();
    assert_eq!(read, ["before"]);
    assert_eq!(kafka_group_offsets(&k, &group, &topic), vec![(0, 1, 1, 0)]);
}

/// The partition leader epoch of each batch of `topic`/`partition` as the brokers stored it
/// (bytes 12..16 of a v2 batch header), by (base offset, last offset), from the segment files
/// of a node that holds a replica.
fn stored_leader_epochs(k: &Kafka, topic: &str, partition: i32) -> Vec<(i64, i64, i32)> {
    let dir = (1..=3)
        .map(|id| {
            k.peers_dir
                .join(format!("kraft-{id}/data/{topic}-{partition}"))
        })
        .find(|d| d.is_dir())
        .expect("a node holds the partition");
    let mut logs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    logs.sort();
    let mut out = Vec::new();
    for log in logs {
        let b = std::fs::read(&log).unwrap();
        let i64_at = |p: usize| i64::from_be_bytes(b[p..p + 8].try_into().unwrap());
        let i32_at = |p: usize| i32::from_be_bytes(b[p..p + 4].try_into().unwrap());
        let mut pos = 0;
        while pos + 61 <= b.len() {
            let len = i32_at(pos + 8);
            if len <= 0 || pos + 12 + len as usize > b.len() {
                break;
            }
            assert_eq!(b[pos + 16], 2, "message format v2 in {}", log.display());
            let base = i64_at(pos);
            out.push((base, base + i64::from(i32_at(pos + 23)), i32_at(pos + 12)));
            pos += 12 + len as usize;
        }
    }
    out
}

/// Waits until Kafka's own `kafka-topics --describe` names `leader` as partition 0's leader.
fn wait_for_leader(k: &Kafka, topic: &str, leader: i32) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let says = k.describe_with_kafka_topics(topic);
        if says.first().is_some_and(|(_, l, _, _)| *l == leader) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "node {leader} does not lead {topic}-0: {says:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Issue 12.4: each consumed record carries the partition leader epoch it was written in, as
/// the brokers stored it in its batch (`Some`, at least 0), and a record written after the
/// leadership moved carries the new one. The record detail of the real binary shows it.
#[test]
fn records_carry_the_leader_epoch_the_brokers_stored() {
    use kafka_tui::kafka::api::{KafkaEvent, TailRequest};
    use kafka_tui::kafka::client::ClientSettings;
    use kafka_tui::kafka::tail::spawn_tail;
    use kafka_tui::model::StartFrom;

    let Some(k) = setup() else { return };
    let topic = unique("kt-epoch");
    // Node 1 leads first (the first replica of the assignment).
    k.tool_ok(&[
        "kafka-topics",
        "--bootstrap-server",
        &k.node_addr(1),
        "--create",
        "--topic",
        &topic,
        "--replica-assignment",
        "1:2:3",
    ]);
    wait_for_leader(&k, &topic, 1);
    produce(&k.config(), &topic, &[Rec::value("under-node-1").to(0)]);
    // Then node 2: first in the replica list, and elected as the preferred leader.
    let plan = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        plan.path(),
        format!(
            r#"{{"version":1,"partitions":[{{"topic":"{topic}","partition":0,"replicas":[2,1,3]}}]}}"#
        ),
    )
    .unwrap();
    let plan = plan.path().to_str().unwrap();
    let reassign = |action: &str| {
        k.tool_ok(&[
            "kafka-reassign-partitions",
            "--bootstrap-server",
            &k.node_addr(1),
            "--reassignment-json-file",
            plan,
            action,
        ])
    };
    reassign("--execute");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let out = reassign("--verify");
        if out.contains("is completed") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{out}");
    }
    // It may say that node 2 was elected already (the controller's own rebalance).
    k.tool(&[
        "kafka-leader-election",
        "--bootstrap-server",
        &k.node_addr(1),
        "--election-type",
        "PREFERRED",
        "--topic",
        &topic,
        "--partition",
        "0",
    ]);
    wait_for_leader(&k, &topic, 2);
    produce(&k.config(), &topic, &[Rec::value("under-node-2").to(0)]);

    let stored = stored_leader_epochs(&k, &topic, 0);
    let epoch_at = |offset: i64| {
        stored
            .iter()
            .find(|(a, b, _)| (*a..=*b).contains(&offset))
            .map(|(_, _, e)| *e)
            .unwrap_or_else(|| panic!("no batch holds offset {offset}: {stored:?}"))
    };
    let (before, after) = (epoch_at(0), epoch_at(1));
    assert!(before >= 0 && after > before, "{stored:?}");

    // The tail reads both records, each with the epoch of its batch.
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let tail = spawn_tail(
        &ClientSettings::new(&k.plain),
        TailRequest {
            topics: topic.as_str().into(),
            start: StartFrom::Beginning,
            generation: 1,
            ..Default::default()
        },
        tx,
    )
    .unwrap();
    let mut records = Vec::new();
    let deadline = std::time::Instant::now() + SCREEN;
    while records.len() < 2 {
        match rx.try_recv() {
            Ok(KafkaEvent::Records { records: r, .. }) => records.extend(r),
            Ok(_) => {}
            Err(tokio::sync::mpsc::error::TryRecvError::Empty) => {
                assert!(
                    std::time::Instant::now() < deadline,
                    "the tail read {records:?}"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("the tail stopped: {e}"),
        }
    }
    tail.stop();
    let got: Vec<(i64, Option<i32>)> = records.iter().map(|r| (r.offset, r.leader_epoch)).collect();
    assert_eq!(got, [(0, Some(before)), (1, Some(after))], "{stored:?}");

    // The record detail shows the newest record's.
    let t = tui(&k, "epoch", &format!("-t {topic} --from beginning"));
    t.wait("the 2 records held", SCREEN, |s| held(s) == Some(2));
    t.keys(&["2", "End", "Enter"]);
    t.wait("the record detail with its leader epoch", SCREEN, |s| {
        s.contains(&format!("record {topic}/0@1"))
            && s.contains(&format!("offset 1  leader epoch {after}"))
    });
    t.quit();
}
