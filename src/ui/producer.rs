//! The producer pane: key, headers and value editors, and the last delivery report.

use crate::action::Action;
use crate::keymap::Context;
use crate::text::sanitize_inline as clean;
use crate::theme::Role;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::widgets::{pane_block, truncate};
use crate::app::App;
use crate::state::producer::{Field, ProduceStatus};
use crate::state::Pane;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, focused: bool) {
    let t = &app.theme;
    let p = &app.producer;
    let target = match app.target_topic() {
        Some(topic) => Span::styled(
            format!("→ {} ", clean(&topic)),
            t.style(Role::BaseTitleFocused),
        ),
        None => Span::styled("→ no topic ", t.style(Role::StatusError)),
    };
    let mut title = vec![target];
    if let Some(partition) = p.partition {
        // `:partition N`: said beside the topic, so a record never goes there unnoticed.
        title.push(Span::styled(
            format!("partition {partition} "),
            t.style(Role::BaseTitleFocused),
        ));
    }
    if let Some((subject, version)) = &app.schemas.produce_as {
        // The value is JSON encoded with this subject's schema when published (`:schema`).
        let message = match &app.schemas.produce_message {
            Some(m) => format!("{} ", clean(m)),
            None => String::new(),
        };
        title.push(Span::styled(
            format!("as {} {version} {message}", clean(subject)),
            t.style(Role::BaseTitleFocused),
        ));
    }
    let block = pane_block(app, Pane::Producer, focused, title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 {
        return;
    }
    let report: Line = match p.status.report() {
        Some((text, error)) => Line::from(Span::styled(
            text,
            t.style(if error {
                Role::StatusError
            } else if matches!(p.status, ProduceStatus::Done(_)) {
                Role::StatusInfo
            } else {
                Role::BaseMuted
            }),
        )),
        None if !p.editing && focused => Line::from(Span::styled(
            format!(
                "{} to type · {} publishes",
                app.key(Context::Producer, Action::Edit),
                app.key(Context::Producer, Action::Publish)
            ),
            t.style(Role::BaseMuted),
        )),
        None => Line::from(Span::styled(
            format!("{} sent", p.sent),
            t.style(Role::BaseMuted),
        )),
    };
    let mut report = report;
    if !p.unsent.is_empty() {
        // Failed records are never dropped: say how many wait, and how to get them back.
        report.spans.insert(
            0,
            Span::styled(
                format!("{} unsent (Ctrl+R) · ", p.unsent.len()),
                t.style(Role::StatusError),
            ),
        );
    }
    // Key 1 row, headers 2, value the rest, report 1; squeezed panes drop headers first. The
    // report takes the rows its text needs (a broker's reason comes last and is what matters),
    // from the headers first, keeping the key and a row of value.
    let (key_h, mut hdr_h) = if inner.height >= 6 {
        (1, 2)
    } else if inner.height >= 4 {
        (1, 1)
    } else {
        (0, 0)
    };
    let needed = wrapped_rows(&report, inner.width);
    let room = |hdr_h: u16| inner.height.saturating_sub(key_h + hdr_h + 1).max(1);
    while hdr_h > 0 && needed > room(hdr_h) {
        hdr_h -= 1;
    }
    let report_h = needed.min(room(hdr_h));
    let [key_a, hdr_a, val_a, report_a] = Layout::vertical([
        Constraint::Length(key_h),
        Constraint::Length(hdr_h),
        Constraint::Min(1),
        Constraint::Length(report_h),
    ])
    .areas(inner);
    let label_w = 8u16.min(inner.width / 3);
    for (field, a, label) in [
        (Field::Key, key_a, "key"),
        (Field::Headers, hdr_a, "headers"),
        (Field::Value, val_a, "value"),
    ] {
        if a.height == 0 {
            continue;
        }
        let [label_a, edit_a] =
            Layout::horizontal([Constraint::Length(label_w), Constraint::Min(1)]).areas(a);
        let active = focused && p.editing && p.field == field;
        let label_style = if active {
            t.style(Role::BaseTitleFocused)
        } else {
            t.style(Role::BaseMuted)
        };
        frame.render_widget(
            Paragraph::new(truncate(label, label_w as usize)).style(label_style),
            label_a,
        );
        let editor = p.editor(field);
        if editor.is_empty() && !active {
            let publish;
            let hint = match field {
                Field::Key => "(none)",
                Field::Headers => "name=value, one per line",
                Field::Value => {
                    publish = format!(
                        "type a value; {} publishes",
                        app.key(Context::Editing, Action::Publish)
                    );
                    &publish
                }
            };
            frame.render_widget(
                Paragraph::new(truncate(hint, edit_a.width as usize))
                    .style(t.style(Role::BaseMuted)),
                edit_a,
            );
            continue;
        }
        // Only the rows that fit are looked at: a 100 KB paste costs no more per frame than a
        // line, and the editors are drawn from the state, never copied.
        let rows = edit_a.height as usize;
        let visible = &editor.lines()[..editor.lines().len().min(rows.max(1))];
        if active
            && !editor
                .lines()
                .iter()
                .any(|l| crate::text::needs_escaping(l))
        {
            // The editor with its cursor (its styles are set once, in state::producer).
            frame.render_widget(editor, edit_a);
        } else {
            // Not being typed in: the text without a cursor. Control, bidi or invisible
            // characters (pasted text) are shown escaped; what is sent is what was typed.
            let shown: Vec<Line> = visible
                .iter()
                .map(|l| {
                    Line::from(clean(
                        &l.chars()
                            .take(edit_a.width as usize * 2)
                            .collect::<String>(),
                    ))
                })
                .collect();
            let style = if active {
                t.style(Role::BaseText).add_modifier(Modifier::UNDERLINED)
            } else {
                t.style(Role::BaseText)
            };
            frame.render_widget(Paragraph::new(shown).style(style), edit_a);
        }
    }
    frame.render_widget(Paragraph::new(report).wrap(Wrap { trim: true }), report_a);
}

/// Rows `line` takes when word-wrapped to `width`, as `Wrap { trim: true }` breaks it: words
/// go whole onto the next row, a word wider than a row is cut across rows.
fn wrapped_rows(line: &Line, width: u16) -> u16 {
    use unicode_width::UnicodeWidthStr;
    let width = usize::from(width.max(1));
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let (mut rows, mut used) = (1usize, 0usize);
    for word in text.split_whitespace() {
        let w = word.width();
        let gap = usize::from(used > 0);
        if used + gap + w <= width {
            used += gap + w;
        } else {
            if used > 0 {
                rows += 1;
            }
            rows += (w.max(1) - 1) / width;
            used = (w - 1) % width + 1;
        }
    }
    u16::try_from(rows).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_of_a_wrapped_report() {
        let l = |s: &str| Line::from(s.to_string());
        assert_eq!(wrapped_rows(&l(""), 10), 1);
        assert_eq!(wrapped_rows(&l("aaaa bbbb"), 9), 1);
        assert_eq!(wrapped_rows(&l("aaaa bbbb"), 8), 2);
        assert_eq!(wrapped_rows(&l("aaaa bbbbbbbbbbbbbbbbbbbb"), 10), 3);
        // A zero-width pane wraps as one column: every character a row.
        assert_eq!(wrapped_rows(&l("✖ not delivered"), 0), 13);
    }
}
