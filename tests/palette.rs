//! The `:` palette (issue 13.5): Tab lists commands, then their arguments, fuzzy-filtered as
//! the person types, matched characters highlighted; `:ctx` lists each cluster with its
//! bootstrap and colour, the embedded broker once. Headless flows, snapshots at 80x24, 160x45
//! and 200x60, tiny sizes, and the real binary in tmux.

mod common;
use common::fixture::{self, list_topics};
use common::*;
use kafka_tui::theme::Role;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kafka_tui::app::{App, Mode};
use kafka_tui::event::Event;
use kafka_tui::kafka::api::KafkaCommand;
use kafka_tui::model::ContextInfo;
use kafka_tui::state::views::View;
use kafka_tui::ui;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use ratatui::Terminal;
use tokio::sync::mpsc::UnboundedReceiver;

fn app() -> (App, UnboundedReceiver<KafkaCommand>) {
    let (mut app, rx) = fixture::embedded_app(1000);
    list_topics(
        &mut app,
        &[
            ("orders", 3, 7),
            ("orders.dlq", 1, 7),
            ("payments", 6, 7),
            ("payments.eu-west-1.settlements-v2.dead-letter", 1, 7),
        ],
    );
    let ctx = |name: &str, bootstrap: Option<&str>, color: Option<&str>| ContextInfo {
        name: name.into(),
        bootstrap: bootstrap.map(String::from),
        color: color.map(String::from),
    };
    app.contexts = vec![
        ctx("dev", Some("localhost:9092"), None),
        ctx("local", None, Some("green")),
        ctx(
            "prod",
            Some("kafka-1.example:9093,kafka-2.example:9093"),
            Some("red"),
        ),
    ];
    app.context = "local".into();
    app.now = std::time::UNIX_EPOCH;
    (app, rx)
}

fn press(app: &mut App, code: KeyCode) {
    app.handle_event(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn prompt(app: &App) -> Option<&str> {
    match &app.mode {
        Mode::Prompt { input, .. } => Some(input),
        _ => None,
    }
}

/// The candidates listed, best first.
fn listed(app: &App) -> Vec<String> {
    let p = app.palette.as_ref().expect("the list is open");
    p.hits
        .iter()
        .map(|h| p.candidates[h.index].text.clone())
        .collect()
}

fn commands(rx: &mut UnboundedReceiver<KafkaCommand>) -> Vec<KafkaCommand> {
    let mut out = Vec::new();
    while let Ok(c) = rx.try_recv() {
        out.push(c);
    }
    out
}

fn terminal(app: &mut App, (w, h): (u16, u16)) -> Terminal<TestBackend> {
    app.handle_event(Event::Resize(w, h));
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    terminal.draw(|f| ui::draw(f, app)).expect("draw");
    terminal
}

fn screen(app: &mut App, size: (u16, u16)) -> String {
    buffer_text(terminal(app, size).backend().buffer())
}

#[test]
fn tab_on_an_empty_prompt_lists_every_command_and_typing_filters_them() {
    let (mut app, mut rx) = app();
    press(&mut app, KeyCode::Char(':'));
    press(&mut app, KeyCode::Tab);
    assert_eq!(prompt(&app), Some(""));
    let all = listed(&app);
    assert_eq!(all.len(), kafka_tui::app::command::COMMANDS.len());
    assert_eq!(all[0], "topics");
    assert_eq!(app.palette.as_ref().unwrap().selected, None);
    type_text(&mut app, "grp");
    assert_eq!(listed(&app)[0], "groups");
    // Enter takes the best match and runs it.
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.palette.is_none());
    assert!(matches!(app.views.last(), Some(View::Groups { .. })));
    assert!(commands(&mut rx)
        .iter()
        .any(|c| matches!(c, KafkaCommand::Groups)));
    assert_eq!(app.history.last().map(String::as_str), Some("groups"));
}

#[test]
fn tab_takes_a_command_then_lists_its_arguments() {
    let (mut app, mut rx) = app();
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "ta");
    press(&mut app, KeyCode::Tab);
    // `ta` starts `tail` alone: completed at once, as before.
    assert_eq!(prompt(&app), Some("tail "));
    assert!(app.palette.is_none());
    press(&mut app, KeyCode::Tab);
    assert_eq!(listed(&app).len(), 4, "every topic");
    type_text(&mut app, "pay");
    assert_eq!(listed(&app)[0], "payments");
    press(&mut app, KeyCode::Down);
    assert_eq!(
        app.palette.as_ref().unwrap().selected().unwrap().text,
        "payments.eu-west-1.settlements-v2.dead-letter"
    );
    press(&mut app, KeyCode::BackTab);
    // Tab takes the chosen topic into the line and closes the list; Enter runs it.
    press(&mut app, KeyCode::Tab);
    assert_eq!(prompt(&app), Some("tail payments"));
    assert!(app.palette.is_none());
    press(&mut app, KeyCode::Enter);
    assert!(
        commands(&mut rx)
            .iter()
            .any(|c| matches!(c, KafkaCommand::Tail(t) if t.topics.single() == Some("payments"))),
        "tails payments"
    );
}

#[test]
fn an_ambiguous_word_opens_the_list_grown_to_the_shared_start() {
    let (mut app, _rx) = app();
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "sch");
    press(&mut app, KeyCode::Tab);
    assert_eq!(prompt(&app), Some("schema"), "schemas and schema share it");
    assert_eq!(&listed(&app)[..2], ["schema", "schemas"]);
    // Typing goes on filtering; Backspace too.
    type_text(&mut app, "s");
    assert_eq!(listed(&app)[0], "schemas");
    for _ in 0..5 {
        press(&mut app, KeyCode::Backspace);
    }
    assert_eq!(prompt(&app), Some("sc"));
    assert!(listed(&app).contains(&"describe".to_string()), "s…c…");
    // Esc closes the list, then the prompt.
    press(&mut app, KeyCode::Esc);
    assert!(app.palette.is_none());
    assert_eq!(prompt(&app), Some("sc"));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn enter_on_a_command_that_needs_its_argument_lists_the_argument() {
    let (mut app, _rx) = app();
    press(&mut app, KeyCode::Char(':'));
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "fro");
    press(&mut app, KeyCode::Enter);
    assert_eq!(prompt(&app), Some("from "));
    assert_eq!(listed(&app), ["beginning", "end"]);
    // Nothing chosen: Enter runs the line as typed.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "groups ");
    press(&mut app, KeyCode::Tab);
    assert!(listed(&app).is_empty(), "no groups listed yet");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Normal);
    assert!(matches!(app.views.last(), Some(View::Groups { .. })));
}

#[test]
fn ctx_lists_each_cluster_with_its_bootstrap_and_colour() {
    let (mut app, _rx) = app();
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "ctx ");
    press(&mut app, KeyCode::Tab);
    assert_eq!(listed(&app), ["dev", "local", "prod"]);
    let p = app.palette.as_ref().unwrap();
    let descs: Vec<(&str, Option<&str>)> = p
        .candidates
        .iter()
        .map(|c| (c.desc.as_str(), c.color.as_deref()))
        .collect();
    assert_eq!(
        descs,
        [
            ("localhost:9092", None),
            ("embedded broker (current)", Some("green")),
            ("kafka-1.example:9093,kafka-2.example:9093", Some("red")),
        ]
    );
    type_text(&mut app, "prd");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.switch_to.as_deref(), Some("prod"));
}

/// The sizes every screen is snapshotted at (issue 13).
const SIZES: [(u16, u16); 3] = [(80, 24), (160, 45), (200, 60)];

/// The `:ctx` view: each cluster with its bootstrap and colour, the current one marked.
#[test]
fn ctx_view_shows_bootstraps_and_colours() {
    let (mut app, _rx) = app();
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "ctx");
    press(&mut app, KeyCode::Enter);
    for (w, h) in SIZES {
        let s = screen(&mut app, (w, h));
        assert_eq!(
            s.matches("embedded broker").count(),
            2,
            "header and one row at {w}x{h}: {s}"
        );
        for want in ["● local", "localhost:9092", "kafka-1.example:9093", "■ red"] {
            assert!(s.contains(want), "{want} at {w}x{h}: {s}");
        }
        insta::assert_snapshot!(format!("ctx_view_{w}x{h}"), s);
    }
}

fn palette_commands() -> App {
    let (mut app, _rx) = app();
    press(&mut app, KeyCode::Char(':'));
    press(&mut app, KeyCode::Tab);
    app
}

fn palette_fuzzy() -> App {
    let mut app = palette_commands();
    type_text(&mut app, "s");
    press(&mut app, KeyCode::Down);
    app
}

fn palette_topics() -> App {
    let (mut app, _rx) = app();
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "tail ");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "ps");
    app
}

fn palette_ctx() -> App {
    let (mut app, _rx) = app();
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "ctx ");
    press(&mut app, KeyCode::Tab);
    app
}

type Scenario = (&'static str, fn() -> App);

#[test]
fn snapshots() {
    let scenarios: [Scenario; 4] = [
        ("palette_commands", palette_commands),
        ("palette_fuzzy", palette_fuzzy),
        ("palette_topics", palette_topics),
        ("palette_ctx", palette_ctx),
    ];
    for (name, build) in scenarios {
        for (w, h) in SIZES {
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen(&mut build(), (w, h)));
        }
    }
}

/// Matched characters are highlighted, the chosen row reversed, colours shown in colour.
#[test]
fn matches_are_highlighted_and_colours_drawn() {
    let mut app = palette_fuzzy();
    let t = terminal(&mut app, (80, 24));
    let buf = t.backend().buffer();
    let text = buffer_text(buf);
    let (y, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("│ streams"))
        .expect("streams listed");
    let x = line.find("streams").unwrap() as u16 - 2; // "│ " is 3 bytes, 1 column
    let hl = app.theme.style(Role::StatusKey);
    assert_eq!(buf[(x, y as u16)].symbol(), "s");
    assert_eq!(buf[(x, y as u16)].fg, hl.fg.unwrap(), "the matched s");
    assert_ne!(buf[(x + 1, y as u16)].fg, hl.fg.unwrap(), "t did not match");
    // The second row is chosen (Down from the best match).
    let chosen = text.lines().position(|l| l.contains("│ schemas")).unwrap() as u16;
    let sel = app.theme.style(Role::BaseSelected);
    let cell = &buf[(x + 1, chosen)];
    assert!(cell.modifier.contains(sel.add_modifier), "{cell:?}");
    if let Some(bg) = sel.bg {
        assert_eq!(cell.bg, bg);
    }

    let mut app = palette_ctx();
    let t = terminal(&mut app, (80, 24));
    let buf = t.backend().buffer();
    let text = buffer_text(buf);
    let (y, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("■ red"))
        .expect("prod's colour");
    let x = line[..line.find("■ red").unwrap()].chars().count() as u16;
    assert_eq!(buf[(x, y as u16)].fg, Color::Red);
}

/// Never a panic, whatever the size; the list stays inside the screen.
#[test]
fn tiny_sizes_do_not_panic() {
    for build in [palette_commands, palette_ctx, palette_topics] {
        for w in [1, 10, 24, 30, 59, 80] {
            for h in [1, 3, 5, 6, 7, 8, 16, 24] {
                let mut app = build();
                screen(&mut app, (w, h));
            }
        }
    }
    let s = screen(&mut palette_commands(), (24, 8));
    assert!(s.contains("commands"), "{s}");
}

/// The real binary: `:`, Tab shows the commands; typing filters; Enter runs the best match.
/// Then `:ctx ` Tab: the clusters of the config with their bootstraps and colours, the
/// embedded broker once.
#[test]
fn e2e_palette_in_tmux() {
    if skip_without_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[clusters.local]\nembedded = true\ncolor = \"green\"\n\n\
         [clusters.prod]\nbootstrap = \"127.0.0.1:1\"\ncolor = \"red\"\n",
    )
    .unwrap();
    let cmd = format!(
        "KAFKA_TUI_CONFIG={} {} --log-file {} --listen 127.0.0.1:0; echo kafka-tui-exited-$?; sleep 30",
        sh_quote(&config.display().to_string()),
        binary().display(),
        dir.path().join("kafka-tui.log").display()
    );
    let t = Tmux::start("palette", &cmd, 80, 24);
    let wait = Duration::from_secs(20);
    t.wait_for("the demo topic", wait, |s| {
        s.contains("1 Topics") && s.contains("demo")
    });
    t.keys(&[":"]);
    t.keys(&["Tab"]);
    t.wait_for("the command list", wait, |s| {
        s.contains("commands · ") && s.contains("focus the Topics pane")
    });
    t.type_text("grp");
    t.wait_for("groups first", wait, |s| {
        s.contains("commands · 1 of") && s.contains("groups (group, g, cg)")
    });
    t.keys(&["Enter"]);
    t.wait_for("the groups view", wait, |s| {
        s.contains("Consumer groups") && !s.contains("commands · ")
    });
    t.escape();
    t.keys(&[":"]);
    t.type_text("ctx ");
    t.keys(&["Tab"]);
    let s = t.wait_for("the clusters", wait, |s| {
        s.contains("contexts · 2") && s.contains("127.0.0.1:1")
    });
    assert!(
        s.contains("embedded broker (current)") && s.contains("■ green") && s.contains("■ red"),
        "{s}"
    );
    // The embedded broker once: `local` is it, the built-in one is not listed beside it.
    assert!(!s.lines().any(|l| l.starts_with("│ embedded ")), "{s}");
    t.escape();
    t.escape();
    t.quit_cleanly(wait);
}
