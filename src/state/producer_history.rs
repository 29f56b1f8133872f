//! The producer's history: records as they were typed (topic, key, headers, value), newest
//! last, recalled with Up/Down in the Producer pane as a shell recalls commands. Kept on disk
//! by `history_file`; here only the list and the recall cursor.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

/// Entries kept (in memory and on disk).
pub const MAX_ENTRIES: usize = 500;
/// A record bigger than this (key, headers and value together) is not kept: history is for
/// what a person types, not for files.
pub const MAX_ENTRY_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Entry {
    pub topic: String,
    pub key: String,
    pub headers: String,
    pub value: String,
}

impl Entry {
    fn size(&self) -> usize {
        self.topic.len() + self.key.len() + self.headers.len() + self.value.len()
    }
}

/// Header names whose values are never stored: credentials that people put in headers.
const SECRET_NAMES: &[&str] = &[
    "authorization",
    "password",
    "passwd",
    "secret",
    "token",
    "api-key",
    "apikey",
    "api_key",
    "credential",
    "cookie",
    "session",
];

fn looks_secret(name: &str) -> bool {
    let n = name.trim().to_ascii_lowercase();
    SECRET_NAMES.iter().any(|s| n.contains(s))
}

/// The entry as it may be stored: header values whose names look like credentials are
/// emptied. Returns it with the names of the headers emptied.
pub fn without_secrets(mut e: Entry) -> (Entry, Vec<String>) {
    let mut emptied = Vec::new();
    let lines: Vec<String> = e
        .headers
        .split('\n')
        .map(|line| match line.split_once('=') {
            Some((name, value)) if looks_secret(name) && !value.trim().is_empty() => {
                emptied.push(name.trim().to_string());
                format!("{name}=")
            }
            _ => line.to_string(),
        })
        .collect();
    e.headers = lines.join("\n");
    (e, emptied)
}

/// What adding an entry did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// Kept, with the header values that were not stored (they looked like secrets).
    Kept { emptied: Vec<String> },
    /// The same as the newest entry: not kept twice.
    Repeat,
    /// Larger than `MAX_ENTRY_BYTES`: not kept.
    TooLarge,
}

#[derive(Debug, Clone, Default)]
pub struct History {
    entries: VecDeque<Entry>,
    /// The entry shown by recall (an index into `entries`); `None`: the editors hold the
    /// person's own text.
    pos: Option<usize>,
    /// What the editors held before the first Up, given back by Down past the newest entry.
    draft: Option<Entry>,
}

impl History {
    pub fn from_entries(entries: Vec<Entry>) -> History {
        let skip = entries.len().saturating_sub(MAX_ENTRIES);
        History {
            entries: entries.into_iter().skip(skip).collect(),
            ..History::default()
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter()
    }

    /// Adds what was just published (the recall starts again from the newest). The entry to
    /// store is returned with `Kept`.
    pub fn add(&mut self, e: Entry) -> (Added, Option<Entry>) {
        self.pos = None;
        self.draft = None;
        if e.size() > MAX_ENTRY_BYTES {
            return (Added::TooLarge, None);
        }
        let (e, emptied) = without_secrets(e);
        if self.entries.back() == Some(&e) {
            return (Added::Repeat, None);
        }
        if self.entries.len() == MAX_ENTRIES {
            self.entries.pop_front();
        }
        self.entries.push_back(e.clone());
        (Added::Kept { emptied }, Some(e))
    }

    /// Up: the next older entry, with its number (1 = oldest). `current` is what the editors
    /// hold, kept the first time to be given back by Down.
    pub fn older(&mut self, current: Entry) -> Option<(usize, &Entry)> {
        let i = match self.pos {
            None if self.entries.is_empty() => return None,
            None => {
                self.draft = Some(current);
                self.entries.len() - 1
            }
            Some(0) => return None,
            Some(i) => i - 1,
        };
        self.pos = Some(i);
        Some((i + 1, &self.entries[i]))
    }

    /// Down: the next newer entry; past the newest, the person's own text again (`Err`);
    /// `None` when not recalling.
    pub fn newer(&mut self) -> Option<Result<(usize, &Entry), Entry>> {
        let i = self.pos?;
        if i + 1 < self.entries.len() {
            self.pos = Some(i + 1);
            Some(Ok((i + 2, &self.entries[i + 1])))
        } else {
            self.pos = None;
            Some(Err(self.draft.take().unwrap_or_default()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(value: &str) -> Entry {
        Entry {
            topic: "orders".into(),
            value: value.into(),
            ..Entry::default()
        }
    }

    #[test]
    fn up_goes_back_down_comes_forward_and_gives_the_draft_back() {
        let mut h = History::default();
        for v in ["a", "b", "c"] {
            h.add(e(v));
        }
        assert!(h.newer().is_none(), "not recalling yet");
        assert_eq!(
            h.older(e("typing")).map(|(n, x)| (n, x.value.clone())),
            Some((3, "c".into()))
        );
        assert_eq!(h.older(e("ignored")).unwrap().1.value, "b");
        assert_eq!(h.older(e("ignored")).unwrap().1.value, "a");
        assert!(h.older(e("ignored")).is_none(), "the oldest stays");
        assert_eq!(h.newer().unwrap().unwrap().1.value, "b");
        assert_eq!(h.newer().unwrap().unwrap().1.value, "c");
        assert_eq!(h.newer().unwrap().unwrap_err().value, "typing");
        assert!(h.newer().is_none());
    }

    #[test]
    fn bounded_no_repeats_no_huge_records() {
        let mut h = History::default();
        for i in 0..MAX_ENTRIES + 10 {
            h.add(e(&i.to_string()));
        }
        assert_eq!(h.len(), MAX_ENTRIES);
        assert_eq!(h.entries().next().unwrap().value, "10");
        assert_eq!(h.add(e(&(MAX_ENTRIES + 9).to_string())).0, Added::Repeat);
        assert_eq!(
            h.add(e(&"x".repeat(MAX_ENTRY_BYTES + 1))).0,
            Added::TooLarge
        );
        assert_eq!(h.len(), MAX_ENTRIES);
        let h = History::from_entries((0..MAX_ENTRIES + 3).map(|i| e(&i.to_string())).collect());
        assert_eq!(
            h.entries().next().unwrap().value,
            "3",
            "the newest are kept"
        );
    }

    #[test]
    fn header_values_that_look_like_credentials_are_not_stored() {
        let mut h = History::default();
        let typed = Entry {
            headers: "trace-id=42\nAuthorization=Bearer abc\nx-api-key = k\nSession-Token=".into(),
            ..e("v")
        };
        let (added, stored) = h.add(typed);
        assert_eq!(
            added,
            Added::Kept {
                emptied: vec!["Authorization".into(), "x-api-key".into()]
            }
        );
        let stored = stored.unwrap();
        assert_eq!(
            stored.headers,
            "trace-id=42\nAuthorization=\nx-api-key =\nSession-Token="
        );
        assert!(!format!("{h:?}").contains("abc"));
    }
}
