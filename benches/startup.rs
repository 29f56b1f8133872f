//! Benchmark 4: startup. The release binary in tmux (200x50):
//!   first_frame_ms  exec to first drawn frame with the embedded broker, as kafka-tui itself
//!                   measures it (`KAFKA_TUI_TIMING=FILE`, written when it quits on `q`);
//!   screen times    measured from outside: from starting the tmux session until
//!                   `capture-pane` shows the header, and until it shows the `demo` topic row;
//!   baseline        the same harness running `sh -c 'printf READY; sleep 30'`;
//!   kaskade         (PyPI, in .venv) `kaskade admin -b ADDR` against an embedded broker
//!                   started by this bench, until its screen lists `demo`, against
//!                   `kafka-tui -b ADDR` on the same broker measured the same way.
//!
//! Env: KT_BENCH_RUNS (default 5), KT_BENCH_BIN (binary, default target/release/kafka-tui),
//! KT_BENCH_KASKADE (path, default .venv/bin/kaskade).

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kafka_tui::kafka::embedded::mock::{MockBroker, MockOptions};
use support::*;

const POLL: Duration = Duration::from_millis(5);

struct Shown {
    /// From starting the session to the first screen matching `first`.
    first: Option<Duration>,
    /// ... and to the screen matching `ready`.
    ready: Option<Duration>,
    screen: String,
    tmux: Tmux,
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Starts `cmd` in tmux and polls the screen until `ready` holds (or `timeout`).
fn watch(
    name: &str,
    cmd: &str,
    first: impl Fn(&str) -> bool,
    ready: impl Fn(&str) -> bool,
    timeout: Duration,
) -> Shown {
    let t0 = Instant::now();
    let tmux = Tmux::start(name, cmd, 200, 50);
    let mut first_at = None;
    let mut ready_at = None;
    let mut screen = String::new();
    while t0.elapsed() < timeout {
        screen = tmux.capture();
        if first_at.is_none() && first(&screen) {
            first_at = Some(t0.elapsed());
        }
        if ready(&screen) {
            ready_at = Some(t0.elapsed());
            if first_at.is_none() {
                first_at = ready_at;
            }
            break;
        }
        std::thread::sleep(POLL);
    }
    Shown {
        first: first_at,
        ready: ready_at,
        screen,
        tmux,
    }
}

fn kafka_tui_cmd(bin: &Path, timing: &Path, log: &Path, extra: &str) -> String {
    format!(
        "KAFKA_TUI_TIMING={} {} {extra} --log-file {}",
        shell_quote(&timing.display().to_string()),
        shell_quote(&bin.display().to_string()),
        shell_quote(&log.display().to_string())
    )
}

fn quit_and_read(shown: &Shown, timing: &Path) -> Option<serde_json::Value> {
    shown.tmux.send(&["q"]);
    if !shown.tmux.wait_dead(Duration::from_secs(10)) {
        note("kafka-tui did not quit on q within 10 s");
    }
    read_timing(timing, Duration::from_secs(5))
}

fn has_demo_row(screen: &str) -> bool {
    screen.lines().any(|l| l.contains(" demo "))
}

fn ms_of(d: Option<Duration>) -> String {
    d.map_or("—".into(), ms)
}

fn main() {
    header(
        "startup",
        "exec to first frame, kafka-tui in tmux (embedded broker), vs a trivial program and kaskade",
    );
    let Some(bin) = tmux_and_binary("startup") else {
        return;
    };
    let runs = env_usize("KT_BENCH_RUNS", 5).max(1);
    let timing = temp_path("startup-timing.json");
    let log = temp_path("startup.log");

    let (mut first_frame, mut header_seen, mut demo_seen, mut baseline) =
        (vec![], vec![], vec![], vec![]);
    let mut no_demo = vec![];
    for i in 0..runs {
        // Baseline: the harness itself (tmux session, a process, capture-pane polling).
        let b = watch(
            &format!("base{i}"),
            "sh -c 'printf READY; sleep 30'",
            |_| false,
            |s| s.contains("READY"),
            Duration::from_secs(10),
        );
        baseline.push(b.ready.expect("the baseline shows READY"));
        drop(b);

        let _ = std::fs::remove_file(&timing);
        let cmd = kafka_tui_cmd(&bin, &timing, &log, "--listen 127.0.0.1:0");
        let shown = watch(
            &format!("kt{i}"),
            &cmd,
            |s| s.contains("kafka-tui"),
            has_demo_row,
            Duration::from_secs(20),
        );
        let report = quit_and_read(&shown, &timing);
        let ff = report
            .as_ref()
            .and_then(|v| v["first_frame_ms"].as_f64())
            .unwrap_or_else(|| {
                panic!(
                    "no timing report from kafka-tui; its screen was:\n{}",
                    shown.screen
                )
            });
        first_frame.push(Duration::from_secs_f64(ff / 1000.0));
        header_seen.push(shown.first.expect("kafka-tui drew its header"));
        demo_seen.push(
            shown.ready.unwrap_or_else(|| {
                panic!("the demo topic never showed; screen:\n{}", shown.screen)
            }),
        );
        drop(shown);

        // The same without the demo topic: what seeding the embedded broker costs.
        let _ = std::fs::remove_file(&timing);
        let cmd = kafka_tui_cmd(&bin, &timing, &log, "--listen 127.0.0.1:0 --no-demo");
        let bare_start = watch(
            &format!("ktnd{i}"),
            &cmd,
            |_| false,
            |s| s.contains("kafka-tui"),
            Duration::from_secs(20),
        );
        let nd = quit_and_read(&bare_start, &timing)
            .and_then(|v| v["first_frame_ms"].as_f64())
            .unwrap_or(f64::NAN);
        no_demo.push(Duration::from_secs_f64(nd.max(0.0) / 1000.0));
        note(format!(
            "run {}: first frame {:.1} ms (self-measured) | header on screen {} | demo row on screen {} | --no-demo first frame {:.1} ms | baseline READY {}",
            i + 1,
            ff,
            ms_of(header_seen.last().copied()),
            ms_of(demo_seen.last().copied()),
            nd,
            ms(*baseline.last().unwrap())
        ));
    }
    println!(
        "    medians: first frame {} | header on screen {} | demo row on screen {} | baseline {}",
        ms(median(&first_frame)),
        ms(median(&header_seen)),
        ms(median(&demo_seen)),
        ms(median(&baseline))
    );
    result(
        "startup.first_frame_ms",
        median(&first_frame).as_secs_f64() * 1000.0,
        "ms",
        Target::AtMost(300.0),
        &format!(
            "exec to first frame, embedded broker, self-measured; from outside: header {} / demo row {}, baseline `sh printf` {} (harness)",
            ms(median(&header_seen)),
            ms(median(&demo_seen)),
            ms(median(&baseline))
        ),
    );

    result(
        "startup.first_frame_no_demo_ms",
        median(&no_demo).as_secs_f64() * 1000.0,
        "ms",
        Target::AtMost(300.0),
        "the same with --no-demo: the difference is the embedded broker creating and seeding `demo` before the first frame",
    );

    kaskade_comparison(&bin, &timing, &log, runs);
}

fn kaskade_path() -> PathBuf {
    std::env::var("KT_BENCH_KASKADE").map_or_else(
        |_| Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/kaskade"),
        PathBuf::from,
    )
}

/// kafka-tui -b ADDR and kaskade admin -b ADDR against one embedded broker with the demo topic.
fn kaskade_comparison(bin: &Path, timing: &Path, log: &Path, runs: usize) {
    let kaskade = kaskade_path();
    if !kaskade.exists() {
        note(format!(
            "kaskade is not installed at {} (.ci/bench-smoke installs it with pip into .venv): comparison skipped",
            kaskade.display()
        ));
        return;
    }
    let rt = runtime();
    let broker = rt
        .block_on(MockBroker::start(MockOptions {
            demo: true,
            ..MockOptions::loopback()
        }))
        .expect("broker");
    let addr = broker.address().to_string();
    println!();
    note(format!(
        "kaskade vs kafka-tui, both with -b {addr} (an embedded broker in this process)"
    ));
    let (mut kt, mut ks) = (vec![], vec![]);
    for i in 0..runs {
        let _ = std::fs::remove_file(timing);
        let cmd = kafka_tui_cmd(bin, timing, log, &format!("-b {addr}"));
        let shown = watch(
            &format!("ktb{i}"),
            &cmd,
            |s| s.contains("kafka-tui"),
            has_demo_row,
            Duration::from_secs(20),
        );
        let _ = quit_and_read(&shown, timing);
        let Some(t) = shown.ready else {
            note(format!(
                "kafka-tui -b never listed demo; screen:\n{}",
                shown.screen
            ));
            return;
        };
        kt.push(t);

        let cmd = format!(
            "{} admin -b {addr}",
            shell_quote(&kaskade.display().to_string())
        );
        let shown = watch(
            &format!("ks{i}"),
            &cmd,
            |s| !s.trim().is_empty(),
            |s| s.lines().any(|l| l.split_whitespace().any(|w| w == "demo")),
            Duration::from_secs(30),
        );
        match shown.ready {
            Some(t) => {
                ks.push(t);
                note(format!(
                    "run {}: kafka-tui -b lists demo after {} | kaskade admin after {} (first output {})",
                    i + 1,
                    ms(*kt.last().unwrap()),
                    ms(t),
                    ms_of(shown.first)
                ));
            }
            None => {
                note(format!(
                    "kaskade did not list the demo topic within 30 s here; its screen was:\n{}",
                    shown.screen
                ));
                result(
                    "startup.kaskade_ratio",
                    f64::NAN,
                    "x",
                    Target::None,
                    "kaskade could not run against the embedded broker here",
                );
                return;
            }
        }
        // kaskade quits on Ctrl+C; the session is killed on drop anyway.
        shown.tmux.send(&["C-c"]);
    }
    result(
        "startup.kaskade_ratio",
        median(&kt).as_secs_f64() / median(&ks).as_secs_f64(),
        "x",
        Target::AtMost(0.2),
        &format!(
            "exec to the topic list on screen: kafka-tui -b {} vs kaskade admin {}",
            ms(median(&kt)),
            ms(median(&ks))
        ),
    );
    drop(broker);
    rt.shutdown_timeout(Duration::from_secs(2));
}
