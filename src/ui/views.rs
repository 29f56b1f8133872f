//! The full-width views: topic detail, consumer groups, one group, the cluster, contexts.

use crate::action::Action;
use crate::keymap::Context;
use crate::text::sanitize_inline as clean;
use crate::theme::Role;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Cell, Clear, Paragraph, Row, Table, Wrap};
use ratatui::Frame;

use super::columns::{self, Kind};
use super::widgets::thousands;
use crate::app::App;
use crate::model::{count, ContextInfo, Controller, GroupDetail};
use crate::state::views::{Loading, View};
use crate::theme::Theme;

fn block<'a>(app: &App, title: String) -> Block<'a> {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(app.theme.style(Role::BaseBorderFocused))
        .title(Span::styled(
            format!(
                " {title} · {} back ",
                app.key(Context::Global, Action::Back)
            ),
            app.theme.style(Role::BaseTitleFocused),
        ));
    super::widgets::accent_border(app, block, true)
}

/// "loading…" or the error, for a view whose data is not there; `None` when it is.
pub(super) fn pending<T>(t: &Theme, l: &Loading<T>) -> Option<Line<'static>> {
    match l {
        None => Some(Line::from(Span::styled(
            "loading…",
            t.style(Role::BaseMuted),
        ))),
        Some(Err(e)) => Some(Line::from(Span::styled(
            format!("✖ {}", clean(&e.to_string())),
            t.style(Role::StatusError),
        ))),
        Some(Ok(_)) => None,
    }
}

fn ids(v: &[i32]) -> String {
    v.iter().map(i32::to_string).collect::<Vec<_>>().join(",")
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, view: &View) {
    frame.render_widget(Clear, area);
    let b = block(app, view.title());
    let inner = b.inner(area);
    frame.render_widget(b, area);
    // Views that scroll measure their own reach below.
    app.reach.view.measured(app.view_reach_key(), 0);
    match view {
        View::TopicDetail {
            detail,
            configs,
            scroll,
            ..
        } => topic_detail(frame, inner, app, detail, configs, *scroll),
        View::Groups {
            list,
            selected,
            filter,
        } => super::groups::draw(frame, inner, app, list, *selected, filter),
        View::GroupDetail { detail, scroll, .. } => {
            group_detail(frame, inner, app, detail, *scroll)
        }
        View::Brokers { overview } => brokers(frame, inner, app, overview),
        View::Contexts {
            list,
            current,
            selected,
        } => contexts(frame, inner, app, list, current, *selected),
        View::Connect(v) => super::connect::draw(frame, inner, app, v),
        View::Streams(v) => super::streams::draw(frame, inner, app, v),
        View::Schemas(v) => super::schemas::draw(frame, inner, app, v),
    }
}

fn topic_detail(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    detail: &Loading<crate::model::TopicDetail>,
    configs: &Loading<Vec<crate::model::ConfigItem>>,
    scroll: u16,
) {
    let lines = topic_detail_lines(app, detail, configs, area.width);
    let max = last_page(lines.len(), area);
    app.reach.view.measured(app.view_reach_key(), max.into());
    let scroll = scroll.min(max);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), area);
}

/// The furthest a view of `lines` rows in `area` scrolls: its last row at the bottom, never
/// past it into blank rows.
fn last_page(lines: usize, area: Rect) -> u16 {
    lines
        .saturating_sub(area.height as usize)
        .min(u16::MAX as usize) as u16
}

/// The topic detail's size-on-disk line: the size over all replicas, or why it is not known.
fn disk_line(app: &App, topic: &str) -> String {
    use crate::text::bytes_label;
    match &app.topics.disk {
        None => "size on disk: asking the brokers (DescribeLogDirs)…".into(),
        Some(Err(e)) => format!("size on disk: not shown: {e}"),
        Some(Ok(d)) if d.answered == 0 => format!(
            "size on disk: no broker answered DescribeLogDirs ({})",
            d.problem.as_deref().unwrap_or("no broker listed")
        ),
        Some(Ok(d)) => {
            let size = match d.bytes.get(topic) {
                Some(&n) => format!("size on disk: {} over all replicas", bytes_label(n)),
                None => "size on disk: the brokers list no data for it".into(),
            };
            if d.answered < d.brokers {
                format!(
                    "{size} ({} of {} brokers answered; {})",
                    d.answered,
                    d.brokers,
                    d.problem.as_deref().unwrap_or("")
                )
            } else {
                size
            }
        }
    }
}

fn topic_detail_lines(
    app: &App,
    detail: &Loading<crate::model::TopicDetail>,
    configs: &Loading<Vec<crate::model::ConfigItem>>,
    width: u16,
) -> Vec<Line<'static>> {
    let t = &app.theme;
    let muted = t.style(Role::BaseMuted);
    let mut lines: Vec<Line> = Vec::new();
    match (pending(t, detail), detail) {
        (Some(l), _) => lines.push(l),
        (None, Some(Ok(d))) => {
            let under = d.partitions.iter().filter(|p| p.under_replicated()).count();
            let total: i64 = d
                .partitions
                .iter()
                .filter_map(|p| Some(p.high?.saturating_sub(p.low?)))
                .fold(0, i64::saturating_add);
            lines.push(Line::from(vec![
                Span::styled(
                    format!(
                        "{} · {} offsets (high − low)",
                        count(d.partitions.len() as u64, "partition"),
                        thousands(total)
                    ),
                    t.style(Role::BaseText),
                ),
                if under > 0 {
                    Span::styled(
                        format!(" · {under} under-replicated"),
                        t.style(Role::StatusError),
                    )
                } else {
                    Span::styled(" · fully replicated", muted)
                },
            ]));
            // Said rather than left out: a person looks for it here. Sentences wrap at the
            // width, so none is cut.
            lines.extend(prose(&clean(&disk_line(app, &d.name)), width, muted));
            for a in &d.anomalies {
                lines.extend(prose(
                    &format!("⚠ {}", clean(a)),
                    width,
                    t.style(Role::StatusError),
                ));
            }
            // Every column holds numbers (replicas and ISR are lists of broker ids): each is
            // as wide as its widest value; what does not fit is left out whole, marked `…`.
            use Kind::{Number, Text};
            let kinds = [Number, Number, Number, Number, Number, Number, Text];
            let headers = ["partition", "leader", "replicas", "isr", "low", "high", ""];
            let mark = |o: Option<i64>| o.map_or("?".to_string(), thousands);
            let rows: Vec<Vec<String>> = d
                .partitions
                .iter()
                .map(|p| {
                    vec![
                        p.id.to_string(),
                        p.leader.to_string(),
                        ids(&p.replicas),
                        ids(&p.isr),
                        mark(p.low),
                        mark(p.high),
                        if p.under_replicated() {
                            "under-replicated".into()
                        } else {
                            String::new()
                        },
                    ]
                })
                .collect();
            let w = columns::widths(&kinds, &headers, &rows, width as usize, 2);
            let head: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
            lines.push(Line::from(Span::styled(
                columns::line(&kinds, &head, &w, 2),
                muted,
            )));
            for (p, row) in d.partitions.iter().zip(&rows) {
                let style = if p.under_replicated() {
                    t.style(Role::StatusError)
                } else {
                    t.style(Role::BaseText)
                };
                lines.push(Line::from(Span::styled(
                    columns::line(&kinds, row, &w, 2),
                    style,
                )));
            }
            if app.cluster.embedded.is_some() {
                for l in embedded_retention_lines(app, d) {
                    match l.spans.as_slice() {
                        [one] => lines.extend(prose(&one.content, width, one.style)),
                        _ => lines.push(l),
                    }
                }
            }
        }
        _ => {}
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "Configs (* = set on this topic; others are defaults)",
        t.style(Role::BaseTitleFocused),
    )));
    match (pending(t, configs), configs) {
        (Some(l), _) => lines.push(l),
        (None, Some(Ok(items))) => {
            for c in items {
                let mark = if c.overridden { "* " } else { "  " };
                let style = if c.overridden {
                    t.style(Role::TailKey)
                } else {
                    muted
                };
                let value = c.value.clone().unwrap_or_else(|| "(null)".into());
                lines.push(Line::from(vec![
                    Span::styled(format!("{mark}{:<40}", clean(&c.name)), style),
                    Span::styled(
                        clean(&value),
                        if c.overridden {
                            t.style(Role::BaseText)
                        } else {
                            muted
                        },
                    ),
                ]));
            }
        }
        _ => {}
    }
    lines
}

/// The embedded broker's retention (issue 10.6): librdkafka's mock keeps about 5 MiB or
/// 100,000 batches a partition and drops the oldest past that (`max_size`, `max_cnt` in
/// rdkafka_mock.c). It moves the low watermark for nothing else, so a low above 0 means
/// records were dropped. The mock reports no sizes: how near a partition is cannot be told.
fn embedded_retention_lines(app: &App, d: &crate::model::TopicDetail) -> Vec<Line<'static>> {
    let t = &app.theme;
    let mut lines = vec![Line::from(Span::styled(
        "retention on the embedded broker: about 5 MiB or 100,000 batches a partition, oldest dropped (Kafka: retention.ms)",
        t.style(Role::BaseMuted),
    ))];
    let dropped: Vec<String> = d
        .partitions
        .iter()
        .filter(|p| p.low.is_some_and(|l| l > 0))
        .map(|p| p.id.to_string())
        .collect();
    if !dropped.is_empty() {
        lines.push(Line::from(Span::styled(
            format!(
                "⚠ that limit dropped the records below the low watermark of partition{} {}",
                if dropped.len() == 1 { "" } else { "s" },
                dropped.join(", ")
            ),
            t.style(Role::HeaderWarn),
        )));
    }
    lines
}

fn group_detail(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    detail: &Loading<GroupDetail>,
    scroll: u16,
) {
    if let Some(l) = pending(&app.theme, detail) {
        frame.render_widget(Paragraph::new(l).wrap(Wrap { trim: true }), area);
        return;
    }
    let lines = group_detail_lines(app, detail, area.width);
    let max = last_page(lines.len(), area);
    app.reach.view.measured(app.view_reach_key(), max.into());
    let scroll = scroll.min(max);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), area);
}

fn group_detail_lines(app: &App, detail: &Loading<GroupDetail>, width: u16) -> Vec<Line<'static>> {
    let t = &app.theme;
    let muted = t.style(Role::BaseMuted);
    let Some(Ok(d)) = detail else {
        return pending(t, detail).into_iter().collect();
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(
            format!(
                "state {} · {} · total lag ",
                clean(&d.state),
                count(d.members.len() as u64, "member")
            ),
            t.style(Role::BaseText),
        ),
        Span::styled(thousands(d.total_lag()), t.style(Role::TailKey)),
        Span::styled(
            if d.is_inactive() {
                " · inactive: offsets can be reset (R)"
            } else {
                ""
            },
            muted,
        ),
    ])];
    lines.push(Line::from(Span::styled(
        "Members",
        t.style(Role::BaseTitleFocused),
    )));
    if d.members.is_empty() {
        lines.push(Line::from(Span::styled("  (none)", muted)));
    }
    for m in &d.members {
        let assigned: Vec<String> = m
            .assignment
            .iter()
            .map(|(topic, ps)| format!("{}[{}]", clean(topic), ids(ps)))
            .collect();
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {} ", clean(&m.client_id)),
                t.style(Role::TailKey),
            ),
            Span::styled(format!("{} ", clean(&m.host)), muted),
            Span::styled(
                if assigned.is_empty() {
                    "(no partitions)".into()
                } else {
                    assigned.join(" ")
                },
                t.style(Role::BaseText),
            ),
        ]));
    }
    lines.push(Line::from(Span::styled(
        "Offsets",
        t.style(Role::BaseTitleFocused),
    )));
    // The topic gives way to the numbers (see `columns`); two cells of indent.
    use Kind::{Number, Text};
    let kinds = [Text, Number, Number, Number, Number];
    let headers = ["topic", "partition", "committed", "end", "lag"];
    let n = |o: Option<i64>| o.map_or("-".to_string(), thousands);
    let rows: Vec<Vec<String>> = d
        .offsets
        .iter()
        .map(|p| {
            let lag = match (p.lag, p.ahead) {
                (Some(_), true) => "0 (commit past end)".to_string(),
                (Some(l), false) => thousands(l),
                (None, _) => "- (no commit)".into(),
            };
            vec![
                clean(&p.topic),
                p.partition.to_string(),
                n(p.committed),
                n(p.end),
                lag,
            ]
        })
        .collect();
    // A bar of the committed offset against the end offset (the lag is its empty part)
    // follows the numbers, in the room they leave whole: never at the cost of a column.
    let inner = (width as usize).saturating_sub(2);
    let natural: usize = columns::widths(&kinds, &headers, &rows, usize::MAX / 4, 1)
        .iter()
        .map(|w| w.unwrap_or(0) + 1)
        .sum();
    let bar_w = inner.saturating_sub(natural + 1).min(24);
    let bar_w = if bar_w >= 6 { bar_w } else { 0 };
    let w = columns::widths(
        &kinds,
        &headers,
        &rows,
        inner - if bar_w > 0 { bar_w + 1 } else { 0 },
        1,
    );
    let head: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    let head_line = format!("  {}", columns::line(&kinds, &head, &w, 1));
    let mut head_spans = vec![Span::styled(head_line, muted)];
    if bar_w > 0 {
        head_spans.push(Span::styled(" consumed (░ = lag)", muted));
    }
    lines.push(Line::from(head_spans));
    for (p, row) in d.offsets.iter().zip(&rows) {
        let style = if p.ahead {
            t.style(Role::StatusError)
        } else {
            t.style(Role::BaseText)
        };
        let mut spans = vec![Span::styled(
            format!("  {}", columns::line(&kinds, row, &w, 1)),
            style,
        )];
        if let (true, Some((done, left))) = (bar_w > 0, lag_bar(p.committed, p.end, bar_w)) {
            spans.push(Span::raw(" "));
            spans.push(Span::styled("█".repeat(done), t.style(Role::StatusInfo)));
            spans.push(Span::styled("░".repeat(left), t.style(Role::StatusError)));
        }
        lines.push(Line::from(spans));
    }
    lines
}

/// The cells of a bar `width` wide: committed over end offset filled, the lag empty. A
/// partition with any lag keeps at least one empty cell, and one with a commit and room to
/// spare at least one filled, so neither looks like the other however the numbers scale.
/// `None` without a commit or an end offset to measure against.
pub fn lag_bar(committed: Option<i64>, end: Option<i64>, width: usize) -> Option<(usize, usize)> {
    let (c, e) = (committed?, end?);
    if e <= 0 || width == 0 {
        return None;
    }
    let c = c.clamp(0, e);
    let mut done = ((c as f64 / e as f64) * width as f64).floor() as usize;
    if c < e {
        done = done.min(width - 1);
    }
    if c > 0 && width > 1 {
        done = done.max(1);
    }
    Some((done, width - done))
}

fn brokers(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    overview: &Loading<crate::model::ClusterOverview>,
) {
    let t = &app.theme;
    if let Some(l) = pending(t, overview) {
        frame.render_widget(Paragraph::new(l).wrap(Wrap { trim: true }), area);
        return;
    }
    let Some(Ok(o)) = overview else { return };
    let muted = t.style(Role::BaseMuted);
    let controller = match o.controller {
        Controller::Broker(id) => id.to_string(),
        Controller::Kraft => "KRaft: the active controller is not visible to clients (kafka-metadata-quorum describe --status)".into(),
        Controller::Embedded => "none: the embedded broker (librdkafka's mock cluster) has no controller".into(),
        Controller::Unsure(id) => format!("{id}, as the brokers report it (the controller in ZooKeeper mode; in KRaft any live broker)"),
        Controller::NotReported => "(not reported)".into(),
    };
    let summary = [
        (
            "cluster id  ",
            o.cluster_id
                .as_deref()
                .map_or_else(|| "(not reported)".into(), clean),
        ),
        ("controller  ", controller),
        (
            "topics      ",
            format!(
                "{}, {}, {} under-replicated",
                count(o.topics as u64, "topic"),
                count(o.partitions as u64, "partition"),
                o.under_replicated
            ),
        ),
    ];
    // Each said whole: wrapped under itself, never cut at the pane's edge.
    let mut lines = Vec::new();
    for (label, text) in summary {
        let room = (area.width as usize).saturating_sub(label.len());
        for (i, row) in super::widgets::wrap_words(&text, room)
            .into_iter()
            .enumerate()
        {
            let lead = if i == 0 { label } else { "            " };
            lines.push(Line::from(vec![Span::styled(lead, muted), Span::raw(row)]));
        }
    }
    lines.push(Line::default());
    // Broker ids are numbers, and so is the port in host:port: the host and rack give way.
    use Kind::{Endpoint, Number, Text};
    let kinds = [Number, Endpoint, Text, Text];
    let headers = ["broker", "host:port", "rack", ""];
    let rows: Vec<Vec<String>> = o
        .brokers
        .iter()
        .map(|b| {
            vec![
                b.id.to_string(),
                format!("{}:{}", clean(&b.host), b.port),
                b.rack.as_deref().map_or_else(|| "-".into(), clean),
                if o.controller == Controller::Broker(b.id) {
                    "(controller)".into()
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    let w = columns::widths(&kinds, &headers, &rows, area.width as usize, 2);
    let head: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    lines.push(Line::from(Span::styled(
        columns::line(&kinds, &head, &w, 2),
        muted,
    )));
    for row in &rows {
        lines.push(Line::from(columns::line(&kinds, row, &w, 2)));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn contexts(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    list: &[ContextInfo],
    current: &str,
    selected: usize,
) {
    let t = &app.theme;
    let name_w = list
        .iter()
        .map(|c| clean(&c.name).chars().count() + 2)
        .chain([22])
        .max()
        .unwrap_or(0) as u16;
    let bootstrap_w = list
        .iter()
        .map(|c| bootstrap_label(c).chars().count() + 2)
        .chain([16])
        .max()
        .unwrap_or(0)
        .min(area.width.saturating_sub(name_w + 10) as usize) as u16;
    let rows: Vec<Row> = list
        .iter()
        .map(|c| {
            let mark = if c.name == current { "● " } else { "  " };
            Row::new(vec![
                Cell::from(format!("{mark}{}", clean(&c.name))),
                Cell::from(bootstrap_label(c)),
                colour_cell(c, t.no_color),
            ])
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(name_w),
            Constraint::Length(bootstrap_w),
            Constraint::Fill(1),
        ],
    )
    .header(
        Row::new(vec!["Context (● current)", "Bootstrap", "Colour"])
            .style(t.style(Role::BaseMuted)),
    )
    .row_highlight_style(t.style(Role::BaseSelected));
    let mut state = super::widgets::view_table_state(app, area, list.len(), selected);
    frame.render_stateful_widget(table, area, &mut state);
}

/// Where a context's brokers are: its bootstrap list, or the embedded broker.
pub fn bootstrap_label(c: &ContextInfo) -> String {
    match &c.bootstrap {
        Some(b) => clean(b),
        None => "embedded broker".into(),
    }
}

/// A context's colour, named and shown in it (as the header will be once switched), but
/// named only under `NO_COLOR`.
pub fn colour_cell(c: &ContextInfo, no_color: bool) -> Cell<'static> {
    match &c.color {
        Some(name) => {
            let style = match name.parse::<ratatui::style::Color>() {
                Ok(col) if !no_color => ratatui::style::Style::default().fg(col),
                _ => ratatui::style::Style::default(),
            };
            Cell::from(Span::styled(format!("■ {}", clean(name)), style))
        }
        None => Cell::from(""),
    }
}

#[cfg(test)]
mod tests {
    use super::lag_bar;

    #[test]
    fn lag_bars_never_hide_a_lag_or_a_commit() {
        assert_eq!(lag_bar(Some(50), Some(100), 10), Some((5, 5)));
        assert_eq!(lag_bar(Some(100), Some(100), 10), Some((10, 0)));
        // 1 behind a million: still one empty cell.
        assert_eq!(lag_bar(Some(999_999), Some(1_000_000), 10), Some((9, 1)));
        // 1 of a million consumed: still one filled cell.
        assert_eq!(lag_bar(Some(1), Some(1_000_000), 10), Some((1, 9)));
        assert_eq!(lag_bar(Some(0), Some(10), 10), Some((0, 10)));
        // A commit past the end (a truncated log) is drawn full, not past its width.
        assert_eq!(lag_bar(Some(120), Some(100), 10), Some((10, 0)));
        assert_eq!(lag_bar(None, Some(100), 10), None);
        assert_eq!(lag_bar(Some(3), Some(0), 10), None);
    }
}

/// `text` in lines of at most `width` columns, broken between words (a word wider than the
/// line is broken where it must be).
fn prose(text: &str, width: u16, style: ratatui::style::Style) -> Vec<Line<'static>> {
    use unicode_width::UnicodeWidthStr;
    let width = usize::from(width.max(1));
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let sep = usize::from(!line.is_empty());
        if line.width() + sep + word.width() <= width {
            if sep == 1 {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        let mut rest = word;
        while rest.width() > width {
            let cut = rest
                .char_indices()
                .scan(0, |w, (i, c)| {
                    *w += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
                    Some((i + c.len_utf8(), *w))
                })
                .take_while(|&(_, w)| w <= width)
                .last()
                .map_or(rest.len().min(1), |(i, _)| i)
                .max(rest.chars().next().map_or(1, char::len_utf8));
            out.push(rest[..cut].to_string());
            rest = &rest[cut..];
        }
        line.push_str(rest);
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out.into_iter()
        .map(|l| Line::from(Span::styled(l, style)))
        .collect()
}

#[cfg(test)]
mod prose_tests {
    use super::prose;
    use ratatui::style::Style;

    fn texts(text: &str, width: u16) -> Vec<String> {
        prose(text, width, Style::default())
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.to_string()).collect())
            .collect()
    }

    #[test]
    fn sentences_wrap_between_words_and_nothing_is_lost() {
        let text = "size on disk: 1.2 TiB over all replicas (2 of 3 brokers answered)";
        let lines = texts(text, 30);
        assert!(lines.iter().all(|l| l.chars().count() <= 30), "{lines:?}");
        assert_eq!(lines.join(" "), text);
        assert_eq!(
            texts("a-very-long-word", 5),
            ["a-ver", "y-lon", "g-wor", "d"]
        );
        assert_eq!(texts("", 10), [""]);
        assert_eq!(texts("fits", 10), ["fits"]);
    }
}
