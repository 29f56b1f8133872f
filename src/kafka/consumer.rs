//! The consumers that read records (the tail's and `dump`'s): their configuration, and the
//! copy of a message into a `Record` that reuses its buffers.

use rdkafka::consumer::BaseConsumer;

use super::client::{ClientSettings, UiContext};
use super::fetch_queue::Fetched;
use crate::model::Record;

/// How long a fetch may wait on the broker for new records. A real broker answers a waiting
/// fetch as soon as a record arrives, so this only bounds idle requests. The embedded broker
/// (librdkafka's mock) holds an empty fetch for the whole time even when a record arrives
/// meanwhile, so there the wait is pure latency between publishing a record and seeing it:
/// keep it short (about 100 small loopback requests a second while idle).
const FETCH_WAIT_MS: &str = "100";
const FETCH_WAIT_MS_EMBEDDED: &str = "10";

pub fn create_consumer(
    settings: &ClientSettings,
    ctx: UiContext,
) -> anyhow::Result<BaseConsumer<UiContext>> {
    Ok(consumer_config(settings).create_with_context(ctx)?)
}

/// The configuration of tail and metadata consumers.
pub fn consumer_config(settings: &ClientSettings) -> rdkafka::ClientConfig {
    let mut cfg = settings.client_config();
    let fetch_wait = if settings.embedded {
        FETCH_WAIT_MS_EMBEDDED
    } else {
        FETCH_WAIT_MS
    };
    // A tail only reads: no group membership, no commits. librdkafka still wants a group id.
    cfg.set("group.id", format!("kafka-tui-tail-{}", std::process::id()))
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("enable.partition.eof", "false")
        // A position past the end (a truncated log, a broker restarted empty) restarts the
        // partition from its beginning: a tail skips nothing silently.
        .set("auto.offset.reset", "earliest")
        .set("fetch.wait.max.ms", fetch_wait)
        // Prefetch at most 16 MiB (memory stays flat however fast records come)...
        .set("queued.max.messages.kbytes", "16384")
        // ...and when that is full, look again soon: librdkafka's default postpones the next
        // fetch by a whole second, a visible stall in the middle of a fast tail.
        .set("fetch.queue.backoff.ms", "20");
    for (k, v) in &settings.properties {
        cfg.set(k, v);
    }
    cfg
}

/// Overwrites `r` with the message (of `topic`), reusing its buffers (the tail and `dump`).
pub fn fill(r: &mut Record, topic: &str, m: &Fetched<'_>) {
    fill_from(
        r,
        topic,
        m.partition(),
        m.offset(),
        m.timestamp_ms(),
        m.leader_epoch(),
        m.key(),
        m.payload(),
    );
    m.headers_into(&mut r.headers);
}

/// Overwrites every field but the headers, reusing `r`'s buffers where they are big enough.
#[allow(clippy::too_many_arguments)]
fn fill_from(
    r: &mut Record,
    topic: &str,
    partition: i32,
    offset: i64,
    timestamp_ms: Option<i64>,
    leader_epoch: Option<i32>,
    key: Option<&[u8]>,
    value: Option<&[u8]>,
) {
    if r.topic != topic {
        r.topic.clear();
        r.topic.push_str(topic);
    }
    r.partition = partition;
    r.offset = offset;
    r.timestamp_ms = timestamp_ms;
    r.leader_epoch = leader_epoch;
    copy_into(&mut r.key, key);
    copy_into(&mut r.value, value);
}

fn copy_into(dst: &mut Option<Vec<u8>>, src: Option<&[u8]>) {
    match (dst.as_mut(), src) {
        (_, None) => *dst = None,
        (Some(buf), Some(bytes)) => {
            buf.clear();
            buf.extend_from_slice(bytes);
        }
        (None, Some(bytes)) => *dst = Some(bytes.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Header;

    fn dirty() -> Record {
        Record {
            topic: "old-topic-with-a-long-name".into(),
            partition: 7,
            offset: 99,
            timestamp_ms: Some(1),
            leader_epoch: Some(9),
            key: Some(b"old key".to_vec()),
            value: Some(vec![b'v'; 500]),
            headers: vec![Header {
                name: "h".into(),
                value: None,
            }],
        }
    }

    #[test]
    fn fill_overwrites_every_field_and_reuses_buffers() {
        let mut r = dirty();
        let value_ptr = r.value.as_ref().unwrap().as_ptr();
        fill_from(&mut r, "t", 2, 5, None, None, None, Some(b"new"));
        assert_eq!(r.topic, "t");
        assert_eq!(
            (r.partition, r.offset, r.timestamp_ms, r.leader_epoch),
            (2, 5, None, None)
        );
        assert_eq!(r.key, None);
        assert_eq!(r.value.as_deref(), Some(&b"new"[..]));
        assert_eq!(
            r.value.as_ref().unwrap().as_ptr(),
            value_ptr,
            "buffer reused"
        );
        fill_from(&mut r, "t", 0, 6, Some(42), Some(4), Some(b"k"), None);
        assert_eq!(r.key.as_deref(), Some(&b"k"[..]));
        assert_eq!(r.value, None);
        assert_eq!(r.timestamp_ms, Some(42));
        assert_eq!(r.leader_epoch, Some(4));
        // An empty payload is not a null one.
        fill_from(&mut r, "t", 0, 7, None, None, Some(b""), Some(b""));
        assert_eq!(r.key.as_deref(), Some(&b""[..]));
        assert_eq!(r.value.as_deref(), Some(&b""[..]));
    }

    #[test]
    fn short_fetch_wait_on_the_embedded_broker_only() {
        let mut s = ClientSettings::new("127.0.0.1:9092");
        assert_eq!(consumer_config(&s).get("fetch.wait.max.ms"), Some("100"));
        s.embedded = true;
        assert_eq!(consumer_config(&s).get("fetch.wait.max.ms"), Some("10"));
        assert_eq!(
            consumer_config(&s).get("fetch.queue.backoff.ms"),
            Some("20")
        );
        // The person's own -X properties still win.
        s.properties = vec![("fetch.wait.max.ms".into(), "250".into())];
        assert_eq!(consumer_config(&s).get("fetch.wait.max.ms"), Some("250"));
    }
}
