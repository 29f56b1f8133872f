//! Colours in broker logs (issue 14, point 7): `docker logs` and many servers print SGR colour
//! codes. The Logs pane draws them as colours (not `␛[32m` text), finds the level on the text
//! without them so the level filter works, honours `NO_COLOR`, and leaves every other escape
//! sequence visible and inert. Records are never coloured this way (tests/injection.rs shows
//! their `␛[31m`). Also: how a narrow pane shortens librdkafka's lines.

mod common;
use common::*;

use std::time::Duration;

use kafka_tui::action::Action;
use kafka_tui::app::{App, ClusterView, Connection};
use kafka_tui::event::{Event, LogEvent};
use kafka_tui::kafka::api::KafkaHandle;
use kafka_tui::state::logs::{Level, LogsState};
use kafka_tui::state::tail::TailState;
use kafka_tui::state::Pane;
use kafka_tui::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use ratatui::Terminal;

const LINES: [&str; 4] = [
    "\x1b[32m[2024-01-01 10:00:00]\x1b[0m \x1b[1;32mINFO\x1b[0m broker started",
    "\x1b[33mWARN\x1b[0m disk slow",
    "\x1b[31mERROR\x1b[0m partition offline",
    "\x1b[2Jcleared? \x1b]0;title\x07 no",
];

fn app(theme: Theme) -> App {
    let cluster = ClusterView {
        label: "cluster".into(),
        address: "127.0.0.1:9".into(),
        embedded: None,
        connection: Connection::Connecting,
        last_error: None,
    };
    let logs = LogsState::new(vec![("broker".into(), "command".into())], 100);
    let mut app = App::new(
        KafkaHandle::detached().0,
        cluster,
        logs,
        TailState::new(100, 1 << 20),
        theme,
    );
    app.handle_event(Event::Log(LogEvent::Lines {
        source: 0,
        lines: LINES.iter().map(|l| l.to_string()).collect(),
    }));
    app.update(Action::Focus(Pane::Logs));
    app
}

fn draw(app: &mut App) -> Buffer {
    let mut term = Terminal::new(TestBackend::new(140, 30)).unwrap();
    app.size = (140, 30);
    term.draw(|f| kafka_tui::ui::draw(f, app)).unwrap();
    term.backend().buffer().clone()
}

/// The cell where `word` starts on screen.
fn cell_of<'a>(buffer: &'a Buffer, word: &str) -> &'a ratatui::buffer::Cell {
    let text = buffer_text(buffer);
    for (y, row) in text.lines().enumerate() {
        if let Some(x) = row.find(word) {
            let x = row[..x].chars().count() as u16;
            return &buffer[(x, y as u16)];
        }
    }
    panic!("{word:?} not on screen:\n{text}");
}

#[test]
fn sgr_colours_are_drawn_not_shown() {
    let mut app = app(Theme::builtin("dark"));
    let buffer = draw(&mut app);
    let text = buffer_text(&buffer);
    assert!(
        text.contains("[2024-01-01 10:00:00] INFO broker started")
            && text.contains("WARN disk slow")
            && text.contains("ERROR partition offline"),
        "{text}"
    );
    assert!(
        !text.contains("␛[3") && !text.contains("␛[0m") && !text.contains("␛[1;32m"),
        "no colour code is shown as text:\n{text}"
    );
    assert_eq!(cell_of(&buffer, "ERROR").fg, Color::Indexed(1));
    assert_eq!(cell_of(&buffer, "WARN").fg, Color::Indexed(3));
    let info = cell_of(&buffer, "INFO");
    assert_eq!(info.fg, Color::Indexed(2));
    assert!(info.modifier.contains(Modifier::BOLD));
    // After the reset, the rest of the line has the level's own style, not the code's colour.
    let rest = cell_of(&buffer, "partition offline");
    assert_ne!(rest.fg, Color::Indexed(1));
}

#[test]
fn other_escape_sequences_stay_visible_and_inert() {
    let mut app = app(Theme::builtin("dark"));
    let text = buffer_text(&draw(&mut app));
    assert!(text.contains("␛[2Jcleared? ␛]0;title␇ no"), "{text}");
}

#[test]
fn the_level_filter_sees_through_colour_codes() {
    let mut app = app(Theme::builtin("dark"));
    let levels: Vec<Level> = app.logs.sources[0].lines.iter().map(|l| l.level).collect();
    assert_eq!(
        levels,
        [Level::Info, Level::Warn, Level::Error, Level::Other],
        "levels found on the text without the codes"
    );
    app.logs.verbosity = Level::Error;
    let text = buffer_text(&draw(&mut app));
    assert!(text.contains("ERROR partition offline"), "{text}");
    assert!(
        !text.contains("WARN disk slow") && !text.contains("INFO broker started"),
        "warn and info hidden at the error level:\n{text}"
    );
}

#[test]
fn no_color_drops_the_codes_colours_but_keeps_bold() {
    let mut app = app(Theme::builtin("dark").without_colors());
    let buffer = draw(&mut app);
    let info = cell_of(&buffer, "INFO");
    assert_eq!(info.fg, Color::Reset);
    assert!(info.modifier.contains(Modifier::BOLD));
    assert_eq!(cell_of(&buffer, "ERROR").fg, Color::Reset);
}

/// On a real terminal: a log command printing coloured lines shows them without a `␛`.
#[test]
fn coloured_log_command_on_a_real_terminal() {
    if skip_without_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    let printf =
        r"printf '\033[32mINFO\033[0m kt-started\n\033[31mERROR\033[0m kt-boom\n'; sleep 60";
    let cmd = format!(
        "env HOME={d} XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state KAFKA_TUI_CONFIG= {} -b 127.0.0.1:{} --log-file {d}/kafka-tui.log --broker-log-cmd {}; sleep 60",
        sh_quote(env!("CARGO_BIN_EXE_kafka-tui")),
        free_port(),
        sh_quote(printf),
    );
    let t = Tmux::start("log-colours", &cmd, 140, 36);
    t.wait_for("the screen", Duration::from_secs(20), |s| {
        s.contains("1 Topics")
    });
    t.keys(&["4"]);
    let screen = t.wait_for("the coloured lines", Duration::from_secs(20), |s| {
        s.contains("INFO kt-started") && s.contains("ERROR kt-boom")
    });
    assert!(!screen.contains('␛'), "{screen}");
    let colours = t.tmux(&["capture-pane", "-p", "-e", "-t", "log-colours"]);
    let colours = String::from_utf8_lossy(&colours.stdout);
    let line = colours
        .lines()
        .find(|l| l.contains("kt-boom") && !l.contains("printf"))
        .expect("the line");
    let before = &line[..line.find("ERROR").expect("ERROR")];
    assert!(
        before.ends_with("\x1b[31m") || before.ends_with("\x1b[38;5;1m"),
        "ERROR is drawn red: {line:?}"
    );
    t.keys(&["q"]);
}

/// A narrow Logs pane (under 60 columns, as at 80x24) keeps a line's time of day and drops
/// librdkafka's thread tag, so the embedded broker's lines show their message.
#[test]
fn a_narrow_pane_shows_librdkafkas_message_not_its_thread_tag() {
    let mut app = app(Theme::builtin("dark"));
    app.handle_event(Event::Log(LogEvent::Lines {
        source: 0,
        lines: vec![
            "[2026-12-02T22:07:45.524Z] DEBUG [MOCK] [thrd:mock]: Broker 1: Log append demo [0]"
                .into(),
        ],
    }));
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    app.size = (80, 24);
    term.draw(|f| kafka_tui::ui::draw(f, &app)).unwrap();
    let text = buffer_text(term.backend().buffer());
    assert!(
        text.contains("22:07:45 DEBUG [MOCK] Broker 1: Log append"),
        "{text}"
    );
    assert!(!text.contains("thrd:mock"), "{text}");
}
