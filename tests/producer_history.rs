//! The producer's history (issue 13.7): what is published is kept (in the state dir, 0600,
//! credentials left out) and recalled with Up/Down in the Producer pane, also in the next
//! run. The real binary in tmux, on the embedded broker, as a person would use it.

mod common;
use common::*;
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

/// One run of kafka-tui with its state in `home`, until it quits.
fn run(home: &std::path::Path, name: &str) -> Tmux {
    let cmd = format!(
        "env XDG_STATE_HOME={home}/state XDG_CONFIG_HOME={home}/config KAFKA_TUI_CONFIG= {bin} --log-file {home}/kafka-tui.log --listen 127.0.0.1:0; echo kafka-tui-exited-$?; sleep 30",
        home = home.display(),
        bin = binary().display(),
    );
    let t = Tmux::start(name, &cmd, 140, 40);
    t.wait_for("the demo topic", WAIT, |s| s.contains("demo"));
    t
}

/// Types `value` (and a header) into the producer and publishes it to `demo`; waits for the
/// delivery report.
fn publish(t: &Tmux, header: &str, value: &str) {
    t.keys(&["3", "Tab"]); // 3 puts the cursor in the value; Tab: the key field
    t.keys(&["Tab"]); // headers
    t.type_text(header);
    t.keys(&["Tab"]); // value
    t.type_text(value);
    t.keys(&["C-s"]);
    // Delivered, and in the tail (the value is cleared from the editor once delivered).
    t.wait_for("the delivery", WAIT, |s| {
        s.contains("✔ delivered to demo") && s.contains(&format!(" {value}"))
    });
    t.keys(&["Escape"]); // stop typing
    t.keys(&["x"]); // clear key, headers and value for the next one
    t.wait_for("the producer cleared", WAIT, |s| {
        s.contains("producer cleared")
    });
}

#[test]
fn published_records_come_back_with_up_and_down_in_the_next_run() {
    if skip_without_tmux() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let t = run(home.path(), "hist1");
    // Publish to the demo topic (selected in Topics at start).
    publish(&t, "Authorization=Bearer s3cr3t", "first record");
    publish(&t, "trace=7", "second record");
    t.keys(&["q"]);
    t.wait_for("kafka-tui to quit", WAIT, |s| {
        s.contains("kafka-tui-exited-0")
    });

    let file = home.path().join("state/kafka-tui/producer-history.jsonl");
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(
        text.contains("first record") && text.contains("second record"),
        "{text}"
    );
    assert!(
        !text.contains("s3cr3t"),
        "a credential reached the disk: {text}"
    );
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);

    // The next run: Ctrl+P while typing (or Up when not) brings them back, newest first.
    let t = run(home.path(), "hist2");
    t.keys(&["3"]);
    t.keys(&["C-p"]);
    let s = t.wait_for("the newest record recalled", WAIT, |s| {
        s.contains("second record") && s.contains("history 2/2")
    });
    assert!(s.contains("trace=7"), "its header too:\n{s}");
    t.keys(&["Escape"]);
    // Esc and ↑ sent together read as Alt+↑: wait for the producer to stop typing first.
    t.wait_for("typing stopped", WAIT, |s| s.contains("Enter to type"));
    t.keys(&["Up"]);
    let s = t.wait_for("the older record", WAIT, |s| s.contains("history 1/2"));
    assert!(
        s.contains("first record") && s.contains("Authorization="),
        "{s}"
    );
    assert!(!s.contains("s3cr3t"), "{s}");
    t.keys(&["Down", "Down"]);
    let s = t.wait_for("back to the empty editor", WAIT, |s| {
        s.contains("back to what you were typing")
    });
    assert!(!s.contains("second record"), "{s}");
    t.keys(&["q"]);
}
