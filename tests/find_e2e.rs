//! End to end in tmux: with no --from, Enter on a topic shows its last records; `/` filters
//! the live tail, and a record published afterwards shows up only if it matches.

mod common;
use common::*;

use std::time::Duration;

/// "3/12 matched" in the tail's title → (3, 12).
fn matched(screen: &str) -> Option<(u64, u64)> {
    let at = screen.find(" matched")?;
    let head = &screen[..at];
    let word = head.rsplit(' ').next()?;
    let (m, h) = word.split_once('/')?;
    Some((
        m.replace(',', "").parse().ok()?,
        h.replace(',', "").parse().ok()?,
    ))
}

#[test]
fn default_start_shows_records_and_slash_filters_the_live_tail() {
    if skip_without_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cmd = format!(
        "{} --log-file {} --listen 127.0.0.1:0; echo kafka-tui-exited-$?; sleep 30",
        binary().display(),
        dir.path().join("log").display()
    );
    let t = Tmux::start("find-e2e", &cmd, 120, 36);
    t.wait_for("the demo topic listed", Duration::from_secs(30), |s| {
        s.contains("connected, 1 broker") && s.contains("demo")
    });
    // No --from: Enter tails the last records, not only what arrives from now on.
    t.keys(&["1", "Enter"]);
    let s = t.wait_for(
        "the demo records in the tail",
        Duration::from_secs(20),
        |s| s.contains("from last 100") && s.contains("order-1001"),
    );
    assert!(!s.contains("waiting for records"), "{s}");

    t.keys(&["/"]);
    t.type_text("hello");
    t.keys(&["Enter"]);
    let s = t.wait_for("the filter in force", Duration::from_secs(10), |s| {
        s.contains("filter hello") && matched(s).is_some()
    });
    let (before, _) = matched(&s).unwrap();
    assert!(before >= 1, "{s}");
    assert!(!s.contains("order-1001"), "filtered out, yet shown:\n{s}");

    // Publish one that does not match, then one that does: only the second joins the view.
    let marker = format!("HELLO-live-{}", std::process::id());
    for value in ["nomatch-zzz".to_string(), marker.clone()] {
        t.keys(&["3"]);
        t.type_text(&value);
        t.keys(&["C-s"]);
        t.wait_for("the delivery", Duration::from_secs(20), |s| {
            s.contains("delivered to demo")
        });
        t.escape();
    }
    t.keys(&["2"]);
    let s = t.wait_for(
        "the matching live record in the filtered tail",
        Duration::from_secs(20),
        |s| {
            let row = s.lines().position(|l| l.contains(&marker));
            row.is_some_and(|r| r < 22) && matched(s).is_some_and(|(m, _)| m == before + 1)
        },
    );
    let tail_rows: Vec<&str> = s.lines().take(22).collect();
    assert!(
        !tail_rows.iter().any(|l| l.contains("nomatch-zzz")),
        "a record that does not match is listed:\n{s}"
    );
    t.keys(&["q"]);
    t.wait_for("a clean exit", Duration::from_secs(15), |s| {
        s.contains("kafka-tui-exited-0")
    });
}
