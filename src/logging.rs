//! kafka-tui's own log goes to a file, never to the screen the UI owns.

use std::fs::OpenOptions;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::PathBuf;
use std::sync::Mutex;

use anyhow::Context as _;
use tracing_subscriber::EnvFilter;

pub fn default_path() -> PathBuf {
    dirs::state_dir()
        .or_else(dirs::cache_dir)
        .unwrap_or_else(std::env::temp_dir)
        .join("kafka-tui")
        .join("kafka-tui.log")
}

/// Starts logging to `path` at the level in `KAFKA_TUI_LOG` (or `RUST_LOG`), default `info`.
///
/// The log may name clusters, topics, hosts and (at debug level) whatever librdkafka says: it
/// is the user's alone. It is created 0600, the directories kafka-tui creates for it 0700, and
/// a log file of ours that others can read (from an older version) is made private.
pub fn init(path: &PathBuf) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot open log file {}", path.display()))?;
    if let Ok(meta) = file.metadata() {
        if meta.is_file() && meta.permissions().mode() & 0o077 != 0 {
            let _ = file.set_permissions(std::fs::Permissions::from_mode(0o600));
        }
    }
    let filter = std::env::var("KAFKA_TUI_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info".into());
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_new(&filter).unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .init();
    Ok(())
}
