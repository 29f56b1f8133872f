//! The top line: whether we can reach the cluster, then which cluster it is. The state comes
//! first so that a narrow terminal, which cuts the end, never hides it.

use crate::text::sanitize_inline as clean;
use crate::theme::Role;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::widgets::truncate;
use crate::app::{App, Connection};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let bar = t.style(Role::HeaderBar);
    let c = &app.cluster;
    let label_style = match super::widgets::cluster_accent(app) {
        Some(color) => bar.fg(color).add_modifier(Modifier::BOLD),
        None => bar,
    };
    let mut spans = vec![
        Span::styled(" kafka-tui ", t.style(Role::HeaderOk)),
        Span::styled("│ ", bar),
    ];
    match &c.connection {
        Connection::Connecting => {
            let text = match &c.last_error {
                Some(e) => format!("connecting… {}", clean(&e.detail)),
                None => "connecting…".into(),
            };
            spans.push(Span::styled(text, t.style(Role::HeaderWarn)));
        }
        Connection::Connected { brokers } => {
            let plural = if *brokers == 1 { "" } else { "s" };
            spans.push(Span::styled(
                format!("● connected, {brokers} broker{plural}"),
                t.style(Role::HeaderOk),
            ));
        }
        Connection::Unreachable(_) => {
            spans.push(Span::styled(
                "✖ disconnected, retrying",
                t.style(Role::HeaderError),
            ));
        }
    }
    spans.push(Span::styled(" │ ", bar));
    spans.push(Span::styled(
        format!("{} {}", clean(&c.label), clean(&c.address)),
        label_style,
    ));
    if app.read_only {
        spans.push(Span::styled(" READ-ONLY", t.style(Role::HeaderWarn)));
    }
    if let Connection::Connected { .. } = c.connection {
        spans.push(Span::styled(
            format!(
                " │ {}",
                crate::model::count(app.topics.all().len() as u64, "topic")
            ),
            bar,
        ));
    }
    // Why we cannot reach it comes last: long, and also shown in the Topics pane.
    if let Some(problem) = c.problem() {
        spans.push(Span::styled(
            format!(" │ {}", clean(&problem)),
            t.style(Role::HeaderError),
        ));
    }
    if let Some((engine, caps)) = &c.embedded {
        let zk = if caps.zookeeper { "" } else { ", no ZooKeeper" };
        spans.push(Span::styled(
            format!(" │ {engine}{zk}"),
            t.style(Role::BaseMuted).patch(bar),
        ));
    }
    let width = area.width as usize;
    // Cut span by span so the line never overflows into a wrap.
    let mut used = 0;
    let mut fitted = Vec::new();
    for s in spans {
        let w = unicode_width::UnicodeWidthStr::width(s.content.as_ref());
        if used + w <= width {
            used += w;
            fitted.push(s);
        } else {
            let room = width.saturating_sub(used);
            if room > 1 {
                fitted.push(Span::styled(truncate(&s.content, room), s.style));
            }
            break;
        }
    }
    frame.render_widget(Paragraph::new(Line::from(fitted)).style(bar), area);
}
