//! The `?` screen, generated from the key table and the command table so it can never
//! disagree with them.

use crate::theme::Role;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};
use ratatui::Frame;

use crate::app::command::COMMANDS;
use crate::app::App;
use crate::keymap::{keys_label, ALL_CONTEXTS};

pub fn lines(app: &App) -> Vec<Line<'static>> {
    let t = &app.theme;
    let mut out = Vec::new();
    for ctx in ALL_CONTEXTS {
        out.push(Line::from(Span::styled(
            ctx.title().to_string(),
            t.style(Role::BaseTitleFocused),
        )));
        for b in app.keymap.of(ctx) {
            out.push(Line::from(vec![
                Span::styled(format!("  {:<16}", keys_label(b)), t.style(Role::StatusKey)),
                Span::styled(b.desc.to_string(), t.style(Role::BaseText)),
            ]));
        }
        out.push(Line::default());
    }
    out.push(Line::from(Span::styled(
        "Commands (:)",
        t.style(Role::BaseTitleFocused),
    )));
    // The prompt's keys live in app/input.rs, not the key table: said here in one line.
    out.push(Line::from(Span::styled(
        "  Tab: list (fuzzy) · ↑↓ choose · Tab take · Enter run · Esc close list",
        t.style(Role::BaseMuted),
    )));
    // The command table itself: a command cannot be added without its help line.
    for cmd in COMMANDS {
        let usage = format!(":{} {}", cmd.name, cmd.usage);
        let mut desc = cmd.desc.to_string();
        if !cmd.aliases.is_empty() {
            let aliases: Vec<String> = cmd.aliases.iter().map(|a| format!(":{a}")).collect();
            desc.push_str(&format!(" (also {})", aliases.join(" ")));
        }
        out.push(Line::from(vec![
            Span::styled(
                format!("  {:<22}", usage.trim_end()),
                t.style(Role::StatusKey),
            ),
            Span::styled(desc, t.style(Role::BaseText)),
        ]));
    }
    out
}

/// Where the help is drawn. Small screens get the whole area: side strips of the panes behind
/// only add noise.
fn popup(area: Rect) -> Rect {
    let w = if area.width < 90 { area.width } else { 84 };
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
    let lines = lines(app);
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
