//! Panic and exit (issue 6, point 7): however kafka-tui ends (a panic, SIGTERM, SIGHUP), the
//! terminal is given back (raw mode off, alternate screen left, cursor shown, mouse released),
//! a panic says where the log is, and no port or child process is left behind.
//!
//! The real binary runs in tmux (a private `-L` socket per test) through a small shell that
//! records its pid, then reports its exit status and runs `stty -a` in the same pane. Without
//! tmux these tests are skipped locally with a reason, and fail in CI (`CI` set).

mod common;
use common::*;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);
/// How long a signalled kafka-tui may take to exit.
const PROMPTLY: Duration = Duration::from_secs(5);

// ---------------------------------------------------------------------------------------------
// tmux
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// A kafka-tui run and how it ends
// ---------------------------------------------------------------------------------------------

/// Which resources the run holds, so the test can check they are released.
#[derive(Clone, Copy, Debug)]
enum Setup {
    /// The embedded broker listening on a known port.
    Embedded,
    /// An unreachable cluster with a `--broker-log-cmd` child that would sleep for ages.
    LogCommand,
}

struct Run {
    tmux: Tmux,
    dir: tempfile::TempDir,
    setup: Setup,
    port: u16,
    /// The log command sleeps this many seconds: a number no other process uses.
    sleep_secs: u64,
}

impl Run {
    /// Starts kafka-tui; with `panic`, `KAFKA_TUI_TEST_PANIC=1` makes it panic after its first
    /// frame.
    fn start(name: &str, setup: Setup, panic: bool) -> Run {
        static RUNS: AtomicU64 = AtomicU64::new(0);
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let run = RUNS.fetch_add(1, Ordering::Relaxed);
        let sleep_secs = 1_000_000 + u64::from(std::process::id()) * 100 + run;
        let file = |n: &str| sh_quote(&dir.path().join(n).display().to_string());
        let mut args = vec![format!("--log-file {}", file("kafka-tui.log"))];
        match setup {
            Setup::Embedded => args.push(format!("--listen 127.0.0.1:{port}")),
            Setup::LogCommand => {
                let child = format!("echo $$ > {}; exec sleep {sleep_secs}", file("child.pid"));
                args.push(format!("-b 127.0.0.1:{}", free_port()));
                args.push(format!("--broker-log-cmd {}", sh_quote(&child)));
            }
        }
        let d = dir.path().display();
        let mut env = format!(
            // No backtrace: a long one would scroll the panic message off the pane.
            "HOME={d} XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state KAFKA_TUI_CONFIG= RUST_BACKTRACE=0"
        );
        if panic {
            env.push_str(" KAFKA_TUI_TEST_PANIC=1");
        }
        // The inner shell records its pid and becomes kafka-tui; the outer one reports.
        let inner = format!(
            "echo $$ > {}; exec {} {}",
            file("kafka-tui.pid"),
            sh_quote(env!("CARGO_BIN_EXE_kafka-tui")),
            args.join(" ")
        );
        let cmd = format!(
            "env {env} sh -c {}; echo kafka-tui-exited-$?; stty -a; sleep 60",
            sh_quote(&inner)
        );
        Run {
            tmux: Tmux::start_joined(name, &cmd, 160, 50),
            dir,
            setup,
            port,
            sleep_secs,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A pid a file holds, once it is written.
    fn pid_in(&self, name: &str) -> Option<u32> {
        std::fs::read_to_string(self.path(name))
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    /// Waits until kafka-tui is up and holds what the setup says: the port, or the child.
    fn wait_until_running(&self) -> u32 {
        let screen = self
            .tmux
            .wait_for("the kafka-tui screen", WAIT, |s| s.contains("1 Topics"));
        let pid = self.pid_in("kafka-tui.pid").expect("the pid file");
        match self.setup {
            Setup::Embedded => {
                self.tmux.wait_for("the embedded broker", WAIT, |s| {
                    s.contains("connected, 1 broker")
                });
                assert!(
                    TcpListener::bind(("127.0.0.1", self.port)).is_err(),
                    "kafka-tui listens on {}:\n{screen}",
                    self.port
                );
            }
            Setup::LogCommand => {
                let deadline = Instant::now() + WAIT;
                while !self.pid_in("child.pid").is_some_and(alive) {
                    assert!(Instant::now() < deadline, "the log command did not start");
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        }
        pid
    }

    /// Waits for the exit report and returns the exit status.
    fn wait_for_exit(&self, timeout: Duration) -> i32 {
        let screen = self.tmux.wait_for("kafka-tui to exit", timeout, |s| {
            s.contains("kafka-tui-exited-") && s.contains("icanon")
        });
        let status = screen
            .split("kafka-tui-exited-")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|code| code.parse().ok());
        status.unwrap_or_else(|| panic!("no exit status on screen:\n{screen}"))
    }

    /// The terminal is as the shell left it, and nothing kafka-tui held is still held.
    fn assert_everything_released(&self) {
        let screen = self.tmux.capture();
        // Alternate screen left, cursor shown, mouse reporting off.
        let flags = self
            .tmux
            .display("alternate=#{alternate_on} cursor=#{cursor_flag} mouse=#{mouse_any_flag}");
        assert_eq!(flags, "alternate=0 cursor=1 mouse=0", "screen:\n{screen}");
        assert!(
            !screen.contains("1 Topics"),
            "the kafka-tui screen is gone:\n{screen}"
        );
        // Raw mode off: `stty -a` in the same terminal shows canonical mode and echo.
        let words: Vec<&str> = screen.split_whitespace().collect();
        for flag in ["icanon", "echo", "isig"] {
            assert!(
                words.contains(&flag) && !words.contains(&format!("-{flag}").as_str()),
                "stty says {flag} is off (raw mode left on):\n{screen}"
            );
        }
        if let Setup::Embedded = self.setup {
            assert!(
                TcpListener::bind(("127.0.0.1", self.port)).is_ok(),
                "port {} is still taken",
                self.port
            );
        }
        if let Some(child) = self.pid_in("child.pid") {
            wait_gone(child);
        }
        let marker = format!("sleep\0{}", self.sleep_secs);
        assert!(
            processes_with(&marker).is_empty(),
            "the log command is still running: {:?}",
            processes_with(&marker)
        );
    }
}

/// Whether `pid` is a live process (a zombie is not).
fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| !rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}

/// Waits a little for `pid` to go (it may be signalled a moment before), then fails.
fn wait_gone(pid: u32) {
    let deadline = Instant::now() + Duration::from_secs(3);
    while alive(pid) {
        assert!(
            Instant::now() < deadline,
            "child process {pid} is still alive"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Live processes whose command line contains `needle` (arguments are NUL-separated).
fn processes_with(needle: &str) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|c| String::from_utf8_lossy(&c).contains(needle))
        })
        .filter(|pid| alive(*pid))
        .collect()
}

fn log_contains(path: &Path, needle: &str) -> bool {
    std::fs::read_to_string(path).is_ok_and(|t| t.contains(needle))
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

/// A panic after the first frame: terminal restored, message and log path printed, exit 101,
/// the log file holds the panic, nothing left behind.
fn panic_restores_everything(name: &str, setup: Setup) {
    if skip_without_tmux() {
        return;
    }
    let run = Run::start(name, setup, true);
    assert_eq!(run.wait_for_exit(WAIT), 101, "a panic exits with 101");
    let screen = run.tmux.capture();
    let log = run.path("kafka-tui.log");
    for needle in [
        "panicking after the first frame",
        "its log is at",
        &log.display().to_string(),
    ] {
        assert!(
            screen.contains(needle),
            "{needle:?} not on screen:\n{screen}"
        );
    }
    assert!(
        log_contains(&log, "panic"),
        "the log file records the panic"
    );
    run.assert_everything_released();
}

/// SIGTERM or SIGHUP: exit 0 within `PROMPTLY`, nothing left behind.
fn signal_restores_everything(name: &str, setup: Setup, signal: &'static str) {
    if skip_without_tmux() {
        return;
    }
    let run = Run::start(name, setup, false);
    let pid = run.wait_until_running();
    let sent = Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let started = Instant::now();
    let status = run.wait_for_exit(PROMPTLY + Duration::from_secs(2));
    assert!(
        started.elapsed() <= PROMPTLY,
        "exit took {:?}",
        started.elapsed()
    );
    assert_eq!(status, 0, "SIG{signal} is a clean exit");
    run.assert_everything_released();
}

#[test]
fn panic_with_the_embedded_broker_restores_the_terminal_and_frees_the_port() {
    panic_restores_everything("panic-embedded", Setup::Embedded);
}

#[test]
fn panic_with_a_log_command_restores_the_terminal_and_stops_the_command() {
    panic_restores_everything("panic-logcmd", Setup::LogCommand);
}

#[test]
fn sigterm_with_the_embedded_broker_exits_cleanly_and_frees_the_port() {
    signal_restores_everything("term-embedded", Setup::Embedded, "TERM");
}

#[test]
fn sigterm_with_a_log_command_exits_cleanly_and_stops_the_command() {
    signal_restores_everything("term-logcmd", Setup::LogCommand, "TERM");
}

#[test]
fn sighup_with_the_embedded_broker_exits_cleanly_and_frees_the_port() {
    signal_restores_everything("hup-embedded", Setup::Embedded, "HUP");
}

#[test]
fn sighup_with_a_log_command_exits_cleanly_and_stops_the_command() {
    signal_restores_everything("hup-logcmd", Setup::LogCommand, "HUP");
}
