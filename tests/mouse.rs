//! The mouse (issue 13.4): a click selects the row under it in Topics, Tail and the views'
//! lists (and focuses the pane), a double click opens the row as Enter does, the wheel scrolls the pane under the
//! pointer, and the page does not jump when a row inside it is clicked. On `TestBackend`, and
//! the real binary in tmux fed the terminal's own SGR mouse sequences.

mod common;
use common::fixture::{self, list_topics};
use common::*;

use std::time::Duration;

use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use kafka_tui::app::App;
use kafka_tui::event::{Event, KafkaEvent};
use kafka_tui::kafka::api::KafkaCommand;
use kafka_tui::model::{Record, StartFrom};
use kafka_tui::state::Pane;
use tokio::sync::mpsc::UnboundedReceiver;

const SIZE: (u16, u16) = (120, 36);

/// 60 topics (more than a page) and a tail of 50 records on `t-00`.
fn fixture() -> (App, UnboundedReceiver<KafkaCommand>) {
    let (mut app, rx) = fixture::embedded_app(1000);
    let names: Vec<String> = (0..60).map(|i| format!("t-{i:02}")).collect();
    let topics: Vec<(&str, i32, i64)> = names.iter().map(|n| (n.as_str(), 1, 50)).collect();
    list_topics(&mut app, &topics);
    app.start_tail("t-00".into(), StartFrom::Beginning);
    let generation = app.tail.generation;
    app.handle_event(Event::Kafka(KafkaEvent::TailStarted {
        generation,
        partitions: 1,
        topics: vec!["t-00".into()],
        notice: None,
    }));
    let records = (0..50)
        .map(|i| Record {
            topic: "t-00".into(),
            partition: 0,
            offset: i,
            timestamp_ms: None,
            leader_epoch: None,
            key: Some(format!("key-{i}").into_bytes()),
            value: Some(format!("value-{i}").into_bytes()),
            headers: vec![],
        })
        .collect();
    app.handle_event(Event::Kafka(KafkaEvent::Records {
        generation,
        records,
    }));
    app.handle_event(Event::Resize(SIZE.0, SIZE.1));
    app.now = std::time::UNIX_EPOCH;
    (app, rx)
}

fn draw(app: &mut App) -> String {
    fixture::screen(app, SIZE)
}

/// Where `word` is on screen (column, row), the first time it appears.
fn at(screen: &str, word: &str) -> (u16, u16) {
    for (y, line) in screen.lines().enumerate() {
        if let Some(x) = line.find(word) {
            let col = line[..x].chars().count();
            return (col as u16, y as u16);
        }
    }
    panic!("no {word:?} on screen:\n{screen}")
}

fn mouse(app: &mut App, kind: MouseEventKind, (column, row): (u16, u16)) {
    app.handle_event(Event::Mouse(MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    }));
}

fn click(app: &mut App, pos: (u16, u16)) {
    mouse(app, MouseEventKind::Down(MouseButton::Left), pos);
    mouse(app, MouseEventKind::Up(MouseButton::Left), pos);
}

#[test]
fn a_click_selects_the_row_under_it_and_the_page_stays() {
    let (mut app, _rx) = fixture();
    app.focus = Pane::Logs;
    let screen = draw(&mut app);
    click(&mut app, at(&screen, "t-07"));
    assert_eq!(app.focus, Pane::Topics);
    assert_eq!(app.topics.selected_name(), Some("t-07"));
    // The page did not move: t-07 is where it was, now selected.
    let again = draw(&mut app);
    assert_eq!(at(&again, "t-07"), at(&screen, "t-07"), "{again}");
    // A row in Tail: that record is selected, and the tail stops following (as ↑ does).
    let pos = at(&again, "value-40");
    click(&mut app, pos);
    assert_eq!(app.focus, Pane::Tail);
    assert_eq!(app.tail.selected().map(|r| r.offset), Some(40));
    assert!(!app.tail.scroll.follow);
    let third = draw(&mut app);
    assert_eq!(at(&third, "value-40"), pos, "{third}");
    assert!(third.contains("PAUSED"), "{third}");
    // A click below the last row, or on a header, selects nothing.
    click(&mut app, at(&third, "Offset"));
    assert_eq!(app.tail.selected().map(|r| r.offset), Some(40));
}

#[test]
fn a_double_click_opens_what_enter_opens() {
    let (mut app, mut rx) = fixture();
    let screen = draw(&mut app);
    let pos = at(&screen, "t-03");
    click(&mut app, pos);
    click(&mut app, pos);
    assert_eq!(app.focus, Pane::Tail, "Enter on a topic tails it");
    let tails: Vec<String> = std::iter::from_fn(|| rx.try_recv().ok())
        .filter_map(|c| match c {
            KafkaCommand::Tail(t) => Some(t.topics.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(tails.last().map(String::as_str), Some("t-03"), "{tails:?}");

    // Two clicks on different rows are two clicks, not a double click.
    let (mut other, _rx) = fixture();
    let screen = draw(&mut other);
    click(&mut other, at(&screen, "value-40"));
    click(&mut other, at(&screen, "value-41"));
    assert!(!other.tail.detail);
    click(&mut other, at(&screen, "value-41"));
    assert!(other.tail.detail, "the record opened");
    assert_eq!(other.tail.selected().map(|r| r.offset), Some(41));
}

#[test]
fn the_wheel_scrolls_the_pane_under_the_pointer() {
    let (mut app, _rx) = fixture();
    app.focus = Pane::Tail;
    let screen = draw(&mut app);
    let over_topics = at(&screen, "t-02");
    for _ in 0..3 {
        mouse(&mut app, MouseEventKind::ScrollDown, over_topics);
    }
    assert_eq!(app.focus, Pane::Topics);
    assert_eq!(app.topics.selected_name(), Some("t-03"));
    mouse(&mut app, MouseEventKind::ScrollUp, over_topics);
    assert_eq!(app.topics.selected_name(), Some("t-02"));
}

/// The wheel scrolls what is on top: the help scrolls, and neither it nor a dialog or a prompt
/// lets the panes beneath move.
#[test]
fn the_wheel_never_moves_a_pane_under_the_help_a_dialog_or_a_prompt() {
    use crossterm::event::{KeyCode, KeyEvent};
    use kafka_tui::app::{Layer, Mode};
    let (mut app, _rx) = fixture();
    let screen = draw(&mut app);
    let over_topics = at(&screen, "t-02");
    let selected = app.topics.selected_name().map(str::to_string);
    app.handle_key(KeyEvent::new(KeyCode::Char('?'), KeyModifiers::NONE));
    assert_eq!(app.layer(), Layer::Help);
    draw(&mut app);
    for _ in 0..3 {
        mouse(&mut app, MouseEventKind::ScrollDown, over_topics);
    }
    assert_eq!(app.mode, Mode::Help { scroll: 3 }, "the help scrolls");
    app.handle_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    for open in [':', 'n'] {
        app.handle_key(KeyEvent::new(KeyCode::Char(open), KeyModifiers::NONE));
        assert_ne!(
            app.layer(),
            Layer::Pane,
            "{open} opens a prompt or a dialog"
        );
        mouse(&mut app, MouseEventKind::ScrollDown, over_topics);
        app.handle_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
        assert_eq!(app.layer(), Layer::Pane);
    }
    assert_eq!(
        app.topics.selected_name().map(str::to_string),
        selected,
        "the topics beneath stayed"
    );
}

/// In a view's list (`:groups` here; `:ctx`, Connect and the schema registry the same way) a
/// click selects the row under it, the page stays, and a double click opens it as Enter does.
#[test]
fn a_click_in_a_view_selects_its_row_and_a_double_click_opens_it() {
    let (mut app, mut rx) = fixture();
    let groups: Vec<kafka_tui::model::GroupSummary> = (0..80)
        .map(|i| kafka_tui::model::GroupSummary {
            name: format!("group-{i:02}"),
            state: "Empty".into(),
            protocol_type: "consumer".into(),
            members: 0,
            topics: vec!["t-00".into()],
            // Largest lag first: group-00 on top.
            lag: Some(1000 - i),
            lag_partial: false,
        })
        .collect();
    app.views.push(kafka_tui::state::views::View::Groups {
        list: Some(Ok(groups)),
        selected: 0,
        filter: String::new(),
    });
    let screen = draw(&mut app);
    let pos = at(&screen, "group-12");
    click(&mut app, pos);
    let selected = |app: &App| match app.views.last() {
        Some(kafka_tui::state::views::View::Groups { selected, .. }) => *selected,
        other => panic!("{other:?}"),
    };
    assert_eq!(selected(&app), 12);
    let again = draw(&mut app);
    assert_eq!(at(&again, "group-12"), pos, "the page stays: {again}");
    // Scrolled down a page by the wheel, a click finds the row drawn there.
    for _ in 0..40 {
        mouse(&mut app, MouseEventKind::ScrollDown, pos);
    }
    let scrolled = draw(&mut app);
    click(&mut app, at(&scrolled, "group-45"));
    assert_eq!(selected(&app), 45, "{scrolled}");
    // The header selects nothing; a double click opens the group.
    click(&mut app, at(&scrolled, "Group"));
    assert_eq!(selected(&app), 45);
    let p = at(&scrolled, "group-47");
    click(&mut app, p);
    click(&mut app, p);
    assert!(
        matches!(app.views.last(), Some(kafka_tui::state::views::View::GroupDetail { name, .. }) if name == "group-47"),
        "{:?}",
        app.views.last()
    );
    let asked: Vec<KafkaCommand> = std::iter::from_fn(|| rx.try_recv().ok()).collect();
    assert!(
        asked.iter().any(|c| format!("{c:?}").contains("group-47")),
        "{asked:?}"
    );
}

/// The real binary in tmux, clicked through the terminal's own SGR mouse reports: a click on
/// topic twice tails it, a click on a record selects it (the tail pauses), a double click
/// opens it.
#[test]
fn e2e_clicks_in_tmux() {
    if std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .is_err()
    {
        eprintln!("skipped: no tmux");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let cmd = format!(
        "HOME={home} XDG_CONFIG_HOME={home}/config {bin} --listen 127.0.0.1:0 --log-file {home}/log",
        home = sh_quote(&home.path().display().to_string()),
        bin = sh_quote(&binary().display().to_string()),
    );
    let t = Tmux::start("mouse", &cmd, 120, 36);
    let screen = t.wait_for("the demo topic", Duration::from_secs(30), |s| {
        s.contains("demo") && s.contains("connected")
    });
    // An SGR report: ESC [ < button ; column ; row M (press) / m (release), 1-based.
    let sgr = |(x, y): (u16, u16), press: bool| {
        format!(
            "\x1b[<0;{};{}{}",
            x + 1,
            y + 1,
            if press { 'M' } else { 'm' }
        )
    };
    let (x, y) = at(&screen, "  demo ");
    for _ in 0..2 {
        t.type_text(&sgr((x + 2, y), true));
        t.type_text(&sgr((x + 2, y), false));
    }
    let screen = t.wait_for("a tail of demo", Duration::from_secs(20), |s| {
        s.contains("Tail demo from") && s.contains("greeting") && !s.contains("PAUSED")
    });
    let pos = at(&screen, "greeting");
    t.type_text(&sgr(pos, true));
    t.type_text(&sgr(pos, false));
    t.wait_for(
        "the clicked record selected",
        Duration::from_secs(20),
        |s| s.contains("PAUSED") && !s.contains("record demo/"),
    );
    t.type_text(&sgr(pos, true));
    t.type_text(&sgr(pos, false));
    t.wait_for("the record opened", Duration::from_secs(20), |s| {
        s.contains("record demo/0@1") && s.contains("hello from the embedded broker")
    });
    t.keys(&["Escape"]);
    t.keys(&["q"]);
}
