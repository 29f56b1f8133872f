//! Plain data for everything the Connect view shows, and the parsing of the worker's JSON into
//! it. The wire structs stay private: the REST API has grown fields over the versions (task
//! `version` in 4.x, for one), so unknown fields are ignored and optional ones defaulted.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::error::ConnectError;

/// `GET /`: what the worker says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerInfo {
    pub version: String,
    #[serde(default)]
    pub commit: String,
    #[serde(default)]
    pub kafka_cluster_id: String,
}

impl WorkerInfo {
    /// `PUT /connectors/{c}/stop` exists from Apache Kafka 3.5 (KIP-875). A version that does
    /// not parse is given the benefit of the doubt: the worker will say 404 if it lacks it.
    pub fn supports_stop(&self) -> bool {
        let mut parts = self
            .version
            .split(|c: char| !c.is_ascii_digit())
            .map(|p| p.parse::<u32>().ok());
        match (parts.next().flatten(), parts.next().flatten()) {
            (Some(major), Some(minor)) => (major, minor) >= (3, 5),
            _ => true,
        }
    }
}

/// Source or sink, as the worker reports it (`unknown` when the plugin is missing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnectorType {
    Source,
    Sink,
    #[serde(other)]
    Unknown,
}

impl ConnectorType {
    pub fn as_str(&self) -> &'static str {
        match self {
            ConnectorType::Source => "source",
            ConnectorType::Sink => "sink",
            ConnectorType::Unknown => "unknown",
        }
    }
}

/// The state of a connector or of one of its tasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum State {
    Running,
    Paused,
    /// A connector stopped with `PUT …/stop` (Kafka 3.5+): no tasks, config kept.
    Stopped,
    Failed,
    Unassigned,
    Restarting,
    /// A state this client does not know (a newer worker), kept as sent.
    #[serde(untagged)]
    Other(String),
}

impl State {
    pub fn as_str(&self) -> &str {
        match self {
            State::Running => "RUNNING",
            State::Paused => "PAUSED",
            State::Stopped => "STOPPED",
            State::Failed => "FAILED",
            State::Unassigned => "UNASSIGNED",
            State::Restarting => "RESTARTING",
            State::Other(s) => s,
        }
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One task of a connector: its state, the worker running it, and the stack trace if it failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskStatus {
    pub id: u32,
    pub state: State,
    #[serde(default)]
    pub worker_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<String>,
}

/// `GET /connectors/{c}/status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectorStatus {
    pub name: String,
    pub connector: ConnectorState,
    #[serde(default)]
    pub tasks: Vec<TaskStatus>,
    #[serde(rename = "type", default = "unknown_type")]
    pub kind: ConnectorType,
}

/// The connector's own state (apart from its tasks').
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectorState {
    pub state: State,
    #[serde(default)]
    pub worker_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<String>,
}

fn unknown_type() -> ConnectorType {
    ConnectorType::Unknown
}

/// A connector's id for one task, as `GET /connectors/{c}` and create/update return them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskId {
    pub connector: String,
    pub task: u32,
}

/// `GET /connectors/{c}`, and the answer to create and update: name, config, task ids, type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectorInfo {
    pub name: String,
    #[serde(default)]
    pub config: BTreeMap<String, String>,
    #[serde(default)]
    pub tasks: Vec<TaskId>,
    #[serde(rename = "type", default = "unknown_type")]
    pub kind: ConnectorType,
}

/// One row of the Connect view: a connector with its status and config, from one
/// `GET /connectors?expand=status&expand=info`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connector {
    pub name: String,
    pub kind: ConnectorType,
    /// `connector.class` as configured (an alias like `FileStreamSink` stays an alias).
    pub class: String,
    pub state: State,
    /// The worker running the connector (`host:port`), empty while unassigned.
    pub worker_id: String,
    /// The connector's stack trace when it FAILED.
    pub trace: Option<String>,
    pub tasks: Vec<TaskStatus>,
    pub config: BTreeMap<String, String>,
    /// Topics the connector has used (`GET /connectors/{c}/topics`); `None` until asked, or
    /// when the worker would not say (topic tracking off, or the request failed).
    pub topics: Option<Vec<String>>,
}

impl Connector {
    /// The connector or any task FAILED.
    pub fn has_failure(&self) -> bool {
        self.state == State::Failed || self.tasks.iter().any(|t| t.state == State::Failed)
    }

    /// The traces to show, the connector's first then each failed task's: (label, trace).
    pub fn traces(&self) -> Vec<(String, &str)> {
        let mut out = Vec::new();
        if let Some(t) = &self.trace {
            out.push(("connector".to_string(), t.as_str()));
        }
        for task in &self.tasks {
            if let Some(t) = &task.trace {
                out.push((format!("task {}", task.id), t.as_str()));
            }
        }
        out
    }
}

/// What a connector plugin, converter or transformation is (`GET /connector-plugins`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plugin {
    pub class: String,
    /// `source`, `sink`, `converter`, `header_converter`, `transformation`, `predicate`, ...
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// The worker's answer to `PUT /connector-plugins/{class}/config/validate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validation {
    /// The plugin class validated against.
    pub class: String,
    /// The number of error messages in all fields.
    pub error_count: u32,
    pub groups: Vec<String>,
    pub fields: Vec<FieldValidation>,
}

impl Validation {
    pub fn is_valid(&self) -> bool {
        self.error_count == 0 && self.fields.iter().all(|f| f.errors.is_empty())
    }

    /// Field name -> its error messages, only the fields that have some: what the editor shows
    /// next to each field.
    pub fn errors_by_field(&self) -> BTreeMap<String, Vec<String>> {
        self.fields
            .iter()
            .filter(|f| !f.errors.is_empty())
            .map(|f| (f.name.clone(), f.errors.clone()))
            .collect()
    }
}

/// One config field as the worker validated it: its definition (when the plugin has one) and
/// the value with its errors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldValidation {
    pub name: String,
    pub value: Option<String>,
    pub errors: Vec<String>,
    pub recommended_values: Vec<String>,
    pub visible: bool,
    /// `STRING`, `INT`, `PASSWORD`, ... (empty without a definition).
    pub kind: String,
    pub required: bool,
    pub default_value: Option<String>,
    pub importance: Option<String>,
    pub documentation: Option<String>,
    pub group: Option<String>,
    pub display_name: Option<String>,
}

/// What to create or update: the name and the config (`connector.class` and the rest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectorSpec {
    pub name: String,
    pub config: BTreeMap<String, String>,
}

impl ConnectorSpec {
    /// Reads what a person typed in the editor: either `{"name": N, "config": {...}}` (what
    /// `POST /connectors` takes) or a flat config with a `name` key (what `GET …/config`
    /// returns). Connect config values are strings; numbers and booleans are taken as their
    /// text (Connect's own JSON reader does the same), anything else is refused by field.
    pub fn from_json(text: &str) -> Result<ConnectorSpec, ConnectError> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| ConnectError::Invalid(format!("connector JSON: {e}")))?;
        let serde_json::Value::Object(mut top) = value else {
            return Err(ConnectError::Invalid(
                "connector JSON must be an object: {\"name\": ..., \"config\": {...}}".into(),
            ));
        };
        let nested = match top.remove("config") {
            Some(serde_json::Value::Object(c)) => Some(c),
            Some(_) => {
                return Err(ConnectError::Invalid(
                    "\"config\" must be an object of strings".into(),
                ))
            }
            None => None,
        };
        let outer_name = match top.get("name") {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(ConnectError::Invalid("\"name\" must be a string".into())),
            None => None,
        };
        let raw = match nested {
            Some(c) => {
                if let Some(extra) = top.keys().find(|k| *k != "name") {
                    return Err(ConnectError::Invalid(format!(
                        "unexpected key {extra:?} beside \"name\" and \"config\""
                    )));
                }
                c
            }
            None => top,
        };
        let mut config = BTreeMap::new();
        for (k, v) in raw {
            let s = match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Bool(b) => b.to_string(),
                _ => {
                    return Err(ConnectError::Invalid(format!(
                        "config {k:?} must be a string, number or boolean"
                    )))
                }
            };
            config.insert(k, s);
        }
        let name = match (outer_name, config.get("name")) {
            (Some(outer), Some(inner)) if &outer != inner => {
                return Err(ConnectError::Invalid(format!(
                    "\"name\" is {outer:?} but config \"name\" is {inner:?}"
                )))
            }
            (Some(outer), _) => outer,
            (None, Some(inner)) => inner.clone(),
            (None, None) => {
                return Err(ConnectError::Invalid(
                    "the connector needs a \"name\"".into(),
                ))
            }
        };
        validate_name(&name)?;
        Ok(ConnectorSpec { name, config })
    }

    /// The JSON to put in the editor: `{"name": ..., "config": {...}}`, pretty.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// A connector name the worker could be asked about: not empty, no surrounding white space,
/// no control characters (Connect itself refuses those too).
pub fn validate_name(name: &str) -> Result<(), ConnectError> {
    if name.trim().is_empty() {
        return Err(ConnectError::Invalid("the connector name is empty".into()));
    }
    if name.trim() != name {
        return Err(ConnectError::Invalid(format!(
            "the connector name {name:?} starts or ends with white space"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(ConnectError::Invalid(format!(
            "the connector name {name:?} has control characters"
        )));
    }
    Ok(())
}

// ---- wire formats ---------------------------------------------------------------------------

#[derive(Deserialize)]
struct Expanded {
    status: Option<ConnectorStatus>,
    info: Option<ConnectorInfo>,
}

/// `GET /connectors?expand=status&expand=info`: name -> {status, info}, sorted by name.
pub fn parse_expanded(body: &[u8]) -> Result<Vec<Connector>, String> {
    let map: BTreeMap<String, Expanded> =
        serde_json::from_slice(body).map_err(|e| e.to_string())?;
    Ok(map
        .into_iter()
        .map(|(name, e)| {
            let config = e
                .info
                .as_ref()
                .map(|i| i.config.clone())
                .unwrap_or_default();
            let kind = match (&e.status, &e.info) {
                (Some(s), _) if s.kind != ConnectorType::Unknown => s.kind.clone(),
                (_, Some(i)) => i.kind.clone(),
                _ => ConnectorType::Unknown,
            };
            let (state, worker_id, trace, tasks) = match e.status {
                Some(s) => (
                    s.connector.state,
                    s.connector.worker_id,
                    s.connector.trace,
                    s.tasks,
                ),
                // Created a moment ago and not yet assigned: the worker has no status yet.
                None => (State::Unassigned, String::new(), None, Vec::new()),
            };
            Connector {
                class: config.get("connector.class").cloned().unwrap_or_default(),
                name,
                kind,
                state,
                worker_id,
                trace,
                tasks,
                config,
                topics: None,
            }
        })
        .collect())
}

/// `GET /connectors/{c}/topics`: `{"name": {"topics": [...]}}`.
pub(crate) fn parse_topics(name: &str, body: &[u8]) -> Result<Vec<String>, String> {
    #[derive(Deserialize)]
    struct Topics {
        topics: Vec<String>,
    }
    let map: BTreeMap<String, Topics> = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    map.into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, t)| t.topics)
        .ok_or_else(|| format!("no entry for connector {name:?}"))
}

#[derive(Deserialize)]
struct WireValidation {
    name: String,
    error_count: u32,
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default)]
    configs: Vec<WireConfig>,
}

#[derive(Deserialize)]
struct WireConfig {
    definition: Option<WireDefinition>,
    value: WireValue,
}

#[derive(Deserialize)]
struct WireDefinition {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    required: bool,
    default_value: Option<String>,
    importance: Option<String>,
    documentation: Option<String>,
    group: Option<String>,
    display_name: Option<String>,
}

#[derive(Deserialize)]
struct WireValue {
    name: String,
    value: Option<String>,
    #[serde(default)]
    recommended_values: Vec<String>,
    #[serde(default)]
    errors: Vec<String>,
    #[serde(default = "yes")]
    visible: bool,
}

fn yes() -> bool {
    true
}

pub fn parse_validation(body: &[u8]) -> Result<Validation, String> {
    let w: WireValidation = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    Ok(Validation {
        class: w.name,
        error_count: w.error_count,
        groups: w.groups,
        fields: w
            .configs
            .into_iter()
            .map(|c| {
                let d = c.definition;
                FieldValidation {
                    name: c.value.name,
                    value: c.value.value,
                    errors: c.value.errors,
                    recommended_values: c.value.recommended_values,
                    visible: c.value.visible,
                    kind: d.as_ref().map(|d| d.kind.clone()).unwrap_or_default(),
                    required: d.as_ref().is_some_and(|d| d.required),
                    default_value: d.as_ref().and_then(|d| d.default_value.clone()),
                    importance: d.as_ref().and_then(|d| d.importance.clone()),
                    documentation: d.as_ref().and_then(|d| d.documentation.clone()),
                    group: d.as_ref().and_then(|d| d.group.clone()),
                    display_name: d.and_then(|d| d.display_name),
                }
            })
            .collect(),
    })
}
