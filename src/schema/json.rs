//! JSON as the schema code needs it: a parse of what the person typed that remembers where each
//! value starts (so an encoding error can point at a line and column), keeps object members in
//! their order and numbers as their literal text; and the small pieces of JSON output the
//! decoders write directly (display text must keep field order and exact numbers, which
//! `serde_json::Value` without `preserve_order`/`arbitrary_precision` would not).

use std::fmt::Write as _;

/// A 1-based line and column (in characters) in the typed JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for Pos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// A JSON value with the place it starts at.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    /// The number as written (`12.50` stays `12.50`).
    Number(String),
    String(String),
    Array(Vec<Node>),
    /// Members in the order written.
    Object(Vec<(String, Node)>),
}

impl Kind {
    /// What this is, for messages ("expected a number, found a string").
    pub fn describe(&self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Number(_) => "a number",
            Kind::String(_) => "a string",
            Kind::Array(_) => "an array",
            Kind::Object(_) => "an object",
        }
    }
}

/// JSON that does not parse: serde_json's message and place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not valid JSON at {pos}: {message}")]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
}

/// Parses `text` (one JSON value, whitespace around it allowed).
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    // serde_json checks the syntax, nesting depth included, and words the errors; the scan
    // below then only has to walk text known to be valid.
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        let message = e.to_string();
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        return Err(SyntaxError {
            pos: Pos {
                line: e.line(),
                column: e.column(),
            },
            message,
        });
    }
    let mut p = Scan {
        chars: text.chars().collect(),
        i: 0,
        line: 1,
        col: 1,
    };
    Ok(p.value())
}

struct Scan {
    chars: Vec<char>,
    i: usize,
    line: usize,
    col: usize,
}

impl Scan {
    fn peek(&self) -> char {
        self.chars.get(self.i).copied().unwrap_or('\0')
    }
    fn bump(&mut self) -> char {
        let c = self.peek();
        self.i += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        c
    }
    fn ws(&mut self) {
        while matches!(self.peek(), ' ' | '\t' | '\n' | '\r') {
            self.bump();
        }
    }
    fn value(&mut self) -> Node {
        self.ws();
        let pos = Pos {
            line: self.line,
            column: self.col,
        };
        let kind = match self.peek() {
            'n' => {
                self.skip(4);
                Kind::Null
            }
            't' => {
                self.skip(4);
                Kind::Bool(true)
            }
            'f' => {
                self.skip(5);
                Kind::Bool(false)
            }
            '"' => Kind::String(self.string()),
            '[' => {
                self.bump();
                let mut items = Vec::new();
                self.ws();
                if self.peek() == ']' {
                    self.bump();
                } else {
                    loop {
                        items.push(self.value());
                        self.ws();
                        if self.bump() == ']' {
                            break;
                        }
                    }
                }
                Kind::Array(items)
            }
            '{' => {
                self.bump();
                let mut members = Vec::new();
                self.ws();
                if self.peek() == '}' {
                    self.bump();
                } else {
                    loop {
                        self.ws();
                        let key = self.string();
                        self.ws();
                        self.bump(); // ':'
                        members.push((key, self.value()));
                        self.ws();
                        if self.bump() == '}' {
                            break;
                        }
                    }
                }
                Kind::Object(members)
            }
            _ => {
                let start = self.i;
                while matches!(self.peek(), '0'..='9' | '-' | '+' | '.' | 'e' | 'E') {
                    self.bump();
                }
                Kind::Number(self.chars[start..self.i].iter().collect())
            }
        };
        Node { pos, kind }
    }
    fn skip(&mut self, n: usize) {
        for _ in 0..n {
            self.bump();
        }
    }
    fn string(&mut self) -> String {
        let start = self.i;
        self.bump(); // opening quote
        while self.peek() != '"' {
            if self.bump() == '\\' {
                self.bump();
            }
        }
        self.bump();
        let literal: String = self.chars[start..self.i].iter().collect();
        // Valid JSON (checked above), so the literal decodes.
        serde_json::from_str(&literal).unwrap_or_default()
    }
}

/// Appends `s` as a JSON string literal.
pub fn push_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends a float: the shortest text that reads back as the same value; NaN and the
/// infinities (which JSON has no number for) as the strings Avro's and Protobuf's JSON
/// mappings use.
pub fn push_f64(out: &mut String, v: f64) {
    if v.is_nan() {
        out.push_str("\"NaN\"");
    } else if v.is_infinite() {
        out.push_str(if v > 0.0 {
            "\"Infinity\""
        } else {
            "\"-Infinity\""
        });
    } else {
        let _ = write!(out, "{v}");
    }
}

/// As [`push_f64`] for a 32-bit float (shortest text for the f32, not its f64 widening).
pub fn push_f32(out: &mut String, v: f32) {
    if v.is_finite() {
        let _ = write!(out, "{v}");
    } else {
        push_f64(out, f64::from(v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_order_and_literals() {
        let n = parse("{\n  \"b\": 1.50,\n  \"a\": [true, null, \"x\\n\"]\n}").unwrap();
        let Kind::Object(m) = n.kind else { panic!() };
        assert_eq!(m[0].0, "b");
        assert_eq!(m[0].1.kind, Kind::Number("1.50".into()));
        assert_eq!(m[0].1.pos, Pos { line: 2, column: 8 });
        assert_eq!(m[1].0, "a");
        let Kind::Array(items) = &m[1].1.kind else {
            panic!()
        };
        assert_eq!(items[2].kind, Kind::String("x\n".into()));
        assert_eq!(
            items[1].pos,
            Pos {
                line: 3,
                column: 15
            }
        );
    }

    #[test]
    fn syntax_errors_have_a_place() {
        let e = parse("{\n \"a\": }").unwrap_err();
        assert_eq!(e.pos.line, 2);
        assert!(e.message.contains("expected value"), "{e}");
        assert!(parse("").is_err());
        assert!(parse("[1] 2").is_err());
    }

    #[test]
    fn output_escapes_and_floats() {
        let mut s = String::new();
        push_str(&mut s, "a\"\\\u{1}é");
        assert_eq!(s, r#""a\"\\\u0001é""#);
        let mut s = String::new();
        push_f64(&mut s, 0.1);
        push_f64(&mut s, f64::NAN);
        push_f32(&mut s, 0.1f32);
        assert_eq!(s, "0.1\"NaN\"0.1");
    }
}
