//! The producer's history on disk: one JSON object a line, `producer-history.jsonl` in
//! kafka-tui's state dir (beside its log), created 0600 in a 0700 directory since records can
//! be private. Read once when a session starts; written by a thread of its own, so the UI
//! never waits on the disk. Header values that look like credentials never reach it (see
//! `state::producer_history::without_secrets`).

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use crate::state::producer_history::{Entry, MAX_ENTRIES, MAX_ENTRY_BYTES};

/// A file larger than this is not read (it cannot be ours: ours holds at most
/// `MAX_ENTRIES` entries of at most `MAX_ENTRY_BYTES`, twice over before it is compacted).
const MAX_FILE: u64 = (2 * MAX_ENTRIES * (2 * MAX_ENTRY_BYTES + 256)) as u64;

pub fn default_path() -> PathBuf {
    crate::logging::default_path().with_file_name("producer-history.jsonl")
}

/// The entries in `path`, oldest first, and a warning for the person when some could not be
/// read. A missing file is an empty history.
pub fn load(path: &Path) -> (Vec<Entry>, Option<String>) {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Vec::new(), None),
        Err(e) => return (Vec::new(), Some(format!("producer history not read: {e}"))),
    };
    // A device (a link to /dev/zero) or a FIFO reports no length and never ends.
    if !meta.is_file() {
        return (
            Vec::new(),
            Some(format!(
                "producer history not read: {} is not a regular file",
                path.display()
            )),
        );
    }
    if meta.len() > MAX_FILE {
        return (
            Vec::new(),
            Some(format!(
                "producer history not read: {} is {} bytes, more than kafka-tui ever writes",
                path.display(),
                meta.len()
            )),
        );
    }
    // Bounded even if the file grows between the check and the read.
    let read = || -> std::io::Result<Vec<u8>> {
        use std::io::Read;
        let mut bytes = Vec::new();
        std::fs::File::open(path)?
            .take(MAX_FILE)
            .read_to_end(&mut bytes)?;
        Ok(bytes)
    };
    let text = match read() {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => return (Vec::new(), Some(format!("producer history not read: {e}"))),
    };
    let mut bad = 0;
    let mut entries: Vec<Entry> = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        match serde_json::from_str::<Entry>(line) {
            Ok(e) => entries.push(e),
            Err(_) => bad += 1,
        }
    }
    let skip = entries.len().saturating_sub(MAX_ENTRIES);
    entries.drain(..skip);
    let warning = (bad > 0).then(|| {
        format!(
            "producer history: {bad} unreadable line{} in {} skipped",
            if bad == 1 { "" } else { "s" },
            path.display()
        )
    });
    (entries, warning)
}

/// Appends entries to the file from its own thread; the thread ends when this is dropped.
#[derive(Debug)]
pub struct Writer {
    tx: mpsc::Sender<Entry>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Writer {
    /// Starts the writer. `kept` is the history as loaded: when the file holds more lines
    /// than that (twice `MAX_ENTRIES`), it is rewritten with `kept` first.
    pub fn start(path: PathBuf, kept: Vec<Entry>) -> Writer {
        let (tx, rx) = mpsc::channel::<Entry>();
        let spawned = std::thread::Builder::new()
            .name("producer-history".into())
            .spawn(move || {
                if let Err(e) = compact(&path, &kept) {
                    tracing::warn!("producer history {}: {e}", path.display());
                }
                for entry in rx {
                    if let Err(e) = append(&path, &entry) {
                        tracing::warn!("producer history {}: {e}", path.display());
                    }
                }
            });
        let thread = spawned
            .map_err(|e| tracing::warn!("producer history not written: {e}"))
            .ok();
        Writer { tx, thread }
    }

    /// Waits until everything appended is on disk, and ends the thread.
    pub fn finish(self) {
        let Writer { tx, thread } = self;
        drop(tx);
        if let Some(t) = thread {
            let _ = t.join();
        }
    }

    pub fn append(&self, entry: Entry) {
        // A writer whose thread has gone only loses the disk copy; the session goes on.
        let _ = self.tx.send(entry);
    }
}

fn open(path: &Path, append: bool) -> std::io::Result<std::fs::File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    let mut o = OpenOptions::new();
    o.create(true).mode(0o600);
    if append {
        o.append(true);
    } else {
        o.write(true).truncate(true);
    }
    o.open(path)
}

/// An entry as one line of the file, newline included.
fn line(entry: &Entry) -> std::io::Result<String> {
    let mut line = serde_json::to_string(entry).map_err(std::io::Error::other)?;
    line.push('\n');
    Ok(line)
}

fn append(path: &Path, entry: &Entry) -> std::io::Result<()> {
    // One write of the whole line: two sessions appending at once do not interleave lines.
    open(path, true)?.write_all(line(entry)?.as_bytes())
}

fn compact(path: &Path, kept: &[Entry]) -> std::io::Result<()> {
    let lines = match std::fs::read(path) {
        Ok(b) => b.iter().filter(|&&c| c == b'\n').count(),
        Err(_) => return Ok(()),
    };
    if lines <= 2 * MAX_ENTRIES {
        return Ok(());
    }
    let tmp = path.with_extension("jsonl.tmp");
    {
        let mut f = open(&tmp, false)?;
        for e in kept {
            f.write_all(line(e)?.as_bytes())?;
        }
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn e(v: &str) -> Entry {
        Entry {
            topic: "t".into(),
            key: "k\nwith a line".into(),
            headers: "a=1".into(),
            value: v.into(),
        }
    }

    #[test]
    fn written_privately_read_back_and_bad_lines_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/kafka-tui/producer-history.jsonl");
        assert_eq!(load(&path), (vec![], None), "no file: an empty history");
        let w = Writer::start(path.clone(), vec![]);
        w.append(e("{\"json\": 1}"));
        w.append(e("two"));
        w.finish();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let dmode = std::fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(dmode & 0o777, 0o700);
        let (entries, warning) = load(&path);
        assert_eq!(entries, vec![e("{\"json\": 1}"), e("two")]);
        assert_eq!(warning, None);

        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"not json\n{\"topic\":1}\n")
            .unwrap();
        let (entries, warning) = load(&path);
        assert_eq!(entries.len(), 2);
        assert!(warning.unwrap().contains("2 unreadable lines"));
    }

    #[test]
    fn a_long_file_is_compacted_to_the_newest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.jsonl");
        let many: String = (0..2 * MAX_ENTRIES + 5)
            .map(|i| serde_json::to_string(&e(&i.to_string())).unwrap() + "\n")
            .collect();
        std::fs::write(&path, many).unwrap();
        let (kept, _) = load(&path);
        assert_eq!(kept.len(), MAX_ENTRIES);
        assert_eq!(kept[0].value, (MAX_ENTRIES + 5).to_string());
        let w = Writer::start(path.clone(), kept);
        w.append(e("new"));
        w.finish();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text.lines().count(),
            MAX_ENTRIES + 1,
            "compacted, then appended"
        );
        assert!(text.ends_with(&(serde_json::to_string(&e("new")).unwrap() + "\n")));
    }

    #[test]
    fn a_huge_file_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.jsonl");
        let f = std::fs::File::create(&path).unwrap();
        f.set_len(MAX_FILE + 1).unwrap();
        let (entries, warning) = load(&path);
        assert!(entries.is_empty());
        assert!(warning.unwrap().contains("more than kafka-tui ever writes"));
    }

    /// A history path that is a link to an endless device or a FIFO is refused at once, not
    /// read until memory runs out (or, for a FIFO nobody writes to, waited on forever).
    #[test]
    fn a_history_that_is_not_a_regular_file_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let zero = dir.path().join("zero.jsonl");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        let (entries, warning) = load(&zero);
        assert!(entries.is_empty());
        assert!(warning.unwrap().contains("not a regular file"));
        let fifo = dir.path().join("fifo.jsonl");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let (_, warning) = load(&fifo);
        assert!(warning.unwrap().contains("not a regular file"));
    }
}
