//! librdkafka's admin API, called directly: rdkafka 0.39 drops the broker's error message from
//! every admin result (keeping only the code) and has no IncrementalAlterConfigs or
//! DescribeCluster. The groups' calls are in `groups.rs`.

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
    pub(super) fn local(message: impl Into<String>) -> Self {
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

pub(super) fn cstring(s: &str) -> Result<CString, AdminFailure> {
    CString::new(s).map_err(|_| AdminFailure::local(format!("{s:?} holds a NUL byte")))
}

/// # Safety
/// `p` is null or a NUL-terminated string that lives for the call.
pub(super) unsafe fn text(p: *const c_char) -> Option<String> {
    (!p.is_null()).then(|| CStr::from_ptr(p).to_string_lossy().into_owned())
}

pub(super) fn failure(code: rd::rd_kafka_resp_err_t, message: Option<String>) -> AdminFailure {
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
pub(super) fn call<C: ClientContext, T>(
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
        let err = unsafe { rd::rd_kafka_NewTopic_set_config(nt.as_ptr(), k.as_ptr(), v.as_ptr()) };
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

/// A topic's config resource, with `set` applied; destroyed by the caller.
fn topic_resource(topic: &CString) -> Result<NonNull<rd::rd_kafka_ConfigResource_t>, AdminFailure> {
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
            let resources = rd::rd_kafka_IncrementalAlterConfigs_result_resources(result, &mut n);
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
        let err =
            unsafe { rd::rd_kafka_ConfigResource_set_config(res.as_ptr(), k.as_ptr(), v.as_ptr()) };
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
