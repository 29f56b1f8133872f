//! The record detail view's own state (which record is open is the tail's selection), and
//! what it asks of the terminal: a copy (OSC 52) or a program to show the value in.

use std::cell::RefCell;
use std::sync::Arc;

/// Where the view is: rows of the value scrolled past, columns scrolled sideways, and
/// whether long lines wrap.
#[derive(Debug, Default, Clone)]
pub struct RecordView {
    pub wrap: bool,
    /// Rows of the value's body scrolled past (a row is a line, or a piece of a wrapped one).
    pub scroll: usize,
    /// Characters scrolled sideways (not wrapping).
    pub hscroll: usize,
    /// The body of the record on screen, built once (decoding and re-indenting a value is
    /// not redone every frame); keyed by what it was built from.
    pub cache: RefCell<Option<(BodyKey, Arc<super::super::ui::record::Body>)>>,
}

/// What a cached body was built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyKey {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub format: crate::text::Format,
    /// The schema's state when it was built (loading, ready, failed), so it is rebuilt once
    /// the schema arrives.
    pub schema: u8,
}

impl RecordView {
    /// A record was opened: back to its top, wrapping kept as the person left it.
    pub fn open(&mut self) {
        self.scroll = 0;
        self.hscroll = 0;
        self.cache.replace(None);
    }
}

/// Something only the run loop can do, as it owns the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TermRequest {
    /// Put these bytes on the clipboard with OSC 52.
    Copy { bytes: Vec<u8>, what: String },
    /// Leave the alternate screen, run `$PAGER` (or `$EDITOR`) on a file holding `bytes`,
    /// and come back.
    Open { editor: bool, bytes: Vec<u8> },
}

/// The OSC 52 sequence that puts `bytes` on the clipboard (base64, as the sequence wants).
pub fn osc52(bytes: &[u8]) -> String {
    use base64::Engine as _;
    format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_is_base64_between_the_markers() {
        assert_eq!(osc52(b"hello"), "\x1b]52;c;aGVsbG8=\x07");
        assert_eq!(osc52(b""), "\x1b]52;c;\x07");
    }
}
