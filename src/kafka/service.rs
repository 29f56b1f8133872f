//! The Kafka task: owns the clients, takes commands from the UI and answers with events.
//! The UI never waits on it. Writes are refused here when the session is read-only, whatever
//! the UI asked, and requests the embedded broker cannot serve are answered with why.

use super::error::{ErrorKind, KafkaError};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, Consumer};
use tokio::sync::mpsc;

use super::admin;
use super::api::{EventSender, KafkaCommand, KafkaEvent, KafkaHandle};
use super::client::{ClientSettings, EventServer, UiContext};
use super::consumer;
use super::groups;
use super::producer;
use super::tail::{self, TailHandle};
use crate::model::Delivery;

/// How often the topic list and connection state are refreshed in the background.
pub const REFRESH_EVERY: Duration = Duration::from_secs(5);

/// How often sizes on disk are asked for: every broker lists every partition it holds, which
/// weighs more than the metadata refresh.
const DISK_EVERY: Duration = Duration::from_secs(30);

/// Partitions of a topic the embedded broker creates with no count given: librdkafka's mock
/// cluster's default (`defaults.partition_cnt`), the same as for topics made by publishing.
const EMBEDDED_DEFAULT_PARTITIONS: i32 = crate::kafka::embedded::AUTO_CREATE_PARTITIONS;

/// What a write command does, in the words of the messages that answer it.
fn what(cmd: &KafkaCommand) -> String {
    match cmd {
        KafkaCommand::Produce(p) => format!("publish to {}", p.topic),
        KafkaCommand::AlterConfig { topic, key, .. } => format!("set {key} on {topic}"),
        KafkaCommand::CreateTopic { name, .. } => format!("create topic {name}"),
        KafkaCommand::DeleteTopic(t) => format!("delete topic {t}"),
        KafkaCommand::AddPartitions { topic, .. } => format!("add partitions to {topic}"),
        KafkaCommand::ApplyReset(p) => format!("reset offsets of {}", p.group),
        KafkaCommand::DeleteGroup(g) => format!("delete group {g}"),
        other => format!("{other:?}"),
    }
}

struct Clients {
    settings: ClientSettings,
    events: EventSender,
    producer: producer::Producer,
    /// Metadata, watermarks, groups, and the admin API (which any client can carry: a separate
    /// admin client would be one more queue of logs and errors to serve).
    meta: Arc<BaseConsumer<UiContext>>,
    /// Broker anomalies already reported: each is said once, not at every refresh.
    reported: std::sync::Mutex<HashSet<String>>,
    /// Set when the task ends: long lookups stop between requests.
    closing: AtomicBool,
    /// How to reach the brokers for sizes on disk, made once (reading CA files and the
    /// system's store is slow and may block) on a blocking thread.
    disk_security: tokio::sync::OnceCell<Result<super::direct::Security, String>>,
}

/// The clients, and the thread serving the queue of the one nothing else polls.
struct Started {
    clients: Arc<Clients>,
    events_server: EventServer,
}

/// Creates the clients and starts serving their queues (the producer's own thread serves its
/// queue, the tail's thread its consumer's; `EventServer` serves the metadata consumer's).
fn start(settings: ClientSettings, events: EventSender) -> anyhow::Result<Started> {
    let masked = |e: anyhow::Error| anyhow::anyhow!(settings.mask(&format!("{e:#}")));
    let meta = Arc::new(
        consumer::create_consumer(&settings, UiContext::new(events.clone())).map_err(masked)?,
    );
    let events_server = EventServer::start(meta.clone())?;
    let clients = Arc::new(Clients {
        producer: producer::create_producer(&settings, UiContext::new(events.clone()))
            .map_err(masked)?,
        meta,
        settings,
        events,
        reported: Default::default(),
        closing: AtomicBool::new(false),
        disk_security: tokio::sync::OnceCell::new(),
    });
    Ok(Started {
        clients,
        events_server,
    })
}

/// Starts the Kafka task on the current tokio runtime.
pub fn spawn(
    settings: ClientSettings,
    events: EventSender,
) -> anyhow::Result<(KafkaHandle, tokio::task::JoinHandle<()>)> {
    spawn_until(settings, events, tokio_util::sync::CancellationToken::new())
}

/// Starts the Kafka task, which ends when `cancel` is cancelled (or every handle is dropped):
/// it then stops and joins the tail and drops its clients, so that no librdkafka thread
/// outlives it. A task aborted instead left the tail's thread running into `exit()`, whose
/// OpenSSL cleanup freed state under a TLS handshake in progress (a SIGSEGV at quit, seen in
/// CI on an SSL session to an untrusted broker).
pub fn spawn_until(
    settings: ClientSettings,
    events: EventSender,
    cancel: tokio_util::sync::CancellationToken,
) -> anyhow::Result<(KafkaHandle, tokio::task::JoinHandle<()>)> {
    let (handle, rx) = KafkaHandle::detached();
    let started = start(settings, events)?;
    let task = tokio::spawn(run(started, rx, cancel));
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

/// Sizes on disk from every broker (DescribeLogDirs, spoken directly: see log_dirs.rs), or why
/// they cannot be had on this cluster.
async fn disk_usage(c: &Arc<Clients>) -> Result<crate::model::DiskUsage, KafkaError> {
    let security = c
        .disk_security
        .get_or_init(|| {
            let settings = c.settings.clone();
            async move {
                tokio::task::spawn_blocking(move || super::log_dirs::security(&settings))
                    .await
                    .unwrap_or_else(|e| Err(format!("the TLS set-up task failed: {e}")))
            }
        })
        .await
        .clone()
        .map_err(KafkaError::refused)?;
    let meta = c.meta.clone();
    let brokers = tokio::task::spawn_blocking(move || {
        meta.fetch_metadata(None, Duration::from_secs(5)).map(|md| {
            md.brokers()
                .iter()
                .map(|b| (b.id(), b.host().to_string(), b.port()))
                .collect::<Vec<_>>()
        })
    })
    .await
    .map_err(|e| KafkaError::other(format!("metadata task failed: {e}")))?
    .map_err(KafkaError::from)?;
    Ok(super::log_dirs::disk_usage(&brokers, &security, Duration::from_secs(10)).await)
}

async fn send(events: &EventSender, ev: KafkaEvent) {
    let _ = events.send(ev).await;
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

fn done(what: String, result: Result<String, KafkaError>) -> KafkaEvent {
    KafkaEvent::AdminDone { what, result }
}

/// Tells the person, once each, what a broker got wrong (impossible offsets, partition ids).
fn report(c: &Clients, problems: Vec<String>) {
    let mut reported = c.reported.lock().unwrap_or_else(|e| e.into_inner());
    for p in problems {
        tracing::warn!("broker anomaly: {p}");
        if reported.insert(p.clone()) {
            let _ = c
                .events
                .try_send(KafkaEvent::ClientError(KafkaError::other(p)));
        }
    }
}

async fn run(
    started: Started,
    mut rx: mpsc::UnboundedReceiver<KafkaCommand>,
    cancel: tokio_util::sync::CancellationToken,
) {
    let Started {
        clients: c,
        events_server,
    } = started;
    let mut tail: Option<TailHandle> = None;
    // Tails being stopped: joined in the background, so that switching the tail never waits
    // for the old one's lookups; all of them are joined before the task ends.
    let mut stopping: Vec<tokio::task::JoinHandle<()>> = Vec::new();
    let mut refresh = tokio::time::interval(REFRESH_EVERY);
    // When sizes on disk were last asked for, and whether an ask is still out.
    let mut disk_asked: Option<std::time::Instant> = None;
    let disk_out = Arc::new(AtomicBool::new(false));
    let listing = Arc::new(std::sync::Mutex::new(Flight::<()>::default()));
    let marks = Arc::new(std::sync::Mutex::new(
        Flight::<Vec<(String, Vec<i32>)>>::default(),
    ));
    loop {
        let cmd = tokio::select! {
            cmd = rx.recv() => match cmd {
                Some(cmd) => cmd,
                None => break,
            },
            _ = refresh.tick() => KafkaCommand::RefreshTopics,
            _ = cancel.cancelled() => break,
        };
        if c.settings.read_only && cmd.is_write() {
            let why =
                "refused: this session is read-only (--read-only or read_only = true)".to_string();
            let ev = match cmd {
                KafkaCommand::Produce(p) => KafkaEvent::Delivery(Delivery::Failed {
                    topic: p.topic,
                    error: why,
                }),
                other => done(what(&other), Err(KafkaError::refused(why))),
            };
            send(&c.events, ev).await;
            continue;
        }
        if let Some(why) = embedded_refusal(&c.settings, &cmd) {
            let why = KafkaError::refused(why);
            let ev = match cmd {
                KafkaCommand::Configs(topic) => KafkaEvent::Configs {
                    topic,
                    result: Err(why),
                },
                KafkaCommand::Groups => KafkaEvent::Groups(Err(why)),
                KafkaCommand::GroupDetail(_) => KafkaEvent::GroupDetail(Err(why)),
                other => done(what(&other), Err(why)),
            };
            send(&c.events, ev).await;
            continue;
        }
        match cmd {
            KafkaCommand::RefreshTopics => {
                if !disk_asked.is_some_and(|t| t.elapsed() < DISK_EVERY)
                    && !disk_out.swap(true, Ordering::AcqRel)
                {
                    disk_asked = Some(std::time::Instant::now());
                    let (c2, out) = (c.clone(), disk_out.clone());
                    tokio::spawn(async move {
                        let ev = KafkaEvent::DiskUsage(disk_usage(&c2).await);
                        out.store(false, Ordering::Release);
                        send(&c2.events, ev).await;
                    });
                }
                // One refresh at a time: on a slow cluster ticks must not pile up. One asked
                // for meanwhile (after creating a topic, say) runs once the current one ends:
                // that one may have read the metadata before the change.
                if Flight::begin(&listing, (), |_, _| {}).is_none() {
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
                        .unwrap_or_else(|e| {
                            Err(KafkaError::other(format!("metadata task failed: {e}")))
                        });
                        send(&c2.events, KafkaEvent::Topics(res)).await;
                        if Flight::next(&r2).is_none() {
                            break;
                        }
                    }
                });
            }
            KafkaCommand::Watermarks(topics) => {
                // One lookup at a time, as for the listing: a broker that does not answer
                // ListOffsets must not pile up a blocked thread every 5 s. Topics asked for
                // meanwhile are looked up next, together.
                let Some(mut topics) = Flight::begin(&marks, topics, merge_topics) else {
                    continue;
                };
                let (c2, m2) = (c.clone(), marks.clone());
                tokio::spawn(async move {
                    loop {
                        let c3 = c2.clone();
                        let res = tokio::task::spawn_blocking(move || {
                            let (marks, problems) =
                                admin::watermarks_checked(&c3.meta, &topics, &|| {
                                    c3.closing.load(Ordering::Relaxed)
                                });
                            report(&c3, problems);
                            marks
                        })
                        .await;
                        if let Ok(marks) = res {
                            send(&c2.events, KafkaEvent::Watermarks(marks)).await;
                        }
                        match Flight::next(&m2) {
                            Some(next) => topics = next,
                            None => break,
                        }
                    }
                });
            }
            KafkaCommand::Tail(req) => {
                stopping.retain(|h| !h.is_finished());
                if let Some(old) = tail.take() {
                    stopping.push(stop_tail(old));
                }
                let generation = req.generation;
                match tail::spawn_tail(&c.settings, req, c.events.clone()) {
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
            KafkaCommand::StopTail => {
                stopping.retain(|h| !h.is_finished());
                if let Some(old) = tail.take() {
                    stopping.push(stop_tail(old));
                }
            }
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
            KafkaCommand::Overview => blocking(&c, |c| {
                KafkaEvent::Overview(admin::overview(&c.meta, c.settings.embedded))
            }),
            KafkaCommand::TopicDefaults => blocking(&c, |c| {
                KafkaEvent::TopicDefaults(admin::topic_defaults(&c.meta))
            }),
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
                        return KafkaEvent::ResetPlan(Err(KafkaError::refused(format!(
                            "group {} is {} with {}: stop its consumers first (offsets of an active group cannot be reset)",
                            detail.name,
                            detail.state,
                            crate::model::count(detail.members.len() as u64, "member")
                        ))));
                    }
                    KafkaEvent::ResetPlan(groups::plan_reset(&c.meta, &detail, to))
                });
            }
            KafkaCommand::ApplyReset(plan) => {
                blocking(&c, move |c| {
                    let r = groups::apply_reset(&c.settings, &c.meta, &plan).map(|n| {
                        format!(
                            "reset {} of group {}",
                            crate::model::count(n as u64, "partition"),
                            plan.group
                        )
                    });
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
                        if replication.is_some_and(|r| r != 1) || !configs.is_empty() {
                            note = " (the embedded broker has one broker and ignores replication and configs)".into();
                        } else if partitions.is_none() {
                            note = format!(" with {EMBEDDED_DEFAULT_PARTITIONS} partitions, the embedded broker's default");
                        }
                        let r = emb
                            .create_topic(&name, partitions.unwrap_or(EMBEDDED_DEFAULT_PARTITIONS))
                            .map(|_| format!("created topic {name}{note}"))
                            // The broker's reason only, worded as Kafka's ("TopicAlreadyExists
                            // (Broker: Topic already exists)"): the chain repeats it.
                            .map_err(|e| {
                                KafkaError::new(ErrorKind::Broker, e.root_cause().to_string())
                            });
                        done(format!("create topic {name}"), r)
                    });
                } else {
                    blocking(&c, move |c| {
                        // -1: the brokers' default (CreateTopics v4+, Kafka 2.4+).
                        let r = admin::create_topic(
                            c.meta.client(),
                            &name,
                            partitions.unwrap_or(-1),
                            replication.unwrap_or(-1),
                            &configs,
                        )
                        .map(|_| format!("created topic {name}"));
                        done(format!("create topic {name}"), r)
                    });
                }
            }
            KafkaCommand::DeleteTopic(name) => {
                blocking(&c, move |c| {
                    let r = admin::delete_topic(c.meta.client(), &name)
                        .map(|_| format!("deleted topic {name}"));
                    done(format!("delete topic {name}"), r)
                });
            }
            KafkaCommand::AddPartitions { topic, total } => {
                blocking(&c, move |c| {
                    let r = admin::add_partitions(&c.meta, &topic, total).map(|_| {
                        format!(
                            "{topic} now has {}",
                            crate::model::count(total as u64, "partition")
                        )
                    });
                    done(format!("add partitions to {topic}"), r)
                });
            }
            KafkaCommand::Configs(topic) => {
                blocking(&c, move |c| {
                    let result = admin::describe_configs(c.meta.client(), &topic);
                    KafkaEvent::Configs { topic, result }
                });
            }
            KafkaCommand::AlterConfig { topic, key, value } => {
                blocking(&c, move |c| {
                    let r = admin::alter_config(c.meta.client(), &topic, &key, &value).and_then(|how| {
                        let mut how_text = String::new();
                        if let admin::ConfigSet::Replaced { reset_sensitive } = how {
                            how_text.push_str(" (this broker has no IncrementalAlterConfigs: the other overrides were sent again");
                            if !reset_sensitive.is_empty() {
                                how_text.push_str(&format!(
                                    "; sensitive ones could not be and were reset: {}",
                                    reset_sensitive.join(", ")
                                ));
                            }
                            how_text.push(')');
                        }
                        // The broker's word that it was set is checked against what it reports
                        // now: a value it did not apply is said, not taken for done.
                        let read_back = admin::read_back(
                            || admin::describe_configs(c.meta.client(), &topic),
                            &key,
                            &value,
                            &admin::READ_BACK_WAITS,
                        )
                        .map_err(|why| KafkaError::other(format!("{why}{how_text}")))?;
                        Ok(format!("{topic}: {key} = {value}{read_back}{how_text}"))
                    });
                    done(format!("set {key} on {topic}"), r)
                });
            }
            KafkaCommand::DeleteGroup(g) => {
                blocking(&c, move |c| {
                    let r = groups::delete_group(c.meta.client(), &g)
                        .map(|_| format!("deleted group {g}"));
                    done(format!("delete group {g}"), r)
                });
            }
        }
    }
    c.closing.store(true, Ordering::Relaxed);
    if let Some(old) = tail.take() {
        stopping.push(stop_tail(old));
    }
    for h in stopping {
        let _ = h.await;
    }
    drop(events_server);
}

/// Watermark requests that waited: each topic once, with the partitions asked last.
fn merge_topics(pending: &mut Vec<(String, Vec<i32>)>, more: Vec<(String, Vec<i32>)>) {
    for (t, parts) in more {
        match pending.iter_mut().find(|(p, _)| *p == t) {
            Some(slot) => slot.1 = parts,
            None => pending.push((t, parts)),
        }
    }
}

/// Work that runs one at a time: what is asked for meanwhile is kept (merged) and run once
/// the current run ends, since that one may have started before the change that asked.
struct Flight<T> {
    running: bool,
    next: Option<T>,
}

impl<T> Default for Flight<T> {
    fn default() -> Self {
        Flight {
            running: false,
            next: None,
        }
    }
}

impl<T> Flight<T> {
    fn lock(f: &std::sync::Mutex<Flight<T>>) -> std::sync::MutexGuard<'_, Flight<T>> {
        f.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The work to start now, or None when a run is going on (the work waits for it).
    fn begin(f: &std::sync::Mutex<Flight<T>>, work: T, merge: impl FnOnce(&mut T, T)) -> Option<T> {
        let mut s = Self::lock(f);
        if !s.running {
            s.running = true;
            return Some(work);
        }
        match &mut s.next {
            Some(next) => merge(next, work),
            None => s.next = Some(work),
        }
        None
    }

    /// Called by a run that ended: the work to run next, or None (and nothing runs).
    fn next(f: &std::sync::Mutex<Flight<T>>) -> Option<T> {
        let mut s = Self::lock(f);
        let next = s.next.take();
        s.running = next.is_some();
        next
    }
}

/// Stops a tail in the background: its thread ends at its next check of the cancel flag
/// (every lookup it makes is bounded, every wait checks it).
fn stop_tail(tail: TailHandle) -> tokio::task::JoinHandle<()> {
    tokio::task::spawn_blocking(move || tail.stop())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_asked_while_one_runs_runs_once_more() {
        let r = std::sync::Mutex::new(Flight::<()>::default());
        let none = |_: &mut (), _: ()| {};
        assert!(Flight::begin(&r, (), none).is_some(), "nothing runs: start");
        assert!(
            Flight::begin(&r, (), none).is_none(),
            "one runs: do not start a second"
        );
        assert!(
            Flight::begin(&r, (), none).is_none(),
            "asked twice meanwhile: still one more, not two"
        );
        assert!(Flight::next(&r).is_some(), "the running one goes again");
        assert!(Flight::next(&r).is_none(), "then stops");
        assert!(
            Flight::begin(&r, (), none).is_some(),
            "and the next ask starts one"
        );
        assert!(Flight::next(&r).is_none());
    }

    #[test]
    fn watermark_requests_that_wait_are_merged() {
        let r = std::sync::Mutex::new(Flight::<Vec<(String, Vec<i32>)>>::default());
        let ask = |t: &str, p: &[i32]| vec![(t.to_string(), p.to_vec())];
        assert!(Flight::begin(&r, ask("a", &[0]), merge_topics).is_some());
        assert!(Flight::begin(&r, ask("b", &[0, 1]), merge_topics).is_none());
        assert!(Flight::begin(&r, ask("a", &[0, 1]), merge_topics).is_none());
        assert_eq!(
            Flight::next(&r),
            Some(vec![
                ("b".to_string(), vec![0, 1]),
                ("a".to_string(), vec![0, 1])
            ])
        );
        assert_eq!(Flight::next(&r), None);
    }

    /// The metadata consumer is polled by nothing in the app: its log, error and statistics
    /// events must still be served (by `EventServer`), or librdkafka keeps every one of them
    /// (issue 9.1: `-X statistics.interval.ms=100` grew RSS ~1.4 MB every 10 s).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_metadata_consumer_queue_is_served() {
        use crate::kafka::embedded::mock::{MockBroker, MockOptions};
        use crate::kafka::ffi::MainQueue;

        let b = MockBroker::start(MockOptions::loopback()).await.unwrap();
        let mut settings = ClientSettings::new(b.address().to_string());
        settings.embedded = true;
        settings.properties = vec![
            ("statistics.interval.ms".into(), "10".into()),
            ("debug".into(), "broker,metadata,protocol".into()),
        ];
        let (tx, mut rx) = mpsc::channel(1024);
        let drain = tokio::spawn(async move { while rx.recv().await.is_some() {} });
        let started = start(settings, tx).unwrap();
        let meta = started.clients.meta.clone();
        // Something to log about: metadata requests, as the app's refresh makes them.
        let m2 = meta.clone();
        let lister = tokio::task::spawn_blocking(move || {
            for _ in 0..20 {
                let _ = m2.fetch_metadata(None, Duration::from_secs(5));
            }
        });
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while meta.context().events_served() < 300 {
            assert!(
                std::time::Instant::now() < deadline,
                "only {} events of the metadata consumer served in 10 s",
                meta.context().events_served()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let waiting = MainQueue::of_consumer(meta.client()).unwrap().len();
        assert!(
            waiting < 300,
            "{waiting} events wait on the metadata consumer's queue"
        );
        let _ = lister.await;
        drop(started);
        drain.abort();
    }
}
