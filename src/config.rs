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

/// Reads a small text file (config, properties, theme, secret), refusing one larger than
/// `MAX_FILE_BYTES` as soon as it is known to be (a `take`, so /dev/zero is refused at once,
/// not read whole) and one that gives nothing within `READ_TIMEOUT` (a FIFO without a writer:
/// the reading thread is left blocked, and the caller reports the error and exits).
pub fn read_small_file(path: &Path) -> std::io::Result<String> {
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
    String::from_utf8(bytes).map_err(|_| Error::new(ErrorKind::InvalidData, "it is not UTF-8 text"))
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

/// Whether a librdkafka property holds a secret that must never be shown or logged: one of the
/// known secret properties, or a property librdkafka does not know (a typo such as
/// `sasl.pasword`, a Java client's `ssl.truststore.password`) whose name looks like a secret's
/// or is in the `sasl.` or `ssl.` families, since librdkafka's error quotes the value.
pub fn is_secret(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    let known = k.contains("password")
        || k.contains("secret")
        || k.contains("jaas")
        || k == "ssl.key.pem"
        || k == "ssl_key"
        || k.ends_with(".token")
        || k == "sasl.oauthbearer.config";
    let suspect = looks_secret(&k) || k.starts_with("sasl.") || k.starts_with("ssl.");
    known || (suspect && !is_librdkafka_property(key))
}

/// Words in a property name that suggest its value is a secret.
fn looks_secret(lowercase_key: &str) -> bool {
    [
        "pass",
        "pasw",
        "pwd",
        "secret",
        "key",
        "token",
        "credential",
        "auth",
        "private",
        "cert",
    ]
    .iter()
    .any(|w| lowercase_key.contains(w))
}

/// Whether librdkafka knows the property (it refuses unknown ones when a client is created).
pub fn is_librdkafka_property(key: &str) -> bool {
    use rdkafka::error::KafkaError;
    use rdkafka::types::RDKafkaConfRes;
    // An empty value: a known property may call it invalid, only an unknown one is "unknown".
    !matches!(
        rdkafka::ClientConfig::new()
            .set(key, "")
            .create_native_config(),
        Err(KafkaError::ClientConfig(
            RDKafkaConfRes::RD_KAFKA_CONF_UNKNOWN,
            ..
        ))
    )
}

/// The value as it may be shown: secrets become `********`.
pub fn mask(key: &str, value: &str) -> String {
    if is_secret(key) {
        "********".into()
    } else {
        value.to_string()
    }
}

/// Where a value that names its source says the secret comes from (`${VAR}`, `@env:VAR`,
/// `@file:PATH`), for `kafka-tui config`; `None` for a value given in clear.
pub fn secret_source(value: &str) -> Option<&str> {
    let v = value.trim();
    (v.starts_with("${") || v.starts_with("@env:") || v.starts_with("@file:")).then_some(v)
}

/// Replaces `${VAR}` with the environment variable's value.
pub fn expand_env(origin: &str, key: &str, value: &str) -> Result<String, ConfigError> {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let var = &after[..end];
        let val = std::env::var(var).map_err(|_| ConfigError::MissingEnv {
            origin: origin.into(),
            key: key.into(),
            var: var.into(),
        })?;
        out.push_str(&val);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A property's value with its source resolved, so a secret need not be written where other
/// local users can read it (a command line is in every `ps`): `@env:VAR` is the variable's
/// value, `@file:PATH` the file's content (without its trailing newline). In files (the config
/// file, `properties_file`, `-F`) `${VAR}` anywhere in a value is expanded too (`braces`).
/// `origin` names where it was given, for errors.
pub fn resolve_value(
    origin: &str,
    key: &str,
    value: &str,
    braces: bool,
) -> Result<String, ConfigError> {
    if let Some(var) = value.strip_prefix("@env:") {
        return std::env::var(var).map_err(|_| ConfigError::MissingEnv {
            origin: origin.into(),
            key: key.into(),
            var: var.into(),
        });
    }
    if let Some(path) = value.strip_prefix("@file:") {
        let text = read_small_file(Path::new(path)).map_err(|source| ConfigError::Io {
            path: path.into(),
            source,
        })?;
        return Ok(text.trim_end_matches(['\n', '\r']).to_string());
    }
    if braces {
        return expand_env(origin, key, value);
    }
    Ok(value.to_string())
}

/// How long a `password_cmd` may take unless the cluster says otherwise.
pub const PASSWORD_CMD_TIMEOUT: Duration = Duration::from_secs(30);

/// A cluster's `password_cmd`, not yet run: it may wait for a person (a gpg or pass prompt), so
/// it runs only when a session needs the password, with a timeout, never on the UI's path,
/// and never for `kafka-tui config`.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordCmd {
    pub cluster: String,
    /// The Connect cluster whose basic-auth password it gives; `None`: the SASL password.
    pub connect: Option<String>,
    pub command: String,
    pub timeout: Duration,
}

impl std::fmt::Debug for PasswordCmd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The command line may itself hold a secret (`echo hunter2`): not shown.
        f.debug_struct("PasswordCmd")
            .field("cluster", &self.cluster)
            .field("connect", &self.connect)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl PasswordCmd {
    pub fn of(cluster: &str, c: &ClusterConfig) -> Result<Option<PasswordCmd>, ConfigError> {
        PasswordCmd::new(
            cluster,
            None,
            c.password_cmd.as_deref(),
            c.password_cmd_timeout.as_deref(),
        )
    }

    /// A `password_cmd` with its `password_cmd_timeout`: the cluster's SASL password, or the
    /// basic-auth password of its Connect cluster `connect`.
    pub fn new(
        cluster: &str,
        connect: Option<&str>,
        command: Option<&str>,
        timeout: Option<&str>,
    ) -> Result<Option<PasswordCmd>, ConfigError> {
        let whose = whose(cluster, connect);
        let Some(command) = command else {
            return Ok(None);
        };
        let timeout = match timeout {
            None => PASSWORD_CMD_TIMEOUT,
            Some(v) => humantime::parse_duration(v.trim())
                .ok()
                .filter(|d| !d.is_zero())
                .ok_or_else(|| ConfigError::BadTimeout {
                    whose,
                    value: v.to_string(),
                })?,
        };
        Ok(Some(PasswordCmd {
            cluster: cluster.into(),
            connect: connect.map(str::to_string),
            command: command.to_string(),
            timeout,
        }))
    }

    /// Runs the command and returns its output without the trailing newline; the output is
    /// never part of an error. Dropping the future (Esc, quitting) stops the command.
    ///
    /// `own_group`: run it in a process group of its own, so a timeout or a cancel stops the
    /// whole pipeline. Only while the TUI holds the terminal: before that (at start-up) the
    /// command stays in the terminal's foreground group, so a helper that prompts on the
    /// terminal can read it, and Ctrl+C reaches it as it reaches kafka-tui.
    pub async fn run(&self, own_group: bool) -> Result<String, ConfigError> {
        let fail = |reason: String| ConfigError::PasswordCmd {
            whose: self.whose(),
            reason,
        };
        let mut cmd = tokio::process::Command::new("sh");
        cmd.arg("-c")
            .arg(&self.command)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true);
        if own_group {
            cmd.process_group(0);
        }
        let child = cmd
            .spawn()
            .map_err(|e| fail(format!("cannot run it: {e}")))?;
        let mut group = GroupGuard(child.id().filter(|_| own_group));
        let out = tokio::time::timeout(self.timeout, child.wait_with_output()).await;
        let out = match out {
            Err(_) => {
                return Err(fail(format!(
                    "it gave no answer within {} (set password_cmd_timeout to wait longer)",
                    humantime::format_duration(self.timeout)
                )))
            }
            Ok(Err(e)) => return Err(fail(format!("cannot wait for it: {e}"))),
            Ok(Ok(out)) => out,
        };
        group.0 = None;
        if !out.status.success() {
            return Err(fail(format!("it exited with {}", out.status)));
        }
        let pw = String::from_utf8_lossy(&out.stdout)
            .trim_end_matches(['\n', '\r'])
            .to_string();
        if pw.is_empty() {
            return Err(fail("it printed nothing".into()));
        }
        Ok(pw)
    }
}

/// `cluster "prod"`, or `cluster "prod" Connect "payments"`: whose password a command gives.
fn whose(cluster: &str, connect: Option<&str>) -> String {
    match connect {
        None => format!("cluster {cluster:?}"),
        Some(c) => format!("cluster {cluster:?} Connect {c:?}"),
    }
}

impl PasswordCmd {
    /// Whose password it gives, for messages (`cluster "prod" Connect "payments"`).
    pub fn whose(&self) -> String {
        whose(&self.cluster, self.connect.as_deref())
    }
}

/// Stops a `password_cmd`'s process group when its run is dropped before it finished.
struct GroupGuard(Option<u32>);

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if let Some(pgid) = self.0.take() {
            crate::signals::kill_group(pgid);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
default_cluster = "dev"
[clusters.dev]
bootstrap = "localhost:9092"
broker_log_cmd = "docker logs -f broker"
zookeeper_log_cmd = "docker logs -f zookeeper"

[clusters.prod]
bootstrap = "kafka-1.example:9093,kafka-2.example:9093"
read_only = true
color = "red"
[clusters.prod.properties]
"security.protocol" = "SASL_SSL"
"sasl.mechanism" = "SCRAM-SHA-512"
"sasl.username" = "ops"
"sasl.password" = "${KAFKA_PASSWORD}"
"#;

    #[test]
    fn parses_the_documented_example() {
        let c = ConfigFile::parse(Path::new("c.toml"), EXAMPLE).unwrap();
        assert_eq!(c.default_cluster.as_deref(), Some("dev"));
        assert_eq!(
            c.clusters["prod"].properties["sasl.mechanism"],
            "SCRAM-SHA-512"
        );
        assert!(c.clusters["prod"].read_only);
        assert!(!c.has_literal_secrets(), "${{VAR}} is not a literal secret");
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let text = "[clusters.dev]\nbootstrap = \"a\"\nbootstarp = \"b\"\n";
        let e = ConfigFile::parse(Path::new("/x/config.toml"), text)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("/x/config.toml:3:1:"), "{e}");
        assert!(e.contains("bootstarp"), "{e}");
        let e = ConfigFile::parse(Path::new("c.toml"), "[clusters.dev\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("c.toml:1:"), "{e}");
    }

    #[test]
    fn properties_files() {
        let p = parse_properties(
            "f",
            "# comment\n\nbootstrap.servers = a:1\nsasl.password=x=y\n",
        )
        .unwrap();
        assert_eq!(
            p,
            vec![
                ("bootstrap.servers".into(), "a:1".into()),
                ("sasl.password".into(), "x=y".into())
            ]
        );
        let e = parse_properties("f.properties", "ok=1\nbroken\n")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "f.properties:2: expected key=value");
    }

    #[test]
    fn secrets_are_recognised_and_masked() {
        for k in [
            "sasl.password",
            "ssl.key.password",
            "ssl.keystore.password",
            "sasl.oauthbearer.client.secret",
            "sasl.jaas.config",
            "ssl.key.pem",
        ] {
            assert!(is_secret(k), "{k}");
            assert_eq!(mask(k, "hunter2"), "********");
        }
        assert_eq!(mask("sasl.username", "ops"), "ops");
        let c = ConfigFile::parse(
            Path::new("c"),
            "[clusters.a]\nbootstrap=\"x\"\n[clusters.a.properties]\n\"sasl.password\"=\"plain\"\n",
        )
        .unwrap();
        assert!(c.has_literal_secrets());
    }

    #[test]
    fn mistyped_and_foreign_secret_properties_are_masked() {
        for k in [
            "sasl.pasword",
            "sasl.passwd",
            "sasl.usernme",
            "ssl.truststore.password",
            "basic.auth.user.info",
            "api.key",
            "my.token.value",
            "aws.credentials",
        ] {
            assert!(!is_librdkafka_property(k), "{k}");
            assert_eq!(mask(k, "hunter2"), "********", "{k}");
        }
        // Properties librdkafka knows are masked only when they are secrets.
        for k in [
            "ssl.key.location",
            "ssl.certificate.location",
            "sasl.kerberos.keytab",
        ] {
            assert!(is_librdkafka_property(k), "{k}");
            assert_eq!(mask(k, "/etc/k"), "/etc/k", "{k}");
        }
        assert_eq!(mask("sasl.username", "ops"), "ops");
    }

    #[test]
    fn values_name_their_source() {
        std::env::set_var("KTUI_TEST_AT_ENV", "from-env");
        assert_eq!(
            resolve_value("-X", "sasl.password", "@env:KTUI_TEST_AT_ENV", false).unwrap(),
            "from-env"
        );
        let e = resolve_value("-X", "sasl.password", "@env:KTUI_SURELY_UNSET_VAR", false)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "-X: property sasl.password: environment variable KTUI_SURELY_UNSET_VAR is not set"
        );
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("pw");
        std::fs::write(&f, "from-file\n").unwrap();
        let at_file = format!("@file:{}", f.display());
        assert_eq!(
            resolve_value("-X", "k", &at_file, false).unwrap(),
            "from-file"
        );
        let missing = format!("@file:{}", dir.path().join("none").display());
        assert!(resolve_value("-X", "k", &missing, false).is_err());
        // ${VAR} only where braces are allowed (files): on the command line the shell did it.
        assert_eq!(
            resolve_value("-X", "k", "${KTUI_TEST_AT_ENV}", false).unwrap(),
            "${KTUI_TEST_AT_ENV}"
        );
        assert_eq!(
            resolve_value("f", "k", "${KTUI_TEST_AT_ENV}", true).unwrap(),
            "from-env"
        );
        assert_eq!(secret_source(" @env:X "), Some("@env:X"));
        assert_eq!(secret_source("plain"), None);
    }

    #[test]
    fn env_expansion() {
        std::env::set_var("KTUI_TEST_PW", "s3cret");
        assert_eq!(
            expand_env("c", "k", "pre-${KTUI_TEST_PW}-post").unwrap(),
            "pre-s3cret-post"
        );
        let e = expand_env("prod", "sasl.password", "${KTUI_SURELY_UNSET_VAR}")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("KTUI_SURELY_UNSET_VAR") && e.contains("prod"),
            "{e}"
        );
    }

    fn password_cmd(command: &str, timeout: Duration) -> PasswordCmd {
        PasswordCmd {
            cluster: "c".into(),
            connect: None,
            command: command.into(),
            timeout,
        }
    }

    #[tokio::test]
    async fn password_cmd_output_and_failures() {
        let t = PASSWORD_CMD_TIMEOUT;
        assert_eq!(
            password_cmd("printf 'pw\\n'", t).run(false).await.unwrap(),
            "pw"
        );
        let e = password_cmd("echo leaked; exit 3", t)
            .run(true)
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("exit status: 3") && !e.contains("leaked"), "{e}");
        assert!(password_cmd("true", t).run(false).await.is_err());
    }

    /// A command that waits (a passphrase prompt nobody answers) gives up after its timeout,
    /// saying how to wait longer.
    #[tokio::test]
    async fn password_cmd_times_out() {
        let started = std::time::Instant::now();
        let e = password_cmd("sleep 100", Duration::from_millis(300))
            .run(true)
            .await
            .unwrap_err()
            .to_string();
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(
            e.contains("no answer within 300ms") && e.contains("password_cmd_timeout"),
            "{e}"
        );
    }

    #[test]
    fn password_cmd_timeout_is_read_and_checked() {
        let c = |t: &str| ClusterConfig {
            password_cmd: Some("x".into()),
            password_cmd_timeout: Some(t.into()),
            ..ClusterConfig::default()
        };
        let p = PasswordCmd::of("c", &c("2m")).unwrap().unwrap();
        assert_eq!(p.timeout, Duration::from_secs(120));
        let none = ClusterConfig::default();
        assert!(PasswordCmd::of("c", &none).unwrap().is_none());
        for bad in ["soon", "0s"] {
            let e = PasswordCmd::of("prod", &c(bad)).unwrap_err().to_string();
            assert!(e.contains("prod") && e.contains(bad), "{e}");
        }
    }

    #[test]
    fn bootstrap_validation() {
        for ok in [
            "localhost:9092",
            "a:1,b:2",
            "kafka",
            "[::1]:9092",
            "PLAINTEXT://h:9092",
            " a:1 , b:2 ",
        ] {
            assert!(validate_bootstrap(ok).is_ok(), "{ok}");
        }
        for bad in [
            "not a host",
            "",
            "a:1,,b:2",
            "h:port",
            "h:99999",
            ":9092",
            "h:0",
        ] {
            let e = validate_bootstrap(bad).unwrap_err().to_string();
            assert!(e.contains("host:port"), "{bad}: {e}");
        }
    }

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("x", 0), (1, 1));
    }
}
