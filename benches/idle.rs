//! Benchmark: idle cost. An explorer is left open for hours on a quiet cluster; it must not
//! burn a core or redraw for nothing. The release binary in tmux, on its embedded broker,
//! tailing the `demo` topic that receives nothing:
//!   frames_per_s   frames drawn per second while idle (KAFKA_TUI_TIMING counts them; a first
//!                  run that quits as soon as the tail is live gives the start-up frames, which
//!                  are taken off), against the one per second the clock needs for "3s ago";
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
    let Some(bin) = tmux_and_binary("idle") else {
        return;
    };
    let secs = env_usize("KT_BENCH_IDLE_SECS", 20).max(1) as u64;
    let window = Duration::from_secs(secs);
    // Start-up draws a burst of frames: a first run that quits as soon as the tail is live
    // counts them, so that only the idle frames of the second run are reported.
    let baseline = Live::start(&bin, "idle-start");
    let (frames0, life0) = baseline.quit();
    let live = Live::start(&bin, "idle");
    let (t, port) = (&live.tmux, live.port);
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

    let (frames1, life1) = live.quit();
    let frames = frames1.saturating_sub(frames0);
    let lifetime = life1.saturating_sub(life0);

    let app_pct = pct(app_cpu, app_wall);
    let fps = frames as f64 / lifetime.as_secs_f64();
    println!(
        "    kafka-tui: {frames1} frames in {}, {frames0} in {} when quitting once live: {frames} idle frames in {} ({fps:.2}/s); CPU {} in {} = {app_pct:.2} % of a core",
        ms(life1),
        ms(life0),
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

/// kafka-tui in tmux on its embedded broker, tailing `demo`, live.
struct Live {
    tmux: Tmux,
    port: u16,
    timing: std::path::PathBuf,
    started: Instant,
}

impl Live {
    /// Starts it and waits until the tail is live (with the demo records when `demo` was
    /// created after the tail began, or waiting at the end of it), plus a second.
    fn start(bin: &std::path::Path, name: &str) -> Live {
        let port = free_port();
        let timing = temp_path(&format!("{name}-timing.json"));
        let _ = std::fs::remove_file(&timing);
        let cmd = format!(
            "KAFKA_TUI_TIMING='{}' exec '{}' --listen 127.0.0.1:{port} -t demo",
            timing.display(),
            bin.display()
        );
        let tmux = Tmux::start(name, &cmd, 160, 45);
        let started = Instant::now();
        let live = tmux.wait_for(Duration::from_millis(50), Duration::from_secs(30), |s| {
            s.contains("Tail demo")
                && (s.contains("order-1003") || s.contains("waiting for records"))
        });
        assert!(
            live.is_some(),
            "kafka-tui never showed a live tail of demo:\n{}",
            tmux.capture()
        );
        std::thread::sleep(Duration::from_secs(1));
        Live {
            tmux,
            port,
            timing,
            started,
        }
    }

    /// Quits with `q`: the frames it drew (its own count) and how long it ran.
    fn quit(self) -> (u64, Duration) {
        self.tmux.send(&["q"]);
        let lifetime = self.started.elapsed();
        let report = read_timing(&self.timing, Duration::from_secs(10)).expect("the timing report");
        let _ = std::fs::remove_file(&self.timing);
        (report["frames"].as_u64().unwrap_or(0), lifetime)
    }
}

fn pct(cpu: Duration, wall: Duration) -> f64 {
    100.0 * cpu.as_secs_f64() / wall.as_secs_f64().max(1e-9)
}
