//! The topics a classic consumer-group member subscribed to, from its member metadata
//! (`ConsumerProtocolSubscription`: version, [topic], user data, …). Streams members subscribe
//! to their source topics, internal repartition topics included.

use crate::kafka::groups::Reader;

/// The subscribed topics, or `None` when the bytes are not a consumer subscription.
pub fn subscribed_topics(metadata: &[u8]) -> Option<Vec<String>> {
    let mut r = Reader::new(metadata);
    let version = r.i16()?;
    if version < 0 {
        return None;
    }
    let n = r.i32()?;
    if n < 0 {
        return None;
    }
    // Each topic takes at least 2 bytes: a count beyond that is a lie, not an allocation.
    if n as usize > metadata.len() / 2 {
        return None;
    }
    let mut topics = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let len = usize::try_from(r.i16()?).ok()?;
        topics.push(String::from_utf8_lossy(r.take(len)?).into_owned());
    }
    Some(topics)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subscription(version: i16, topics: &[&str]) -> Vec<u8> {
        let mut b = version.to_be_bytes().to_vec();
        b.extend((topics.len() as i32).to_be_bytes());
        for t in topics {
            b.extend((t.len() as i16).to_be_bytes());
            b.extend(t.as_bytes());
        }
        b.extend(4i32.to_be_bytes());
        b.extend(b"data");
        b
    }

    #[test]
    fn reads_the_topics_and_ignores_the_rest() {
        let b = subscription(3, &["kt-words", "kt-wordcount-words-repartition"]);
        assert_eq!(
            subscribed_topics(&b).unwrap(),
            ["kt-words", "kt-wordcount-words-repartition"]
        );
        assert_eq!(subscribed_topics(&subscription(0, &[])).unwrap().len(), 0);
    }

    #[test]
    fn truncated_or_hostile_bytes_are_none_not_a_panic() {
        let full = subscription(1, &["orders"]);
        for cut in 0..8 {
            assert_eq!(subscribed_topics(&full[..cut]), None, "cut at {cut}");
        }
        let mut huge = 0i16.to_be_bytes().to_vec();
        huge.extend(i32::MAX.to_be_bytes());
        assert_eq!(subscribed_topics(&huge), None);
        assert_eq!(subscribed_topics(&(-1i16).to_be_bytes()), None);
    }
}
