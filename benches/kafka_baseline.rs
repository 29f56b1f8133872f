//! Benchmark: kafka-tui against Apache Kafka's own tools (and kcat) on the same real broker, in
//! the same run (issue 10.4). Needs the KRaft peer (`source .ci/peers.sh && peers_start kafka`);
//! without it the benchmark says so and skips.
//!
//!   tail ingest   N records of 100 B in a 3-partition topic (one partition per broker), read
//!                 from the beginning by
//!                   kafka-tui -b ... -t T --from beginning --buffer N, in tmux: from starting
//!                     the session until the Tail pane's title says "N held" (the cheapest
//!                     honest signal: the title counts the records in the tail's buffer, which
//!                     are exactly the records consumed; polled with capture-pane every 10 ms);
//!                   kafka-console-consumer --from-beginning --max-messages N: from exec until
//!                     its N-th line is read from its stdout;
//!                   kcat -C -o beginning -c N: the same.
//!                 Each also reports when its first record appeared, and the rate in between
//!                 (records after the first / time from the first to the last), which takes
//!                 the start-up (a JVM's, a tmux session's) out.
//!   first screen  kafka-tui -b ... until the Topics pane lists the topic, against
//!                 `kafka-topics --list` until it printed that topic's name.
//!
//! Env: KT_BENCH_RECORDS (default 200,000), KT_BENCH_ROUNDS (default 3), KT_BENCH_BIN.

mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
use rdkafka::ClientConfig;
use support::*;

const POLL: Duration = Duration::from_millis(10);
const GIVE_UP: Duration = Duration::from_secs(300);
const PARTITIONS: i32 = 3;

/// When the first and the last of N records appeared, measured from the start.
#[derive(Clone, Copy)]
struct Run {
    first: Duration,
    last: Duration,
}

impl Run {
    fn rate(&self, n: u64) -> f64 {
        (n - 1) as f64 / (self.last - self.first).as_secs_f64().max(1e-9)
    }
}

fn create_topic(bootstrap: &str, topic: &str) {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .create()
        .expect("admin");
    let opts = AdminOptions::new().operation_timeout(Some(Duration::from_secs(30)));
    let t = NewTopic::new(topic, PARTITIONS, TopicReplication::Fixed(1));
    let res = futures::executor::block_on(admin.create_topics(&[t], &opts)).expect("create");
    for r in res {
        r.unwrap_or_else(|(t, e)| panic!("create {t}: {e}"));
    }
}

/// N records of 100 B, round robin over the partitions; the time it took.
fn fill(bootstrap: &str, topic: &str, n: u64) -> Duration {
    let p: BaseProducer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("linger.ms", "20")
        .set("batch.size", "1000000")
        .set("queue.buffering.max.messages", "1000000")
        .create()
        .expect("producer");
    let t0 = Instant::now();
    for i in 0..n {
        let value = format!("{i:010}-{}", "v".repeat(89));
        loop {
            let rec = BaseRecord::<(), _>::to(topic)
                .partition((i % PARTITIONS as u64) as i32)
                .payload(&value);
            match p.send(rec) {
                Ok(()) => break,
                Err((_, _)) => {
                    p.poll(Duration::from_millis(10));
                }
            }
        }
    }
    p.flush(Duration::from_secs(120)).expect("flushed");
    t0.elapsed()
}

/// Runs a command whose stdout prints one line per record; when the first and the N-th line
/// were read.
fn lines_run(cmd: &mut Command, n: u64) -> Run {
    let t0 = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let out = BufReader::with_capacity(1 << 20, child.stdout.take().unwrap());
    let mut first = None;
    let mut count = 0u64;
    let mut last = None;
    for line in out.split(b'\n') {
        if line.is_err() {
            break;
        }
        count += 1;
        if first.is_none() {
            first = Some(t0.elapsed());
        }
        if count == n {
            last = Some(t0.elapsed());
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let last = last.unwrap_or_else(|| panic!("{cmd:?} printed {count} of {n} lines"));
    Run {
        first: first.unwrap(),
        last,
    }
}

/// The "N held" count in the Tail pane's title.
fn held(screen: &str) -> Option<u64> {
    let line = screen.lines().find(|l| l.contains(" held · "))?;
    let before = line.split(" held · ").next()?;
    before
        .split_whitespace()
        .last()?
        .replace(',', "")
        .parse()
        .ok()
}

fn kafka_tui_run(bin: &Path, bootstrap: &str, topic: &str, n: u64, round: usize) -> Run {
    let log = temp_path("kafka-baseline.log");
    let cmd = format!(
        "exec {} -b {bootstrap} -t {topic} --from beginning --buffer {n} --log-file {}",
        bin.display(),
        log.display()
    );
    let t0 = Instant::now();
    let tmux = Tmux::start(&format!("kt{round}"), &cmd, 200, 50);
    let mut first = None;
    loop {
        let screen = tmux.capture();
        let h = held(&screen).unwrap_or(0);
        if first.is_none() && h > 0 {
            first = Some(t0.elapsed());
        }
        if h >= n {
            let last = t0.elapsed();
            tmux.send(&["q"]);
            tmux.wait_dead(Duration::from_secs(10));
            return Run {
                first: first.unwrap(),
                last,
            };
        }
        assert!(
            t0.elapsed() < GIVE_UP,
            "kafka-tui held {h} of {n}; screen:\n{screen}"
        );
        std::thread::sleep(POLL);
    }
}

fn tool(name: &str) -> Command {
    let mut c = Command::new(std::env::var("KAFKA_TUI_KAFKA_TOOL").expect("KAFKA_TUI_KAFKA_TOOL"));
    c.arg(name);
    c
}

fn kcat_available() -> bool {
    Command::new("kcat")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn summary(what: &str, runs: &[Run], n: u64) -> (Duration, Duration, f64) {
    let last = median(&runs.iter().map(|r| r.last).collect::<Vec<_>>());
    let first = median(&runs.iter().map(|r| r.first).collect::<Vec<_>>());
    let rate = median_f64(&runs.iter().map(|r| r.rate(n)).collect::<Vec<_>>());
    println!(
        "    {what:<24} last record {} | first record {} | {} rec/s in between",
        ms(last),
        ms(first),
        thousands(rate as u64)
    );
    (last, first, rate)
}

fn main() {
    header(
        "kafka_baseline",
        "kafka-tui vs kafka-console-consumer, kcat and kafka-topics on the Apache Kafka KRaft peer",
    );
    let bootstrap = match std::env::var("KAFKA_TUI_KAFKA") {
        Ok(b) if !b.is_empty() => b,
        _ => {
            note("KAFKA_TUI_KAFKA is not set (source .ci/peers.sh && peers_start kafka): skipped");
            return;
        }
    };
    let Some(bin) = tmux_and_binary("kafka_baseline") else {
        return;
    };
    let n = env_usize("KT_BENCH_RECORDS", 200_000) as u64;
    let rounds = env_usize("KT_BENCH_ROUNDS", 3).max(1);
    // Named to sort first, so that the Topics pane shows it however many topics there are.
    let topic = format!("0bench-{}", std::process::id());
    create_topic(&bootstrap, &topic);
    let took = fill(&bootstrap, &topic, n);
    note(format!(
        "{} records of 100 B in {topic} ({PARTITIONS} partitions, one a broker), produced in {}",
        thousands(n),
        ms(took)
    ));

    let (mut kt, mut cc, mut kc) = (vec![], vec![], vec![]);
    let kcat = kcat_available();
    for round in 0..rounds {
        kt.push(kafka_tui_run(&bin, &bootstrap, &topic, n, round));
        cc.push(lines_run(
            tool("kafka-console-consumer").args([
                "--bootstrap-server",
                &bootstrap,
                "--topic",
                &topic,
                "--from-beginning",
                "--max-messages",
                &n.to_string(),
            ]),
            n,
        ));
        if kcat {
            kc.push(lines_run(
                Command::new("kcat").args([
                    "-C",
                    "-b",
                    &bootstrap,
                    "-t",
                    &topic,
                    "-o",
                    "beginning",
                    "-c",
                    &n.to_string(),
                    "-q",
                ]),
                n,
            ));
        }
        note(format!(
            "round {}: kafka-tui {} | console consumer {} | kcat {}",
            round + 1,
            ms(kt.last().unwrap().last),
            ms(cc.last().unwrap().last),
            kc.last().map_or("—".into(), |r: &Run| ms(r.last))
        ));
    }
    println!("    medians of {rounds} rounds, {} records:", thousands(n));
    let (kt_last, _, kt_rate) = summary("kafka-tui (tmux)", &kt, n);
    let (cc_last, _, cc_rate) = summary("kafka-console-consumer", &cc, n);
    result(
        "kafka_baseline.tail_vs_console_consumer",
        kt_last.as_secs_f64() / cc_last.as_secs_f64(),
        "x",
        Target::AtMost(1.0),
        &format!(
            "exec to the {}-th record: kafka-tui {} vs kafka-console-consumer {} (JVM start included, as a user waits for it)",
            thousands(n),
            ms(kt_last),
            ms(cc_last)
        ),
    );
    result(
        "kafka_baseline.tail_rate_vs_console_consumer",
        kt_rate / cc_rate,
        "x",
        Target::AtLeast(1.0),
        &format!(
            "records/s from the first record to the last: kafka-tui {} vs kafka-console-consumer {}",
            thousands(kt_rate as u64),
            thousands(cc_rate as u64)
        ),
    );
    if kcat {
        let (kc_last, _, kc_rate) = summary("kcat -C -c N", &kc, n);
        result(
            "kafka_baseline.tail_vs_kcat",
            kt_last.as_secs_f64() / kc_last.as_secs_f64(),
            "x",
            Target::None,
            &format!(
                "exec to the last record: kafka-tui {} vs kcat {}; rates {} vs {} rec/s",
                ms(kt_last),
                ms(kc_last),
                thousands(kt_rate as u64),
                thousands(kc_rate as u64)
            ),
        );
    } else {
        note("kcat is not installed (.ci/setup installs it): comparison skipped");
    }

    // First screen: kafka-tui's topic list against kafka-topics --list, the same cluster.
    let (mut kt_list, mut kafka_list) = (vec![], vec![]);
    let log = temp_path("kafka-baseline-list.log");
    for round in 0..rounds {
        let cmd = format!(
            "exec {} -b {bootstrap} --log-file {}",
            bin.display(),
            log.display()
        );
        let t0 = Instant::now();
        let tmux = Tmux::start(&format!("ls{round}"), &cmd, 200, 50);
        let at = tmux
            .wait_for(POLL, Duration::from_secs(30), |s| s.contains(&topic))
            .expect("kafka-tui lists the topic");
        kt_list.push(at - t0);
        tmux.send(&["q"]);
        tmux.wait_dead(Duration::from_secs(10));
        drop(tmux);

        let t0 = Instant::now();
        let mut c = tool("kafka-topics")
            .args(["--bootstrap-server", &bootstrap, "--list"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("kafka-topics");
        let out = BufReader::new(c.stdout.take().unwrap());
        let mut seen = None;
        for line in out.lines().map_while(Result::ok) {
            if line == topic {
                seen = Some(t0.elapsed());
            }
        }
        let _ = c.wait();
        kafka_list.push(seen.expect("kafka-topics lists the topic"));
        note(format!(
            "round {}: kafka-tui lists it after {} | kafka-topics --list after {}",
            round + 1,
            ms(*kt_list.last().unwrap()),
            ms(*kafka_list.last().unwrap())
        ));
    }
    result(
        "kafka_baseline.first_screen_vs_kafka_topics",
        median(&kt_list).as_secs_f64() / median(&kafka_list).as_secs_f64(),
        "x",
        Target::AtMost(1.0),
        &format!(
            "exec to the topic listed: kafka-tui {} (on screen, tmux) vs kafka-topics --list {} (printed)",
            ms(median(&kt_list)),
            ms(median(&kafka_list))
        ),
    );
}
