//! Keys and layout from the config file (issue 13.3, 13.10): `[keys.CONTEXT]` binds and
//! unbinds, `?` and the status line follow, a mistake stops the start with its place named;
//! `[layout]` arranges the panes and `:layout save` writes the one on screen back, keeping
//! the file's comments. The real binary, in tmux where there is a screen to look at.

mod common;
use common::*;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

fn start(home: &std::path::Path, config: &std::path::Path, name: &str) -> Tmux {
    let cmd = format!(
        "env XDG_STATE_HOME={home}/state KAFKA_TUI_CONFIG={config} {bin} --no-history --log-file {home}/kafka-tui.log --listen 127.0.0.1:0; echo kafka-tui-exited-$?; sleep 30",
        home = home.display(),
        config = config.display(),
        bin = binary().display(),
    );
    let t = Tmux::start(name, &cmd, 120, 36);
    t.wait_for("the demo topic", WAIT, |s| s.contains("demo"));
    t
}

/// The column where the Topics pane's top border ends (its right corner).
fn topics_right_edge(screen: &str) -> usize {
    let top = screen.lines().nth(1).unwrap_or("");
    top.chars().position(|c| c == '╮').unwrap_or(0)
}

#[test]
fn configured_keys_act_show_in_help_and_the_layout_is_read_and_saved() {
    if skip_without_tmux() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        "# my settings\n[keys.topics]\n\"x\" = \"describe\"\n\"d\" = \"none\"\n\n[keys.global]\n\"ctrl-t\" = \"toggle_zoom\"\n\n[layout]\nsplit = 50 # half\n",
    )
    .unwrap();
    let t = start(home.path(), &config, "keys");
    let s = t.capture();
    // split = 50: the Topics pane ends in the middle of the 120 columns.
    assert!((58..=61).contains(&topics_right_edge(&s)), "{s}");
    // `d` no longer describes; `x` does.
    t.keys(&["d"]);
    std::thread::sleep(Duration::from_millis(300)); // nothing to wait for: it must not open
                                                    // The detail's title, not "Topic demo": the Logs pane shows librdkafka's lines about the
                                                    // topic ("Topic demo [0]: joining broker").
    let s = t.capture();
    assert!(!s.contains("demo · Esc back"), "{s}");
    t.keys(&["x"]);
    t.wait_for("the topic detail by x", WAIT, |s| {
        s.contains("demo · Esc back")
    });
    t.escape();
    // The help lists x for describe, and Ctrl+T for zoom beside z.
    t.keys(&["?"]);
    t.wait_for("x in the help", WAIT, |s| {
        s.lines()
            .any(|l| l.contains("  x ") && l.contains("partitions"))
    });
    t.escape();
    t.keys(&["C-t"]);
    t.wait_for("zoomed by Ctrl+T", WAIT, |s| {
        s.contains("1 Topics") && !s.contains("2 Tail")
    });
    t.keys(&["C-t", "+", "+"]);
    t.type_text(":layout save");
    t.keys(&["Enter"]);
    t.wait_for("the layout saved", WAIT, |s| s.contains("saved to"));
    let saved = std::fs::read_to_string(&config).unwrap();
    assert!(
        saved.starts_with("# my settings\n[keys.topics]\n"),
        "{saved}"
    );
    assert!(saved.contains("split = 50 # half\n"), "{saved}");
    assert!(
        saved.contains("height = 70\n") && saved.contains("zoom = \"none\""),
        "{saved}"
    );
    t.quit_cleanly(WAIT);
}

/// A mistake in `[keys]` or `[layout]` stops the start before the terminal is taken, with the
/// file, the table and what is wrong.
#[test]
fn mistakes_in_keys_or_layout_are_named_at_start() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    for (text, said) in [
        (
            "[keys.tail]\n\"j\" = \"dwon\"\n",
            "[keys.tail] \"j\" = \"dwon\": no such action",
        ),
        (
            "[keys.editing]\n\"x\" = \"publish\"\n",
            "a plain key there could no longer be typed",
        ),
        (
            "[keys.tial]\n\"j\" = \"down\"\n",
            "[keys.tial]: no such context",
        ),
        (
            "[layout]\nsplit = 3\n",
            "[layout] split = 3: give a percentage from 10 to 90",
        ),
        ("[layout]\nwidth = 3\n", "unknown field `width`"),
    ] {
        std::fs::write(&config, text).unwrap();
        let out = std::process::Command::new(binary())
            .env("KAFKA_TUI_CONFIG", &config)
            .env("XDG_STATE_HOME", home.path().join("state"))
            .args(["--log-file"])
            .arg(home.path().join("kafka-tui.log"))
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{text}: {err}");
        assert!(err.contains(said), "{text}: {err}");
        assert!(err.contains(&config.display().to_string()), "{text}: {err}");
    }
}
