//! The record detail view's own keys: sideways scrolling, copying, opening in a pager.

use super::*;
use crate::model::Record;
use crate::state::record::TermRequest;
use crate::state::schemas::Shown;
use crate::text::Format;

/// Columns one Left/Right moves.
const SIDEWAYS: usize = 8;
/// OSC 52 payloads beyond this are refused by terminals (xterm, tmux) or stall them.
pub const MAX_COPY_BYTES: usize = 1024 * 1024;

impl App {
    pub(super) fn record_action(&mut self, action: Action) {
        let Some(r) = self.tail.selected() else {
            return;
        };
        match action {
            Action::ScrollLeft => {
                self.record.hscroll = self.record.hscroll.saturating_sub(SIDEWAYS)
            }
            Action::ScrollRight if !self.record.wrap => self.record.hscroll += SIDEWAYS,
            Action::ScrollRight => self.say("lines wrap: w scrolls sideways instead"),
            Action::CopyValue | Action::CopyRecord => {
                let (bytes, what) = if action == Action::CopyValue {
                    (self.value_bytes(r), "the value")
                } else {
                    (self.record_json(r).into_bytes(), "the record as JSON")
                };
                if bytes.len() > MAX_COPY_BYTES {
                    let pager = self.key(Context::Record, Action::OpenPager);
                    self.warn(format!(
                        "{what} is {} bytes: too large for the clipboard (OSC 52); {pager} opens it in a pager",
                        bytes.len()
                    ));
                } else {
                    self.terminal = Some(TermRequest::Copy {
                        bytes,
                        what: what.to_string(),
                    });
                }
            }
            Action::OpenPager | Action::OpenEditor => {
                self.terminal = Some(TermRequest::Open {
                    editor: action == Action::OpenEditor,
                    bytes: self.value_bytes(r),
                });
            }
            _ => {}
        }
    }
}

impl App {
    /// What a key or value shows: decoded through a schema when the format lets it be.
    pub fn shown(&self, bytes: Option<&[u8]>) -> Shown {
        match (bytes, self.tail.format) {
            (Some(b), Format::Auto | Format::Json) => self.schemas.show(b),
            _ => Shown::Plain,
        }
    }

    /// The value as copied or opened: decoded JSON when a schema decoded it, else its bytes.
    pub fn value_bytes(&self, r: &Record) -> Vec<u8> {
        match self.shown(r.value.as_deref()) {
            Shown::Decoded { decoded, .. } => decoded.json.into_bytes(),
            _ => r.value.clone().unwrap_or_default(),
        }
    }

    /// The whole record as one JSON object: position, time, leader epoch (null when unknown),
    /// key, value (decoded JSON embedded as JSON, text as a string, other bytes as base64 with
    /// an encoding field), headers.
    pub fn record_json(&self, r: &Record) -> String {
        use base64::Engine as _;
        let field = |bytes: Option<&[u8]>| -> serde_json::Value {
            let Some(b) = bytes else {
                return serde_json::Value::Null;
            };
            if let Shown::Decoded {
                decoded, schema, ..
            } = self.shown(Some(b))
            {
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(&decoded.json) {
                    let mut m = serde_json::Map::new();
                    m.insert("schema_id".into(), schema.id.into());
                    m.insert("decoded".into(), v);
                    return serde_json::Value::Object(m);
                }
            }
            match std::str::from_utf8(b) {
                Ok(s) => serde_json::Value::String(s.to_string()),
                Err(_) => serde_json::json!({
                    "encoding": "base64",
                    "data": base64::engine::general_purpose::STANDARD.encode(b),
                }),
            }
        };
        let headers: Vec<serde_json::Value> = r
            .headers
            .iter()
            .map(|h| serde_json::json!({"name": h.name, "value": field(h.value.as_deref())}))
            .collect();
        serde_json::json!({
            "topic": r.topic,
            "partition": r.partition,
            "offset": r.offset,
            "timestamp_ms": r.timestamp_ms,
            "leader_epoch": r.leader_epoch,
            "key": field(r.key.as_deref()),
            "value": field(r.value.as_deref()),
            "headers": headers,
        })
        .to_string()
    }
}
