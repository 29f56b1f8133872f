//! The record detail view: what the record is (position and leader epoch, absolute and
//! relative time, sizes, headers, the schema that decoded it), then the value, wrapped or
//! scrolled sideways (`w`). Only the rows on screen are formatted: a 10 MB value costs its
//! visible rows per frame, and decoding, re-indenting, finding its lines and where each one's
//! wrapped rows start happen once per record (cached in `RecordView`).

use crate::action::Action;
use crate::keymap::Context;
use crate::theme::Role;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthChar;

use super::widgets::{ago, pane_block};
use crate::app::App;
use crate::model::Record;
use crate::state::record::BodyKey;
use crate::state::schemas::Shown;
use crate::state::Pane;
use crate::text::sanitize_inline as clean;
use crate::text::{full_styled, kind_of, preview, Format, Kind, StyledLine, Token};

/// Values up to this size are decoded and re-indented whole (once); larger ones are shown
/// as sent, formatting only the rows on screen.
pub const DETAIL_MAX_BYTES: usize = 256 * 1024;
/// Header rows shown before "+N more".
const MAX_HEADER_ROWS: usize = 8;

/// The value's rows and what it is, built once per record (see `body`).
#[derive(Debug)]
pub struct Body {
    rows: Rows,
    /// What the value is, as the `value` line says it: judged once, not every frame.
    label: String,
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

/// The one-line preview of a key or value for the tail's rows: decoded through the schema
/// registry when it is in the wire format (Auto and JSON formats), else as the format says.
pub fn preview_of(app: &App, bytes: Option<&[u8]>, format: Format) -> String {
    let Some(b) = bytes else {
        return preview(None, format);
    };
    if !matches!(format, Format::Auto | Format::Json) {
        return preview(bytes, format);
    }
    match app.schemas.show(b) {
        Shown::Plain => preview(bytes, format),
        Shown::Decoded { decoded, .. } => preview(Some(decoded.json.as_bytes()), Format::Text),
        Shown::Loading(id) => format!("(schema {id} loading…) {}", preview(bytes, Format::Hex)),
        Shown::Failed { id, .. } => {
            format!(
                "(schema {id} failed: Enter) {}",
                preview(bytes, Format::Hex)
            )
        }
    }
}

/// The schema's part of a key's or value's description: `Avro kt.Order · subject s v1 · id 3`.
fn schema_text(shown: &Shown, topic: &str, key: bool) -> Option<String> {
    match shown {
        Shown::Plain => None,
        Shown::Loading(id) => Some(format!("schema id {id}: loading from the registry…")),
        Shown::Failed { id, reason } => Some(format!("schema id {id}: {reason}; shown as hex")),
        Shown::Decoded {
            id,
            schema,
            decoded,
        } => {
            let mut s = schema.kind.to_string();
            if let Some(t) = &decoded.type_name {
                s.push_str(&format!(" {t}"));
            }
            if let Some((subject, v)) = schema.subject_for(topic, key) {
                s.push_str(&format!(" · subject {subject} v{v}"));
            }
            s.push_str(&format!(" · id {id}"));
            if let Some(n) = &decoded.note {
                s.push_str(&format!(" · {n}"));
            }
            Some(s)
        }
    }
}

fn kind_label(bytes: Option<&[u8]>) -> &'static str {
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
fn value_label(value: &[u8]) -> String {
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

fn size_label(bytes: Option<&[u8]>) -> String {
    match bytes {
        None => "null".into(),
        Some(b) => format!("{} bytes, {}", b.len(), kind_label(Some(b))),
    }
}

/// The lines above the value (`width` columns): position, time, key, headers, what the value
/// is.
fn meta_lines<'a>(
    app: &App,
    r: &Record,
    shown: &Shown,
    body: &Body,
    width: usize,
) -> Vec<Line<'a>> {
    let t = &app.theme;
    let label = t.style(Role::BaseMuted);
    let (abs, rel) = match r.timestamp() {
        Some(ts) => (
            humantime::format_rfc3339_millis(ts).to_string(),
            ago(app.now, ts),
        ),
        None => ("-".into(), "no timestamp".into()),
    };
    // Where the record is: its partition, offset and the leader epoch it was written in.
    let mut position = vec![
        Span::styled("partition ", label),
        Span::styled(r.partition.to_string(), t.style(Role::TailPartition)),
        Span::styled("  offset ", label),
        Span::styled(r.offset.to_string(), t.style(Role::TailOffset)),
        Span::styled("  leader epoch ", label),
        match r.leader_epoch {
            Some(e) => Span::styled(e.to_string(), t.style(Role::TailPartition)),
            // librdkafka gives -1 for a batch without one (message formats before v2), and
            // a record read from a file has none.
            None => Span::styled("unknown", label),
        },
    ];
    let time = [
        Span::styled("time ", label),
        Span::styled(format!("{abs} ({rel})"), t.style(Role::TailTimestamp)),
    ];
    let wide = |spans: &[Span]| spans.iter().map(Span::width).sum::<usize>();
    // The time on the same line when it fits, else on the next: never cut.
    let mut lines = if wide(&position) + 2 + wide(&time) <= width {
        position.push(Span::styled("  ", label));
        position.extend(time);
        vec![Line::from(position)]
    } else {
        vec![Line::from(position), Line::from(time.to_vec())]
    };
    let key_shown = app.shown(r.key.as_deref());
    let key_desc = format!("key       {}", size_label(r.key.as_deref()));
    lines.push(Line::from(Span::styled(clean(&key_desc), label)));
    // The schema on a line of its own: subject names are long, and cut text hides the id.
    if let Some(s) = schema_text(&key_shown, &r.topic, true) {
        lines.push(Line::from(Span::styled(clean(&format!("  {s}")), label)));
    }
    lines.push(Line::from(Span::styled(
        format!("  {}", preview_of(app, r.key.as_deref(), app.tail.format)),
        t.style(Role::TailKey),
    )));
    if r.headers.is_empty() {
        lines.push(Line::from(Span::styled("headers   (none)", label)));
    } else {
        lines.push(Line::from(Span::styled(
            format!("headers   ({})", r.headers.len()),
            label,
        )));
        for h in r.headers.iter().take(MAX_HEADER_ROWS) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {}", clean(&h.name)), t.style(Role::TailHeaders)),
                Span::styled(" = ", label),
                Span::styled(
                    preview(h.value.as_deref(), app.tail.format),
                    t.style(Role::TailValue),
                ),
            ]));
        }
        if r.headers.len() > MAX_HEADER_ROWS {
            lines.push(Line::from(Span::styled(
                format!("  +{} more", r.headers.len() - MAX_HEADER_ROWS),
                label,
            )));
        }
    }
    let v = &app.record;
    let mut value_desc = match &r.value {
        None => "value     null".to_string(),
        Some(v) => format!("value     {} bytes, {}", v.len(), body.label),
    };
    let key = |a: Action| app.key(Context::Record, a);
    value_desc.push_str(&format!(
        " · shown as {} · {} ({}) · {} copy · {} pager",
        app.tail.format.label(),
        if v.wrap { "wrapped" } else { "not wrapped" },
        key(Action::ToggleWrap),
        key(Action::CopyValue),
        key(Action::OpenPager)
    ));
    lines.push(Line::from(Span::styled(clean(&value_desc), label)));
    if let Some(s) = schema_text(shown, &r.topic, false) {
        lines.push(Line::from(Span::styled(clean(&format!("  {s}")), label)));
    }
    lines
}

/// The schema state, as a number for the cache key.
fn shown_tag(s: &Shown) -> u8 {
    match s {
        Shown::Plain => 0,
        Shown::Loading(_) => 1,
        Shown::Decoded { .. } => 2,
        Shown::Failed { .. } => 3,
    }
}

/// The value's body, from the cache when it was built for this record and state.
pub fn body(app: &App, r: &Record, shown: &Shown) -> Arc<Body> {
    let key = BodyKey {
        topic: r.topic.clone(),
        partition: r.partition,
        offset: r.offset,
        format: app.tail.format,
        schema: shown_tag(shown),
    };
    if let Some((k, b)) = app.record.cache.borrow().as_ref() {
        if *k == key {
            return b.clone();
        }
    }
    let b = Arc::new(build_body(r.value.as_deref(), app.tail.format, shown));
    app.record.cache.replace(Some((key, b.clone())));
    b
}

fn build_body(value: Option<&[u8]>, format: Format, shown: &Shown) -> Body {
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

fn line_width(l: &StyledLine) -> usize {
    l.iter()
        .map(|(_, t)| t.chars().map(|c| c.width().unwrap_or(0)).sum::<usize>())
        .sum()
}

/// Rows `from..to` of `line` wrapped at `width` columns (a character wider than what is
/// left of a row starts the next one, so nothing is lost at the edges), and the number of
/// rows walked: all of the line's when `to` is past its end.
fn wrap_line(line: &StyledLine, width: usize, from: usize, to: usize) -> (Vec<StyledLine>, usize) {
    let mut out = Vec::new();
    let mut cur: StyledLine = Vec::new();
    let (mut row, mut col) = (0, 0);
    for (tok, text) in line {
        for c in text.chars() {
            let w = c.width().unwrap_or(0);
            if col > 0 && col + w > width {
                if row >= from {
                    out.push(std::mem::take(&mut cur));
                }
                row += 1;
                col = 0;
                if row >= to {
                    return (out, row);
                }
            }
            if row >= from {
                match cur.last_mut() {
                    Some((t, s)) if t == tok => s.push(c),
                    _ => cur.push((*tok, c.to_string())),
                }
            }
            col += w;
        }
    }
    if row >= from && row < to {
        out.push(cur);
    }
    (out, row + 1)
}

/// Pieces of `line` from column `from`, at most `width` columns.
fn cut(line: &StyledLine, from: usize, width: usize) -> StyledLine {
    let mut out = Vec::new();
    let mut col = 0;
    for (tok, text) in line {
        let mut piece = String::new();
        for c in text.chars() {
            let w = c.width().unwrap_or(0);
            if col >= from && col + w <= from + width {
                piece.push(c);
            }
            col += w;
            if col >= from + width {
                break;
            }
        }
        if !piece.is_empty() {
            out.push((*tok, piece));
        }
        if col >= from + width {
            break;
        }
    }
    out
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, focused: bool) {
    let t = &app.theme;
    let Some(r) = app.tail.selected() else {
        frame.render_widget(
            Paragraph::new("no record selected").block(pane_block(
                app,
                Pane::Tail,
                focused,
                vec![],
            )),
            area,
        );
        return;
    };
    let extra = vec![Span::styled(
        format!(
            "record {}/{}@{} · {} closes ",
            clean(&r.topic),
            r.partition,
            r.offset,
            app.key(Context::Global, Action::Back)
        ),
        t.style(Role::BaseMuted),
    )];
    let block = pane_block(app, Pane::Tail, focused, extra);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let shown = app.shown(r.value.as_deref());
    let body = body(app, r, &shown);
    let meta = meta_lines(app, r, &shown, &body, inner.width as usize);
    let meta_h = (meta.len() as u16).min(inner.height);
    frame.render_widget(
        Paragraph::new(meta),
        Rect {
            height: meta_h,
            ..inner
        },
    );
    let body_area = Rect {
        y: inner.y + meta_h,
        height: inner.height - meta_h,
        ..inner
    };
    let value = r.value.as_deref().unwrap_or(&[]);
    let (w, h) = (body_area.width as usize, body_area.height as usize);
    let v = &app.record;
    let max = body.total_rows(v.wrap, w).saturating_sub(h);
    app.reach.record.measured(app.record_reach_key(r), max);
    let rows = body.visible_rows(value, v.wrap, v.scroll.min(max), v.hscroll, w, h);
    let style = |token: Token| match token {
        Token::Plain => t.style(Role::TailValue),
        Token::Key => t.style(Role::TailKey),
        Token::Str => t.style(Role::TailHeaders),
        Token::Number => t.style(Role::TailOffset),
        Token::Literal => t.style(Role::TailPartition),
        Token::Punct => t.style(Role::BaseMuted),
    };
    let lines: Vec<Line> = rows
        .into_iter()
        .map(|l| {
            Line::from(
                l.into_iter()
                    .map(|(tok, text)| Span::styled(text, style(tok)))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), body_area);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(rows: &[StyledLine]) -> Vec<String> {
        rows.iter()
            .map(|r| r.iter().map(|(_, t)| t.as_str()).collect())
            .collect()
    }

    fn width_of(s: &str) -> usize {
        s.chars().map(|c| c.width().unwrap_or(0)).sum()
    }

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

    #[test]
    fn a_wrapped_line_loses_nothing_and_no_row_is_too_wide() {
        let line: StyledLine = vec![
            (Token::Key, "\"名前\"".into()),
            (Token::Punct, ": ".into()),
            (
                Token::Str,
                "\"日本語のテキスト and some ASCII, e\u{301} 👍\"".into(),
            ),
        ];
        let whole: String = line.iter().map(|(_, t)| t.as_str()).collect();
        for width in 1..=40 {
            let (rows, n) = wrap_line(&line, width, 0, usize::MAX);
            let rows = text(&rows);
            assert_eq!(rows.len(), n);
            assert_eq!(rows.concat(), whole, "width {width}");
            assert!(
                rows.iter().all(|r| width_of(r) <= width.max(2)),
                "{width}: {rows:?}"
            );
            // Any range of rows is the same rows.
            let (some, _) = wrap_line(&line, width, 1, 3);
            assert_eq!(text(&some), rows[1.min(n)..3.min(n)].to_vec());
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
