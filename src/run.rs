//! The event loop: terminal input and background events in, frames out. It draws only when
//! something changed, at most once per frame interval, never once per record.

use std::time::{Duration, Instant, SystemTime};

use crossterm::event::{Event as TermEvent, EventStream};
use futures::StreamExt;

use crate::event::Event;
use crate::session::Session;
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

pub async fn event_loop(term: &mut Term, session: &mut Session) -> anyhow::Result<Exit> {
    let app = &mut session.app;
    let size = term.size()?;
    app.size = (size.width, size.height);
    let mut input = EventStream::new();
    let mut clock = tokio::time::interval(Duration::from_secs(1));
    let mut dirty = true;
    let mut last_draw = Instant::now() - FRAME;
    loop {
        if dirty && last_draw.elapsed() >= FRAME {
            app.now = SystemTime::now();
            term.draw(|f| ui::draw(f, app))?;
            last_draw = Instant::now();
            dirty = false;
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
            ev = input.next() => match ev {
                Some(Ok(TermEvent::Key(k))) => { app.handle_event(Event::Key(k)); dirty = true; }
                Some(Ok(TermEvent::Mouse(m))) => { app.handle_event(Event::Mouse(m)); dirty = true; }
                Some(Ok(TermEvent::Resize(w, h))) => { app.handle_event(Event::Resize(w, h)); dirty = true; }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(anyhow::anyhow!("terminal input failed: {e}")),
                None => return Ok(Exit::Quit),
            },
            ev = session.events.recv() => {
                if let Some(ev) = ev {
                    app.handle_event(ev);
                    for _ in 0..DRAIN {
                        match session.events.try_recv() {
                            Ok(ev) => app.handle_event(ev),
                            Err(_) => break,
                        }
                    }
                    dirty = true;
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
