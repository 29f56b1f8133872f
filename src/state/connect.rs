//! The `:connect` view's plain state: each Connect cluster's last answer, the selection, the
//! detail (config, topics, stack traces), the plugins, a typed prompt (delete, task number)
//! and the JSON editor with the worker's verdict per field. `app` drives it, `ui` draws it.

use std::collections::BTreeMap;
use std::time::Instant;

use tui_textarea::TextArea;

use crate::connect::{Connector, ConnectorSpec, Plugin, State, Tagged};

/// One configured Connect cluster as the view knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterAnswer {
    pub name: String,
    pub url: String,
    /// The last answer: connectors, or the error in one line.
    pub last: Option<Result<Vec<Connector>, String>>,
    /// When it came.
    pub at: Option<Instant>,
    /// A request on its way since then (`None`: none in flight).
    pub asking_since: Option<Instant>,
}

/// A row of the list: a connector, or a cluster that has none / did not answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row<'a> {
    Connector(&'a ClusterAnswer, &'a Connector),
    /// A cluster without a usable answer: waiting, empty, or its error.
    Cluster(&'a ClusterAnswer),
}

impl Row<'_> {
    pub fn connector(&self) -> Option<(&str, &Connector)> {
        match self {
            Row::Connector(c, k) => Some((c.name.as_str(), k)),
            Row::Cluster(_) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptKind {
    /// Type the connector's name to delete it.
    Delete,
    /// The number of the task to restart.
    RestartTask,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub cluster: String,
    pub name: String,
    pub input: String,
    pub error: Option<String>,
}

/// The JSON text being edited (a TextArea compared by its lines, so the view stays `Eq`).
#[derive(Debug, Clone)]
pub struct JsonText(pub TextArea<'static>);

impl PartialEq for JsonText {
    fn eq(&self, other: &Self) -> bool {
        self.0.lines() == other.0.lines()
    }
}
impl Eq for JsonText {}

impl JsonText {
    pub fn new(text: &str) -> JsonText {
        let mut t = TextArea::from(text.lines().map(str::to_string).collect::<Vec<_>>());
        t.set_cursor_line_style(ratatui::style::Style::default());
        JsonText(t)
    }

    pub fn text(&self) -> String {
        self.0.lines().join("\n")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditorStatus {
    /// Ctrl+S checks with the worker, then saves.
    Editing,
    /// The JSON itself does not read (before asking the worker).
    Invalid(String),
    Validating,
    /// The worker's errors, by field.
    Errors(BTreeMap<String, Vec<String>>),
    /// Valid, and (if asked) saved: the message.
    Saved(String),
    /// The worker could not be asked, or the save failed.
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editor {
    pub cluster: String,
    /// The connector exists (edit: `PUT …/config`); false for a new one (`POST`).
    pub update: bool,
    pub text: JsonText,
    pub status: EditorStatus,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectView {
    pub clusters: Vec<ClusterAnswer>,
    pub selected: usize,
    /// The detail (config, topics, traces) of the selected connector is open.
    pub detail: bool,
    pub detail_scroll: u16,
    /// The plugins list replaces the connectors while open.
    pub plugins_open: bool,
    /// Each cluster's plugins, once they came.
    pub plugins: Option<Vec<Tagged<Vec<Plugin>>>>,
    pub prompt: Option<Prompt>,
    pub editor: Option<Editor>,
}

/// What a new connector starts as in the editor.
pub const NEW_CONNECTOR: &str = r#"{
  "name": "my-connector",
  "config": {
    "connector.class": "FileStreamSource",
    "tasks.max": "1",
    "file": "/tmp/input.txt",
    "topic": "my-topic"
  }
}"#;

impl ConnectView {
    /// `clusters`: (name, url) of each configured Connect cluster, in order.
    pub fn new(clusters: &[(String, String)]) -> ConnectView {
        ConnectView {
            clusters: clusters
                .iter()
                .map(|(name, url)| ClusterAnswer {
                    name: name.clone(),
                    url: url.clone(),
                    last: None,
                    at: None,
                    asking_since: None,
                })
                .collect(),
            selected: 0,
            detail: false,
            detail_scroll: 0,
            plugins_open: false,
            plugins: None,
            prompt: None,
            editor: None,
        }
    }

    pub fn rows(&self) -> Vec<Row<'_>> {
        let mut out = Vec::new();
        for c in &self.clusters {
            match &c.last {
                Some(Ok(list)) if !list.is_empty() => {
                    out.extend(list.iter().map(|k| Row::Connector(c, k)))
                }
                _ => out.push(Row::Cluster(c)),
            }
        }
        out
    }

    /// The selected connector and its cluster's name.
    pub fn selected_connector(&self) -> Option<(String, Connector)> {
        self.rows()
            .get(self.selected)
            .and_then(|r| r.connector())
            .map(|(c, k)| (c.to_string(), k.clone()))
    }

    /// The cluster of the selected row (where a new connector goes).
    pub fn selected_cluster(&self) -> Option<String> {
        match self.rows().get(self.selected) {
            Some(Row::Connector(c, _)) | Some(Row::Cluster(c)) => Some(c.name.clone()),
            None => self.clusters.first().map(|c| c.name.clone()),
        }
    }

    pub fn asking(&mut self, cluster: &str, now: Instant) {
        if let Some(c) = self.clusters.iter_mut().find(|c| c.name == cluster) {
            c.asking_since.get_or_insert(now);
        }
    }

    /// One cluster's answer; the selection stays on the same connector when it is still there.
    pub fn answer(&mut self, answer: Tagged<Vec<Connector>>, now: Instant) {
        let keep = self
            .selected_connector()
            .map(|(c, k)| (c, k.name))
            .or_else(|| self.selected_cluster().map(|c| (c, String::new())));
        if let Some(c) = self.clusters.iter_mut().find(|c| c.name == answer.cluster) {
            c.url = answer.url;
            c.last = Some(answer.result.map_err(|e| e.to_string()));
            c.at = Some(now);
            c.asking_since = None;
        }
        let rows = self.rows();
        let n = rows.len();
        let found = keep.and_then(|(cluster, name)| {
            rows.iter().position(|r| match r {
                Row::Connector(c, k) => c.name == cluster && k.name == name,
                Row::Cluster(c) => c.name == cluster && name.is_empty(),
            })
        });
        if let Some(i) = found {
            self.selected = i;
        }
        self.selected = self.selected.min(n.saturating_sub(1));
    }

    pub fn move_by(&mut self, delta: i64) {
        let n = self.rows().len();
        let to = (self.selected as i64 + delta).clamp(0, n.saturating_sub(1) as i64) as usize;
        if to != self.selected {
            self.selected = to;
            self.detail_scroll = 0;
        }
    }
}

/// "0:RUNNING 1:FAILED", short.
pub fn task_states(c: &Connector) -> String {
    if c.tasks.is_empty() {
        return "-".into();
    }
    c.tasks
        .iter()
        .map(|t| format!("{}:{}", t.id, t.state))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The worst state among the connector and its tasks, for the row's colour.
pub fn worst(c: &Connector) -> &State {
    if c.has_failure() {
        return &State::Failed;
    }
    &c.state
}

/// The editor's JSON for an existing connector: name and config.
pub fn spec_json(c: &Connector) -> String {
    let mut config = c.config.clone();
    config.remove("name");
    ConnectorSpec {
        name: c.name.clone(),
        config,
    }
    .to_json()
}
