//! Benchmark: idle cost. An explorer is left open for hours on a quiet cluster; it must not
//! burn a core or redraw for nothing. The release binary in tmux, on its embedded broker,
//! tailing the `demo` topic that receives nothing:
//!   frames_per_s   frames drawn per second over the whole run (KAFKA_TUI_TIMING), against the
//!                  one per second the clock needs for "3s ago" timestamps;
//!   cpu_pct        CPU of the whole kafka-tui process (UI, tail, embedded broker and its log)
//!                  in % of one core over the idle window;
//!   baseline       `kcat -C -o end` tailing the same idle topic on the same broker afterwards,
//!                  its own process's CPU over a window of the same length.
//!
//! Env: KT_BENCH_IDLE_SECS (default 20), KT_BENCH_BIN (binary, default target/release/kafka-tui).

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::*;

fn main() {
    header("idle", "kafka-tui tailing an idle topic vs kcat tailing it");
    if !Tmux::available() {
        println!("    SKIPPED: tmux is not installed");
        return;
    }
    let secs = env_usize("KT_BENCH_IDLE_SECS", 20).max(1) as u64;
    let window = Duration::from_secs(secs);
    let bin = release_binary();
    let port = free_port();
    let timing = temp_path("idle-timing.json");
    let _ = std::fs::remove_file(&timing);
    let cmd = format!(
        "KAFKA_TUI_TIMING='{}' exec '{}' --listen 127.0.0.1:{port} -t demo",
        timing.display(),
        bin.display()
    );
    let t = Tmux::start("idle", &cmd, 160, 45);
    let started = Instant::now();
    // The tail is live (with the demo records when `demo` was created after the tail began,
    // or waiting at the end of it) and the first burst of frames is over.
    if t.wait_for(Duration::from_millis(50), Duration::from_secs(30), |s| {
        s.contains("Tail demo") && (s.contains("order-1003") || s.contains("waiting for records"))
    })
    .is_none()
    {
        panic!(
            "kafka-tui never showed a live tail of demo:\n{}",
            t.capture()
        );
    }
    std::thread::sleep(Duration::from_secs(1));
    let pid = t.pane_pid().expect("the pane's pid");
    let cpu0 = process_cpu_of(&pid.to_string()).expect("kafka-tui's /proc stat");
    let w0 = Instant::now();
    std::thread::sleep(window);
    let app_cpu = process_cpu_of(&pid.to_string()).expect("kafka-tui's /proc stat") - cpu0;
    let app_wall = w0.elapsed();

    // kcat against the same broker, after kafka-tui's window so it does not count in it.
    let kcat = Command::new("kcat")
        .args(["-C", "-q", "-o", "end", "-t", "demo", "-b"])
        .arg(format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let kcat_pct = match kcat {
        Ok(mut child) => {
            std::thread::sleep(Duration::from_secs(1)); // connected and waiting
            let c0 = process_cpu_of(&child.id().to_string());
            let k0 = Instant::now();
            std::thread::sleep(window);
            let c1 = process_cpu_of(&child.id().to_string());
            let wall = k0.elapsed();
            let _ = child.kill();
            let _ = child.wait();
            match (c0, c1) {
                (Some(a), Some(b)) => Some(pct(b - a, wall)),
                _ => None,
            }
        }
        Err(e) => {
            println!("    kcat not run ({e}): no baseline");
            None
        }
    };

    t.send(&["q"]);
    let lifetime = started.elapsed();
    let report = read_timing(&timing, Duration::from_secs(10)).expect("the timing report");
    let frames = report["frames"].as_u64().unwrap_or(0);
    let _ = std::fs::remove_file(&timing);

    let app_pct = pct(app_cpu, app_wall);
    let fps = frames as f64 / lifetime.as_secs_f64();
    println!(
        "    kafka-tui: {frames} frames in {} ({fps:.2}/s); CPU {} in {} = {app_pct:.2} % of a core",
        ms(lifetime),
        ms(app_cpu),
        ms(app_wall)
    );
    result(
        "idle.frames_per_s",
        fps,
        "frames/s",
        Target::AtMost(2.0),
        "the clock redraws once a second for relative times; nothing else changes",
    );
    let note = match kcat_pct {
        Some(k) => format!(
            "whole process incl. the embedded broker; baseline kcat tailing the same topic {k:.2} % (its own process only)"
        ),
        None => "whole process incl. the embedded broker; no kcat baseline".into(),
    };
    result("idle.cpu_pct", app_pct, "%", Target::None, &note);
}

fn pct(cpu: Duration, wall: Duration) -> f64 {
    100.0 * cpu.as_secs_f64() / wall.as_secs_f64().max(1e-9)
}
