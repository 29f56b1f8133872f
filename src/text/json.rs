//! Values shown whole in the record detail: JSON re-indented from its own text (keys in the
//! order sent, numbers as written) and coloured by token; text and hex line by line.

use std::fmt::Write as _;

use super::*;

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
