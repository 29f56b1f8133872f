//! Kafka errors typed from librdkafka's error code, never from its wording (the type itself is
//! plain data, in `model::error`).

use rdkafka::types::RDKafkaErrorCode as Code;

pub use crate::model::error::{ErrorKind, KafkaError};

impl KafkaError {
    /// An error event from a client: its code, and librdkafka's reason.
    pub fn from_code(code: Option<Code>, reason: &str) -> Self {
        KafkaError::new(code.map_or(ErrorKind::Other, kind_of), reason)
    }
}

/// An admin request's failure: the broker's code and message.
impl From<super::ffi::admin::AdminFailure> for KafkaError {
    fn from(e: super::ffi::admin::AdminFailure) -> Self {
        KafkaError::from_code(Some(e.code), &e.to_string())
    }
}

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
