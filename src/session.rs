//! Builds a session from the flags: the cluster (embedded or connected), the log sources, the
//! Kafka task and the App. No terminal involved, so tests and benchmarks can use it too.

use anyhow::Context as _;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::app::{App, ClusterView, Connection};
use crate::broker::logs::{self, LogSourceDef, LogSpec};
use crate::broker::mock::{MockBroker, MockOptions};
use crate::broker::EmbeddedBroker;
use crate::cli::{Cli, DEFAULT_LISTEN};
use crate::event::Event;
use crate::kafka::client::ClientSettings;
use crate::kafka::service;
use crate::state::logs::{LogsState, DEFAULT_MAX_LINES};
use crate::state::tail::{TailState, DEFAULT_MAX_BYTES};
use crate::theme::Theme;

/// Events from background tasks queue here at most; senders wait beyond it (back-pressure).
pub const EVENT_QUEUE: usize = 256;

pub struct Session {
    pub app: App,
    pub events: mpsc::Receiver<Event>,
    pub broker: Option<MockBroker>,
    pub cancel: CancellationToken,
    pub kafka_task: tokio::task::JoinHandle<()>,
}

impl Session {
    pub async fn shutdown(mut self) {
        self.cancel.cancel();
        self.kafka_task.abort();
        if let Some(mut b) = self.broker.take() {
            let _ = tokio::task::spawn_blocking(move || b.shutdown()).await;
        }
    }
}

pub async fn start(cli: &Cli, theme: Theme) -> anyhow::Result<Session> {
    let (tx, rx) = mpsc::channel::<Event>(EVENT_QUEUE);
    let cancel = CancellationToken::new();
    let mut sources = Vec::new();
    let mut broker = None;
    let (settings, cluster) = match &cli.bootstrap {
        None => {
            let (log_tx, log_rx) = mpsc::channel::<String>(8192);
            let b = MockBroker::start(MockOptions {
                listen: cli.listen,
                listen_is_default: cli.listen.to_string() == DEFAULT_LISTEN,
                log_lines: Some(log_tx),
                demo: !cli.no_demo,
            })
            .await
            .context("cannot start the embedded broker")?;
            let addr = b.address();
            tracing::info!("embedded broker ({}) listening on {addr}", b.engine());
            sources.push(LogSourceDef {
                name: "broker".into(),
                spec: LogSpec::Channel(log_rx),
            });
            sources.push(LogSourceDef {
                name: "zookeeper".into(),
                spec: LogSpec::Note(
                    "the embedded broker runs without ZooKeeper, so there is no ZooKeeper log. \
                     Connect to a real cluster with --zookeeper-log-cmd to follow one."
                        .into(),
                ),
            });
            let mut settings = ClientSettings::new(addr.to_string());
            settings.embedded = true;
            settings.properties = cli.properties.clone();
            let cluster = ClusterView {
                label: "embedded broker".into(),
                address: addr.to_string(),
                embedded: Some((b.engine().to_string(), b.capabilities())),
                connection: Connection::Connecting,
                last_error: None,
            };
            broker = Some(b);
            (settings, cluster)
        }
        Some(bootstrap) => {
            sources.push(LogSourceDef {
                name: "broker".into(),
                spec: log_spec(&cli.broker_log, &cli.broker_log_cmd, "broker"),
            });
            sources.push(LogSourceDef {
                name: "zookeeper".into(),
                spec: log_spec(&cli.zookeeper_log, &cli.zookeeper_log_cmd, "zookeeper"),
            });
            let mut settings = ClientSettings::new(bootstrap.clone());
            settings.properties = cli.properties.clone();
            let cluster = ClusterView {
                label: "cluster".into(),
                address: bootstrap.clone(),
                embedded: None,
                connection: Connection::Connecting,
                last_error: None,
            };
            (settings, cluster)
        }
    };
    let logs_state = LogsState::new(
        sources
            .iter()
            .map(|s| (s.name.clone(), s.spec.describe()))
            .collect(),
        DEFAULT_MAX_LINES,
    );
    logs::spawn_all(sources, tx.clone(), cancel.clone());
    let (kafka, kafka_task) =
        service::spawn(settings, tx).context("cannot create Kafka clients")?;
    let mut app = App::new(
        kafka,
        cluster,
        logs_state,
        TailState::new(cli.buffer, DEFAULT_MAX_BYTES),
        theme,
    );
    app.pending_topic = cli.topic.clone();
    app.default_start = cli.from;
    Ok(Session {
        app,
        events: rx,
        broker,
        cancel,
        kafka_task,
    })
}

fn log_spec(file: &Option<std::path::PathBuf>, cmd: &Option<String>, name: &str) -> LogSpec {
    match (file, cmd) {
        (Some(p), _) => LogSpec::File(p.clone()),
        (None, Some(c)) => LogSpec::Command(c.clone()),
        (None, None) => LogSpec::Note(format!(
            "no {name} log configured: start kafka-tui with --{name}-log PATH or --{name}-log-cmd 'docker logs -f {name}'"
        )),
    }
}
