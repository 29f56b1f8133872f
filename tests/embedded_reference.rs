//! The scenarios of tests/apache_kafka.rs run on the embedded broker (kafka-tui with no `-b`,
//! librdkafka's mock cluster), data made and read with rdkafka at its `--listen` address.
//! Where it behaves differently from Apache Kafka, the test pins what kafka-tui shows today and
//! whether the UI says so; docs/embedded-vs-kafka.md lists each difference, what a user of the
//! embedded mode misses, and the test that shows it.
//!
//! Only tmux is needed (no peer); locally without tmux the tests print why they skip.

mod common;
mod kafka_ref;

use std::time::Duration;

use kafka_ref::*;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::producer::{FutureProducer, Producer};
use rdkafka::{Offset, TopicPartitionList};

const SCREEN: Duration = Duration::from_secs(20);

/// kafka-tui on its embedded broker, reachable at the returned address.
fn embedded(name: &str, args: &str) -> Option<(Tui, String)> {
    if no_tmux() {
        return None;
    }
    let addr = format!("127.0.0.1:{}", common::free_port());
    let t = Tui::start(
        name,
        "",
        &format!("--listen {addr} --no-demo {args}"),
        140,
        40,
    );
    t.wait("the embedded broker up", SCREEN, |s| {
        s.contains("connected, 1 broker") && s.contains(&format!("embedded broker {addr}"))
    });
    Some((t, addr))
}

fn create_1p(t: &Tui, topic: &str) {
    t.command("create");
    t.wait("the create dialog", SCREEN, |s| s.contains("Create topic"));
    t.text(topic);
    t.keys(&["Tab"]);
    t.text("1");
    t.keys(&["Enter"]);
    t.wait("created", SCREEN, |s| {
        s.contains(&format!("created topic {topic}"))
    });
}

/// Create with replication 3 and configs: created with one replica, the configs dropped, and
/// the message says so. Configs, partitions and delete are refused with a message naming the
/// missing API (Kafka does all four).
#[test]
fn topic_admin_creates_without_replication_or_configs_and_refuses_the_rest() {
    let Some((t, _)) = embedded("e-admin", "") else {
        return;
    };
    let topic = unique("e-admin");
    t.command("create");
    t.wait("the create dialog", SCREEN, |s| s.contains("Create topic"));
    t.text(&topic);
    t.keys(&["Tab"]);
    t.text("3");
    t.keys(&["Tab"]);
    t.text("3");
    t.keys(&["Tab"]);
    t.text("cleanup.policy=compact");
    t.keys(&["Enter"]);
    t.wait("created, with the caveat", SCREEN, |s| {
        s.contains(&format!("created topic {topic}"))
            && s.contains("ignores replication and configs")
    });
    describe(&t, &topic);
    let screen = t.wait("the detail: 3 partitions of one replica", SCREEN, |s| {
        s.contains("3 partitions")
    });
    for p in 0..3 {
        // partition, leader, replicas, isr as words: the columns are sized to their content.
        let row = format!(" {p} 1 1 1 ");
        let found = screen.lines().any(|l| {
            let words: Vec<&str> = l.split(['│', ' ']).filter(|w| !w.is_empty()).collect();
            format!(" {} ", words.join(" ")).contains(&row)
        });
        assert!(found, "{row:?}:\n{screen}");
    }
    t.wait("configs refused in the view", SCREEN, |s| {
        s.contains("cannot show or change topic configs")
    });
    t.keys(&["e"]);
    t.text("retention.ms=1000");
    t.keys(&["Enter"]);
    t.wait("alter refused", SCREEN, |s| {
        s.lines()
            .last()
            .is_some_and(|l| l.contains("cannot show or change topic configs"))
    });
    t.keys(&["p"]);
    t.text("5");
    t.keys(&["Enter"]);
    t.wait("partitions refused", SCREEN, |s| {
        s.contains("cannot add partitions")
    });
    t.keys(&["C-d"]);
    t.text(&topic);
    t.keys(&["Enter"]);
    t.wait("delete refused", SCREEN, |s| {
        s.contains("cannot delete topics")
    });
    t.quit();
}

/// A real consumer group works on the embedded broker (it joins and commits), but `:groups`
/// cannot list it and says why: no lag, no reset, no delete in embedded mode.
#[test]
fn a_consumer_group_works_but_groups_cannot_be_listed() {
    let Some((t, addr)) = embedded("e-groups", "") else {
        return;
    };
    let topic = unique("e-grp");
    create_1p(&t, &topic);
    produce(
        &config(&addr),
        &topic,
        &[Rec::value("g1"), Rec::value("g2")],
    );
    let group = unique("e-group");
    let c: BaseConsumer = config(&addr)
        .set("group.id", &group)
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        .create()
        .unwrap();
    c.subscribe(&[&topic]).unwrap();
    let deadline = std::time::Instant::now() + WAIT;
    let mut n = 0;
    while n < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "the group consumer read {n} records"
        );
        if let Some(Ok(_)) = c.poll(Duration::from_millis(200)) {
            n += 1;
        }
    }
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset(&topic, 0, Offset::Offset(2))
        .unwrap();
    c.commit(&tpl, CommitMode::Sync)
        .expect("the mock takes the commit");
    t.command("groups");
    t.wait("the refusal", SCREEN, |s| {
        s.contains("cannot list or describe consumer groups")
    });
    t.command(&format!("group {group}"));
    t.wait("the refusal for one group too", SCREEN, |s| {
        s.contains("cannot list or describe consumer groups")
    });
    // Streams applications are found from the groups: the view says why it finds none.
    t.command("streams");
    t.wait("the Streams view's refusal", SCREEN, |s| {
        s.contains("cannot list consumer groups, so no Streams")
    });
    t.quit();
}

/// `:brokers`: one broker at the listen address, no rack. The mock answers controller 0, which
/// is not a broker of this cluster: the view says the embedded broker has no controller
/// instead of showing that 0.
#[test]
fn brokers_view_shows_one_broker_and_says_there_is_no_controller() {
    let Some((t, addr)) = embedded("e-brokers", "") else {
        return;
    };
    t.command("brokers");
    let screen = t.wait("the cluster view", SCREEN, |s| s.contains("cluster id"));
    assert!(screen.contains(&format!("     1  {addr}")), "{screen}");
    let controller = line_with(&screen, "│controller  ").unwrap_or_default();
    assert!(
        controller.contains("the embedded broker") && controller.contains("no controller"),
        "{controller}"
    );
    assert_ne!(
        controller.split_whitespace().nth(1),
        Some("0"),
        "the mock's 0 is no broker:\n{screen}"
    );
    assert!(
        !screen.contains("(controller)"),
        "no listed broker is it:\n{screen}"
    );
    t.quit();
}

/// Records of every codec and a tombstone are shown as on Kafka; kafka-tui's producer with
/// `-X compression.type=zstd` and `-X enable.idempotence=true` delivers.
#[test]
fn codecs_tombstones_and_producer_flags_work_as_on_kafka() {
    let Some((t, addr)) = embedded(
        "e-codecs",
        "-X compression.type=zstd -X enable.idempotence=true",
    ) else {
        return;
    };
    let topic = unique("e-codec");
    create_1p(&t, &topic);
    t.command(&format!("tail {topic} beginning"));
    t.wait("the tail live", SCREEN, |s| {
        s.contains("waiting for records")
    });
    for codec in ["none", "gzip", "snappy", "lz4", "zstd"] {
        let mut cfg = config(&addr);
        cfg.set("compression.type", codec);
        produce(&cfg, &topic, &[Rec::value(format!("e-{codec}"))]);
    }
    produce(
        &config(&addr),
        &topic,
        &[Rec::kv("k", Some("")), Rec::kv("k", None)],
    );
    let screen = t.wait("the 7 records", SCREEN, |s| all_shown(s, 7));
    for (o, codec) in ["none", "gzip", "snappy", "lz4", "zstd"].iter().enumerate() {
        let row = tail_line(&screen, 0, o as i64).unwrap_or_default();
        assert!(row.ends_with(&format!("e-{codec}")), "offset {o}: {row}");
    }
    assert!(
        tail_line(&screen, 0, 5).is_some_and(|l| l.ends_with(" k")),
        "{screen}"
    );
    assert!(
        tail_line(&screen, 0, 6).is_some_and(|l| l.ends_with('∅')),
        "{screen}"
    );
    t.keys(&["3"]);
    let (_, o) = publish(&t, "typed-zstd-idempotent", SCREEN);
    assert_eq!(o, 7);
    let read: Vec<Option<String>> = read_all(&config(&addr), &topic, "read_uncommitted")
        .into_iter()
        .map(|s| s.value)
        .collect();
    assert_eq!(read.len(), 8);
    assert_eq!(read[7].as_deref(), Some("typed-zstd-idempotent"));
    t.quit();
}

/// Transactions on the embedded broker: the aborted transaction's records are shown even with
/// `-X isolation.level=read_committed`, and no marker takes an offset (Kafka: the aborted
/// records are hidden, and markers leave gaps). The tail says so once a transactional producer
/// used the broker (the tail was open before: the note comes while it runs), not before.
#[test]
fn transactions_show_aborted_records_and_leave_no_gaps() {
    let Some((t, addr)) = embedded("e-txn", "-X isolation.level=read_committed") else {
        return;
    };
    let topic = unique("e-txn");
    create_1p(&t, &topic);
    t.command(&format!("tail {topic} beginning"));
    let p: FutureProducer = config(&addr).create().unwrap();
    produce_with(&p, &topic, &[Rec::value("plain")]);
    let screen = t.wait("a plain record", SCREEN, |s| held(s) == Some(1));
    assert!(
        !screen.contains("transactions in use"),
        "no note before any transaction: {screen}"
    );
    let p: FutureProducer = config(&addr)
        .set("transactional.id", unique("e-txn"))
        .create()
        .unwrap();
    p.init_transactions(WAIT)
        .expect("the mock knows transactions");
    for (names, commit) in [
        (&["c1-a", "c1-b"][..], true),
        (&["ab-a", "ab-b"][..], false),
        (&["c2-a"][..], true),
    ] {
        p.begin_transaction().unwrap();
        let recs: Vec<Rec> = names.iter().map(|n| Rec::value(*n)).collect();
        produce_with(&p, &topic, &recs);
        if commit {
            p.commit_transaction(WAIT).unwrap();
        } else {
            p.abort_transaction(WAIT).unwrap();
        }
    }
    let screen = t.wait("the records and the note", SCREEN, |s| {
        all_shown(s, 6) && s.contains("transactions in use")
    });
    let rows: Vec<(i64, String)> = tail_rows(&screen)
        .into_iter()
        .map(|r| (r.offset, r.value))
        .collect();
    let want: Vec<(i64, String)> = ["plain", "c1-a", "c1-b", "ab-a", "ab-b", "c2-a"]
        .iter()
        .enumerate()
        .map(|(i, v)| (i as i64, v.to_string()))
        .collect();
    assert_eq!(rows, want, "{screen}");
    let said = line_with(&screen, "transactions in use").unwrap_or_default();
    assert!(
        said.contains("embedded broker shows aborted records too"),
        "{screen}"
    );
    // A new tail says it at once.
    t.command(&format!("tail {topic} beginning"));
    t.wait("the note on a new tail", SCREEN, |s| {
        held(s) == Some(6) && s.contains("transactions in use")
    });
    t.quit();
}

/// `--from 2h`: the embedded broker cannot look offsets up by time; the tail starts from the
/// end and says so (Kafka finds the offset: tests/apache_kafka.rs).
#[test]
fn a_time_ago_starts_from_the_end_and_says_so() {
    if no_tmux() {
        return;
    }
    let addr = format!("127.0.0.1:{}", common::free_port());
    let topic = unique("e-ago");
    // No -t: the tail starts only with the command below, so the notice on screen can only be
    // that tail's (with -t, a first tail's identical notice let the test produce before the
    // command had been read: CI saw it twice).
    let t = Tui::start(
        "e-ago",
        "",
        &format!("--listen {addr} --no-demo --from 2h"),
        140,
        40,
    );
    t.wait("the embedded broker up", SCREEN, |s| {
        s.contains("connected, 1 broker")
    });
    // Old records first: Kafka would start at the one an hour old.
    let now = now_ms();
    produce(
        &config(&addr),
        &topic,
        &[
            Rec::value("three-hours-old").to(0).at(now - 3 * 3_600_000),
            Rec::value("one-hour-old").to(0).at(now - 3_600_000),
        ],
    );
    // :tail with no FROM starts where --from says.
    t.command(&format!("tail {topic}"));
    t.wait("the notice", SCREEN, |s| {
        s.contains("cannot look up offsets by time: starting from the end")
            && s.contains(&format!("{topic} from 2h ago"))
    });
    produce(&config(&addr), &topic, &[Rec::value("new").to(0)]);
    let screen = t.wait("the new record only", SCREEN, |s| all_shown(s, 1));
    assert!(
        tail_line(&screen, 0, 2).is_some_and(|l| l.ends_with("new")),
        "{screen}"
    );
    t.quit();
}

/// Retention: the embedded broker keeps about 5 MiB a partition and drops the oldest records;
/// a tail from the beginning starts at the new low watermark (Kafka keeps them for
/// retention.ms / retention.bytes). The topic detail states the limit, and once records were
/// dropped, in which partitions.
#[test]
fn old_records_are_dropped_past_a_few_mebibytes_and_the_detail_says_so() {
    let Some((t, addr)) = embedded("e-ret", "--buffer 20000") else {
        return;
    };
    let topic = unique("e-ret");
    create_1p(&t, &topic);
    describe(&t, &topic);
    let screen = t.wait("the limit", SCREEN, |s| {
        s.contains(
            "retention on the embedded broker: about 5 MiB or 100,000 batches a partition, oldest dropped (Kafka: retention.ms)",
        )
    });
    assert!(
        !screen.contains("that limit dropped"),
        "nothing dropped yet: {screen}"
    );
    t.esc();
    let recs: Vec<Rec> = (0..8000)
        .map(|i| Rec::value(format!("{i:06}-{}", "x".repeat(1000))).to(0))
        .collect();
    let mut cfg = config(&addr);
    cfg.set("linger.ms", "20");
    let p: FutureProducer = cfg.create().unwrap();
    produce_with(&p, &topic, &recs);
    p.flush(WAIT).unwrap();
    let (low, high) = watermarks(&config(&addr), &topic)[0];
    assert_eq!(high, 8000);
    assert!(low > 0, "the mock dropped the oldest records: low {low}");
    t.command(&format!("tail {topic} beginning"));
    let n = (high - low) as u64;
    t.wait("what is left, from the new beginning", SCREEN, |s| {
        held(s) == Some(n)
    });
    describe(&t, &topic);
    t.wait("the dropped records said", SCREEN, |s| {
        s.contains("that limit dropped the records below the low watermark of partition 0")
    });
    t.quit();
}

/// SASL on the embedded broker: it speaks no SASL; kafka-tui applies `-X` to its own broker's
/// clients too and reports the handshake failure (Kafka would log the user in), and says
/// that the embedded broker speaks PLAINTEXT only.
#[test]
fn sasl_flags_fail_against_the_embedded_broker() {
    if no_tmux() {
        return;
    }
    let t = Tui::start(
        "e-sasl",
        "",
        "--listen 127.0.0.1:0 --no-demo -X security.protocol=SASL_PLAINTEXT \
         -X sasl.mechanisms=SCRAM-SHA-512 -X sasl.username=alice -X sasl.password=whatever",
        250,
        40,
    );
    t.wait("the SASL failure and why", SCREEN, |s| {
        s.contains("authentication failed")
            && s.contains("SASL")
            && s.contains("the embedded broker speaks PLAINTEXT only (no SASL, no TLS): security.protocol=SASL_PLAINTEXT fails against it")
    });
    t.quit();
}

/// A topic created by publishing to it gets the mock's 4 partitions (Kafka: `num.partitions`,
/// 1 by default), and the status line says so; creating an existing topic is refused in
/// Kafka's words (`create topic T: TopicAlreadyExists (Broker: Topic already exists)`), said
/// once.
#[test]
fn auto_created_topics_have_four_partitions_and_a_second_create_is_refused() {
    let Some((t, addr)) = embedded("e-auto", "") else {
        return;
    };
    let topic = unique("e-auto");
    t.command(&format!("tail {topic} beginning"));
    t.keys(&["3"]);
    let (_, o) = publish(&t, "creates-it", SCREEN);
    assert_eq!(o, 0);
    assert_eq!(watermarks(&config(&addr), &topic).len(), 4);
    let screen = t.wait("the note", SCREEN, |s| {
        s.contains(&format!(
            "publishing created topic {topic} with 4 partitions"
        ))
    });
    let said = line_with(&screen, "publishing created topic").unwrap_or_default();
    assert!(
        said.contains("the embedded broker's default (Kafka: num.partitions, 1 unless set)"),
        "{screen}"
    );
    t.esc();
    t.command("create");
    t.wait("the create dialog", SCREEN, |s| s.contains("Create topic"));
    t.text(&topic);
    t.keys(&["Enter"]);
    let screen = t.wait("the mock's refusal", SCREEN, |s| {
        s.contains(&format!("create topic {topic}: TopicAlreadyExists"))
    });
    let said = line_with(&screen, &format!("create topic {topic}:")).unwrap_or_default();
    assert!(
        said.contains("TopicAlreadyExists (Broker: Topic already exists)")
            && said.matches("TopicAlreadyExists").count() == 1
            && !said.contains("Mock cluster error"),
        "as Kafka says it, once: {said}"
    );
    t.quit();
}
