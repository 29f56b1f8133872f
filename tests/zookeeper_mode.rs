//! The README's walkthrough for the Confluent quickstart's cluster (`zookeeper` and `broker`
//! containers), on the ZooKeeper-mode peer: an Apache Kafka 3.9 broker on ZooKeeper, whose two
//! logs stand in for `docker logs -f broker` and `docker logs -f zookeeper`:
//!
//! ```sh
//! kafka-tui -b $KAFKA_TUI_ZKMODE \
//!   --broker-log-cmd 'tail -n +1 -F BROKER_LOG' --zookeeper-log-cmd 'tail -n +1 -F ZK_LOG'
//! ```
//!
//! The Logs pane follows both processes live, and topics, the tail and the producer work.
//! In CI (`CI` set) a missing peer fails; locally the test prints why it skips.

mod common;
mod kafka_ref;

use std::io::{Read, Write};
use std::time::Duration;

use kafka_ref::*;

const SCREEN: Duration = Duration::from_secs(30);

#[test]
fn confluent_quickstart_walkthrough_on_the_zookeeper_mode_broker() {
    if no_tmux() {
        return;
    }
    let Some(boot) = peer("KAFKA_TUI_ZKMODE", "the ZooKeeper-mode Kafka 3.9 broker") else {
        return;
    };
    let broker_log = std::env::var("KAFKA_TUI_ZKMODE_BROKER_LOG").unwrap();
    let zk_log = std::env::var("KAFKA_TUI_ZKMODE_ZK_LOG").unwrap();
    let zk = std::env::var("KAFKA_TUI_ZKMODE_ZK").unwrap();
    let args = format!(
        "-b {boot} --broker-log-cmd {} --zookeeper-log-cmd {}",
        common::sh_quote(&format!("tail -n +1 -F {broker_log}")),
        common::sh_quote(&format!("tail -n +1 -F {zk_log}")),
    );
    // Wide: ZooKeeper's lines are long, and the Logs pane cuts what does not fit.
    let t = Tui::start("zkmode", "", &args, 300, 50);
    t.wait("connected to the one broker", SCREEN, |s| {
        s.contains("connected, 1 broker")
    });

    // The broker's log, live: creating a topic is logged by the broker and shows in the pane.
    let topic = unique("zk-topic");
    t.command("create");
    t.wait("the create dialog", SCREEN, |s| s.contains("Create topic"));
    t.text(&topic);
    t.keys(&["Tab"]);
    t.text("2");
    t.keys(&["Enter"]);
    t.wait("created", SCREEN, |s| {
        s.contains(&format!("created topic {topic}"))
    });
    t.keys(&["4"]);
    t.wait("the broker's own line about the new topic", SCREEN, |s| {
        s.contains("[broker]") && s.contains(&format!("Created log for partition {topic}-"))
    });

    // ZooKeeper's log, live: a four-letter word it answers and logs.
    t.keys(&["s"]);
    t.wait("the zookeeper source", SCREEN, |s| {
        s.contains("[zookeeper]") && s.contains("org.apache.zookeeper")
    });
    let mut conn = std::net::TcpStream::connect(&zk).expect("zookeeper");
    conn.write_all(b"srvr").unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("Zookeeper version"), "{answer}");
    // ZooKeeper names the client's address: this connection's, not an older one's.
    let me = conn.local_addr().unwrap();
    t.wait("ZooKeeper's line about this srvr command", SCREEN, |s| {
        s.contains(&format!("Processing srvr command from /{me}"))
    });

    // Topics, tail and producer: a record from rdkafka and one typed in, both tailed, both
    // read back by Kafka's console consumer.
    t.command(&format!("tail {topic} beginning"));
    t.wait("the tail live", SCREEN, |s| {
        s.contains("waiting for records")
    });
    produce(&config(&boot), &topic, &[Rec::value("from-rdkafka").to(1)]);
    t.wait("the rdkafka record in the tail", SCREEN, |s| {
        tail_line(s, 1, 0).is_some_and(|l| l.ends_with("from-rdkafka"))
    });
    t.keys(&["3"]);
    let (p, o) = publish(&t, "typed-in-zkmode", SCREEN);
    t.wait("the typed record in the tail", SCREEN, |s| {
        tail_line(s, p, o).is_some_and(|l| l.ends_with("typed-in-zkmode"))
    });
    let mut read: Vec<String> = read_all(&config(&boot), &topic, "read_uncommitted")
        .into_iter()
        .filter_map(|s| s.value)
        .collect();
    read.sort();
    assert_eq!(read, ["from-rdkafka", "typed-in-zkmode"]);
    filter_topics(&t, &topic);
    t.wait("the topic with 2 partitions and 2 records", SCREEN, |s| {
        topic_row(s, &topic).is_some_and(|r| r[1] == "2" && r[2] == "2")
    });

    // :brokers: broker 1, which is also the controller in ZooKeeper mode.
    t.command("brokers");
    let screen = t.wait("the cluster view", SCREEN, |s| s.contains("cluster id"));
    assert!(
        screen.contains(&format!("     1  {boot}")) && screen.contains("(controller)"),
        "{screen}"
    );
    t.quit();
}
