//! The record detail view: what the record is (position, absolute and relative time, sizes,
//! headers, the schema that decoded it), then the value, wrapped or scrolled sideways (`w`).
//! Only the rows on screen are formatted: a 10 MB value costs its visible rows per frame, and
//! decoding or re-indenting happens once per record (cached in `RecordView`).

use crate::action::Action;
use crate::keymap::Context;
use crate::theme::Role;
use std::sync::Arc;

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

/// The value's rows, built once per record.
#[derive(Debug)]
pub enum Body {
    Styled(Vec<StyledLine>),
    /// A large text value: the byte ranges of its lines, sanitized when drawn.
    Raw(Vec<(usize, usize)>),
    /// A large binary value: 16 bytes a row, formatted when drawn.
    Hex(usize),
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
    match bytes.map(kind_of) {
        None => "null",
        Some(Kind::Empty) => "empty",
        // JSON is text too, but saying "text" of it reads as "not JSON".
        Some(Kind::Text) if bytes.is_some_and(is_json) => "JSON",
        Some(Kind::Text) => "text",
        Some(Kind::Binary) => "binary",
    }
}

/// Whether a value is a JSON object or array (judged on a bounded prefix, as the detail shows
/// it, so a frame stays cheap for a 10 MB record).
fn is_json(bytes: &[u8]) -> bool {
    let bytes = &bytes[..bytes.len().min(DETAIL_MAX_BYTES)];
    crate::text::is_json_container(bytes)
}

fn size_label(bytes: Option<&[u8]>) -> String {
    match bytes {
        None => "null".into(),
        Some(b) => format!("{} bytes, {}", b.len(), kind_label(Some(b))),
    }
}

/// The lines above the value: position, time, key, headers, what the value is.
fn meta_lines<'a>(app: &App, r: &Record, shown: &Shown) -> Vec<Line<'a>> {
    let t = &app.theme;
    let label = t.style(Role::BaseMuted);
    let (abs, rel) = match r.timestamp() {
        Some(ts) => (
            humantime::format_rfc3339_millis(ts).to_string(),
            ago(app.now, ts),
        ),
        None => ("-".into(), "no timestamp".into()),
    };
    let mut lines = vec![Line::from(vec![
        Span::styled("partition ", label),
        Span::styled(r.partition.to_string(), t.style(Role::TailPartition)),
        Span::styled("  offset ", label),
        Span::styled(r.offset.to_string(), t.style(Role::TailOffset)),
        Span::styled("  time ", label),
        Span::styled(format!("{abs} ({rel})"), t.style(Role::TailTimestamp)),
        // librdkafka has it per message, but the tail does not copy it out yet.
        Span::styled("  leader epoch not read", label),
    ])];
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
    let mut value_desc = format!("value     {}", size_label(r.value.as_deref()));
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
    if let Shown::Decoded { decoded, .. } = shown {
        let bytes = decoded.json.as_bytes();
        return Body::Styled(
            crate::text::pretty_json_lines(bytes)
                .unwrap_or_else(|| full_styled(Some(bytes), Format::Text)),
        );
    }
    let hex = matches!(shown, Shown::Loading(_) | Shown::Failed { .. });
    let format = if hex { Format::Hex } else { format };
    match value {
        Some(v) if v.len() > DETAIL_MAX_BYTES => {
            if format == Format::Hex || kind_of(&v[..DETAIL_MAX_BYTES]) == Kind::Binary {
                Body::Hex(v.len())
            } else {
                let mut lines = Vec::new();
                let mut start = 0;
                for (i, b) in v.iter().enumerate() {
                    if *b == b'\n' {
                        lines.push((start, i));
                        start = i + 1;
                    }
                }
                lines.push((start, v.len()));
                Body::Raw(lines)
            }
        }
        _ => Body::Styled(full_styled(value, format)),
    }
}

/// One row of the body as plain pieces, before wrapping or sideways scrolling.
fn body_line(body: &Body, value: &[u8], i: usize) -> StyledLine {
    match body {
        Body::Styled(lines) => lines.get(i).cloned().unwrap_or_default(),
        Body::Raw(lines) => {
            let (a, b) = lines[i];
            // A line of a huge value can itself be huge: only its first part is sanitized
            // here, and `cut` keeps what fits (the rest is reached by `w` and scrolling).
            let end = b.min(a + 64 * 1024);
            vec![(
                Token::Plain,
                clean(&String::from_utf8_lossy(&value[a..end])),
            )]
        }
        Body::Hex(len) => {
            let at = i * 16;
            let row = &value[at.min(*len)..(at + 16).min(*len)];
            let hex: Vec<String> = row.iter().map(|b| format!("{b:02x}")).collect();
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
            vec![(
                Token::Plain,
                format!("{at:08x}  {:<47}  {ascii}", hex.join(" ")),
            )]
        }
    }
}

fn body_len(body: &Body) -> usize {
    match body {
        Body::Styled(l) => l.len(),
        Body::Raw(l) => l.len(),
        Body::Hex(len) => len.div_ceil(16).max(1),
    }
}

fn line_width(l: &StyledLine) -> usize {
    l.iter()
        .map(|(_, t)| t.chars().map(|c| c.width().unwrap_or(0)).sum::<usize>())
        .sum()
}

/// How many rows a line takes when wrapped at `width`.
fn rows_of(body: &Body, value: &[u8], i: usize, width: usize) -> usize {
    let w = match body {
        // A huge line is not measured char by char every frame: its bytes are close enough.
        Body::Raw(lines) => lines[i].1 - lines[i].0,
        _ => line_width(&body_line(body, value, i)),
    };
    w.div_ceil(width.max(1)).max(1)
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

/// The rows on screen: `height` rows from row `scroll`, wrapped or cut at `hscroll`.
/// Also gives the total of rows when it is cheap to know (not wrapping, or a small body).
pub fn visible_rows(
    body: &Body,
    value: &[u8],
    wrap: bool,
    scroll: usize,
    hscroll: usize,
    width: usize,
    height: usize,
) -> Vec<StyledLine> {
    let n = body_len(body);
    let mut out = Vec::with_capacity(height);
    if !wrap {
        for i in scroll..(scroll + height).min(n) {
            out.push(cut(&body_line(body, value, i), hscroll, width));
        }
        return out;
    }
    // Find the line holding row `scroll`, then emit rows from there.
    let mut row = 0;
    let mut i = 0;
    while i < n {
        let r = rows_of(body, value, i, width);
        if row + r > scroll {
            break;
        }
        row += r;
        i += 1;
    }
    let mut skip = scroll - row;
    while i < n && out.len() < height {
        let line = body_line(body, value, i);
        let r = rows_of(body, value, i, width);
        for k in skip..r {
            if out.len() >= height {
                break;
            }
            out.push(cut(&line, k * width, width));
        }
        skip = 0;
        i += 1;
    }
    out
}

/// The total rows of the body at `width`.
pub fn total_rows(body: &Body, value: &[u8], wrap: bool, width: usize) -> usize {
    let n = body_len(body);
    if !wrap {
        return n;
    }
    (0..n).map(|i| rows_of(body, value, i, width)).sum()
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
    let meta = meta_lines(app, r, &shown);
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
    let body = body(app, r, &shown);
    let (w, h) = (body_area.width as usize, body_area.height as usize);
    let v = &app.record;
    let max = total_rows(&body, value, v.wrap, w).saturating_sub(h);
    app.reach.record.measured(app.record_reach_key(r), max);
    let rows = visible_rows(&body, value, v.wrap, v.scroll.min(max), v.hscroll, w, h);
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
