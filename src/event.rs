//! Everything that can happen to the app: terminal input, and the news of the Kafka tasks and
//! the log sources, each arriving on its own channel and wrapped here (`kafka/` and
//! `logsource` never name this type).

use crossterm::event::{KeyEvent, MouseEvent};
use tokio::sync::mpsc;

pub use crate::kafka::api::KafkaEvent;
pub use crate::logsource::LogEvent;

#[derive(Debug)]
pub enum Event {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// Text pasted into the terminal (bracketed paste): one event, not a key per character.
    Paste(String),
    Kafka(KafkaEvent),
    Log(LogEvent),
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
    /// Which channel `try_recv` looks at first: they take turns, so neither starves.
    logs_first: bool,
}

impl Inbox {
    pub fn new(kafka: mpsc::Receiver<KafkaEvent>, logs: mpsc::Receiver<LogEvent>) -> Inbox {
        Inbox {
            kafka: Some(kafka),
            logs: Some(logs),
            logs_first: false,
        }
    }

    /// An inbox whose channels are closed, as if every background task had ended.
    pub fn closed() -> Inbox {
        Inbox {
            kafka: None,
            logs: None,
            logs_first: false,
        }
    }

    /// The next event from either channel; `None` once both are closed.
    pub async fn recv(&mut self) -> Option<Event> {
        loop {
            let (kafka, logs) = (self.kafka.as_mut(), self.logs.as_mut());
            let got = match (kafka, logs) {
                (None, None) => return None,
                (Some(k), None) => Got::Kafka(k.recv().await),
                (None, Some(l)) => Got::Logs(l.recv().await),
                (Some(k), Some(l)) => tokio::select! {
                    e = k.recv() => Got::Kafka(e),
                    e = l.recv() => Got::Logs(e),
                },
            };
            match got {
                Got::Kafka(Some(e)) => return Some(Event::Kafka(e)),
                Got::Logs(Some(e)) => return Some(Event::Log(e)),
                // A closed channel is dropped, so it is never polled (and spun on) again.
                Got::Kafka(None) => self.kafka = None,
                Got::Logs(None) => self.logs = None,
            }
        }
    }

    /// An event that is waiting, if any.
    pub fn try_recv(&mut self) -> Option<Event> {
        self.logs_first = !self.logs_first;
        let kafka = |s: &mut Self| s.kafka.as_mut()?.try_recv().ok().map(Event::Kafka);
        let logs = |s: &mut Self| s.logs.as_mut()?.try_recv().ok().map(Event::Log);
        if self.logs_first {
            logs(self).or_else(|| kafka(self))
        } else {
            kafka(self).or_else(|| logs(self))
        }
    }
}

enum Got {
    Kafka(Option<KafkaEvent>),
    Logs(Option<LogEvent>),
}
