//! Log sources the Logs pane follows: the embedded broker's own lines, a file (like `tail -F`)
//! or a command's output (like `docker logs -f broker`).

use std::io::SeekFrom;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncSeekExt, BufReader};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::event::{Event, LogEvent};

/// Lines sent to the UI in one event at most.
const LINES_PER_EVENT: usize = 512;
/// On opening a file, how much of its end is read: the pane keeps a bounded tail anyway.
const FILE_BACKLOG_BYTES: u64 = 256 * 1024;

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

async fn status(tx: &mpsc::Sender<Event>, source: usize, text: String) {
    let _ = tx.send(Event::Log(LogEvent::Status { source, text })).await;
}

/// Starts one task per source; all stop when `cancel` fires.
pub fn spawn_all(defs: Vec<LogSourceDef>, tx: mpsc::Sender<Event>, cancel: CancellationToken) {
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
    tx: &mpsc::Sender<Event>,
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
    tx: &mpsc::Sender<Event>,
) -> bool {
    while let Some(first) = rx.recv().await {
        let mut lines = vec![first];
        while lines.len() < LINES_PER_EVENT {
            match rx.try_recv() {
                Ok(l) => lines.push(l),
                Err(_) => break,
            }
        }
        if tx
            .send(Event::Log(LogEvent::Lines { source, lines }))
            .await
            .is_err()
        {
            return false;
        }
    }
    true
}

async fn follow_channel(source: usize, mut rx: mpsc::Receiver<String>, tx: &mpsc::Sender<Event>) {
    if forward_batches(source, &mut rx, tx).await {
        status(tx, source, "the embedded broker stopped".into()).await;
    }
}

/// Splits complete lines off `buf`, leaving a trailing partial line in place.
pub fn take_lines(buf: &mut Vec<u8>) -> Vec<String> {
    let Some(last_nl) = buf.iter().rposition(|&b| b == b'\n') else {
        return Vec::new();
    };
    let rest = buf.split_off(last_nl + 1);
    let done = std::mem::replace(buf, rest);
    done[..done.len() - 1]
        .split(|&b| b == b'\n')
        .map(|l| String::from_utf8_lossy(l.strip_suffix(b"\r").unwrap_or(l)).into_owned())
        .collect()
}

async fn send_lines(tx: &mpsc::Sender<Event>, source: usize, lines: Vec<String>) -> bool {
    for chunk in lines.chunks(LINES_PER_EVENT) {
        let ev = Event::Log(LogEvent::Lines {
            source,
            lines: chunk.to_vec(),
        });
        if tx.send(ev).await.is_err() {
            return false;
        }
    }
    true
}

/// Follows a file like `tail -F`: survives truncation, rotation and deletion.
async fn follow_file(source: usize, path: PathBuf, tx: &mpsc::Sender<Event>) {
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
        let mut buf = Vec::new();
        let mut first = pos > 0;
        loop {
            let mut chunk = Vec::new();
            match (&mut file).take(1 << 20).read_to_end(&mut chunk).await {
                Ok(0) => {}
                Ok(n) => {
                    pos += n as u64;
                    buf.extend_from_slice(&chunk);
                    let mut lines = take_lines(&mut buf);
                    if first && !lines.is_empty() {
                        lines.remove(0); // the backlog starts mid-line
                        first = false;
                    }
                    if !send_lines(tx, source, lines).await {
                        return;
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
                let lines = drain_rest(&mut file, &mut buf).await;
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
                    buf.clear();
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

/// Reads what is left of a file being left behind, including a last line without newline.
async fn drain_rest(file: &mut tokio::fs::File, buf: &mut Vec<u8>) -> Vec<String> {
    let mut rest = Vec::new();
    let _ = file.take(16 << 20).read_to_end(&mut rest).await;
    buf.extend_from_slice(&rest);
    if !buf.is_empty() && buf.last() != Some(&b'\n') {
        buf.push(b'\n');
    }
    take_lines(buf)
}

/// Streams a shell command's stdout and stderr, like `docker logs -f broker`.
async fn follow_command(
    source: usize,
    cmd: &str,
    tx: &mpsc::Sender<Event>,
    cancel: &CancellationToken,
) {
    let mut command = tokio::process::Command::new("sh");
    command
        .arg("-c")
        .arg(cmd)
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

async fn pipe_lines<R: tokio::io::AsyncRead + Unpin>(r: R, tx: mpsc::Sender<String>) {
    let mut reader = BufReader::new(r);
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {
                let l = line.strip_suffix(b"\n").unwrap_or(&line);
                let l = l.strip_suffix(b"\r").unwrap_or(l);
                if tx
                    .send(String::from_utf8_lossy(l).into_owned())
                    .await
                    .is_err()
                {
                    return;
                }
            }
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

    #[test]
    fn take_lines_keeps_partial_line() {
        let mut buf = b"one\r\ntwo\nthr".to_vec();
        assert_eq!(take_lines(&mut buf), vec!["one", "two"]);
        assert_eq!(buf, b"thr");
        buf.extend_from_slice(b"ee\n");
        assert_eq!(take_lines(&mut buf), vec!["three"]);
        assert!(buf.is_empty());
    }

    #[test]
    fn take_lines_on_invalid_utf8_is_lossy() {
        let mut buf = b"a\xffb\n".to_vec();
        assert_eq!(take_lines(&mut buf), vec!["a\u{fffd}b"]);
    }
}
