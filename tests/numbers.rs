//! Numbers are never cut (issue 13, part 1): every number column is as wide as its widest value
//! and text gives way with `…`. The property tests draw random terminal sizes and values, render
//! on `TestBackend` and read every number back off the screen; the snapshots pin the views with
//! large numbers at 200x60, 160x45 and 80x24.

mod common;
use common::buffer_text;
use common::fixture;

use std::collections::BTreeMap;
use std::time::{Duration, UNIX_EPOCH};

use kafka_tui::action::Action;
use kafka_tui::app::App;
use kafka_tui::event::{Event, KafkaEvent};
use kafka_tui::model::topic::{BrokerView, ClusterOverview, Controller, PartitionDetail};
use kafka_tui::model::{
    ClusterSnapshot, GroupDetail, Member, PartitionInfo, PartitionLag, Record, StartFrom,
    TopicDetail, TopicInfo,
};
use kafka_tui::state::views::View;
use kafka_tui::state::Pane;
use kafka_tui::ui;
use proptest::prelude::*;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::Terminal;

const NOW_SECS: u64 = 1_700_000_000;

fn app() -> App {
    let (mut app, _) = fixture::embedded_app(10_000);
    app.now = UNIX_EPOCH + Duration::from_secs(NOW_SECS);
    app
}

fn kafka(app: &mut App, event: KafkaEvent) {
    app.handle_event(Event::Kafka(event));
}

fn with_topics(app: &mut App, topics: Vec<TopicInfo>) {
    kafka(
        app,
        KafkaEvent::Topics(Ok(ClusterSnapshot { brokers: 1, topics })),
    );
}

fn with_tail(app: &mut App, records: Vec<Record>) {
    app.start_tail("t".into(), StartFrom::Beginning);
    let generation = app.tail.generation;
    kafka(
        app,
        KafkaEvent::TailStarted {
            generation,
            partitions: 1,
            topics: Vec::new(),
            notice: None,
        },
    );
    kafka(
        app,
        KafkaEvent::Records {
            generation,
            records,
        },
    );
    app.message = None;
}

fn record(partition: i32, offset: i64, key: &str) -> Record {
    Record {
        topic: "t".into(),
        partition,
        offset,
        timestamp_ms: Some((NOW_SECS as i64 - 5) * 1000),
        leader_epoch: None,
        key: Some(key.as_bytes().to_vec()),
        value: Some(b"a value that is long enough to need cutting at most widths".to_vec()),
        headers: vec![],
    }
}

fn screen(app: &mut App, (w, h): (u16, u16)) -> Vec<Vec<char>> {
    app.handle_event(Event::Resize(w, h));
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    terminal.draw(|f| ui::draw(f, app)).expect("draw");
    buffer_text(terminal.backend().buffer())
        .lines()
        .map(|l| l.chars().collect())
        .collect()
}

/// The text inside `area` (borders excluded), one string per row.
fn inside(screen: &[Vec<char>], area: Rect) -> Vec<String> {
    (area.top() + 1..area.bottom().saturating_sub(1))
        .map(|y| {
            let row = &screen[y as usize];
            (area.left() + 1..area.right().saturating_sub(1))
                .map(|x| row.get(x as usize).copied().unwrap_or(' '))
                .collect::<String>()
        })
        .collect()
}

fn thousands(n: i64) -> String {
    kafka_tui::ui::widgets::thousands(n)
}

/// Offsets of every size a broker can hand out, biased towards the long ones that used to be cut.
fn offset() -> impl Strategy<Value = i64> {
    prop_oneof![
        0i64..1_000,
        1_000_000_000i64..10_000_000_000,
        0i64..=i64::MAX
    ]
}

fn name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9.-]{0,59}"
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        max_shrink_iters: 2_000,
        ..ProptestConfig::default()
    }
}

/// The words of a row, without a group's lag bars (`█░`).
fn tokens(row: &str) -> Vec<&str> {
    row.split_whitespace()
        .filter(|t| !t.chars().all(|c| c == '█' || c == '░'))
        .collect()
}

proptest! {
    #![proptest_config(config())]

    /// Tail: each row's partition and offset read back exactly, for the newest records, at
    /// any size from 40 columns (where both fit beside each other with room to spare).
    #[test]
    fn tail_numbers_are_whole(
        w in 40u16..=250,
        h in 8u16..=60,
        recs in prop::collection::vec((0i32..=i32::MAX, offset(), "[a-z0-9-]{0,40}"), 1..30),
    ) {
        let mut app = app();
        let records: Vec<Record> = recs.iter().map(|(p, o, k)| record(*p, *o, k)).collect();
        with_tail(&mut app, records);
        app.update(Action::Focus(Pane::Tail));
        let s = screen(&mut app, (w, h));
        let area = ui::pane_rect(Rect::new(0, 0, w, h), app.arrangement(), Pane::Tail);
        let rows = inside(&s, Rect { y: area.y - 1, height: area.height + 1, ..area });
        let header = rows.iter().position(|r| tokens(r).starts_with(&["P", "Offset"]));
        let header = header.ok_or_else(|| TestCaseError::fail(format!("no header in {rows:#?}")))?;
        let shown: Vec<(String, String)> = rows[header + 1..]
            .iter()
            .filter(|r| !r.trim().is_empty())
            .map(|r| { let t = tokens(r); (t[0].to_string(), t[1].to_string()) })
            .collect();
        prop_assert!(!shown.is_empty(), "no rows in {rows:#?}");
        let expected: Vec<(String, String)> = recs[recs.len() - shown.len()..]
            .iter()
            .map(|(p, o, _)| (p.to_string(), o.to_string()))
            .collect();
        prop_assert_eq!(shown, expected);
    }

    /// Topics: each row's partition count and offsets read back exactly, or (when the pane is
    /// narrower than the number itself) a lone `…`, never a part of it.
    #[test]
    fn topic_list_numbers_are_whole(
        w in 60u16..=250,
        h in 16u16..=60,
        topics in prop::collection::btree_map(name(), (1usize..1500, 0i64..=(i64::MAX / 1500)), 1..12),
    ) {
        let mut app = app();
        let infos: Vec<TopicInfo> = topics.iter().map(|(n, &(parts, per))| TopicInfo {
            name: n.clone(),
            partitions: (0..parts as i32).map(|id| PartitionInfo { id, leader: 1, watermarks: Some((0, per)) , under_replicated: false }).collect(),
            error: None,
        }).collect();
        with_topics(&mut app, infos);
        let s = screen(&mut app, (w, h));
        let area = ui::pane_rect(Rect::new(0, 0, w, h), app.arrangement(), Pane::Topics);
        let inner_w = area.width as usize - 2;
        let rows = inside(&s, area);
        prop_assert!(rows[0].contains("Offsets"), "header: {:?}", rows[0]);
        let with_parts = rows[0].contains("Parts");
        let visible: Vec<&TopicInfo> = app.topics.visible().collect();
        for (row, topic) in rows[1..].iter().zip(&visible) {
            let t = tokens(row);
            let count = thousands(topic.record_count().unwrap());
            let last = t[t.len() - 1];
            if last != count {
                // The name keeps one cell (its gap), the rest is the widest the number can be.
                prop_assert!(last == "…" && count.len() > inner_w - 1, "offsets {last:?} for {count} in {row:?}");
            }
            if with_parts {
                prop_assert_eq!(t[t.len() - 2], topic.partitions.len().to_string(), "{}", row);
            }
        }
    }

    /// A group's offsets: partition, committed, end and lag read back exactly; the topic gives
    /// way with `…`; when even a six-cell topic leaves too little room, whole columns go from
    /// the right, marked `…`.
    #[test]
    fn group_offsets_are_whole(
        w in 40u16..=250,
        parts in prop::collection::vec((name(), 0i32..=i32::MAX, offset(), offset()), 1..20),
    ) {
        let offsets: Vec<PartitionLag> = parts.iter().map(|(topic, p, a, b)| {
            let (committed, end) = (*a.min(b), *a.max(b));
            PartitionLag { topic: topic.clone(), partition: *p, committed: Some(committed), end: Some(end), lag: Some(end - committed), ahead: false }
        }).collect();
        let detail = GroupDetail { name: "g".into(), state: "Empty".into(), members: vec![], offsets: offsets.clone() };
        let mut app = app();
        app.views.push(View::GroupDetail { name: "g".into(), detail: Some(Ok(detail)), scroll: 0 });
        let (w, h) = (w, 60);
        let s = screen(&mut app, (w, h));
        let rows = inside(&s, ui::view_area(Rect::new(0, 0, w, h)));
        let header = rows.iter().position(|r| tokens(r).first() == Some(&"topic")).expect("header");
        let numbers = |p: &PartitionLag| vec![p.partition.to_string(), thousands(p.committed.unwrap()), thousands(p.end.unwrap()), thousands(p.lag.unwrap())];
        // What a row needs with the topic at its narrowest (six cells): all must show then.
        let widest = |i: usize| offsets.iter().map(|p| numbers(p)[i].len()).chain([["partition", "committed", "end", "lag"][i].len()]).max().unwrap();
        let longest_topic = offsets.iter().map(|p| p.topic.len()).max().unwrap().max(5);
        let needs = 2 + longest_topic.min(6) + (0..4).map(|i| 1 + widest(i)).sum::<usize>();
        for (row, p) in rows[header + 1..].iter().zip(&offsets) {
            let t = tokens(row);
            let want = numbers(p);
            let shown: Vec<&str> = t[1..].iter().copied().filter(|x| *x != "…").collect();
            prop_assert!(shown.len() <= 4 && want[..shown.len()] == shown[..], "{row:?} is not {want:?}");
            if shown.len() < 4 {
                prop_assert!(t.last() == Some(&"…"), "columns left out without a mark: {row:?}");
                prop_assert!(needs > rows[0].chars().count(), "room for all ({needs}) but {row:?}");
            }
            let topic = t[0];
            prop_assert!(topic == p.topic || (topic.ends_with('…') && p.topic.starts_with(topic.trim_end_matches('…'))), "topic {topic:?} for {:?}", p.topic);
        }
    }

    /// Topic detail: every partition's id, leader, replicas, ISR and watermarks read back.
    #[test]
    fn topic_detail_numbers_are_whole(
        w in 60u16..=250,
        parts in prop::collection::vec((0i32..=i32::MAX, 0i32..100_000, offset(), offset()), 1..15),
    ) {
        let partitions: Vec<PartitionDetail> = parts.iter().map(|&(id, leader, a, b)| PartitionDetail {
            id, leader, replicas: vec![leader, leader + 1], isr: vec![leader], low: Some(a.min(b)), high: Some(a.max(b)),
        }).collect();
        let detail = TopicDetail { name: "t".into(), partitions: partitions.clone(), anomalies: vec![] };
        let mut app = app();
        app.views.push(View::TopicDetail { topic: "t".into(), detail: Some(Ok(detail)), configs: Some(Ok(vec![])), scroll: 0 });
        let s = screen(&mut app, (w, 60));
        let rows = inside(&s, ui::view_area(Rect::new(0, 0, w, 60)));
        let header = rows.iter().position(|r| tokens(r).first() == Some(&"partition")).expect("header");
        let want = |p: &PartitionDetail| vec![p.id.to_string(), p.leader.to_string(), format!("{},{}", p.leader, p.leader + 1), p.leader.to_string(), thousands(p.low.unwrap()), thousands(p.high.unwrap())];
        let widest = |i: usize| partitions.iter().map(|p| want(p)[i].len()).chain([["partition", "leader", "replicas", "isr", "low", "high"][i].len()]).max().unwrap();
        let needs = (0..6).map(widest).sum::<usize>() + 5 * 2;
        for (row, p) in rows[header + 1..].iter().zip(&partitions) {
            let t = tokens(row);
            let shown: Vec<&str> = t.iter().copied().take(6).filter(|x| *x != "…" && !x.starts_with("under")).collect();
            let want = want(p);
            prop_assert!(want[..shown.len()] == shown[..], "{row:?} is not {want:?}");
            if shown.len() < 6 {
                prop_assert!(t.last() == Some(&"…"), "columns left out without a mark: {row:?}");
                prop_assert!(needs > rows[0].chars().count(), "room for all ({needs}) but {row:?}");
            }
        }
    }

    /// :brokers: ids and ports read back exactly; long hosts give way.
    #[test]
    fn broker_numbers_are_whole(
        w in 60u16..=250,
        brokers in prop::collection::vec((0i32..=i32::MAX, name(), 1i32..=65_535), 1..10),
    ) {
        let overview = ClusterOverview {
            cluster_id: Some("c".into()),
            controller: Controller::NotReported,
            brokers: brokers.iter().map(|(id, host, port)| BrokerView { id: *id, host: host.clone(), port: *port, rack: None }).collect(),
            topics: 1, partitions: 1, under_replicated: 0,
        };
        let mut app = app();
        app.views.push(View::Brokers { overview: Some(Ok(overview)) });
        let s = screen(&mut app, (w, 60));
        let rows = inside(&s, ui::view_area(Rect::new(0, 0, w, 60)));
        let header = rows.iter().position(|r| tokens(r).first() == Some(&"broker")).expect("header");
        for (row, (id, host, port)) in rows[header + 1..].iter().zip(&brokers) {
            let t = tokens(row);
            prop_assert_eq!(t[0], id.to_string(), "{}", row);
            let (h, p) = t[1].rsplit_once(':').expect("host:port");
            prop_assert_eq!(p, port.to_string(), "{}", row);
            prop_assert!(h == host || (h.ends_with('…') && host.starts_with(h.trim_end_matches('…'))), "{}", row);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Snapshots of each touched view with numbers as large as a broker hands out.
// ---------------------------------------------------------------------------------------------

const SIZES: [(u16, u16); 3] = [(200, 60), (160, 45), (80, 24)];

fn big_topics() -> Vec<TopicInfo> {
    let topic = |name: &str, marks: &[(i64, i64)]| TopicInfo {
        name: name.into(),
        partitions: (0..)
            .zip(marks)
            .map(|(id, &wm)| PartitionInfo {
                id,
                leader: 1,
                watermarks: Some(wm),
                under_replicated: false,
            })
            .collect(),
        error: None,
    };
    vec![
        topic("clicks", &[(0, 1_234_567_890), (5, 987_654_321)]),
        topic(
            "payments.eu-west-1.settlements-v2.dead-letter",
            &[(0, 48); 120],
        ),
        topic("small", &[(0, 3)]),
    ]
}

fn big_tail() -> App {
    let mut app = app();
    with_topics(&mut app, big_topics());
    let records = vec![
        record(0, 1_234_567_890, "0b0e6f5c-52d4-4c1b-9d7e-3f1f2a6c9e11"),
        record(117, 98_765_432_109, "user-1"),
        record(3, 7, "k"),
    ];
    with_tail(&mut app, records);
    app.update(Action::Focus(Pane::Tail));
    app
}

fn big_group() -> App {
    let mut app = big_tail();
    let lag = |topic: &str, partition, committed: i64, end: i64| PartitionLag {
        topic: topic.into(),
        partition,
        committed: Some(committed),
        end: Some(end),
        lag: Some(end - committed),
        ahead: false,
    };
    let member = Member {
        id: "m-1".into(),
        client_id: "billing-1".into(),
        host: "/10.0.0.7".into(),
        assignment: BTreeMap::from([("clicks".to_string(), vec![0, 1])]),
    };
    let detail = GroupDetail {
        name: "billing".into(),
        state: "Stable".into(),
        members: vec![member],
        offsets: vec![
            lag("clicks", 0, 1_234_567_842, 1_234_567_890),
            lag("clicks", 1, 987_654_283, 987_654_321),
            lag("payments.eu-west-1.settlements-v2.dead-letter", 119, 0, 48),
        ],
    };
    app.views.push(View::GroupDetail {
        name: "billing".into(),
        detail: Some(Ok(detail)),
        scroll: 0,
    });
    app
}

/// The groups list: names of very different lengths; the name column is as wide as the
/// longest (cut with `…` where the screen is narrower), no wider.
fn groups_list() -> App {
    let mut app = big_tail();
    let g =
        |name: &str, state: &str, members, lag, topics: &[&str]| kafka_tui::model::GroupSummary {
            name: name.into(),
            state: state.into(),
            protocol_type: "consumer".into(),
            members,
            topics: topics.iter().map(|t| t.to_string()).collect(),
            lag,
            lag_partial: false,
        };
    let list = vec![
        g("billing", "Stable", 3, Some(48), &["orders", "payments"]),
        g(
            "eu-west-1.payments.settlements-reconciler-v2",
            "Empty",
            0,
            Some(1_234_567_890),
            &["payments.eu-west-1.settlements-v2.dead-letter"],
        ),
        g("x", "Dead", 0, None, &[]),
    ];
    // Two listings, so the trend column has something to draw.
    app.groups.record(&list);
    app.groups.record(&list);
    app.views.push(View::Groups {
        list: Some(Ok(list)),
        selected: 0,
        filter: String::new(),
    });
    app
}

fn big_topic_detail() -> App {
    let mut app = big_tail();
    let p = |id, low, high, isr: Vec<i32>| PartitionDetail {
        id,
        leader: 1001,
        replicas: vec![1001, 1002, 1003],
        isr,
        low: Some(low),
        high: Some(high),
    };
    let detail = TopicDetail {
        name: "clicks".into(),
        partitions: vec![
            p(0, 0, 1_234_567_890, vec![1001, 1002, 1003]),
            p(1, 5, 987_654_321, vec![1001]),
        ],
        anomalies: vec![],
    };
    // 2 of 3 brokers answered DescribeLogDirs: the size is said to be partial, and why.
    app.topics.disk = Some(Ok(kafka_tui::model::DiskUsage {
        bytes: [("clicks".to_string(), 1_288_490_188_800)].into(),
        brokers: 3,
        answered: 2,
        problem: Some("broker 1003 (10.0.0.3:9092): no answer within 10s".into()),
    }));
    app.views.push(View::TopicDetail {
        topic: "clicks".into(),
        detail: Some(Ok(detail)),
        configs: Some(Ok(vec![])),
        scroll: 0,
    });
    app
}

fn big_brokers() -> App {
    let mut app = big_tail();
    let b = |id, host: &str| BrokerView {
        id,
        host: host.into(),
        port: 9092,
        rack: Some("eu-west-1a".into()),
    };
    let overview = ClusterOverview {
        cluster_id: Some("MkU3OEVBNTcwNTJENDM2Qk".into()),
        controller: Controller::Broker(1001),
        brokers: vec![
            b(1001, "b-1.kafka-prod.internal.example.com"),
            b(2_000_000_002, "b-2"),
        ],
        topics: 1,
        partitions: 1,
        under_replicated: 0,
    };
    app.views.push(View::Brokers {
        overview: Some(Ok(overview)),
    });
    app
}

type Scenario = (&'static str, fn() -> App);

#[test]
fn snapshots() {
    let scenarios: [Scenario; 5] = [
        ("tail_big_numbers", big_tail),
        ("group_big_numbers", big_group),
        ("groups_list", groups_list),
        ("topic_detail_big_numbers", big_topic_detail),
        ("brokers_big_numbers", big_brokers),
    ];
    for (name, build) in scenarios {
        for (w, h) in SIZES {
            let text: Vec<String> = screen(&mut build(), (w, h))
                .into_iter()
                .map(|l| l.into_iter().collect())
                .collect();
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), text.join("\n"));
        }
    }
}

/// The cases the issue names, at the sizes it names: offset 1234567890 whole in Tail, and a
/// group's lag of 48 and 38 whole at 80 columns.
#[test]
fn the_reported_cuts() {
    for size in SIZES {
        let text: String = screen(&mut big_tail(), size)
            .into_iter()
            .map(|l| l.into_iter().collect::<String>() + "\n")
            .collect();
        assert!(text.contains("1234567890"), "{size:?}:\n{text}");
        let text: String = screen(&mut big_group(), size)
            .into_iter()
            .map(|l| l.into_iter().collect::<String>() + "\n")
            .collect();
        // Each offsets row ends with its lag, before its bar and the border.
        let lags: Vec<&str> = text
            .lines()
            .filter_map(|l| {
                l.trim_end_matches(['│', ' ', '█', '░'])
                    .split(' ')
                    .next_back()
            })
            .collect();
        for lag in ["48", "38"] {
            assert!(lags.contains(&lag), "{size:?}: no lag {lag} in\n{text}");
        }
        assert!(text.contains("1,234,567,842"), "{size:?}:\n{text}");
        // The groups list's total lag is whole at every size, largest first.
        let text = text_of(&mut groups_list(), size);
        let rows: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("1,234,567,890"))
            .collect();
        assert_eq!(rows.len(), 1, "{size:?}:\n{text}");
        let billing = text
            .lines()
            .position(|l| l.contains("billing") && l.contains(" 48"));
        let big = text.lines().position(|l| l.contains("1,234,567,890"));
        assert!(
            big < billing && billing.is_some(),
            "lag order, {size:?}:\n{text}"
        );
    }
}

fn text_of(app: &mut App, size: (u16, u16)) -> String {
    screen(app, size)
        .into_iter()
        .map(|l| l.into_iter().collect::<String>() + "\n")
        .collect()
}

/// Issue 13.9: one of a thing is singular: the header's topic count, a group's members, the
/// cluster view's topics and partitions, the topic detail's partitions.
#[test]
fn one_of_a_thing_is_singular() {
    let mut one = app();
    with_topics(&mut one, big_topics()[2..].to_vec());
    let text = text_of(&mut one, (160, 45));
    assert!(text.contains("│ 1 topic │"), "{text}");
    let text = text_of(&mut big_group(), (160, 45));
    assert!(
        text.contains("state Stable · 1 member · total lag"),
        "{text}"
    );
    let text = text_of(&mut big_brokers(), (160, 45));
    assert!(
        text.contains("1 topic, 1 partition, 0 under-replicated"),
        "{text}"
    );
    let mut detail = big_topic_detail();
    if let Some(View::TopicDetail {
        detail: Some(Ok(d)),
        ..
    }) = detail.views.last_mut()
    {
        d.partitions.truncate(1);
    }
    let text = text_of(&mut detail, (160, 45));
    assert!(text.contains("1 partition · "), "{text}");
    // And more than one is plural.
    let text = text_of(&mut big_tail(), (160, 45));
    assert!(text.contains("│ 3 topics │"), "{text}");
}

/// The brokers view's summary lines (cluster id, controller, topics) are said whole at every
/// size: a long one wraps under itself instead of running off the pane.
#[test]
fn the_brokers_summary_is_whole_at_every_size() {
    for controller in [
        Controller::Embedded,
        Controller::Kraft,
        Controller::Unsure(3),
    ] {
        for size in SIZES {
            let mut app = big_brokers();
            if let Some(View::Brokers {
                overview: Some(Ok(o)),
            }) = app.views.last_mut()
            {
                o.controller = controller.clone();
            }
            let text: String = screen(&mut app, size)
                .into_iter()
                .map(|l| l.into_iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("\n");
            let words: Vec<&str> = text
                .split(|c: char| c.is_whitespace() || c == '│')
                .filter(|w| !w.is_empty())
                .collect();
            let said = match controller {
                Controller::Embedded => "none: the embedded broker (librdkafka's mock cluster) has no controller",
                Controller::Kraft => "KRaft: the active controller is not visible to clients (kafka-metadata-quorum describe --status)",
                _ => "3, as the brokers report it (the controller in ZooKeeper mode; in KRaft any live broker)",
            };
            let want: Vec<&str> = said.split_whitespace().collect();
            assert!(
                words.windows(want.len()).any(|w| w == want.as_slice()),
                "{size:?}: not whole: {said}\n{text}"
            );
        }
    }
}
