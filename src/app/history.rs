//! The producer's history: what is published is remembered (app/mod.rs `publish`), and Up /
//! Down in the Producer pane bring it back into the editors.

use super::App;
use crate::action::Action;
use crate::keymap::Context;
use crate::state::producer::Field;
use crate::state::producer_history::{Added, Entry};

impl App {
    /// What the editors hold, as a history entry for `topic`.
    fn typed(&self, topic: &str) -> Entry {
        let text = |f| self.producer.editor(f).lines().join("\n");
        Entry {
            topic: topic.to_string(),
            key: text(Field::Key),
            headers: text(Field::Headers),
            value: text(Field::Value),
        }
    }

    /// Puts a history entry into the editors.
    fn load_entry(&mut self, e: &Entry) {
        self.producer.set_text(Field::Key, &e.key);
        self.producer.set_text(Field::Headers, &e.headers);
        self.producer.set_text(Field::Value, &e.value);
    }

    /// Adds what is being published to the history (and its file).
    pub(super) fn remember_published(&mut self, topic: &str) {
        let entry = self.typed(topic);
        match self.producer.history.add(entry) {
            (Added::Kept { emptied }, Some(stored)) => {
                if let Some(w) = &self.history_file {
                    w.append(stored);
                }
                if !emptied.is_empty() {
                    self.say(format!(
                        "history: the value of {} is not kept (it looks like a credential)",
                        emptied.join(", ")
                    ));
                }
            }
            (Added::TooLarge, _) => self.say(format!(
                "history: this record is not kept (larger than {} KiB)",
                crate::state::producer_history::MAX_ENTRY_BYTES / 1024
            )),
            _ => {}
        }
    }

    /// Up (`older`) or Down in the Producer pane.
    pub(super) fn recall_published(&mut self, older: bool) {
        let current = self.typed(&self.target_topic().unwrap_or_default());
        let total = self.producer.history.len();
        let shown = if older {
            match self.producer.history.older(current) {
                Some((n, e)) => Some((Some(n), e.clone())),
                None if total == 0 => {
                    return self.say("the history is empty: records you publish are kept here");
                }
                None => return self.say("that is the oldest record in the history"),
            }
        } else {
            match self.producer.history.newer() {
                Some(Ok((n, e))) => Some((Some(n), e.clone())),
                Some(Err(draft)) => Some((None, draft)),
                None => {
                    let older = self.key(Context::Producer, Action::HistoryOlder);
                    return self.say(format!("{older} recalls the records published before"));
                }
            }
        };
        let Some((n, e)) = shown else { return };
        self.load_entry(&e);
        match n {
            Some(n) => {
                let (publish, older, newer) = (
                    self.key(Context::Producer, Action::Publish),
                    self.key(Context::Producer, Action::HistoryOlder),
                    self.key(Context::Producer, Action::HistoryNewer),
                );
                self.say(format!(
                "history {n}/{total} (sent to {}): {publish} publishes it to {}, {older}/{newer} for others",
                e.topic,
                self.target_topic().as_deref().unwrap_or("the selected topic")
            ))
            }
            None => self.say("back to what you were typing"),
        }
    }

    /// `:history N` puts record N (1 = the oldest) into the editors; `:history` alone opens
    /// the list to find one by its key or value.
    pub(super) fn cmd_history(&mut self, arg: &str) {
        let total = self.producer.history.len();
        if arg.trim().is_empty() {
            if total == 0 {
                return self.say("the history is empty: records you publish are kept here");
            }
            let input = "history ".to_string();
            self.palette_follow(&input);
            self.mode = super::Mode::Prompt {
                kind: super::PromptKind::Command,
                input,
            };
            return;
        }
        let entry = arg.trim().parse::<usize>().ok().and_then(|n| {
            Some((
                n,
                self.producer
                    .history
                    .entries()
                    .nth(n.checked_sub(1)?)?
                    .clone(),
            ))
        });
        let Some((n, e)) = entry else {
            return self.warn(format!(
                "history {arg:?}: give a number from 1 (the oldest) to {total}, or Tab to find one"
            ));
        };
        self.load_entry(&e);
        self.focus = crate::state::Pane::Producer;
        let publish = self.key(Context::Producer, Action::Publish);
        self.say(format!(
            "history {n}/{total} (sent to {}): {publish} publishes it to {}",
            e.topic,
            self.target_topic()
                .as_deref()
                .unwrap_or("the selected topic")
        ));
    }

    /// The history, newest first, for the `:history` list: matched by key and value.
    pub(super) fn history_candidates(&self) -> Vec<crate::state::palette::Candidate> {
        let one_line = |s: &str| {
            let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
            crate::text::sanitize_inline(&flat.chars().take(80).collect::<String>())
        };
        let entries: Vec<&Entry> = self.producer.history.entries().collect();
        entries
            .iter()
            .enumerate()
            .rev()
            .map(|(i, e)| {
                let shown = match e.key.trim() {
                    "" => one_line(&e.value),
                    k => format!("{} {}", one_line(k), one_line(&e.value)),
                };
                crate::state::palette::Candidate {
                    text: (i + 1).to_string(),
                    aliases: vec![shown],
                    desc: format!("→ {}", crate::text::sanitize_inline(&e.topic)),
                    color: None,
                }
            })
            .collect()
    }
}
