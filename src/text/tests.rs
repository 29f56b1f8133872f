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
    let sent =
        br#"{"zeta":1,"alpha":12345678901234567890123,"pi":0.10000000000000000555,"e":-1.5E+300}"#;
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
    let sent = br#" { "a" : [1, 2, {"b": null, "c": {}, "d": [ ]}], "e": "x\"y", "f": [[true]] } "#;
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
