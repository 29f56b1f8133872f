//! End to end in tmux: `:export` writes the held records (only the matching ones under a
//! filter) as JSON Lines or CSV, and `:produce-file` publishes an exported file back into the
//! tailed topic (at a rate, `--rate N`), the status line saying how far it got and how it
//! ended.

mod common;
use common::*;

use std::time::Duration;

#[test]
fn export_then_produce_file_in_the_tui() {
    if skip_without_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display().to_string();
    let cmd = format!(
        "{} --log-file {d}/log --listen 127.0.0.1:0 -t demo --from beginning; echo kafka-tui-exited-$?; sleep 30",
        binary().display(),
    );
    let t = Tmux::start("export-e2e", &cmd, 140, 36);
    let n = kafka_tui::kafka::embedded::demo::samples(std::time::SystemTime::now()).len() as u64;
    t.wait_for(
        "every demo record in the tail",
        Duration::from_secs(30),
        |s| s.contains("order-1001") && held(s) == Some(n),
    );

    t.keys(&[":"]);
    t.type_text(&format!("export {d}/all.jsonl"));
    t.keys(&["Enter"]);
    t.wait_for("the export's end", Duration::from_secs(20), |s| {
        s.contains(&format!("exported {n} records to"))
    });
    let all = std::fs::read_to_string(dir.path().join("all.jsonl")).unwrap();
    assert_eq!(all.lines().count() as u64, n);
    for line in all.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["topic"], "demo", "{line}");
    }
    // A second export to the same name is refused: nothing is overwritten.
    t.keys(&[":"]);
    t.type_text(&format!("export {d}/all.jsonl"));
    t.keys(&["Enter"]);
    t.wait_for("the refusal", Duration::from_secs(10), |s| {
        s.contains("exists: export to a new file")
    });

    // Under a filter, only the matching records, as CSV.
    t.keys(&["2", "/"]);
    t.type_text("order-1001");
    t.keys(&["Enter"]);
    t.wait_for("the filter", Duration::from_secs(10), |s| {
        s.contains(" matched")
    });
    t.keys(&[":"]);
    t.type_text(&format!("export {d}/some.csv"));
    t.keys(&["Enter"]);
    t.wait_for("the CSV export", Duration::from_secs(20), |s| {
        s.contains("exported") && s.contains("some.csv")
    });
    let csv = std::fs::read_to_string(dir.path().join("some.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].starts_with("topic,partition,offset"), "{csv}");
    assert!(rows.len() >= 2 && (rows.len() as u64) < n + 1, "{csv}");
    assert!(rows[1..].iter().all(|r| r.contains("order-1001")), "{csv}");
    t.escape();

    // The first export published back into the topic, at 4 records a second: twice as many
    // records held, and the last sent no sooner than (n - 1) / 4 s after the first.
    t.keys(&[":"]);
    t.type_text(&format!("produce-file {d}/all.jsonl --rate 4"));
    let started = std::time::Instant::now();
    t.keys(&["Enter"]);
    t.wait_for("the replay's report", Duration::from_secs(30), |s| {
        s.contains(&format!("{n} delivered"))
    });
    let paced = started.elapsed();
    assert!(
        paced >= Duration::from_secs_f64((n - 1) as f64 / 4.0),
        "{n} records at 4 a second took {paced:?}"
    );
    t.wait_for(
        "the replayed records in the tail",
        Duration::from_secs(30),
        |s| held(s) == Some(2 * n),
    );
    t.keys(&["q"]);
    t.wait_for("a clean exit", Duration::from_secs(15), |s| {
        s.contains("kafka-tui-exited-0")
    });
}
