//! Everything that can happen to the app: terminal input, and the news of the Kafka tasks and
//! the log sources, each arriving on its own channel and wrapped here (`kafka/` and
//! `logsource` never name this type).

use crossterm::event::{KeyEvent, MouseEvent};
use tokio::sync::mpsc;

pub use crate::kafka::api::KafkaEvent;
pub use crate::logsource::LogEvent;
pub use crate::schema::service::SchemaEvent;

#[derive(Debug)]
pub enum Event {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// Text pasted into the terminal (bracketed paste): one event, not a key per character.
    Paste(String),
    Kafka(KafkaEvent),
    Log(LogEvent),
    /// Answers of the Connect workers (`:connect`).
    Connect(crate::connect::ConnectEvent),
    /// What the Streams discovery found (`:streams`).
    Streams(crate::streams::StreamsEvent),
    /// An answer of the schema-registry task (decoding, `:schemas`, encoding for the producer).
    Schema(SchemaEvent),
    /// How far `:export` or `:produce-file` got, and how it ended.
    File(crate::files::FileEvent),
}

impl From<SchemaEvent> for Event {
    fn from(e: SchemaEvent) -> Self {
        Event::Schema(e)
    }
}

impl From<crate::connect::ConnectEvent> for Event {
    fn from(e: crate::connect::ConnectEvent) -> Self {
        Event::Connect(e)
    }
}

impl From<crate::streams::StreamsEvent> for Event {
    fn from(e: crate::streams::StreamsEvent) -> Self {
        Event::Streams(e)
    }
}

impl From<KafkaEvent> for Event {
    fn from(e: KafkaEvent) -> Self {
        Event::Kafka(e)
    }
}

impl From<LogEvent> for Event {
    fn from(e: LogEvent) -> Self {
        Event::Log(e)
    }
}

/// The background news of one session: the Kafka task's events and the log sources' lines.
/// It ends (`recv` gives `None`) only when both channels are closed, i.e. every background
/// task is gone; a source that has nothing more to say (a log note) closes nothing.
pub struct Inbox {
    kafka: Option<mpsc::Receiver<KafkaEvent>>,
    logs: Option<mpsc::Receiver<LogEvent>>,
    /// The other background tasks (Connect, Streams, schema registry): already `Event`s. Not
    /// counted for "every task is gone": they only answer what the views ask.
    more: Option<mpsc::Receiver<Event>>,
    /// Which channel `try_recv` looks at first: they take turns, so neither starves.
    logs_first: bool,
}

impl Inbox {
    pub fn new(kafka: mpsc::Receiver<KafkaEvent>, logs: mpsc::Receiver<LogEvent>) -> Inbox {
        Inbox {
            kafka: Some(kafka),
            logs: Some(logs),
            more: None,
            logs_first: false,
        }
    }

    /// Adds the channel of the other tasks (Connect, Streams, schema registry).
    pub fn with_more(mut self, more: mpsc::Receiver<Event>) -> Inbox {
        self.more = Some(more);
        self
    }

    /// An inbox whose channels are closed, as if every background task had ended.
    pub fn closed() -> Inbox {
        Inbox {
            kafka: None,
            logs: None,
            more: None,
            logs_first: false,
        }
    }

    /// The next event from either channel; `None` once both are closed.
    pub async fn recv(&mut self) -> Option<Event> {
        loop {
            if self.kafka.is_none() && self.logs.is_none() {
                return None;
            }
            let got = tokio::select! {
                e = next(&mut self.kafka) => Got::Kafka(e),
                e = next(&mut self.logs) => Got::Logs(e),
                e = next(&mut self.more) => Got::More(e),
            };
            match got {
                Got::Kafka(Some(e)) => return Some(Event::Kafka(e)),
                Got::Logs(Some(e)) => return Some(Event::Log(e)),
                Got::More(Some(e)) => return Some(e),
                // A closed channel is dropped, so it is never polled (and spun on) again.
                Got::Kafka(None) => self.kafka = None,
                Got::Logs(None) => self.logs = None,
                Got::More(None) => self.more = None,
            }
        }
    }

    /// An event that is waiting, if any.
    pub fn try_recv(&mut self) -> Option<Event> {
        self.logs_first = !self.logs_first;
        let kafka = |s: &mut Self| s.kafka.as_mut()?.try_recv().ok().map(Event::Kafka);
        let logs = |s: &mut Self| s.logs.as_mut()?.try_recv().ok().map(Event::Log);
        let more = |s: &mut Self| s.more.as_mut()?.try_recv().ok();
        // `more` first on every other turn too: schema answers a flooding tail waits for
        // (records shown as "loading schema") must not queue behind it.
        if self.logs_first {
            more(self).or_else(|| logs(self)).or_else(|| kafka(self))
        } else {
            kafka(self).or_else(|| logs(self)).or_else(|| more(self))
        }
    }
}

enum Got {
    Kafka(Option<KafkaEvent>),
    Logs(Option<LogEvent>),
    More(Option<Event>),
}

/// The next message of a channel; never ready for a channel that is gone.
async fn next<T>(rx: &mut Option<mpsc::Receiver<T>>) -> Option<T> {
    match rx {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}
