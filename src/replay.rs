//! `kafka-tui produce -f FILE`: publishes a file of records, as exported (JSON Lines) or one
//! value a line (kcat's default, `-K` splitting a key off), at a chosen rate, and says at the
//! end how many were delivered and how many failed.
//!
//! A file is read twice: first to check every line, so that a malformed line stops the replay
//! before anything is sent rather than half way through; then to send. Standard input is read
//! once, and a bad line there stops the replay at that line.

use std::io::{BufRead, BufReader, IsTerminal as _, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rdkafka::client::ClientContext;
use rdkafka::message::{Header as RdHeader, OwnedHeaders};
use rdkafka::producer::{
    BaseRecord, DeliveryResult, Producer as _, ProducerContext, ThreadedProducer,
};
use rdkafka::types::RDKafkaErrorCode;

use crate::export::{FileFormat, Line};
use crate::kafka::client::ClientSettings;
use crate::model::Record;

/// How long the end of a replay waits for the last deliveries.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone)]
pub struct ReplaySpec {
    /// Where to publish; `None`: each JSON line's own topic.
    pub topic: Option<String>,
    /// The file; `-` is standard input.
    pub file: PathBuf,
    /// JSON Lines or text (one value a line).
    pub format: FileFormat,
    /// Text: what separates a key from the value on a line (kcat's `-K`).
    pub key_delimiter: Option<String>,
    /// Records a second at most.
    pub rate: Option<f64>,
    /// Every record to this partition; else a JSON line's own partition where the topic has
    /// it, and the partitioner's choice otherwise.
    pub partition: Option<i32>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReplayReport {
    pub sent: u64,
    pub delivered: u64,
    pub failed: u64,
    /// Still in flight when the wait ended: the broker may or may not have them.
    pub unknown: u64,
    pub first_error: Option<String>,
    /// Stopped before the end of the file (the app quit, or the session changed).
    pub stopped: bool,
    /// Records whose partition in the file the topic does not have: the partitioner chose.
    pub repartitioned: u64,
}

impl ReplayReport {
    pub fn ok(&self) -> bool {
        self.failed == 0 && self.unknown == 0 && !self.stopped
    }

    /// One line for people: `3 delivered, 1 failed (first: …)`.
    pub fn summary(&self) -> String {
        let mut s = format!("{} delivered", self.delivered);
        if self.failed > 0 {
            s.push_str(&format!(", {} failed", self.failed));
        }
        if self.unknown > 0 {
            s.push_str(&format!(
                ", {} unknown (still in flight after {}s: the topic may hold them)",
                self.unknown,
                FLUSH_TIMEOUT.as_secs()
            ));
        }
        if self.stopped {
            s.push_str(", stopped before the end");
        }
        if self.repartitioned > 0 {
            s.push_str(&format!(
                ", {} not in the partition the file names (the topic has fewer: the partitioner chose)",
                self.repartitioned
            ));
        }
        if let Some(e) = &self.first_error {
            s.push_str(&format!(" (first error: {e})"));
        }
        s
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} line {line}: {reason}")]
    BadLine {
        path: String,
        line: usize,
        reason: String,
    },
    #[error("{0}")]
    Usage(String),
    #[error("cannot create the producer: {0}")]
    Client(String),
    #[error("cannot read the cluster's metadata: {0}")]
    Metadata(String),
}

/// Counts what librdkafka reports of each record.
#[derive(Default)]
struct Counts {
    delivered: AtomicU64,
    failed: AtomicU64,
    first_error: Mutex<Option<String>>,
}

impl Counts {
    /// A record that will not be delivered; the first reason is kept.
    fn fail(&self, reason: String) {
        self.failed.fetch_add(1, Ordering::Relaxed);
        let mut first = self.first_error.lock().unwrap_or_else(|p| p.into_inner());
        first.get_or_insert(reason);
    }
}

impl ClientContext for Counts {}

impl ProducerContext for Counts {
    type DeliveryOpaque = ();

    fn delivery(&self, result: &DeliveryResult<'_>, _: ()) {
        match result {
            Ok(_) => {
                self.delivered.fetch_add(1, Ordering::Relaxed);
            }
            Err((e, _)) => self.fail(e.to_string()),
        }
    }
}

fn open(path: &Path) -> Result<Box<dyn BufRead>, ReplayError> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(BufReader::new(std::io::stdin())));
    }
    let f = std::fs::File::open(path).map_err(|source| ReplayError::Read {
        path: path.display().to_string(),
        source,
    })?;
    Ok(Box::new(BufReader::new(f)))
}

/// Turns one line into a record, or says why it cannot be one.
fn parse_line(spec: &ReplaySpec, line: &str) -> Result<Option<Record>, String> {
    match spec.format {
        FileFormat::JsonLines => {
            if line.trim().is_empty() {
                return Ok(None);
            }
            let mut r = Line::parse(line)
                .and_then(|l| l.to_record())
                .map_err(|e| e.to_string())?;
            if let Some(t) = &spec.topic {
                r.topic = t.clone();
            } else if r.topic.is_empty() {
                return Err("no topic in the line, and no -t".into());
            }
            Ok(Some(r))
        }
        FileFormat::Text => {
            let topic = spec
                .topic
                .clone()
                .ok_or_else(|| "a text file needs -t TOPIC".to_string())?;
            let (key, value) = match spec.key_delimiter.as_deref() {
                Some(d) => match line.split_once(d) {
                    Some((k, v)) => (Some(k.as_bytes().to_vec()), v),
                    None => return Err(format!("no key delimiter {d:?} in the line")),
                },
                None => (None, line),
            };
            Ok(Some(Record {
                topic,
                partition: -1,
                offset: -1,
                timestamp_ms: None,
                leader_epoch: None,
                key,
                value: Some(value.as_bytes().to_vec()),
                headers: Vec::new(),
            }))
        }
        FileFormat::Csv => Err("CSV is written, not read: export as .jsonl to replay".into()),
    }
}

/// A line longer than this is refused: Kafka's default record limit is 1 MiB, and a file
/// without line ends (`-f /dev/zero`) must not fill the memory.
const MAX_LINE: u64 = 64 << 20;

/// Lines of `reader` (without their line break), numbered from 1.
fn lines(reader: impl Read) -> impl Iterator<Item = (usize, std::io::Result<String>)> {
    bounded_lines(reader, MAX_LINE)
}

/// As `BufRead::lines`, but a line over `max` bytes is an error instead of a growing buffer.
fn bounded_lines(
    reader: impl Read,
    max: u64,
) -> impl Iterator<Item = (usize, std::io::Result<String>)> {
    use std::io::{Error, ErrorKind};
    let mut r = BufReader::new(reader);
    let mut no = 0;
    std::iter::from_fn(move || {
        let mut buf = Vec::new();
        let line = match (&mut r).take(max + 1).read_until(b'\n', &mut buf) {
            Ok(0) => return None,
            Ok(_) if buf.last() != Some(&b'\n') && buf.len() as u64 > max => Err(Error::new(
                ErrorKind::InvalidData,
                format!("a line longer than {max} bytes"),
            )),
            Ok(_) => {
                if buf.last() == Some(&b'\n') {
                    buf.pop();
                    if buf.last() == Some(&b'\r') {
                        buf.pop();
                    }
                }
                String::from_utf8(buf).map_err(|_| {
                    Error::new(ErrorKind::InvalidData, "stream did not contain valid UTF-8")
                })
            }
            Err(e) => Err(e),
        };
        no += 1;
        Some((no, line))
    })
}

/// Checks every line of a file; the number of records it holds.
fn check(spec: &ReplaySpec) -> Result<u64, ReplayError> {
    let path = spec.file.display().to_string();
    let mut n = 0;
    for (no, line) in lines(open(&spec.file)?) {
        let line = line.map_err(|source| ReplayError::Read {
            path: path.clone(),
            source,
        })?;
        match parse_line(spec, &line) {
            Ok(Some(_)) => n += 1,
            Ok(None) => {}
            Err(reason) => {
                return Err(ReplayError::BadLine {
                    path,
                    line: no,
                    reason,
                })
            }
        }
    }
    Ok(n)
}

/// Publishes the file. `progress` is called now and then with (sent, total if known, report),
/// and stops the replay by answering false.
pub fn run(
    settings: &ClientSettings,
    spec: &ReplaySpec,
    progress: impl FnMut(u64, Option<u64>, &ReplayReport) -> bool,
) -> Result<ReplayReport, ReplayError> {
    if spec.format == FileFormat::Csv {
        return Err(ReplayError::Usage(
            "CSV is written, not read: export as .jsonl to replay".into(),
        ));
    }
    let stdin = spec.file.as_os_str() == "-";
    let total = if stdin { None } else { Some(check(spec)?) };
    let path = spec.file.display().to_string();
    let records = lines(open(&spec.file)?).filter_map(|(no, line)| {
        let line = match line {
            Ok(l) => l,
            Err(source) => {
                return Some(Err(ReplayError::Read {
                    path: path.clone(),
                    source,
                }))
            }
        };
        match parse_line(spec, &line) {
            Ok(Some(r)) => Some(Ok(r)),
            Ok(None) => None,
            Err(reason) => Some(Err(ReplayError::BadLine {
                path: path.clone(),
                line: no,
                reason,
            })),
        }
    });
    publish_all(
        settings,
        spec.rate,
        spec.partition,
        total,
        records,
        progress,
    )
}

/// Publishes `records` (stopping at the first `Err`, which is returned), at most `rate` a
/// second, all to `partition` when given, else each to its own partition where the topic has
/// it. `progress` is called now and then with (sent, total, report) and stops it by answering
/// false. Shared by file replays and the producer's `:produce N`.
pub fn publish_all(
    settings: &ClientSettings,
    rate: Option<f64>,
    partition: Option<i32>,
    total: Option<u64>,
    records: impl Iterator<Item = Result<Record, ReplayError>>,
    mut progress: impl FnMut(u64, Option<u64>, &ReplayReport) -> bool,
) -> Result<ReplayReport, ReplayError> {
    let producer: ThreadedProducer<Counts> =
        crate::kafka::producer::producer_config(settings, true)
            .create_with_context(Counts::default())
            .map_err(|e| ReplayError::Client(e.to_string()))?;
    let mut partitions: std::collections::HashMap<String, i32> = Default::default();
    let mut report = ReplayReport::default();
    let started = Instant::now();
    let mut last_progress = Instant::now();
    for r in records {
        let r = r?;
        if let Some(rate) = rate.filter(|r| *r > 0.0) {
            let due = started + Duration::from_secs_f64(report.sent as f64 / rate);
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
        }
        let count = match partitions.get(&r.topic) {
            Some(&n) => n,
            None => {
                let n = partition_count(&producer, &r.topic)?;
                partitions.insert(r.topic.clone(), n);
                n
            }
        };
        let partition = partition.or_else(|| {
            let kept = r.partition >= 0 && r.partition < count;
            if r.partition >= 0 && !kept {
                report.repartitioned += 1;
            }
            kept.then_some(r.partition)
        });
        send(&producer, &r, partition);
        report.sent += 1;
        if last_progress.elapsed() >= Duration::from_millis(200) {
            last_progress = Instant::now();
            fill_counts(&producer, &mut report);
            if !progress(report.sent, total, &report) {
                report.stopped = true;
                break;
            }
        }
    }
    let flushed = producer.flush(FLUSH_TIMEOUT).is_ok();
    fill_counts(&producer, &mut report);
    if !flushed {
        report.unknown = report.sent.saturating_sub(report.delivered + report.failed);
    }
    let _ = progress(report.sent, total, &report);
    Ok(report)
}

fn fill_counts(producer: &ThreadedProducer<Counts>, report: &mut ReplayReport) {
    let c = producer.context();
    report.delivered = c.delivered.load(Ordering::Relaxed);
    report.failed = c.failed.load(Ordering::Relaxed);
    report.first_error = c
        .first_error
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
}

/// The topic's partition count, 0 when the broker does not know the topic. A topic the broker
/// creates on first use is asked for again for a few seconds: its first answer has no
/// partitions yet.
fn partition_count(producer: &ThreadedProducer<Counts>, topic: &str) -> Result<i32, ReplayError> {
    for attempt in 0..10 {
        let md = producer
            .client()
            .fetch_metadata(Some(topic), Duration::from_secs(10))
            .map_err(|e| ReplayError::Metadata(e.to_string()))?;
        let n = md
            .topics()
            .iter()
            .find(|t| t.name() == topic && t.error().is_none())
            .map_or(0, |t| i32::try_from(t.partitions().len()).unwrap_or(0));
        if n > 0 || attempt == 9 {
            return Ok(n);
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    Ok(0)
}

/// Hands one record to librdkafka, waiting while its queue is full.
fn send(producer: &ThreadedProducer<Counts>, r: &Record, partition: Option<i32>) {
    let mut headers = OwnedHeaders::new_with_capacity(r.headers.len());
    for h in &r.headers {
        headers = headers.insert(RdHeader {
            key: &h.name,
            value: h.value.as_deref(),
        });
    }
    let mut record: BaseRecord<'_, [u8], [u8], ()> = BaseRecord::to(&r.topic).headers(headers);
    if let Some(k) = r.key.as_deref() {
        record = record.key(k);
    }
    if let Some(v) = r.value.as_deref() {
        record = record.payload(v);
    }
    if let Some(p) = partition {
        record = record.partition(p);
    }
    if let Some(ts) = r.timestamp_ms {
        record = record.timestamp(ts);
    }
    loop {
        match producer.send(record) {
            Ok(()) => return,
            Err((e, back)) => {
                if e.rdkafka_error_code() == Some(RDKafkaErrorCode::QueueFull) {
                    // The producer's thread serves deliveries meanwhile.
                    std::thread::sleep(Duration::from_millis(5));
                    record = back;
                } else {
                    producer.context().fail(e.to_string());
                    return;
                }
            }
        }
    }
}

/// A progress bar: `[#####-----] 5/10`, or a count when the total is not known.
pub fn bar(done: u64, total: Option<u64>) -> String {
    match total {
        Some(t) if t > 0 => {
            const WIDTH: u64 = 30;
            let filled = (done.min(t) * WIDTH / t) as usize;
            format!(
                "[{}{}] {done}/{t}",
                "#".repeat(filled),
                "-".repeat(WIDTH as usize - filled)
            )
        }
        _ => format!("{done} sent"),
    }
}

/// The progress line of a replay.
pub fn progress_line(sent: u64, total: Option<u64>, report: &ReplayReport) -> String {
    format!(
        "{}  {} delivered, {} failed",
        bar(sent, total),
        report.delivered,
        report.failed
    )
}

/// Whether progress is worth drawing (stderr is a terminal).
pub fn interactive() -> bool {
    std::io::stderr().is_terminal()
}

#[cfg(test)]
mod tests {

    #[test]
    fn lines_are_bounded_and_read_as_bufread_reads_them() {
        let got: Vec<_> = bounded_lines(&b"a\r\nbb\n\nlast"[..], 10)
            .map(|(n, l)| (n, l.unwrap()))
            .collect();
        let want = [(1, "a"), (2, "bb"), (3, ""), (4, "last")];
        assert_eq!(got, want.map(|(n, l)| (n, l.to_string())));
        // An endless source without line ends stops at the bound with an error.
        let mut endless = bounded_lines(std::io::repeat(b'x'), 1000);
        let (no, err) = endless.next().unwrap();
        assert_eq!(no, 1);
        assert!(err
            .unwrap_err()
            .to_string()
            .contains("longer than 1000 bytes"));
        // A line of exactly the bound is a line.
        let exact = format!("{}\n", "y".repeat(10));
        let (_, l) = bounded_lines(exact.as_bytes(), 10).next().unwrap();
        assert_eq!(l.unwrap().len(), 10);
    }
    use super::*;

    fn spec(format: FileFormat, topic: Option<&str>) -> ReplaySpec {
        ReplaySpec {
            topic: topic.map(str::to_string),
            file: "-".into(),
            format,
            key_delimiter: None,
            rate: None,
            partition: None,
        }
    }

    #[test]
    fn text_lines_are_values_and_a_delimiter_splits_keys() {
        let mut s = spec(FileFormat::Text, Some("t"));
        let r = parse_line(&s, "hello world").unwrap().unwrap();
        assert_eq!(r.value.as_deref(), Some(&b"hello world"[..]));
        assert_eq!(r.key, None);
        s.key_delimiter = Some(":".into());
        let r = parse_line(&s, "k1:v:1").unwrap().unwrap();
        assert_eq!(r.key.as_deref(), Some(&b"k1"[..]));
        assert_eq!(r.value.as_deref(), Some(&b"v:1"[..]));
        assert!(parse_line(&s, "no delimiter")
            .unwrap_err()
            .contains("delimiter"));
        assert!(parse_line(&spec(FileFormat::Text, None), "x").is_err());
    }

    #[test]
    fn json_lines_keep_their_topic_unless_told() {
        let line = r#"{"topic":"a","partition":1,"key":null,"value":"v"}"#;
        let r = parse_line(&spec(FileFormat::JsonLines, None), line)
            .unwrap()
            .unwrap();
        assert_eq!((r.topic.as_str(), r.partition), ("a", 1));
        let r = parse_line(&spec(FileFormat::JsonLines, Some("b")), line)
            .unwrap()
            .unwrap();
        assert_eq!(r.topic, "b");
        assert_eq!(
            parse_line(&spec(FileFormat::JsonLines, None), "  ").unwrap(),
            None
        );
        let e = parse_line(&spec(FileFormat::JsonLines, None), r#"{"value":"v"}"#).unwrap_err();
        assert!(e.contains("no topic"), "{e}");
        assert!(parse_line(&spec(FileFormat::JsonLines, None), "{oops").is_err());
    }

    #[test]
    fn a_bad_line_in_a_file_stops_the_replay_before_anything_is_sent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.jsonl");
        std::fs::write(&path, "{\"value\":\"a\"}\n{\"value\":\"b\"\n").unwrap();
        let mut s = spec(FileFormat::JsonLines, Some("t"));
        s.file = path;
        match check(&s) {
            Err(ReplayError::BadLine { line, .. }) => assert_eq!(line, 2),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_summary_says_what_went_wrong() {
        let r = ReplayReport {
            sent: 4,
            delivered: 3,
            failed: 1,
            unknown: 0,
            first_error: Some("Broker: Message size too large".into()),
            stopped: false,
            repartitioned: 0,
        };
        assert!(!r.ok());
        assert_eq!(
            r.summary(),
            "3 delivered, 1 failed (first error: Broker: Message size too large)"
        );
        assert_eq!(
            progress_line(2, Some(4), &r),
            "[###############---------------] 2/4  3 delivered, 1 failed"
        );
    }
}
