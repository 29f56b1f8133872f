//! Which partitions a tail reads, and from which offsets: what the metadata says of the
//! tail's topics (`survey`), which partitions join now (`pick`, plain logic), and where each
//! of them starts (`offsets`). Run when the tail starts and again every few seconds, so that
//! topics created later (and partitions added later) join a running tail.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::{Offset, TopicPartitionList};

use crate::kafka::admin;
use crate::kafka::client::UiContext;
use crate::model::{count, StartFrom, TopicSet};

/// What the metadata says of one topic of the tail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// Its usable partitions, and what is wrong with the others.
    Usable(Vec<i32>, Option<String>),
    Missing,
    /// The user may not describe it (an ACL): it may well exist, and waiting would not end.
    Denied,
}

/// The tail's topics as the cluster lists them: one request per named topic, or one for
/// every topic when the set is a pattern (Kafka leaves out the topics a user may not see).
pub fn survey(
    consumer: &BaseConsumer<UiContext>,
    set: &TopicSet,
    timeout: Duration,
) -> Result<Vec<(String, Seen)>, String> {
    let seen = |md: &rdkafka::metadata::Metadata, topic: &str| {
        if admin::topic_denied(md, topic) {
            Seen::Denied
        } else {
            match admin::usable_in(md, topic) {
                Some((ids, anomaly)) => Seen::Usable(ids, anomaly),
                None => Seen::Missing,
            }
        }
    };
    match set {
        TopicSet::Names(names) => names
            .iter()
            .map(|t| {
                let md = consumer
                    .fetch_metadata(Some(t), timeout)
                    .map_err(|e| e.to_string())?;
                Ok((t.clone(), seen(&md, t)))
            })
            .collect(),
        TopicSet::Pattern(p) => {
            let md = consumer
                .fetch_metadata(None, timeout)
                .map_err(|e| e.to_string())?;
            let mut out: Vec<(String, Seen)> = md
                .topics()
                .iter()
                .filter(|t| p.matches(t.name()))
                .map(|t| (t.name().to_string(), seen(&md, t.name())))
                .collect();
            out.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(out)
        }
    }
}

/// The partitions a tail reads so far, and what it has already said.
#[derive(Debug, Default)]
pub struct Joined {
    parts: BTreeMap<String, BTreeSet<i32>>,
    /// Each topic's partitions at the first answer: anything else joined later, so it holds
    /// only records newer than the tail's start.
    first: Option<HashMap<String, Vec<i32>>>,
    /// Notes already given (each is said once).
    said: HashSet<String>,
}

impl Joined {
    pub fn count(&self) -> usize {
        self.parts.values().map(BTreeSet::len).sum()
    }

    /// The topics read, in name order.
    pub fn topics(&self) -> Vec<String> {
        self.parts.keys().cloned().collect()
    }

    pub fn add(&mut self, topic: &str, p: i32) {
        self.parts.entry(topic.to_string()).or_default().insert(p);
    }

    /// Whether this partition came after the tail's first look at the cluster.
    pub fn is_late(&self, topic: &str, p: i32) -> bool {
        self.first
            .as_ref()
            .is_some_and(|f| f.get(topic).map_or(true, |ids| !ids.contains(&p)))
    }

    fn note(&mut self, notes: &mut Vec<String>, text: String) {
        if self.said.insert(text.clone()) {
            notes.push(text);
        }
    }
}

/// What one look at the cluster decides.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pick {
    /// Partitions to join now.
    pub new: Vec<(String, i32)>,
    /// Things to tell once, while the tail goes on.
    pub notes: Vec<String>,
    /// Why there is nothing to read yet (the tail waits and looks again), or `fatal` text
    /// after which it stops.
    pub waiting: Option<(String, bool)>,
    pub fatal: Option<String>,
}

/// Decides from a survey which partitions join (those usable, chosen and not read yet).
pub fn pick(
    set: &TopicSet,
    only: Option<&[i32]>,
    survey: &[(String, Seen)],
    joined: &mut Joined,
) -> Pick {
    let single = set.single().is_some();
    let mut out = Pick::default();
    let mut missing = Vec::new();
    for (topic, seen) in survey {
        let (ids, anomaly) = match seen {
            Seen::Denied => {
                let why = format!(
                    "not authorized to read topic {topic:?} (TopicAuthorizationFailed): this user needs Describe and Read on it"
                );
                if single {
                    out.fatal = Some(format!("{why}; not tailing"));
                    return out;
                }
                joined.note(&mut out.notes, why);
                continue;
            }
            Seen::Missing => {
                missing.push(topic.as_str());
                continue;
            }
            Seen::Usable(ids, anomaly) => (ids, anomaly),
        };
        // A topic's own name goes first when the tail has several.
        let whose = if single {
            String::new()
        } else {
            format!("topic {topic:?}: ")
        };
        match anomaly {
            Some(a) if ids.is_empty() => {
                let text = format!("topic {topic:?}: {a}; nothing to tail");
                if single {
                    out.waiting = Some((text, true));
                } else {
                    joined.note(&mut out.notes, text);
                }
                continue;
            }
            Some(a) => joined.note(
                &mut out.notes,
                format!("{whose}{a}: tailing the other partitions"),
            ),
            None => {}
        }
        let mut ids = ids.clone();
        if let Some(wanted) = only {
            if let Some(p) = wanted.iter().find(|p| !ids.contains(p)) {
                let text = format!(
                    "topic {topic:?} has no partition {p} to tail (it has {})",
                    count(ids.len() as u64, "partition")
                );
                if single {
                    out.fatal = Some(format!("{text}; not tailing"));
                    return out;
                }
                joined.note(&mut out.notes, text);
            }
            ids.retain(|p| wanted.contains(p));
        }
        for p in ids {
            if !joined.parts.get(topic).is_some_and(|s| s.contains(&p)) {
                out.new.push((topic.clone(), p));
            }
        }
    }
    if joined.first.is_none() {
        joined.first = Some(
            survey
                .iter()
                .filter_map(|(t, s)| match s {
                    Seen::Usable(ids, _) => Some((t.clone(), ids.clone())),
                    _ => None,
                })
                .collect(),
        );
    }
    if out.new.is_empty() && joined.count() == 0 && out.waiting.is_none() {
        out.waiting = Some((
            match (set, missing.as_slice()) {
                (TopicSet::Pattern(_), _) => format!("no topic matches {set} yet; waiting for one"),
                (_, [one]) => format!("topic {one:?} does not exist (yet); waiting for it"),
                (_, []) => format!("nothing to tail in {set} yet; waiting"),
                (_, many) => format!(
                    "topics {} do not exist (yet); waiting for them",
                    many.join(", ")
                ),
            },
            false,
        ));
    } else if !single {
        for m in missing {
            joined.note(
                &mut out.notes,
                format!("topic {m:?} does not exist yet: it joins when created"),
            );
        }
    }
    out
}

/// How long each offset lookup may take (one request per leader for all partitions, not one
/// per partition): a slow broker delays the tail, never the app.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);

/// How many times a lookup is asked again for the partitions that did not answer.
const LOOKUP_TRIES: usize = 3;

type Offsets = HashMap<(String, i32), i64>;

/// Ends (`Offset::End`) or beginnings (`Offset::Beginning`) of `parts`, in one lookup
/// (ListOffsets per leader). Partitions whose answer failed, or was impossible (negative), are
/// missing from the map.
fn lookup_offsets(
    consumer: &BaseConsumer<UiContext>,
    parts: &[(String, i32)],
    which: Offset,
) -> Offsets {
    let mut query = TopicPartitionList::new();
    for (t, p) in parts {
        // A timestamp of -1 (latest) or -2 (earliest) asks for the end or the beginning.
        let _ = query.add_partition_offset(t, *p, which);
    }
    let Ok(found) = consumer.offsets_for_times(query, LOOKUP_TIMEOUT) else {
        return HashMap::new();
    };
    found
        .elements()
        .iter()
        .filter(|e| e.error().is_ok())
        .filter_map(|e| match e.offset() {
            Offset::Offset(o) if o >= 0 => Some(((e.topic().to_string(), e.partition()), o)),
            _ => None,
        })
        .filter(|(k, _)| parts.contains(k))
        .collect()
}

/// `lookup_offsets`, asked again for the partitions that did not answer (a loaded machine or a
/// broker slow to elect leaders): a partition left out would be looked up by librdkafka itself
/// later, after the tail said it is live, and a record produced in between would be skipped.
fn lookup_all(
    consumer: &BaseConsumer<UiContext>,
    parts: &[(String, i32)],
    which: Offset,
    cancel: &AtomicBool,
) -> Offsets {
    let mut found = HashMap::new();
    let mut missing = parts.to_vec();
    for attempt in 1..=LOOKUP_TRIES {
        if missing.is_empty() || cancel.load(Ordering::Relaxed) {
            break;
        }
        found.extend(lookup_offsets(consumer, &missing, which));
        missing.retain(|k| !found.contains_key(k));
        if !missing.is_empty() {
            tracing::warn!(
                "tail: no {which:?} offset for {missing:?} (try {attempt} of {LOOKUP_TRIES})"
            );
        }
    }
    found
}

/// Where the joining partitions start, with what the tail's end needs to know.
pub struct Start {
    pub tpl: TopicPartitionList,
    /// Each partition's first offset where known, and its end when the tail began.
    pub first: Offsets,
    pub ends: Offsets,
    pub notes: Vec<String>,
}

/// Start offsets for `parts`, all joining at once. `late` partitions (created after the tail
/// began) hold only newer records: "from the end" or "a time ago" reads them from the
/// beginning, which also catches the record that created them.
pub fn offsets(
    consumer: &BaseConsumer<UiContext>,
    parts: &[(String, i32)],
    late: bool,
    start: StartFrom,
    embedded: bool,
    until_needs_ends: bool,
    cancel: &AtomicBool,
) -> Option<Start> {
    let start = match start {
        StartFrom::End | StartFrom::Ago(_) if late => StartFrom::Beginning,
        s => s,
    };
    let offset = match start {
        StartFrom::Beginning => Offset::Beginning,
        StartFrom::Offset(n) => Offset::Offset(n),
        StartFrom::Tail(n) => Offset::OffsetTail(n),
        // `Ago` is replaced below by a timestamp lookup.
        StartFrom::End | StartFrom::Ago(_) => Offset::End,
    };
    // "The end" and "the last N" are fixed to absolute offsets now, so that once the tail says
    // it is live, a record produced next is read even if the broker goes away before librdkafka
    // would have looked the end up itself. Where a lookup fails, librdkafka looks it up later.
    // An end fixed at the start (`--until end`, or a time already past) needs both ends.
    let need_ends = until_needs_ends || matches!(offset, Offset::End | Offset::OffsetTail(_));
    let need_starts = until_needs_ends || matches!(offset, Offset::OffsetTail(_));
    let ends = if need_ends {
        lookup_all(consumer, parts, Offset::End, cancel)
    } else {
        HashMap::new()
    };
    let starts = if need_starts && !cancel.load(Ordering::Relaxed) {
        lookup_all(consumer, parts, Offset::Beginning, cancel)
    } else {
        HashMap::new()
    };
    if cancel.load(Ordering::Relaxed) {
        return None;
    }
    let mut notes = Vec::new();
    let mut tpl = TopicPartitionList::new();
    for key in parts {
        let fixed = match (offset, ends.get(key)) {
            (Offset::OffsetTail(n), Some(&hi)) => {
                let lo = starts.get(key).copied().unwrap_or(0).min(hi);
                Some(Offset::Offset(hi.saturating_sub(n).max(lo)))
            }
            (Offset::End, Some(&hi)) => Some(Offset::Offset(hi)),
            _ => None,
        };
        let _ = tpl.add_partition_offset(&key.0, key.1, fixed.unwrap_or(offset));
    }
    if let Some(ts) = start.timestamp_ms(SystemTime::now()) {
        if embedded {
            notes.push(
                "the embedded broker cannot look up offsets by time: starting from the end".into(),
            );
        } else {
            let mut query = TopicPartitionList::new();
            for (t, p) in parts {
                let _ = query.add_partition_offset(t, *p, Offset::Offset(ts));
            }
            match consumer.offsets_for_times(query, Duration::from_secs(10)) {
                Ok(found) => tpl = found,
                Err(e) => notes.push(format!("time lookup failed ({e}): starting from the end")),
            }
        }
    }
    let first = tpl
        .elements()
        .iter()
        .filter_map(|e| {
            let key = (e.topic().to_string(), e.partition());
            let first = match e.offset() {
                Offset::Offset(o) => Some(o),
                Offset::Beginning => starts.get(&key).copied(),
                Offset::End => ends.get(&key).copied(),
                _ => None,
            };
            first.map(|f| (key, f))
        })
        .collect();
    Some(Start {
        tpl,
        first,
        ends,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(spec: &str) -> TopicSet {
        TopicSet::parse(spec).unwrap().0
    }

    fn usable(ids: &[i32]) -> Seen {
        Seen::Usable(ids.to_vec(), None)
    }

    #[test]
    fn a_missing_topic_is_waited_for_then_joins_late() {
        let s = set("orders");
        let mut j = Joined::default();
        let p = pick(&s, None, &[("orders".into(), Seen::Missing)], &mut j);
        assert_eq!(
            p.waiting,
            Some((
                "topic \"orders\" does not exist (yet); waiting for it".into(),
                false
            ))
        );
        assert!(p.new.is_empty());
        let p = pick(&s, None, &[("orders".into(), usable(&[0, 1]))], &mut j);
        assert_eq!(p.new, vec![("orders".into(), 0), ("orders".into(), 1)]);
        assert!(j.is_late("orders", 0), "created after the first look");
    }

    #[test]
    fn several_topics_start_with_those_that_exist_and_say_which_wait() {
        let s = set("a,b");
        let mut j = Joined::default();
        let p = pick(
            &s,
            None,
            &[("a".into(), usable(&[0])), ("b".into(), Seen::Missing)],
            &mut j,
        );
        assert_eq!(p.new, vec![("a".into(), 0)]);
        assert_eq!(p.waiting, None);
        assert_eq!(
            p.notes,
            vec!["topic \"b\" does not exist yet: it joins when created".to_string()]
        );
        j.add("a", 0);
        assert!(!j.is_late("a", 0));
        // Said once; a partition added to a later joins late.
        let p = pick(
            &s,
            None,
            &[("a".into(), usable(&[0, 1])), ("b".into(), Seen::Missing)],
            &mut j,
        );
        assert_eq!(p.new, vec![("a".into(), 1)]);
        assert!(p.notes.is_empty(), "{:?}", p.notes);
        assert!(j.is_late("a", 1));
    }

    #[test]
    fn a_pattern_waits_for_a_first_match() {
        let s = set("/^orders/");
        let mut j = Joined::default();
        let p = pick(&s, None, &[], &mut j);
        assert_eq!(
            p.waiting,
            Some((
                "no topic matches /^orders/ yet; waiting for one".into(),
                false
            ))
        );
        let p = pick(&s, None, &[("orders.eu".into(), usable(&[0]))], &mut j);
        assert_eq!(p.new, vec![("orders.eu".into(), 0)]);
        assert!(j.is_late("orders.eu", 0));
    }

    #[test]
    fn partition_choices_and_refusals() {
        // One topic without the partition asked: the tail stops and says why.
        let mut j = Joined::default();
        let p = pick(
            &set("t#7"),
            Some(&[7]),
            &[("t".into(), usable(&[0]))],
            &mut j,
        );
        assert_eq!(
            p.fatal.as_deref(),
            Some("topic \"t\" has no partition 7 to tail (it has 1 partition); not tailing")
        );
        // Several: the topics that have it are read, the others are named.
        let mut j = Joined::default();
        let p = pick(
            &set("a,b#1"),
            Some(&[1]),
            &[("a".into(), usable(&[0, 1])), ("b".into(), usable(&[0]))],
            &mut j,
        );
        assert_eq!(p.new, vec![("a".into(), 1)]);
        assert_eq!(p.notes.len(), 1, "{:?}", p.notes);
        // Denied: fatal for one topic, a note among several.
        let mut j = Joined::default();
        let p = pick(&set("x"), None, &[("x".into(), Seen::Denied)], &mut j);
        assert!(p.fatal.unwrap().contains("not authorized"));
        let p = pick(
            &set("x,y"),
            None,
            &[("x".into(), Seen::Denied), ("y".into(), usable(&[0]))],
            &mut Joined::default(),
        );
        assert_eq!(p.new, vec![("y".into(), 0)]);
        assert!(p.notes[0].contains("not authorized"));
    }

    #[test]
    fn a_topic_with_only_impossible_partitions_is_named_and_waited_on() {
        let mut j = Joined::default();
        let p = pick(
            &set("far"),
            None,
            &[("far".into(), Seen::Usable(vec![], Some("bad ids".into())))],
            &mut j,
        );
        assert_eq!(
            p.waiting,
            Some(("topic \"far\": bad ids; nothing to tail".into(), true))
        );
        let p = pick(
            &set("sparse"),
            None,
            &[(
                "sparse".into(),
                Seen::Usable(vec![0], Some("bad ids".into())),
            )],
            &mut Joined::default(),
        );
        assert_eq!(
            p.notes,
            vec!["bad ids: tailing the other partitions".to_string()]
        );
    }
}
