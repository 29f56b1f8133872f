//! Finding records: the `/` filter (text or regex over key, value and headers) and `:jq`
//! programs over JSON values. Plain functions of a record: the tail pane, `:export` and the
//! headless `dump` share them.

pub mod jq;

use regex::bytes::{Regex, RegexBuilder};

use crate::model::Record;

/// Longest compiled regex accepted (the regex crate's default is 10 MB; a filter is typed).
const REGEX_SIZE_LIMIT: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FindError {
    #[error("bad regex {pattern:?}: {reason}")]
    BadRegex { pattern: String, reason: String },
}

/// A `/` filter: plain text (case-insensitive) or `/regex/` (case-sensitive unless it says
/// `(?i)`), with `!` in front to keep what does not match.
#[derive(Debug, Clone)]
pub struct Query {
    /// What was typed, as typed.
    pub text: String,
    pub invert: bool,
    re: Regex,
}

impl Query {
    /// `Ok(None)` for an empty filter (or a lone `!`): everything matches.
    pub fn parse(text: &str) -> Result<Option<Query>, FindError> {
        let (invert, body) = match text.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        if body.is_empty() {
            return Ok(None);
        }
        let regex_body = body
            .strip_prefix('/')
            .map(|r| r.strip_suffix('/').unwrap_or(r))
            .filter(|r| !r.is_empty());
        let re = match regex_body {
            Some(pattern) => RegexBuilder::new(pattern)
                .size_limit(REGEX_SIZE_LIMIT)
                .build()
                .map_err(|e| FindError::BadRegex {
                    pattern: pattern.to_string(),
                    reason: one_line(&e.to_string()),
                })?,
            None => RegexBuilder::new(&regex::escape(body))
                .case_insensitive(true)
                .size_limit(REGEX_SIZE_LIMIT)
                .build()
                .map_err(|e| FindError::BadRegex {
                    pattern: body.to_string(),
                    reason: one_line(&e.to_string()),
                })?,
        };
        Ok(Some(Query {
            text: text.to_string(),
            invert,
            re,
        }))
    }

    /// Whether the record is kept: the pattern occurs in its key, value, a header name or a
    /// header value (or, inverted, in none of them).
    pub fn matches(&self, r: &Record) -> bool {
        self.occurs(r) != self.invert
    }

    fn occurs(&self, r: &Record) -> bool {
        let hit = |b: Option<&[u8]>| b.is_some_and(|b| self.re.is_match(b));
        hit(r.value.as_deref())
            || hit(r.key.as_deref())
            || r.headers
                .iter()
                .any(|h| self.re.is_match(h.name.as_bytes()) || hit(h.value.as_deref()))
    }
}

/// The regex crate's errors draw a caret under the pattern on several lines: the status line
/// has one.
fn one_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.chars().all(|c| c == '^' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Header;

    fn rec(key: &str, value: &[u8], headers: &[(&str, &str)]) -> Record {
        Record {
            topic: "t".into(),
            key: (!key.is_empty()).then(|| key.as_bytes().to_vec()),
            value: Some(value.to_vec()),
            headers: headers
                .iter()
                .map(|(n, v)| Header {
                    name: n.to_string(),
                    value: Some(v.as_bytes().to_vec()),
                })
                .collect(),
            ..Record::default()
        }
    }

    #[test]
    fn text_is_case_insensitive_over_key_value_and_headers() {
        let q = Query::parse("ORDER").unwrap().unwrap();
        assert!(q.matches(&rec("", b"an order", &[])));
        assert!(q.matches(&rec("Order-1", b"x", &[])));
        assert!(q.matches(&rec("", b"x", &[("order-id", "1")])));
        assert!(q.matches(&rec("", b"x", &[("h", "reorder")])));
        assert!(!q.matches(&rec("k", b"payment", &[("h", "v")])));
        // Non-ASCII case folding, and binary values around the text.
        let q = Query::parse("ÉTÉ").unwrap().unwrap();
        assert!(q.matches(&rec("", "un été chaud".as_bytes(), &[])));
        let q = Query::parse("abc").unwrap().unwrap();
        assert!(q.matches(&rec("", b"\xff\x00ABC\xfe", &[])));
    }

    #[test]
    fn text_metacharacters_are_literal() {
        let q = Query::parse("a.b(").unwrap().unwrap();
        assert!(q.matches(&rec("", b"xa.b(y", &[])));
        assert!(!q.matches(&rec("", b"axb(", &[])));
    }

    #[test]
    fn slashes_make_a_regex_and_bang_inverts() {
        let q = Query::parse(r"/^id-\d+$/").unwrap().unwrap();
        assert!(q.matches(&rec("", b"id-42", &[])));
        assert!(!q.matches(&rec("", b"ID-42", &[])));
        let q = Query::parse(r"!/^id-\d+$/").unwrap().unwrap();
        assert!(!q.matches(&rec("", b"id-42", &[])));
        assert!(q.matches(&rec("", b"other", &[])));
        let q = Query::parse("!pay").unwrap().unwrap();
        assert!(q.matches(&rec("k", b"order", &[])));
        assert!(!q.matches(&rec("k", b"PAYMENT", &[])));
        // An unterminated /regex is still a regex.
        assert!(Query::parse("/^a")
            .unwrap()
            .unwrap()
            .matches(&rec("", b"ab", &[])));
    }

    #[test]
    fn empty_filters_match_everything() {
        assert!(Query::parse("").unwrap().is_none());
        assert!(Query::parse("!").unwrap().is_none());
    }

    #[test]
    fn a_bad_regex_is_a_one_line_error() {
        let e = Query::parse("/a(b/").unwrap_err().to_string();
        assert!(e.starts_with("bad regex \"a(b\""), "{e}");
        assert!(!e.contains('\n'), "{e}");
        // Too big to compile is refused, not built.
        let e = Query::parse(r"/\w{1000}\w{1000}\w{1000}/").unwrap_err();
        assert!(e.to_string().contains("bad regex"), "{e}");
    }
}
