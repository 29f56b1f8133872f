//! Drawing only: every function here reads `&App` and paints a frame.

pub mod columns;
pub mod connect;
mod dialog;
mod groups;
mod header;
pub mod help;
mod logs;
pub mod palette;
pub mod producer;
pub mod record;
pub mod schemas;
mod status;
pub mod streams;
mod tail;
pub mod topics;
pub mod views;
pub mod widgets;

use crate::action::Action;
use crate::keymap::Context;
use crate::theme::Role;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::{App, Mode, PromptKind};
pub use crate::layout::*;
use crate::state::Pane;

pub fn draw(frame: &mut Frame, app: &App) {
    // Lists drawn this frame say where their rows are; the others cannot be clicked.
    app.topics.window.hidden();
    app.tail.window.hidden();
    app.view_rows.hidden();
    let area = frame.area();
    let base = app.theme.style(Role::BaseText);
    frame.buffer_mut().set_style(area, base);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        // The short form first: at 10x3 only a few words fit.
        let quit = app.key(Context::Global, Action::Quit);
        let msg = if area.width < 30 {
            format!("too small: need {MIN_WIDTH}x{MIN_HEIGHT}; {quit} quits")
        } else {
            format!(
                "terminal too small ({}x{}): kafka-tui needs {MIN_WIDTH}x{MIN_HEIGHT}; {quit} quits",
                area.width, area.height
            )
        };
        frame.render_widget(
            Paragraph::new(msg).wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    let rows = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .split(area);
    header::draw(frame, rows[0], app);
    status::draw(frame, rows[2], app);
    if compact(area) {
        let parts = Layout::new(
            Direction::Vertical,
            [Constraint::Length(1), Constraint::Min(1)],
        )
        .split(rows[1]);
        let tabs: Vec<Span> = tab_labels()
            .into_iter()
            .flat_map(|(p, label)| {
                let style = if p == app.focus {
                    app.theme.style(Role::BaseTitleFocused)
                } else {
                    app.theme.style(Role::BaseMuted)
                };
                [Span::styled(label, style), Span::raw(" ")]
            })
            .collect();
        frame.render_widget(Paragraph::new(Line::from(tabs)), parts[0]);
        draw_pane(frame, app.focus, parts[1], app);
    } else {
        for (pane, r) in pane_areas_in(area, app.arrangement()) {
            draw_pane(frame, pane, r, app);
        }
    }
    if let Some(view) = app.views.last() {
        views::draw(frame, view_area(area), app, view);
    }
    if let (
        Mode::Prompt {
            kind: PromptKind::Command,
            ..
        },
        Some(p),
    ) = (&app.mode, &app.palette)
    {
        palette::draw(frame, view_area(area), app, p);
    }
    if let Some(d) = &app.dialog {
        dialog::draw(frame, area, app, d);
    }
    if let Mode::Help { scroll } = app.mode {
        help::draw(frame, area, app, scroll);
    }
    scrub(frame);
}

/// Whatever the panes drew, no control or bidi character leaves in the frame (see
/// `text::scrub_symbol`); the panes already show readable stand-ins, this catches the rest.
fn scrub(frame: &mut Frame) {
    let buf = frame.buffer_mut();
    for cell in buf.content.iter_mut() {
        if let Some(clean) = crate::text::scrub_symbol(cell.symbol()) {
            cell.set_symbol(&clean);
        }
    }
}

fn draw_pane(frame: &mut Frame, pane: Pane, area: Rect, app: &App) {
    let focused = app.focus == pane;
    match pane {
        Pane::Topics => topics::draw(frame, area, app, focused),
        Pane::Tail if app.tail.detail => record::draw(frame, area, app, focused),
        Pane::Tail => tail::draw(frame, area, app, focused),
        Pane::Producer => producer::draw(frame, area, app, focused),
        Pane::Logs => logs::draw(frame, area, app, focused),
    }
}
