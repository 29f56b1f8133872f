//! The bottom line: the prompt while typing one, else a message, else the focused pane's keys.

use crate::theme::Role;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::widgets::truncate;
use crate::app::{App, Mode, PromptKind};
use crate::state::Pane;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let bar = t.style(Role::StatusBar);
    let width = area.width as usize;
    let line = match &app.mode {
        Mode::Prompt { kind, input } => {
            // Esc closes the candidate list before the prompt.
            let hint = match (kind, &app.palette) {
                (PromptKind::Command, Some(_)) => "  Enter run · Esc close list",
                _ => "  Enter apply · Esc cancel",
            };
            let prefix = match (kind, app.focus) {
                (PromptKind::Command, _) => ":",
                (PromptKind::Filter, Pane::Logs) => "search /",
                (PromptKind::Filter, _) => "filter /",
            };
            Line::from(vec![
                Span::styled(prefix.to_string(), t.style(Role::StatusKey)),
                Span::styled(
                    truncate(
                        &format!("{}█", crate::text::sanitize_inline(input)),
                        width.saturating_sub(prefix.len()),
                    ),
                    bar,
                ),
                Span::styled(hint, t.style(Role::BaseMuted).patch(bar)),
            ])
        }
        Mode::Help { .. } => Line::from(Span::styled("↑↓ scroll · Esc close help", bar)),
        Mode::Normal => match &app.message {
            Some(m) => {
                let style = if m.error {
                    t.style(Role::StatusError)
                } else {
                    t.style(Role::StatusInfo)
                };
                Line::from(Span::styled(truncate(&m.text, width), style))
            }
            None => {
                // Whole hints only: a hint cut in the middle ("Esc stop  Ctrl") reads as noise.
                let mut spans = Vec::new();
                let mut used = 0;
                for (key, desc) in app.keymap.hints(app.keys_context()) {
                    let rest = format!(" {desc}  ");
                    let w = key.width() + rest.trim_end().width();
                    if used + w > width {
                        break;
                    }
                    used += w + 2;
                    spans.push(Span::styled(key, t.style(Role::StatusKey)));
                    spans.push(Span::styled(rest, bar));
                }
                Line::from(spans)
            }
        },
    };
    frame.render_widget(Paragraph::new(line).style(bar), area);
}
