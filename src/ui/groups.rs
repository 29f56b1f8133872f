//! The consumer-groups list (`:groups`): state, members, total lag with its trend, topics.

use crate::theme::Role;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, Wrap};
use ratatui::Frame;

use super::columns::{self, Kind};
use super::views::pending;
use super::widgets::thousands;
use crate::app::App;
use crate::model::GroupSummary;
use crate::state::groups::{shown, sparkline, GroupSort};
use crate::state::views::Loading;
use crate::text::sanitize_inline as clean;

const KINDS: [Kind; 7] = [
    Kind::Text,
    Kind::Text,
    Kind::Number,
    Kind::Number,
    Kind::Text,
    Kind::Text,
    Kind::Text,
];
const TREND: usize = 4;
/// Trend samples shown at most: the last 20 listings (over three minutes).
const TREND_MAX: usize = 20;

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    list: &Loading<Vec<GroupSummary>>,
    selected: usize,
    filter: &str,
) {
    let t = &app.theme;
    if let Some(l) = pending(t, list) {
        frame.render_widget(Paragraph::new(l).wrap(Wrap { trim: true }), area);
        return;
    }
    let Some(Ok(list)) = list else { return };
    let sort = app.groups.sort;
    let rows_shown = shown(list, filter, sort);
    if rows_shown.is_empty() {
        let text = if list.is_empty() {
            "no consumer groups on this cluster".to_string()
        } else {
            format!("no group matches \"{}\"", clean(filter))
        };
        frame.render_widget(Paragraph::new(text).style(t.style(Role::BaseMuted)), area);
        return;
    }
    let mark = |s: GroupSort, h: &str| {
        if s == sort {
            format!("{h}↓")
        } else {
            h.to_string()
        }
    };
    let mut headers = vec![
        mark(GroupSort::Name, "Group"),
        mark(GroupSort::State, "State"),
        mark(GroupSort::Members, "Members"),
        mark(GroupSort::Lag, "Lag"),
        "Trend".to_string(),
        "Topics".to_string(),
        "Protocol".to_string(),
    ];
    if !filter.is_empty() {
        headers[0] = format!("{}  /{}", headers[0], clean(filter));
    }
    let empty = Default::default();
    let trend_of = |g: &GroupSummary| app.groups.trend.get(&g.name).unwrap_or(&empty);
    let cells: Vec<Vec<String>> = rows_shown
        .iter()
        .map(|g| {
            vec![
                clean(&g.name),
                clean(&g.state),
                thousands(g.members as i64),
                lag_label(g),
                sparkline(trend_of(g), TREND_MAX),
                g.topics
                    .iter()
                    .map(|t| clean(t))
                    .collect::<Vec<_>>()
                    .join(", "),
                clean(&g.protocol_type),
            ]
        })
        .collect();
    let head: Vec<&str> = headers.iter().map(String::as_str).collect();
    // The name gives way last: it is what the row is about.
    let widths = columns::widths_keeping(&KINDS, &head, &cells, area.width as usize, 2, Some(0));
    let rows: Vec<Row> = rows_shown
        .iter()
        .zip(cells)
        .map(|(g, mut c)| {
            // A narrowed trend keeps its newest samples, instead of being cut with `…`.
            if let Some(w) = widths[TREND] {
                c[TREND] = sparkline(trend_of(g), w);
            }
            Row::new(vec![Line::from(columns::line(&KINDS, &c, &widths, 2))])
        })
        .collect();
    let table = Table::new(rows, [Constraint::Fill(1)])
        .header(
            Row::new(vec![Line::from(Span::raw(columns::line(
                &KINDS, &headers, &widths, 2,
            )))])
            .style(t.style(Role::BaseMuted)),
        )
        .row_highlight_style(t.style(Role::BaseSelected));
    let mut state = super::widgets::view_table_state(app, area, rows_shown.len(), selected);
    frame.render_stateful_widget(table, area, &mut state);
}

/// Total lag: `–` when unknown (no commit, or no end offset read), `≥` when some partitions
/// could not be measured.
fn lag_label(g: &GroupSummary) -> String {
    match g.lag {
        None => "–".into(),
        Some(l) if g.lag_partial => format!("≥{}", thousands(l)),
        Some(l) => thousands(l),
    }
}
