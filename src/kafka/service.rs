//! The Kafka task: owns the clients, takes commands from the UI and answers with events.
//! The UI never waits on it.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use super::admin;
use super::client::{ClientSettings, UiContext};
use super::consumer::{self, TailHandle, TailRequest};
use super::producer::{self, ProduceRequest};
use crate::event::{Event, KafkaEvent};

/// How often the topic list and connection state are refreshed in the background.
pub const REFRESH_EVERY: Duration = Duration::from_secs(5);

#[derive(Debug)]
pub enum KafkaCommand {
    RefreshTopics,
    Tail(TailRequest),
    StopTail,
    Produce(ProduceRequest),
}

impl std::fmt::Debug for TailRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Tail({} from {} gen {})",
            self.topic, self.start, self.generation
        )
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

/// Starts the Kafka task on the current tokio runtime.
pub fn spawn(
    settings: ClientSettings,
    events: mpsc::Sender<Event>,
) -> anyhow::Result<(KafkaHandle, tokio::task::JoinHandle<()>)> {
    let (handle, rx) = KafkaHandle::detached();
    let ctx = UiContext::new(events.clone());
    let producer = producer::create_producer(&settings, ctx.clone())?;
    let meta = Arc::new(consumer::create_consumer(&settings, ctx)?);
    let task = tokio::spawn(run(settings, events, rx, producer, meta));
    Ok((handle, task))
}

async fn run(
    settings: ClientSettings,
    events: mpsc::Sender<Event>,
    mut rx: mpsc::UnboundedReceiver<KafkaCommand>,
    producer: rdkafka::producer::FutureProducer<UiContext>,
    meta: Arc<rdkafka::consumer::BaseConsumer<UiContext>>,
) {
    let producer = Arc::new(producer);
    let mut tail: Option<TailHandle> = None;
    let mut refresh = tokio::time::interval(REFRESH_EVERY);
    let mut refreshing: Option<tokio::task::JoinHandle<()>> = None;
    loop {
        let cmd = tokio::select! {
            cmd = rx.recv() => match cmd {
                Some(cmd) => cmd,
                None => break,
            },
            _ = refresh.tick() => KafkaCommand::RefreshTopics,
        };
        match cmd {
            KafkaCommand::RefreshTopics => {
                // One refresh at a time: on a slow cluster ticks must not pile up.
                if refreshing.as_ref().is_some_and(|h| !h.is_finished()) {
                    continue;
                }
                let meta = meta.clone();
                let events = events.clone();
                refreshing = Some(tokio::spawn(async move {
                    let res = tokio::task::spawn_blocking(move || {
                        admin::fetch_topics(&meta, Duration::from_secs(5))
                    })
                    .await
                    .unwrap_or_else(|e| Err(format!("metadata task failed: {e}")));
                    let _ = events.send(Event::Kafka(KafkaEvent::Topics(res))).await;
                }));
            }
            KafkaCommand::Tail(req) => {
                stop_tail(tail.take()).await;
                let generation = req.generation;
                match consumer::spawn_tail(&settings, req, events.clone()) {
                    Ok(h) => tail = Some(h),
                    Err(e) => {
                        let status = format!("cannot start the tail: {e:#}");
                        let ev = KafkaEvent::TailStatus {
                            generation,
                            status,
                            error: true,
                        };
                        let _ = events.send(Event::Kafka(ev)).await;
                    }
                }
            }
            KafkaCommand::StopTail => stop_tail(tail.take()).await,
            KafkaCommand::Produce(req) => {
                let producer = producer.clone();
                let events = events.clone();
                tokio::spawn(async move {
                    let delivery = producer::publish(&producer, &req).await;
                    let _ = events
                        .send(Event::Kafka(KafkaEvent::Delivery(delivery)))
                        .await;
                });
            }
        }
    }
    stop_tail(tail.take()).await;
}

async fn stop_tail(tail: Option<TailHandle>) {
    if let Some(t) = tail {
        // Joining waits for at most one poll interval; keep it off the async workers.
        let _ = tokio::task::spawn_blocking(move || t.stop()).await;
    }
}
