//! A small Kafka-protocol server that says what a test tells it to: enough of ApiVersions,
//! Metadata and ListOffsets for librdkafka to take it for a one-broker cluster, plus whatever
//! other requests the test answers itself. It lists impossible partition ids, offsets or
//! errors as a malicious broker (or anyone on the path of a PLAINTEXT connection) could, and
//! records every request so that a test can check what kafka-tui asked.
//!
//! Versions are chosen so that every answer has a fixed layout: ApiVersions v0-v3 (what
//! librdkafka sends first), Metadata v1-v4 and ListOffsets v1 (non-flexible). Any other API is
//! advertised only when the test hands a handler for it ([`Hostile::answer`]).

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const API_LIST_OFFSETS: i16 = 2;
pub const API_METADATA: i16 = 3;
pub const API_CREATE_TOPICS: i16 = 19;
pub const API_DELETE_TOPICS: i16 = 20;
pub const API_CREATE_PARTITIONS: i16 = 37;
pub const API_DELETE_GROUPS: i16 = 42;
pub const API_ALTER_CONFIGS: i16 = 33;
pub const API_INCREMENTAL_ALTER_CONFIGS: i16 = 44;
const API_VERSIONS: i16 = 18;

/// The broker's node id, its own and every partition's leader.
pub const NODE: i32 = 1;

/// One topic as the server lists it: partition ids exactly as given (the count is their number).
#[derive(Clone, Debug)]
pub struct Topic {
    pub name: String,
    pub error: i16,
    pub partitions: Vec<i32>,
    /// A partition count to write instead of the real one (more than are sent, say).
    pub claimed: Option<i32>,
}

impl Topic {
    pub fn new(name: &str, partitions: &[i32]) -> Topic {
        Topic {
            name: name.into(),
            error: 0,
            partitions: partitions.to_vec(),
            claimed: None,
        }
    }

    /// Ids `0..n`: a sound topic of `n` partitions.
    pub fn sound(name: &str, n: i32) -> Topic {
        Topic::new(name, &(0..n).collect::<Vec<_>>())
    }
}

/// `(low, high)` of a partition, an error code to answer instead, or None to close the
/// connection. It runs on the connection's thread: sleeping in it delays the answer.
pub type Offsets = dyn Fn(&str, i32) -> Option<Result<(i64, i64), i16>> + Send + Sync;
/// Answers one request body of the API it was registered for: the response body, or None to
/// close the connection.
pub type Handler = dyn Fn(i16, &[u8]) -> Option<Vec<u8>> + Send + Sync;

/// A request as received: API key, version and body (after the request header), and when.
#[derive(Clone, Debug)]
pub struct Seen {
    pub api_key: i16,
    pub version: i16,
    pub body: Vec<u8>,
    pub at: Instant,
}

impl Seen {
    /// For a Metadata request: the topics asked for, or None for all of them.
    pub fn metadata_topics(&self) -> Option<Vec<String>> {
        let mut r = Reader::new(&self.body);
        let n = r.i32()?;
        if n < 0 {
            return None;
        }
        (0..n).map(|_| r.str()).collect()
    }

    /// For a ListOffsets (v1) request: the (topic, partition) pairs asked about.
    pub fn list_offsets_partitions(&self) -> Vec<(String, i32)> {
        let mut out = Vec::new();
        let mut r = Reader::new(&self.body);
        let _ = r.i32();
        for _ in 0..r.i32().unwrap_or(0).max(0) {
            let Some(t) = r.str() else { break };
            for _ in 0..r.i32().unwrap_or(0).max(0) {
                let (Some(p), Some(_)) = (r.i32(), r.i64()) else {
                    return out;
                };
                out.push((t.clone(), p));
            }
        }
        out
    }
}

struct Shared {
    topics: Mutex<Vec<Topic>>,
    offsets: Box<Offsets>,
    handlers: HashMap<i16, (i16, i16, Box<Handler>)>,
    seen: Mutex<Vec<Seen>>,
    stop: AtomicBool,
    addr: SocketAddr,
}

/// Builds a server: topics, offsets, extra handlers; then `start`.
pub struct Hostile {
    topics: Vec<Topic>,
    offsets: Box<Offsets>,
    handlers: HashMap<i16, (i16, i16, Box<Handler>)>,
}

impl Hostile {
    pub fn new(topics: Vec<Topic>) -> Hostile {
        Hostile {
            topics,
            offsets: Box::new(|_, _| Some(Ok((0, 10)))),
            handlers: HashMap::new(),
        }
    }

    pub fn offsets(
        mut self,
        f: impl Fn(&str, i32) -> Option<Result<(i64, i64), i16>> + Send + Sync + 'static,
    ) -> Self {
        self.offsets = Box::new(f);
        self
    }

    /// Advertises `api_key` at versions `min..=max` and answers it with `f`.
    pub fn answer(
        mut self,
        api_key: i16,
        min: i16,
        max: i16,
        f: impl Fn(i16, &[u8]) -> Option<Vec<u8>> + Send + Sync + 'static,
    ) -> Self {
        self.handlers.insert(api_key, (min, max, Box::new(f)));
        self
    }

    pub fn start(self) -> HostileBroker {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            topics: Mutex::new(self.topics),
            offsets: self.offsets,
            handlers: self.handlers,
            seen: Mutex::new(Vec::new()),
            stop: AtomicBool::new(false),
            addr,
        });
        let s = shared.clone();
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.stop.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let s = s.clone();
                std::thread::spawn(move || serve(conn, &s));
            }
        });
        HostileBroker {
            shared,
            thread: Some(thread),
        }
    }
}

/// A running server; dropping it stops accepting (open connections end with their client).
pub struct HostileBroker {
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl HostileBroker {
    pub fn address(&self) -> SocketAddr {
        self.shared.addr
    }

    pub fn bootstrap(&self) -> String {
        self.shared.addr.to_string()
    }

    /// Every request received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.shared.seen.lock().unwrap().clone()
    }

    /// How many requests of `api_key` were received so far.
    pub fn count(&self, api_key: i16) -> usize {
        self.shared
            .seen
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.api_key == api_key)
            .count()
    }

    /// Waits until `pred` holds for the requests seen; false on timeout.
    pub fn wait_until(&self, timeout: Duration, pred: impl Fn(&[Seen]) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if pred(&self.shared.seen.lock().unwrap()) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    /// Replaces the topics listed from now on.
    pub fn set_topics(&self, topics: Vec<Topic>) {
        *self.shared.topics.lock().unwrap() = topics;
    }
}

impl Drop for HostileBroker {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        // Wake the accept loop.
        let _ = TcpStream::connect(self.shared.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(mut conn: TcpStream, s: &Shared) {
    let _ = conn.set_nodelay(true);
    loop {
        let mut len = [0u8; 4];
        if conn.read_exact(&mut len).is_err() || s.stop.load(Ordering::Relaxed) {
            return;
        }
        let len = i32::from_be_bytes(len);
        if !(8..=64 << 20).contains(&len) {
            return;
        }
        let mut frame = vec![0u8; len as usize];
        if conn.read_exact(&mut frame).is_err() {
            return;
        }
        let mut r = Reader::new(&frame);
        let (Some(api_key), Some(version), Some(corr)) = (r.i16(), r.i16(), r.i32()) else {
            return;
        };
        let _client_id = r.nullable_str();
        if api_key == API_VERSIONS && version >= 3 {
            r.tags(); // request header v2
        }
        let body = r.rest().to_vec();
        s.seen.lock().unwrap().push(Seen {
            api_key,
            version,
            body: body.clone(),
            at: Instant::now(),
        });
        let answer = match api_key {
            API_VERSIONS => Some(api_versions(s, version)),
            API_METADATA => metadata(s, version, &body),
            API_LIST_OFFSETS => list_offsets(s, version, &body),
            k => match s.handlers.get(&k) {
                Some((_, _, f)) => f(version, &body),
                None => None,
            },
        };
        let Some(answer) = answer else { return };
        let mut out = Vec::with_capacity(answer.len() + 8);
        out.extend(((answer.len() + 4) as i32).to_be_bytes());
        out.extend(corr.to_be_bytes());
        out.extend(answer);
        if conn.write_all(&out).is_err() {
            return;
        }
    }
}

fn api_versions(s: &Shared, version: i16) -> Vec<u8> {
    let mut apis = vec![
        (API_VERSIONS, 0, 3),
        (API_METADATA, 1, 4),
        (API_LIST_OFFSETS, 1, 1),
    ];
    for (k, (min, max, _)) in &s.handlers {
        apis.push((*k, *min, *max));
    }
    let mut w = Writer::default();
    w.i16(0);
    if version >= 3 {
        w.uvarint(apis.len() as u64 + 1);
    } else {
        w.i32(apis.len() as i32);
    }
    for (k, min, max) in apis {
        w.i16(k);
        w.i16(min);
        w.i16(max);
        if version >= 3 {
            w.uvarint(0);
        }
    }
    if version >= 1 {
        w.i32(0); // throttle
    }
    if version >= 3 {
        w.uvarint(0);
    }
    w.0
}

fn metadata(s: &Shared, version: i16, body: &[u8]) -> Option<Vec<u8>> {
    // Topics asked for: null (-1) means all of them.
    let mut r = Reader::new(body);
    let n = r.i32()?;
    let mut asked = Vec::new();
    for _ in 0..n.max(0) {
        asked.push(r.str()?);
    }
    let known = s.topics.lock().unwrap().clone();
    let topics: Vec<Topic> = if n < 0 {
        known
    } else {
        asked
            .iter()
            .map(|name| {
                known
                    .iter()
                    .find(|t| &t.name == name)
                    .cloned()
                    .unwrap_or(Topic {
                        error: 3, // UNKNOWN_TOPIC_OR_PARTITION
                        ..Topic::new(name, &[])
                    })
            })
            .collect()
    };
    let mut w = Writer::default();
    if version >= 3 {
        w.i32(0);
    }
    w.i32(1); // brokers
    w.i32(NODE);
    w.str(&s.addr.ip().to_string());
    w.i32(i32::from(s.addr.port()));
    w.nullable_str(None); // rack
    if version >= 2 {
        w.nullable_str(Some("hostile-cluster"));
    }
    w.i32(NODE); // controller
    w.i32(topics.len() as i32);
    for t in &topics {
        w.i16(t.error);
        w.str(&t.name);
        w.i8(0); // internal
        w.i32(t.claimed.unwrap_or(t.partitions.len() as i32));
        for &p in &t.partitions {
            w.i16(0);
            w.i32(p);
            w.i32(NODE);
            w.i32(1);
            w.i32(NODE); // replicas
            w.i32(1);
            w.i32(NODE); // isr
        }
    }
    Some(w.0)
}

fn list_offsets(s: &Shared, version: i16, body: &[u8]) -> Option<Vec<u8>> {
    if version != 1 {
        return None;
    }
    let mut r = Reader::new(body);
    let _replica = r.i32()?;
    let topics = r.i32()?;
    let mut w = Writer::default();
    w.i32(topics);
    for _ in 0..topics.max(0) {
        let name = r.str()?;
        let parts = r.i32()?;
        w.str(&name);
        w.i32(parts);
        for _ in 0..parts.max(0) {
            let p = r.i32()?;
            let ts = r.i64()?;
            w.i32(p);
            match (s.offsets)(&name, p)? {
                Ok((lo, hi)) => {
                    w.i16(0);
                    w.i64(-1);
                    w.i64(if ts == -2 { lo } else { hi });
                }
                Err(code) => {
                    w.i16(code);
                    w.i64(-1);
                    w.i64(-1);
                }
            }
        }
    }
    Some(w.0)
}

/// Reads the big-endian, non-flexible encodings of the Kafka protocol.
pub struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(b: &'a [u8]) -> Self {
        Reader { b, pos: 0 }
    }
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(s)
    }
    pub fn rest(&mut self) -> &'a [u8] {
        let s = &self.b[self.pos..];
        self.pos = self.b.len();
        s
    }
    pub fn i8(&mut self) -> Option<i8> {
        Some(self.take(1)?[0] as i8)
    }
    pub fn i16(&mut self) -> Option<i16> {
        Some(i16::from_be_bytes(self.take(2)?.try_into().ok()?))
    }
    pub fn i32(&mut self) -> Option<i32> {
        Some(i32::from_be_bytes(self.take(4)?.try_into().ok()?))
    }
    pub fn i64(&mut self) -> Option<i64> {
        Some(i64::from_be_bytes(self.take(8)?.try_into().ok()?))
    }
    pub fn nullable_str(&mut self) -> Option<Option<String>> {
        let n = self.i16()?;
        if n < 0 {
            return Some(None);
        }
        Some(Some(
            String::from_utf8_lossy(self.take(n as usize)?).into_owned(),
        ))
    }
    pub fn str(&mut self) -> Option<String> {
        self.nullable_str()?
    }
    fn uvarint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.take(1)?[0];
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }
    fn tags(&mut self) -> Option<()> {
        for _ in 0..self.uvarint()? {
            let _tag = self.uvarint()?;
            let len = self.uvarint()?;
            self.take(usize::try_from(len).ok()?)?;
        }
        Some(())
    }
}

/// Writes the big-endian, non-flexible encodings of the Kafka protocol.
#[derive(Default)]
pub struct Writer(pub Vec<u8>);

impl Writer {
    pub fn i8(&mut self, v: i8) {
        self.0.push(v as u8);
    }
    pub fn i16(&mut self, v: i16) {
        self.0.extend(v.to_be_bytes());
    }
    pub fn i32(&mut self, v: i32) {
        self.0.extend(v.to_be_bytes());
    }
    pub fn i64(&mut self, v: i64) {
        self.0.extend(v.to_be_bytes());
    }
    pub fn str(&mut self, s: &str) {
        self.i16(s.len() as i16);
        self.0.extend(s.as_bytes());
    }
    pub fn nullable_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.str(s),
            None => self.i16(-1),
        }
    }
    fn uvarint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }
}
