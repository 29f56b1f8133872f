//! The producer pane's data: three editors (key, headers, value) and the last delivery.
//!
//! The editors are `tui_textarea::TextArea`s: they hold text and cursor, which is state, even
//! though the type comes from a widget crate.

use tui_textarea::TextArea;

use crate::model::{Delivery, Header};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Key,
    Headers,
    Value,
}

impl Field {
    pub fn next(self) -> Field {
        match self {
            Field::Key => Field::Headers,
            Field::Headers => Field::Value,
            Field::Value => Field::Key,
        }
    }

    pub fn prev(self) -> Field {
        self.next().next()
    }

    pub fn label(self) -> &'static str {
        match self {
            Field::Key => "Key (optional)",
            Field::Headers => "Headers (name=value per line)",
            Field::Value => "Value",
        }
    }
}

/// What the person typed, parsed and ready to send (topic chosen by the app).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub key: Option<Vec<u8>>,
    pub headers: Vec<Header>,
    pub value: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DraftError {
    #[error("header line {line}: {text:?} has no '=' (write name=value)")]
    HeaderWithoutEquals { line: usize, text: String },
    #[error("header line {line}: the name is empty")]
    EmptyHeaderName { line: usize },
}

/// Parses the headers field: one `name=value` per line; blank lines are skipped; `name=` is an
/// empty value; the first `=` splits, so values may contain `=`.
pub fn parse_headers(text: &str) -> Result<Vec<Header>, DraftError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let Some((name, value)) = line.split_once('=') else {
            return Err(DraftError::HeaderWithoutEquals {
                line: i + 1,
                text: line.to_string(),
            });
        };
        let name = name.trim();
        if name.is_empty() {
            return Err(DraftError::EmptyHeaderName { line: i + 1 });
        }
        out.push(Header {
            name: name.to_string(),
            value: Some(value.trim_start().as_bytes().to_vec()),
        });
    }
    Ok(out)
}

/// Builds a draft from the three fields' text. An empty key means no key.
pub fn parse_draft(key: &str, headers: &str, value: &str) -> Result<Draft, DraftError> {
    let key = key.trim_end_matches(['\n', '\r']);
    Ok(Draft {
        key: (!key.is_empty()).then(|| key.as_bytes().to_vec()),
        headers: parse_headers(headers)?,
        value: value.as_bytes().to_vec(),
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProduceStatus {
    Idle,
    Sending {
        topic: String,
    },
    Done(Delivery),
    /// The input could not be parsed; nothing was sent.
    Invalid(String),
    Refused(String),
}

impl ProduceStatus {
    /// The report row's words for what the last publish did, and whether it is an error;
    /// `None` while idle (the pane shows a hint or the count sent instead). Layout sizes the
    /// focused pane from the same words the pane draws.
    pub fn report(&self) -> Option<(String, bool)> {
        use crate::text::sanitize_inline as clean;
        Some(match self {
            ProduceStatus::Idle => return None,
            ProduceStatus::Sending { topic } => (format!("sending to {}…", clean(topic)), false),
            // librdkafka reports no offset (-1001) with acks=0, and for a retried batch the
            // broker had already written (it answers DUPLICATE_SEQUENCE_NUMBER): delivered,
            // but where is not known.
            ProduceStatus::Done(Delivery::Delivered {
                topic,
                partition,
                offset,
            }) if *offset < 0 => (
                format!(
                    "✔ delivered to {}: partition {partition}, offset not reported (acks=0, or a retry the broker had already written)",
                    clean(topic)
                ),
                false,
            ),
            ProduceStatus::Done(Delivery::Delivered {
                topic,
                partition,
                offset,
            }) => (
                format!(
                    "✔ delivered to {}: partition {partition}, offset {offset}",
                    clean(topic)
                ),
                false,
            ),
            ProduceStatus::Done(Delivery::Failed { topic, error }) => (
                format!(
                    "✖ not delivered to {} (your text is kept): {}",
                    clean(topic),
                    clean(error)
                ),
                true,
            ),
            // It timed out in flight: the broker may have written it. Resending blindly could
            // duplicate it, so the report says where to look first.
            ProduceStatus::Done(Delivery::Unknown { topic, error }) => (
                format!(
                    "? outcome unknown for {}: check the tail before resending (a resend may duplicate it; your text is kept): {}",
                    clean(topic),
                    clean(error)
                ),
                true,
            ),
            ProduceStatus::Invalid(e) | ProduceStatus::Refused(e) => {
                (format!("✖ {}", clean(e)), true)
            }
        })
    }
}

pub struct ProducerState {
    pub key: TextArea<'static>,
    pub headers: TextArea<'static>,
    pub value: TextArea<'static>,
    pub field: Field,
    /// Keys go to the editor (Esc leaves it).
    pub editing: bool,
    pub status: ProduceStatus,
    /// Records published this session (delivered ones).
    pub sent: u64,
    /// Records the broker did not take, newest last, kept to be restored and resent.
    pub unsent: std::collections::VecDeque<crate::model::ProduceRequest>,
    /// Records published, recalled with Up/Down (state/producer_history.rs).
    pub history: crate::state::producer_history::History,
    /// `:partition N`: where records go; `None`: the partitioner chooses.
    pub partition: Option<i32>,
    /// A value that is not JSON, refused once for a JSON topic: Ctrl+S again sends it as is.
    pub not_json_confirmed: Option<Vec<u8>>,
    /// What fills the placeholders (`{{seq}}` counts on over the session).
    pub fill: crate::template::Fill,
    /// What `x` cleared (key, headers, value lines), for `u` to bring back.
    cleared: Option<[Vec<String>; 3]>,
}

/// Failed records kept at most.
pub const MAX_UNSENT: usize = 1000;

impl std::fmt::Debug for ProducerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProducerState")
            .field("field", &self.field)
            .field("editing", &self.editing)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// An editor as the producer pane draws it: no underlined cursor line, a reversed cursor. Set
/// here once, so drawing never has to copy an editor to restyle it.
fn editor(lines: Vec<String>) -> TextArea<'static> {
    let mut ta = TextArea::new(lines);
    ta.set_cursor_line_style(ratatui::style::Style::default());
    ta.set_cursor_style(
        ratatui::style::Style::default().add_modifier(ratatui::style::Modifier::REVERSED),
    );
    ta
}

fn empty_editor() -> TextArea<'static> {
    editor(vec![String::new()])
}

impl Default for ProducerState {
    fn default() -> Self {
        Self {
            key: empty_editor(),
            headers: empty_editor(),
            value: empty_editor(),
            field: Field::Value,
            editing: false,
            status: ProduceStatus::Idle,
            sent: 0,
            unsent: std::collections::VecDeque::new(),
            history: Default::default(),
            partition: None,
            not_json_confirmed: None,
            fill: Default::default(),
            cleared: None,
        }
    }
}

impl ProducerState {
    pub fn editor(&self, field: Field) -> &TextArea<'static> {
        match field {
            Field::Key => &self.key,
            Field::Headers => &self.headers,
            Field::Value => &self.value,
        }
    }

    pub fn editor_mut(&mut self) -> &mut TextArea<'static> {
        match self.field {
            Field::Key => &mut self.key,
            Field::Headers => &mut self.headers,
            Field::Value => &mut self.value,
        }
    }

    pub fn draft(&self) -> Result<Draft, DraftError> {
        parse_draft(
            &self.key.lines().join("\n"),
            &self.headers.lines().join("\n"),
            &self.value.lines().join("\n"),
        )
    }

    /// After a delivery: the value is cleared so the next record starts fresh; key and headers
    /// stay, since people usually send several records with the same ones.
    pub fn clear_value(&mut self) {
        self.value = empty_editor();
    }

    /// Empties key, headers and value, keeping them for `undo_clear`; false when all three
    /// were empty already (and the last clear stays undoable).
    pub fn clear_all(&mut self) -> bool {
        let lines = [&self.key, &self.headers, &self.value].map(|t| t.lines().to_vec());
        if lines.iter().all(|l| l.iter().all(String::is_empty)) {
            return false;
        }
        self.cleared = Some(lines);
        self.key = empty_editor();
        self.headers = empty_editor();
        self.value = empty_editor();
        true
    }

    /// Brings back what the last `clear_all` emptied; false when there is nothing to bring.
    pub fn undo_clear(&mut self) -> bool {
        let Some([key, headers, value]) = self.cleared.take() else {
            return false;
        };
        self.key = editor(key);
        self.headers = editor(headers);
        self.value = editor(value);
        true
    }

    pub fn keep_unsent(&mut self, req: crate::model::ProduceRequest) {
        if self.unsent.len() == MAX_UNSENT {
            self.unsent.pop_front();
        }
        self.unsent.push_back(req);
    }

    /// Puts the newest failed record back into the editors; false when there is none.
    pub fn restore_unsent(&mut self) -> bool {
        let Some(req) = self.unsent.pop_back() else {
            return false;
        };
        self.load(req.key.as_deref(), &req.headers, Some(&req.value));
        true
    }

    /// Fills the editors with a record's key, headers and value. Returns what the editors
    /// cannot hold as it was (they hold text, one header a line), for the person to be told:
    /// the record sent from them would differ.
    pub fn load(
        &mut self,
        key: Option<&[u8]>,
        headers: &[crate::model::Header],
        value: Option<&[u8]>,
    ) -> Vec<&'static str> {
        let mut lost = Vec::new();
        let mut text = |b: &[u8], what: &'static str| match std::str::from_utf8(b) {
            Ok(s) => s.to_string(),
            Err(_) => {
                if !lost.contains(&what) {
                    lost.push(what);
                }
                String::from_utf8_lossy(b).into_owned()
            }
        };
        let key_text = key
            .map(|k| text(k, "a key that is not UTF-8"))
            .unwrap_or_default();
        let header_lines: Vec<String> = headers
            .iter()
            .map(|h| {
                let v = h
                    .value
                    .as_deref()
                    .map(|v| text(v, "a header value that is not UTF-8"))
                    .unwrap_or_default();
                format!("{}={v}", h.name)
            })
            .collect();
        let value_text = value
            .map(|v| text(v, "a value that is not UTF-8"))
            .unwrap_or_default();
        if headers.iter().any(|h| h.name.contains(['\n', '=']))
            || header_lines.iter().any(|l| l.contains('\n'))
        {
            lost.push("a header with a line break, or = in its name");
        }
        if headers.iter().any(|h| h.value.is_none()) {
            lost.push("a null header value (sent as empty)");
        }
        if value.is_none() {
            lost.push("a null value (a tombstone; sent as empty)");
        }
        self.set_text(Field::Key, &key_text);
        self.set_text(Field::Headers, &header_lines.join("\n"));
        self.set_text(Field::Value, &value_text);
        lost
    }

    pub fn set_text(&mut self, field: Field, text: &str) {
        let ta = editor(text.split('\n').map(str::to_string).collect());
        match field {
            Field::Key => self.key = ta,
            Field::Headers => self.headers = ta,
            Field::Value => self.value = ta,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(name: &str, value: &str) -> Header {
        Header {
            name: name.into(),
            value: Some(value.as_bytes().to_vec()),
        }
    }

    #[test]
    fn a_delivery_without_an_offset_says_so() {
        let done = |offset| {
            ProduceStatus::Done(Delivery::Delivered {
                topic: "orders".into(),
                partition: 1,
                offset,
            })
            .report()
            .unwrap()
        };
        assert_eq!(
            done(42),
            (
                "✔ delivered to orders: partition 1, offset 42".into(),
                false
            )
        );
        let (text, error) = done(-1001);
        assert!(!error);
        assert!(
            text.starts_with("✔ delivered to orders: partition 1, offset not reported"),
            "{text}"
        );
        assert!(!text.contains("-1001"), "{text}");
        assert_eq!(ProduceStatus::Idle.report(), None);
    }

    #[test]
    fn headers_parse_name_value_lines() {
        let hs = parse_headers("a=1\n\n  b = x=y \nempty=").unwrap();
        assert_eq!(hs, vec![h("a", "1"), h("b", "x=y"), h("empty", "")]);
    }

    #[test]
    fn headers_errors_name_the_line() {
        assert_eq!(
            parse_headers("a=1\nnope"),
            Err(DraftError::HeaderWithoutEquals {
                line: 2,
                text: "nope".into()
            })
        );
        assert_eq!(
            parse_headers("=v"),
            Err(DraftError::EmptyHeaderName { line: 1 })
        );
        let msg = parse_headers("oops").unwrap_err().to_string();
        assert!(msg.contains("line 1") && msg.contains("name=value"));
    }

    #[test]
    fn empty_key_is_no_key_and_value_keeps_newlines() {
        let d = parse_draft("", "", "line1\nline2").unwrap();
        assert_eq!(d.key, None);
        assert_eq!(d.value, b"line1\nline2");
        let d = parse_draft("k1", "", "").unwrap();
        assert_eq!(d.key, Some(b"k1".to_vec()));
        assert!(d.value.is_empty());
    }

    #[test]
    fn unsent_records_are_kept_and_restored_newest_first() {
        let mut p = ProducerState::default();
        let req = |v: &str| crate::model::ProduceRequest {
            topic: "t".into(),
            key: Some(b"k".to_vec()),
            value: v.as_bytes().to_vec(),
            headers: vec![h("a", "1")],
            partition: None,
        };
        p.keep_unsent(req("first"));
        p.keep_unsent(req("second\nline"));
        assert!(p.restore_unsent());
        let d = p.draft().unwrap();
        assert_eq!(d.value, b"second\nline");
        assert_eq!(d.key.as_deref(), Some(&b"k"[..]));
        assert_eq!(d.headers, vec![h("a", "1")]);
        assert_eq!(p.unsent.len(), 1);
        assert!(p.restore_unsent());
        assert!(!p.restore_unsent());
    }

    #[test]
    fn draft_reads_the_editors() {
        let mut p = ProducerState::default();
        p.set_text(Field::Key, "user-1");
        p.set_text(Field::Headers, "trace=abc");
        p.set_text(Field::Value, "{\"a\":1}\n{\"b\":2}");
        let d = p.draft().unwrap();
        assert_eq!(d.key.as_deref(), Some(&b"user-1"[..]));
        assert_eq!(d.headers, vec![h("trace", "abc")]);
        assert_eq!(d.value, b"{\"a\":1}\n{\"b\":2}");
        p.clear_value();
        assert_eq!(p.draft().unwrap().key.as_deref(), Some(&b"user-1"[..]));
        assert!(p.draft().unwrap().value.is_empty());
    }
}
