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

/// Unicode's Default_Ignorable_Code_Point property (DerivedCoreProperties.txt; the set is
/// stable across versions). These draw nothing in some programs and one or two cells in
/// others: unicode-width (ours and ratatui's) gives them 0 columns, tmux draws U+00AD in one
/// and U+3164 in two, so a row holding them ends past its pane's border.
pub fn is_default_ignorable(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}'..='\u{1160}' | '\u{17B4}'..='\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// Printable characters whose width unicode-width 0.2.0 and terminals' tables (glibc's
/// wcwidth, which tmux uses) disagree on, found by drawing every code point in tmux 3.3a and
/// reading the cursor back: Yijing hexagrams and circled numbers on black squares are 1 column
/// to unicode-width and 2 to glibc; two Khmer signs are 2 and 3 to unicode-width and 1 to glibc;
/// the Tifinagh consonant joiner is 1 to unicode-width and 0 to glibc.
fn width_disputed(c: char) -> bool {
    matches!(c, '\u{3248}'..='\u{324F}' | '\u{4DC0}'..='\u{4DFF}' | '\u{17A4}' | '\u{17D8}' | '\u{2D7F}')
}

/// What precedes a character on its line, for the rules that depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prev {
    /// The start of the text (or of a line).
    Nothing,
    /// A character drawn as itself: combining marks may sit on it. The offset is where, in
    /// the text drawn so far, its cluster starts (the last character wider than 0 columns,
    /// before the marks on it): the context unicode-width's ligature rules look at.
    Drawn(usize),
    /// A stand-in (`<U+…>`, `␛`): a mark after it would sit on its last symbol.
    StandIn,
}

/// How one character reaches the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    /// As itself: it draws exactly as many cells as unicode-width says.
    AsIs,
    /// As one visible symbol (the control pictures: `␛`, `␊`, `␡`).
    Picture(char),
    /// As its code point, `<U+00AD>`.
    Code,
}

/// The one rule for what may reach a terminal as itself. A character is drawn as is only if
/// it cannot act on the terminal (controls, bidi) and the cells a terminal gives it are the
/// cells unicode-width (and so ratatui's layout) gives it; everything else becomes a visible
/// stand-in. Combining marks stay (é as e + U+0301 must look right) when they sit on a
/// character drawn as itself: both sides count them 0 columns then. `drawn` is the text drawn
/// so far on the line (what `prev` points into).
fn shown_as(c: char, prev: Prev, drawn: &str) -> Shown {
    use unicode_properties::{GeneralCategory as G, UnicodeGeneralCategory};
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    match c {
        // Printable ASCII, the common case, first.
        ' '..='~' => return Shown::AsIs,
        // C0 controls and DEL map onto the Unicode "control pictures" block (␀ ␛ ␊ …).
        '\u{0}'..='\u{1f}' => {
            return Shown::Picture(char::from_u32(0x2400 + c as u32).unwrap_or('?'))
        }
        '\u{7f}' => return Shown::Picture('␡'),
        // C1 controls (CSI is U+009B) have no pictures: show their code.
        '\u{80}'..='\u{9f}' => return Shown::Code,
        '\u{AD}' => return Shown::Code,
        // The rest of Latin-1 and the Latin extensions, box drawing, blocks and geometric
        // shapes (every border), CJK ideographs and Hangul syllables: ordinary characters,
        // answered without the tables (this runs for every cell of every frame).
        '\u{A0}'..='\u{2FF}'
        | '\u{2500}'..='\u{25FF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7A3}' => return Shown::AsIs,
        _ => {}
    }
    if is_bidi_control(c) || is_default_ignorable(c) || width_disputed(c) {
        return Shown::Code;
    }
    let category = c.general_category();
    match category {
        // Format characters are invisible by definition (and so drawn differently by every
        // terminal); separators Zl/Zp and unassigned code points are drawn 0 cells by tmux
        // while unicode-width gives them 1.
        G::Format
        | G::LineSeparator
        | G::ParagraphSeparator
        | G::Unassigned
        | G::Surrogate
        | G::Control => return Shown::Code,
        _ => {}
    }
    let width = c.width().unwrap_or(0);
    if width == 0 {
        // Zero columns is right only for a combining mark on a character drawn as itself; on
        // nothing (or on a stand-in) a terminal may draw it alone, over a dotted circle.
        // Zero-width letters and spacing marks (Hangul jamo fillers, U+0D4E, U+302E) are
        // drawn one or two cells wide by terminals.
        let mark = matches!(category, G::NonspacingMark | G::EnclosingMark);
        return if mark && matches!(prev, Prev::Drawn(_)) {
            Shown::AsIs
        } else {
            Shown::Code
        };
    }
    // unicode-width's ligature rules count some sequences narrower than their characters:
    // an emoji and its skin tone (2 columns together, 4 in tmux), a Khmer consonant after a
    // coeng sign (ក្ក: 1 column, 2 in tmux), Arabic lam-alef even with marks between them
    // (لا: 1, 2 in tmux), Lisu tone letters (ꓸꓼ: 1, 2 in tmux). tmux (like glibc's wcwidth)
    // adds up the characters, so the character completing such a sequence is shown by its
    // code: both sides then count every column alike. Only characters wider than 0 columns
    // complete one, and the cluster is short, so this stays linear in the text.
    if let Prev::Drawn(start) = prev {
        let cluster = drawn.get(start..).unwrap_or("");
        let mut joined = String::with_capacity(cluster.len() + c.len_utf8());
        joined.push_str(cluster);
        joined.push(c);
        if joined.width() != cluster.width() + width {
            return Shown::Code;
        }
    }
    Shown::AsIs
}

/// Where the cluster of `c`, just drawn as itself at `at` after `prev`, starts: a mark
/// stays in the cluster of its base.
fn cluster_start(c: char, at: usize, prev: Prev) -> usize {
    use unicode_width::UnicodeWidthChar;
    match prev {
        Prev::Drawn(start) if c.width() == Some(0) => start,
        _ => at,
    }
}

/// Appends `c` as it is shown after `prev`; returns what now precedes the next character.
fn push_shown(out: &mut String, c: char, prev: Prev) -> Prev {
    match shown_as(c, prev, out) {
        Shown::AsIs => {
            let start = cluster_start(c, out.len(), prev);
            out.push(c);
            Prev::Drawn(start)
        }
        Shown::Picture(p) => {
            out.push(p);
            Prev::StandIn
        }
        Shown::Code => {
            let _ = write!(out, "<U+{:04X}>", c as u32);
            Prev::StandIn
        }
    }
}

/// Whether `text` would be changed by `sanitize_inline`: it holds a character that is not
/// drawn as itself (editors show an escaped copy then).
pub fn needs_escaping(text: &str) -> bool {
    let mut prev = Prev::Nothing;
    for (at, c) in text.char_indices() {
        // Everything before `at` was drawn as itself: the text is what was drawn.
        if shown_as(c, prev, &text[..at]) != Shown::AsIs {
            return true;
        }
        prev = Prev::Drawn(cluster_start(c, at, prev));
    }
    false
}

/// The last line of defence, run on every cell of a finished frame: a cell whose symbol a
/// terminal would not draw as it is laid out (a control, a bidi override, a zero-width
/// character that ratatui appended to the cell before it, an emoji modifier that a terminal
/// draws apart) is replaced by stand-ins of the width ratatui reserved for it, so nothing
/// can push the rest of its row past the pane's border.
pub fn scrub_symbol(symbol: &str) -> Option<String> {
    use unicode_width::UnicodeWidthStr;
    let mut chars = symbol.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        // One character, the common cell: no context to look at.
        return match shown_as(c, Prev::Nothing, "") {
            Shown::AsIs => None,
            Shown::Picture(p) => Some(p.to_string()),
            Shown::Code => Some("\u{fffd}".repeat(symbol.width().max(1))),
        };
    }
    if !needs_escaping(symbol) {
        return None;
    }
    Some("\u{fffd}".repeat(symbol.width().max(1)))
}

/// One-line, terminal-safe rendering of text: newlines and tabs become visible symbols too.
pub fn sanitize_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev = Prev::Nothing;
    for c in s.chars() {
        prev = push_shown(&mut out, c, prev);
    }
    out
}

/// Multi-line rendering: keeps line breaks, expands tabs, escapes every other control.
pub fn sanitize_lines(s: &str) -> Vec<String> {
    let s = s.strip_suffix('\n').unwrap_or(s);
    s.split('\n')
        .map(|line| {
            let mut out = String::with_capacity(line.len());
            let mut prev = Prev::Nothing;
            for c in line.chars() {
                if c == '\t' {
                    prev = Prev::Drawn(out.len() + 3);
                    out.push_str("    ");
                } else {
                    prev = push_shown(&mut out, c, prev);
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

/// Thousands separators: 1234567 -> "1,234,567".
pub fn thousands(n: i64) -> String {
    let s = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// A size as people read it: "0 B", "999 B", "1.5 KiB", "12.0 MiB", "3.2 GiB" (binary units,
/// one decimal above bytes).
pub fn bytes_label(n: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

mod json;
pub use json::*;

#[cfg(test)]
mod tests;
