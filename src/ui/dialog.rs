//! The dialog that confirms a write: a small form over everything.

use crate::text::sanitize_inline as clean;
use crate::theme::Role;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::widgets::thousands;
use crate::app::App;
use crate::state::views::{reset_target_text, Dialog, CREATE_FIELDS};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, dialog: &Dialog) {
    let t = &app.theme;
    let muted = t.style(Role::BaseMuted);
    let confirm_hint = |name: &str| {
        let text = if crate::text::needs_escaping(name) {
            "Type its name as shown to confirm (␛ may be typed <U+001B>):"
        } else {
            "Type its name to confirm:"
        };
        Line::from(Span::styled(text, muted))
    };
    let err = t.style(Role::StatusError);
    let field = |label: &str, value: &str, active: bool| {
        Line::from(vec![
            Span::styled(
                format!("{label:>20}: "),
                if active {
                    t.style(Role::BaseTitleFocused)
                } else {
                    muted
                },
            ),
            // What was typed or pasted is drawn escaped, like everything else from outside.
            Span::styled(
                format!("{}{}", clean(value), if active { "█" } else { "" }),
                t.style(Role::BaseText),
            ),
        ])
    };
    let mut lines: Vec<Line> = Vec::new();
    let mut footer = "Enter confirms · Esc cancels";
    match dialog {
        Dialog::CreateTopic {
            fields,
            field: f,
            error,
            defaults,
        } => {
            for (i, label) in CREATE_FIELDS.iter().enumerate() {
                lines.push(field(label, &fields[i], i == *f));
            }
            let inner = area.width.saturating_sub(4).min(90).saturating_sub(2) as usize;
            for text in defaults_lines(defaults.as_ref(), inner) {
                lines.push(Line::from(Span::styled(text, muted)));
            }
            if let Some(e) = error {
                lines.push(Line::from(Span::styled(
                    format!("✖ {}", clean(&e.to_string())),
                    err,
                )));
            }
            footer = "Tab next field · Enter creates · Esc cancels";
        }
        Dialog::DeleteTopic { topic, typed } => {
            lines.push(Line::from(Span::styled(
                format!("Delete topic {} and all its records?", clean(topic)),
                err,
            )));
            lines.push(confirm_hint(topic));
            lines.push(field("name", typed, true));
            lines.push(match_line(typed, topic, muted, err));
        }
        Dialog::DeleteGroup { group, typed } => {
            lines.push(Line::from(Span::styled(
                format!(
                    "Delete consumer group {} and its committed offsets?",
                    clean(group)
                ),
                err,
            )));
            lines.push(confirm_hint(group));
            lines.push(field("name", typed, true));
            lines.push(match_line(typed, group, muted, err));
        }
        Dialog::AddPartitions {
            topic,
            current,
            input,
            error,
        } => {
            lines.push(Line::from(format!(
                "{} has {}. New total (keys will map to other partitions):",
                clean(topic),
                crate::model::count(*current as u64, "partition")
            )));
            lines.push(field("partitions", input, true));
            if let Some(e) = error {
                lines.push(Line::from(Span::styled(
                    format!("✖ {}", clean(&e.to_string())),
                    err,
                )));
            }
        }
        Dialog::EditConfig {
            topic,
            input,
            error,
        } => {
            lines.push(Line::from(format!(
                "Set a config on {}, as key=value:",
                clean(topic)
            )));
            lines.push(field("config", input, true));
            if let Some(e) = error {
                lines.push(Line::from(Span::styled(
                    format!("✖ {}", clean(&e.to_string())),
                    err,
                )));
            }
        }
        Dialog::ResetOffsets {
            detail,
            input,
            asked,
            plan,
        } => {
            lines.push(Line::from(format!(
                "Reset the offsets of {} ({}) to:",
                clean(&detail.name),
                clean(&detail.state)
            )));
            lines.push(field("earliest|latest|N|-N|+N|15m|time", input, true));
            match plan {
                None if asked.is_some() => lines.push(Line::from(Span::styled(
                    format!(
                        "planning the reset to {}…",
                        asked.map(reset_target_text).unwrap_or_default()
                    ),
                    muted,
                ))),
                None => lines.push(Line::from(Span::styled(
                    "Enter shows the old and new offsets first",
                    muted,
                ))),
                Some(Err(e)) => lines.push(Line::from(Span::styled(
                    format!("✖ {}", clean(&e.to_string())),
                    err,
                ))),
                Some(Ok(p)) => {
                    // Which plan this is, so a person sees what Enter will commit.
                    let topics: std::collections::BTreeSet<&str> =
                        p.moves.iter().map(|(t, ..)| t.as_str()).collect();
                    let topics: Vec<String> = topics.into_iter().map(clean).collect();
                    lines.push(Line::from(Span::styled(
                        format!(
                            "plan for group {} → {} on {}",
                            clean(&p.group),
                            reset_target_text(p.to),
                            topics.join(", ")
                        ),
                        t.style(Role::BaseTitleFocused),
                    )));
                    lines.push(Line::from(Span::styled(
                        format!(
                            "{:<30} {:>9} {:>12} {:>12}",
                            "topic", "partition", "old", "new"
                        ),
                        muted,
                    )));
                    for (topic, part, old, new) in &p.moves {
                        let old = old.map_or("-".into(), thousands);
                        lines.push(Line::from(format!(
                            "{:<30} {part:>9} {old:>12} {:>12}",
                            clean(topic),
                            thousands(*new)
                        )));
                    }
                    footer = "Enter applies these offsets · Esc cancels";
                }
            }
        }
    }
    let height = (lines.len() as u16 + 4).min(area.height);
    let width = area.width.saturating_sub(4).min(90);
    let popup = super::widgets::centered(area, width, height);
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(t.style(Role::BaseBorderFocused))
        .title(Span::styled(
            format!(" {} ", dialog.title()),
            t.style(Role::BaseTitleFocused),
        ))
        .title_bottom(Span::styled(format!(" {footer} "), muted));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .style(t.style(Role::BaseText)),
        popup,
    );
}

/// Under a delete's name field: whether what is typed matches yet, so a typo shows before
/// Enter.
fn match_line(typed: &str, name: &str, muted: Style, err: Style) -> Line<'static> {
    if typed.is_empty() {
        Line::default()
    } else if crate::state::views::confirms(typed, name) {
        Line::from(Span::styled("✔ matches: Enter deletes", err))
    } else if name.starts_with(typed) {
        Line::from(Span::styled("… keep typing", muted))
    } else {
        Line::from(Span::styled("✖ does not match the name", err))
    }
}

/// What empty fields of the create form get, in lines of at most `width` cells.
fn defaults_lines(
    defaults: Option<&Result<crate::model::TopicDefaults, String>>,
    width: usize,
) -> Vec<String> {
    let d = match defaults {
        None => return vec!["empty fields get the cluster's defaults: asking a broker…".into()],
        Some(Err(e)) => return vec![format!("the cluster's defaults not read: {}", clean(e))],
        Some(Ok(d)) => d,
    };
    let or_unknown = |v: &Option<String>| v.as_deref().map(clean).unwrap_or_else(|| "?".into());
    let partitions = match d.partitions.as_deref().map(str::parse::<u64>) {
        Some(Ok(n)) => crate::model::count(n, "partition"),
        _ => format!("{} partitions", or_unknown(&d.partitions)),
    };
    let mut out = vec![format!(
        "left empty: {partitions}, replication factor {} ({})",
        or_unknown(&d.replication),
        clean(&d.from)
    )];
    if let Some(note) = &d.note {
        out.push(clean(note));
    }
    if d.configs.is_empty() {
        return out;
    }
    // The inherited configs, packed several to a line.
    let mut line = "new topics get:".to_string();
    for (k, v) in &d.configs {
        let mut item = format!("{}={}", clean(k), clean(v));
        if k == "retention.ms" {
            if let Ok(ms) = v.parse::<u64>() {
                let d = humantime::format_duration(std::time::Duration::from_millis(ms));
                item.push_str(&format!(" ({d})"));
            }
        }
        if line.chars().count() + 2 + item.chars().count() > width && !line.is_empty() {
            out.push(std::mem::take(&mut line));
            line = format!("  {item}");
        } else {
            line = format!("{line}  {item}");
        }
    }
    out.push(line);
    out
}
