//! The TUI's file jobs: `:export FILE` writes the held records, `:produce-file FILE` publishes
//! a file. Each runs on a blocking thread, off the UI path, and reports its progress and its
//! end as events; one job runs at a time, and quitting (or switching cluster) stops it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::event::Event;
use crate::export::{decode_with, FileFormat, Writer};
use crate::kafka::client::ClientSettings;
use crate::model::Record;
use crate::replay::{self, ReplaySpec};
use crate::schema::loaded::LoadedSchema;

/// How often a job says how far it got.
const PROGRESS_EVERY: Duration = Duration::from_millis(200);

/// Records to export: each with what the jq program showed of it, if one is set.
pub struct ExportJob {
    pub path: PathBuf,
    pub records: Vec<(Record, Option<String>)>,
    /// The schemas the records refer to, as the app knows them (`Err`: why not loaded).
    pub schemas: HashMap<u32, Result<Arc<LoadedSchema>, String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileEvent {
    /// `line` is the progress as words and a bar, `done` of `total` where known.
    Progress { line: String },
    /// The job ended: what it did, or why it failed.
    Done { ok: bool, message: String },
}

/// Starts file jobs for one session.
#[derive(Clone)]
pub struct FilesHandle {
    settings: ClientSettings,
    events: mpsc::Sender<Event>,
    cancel: CancellationToken,
    busy: Arc<AtomicBool>,
}

impl std::fmt::Debug for FilesHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilesHandle")
            .field("busy", &self.busy.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// `~/x` is the home directory's x, as a shell would say.
pub fn expand(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), dirs::home_dir()) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(path),
    }
}

impl FilesHandle {
    pub fn new(
        settings: ClientSettings,
        events: mpsc::Sender<Event>,
        cancel: CancellationToken,
    ) -> FilesHandle {
        FilesHandle {
            settings,
            events,
            cancel,
            busy: Arc::new(AtomicBool::new(false)),
        }
    }

    pub fn busy(&self) -> bool {
        self.busy.load(Ordering::Relaxed)
    }

    /// Runs `job` on a blocking thread unless one runs already (then: why not).
    fn start(
        &self,
        job: impl FnOnce(&dyn Fn(FileEvent), &CancellationToken) -> FileEvent + Send + 'static,
    ) -> Result<(), String> {
        if self.busy.swap(true, Ordering::AcqRel) {
            return Err("a file job is running: wait for it to end".into());
        }
        let (events, cancel, busy) = (self.events.clone(), self.cancel.clone(), self.busy.clone());
        tokio::task::spawn_blocking(move || {
            let say = |e: FileEvent| {
                // Progress may be dropped when the app is behind; the end never is.
                let _ = events.try_send(Event::File(e));
            };
            let end = job(&say, &cancel);
            busy.store(false, Ordering::Release);
            let _ = events.blocking_send(Event::File(end));
        });
        Ok(())
    }

    /// `:export`: writes `job.records` to `job.path` (CSV for `.csv`, else JSON Lines).
    pub fn export(&self, job: ExportJob) -> Result<(), String> {
        if job.path.exists() {
            return Err(format!(
                "{} exists: export to a new file (nothing is overwritten)",
                job.path.display()
            ));
        }
        self.start(move |say, cancel| match export(&job, say, cancel) {
            Ok(n) => FileEvent::Done {
                ok: true,
                message: format!(
                    "exported {} to {}",
                    crate::model::count(n, "record"),
                    job.path.display()
                ),
            },
            Err(e) => FileEvent::Done {
                ok: false,
                message: format!("export to {} failed: {e}", job.path.display()),
            },
        })
    }

    /// `:produce N`: publishes `n` records to `topic`, each from `template` filled anew,
    /// `{{seq}}` counting on from `fill.seq`.
    pub fn produce_generated(
        &self,
        topic: String,
        partition: Option<i32>,
        n: u64,
        template: crate::template::DraftTemplate,
        mut fill: crate::template::Fill,
    ) -> Result<(), String> {
        if self.settings.read_only {
            return Err(crate::connect::read_only_refusal("publishing"));
        }
        let settings = self.settings.clone();
        self.start(move |say, cancel| {
            let records = (0..n).map(|_| {
                let d = template.render(&mut fill);
                Ok(Record {
                    topic: topic.clone(),
                    partition: -1,
                    offset: -1,
                    timestamp_ms: None,
                    leader_epoch: None,
                    key: d.key,
                    value: Some(d.value),
                    headers: d.headers,
                })
            });
            let result = replay::publish_all(
                &settings,
                None,
                partition,
                Some(n),
                records,
                |sent, total, r| {
                    say(FileEvent::Progress {
                        line: format!(
                            "producing to {topic}: {}",
                            replay::progress_line(sent, total, r)
                        ),
                    });
                    !cancel.is_cancelled()
                },
            );
            match result {
                Ok(r) => FileEvent::Done {
                    ok: r.ok(),
                    message: format!(
                        "{} → {topic}: {}",
                        crate::model::count(n, "record"),
                        r.summary()
                    ),
                },
                Err(e) => FileEvent::Done {
                    ok: false,
                    message: e.to_string(),
                },
            }
        })
    }

    /// `:layout save`: writes `layout` into the config file's `[layout]`.
    pub fn save_layout(&self, path: PathBuf, layout: crate::ui::Arrangement) -> Result<(), String> {
        self.start(
            move |_, _| match crate::layout_config::save(&path, &layout) {
                Ok(()) => FileEvent::Done {
                    ok: true,
                    message: format!(
                        "{} saved to {} ([layout])",
                        crate::layout_config::describe(&layout),
                        path.display()
                    ),
                },
                Err(e) => FileEvent::Done {
                    ok: false,
                    message: format!("cannot save the layout to {}: {e}", path.display()),
                },
            },
        )
    }

    /// `:produce-file`: publishes a file to `topic` (JSON Lines for `.jsonl`, else a value a
    /// line), at most `rate` records a second.
    pub fn produce(&self, path: PathBuf, topic: String, rate: Option<f64>) -> Result<(), String> {
        if self.settings.read_only {
            return Err(crate::connect::read_only_refusal("publishing a file"));
        }
        let settings = self.settings.clone();
        self.start(move |say, cancel| {
            let format = match FileFormat::of_path(&path) {
                FileFormat::JsonLines => FileFormat::JsonLines,
                _ => FileFormat::Text,
            };
            let spec = ReplaySpec {
                topic: Some(topic.clone()),
                file: path.clone(),
                format,
                key_delimiter: None,
                rate,
                partition: None,
            };
            let result = replay::run(&settings, &spec, |sent, total, r| {
                say(FileEvent::Progress {
                    line: format!(
                        "publishing {}: {}",
                        path.display(),
                        replay::progress_line(sent, total, r)
                    ),
                });
                !cancel.is_cancelled()
            });
            match result {
                Ok(r) => FileEvent::Done {
                    ok: r.ok(),
                    message: format!("{} → {topic}: {}", path.display(), r.summary()),
                },
                Err(e) => FileEvent::Done {
                    ok: false,
                    message: e.to_string(),
                },
            }
        })
    }
}

fn export(
    job: &ExportJob,
    say: &dyn Fn(FileEvent),
    cancel: &CancellationToken,
) -> std::io::Result<u64> {
    let file = create_new(&job.path)?;
    let mut w = Writer::new(
        FileFormat::of_path(&job.path).or_jsonl(),
        std::io::BufWriter::new(file),
    );
    let total = job.records.len() as u64;
    let mut last = Instant::now();
    let schema = |id: u32| {
        job.schemas
            .get(&id)
            .cloned()
            .unwrap_or_else(|| Err("not loaded yet".into()))
    };
    for (i, (r, shown)) in job.records.iter().enumerate() {
        if cancel.is_cancelled() {
            return Err(std::io::Error::other("cancelled"));
        }
        let k = decode_with(&r.topic, true, r.key.as_deref(), schema);
        let v = decode_with(&r.topic, false, r.value.as_deref(), schema);
        let jq = shown.as_ref().map(|s| vec![s.clone()]);
        w.write(r, &k, &v, jq.as_deref())?;
        if last.elapsed() >= PROGRESS_EVERY {
            last = Instant::now();
            say(FileEvent::Progress {
                line: format!(
                    "exporting to {}: {}",
                    job.path.display(),
                    replay::bar(i as u64 + 1, Some(total))
                ),
            });
        }
    }
    w.flush()?;
    Ok(total)
}

/// Creates the file, failing if it exists (checked again here: it may have appeared since).
fn create_new(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}
