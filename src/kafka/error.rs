//! What went wrong talking to the cluster, by kind (from librdkafka's error code, never from
//! its wording), with librdkafka's own words kept for the person to read.

use rdkafka::types::RDKafkaErrorCode as Code;

/// The kinds of failure the app treats differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// No answer: cannot resolve, connection refused, transport failure.
    Unreachable,
    /// librdkafka's "N/N brokers are down", which follows every specific failure.
    AllBrokersDown,
    /// A request timed out.
    Timeout,
    /// SASL authentication failed.
    Auth,
    /// The cluster answered, but this principal may not do that (ACLs).
    NotAuthorized,
    /// Any other error the client or a broker reported.
    Broker,
    /// Something kafka-tui found wrong in what a broker said, or a task that failed.
    Other,
}

/// An error from `kafka/`, typed by kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KafkaError {
    pub kind: ErrorKind,
    /// librdkafka's or the broker's words (or kafka-tui's, for `Other`).
    pub detail: String,
}

impl KafkaError {
    pub fn new(kind: ErrorKind, detail: impl Into<String>) -> Self {
        KafkaError {
            kind,
            detail: detail.into(),
        }
    }

    /// kafka-tui's own finding about what a broker said.
    pub fn other(detail: impl Into<String>) -> Self {
        KafkaError::new(ErrorKind::Other, detail)
    }

    /// An error event from a client: its code, and librdkafka's reason.
    pub fn from_code(code: Option<Code>, reason: &str) -> Self {
        KafkaError::new(code.map_or(ErrorKind::Other, kind_of), reason)
    }

    /// What the error means for the person: how a message about it opens.
    pub fn verdict(&self) -> &'static str {
        match self.kind {
            ErrorKind::Auth => "authentication failed",
            ErrorKind::NotAuthorized => "not authorized",
            _ => "cannot reach the cluster",
        }
    }
}

/// A failed request: the verdict first where it is not obvious from librdkafka's words.
impl std::fmt::Display for KafkaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            ErrorKind::Unreachable | ErrorKind::Timeout | ErrorKind::Auth => {
                write!(f, "{} ({})", self.verdict(), self.detail)
            }
            _ => f.write_str(&self.detail),
        }
    }
}

impl std::error::Error for KafkaError {}

impl From<rdkafka::error::KafkaError> for KafkaError {
    fn from(e: rdkafka::error::KafkaError) -> Self {
        KafkaError::from_code(e.rdkafka_error_code(), &e.to_string())
    }
}

fn kind_of(code: Code) -> ErrorKind {
    match code {
        // A TLS failure (a wrong CA, a plaintext port) is a connection that never came up.
        Code::BrokerTransportFailure | Code::Resolve | Code::BrokerNotAvailable | Code::SSL => {
            ErrorKind::Unreachable
        }
        Code::AllBrokersDown => ErrorKind::AllBrokersDown,
        Code::OperationTimedOut | Code::RequestTimedOut => ErrorKind::Timeout,
        Code::Authentication | Code::SaslAuthenticationFailed => ErrorKind::Auth,
        Code::TopicAuthorizationFailed
        | Code::GroupAuthorizationFailed
        | Code::ClusterAuthorizationFailed
        | Code::TransactionalIdAuthorizationFailed
        | Code::DelegationTokenAuthorizationFailed => ErrorKind::NotAuthorized,
        _ => ErrorKind::Broker,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_the_code_not_the_words() {
        let e = |code, reason: &str| KafkaError::from_code(Some(code), reason);
        // A SASL connection's every error names `sasl_plaintext://`: the code decides.
        let refused = e(
            Code::BrokerTransportFailure,
            "sasl_plaintext://h:1/bootstrap: Connect failed: Connection refused",
        );
        assert_eq!(refused.kind, ErrorKind::Unreachable);
        assert_eq!(refused.verdict(), "cannot reach the cluster");
        let auth = e(
            Code::Authentication,
            "SASL authentication error: bad password",
        );
        assert_eq!(auth.kind, ErrorKind::Auth);
        assert_eq!(
            auth.to_string(),
            "authentication failed (SASL authentication error: bad password)"
        );
        assert_eq!(
            e(Code::AllBrokersDown, "1/1 brokers are down").kind,
            ErrorKind::AllBrokersDown
        );
        assert_eq!(
            e(Code::TopicAuthorizationFailed, "no").verdict(),
            "not authorized"
        );
        assert_eq!(
            e(Code::UnknownTopicOrPartition, "x").kind,
            ErrorKind::Broker
        );
        assert_eq!(KafkaError::from_code(None, "x").kind, ErrorKind::Other);
        assert_eq!(KafkaError::other("odd").to_string(), "odd");
    }
}
