//! The record detail view: what the record is (position and leader epoch, absolute and
//! relative time, sizes, headers, the schema that decoded it), then the value, wrapped or
//! scrolled sideways (`w`). Only the rows on screen are formatted: a 10 MB value costs its
//! visible rows per frame, and decoding, re-indenting, finding its lines and where each one's
//! wrapped rows start happen once per record (cached in `RecordView`).

mod body;
mod wrap;

use std::sync::Arc;

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::widgets::{ago, pane_block};
use crate::action::Action;
use crate::app::App;
use crate::keymap::Context;
use crate::model::Record;
use crate::state::record::BodyKey;
use crate::state::schemas::Shown;
use crate::state::Pane;
use crate::text::sanitize_inline as clean;
use crate::text::{preview, Format, Token};
use crate::theme::Role;
pub use body::Body;
use body::{build_body, kind_label};

/// Values up to this size are decoded and re-indented whole (once); larger ones are shown
/// as sent, formatting only the rows on screen.
pub const DETAIL_MAX_BYTES: usize = 256 * 1024;
/// Header rows shown before "+N more".
const MAX_HEADER_ROWS: usize = 8;

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
    let value_desc = match &r.value {
        None => "value     null".to_string(),
        Some(v) => format!("value     {} bytes, {}", v.len(), body.label),
    };
    let key = |a: Action| app.key(Context::Record, a);
    let pieces = [
        clean(&value_desc),
        format!("shown as {}", app.tail.format.label()),
        format!(
            "{} ({})",
            if v.wrap { "wrapped" } else { "not wrapped" },
            key(Action::ToggleWrap)
        ),
        format!("{} copy", key(Action::CopyValue)),
        format!("{} pager", key(Action::OpenPager)),
    ];
    // One row, never cut mid-word: what does not fit is left out, the keys first (the status
    // line has them). Rows are scarce at 80x24.
    lines.push(Line::from(Span::styled(fitted(&pieces, width), label)));
    if let Some(s) = schema_text(shown, &r.topic, false) {
        lines.push(Line::from(Span::styled(clean(&format!("  {s}")), label)));
    }
    lines
}

/// `pieces` joined with " · " as far as `width` allows: the first always, the others in order
/// while they fit.
fn fitted(pieces: &[String], width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let mut row = pieces.first().cloned().unwrap_or_default();
    for p in &pieces[1.min(pieces.len())..] {
        if row.width() + 3 + p.width() > width {
            break;
        }
        row.push_str(" · ");
        row.push_str(p);
    }
    row
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
    use super::fitted;

    #[test]
    fn a_row_keeps_whole_pieces_in_order_while_they_fit() {
        let pieces: Vec<String> = [
            "value     81 bytes, JSON",
            "shown as auto",
            "y copy",
            "o pager",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            fitted(&pieces, 200),
            "value     81 bytes, JSON · shown as auto · y copy · o pager"
        );
        assert_eq!(
            fitted(&pieces, 49),
            "value     81 bytes, JSON · shown as auto · y copy"
        );
        assert_eq!(
            fitted(&pieces, 48),
            "value     81 bytes, JSON · shown as auto"
        );
        // The first piece is always there (the pane cuts it if it must).
        assert_eq!(fitted(&pieces, 5), "value     81 bytes, JSON");
        assert_eq!(fitted(&[], 5), "");
    }
}
