//! What can go wrong talking to a Connect worker, as a typed error whose `Display` is one line
//! for the status line. Messages from the worker are flattened to one line and capped, since a
//! worker may answer with a Java stack trace or a whole config echoed back.

use std::time::Duration;

/// Longest message from a worker that an error keeps (characters).
const MESSAGE_CAP: usize = 300;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectError {
    /// No TCP connection (refused, no route, DNS failure, TLS handshake failure).
    #[error("Connect worker {url} is unreachable: {reason}")]
    Unreachable { url: String, reason: String },
    /// Connected (or tried to) but no complete answer within the configured time.
    #[error("Connect worker {url} did not answer within {}", humantime::format_duration(*after))]
    Timeout { url: String, after: Duration },
    /// 401 or 403: wrong or missing basic-auth credentials, or not allowed.
    #[error("Connect worker {url} refused the credentials ({status}): {message}")]
    Auth {
        url: String,
        status: u16,
        message: String,
    },
    /// 404 from the worker: no such connector, task or plugin.
    #[error("not found: {message}")]
    NotFound { message: String },
    /// 409: a rebalance in progress or a concurrent change ("try again"), or a name in use.
    #[error("conflict: {message} (409: the Connect cluster is busy or the name is taken)")]
    Conflict { message: String },
    /// 400: the worker rejected the request, usually an invalid connector config.
    #[error("rejected by the Connect worker: {message}")]
    BadRequest { message: String },
    /// Any other status that is not a success (500 included).
    #[error("Connect worker answered {status}: {message}")]
    Http { status: u16, message: String },
    /// The worker does not have this endpoint (an older Connect version).
    #[error("this Connect worker does not support {what}")]
    Unsupported { what: String },
    /// Bad input on our side: a URL, a connector name, a JSON config.
    #[error("invalid: {0}")]
    Invalid(String),
    /// A 2xx answer that is not what the Connect REST API returns.
    #[error("unexpected answer from Connect worker {url}: {reason}")]
    Decode { url: String, reason: String },
}

impl ConnectError {
    /// Worth retrying as it is: the worker may be back, or the rebalance over.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ConnectError::Unreachable { .. }
                | ConnectError::Timeout { .. }
                | ConnectError::Conflict { .. }
        )
    }

    /// The error for a non-success status and the body the worker sent with it.
    pub(crate) fn from_status(url: &str, status: u16, body: &[u8]) -> ConnectError {
        let message = worker_message(status, body);
        match status {
            401 | 403 => ConnectError::Auth {
                url: url.to_string(),
                status,
                message,
            },
            404 => ConnectError::NotFound { message },
            409 => ConnectError::Conflict { message },
            400 => ConnectError::BadRequest { message },
            _ => ConnectError::Http { status, message },
        }
    }
}

/// The `message` of Connect's error body (`{"error_code":404,"message":"..."}`), else the body
/// as text, else the status; always one capped line.
pub(crate) fn worker_message(status: u16, body: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct ErrorBody {
        message: Option<String>,
    }
    let text = match serde_json::from_slice::<ErrorBody>(body) {
        Ok(ErrorBody { message: Some(m) }) => m,
        _ => String::from_utf8_lossy(body).into_owned(),
    };
    let line = one_line(&text, MESSAGE_CAP);
    if line.is_empty() {
        format!("HTTP {status}")
    } else {
        line
    }
}

/// `text` as one line: control characters and runs of white space become one space (a line
/// break becomes "; " so that a list of errors stays readable), capped at `cap` characters.
pub(crate) fn one_line(text: &str, cap: usize) -> String {
    let mut out = String::new();
    let mut pending: Option<&str> = None;
    for c in text.trim().chars() {
        if c == '\n' {
            pending = Some("; ");
        } else if c.is_whitespace() || c.is_control() {
            pending = pending.or(Some(" "));
        } else {
            if let Some(p) = pending.take() {
                if !out.is_empty() {
                    out.push_str(p);
                }
            }
            out.push(c);
        }
    }
    if out.chars().count() > cap {
        let mut cut: String = out.chars().take(cap.saturating_sub(1)).collect();
        cut.push('…');
        cut
    } else {
        out
    }
}
