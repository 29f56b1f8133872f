//! Small drawing helpers shared by the panes.

use crate::theme::Role;
use std::time::{Duration, SystemTime};

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::app::App;
use crate::state::Pane;

/// The cluster's colour (`color` in its config entry), unless colours are off (`NO_COLOR`).
pub fn cluster_accent(app: &App) -> Option<ratatui::style::Color> {
    if app.theme.no_color {
        return None;
    }
    app.cluster_color.as_deref()?.parse().ok()
}

/// A border in the cluster's colour when it has one, so that every pane says which cluster
/// this is (production never looks like development); the focused pane's border is thick.
pub fn accent_border<'a>(app: &App, block: Block<'a>, focused: bool) -> Block<'a> {
    match cluster_accent(app) {
        Some(c) => {
            let style = Style::default().fg(c);
            if focused {
                block
                    .border_style(style.add_modifier(ratatui::style::Modifier::BOLD))
                    .border_type(BorderType::Thick)
            } else {
                block.border_style(style)
            }
        }
        None => block,
    }
}

/// A pane's frame: rounded border, "N Title" on top, brighter when focused.
pub fn pane_block<'a>(app: &App, pane: Pane, focused: bool, extra: Vec<Span<'a>>) -> Block<'a> {
    let (border, title) = if focused {
        (
            app.theme.style(Role::BaseBorderFocused),
            app.theme.style(Role::BaseTitleFocused),
        )
    } else {
        (
            app.theme.style(Role::BaseBorder),
            app.theme.style(Role::BaseTitle),
        )
    };
    let mut spans = vec![Span::styled(
        format!(" {} {} ", pane.index() + 1, pane.title()),
        title,
    )];
    spans.extend(extra);
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(border)
        .title(Line::from(spans));
    // A zoomed pane looks like a big pane: say it is zoomed, and how to undo it (on the
    // bottom border, where no pane's own title runs into it).
    if app.layout.zoomed.is_some() && pane == app.focus {
        block = block.title_bottom(
            Line::from(Span::styled(
                format!(
                    " zoomed · {} restores ",
                    app.key(
                        crate::keymap::Context::Global,
                        crate::action::Action::ToggleZoom
                    )
                ),
                title,
            ))
            .right_aligned(),
        );
    }
    accent_border(app, block, focused)
}

/// A `width` x `height` rectangle centred in `area` (clamped to it), for popups.
pub fn centered(area: ratatui::layout::Rect, width: u16, height: u16) -> ratatui::layout::Rect {
    use ratatui::layout::{Constraint, Layout};
    let [_, mid, _] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(width.min(area.width)),
        Constraint::Fill(1),
    ])
    .areas(area);
    let [_, popup, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(height.min(area.height)),
        Constraint::Fill(1),
    ])
    .areas(mid);
    popup
}

/// Cuts `s` to at most `width` columns, marking the cut with `…`.
pub fn truncate(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Pads or cuts `s` to exactly `width` columns.
pub fn fit(s: &str, width: usize) -> String {
    let t = truncate(s, width);
    let pad = width.saturating_sub(t.width());
    format!("{t}{}", " ".repeat(pad))
}

/// "3s ago", "12m 5s ago", "in 2s" (clock skew): whole seconds, humantime's words.
pub fn ago(now: SystemTime, then: SystemTime) -> String {
    match now.duration_since(then) {
        Ok(d) if d < Duration::from_secs(1) => "now".to_string(),
        Ok(d) => format!("{} ago", humantime::format_duration(round(d))),
        Err(e) => format!("in {}", humantime::format_duration(round(e.duration()))),
    }
}

fn round(d: Duration) -> Duration {
    // Seconds below a day, minutes beyond: "2days 3h 4m ago" is precise enough.
    let s = d.as_secs();
    Duration::from_secs(if s >= 86_400 { s - s % 60 } else { s })
}

pub use crate::text::thousands;

/// Splits `text` into spans, styling every case-insensitive occurrence of `needle`.
pub fn highlight<'a>(text: &str, needle: &str, base: Style, hit: Style) -> Vec<Span<'a>> {
    if needle.is_empty() {
        return vec![Span::styled(text.to_string(), base)];
    }
    let lower = text.to_lowercase();
    let n = needle.to_lowercase();
    // Lowercasing can change byte lengths outside ASCII; fall back to no highlight then.
    if lower.len() != text.len() {
        return vec![Span::styled(text.to_string(), base)];
    }
    let mut spans = Vec::new();
    let mut pos = 0;
    while let Some(i) = lower[pos..].find(&n) {
        let start = pos + i;
        if start > pos {
            spans.push(Span::styled(text[pos..start].to_string(), base));
        }
        spans.push(Span::styled(text[start..start + n.len()].to_string(), hit));
        pos = start + n.len();
    }
    if pos < text.len() {
        spans.push(Span::styled(text[pos..].to_string(), base));
    }
    spans
}

/// The state for a view's list of `n` rows under a one-row header in `area`, `selected` among
/// them: the page placed by `App::view_rows` (moved only as far as the selection needs), which
/// also keeps where the rows are drawn so that a click can find its row.
pub fn view_table_state(
    app: &App,
    area: ratatui::layout::Rect,
    n: usize,
    selected: usize,
) -> ratatui::widgets::TableState {
    let rows = area.height.saturating_sub(1);
    let selected = selected.min(n.saturating_sub(1));
    let first = app
        .view_rows
        .place(selected as u64, 0, n as u64, u64::from(rows));
    app.view_rows.drawn(ratatui::layout::Rect {
        y: area.y + 1,
        height: rows,
        ..area
    });
    ratatui::widgets::TableState::default()
        .with_offset(first as usize)
        .with_selected((n > 0).then_some(selected))
}

/// `text` in rows of at most `width` columns, broken at spaces (a word wider than a row is
/// broken where it must).
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut rows = Vec::new();
    let mut row = String::new();
    for word in text.split(' ') {
        let sep = usize::from(!row.is_empty());
        if row.width() + sep + word.width() <= width {
            if sep == 1 {
                row.push(' ');
            }
            row.push_str(word);
            continue;
        }
        if !row.is_empty() {
            rows.push(std::mem::take(&mut row));
        }
        for c in word.chars() {
            if row.width() + c.width().unwrap_or(0) > width && !row.is_empty() {
                rows.push(std::mem::take(&mut row));
            }
            row.push(c);
        }
    }
    if !row.is_empty() || rows.is_empty() {
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_and_fit() {
        assert_eq!(truncate("hello", 10), "hello");
        assert_eq!(truncate("hello world", 6), "hello…");
        assert_eq!(truncate("日本語テキスト", 5), "日本…");
        assert_eq!(fit("ab", 4), "ab  ");
    }

    #[test]
    fn ago_is_humane() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        assert_eq!(ago(t0, t0), "now");
        assert_eq!(ago(t0 + Duration::from_millis(3400), t0), "3s ago");
        assert_eq!(ago(t0 + Duration::from_secs(725), t0), "12m 5s ago");
        assert_eq!(ago(t0, t0 + Duration::from_secs(2)), "in 2s");
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(-1000), "-1,000");
    }

    #[test]
    fn highlight_splits_matches() {
        let spans = highlight(
            "Error and ERROR",
            "error",
            Style::default(),
            Style::default().add_modifier(ratatui::style::Modifier::BOLD),
        );
        let texts: Vec<_> = spans.iter().map(|s| s.content.to_string()).collect();
        assert_eq!(texts, vec!["Error", " and ", "ERROR"]);
    }
}
