//! The tail's records, taken from librdkafka a batch at a time.
//!
//! `BaseConsumer::poll` hands out one message per call, and each call costs a queue lock, an
//! event, an `Arc` and two clock reads: at 100-byte records that is most of what a tail
//! spends per record. Here the assigned partitions' fetch queues are forwarded to one queue of
//! ours (before `assign`, so librdkafka keeps the forward), which `rd_kafka_consume_batch_queue`
//! drains up to a whole batch under one lock. librdkafka still advances each partition's
//! position as messages are handed out, so a reconnect resumes at the next offset. Errors,
//! logs and statistics stay on the consumer's own queue, which the caller keeps polling.
#![allow(unsafe_code)]

use std::ffi::{c_void, CStr, CString};
use std::marker::PhantomData;
use std::ptr::NonNull;
use std::time::Duration;

use rdkafka::bindings as rd;
use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext};
use rdkafka::TopicPartitionList;

use rdkafka::message::BorrowedMessage;

use crate::model::Header;

/// One message as librdkafka lent it, valid until the closure that receives it returns.
pub struct Fetched<'m>(&'m rd::rd_kafka_message_t);

impl<'m> Fetched<'m> {
    /// A message that `BaseConsumer::poll` returned, read the same way.
    pub fn borrowed(msg: &'m BorrowedMessage<'_>) -> Self {
        // SAFETY: the pointer is valid while `msg` lives, which outlives `'m`.
        Fetched(unsafe { &*msg.ptr() })
    }

    /// librdkafka's description of a per-partition error, or None for a record.
    pub fn error(&self) -> Option<String> {
        if self.0.err == rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
            return None;
        }
        // SAFETY: the message is live for `'m`; errstr returns a static or message-owned
        // NUL-terminated string that we copy at once.
        let text = unsafe { CStr::from_ptr(rd::rd_kafka_message_errstr(self.0)) };
        Some(text.to_string_lossy().into_owned())
    }

    /// librdkafka's word that the partition has no more records for now (with
    /// `enable.partition.eof`); `offset` is then the partition's end.
    pub fn is_eof(&self) -> bool {
        self.0.err == rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR__PARTITION_EOF
    }

    pub fn partition(&self) -> i32 {
        self.0.partition
    }

    /// The message's topic (a tail of several topics needs it; names are ASCII, so a name
    /// that is not UTF-8 cannot come from a broker Kafka's rules bind).
    pub fn topic(&self) -> &'m str {
        if self.0.rkt.is_null() {
            return "";
        }
        // SAFETY: a live message holds a reference to its topic handle, whose name is a
        // NUL-terminated string owned by that handle.
        let name = unsafe { CStr::from_ptr(rd::rd_kafka_topic_name(self.0.rkt)) };
        name.to_str().unwrap_or("")
    }

    pub fn offset(&self) -> i64 {
        self.0.offset
    }

    pub fn key(&self) -> Option<&'m [u8]> {
        // SAFETY: librdkafka guarantees `key_len` readable bytes at `key` while the message
        // lives, or a null pointer for a null key.
        unsafe { bytes(self.0.key, self.0.key_len) }
    }

    pub fn payload(&self) -> Option<&'m [u8]> {
        // SAFETY: as for `key`.
        unsafe { bytes(self.0.payload, self.0.len) }
    }

    pub fn timestamp_ms(&self) -> Option<i64> {
        let mut kind = rd::rd_kafka_timestamp_type_t::RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
        // SAFETY: reads a field of a live message.
        let ts = unsafe { rd::rd_kafka_message_timestamp(self.0, &mut kind) };
        (kind != rd::rd_kafka_timestamp_type_t::RD_KAFKA_TIMESTAMP_NOT_AVAILABLE && ts != -1)
            .then_some(ts)
    }

    /// The partition leader epoch of the message's batch, when there is one (librdkafka
    /// says -1 for a batch without one: message formats before v2).
    pub fn leader_epoch(&self) -> Option<i32> {
        // SAFETY: reads a field of a live message.
        let epoch = unsafe { rd::rd_kafka_message_leader_epoch(self.0) };
        (epoch >= 0).then_some(epoch)
    }

    /// Replaces `out` with copies of the message's headers.
    pub fn headers_into(&self, out: &mut Vec<Header>) {
        out.clear();
        let mut hdrs: *mut rd::rd_kafka_headers_t = std::ptr::null_mut();
        // SAFETY: the headers belong to the live message; each name and value is copied before
        // the next call.
        unsafe {
            if rd::rd_kafka_message_headers(self.0, &mut hdrs)
                != rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR
                || hdrs.is_null()
            {
                return;
            }
            let mut i = 0;
            loop {
                let mut name: *const std::ffi::c_char = std::ptr::null();
                let mut value: *const c_void = std::ptr::null();
                let mut size = 0usize;
                let err = rd::rd_kafka_header_get_all(hdrs, i, &mut name, &mut value, &mut size);
                if err != rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR || name.is_null() {
                    break;
                }
                out.push(Header {
                    name: CStr::from_ptr(name).to_string_lossy().into_owned(),
                    value: bytes(value as *mut c_void, size).map(<[u8]>::to_vec),
                });
                i += 1;
            }
        }
    }
}

/// # Safety
/// `ptr` must be null or point at `len` bytes that outlive the returned slice.
unsafe fn bytes<'a>(ptr: *mut c_void, len: usize) -> Option<&'a [u8]> {
    if ptr.is_null() {
        None
    } else if len == 0 {
        Some(&[])
    } else {
        Some(std::slice::from_raw_parts(ptr as *const u8, len))
    }
}

/// A queue of ours that the assigned partitions' records are forwarded to. It borrows the
/// consumer, so it is destroyed before the consumer is.
pub struct FetchQueue<'c> {
    queue: NonNull<rd::rd_kafka_queue_t>,
    slots: Vec<*mut rd::rd_kafka_message_t>,
    _consumer: PhantomData<&'c ()>,
}

impl<'c> FetchQueue<'c> {
    /// A queue with nothing forwarded to it yet: `add` brings partitions in.
    pub fn new<C: ConsumerContext>(
        consumer: &'c BaseConsumer<C>,
        batch: usize,
    ) -> Result<Self, String> {
        let rk = consumer.client().native_ptr();
        // SAFETY: `rk` is live while `consumer` is borrowed, which outlives this queue.
        let queue = NonNull::new(unsafe { rd::rd_kafka_queue_new(rk) })
            .ok_or("librdkafka could not create a queue")?;
        Ok(FetchQueue {
            queue,
            slots: vec![std::ptr::null_mut(); batch.max(1)],
            _consumer: PhantomData,
        })
    }

    /// Forwards the fetch queue of every partition in `tpl` to a new queue, then assigns them
    /// (at `tpl`'s offsets). One step, because the order matters: librdkafka keeps a forward
    /// made before `assign`, while partitions assigned first go on feeding the consumer's own
    /// queue.
    pub fn assign<C: ConsumerContext>(
        consumer: &'c BaseConsumer<C>,
        tpl: &TopicPartitionList,
        batch: usize,
    ) -> Result<Self, String> {
        let this = Self::new(consumer, batch)?;
        this.forward(consumer, tpl)?;
        consumer.assign(tpl).map_err(|e| e.to_string())?;
        Ok(this)
    }

    /// Adds the partitions of `tpl` (none of them assigned yet) to the assignment, their
    /// records to this queue: a topic or partition that joins a running tail. Without a
    /// subscription librdkafka lets `incremental_assign` follow a plain `assign`.
    pub fn add<C: ConsumerContext>(
        &self,
        consumer: &'c BaseConsumer<C>,
        tpl: &TopicPartitionList,
    ) -> Result<(), String> {
        self.forward(consumer, tpl)?;
        consumer.incremental_assign(tpl).map_err(|e| e.to_string())
    }

    fn forward<C: ConsumerContext>(
        &self,
        consumer: &'c BaseConsumer<C>,
        tpl: &TopicPartitionList,
    ) -> Result<(), String> {
        let rk = consumer.client().native_ptr();
        for e in tpl.elements() {
            let topic = CString::new(e.topic()).map_err(|_| "a topic name holds a NUL byte")?;
            // SAFETY: `rk` and our queue are live; the partition's queue handle is released at
            // once (the forward holds its own reference).
            unsafe {
                let pq = rd::rd_kafka_queue_get_partition(rk, topic.as_ptr(), e.partition());
                if pq.is_null() {
                    return Err(format!(
                        "librdkafka has no queue for {}[{}]",
                        e.topic(),
                        e.partition()
                    ));
                }
                rd::rd_kafka_queue_forward(pq, self.queue.as_ptr());
                rd::rd_kafka_queue_destroy(pq);
            }
        }
        Ok(())
    }

    /// Hands each available message (at most `limit`) to `each`, waiting up to `wait` for the
    /// first one. Returns how many were handed out. Every message is destroyed once `each` is
    /// done with it, or when `each` panics (with the rest of the batch): a message never
    /// destroyed would make `rd_kafka_destroy` wait for it forever.
    pub fn drain(
        &mut self,
        wait: Duration,
        limit: usize,
        mut each: impl FnMut(Fetched<'_>),
    ) -> usize {
        let limit = limit.clamp(1, self.slots.len());
        // SAFETY: the queue is live (owned by self, its client borrowed); the messages returned
        // are owned by `Lent` from here on.
        let n = unsafe {
            let mut n = rd::rd_kafka_consume_batch_queue(
                self.queue.as_ptr(),
                0,
                self.slots.as_mut_ptr(),
                limit,
            );
            if n <= 0 && !wait.is_zero() {
                // Nothing ready: block for one message (a batch call would wait for a whole
                // batch or the full timeout, delaying a lone record).
                let ms = i32::try_from(wait.as_millis()).unwrap_or(i32::MAX);
                let m = rd::rd_kafka_consume_queue(self.queue.as_ptr(), ms);
                if m.is_null() {
                    return 0;
                }
                self.slots[0] = m;
                n = 1;
            }
            usize::try_from(n).unwrap_or(0).min(limit)
        };
        let mut lent = Lent {
            slots: &self.slots[..n],
            next: 0,
        };
        while let Some(&m) = lent.slots.get(lent.next) {
            // SAFETY: a live message, lent to `each` for the call only.
            each(Fetched(unsafe { &*m }));
            lent.next += 1;
            // SAFETY: destroyed once: `lent` no longer covers it.
            unsafe { rd::rd_kafka_message_destroy(m) };
        }
        n
    }
}

/// Messages of one batch not yet destroyed (`slots[next..]`): dropping this destroys them,
/// which is what happens when the closure they were lent to panics.
struct Lent<'s> {
    slots: &'s [*mut rd::rd_kafka_message_t],
    next: usize,
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        for &m in &self.slots[self.next.min(self.slots.len())..] {
            // SAFETY: each of these was returned by librdkafka and not yet destroyed.
            unsafe { rd::rd_kafka_message_destroy(m) };
        }
    }
}

impl Drop for FetchQueue<'_> {
    fn drop(&mut self) {
        // SAFETY: our handle's reference, released once; the client is still alive.
        unsafe { rd::rd_kafka_queue_destroy(self.queue.as_ptr()) }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use rdkafka::consumer::BaseConsumer;
    use rdkafka::message::{Header as RdHeader, OwnedHeaders};
    use rdkafka::mocking::MockCluster;
    use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
    use rdkafka::{ClientConfig, Offset};

    use super::*;

    /// A consumer of the test cluster at `bootstrap`, committing nothing.
    fn test_consumer(bootstrap: &str, group: &str) -> BaseConsumer {
        ClientConfig::new()
            .set("bootstrap.servers", bootstrap)
            .set("group.id", group)
            .set("enable.auto.commit", "false")
            .create()
            .unwrap()
    }

    /// Partition 0 of `t` from its first record.
    fn t0_from_start() -> TopicPartitionList {
        let mut tpl = TopicPartitionList::new();
        tpl.add_partition_offset("t", 0, Offset::Beginning).unwrap();
        tpl
    }

    type Seen = (
        i64,
        Option<Vec<u8>>,
        Option<Vec<u8>>,
        Option<i64>,
        Vec<Header>,
    );

    /// Null and empty keys and values, headers with and without values and timestamps come out
    /// as they went in; only our queue hands them out, and the consumer's position advances
    /// (a reconnect resumes after the last record handed out).
    #[test]
    fn records_come_out_whole_and_advance_the_position() {
        let mock = MockCluster::new(1).unwrap();
        mock.create_topic("t", 1, 1).unwrap();
        let producer: BaseProducer = ClientConfig::new()
            .set("bootstrap.servers", mock.bootstrap_servers())
            .create()
            .unwrap();
        let headers = OwnedHeaders::new()
            .insert(RdHeader {
                key: "a",
                value: Some("1"),
            })
            .insert(RdHeader::<&str> {
                key: "b",
                value: None,
            });
        let sends: Vec<BaseRecord<'_, str, str>> = vec![
            BaseRecord::to("t").payload("v0").timestamp(1234),
            BaseRecord::to("t").key(""),
            BaseRecord::to("t").key("k").payload("").headers(headers),
        ];
        for r in sends {
            producer.send(r).map_err(|(e, _)| e).unwrap();
        }
        producer.flush(Duration::from_secs(10)).unwrap();

        let consumer = test_consumer(&mock.bootstrap_servers(), "fetch-queue-test");
        let mut queue = FetchQueue::assign(&consumer, &t0_from_start(), 16).unwrap();

        let mut seen: Vec<Seen> = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(10);
        while seen.len() < 3 && Instant::now() < deadline {
            assert!(
                consumer.poll(Duration::ZERO).is_none(),
                "a record reached the consumer's own queue"
            );
            queue.drain(Duration::from_millis(100), 16, |m| {
                assert_eq!(m.error(), None);
                assert_eq!(m.partition(), 0);
                let mut hs = Vec::new();
                m.headers_into(&mut hs);
                seen.push((
                    m.offset(),
                    m.key().map(<[u8]>::to_vec),
                    m.payload().map(<[u8]>::to_vec),
                    m.timestamp_ms(),
                    hs,
                ));
            });
        }
        assert_eq!(seen.len(), 3, "{seen:?}");
        assert_eq!(seen[0].0, 0);
        assert_eq!(
            (seen[0].1.clone(), seen[0].2.clone()),
            (None, Some(b"v0".to_vec()))
        );
        assert_eq!(seen[0].3, Some(1234));
        assert!(seen[0].4.is_empty());
        assert_eq!((seen[1].1.clone(), seen[1].2.clone()), (Some(vec![]), None));
        assert!(
            seen[1].3.is_some_and(|t| t > 1234),
            "producer time {:?}",
            seen[1].3
        );
        assert_eq!(
            (seen[2].1.clone(), seen[2].2.clone()),
            (Some(b"k".to_vec()), Some(vec![]))
        );
        assert_eq!(
            seen[2].4,
            vec![
                Header {
                    name: "a".into(),
                    value: Some(b"1".to_vec())
                },
                Header {
                    name: "b".into(),
                    value: None
                },
            ]
        );
        let position = consumer.position().unwrap();
        let p0 = position.find_partition("t", 0).unwrap();
        assert_eq!(p0.offset(), Offset::Offset(3));
        drop(queue);
    }

    /// A panic in the closure leaks no message: librdkafka's destroy waits for every message
    /// it handed out, so one leaked message would hang the consumer's drop (and quitting).
    #[test]
    fn a_panic_in_the_closure_leaks_no_message() {
        let mock = MockCluster::new(1).unwrap();
        mock.create_topic("t", 1, 1).unwrap();
        let bootstrap = mock.bootstrap_servers();
        let producer: BaseProducer = ClientConfig::new()
            .set("bootstrap.servers", &bootstrap)
            .create()
            .unwrap();
        for i in 0..20 {
            let v = format!("v{i}");
            producer
                .send(BaseRecord::<str, str>::to("t").payload(&v))
                .map_err(|(e, _)| e)
                .unwrap();
        }
        producer.flush(Duration::from_secs(10)).unwrap();

        let (done_tx, done_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let consumer = test_consumer(&bootstrap, "fetch-queue-panic");
            let mut queue = FetchQueue::assign(&consumer, &t0_from_start(), 16).unwrap();
            let deadline = Instant::now() + Duration::from_secs(10);
            let mut panicked = 0;
            // Panic on the first record of each batch until several batches went that way.
            while panicked < 3 && Instant::now() < deadline {
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    queue.drain(Duration::from_millis(100), 16, |_| panic!("closure fails"))
                }));
                if r.is_err() {
                    panicked += 1;
                }
            }
            assert_eq!(panicked, 3, "no records came");
            drop(queue);
            drop(consumer);
            let _ = done_tx.send(());
        });
        assert!(
            done_rx.recv_timeout(Duration::from_secs(30)).is_ok(),
            "the consumer was not destroyed within 30 s: messages leaked"
        );
    }

    /// Each record carries the leader epoch of the batch it was written in: the mock cluster
    /// writes its partition's epoch into every batch it stores, and a new leader bumps it.
    #[test]
    fn records_carry_the_leader_epoch_they_were_written_in() {
        let mock = MockCluster::new(2).unwrap();
        mock.create_topic("t", 1, 2).unwrap();
        let producer: BaseProducer = ClientConfig::new()
            .set("bootstrap.servers", mock.bootstrap_servers())
            .create()
            .unwrap();
        let send = |v: &str| {
            producer
                .send(BaseRecord::<str, str>::to("t").payload(v))
                .map_err(|(e, _)| e)
                .unwrap();
            producer.flush(Duration::from_secs(10)).unwrap();
        };
        send("before");
        // A leader set (even the same one again) is a new leader epoch.
        mock.partition_leader("t", 0, Some(2)).unwrap();
        send("after");

        let consumer = test_consumer(&mock.bootstrap_servers(), "fetch-queue-epoch");
        let mut queue = FetchQueue::assign(&consumer, &t0_from_start(), 16).unwrap();
        let mut seen: Vec<(Vec<u8>, Option<i32>)> = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(10);
        while seen.len() < 2 && Instant::now() < deadline {
            queue.drain(Duration::from_millis(100), 16, |m| {
                assert_eq!(m.error(), None);
                seen.push((m.payload().unwrap_or_default().to_vec(), m.leader_epoch()));
            });
        }
        assert_eq!(seen.len(), 2, "{seen:?}");
        let (before, after) = (seen[0].1, seen[1].1);
        assert_eq!(seen[0].0, b"before");
        assert!(before.is_some_and(|e| e >= 0), "{seen:?}");
        assert_eq!(after, before.map(|e| e + 1), "{seen:?}");
        drop(queue);
    }
}
