//! The record detail view: every field of one record, the value in full.

use crate::kafka::codec::sanitize_inline as clean;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::tail::timestamp_text;
use super::widgets::pane_block;
use crate::app::App;
use crate::kafka::codec::{full_styled, kind_of, preview, Kind, Token};
use crate::state::Pane;

/// How much of a value the detail view decodes.
pub const DETAIL_MAX_BYTES: usize = 256 * 1024;

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
    let label = t.style("base.muted");
    let extra = vec![Span::styled(
        format!(
            "record {}/{}@{} · Esc closes ",
            clean(&r.topic),
            r.partition,
            r.offset
        ),
        label,
    )];
    let block = pane_block(app, Pane::Tail, focused, extra);

    let lines = lines(app, r);
    let inner = block.inner(area);
    let scroll = app
        .tail
        .detail_scroll
        .min(last_page(lines.len(), inner.height));
    let para = Paragraph::new(lines).block(block).scroll((scroll, 0));
    frame.render_widget(para, area);
}

/// The furthest `lines` rows scroll in `height` rows: the last row at the bottom.
fn last_page(lines: usize, height: u16) -> u16 {
    lines.saturating_sub(height as usize).min(u16::MAX as usize) as u16
}

/// How far the record detail of `r` scrolls in a terminal of `size`.
pub fn scroll_max(app: &App, r: &crate::model::Record, size: (u16, u16)) -> u16 {
    let pane = super::pane_rect(Rect::new(0, 0, size.0, size.1), Pane::Tail);
    last_page(lines(app, r).len(), pane.height.saturating_sub(2))
}

/// The detail view's lines (also counted by the app to bound scrolling).
pub fn lines<'a>(app: &App, r: &crate::model::Record) -> Vec<Line<'a>> {
    let t = &app.theme;
    let format = app.tail.format;
    let label = t.style("base.muted");
    // Position and time share a line, so small terminals keep rows for the value.
    let mut lines: Vec<Line> = vec![
        Line::from(vec![
            Span::styled("partition ", label),
            Span::styled(r.partition.to_string(), t.style("tail.partition")),
            Span::styled("  offset ", label),
            Span::styled(r.offset.to_string(), t.style("tail.offset")),
            Span::styled("  time ", label),
            Span::styled(timestamp_text(app, r), t.style("tail.timestamp")),
        ]),
        Line::from(vec![
            Span::styled("key       ", label),
            Span::styled(preview(r.key.as_deref(), format), t.style("tail.key")),
        ]),
    ];
    if r.headers.is_empty() {
        lines.push(Line::from(Span::styled("headers   (none)", label)));
    } else {
        lines.push(Line::from(Span::styled(
            format!("headers   ({})", r.headers.len()),
            label,
        )));
        for h in &r.headers {
            lines.push(Line::from(vec![
                Span::styled(format!("  {}", clean(&h.name)), t.style("tail.headers")),
                Span::styled(" = ", label),
                Span::styled(preview(h.value.as_deref(), format), t.style("tail.value")),
            ]));
        }
    }
    let size = r.value.as_ref().map_or(0, Vec::len);
    let kind = match r.value.as_deref().map(kind_of) {
        None => "null",
        Some(Kind::Empty) => "empty",
        // JSON is text too, but saying "text" of it reads as "not JSON".
        Some(Kind::Text) if r.value.as_deref().is_some_and(is_json) => "JSON",
        Some(Kind::Text) => "text",
        Some(Kind::Binary) => "binary",
    };
    lines.push(Line::from(Span::styled(
        format!(
            "value     {size} bytes, {kind}, shown as {}",
            format.label()
        ),
        label,
    )));
    // A frame must stay cheap even for a 10 MB record: decode a bounded prefix only.
    let shown = r
        .value
        .as_deref()
        .map(|v| &v[..v.len().min(DETAIL_MAX_BYTES)]);
    if size > DETAIL_MAX_BYTES {
        lines.push(Line::from(Span::styled(
            format!("(showing the first {DETAIL_MAX_BYTES} bytes)"),
            label,
        )));
    }
    // JSON is coloured by token with the tail's styles: keys as record keys, strings as
    // headers, numbers as offsets, literals as partitions, punctuation muted.
    let style = |token: Token| match token {
        Token::Plain => t.style("tail.value"),
        Token::Key => t.style("tail.key"),
        Token::Str => t.style("tail.headers"),
        Token::Number => t.style("tail.offset"),
        Token::Literal => t.style("tail.partition"),
        Token::Punct => t.style("base.muted"),
    };
    for l in full_styled(shown, format) {
        let spans: Vec<Span> = l
            .into_iter()
            .map(|(token, text)| Span::styled(text, style(token)))
            .collect();
        lines.push(Line::from(spans));
    }
    lines
}

/// Whether the shown part of a value is a JSON object or array (as the detail pretty-prints
/// it; bounded like the detail, so a frame stays cheap).
fn is_json(bytes: &[u8]) -> bool {
    let bytes = &bytes[..bytes.len().min(DETAIL_MAX_BYTES)];
    crate::kafka::codec::pretty_json_lines(bytes).is_some()
}
