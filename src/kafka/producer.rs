//! Publishing what the person typed.

use std::time::Duration;

use rdkafka::message::{Header as RdHeader, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};

use super::client::{ClientSettings, UiContext};
use super::model::{Delivery, Header};

/// A record to publish, as parsed from the producer pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProduceRequest {
    pub topic: String,
    pub key: Option<Vec<u8>>,
    pub value: Vec<u8>,
    pub headers: Vec<Header>,
}

/// How long a publish may wait for the broker before it is reported as failed.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(15);

pub fn create_producer(
    settings: &ClientSettings,
    ctx: UiContext,
) -> anyhow::Result<FutureProducer<UiContext>> {
    let mut cfg = settings.client_config();
    cfg.set(
        "message.timeout.ms",
        DELIVERY_TIMEOUT.as_millis().to_string(),
    )
    .set("linger.ms", "0");
    for (k, v) in &settings.properties {
        cfg.set(k, v);
    }
    Ok(cfg.create_with_context(ctx)?)
}

/// Sends one record and waits for the broker's answer.
pub async fn publish(producer: &FutureProducer<UiContext>, req: &ProduceRequest) -> Delivery {
    let mut headers = OwnedHeaders::new_with_capacity(req.headers.len());
    for h in &req.headers {
        headers = headers.insert(RdHeader {
            key: &h.name,
            value: h.value.as_deref(),
        });
    }
    let mut record: FutureRecord<'_, [u8], [u8]> = FutureRecord::to(&req.topic)
        .payload(&req.value[..])
        .headers(headers);
    if let Some(k) = &req.key {
        record = record.key(&k[..]);
    }
    match producer.send(record, DELIVERY_TIMEOUT).await {
        Ok(d) => Delivery::Delivered {
            topic: req.topic.clone(),
            partition: d.partition,
            offset: d.offset,
        },
        Err((e, _)) => Delivery::Failed {
            topic: req.topic.clone(),
            error: e.to_string(),
        },
    }
}
