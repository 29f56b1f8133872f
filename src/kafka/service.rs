//! The Kafka task: owns the clients, takes commands from the UI and answers with events.
//! The UI never waits on it. Writes are refused here when the session is read-only, whatever
//! the UI asked, and requests the embedded broker cannot serve are answered with why.

use std::sync::Arc;
use std::time::Duration;

use rdkafka::admin::AdminClient;
use rdkafka::consumer::BaseConsumer;
use tokio::sync::mpsc;

use super::admin;
use super::client::{ClientSettings, UiContext};
use super::consumer::{self, TailHandle, TailRequest};
use super::groups::{self, GroupDetail, ResetPlan, ResetTo};
use super::model::Delivery;
use super::producer::{self, ProduceRequest};
use crate::event::{Event, KafkaEvent};

/// How often the topic list and connection state are refreshed in the background.
pub const REFRESH_EVERY: Duration = Duration::from_secs(5);

pub enum KafkaCommand {
    RefreshTopics,
    /// Fetch watermarks for these topics' partitions (the rows on screen).
    Watermarks(Vec<(String, Vec<i32>)>),
    Tail(TailRequest),
    StopTail,
    Produce(ProduceRequest),
    TopicDetail(String),
    Configs(String),
    AlterConfig {
        topic: String,
        key: String,
        value: String,
    },
    CreateTopic {
        name: String,
        partitions: i32,
        replication: i32,
        configs: Vec<(String, String)>,
    },
    DeleteTopic(String),
    AddPartitions {
        topic: String,
        total: usize,
    },
    Groups,
    GroupDetail(String),
    PlanReset {
        detail: GroupDetail,
        to: ResetTo,
    },
    ApplyReset(ResetPlan),
    DeleteGroup(String),
    Overview,
}

impl KafkaCommand {
    /// Whether the command changes the cluster (and so is refused when read-only).
    pub fn is_write(&self) -> bool {
        matches!(
            self,
            KafkaCommand::Produce(_)
                | KafkaCommand::AlterConfig { .. }
                | KafkaCommand::CreateTopic { .. }
                | KafkaCommand::DeleteTopic(_)
                | KafkaCommand::AddPartitions { .. }
                | KafkaCommand::ApplyReset(_)
                | KafkaCommand::DeleteGroup(_)
        )
    }
}

impl std::fmt::Debug for KafkaCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KafkaCommand::RefreshTopics => f.write_str("RefreshTopics"),
            KafkaCommand::Watermarks(t) => write!(f, "Watermarks({} topics)", t.len()),
            KafkaCommand::Tail(t) => {
                write!(f, "Tail({} from {} gen {})", t.topic, t.start, t.generation)
            }
            KafkaCommand::StopTail => f.write_str("StopTail"),
            KafkaCommand::Produce(p) => write!(f, "Produce({})", p.topic),
            KafkaCommand::TopicDetail(t) => write!(f, "TopicDetail({t})"),
            KafkaCommand::Configs(t) => write!(f, "Configs({t})"),
            KafkaCommand::AlterConfig { topic, key, .. } => write!(f, "AlterConfig({topic} {key})"),
            KafkaCommand::CreateTopic { name, .. } => write!(f, "CreateTopic({name})"),
            KafkaCommand::DeleteTopic(t) => write!(f, "DeleteTopic({t})"),
            KafkaCommand::AddPartitions { topic, total } => {
                write!(f, "AddPartitions({topic} -> {total})")
            }
            KafkaCommand::Groups => f.write_str("Groups"),
            KafkaCommand::GroupDetail(g) => write!(f, "GroupDetail({g})"),
            KafkaCommand::PlanReset { detail, to } => {
                write!(f, "PlanReset({} {to:?})", detail.name)
            }
            KafkaCommand::ApplyReset(p) => write!(f, "ApplyReset({})", p.group),
            KafkaCommand::DeleteGroup(g) => write!(f, "DeleteGroup({g})"),
            KafkaCommand::Overview => f.write_str("Overview"),
        }
    }
}

/// The UI's side of the Kafka task: sending never blocks.
#[derive(Clone)]
pub struct KafkaHandle {
    tx: mpsc::UnboundedSender<KafkaCommand>,
}

impl KafkaHandle {
    /// A handle whose commands land in the returned receiver: for headless tests.
    pub fn detached() -> (Self, mpsc::UnboundedReceiver<KafkaCommand>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (Self { tx }, rx)
    }

    pub fn send(&self, cmd: KafkaCommand) {
        // Fails only when the task has ended, i.e. while quitting.
        let _ = self.tx.send(cmd);
    }
}

struct Clients {
    settings: ClientSettings,
    events: mpsc::Sender<Event>,
    producer: producer::Producer,
    meta: BaseConsumer<UiContext>,
    admin: AdminClient<UiContext>,
}

/// Starts the Kafka task on the current tokio runtime.
pub fn spawn(
    settings: ClientSettings,
    events: mpsc::Sender<Event>,
) -> anyhow::Result<(KafkaHandle, tokio::task::JoinHandle<()>)> {
    let (handle, rx) = KafkaHandle::detached();
    let ctx = UiContext::new(events.clone());
    let masked = |e: anyhow::Error| anyhow::anyhow!(settings.mask(&format!("{e:#}")));
    let clients = Arc::new(Clients {
        producer: producer::create_producer(&settings, ctx.clone()).map_err(masked)?,
        meta: consumer::create_consumer(&settings, ctx.clone()).map_err(masked)?,
        admin: admin::create_admin(&settings, ctx).map_err(masked)?,
        settings,
        events,
    });
    let task = tokio::spawn(run(clients, rx));
    Ok((handle, task))
}

/// Why the embedded broker cannot do something, or `None` when it can (or this is no embedded broker).
fn embedded_refusal(settings: &ClientSettings, cmd: &KafkaCommand) -> Option<String> {
    let caps = settings.embedded_admin.as_ref()?.capabilities();
    let (can, what) = match cmd {
        KafkaCommand::DeleteTopic(_) => (
            caps.delete_topics,
            "delete topics (no DeleteTopics handler)",
        ),
        KafkaCommand::AddPartitions { .. } => (
            caps.create_partitions,
            "add partitions (no CreatePartitions handler)",
        ),
        KafkaCommand::Configs(_) | KafkaCommand::AlterConfig { .. } => (
            caps.describe_configs,
            "show or change topic configs (no DescribeConfigs handler)",
        ),
        KafkaCommand::Groups | KafkaCommand::GroupDetail(_) | KafkaCommand::DeleteGroup(_) => (
            caps.list_groups,
            "list or describe consumer groups (no ListGroups/DescribeGroups handlers)",
        ),
        _ => return None,
    };
    (!can).then(|| format!("the embedded broker (librdkafka's mock cluster) cannot {what}; connect to a real cluster with -b"))
}

async fn send(events: &mpsc::Sender<Event>, ev: KafkaEvent) {
    let _ = events.send(Event::Kafka(ev)).await;
}

/// Runs a blocking client call off the async workers and sends its event.
fn blocking<F>(c: &Arc<Clients>, f: F)
where
    F: FnOnce(&Clients) -> KafkaEvent + Send + 'static,
{
    let c = c.clone();
    tokio::spawn(async move {
        let c2 = c.clone();
        match tokio::task::spawn_blocking(move || f(&c2)).await {
            Ok(ev) => send(&c.events, ev).await,
            Err(e) => tracing::error!("Kafka task panicked: {e}"),
        }
    });
}

fn done(what: String, result: Result<String, String>) -> KafkaEvent {
    KafkaEvent::AdminDone { what, result }
}

async fn run(c: Arc<Clients>, mut rx: mpsc::UnboundedReceiver<KafkaCommand>) {
    let mut tail: Option<TailHandle> = None;
    let mut refresh = tokio::time::interval(REFRESH_EVERY);
    let listing = Arc::new(std::sync::Mutex::new(Refresh::default()));
    loop {
        let cmd = tokio::select! {
            cmd = rx.recv() => match cmd {
                Some(cmd) => cmd,
                None => break,
            },
            _ = refresh.tick() => KafkaCommand::RefreshTopics,
        };
        if c.settings.read_only && cmd.is_write() {
            let why =
                "refused: this session is read-only (--read-only or read_only = true)".to_string();
            let ev = match cmd {
                KafkaCommand::Produce(p) => KafkaEvent::Delivery(Delivery::Failed {
                    topic: p.topic,
                    error: why,
                }),
                other => done(format!("{other:?}"), Err(why)),
            };
            send(&c.events, ev).await;
            continue;
        }
        if let Some(why) = embedded_refusal(&c.settings, &cmd) {
            let ev = match cmd {
                KafkaCommand::Configs(topic) => KafkaEvent::Configs {
                    topic,
                    result: Err(why),
                },
                KafkaCommand::Groups => KafkaEvent::Groups(Err(why)),
                KafkaCommand::GroupDetail(_) => KafkaEvent::GroupDetail(Err(why)),
                other => done(format!("{other:?}"), Err(why)),
            };
            send(&c.events, ev).await;
            continue;
        }
        match cmd {
            KafkaCommand::RefreshTopics => {
                // One refresh at a time: on a slow cluster ticks must not pile up. One asked
                // for meanwhile (after creating a topic, say) runs once the current one ends:
                // that one may have read the metadata before the change.
                if !Refresh::begin(&listing) {
                    continue;
                }
                let (c2, r2) = (c.clone(), listing.clone());
                tokio::spawn(async move {
                    loop {
                        let c3 = c2.clone();
                        let res = tokio::task::spawn_blocking(move || {
                            admin::fetch_topics(&c3.meta, Duration::from_secs(5))
                        })
                        .await
                        .unwrap_or_else(|e| Err(format!("metadata task failed: {e}")));
                        send(&c2.events, KafkaEvent::Topics(res)).await;
                        if !Refresh::again(&r2) {
                            break;
                        }
                    }
                });
            }
            KafkaCommand::Watermarks(topics) => {
                blocking(&c, move |c| {
                    KafkaEvent::Watermarks(admin::watermarks(&c.meta, &topics))
                });
            }
            KafkaCommand::Tail(req) => {
                stop_tail(tail.take()).await;
                let generation = req.generation;
                match consumer::spawn_tail(&c.settings, req, c.events.clone()) {
                    Ok(h) => tail = Some(h),
                    Err(e) => {
                        let status = c.settings.mask(&format!("cannot start the tail: {e:#}"));
                        send(
                            &c.events,
                            KafkaEvent::TailStatus {
                                generation,
                                status,
                                error: true,
                            },
                        )
                        .await;
                    }
                }
            }
            KafkaCommand::StopTail => stop_tail(tail.take()).await,
            KafkaCommand::Produce(req) => {
                let c = c.clone();
                tokio::spawn(async move {
                    let delivery = producer::publish(&c.producer, &req).await;
                    let failed = matches!(delivery, Delivery::Failed { .. });
                    send(&c.events, KafkaEvent::Delivery(delivery)).await;
                    // A record that did not make it goes back to the app whole, to be resent.
                    if failed {
                        send(&c.events, KafkaEvent::Unsent(req)).await;
                    }
                });
            }
            KafkaCommand::TopicDetail(topic) => {
                blocking(&c, move |c| {
                    KafkaEvent::TopicDetail(admin::topic_detail(&c.meta, &topic))
                });
            }
            KafkaCommand::Overview => {
                blocking(&c, |c| KafkaEvent::Overview(admin::overview(&c.meta)))
            }
            KafkaCommand::Groups => {
                blocking(&c, |c| KafkaEvent::Groups(groups::list_groups(&c.meta)))
            }
            KafkaCommand::GroupDetail(g) => {
                blocking(&c, move |c| {
                    KafkaEvent::GroupDetail(groups::describe_group(&c.settings, &c.meta, &g))
                });
            }
            KafkaCommand::PlanReset { detail, to } => {
                blocking(&c, move |c| {
                    if !detail.is_inactive() {
                        return KafkaEvent::ResetPlan(Err(format!(
                            "group {} is {} with {} members: stop its consumers first (offsets of an active group cannot be reset)",
                            detail.name,
                            detail.state,
                            detail.members.len()
                        )));
                    }
                    KafkaEvent::ResetPlan(groups::plan_reset(&c.meta, &detail, to))
                });
            }
            KafkaCommand::ApplyReset(plan) => {
                blocking(&c, move |c| {
                    let r = groups::apply_reset(&c.settings, &plan)
                        .map(|n| format!("reset {n} partitions of group {}", plan.group));
                    done(format!("reset offsets of {}", plan.group), r)
                });
            }
            KafkaCommand::CreateTopic {
                name,
                partitions,
                replication,
                configs,
            } => {
                if let Some(emb) = c.settings.embedded_admin.clone() {
                    blocking(&c, move |_| {
                        let mut note = String::new();
                        if replication != 1 || !configs.is_empty() {
                            note = " (the embedded broker has one broker and ignores replication and configs)".into();
                        }
                        let r = emb
                            .create_topic(&name, partitions)
                            .map(|_| format!("created topic {name}{note}"))
                            .map_err(|e| format!("{e:#}"));
                        done(format!("create topic {name}"), r)
                    });
                } else {
                    let c = c.clone();
                    tokio::spawn(async move {
                        let r =
                            admin::create_topic(&c.admin, &name, partitions, replication, &configs)
                                .await;
                        send(
                            &c.events,
                            done(
                                format!("create topic {name}"),
                                r.map(|_| format!("created topic {name}")),
                            ),
                        )
                        .await;
                    });
                }
            }
            KafkaCommand::DeleteTopic(name) => {
                let c = c.clone();
                tokio::spawn(async move {
                    let r = admin::delete_topic(&c.admin, &name)
                        .await
                        .map(|_| format!("deleted topic {name}"));
                    send(&c.events, done(format!("delete topic {name}"), r)).await;
                });
            }
            KafkaCommand::AddPartitions { topic, total } => {
                let c = c.clone();
                tokio::spawn(async move {
                    let r = admin::add_partitions(&c.admin, &topic, total)
                        .await
                        .map(|_| format!("{topic} now has {total} partitions"));
                    send(&c.events, done(format!("add partitions to {topic}"), r)).await;
                });
            }
            KafkaCommand::Configs(topic) => {
                let c = c.clone();
                tokio::spawn(async move {
                    let result = admin::describe_configs(&c.admin, &topic).await;
                    send(&c.events, KafkaEvent::Configs { topic, result }).await;
                });
            }
            KafkaCommand::AlterConfig { topic, key, value } => {
                let c = c.clone();
                tokio::spawn(async move {
                    let r = admin::alter_config(&c.admin, &topic, &key, &value)
                        .await
                        .map(|_| format!("{topic}: {key} = {value}"));
                    send(&c.events, done(format!("set {key} on {topic}"), r)).await;
                });
            }
            KafkaCommand::DeleteGroup(g) => {
                let c = c.clone();
                tokio::spawn(async move {
                    let r = groups::delete_group(&c.admin, &g)
                        .await
                        .map(|_| format!("deleted group {g}"));
                    send(&c.events, done(format!("delete group {g}"), r)).await;
                });
            }
        }
    }
    stop_tail(tail.take()).await;
}

/// Whether a topic listing is running, and whether another was asked for meanwhile.
#[derive(Default)]
struct Refresh {
    running: bool,
    again: bool,
}

impl Refresh {
    fn lock(r: &std::sync::Mutex<Refresh>) -> std::sync::MutexGuard<'_, Refresh> {
        r.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// True when the caller should start a listing; false when one runs (it will run again).
    fn begin(r: &std::sync::Mutex<Refresh>) -> bool {
        let mut s = Self::lock(r);
        if s.running {
            s.again = true;
            return false;
        }
        s.running = true;
        true
    }

    /// Called by a listing that ended: true when it must run once more.
    fn again(r: &std::sync::Mutex<Refresh>) -> bool {
        let mut s = Self::lock(r);
        if std::mem::take(&mut s.again) {
            return true;
        }
        s.running = false;
        false
    }
}

async fn stop_tail(tail: Option<TailHandle>) {
    if let Some(t) = tail {
        // Joining waits for at most one poll interval; keep it off the async workers.
        let _ = tokio::task::spawn_blocking(move || t.stop()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::Refresh;

    #[test]
    fn a_refresh_asked_while_one_runs_runs_once_more() {
        let r = std::sync::Mutex::new(Refresh::default());
        assert!(Refresh::begin(&r), "nothing runs: start");
        assert!(!Refresh::begin(&r), "one runs: do not start a second");
        assert!(
            !Refresh::begin(&r),
            "asked twice meanwhile: still one more, not two"
        );
        assert!(Refresh::again(&r), "the running one goes again");
        assert!(!Refresh::again(&r), "then stops");
        assert!(Refresh::begin(&r), "and the next ask starts one");
        assert!(!Refresh::again(&r));
    }
}
