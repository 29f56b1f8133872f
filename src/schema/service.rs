//! The schema-registry task: the app sends commands (load schema 7, list the subjects, encode
//! this JSON), each runs in its own task off the UI path, and the answers come back as events.
//! The app never waits on the registry.

use std::sync::Arc;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::loaded::{self, LoadedSchema};
use super::registry::{RegistryClient, SchemaType, SubjectVersion, Version};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaCommand {
    /// Fetch and parse schema `id` (a record referred to it).
    Load(u32),
    /// The subjects, each with its versions and compatibility (`:schemas`).
    Subjects,
    /// One version of a subject, its text.
    Show { subject: String, version: Version },
    /// Encode typed JSON against a subject's version, for publishing; `tag` comes back.
    Encode {
        tag: u64,
        subject: String,
        version: Version,
        message: Option<String>,
        json: String,
    },
}

/// One row of the `:schemas` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectRow {
    pub subject: String,
    pub versions: Vec<u32>,
    /// The latest version: its number, schema id and type (`None` if it could not be read).
    pub latest: Option<(u32, u32, SchemaType)>,
    /// The subject's own compatibility level; `None`: the global one applies.
    pub compatibility: Option<String>,
    /// Why versions, latest or compatibility are missing, if they are.
    pub problem: Option<String>,
}

/// What `:schemas` lists: the global compatibility level and the subjects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectList {
    /// `Err`: why it could not be read.
    pub global: Result<Option<String>, String>,
    pub rows: Vec<SubjectRow>,
}

#[derive(Debug)]
pub enum SchemaEvent {
    Loaded {
        id: u32,
        result: Result<Arc<LoadedSchema>, String>,
    },
    Subjects(Result<SubjectList, String>),
    Shown {
        subject: String,
        version: Version,
        result: Result<Arc<SubjectVersion>, String>,
    },
    Encoded {
        tag: u64,
        result: Result<EncodedRecord, String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedRecord {
    pub bytes: Vec<u8>,
    pub subject: String,
    pub version: u32,
    pub id: u32,
}

/// How the app reaches the task. Sending never blocks.
#[derive(Debug, Clone)]
pub struct SchemaHandle {
    tx: mpsc::UnboundedSender<SchemaCommand>,
    /// The registry's URL without credentials, for the UI.
    pub url: String,
}

impl SchemaHandle {
    pub fn send(&self, c: SchemaCommand) {
        // The task ends only with the session; a send after that has no one to answer.
        let _ = self.tx.send(c);
    }

    /// A handle whose commands land in the returned receiver (tests).
    pub fn detached(url: &str) -> (SchemaHandle, mpsc::UnboundedReceiver<SchemaCommand>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (
            SchemaHandle {
                tx,
                url: url.to_string(),
            },
            rx,
        )
    }
}

/// Starts the task; it ends when `cancel` fires or the handle is dropped.
pub fn spawn<E>(
    client: RegistryClient,
    events: mpsc::Sender<E>,
    cancel: CancellationToken,
) -> SchemaHandle
where
    E: From<SchemaEvent> + Send + 'static,
{
    let url = client.url().to_string();
    let (handle, mut rx) = SchemaHandle::detached(&url);
    let client = Arc::new(client);
    tokio::spawn(async move {
        loop {
            let cmd = tokio::select! {
                _ = cancel.cancelled() => break,
                c = rx.recv() => match c { Some(c) => c, None => break },
            };
            let (client, events, cancel) = (client.clone(), events.clone(), cancel.clone());
            tokio::spawn(async move {
                tokio::select! {
                    _ = cancel.cancelled() => {}
                    ev = run(&client, cmd) => { let _ = events.send(ev.into()).await; }
                }
            });
        }
    });
    handle
}

async fn run(client: &RegistryClient, cmd: SchemaCommand) -> SchemaEvent {
    match cmd {
        SchemaCommand::Load(id) => SchemaEvent::Loaded {
            id,
            result: loaded::load(client, id)
                .await
                .map(Arc::new)
                .map_err(|e| e.to_string()),
        },
        SchemaCommand::Subjects => SchemaEvent::Subjects(subjects(client).await),
        SchemaCommand::Show { subject, version } => {
            let result = client
                .version(&subject, version)
                .await
                .map_err(|e| e.to_string());
            SchemaEvent::Shown {
                subject,
                version,
                result,
            }
        }
        SchemaCommand::Encode {
            tag,
            subject,
            version,
            message,
            json,
        } => {
            let result = async {
                let s = loaded::load_version(client, &subject, version)
                    .await
                    .map_err(|e| e.to_string())?;
                let bytes = s
                    .encode(message.as_deref(), &json)
                    .map_err(|e| e.to_string())?;
                let (subject, version) =
                    s.subjects.first().cloned().unwrap_or((subject.clone(), 0));
                Ok(EncodedRecord {
                    bytes,
                    subject,
                    version,
                    id: s.id,
                })
            }
            .await;
            SchemaEvent::Encoded { tag, result }
        }
    }
}

/// Subjects with versions, latest schema and compatibility; the per-subject requests run a few
/// at a time.
async fn subjects(client: &RegistryClient) -> Result<SubjectList, String> {
    let mut names = client.subjects().await.map_err(|e| e.to_string())?;
    names.sort();
    let global = client.compatibility(None).await.map_err(|e| e.to_string());
    let rows = names.into_iter().map(|subject| async move {
        let (versions, latest, compat) = futures::join!(
            client.versions(&subject),
            client.version(&subject, Version::Latest),
            client.compatibility(Some(&subject))
        );
        let mut problem = None;
        let versions = versions.unwrap_or_else(|e| {
            problem = Some(e.to_string());
            Vec::new()
        });
        let latest = match latest {
            Ok(v) => Some((v.version, v.schema.id, v.schema.schema_type.clone())),
            Err(e) => {
                problem.get_or_insert(e.to_string());
                None
            }
        };
        let compatibility = compat.unwrap_or_else(|e| {
            problem.get_or_insert(e.to_string());
            None
        });
        SubjectRow {
            subject,
            versions,
            latest,
            compatibility,
            problem,
        }
    });
    // A registry with thousands of subjects is not asked all at once.
    use futures::StreamExt as _;
    let rows = futures::stream::iter(rows).buffered(8).collect().await;
    Ok(SubjectList { global, rows })
}
