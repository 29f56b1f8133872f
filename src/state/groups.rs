//! The consumer-groups list's own state, kept while the view is closed: its sort order and
//! each group's lag trend (one sample per listing, the last few minutes).

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

use crate::model::GroupSummary;

/// How often the open list is listed again: each listing is one trend sample.
pub const REFRESH: Duration = Duration::from_secs(10);
/// Samples kept per group: 30 × 10 s, five minutes.
pub const TREND_LEN: usize = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GroupSort {
    /// Largest lag first (unknown lag last): what needs attention on top.
    #[default]
    Lag,
    Name,
    State,
    Members,
}

impl GroupSort {
    pub fn next(self) -> GroupSort {
        match self {
            GroupSort::Lag => GroupSort::Name,
            GroupSort::Name => GroupSort::State,
            GroupSort::State => GroupSort::Members,
            GroupSort::Members => GroupSort::Lag,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            GroupSort::Lag => "lag",
            GroupSort::Name => "name",
            GroupSort::State => "state",
            GroupSort::Members => "members",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct GroupsState {
    pub sort: GroupSort,
    /// Total lag per listing, oldest first; `None` where it was unknown.
    pub trend: BTreeMap<String, VecDeque<Option<i64>>>,
    /// When the list was last asked for (the open view asks again every `REFRESH`).
    pub asked: Option<Instant>,
}

impl GroupsState {
    /// Adds one listing's lags to the trends. Groups gone from the cluster lose theirs.
    pub fn record(&mut self, list: &[GroupSummary]) {
        self.trend
            .retain(|name, _| list.iter().any(|g| &g.name == name));
        for g in list {
            let t = self.trend.entry(g.name.clone()).or_default();
            if t.len() == TREND_LEN {
                t.pop_front();
            }
            t.push_back(g.lag);
        }
    }

    pub fn due(&self, now: Instant) -> bool {
        self.asked
            .map_or(true, |at| now.duration_since(at) >= REFRESH)
    }
}

/// Groups that pass the filter (case-insensitive, on the name), in the chosen order; ties
/// by name.
pub fn shown<'a>(list: &'a [GroupSummary], filter: &str, sort: GroupSort) -> Vec<&'a GroupSummary> {
    let f = filter.to_lowercase();
    let mut out: Vec<&GroupSummary> = list
        .iter()
        .filter(|g| f.is_empty() || g.name.to_lowercase().contains(&f))
        .collect();
    out.sort_by(|a, b| {
        let by = match sort {
            GroupSort::Lag => b.lag.map_or(-1, |l| l).cmp(&a.lag.map_or(-1, |l| l)),
            GroupSort::Name => std::cmp::Ordering::Equal,
            GroupSort::State => a.state.cmp(&b.state),
            GroupSort::Members => b.members.cmp(&a.members),
        };
        by.then_with(|| a.name.cmp(&b.name))
    });
    out
}

/// The row of `new` to select so that the group selected in `old` (row `selected`) stays
/// selected when the rows are reordered (a new listing, another sort); if it is gone, the same
/// row number, within the new rows.
pub fn reselect(old: &[&GroupSummary], selected: usize, new: &[&GroupSummary]) -> usize {
    old.get(selected)
        .and_then(|g| new.iter().position(|n| n.name == g.name))
        .unwrap_or(selected.min(new.len().saturating_sub(1)))
}

/// A trend as block characters, one per sample, scaled to the largest; a gap for unknown.
pub fn sparkline(samples: &VecDeque<Option<i64>>, width: usize) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let shown: Vec<Option<i64>> = samples
        .iter()
        .skip(samples.len().saturating_sub(width))
        .copied()
        .collect();
    let max = shown.iter().flatten().copied().max().unwrap_or(0);
    shown
        .iter()
        .map(|s| match s {
            None => ' ',
            Some(_) if max <= 0 => BARS[0],
            Some(v) => {
                let i = (i128::from((*v).max(0)) * 7 / i128::from(max)) as usize;
                BARS[i.min(7)]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(name: &str, lag: Option<i64>, members: usize, state: &str) -> GroupSummary {
        GroupSummary {
            name: name.into(),
            state: state.into(),
            members,
            lag,
            ..GroupSummary::default()
        }
    }

    #[test]
    fn lag_first_then_the_other_orders() {
        let list = vec![
            g("billing", Some(5), 1, "Stable"),
            g("Orders-app", None, 3, "Empty"),
            g("orders-audit", Some(500), 0, "Empty"),
            g("audit", Some(5), 2, "Stable"),
        ];
        let names = |sort, f: &str| -> Vec<String> {
            shown(&list, f, sort)
                .iter()
                .map(|g| g.name.clone())
                .collect()
        };
        assert_eq!(
            names(GroupSort::Lag, ""),
            ["orders-audit", "audit", "billing", "Orders-app"]
        );
        assert_eq!(
            names(GroupSort::Lag, "ORDERS"),
            ["orders-audit", "Orders-app"]
        );
        assert_eq!(
            names(GroupSort::Name, ""),
            ["Orders-app", "audit", "billing", "orders-audit"]
        );
        assert_eq!(names(GroupSort::Members, "")[0], "Orders-app");
        assert_eq!(names(GroupSort::State, "")[0], "Orders-app");
        let mut s = GroupSort::default();
        for _ in 0..4 {
            s = s.next();
        }
        assert_eq!(s, GroupSort::Lag, "s cycles through the four orders");
    }

    #[test]
    fn trends_keep_five_minutes_and_forget_deleted_groups() {
        let mut st = GroupsState::default();
        for i in 0..40 {
            st.record(&[g("a", Some(i), 1, "Stable"), g("b", None, 1, "Stable")]);
        }
        assert_eq!(st.trend["a"].len(), TREND_LEN);
        assert_eq!(st.trend["a"].back(), Some(&Some(39)));
        assert_eq!(st.trend["a"].front(), Some(&Some(10)));
        st.record(&[g("a", Some(1), 1, "Stable")]);
        assert!(!st.trend.contains_key("b"));
    }

    #[test]
    fn sparkline_scales_to_the_largest_and_shows_gaps() {
        let s: VecDeque<_> = [Some(0), Some(50), None, Some(100)].into();
        assert_eq!(sparkline(&s, 10), "▁▄ █");
        assert_eq!(sparkline(&s, 2), " █", "the newest samples when narrow");
        let flat: VecDeque<_> = [Some(0), Some(0)].into();
        assert_eq!(sparkline(&flat, 5), "▁▁");
        let huge: VecDeque<_> = [Some(i64::MAX), Some(1)].into();
        assert_eq!(sparkline(&huge, 5), "█▁");
    }
}
