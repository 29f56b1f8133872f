//! Finding Kafka Streams applications in what the cluster already says. A Streams application
//! is a consumer group whose id is the `application.id`, and it names its internal topics
//! `<application.id>-<name>-changelog` and `<application.id>-<name>-repartition` (foreign-key
//! joins add `…-subscription-registration-topic` / `…-subscription-response-topic`). Its
//! members are stream threads with client ids `<client>-StreamThread-<n>-consumer`, where
//! `<client>` is `client.id` or `<application.id>-<process uuid>`, and its classic group uses
//! the assignor named `stream`. Output topics are only in the topology description.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

pub use crate::model::PartitionLag;

use super::topology::Topology;

// ---- what the caller gathers from the cluster ------------------------------------------------

/// A consumer group as the cluster describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupInput {
    pub id: String,
    /// `Stable`, `PreparingRebalance`, `CompletingRebalance`, `Empty`, `Dead`, ...
    pub state: String,
    /// `consumer` for a classic group, `streams` for a KIP-1071 group, `connect`, ...
    pub protocol_type: String,
    /// The assignor of a classic group: `stream` for Kafka Streams.
    pub protocol: String,
    pub members: Vec<MemberInput>,
    /// Committed offsets and end offsets of the partitions the group has committed or is
    /// assigned (the same rows as the groups view's lag table).
    pub offsets: Vec<OffsetInput>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberInput {
    pub member_id: String,
    pub client_id: String,
    pub host: String,
    /// Topics from the member's subscription metadata (`protocol::subscribed_topics`); may be
    /// empty when unknown.
    pub subscription: Vec<String>,
    /// Topic -> partitions assigned to the member.
    pub assignment: BTreeMap<String, Vec<i32>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffsetInput {
    pub topic: String,
    pub partition: i32,
    pub committed: Option<i64>,
    /// The high watermark.
    pub end: Option<i64>,
}

/// A topic from the topic list, with what is known of its size.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicInput {
    pub name: String,
    pub partitions: usize,
    pub size_bytes: Option<u64>,
    pub records: Option<u64>,
}

// ---- what discovery finds --------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discovery {
    pub apps: Vec<StreamsApp>,
    /// Internal-looking topics whose application has no group any more (stopped long enough
    /// for its offsets to expire, or deleted): candidates for clean-up.
    pub orphan_internal_topics: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamsApp {
    pub application_id: String,
    /// The group's state.
    pub state: String,
    /// Why this group is taken for a Streams application.
    pub found_by: Vec<Evidence>,
    /// Members grouped by process (client id prefix and host), each with its stream threads.
    pub processes: Vec<StreamsProcess>,
    /// Topics the application reads that are not its own internal topics: from the members'
    /// subscriptions and assignments, the committed offsets, and the topology's sources.
    pub input_topics: Vec<TopicRef>,
    /// Source patterns from the topology (the topics matching them are chosen at run time).
    pub input_patterns: Vec<String>,
    pub internal_topics: Vec<InternalTopic>,
    /// The topology's sink topics that are not internal; `None` without a topology.
    pub output_topics: Option<Vec<TopicRef>>,
    /// Sinks that choose their topic per record (extractor class names).
    pub dynamic_outputs: Vec<String>,
    /// State stores named in the topology.
    pub stores: Vec<String>,
    /// Lag per input partition (rows for every partition of an input topic the topic list
    /// knows, committed or not).
    pub input_lag: Vec<PartitionLag>,
    /// Lag on the repartition topics (records between two sub-topologies).
    pub repartition_lag: Vec<PartitionLag>,
}

impl StreamsApp {
    /// Total lag over the input partitions that have a commit.
    pub fn total_input_lag(&self) -> i64 {
        crate::model::group::summed_lag(&self.input_lag)
    }

    pub fn thread_count(&self) -> usize {
        self.processes.iter().map(|p| p.threads.len()).sum()
    }

    /// Every topic the detail lists (inputs, internal, outputs), for jumping to its tail.
    pub fn topics(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.input_topics.iter().map(|t| t.name.as_str()).collect();
        out.extend(self.internal_topics.iter().map(|t| t.name.as_str()));
        if let Some(o) = &self.output_topics {
            out.extend(o.iter().map(|t| t.name.as_str()));
        }
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Evidence {
    /// Topics named `<group id>-…-changelog` / `-repartition` exist.
    InternalTopics,
    /// The classic group's assignor is Streams' (`stream`).
    StreamsAssignor,
    /// A member's client id is a stream thread's (`…-StreamThread-N-consumer`).
    StreamThreadClients,
    /// The group is a KIP-1071 `streams` group.
    StreamsGroup,
}

/// One Kafka Streams instance (a `KafkaStreams` object): its client id prefix and host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamsProcess {
    /// `client.id`, or `<application.id>-<process uuid>` by default.
    pub client_id: String,
    pub host: String,
    pub threads: Vec<StreamThread>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamThread {
    /// `StreamThread-N`, or the whole client id of a member that is not a stream thread.
    pub name: String,
    pub index: Option<u32>,
    pub member_id: String,
    pub client_id: String,
    pub assignment: BTreeMap<String, Vec<i32>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicRef {
    pub name: String,
    /// In the topic list (a topology may name a topic that does not exist yet).
    pub exists: bool,
    pub partitions: Option<usize>,
    pub size_bytes: Option<u64>,
    pub records: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum InternalKind {
    /// A state store's backup: `<app>-<store>-changelog`.
    Changelog,
    /// Records re-keyed between sub-topologies: `<app>-<name>-repartition`.
    Repartition,
    /// A foreign-key join's `…-subscription-registration-topic` / `-response-topic`.
    Subscription,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InternalTopic {
    pub name: String,
    pub kind: InternalKind,
    /// The part between the application id and the suffix: the store's name for a changelog.
    pub base: String,
    pub partitions: usize,
    pub size_bytes: Option<u64>,
    pub records: Option<u64>,
}

// ---- the logic -------------------------------------------------------------------------------

const SUFFIXES: [(&str, InternalKind); 4] = [
    ("-changelog", InternalKind::Changelog),
    ("-repartition", InternalKind::Repartition),
    (
        "-subscription-registration-topic",
        InternalKind::Subscription,
    ),
    ("-subscription-response-topic", InternalKind::Subscription),
];

/// The kind of an internal topic by its suffix, and the name without it. A foreign-key join
/// named by the application has `<name>-subscription-registration-topic`; an unnamed one
/// `KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic` (and `…-RESPONSE-…`).
fn internal_suffix(name: &str) -> Option<(InternalKind, &str)> {
    let named = SUFFIXES.iter().find_map(|(suffix, kind)| {
        name.strip_suffix(suffix)
            .filter(|rest| !rest.is_empty())
            .map(|rest| (*kind, rest))
    });
    named.or_else(|| {
        let rest = name.strip_suffix("-topic")?;
        (rest.contains("-KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-")
            || rest.contains("-KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-"))
        .then_some((InternalKind::Subscription, rest))
    })
}

/// `<client>-StreamThread-<n>-consumer` -> (`<client>`, n).
pub fn parse_stream_thread(client_id: &str) -> Option<(&str, u32)> {
    let rest = client_id.strip_suffix("-consumer")?;
    let at = rest.rfind("-StreamThread-")?;
    let n = rest[at + "-StreamThread-".len()..].parse().ok()?;
    Some((&rest[..at], n))
}

/// Finds the Streams applications among `groups`, with their topics from `topics` and, for
/// applications that have one in `topologies` (by application id), their topology.
pub fn discover(
    groups: &[GroupInput],
    topics: &[TopicInput],
    topologies: &BTreeMap<String, Topology>,
) -> Discovery {
    let topic_by_name: BTreeMap<&str, &TopicInput> =
        topics.iter().map(|t| (t.name.as_str(), t)).collect();
    // Longest group id first: `app-x-s-changelog` belongs to `app-x`, not to `app`.
    let mut ids: Vec<&str> = groups
        .iter()
        .filter(|g| !g.id.is_empty() && g.protocol_type != "connect")
        .map(|g| g.id.as_str())
        .collect();
    ids.sort_by_key(|id| std::cmp::Reverse(id.len()));

    let mut internal: BTreeMap<&str, Vec<InternalTopic>> = BTreeMap::new();
    let mut orphans = Vec::new();
    for t in topics {
        let Some((kind, without_suffix)) = internal_suffix(&t.name) else {
            continue;
        };
        let owner = ids.iter().find(|id| {
            without_suffix
                .strip_prefix(**id)
                .and_then(|r| r.strip_prefix('-'))
                .is_some_and(|base| !base.is_empty())
        });
        match owner {
            Some(id) => internal.entry(id).or_default().push(InternalTopic {
                name: t.name.clone(),
                kind,
                base: without_suffix[id.len() + 1..].to_string(),
                partitions: t.partitions,
                size_bytes: t.size_bytes,
                records: t.records,
            }),
            // Either an application's leftover (its group gone) or a topic that only looks
            // internal (a CDC `…-changelog`, say): listed apart, the UI says which it may be.
            None => orphans.push(t.name.clone()),
        }
    }

    let mut apps = Vec::new();
    for g in groups {
        if g.id.is_empty() || g.protocol_type == "connect" {
            continue;
        }
        let mut found_by = Vec::new();
        let own_internal = internal.remove(g.id.as_str()).unwrap_or_default();
        if !own_internal.is_empty() {
            found_by.push(Evidence::InternalTopics);
        }
        if g.protocol == "stream" {
            found_by.push(Evidence::StreamsAssignor);
        }
        if g.members
            .iter()
            .any(|m| parse_stream_thread(&m.client_id).is_some())
        {
            found_by.push(Evidence::StreamThreadClients);
        }
        if g.protocol_type == "streams" {
            found_by.push(Evidence::StreamsGroup);
        }
        if found_by.is_empty() {
            continue;
        }
        apps.push(build_app(
            g,
            own_internal,
            found_by,
            &topic_by_name,
            topologies.get(&g.id),
        ));
    }
    apps.sort_by(|a, b| a.application_id.cmp(&b.application_id));
    orphans.sort();
    Discovery {
        apps,
        orphan_internal_topics: orphans,
    }
}

fn build_app(
    g: &GroupInput,
    mut internal_topics: Vec<InternalTopic>,
    found_by: Vec<Evidence>,
    topic_by_name: &BTreeMap<&str, &TopicInput>,
    topology: Option<&Topology>,
) -> StreamsApp {
    internal_topics.sort_by(|a, b| (a.kind, &a.name).cmp(&(b.kind, &b.name)));
    let internal_names: BTreeSet<&str> = internal_topics.iter().map(|t| t.name.as_str()).collect();
    let app_prefix = format!("{}-", g.id);
    // A topic of this application's own: an existing internal topic, or one that would be
    // (named with the id and an internal suffix, not created yet).
    let is_own_internal = |name: &str| {
        internal_names.contains(name)
            || name
                .strip_prefix(&app_prefix)
                .is_some_and(|rest| internal_suffix(rest).is_some())
    };
    // Names in a topology are without the application id; Streams prefixes internal ones.
    let sinks: BTreeSet<String> = topology
        .map(|t| t.sink_topics())
        .unwrap_or_default()
        .into_iter()
        .collect();
    let topology_internal = |name: &str| {
        internal_names.contains(format!("{}{name}", app_prefix).as_str())
            || (internal_suffix(name).is_some()
                && sinks.contains(name)
                && topology.is_some_and(|t| t.source_topics().iter().any(|s| s == name)))
    };

    let mut inputs: BTreeSet<String> = BTreeSet::new();
    for m in &g.members {
        inputs.extend(m.subscription.iter().cloned());
        inputs.extend(m.assignment.keys().cloned());
    }
    inputs.extend(g.offsets.iter().map(|o| o.topic.clone()));
    inputs.retain(|t| !is_own_internal(t));
    let (mut patterns, mut outputs, mut dynamic, mut stores) = (vec![], None, vec![], vec![]);
    if let Some(t) = topology {
        inputs.extend(
            t.source_topics()
                .into_iter()
                .filter(|s| !topology_internal(s) && !is_own_internal(s)),
        );
        patterns = t.source_patterns();
        let out: Vec<TopicRef> = t
            .sink_topics()
            .into_iter()
            .filter(|s| !topology_internal(s) && !is_own_internal(s))
            .map(|s| topic_ref(&s, topic_by_name))
            .collect();
        outputs = Some(out);
        dynamic = t.dynamic_sinks();
        stores = t.stores();
    }
    let input_topics: Vec<TopicRef> = inputs.iter().map(|t| topic_ref(t, topic_by_name)).collect();

    let offsets: BTreeMap<(&str, i32), &OffsetInput> = g
        .offsets
        .iter()
        .map(|o| ((o.topic.as_str(), o.partition), o))
        .collect();
    let lag_rows = |topic: &str, partitions: usize| -> Vec<PartitionLag> {
        let mut parts: BTreeSet<i32> = (0..partitions as i32).collect();
        parts.extend(
            g.offsets
                .iter()
                .filter(|o| o.topic == topic)
                .map(|o| o.partition),
        );
        parts
            .into_iter()
            .map(|p| {
                let o = offsets.get(&(topic, p));
                let committed = o.and_then(|o| o.committed);
                let end = o.and_then(|o| o.end);
                let (lag, ahead) = crate::model::lag(committed, end);
                PartitionLag {
                    topic: topic.to_string(),
                    partition: p,
                    committed,
                    end,
                    lag,
                    ahead,
                }
            })
            .collect()
    };
    let global: BTreeSet<String> = topology
        .map(|t| t.global_source_topics())
        .unwrap_or_default()
        .into_iter()
        .collect();
    let input_lag = input_topics
        .iter()
        // A global store's topic is read outside the group: it has no committed offsets.
        .filter(|t| !global.contains(&t.name))
        .flat_map(|t| lag_rows(&t.name, t.partitions.unwrap_or(0)))
        .collect();
    let repartition_lag = internal_topics
        .iter()
        .filter(|t| t.kind != InternalKind::Changelog)
        .flat_map(|t| lag_rows(&t.name, t.partitions))
        .collect();

    StreamsApp {
        application_id: g.id.clone(),
        state: g.state.clone(),
        found_by,
        processes: processes(g),
        input_topics,
        input_patterns: patterns,
        internal_topics,
        output_topics: outputs,
        dynamic_outputs: dynamic,
        stores,
        input_lag,
        repartition_lag,
    }
}

fn topic_ref(name: &str, topic_by_name: &BTreeMap<&str, &TopicInput>) -> TopicRef {
    let t = topic_by_name.get(name);
    TopicRef {
        name: name.to_string(),
        exists: t.is_some(),
        partitions: t.map(|t| t.partitions),
        size_bytes: t.and_then(|t| t.size_bytes),
        records: t.and_then(|t| t.records),
    }
}

/// Members grouped by (client id prefix, host): one `KafkaStreams` instance per group, one
/// member per stream thread.
fn processes(g: &GroupInput) -> Vec<StreamsProcess> {
    let mut by: BTreeMap<(String, String), Vec<StreamThread>> = BTreeMap::new();
    for m in &g.members {
        let (client, name, index) = match parse_stream_thread(&m.client_id) {
            Some((client, n)) => (client.to_string(), format!("StreamThread-{n}"), Some(n)),
            None => (m.client_id.clone(), m.client_id.clone(), None),
        };
        by.entry((client, m.host.clone()))
            .or_default()
            .push(StreamThread {
                name,
                index,
                member_id: m.member_id.clone(),
                client_id: m.client_id.clone(),
                assignment: m.assignment.clone(),
            });
    }
    by.into_iter()
        .map(|((client_id, host), mut threads)| {
            threads.sort_by(|a, b| (a.index, &a.member_id).cmp(&(b.index, &b.member_id)));
            StreamsProcess {
                client_id,
                host,
                threads,
            }
        })
        .collect()
}
