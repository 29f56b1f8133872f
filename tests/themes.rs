//! Themes (issue 13.11): every built-in theme draws every pane; a cluster's colour is on the
//! border of every pane and view (production never looks like development); `NO_COLOR` and
//! the 16-colour fallback leave no 24-bit colour on screen.

mod common;
use common::fixture::{self, list_topics};
use kafka_tui::app::App;
use kafka_tui::state::Pane;
use kafka_tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::style::Color;

const SIZE: (u16, u16) = (120, 36);

fn app(theme: Theme, color: Option<&str>) -> App {
    let (mut app, _) = fixture::embedded_app(100);
    list_topics(&mut app, &[("orders", 3, 42)]);
    app.theme = theme;
    app.cluster_color = color.map(str::to_string);
    app.update(kafka_tui::action::Action::Focus(Pane::Topics));
    app
}

/// The cells drawn as a box corner: (x, y, symbol, fg).
fn corners(buf: &Buffer) -> Vec<(u16, u16, String, Option<Color>)> {
    let mut out = Vec::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let c = &buf[(x, y)];
            if ["╭", "╮", "╰", "╯", "┏", "┓", "┗", "┛"].contains(&c.symbol()) {
                out.push((x, y, c.symbol().to_string(), Some(c.fg)));
            }
        }
    }
    out
}

fn rgb_cells(buf: &Buffer) -> usize {
    buf.content()
        .iter()
        .filter(|c| matches!(c.fg, Color::Rgb(..)) || matches!(c.bg, Color::Rgb(..)))
        .count()
}

#[test]
fn every_builtin_theme_draws_every_pane_and_uses_its_colours() {
    for (name, _) in kafka_tui::theme::BUILTIN {
        let theme = Theme::builtin(name);
        let truecolor = theme.uses_rgb();
        let mut app = app(theme, None);
        let buf = fixture::draw(&mut app, SIZE);
        let text = common::buffer_text(&buf);
        for pane in ["1 Topics", "2 Tail", "3 Producer", "4 Logs", "orders"] {
            assert!(text.contains(pane), "{name}: no {pane}:\n{text}");
        }
        assert_eq!(
            rgb_cells(&buf) > 0,
            truecolor,
            "{name}: 24-bit colours on screen exactly when the theme has them"
        );
    }
}

#[test]
fn the_cluster_colour_is_on_every_border_and_the_focused_pane_is_thick() {
    let mut plain = app(Theme::builtin("dark"), None);
    let before = corners(&fixture::draw(&mut plain, SIZE));
    assert!(before.iter().all(|(_, _, _, fg)| *fg != Some(Color::Red)));

    let mut prod = app(Theme::builtin("dark"), Some("red"));
    let buf = fixture::draw(&mut prod, SIZE);
    let after = corners(&buf);
    // Four panes, four corners each, all red.
    assert_eq!(after.len(), 16, "{after:?}");
    assert!(
        after.iter().all(|(_, _, _, fg)| *fg == Some(Color::Red)),
        "{after:?}"
    );
    // The focused pane (Topics, top left) has a thick border, the others stay rounded.
    let thick: Vec<_> = after.iter().filter(|(_, _, s, _)| s == "┏").collect();
    assert_eq!(thick.len(), 1, "{after:?}");
    assert_eq!((thick[0].0, thick[0].1), (0, 1), "Topics is focused");

    // Views too.
    prod.open_brokers();
    let view = corners(&fixture::draw(&mut prod, SIZE));
    assert!(!view.is_empty() && view.iter().all(|(_, _, _, fg)| *fg == Some(Color::Red)));

    // NO_COLOR: no colour at all, the cluster's neither.
    let mut none = app(Theme::builtin("dark").without_colors(), Some("red"));
    let buf = fixture::draw(&mut none, SIZE);
    assert!(corners(&buf)
        .iter()
        .all(|(_, _, _, fg)| *fg == Some(Color::Reset)));
    assert_eq!(rgb_cells(&buf), 0);
}

#[test]
fn without_truecolor_the_screen_has_only_16_colours() {
    let (theme, note) = Theme::builtin("dracula").for_terminal(false);
    assert!(note.is_some());
    let mut app = app(theme, None);
    let buf = fixture::draw(&mut app, SIZE);
    assert_eq!(rgb_cells(&buf), 0);
    assert!(buf
        .content()
        .iter()
        .all(|c| !matches!(c.fg, Color::Indexed(16..)) && !matches!(c.bg, Color::Indexed(16..))));
}
