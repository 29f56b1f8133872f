//! A client for the Confluent-compatible schema-registry REST API (Confluent Schema Registry,
//! Apicurio's `ccompat` API, Karapace, Redpanda): schemas by id, subjects, versions,
//! compatibility, and looking a schema up under a subject. Schemas by id are fetched once and
//! cached (bounded); a failure is cached for a short while so that a missing id costs one
//! request, not one per record.
//!
//! The password is only ever put in the `Authorization` header: it is not in `Debug`, errors
//! or logs (credentials written in the URL are moved out of it the same way).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::{StatusCode, Url};
use serde::{Deserialize, Serialize};

use super::cache::Cache;

/// How to reach a registry.
#[derive(Clone)]
pub struct RegistryConfig {
    /// Base URL, e.g. `http://localhost:8081` or `http://host:8080/apis/ccompat/v7`.
    pub url: String,
    pub username: Option<String>,
    pub password: Option<String>,
    pub connect_timeout: Duration,
    /// For a whole request, answer included.
    pub timeout: Duration,
    /// Schemas kept by id.
    pub cache_capacity: usize,
    /// How long a failed fetch is remembered before it is tried again.
    pub failure_ttl: Duration,
}

impl RegistryConfig {
    pub fn new(url: impl Into<String>) -> Self {
        RegistryConfig {
            url: url.into(),
            username: None,
            password: None,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(15),
            cache_capacity: 1000,
            failure_ttl: Duration::from_secs(10),
        }
    }
}

impl std::fmt::Debug for RegistryConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryConfig")
            .field("url", &redact_url(&self.url))
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

fn redact_url(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        Err(_) => "<not a URL>".into(),
    }
}

/// What went wrong talking to the registry. Clone, so that failures can be cached.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    #[error("schema registry URL {url:?} is not valid: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error("schema registry {url} is unreachable: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("schema registry {url} did not answer within {}", humantime::format_duration(*after))]
    Timeout { url: String, after: Duration },
    #[error("{what} is not in the schema registry ({message})")]
    NotFound { what: String, message: String },
    #[error("the schema registry refused the request (HTTP {status}: {message}); check the user and password")]
    Auth { status: u16, message: String },
    #[error("the schema registry answered HTTP {status}: {body}")]
    Http {
        status: u16,
        /// The registry's `error_code` when it sent one (e.g. 42201 for an invalid schema).
        code: Option<i64>,
        /// Its message, or the start of the body.
        body: String,
    },
    #[error("the schema registry's answer for {what} is not what was expected: {reason}")]
    Invalid { what: String, reason: String },
}

/// The kind of a registered schema (`schemaType`; absent means Avro).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SchemaType {
    Avro,
    Protobuf,
    Json,
    Other(String),
}

impl SchemaType {
    fn parse(s: Option<&str>) -> Self {
        match s.map(str::to_ascii_uppercase).as_deref() {
            None | Some("AVRO") | Some("") => SchemaType::Avro,
            Some("PROTOBUF") => SchemaType::Protobuf,
            Some("JSON") => SchemaType::Json,
            Some(_) => SchemaType::Other(s.unwrap_or_default().to_string()),
        }
    }

    /// The name the REST API uses.
    pub fn as_str(&self) -> &str {
        match self {
            SchemaType::Avro => "AVRO",
            SchemaType::Protobuf => "PROTOBUF",
            SchemaType::Json => "JSON",
            SchemaType::Other(s) => s,
        }
    }
}

impl std::fmt::Display for SchemaType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SchemaType::Avro => "Avro",
            SchemaType::Protobuf => "Protobuf",
            SchemaType::Json => "JSON Schema",
            SchemaType::Other(s) => s,
        })
    }
}

/// A schema's reference to another registered schema (an import, a named type).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// The name the schema uses for it (a `.proto` import path, an Avro type name, a `$ref`).
    pub name: String,
    pub subject: String,
    pub version: i32,
}

/// A schema as registered: what `GET /schemas/ids/{id}` answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredSchema {
    pub id: u32,
    pub schema_type: SchemaType,
    /// The schema text: Avro JSON, JSON Schema, `.proto` source, or (as Apicurio keeps what
    /// confluent-kafka's Python serializer registers) a base64 `FileDescriptorProto`.
    pub schema: String,
    pub references: Vec<Reference>,
}

/// A subject and version that hold a schema.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SubjectVersionRef {
    pub subject: String,
    pub version: u32,
}

/// One version of a subject: `GET /subjects/{s}/versions/{v}` or a lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectVersion {
    pub subject: String,
    pub version: u32,
    pub schema: RegisteredSchema,
}

/// Which version of a subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Latest,
    Number(u32),
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Version::Latest => f.write_str("latest"),
            Version::Number(n) => write!(f, "{n}"),
        }
    }
}

impl std::str::FromStr for Version {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "latest" | "" | "-1" => Ok(Version::Latest),
            n => n
                .parse()
                .map(Version::Number)
                .map_err(|_| format!("{n:?} is not a version (a number or \"latest\")")),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SchemaBody {
    schema: String,
    schema_type: Option<String>,
    #[serde(default)]
    references: Option<Vec<Reference>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VersionBody {
    subject: String,
    version: u32,
    id: u32,
    schema: String,
    schema_type: Option<String>,
    #[serde(default)]
    references: Option<Vec<Reference>>,
}

impl VersionBody {
    fn into_version(self) -> SubjectVersion {
        SubjectVersion {
            subject: self.subject,
            version: self.version,
            schema: RegisteredSchema {
                id: self.id,
                schema_type: SchemaType::parse(self.schema_type.as_deref()),
                schema: self.schema,
                references: self.references.unwrap_or_default(),
            },
        }
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    error_code: Option<i64>,
    message: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConfigBody {
    compatibility_level: Option<String>,
    compatibility: Option<String>,
}

type SchemaResult = Result<Arc<RegisteredSchema>, RegistryError>;

/// The registry client. Cheap to share (`Arc` it); every method is safe to call concurrently,
/// and concurrent fetches of one schema id make one request.
pub struct RegistryClient {
    base: Url,
    /// The URL without credentials, for messages.
    shown: String,
    auth: Option<(String, String)>,
    http: reqwest::Client,
    timeout: Duration,
    by_id: Mutex<Cache<u32, Arc<RegisteredSchema>, RegistryError>>,
    subjects_of: Mutex<Cache<u32, Arc<Vec<SubjectVersionRef>>, RegistryError>>,
    versions: Mutex<Cache<(String, u32), Arc<SubjectVersion>, RegistryError>>,
    inflight: Mutex<HashMap<u32, Arc<tokio::sync::Mutex<()>>>>,
}

impl std::fmt::Debug for RegistryClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryClient")
            .field("url", &self.shown)
            .field("user", &self.auth.as_ref().map(|a| &a.0))
            .finish_non_exhaustive()
    }
}

impl RegistryClient {
    pub fn new(config: RegistryConfig) -> Result<Self, RegistryError> {
        let invalid = |reason: String| RegistryError::InvalidUrl {
            url: redact_url(&config.url),
            reason,
        };
        let mut base = Url::parse(config.url.trim()).map_err(|e| invalid(e.to_string()))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(invalid("only http:// and https:// are supported".into()));
        }
        if base.cannot_be_a_base() || base.host().is_none() {
            return Err(invalid("it has no host".into()));
        }
        // user:password@ in the URL: used as basic auth (unless given apart), never shown.
        let url_user = (!base.username().is_empty()).then(|| {
            (
                decode_userinfo(base.username()),
                base.password().map(decode_userinfo),
            )
        });
        let _ = base.set_username("");
        let _ = base.set_password(None);
        base.set_query(None);
        base.set_fragment(None);
        let auth = match (config.username, url_user) {
            (Some(u), _) => Some((u, config.password.unwrap_or_default())),
            (None, Some((u, p))) => Some((u, config.password.or(p).unwrap_or_default())),
            (None, None) => None,
        };
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .user_agent(concat!("kafka-tui/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| invalid(error_chain(&e.without_url())))?;
        let shown = base.as_str().trim_end_matches('/').to_string();
        let (n, ttl) = (config.cache_capacity, config.failure_ttl);
        Ok(RegistryClient {
            base,
            shown,
            auth,
            http,
            timeout: config.timeout,
            by_id: Mutex::new(Cache::new(n, ttl)),
            subjects_of: Mutex::new(Cache::new(n, ttl)),
            versions: Mutex::new(Cache::new(n, ttl)),
            inflight: Mutex::new(HashMap::new()),
        })
    }

    /// The base URL, without credentials.
    pub fn url(&self) -> &str {
        &self.shown
    }

    /// The schema with this id: from the cache, or fetched once (`GET /schemas/ids/{id}`).
    pub async fn schema(&self, id: u32) -> SchemaResult {
        if let Some(r) = self.by_id.lock().unwrap().get(&id) {
            return r;
        }
        let gate = self.inflight.lock().unwrap().entry(id).or_default().clone();
        let _held = gate.lock().await;
        // Another task may have fetched it while this one waited.
        if let Some(r) = self.by_id.lock().unwrap().get(&id) {
            return r;
        }
        let r = self
            .get::<SchemaBody>(&["schemas", "ids", &id.to_string()], || {
                format!("schema id {id}")
            })
            .await
            .map(|b| {
                Arc::new(RegisteredSchema {
                    id,
                    schema_type: SchemaType::parse(b.schema_type.as_deref()),
                    schema: b.schema,
                    references: b.references.unwrap_or_default(),
                })
            });
        if let Err(e) = &r {
            tracing::warn!(id, error = %e, "schema registry: schema by id");
        }
        self.by_id.lock().unwrap().insert(id, r.clone());
        self.inflight.lock().unwrap().remove(&id);
        r
    }

    /// The schema with this id if it is cached (`None`: not fetched yet, or a failure expired).
    pub fn cached_schema(&self, id: u32) -> Option<SchemaResult> {
        self.by_id.lock().unwrap().get(&id)
    }

    /// The subjects and versions that hold schema `id` (`GET /schemas/ids/{id}/versions`),
    /// cached like the schema.
    pub async fn subjects_of(&self, id: u32) -> Result<Arc<Vec<SubjectVersionRef>>, RegistryError> {
        if let Some(r) = self.subjects_of.lock().unwrap().get(&id) {
            return r;
        }
        let r = self
            .get::<Vec<SubjectVersionRef>>(&["schemas", "ids", &id.to_string(), "versions"], || {
                format!("schema id {id}")
            })
            .await
            .map(Arc::new);
        self.subjects_of.lock().unwrap().insert(id, r.clone());
        r
    }

    /// The cached answer of [`Self::subjects_of`], if any.
    pub fn cached_subjects_of(
        &self,
        id: u32,
    ) -> Option<Result<Arc<Vec<SubjectVersionRef>>, RegistryError>> {
        self.subjects_of.lock().unwrap().get(&id)
    }

    /// All subjects (`GET /subjects`).
    pub async fn subjects(&self) -> Result<Vec<String>, RegistryError> {
        self.get(&["subjects"], || "the subject list".into()).await
    }

    /// The versions of a subject (`GET /subjects/{s}/versions`).
    pub async fn versions(&self, subject: &str) -> Result<Vec<u32>, RegistryError> {
        self.get(&["subjects", subject, "versions"], || {
            format!("subject {subject:?}")
        })
        .await
    }

    /// One version of a subject (`GET /subjects/{s}/versions/{v|latest}`). Numbered versions
    /// are cached (they never change); `latest` is asked every time.
    pub async fn version(
        &self,
        subject: &str,
        version: Version,
    ) -> Result<Arc<SubjectVersion>, RegistryError> {
        let key = match version {
            Version::Number(n) => Some((subject.to_string(), n)),
            Version::Latest => None,
        };
        if let Some(r) = key
            .as_ref()
            .and_then(|k| self.versions.lock().unwrap().get(k))
        {
            return r;
        }
        let v = version.to_string();
        let r = self
            .get::<VersionBody>(&["subjects", subject, "versions", &v], || {
                format!("version {v} of subject {subject:?}")
            })
            .await
            .map(|b| Arc::new(b.into_version()));
        if let Ok(sv) = &r {
            let mut by_id = self.by_id.lock().unwrap();
            if by_id.get(&sv.schema.id).is_none() {
                by_id.insert(sv.schema.id, Ok(Arc::new(sv.schema.clone())));
            }
        }
        if let Some(k) = key {
            self.versions.lock().unwrap().insert(k, r.clone());
        }
        r
    }

    /// The compatibility level of a subject, or the global one with `None`
    /// (`GET /config[/{subject}]`). A subject without its own level answers `Ok(None)`.
    pub async fn compatibility(
        &self,
        subject: Option<&str>,
    ) -> Result<Option<String>, RegistryError> {
        let r = match subject {
            Some(s) => {
                self.get::<ConfigBody>(&["config", s], || format!("the config of subject {s:?}"))
                    .await
            }
            None => {
                self.get::<ConfigBody>(&["config"], || "the global config".into())
                    .await
            }
        };
        match r {
            Ok(b) => Ok(b.compatibility_level.or(b.compatibility)),
            Err(RegistryError::NotFound { .. }) if subject.is_some() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Whether `schema` is registered under `subject`, and as which version and id
    /// (`POST /subjects/{s}`).
    pub async fn lookup(
        &self,
        subject: &str,
        schema_type: &SchemaType,
        schema: &str,
        references: &[Reference],
    ) -> Result<SubjectVersion, RegistryError> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {
            schema: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            schema_type: Option<&'a str>,
            #[serde(skip_serializing_if = "<[Reference]>::is_empty")]
            references: &'a [Reference],
        }
        let body = Body {
            schema,
            schema_type: (*schema_type != SchemaType::Avro).then(|| schema_type.as_str()),
            references,
        };
        let url = self.url_for(&["subjects", subject])?;
        let req = self.http.post(url).json(&body);
        let b: VersionBody = self
            .send(req, &|| format!("that schema under subject {subject:?}"))
            .await?;
        Ok(b.into_version())
    }

    fn url_for(&self, segments: &[&str]) -> Result<Url, RegistryError> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|_| RegistryError::InvalidUrl {
                url: self.shown.clone(),
                reason: "it cannot have a path".into(),
            })?
            .pop_if_empty()
            .extend(segments);
        Ok(url)
    }

    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        segments: &[&str],
        what: impl Fn() -> String + Sync,
    ) -> Result<T, RegistryError> {
        let url = self.url_for(segments)?;
        self.send(self.http.get(url), &what).await
    }

    async fn send<T: serde::de::DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
        what: &(dyn Fn() -> String + Sync),
    ) -> Result<T, RegistryError> {
        let mut req = req.header(
            reqwest::header::ACCEPT,
            "application/vnd.schemaregistry.v1+json, application/json",
        );
        if let Some((user, password)) = &self.auth {
            req = req.basic_auth(user, Some(password));
        }
        let resp = req.send().await.map_err(|e| self.transport(e))?;
        let status = resp.status();
        let body = resp.bytes().await.map_err(|e| self.transport(e))?;
        tracing::debug!(status = status.as_u16(), what = %what(), "schema registry");
        if status.is_success() {
            return serde_json::from_slice(&body).map_err(|e| RegistryError::Invalid {
                what: what(),
                reason: format!("{e}: {}", excerpt(&body)),
            });
        }
        let parsed: Option<ErrorBody> = serde_json::from_slice(&body).ok();
        let code = parsed.as_ref().and_then(|b| b.error_code);
        let message = parsed
            .and_then(|b| b.message)
            .map(|m| excerpt(m.as_bytes()))
            .unwrap_or_else(|| excerpt(&body));
        Err(match status {
            StatusCode::NOT_FOUND => RegistryError::NotFound {
                what: what(),
                message,
            },
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => RegistryError::Auth {
                status: status.as_u16(),
                message,
            },
            _ => RegistryError::Http {
                status: status.as_u16(),
                code,
                body: message,
            },
        })
    }

    fn transport(&self, e: reqwest::Error) -> RegistryError {
        let url = self.shown.clone();
        if e.is_timeout() {
            RegistryError::Timeout {
                url,
                after: self.timeout,
            }
        } else {
            RegistryError::Unreachable {
                url,
                reason: error_chain(&e.without_url()),
            }
        }
    }
}

/// An error and its causes, `a: b: c`, without repeats.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let t = c.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        cur = c.source();
    }
    s
}

/// The start of a body, as text, for a message.
fn excerpt(body: &[u8]) -> String {
    const MAX: usize = 300;
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    match text.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

fn decode_userinfo(s: &str) -> String {
    // Percent-decoding by hand: %XX sequences only, as URL userinfo is written.
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_never_show() {
        let mut c = RegistryConfig::new("https://ann:s3cr%40t@reg.example:8081/base/");
        c.password = None;
        assert!(!format!("{c:?}").contains("s3cr"), "{c:?}");
        let client = RegistryClient::new(c).unwrap();
        assert_eq!(client.url(), "https://reg.example:8081/base");
        assert_eq!(
            client.auth,
            Some(("ann".to_string(), "s3cr@t".to_string())),
            "credentials in the URL become basic auth"
        );
        assert!(!format!("{client:?}").contains("s3cr"));
        let mut c = RegistryConfig::new("http://reg:8081");
        c.username = Some("bob".into());
        c.password = Some("hunter2".into());
        assert!(!format!("{c:?}").contains("hunter2"));
    }

    #[test]
    fn bad_urls_are_typed_errors() {
        for url in ["", "reg:8081", "ftp://reg", "http://", "not a url"] {
            let e = RegistryClient::new(RegistryConfig::new(url)).unwrap_err();
            assert!(matches!(e, RegistryError::InvalidUrl { .. }), "{url}: {e}");
        }
        let e = RegistryClient::new(RegistryConfig::new("ftp://u:pw@reg")).unwrap_err();
        assert!(!e.to_string().contains("pw"), "{e}");
    }

    #[test]
    fn paths_are_escaped_segments() {
        let client =
            RegistryClient::new(RegistryConfig::new("http://reg/apis/ccompat/v7")).unwrap();
        let u = client
            .url_for(&["subjects", "a/b c", "versions", "latest"])
            .unwrap();
        assert_eq!(
            u.as_str(),
            "http://reg/apis/ccompat/v7/subjects/a%2Fb%20c/versions/latest"
        );
    }

    #[test]
    fn schema_types_and_versions_parse() {
        assert_eq!(SchemaType::parse(None), SchemaType::Avro);
        assert_eq!(SchemaType::parse(Some("protobuf")), SchemaType::Protobuf);
        assert_eq!(
            SchemaType::parse(Some("XML")),
            SchemaType::Other("XML".into())
        );
        assert_eq!("latest".parse::<Version>(), Ok(Version::Latest));
        assert_eq!("3".parse::<Version>(), Ok(Version::Number(3)));
        assert!("x".parse::<Version>().is_err());
    }

    #[test]
    fn excerpts_are_bounded() {
        assert_eq!(excerpt(b"  short \n"), "short");
        let long = "é".repeat(1000);
        assert_eq!(excerpt(long.as_bytes()).chars().count(), 301);
    }
}
