//! Records: one consumed or produced, one to publish, and what became of a publish.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The last millisecond of the year 9999.
const LAST_SHOWN_MS: u64 = 253_402_300_799_999;

/// One consumed (or produced) record, owned so it can outlive librdkafka's buffers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    /// Milliseconds since the Unix epoch, when the broker or producer gave one.
    pub timestamp_ms: Option<i64>,
    /// The partition leader epoch the record was written in, where known: it comes with each
    /// record batch (message format v2), and librdkafka gives -1 (here `None`) for a batch
    /// without one. A record read from a file or made to be published has none.
    pub leader_epoch: Option<i32>,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<Header>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub value: Option<Vec<u8>>,
}

impl Record {
    /// Approximate heap footprint, used to bound the tail buffer by bytes.
    pub fn approx_size(&self) -> usize {
        let headers: usize = self
            .headers
            .iter()
            .map(|h| h.name.len() + h.value.as_ref().map_or(0, Vec::len) + 48)
            .sum();
        std::mem::size_of::<Self>()
            + self.topic.len()
            + self.key.as_ref().map_or(0, Vec::len)
            + self.value.as_ref().map_or(0, Vec::len)
            + headers
    }

    /// The record's time, when it is one that can be shown: any producer (or broker) may set
    /// a timestamp, and one past the year 9999 has no RFC 3339 form (humantime's formatter
    /// fails, and `to_string` on it panics).
    pub fn timestamp(&self) -> Option<SystemTime> {
        let ms = u64::try_from(self.timestamp_ms?).ok()?;
        (ms <= LAST_SHOWN_MS).then(|| UNIX_EPOCH + Duration::from_millis(ms))
    }
}

/// A record to publish, as parsed from the producer pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProduceRequest {
    pub topic: String,
    pub key: Option<Vec<u8>>,
    pub value: Vec<u8>,
    pub headers: Vec<Header>,
    /// `:partition N`; `None`: the producer's partitioner chooses (by key).
    pub partition: Option<i32>,
}

/// Result of a publish, as the broker reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Delivered {
        topic: String,
        partition: i32,
        offset: i64,
    },
    Failed {
        topic: String,
        error: String,
    },
    /// The broker may have written the record (it timed out in flight): resending could
    /// duplicate it, and only the topic can tell.
    Unknown {
        topic: String,
        error: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_timestamp_a_record_can_carry_is_shown_or_left_out_never_a_panic() {
        for ms in [
            i64::MIN,
            -1,
            0,
            1_700_000_000_000,
            LAST_SHOWN_MS as i64,
            LAST_SHOWN_MS as i64 + 1,
            i64::MAX,
        ] {
            let r = Record {
                timestamp_ms: Some(ms),
                leader_epoch: None,
                ..Record::default()
            };
            if let Some(t) = r.timestamp() {
                let shown = humantime::format_rfc3339_millis(t).to_string();
                assert!(!shown.is_empty());
            }
        }
        let far = Record {
            timestamp_ms: Some(i64::MAX),
            leader_epoch: None,
            ..Record::default()
        };
        assert_eq!(far.timestamp(), None);
    }
}
