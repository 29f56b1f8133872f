//! Publishing what the person typed, idempotently where the cluster allows it, and telling a
//! record that was not delivered from one whose fate is unknown.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header as RdHeader, Message, OwnedHeaders};
use rdkafka::producer::{BaseRecord, DeliveryResult, ProducerContext, ThreadedProducer};
use rdkafka::ClientConfig;
use tokio::sync::oneshot;

use super::client::{ClientSettings, UiContext};
use super::ffi::{message_status, Persisted};
use crate::model::{Delivery, ProduceRequest};

/// How long a publish may wait for the broker before its outcome is reported.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(15);

/// What librdkafka said about one record.
enum Outcome {
    Delivered {
        partition: i32,
        offset: i64,
    },
    Failed {
        error: KafkaError,
        persisted: Persisted,
    },
}

/// Routes librdkafka's logs and errors like every other client, and each delivery report to
/// the publish that waits for it, with whether the broker may hold the record.
struct DeliveryContext(UiContext);

impl ClientContext for DeliveryContext {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, msg: &str) {
        self.0.log(level, fac, msg);
    }

    fn error(&self, error: KafkaError, reason: &str) {
        self.0.error(error, reason);
    }
}

impl ProducerContext for DeliveryContext {
    type DeliveryOpaque = Box<oneshot::Sender<Outcome>>;

    fn delivery(&self, result: &DeliveryResult<'_>, tx: Self::DeliveryOpaque) {
        let outcome = match result {
            Ok(m) => Outcome::Delivered {
                partition: m.partition(),
                offset: m.offset(),
            },
            Err((error, m)) => Outcome::Failed {
                error: error.clone(),
                persisted: message_status(m),
            },
        };
        // The publish may have given up waiting (it never does before message.timeout.ms).
        let _ = tx.send(outcome);
    }
}

/// The producer pane's client. It is idempotent (`enable.idempotence=true`: librdkafka's own
/// retries never write a record twice) unless the cluster cannot do it (brokers before 0.11,
/// or no IdempotentWrite permission, which librdkafka reports as a fatal error): then it is
/// rebuilt without, once, and the report says so. `-X enable.idempotence=false` turns it off.
pub struct Producer {
    settings: ClientSettings,
    ctx: UiContext,
    current: Mutex<Arc<ThreadedProducer<DeliveryContext>>>,
    idempotent: AtomicBool,
}

/// librdkafka's configuration for the producer: ours, then the person's properties.
pub fn producer_config(settings: &ClientSettings, idempotent: bool) -> ClientConfig {
    let mut cfg = settings.client_config();
    cfg.set(
        "message.timeout.ms",
        DELIVERY_TIMEOUT.as_millis().to_string(),
    )
    .set("linger.ms", "0")
    .set("enable.idempotence", idempotent.to_string());
    for (k, v) in &settings.properties {
        if idempotent || k != "enable.idempotence" {
            cfg.set(k, v);
        }
    }
    cfg
}

pub fn create_producer(settings: &ClientSettings, ctx: UiContext) -> anyhow::Result<Producer> {
    let cfg = producer_config(settings, true);
    let idempotent = cfg.get("enable.idempotence") == Some("true");
    let p = cfg.create_with_context(DeliveryContext(ctx.clone()))?;
    Ok(Producer {
        settings: settings.clone(),
        ctx,
        current: Mutex::new(Arc::new(p)),
        idempotent: AtomicBool::new(idempotent),
    })
}

impl Producer {
    fn current(&self) -> Arc<ThreadedProducer<DeliveryContext>> {
        self.current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Whether records are sent idempotently now.
    pub fn is_idempotent(&self) -> bool {
        self.idempotent.load(Ordering::SeqCst)
    }

    /// After librdkafka's fatal error (an idempotent producer the cluster refused): the same
    /// producer without idempotence, so the next publish can work. True when it was rebuilt.
    fn fall_back(&self) -> bool {
        if !self.idempotent.swap(false, Ordering::SeqCst) {
            return false;
        }
        match producer_config(&self.settings, false)
            .create_with_context(DeliveryContext(self.ctx.clone()))
        {
            Ok(p) => {
                tracing::warn!("the cluster refused the idempotent producer; producing without it");
                *self.current.lock().unwrap_or_else(|e| e.into_inner()) = Arc::new(p);
                true
            }
            Err(e) => {
                tracing::error!("cannot rebuild the producer without idempotence: {e}");
                false
            }
        }
    }
}

/// Sends one record and waits for the broker's answer: delivered, not delivered (nothing was
/// written: safe to resend), or unknown (it timed out in flight and may have been written).
pub async fn publish(producer: &Producer, req: &ProduceRequest) -> Delivery {
    let topic = req.topic.clone();
    let p = producer.current();
    let mut headers = OwnedHeaders::new_with_capacity(req.headers.len());
    for h in &req.headers {
        headers = headers.insert(RdHeader {
            key: &h.name,
            value: h.value.as_deref(),
        });
    }
    let (tx, rx) = oneshot::channel();
    let mut record: BaseRecord<'_, [u8], [u8], _> =
        BaseRecord::with_opaque_to(&req.topic, Box::new(tx))
            .payload(&req.value[..])
            .headers(headers);
    if let Some(k) = &req.key {
        record = record.key(&k[..]);
    }
    if let Some(partition) = req.partition {
        record = record.partition(partition);
    }
    let outcome = match p.send(record) {
        // Refused before it left (queue full, fatal state): nothing was written.
        Err((error, _)) => Outcome::Failed {
            error,
            persisted: Persisted::No,
        },
        // librdkafka reports every record by message.timeout.ms; the margin is for a
        // producer that is being torn down.
        Ok(()) => match tokio::time::timeout(DELIVERY_TIMEOUT * 2, rx).await {
            Ok(Ok(o)) => o,
            _ => Outcome::Failed {
                error: KafkaError::MessageProduction(RDKafkaErrorCode::MessageTimedOut),
                persisted: Persisted::Possibly,
            },
        },
    };
    // A fatal error (the cluster refused the idempotent producer) purges every record with
    // its own error code: ask the client, not the report.
    let fatal = rdkafka::producer::Producer::client(&*p).fatal_error();
    drop(p);
    classify(producer, topic, outcome, fatal.map(|(_, reason)| reason))
}

fn classify(
    producer: &Producer,
    topic: String,
    outcome: Outcome,
    fatal: Option<String>,
) -> Delivery {
    match outcome {
        Outcome::Delivered { partition, offset } => Delivery::Delivered {
            topic,
            partition,
            offset,
        },
        Outcome::Failed { error, persisted } => {
            let mut text = error.to_string();
            if let Some(reason) = fatal {
                if producer.fall_back() {
                    text = format!(
                        "{reason}: the cluster refused idempotent producing, so kafka-tui produces without it from now on (nothing was written; resending is safe)"
                    );
                }
            }
            match persisted {
                Persisted::No => Delivery::Failed { topic, error: text },
                // Written, but reported with an error (rare): resending would duplicate it.
                Persisted::Possibly | Persisted::Yes => Delivery::Unknown { topic, error: text },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotence_is_on_unless_the_person_turns_it_off() {
        let s = ClientSettings::new("127.0.0.1:9");
        assert_eq!(
            producer_config(&s, true).get("enable.idempotence"),
            Some("true")
        );
        assert_eq!(
            producer_config(&s, false).get("enable.idempotence"),
            Some("false")
        );
        let mut off = s.clone();
        off.properties = vec![("enable.idempotence".into(), "false".into())];
        assert_eq!(
            producer_config(&off, true).get("enable.idempotence"),
            Some("false")
        );
    }
}
