//! Terminal set-up and tear-down, and a panic hook that always gives the terminal back.

use std::io::{stdout, IsTerminal, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use crossterm::{cursor, execute};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Set while the terminal is ours, so `restore` writes nothing before `init` (an early error
/// must leave stdout clean) or twice.
static TAKEN: AtomicBool = AtomicBool::new(false);

pub fn init() -> anyhow::Result<Term> {
    if !std::io::stdout().is_terminal() {
        anyhow::bail!("kafka-tui needs a terminal: its output is not one (run it in a terminal, or under tmux)");
    }
    TAKEN.store(true, Ordering::SeqCst);
    enable_raw_mode()?;
    execute!(
        stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )?;
    let mut term = Terminal::new(CrosstermBackend::new(stdout()))?;
    term.clear()?;
    Ok(term)
}

/// Leaves raw mode and the alternate screen and shows the cursor. Safe to call twice.
pub fn restore() {
    if !TAKEN.swap(false, Ordering::SeqCst) {
        return;
    }
    let _ = execute!(
        stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = disable_raw_mode();
}

/// On panic: restore the terminal first, so the message is readable, then say where the log is.
pub fn install_panic_hook(log_path: Option<String>) {
    let original = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        original(info);
        tracing::error!("panic: {info}");
        if let Some(p) = &log_path {
            eprintln!("kafka-tui crashed; its log is at {p}");
        }
    }));
}
