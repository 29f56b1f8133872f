//! Consumer groups: the list, one group's members, offsets and lag, and offset resets.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupSummary {
    pub name: String,
    pub state: String,
    pub protocol_type: String,
    pub members: usize,
    /// Topics the group has committed offsets for, sorted.
    pub topics: Vec<String>,
    /// Lag summed over the committed partitions; `None` when the group has no commit, or none
    /// could be measured.
    pub lag: Option<i64>,
    /// Some committed partitions' end offsets could not be read: `lag` is a lower bound.
    pub lag_partial: bool,
}

/// Sums lag over a group's committed offsets, `(topic, partition, committed)`, given each
/// partition's end offset where known. Returns the topics, the lag and whether it is partial.
pub fn total_lag(
    committed: &[(String, i32, i64)],
    end: impl Fn(&str, i32) -> Option<i64>,
) -> (Vec<String>, Option<i64>, bool) {
    let mut topics: Vec<String> = committed.iter().map(|(t, _, _)| t.clone()).collect();
    topics.sort();
    topics.dedup();
    let (mut sum, mut measured, mut partial) = (0i64, false, false);
    for (t, p, c) in committed {
        match lag(Some(*c), end(t, *p)) {
            (Some(l), _) => {
                sum = sum.saturating_add(l);
                measured = true;
            }
            (None, _) => partial = true,
        }
    }
    (topics, measured.then_some(sum), partial && measured)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: String,
    pub client_id: String,
    pub host: String,
    /// topic -> partitions, decoded from the consumer protocol assignment.
    pub assignment: BTreeMap<String, Vec<i32>>,
}

/// Lag of one partition. `lag` is `None` when there is no commit, and the committed offset is
/// never allowed to make lag negative: `ahead` marks a commit past the end offset (a broker
/// reporting a stale end, or a truncated log).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PartitionLag {
    pub topic: String,
    pub partition: i32,
    pub committed: Option<i64>,
    pub end: Option<i64>,
    pub lag: Option<i64>,
    #[serde(default)]
    pub ahead: bool,
}

/// The lag summed over `rows` that have one (a commit and an end), saturating.
pub fn summed_lag(rows: &[PartitionLag]) -> i64 {
    rows.iter()
        .filter_map(|p| p.lag)
        .fold(0i64, i64::saturating_add)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupDetail {
    pub name: String,
    pub state: String,
    pub members: Vec<Member>,
    pub offsets: Vec<PartitionLag>,
}

impl GroupDetail {
    pub fn total_lag(&self) -> i64 {
        summed_lag(&self.offsets)
    }

    /// Offsets may be changed only while nobody consumes: the broker would reject it anyway.
    pub fn is_inactive(&self) -> bool {
        matches!(self.state.as_str(), "Empty" | "Dead") || self.members.is_empty()
    }

    /// Why a reset is refused while the group is active: its state and the members that
    /// block it (`client-id@host`, the first three), as `kafka-consumer-groups` would list them.
    pub fn reset_blockers(&self) -> String {
        const SHOWN: usize = 3;
        let mut who: Vec<String> = self
            .members
            .iter()
            .take(SHOWN)
            .map(|m| format!("{}@{}", m.client_id, m.host.trim_start_matches('/')))
            .collect();
        if self.members.len() > SHOWN {
            who.push(format!("{} more", self.members.len() - SHOWN));
        }
        format!(
            "it is {} with {} ({})",
            self.state,
            crate::model::count(self.members.len() as u64, "member"),
            who.join(", ")
        )
    }
}

/// Where a reset moves a group's offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetTo {
    Earliest,
    Latest,
    Offset(i64),
    /// Milliseconds since the epoch.
    Timestamp(i64),
    /// Each committed offset moved by this many (`-100`, `+50`), within the partition's
    /// records, as `kafka-consumer-groups --shift-by`.
    Shift(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetPlan {
    pub group: String,
    pub to: ResetTo,
    /// (topic, partition, old committed, new)
    pub moves: Vec<(String, i32, Option<i64>, i64)>,
}

/// Lag from a committed offset and an end offset, clamped (see `PartitionLag`).
pub fn lag(committed: Option<i64>, end: Option<i64>) -> (Option<i64>, bool) {
    match (committed, end) {
        (Some(c), Some(e)) if c > e => (Some(0), true),
        (Some(c), Some(e)) => (Some(e.saturating_sub(c)), false),
        _ => (None, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_lag_sums_what_it_can_measure_and_says_when_partial() {
        let c = |t: &str, p, o| (t.to_string(), p, o);
        let committed = [c("b", 0, 5), c("a", 0, 10), c("a", 1, 7), c("b", 1, 3)];
        let ends = |t: &str, p: i32| match (t, p) {
            ("a", 0) => Some(15),
            ("a", 1) => Some(5), // a commit past the end counts 0, never negative
            ("b", 0) => Some(9),
            _ => None,
        };
        let (topics, lag, partial) = total_lag(&committed, ends);
        assert_eq!(topics, ["a", "b"]);
        assert_eq!(lag, Some(9), "5 + 0 + 4");
        assert!(partial, "b#1 has no end offset");
        assert_eq!(
            total_lag(&committed, |_, _| None),
            (topics.clone(), None, false)
        );
        assert_eq!(total_lag(&[], |_, _| Some(1)), (vec![], None, false));
        let huge = [c("a", 0, 0), c("a", 1, 0)];
        assert_eq!(total_lag(&huge, |_, _| Some(i64::MAX)).1, Some(i64::MAX));
    }

    #[test]
    fn lag_is_clamped_and_marked() {
        assert_eq!(lag(Some(5), Some(10)), (Some(5), false));
        assert_eq!(lag(Some(12), Some(10)), (Some(0), true));
        assert_eq!(lag(None, Some(10)), (None, false));
        assert_eq!(lag(Some(3), None), (None, false));
    }

    #[test]
    fn inactive_groups() {
        let d = |state: &str, members: usize| GroupDetail {
            name: "g".into(),
            state: state.into(),
            members: (0..members)
                .map(|i| Member {
                    id: i.to_string(),
                    client_id: "c".into(),
                    host: "h".into(),
                    assignment: BTreeMap::new(),
                })
                .collect(),
            offsets: vec![],
        };
        assert!(d("Empty", 0).is_inactive());
        assert!(!d("Stable", 2).is_inactive());
    }
}
