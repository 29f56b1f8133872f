//! The `:connect` view: one line per Connect cluster (answered, waiting, or why not), the
//! connectors (type, class, state, worker, tasks, topics), the selected one's detail (config,
//! topics, stack traces; scrollable), the plugins, the delete / task prompts and the editor.

use crate::action::Action;
use crate::keymap::Context;
use crate::theme::Role;
use std::time::Instant;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row as TRow, Table, Wrap};
use ratatui::Frame;

use crate::app::App;
use crate::connect::{Connector, State};
use crate::state::connect::{task_states, worst, ConnectView, EditorStatus, PromptKind, Row};
use crate::text::sanitize_inline as clean;

fn state_style(app: &App, s: &State) -> Style {
    match s {
        State::Running => app.theme.style(Role::HeaderOk),
        State::Failed => app.theme.style(Role::StatusError),
        State::Paused | State::Stopped | State::Unassigned | State::Restarting => {
            app.theme.style(Role::HeaderWarn)
        }
        State::Other(_) => app.theme.style(Role::BaseText),
    }
}

fn secs(at: Instant) -> String {
    format!("{}s", at.elapsed().as_secs())
}

/// One line per cluster: how it answered.
fn cluster_lines(app: &App, v: &ConnectView) -> Vec<Line<'static>> {
    let t = &app.theme;
    v.clusters
        .iter()
        .map(|c| {
            let mut spans = vec![Span::styled(clean(&c.name), t.style(Role::BaseTitle))];
            if !c.url.is_empty() && !c.url.ends_with(c.name.as_str()) {
                spans.push(Span::styled(
                    format!(" {}", clean(&c.url)),
                    t.style(Role::BaseMuted),
                ));
            }
            spans.push(Span::raw("  "));
            match &c.last {
                None => spans.push(Span::styled("asking…", t.style(Role::BaseMuted))),
                Some(Ok(l)) => spans.push(Span::styled(
                    format!(
                        "✔ {} connector{}",
                        l.len(),
                        if l.len() == 1 { "" } else { "s" }
                    ),
                    t.style(Role::HeaderOk),
                )),
                Some(Err(e)) => spans.push(Span::styled(
                    format!("✖ {}", clean(e)),
                    t.style(Role::StatusError),
                )),
            }
            if let Some(at) = c.at {
                spans.push(Span::styled(
                    format!(" · {} ago", secs(at)),
                    t.style(Role::BaseMuted),
                ));
            }
            // A request out for more than a second: the worker is slow, say so.
            if let Some(since) = c.asking_since.filter(|s| s.elapsed().as_secs() >= 1) {
                spans.push(Span::styled(
                    format!(" · waiting for an answer for {}", secs(since)),
                    t.style(Role::HeaderWarn),
                ));
            }
            Line::from(spans)
        })
        .collect()
}

struct Areas {
    clusters: Rect,
    body: Rect,
    detail: Option<Rect>,
    foot: Rect,
}

fn areas(v: &ConnectView, inner: Rect) -> Areas {
    let n = v.clusters.len().min(4) as u16;
    let rows = Layout::vertical([
        Constraint::Length(n),
        Constraint::Min(3),
        Constraint::Length(2),
    ])
    .split(inner);
    let (body, detail) = if v.detail && v.editor.is_none() && !v.plugins_open {
        let parts =
            Layout::vertical([Constraint::Percentage(35), Constraint::Min(3)]).split(rows[1]);
        (parts[0], Some(parts[1]))
    } else {
        (rows[1], None)
    };
    Areas {
        clusters: rows[0],
        body,
        detail,
        foot: rows[2],
    }
}

pub fn draw(frame: &mut Frame, inner: Rect, app: &App, v: &ConnectView) {
    let a = areas(v, inner);
    frame.render_widget(Paragraph::new(cluster_lines(app, v)), a.clusters);
    if let Some(ed) = &v.editor {
        editor(frame, a.body.union(a.foot), app, v, ed);
        return;
    }
    if v.plugins_open {
        plugins(frame, a.body, app, v);
    } else {
        connectors(frame, a.body, app, v);
    }
    if let Some(d) = a.detail {
        let lines = detail_lines(app, v);
        let max = last_page(lines.len(), d);
        app.reach.view.measured(app.view_reach_key(), max.into());
        let scroll = v.detail_scroll.min(max);
        let block = Block::default()
            .borders(Borders::TOP)
            .border_style(app.theme.style(Role::BaseBorder))
            .title(" detail · ↑↓ scroll · Enter/Esc close ");
        frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), d);
    }
    let t = &app.theme;
    let foot = match &v.prompt {
        Some(p) => {
            let ask = match p.kind {
                PromptKind::Delete => format!("delete {}? type its name: ", clean(&p.name)),
                PromptKind::RestartTask => format!("restart which task of {}? ", clean(&p.name)),
            };
            let mut l = vec![Line::from(vec![
                Span::styled(ask, t.style(Role::HeaderWarn)),
                Span::raw(format!("{}▏", clean(&p.input))),
                Span::styled("  Enter confirms · Esc cancels", t.style(Role::BaseMuted)),
            ])];
            if let Some(e) = &p.error {
                l.push(Line::from(Span::styled(
                    clean(e),
                    t.style(Role::StatusError),
                )));
            }
            l
        }
        None => {
            let keys = format!(
                "{} · {} back",
                app.keymap.footer(Context::ConnectView),
                app.key(Context::Global, Action::Back)
            );
            vec![Line::from(Span::styled(keys, t.style(Role::BaseMuted)))]
        }
    };
    frame.render_widget(Paragraph::new(foot).wrap(Wrap { trim: true }), a.foot);
}

fn last_page(lines: usize, area: Rect) -> u16 {
    lines
        .saturating_sub(area.height.saturating_sub(1) as usize)
        .min(u16::MAX as usize) as u16
}

fn topics_text(c: &Connector) -> String {
    match &c.topics {
        Some(t) if t.is_empty() => "-".into(),
        Some(t) => t.join(","),
        None => "?".into(),
    }
}

fn connectors(frame: &mut Frame, area: Rect, app: &App, v: &ConnectView) {
    let t = &app.theme;
    let multi = v.clusters.len() > 1;
    let rows: Vec<TRow> = v
        .rows()
        .into_iter()
        .map(|r| match r {
            Row::Connector(c, k) => {
                let mut cells = Vec::new();
                if multi {
                    cells.push(Cell::from(clean(&c.name)));
                }
                cells.extend([
                    Cell::from(clean(&k.name)),
                    Cell::from(k.kind.as_str()),
                    Cell::from(Span::styled(
                        k.state.as_str().to_string(),
                        state_style(app, &k.state),
                    )),
                    Cell::from(Span::styled(
                        clean(&task_states(k)),
                        state_style(app, worst(k)),
                    )),
                    Cell::from(clean(&k.worker_id)),
                    Cell::from(clean(&k.class)),
                    Cell::from(clean(&topics_text(k))),
                ]);
                TRow::new(cells)
            }
            Row::Cluster(c) => {
                let text = match &c.last {
                    None => "(asking…)".to_string(),
                    Some(Ok(_)) => "(none)".to_string(),
                    Some(Err(_)) => "(no answer)".to_string(),
                };
                let mut cells = Vec::new();
                if multi {
                    cells.push(Cell::from(clean(&c.name)));
                }
                cells.push(Cell::from(Span::styled(text, t.style(Role::BaseMuted))));
                TRow::new(cells)
            }
        })
        .collect();
    let mut header = vec![
        "Connector",
        "Type",
        "State",
        "Tasks",
        "Worker",
        "Class",
        "Topics",
    ];
    // The name, tasks and worker columns as wide as their longest value (within reason):
    // a name cut short is a name that cannot be told from its neighbour.
    let widest = |f: &dyn Fn(&Connector) -> usize, min: usize, max: usize| {
        let w = v
            .rows()
            .iter()
            .filter_map(|r| r.connector().map(|(_, k)| f(k)))
            .max()
            .unwrap_or(min);
        Constraint::Length(w.clamp(min, max) as u16)
    };
    let mut widths = vec![
        widest(&|k| k.name.chars().count(), 10, 48),
        Constraint::Length(7),
        Constraint::Length(11),
        widest(&|k| task_states(k).chars().count(), 5, 30),
        widest(&|k| k.worker_id.chars().count(), 6, 22),
        Constraint::Min(14),
        Constraint::Min(10),
    ];
    if multi {
        header.insert(0, "Cluster");
        let w = v
            .clusters
            .iter()
            .map(|c| c.name.chars().count())
            .max()
            .unwrap_or(7);
        widths.insert(0, Constraint::Length(w.clamp(7, 24) as u16));
    }
    let n = rows.len();
    let table = Table::new(rows, widths)
        .header(TRow::new(header).style(t.style(Role::BaseMuted)))
        .row_highlight_style(t.style(Role::BaseSelected));
    let mut state = super::widgets::view_table_state(app, area, n, v.selected);
    frame.render_stateful_widget(table, area, &mut state);
}

fn detail_lines(app: &App, v: &ConnectView) -> Vec<Line<'static>> {
    let t = &app.theme;
    let muted = t.style(Role::BaseMuted);
    let Some((cluster, c)) = v.selected_connector() else {
        return vec![Line::from(Span::styled("no connector selected", muted))];
    };
    let mut out = vec![Line::from(vec![
        Span::styled(clean(&c.name), t.style(Role::BaseTitle)),
        Span::styled(format!("  on {}", clean(&cluster)), muted),
        Span::raw("  "),
        Span::styled(c.state.as_str().to_string(), state_style(app, &c.state)),
        Span::styled(format!("  worker {}", clean(&c.worker_id)), muted),
    ])];
    for task in &c.tasks {
        out.push(Line::from(vec![
            Span::raw(format!("  task {} ", task.id)),
            Span::styled(
                task.state.as_str().to_string(),
                state_style(app, &task.state),
            ),
            Span::styled(format!("  {}", clean(&task.worker_id)), muted),
        ]));
    }
    out.push(Line::from(vec![
        Span::styled("topics: ", muted),
        Span::raw(clean(&topics_text(&c))),
    ]));
    for (label, trace) in c.traces() {
        out.push(Line::from(Span::styled(
            format!("{label} failed with:"),
            t.style(Role::StatusError),
        )));
        for l in trace.lines() {
            // Tabs in a Java stack trace: two spaces keep it readable and one cell wide each.
            out.push(Line::from(clean(&l.replace('\t', "  "))));
        }
    }
    out.push(Line::from(Span::styled("config:", muted)));
    for (k, val) in &c.config {
        let shown = if crate::config::is_secret(k) {
            "********".to_string()
        } else {
            clean(val)
        };
        out.push(Line::from(format!("  {} = {shown}", clean(k))));
    }
    out
}

fn plugins(frame: &mut Frame, area: Rect, app: &App, v: &ConnectView) {
    let t = &app.theme;
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "Connector plugins (↑↓ scroll · {} or {} closes)",
            app.key(Context::ConnectView, Action::TogglePlugins),
            app.key(Context::Global, Action::Back)
        ),
        t.style(Role::BaseTitle),
    ))];
    match &v.plugins {
        None => lines.push(Line::from(Span::styled(
            "asking the workers…",
            t.style(Role::BaseMuted),
        ))),
        Some(all) => {
            for tagged in all {
                lines.push(Line::from(Span::styled(
                    clean(&tagged.cluster),
                    t.style(Role::BaseTitle),
                )));
                match &tagged.result {
                    Ok(list) => {
                        for p in list {
                            lines.push(Line::from(format!(
                                "  {:<7} {}  {}",
                                clean(&p.kind),
                                clean(&p.class),
                                clean(p.version.as_deref().unwrap_or(""))
                            )))
                        }
                    }
                    Err(e) => lines.push(Line::from(Span::styled(
                        format!("  ✖ {}", clean(&e.to_string())),
                        t.style(Role::StatusError),
                    ))),
                }
            }
        }
    }
    // A worker with many plugins (Confluent Hub's) lists more than a screen: it scrolls.
    let max = last_page(lines.len(), area);
    app.reach.view.measured(app.view_reach_key(), max.into());
    let scroll = v.detail_scroll.min(max);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), area);
}

fn editor(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    _v: &ConnectView,
    ed: &crate::state::connect::Editor,
) {
    let t = &app.theme;
    let (verdict, n): (Vec<Line>, u16) = match &ed.status {
        EditorStatus::Editing => (
            vec![Line::from(Span::styled(
                "Ctrl+S: validate with the worker, then save · Esc: close without saving",
                t.style(Role::BaseMuted),
            ))],
            1,
        ),
        EditorStatus::Validating => (
            vec![Line::from(Span::styled(
                "asking the worker to validate…",
                t.style(Role::BaseMuted),
            ))],
            1,
        ),
        EditorStatus::Invalid(e) | EditorStatus::Failed(e) => (
            vec![Line::from(Span::styled(
                format!("✖ {}", clean(e)),
                t.style(Role::StatusError),
            ))],
            2,
        ),
        EditorStatus::Saved(m) => (
            vec![Line::from(Span::styled(
                format!("✔ {}", clean(m)),
                t.style(Role::HeaderOk),
            ))],
            1,
        ),
        EditorStatus::Errors(by_field) => {
            let mut l = vec![Line::from(Span::styled(
                "the worker's validation failed:",
                t.style(Role::StatusError),
            ))];
            for (field, errs) in by_field {
                for e in errs {
                    l.push(Line::from(vec![
                        Span::styled(format!("  {}: ", clean(field)), t.style(Role::HeaderWarn)),
                        Span::raw(clean(e)),
                    ]));
                }
            }
            let n = l.len().min(10) as u16;
            (l, n)
        }
    };
    let parts = Layout::vertical([Constraint::Min(3), Constraint::Length(n)]).split(area);
    let mut ta = ed.text.0.clone();
    let title = if ed.update {
        format!(" edit connector on {} ", clean(&ed.cluster))
    } else {
        format!(" new connector on {} ", clean(&ed.cluster))
    };
    ta.set_block(
        Block::default()
            .borders(Borders::TOP)
            .border_style(t.style(Role::BaseBorderFocused))
            .title(title),
    );
    frame.render_widget(&ta, parts[0]);
    frame.render_widget(Paragraph::new(verdict).wrap(Wrap { trim: false }), parts[1]);
}
