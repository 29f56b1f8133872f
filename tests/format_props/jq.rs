//! jq, as the tail runs it: `select`, identity, projection and programs that do not compile.

use kafka_tui::model::{Record, StartFrom, TopicSet};
use kafka_tui::state::tail::TailState;
use proptest::prelude::*;

use super::common::*;

fn rec(offset: i64, value: Option<Vec<u8>>) -> Record {
    Record {
        topic: "t".into(),
        partition: 0,
        offset,
        timestamp_ms: Some(1_700_000_000_000),
        value,
        ..Record::default()
    }
}

/// A tail holding `values` in order (offsets 0, 1, ...), pushed in batches of `batch`.
fn tail_of(values: &[Option<Vec<u8>>], batch: usize) -> TailState {
    let mut tail = TailState::new(10_000, 64 << 20);
    let generation = tail.restart(TopicSet::Names(vec!["t".into()]), StartFrom::Beginning);
    let records: Vec<Record> = values
        .iter()
        .enumerate()
        .map(|(i, v)| rec(i as i64, v.clone()))
        .collect();
    for chunk in records.chunks(batch.max(1)) {
        assert!(tail.push_batch(generation, chunk.to_vec()));
    }
    tail
}

/// (offset, what jq showed) of each listed record.
fn listed(tail: &TailState) -> Vec<(i64, Option<String>)> {
    let (first, end) = tail.view_bounds();
    tail.view_range(first, end)
        .map(|(seq, r)| (r.offset, tail.find.shown(seq).map(str::to_string)))
        .collect()
}

/// Any JSON document (serde_json's tree: objects with unique keys).
fn json_doc() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i32>().prop_map(serde_json::Value::from),
        (-1.0e6f64..1.0e6).prop_map(serde_json::Value::from),
        text(8).prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map(text(6), inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Two JSON trees that say the same: numbers by value (jq may write 3.0 for 3), objects as
/// sets of members.
fn same_json(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        (J::Number(x), J::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => x.as_f64() == y.as_f64(),
        },
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_json(a, b))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

proptest! {
    #![proptest_config(config())]

    /// `select(.n > K)` keeps exactly the records whose `n` is greater than K, in order; values
    /// that are not JSON are left out without being counted as failures; records that arrive
    /// after the program is set go through it too.
    #[test]
    fn jq_select_keeps_exactly_the_records_it_should(
        docs in proptest::collection::vec(
            prop_oneof![
                4 => (prop_oneof![3 => -6i16..6, 1 => any::<i16>()], text(6)).prop_map(|(n, s)| Some(serde_json::json!({"pad": s, "n": n}).to_string().into_bytes())),
                1 => text(6).prop_map(|s| Some(format!("not json {s}").into_bytes())),
                1 => Just(None),
            ],
            0..40,
        ),
        // Near the values mostly, so that `>` and `>=` part ways.
        k in prop_oneof![3 => -5i16..5, 1 => any::<i16>()],
        split in 0usize..40,
        batch in 1usize..8,
    ) {
        let split = split.min(docs.len());
        let mut tail = tail_of(&docs[..split], batch);
        tail.set_jq(&format!("select(.n > {k})")).unwrap();
        // The rest arrive with the program in force.
        let generation = tail.generation;
        let later: Vec<Record> = docs[split..]
            .iter()
            .enumerate()
            .map(|(i, v)| rec((split + i) as i64, v.clone()))
            .collect();
        for chunk in later.chunks(batch) {
            tail.push_batch(generation, chunk.to_vec());
        }
        let want: Vec<(i64, Option<String>)> = docs
            .iter()
            .enumerate()
            .filter_map(|(i, d)| {
                let v: serde_json::Value = serde_json::from_slice(d.as_deref()?).ok()?;
                (v["n"].as_i64()? > i64::from(k)).then(|| (i as i64, Some(v.to_string())))
            })
            .collect();
        let got = listed(&tail);
        prop_assert_eq!(
            got.iter().map(|(o, _)| *o).collect::<Vec<_>>(),
            want.iter().map(|(o, _)| *o).collect::<Vec<_>>()
        );
        // What is shown for a kept record is the record (select passes its input through).
        for ((o, shown), (_, w)) in got.iter().zip(&want) {
            let shown: serde_json::Value = serde_json::from_str(shown.as_deref().unwrap()).unwrap();
            let w: serde_json::Value = serde_json::from_str(w.as_deref().unwrap()).unwrap();
            prop_assert!(same_json(&shown, &w), "offset {o}: {shown} vs {w}");
        }
        prop_assert_eq!(tail.find.jq_errors, 0);
        prop_assert_eq!(tail.find.matched(), want.len());
    }

    /// `.` lists every JSON record and shows each as the document it is.
    #[test]
    fn jq_identity_shows_each_document_as_it_is(
        docs in proptest::collection::vec(json_doc(), 0..12),
        batch in 1usize..5,
    ) {
        let values: Vec<Option<Vec<u8>>> =
            docs.iter().map(|d| Some(d.to_string().into_bytes())).collect();
        let mut tail = tail_of(&values, batch);
        tail.set_jq(".").unwrap();
        let got = listed(&tail);
        prop_assert_eq!(got.len(), docs.len());
        for ((offset, shown), doc) in got.iter().zip(&docs) {
            let shown = shown.as_deref().unwrap_or_else(|| panic!("offset {offset}: nothing shown"));
            let back: serde_json::Value = serde_json::from_str(shown)
                .unwrap_or_else(|e| panic!("offset {offset}: {e}: {shown}"));
            prop_assert!(same_json(&back, doc), "offset {offset}: {shown} is not {doc}");
        }
        prop_assert_eq!(tail.find.jq_errors, 0);
    }

    /// `.a` shows the field of an object (null where it has none, or on null), and is a counted
    /// failure on anything else, which is not listed.
    #[test]
    fn jq_projection_yields_the_field(
        docs in proptest::collection::vec(
            prop_oneof![
                2 => (json_doc(), any::<bool>()).prop_map(|(a, with)| {
                    let mut m = serde_json::Map::new();
                    m.insert("z".into(), serde_json::json!(1));
                    if with {
                        m.insert("a".into(), a);
                    }
                    serde_json::Value::Object(m)
                }),
                1 => json_doc(),
            ],
            0..16,
        ),
    ) {
        let values: Vec<Option<Vec<u8>>> =
            docs.iter().map(|d| Some(d.to_string().into_bytes())).collect();
        let mut tail = tail_of(&values, 3);
        tail.set_jq(".a").unwrap();
        let mut want = Vec::new();
        let mut failures = 0;
        for (i, d) in docs.iter().enumerate() {
            match d {
                serde_json::Value::Object(m) => {
                    want.push((i as i64, m.get("a").cloned().unwrap_or(serde_json::Value::Null)))
                }
                serde_json::Value::Null => want.push((i as i64, serde_json::Value::Null)),
                _ => failures += 1,
            }
        }
        let got = listed(&tail);
        prop_assert_eq!(
            got.iter().map(|(o, _)| *o).collect::<Vec<_>>(),
            want.iter().map(|(o, _)| *o).collect::<Vec<_>>()
        );
        for ((o, shown), (_, w)) in got.iter().zip(&want) {
            let shown: serde_json::Value = serde_json::from_str(shown.as_deref().unwrap()).unwrap();
            prop_assert!(same_json(&shown, w), "offset {o}: {shown} vs {w}");
        }
        prop_assert_eq!(tail.find.jq_errors, failures);
    }

    /// A program that does not compile is an error with a one-line reason, never a panic, and
    /// the program in force stays in force; garbage that happens to compile is accepted.
    #[test]
    fn jq_bad_programs_are_errors(
        good_n in any::<i8>(),
        breakage in proptest::sample::select(vec!["(", "|", ")", "[", "{", "select(", ". as", "\"", "..."]),
        garbage in proptest::collection::vec(
            proptest::sample::select(vec![
                ".", "|", "(", ")", "[", "]", "{", "}", ",", ":", "a", "n", "1", " ", "\"", "$",
                "?", "+", "-", "*", "/", "<", ">", "=", "!", "@", "select", "map", "def", "as",
                "if", "then", "end", "reduce", "\\", ";",
            ]),
            1..10,
        ),
    ) {
        let values: Vec<Option<Vec<u8>>> = (0..6)
            .map(|n| Some(format!("{{\"n\":{n}}}").into_bytes()))
            .collect();
        let mut tail = tail_of(&values, 2);
        let keep = i64::from(good_n).clamp(-1, 5);
        tail.set_jq(&format!("select(.n > {keep})")).unwrap();
        let before = listed(&tail);
        prop_assert_eq!(before.len() as i64, 5 - keep);
        let broken = format!("select(.n > {keep}) {breakage}");
        match tail.set_jq(&broken) {
            Err(e) => {
                let e = e.to_string();
                prop_assert!(!e.is_empty() && !e.contains('\n'), "{e:?}");
                prop_assert!(e.starts_with("jq syntax") || e.starts_with("jq:"), "{e}");
            }
            Ok(()) => prop_assert!(false, "{broken:?} compiled"),
        }
        prop_assert_eq!(listed(&tail), before.clone());
        // Garbage: compiled on an empty tail (nothing runs: a program that compiles may loop),
        // either accepted or refused in one line.
        let garbage = garbage.concat();
        let mut empty = tail_of(&[], 1);
        if let Err(e) = empty.set_jq(&garbage) {
            let e = e.to_string();
            prop_assert!(!e.is_empty() && !e.contains('\n'), "{garbage:?}: {e:?}");
        }
    }
}
