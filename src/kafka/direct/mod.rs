//! A connection of our own to one broker, for the few requests librdkafka cannot send
//! (DescribeLogDirs). It speaks what the cluster's listener wants, read from the same
//! librdkafka properties the other clients use: PLAINTEXT, SSL (rustls), SASL_PLAINTEXT and
//! SASL_SSL with PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512. What it cannot speak (GSSAPI,
//! OAUTHBEARER, a PKCS#12 keystore, an encrypted key) is said, not guessed around.
//!
//! Messages are encoded and decoded by the `kafka-protocol` crate (Kafka's own schemas,
//! generated). A broker is untrusted: frame lengths are bounded before anything is read.

mod sasl;
mod tls;

use std::pin::Pin;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use kafka_protocol::messages::{RequestHeader, ResponseHeader};
use kafka_protocol::protocol::{Decodable, Encodable, HeaderVersion, Request, StrBytes};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use super::client::ClientSettings;

/// Larger answers are refused: a broker (or anyone on a PLAINTEXT path) could claim 2 GiB.
pub const MAX_FRAME: usize = 64 << 20;

/// How to reach the brokers of one cluster: TLS or not, SASL or not.
#[derive(Clone)]
pub struct Security {
    /// Kafka's name for it (`SASL_SSL`), for messages.
    pub protocol: String,
    tls: Option<Arc<tokio_rustls::rustls::ClientConfig>>,
    sasl: Option<sasl::Login>,
}

impl std::fmt::Debug for Security {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        f.debug_struct("Security")
            .field("protocol", &self.protocol)
            .field("tls", &self.tls.is_some())
            .field("sasl", &self.sasl.as_ref().map(|l| l.mechanism.name()))
            .finish()
    }
}

impl Security {
    /// From the cluster's librdkafka properties, or why this connection cannot be made here.
    pub fn from_settings(settings: &ClientSettings) -> Result<Security, String> {
        let config = settings.client_config();
        let get = |key: &str| config.get(key).map(str::to_string);
        let protocol = get("security.protocol")
            .unwrap_or_else(|| "plaintext".into())
            .to_ascii_uppercase();
        let (use_tls, use_sasl) = match protocol.as_str() {
            "PLAINTEXT" => (false, false),
            "SSL" => (true, false),
            "SASL_PLAINTEXT" => (false, true),
            "SASL_SSL" => (true, true),
            other => return Err(format!("security.protocol {other} is not one Kafka knows")),
        };
        let tls = match use_tls {
            true => Some(Arc::new(tls::client_config(&get)?)),
            false => None,
        };
        let sasl = match use_sasl {
            true => Some(sasl::Login::from_properties(&get)?),
            false => None,
        };
        Ok(Security {
            protocol,
            tls,
            sasl,
        })
    }

    pub fn plaintext() -> Security {
        Security {
            protocol: "PLAINTEXT".into(),
            tls: None,
            sasl: None,
        }
    }
}

trait Stream: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Stream for T {}

/// One open, authenticated connection to a broker.
pub struct Connection {
    stream: Pin<Box<dyn Stream>>,
    next_id: i32,
}

impl Connection {
    /// Connects to `host:port` (TLS checks the certificate against `host`) and logs in.
    pub async fn open(host: &str, port: i32, security: &Security) -> Result<Connection, String> {
        let address = address(host, port);
        let tcp = TcpStream::connect(&address)
            .await
            .map_err(|e| format!("cannot connect: {e}"))?;
        let stream: Pin<Box<dyn Stream>> = match &security.tls {
            Some(config) => Box::pin(tls::handshake(config.clone(), host, tcp).await?),
            None => Box::pin(tcp),
        };
        let mut conn = Connection { stream, next_id: 1 };
        if let Some(login) = &security.sasl {
            login.authenticate(&mut conn).await?;
        }
        Ok(conn)
    }

    /// Sends one request (`version` of it) and reads its answer.
    pub async fn call<R: Request>(&mut self, version: i16, req: &R) -> Result<R::Response, String> {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        self.stream
            .write_all(&frame(id, version, req)?)
            .await
            .map_err(|e| format!("cannot send: {e}"))?;
        let answer = self.read_frame().await?;
        decode::<R>(answer, id, version)
    }

    async fn read_frame(&mut self) -> Result<Bytes, String> {
        let mut len = [0u8; 4];
        self.stream
            .read_exact(&mut len)
            .await
            .map_err(|e| format!("no answer: {e}"))?;
        let len = i32::from_be_bytes(len);
        let len = usize::try_from(len)
            .ok()
            .filter(|n| (4..=MAX_FRAME).contains(n))
            .ok_or_else(|| format!("an answer of {len} bytes (at most {MAX_FRAME} are read)"))?;
        let mut frame = vec![0u8; len];
        self.stream
            .read_exact(&mut frame)
            .await
            .map_err(|e| format!("the answer was cut: {e}"))?;
        Ok(Bytes::from(frame))
    }
}

/// A request as it goes on the wire: its length, the header, the body.
pub fn frame<R: Request>(correlation_id: i32, version: i16, req: &R) -> Result<BytesMut, String> {
    let header = RequestHeader::default()
        .with_request_api_key(R::KEY)
        .with_request_api_version(version)
        .with_correlation_id(correlation_id)
        .with_client_id(Some(StrBytes::from_static_str("kafka-tui")));
    let mut msg = BytesMut::new();
    header
        .encode(&mut msg, R::header_version(version))
        .and_then(|_| req.encode(&mut msg, version))
        .map_err(|e| format!("cannot encode request {}: {e}", R::KEY))?;
    let mut framed = BytesMut::with_capacity(msg.len() + 4);
    framed.extend_from_slice(&(msg.len() as i32).to_be_bytes());
    framed.extend_from_slice(&msg);
    Ok(framed)
}

/// The answer to request `correlation_id`, from its frame (without the length).
pub fn decode<R: Request>(
    mut frame: Bytes,
    correlation_id: i32,
    version: i16,
) -> Result<R::Response, String> {
    let header = ResponseHeader::decode(&mut frame, R::Response::header_version(version))
        .map_err(|e| format!("a malformed answer: {e}"))?;
    if header.correlation_id != correlation_id {
        return Err("an answer to another request".into());
    }
    R::Response::decode(&mut frame, version).map_err(|e| format!("a malformed answer: {e}"))
}

/// `host:port` of a broker as metadata lists it (IPv6 hosts in brackets).
pub fn address(host: &str, port: i32) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}
