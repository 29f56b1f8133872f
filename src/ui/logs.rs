//! The logs pane: the active source's lines, coloured by level, search matches highlighted.

use crate::kafka::codec::sanitize_inline as clean;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::widgets::{highlight, pane_block, truncate};
use crate::app::App;
use crate::state::logs::Level;
use crate::state::Pane;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, focused: bool) {
    let t = &app.theme;
    let logs = &app.logs;
    let mut extra = Vec::new();
    for (i, s) in logs.sources.iter().enumerate() {
        let style = if i == logs.active {
            t.style("base.title_focused")
        } else {
            t.style("base.muted")
        };
        let name = if i == logs.active {
            format!("[{}]", clean(&s.name))
        } else {
            clean(&s.name)
        };
        extra.push(Span::styled(format!("{name} "), style));
    }
    if !logs.search.is_empty() {
        extra.push(Span::styled(
            format!("/{} ", clean(&logs.search)),
            t.style("base.highlight"),
        ));
    }
    let Some(src) = logs.current() else {
        frame.render_widget(
            Paragraph::new("no log sources").block(pane_block(app, Pane::Logs, focused, extra)),
            area,
        );
        return;
    };
    if !src.scroll.follow {
        extra.push(Span::styled(
            " PAUSED: End/G follows ",
            t.style("tail.paused"),
        ));
    }
    let block = pane_block(app, Pane::Logs, focused, extra);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 {
        return;
    }
    let mut lines: Vec<Line> = Vec::new();
    let status = src
        .status
        .clone()
        .unwrap_or_else(|| src.description.clone());
    lines.push(Line::from(Span::styled(
        format!("· {status}"),
        t.style("base.muted"),
    )));
    let rows = inner.height.saturating_sub(1) as usize;
    let window = logs.window(rows);
    let selected = src
        .scroll
        .current(src.lines.first_seq(), src.lines.end_seq());
    let width = inner.width.max(1) as usize;
    let mut body: Vec<Line> = Vec::new();
    for (seq, l) in &window {
        let style = match l.level {
            Level::Error => t.style("logs.error"),
            Level::Warn => t.style("logs.warn"),
            Level::Info => t.style("logs.info"),
            Level::Debug | Level::Trace => t.style("logs.debug"),
            Level::Other => t.style("logs.other"),
        };
        let style = if !src.scroll.follow && Some(*seq) == selected {
            style.patch(t.style("base.selected"))
        } else {
            style
        };
        let hit = t.style("base.highlight");
        if logs.wrap {
            for chunk in wrap_columns(&l.text, width) {
                body.push(Line::from(highlight(&chunk, &logs.search, style, hit)));
            }
        } else {
            body.push(Line::from(highlight(
                &truncate(&l.text, width),
                &logs.search,
                style,
                hit,
            )));
        }
    }
    // Wrapped lines take several rows: keep the newest rows, so the end stays in view.
    let skip = body.len().saturating_sub(rows);
    lines.extend(body.into_iter().skip(skip));
    if window.is_empty() && src.status.is_none() {
        let text = if src.lines.is_empty() {
            "no lines yet".to_string()
        } else {
            format!(
                "no lines at {} or above (v shows more)",
                logs.verbosity.label()
            )
        };
        lines.push(Line::from(Span::styled(text, t.style("base.muted"))));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Splits `text` into pieces of at most `width` display columns.
fn wrap_columns(text: &str, width: usize) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width && used > 0 {
            out.push(String::new());
            used = 0;
        }
        out.last_mut().expect("never empty").push(c);
        used += w;
    }
    out
}
