//! kafka-tui's own log goes to a file, never to the screen the UI owns.

use std::fs::OpenOptions;
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
pub fn init(path: &PathBuf) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open log file {}", path.display()))?;
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
