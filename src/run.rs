//! The event loop: terminal input and background events in, frames out. It draws only when
//! something changed, at most once per frame interval, never once per record.

use std::time::{Duration, Instant, SystemTime};

use crossterm::event::{Event as TermEvent, EventStream};
use futures::StreamExt;
use tokio::signal::unix::{signal, SignalKind};

use crate::event::Event;
use crate::session::Session;
use crate::timing::Timing;
use crate::tui::Term;
use crate::ui;

const FRAME: Duration = Duration::from_millis(16);
/// Background events handled per wake-up at most, so a flood cannot starve the keyboard.
const DRAIN: usize = 512;

/// Why the loop ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    Quit,
    /// `:ctx NAME`: rebuild the session for that cluster.
    Switch(String),
}

pub async fn event_loop(
    term: &mut Term,
    session: &mut Session,
    timing: &mut Timing,
) -> anyhow::Result<Exit> {
    let app = &mut session.app;
    let size = term.size()?;
    app.size = (size.width, size.height);
    let mut input = EventStream::new();
    let mut clock = tokio::time::interval(Duration::from_secs(1));
    let mut term_signal = signal(SignalKind::terminate())?;
    let mut hup_signal = signal(SignalKind::hangup())?;
    let mut dirty = true;
    // Input is answered at once; background news waits for the next frame slot.
    let mut urgent = false;
    let mut last_draw = Instant::now() - FRAME;
    let test_panic = std::env::var_os("KAFKA_TUI_TEST_PANIC").is_some();
    loop {
        if dirty && (urgent || last_draw.elapsed() >= FRAME) {
            app.now = SystemTime::now();
            term.draw(|f| ui::draw(f, app))?;
            timing.frame_drawn();
            last_draw = Instant::now();
            dirty = false;
            urgent = false;
            // A test hook: proves that a panic gives the terminal back (tests/lifecycle.rs).
            if test_panic {
                panic!("KAFKA_TUI_TEST_PANIC is set: panicking after the first frame");
            }
        }
        if app.quit {
            return Ok(Exit::Quit);
        }
        if let Some(name) = app.switch_to.take() {
            return Ok(Exit::Switch(name));
        }
        let next_frame = tokio::time::Instant::from_std(last_draw + FRAME);
        tokio::select! {
            biased;
            _ = term_signal.recv() => return Ok(Exit::Quit),
            _ = hup_signal.recv() => return Ok(Exit::Quit),
            ev = input.next() => match ev {
                Some(Ok(TermEvent::Key(k))) => {
                    timing.key_event(Instant::now());
                    app.handle_event(Event::Key(k));
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
            ev = session.events.recv() => {
                if let Some(ev) = ev {
                    // Only news that shows asks for a frame; the clock redraws every second
                    // anyway.
                    let mut changed = app.handle_event(ev);
                    for _ in 0..DRAIN {
                        match session.events.try_recv() {
                            Ok(ev) => changed |= app.handle_event(ev),
                            Err(_) => break,
                        }
                    }
                    dirty |= changed;
                }
            }
            _ = tokio::time::sleep_until(next_frame), if dirty => {}
            _ = clock.tick() => {
                app.expire_message();
                // Relative timestamps ("3s ago") move with the clock.
                dirty = true;
            }
        }
    }
}
