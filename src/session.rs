//! Builds a session for a target: the cluster (embedded or connected), the log sources, the
//! Kafka task and the App. No terminal involved, so tests and benchmarks can use it too.

use std::net::SocketAddr;

use anyhow::Context as _;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::app::{App, ClusterView, Connection};
use crate::cli::{Cli, DEFAULT_LISTEN};
use crate::config::target::{LogSources, Target};
use crate::event::{Inbox, KafkaEvent, LogEvent};
use crate::kafka::client::ClientSettings;
use crate::kafka::embedded::mock::{MockBroker, MockOptions};
use crate::kafka::service;
use crate::logsource::{self, LogSourceDef, LogSpec};
use crate::model::StartFrom;
use crate::state::logs::{LogsState, DEFAULT_MAX_LINES};
use crate::state::tail::{TailState, DEFAULT_MAX_BYTES};
use crate::theme::Theme;

/// Events from background tasks queue here at most, per channel (Kafka, logs); senders wait
/// beyond it (back-pressure).
pub const EVENT_QUEUE: usize = 256;

/// What the flags say about any session, whichever cluster it talks to.
#[derive(Debug, Clone)]
pub struct Options {
    pub listen: SocketAddr,
    pub listen_is_default: bool,
    pub demo: bool,
    pub buffer: usize,
    /// `-t`: a topic, with `#0,2` for some of its partitions.
    pub topic: Option<String>,
    pub from: StartFrom,
    /// `--until`: where tails stop.
    pub until: Option<crate::model::Until>,
    /// The producer's history file; `None` with `--no-history`.
    pub history: Option<std::path::PathBuf>,
    /// The keys in force (the config file's `[keys.*]` over the defaults).
    pub keymap: crate::keymap::Keymap,
    /// The panes' arrangement to start with (`[layout]`).
    pub layout: crate::ui::Arrangement,
    /// The config file `:layout save` writes to (the one read, else where it would be).
    pub config_path: Option<std::path::PathBuf>,
    /// The clusters `:ctx` lists.
    pub contexts: Vec<crate::model::ContextInfo>,
    /// The pane focused at the start (Topics; a `:ctx` switch keeps the person's).
    pub focus: crate::state::Pane,
}

impl Options {
    pub fn from_cli(cli: &Cli) -> Options {
        Options {
            listen: cli.listen,
            listen_is_default: cli.listen.to_string() == DEFAULT_LISTEN,
            demo: !cli.no_demo,
            buffer: cli.buffer,
            topic: cli.topic.clone(),
            from: cli.from.unwrap_or(crate::cli::DEFAULT_START),
            until: cli.until,
            history: (!cli.no_history).then(crate::history_file::default_path),
            keymap: Default::default(),
            layout: Default::default(),
            config_path: None,
            contexts: Vec::new(),
            focus: crate::state::Pane::Topics,
        }
    }
}

pub struct Session {
    pub app: App,
    pub events: Inbox,
    pub broker: Option<MockBroker>,
    pub cancel: CancellationToken,
    pub kafka_task: tokio::task::JoinHandle<()>,
}

impl Session {
    pub async fn shutdown(mut self) {
        // The Kafka task ends by itself on `cancel`, joining its tail: never aborted, so no
        // librdkafka thread is left running (see `service::spawn_until`).
        self.cancel.cancel();
        let _ = (&mut self.kafka_task).await;
        if let Some(mut b) = self.broker.take() {
            let _ = tokio::task::spawn_blocking(move || b.shutdown()).await;
        }
    }
}

pub async fn start(target: &Target, opts: &Options, theme: Theme) -> anyhow::Result<Session> {
    let (kafka_tx, kafka_rx) = mpsc::channel::<KafkaEvent>(EVENT_QUEUE);
    let (log_tx, log_rx) = mpsc::channel::<LogEvent>(EVENT_QUEUE);
    let cancel = CancellationToken::new();
    let mut sources = Vec::new();
    let mut broker = None;
    let mut settings;
    let cluster;
    match &target.bootstrap {
        None => {
            let (broker_lines, broker_lines_rx) = mpsc::channel::<String>(8192);
            let b = MockBroker::start(MockOptions {
                listen: opts.listen,
                listen_is_default: opts.listen_is_default,
                log_lines: Some(broker_lines),
                // Seeded below, once the Kafka task runs: startup does not wait for it.
                demo: false,
            })
            .await
            .context("cannot start the embedded broker")?;
            let addr = b.address();
            tracing::info!("embedded broker ({}) listening on {addr}", b.engine());
            sources.push(LogSourceDef {
                name: "broker".into(),
                spec: LogSpec::Channel(broker_lines_rx),
            });
            // Log flags still work with the embedded broker (say, to follow an application's
            // log next to it): they are added, not silently dropped.
            let l = &target.logs;
            if l.broker_file.is_some() || l.broker_cmd.is_some() {
                sources.push(LogSourceDef {
                    name: "broker (flag)".into(),
                    spec: log_spec(&l.broker_file, &l.broker_cmd, "broker"),
                });
            }
            let zookeeper = if l.zookeeper_file.is_some() || l.zookeeper_cmd.is_some() {
                log_spec(&l.zookeeper_file, &l.zookeeper_cmd, "zookeeper")
            } else {
                LogSpec::Note(
                    "the embedded broker runs without ZooKeeper, so there is no ZooKeeper log. \
                     Connect to a real cluster with --zookeeper-log-cmd to follow one."
                        .into(),
                )
            };
            sources.push(LogSourceDef {
                name: "zookeeper".into(),
                spec: zookeeper,
            });
            settings = ClientSettings::new(addr.to_string());
            settings.embedded = true;
            settings.embedded_admin = Some(b.admin());
            cluster = ClusterView {
                label: "embedded broker".into(),
                address: addr.to_string(),
                embedded: Some((b.engine().to_string(), b.capabilities())),
                connection: Connection::Connecting,
                last_error: None,
            };
            broker = Some(b);
        }
        Some(bootstrap) => {
            sources.extend(log_sources(&target.logs));
            settings = ClientSettings::new(bootstrap.clone());
            cluster = ClusterView {
                label: if target.name == crate::config::target::COMMAND_LINE {
                    "cluster".into()
                } else {
                    format!("cluster {}", target.name)
                },
                address: bootstrap.clone(),
                embedded: None,
                connection: Connection::Connecting,
                last_error: None,
            };
        }
    }
    settings.properties = target.properties.clone();
    settings.read_only = target.read_only;
    let logs_state = LogsState::new(
        sources
            .iter()
            .map(|s| (s.name.clone(), s.spec.describe()))
            .collect(),
        DEFAULT_MAX_LINES,
    );
    logsource::spawn_all(sources, log_tx, cancel.clone());
    let (more_tx, more_rx) = mpsc::channel::<crate::event::Event>(EVENT_QUEUE);
    // `:connect` and `:streams`: their own tasks, so a slow worker or a long discovery never
    // holds up the Kafka task or the screen.
    let connect = if target.connect.is_empty() {
        crate::connect::ConnectHandle::none()
    } else {
        let clusters = crate::connect::ConnectClusters::new(&target.connect, Default::default())
            .context("Connect clusters (--connect / connect = [...])")?;
        crate::connect::spawn(clusters, target.read_only, more_tx.clone(), cancel.clone())
    };
    let streams = crate::streams::spawn(
        settings.clone(),
        target.streams_topology.clone(),
        more_tx.clone(),
        cancel.clone(),
    );
    let files = crate::files::FilesHandle::new(settings.clone(), more_tx.clone(), cancel.clone());
    let (kafka, kafka_task) = service::spawn_until(settings, kafka_tx, cancel.clone())
        .context("cannot create Kafka clients")?;
    if let (Some(b), true) = (&broker, opts.demo) {
        let seeding = b.seed_demo();
        let kafka = kafka.clone();
        tokio::spawn(async move {
            match seeding.await {
                // The list shows `demo` at once instead of at the next refresh.
                Ok(n) => {
                    tracing::info!("seeded the demo topic with {n} records");
                    kafka.send(crate::kafka::api::KafkaCommand::RefreshTopics);
                }
                Err(e) => tracing::warn!("cannot seed the demo topic: {e:#}"),
            }
        });
    }
    let options = crate::app::AppOptions {
        focus: opts.focus,
        pending_topic: opts.topic.clone(),
        default_start: opts.from,
        default_until: opts.until,
        keymap: opts.keymap.clone(),
        layout: opts.layout,
        config_path: opts.config_path.clone(),
        read_only: target.read_only,
        context: target.name.clone(),
        contexts: opts.contexts.clone(),
        cluster_color: target.color.clone(),
        connect,
        streams,
        streams_topology_configured: !target.streams_topology.is_empty(),
        files: Some(files),
    };
    let mut app = App::with_options(
        kafka,
        cluster,
        logs_state,
        TailState::new(opts.buffer, DEFAULT_MAX_BYTES),
        theme,
        options,
    );
    if let Some(note) = app.theme.note.clone() {
        app.say(note);
    }
    if let Some(path) = &opts.history {
        // A small file (bounded by history_file), read once before the first frame.
        let (entries, warning) = crate::history_file::load(path);
        app.producer.history =
            crate::state::producer_history::History::from_entries(entries.clone());
        app.history_file = Some(crate::history_file::Writer::start(path.clone(), entries));
        if let Some(w) = warning {
            app.warn(w);
        }
    }
    if let Some(r) = &target.schema_registry {
        match crate::schema::registry::RegistryClient::new(r.config()) {
            Ok(client) => {
                app.schemas.handle = Some(crate::schema::service::spawn(
                    client,
                    more_tx,
                    cancel.clone(),
                ));
            }
            // The cluster still works without it: say why records stay undecoded.
            Err(e) => app.warn(format!("schema registry not used: {e}")),
        }
    }
    // The mock speaks PLAINTEXT only: say why a SASL or SSL setting fails on it (issue 10.6).
    if broker.is_some() {
        if let Some((_, p)) =
            target.properties.iter().rev().find(|(k, v)| {
                k == "security.protocol" && !v.trim().eq_ignore_ascii_case("plaintext")
            })
        {
            app.warn(format!(
                "the embedded broker speaks PLAINTEXT only (no SASL, no TLS): security.protocol={} fails against it; connect to a real cluster with -b",
                p.trim()
            ));
        }
    }
    Ok(Session {
        app,
        events: Inbox::new(kafka_rx, log_rx).with_more(more_rx),
        broker,
        cancel,
        kafka_task,
    })
}

fn log_sources(l: &LogSources) -> Vec<LogSourceDef> {
    vec![
        LogSourceDef {
            name: "broker".into(),
            spec: log_spec(&l.broker_file, &l.broker_cmd, "broker"),
        },
        LogSourceDef {
            name: "zookeeper".into(),
            spec: log_spec(&l.zookeeper_file, &l.zookeeper_cmd, "zookeeper"),
        },
    ]
}

fn log_spec(file: &Option<std::path::PathBuf>, cmd: &Option<String>, name: &str) -> LogSpec {
    match (file, cmd) {
        (Some(p), _) => LogSpec::File(p.clone()),
        (None, Some(c)) => LogSpec::Command(c.clone()),
        (None, None) => LogSpec::Note(format!(
            "no {name} log configured: start kafka-tui with --{name}-log PATH or --{name}-log-cmd 'docker logs -f {name}', \
             or set {name}_log_cmd in the config file"
        )),
    }
}
