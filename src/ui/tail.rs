//! The tail pane: one record per row, newest at the bottom.

use crate::action::Action;
use crate::keymap::Context;
use crate::text::sanitize_inline as clean;
use crate::theme::Role;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;

use super::columns::number;
use super::widgets::{ago, fit, pane_block, thousands};
use crate::app::App;
use crate::model::Record;
use crate::state::tail::{FindMode, TailStatus, TimeFormat};
use crate::state::Pane;

pub fn timestamp_text(app: &App, r: &Record) -> String {
    match (r.timestamp(), app.tail.time_format) {
        (None, _) => "-".into(),
        (Some(ts), TimeFormat::Relative) => ago(app.now, ts),
        (Some(ts), TimeFormat::Absolute) => humantime::format_rfc3339_millis(ts).to_string(),
    }
}

fn title_extra(app: &App) -> Vec<Span<'static>> {
    let t = &app.theme;
    let tail = &app.tail;
    let mut spans = Vec::new();
    if let Some(topics) = &tail.topics {
        spans.push(Span::styled(
            format!("{} ", clean(&topics.to_string())),
            t.style(Role::BaseTitleFocused),
        ));
        // How many topics a pattern (or a list, some not created yet) reads so far.
        if topics.several() {
            spans.push(Span::styled(
                format!(
                    "({}) ",
                    crate::model::count(tail.joined.len() as u64, "topic")
                ),
                t.style(Role::BaseMuted),
            ));
        }
        if let Some(ps) = &tail.only {
            spans.push(Span::styled(
                format!("#{} ", crate::model::join_ids(ps)),
                t.style(Role::BaseTitleFocused),
            ));
        }
        spans.push(Span::styled(
            format!("from {} ", tail.start),
            t.style(Role::BaseMuted),
        ));
        if let Some(u) = tail.until {
            spans.push(Span::styled(
                format!("until {u} "),
                t.style(Role::BaseMuted),
            ));
        }
    }
    // The badge goes first so a narrow pane cuts the counts, not the state.
    if tail.paused() && tail.topics.is_some() {
        spans.insert(
            0,
            Span::styled(
                format!(
                    "PAUSED ({} follows) ",
                    app.keymap.keys_for(Context::Tail, &Action::Bottom)
                ),
                t.style(Role::TailPaused),
            ),
        );
    }
    let held = thousands(tail.records.len() as i64);
    let counts = if tail.find.active() {
        let mode = match tail.find.mode {
            FindMode::Hide => "",
            FindMode::Highlight => " highlighted",
        };
        format!(
            "{}/{held} matched{mode}",
            thousands(tail.find.matched() as i64)
        )
    } else {
        format!("{held} held")
    };
    let dropped = tail.records.evicted();
    let dropped = if dropped > 0 {
        format!(" · {} dropped", thousands(dropped as i64))
    } else {
        String::new()
    };
    spans.push(Span::styled(
        format!("{counts}{dropped} · {} ", tail.format.label()),
        t.style(Role::BaseMuted),
    ));
    spans
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, focused: bool) {
    let t = &app.theme;
    let tail = &app.tail;
    let block = pane_block(app, Pane::Tail, focused, title_extra(app));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }

    // A status line on top when there is something to say about the tail itself.
    let status: Option<(String, bool)> = match &tail.status {
        TailStatus::Idle => Some((
            format!(
                "no topic yet: {} on one in Topics ({}), or {}tail TOPIC",
                app.key(Context::Topics, Action::Select),
                app.key(Context::Global, Action::Focus(Pane::Topics)),
                app.key(Context::Global, Action::Command)
            ),
            false,
        )),
        TailStatus::Starting => Some(("starting…".into(), false)),
        TailStatus::Problem { text, error } => Some((clean(text), *error)),
        TailStatus::Live { .. } => tail.notice.as_deref().map(|n| (clean(n), false)),
    };
    // What the filter is, or why it is not what was typed, goes first: it explains the rows.
    let status = match (&tail.find.problem, find_line(app)) {
        (Some(p), _) => Some((clean(p), true)),
        (None, Some(line)) => Some((line, false)),
        (None, None) => status,
    };
    let mut body = inner;
    if let Some((text, error)) = status {
        let style = if error {
            t.style(Role::StatusError)
        } else {
            t.style(Role::BaseMuted)
        };
        // With nothing else to show, the words wrap (a narrow pane beside a wide Topics).
        let rows = if tail.records.is_empty() {
            let w = usize::from(inner.width.max(1));
            (unicode_width::UnicodeWidthStr::width(text.as_str()).div_ceil(w) as u16)
                .clamp(1, inner.height.max(1))
        } else {
            1
        };
        let line_area = Rect {
            height: rows,
            ..inner
        };
        frame.render_widget(
            Paragraph::new(text).style(style).wrap(Wrap { trim: true }),
            line_area,
        );
        body.y += rows;
        body.height = body.height.saturating_sub(rows);
    }
    if body.height == 0 {
        return;
    }
    if tail.view_len() == 0 && !tail.records.is_empty() {
        frame.render_widget(
            Paragraph::new(format!(
                "no held record matches the filter ({} clears it)",
                app.key(Context::Tail, Action::Back)
            ))
            .style(t.style(Role::BaseMuted)),
            body,
        );
        return;
    }
    if tail.records.is_empty() {
        if matches!(tail.status, TailStatus::Live { .. }) {
            let text = format!(
                "waiting for records (started from {}). Publish one in Producer ({}), or {}from beginning",
                tail.start,
                app.key(Context::Global, Action::Focus(Pane::Producer)),
                app.key(Context::Global, Action::Command)
            );
            frame.render_widget(
                Paragraph::new(text)
                    .style(t.style(Role::BaseMuted))
                    .wrap(Wrap { trim: true }),
                body,
            );
        }
        return;
    }

    let rows_visible = body.height.saturating_sub(1).max(1) as u64;
    let (first, end) = tail.view_bounds();
    let selected = tail.scroll.current(first, end).unwrap_or(first);
    let window_start = tail.window.place(selected, first, end, rows_visible);
    tail.window.drawn(Rect {
        y: body.y + 1,
        height: body.height.saturating_sub(1),
        ..body
    });
    let time_w: u16 = match tail.time_format {
        TimeFormat::Relative => 12,
        TimeFormat::Absolute => 24,
    };
    let highlighting = tail.find.active() && tail.find.mode == FindMode::Highlight;
    // Numbers are never cut: partition and offset are as wide as the widest shown (and their
    // headers); the key, time and value give way instead.
    let visible: Vec<(u64, &Record)> = tail
        .view_range(window_start, window_start + rows_visible)
        .collect();
    let part_w = visible
        .iter()
        .map(|(_, r)| r.partition.to_string().len() + usize::from(highlighting))
        .max()
        .unwrap_or(0)
        .max(1) as u16;
    let offset_w = visible
        .iter()
        .map(|(_, r)| r.offset.to_string().len())
        .max()
        .unwrap_or(0)
        .max("Offset".len()) as u16;
    // A tail of several topics names each row's topic first: as wide as the widest shown,
    // at most a quarter of the pane (a long name gives way with `…`).
    let topic_w = if tail.several() {
        visible
            .iter()
            .map(|(_, r)| clean(&r.topic).chars().count())
            .max()
            .unwrap_or(0)
            .max("Topic".len())
            .min(usize::from(body.width / 4)) as u16
    } else {
        0
    };
    let body_w = body
        .width
        .saturating_sub(if topic_w > 0 { topic_w + 1 } else { 0 });
    // In a pane too narrow for both, a number that cannot fit shows as `…` (see `number`).
    let part_w = part_w.min(body_w);
    let offset_w = offset_w.min(body_w.saturating_sub(part_w + 1));
    let numbers = part_w + 1 + offset_w;
    // Narrow panes drop the time column and shrink the key, so the value keeps some room.
    let wide = body_w >= 60 && body_w >= numbers + time_w + 1 + 8 + 1 + 8;
    let rest = body_w.saturating_sub(numbers + 1 + if wide { time_w + 1 } else { 0 });
    // The key column is as wide as the widest key shown (a UUID whole, a short key leaving its
    // room to the value), up to half of what the numbers and time leave in a wide pane.
    let keys: Vec<String> = visible
        .iter()
        .map(|(_, r)| super::record::preview_of(app, r.key.as_deref(), tail.format))
        .collect();
    let widest_key = keys
        .iter()
        .map(|k| unicode_width::UnicodeWidthStr::width(k.as_str()))
        .max()
        .unwrap_or(0)
        .max("Key".len()) as u16;
    // Narrower, the key may take two fifths: a short key whole beats a longer value cut.
    let key_cap: u16 = if body_w >= 70 {
        (rest / 2).max(16)
    } else {
        (rest * 2 / 5).max(8)
    };
    let key_w = widest_key.min(key_cap).min(rest.saturating_sub(1));
    let value_w = rest.saturating_sub(key_w + 1) as usize;
    let mut widths = Vec::new();
    if topic_w > 0 {
        widths.push(Constraint::Length(topic_w));
    }
    widths.extend([Constraint::Length(part_w), Constraint::Length(offset_w)]);
    if wide {
        widths.push(Constraint::Length(time_w));
    }
    widths.push(Constraint::Length(key_w));
    widths.push(Constraint::Length(value_w as u16));
    // Only the visible rows are formatted; the value preview looks at a bounded prefix.
    let rows: Vec<Row> = visible
        .iter()
        .zip(&keys)
        .map(|(&(seq, r), key)| {
            let mut value = match tail.find.shown(seq) {
                Some(projected) => clean(projected),
                None => super::record::preview_of(app, r.value.as_deref(), tail.format),
            };
            if !r.headers.is_empty() {
                value = format!("[{}h] {value}", r.headers.len());
            }
            // Highlighting marks matches and dims the rest (the mark shows without colour).
            let is_match = highlighting && tail.find.is_match(seq);
            let mark = if is_match { "*" } else { "" };
            let mut cells = Vec::new();
            if topic_w > 0 {
                cells.push(Cell::from(Span::styled(
                    fit(&clean(&r.topic), topic_w as usize),
                    t.style(Role::TailKey),
                )));
            }
            cells.extend([
                Cell::from(Span::styled(
                    number(&format!("{mark}{}", r.partition), part_w as usize),
                    t.style(Role::TailPartition),
                )),
                Cell::from(Span::styled(
                    number(&r.offset.to_string(), offset_w as usize),
                    t.style(Role::TailOffset),
                )),
            ]);
            if wide {
                cells.push(Cell::from(Span::styled(
                    timestamp_text(app, r),
                    t.style(Role::TailTimestamp),
                )));
            }
            cells.push(Cell::from(Span::styled(
                fit(key, key_w as usize),
                t.style(Role::TailKey),
            )));
            cells.push(Cell::from(Span::styled(
                fit(&value, value_w),
                t.style(Role::TailValue),
            )));
            let row = Row::new(cells);
            if highlighting && !is_match {
                row.style(t.style(Role::BaseMuted))
            } else {
                row
            }
        })
        .collect();
    let mut names: Vec<&str> = if wide {
        vec!["P", "Offset", "Time", "Key", "Value"]
    } else {
        vec!["P", "Offset", "Key", "Value"]
    };
    let first_number = usize::from(topic_w > 0);
    if topic_w > 0 {
        names.insert(0, "Topic");
    }
    let header = Row::new(names.into_iter().enumerate().map(|(i, n)| {
        // The number columns' names sit over their right-aligned values.
        if (first_number..first_number + 2).contains(&i) {
            Cell::from(Line::from(n).right_aligned())
        } else {
            Cell::from(n)
        }
    }))
    .style(t.style(Role::BaseMuted));
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(t.style(Role::BaseSelected));
    let mut state = TableState::default();
    if !tail.scroll.follow || focused {
        state.select(Some((selected - window_start) as usize));
    }
    frame.render_stateful_widget(table, body, &mut state);
}

/// The line above the rows while a filter is set: what it is and what it left out.
fn find_line(app: &App) -> Option<String> {
    let f = &app.tail.find;
    let mut parts = Vec::new();
    if let Some(q) = &f.query {
        parts.push(format!("filter {}", q.text));
    }
    if let Some(jq) = &f.jq {
        parts.push(format!("jq {}", jq.source));
    }
    if parts.is_empty() {
        return None;
    }
    let mut line = parts.join(" · ");
    if f.jq_errors > 0 {
        line.push_str(&format!(
            " · jq failed on {} (last: {})",
            crate::model::count(f.jq_errors, "record"),
            f.jq_last_error.as_deref().unwrap_or("")
        ));
    }
    let key = |a: Action| app.key(Context::Tail, a);
    let (mode, back) = (key(Action::ToggleFindMode), key(Action::Back));
    line.push_str(&match f.mode {
        FindMode::Hide => format!(" · {mode} highlights instead · {back} clears"),
        FindMode::Highlight => format!(
            " · {}/{} jump · {mode} hides the rest · {back} clears",
            key(Action::SearchNext),
            key(Action::SearchPrev)
        ),
    });
    Some(clean(&line))
}
