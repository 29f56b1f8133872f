//! One Connect cluster's REST API, through any of its workers (each worker forwards what only
//! the leader can do). Async on tokio; every request has a connect timeout and a total timeout
//! that includes reading the body, so a worker that is down or hangs ends in an error, never a
//! wait without end.

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, Instant};

use reqwest::{Method, Url};
use serde::de::DeserializeOwned;

use super::error::{one_line, ConnectError};
use super::types::{
    parse_expanded, parse_topics, parse_validation, validate_name, Connector, ConnectorInfo,
    ConnectorSpec, ConnectorStatus, Plugin, Validation, WorkerInfo,
};

/// The largest answer read from a worker: a list of thousands of connectors with their stack
/// traces fits; a hostile or broken endpoint streaming without end does not fill the memory.
const BODY_CAP: usize = 32 << 20;

/// Basic-auth credentials for a worker with `BasicAuthSecurityRestExtension`. The password is
/// never shown: `Debug` masks it and no error or log line includes it.
#[derive(Clone, PartialEq, Eq)]
pub struct BasicAuth {
    pub user: String,
    pub password: String,
}

impl fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicAuth")
            .field("user", &self.user)
            .field("password", &"********")
            .finish()
    }
}

/// Timeouts of every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectOptions {
    /// To open the TCP (and TLS) connection.
    pub connect_timeout: Duration,
    /// From the start of the request to the last byte of the answer.
    pub request_timeout: Duration,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            connect_timeout: Duration::from_secs(3),
            request_timeout: Duration::from_secs(10),
        }
    }
}

/// Which restart: the connector alone, with its tasks, or only what FAILED (KIP-745).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RestartOptions {
    pub include_tasks: bool,
    pub only_failed: bool,
}

impl RestartOptions {
    /// `?includeTasks=true&onlyFailed=true`: the connector and its tasks, those that FAILED.
    pub fn only_failed() -> Self {
        RestartOptions {
            include_tasks: true,
            only_failed: true,
        }
    }
}

/// A client for one Connect cluster at one URL. Cheap to clone (the HTTP pool is shared).
#[derive(Clone)]
pub struct ConnectClient {
    /// Without user info; the path ends where the REST API's root is.
    base: Url,
    /// `base` as shown in messages.
    shown: String,
    pub(super) auth: Option<BasicAuth>,
    options: ConnectOptions,
    http: reqwest::Client,
}

impl fmt::Debug for ConnectClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectClient")
            .field("url", &self.shown)
            .field("auth", &self.auth)
            .field("options", &self.options)
            .finish()
    }
}

impl ConnectClient {
    /// A client for the worker at `url` (`http://host:8083`, `https://…/connect`, or
    /// `host:port` for plain HTTP). Credentials in the URL (`http://user:pw@host`) are taken
    /// out of it and used as basic auth unless `auth` is given.
    pub fn new(
        url: &str,
        auth: Option<BasicAuth>,
        options: ConnectOptions,
    ) -> Result<ConnectClient, ConnectError> {
        let mut base = parse_url(url)?;
        let from_url = (!base.username().is_empty()).then(|| BasicAuth {
            user: percent_decode(base.username()),
            password: base.password().map(percent_decode).unwrap_or_default(),
        });
        // Cannot fail: parse_url only accepts http(s) URLs, which have a host.
        let _ = base.set_username("");
        let _ = base.set_password(None);
        base.set_query(None);
        base.set_fragment(None);
        let shown = base.as_str().trim_end_matches('/').to_string();
        let http = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.request_timeout)
            // A redirect could carry the credentials elsewhere; Connect never redirects.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("kafka-tui/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ConnectError::Invalid(format!("HTTP client: {}", root_cause(&e))))?;
        Ok(ConnectClient {
            base,
            shown,
            auth: auth.or(from_url),
            options,
            http,
        })
    }

    /// The worker's URL, without credentials.
    pub fn url(&self) -> &str {
        &self.shown
    }

    pub fn options(&self) -> ConnectOptions {
        self.options
    }

    /// `GET /`: version, commit and the Kafka cluster the worker is on.
    pub async fn worker_info(&self) -> Result<WorkerInfo, ConnectError> {
        self.get_json(&[], &[]).await
    }

    /// Every connector with its state, worker, tasks (with traces) and config, in one request
    /// (`GET /connectors?expand=status&expand=info`), sorted by name. `topics` is `None`.
    pub async fn connectors(&self) -> Result<Vec<Connector>, ConnectError> {
        let body = self
            .call(
                Method::GET,
                &["connectors"],
                &[("expand", "status"), ("expand", "info")],
                None,
            )
            .await?;
        parse_expanded(&body).map_err(|reason| self.decode(reason))
    }

    /// `connectors()` and then each one's topics, asked all at once. A connector whose topics
    /// cannot be had keeps `topics: None` (the list is still worth showing).
    pub async fn connectors_with_topics(&self) -> Result<Vec<Connector>, ConnectError> {
        let mut list = self.connectors().await?;
        let topics = futures::future::join_all(list.iter().map(|c| self.topics(&c.name))).await;
        for (c, t) in list.iter_mut().zip(topics) {
            match t {
                Ok(t) => c.topics = Some(t),
                Err(e) => tracing::debug!(connector = %c.name, "topics: {e}"),
            }
        }
        Ok(list)
    }

    /// `GET /connectors`: the names only.
    pub async fn connector_names(&self) -> Result<Vec<String>, ConnectError> {
        self.get_json(&["connectors"], &[]).await
    }

    /// `GET /connectors/{c}/status`.
    pub async fn status(&self, name: &str) -> Result<ConnectorStatus, ConnectError> {
        validate_name(name)?;
        self.get_json(&["connectors", name, "status"], &[]).await
    }

    /// `GET /connectors/{c}`: config, task ids and type.
    pub async fn info(&self, name: &str) -> Result<ConnectorInfo, ConnectError> {
        validate_name(name)?;
        self.get_json(&["connectors", name], &[]).await
    }

    /// `GET /connectors/{c}/config`.
    pub async fn config(&self, name: &str) -> Result<BTreeMap<String, String>, ConnectError> {
        validate_name(name)?;
        self.get_json(&["connectors", name, "config"], &[]).await
    }

    /// `GET /connectors/{c}/topics`: the topics the connector has used since it was created
    /// or its topics were last reset (KIP-558).
    pub async fn topics(&self, name: &str) -> Result<Vec<String>, ConnectError> {
        validate_name(name)?;
        let body = self
            .call(Method::GET, &["connectors", name, "topics"], &[], None)
            .await?;
        parse_topics(name, &body).map_err(|reason| self.decode(reason))
    }

    /// `PUT /connectors/{c}/pause`.
    pub async fn pause(&self, name: &str) -> Result<(), ConnectError> {
        validate_name(name)?;
        self.call(Method::PUT, &["connectors", name, "pause"], &[], None)
            .await
            .map(drop)
    }

    /// `PUT /connectors/{c}/resume`.
    pub async fn resume(&self, name: &str) -> Result<(), ConnectError> {
        validate_name(name)?;
        self.call(Method::PUT, &["connectors", name, "resume"], &[], None)
            .await
            .map(drop)
    }

    /// `PUT /connectors/{c}/stop` (Kafka 3.5+): tasks shut down, config kept.
    /// `Unsupported` from an older worker.
    pub async fn stop(&self, name: &str) -> Result<(), ConnectError> {
        validate_name(name)?;
        match self
            .call(Method::PUT, &["connectors", name, "stop"], &[], None)
            .await
        {
            // Jersey's own 404/405 (no such endpoint), not Connect's "Connector x not found".
            Err(ConnectError::NotFound { message }) if message.starts_with("HTTP 404") => {
                Err(ConnectError::Unsupported {
                    what: "stopping connectors (Kafka 3.5+); pause instead".into(),
                })
            }
            Err(ConnectError::Http { status: 405, .. }) => Err(ConnectError::Unsupported {
                what: "stopping connectors (Kafka 3.5+); pause instead".into(),
            }),
            other => other.map(drop),
        }
    }

    /// `POST /connectors/{c}/restart`. With tasks or only-failed, the worker answers with the
    /// status it is restarting to (tasks RESTARTING); a plain restart answers nothing.
    pub async fn restart(
        &self,
        name: &str,
        how: RestartOptions,
    ) -> Result<Option<ConnectorStatus>, ConnectError> {
        validate_name(name)?;
        let mut query = Vec::new();
        if how.include_tasks {
            query.push(("includeTasks", "true"));
        }
        if how.only_failed {
            query.push(("onlyFailed", "true"));
        }
        let body = self
            .call(Method::POST, &["connectors", name, "restart"], &query, None)
            .await?;
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        serde_json::from_slice(&body)
            .map(Some)
            .map_err(|e| self.decode(e.to_string()))
    }

    /// `POST /connectors/{c}/tasks/{t}/restart`.
    pub async fn restart_task(&self, name: &str, task: u32) -> Result<(), ConnectError> {
        validate_name(name)?;
        let t = task.to_string();
        self.call(
            Method::POST,
            &["connectors", name, "tasks", &t, "restart"],
            &[],
            None,
        )
        .await
        .map(drop)
    }

    /// `DELETE /connectors/{c}`.
    pub async fn delete(&self, name: &str) -> Result<(), ConnectError> {
        validate_name(name)?;
        self.call(Method::DELETE, &["connectors", name], &[], None)
            .await
            .map(drop)
    }

    /// `POST /connectors`. `Conflict` if the name is taken; `BadRequest` with the worker's
    /// list of errors if the config is invalid (`validate` gives them per field).
    pub async fn create(&self, spec: &ConnectorSpec) -> Result<ConnectorInfo, ConnectError> {
        validate_name(&spec.name)?;
        let body = serde_json::json!({ "name": spec.name, "config": spec.config });
        let answer = self
            .call(Method::POST, &["connectors"], &[], Some(body))
            .await?;
        self.parse(&answer)
    }

    /// `PUT /connectors/{c}/config`: replaces the config, or creates the connector. Returns
    /// the connector and whether it was created.
    pub async fn update(
        &self,
        name: &str,
        config: &BTreeMap<String, String>,
    ) -> Result<(ConnectorInfo, bool), ConnectError> {
        validate_name(name)?;
        let (status, answer) = self
            .call_status(
                Method::PUT,
                &["connectors", name, "config"],
                &[],
                Some(serde_json::to_value(config).unwrap_or_default()),
            )
            .await?;
        Ok((self.parse(&answer)?, status == 201))
    }

    /// `PUT /connector-plugins/{class}/config/validate`: the worker's verdict on a config,
    /// field by field. `class` defaults to the config's `connector.class` when empty; the
    /// config gets `connector.class` if it lacks it (the worker requires it).
    pub async fn validate(
        &self,
        class: &str,
        config: &BTreeMap<String, String>,
    ) -> Result<Validation, ConnectError> {
        let class = match (class.trim(), config.get("connector.class")) {
            ("", Some(c)) => c.trim().to_string(),
            (c, _) => c.to_string(),
        };
        if class.is_empty() {
            return Err(ConnectError::Invalid(
                "validate needs a connector class (\"connector.class\")".into(),
            ));
        }
        let mut config = config.clone();
        config
            .entry("connector.class".into())
            .or_insert_with(|| class.clone());
        let answer = self
            .call(
                Method::PUT,
                &["connector-plugins", &class, "config", "validate"],
                &[],
                Some(serde_json::to_value(&config).unwrap_or_default()),
            )
            .await?;
        parse_validation(&answer).map_err(|reason| self.decode(reason))
    }

    /// `GET /connector-plugins`: connector classes only, or (`connectors_only = false`) the
    /// converters, transformations and predicates too.
    pub async fn plugins(&self, connectors_only: bool) -> Result<Vec<Plugin>, ConnectError> {
        let query: &[(&str, &str)] = if connectors_only {
            &[]
        } else {
            &[("connectorsOnly", "false")]
        };
        self.get_json(&["connector-plugins"], query).await
    }

    // ---- plumbing ---------------------------------------------------------------------------

    async fn get_json<T: DeserializeOwned>(
        &self,
        path: &[&str],
        query: &[(&str, &str)],
    ) -> Result<T, ConnectError> {
        let body = self.call(Method::GET, path, query, None).await?;
        self.parse(&body)
    }

    fn parse<T: DeserializeOwned>(&self, body: &[u8]) -> Result<T, ConnectError> {
        serde_json::from_slice(body).map_err(|e| self.decode(e.to_string()))
    }

    fn decode(&self, reason: String) -> ConnectError {
        ConnectError::Decode {
            url: self.shown.clone(),
            reason: one_line(&reason, 200),
        }
    }

    async fn call(
        &self,
        method: Method,
        path: &[&str],
        query: &[(&str, &str)],
        body: Option<serde_json::Value>,
    ) -> Result<Vec<u8>, ConnectError> {
        self.call_status(method, path, query, body)
            .await
            .map(|(_, b)| b)
    }

    /// Sends one request and returns the status and body of a success, or the typed error.
    async fn call_status(
        &self,
        method: Method,
        path: &[&str],
        query: &[(&str, &str)],
        body: Option<serde_json::Value>,
    ) -> Result<(u16, Vec<u8>), ConnectError> {
        let url = self.url_for(path, query)?;
        let started = Instant::now();
        // reqwest's total timeout covers connect, headers and body; this outer one is a
        // guarantee that no await here outlives it, whatever happens inside.
        let guard = self.options.request_timeout + Duration::from_secs(1);
        let result = tokio::time::timeout(guard, self.send(method.clone(), url, body)).await;
        let result = match result {
            Ok(r) => r,
            Err(_) => Err(ConnectError::Timeout {
                url: self.shown.clone(),
                after: self.options.request_timeout,
            }),
        };
        let path_shown = path.join("/");
        match &result {
            Ok((status, b)) => tracing::debug!(
                worker = %self.shown, %method, path = %path_shown, status, bytes = b.len(),
                ms = started.elapsed().as_millis() as u64, "connect request"
            ),
            Err(e) => tracing::debug!(
                worker = %self.shown, %method, path = %path_shown,
                ms = started.elapsed().as_millis() as u64, "connect request failed: {e}"
            ),
        }
        result
    }

    async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<serde_json::Value>,
    ) -> Result<(u16, Vec<u8>), ConnectError> {
        let mut req = self
            .http
            .request(method, url)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(a) = &self.auth {
            req = req.basic_auth(&a.user, Some(&a.password));
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let mut resp = req.send().await.map_err(|e| self.transport(&e))?;
        let status = resp.status().as_u16();
        if resp.content_length().is_some_and(|n| n > BODY_CAP as u64) {
            return Err(self.too_large());
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.transport(&e))? {
            if bytes.len() + chunk.len() > BODY_CAP {
                return Err(self.too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        if (200..300).contains(&status) {
            Ok((status, bytes))
        } else {
            Err(ConnectError::from_status(&self.shown, status, &bytes))
        }
    }

    fn too_large(&self) -> ConnectError {
        self.decode(format!("the answer is larger than {} MiB", BODY_CAP >> 20))
    }

    pub(super) fn url_for(
        &self,
        path: &[&str],
        query: &[(&str, &str)],
    ) -> Result<Url, ConnectError> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|()| ConnectError::Invalid(format!("{} cannot be a base URL", self.shown)))?
            .pop_if_empty()
            // Each segment is percent-encoded: a name with `/`, `?` or `#` stays one segment.
            .extend(path);
        if !query.is_empty() {
            let mut q = url.query_pairs_mut();
            for (k, v) in query {
                q.append_pair(k, v);
            }
        }
        Ok(url)
    }

    /// A transport failure as the error a person can act on. The reason is the innermost
    /// cause (`Connection refused`), which never holds the URL's credentials (there are none
    /// in it) nor the Authorization header.
    fn transport(&self, e: &reqwest::Error) -> ConnectError {
        let url = self.shown.clone();
        if e.is_timeout() {
            let after = if e.is_connect() {
                self.options.connect_timeout
            } else {
                self.options.request_timeout
            };
            ConnectError::Timeout { url, after }
        } else if e.is_builder() {
            ConnectError::Invalid(root_cause(e))
        } else if e.is_connect() {
            ConnectError::Unreachable {
                url,
                reason: root_cause(e),
            }
        } else {
            ConnectError::Unreachable {
                url,
                reason: format!("connection lost: {}", root_cause(e)),
            }
        }
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut inner = e;
    while let Some(next) = inner.source() {
        inner = next;
    }
    one_line(&inner.to_string(), 200)
}

fn parse_url(text: &str) -> Result<Url, ConnectError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ConnectError::Invalid("the Connect URL is empty".into()));
    }
    let with_scheme = if text.contains("://") {
        text.to_string()
    } else {
        format!("http://{text}")
    };
    let url = Url::parse(&with_scheme)
        .map_err(|e| ConnectError::Invalid(format!("Connect URL {}: {e}", mask_userinfo(text))))?;
    match url.scheme() {
        "http" | "https" => {}
        other => {
            return Err(ConnectError::Invalid(format!(
                "Connect URL {}: scheme {other:?} is not http or https",
                mask_userinfo(text)
            )))
        }
    }
    if url.host_str().unwrap_or_default().is_empty() {
        return Err(ConnectError::Invalid(format!(
            "Connect URL {} has no host",
            mask_userinfo(text)
        )));
    }
    Ok(url)
}

/// A Connect URL as it may be shown (`kafka-tui config`, messages): credentials in it
/// (`http://user:pw@host`) become `********`.
pub fn mask_url(text: &str) -> String {
    mask_userinfo(text.trim())
}

/// `http://user:pw@host` as `http://********@host`, for messages about a URL that did not
/// parse (so its credentials could not be taken out).
fn mask_userinfo(text: &str) -> String {
    let (scheme, rest) = match text.find("://") {
        Some(i) => text.split_at(i + 3),
        None => ("", text),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}********{}", &rest[at..]),
        None => text.to_string(),
    }
}

fn percent_decode(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
