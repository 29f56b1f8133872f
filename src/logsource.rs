//! Log sources the Logs pane follows: the embedded broker's own lines, a file (like `tail -F`)
//! or a command's output (like `docker logs -f broker`).

use std::io::SeekFrom;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// News from a log source, sent on the sources' own channel (the app wraps it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogEvent {
    Lines {
        source: usize,
        lines: Vec<String>,
    },
    /// The source changed state: started, exited, file rotated, ...
    Status {
        source: usize,
        text: String,
    },
}

/// Lines sent to the UI in one event at most.
const LINES_PER_EVENT: usize = 512;
/// On opening a file, how much of its end is read: the pane keeps a bounded tail anyway.
const FILE_BACKLOG_BYTES: u64 = 256 * 1024;
/// The longest line a source sends; a longer one is cut there and marked with `CUT_MARK`.
pub const MAX_LINE_BYTES: usize = 16 * 1024;
pub const CUT_MARK: &str = " …(line cut)";
/// Past this many bytes of one cut line, reading slows down (see `LineSplitter::flooding`).
const FLOOD_BYTES: u64 = 1 << 20;
const FLOOD_PAUSE: Duration = Duration::from_millis(10);

#[derive(Debug)]
pub enum LogSpec {
    /// Lines pushed by an in-process engine (the embedded broker).
    Channel(mpsc::Receiver<String>),
    File(PathBuf),
    Command(String),
    /// Nothing to follow: the text says why.
    Note(String),
}

#[derive(Debug)]
pub struct LogSourceDef {
    pub name: String,
    pub spec: LogSpec,
}

impl LogSpec {
    /// How the pane describes the source.
    pub fn describe(&self) -> String {
        match self {
            LogSpec::Channel(_) => "embedded broker log".into(),
            LogSpec::File(p) => format!("file {}", p.display()),
            LogSpec::Command(c) => format!("command: {c}"),
            LogSpec::Note(n) => n.clone(),
        }
    }
}

async fn status(tx: &mpsc::Sender<LogEvent>, source: usize, text: String) {
    let _ = tx.send(LogEvent::Status { source, text }).await;
}

/// Starts one task per source; all stop when `cancel` fires.
pub fn spawn_all(defs: Vec<LogSourceDef>, tx: mpsc::Sender<LogEvent>, cancel: CancellationToken) {
    for (source, def) in defs.into_iter().enumerate() {
        let tx = tx.clone();
        let cancel = cancel.clone();
        tokio::spawn(async move {
            tokio::select! {
                _ = cancel.cancelled() => {}
                _ = run_source(source, def.spec, &tx, &cancel) => {}
            }
        });
    }
}

async fn run_source(
    source: usize,
    spec: LogSpec,
    tx: &mpsc::Sender<LogEvent>,
    cancel: &CancellationToken,
) {
    match spec {
        LogSpec::Channel(rx) => follow_channel(source, rx, tx).await,
        LogSpec::File(path) => follow_file(source, path, tx).await,
        LogSpec::Command(cmd) => follow_command(source, &cmd, tx, cancel).await,
        LogSpec::Note(text) => status(tx, source, text).await,
    }
}

/// Forwards lines to the UI, as many per event as are waiting (up to `LINES_PER_EVENT`),
/// until the sender closes; false when the UI is gone.
async fn forward_batches(
    source: usize,
    rx: &mut mpsc::Receiver<String>,
    tx: &mpsc::Sender<LogEvent>,
) -> bool {
    while let Some(first) = rx.recv().await {
        let mut lines = vec![first];
        while lines.len() < LINES_PER_EVENT {
            match rx.try_recv() {
                Ok(l) => lines.push(l),
                Err(_) => break,
            }
        }
        if tx.send(LogEvent::Lines { source, lines }).await.is_err() {
            return false;
        }
    }
    true
}

async fn follow_channel(
    source: usize,
    mut rx: mpsc::Receiver<String>,
    tx: &mpsc::Sender<LogEvent>,
) {
    if forward_batches(source, &mut rx, tx).await {
        status(tx, source, "the embedded broker stopped".into()).await;
    }
}

/// Splits a byte stream into lines as it arrives, looking at each byte once: `\n`, `\r\n` and a
/// lone `\r` (a progress bar redrawing itself) each end a line. A line longer than
/// `MAX_LINE_BYTES` is sent at once, cut and marked, and the rest of it is skipped up to the next
/// line end, so a stream that never ends a line (binary output, `cat /dev/zero`) holds at most
/// `MAX_LINE_BYTES`, however long it runs.
#[derive(Debug, Default)]
pub struct LineSplitter {
    partial: Vec<u8>,
    /// Bytes of the current line skipped after its cut (0: not cut).
    skipped: u64,
    /// The line was cut: what follows up to the line end is dropped.
    cut: bool,
    /// The previous byte was `\r`: a `\n` right after it ends no second line.
    after_cr: bool,
}

impl LineSplitter {
    /// Feeds `bytes`; the lines they complete are appended to `out`.
    pub fn push(&mut self, mut bytes: &[u8], out: &mut Vec<String>) {
        while !bytes.is_empty() {
            if std::mem::take(&mut self.after_cr) && bytes[0] == b'\n' {
                bytes = &bytes[1..];
                continue;
            }
            match bytes.iter().position(|&b| b == b'\n' || b == b'\r') {
                Some(i) => {
                    self.take(&bytes[..i], out);
                    self.end_line(out);
                    self.after_cr = bytes[i] == b'\r';
                    bytes = &bytes[i + 1..];
                }
                None => {
                    self.take(bytes, out);
                    return;
                }
            }
        }
    }

    /// The stream ended: a last line without a line end is a line too.
    pub fn finish(&mut self, out: &mut Vec<String>) {
        if !self.partial.is_empty() {
            self.end_line(out);
        }
        self.cut = false;
        self.skipped = 0;
        self.after_cr = false;
    }

    /// Forgets the partial line (the file was truncated).
    pub fn reset(&mut self) {
        *self = LineSplitter::default();
    }

    /// True while a cut line goes on past `FLOOD_BYTES`: the reader then pauses between
    /// reads, so a source that writes only garbage (`cat /dev/zero`) costs little CPU.
    pub fn flooding(&self) -> bool {
        self.skipped > FLOOD_BYTES
    }

    fn take(&mut self, part: &[u8], out: &mut Vec<String>) {
        if self.cut {
            self.skipped += part.len() as u64;
            return;
        }
        let room = MAX_LINE_BYTES - self.partial.len();
        if part.len() <= room {
            self.partial.extend_from_slice(part);
            return;
        }
        self.partial.extend_from_slice(&part[..room]);
        let mut line = String::from_utf8_lossy(&self.partial).into_owned();
        line.push_str(CUT_MARK);
        out.push(line);
        self.partial.clear();
        self.cut = true;
        self.skipped = (part.len() - room) as u64;
    }

    fn end_line(&mut self, out: &mut Vec<String>) {
        if !std::mem::take(&mut self.cut) {
            out.push(String::from_utf8_lossy(&self.partial).into_owned());
        }
        self.partial.clear();
        self.skipped = 0;
    }
}

async fn send_lines(tx: &mpsc::Sender<LogEvent>, source: usize, lines: Vec<String>) -> bool {
    for chunk in lines.chunks(LINES_PER_EVENT) {
        let ev = LogEvent::Lines {
            source,
            lines: chunk.to_vec(),
        };
        if tx.send(ev).await.is_err() {
            return false;
        }
    }
    true
}

/// Follows a file like `tail -F`: survives truncation, rotation and deletion.
async fn follow_file(source: usize, path: PathBuf, tx: &mpsc::Sender<LogEvent>) {
    let shown = path.display().to_string();
    let mut announced_missing = false;
    loop {
        let mut file = match tokio::fs::File::open(&path).await {
            Ok(f) => f,
            Err(e) => {
                if !announced_missing {
                    status(
                        tx,
                        source,
                        format!("cannot open {shown}: {e}; waiting for it"),
                    )
                    .await;
                    announced_missing = true;
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
        };
        announced_missing = false;
        let Ok(meta) = file.metadata().await else {
            continue;
        };
        let inode = meta.ino();
        let mut pos = meta.len().saturating_sub(FILE_BACKLOG_BYTES);
        let _ = file.seek(SeekFrom::Start(pos)).await;
        status(tx, source, format!("following {shown}")).await;
        let mut splitter = LineSplitter::default();
        let mut first = pos > 0;
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            match file.read(&mut chunk).await {
                Ok(0) => {}
                Ok(n) => {
                    pos += n as u64;
                    let mut lines = Vec::new();
                    splitter.push(&chunk[..n], &mut lines);
                    if first && !lines.is_empty() {
                        lines.remove(0); // the backlog starts mid-line
                        first = false;
                    }
                    if !send_lines(tx, source, lines).await {
                        return;
                    }
                    if splitter.flooding() {
                        tokio::time::sleep(FLOOD_PAUSE).await;
                    }
                    continue;
                }
                Err(e) => {
                    status(tx, source, format!("read error on {shown}: {e}")).await;
                }
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
            // One look at the path decides both the drain and what to say, so a rename
            // between two looks cannot skip the drain.
            let now = tokio::fs::metadata(&path).await;
            if !matches!(&now, Ok(m) if m.ino() == inode) {
                // Rotated or deleted: what was written to the old file just before still
                // counts, so read it to its end first.
                let lines = drain_rest(&mut file, &mut splitter).await;
                if !send_lines(tx, source, lines).await {
                    return;
                }
            }
            match now {
                Ok(m) if m.ino() != inode => {
                    status(tx, source, format!("{shown} was rotated; reopened")).await;
                    break;
                }
                Ok(m) if m.len() < pos => {
                    status(
                        tx,
                        source,
                        format!("{shown} was truncated; reading from its start"),
                    )
                    .await;
                    pos = 0;
                    splitter.reset();
                    let _ = file.seek(SeekFrom::Start(0)).await;
                }
                Ok(_) => {}
                Err(_) => {
                    status(
                        tx,
                        source,
                        format!("{shown} was deleted; waiting for it to come back"),
                    )
                    .await;
                    announced_missing = true;
                    break;
                }
            }
        }
    }
}

/// Reads what is left of a file being left behind (16 MiB at most), including a last line
/// without newline.
async fn drain_rest(file: &mut tokio::fs::File, splitter: &mut LineSplitter) -> Vec<String> {
    let mut rest = Vec::new();
    let _ = file.take(16 << 20).read_to_end(&mut rest).await;
    let mut lines = Vec::new();
    splitter.push(&rest, &mut lines);
    splitter.finish(&mut lines);
    lines
}

/// Streams a shell command's stdout and stderr, like `docker logs -f broker`.
async fn follow_command(
    source: usize,
    cmd: &str,
    tx: &mpsc::Sender<LogEvent>,
    cancel: &CancellationToken,
) {
    let mut command = tokio::process::Command::new("sh");
    command
        .arg("-c")
        .arg(cmd)
        .env_clear()
        .envs(log_command_env(std::env::vars_os()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        // Its own process group, so quitting can stop the whole pipeline, not just `sh`.
        .process_group(0);
    let mut child = match command.spawn() {
        Ok(c) => c,
        Err(e) => {
            status(tx, source, format!("cannot run `{cmd}`: {e}")).await;
            return;
        }
    };
    status(tx, source, format!("running `{cmd}`")).await;
    let mut guard = GroupGuard(child.id());
    if let Some(pid) = child.id() {
        // A fatal signal cannot run `guard`'s Drop: let its handler stop the group.
        crate::signals::register_child_group(pid);
    }
    let (line_tx, mut line_rx) = mpsc::channel::<String>(1024);
    if let Some(out) = child.stdout.take() {
        tokio::spawn(pipe_lines(out, line_tx.clone()));
    }
    if let Some(err) = child.stderr.take() {
        tokio::spawn(pipe_lines(err, line_tx.clone()));
    }
    drop(line_tx);
    let forward = forward_batches(source, &mut line_rx, tx);
    tokio::select! {
        // Dropping `guard` stops the process group.
        _ = cancel.cancelled() => {}
        _ = forward => {
            let text = match child.wait().await {
                Ok(s) if s.success() => format!("`{cmd}` finished"),
                Ok(s) => format!("`{cmd}` exited with {s}"),
                Err(e) => format!("`{cmd}` could not be waited for: {e}"),
            };
            if let Some(pid) = guard.0.take() {
                crate::signals::unregister_child_group(pid);
            }
            status(tx, source, text).await;
        }
    }
}

/// Variables a log command keeps from kafka-tui's environment: what `docker logs`, `podman
/// logs`, `kubectl logs`, `journalctl` or `ssh host tail -f` need to find their programs,
/// configuration, daemon and agent, and the locale. Nothing else: kafka-tui's environment is
/// where a cluster's password comes from (`${KAFKA_PASSWORD}`, `-X sasl.password=@env:...`),
/// and a log command has no use for it. A command that needs another variable can set it
/// itself (`AWS_PROFILE=ops aws logs tail ...`).
const LOG_COMMAND_ENV: &[&str] = &[
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "SHELL",
    "LANG",
    "LANGUAGE",
    "TERM",
    "TZ",
    "TMPDIR",
    "XDG_RUNTIME_DIR",
    "XDG_CONFIG_HOME",
    "XDG_CACHE_HOME",
    "XDG_DATA_HOME",
    "SSH_AUTH_SOCK",
    "DOCKER_HOST",
    "DOCKER_CONTEXT",
    "DOCKER_CONFIG",
    "DOCKER_CERT_PATH",
    "DOCKER_TLS_VERIFY",
    "DOCKER_API_VERSION",
    "CONTAINER_HOST",
    "CONTAINER_CONNECTION",
    "KUBECONFIG",
];

/// The environment a log command runs with: `LOG_COMMAND_ENV` and the `LC_*` locale
/// variables, taken from `vars`.
pub fn log_command_env(
    vars: impl Iterator<Item = (std::ffi::OsString, std::ffi::OsString)>,
) -> Vec<(std::ffi::OsString, std::ffi::OsString)> {
    vars.filter(|(k, _)| {
        k.to_str()
            .is_some_and(|k| LOG_COMMAND_ENV.contains(&k) || k.starts_with("LC_"))
    })
    .collect()
}

/// Stops the command's process group when its task ends for any reason, quitting included.
struct GroupGuard(Option<u32>);

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if let Some(pid) = self.0 {
            crate::signals::unregister_child_group(pid);
        }
        kill_group(self.0.take());
    }
}

async fn pipe_lines<R: tokio::io::AsyncRead + Unpin>(mut r: R, tx: mpsc::Sender<String>) {
    let mut splitter = LineSplitter::default();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut lines = Vec::new();
    loop {
        let ended = match r.read(&mut chunk).await {
            Ok(0) | Err(_) => {
                splitter.finish(&mut lines);
                true
            }
            Ok(n) => {
                splitter.push(&chunk[..n], &mut lines);
                false
            }
        };
        for line in lines.drain(..) {
            if tx.send(line).await.is_err() {
                return;
            }
        }
        if ended {
            return;
        }
        if splitter.flooding() {
            tokio::time::sleep(FLOOD_PAUSE).await;
        }
    }
}

/// Stops a command's whole process group (`docker logs -f` under `sh -c`).
pub fn kill_group(pid: Option<u32>) {
    if let Some(pid) = pid {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", "--", &format!("-{pid}")])
            .stderr(Stdio::null())
            .status();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(chunks: &[&[u8]]) -> Vec<String> {
        let mut s = LineSplitter::default();
        let mut out = Vec::new();
        for c in chunks {
            s.push(c, &mut out);
        }
        s.finish(&mut out);
        out
    }

    #[test]
    fn lines_end_at_newline_crlf_and_lone_cr_across_chunks() {
        assert_eq!(
            split(&[b"one\r", b"\ntwo\nthr", b"ee\r50%\r100%\r\n", b"last"]),
            vec!["one", "two", "three", "50%", "100%", "last"]
        );
        // Empty lines stay, but \r\n is one line end, even split between two reads.
        assert_eq!(split(&[b"a\n\nb\r", b"\n"]), vec!["a", "", "b"]);
    }

    #[test]
    fn invalid_utf8_is_lossy() {
        assert_eq!(split(&[b"a\xffb\n"]), vec!["a\u{fffd}b"]);
    }

    #[test]
    fn a_line_without_end_is_cut_once_and_the_rest_skipped() {
        let mut s = LineSplitter::default();
        let mut out = Vec::new();
        for _ in 0..1000 {
            s.push(&[b'x'; 4096], &mut out);
        }
        assert_eq!(out.len(), 1, "one cut line, sent as soon as it is too long");
        assert_eq!(out[0].len(), MAX_LINE_BYTES + CUT_MARK.len());
        assert!(out[0].ends_with(CUT_MARK));
        assert!(s.partial.is_empty(), "nothing held while skipping");
        assert!(s.flooding());
        s.push(b"tail of the long line\nnext\n", &mut out);
        assert_eq!(out[1..], ["next"], "the rest of the cut line is not a line");
        assert!(!s.flooding());
    }

    #[test]
    fn a_line_of_exactly_the_limit_is_not_cut() {
        let line = vec![b'y'; MAX_LINE_BYTES];
        let out = split(&[&line, b"\n"]);
        assert_eq!(out, vec!["y".repeat(MAX_LINE_BYTES)]);
    }
}
