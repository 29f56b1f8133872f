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

/// What a piece of a shown value is, so the detail view can colour JSON by token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    /// Text, hex, and notes: no syntax.
    Plain,
    /// An object key, quotes included.
    Key,
    /// A string value, quotes included.
    Str,
    Number,
    /// `true`, `false`, `null`.
    Literal,
    /// Braces, brackets, commas, colons.
    Punct,
}

/// One shown line, as (token, text) pieces.
pub type StyledLine = Vec<(Token, String)>;

/// The whole value as display lines, for the record detail view.
pub fn full(bytes: Option<&[u8]>, format: Format) -> Vec<String> {
    full_styled(bytes, format)
        .into_iter()
        .map(|line| line.into_iter().map(|(_, text)| text).collect())
        .collect()
}

/// The whole value as display lines split into tokens: JSON is re-indented from its own
/// text, so keys keep the order they were sent in and numbers their exact digits.
pub fn full_styled(bytes: Option<&[u8]>, format: Format) -> Vec<StyledLine> {
    let plain = |lines: Vec<String>| -> Vec<StyledLine> {
        lines.into_iter().map(|l| vec![(Token::Plain, l)]).collect()
    };
    let Some(bytes) = bytes else {
        return plain(vec!["∅ (null)".to_string()]);
    };
    match format {
        Format::Hex => plain(hex_dump(bytes)),
        Format::Text => plain(sanitize_lines(&String::from_utf8_lossy(bytes))),
        Format::Json | Format::Auto => match kind_of(bytes) {
            Kind::Empty => plain(vec![String::new()]),
            Kind::Binary => plain(hex_dump(bytes)),
            Kind::Text => match pretty_json_lines(bytes) {
                Some(lines) => lines,
                None => {
                    let mut lines = sanitize_lines(&String::from_utf8_lossy(bytes));
                    if format == Format::Json {
                        lines.insert(0, "(not valid JSON; shown as text)".to_string());
                    }
                    plain(lines)
                }
            },
        },
    }
}

/// Pretty-prints JSON objects and arrays; scalars and non-JSON return `None`.
pub fn pretty_json(bytes: &[u8]) -> Option<String> {
    let lines = pretty_json_lines(bytes)?;
    let text: Vec<String> = lines
        .into_iter()
        .map(|l| l.into_iter().map(|(_, t)| t).collect())
        .collect();
    Some(text.join("\n"))
}

/// JSON objects and arrays re-indented (two spaces, `"key": value`, as serde_json's pretty
/// printer) from the text itself, never through `serde_json::Value`, which sorts keys and
/// rounds numbers. Inside strings, a character that is not drawn as itself (a control, bidi,
/// an invisible one) is shown as its JSON escape (`\u00ad`), so what is shown is still JSON
/// that means the same; escapes that were sent stay as written, and inert.
pub fn pretty_json_lines(bytes: &[u8]) -> Option<Vec<StyledLine>> {
    if !is_json_container(bytes) {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    Some(JsonPrinter::default().print(text))
}

/// Whether `bytes` are one JSON object or array in UTF-8, checked without building a value or
/// printing it (the record detail asks this of its labels every frame).
pub fn is_json_container(bytes: &[u8]) -> bool {
    let Some(first) = bytes.iter().find(|b| !b.is_ascii_whitespace()) else {
        return false;
    };
    // serde_json checks the syntax (and nesting depth) without building a value, but skips
    // over strings without checking that they are UTF-8.
    (*first == b'{' || *first == b'[')
        && std::str::from_utf8(bytes).is_ok()
        && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok()
}

#[derive(Default)]
struct JsonPrinter {
    lines: Vec<StyledLine>,
    line: StyledLine,
    depth: usize,
}

impl JsonPrinter {
    fn push(&mut self, token: Token, text: impl Into<String>) {
        self.line.push((token, text.into()));
    }

    fn newline(&mut self) {
        self.lines.push(std::mem::take(&mut self.line));
        if self.depth > 0 {
            self.line.push((Token::Plain, "  ".repeat(self.depth)));
        }
    }

    /// `text` is valid JSON (checked by the caller), so the scan can be simple.
    fn print(mut self, text: &str) -> Vec<StyledLine> {
        let b = text.as_bytes();
        let next_significant = |from: usize| {
            b[from..]
                .iter()
                .position(|c| !c.is_ascii_whitespace())
                .map(|p| from + p)
        };
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b' ' | b'\t' | b'\n' | b'\r' => i += 1,
                open @ (b'{' | b'[') => {
                    let close = if open == b'{' { b'}' } else { b']' };
                    match next_significant(i + 1) {
                        Some(j) if b[j] == close => {
                            self.push(Token::Punct, format!("{}{}", open as char, close as char));
                            i = j + 1;
                        }
                        _ => {
                            self.push(Token::Punct, (open as char).to_string());
                            self.depth += 1;
                            self.newline();
                            i += 1;
                        }
                    }
                }
                close @ (b'}' | b']') => {
                    self.depth = self.depth.saturating_sub(1);
                    self.newline();
                    self.push(Token::Punct, (close as char).to_string());
                    i += 1;
                }
                b',' => {
                    self.push(Token::Punct, ",");
                    self.newline();
                    i += 1;
                }
                b':' => {
                    self.push(Token::Punct, ": ");
                    i += 1;
                }
                b'"' => {
                    let mut j = i + 1;
                    while b[j] != b'"' {
                        j += if b[j] == b'\\' { 2 } else { 1 };
                    }
                    let is_key = next_significant(j + 1).is_some_and(|k| b[k] == b':');
                    let shown = json_string(&text[i..=j]);
                    self.push(if is_key { Token::Key } else { Token::Str }, shown);
                    i = j + 1;
                }
                c => {
                    let j = b[i..]
                        .iter()
                        .position(|c| {
                            matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                        })
                        .map_or(b.len(), |p| i + p);
                    let token = if c == b'-' || c.is_ascii_digit() {
                        Token::Number
                    } else {
                        Token::Literal
                    };
                    self.push(token, &text[i..j]);
                    i = j;
                }
            }
        }
        if !self.line.is_empty() {
            self.lines.push(self.line);
        }
        self.lines
    }
}

/// A JSON string literal (quotes included) as shown: every character not drawn as itself
/// becomes its `\uXXXX` escape (a surrogate pair above U+FFFF), which JSON reads back as the
/// same character.
fn json_string(literal: &str) -> String {
    let mut out = String::with_capacity(literal.len());
    let mut prev = Prev::Nothing;
    for c in literal.chars() {
        if shown_as(c, prev, &out) == Shown::AsIs {
            prev = Prev::Drawn(cluster_start(c, out.len(), prev));
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{:04x}", u);
            }
            prev = Prev::StandIn;
        }
    }
    out
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
    fn invisible_characters_become_stand_ins() {
        // Soft hyphen, Hangul fillers, zero-width space and joiner, a variation selector, a
        // tag, a prepended concatenation mark, a line separator, an unassigned code point.
        let s = sanitize_inline(
            "a\u{AD}b\u{3164}\u{FFA0}\u{115F}\u{1160}\u{200B}\u{200D}\u{FE0F}\u{E0041}\u{605}\u{2028}\u{378}z",
        );
        assert_eq!(
            s,
            "a<U+00AD>b<U+3164><U+FFA0><U+115F><U+1160><U+200B><U+200D><U+FE0F><U+E0041><U+0605><U+2028><U+0378>z"
        );
    }

    #[test]
    fn combining_marks_stay_on_a_base_only() {
        // é as e + U+0301, Vietnamese ệ with two marks, a Devanagari conjunct: legit text.
        for text in [
            "e\u{301}",
            "e\u{323}\u{302}",
            "\u{915}\u{94D}\u{937}",
            "日本語",
            "ok 👍",
        ] {
            assert_eq!(sanitize_inline(text), text);
            assert!(!needs_escaping(text));
        }
        // On nothing, or on a stand-in, a mark is shown by its code.
        assert_eq!(sanitize_inline("\u{301}x"), "<U+0301>x");
        assert_eq!(sanitize_inline("\u{AD}\u{301}"), "<U+00AD><U+0301>");
        assert_eq!(sanitize_lines("a\n\u{301}"), vec!["a", "<U+0301>"]);
        // Zero-width letters and spacing marks are not combining marks.
        assert_eq!(sanitize_inline("a\u{302E}\u{D4E}"), "a<U+302E><U+0D4E>");
    }

    #[test]
    fn emoji_sequences_are_shown_apart() {
        // A family (ZWJ sequence) is 2 columns to unicode-width and 6 in tmux; a skin tone on
        // its emoji 2 and 4: shown apart, each emoji is 2 columns everywhere.
        assert_eq!(
            sanitize_inline("👨\u{200D}👩\u{200D}👧"),
            "👨<U+200D>👩<U+200D>👧"
        );
        assert_eq!(sanitize_inline("👍\u{1F3FD}"), "👍<U+1F3FD>");
        assert_eq!(sanitize_inline("\u{1F3FD}"), "\u{1F3FD}");
        assert_eq!(sanitize_inline("❤\u{FE0F}"), "❤<U+FE0F>");
        // Flags (pairs of regional indicators) are 2 columns on both sides: kept.
        assert_eq!(sanitize_inline("🇺🇸"), "🇺🇸");
    }

    #[test]
    fn sanitized_text_is_as_wide_as_its_characters() {
        use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
        let text = "x\u{AD}\u{3164}👍\u{1F3FD}👨\u{200D}👩e\u{301}\u{200B}\u{4DC0}";
        let s = sanitize_inline(text);
        let sum: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
        assert_eq!(s.width(), sum, "{s}");
        let zero: Vec<char> = s.chars().filter(|c| c.width() == Some(0)).collect();
        assert_eq!(
            zero,
            vec!['\u{301}'],
            "only the mark on e is zero-width: {s}"
        );
    }

    #[test]
    fn scrub_keeps_cells_as_wide_as_laid_out() {
        // ratatui appends zero-width characters to the cell before them.
        assert_eq!(scrub_symbol("a\u{AD}\u{AD}").as_deref(), Some("\u{fffd}"));
        assert_eq!(scrub_symbol("\u{3164}").as_deref(), Some("\u{fffd}"));
        assert_eq!(
            scrub_symbol("👍\u{1F3FD}").as_deref(),
            Some("\u{fffd}\u{fffd}")
        );
        assert_eq!(scrub_symbol("e\u{301}"), None);
        assert_eq!(scrub_symbol("日"), None);
        assert_eq!(scrub_symbol(" "), None);
    }

    #[test]
    fn ligatures_unicode_width_narrows_are_shown_apart() {
        // Found by proptest: Khmer consonant + coeng + consonant is 1 column to unicode-width
        // (and so to ratatui's layout) and 2 in tmux 3.3a (cursor read back after printing
        // it); so are Arabic lam-alef (with or without a mark between) and Lisu tone letters.
        let cases = [
            ("\u{1780}\u{17D2}\u{1780}", "\u{1780}\u{17D2}<U+1780>"),
            (
                "\u{1780}\u{17D2}\u{1780}\u{600}",
                "\u{1780}\u{17D2}<U+1780><U+0600>",
            ),
            ("\u{644}\u{627}", "\u{644}<U+0627>"),
            ("\u{644}\u{64E}\u{627}", "\u{644}\u{64E}<U+0627>"),
            ("\u{A4F8}\u{A4FC}", "\u{A4F8}<U+A4FC>"),
        ];
        for (text, shown) in cases {
            assert_eq!(sanitize_inline(text), shown);
            assert_eq!(sanitize_lines(text), vec![shown.to_string()]);
            assert!(needs_escaping(text), "{text:?}");
        }
        // A coeng before a character it does not join, and a lone lam, are plain text.
        for text in [
            "\u{1780}\u{17D2}",
            "\u{1780}\u{17D2}a",
            "\u{644}b",
            "\u{627}\u{644}",
        ] {
            assert_eq!(sanitize_inline(text), text);
            assert!(!needs_escaping(text), "{text:?}");
        }
    }

    #[test]
    fn a_cell_holding_a_ligature_is_scrubbed_to_its_laid_out_width() {
        use unicode_width::UnicodeWidthStr;
        // ratatui lays the grapheme ក្ក out in 1 cell; tmux would draw it in 2.
        let g = "\u{1780}\u{17D2}\u{1780}";
        assert_eq!(g.width(), 1);
        assert_eq!(scrub_symbol(g).as_deref(), Some("\u{fffd}"));
        assert_eq!(scrub_symbol("\u{600}").as_deref(), Some("\u{fffd}"));
        // The grapheme as its own characters: kept (1 + 0 columns both ways).
        assert_eq!(scrub_symbol("\u{1780}\u{17D2}"), None);
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
    fn json_keeps_key_order_and_number_literals() {
        let sent = br#"{"zeta":1,"alpha":12345678901234567890123,"pi":0.10000000000000000555,"e":-1.5E+300}"#;
        assert_eq!(
            full(Some(sent), Format::Auto),
            vec![
                "{",
                "  \"zeta\": 1,",
                "  \"alpha\": 12345678901234567890123,",
                "  \"pi\": 0.10000000000000000555,",
                "  \"e\": -1.5E+300",
                "}",
            ]
        );
    }

    #[test]
    fn json_is_indented_like_serde_pretty() {
        // Sorted keys and small integers: serde's printer shows them as sent, so it is the
        // reference for the layout (nesting, empty containers, spacing).
        let sent =
            br#" { "a" : [1, 2, {"b": null, "c": {}, "d": [ ]}], "e": "x\"y", "f": [[true]] } "#;
        let value: serde_json::Value = serde_json::from_slice(sent).unwrap();
        let serde = serde_json::to_string_pretty(&value).unwrap();
        assert_eq!(full(Some(sent), Format::Json).join("\n"), serde);
    }

    #[test]
    fn json_is_coloured_by_token() {
        let lines = full_styled(Some(br#"{"k":[1,"s",true]}"#), Format::Auto);
        let tokens: Vec<(Token, &str)> = lines
            .iter()
            .flatten()
            .filter(|(t, _)| *t != Token::Plain)
            .map(|(t, s)| (*t, s.as_str()))
            .collect();
        assert_eq!(
            tokens,
            vec![
                (Token::Punct, "{"),
                (Token::Key, "\"k\""),
                (Token::Punct, ": "),
                (Token::Punct, "["),
                (Token::Number, "1"),
                (Token::Punct, ","),
                (Token::Str, "\"s\""),
                (Token::Punct, ","),
                (Token::Literal, "true"),
                (Token::Punct, "]"),
                (Token::Punct, "}"),
            ]
        );
    }

    #[test]
    fn invisible_characters_in_json_strings_are_shown_as_json_escapes() {
        let sent = "{\"a\":\"x\u{AD}y\u{7f}\u{202e}\u{E0041}\",\"b\":\"\\u001b[2J\"}".as_bytes();
        let lines = full(Some(sent), Format::Auto);
        assert_eq!(
            lines[1],
            "  \"a\": \"x\\u00ady\\u007f\\u202e\\udb40\\udc41\","
        );
        // Escapes that were sent stay as written.
        assert_eq!(lines[2], "  \"b\": \"\\u001b[2J\"");
        let back: serde_json::Value = serde_json::from_str(&lines.join("\n")).unwrap();
        let sent: serde_json::Value = serde_json::from_slice(sent).unwrap();
        assert_eq!(back, sent);
    }

    #[test]
    fn json_containers_are_told_from_other_text() {
        for yes in [&b"{}"[..], b" [1, 2]\n", br#"{"a":{"b":[null,"\u00e9"]}}"#] {
            assert!(is_json_container(yes), "{:?}", String::from_utf8_lossy(yes));
        }
        for no in [
            &b""[..],
            b"   ",
            b"42",
            br#""a string""#,
            b"{not json}",
            b"[1, 2",
            b"{} {}",
            b"[\"\xff\"]",
        ] {
            assert!(!is_json_container(no), "{:?}", String::from_utf8_lossy(no));
        }
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
