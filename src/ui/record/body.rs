//! The value's rows in the record detail, built once per record (`Body`): formatted whole up
//! to `DETAIL_MAX_BYTES`, else indexed (a large text value's line starts, a large binary
//! value's hex rows) and formatted only where drawn.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use super::wrap::{cut, line_width, wrap_line};
use super::DETAIL_MAX_BYTES;
use crate::state::schemas::Shown;
use crate::text::sanitize_inline as clean;
use crate::text::{full_styled, kind_of, Format, Kind, StyledLine, Token};

/// The value's rows and what it is, built once per record (see `body`).
#[derive(Debug)]
pub struct Body {
    rows: Rows,
    /// What the value is, as the `value` line says it: judged once, not every frame.
    pub(super) label: String,
    /// Where each line's rows start when wrapped, for the width last drawn at (the line
    /// holding a row is found by a binary search, not by measuring every line above it).
    /// Built only when some line is wider than the pane.
    wrapped: Mutex<Option<(usize, Arc<[usize]>)>>,
}

#[derive(Debug)]
enum Rows {
    /// Lines formatted whole, with each line's width in columns.
    Styled {
        lines: Vec<StyledLine>,
        widths: Vec<usize>,
        widest: usize,
    },
    /// A large text value: its lines, sanitized when drawn. A byte is a column: a wrapped row
    /// holds `width` bytes of its line, and sideways scrolling moves by bytes, so any row is
    /// found without reading the line before it.
    Raw(RawLines),
    /// A large binary value: 16 bytes a row, formatted when drawn.
    Hex(usize),
}

/// Where the lines of a large text value begin, found once. Offsets are 32-bit (a Kafka
/// value's length is), which keeps the index of a 10 MB value of short lines small.
#[derive(Debug)]
struct RawLines {
    starts: Vec<u32>,
    len: usize,
    /// The longest line's bytes.
    longest: usize,
}

/// How the rows of a body are found at a width, wrapped.
enum Index {
    /// No line is wider than the pane: a row is a line.
    OneEach,
    /// Hex rows: `per` rows a line (the last line may take fewer).
    Hex { per: usize },
    /// Where each line's rows start (one more entry: the total).
    Starts(Arc<[usize]>),
}

pub(super) fn kind_label(bytes: Option<&[u8]>) -> &'static str {
    // Judged on a bounded prefix, as the detail shows it, so a frame stays cheap for a 10 MB
    // key (a value's label is judged once, in its `Body`).
    let bytes = bytes.map(|b| &b[..b.len().min(DETAIL_MAX_BYTES)]);
    match bytes.map(kind_of) {
        None => "null",
        Some(Kind::Empty) => "empty",
        // JSON is text too, but saying "text" of it reads as "not JSON".
        Some(Kind::Text) if bytes.is_some_and(crate::text::is_json_container) => "JSON",
        Some(Kind::Text) => "text",
        Some(Kind::Binary) => "binary",
    }
}

/// What a value shown in the detail is, as `kind_label` says it. JSON too large to be
/// re-indented says so, and is judged on its first part (it is not read whole when the record
/// is opened).
pub(super) fn value_label(value: &[u8]) -> String {
    if value.len() <= DETAIL_MAX_BYTES {
        return kind_label(Some(value)).to_string();
    }
    let prefix = &value[..DETAIL_MAX_BYTES];
    match kind_of(prefix) {
        Kind::Binary => "binary".into(),
        _ if json_so_far(prefix) => format!(
            "JSON (over {} KiB: not re-indented)",
            DETAIL_MAX_BYTES / 1024
        ),
        _ => "text".into(),
    }
}

/// Whether `prefix` is the start of a JSON object or array: valid as far as it goes.
fn json_so_far(prefix: &[u8]) -> bool {
    let Some(first) = prefix.iter().find(|b| !b.is_ascii_whitespace()) else {
        return false;
    };
    if *first != b'{' && *first != b'[' {
        return false;
    }
    match serde_json::from_slice::<serde::de::IgnoredAny>(prefix) {
        Ok(_) => true,
        Err(e) => e.is_eof(),
    }
}

pub(super) fn build_body(value: Option<&[u8]>, format: Format, shown: &Shown) -> Body {
    let label = value.map_or_else(|| "null".to_string(), value_label);
    Body {
        rows: build_rows(value, format, shown),
        label,
        wrapped: Mutex::new(None),
    }
}

fn styled(lines: Vec<StyledLine>) -> Rows {
    let widths: Vec<usize> = lines.iter().map(line_width).collect();
    let widest = widths.iter().copied().max().unwrap_or(0);
    Rows::Styled {
        lines,
        widths,
        widest,
    }
}

fn build_rows(value: Option<&[u8]>, format: Format, shown: &Shown) -> Rows {
    if let Shown::Decoded { decoded, .. } = shown {
        let bytes = decoded.json.as_bytes();
        return styled(
            crate::text::pretty_json_lines(bytes)
                .unwrap_or_else(|| full_styled(Some(bytes), Format::Text)),
        );
    }
    let hex = matches!(shown, Shown::Loading(_) | Shown::Failed { .. });
    let format = if hex { Format::Hex } else { format };
    match value {
        Some(v) if v.len() > DETAIL_MAX_BYTES => {
            if format == Format::Hex || kind_of(&v[..DETAIL_MAX_BYTES]) == Kind::Binary {
                Rows::Hex(v.len())
            } else {
                Rows::Raw(RawLines::find(v))
            }
        }
        _ => styled(full_styled(value, format)),
    }
}

impl RawLines {
    /// The lines of `v`. Bytes are compared eight at a time: a word without a line break is
    /// passed over whole, and in one with breaks each is found from a bit mask, so a 10 MB
    /// value is read in a few milliseconds when it is opened.
    fn find(v: &[u8]) -> RawLines {
        const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
        const NL: u64 = 0x0a0a_0a0a_0a0a_0a0a;
        let mut starts = vec![0u32];
        let mut longest = 0;
        let mut last = 0;
        let mut found = |at: usize, starts: &mut Vec<u32>| {
            longest = longest.max(at - last);
            last = at + 1;
            // A value's length is 32-bit in Kafka's protocol.
            starts.push(u32::try_from(last).unwrap_or(u32::MAX));
        };
        let mut words = v.chunks_exact(8);
        let mut at = 0;
        for w in &mut words {
            let x = u64::from_le_bytes(w.try_into().expect("8 bytes")) ^ NL;
            // 0x80 in exactly the bytes of `x` that are zero: the `\n`s.
            let mut hits = !(((x & LOW7) + LOW7) | x | LOW7);
            while hits != 0 {
                found(at + hits.trailing_zeros() as usize / 8, &mut starts);
                hits &= hits - 1;
            }
            at += 8;
        }
        for (i, b) in words.remainder().iter().enumerate() {
            if *b == b'\n' {
                found(at + i, &mut starts);
            }
        }
        longest = longest.max(v.len() - last);
        RawLines {
            starts,
            len: v.len(),
            longest,
        }
    }

    fn len(&self) -> usize {
        self.starts.len()
    }

    /// Line `i`'s bytes (without its `\n`).
    fn range(&self, i: usize) -> (usize, usize) {
        let a = (self.starts[i] as usize).min(self.len);
        let b = self
            .starts
            .get(i + 1)
            .map_or(self.len, |next| (*next as usize).saturating_sub(1));
        (a, b.clamp(a, self.len))
    }
}

/// Columns of a hex row: offset, 16 bytes in hex, then as ASCII (`n` bytes on the last row).
const HEX_ROW: usize = 8 + 2 + 47 + 2;

fn hex_row(value: &[u8], i: usize) -> String {
    let at = i * 16;
    let row = &value[at.min(value.len())..(at + 16).min(value.len())];
    let mut hex = String::with_capacity(47);
    for (k, b) in row.iter().enumerate() {
        if k > 0 {
            hex.push(' ');
        }
        let _ = write!(hex, "{b:02x}");
    }
    let ascii: String = row
        .iter()
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            }
        })
        .collect();
    format!("{at:08x}  {hex:<47}  {ascii}")
}

/// The first character boundary at or after `at` (at most 3 bytes on: a broken sequence
/// is shown by `from_utf8_lossy` as it is), not past `end`.
fn boundary(value: &[u8], mut at: usize, end: usize) -> usize {
    for _ in 0..3 {
        if at >= end || value[at] & 0xC0 != 0x80 {
            break;
        }
        at += 1;
    }
    at.min(end)
}

/// Bytes of a large text value as one sanitized piece.
fn raw_piece(value: &[u8], from: usize, to: usize) -> StyledLine {
    vec![(
        Token::Plain,
        clean(&String::from_utf8_lossy(&value[from..to])),
    )]
}

impl Body {
    fn lines(&self) -> usize {
        match &self.rows {
            Rows::Styled { lines, .. } => lines.len(),
            Rows::Raw(l) => l.len(),
            Rows::Hex(len) => len.div_ceil(16).max(1),
        }
    }

    /// Columns of the widest line (bytes, for a large text value).
    fn widest(&self) -> usize {
        match &self.rows {
            Rows::Styled { widest, .. } => *widest,
            Rows::Raw(l) => l.longest,
            Rows::Hex(len) => HEX_ROW + (*len).min(16),
        }
    }

    /// Rows line `i` takes wrapped at `width`.
    fn rows_of(&self, i: usize, width: usize) -> usize {
        let width = width.max(1);
        match &self.rows {
            Rows::Styled { lines, widths, .. } if widths[i] > width => {
                wrap_line(&lines[i], width, usize::MAX, usize::MAX).1
            }
            Rows::Styled { .. } => 1,
            Rows::Raw(l) => {
                let (a, b) = l.range(i);
                (b - a).div_ceil(width).max(1)
            }
            Rows::Hex(len) => (HEX_ROW + (len - (i * 16).min(*len)).min(16))
                .div_ceil(width)
                .max(1),
        }
    }

    /// How rows are found at `width`, wrapped: a line wider than the pane makes an index
    /// of where each line's rows start, built once per width.
    fn index(&self, width: usize) -> Index {
        let width = width.max(1);
        if self.widest() <= width {
            return Index::OneEach;
        }
        if matches!(self.rows, Rows::Hex(_)) {
            return Index::Hex {
                per: self.rows_of(0, width),
            };
        }
        let mut wrapped = self.wrapped.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((w, starts)) = wrapped.as_ref() {
            if *w == width {
                return Index::Starts(starts.clone());
            }
        }
        let mut starts = Vec::with_capacity(self.lines() + 1);
        let mut row = 0;
        for i in 0..self.lines() {
            starts.push(row);
            row += self.rows_of(i, width);
        }
        starts.push(row);
        let starts: Arc<[usize]> = starts.into();
        *wrapped = Some((width, starts.clone()));
        Index::Starts(starts)
    }

    /// The line holding wrapped row `row` (one of the body's), and that row's place in it.
    fn locate(&self, row: usize, width: usize) -> (usize, usize) {
        let last = self.lines().saturating_sub(1);
        match self.index(width) {
            Index::OneEach => (row.min(last), 0),
            Index::Hex { per } => {
                let i = (row / per).min(last);
                (i, row - i * per)
            }
            Index::Starts(starts) => {
                let i = starts.partition_point(|s| *s <= row).saturating_sub(1);
                let i = i.min(last);
                (i, row - starts[i])
            }
        }
    }

    /// The total of rows at `width`, wrapped or not.
    pub fn total_rows(&self, wrap: bool, width: usize) -> usize {
        let n = self.lines();
        if !wrap || n == 0 {
            return n;
        }
        match self.index(width) {
            Index::OneEach => n,
            Index::Hex { per } => (n - 1) * per + self.rows_of(n - 1, width),
            Index::Starts(starts) => starts[n],
        }
    }

    /// Rows `from..to` of line `i` wrapped at `width`.
    fn wrapped_rows(
        &self,
        value: &[u8],
        i: usize,
        width: usize,
        from: usize,
        to: usize,
    ) -> Vec<StyledLine> {
        let width = width.max(1);
        match &self.rows {
            Rows::Styled { lines, .. } => wrap_line(&lines[i], width, from, to).0,
            Rows::Raw(l) => {
                let (a, b) = l.range(i);
                (from..to.min(self.rows_of(i, width)))
                    .map(|k| {
                        let s = boundary(value, (a + k * width).min(b), b);
                        let e = boundary(value, (a + (k + 1) * width).min(b), b);
                        // A character shown as a stand-in (`<U+00AD>`) is wider than its
                        // bytes: what does not fit is cut.
                        cut(&raw_piece(value, s, e), 0, width)
                    })
                    .collect()
            }
            Rows::Hex(_) => {
                let line = vec![(Token::Plain, hex_row(value, i))];
                wrap_line(&line, width, from, to).0
            }
        }
    }

    /// Line `i` from column `from`, at most `width` columns (a large text value's columns
    /// are bytes).
    fn cut_row(&self, value: &[u8], i: usize, from: usize, width: usize) -> StyledLine {
        match &self.rows {
            Rows::Styled { lines, .. } => cut(&lines[i], from, width),
            Rows::Raw(l) => {
                let (a, b) = l.range(i);
                let s = boundary(value, (a + from).min(b), b);
                // Enough bytes for `width` characters of UTF-8.
                let e = boundary(value, (s + width * 4 + 4).min(b), b);
                cut(&raw_piece(value, s, e), 0, width)
            }
            Rows::Hex(_) => cut(&vec![(Token::Plain, hex_row(value, i))], from, width),
        }
    }

    /// The rows on screen: `height` rows from row `scroll`, wrapped or cut at `hscroll`.
    /// Only these rows are formatted.
    pub fn visible_rows(
        &self,
        value: &[u8],
        wrap: bool,
        scroll: usize,
        hscroll: usize,
        width: usize,
        height: usize,
    ) -> Vec<StyledLine> {
        let n = self.lines();
        let mut out = Vec::with_capacity(height);
        if !wrap {
            for i in scroll..(scroll + height).min(n) {
                out.push(self.cut_row(value, i, hscroll, width));
            }
            return out;
        }
        if scroll >= self.total_rows(true, width) {
            return out;
        }
        let (mut i, mut skip) = self.locate(scroll, width);
        while i < n && out.len() < height {
            let want = height - out.len();
            out.extend(self.wrapped_rows(value, i, width, skip, skip + want));
            skip = 0;
            i += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::wrap::tests::{text, width_of};
    use super::*;

    /// Every row of the body at `width`, one scroll position at a time (as the screen sees
    /// them), and the total the body gives.
    fn every_row(body: &Body, value: &[u8], width: usize) -> (Vec<String>, usize) {
        let total = body.total_rows(true, width);
        let rows = (0..total)
            .flat_map(|s| text(&body.visible_rows(value, true, s, 0, width, 1)))
            .collect();
        (rows, total)
    }

    #[test]
    fn raw_lines_are_the_lines() {
        for v in [
            &b""[..],
            b"\n",
            b"a",
            b"one line without a break, longer than a word",
            b"1234567\n1234567\n",
            b"\n\n\nabc\n\n",
            b"{\n  \"a\": 1,\n  \"b\": [\n    2\n  ]\n}",
            // A `\n` in every place of a word, and bytes that are `\n` plus or minus 0x80
            // or one (which a looser test for a zero byte takes for one).
            b"\n2345678\n\n34567\n\n\n\n\n\n\n\x8a\x0b\x09\n\xff\x8a\x0a",
        ] {
            let mut want = Vec::new();
            let mut start = 0;
            for (i, b) in v.iter().enumerate() {
                if *b == b'\n' {
                    want.push((start, i));
                    start = i + 1;
                }
            }
            want.push((start, v.len()));
            let lines = RawLines::find(v);
            let got: Vec<(usize, usize)> = (0..lines.len()).map(|i| lines.range(i)).collect();
            assert_eq!(got, want, "{:?}", String::from_utf8_lossy(v));
            let longest = want.iter().map(|(a, b)| b - a).max().unwrap();
            assert_eq!(lines.longest, longest, "{:?}", String::from_utf8_lossy(v));
        }
    }

    /// The rows of a body, one scroll position at a time, join up to the whole value: small
    /// (formatted whole), large text (by bytes) and large binary (hex rows).
    #[test]
    fn every_wrapped_row_is_reached_and_together_they_are_the_value() {
        let long_line = "word ".repeat(20) + "日本語 end";
        let small = format!("first\n{long_line}\n\nlast");
        let body = build_body(Some(small.as_bytes()), Format::Text, &Shown::Plain);
        for width in [7, 10, 33, 200] {
            let (rows, total) = every_row(&body, small.as_bytes(), width);
            assert_eq!(rows.len(), total, "{width}");
            let lines: Vec<&str> = small.split('\n').collect();
            assert_eq!(rows.concat(), lines.concat(), "{width}");
        }

        let mut big = "é".repeat(DETAIL_MAX_BYTES / 2 + 7);
        big.push('\n');
        big.push_str(&"ab".repeat(40));
        let body = build_body(Some(big.as_bytes()), Format::Auto, &Shown::Plain);
        assert!(matches!(body.rows, Rows::Raw(_)));
        assert_eq!(body.label, "text");
        for width in [9, 64, 200] {
            let (rows, total) = every_row(&body, big.as_bytes(), width);
            assert_eq!(rows.len(), total);
            assert_eq!(rows.concat(), big.replace('\n', ""), "{width}");
            assert!(rows.iter().all(|r| width_of(r) <= width));
        }

        let mut bin = vec![0u8; DETAIL_MAX_BYTES + 5];
        bin[DETAIL_MAX_BYTES + 4] = b'Z';
        let body = build_body(Some(&bin), Format::Auto, &Shown::Plain);
        assert!(matches!(body.rows, Rows::Hex(_)));
        assert_eq!(body.label, "binary");
        let n = bin.len().div_ceil(16);
        assert_eq!(body.total_rows(false, 200), n);
        assert_eq!(body.total_rows(true, 200), n);
        assert_eq!(body.total_rows(true, 40), (n - 1) * 2 + 2);
        let last = text(&body.visible_rows(&bin, true, usize::MAX / 2, 0, 200, 3));
        assert!(last.is_empty(), "past the end: {last:?}");
        let end = body.total_rows(true, 40);
        let rows = text(&body.visible_rows(&bin, true, end - 2, 0, 40, 5));
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows.concat(),
            format!("{:08x}  {:<47}  ....Z", n * 16 - 16, "00 00 00 00 5a")
        );
    }

    /// Sideways, a large value's line is read by bytes: far to the right of a 1 MB line,
    /// its bytes there are shown.
    #[test]
    fn far_to_the_right_of_a_huge_line_its_text_is_shown() {
        let v: String = (0..100_000).map(|i| format!("{i:09} ")).collect();
        let body = build_body(Some(v.as_bytes()), Format::Auto, &Shown::Plain);
        assert_eq!(body.total_rows(false, 30), 1);
        let at = 700_000;
        let row = text(&body.visible_rows(v.as_bytes(), false, 0, at, 30, 5));
        assert_eq!(row, vec![v[at..at + 30].to_string()]);
    }

    #[test]
    fn large_json_is_named_json_and_said_not_re_indented() {
        let mut v = b"[".to_vec();
        while v.len() <= DETAIL_MAX_BYTES {
            v.extend_from_slice(br#"{"a":1,"b":"x"},"#);
        }
        v.extend_from_slice(b"0]");
        assert_eq!(value_label(&v), "JSON (over 256 KiB: not re-indented)");
        let mut broken = v.clone();
        broken[100] = b'}';
        assert_eq!(value_label(&broken), "text");
        assert_eq!(value_label(br#"{"a":1}"#), "JSON");
        assert_eq!(value_label(b"plain"), "text");
    }
}
