//! The event loop: terminal input, signals and background events in, frames out. It draws only
//! when something changed, at most once per frame interval, never once per record.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use std::time::{Duration, Instant, SystemTime};

use crossterm::event::{Event as TermEvent, EventStream, KeyCode, KeyEventKind, KeyModifiers};
use futures::StreamExt;
use tokio::signal::unix::{signal, Signal, SignalKind};

use crate::config::target::Target;
use crate::config::ConfigError;
use crate::event::Event;
use crate::session::Session;
use crate::timing::Timing;
use crate::tui::{self, Term};
use crate::ui;

const FRAME: Duration = Duration::from_millis(16);
/// Background events handled per wake-up at most, so a flood cannot starve the keyboard.
const DRAIN: usize = 512;

/// Why the loop ended.
#[derive(Debug)]
pub enum Exit {
    Quit,
    /// `:ctx NAME`: rebuild the session for that cluster.
    Switch(String),
    /// The `password_cmd` of a pending switch finished: start the session with this target.
    Resolved(Box<Result<Target, ConfigError>>),
}

/// A `:ctx` switch waiting for its cluster's `password_cmd`. The loop keeps running meanwhile;
/// Esc cancels it (dropping `wait` stops the command).
pub struct PendingSwitch {
    pub name: String,
    pub started: Instant,
    pub wait: Pin<Box<dyn Future<Output = Result<Target, ConfigError>>>>,
}

impl PendingSwitch {
    /// The status-line text while it waits.
    pub fn waiting_text(&self) -> String {
        format!(
            "waiting for password_cmd of cluster {}… {}s (Esc cancels)",
            self.name,
            self.started.elapsed().as_secs()
        )
    }
}

/// What a signal asks of the loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalEvent {
    /// SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM: quit cleanly, terminal
    /// restored. Their default action would kill the process with the terminal left raw.
    Quit(&'static str),
    /// SIGTSTP: suspend as Ctrl+Z does.
    Suspend,
    /// SIGCONT: the process was stopped and continued; take the terminal back.
    Continue,
}

/// The signals kafka-tui answers. Created once, before the first wait, so no signal falls
/// between two event loops (tokio keeps its handler once installed; a signal with no stream
/// listening would be lost, not acted on). SIGPIPE stays ignored, as Rust sets it: a write to a
/// closed terminal fails with EPIPE and ends the loop with an error, which restores as well.
pub struct Signals {
    quit: Vec<(&'static str, Signal)>,
    stop: Signal,
    cont: Signal,
}

impl Signals {
    /// Installs the handlers; needs a tokio runtime.
    pub fn new() -> std::io::Result<Signals> {
        let mut quit = Vec::new();
        for (name, kind) in [
            ("SIGINT", SignalKind::interrupt()),
            ("SIGTERM", SignalKind::terminate()),
            ("SIGHUP", SignalKind::hangup()),
            ("SIGQUIT", SignalKind::quit()),
            ("SIGUSR1", SignalKind::user_defined1()),
            ("SIGUSR2", SignalKind::user_defined2()),
            ("SIGALRM", SignalKind::alarm()),
        ] {
            quit.push((name, signal(kind)?));
        }
        Ok(Signals {
            quit,
            stop: signal(SignalKind::from_raw(libc::SIGTSTP))?,
            cont: signal(SignalKind::from_raw(libc::SIGCONT))?,
        })
    }

    /// Waits for a signal that means quit, before the terminal is taken (start-up): Ctrl+Z
    /// stops the process as it would have without our handler, SIGCONT needs nothing.
    /// Returns the signal's name.
    pub async fn quit_requested(&mut self) -> &'static str {
        loop {
            match self.recv().await {
                SignalEvent::Quit(name) => return name,
                SignalEvent::Suspend => crate::signals::stop_self(),
                SignalEvent::Continue => {}
            }
        }
    }

    /// The next signal received.
    pub async fn recv(&mut self) -> SignalEvent {
        std::future::poll_fn(|cx| {
            for (name, s) in &mut self.quit {
                if s.poll_recv(cx).is_ready() {
                    return Poll::Ready(SignalEvent::Quit(name));
                }
            }
            if self.stop.poll_recv(cx).is_ready() {
                return Poll::Ready(SignalEvent::Suspend);
            }
            if self.cont.poll_recv(cx).is_ready() {
                return Poll::Ready(SignalEvent::Continue);
            }
            Poll::Pending
        })
        .await
    }
}

/// Test hooks (tests/lifecycle.rs), read once: `KAFKA_TUI_TEST_PANIC` set panics on the UI
/// thread after the first frame; `=background` panics on a background task instead;
/// `=close-events` closes the background event channel, as if every background task had died.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TestFault {
    None,
    UiPanic,
    BackgroundPanic,
    CloseEvents,
}

impl TestFault {
    fn from_env() -> TestFault {
        match std::env::var("KAFKA_TUI_TEST_PANIC").ok().as_deref() {
            None => TestFault::None,
            Some("background") => TestFault::BackgroundPanic,
            Some("close-events") => TestFault::CloseEvents,
            Some(_) => TestFault::UiPanic,
        }
    }
}

pub async fn event_loop(
    term: &mut Term,
    session: &mut Session,
    timing: &mut Timing,
    signals: &mut Signals,
    pending: &mut Option<PendingSwitch>,
) -> anyhow::Result<Exit> {
    let app = &mut session.app;
    let size = term.size()?;
    app.size = (size.width, size.height);
    let mut input = EventStream::new();
    let mut clock = tokio::time::interval(Duration::from_secs(1));
    let mut dirty = true;
    // Input is answered at once; background news waits for the next frame slot.
    let mut urgent = false;
    let mut last_draw = Instant::now() - FRAME;
    let mut fault = TestFault::from_env();
    let mut cancel_switch = false;
    if let Some(p) = pending.as_ref() {
        app.say(p.waiting_text());
    }
    loop {
        if std::mem::take(&mut cancel_switch) {
            if let Some(p) = pending.take() {
                app.say(format!("switch to {} cancelled", p.name));
            }
        }
        if dirty && (urgent || last_draw.elapsed() >= FRAME) {
            app.now = SystemTime::now();
            term.draw(|f| ui::draw(f, app))?;
            timing.frame_drawn();
            last_draw = Instant::now();
            dirty = false;
            urgent = false;
            match std::mem::replace(&mut fault, TestFault::None) {
                TestFault::None => {}
                TestFault::UiPanic => {
                    panic!("KAFKA_TUI_TEST_PANIC is set: panicking after the first frame")
                }
                TestFault::BackgroundPanic => {
                    tokio::spawn(async {
                        panic!("KAFKA_TUI_TEST_PANIC=background: a background task panics")
                    });
                }
                TestFault::CloseEvents => session.events = crate::event::Inbox::closed(),
            }
        }
        if let Some(req) = app.terminal.take() {
            if matches!(req, crate::state::record::TermRequest::Open { .. }) {
                // The old reader's thread stops, so the pager alone reads the keyboard.
                input = EventStream::new();
            }
            let (text, error) = crate::handoff::perform(term, req).await;
            if error {
                app.warn(text)
            } else {
                app.say(text)
            }
            dirty = true;
            urgent = true;
            continue;
        }
        if app.quit {
            return Ok(Exit::Quit);
        }
        if let Some(name) = app.switch_to.take() {
            return Ok(Exit::Switch(name));
        }
        let next_frame = tokio::time::Instant::from_std(last_draw + FRAME);
        let switch_pending = pending.is_some();
        tokio::select! {
            biased;
            sig = signals.recv() => match sig {
                SignalEvent::Quit(name) => {
                    tracing::info!("{name}: quitting");
                    return Ok(Exit::Quit);
                }
                SignalEvent::Suspend => { tui::suspend(term)?; dirty = true; urgent = true; }
                SignalEvent::Continue => { tui::resume(term)?; dirty = true; urgent = true; }
            },
            ev = input.next() => match ev {
                Some(Ok(TermEvent::Key(k))) => {
                    timing.key_event(Instant::now());
                    let pressed = k.kind != KeyEventKind::Release;
                    if pressed && k.code == KeyCode::Char('z') && k.modifiers.contains(KeyModifiers::CONTROL) {
                        // Raw mode turns off the terminal's own Ctrl+Z: do what it would.
                        tui::suspend(term)?;
                    } else if pressed && k.code == KeyCode::Esc && switch_pending {
                        cancel_switch = true;
                    } else {
                        app.handle_event(Event::Key(k));
                    }
                    dirty = true;
                    urgent = true;
                }
                Some(Ok(TermEvent::Mouse(m))) => { app.handle_event(Event::Mouse(m)); dirty = true; urgent = true; }
                Some(Ok(TermEvent::Resize(w, h))) => { app.handle_event(Event::Resize(w, h)); dirty = true; urgent = true; }
                Some(Ok(TermEvent::Paste(text))) => {
                    timing.key_event(Instant::now());
                    app.handle_event(Event::Paste(text));
                    dirty = true;
                    urgent = true;
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(anyhow::anyhow!("terminal input failed: {e}")),
                None => return Ok(Exit::Quit),
            },
            resolved = async { pending.as_mut().expect("guarded").wait.as_mut().await }, if switch_pending => {
                return Ok(Exit::Resolved(Box::new(resolved)));
            }
            _ = tui::background_panic() => {
                for text in tui::take_background_panics() {
                    app.warn(text);
                }
                dirty = true;
            }
            ev = session.events.recv() => {
                let Some(ev) = ev else {
                    // Every sender is gone: the Kafka task and the log sources have all
                    // ended, so nothing will ever arrive again. Waiting on a closed channel
                    // would spin a core; say why and end.
                    let mut why = "kafka-tui's background tasks stopped".to_string();
                    for p in tui::take_background_panics() {
                        why.push_str(&format!("; {p}"));
                    }
                    anyhow::bail!("{why}");
                };
                // Only news that shows asks for a frame; the clock redraws every second
                // anyway.
                let mut changed = app.handle_event(ev);
                for _ in 0..DRAIN {
                    match session.events.try_recv() {
                        Some(ev) => changed |= app.handle_event(ev),
                        None => break,
                    }
                }
                dirty |= changed;
            }
            _ = tokio::time::sleep_until(next_frame), if dirty => {}
            _ = clock.tick() => {
                app.expire_message();
                app.tick_views(Instant::now());
                if let Some(p) = pending.as_ref() {
                    app.say(p.waiting_text());
                }
                // Relative timestamps ("3s ago") move with the clock.
                dirty = true;
            }
        }
    }
}
