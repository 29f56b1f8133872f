//! Helpers shared by the test binaries that drive the real kafka-tui binary: tmux sessions on
//! private sockets, shell quoting, free ports. Each test file uses a part of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use ratatui::buffer::Buffer;
use unicode_width::UnicodeWidthStr;

/// `screen` satisfied a wait: it is looked at again a moment later, and that capture is the
/// answer when it still does. A capture can land while tmux has read only part of a frame (the
/// top rows new, the rest old); the second is whole. A state that lasts less than the moment
/// keeps the first capture.
pub fn settled(
    screen: String,
    capture: impl Fn() -> String,
    pred: impl Fn(&str) -> bool,
) -> String {
    std::thread::sleep(Duration::from_millis(30));
    let again = capture();
    if pred(&again) {
        again
    } else {
        screen
    }
}

/// The kafka-tui binary Cargo built for these tests.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kafka-tui"))
}

/// `s` quoted for sh.
pub fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A loopback port that was free a moment ago (nothing listens on it now).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A tmux server of the test's own (`-L` socket, no user config), with one session.
pub struct Tmux {
    socket: String,
    session: String,
    /// capture-pane -J: wrapped lines joined back, for texts longer than the pane.
    join: bool,
}

impl Tmux {
    pub fn available() -> bool {
        Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success())
    }

    pub fn start(name: &str, cmd: &str, width: u16, height: u16) -> Tmux {
        let t = Tmux {
            socket: format!("kt-{}-{name}", std::process::id()),
            session: name.to_string(),
            join: false,
        };
        let status = Command::new("tmux")
            .args([
                "-L",
                &t.socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                &t.session,
            ])
            .args(["-x", &width.to_string(), "-y", &height.to_string()])
            .arg(cmd)
            .env("TERM", "xterm-256color")
            .status()
            .expect("tmux runs");
        assert!(status.success(), "tmux new-session failed");
        t
    }

    /// The same, reading the screen with wrapped lines joined.
    pub fn start_joined(name: &str, cmd: &str, width: u16, height: u16) -> Tmux {
        let mut t = Tmux::start(name, cmd, width, height);
        t.join = true;
        t
    }

    pub fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs")
    }

    pub fn capture(&self) -> String {
        let mut args = vec!["capture-pane", "-p"];
        if self.join {
            args.push("-J");
        }
        args.extend(["-t", &self.session]);
        String::from_utf8_lossy(&self.tmux(&args).stdout).into_owned()
    }

    /// A tmux format evaluated for the pane (`#{alternate_on}` ...).
    pub fn display(&self, format: &str) -> String {
        let out = self.tmux(&["display-message", "-p", "-t", &self.session, format]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.session];
        args.extend_from_slice(keys);
        assert!(self.tmux(&args).status.success(), "send-keys {keys:?}");
    }

    /// Types text literally (no key-name interpretation; `--` so that text starting with `-`,
    /// a reset's shift `-4` say, is not read as a tmux option).
    pub fn type_text(&self, text: &str) {
        assert!(self
            .tmux(&["send-keys", "-l", "-t", &self.session, "--", text])
            .status
            .success());
    }

    /// Presses Esc. Esc and the next key may reach the app together, as Alt+key: the app
    /// reads Alt+q, Alt+:, Alt+1..4, Alt+/ and Alt+? as Esc then the key (app/input.rs), so
    /// no pause is needed before those.
    pub fn escape(&self) {
        self.keys(&["Escape"]);
    }

    /// Waits until the screen satisfies `pred`; on timeout, fails showing the screen.
    pub fn wait_for(&self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let screen = self.capture();
            if pred(&screen) {
                return settled(screen, || self.capture(), &pred);
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Esc, q, and the shell's report of a clean exit (commands end with
    /// `; echo kafka-tui-exited-$?`).
    pub fn quit_cleanly(&self, timeout: Duration) {
        self.escape();
        self.keys(&["q"]);
        self.wait_for("a clean exit", timeout, |s| {
            s.contains("kafka-tui-exited-0")
        });
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

/// "12 held" in the tail's title.
pub fn held(screen: &str) -> Option<u64> {
    let at = screen.find(" held")?;
    screen[..at]
        .rsplit(' ')
        .next()?
        .replace(',', "")
        .parse()
        .ok()
}

/// True (with a printed reason) when tmux is missing locally; in CI a missing tmux fails.
pub fn skip_without_tmux() -> bool {
    if Tmux::available() {
        return false;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "tmux is required in CI (.ci/setup installs it)"
    );
    eprintln!("SKIPPED: tmux is not installed (apt-get install tmux)");
    true
}

/// A drawn buffer as text, one line per row, trailing blanks trimmed. Cells hidden behind a
/// wide character are skipped, as a terminal would.
pub fn buffer_text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut rows = Vec::with_capacity(area.height as usize);
    for y in area.top()..area.bottom() {
        let mut row = String::new();
        let mut skip = 0;
        for x in area.left()..area.right() {
            let symbol = buffer[(x, y)].symbol();
            if skip == 0 {
                row.push_str(symbol);
            }
            skip = symbol.width().max(skip).saturating_sub(1);
        }
        rows.push(row.trim_end().to_string());
    }
    rows.join("\n")
}
pub mod fixture;
pub mod hostile;
pub mod http_stub;
pub mod peers;
