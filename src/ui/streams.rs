//! The `:streams` view: the applications found (state, members, threads, lag), then the
//! selected one's processes and threads, its topics (inputs, internal with sizes, outputs;
//! Enter tails the selected one), the lag per input partition, and where the topology came
//! from or why there is none.

use super::columns::{self, Kind};
use crate::action::Action;
use crate::keymap::Context;
use crate::theme::Role;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;

use crate::app::App;
use crate::state::streams::{topic_rows, StreamsView};
use crate::streams::{Evidence, StreamsApp};
use crate::text::sanitize_inline as clean;

use super::widgets::thousands;

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or("-".into(), |v| v.to_string())
}

fn evidence(e: &Evidence) -> &'static str {
    match e {
        Evidence::InternalTopics => "internal topics",
        Evidence::StreamsAssignor => "assignor `stream`",
        Evidence::StreamThreadClients => "StreamThread clients",
        Evidence::StreamsGroup => "streams group",
    }
}

pub fn draw(frame: &mut Frame, inner: Rect, app: &App, v: &StreamsView) {
    // Clickable only where drawn this frame.
    v.app_rows.hidden();
    let t = &app.theme;
    let muted = t.style(Role::BaseMuted);
    let rows = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).split(inner);
    let keys = format!(
        "↑↓ topic · {} · {} back",
        app.keymap.footer(Context::StreamsView),
        app.key(Context::Global, Action::Back)
    );
    frame.render_widget(Paragraph::new(Span::styled(keys, muted)), rows[1]);
    let area = rows[0];
    let d = match &v.discovery {
        None => {
            frame.render_widget(
                Paragraph::new(Span::styled(
                    "looking at the consumer groups and topics…",
                    muted,
                )),
                area,
            );
            return;
        }
        Some(Err(e)) => {
            frame.render_widget(
                Paragraph::new(Span::styled(
                    format!("✖ {}", clean(e)),
                    t.style(Role::StatusError),
                ))
                .wrap(Wrap { trim: true }),
                area,
            );
            return;
        }
        Some(Ok(d)) => d,
    };
    if d.apps.is_empty() {
        let mut l = vec![Line::from(
            "no Kafka Streams application found: none of the consumer groups has internal topics named <group>-…-changelog / -repartition, the `stream` assignor or StreamThread members",
        )];
        if !d.orphan_internal_topics.is_empty() {
            l.push(Line::from(format!(
                "internal topics without a group (a stopped or deleted application?): {}",
                clean(&d.orphan_internal_topics.join(", "))
            )));
        }
        frame.render_widget(Paragraph::new(l).wrap(Wrap { trim: true }), area);
        return;
    }
    let n = d.apps.len().min(6) as u16;
    let parts = Layout::vertical([Constraint::Length(n + 1), Constraint::Min(3)]).split(area);
    // Sized to content as the other lists are: numbers whole, text cut with `…`, the
    // application's name last (fixed widths needed 87 columns, and at 80 ratatui's solver
    // shrank a different column from one frame to the next).
    const KINDS: [Kind; 6] = [
        Kind::Text,
        Kind::Text,
        Kind::Number,
        Kind::Number,
        Kind::Number,
        Kind::Text,
    ];
    let headers = [
        "Application",
        "State",
        "Processes",
        "Threads",
        "Input lag",
        "Found by",
    ];
    let cells: Vec<Vec<String>> = d
        .apps
        .iter()
        .map(|a| {
            vec![
                clean(&a.application_id),
                clean(&a.state),
                a.processes.len().to_string(),
                a.thread_count().to_string(),
                thousands(a.total_input_lag()),
                a.found_by
                    .iter()
                    .map(evidence)
                    .collect::<Vec<_>>()
                    .join(", "),
            ]
        })
        .collect();
    let (app_rows, header) = sized(&KINDS, &headers, cells, parts[0].width, 0);
    let table = Table::new(app_rows, [Constraint::Fill(1)])
        .header(header.style(muted))
        .row_highlight_style(t.style(Role::BaseSelected));
    let selected = v.app.min(d.apps.len() - 1);
    let shown = u64::from(parts[0].height.saturating_sub(1));
    let first = v
        .app_rows
        .place(selected as u64, 0, d.apps.len() as u64, shown);
    v.app_rows.drawn(Rect {
        y: parts[0].y + 1,
        height: parts[0].height.saturating_sub(1),
        ..parts[0]
    });
    let mut st = TableState::default()
        .with_offset(first as usize)
        .with_selected(Some(selected));
    frame.render_stateful_widget(table, parts[0], &mut st);
    if let Some(a) = v.selected_app() {
        detail(frame, parts[1], app, v, a);
    }
}

fn detail(frame: &mut Frame, area: Rect, app: &App, v: &StreamsView, a: &StreamsApp) {
    let t = &app.theme;
    let muted = t.style(Role::BaseMuted);
    let topics = topic_rows(a);
    let mut head: Vec<Line> = Vec::new();
    for p in &a.processes {
        let threads: Vec<String> = p
            .threads
            .iter()
            .map(|th| {
                let parts: Vec<String> = th
                    .assignment
                    .iter()
                    .map(|(topic, ps)| {
                        format!(
                            "{}[{}]",
                            topic,
                            ps.iter().map(i32::to_string).collect::<Vec<_>>().join(",")
                        )
                    })
                    .collect();
                format!("{} {}", th.name, parts.join(" "))
            })
            .collect();
        head.push(Line::from(vec![
            Span::styled("process ", muted),
            Span::raw(clean(&p.client_id)),
            Span::styled(format!(" on {}: ", clean(&p.host)), muted),
            Span::raw(clean(&threads.join(" · "))),
        ]));
    }
    // Where the topology (and so the output topics) came from, or why there is none.
    let topo = match (v.topology_of(&a.application_id), &a.output_topics) {
        (Some(src), _) => match &src.result {
            Ok(()) => Line::from(Span::styled(
                format!(
                    "topology from {} · stores: {}",
                    clean(&src.location),
                    clean(&a.stores.join(", "))
                ),
                muted,
            )),
            Err(e) => Line::from(Span::styled(
                format!("✖ topology of {}: {}", clean(&a.application_id), clean(e)),
                t.style(Role::StatusError),
            )),
        },
        (None, _) => Line::from(Span::styled(
            "output topics unknown: Kafka does not say what an application writes. Give its topology.describe() text: streams_topology = { APP = \"file or URL\" } in the config, or --streams-topology APP=FILE",
            t.style(Role::HeaderWarn),
        )),
    };
    head.push(topo);
    let head_h = (head.len() as u16 + 1).min(area.height / 2);
    let lag_cells: Vec<Vec<String>> = a
        .input_lag
        .iter()
        .map(|l| {
            vec![
                clean(&l.topic),
                l.partition.to_string(),
                opt(l.committed),
                opt(l.end),
                opt(l.lag),
            ]
        })
        .collect();
    let parts = Layout::vertical([
        Constraint::Length(head_h),
        Constraint::Length(topics.len() as u16 + 1),
        Constraint::Min(2),
    ])
    .split(area);
    frame.render_widget(Paragraph::new(head).wrap(Wrap { trim: true }), parts[0]);
    let topic_cells: Vec<Vec<String>> = topics
        .iter()
        .map(|r| {
            vec![
                r.role.to_string(),
                clean(&r.name),
                opt(r.partitions),
                r.records.map_or("-".into(), |n| thousands(n as i64)),
                // From the Kafka task's DescribeLogDirs (every 30 s), not asked again here.
                app.topics
                    .size_of(&r.name)
                    .map_or("-".into(), crate::text::bytes_label),
                r.lag.map_or("-".into(), thousands),
                if r.exists { "" } else { "not created yet" }.to_string(),
            ]
        })
        .collect();
    use Kind::{Number, Text};
    let (trows, header) = sized(
        &[Text, Text, Number, Number, Number, Number, Text],
        &["Role", "Topic", "Partitions", "Records", "Size", "Lag", ""],
        topic_cells,
        parts[1].width,
        1,
    );
    let table = Table::new(trows, [Constraint::Fill(1)])
        .header(header.style(muted))
        .row_highlight_style(t.style(Role::BaseSelected));
    // The view's clickable list (a click selects, a double click tails).
    let mut st = super::widgets::view_table_state(app, parts[1], topics.len(), v.topic);
    frame.render_stateful_widget(table, parts[1], &mut st);
    let (lag_rows, header) = sized(
        &[Text, Number, Number, Number, Number],
        &["Input topic", "Partition", "Committed", "End", "Lag"],
        lag_cells,
        parts[2].width,
        0,
    );
    let lag = Table::new(lag_rows, [Constraint::Fill(1)]).header(header.style(muted));
    frame.render_widget(lag, parts[2]);
}

/// A table's rows and header sized to their content in `width` cells (numbers whole, text
/// cut with `…`, column `keep` giving way last), as the other lists of the app are.
fn sized(
    kinds: &[Kind],
    headers: &[&str],
    cells: Vec<Vec<String>>,
    width: u16,
    keep: usize,
) -> (Vec<Row<'static>>, Row<'static>) {
    let widths = columns::widths_keeping(kinds, headers, &cells, width as usize, 2, Some(keep));
    let head: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    let rows = cells
        .iter()
        .map(|c| Row::new(vec![Line::from(columns::line(kinds, c, &widths, 2))]))
        .collect();
    let header = Row::new(vec![Line::from(columns::line(kinds, &head, &widths, 2))]);
    (rows, header)
}
