//! End to end: the real binary in tmux, driven by keys like a newcomer, read back with
//! `capture-pane`. Locally it is skipped (with a reason) when tmux is missing; in CI it fails.

mod common;
use common::*;

use std::time::Duration;

fn launch(name: &str, args: &str, width: u16, height: u16) -> (Tmux, tempfile::TempDir) {
    launch_on(name, &format!("--listen 127.0.0.1:0 {args}"), width, height)
}

/// The same, with `args` choosing the listen address too.
fn launch_on(name: &str, args: &str, width: u16, height: u16) -> (Tmux, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("kafka-tui.log");
    let cmd = format!(
        "{} --log-file {} {args}; echo kafka-tui-exited-$?; sleep 30",
        binary().display(),
        log.display()
    );
    (Tmux::start(name, &cmd, width, height), dir)
}

#[test]
fn newcomer_publishes_a_record_and_sees_it_in_the_tail() {
    if skip_without_tmux() {
        return;
    }
    let (t, _dir) = launch("publish", "-t demo --from beginning", 120, 36);
    t.wait_for("the demo topic tailing", Duration::from_secs(30), |s| {
        s.contains("connected, 1 broker")
            && s.contains("order-1001")
            && s.contains("hello from the embedded broker")
    });

    t.keys(&["3"]);
    let marker = format!("typed-by-e2e-{}", std::process::id());
    t.type_text(&format!("{{\"note\":\"{marker}\"}}"));
    t.keys(&["C-s"]);
    let screen = t.wait_for(
        "the delivery report and the record in the tail",
        Duration::from_secs(20),
        |s| {
            s.contains("delivered to demo: partition")
                && s.lines().filter(|l| l.contains(&marker)).count() >= 1
        },
    );
    // The record row sits in the tail pane (top half), not only in the editor.
    let row = screen.lines().position(|l| l.contains(&marker)).unwrap();
    assert!(row < 22, "record row should be in the tail pane:\n{screen}");

    // Esc leaves the editor, Enter on the tail opens the record with pretty JSON. Esc goes on
    // its own: a terminal reads Esc followed at once by a key as Alt+key, as it would for a person.
    t.escape();
    t.keys(&["2", "End", "Enter"]);
    t.wait_for(
        "the record detail with pretty JSON",
        Duration::from_secs(10),
        |s| s.contains("\"note\": \"") && s.contains("record demo/"),
    );
    t.escape();
    t.keys(&["?"]);
    t.wait_for("the help screen", Duration::from_secs(10), |s| {
        s.contains("Keys (Esc closes") && s.contains("focus Producer")
    });
    t.escape();
    t.keys(&["q"]);
    t.wait_for("a clean exit", Duration::from_secs(15), |s| {
        s.contains("kafka-tui-exited-0")
    });
}

#[test]
fn logs_pane_shows_the_embedded_broker_log_and_says_there_is_no_zookeeper() {
    if skip_without_tmux() {
        return;
    }
    let (t, _dir) = launch("logs", "", 120, 36);
    t.wait_for("connected", Duration::from_secs(30), |s| {
        s.contains("connected, 1 broker")
    });
    t.keys(&["4"]);
    t.wait_for("mock broker lines", Duration::from_secs(10), |s| {
        s.contains("[MOCK]")
    });
    t.keys(&["s"]);
    t.wait_for("the zookeeper note", Duration::from_secs(10), |s| {
        s.contains("without ZooKeeper") && s.contains("[zookeeper]")
    });
    t.keys(&["q"]);
    t.wait_for("a clean exit", Duration::from_secs(15), |s| {
        s.contains("kafka-tui-exited-0")
    });
}

#[test]
fn unreachable_cluster_says_so_within_seconds_and_still_quits() {
    if skip_without_tmux() {
        return;
    }
    // A port nothing listens on: find one by binding and closing it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (t, _dir) = launch("unreachable", &format!("-b 127.0.0.1:{port}"), 120, 30);
    let screen = t.wait_for("an unreachable message", Duration::from_secs(15), |s| {
        s.contains("cannot reach")
    });
    assert!(screen.contains(&format!("127.0.0.1:{port}")), "{screen}");
    t.keys(&["q"]);
    t.wait_for("a clean exit", Duration::from_secs(15), |s| {
        s.contains("kafka-tui-exited-0")
    });
}

/// The peer started by `.ci/test`, or None locally when it is not running.
fn peer(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Some(v),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "{var} must be set in CI (.ci/test starts the peers)"
            );
            eprintln!(
                "SKIPPED: {var} is not set (run through bash .ci/test to start the real brokers)"
            );
            None
        }
    }
}

/// A named cluster from a config file: the ZooKeeper-mode Kafka of the Confluent quickstart's
/// shape, its log through a command (`docker logs -f broker` would do the same) and ZooKeeper's
/// log file; read-only and coloured. Then `:ctx` switches to the embedded broker.
#[test]
fn named_cluster_from_config_with_broker_and_zookeeper_logs_then_ctx_switch() {
    if skip_without_tmux() {
        return;
    }
    let (Some(kafka), Some(broker_log), Some(zk_log)) = (
        peer("KAFKA_TUI_ZKMODE"),
        peer("KAFKA_TUI_ZKMODE_BROKER_LOG"),
        peer("KAFKA_TUI_ZKMODE_ZK_LOG"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[clusters.quickstart]\nbootstrap = \"{kafka}\"\nbroker_log_cmd = \"tail -n +1 -F {broker_log}\"\n\
             zookeeper_log = \"{zk_log}\"\nread_only = true\ncolor = \"red\"\n"
        ),
    )
    .unwrap();
    let log = dir.path().join("kafka-tui.log");
    let cmd = format!(
        "KAFKA_TUI_CONFIG={} {} --cluster quickstart --listen 127.0.0.1:0 --log-file {}; echo kafka-tui-exited-$?; sleep 30",
        config.display(),
        binary().display(),
        log.display()
    );
    let t = Tmux::start("config", &cmd, 140, 40);
    t.wait_for(
        "the named cluster, read-only",
        Duration::from_secs(30),
        |s| {
            s.contains("cluster quickstart")
                && s.contains("READ-ONLY")
                && s.contains("connected, 1 broker")
        },
    );
    t.keys(&["4"]);
    // Kafka's layout: `[2026-12-04 12:00:00,000] INFO … (kafka.server.KafkaServer)`.
    t.wait_for("the broker's log", Duration::from_secs(15), |s| {
        s.contains("[broker]") && s.contains("] INFO ")
    });
    t.keys(&["s"]);
    t.wait_for("the ZooKeeper log", Duration::from_secs(15), |s| {
        s.contains("org.apache.zookeeper")
    });
    // Read-only: the producer refuses.
    t.keys(&["3"]);
    t.type_text("x");
    t.keys(&["C-s"]);
    t.wait_for("the read-only refusal", Duration::from_secs(10), |s| {
        s.contains("read-only: publishing is disabled")
    });
    t.escape();
    t.type_text(":brokers");
    t.keys(&["Enter"]);
    t.wait_for("the cluster view", Duration::from_secs(15), |s| {
        s.contains("controller") && s.contains(&kafka)
    });
    t.escape();
    t.type_text(":ctx embedded");
    t.keys(&["Enter"]);
    t.wait_for(
        "the switch to the embedded broker",
        Duration::from_secs(30),
        |s| {
            s.contains("switched to embedded")
                && s.contains("embedded broker")
                && !s.contains("READ-ONLY")
        },
    );
    t.keys(&["q"]);
    t.wait_for("a clean exit", Duration::from_secs(15), |s| {
        s.contains("kafka-tui-exited-0")
    });
}

/// An authentication failure (SASL against a broker that does not speak it) is named on
/// screen, the password is not, and the UI keeps working.
#[test]
fn authentication_failure_is_named_and_the_password_never_shown() {
    if skip_without_tmux() {
        return;
    }
    let Some(noida) = peer("KAFKA_TUI_NOIDA") else {
        return;
    };
    let args = format!(
        "-b {noida} -X security.protocol=SASL_PLAINTEXT -X sasl.mechanism=SCRAM-SHA-256 \
         -X sasl.username=ops -X sasl.password=Sup3rS3cret"
    );
    let (t, dir) = launch("auth", &args, 200, 30);
    // Both on one screen: the error and "all brokers down" are two events microseconds
    // apart, and a frame may fall between them.
    let screen = t.wait_for("the authentication error", Duration::from_secs(30), |s| {
        s.contains("SASL authentication") && s.contains("disconnected, retrying")
    });
    assert!(screen.contains("authentication failed"), "{screen}");
    assert!(!screen.contains("Sup3rS3cret"), "{screen}");
    t.keys(&["q"]);
    t.wait_for("a clean exit", Duration::from_secs(15), |s| {
        s.contains("kafka-tui-exited-0")
    });
    let log = std::fs::read_to_string(dir.path().join("kafka-tui.log")).unwrap_or_default();
    assert!(
        !log.contains("Sup3rS3cret"),
        "the password reached the log file"
    );
}

/// Publishes `values` to partition 0 of `topic` (so they keep their order in the tail) on the
/// broker at `addr`, and waits for each acknowledgement.
fn publish(addr: &str, topic: &str, values: &[String]) {
    use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
    let producer: BaseProducer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", addr)
        .create()
        .expect("producer");
    for v in values {
        producer
            .send(
                BaseRecord::<(), str>::to(topic)
                    .partition(0)
                    .payload(v.as_str()),
            )
            .expect("queued");
    }
    producer.flush(Duration::from_secs(15)).expect("delivered");
}

/// The rows of a four-pane screen that are not whole: each row between the header and the
/// status line must begin and end with a pane border, and the top half must hold the border
/// the Topics and Tail panes share. A row pushed past the right edge by characters the
/// terminal draws wider than kafka-tui laid them out ends without its border, and the rest
/// wraps onto the next row, which then begins inside the Topics pane.
fn broken_rows(screen: &str) -> Vec<String> {
    let rows: Vec<&str> = screen.lines().collect();
    let body = &rows[1..rows.len().saturating_sub(1)];
    let split = body.iter().position(|r| r.starts_with('╰')).unwrap_or(0);
    body.iter()
        .enumerate()
        .filter(|(i, r)| {
            let starts = r.starts_with(['│', '╭', '╰']);
            let ends = r.ends_with(['│', '╮', '╯']);
            let shared = *i > split || r.contains("││") || r.contains("╮╭") || r.contains("╯╰");
            !(starts && ends && shared)
        })
        .map(|(i, r)| format!("row {}: {r}", i + 1))
        .collect()
}

/// Issue 14.3, on a real terminal: records full of characters that unicode-width counts as
/// 0 columns and tmux draws in 1 or 2 (soft hyphens, Hangul fillers), emoji that tmux draws
/// apart (a skin tone, a ZWJ family) and a combining accent. Every row keeps its borders, no
/// text lands in the Topics pane, and the record detail shows the stand-ins.
#[test]
fn invisible_characters_in_records_stay_inside_their_pane() {
    if skip_without_tmux() {
        return;
    }
    let port = free_port();
    let (t, _dir) = launch_on(
        "invisible",
        &format!("--listen 127.0.0.1:{port} -t demo --from beginning"),
        120,
        36,
    );
    t.wait_for("the demo topic tailing", Duration::from_secs(30), |s| {
        s.contains("order-1001")
    });
    let fake = "FAKE: topic payments-prod DELETED";
    let values = vec![
        format!("hostile-1 {}{fake}", "\u{AD}".repeat(50)),
        format!("hostile-2 {}{fake}", "\u{3164}".repeat(50)),
        format!("hostile-3 {}{fake}", "\u{FFA0}\u{200B}\u{2060}".repeat(20)),
        format!(
            "hostile-4 {}{fake}",
            "👍\u{1F3FD}👨\u{200D}👩\u{200D}👧".repeat(10)
        ),
        "hostile-5 café with e\u{301} 日本".to_string(),
    ];
    publish(&format!("127.0.0.1:{port}"), "demo", &values);
    t.wait_for(
        "the hostile records in the tail",
        Duration::from_secs(20),
        |s| s.contains("hostile-5"),
    );
    // Give any broken row the chance to show: the screen must be whole on every capture.
    let screen = t.wait_for("every row inside its pane", Duration::from_secs(5), |s| {
        broken_rows(s).is_empty() && s.contains("hostile-5 café with e\u{301} 日本")
    });
    assert!(
        !screen.contains(fake),
        "the hidden text reached the screen:\n{screen}"
    );
    assert!(screen.contains("hostile-1 <U+00AD><U+00AD>"), "{screen}");
    assert!(screen.contains("hostile-2 <U+3164>"), "{screen}");
    assert!(
        screen.contains("hostile-4 👍<U+1F3FD>👨<U+200D>👩"),
        "{screen}"
    );
    let topics_row = screen.lines().find(|l| l.contains("▶ demo")).unwrap_or("");
    assert!(topics_row.starts_with("│▶ demo"), "{screen}");

    // The record detail shows the whole value: the stand-ins, then the hidden words, inside
    // the Tail pane.
    t.keys(&["2", "End", "Up", "Up", "Up", "Up", "Enter"]);
    let screen = t.wait_for("the record detail", Duration::from_secs(10), |s| {
        s.contains("record demo/0@") && s.contains("hostile-1 <U+00AD>")
    });
    assert!(broken_rows(&screen).is_empty(), "{screen}");
    t.escape();
    t.quit_cleanly(Duration::from_secs(15));
}

/// Issue 9.4 (and 14.7): a bracketed paste of 5 KB over many lines (tmux `paste-buffer -p`)
/// lands in the producer whole, at once, with no key after it; published, the record holds
/// every byte. A paste where nothing takes text (the Topics pane) is ignored: a pasted `q`
/// does not quit.
#[test]
fn a_bracketed_paste_lands_in_the_producer_whole() {
    if skip_without_tmux() {
        return;
    }
    let (t, dir) = launch("paste", "-t demo --from beginning", 120, 36);
    t.wait_for("the demo topic tailing", Duration::from_secs(30), |s| {
        s.contains("order-1001")
    });
    let paste = |text: &str| {
        let file = dir.path().join("paste.txt");
        std::fs::write(&file, text).unwrap();
        let file = file.display().to_string();
        assert!(t.tmux(&["load-buffer", &file]).status.success());
        assert!(t
            .tmux(&["paste-buffer", "-p", "-t", "paste"])
            .status
            .success());
    };

    // In the Topics pane: ignored, and said so.
    t.keys(&["1"]);
    paste("q");
    t.wait_for("the paste refused", Duration::from_secs(10), |s| {
        s.contains("pasted text ignored")
    });

    t.keys(&["3"]);
    let line = format!("{{\"line\":\"{}\"}}", "p".repeat(86)); // 99 bytes
    let mut text: String = (0..50).map(|_| format!("{line}\n")).collect();
    text.push_str("END-OF-PASTE");
    paste(&text);
    // The editor follows its cursor to the end: the last line shows without another key.
    t.wait_for(
        "the end of the paste in the editor",
        Duration::from_secs(10),
        |s| s.contains("END-OF-PASTE"),
    );
    // JSON Lines opens like JSON and is not one JSON value: refused once, with where it
    // breaks; Ctrl+S again sends it as it is.
    t.keys(&["C-s"]);
    t.wait_for("the JSON check", Duration::from_secs(10), |s| {
        s.contains("the value is not JSON: line 2, column 1")
    });
    t.keys(&["C-s"]);
    t.wait_for("the delivery", Duration::from_secs(20), |s| {
        s.contains("delivered to demo")
    });
    t.escape();
    t.keys(&["2", "End", "Enter"]);
    let bytes = format!("value     {} bytes", text.len());
    t.wait_for(
        "the record with every pasted byte",
        Duration::from_secs(10),
        |s| s.contains(&bytes),
    );
    t.escape();
    t.quit_cleanly(Duration::from_secs(15));
}

/// Issue 14.3, for every code point: each one (alone, and after `a`) is sanitized and drawn in
/// tmux, and the cursor read back (`ESC [6n`) says how many cells tmux used. No text kafka-tui
/// draws may take more cells than its layout gave it (that is what pushes a row out of its
/// pane); fewer is allowed only for a character tmux does not know (drawn 0 wide: assigned
/// after the terminal's Unicode tables), which shortens its row inside the pane.
#[test]
fn no_code_point_is_drawn_wider_in_tmux_than_laid_out() {
    const PROBE: &str = "no_code_point_is_drawn_wider_in_tmux_than_laid_out";
    if let Some(out) = std::env::var_os("KT_WIDTH_PROBE_OUT") {
        return width_probe(std::path::Path::new(&out));
    }
    if skip_without_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("widths.txt");
    let exe = std::env::current_exe().unwrap();
    let cmd = format!(
        "KT_WIDTH_PROBE_OUT={} {} --exact {PROBE} --nocapture --test-threads=1 >/dev/null; echo probe-done-$?; sleep 30",
        sh_quote(&out.display().to_string()),
        sh_quote(&exe.display().to_string()),
    );
    let t = Tmux::start("widths", &cmd, 200, 10);
    t.wait_for(
        "the probe of every code point",
        Duration::from_secs(300),
        |s| s.contains("probe-done-"),
    );
    let report = std::fs::read_to_string(&out).expect("the probe wrote its report");
    let (mut drawn, mut unknown, mut wider) = (0, 0, Vec::new());
    for line in report.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        let (tmux, laid_out): (usize, usize) = (f[2].parse().unwrap(), f[3].parse().unwrap());
        drawn += 1;
        if tmux > laid_out {
            wider.push(line.to_string());
        } else if tmux < laid_out {
            // Only a character tmux draws 0 wide on its own may come out narrower.
            assert_eq!(f[4], "0", "narrower, yet tmux knows it: {line}");
            unknown += 1;
        }
    }
    assert!(
        drawn > 2_000_000,
        "the probe covered every code point twice: {drawn}"
    );
    assert!(
        wider.is_empty(),
        "{} texts drawn wider than laid out (cp context tmux laid-out raw), first: {:?}",
        wider.len(),
        &wider[..wider.len().min(20)]
    );
    eprintln!("{drawn} texts drawn; {unknown} narrower (code points tmux does not know)");
}

/// The child side of the probe, inside tmux: writes `cp context tmux-cells laid-out-cells
/// raw-alone-cells` per code point and context to `out`.
fn width_probe(out: &std::path::Path) {
    use kafka_tui::text::sanitize_inline;
    use std::io::{Read, Write};
    use unicode_width::UnicodeWidthStr;
    crossterm::terminal::enable_raw_mode().unwrap();
    // The terminal itself: the test harness's stdout is not.
    let mut stdout = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/tty")
        .unwrap();
    let mut stdin = std::fs::File::open("/dev/tty").unwrap();
    // Cursor column after drawing `text` at the start of a cleared line, for each text.
    let mut measure = |texts: &[String]| -> Vec<usize> {
        let mut batch = String::new();
        for t in texts {
            batch.push_str("\r\x1b[2K");
            batch.push_str(t);
            batch.push_str("\x1b[6n");
        }
        stdout.write_all(batch.as_bytes()).unwrap();
        stdout.flush().unwrap();
        let mut cols = Vec::with_capacity(texts.len());
        let mut pending = Vec::new();
        let mut buf = [0u8; 65536];
        while cols.len() < texts.len() {
            let n = stdin.read(&mut buf).unwrap();
            pending.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&pending).into_owned();
            let mut rest = text.as_str();
            while let Some(end) = rest.find('R') {
                let reply = &rest[..end];
                if let Some((_, col)) = reply.rsplit_once(';') {
                    cols.push(col.parse::<usize>().unwrap() - 1);
                }
                rest = &rest[end + 1..];
            }
            pending = rest.as_bytes().to_vec();
        }
        cols
    };
    let mut report = String::new();
    let chars: Vec<char> = (0..=0x10FFFFu32).filter_map(char::from_u32).collect();
    for chunk in chars.chunks(400) {
        let alone: Vec<String> = chunk
            .iter()
            .map(|c| sanitize_inline(&c.to_string()))
            .collect();
        let after: Vec<String> = chunk
            .iter()
            .map(|c| sanitize_inline(&format!("a{c}")))
            .collect();
        // The raw character alone, where it is drawn as itself (never a control).
        let raw: Vec<String> = chunk
            .iter()
            .zip(&alone)
            .map(|(c, s)| {
                if *s == c.to_string() {
                    s.clone()
                } else {
                    "?".into()
                }
            })
            .collect();
        let (a, b, r) = (measure(&alone), measure(&after), measure(&raw));
        for (i, c) in chunk.iter().enumerate() {
            report.push_str(&format!(
                "{:x} alone {} {} {}\n",
                *c as u32,
                a[i],
                alone[i].width(),
                r[i]
            ));
            report.push_str(&format!(
                "{:x} after-a {} {} {}\n",
                *c as u32,
                b[i],
                after[i].width(),
                r[i]
            ));
        }
    }
    crossterm::terminal::disable_raw_mode().unwrap();
    std::fs::write(out, report).unwrap();
}

/// kafka-tui on the embedded broker at `port`, tailing `demo` from the beginning, with a home
/// of its own (HOME and the XDG directories in the returned directory) and `env` (`NAME=value`
/// words, quoted for sh) added to its environment.
fn launch_at_home(
    name: &str,
    port: u16,
    env: &str,
    width: u16,
    height: u16,
) -> (Tmux, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    let cmd = format!(
        "env HOME={d} XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state KAFKA_TUI_CONFIG= {env} \
         {} --log-file {d}/kafka-tui.log --listen 127.0.0.1:{port} -t demo --from beginning; \
         echo kafka-tui-exited-$?; sleep 30",
        binary().display(),
    );
    (Tmux::start(name, &cmd, width, height), dir)
}

/// Publishes one record with a key to partition 0 of `topic`, and waits for its acknowledgement.
fn publish_keyed(addr: &str, topic: &str, key: &str, value: &str) {
    use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
    let producer: BaseProducer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", addr)
        .create()
        .expect("producer");
    producer
        .send(BaseRecord::to(topic).partition(0).key(key).payload(value))
        .expect("queued");
    producer.flush(Duration::from_secs(15)).expect("delivered");
}

/// The tail's newest record (`key`, `value`, published to `demo` partition 0), opened in the
/// detail: its offset, and the leader epoch the detail shows (None: "unknown").
fn open_newest(t: &Tmux, port: u16, key: &str, value: &str) -> (i64, Option<i64>) {
    t.wait_for("the demo topic tailing", Duration::from_secs(30), |s| {
        s.contains("order-1001")
    });
    publish_keyed(&format!("127.0.0.1:{port}"), "demo", key, value);
    t.wait_for("the record in the tail", Duration::from_secs(20), |s| {
        s.contains(key)
    });
    t.keys(&["2", "End", "Enter"]);
    let screen = t.wait_for("the record detail", Duration::from_secs(10), |s| {
        s.contains("record demo/0@") && s.contains(key) && s.contains("leader epoch ")
    });
    let after = |s: &str, marker: &str| -> String {
        let at = s.find(marker).unwrap() + marker.len();
        s[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect()
    };
    let offset = after(&screen, "record demo/0@").parse().unwrap();
    let epoch = after(&screen, "leader epoch ");
    let epoch = (epoch != "unknown").then(|| epoch.parse().expect("a number or unknown"));
    (offset, epoch)
}

/// The Tail pane's rows (right of Topics, down to its bottom border), a relative time
/// ("(3s ago)") left out: it moves on by itself.
fn detail_pane(screen: &str) -> Vec<String> {
    let mut rows = Vec::new();
    for line in screen.lines().skip(1) {
        let Some((_, right)) = line.split_once("││").or_else(|| line.split_once("╮╭"))
        else {
            if line.starts_with('╰') {
                break;
            }
            continue;
        };
        let mut row = right.to_string();
        if let Some(end) = row.find(" ago)") {
            if let Some(start) = row[..end].rfind('(') {
                row.replace_range(start..end + " ago)".len(), "");
            }
        }
        rows.push(row);
        if line.starts_with('╰') {
            break;
        }
    }
    rows
}

/// `Y` in the record detail: the whole record as JSON reaches the terminal's clipboard through
/// OSC 52 (tmux, with `set-clipboard on`, decodes the base64 into its paste buffer): topic,
/// partition, offset, key, value and the leader epoch, as the detail shows them.
#[test]
fn capital_y_copies_the_record_as_json_through_osc_52() {
    if skip_without_tmux() {
        return;
    }
    let port = free_port();
    let (t, _dir) = launch_at_home("copy-record", port, "", 120, 36);
    t.tmux(&["set", "-g", "set-clipboard", "on"]);
    let key = format!("copy-key-{}", std::process::id());
    let value = r#"{"copied":"the whole record","n":7}"#;
    let (offset, epoch) = open_newest(&t, port, &key, value);
    t.keys(&["Y"]);
    t.wait_for("the copy's message", Duration::from_secs(10), |s| {
        s.contains("copied the record as JSON")
    });
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let copied: serde_json::Value = loop {
        let out = t.tmux(&["show-buffer"]);
        if let Ok(v) = serde_json::from_slice(&out.stdout) {
            break v;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "tmux buffer: {:?} {:?}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(copied["topic"], "demo", "{copied}");
    assert_eq!(copied["partition"], 0, "{copied}");
    assert_eq!(copied["offset"], offset, "{copied}");
    assert_eq!(copied["key"], key.as_str(), "{copied}");
    assert_eq!(copied["value"], value, "{copied}");
    assert!(copied["timestamp_ms"].is_i64(), "{copied}");
    assert_eq!(
        copied["leader_epoch"],
        epoch.map_or(serde_json::Value::Null, Into::into),
        "{copied}"
    );
    t.quit_cleanly(Duration::from_secs(15));
}

/// `e` in the record detail: `$EDITOR` gets a file holding the value (a script that copies
/// it to a marker file and exits), and the detail comes back whole afterwards, on the
/// alternate screen, with the file removed.
#[test]
fn e_opens_the_value_in_the_editor_and_the_detail_comes_back() {
    if skip_without_tmux() {
        return;
    }
    let scratch = tempfile::tempdir().unwrap();
    let got = scratch.path().join("editor-got");
    let arg = scratch.path().join("editor-arg");
    let editor = scratch.path().join("editor.sh");
    std::fs::write(
        &editor,
        format!(
            "#!/bin/sh\nprintf '%s' \"$1\" > {arg}\ncp \"$1\" {got}.part && mv {got}.part {got}\n",
            arg = sh_quote(&arg.display().to_string()),
            got = sh_quote(&got.display().to_string()),
        ),
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let port = free_port();
    let env = format!("EDITOR={}", sh_quote(&editor.display().to_string()));
    let (t, _dir) = launch_at_home("editor", port, &env, 120, 36);
    let key = format!("edit-key-{}", std::process::id());
    let value = format!("{{\"edit\":\"me\",\"pid\":{}}}", std::process::id());
    let (offset, _) = open_newest(&t, port, &key, &value);
    let before = t.capture();
    t.keys(&["e"]);
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while !got.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "the editor was not run; screen:\n{}",
            t.capture()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(std::fs::read_to_string(&got).unwrap(), value);
    // The detail as it was before the editor ran (the status line says where it came back
    // from; the Logs pane may have moved on meanwhile).
    let detail = detail_pane(&before);
    let screen = t.wait_for("the detail back", Duration::from_secs(10), |s| {
        s.contains("back from") && broken_rows(s).is_empty() && detail_pane(s) == detail
    });
    assert!(detail
        .iter()
        .any(|r| r.contains(&format!("record demo/0@{offset}"))));
    assert!(
        detail.iter().any(|r| r.contains("\"edit\": \"me\",")),
        "{screen}"
    );
    assert_eq!(t.display("#{alternate_on}"), "1", "{screen}");
    let path = std::fs::read_to_string(&arg).unwrap();
    assert!(
        !std::path::Path::new(&path).exists(),
        "the value's file {path} was left behind"
    );
    t.quit_cleanly(Duration::from_secs(15));
}
