//! The config file: named clusters with their bootstrap, librdkafka properties, log sources,
//! colour and read-only flag. Secrets may come from the file, `${ENV}` or a command, and are
//! never printed (see `mask`).
//!
//! ```toml
//! default_cluster = "dev"      # optional: used when no -b / --cluster is given
//! [clusters.dev]
//! bootstrap = "localhost:9092"
//! broker_log_cmd = "docker logs -f broker"
//! [clusters.prod]
//! bootstrap = "kafka-1.example:9093"
//! read_only = true
//! color = "red"
//! password_cmd = "pass show kafka/prod"     # its output becomes sasl.password
//! [clusters.prod.properties]
//! "security.protocol" = "SASL_SSL"
//! "sasl.password" = "${KAFKA_PASSWORD}"
//! ```

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}:{line}:{column}: {message}")]
    Parse {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Properties {
        path: String,
        line: usize,
        message: String,
    },
    #[error("no cluster named {name:?} in {path} (known: {known})")]
    UnknownCluster {
        name: String,
        path: String,
        known: String,
    },
    /// `origin`: where the property was given (`cluster "prod"`, `-X`, a file's path).
    #[error("{origin}: property {key}: environment variable {var} is not set")]
    MissingEnv {
        origin: String,
        key: String,
        var: String,
    },
    /// `whose`: `cluster "prod"`, or `cluster "prod" Connect "payments"`.
    #[error("{whose}: password_cmd failed: {reason}")]
    PasswordCmd { whose: String, reason: String },
    #[error("{whose}: password_cmd_timeout {value:?} is not a duration (write \"30s\" or \"2m\")")]
    BadTimeout { whose: String, value: String },
    #[error("cluster {cluster:?} Connect {connect:?}: give password or password_cmd, not both")]
    TwoPasswords { cluster: String, connect: String },
    #[error("bootstrap {value:?}: {why} (write host:port[,host:port])")]
    BadBootstrap { value: String, why: String },
    #[error(
        "cluster {cluster:?} has no bootstrap (set bootstrap = \"host:port\" or embedded = true)"
    )]
    NoBootstrap { cluster: String },
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub default_cluster: Option<String>,
    pub theme: Option<String>,
    /// Where tails start when `--from` is not given (same syntax), e.g. "-100" or "end".
    pub tail_from: Option<String>,
    #[serde(default)]
    pub clusters: BTreeMap<String, ClusterConfig>,
    /// `[keys.CONTEXT] "KEY" = "action"`: see `keymap::user`.
    #[serde(default)]
    pub keys: crate::keymap::KeysTable,
    /// `[layout]`: see `layout_config`.
    #[serde(default)]
    pub layout: crate::layout_config::LayoutConfig,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ClusterConfig {
    pub bootstrap: Option<String>,
    /// This context is the embedded broker.
    #[serde(default)]
    pub embedded: bool,
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
    /// A librdkafka properties file (`key=value` lines), like kcat's -F.
    pub properties_file: Option<PathBuf>,
    /// A command whose output (trimmed) is the SASL password.
    pub password_cmd: Option<String>,
    /// How long `password_cmd` may take (a person typing a passphrase): "30s", "2m".
    pub password_cmd_timeout: Option<String>,
    /// A Confluent-compatible schema registry's URL, for decoding records (issue 12).
    pub schema_registry: Option<String>,
    /// Basic-auth user and password of the registry; the password may be `${VAR}`, `@env:VAR`
    /// or `@file:PATH` like the other secrets, and is never shown.
    pub schema_registry_user: Option<String>,
    pub schema_registry_password: Option<String>,
    pub broker_log: Option<PathBuf>,
    pub broker_log_cmd: Option<String>,
    pub zookeeper_log: Option<PathBuf>,
    pub zookeeper_log_cmd: Option<String>,
    /// A colour for the header, so production looks different (`red`, `#ff0000`).
    pub color: Option<String>,
    #[serde(default)]
    pub read_only: bool,
    /// Kafka Connect clusters beside this Kafka cluster (`:connect`): URLs, or tables with
    /// `url`, `name`, `user`, `password` (`${VAR}`, `@env:VAR`, `@file:PATH` as elsewhere).
    #[serde(default)]
    pub connect: Vec<ConnectConfig>,
    /// Kafka Streams application id -> file or URL of its `topology.describe()` text.
    #[serde(default)]
    pub streams_topology: BTreeMap<String, String>,
}

/// One Connect cluster of a Kafka cluster: a URL, or a table.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum ConnectConfig {
    Url(String),
    Full(ConnectTable),
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ConnectTable {
    pub url: String,
    /// Shown in the view; by default the URL's `host:port`.
    pub name: Option<String>,
    pub user: Option<String>,
    pub password: Option<String>,
    /// A command whose output (trimmed) is the password, as the cluster's `password_cmd`.
    pub password_cmd: Option<String>,
    /// How long that command may take: "30s", "2m".
    pub password_cmd_timeout: Option<String>,
}

/// Config, properties, theme and secret files are a few KB: anything larger is not one.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;
/// How long reading such a file may take: a FIFO nobody writes to never answers.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// Reads a small text file (config, properties, theme, secret): `read_small_bytes`, which
/// must be UTF-8.
pub fn read_small_file(path: &Path) -> std::io::Result<String> {
    let bytes = read_small_bytes(path)?;
    String::from_utf8(bytes)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "it is not UTF-8 text"))
}

/// Reads a small file (text, or a certificate or key), refusing one larger than
/// `MAX_FILE_BYTES` as soon as it is known to be (a `take`, so /dev/zero is refused at once,
/// not read whole) and one that gives nothing within `READ_TIMEOUT` (a FIFO without a writer:
/// the reading thread is left blocked, and the caller reports the error and goes on).
pub fn read_small_bytes(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind};
    let (tx, rx) = std::sync::mpsc::channel();
    let owned = path.to_path_buf();
    std::thread::Builder::new()
        .name("read-small-file".into())
        .spawn(move || {
            let read = || -> std::io::Result<Vec<u8>> {
                let mut bytes = Vec::new();
                std::fs::File::open(&owned)?
                    .take(MAX_FILE_BYTES + 1)
                    .read_to_end(&mut bytes)?;
                Ok(bytes)
            };
            let _ = tx.send(read());
        })?;
    let bytes = match rx.recv_timeout(READ_TIMEOUT) {
        Ok(r) => r?,
        Err(_) => {
            return Err(Error::new(
                ErrorKind::TimedOut,
                format!(
                    "nothing could be read from it within {}s (a FIFO nobody writes to?)",
                    READ_TIMEOUT.as_secs()
                ),
            ))
        }
    };
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Error::new(
            ErrorKind::InvalidData,
            format!(
                "it is larger than {} MiB, which no such file is (is the path right?)",
                MAX_FILE_BYTES >> 20
            ),
        ));
    }
    Ok(bytes)
}

/// Where the config file is looked for, in order.
pub fn search_paths() -> Vec<(String, Option<PathBuf>)> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    vec![
        ("$KAFKA_TUI_CONFIG".into(), env("KAFKA_TUI_CONFIG")),
        (
            "$XDG_CONFIG_HOME/kafka-tui/config.toml".into(),
            env("XDG_CONFIG_HOME").map(|d| d.join("kafka-tui/config.toml")),
        ),
        (
            "~/.config/kafka-tui/config.toml".into(),
            dirs::home_dir().map(|d| d.join(".config/kafka-tui/config.toml")),
        ),
    ]
}

/// The config file in use: `$KAFKA_TUI_CONFIG` (which must exist), else the first that exists.
pub fn locate() -> Result<Option<PathBuf>, ConfigError> {
    let paths = search_paths();
    if let Some(p) = &paths[0].1 {
        if !p.exists() {
            return Err(ConfigError::Io {
                path: p.display().to_string(),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "$KAFKA_TUI_CONFIG points to a missing file",
                ),
            });
        }
        return Ok(Some(p.clone()));
    }
    Ok(paths
        .into_iter()
        .filter_map(|(_, p)| p)
        .find(|p| p.exists()))
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

impl ConfigFile {
    pub fn parse(path: &Path, text: &str) -> Result<ConfigFile, ConfigError> {
        toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
            let message = match e.message().trim() {
                // toml leaves some errors (a stray \r) without words.
                "" => "invalid TOML here".to_string(),
                m => m.to_string(),
            };
            ConfigError::Parse {
                path: path.display().to_string(),
                line,
                column,
                message,
            }
        })
    }

    pub fn load(path: &Path) -> Result<ConfigFile, ConfigError> {
        let text = read_small_file(path).map_err(|source| ConfigError::Io {
            path: path.display().to_string(),
            source,
        })?;
        ConfigFile::parse(path, &text)
    }

    /// True when the file holds a secret in clear (not `${VAR}`, `@env:`, `@file:` or a
    /// command).
    pub fn has_literal_secrets(&self) -> bool {
        self.clusters.values().any(|c| {
            c.properties
                .iter()
                .any(|(k, v)| is_secret(k) && secret_source(v).is_none())
                || c.schema_registry_password
                    .as_deref()
                    .is_some_and(|v| secret_source(v).is_none())
                || c.connect.iter().any(|e| {
                    matches!(e, ConnectConfig::Full(ConnectTable { password: Some(p), .. })
                        if secret_source(p).is_none())
                })
        })
    }
}

/// Reads a librdkafka properties file: `key=value` lines, `#` comments, blank lines.
pub fn read_properties_file(path: &Path) -> Result<Vec<(String, String)>, ConfigError> {
    let text = read_small_file(path).map_err(|source| ConfigError::Io {
        path: path.display().to_string(),
        source,
    })?;
    parse_properties(&path.display().to_string(), &text)
}

pub fn parse_properties(path: &str, text: &str) -> Result<Vec<(String, String)>, ConfigError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                out.push((k.trim().to_string(), v.trim().to_string()))
            }
            _ => {
                return Err(ConfigError::Properties {
                    path: path.to_string(),
                    line: i + 1,
                    message: "expected key=value".into(),
                })
            }
        }
    }
    Ok(out)
}

/// Checks a bootstrap list before librdkafka sees it, so a typo is named at once instead of
/// surfacing later as "all brokers are down".
pub fn validate_bootstrap(value: &str) -> Result<(), ConfigError> {
    let bad = |why: String| {
        Err(ConfigError::BadBootstrap {
            value: value.to_string(),
            why,
        })
    };
    if value.trim().is_empty() {
        return bad("it is empty".into());
    }
    for entry in value.split(',').map(str::trim) {
        let entry = entry
            .strip_prefix("PLAINTEXT://")
            .or_else(|| entry.strip_prefix("SSL://"))
            .unwrap_or(entry);
        if entry.is_empty() {
            return bad("an entry is empty".into());
        }
        if entry.chars().any(char::is_whitespace) {
            return bad(format!("{entry:?} contains a space"));
        }
        let (host, port) = match entry.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(':') || h.starts_with('[') => (h, Some(p)),
            _ => (entry, None),
        };
        if host.is_empty() {
            return bad(format!("{entry:?} has no host"));
        }
        if let Some(p) = port {
            if p.parse::<u16>().map_or(true, |n| n == 0) {
                return bad(format!("{p:?} in {entry:?} is not a port"));
            }
        }
    }
    Ok(())
}

pub mod report;
mod secrets;
pub mod target;
pub use secrets::*;

#[cfg(test)]
mod tests;
