//! Client configuration shared by every Kafka client kafka-tui creates, and the context that
//! routes librdkafka's logs and errors to `tracing` and to the UI.

use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::consumer::ConsumerContext;
use rdkafka::error::KafkaError;
use rdkafka::ClientConfig;
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::broker::EmbeddedAdmin;

use crate::event::{Event, KafkaEvent};

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
    pub embedded_admin: Option<Arc<dyn EmbeddedAdmin>>,
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
    events: Option<mpsc::Sender<Event>>,
}

impl UiContext {
    pub fn new(events: mpsc::Sender<Event>) -> Self {
        Self {
            events: Some(events),
        }
    }

    /// A context that only logs, for clients that have no UI to tell (benchmarks, tests).
    pub fn silent() -> Self {
        Self { events: None }
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
        log_to_tracing(level, fac, msg);
    }

    fn error(&self, error: KafkaError, reason: &str) {
        tracing::warn!(target: "librdkafka", "client error: {error}: {reason}");
        if let Some(tx) = &self.events {
            // A full channel means the UI is already flooded with news; dropping one error
            // line is better than blocking a librdkafka thread.
            let all_down = error.rdkafka_error_code()
                == Some(rdkafka::types::RDKafkaErrorCode::AllBrokersDown);
            let ev = if all_down {
                // Sent at once when the last connection drops: the header must not wait for
                // the next metadata refresh to time out.
                KafkaEvent::BrokersDown(reason.to_string())
            } else {
                KafkaEvent::ClientError(reason.to_string())
            };
            let _ = tx.try_send(Event::Kafka(ev));
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
