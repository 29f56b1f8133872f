//! Secrets in the config: which properties are secret, how they are masked, and where their
//! values come from (`${ENV}`, `@file:`, a password command with a deadline).

use super::*;

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
