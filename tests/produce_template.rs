//! Producer templates (issue 13.7): placeholders in the producer's text are filled for every
//! record, by Ctrl+S and by `:produce N`, which publishes N records as a background job with
//! its progress in the status line. The real binary in tmux on the embedded broker; what
//! arrived is read back with `:export`.

mod common;
use common::*;

use std::collections::BTreeSet;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

#[test]
fn produce_n_fills_placeholders_for_each_record() {
    if skip_without_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display().to_string();
    let cmd = format!(
        "env XDG_STATE_HOME={d}/state {} --log-file {d}/log --listen 127.0.0.1:0 -t demo --from beginning; echo kafka-tui-exited-$?; sleep 30",
        binary().display(),
    );
    let t = Tmux::start("produce-n", &cmd, 140, 40);
    let demo = kafka_tui::kafka::embedded::demo::samples(std::time::SystemTime::now()).len() as u64;
    t.wait_for("the demo records", WAIT, |s| held(s) == Some(demo));

    // A typo in a placeholder is named, and nothing is sent.
    t.keys(&["3"]);
    t.type_text("{{uudi}}");
    t.keys(&["C-s"]);
    t.wait_for("the typo named", WAIT, |s| {
        s.contains("{{uudi}} is not a placeholder")
    });
    for _ in 0.."{{uudi}}".len() {
        t.keys(&["BSpace"]);
    }
    // Key and value use {{seq}}: one number per record.
    t.keys(&["Tab"]); // the key
    t.type_text("k-{{seq}}");
    t.keys(&["Tab", "Tab"]); // headers, value
    t.type_text(r#"{"n": {{seq}}, "id": "{{uuid}}", "r": {{random_int 1 6}}, "at": "{{now}}"}"#);
    t.escape();
    t.keys(&[":"]);
    t.type_text("produce 300");
    t.keys(&["Enter"]);
    t.wait_for("the job's end", WAIT, |s| {
        s.contains("300 records → demo: 300 delivered")
    });
    t.wait_for("all in the tail", WAIT, |s| held(s) == Some(demo + 300));
    // Ctrl+S goes on counting.
    t.keys(&["3", "C-s"]);
    t.wait_for("the single delivery", WAIT, |s| {
        s.contains("✔ delivered to demo") && held(s) == Some(demo + 301)
    });
    t.escape();
    t.keys(&[":"]);
    t.type_text(&format!("export {d}/out.jsonl"));
    t.keys(&["Enter"]);
    t.wait_for("the export", WAIT, |s| s.contains("exported"));
    t.quit_cleanly(WAIT);

    let text = std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap();
    let mut seqs = BTreeSet::new();
    let mut ids = BTreeSet::new();
    let mut rolls = BTreeSet::new();
    for line in text.lines() {
        let rec: serde_json::Value = serde_json::from_str(line).unwrap();
        let Some(key) = rec["key"].as_str().filter(|k| k.starts_with("k-")) else {
            continue;
        };
        let value: serde_json::Value = match &rec["value"] {
            serde_json::Value::String(s) => serde_json::from_str(s).unwrap(),
            v => v.clone(),
        };
        let n = value["n"].as_u64().unwrap();
        assert_eq!(key, format!("k-{n}"), "{line}");
        seqs.insert(n);
        ids.insert(value["id"].as_str().unwrap().to_string());
        rolls.insert(value["r"].as_i64().unwrap());
        assert!(value["at"].as_str().unwrap().ends_with('Z'), "{line}");
    }
    assert_eq!(seqs, (1..=301).collect::<BTreeSet<u64>>());
    assert_eq!(ids.len(), 301, "a new UUID per record");
    assert_eq!(rolls, (1..=6).collect::<BTreeSet<i64>>());
}
