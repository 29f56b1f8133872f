//! Turning untrusted record bytes into text that is safe to put on a terminal.
//!
//! Every byte that reaches the screen passes through here: control characters, ANSI escape
//! sequences and bidi overrides are replaced with visible stand-ins (`␛`, `<U+202E>`), invalid
//! UTF-8 and NUL-bearing payloads are shown as hex.

use std::fmt::Write as _;

/// How the person wants values shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Pick per record: pretty JSON when it parses, text when it is text, hex otherwise.
    #[default]
    Auto,
    Text,
    Json,
    Hex,
}

impl Format {
    pub fn next(self) -> Self {
        match self {
            Format::Auto => Format::Text,
            Format::Text => Format::Json,
            Format::Json => Format::Hex,
            Format::Hex => Format::Auto,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Format::Auto => "auto",
            Format::Text => "text",
            Format::Json => "json",
            Format::Hex => "hex",
        }
    }
}

/// What a payload looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Empty,
    Text,
    Binary,
}

/// Classifies a payload (or a prefix of one: a UTF-8 sequence cut at the end still counts as text).
pub fn kind_of(bytes: &[u8]) -> Kind {
    if bytes.is_empty() {
        return Kind::Empty;
    }
    if bytes.contains(&0) {
        return Kind::Binary;
    }
    match std::str::from_utf8(bytes) {
        Ok(_) => Kind::Text,
        // error_len() == None: only an incomplete sequence at the very end.
        Err(e) if e.error_len().is_none() && e.valid_up_to() + 4 > bytes.len() => Kind::Text,
        Err(_) => Kind::Binary,
    }
}

/// Characters that reorder text on screen (Trojan-Source style) and so are never drawn raw.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}')
}

/// Pushes a visible, inert stand-in for `c` when it could move the cursor, change the terminal
/// or reorder text; returns false when `c` is safe to draw as is.
fn push_escaped(out: &mut String, c: char) -> bool {
    match c {
        // C0 controls and DEL map onto the Unicode "control pictures" block (␀ ␛ ␊ …).
        '\u{0}'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('?')),
        '\u{7f}' => out.push('␡'),
        // C1 controls (CSI is U+009B) have no pictures: show their code.
        '\u{80}'..='\u{9f}' => {
            let _ = write!(out, "<U+{:04X}>", c as u32);
        }
        c if is_bidi_control(c) => {
            let _ = write!(out, "<U+{:04X}>", c as u32);
        }
        // Other format characters that are invisible but harmless are left alone.
        _ => return false,
    }
    true
}

/// The last line of defence, run on every cell of a finished frame: any control or bidi
/// character that reached the buffer is replaced by a one-cell stand-in.
pub fn scrub_symbol(symbol: &str) -> Option<String> {
    if !symbol.chars().any(|c| c.is_control() || is_bidi_control(c)) {
        return None;
    }
    Some(
        symbol
            .chars()
            .map(|c| match c {
                '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
                '\u{7f}' => '␡',
                c if c.is_control() || is_bidi_control(c) => '\u{fffd}',
                c => c,
            })
            .collect(),
    )
}

/// One-line, terminal-safe rendering of text: newlines and tabs become visible symbols too.
pub fn sanitize_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !push_escaped(&mut out, c) {
            out.push(c);
        }
    }
    out
}

/// Multi-line rendering: keeps line breaks, expands tabs, escapes every other control.
pub fn sanitize_lines(s: &str) -> Vec<String> {
    let s = s.strip_suffix('\n').unwrap_or(s);
    s.split('\n')
        .map(|line| {
            let mut out = String::with_capacity(line.len());
            for c in line.chars() {
                if c == '\t' {
                    out.push_str("    ");
                } else if !push_escaped(&mut out, c) {
                    out.push(c);
                }
            }
            out
        })
        .collect()
}

/// Bytes as lossy UTF-8 text, escaped for one line.
fn inline_text(bytes: &[u8]) -> String {
    sanitize_inline(&String::from_utf8_lossy(bytes))
}

/// Space-separated hex bytes: `de ad be ef`.
pub fn hex_inline(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// A classic hex dump: offset, 16 bytes, printable ASCII.
pub fn hex_dump(bytes: &[u8]) -> Vec<String> {
    bytes
        .chunks(16)
        .enumerate()
        .map(|(i, chunk)| {
            let mut line = format!("{:08x}  ", i * 16);
            for j in 0..16 {
                match chunk.get(j) {
                    Some(b) => {
                        let _ = write!(line, "{b:02x} ");
                    }
                    None => line.push_str("   "),
                }
                if j == 7 {
                    line.push(' ');
                }
            }
            line.push(' ');
            line.extend(chunk.iter().map(|&b| {
                if b.is_ascii_graphic() || b == b' ' {
                    b as char
                } else {
                    '.'
                }
            }));
            line
        })
        .collect()
}

/// How many bytes of a value the one-line preview looks at: enough for any terminal row,
/// and keeps huge records from costing a full decode per frame.
pub const PREVIEW_BYTES: usize = 1024;

/// One-line preview of a key, value or header for a table row.
pub fn preview(bytes: Option<&[u8]>, format: Format) -> String {
    let Some(bytes) = bytes else {
        return "∅".to_string();
    };
    let cut = &bytes[..bytes.len().min(PREVIEW_BYTES)];
    match format {
        Format::Hex => hex_inline(cut),
        Format::Text => inline_text(cut),
        Format::Auto | Format::Json => match kind_of(cut) {
            Kind::Empty => String::new(),
            Kind::Text => inline_text(cut),
            Kind::Binary => format!(
                "0x {}",
                hex_inline(&cut[..cut.len().min(PREVIEW_BYTES / 3)])
            ),
        },
    }
}

/// The whole value as display lines, for the record detail view.
pub fn full(bytes: Option<&[u8]>, format: Format) -> Vec<String> {
    let Some(bytes) = bytes else {
        return vec!["∅ (null)".to_string()];
    };
    match format {
        Format::Hex => hex_dump(bytes),
        Format::Text => sanitize_lines(&String::from_utf8_lossy(bytes)),
        Format::Json | Format::Auto => match kind_of(bytes) {
            Kind::Empty => vec![String::new()],
            Kind::Binary => hex_dump(bytes),
            Kind::Text => match pretty_json(bytes) {
                Some(pretty) => sanitize_lines(&pretty),
                None => {
                    let mut lines = sanitize_lines(&String::from_utf8_lossy(bytes));
                    if format == Format::Json {
                        lines.insert(0, "(not valid JSON; shown as text)".to_string());
                    }
                    lines
                }
            },
        },
    }
}

/// Pretty-prints JSON objects and arrays; scalars and non-JSON return `None`.
pub fn pretty_json(bytes: &[u8]) -> Option<String> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first != b'{' && *first != b'[' {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    serde_json::to_string_pretty(&value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_made_visible() {
        let s = sanitize_inline("a\x1b[2Jb\x07c\rd\u{9b}31m\u{202e}e");
        assert_eq!(s, "a␛[2Jb␇c␍d<U+009B>31m<U+202E>e");
        assert!(!s.chars().any(|c| c.is_control()));
    }

    #[test]
    fn scrub_replaces_controls_cell_by_cell() {
        assert_eq!(scrub_symbol("a"), None);
        assert_eq!(scrub_symbol("\x1b").as_deref(), Some("␛"));
        assert_eq!(scrub_symbol("\u{9b}").as_deref(), Some("\u{fffd}"));
        assert_eq!(scrub_symbol("\u{202e}").as_deref(), Some("\u{fffd}"));
    }

    #[test]
    fn newline_and_tab_inline() {
        assert_eq!(sanitize_inline("a\nb\tc"), "a␊b␉c");
    }

    #[test]
    fn lines_keep_breaks_and_expand_tabs() {
        assert_eq!(sanitize_lines("a\n\tb\x1b\n"), vec!["a", "    b␛"]);
    }

    #[test]
    fn kind_detection() {
        assert_eq!(kind_of(b""), Kind::Empty);
        assert_eq!(kind_of(b"hello"), Kind::Text);
        assert_eq!(kind_of(b"he\0llo"), Kind::Binary);
        assert_eq!(kind_of(&[0xff, 0xfe, 0x41]), Kind::Binary);
        // "é" cut in half at the end of a preview is still text.
        assert_eq!(kind_of(&"abcé".as_bytes()[..4]), Kind::Text);
    }

    #[test]
    fn preview_formats() {
        assert_eq!(preview(None, Format::Auto), "∅");
        assert_eq!(preview(Some(b"hi"), Format::Hex), "68 69");
        assert_eq!(preview(Some(&[0, 1, 0xff]), Format::Auto), "0x 00 01 ff");
        assert_eq!(preview(Some(b"{\"a\":1}"), Format::Auto), "{\"a\":1}");
    }

    #[test]
    fn preview_of_huge_value_is_bounded() {
        let big = vec![b'x'; 10 * 1024 * 1024];
        assert_eq!(preview(Some(&big), Format::Auto).len(), PREVIEW_BYTES);
    }

    #[test]
    fn full_pretty_prints_json() {
        let lines = full(Some(b"{\"a\":[1,2],\"b\":\"x\"}"), Format::Auto);
        assert_eq!(lines[0], "{");
        assert!(lines.iter().any(|l| l.contains("\"b\": \"x\"")));
        assert!(lines.len() > 3);
    }

    #[test]
    fn full_json_format_on_non_json_says_so() {
        let lines = full(Some(b"plain"), Format::Json);
        assert_eq!(lines, vec!["(not valid JSON; shown as text)", "plain"]);
    }

    #[test]
    fn escapes_inside_json_strings_are_escaped_by_json() {
        let lines = full(Some(b"{\"a\":\"\\u001b[2J\"}"), Format::Auto);
        // serde re-escapes the control as \u001b, so no raw ESC reaches the screen.
        assert!(lines.iter().all(|l| !l.contains('\x1b')));
    }

    #[test]
    fn hex_dump_layout() {
        let lines = full(Some(&[0u8, 0x41, 0x42, 0xff]), Format::Auto);
        assert_eq!(lines.len(), 1);
        assert!(lines[0].starts_with("00000000  00 41 42 ff"));
        assert!(lines[0].ends_with(".AB."));
    }

    #[test]
    fn format_cycle_returns_to_start() {
        let mut f = Format::Auto;
        for _ in 0..4 {
            f = f.next();
        }
        assert_eq!(f, Format::Auto);
    }
}
