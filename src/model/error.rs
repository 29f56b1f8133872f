//! What went wrong talking to the cluster, by kind, with the words of whoever said it kept
//! for the person to read. `kafka/error.rs` makes these from librdkafka's error codes.

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
    /// Not sent: the session is read-only, or the embedded broker does not serve the request.
    Refused,
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

    /// A request kafka-tui did not send, and why.
    pub fn refused(detail: impl Into<String>) -> Self {
        KafkaError::new(ErrorKind::Refused, detail)
    }

    /// kafka-tui's own finding about what a broker said.
    pub fn other(detail: impl Into<String>) -> Self {
        KafkaError::new(ErrorKind::Other, detail)
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
