//! Which cluster a session talks to, resolved from the flags and the config file: the embedded
//! broker, a `-b` bootstrap, or a named cluster (`--cluster`, `:ctx`).

use std::path::PathBuf;

use crate::cli::Cli;
use crate::config::{self, ClusterConfig, ConfigError, ConfigFile, PasswordCmd};
use crate::model::ContextInfo;

pub const EMBEDDED: &str = "embedded";
pub const COMMAND_LINE: &str = "command line";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogSources {
    pub broker_file: Option<PathBuf>,
    pub broker_cmd: Option<String>,
    pub zookeeper_file: Option<PathBuf>,
    pub zookeeper_cmd: Option<String>,
}

/// A resolved connection: everything a session needs, secrets included (never print it whole;
/// `describe` masks them).
#[derive(Clone, PartialEq, Eq)]
pub struct Target {
    pub name: String,
    /// `None`: the embedded broker.
    pub bootstrap: Option<String>,
    pub properties: Vec<(String, String)>,
    pub logs: LogSources,
    pub read_only: bool,
    pub color: Option<String>,
    /// A `password_cmd` still to run (`resolve_password`), and where in `properties` its
    /// `sasl.password` goes: after the cluster's own properties, before the command line's.
    pub password_cmd: Option<(PasswordCmd, usize)>,
    /// Where records' schemas come from (`schema_registry`, `--schema-registry`).
    pub schema_registry: Option<RegistrySettings>,
    /// Connect clusters (`:connect`), secrets resolved but for those in `connect_password_cmds`.
    pub connect: Vec<crate::connect::ConnectEndpoint>,
    /// Connect passwords still to come from a `password_cmd` (`resolve_password`), with the
    /// index in `connect` of the endpoint each is for.
    pub connect_password_cmds: Vec<(usize, PasswordCmd)>,
    /// Streams application id -> where its topology description is.
    pub streams_topology: std::collections::BTreeMap<String, String>,
}

/// A schema registry's URL and basic-auth credentials (the password never shown).
#[derive(Clone, PartialEq, Eq)]
pub struct RegistrySettings {
    pub url: String,
    pub user: Option<String>,
    pub password: Option<String>,
}

impl std::fmt::Debug for RegistrySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = crate::schema::registry::RegistryConfig::new(self.url.clone());
        f.debug_struct("RegistrySettings")
            .field("url", &format!("{c:?}"))
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "********"))
            .finish()
    }
}

impl RegistrySettings {
    /// The client's configuration.
    pub fn config(&self) -> crate::schema::registry::RegistryConfig {
        let mut c = crate::schema::registry::RegistryConfig::new(self.url.clone());
        c.username = self.user.clone();
        c.password = self.password.clone();
        c
    }
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let props: Vec<String> = self
            .properties
            .iter()
            .map(|(k, v)| format!("{k}={}", config::mask(k, v)))
            .collect();
        f.debug_struct("Target")
            .field("name", &self.name)
            .field("bootstrap", &self.bootstrap)
            .field("properties", &props)
            .field("logs", &self.logs)
            .field("read_only", &self.read_only)
            .field("password_cmd", &self.password_cmd.as_ref().map(|(p, _)| p))
            .field("schema_registry", &self.schema_registry)
            .field("connect", &self.connect)
            .field("connect_password_cmds", &self.connect_password_cmds)
            .finish()
    }
}

impl Target {
    pub fn embedded(read_only: bool) -> Target {
        Target {
            name: EMBEDDED.into(),
            bootstrap: None,
            properties: Vec::new(),
            logs: LogSources::default(),
            read_only,
            color: None,
            password_cmd: None,
            schema_registry: None,
            connect: Vec::new(),
            connect_password_cmds: Vec::new(),
            streams_topology: Default::default(),
        }
    }

    /// Builds the target of a named cluster, resolving `${VAR}` and `properties_file`; its
    /// `password_cmd` is only noted (see `resolve_password`).
    pub fn from_cluster(name: &str, c: &ClusterConfig) -> Result<Target, ConfigError> {
        let mut properties = Vec::new();
        if let Some(f) = &c.properties_file {
            properties.extend(read_resolved(f)?);
        }
        let origin = format!("cluster {name:?}");
        for (k, v) in &c.properties {
            properties.push((k.clone(), config::resolve_value(&origin, k, v, true)?));
        }
        let password_cmd = PasswordCmd::of(name, c)?.map(|p| (p, properties.len()));
        let schema_registry = match &c.schema_registry {
            None => None,
            Some(url) => Some(RegistrySettings {
                url: url.clone(),
                user: c.schema_registry_user.clone(),
                password: match &c.schema_registry_password {
                    Some(p) => Some(config::resolve_value(
                        &origin,
                        "schema_registry_password",
                        p,
                        true,
                    )?),
                    None => None,
                },
            }),
        };
        let bootstrap = match (&c.bootstrap, c.embedded) {
            (_, true) => None,
            (Some(b), false) => Some(b.clone()),
            (None, false) => {
                return Err(ConfigError::NoBootstrap {
                    cluster: name.into(),
                })
            }
        };
        let (connect, connect_password_cmds) = connect_endpoints(name, &c.connect)?;
        Ok(Target {
            name: name.into(),
            bootstrap,
            properties,
            logs: LogSources {
                broker_file: c.broker_log.clone(),
                broker_cmd: c.broker_log_cmd.clone(),
                zookeeper_file: c.zookeeper_log.clone(),
                zookeeper_cmd: c.zookeeper_log_cmd.clone(),
            },
            read_only: c.read_only,
            color: c.color.clone(),
            password_cmd,
            schema_registry,
            connect,
            connect_password_cmds,
            streams_topology: c.streams_topology.clone(),
        })
    }

    /// The `password_cmd`s a session must run first: the cluster's, then its Connect
    /// clusters'.
    pub fn password_cmds(&self) -> Vec<&PasswordCmd> {
        self.password_cmd
            .iter()
            .map(|(c, _)| c)
            .chain(self.connect_password_cmds.iter().map(|(_, c)| c))
            .collect()
    }

    /// Runs the `password_cmd`, if any, and puts its output in as `sasl.password` (skipped
    /// when the command line sets `sasl.password` itself: it would win anyway); then each
    /// Connect cluster's, whose output becomes that cluster's basic-auth password. One after
    /// the other, since each may prompt. `own_group`: see `PasswordCmd::run`.
    pub async fn resolve_password(mut self, own_group: bool) -> Result<Target, ConfigError> {
        if let Some((cmd, at)) = self.password_cmd.take() {
            if !self.properties[at..]
                .iter()
                .any(|(k, _)| k == "sasl.password")
            {
                let pw = cmd.run(own_group).await?;
                self.properties.insert(at, ("sasl.password".into(), pw));
            }
        }
        for (i, cmd) in std::mem::take(&mut self.connect_password_cmds) {
            let pw = cmd.run(own_group).await?;
            if let Some(auth) = self.connect.get_mut(i).and_then(|e| e.auth.as_mut()) {
                auth.password = pw;
            }
        }
        Ok(self)
    }

    /// Applies what the command line says on top: `-F`, `-X`, log flags, `--read-only`.
    fn overlay_cli(mut self, cli: &Cli) -> Result<Target, ConfigError> {
        if let Some(f) = &cli.properties_file {
            self.properties.extend(read_resolved(f)?);
        }
        for (k, v) in &cli.properties {
            let v = config::resolve_value("-X", k, v, false)?;
            self.properties.push((k.clone(), v));
        }
        let l = &mut self.logs;
        if cli.broker_log.is_some() || cli.broker_log_cmd.is_some() {
            l.broker_file = cli.broker_log.clone();
            l.broker_cmd = cli.broker_log_cmd.clone();
        }
        if cli.zookeeper_log.is_some() || cli.zookeeper_log_cmd.is_some() {
            l.zookeeper_file = cli.zookeeper_log.clone();
            l.zookeeper_cmd = cli.zookeeper_log_cmd.clone();
        }
        self.read_only |= cli.read_only;
        if let Some(url) = &cli.schema_registry {
            // The cluster's credentials still apply to a registry given on the command line.
            let (user, password) = match self.schema_registry.take() {
                Some(r) => (r.user, r.password),
                None => (None, None),
            };
            self.schema_registry = Some(RegistrySettings {
                url: url.clone(),
                user,
                password,
            });
        }
        if !cli.connect.is_empty() {
            // The flag names the Connect clusters for this run, instead of the file's (whose
            // password commands then need not run).
            self.connect_password_cmds.clear();
            self.connect = cli
                .connect
                .iter()
                .filter(|u| !u.trim().is_empty())
                .map(|u| crate::connect::ConnectEndpoint {
                    name: String::new(),
                    url: u.trim().to_string(),
                    auth: None,
                })
                .collect();
        }
        self.streams_topology
            .extend(cli.streams_topology.iter().cloned());
        Ok(self)
    }
}

/// A cluster's `connect` list, with each password's `${VAR}`, `@env:` or `@file:` resolved;
/// a `password_cmd` is only noted, with the index of its endpoint (see `resolve_password`).
#[allow(clippy::type_complexity)]
fn connect_endpoints(
    cluster: &str,
    list: &[config::ConnectConfig],
) -> Result<
    (
        Vec<crate::connect::ConnectEndpoint>,
        Vec<(usize, PasswordCmd)>,
    ),
    ConfigError,
> {
    let origin = format!("cluster {cluster:?} connect");
    let mut endpoints = Vec::new();
    let mut cmds = Vec::new();
    for c in list {
        let endpoint = match c {
            config::ConnectConfig::Url(url) => crate::connect::ConnectEndpoint {
                name: String::new(),
                url: url.clone(),
                auth: None,
            },
            config::ConnectConfig::Full(t) => {
                // Named as the view will name it, for messages about its password.
                let shown = t
                    .name
                    .clone()
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| crate::connect::mask_url(&t.url));
                if t.password.is_some() && t.password_cmd.is_some() {
                    return Err(ConfigError::TwoPasswords {
                        cluster: cluster.into(),
                        connect: shown,
                    });
                }
                if let Some(cmd) = PasswordCmd::new(
                    cluster,
                    Some(&shown),
                    t.password_cmd.as_deref(),
                    t.password_cmd_timeout.as_deref(),
                )? {
                    cmds.push((endpoints.len(), cmd));
                }
                crate::connect::ConnectEndpoint {
                    name: t.name.clone().unwrap_or_default(),
                    url: t.url.clone(),
                    auth: match (&t.user, &t.password, &t.password_cmd) {
                        (None, None, None) => None,
                        (user, password, _) => Some(crate::connect::BasicAuth {
                            user: user.clone().unwrap_or_default(),
                            password: match password {
                                Some(p) => config::resolve_value(&origin, "password", p, true)?,
                                None => String::new(),
                            },
                        }),
                    },
                }
            }
        };
        endpoints.push(endpoint);
    }
    Ok((endpoints, cmds))
}

/// A properties file's `key=value` lines, with `${VAR}`, `@env:` and `@file:` resolved.
fn read_resolved(path: &std::path::Path) -> Result<Vec<(String, String)>, ConfigError> {
    let origin = path.display().to_string();
    config::read_properties_file(path)?
        .into_iter()
        .map(|(k, v)| Ok((k.clone(), config::resolve_value(&origin, &k, &v, true)?)))
        .collect()
}

/// The contexts `:ctx` offers: the embedded broker once, the `-b` cluster if any, every named
/// one. A config cluster with `embedded = true` (or named `embedded`) stands for the embedded
/// broker under its own name and colour, so the built-in one is not listed beside it.
pub fn contexts(cli: &Cli, file: &ConfigFile) -> Vec<ContextInfo> {
    let mut out = Vec::new();
    if builtin_embedded_listed(file) {
        out.push(ContextInfo {
            name: EMBEDDED.into(),
            bootstrap: None,
            color: None,
        });
    }
    if let Some(b) = &cli.bootstrap {
        out.push(ContextInfo {
            name: COMMAND_LINE.into(),
            bootstrap: Some(b.clone()),
            color: None,
        });
    }
    out.extend(file.clusters.iter().map(|(name, c)| ContextInfo {
        name: name.clone(),
        bootstrap: if c.embedded {
            None
        } else {
            c.bootstrap.clone()
        },
        color: c.color.clone(),
    }));
    out
}

fn builtin_embedded_listed(file: &ConfigFile) -> bool {
    !file.clusters.contains_key(EMBEDDED) && !file.clusters.values().any(|c| c.embedded)
}

/// The names of `contexts`.
pub fn context_names(cli: &Cli, file: &ConfigFile) -> Vec<String> {
    contexts(cli, file).into_iter().map(|c| c.name).collect()
}

/// The target named `name` (one of `context_names`).
pub fn resolve_named(
    name: &str,
    cli: &Cli,
    file: &ConfigFile,
    file_path: Option<&std::path::Path>,
) -> Result<Target, ConfigError> {
    let base = match name {
        COMMAND_LINE => Target {
            name: COMMAND_LINE.into(),
            bootstrap: cli.bootstrap.clone(),
            ..Target::embedded(false)
        },
        EMBEDDED if !file.clusters.contains_key(EMBEDDED) => Target::embedded(false),
        _ => match file.clusters.get(name) {
            Some(c) => Target::from_cluster(name, c)?,
            None => {
                return Err(ConfigError::UnknownCluster {
                    name: name.into(),
                    path: file_path.map_or("(no config file)".into(), |p| p.display().to_string()),
                    known: file.clusters.keys().cloned().collect::<Vec<_>>().join(", "),
                })
            }
        },
    };
    let t = base.overlay_cli(cli)?;
    if let Some(b) = &t.bootstrap {
        config::validate_bootstrap(b)?;
    }
    Ok(t)
}

/// The target the session starts with: `-b`, else `--cluster`, else the file's
/// `default_cluster`, else the embedded broker.
pub fn resolve_initial(
    cli: &Cli,
    file: &ConfigFile,
    file_path: Option<&std::path::Path>,
) -> Result<Target, ConfigError> {
    let name = if cli.bootstrap.is_some() {
        COMMAND_LINE.to_string()
    } else if let Some(c) = &cli.cluster {
        c.clone()
    } else if let Some(d) = &file.default_cluster {
        d.clone()
    } else {
        // The embedded broker: the built-in one, or the config's `embedded` (as before), or
        // else the config's own embedded cluster, the one `:ctx` lists for it.
        file.clusters
            .iter()
            .find(|(_, c)| c.embedded)
            .filter(|_| !file.clusters.contains_key(EMBEDDED))
            .map_or_else(|| EMBEDDED.to_string(), |(n, _)| n.clone())
    };
    resolve_named(&name, cli, file, file_path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use std::path::Path;

    fn file() -> ConfigFile {
        ConfigFile::parse(
            Path::new("c.toml"),
            r#"
[clusters.dev]
bootstrap = "localhost:9092"
broker_log_cmd = "docker logs -f broker"
[clusters.prod]
bootstrap = "p:9093"
read_only = true
password_cmd = "echo from-cmd"
[clusters.prod.properties]
"security.protocol" = "SASL_SSL"
"#,
        )
        .unwrap()
    }

    fn cli(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("kafka-tui").chain(args.iter().copied())).unwrap()
    }

    #[test]
    fn no_flags_is_embedded() {
        let t = resolve_initial(&cli(&[]), &ConfigFile::default(), None).unwrap();
        assert_eq!(t.name, EMBEDDED);
        assert_eq!(t.bootstrap, None);
    }

    #[test]
    fn named_cluster_with_cli_overrides() {
        let t = resolve_initial(
            &cli(&["--cluster", "dev", "-X", "debug=broker", "--read-only"]),
            &file(),
            None,
        )
        .unwrap();
        assert_eq!(t.bootstrap.as_deref(), Some("localhost:9092"));
        assert_eq!(t.logs.broker_cmd.as_deref(), Some("docker logs -f broker"));
        assert!(t.read_only);
        assert_eq!(
            t.properties,
            vec![("debug".to_string(), "broker".to_string())]
        );
    }

    #[tokio::test]
    async fn password_cmd_becomes_sasl_password_and_debug_masks_it() {
        let t = resolve_named("prod", &cli(&[]), &file(), None).unwrap();
        assert!(
            !t.properties.iter().any(|(k, _)| k == "sasl.password"),
            "resolving a target does not run its password_cmd"
        );
        let t = t.resolve_password(true).await.unwrap();
        assert!(t.read_only);
        assert!(t
            .properties
            .contains(&("sasl.password".into(), "from-cmd".into())));
        let shown = format!("{t:?}");
        assert!(
            !shown.contains("from-cmd") && shown.contains("sasl.password=********"),
            "{shown}"
        );
    }

    /// The password from `password_cmd` comes after the cluster's properties and before the
    /// command line's, which win; a `-X sasl.password` means the command need not run.
    #[tokio::test]
    async fn password_cmd_order_and_command_line_override() {
        let t = resolve_named("prod", &cli(&["-X", "debug=all"]), &file(), None)
            .unwrap()
            .resolve_password(true)
            .await
            .unwrap();
        let keys: Vec<&str> = t.properties.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["security.protocol", "sasl.password", "debug"]);
        let mut f = file();
        f.clusters.get_mut("prod").unwrap().password_cmd = Some("exit 1".into());
        let t = resolve_named("prod", &cli(&["-X", "sasl.password=given"]), &f, None)
            .unwrap()
            .resolve_password(true)
            .await
            .expect("the failing command is not run");
        assert_eq!(t.properties[1], ("sasl.password".into(), "given".into()));
    }

    #[test]
    fn unknown_cluster_lists_known_ones() {
        let e = resolve_initial(
            &cli(&["--cluster", "nope"]),
            &file(),
            Some(Path::new("/c.toml")),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("nope") && e.contains("dev, prod") && e.contains("/c.toml"),
            "{e}"
        );
    }

    #[test]
    fn contexts_list_the_embedded_broker_once_with_bootstraps_and_colours() {
        let f = ConfigFile::parse(
            Path::new("c.toml"),
            r#"
[clusters.dev]
bootstrap = "localhost:9092"
[clusters.local]
embedded = true
color = "green"
[clusters.prod]
bootstrap = "p:9093"
color = "red"
"#,
        )
        .unwrap();
        let info = |name: &str, bootstrap: Option<&str>, color: Option<&str>| ContextInfo {
            name: name.into(),
            bootstrap: bootstrap.map(String::from),
            color: color.map(String::from),
        };
        assert_eq!(
            contexts(&cli(&[]), &f),
            vec![
                info("dev", Some("localhost:9092"), None),
                info("local", None, Some("green")),
                info("prod", Some("p:9093"), Some("red")),
            ]
        );
        // Starting with no flags is starting on that embedded broker, the one listed.
        assert_eq!(resolve_initial(&cli(&[]), &f, None).unwrap().name, "local");
        assert_eq!(
            contexts(&cli(&["-b", "x:1"]), &file())[..2],
            [
                info(EMBEDDED, None, None),
                info(COMMAND_LINE, Some("x:1"), None)
            ]
        );
    }

    #[test]
    fn contexts_list() {
        assert_eq!(
            context_names(&cli(&["-b", "x:1"]), &file()),
            vec!["embedded", "command line", "dev", "prod"]
        );
    }
}
