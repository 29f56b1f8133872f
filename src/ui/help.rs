//! The `?` screen, generated from the key table and the command table so it can never
//! disagree with them.

use crate::theme::Role;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};
use ratatui::Frame;

use super::widgets::wrap_words;
use crate::app::command::COMMANDS;
use crate::app::App;
use crate::keymap::{keys_label, ALL_CONTEXTS};
use unicode_width::UnicodeWidthStr;

/// Columns of the key column and of the command column (with the 2-column indent).
const KEY_COL: usize = 18;
const COMMAND_COL: usize = 24;

/// The help's lines for an inner width of `width` columns: every entry whole, its description
/// wrapped under itself (never cut), a usage wider than its column on a line of its own.
pub fn lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let t = &app.theme;
    let width = usize::from(width);
    let mut out = Vec::new();
    for ctx in ALL_CONTEXTS {
        for row in wrap_words(ctx.title(), width) {
            out.push(Line::from(Span::styled(
                row,
                t.style(Role::BaseTitleFocused),
            )));
        }
        for b in app.keymap.of(ctx) {
            entry(
                &mut out,
                (keys_label(b), t.style(Role::StatusKey)),
                (b.desc.to_string(), t.style(Role::BaseText)),
                KEY_COL,
                width,
            );
        }
        out.push(Line::default());
    }
    for row in wrap_words("Commands (:)", width) {
        out.push(Line::from(Span::styled(
            row,
            t.style(Role::BaseTitleFocused),
        )));
    }
    // The prompt's keys live in app/input.rs, not the key table: said here in one line.
    for row in wrap_words(
        "Tab: list (fuzzy) · ↑↓ choose · Tab take · Enter run · Esc close list",
        width.saturating_sub(2),
    ) {
        out.push(Line::from(Span::styled(
            format!("  {row}"),
            t.style(Role::BaseMuted),
        )));
    }
    // The command table itself: a command cannot be added without its help line.
    for cmd in COMMANDS {
        let usage = format!(":{} {}", cmd.name, cmd.usage);
        let mut desc = cmd.desc.to_string();
        if !cmd.aliases.is_empty() {
            let aliases: Vec<String> = cmd.aliases.iter().map(|a| format!(":{a}")).collect();
            desc.push_str(&format!(" (also {})", aliases.join(" ")));
        }
        entry(
            &mut out,
            (usage.trim_end().to_string(), t.style(Role::StatusKey)),
            (desc, t.style(Role::BaseText)),
            COMMAND_COL,
            width,
        );
    }
    out
}

/// One entry: `left` in a column of `col` (indented 2), `desc` beside it, wrapped at `width`
/// with its rows under one another. A `left` that leaves no room takes a line of its own.
fn entry(
    out: &mut Vec<Line<'static>>,
    (left, left_style): (String, ratatui::style::Style),
    (desc, desc_style): (String, ratatui::style::Style),
    col: usize,
    width: usize,
) {
    // Narrower than the columns need: desc goes under left, indented 4.
    let col = if width >= col + 20 { col } else { 4 };
    let room = width.saturating_sub(col).max(1);
    let rows = wrap_words(&desc, room);
    let left_w = 2 + left.width();
    let mut rows = rows.into_iter();
    if left_w < col {
        let first = rows.next().unwrap_or_default();
        out.push(Line::from(vec![
            Span::styled(format!("  {left}{}", " ".repeat(col - left_w)), left_style),
            Span::styled(first, desc_style),
        ]));
    } else {
        for piece in wrap_words(&left, width.saturating_sub(2).max(1)) {
            out.push(Line::from(Span::styled(format!("  {piece}"), left_style)));
        }
    }
    for row in rows {
        out.push(Line::from(vec![
            Span::raw(" ".repeat(col)),
            Span::styled(row, desc_style),
        ]));
    }
}

/// Where the help is drawn. Small screens get the whole area: side strips of the panes behind
/// only add noise. Wide ones give it up to 3/4 of their width, so fewer lines wrap.
fn popup(area: Rect) -> Rect {
    let w = if area.width < 90 {
        area.width
    } else {
        (area.width * 3 / 4).clamp(84, 120)
    };
    let h = if area.height < 20 {
        area.height
    } else {
        area.height - 2
    };
    super::widgets::centered(area, w, h)
}

/// How far the help scrolls in a terminal of `size`: its last row at the bottom.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, scroll: u16) {
    let popup = popup(area);
    let lines = lines(app, popup.width.saturating_sub(2));
    // Its last row at the bottom, never past it.
    let max = lines
        .len()
        .saturating_sub(popup.height.saturating_sub(2).into());
    app.reach.help.measured(0, max);
    let scroll = scroll.min(max.min(usize::from(u16::MAX)) as u16);
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(app.theme.style(Role::BaseBorderFocused))
        .title(Span::styled(
            " Keys (Esc closes, ↑↓ scroll) ",
            app.theme.style(Role::BaseTitleFocused),
        ));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((scroll, 0))
            .style(app.theme.style(Role::BaseText)),
        popup,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    /// No line is wider than the help at any width, and from 30 columns on every description
    /// is there whole, word for word, in order: wrapped under itself, never cut.
    #[test]
    fn every_entry_is_whole_and_fits_at_any_width() {
        let app = App::detached_for_tests();
        for width in [12u16, 30, 40, 60, 78, 82, 118] {
            let rows = text(&lines(&app, width));
            for r in &rows {
                assert!(r.width() <= usize::from(width), "{width}: {r:?}");
            }
            if width < 30 {
                continue; // words wider than a row are broken there: fitting is what counts
            }
            let words: Vec<&str> = rows.iter().flat_map(|r| r.split_whitespace()).collect();
            for cmd in COMMANDS {
                let want: Vec<&str> = cmd.desc.split_whitespace().collect();
                assert!(
                    words.windows(want.len()).any(|w| w == want.as_slice()),
                    "{width}: :{} description not whole:\n{}",
                    cmd.name,
                    rows.join("\n")
                );
            }
            for ctx in ALL_CONTEXTS {
                for b in app.keymap.of(ctx) {
                    let want: Vec<&str> = b.desc.split_whitespace().collect();
                    assert!(
                        words.windows(want.len()).any(|w| w == want.as_slice()),
                        "{width}: {:?} not whole",
                        b.desc
                    );
                }
            }
        }
    }

    #[test]
    fn a_usage_wider_than_its_column_takes_a_line_of_its_own() {
        let app = App::detached_for_tests();
        let rows = text(&lines(&app, 100));
        let tail = rows
            .iter()
            .position(|r| r.trim_start().starts_with(":tail "))
            .expect(":tail listed");
        // Its description starts on the next line, under the description column.
        assert!(
            !rows[tail].contains("tail topics"),
            "usage and description run together: {:?}",
            rows[tail]
        );
        assert!(
            rows[tail + 1].starts_with(&" ".repeat(COMMAND_COL)),
            "{:?}",
            rows[tail + 1]
        );
    }
}
