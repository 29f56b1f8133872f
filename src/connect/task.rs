//! The Connect task: every HTTP request of the `:connect` view runs here, off the UI's path.
//! Commands come in on a channel; each request runs on its own tokio task, so a worker that is
//! slow holds up only its own answer; answers go out as `ConnectEvent`s. While the view is
//! open (`Watch(true)`) the connectors are asked for again every few seconds.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::client::RestartOptions;
use super::clusters::{ConnectClusters, Tagged};
use super::error::ConnectError;
use super::types::{Connector, ConnectorSpec, Plugin, Validation};

/// How often an open view's connector list is asked for again.
pub const WATCH_EVERY: Duration = Duration::from_secs(3);

/// A write on one connector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectOp {
    Pause,
    Resume,
    /// The connector alone.
    Restart,
    /// The connector and its tasks, only those that FAILED.
    RestartFailed,
    RestartTask(u32),
    Delete,
}

impl ConnectOp {
    /// For messages: "pausing", "restarting task 2", ...
    pub fn doing(&self) -> String {
        match self {
            ConnectOp::Pause => "pausing".into(),
            ConnectOp::Resume => "resuming".into(),
            ConnectOp::Restart => "restarting".into(),
            ConnectOp::RestartFailed => "restarting the failed tasks of".into(),
            ConnectOp::RestartTask(t) => format!("restarting task {t} of"),
            ConnectOp::Delete => "deleting".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectCommand {
    /// The connectors of every cluster, with their topics.
    Refresh,
    /// Start or stop asking for the connectors every `WATCH_EVERY`.
    Watch(bool),
    Plugins,
    Op {
        cluster: String,
        name: String,
        op: ConnectOp,
    },
    /// The worker's validate endpoint on the config, then (`save`, and valid) create or
    /// update it.
    Validate {
        cluster: String,
        spec: ConnectorSpec,
        save: bool,
        /// The connector exists: `PUT …/config`, else `POST /connectors`.
        update: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectEvent {
    /// A list request to this cluster is on its way (the view says how long it has waited).
    Asking {
        cluster: String,
    },
    /// One cluster's connectors (each cluster answers on its own: one slow or down worker
    /// holds up nothing else).
    Connectors(Tagged<Vec<Connector>>),
    Plugins(Vec<Tagged<Vec<Plugin>>>),
    /// A write's outcome: a one-line message either way.
    Done {
        cluster: String,
        name: String,
        result: Result<String, String>,
    },
    /// The validate endpoint's answer (or why there is none); `saved` when it was valid and
    /// the save that followed worked.
    Validated {
        cluster: String,
        name: String,
        result: Result<Validation, String>,
        saved: Option<Result<String, String>>,
    },
}

/// Sends commands to the task; cheap to clone. A handle whose task is gone drops commands.
#[derive(Clone, Debug)]
pub struct ConnectHandle {
    tx: mpsc::UnboundedSender<ConnectCommand>,
    names: Vec<String>,
}

impl ConnectHandle {
    pub fn send(&self, cmd: ConnectCommand) {
        let _ = self.tx.send(cmd);
    }

    /// The configured Connect clusters' names, in order (empty: none configured).
    pub fn clusters(&self) -> &[String] {
        &self.names
    }

    /// A handle with no task and no cluster, for sessions without Connect and tests.
    pub fn none() -> ConnectHandle {
        let (tx, _) = mpsc::unbounded_channel();
        ConnectHandle {
            tx,
            names: Vec::new(),
        }
    }

    /// A handle whose commands the caller reads (tests of the app's side).
    pub fn test(names: &[&str]) -> (ConnectHandle, mpsc::UnboundedReceiver<ConnectCommand>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let names = names.iter().map(|n| n.to_string()).collect();
        (ConnectHandle { tx, names }, rx)
    }
}

/// Starts the task. `read_only` refuses every write here too, whatever the UI sends.
pub fn spawn<E>(
    clusters: ConnectClusters,
    read_only: bool,
    events: mpsc::Sender<E>,
    cancel: CancellationToken,
) -> ConnectHandle
where
    E: From<ConnectEvent> + Send + 'static,
{
    let (tx, mut rx) = mpsc::unbounded_channel::<ConnectCommand>();
    let names = clusters.names().iter().map(|n| n.to_string()).collect();
    tokio::spawn(async move {
        let mut watching = false;
        let mut every = tokio::time::interval(WATCH_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // At most one list request in flight per cluster: a slow worker does not pile them up.
        let busy = Arc::new(Mutex::new(HashSet::<String>::new()));
        loop {
            let cmd = tokio::select! {
                _ = cancel.cancelled() => return,
                c = rx.recv() => match c { Some(c) => c, None => return },
                _ = every.tick(), if watching => ConnectCommand::Refresh,
            };
            match cmd {
                ConnectCommand::Watch(on) => {
                    watching = on;
                    every.reset();
                }
                ConnectCommand::Refresh => {
                    for name in clusters.names() {
                        let name = name.to_string();
                        if !busy.lock().expect("not poisoned").insert(name.clone()) {
                            continue;
                        }
                        let (clusters, events, busy) =
                            (clusters.clone(), events.clone(), busy.clone());
                        tokio::spawn(async move {
                            let asking = ConnectEvent::Asking {
                                cluster: name.clone(),
                            };
                            let _ = events.send(E::from(asking)).await;
                            let Some(c) = clusters.get(&name) else { return };
                            let result = c.connectors_with_topics().await;
                            busy.lock().expect("not poisoned").remove(&name);
                            let tagged = Tagged {
                                cluster: name,
                                url: c.url().to_string(),
                                result,
                            };
                            let _ = events.send(E::from(ConnectEvent::Connectors(tagged))).await;
                        });
                    }
                }
                cmd => {
                    let (clusters, events) = (clusters.clone(), events.clone());
                    tokio::spawn(async move {
                        if let Some(ev) = run(&clusters, read_only, cmd).await {
                            let _ = events.send(E::from(ev)).await;
                        }
                    });
                }
            }
        }
    });
    ConnectHandle { tx, names }
}

/// The message of a write refused in read-only mode: the same wording as every other write.
pub fn read_only_refusal(what: &str) -> String {
    format!("read-only: {what} is disabled (--read-only / read_only = true)")
}

async fn run(
    clusters: &ConnectClusters,
    read_only: bool,
    cmd: ConnectCommand,
) -> Option<ConnectEvent> {
    let unknown = |c: &str| format!("no Connect cluster named {c:?}");
    Some(match cmd {
        ConnectCommand::Watch(_) | ConnectCommand::Refresh => return None,
        ConnectCommand::Plugins => ConnectEvent::Plugins(clusters.plugins(true).await),
        ConnectCommand::Op { cluster, name, op } => {
            let result = if read_only {
                Err(read_only_refusal("changing connectors"))
            } else {
                match clusters.get(&cluster) {
                    None => Err(unknown(&cluster)),
                    Some(c) => {
                        let r = match &op {
                            ConnectOp::Pause => c.pause(&name).await,
                            ConnectOp::Resume => c.resume(&name).await,
                            ConnectOp::Restart => {
                                c.restart(&name, RestartOptions::default()).await.map(drop)
                            }
                            ConnectOp::RestartFailed => c
                                .restart(&name, RestartOptions::only_failed())
                                .await
                                .map(drop),
                            ConnectOp::RestartTask(t) => c.restart_task(&name, *t).await,
                            ConnectOp::Delete => c.delete(&name).await,
                        };
                        r.map(|()| format!("{cluster}: {} {name}: done", op.doing()))
                            .map_err(|e| format!("{cluster}: {} {name} failed: {e}", op.doing()))
                    }
                }
            };
            ConnectEvent::Done {
                cluster,
                name,
                result,
            }
        }
        ConnectCommand::Validate {
            cluster,
            spec,
            save,
            update,
        } => {
            let name = spec.name.clone();
            let Some(c) = clusters.get(&cluster) else {
                return Some(ConnectEvent::Validated {
                    cluster: cluster.clone(),
                    name,
                    result: Err(unknown(&cluster)),
                    saved: None,
                });
            };
            // The validate endpoint checks `name` as a config field, which the editor's JSON
            // keeps beside the config.
            let mut config = spec.config.clone();
            config.insert("name".into(), spec.name.clone());
            let result = c.validate("", &config).await.map_err(|e| e.to_string());
            let saved = match &result {
                Ok(v) if save && v.is_valid() => Some(if read_only {
                    Err(read_only_refusal("changing connectors"))
                } else {
                    save_spec(c, &spec, update)
                        .await
                        .map(|verb| format!("{cluster}: {verb} {name}"))
                        .map_err(|e| format!("{cluster}: saving {name} failed: {e}"))
                }),
                _ => None,
            };
            ConnectEvent::Validated {
                cluster,
                name,
                result,
                saved,
            }
        }
    })
}

async fn save_spec(
    c: &super::ConnectClient,
    spec: &ConnectorSpec,
    update: bool,
) -> Result<&'static str, ConnectError> {
    if update {
        let (_, created) = c.update(&spec.name, &spec.config).await?;
        Ok(if created { "created" } else { "updated" })
    } else {
        c.create(spec).await.map(|_| "created")
    }
}
