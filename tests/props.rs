//! Property tests (issue 6, point 5): the parsers and formatters that see untrusted input
//! never panic, and keep their promises on any input proptest can think of.
//!
//! Each property runs a bounded number of cases (`CASES`) so the whole file stays well under a
//! minute in the debug profile. A failing case is shrunk and saved by proptest next to this
//! file; that file is not kept in the repo: copy the input into `regressions` below (and a unit
//! test where the code lives) so it is replayed by name forever.

use std::collections::BTreeMap;
use std::path::Path;

use kafka_tui::config::ConfigFile;
use kafka_tui::kafka::groups::decode_assignment;
use kafka_tui::model::StartFrom;
use kafka_tui::model::{PartitionInfo, TopicInfo};
use kafka_tui::state::producer::{parse_draft, parse_headers};
use kafka_tui::state::topics::TopicsState;
use kafka_tui::text::{self as codec, Format, PREVIEW_BYTES};
use proptest::prelude::*;

const CASES: u32 = 1024;
const FORMATS: [Format; 4] = [Format::Auto, Format::Text, Format::Json, Format::Hex];

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        // A shrinking run must not blow the time budget either.
        max_shrink_iters: 2_000,
        ..ProptestConfig::default()
    }
}

/// Characters that reorder text on a terminal: they are not `is_control`, but just as unsafe.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Fails the property when `text` holds anything a terminal would act on.
fn check_inert(text: &str, what: &str) -> Result<(), TestCaseError> {
    if let Some(c) = text.chars().find(|&c| c.is_control() || is_bidi_control(c)) {
        return Err(TestCaseError::fail(format!(
            "{what}: {c:?} reaches the screen in {text:?}"
        )));
    }
    Ok(())
}

/// Bytes that are mostly hostile: escape sequences, C1 controls, bidi, invalid UTF-8, NUL.
fn hostile_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"\x1b[2J".to_vec()),
        Just(b"\x1b]0;title\x07".to_vec()),
        Just(b"\x1b]8;;http://x\x1b\\".to_vec()),
        Just(b"\x1bP+q\x1b\\".to_vec()),
        Just("\u{9b}31m".as_bytes().to_vec()),
        Just("\u{202e}".as_bytes().to_vec()),
        Just("\u{2066}".as_bytes().to_vec()),
        Just(vec![0u8]),
        Just(vec![0xff, 0xfe]),
        Just(vec![0xe2, 0x82]), // a cut UTF-8 sequence
        Just(b"{\"a\":\"\\u001b[2J\"}".to_vec()),
        prop::collection::vec(any::<u8>(), 0..16),
        "\\PC{0,8}".prop_map(String::into_bytes),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

/// Any bytes at all, sometimes longer than a preview looks at.
fn any_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => prop::collection::vec(any::<u8>(), 0..256),
        4 => hostile_bytes(),
        1 => prop::collection::vec(any::<u8>(), PREVIEW_BYTES - 8..PREVIEW_BYTES * 3),
    ]
}

fn any_format() -> impl Strategy<Value = Format> {
    prop::sample::select(FORMATS.to_vec())
}

/// The consumer-protocol `MemberAssignment` encoding (version, topics, partitions, user data).
fn encode_assignment(topics: &BTreeMap<String, Vec<i32>>) -> Vec<u8> {
    let mut b = vec![0, 1];
    b.extend((topics.len() as i32).to_be_bytes());
    for (t, ps) in topics {
        b.extend((t.len() as i16).to_be_bytes());
        b.extend(t.as_bytes());
        b.extend((ps.len() as i32).to_be_bytes());
        for p in ps {
            b.extend(p.to_be_bytes());
        }
    }
    b.extend((-1i32).to_be_bytes());
    b
}

fn topic(name: String) -> TopicInfo {
    TopicInfo {
        name,
        partitions: vec![PartitionInfo {
            id: 0,
            leader: 1,
            watermarks: None,
            under_replicated: false,
        }],
        error: None,
    }
}

/// A valid config file, to be mutated into almost-valid ones.
const VALID_CONFIG: &str = r#"default_cluster = "dev"
theme = "dark"
[clusters.dev]
bootstrap = "localhost:9092"
broker_log_cmd = "docker logs -f broker"
[clusters.prod]
bootstrap = "kafka-1:9093"
read_only = true
[clusters.prod.properties]
"security.protocol" = "SASL_SSL"
"sasl.password" = "${KAFKA_PASSWORD}"
"#;

/// Text that is TOML-ish: the valid file with a few characters inserted or removed.
fn mutated_config() -> impl Strategy<Value = String> {
    let edit = (
        any::<prop::sample::Index>(),
        prop::option::of("[\\[\\]=\"'{}\n#.a-z0-9 \\\\]{1,3}"),
    );
    prop::collection::vec(edit, 1..4).prop_map(|edits| {
        let mut chars: Vec<char> = VALID_CONFIG.chars().collect();
        for (at, insert) in edits {
            let i = at.index(chars.len());
            match insert {
                Some(s) => {
                    for (k, c) in s.chars().enumerate() {
                        chars.insert(i + k, c);
                    }
                }
                None => {
                    chars.remove(i);
                }
            }
        }
        chars.into_iter().collect()
    })
}

/// Checks a config error names `path:line:column:` with a line and column inside the text.
fn check_config_error(path: &str, text: &str, err: &str) -> Result<(), TestCaseError> {
    let rest = err
        .strip_prefix(&format!("{path}:"))
        .ok_or_else(|| TestCaseError::fail(format!("error does not start with the path: {err}")))?;
    let mut parts = rest.splitn(3, ':');
    let line: usize = parts
        .next()
        .and_then(|l| l.parse().ok())
        .ok_or_else(|| TestCaseError::fail(format!("no line number: {err}")))?;
    let column: usize = parts
        .next()
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| TestCaseError::fail(format!("no column number: {err}")))?;
    let lines = text.split('\n').count();
    prop_assert!(line >= 1 && line <= lines, "line {line} of {lines}: {err}");
    prop_assert!(column >= 1, "column {column}: {err}");
    prop_assert!(parts.next().is_some(), "no message part: {err}");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The value formatter (text)
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn preview_is_inert_one_line_and_bounded(bytes in any_bytes(), format in any_format()) {
        let shown = codec::preview(Some(&bytes), format);
        check_inert(&shown, "preview")?;
        // At most 4 characters per byte looked at (`<U+009B>` stands for 2 bytes).
        prop_assert!(shown.chars().count() <= 4 * PREVIEW_BYTES, "{} chars", shown.chars().count());
        // Only a bounded prefix is looked at, however long the value.
        let prefix = &bytes[..bytes.len().min(PREVIEW_BYTES)];
        prop_assert_eq!(&shown, &codec::preview(Some(prefix), format));
    }

    #[test]
    fn full_is_inert_line_by_line(bytes in any_bytes(), format in any_format()) {
        for line in codec::full(Some(&bytes), format) {
            check_inert(&line, "full")?;
        }
    }

    #[test]
    fn pretty_json_with_hostile_strings_is_inert(
        fields in prop::collection::btree_map("\\PC{0,6}", hostile_bytes(), 1..5),
    ) {
        let object: serde_json::Map<String, serde_json::Value> = fields
            .into_iter()
            .map(|(k, v)| (k, String::from_utf8_lossy(&v).into_owned().into()))
            .collect();
        let bytes = serde_json::to_vec(&serde_json::Value::Object(object)).unwrap();
        let lines = codec::full(Some(&bytes), Format::Json);
        prop_assert_eq!(lines[0].as_str(), "{", "valid JSON is pretty-printed: {:?}", lines);
        for line in &lines {
            check_inert(line, "pretty JSON")?;
        }
    }

    #[test]
    fn sanitizers_leave_nothing_active(text in "\\PC*|[\\x00-\\x1f\\x7f-\\u{9f}\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}a]{0,40}") {
        check_inert(&codec::sanitize_inline(&text), "sanitize_inline")?;
        let lines = codec::sanitize_lines(&text);
        prop_assert!(lines.len() <= text.matches('\n').count() + 1);
        for line in &lines {
            check_inert(line, "sanitize_lines")?;
        }
    }
}

/// Characters whose width unicode-width and terminals disagree on, or that change the width of
/// their neighbours: default-ignorables, format characters, zero-width letters and spacing
/// marks, combining marks, emoji and their modifiers, regional indicators, unassigned.
const TRICKY: &[char] = &[
    '\u{AD}',
    '\u{34F}',
    '\u{61C}',
    '\u{115F}',
    '\u{1160}',
    '\u{17B4}',
    '\u{180B}',
    '\u{180E}',
    '\u{200B}',
    '\u{200C}',
    '\u{200D}',
    '\u{200E}',
    '\u{2060}',
    '\u{2064}',
    '\u{2065}',
    '\u{206F}',
    '\u{3164}',
    '\u{FE00}',
    '\u{FE0E}',
    '\u{FE0F}',
    '\u{FEFF}',
    '\u{FFA0}',
    '\u{FFF0}',
    '\u{1BCA0}',
    '\u{1D173}',
    '\u{E0001}',
    '\u{E0041}',
    '\u{E007F}',
    '\u{E0100}',
    '\u{600}',
    '\u{605}',
    '\u{70F}',
    '\u{8E2}',
    '\u{110BD}',
    '\u{13430}',
    '\u{FFF9}',
    '\u{2028}',
    '\u{2029}',
    '\u{D4E}',
    '\u{302E}',
    '\u{9BE}',
    '\u{FF9E}',
    '\u{A8FA}',
    '\u{11A8}',
    '\u{1100}',
    '\u{1161}',
    '\u{301}',
    '\u{20E3}',
    '\u{94D}',
    '\u{17D2}',
    '\u{1780}',
    '\u{17D8}',
    '\u{17A4}',
    '\u{2D7F}',
    '\u{2D31}',
    '\u{4DC0}',
    '\u{3248}',
    '\u{1F44D}',
    '\u{1F3FD}',
    '\u{1F468}',
    '\u{1F1FA}',
    '\u{1F1F8}',
    '\u{2764}',
    '\u{1F3F4}',
    '\u{644}',
    '\u{627}',
    '\u{5D0}',
    '\u{5DC}',
    '\u{378}',
    '\u{E000}',
    'e',
    ' ',
    '日',
];

/// Default_Ignorable_Code_Point, written out again: the property must not trust the code.
fn is_default_ignorable(c: char) -> bool {
    matches!(c as u32,
        0xAD | 0x34F | 0x61C | 0x115F..=0x1160 | 0x17B4..=0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
        | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFF8 | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
        | 0xE0000..=0xE0FFF)
}

/// Fails unless a terminal would give `text` the columns ratatui lays it out in: no
/// default-ignorable; a zero-width character only as a combining mark on the character
/// before it; every grapheme (ratatui's cell) exactly as wide as its characters together.
fn check_width_faithful(text: &str, what: &str) -> Result<(), TestCaseError> {
    use unicode_properties::{GeneralCategory as G, UnicodeGeneralCategory};
    use unicode_segmentation::UnicodeSegmentation;
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    let mut prev: Option<char> = None;
    for c in text.chars() {
        prop_assert!(
            !is_default_ignorable(c),
            "{}: default-ignorable {:?} in {:?}",
            what,
            c,
            text
        );
        let mark = matches!(c.general_category(), G::NonspacingMark | G::EnclosingMark);
        if c.width() == Some(0) {
            prop_assert!(
                mark && prev.is_some(),
                "{}: zero-width {:?} after {:?} in {:?}",
                what,
                c,
                prev,
                text
            );
        }
        prop_assert!(
            c.general_category() != G::Unassigned,
            "{}: unassigned {:?}",
            what,
            c
        );
        prev = Some(c);
    }
    for g in text.graphemes(true) {
        let sum: usize = g.chars().map(|c| c.width().unwrap_or(0)).sum();
        prop_assert_eq!(g.width(), sum, "{}: grapheme {:?} in {:?}", what, g, text);
    }
    Ok(())
}

fn tricky_text() -> impl Strategy<Value = String> {
    let c = prop_oneof![
        3 => prop::sample::select(TRICKY),
        1 => any::<char>(),
        1 => prop::char::range('\u{300}', '\u{36F}'),
    ];
    prop::collection::vec(c, 0..40).prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(config())]

    /// Issue 14.3: what the sanitizers return is as wide on a terminal as in ratatui's layout.
    #[test]
    fn sanitized_text_is_as_wide_as_laid_out(text in tricky_text()) {
        let inline = codec::sanitize_inline(&text);
        check_inert(&inline, "sanitize_inline")?;
        check_width_faithful(&inline, "sanitize_inline")?;
        for line in codec::sanitize_lines(&text) {
            check_width_faithful(&line, "sanitize_lines")?;
        }
        // Text that needs nothing is left exactly as it was.
        prop_assert_eq!(codec::needs_escaping(&text), inline != text);
    }

    #[test]
    fn a_scrubbed_cell_is_as_wide_as_laid_out(text in tricky_text()) {
        use unicode_segmentation::UnicodeSegmentation;
        use unicode_width::UnicodeWidthStr;
        for g in text.graphemes(true) {
            let cell = codec::scrub_symbol(g).unwrap_or_else(|| g.to_string());
            check_width_faithful(&cell, "scrub_symbol")?;
            // The replacement takes the columns ratatui reserved for the cell.
            prop_assert_eq!(cell.width().max(1), g.width().max(1), "{:?} -> {:?}", g, cell);
        }
    }
}

/// A JSON value as sent: keys in their order (duplicates allowed, as JSON allows them),
/// numbers as their literal text.
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Obj(Vec<(String, Json)>),
    Arr(Vec<Json>),
    Num(String),
    Str(String),
    Lit(&'static str),
}

impl Json {
    /// Compact JSON text with some whitespace where JSON allows it.
    fn text(&self, ws: &str) -> String {
        let quote = |s: &str| serde_json::to_string(s).unwrap();
        match self {
            Json::Obj(fields) => {
                let inner: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| format!("{ws}{}{ws}:{ws}{}", quote(k), v.text(ws)))
                    .collect();
                format!("{{{}{ws}}}", inner.join(","))
            }
            Json::Arr(items) => {
                let inner: Vec<String> = items
                    .iter()
                    .map(|v| format!("{ws}{}", v.text(ws)))
                    .collect();
                format!("[{}{ws}]", inner.join(","))
            }
            Json::Num(n) => n.clone(),
            Json::Str(s) => quote(s),
            Json::Lit(l) => l.to_string(),
        }
    }
}

/// Reads JSON back into `Json`, keeping key order and number literals: serde_json's `Value`
/// would sort the one and round the other, the very thing under test.
struct JsonReader<'a> {
    b: &'a [u8],
    i: usize,
}

impl JsonReader<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn value(&mut self) -> Json {
        self.ws();
        match self.b[self.i] {
            b'{' => {
                self.i += 1;
                let mut fields = Vec::new();
                loop {
                    self.ws();
                    if self.b[self.i] == b'}' {
                        self.i += 1;
                        return Json::Obj(fields);
                    }
                    if self.b[self.i] == b',' {
                        self.i += 1;
                        self.ws();
                    }
                    let Json::Str(k) = self.value() else {
                        panic!("a key")
                    };
                    self.ws();
                    assert_eq!(self.b[self.i], b':');
                    self.i += 1;
                    fields.push((k, self.value()));
                }
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.ws();
                    match self.b[self.i] {
                        b']' => {
                            self.i += 1;
                            return Json::Arr(items);
                        }
                        b',' => self.i += 1,
                        _ => items.push(self.value()),
                    }
                }
            }
            b'"' => {
                let start = self.i;
                self.i += 1;
                while self.b[self.i] != b'"' {
                    self.i += if self.b[self.i] == b'\\' { 2 } else { 1 };
                }
                self.i += 1;
                let literal = std::str::from_utf8(&self.b[start..self.i]).unwrap();
                Json::Str(serde_json::from_str(literal).expect("a JSON string"))
            }
            b't' | b'f' | b'n' => {
                let lit = ["true", "false", "null"]
                    .into_iter()
                    .find(|l| self.b[self.i..].starts_with(l.as_bytes()))
                    .expect("a literal");
                self.i += lit.len();
                Json::Lit(lit)
            }
            _ => {
                let start = self.i;
                while self.i < self.b.len() && b"+-.eE0123456789".contains(&self.b[self.i]) {
                    self.i += 1;
                }
                Json::Num(String::from_utf8(self.b[start..self.i].to_vec()).unwrap())
            }
        }
    }
}

fn json_number() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        "(0|[1-9][0-9]{0,30})",
        prop::option::of("[0-9]{1,25}"),
        prop::option::of(("[eE]", "[+-]?", "[0-9]{1,3}")),
    )
        .prop_map(|(neg, int, frac, exp)| {
            let mut n = format!("{}{int}", if neg { "-" } else { "" });
            if let Some(f) = frac {
                n.push('.');
                n.push_str(&f);
            }
            if let Some((e, sign, digits)) = exp {
                n.push_str(&format!("{e}{sign}{digits}"));
            }
            n
        })
}

fn json_string() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_]{0,8}",
        tricky_text(),
        "\\PC{0,8}",
        "[\\x00-\\x1f\\x7f-\\u{9f}\"\\\\/a]{0,8}",
    ]
}

fn json_value() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        json_number().prop_map(Json::Num),
        json_string().prop_map(Json::Str),
        prop::sample::select(vec!["true", "false", "null"]).prop_map(Json::Lit),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec((json_string(), inner.clone()), 0..6).prop_map(Json::Obj),
            prop::collection::vec(inner, 0..6).prop_map(Json::Arr),
        ]
    })
}

fn json_document() -> impl Strategy<Value = Json> {
    prop_oneof![
        prop::collection::vec((json_string(), json_value()), 0..6).prop_map(Json::Obj),
        prop::collection::vec(json_value(), 0..6).prop_map(Json::Arr),
    ]
}

proptest! {
    #![proptest_config(config())]

    /// Issue 9.2: the record detail shows JSON as sent. What it shows parses back to the same
    /// value, with the keys in the same order and every number literal as written, and it is
    /// inert and as wide as laid out, whatever the strings hold.
    #[test]
    fn json_is_shown_as_sent(doc in json_document(), ws in prop::sample::select(vec!["", " ", "\n\t "])) {
        let sent = doc.text(ws);
        let lines = codec::full(Some(sent.as_bytes()), Format::Json);
        prop_assert!(lines[0] == "{" || lines[0] == "[" || lines[0] == "{}" || lines[0] == "[]", "pretty-printed: {:?}", lines);
        for line in &lines {
            check_inert(line, "JSON")?;
            check_width_faithful(line, "JSON")?;
        }
        let shown = lines.join("\n");
        prop_assert!(serde_json::from_str::<serde::de::IgnoredAny>(&shown).is_ok(), "not JSON: {}", shown);
        let back = JsonReader { b: shown.as_bytes(), i: 0 }.value();
        prop_assert_eq!(back, doc);
    }
}

// ---------------------------------------------------------------------------------------------
// The producer input parser (state::producer)
// ---------------------------------------------------------------------------------------------

/// A header name as a person types it: no '=', no whitespace at either end, one line.
fn header_name() -> impl Strategy<Value = String> {
    "[^\\s=]([^=\\n\\r]{0,12}[^\\s=])?"
}

/// A header value: one line, no whitespace at either end (the parser trims lines).
fn header_value() -> impl Strategy<Value = String> {
    "([^\\s]([^\\n\\r]{0,20}[^\\s])?)?"
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn producer_parsers_never_panic(key in "\\PC*|.*", headers in "(.|\n){0,200}", value in "(.|\n){0,200}") {
        let _ = parse_draft(&key, &headers, &value);
        match parse_headers(&headers) {
            Ok(parsed) => {
                for h in parsed {
                    prop_assert!(!h.name.is_empty() && !h.name.contains('='), "{:?}", h.name);
                }
            }
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(msg.starts_with("header line "), "{msg}");
            }
        }
    }

    #[test]
    fn well_formed_headers_round_trip(
        pairs in prop::collection::vec((header_name(), header_value()), 0..8),
        pad in prop::collection::vec((" {0,2}", " {0,2}", any::<bool>()), 8),
    ) {
        // Spaces around '=' and blank lines between headers are allowed and ignored.
        let text: String = pairs
            .iter()
            .zip(&pad)
            .map(|((n, v), (before, after, blank))| {
                format!("{n}{before}={after}{v}\n{}", if *blank { "\n" } else { "" })
            })
            .collect();
        let parsed = parse_headers(&text).map_err(|e| TestCaseError::fail(format!("{e}: {text:?}")))?;
        let got: Vec<(String, String)> = parsed
            .into_iter()
            .map(|h| (h.name, String::from_utf8(h.value.unwrap_or_default()).unwrap()))
            .collect();
        prop_assert_eq!(got, pairs);
    }

    #[test]
    fn draft_keeps_key_and_value_bytes(key in "[^\\n\\r]{0,20}", value in "(.|\n){0,100}") {
        let d = parse_draft(&key, "", &value).unwrap();
        prop_assert_eq!(d.key, (!key.is_empty()).then(|| key.as_bytes().to_vec()));
        prop_assert_eq!(d.value, value.as_bytes().to_vec());
        prop_assert!(d.headers.is_empty());
    }
}

// ---------------------------------------------------------------------------------------------
// The config file parser (config::ConfigFile)
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn config_parse_never_panics_and_errors_say_where(text in prop_oneof![mutated_config(), "(.|\n){0,300}"]) {
        let path = "/etc/kafka-tui/config.toml";
        if let Err(e) = ConfigFile::parse(Path::new(path), &text) {
            check_config_error(path, &text, &e.to_string())?;
        }
    }
}

/// A config error must also say what is wrong, not only where. toml gives no message for some
/// inputs (a lone carriage return), and `ConfigFile::parse` passes its empty message on.
#[test]
fn config_errors_always_say_what_is_wrong() {
    for text in ["\r", "\r ", "[clusters.a]\n\r"] {
        let e = ConfigFile::parse(Path::new("c.toml"), text)
            .unwrap_err()
            .to_string();
        check_config_error("c.toml", text, &e).unwrap();
        let message = e.splitn(4, ':').nth(3).unwrap_or_default();
        assert!(
            !message.trim().is_empty(),
            "no message in {e:?} for {text:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The topics filter (state::topics)
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn topics_filter_shows_exactly_the_matching_topics(
        names in prop::collection::btree_set("(_{0,2})\\PC{0,10}", 0..30),
        needle in "\\PC{0,3}",
        show_internal in any::<bool>(),
        moves in prop::collection::vec(-5i64..5, 0..4),
    ) {
        let mut s = TopicsState::default();
        s.set_topics(names.iter().cloned().map(topic).collect());
        if show_internal {
            s.toggle_internal();
        }
        for m in moves {
            s.move_by(m);
        }
        s.set_filter(needle.clone());
        let visible: Vec<String> = s.visible().map(|t| t.name.clone()).collect();
        let lower = needle.to_lowercase();
        let expected: Vec<String> = s
            .all()
            .iter()
            .filter(|t| show_internal || !t.is_internal())
            .filter(|t| t.name.to_lowercase().contains(&lower))
            .map(|t| t.name.clone())
            .collect();
        // visible ⊆ all, each visible name matches, and no matching topic is left out.
        for v in &visible {
            prop_assert!(names.contains(v));
            prop_assert!(v.to_lowercase().contains(&lower), "{v:?} does not contain {needle:?}");
        }
        prop_assert_eq!(&visible, &expected);
        prop_assert_eq!(s.visible_len(), visible.len());
        match s.selected_name() {
            Some(sel) => prop_assert!(visible.iter().any(|v| v == sel)),
            None => prop_assert!(visible.is_empty()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Start positions (model::start) and consumer-group assignments (kafka::groups)
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn start_from_never_panics_and_accepts_only_sane_values(text in "\\PC{0,20}|-?[0-9]{1,25}|[0-9]{1,6} ?[a-z]{1,7}( ago)?") {
        match text.parse::<StartFrom>() {
            Ok(StartFrom::Tail(n)) => prop_assert!(n > 0),
            Ok(StartFrom::Ago(d)) => prop_assert!(!d.is_zero()),
            Ok(_) => {}
            Err(e) => prop_assert!(e.to_string().contains(&format!("{text:?}")), "{e}"),
        }
    }

    #[test]
    fn start_from_numbers(n in 0i64..i64::MAX) {
        prop_assert_eq!(n.to_string().parse::<StartFrom>(), Ok(StartFrom::Offset(n)));
        if n > 0 {
            prop_assert_eq!(format!("-{n}").parse::<StartFrom>(), Ok(StartFrom::Tail(n)));
        }
        if n > 0 && n < 1_000_000_000_000 {
            prop_assert_eq!(
                format!("{n}s ago").parse::<StartFrom>(),
                Ok(StartFrom::Ago(std::time::Duration::from_secs(n as u64)))
            );
        }
    }

    #[test]
    fn decode_assignment_never_panics_and_stays_bounded(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Some(decoded) = decode_assignment(&bytes) {
            let partitions: usize = decoded.values().map(Vec::len).sum();
            prop_assert!(partitions * 4 <= bytes.len(), "{partitions} partitions from {} bytes", bytes.len());
        }
    }

    #[test]
    fn decode_assignment_round_trips(
        topics in prop::collection::btree_map("[a-z0-9._-]{1,20}", prop::collection::vec(0i32..10_000, 0..8), 0..6),
        cut in any::<prop::sample::Index>(),
    ) {
        let bytes = encode_assignment(&topics);
        prop_assert_eq!(decode_assignment(&bytes), Some(topics));
        // Cut anywhere before the user data, the message is refused, never misread.
        let at = cut.index(bytes.len() - 4);
        prop_assert_eq!(decode_assignment(&bytes[..at]), None);
    }
}

// ---------------------------------------------------------------------------------------------
// Regressions: inputs proptest (or a person) found; replayed by name.
// ---------------------------------------------------------------------------------------------

#[test]
fn regressions() {
    for bytes in [
        &b"\xc2"[..],                 // a lone UTF-8 lead byte
        &b"\xc2\x9b2J"[..],           // U+009B (CSI) encoded
        &b"{\"\xe2\x80\xae\":1}"[..], // JSON key with RLO
        &[0xe2, 0x80][..],            // a cut RLO
    ] {
        for format in FORMATS {
            let shown = codec::preview(Some(bytes), format);
            check_inert(&shown, "preview").unwrap();
            for line in codec::full(Some(bytes), format) {
                check_inert(&line, "full").unwrap();
            }
        }
    }
    for text in [
        "[clusters.\u{0}]",
        "\u{feff}[clusters.a]",
        "[clusters.a]\r\nbootstrap = 1\r\n",
        "a = \"\n",
    ] {
        if let Err(e) = ConfigFile::parse(Path::new("c.toml"), text) {
            check_config_error("c.toml", text, &e.to_string()).unwrap();
        }
    }
    assert_eq!(
        decode_assignment(&[0, 1, 0x80, 0, 0, 0]),
        Some(BTreeMap::new())
    );
    // Ligatures unicode-width counts narrower than tmux draws them: Khmer consonant + coeng +
    // consonant then a prepended concatenation mark (found by proptest), Arabic lam-alef.
    for text in ["\u{1780}\u{17d2}\u{1780}\u{600}", "\u{644}\u{64e}\u{627}"] {
        let inline = codec::sanitize_inline(text);
        check_width_faithful(&inline, "sanitize_inline").unwrap();
        for line in codec::sanitize_lines(text) {
            check_width_faithful(&line, "sanitize_lines").unwrap();
        }
        use unicode_segmentation::UnicodeSegmentation;
        use unicode_width::UnicodeWidthStr;
        for g in text.graphemes(true) {
            let cell = codec::scrub_symbol(g).unwrap_or_else(|| g.to_string());
            check_width_faithful(&cell, "scrub_symbol").unwrap();
            assert_eq!(cell.width().max(1), g.width().max(1), "{g:?} -> {cell:?}");
        }
    }
}
