//! The record detail view's own keys: sideways scrolling, copying, opening in a pager.

use super::*;
use crate::state::record::TermRequest;

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
                    (ui::record::value_bytes(self, r), "the value")
                } else {
                    (
                        ui::record::record_json(self, r).into_bytes(),
                        "the record as JSON",
                    )
                };
                if bytes.len() > MAX_COPY_BYTES {
                    self.warn(format!(
                        "{what} is {} bytes: too large for the clipboard (OSC 52); o opens it in a pager",
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
                    bytes: ui::record::value_bytes(self, r),
                });
            }
            _ => {}
        }
    }
}
