//! Terminal injection (issue 6, point 3): record keys, values, header names and values, topic
//! names, group ids, log lines and error texts come from programs kafka-tui does not control.
//! A corpus of escape sequences and control characters is put in each, every pane and view is
//! drawn on ratatui's `TestBackend` at several sizes, and:
//!
//! - no cell may hold a control character (`char::is_control`) or a bidi control: either would
//!   reach the real terminal verbatim and act on it;
//! - where the text is shown, the stand-in is readable: `\x1b` is drawn as `␛`, U+009B as
//!   `<U+009B>`, as `kafka::codec` promises;
//! - no cell holds a character whose width a terminal sees otherwise than ratatui laid it out
//!   (default-ignorables, zero-width characters other than combining marks on a base, emoji
//!   with skin tones): such a cell pushes the rest of its row past the pane's border.

mod common;
use common::buffer_text;

use std::time::{Duration, UNIX_EPOCH};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kafka_tui::action::Action;
use kafka_tui::app::{App, ClusterView, Connection};
use kafka_tui::event::{Event, KafkaEvent, LogEvent};
use kafka_tui::kafka::api::{ErrorKind, KafkaError, KafkaHandle};
use kafka_tui::model::StartFrom;
use kafka_tui::model::{ClusterSnapshot, Delivery, Header, PartitionInfo, Record, TopicInfo};
use kafka_tui::model::{ConfigItem, PartitionDetail, TopicDetail};
use kafka_tui::model::{GroupDetail, GroupSummary, Member, PartitionLag};
use kafka_tui::state::logs::LogsState;
use kafka_tui::state::tail::TailState;
use kafka_tui::state::Pane;
use kafka_tui::text::Format;
use kafka_tui::theme::Theme;
use kafka_tui::ui;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;

const NOW_SECS: u64 = 1_700_000_000;
/// Big enough for every stand-in to be drawn whole, then the common sizes, compact, minimum.
const SIZES: [(u16, u16); 5] = [(200, 60), (120, 36), (80, 24), (40, 12), (24, 6)];
const LARGE: (u16, u16) = SIZES[0];
const FORMATS: [Format; 4] = [Format::Auto, Format::Text, Format::Json, Format::Hex];

// ---------------------------------------------------------------------------------------------
// The corpus
// ---------------------------------------------------------------------------------------------

/// One hostile payload and what a person must see instead (inline, escaped as text).
struct Sample {
    name: &'static str,
    bytes: Vec<u8>,
    shown: &'static str,
}

impl Sample {
    /// The payload where a `String` is needed (topic names, group ids, log lines).
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

#[rustfmt::skip]
fn corpus() -> Vec<Sample> {
    let s = |name, bytes: &[u8], shown| Sample { name, bytes: bytes.to_vec(), shown };
    vec![
        s("CSI clear screen",   b"\x1b[2J\x1b[H",                 "␛[2J␛[H"),
        s("CSI cursor moves",   b"\x1b[5;5H\x1b[3A\x1b[K",        "␛[5;5H␛[3A␛[K"),
        s("OSC 0 title",        b"\x1b]0;pwned\x07",              "␛]0;pwned␇"),
        s("OSC 2 title, ST",    b"\x1b]2;pwned\x1b\\",            "␛]2;pwned␛\\"),
        s("OSC 8 hyperlink",    b"\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\", "␛]8;;https://evil.example/␛\\click"),
        s("OSC 52 clipboard",   b"\x1b]52;c;cm0gLXJmIH4K\x07",    "␛]52;c;cm0gLXJmIH4K␇"),
        s("DCS",                b"\x1bP$q\"p\x1b\\",              "␛P$q\"p␛\\"),
        s("BEL",                b"ding\x07dong",                  "ding␇dong"),
        s("backspace",          b"secret\x08\x08\x08\x08\x08\x08public", "secret␈␈␈␈␈␈public"),
        s("carriage return",    b"innocent\rEVIL",                "innocent␍EVIL"),
        s("DEL",                b"rub\x7fout",                    "rub␡out"),
        s("NUL",                b"nul\x00here\x1b[31m",           "nul␀here␛[31m"),
        s("C1 CSI (U+009B)",    "a\u{9b}2Jb".as_bytes(),          "a<U+009B>2Jb"),
        s("C1 OSC and ST",      "\u{9d}0;t\u{9c}".as_bytes(),     "<U+009D>0;t<U+009C>"),
        s("C1 NEL",             "x\u{85}y".as_bytes(),            "x<U+0085>y"),
        s("bidi override",      "invoice.\u{202e}fdp.exe".as_bytes(), "invoice.<U+202E>fdp.exe"),
        s("bidi isolates",      "\u{2066}a\u{2069}\u{2067}b\u{2069}".as_bytes(), "<U+2066>a<U+2069><U+2067>b<U+2069>"),
        s("invalid UTF-8",      b"ok\xff\xfe\x1b[2J",             "ok\u{fffd}\u{fffd}␛[2J"),
        // Zero columns to unicode-width, one or two to a terminal (issue 14.3).
        s("soft hyphens",       "pay\u{AD}\u{AD}\u{AD}ment".as_bytes(), "pay<U+00AD><U+00AD><U+00AD>ment"),
        s("Hangul fillers",     "\u{3164}\u{FFA0}\u{115F}\u{1160}x".as_bytes(), "<U+3164><U+FFA0><U+115F><U+1160>x"),
        s("zero-width joiners", "a\u{200B}b\u{200C}c\u{200D}d\u{2060}e\u{FEFF}".as_bytes(), "a<U+200B>b<U+200C>c<U+200D>d<U+2060>e<U+FEFF>"),
        s("selectors and tags", "x\u{FE0F}\u{E0100}\u{E0041}".as_bytes(), "x<U+FE0F><U+E0100><U+E0041>"),
        s("emoji modifier",     "ok\u{1F44D}\u{1F3FD}".as_bytes(), "ok\u{1F44D}<U+1F3FD>"),
        s("zero-width letters", "a\u{302E}\u{D4E}\u{605}".as_bytes(), "a<U+302E><U+0D4E><U+0605>"),
        s("mark on a stand-in", "x\u{AD}\u{301}e\u{301}".as_bytes(), "x<U+00AD><U+0301>e\u{301}"),
    ]
}

// ---------------------------------------------------------------------------------------------
// Fixture
// ---------------------------------------------------------------------------------------------

fn kafka(app: &mut App, event: KafkaEvent) {
    app.handle_event(Event::Kafka(event));
}

fn topic_info(name: String) -> TopicInfo {
    TopicInfo {
        name,
        partitions: vec![PartitionInfo {
            id: 0,
            leader: 1,
            watermarks: Some((0, 3)),
            under_replicated: false,
        }],
        error: None,
    }
}

/// A record on `topic` whose key, value, header name and header value are all `bytes`.
fn record(topic: &str, offset: i64, bytes: &[u8]) -> Record {
    Record {
        topic: topic.into(),
        partition: 0,
        offset,
        timestamp_ms: Some((NOW_SECS as i64 - 5) * 1000),
        leader_epoch: None,
        key: Some(bytes.to_vec()),
        value: Some(bytes.to_vec()),
        headers: vec![Header {
            name: String::from_utf8_lossy(bytes).into_owned(),
            value: Some(bytes.to_vec()),
        }],
    }
}

/// A connected app, not yet tailing, with a "broker" log source.
fn app_with_topics(topics: Vec<String>) -> App {
    let cluster = ClusterView {
        label: "cluster".into(),
        address: "127.0.0.1:9092".into(),
        embedded: None,
        connection: Connection::Connecting,
        last_error: None,
    };
    let logs = LogsState::new(vec![("broker".into(), "file server.log".into())], 1000);
    let tail = TailState::new(10_000, 64 << 20);
    let mut app = App::new(
        KafkaHandle::detached().0,
        cluster,
        logs,
        tail,
        Theme::builtin("dark"),
    );
    app.now = UNIX_EPOCH + Duration::from_secs(NOW_SECS);
    let snapshot = ClusterSnapshot {
        brokers: 1,
        topics: topics.into_iter().map(topic_info).collect(),
    };
    kafka(&mut app, KafkaEvent::Topics(Ok(snapshot)));
    app
}

/// `app` tailing `topic`, holding `records`.
fn tailing(mut app: App, topic: &str, records: Vec<Record>) -> App {
    app.start_tail(topic.into(), StartFrom::Beginning);
    let generation = app.tail.generation;
    kafka(
        &mut app,
        KafkaEvent::TailStarted {
            generation,
            partitions: 1,
            topics: Vec::new(),
            notice: None,
        },
    );
    kafka(
        &mut app,
        KafkaEvent::Records {
            generation,
            records,
        },
    );
    app
}

/// A safe topic tailed, holding one hostile record per sample.
fn app_with_hostile_records() -> App {
    let records = corpus()
        .iter()
        .enumerate()
        .map(|(i, s)| record("demo", i as i64, &s.bytes))
        .collect();
    tailing(app_with_topics(vec!["demo".into()]), "demo", records)
}

fn press(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

// ---------------------------------------------------------------------------------------------
// Rendering and checks
// ---------------------------------------------------------------------------------------------

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Default_Ignorable_Code_Point, written out here again so the check does not trust the code
/// it checks.
fn is_default_ignorable(c: char) -> bool {
    matches!(c as u32,
        0xAD | 0x34F | 0x61C | 0x115F..=0x1160 | 0x17B4..=0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
        | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFF8 | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
        | 0xE0000..=0xE0FFF)
}

/// Why a cell would not take on a terminal the columns ratatui laid it out in, if it would
/// not: it holds a default-ignorable character, a zero-width character that is not a
/// combining mark on the character before it, or characters whose width together differs
/// from the sum of their widths (an emoji with its skin tone: 2 for unicode-width, 4 in tmux).
fn unfaithful(symbol: &str) -> Option<String> {
    use unicode_properties::{GeneralCategory as G, UnicodeGeneralCategory};
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    let mut sum = 0;
    for (i, c) in symbol.chars().enumerate() {
        if is_default_ignorable(c) {
            return Some(format!("default-ignorable {c:?}"));
        }
        let w = c.width().unwrap_or(0);
        let mark = matches!(c.general_category(), G::NonspacingMark | G::EnclosingMark);
        if w == 0 && (i == 0 || !mark) {
            return Some(format!("zero-width {c:?} that is not a mark on a base"));
        }
        sum += w;
    }
    (symbol.width() != sum).then(|| {
        format!(
            "{symbol:?} is {} wide, its characters {sum}",
            symbol.width()
        )
    })
}

/// Draws apps and collects every way a drawing fails, so one run names every unsafe surface
/// instead of the first one only; `finish` fails the test with the whole list.
#[derive(Default)]
struct Inspector {
    failures: Vec<String>,
}

impl Inspector {
    /// Draws `app` at `size`; records `what` if any cell would act on the terminal.
    fn render(&mut self, app: &mut App, (w, h): (u16, u16), what: &str) -> Buffer {
        app.handle_event(Event::Resize(w, h));
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
        terminal.draw(|f| ui::draw(f, app)).expect("draw");
        let buffer = terminal.backend().buffer().clone();
        let screen = buffer_text(&buffer);
        let rows: Vec<&str> = screen.lines().collect();
        let bad: Vec<String> = (0..buffer.area.height)
            .filter_map(|y| {
                let c = (0..buffer.area.width)
                    .flat_map(|x| buffer[(x, y)].symbol().chars())
                    .find(|&c| c.is_control() || is_bidi_control(c))?;
                Some(format!("{c:?} in row {y} {:?}", rows[y as usize].trim()))
            })
            .collect();
        if !bad.is_empty() {
            self.failures
                .push(format!("{what} at {w}x{h}: {}", bad.join("; ")));
        }
        let wide: Vec<String> = (0..buffer.area.height)
            .filter_map(|y| {
                let why =
                    (0..buffer.area.width).find_map(|x| unfaithful(buffer[(x, y)].symbol()))?;
                Some(format!("{why} in row {y} {:?}", rows[y as usize].trim()))
            })
            .collect();
        if !wide.is_empty() {
            self.failures
                .push(format!("{what} at {w}x{h}: {}", wide.join("; ")));
        }
        buffer
    }

    /// Renders at every size in `SIZES`.
    fn render_all_sizes(&mut self, app: &mut App, what: &str) {
        for size in SIZES {
            self.render(app, size, what);
        }
    }

    /// Every pane focused in turn, every tail format, every size.
    fn render_every_pane(&mut self, app: &mut App, what: &str) {
        for pane in Pane::ALL {
            app.update(Action::Focus(pane));
            for format in FORMATS {
                app.tail.format = format;
                let what = format!("{what}, {} focused, {format:?}", pane.title());
                self.render_all_sizes(app, &what);
            }
        }
        app.update(Action::Back);
    }

    /// Renders large and records `what` unless the stand-in of `sample` is on screen `times`.
    fn expect_shown(&mut self, app: &mut App, sample: &Sample, times: usize, what: &str) {
        let screen = buffer_text(&self.render(app, LARGE, what));
        let found = screen.matches(sample.shown).count();
        if found < times {
            self.failures.push(format!(
                "{what}: {:?} should be shown as {:?} ({times}x, found {found}x)",
                sample.name, sample.shown
            ));
        }
    }

    /// Fails with the number of bad drawings and the first few, one per line.
    fn finish(self) {
        const SHOWN: usize = 20;
        assert!(
            self.failures.is_empty(),
            "{} unsafe or unreadable drawings; the first {SHOWN}:\n{}",
            self.failures.len(),
            self.failures[..self.failures.len().min(SHOWN)].join("\n")
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[test]
fn record_keys_values_and_headers_are_inert_in_every_pane() {
    let mut check = Inspector::default();
    check.render_every_pane(&mut app_with_hostile_records(), "hostile records");
    check.finish();
}

#[test]
fn record_detail_is_inert_in_every_format_and_size() {
    let mut check = Inspector::default();
    let mut app = app_with_hostile_records();
    app.update(Action::Focus(Pane::Tail));
    app.update(Action::Top);
    for sample in corpus() {
        app.update(Action::Select);
        for format in FORMATS {
            app.tail.format = format;
            let what = format!("record detail of {:?} as {format:?}", sample.name);
            check.render_all_sizes(&mut app, &what);
        }
        app.update(Action::Back);
        app.update(Action::Down);
    }
    check.finish();
}

#[test]
fn record_keys_values_and_headers_show_readable_stand_ins() {
    let mut check = Inspector::default();
    for (i, sample) in corpus().iter().enumerate() {
        let records = vec![record("demo", i as i64, &sample.bytes)];
        let mut app = tailing(app_with_topics(vec!["demo".into()]), "demo", records);
        app.update(Action::Focus(Pane::Tail));
        app.update(Action::Select);
        app.tail.format = Format::Text;
        // The key line, the header line (name = value) and the value line each show it.
        check.expect_shown(&mut app, sample, 4, "record detail as text");
    }
    check.finish();
}

#[test]
fn log_lines_and_source_status_are_inert_and_readable() {
    let mut check = Inspector::default();
    let mut app = app_with_topics(vec!["demo".into()]);
    let lines = corpus()
        .iter()
        .map(|s| format!("INFO {}", s.text()))
        .collect();
    app.handle_event(Event::Log(LogEvent::Lines { source: 0, lines }));
    check.render_every_pane(&mut app, "hostile log lines");
    // One line at a time for the readable check: the corpus is taller than the pane.
    for sample in corpus() {
        // The Logs pane draws SGR colour codes (as `docker logs` prints them) instead of
        // showing them; every other sequence stays visible.
        let sample = match sample.name {
            "NUL" => Sample {
                shown: "nul␀here",
                ..sample
            },
            _ => sample,
        };
        let mut app = app_with_topics(vec!["demo".into()]);
        let lines = vec![format!("INFO {}", sample.text())];
        app.handle_event(Event::Log(LogEvent::Lines { source: 0, lines }));
        app.update(Action::Focus(Pane::Logs));
        for wrap in [false, true] {
            app.logs.wrap = wrap;
            check.expect_shown(&mut app, &sample, 1, &format!("log line (wrap {wrap})"));
        }
    }
    app.update(Action::Focus(Pane::Logs));
    for sample in corpus() {
        let text = format!("`tail -F` says {}", sample.text());
        app.handle_event(Event::Log(LogEvent::Status { source: 0, text }));
        check.render_all_sizes(&mut app, &format!("log status {:?}", sample.name));
        check.expect_shown(&mut app, &sample, 1, "log source status");
    }
    check.finish();
}

/// Topic names come from the cluster's metadata: a broker that does not validate them (or a
/// hostile one) can put anything there. They appear in Topics, the tail and producer titles,
/// the record detail, the topic view and dialogs.
#[test]
fn topic_names_are_inert_and_readable() {
    let mut check = Inspector::default();
    let names: Vec<String> = corpus().iter().map(|s| format!("t-{}", s.text())).collect();
    for (sample, name) in corpus().iter().zip(&names) {
        let mut app = app_with_topics(names.clone());
        assert!(app.topics.select_name(name), "{name:?} is listed");
        check.render_every_pane(&mut app, &format!("topic list with {:?}", sample.name));
        check.expect_shown(&mut app, sample, 1, "topic name in Topics");

        let mut app = tailing(app, name, vec![record(name, 0, b"plain")]);
        check.render_every_pane(&mut app, &format!("tailing topic {:?}", sample.name));
        app.update(Action::Focus(Pane::Tail));
        app.update(Action::Select);
        check.render_all_sizes(
            &mut app,
            &format!("record detail on topic {:?}", sample.name),
        );
        app.update(Action::Back);

        app.update(Action::Focus(Pane::Topics));
        app.update(Action::Describe);
        let partitions = vec![PartitionDetail {
            id: 0,
            leader: 1,
            replicas: vec![1],
            isr: vec![1],
            low: Some(0),
            high: Some(1),
        }];
        let name = name.clone();
        let detail = TopicDetail {
            name: name.clone(),
            partitions,
            anomalies: vec![sample.text()],
        };
        kafka(&mut app, KafkaEvent::TopicDetail(Ok(detail)));
        let item = ConfigItem {
            name: sample.text(),
            value: Some(sample.text()),
            overridden: true,
            source: "DYNAMIC_TOPIC_CONFIG".into(),
            read_only: false,
            sensitive: false,
        };
        let result = Ok(vec![item]);
        kafka(
            &mut app,
            KafkaEvent::Configs {
                topic: name,
                result,
            },
        );
        check.render_all_sizes(&mut app, &format!("topic view of {:?}", sample.name));
        app.update(Action::DeleteTopic);
        check.render_all_sizes(&mut app, &format!("delete dialog for {:?}", sample.name));
    }
    check.finish();
}

/// Group ids, member client ids and hosts are chosen by whoever runs a consumer.
#[test]
fn group_ids_and_members_are_inert_and_readable() {
    let mut check = Inspector::default();
    let corpus = corpus();
    let mut app = app_with_topics(vec!["demo".into()]);
    app.open_groups();
    // Lag falls with the corpus order, so the list (largest lag first) is in corpus order.
    let groups = corpus
        .iter()
        .enumerate()
        .map(|(i, s)| GroupSummary {
            name: format!("g-{}", s.text()),
            state: s.text(),
            protocol_type: s.text(),
            members: 1,
            topics: vec![s.text()],
            lag: Some((corpus.len() - i) as i64),
            lag_partial: false,
        })
        .collect();
    kafka(&mut app, KafkaEvent::Groups(Ok(groups)));
    check.render_all_sizes(&mut app, "groups view");
    for sample in &corpus {
        app.update(Action::Select);
        let member = Member {
            id: sample.text(),
            client_id: sample.text(),
            host: sample.text(),
            assignment: [(sample.text(), vec![0, 1])].into(),
        };
        let offsets = vec![PartitionLag {
            topic: sample.text(),
            partition: 0,
            committed: Some(1),
            end: Some(3),
            lag: Some(2),
            ahead: false,
        }];
        let detail = GroupDetail {
            name: format!("g-{}", sample.text()),
            state: sample.text(),
            members: vec![member],
            offsets,
        };
        kafka(&mut app, KafkaEvent::GroupDetail(Ok(detail)));
        check.render_all_sizes(&mut app, &format!("group view of {:?}", sample.name));
        check.expect_shown(&mut app, sample, 1, "group member");
        app.update(Action::DeleteGroup);
        let what = format!("delete dialog for group {:?}", sample.name);
        check.render_all_sizes(&mut app, &what);
        press(&mut app, KeyCode::Esc); // the dialog
        app.update(Action::Back); // the group view
        check.expect_shown(&mut app, sample, 1, "group id in the list");
        app.update(Action::Down);
    }
    check.finish();
}

/// Error texts carry what the broker or the network said (host names, broker messages).
#[test]
fn error_texts_are_inert_and_readable() {
    let mut check = Inspector::default();
    for sample in corpus() {
        let hostile = format!("broker says {}", sample.text());
        let mut app = tailing(app_with_topics(vec!["demo".into()]), "demo", vec![]);
        let generation = app.tail.generation;
        let status = hostile.clone();
        let tail_status = KafkaEvent::TailStatus {
            generation,
            status,
            error: true,
        };
        kafka(&mut app, tail_status);
        kafka(
            &mut app,
            KafkaEvent::Topics(Err(KafkaError::other(hostile.clone()))),
        );
        kafka(
            &mut app,
            KafkaEvent::ClientError(KafkaError::other(hostile.clone())),
        );
        let failed = Delivery::Failed {
            topic: "demo".into(),
            error: hostile.clone(),
        };
        kafka(&mut app, KafkaEvent::Delivery(failed));
        check.render_every_pane(&mut app, &format!("errors with {:?}", sample.name));
        app.update(Action::Focus(Pane::Producer));
        check.expect_shown(&mut app, &sample, 1, "delivery error in Producer");

        let result = Err(KafkaError::new(ErrorKind::Broker, hostile.clone()));
        let what = "create topic x".to_string();
        kafka(&mut app, KafkaEvent::AdminDone { what, result });
        check.render_all_sizes(&mut app, &format!("admin error {:?}", sample.name));
        app.open_groups();
        kafka(
            &mut app,
            KafkaEvent::Groups(Err(KafkaError::other(hostile))),
        );
        check.render_all_sizes(&mut app, &format!("groups error {:?}", sample.name));
        check.expect_shown(&mut app, &sample, 1, "error in the groups view");
    }
    check.finish();
}

/// Text pasted into the producer arrives as characters; a bidi override or a C1 control among
/// them must not reach the terminal either.
#[test]
fn pasted_bidi_and_c1_characters_in_the_producer_are_inert() {
    let mut check = Inspector::default();
    let mut app = tailing(app_with_topics(vec!["demo".into()]), "demo", vec![]);
    app.update(Action::Focus(Pane::Producer));
    for c in "pay \u{202e}fdp.exe \u{9b}2J \u{2066}x\u{2069}".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    check.render_all_sizes(&mut app, "producer value with bidi and C1");
    check.finish();
}
