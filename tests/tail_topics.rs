//! A tail of several topics, end to end on Apache Kafka (issue 12.2): the real binary in tmux,
//! started as a person would with `-t /REGEX/`, then `:tail A,B#P`; records made with rdkafka
//! and topics created with Kafka's admin API while the tail runs. In CI (`CI` set) a missing
//! peer fails; locally the test prints why it skips. Where a tail starts (the config file's
//! `tail_from`, `--from`) is checked on the embedded broker, run in-process.

mod common;
mod kafka_ref;

use std::time::Duration;

use kafka_ref::*;

const SCREEN: Duration = Duration::from_secs(30);

/// The Tail pane's rows as (topic, partition, value): with several topics the topic comes first.
fn rows(screen: &str) -> Vec<(String, i32, String)> {
    let mut out = Vec::new();
    for line in screen.lines().skip(1) {
        if line.starts_with('╰') {
            break;
        }
        let Some((_, tail)) = line.split_once("││") else {
            continue;
        };
        let words: Vec<&str> = tail.trim_end_matches('│').split_whitespace().collect();
        if words.len() < 4 {
            continue;
        }
        if let (Ok(p), Ok(_offset)) = (words[1].parse(), words[2].parse::<i64>()) {
            out.push((words[0].to_string(), p, words[words.len() - 1].to_string()));
        }
    }
    out.sort();
    out
}

#[test]
fn a_pattern_tail_grows_with_new_topics_and_a_list_takes_partitions() {
    if no_tmux() {
        return;
    }
    let Some(k) = Kafka::get() else { return };
    // Names short enough to be shown whole in the topic column at 140 columns.
    let base = unique("mt");
    let (a, b, late, other) = (
        format!("{base}.a"),
        format!("{base}.b"),
        format!("{base}.late"),
        format!("{base}-other"),
    );
    k.create_topic(&a, 2, 3, &[]);
    k.create_topic(&b, 1, 3, &[]);
    k.create_topic(&other, 1, 3, &[]);
    produce(
        &k.config(),
        &a,
        &[Rec::value("a0").to(0), Rec::value("a1").to(1)],
    );
    produce(&k.config(), &b, &[Rec::value("b0").to(0)]);
    produce(&k.config(), &other, &[Rec::value("x0").to(0)]);

    let pattern = format!(r"/^{base}\./");
    let t = Tui::start(
        "multi-tail",
        "",
        &format!("-b {} -t '{pattern}' --from beginning", k.plain),
        140,
        40,
    );
    let screen = t.wait("the records of the two matching topics", SCREEN, |s| {
        held(s) == Some(3) && s.contains("(2 topics)")
    });
    let want = |v: &[(&str, i32, &str)]| -> Vec<(String, i32, String)> {
        let mut v: Vec<_> = v
            .iter()
            .map(|(t, p, x)| (t.to_string(), *p, x.to_string()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        rows(&screen),
        want(&[(&a, 0, "a0"), (&a, 1, "a1"), (&b, 0, "b0")]),
        "{screen}"
    );
    assert!(
        screen.contains(&format!("{pattern} (2 topics)")),
        "{screen}"
    );

    // A topic created now joins, its first record read from its beginning.
    k.create_topic(&late, 1, 3, &[]);
    produce(&k.config(), &late, &[Rec::value("l0").to(0)]);
    produce(&k.config(), &other, &[Rec::value("x1").to(0)]);
    let screen = t.wait("the topic created later", SCREEN, |s| {
        held(s) == Some(4) && s.contains("(3 topics)")
    });
    assert!(
        rows(&screen).contains(&(late.clone(), 0, "l0".into())),
        "{screen}"
    );
    assert!(screen.contains(&format!("{late}#0 joined")), "{screen}");
    // Nothing of the topic outside the pattern among the Tail's rows (not the whole screen:
    // another test's random topic name in the Topics pane may hold "x0").
    assert!(
        !rows(&screen)
            .iter()
            .any(|(t, _, v)| *t == other || v == "x0" || v == "x1"),
        "{screen}"
    );

    // A list with a partition: only a#1 and b's... b has no partition 1, and says so.
    t.command(&format!("tail {a},{b}#1 beginning"));
    let screen = t.wait("a's partition 1 only", SCREEN, |s| {
        held(s) == Some(1) && s.contains("has no partition 1")
    });
    assert_eq!(rows(&screen), want(&[(&a, 1, "a1")]), "{screen}");
    t.quit();
}

/// `--until end` on a topic written in transactions: its last offset is a commit marker,
/// which no record has. The tail reads the committed records and stops, and says so, instead
/// of waiting for a record at the marker's offset.
#[test]
fn until_end_stops_on_a_topic_that_ends_in_a_commit_marker() {
    use rdkafka::producer::{FutureProducer, Producer};
    if no_tmux() {
        return;
    }
    let Some(k) = Kafka::get() else { return };
    let topic = unique("txend");
    k.create_topic(&topic, 1, 3, &[]);
    let p: FutureProducer = k
        .config()
        .set("transactional.id", unique("kt-txend"))
        .create()
        .expect("transactional producer");
    let wait = Duration::from_secs(30);
    p.init_transactions(wait).expect("init_transactions");
    p.begin_transaction().unwrap();
    produce_with(&p, &topic, &[Rec::value("t1"), Rec::value("t2")]);
    p.commit_transaction(wait).unwrap();
    // The marker is written just after commit_transaction returns: wait for Kafka to show it.
    let deadline = std::time::Instant::now() + wait;
    while !k.stored_batches(&topic, 0).iter().any(|b| b.control) {
        assert!(std::time::Instant::now() < deadline, "no commit marker");
        std::thread::sleep(Duration::from_millis(100));
    }
    let t = Tui::start(
        "txn-until",
        "",
        &format!("-b {} -t {topic} --from beginning --until end", k.plain),
        140,
        40,
    );
    let screen = t.wait("the tail's end", SCREEN, |s| {
        s.contains("stopped at --until the end: 2 records read")
    });
    assert_eq!(held(&screen), Some(2), "{screen}");
    t.quit();
}

/// `tail_from` in the config file: a tail opened without `--from` starts at the last N records
/// (3 here, not the built-in 100), then follows; `--from` on the command line wins over it. The
/// real binary in tmux, on the embedded broker run in this process, with a config file of its
/// own (`$KAFKA_TUI_CONFIG`).
#[test]
fn config_tail_from_sets_where_a_tail_starts_and_from_wins() {
    if no_tmux() {
        return;
    }
    let e = common::fixture::embedded();
    let addr = e.addr.clone();
    let topic = unique("tailfrom");
    e.broker.create_topic(&topic, 1).unwrap();
    let recs: Vec<Rec> = (0..10)
        .map(|i| Rec::kv(format!("k{i}"), Some(&format!("v{i}"))).to(0))
        .collect();
    produce(&config(&addr), &topic, &recs);

    let cfg = e.home.path().join("config.toml");
    std::fs::write(&cfg, "tail_from = \"-3\"\n").unwrap();
    let h = e.home.path().display().to_string();
    let env = format!(
        "HOME={} XDG_CONFIG_HOME={} XDG_STATE_HOME={} KAFKA_TUI_CONFIG={}",
        common::sh_quote(&h),
        common::sh_quote(&format!("{h}/config")),
        common::sh_quote(&format!("{h}/state")),
        common::sh_quote(&cfg.display().to_string()),
    );
    let values = |screen: &str| -> Vec<(i64, String)> {
        let mut v: Vec<(i64, String)> = tail_rows(screen)
            .into_iter()
            .map(|r| (r.offset, r.value))
            .collect();
        v.sort();
        v
    };
    let want = |range: std::ops::Range<i64>| -> Vec<(i64, String)> {
        range.map(|i| (i, format!("v{i}"))).collect()
    };

    let t = Tui::start(
        "tail-from-config",
        &env,
        &format!("-b {addr} -t {topic} --no-history"),
        140,
        40,
    );
    t.wait("the last 3 records", SCREEN, |s| {
        held(s) == Some(3) && s.contains("v9")
    });
    // It follows from there: the next record joins the three, and nothing older comes later.
    produce(&config(&addr), &topic, &[Rec::kv("k10", Some("v10")).to(0)]);
    let screen = t.wait("the record produced while it runs", SCREEN, |s| {
        held(s) == Some(4) && s.contains("v10")
    });
    assert_eq!(values(&screen), want(7..11), "{screen}");
    // The title says where it started.
    assert!(screen.contains("from last 3 "), "{screen}");
    t.quit();

    // --from wins over the config file: from the beginning, then the last 5.
    for (name, from, range) in [
        ("tail-from-flag-beginning", "beginning", 0..11),
        ("tail-from-flag-last5", "-5", 6..11),
    ] {
        let t = Tui::start(
            name,
            &env,
            &format!("-b {addr} -t {topic} --from {from} --no-history"),
            140,
            40,
        );
        let n = range.end - range.start;
        let screen = t.wait(&format!("{n} records with --from {from}"), SCREEN, |s| {
            held(s) == Some(n as u64) && s.contains("v10")
        });
        assert_eq!(values(&screen), want(range), "{screen}");
        t.quit();
    }
}
