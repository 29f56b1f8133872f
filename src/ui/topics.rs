//! The topics pane: name, partitions, records.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;

use super::widgets::{pane_block, thousands};
use crate::app::{App, Connection};
use crate::state::Pane;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, focused: bool) {
    let t = &app.theme;
    let s = &app.topics;
    let mut extra = vec![Span::styled(
        format!("{}/{} ", s.visible_len(), s.all().len()),
        t.style("base.muted"),
    )];
    if !s.filter.is_empty() {
        extra.push(Span::styled(
            format!("/{} ", s.filter),
            t.style("base.highlight"),
        ));
    }
    if s.show_internal {
        extra.push(Span::styled("+internal ", t.style("base.muted")));
    }
    let block = pane_block(app, Pane::Topics, focused, extra);
    if !s.loaded {
        let text = match &app.cluster.connection {
            Connection::Unreachable(e) => format!("cannot list topics: {e}"),
            _ => "loading topics…".to_string(),
        };
        frame.render_widget(
            Paragraph::new(text)
                .style(t.style("base.muted"))
                .wrap(Wrap { trim: true })
                .block(block),
            area,
        );
        return;
    }
    if s.visible_len() == 0 {
        let text = if s.filter.is_empty() {
            "no topics yet: publish a record (3) to create one".to_string()
        } else {
            format!("no topic matches {:?} (Esc clears the filter)", s.filter)
        };
        frame.render_widget(
            Paragraph::new(text)
                .style(t.style("base.muted"))
                .wrap(Wrap { trim: true })
                .block(block),
            area,
        );
        return;
    }
    let inner_height = area.height.saturating_sub(3) as usize;
    // Only the rows that can be seen are built: cheap even with 10,000 topics.
    let start = s.selected.saturating_sub(inner_height.saturating_sub(1));
    let tailing = app.tail.topic.as_deref();
    let rows: Vec<Row> = s
        .visible()
        .skip(start)
        .take(inner_height.max(1))
        .map(|topic| {
            let mark = if Some(topic.name.as_str()) == tailing {
                "▶ "
            } else {
                "  "
            };
            let records = match topic.record_count() {
                Some(n) => thousands(n),
                None if topic.error.is_some() => "error".into(),
                None => "?".into(),
            };
            Row::new(vec![
                Cell::from(format!("{mark}{}", topic.name)),
                Cell::from(topic.partitions.len().to_string()),
                Cell::from(records),
            ])
        })
        .collect();
    let widths = [
        Constraint::Min(8),
        Constraint::Length(5),
        Constraint::Length(9),
    ];
    let table = Table::new(rows, widths)
        .header(Row::new(vec!["  Name", "Parts", "  Records"]).style(t.style("base.muted")))
        .row_highlight_style(if focused {
            t.style("base.selected")
        } else {
            t.style("base.muted")
        })
        .block(block);
    let mut state = TableState::default().with_selected(Some(s.selected - start));
    frame.render_stateful_widget(table, area, &mut state);
}
