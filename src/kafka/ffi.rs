//! Direct calls to librdkafka for two functions the rdkafka crate does not wrap (the only other
//! unsafe module is `fetch_queue.rs`, the tail's batched reads):
//! `rd_kafka_mock_broker_set_host_port`, which lets the mock broker advertise the address other
//! programs reach it at (our forwarder on `--listen`), and `rd_kafka_controllerid`, for the
//! cluster overview.
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
