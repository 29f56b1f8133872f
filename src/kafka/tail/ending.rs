//! Where a tail with `--until` stops, partition by partition.

use std::collections::{HashMap, HashSet};
use std::time::SystemTime;

use crate::model::Until;

/// Offsets by topic, then partition: looked up with a borrowed topic name, per record.
pub type ByPartition<T> = HashMap<String, HashMap<i32, T>>;

pub struct Ending {
    pub until: Until,
    /// The last record time kept (`--until 15m`, or a time).
    last_ms: Option<i64>,
    /// Whether the end is where each partition ended when the tail began (`end`, or a time
    /// already past).
    at_start: bool,
    /// Each partition's end when the tail began, for `end` and a time already past.
    end_at_start: ByPartition<i64>,
    done: HashMap<String, HashSet<i32>>,
    /// Partitions the tail reads, done or not.
    partitions: usize,
    /// Records read before the end, for the closing line.
    pub read: u64,
}

impl Ending {
    pub fn new(until: Until, began: SystemTime) -> Ending {
        Ending {
            until,
            last_ms: until.last_ms(began),
            at_start: until.stops_at_start_end(began),
            end_at_start: HashMap::new(),
            done: HashMap::new(),
            partitions: 0,
            read: 0,
        }
    }

    /// A partition the tail begins to read at `first` (where known); `end` is where it ended
    /// when the tail began (where known). A partition that joins after the tail began (a topic
    /// created later) had no record then: an end fixed at the start leaves it out at once.
    pub fn join(&mut self, topic: &str, p: i32, first: Option<i64>, end: Option<i64>, late: bool) {
        self.partitions += 1;
        if self.at_start {
            let end = if late { Some(0) } else { end };
            if let Some(end) = end {
                self.end_at_start
                    .entry(topic.to_string())
                    .or_default()
                    .insert(p, end);
            }
        }
        if let Some(first) = first {
            if self.stop(topic, p).is_some_and(|s| first >= s) {
                self.mark_done(topic, p);
            }
        }
    }

    fn mark_done(&mut self, topic: &str, p: i32) {
        match self.done.get_mut(topic) {
            Some(set) => {
                set.insert(p);
            }
            None => {
                self.done.insert(topic.to_string(), HashSet::from([p]));
            }
        }
    }

    fn is_done(&self, topic: &str, p: i32) -> bool {
        self.done.get(topic).is_some_and(|s| s.contains(&p))
    }

    /// The offset a partition stops before, if it has one.
    fn stop(&self, topic: &str, p: i32) -> Option<i64> {
        let at_start = self
            .end_at_start
            .get(topic)
            .and_then(|m| m.get(&p))
            .copied();
        let offset = match self.until {
            Until::Offset(n) => Some(n),
            _ => None,
        };
        match (at_start, offset) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// librdkafka read `topic`/`p` to its end, `position`: done if that is where it stops. The
    /// last record before the end may not be at `end - 1`: a transaction's commit marker takes
    /// an offset that no record has, and without this a tail of a transactional topic would
    /// wait for a record that never comes.
    pub fn reached(&mut self, topic: &str, p: i32, position: i64) {
        if self.stop(topic, p).is_some_and(|s| position >= s) {
            self.mark_done(topic, p);
        }
    }

    /// Whether the record is kept; a record past the end (or the last one before it) ends
    /// its partition.
    pub fn keep(&mut self, topic: &str, p: i32, offset: i64, timestamp_ms: Option<i64>) -> bool {
        if self.is_done(topic, p) {
            return false;
        }
        let stop = self.stop(topic, p);
        let late = self
            .last_ms
            .is_some_and(|last| timestamp_ms.is_some_and(|t| t > last));
        if late || stop.is_some_and(|s| offset >= s) {
            self.mark_done(topic, p);
            return false;
        }
        if stop.is_some_and(|s| offset + 1 >= s) {
            self.mark_done(topic, p);
        }
        self.read += 1;
        true
    }

    /// Every partition the tail reads reached its end.
    pub fn finished(&self) -> bool {
        self.done.values().map(HashSet::len).sum::<usize>() >= self.partitions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_topics_partitions_end_on_their_own() {
        let now = SystemTime::now();
        let mut e = Ending::new(Until::End, now);
        e.join("a", 0, Some(0), Some(2), false);
        e.join("b", 0, Some(0), Some(1), false);
        assert!(!e.finished());
        assert!(e.keep("a", 0, 0, None));
        // b#0 ends with its one record; a#0 has one more.
        assert!(e.keep("b", 0, 0, None));
        assert!(!e.finished());
        assert!(e.keep("a", 0, 1, None));
        assert!(e.finished());
        assert!(!e.keep("a", 0, 2, None), "past the end");
        assert_eq!(e.read, 3);
    }

    #[test]
    fn a_partition_ending_in_a_commit_marker_ends_when_librdkafka_says_so() {
        let mut e = Ending::new(Until::End, SystemTime::now());
        // Records at 0 and 1, the commit marker at 2: the end is 3.
        e.join("t", 0, Some(0), Some(3), false);
        assert!(e.keep("t", 0, 0, None) && e.keep("t", 0, 1, None));
        assert!(!e.finished(), "offset 2 is a marker, not a record");
        e.reached("t", 0, 2);
        assert!(!e.finished(), "not at the end yet");
        e.reached("t", 0, 3);
        assert!(e.finished());
        // A tail that never ends is not ended by reaching the end.
        let mut e = Ending::new(
            Until::Time(SystemTime::now() + std::time::Duration::from_secs(3600)),
            SystemTime::now(),
        );
        e.join("t", 0, Some(0), Some(3), false);
        e.reached("t", 0, 3);
        assert!(!e.finished());
    }

    #[test]
    fn a_topic_created_after_the_start_is_done_at_once_for_an_end_fixed_then() {
        let mut e = Ending::new(Until::End, SystemTime::now());
        e.join("a", 0, Some(5), Some(5), false);
        e.join("late", 0, Some(0), None, true);
        assert!(e.finished());
        // An offset end applies to a late topic as to any other.
        let mut e = Ending::new(Until::Offset(2), SystemTime::now());
        e.join("late", 0, Some(0), None, true);
        assert!(e.keep("late", 0, 0, None) && e.keep("late", 0, 1, None));
        assert!(e.finished());
    }
}
