//! Consumer groups: listing, members and their assignments, committed offsets and lag, offset
//! resets and deletion. Blocking calls: run them on a blocking thread.

use std::collections::BTreeMap;

use super::error::KafkaError;
use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::{Offset, TopicPartitionList};

use super::admin::{partition_watermarks, usable_map};
use super::client::{ClientSettings, UiContext};
use super::consumer::create_consumer;
use super::ffi::groups::{self as ffi, GroupType};
use crate::model::{
    lag, total_lag, GroupDetail, GroupSummary, Member, PartitionLag, ResetPlan, ResetTo,
};

const TIMEOUT: Duration = Duration::from_secs(10);

/// Reads a consumer-protocol `MemberAssignment`: version, [topic, [partition]], user data.
pub fn decode_assignment(bytes: &[u8]) -> Option<BTreeMap<String, Vec<i32>>> {
    let mut r = Reader { b: bytes, pos: 0 };
    let _version = r.i16()?;
    let topics = r.i32()?;
    let mut out = BTreeMap::new();
    for _ in 0..topics.max(0) {
        let len = usize::try_from(r.i16()?).ok()?;
        let name = String::from_utf8_lossy(r.take(len)?).into_owned();
        let n = r.i32()?;
        let mut parts = Vec::with_capacity(n.clamp(0, 10_000) as usize);
        for _ in 0..n.max(0) {
            parts.push(r.i32()?);
        }
        out.insert(name, parts);
    }
    Some(out)
}

/// A big-endian reader over the consumer protocol's bytes (assignments here, subscriptions in
/// `streams::protocol`); every read is bounds-checked and says `None` past the end.
pub(crate) struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(b: &'a [u8]) -> Self {
        Reader { b, pos: 0 }
    }
    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(s)
    }
    pub(crate) fn i16(&mut self) -> Option<i16> {
        Some(i16::from_be_bytes(self.take(2)?.try_into().ok()?))
    }
    pub(crate) fn i32(&mut self) -> Option<i32> {
        Some(i32::from_be_bytes(self.take(4)?.try_into().ok()?))
    }
}

pub fn list_groups(client: &BaseConsumer<UiContext>) -> Result<Vec<GroupSummary>, KafkaError> {
    let list = client.fetch_group_list(None, TIMEOUT)?;
    let mut groups: Vec<GroupSummary> = list
        .groups()
        .iter()
        .map(|g| GroupSummary {
            name: g.name().to_string(),
            state: g.state().to_string(),
            protocol_type: g.protocol_type().to_string(),
            members: g.members().len(),
            ..GroupSummary::default()
        })
        .collect();
    // The classic listing calls every KIP-848 group (`group.protocol=consumer`) Dead with no
    // members: those are described again with ConsumerGroupDescribe. Brokers older than
    // Kafka 3.8 cannot say a group's type, and have no such groups.
    let new_protocol: Vec<String> = ffi::list_group_types(client.client(), TIMEOUT)
        .unwrap_or_else(|e| {
            tracing::info!("ListConsumerGroups: {e}");
            Vec::new()
        })
        .into_iter()
        .filter(|(_, kind)| *kind == GroupType::Consumer)
        .map(|(name, _)| name)
        .collect();
    if !new_protocol.is_empty() {
        let described = ffi::describe_consumer_groups(client.client(), &new_protocol, TIMEOUT)
            .map_err(|e| {
                KafkaError::from_code(
                    Some(e.code),
                    &format!("describing the consumer-protocol groups: {e}"),
                )
            })?;
        for (name, d) in described {
            let summary = match d {
                Ok(d) => GroupSummary {
                    name: d.name,
                    state: d.state,
                    protocol_type: "consumer".into(),
                    members: d.members.len(),
                    ..GroupSummary::default()
                },
                Err(e) => GroupSummary {
                    name: name.clone(),
                    state: format!("? ({e})"),
                    protocol_type: "consumer".into(),
                    ..GroupSummary::default()
                },
            };
            match groups.iter_mut().find(|g| g.name == name) {
                Some(g) => *g = summary,
                None => groups.push(summary),
            }
        }
    }
    groups.sort_by(|a, b| a.name.cmp(&b.name));
    add_lag(client, &mut groups);
    Ok(groups)
}

/// Each group's topics and total lag: committed offsets from ListConsumerGroupOffsets (one
/// request per group, all at once), end offsets from one ListOffsets over every committed
/// partition that the metadata lists as usable (a broker's commits may name any partition:
/// see `admin::PartitionCheck`). What cannot be read leaves the lag unknown or partial, and
/// the list is shown all the same.
fn add_lag(client: &BaseConsumer<UiContext>, groups: &mut [GroupSummary]) {
    let names: Vec<String> = groups.iter().map(|g| g.name.clone()).collect();
    let committed = ffi::list_group_offsets(client.client(), &names, TIMEOUT);
    let usable = match client.fetch_metadata(None, TIMEOUT) {
        Ok(md) => usable_map(&md),
        Err(e) => {
            tracing::info!("metadata for the groups' lag: {e}");
            Default::default()
        }
    };
    let is_usable = |t: &str, p: i32| usable.get(t).is_some_and(|ps| ps.contains(&p));
    let mut asked: Vec<(String, i32)> = committed
        .iter()
        .filter_map(|(_, r)| r.as_ref().ok())
        .flatten()
        .filter(|(t, p, _)| is_usable(t, *p))
        .map(|(t, p, _)| (t.clone(), *p))
        .collect();
    asked.sort();
    asked.dedup();
    let ends: BTreeMap<(String, i32), i64> =
        ffi::list_end_offsets(client.client(), &asked, TIMEOUT)
            .unwrap_or_else(|e| {
                tracing::info!("end offsets for the groups' lag: {e}");
                Vec::new()
            })
            .into_iter()
            .collect();
    for (g, (name, r)) in groups.iter_mut().zip(committed) {
        debug_assert_eq!(g.name, name);
        match r {
            Ok(c) => {
                let (topics, lag, partial) =
                    total_lag(&c, |t, p| ends.get(&(t.to_string(), p)).copied());
                g.topics = topics;
                g.lag = lag;
                g.lag_partial = partial;
            }
            Err(e) => tracing::info!("committed offsets of {name}: {e}"),
        }
    }
}

/// A group's state and members: DescribeConsumerGroups first (it speaks ConsumerGroupDescribe
/// to KIP-848 groups and DescribeGroups to classic ones), the classic call for groups it
/// refuses (a classic group of another protocol type, Connect's say).
fn state_and_members(
    meta: &BaseConsumer<UiContext>,
    group: &str,
) -> Result<(String, Vec<Member>), KafkaError> {
    let described = ffi::describe_consumer_groups(meta.client(), &[group.to_string()], TIMEOUT);
    if let Ok(Some((_, Ok(d)))) = described.map(|v| v.into_iter().find(|(n, _)| n == group)) {
        return Ok((d.state, d.members));
    }
    let list = meta.fetch_group_list(Some(group), TIMEOUT)?;
    let info = list.groups().iter().find(|g| g.name() == group);
    Ok(match info {
        Some(g) => (
            g.state().to_string(),
            g.members()
                .iter()
                .map(|m| Member {
                    id: m.id().to_string(),
                    client_id: m.client_id().to_string(),
                    host: m.client_host().to_string(),
                    assignment: m
                        .assignment()
                        .and_then(decode_assignment)
                        .unwrap_or_default(),
                })
                .collect(),
        ),
        None => ("Unknown".to_string(), Vec::new()),
    })
}

/// Members, committed offsets and lag of one group. Committed offsets are read before end
/// offsets, so a record produced in between can only make lag look larger, never negative.
pub fn describe_group(
    settings: &ClientSettings,
    meta: &BaseConsumer<UiContext>,
    group: &str,
) -> Result<GroupDetail, KafkaError> {
    let (state, members) = state_and_members(meta, group)?;

    // Only partitions the metadata lists as usable are asked about (see
    // `admin::PartitionCheck`): a broker's committed offsets and a member's assignment may name
    // any partition at all.
    let md = meta.fetch_metadata(None, TIMEOUT)?;
    let usable = usable_map(&md);
    let is_usable = |t: &str, p: i32| usable.get(t).is_some_and(|ps| ps.contains(&p));
    let end_of = |t: &str, p: i32| {
        is_usable(t, p)
            .then(|| {
                partition_watermarks(meta, t, p, TIMEOUT)
                    .ok()
                    .map(|(_, hi)| hi)
            })
            .flatten()
    };
    let mut tpl = TopicPartitionList::new();
    for (t, parts) in usable.iter().filter(|(t, _)| !t.starts_with("__")) {
        for &p in parts {
            tpl.add_partition(t, p);
        }
    }
    let reader = group_client(settings, group)?;
    let committed = reader.committed_offsets(tpl, TIMEOUT)?;
    let mut offsets = Vec::new();
    for e in committed.elements() {
        let Offset::Offset(c) = e.offset() else {
            continue;
        };
        let end = end_of(e.topic(), e.partition());
        let (lag, ahead) = lag(Some(c), end);
        offsets.push(PartitionLag {
            topic: e.topic().to_string(),
            partition: e.partition(),
            committed: Some(c),
            end,
            lag,
            ahead,
        });
    }
    // Assigned partitions without a commit still belong in the table.
    for m in &members {
        for (topic, parts) in &m.assignment {
            for &p in parts {
                if !offsets
                    .iter()
                    .any(|o| &o.topic == topic && o.partition == p)
                {
                    offsets.push(PartitionLag {
                        topic: topic.clone(),
                        partition: p,
                        committed: None,
                        end: end_of(topic, p),
                        lag: None,
                        ahead: false,
                    });
                }
            }
        }
    }
    offsets.sort_by(|a, b| (&a.topic, a.partition).cmp(&(&b.topic, b.partition)));
    Ok(GroupDetail {
        name: group.to_string(),
        state,
        members,
        offsets,
    })
}

/// A consumer that speaks for `group` without joining it (no subscribe), for OffsetFetch and
/// OffsetCommit.
fn group_client(
    settings: &ClientSettings,
    group: &str,
) -> Result<BaseConsumer<UiContext>, KafkaError> {
    let mut s = settings.clone();
    s.properties.push(("group.id".into(), group.into()));
    create_consumer(&s, UiContext::silent())
        .map_err(|e| KafkaError::other(settings.mask(&format!("{e:#}"))))
}

/// Fails naming the partitions of `targets` that fresh metadata does not list as usable: no
/// offset of theirs is looked up or committed.
fn check_usable<'a>(
    meta: &BaseConsumer<UiContext>,
    targets: impl Iterator<Item = (&'a str, i32)>,
) -> Result<(), KafkaError> {
    let md = meta.fetch_metadata(None, TIMEOUT)?;
    let usable = usable_map(&md);
    let bad: Vec<String> = targets
        .filter(|(t, p)| !usable.get(*t).is_some_and(|ps| ps.contains(p)))
        .map(|(t, p)| format!("{t}[{p}]"))
        .collect();
    if bad.is_empty() {
        Ok(())
    } else {
        Err(KafkaError::other(format!(
            "the cluster's metadata does not list {} as valid partitions: nothing was changed",
            bad.join(", ")
        )))
    }
}

/// Computes the new offsets for every partition the group has committed.
pub fn plan_reset(
    meta: &BaseConsumer<UiContext>,
    detail: &GroupDetail,
    to: ResetTo,
) -> Result<ResetPlan, KafkaError> {
    let mut moves = Vec::new();
    let targets: Vec<&PartitionLag> = detail.offsets.iter().collect();
    check_usable(
        meta,
        targets.iter().map(|p| (p.topic.as_str(), p.partition)),
    )?;
    let marks = |p: &PartitionLag| {
        partition_watermarks(meta, &p.topic, p.partition, TIMEOUT).map_err(|e| match e {
            super::admin::MarksError::Unavailable(e) => e,
            super::admin::MarksError::Impossible(e) => KafkaError::other(e),
        })
    };
    if let ResetTo::Timestamp(ts) = to {
        let mut q = TopicPartitionList::new();
        for p in &targets {
            q.add_partition_offset(&p.topic, p.partition, Offset::Offset(ts))?;
        }
        let found = meta.offsets_for_times(q, TIMEOUT)?;
        for p in &targets {
            let new = match found
                .find_partition(&p.topic, p.partition)
                .map(|e| e.offset())
            {
                Some(Offset::Offset(o)) if o >= 0 => o,
                // No record at or after the time: the end.
                _ => marks(p)?.1,
            };
            moves.push((p.topic.clone(), p.partition, p.committed, new));
        }
    } else {
        if let ResetTo::Shift(_) = to {
            // As `kafka-consumer-groups --shift-by`: a shift needs a place to shift from.
            let uncommitted: Vec<String> = targets
                .iter()
                .filter(|p| p.committed.is_none())
                .map(|p| format!("{}[{}]", p.topic, p.partition))
                .collect();
            if !uncommitted.is_empty() {
                return Err(KafkaError::other(format!(
                    "cannot shift {}: the group has no committed offset there (kafka-consumer-groups --shift-by refuses it too); reset them to earliest, latest, an offset or a time",
                    uncommitted.join(", ")
                )));
            }
        }
        for p in &targets {
            let (lo, hi) = marks(p)?;
            let new = match to {
                ResetTo::Earliest => lo,
                ResetTo::Latest => hi,
                ResetTo::Offset(o) => o.clamp(lo, hi),
                ResetTo::Shift(n) => p.committed.unwrap_or(lo).saturating_add(n).clamp(lo, hi),
                ResetTo::Timestamp(_) => unreachable!("handled above"),
            };
            moves.push((p.topic.clone(), p.partition, p.committed, new));
        }
    }
    Ok(ResetPlan {
        group: detail.name.clone(),
        to,
        moves,
    })
}

/// Commits the planned offsets on behalf of the (inactive) group.
pub fn apply_reset(
    settings: &ClientSettings,
    meta: &BaseConsumer<UiContext>,
    plan: &ResetPlan,
) -> Result<usize, KafkaError> {
    check_usable(meta, plan.moves.iter().map(|(t, p, _, _)| (t.as_str(), *p)))?;
    let client = group_client(settings, &plan.group)?;
    let mut tpl = TopicPartitionList::new();
    for (topic, partition, _, new) in &plan.moves {
        tpl.add_partition_offset(topic, *partition, Offset::Offset(*new))?;
    }
    client.commit(&tpl, CommitMode::Sync)?;
    Ok(plan.moves.len())
}

/// Deletes an (inactive) group. Blocking.
pub fn delete_group<C: rdkafka::client::ClientContext>(
    client: &rdkafka::client::Client<C>,
    group: &str,
) -> Result<(), KafkaError> {
    ffi::delete_group(client, group, TIMEOUT).map_err(KafkaError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assignment(topics: &[(&str, &[i32])]) -> Vec<u8> {
        let mut b = vec![0, 1];
        b.extend((topics.len() as i32).to_be_bytes());
        for (t, ps) in topics {
            b.extend((t.len() as i16).to_be_bytes());
            b.extend(t.as_bytes());
            b.extend((ps.len() as i32).to_be_bytes());
            for p in *ps {
                b.extend(p.to_be_bytes());
            }
        }
        b.extend((-1i32).to_be_bytes()); // null user data
        b
    }

    #[test]
    fn decodes_consumer_assignments() {
        let got = decode_assignment(&assignment(&[("orders", &[0, 2]), ("pay", &[1])])).unwrap();
        assert_eq!(got["orders"], vec![0, 2]);
        assert_eq!(got["pay"], vec![1]);
    }

    #[test]
    fn truncated_or_hostile_assignments_do_not_panic() {
        let full = assignment(&[("orders", &[0, 2])]);
        for cut in 0..full.len() - 4 {
            let _ = decode_assignment(&full[..cut]);
        }
        // A huge partition count with no data must fail, not allocate gigabytes.
        let mut evil = vec![0, 1, 0, 0, 0, 1, 0, 1, b'x'];
        evil.extend(i32::MAX.to_be_bytes());
        assert_eq!(decode_assignment(&evil), None);
    }
}
