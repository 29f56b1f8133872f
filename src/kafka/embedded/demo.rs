//! The `demo` topic a first run starts with, so a newcomer sees records at once.

use std::time::SystemTime;

use rdkafka::message::{Header, OwnedHeaders};

pub const TOPIC: &str = "demo";
pub const PARTITIONS: i32 = 3;

pub struct Sample {
    pub partition: i32,
    pub key: Option<Vec<u8>>,
    pub value: Vec<u8>,
    pub headers: Vec<(&'static str, String)>,
}

impl Sample {
    pub fn headers(&self) -> OwnedHeaders {
        self.headers.iter().fold(OwnedHeaders::new(), |h, (k, v)| {
            h.insert(Header {
                key: k,
                value: Some(v.as_bytes()),
            })
        })
    }
}

/// A few records of the kinds people meet: JSON events, plain text, a null key, binary.
pub fn samples(now: SystemTime) -> Vec<Sample> {
    let when = humantime::format_rfc3339_seconds(now).to_string();
    let order = |id: u32, item: &str, qty: u32, partition: i32| Sample {
        partition,
        key: Some(format!("order-{id}").into_bytes()),
        value: format!(
            r#"{{"order_id":{id},"item":"{item}","quantity":{qty},"created_at":"{when}"}}"#
        )
        .into_bytes(),
        headers: vec![
            ("source", "kafka-tui-demo".into()),
            ("content-type", "application/json".into()),
        ],
    };
    vec![
        order(1001, "keyboard", 1, 0),
        order(1002, "monitor", 2, 1),
        order(1003, "cable", 5, 2),
        Sample {
            partition: 0,
            key: Some(b"greeting".to_vec()),
            value: b"hello from the embedded broker".to_vec(),
            headers: vec![],
        },
        Sample {
            partition: 1,
            key: None,
            value: b"a record with no key".to_vec(),
            headers: vec![("trace-id", "4bf92f3577b34da6".into())],
        },
        Sample {
            partition: 2,
            key: Some(b"sensor-7".to_vec()),
            value: vec![0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff, 0x42],
            headers: vec![("content-type", "application/octet-stream".into())],
        },
    ]
}
