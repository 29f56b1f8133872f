//! What the record detail asks of the terminal (`TermRequest`): a copy with OSC 52, written
//! straight to the terminal (tmux passes it on with `set-clipboard on`), or the value in
//! `$PAGER`/`$EDITOR` with the terminal handed over and taken back whole.

use std::io::Write as _;

use crate::state::record::{osc52, TermRequest};
use crate::tui::{self, Term};

/// Carries out `req`; gives the status-line text, and whether it is an error.
pub async fn perform(term: &mut Term, req: TermRequest) -> (String, bool) {
    match req {
        TermRequest::Copy { bytes, what } => {
            let out = term.backend_mut();
            let r = out
                .write_all(osc52(&bytes).as_bytes())
                .and_then(|()| out.flush());
            match r {
                Ok(()) => (
                    format!("copied {what} ({} bytes) with OSC 52", bytes.len()),
                    false,
                ),
                Err(e) => (format!("cannot copy: {e}"), true),
            }
        }
        TermRequest::Open { editor, bytes } => {
            let (var, default) = if editor {
                ("EDITOR", "vi")
            } else {
                ("PAGER", "less")
            };
            let program = std::env::var(var)
                .ok()
                .filter(|p| !p.trim().is_empty())
                .unwrap_or_else(|| default.to_string());
            let path = std::env::temp_dir().join(format!(
                "kafka-tui-value-{}-{}.txt",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos())
            ));
            if let Err(e) = std::fs::write(&path, &bytes) {
                return (format!("cannot write {}: {e}", path.display()), true);
            }
            tui::restore();
            // Through the shell, so `PAGER="less -R"` works as it does elsewhere.
            let status = tokio::process::Command::new("sh")
                .arg("-c")
                .arg(format!("{program} \"$1\""))
                .arg("sh")
                .arg(&path)
                .status()
                .await;
            let _ = std::fs::remove_file(&path);
            if let Err(e) = tui::resume(term) {
                return (format!("cannot take the terminal back: {e}"), true);
            }
            match status {
                Ok(s) if s.success() => (format!("back from {program}"), false),
                Ok(s) => (format!("{program} ended with {s}"), true),
                Err(e) => (format!("cannot run {program} (${var}): {e}"), true),
            }
        }
    }
}
