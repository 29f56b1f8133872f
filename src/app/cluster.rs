//! What the header says about the cluster: connecting, connected, or why it cannot be reached.

use crate::kafka::api::{Capabilities, KafkaError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    Connecting,
    Connected {
        brokers: usize,
    },
    /// The last attempt failed; the background refresh keeps retrying.
    Unreachable(KafkaError),
}

/// What the header says about the cluster.
#[derive(Debug, Clone)]
pub struct ClusterView {
    /// "embedded broker" or the bootstrap list.
    pub label: String,
    pub address: String,
    /// Set when the cluster is our embedded broker: its engine and what it cannot do.
    pub embedded: Option<(String, Capabilities)>,
    pub connection: Connection,
    /// The latest error librdkafka reported, shown while not connected.
    pub last_error: Option<KafkaError>,
}

impl ClusterView {
    /// Why the cluster cannot be reached, most specific first: librdkafka's own error (cannot
    /// resolve, connection refused, SASL authentication failed) before the generic one.
    /// It always opens with a plain verdict ("cannot reach the cluster", "authentication
    /// failed"), whichever of librdkafka's events arrived first.
    pub fn problem(&self) -> Option<String> {
        match &self.connection {
            Connection::Unreachable(e) => {
                // One verdict, then the specific detail and the general one.
                let text = match &self.last_error {
                    Some(last) if !e.detail.contains(last.detail.as_str()) => {
                        format!("{} ({})", last.detail, e.detail)
                    }
                    _ => e.to_string(),
                };
                // The specific failure (refused, SASL) says more than "brokers are down".
                let verdict = self.last_error.as_ref().unwrap_or(e).verdict();
                Some(with_verdict(verdict, text))
            }
            _ => None,
        }
    }
}

/// Prefixes librdkafka's wording with what it means for the person, unless it already says.
fn with_verdict(verdict: &str, text: String) -> String {
    if text.starts_with(verdict) {
        return text;
    }
    format!("{verdict}: {text}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rdkafka::types::RDKafkaErrorCode as Code;

    fn view(connection: Connection, last_error: Option<KafkaError>) -> ClusterView {
        ClusterView {
            label: "cluster".into(),
            address: "127.0.0.1:1".into(),
            embedded: None,
            connection,
            last_error,
        }
    }

    /// The raw "all brokers down" event can arrive before the metadata error: the person must
    /// still read a verdict, not only librdkafka's wording.
    #[test]
    fn problem_opens_with_a_verdict_whichever_event_came_first() {
        let refused =
            "127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: Connection refused";
        let all_down = || KafkaError::from_code(Some(Code::AllBrokersDown), "1/1 brokers are down");
        let down = view(
            Connection::Unreachable(all_down()),
            Some(KafkaError::from_code(
                Some(Code::BrokerTransportFailure),
                refused,
            )),
        );
        assert_eq!(
            down.problem().unwrap(),
            format!("cannot reach the cluster: {refused} (1/1 brokers are down)")
        );
        let metadata = view(
            Connection::Unreachable(KafkaError::from_code(
                Some(Code::BrokerTransportFailure),
                "Meta data fetch error",
            )),
            None,
        );
        assert_eq!(
            metadata.problem().unwrap(),
            "cannot reach the cluster (Meta data fetch error)"
        );
        // librdkafka's detail, then the verdict it must get.
        for (code, detail, verdict) in [
            (
                Code::Authentication,
                "SASL authentication error: Authentication failed",
                "authentication failed: SASL",
            ),
            (
                // Every error on a SASL connection names the broker sasl_plaintext://.
                Code::BrokerTransportFailure,
                "sasl_plaintext://127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: Connection refused",
                "cannot reach the cluster: sasl_plaintext://",
            ),
        ] {
            let v = view(
                Connection::Unreachable(all_down()),
                Some(KafkaError::from_code(Some(code), detail)),
            );
            let problem = v.problem().unwrap();
            assert!(problem.starts_with(verdict), "{problem}");
        }
        assert_eq!(
            view(
                Connection::Connecting,
                Some(KafkaError::from_code(
                    Some(Code::BrokerTransportFailure),
                    refused
                ))
            )
            .problem(),
            None
        );
    }
}
