//! Terminal set-up and tear-down, suspend and resume (Ctrl+Z, `fg`), and a panic hook that
//! gives the terminal back when the UI thread panics and reports a panic anywhere else on
//! screen while the UI goes on. Fatal signals are `signals`' business.

use std::io::{stdout, BufWriter, IsTerminal, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::thread::ThreadId;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use crossterm::{cursor, execute};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

use crate::signals;

/// Frames go out through one buffer, flushed by ratatui at the end of each draw: a frame is
/// one write instead of one per KiB (std's stdout buffers 1 KiB), so a terminal (or tmux, or
/// ssh) never shows half of one.
pub type Term = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

/// Larger than a full frame of a big terminal with colours.
const FRAME_BUFFER: usize = 256 * 1024;

/// Set while the terminal is ours, so `restore` writes nothing before `init` (an early error
/// must leave stdout clean) or twice.
static TAKEN: AtomicBool = AtomicBool::new(false);

pub fn init() -> anyhow::Result<Term> {
    if !std::io::stdout().is_terminal() {
        anyhow::bail!("kafka-tui needs a terminal: its output is not one (run it in a terminal, or under tmux)");
    }
    TAKEN.store(true, Ordering::SeqCst);
    // Before raw mode: the modes a fatal signal puts back.
    signals::arm();
    enable_raw_mode()?;
    enter(&mut stdout())?;
    let mut term = Terminal::new(CrosstermBackend::new(BufWriter::with_capacity(
        FRAME_BUFFER,
        stdout(),
    )))?;
    term.clear()?;
    Ok(term)
}

/// The screen modes kafka-tui runs in, entered at start and again after a suspend.
fn enter(out: &mut impl Write) -> std::io::Result<()> {
    execute!(
        out,
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )
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
    signals::disarm();
}

/// Ctrl+Z (or SIGTSTP): gives the terminal back, stops the process until `fg` (SIGCONT), then
/// takes the terminal again and draws everything anew.
pub fn suspend(term: &mut Term) -> anyhow::Result<()> {
    restore();
    signals::stop_self();
    resume(term)
}

/// Takes the terminal again after the process was stopped and continued. The shell may have
/// reset the terminal's modes meanwhile (it does when a job stops), so raw mode is set afresh
/// even when crossterm thinks it is on; the screen is cleared so the next frame is whole.
pub fn resume(term: &mut Term) -> anyhow::Result<()> {
    TAKEN.store(true, Ordering::SeqCst);
    signals::arm();
    let _ = disable_raw_mode();
    enable_raw_mode()?;
    enter(&mut stdout())?;
    term.clear()?;
    Ok(())
}

/// The thread the UI runs on: a panic there ends the program, a panic elsewhere does not.
static UI_THREAD: OnceLock<ThreadId> = OnceLock::new();

/// Panics of other threads, waiting to be shown in the status line.
static BACKGROUND_PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());
/// Wakes the event loop when a background panic is recorded.
static BACKGROUND_PANIC: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// Background panics recorded since the last call, oldest first.
pub fn take_background_panics() -> Vec<String> {
    std::mem::take(&mut *BACKGROUND_PANICS.lock().unwrap_or_else(|e| e.into_inner()))
}

/// Resolves when a background panic was recorded (at once if one was since the last wait).
pub async fn background_panic() {
    BACKGROUND_PANIC.notified().await
}

/// Installs the panic hook; call it from the thread that will run the UI.
///
/// A panic on the UI thread restores the terminal first, so the message is readable, then says
/// where the log is. A panic on another thread (a tokio task, a helper thread) ends that task
/// only: it is logged and queued for the status line, and the default hook, which would print
/// over the screen, is called only while the terminal is not ours.
pub fn install_panic_hook(log_path: Option<String>) {
    let _ = UI_THREAD.set(std::thread::current().id());
    let original = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let on_ui = UI_THREAD.get() == Some(&std::thread::current().id());
        if !on_ui {
            let thread = std::thread::current();
            let name = thread.name().unwrap_or("unnamed");
            tracing::error!("panic on thread {name}: {info}");
            let what = match info.payload().downcast_ref::<&str>() {
                Some(s) => s.to_string(),
                None => info
                    .payload()
                    .downcast_ref::<String>()
                    .cloned()
                    .unwrap_or_else(|| "panic".into()),
            };
            let mut text = format!("a background task failed ({what})");
            if let Some(p) = &log_path {
                text.push_str(&format!("; details in {p}"));
            }
            BACKGROUND_PANICS
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(text);
            BACKGROUND_PANIC.notify_one();
            // Before the screen is taken (or after) the default report can go to stderr.
            if !TAKEN.load(Ordering::SeqCst) {
                original(info);
            }
            return;
        }
        restore();
        original(info);
        tracing::error!("panic: {info}");
        if let Some(p) = &log_path {
            eprintln!("kafka-tui crashed; its log is at {p}");
        }
    }));
}
