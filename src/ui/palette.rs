//! The `:` palette: the candidate list above the command line, matched characters
//! highlighted, the chosen one reversed.

use crate::theme::Role;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::widgets::truncate;
use crate::app::App;
use crate::state::palette::{Candidate, Hit, Palette};
use crate::text::sanitize_inline as clean;

/// Rows of candidates shown at most on a short screen; a tall one shows up to two fifths of
/// its body. The list scrolls to keep the chosen one in view.
pub const MAX_ROWS: usize = 10;
/// Widest the box grows, in columns, unless three quarters of a wider terminal are more.
const MAX_WIDTH: usize = 110;
/// The label column never takes more than this share of the box, so descriptions show.
const LABEL_SHARE: usize = 2;

/// Where the list goes: its bottom on the row above the status line, left-aligned under
/// the `:`, within `body` (the rows between the header and the status line). `None` when
/// the body is too short for a border and one row.
pub fn area(body: Rect, p: &Palette) -> Option<Rect> {
    if body.height < 3 || body.width < 10 {
        return None;
    }
    let most = MAX_ROWS.max(usize::from(body.height) * 2 / 5);
    let rows = p.hits.len().clamp(1, most) as u16;
    let height = (rows + 2).min(body.height);
    let content = p
        .hits
        .iter()
        .map(|h| {
            let c = &p.candidates[h.index];
            c.label().width() + 2 + c.desc.width() + c.color.as_ref().map_or(0, |n| n.width() + 4)
        })
        .max()
        .unwrap_or(0)
        .max(36);
    let widest = MAX_WIDTH.max(usize::from(body.width) * 3 / 4);
    let width = (content + 5).min(widest).min(body.width as usize) as u16;
    Some(Rect::new(body.x, body.bottom() - height, width, height))
}

pub fn draw(frame: &mut Frame, body: Rect, app: &App, p: &Palette) {
    let Some(area) = area(body, p) else {
        return;
    };
    let t = &app.theme;
    let muted = t.style(Role::BaseMuted);
    // The chosen row stays in view: the list scrolls by as much as needed.
    let visible = area.height.saturating_sub(2) as usize;
    let offset = (p.selected.unwrap_or(0) + 1).saturating_sub(visible);
    let count = match p.hits.len() {
        n if n == p.candidates.len() => format!("{n}"),
        n => format!("{n} of {}", p.candidates.len()),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(t.style(Role::BaseBorderFocused))
        .title(Span::styled(
            format!(" {} · {count} ", p.title),
            t.style(Role::BaseTitleFocused),
        ))
        .title_bottom(Span::styled(
            match p.hits.len().saturating_sub(offset + visible) {
                0 => " Tab take · ↑↓ choose · Esc close ".to_string(),
                more => format!(" ↓ {more} more · Tab take · ↑↓ choose · Esc close "),
            },
            muted,
        ));
    frame.render_widget(Clear, area);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let width = inner.width as usize;
    if p.hits.is_empty() {
        let why = if p.candidates.is_empty() {
            format!("no {} known yet", p.title)
        } else {
            format!("nothing matches {:?}", clean(&p.query))
        };
        frame.render_widget(
            Paragraph::new(Span::styled(truncate(&why, width), muted)),
            inner,
        );
        return;
    }
    let widest = |f: &dyn Fn(&Candidate) -> usize| {
        p.hits
            .iter()
            .map(|h| f(&p.candidates[h.index]))
            .max()
            .unwrap_or(0)
    };
    // Labels whole where the descriptions leave room, else at most half the box.
    let desc_w = widest(&|c| c.desc.width() + c.color.as_ref().map_or(0, |n| n.width() + 4));
    let label_w = widest(&|c| clean(&c.label()).width())
        .min(width.saturating_sub(desc_w + 3).max(width / LABEL_SHARE));
    let lines: Vec<Line> = p
        .hits
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible)
        .map(|(i, h)| {
            let mut line = row(app, p, h, label_w, width);
            // The chosen row is a bar across the box.
            let pad = width.saturating_sub(line.width());
            line.spans.push(Span::raw(" ".repeat(pad)));
            if p.selected == Some(i) {
                line = line.patch_style(t.style(Role::BaseSelected));
            }
            line
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// One candidate: its label (matched characters highlighted) padded to `label_w`, then its
/// description, then its colour named in that colour.
fn row<'a>(app: &App, p: &Palette, h: &Hit, label_w: usize, width: usize) -> Line<'a> {
    let t = &app.theme;
    let c = &p.candidates[h.index];
    // The key colour without its bar background, which would break the chosen row's bar.
    let base = t.style(Role::BaseText);
    let hit = Style {
        fg: t.style(Role::StatusKey).fg,
        ..Style::default()
    }
    .add_modifier(Modifier::BOLD);
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    let mut run = String::new();
    let mut run_hit = false;
    let label = c.label();
    // Room for the label, less one column for `…` when it does not fit whole.
    let room = if clean(&label).width() > label_w {
        label_w.saturating_sub(1)
    } else {
        label_w
    };
    for (i, ch) in label.chars().enumerate() {
        let shown = clean(&ch.to_string());
        let w = shown.width();
        if used + w > room + 1 {
            run.push('…');
            used += 1;
            break;
        }
        let is_hit = h.chars.binary_search(&(i as u32)).is_ok();
        if is_hit != run_hit && !run.is_empty() {
            spans.push(Span::styled(
                std::mem::take(&mut run),
                if run_hit { hit } else { base },
            ));
        }
        run_hit = is_hit;
        run.push_str(&shown);
        used += w;
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, if run_hit { hit } else { base }));
    }
    let pad = (label_w + 3).saturating_sub(used);
    spans.push(Span::raw(" ".repeat(pad)));
    used += pad;
    let swatch = c.color.as_ref().map(|n| format!("  ■ {}", clean(n)));
    let room = width.saturating_sub(used + swatch.as_ref().map_or(0, |s| s.width()));
    spans.push(Span::styled(
        truncate(&clean(&c.desc), room),
        t.style(Role::BaseMuted),
    ));
    if let (Some(s), Some(name)) = (swatch, &c.color) {
        let style = match name.parse::<Color>() {
            Ok(col) if !t.no_color => Style::default().fg(col),
            _ => base,
        };
        spans.push(Span::styled(
            truncate(&s, width.saturating_sub(used)),
            style,
        ));
    }
    Line::from(spans)
}
