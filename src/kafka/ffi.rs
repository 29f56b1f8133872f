//! Direct calls to librdkafka for what the rdkafka crate does not wrap (the only other unsafe
//! module is `fetch_queue.rs`, the tail's batched reads):
//! - `rd_kafka_mock_broker_set_host_port`, which lets the mock broker advertise the address
//!   other programs reach it at (our forwarder on `--listen`);
//! - `rd_kafka_controllerid`, for the cluster overview;
//! - the mock cluster's request log (`RequestWatch`), to tell that transactions were used;
//! - queue lengths, so that the threads serving a client's log, error and statistics events
//!   poll without waiting while events are queued, and wait elsewhere otherwise;
//! - the admin API ([`admin`]): rdkafka 0.39 drops the broker's error message from every admin
//!   result, keeping only the code, and has no IncrementalAlterConfigs, DescribeCluster (racks,
//!   the controller) or DescribeConsumerGroups (the only way to see a KIP-848 group).
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
pub mod admin {
    use std::ffi::{c_char, CStr, CString};
    use std::ptr::NonNull;
    use std::time::Duration;

    use rdkafka::bindings as rd;
    use rdkafka::client::{Client, ClientContext};
    use rdkafka::types::RDKafkaErrorCode;

    /// A failed admin request: librdkafka's or the broker's code, and the broker's own words
    /// when it sent some ("Replication factor: 3 larger than available brokers: 1.").
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct AdminFailure {
        pub code: RDKafkaErrorCode,
        pub message: Option<String>,
    }

    impl AdminFailure {
        fn local(message: impl Into<String>) -> Self {
            AdminFailure {
                code: RDKafkaErrorCode::Fail,
                message: Some(message.into()),
            }
        }
    }

    impl std::fmt::Display for AdminFailure {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            match &self.message {
                Some(m) if !m.is_empty() => write!(f, "{}: {m}", self.code),
                _ => write!(f, "{}", self.code),
            }
        }
    }

    /// One config entry as DescribeConfigs returned it.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Entry {
        pub name: String,
        pub value: Option<String>,
        pub source: rd::rd_kafka_ConfigSource_t,
        pub read_only: bool,
        pub sensitive: bool,
    }

    fn cstring(s: &str) -> Result<CString, AdminFailure> {
        CString::new(s).map_err(|_| AdminFailure::local(format!("{s:?} holds a NUL byte")))
    }

    /// # Safety
    /// `p` is null or a NUL-terminated string that lives for the call.
    unsafe fn text(p: *const c_char) -> Option<String> {
        (!p.is_null()).then(|| CStr::from_ptr(p).to_string_lossy().into_owned())
    }

    fn failure(code: rd::rd_kafka_resp_err_t, message: Option<String>) -> AdminFailure {
        AdminFailure {
            code: code.into(),
            message,
        }
    }

    /// Options, reply queue and result event of one call, released together.
    struct Call {
        options: NonNull<rd::rd_kafka_AdminOptions_t>,
        queue: NonNull<rd::rd_kafka_queue_t>,
        event: *mut rd::rd_kafka_event_t,
    }

    impl Drop for Call {
        fn drop(&mut self) {
            // SAFETY: each was created by this call and is released once. A request still in
            // flight keeps its own reference to the queue.
            unsafe {
                if !self.event.is_null() {
                    rd::rd_kafka_event_destroy(self.event);
                }
                rd::rd_kafka_AdminOptions_destroy(self.options.as_ptr());
                rd::rd_kafka_queue_destroy(self.queue.as_ptr());
            }
        }
    }

    /// Runs one admin request: `submit` sends it with the options and reply queue given, and
    /// `read` turns the result event (already checked for a request-level error) into `T`.
    fn call<C: ClientContext, T>(
        client: &Client<C>,
        op: rd::rd_kafka_admin_op_t,
        timeout: Duration,
        submit: impl FnOnce(
            *mut rd::rd_kafka_t,
            *const rd::rd_kafka_AdminOptions_t,
            *mut rd::rd_kafka_queue_t,
        ),
        read: impl FnOnce(*mut rd::rd_kafka_event_t) -> Result<T, AdminFailure>,
    ) -> Result<T, AdminFailure> {
        let rk = client.native_ptr();
        let ms = i32::try_from(timeout.as_millis()).unwrap_or(i32::MAX);
        // SAFETY: `rk` is live while `client` is borrowed; every object created here is owned
        // by `Call` and released when it drops, after the result event was read.
        unsafe {
            let queue = NonNull::new(rd::rd_kafka_queue_new(rk))
                .ok_or_else(|| AdminFailure::local("librdkafka could not create a queue"))?;
            let Some(options) = NonNull::new(rd::rd_kafka_AdminOptions_new(rk, op)) else {
                rd::rd_kafka_queue_destroy(queue.as_ptr());
                return Err(AdminFailure::local("librdkafka refused the admin options"));
            };
            let mut call = Call {
                options,
                queue,
                event: std::ptr::null_mut(),
            };
            let mut errstr = [0 as c_char; 256];
            rd::rd_kafka_AdminOptions_set_request_timeout(
                options.as_ptr(),
                ms,
                errstr.as_mut_ptr(),
                errstr.len(),
            );
            // Only some operations take an operation timeout; the others refuse it harmlessly.
            rd::rd_kafka_AdminOptions_set_operation_timeout(
                options.as_ptr(),
                ms,
                errstr.as_mut_ptr(),
                errstr.len(),
            );
            submit(rk, options.as_ptr(), queue.as_ptr());
            let wait = ms.saturating_add(5_000);
            call.event = rd::rd_kafka_queue_poll(queue.as_ptr(), wait);
            if call.event.is_null() {
                return Err(failure(
                    rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR__TIMED_OUT,
                    Some(format!("no answer within {} s", wait / 1000)),
                ));
            }
            let err = rd::rd_kafka_event_error(call.event);
            if err != rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
                return Err(failure(
                    err,
                    text(rd::rd_kafka_event_error_string(call.event)),
                ));
            }
            read(call.event)
        }
    }

    /// The first topic result of a CreateTopics, DeleteTopics or CreatePartitions result.
    ///
    /// # Safety
    /// `topics` points at `n` live topic results.
    unsafe fn first_topic(
        topics: *mut *const rd::rd_kafka_topic_result_t,
        n: usize,
    ) -> Result<(), AdminFailure> {
        if topics.is_null() || n == 0 {
            return Err(AdminFailure::local("the broker gave no answer"));
        }
        let t = *topics;
        let err = rd::rd_kafka_topic_result_error(t);
        if err == rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
            Ok(())
        } else {
            Err(failure(
                err,
                text(rd::rd_kafka_topic_result_error_string(t)),
            ))
        }
    }

    /// The first resource of a (Describe|Alter|IncrementalAlter)Configs result, checked.
    ///
    /// # Safety
    /// `res` points at `n` live config resources.
    unsafe fn first_resource(
        res: *mut *const rd::rd_kafka_ConfigResource_t,
        n: usize,
    ) -> Result<*const rd::rd_kafka_ConfigResource_t, AdminFailure> {
        if res.is_null() || n == 0 {
            return Err(AdminFailure::local("the broker gave no answer"));
        }
        let r = *res;
        let err = rd::rd_kafka_ConfigResource_error(r);
        if err == rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
            Ok(r)
        } else {
            Err(failure(
                err,
                text(rd::rd_kafka_ConfigResource_error_string(r)),
            ))
        }
    }

    pub fn create_topic<C: ClientContext>(
        client: &Client<C>,
        name: &str,
        partitions: i32,
        replication: i32,
        configs: &[(String, String)],
        timeout: Duration,
    ) -> Result<(), AdminFailure> {
        let cname = cstring(name)?;
        let configs: Vec<(CString, CString)> = configs
            .iter()
            .map(|(k, v)| Ok((cstring(k)?, cstring(v)?)))
            .collect::<Result<_, AdminFailure>>()?;
        let mut errstr = [0 as c_char; 512];
        // SAFETY: the strings live until the request is submitted (librdkafka copies them);
        // the NewTopic is destroyed once submitted, as the API allows.
        let nt = unsafe {
            rd::rd_kafka_NewTopic_new(
                cname.as_ptr(),
                partitions,
                replication,
                errstr.as_mut_ptr(),
                errstr.len(),
            )
        };
        let Some(nt) = NonNull::new(nt) else {
            // SAFETY: librdkafka wrote a NUL-terminated message into errstr.
            let why = unsafe { text(errstr.as_ptr()) }.unwrap_or_default();
            return Err(failure(
                rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR__INVALID_ARG,
                Some(why),
            ));
        };
        for (k, v) in &configs {
            // SAFETY: a live NewTopic; the strings are copied.
            let err =
                unsafe { rd::rd_kafka_NewTopic_set_config(nt.as_ptr(), k.as_ptr(), v.as_ptr()) };
            if err != rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
                // SAFETY: destroyed once, never submitted.
                unsafe { rd::rd_kafka_NewTopic_destroy(nt.as_ptr()) };
                return Err(failure(err, Some(format!("config {k:?}"))));
            }
        }
        let mut nt_ptr = nt.as_ptr();
        call(
            client,
            rd::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_CREATETOPICS,
            timeout,
            // SAFETY (both closures): the pointers are live; librdkafka copies the NewTopic on
            // submit, so it is destroyed right after.
            |rk, o, q| unsafe {
                rd::rd_kafka_CreateTopics(rk, &mut nt_ptr, 1, o, q);
                rd::rd_kafka_NewTopic_destroy(nt_ptr);
            },
            |ev| unsafe {
                let res = rd::rd_kafka_event_CreateTopics_result(ev);
                let mut n = 0;
                let topics = rd::rd_kafka_CreateTopics_result_topics(res, &mut n);
                first_topic(topics, n)
            },
        )
    }

    pub fn delete_topic<C: ClientContext>(
        client: &Client<C>,
        name: &str,
        timeout: Duration,
    ) -> Result<(), AdminFailure> {
        let cname = cstring(name)?;
        call(
            client,
            rd::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_DELETETOPICS,
            timeout,
            // SAFETY (both closures): as in `create_topic`.
            |rk, o, q| unsafe {
                let mut dt = rd::rd_kafka_DeleteTopic_new(cname.as_ptr());
                rd::rd_kafka_DeleteTopics(rk, &mut dt, 1, o, q);
                rd::rd_kafka_DeleteTopic_destroy(dt);
            },
            |ev| unsafe {
                let res = rd::rd_kafka_event_DeleteTopics_result(ev);
                let mut n = 0;
                let topics = rd::rd_kafka_DeleteTopics_result_topics(res, &mut n);
                first_topic(topics, n)
            },
        )
    }

    pub fn create_partitions<C: ClientContext>(
        client: &Client<C>,
        name: &str,
        total: usize,
        timeout: Duration,
    ) -> Result<(), AdminFailure> {
        let cname = cstring(name)?;
        let mut errstr = [0 as c_char; 512];
        // SAFETY: librdkafka checks the count and copies the name.
        let np = unsafe {
            rd::rd_kafka_NewPartitions_new(cname.as_ptr(), total, errstr.as_mut_ptr(), errstr.len())
        };
        let Some(np) = NonNull::new(np) else {
            // SAFETY: librdkafka wrote a NUL-terminated message into errstr.
            let why = unsafe { text(errstr.as_ptr()) }.unwrap_or_default();
            return Err(failure(
                rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR__INVALID_ARG,
                Some(why),
            ));
        };
        let mut np_ptr = np.as_ptr();
        call(
            client,
            rd::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_CREATEPARTITIONS,
            timeout,
            // SAFETY (both closures): as in `create_topic`.
            |rk, o, q| unsafe {
                rd::rd_kafka_CreatePartitions(rk, &mut np_ptr, 1, o, q);
                rd::rd_kafka_NewPartitions_destroy(np_ptr);
            },
            |ev| unsafe {
                let res = rd::rd_kafka_event_CreatePartitions_result(ev);
                let mut n = 0;
                let topics = rd::rd_kafka_CreatePartitions_result_topics(res, &mut n);
                first_topic(topics, n)
            },
        )
    }

    pub fn delete_group<C: ClientContext>(
        client: &Client<C>,
        group: &str,
        timeout: Duration,
    ) -> Result<(), AdminFailure> {
        let cgroup = cstring(group)?;
        call(
            client,
            rd::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_DELETEGROUPS,
            timeout,
            // SAFETY (both closures): as in `create_topic`; a group result's error object
            // belongs to the event.
            |rk, o, q| unsafe {
                let mut dg = rd::rd_kafka_DeleteGroup_new(cgroup.as_ptr());
                rd::rd_kafka_DeleteGroups(rk, &mut dg, 1, o, q);
                rd::rd_kafka_DeleteGroup_destroy(dg);
            },
            |ev| unsafe {
                let res = rd::rd_kafka_event_DeleteGroups_result(ev);
                let mut n = 0;
                let groups = rd::rd_kafka_DeleteGroups_result_groups(res, &mut n);
                if groups.is_null() || n == 0 {
                    return Err(AdminFailure::local("the broker gave no answer"));
                }
                let e = rd::rd_kafka_group_result_error(*groups);
                if e.is_null() {
                    return Ok(());
                }
                Err(failure(
                    rd::rd_kafka_error_code(e),
                    text(rd::rd_kafka_error_string(e)),
                ))
            },
        )
    }

    /// A topic's config resource, with `set` applied; destroyed by the caller.
    fn topic_resource(
        topic: &CString,
    ) -> Result<NonNull<rd::rd_kafka_ConfigResource_t>, AdminFailure> {
        // SAFETY: librdkafka copies the name.
        NonNull::new(unsafe {
            rd::rd_kafka_ConfigResource_new(
                rd::rd_kafka_ResourceType_t::RD_KAFKA_RESOURCE_TOPIC,
                topic.as_ptr(),
            )
        })
        .ok_or_else(|| AdminFailure::local("librdkafka refused the config resource"))
    }

    pub fn describe_topic_configs<C: ClientContext>(
        client: &Client<C>,
        topic: &str,
        timeout: Duration,
    ) -> Result<Vec<Entry>, AdminFailure> {
        let ctopic = cstring(topic)?;
        describe_configs(client, topic_resource(&ctopic)?, timeout)
    }

    /// The configs of broker `id` (its `process.roles` tells KRaft from ZooKeeper mode).
    pub fn describe_broker_configs<C: ClientContext>(
        client: &Client<C>,
        id: i32,
        timeout: Duration,
    ) -> Result<Vec<Entry>, AdminFailure> {
        let cid = cstring(&id.to_string())?;
        // SAFETY: librdkafka copies the name.
        let res = NonNull::new(unsafe {
            rd::rd_kafka_ConfigResource_new(
                rd::rd_kafka_ResourceType_t::RD_KAFKA_RESOURCE_BROKER,
                cid.as_ptr(),
            )
        })
        .ok_or_else(|| AdminFailure::local("librdkafka refused the config resource"))?;
        describe_configs(client, res, timeout)
    }

    fn describe_configs<C: ClientContext>(
        client: &Client<C>,
        res: NonNull<rd::rd_kafka_ConfigResource_t>,
        timeout: Duration,
    ) -> Result<Vec<Entry>, AdminFailure> {
        let mut res_ptr = res.as_ptr();
        call(
            client,
            rd::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS,
            timeout,
            // SAFETY (both closures): the resource is copied on submit; entries and their
            // strings belong to the event and are copied before it is released.
            |rk, o, q| unsafe {
                rd::rd_kafka_DescribeConfigs(rk, &mut res_ptr, 1, o, q);
                rd::rd_kafka_ConfigResource_destroy(res_ptr);
            },
            |ev| unsafe {
                let result = rd::rd_kafka_event_DescribeConfigs_result(ev);
                let mut n = 0;
                let resources = rd::rd_kafka_DescribeConfigs_result_resources(result, &mut n);
                let r = first_resource(resources, n)?;
                let mut cnt = 0;
                let entries = rd::rd_kafka_ConfigResource_configs(r, &mut cnt);
                let mut out = Vec::with_capacity(cnt);
                for i in 0..cnt {
                    let e = *entries.add(i);
                    out.push(Entry {
                        name: text(rd::rd_kafka_ConfigEntry_name(e)).unwrap_or_default(),
                        value: text(rd::rd_kafka_ConfigEntry_value(e)),
                        source: rd::rd_kafka_ConfigEntry_source(e),
                        read_only: rd::rd_kafka_ConfigEntry_is_read_only(e) != 0,
                        sensitive: rd::rd_kafka_ConfigEntry_is_sensitive(e) != 0,
                    });
                }
                Ok(out)
            },
        )
    }

    /// Sets `key` of `topic` to `value` and nothing else (IncrementalAlterConfigs, SET).
    pub fn set_topic_config<C: ClientContext>(
        client: &Client<C>,
        topic: &str,
        key: &str,
        value: &str,
        timeout: Duration,
    ) -> Result<(), AdminFailure> {
        let (ctopic, ckey, cvalue) = (cstring(topic)?, cstring(key)?, cstring(value)?);
        let res = topic_resource(&ctopic)?;
        // SAFETY: a live resource; the strings are copied.
        let e = unsafe {
            rd::rd_kafka_ConfigResource_add_incremental_config(
                res.as_ptr(),
                ckey.as_ptr(),
                rd::rd_kafka_AlterConfigOpType_t::RD_KAFKA_ALTER_CONFIG_OP_TYPE_SET,
                cvalue.as_ptr(),
            )
        };
        if !e.is_null() {
            // SAFETY: the error is ours to read and destroy; the resource was never submitted.
            let f = unsafe {
                let f = failure(
                    rd::rd_kafka_error_code(e),
                    text(rd::rd_kafka_error_string(e)),
                );
                rd::rd_kafka_error_destroy(e);
                rd::rd_kafka_ConfigResource_destroy(res.as_ptr());
                f
            };
            return Err(f);
        }
        let mut res_ptr = res.as_ptr();
        call(
            client,
            rd::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_INCREMENTALALTERCONFIGS,
            timeout,
            // SAFETY (both closures): as in `describe_topic_configs`.
            |rk, o, q| unsafe {
                rd::rd_kafka_IncrementalAlterConfigs(rk, &mut res_ptr, 1, o, q);
                rd::rd_kafka_ConfigResource_destroy(res_ptr);
            },
            |ev| unsafe {
                let result = rd::rd_kafka_event_IncrementalAlterConfigs_result(ev);
                let mut n = 0;
                let resources =
                    rd::rd_kafka_IncrementalAlterConfigs_result_resources(result, &mut n);
                first_resource(resources, n).map(|_| ())
            },
        )
    }

    /// Replaces `topic`'s whole set of overrides with `set` (AlterConfigs): for brokers older
    /// than IncrementalAlterConfigs (Kafka 2.3) only.
    pub fn replace_topic_configs<C: ClientContext>(
        client: &Client<C>,
        topic: &str,
        set: &[(String, String)],
        timeout: Duration,
    ) -> Result<(), AdminFailure> {
        let ctopic = cstring(topic)?;
        let set: Vec<(CString, CString)> = set
            .iter()
            .map(|(k, v)| Ok((cstring(k)?, cstring(v)?)))
            .collect::<Result<_, AdminFailure>>()?;
        let res = topic_resource(&ctopic)?;
        for (k, v) in &set {
            // SAFETY: a live resource; the strings are copied.
            let err = unsafe {
                rd::rd_kafka_ConfigResource_set_config(res.as_ptr(), k.as_ptr(), v.as_ptr())
            };
            if err != rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
                // SAFETY: never submitted, destroyed once.
                unsafe { rd::rd_kafka_ConfigResource_destroy(res.as_ptr()) };
                return Err(failure(err, Some(format!("config {k:?}"))));
            }
        }
        let mut res_ptr = res.as_ptr();
        call(
            client,
            rd::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_ALTERCONFIGS,
            timeout,
            // SAFETY (both closures): as in `describe_topic_configs`.
            |rk, o, q| unsafe {
                rd::rd_kafka_AlterConfigs(rk, &mut res_ptr, 1, o, q);
                rd::rd_kafka_ConfigResource_destroy(res_ptr);
            },
            |ev| unsafe {
                let result = rd::rd_kafka_event_AlterConfigs_result(ev);
                let mut n = 0;
                let resources = rd::rd_kafka_AlterConfigs_result_resources(result, &mut n);
                first_resource(resources, n).map(|_| ())
            },
        )
    }

    /// One broker as DescribeCluster answers it.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Node {
        pub id: i32,
        pub host: String,
        pub port: u16,
        pub rack: Option<String>,
    }

    /// The DescribeCluster answer. Its controller is the real one in ZooKeeper mode only: in
    /// KRaft brokers answer with a random live broker (clients cannot reach the controllers).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Cluster {
        pub cluster_id: Option<String>,
        pub controller: Option<i32>,
        pub nodes: Vec<Node>,
    }

    /// # Safety
    /// `n` is a live node.
    unsafe fn node(n: *const rd::rd_kafka_Node_t) -> Node {
        Node {
            id: rd::rd_kafka_Node_id(n),
            host: text(rd::rd_kafka_Node_host(n)).unwrap_or_default(),
            port: rd::rd_kafka_Node_port(n),
            rack: text(rd::rd_kafka_Node_rack(n)).filter(|r| !r.is_empty()),
        }
    }

    pub fn describe_cluster<C: ClientContext>(
        client: &Client<C>,
        timeout: Duration,
    ) -> Result<Cluster, AdminFailure> {
        call(
            client,
            rd::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_DESCRIBECLUSTER,
            timeout,
            // SAFETY (both closures): the nodes and strings belong to the event and are
            // copied before it is released.
            |rk, o, q| unsafe { rd::rd_kafka_DescribeCluster(rk, o, q) },
            |ev| unsafe {
                let res = rd::rd_kafka_event_DescribeCluster_result(ev);
                if res.is_null() {
                    return Err(AdminFailure::local("the broker gave no answer"));
                }
                let mut n = 0;
                let nodes = rd::rd_kafka_DescribeCluster_result_nodes(res, &mut n);
                let nodes = if nodes.is_null() {
                    Vec::new()
                } else {
                    (0..n).map(|i| node(*nodes.add(i))).collect()
                };
                let ctl = rd::rd_kafka_DescribeCluster_result_controller(res);
                Ok(Cluster {
                    cluster_id: text(rd::rd_kafka_DescribeCluster_result_cluster_id(res)),
                    controller: (!ctl.is_null())
                        .then(|| rd::rd_kafka_Node_id(ctl))
                        .filter(|id| *id >= 0),
                    nodes,
                })
            },
        )
    }

    /// Which rebalance protocol a group uses (ListGroups v5, Kafka 3.8+; `Unknown` before).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum GroupType {
        Unknown,
        /// KIP-848's consumer protocol: the classic DescribeGroups calls these Dead.
        Consumer,
        Classic,
    }

    /// Every group's name and type (ListConsumerGroups). Groups that some coordinator could not
    /// list are left out: the caller keeps what the classic listing says of them.
    pub fn list_group_types<C: ClientContext>(
        client: &Client<C>,
        timeout: Duration,
    ) -> Result<Vec<(String, GroupType)>, AdminFailure> {
        use rd::rd_kafka_consumer_group_type_t as T;
        call(
            client,
            rd::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS,
            timeout,
            // SAFETY (both closures): the listings belong to the event and are copied before
            // it is released.
            |rk, o, q| unsafe { rd::rd_kafka_ListConsumerGroups(rk, o, q) },
            |ev| unsafe {
                let res = rd::rd_kafka_event_ListConsumerGroups_result(ev);
                if res.is_null() {
                    return Err(AdminFailure::local("the broker gave no answer"));
                }
                let mut n = 0;
                let valid = rd::rd_kafka_ListConsumerGroups_result_valid(res, &mut n);
                let mut out = Vec::with_capacity(n);
                for i in 0..n {
                    if valid.is_null() {
                        break;
                    }
                    let g = *valid.add(i);
                    let kind = match rd::rd_kafka_ConsumerGroupListing_type(g) {
                        T::RD_KAFKA_CONSUMER_GROUP_TYPE_CONSUMER => GroupType::Consumer,
                        T::RD_KAFKA_CONSUMER_GROUP_TYPE_CLASSIC => GroupType::Classic,
                        _ => GroupType::Unknown,
                    };
                    out.push((
                        text(rd::rd_kafka_ConsumerGroupListing_group_id(g)).unwrap_or_default(),
                        kind,
                    ));
                }
                Ok(out)
            },
        )
    }

    /// One group as DescribeConsumerGroups answers it.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct GroupDescription {
        pub name: String,
        pub state: String,
        pub kind: GroupType,
        pub members: Vec<crate::model::Member>,
    }

    /// Describes `groups` with ConsumerGroupDescribe (KIP-848 groups) or, for classic groups,
    /// DescribeGroups: librdkafka picks. Each group's own failure is its own `Err` (a classic
    /// group of another protocol type, Connect's say, is refused: "not a consumer group").
    #[allow(clippy::type_complexity)]
    pub fn describe_consumer_groups<C: ClientContext>(
        client: &Client<C>,
        groups: &[String],
        timeout: Duration,
    ) -> Result<Vec<(String, Result<GroupDescription, AdminFailure>)>, AdminFailure> {
        use rd::rd_kafka_consumer_group_type_t as T;
        let names: Vec<CString> = groups
            .iter()
            .map(|g| cstring(g))
            .collect::<Result<_, _>>()?;
        let mut ptrs: Vec<*const c_char> = names.iter().map(|c| c.as_ptr()).collect();
        call(
            client,
            rd::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS,
            timeout,
            // SAFETY (both closures): the names live until submit (librdkafka copies them);
            // descriptions, members and their strings belong to the event and are copied
            // before it is released.
            |rk, o, q| unsafe {
                rd::rd_kafka_DescribeConsumerGroups(rk, ptrs.as_mut_ptr(), ptrs.len(), o, q)
            },
            |ev| unsafe {
                let res = rd::rd_kafka_event_DescribeConsumerGroups_result(ev);
                if res.is_null() {
                    return Err(AdminFailure::local("the broker gave no answer"));
                }
                let mut n = 0;
                let descs = rd::rd_kafka_DescribeConsumerGroups_result_groups(res, &mut n);
                let mut out = Vec::with_capacity(n);
                for i in 0..n {
                    if descs.is_null() {
                        break;
                    }
                    let d = *descs.add(i);
                    let name =
                        text(rd::rd_kafka_ConsumerGroupDescription_group_id(d)).unwrap_or_default();
                    let e = rd::rd_kafka_ConsumerGroupDescription_error(d);
                    if !e.is_null() {
                        let f = failure(
                            rd::rd_kafka_error_code(e),
                            text(rd::rd_kafka_error_string(e)),
                        );
                        out.push((name, Err(f)));
                        continue;
                    }
                    let state = text(rd::rd_kafka_consumer_group_state_name(
                        rd::rd_kafka_ConsumerGroupDescription_state(d),
                    ))
                    .unwrap_or_default();
                    let kind = match rd::rd_kafka_ConsumerGroupDescription_type(d) {
                        T::RD_KAFKA_CONSUMER_GROUP_TYPE_CONSUMER => GroupType::Consumer,
                        T::RD_KAFKA_CONSUMER_GROUP_TYPE_CLASSIC => GroupType::Classic,
                        _ => GroupType::Unknown,
                    };
                    let mut members = Vec::new();
                    for m in 0..rd::rd_kafka_ConsumerGroupDescription_member_count(d) {
                        let m = rd::rd_kafka_ConsumerGroupDescription_member(d, m);
                        if m.is_null() {
                            continue;
                        }
                        let mut assignment = std::collections::BTreeMap::<String, Vec<i32>>::new();
                        let a = rd::rd_kafka_MemberDescription_assignment(m);
                        let list = if a.is_null() {
                            std::ptr::null()
                        } else {
                            rd::rd_kafka_MemberAssignment_partitions(a)
                        };
                        if !list.is_null() && !(*list).elems.is_null() {
                            for k in 0..usize::try_from((*list).cnt).unwrap_or(0) {
                                let tp = &*(*list).elems.add(k);
                                let topic = text(tp.topic).unwrap_or_default();
                                assignment.entry(topic).or_default().push(tp.partition);
                            }
                        }
                        for parts in assignment.values_mut() {
                            parts.sort_unstable();
                        }
                        members.push(crate::model::Member {
                            id: text(rd::rd_kafka_MemberDescription_consumer_id(m))
                                .unwrap_or_default(),
                            client_id: text(rd::rd_kafka_MemberDescription_client_id(m))
                                .unwrap_or_default(),
                            host: text(rd::rd_kafka_MemberDescription_host(m)).unwrap_or_default(),
                            assignment,
                        });
                    }
                    out.push((
                        name.clone(),
                        Ok(GroupDescription {
                            name,
                            state,
                            kind,
                            members,
                        }),
                    ));
                }
                Ok(out)
            },
        )
    }
}

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
