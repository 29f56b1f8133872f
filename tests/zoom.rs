//! Zoom and the split (issue 13.3): `z` fills the screen with the focused pane and restores
//! the four; `<` / `>` move the split; views use the whole body. Snapshots at 200x60, 160x45
//! and 80x24, and the real binary in tmux.

mod common;
use common::fixture::{self, list_topics};
use common::*;

use std::time::Duration;

use kafka_tui::action::Action;
use kafka_tui::app::App;
use kafka_tui::state::producer::ProduceStatus;
use kafka_tui::state::views::View;
use kafka_tui::state::Pane;
use kafka_tui::ui;
use ratatui::layout::Rect;

const SIZES: [(u16, u16); 3] = [(200, 60), (160, 45), (80, 24)];

fn app() -> App {
    let (mut app, _) = fixture::embedded_app(1000);
    list_topics(
        &mut app,
        &[
            ("orders", 1, 7),
            ("payments.eu-west-1.settlements-v2.dead-letter", 1, 7),
        ],
    );
    app.now = std::time::UNIX_EPOCH;
    app
}

fn screen(app: &mut App, size: (u16, u16)) -> String {
    fixture::screen(app, size)
}

fn zoomed_topics() -> App {
    let mut app = app();
    app.update(Action::Focus(Pane::Topics));
    app.update(Action::ToggleZoom);
    app
}

fn split_right() -> App {
    let mut app = app();
    for _ in 0..3 {
        app.update(Action::SplitRight);
    }
    app
}

/// Connected to a cluster without a log source: Logs folds to one line.
fn no_logs() -> App {
    let mut app = app();
    app.logs = kafka_tui::state::logs::LogsState::new(vec![], 100);
    app
}

fn no_logs_producer_focused() -> App {
    let mut app = no_logs();
    app.update(Action::Focus(Pane::Producer));
    app
}

fn rows_moved() -> App {
    let mut app = app();
    for _ in 0..2 {
        app.update(Action::ShorterTop);
    }
    app
}

fn view_whole() -> App {
    let mut app = app();
    app.open_brokers();
    app
}

type Scenario = (&'static str, fn() -> App);

#[test]
fn snapshots() {
    let scenarios: [Scenario; 6] = [
        ("zoomed_topics", zoomed_topics),
        ("split_moved_right", split_right),
        ("rows_moved_down", rows_moved),
        ("logs_folded", no_logs),
        ("logs_folded_producer_focused", no_logs_producer_focused),
        ("view_uses_the_whole_body", view_whole),
    ];
    for (name, build) in scenarios {
        for (w, h) in SIZES {
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen(&mut build(), (w, h)));
        }
    }
}

/// Zoom shows the focused pane alone over the whole body, follows the focus, and a second
/// `z` brings the four panes back; the split moves both ways and stops at its bounds.
#[test]
fn zoom_and_split() {
    let size = (160, 45);
    let mut app = app();
    let four = screen(&mut app, size);
    for title in [" 1 Topics", " 2 Tail", " 3 Producer", " 4 Logs"] {
        assert!(four.contains(title), "{four}");
    }
    app.update(Action::Focus(Pane::Topics));
    app.update(Action::ToggleZoom);
    let z = screen(&mut app, size);
    assert!(
        z.contains(" 1 Topics") && !z.contains(" 2 Tail") && !z.contains(" 4 Logs"),
        "{z}"
    );
    // It says it is zoomed and how to restore it; the four panes never say so.
    assert!(z.contains(" zoomed · z restores "), "{z}");
    assert!(!four.contains("zoomed"), "{four}");
    // The long name, cut at 160 columns in a quarter of the width, is whole when zoomed.
    assert!(
        z.contains("payments.eu-west-1.settlements-v2.dead-letter"),
        "{z}"
    );
    let body = ui::pane_areas_in(Rect::new(0, 0, size.0, size.1), app.arrangement());
    assert_eq!(
        body,
        vec![(Pane::Topics, Rect::new(0, 1, size.0, size.1 - 2))]
    );
    app.update(Action::Focus(Pane::Logs));
    let z = screen(&mut app, size);
    assert!(z.contains(" 4 Logs") && !z.contains(" 1 Topics"), "{z}");
    app.update(Action::ToggleZoom);
    app.update(Action::Focus(Pane::Topics));
    assert_eq!(
        screen(&mut app, size),
        four,
        "the four panes as before the zoom"
    );

    let width_of = |app: &App| {
        ui::pane_areas_in(Rect::new(0, 0, size.0, size.1), app.arrangement())[0]
            .1
            .width
    };
    let before = width_of(&app);
    app.update(Action::SplitRight);
    assert!(width_of(&app) > before);
    for _ in 0..30 {
        app.update(Action::SplitLeft);
    }
    assert_eq!(width_of(&app), size.0 / 10, "the split stops at 10%");
    for _ in 0..30 {
        app.update(Action::SplitRight);
    }
    assert_eq!(width_of(&app), size.0 * 9 / 10, "the split stops at 90%");
}

/// `+` and `-` move the split between the rows, within bounds. A Logs pane without a
/// source folds to one line that says how to give it one, the Producer takes the bottom
/// row's width and, while not in use, only the rows it needs; focused, each gets its room.
#[test]
fn rows_move_and_an_empty_logs_pane_gives_its_room() {
    let size = (160, 45);
    let full = Rect::new(0, 0, size.0, size.1);
    let area_of = |app: &App, pane: Pane| {
        ui::pane_areas_in(full, app.arrangement())
            .into_iter()
            .find(|(p, _)| *p == pane)
            .unwrap()
            .1
    };
    let mut app = app();
    let top = area_of(&app, Pane::Tail).height;
    app.update(Action::TallerTop);
    assert!(area_of(&app, Pane::Tail).height > top);
    for _ in 0..30 {
        app.update(Action::ShorterTop);
    }
    // The body is 43 rows; the top row keeps 10% of them at least.
    assert_eq!(area_of(&app, Pane::Tail).height, 43 - 43 * 90 / 100);
    for _ in 0..30 {
        app.update(Action::TallerTop);
    }
    assert_eq!(area_of(&app, Pane::Logs).height, 43 * 10 / 100);

    let mut app = no_logs();
    let producer = area_of(&app, Pane::Producer);
    let logs = area_of(&app, Pane::Logs);
    assert_eq!((logs.height, logs.width), (1, size.0), "Logs is one line");
    assert_eq!(producer.width, size.0, "the Producer takes the row");
    // Borders, key, two rows of headers, a value row, the report.
    assert_eq!(producer.height, 7);
    let s = screen(&mut app, size);
    assert!(
        s.contains("4 Logs: no source: run with --broker-log-cmd"),
        "{s}"
    );
    app.update(Action::Focus(Pane::Producer));
    assert!(
        area_of(&app, Pane::Producer).height > 7,
        "in use, it gets its row"
    );
    // Focused, Logs is a pane again and says the same in full.
    app.update(Action::Focus(Pane::Logs));
    let logs = area_of(&app, Pane::Logs);
    assert!(logs.height > 3 && logs.width < size.0, "{logs:?}");
    let s = screen(&mut app, size);
    assert!(s.contains("no source; start with"), "{s}");
}

/// With Logs showing a source, a Producer not in use tucks under Topics with the rows it
/// needs (Topics takes the rest of its column, Logs the rest of the width); focused, it is
/// back beside Logs, and its row grows to show a long report with the value. At 80 columns
/// Topics' column is too narrow to hold it, and it stays beside Logs.
#[test]
fn a_producer_not_in_use_tucks_under_topics() {
    let area_of = |app: &App, size: (u16, u16), pane: Pane| {
        ui::pane_areas_in(Rect::new(0, 0, size.0, size.1), app.arrangement())
            .into_iter()
            .find(|(p, _)| *p == pane)
            .unwrap()
            .1
    };
    let size = (160, 45);
    let mut wide = app();
    let [topics, tail, producer, logs] =
        [Pane::Topics, Pane::Tail, Pane::Producer, Pane::Logs].map(|p| area_of(&wide, size, p));
    // Borders, key, two rows of headers, a value row, the report.
    assert_eq!(producer.height, 7, "{producer:?}");
    assert_eq!((producer.x, producer.width), (topics.x, topics.width));
    assert_eq!(producer.y, topics.bottom(), "under Topics");
    assert_eq!(producer.bottom(), 44, "down to the status line");
    assert!(
        topics.height > tail.height,
        "Topics takes the rest of its column"
    );
    assert_eq!(
        (logs.x, logs.width),
        (tail.x, tail.width),
        "Logs under Tail"
    );
    let s = screen(&mut wide, size);
    assert!(s.contains("3 Producer"), "{s}");

    wide.update(Action::Focus(Pane::Producer));
    let producer = area_of(&wide, size, Pane::Producer);
    let logs = area_of(&wide, size, Pane::Logs);
    assert!(producer.height > 7, "{producer:?}");
    assert_eq!(producer.y, logs.y, "beside Logs again");

    // A reason of a thousand characters: the row grows so the value keeps its three
    // rows and the report shows whole.
    let before = producer.height;
    wide.producer.status =
        ProduceStatus::Invalid("the value is not JSON: ".to_string() + &"x ".repeat(500));
    let grown = area_of(&wide, size, Pane::Producer);
    assert!(grown.height > before, "{grown:?} vs {before}");
    let s = screen(&mut wide, size);
    assert!(s.contains("the value is not JSON"), "{s}");

    let small = (80, 24);
    let mut narrow = app();
    // The split as the person left it: Topics does not widen for its names.
    narrow.layout.auto_split = false;
    let topics = area_of(&narrow, small, Pane::Topics);
    let producer = area_of(&narrow, small, Pane::Producer);
    assert!(
        producer.width > topics.width,
        "too narrow to tuck: {producer:?}"
    );
    narrow.update(Action::Focus(Pane::Producer));
    narrow.producer.status = ProduceStatus::Invalid(
        "the value is not JSON: line 2, column 9: expected value · fix it, or Ctrl+S again sends it as it is".into(),
    );
    let producer = area_of(&narrow, small, Pane::Producer);
    // Borders, key, headers, three rows of value, the report's four rows.
    assert!(producer.height >= 2 + 1 + 2 + 3 + 4, "{producer:?}");
    assert!(
        area_of(&narrow, small, Pane::Tail).height >= 8,
        "the top row keeps 8 rows"
    );
}

/// A view covers the whole body, the bottom panes too.
#[test]
fn views_use_the_whole_body() {
    let mut app = app();
    app.views.push(View::Brokers { overview: None });
    let s = screen(&mut app, (160, 45));
    assert!(s.contains("Cluster · Esc back"), "{s}");
    assert!(!s.contains(" 3 Producer") && !s.contains(" 4 Logs"), "{s}");
}

/// The real binary: `z` zooms the focused pane and restores the four; the keys are in `?`.
#[test]
fn e2e_zoom_in_tmux() {
    if skip_without_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cmd = format!(
        "{} --log-file {} --listen 127.0.0.1:0; echo kafka-tui-exited-$?; sleep 30",
        binary().display(),
        dir.path().join("kafka-tui.log").display()
    );
    let t = Tmux::start("zoom", &cmd, 120, 36);
    let wait = Duration::from_secs(20);
    t.wait_for("the four panes", wait, |s| {
        s.contains("1 Topics") && s.contains("4 Logs") && s.contains("demo")
    });
    t.keys(&["4"]);
    t.keys(&["z"]);
    let s = t.wait_for("Logs zoomed", wait, |s| {
        s.contains("4 Logs") && !s.contains("1 Topics") && !s.contains("3 Producer")
    });
    // The zoomed pane spans the width: its top border starts at column 0 and ends at 119.
    let top = s.lines().nth(1).unwrap_or("");
    assert!(top.starts_with("╭ 4 Logs") && top.ends_with('╮'), "{s}");
    t.keys(&["z"]);
    t.wait_for("the four panes back", wait, |s| {
        s.contains("1 Topics") && s.contains("2 Tail") && s.contains("3 Producer")
    });
    t.keys(&["?"]);
    t.wait_for("zoom in the help", wait, |s| {
        s.contains("zoom: the focused pane")
    });
    t.quit_cleanly(wait);
}
