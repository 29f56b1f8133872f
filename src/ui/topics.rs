//! The topics pane: name, partitions, records.

use crate::action::Action;
use crate::keymap::Context;
use crate::text::sanitize_inline as clean;
use crate::theme::Role;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;

use super::columns::number;
use super::widgets::{fit, pane_block, thousands};
use crate::app::{App, Connection};
use crate::state::Pane;

fn right(text: String) -> Cell<'static> {
    Cell::from(Line::from(text).right_aligned())
}

/// The tail's records per second over the last half minute, on the bottom border:
/// ` orders ▁▃█▅ 120/s `. Nothing before the first record, or when it does not fit.
fn rate_line(app: &App, width: usize) -> Option<Line<'static>> {
    let samples = app.tail.rate.per_second(app.now);
    let last = samples.back().copied().flatten()?;
    let t = &app.theme;
    let what = match app.tail.single_topic() {
        Some(topic) => clean(topic),
        None => "tail".into(),
    };
    let per_s = format!(" {}/s ", thousands(last));
    // The name first (up to half), then as many seconds as fit.
    let name = super::widgets::truncate(&what, width / 2);
    let name_w = unicode_width::UnicodeWidthStr::width(name.as_str());
    let bars = width
        .saturating_sub(name_w + 1 + per_s.chars().count() + 2)
        .min(crate::state::rate::SECONDS)
        .min(samples.len());
    if bars < 4 {
        return None;
    }
    let mut spans = vec![Span::raw(" ")];
    spans.push(Span::styled(format!("{name} "), t.style(Role::BaseMuted)));
    spans.push(Span::styled(
        crate::state::groups::sparkline(&samples, bars),
        t.style(Role::StatusInfo),
    ));
    spans.push(Span::styled(per_s, t.style(Role::BaseText)));
    Some(Line::from(spans).right_aligned())
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, focused: bool) {
    let t = &app.theme;
    let s = &app.topics;
    let mut extra = vec![Span::styled(
        format!("{}/{} ", s.visible_len(), s.all().len()),
        t.style(Role::BaseMuted),
    )];
    if !s.filter.is_empty() {
        extra.push(Span::styled(
            format!("/{} ", clean(&s.filter)),
            t.style(Role::BaseHighlight),
        ));
    }
    if s.show_internal {
        extra.push(Span::styled("+internal ", t.style(Role::BaseMuted)));
    }
    let mut block = pane_block(app, Pane::Topics, focused, extra);
    if let Some(rate) = rate_line(app, area.width.saturating_sub(4) as usize) {
        block = block.title_bottom(rate);
    }
    if !s.loaded {
        let text = match &app.cluster.connection {
            Connection::Unreachable(_) => {
                format!(
                    "cannot list topics: {}",
                    clean(&app.cluster.problem().unwrap_or_default())
                )
            }
            _ => "loading topics…".to_string(),
        };
        frame.render_widget(
            Paragraph::new(text)
                .style(t.style(Role::BaseMuted))
                .wrap(Wrap { trim: true })
                .block(block),
            area,
        );
        return;
    }
    if s.visible_len() == 0 {
        let text = if s.filter.is_empty() {
            format!(
                "no topics yet: publish a record ({}) to create one, or {} for a new topic",
                app.key(Context::Global, Action::Focus(Pane::Producer)),
                app.key(Context::Topics, Action::CreateTopic)
            )
        } else {
            format!(
                "no topic matches {:?} ({} clears the filter)",
                clean(&s.filter),
                app.key(Context::Global, Action::Back)
            )
        };
        frame.render_widget(
            Paragraph::new(text)
                .style(t.style(Role::BaseMuted))
                .wrap(Wrap { trim: true })
                .block(block),
            area,
        );
        return;
    }
    let inner = block.inner(area);
    let inner_height = inner.height.saturating_sub(1) as usize;
    // Only the rows that can be seen are built: cheap even with 10,000 topics.
    let start = s.window.place(
        s.selected as u64,
        0,
        s.visible_len() as u64,
        inner_height as u64,
    ) as usize;
    let shown: Vec<_> = s.visible().skip(start).take(inner_height.max(1)).collect();
    let counts: Vec<String> = shown
        .iter()
        .map(|topic| match topic.record_count() {
            Some(n) => thousands(n),
            None if topic.error.is_some() => "error".into(),
            None => "…".into(),
        })
        .collect();
    // Numbers are never cut: their column is as wide as the widest one shown.
    let records_w = counts
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(1)
        .max(7)
        // The name column keeps its gap even at zero width.
        .min(inner.width.saturating_sub(1) as usize) as u16;
    // Size on disk, where the brokers answered DescribeLogDirs (all replicas together).
    let sizes: Option<Vec<String>> = match &s.disk {
        Some(Ok(d)) if d.answered > 0 => Some(
            shown
                .iter()
                .map(|topic| {
                    s.size_of(&topic.name)
                        .map_or_else(|| "-".into(), crate::text::bytes_label)
                })
                .collect(),
        ),
        _ => None,
    };
    let size_w = sizes
        .as_ref()
        .map(|v| {
            v.iter()
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
                .max("Size".len()) as u16
        })
        .unwrap_or(0);
    let parts_w = shown
        .iter()
        .map(|topic| topic.partitions.len().to_string().len())
        .max()
        .unwrap_or(0)
        .max("Parts".len()) as u16;
    let show_parts = inner.width >= records_w + parts_w + 14;
    // Size, last, gives way first when the pane is narrow: records, then parts, then size.
    let show_size = sizes.is_some() && inner.width >= records_w + parts_w + size_w + 16;
    let name_w = inner.width.saturating_sub(
        records_w
            + 1
            + if show_parts { parts_w + 1 } else { 0 }
            + if show_size { size_w + 1 } else { 0 },
    ) as usize;
    let sizes = sizes.unwrap_or_default();
    let rows: Vec<Row> = shown
        .iter()
        .zip(counts)
        .enumerate()
        .map(|(i, (topic, count))| {
            let mark = if app.tail.covers(&topic.name) {
                "▶ "
            } else {
                "  "
            };
            // A broker's error or anomaly for the topic follows its name, not hidden.
            let mut problem = topic
                .error
                .as_deref()
                .map_or(String::new(), |e| format!("  ⚠ {}", clean(e)));
            let under = topic
                .partitions
                .iter()
                .filter(|p| p.under_replicated)
                .count();
            if under > 0 {
                problem.push_str(&format!("  ⚠ {under} under-replicated"));
            }
            let mut cells = vec![Cell::from(fit(
                &format!("{mark}{}{problem}", clean(&topic.name)),
                name_w,
            ))];
            if show_parts {
                cells.push(Cell::from(number(
                    &topic.partitions.len().to_string(),
                    parts_w as usize,
                )));
            }
            cells.push(Cell::from(number(&count, records_w as usize)));
            if show_size {
                let size = sizes.get(i).map_or("-", String::as_str);
                cells.push(Cell::from(number(size, size_w as usize)));
            }
            Row::new(cells)
        })
        .collect();
    let mut widths = vec![Constraint::Length(name_w as u16)];
    let mut header = vec![Cell::from("  Name")];
    if show_parts {
        widths.push(Constraint::Length(parts_w));
        header.push(right("Parts".into()));
    }
    widths.push(Constraint::Length(records_w));
    // High minus low watermark: transaction markers and records the cleaner compacted away
    // take offsets too, so it is not a count of records (which only reading could give).
    header.push(right("Offsets".into()));
    if show_size {
        widths.push(Constraint::Length(size_w));
        header.push(right("Size".into()));
    }
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(t.style(Role::BaseMuted)))
        .row_highlight_style(if focused {
            t.style(Role::BaseSelected)
        } else {
            t.style(Role::BaseMuted)
        });
    let mut state = TableState::default().with_selected(Some(s.selected - start));
    s.window.drawn(Rect {
        y: inner.y + 1,
        height: inner.height.saturating_sub(1),
        ..inner
    });
    frame.render_widget(block, area);
    frame.render_stateful_widget(table, inner, &mut state);
}
