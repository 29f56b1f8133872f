//! Benchmark: `kafka-tui dump` against `kcat -C -J -e` on the same broker, in the same run
//! (issue 12.7: "as fast as kcat -C -J -e").
//!
//! Loads a 4-partition topic of the embedded broker with N records of 100 B, then reads all of
//! them from the beginning to the end, round after round, alternating:
//!   dump  `kafka-tui dump -b ADDR -t TOPIC > /dev/null` (JSON Lines, the default);
//!   kcat  `kcat -C -J -e -q -b ADDR -t TOPIC -o beginning > /dev/null`.
//! Each time is a whole process: start, metadata, assignment, every record written, exit.
//! The figure is the ratio of the medians, dump / kcat (target ≤ 1.25: the same work, give or
//! take a noisy shared machine).
//!
//! Env: KT_BENCH_RECORDS (default 200,000), KT_BENCH_ROUNDS (default 5), KT_BENCH_BIN.

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::*;

const PARTITIONS: i32 = 4;

fn time(cmd: &mut Command) -> Duration {
    let t0 = Instant::now();
    let status = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .status()
        .expect("runs");
    assert!(status.success(), "{cmd:?} failed: {status}");
    t0.elapsed()
}

fn count_lines(cmd: &mut Command) -> u64 {
    let out = cmd.stderr(Stdio::inherit()).output().expect("runs");
    assert!(out.status.success(), "{cmd:?} failed");
    out.stdout.iter().filter(|&&b| b == b'\n').count() as u64
}

fn main() {
    header(
        "dump",
        "kafka-tui dump against kcat -C -J -e, whole processes",
    );
    let bin = release_binary();
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build --release` first",
        bin.display()
    );
    let kcat = Command::new("kcat").arg("-V").output().is_ok();
    let n = env_usize("KT_BENCH_RECORDS", 200_000) as u64;
    let rounds = env_usize("KT_BENCH_ROUNDS", 5);
    let rt = runtime();
    let broker = rt.block_on(start_broker());
    let addr = broker.address();
    let topic = "bench-dump";
    produce(addr, topic, n, 100, PARTITIONS);
    let held = held(&watermarks(addr, topic, PARTITIONS));
    let a = addr.to_string();
    let dump = || {
        let mut c = Command::new(&bin);
        c.args(["dump", "-b", &a, "-t", topic])
            .env_remove("KAFKA_TUI_CONFIG")
            .env(
                "XDG_CONFIG_HOME",
                std::env::temp_dir().join("kt-bench-dump-config"),
            )
            .env("XDG_STATE_HOME", std::env::temp_dir());
        c
    };
    let kcat_cmd = || {
        let mut c = Command::new("kcat");
        c.args([
            "-C",
            "-J",
            "-e",
            "-q",
            "-b",
            &a,
            "-t",
            topic,
            "-o",
            "beginning",
        ]);
        c
    };
    // Both read every record: checked once, outside the timing.
    let dumped = count_lines(&mut dump());
    assert_eq!(dumped, held, "dump printed {dumped} of {held} records");
    println!(
        "    {} records of 100 B held in {PARTITIONS} partitions",
        thousands(held)
    );
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for _ in 0..rounds {
        ours.push(time(&mut dump()));
        if kcat {
            theirs.push(time(&mut kcat_cmd()));
        }
    }
    let m = median(&ours);
    println!(
        "    dump: median {} ({:.0} records/s)",
        ms(m),
        held as f64 / m.as_secs_f64()
    );
    if !kcat {
        note("kcat is not installed (bash .ci/setup installs it): no comparison");
        result(
            "dump_records_per_s",
            held as f64 / m.as_secs_f64(),
            "records/s",
            Target::None,
            "",
        );
        return;
    }
    let k = median(&theirs);
    println!(
        "    kcat: median {} ({:.0} records/s)",
        ms(k),
        held as f64 / k.as_secs_f64()
    );
    result(
        "dump_vs_kcat",
        m.as_secs_f64() / k.as_secs_f64(),
        "x kcat's time",
        Target::AtMost(1.25),
        &format!("{} records, median of {rounds}", thousands(held)),
    );
}
