//! Direct calls to librdkafka for what the rdkafka crate does not wrap (the only other unsafe
//! module is `fetch_queue.rs`, the tail's batched reads):
//! - `rd_kafka_mock_broker_set_host_port`, which lets the mock broker advertise the address
//!   other programs reach it at (our forwarder on `--listen`);
//! - `rd_kafka_controllerid`, for the cluster overview;
//! - the mock cluster's request log (`RequestWatch`), to tell that transactions were used;
//! - queue lengths, so that the threads serving a client's log, error and statistics events
//!   poll without waiting while events are queued, and wait elsewhere otherwise;
//! - the admin API ([`admin`], [`groups`]): rdkafka 0.39 drops the broker's error message from
//!   every admin result, keeping only the code, and has no IncrementalAlterConfigs,
//!   DescribeCluster (racks, the controller), DescribeConsumerGroups (the only way to see a
//!   KIP-848 group), ListConsumerGroupOffsets or ListOffsets.
#![allow(unsafe_code)]

use std::ffi::CString;

use rdkafka::client::{Client, ClientContext};

/// Makes mock broker `broker_id` of the cluster owned by `client` advertise `host:port` in
/// metadata. Returns false when the client owns no mock cluster.
pub fn set_advertised_address<C: ClientContext>(
    client: &Client<C>,
    broker_id: i32,
    host: &str,
    port: u16,
) -> bool {
    let Ok(host) = CString::new(host) else {
        return false;
    };
    // SAFETY: `client.native_ptr()` is a live rd_kafka_t for as long as `client` is borrowed;
    // the mock cluster it returns is owned by that client and outlives this call. The setter
    // copies `host` under the cluster's lock, so the CString may be freed afterwards.
    unsafe {
        let mcluster = rdkafka::bindings::rd_kafka_handle_mock_cluster(client.native_ptr());
        if mcluster.is_null() {
            return false;
        }
        rdkafka::bindings::rd_kafka_mock_broker_set_host_port(
            mcluster,
            broker_id,
            host.as_ptr(),
            i32::from(port),
        );
    }
    true
}

/// The id of the cluster's controller broker, if known within `timeout_ms`.
pub fn controller_id<C: ClientContext>(client: &Client<C>, timeout_ms: i32) -> Option<i32> {
    // SAFETY: `client.native_ptr()` is a live rd_kafka_t while `client` is borrowed; the call
    // only reads cached metadata (waiting at most `timeout_ms`) and returns an integer.
    let id = unsafe { rdkafka::bindings::rd_kafka_controllerid(client.native_ptr(), timeout_ms) };
    (id >= 0).then_some(id)
}

/// A handle on a client's main queue (or a consumer's queue, where a consumer's main queue is
/// forwarded), to ask how many events wait there. rdkafka's `poll(timeout)` spins through the
/// last millisecond of every timeout (the remaining time is rounded down to 0 ms and polled
/// again until the deadline): a thread that only serves log events waits elsewhere and polls
/// without waiting while this says events are queued.
pub struct MainQueue<'c> {
    queue: std::ptr::NonNull<rdkafka::bindings::rd_kafka_queue_t>,
    _client: std::marker::PhantomData<&'c ()>,
}

impl<'c> MainQueue<'c> {
    pub fn of<C: ClientContext>(client: &'c Client<C>) -> Option<Self> {
        // SAFETY: the client is live while borrowed, and the handle is released in Drop,
        // before the client can go.
        let queue = unsafe { rdkafka::bindings::rd_kafka_queue_get_main(client.native_ptr()) };
        std::ptr::NonNull::new(queue).map(|queue| MainQueue {
            queue,
            _client: std::marker::PhantomData,
        })
    }

    /// The consumer queue of a consumer with a `group.id`: rdkafka forwards the main queue
    /// there, so its log, error and statistics events wait here.
    pub fn of_consumer<C: ClientContext>(client: &'c Client<C>) -> Option<Self> {
        // SAFETY: as for `of`.
        let queue = unsafe { rdkafka::bindings::rd_kafka_queue_get_consumer(client.native_ptr()) };
        std::ptr::NonNull::new(queue).map(|queue| MainQueue {
            queue,
            _client: std::marker::PhantomData,
        })
    }

    /// Events waiting to be served.
    pub fn len(&self) -> usize {
        // SAFETY: a live queue handle; the call only reads a counter under the queue's lock.
        unsafe { rdkafka::bindings::rd_kafka_queue_length(self.queue.as_ptr()) }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Drop for MainQueue<'_> {
    fn drop(&mut self) {
        // SAFETY: releases the reference taken in `of`, once.
        unsafe { rdkafka::bindings::rd_kafka_queue_destroy(self.queue.as_ptr()) }
    }
}

/// Whether the broker may hold a message whose delivery failed, as librdkafka tracks it
/// (`rd_kafka_message_status`): the rdkafka crate does not wrap it, and it is what tells a
/// record that never left (safe to resend) from one that timed out in flight (maybe written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persisted {
    No,
    Possibly,
    Yes,
}

pub fn message_status(msg: &rdkafka::message::BorrowedMessage<'_>) -> Persisted {
    use rdkafka::bindings::rd_kafka_msg_status_t as S;
    // SAFETY: `msg.ptr()` is a live rd_kafka_message_t for as long as `msg` is borrowed (a
    // delivery report's message, owned by librdkafka during the callback); the call reads one
    // field.
    match unsafe { rdkafka::bindings::rd_kafka_message_status(msg.ptr()) } {
        S::RD_KAFKA_MSG_STATUS_NOT_PERSISTED => Persisted::No,
        S::RD_KAFKA_MSG_STATUS_POSSIBLY_PERSISTED => Persisted::Possibly,
        S::RD_KAFKA_MSG_STATUS_PERSISTED => Persisted::Yes,
    }
}

/// librdkafka's admin API, called directly so that every result keeps the broker's message.
/// Each call is blocking (run it off the async workers): it submits the request with its own
/// reply queue and waits for the result event, at most the request timeout plus a margin.
pub mod admin;
pub mod groups;

/// The request log of the mock cluster owned by a client: which API keys it received. Tied to
/// the client's lifetime, since the mock cluster is.
pub struct RequestWatch<'c> {
    mock: *mut rdkafka::bindings::rd_kafka_mock_cluster_t,
    _client: std::marker::PhantomData<&'c ()>,
}

impl<'c> RequestWatch<'c> {
    /// Starts the log; `None` when the client owns no mock cluster.
    pub fn start<C: ClientContext>(client: &'c Client<C>) -> Option<RequestWatch<'c>> {
        // SAFETY: `client.native_ptr()` is a live rd_kafka_t while `client` is borrowed, which
        // the watch's lifetime guarantees; the mock cluster lives as long as that client.
        let mock = unsafe { rdkafka::bindings::rd_kafka_handle_mock_cluster(client.native_ptr()) };
        if mock.is_null() {
            return None;
        }
        // SAFETY: `mock` is valid (above); tracking is guarded by the cluster's lock.
        unsafe { rdkafka::bindings::rd_kafka_mock_start_request_tracking(mock) };
        Some(RequestWatch {
            mock,
            _client: std::marker::PhantomData,
        })
    }

    /// Whether a request with one of `api_keys` came since the last look. The log is cleared
    /// each time so that it stays small; a request landing between the read and the clear is
    /// missed.
    pub fn saw_any(&mut self, api_keys: &[i16]) -> bool {
        let mut n: usize = 0;
        // SAFETY: `self.mock` is valid (see `start`). The array and its elements are copies
        // that are ours to free, which `rd_kafka_mock_request_destroy_array` does.
        unsafe {
            let reqs = rdkafka::bindings::rd_kafka_mock_get_requests(self.mock, &mut n);
            rdkafka::bindings::rd_kafka_mock_clear_requests(self.mock);
            if reqs.is_null() {
                return false;
            }
            let found = std::slice::from_raw_parts(reqs, n)
                .iter()
                .any(|&r| api_keys.contains(&rdkafka::bindings::rd_kafka_mock_request_api_key(r)));
            rdkafka::bindings::rd_kafka_mock_request_destroy_array(reqs, n);
            found
        }
    }
}

impl Drop for RequestWatch<'_> {
    fn drop(&mut self) {
        // SAFETY: as in `saw_any`.
        unsafe {
            rdkafka::bindings::rd_kafka_mock_stop_request_tracking(self.mock);
            rdkafka::bindings::rd_kafka_mock_clear_requests(self.mock);
        }
    }
}
