//! Client configuration shared by every Kafka client kafka-tui creates, and the context that
//! routes librdkafka's logs and errors to `tracing` and to the UI.

use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext};
use rdkafka::error::KafkaError;
use rdkafka::ClientConfig;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::ffi::MainQueue;

use super::api::{EventSender, KafkaEvent};
use super::embedded::EmbeddedAdmin;

/// Which cluster we talk to and how: what every client needs to connect.
#[derive(Clone)]
pub struct ClientSettings {
    /// `bootstrap.servers`.
    pub bootstrap: String,
    /// Extra librdkafka properties (`-X key=value`), applied last.
    pub properties: Vec<(String, String)>,
    /// True when the cluster is our embedded broker, whose limits the UI must explain.
    pub embedded: bool,
    /// The embedded engine's own admin handle (topic creation without CreateTopics).
    pub embedded_admin: Option<EmbeddedAdmin>,
    /// Refuse every write, whatever the UI asks.
    pub read_only: bool,
}

impl std::fmt::Debug for ClientSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Properties may hold secrets: show their names only.
        let keys: Vec<&str> = self.properties.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("ClientSettings")
            .field("bootstrap", &self.bootstrap)
            .field("properties", &keys)
            .field("embedded", &self.embedded)
            .field("read_only", &self.read_only)
            .finish()
    }
}

impl ClientSettings {
    pub fn new(bootstrap: impl Into<String>) -> Self {
        Self {
            bootstrap: bootstrap.into(),
            properties: Vec::new(),
            embedded: false,
            embedded_admin: None,
            read_only: false,
        }
    }

    /// `text` with every secret property value replaced: librdkafka quotes values in its
    /// config errors ("No such configuration property: … VALUE").
    pub fn mask(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (k, v) in &self.properties {
            if crate::config::is_secret(k) && !v.is_empty() {
                out = out.replace(v.as_str(), "********");
            }
        }
        out
    }

    /// A base config: bootstrap, a client id, quick failure on unreachable brokers, then the
    /// person's own properties so they can override any of ours.
    pub fn client_config(&self) -> ClientConfig {
        let mut cfg = ClientConfig::new();
        cfg.set("bootstrap.servers", &self.bootstrap)
            .set("client.id", "kafka-tui")
            .set("socket.connection.setup.timeout.ms", "5000")
            .set("reconnect.backoff.max.ms", "2000")
            .set("log.connection.close", "false");
        for (k, v) in &self.properties {
            cfg.set(k, v);
        }
        // rdkafka derives the level from the `log` crate, which we do not use: be explicit.
        // `-X debug=...` asks for librdkafka's debug lines, so let them through to the log file.
        let debug = self.properties.iter().any(|(k, _)| k == "debug");
        cfg.set_log_level(if debug {
            RDKafkaLogLevel::Debug
        } else {
            RDKafkaLogLevel::Info
        });
        cfg
    }
}

/// Routes librdkafka's log lines to `tracing` (the log file) and its errors to the UI.
#[derive(Clone)]
pub struct UiContext {
    events: Option<EventSender>,
    /// Log, statistics and error events served so far (shared by clones).
    served: Arc<AtomicU64>,
}

impl UiContext {
    pub fn new(events: EventSender) -> Self {
        Self {
            events: Some(events),
            served: Arc::default(),
        }
    }

    /// A context that only logs, for clients that have no UI to tell (benchmarks, tests).
    pub fn silent() -> Self {
        Self {
            events: None,
            served: Arc::default(),
        }
    }

    fn served(&self) {
        self.served.fetch_add(1, Ordering::Relaxed);
    }

    /// How many log, statistics and error events the clients of this context delivered: an
    /// unserved queue keeps it still while librdkafka piles the events up.
    pub fn events_served(&self) -> u64 {
        self.served.load(Ordering::Relaxed)
    }
}

/// How often a served queue is looked at when nothing wakes its thread.
const SERVE_EVERY: Duration = Duration::from_millis(50);
/// Events served per look at most, so that a flood cannot hold a thread forever.
pub const SERVE_BUDGET: usize = 10_000;

/// Serves the events waiting on `consumer`'s queue (logs, errors, statistics: its main queue
/// is forwarded there), `SERVE_BUDGET` at most. Returns how many were served.
pub fn serve_queue<C: ConsumerContext>(consumer: &BaseConsumer<C>, queue: &MainQueue<'_>) -> usize {
    let waiting = queue.len().min(SERVE_BUDGET);
    for _ in 0..waiting {
        // One event per zero-wait poll; errors reach the context, which reports them.
        let _ = consumer.poll(Duration::ZERO);
    }
    waiting
}

/// A thread that serves the queue of a consumer nothing else polls (the metadata consumer):
/// without it, every log line (`-X debug=...`), error and statistics report librdkafka emits
/// for that client stays queued inside librdkafka, and memory grows without end.
pub struct EventServer {
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl EventServer {
    pub fn start<C: ConsumerContext + 'static>(
        consumer: Arc<BaseConsumer<C>>,
    ) -> std::io::Result<EventServer> {
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("kafka-events".into())
            .spawn(move || {
                let Some(queue) = MainQueue::of_consumer(consumer.client()) else {
                    tracing::error!("the metadata consumer has no queue to serve");
                    return;
                };
                // Waits on the stop channel, not in a spinning poll (see `MainQueue`); a
                // stop or a dropped server ends the loop.
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(SERVE_EVERY)
                {
                    serve_queue(&consumer, &queue);
                }
            })?;
        Ok(EventServer {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for EventServer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

pub fn log_to_tracing(level: RDKafkaLogLevel, fac: &str, msg: &str) {
    match level {
        RDKafkaLogLevel::Emerg
        | RDKafkaLogLevel::Alert
        | RDKafkaLogLevel::Critical
        | RDKafkaLogLevel::Error => tracing::error!(target: "librdkafka", "{fac} {msg}"),
        RDKafkaLogLevel::Warning => tracing::warn!(target: "librdkafka", "{fac} {msg}"),
        RDKafkaLogLevel::Notice | RDKafkaLogLevel::Info => {
            tracing::info!(target: "librdkafka", "{fac} {msg}")
        }
        RDKafkaLogLevel::Debug => tracing::debug!(target: "librdkafka", "{fac} {msg}"),
    }
}

impl ClientContext for UiContext {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, msg: &str) {
        self.served();
        log_to_tracing(level, fac, msg);
    }

    /// Nothing shows statistics: the default would parse every report's JSON (kilobytes,
    /// every `statistics.interval.ms`) only to log it.
    fn stats_raw(&self, _: &[u8]) {
        self.served();
    }

    fn error(&self, error: KafkaError, reason: &str) {
        self.served();
        tracing::warn!(target: "librdkafka", "client error: {error}: {reason}");
        if let Some(tx) = &self.events {
            // A full channel means the UI is already flooded with news; dropping one error
            // line is better than blocking a librdkafka thread.
            let e = super::error::KafkaError::from_code(error.rdkafka_error_code(), reason);
            let ev = if e.kind == super::error::ErrorKind::AllBrokersDown {
                // Sent at once when the last connection drops: the header must not wait for
                // the next metadata refresh to time out.
                KafkaEvent::BrokersDown(e)
            } else {
                KafkaEvent::ClientError(e)
            };
            let _ = tx.try_send(ev);
        }
    }
}

impl ConsumerContext for UiContext {}

#[cfg(test)]
mod tests {
    use super::*;

    /// SASL PLAIN/SCRAM, SSL and zstd are compiled in (vendored OpenSSL), so secured clusters
    /// work with properties alone.
    #[test]
    fn librdkafka_is_built_with_security_and_compression() {
        let native = ClientConfig::new().create_native_config().unwrap();
        let features = native.get("builtin.features").unwrap();
        for f in ["ssl", "sasl_plain", "sasl_scram", "zstd", "gzip"] {
            assert!(
                features.split(',').any(|x| x == f),
                "{f} missing from {features}"
            );
        }
    }

    #[test]
    fn person_properties_override_ours_and_debug_is_hidden() {
        let mut s = ClientSettings::new("a:1");
        s.properties = vec![
            ("client.id".into(), "mine".into()),
            ("sasl.password".into(), "hunter2".into()),
        ];
        let cfg = s.client_config();
        assert_eq!(cfg.get("client.id"), Some("mine"));
        let shown = format!("{s:?}");
        assert!(
            !shown.contains("hunter2") && shown.contains("sasl.password"),
            "{shown}"
        );
    }
}
