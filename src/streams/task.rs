//! The Streams task: gathers what discovery needs from the cluster (groups with their members,
//! committed and end offsets, topics with their record counts) and the configured topology
//! descriptions, off the UI's path, and sends what `discover` makes of them. While the view is
//! open (`Watch(true)`) it does so again every few seconds.
//!
//! It talks to Kafka with its own librdkafka client (the same settings as the Kafka task's):
//! the work is a burst of metadata, group and offset requests every few seconds, kept apart
//! from the tail and the producer.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::{Offset, TopicPartitionList};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::discover::{discover, Discovery, GroupInput, MemberInput, OffsetInput, TopicInput};
use super::protocol::subscribed_topics;
use super::topology::{load_topology, parse_topology, Topology};
use crate::kafka::client::ClientSettings;
use crate::kafka::groups::decode_assignment;

/// How often an open view asks again.
pub const WATCH_EVERY: Duration = Duration::from_secs(5);
/// Each Kafka request's timeout.
const WAIT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamsCommand {
    Refresh,
    Watch(bool),
}

/// Where an application's topology description came from, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopologySource {
    pub application_id: String,
    /// The file or URL configured.
    pub location: String,
    /// `Err`: it could not be read or parsed.
    pub result: Result<(), String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamsEvent {
    Discovered {
        result: Result<Discovery, String>,
        topologies: Vec<TopologySource>,
        took: Duration,
    },
}

#[derive(Clone, Debug)]
pub struct StreamsHandle {
    tx: mpsc::UnboundedSender<StreamsCommand>,
}

impl StreamsHandle {
    pub fn send(&self, cmd: StreamsCommand) {
        let _ = self.tx.send(cmd);
    }

    pub fn none() -> StreamsHandle {
        let (tx, _) = mpsc::unbounded_channel();
        StreamsHandle { tx }
    }
}

/// Starts the task. `topologies`: application id -> file or URL of its `describe()` text.
pub fn spawn<E>(
    settings: ClientSettings,
    topologies: BTreeMap<String, String>,
    events: mpsc::Sender<E>,
    cancel: CancellationToken,
) -> StreamsHandle
where
    E: From<StreamsEvent> + Send + 'static,
{
    let (tx, mut rx) = mpsc::unbounded_channel::<StreamsCommand>();
    tokio::spawn(async move {
        let mut watching = false;
        let mut every = tokio::time::interval(WATCH_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let cmd = tokio::select! {
                _ = cancel.cancelled() => return,
                c = rx.recv() => match c { Some(c) => c, None => return },
                _ = every.tick(), if watching => StreamsCommand::Refresh,
            };
            match cmd {
                StreamsCommand::Watch(on) => {
                    watching = on;
                    every.reset();
                }
                // One at a time, in this task: refreshes asked meanwhile wait, not pile up.
                StreamsCommand::Refresh => {
                    let ev = gather_and_discover(&settings, &topologies).await;
                    // Refreshes asked meanwhile are answered by this one; a Watch still counts.
                    while let Ok(c) = rx.try_recv() {
                        if let StreamsCommand::Watch(on) = c {
                            watching = on;
                            every.reset();
                        }
                    }
                    if events.send(E::from(ev)).await.is_err() {
                        return;
                    }
                }
            }
        }
    });
    StreamsHandle { tx }
}

async fn gather_and_discover(
    settings: &ClientSettings,
    locations: &BTreeMap<String, String>,
) -> StreamsEvent {
    let started = Instant::now();
    let mut topologies = BTreeMap::new();
    let mut sources = Vec::new();
    for (app, location) in locations {
        let result = match load_topology(location, WAIT).await {
            Ok(text) => parse_topology(&text).map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        sources.push(TopologySource {
            application_id: app.clone(),
            location: location.clone(),
            result: result.as_ref().map(drop).map_err(Clone::clone),
        });
        if let Ok(t) = result {
            topologies.insert(app.clone(), t);
        }
    }
    let settings = settings.clone();
    let result = tokio::task::spawn_blocking(move || gather(&settings, &topologies))
        .await
        .unwrap_or_else(|e| Err(format!("the Streams discovery stopped: {e}")));
    StreamsEvent::Discovered {
        result,
        topologies: sources,
        took: started.elapsed(),
    }
}

/// Everything discovery needs, asked in two rounds: first the groups and topic names (enough
/// to know which groups are Streams applications), then offsets and record counts only for the
/// topics of those applications.
fn gather(
    settings: &ClientSettings,
    topologies: &BTreeMap<String, Topology>,
) -> Result<Discovery, String> {
    let mask = |e: rdkafka::error::KafkaError| settings.mask(&e.to_string());
    // The mock answers ListGroups with a bare "UnsupportedFeature": say what that means here.
    if let Some(admin) = &settings.embedded_admin {
        if !admin.capabilities().list_groups {
            return Err("the embedded broker (librdkafka's mock cluster) cannot list consumer groups, so no Streams application can be found on it; connect to a real cluster with -b".into());
        }
    }
    let client: BaseConsumer = settings.client_config().create().map_err(mask)?;
    let list = client
        .fetch_group_list(None, WAIT)
        .map_err(|e| format!("cannot list the consumer groups: {}", mask(e)))?;
    let mut groups: Vec<GroupInput> = list
        .groups()
        .iter()
        .map(|g| GroupInput {
            id: g.name().to_string(),
            state: g.state().to_string(),
            protocol_type: g.protocol_type().to_string(),
            protocol: g.protocol().to_string(),
            members: g
                .members()
                .iter()
                .map(|m| MemberInput {
                    member_id: m.id().to_string(),
                    client_id: m.client_id().to_string(),
                    host: m.client_host().to_string(),
                    subscription: m.metadata().and_then(subscribed_topics).unwrap_or_default(),
                    assignment: m
                        .assignment()
                        .and_then(decode_assignment)
                        .unwrap_or_default(),
                })
                .collect(),
            offsets: Vec::new(),
        })
        .collect();
    groups.sort_by(|a, b| a.id.cmp(&b.id));
    let md = client
        .fetch_metadata(None, WAIT)
        .map_err(|e| format!("cannot list the topics: {}", mask(e)))?;
    let mut topics: Vec<TopicInput> = md
        .topics()
        .iter()
        .filter(|t| !t.name().starts_with("__"))
        .map(|t| TopicInput {
            name: t.name().to_string(),
            partitions: t.partitions().len(),
            size_bytes: None,
            records: None,
        })
        .collect();
    topics.sort_by(|a, b| a.name.cmp(&b.name));
    let first = discover(&groups, &topics, topologies);
    let partitions: BTreeMap<String, usize> = topics
        .iter()
        .map(|t| (t.name.clone(), t.partitions))
        .collect();
    let mut ends: BTreeMap<(String, i32), (i64, i64)> = BTreeMap::new();
    let mut watermarks = |topic: &str, p: i32| -> Option<(i64, i64)> {
        if let Some(w) = ends.get(&(topic.to_string(), p)) {
            return Some(*w);
        }
        let w = client.fetch_watermarks(topic, p, WAIT).ok()?;
        ends.insert((topic.to_string(), p), w);
        Some(w)
    };
    for app in &first.apps {
        // The lag is on what the application consumes: its inputs and repartition topics.
        let mut tpl = TopicPartitionList::new();
        let consumed = app.input_topics.iter().map(|t| t.name.clone()).chain(
            app.internal_topics
                .iter()
                .filter(|t| t.kind == super::InternalKind::Repartition)
                .map(|t| t.name.clone()),
        );
        for t in consumed {
            for p in 0..partitions.get(&t).copied().unwrap_or(0) {
                tpl.add_partition(&t, p as i32);
            }
        }
        if tpl.count() == 0 {
            continue;
        }
        // OffsetFetch only: a consumer that never subscribes does not join the group.
        let reader: BaseConsumer = settings
            .client_config()
            .set("group.id", &app.application_id)
            .set("enable.auto.commit", "false")
            .create()
            .map_err(mask)?;
        let committed = match reader.committed_offsets(tpl, WAIT) {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(app = %app.application_id, "committed offsets: {e}");
                continue;
            }
        };
        let mut offsets = Vec::new();
        for e in committed.elements() {
            offsets.push(OffsetInput {
                topic: e.topic().to_string(),
                partition: e.partition(),
                committed: match e.offset() {
                    Offset::Offset(o) => Some(o),
                    _ => None,
                },
                end: watermarks(e.topic(), e.partition()).map(|(_, hi)| hi),
            });
        }
        if let Some(g) = groups.iter_mut().find(|g| g.id == app.application_id) {
            g.offsets = offsets;
        }
    }
    let wanted: std::collections::BTreeSet<String> = first
        .apps
        .iter()
        .flat_map(|a| a.topics().into_iter().map(str::to_string))
        .collect();
    for t in topics.iter_mut().filter(|t| wanted.contains(&t.name)) {
        t.records = (0..t.partitions as i32)
            .map(|p| watermarks(&t.name, p))
            .try_fold(0u64, |sum, w| {
                w.map(|(lo, hi)| sum + (hi - lo).max(0) as u64)
            });
    }
    Ok(discover(&groups, &topics, topologies))
}
