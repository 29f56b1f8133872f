//! Consumer groups through librdkafka's admin API: ListConsumerGroups (a group's protocol type),
//! DescribeConsumerGroups (the only way to see a KIP-848 group), ListConsumerGroupOffsets and
//! ListOffsets (the groups list's lag), DeleteGroups.

use std::ffi::{c_char, CString};
use std::time::{Duration, Instant};

use rdkafka::bindings as rd;
use rdkafka::client::{Client, ClientContext};

use super::admin::{call, cstring, failure, text, AdminFailure};

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
                        id: text(rd::rd_kafka_MemberDescription_consumer_id(m)).unwrap_or_default(),
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

/// A group's committed offsets: `(topic, partition, offset)`, commits only.
pub type Committed = Vec<(String, i32, i64)>;

/// Destroys an event when dropped.
struct Event(*mut rd::rd_kafka_event_t);

impl Drop for Event {
    fn drop(&mut self) {
        // SAFETY: a live event from `rd_kafka_queue_poll`, released once.
        unsafe { rd::rd_kafka_event_destroy(self.0) }
    }
}

/// Destroys a queue when dropped; requests still in flight hold their own reference.
struct Queue(*mut rd::rd_kafka_queue_t);

impl Drop for Queue {
    fn drop(&mut self) {
        // SAFETY: created by `rd_kafka_queue_new`, released once.
        unsafe { rd::rd_kafka_queue_destroy(self.0) }
    }
}

/// # Safety
/// `list` is null or a live partition list that outlives the slice.
unsafe fn partitions<'a>(
    list: *const rd::rd_kafka_topic_partition_list_t,
) -> &'a [rd::rd_kafka_topic_partition_t] {
    if list.is_null() || (*list).elems.is_null() {
        return &[];
    }
    std::slice::from_raw_parts((*list).elems, usize::try_from((*list).cnt).unwrap_or(0))
}

/// Every group's committed offsets. ListConsumerGroupOffsets takes one group per request
/// (librdkafka refuses more), so all are sent at once on one queue, told apart by their index
/// as opaque, and gathered until `timeout`: a group with no answer by then is its own `Err`.
#[allow(clippy::type_complexity)]
pub fn list_group_offsets<C: ClientContext>(
    client: &Client<C>,
    groups: &[String],
    timeout: Duration,
) -> Vec<(String, Result<Committed, AdminFailure>)> {
    let mut out: Vec<Option<Result<Committed, AdminFailure>>> = vec![None; groups.len()];
    let rk = client.native_ptr();
    let ms = i32::try_from(timeout.as_millis()).unwrap_or(i32::MAX);
    // SAFETY: `rk` is live while `client` is borrowed. Options are copied into each request
    // when it is sent, so they are destroyed at once; each request object likewise. Results
    // (partition lists and strings) belong to their event and are copied before it drops.
    unsafe {
        let queue = Queue(rd::rd_kafka_queue_new(rk));
        if queue.0.is_null() {
            return failed_all(groups, "librdkafka could not create a queue");
        }
        let mut sent = 0;
        for (i, g) in groups.iter().enumerate() {
            let name = match cstring(g) {
                Ok(n) => n,
                Err(e) => {
                    out[i] = Some(Err(e));
                    continue;
                }
            };
            let options = rd::rd_kafka_AdminOptions_new(
                rk,
                rd::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS,
            );
            if options.is_null() {
                out[i] = Some(Err(AdminFailure::local(
                    "librdkafka refused the admin options",
                )));
                continue;
            }
            let mut errstr = [0 as c_char; 256];
            rd::rd_kafka_AdminOptions_set_request_timeout(
                options,
                ms,
                errstr.as_mut_ptr(),
                errstr.len(),
            );
            rd::rd_kafka_AdminOptions_set_opaque(options, i as *mut std::ffi::c_void);
            let mut req =
                rd::rd_kafka_ListConsumerGroupOffsets_new(name.as_ptr(), std::ptr::null());
            rd::rd_kafka_ListConsumerGroupOffsets(rk, &mut req, 1, options, queue.0);
            rd::rd_kafka_ListConsumerGroupOffsets_destroy(req);
            rd::rd_kafka_AdminOptions_destroy(options);
            sent += 1;
        }
        let deadline = Instant::now() + timeout + Duration::from_secs(5);
        let mut answered = 0;
        while answered < sent {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            let ev = rd::rd_kafka_queue_poll(
                queue.0,
                i32::try_from(left.as_millis()).unwrap_or(i32::MAX),
            );
            if ev.is_null() {
                break;
            }
            let ev = Event(ev);
            let i = rd::rd_kafka_event_opaque(ev.0) as usize;
            let Some(slot) = out.get_mut(i) else { continue };
            answered += 1;
            *slot = Some(read_group_offsets(ev.0));
        }
    }
    groups
        .iter()
        .zip(out)
        .map(|(g, r)| {
            let r = r.unwrap_or_else(|| {
                Err(failure(
                    rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR__TIMED_OUT,
                    Some("no answer in time".into()),
                ))
            });
            (g.clone(), r)
        })
        .collect()
}

fn failed_all(groups: &[String], why: &str) -> Vec<(String, Result<Committed, AdminFailure>)> {
    groups
        .iter()
        .map(|g| (g.clone(), Err(AdminFailure::local(why))))
        .collect()
}

/// # Safety
/// `ev` is a live ListConsumerGroupOffsets result event.
unsafe fn read_group_offsets(ev: *mut rd::rd_kafka_event_t) -> Result<Committed, AdminFailure> {
    let err = rd::rd_kafka_event_error(ev);
    if err != rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
        return Err(failure(err, text(rd::rd_kafka_event_error_string(ev))));
    }
    let res = rd::rd_kafka_event_ListConsumerGroupOffsets_result(ev);
    if res.is_null() {
        return Err(AdminFailure::local("the broker gave no answer"));
    }
    let mut n = 0;
    let groups = rd::rd_kafka_ListConsumerGroupOffsets_result_groups(res, &mut n);
    if groups.is_null() || n == 0 {
        return Err(AdminFailure::local("the broker gave no answer"));
    }
    let g = *groups;
    let e = rd::rd_kafka_group_result_error(g);
    if !e.is_null() {
        return Err(failure(
            rd::rd_kafka_error_code(e),
            text(rd::rd_kafka_error_string(e)),
        ));
    }
    Ok(partitions(rd::rd_kafka_group_result_partitions(g))
        .iter()
        .filter(|tp| {
            tp.err == rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR && tp.offset >= 0
        })
        .map(|tp| (text(tp.topic).unwrap_or_default(), tp.partition, tp.offset))
        .collect())
}

/// `((topic, partition), end offset)`.
pub type EndOffset = ((String, i32), i64);

/// The end offset (high watermark) of each partition asked, in one ListOffsets request per
/// leader (librdkafka splits it). Partitions whose answer failed are left out.
pub fn list_end_offsets<C: ClientContext>(
    client: &Client<C>,
    asked: &[(String, i32)],
    timeout: Duration,
) -> Result<Vec<EndOffset>, AdminFailure> {
    if asked.is_empty() {
        return Ok(Vec::new());
    }
    let mut list = rdkafka::TopicPartitionList::with_capacity(asked.len());
    for (t, p) in asked {
        // librdkafka refuses a list with a partition twice; OFFSET_SPEC_LATEST is End (-1).
        if list.find_partition(t, *p).is_none() {
            list.add_partition_offset(t, *p, rdkafka::Offset::End)
                .map_err(|e| AdminFailure::local(e.to_string()))?;
        }
    }
    call(
        client,
        rd::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_LISTOFFSETS,
        timeout,
        // SAFETY (both closures): librdkafka copies the list when the request is sent; the
        // answers belong to the event and are copied before it is released.
        |rk, o, q| unsafe { rd::rd_kafka_ListOffsets(rk, list.ptr(), o, q) },
        |ev| unsafe {
            let res = rd::rd_kafka_event_ListOffsets_result(ev);
            if res.is_null() {
                return Err(AdminFailure::local("the broker gave no answer"));
            }
            let mut n = 0;
            let infos = rd::rd_kafka_ListOffsets_result_infos(res, &mut n);
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                if infos.is_null() {
                    break;
                }
                let tp = rd::rd_kafka_ListOffsetsResultInfo_topic_partition(*infos.add(i));
                if tp.is_null() {
                    continue;
                }
                let tp = &*tp;
                if tp.err == rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR && tp.offset >= 0 {
                    out.push((
                        (text(tp.topic).unwrap_or_default(), tp.partition),
                        tp.offset,
                    ));
                }
            }
            Ok(out)
        },
    )
}
