//! SASL login as Kafka does it (SaslHandshake v1, then SaslAuthenticate), with the `sasl`
//! crate's PLAIN and SCRAM clients. It has SCRAM over SHA-1 and SHA-256 only; SHA-512 (the
//! one Confluent's examples use) is its provider trait filled with RustCrypto's hashes.

use bytes::Bytes;
use hmac::{Hmac, Mac};
use kafka_protocol::messages::{SaslAuthenticateRequest, SaslHandshakeRequest};
use kafka_protocol::protocol::StrBytes;
use sasl::client::mechanisms::{Plain, Scram};
use sasl::client::Mechanism as SaslMechanism;
use sasl::common::scram::{DeriveError, ScramProvider, Sha256};
use sasl::common::{ChannelBinding, Password};
use sha2::{Digest, Sha512 as Sha512Hash};

use super::Connection;

/// More PBKDF2 rounds than this are refused: a hostile broker could ask for billions and keep
/// a core busy. Kafka itself allows at most 16,384.
const MAX_ITERATIONS: u32 = 100_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mechanism {
    Plain,
    ScramSha256,
    ScramSha512,
}

impl Mechanism {
    pub fn name(self) -> &'static str {
        match self {
            Mechanism::Plain => "PLAIN",
            Mechanism::ScramSha256 => "SCRAM-SHA-256",
            Mechanism::ScramSha512 => "SCRAM-SHA-512",
        }
    }
}

#[derive(Clone)]
pub struct Login {
    pub mechanism: Mechanism,
    username: String,
    password: String,
}

impl Login {
    /// From `sasl.mechanism` (librdkafka's default is GSSAPI), `sasl.username`, `sasl.password`.
    pub fn from_properties(get: &dyn Fn(&str) -> Option<String>) -> Result<Login, String> {
        let name = get("sasl.mechanism")
            .or_else(|| get("sasl.mechanisms"))
            .unwrap_or_else(|| "GSSAPI".into())
            .to_ascii_uppercase();
        let mechanism = match name.as_str() {
            "PLAIN" => Mechanism::Plain,
            "SCRAM-SHA-256" => Mechanism::ScramSha256,
            "SCRAM-SHA-512" => Mechanism::ScramSha512,
            other => {
                return Err(format!(
                    "SASL {other} is not spoken here (PLAIN and SCRAM are)"
                ))
            }
        };
        let need = |key: &str| get(key).ok_or_else(|| format!("{key} is not set"));
        Ok(Login {
            mechanism,
            username: need("sasl.username")?,
            password: need("sasl.password")?,
        })
    }

    pub async fn authenticate(&self, conn: &mut Connection) -> Result<(), String> {
        let name = self.mechanism.name();
        let hello = conn
            .call(
                1,
                &SaslHandshakeRequest::default().with_mechanism(StrBytes::from_static_str(name)),
            )
            .await?;
        if hello.error_code != 0 {
            let offered: Vec<&str> = hello.mechanisms.iter().map(|m| m.as_str()).collect();
            return Err(format!(
                "the broker does not enable SASL {name} here (it offers {})",
                offered.join(", ")
            ));
        }
        match self.mechanism {
            Mechanism::Plain => {
                let mut m = Plain::new(&self.username, &self.password);
                let first = m.initial();
                authenticate_step(conn, first).await.map(drop)
            }
            Mechanism::ScramSha256 => scram(conn, self.scram::<Sha256>()?).await,
            Mechanism::ScramSha512 => scram(conn, self.scram::<Sha512>()?).await,
        }
    }

    fn scram<S: ScramProvider>(&self) -> Result<Scram<S>, String> {
        // RFC 5802's saslname: ',' and '=' are escaped in the user name.
        let user = self.username.replace('=', "=3D").replace(',', "=2C");
        Scram::new(user, self.password.as_str(), ChannelBinding::None)
            .map_err(|e| format!("SCRAM: {e:?}"))
    }
}

/// The client's first message, the broker's challenge checked before any work is done for it,
/// the proof, and the broker's signature checked at the end.
async fn scram<S: ScramProvider>(conn: &mut Connection, mut m: Scram<S>) -> Result<(), String> {
    let first = m.initial();
    let ours = attribute(&first, "r").unwrap_or_default();
    let challenge = authenticate_step(conn, first).await?;
    let theirs = attribute(&challenge, "r").unwrap_or_default();
    if ours.is_empty() || !theirs.starts_with(&ours) {
        return Err("the broker's SCRAM challenge does not carry our nonce".into());
    }
    match attribute(&challenge, "i").and_then(|i| i.parse::<u32>().ok()) {
        Some(i) if (1..=MAX_ITERATIONS).contains(&i) => {}
        other => {
            return Err(format!(
                "the broker asked for {} SCRAM iterations (at most {MAX_ITERATIONS} are done)",
                other.map_or("an unreadable number of".into(), |i| i.to_string())
            ))
        }
    }
    let proof = m
        .response(&challenge)
        .map_err(|e| format!("the broker's SCRAM challenge: {e:?}"))?;
    let last = authenticate_step(conn, proof).await?;
    m.success(&last).map_err(|e| {
        format!("the broker's SCRAM signature does not prove it knows the password: {e:?}")
    })
}

/// One SaslAuthenticate round: our bytes out, the broker's back, or its refusal in its words.
async fn authenticate_step(conn: &mut Connection, ours: Vec<u8>) -> Result<Vec<u8>, String> {
    let answer = conn
        .call(
            1,
            &SaslAuthenticateRequest::default().with_auth_bytes(Bytes::from(ours)),
        )
        .await?;
    if answer.error_code != 0 {
        let why = answer
            .error_message
            .map(|m| m.to_string())
            .unwrap_or_else(|| format!("error code {}", answer.error_code));
        return Err(format!("authentication failed: {why}"));
    }
    Ok(answer.auth_bytes.to_vec())
}

/// `key`'s value in a SCRAM message (`n,,n=user,r=nonce` or `r=…,s=…,i=4096`).
fn attribute(message: &[u8], key: &str) -> Option<String> {
    let text = std::str::from_utf8(message).ok()?;
    text.split(',')
        .find_map(|part| part.strip_prefix(key)?.strip_prefix('='))
        .map(str::to_string)
}

/// SCRAM-SHA-512, which the `sasl` crate leaves to its users.
pub struct Sha512;

impl ScramProvider for Sha512 {
    type Secret = sasl::secret::Plain;

    fn name() -> &'static str {
        "SHA-512"
    }

    fn hash(data: &[u8]) -> Vec<u8> {
        Sha512Hash::digest(data).to_vec()
    }

    fn hmac(data: &[u8], key: &[u8]) -> Result<Vec<u8>, hmac::digest::InvalidLength> {
        let mut mac = Hmac::<Sha512Hash>::new_from_slice(key)?;
        mac.update(data);
        Ok(mac.finalize().into_bytes().to_vec())
    }

    fn derive(password: &Password, salt: &[u8], iterations: u32) -> Result<Vec<u8>, DeriveError> {
        match password {
            Password::Plain(plain) => {
                let mut out = vec![0; 64];
                pbkdf2::pbkdf2::<Hmac<Sha512Hash>>(plain.as_bytes(), salt, iterations, &mut out)?;
                Ok(out)
            }
            // Only plain passwords are given to it (Login keeps the password as typed).
            Password::Pbkdf2 { .. } => Err(DeriveError::IncompatibleHashingMethod(
                "stored".into(),
                Self::name().into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7677's SCRAM-SHA-256 example is the same computation with SHA-256; for SHA-512 the
    /// check is that PBKDF2-HMAC-SHA-512 gives the published test vector (RFC 6070 style,
    /// from the `pbkdf2` crate's own test set): "password" / "salt" / 1 round.
    #[test]
    fn sha512_derives_the_known_vector() {
        let key = Sha512::derive(&Password::Plain("password".into()), b"salt", 1).unwrap();
        let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c8cf252\
             c02d470a285a0501bad999bfe943c08f050235d7d68b1da55e63f73b60a57fce"
        );
    }

    #[test]
    fn attributes_are_read_from_scram_messages() {
        assert_eq!(attribute(b"n,,n=bob,r=abc", "r").as_deref(), Some("abc"));
        assert_eq!(
            attribute(b"r=abcdef,s=c2FsdA==,i=4096", "i").as_deref(),
            Some("4096")
        );
        assert_eq!(attribute(b"r=abc", "s"), None);
        assert_eq!(attribute(&[0xff, b'r', b'='], "r"), None);
    }

    #[test]
    fn a_mechanism_not_spoken_here_is_said() {
        let props = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let no_mechanism = props(&[("sasl.username", "u"), ("sasl.password", "p")]);
        let err = Login::from_properties(&no_mechanism).err().unwrap();
        assert!(err.contains("GSSAPI"), "librdkafka's default: {err}");
        let oauth = props(&[("sasl.mechanism", "OAUTHBEARER")]);
        assert!(Login::from_properties(&oauth)
            .err()
            .unwrap()
            .contains("OAUTHBEARER"));
        let no_password = props(&[("sasl.mechanism", "scram-sha-512"), ("sasl.username", "u")]);
        assert_eq!(
            Login::from_properties(&no_password).err().unwrap(),
            "sasl.password is not set"
        );
        let ok = props(&[
            ("sasl.mechanisms", "SCRAM-SHA-512"),
            ("sasl.username", "u"),
            ("sasl.password", "p"),
        ]);
        assert_eq!(
            Login::from_properties(&ok).unwrap().mechanism,
            Mechanism::ScramSha512
        );
    }

    /// A broker that answers each request with the next of `answers` (given the request's
    /// correlation id and body, it returns the response's body), then holds the connection.
    mod fake {
        use bytes::{Bytes, BytesMut};
        use kafka_protocol::messages::{RequestHeader, ResponseHeader};
        use kafka_protocol::protocol::{Decodable, Encodable};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        pub type Answer = Box<dyn FnOnce(Bytes) -> BytesMut + Send>;

        pub async fn broker(answers: Vec<Answer>) -> i32 {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = l.local_addr().unwrap().port() as i32;
            tokio::spawn(async move {
                let (mut s, _) = l.accept().await.unwrap();
                for answer in answers {
                    let mut len = [0u8; 4];
                    if s.read_exact(&mut len).await.is_err() {
                        return;
                    }
                    let mut req = vec![0u8; i32::from_be_bytes(len) as usize];
                    s.read_exact(&mut req).await.unwrap();
                    let mut req = Bytes::from(req);
                    // Version 1 of SaslHandshake and SaslAuthenticate: header version 1.
                    let header = RequestHeader::decode(&mut req, 1).unwrap();
                    let mut out = BytesMut::new();
                    ResponseHeader::default()
                        .with_correlation_id(header.correlation_id)
                        .encode(&mut out, 0)
                        .unwrap();
                    out.extend_from_slice(&answer(req));
                    let mut framed = (out.len() as i32).to_be_bytes().to_vec();
                    framed.extend_from_slice(&out);
                    s.write_all(&framed).await.unwrap();
                }
                tokio::time::sleep(std::time::Duration::from_secs(30)).await;
            });
            port
        }
    }

    use crate::kafka::direct::{Connection, Security};
    use kafka_protocol::messages::{SaslAuthenticateResponse, SaslHandshakeResponse};
    use kafka_protocol::protocol::{Decodable, Encodable};

    fn login(mechanism: Mechanism) -> Security {
        let mut s = Security::plaintext();
        s.sasl = Some(Login {
            mechanism,
            username: "alice".into(),
            password: "secret".into(),
        });
        s
    }

    fn handshake(error_code: i16) -> fake::Answer {
        Box::new(move |_| {
            let mut out = bytes::BytesMut::new();
            SaslHandshakeResponse::default()
                .with_error_code(error_code)
                .with_mechanisms(vec![StrBytes::from_static_str("SCRAM-SHA-512")])
                .encode(&mut out, 1)
                .unwrap();
            out
        })
    }

    /// SaslAuthenticate answered with `reply(our bytes)`, or refused with `error`.
    fn authenticate(
        error: Option<&'static str>,
        reply: impl FnOnce(&[u8]) -> Vec<u8> + Send + 'static,
    ) -> fake::Answer {
        Box::new(move |mut req| {
            let ours = SaslAuthenticateRequest::decode(&mut req, 1)
                .unwrap()
                .auth_bytes;
            let mut out = bytes::BytesMut::new();
            SaslAuthenticateResponse::default()
                .with_error_code(if error.is_some() { 58 } else { 0 })
                .with_error_message(error.map(StrBytes::from_static_str))
                .with_auth_bytes(Bytes::from(reply(&ours)))
                .encode(&mut out, 1)
                .unwrap();
            out
        })
    }

    async fn open(port: i32, security: &Security) -> Result<Connection, String> {
        let wait = std::time::Duration::from_secs(5);
        tokio::time::timeout(wait, Connection::open("127.0.0.1", port, security))
            .await
            .expect("the login ended on its own")
    }

    #[tokio::test]
    async fn a_refused_login_says_the_brokers_words() {
        let port = fake::broker(vec![
            handshake(0),
            authenticate(
                Some("Authentication failed: Invalid username or password"),
                |_| vec![],
            ),
        ])
        .await;
        let err = open(port, &login(Mechanism::Plain)).await.err().unwrap();
        assert_eq!(
            err,
            "authentication failed: Authentication failed: Invalid username or password"
        );
    }

    #[tokio::test]
    async fn a_mechanism_the_broker_does_not_enable_is_named() {
        let port = fake::broker(vec![handshake(33)]).await;
        let err = open(port, &login(Mechanism::ScramSha256))
            .await
            .err()
            .unwrap();
        assert!(
            err.contains("does not enable SASL SCRAM-SHA-256 here (it offers SCRAM-SHA-512)"),
            "{err}"
        );
    }

    /// A hostile broker asks for 4 billion PBKDF2 rounds (minutes of a core) or answers a
    /// nonce that is not ours: both refused at once, before any hashing.
    #[tokio::test]
    async fn hostile_scram_challenges_are_refused_before_any_work() {
        let nonce_of = |first: &[u8]| attribute(first, "r").unwrap();
        for (challenge, want) in [
            (
                (|r: String| format!("r={r}xyz,s=c2FsdA==,i=4000000000")) as fn(String) -> String,
                "asked for 4000000000 SCRAM iterations",
            ),
            (
                |_| "r=notours,s=c2FsdA==,i=4096".to_string(),
                "does not carry our nonce",
            ),
            (
                |r| format!("r={r}xyz,s=c2FsdA==,i=many"),
                "an unreadable number of",
            ),
        ] {
            let port = fake::broker(vec![
                handshake(0),
                authenticate(None, move |ours| challenge(nonce_of(ours)).into_bytes()),
            ])
            .await;
            let started = std::time::Instant::now();
            let err = open(port, &login(Mechanism::ScramSha512))
                .await
                .err()
                .unwrap();
            assert!(err.contains(want), "{err}");
            assert!(started.elapsed() < std::time::Duration::from_secs(4));
        }
    }
}
